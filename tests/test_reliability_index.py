"""Faults in the index: a writer killed with SIGKILL at random moments (also inside Whoosh's
commit), readers during commits, a second writer. The last committed state must always be
readable and complete, and nothing committed may be lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from searchkit import Index, IndexLockedError
from searchkit.errors import IndexVersionError

sys.path.insert(0, str(Path(__file__).parent))
from crash_worker import batch_word  # noqa: E402

WORKER = Path(__file__).parent / "crash_worker.py"
BATCH = 40

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
    pytest.mark.usefixtures("engine"),  # once per engine (see conftest.py)
]


def start_worker(index: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(index), "--batch-size", str(BATCH), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
        start_new_session=True,  # its own process group: a crash takes the pool workers with it
    )


def wait_for(proc: subprocess.Popen[str], prefix: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(
                f"worker ended before {prefix!r} after {seen[-5:]}: {proc.stderr.read() if proc.stderr else ''}"
            )
        seen.append(line.strip())
        if line.startswith(prefix):
            return line
    raise AssertionError(f"no {prefix!r} within {timeout} s")


def check_complete(path: Path) -> int:
    """Every committed batch is there in full, nothing of a later one; returns the last batch."""
    index = Index(path)
    try:
        state = index.get("state") if "state" in index else None
        last = int(state.metadata["batch"]) if state else -1
        assert len(index) == (last + 1) * BATCH + (1 if state else 0)
        for k in range(last + 2):
            found = index.search(batch_word(k), per_page=0).total
            assert found == (BATCH if k <= last else 0), (k, last, found)
        return last
    finally:
        index.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_at_random_moments_keeps_the_last_commit(tmp_path: Path, workers: str) -> None:
    path = tmp_path / "index"
    Index(path, create=True).close()
    rng = random.Random(int(workers))
    last = -1
    moments = ["begin", "commit-start", "commit-end", "committed"]
    for round_ in range(6):
        proc = start_worker(path, "--workers", workers)
        try:
            wait_for(proc, "ready")
            # kill at a chosen event of a chosen batch, plus a random delay inside it
            for _ in range(rng.randint(0, 2)):
                wait_for(proc, "committed")
            wait_for(proc, moments[round_ % len(moments)])
            time.sleep(rng.uniform(0, 0.05))
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker and its writer subprocesses
            proc.wait(timeout=30)
        now = check_complete(path)
        assert now >= last, "a committed batch was lost"
        last = now
    assert last >= 2


@pytest.mark.slow
def test_readers_see_whole_batches_while_a_writer_commits(tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index(path, create=True).close()
    proc = start_worker(path, "--max-batches", "8")
    partial: list[tuple[int, int]] = []
    stop = threading.Event()

    def read() -> None:
        index = Index(path)
        while not stop.is_set():
            for k in range(8):
                found = index.search(batch_word(k), per_page=0).total
                if found not in (0, BATCH):
                    partial.append((k, found))
        index.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert proc.wait(timeout=300) == 0
    finally:
        stop.set()
        reader.join()
    assert partial == []
    assert check_complete(path) == 7


def test_second_writer_waits_then_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index(path, create=True).close()
    holder = Index(path)
    writer = holder._writer()  # hold the write lock as a running indexer would
    try:
        other = Index(path, lock_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(IndexLockedError, match="locked"):
            other.add(__import__("crash_worker").make_batch(0, 2))
        assert time.monotonic() - started >= 0.25  # it waited for the timeout first
        assert len(other) == 0
    finally:
        writer.cancel()
    assert check_complete(path) == -1


def test_damaged_metadata_names_the_rebuild_command(tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index(path, create=True).close()
    (path / "searchkit.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(IndexVersionError, match="--rebuild"):
        Index(path)


def _doc(doc_id: str, body: str):  # type: ignore[no-untyped-def]
    from searchkit import Document

    return Document(id=doc_id, title=f"Meldung {doc_id}", body=body)


def test_a_rebuild_waits_for_no_writer_and_keeps_the_engine(tmp_path: Path, engine: str) -> None:
    """Found by a review: ``index --rebuild`` deleted the folder under a running writer (whose
    batches were lost) and made a tantivy index a Whoosh one."""
    path = tmp_path / "index"
    Index(path, create=True, engine=engine).add([_doc("a", "Alter Text.")])
    holder = Index(path)
    with holder.write_lock():
        with pytest.raises(IndexLockedError):
            Index.rebuild(path)
        assert len(Index(path)) == 1  # nothing deleted
    rebuilt = Index.rebuild(path)
    assert rebuilt.engine_name == engine and len(rebuilt) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # made beside it and swapped in: no leftovers


def test_a_reader_moves_to_a_rebuilt_index(tmp_path: Path, engine: str) -> None:
    """Found by a review: a Whoosh server kept serving the deleted index after a rebuild (both
    at generation 1), with the same ETag."""
    path = tmp_path / "index"
    Index(path, create=True, engine=engine).add([_doc("alt", "Der alte Hafen.")])
    reader = Index(path)
    assert reader.search("Hafen").total == 1
    before = reader.instance
    Index.rebuild(path).add([_doc("neu", "Der neue Bahnhof.")])
    assert [h.document.id for h in reader.search("Bahnhof").hits] == ["neu"]
    assert reader.search("Hafen").total == 0 and "alt" not in reader and reader.instance != before


def test_missing_index_files_are_a_damaged_index(tmp_path: Path, engine: str) -> None:
    """Found by a review: index files deleted under a running server gave 500 on every request."""
    from searchkit import IndexDamagedError

    path = tmp_path / "index"
    Index(path, create=True, engine=engine).add([_doc("a", "Text.")])
    reader = Index(path)
    assert len(reader) == 1
    for file in [*path.glob("_MAIN_*.toc"), *path.glob("tantivy/meta.json")]:
        file.unlink()
    with pytest.raises(IndexDamagedError, match="damaged"):
        len(Index(path))
    assert IndexDamagedError.http_status == 503


def _tag_nothing(doc):  # type: ignore[no-untyped-def]
    """An enricher for the process pool (a module function: the workers import it)."""
    return doc


def test_an_interrupted_add_ends_its_pool_at_once(tmp_path: Path) -> None:
    """An interrupted ``add`` ends its enrichment pool itself (the generator that holds it is
    closed by ``add``, not left to the garbage collector: a Ctrl-C of ``searchkit index
    --workers 2`` under load once printed "Exception ignored in: <generator _map>" from the
    pool's terminate and never ended). Nothing of the batch is committed."""
    import multiprocessing

    from searchkit import Document

    index = Index(tmp_path / "ix", create=True)
    docs = [Document(id=f"d{n}", title=f"Bericht {n}", body="Olaf Scholz in Berlin.") for n in range(40)]

    def stop(doc: Document, outcome: str) -> None:
        if outcome == "written":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.add(docs, enrich=_tag_nothing, workers=2, on_document=stop)
    # (the tantivy engine's analysis processes stay by design, for the next batch)
    assert [p.name for p in multiprocessing.active_children() if "PoolWorker" in p.name] == []
    assert len(Index(tmp_path / "ix")) == 0
    assert index.add(docs[:3]).added == 3  # the index takes the next batch
