"""Strict span precision, recall and F1 of the entity tagger on GermEval 2014-style gold data.

Any file in the GermEval 2014 TSV layout works (``#`` comment lines, ``index TAB token TAB
outer-tag TAB inner-tag``, a blank line between sentences). Only outer PER/LOC/ORG spans are
scored; OTH and the ``-deriv``/``-part`` variants count as no entity, because they are not facet
values. Scoring is seqeval's strict IOB2 mode: a span counts only with exact boundaries and type.
The gold tokens are tagged as given (no re-tokenization), so the figure measures the tagger.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..entities.corpus import read_germeval

FACET_TYPES = ("PER", "LOC", "ORG")


def _facet_only(tags: list[str]) -> list[str]:
    return [tag if tag[2:] in FACET_TYPES else "O" for tag in tags]


def evaluate_entities(gold: Path | str) -> dict[str, Any]:
    """Tag every gold sentence and score it. Returns per-type and micro-averaged figures plus
    throughput (tokens per second of featurizing and tagging, one core, model already loaded)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    from ..entities import tag_tokens
    from ..entities.tagger import get_tagger

    from ..errors import IngestError

    try:
        sentences = read_germeval(gold)
    except UnicodeDecodeError as error:
        raise IngestError(f"{gold}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    if not sentences:
        raise IngestError(f"{gold}: no sentences in GermEval TSV layout")
    if not any(tag != "O" for _, tags in sentences for tag in _facet_only(tags)):
        # seqeval would warn (numpy) and give F1 0.0: a file without names measures nothing
        raise IngestError(f"{gold}: no PER, LOC or ORG span in the gold file")
    loaded = time.perf_counter()
    get_tagger()
    load_seconds = time.perf_counter() - loaded
    started = time.perf_counter()
    predicted = [_facet_only(tag_tokens(tokens)) for tokens, _ in sentences]
    seconds = time.perf_counter() - started
    expected = [_facet_only(tags) for _, tags in sentences]
    report = classification_report(
        expected, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
    )
    tokens = sum(len(tokens) for tokens, _ in sentences)

    def figures(row: dict[str, float]) -> dict[str, float]:
        return {
            "precision": round(row["precision"], 4),
            "recall": round(row["recall"], 4),
            "f1": round(row["f1-score"], 4),
            "support": int(row["support"]),
        }

    return {
        "gold": str(gold),
        "sentences": len(sentences),
        "tokens": tokens,
        "types": {kind: figures(report[kind]) for kind in FACET_TYPES if kind in report},
        "micro": figures(report["micro avg"]),
        "model_load_seconds": round(load_seconds, 2),
        "tagging_seconds": round(seconds, 2),
        "tokens_per_second": round(tokens / seconds) if seconds else None,
    }


def format_entity_table(result: dict[str, Any]) -> str:
    """The figures as a small text table."""
    lines = [
        f"{result['gold']}: {result['sentences']:,} sentences, {result['tokens']:,} tokens",
        f"{'type':<8}{'precision':>10}{'recall':>10}{'F1':>10}{'spans':>8}",
    ]
    rows = [*result["types"].items(), ("micro", result["micro"])]
    for kind, row in rows:
        lines.append(
            f"{kind:<8}{row['precision']:>10.4f}{row['recall']:>10.4f}{row['f1']:>10.4f}"
            f"{row['support']:>8}"
        )
    lines.append(f"tagging: {result['tokens_per_second']:,} tokens/s (one core)")
    return "\n".join(lines)
