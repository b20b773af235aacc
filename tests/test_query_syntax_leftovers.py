"""Leftovers of the query syntax: operators with nothing to join (and their "Meinten Sie"),
year and month values that name no period, and names typed as fields that do not exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from searchkit import Document, Index, PubDate, QueryError
from searchkit.cli import main
from searchkit.parsing import (
    _user_words,
    parse_query,
    suggestion_basis,
    unknown_field_notice,
    unknown_fields,
    with_meant_fields,
)
from server import create_app


def make(doc_id: str, title: str, body: str, date: str | None) -> Document:
    return Document(id=doc_id, title=title, body=body, published=PubDate.from_iso(date) if date else None)


@pytest.fixture
def small(fresh_index: Index) -> Index:
    fresh_index.add([
        make("1", "Gipfel in Baku", "Merz trifft Alijew in Baku.", "2025-04"),
        make("2", "Merz in Ankara", "Merz empfängt Netanjahu in Ankara. Das Datum steht fest.", "2025-07-02"),
        make("3", "Bahnstreik", "Der Bahnstreik legt Berlin lahm.", "2024"),
        make("4", "Merz in Berlin", "Merz spricht in Berlin über den Haushalt.", "2024-03"),
    ])
    return fresh_index


def ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.document.id for hit in result.hits}


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()


# -- 1. operators with nothing to join --------------------------------------------------------------

DANGLING = ["Merz AND", "AND Merz", "Merz OR", "Merz AND NOT", "Merz AND )", "( Merz AND", "Merz NOT", "OR Merz OR"]


@pytest.mark.parametrize("typed", DANGLING)
def test_a_dangling_operator_is_searched_as_if_it_were_not_there(small: Index, typed: str) -> None:
    assert ids(small.search(typed)) == ids(small.search("Merz")) == {"1", "2", "4"}


@pytest.mark.parametrize("typed", ["Bahnstriek AND", "AND Bahnstriek", "Bahnstriek OR", "Bahnstriek AND NOT", "Bahnstriek AND )"])
def test_the_suggestion_of_a_query_with_a_dangling_operator_has_none(small: Index, typed: str) -> None:
    # it was "Meinten Sie: Trug AND?" for "Trump AND" over the demo
    assert small.search(typed).suggestion == "Bahnstreik"


@pytest.mark.parametrize("typed", ["AND", "NOT", "OR", "AND OR NOT", "NOT NOT", "( AND )", "ANDNOT"])
def test_operators_alone_find_nothing(small: Index, typed: str) -> None:
    """Like a query of stop words: not everything (an empty query), and not the texts with the
    English word "not" (which "NOT" found)."""
    result = small.search(typed)
    assert result.total == 0 and result.suggestion is None
    assert _user_words(typed).strip() == ""


def test_suggestion_basis_leaves_out_what_the_search_leaves_out() -> None:
    assert suggestion_basis("Trump AND") == "Trump"
    assert suggestion_basis("Trump AND )") == "Trump"
    assert suggestion_basis("(Gas OR") == "Gas"
    assert suggestion_basis("(Gas OR Öl) AND") == "(Gas OR Öl)"
    assert suggestion_basis('"Gas AND" Öl') == '"Gas AND" Öl'  # a phrase's words
    assert suggestion_basis("Ort: Berlin") == "Ort: Berlin"  # nothing left out: as typed


# -- 2. year and month values ------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "message"), [
    ("jahr:abc", "„abc“ ist kein Jahr"),
    ("Jahr:abc", "„abc“ ist kein Jahr"),
    ("year:abc", "„abc“ ist kein Jahr"),
    ('jahr:"abc"', "„abc“ ist kein Jahr"),
    ("jahr:Mai 2025", "„Mai“ ist kein Jahr"),
    ("Merz -jahr:abc", "„abc“ ist kein Jahr"),
    ("jahr:(abc OR 2025)", "„abc“ ist kein Jahr"),
    ("jahr:ab*", "„ab“ ist kein Jahr"),
    ("mentioned:abc", "„abc“ ist kein Jahr"),
    ("monat:xyz", "„xyz“ ist kein Monat"),
    ("Monat:letzten", "„letzten“ ist kein Monat"),
    ("jahr:[abc TO 2025]", "Bereich von Jahren"),
    ("jahr:{2020 TO abc}", "Bereich von Jahren"),
    ("monat:[April TO Juni]", "Bereich von Monaten"),
])
def test_a_year_or_month_that_names_no_period_is_a_query_error(small: Index, typed: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        small.search(typed)
    assert message in raised.value.german


@pytest.mark.parametrize(("typed", "expected"), [
    ("jahr:2025", {"1", "2"}), ("year:2024", {"3", "4"}), ("jahr:[2024 TO 2025]", {"1", "2", "3", "4"}),
    ("jahr:[2025 TO]", {"1", "2"}), ("jahr:{2024 TO}", {"1", "2"}), ("year:[TO 2024]", {"3", "4"}),
    ("monat:2025-04", {"1"}), ("monat:April", {"1"}), ('monat:"April 2025"', {"1"}), ("monat:04/2025", {"1"}),
    ("monat:2025", {"1", "2"}), ("monat:[2024-01 TO 2024-12]", {"4"}), ("monat:März", {"4"}), ("monat:Nov.", set()),
    ("monat:Frühling", set()),  # a part of a year: no one month, nothing found, no error
    ("jahr:99999", set()), ("monat:202503", set()), ("jahr:2025,2024", set()),  # numbers: answers
    ("Merz jahr:2025", {"1", "2"}),
])
def test_the_forms_of_years_and_months_that_work_still_work(small: Index, typed: str, expected: set[str]) -> None:
    assert ids(small.search(typed)) == expected


def test_a_field_with_any_value_stays_a_search() -> None:
    assert parse_query(None, "month:*", "and") is not None
    assert parse_query(None, "jahr:20*", "and") is not None


def test_a_bad_year_is_a_400_in_the_api_and_the_page_and_an_error_line_in_the_cli(
    client: FlaskClient, demo_index_path: Path
) -> None:
    for q in ("jahr:abc", "monat:xyz", "jahr:[abc TO 2025]"):
        response = client.get("/api/search", query_string={"q": q})
        assert response.status_code == 400
        assert set(response.get_json()) == {"error"} and response.get_json()["error"]["message"]
        page = client.get("/", query_string={"q": q})
        assert page.status_code == 400
        assert "ist kein" in page.get_data(as_text=True) or "Bereich von" in page.get_data(as_text=True)
        ran = CliRunner().invoke(main, ["search", q, "--index", str(demo_index_path)])
        assert ran.exit_code != 0 and ran.output.startswith("Error:") and len(ran.output.splitlines()) == 1


# -- 3. names typed as fields that do not exist --------------------------------------------------------

@pytest.mark.parametrize(("typed", "names"), [
    ("datum:2025", ["datum"]), ("foo:bar", ["foo"]), ("Merz -datum:2025", ["datum"]), ("Datum:2025", ["Datum"]),
    ('quelle:"Spiegel Online"', ["quelle"]), ("foo:bar foo:baz", ["foo"]), ("(foo:bar OR x)", ["foo"]),
    # text, not fields
    ("Ort: Berlin", []), ("Ukraine-Krieg: Trump", []), ("Ukraine-Krieg:Trump", []), ("Anpfiff 14:30", []),
    ("Sieg 2:1", []), ("id:10kgnad:1", []), ("id:abc:def", []), ("https://www.tagesschau.de/a:b", []),
    ("mailto:redaktion@example.de", []), ("Lehrer:innen", []), ("Bürger:in", []), ("Lehrer:Innen", []),
    ('"datum:2025"', []), ("„datum:2025“", []), ("ort:Berlin", []), ("Titel:Merz", []), ("person:Merz", []),
    ("10kgnad:1", []), ("Fazit :gut", []),
])
def test_names_typed_as_fields_that_do_not_exist(typed: str, names: list[str]) -> None:
    assert unknown_fields(typed) == names


def test_an_unknown_field_is_searched_as_words(small: Index) -> None:
    # "Datum" stands in text 2 (as a word of its text, the field's name is a word too)
    assert ids(small.search("datum:2025")) == ids(small.search("datum 2025")) == {"2"}
    assert ids(small.search("foo:Bahnstreik", operator="or")) == {"3"}


def test_an_excluded_unknown_field_excludes_nothing(small: Index) -> None:
    """Not the word "datum" (text 2 has it), and not more than Merz: "-datum:2025" was the words
    "datum" and "2025" beside Merz, or with the fallback any of them."""
    assert ids(small.search("Merz -datum:2025")) == ids(small.search("Merz")) == {"1", "2", "4"}
    assert ids(small.search("Merz -foo:\"a b\"")) == {"1", "2", "4"}
    assert ids(small.search("(Merz -foo:bar)")) == {"1", "2", "4"}
    assert ids(small.search("Merz -jahr:2025")) == {"4"}  # a field that exists is excluded


@pytest.mark.parametrize(("typed", "meant"), [
    ("datum:2025", "jahr:2025"), ("Datum:2025", "Jahr:2025"), ("datum:2025-04", "monat:2025-04"),
    ("datum:April", "monat:April"), ("Ortt:Berlin", "Ort:Berlin"), ("titl:Merz", "title:Merz"),
    ("Merz -datum:2025", "Merz -jahr:2025"), ("überschrift:Merz", "titel:Merz"),
    ("foo:bar", None), ("datum:gestern", None), ("Ort: Berlin", None),
])
def test_the_field_meant(typed: str, meant: str | None) -> None:
    assert with_meant_fields(typed) == meant


def test_no_suggestion_keeps_a_field_that_does_not_exist(small: Index) -> None:
    # "Meinten Sie: dazu:2025?" over the demo
    assert small.search("datum:2025").suggestion == "jahr:2025"
    assert small.search("titl:Bahnstreik").suggestion == "title:Bahnstreik"
    assert small.search("Ortt:Berlin").suggestion is None  # no place Berlin in these texts: offered only when it finds
    for typed in ("foo:Bahnstriek", "foo:bar", "Bahnstriek -foo:bar", "datum:2031 Bahnstriek"):
        suggestion = small.search(typed).suggestion
        assert suggestion is None or "foo" not in suggestion and "datum" not in suggestion, (typed, suggestion)
    assert small.search("foo:Bahnstriek").suggestion == "Bahnstreik"


def test_the_notice_names_the_unknown_fields_and_the_fields_there_are() -> None:
    notice = unknown_field_notice("datum:2025 foo:bar")
    assert notice is not None and "„datum:“, „foo:“" in notice and "gibt es nicht" in notice
    assert "titel, ort, person, org, jahr, monat" in notice
    assert unknown_field_notice("Ort: Berlin 14:30") is None


def test_unknown_fields_in_the_api_and_on_the_page(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "datum:2025"}).get_json()
    assert data["suggestion"] == "jahr:2025"
    assert client.get("/", query_string={"q": "Merz -datum:2025"}).status_code == 200
    merz = client.get("/api/search", query_string={"q": "Merz"}).get_json()["total"]
    assert client.get("/api/search", query_string={"q": "Merz -datum:2025"}).get_json()["total"] == merz
    assert data["unknown_fields"] == ["datum"]
    assert client.get("/api/search", query_string={"q": "Merz"}).get_json()["unknown_fields"] == []
    page = client.get("/", query_string={"q": "datum:2025"}).get_data(as_text=True)
    assert "Das Suchfeld „datum:“ gibt es nicht: als Wörter gesucht." in page
    excluded = client.get("/", query_string={"q": "Merz -datum:2025"}).get_data(as_text=True)
    assert "„datum:“ gibt es nicht: mit „-“ davor schließt es nichts aus." in excluded


def test_the_cli_names_the_unknown_field(demo_index_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "Merz datum:2025", "--index", str(demo_index_path)])
    assert result.exit_code == 0, result.output
    assert "Das Suchfeld „datum:“ gibt es nicht: als Wörter gesucht." in result.output


# -- any query: a result or a QueryError ----------------------------------------------------------------

PIECES = ["AND", "OR", "NOT", "(", ")", "Merz", "Baku", "jahr:", "monat:", "datum:", "-datum:", "foo:", "abc",
          "2025", "2025-04", "[", "]", "TO", '"', ":", "-", "innen", "Lehrer:", "14:30", "*"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=8), st.booleans())
@example(["datum:", "datum:", "OR", "datum:"], True)  # suggested "datum:Datum" (a whole-suite run)
def test_any_query_searches_or_is_a_query_error(small: Index, pieces: list[str], glued: bool) -> None:
    text = ("" if glued else " ").join(pieces)
    try:
        result = small.search(text)
    except QueryError as error:
        assert error.german
        return
    assert result.total >= 0
    assert result.suggestion is None or not unknown_fields(result.suggestion)
    suggestion_basis(text), with_meant_fields(text), unknown_field_notice(text)


# -- a query without a letter or digit ----------------------------------------------------------------

@pytest.mark.parametrize("typed", ["🙂", "€", "%", "&", "!!!", "-", '""', "()", "„“", "…"])
def test_a_query_without_a_letter_or_digit_finds_nothing(small: Index, typed: str) -> None:
    """It listed every article ("5188 Treffer für „🙂“", found by a review), on both search paths."""
    assert small.search(typed).total == 0
    assert small.search(typed, facets=False).total == 0


def test_the_star_alone_and_an_empty_query_still_list_everything(small: Index) -> None:
    assert small.search("*").total == small.search("").total == small.search("  ").total == 4
    assert small.search("seit 2025").total == 2  # a date phrase alone: the period's articles


def test_the_page_and_the_api_answer_a_query_of_symbols_with_no_hits(client: FlaskClient) -> None:
    assert client.get("/api/search", query_string={"q": "🙂"}).get_json()["total"] == 0
    page = client.get("/", query_string={"q": "🙂"})
    assert page.status_code == 200 and "0 Treffer" in page.get_data(as_text=True)


def test_a_star_is_an_open_bound_of_a_year_range(small: Index) -> None:
    """``jahr:[* TO 2025]`` was a QueryError ("'*' is no year") after the checks of adec654."""
    assert ids(small.search("jahr:[* TO 2024]")) == ids(small.search("jahr:[TO 2024]")) == {"3", "4"}
    assert ids(small.search("jahr:[2025 TO *]")) == {"1", "2"}


@pytest.mark.parametrize("typed", ["jahr:[2025 TO ]", "jahr:[2025 TO  ]", "jahr:{2024 TO }", "jahr:[2025 TO * ]"])
def test_a_bound_of_spaces_is_an_open_bound(small: Index, typed: str) -> None:
    """"jahr:[2024 TO ]" found nothing, without an error, where "jahr:[2024 TO]" and "TO *]"
    find the years since (Whoosh read an empty word as the upper bound; a review of the docs)."""
    assert ids(small.search(typed)) == ids(small.search("jahr:[2025 TO]")) == {"1", "2"}
    assert ids(small.search("jahr:[  TO 2024]")) == {"3", "4"}


@pytest.mark.parametrize("typed", ["jahr:[ 2024 TO 2024]", "jahr:[2024 TO 2024 ]", "jahr:{ 2023 to 2025 }", "(jahr:[ 2024 TO 2024 ])"])
def test_a_bound_is_read_without_the_spaces_around_it(small: Index, typed: str) -> None:
    """"jahr:[ 2024 TO 2024]" found every year up to 2024: Whoosh compared the bound " 2024",
    which sorts before every year (a review)."""
    assert ids(small.search(typed)) == {"3", "4"}


def test_a_range_open_on_both_sides(small: Index) -> None:
    """Over the searched fields it bounds nothing and is left out (it expanded every word of the
    index: 2.5 s on 10,000 articles); in a field it is every value of the field; in quotes it
    is text."""
    assert ids(small.search("Merz [ TO ]")) == ids(small.search("Merz [* TO *]")) == ids(small.search("Merz"))
    assert small.search("jahr:[* TO *]").total == small.search("jahr:[TO]").total == 4
    from searchkit.parsing import _ranges_as_read

    assert _ranges_as_read('"Merz [ TO ]" jahr:[ 2024 TO *]') == '"Merz [ TO ]" jahr:[2024 TO]'


def test_a_colon_with_nothing_after_it_is_no_part_of_a_suggestion() -> None:
    """"datum:" gave "Meinten Sie: darum:?" (a review): the colon is not searched either."""
    assert suggestion_basis("datum:") == "datum"
    assert suggestion_basis("Merz datum:") == "Merz datum"
    assert suggestion_basis("Ort: Berlin") == "Ort: Berlin"  # a headline's colon, as typed
    assert suggestion_basis("titel:Merz") == "titel:Merz"  # field syntax stays


@pytest.mark.parametrize("typed", ["Merz AND seit 2025", "Merz AND", "seit 2025 AND Merz", "Merz OR", "Merz AND AND",
                                   "  Merz   OR  "])
def test_the_words_searched_are_told_without_a_dangling_operator(small: Index, typed: str) -> None:
    """"Trump AND seit März 2026" searched "Trump" and told "Trump AND" as its words (the date
    phrase taken out left the AND with nothing to join; a review of the docs)."""
    assert small.search(typed).to_dict()["query_text"] == "Merz"
    assert small.search(typed, facets=False).to_dict()["query_text"] == "Merz"


def test_the_words_searched_are_told_as_the_search_reads_them(small: Index) -> None:
    """"(Trump AND)" was told "(Trump  )", and operators left alone beside a date phrase were
    told as words though the period's articles were listed (a review)."""
    assert small.search("(Merz AND)").to_dict()["query_text"] == "(Merz)"
    assert small.search("Merz AND AND Berlin").to_dict()["query_text"] == "Merz AND Berlin"
    dated = small.search("AND seit 2025")
    assert dated.to_dict()["query_text"] == "" and ids(dated) == ids(small.search("seit 2025"))
    assert small.search("AND").to_dict()["query_text"] == "AND"  # (it finds nothing)
