"""Fixes of robustness review 5: over-long ids and entity names (tantivy could not find them),
lone surrogates in metadata and entity names, an export that fails half-way, and the spelling
list saved by two threads at once."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from searchkit import Document, DocumentError, Entity, EntityType, Index, spelling
from searchkit.cli import main
from searchkit.ingest.formats import MAX_ID_CHARS
from searchkit.model import MAX_ENTITY_CHARS, max_id_chars
from searchkit.spelling import Vocabulary


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# -- 1. ids and entity names of bounded length --------------------------------------------------
def test_documents_made_in_python_have_the_id_limit_of_file_ingest() -> None:
    assert max_id_chars() == MAX_ID_CHARS  # one limit, kept in ingest.formats
    assert Document(id="x" * MAX_ID_CHARS).id == "x" * MAX_ID_CHARS
    for long_id in ("x" * (MAX_ID_CHARS + 1), "x" * 65531, "ä" * 40000):
        with pytest.raises(DocumentError, match=f"longer than {MAX_ID_CHARS} characters"):
            Document(id=long_id)


def test_an_over_long_entity_name_is_refused() -> None:
    assert Entity("x" * MAX_ENTITY_CHARS, EntityType.PERSON).name == "x" * MAX_ENTITY_CHARS
    with pytest.raises(DocumentError, match=f"longer than {MAX_ENTITY_CHARS} characters"):
        Entity("x" * (MAX_ENTITY_CHARS + 1), EntityType.PERSON)
    with pytest.raises(DocumentError, match=f"longer than {MAX_ENTITY_CHARS}"):
        Entity.from_dict({"name": "ä" * 70000, "type": "place"})
    data = Document(id="a").to_dict() | {"entities": [{"name": "x" * 70000, "type": "person"}]}
    with pytest.raises(DocumentError, match="document 'a': entity name"):
        Document.from_dict(data)  # the JSON of the write API or a file


def test_stored_documents_beyond_the_limits_are_still_read() -> None:
    # an index written before the checks may hold such documents (Whoosh stored them whole)
    stored = Document(id="a", entities=[Entity("Köln", EntityType.PLACE)]).to_dict()
    stored |= {"id": "x" * 5000, "metadata": {"note": "kaputt \ud800"},
               "entities": [{"name": "y" * 5000, "type": "person"}, {"name": "B\udc00", "type": "place"}]}
    doc = Document.from_stored(json.dumps(stored))
    assert len(doc.id) == 5000 and [len(e.name) for e in doc.entities] == [5000, 2]
    assert doc.metadata == {"note": "kaputt \ud800"}


@pytest.mark.usefixtures("engine")
def test_ids_and_names_at_the_limits_are_found_updated_and_deleted(fresh_index: Index) -> None:
    # the longest id (2,000 × "ä", 4,000 bytes) and entity name stay far below tantivy's
    # 65,530-byte terms: one document per id, found by its id and by its facet
    long_id, name = "ä" * MAX_ID_CHARS, "Ö" * MAX_ENTITY_CHARS
    person = [Entity(name, EntityType.PERSON)]
    assert fresh_index.add([Document(id=long_id, title="v1", body="erste Fassung", entities=person)]).added == 1
    assert fresh_index.add([Document(id=long_id, title="v2", body="zweite Fassung", entities=person)]).updated == 1
    assert len(fresh_index) == 1 and long_id in fresh_index and fresh_index.get(long_id).title == "v2"
    assert [v.count for v in fresh_index.facet_values("person", limit=5)] == [1]
    assert fresh_index.delete(long_id) == 1 and len(fresh_index) == 0


# -- 2. lone surrogates -----------------------------------------------------------------------
@pytest.mark.parametrize("metadata", [
    {"note": "kaputt \ud800"},
    {"\udc00": 1},
    {"rows": [{"deep": ["x", "y\ud800"]}]},
], ids=["value", "key", "nested"])
def test_a_lone_surrogate_in_metadata_is_refused(metadata: dict) -> None:
    with pytest.raises(DocumentError, match="lone surrogate"):
        Document(id="a", metadata=metadata)


def test_a_lone_surrogate_in_an_entity_name_is_refused() -> None:
    with pytest.raises(DocumentError, match="lone surrogate"):
        Entity("A\ud800", EntityType.PERSON)
    with pytest.raises(DocumentError, match="lone surrogate"):  # a JSON "\ud800" escape
        Document.from_json('{"id": "a", "entities": [{"name": "A\\ud800", "type": "person"}]}')
    with pytest.raises(DocumentError, match="lone surrogate"):
        Document.from_json('{"id": "a", "metadata": {"note": "\\udfff"}}')


def test_valid_unicode_in_metadata_and_names_passes() -> None:
    doc = Document(id="a", metadata={"Straße": ["Köln 🦀", {"n": 1}]}, entities=[Entity("Erdoğan 🦀", "person")])  # type: ignore[arg-type]
    assert doc.metadata["Straße"][0] == "Köln 🦀"


# -- 2b. an export to a file is whole or absent -------------------------------------------------
@pytest.fixture
def five_documents(tmp_path: Path, engine: str) -> Path:
    path = tmp_path / "index"
    Index(path, create=True, engine=engine).add(
        [Document(id=f"d{n}", title=f"Meldung {n}", body=f"Text der Meldung {n} aus Berlin.") for n in range(5)]
    )
    return path


def fail_at_one_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing document d2 fails, as a document Whoosh stored with a lone surrogate did."""
    to_json = Document.to_json

    def failing(doc: Document) -> str:
        if doc.id == "d2":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return to_json(doc)

    monkeypatch.setattr(Document, "to_json", failing)


def test_a_failed_export_leaves_no_partial_file(five_documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "backup.jsonl"
    old.write_text('{"id": "old"}\n', encoding="utf-8")
    new = tmp_path / "new.jsonl"
    fail_at_one_document(monkeypatch)
    for output in (old, new):
        result = run("export", "--index", str(five_documents), "-o", str(output))
        assert result.exit_code == 1 and result.output.startswith("Error:")
    assert old.read_text(encoding="utf-8") == '{"id": "old"}\n'  # untouched, not 2 of 5 documents
    assert not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.jsonl", "index"]  # no temporary file left


def test_an_export_replaces_a_file_whole_keeping_its_mode_and_link(five_documents: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "latest.jsonl"
    target.parent.mkdir()
    target.write_text("alt\n", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert run("export", "--index", str(five_documents), "-o", str(link)).exit_code == 0
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == 0o600
    ids = sorted(json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines())
    assert ids == [f"d{n}" for n in range(5)]
    assert sorted(p.name for p in target.parent.iterdir()) == ["latest.jsonl"]


def test_an_export_to_a_device_or_stdout_streams(five_documents: Path, tmp_path: Path) -> None:
    assert run("export", "--index", str(five_documents), "-o", os.devnull).exit_code == 0
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()  # not replaced by a file
    assert len(run("export", "--index", str(five_documents)).output.splitlines()) == 5
    missing = tmp_path / "no" / "such" / "out.jsonl"
    result = run("export", "--index", str(five_documents), "-o", str(missing))
    assert result.exit_code == 1 and "No such file" in result.output and str(missing) in result.output
    assert ".tmp" not in result.output  # the path the user gave, not the temporary file
    assert "Errno" not in result.output
    empty = run("export", "--index", str(five_documents), "-o", "")  # the current folder: raw "[Errno 21]"
    assert empty.exit_code == 1 and "give a file name" in empty.output and "Errno" not in empty.output


# -- 3. the spelling list saved by two threads at once ------------------------------------------
def test_two_threads_saving_one_generation_do_not_collide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # both threads have opened their temporary file before either writes and renames it: with
    # one name per process the second rename found no file ("could not save the spelling list")
    both_open = threading.Barrier(2, timeout=10)
    savez = np.savez

    def savez_together(file: object, **arrays: np.ndarray) -> None:
        both_open.wait()
        savez(file, **arrays)

    monkeypatch.setattr(np, "savez", savez_together)
    vocabulary = Vocabulary.from_counts({"bahnstreik": 2, "berlin": 1})
    errors: list[BaseException] = []

    def save() -> None:
        try:
            spelling.save(tmp_path, 7, vocabulary)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert spelling.load(spelling.path_of(tmp_path, 7)).words == ("bahnstreik", "berlin")
    assert [p.name for p in tmp_path.iterdir()] == ["spelling-7.npz"]


# -- ids read back exactly ------------------------------------------------------------------------
def test_an_export_read_back_keeps_every_id_as_it_was_given(tmp_path: Path) -> None:
    """Found by a review: ``searchkit export`` and ``searchkit index`` of the file collapsed the
    whitespace of ids ("a  b" became "a b", " c" became "c"), so two documents became one and a
    later update or delete by the old id found nothing."""
    ids = ["a  b", "a b", " c", "d "]
    index = Index(tmp_path / "a", create=True)
    index.add([Document(id=i, title=f"Titel {n}", body=f"Text {n} über Berlin.") for n, i in enumerate(ids)], enrich=None)
    index.close()
    exported = tmp_path / "export.jsonl"
    assert run("export", "--index", str(tmp_path / "a"), "-o", str(exported)).exit_code == 0
    assert run("index", str(exported), "--index", str(tmp_path / "b"), "--quiet").exit_code == 0
    back = [json.loads(line) for line in run("export", "--index", str(tmp_path / "b")).output.splitlines()]
    assert sorted(row["id"] for row in back) == sorted(ids)


@pytest.mark.parametrize("bad", ["d\te", "zeile\n2", "f\x01g", "x\x85y", "a\u2028b", "a\u2029b"])
def test_an_id_with_a_control_character_is_refused(bad: str) -> None:
    with pytest.raises(DocumentError, match="control character"):
        Document(id=bad)


def test_an_export_row_with_a_control_character_in_its_id_is_refused_by_name(tmp_path: Path) -> None:
    """An older index may hold an id with a tab (the library took one until 2026-12-07): its
    export row is refused naming the id, not read in as another id ("a b")."""
    exported = tmp_path / "old.jsonl"
    row = Document(id="a b", title="Titel", body="Text über Berlin.").to_dict() | {"id": "a\tb"}
    exported.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(exported), "--index", str(tmp_path / "new"), "--quiet"])
    assert result.exit_code == 1 and "control character" in result.output
