"""Shared fixtures: indexes built from the project's own files (demo corpus, seed articles).

Every test that touches an index runs once per engine (``[whoosh]``, ``[tantivy]``): the index
fixtures depend on ``engine``, and modules that create indexes themselves (also through the CLI,
the server or subprocesses) declare ``pytestmark = pytest.mark.usefixtures("engine")``.
``SEARCHKIT_TEST_ENGINES=whoosh`` narrows the run to one engine.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchkit import Index, enrich, read_paths
from searchkit.cli import demo_corpus_path
from searchkit.engines import ENGINE_ENV, ENGINES

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEARCHKIT_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


ENGINES_UNDER_TEST = [e for e in os.environ.get("SEARCHKIT_TEST_ENGINES", ",".join(ENGINES)).split(",") if e]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ENGINES_UNDER_TEST, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The engine under test; also the default (``SEARCHKIT_ENGINE``) for every index the test
    creates, in this process and in the processes it starts."""
    name = request.param
    if name == "tantivy":
        pytest.importorskip("tantivy", reason='the tantivy engine needs pip install "searchkit[fast]"')
    before = os.environ.get(ENGINE_ENV)
    os.environ[ENGINE_ENV] = name
    yield name
    _set_engine_env(before)


#: ``SEARCHKIT_ENGINE`` as the session found it.
_ENGINE_OUTSIDE_TESTS = os.environ.get(ENGINE_ENV)


@pytest.fixture(autouse=True)
def _engine_only_where_asked(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that does not ask for ``engine`` sees ``SEARCHKIT_ENGINE`` as the session found
    it. The session-scoped ``engine`` stays set between the parametrized tests, and a test of
    the default engine that ran among them had quietly run on tantivy (the SIGTERM import test,
    2026-12-07)."""
    if "engine" in request.fixturenames:
        yield
        return
    during = os.environ.get(ENGINE_ENV)
    _set_engine_env(_ENGINE_OUTSIDE_TESTS)
    try:
        yield
    finally:
        _set_engine_env(during)


def _set_engine_env(value: str | None) -> None:
    if value is None:
        os.environ.pop(ENGINE_ENV, None)
    else:
        os.environ[ENGINE_ENV] = value


def set_schema_version(index_path: Path, version: int) -> dict:  # type: ignore[type-arg]
    """Mark the index at ``index_path`` as written by a searchkit of schema ``version`` (how the
    tests make an index of an older version); returns its metadata."""
    from searchkit.index import METADATA_FILE

    meta_file = index_path / METADATA_FILE
    meta = json.loads(meta_file.read_text())
    meta["schema_version"] = version
    meta_file.write_text(json.dumps(meta))
    return meta  # type: ignore[no-any-return]


def require(path: Path) -> Path:
    """Skip (with the reason) when shared data is not on this machine."""
    if not path.exists():
        pytest.skip(f"{path} is not available (shared data lives beside the project)")
    return path


@pytest.fixture(scope="session")
def seeds() -> Path:
    return require(SEEDS)


@pytest.fixture(scope="session")
def demo_index_path(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    """The demo corpus, indexed once per test session and engine with the full pipeline."""
    path = tmp_path_factory.mktemp(f"demo-{engine}") / "index"
    index = Index(path, create=True, engine=engine)
    report = index.add(read_paths([demo_corpus_path()]), enrich=enrich)
    assert report.failed == 0, report.errors
    index.close()
    return path


@pytest.fixture(scope="session")
def demo_index(demo_index_path: Path) -> Index:
    return Index(demo_index_path)


@pytest.fixture(scope="session")
def seed_index_path(tmp_path_factory: pytest.TempPathFactory, seeds: Path, engine: str) -> Path:
    path = tmp_path_factory.mktemp(f"seeds-{engine}") / "index"
    Index(path, create=True, engine=engine).add(read_paths([seeds]), enrich=enrich)
    return path


@pytest.fixture(scope="session")
def seed_index(seed_index_path: Path) -> Index:
    return Index(seed_index_path)


@pytest.fixture
def fresh_index(tmp_path: Path, engine: str) -> Index:
    return Index(tmp_path / "index", create=True, engine=engine)


@pytest.fixture
def demo_copy(tmp_path: Path, demo_index_path: Path) -> Path:
    """A private copy of the demo index for tests that write."""
    target = tmp_path / "index"
    shutil.copytree(demo_index_path, target)
    return target
