"""Merges of facet values across articles found by the review of 5,188 real articles: an
organisation with its legal form counts for the organisation without it ("Deutsche Bahn AG",
"Deutsche Bahn"); a person's first name alone stays apart from the full names it is a word of
(the rule was measured and rejected: see docs/entities.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from searchkit import Document, Entity, EntityType, Index, PubDate
from searchkit.facets import _merge_legal_forms, without_legal_form


def _article(doc_id: str, people: Sequence[str] = (), places: Sequence[str] = (),
             organisations: Sequence[str] = ()) -> Document:
    entities = [Entity(p, EntityType.PERSON) for p in people] + [Entity(p, EntityType.PLACE) for p in places]
    entities += [Entity(o, EntityType.ORGANISATION) for o in organisations]
    return Document(id=doc_id, title=f"Artikel {doc_id}", body="Ein Text.", entities=entities,
                    published=PubDate.from_iso("2025-05"))


def _counts(index: Index, facet: str) -> dict[str, int]:
    result = index.search("", facet_size=50, per_page=0).facet(facet)
    assert result is not None
    return {v.label: v.count for v in result.results}


def test_an_organisation_with_its_legal_form_counts_for_the_name_without(fresh_index: Index) -> None:
    """Found by a review (2026-12-07): "Deutsche Bahn AG" stood apart from "Deutsche Bahn". The
    form of more documents is shown ("Casinos Austria AG" where more articles write it so); a
    declined name with its legal form joins the nominative ("Deutschen Bahn AG")."""
    organisations = [
        ["Deutsche Bahn"], ["Deutsche Bahn"], ["Deutsche Bahn AG"], ["Deutsche Bahn", "Deutsche Bahn AG"],
        ["Deutschen Bahn AG"], ["Casinos Austria AG"], ["Casinos Austria AG"], ["Casinos Austria"],
        ["Henkel AG & Co. KGaA"], ["Henkel"], ["ADAC e.V."], ["ADAC"], ["ADAC"],
    ]
    fresh_index.add([_article(str(i), organisations=o) for i, o in enumerate(organisations)])
    assert _counts(fresh_index, "organisation") == {
        "Deutsche Bahn": 5, "Casinos Austria AG": 3, "ADAC": 3, "Henkel": 2,
    }
    # a filter, a field query and the entity page by the legal form find the merged value
    assert fresh_index.search("", filters={"organisation": ["Deutsche Bahn AG"]}, per_page=0).total == 5
    assert fresh_index.search("", filters={"organisation": ["Casinos Austria"]}, per_page=0).total == 3
    report = fresh_index.entity("organisation", "Deutsche Bahn AG")
    assert report.name == "Deutsche Bahn" and report.count == 5
    document = fresh_index.get("2")
    assert fresh_index.entity_names(document) == [Entity("Deutsche Bahn", EntityType.ORGANISATION)]


def test_a_legal_form_merge_keeps_what_is_something_else(fresh_index: Index) -> None:
    """Two legal forms of one name are two companies ("Porsche AG", "Porsche SE": which one is
    "Porsche"?); "Holding" and "Group" are no legal forms ("Porsche Holding" in Salzburg, "Erste
    Group" beside "Das Erste"), nor "& Co." alone ("Apple, Google & Co."); a place of the name
    is no organisation without the legal form ("Wien AG", the city "Wien"); a name the facet
    does not hold without its legal form stays as it is."""
    organisations = [
        ["Porsche AG"], ["Porsche SE"], ["Porsche"], ["Porsche Holding"], ["Erste Group"], ["Das Erste"],
        ["Erste"], ["Google Co"], ["Google"], ["Wien AG"], ["Zielpunkt GmbH"], [],
    ]
    places = [[]] * 11 + [["Wien"]]
    fresh_index.add([_article(str(i), organisations=o, places=p) for i, (o, p) in enumerate(zip(organisations, places))])
    assert _counts(fresh_index, "organisation") == {
        "Porsche AG": 1, "Porsche SE": 1, "Porsche": 1, "Porsche Holding": 1, "Erste Group": 1,
        "Erste": 2, "Google Co": 1, "Google": 1, "Wien AG": 1, "Zielpunkt GmbH": 1,
    }
    assert _counts(fresh_index, "place") == {"Wien": 1}


def test_legal_forms_are_read_off_the_end_of_a_key() -> None:
    assert without_legal_form("deutsche bahn ag") == ("deutsche bahn", "ag")
    assert without_legal_form("muller gmbh co kg") == ("muller", "gmbh co kg")
    assert without_legal_form("henkel ag & co. kgaa") == ("henkel", "ag co kgaa")
    assert without_legal_form("adac e.v.") == without_legal_form("adac e.v") == ("adac", "e.v")
    for key in ("ag", "co kg", "google co", "erste group", "porsche holding", "deutsche bahn"):
        assert without_legal_form(key) is None


def test_legal_form_merges_follow_earlier_merges() -> None:
    """The name without the legal form may be an alias of an earlier step (a declension): the
    documents go to the value it was merged into; a tie shows the name without the form."""
    values = ["deutsche bahn", "deutschen bahn ag", "bild gmbh", "bild"]
    docs = [np.array(ids, dtype=np.int64) for ids in ([1, 2, 3], [4], [5], [6])]
    kept, kept_docs, aliases = _merge_legal_forms(values, docs, {"deutschen bahn": "deutsche bahn"}, {})
    assert aliases == {"deutschen bahn ag": "deutsche bahn", "bild gmbh": "bild"}
    assert dict(zip(kept, (d.tolist() for d in kept_docs))) == {"deutsche bahn": [1, 2, 3, 4], "bild": [5, 6]}


def test_a_first_name_alone_stays_apart_from_the_full_name(fresh_index: Index) -> None:
    """Counting a one-word person for the only full name of the index it is a word of was
    measured on the review index and rejected: in articles that do not name the full name it
    is mostly someone else (the singer "Adele" is no "Adele Neuhauser", "Lula" is also a word of
    his son's name). Surnames still count for the person (``_merge_short_names``)."""
    people = [["Adele Neuhauser"], ["Adele"], ["Luiz Inácio Lula da Silva"], ["Lula"], ["Silva"]]
    fresh_index.add([_article(str(i), people=p) for i, p in enumerate(people)])
    assert _counts(fresh_index, "person") == {
        "Adele Neuhauser": 1, "Adele": 1, "Luiz Inácio Lula da Silva": 2, "Lula": 1,
    }
