"""The third review of the query syntax on a real index (5,188 German news articles): German
field names before a wildcard or with nothing after them, a minus before a word offered as an
exclusion, months that no calendar has, and what "none" means in the period filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from searchkit import Document, Entity, EntityType, Index, PubDate, QueryError, SearchRequest
from searchkit.cli import main
from searchkit.parsing import _user_words, operator_reading, suggestion_basis
from server import create_app


def make(doc_id: str, title: str, body: str, date: str | None, *, places: tuple[str, ...] = (),
         people: tuple[str, ...] = (), orgs: tuple[str, ...] = (), mentioned: tuple[str, ...] = ()) -> Document:
    entities = [Entity(name, EntityType.PLACE) for name in places]
    entities += [Entity(name, EntityType.PERSON) for name in people]
    entities += [Entity(name, EntityType.ORGANISATION) for name in orgs]
    return Document(
        id=doc_id, title=title, body=body, published=PubDate.from_iso(date) if date else None,
        entities=entities, mentioned=[PubDate.from_iso(year) for year in mentioned],
    )


@pytest.fixture
def small(fresh_index: Index) -> Index:
    """Four articles: the words "Ort" and "Titel" stand only in the two that have no place,
    organisation or person, so a field name searched as a word finds other articles than the
    field."""
    fresh_index.add([
        make("1", "Gipfel in Baku", "Merz trifft Alijew in Baku.", "2025-04",
             places=("Baku",), people=("Friedrich Merz",), mentioned=("2024",)),
        make("2", "Merz in Ankara", "Merz empfängt Netanjahu in Ankara.", "2025-07-02",
             places=("Ankara",), orgs=("NATO",)),
        make("3", "Bahnstreik", "Der Bahnstreik legt den Ort lahm, sagt der Titel.", "2024", mentioned=("2023",)),
        make("4", "Ort ohne Titel", "Merz spricht in einem Ort über den Haushalt.", None),
    ])
    return fresh_index


def ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.document.id for hit in result.hits}


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()


# -- 1. a German field name before a wildcard, or with nothing after it ---------------------------

@pytest.mark.parametrize(("german", "english", "expected"), [
    ("ort:*", "place:*", {"1", "2"}), ("Ort:*", "place:*", {"1", "2"}), ("orte:*", "place:*", {"1", "2"}),
    ("org:*", "organisation:*", {"2"}), ("organisationen:*", "organisation:*", {"2"}),
    ("personen:*", "person:*", {"1"}), ("jahr:*", "year:*", {"1", "2", "3", "4"}),
    ("monat:*", "month:*", {"1", "2"}), ("titel:*", "title:*", {"1", "2", "3", "4"}),
    ("Titel:*", "title:*", {"1", "2", "3", "4"}), ("ort:Ba*", "place:Ba*", {"1"}), ("Merz ort:*", "Merz place:*", {"1", "2"}),
])
def test_a_german_field_name_before_a_wildcard_is_the_field(small: Index, german: str, english: str, expected: set[str]) -> None:
    """``ort:*`` searched the word "Ort" (211 articles of the review's index, ``place:*`` 3,800):
    an alias was only read before a letter, digit, quote or bracket."""
    assert ids(small.search(german)) == ids(small.search(english)) == expected


@pytest.mark.parametrize("german", ["ort:?", "Ort:?"])
def test_a_german_field_name_before_a_question_mark_is_the_field_too(small: Index, german: str) -> None:
    with pytest.raises(QueryError) as english:
        small.search("place:?")
    with pytest.raises(QueryError) as typed:
        small.search(german)
    assert str(typed.value) == str(english.value)


def test_an_excluded_german_field_with_a_wildcard_excludes_the_field(small: Index) -> None:
    assert ids(small.search("Merz -ort:*")) == ids(small.search("Merz NOT place:*")) == {"4"}


@pytest.mark.parametrize("typed", ["title:", "titel:", "Titel:", "ort:", "place: ", "jahr:", "(title:)", "org: )", "-title:"])
def test_a_field_name_with_nothing_after_it_searches_nothing(small: Index, typed: str) -> None:
    """A field being typed: "title:" found the articles with the word "Titel" (99 in the
    review), while a name that is no field's ("datum:") stays a word."""
    result = small.search(typed)
    assert result.total == 0 and result.suggestion is None
    assert _user_words(typed).strip() == ""


@pytest.mark.parametrize("typed", ["Merz title:", "Merz titel:", "Merz Ort:", "Merz AND jahr:", "Merz (title:)",
                                   "Merz -title:", "Merz -ort:"])
def test_a_field_name_with_nothing_after_it_is_left_out_beside_words(small: Index, typed: str) -> None:
    assert ids(small.search(typed)) == ids(small.search("Merz")) == {"1", "2", "4"}
    assert suggestion_basis(typed) == "Merz"


@pytest.mark.parametrize(("pasted", "words"), [
    ("Ort: Merz", "Ort Merz"), ("Titel: Merz", "Titel Merz"), ("title: Merz", "title Merz"), ("datum:", "datum"),
])
def test_a_colon_and_a_space_after_a_field_name_stay_text(small: Index, pasted: str, words: str) -> None:
    """A pasted headline's colon ("Ort: Berlin") is punctuation, for English names too."""
    assert ids(small.search(pasted)) == ids(small.search(words))
    assert ids(small.search("Ort: Merz")) == {"4"}


def test_a_quoted_field_name_with_nothing_after_it_is_the_phrase(small: Index) -> None:
    assert _user_words('"Merz title:"') == '"Merz title:"'
    assert suggestion_basis('"Merz title:"') == '"Merz title:"'


# -- 2. a minus before a word: the reading with NOT is offered -------------------------------------

@pytest.mark.parametrize(("typed", "reading"), [
    ("Merz -Ankara", "Merz NOT Ankara"),
    ("Merz* -Ankara", "Merz* NOT Ankara"),
    ("Merz -Ankara -Baku", "Merz NOT Ankara NOT Baku"),
    ("Baku ODER Ankara -Merz", "Baku OR Ankara NOT Merz"),
    ("„Merz in Ankara“ Baku -Bahnstreik", "„Merz in Ankara“ Baku NOT Bahnstreik"),
    ("Merz -Ankara seit 2024", "Merz NOT Ankara seit 2024"),  # the date phrase kept at the end
])
def test_a_minus_before_a_word_is_offered_as_not(small: Index, typed: str, reading: str) -> None:
    """"Merz -Koalition" searched the word (the minus is punctuation by design: "Rafale -Jets"),
    and nothing told the user; the reading with NOT is offered as the German operators' is."""
    assert operator_reading(small.search(typed)) == reading


def test_the_offered_exclusion_excludes(small: Index) -> None:
    assert ids(small.search("Merz -Ankara")) == {"2"} | ids(small.search("Merz Ankara"))  # the word, as typed
    assert ids(small.search(operator_reading(small.search("Merz -Ankara")) or "")) == {"1", "4"}


@pytest.mark.parametrize("typed", [
    "Privatpersonen und -organisationen",  # German's Ergänzungsstrich
    "Merz oder -Ankara", "Merz sowie -Ankara", "Merz bzw. -Ankara", "Bundes-, Landes- und -kommunal", "Baku, -Ankara",
    '"Merz -Ankara"', "„Merz -Ankara“", "»Merz -Ankara«",  # inside quotes
    "-Ankara", "Merz - Ankara", "Merz-Ankara", "Merz -5", "Merz -(Ankara)",
    "Merz -ort:Ankara", "Merz -datum:2025",  # field syntax: excluded already, or nothing to exclude
    "Merz -OR Ankara", "Merz -NOT Ankara", "Merz -ä",  # an operator ("Merz OR Ankara" was offered), a letter
])
def test_no_exclusion_is_offered_where_the_minus_is_no_exclusion(small: Index, typed: str) -> None:
    assert operator_reading(small.search(typed)) is None


def test_the_page_offers_the_exclusion_with_a_note_that_fits_it(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "Merz -Koalition"}).get_data(as_text=True)
    assert "Als Suchoperatoren lesen:" in html and "<code>Merz NOT Koalition</code>" in html
    assert "ein „-“ vor einem Wort schließt es nicht aus" in html
    suspended = client.get("/", query_string={"q": "Privatpersonen und -organisationen"}).get_data(as_text=True)
    assert "Als Suchoperatoren lesen" not in suspended


def test_the_cli_offers_the_exclusion(demo_index_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "Merz -Koalition", "--index", str(demo_index_path)])
    assert result.exit_code == 0, result.output
    assert "Als Suchoperatoren lesen: „Merz NOT Koalition“" in result.output


# -- 3. months that no calendar has; years no date has --------------------------------------------

@pytest.mark.parametrize(("typed", "month"), [
    ("monat:2025-13", 13), ("monat:2025-00", 0), ("month:2025-13", 13), ("Monat:13/2025", 13),
    ('monat:"2025-13"', 13), ("monat:2025-13-01", 13), ("monat:[2025-01 TO 2025-13]", 13),
    ("Merz -monat:2025-00", 0), ("monat:(2025-04 OR 2025-13)", 13), ("monat:2025.13", 13),
])
def test_a_month_no_calendar_has_is_a_query_error(small: Index, typed: str, month: int) -> None:
    """It found nothing, with no word said, while the month filter's "2025-13" is a 400."""
    with pytest.raises(QueryError) as raised:
        small.search(typed)
    assert f"es gibt keinen Monat {month}" in raised.value.german


@pytest.mark.parametrize(("typed", "expected"), [
    ("monat:2025-04", {"1"}), ("monat:04/2025", {"1"}), ("monat:[2025-01 TO 2025-12]", {"1", "2"}),
    ("monat:2025", {"1", "2"}), ("monat:99999", set()),  # a number: an answer, as jahr:99999
])
def test_the_months_that_work_still_work(small: Index, typed: str, expected: set[str]) -> None:
    assert ids(small.search(typed)) == expected


@pytest.mark.parametrize(("name", "value"), [
    ("month", "0000-01"), ("month", "0999-12"), ("year", "0000"), ("year", "3000"), ("mentioned", "0000"),
    ("month", "none"),  # months have no "none"
])
def test_a_filter_year_no_date_has_is_a_query_error(name: str, value: str) -> None:
    """``month=0000-01`` selected nothing while ``from=0000`` and ``year=0`` were 400s."""
    with pytest.raises(QueryError, match="years 1000 to 2999"):
        SearchRequest(filters={name: [value]})


def test_the_period_errors_in_the_api(client: FlaskClient) -> None:
    for params in ({"q": "monat:2025-13"}, {"q": "monat:2025-00"}, {"q": "month:2025-13"}, {"month": "0000-01"},
                   {"year": "0000"}, {"month": "2025-13"}):
        response = client.get("/api/search", query_string=params)
        assert response.status_code == 400, params
    assert client.get("/api/search", query_string={"month": "2025-03"}).status_code == 200
    assert client.get("/api/search", query_string={"year": "none"}).status_code == 200


# -- 4. "none" in the year and mentioned filters ----------------------------------------------------

def test_the_400_says_what_none_means_for_each_period_filter(client: FlaskClient) -> None:
    """It offered "(or 'none' for undated)" for the years a text mentions too."""
    def message(name: str) -> str:
        return client.get("/api/search", query_string={name: "abc"}).get_json()["error"]["message"]

    assert "'none' for undated" in message("year")
    assert "'none' for texts that mention no year" in message("mentioned")
    assert "none" not in message("month")


def test_year_none_selects_the_undated_articles(small: Index) -> None:
    assert ids(small.search("", filters={"year": ["none"]})) == {"4"}


def test_mentioned_none_selects_the_texts_that_mention_no_year(small: Index) -> None:
    """It found nothing (3,538 of the review's 5,188 articles mention no year): a text that
    mentions none carries no value of the facet to select. The facet lists the value selected,
    labelled and counted."""
    assert ids(small.search("", filters={"mentioned": ["none"]})) == {"2", "4"}
    assert ids(small.search("", filters={"mentioned": ["none", "2024"]})) == {"1", "2", "4"}
    facet = small.search("", filters={"mentioned": ["none"]}).facet("mentioned")
    assert facet is not None
    chosen = [v for v in facet.results if v.selected]
    assert [(v.label, v.count) for v in chosen] == [("kein Jahr erwähnt", 2)]


# -- 5. a half-open period after NOT --------------------------------------------------------------

def test_a_negated_half_open_period_filters_by_its_other_side(small: Index) -> None:
    """"Trump NOT seit März 2026" found nothing (read as words, NOT seit AND März AND 2026; a
    review): it lists the articles before that month, and says so."""
    before = small.search("Merz NOT seit Juli 2025")
    assert ids(before) == {"1"}  # April 2025; not July 2025, not the undated one
    assert before.date_filter is not None and before.date_filter.label == "nicht seit Juli 2025 (bis Juni 2025)"
    assert before.to_dict()["date_filter"]["to"] == "2025-06"
    assert ids(small.search("Merz NOT vor Juli 2025")) == {"2"}
    # logic around the NOT stays the user's: no bound
    for typed in ("Merz OR NOT seit Juli 2025", "Merz NOT NOT seit Juli 2025", "Merz NOT seit Juli 2025 OR Baku"):
        assert small.search(typed).date_filter is None, typed
    # a period that holds nothing is the answer, not a reason to search the words
    empty = small.search("Merz NOT seit 2020")
    assert empty.total == 0 and empty.date_words == "" and empty.date_filter is not None
    # a closed period stays words (two ranges): no text here writes "2025"
    assert ids(small.search("Merz NOT 2025")) == {"1", "2", "4"}


# -- 6. a group right after a field's colon -------------------------------------------------------

@pytest.mark.parametrize(("grouped", "plain"), [
    ("person:(Merz)", "person:Merz"), ("ort:(Baku)", "place:Baku"), ("title:(Merz Ankara)", "title:Merz title:Ankara"),
])
def test_a_group_after_a_fields_colon_is_the_fields(small: Index, grouped: str, plain: str) -> None:
    """Found by a review: a query without operators has its brackets read as an aside, which
    made "person:(Merz)" the words "person Merz" (6 hits on the real archive, 319 for
    person:Merz) and "ort:(Berlin)" nothing."""
    assert ids(small.search(grouped)) == ids(small.search(plain))
    assert ids(small.search(grouped))


def test_a_month_written_with_a_dot_after_its_year_is_read(small: Index) -> None:
    """"monat:2025.13" became a 400 (ab2c84f), while "monat:2025.04" found nothing (a review)."""
    assert ids(small.search("monat:2025.04")) == ids(small.search("monat:2025-04")) == {"1"}
    assert ids(small.search("monat:2025.4")) == {"1"}


def test_value_fields_with_a_bare_year_stay_newest_first(small: Index) -> None:
    """A bare year's optional ranking word must not make a query of value fields "relevance"
    ordered (a review: "person:Merz 2026" was ranked by the year word)."""
    result = small.search("person:Merz 2025")
    assert not result.ranked_by_words and result.sort == "date_desc"
