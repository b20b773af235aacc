"""``python -m bench``: searchkit's performance benchmark (issue 8).

Per corpus size, on the same documents and queries in one run:

1. indexing (documents/s, MB/s, peak memory, index size): the full pipeline (``searchkit.enrich``
   + ``Index.add``) and the index step alone (documents already enriched) for searchkit with 1 and
   2 workers, plain Whoosh (StandardAnalyzer and LanguageAnalyzer("de")) and tantivy; every build
   runs in its own fresh process (``bench.phases``);
2. query latency p50/p95/p99 per query kind for searchkit and the baselines (interleaved query by
   query, so that machine noise hits every engine alike), and cold open time (fresh process);
3. the entity tagger's tokens/s on one core against plain tokenization;
4. optionally the HTTP server (``searchkit serve --workers 1/2``) under a small fixed load.

Every figure is also given as a ratio to the baselines of the same run; the targets of the issue
are checked on those ratios. Results go to a JSON file and a table (stdout, docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from . import corpus
from .engines import ENGINES, Query, Searchkit
from .util import BENCH_DIR, REPO, dump_json, like_a_serving_process, machine_info, percentiles, progress, write_docs

KINDS = ("word", "multi", "phrase", "prefix", "daterange", "faceted", "faceted_nofacets")
KIND_LABELS = {
    "word": "one word", "multi": "multi-word", "phrase": "phrase", "prefix": "prefix",
    "daterange": "word + date range", "faceted": "faceted (5 facets, ≥10 % hits)",
    "faceted_nofacets": "same, no facets counted",
}
#: Query engines: name → factory. ``searchkit`` runs as the API does (every facet counted,
#: snippets highlighted); ``searchkit_nofacets`` is the same search with no facet counted;
#: ``searchkit_plain`` counts no facet and marks no word (``highlight=false``): the answer the
#: baselines give (top 10 with titles, and the total).
QUERY_ENGINES = {
    "searchkit": Searchkit,
    "searchkit_nofacets": lambda: Searchkit(facets=(), name="searchkit_nofacets"),
    "searchkit_plain": lambda: Searchkit(facets=(), name="searchkit_plain", highlight=False),
    "searchkit_tantivy": ENGINES["searchkit_tantivy"],
    "searchkit_tantivy_nofacets": lambda: Searchkit(facets=(), name="searchkit_tantivy_nofacets", engine="tantivy"),
    "searchkit_tantivy_plain": lambda: Searchkit(facets=(), name="searchkit_tantivy_plain", engine="tantivy",
                                                 highlight=False),
    "whoosh_std": ENGINES["whoosh_std"],
    "whoosh_de": ENGINES["whoosh_de"],
    "tantivy": ENGINES["tantivy"],
    # context for the issue-10 ratios: raw tantivy building the snippets searchkit's page shows
    "tantivy_snippets": ENGINES["tantivy_snippets"],
}
#: Index builds: label → (engine, workers, full pipeline?)
BUILDS = {
    "searchkit pipeline, 1 worker": ("searchkit", 1, True),
    "searchkit pipeline, 2 workers": ("searchkit", 2, True),
    "searchkit index, 1 worker": ("searchkit", 1, False),
    "searchkit index, 2 workers": ("searchkit", 2, False),
    "searchkit index, tantivy engine": ("searchkit_tantivy", 1, False),
    "searchkit index, tantivy engine, 2 workers": ("searchkit_tantivy", 2, False),
    "whoosh_std index": ("whoosh_std", 1, False),
    "whoosh_de index": ("whoosh_de", 1, False),
    "tantivy index (1 thread)": ("tantivy", 1, False),
    "tantivy index, text stored for snippets (1 thread)": ("tantivy_snippets", 1, False),
}
SEED = 8
WORD = re.compile(r"[^\W\d_]+")


class Interrupted(Exception):
    pass


# -- queries ----------------------------------------------------------------------------------------
def build_queries(docs: list[Any], per_kind: int, seed: int = SEED) -> dict[str, list[Query]]:
    """Natural queries drawn from the corpus itself with a seeded RNG: words of the articles
    (no stopwords), word pairs of one article, adjacent word pairs, 4-letter prefixes of words,
    date windows around real publication dates, and frequent words (≥ 10 % of the documents) for
    the faceted queries. Hit fractions are checked later against the searchkit index."""
    from searchkit.analysis import GERMAN_STOPWORDS

    rng = random.Random(seed)
    n = len(docs)
    tokens = [[w.lower() for w in WORD.findall(" ".join((d.title, d.lead, d.body)))] for d in docs]
    df: collections.Counter[str] = collections.Counter()
    for words in tokens:
        df.update(set(words))

    def content(w: str) -> bool:
        return len(w) >= 4 and w not in GERMAN_STOPWORDS

    vocab = sorted(w for w, c in df.items() if content(w) and c >= 2 and c / n <= 0.05)
    frequent = sorted(w for w, c in df.items() if content(w) and c / n >= 0.07)
    rng.shuffle(frequent)
    dated = [d for d in docs if d.published]
    out: dict[str, list[Query]] = {k: [] for k in KINDS}
    out["word"] = [Query("word", [w]) for w in rng.sample(vocab, min(per_kind, len(vocab)))]
    tries = 0
    while len(out["multi"]) < per_kind and tries < per_kind * 50:
        tries += 1
        words = sorted({w for w in tokens[rng.randrange(n)] if content(w) and df[w] >= 2})
        if len(words) >= 2:
            out["multi"].append(Query("multi", rng.sample(words, 2)))
    tries = 0
    while len(out["phrase"]) < per_kind and tries < per_kind * 50:
        tries += 1
        words = tokens[rng.randrange(n)]
        pairs = [(a, b) for a, b in zip(words, words[1:]) if content(a) and content(b)]
        if pairs:
            out["phrase"].append(Query("phrase", list(rng.choice(pairs))))
    long_words = [w for w in vocab if len(w) >= 7]
    prefixes = sorted({w[:4] for w in long_words})
    out["prefix"] = [Query("prefix", [p]) for p in rng.sample(prefixes, min(per_kind, len(prefixes)))]
    for w in rng.sample(vocab, min(per_kind, len(vocab))):
        if not dated:
            break
        day = rng.choice(dated).published.start()
        start = day - dt.timedelta(days=45)
        end = day + dt.timedelta(days=45)
        out["daterange"].append(Query("daterange", [w], date_from=int(start.strftime("%Y%m%d")),
                                      date_to=int(end.strftime("%Y%m%d"))))
    years = collections.Counter(str(d.published.year) for d in dated)
    for i in range(per_kind if frequent else 0):
        w = frequent[i % len(frequent)] if i < len(frequent) else rng.choice(frequent)
        filters = {"year": [years.most_common(1)[0][0]]} if (i % 2 and years) else {}
        out["faceted"].append(Query("faceted", [w], filters=filters))
    return out


def check_queries(index_path: Path, queries: dict[str, list[Query]], n_docs: int) -> dict[str, list[Query]]:
    """Run every query once on searchkit: record its hit fraction, drop queries searchkit refuses
    or that find nothing, keep faceted queries that hit ≥ 10 % of the corpus."""
    from searchkit.errors import QueryError

    engine = Searchkit(facets=())
    engine.open(index_path)
    checked: dict[str, list[Query]] = {}
    try:
        for kind, qs in queries.items():
            keep = []
            for q in qs:
                try:
                    total = engine.run(Query(q.kind, q.words, q.date_from, q.date_to, q.filters, False))
                except QueryError:
                    continue
                q.hit_fraction = round(total / max(n_docs, 1), 4)
                if total == 0 or (kind == "faceted" and q.hit_fraction < 0.10):
                    if kind == "faceted" and q.filters and total:
                        # The year filter took it below 10 %: the same word without it.
                        q.filters = {}
                        q.hit_fraction = round(engine.run(Query("faceted", q.words, facets=False)) / n_docs, 4)
                        if q.hit_fraction >= 0.10:
                            keep.append(q)
                    continue
                keep.append(q)
            checked[kind] = keep
    finally:
        engine.close()
    checked["faceted_nofacets"] = [Query(**{**q.to_dict(), "facets": False}) for q in checked.get("faceted", [])]
    return checked


def time_queries(paths: dict[str, Path], queries: dict[str, list[Query]], repeat: int) -> dict[str, Any]:
    """Warm latency: every engine opened once, a warm-up pass, then every query ``repeat`` times,
    engines interleaved query by query (rotating order)."""
    engines = {}
    for name, factory in QUERY_ENGINES.items():
        engine = factory()
        engine.open(paths[name.removesuffix("_nofacets").removesuffix("_plain")])
        engines[name] = engine
    samples: dict[str, dict[str, list[float]]] = {k: {e: [] for e in engines} for k in KINDS}
    errors: dict[str, int] = collections.Counter()
    flat = [(kind, q) for kind in KINDS for q in queries.get(kind, [])]
    names = list(engines)
    try:
        for engine in engines.values():
            engine.warm()
        for kind, q in flat[:: max(1, len(flat) // 40)]:  # warm-up (caches, lazy readers)
            for engine in engines.values():
                try:
                    engine.run(q)
                except Exception:  # noqa: BLE001
                    pass
        with progress(len(flat) * repeat, "queries", unit="q") as bar, like_a_serving_process():
            for r in range(repeat):
                for i, (kind, q) in enumerate(flat):
                    order = names[(i + r) % len(names):] + names[: (i + r) % len(names)]
                    for name in order:
                        if name.endswith(("_nofacets", "_plain")) and kind.startswith("faceted"):
                            continue  # identical to searchkit's "no facets" row
                        t = time.perf_counter()
                        try:
                            engines[name].run(q)
                        except Exception:  # noqa: BLE001
                            errors[f"{name}:{kind}"] += 1
                            continue
                        samples[kind][name].append(time.perf_counter() - t)
                    bar.update(1)
    finally:
        for engine in engines.values():
            engine.close()
    return {
        "latency": {k: {e: percentiles(v) for e, v in per.items() if v} for k, per in samples.items()},
        "errors": dict(errors),
    }


# -- entity tagger ------------------------------------------------------------------------------------
def tagger_throughput(docs: list[Any], max_docs: int) -> dict[str, Any]:
    """tokens/s of ``extract_entities`` (one thread) over real article text, and of plain
    tokenization (clean + tokenize + sentence split) as the baseline."""
    from searchkit.entities import extract_entities
    from searchkit.entities.tokenize import clean_text, sentences, tokenize

    # The longer articles first (10kGNAD), then teasers: real running text.
    sample = sorted(docs, key=lambda d: -len(d.text))[: max_docs // 2] + docs[: max_docs - max_docs // 2]
    texts = [(d.title, d.text) for d in sample]
    extract_entities("Angela Merkel besuchte Paris.")  # model load, not timed

    def tok(title: str, text: str) -> int:
        n = 0
        for part in (title, text):
            part = clean_text(part)
            for sentence in sentences(tokenize(part), part):
                n += len(sentence)
        return n

    t = time.process_time()
    tokens = sum(tok(title, text) for title, text in texts)
    tok_s = time.process_time() - t
    t = time.process_time()
    entities = 0
    with progress(len(texts), "tagger", unit="doc") as bar:
        for title, text in texts:
            entities += len(extract_entities(text, title=title))
            bar.update(1)
    tag_s = time.process_time() - t
    return {
        "docs": len(texts), "tokens": tokens, "entities": entities,
        "tagger_cpu_s": round(tag_s, 3), "tokenize_cpu_s": round(tok_s, 4),
        "tagger_tokens_per_s": round(tokens / tag_s), "tokenize_tokens_per_s": round(tokens / tok_s),
        "ratio_to_tokenize": round(tok_s / tag_s, 4),
    }


# -- HTTP server -----------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_load(index_path: Path, queries: list[str], workers: int, duration: float, threads: int,
                procs: list[subprocess.Popen[bytes]]) -> dict[str, Any]:
    """Start ``searchkit serve --workers N`` on a free loopback port, drive /api/search with
    ``threads`` client threads for ``duration`` seconds, stop it."""
    port = _free_port()
    exe = Path(sys.executable).with_name("searchkit")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "searchkit.cli"]),
           "serve", "--index", str(index_path), "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--threads", "4"]
    env = {**os.environ, "SEARCHKIT_RATE_LIMIT": "off"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    procs.append(proc)
    base = f"http://127.0.0.1:{port}/api/search?"

    def url(q: str) -> str:
        return base + urllib.parse.urlencode({"q": q})

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url(queries[-1]), timeout=5) as r:
                    r.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {' '.join(cmd)}") from None
                time.sleep(0.3)
        # warm every worker a little, with the queries the load reaches last: a snapshot keeps
        # its 32 most recent result lists (engines.ScoredCache), which would answer the first
        for q in queries[-20:]:
            with urllib.request.urlopen(url(q), timeout=30) as r:
                r.read()
        latencies: list[float] = []
        failures = collections.Counter()
        lock = threading.Lock()
        stop_at = time.monotonic() + duration

        def client(k: int) -> None:
            i = k
            local, bad = [], collections.Counter()
            while time.monotonic() < stop_at:
                q = queries[i % len(queries)]
                i += threads
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(url(q), timeout=30) as r:
                        r.read()
                        status = r.status
                except urllib.error.HTTPError as e:
                    status = e.code
                except OSError:
                    status = -1
                if status == 200:
                    local.append(time.perf_counter() - t)
                else:
                    bad[str(status)] += 1
            with lock:
                latencies.extend(local)
                failures.update(bad)

        started = time.monotonic()
        pool = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(threads)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
        elapsed = time.monotonic() - started
        memory = _session_rss_mb(proc.pid)
    finally:
        _stop(proc)
    return {"workers": workers, "client_threads": threads, "duration_s": round(elapsed, 2),
            "requests": len(latencies), "requests_per_s": round(len(latencies) / elapsed, 1),
            "failures": dict(failures), **percentiles(latencies), **memory}


def _session_rss_mb(leader: int) -> dict[str, Any]:
    """Resident memory of the server's processes after the load: the serving process and each
    worker it forked (every process of its session)."""
    from .util import current_rss_mb

    rss: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader:  # process group
            value = current_rss_mb(stat.parent.name)
            if value is not None:
                rss[int(stat.parent.name)] = value
    workers = [v for pid, v in rss.items() if pid != leader]
    return {"server_rss_mb": rss.get(leader), "worker_rss_mb": sorted(workers)}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


# -- one corpus size ------------------------------------------------------------------------------------
def _phase(args: list[str]) -> dict[str, Any]:
    out = Path(args[args.index("--out") + 1])
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # Own session: Ctrl-C reaches this process only, which asks the phase to stop (its writer
    # cancels, its pool shuts down) and waits for it before the temporary folder goes.
    proc = subprocess.Popen([sys.executable, "-m", "bench.phases", *args], cwd=str(REPO), env=env,
                            start_new_session=True)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever of the phase's own group is left
        except ProcessLookupError:
            pass
        proc.wait()
        raise
    if proc.returncode == 130 or proc.returncode == -signal.SIGINT:
        raise KeyboardInterrupt
    if proc.returncode != 0:
        raise RuntimeError(f"phase failed ({proc.returncode}): python -m bench.phases {' '.join(args)}")
    return json.loads(out.read_text(encoding="utf-8"))


def run_size(size: int, keys: dict[str, Any], tmp: Path, opts: argparse.Namespace,
             procs: list[subprocess.Popen[bytes]]) -> dict[str, Any]:
    from .util import read_docs

    work = tmp / f"n{size}"
    work.mkdir()
    raw = work / "raw.jsonl"
    enriched = work / "enriched.jsonl"
    n = write_docs(raw, corpus.stream(size, keys))
    print(f"\n== {n} documents ==", file=sys.stderr)
    result: dict[str, Any] = {"docs": n, "builds": {}}
    paths: dict[str, Path] = {}
    for label, (engine, workers, pipeline) in BUILDS.items():
        index = work / f"{engine}-w{workers}-{'p' if pipeline else 'i'}"
        args = ["build", "--engine", engine, "--workers", str(workers), "--index", str(index),
                "--out", str(work / "build.json"), "--label", label, "--batch-size", str(opts.batch_size),
                "--docs", str(raw if pipeline else enriched)]
        if pipeline:
            args.append("--enrich")
            if workers == 1:
                args += ["--dump", str(enriched)]
        result["builds"][label] = _phase(args)
        if not pipeline and workers == 1:
            paths[engine] = index
        if workers == 2:  # queried: the single-worker builds
            shutil.rmtree(index, ignore_errors=True)
    docs = list(read_docs(enriched))
    entity_docs = sum(1 for d in docs if d.entities)
    result["enrichment"] = {"docs_with_entities": entity_docs,
                            "entities": sum(len(d.entities) for d in docs),
                            "mentioned_periods": sum(len(d.mentioned) for d in docs)}
    queries = check_queries(paths["searchkit"], build_queries(docs, opts.queries), n)
    result["queries"] = {k: [q.to_dict() for q in v] for k, v in queries.items()}
    qfile = work / "queries.json"
    first = [q.to_dict() for q in queries["word"][:1] or queries["multi"][:1]]
    qfile.write_text(json.dumps(first), encoding="utf-8")
    result["cold_open"] = {}
    for name in ("searchkit", "searchkit_tantivy", "whoosh_std", "whoosh_de", "tantivy"):
        result["cold_open"][name] = _phase(["open", "--engine", name, "--index", str(paths[name]),
                                            "--queries", str(qfile), "--out", str(work / "open.json")])
    result.update(time_queries(paths, queries, opts.repeat))
    if opts.server and size == opts.server_size:
        texts = [q.text() for kind in ("word", "multi", "phrase") for q in queries[kind]]
        random.Random(SEED).shuffle(texts)
        result["server"] = []
        for engine in ("searchkit", "searchkit_tantivy"):
            for workers in (1, 2):
                print(f"server: {engine}, --workers {workers}, {opts.server_seconds:g} s", file=sys.stderr)
                try:
                    load = server_load(paths[engine], texts, workers, opts.server_seconds, opts.server_threads, procs)
                except RuntimeError as error:
                    load = {"workers": workers, "error": str(error)}
                result["server"].append({"engine": engine, **load})
    return result


# -- ratios and targets ------------------------------------------------------------------------------------
def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


PLAIN_NOTE = "no facet counted, no word marked: the baselines' answer (top 10 with titles, total)"


def derive(size_result: dict[str, Any]) -> dict[str, Any]:
    """Ratios to the baselines and the issue's targets (pass/fail) for one corpus size."""
    b = size_result["builds"]
    speed = {label: r["docs_per_s"] for label, r in b.items()}
    wde, tan = speed["whoosh_de index"], speed["tantivy index (1 thread)"]
    ratios = {"indexing": {label: {"vs_whoosh_de": _ratio(s, wde), "vs_tantivy": _ratio(s, tan)}
                           for label, s in speed.items()}}
    lat = size_result["latency"]

    def p(kind: str, engine: str, q: str = "p50_ms") -> float | None:
        return lat.get(kind, {}).get(engine, {}).get(q)

    ratios["latency_p50"] = {
        kind: {f"{e}_vs_{base}": _ratio(p(kind, e), p(kind, base))
               for e in ("searchkit", "searchkit_nofacets", "searchkit_plain", "searchkit_tantivy",
                         "searchkit_tantivy_nofacets", "searchkit_tantivy_plain")
               for base in ("whoosh_de", "whoosh_std", "tantivy", "tantivy_snippets")
               if p(kind, e) is not None}
        for kind in KINDS
    }
    targets = []

    def target(name: str, value: float | None, limit: float, ok: bool | None, note: str = "") -> None:
        targets.append({"target": name, "value": value, "limit": limit,
                        "met": None if value is None else ok, "note": note})

    f = _ratio(p("faceted", "searchkit", "p95_ms"), p("faceted_nofacets", "searchkit", "p95_ms"))
    target("faceted query p95 ≤ 2× the same query without facets (searchkit)", f, 2.0, f is not None and f <= 2.0)
    for kind in ("word", "multi"):
        for e, note in (("searchkit", "as the API runs it: all 6 facets counted + snippets"),
                        ("searchkit_nofacets", "same search, no facet counted"),
                        ("searchkit_plain", PLAIN_NOTE)):
            r = _ratio(p(kind, e), p(kind, "whoosh_de"))
            target(f"{KIND_LABELS[kind]} p50: {e} ≤ 1× whoosh_de", r, 1.0, r is not None and r <= 1.0, note)
            r = _ratio(p(kind, e), p(kind, "tantivy"))
            target(f"{KIND_LABELS[kind]} p50: {e} ≤ 20× tantivy", r, 20.0, r is not None and r <= 20.0, note)
    r = _ratio(speed["searchkit index, 2 workers"], wde)
    target("index step, searchkit 2 workers ≥ 1.5× whoosh_de (single process)", r, 1.5, r is not None and r >= 1.5)
    for w in (1, 2):
        r = _ratio(speed[f"searchkit pipeline, {w} worker{'s' if w > 1 else ''}"], wde)
        target(f"full pipeline ({w} worker{'s' if w > 1 else ''}) ≥ 0.5× whoosh_de index step", r, 0.5,
               r is not None and r >= 0.5)
    # issue 10: the tantivy engine near raw tantivy (keyword: top 10 + total, as raw tantivy
    # runs it; faceted: five facets each way)
    for kind, e in (("word", "searchkit_tantivy_plain"), ("multi", "searchkit_tantivy_plain"),
                    ("word", "searchkit_tantivy_nofacets"), ("multi", "searchkit_tantivy_nofacets"),
                    ("word", "searchkit_tantivy"), ("faceted", "searchkit_tantivy")):
        for q in ("p50_ms", "p95_ms"):
            r = _ratio(p(kind, e, q), p(kind, "tantivy", q))
            target(f"{KIND_LABELS[kind]} {q[:3]}: {e} ≤ 3× tantivy", r, 3.0, r is not None and r <= 3.0,
                   "issue 10" + ("; " + PLAIN_NOTE if e.endswith("_plain") else ""))
    for label in ("searchkit index, tantivy engine", "searchkit index, tantivy engine, 2 workers"):
        r = _ratio(tan, speed.get(label))
        target(f"index step, {label.removeprefix('searchkit index, ')} ≤ 2× the time of raw tantivy (1 thread)",
               r, 2.0, r is not None and r <= 2.0, "issue 10")
    return {"ratios": ratios, "targets": targets}


# -- report --------------------------------------------------------------------------------------------------
def _fmt(x: Any, digits: int = 1) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def tables(results: dict[str, Any]) -> str:
    lines: list[str] = []
    m = results["machine"]
    lines += [f"Run {results['started']} · {m['cpus']} CPU cores · Python {m['python']} · {m['platform']}",
              f"load average at start {m.get('loadavg_start')}, at end {m.get('loadavg_end')} · "
              f"command `{results['command']}`",
              f"searchkit sources sha256 {results['code_start']['sources_sha256']} (git HEAD "
              f"{results['code_start'].get('git_head') or 'none'})", ""]
    # a commit of other files (docs) moves HEAD without changing what was measured
    end = results.get("code_end") or {}
    if end and end.get("sources_sha256") != results["code_start"].get("sources_sha256"):
        lines += ["**Warning: the searchkit/server sources changed while this run went on "
                  f"(sha256 {results['code_end']['sources_sha256']} at the end); figures mix two versions.**", ""]
    tag = results.get("tagger")
    if tag:
        met = tag["tagger_tokens_per_s"] >= 20000
        lines += ["### Entity tagger (one thread)", "",
                  "| | tokens/s | ratio to tokenization |", "|---|---:|---:|",
                  f"| `extract_entities` ({tag['docs']} articles, {tag['tokens']:,} tokens) | "
                  f"{tag['tagger_tokens_per_s']:,} | {tag['ratio_to_tokenize']:.3f} |",
                  f"| tokenization only (baseline) | {tag['tokenize_tokens_per_s']:,} | 1 |", "",
                  f"Target ≥ 20,000 tokens/s: **{'met' if met else 'NOT met'}** ({tag['tagger_tokens_per_s']:,}).", ""]
    for size, r in results["sizes"].items():
        d = r["derived"]
        lines += [f"## {int(size):,} documents", "",
                  f"Entities found by `searchkit.enrich`: {r['enrichment']['entities']:,} in "
                  f"{r['enrichment']['docs_with_entities']:,} documents; "
                  f"{r['enrichment']['mentioned_periods']:,} mentioned periods.", "",
                  "### Indexing", "",
                  "| build | docs/s | MB/s | × whoosh_de | × tantivy | wall s | peak RSS MB | index MB |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for label, bld in r["builds"].items():
            rat = d["ratios"]["indexing"][label]
            rss = max(bld["peak_rss_mb"], bld["peak_rss_child_mb"])
            lines.append(f"| {label} | {_fmt(bld['docs_per_s'])} | {_fmt(bld['mb_per_s'], 3)} | "
                         f"{_fmt(rat['vs_whoosh_de'], 2)} | {_fmt(rat['vs_tantivy'], 3)} | {_fmt(bld['wall_s'], 2)} | "
                         f"{_fmt(rss)} | {_fmt(bld['index_mb'], 2)} |")
        lines += ["", "### Query latency (ms, warm; engines interleaved query by query)", "",
                  "| query kind | n | searchkit p50 / p95 / p99 | searchkit no facets p50 | searchkit plain p50 "
                  "| whoosh_de p50 / p95 | whoosh_std p50 | tantivy p50 / p95 | sk ÷ whoosh_de (p50) "
                  "| sk ÷ tantivy (p50) | plain ÷ whoosh_de (p50) |",
                  "|---|---:|---|---:|---:|---|---:|---|---:|---:|---:|"]
        for kind in KINDS:
            lat = r["latency"].get(kind, {})
            sk = lat.get("searchkit", {})
            if not sk.get("n"):
                continue

            def g(e: str, q: str) -> Any:
                return lat.get(e, {}).get(q)

            rat = d["ratios"]["latency_p50"][kind]
            hits = [q["hit_fraction"] for q in r["queries"][kind] if q["hit_fraction"] is not None]
            lines.append(
                f"| {KIND_LABELS[kind]} (median hits {100 * sorted(hits)[len(hits) // 2]:.2g} %) | {sk['n']} | "
                f"{_fmt(sk['p50_ms'], 2)} / {_fmt(sk['p95_ms'], 2)} / {_fmt(sk['p99_ms'], 2)} | "
                f"{_fmt(g('searchkit_nofacets', 'p50_ms'), 2)} | {_fmt(g('searchkit_plain', 'p50_ms'), 2)} | "
                f"{_fmt(g('whoosh_de', 'p50_ms'), 2)} / "
                f"{_fmt(g('whoosh_de', 'p95_ms'), 2)} | {_fmt(g('whoosh_std', 'p50_ms'), 2)} | "
                f"{_fmt(g('tantivy', 'p50_ms'), 2)} / {_fmt(g('tantivy', 'p95_ms'), 2)} | "
                f"{_fmt(rat.get('searchkit_vs_whoosh_de'), 2)} | {_fmt(rat.get('searchkit_vs_tantivy'), 1)} | "
                f"{_fmt(rat.get('searchkit_plain_vs_whoosh_de'), 2)} |")
        lines += ["", "### searchkit on its tantivy engine (`--engine tantivy`) next to raw tantivy (ms)", "",
                  "| query kind | searchkit tantivy p50 / p95 | same, no facets p50 / p95 | raw tantivy p50 / p95 "
                  "| ÷ tantivy p50 | no facets ÷ tantivy p50 | raw tantivy + snippets p50 / p95 "
                  "| no facets ÷ tantivy + snippets p50 | plain p50 / p95 | plain ÷ tantivy p50 |",
                  "|---|---|---|---|---:|---:|---|---:|---|---:|"]
        for kind in KINDS:
            lat = r["latency"].get(kind, {})
            st, sn, tv, ts, sp = (lat.get(e, {}) for e in ("searchkit_tantivy", "searchkit_tantivy_nofacets",
                                                           "tantivy", "tantivy_snippets", "searchkit_tantivy_plain"))
            if not st.get("n"):
                continue
            lines.append(
                f"| {KIND_LABELS[kind]} | {_fmt(st.get('p50_ms'), 2)} / {_fmt(st.get('p95_ms'), 2)} | "
                f"{_fmt(sn.get('p50_ms'), 2)} / {_fmt(sn.get('p95_ms'), 2)} | "
                f"{_fmt(tv.get('p50_ms'), 2)} / {_fmt(tv.get('p95_ms'), 2)} | "
                f"{_fmt(_ratio(st.get('p50_ms'), tv.get('p50_ms')), 2)} | {_fmt(_ratio(sn.get('p50_ms'), tv.get('p50_ms')), 2)} | "
                f"{_fmt(ts.get('p50_ms'), 2)} / {_fmt(ts.get('p95_ms'), 2)} | "
                f"{_fmt(_ratio(sn.get('p50_ms') or st.get('p50_ms'), ts.get('p50_ms')), 2)} | "
                f"{_fmt(sp.get('p50_ms'), 2)} / {_fmt(sp.get('p95_ms'), 2)} | "
                f"{_fmt(_ratio(sp.get('p50_ms'), tv.get('p50_ms')), 2)} |")
        lines += ["", "Cold open (fresh process, OS file cache warm): "
                  + "; ".join(f"{e} {_fmt(c['open_ms'], 1)} ms + first query {_fmt(c['first_query_ms'], 1)} ms"
                              for e, c in r["cold_open"].items()), ""]
        if r.get("errors"):
            lines += [f"Query errors: {r['errors']}", ""]
        if r.get("server"):
            lines += ["### HTTP server (`searchkit serve`, gunicorn, 4 threads/worker, /api/search)", "",
                      "| engine | workers | client threads | requests/s | p50 ms | p95 ms | failures "
                      "| RSS MB per worker (serving process) |", "|---|---:|---:|---:|---:|---:|---|---|"]
            for s in r["server"]:
                engine = "tantivy" if s.get("engine") == "searchkit_tantivy" else "whoosh"
                if "error" in s:
                    lines.append(f"| {engine} | {s['workers']} | – | failed: {s['error']} | | | | |")
                else:
                    rss = ", ".join(_fmt(v) for v in s.get("worker_rss_mb", [])) or "–"
                    lines.append(f"| {engine} | {s['workers']} | {s['client_threads']} | {_fmt(s['requests_per_s'])} | "
                                 f"{_fmt(s.get('p50_ms'), 1)} | {_fmt(s.get('p95_ms'), 1)} | {s['failures'] or '–'} | "
                                 f"{rss} ({_fmt(s.get('server_rss_mb'))}) |")
            lines.append("")
        lines += ["### Targets (issues 8 and 10)", "", "| target | measured | met? | note |", "|---|---:|---|---|"]
        for t in d["targets"]:
            met = "–" if t["met"] is None else ("**yes**" if t["met"] else "**NO**")
            lines.append(f"| {t['target']} | {_fmt(t['value'], 2)} | {met} | {t['note']} |")
        lines.append("")
    return "\n".join(lines)


DOC_HEADER = """# Benchmarks

How fast searchkit indexes and searches German news, measured against plain Whoosh and tantivy on
the same documents and queries in the same run (issue 8). Machines are noisy; the **ratios** to
the baselines are what count, not the absolute figures.

## How to run

```
python -m bench                       # 1,000 and 10,000 documents (~12 min on 2 cores), writes this file
python -m bench --quick               # 500 documents, fewer queries, ~2-3 min; does not touch this file
python -m bench --sizes 1000,10000,100000   # 100,000 documents: long-running (an hour or more)
python -m bench --no-server           # skip the HTTP server load test
python -m bench --markdown other.md   # write the tables elsewhere (--markdown '' : nowhere)
python -m bench --render bench/results/X.json   # rewrite this file from a recorded run
```

Results are written to `bench/results/<timestamp>.json` (`--out` to change) and printed as tables.
The data comes from `/work/shared/data` (or `$SEARCHKIT_BENCH_DATA`) and is never copied into the
repository; without it the benchmark prints a message and exits 0. Indexes live in a temporary
folder that is removed at the end, Ctrl-C included.

## What is measured

* **Corpus** (`bench/corpus.py`): 10kGNAD test articles and zeitgeist teasers, parsed by
  searchkit's own readers and de-duplicated (~5,190 distinct articles); larger sizes re-ingest the
  same articles under new ids (replica *k* is dated *k* years earlier; its body gets a run of
  punctuation, which no engine indexes, so that duplicate detection does not skip it).
* **Indexing** (`bench/phases.py`, each build in a fresh process): *pipeline* = `searchkit.enrich`
  (CRF entity tagger + mentioned dates) + `Index.add`; *index* = `Index.add` of already enriched
  documents. `workers=2` runs enrichment in a process pool and writes with Whoosh's `MpWriter`
  (Whoosh engine) or analyzes text and builds the fields in 2 worker processes (tantivy engine,
  one indexing thread).
  Baselines: plain Whoosh with `StandardAnalyzer` (`whoosh_std`) and `LanguageAnalyzer("de")`
  (`whoosh_de`), single process, and tantivy with one indexing thread (lowercase + German
  stemmer), all indexing title, text and the same facet fields. All builds commit once. MB = UTF-8
  bytes of title + lead + body. Peak RSS = the larger of the process and its largest child
  (pool / sub-writer); the tagger model is loaded before the clock starts (its load time is in
  the JSON, `model_load_s`).
* **Queries** (`bench/run.py`): drawn from the corpus with a fixed seed: random article words
  without stopwords (document frequency ≤ 5 %), two words of one article, two adjacent words
  (phrase), 4-letter prefixes, a word plus a 3-month window around a real publication date, and
  frequent words hitting ≥ 10 % of the corpus for faceted queries (counting year, month, person,
  place, organisation; every second one with a year filter; facets disjunctive in every engine).
  `searchkit` runs as the API does (top 10 with highlighted snippets, every facet counted);
  `searchkit no facets` is the same search with facet counting switched off; `searchkit plain`
  also marks no word (`highlight=False`): the answer the baselines give, the top 10 with their
  titles and the total. Date phrases in queries are not interpreted (`parse_dates=False`).
  Every engine gets a warm-up pass; searchkit's caches of whole answers are off (matching
  documents per query) or kept to what one request shares with itself (two scored result
  lists: a cache of 32 answered many of the faceted queries, which repeat their words under
  other filters, from memory until 2026-12-04). Queries are timed as a serving process answers
  them: objects that exist before timing stay out of the garbage collector's full passes
  (`gc.freeze`, as `searchkit serve` does for its workers), for every engine alike.
* **Entity tagger**: `extract_entities` over real articles on one thread, tokens/s, against
  searchkit's own tokenizer + sentence splitter as the baseline.
* **HTTP server**: `searchkit serve --workers 1` and `--workers 2` (gunicorn) on a free loopback
  port over the smallest index of the run (`--server-size`), on each engine, driven by a few
  client threads on the same machine for a fixed time (the clients share the 2 cores with the
  server); the resident memory of each worker (and of the serving process) after the load.
* **searchkit on its tantivy engine** (`searchkit_tantivy`, issue 10): the same library and
  queries with `--engine tantivy`, next to raw tantivy. Raw tantivy returns titles only; the
  column *raw tantivy + snippets* (`tantivy_snippets`: the text stored, and tantivy's own
  `SnippetGenerator` building a highlighted 240-character snippet for each of the 10 hits) shows
  what part of the gap is the page searchkit returns. The issue's targets stay measured against
  plain `tantivy`.

## Where the time goes (profile, not a measurement of this run)

* **searchkit keyword queries** cost a few ms of Python per page of 10 hits whichever engine
  runs them: the highlighted snippets (each hit's title and lead are tokenized once; which
  words match is a set intersection over a vocabulary shared by all queries, where only words
  never seen before are analysed; the matching words are then found by string search),
  decoding the 10 stored documents, parsing the query with searchkit's German analyzer and
  compound rules (plain word lists skip Whoosh's generic parser and its copying normalize).
  Queries of two or more concepts add the second stage (`rerank.py`), which reads the stored
  text of the best 30 hits. Matching itself is about 1 ms in Whoosh (the Whoosh engine
  evaluates the query tree on arrays of postings: `engines/whoosh_vector.py`,
  `docs/decisions.md`) and well under 1 ms in tantivy. The baselines return titles only, so the keyword targets compare an API answer with
  a bare top-10; most of the gap is that answer's work (the *raw tantivy + snippets* column).
* **Faceted queries**: searchkit counts facets on numpy arrays (disjunctively, every facet with
  every filter but its own) and beats plain Whoosh's `groupedby` by far; on the tantivy engine
  one search returns every match with its score and feeds mask, total and page.
* **Indexing** (cProfile of `Index.add` over the first 1,000 benchmark articles, before the
  analyzer memo): on the tantivy engine searchkit's analyzer took 70 % of the index step
  (compound splitting of each new word, folding, stemming, and five generators per token),
  `document_fields` 14 % (document JSON, content hashes, spelling words, entity labels),
  tantivy itself (`add_document` + commit) 10 %. On the Whoosh engine the analyzer was 18 %:
  Whoosh's own posting pool and segment writing are the rest, 60 % in the commit alone (of
  which a `stat` per posting for the fields without lengths, 11 % of the step, is now cached
  by searchkit's writer).
  The analyzer now memoizes each word's terms (`GermanAnalyzer`, same output, tested against
  the composed filters); what remains of it is dominated by the first sight of each distinct
  word (~70,000 in 10,000 articles: compound splitting). With `--workers 2` the tantivy engine
  analyzes and builds fields in 2 worker processes; on the shared 2-core machine of these runs
  (load average 4–6 from other work) that is no faster than one process: all processes
  compete for the same cores, and the workers' extra work (each learns the vocabulary, results
  are pickled) outweighs the shorter critical path. The latest `python -m bench.index_step`
  runs, before and after, are at the end of this page. `searchkit.enrich` (CRF tagger + dates)
  is the largest cost of the pipeline.
  Where the tantivy engine's index step goes now (10,000 documents, CPU seconds, phases timed
  apart on the loaded machine, ±20–30 %): `document_fields` 2.2–3.2, first sight of the 71,300
  distinct words ≈ 3.9 before / ≈ 3 after the latest changes (compound splitting ≈ 1.5 of it,
  the pure-Python dynamic program 0.85), the memoized analysis of all 1.37 million words 2.6,
  one `tantivy.Token` per term 2.2, tantivy's own `add_document` + commit 3.0 — against 2.0 for
  the whole raw tantivy build. tantivy's own share alone is 1.5× raw tantivy, so 2× cannot be
  reached with Python analysis in the writing process. (The "after" commit of the latest runs,
  0391e79, has the code of `main`'s 438a9ff.)
* **Whoosh engine's index step** (2026-12-04, 10,000 documents, every build in a fresh
  process on the same machine, before and after): two changes to Whoosh's writers, both writing files Whoosh's own codec reads
  (`engines/whoosh_engine.py`): posting blocks of fewer than 16 postings are no longer
  zlib-compressed (Whoosh compresses every block; most hold the one or two postings of a rare
  word), one process 37.0 → 32.5 s for 7 % more disk; and the sub-writers of the multi-process
  writer now get the cached column checks in their own processes (before, two processes spent
  55 s of CPU where one spends 40 s): two processes 29.3 → 18.6 s. Then the spelling field
  (`spell`: every distinct surface word of every document, for "Meinten Sie …?", 681,000 of the
  1.8 million postings and half of the step) gave way to a word list with counts kept beside
  each generation (`spelling.py`, docs/decisions.md): two processes 531 → 863 documents/s in
  one interleaved run (905 in the median of three), index 58 → 46 MB.
* **Whoosh engine's documents** (2026-12-05, 10,000 documents, one process, the same code on
  an index of each layout, queries interleaved, two runs): Whoosh's stored fields zlib every
  value, and inflating a 1–2 KB article took 8 of the 12 µs of reading one hit (10 a page, 30
  for the second stage). Documents up to 4 KB of JSON now sit uncompressed in a column (`doc`,
  longer ones zlib-compressed; indexes written before keep their stored field and still work):
  one word, no facets, no marks 676 → 559 µs p50, two or more words 2,596 → 2,287 µs (plain
  Whoosh 522 / 1,862 µs in the same runs); index 45 → 51 MB. A search also no longer lists the
  index folder for Whoosh's freshness check while the folder's modification time is that of the
  last listing and was already two seconds old then (20 µs a search).
* **Two-word queries** (2026-12-06, night; the second stage and the term reads): a term's
  postings are read with one look-up in the term table instead of two, only the hits that can
  still reach the page are re-ranked (`rerank.contenders`), the re-ranked hits' texts are read
  without making whole Documents, a query tree's cache key is computed once per search. On the
  10,000-document index, old and new code alternating, every query warm: as the API answers,
  19.4× → 17.4–18.4× raw tantivy; no facets, no marks 1.60× → 1.50× plain Whoosh. A fresh
  process (a server just started) reads most hits' texts for the first time, and half of its
  cold two-word query was then analysing words no search of the process had seen (for the
  marks and the second stage: 40,000 words in 100 queries). (The benchmark's timed pass comes
  after `check_queries` has run every query once in the same process: its word caches are
  warm, as a server's are after its first requests.)
* **Each word's terms beside the index** (2026-12-07, `known_words.py`, docs/decisions.md):
  every commit appends the texts' new words with their index terms to `words.tsv`, and a
  reading process knows them before its first search instead of analysing the hits' words.
  A fresh process running the 100 two-word queries on the 10,000-document index (CPU time,
  two runs each): p50 8.5 → 5.8 ms, the whole pass 1.34 → 1.08 s; the index step unchanged
  within noise. In the benchmark run of 2026-12-07 01:37 (below), two words as the API answers
  measured 20.8× raw tantivy (24.2× on 2026-12-06 at 23:25; the target is 20×), without facets
  17.4×, without facets and marks 15.2×.
* **The second stage reads the head of each text** (2026-12-07 morning; `rerank.READ_LIMIT`):
  the first 3,000 characters of each field (retrieval unchanged on both evaluation sets,
  docs/retrieval.md), a plain word's terms straight from the analyzer's memo for the
  highlighter, and `Index.warm` before the timed queries (as `searchkit serve` calls it), not
  in the cold open. A fresh process over the 100 two-word queries (CPU time, alternating runs
  on a machine whose speed varied by ±15 % between runs): mean 6.7 → 6.0 ms, p50 about 5 %
  lower. In the benchmark run of 03:22 (below; `--repeat 3`: 300 timings a kind), two words
  no facets, no marks measured 1.52× plain Whoosh (1.74× at 01:37) but as the API answers
  25.7× raw tantivy (20.8× at 01:37): raw tantivy itself answered in 0.18 ms instead of
  0.25 ms, and a ratio to a 0.2 ms baseline moves by a fifth with it. Against plain Whoosh
  the same answer measured 2.47× (2.38× at 01:37).
* **Posting blocks that load faster** (2026-12-07, `engines/whoosh_engine.py`,
  `BLOCK_PROTOCOL`): Whoosh pickles each block of postings with protocol 2, in which every
  posting's positions (a `bytes` value) load through a call of `codecs.encode`, and the
  document numbers and weights as one object each; unpickling was two thirds of reading a
  block. searchkit's writer now pickles blocks with protocol 5, the document numbers and
  weights of blocks of 16 or more postings as arrays (Whoosh's own reader takes either, and
  reads from them exactly what Whoosh's writer writes: a test). Over the 100 two-word queries
  on the 10,000-document index (11 blocks a query): the blocks' bytes 13.1 → 5.9 KB, their
  unpickling 0.36 → 0.08 ms, the query about 5–8 % faster (old and new index alternating, same
  code); the index 55 → 46 MB. In the run of 05:21 two words as the API answers
  measured 20.9× raw tantivy (25.7× at 03:22), without facets and marks 1.34× plain Whoosh
  (1.52×); the index step with 2 workers 2.48× plain Whoosh, but plain Whoosh's own step was
  slow in that run (23.4 s, 17.3 s at 03:22; searchkit's 9.4 against 11.3 s).
* **2026-12-07, 08:23** (below; code of commit 50f2ffb: hyphen-cut words found once per text
  and search, a kicker's sentence looked for only where the text can hold it, broad prefixes
  scored as their words, nouns in -ung kept apart from their verbs): two words as the API answers 4.15 ms (4.62 at 05:21), 20.8× raw
  tantivy, which itself answered in 0.20 ms (0.22); without facets and marks 1.36× plain Whoosh.
  Plain Whoosh indexed in 17.7 s (23.4 s at 05:21) and raw tantivy in 1.0 s (1.5 s), so the
  index-step ratios of this run are lower than at 05:21 while searchkit's own times moved less
  (index step with 2 workers 10.1 s against 9.4 s).
* **2026-12-07, 13:19** (below; code of commit f45e66d, a quiet machine: query handling of the
  day's reviews, similar articles by 40 unweighted key terms, glued words split at cleaning,
  the entity merges; no change aimed at speed): two words as the API answers 5.25 ms, 20.9×
  raw tantivy (20.8× at 08:23), 1.96× plain Whoosh (2.1×); without facets and marks 1.23×
  plain Whoosh (1.36×), one word 1.53× (1.68×). Every engine answered about a quarter slower
  than at 08:23 (raw tantivy 0.25 ms against 0.20, plain Whoosh 2.68 ms), so the absolute times
  are not comparable across the two runs; the ratios are. Index step with 2 workers 1.59×
  plain Whoosh (13.0 s against 20.6 s), the full pipeline with 2 workers 0.50×.
* **2026-12-07, 16:58** (below; code of commit dda4c51, a quiet machine: the fifth session's
  query syntax, entity patterns, suggestions and two ranking changes; no change aimed at
  speed): two words as the API answers 3.96 ms, 21.5× raw tantivy (20.9× at 13:19), 2.00×
  plain Whoosh (1.96×); without facets and marks 1.29× plain Whoosh (1.23×), one word 1.68×
  (1.53×); faceted p95 1.43× the same query without facets (1.20×). Every engine answered
  faster than at 13:19 (raw tantivy 0.18 ms against 0.25, plain Whoosh 1.97 against 2.68 ms),
  and searchkit less so, so the ratios rose a little; whether that is the session's code or
  the run's spread is not separated (no A/B was run). Index step with 2 workers 1.81× plain
  Whoosh (9.6 s against 17.3 s), the full pipeline with 2 workers 0.55×.
* **2026-12-07, 19:31** (below; code of commit 093bd50, a quiet machine: the sixth session's
  checks of each document `Index.add` is given, per-segment postings for the facet arrays of
  a new generation, the CLI's and server's fixes; nothing aimed at query speed): two words as
  the API answers 4.08 ms, 21.9× raw tantivy (21.5× at 16:58), 1.97× plain Whoosh (2.00×);
  without facets and marks 1.33× plain Whoosh (1.29×), one word 1.70× (1.68×); faceted p95
  1.45× the same query without facets (1.43×). Index step with 2 workers 1.72× plain Whoosh
  (10.8 s against 18.5 s; 1.81× at 16:58), the full pipeline with 2 workers 0.54× (0.55×). All
  within the spread of the day's runs. The entity tagger measured 30,100 tokens/s (39,700 at
  16:58; the model is unchanged since the morning: the machine's spread).
* **2026-12-08, 01:13** (below; code of commit 9146777: the eighth session's query path — a
  term's postings read straight from Whoosh's postings file, a word's scores computed once per
  evaluation, hyphen-cut words looked for from the first hyphen before a space, `ingest.clean`
  imported once for the hits' snippets — and the field `headline` that `title:` searches, which
  makes the index 5 % larger: 47.99 against 45.60 MB for the one-worker build): two words as the
  API answers 5.59 ms, **18.7×** raw tantivy (21.9× at 19:31), 1.97× plain Whoosh (1.97×);
  without facets and marks 1.34× plain Whoosh (1.33×), one word 1.53× (1.70×); faceted p95
  1.42× the same query without facets (1.45×). Every engine answered slower than at 19:31 (raw
  tantivy 0.30 ms against 0.19, plain Whoosh 2.83 against 2.07 ms), raw tantivy most: the ratio
  to tantivy fell by more than searchkit's own cost, which for two words is unchanged against
  plain Whoosh in this run. Old and new code alternated on the same indexes (three alternations
  each, the same process order) measured 8–13 % less time for two words and 2–6 % for one word.
  Index step with 2 workers 1.61× plain Whoosh (13.6 s against 22.0 s), the full pipeline with
  2 workers 0.60× (0.54×). A run at 00:56, with the test suite on the same two cores, is not
  reported: its two-worker builds were no faster than one worker.
* **2026-12-08, 01:46** (below; code of commit ab812e5, the same query path as at 01:13, a quiet
  machine: load average 0.66 at the start): two words as the API answers 3.85 ms, 20.8× raw
  tantivy (18.7× at 01:13), **1.89×** plain Whoosh (1.97×); without facets and marks **1.17×**
  plain Whoosh (1.34×), one word 1.47× (1.53×); faceted p95 1.25× the same query without facets
  (1.42×). Raw tantivy answered two words in 0.18 ms (0.30 ms at 01:13), plain Whoosh in 2.04 ms
  (2.83 ms). The two runs of the same code put two words at 18.7× and 20.8× raw tantivy: the
  target of 20× lies within their spread. Index step with 2 workers 1.81× plain Whoosh (11.8 s
  against 21.4 s), the full pipeline with 2 workers 0.57×; the entity tagger 24,500 tokens/s.
* **Growth to 100,000 documents**: `python -m bench.scale` (both engines, 1k → 10k → 100k:
  index step, size, cold open with the memory of that process, warm latency).

## Latest results

"""


def index_step_section() -> str:
    """The newest ``python -m bench.index_step`` comparison (``bench/results/index-step-*.json``):
    every run of the newest run's before/after pair of commits, oldest first (runs are repeated
    on the loaded machine, and at other sizes)."""
    from .index_step import table

    runs = sorted((BENCH_DIR / "results").glob("index-step-*.json"))
    if not runs:
        return ""
    results = [json.loads(run.read_text(encoding="utf-8")) for run in runs]
    latest = results[-1]
    same = [(run, r) for run, r in zip(runs, results) if r["code"] == latest["code"]]
    code = ", ".join(f"{name} = {commit}" for name, commit in latest["code"].items())
    files = ", ".join(f"`bench/results/{run.name}`" for run, _ in same)
    return ("\n## Index step alone, before and after (`python -m bench.index_step`)\n\n"
            f"Results {files} ({code}); the index step as in the Indexing "
            "tables above (one commit, saved facet arrays), every build in a fresh process, in "
            "the same run as the baselines, on a machine shared with other work (its load average "
            "is in the first line): compare ratios and CPU seconds, not single docs/s. CPU counts "
            "the build process and the children it reaped: Whoosh's writer processes, not the "
            "tantivy engine's analysis workers, which live until the process ends.\n\n"
            + "\n\n".join(table(r) for _, r in same) + "\n")


def write_markdown(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DOC_HEADER + tables(results) + "\n" + index_step_section(), encoding="utf-8")


# -- main --------------------------------------------------------------------------------------------------
def code_state() -> dict[str, Any]:
    """A fingerprint of the searchkit and server sources measured (the work tree may change while
    a long run goes on: compare start and end)."""
    import hashlib

    h = hashlib.sha256()
    files = sorted(p for d in ("searchkit", "server") for p in (REPO / d).rglob("*.py"))
    for path in files:
        h.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    state: dict[str, Any] = {"sources_sha256": h.hexdigest()[:16], "files": len(files)}
    try:
        git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        state["git_head"] = git.stdout.strip() or None
    except OSError:
        state["git_head"] = None
    return state


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated (100000 is long-running)")
    p.add_argument("--quick", action="store_true", help="500 documents, fewer queries, short server test (~2-3 min)")
    p.add_argument("--queries", type=int, default=None, help="queries per kind (default 100; --quick 20)")
    p.add_argument("--repeat", type=int, default=None, help="timed passes over the queries (default 1)")
    p.add_argument("--tagger-docs", type=int, default=None, help="articles for the tagger test (default 400)")
    p.add_argument("--batch-size", type=int, default=20000, help="documents per commit in searchkit builds")
    p.add_argument("--out", default=None, help="results JSON (default bench/results/<timestamp>.json)")
    p.add_argument("--markdown", default=None,
                   help="write the tables into this Markdown file (default docs/benchmarks.md, not with --quick; '' for none)")
    p.add_argument("--no-server", dest="server", action="store_false", help="skip the HTTP server load test")
    p.add_argument("--server-size", type=int, default=None, help="corpus size served (default: the smallest)")
    p.add_argument("--server-seconds", type=float, default=None, help="load duration per server (default 10; --quick 4)")
    p.add_argument("--server-threads", type=int, default=4)
    p.add_argument("--render", metavar="RESULTS_JSON", help="only rewrite the Markdown tables from a recorded run")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = "500"
    args.size_list = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    args.queries = args.queries or (20 if args.quick else 100)
    args.repeat = args.repeat or 1
    args.tagger_docs = args.tagger_docs or (60 if args.quick else 400)
    args.server_seconds = args.server_seconds or (4.0 if args.quick else 10.0)
    args.server_size = args.server_size or min(args.size_list)
    if args.markdown is None:
        args.markdown = "" if args.quick else str(REPO / "docs" / "benchmarks.md")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        recorded = json.loads(Path(args.render).read_text(encoding="utf-8"))
        target = Path(args.markdown or REPO / "docs" / "benchmarks.md")
        write_markdown(target, recorded)
        print(tables(recorded))
        print(f"tables: {target}", file=sys.stderr)
        return 0
    missing = corpus.missing_sources()
    if missing:
        print("bench: skipped, the benchmark data is not there: " + ", ".join(missing)
              + " (set SEARCHKIT_BENCH_DATA to the folder holding 10kgnad/ and zeitgeist/)", file=sys.stderr)
        return 0
    started = dt.datetime.now().astimezone()
    out = Path(args.out) if args.out else BENCH_DIR / "results" / f"{started:%Y%m%d-%H%M%S}.json"
    command = "python -m bench" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    results: dict[str, Any] = {"started": started.isoformat(timespec="seconds"), "command": command,
                               "machine": machine_info(), "code_start": code_state(), "settings": {
                                   "sizes": args.size_list, "queries_per_kind": args.queries, "repeat": args.repeat,
                                   "seed": SEED, "batch_size": args.batch_size}, "sizes": {}}
    tmp = Path(tempfile.mkdtemp(prefix="searchkit-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        keys = corpus.base_keys()
        for size in args.size_list:
            r = run_size(size, keys, tmp, args, procs)
            r["derived"] = derive(r)
            results["sizes"][str(size)] = r
            if size == args.size_list[0]:
                docs = [d for d in _read_enriched(tmp / f"n{size}")]
                results["tagger"] = tagger_throughput(docs, args.tagger_docs)
        results["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        results["code_end"] = code_state()
        try:
            results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        except OSError:
            pass
    except KeyboardInterrupt:
        print("\nbench: interrupted, temporary indexes removed, nothing written", file=sys.stderr)
        return 130
    finally:
        for proc in procs:
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    dump_json(out, results)
    text = tables(results)
    print(text)
    print(f"\nresults: {out}", file=sys.stderr)
    if args.markdown:
        write_markdown(Path(args.markdown), results)
        print(f"tables: {args.markdown}", file=sys.stderr)
    return 0


def _read_enriched(work: Path) -> list[Any]:
    from .util import read_docs

    return list(read_docs(work / "enriched.jsonl"))
