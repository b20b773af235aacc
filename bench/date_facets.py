"""What date faceting costs a keyword query (issue 6: at most +20 %).

    python -m bench.date_facets [--docs 5000] [--queries 200] [--out bench/results/date-facets.json]

Builds a searchkit index of real dated articles from ``../shared/data`` (the benchmark corpus,
without entity extraction: only the date facets are measured), draws one- and two-word keyword
queries from the articles themselves (seeded), and times each query three ways in one run,
interleaved (after one untimed run of the query, in rotating order) so that machine noise and
warm caches favour none of them: no facets, the two publication-date facets (year, month) and
every facet. Reports p50/p95 and the ratios.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .corpus import base_keys, missing_sources, stream
from .engines import facets_only
from .util import dump_json, machine_info, percentiles, progress

SEED = 11
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{5,}")


def keyword_queries(docs: list, n: int) -> list[str]:  # type: ignore[type-arg]
    rng = random.Random(SEED)
    queries: list[str] = []
    while len(queries) < n:
        doc = rng.choice(docs)
        words = WORD.findall(f"{doc.title} {doc.body}")
        if len(words) < 2:
            continue
        k = rng.choice((1, 2))
        start = rng.randrange(len(words) - k + 1)
        queries.append(" ".join(words[start : start + k]))
    return queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "date-facets.json")
    args = parser.parse_args(argv)
    if missing_sources():
        print("skipped: benchmark data missing:", ", ".join(missing_sources()))
        return 0

    import searchkit
    import searchkit.search

    searchkit.search.MATCH_CACHE_SIZE = 0  # every query from scratch
    docs = list(stream(args.docs, base_keys()))
    queries = keyword_queries(docs, args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        index = searchkit.Index(Path(tmp) / "index", create=True)
        with progress(len(docs), "indexing") as bar:
            index.add(docs, on_document=lambda *_: bar.update())
        index.optimize()
        index.facet_data()
        modes = {"no facets": None, "date facets": ("year", "month"), "all facets": "all"}
        times: dict[str, list[float]] = {mode: [] for mode in modes}
        for q in queries[:20]:  # warm-up
            index.search(q)
        with progress(len(queries) * len(modes), "queries", unit="q") as bar:
            order = list(modes.items())
            for i, q in enumerate(queries):
                index.search(q, facets=False)  # untimed: word caches warm for every mode alike
                for mode, names in order[i % 3:] + order[: i % 3]:  # rotate who goes first
                    started = time.perf_counter()
                    if names is None:
                        index.search(q, facets=False)
                    elif names == "all":
                        index.search(q)
                    else:
                        with facets_only(names):
                            index.search(q)
                    times[mode].append(time.perf_counter() - started)
                    bar.update()
        index.close()
    stats = {mode: percentiles(samples) for mode, samples in times.items()}
    base = statistics.median(times["no facets"])
    result = {
        "docs": len(docs),
        "queries": len(queries),
        "machine": machine_info(),
        "latency": stats,
        "ratio_p50_date_facets": round(statistics.median(times["date facets"]) / base, 3),
        "ratio_p50_all_facets": round(statistics.median(times["all facets"]) / base, 3),
        "ratio_p95_date_facets": round(stats["date facets"]["p95_ms"] / stats["no facets"]["p95_ms"], 3),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    dump_json(args.out, result)
    for mode, s in stats.items():
        print(f"{mode:12} p50 {s['p50_ms']:.2f} ms  p95 {s['p95_ms']:.2f} ms")
    print(f"date facets / no facets: p50 {result['ratio_p50_date_facets']}x, "
          f"p95 {result['ratio_p95_date_facets']}x (target ≤ 1.2x); all facets p50 {result['ratio_p50_all_facets']}x")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
