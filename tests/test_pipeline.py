"""The enrichment stage: in-process, in a process pool, and on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchkit import Index, enrich, read_paths
from searchkit.cli import demo_corpus_path

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


def facet_counts(index: Index) -> list:
    return [f.to_dict() for f in index.search("", facet_size=1000).facets]


@pytest.mark.slow
def test_process_pool_gives_the_same_index(tmp_path: Path, demo_index: Index) -> None:
    parallel = Index(tmp_path / "parallel", create=True)
    report = parallel.add(read_paths([demo_corpus_path()]), enrich=enrich, workers=2)
    assert report.failed == 0 and len(parallel) == len(demo_index)
    assert facet_counts(parallel) == facet_counts(demo_index)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_index(tmp_path: Path, demo_index: Index) -> None:
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit.cli import index_documents

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = Index(tmp_path / "dask", create=True)
        report = index_documents(on_dask, read_paths([demo_corpus_path()]), progress=False, dask=cluster.scheduler_address)
    assert report.failed == 0 and len(on_dask) == len(demo_index)
    assert facet_counts(on_dask) == facet_counts(demo_index)


@pytest.mark.slow
def test_the_alias_file_reaches_the_dask_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--aliases`` sets ``$SEARCHKIT_ALIASES`` in this process only: the cluster's workers
    (started before it, elsewhere in a real cluster) extracted without it, and an index built
    with ``--dask`` differed from the one the other paths build (a review). The rules now travel
    with each task."""
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit import Document
    from searchkit.cli import _use_aliases, index_documents
    from searchkit.entities.aliases import ALIASES_ENV

    text = "Bundeskanzler Friedrich Merz traf Donald Trump in Washington. Merz sprach über Zölle."
    docs = [Document(id=f"d{n}", title=f"Treffen {n}", body=f"{text} Termin {n}.") for n in range(4)]
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[alias]\n"Friedrich Merz" = "Fritz Merz"\n\n[ignore]\nnames = ["Donald Trump"]\n', encoding="utf-8")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        monkeypatch.setenv(ALIASES_ENV, "")  # (undone after the test, with what _use_aliases sets)
        _use_aliases(aliases)  # what --aliases does, after the workers started
        on_dask = Index(tmp_path / "dask", create=True)
        index_documents(on_dask, docs, progress=False, dask=cluster.scheduler_address)
    names = {e.name for doc in on_dask.documents() for e in doc.entities}
    assert "Fritz Merz" in names and not names & {"Friedrich Merz", "Donald Trump"}


def test_a_lost_scheduler_is_a_cluster_error() -> None:
    """Found by a review: a scheduler killed during a run gave three tracebacks. Killing a
    scheduler at the right moment is not reproducible in a test, so the client's failure is
    made by a stand-in that raises what distributed raises then."""
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit import ClusterError, Document
    from searchkit.pipeline import _gathered

    class LostClient:
        def map(self, *args: object, **kwargs: object) -> list[object]:
            return []

        def gather(self, futures: object) -> list[Document]:
            raise distributed.client.FutureCancelledError("enrich-1", reason="scheduler-connection-lost")

    with pytest.raises(ClusterError, match="lost the Dask scheduler"):
        _gathered(LostClient(), enrich, [Document(id="a", body="Text.")])


def _clients(distributed) -> int:  # type: ignore[no-untyped-def]
    import gc

    # a client that is closed (or never started) has nothing left for its finalizer to do
    return sum(1 for o in gc.get_objects()
               if isinstance(o, distributed.Client) and getattr(o, "status", "closed") not in ("closed", "newly-created"))


@pytest.mark.parametrize("address", ["notanaddress", "tcp://127.0.0.1:0"])
def test_a_failed_connection_leaves_no_client_for_the_garbage_collector(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    """A Client whose start failed ("notanaddress": still "connecting", with its loop) closes
    itself in its finalizer. Collected at some later moment, that ran inside distributed's own
    loop start (a LocalCluster of a later test), which holds the lock the close needs, and the
    test run hung. The connecting thread closes it at once now."""
    import gc
    import threading

    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit import pipeline
    from searchkit.errors import ClusterError

    monkeypatch.setattr(pipeline, "CONNECT_TIMEOUT", 1)
    gc.collect()  # what earlier tests left, finalized here (not inside a cluster's start)
    before = _clients(distributed)
    gc.disable()  # no automatic collection meanwhile: it would finalize a client left behind
    try:
        with pytest.raises(ClusterError, match="cannot use the Dask scheduler"):
            pipeline._connect(address)
        for thread in threading.enumerate():
            if thread.name == "searchkit-dask-connect":
                thread.join(10)
        assert _clients(distributed) == before
    finally:
        gc.enable()


class _LateClient:
    """A stand-in for ``distributed.Client`` that connects after ``delay`` seconds."""

    delay = 0.5
    made: list[_LateClient] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        import time

        time.sleep(self.delay)
        self.closed = False
        _LateClient.made.append(self)

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("interrupted", [False, True])
def test_a_client_that_connects_after_the_caller_gave_up_is_closed(
    monkeypatch: pytest.MonkeyPatch, interrupted: bool
) -> None:
    """Found by a review: a client that connected after the deadline, or after a Ctrl-C while
    the caller waited, was left to the garbage collector."""
    import threading
    import time

    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit import pipeline
    from searchkit.errors import ClusterError

    monkeypatch.setattr(distributed, "Client", _LateClient)
    monkeypatch.setattr(_LateClient, "made", [])
    monkeypatch.setattr(pipeline, "CONNECT_TIMEOUT", 0)
    monkeypatch.setattr(pipeline, "HANDSHAKE_GRACE", 0.1)
    if interrupted:
        def ctrl_c(self: threading.Thread, timeout: float | None = None) -> None:
            raise KeyboardInterrupt
        monkeypatch.setattr(threading.Thread, "join", ctrl_c)
    with pytest.raises(KeyboardInterrupt if interrupted else ClusterError):
        pipeline._connect("tcp://127.0.0.1:8786")
    deadline = time.monotonic() + 10
    while not _LateClient.made and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    assert len(_LateClient.made) == 1 and _LateClient.made[0].closed
