"""Small helpers shared by the benchmark phases: clocks, resource usage, percentiles, docs files."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent


def progress(total: int | None, desc: str, unit: str = "doc"):  # type: ignore[no-untyped-def]
    """A tqdm bar on stderr (the phases run as subprocesses that share the terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, mininterval=1.0, dynamic_ncols=True,
                disable=os.environ.get("SEARCHKIT_BENCH_NO_PROGRESS") == "1")


class Clock:
    """Wall and CPU time of a block, this process and its reaped children (pool workers,
    Whoosh sub-writers)."""

    def __enter__(self) -> Clock:
        self.wall0 = time.perf_counter()
        self.cpu0 = time.process_time()
        self.child0 = _children_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0
        self.child_cpu = _children_cpu() - self.child0

    def to_dict(self) -> dict[str, float]:
        return {"wall_s": round(self.wall, 4), "cpu_s": round(self.cpu, 4), "children_cpu_s": round(self.child_cpu, 4)}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> dict[str, float]:
    """Peak resident set size (MB) of this process and of its largest reaped child."""
    # VmHWM, not RUSAGE_SELF: Linux keeps ru_maxrss across execve, so a phase process started
    # from a big parent would report the parent's peak.
    own = _vm_hwm_mb()
    if own is None:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_child_mb": round(child, 1)}


def _vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def current_rss_mb(pid: int | str = "self") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


@contextlib.contextmanager
def like_a_serving_process() -> Iterator[None]:
    """Time queries as a serving process answers them: everything that exists before timing (the
    opened indexes, the harness's documents and queries) stays out of the garbage collector's
    full passes, as ``searchkit serve`` keeps its workers' startup objects out
    (``server.serving.app_for_serving``). Every engine of a run is timed the same way."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def percentiles(samples: list[float]) -> dict[str, float | int]:
    """p50/p95/p99/mean in milliseconds (samples in seconds); nearest-rank on the sorted list."""
    if not samples:
        return {"n": 0}
    s = sorted(samples)

    def rank(p: float) -> float:
        k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
        return s[k] * 1000

    return {
        "n": len(s),
        "p50_ms": round(rank(50), 3),
        "p95_ms": round(rank(95), 3),
        "p99_ms": round(rank(99), 3),
        "mean_ms": round(sum(s) / len(s) * 1000, 3),
    }


def write_docs(path: Path, docs: Iterable[Any]) -> int:
    n = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(doc.to_json())
            f.write("\n")
            n += 1
    os.replace(tmp, path)
    return n


def read_docs(path: Path, limit: int | None = None) -> Iterator[Any]:
    from searchkit.model import Document

    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                return
            yield Document.from_json(line)


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def dump_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def machine_info() -> dict[str, Any]:
    import platform

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        info["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    versions = {}
    for mod in ("searchkit", "whoosh", "tantivy", "numpy", "gunicorn", "waitress"):
        try:
            from importlib.metadata import version

            dist = {"whoosh": "Whoosh-Reloaded"}.get(mod, mod)
            versions[mod] = version(dist)
        except Exception:  # noqa: BLE001
            versions[mod] = None
    info["versions"] = versions
    return info


def write_results(result: Any, table: str, name: str, out: Path | None = None) -> Path:
    """Save a run as ``bench/results/<name>-<time>.json`` (or ``out``) and print its table."""
    import time

    path = out or BENCH_DIR / "results" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    dump_json(path, result)
    print(table)
    print(f"\nresults: {path}")
    return path
