"""A review of the library API (December 7, second round): documents that skipped their checks,
enrichers' output, relative date bounds, raw errors, documents without text, error messages that
repeated a megabyte, foreign tantivy indexes, and smaller inconsistencies. Each test failed
before its fix."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import searchkit
from searchkit import (
    ArgumentError,
    Document,
    DocumentError,
    DocumentNotFoundError,
    Entity,
    Index,
    IndexVersionError,
    QueryError,
    SearchkitError,
    model,
)
from searchkit.request import request_from_params
from tests.test_library_api import _doc, small_index


@pytest.fixture()
def index(tmp_path: Path) -> Index:
    return small_index(tmp_path / "ix")


# -- 1: documents that skipped their checks -------------------------------------------------------


def test_with_changes_checks_the_fields_it_changes() -> None:
    doc = Document(id="n", title="Nashorn", body="Ein Nashorn.")
    for bad_id in (None, 5, "", "x/../y", "a\tb"):
        with pytest.raises(DocumentError):
            doc.with_changes(id=bad_id)
    with pytest.raises(DocumentError, match="title must be a string"):
        doc.with_changes(id="a", title=5)
    with pytest.raises(DocumentError, match="entities must be Entity objects"):
        doc.with_changes(entities=["Merz"])
    with pytest.raises(DocumentError, match="mentioned"):
        doc.with_changes(mentioned=[2024])
    with pytest.raises(DocumentError, match="metadata must be JSON values"):
        doc.with_changes(metadata={"day": datetime.date(2025, 1, 1)})
    with pytest.raises(DocumentError, match="published"):
        doc.with_changes(published=2025)
    with pytest.raises(ArgumentError, match="no field 'tittle'"):
        doc.with_changes(tittle="Nashorn")
    changed = doc.with_changes(id="Mu\u0308ller", mentioned=["2024"], published="2025-03")
    assert changed.id == "Müller" and changed.mentioned == [model.PubDate.from_iso("2024")]
    assert changed.published == model.PubDate.from_iso("2025-03") and doc.id == "n"


def test_with_changes_keeps_an_id_stored_before_its_check_existed() -> None:
    """``reextract`` copies stored documents with new entities: their ids are not checked again."""
    stored = Document.from_stored(Document(id="ok", title="Alt", body="Text.").to_json().replace('"ok"', '"feed/../x"', 1))
    assert stored.id == "feed/../x"
    assert stored.with_changes(entities=[Entity("Olaf Scholz", "person")], mentioned=[]).id == "feed/../x"  # type: ignore[arg-type]
    assert stored.with_changes(id="feed/../x").id == "feed/../x"


def test_add_refuses_a_document_whose_attributes_were_assigned_before_anything_is_written(index: Index) -> None:
    before = len(index)
    cases = [("id", None), ("id", 5), ("id", "x/../y"), ("id", ""), ("title", 5), ("entities", ["Merz"]),
             ("entities", None), ("mentioned", ["2024"]), ("published", "2025"), ("metadata", None)]
    for name, value in cases:
        doc = _doc("neu", "Ein Nashorn im Zoo von Leipzig.")
        setattr(doc, name, value)
        with pytest.raises(DocumentError, match="item 1 given to Index.add") as caught:
            index.add([_doc("gut", "Ein Pelikan in Dresden."), doc])
        assert "nothing was added" in str(caught.value), name
    assert len(index) == before and "gut" not in index and "None" not in index


# -- 2: an enricher's output ----------------------------------------------------------------------


def test_an_enricher_that_changes_the_id_fails_its_document_alone(index: Index) -> None:
    report = index.add([_doc("rev-dupid", "Ein Pelikan."), _doc("c", "Ein Storch.")],
                       enrich=lambda d: d.with_changes(id="a") if d.id == "rev-dupid" else d)
    assert (report.added, report.failed, report.failed_ids) == (1, 1, ["rev-dupid"])
    assert "must keep the id" in report.errors[0]
    assert [d.id for d in index.documents()].count("a") == 1 and "rev-dupid" not in index
    assert index.get("a").body == "Olaf Scholz traf in Baku den Präsidenten."


def test_an_enricher_that_returns_an_invalid_document_fails_it_alone(index: Index) -> None:
    def assigned(doc: Document) -> Document:
        doc = doc.with_changes()
        doc.entities = ["Merz"]  # type: ignore[list-item]
        return doc

    for enrich in (lambda d: d.with_changes(entities=["x"]), assigned):
        report = index.add([_doc("d", "Ein Kranich.")], enrich=enrich)
        assert (report.added, report.failed, report.failed_ids) == (0, 1, ["d"])
        assert "entities must" in report.errors[0] and "d" not in index


def test_reextract_fails_a_document_its_enricher_breaks_and_keeps_it(index: Index) -> None:
    before = {d.id: d.to_json() for d in index.documents()}
    for enrich in (lambda d: d.with_changes(entities=["x"]), lambda d: d.with_changes(id=d.id + "-neu")):
        report = index.reextract(enrich)
        assert report.failed == 2 and sorted(report.failed_ids) == ["a", "b"]
        assert {d.id: d.to_json() for d in index.documents()} == before


# -- 3: relative date bounds ----------------------------------------------------------------------


def test_a_relative_date_bound_counts_from_the_requests_today(index: Index) -> None:
    today = datetime.date(2026, 8, 21)
    result = index.search("Scholz", date_from="gestern", today=today)
    assert result.date_filter is not None and result.date_filter.start == model.PubDate.from_iso("2026-08-20")
    request = searchkit.SearchRequest(date_to="letzte Woche", today=today)
    assert request.date_to is not None and request.date_to.end() < today


# -- 4: raw errors instead of SearchkitError ------------------------------------------------------


def test_bad_index_paths_are_argument_errors(tmp_path: Path) -> None:
    a_file = tmp_path / "f"
    a_file.write_text("kein Ordner", encoding="utf-8")
    for call in (lambda: Index("x" * 300), lambda: Index(tmp_path / ("x" * 300), create=True),
                 lambda: Index(a_file / "sub", create=True), lambda: Index(str(tmp_path / "a\x00b")),
                 lambda: Index(str(tmp_path / "a\x00b"), create=True), lambda: Index.rebuild(5),  # type: ignore[arg-type]
                 lambda: Index.rebuild(str(tmp_path / "a\x00b"))):
        with pytest.raises(ArgumentError):
            call()
    with pytest.raises(ArgumentError, match="Not a directory"):
        Index(a_file / "sub", create=True)
    assert a_file.read_text(encoding="utf-8") == "kein Ordner"


def test_reading_paths_that_are_no_paths_is_an_argument_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Titel\n\nEin Text.", encoding="utf-8")
    for call in (lambda: list(searchkit.read_paths([None])), lambda: list(searchkit.read_paths([5])),  # type: ignore[list-item]
                 lambda: list(searchkit.read_paths([tmp_path / "a.txt", None])),  # type: ignore[list-item]
                 lambda: list(searchkit.read_file(None))):  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="a path to read is a string or a path"):
            call()


def test_enrich_and_document_fields_of_the_wrong_type_are_document_errors() -> None:
    for value in (None, "text", {"id": "a"}):
        with pytest.raises(DocumentError, match="enrich takes a Document"):
            searchkit.enrich(value)  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="entities must be a list"):
        Document(id="a", title="x", entities=None)  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="mentioned must be a list"):
        Document(id="a", title="x", mentioned=None)  # type: ignore[arg-type]
    assert Document(id="a", title="x", entities=(Entity("Baku", "place"),)).entities == [Entity("Baku", "place")]  # type: ignore[arg-type]


# -- 5: documents without text --------------------------------------------------------------------


def test_a_document_without_text_fails_alone(index: Index) -> None:
    outcomes: list[tuple[str, str]] = []
    report = index.add([Document(id="leer"), Document(id="leer2", title="  ", body="\n"), _doc("c", "Ein Storch.")],
                       on_document=lambda doc, outcome: outcomes.append((doc.id, outcome)))
    assert (report.added, report.skipped, report.failed) == (1, 0, 2)
    assert report.failed_ids == ["leer", "leer2"] and report.errors[0] == "leer: no text (a document needs a title, lead or body)"
    assert "leer" not in index and "c" in index and ("leer", "failed") in outcomes
    assert index.add([Document(id="nur-titel", title="Nashorn")]).added == 1


# -- 6: error messages that repeated the whole input ----------------------------------------------


def test_error_messages_show_only_the_start_of_a_long_value(index: Index) -> None:
    big = "x" * 10**6
    calls = [
        lambda: index.get(big), lambda: index.similar(big), lambda: index.delete(big), lambda: index.delete("a", big),
        lambda: index.entity("person", big), lambda: index.entity(big, "Scholz"),
        lambda: index.search(filters={big: ["a"]}), lambda: index.search(filters={"year": [big]}),
        lambda: index.search(date_from=big), lambda: index.search(date_to=big), lambda: index.facet_values(big, "a"),
        lambda: index.search(per_page=big), lambda: index.search(today=big), lambda: index.search(**{big: 1}),
        lambda: request_from_params({"page": [big]}), lambda: request_from_params({big: ["1"]}),
        lambda: Document(id=big), lambda: Document(id="a", title="x", published=big),
        lambda: Document(id="a", title="x", entities=[big]),
    ]
    for position, call in enumerate(calls):
        with pytest.raises(SearchkitError) as caught:
            call()
        error = caught.value
        assert len(str(error)) < 600 and len(error.german or "") < 600, (position, str(error)[:200])
        assert "x" * 100 + "…" in str(error) + (error.german or ""), position
    assert "a" in index  # delete("a", big) deleted nothing


def test_one_helper_cuts_values_for_messages() -> None:
    from searchkit.errors import SHOWN_CHARS, clipped, shown

    assert shown("kurz") == "'kurz'" and clipped("kurz") == "kurz"
    assert shown("y" * 500) == repr("y" * SHOWN_CHARS + "…") and len(shown(list(range(10**4)))) == SHOWN_CHARS + 1


# -- 7: a tantivy index that searchkit did not write ----------------------------------------------


def test_a_foreign_tantivy_index_is_named_and_can_be_rebuilt(tmp_path: Path) -> None:
    tantivy = pytest.importorskip("tantivy")
    path = tmp_path / "fremd"
    path.mkdir()
    tantivy.Index(tantivy.SchemaBuilder().add_text_field("t").build(), path=str(path))
    for create in (False, True):
        with pytest.raises(IndexVersionError, match="holds a tantivy index that searchkit did not write: rebuild it"):
            Index(path, create=create)
    rebuilt = Index.rebuild(path)  # what the message advises (`searchkit index … --rebuild`)
    assert len(rebuilt) == 0
    assert rebuilt.add([_doc("a")]).added == 1


# -- 8: smaller ones ------------------------------------------------------------------------------


def test_a_result_names_its_facets_in_german_too(index: Index) -> None:
    result = index.search("", facet_size=5)
    assert result.facet("ort") is result.facet("place") is not None
    assert result.facet("Jahr") is result.facet("year") is not None
    assert result.facet("stadt") is None


def test_info_and_facet_values_name_the_arguments_they_take(index: Index) -> None:
    with pytest.raises(QueryError, match="^top must be"):
        index.info(top=0)
    assert index.info(top=1)["documents"] == 2
    with pytest.raises(QueryError, match="unknown search option") as caught:
        index.facet_values("person", "a", foo=1)
    known = str(caught.value).split("known: ")[1].split(", ")
    assert "filters" in known and not {"page", "per_page", "sort", "highlight", "facets"} & set(known)
    with pytest.raises(QueryError, match="unknown search option"):
        index.facets(foo=1)
    assert index.facets(query="Baku", request=None) is not None


def test_the_name_of_an_entity_must_be_a_string(index: Index) -> None:
    for name in (None, 5):
        with pytest.raises(QueryError, match="the name of a person must be a string"):
            index.entity("person", name)  # type: ignore[arg-type]
    with pytest.raises(DocumentNotFoundError):
        index.entity("person", "")


def test_an_empty_filter_value_is_refused_and_an_empty_url_parameter_is_no_filter(index: Index) -> None:
    for values in ([""], ["  "], ["Baku", ""]):
        with pytest.raises(QueryError, match="takes no empty value") as caught:
            index.search(filters={"place": values})
        assert caught.value.german
    with pytest.raises(QueryError):
        index.search(filters={"ort": [""]})
    assert request_from_params({"place": [""]}).filters == {}  # ``?place=`` as a form sends it
    assert index.search(filters={"place": ["Baku"]}).total == 1


def test_create_is_a_bool_and_alias_file_errors_are_exported(tmp_path: Path) -> None:
    for value in ("no", 1, None):
        with pytest.raises(ArgumentError, match="create must be True or False"):
            Index(tmp_path / "neu", create=value)  # type: ignore[arg-type]
    assert not (tmp_path / "neu").exists()
    assert searchkit.AliasFileError is searchkit.entities.aliases.AliasFileError
    assert issubclass(searchkit.AliasFileError, SearchkitError) and "AliasFileError" in searchkit.__all__


def test_similar_and_date_parsing_cut_long_values_too(index: Index) -> None:
    """``similar_documents`` (which the API calls) and ``parse_date_bound`` had messages of their
    own that repeated all of a long value."""
    from searchkit.dates import parse_date_bound
    from searchkit.errors import DateError
    from searchkit.similar import similar_documents

    big = "x" * 10**5
    with pytest.raises(DocumentNotFoundError) as missing:
        similar_documents(index, big)
    with pytest.raises(DateError) as undated:
        parse_date_bound(big)
    for error in (missing.value, undated.value):
        assert len(str(error)) < 400 and len(getattr(error, "german", "") or "") < 400


def test_a_document_read_back_keeps_an_id_stored_before_its_check_existed(index: Index) -> None:
    """``add`` checks the ids of the documents it is given; one the index holds already (stored
    by an older version, before the rule against "." segments) is written back under it, as
    ``with_changes`` keeps it (a review of the check found the batch refused)."""
    legacy = _doc("x")
    legacy.id = "a/./b"
    index._add([legacy], exact=True)  # as ``migrate`` copies an older index's documents
    stored = index.get("a/./b")
    report = index.add([stored.with_changes(title="Neu")])
    assert report.updated == 1 and index.get("a/./b").title == "Neu"
    fresh = _doc("y")
    fresh.id = "c/./d"  # not in the index: refused as before
    with pytest.raises(DocumentError, match="path segment"):
        index.add([fresh])
