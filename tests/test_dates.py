"""Dates: publication strings, mentioned periods and query phrases, each pattern pinned with German
examples; precision is never invented; relative phrases need a reference; nothing raises on
arbitrary input; the labelled set stays above 95 %."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit.dates import DateQuery, extract_mentioned_dates, parse_date, parse_date_bound, parse_query_dates
from searchkit.errors import DateError
from searchkit.evaluate.dates import DEFAULT_PATH, evaluate_dates, format_date_table
from searchkit.model import Precision, PubDate

TODAY = date(2026, 11, 23)  # a Monday
DAY = PubDate.from_iso


def values(dates: list[PubDate]) -> list[str]:
    return [d.value for d in dates]


# --------------------------------------------------------------------------------------------
# parse_date: publication strings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2025", "2025", Precision.YEAR),
        ("2025-04", "2025-04", Precision.MONTH),
        ("2025-04-10", "2025-04-10", Precision.DAY),
        ("2025-04-10T14:30:00+02:00", "2025-04-10T14:30", Precision.TIME),  # local time as written
        ("2025-04-10T14:30:00Z", "2025-04-10T14:30", Precision.TIME),
        ("2025-04-10 14:30", "2025-04-10T14:30", Precision.TIME),
        ("20250410", "2025-04-10", Precision.DAY),
        ("Tue, 10 Nov 2020 14:30:00 +0100", "2020-11-10T14:30", Precision.TIME),
        ("Mon, 03 Mar 2025 08:00:00 GMT", "2025-03-03T08:00", Precision.TIME),
        ("10 Nov 2020", "2020-11-10", Precision.DAY),
        ("10. November 2020", "2020-11-10", Precision.DAY),
        ("Dienstag, 10. November 2020, 14:30 Uhr", "2020-11-10T14:30", Precision.TIME),
        ("10.11.2020", "2020-11-10", Precision.DAY),
        ("10.11.20", "2020-11-10", Precision.DAY),
        ("10.11.2020, 14 Uhr", "2020-11-10T14:00", Precision.TIME),
        ("Nov. 2020", "2020-11", Precision.MONTH),
        ("November 2020", "2020-11", Precision.MONTH),
        ("Jänner 2024", "2024-01", Precision.MONTH),
        ("11/2020", "2020-11", Precision.MONTH),
        ("Mitte März 2025", "2025-03", Precision.MONTH),
        ("Ende 2024", "2024", Precision.YEAR),
        ("Sommer 2024", "2024", Precision.YEAR),
        ("im Jahr 2019", "2019", Precision.YEAR),
        ("Stand: 10.11.2020, 14:30 Uhr", "2020-11-10T14:30", Precision.TIME),
        ("Veröffentlicht am 3. März 2025", "2025-03-03", Precision.DAY),
        ("November 10, 2020", "2020-11-10", Precision.DAY),
        ("13/10/2025", "2025-10-13", Precision.DAY),
    ],
)
def test_parse_date_forms(text: str, value: str, precision: Precision) -> None:
    result = parse_date(text)
    assert result == PubDate(value, precision), text


@pytest.mark.parametrize("text", ["März 2025", "2025-03", "Nov. 2020"])
def test_month_only_stays_month(text: str) -> None:
    result = parse_date(text)
    assert result is not None and result.precision == Precision.MONTH
    assert result.label() in ("März 2025", "November 2020")


def test_year_only_and_end_of_year_stay_year() -> None:
    # "Ende 2024" is a part of 2024 whose month is unknown: the smallest period that surely
    # contains it is the year, not December (that would be a guess).
    for text in ("2024", "Ende 2024", "Anfang 2024", "Herbst 2024", "im ersten Quartal 2024"):
        assert parse_date(text) == PubDate("2024", Precision.YEAR), text


@pytest.mark.parametrize(
    "text",
    ["31.02.2025", "30.02.2024", "29.02.2025", "2025-13", "2025-02-31", "0000", "99999", "32.01.2024", "2025-04-10T25:00"],
)
def test_absurd_dates_are_none_with_a_log_record(text: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="searchkit.dates"):
        assert parse_date(text) is None
    assert any(text in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("text", ["die", "Die", "mit sechs", "und die", "abc", "", "   ", "Artikel 5", "G20-Gipfel", "04/10/2025"])
def test_no_false_publication_dates(text: str) -> None:
    assert parse_date(text) is None


def test_leap_day_is_valid_in_leap_years() -> None:
    assert parse_date("29.02.2024") == DAY("2024-02-29")


def test_relative_publication_dates_need_a_reference() -> None:
    for text in ("gestern", "heute", "vor drei Tagen"):
        assert parse_date(text) is None
    assert parse_date("gestern", reference=TODAY) == DAY("2026-11-22")
    assert parse_date("heute, 14:30 Uhr", reference=TODAY) == PubDate("2026-11-23T14:30", Precision.TIME)
    assert parse_date("vor drei Tagen", reference=TODAY) == DAY("2026-11-20")
    assert parse_date("vor 2 Jahren", reference=TODAY) == PubDate("2024", Precision.YEAR)
    assert parse_date("vor 3 Stunden", reference=TODAY) is None  # the day is unknown near midnight


def test_two_digit_years_never_land_in_the_future() -> None:
    assert parse_date("10.11.20", reference=date(2026, 1, 1)) == DAY("2020-11-10")
    assert parse_date("10.11.98", reference=date(2026, 1, 1)) == DAY("1998-11-10")


# --------------------------------------------------------------------------------------------
# parse_date_bound: user-typed from/to
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("2025", "2025"), ("2025-04", "2025-04"), ("2025-04-10", "2025-04-10"), ("10.04.2025", "2025-04-10"), ("April 2025", "2025-04"), ("Ende 2024", "2024-10")],
)
def test_date_bounds(text: str, value: str) -> None:
    assert parse_date_bound(text).value == value


@pytest.mark.parametrize("text", ["31.02.2025", "morgen?", "abc", "", "2025-13", "Veröffentlicht irgendwann 2025 oder so"])
def test_bad_bounds_raise_a_clear_date_error(text: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date_bound(text)
    # English for the API and the command line (a review found German there), German for the page
    assert "date" in str(error.value) and "Datum" not in str(error.value) and "Datum" in error.value.german


@pytest.mark.parametrize(("text", "says"), [
    ("31.02.2025", "gibt es im Kalender nicht"), ("2025-13-01", "gibt es im Kalender nicht"),
    # real days outside the years searchkit reads were "not in the calendar" (found by a review)
    ("9999-12-31", "Jahre 1000 bis 2999"), ("3000", "Jahre 1000 bis 2999"), ("0999", "Jahre 1000 bis 2999"),
    ("Dezember 9999", "Jahre 1000 bis 2999"),
])
def test_an_impossible_bound_says_why(text: str, says: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date_bound(text)
    assert says in error.value.german


def test_relative_bound_uses_today() -> None:
    assert parse_date_bound("gestern", today=TODAY) == DAY("2026-11-22")


# --------------------------------------------------------------------------------------------
# extract_mentioned_dates
# --------------------------------------------------------------------------------------------

REF_DAY = PubDate.from_iso("2025-07-16")  # a Wednesday
REF_MONTH = PubDate.from_iso("2025-07")


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("beide Parteien hatten am 10. November 2020 ein Abkommen unterzeichnet", None, ["2020-11-10"]),
        ("Am Dienstag, dem 10. November 2020, unterzeichneten sie.", None, ["2020-11-10"]),
        ("Das Abkommen vom 10.11.2020 gilt.", None, ["2020-11-10"]),
        ("Der Bericht vom 2025-03-14 nennt keine Zahlen.", None, ["2025-03-14"]),
        ("Im März 2025 kam es zu Protesten.", None, ["2025-03"]),
        ("Mitte März 2025 trafen sich die Delegationen.", None, ["2025-03"]),
        ("die Ende 2024 das Assad-Regime stürzte", None, ["2024"]),
        ("Seit 2015 regiert die Partei.", None, ["2015"]),
        ("Zwischen 2020 und 2022 stiegen die Preise.", None, ["2020", "2022"]),
        ("Der Gipfel fand vom 10. bis 12. Juni 2024 statt.", None, ["2024-06-10", "2024-06-12"]),
        ("Bereits 1999 hatte die Nato eingegriffen.", None, ["1999"]),
        ("Im Winter 2024/25 fehlte Gas.", None, ["2024", "2025"]),
        ("Am Dienstag einigten sie sich.", REF_DAY, ["2025-07-15"]),
        ("Am Mittwoch sagte der Präsident", REF_DAY, ["2025-07-16"]),
        ("Am vergangenen Mittwoch wurde die Grenze geschlossen.", REF_DAY, ["2025-07-09"]),
        ("Am kommenden Freitag wird abgestimmt.", REF_DAY, ["2025-07-18"]),
        ("Am Donnerstag sollen die Gespräche weitergehen.", REF_DAY, ["2025-07-17"]),
        ("Gestern sagte der Präsident", REF_DAY, ["2025-07-15"]),
        ("Die Abstimmung ist für morgen angesetzt.", REF_DAY, ["2025-07-17"]),
        ("Vor drei Tagen wurde der Botschafter einbestellt.", REF_DAY, ["2025-07-13"]),
        ("Vergangene Woche reiste er nach Ankara.", REF_DAY, ["2025-07"]),  # 7.–13. July
        ("Vor zwei Wochen hatte die Regierung gewarnt.", REF_DAY, ["2025"]),  # 30 June – 6 July
        ("der im vergangenen September eskaliert war", REF_MONTH, ["2024-09"]),
        ("im kommenden Jahr sollen Wahlen stattfinden", REF_MONTH, ["2026"]),
        ("Vergangenen Monat wurden zwei Journalisten verhaftet.", REF_MONTH, ["2025-06"]),
        ("Im Mai vergangenen Jahres begann die Offensive.", REF_MONTH, ["2024-05"]),
        ("Die Gespräche sollen im Dezember fortgesetzt werden.", REF_MONTH, ["2025-12"]),
        ("Seit dem 1. Januar gilt das Gesetz.", REF_DAY, ["2025-01-01"]),
        ("Im Dezember war die Lage noch ruhig.", PubDate.from_iso("2025-01-02"), ["2024-12"]),
    ],
)
def test_mentioned_patterns(text: str, reference: PubDate | None, expected: list[str]) -> None:
    assert values(extract_mentioned_dates(text, reference)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Am Dienstag einigten sie sich.",
        "Gestern wurde unterzeichnet.",
        "Vor drei Tagen wurde er festgenommen.",
        "Vergangene Woche reiste er nach Ankara.",
    ],
)
def test_day_relative_mentions_need_a_day_reference(text: str) -> None:
    assert extract_mentioned_dates(text) == []
    assert extract_mentioned_dates(text, REF_MONTH) == []
    assert extract_mentioned_dates(text, PubDate.from_iso("2025")) == []


def test_month_relative_mentions_need_a_month_reference() -> None:
    text = "Im vergangenen September eskalierte der Konflikt."
    assert extract_mentioned_dates(text) == []
    assert extract_mentioned_dates(text, PubDate.from_iso("2025")) == []
    assert values(extract_mentioned_dates(text, REF_MONTH)) == ["2024-09"]


@pytest.mark.parametrize(
    "text",
    [
        "Die Türkei und die Region.",
        "Eine Plattform mit sechs Ländern.",
        "Der Artikel 5 des Nato-Vertrags.",
        "Beim G20-Gipfel trafen sie sich.",
        "Die Armee zerstörte um 300 Dörfer.",
        "Rund 1500 Soldaten wurden verlegt.",
        "Mehr als 2000 Menschen demonstrierten.",
        "Die Kosten liegen bei bis zu 2000 Euro.",
        "August Bebel gründete die Partei.",
        "Am Morgen versammelten sich Demonstranten.",
        "Die letzte Woche des Wahlkampfs hat begonnen.",
        "Das berichtete die Bild am Sonntag.",
        "Version 2.10.4 behebt den Fehler.",
        "Ein 31.02.2025 steht in keinem Kalender.",
    ],
)
def test_no_junk_mentions(text: str) -> None:
    assert extract_mentioned_dates(text, REF_DAY) == []


def test_mentioned_dates_are_sorted_and_deduplicated() -> None:
    text = "Am 10. November 2020 und erneut am 10.11.2020; im März 2025 und 2019 wurde verhandelt."
    assert values(extract_mentioned_dates(text)) == ["2019", "2020-11-10", "2025-03"]


def test_seed_article_002_mentions(seeds: Path) -> None:
    path = next(seeds.glob("002_*.txt"))
    text = path.read_text(encoding="utf-8")
    published = PubDate.from_iso(text.split()[1])
    mentioned = extract_mentioned_dates(text, reference=published)
    assert PubDate("2020-11-10", Precision.DAY) in mentioned
    assert PubDate("2020-11-01", Precision.DAY) not in mentioned  # dateparser's lost day
    # "am Dienstag" needs a day reference (the seed is dated 2025-07): skipped, not guessed;
    # "im vergangenen September" is September 2024; nothing for "die" or "mit sechs".
    assert values(mentioned) == ["2020-11-10", "2024-09"]


def test_seed_article_000_mentions(seeds: Path) -> None:
    text = next(seeds.glob("000_*.txt")).read_text(encoding="utf-8")
    assert values(extract_mentioned_dates(text, reference=PubDate.from_iso("2025-04"))) == ["2024"]


FRIDAY = PubDate.from_iso("2025-11-21")  # a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Deadlines, the day something is set for, starts: the next one (or today).
        ("Trump setzt Selenskyj Frist bis Donnerstag", ["2025-11-27"]),
        ("Trump setzt Hamas Frist bis Sonntagabend", ["2025-11-23"]),
        ("Die Abstimmung ist für Montag angesetzt.", ["2025-11-24"]),
        ("Die Regelung gilt ab Montag.", ["2025-11-24"]),
        ("Die Antwort muss spätestens am Dienstag vorliegen.", ["2025-11-25"]),
        ("Die Sperrung dauert bis Freitag.", ["2025-11-21"]),  # today
        ("Am kommenden Montag wird abgestimmt.", ["2025-11-24"]),
        # Future tense in the weekday's clause.
        ("Die Minister werden am Montag in Brüssel beraten.", ["2025-11-24"]),
        # A plain "bis" is no cue: past events "until Monday" (a review found a first version that
        # read every "bis" as a deadline dating them a week ahead, past verbs being too many to list).
        ("Bis Donnerstag wurden 65 Straftaten gezählt.", ["2025-11-20"]),
        ("Die Polizei ermittelte bis Montag gegen den Mann.", ["2025-11-17"]),
        ("Die Ausstellung lief bis Sonntag.", ["2025-11-16"]),
        ("Die Straße war z. B. bis Montag gesperrt.", ["2025-11-17"]),
        ("Bis Sonntagmorgen, 6 Uhr, wurden 65 Straftaten gezählt.", ["2025-11-16"]),
        ("Die Messe lief vom Montag bis Mittwoch.", ["2025-11-17", "2025-11-19"]),
        ("Die Sitzung wurde für Dienstag angesetzt.", ["2025-11-25"]),
        ("Die Hamas hat ein Ultimatum bis Sonntagabend.", ["2025-11-23"]),
        # "von … bis" is a range, no deadline; present tense alone keeps the past default.
        ("Die Umfrage lief von Montag bis Mittwoch dieser Woche.", ["2025-11", "2025-11-19"]),
        ("Verdi streikt am Donnerstag", ["2025-11-20"]),
        ("In Baden-Württemberg will ver.di erst am Montag entscheiden, ob gestreikt wird.", ["2025-11-24"]),
    ],
)
def test_weekday_direction_follows_cues(text: str, expected: list[str]) -> None:
    assert values(extract_mentioned_dates(text, FRIDAY)) == expected


def test_each_mention_of_a_weekday_keeps_its_own_reading() -> None:
    # A review found that making one article read one weekday one way moved past events to
    # the next week whenever another mention of that weekday spoke of the future.
    for text in ("Am Montag stimmte der Bundestag ab. Am Montag soll der Bundesrat folgen.",
                 "Am Montag streikten die Piloten. Ab Montag gilt ein neuer Tarif."):
        assert values(extract_mentioned_dates(text, FRIDAY)) == ["2025-11-17", "2025-11-24"], text
    text = "Am vergangenen Montag begann der Prozess. Am kommenden Montag fällt das Urteil. Am Montag tagt der Rat."
    assert values(extract_mentioned_dates(text, PubDate.from_iso("2025-11-24"))) == [
        "2025-11-17", "2025-11-24", "2025-12-01"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Richtlinie 2012/34/EU regelt den Eisenbahnmarkt.", []),
        ("Die Richtlinie 1999/44/EG und die Richtlinie 85/337/EWG", []),
        ("Der Digital Services Act, Verordnung (EU) 2022/2065, gilt.", []),
        ("Die Verordnung (EG) Nr. 1907/2006 heißt Reach.", []),
        ("In der Saison 2023/24 stieg der Verein ab.", ["2023", "2024"]),
        ("Zur Jahreswende 2025/2026 dürfte die Lage besser sein.", ["2025", "2026"]),
    ],
)
def test_legal_act_numbers_are_not_years(text: str, expected: list[str]) -> None:
    assert values(extract_mentioned_dates(text, FRIDAY)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On March 3, 2024, the company announced", ["2024-03-03"]),
        ("The ruling of 3 March 2024 was upheld.", ["2024-03-03"]),
        ("Der Brief vom May 12th, 2022 liegt vor.", ["2022-05-12"]),
        ("The 3rd of December 2023", ["2023-12-03"]),
        ("Theresa May 2019 trat zurück.", ["2019"]),  # a name, not a month
    ],
)
def test_english_dates_keep_their_day(text: str, expected: list[str]) -> None:
    assert values(extract_mentioned_dates(text)) == expected


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("2025-04-15", "2025-10-15"),  # exactly half a year either way: the reference year
        ("2025-04", "2025-10-15"),  # the same with a month reference
        ("2025-04-16", "2025-10-15"),  # a day less than half a year ahead
        ("2025-04-14", "2024-10-15"),  # a day less than half a year back
    ],
)
def test_day_without_year_breaks_ties_like_a_month(reference: str, expected: str) -> None:
    assert values(extract_mentioned_dates("am 15. Oktober", PubDate.from_iso(reference))) == [expected]
    if len(reference) == 7:
        assert values(extract_mentioned_dates("im Oktober", PubDate.from_iso(reference))) == ["2025-10"]


def test_week_across_a_month_boundary_is_its_year() -> None:
    # Documented: 27 July – 2 August 2026 lies in no single month; a guessed month could hide
    # the article from a filter, the year cannot.
    assert values(extract_mentioned_dates("vergangene Woche", PubDate.from_iso("2026-08-03"))) == ["2026"]


def test_mention_extraction_is_fast() -> None:
    sentence = (
        "Die Türkei gilt als wichtiger Unterstützer Aserbaidschans im Karabach-Konflikt mit Armenien, "
        "der im vergangenen September militärisch eskaliert war. Beide Parteien hatten am 10. November "
        "2020 ein Abkommen unterzeichnet; fast 300 Siedlungen und Dörfer wurden befreit. "
    )
    text = sentence * 20  # ~6 kB, a long article
    started = time.perf_counter()
    for _ in range(50):
        extract_mentioned_dates(text, REF_DAY)
    assert time.perf_counter() - started < 10  # generous: ~0.3 MB of text


# --------------------------------------------------------------------------------------------
# parse_query_dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "rest", "start", "end", "phrase", "label"),
    [
        ("Erdogan seit März 2025", "Erdogan", "2025-03", None, "seit März 2025", "seit März 2025"),
        ("Baku 2024", "Baku", "2024", "2024", "2024", "2024"),
        ("zwischen 2020 und 2022", "", "2020", "2022", "zwischen 2020 und 2022", "zwischen 2020 und 2022"),
        ("im Juli 2025", "", "2025-07", "2025-07", "im Juli 2025", "Juli 2025"),
        ("letzte Woche", "", "2026-11-16", "2026-11-22", "letzte Woche", "letzte Woche (16.–22. November 2026)"),
        ("letzten Monat", "", "2026-10", "2026-10", "letzten Monat", "letzten Monat (Oktober 2026)"),
        ("dieses Jahr", "", "2026", "2026", "dieses Jahr", "dieses Jahr (2026)"),
        ("vor 2023", "", None, "2022", "vor 2023", "vor 2023"),
        ("bis 2023", "", None, "2023", "bis 2023", "bis 2023"),
        ("nach 2023", "", "2024", None, "nach 2023", "nach 2023"),
        ("ab April 2024", "", "2024-04", None, "ab April 2024", "ab April 2024"),
        ("von März bis Mai 2025", "", "2025-03", "2025-05", "von März bis Mai 2025", "zwischen März 2025 und Mai 2025"),
        ("2020-2022", "", "2020", "2022", "2020-2022", "zwischen 2020 und 2022"),
        ("Bergkarabach 10.11.2020", "Bergkarabach", "2020-11-10", "2020-11-10", "10.11.2020", "10. November 2020"),
        ("vom 1. bis 10. März 2025", "", "2025-03-01", "2025-03-10", "vom 1. bis 10. März 2025", "1.–10. März 2025"),
        ("Ende 2024", "", "2024-10", "2024-12", "Ende 2024", "Ende 2024 (zwischen Oktober 2024 und Dezember 2024)"),
        ("im Mai", "", "2026-05", "2026-05", "im Mai", "Mai 2026"),
        ("im Dezember", "", "2025-12", "2025-12", "im Dezember", "Dezember 2025"),
        ("Anschlag gestern", "Anschlag", "2026-11-22", "2026-11-22", "gestern", "gestern (22. November 2026)"),
        ("in den letzten 7 Tagen", "", "2026-11-16", "2026-11-23", "in den letzten 7 Tagen", None),
        ("am Dienstag", "", "2026-11-17", "2026-11-17", "am Dienstag", None),
        ("Wahl 2021 Türkei", "Wahl Türkei", "2021", "2021", "2021", "2021"),
    ],
)
def test_query_phrases(
    query: str, rest: str, start: str | None, end: str | None, phrase: str, label: str | None
) -> None:
    result = parse_query_dates(query, today=TODAY)
    assert result.query == rest
    assert result.start == (PubDate.from_iso(start) if start else None)
    assert result.end == (PubDate.from_iso(end) if end else None)
    assert result.phrase == phrase
    if label is not None:
        assert result.label == label


@pytest.mark.parametrize(
    "query",
    [
        "Mai",
        "Dienstag",
        "1. Mai Demonstration",
        "G20",
        "G20-Gipfel",
        "Artikel 5",
        "Artikel 2024",
        "300 Siedlungen",
        "um 300 Dörfer",
        "2000 Euro",
        "Euro 2024",
        "Agenda 2030",
        "Boeing 737",
        "1850",
        '"Baku 2024" Erdogan',
        "year:2024 Baku",
        "Baku NOT 2024",
        "Baku -2024",
        "die",
        "mit sechs",
        "31.02.2025",
        "",
    ],
)
def test_query_words_that_are_not_dates(query: str) -> None:
    assert parse_query_dates(query, today=TODAY) == DateQuery(query=query, start=None, end=None, phrase="", label="")


@pytest.mark.parametrize("query", [
    "Baku jahr:[2022 TO 2023]",
    "Baku year:[2022 TO 2023]",
    "Baku monat:[2023-01 TO 2023-06]",
    "Baku [2022 TO 2023]",
    "Baku {2022 TO 2023]",
    "Baku jahr: [2022 TO 2023]",  # no field syntax with the space, still a range
    "Baku [2022 TO",  # being typed
    "[2022 TO 2023] Baku",
])
def test_ranges_in_brackets_are_left_to_the_query_parser(query: str) -> None:
    """Found by a review: "2022" inside a bare range was read as a date and cut out, leaving
    the parser "[ TO 2023]"."""
    assert parse_query_dates(query, today=TODAY) == DateQuery(query=query, start=None, end=None, phrase="", label="")


@pytest.mark.parametrize(("query", "rest", "start", "end"), [
    ("Baku jahr:2023", "Baku jahr:2023", None, None),  # a field's value stays the parser's
    ("Baku 2023", "Baku", "2023", "2023"),
    ("Baku [Eilmeldung] 2023", "Baku [Eilmeldung]", "2023", "2023"),  # after a closed bracket: read
])
def test_years_outside_brackets_are_read_as_before(query: str, rest: str, start: str | None, end: str | None) -> None:
    result = parse_query_dates(query, today=TODAY)
    assert (result.query, result.start, result.end) == (
        rest, PubDate.from_iso(start) if start else None, PubDate.from_iso(end) if end else None
    )


@pytest.mark.parametrize(("query", "start", "end"), [
    ("Anfang 2023", "2023-01", "2023-03"),
    ("Beginn 2023", "2023-01", "2023-03"),
    ("Mitte 2023", "2023-05", "2023-08"),
    ("Ende 2023", "2023-10", "2023-12"),
    ("Ende des Jahres 2023", "2023-10", "2023-12"),
    ("Frühjahr 2023", "2023-03", "2023-05"),
    ("Frühling 2023", "2023-03", "2023-05"),
    ("im Sommer 2023", "2023-06", "2023-08"),
    ("Herbst 2023", "2023-09", "2023-11"),
    ("Winter 2023", "2023-12", "2024-02"),  # the winter that begins in 2023
    ("Winter 2022/23", "2022-12", "2023-02"),
    ("im ersten Quartal 2023", "2023-01", "2023-03"),
    ("Q1 2023", "2023-01", "2023-03"),
    ("Q4 2023", "2023-10", "2023-12"),
    ("3. Quartal 2023", "2023-07", "2023-09"),
    ("im zweiten Quartal des Jahres 2023", "2023-04", "2023-06"),
    ("erste Jahreshälfte 2023", "2023-01", "2023-06"),
    ("in der zweiten Jahreshälfte 2023", "2023-07", "2023-12"),
    ("im ersten Halbjahr 2023", "2023-01", "2023-06"),
    ("Ende letzten Jahres", "2025-10", "2025-12"),
    ("seit Ende 2023", "2023-10", None),
    ("bis Anfang 2023", None, "2023-03"),
    ("nach dem Sommer 2023", "2023-09", None),
    ("vor dem Sommer 2023", None, "2023-05"),
])
def test_a_part_of_a_year_is_its_months(query: str, start: str | None, end: str | None) -> None:
    """Found by a review: "Anfang 2023", "Sommer 2023", "im ersten Quartal 2023" filtered the
    whole year 2023 (and "Q1"/"erste Jahreshälfte" stayed words every hit had to hold)."""
    result = parse_query_dates(f"Baku {query}", today=TODAY)
    assert (result.query, result.phrase) == ("Baku", query)
    assert result.start == (PubDate.from_iso(start) if start else None)
    assert result.end == (PubDate.from_iso(end) if end else None)
    assert result.label.startswith(f"{query} (")  # says which months


@pytest.mark.parametrize(("query", "start", "end"), [
    ("Anfang März 2023", "2023-03", "2023-03"),  # a part of a month stays the month
    ("Sommer 2022/23", "2022", "2023"),  # two years: no part of one
    ("dritte Jahreshälfte 2023", "2023", "2023"),  # names no months
])
def test_parts_that_name_no_months_of_one_year_keep_their_bounds(query: str, start: str, end: str) -> None:
    result = parse_query_dates(query, today=TODAY)
    assert (result.start, result.end) == (PubDate.from_iso(start), PubDate.from_iso(end))


def test_month_precision_in_queries_is_kept() -> None:
    result = parse_query_dates("seit März 2025", today=TODAY)
    assert result.start is not None and result.start.precision == Precision.MONTH


@pytest.mark.parametrize(("query", "rest", "phrase"), [
    # a time after a day was left as words every hit had to hold (found by a review)
    ("Baku am 23.02.2025 um 18:00 Uhr", "Baku", "am 23.02.2025 um 18:00 Uhr"),
    ("am 23.02.2025, 9.30 Uhr Gipfel", "Gipfel", "am 23.02.2025, 9.30 Uhr"),
    ("am 23.02.2025 um 18 Uhr", "", "am 23.02.2025 um 18 Uhr"),
    ("am 23.02.2025 2:1 Sieg", "2:1 Sieg", "am 23.02.2025"),  # a score, not a time
    ("seit 2024 um 18:00", "um 18:00", "seit 2024"),  # a time belongs to a day only
])
def test_a_time_of_day_belongs_to_the_date_phrase(query: str, rest: str, phrase: str) -> None:
    result = parse_query_dates(query, today=TODAY)
    assert (result.query, result.phrase) == (rest, phrase)


def test_query_uses_today_by_default() -> None:
    result = parse_query_dates("dieses Jahr")
    assert result.start == PubDate.of_year(date.today().year)


# --------------------------------------------------------------------------------------------
# Robustness (hypothesis)
# --------------------------------------------------------------------------------------------

DATEISH = [
    "seit", "bis", "ab", "vor", "nach", "im", "am", "zwischen", "und", "von", "Ende", "Anfang",
    "März", "Mai", "Dezember", "Nov.", "2024", "2020-2022", "10.11.2020", "10.", "1.", "31.02.2025",
    "Dienstag", "letzte", "Woche", "Monat", "Jahr", "gestern", "heute", "morgen", "drei", "Tagen",
    "vergangenen", "kommenden", "Baku", "Erdogan", "G20", '"', "year:2024", "NOT", "-", "(", ")",
    "2025-04", "9999", "0000", "1900", "Jahres", "Vorjahr", "Euro", "der", "dem",
    "Sommer", "Winter", "Q1", "ersten", "Quartal", "Jahreshälfte", "2022/23", "[", "]", "{", "TO", "jahr:[2022",
    # the query phrases of a later review: seasons, parts of "des Jahres", two-digit years,
    # half years, calendar weeks, abbreviations without a dot, operators beside a phrase
    "seit", "im", "letzten", "diesen", "vorletzten", "Herbst", "Anfang", "Mitte", "Ende", "des", "Sep",
    "Sept.", "Mrz", "26", "'25", "H1", "H2", "KW", "10/2026", "AND", "OR", "ANDNOT", "Trump", "Ron",
    "Festival", "Wasserstoff", "Tote", "Uhr",
]
queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(DATEISH), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(DATEISH), st.text(max_size=6)), max_size=10).map(" ".join),
)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries, st.dates(min_value=date(1001, 1, 1), max_value=date(9998, 12, 31)))
def test_parse_query_dates_never_raises_nor_loses_words(query: str, today: date) -> None:
    result = parse_query_dates(query, today=today)
    assert isinstance(result, DateQuery)
    if result.start is None and result.end is None:
        assert result.query == query and not result.phrase
    else:
        assert result.phrase and result.label
        assert not (words(query) - words(result.phrase)) - words(result.query)


@settings(max_examples=300, deadline=None)
@given(queries, st.one_of(st.none(), st.dates()))
def test_parse_date_never_raises(text: str, reference: date | None) -> None:
    result = parse_date(text, reference=reference)
    assert result is None or isinstance(result, PubDate)


@settings(max_examples=300, deadline=None)
@given(
    queries,
    st.one_of(
        st.none(),
        st.builds(lambda d, p: PubDate(d.isoformat()[: {"year": 4, "month": 7, "day": 10}[p]], Precision(p)),
                  st.dates(), st.sampled_from(["year", "month", "day"])),
    ),
)
def test_extract_mentioned_dates_never_raises(text: str, reference: PubDate | None) -> None:
    result = extract_mentioned_dates(text, reference)
    assert result == sorted(set(result))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_parse_date_bound_raises_only_date_errors(text: str) -> None:
    try:
        assert isinstance(parse_date_bound(text), PubDate)
    except DateError:
        pass


# --------------------------------------------------------------------------------------------
# Evaluation on the labelled set
# --------------------------------------------------------------------------------------------


def test_labelled_set_reaches_95_percent() -> None:
    result = evaluate_dates()
    assert result["total"] >= 220
    assert set(result["per_kind"]) == {"publication", "mentioned", "query"}
    # every row, as the README says: the 95 % this asserted let eight query rows fall behind
    # a documented change of reading ("Ende 2024" became October–December) unseen
    assert result["correct"] == result["total"], format_date_table(result)
    assert result["expressions_per_second"] > 0
    table = format_date_table(result)
    assert "overall" in table and "expressions/s" in table


def test_evaluation_reads_any_file_in_the_layout(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(
        "kind\ttext\treference\texpected\n"
        "publication\tMärz 2025\t\t2025-03-15\n"  # a wrong expectation (invented day) fails
        "mentioned\tAm Dienstag kam es zu Protesten.\t2025-07-16\t2025-07-15\n"
        "query\tBaku seit 2024\t2026-11-23\t2024..\n",
        encoding="utf-8",
    )
    result = evaluate_dates(path)
    assert result["total"] == 3 and result["correct"] == 2
    assert result["failures"][0]["got"] == "2025-03"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a byte-order mark (was "header must be …")
    assert evaluate_dates(path)["total"] == 3


def test_evaluation_rejects_a_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("kind\ttext\treference\texpected\nquery\tBaku 2024\n", encoding="utf-8")
    with pytest.raises(DateError):
        evaluate_dates(path)


def test_shipped_set_covers_negatives_and_every_kind() -> None:
    rows = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()[1:]
    kinds = Counter(row.split("\t")[0] for row in rows)
    assert min(kinds.values()) >= 60
    assert sum(row.endswith("\t-") for row in rows) >= 40


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [("Herbst 2024", "2024-09", "2024-11"), ("Q2 2024", "2024-04", "2024-06"), ("2. Halbjahr 2024", "2024-07", "2024-12"),
     ("Winter 2024", "2024-12", "2025-02"), ("Ende 2024", "2024-10", "2024-12"), ("erstes Quartal 2024", "2024-01", "2024-03")],
)
def test_a_part_of_a_year_as_a_bound_is_its_first_or_last_month(typed: str, start: str, end: str) -> None:
    """Found by a review: Von/Bis read "Herbst 2024" as the whole year, without a word."""
    assert parse_date_bound(typed).value == start
    assert parse_date_bound(typed, side="end").value == end
    assert parse_date_bound("2024", side="end").value == "2024"  # a whole period stays itself


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [("Scholz von Sommer 2022 bis Ende 2023", "2022-06", "2023-12"),
     ("Hochwasser zwischen Sommer 2023 und Winter 2023", "2023-06", "2024-02"),
     ("Scholz zwischen 2022 und Ende 2023", "2022", "2023-12"),
     ("Krieg 2022 bis Anfang 2024", "2022", "2024-03")],
)
def test_a_range_with_a_part_of_a_year_on_either_side(query: str, start: str, end: str) -> None:
    """Found by a review: "von Sommer 2022 bis Ende 2023" was the summer of 2022 with "bis Ende
    2023" searched as words, "zwischen 2022 und Ende 2023" no date at all."""
    parsed = parse_query_dates(query, today=date(2026, 12, 6))
    assert (parsed.start.value, parsed.end.value) == (start, end)
    assert parsed.query == query.split()[0]


def test_jahresende_with_a_year_is_the_end_of_that_year() -> None:
    """Found by a review: "Bahnstreik Jahresende 2023" filtered the end of this year and searched
    "2023" as a word."""
    parsed = parse_query_dates("Bahnstreik Jahresende 2023", today=date(2026, 12, 6))
    assert (parsed.query, parsed.start.value, parsed.end.value) == ("Bahnstreik", "2023-10", "2023-12")
    alone = parse_query_dates("Bahnstreik Jahresende", today=date(2026, 12, 6))
    assert (alone.start.value, alone.end.value) == ("2026", "2026")  # this year, as before
    assert parse_date_bound("Jahresende 2024").value == "2024-10"


def test_a_bound_takes_the_search_boxs_relative_phrases() -> None:
    """Found by a review: the page's Von/Bis fields refused "letzte Woche", which the search box
    reads; a phrase of a period is its first day as a start and its last as an end."""
    from datetime import date

    from searchkit.dates import parse_date_bound

    today = date(2026, 12, 7)
    assert str(parse_date_bound("letzte Woche", today=today)) == "2026-11-30"
    assert str(parse_date_bound("letzte Woche", today=today, side="end")) == "2026-12-06"
    assert str(parse_date_bound("letzten Monat", today=today, side="end")) == "2026-11"
    assert str(parse_date_bound("seit Mai", today=today)) == "2026-05"
    for no_bound, side in (("seit Mai", "end"), ("März", "start"), ("Baku letzte Woche", "start")):
        with pytest.raises(DateError):
            parse_date_bound(no_bound, today=today, side=side)


@pytest.mark.parametrize(("text", "side", "since"), [
    ("März", "start", True), ("März", "end", False), ("Sommer", "start", True), ("Jan", "start", False),
    ("Ende", "end", False),
])
def test_a_bound_without_a_year_says_so(text: str, side: str, since: bool) -> None:
    """Found by a review: from=März was "Datum nicht erkannt", which did not tell what was
    missing (while from="seit Mai" is read)."""
    from searchkit.dates import parse_date_bound
    from searchkit.errors import DateError

    with pytest.raises(DateError) as error:
        parse_date_bound(text, side=side)
    assert "without a year" in str(error.value)
    assert f"Datum ohne Jahr: „{text}“" in error.value.german
    assert (f"„seit {text}“" in error.value.german) is since
