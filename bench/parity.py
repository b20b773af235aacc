"""``python -m bench.parity``: do searchkit's two engines give the same answers?

Issue 10's parity targets, measured on the same documents and queries in one run:

* a retrieval set in the ``searchkit eval retrieval`` formats (default: XQuAD-de with
  distractors, ``build/xquad-eval/`` from ``scripts/make_xquad_eval.py``): MRR@10 and nDCG@10
  per engine, their difference (target ≤ 0.01), and the top-10 overlap per question;
* mixed queries over the shared news corpora (``bench.corpus``: one word, two words, phrases,
  prefixes, date ranges, faceted queries with filters; default 200): top-10 overlap (target
  ≥ 90 % on average) and whether totals and every facet count are identical (target: all).

The documents are enriched once and the same enriched documents go into both engines, so any
difference comes from the engines. Results go to ``bench/results/parity-<time>.json`` and a
table to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .util import machine_info, progress, write_results

ENGINES = ("whoosh", "tantivy")
XQUAD_DIR = Path("build/xquad-eval")


def _enriched(docs: list[Any], label: str) -> list[Any]:
    import searchkit

    with progress(len(docs), f"{label}: enrich") as bar:
        out = []
        for doc in docs:
            out.append(searchkit.enrich(doc))
            bar.update(1)
    return out


def _build(docs: list[Any], folder: Path, engine: str, label: str) -> Any:
    import searchkit

    index = searchkit.Index(folder, create=True, engine=engine)
    with progress(len(docs), f"{label}: {engine} index") as bar:
        for start in range(0, len(docs), 500):
            index.add(docs[start : start + 500], on_document=lambda *_: bar.update(1))
    return index


def _overlap(a: list[str], b: list[str]) -> float | None:
    return len(set(a) & set(b)) / len(a) if a else None


def _mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(sum(kept) / len(kept), 4) if kept else None


def retrieval_parity(folder: Path, tmp: Path, limit: int | None) -> dict[str, Any]:
    from searchkit.evaluate.retrieval import SearchkitSystem, read_documents, read_qrels, read_queries, score_run

    docs = read_documents(folder / "docs.jsonl")
    queries = read_queries(folder / "queries.tsv")
    qrels = read_qrels(folder / "qrels.txt")
    if limit:
        queries = dict(list(queries.items())[:limit])
        qrels = {q: r for q, r in qrels.items() if q in queries}
    enriched = _enriched([SearchkitSystem.document(d) for d in docs], "retrieval")
    runs: dict[str, dict[str, list[str]]] = {}
    seconds: dict[str, float] = {}
    for engine in ENGINES:
        index = _build(enriched, tmp / f"xquad-{engine}", engine, "retrieval")
        run = {}
        started = time.perf_counter()
        with progress(len(queries), f"retrieval: {engine} queries") as bar:
            for qid, text in queries.items():
                run[qid] = [h.document.id for h in index.search(text, per_page=100, facets=False).hits]
                bar.update(1)
        seconds[engine] = round(time.perf_counter() - started, 2)
        runs[engine] = run
        index.close()
    scores = {engine: score_run(qrels, run) for engine, run in runs.items()}
    overlaps = [_overlap(runs["whoosh"][q][:10], runs["tantivy"][q][:10]) for q in queries]
    mrr = {e: round(s["mrr@10"], 4) for e, s in scores.items()}
    return {
        "set": str(folder), "documents": len(docs), "queries": len(queries),
        "scores": {e: {k: round(v, 4) for k, v in s.items()} for e, s in scores.items()},
        "mrr_difference": round(abs(mrr["whoosh"] - mrr["tantivy"]), 4),
        "top10_overlap": _mean(overlaps), "query_seconds": seconds,
    }


def mixed_parity(n_docs: int, n_queries: int, tmp: Path) -> dict[str, Any]:
    from . import corpus
    from .engines import Searchkit
    from .run import KINDS, build_queries

    docs = _enriched(list(corpus.stream(n_docs, corpus.base_keys())), "mixed")
    kinds = [k for k in KINDS if k != "faceted_nofacets"]
    queries = [q for kind, qs in build_queries(docs, -(-n_queries // len(kinds))).items() for q in qs][:n_queries]
    indexes = {engine: _build(docs, tmp / f"mixed-{engine}", engine, "mixed") for engine in ENGINES}
    overlaps: dict[str, list[float | None]] = {}
    differences: list[str] = []
    with progress(len(queries), "mixed: queries") as bar:
        for q in queries:
            options = Searchkit().request_options(q) | {"facet_size": 1000}
            w, t = (indexes[e].search(q.text(), **options) for e in ENGINES)
            facets = [[(f.name, f.truncated, [(v.value, v.count) for v in f.results]) for f in r.facets] for r in (w, t)]
            if w.total != t.total or facets[0] != facets[1]:
                differences.append(q.label())
            overlaps.setdefault(q.kind, []).append(
                _overlap([h.document.id for h in w.hits], [h.document.id for h in t.hits])
            )
            bar.update(1)
    for index in indexes.values():
        index.close()
    everything = [v for vs in overlaps.values() for v in vs]
    return {
        "documents": len(docs), "queries": len(queries),
        "top10_overlap": _mean(everything), "top10_overlap_by_kind": {k: _mean(v) for k, v in overlaps.items()},
        "identical_totals_and_facets": len(queries) - len(differences), "differences": differences[:20],
    }


def table(result: dict[str, Any]) -> str:
    lines = ["| parity measure | whoosh | tantivy | target | met? |", "|---|---:|---:|---|---|"]
    r = result.get("retrieval")
    if r:
        s = r["scores"]
        ok = r["mrr_difference"] <= 0.01
        lines += [
            f"| {r['queries']} questions over {r['documents']:,} docs: MRR@10 | {s['whoosh']['mrr@10']:.4f} | "
            f"{s['tantivy']['mrr@10']:.4f} | difference ≤ 0.01 ({r['mrr_difference']:.4f}) | {'yes' if ok else 'NO'} |",
            f"| same: nDCG@10 | {s['whoosh']['ndcg@10']:.4f} | {s['tantivy']['ndcg@10']:.4f} | | |",
            f"| same: top-10 overlap | | {r['top10_overlap']:.3f} | ≥ 0.90 | {'yes' if r['top10_overlap'] >= 0.9 else 'NO'} |",
            f"| same: query time s (no facets) | {r['query_seconds']['whoosh']} | {r['query_seconds']['tantivy']} | | |",
        ]
    m = result.get("mixed")
    if m:
        same = m["identical_totals_and_facets"]
        lines += [
            f"| {m['queries']} mixed queries over {m['documents']:,} news articles: top-10 overlap | | "
            f"{m['top10_overlap']:.3f} | ≥ 0.90 | {'yes' if m['top10_overlap'] >= 0.9 else 'NO'} |",
            f"| same: identical totals and facet counts | | {same} / {m['queries']} | all | "
            f"{'yes' if same == m['queries'] else 'NO'} |",
            "| same: overlap by kind | | " + ", ".join(f"{k} {v:.2f}" for k, v in m["top10_overlap_by_kind"].items()
                                                      if v is not None) + " | | |",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--retrieval", type=Path, default=XQUAD_DIR,
                        help="folder with docs.jsonl, queries.tsv, qrels.txt (default build/xquad-eval)")
    parser.add_argument("--questions", type=int, default=None, help="only the first N questions")
    parser.add_argument("--docs", type=int, default=2000, help="news articles for the mixed queries")
    parser.add_argument("--queries", type=int, default=200, help="mixed queries")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine_info(),
                              "command": "python -m bench.parity " + " ".join(argv or sys.argv[1:])}
    with tempfile.TemporaryDirectory(prefix="searchkit-parity-") as tmp:
        if (args.retrieval / "docs.jsonl").exists():
            result["retrieval"] = retrieval_parity(args.retrieval, Path(tmp), args.questions)
            print(json.dumps(result["retrieval"]), file=sys.stderr)
        else:
            print(f"no retrieval set in {args.retrieval} (python scripts/make_xquad_eval.py): skipped",
                  file=sys.stderr)
        result["mixed"] = mixed_parity(args.docs, args.queries, Path(tmp))
    write_results(result, table(result), "parity", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
