"""The index's own copies (found by a review): ``migrate`` copies every stored document, also one
whose text another id holds, and ``reextract`` never undoes a commit that another writer made
while it read a batch (an update written back with the old text, a deleted document brought
back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchkit import Document, Index

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


def test_migrate_copies_a_document_whose_text_another_id_holds(tmp_path: Path, engine: str) -> None:
    index = Index(tmp_path / "idx", create=True)
    index.add([Document(id="a", title="Meldung", body="Erste Fassung des Textes."),
               Document(id="b", title="Meldung", body="Zweite Fassung des Textes.")])
    index.add([Document(id="a", title="Meldung", body="Zweite Fassung des Textes.")])  # now as b
    assert sorted(d.id for d in index.documents()) == ["a", "b"]
    other = "tantivy" if engine == "whoosh" else "whoosh"
    pytest.importorskip("tantivy")
    copy = index.migrate(tmp_path / "copy", engine=other)
    assert sorted(d.id for d in copy.documents()) == ["a", "b"]
    assert copy.get("a") == index.get("a")


def test_reextract_does_not_undo_what_another_writer_committed_meanwhile(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    index = Index(tmp_path / "idx", create=True)
    index.add([Document(id=f"d{i}", title=f"Titel {i}", body=f"Alter Text Nummer {i} aus Berlin.") for i in range(4)])
    other = Index(tmp_path / "idx")
    read = Index._stored_or_none

    def read_while_another_writer_commits(self: Index, doc_id: str) -> Document | None:
        doc = read(self, doc_id)
        if doc_id == "d3":  # the batch is read; before it is written, another writer commits
            other.add([Document(id="d1", title="Titel 1", body="NEUER Text, korrigiert.")])
            other.delete("d2")
        return doc

    monkeypatch.setattr(Index, "_stored_or_none", read_while_another_writer_commits)
    report = index.reextract(lambda doc: doc)
    monkeypatch.undo()
    fresh = Index(tmp_path / "idx")
    assert fresh.get("d1").body == "NEUER Text, korrigiert."
    assert "d2" not in fresh
    assert sorted(d.id for d in fresh.documents()) == ["d0", "d1", "d3"]
    assert report.updated == 2 and report.skipped == 2  # d0, d3 rewritten; d1, d2 left to the other writer


def test_reextract_keeps_a_date_another_writer_corrected_meanwhile(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a second review: only the text was compared, and a corrected date (or url,
    source, metadata) committed while a batch was in flight was written back."""
    index = Index(tmp_path / "idx", create=True)
    index.add([Document(id=f"d{i}", title=f"Titel {i}", body=f"Text {i} aus Berlin.", published="2020-01") for i in range(3)])
    other = Index(tmp_path / "idx")
    read = Index._stored_or_none

    def read_while_another_writer_commits(self: Index, doc_id: str) -> Document | None:
        doc = read(self, doc_id)
        if doc_id == "d2":
            other.add([Document(id="d1", title="Titel 1", body="Text 1 aus Berlin.", published="2021-05")], force=True)
        return doc

    monkeypatch.setattr(Index, "_stored_or_none", read_while_another_writer_commits)
    index.reextract(lambda doc: doc)
    monkeypatch.undo()
    assert str(Index(tmp_path / "idx").get("d1").published) == "2021-05"


def _create_and_add(path: str, engine: str, number: int, barrier) -> str:  # type: ignore[no-untyped-def]
    barrier.wait()
    try:
        index = Index(path, create=True, engine=engine, lock_timeout=30)
        index.add([Document(id=f"x{number}", title="Titel", body=f"Hallo Welt {number}")])
        return "ok"
    except Exception as error:  # reported to the test, which names it
        return f"{type(error).__module__}.{type(error).__name__}: {error}"


def test_processes_that_create_one_index_at_once_share_it(tmp_path: Path, engine: str) -> None:
    """Found by a robustness review: two processes creating one index at the same moment both
    wrote into its folder, and one failed with Whoosh's raw NameError or FileNotFoundError, or
    was told the folder was no index."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for attempt in range(3):
        path = tmp_path / f"idx{attempt}"
        barrier = context.Manager().Barrier(3)
        with context.Pool(3) as pool:
            outcomes = pool.starmap(_create_and_add, [(str(path), engine, k, barrier) for k in range(3)])
        assert outcomes == ["ok"] * 3
        assert sorted(d.id for d in Index(path).documents()) == ["x0", "x1", "x2"]
        assert not [p.name for p in tmp_path.iterdir() if ".create-" in p.name]
