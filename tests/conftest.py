"""Shared fixtures: indexes built from the project's own files (demo corpus, seed articles)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from searchkit import Index, enrich, read_paths
from searchkit.cli import demo_corpus_path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEARCHKIT_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def require(path: Path) -> Path:
    """Skip (with the reason) when shared data is not on this machine."""
    if not path.exists():
        pytest.skip(f"{path} is not available (shared data lives beside the project)")
    return path


@pytest.fixture(scope="session")
def seeds() -> Path:
    return require(SEEDS)


@pytest.fixture(scope="session")
def demo_index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus, indexed once per test session with the full pipeline."""
    path = tmp_path_factory.mktemp("demo") / "index"
    index = Index(path, create=True)
    report = index.add(read_paths([demo_corpus_path()]), enrich=enrich)
    assert report.failed == 0, report.errors
    index.close()
    return path


@pytest.fixture(scope="session")
def demo_index(demo_index_path: Path) -> Index:
    return Index(demo_index_path)


@pytest.fixture(scope="session")
def seed_index_path(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "index"
    Index(path, create=True).add(read_paths([seeds]), enrich=enrich)
    return path


@pytest.fixture(scope="session")
def seed_index(seed_index_path: Path) -> Index:
    return Index(seed_index_path)


@pytest.fixture
def fresh_index(tmp_path: Path) -> Index:
    return Index(tmp_path / "index", create=True)


@pytest.fixture
def demo_copy(tmp_path: Path, demo_index_path: Path) -> Path:
    """A private copy of the demo index for tests that write."""
    target = tmp_path / "index"
    shutil.copytree(demo_index_path, target)
    return target
