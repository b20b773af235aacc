"""Index lifecycle: create/open, add/update/delete, idempotent re-ingest, versions, locks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit import (
    Document,
    DocumentError,
    DocumentNotFoundError,
    Entity,
    EntityType,
    Index,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    PubDate,
    QueryError,
    enrich,
)
from searchkit.index import METADATA_FILE, SCHEMA_VERSION

from conftest import set_schema_version

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


def doc(doc_id: str, body: str = "Ein Text über Baku.", **kw) -> Document:  # type: ignore[no-untyped-def]
    return Document(id=doc_id, title=kw.pop("title", f"Titel {doc_id}"), body=body, **kw)


def test_missing_index_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="searchkit index"):
        Index(tmp_path / "nothing")


def test_add_update_delete(fresh_index: Index) -> None:
    report = fresh_index.add([doc("a"), doc("b", "Anderer Text über Ankara.")])
    assert (report.added, report.updated, report.skipped) == (2, 0, 0)
    assert len(fresh_index) == 2
    report = fresh_index.add([doc("a", "Neuer Text über Wien.")])
    assert (report.added, report.updated) == (0, 1)
    assert len(fresh_index) == 2
    assert fresh_index.get("a").body == "Neuer Text über Wien."
    assert fresh_index.search("Wien").total == 1 and fresh_index.search("Baku").total == 0
    fresh_index.delete("a")
    assert "a" not in fresh_index and len(fresh_index) == 1
    with pytest.raises(DocumentNotFoundError):
        fresh_index.delete("a")
    with pytest.raises(DocumentNotFoundError):
        fresh_index.get("a")


def test_delete_several_ids_in_one_commit_or_none(fresh_index: Index) -> None:
    fresh_index.add([doc("a"), doc("b", "Text über Ankara."), doc("c", "Text über Wien.")])
    generation = fresh_index.generation()
    with pytest.raises(DocumentNotFoundError, match="'x', 'y'; nothing deleted"):
        fresh_index.delete("a", "x", "b", "y")
    assert len(fresh_index) == 3 and fresh_index.generation() == generation
    assert fresh_index.delete("a", "b", "a") == 2
    assert fresh_index.generation() != generation
    assert [d.id for d in fresh_index.documents()] == ["c"]
    assert fresh_index.search("Ankara").total == 0
    with pytest.raises(ValueError, match="batch_size"):
        fresh_index.migrate(fresh_index.path.parent / "copy", engine="whoosh", batch_size=0)
    assert not (fresh_index.path.parent / "copy").exists()


def test_reingest_is_idempotent(fresh_index: Index) -> None:
    docs = [doc("a"), doc("b", "Zweiter Text.")]
    fresh_index.add(docs)
    report = fresh_index.add(docs)
    assert (report.added, report.updated, report.skipped) == (0, 0, 2)
    # the same content under another id is not a second hit
    report = fresh_index.add([doc("copy-of-a", title="Titel a")])
    assert report.skipped == 1
    assert fresh_index.search("Baku").total == 1


def test_duplicate_ids_in_one_batch_leave_one_document(fresh_index: Index) -> None:
    report = fresh_index.add([doc("a", "Erste Fassung."), doc("a", "Zweite Fassung.")])
    # (the first version is superseded, not "skipped", which says its content was there)
    assert (report.added, report.updated, report.skipped, report.superseded) == (1, 0, 0, 1)
    assert len(fresh_index) == 1
    assert fresh_index.search("Fassung").total == 1
    assert fresh_index.get("a").body == "Zweite Fassung."


def test_the_same_document_twice_in_one_batch_is_written_once(fresh_index: Index) -> None:
    """Found by a review: of two identical copies the last was kept but skipped as a duplicate
    of the first, so nothing was written while the report said "added"."""
    first, second = doc("x", "Der Fluss in Leipzig ist breit."), doc("x", "Anderer Text.")
    report = fresh_index.add([first, first])
    assert (report.added, report.superseded, report.skipped, len(fresh_index)) == (1, 1, 0, 1)
    assert fresh_index.get("x") == first
    report = fresh_index.add([second, first, second])  # A, B, A: the last version wins
    assert (report.updated, report.superseded, report.skipped, len(fresh_index)) == (1, 2, 0, 1)
    assert fresh_index.get("x") == second
    same = [doc(one, "Gleich.", title="Gleich") for one in "yzy"]  # one text under two ids
    report = fresh_index.add(same)
    assert (report.added, report.superseded, report.skipped) == (1, 1, 1)
    assert ("y" in fresh_index) + ("z" in fresh_index) == 1


@pytest.mark.parametrize("bad", [[{"id": "z", "text": "hi"}], "hello", None, [doc("a"), None]])
def test_add_takes_documents_only(fresh_index: Index, bad: object) -> None:
    with pytest.raises(DocumentError, match="Document"):
        fresh_index.add(bad)  # type: ignore[arg-type]
    assert len(fresh_index) == 0


def test_published_takes_a_date_or_an_iso_string_and_refuses_the_rest(fresh_index: Index) -> None:
    """(found by a review: a ``datetime.date`` failed deep inside ``Index.add``)"""
    import datetime

    from searchkit import Document

    made = [Document(id="d", body="Baku am Tag.", published=datetime.date(2025, 4, 3)),
            Document(id="m", body="Baku im Monat.", published="2025-04"),
            Document(id="t", body="Baku zur Stunde.", published=datetime.datetime(2025, 4, 3, 12, 0))]
    assert [d.published for d in made] == [PubDate.from_iso("2025-04-03"), PubDate.from_iso("2025-04"),
                                           PubDate.from_iso("2025-04-03")]
    fresh_index.add(made)
    assert fresh_index.search("Baku", date_from="2025-04", date_to="2025-04").total == 3
    for bad in ("April", "2025-13", 2025, 3.5):
        with pytest.raises(DocumentError, match="published"):
            Document(id="x", body="Baku.", published=bad)  # type: ignore[arg-type]


def test_interrupted_batch_commits_nothing(fresh_index: Index) -> None:
    fresh_index.add([doc("keep")])

    def docs():  # type: ignore[no-untyped-def]
        yield doc("lost-1", "Verloren eins.")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fresh_index.add(docs())
    reopened = Index(fresh_index.path)
    assert len(reopened) == 1 and "keep" in reopened
    reopened.add([doc("after", "Danach.")])  # the lock was released
    assert len(reopened) == 2


def test_second_writer_gets_a_clear_error(fresh_index: Index) -> None:
    writer = fresh_index._writer()
    try:
        with pytest.raises(IndexLockedError, match="locked"):
            Index(fresh_index.path).add([doc("x")])
    finally:
        writer.cancel()


def test_schema_version_is_checked(fresh_index: Index) -> None:
    meta_file = fresh_index.path / METADATA_FILE
    set_schema_version(fresh_index.path, 0)
    with pytest.raises(IndexVersionError, match="--rebuild"):
        Index(fresh_index.path)
    meta_file.write_text("{broken")
    with pytest.raises(IndexVersionError, match="damaged"):
        Index(fresh_index.path)
    for not_an_object in ("[1, 2]", '"x"', "3"):  # valid JSON, but no metadata (was AttributeError)
        meta_file.write_text(not_an_object)
        with pytest.raises(IndexVersionError, match="damaged"):
            Index(fresh_index.path)


def test_an_index_of_the_previous_schema_is_re_indexed_from_its_stored_documents(fresh_index: Index, tmp_path: Path) -> None:
    fresh_index.add([
        doc("a", "Die Preise stiegen um 2,5 Prozent.", entities=[Entity("Berlin", EntityType.PLACE)],
            published=PubDate.from_iso("2023-01")),
        doc("b", "Bayern siegte 2:5 gegen Mainz."),
    ])
    set_schema_version(fresh_index.path, 2)  # numbers were split at their separators then
    fresh_index.close()
    with pytest.raises(IndexVersionError, match="searchkit migrate --index"):
        Index(fresh_index.path)
    old = Index(fresh_index.path, for_copy=True)
    copy = old.migrate(tmp_path / "copy", engine=old.engine_name)
    assert json.loads((copy.path / METADATA_FILE).read_text())["schema_version"] == SCHEMA_VERSION
    assert [h.document.id for h in copy.search("2,5").hits] == ["a"]  # analysed anew
    stored = copy.get("a")
    assert stored.entities == [Entity("Berlin", EntityType.PLACE)] and stored.published == PubDate.from_iso("2023-01")
    set_schema_version(fresh_index.path, 1)  # what no longer can be read is not opened, also for a copy
    with pytest.raises(IndexVersionError, match="--rebuild"):
        Index(fresh_index.path, for_copy=True)


def test_rebuild_replaces_an_old_index(fresh_index: Index) -> None:
    fresh_index.add([doc("a")])
    (fresh_index.path / METADATA_FILE).write_text('{"schema_version": 0}')
    rebuilt = Index.rebuild(fresh_index.path)
    assert len(rebuilt) == 0


def test_rebuild_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(IndexVersionError):
        Index.rebuild(tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_create_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(IndexVersionError):
        Index(tmp_path, create=True)


def test_documents_roundtrip_with_dates_and_entities(fresh_index: Index) -> None:
    original = doc(
        "a",
        published=PubDate.from_iso("2025-04"),
        entities=[Entity("Ilham Alijew", EntityType.PERSON)],
        metadata={"ressort": "Politik"},
    )
    fresh_index.add([original])
    assert list(fresh_index.documents()) == [original]


def test_a_second_process_sees_commits_without_reopening(fresh_index: Index) -> None:
    reader = Index(fresh_index.path)
    assert len(reader) == 0
    fresh_index.add([doc("a")])
    assert len(reader) == 1


def test_commits_are_seen_when_the_folder_was_long_unchanged(
    fresh_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh skips listing a folder whose modification time is old and unchanged since the
    last listing; each commit changes it, so every commit is still seen at once."""
    import os

    listings = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda *args: listings.append(args) or real_listdir(*args))
    fresh_index.add([doc("a")])
    reader = Index(fresh_index.path)
    for k in range(3):
        reader.search("Baku", facets=False)  # may write the spelling list into the folder
        past = 1_600_000_000 + k
        os.utime(fresh_index.path, (past, past))  # the folder unchanged for years
        listings.clear()
        for _ in range(3):
            assert reader.search("Baku", facets=False).total == k + 1
        if fresh_index.engine_name == "whoosh":
            assert len(listings) == 1  # the first search listed the folder, the others did not
        fresh_index.add([doc(f"b{k}")])
        assert reader.search("Baku", facets=False).total == k + 2


def test_one_search_reads_one_generation_while_another_process_commits(
    fresh_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit that lands while a search runs (here: while its page is built, before the
    spelling suggestion) is not half-seen: every step of the search reads the generation it
    started on; the next search sees the commit."""
    import searchkit.search as search_module

    fresh_index.add([doc("a")])
    reader = Index(fresh_index.path)
    started = reader.generation()
    seen = []
    original = search_module._hits

    def commit_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        if len(fresh_index) == 1:
            fresh_index.add([doc("b")])  # another writer
        seen.append((reader.snapshot().generation, reader.facet_data().snapshot.generation,
                     len(reader.spelling())))
        return original(*args, **kwargs)

    monkeypatch.setattr(search_module, "_hits", commit_meanwhile)
    for options in ({}, {"facets": False}):  # the full path and the plain path
        seen.clear()
        assert reader.search("Baku", **options).total == (1 if not options else 2)
        generation = started if not options else reader.generation()
        assert seen and all(g == generation and f == generation for g, f, _ in seen)
    assert reader.generation() != started


def test_optimize_merges_segments_and_keeps_every_document(fresh_index: Index) -> None:
    for batch in range(3):
        fresh_index.add([Document(id=f"{batch}-{i}", title=f"Meldung {batch} {i}", body="Baku") for i in range(5)])
    assert fresh_index.segment_count() >= 2
    assert fresh_index.optimize() is True
    assert fresh_index.segment_count() == 1
    assert len(fresh_index) == 15 and fresh_index.search("Baku", per_page=0).total == 15


def test_optimize_leaves_a_merged_index_as_it_is(fresh_index: Index) -> None:
    """One segment without deleted documents is what a merge writes: a new generation would
    only end every server's caches and ETags (found by a review: "1 segment(s) merged into 1")."""
    fresh_index.add([Document(id=str(i), title=f"Meldung {i}", body="Baku") for i in range(4)])
    fresh_index.optimize()
    merged = fresh_index.generation()
    assert fresh_index.optimize() is False
    assert fresh_index.generation() == merged
    fresh_index.delete("1")  # a deleted document: a merge drops it for good
    deleted = fresh_index.generation()
    assert fresh_index.optimize() is True
    assert fresh_index.generation() != deleted and len(fresh_index) == 3
    assert fresh_index.optimize() is False


def test_facet_arrays_are_saved_per_generation_and_reused(fresh_index: Index) -> None:
    from searchkit import Entity, EntityType
    from searchkit.facets import FacetData

    fresh_index.add([
        Document(id="a", title="Baku", body="Text", entities=[Entity("Ilham Alijew", EntityType.PERSON)]),
        Document(id="b", title="Schuscha", body="Text", entities=[Entity("Alijew", EntityType.PERSON)]),
    ])
    built = fresh_index.search("Text").facets
    saved = list(fresh_index.path.glob("facets-*.npz"))
    assert len(saved) == 1
    reopened = Index(fresh_index.path)
    assert reopened.search("Text").facets == built  # from the saved arrays, short name merged
    assert reopened.search("Text", filters={"person": ["Alijew"]}).total == 2

    fresh_index.add([Document(id="c", title="Gjandscha", body="Text")])
    assert reopened.search("Text").total == 3  # a commit makes a new generation, new arrays
    assert [p.name for p in fresh_index.path.glob("facets-*.npz")] != [saved[0].name]

    for path in fresh_index.path.glob("facets-*.npz"):
        path.write_bytes(b"damaged")
    data = FacetData.load_or_build(Index(fresh_index.path).snapshot(), fresh_index.path)
    assert int(data.live.sum()) == 3  # a damaged file is rebuilt, not trusted


def test_creating_an_index_where_a_file_is_is_a_typed_error(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(IndexVersionError, match="not an empty folder"):
        Index(a_file, create=True)
    assert a_file.read_text() == "mine"


def test_the_report_says_which_id_holds_a_skipped_duplicate(fresh_index: Index) -> None:
    """Content stored under another id is skipped; the report names that id (a GET of the
    skipped one finds nothing), within a batch and against the index alike."""
    storm = {"body": "Sturm an der Küste.", "title": "Wetter"}
    first = fresh_index.add([doc("a", **storm), doc("b", **storm), doc("c", "Regen.")])
    assert first.duplicates == {"b": "a"} and first.stored(["a", "b", "c"]) == ["a", "c"]
    again = fresh_index.add([doc("d", **storm), doc("a", **storm)])
    assert again.duplicates == {"d": "a"} and again.stored(["d", "a"]) == ["a"]  # "a" again: stored
    assert again.to_dict()["duplicates"] == [{"id": "d", "duplicate_of": "a"}]
    assert "d" not in fresh_index and "b" not in fresh_index


def test_a_lone_surrogate_or_a_wrong_type_is_a_typed_error(fresh_index: Index) -> None:
    """Found by a review: ids and query words with a lone surrogate ("\\ud800", from a broken
    JSON escape) reached the engines, which raised UnicodeEncodeError or ValueError; a list
    where one id or facet belongs raised TypeError."""
    fresh_index.add([doc("a", "Der Bahnstreik in Berlin.")])
    with pytest.raises(DocumentNotFoundError):
        fresh_index.get("\ud800")
    with pytest.raises(DocumentNotFoundError):
        fresh_index.delete("\ud800")
    assert "\ud800" not in fresh_index
    assert fresh_index.search("Bahn\ud800*").total == 1  # the query is read without it
    assert fresh_index.search("\ud800a?c").total == 0
    assert fresh_index.search("title:Wer\ud800").total == 0
    # a document built in Python: its text loses the surrogate, an id with one is refused
    # (Index.add raised UnicodeEncodeError, the entity tagger a SystemError)
    report = fresh_index.add([doc("b", "Merkel \ud800 besucht Berlin.")], enrich=enrich)
    assert report.added == 1 and fresh_index.get("b").body == "Merkel  besucht Berlin."
    assert {e.name for e in fresh_index.get("b").entities} >= {"Merkel", "Berlin"}
    with pytest.raises(DocumentError, match="surrogate"):
        doc("c\ud800", "Text.")
    with pytest.raises(DocumentError):
        fresh_index.delete(["a"])  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        fresh_index.facet_values(["person"], "E")  # type: ignore[arg-type]
    assert len(fresh_index) == 2


#: Files of each engine, cut short to some sizes: a table of contents and a segment file.
TRUNCATED = {
    "whoosh": [("_MAIN_*.toc", 0), ("_MAIN_*.toc", 200), ("MAIN_*.seg", 100)],
    "tantivy": [("tantivy/meta.json", 10), ("tantivy/*.term", 50), ("tantivy/*.store", 50)],
}


@pytest.mark.parametrize("case", range(3))
def test_a_truncated_index_file_is_a_damaged_index(tmp_path: Path, engine: str, case: int) -> None:
    """Found by a review: a Whoosh table of contents or segment cut short (a full disk, a copy
    cut short) gave struct, pickle or end-of-file errors (the command line printed only
    "Aborted!")."""
    pattern, size = TRUNCATED[engine][case]
    index = Index(tmp_path / "index", create=True)
    index.add([doc("a", "Der Bahnstreik in Berlin."), doc("b", "Ein anderer Text.")])
    index.close()
    for file in (tmp_path / "index").glob(pattern):
        with file.open("r+b") as handle:
            handle.truncate(size)
    with pytest.raises(IndexVersionError, match="damaged"):
        Index(tmp_path / "index").search("Bahnstreik")


def test_an_id_is_one_id_however_its_letters_are_composed(fresh_index: Index) -> None:
    """Found by a review: "Müller-Bericht" in NFC and in NFD (a macOS file name) were two
    documents that look the same in every list."""
    import unicodedata

    composed, decomposed = (unicodedata.normalize(form, "Müller-Bericht") for form in ("NFC", "NFD"))
    assert composed != decomposed
    fresh_index.add([doc(composed, "Erster Text."), doc(decomposed, "Zweiter Text.")])
    assert len(fresh_index) == 1 and fresh_index.get(decomposed).body == "Zweiter Text."
    assert decomposed in fresh_index and composed in fresh_index
    fresh_index.delete(decomposed)
    assert len(fresh_index) == 0


def test_an_id_an_older_index_stored_decomposed_is_found_and_replaced(fresh_index: Index) -> None:
    """Found by a review of the NFC change: an index written before it may hold a decomposed
    id; adding the document again duplicated it, and the composed id did not find it."""
    import unicodedata

    composed, decomposed = (unicodedata.normalize(form, "Müller-Bericht") for form in ("NFC", "NFD"))
    legacy = doc("x", "Alter Text.")
    legacy.id = decomposed  # as an older version stored it
    fresh_index.add([legacy, doc("b", "Anderer Text.")])
    assert fresh_index.get(composed).body == "Alter Text." and composed in fresh_index
    fresh_index.add([doc(decomposed, "Neuer Text.")])
    assert len(fresh_index) == 2 and fresh_index.get(composed).body == "Neuer Text."
    fresh_index.delete(composed)
    assert len(fresh_index) == 1
