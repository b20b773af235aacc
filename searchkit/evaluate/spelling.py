"""How good "Meinten Sie …?" is: false alarms on queries as people wrote them, and typos put
into the same queries that the suggestion takes back.

Real typo logs are not available, so the typos are made: in each query one word of six letters
or more (chosen with a fixed seed) gets one edit at an inner position — a letter replaced,
dropped, added or swapped with its neighbour, the four kinds of Damerau's 1964 study that cover
most single typing errors. The first letter stays: people rarely mistype it, and a suggestion
for it is a separate path (``spelling.Vocabulary.first_letter_typos``). Each query is searched
as typed (a suggestion there is a *false alarm*) and with its typo (the suggestion *restores*
the query when it equals it, case aside; *another* suggestion is a wrong guess; none is a
miss), with searchkit's default operator, as the CLI, API and web page search.

The documents and queries are the retrieval evaluation's files (``evaluate.retrieval``
formats: ``DOCS.jsonl`` and ``QUERIES.tsv``); judgments are not needed.
"""

from __future__ import annotations

import random
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import QueryError
from .retrieval import SearchkitSystem, _bar, read_documents, read_queries

#: A word that gets a typo: six letters or more (shorter words have too many neighbours in a
#: vocabulary for one edit to say which was meant).
TYPO_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{6,}(?![^\W\d_])")
#: Letters a typo puts in (German keyboard letters).
TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
#: What a query is counted as: up to three words are keywords (``operator`` auto: all words
#: must match), longer ones natural language (any word may match).
KEYWORD_WORDS = 3


def make_typo(word: str, rng: random.Random) -> str:
    """``word`` with one edit at an inner position (never the first letter); never ``word``
    itself."""
    for _ in range(20):
        at = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("replace", "drop", "add", "swap"))
        if kind == "replace":
            typo = word[:at] + rng.choice(TYPO_LETTERS) + word[at + 1 :]
        elif kind == "drop":
            typo = word[:at] + word[at + 1 :]
        elif kind == "add":
            typo = word[:at] + rng.choice(TYPO_LETTERS) + word[at:]
        else:
            typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        if typo.lower() != word.lower():
            return typo
    return word[0] + word[2:]  # a word of one letter repeated: drop one


def with_typo(query: str, rng: random.Random) -> str | None:
    """``query`` with a typo in one of its words of six letters or more; None when it has none."""
    words = list(TYPO_WORD.finditer(query))
    if not words:
        return None
    word = rng.choice(words)
    return query[: word.start()] + make_typo(word.group(), rng) + query[word.end() :]


@dataclass
class Tally:
    """Counts for one kind of query (keywords or natural language)."""

    queries: int = 0
    false_alarms: int = 0
    with_typo: int = 0
    restored: int = 0
    other: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        return {
            "queries": self.queries,
            "false_alarms": self.false_alarms,
            "false_alarm_rate": share(self.false_alarms, self.queries),
            "with_typo": self.with_typo,
            "restored": self.restored,
            "restored_rate": share(self.restored, self.with_typo),
            "other_suggestion": self.other,
            "other_rate": share(self.other, self.with_typo),
            "no_suggestion": self.with_typo - self.restored - self.other,
            "examples": self.examples,
        }


def evaluate_spelling(
    docs: Path, queries: Path, *, seed: int = 1, limit: int | None = None, enrich: bool = True,
    progress: bool = True, examples: int = 0,
) -> dict[str, Any]:
    """Index ``docs`` in a temporary folder, then search every query (at most ``limit``) as
    typed and with one typo (``with_typo``, seeded by ``seed``).

    Returns ``{"all"|"keywords"|"natural_language": {"queries", "false_alarms",
    "false_alarm_rate", "with_typo", "restored", "restored_rate", "other_suggestion",
    "other_rate", "no_suggestion", "examples"}, "documents", "seed"}``; ``examples`` keeps that
    many false alarms and wrong guesses per kind, to read (they quote the queries: results
    files of licensed query sets are written without them)."""
    documents = read_documents(Path(docs))
    texts = list(read_queries(Path(queries)).values())[:limit]
    if not texts:
        raise QueryError(f"{queries}: no queries")
    rng = random.Random(seed)
    tallies = {"keywords": Tally(), "natural_language": Tally()}
    system = SearchkitSystem(operator="auto", enrich=enrich)
    with tempfile.TemporaryDirectory(prefix="searchkit-eval-") as tmp:
        try:
            system.build(documents, Path(tmp) / "index", progress=progress)
            with _bar(progress, total=len(texts), desc="searchkit: suggestions", unit=" queries") as bar:
                for text in texts:
                    kind = "keywords" if len(text.split()) <= KEYWORD_WORDS else "natural_language"
                    _score(system.index, text, rng, tallies[kind], examples)
                    bar.update()
        finally:
            system.close()
    total = Tally()
    for tally in tallies.values():
        for name in ("queries", "false_alarms", "with_typo", "restored", "other"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    return {
        "all": {k: v for k, v in total.to_dict().items() if k != "examples"},
        **{kind: tally.to_dict() for kind, tally in tallies.items()},
        "documents": len(documents),
        "seed": seed,
    }


def _suggestion(index: Any, text: str) -> str | None:
    try:
        return index.search(text, per_page=1, facets=False, highlight=False).suggestion  # type: ignore[no-any-return]
    except QueryError:
        return None


def _score(index: Any, text: str, rng: random.Random, tally: Tally, examples: int) -> None:
    tally.queries += 1
    said = _suggestion(index, text)
    if said is not None:
        tally.false_alarms += 1
        _keep_example(tally, examples, {"query": text, "suggestion": said, "kind": "false alarm"})
    typed = with_typo(text, rng)
    if typed is None:
        return
    tally.with_typo += 1
    said = _suggestion(index, typed)
    if said is None:
        return
    if said.casefold() == text.casefold():
        tally.restored += 1
        return
    tally.other += 1
    _keep_example(tally, examples, {"query": text, "typed": typed, "suggestion": said, "kind": "other"})


def _keep_example(tally: Tally, examples: int, example: dict[str, str]) -> None:
    """Keep ``example`` if fewer than ``examples`` of its kind are kept: each kind has its own
    share, so that wrong guesses, which come more often, cannot crowd out the false alarms."""
    if sum(kept["kind"] == example["kind"] for kept in tally.examples) < examples:
        tally.examples.append(example)


def format_spelling_table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, one row per kind of query."""
    rows = ["| queries | n | false alarms | with a typo | restored | other suggestion | none |", "|---|---|---|---|---|---|---|"]
    for kind, label in (("keywords", "keywords (≤ 3 words)"), ("natural_language", "longer / questions"), ("all", "all")):
        f = result[kind]

        def pct(value: float | None) -> str:
            return "–" if value is None else f"{value:.1%}"

        rows.append(
            f"| {label} | {f['queries']} | {f['false_alarms']} ({pct(f['false_alarm_rate'])}) | {f['with_typo']} |"
            f" {f['restored']} ({pct(f['restored_rate'])}) | {f['other_suggestion']} ({pct(f['other_rate'])}) |"
            f" {f['no_suggestion']} |"
        )
    for kind in ("keywords", "natural_language"):
        for example in result[kind]["examples"]:
            typed = f" typed {example['typed']!r}" if "typed" in example else ""
            rows.append(f"{example['kind']}: {example['query']!r}{typed} → {example['suggestion']!r}")
    return "\n".join(rows)

