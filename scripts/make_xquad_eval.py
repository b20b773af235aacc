"""Build the XQuAD-de retrieval evaluation set that ``searchkit eval retrieval`` reads.

Documents: the 240 German XQuAD paragraphs (id ``xq-<article>-<paragraph>``, article index
two digits, e.g. ``xq-03-2``) plus, as distractors, the 10kGNAD test articles (``gnad-<line>``)
and the zeitgeist news items (``zg-<line>``, title + content as one text). Queries: the 1,190 XQuAD
questions; each one's single relevant document is the paragraph it was asked about.

    python scripts/make_xquad_eval.py                       # → build/xquad-eval/ of the project
    searchkit eval retrieval --docs build/xquad-eval/docs.jsonl \
        --queries build/xquad-eval/queries.tsv --qrels build/xquad-eval/qrels.txt --baselines

The output is derived from licensed data (CC BY-SA, CC BY-NC-SA, publishers' text): it lives
under ``build/`` (git-ignored) and must never be committed or shipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "build" / "xquad-eval"

XQUAD = Path("xquad-de") / "xquad.de.json"
GNAD = Path("10kgnad") / "test.csv"
ZEITGEIST = Path("zeitgeist") / "archive.jsonl"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def xquad(path: Path) -> tuple[list[dict[str, str]], list[tuple[str, str, str]]]:
    """Paragraph documents and (query id, question, paragraph id) triples."""
    data = json.loads(path.read_text(encoding="utf-8"))
    docs: list[dict[str, str]] = []
    questions: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for a, article in enumerate(data["data"]):
        for p, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"xq-{a:02d}-{p}"
            docs.append({"id": doc_id, "text": paragraph["context"]})
            for n, qa in enumerate(paragraph["qas"]):
                qid = str(qa.get("id") or f"{doc_id}-q{n}")
                if qid in seen:  # never happens in the published file; keep ids unique anyway
                    qid = f"{doc_id}-q{n}"
                seen.add(qid)
                questions.append((qid, _one_line(qa["question"]), doc_id))
    return docs, questions


def gnad(path: Path) -> Iterator[dict[str, str]]:
    """10kGNAD articles, read as its SOURCE.md says (``Category;'text'``); the id is the line
    the article starts on (one article a line)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";", quotechar="'")
        line = 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if len(row) < 2 or not row[1].strip():
                continue
            yield {"id": f"gnad-{start}", "text": row[1]}


def zeitgeist(path: Path) -> Iterator[dict[str, str]]:
    """zeitgeist items: title and content (teaser) of each line, as one text.

    The headline goes into the text, not into a ``title`` field: the XQuAD paragraphs and the
    10kGNAD articles (headline run into the text) have no title field, and a field that only the
    distractors had would give them an extra BM25 field score for every common question word
    (measured: tantivy MRR@10 0.835 with a separate title field, 0.906 without; the issue's
    baseline figures were measured this way)."""
    with path.open(encoding="utf-8") as handle:
        for line, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            item = json.loads(raw)
            text = "\n\n".join(part.strip() for part in (item.get("title") or "", item.get("content") or "") if part.strip())
            if text:
                yield {"id": f"zg-{line}", "text": text}


def build(data: Path, out: Path) -> dict[str, int]:
    for relative in (XQUAD, GNAD, ZEITGEIST):
        if not (data / relative).exists():
            raise SystemExit(f"error: {data / relative} not found (give the shared data folder with --data)")
    paragraphs, questions = xquad(data / XQUAD)
    distractors = [*gnad(data / GNAD), *zeitgeist(data / ZEITGEIST)]
    from searchkit.evaluate.retrieval import write_eval_set

    write_eval_set(
        out, [*paragraphs, *distractors], questions,
        "Derived from ../shared/data (XQuAD-de CC BY-SA 4.0, 10kGNAD CC BY-NC-SA 4.0, zeitgeist"
        " publishers' text) by scripts/make_xquad_eval.py. Do not commit or redistribute.",
    )
    return {
        "documents": len(paragraphs) + len(distractors),
        "paragraphs": len(paragraphs),
        "distractors": len(distractors),
        "queries": len(questions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"shared data folder (default: {DEFAULT_DATA})")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT,
        help=f"output folder (default: {DEFAULT_OUT}, build/xquad-eval/ of the project folder, from any current folder)",
    )
    args = parser.parse_args(argv)
    counts = build(args.data, args.out)
    print(
        f"{counts['documents']} documents ({counts['paragraphs']} paragraphs + {counts['distractors']}"
        f" distractors), {counts['queries']} queries → {args.out}/"
        "{docs.jsonl,queries.tsv,qrels.txt}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
