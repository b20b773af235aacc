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
