"""A review of the date phrases in queries on the real archive: phrases beside boolean
operators, common phrases that were read as words, parts of a month, and a month 13 in Von/Bis."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.dates import DateQuery, parse_date_bound, parse_query_dates
from searchkit.errors import DateError
from searchkit.model import PubDate

TODAY = date(2026, 5, 15)


def _read(query: str, today: date = TODAY) -> tuple[str, str | None, str | None]:
    result = parse_query_dates(query, today=today)
    return result.query, str(result.start) if result.start else None, str(result.end) if result.end else None


# --------------------------------------------------------------------------------------------
# 1. Boolean operators
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "rest", "start", "end"), [
    ("Trump AND seit März 2026", "Trump AND", "2026-03", None),
    ("Trump seit März 2026 OR Merz", "Trump OR Merz", "2026-03", None),
    ("Trump AND 2026", "Trump AND", "2026", "2026"),
    ("Türkei AND seit März 2023", "Türkei AND", "2023-03", None),
    ("Trump OR seit März 2026", "Trump OR", "2026-03", None),
    ("seit 2024 AND Merz", "AND Merz", "2024", None),
    ("Trump AND seit März 2026 AND Merz", "Trump AND AND Merz", "2026-03", None),
    ("seit 2024 NOT Merz", "NOT Merz", "2024", None),  # the NOT excludes Merz, not the period
])
def test_a_phrase_joined_by_and_or_at_the_end_of_an_or_is_the_filter(
    query: str, rest: str, start: str, end: str | None
) -> None:
    assert _read(query) == (rest, start, end)


@pytest.mark.parametrize(("query", "rest", "start", "end", "label"), [
    ("Trump NOT seit März 2026", "Trump", None, "2026-02", "nicht seit März 2026 (bis Februar 2026)"),
    ("Trump ANDNOT seit März 2026", "Trump", None, "2026-02", "nicht seit März 2026 (bis Februar 2026)"),
    ("Trump NOT vor 2020", "Trump", "2020", None, "nicht vor 2020 (ab 2020)"),
    ("Trump NOT bis 2024 Merz", "Trump Merz", "2025", None, "nicht bis 2024 (ab 2025)"),
    ("NOT nach 2023", "", None, "2023", "nicht nach 2023 (bis 2023)"),
])
def test_a_negated_half_open_period_is_the_bound_on_its_other_side(
    query: str, rest: str, start: str | None, end: str | None, label: str
) -> None:
    """Read as words, "Trump NOT seit März 2026" found nothing (every article with Trump, März
    and 2026 says "seit"; a review): the articles before March 2026 are what it asks for."""
    assert _read(query) == (rest, start, end)
    reading = parse_query_dates(query, today=TODAY)
    assert reading.label == label
    assert reading.phrase in query and reading.phrase.split()[0] in ("NOT", "ANDNOT")  # the suggestion keeps it


@pytest.mark.parametrize("query", [
    "Trump AND NOT 2026",  # a closed period would need two ranges: words
    "Trump NOT März 2026",
    'Trump NOT "seit März 2026"',
    "Trump NOT (seit März 2026)",
    "Trump AND NOT 2026",
    "Trump NOT 2026",
    "Trump -2026",
    "Trump !2026",
    "Trump OR 2026 OR Merz",  # one alternative among others
    "Wahl 2025 OR 2021",  # alternative years
    "Wahl 2025 OR Wahl 2021",
    "Trump AND (seit März 2026)",  # brackets and quotes stay the user's
    'Trump AND "seit März 2026"',
])
def test_a_negated_or_alternative_phrase_stays_words(query: str) -> None:
    assert parse_query_dates(query, today=TODAY) == DateQuery(query=query)


def test_a_negated_phrase_leaves_a_later_phrase_the_filter() -> None:
    assert _read("Trump NOT 2025 seit März 2026") == ("Trump NOT 2025", "2026-03", None)


# --------------------------------------------------------------------------------------------
# 2. Common phrases
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "start", "end"), [
    ("seit Sommer", "2025-06", None),  # the latest summer begun by today (as "seit Mai")
    ("seit Herbst", "2025-09", None),
    ("seit dem Frühjahr", "2026-03", None),
    ("im Sommer", "2025-06", "2025-08"),
    ("im Winter", "2025-12", "2026-02"),
    ("letzten Sommer", "2025-06", "2025-08"),
    ("vorletzten Sommer", "2024-06", "2024-08"),
    ("diesen Sommer", "2026-06", "2026-08"),  # the one of this year, not begun yet
    ("diesen Winter", "2026-12", "2027-02"),
    ("kommenden Winter", "2026-12", "2027-02"),
    ("seit dem letzten Sommer", "2025-06", None),
    ("Mitte des Jahres", "2026-05", "2026-08"),
    ("Anfang des Jahres", "2026-01", "2026-03"),
    ("seit Anfang des Jahres", "2026-01", None),
    ("Ende des Jahres 2025", "2025-10", "2025-12"),
    ("vorletztes Jahr", "2024", "2024"),
    ("vorletzten Monat", "2026-03", "2026-03"),
    ("vorletzte Woche", "2026-04-27", "2026-05-03"),
    ("Sep 2025", "2025-09", "2025-09"),
    ("Sept 2025", "2025-09", "2025-09"),
    ("Sept. 2025", "2025-09", "2025-09"),
    ("Mrz 2025", "2025-03", "2025-03"),
    ("H1 2025", "2025-01", "2025-06"),
    ("H2 2025", "2025-07", "2025-12"),
    ("KW 10 2026", "2026-03-02", "2026-03-08"),  # ISO week: Monday to Sunday
    ("KW 10/2026", "2026-03-02", "2026-03-08"),  # was October 2026 ("10/2026")
    ("KW10/26", "2026-03-02", "2026-03-08"),
    ("10. KW 2026", "2026-03-02", "2026-03-08"),
    ("KW 1 2026", "2025-12-29", "2026-01-04"),  # week 1 begins in December
    ("KW 30", "2025-07-21", "2025-07-27"),  # the latest week 30 begun
    ("März 26", "2026-03", "2026-03"),
    ("Mai '25", "2025-05", "2025-05"),
    ("5. März 26", "2026-03-05", "2026-03-05"),
    ("seit März 26", "2026-03", None),
])
def test_common_phrases_are_dates(query: str, start: str, end: str | None) -> None:
    assert _read(f"Baku {query}") == ("Baku", start, end)


def test_relative_phrases_say_what_they_were_read_as() -> None:
    assert parse_query_dates("seit Sommer", today=TODAY).label == "seit Sommer (ab Juni 2025)"
    assert parse_query_dates("KW 10 2026", today=TODAY).label == "KW 10 2026 (2.–8. März 2026)"


@pytest.mark.parametrize(("query", "today", "start", "end"), [
    ("im Sommer", date(2026, 7, 10), "2026-06", "2026-08"),  # under way
    ("letzten Sommer", date(2026, 7, 10), "2025-06", "2025-08"),
    ("diesen Winter", date(2026, 1, 10), "2025-12", "2026-02"),  # named by the year it begins
    ("letzten Winter", date(2026, 1, 10), "2024-12", "2025-02"),
])
def test_seasons_against_today(query: str, today: date, start: str, end: str) -> None:
    assert _read(query, today) == ("", start, end)


@pytest.mark.parametrize("query", [
    "Sommer Festival",
    "Ron Sommer",
    "Sommer",
    "Winterspiele",
    "H2 Wasserstoff",
    "H2",
    "KW",
    "Kraftwerk 500 KW",
    "Wort des Jahres",
    "Sportler des Jahres",
    "Mrz",
    "Jan Ullrich",
    "März 26:00",
])
def test_ordinary_words_stay_words(query: str) -> None:
    assert parse_query_dates(query, today=TODAY) == DateQuery(query=query)


def test_a_first_name_abbreviation_needs_its_dot() -> None:
    """"Jan 2024" may be a Jan: the year alone is the filter; "Jan. 2024" is January."""
    assert _read("Jan 2024") == ("Jan", "2024", "2024")
    assert _read("Jan. 2024") == ("", "2024-01", "2024-01")


def test_a_two_digit_number_that_counts_is_no_year() -> None:
    assert _read("im März 26 Tote") == ("26 Tote", "2026-03", "2026-03")
    assert _read("am 5. Mai 10 Uhr") == ("", "2026-05-05", "2026-05-05")


def test_a_season_before_a_year_is_its_part() -> None:
    assert _read("Sommer 2024") == ("", "2024-06", "2024-08")
    assert _read("Sommer letzten Jahres") == ("", "2025-06", "2025-08")
    assert _read("von Sommer 2022 bis Ende 2023") == ("", "2022-06", "2023-12")


def test_half_years_as_von_bis_bounds() -> None:
    assert parse_date_bound("H2 2025", side="start") == PubDate.from_iso("2025-07")
    assert parse_date_bound("H2 2025", side="end") == PubDate.from_iso("2025-12")


# --------------------------------------------------------------------------------------------
# 3. A part of a month
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "label"), [
    ("Trump Ende März 2026", "Ende März 2026 (März 2026)"),
    ("Anfang März 2026", "Anfang März 2026 (März 2026)"),
    ("Mitte März 2026", "Mitte März 2026 (März 2026)"),
    ("seit Ende März 2026", "seit Ende März 2026 (ab März 2026)"),
])
def test_a_part_of_a_month_keeps_the_month_and_says_so(query: str, label: str) -> None:
    result = parse_query_dates(query, today=TODAY)
    assert (str(result.start), result.label) == ("2026-03", label)


# --------------------------------------------------------------------------------------------
# 4. Von/Bis
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "month"), [
    ("2025-13", 13), ("2025-00", 0), ("13/2025", 13), ("2025-13-01", 13), ("1.13.2025", 13),
])
def test_a_bound_with_no_such_month_says_so(text: str, month: int) -> None:
    with pytest.raises(DateError) as error:
        parse_date_bound(text)
    assert f"no month {month}" in str(error.value)
    assert f"keinen Monat {month}" in error.value.german


def test_a_bound_with_no_such_day_still_says_day() -> None:
    with pytest.raises(DateError) as error:
        parse_date_bound("2025-02-30")
    assert "no such day" in str(error.value)


# --------------------------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------------------------


ORDINARY = st.lists(
    st.sampled_from(["Sommer", "Herbst", "Winter", "Ron", "Festival", "H2", "Wasserstoff", "KW", "Trump",
                     "Merz", "Baku", "AND", "OR", "des", "Jahres", "Wort", "Sportler", "Mitte", "Ende"]),
    min_size=1, max_size=6,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(ORDINARY)
def test_ordinary_words_never_become_a_date(query: str) -> None:
    """Season words and "des Jahres" need a preposition, a modifier or a part: "Ron Sommer",
    "Sommer Festival" and "Wort des Jahres" stay words (a part before "des Jahres" is a date)."""
    result = parse_query_dates(query, today=TODAY)
    if re.search(r"(Mitte|Ende|H2|Sommer|Herbst|Winter) des Jahres", query):  # a part: "H2 des Jahres" too
        return
    assert result == DateQuery(query=query)


@pytest.mark.parametrize(("query", "label", "rest"), [
    ("Was geschah seit März 2026?", "seit März 2026", "Was geschah ?"),
    ("Trump im März 2026?", "März 2026", "Trump ?"),
    ("Wer gewann 2025?!", "2025", "Wer gewann ?!"),
])
def test_a_question_mark_after_the_phrase_ends_the_question(query: str, label: str, rest: str) -> None:
    """People type questions: "2026?" was read as a wildcard glued to the phrase, and "Was geschah
    seit März 2026?" searched the words "seit", "März" and "2026?" (as the query parser reads
    such a mark: punctuation, ``parsing._QUESTION_MARK``)."""
    result = parse_query_dates(query, today=TODAY)
    assert (result.label, result.query) == (label, rest)


def test_a_question_mark_inside_a_word_stays_a_wildcard() -> None:
    assert parse_query_dates("Wahl 2025?x", today=TODAY).start is None


def test_the_question_mark_stays_after_a_word(fresh_index) -> None:  # type: ignore[no-untyped-def]
    """"…, 1979?" left ", ?", a one-letter wildcard: the search was a QueryError."""
    from searchkit import Document

    query = "Wie verlief der Versuch, ein Regionalparlament einzurichten, 1979?"
    assert parse_query_dates(query, today=TODAY).query == "Wie verlief der Versuch, ein Regionalparlament einzurichten ?"
    fresh_index.add([Document(id="a", title="Schottland", body="Der Versuch, 1979 ein Regionalparlament einzurichten, scheiterte.")])
    assert [hit.document.id for hit in fresh_index.search(query, today=TODAY).hits] == ["a"]


@pytest.mark.parametrize("query", ["2025?", "März 2026?", "seit März 2026?", "2025?!"])
def test_a_date_phrase_alone_with_a_question_mark_lists_its_period(query: str) -> None:
    """The mark left alone was a one-letter wildcard: a QueryError ("zu allgemein", a review)."""
    result = parse_query_dates(query, today=TODAY)
    assert result.query == "" and result.start is not None
