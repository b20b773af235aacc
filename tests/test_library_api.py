"""The Python library as a user calls it: mistakes are typed errors said at the call, never a
bare TypeError from deep inside, a lost batch or lost data (found by a review of the API)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

import searchkit
from searchkit import (
    ArgumentError,
    Document,
    DocumentError,
    Entity,
    EntityType,
    Index,
    PubDate,
    QueryError,
    SearchRequest,
)


def _doc(doc_id: str, text: str = "Olaf Scholz traf in Baku den Präsidenten.") -> Document:
    return Document(id=doc_id, title=f"Bericht {doc_id}", body=text, published="2025-04")


def small_index(path: Path) -> Index:
    """Two enriched articles (Scholz in Baku, Erdoğan in Ankara)."""
    ix = Index(path, create=True)
    ix.add([_doc("a"), _doc("b", "Gipfel in Ankara mit Erdoğan.")], enrich=searchkit.enrich)
    return ix


@pytest.fixture()
def index(tmp_path: Path) -> Index:
    return small_index(tmp_path / "ix")


def test_reextract_without_an_enricher_is_refused_before_anything_changes(index: Index) -> None:
    before = index.get("a").entities
    assert before
    for enrich in (None, True, "searchkit.enrich"):
        with pytest.raises(ArgumentError, match="enrich must be a function"):
            index.reextract(enrich)  # type: ignore[arg-type]
    assert index.get("a").entities == before  # reextract(None) had erased every document's


def test_entities_dates_and_metadata_are_checked_when_the_document_is_made() -> None:
    assert Entity("Olaf Scholz", "person").type is EntityType.PERSON  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="type must be one of"):
        Entity("Baku", "ort")  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="entities must be Entity objects"):
        Document(id="x", body="Text", entities=["Merkel"])  # type: ignore[list-item]
    assert Document(id="x", body="Text", mentioned=["2024"]).mentioned == [PubDate.from_iso("2024")]  # type: ignore[list-item]
    with pytest.raises(DocumentError, match="mentioned"):
        Document(id="x", body="Text", mentioned=[2024])  # type: ignore[list-item]
    with pytest.raises(DocumentError, match="metadata must be JSON values"):
        Document(id="x", body="Text", metadata={"d": date(2025, 1, 1)})
    for bad in ([1], {"id": "x", "body": "t", "entities": [{"name": "Baku"}]}, {"id": "x", "body": "t", "published": "2025-13"}):
        with pytest.raises(DocumentError):
            Document.from_dict(bad)  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="JSON"):
        Document.from_json("{")


def test_an_enricher_that_fails_fails_its_document_alone(tmp_path: Path) -> None:
    ix = Index(tmp_path / "ix", create=True)

    def picky(doc: Document) -> Document | None:
        if doc.id == "bad":
            raise ValueError("kaputt")
        return None if doc.id == "none" else doc

    report = ix.add([_doc("ok"), _doc("bad", "Anderer Text."), _doc("none", "Dritter Text.")], enrich=picky)
    assert (report.added, report.failed, sorted(report.failed_ids)) == (1, 2, ["bad", "none"])
    assert any("ValueError: kaputt" in e for e in report.errors) and report.to_dict()["failed_ids"]
    assert ix.get("ok").id == "ok"
    with pytest.raises(ArgumentError):
        ix.add([_doc("c")], enrich=True)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="workers"):
        ix.add([_doc("c")], workers="2")  # type: ignore[arg-type]
    assert len(ix) == 1


def test_an_index_is_opened_with_arguments_it_can_use(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="lock_timeout"):
        Index(tmp_path / "ix", create=True, lock_timeout="x")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="path"):
        Index(5)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="empty"):
        Index("")
    with pytest.raises(searchkit.DateError):
        PubDate.from_iso(2025)  # type: ignore[arg-type]
    with pytest.raises(searchkit.IngestError):
        list(searchkit.read_paths(None))  # type: ignore[arg-type]
    ix = Index(tmp_path / "ix", create=True)
    assert repr(ix) == f"Index({str(tmp_path / 'ix')!r}, engine={ix.engine_name!r})"
    with pytest.raises(searchkit.IndexNotFoundError, match="create=True"):
        Index(tmp_path / "elsewhere")


def test_a_request_comes_alone_and_is_checked_when_it_is_searched(index: Index) -> None:
    assert index.search(SearchRequest(query="Baku")).total == index.search("Baku").total == 1
    with pytest.raises(QueryError, match="not both"):
        index.search("Gas", request=SearchRequest(query="Baku"))
    request = SearchRequest(query="Baku")
    request.per_page = 5000
    with pytest.raises(QueryError, match="per_page"):
        index.search(request=request)
    with pytest.raises(QueryError, match="today"):
        index.search("seit März", today="2025-05-01")
    assert index.search("seit März", today=datetime(2025, 5, 1, 12)).date_filter is not None
    with pytest.raises(QueryError, match="facet_size"):
        index.search("Baku", facet_size=True)
    result = index.search("Baku", filters={"year": ["2025"]})
    result.to_dict()["filters"]["year"].append("1999")
    assert result.request.filters == {"year": ["2025"]}  # the answer's copy, not the request


def test_counting_facets_takes_no_options_about_hits(index: Index) -> None:
    with pytest.raises(QueryError, match="facets\\(\\) counts documents.*per_page"):
        index.facets(per_page=5)
    with pytest.raises(QueryError, match="facet_values\\(\\) counts documents.*sort"):
        index.facet_values("place", "Ba", sort="date_asc")
    assert [f.name for f in index.facets(query="Baku")][:2] == ["year", "month"]


def test_the_package_ships_its_type_hints() -> None:
    assert (Path(searchkit.__file__).parent / "py.typed").exists()
    assert Index.search.__annotations__["return"] == "SearchResult"


def test_writing_to_a_read_only_index_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only folder (a read-only mount: root, as CI runs, may write anywhere else, hence
    the mocked lock file): ``add`` gave Whoosh's bare OSError; searching works there."""
    import errno

    import searchkit.engines.whoosh_engine as whoosh_engine

    ix = Index(tmp_path / "ix", create=True, engine="whoosh")

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(whoosh_engine, "_SegmentWriter", read_only)
    with pytest.raises(searchkit.IndexLockedError, match="read-only"):
        ix.add([_doc("a")])
    assert ix.search("Baku").total == 0


def test_hits_print_short_and_similar_documents_are_a_method(index: Index) -> None:
    hit = index.search("Baku").hits[0]
    assert repr(hit) == f"Hit(id='a', score={hit.score!r}, title='Bericht a')"
    from searchkit.similar import similar_documents

    assert [d.id for d in index.similar("a", limit=1)] == [d.id for d in similar_documents(index, "a", 1)]


def test_get_and_delete_agree_on_an_id_that_is_no_string(index: Index) -> None:
    for call in (index.get, index.delete):
        with pytest.raises(DocumentError, match="ids are strings"):
            call(7)  # type: ignore[arg-type]
    assert len(index) == 2


def test_a_copy_of_a_document_that_failed_fails_with_it(tmp_path: Path) -> None:
    """A review: the second of two documents with the same content was skipped as a duplicate
    of the first, whose enrichment failed: neither was stored, and the report said "duplicate"."""
    ix = Index(tmp_path / "ix", create=True)

    def broken(doc: Document) -> Document:
        raise RuntimeError("Modell fehlt")

    text = "Ein Text über Berlin."
    report = ix.add([Document(id="x1", title="Hallo", body=text), Document(id="x2", title="Hallo", body=text)], enrich=broken)
    assert (report.added, report.skipped, report.failed, report.duplicates) == (0, 0, 2, {})
    assert sorted(report.failed_ids) == ["x1", "x2"] and "same content as x1" in report.errors[-1]
    assert len(ix) == 0
    stored = ix.add([Document(id="x1", title="Hallo", body=text), Document(id="x2", title="Hallo", body=text)])
    assert (stored.added, stored.skipped, stored.duplicates) == (1, 1, {"x2": "x1"})  # a plain copy stays one


def test_facets_of_a_whole_request_and_similar_checks_its_arguments(index: Index) -> None:
    request = SearchRequest(query="Baku")
    assert [f.name for f in index.facets(request=request)] == [f.name for f in index.facets(query="Baku")]
    with pytest.raises(DocumentError, match="ids are strings"):
        index.similar(7)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="limit"):
        index.similar("a", limit=True)


@pytest.mark.parametrize(("options", "message"), [
    ({"per_page": "10"}, "per_page must be an integer between 0 and 100, not '10' (str)"),
    ({"page": "2"}, "page must be a positive integer, not '2' (str)"),
    ({"facet_size": 2.5}, "facet_size must be an integer between 1 and 1000, not 2.5 (float)"),
    ({"per_page": 500}, "per_page must be an integer between 0 and 100"),
])
def test_an_option_of_the_wrong_type_is_named_with_its_type(options: dict, message: str) -> None:  # type: ignore[type-arg]
    """Found by a review: ``per_page="10"`` was told "must be between 0 and 100", which 10 is."""
    from searchkit.request import SearchRequest

    with pytest.raises(searchkit.QueryError) as raised:
        SearchRequest("Baku", **options)
    assert str(raised.value) == message


def test_the_last_page_counted_is_one_a_request_may_ask_for() -> None:
    """Found by a review: 10,000 hits at 30 a page counted 334 pages, and page 334 (positions
    up to 10,020) is refused as beyond the result depth."""
    from searchkit.request import MAX_RESULT_DEPTH, SearchRequest, SearchResult

    def pages(total: int, per_page: int) -> int:
        return SearchResult(request=SearchRequest("x", per_page=per_page), total=total, hits=[], facets=[],
                            took_ms=0.0, query_text="x", operator="and").pages

    assert pages(12_345, 30) == MAX_RESULT_DEPTH // 30 == 333
    SearchRequest("x", page=333, per_page=30)  # allowed
    with pytest.raises(searchkit.QueryError):
        SearchRequest("x", page=334, per_page=30)
    assert pages(95, 10) == 10 and pages(0, 10) == 1 and pages(10_000, 10) == 1000
