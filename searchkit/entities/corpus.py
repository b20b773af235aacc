"""Readers for labelled NER data: GermEval 2014 TSV and Europeana Newspapers BIO.

Both return sentences as ``(tokens, tags)`` with IOB2 tags over the tagger's labels. The facets
know PER, LOC and ORG only; OTH can be kept as a label of its own while training
(``keep_oth=True``) because it teaches the model what is a name but not a facet value. The
GermEval ``-deriv`` and ``-part`` variants ("deutschen", "EU-Kommission") are not names: O
(``variants=True`` keeps them as labels of their own; that scored lower, docs/entities.md).
``to_bioes`` turns IOB2 into BIOES labels (``train_ner.py --scheme bioes``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import IngestError

FACET_TYPES = ("PER", "LOC", "ORG")

Sentence = tuple[list[str], list[str]]


#: GermEval's ``-deriv`` and ``-part`` variants, as training labels (``variants=True``).
VARIANT_SUFFIXES = ("deriv", "part")


def map_tag(tag: str, *, keep_oth: bool = False, variants: bool = False) -> str:
    """One GermEval/Europeana tag → ``B-PER`` … or ``O``; with ``variants`` the ``-deriv`` and
    ``-part`` tags stay labels of their own (``B-LOCderiv``)."""
    tag = tag.strip()
    if len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return "O"
    kind = tag[2:]
    if variants and kind.endswith(VARIANT_SUFFIXES) and kind[:3].upper() in FACET_TYPES + ("OTH",):
        return f"{tag[0]}-{kind[:3].upper()}{kind[3:].lower()}"
    kind = kind.upper()
    allowed = FACET_TYPES + (("OTH",) if keep_oth else ())
    if kind not in allowed:
        return "O"
    return f"{tag[0]}-{kind}"


def repair_iob2(tags: list[str]) -> list[str]:
    """An ``I-X`` that does not continue an ``X`` span starts one (``B-X``)."""
    out = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


def to_bioes(tags: Sequence[str]) -> list[str]:
    """IOB2 → BIOES: a span's last token is ``E-X``, a one-token span ``S-X`` (the CRF learns
    where names end, not only where they start)."""
    out = []
    for i, tag in enumerate(tags):
        if tag == "O":
            out.append(tag)
            continue
        nxt = tags[i + 1] if i + 1 < len(tags) else "O"
        ends = not (nxt.startswith("I-") and nxt[2:] == tag[2:])
        if tag.startswith("B-"):
            out.append(("S-" if ends else "B-") + tag[2:])
        else:
            out.append(("E-" if ends else "I-") + tag[2:])
    return out


def _germeval_columns(line: str, where: str) -> list[str]:
    """The columns of one token line, ``index TAB token TAB outer [TAB inner]`` with a positive
    integer index (empty columns after the tags are dropped: the test set ends one line with a
    tab). Any other line is an ``IngestError`` naming ``where``: a line separated by spaces was
    dropped without a word, and a ``token TAB POS TAB NER`` file was scored with its POS column
    as the tokens (F1 0, exit 0; found by a review)."""
    parts = line.split("\t")
    while len(parts) > 3 and not parts[-1].strip():
        parts.pop()
    if not 3 <= len(parts) <= 4 or not parts[0].strip().isdigit() or int(parts[0]) < 1:
        raise IngestError(
            f"{where}: expected index<TAB>token<TAB>tag[<TAB>tag] (GermEval 2014, index a positive integer),"
            f" got {line[:60]!r}"
        )
    return parts


def _germeval_rows(path: Path | str) -> Iterator[list[list[str]]]:
    """The token lines of a GermEval 2014 file split into columns (``idx TAB token TAB outer TAB
    inner``), one list per sentence. A blank line ends a sentence and so does a ``#`` comment
    line: GermEval starts every sentence with one, so a file without blank lines is still read
    sentence by sentence (it was read as one sentence). A line of another shape is an
    ``IngestError`` naming file and line (``_germeval_columns``)."""
    rows: list[list[str]] = []
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n").rstrip("\r")
            if line.startswith("#") or not line.strip():
                if rows:
                    yield rows
                    rows = []
                continue
            rows.append(_germeval_columns(line, f"{path}:{number}"))
    if rows:
        yield rows


def read_germeval(path: Path | str, *, keep_oth: bool = False,
                  variants: bool = False) -> list[Sentence]:
    """Sentences of a GermEval 2014 file (``#`` comment lines, ``idx TAB token TAB outer TAB
    inner``, blank line between sentences). Outer tags only. A line of another shape is an
    ``IngestError`` naming file and line."""
    return [
        ([row[1] for row in rows], repair_iob2([map_tag(row[2], keep_oth=keep_oth, variants=variants) for row in rows]))
        for rows in _germeval_rows(path)
    ]


_EUROPEANA_END = frozenset(".!?")
_EUROPEANA_TAG = re.compile(r"^[BI]-(PER|LOC|ORG)$", re.IGNORECASE)


def read_germeval_inner(path: Path | str) -> list[list[str]]:
    """The inner (second-column) annotations of a GermEval 2014 file, one IOB2 tag list over
    PER/LOC/ORG per sentence, in the order and with the tokens of ``read_germeval`` ("Universität
    [LOC Hamburg]" inside the outer ORG span; ``train_ner.py --inner``)."""
    return [repair_iob2([map_tag(row[3]) if len(row) > 3 else "O" for row in rows]) for rows in _germeval_rows(path)]


def read_europeana(path: Path | str) -> list[Sentence]:
    """Europeana Newspapers ``token SPACE tag`` file, cut into sentences at . ! ? (stray tags such
    as I-MISC are O; B-PEr is B-PER)."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        nonlocal tokens, tags
        if tokens:
            sentences.append((tokens, repair_iob2(tags)))
        tokens, tags = [], []

    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) != 2:
                if not parts:
                    flush()
                continue
            token, tag = parts
            tag = tag.upper() if _EUROPEANA_TAG.match(tag) else "O"
            tokens.append(token)
            tags.append(tag)
            if token in _EUROPEANA_END or len(tokens) >= 100:
                flush()
    flush()
    return sentences


def iter_spans(tags: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, type) of each IOB2 span, end exclusive (training data and the tagger's
    output alike)."""
    start = None
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != kind):
            yield start, i, kind
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, kind = i, tag[2:]
