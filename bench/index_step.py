"""``python -m bench.index_step``: the index step alone (issues 8 and 10), before and after a
change, against plain Whoosh and raw tantivy in the same run.

    python -m bench.index_step                       # 10,000 documents, this work tree
    python -m bench.index_step --before cd370d9      # also the searchkit builds of that commit
    python -m bench.index_step --docs 3000 --rounds 2 --enriched /tmp/enriched.jsonl

The documents are the benchmark stream (``bench.corpus``), enriched once with
``searchkit.enrich`` (not timed; ``--enriched FILE`` reuses a file of enriched documents, first
``--docs`` lines). Every build runs in a fresh process (``bench.phases build``): ``Index.add`` of
the enriched documents in one commit plus the saved facet arrays, as in ``python -m bench``.
``--before REV`` exports that commit (``git archive``, into the temporary folder) and runs its
searchkit builds from there. Builds are interleaved and, over ``--rounds``, rotated; each
round's ratios use that round's baselines, and the table shows the medians. Results go to
``bench/results/index-step-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import corpus
from .util import BENCH_DIR, REPO, dump_json, machine_info, write_docs

#: label → (engine, workers); the searchkit builds run from every code version measured
SEARCHKIT_BUILDS = {
    "searchkit index, Whoosh engine, 1 worker": ("searchkit", 1),
    "searchkit index, Whoosh engine, 2 workers": ("searchkit", 2),
    "searchkit index, tantivy engine, 1 worker": ("searchkit_tantivy", 1),
    "searchkit index, tantivy engine, 2 workers": ("searchkit_tantivy", 2),
}
BASELINES = {
    "whoosh_de index": ("whoosh_de", 1),
    "tantivy index (1 thread)": ("tantivy", 1),
}


def _enriched(n: int, path: Path) -> int:
    """The first ``n`` documents of the benchmark stream, enriched (2 processes), to ``path``."""
    import searchkit
    from searchkit.index import _map

    docs = list(corpus.stream(n, corpus.base_keys()))
    print(f"enriching {len(docs)} documents (not timed)", file=sys.stderr)
    return write_docs(path, (d for d in _map(searchkit.enrich, docs, 2) if isinstance(d, searchkit.Document)))


def _head(source: Path, n: int, target: Path) -> int:
    count = 0
    with source.open(encoding="utf-8") as f, target.open("w", encoding="utf-8") as out:
        for line in f:
            if count == n:
                break
            out.write(line)
            count += 1
    return count


def _export(rev: str, target: Path) -> str:
    """The tree of commit ``rev`` in ``target`` (no checkout: the repository is not touched)."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO, check=True, capture_output=True,
                            text=True).stdout.strip()
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return commit


def _build(code: Path, engine: str, workers: int, docs: Path, work: Path, label: str, batch_size: int) -> dict[str, Any]:
    index, out = work / "index", work / "build.json"
    env = {**os.environ, "PYTHONPATH": str(code), "SEARCHKIT_BENCH_NO_PROGRESS": "1"}
    args = [sys.executable, "-m", "bench.phases", "build", "--engine", engine, "--workers", str(workers),
            "--docs", str(docs), "--index", str(index), "--out", str(out), "--label", label,
            "--batch-size", str(batch_size)]
    try:
        subprocess.run(args, cwd=str(code), env=env, check=True)
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(index, ignore_errors=True)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def summarize(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Median docs/s per build, and the median over rounds of each round's ratios."""
    labels = list(rounds[0])
    out: dict[str, Any] = {}
    for label in labels:
        speeds = [r[label]["docs_per_s"] for r in rounds]
        vs_whoosh = [_ratio(r[label]["docs_per_s"], r["whoosh_de index"]["docs_per_s"]) for r in rounds]
        vs_tantivy = [_ratio(r[label]["docs_per_s"], r["tantivy index (1 thread)"]["docs_per_s"]) for r in rounds]
        out[label] = {
            "docs_per_s": round(statistics.median(speeds), 1), "docs_per_s_rounds": speeds,
            "vs_whoosh_de": round(statistics.median(vs_whoosh), 3),
            "vs_tantivy": round(statistics.median(vs_tantivy), 4),
            "tantivy_time_ratio": round(1 / statistics.median(vs_tantivy), 2),
            "cpu_s": round(statistics.median(r[label]["cpu_s"] + r[label]["children_cpu_s"] for r in rounds), 2),
            "peak_rss_mb": max(max(r[label]["peak_rss_mb"], r[label]["peak_rss_child_mb"]) for r in rounds),
        }
    return out


def table(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"Run {result['started']} · {m['cpus']} CPU cores (shared with other work) · Python {m['python']} · "
        f"{result['docs']:,} documents · {result['rounds']} round(s) · load average at start "
        f"{m.get('loadavg_start')}, at end {m.get('loadavg_end')}",
        "",
        "| build | code | docs/s | × whoosh_de | time ÷ raw tantivy | CPU s (process + reaped children) | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, s in result["summary"].items():
        code, _, label = key.partition(": ")
        lines.append(f"| {label} | {code} | {s['docs_per_s']:,.1f} | {s['vs_whoosh_de']:.2f} | "
                     f"{s['tantivy_time_ratio']:.2f} | {s['cpu_s']:,.1f} | {s['peak_rss_mb']:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.index_step", description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--before", metavar="REV", help="also measure the searchkit builds of this commit")
    p.add_argument("--enriched", type=Path, help="enriched documents (JSON lines) to use instead of enriching")
    p.add_argument("--only", default="", help="comma-separated substrings: run only the builds whose label has one")
    p.add_argument("--batch-size", type=int, default=20000, help="documents per commit (default: one commit)")
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    if not args.enriched and corpus.missing_sources():
        print("bench: skipped, the benchmark data is not there: " + ", ".join(corpus.missing_sources()), file=sys.stderr)
        return 0
    started = dt.datetime.now().astimezone()
    machine = machine_info()
    tmp = Path(tempfile.mkdtemp(prefix="searchkit-index-step-"))
    try:
        docs = tmp / "enriched.jsonl"
        n = _head(args.enriched, args.docs, docs) if args.enriched else _enriched(args.docs, docs)
        codes = {"after": (REPO, _git_head())}
        if args.before:
            codes = {"before": (tmp / "before", _export(args.before, tmp / "before")), **codes}
        builds = [(f"{name}: {label}", code, engine, workers)
                  for name, (code, _) in codes.items() for label, (engine, workers) in SEARCHKIT_BUILDS.items()]
        builds += [(f"baseline: {label}", REPO, engine, workers) for label, (engine, workers) in BASELINES.items()]
        only = [s for s in args.only.split(",") if s]
        builds = [b for b in builds if not only or b[0].startswith("baseline") or any(s in b[0] for s in only)]
        rounds = []
        for r in range(args.rounds):
            order = builds[r % len(builds):] + builds[: r % len(builds)]
            results = {}
            for key, code, engine, workers in order:
                print(f"round {r + 1}: {key}", file=sys.stderr)
                results[key] = _build(code, engine, workers, docs, tmp, key, args.batch_size)
            for label in BASELINES:
                results[label] = results[f"baseline: {label}"]
            rounds.append({key: results[key] for key, *_ in builds} | {label: results[label] for label in BASELINES})
        try:
            machine["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        except OSError:
            pass
        summary = summarize(rounds)
        result = {
            "started": started.isoformat(timespec="seconds"), "command": "python -m bench.index_step " + " ".join(argv or sys.argv[1:]),
            "machine": machine, "docs": n, "rounds": args.rounds, "batch_size": args.batch_size,
            "code": {name: str(commit) for name, (_, commit) in codes.items()},
            "summary": {k: v for k, v in summary.items() if k not in BASELINES}, "builds": rounds,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = args.out or BENCH_DIR / "results" / f"index-step-{started:%Y%m%d-%H%M%S}.json"
    dump_json(out, result)
    print(table(result))
    print(f"\nresults: {out}", file=sys.stderr)
    return 0


def _git_head() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "searchkit"], cwd=REPO, capture_output=True,
                           text=True).stdout.strip()
    return head + ("+changes" if dirty else "")


if __name__ == "__main__":
    sys.exit(main())
