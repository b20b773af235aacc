"""Dates in German news text: publication dates, periods an article mentions, and German date
phrases typed into the search box.

Why this module exists instead of calling ``dateparser`` directly: measured on the seed articles,
``dateparser.search.search_dates`` calls "die", "mit sechs" or "und die" dates, turns
"am 10. November 2020" into 2020-11-01 and fills a missing day or month from *today*. A search
engine that shows "1. März 2025" for an article that only says "März 2025" is lying. So:

1. **Precision is exactly what the text says.** "März 2025" is a MONTH, "2024" a YEAR, a day is
   never invented, a month never guessed (:class:`~searchkit.model.PubDate` carries the
   precision).
2. **Smallest containing period.** A phrase for a part of a period that ``PubDate`` cannot
   represent ("Ende 2024", "Sommer 2024", "im ersten Quartal 2025", "vergangene Woche") becomes
   the smallest ``PubDate`` that surely contains it: "Ende 2024" is YEAR 2024 (not 2024-12,
   which would be a guess: "Ende 2024" is often November or the last weeks of the year), "Mitte
   März 2025" is MONTH 2025-03, a week that lies inside one month is that MONTH, a week across
   a month boundary is its YEAR. Overlap semantics in the search layer make this the honest
   choice: a YEAR filter still finds the article, a guessed month could hide it. A query's
   bounds are a range and can name months: there "Ende 2024" is October–December 2024
   (``_PART_MONTHS``).
3. **Relative phrases need a reference.** "gestern", "am Dienstag", "vor drei Tagen",
   "im vergangenen September", "letzte Woche" resolve only against a reference (publication date
   of the article, or *today* for queries), and only when the reference is precise enough:
   weekdays and days need a DAY reference, "vergangenen September" a MONTH reference, "im
   kommenden Jahr" any reference. Otherwise they are skipped, never guessed.
4. **Candidate spans first, own grammar.** One pass over the lower-cased text finds anchors
   (digits, month and weekday names, relative words); the rules (regular expressions plus a
   small resolver each) run only in short windows around the anchors of their kind, so most of
   an article is never looked at twice (about 2 MB/s of news text on one core). Overlapping
   matches are resolved by priority (absolute dates with a year first) and length.
   ``dateparser`` is only a guarded last resort for publication strings in no German form
   ("Tue Nov 10 14:30:00 2020"): the year, day and month it reports must literally occur in the
   string, and it may only refine what the grammar found. Running text never reaches it.
5. **Never raise on data.** Invalid dates ("31.02.2025", "0000") give ``None`` and a log record;
   only :func:`parse_date_bound` (user input for ``from``/``to``) raises :class:`DateError`.

Bare month names ("Mai", "August") are not dates on their own: "Mai" is also the 1st-of-May
topic, "August" a first name. They count only after a preposition or with a modifier ("im Mai",
"seit März", "vergangenen September"). A month or day named without a year resolves

* in running text to its occurrence *nearest* the reference ("im Dezember" in a July 2025
  article is December 2025, in a January 2025 article December 2024; a tie goes to the
  reference year), except after "seit", which points back (the most recent occurrence);
  "vergangenen"/"kommenden" pick the one before/after the reference month;
* in a query to the most recent occurrence not after today ("im Dezember" typed on 2026-11-23 is
  December 2025: one searches an archive, i.e. the past). "1. Mai" or "Mai" alone stay words.

A weekday ("am Dienstag") is the one on or before the reference day, as news mostly report the
past; when its sentence speaks of the future ("sollen", "wird", "angekündigt"), or "ab",
"spätestens" or a deadline ("Frist bis Donnerstag") precedes it, it is the next one on or after
the reference day (``_weekday_ahead``). Weeks are Monday–Sunday.

A day named without a year is measured against a day reference in calendar months (the day as
a fraction), so that a tie exactly half a year away goes to the reference year as it does for a
month. English dates count in running text only as full dates ("March 3, 2024", "3 March
2024"). The number of a legal act ("2012/34/EU", "(EU) 2022/2065") holds no year.
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from .errors import DateError
from .model import GERMAN_MONTHS, Precision, PubDate

__all__ = [
    "DateQuery",
    "extract_mentioned_dates",
    "held_date_warnings",
    "parse_date",
    "parse_date_bound",
    "parse_query_dates",
]

logger = logging.getLogger(__name__)

#: The list that :func:`held_date_warnings` collects into in this thread (or task), else None.
_HELD_RECORDS: ContextVar[list[logging.LogRecord] | None] = ContextVar("searchkit_dates_held", default=None)


def _hold_record(record: logging.LogRecord) -> bool:
    """Filter of this module's logger: inside :func:`held_date_warnings` a record goes to the
    caller's list instead of the log."""
    held = _HELD_RECORDS.get()
    if held is None:
        return True
    held.append(record)
    return False


logger.addFilter(_hold_record)


@contextlib.contextmanager
def held_date_warnings() -> Iterator[list[logging.LogRecord]]:
    """Hold back this module's log records inside the block (of this thread only) and hand them
    to the caller. A bare "not a valid calendar date: '2025-02-29'" names no document; the caller
    knows which one it belongs to (``searchkit index`` reports it with the document's id), or
    that it raises an error saying the same anyway (the write API's 400, a ``from``/``to``
    bound's ``DateError``) and drops it."""
    held: list[logging.LogRecord] = []
    token = _HELD_RECORDS.set(held)
    try:
        yield held
    finally:
        _HELD_RECORDS.reset(token)


#: Any explicit date outside these years is absurd for news (typos such as "0000" or "2O25").
MIN_YEAR, MAX_YEAR = 1000, 2999
#: A bare four-digit number in a query is a year filter only in this range ("Baku 2024").
BARE_YEAR_RANGE = (1900, 2100)
#: After a preposition ("seit 1871", "im 1900 …") a number is a year in this range.
PREP_YEAR_RANGE = (1800, 2100)
#: After "Jahr"/"im Jahre" a number is a year in this range ("im Jahr 1453").
STRONG_YEAR_RANGE = (1000, 2100)

# --------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------


def _key(word: str) -> str:
    """Lookup key: case-folded, without dots, single spaces (regexes match case-insensitively,
    dictionaries are keyed by this)."""
    return " ".join(word.casefold().replace(".", "").split())


def _lower(text: str) -> str:
    """Lower-cased copy with the same length, so that match positions index the original."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_MONTH_FULL_WORDS = {
    "januar": 1, "jänner": 1, "jaenner": 1, "februar": 2, "feber": 2, "märz": 3, "maerz": 3,
    "marz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8, "september": 9,
    "oktober": 10, "november": 11, "dezember": 12,
}
_MONTH_ABBR_WORDS = {
    "jan": 1, "feb": 2, "febr": 2, "mär": 3, "mrz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12,
}
#: English names: in publication strings (feeds, metadata) in any form; in running German text
#: only in a full English date with day and year ("On March 3, 2024", "3 March 2024"), where
#: "May" or "March" cannot be a name or a verb.
_MONTH_EN_WORDS = {
    "january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6, "july": 7,
    "october": 10, "oct": 10, "december": 12, "dec": 12,
}
_MONTHS = {_key(w): n for w, n in {**_MONTH_FULL_WORDS, **_MONTH_ABBR_WORDS}.items()}
_MONTHS_ANY = {**_MONTHS, **{_key(w): n for w, n in _MONTH_EN_WORDS.items()}}

_WEEKDAY_WORDS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonnabend": 5, "sonntag": 6,
}
_WEEKDAYS = {_key(w): n for w, n in _WEEKDAY_WORDS.items()}
_WEEKDAY_ABBR = (
    "mo", "di", "mi", "do", "fr", "sa", "so", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)

_NUMBER_WORDS = {
    "ein": 1, "eins": 1, "eine": 1, "einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12, "zwoelf": 12, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
}
_NUMBERS = {_key(w): n for w, n in _NUMBER_WORDS.items()}

#: Modifiers of relative phrases: which way they point from the reference.
_PAST_MODS = {"vergangen", "letzt", "vorig"}
_FUTURE_MODS = {"kommend", "nächst", "naechst"}
_THIS_MODS = {"dies", "laufend"}

#: Words after a number that show it is a quantity, not a year ("bis 2000 Euro", "um 1500 Dörfer").
_UNIT_WORDS = {
    _key(w)
    for w in (
        "euro eur dollar us-dollar franken pfund rubel lira yen yuan kronen menschen personen leute "
        "einwohner soldaten kämpfer polizisten mitarbeiter mitarbeitern beschäftigte beschäftigten "
        "arbeitsplätze dörfer dörfern häuser häusern wohnungen gebäude fahrzeuge autos panzer raketen "
        "drohnen flüchtlinge migranten tote toten verletzte opfer meter metern kilometer kilometern "
        "km m kg kilogramm tonnen liter hektar quadratkilometer stück mal jahre jahren tage tagen "
        "wochen monate monaten stunden minuten sekunden prozent mio millionen milliarden mrd punkte "
        "punkten stimmen teilnehmer besucher exemplare seiten grad mann fans zuschauer schüler "
        "studenten kinder frauen männer unternehmen firmen betten plätze sitze schiffe flugzeuge ps "
        "kw mw gw fälle fällen"
    ).split()
}
#: Words before a number that make it a name or a number, not a year ("Artikel 2024",
#: "Agenda 2030", "Euro 2024" the tournament).
_NOT_YEAR_BEFORE = {
    _key(w)
    for w in (
        "artikel art nr nummer seite s kapitel absatz abs paragraf paragraph § band heft ausgabe "
        "linie bus route flug zimmer raum top agenda vision expo euro wm em windows office iphone "
        "modell typ version plz postleitzahl tel telefon kennzeichen code pin id gleis haus "
        "hausnummer straße str drucksache az aktenzeichen"
    ).split()
}
_BOOLEAN_OPERATORS = {"AND", "OR", "NOT", "ANDNOT"}
#: "a/b" is a legal act's number, not two years, when the issuer follows ("Richtlinie
#: 2012/34/EU", "1999/44/EG", "85/337/EWG") or precedes ("Verordnung (EU) 2022/2065",
#: "(EG) Nr. 1907/2006"); "die Saison 2023/24" still names two years.
_LEGAL_ISSUER = r"(?:eu|eg|ewg|euratom|egks|gasp|ji)"
_LEGAL_AFTER = re.compile(rf"\s*/\s*{_LEGAL_ISSUER}(?!\w)")
_LEGAL_BEFORE = re.compile(rf"\(\s*{_LEGAL_ISSUER}\s*\)\s*(?:nr\.?\s*)?$|(?<!\w)(?:nr|nummer)\.?\s*$")


def _alt(words: Any) -> str:
    """Regex alternation, longest first (so "juni" wins over "jun")."""
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


_MON_FULL = rf"(?:{_alt(_MONTH_FULL_WORDS)})(?!\w)"
_MON_ANY = rf"(?:(?:{_alt(_MONTH_FULL_WORDS)})(?!\w)|(?:{_alt(_MONTH_ABBR_WORDS)})(?:\.|(?!\w)))"
_MON_PUB = (
    rf"(?:(?:{_alt(list(_MONTH_FULL_WORDS) + list(_MONTH_EN_WORDS))})(?!\w)"
    rf"|(?:{_alt(list(_MONTH_ABBR_WORDS) + ['mar', 'may', 'oct', 'dec'])})(?:\.|(?!\w)))"
)
_WD = rf"(?:{_alt(_WEEKDAY_WORDS)})"
#: Full month names, German and English (the English ones only in :meth:`_MentionScanner._day_english`).
_MONTH_FULL_EN_WORDS = list(_MONTH_FULL_WORDS) + [w for w in _MONTH_EN_WORDS if w not in ("mar", "oct", "dec")]
_MON_FULL_EN = rf"(?:{_alt(_MONTH_FULL_EN_WORDS)})(?!\w)"
_NUM = rf"(?:[0-9]{{1,3}}|{_alt(_NUMBER_WORDS)})(?!\w)"
_YMOD = r"(?:dieses|diesen|vergangenen|letzten|vorigen|kommenden|nächsten|naechsten)"
_MOD = (
    r"(?:vergangene[nrms]?|letzte[nrms]?|vorige[nrms]?|kommende[nrms]?|nächste[nrms]?"
    r"|naechste[nrms]?|diese[nrms]?|laufende[nrms]?)"
)
_I = re.IGNORECASE
#: Patterns run on lower-cased text (see :func:`_lower`): case-insensitive matching in ``re``
#: is an order of magnitude slower on long articles.
_LC = 0


def _mod_direction(mod: str | None) -> int | None:
    """-1 for "vergangenen/letzten", +1 for "kommenden/nächsten", 0 for "diesen", None if none."""
    if not mod:
        return None
    stem = _key(mod)
    for suffix in ("en", "er", "es", "em", "e", "n", "r", "s", "m"):
        if stem.endswith(suffix) and stem[: -len(suffix)] in _PAST_MODS | _FUTURE_MODS | _THIS_MODS:
            stem = stem[: -len(suffix)]
            break
    if stem in _PAST_MODS:
        return -1
    if stem in _FUTURE_MODS:
        return 1
    if stem in _THIS_MODS:
        return 0
    return None


def _number(word: str) -> int | None:
    word = word.strip()
    if word.isascii() and word.isdigit():
        return int(word)
    return _NUMBERS.get(_key(word))


# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


def _valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


@lru_cache(maxsize=4096)
def _mk_day(year: int, month: int, day: int) -> PubDate | None:
    if not _valid_year(year) or not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return PubDate(f"{year:04d}-{month:02d}-{day:02d}", Precision.DAY)


@lru_cache(maxsize=4096)
def _mk_month(year: int, month: int) -> PubDate | None:
    if not _valid_year(year) or not 1 <= month <= 12:
        return None
    return PubDate(f"{year:04d}-{month:02d}", Precision.MONTH)


@lru_cache(maxsize=4096)
def _mk_year(year: int) -> PubDate | None:
    return PubDate(f"{year:04d}", Precision.YEAR) if _valid_year(year) else None


def _mk_time(year: int, month: int, day: int, hour: int, minute: int) -> PubDate | None:
    if _mk_day(year, month, day) is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return PubDate(f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}", Precision.TIME)


def _of_date(day: date) -> PubDate | None:
    return _mk_day(day.year, day.month, day.day)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def _shift_months(day: date, n: int) -> date:
    year, month = _add_months(day.year, day.month, n)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shift_days(day: date, n: int) -> date | None:
    try:
        return day + timedelta(days=n)
    except OverflowError:
        return None


def _week(day: date, weeks: int = 0) -> tuple[date, date] | None:
    """Monday and Sunday of the ISO week ``weeks`` away from the one containing ``day``."""
    monday = _shift_days(day, -day.weekday() + 7 * weeks)
    sunday = _shift_days(monday, 6) if monday else None
    return (monday, sunday) if monday and sunday else None


def _containing(first: date, last: date) -> PubDate | None:
    """The smallest PubDate period that contains the whole span (day, month or year)."""
    if first == last:
        return _of_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return _mk_month(first.year, first.month)
    if first.year == last.year:
        return _mk_year(first.year)
    return None


def _expand_two_digit(yy: int, base_year: int, ahead: int) -> int:
    """"10.11.20" → 2020: the century that puts the year at most ``ahead`` years after
    ``base_year``."""
    year = (base_year // 100) * 100 + yy
    if year > base_year + ahead:
        year -= 100
    elif year <= base_year + ahead - 100:
        year += 100
    return year


def _predecessor(value: PubDate) -> PubDate | None:
    """The period of the same precision just before ``value`` ("vor 2023" ends with 2022)."""
    if value.precision == Precision.YEAR:
        return _mk_year(value.year - 1)
    if value.precision == Precision.MONTH:
        return _mk_month(*_add_months(value.year, value.month or 1, -1))
    shifted = _shift_days(value.start(), -1)
    return _of_date(shifted) if shifted else None


def _successor(value: PubDate) -> PubDate | None:
    """The period of the same precision just after ``value`` ("nach 2023" starts with 2024)."""
    if value.precision == Precision.YEAR:
        return _mk_year(value.year + 1)
    if value.precision == Precision.MONTH:
        return _mk_month(*_add_months(value.year, value.month or 1, 1))
    shifted = _shift_days(value.start(), 1)
    return _of_date(shifted) if shifted else None


def _day_text(day: date) -> str:
    return f"{day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"


def _span_text(first: date, last: date) -> str:
    """Compact German day range: "16.–22. November 2026", "28. Oktober – 3. November 2026"."""
    if first == last:
        return _day_text(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}.–{last.day}. {GERMAN_MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day}. {GERMAN_MONTHS[first.month - 1]} – {_day_text(last)}"
    return f"{_day_text(first)} – {_day_text(last)}"


def _bounds_text(start: PubDate | None, end: PubDate | None) -> str:
    """German description of a filter's bounds, e.g. "zwischen 2020 und 2022"."""
    if start and end:
        if start == end:
            return start.label()
        if start.precision in (Precision.DAY, Precision.TIME) and end.precision in (
            Precision.DAY,
            Precision.TIME,
        ):
            return _span_text(start.start(), end.end())
        return f"zwischen {start.label()} und {end.label()}"
    if start:
        return f"ab {start.label()}"
    if end:
        return f"bis {end.label()}"
    return ""


@dataclass(frozen=True)
class _Ref:
    """What a reference tells: always a year, maybe a month, maybe a day."""

    year: int
    month: int | None = None
    day: date | None = None

    @classmethod
    def of(cls, value: PubDate | date | None) -> _Ref | None:
        if value is None:
            return None
        if isinstance(value, PubDate):
            day = value.start() if value.precision in (Precision.DAY, Precision.TIME) else None
            return cls(value.year, value.month, day)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return cls(value.year, value.month, value)
        return None


# --------------------------------------------------------------------------------------------
# Resolving relative pieces against a reference
# --------------------------------------------------------------------------------------------


def _month_year(month: int, ref: _Ref, direction: int | None, policy: str) -> int | None:
    """Year of a month named without a year.

    ``direction`` -1/+1 ("vergangenen"/"kommenden"): the most recent before / the next after
    the reference month; 0 ("diesen"): the reference year. Otherwise by ``policy``:
    ``"nearest"`` (running text) the occurrence closest to the reference month, the reference
    year on a tie ("im Dezember" in a January article is the December just past, in a July
    article the coming one); ``"latest"`` (queries, and "seit …" in text) the most recent
    occurrence not after the reference month.
    """
    if direction == 0:
        return ref.year
    if ref.month is None:
        return ref.year if direction is None and policy == "nearest" else None
    if direction == -1:
        return ref.year if month < ref.month else ref.year - 1
    if direction == 1:
        return ref.year if month > ref.month else ref.year + 1
    if policy == "latest":
        return ref.year if month <= ref.month else ref.year - 1
    here = ref.year * 12 + ref.month
    return min((ref.year, ref.year - 1, ref.year + 1), key=lambda y: abs(y * 12 + month - here))


def _day_year(month: int, day: int, ref: _Ref, policy: str) -> int | None:
    """Year of "10. November" without a year: by ``policy`` as in :func:`_month_year`, measured
    in days when the reference has a day, else in months."""
    if ref.day is None:
        if policy == "latest" and ref.month is not None:
            return ref.year if month <= ref.month else ref.year - 1
        return _month_year(month, ref, None, "nearest") if policy == "nearest" else None
    candidates = []
    for year in (ref.year, ref.year - 1, ref.year + 1):
        if _mk_day(year, month, day) is not None:
            candidates.append((year, (date(year, month, day) - ref.day).days))
    if policy == "latest":
        past = [(y, d) for y, d in candidates if d <= 0]
        return max(past, key=lambda c: c[1])[0] if past else None
    # "Nearest" is measured in calendar months, the day as a fraction of one, not in days: a day
    # exactly half a year away ("am 15. Oktober" in an article of 2025-04-15) is then a tie like
    # "im Oktober" against the month 2025-04, and both go to the reference year (min() keeps the
    # first of equals: ref.year is listed first). Counted in days the tie would be broken by the
    # lengths of the months in between (182 days back, 183 ahead), so the same phrase would point
    # back with a day reference and ahead with a month one. The reference year wins a tie because
    # an article mostly speaks of its own year ("in diesem Jahr" is the unmarked case), and it is
    # the documented rule for months.
    here = ref.year * 12 + ref.month + (ref.day.day - 1) / 31
    return min(
        (y for y, _ in candidates), key=lambda y: abs(y * 12 + month + (day - 1) / 31 - here), default=None
    )


def _weekday_date(weekday: int, ref: date, direction: int | None) -> date | None:
    """"am Dienstag": the Tuesday on or before the reference; "vergangenen Dienstag": strictly
    before; "kommenden/nächsten Dienstag": strictly after; "diesen Dienstag": in the same week."""
    if direction == 1:
        return _shift_days(ref, (weekday - ref.weekday()) % 7 or 7)
    if direction == 0:
        return _shift_days(ref, weekday - ref.weekday())
    delta = (ref.weekday() - weekday) % 7
    if direction == -1 and delta == 0:
        delta = 7
    return _shift_days(ref, -delta)


@dataclass(frozen=True)
class _Span:
    """A resolved relative period: first and last day, and the precision it naturally has
    (None for a week, which PubDate cannot represent)."""

    first: date
    last: date
    precision: Precision | None

    def bounds(self) -> tuple[PubDate | None, PubDate | None]:
        """Start and end as PubDates of the natural precision (weeks as DAY bounds)."""
        if self.precision == Precision.YEAR:
            return _mk_year(self.first.year), _mk_year(self.last.year)
        if self.precision == Precision.MONTH:
            return _mk_month(self.first.year, self.first.month), _mk_month(self.last.year, self.last.month)
        return _of_date(self.first), _of_date(self.last)

    def period(self) -> PubDate | None:
        """One PubDate for the whole span (a mentioned date): the smallest containing period."""
        if self.precision == Precision.YEAR and self.first.year == self.last.year:
            return _mk_year(self.first.year)
        if self.precision == Precision.MONTH and (self.first.year, self.first.month) == (
            self.last.year,
            self.last.month,
        ):
            return _mk_month(self.first.year, self.first.month)
        return _containing(self.first, self.last)


def _year_span(year: int) -> _Span | None:
    return _Span(date(year, 1, 1), date(year, 12, 31), Precision.YEAR) if _valid_year(year) else None


def _month_span(year: int, month: int) -> _Span | None:
    if not _valid_year(year):
        return None
    return _Span(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), Precision.MONTH)


def _day_span(day: date | None) -> _Span | None:
    return _Span(day, day, Precision.DAY) if day and _valid_year(day.year) else None


def _unit(word: str) -> str | None:
    """"Tagen" → "day", "Wochen" → "week", "Monats" → "month", "Jahren" → "year"."""
    key = _key(word)
    for prefix, unit in (("tag", "day"), ("woche", "week"), ("monat", "month"), ("jahr", "year")):
        if key.startswith(prefix):
            return unit
    return None


def _ago(n: int, unit: str, ref: _Ref) -> _Span | None:
    """"vor drei Tagen/Wochen/Monaten/Jahren" against the reference."""
    if n > 5000:
        return None
    if unit == "day":
        return _day_span(_shift_days(ref.day, -n)) if ref.day else None
    if unit == "week":
        if ref.day is None:
            return None
        week = _week(ref.day, -n)
        return _Span(week[0], week[1], None) if week else None
    if unit == "month":
        if ref.month is None:
            return None
        return _month_span(*_add_months(ref.year, ref.month, -n))
    if unit == "year":
        return _year_span(ref.year - n)
    return None


def _relative_period(direction: int, unit: str, ref: _Ref) -> _Span | None:
    """"letzte Woche", "diesen Monat", "im kommenden Jahr" against the reference."""
    if unit == "week":
        if ref.day is None:
            return None
        week = _week(ref.day, direction)
        return _Span(week[0], week[1], None) if week else None
    if unit == "month":
        if ref.month is None:
            return None
        return _month_span(*_add_months(ref.year, ref.month, direction))
    if unit == "year":
        return _year_span(ref.year + direction)
    return None


_RELATIVE_DAY_WORDS = {"heute": 0, "gestern": -1, "vorgestern": -2, "morgen": 1, "übermorgen": 2}
_RELATIVE_WORDS = {  # single words: (direction, unit)
    "vorjahr": (-1, "year"), "vorjahres": (-1, "year"), "vorjahrs": (-1, "year"),
    "vormonat": (-1, "month"), "vormonats": (-1, "month"), "vorwoche": (-1, "week"),
    "heuer": (0, "year"), "folgejahr": (1, "year"), "jahresbeginn": (0, "year"),
    "jahresanfang": (0, "year"), "jahresmitte": (0, "year"), "jahresende": (0, "year"),
}


# --------------------------------------------------------------------------------------------
# Candidate spans in running text (mentioned dates)
# --------------------------------------------------------------------------------------------

_YEAR_END = r"(?![\w]|[.,][0-9]|-\w|\s*[-–—/]\s*[0-9])"
_PART_OF_YEAR = (
    r"(?:anfang|mitte|ende|beginn|frühjahr|frühling|sommer|herbst|winter|jahresbeginn"
    r"|jahresanfang|jahresmitte|jahresende|q[1-4]|(?:im\s+)?(?:ersten|zweiten|dritten|vierten|[1-4]\.)"
    r"\s+(?:quartal|halbjahr|jahreshälfte))(?:\s+(?:des\s+)?jahres)?"
)
_STRONG_YEAR_PREP = r"(?:im\s+jahre?|des\s+jahres|jahre?s?|bis\s+(?:zum|ins)\s+jahre?)"
#: After these a number before a capitalized noun is a count ("bis 2000 Demonstranten").
_WEAK_YEAR_PREPS = {"bis", "um", "ab", "von", "vor", "nach", "für", "in"}

#: One search for anything that can start a date phrase in a query; without a hit the query
#: is returned as it is.
_TRIGGER = re.compile(
    rf"[0-9]|{_MON_ANY}|{_WD}|heute|gestern|morgen|tag|woche|monat|jahr|heuer", _LC
)


def _next_word(text: str, pos: int) -> str:
    match = re.match(r"\s*([^\s,;:!?()\[\]\"„“”]+)", text[pos : pos + 40])
    return _key(match.group(1)) if match else ""


def _prev_word(text: str, pos: int) -> str:
    match = re.search(r"([^\s,;:!?()\[\]\"„“”]+)\s*$", text[max(0, pos - 40) : pos])
    return _key(match.group(1)) if match else ""


def _quantity_follows(text: str, pos: int) -> bool:
    """True when the number ending at ``pos`` is a quantity ("2000 Euro", "1500 %")."""
    rest = text[pos : pos + 3].lstrip()
    if rest[:1] in ("%", "€", "$", "£"):
        return True
    return _next_word(text, pos) in _UNIT_WORDS


_ABBR_KEYS = {_key(w) for w in _MONTH_ABBR_WORDS}
_SINCE_BEFORE = re.compile(r"(?<!\w)seit(?:\s+(?:dem|den))?\s*$", _I)
#: Words before a bare number that make it a count ("rund 2000", "auf 2100").
_QUANTITY_BEFORE = {
    _key(w)
    for w in (
        "rund etwa fast knapp über mehr als weniger circa ca zirka ungefähr insgesamt mindestens "
        "höchstens zu je nur gut exakt genau auf nahezu beinahe von bis um plus minus"
    ).split()
}


_WEEKDAY_NAME_PARTS = {"bild", "welt"}
#: Before these, "morgen" is the morning ("am Morgen", "heute morgen"), not tomorrow.
_TIME_OF_DAY_BEFORE = {"am", "jeden", "den", "guten", "heute", "gestern", "vorgestern", "diesen", "einen", "frühen"}
#: Words that make a weekday without a modifier the next one (on or after the reference day)
#: when its sentence has them: the future ("Am Donnerstag sollen die Gespräche weitergehen",
#: "für Freitag angekündigt"). Otherwise it is the last one: news report the past far more
#: often, and German uses the present for both ("Verdi streikt am Donnerstag"), so a sentence
#: without a cue keeps that default. "kommenden"/"vergangenen" and the like are modifiers and
#: decide before this (``_weekday_date``).
_FUTURE_CUE = re.compile(
    r"(?<!\w)(?:wird|werden|werde|soll|sollen|solle|will|wollen|wolle|könnte|könnten|dürfte|dürften|plant|planen"
    r"|plane|geplant|angekündigt|angesetzt|anberaumt|bevorstehend\w*|künftig\w*)(?!\w)"
)
#: What sets a date ahead by itself: "ab Samstag gelten", "spätestens am Dienstag", a deadline
#: "Frist bis Donnerstag", "Ultimatum bis Sonntagabend" (found by a review: dated to the week
#: before). A plain "bis" is no cue: "die Straße war bis Montag gesperrt", "bis Sonntag wurden 65
#: Straftaten gezählt" are past (a first version that read every "bis" and "für" as the future
#: dated them a week ahead, and German past forms are too many to list).
_AHEAD_PREPS = ("ab", "spätestens", "frühestens", "bis spätestens", "bis frühestens")
_DEADLINE_BEFORE = re.compile(r"\b(?:frist|fristen|ultimatum|ultimaten|deadline)\b(?:\s+\S+){0,3}\s+$", re.IGNORECASE)
#: A dot ends a sentence only before a space or quote: "ver.di", "18.00 Uhr" do not.
_SENTENCE_END = re.compile(r"[.!?:;](?=[\s\"“”„]|$)|\n")


def _sentence_around(text: str, start: int, end: int) -> str:
    """The lower-cased sentence around ``text[start:end]`` (at most 200 characters each way)."""
    left = text[max(0, start - 200) : start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(left)), default=0)
    right = text[end : end + 200]
    stop = _SENTENCE_END.search(right)
    return (left[cut:] + " " + right[: stop.start() if stop else len(right)]).lower()


def _weekday_ahead(text: str, start: int, end: int, prep: str) -> bool:
    """Whether the weekday at ``text[start:end]`` (after ``prep``) is the next one, not the
    last: ``_AHEAD_PREPS``, a deadline before "bis", or a future cue in its sentence."""
    if prep.startswith(_AHEAD_PREPS):
        return True
    if prep.startswith("bis") and _DEADLINE_BEFORE.search(text[max(0, start - 60) : start]):
        return True
    return bool(_FUTURE_CUE.search(_sentence_around(text, start, end)))


def _text_policy(text: str, start: int) -> str:
    """"seit dem 1. Januar" points back: the most recent occurrence; otherwise the nearest."""
    return "latest" if _SINCE_BEFORE.search(text[max(0, start - 20) : start]) else "nearest"


def _capitalized_follows(text: str, pos: int) -> bool:
    """True when a capitalized word follows: after "bis/um/über" a number before a noun is a
    count ("bis 2000 Demonstranten")."""
    match = re.match(r"\s+([^\W\d_])", text[pos : pos + 5])
    return bool(match and match.group(1).isupper())


def _ymod_offset(ymod: str | None) -> int | None:
    if not ymod:
        return None
    words = _key(ymod).split()
    if words[0] == "vorjahres":
        return -1
    return _mod_direction(words[0])


#: A rule's resolver: (match on the lower-cased text, original text, reference) → None when the
#: match is no date at all, else (priority, dates); an empty list still claims the span.
_Resolver = Callable[[re.Match[str], str, "_Ref | None"], "tuple[int, list[PubDate]] | None"]
#: (start, end, priority, dates) of one match.
_Candidate = tuple[int, int, int, list[PubDate]]


class _MentionScanner:
    """The grammar of date mentions in running text.

    Each rule is (regex, priority, resolver). All matches are collected, then kept greedily by
    priority (absolute dates with a year first, then years after a preposition, then partial
    and relative phrases) and length, so that "am Dienstag, dem 10. November 2020" is one day
    and not also a weekday.
    """

    def __init__(self) -> None:
        self.rules: list[tuple[re.Pattern[str], _Resolver]] = [
            (re.compile(
                rf"(?:\bam\s+)?(?:(?P<wd>{_WD}),?\s+(?:(?:den|dem)\s+)?)?(?<![0-9.,])(?P<d>[0-9]{{1,2}})(?P<dot>\.)?"
                rf"\s*(?P<mon>{_MON_ANY})(?:\s*,?\s*(?P<y>[0-9]{{4}})(?![0-9]|[.,][0-9])"
                rf"|\s+(?:des\s+)?(?P<ymod>{_YMOD}\s+jahres|vorjahres)\b)?", _LC), self._day_named),
            (re.compile(
                rf"(?<![0-9.,])(?P<d1>[0-9]{{1,2}})\.\s*(?:bis(?:\s+zum)?|-|–|und)\s*(?P<d2>[0-9]{{1,2}})\.\s*"
                rf"(?P<mon>{_MON_ANY})(?:\s*,?\s*(?P<y>[0-9]{{4}})(?![0-9]|[.,][0-9]))?", _LC), self._day_range),
            (re.compile(
                r"(?<![\w.,/\-€$£])(?P<y>[0-9]{4})(?![\w]|[.,][0-9]|-\w|\s*[-–/]\s*[0-9]|\s*%)"), self._bare_year),
            (re.compile(
                r"(?<![0-9.,/])(?P<d>[0-9]{1,2})\.\s?(?P<m>[0-9]{1,2})\.\s?(?P<y>[0-9]{4}|[0-9]{2}(?![0-9]))?"
                r"(?![0-9]|[.,][0-9])", _LC), self._day_numeric),
            (re.compile(r"(?<![0-9.\-/])(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?![0-9])"), self._iso),
            (re.compile(
                rf"\b(?:(?P<mon>{_MON_FULL_EN})\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+"
                rf"|(?<![0-9.,])(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MON_FULL_EN}),?\s+)"
                rf"(?P<y>[0-9]{{4}})(?![0-9]|[.,][0-9])", _LC), self._day_english),
            (re.compile(
                rf"(?P<mon>{_MON_ANY})\s*(?P<y>[0-9]{{4}})(?![0-9]|[.,][0-9])"
                rf"|(?<![0-9./])(?P<m>[0-9]{{1,2}})/(?P<y2>[0-9]{{4}})(?![0-9/])", _LC), self._month_year),
            (re.compile(
                r"(?:\b(?P<prep>zwischen|von)\s+)?(?<![0-9.,/\-])(?P<y1>[0-9]{4})"
                r"(?:\s*[-–—/]\s*|\s+(?P<conn>bis|und)\s+)(?P<y2>[0-9]{4}|[0-9]{2})(?![\w]|[.,][0-9])", _LC),
             self._year_range),
            (re.compile(
                rf"\b(?P<prep>{_STRONG_YEAR_PREP}|{_PART_OF_YEAR}|im|seit|bis|ab|vor|nach|von|um|für|in)"
                rf"\s+(?P<y>[0-9]{{4}}){_YEAR_END}", _LC), self._year_prep),
            (re.compile(
                rf"(?:\b(?P<prep>im|seit|bis|ab|anfang|mitte|ende|beginn|vom|zum|bis\s+zum|bis\s+in\s+den|vor|nach"
                rf"|im\s+monat|im\s+laufe\s+des|im\s+verlauf\s+des)\s+)?(?:(?P<mod>{_MOD})\s+)?(?P<mon>{_MON_FULL})"
                rf"(?:\s+(?:des\s+)?(?P<ymod>{_YMOD}\s+jahres|vorjahres)\b)?(?!\s*[0-9])", _LC), self._month_alone),
            (re.compile(
                rf"\b(?:(?P<prep>am|vom|seit|bis|ab|zum|für|bis\s+zum|seit\s+dem|ab\s+dem"
                rf"|(?:bis\s+)?(?:spätestens|frühestens)(?:\s+(?:am|bis|ab))?"
                rf"|in\s+der\s+nacht\s+(?:zum|zu|auf\s+den|auf))\s+)?(?:(?P<mod>{_MOD}|gestrigen|heutigen|morgigen)\s+)?"
                rf"(?P<wd>{_WD})(?P<suffix>abend|morgen|mittag|nachmittag|vormittag|nacht|früh)?(?!\w)", _LC),
             self._weekday),
            (re.compile(r"(?<![\w-])(?P<w>heute|gestern|vorgestern|übermorgen)(?![\w-])", _LC), self._relative_day),
            (re.compile(r"(?<![\w-])(?P<w>morgen)(?![\w-])"), self._tomorrow),
            (re.compile(
                rf"\bvor\s+(?:(?P<q>gut|knapp|rund|etwa|fast|genau|über|mehr\s+als|weniger\s+als|nahezu|beinahe"
                rf"|ungefähr)\s+)?(?P<n>{_NUM})\s+(?P<unit>tagen|tag|wochen|woche|monaten|monat|jahren|jahr)(?!\w)", _LC),
             self._ago),
            (re.compile(
                rf"(?:\b(?P<prep>im|in\s+der|in\s+diesem|in\s+dieser|seit|bis|ab|anfang|mitte|ende|zu\s+beginn"
                rf"|am\s+ende|im\s+laufe)\s+(?:des\s+|der\s+)?)?\b(?P<mod>{_MOD})\s+(?P<unit>woche|monats?|jahr(?:e?s)?)"
                rf"(?!\w)(?!\s+(?:des|der|vor|seines|ihres|seiner|ihrer)\b)"
                rf"|\b(?P<word>{_alt(_RELATIVE_WORDS)})(?!\w)"
                rf"|\b(?P<thisyear>(?:anfang|mitte|ende|beginn|im\s+laufe|im\s+verlauf)\s+des\s+jahres)(?!\w)(?!\s*[0-9])",
                _LC), self._relative_period),
        ]
        self._by_group = self._rules_by_group()

    # Each resolver returns (priority, dates) or None when the match is not a date at all.

    @staticmethod
    def _day_named(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        month = _MONTHS.get(_key(m["mon"]))
        day = int(m["d"])
        if month is None:
            return None
        if m["y"]:
            value = _mk_day(int(m["y"]), month, day)
            return (0, [value] if value else [])
        if not m["dot"] or ref is None:
            return None if not m["dot"] else (2, [])
        if m["ymod"]:
            year: int | None = ref.year + (_ymod_offset(m["ymod"]) or 0)
        else:
            year = _day_year(month, day, ref, _text_policy(text, m.start()))
        value = _mk_day(year, month, day) if year is not None else None
        return (2, [value] if value else [])

    @staticmethod
    def _day_numeric(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        day, month = int(m["d"]), int(m["m"])
        if m["y"]:
            year = int(m["y"])
            if len(m["y"]) == 2:
                year = _expand_two_digit(year, ref.year if ref else date.today().year, 10)
            value = _mk_day(year, month, day)
            if value is None:
                logger.debug("not a calendar date: %r", m.group(0))
            return (0, [value] if value else [])
        # "am 10.11." needs a preposition (lists and versions look the same) and a reference.
        if _prev_word(text, m.start()) not in {"am", "vom", "bis", "zum", "ab", "seit", "dem", "den"}:
            return None
        if ref is None:
            return (2, [])
        guessed = _day_year(month, day, ref, _text_policy(text, m.start()))
        value = _mk_day(guessed, month, day) if guessed is not None else None
        return (2, [value] if value else [])

    @staticmethod
    def _iso(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        value = _mk_day(int(m["y"]), int(m["m"]), int(m["d"]))
        return (0, [value] if value else [])

    @staticmethod
    def _day_english(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        """"March 3, 2024", "3rd of March 2024" (English quotes and sources in German news): a
        day, like "3. März 2024"."""
        month = _MONTHS_ANY.get(_key(m["mon"] or m["mon2"]))
        if month is None:
            return None
        value = _mk_day(int(m["y"]), month, int(m["d"] or m["d2"]))
        return (0, [value] if value else [])

    @staticmethod
    def _month_year(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        if m["mon"]:
            month = _MONTHS.get(_key(m["mon"]))
            year = int(m["y"])
            # An abbreviation without a dot ("Jan 2020") is too often a name ("Jan") or noise.
            if month is None or (_key(m["mon"]) in _ABBR_KEYS and not m["mon"].endswith(".")):
                return None
        else:
            month, year = int(m["m"]), int(m["y2"])
        if _quantity_follows(text, m.end()):
            return None
        value = _mk_month(year, month)
        return (0, [value] if value else [])

    @staticmethod
    def _year_range(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        first = int(m["y1"])
        second = int(m["y2"]) if len(m["y2"]) == 4 else (first // 100) * 100 + int(m["y2"])
        low, high = PREP_YEAR_RANGE
        if not (low <= first < second <= high and second - first <= 100):
            return None
        if m["conn"] and not m["prep"] and _quantity_follows(text, m.end()):
            return None
        if _quantity_follows(text, m.end()):
            return None
        before = text[max(0, m.start() - 20) : m.start()].lower()
        if _LEGAL_AFTER.match(text.lower(), m.end()) or _LEGAL_BEFORE.search(before):
            return (1, [])  # the number of a legal act claims its span: no year in it is a date
        return (1, [_mk_year(first), _mk_year(second)])  # type: ignore[list-item]

    @staticmethod
    def _year_prep(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        year = int(m["y"])
        prep = _key(m["prep"])
        strong = prep.split()[-1].startswith("jahr") or prep.startswith("des")
        low, high = STRONG_YEAR_RANGE if strong else PREP_YEAR_RANGE
        if not low <= year <= high or _quantity_follows(text, m.end()):
            return None
        if prep in _WEAK_YEAR_PREPS and _capitalized_follows(text, m.end()):
            return None
        value = _mk_year(year)
        return (1, [value] if value else [])

    @staticmethod
    def _bare_year(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        """"2019 wurde …", "Bereits 1999 hatte …": a bare number is a year when it is in
        1900–2100, no count word precedes it and no noun or unit follows it."""
        year = int(m["y"])
        low, high = BARE_YEAR_RANGE
        if not low <= year <= high or _quantity_follows(text, m.end()) or _capitalized_follows(text, m.end()):
            return None
        before = _prev_word(text, m.start())
        if before in _NOT_YEAR_BEFORE or before in _QUANTITY_BEFORE or before[-1:].isdigit():
            return None
        value = _mk_year(year)
        return (1, [value] if value else [])

    @staticmethod
    def _day_range(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        """"vom 10. bis 12. Juni 2024": both days."""
        month = _MONTHS.get(_key(m["mon"]))
        if month is None:
            return None
        if m["y"]:
            year: int | None = int(m["y"])
        elif ref is None:
            return (2, [])
        else:
            year = _day_year(month, int(m["d2"]), ref, _text_policy(text, m.start()))
        if year is None:
            return (2, [])
        values = [_mk_day(year, month, int(m["d1"])), _mk_day(year, month, int(m["d2"]))]
        return (0 if m["y"] else 2, [v for v in values if v])

    @staticmethod
    def _month_alone(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        if not (m["prep"] or m["mod"] or m["ymod"]):
            return None  # "August Bebel", "Mai" as a topic
        month = _MONTHS.get(_key(m["mon"]))
        if month is None:
            return None
        if ref is None:
            return (2, [])
        if m["ymod"]:
            year: int | None = ref.year + (_ymod_offset(m["ymod"]) or 0)
        else:
            policy = "latest" if _key(m["prep"] or "").startswith("seit") else "nearest"
            year = _month_year(month, ref, _mod_direction(m["mod"]), policy)
        value = _mk_month(year, month) if year is not None else None
        return (2, [value] if value else [])

    @staticmethod
    def _weekday(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        """"am Dienstag", "bis Donnerstag", "vergangenen Freitag" (``_weekday_ahead``)."""
        if not (m["prep"] or m["mod"] or m["suffix"]):
            return None
        weekday = _WEEKDAYS.get(_key(m["wd"]))
        if weekday is None:
            return None
        if ref is None or ref.day is None:
            return (2, [])
        if _prev_word(text, m.start()) in _WEEKDAY_NAME_PARTS:
            return None  # "Bild am Sonntag" is a newspaper
        mod = _key(m["mod"] or "")
        if mod in ("gestrigen", "heutigen", "morgigen"):
            day = _shift_days(ref.day, {"gestrigen": -1, "heutigen": 0, "morgigen": 1}[mod])
        elif m["mod"] is None and _weekday_ahead(text, m.start(), m.end(), _key(m["prep"] or "")):
            day = _shift_days(ref.day, (weekday - ref.day.weekday()) % 7)  # the next one, or today
        else:
            day = _weekday_date(weekday, ref.day, _mod_direction(m["mod"]))
        value = _of_date(day) if day else None
        return (2, [value] if value else [])

    @staticmethod
    def _relative_day(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        if ref is None or ref.day is None:
            return (2, [])
        offset = _RELATIVE_DAY_WORDS.get(_key(m["w"]))
        if offset is None:
            return None
        day = _shift_days(ref.day, offset)
        value = _of_date(day) if day else None
        return (2, [value] if value else [])

    @staticmethod
    def _tomorrow(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        # lower-case "morgen" is tomorrow; "am Morgen", "heute morgen" are times of day.
        if text[m.start()] != "m" or _prev_word(text, m.start()) in _TIME_OF_DAY_BEFORE:
            return None
        if ref is None or ref.day is None:
            return (2, [])
        day = _shift_days(ref.day, 1)
        value = _of_date(day) if day else None
        return (2, [value] if value else [])

    @staticmethod
    def _ago(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        n = _number(m["n"])
        unit = _unit(m["unit"])
        if n is None or unit is None:
            return None
        if ref is None or (m["q"] and unit in ("day", "week")):
            return (2, [])  # "vor knapp zwei Wochen" names no day
        span = _ago(n, unit, ref)
        value = span.period() if span else None
        return (2, [value] if value else [])

    @staticmethod
    def _relative_period(m: re.Match[str], text: str, ref: _Ref | None) -> tuple[int, list[PubDate]] | None:
        if m["thisyear"]:
            direction, unit = 0, "year"
        elif m["word"]:
            direction, unit = _RELATIVE_WORDS[_key(m["word"])]
        else:
            direction_or_none = _mod_direction(m["mod"])
            unit_or_none = _unit(m["unit"])
            if direction_or_none is None or unit_or_none is None:
                return None
            direction, unit = direction_or_none, unit_or_none
        if ref is None:
            return (2, [])
        span = _relative_period(direction, unit, ref)
        value = span.period() if span else None
        return (2, [value] if value else [])

    #: Which rules can match near which kind of anchor.
    GROUPS = {
        "month": ("_day_named", "_day_range", "_month_year", "_month_alone"),
        "num": (
            "_day_named", "_day_range", "_bare_year", "_day_numeric", "_iso", "_day_english", "_month_year",
            "_year_range", "_year_prep",
        ),
        "weekday": ("_day_named", "_weekday"),
        "relative": ("_relative_day", "_tomorrow", "_ago", "_relative_period"),
    }

    def _rules_by_group(self) -> dict[str, list[int]]:
        names = [resolver.__name__ for _, resolver in self.rules]
        return {group: [names.index(n) for n in members] for group, members in self.GROUPS.items()}

    def candidates(self, text: str, ref: _Ref | None) -> list[_Candidate]:
        """Matches of every rule, found only in windows around anchors (digits, month and
        weekday names, relative words): most of an article is never looked at by the rules.
        Patterns run on the lower-cased text; resolvers read the original text."""
        low = _lower(text)
        windows = _windows(low)
        if not windows:
            return []
        by_group = self._by_group
        seen: set[tuple[int, int, int]] = set()
        found = []
        for group, spans in windows.items():
            for index in by_group[group]:
                pattern, resolver = self.rules[index]
                for start, end in spans:
                    for match in pattern.finditer(low, start, end):
                        key = (index, match.start(), match.end())
                        if key in seen:
                            continue
                        seen.add(key)
                        try:
                            result = resolver(match, text, ref)
                        except (ValueError, OverflowError, DateError, KeyError):
                            result = None
                        if result is not None:
                            found.append((match.start(), match.end(), result[0], result[1]))
        return found


def _trie(words: Any) -> str:
    """Regex alternation grouped by first letter: much faster than a flat one in ``re``."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(
        re.escape(first) + ("(?:" + _alt(rests) + ")" if rests != [""] else "") for first, rests in groups.items()
    )


_ANCHOR_WORDS: dict[str, str] = {
    **{w: "month" for w in list(_MONTH_FULL_WORDS) + list(_MONTH_ABBR_WORDS)},
    **{w: "weekday" for w in _WEEKDAY_WORDS},
    **{
        w: "relative"
        for w in list(_RELATIVE_WORDS)
        + ["heute", "gestern", "vorgestern", "morgen", "übermorgen", "woche", "monat", "jahr", "tagen", "einem tag"]
    },
}
#: Digits and the words that every rule needs one of; the only pass over the whole text.
_ANCHOR = re.compile(rf"[0-9]+|{_trie(_ANCHOR_WORDS)}")
_WINDOW_BEFORE, _WINDOW_AFTER = 50, 50


def _windows(low: str) -> dict[str, list[tuple[int, int]]]:
    """Merged text windows around anchors, per anchor kind, cut at whitespace so that no rule
    sees half a word at a window's edge."""
    spans: dict[str, list[tuple[int, int]]] = {}
    length = len(low)
    for m in _ANCHOR.finditer(low):
        token = m.group()
        if token[0].isdigit():
            after = low[m.end() : m.end() + 1]
            if not (len(token) == 4 or (len(token) <= 2 and after in (".", "/"))):
                continue  # "300 Dörfer", "2,3 Prozent": no date rule starts here
            group = "num"
        else:
            group = _ANCHOR_WORDS.get(token, "")
            if not group:
                for word, kind in _ANCHOR_WORDS.items():  # a prefix of a longer anchor word
                    if token.startswith(word):
                        group = kind
                        break
        if not group:
            continue
        start = max(0, m.start() - _WINDOW_BEFORE)
        cut = max(low.rfind(" ", max(0, start - 30), start), low.rfind("\n", max(0, start - 30), start))
        start = cut + 1 if cut >= 0 else start
        end = min(length, m.end() + _WINDOW_AFTER)
        found = _WHITESPACE.search(low, end, min(length, end + 30))
        end = found.start() if found else min(length, end + 30)
        group_spans = spans.setdefault(group, [])
        if group_spans and start <= group_spans[-1][1]:
            group_spans[-1] = (group_spans[-1][0], max(end, group_spans[-1][1]))
        else:
            group_spans.append((start, end))
    return spans


_WHITESPACE = re.compile(r"\s")


@lru_cache(maxsize=1)
def _scanner() -> _MentionScanner:
    return _MentionScanner()


_T = TypeVar("_T")


def _non_overlapping(items: list[_T], span: Callable[[_T], tuple[int, int, int]]) -> list[_T]:
    """Keep non-overlapping items greedily: best priority first, then the longest, then the
    leftmost; ``span`` gives (start, end, priority). Sorted by start. O(n log n)."""
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_T] = []
    for item in sorted(items, key=lambda it: (span(it)[2], span(it)[0] - span(it)[1], span(it)[0])):
        start, end, _ = span(item)
        i = bisect.bisect_right(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        kept.insert(i, item)
    return kept


def _select(found: list[_Candidate]) -> list[_Candidate]:
    """Keep non-overlapping candidates: best priority first, then the longest, then leftmost."""
    return _non_overlapping(found, lambda c: (c[0], c[1], c[2]))


def extract_mentioned_dates(text: str, reference: PubDate | None = None) -> list[PubDate]:
    """Periods an article talks about, each with the precision the text gives, deduplicated and
    sorted.

    ``reference`` (normally the publication date) resolves relative phrases: weekdays,
    "gestern", "vor drei Tagen", "letzte Woche" need a DAY reference, "vergangenen September"
    and "letzten Monat" a MONTH reference, "im kommenden Jahr" any. Without one they are skipped.
    Never raises on any input.
    """
    if not isinstance(text, str) or not text:
        return []
    ref = _Ref.of(reference) if isinstance(reference, (PubDate, date)) else None
    dates: set[PubDate] = set()
    for _, _, _, values in _select(_scanner().candidates(text, ref)):
        dates.update(v for v in values if v is not None)
    return sorted(dates)


# --------------------------------------------------------------------------------------------
# Publication dates
# --------------------------------------------------------------------------------------------


class _Invalid:
    """Marker: the string is a date form, but not a calendar date ("31.02.2025")."""


_INVALID = _Invalid()

_TIME_SUFFIX = (
    r"(?:\s*[,|]?\s*(?:um\s+|[-–]\s*)?(?:(?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})(?:[:.][0-9]{2}(?:[.,][0-9]+)?)?"
    r"|(?P<H2>[0-9]{1,2})(?=\s*uhr))\s*(?:uhr|h)?"
    r"(?:\s*(?:[+-][0-9]{2}:?[0-9]{2}|utc|gmt|ut|z|mez|mesz|cet|cest|[a-z]{3,4}))?)?"
)
_WD_PUB = rf"(?:{_WD}|{_alt(_WEEKDAY_ABBR)})\.?,?"
_PUB_PATTERNS: dict[str, re.Pattern[str]] = {
    "iso": re.compile(
        r"(?P<y>[0-9]{4})(?:(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<d>[0-9]{1,2})"
        r"(?:[T ](?P<H>[0-9]{2})(?::?(?P<M>[0-9]{2})(?::?[0-9]{2}(?:[.,][0-9]+)?)?)?"
        r"\s*(?:z|[+-][0-9]{2}(?::?[0-9]{2})?|utc|gmt)?(?:\[[\w/+-]+\])?)?)?)?",
        _I,
    ),
    "iso_basic": re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    "named": re.compile(
        rf"(?:{_WD_PUB}\s+)?(?:(?:den|dem|the)\s+)?(?P<d>[0-9]{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?(?P<mon>{_MON_PUB})\.?,?\s*"
        rf"(?P<y>[0-9]{{4}}|'?[0-9]{{2}}){_TIME_SUFFIX}",
        _I,
    ),
    "english": re.compile(
        rf"(?:{_WD_PUB}\s+)?(?P<mon>{_MON_PUB})\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>[0-9]{{4}})"
        rf"{_TIME_SUFFIX}",
        _I,
    ),
    "numeric": re.compile(
        rf"(?:{_WD_PUB}\s+)?(?P<d>[0-9]{{1,2}})\.\s?(?P<m>[0-9]{{1,2}})\.\s?(?P<y>[0-9]{{4}}|[0-9]{{2}}){_TIME_SUFFIX}",
        _I,
    ),
    "slash": re.compile(rf"(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})/(?P<y>[0-9]{{4}}){_TIME_SUFFIX}", _I),
    "month_year": re.compile(
        rf"(?:(?:anfang|mitte|ende|beginn)\s+)?(?P<mon>{_MON_PUB})\.?\s*,?\s*(?P<y>[0-9]{{4}})"
        rf"|(?P<m>[0-9]{{1,2}})\s?[/.]\s?(?P<y2>[0-9]{{4}})",
        _I,
    ),
    "year": re.compile(rf"(?:(?:{_STRONG_YEAR_PREP}|{_PART_OF_YEAR})\s+)?(?P<y>[0-9]{{4}})", _I),
    "relative_day": re.compile(rf"(?P<w>heute|gestern|vorgestern){_TIME_SUFFIX}", _I),
    "ago": re.compile(rf"vor\s+(?P<n>{_NUM})\s+(?P<unit>tagen|tag|wochen|woche|monaten|monat|jahren|jahr)", _I),
}
_LABEL_PREFIX = re.compile(
    r"^(?:(?:zuletzt\s+)?(?:stand|datum|veröffentlicht|aktualisiert|erschienen|publiziert|erstellt|geändert"
    r"|published|updated|date)(?:\s+(?:am|on))?\s*:?\s*|am\s+|vom\s+)",
    _I,
)


def _with_time(m: re.Match[str], year: int, month: int, day: int) -> PubDate | _Invalid:
    hour = m.groupdict().get("H") or m.groupdict().get("H2")
    minute = m.groupdict().get("M")
    if hour is None:
        return _mk_day(year, month, day) or _INVALID
    if m.groupdict().get("H2") is None and minute is None:
        return _mk_day(year, month, day) or _INVALID  # "T14" alone: keep the day, drop the hour
    return _mk_time(year, month, day, int(hour), int(minute or 0)) or _INVALID


def _parse_strict(text: str, reference: date | None) -> PubDate | _Invalid | None:
    """Whole-string forms only. Returns a date, ``_INVALID`` for a date form that is not a
    calendar date, or None when the string is no known form."""
    base_year = reference.year if reference else date.today().year
    p = _PUB_PATTERNS
    if m := p["iso"].fullmatch(text):
        year = int(m["y"])
        if m["m"] is None:
            return _mk_year(year) or _INVALID
        if m["d"] is None:
            if m["sep"] == ".":
                return None  # "2025.04" is no form we know
            return _mk_month(year, int(m["m"])) or _INVALID
        return _with_time(m, year, int(m["m"]), int(m["d"]))
    if m := p["iso_basic"].fullmatch(text):
        return _mk_day(int(m["y"]), int(m["m"]), int(m["d"])) or _INVALID
    for name in ("named", "english"):
        if m := p[name].fullmatch(text):
            month = _MONTHS_ANY.get(_key(m["mon"]))
            if month is None:
                return None
            raw_year = m["y"].lstrip("'")
            year = int(raw_year) if len(raw_year) == 4 else _expand_two_digit(int(raw_year), base_year, 1)
            return _with_time(m, year, month, int(m["d"]))
    if m := p["numeric"].fullmatch(text):
        year = int(m["y"]) if len(m["y"]) == 4 else _expand_two_digit(int(m["y"]), base_year, 1)
        return _with_time(m, year, int(m["m"]), int(m["d"]))
    if m := p["slash"].fullmatch(text):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            return _with_time(m, int(m["y"]), b, a)
        if b > 12 >= a:
            return _with_time(m, int(m["y"]), a, b)
        logger.warning("ambiguous date %r (day/month or month/day?) ignored", text)
        return None
    if m := p["month_year"].fullmatch(text):
        if m["mon"]:
            month = _MONTHS_ANY.get(_key(m["mon"]))
            return (_mk_month(int(m["y"]), month) if month else None) or _INVALID
        return _mk_month(int(m["y2"]), int(m["m"])) or _INVALID
    if m := p["year"].fullmatch(text):
        return _mk_year(int(m["y"])) or _INVALID
    if m := p["relative_day"].fullmatch(text):
        if reference is None:
            return None
        day = _shift_days(reference, _RELATIVE_DAY_WORDS[_key(m["w"])])
        return _with_time(m, day.year, day.month, day.day) if day else _INVALID
    if m := p["ago"].fullmatch(text):
        n, unit = _number(m["n"]), _unit(m["unit"])
        if reference is None or n is None or unit is None:
            return None
        span = _ago(n, unit, _Ref(reference.year, reference.month, reference))
        return (span.period() if span else None) or _INVALID
    return None


_CLOCK = re.compile(r"\s*,?\s*(?:um\s+)?(?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})(?![0-9])")


def _parse_embedded(text: str, reference: date | None) -> PubDate | None:
    """"Veröffentlicht am 10.11.2020 um 14:30": the first date the mention grammar finds, with a
    clock time right after a day."""
    ref = _Ref.of(reference) if reference else None
    kept = [c for c in _select(_scanner().candidates(text, ref)) if c[3]]
    if not kept:
        return None
    first_end, value = kept[0][1], kept[0][3][0]
    if value.precision == Precision.DAY and (clock := _CLOCK.match(text, first_end)):
        timed = _mk_time(value.year, value.month or 1, value.day or 1, int(clock["H"]), int(clock["M"]))
        return timed or value
    return value


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    from dateparser.date import DateDataParser  # slow import, only for the rare fallback

    return DateDataParser(
        languages=["de", "en"], settings={"REQUIRE_PARTS": ["year"], "RETURN_TIME_AS_PERIOD": True}
    )


def _parse_with_dateparser(text: str) -> PubDate | None:
    """Last resort for odd publication strings. Accepted only when the year, the day and the
    month dateparser reports literally occur in the string: dateparser fills missing parts from
    today and reads "mit sechs 2020" as 6 November 2020."""
    if len(text) > 200:
        return None
    years = set(re.findall(r"(?<![0-9])[0-9]{4}(?![0-9])", text))
    if not years or not re.search(r"[^\W\d_]", text):
        return None
    try:
        data = _dateparser().get_date_data(text)
    except Exception:  # third-party parser: any failure just means "no date"
        return None
    found, period = getattr(data, "date_obj", None), getattr(data, "period", None)
    if found is None or f"{found.year:04d}" not in years:
        return None
    numbers = {int(n) for n in re.findall(r"(?<![0-9])[0-9]{1,2}(?![0-9])", text)}
    words = {_MONTHS_ANY.get(_key(w)) for w in re.findall(r"[^\W\d_]+\.?", text)}
    if period == "year":
        return _mk_year(found.year)
    month_ok = found.month in words or found.month in numbers
    if period == "month":
        return _mk_month(found.year, found.month) if month_ok else None
    if period in ("day", "time") and month_ok and found.day in numbers:
        if period == "time" and re.search(rf"(?<![0-9])0?{found.hour}[:.]{found.minute:02d}(?![0-9])", text):
            return _mk_time(found.year, found.month, found.day, found.hour, found.minute)
        return _mk_day(found.year, found.month, found.day)
    return None


def _normalize(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split()).strip(" \"'„“”«»")
    for _ in range(2):
        text = _LABEL_PREFIX.sub("", text, count=1).strip()
    return text


def month_number(word: str) -> int | None:
    """The month a German month name or its abbreviation names (``März``, ``Maerz``, ``Sept.``),
    else None."""
    return _MONTHS.get(_key(word)) if isinstance(word, str) else None


def parse_date(text: str, *, reference: date | None = None) -> PubDate | None:
    """A publication date from any ingest format, with exactly the precision the string has.

    Accepts ISO 8601 (``2025``, ``2025-04``, ``2025-04-10``, ``2025-04-10T14:30:00+02:00`` →
    TIME in the local time as written), RFC 2822 (``Tue, 10 Nov 2020 14:30:00 +0100``), German
    forms (``10. November 2020``, ``10.11.2020``, ``10.11.20``, ``Nov. 2020``, ``November
    2020``, ``Ende 2024`` → YEAR 2024), labelled strings (``Stand: 10.11.2020, 14:30 Uhr``) and,
    with a ``reference`` day, relative ones (``gestern``, ``vor drei Tagen``). Invalid or absurd
    dates give None and a log warning, never an exception (a caller that knows the document, or
    raises its own error, takes the warning over with :func:`held_date_warnings`).
    """
    if isinstance(text, (date, datetime)):
        text = text.isoformat()
    if not isinstance(text, str):
        return None
    if isinstance(reference, datetime):
        reference = reference.date()
    if reference is not None and not isinstance(reference, date):
        reference = None
    cleaned = _normalize(text)
    if not cleaned or len(cleaned) > 500:
        return None
    try:
        result = _parse_strict(cleaned, reference)
        if result is None and re.fullmatch(r"[0-9]{5,}", cleaned):
            result = _INVALID  # "99999": no year has five digits
        if result is None:
            result = _parse_embedded(cleaned, reference)
            if result is None or result.precision in (Precision.YEAR, Precision.MONTH):
                # "Tue Nov 10 14:30:00 2020", "November 10th, 2020": forms of no German
                # grammar. dateparser may refine what the grammar found, never contradict it.
                refined = _parse_with_dateparser(cleaned)
                if refined and (result is None or result.start() <= refined.start() <= result.end()):
                    result = refined
    except (ValueError, OverflowError, DateError) as error:  # pragma: no cover - defensive
        logger.warning("cannot read date %r: %s", text, error)
        return None
    if isinstance(result, _Invalid):
        logger.warning("not a valid calendar date: %r", text)
        return None
    if result is None:
        logger.info("no date recognised in %r", text)
    return result


def parse_date_bound(text: str, *, today: date | None = None, side: str = "start") -> PubDate:
    """A ``from``/``to`` bound typed by a user (API, CLI): ISO or German forms, and relative
    words against ``today``. Raises :class:`DateError` with a message that says what is accepted,
    because a silently ignored bound would show wrong results. A part of a year ("Herbst 2024",
    "Q2 2024", "2. Halbjahr 2024") is the first of its months as a ``side`` "start" bound and
    the last as an "end" bound, as in a query's date phrase (``_PART_MONTHS``; Von/Bis read it
    as the whole year, found by a review)."""
    if isinstance(text, PubDate):
        return text
    if not isinstance(text, str) or not text.strip():
        raise DateError(
            "a date is missing: expected e.g. 2025, 2025-04, 2025-04-10, 10.04.2025 or April 2025",
            german="Datum fehlt: erwartet z. B. 2025, April 2025, 10.04.2025 oder 2025-04-10.",
        )
    cleaned = _normalize(text)
    part = _part_bound(cleaned, side)
    if part is not None:
        return part
    # "ambiguous date '04/03/2025' ignored": the DateError below says the bound is not read,
    # to the one who typed it; the same warning in the log would only be noise
    with held_date_warnings():
        try:
            result = _parse_strict(cleaned, today or date.today())
        except (ValueError, OverflowError, DateError):
            result = _INVALID
    if isinstance(result, _Invalid):
        if any(not _valid_year(int(year)) for year in re.findall(r"(?<![0-9])[0-9]{3,}(?![0-9])", cleaned)):
            # "9999-12-31" is in the calendar, but no year of news
            raise DateError(
                f"invalid date {text.strip()!r}: only the years {MIN_YEAR} to {MAX_YEAR} are read",
                german=f"Ungültiges Datum: „{text.strip()}“ – möglich sind die Jahre {MIN_YEAR} bis {MAX_YEAR}.",
            )
        raise DateError(
            f"invalid date {text.strip()!r}: no such day in the calendar",
            german=f"Ungültiges Datum: „{text.strip()}“ gibt es im Kalender nicht.",
        )
    if result is None:
        raise DateError(
            f"date not recognised: {text.strip()!r}; expected an ISO or German date such as 2025, 2025-04,"
            " 2025-04-10, 10.04.2025 or April 2025",
            german=f"Datum nicht erkannt: „{text.strip()}“; erwartet z. B. 2025, April 2025, 10.04.2025 oder 2025-04-10.",
        )
    return result


# --------------------------------------------------------------------------------------------
# Date phrases in queries
# --------------------------------------------------------------------------------------------


@dataclass
class DateQuery:
    """A query with its German date phrase turned into publication-date bounds.

    ``query`` is the rest of the query (phrase removed, whitespace tidied), ``start``/``end``
    the bounds (either may be None), ``phrase`` the text that was interpreted and ``label`` a
    German description to show back ("seit März 2025", "letzte Woche (16.–22. November 2026)").
    """

    query: str
    start: PubDate | None = None
    end: PubDate | None = None
    phrase: str = ""
    label: str = ""


@dataclass
class _QAtom:
    """A date expression in a query, before the words around it are read.

    Absolute atoms carry year/month/day (year or month may be missing: "im Mai", "vom 1. bis
    …"); relative atoms carry an already resolved ``span``. ``strong`` atoms may stand alone
    ("Baku 2024"), weak ones need a preposition ("im Mai") or a range partner.
    """

    start: int
    end: int
    priority: int
    strong: bool
    year: int | None = None
    month: int | None = None
    day: int | None = None
    span: _Span | None = None
    until: _Span | None = None  # year ranges "2020-2022": the second year
    rolling: bool = False  # "in den letzten 7 Tagen": already a start..today range
    since_only: bool = False  # "3 Tagen" after "seit"

    @property
    def complete(self) -> bool:
        return self.span is not None or self.year is not None

    def value(self) -> PubDate | None:
        """The absolute atom as a PubDate of its own precision."""
        if self.year is None:
            return None
        if self.day is not None and self.month is not None:
            return _mk_day(self.year, self.month, self.day)
        if self.month is not None:
            return _mk_month(self.year, self.month)
        return _mk_year(self.year)

    def bounds(self) -> tuple[PubDate | None, PubDate | None]:
        if self.span is not None:
            first, last = self.span.bounds()
            if self.until is not None:
                last = self.until.bounds()[1]
            return first, last
        value = self.value()
        return value, value


_Q_ATOMS: list[tuple[str, re.Pattern[str]]] = [
    ("day_named", re.compile(
        rf"(?<![\w.])(?P<d>[0-9]{{1,2}})\.\s*(?P<mon>{_MON_ANY})(?:\s+(?P<y>[0-9]{{4}})(?!\w))?", _LC)),
    ("day_numeric", re.compile(
        r"(?<![\w.,])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4}(?!\w)|[0-9]{2}(?!\w))?(?![\w]|\.[0-9])", _LC)),
    ("iso", re.compile(r"(?:(?<=\.\.)|(?<![\w.\-/]))(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})(?:-(?P<d>[0-9]{1,2}))?(?![\w\-])")),
    ("month_year", re.compile(
        rf"(?<!\w)(?P<mon>{_MON_ANY})\s*(?P<y>[0-9]{{4}})(?!\w)|(?<![\w./])(?P<m>[0-9]{{1,2}})/(?P<y2>[0-9]{{4}})(?![\w/])", _LC)),
    ("year_range", re.compile(
        r"(?<![\w.,/\-])(?P<y1>[0-9]{4})\s*[-–—/]\s*(?P<y2>[0-9]{4}|[0-9]{2})(?![\w]|[-.,][0-9])")),
    ("year", re.compile(r"(?<![\w.,/\-])(?P<y>[0-9]{4})(?![\w]|[.,][0-9]|-[0-9])")),
    ("month", re.compile(rf"(?<!\w)(?P<mon>{_MON_FULL})", _LC)),
    ("bare_day", re.compile(r"(?<![\w.])(?P<d>[0-9]{1,2})\.(?=\s*(?:bis|-|–|und)\s)", _LC)),
    ("relative_day", re.compile(r"(?<![\w-])(?P<w>heute|gestern|vorgestern)(?![\w-])", _LC)),
    ("relative_period", re.compile(
        rf"(?<!\w)(?P<mod>{_MOD})\s+(?P<unit>woche|monats?|jahr(?:e?s)?)(?!\w)"
        rf"|(?<!\w)(?P<word>{_alt(_RELATIVE_WORDS)})(?!\w)(?!\s+[0-9]{{4}}(?![0-9]))", _LC)),
    ("ago", re.compile(
        rf"(?<!\w)vor\s+(?P<n>{_NUM})\s+(?P<unit>tagen|tag|wochen|woche|monaten|monat|jahren|jahr)(?!\w)", _LC)),
    ("rolling", re.compile(
        rf"(?<!\w)(?:(?:in|während|innerhalb)\s+(?:den|der)\s+|(?:der|die|den)\s+)?(?:letzten|vergangenen|letzte"
        rf"|vergangene|zurückliegenden)\s+(?P<n>{_NUM})\s+(?P<unit>tage|tagen|wochen|monate|monaten|jahre|jahren)(?!\w)", _LC)),
    ("count", re.compile(rf"(?<!\w)(?P<n>{_NUM})\s+(?P<unit>tagen|wochen|monaten|jahren)(?!\w)", _LC)),
    ("weekday", re.compile(rf"(?<!\w)(?:(?P<mod>{_MOD})\s+)?(?P<wd>{_WD})(?!\w)", _LC)),
]

#: The words that name a part of a year or month (``_PART_MONTHS``, ``_part_months``).
_PART = (
    r"anfang|mitte|ende|beginn|jahresanfang|jahresbeginn|jahresmitte|jahresende|frühjahr|frühling|sommer|herbst"
    r"|winter|q[1-4]"
    r"|(?:(?:erst|zweit|dritt|viert)e[nrs]?|[1-4]\.)\s+(?:quartals?|halbjahre?s?|jahreshälfte)"
)
_Q_PREFIX = re.compile(
    r"(?:(?<!\S)(?P<op>zwischen|von|vom|seit|ab|nach|bis(?:\s+(?:zum|zur|einschließlich|einschl\.|inklusive|inkl\.))?"
    r"|vor|spätestens|frühestens|im|in|am|aus|um|während|innerhalb)\s+)?"
    r"(?:(?<!\S)(?:dem|den|der|des|zum)\s+)?"
    rf"(?:(?<!\S)(?P<part>{_PART})\s+)?"
    r"(?:(?<!\S)(?:dem|den|der|des)\s+)?"
    r"(?:(?<!\S)(?P<jahr>jahre?s?|monat)\s+)?$",
    _LC,
)
#: Between the two sides of a range; the second may be a part of a year ("von Sommer 2022 bis
#: Ende 2023": a review found the range cut to the summer, "bis Ende 2023" left as words).
_Q_CONNECTOR = re.compile(
    r"\s*(?P<conn>und|bis(?:\s+(?:zum|zur|einschließlich))?|-|–|—|\.\.)\s*(?:(?:dem|den|der)\s+)?"
    rf"(?:(?P<part>{_PART})\s+(?:(?:des|der)\s+)?)?",
    _LC,
)
#: "2019 und 2023", "2019, 2023": a list of dates, which one range cannot express.
_Q_LIST = re.compile(r"\s*(?:und|oder|bzw\.?|sowie|,|/)\s*", _LC)
#: Date phrases glued to query syntax are skipped; after this many the query is left alone.
_MAX_READINGS = 20
#: "von"/"vom" without "bis" is a point ("Zeitung vom 10.11.2020", "Nachrichten von gestern").
_START_OPS = {"seit", "ab", "frühestens"}
_END_OPS = {"bis", "spätestens"}
#: A Whoosh range, with or without a field ("[2022 TO 2023]", "{2022 TO 2023]": either bracket
#: closes it), and any other bracketed text, closed or not (still being typed).
_BRACKETED = r"[\[{][^\]}]*[\]}]?"
_QUOTED = re.compile(rf'"[^"]*"?|„[^“”"]*[“”"]?|“[^”]*”?|\S*\w:(?:"[^"]*"?|{_BRACKETED}|\S*)|{_BRACKETED}')


def _masked_spans(query: str) -> list[tuple[int, int]]:
    """Quoted phrases, ``field:value`` terms and ranges in brackets: the user's own syntax,
    never reinterpreted. A bare range counts too: "Baku [2022 TO 2023]" read "2022" as a date
    and left the parser "[ TO 2023]" (found by a review); the range is the parser's, whether
    a field names it or not ("jahr: [2022 TO 2023]" with a space is no field syntax)."""
    return [m.span() for m in _QUOTED.finditer(query)]


def _query_atoms(query: str, today: date) -> list[_QAtom]:
    ref = _Ref(today.year, today.month, today)
    low = _lower(query)
    atoms: list[_QAtom] = []
    for kind, pattern in _Q_ATOMS:
        for m in pattern.finditer(low):
            try:
                atom = _make_atom(kind, m, query, ref)
            except (ValueError, OverflowError, DateError, KeyError):
                atom = None
            if atom is not None:
                atoms.append(atom)
    return atoms


def _make_atom(kind: str, m: re.Match[str], query: str, ref: _Ref) -> _QAtom | None:
    s, e = m.span()
    if kind == "day_named":
        month = _MONTHS.get(_key(m["mon"]))
        if month is None or not 1 <= int(m["d"]) <= 31:
            return None
        year = int(m["y"]) if m["y"] else None
        return _QAtom(s, e, 0 if year else 2, year is not None, year, month, int(m["d"]))
    if kind == "day_numeric":
        year = None
        if m["y"]:
            year = int(m["y"]) if len(m["y"]) == 4 else _expand_two_digit(int(m["y"]), ref.year, 1)
        if not (1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31):
            return None
        return _QAtom(s, e, 0 if year else 2, year is not None, year, int(m["m"]), int(m["d"]))
    if kind == "iso":
        if not 1 <= int(m["m"]) <= 12:
            return None
        return _QAtom(s, e, 0, True, int(m["y"]), int(m["m"]), int(m["d"]) if m["d"] else None)
    if kind == "month_year":
        if m["mon"]:
            month = _MONTHS.get(_key(m["mon"]))
            if month is None or (_key(m["mon"]) in _ABBR_KEYS and not m["mon"].endswith(".")):
                return None
            year = int(m["y"])
        else:
            month, year = int(m["m"]), int(m["y2"])
        if not 1 <= month <= 12:
            return None
        return _QAtom(s, e, 0, True, year, month)
    if kind == "year_range":
        first = int(m["y1"])
        second = int(m["y2"]) if len(m["y2"]) == 4 else (first // 100) * 100 + int(m["y2"])
        low, high = BARE_YEAR_RANGE
        if not (low <= first <= high and low <= second <= high) or second < first:
            return None
        first_span, second_span = _year_span(first), _year_span(second)
        if not first_span or not second_span:
            return None
        return _QAtom(s, e, 0, True, span=first_span, until=second_span)
    if kind == "year":
        year = int(m["y"])
        low, high = PREP_YEAR_RANGE
        if not low <= year <= high or _quantity_follows(query, e):
            return None
        strong = BARE_YEAR_RANGE[0] <= year <= BARE_YEAR_RANGE[1] and _prev_word(query, s) not in _NOT_YEAR_BEFORE
        return _QAtom(s, e, 1, strong, year)
    if kind == "month":
        month = _MONTHS.get(_key(m["mon"]))
        return _QAtom(s, e, 2, False, None, month) if month else None
    if kind == "bare_day":
        return _QAtom(s, e, 3, False, None, None, int(m["d"])) if 1 <= int(m["d"]) <= 31 else None
    if kind == "relative_day":
        span = _day_span(_shift_days(ref.day, _RELATIVE_DAY_WORDS[_key(m["w"])])) if ref.day else None
        return _QAtom(s, e, 0, True, span=span) if span else None
    if kind == "relative_period":
        if m["word"]:
            direction, unit = _RELATIVE_WORDS[_key(m["word"])]
        else:
            direction_or_none, unit_or_none = _mod_direction(m["mod"]), _unit(m["unit"])
            if direction_or_none is None or unit_or_none is None:
                return None
            direction, unit = direction_or_none, unit_or_none
        span = _relative_period(direction, unit, ref)
        return _QAtom(s, e, 0, True, span=span) if span else None
    if kind == "ago":
        count, unit_name = _number(m["n"]), _unit(m["unit"])
        span = _ago(count, unit_name, ref) if count is not None and unit_name else None
        return _QAtom(s, e, 0, True, span=span) if span else None
    if kind in ("rolling", "count"):
        count, unit_name = _number(m["n"]), _unit(m["unit"])
        if count is None or unit_name is None or ref.day is None or count > 5000:
            return None
        first_day = _rolling_start(ref.day, count, unit_name)
        if first_day is None:
            return None
        span = _Span(first_day, ref.day, Precision.DAY)
        if kind == "rolling":
            return _QAtom(s, e, 0, True, span=span, rolling=True)
        return _QAtom(s, e, 3, False, span=span, since_only=True)
    if kind == "weekday":
        weekday = _WEEKDAYS.get(_key(m["wd"]))
        pointing = _mod_direction(m["mod"])
        if weekday is None or ref.day is None:
            return None
        span = _day_span(_weekday_date(weekday, ref.day, pointing))
        return _QAtom(s, e, 2, m["mod"] is not None and pointing == -1, span=span) if span else None
    return None


def _rolling_start(today: date, count: int, unit: str) -> date | None:
    """First day of "in den letzten N Tagen/Wochen/Monaten/Jahren": today minus N units."""
    try:
        if unit == "day":
            return _shift_days(today, -count)
        if unit == "week":
            return _shift_days(today, -7 * count)
        if unit == "month":
            return _shift_months(today, -count)
        if unit == "year":
            return _shift_months(today, -12 * count)
    except ValueError:
        return None
    return None


def _complete(atom: _QAtom, partner: _QAtom | None, ref: _Ref, is_start: bool) -> _QAtom | None:
    """Fill a missing year (and month) of an atom: from its range partner ("von März bis Mai
    2025", "vom 1. bis 10. März 2025"), else the most recent occurrence not after today."""
    if atom.complete:
        return atom
    if atom.month is None and atom.day is None:
        return None
    if partner is not None and partner.complete and partner.span is None and partner.year is not None:
        month = atom.month if atom.month is not None else partner.month
        if month is None:
            return None
        year = partner.year
        later = (month, atom.day or 1) > (partner.month or 12, partner.day or 31)
        if is_start and later:
            year -= 1
        if not is_start and not later and (month, atom.day or 1) < (partner.month or 1, partner.day or 1):
            year += 1
        return _QAtom(atom.start, atom.end, atom.priority, atom.strong, year, month, atom.day)
    if atom.month is None:
        return None
    if atom.day is not None:
        year_or_none = _day_year(atom.month, atom.day, ref, "latest")
    else:
        year_or_none = _month_year(atom.month, ref, None, "latest")
    if year_or_none is None:
        return None
    return _QAtom(atom.start, atom.end, atom.priority, atom.strong, year_or_none, atom.month, atom.day)


def _touches_syntax(query: str, start: int, end: int) -> bool:
    """True when the phrase is glued to query syntax: "-2024", "(2024)", "2024*", "NOT 2024"."""
    before = query[start - 1] if start > 0 else " "
    after = query[end] if end < len(query) else " "
    if before in "+-(!^" or after in "*?~^)":
        return True
    words_before = query[:start].split()
    words_after = query[end:].split()
    return bool(
        (words_before and words_before[-1] in _BOOLEAN_OPERATORS)
        or (words_after and words_after[0] in _BOOLEAN_OPERATORS)
    )


#: The months a query means by a part of a year: (first, last), a last month past 12 lying in
#: the next year. A mentioned date is one ``PubDate`` and keeps "Ende 2024" a YEAR (principle
#: 2 above), but a query's bounds can be months, and a reader who types "Ende 2023" wants the
#: articles of those months, not of the whole year (found by a review). "Anfang"/"Beginn" and
#: "Ende" are a quarter (as "Anfang März" is March: the smallest period the bounds can name
#: that holds what is meant; "Ende 2023" is often November), "Mitte" the four months around
#: the middle of the year; seasons are meteorological (Frühjahr March–May, Sommer June–August,
#: Herbst September–November, Winter December–February): "Winter 2023" is the winter that
#: begins in 2023, to February 2024, as a season is named by its start ("Winter 2023/24"),
#: and "Winter 2022/23" is December 2022–February 2023. Quarters and halves are exact. An
#: article dated only by its year still matches (overlap).
_PART_MONTHS = {
    "anfang": (1, 3), "beginn": (1, 3), "mitte": (5, 8), "ende": (10, 12),
    "jahresanfang": (1, 3), "jahresbeginn": (1, 3), "jahresmitte": (5, 8), "jahresende": (10, 12),
    "frühjahr": (3, 5), "frühling": (3, 5), "sommer": (6, 8), "herbst": (9, 11), "winter": (12, 14),
}
_ORDINAL_STEMS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "1": 1, "2": 2, "3": 3, "4": 4}


#: A part of a year typed as a bound: its words (``_Q_PREFIX``'s parts) and the year.
_BOUND_PART = re.compile(rf"(?P<part>{_PART})\s+(?:des\s+jahres\s+)?(?P<year>[0-9]{{4}})", re.IGNORECASE)


def _part_bound(text: str, side: str) -> PubDate | None:
    """The first (``side`` "start") or last month of the part of a year ``text`` names
    ("Herbst 2024" → 2024-09 or 2024-11, "Winter 2024" → 2024-12 or 2025-02), else None."""
    found = _BOUND_PART.fullmatch(text)
    year = _mk_year(int(found["year"])) if found else None
    bounds = _part_of_year(found["part"], year, year) if found and year else None
    return None if bounds is None else bounds[0 if side == "start" else 1]


def _part_months(part: str) -> tuple[int, int] | None:
    """"Sommer" → (6, 8), "Q2" → (4, 6), "zweiten Halbjahr" → (7, 12); None for "dritte
    Jahreshälfte" (``_PART_MONTHS``)."""
    words = _key(part).split()
    if words[0] in _PART_MONTHS:
        return _PART_MONTHS[words[0]]
    if len(words) == 1:  # Q1–Q4
        n = int(words[0][1])
        return 3 * n - 2, 3 * n
    n = _ORDINAL_STEMS.get(re.sub(r"e[nrs]?$", "", words[0]), 0)
    if words[1].startswith("quartal") and 1 <= n <= 4:
        return 3 * n - 2, 3 * n
    return (6 * n - 5, 6 * n) if 1 <= n <= 2 else None


def _part_of_year(part: str | None, first: PubDate | None, last: PubDate | None) -> tuple[PubDate, PubDate] | None:
    """Month bounds for the part of the year ``first``..``last`` that ``part`` names ("Ende 2023",
    "Sommer letzten Jahres", "Winter 2022/23"); None without a part, for bounds that are no
    year (a winter's may be two) or a part that names no months: the bounds stay as they are."""
    if not part or first is None or last is None or not first.precision == last.precision == Precision.YEAR:
        return None
    months = _part_months(part)
    year = first.start().year
    if months is None or last.start().year - year not in ((0, 1) if months[1] > 12 else (0,)):
        return None
    lower, upper = _mk_month(year, months[0]), _mk_month(*_add_months(year, 1, months[1] - 1))
    return (lower, upper) if lower and upper else None


def _part_label(query: str, start: int, end: int, bounds: tuple[PubDate | None, PubDate | None]) -> str:
    """"Ende 2023 (zwischen Oktober 2023 und Dezember 2023)": the phrase and what it was read as."""
    return f"{' '.join(query[start:end].split())} ({_bounds_text(*bounds)})"


@dataclass
class _Reading:
    start: int
    end: int
    lower: PubDate | None
    upper: PubDate | None
    label: str


def _op_of(prefix: re.Match[str] | None) -> str:
    if prefix is None or not prefix["op"]:
        return ""
    op = _key(prefix["op"])
    return "bis" if op.startswith("bis") else op


def _readings(query: str, atoms: list[_QAtom], ref: _Ref) -> _Reading | None:
    """The first date phrase: a range "X bis Y", an open bound "seit X", or a point "im X"."""
    low = _lower(query)
    for index, atom in enumerate(atoms):
        window_start = max(0, atom.start - 60)
        prefix = _Q_PREFIX.search(low, window_start, atom.start)
        if prefix is not None and prefix.start() == prefix.end():
            prefix = None
        op = _op_of(prefix)
        phrase_start = prefix.start() if prefix else atom.start
        # Ranges: "zwischen X und Y", "von X bis Y", "X bis Y", "seit X bis Y".
        if index + 1 < len(atoms) and not atom.rolling:
            partner = atoms[index + 1]
            conn = _Q_CONNECTOR.fullmatch(low, atom.end, partner.start)
            if conn and partner.since_only is False and (
                (op == "zwischen" and _key(conn["conn"]) == "und")
                or (op in {"", "von", "vom", "seit", "ab", "im", "in"} and _key(conn["conn"]) != "und")
            ):
                parts = (prefix["part"] if prefix else None, conn["part"])
                reading = _range_reading(atom, partner, ref, phrase_start, query, parts)
                if reading is not None:
                    return reading
        if atom.since_only:
            since = _of_date(atom.span.first) if op == "seit" and atom.span is not None else None
            if since is not None:
                return _Reading(phrase_start, atom.end, since, None, "")
            continue
        if atom.until is not None and op in ("", "im", "in", "von", "vom", "zwischen"):
            lower, upper = atom.bounds()
            winter = _part_of_year(prefix["part"] if prefix else None, lower, upper)  # "Winter 2022/23"
            if winter is not None:
                return _Reading(phrase_start, atom.end, *winter, _part_label(query, phrase_start, atom.end, winter))
            return _Reading(phrase_start, atom.end, lower, upper, "")
        filled = _complete(atom, None, ref, True)
        if filled is None:
            continue
        has_context = bool(op or (prefix and (prefix["part"] or prefix["jahr"])))
        if not atom.strong and not has_context:
            continue  # "Mai", "1850", "Dienstag" alone stay query words
        if not has_context and _in_list(low, atoms, index):
            continue  # "Wahlen 2019 und 2023": two dates, not a filter on the first
        if op == "zwischen":
            continue
        first, last = filled.bounds()
        if first is None or last is None:
            continue
        part = _part_of_year(prefix["part"] if prefix else None, first, last)  # "Ende 2023", "Q1 2023"
        if part is not None:
            first, last = part
        if op in _START_OPS:
            lower, upper = first, None
            if filled.rolling:
                lower, upper = first, last
        elif op == "nach":
            lower, upper = _successor(last), None
        elif op in _END_OPS:
            lower, upper = None, last
        elif op == "vor":
            lower, upper = None, _predecessor(first)
        else:
            lower, upper = first, last
        if lower is None and upper is None:
            continue
        label = ""
        if part is not None:
            label = _part_label(query, phrase_start, atom.end, (lower, upper))
        elif filled.span is None:
            value = filled.value()
            if value is not None and op in ("seit", "ab", "nach", "bis", "vor"):
                label = f"{op} {value.label()}"
            elif value is not None and op == "frühestens":
                label = f"ab {value.label()}"
            elif value is not None and op == "spätestens":
                label = f"bis {value.label()}"
        return _Reading(phrase_start, atom.end, lower, upper, label)
    return None


def _in_list(low: str, atoms: list[_QAtom], index: int) -> bool:
    """Whether the atom is joined to a neighbouring date by "und", "oder" or a comma."""
    atom = atoms[index]
    if index + 1 < len(atoms) and _Q_LIST.fullmatch(low, atom.end, atoms[index + 1].start):
        return True
    return index > 0 and bool(_Q_LIST.fullmatch(low, atoms[index - 1].end, atom.start))


def _range_reading(
    atom: _QAtom, partner: _QAtom, ref: _Ref, phrase_start: int, query: str,
    parts: tuple[str | None, str | None] = (None, None),
) -> _Reading | None:
    """"X bis Y": a side without a year takes it from the other side; if neither has one, the
    end is the most recent occurrence and the start lies before it. A side that is a part of a
    year (``parts``: "von Sommer 2022 bis Ende 2023") is bounded by its months."""
    first: _QAtom | None
    second: _QAtom | None
    if partner.complete:
        first, second = _complete(atom, partner, ref, True), partner
    elif atom.complete:
        first, second = atom, _complete(partner, atom, ref, False)
    else:
        second = _complete(partner, None, ref, False)
        first = _complete(atom, second, ref, True) if second else None
    if first is None or second is None:
        return None
    first_bounds, second_bounds = first.bounds(), second.bounds()
    first_part = _part_of_year(parts[0], *first_bounds) if parts[0] else None
    second_part = _part_of_year(parts[1], *second_bounds) if parts[1] else None
    first_bounds, second_bounds = first_part or first_bounds, second_part or second_bounds
    lower, upper = first_bounds[0], second_bounds[1]
    if lower is None or upper is None:
        return None
    if lower.start() > upper.end():
        lower, upper = second_bounds[0], first_bounds[1]
        if lower is None or upper is None:
            return None
    label = _part_label(query, phrase_start, partner.end, (lower, upper)) if first_part or second_part else ""
    return _Reading(phrase_start, partner.end, lower, upper, label)


#: A time of day after a date ("am 23.02.2025 um 18:00 Uhr", "10.11.2020, 9.30 Uhr"): part of
#: the date phrase (the bounds are days), not words every hit must hold.
_TIME_OF_DAY = re.compile(
    r"(?:\s*,)?\s+(?:um\s+)?(?:(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s*Uhr\b)?(?![\w:.])|(?:[01]?\d|2[0-3])\s*Uhr\b)",
    re.IGNORECASE,
)


def _with_time_of_day(query: str, reading: Any) -> int:
    """Where the date phrase ends: after a time of day that follows a single day."""
    end = int(reading.end)
    if reading.lower is None or reading.lower != reading.upper or reading.lower.precision != Precision.DAY:
        return end
    time_of_day = _TIME_OF_DAY.match(query, end)
    return time_of_day.end() if time_of_day else end


def parse_query_dates(query: str, *, today: date | None = None) -> DateQuery:
    """Turn the first German date phrase of a search query into publication-date bounds.

    "Erdogan seit März 2025" → query "Erdogan", start 2025-03 (MONTH), no end;
    "Baku 2024" → start = end = 2024; "zwischen 2020 und 2022", "von März bis Mai 2025",
    "2020-2022", "bis 2023" (end 2023), "vor 2023" (end 2022: the period before), "nach 2023"
    (start 2024), "im Juli 2025", "10.11.2020", "Ende 2024" (October–December 2024; "Sommer
    2024", "Q1 2024", "erste Jahreshälfte 2024": ``_PART_MONTHS``), "letzte Woche" (Monday to
    Sunday as DAY bounds), "letzten Monat", "dieses Jahr", "vor drei Tagen", "in den letzten 7
    Tagen" (today − 7 days … today), "am Dienstag" (the last Tuesday). A bare number is a year
    only in 1900–2100 and not next to a unit ("2000 Euro") or after a name ("Artikel 2024",
    "Agenda 2030", "Euro 2024"); a month or a day without a year needs a preposition ("im Mai":
    the most recent May not after today); quoted phrases, ``field:value`` terms, ranges in
    brackets ("[2022 TO 2023]") and operands of boolean operators or ``-``/``+`` are left
    alone. Only one phrase is interpreted; further ones stay query words. Nothing found → the
    query unchanged with empty bounds. Never raises.
    """
    empty = DateQuery(query=query if isinstance(query, str) else "", start=None, end=None, phrase="", label="")
    if not isinstance(query, str) or not query.strip() or len(query) > 5000:
        return empty
    if isinstance(today, datetime):
        today = today.date()
    if not isinstance(today, date):
        today = date.today()
    if not _TRIGGER.search(_lower(query)):
        return empty
    ref = _Ref(today.year, today.month, today)
    masked = _masked_spans(query)
    atoms = [
        a
        for a in _query_atoms(query, today)
        if all(a.end <= s or a.start >= e for s, e in masked)
    ]
    kept = _non_overlapping(atoms, lambda a: (a.start, a.end, a.priority))
    for _ in range(_MAX_READINGS):
        if not kept:
            break
        try:
            reading = _readings(query, kept, ref)
        except (ValueError, OverflowError, DateError):
            reading = None
        if reading is None:
            return empty
        if (
            (reading.lower is None and reading.upper is None)
            or any(reading.end > s and reading.start < e for s, e in masked)
            or _touches_syntax(query, reading.start, reading.end)
        ):
            kept = [k for k in kept if k.end > reading.end]
            continue
        end = _with_time_of_day(query, reading)
        phrase = " ".join(query[reading.start : end].split())
        rest = " ".join((query[: reading.start] + " " + query[end:]).split())
        label = reading.label or _bounds_text(reading.lower, reading.upper)
        relative = any(
            k.span is not None and k.until is None and reading.start <= k.start < reading.end for k in kept
        )
        if relative:
            label = f"{phrase} ({_bounds_text(reading.lower, reading.upper)})"
        return DateQuery(query=rest, start=reading.lower, end=reading.upper, phrase=phrase, label=label)
    return empty
