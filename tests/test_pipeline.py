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
        _gathered(LostClient(), [Document(id="a", body="Text.")])


def _clients(distributed) -> int:  # type: ignore[no-untyped-def]
    import gc

    return sum(1 for o in gc.get_objects() if isinstance(o, distributed.Client))


def test_a_failed_connection_leaves_no_client_for_the_garbage_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Client whose start failed closes itself in its finalizer; collected at some later
    moment, that ran inside distributed's own loop start, which holds the lock the close needs,
    and a test run hung. The connecting thread collects it at once."""
    import gc
    import socket
    import threading

    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit import pipeline
    from searchkit.errors import ClusterError

    monkeypatch.setattr(pipeline, "CONNECT_TIMEOUT", 1)
    monkeypatch.setattr(pipeline, "HANDSHAKE_GRACE", 5)
    gc.collect()  # what earlier tests left, finalized here (not inside a cluster's start)
    before = _clients(distributed)
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(ClusterError, match="cannot use the Dask scheduler"):
        pipeline._connect(f"tcp://127.0.0.1:{port}")
    for thread in threading.enumerate():
        if thread.name == "searchkit-dask-connect":
            thread.join(10)
    assert _clients(distributed) == before
