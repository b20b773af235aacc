"""Names of places and organisations in the nominative, as the facet shows them."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import searchkit.nominative
from searchkit import Document, Entity, EntityType, Index
from searchkit.nominative import nominative


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Auswärtigen Amt", "Auswärtiges Amt"),  # neuter: -es
        ("Deutschen Bundestag", "Deutscher Bundestag"),  # masculine: -er
        ("Europäischen Zentralbank", "Europäische Zentralbank"),  # feminine: -e, compound by its last part
        ("Vereinigten Arabischen Emiraten", "Vereinigte Arabische Emirate"),  # dative plural
        ("Statistischen Bundesamts", "Statistisches Bundesamt"),  # genitive head
        ("Islamischen Staates", "Islamischer Staat"),
        ("Europäische Parlament", "Europäisches Parlament"),  # weak nominative after "das"
        ("Deutschen Instituts für Wirtschaftsforschung", "Deutsches Institut für Wirtschaftsforschung"),
        ("Frankfurter Allgemeinen Zeitung", "Frankfurter Allgemeine Zeitung"),  # "Frankfurter" does not decline
        ("Freien Universität Berlin", "Freie Universität Berlin"),  # a place after the head stays
        ("Deutschen Presse-Agentur", "Deutsche Presse-Agentur"),  # hyphenated: by the last part
        ("Nahen Osten", "Naher Osten"),
        ("Balkans", "Balkan"), ("Niederlanden", "Niederlande"), ("Bodensees", "Bodensee"),  # one-word place names
    ],
)
def test_declined_names_are_shown_in_the_nominative(written: str, shown: str) -> None:
    assert nominative(written) == shown
    assert nominative(shown) == shown


@pytest.mark.parametrize(
    "name",
    [
        "Deutsche Fußball Liga",  # a noun after "Fußball": the head is not the word after the adjective
        "Raiffeisen Bank",  # no adjective
        "Goldenen Bären",  # "Bären": a case of "Bär" and its plural
        "Deutschen Gewerkschaftsbund",  # "Bund": der and das
        "Alternative für Deutschland",  # no noun after the adjective
        "Grünen", "Hamburger SV", "Europäische Union", "Regale Nord",
        "Aalen", "Bergen", "Wales", "Reuters",  # towns and names, not cases of "Aal", "Berg", "Wal", "Reuter"
    ],
)
def test_names_the_table_cannot_decide_stay_as_written(name: str) -> None:
    assert nominative(name) == name


def test_module_examples() -> None:
    assert doctest.testmod(searchkit.nominative).failed == 0


@given(st.text(max_size=60))
def test_any_text_gives_a_name_of_as_many_words(text: str) -> None:
    shown = nominative(text)
    assert len(shown.split()) == len(text.split()) or shown == text
    assert nominative(shown) == shown


def test_the_facet_shows_the_nominative_and_finds_the_value_by_it(fresh_index: Index) -> None:
    def doc(doc_id: str, *orgs: str) -> Document:
        return Document(id=doc_id, title=f"Meldung {doc_id}", body="Ein kurzer Text.",
                        entities=[Entity(o, EntityType.ORGANISATION) for o in orgs])

    fresh_index.add([doc("a", "Auswärtigen Amt"), doc("b", "Auswärtigen Amts"), doc("c", "Deutschen Bundestag")])
    result = fresh_index.search("")
    orgs = {v.label: v.count for v in result.facet("organisation").results}
    assert orgs == {"Auswärtiges Amt": 2, "Deutscher Bundestag": 1}
    for name in ("Auswärtiges Amt", "Auswärtigen Amt", "auswärtigen amts"):
        found = fresh_index.search("", filters={"organisation": [name]})
        assert {h.document.id for h in found.hits} == {"a", "b"}
        assert found.request.filters == {"organisation": ["Auswärtiges Amt"]}
    assert fresh_index.entity("organisation", "Auswärtiges Amt").count == 2
    assert [v.label for v in fresh_index.facet_values("organisation", "auswärtiges")] == ["Auswärtiges Amt"]


def test_a_document_names_its_entities_as_the_facets_do(fresh_index: Index) -> None:
    orgs = ("Europäische Union", "EU", "Auswärtigen Amt", "Unbekannt")
    fresh_index.add([Document(id="a", title="A", body="Text.",
                              entities=[Entity(o, EntityType.ORGANISATION) for o in orgs])])
    names = [e.name for e in fresh_index.entity_names(fresh_index.get("a"))]
    assert names == ["Europäische Union", "Auswärtiges Amt", "Unbekannt"]


def test_two_values_with_one_nominative_are_one_value(fresh_index: Index) -> None:
    def doc(doc_id: str, *places: str) -> Document:
        return Document(id=doc_id, title=f"Meldung {doc_id}", body="Ein kurzer Text.",
                        entities=[Entity(p, EntityType.PLACE) for p in places])

    # single words join only their genitive, so these were two values both shown "Niederlande"
    fresh_index.add([doc("a", "Niederlande"), doc("b", "Niederlanden"), doc("c", "Niederlande", "Niederlanden")])
    places = fresh_index.search("").facet("place").results
    assert [(v.label, v.count) for v in places] == [("Niederlande", 3)]
    for name in ("Niederlande", "Niederlanden"):
        assert fresh_index.search("", filters={"place": [name]}).total == 3
    assert fresh_index.entity("place", "Niederlande").count == 3


def test_a_name_with_a_comma_is_found_as_indexed(fresh_index: Index) -> None:
    # the index separates values by commas: "1:42,610" is indexed as "1:42 610"
    fresh_index.add([Document(id="a", title="A", body="Text.",
                              entities=[Entity("Force India 1:42,610", EntityType.ORGANISATION)])])
    [entity] = fresh_index.entity_names(fresh_index.get("a"))
    assert fresh_index.entity("organisation", entity.name).count == 1
    assert fresh_index.search("", filters={"organisation": ["Force India 1:42,610"]}).total == 1


def test_a_name_with_a_colon_is_found_by_field_syntax(fresh_index: Index) -> None:
    fresh_index.add([Document(id="a", title="A", body="Text.",
                              entities=[Entity("4:2 Toronto Maple Leafs", EntityType.ORGANISATION),
                                        Entity("NHL", EntityType.ORGANISATION)])])
    assert fresh_index.search('organisation:"4:2 Toronto Maple Leafs"').total == 1
    assert fresh_index.search('organisation:"4:2 Toronto Maple Leafs" organisation:NHL').total == 1
