"""Regression tests of a review (December 7th): a hyphenated wildcard with a bare star
("Corona-*", "EU-*") on a large index, the German facet names as filter names, and the facet
and spelling arrays an index shares between its searches, which callers must not change."""

from __future__ import annotations

import numpy as np
import pytest

import searchkit.parsing
from searchkit import Document, Entity, EntityType, Index, PubDate, QueryError
from searchkit.request import FILTER_NAMES, SearchRequest, request_from_params, request_to_params

pytestmark = pytest.mark.usefixtures("engine")


def make(doc_id: str, body: str, date: str = "2025-04", places: tuple[str, ...] = ()) -> Document:
    return Document(
        id=doc_id, title=f"Meldung {doc_id}", body=body, published=PubDate.from_iso(date),
        entities=[Entity(p, EntityType.PLACE) for p in places],
    )


def found(index: Index, text: str) -> set[str]:
    return {hit.document.id for hit in index.search(text, per_page=100).hits}


# -- 1. "Corona-*", "EU-*" ----------------------------------------------------------------------
HYPHENATED = [
    make("pandemie", "Die Corona-Pandemie ist vorbei."),
    make("krise", "Die Corona-Krise trifft den Handel."),
    make("hilfen", "Corona-Hilfen werden zurückgefordert."),
    make("bilanz", "Die Corona-Pandemie-Bilanz fällt gemischt aus."),
    make("viren", "Die Coronaviren mutieren weiter."),
    make("kommission", "Die EU-Kommission legt einen Plan vor."),
    make("staaten", "Die EU-Staaten streiten über Geld."),
    make("europa", "Europa wählt ein neues Parlament."),
    # "Rose" spelled after "EU-" is "EU-Rose", whose index word is "euro"
    make("euro", "Der Euro steigt, eine Rose blüht."),
    make("experten", "Experten warnen vor Hitze."),
    # "Akte" spelled after "Ex-" is "Ex-Akte", whose index word is "exakt"
    make("exakt", "Die Akte wurde exakt geprüft."),
    make("praesident", "Der Ex-Präsident schweigt."),
    # the stemmer reads "ae" as "ä": the index word of "Israel-Reise" is isralreis
    make("israel", "Die Israel-Reise des Ministers beginnt."),
]


@pytest.fixture
def hyphenated(fresh_index: Index, monkeypatch: pytest.MonkeyPatch) -> Index:
    """An index whose vocabulary is "large": more words than a wildcard may stand for."""
    fresh_index.add(HYPHENATED)
    monkeypatch.setattr(searchkit.parsing, "MAX_EXPANSION", 6)
    assert len(fresh_index.spelling()) > searchkit.parsing.MAX_EXPANSION
    return fresh_index


def test_a_hyphenated_bare_star_finds_the_hyphenated_words_on_a_large_index(hyphenated: Index) -> None:
    """Found by a review: "Corona-*" and "EU-*" were a QueryError ("too many words") on a large
    index, the bare star spelling every word of the vocabulary. They are the hyphenated words
    that begin so: not "Europa", "Euro", "Experten" or "exakt", whose index words begin with
    the same letters, nor the closed "Coronaviren"."""
    assert found(hyphenated, "Corona-*") == {"pandemie", "krise", "hilfen", "bilanz"}
    assert found(hyphenated, "corona-*") == found(hyphenated, "Corona-**") == found(hyphenated, "Corona-*")
    assert found(hyphenated, "EU-*") == {"kommission", "staaten"}
    assert found(hyphenated, "Ex-*") == {"praesident"}
    assert found(hyphenated, "Corona-Pandemie-*") == {"bilanz"}
    assert found(hyphenated, "Israel-*") == {"israel"}
    assert found(hyphenated, "Corona-* AND Handel") == {"krise"}
    hit = hyphenated.search("Corona-*", sort="date_asc", per_page=100).hits
    assert any(">Corona-Krise</mark>" in h.snippet_html for h in hit)


def test_the_other_hyphenated_wildcards_keep_their_behaviour_on_a_large_index(hyphenated: Index) -> None:
    """Patterns with letters in the last piece spell the words of the texts as before; a piece
    of too many words stays a QueryError, and so does a star after a head that begins more index
    words than a wildcard may stand for."""
    assert found(hyphenated, "Corona-P?ndemie") == found(hyphenated, "Corona-Pand*mie") == {"pandemie"}
    assert found(hyphenated, "EU-Kom*") == {"kommission"}
    for pattern in ("*-Krise", "E-*"):
        with pytest.raises(QueryError, match="matches more than 6 words"):
            hyphenated.search(pattern)


def test_a_hyphenated_star_without_an_index_is_only_syntax() -> None:
    """``operator_reading`` parses without an index: a hyphenated wildcard there was a
    QueryError ("matches more than 2000 words"), so "Corona-* ODER Gas" was offered no
    reading with OR."""
    assert searchkit.parsing.parse_query(None, "Corona-* OR Gas", "and") is not None
    assert searchkit.parsing.parse_query(None, "Corona-P?ndemie", "and") is not None


# -- 2. German filter names ---------------------------------------------------------------------
def test_filters_take_the_german_facet_names_of_the_query_language() -> None:
    """Found by a review: ``filters={"ort": [...]}`` was refused, listing only the English
    names, while ``ort:Berlin`` works in the query. A request keeps the facet's own name, so
    that links, ``to_dict`` and caches see one form; two names of one facet are one filter."""
    request = SearchRequest(filters={
        "ort": ["Berlin"], "place": ["Baku", "Berlin"], "Jahr": "2025", "monat": ["2025-03"],
        "personen": ["Olaf Scholz"], "org": ["NATO"], "organisationen": ["UNO"],
    })
    assert request.filters == {
        "place": ["Berlin", "Baku"], "year": ["2025"], "month": ["2025-03"],
        "person": ["Olaf Scholz"], "organisation": ["NATO", "UNO"],
    }
    assert request_to_params(request)["place"] == ["Berlin", "Baku"]
    assert SearchRequest(filters={"ort": ["Berlin"]}) == SearchRequest(filters={"place": ["Berlin"]})
    # every German name of a facet field in the query language is a filter name
    for alias, field in searchkit.parsing.FIELD_ALIASES.items():
        if field in FILTER_NAMES.values():
            assert FILTER_NAMES[alias] == field
    with pytest.raises(QueryError, match="'jahr' takes values such as '2025'|'year' takes values"):
        SearchRequest(filters={"jahr": ["März"]})
    with pytest.raises(QueryError, match="at most 50 values"):
        SearchRequest(filters={"ort": [f"a{i}" for i in range(30)], "place": [f"b{i}" for i in range(30)]})


def test_an_unknown_filter_name_lists_the_names_accepted() -> None:
    with pytest.raises(QueryError) as error:
        SearchRequest(filters={"stadt": ["Berlin"]})
    for name in ("place", "year", "organisation", "ort", "jahr", "org"):
        assert name in str(error.value) and name in error.value.german
    with pytest.raises(QueryError, match="unknown filter 3"):
        SearchRequest(filters={3: ["Berlin"]})  # type: ignore[dict-item]
    # URL parameters take the German names too, kept under the facet's own name, in the
    # facets' order; a name that is no filter stays an error that lists them
    assert request_from_params({"ort": ["Berlin"]}).filters == {"place": ["Berlin"]}
    assert request_from_params({"Ort": ["Berlin"], "jahr": ["2025"], "place": ["Baku"]}).filters == {
        "year": ["2025"], "place": ["Berlin", "Baku"]}
    with pytest.raises(QueryError, match="unknown parameter.*German names: .*ort") as unknown:
        request_from_params({"stadt": ["Berlin"]})
    assert "stadt" in unknown.value.german


def test_index_search_filters_by_german_facet_names(fresh_index: Index) -> None:
    fresh_index.add([
        make("berlin", "Streik in der Hauptstadt.", "2025-03", places=("Berlin",)),
        make("baku", "Gipfel am Kaspischen Meer.", "2024-05", places=("Baku",)),
    ])
    german = fresh_index.search(filters={"ort": ["Berlin"]})
    english = fresh_index.search(filters={"place": ["Berlin"]})
    assert [h.document.id for h in german.hits] == [h.document.id for h in english.hits] == ["berlin"]
    assert german.to_dict()["filters"] == english.to_dict()["filters"] == {"place": ["Berlin"]}
    assert [h.document.id for h in fresh_index.search(filters={"jahr": "2024"}).hits] == ["baku"]
    facets = {f.name: f for f in fresh_index.facets(filters={"Ort": ["Baku"]})}
    assert [v.value for v in facets["place"].results if v.selected] == ["Baku"]


# -- 3. the shared arrays are read-only ---------------------------------------------------------
def _facet_arrays(index: Index) -> dict[str, np.ndarray]:
    data = index.facet_data()
    arrays = {"live": data.live, "pub_start": data.pub_start, "pub_end": data.pub_end}
    for name, facet in data.fields.items():
        arrays[f"{name}.entry_doc"] = facet.entry_doc
        arrays[f"{name}.entry_value"] = facet.entry_value
        if facet._by_doc_value is not None and facet._doc_start is not None:
            arrays[f"{name}._by_doc_value"] = facet._by_doc_value
            arrays[f"{name}._doc_start"] = facet._doc_start
    return arrays


def test_the_facet_and_spelling_arrays_of_an_index_refuse_writes(fresh_index: Index) -> None:
    """Found by a review: ``index.facet_data()`` and ``index.spelling()`` hand out the index's
    own arrays ("read them, never change them"), and ``data.live[0] = False`` changed the facet
    counts of every later search in silence. Writes now raise; lists are tuples."""
    fresh_index.add([
        make(f"d{i}", f"Gipfel in Baku, Runde {i}.", f"2025-0{1 + i % 3}", places=("Baku",)) for i in range(6)
    ] + [make("berlin", "Streik in Berlin.", "2024-11", places=("Berlin",))])
    before = fresh_index.search("Gipfel", filters={"ort": ["Baku"]}).to_dict()["facets"]
    # a narrow search reads the values document by document (the arrays built on first use)
    fresh_index.search("Streik")
    for index in (fresh_index, Index(fresh_index.path)):  # built, and loaded from its file
        arrays = _facet_arrays(index)
        assert len(arrays) > 3
        for name, array in arrays.items():
            with pytest.raises(ValueError, match="read-only"):
                array[:1] = 5
            assert not array.flags.writeable, name
        data = index.facet_data()
        assert isinstance(data.fields["place"].values, tuple)
        assert isinstance(data.fields["place"].aliases(0), tuple)
        vocabulary = index.spelling()
        assert isinstance(vocabulary.words, tuple)
        with pytest.raises(ValueError, match="read-only"):
            vocabulary.counts[0] = 5
        assert vocabulary.frequency("gipfel") == 6
    assert fresh_index.search("Gipfel", filters={"ort": ["Baku"]}).to_dict()["facets"] == before


def test_a_commit_after_the_arrays_were_shared_still_works(fresh_index: Index) -> None:
    """The writer starts from the shared vocabulary (``Vocabulary.updated``) and the next
    generation's facet arrays are built anew: neither writes into the read-only ones."""
    fresh_index.add([make("a", "Gipfel in Baku.", places=("Baku",))])
    assert fresh_index.spelling().frequency("gipfel") == 1 and fresh_index.facet_data().doc_count >= 1
    fresh_index.add([make("b", "Noch ein Gipfel.", places=("Baku",))])
    fresh_index.delete("a")
    assert fresh_index.spelling().frequency("gipfel") == 1
    places = {facet.name: facet for facet in fresh_index.facets()}["place"]
    assert [(v.value, v.count) for v in places.results] == [("Baku", 1)]


def test_facet_values_and_the_entity_page_take_the_german_facet_names(demo_index: Index) -> None:
    assert demo_index.facet_values("ort", "Ber") == demo_index.facet_values("place", "Ber")
    assert demo_index.facet_values("Ort", "Ber")[0].label == "Berlin"
    assert demo_index.entity("ort", "Berlin").to_dict() == demo_index.entity("place", "Berlin").to_dict()
    with pytest.raises(QueryError, match="unknown facet 'stadt'.*ort"):
        demo_index.facet_values("stadt", "Ber")
    with pytest.raises(QueryError, match="not an entity facet"):
        demo_index.entity("jahr", "2025")


def test_a_star_after_stop_words_finds_nothing_rather_than_too_many_words(demo_index: Index) -> None:
    # on any index, "Die-*" was a QueryError of more than 2000 words (a review)
    for text in ("Die-*", "der-*", "und-*"):
        assert demo_index.search(text).total == 0
