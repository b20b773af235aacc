"""Accuracy of :mod:`searchkit.dates` on a labelled set of German date expressions.

The shipped set (``data/date_expressions.tsv``) was written for this project. Columns:
``kind<TAB>text<TAB>reference<TAB>expected``:

* ``kind`` is ``publication`` (:func:`~searchkit.dates.parse_date`), ``mentioned``
  (:func:`~searchkit.dates.extract_mentioned_dates`) or ``query``
  (:func:`~searchkit.dates.parse_query_dates`);
* ``reference`` is an ISO date (its form gives the precision: ``2025-07`` is a month) or empty;
  it is the reference day for publication strings, the publication date for mentions and
  *today* for queries;
* ``expected`` is an ISO value whose form gives the precision (``2025``, ``2025-04``,
  ``2025-04-10``, ``2025-04-10T14:30``), ``-`` for "no date", values separated by ``;`` for
  mentions, and ``START..END`` (either side may be empty) for queries.

An expression counts as correct only when every value *and* its precision match: a parser that
returns 2020-11-01 for "am 10. November 2020" or 2025-03-15 for "März 2025" is wrong.
"""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path
from typing import Any

from ..dates import extract_mentioned_dates, parse_date, parse_query_dates
from ..errors import DateError
from ..model import PubDate

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "date_expressions.tsv"
KINDS = ("publication", "mentioned", "query")


def _pubdates(text: str) -> list[PubDate]:
    text = text.strip()
    if text in ("", "-"):
        return []
    return sorted({PubDate.from_iso(part.strip()) for part in text.split(";") if part.strip()})


def _side(text: str) -> PubDate | None:
    return PubDate.from_iso(text) if text.strip() else None


def _show(value: PubDate | None) -> str:
    return "" if value is None else value.value


def _expected(kind: str, expected: str) -> Any:
    if kind == "query":
        if expected.strip() == "-":
            return (None, None)
        if ".." not in expected:
            raise DateError(f"query expectation {expected!r} is not START..END")
        start, end = expected.split("..", 1)
        return (_side(start), _side(end))
    if kind == "publication":
        found = _pubdates(expected)
        if len(found) > 1:
            raise DateError(f"a publication date has one value, not {expected!r}")
        return found[0] if found else None
    return _pubdates(expected)


def _reference(kind: str, text: str) -> Any:
    if not text.strip():
        return None
    value = PubDate.from_iso(text)
    if kind == "mentioned":
        return value
    return value.start()


def _run(kind: str, text: str, reference: Any) -> Any:
    if kind == "publication":
        return parse_date(text, reference=reference)
    if kind == "mentioned":
        return extract_mentioned_dates(text, reference=reference)
    result = parse_query_dates(text, today=reference or date.today())
    return (result.start, result.end)


def _format(kind: str, value: Any) -> str:
    if kind == "query":
        start, end = value
        return "-" if start is None and end is None else f"{_show(start)}..{_show(end)}"
    if kind == "publication":
        return value.value if value is not None else "-"
    return ";".join(v.value for v in value) or "-"


def _same(kind: str, got: Any, want: Any) -> bool:
    """Equal values and equal precisions (PubDate equality compares both)."""
    if kind == "mentioned":
        return sorted(set(got)) == list(want)
    return bool(got == want)


def _prepare(row: dict[str, str], where: str) -> tuple[Any, Any]:
    """The reference and the expectation of one row; a bad value is a ``DateError`` naming
    ``where`` (file:line), as a wrong column count is (they named neither; found by a review)."""
    kind = row["kind"]
    try:
        return _reference(kind, row["reference"]), _expected(kind, row["expected"])
    except DateError as error:
        raise DateError(f"{where}: {error}") from error


def _rate(count: int, seconds: float) -> float | None:
    """Expressions per second, ``None`` when too fast to time: ``inf`` became ``Infinity`` in
    the JSON, which strict JSON readers reject (found by a review)."""
    return count / seconds if seconds > 0 else None


def load_expressions(path: Path | None = None) -> list[dict[str, str]]:
    """Rows of a date-expression TSV (header ``kind text reference expected``); a file that is
    not UTF-8 text is a ``DateError`` naming it, as the other evaluations name theirs."""
    try:
        return _read_expressions(path)
    except UnicodeDecodeError as error:
        raise DateError(f"{path or DEFAULT_PATH}: not UTF-8 text ({error.reason} at byte {error.start})") from error


def _read_expressions(path: Path | None) -> list[dict[str, str]]:
    rows = []
    with open(path or DEFAULT_PATH, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:4]] != ["kind", "text", "reference", "expected"]:
            raise DateError(f"{path or DEFAULT_PATH}: header must be kind, text, reference, expected")
        for number, row in enumerate(reader, start=2):
            if not row or (len(row) == 1 and not row[0].strip()) or row[0].startswith("#"):
                continue
            if len(row) != 4:
                raise DateError(f"{path or DEFAULT_PATH}:{number}: expected 4 tab-separated columns, got {len(row)}")
            kind = row[0].strip()
            if kind not in KINDS:
                raise DateError(f"{path or DEFAULT_PATH}:{number}: unknown kind {kind!r}")
            rows.append({"line": str(number), "kind": kind, "text": row[1], "reference": row[2].strip(), "expected": row[3].strip()})
    return rows


def evaluate_dates(path: Path | None = None) -> dict[str, Any]:
    """Run every expression of the set and score it.

    Returns ``{"path", "total", "correct", "accuracy", "per_kind": {kind: {"total", "correct",
    "accuracy", "seconds", "expressions_per_second"}}, "failures": [{"line", "kind", "text",
    "reference", "expected", "got"}], "seconds", "expressions_per_second"}`` (a rate is ``None``
    when the time was too short to measure). Accepts any file in the same layout; a malformed
    one, or one without expressions, raises :class:`DateError` (naming file and line).
    """
    rows = load_expressions(path)
    if not rows:
        # accuracy 0.0 of nothing read as a result (found by a review)
        raise DateError(f"no expressions in {path or DEFAULT_PATH}")
    prepared = [(row, *_prepare(row, f"{path or DEFAULT_PATH}:{row['line']}")) for row in rows]
    # Warm up (compiled grammar, dateparser's lazy import) so the speed is the steady state.
    parse_date("1. Juli 2020")
    parse_date("zz2020zz")  # loads the guarded dateparser fallback
    extract_mentioned_dates("am 1. Juli 2020")
    parse_query_dates("seit 2020", today=date(2026, 1, 1))
    per_kind: dict[str, dict[str, Any]] = {kind: {"total": 0, "correct": 0, "seconds": 0.0} for kind in KINDS}
    failures = []
    elapsed = 0.0
    for row, reference, want in prepared:
        kind = row["kind"]
        started = time.perf_counter()
        got = _run(kind, row["text"], reference)
        took = time.perf_counter() - started
        elapsed += took
        per_kind[kind]["seconds"] += took
        per_kind[kind]["total"] += 1
        if _same(kind, got, want):
            per_kind[kind]["correct"] += 1
        else:
            failures.append(
                {
                    "line": int(row["line"]),
                    "kind": kind,
                    "text": row["text"],
                    "reference": row["reference"],
                    "expected": _format(kind, want),
                    "got": _format(kind, got),
                }
            )
    total = sum(k["total"] for k in per_kind.values())
    correct = sum(k["correct"] for k in per_kind.values())
    return {
        "path": str(path or DEFAULT_PATH),
        "total": total,
        "correct": correct,
        "accuracy": correct / total,
        "per_kind": {
            kind: {
                **counts,
                "accuracy": counts["correct"] / counts["total"],
                "expressions_per_second": _rate(counts["total"], counts["seconds"]),
            }
            for kind, counts in per_kind.items()
            if counts["total"]
        },
        "failures": failures,
        "seconds": elapsed,
        "expressions_per_second": _rate(total, elapsed),
    }


def _show_rate(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:,.0f}"


def format_date_table(result: dict[str, Any], *, max_failures: int = 20) -> str:
    """A plain-text report: accuracy per kind and overall, speed, and the first failures."""
    lines = [f"{'kind':<12} {'n':>5} {'correct':>8} {'accuracy':>9} {'expressions/s':>14}"]
    for kind, counts in result["per_kind"].items():
        lines.append(
            f"{kind:<12} {counts['total']:>5} {counts['correct']:>8} {counts['accuracy']:>9.3f}"
            f" {_show_rate(counts['expressions_per_second']):>14}"
        )
    lines.append(
        f"{'overall':<12} {result['total']:>5} {result['correct']:>8} {result['accuracy']:>9.3f}"
        f" {_show_rate(result['expressions_per_second']):>14}"
    )
    lines.append(f"time: {result['seconds'] * 1000:.1f} ms for {result['total']} expressions")
    failures = result["failures"]
    if failures:
        lines.append(f"failures ({len(failures)}):")
        for failure in failures[:max_failures]:
            ref = f" @{failure['reference']}" if failure["reference"] else ""
            lines.append(
                f"  {failure['line']:>4} {failure['kind']:<11} {failure['text']!r}{ref}: "
                f"expected {failure['expected']}, got {failure['got']}"
            )
        if len(failures) > max_failures:
            lines.append(f"  … and {len(failures) - max_failures} more")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - manual use: python -m searchkit.evaluate.dates [PATH]
    import sys

    print(format_date_table(evaluate_dates(Path(sys.argv[1]) if len(sys.argv) > 1 else None), max_failures=100))
