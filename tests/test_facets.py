"""Facet counting on arrays: the by-document path for masks of few documents counts exactly
what the gather over every entry counts; what a facet shows is the head of its full order (for
dates: the most frequent, in date order); the facet-value search ranks names as typed before
names read with umlauts; across the archive a name counts for its usual type, a person's
genitive for the name, a surname for the person it clearly means."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit import Document, Entity, EntityType, Index, PubDate
from searchkit.facets import (
    SPARSE_COUNT_FACTOR,
    FacetField,
    shown_dates,
    umlaut_reading,
)



def _field(entries: list[tuple[int, int]], n_values: int) -> FacetField:
    docs = np.array([d for d, _ in entries], dtype=np.int64)
    values = np.array([v for _, v in entries], dtype=np.int64)
    # postings order, as an index stores them: value by value
    order = np.lexsort((docs, values))
    names = [f"v{i}" for i in range(n_values)]
    return FacetField(names, docs[order], values[order], {n: i for i, n in enumerate(names)})


def _dense(field: FacetField, mask: np.ndarray) -> np.ndarray:
    return np.bincount(field.entry_value[mask[field.entry_doc]], minlength=len(field.values))


@settings(max_examples=200, deadline=None)
@given(
    doc_count=st.integers(1, 300),
    n_values=st.integers(1, 40),
    data=st.data(),
)
def test_counts_equal_the_plain_gather(doc_count: int, n_values: int, data: st.DataObject) -> None:
    entries = data.draw(st.sets(st.tuples(st.integers(0, doc_count - 1), st.integers(0, n_values - 1)),
                                max_size=4 * doc_count))
    field = _field(sorted(entries), n_values)
    # masks from empty to full, so both paths run
    for density in (0.0, 0.01, 0.05, 0.3, 1.0):
        mask = np.array(data.draw(st.lists(st.floats(0, 1), min_size=doc_count, max_size=doc_count))) < density
        counts = field.counts(mask)
        assert counts.tolist() == _dense(field, mask).tolist()


def test_few_documents_take_the_by_document_path() -> None:
    rng = np.random.default_rng(4)
    entries = {(int(d), int(v)) for d, v in zip(rng.integers(0, 5000, 40_000), rng.integers(0, 300, 40_000))}
    field = _field(sorted(entries), 300)
    mask = np.zeros(5000, dtype=bool)
    mask[rng.choice(5000, 20, replace=False)] = True
    assert 20 * SPARSE_COUNT_FACTOR <= len(field.entry_doc)
    assert field.counts(mask).tolist() == _dense(field, mask).tolist()
    assert field._doc_start is not None  # the by-document arrays were built and used
    mask[:] = True  # a broad mask: the gather over every entry
    assert field.counts(mask).tolist() == _dense(field, mask).tolist()


@given(st.lists(st.integers(0, 6), min_size=1, max_size=60), st.integers(0, 12),
       st.sets(st.integers(0, 59), max_size=4), st.sampled_from(["person", "place"]))
@settings(max_examples=300, deadline=None)
def test_shown_values_are_the_head_of_the_full_order(raw: list[int], size: int, chosen: set[int], name: str) -> None:
    """A facet shows the first ``size`` values of the full display order, then the selected ones
    that come later (entities only sort the candidates that can be in the head)."""
    from searchkit.search import _candidates, _shown

    counts = np.array(raw, dtype=np.int64)
    values = [f"{2000 + i}" for i in range(len(raw))]
    selected = {i for i in chosen if i < len(raw)}
    candidates = _candidates(counts, selected)
    assert candidates.tolist() == sorted(set(np.flatnonzero(counts).tolist()) | selected)
    full = sorted(candidates.tolist(), key=lambda i: (-int(counts[i]), i))
    assert _shown(name, values, counts, candidates, size, selected) == full[:size] + [i for i in full[size:] if i in selected]


def _years(raw: list[int]) -> list[str]:
    """Year values in lexicon order, as a facet holds them ("none", undated, sorts last)."""
    return [f"{1990 + i}" for i in range(len(raw) - 1)] + ["none"]


@given(st.lists(st.integers(0, 6), min_size=1, max_size=40), st.integers(1, 12),
       st.sets(st.integers(0, 39), max_size=4))
@settings(max_examples=300, deadline=None)
def test_a_date_facet_keeps_its_most_frequent_values_in_date_order(
    raw: list[int], size: int, chosen: set[int]
) -> None:
    """The values kept are the ``size`` most frequent (a tie: the later period, a date before
    "ohne Datum"), plus the selected ones; they are shown newest first, "ohne Datum" last."""
    from searchkit.search import _candidates

    counts, values = np.array(raw, dtype=np.int64), _years(raw)
    selected = {i for i in chosen if i < len(raw)}
    candidates = _candidates(counts, selected)
    undated = len(raw) - 1
    by_date = sorted(candidates.tolist(), key=lambda i: (i == undated, -i))
    by_count = sorted(candidates.tolist(), key=lambda i: (-int(counts[i]), i == undated, -i))
    kept = set(by_count[:size]) | selected
    assert shown_dates(values, counts, candidates, size, selected) == [i for i in by_date if i in kept]


def test_a_truncated_date_facet_keeps_the_frequent_years_not_the_largest() -> None:
    """Found by a review: years mentioned in texts reach 2050, and the five largest (a few
    articles each) pushed out 2025 with 920."""
    years = ["2015", "2024", "2025", "2036", "2040", "2045", "2050", "none"]
    counts = np.array([358, 467, 920, 4, 14, 10, 8, 0], dtype=np.int64)
    candidates = np.flatnonzero(counts)

    def shown(size: int, selected: frozenset[int] = frozenset()) -> list[str]:
        return [years[i] for i in shown_dates(years, counts, candidates, size, set(selected))]

    assert shown(3) == ["2025", "2024", "2015"]
    assert shown(4) == ["2040", "2025", "2024", "2015"]
    assert shown(3, frozenset({6})) == ["2050", "2025", "2024", "2015"]  # a selected year stays, in its place
    assert shown(20) == ["2050", "2045", "2040", "2036", "2025", "2024", "2015"]
    counts[5] = counts[6] = counts[4]  # a tie goes to the later year
    assert shown(4) == ["2050", "2025", "2024", "2015"]


def _article(doc_id: str, published: str | None, mentioned: Sequence[str] = (), people: Sequence[str] = (),
             places: Sequence[str] = (), organisations: Sequence[str] = ()) -> Document:
    entities = [Entity(p, EntityType.PERSON) for p in people] + [Entity(p, EntityType.PLACE) for p in places]
    entities += [Entity(o, EntityType.ORGANISATION) for o in organisations]
    return Document(id=doc_id, title=f"Artikel {doc_id}", body="Ein Text.", entities=entities,
                    published=PubDate.from_iso(published) if published else None,
                    mentioned=[PubDate.from_iso(year) for year in mentioned])


@pytest.fixture
def dated(fresh_index: Index) -> Index:
    """Mentioned years: 2025 ×4, 2024 ×3, 2015 ×2, 2036/2040/2045/2050 ×1; published months:
    2025-03 ×4, 2024-11 ×3, 2026-01/-02/-03 ×1, one undated."""
    mentioned = [["2025", "2050"], ["2025", "2045"], ["2025", "2024", "2040"], ["2025", "2024", "2036"],
                 ["2024", "2015"], ["2015"], [], [], [], [], []]
    published = ["2025-03"] * 4 + ["2024-11"] * 3 + ["2026-01", "2026-02", "2026-03", None]
    fresh_index.add([_article(str(i), date, years) for i, (date, years) in enumerate(zip(published, mentioned))])
    return fresh_index


def test_date_facets_show_their_most_frequent_values(dated: Index) -> None:
    def shown(facet: str, size: int, **filters: list[str]) -> tuple[list[tuple[str, int]], bool]:
        result = dated.search("", facet_size=size, per_page=0, filters=filters)
        found = result.facet(facet)
        assert found is not None
        return [(v.value, v.count) for v in found.results], found.truncated

    assert shown("mentioned", 3) == ([("2025", 4), ("2024", 3), ("2015", 2)], True)
    assert shown("mentioned", 3, mentioned=["2036"])[0][0] == ("2036", 1)  # selected: kept, in date order
    # publication years and months keep the newest: an archive is read from today backwards
    assert shown("month", 2) == ([("2026-03", 1), ("2026-02", 1)], True)
    assert shown("year", 2) == ([("2026", 3), ("2025", 4)], True)
    assert shown("mentioned", 100) == ([("2050", 1), ("2045", 1), ("2040", 1), ("2036", 1), ("2025", 4),
                                        ("2024", 3), ("2015", 2)], False)


def test_umlaut_reading_keeps_the_umlauts() -> None:
    """ae/oe/ue read as ä/ö/ü, not as a/o/u: "Noel" is "Nöl", which "Nolte" does not contain."""
    assert umlaut_reading("Noel") == "nöl" and "nöl" not in umlaut_reading("Laura Nolte")
    assert umlaut_reading("Koeln") == umlaut_reading("Köln") == umlaut_reading("KÖLN") == "köln"
    assert umlaut_reading("Mueller") == umlaut_reading("Mu\u0308ller") == "müller"
    assert umlaut_reading("Erdoğan") == "erdogan" and umlaut_reading("Straße") == "strasse"
    # the end of a diphthong or of "qu" is no umlaut
    assert [umlaut_reading(w) for w in ("Bauer", "Feuer", "Quelle")] == ["bauer", "feuer", "quelle"]


@pytest.fixture
def named(fresh_index: Index) -> Index:
    """Names with ae/oe/ue written so and names with umlauts, the umlaut ones more frequent."""
    people = [["Laura Nolte", "Thomas Müller", "Jolanta Nowak"],
              ["Laura Nolte", "Thomas Müller", "Jolanta Nowak"],
              ["Laura Nolte", "Thomas Müller", "Thomas Schnöll"], ["Heiner Kunold", "Thomas Schnöll"],
              ["Gerard Granollers", "Joel Campbell"], ["Jean-Noël Barrot", "Paul Mueller", "Andry Rajoelina"],
              ["Recep Tayyip Erdoğan"]]
    places = [["Kurdistan"], ["Kurdistan"], ["Kursk"], ["Köln"], [], [], []]
    organisations = [[], [], [], [], [], ["Auswärtigen Amt"], []]
    fresh_index.add([_article(str(i), "2025-05", people=p, places=pl, organisations=o)
                     for i, (p, pl, o) in enumerate(zip(people, places, organisations))])
    return fresh_index


def _found(index: Index, facet: str, text: str, limit: int = 20) -> list[str]:
    data = index.facet_data()
    counts = data.fields[facet].counts(data.live)
    return [data.label(facet, data.fields[facet].values[i]) for i in data.find_values(facet, text, counts, limit)]


def test_names_as_typed_come_before_names_read_with_umlauts(named: Index) -> None:
    """Found by a review: "Noel" listed Nolte, Granollers and Kunold ("oe" dropped to "o"),
    "Joel" Jolanta, "Kuer" Kurdistan and Kursk; and a frequent umlaut name pushed the name as
    typed down or out."""
    assert _found(named, "person", "Noel") == ["Jean-Noël Barrot", "Thomas Schnöll"]
    assert _found(named, "person", "Noel", limit=1) == ["Jean-Noël Barrot"]
    assert _found(named, "person", "Joel") == ["Joel Campbell", "Andry Rajoelina"]  # a word that begins so first
    assert _found(named, "person", "Mueller") == ["Paul Mueller", "Thomas Müller"]
    assert _found(named, "person", "Müller") == ["Thomas Müller", "Paul Mueller"]
    assert _found(named, "person", "Erd") == ["Recep Tayyip Erdoğan"]
    assert _found(named, "place", "Kuer") == []
    assert _found(named, "place", "Koeln") == _found(named, "place", "köln") == ["Köln"]
    assert _found(named, "place", "Kur") == ["Kurdistan", "Kursk"]
    # a value shown in another case than it is written: its umlauts come from what is shown
    assert _found(named, "organisation", "Auswaertigen") == ["Auswärtiges Amt"]
    assert len(_found(named, "person", "")) == 11


def test_facet_value_search_ranks_names_as_typed_first(named: Index) -> None:
    def found(facet: str, text: str, limit: int = 20) -> list[str]:
        return [v.label for v in named.facet_values(facet, text, limit=limit)]

    assert found("person", "Noel") == ["Jean-Noël Barrot", "Thomas Schnöll"]
    assert found("person", "Mueller", limit=1) == ["Paul Mueller"]
    assert found("place", "Kuer") == [] and found("place", "Koeln") == ["Köln"]


@pytest.fixture
def trump(fresh_index: Index) -> Index:
    """Donald Trump: a person in six articles, an organisation in one (a tagger error), in the
    genitive in one, by the surname alone in one; Melania Trump in one. Netanjahu: a person
    once and an organisation once (no majority)."""
    people = [["Donald Trump"]] * 6 + [[], ["Donald Trumps"], ["Trump"], ["Melania Trump"], ["Netanjahu"], []]
    organisations = [[]] * 6 + [["Donald Trump"], [], [], [], [], ["Netanjahu"]]
    fresh_index.add([_article(str(i), "2025-05", people=p, organisations=o)
                     for i, (p, o) in enumerate(zip(people, organisations))])
    return fresh_index


def test_a_name_counts_for_its_usual_type_and_form(trump: Index) -> None:
    result = trump.search("", facet_size=20, per_page=0)
    person, organisation = result.facet("person"), result.facet("organisation")
    assert person is not None and organisation is not None
    assert {v.label: v.count for v in person.results} == {"Donald Trump": 9, "Melania Trump": 1, "Netanjahu": 1}
    assert {v.label: v.count for v in organisation.results} == {"Netanjahu": 1}
    # filters and field queries find what the facet counts; the document shows the person
    assert trump.search("", filters={"person": ["Donald Trump"]}, per_page=0).total == 9
    assert trump.search('person:"Donald Trump"', per_page=0).total == 9
    assert trump.search("person:Trump", per_page=0).total == 9
    assert trump.search('organisation:"Donald Trump"', per_page=0).total == 1  # the index as written
    document = trump.get("6")
    assert document is not None
    assert trump.entity_names(document) == [Entity("Donald Trump", EntityType.PERSON)]
    # a filter by the old type selects the person (old links keep working)
    moved = trump.search("", filters={"organisation": ["Donald Trump"]}, per_page=0)
    assert moved.total == 9 and moved.request.filters == {"person": ["Donald Trump"]}
    # the entity page of the old type is the person's
    report = trump.entity("organisation", "Donald Trump")
    assert report.facet == "person" and report.name == "Donald Trump" and report.count == 9


def test_a_surname_shared_by_people_of_similar_weight_stays_apart(fresh_index: Index) -> None:
    people = [["Alexander Hoffmann"]] * 3 + [["Marcus Hoffmann"], ["Hoffmann"]]
    fresh_index.add([_article(str(i), "2025-05", people=p) for i, p in enumerate(people)])
    person = fresh_index.search("", per_page=0).facet("person")
    assert person is not None
    assert {v.label: v.count for v in person.results} == {
        "Alexander Hoffmann": 3, "Marcus Hoffmann": 1, "Hoffmann": 1
    }


def test_a_surname_typed_as_an_organisation_counts_for_the_person(fresh_index: Index) -> None:
    """ "Netanjahu" as an organisation in articles that never name him in full; a company that
    shares a name with a person keeps its type, as does a name in capitals."""
    people = [["Benjamin Netanjahu", "Sabrina Fritz"]] * 5 + [[], [], ["Ferdinand Porsche"], [], [], []]
    organisations = [[]] * 5 + [["Netanjahu"], ["Netanjahu", "FRITZ"], [], ["Porsche"], ["Porsche"], ["Porsche"]]
    fresh_index.add([_article(str(i), "2025-05", people=p, organisations=o)
                     for i, (p, o) in enumerate(zip(people, organisations))])
    result = fresh_index.search("", facet_size=20, per_page=0)
    person, organisation = result.facet("person"), result.facet("organisation")
    assert person is not None and organisation is not None
    assert {v.label: v.count for v in person.results} == {"Benjamin Netanjahu": 7, "Sabrina Fritz": 5, "Ferdinand Porsche": 1}
    assert {v.label: v.count for v in organisation.results} == {"Porsche": 3, "FRITZ": 1}  # FRITZ!Box
    assert fresh_index.search('person:"Benjamin Netanjahu"', per_page=0).total == 7
    document = fresh_index.get("5")
    assert fresh_index.entity_names(document) == [Entity("Benjamin Netanjahu", EntityType.PERSON)]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["person", "place", "organisation"]),
    st.dictionaries(st.sampled_from(["a", "b", "c b", "d"]), st.sets(st.integers(0, 30), min_size=1), max_size=4),
))
def test_retyping_moves_documents_and_loses_none(raw: dict[str, dict[str, set[int]]]) -> None:
    """Whatever the votes decide, every document of a name stays counted under one of its
    types, and a moved name leaves the type it was moved from."""
    from searchkit.facets import _majority_types, _retyped

    postings = {facet: [(key, np.array(sorted(ids), dtype=np.int64)) for key, ids in entries.items()]
                for facet, entries in raw.items()}
    moved = _majority_types(postings)
    after = _retyped(postings, moved)
    for key in {k for entries in raw.values() for k in entries}:
        before_docs = set().union(*(entries.get(key, set()) for entries in raw.values()))
        after_docs = set().union(*(set(ids.tolist()) for entries in after.values() for k, ids in entries if k == key))
        assert before_docs == after_docs
    for facet, key in moved:
        assert all(k != key for k, _ in after[facet])
        assert any(k == key for k, _ in after[moved[(facet, key)]])



def test_a_party_named_by_an_adjective_is_one_value(fresh_index: Index) -> None:
    """"die Linke" / "der Linken", "die Grünen" / "der Grüne": one organisation each, shown as
    most articles write it; a filter by the other form selects it too."""
    organisations = [["Linke"], ["Linke"], ["Linken"], ["Grünen"], ["Grünen"], ["Grüne"]]
    fresh_index.add([_article(str(i), "2025-05", organisations=o) for i, o in enumerate(organisations)])
    facet = fresh_index.search("", per_page=0).facet("organisation")
    assert facet is not None
    assert {v.label: v.count for v in facet.results} == {"Linke": 3, "Grünen": 3}
    assert fresh_index.search("", filters={"organisation": ["Linken"]}, per_page=0).total == 3
    assert fresh_index.search("", filters={"organisation": ["Grüne"]}, per_page=0).total == 3


def test_a_name_with_a_leading_article_counts_for_the_name_without(fresh_index: Index) -> None:
    """Found by a review (2026-12-07): "Die Grünen" (3 articles, from "Die Grünen wollen …" at
    the start of a sentence) was an organisation beside "Grünen" (71). With the article or
    without, the two are one value, shown as more documents write it; a name whose article is
    part of it joins its bare form too ("Die Zeit"). "Den Haag" is no "Haag", and a name the
    facet does not hold without the article stays as it is."""
    organisations = [["Grünen"], ["Grünen"], ["Die Grünen", "Grünen"], ["Die Grünen"],
                     ["Die Zeit"], ["Die Zeit"], ["Zeit"], ["Der Bundesnachrichtendienst"]]
    places = [["Den Haag"], ["Haag"], [], [], [], [], [], []]
    fresh_index.add([_article(str(i), "2025-05", organisations=o, places=p)
                     for i, (o, p) in enumerate(zip(organisations, places))])
    result = fresh_index.search("", facet_size=20, per_page=0)
    assert {v.label: v.count for v in result.facet("organisation").results} == {
        "Grünen": 4, "Die Zeit": 3, "Der Bundesnachrichtendienst": 1,
    }
    assert {v.label: v.count for v in result.facet("place").results} == {"Den Haag": 1, "Haag": 1}
    assert fresh_index.search("", filters={"organisation": ["Die Grünen"]}, per_page=0).total == 4
    assert fresh_index.search("", filters={"organisation": ["Zeit"]}, per_page=0).total == 3
    document = fresh_index.get("2")
    assert fresh_index.entity_names(document) == [Entity("Grünen", EntityType.ORGANISATION)]


def test_leading_articles_merge_into_one_value_per_name() -> None:
    from searchkit.facets import _merge_leading_articles

    values = ["die x", "der x", "x", "das y", "den haag"]
    docs = [np.array(ids, dtype=np.int64) for ids in ([1, 2, 3], [4], [5, 6], [7], [8])]
    kept, kept_docs, aliases = _merge_leading_articles("organisation", values, docs)
    assert aliases == {"der x": "die x", "x": "die x"}
    assert dict(zip(kept, (d.tolist() for d in kept_docs))) == {"die x": [1, 2, 3, 4, 5, 6], "das y": [7], "den haag": [8]}
    # places: "Den Haag", "Des Moines" keep their article
    assert _merge_leading_articles("place", ["den haag", "haag"], docs[:2])[2] == {}


def test_a_name_with_a_hyphen_or_a_space_is_one_value(fresh_index: Index) -> None:
    """Found by a review: "Heinz-Christian Strache" and "Heinz Christian Strache" (both in
    10kGNAD) were two values; they count as the spelling of most documents."""
    people = [["Heinz-Christian Strache"], ["Heinz-Christian Strache"], ["Heinz Christian Strache"], ["Heinz Fischer"]]
    places = [["Baden-Baden"], [], [], ["Baden Baden"]]
    fresh_index.add([_article(str(i), "2025-05", people=p, places=pl) for i, (p, pl) in enumerate(zip(people, places))])
    result = fresh_index.search("")
    assert {v.label: v.count for v in result.facet("person").results} == {"Heinz-Christian Strache": 3, "Heinz Fischer": 1}
    assert [v.count for v in result.facet("place").results] == [2]
    for spelling in ("Heinz Christian Strache", "Heinz-Christian Strache"):
        assert fresh_index.search("", filters={"person": [spelling]}).total == 3
    assert fresh_index.search('person:"Heinz Christian Strache"').total == 3


def test_names_with_a_word_that_begins_so_come_first(fresh_index: Index) -> None:
    """Found by a review: "Erd" listed Tomas Berdych and Gerd Brand (more articles) before Peter
    Erdö, and "Wien" Moldawien first; the README promises a search by prefix."""
    people = [["Gerd Brand"]] * 3 + [["Tomas Berdych"]] * 2 + [["Peter Erdö"]]
    places = [["Moldawien"]] * 3 + [["Wien"]]
    fresh_index.add([_article(str(i), "2025-05", people=p) for i, p in enumerate(people)])
    fresh_index.add([_article(f"o{i}", "2025-05", places=p) for i, p in enumerate(places)])
    assert _found(fresh_index, "person", "Erd") == ["Peter Erdö", "Gerd Brand", "Tomas Berdych"]
    assert _found(fresh_index, "place", "wien") == ["Wien", "Moldawien"]
    assert _found(fresh_index, "person", "Erd", limit=1) == ["Peter Erdö"]


def test_warm_builds_ahead_what_the_first_searches_build(demo_index_path) -> None:  # type: ignore[no-untyped-def]
    """``Index.warm`` (called by every server worker at start) builds the entity names' index
    words and each entity facet's word index; searches answer the same with or without it."""
    from searchkit.index import ENTITY_FIELDS

    warmed = Index(demo_index_path)
    warmed.warm()
    data = warmed.facet_data()
    assert data._name_words is not None
    assert all(data.fields[name]._by_word is not None for name in ENTITY_FIELDS)
    cold = Index(demo_index_path)
    for text in ("Erdogan Baku", "Israels Armee", "scholz"):
        a, b = warmed.search(text).to_dict(), cold.search(text).to_dict()
        a.pop("took_ms"), b.pop("took_ms")
        assert a == b
