"""Phases that run in a fresh Python process each, started by ``bench.run``, so that peak memory
(``ru_maxrss``) and cold-open time belong to one engine and nothing else.

    python -m bench.phases build  --engine E --docs D.jsonl --index DIR --out R.json [--workers N] [--enrich] [--dump E.jsonl]
    python -m bench.phases open   --engine E --index DIR --queries Q.json --out R.json

Documents are read from a JSON-lines file (not timed); the timed part of ``build`` is
``Engine.build``: ``searchkit.enrich`` + ``Index.add`` for the full pipeline, ``Index.add`` (or the
baseline's writer) alone for the index step.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import corpus
from .engines import ENGINES, Query, dir_size
from .util import Clock, current_rss_mb, dump_json, peak_rss_mb, progress, read_docs


def _warm_enrich() -> None:
    """Load the tagger model before the clock starts (a one-off ~1 s, inherited by forked pool
    workers); the model load is reported separately."""
    import searchkit

    searchkit.enrich(searchkit.Document(id="warm", title="Angela Merkel in Berlin", body="Am 3. März 2025 sprach sie."))


def build(args: argparse.Namespace) -> None:
    docs = list(read_docs(Path(args.docs)))
    engine = ENGINES[args.engine]()
    options = {}
    model_load_s = None
    if args.enrich:
        import searchkit

        t = time.perf_counter()
        _warm_enrich()
        model_load_s = round(time.perf_counter() - t, 3)
        options["enrich"] = searchkit.enrich
    rss_before = current_rss_mb()
    nbytes = sum(corpus.text_bytes(d) for d in docs)
    with progress(len(docs), args.label or args.engine) as bar:
        with Clock() as clock:
            info = engine.build(docs, Path(args.index), workers=args.workers, progress=bar.update,
                                batch_size=args.batch_size, **options)
    result = {
        "engine": args.engine, "workers": args.workers, "enrich": bool(args.enrich),
        "docs": len(docs), "mb": round(nbytes / 1e6, 3), **clock.to_dict(),
        "docs_per_s": round(len(docs) / clock.wall, 2), "mb_per_s": round(nbytes / 1e6 / clock.wall, 4),
        "rss_before_mb": rss_before, **peak_rss_mb(),
        "index_mb": round(dir_size(args.index) / 1e6, 3), "model_load_s": model_load_s, "info": info,
    }
    dump_json(Path(args.out), result)
    if args.dump:
        # The enriched documents, for the index-step builds (not timed).
        import searchkit

        order = {d.id: i for i, d in enumerate(docs)}
        with searchkit.Index(args.index) as index:
            enriched = sorted(index.documents(), key=lambda d: order.get(d.id, len(order)))
        tmp = Path(args.dump).with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for doc in enriched:
                f.write(doc.to_json() + "\n")
        tmp.replace(args.dump)


def open_cold(args: argparse.Namespace) -> None:
    """Open time (index open + what the engine loads before its first answer) and the first
    query, in a process that has imported the engine but never touched the index."""
    engine = ENGINES[args.engine]()
    queries = [Query.from_dict(q) for q in json.loads(Path(args.queries).read_text(encoding="utf-8"))]
    # Imports are not part of the open time (a server has them loaded).
    if args.engine.startswith("searchkit"):
        import searchkit.facets  # noqa: F401
        import searchkit.search  # noqa: F401
        from searchkit.compounds import default_splitter

        default_splitter()  # read by the server's create_app at process start, like the imports
    t0 = time.perf_counter()
    engine.open(Path(args.index))
    t1 = time.perf_counter()
    engine.run(queries[0])
    t2 = time.perf_counter()
    engine.close()
    dump_json(Path(args.out), {"engine": args.engine, "open_ms": round((t1 - t0) * 1000, 2),
                               "first_query_ms": round((t2 - t1) * 1000, 2), "first_query": queries[0].label(),
                               **peak_rss_mb()})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.phases")
    sub = p.add_subparsers(dest="phase", required=True)
    b = sub.add_parser("build")
    b.add_argument("--engine", required=True, choices=sorted(ENGINES))
    b.add_argument("--docs", required=True)
    b.add_argument("--index", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--workers", type=int, default=1)
    b.add_argument("--batch-size", type=int, default=0)
    b.add_argument("--enrich", action="store_true")
    b.add_argument("--dump")
    b.add_argument("--label")
    o = sub.add_parser("open")
    o.add_argument("--engine", required=True, choices=sorted(ENGINES))
    o.add_argument("--index", required=True)
    o.add_argument("--queries", required=True)
    o.add_argument("--out", required=True)
    args = p.parse_args(argv)
    try:
        {"build": build, "open": open_cold}[args.phase](args)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
