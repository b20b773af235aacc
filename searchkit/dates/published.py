"""Publication dates: a strict German grammar for what feeds, HTML meta tags and first lines
write, a guarded ``dateparser`` fallback for the rest, and the ``from``/``to`` bounds users
type (``parse_date``, ``parse_date_bound``)."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ..errors import DateError, clipped, shown
from ..model import Precision, PubDate
from .lexicon import (
    _I,
    _MON_PUB,
    _MONTHS,
    _MONTHS_ANY,
    _NUM,
    _WD,
    _WEEKDAY_ABBR,
    MAX_YEAR,
    MIN_YEAR,
    _alt,
    _key,
    _number,
)
from .log import held_date_warnings, logger
from .mentioned import _PART_OF_YEAR, _STRONG_YEAR_PREP, _scanner, _select
from .periods import (
    _RELATIVE_DAY_WORDS,
    _ago,
    _expand_two_digit,
    _mk_day,
    _mk_month,
    _mk_time,
    _mk_year,
    _Ref,
    _shift_days,
    _unit,
    _valid_year,
)
from .queries import _part_bound


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
    from dateparser.date import (
        DateDataParser,  # slow import, only for the rare fallback
    )

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


def _phrase_bound(text: str, today: date, side: str) -> PubDate | None:
    """A bound written as a date phrase of the search box, which is all of ``text``: "letzte
    Woche", "vorige Woche", "letzten Monat" (its first day as a start, its last as an end), "seit
    Mai" as a start. The page's Von/Bis fields refused what the search box reads (found by a
    review); None when ``text`` is no such phrase or names no bound of this ``side``."""
    from .queries import parse_query_dates

    with held_date_warnings():
        reading = parse_query_dates(text, today=today)
    if reading.query.strip() or not reading.phrase:
        return None
    return reading.start if side == "start" else reading.end


#: Numeric forms with a month: "2025-13", "2025-13-01", "2025/13", "2025.13", "13/2025", "13.2025",
#: "01.13.2025".
_NUMERIC_MONTH = re.compile(
    r"[0-9]{4}[-/.](?P<a>[0-9]{1,2})(?:[-/.][0-9]{1,2})?|(?P<b>[0-9]{1,2})[./][0-9]{4}|[0-9]{1,2}\.(?P<c>[0-9]{1,2})\.(?:[0-9]{2}|[0-9]{4})"
)


def _impossible_month(text: str) -> int | None:
    """The month number of a numeric date that no calendar has ("2025-13" → 13): a bound is then
    wrong in its month, which "no such day" would not tell (found by a review)."""
    found = _NUMERIC_MONTH.fullmatch(text.strip().rstrip("."))
    if found is None:
        return None
    month = int(found["a"] or found["b"] or found["c"])
    return None if 1 <= month <= 12 else month


def _without_year(text: str) -> bool:
    """Whether ``text`` is a month's name or a part of a year alone ("März", "Sommer", "Ende"):
    a bound that names no year, which "Datum nicht erkannt" did not tell (found by a review)."""
    words = text.strip().lower().split()
    return len(words) == 1 and (month_number(words[0]) is not None or words[0] in _PART_MONTH_WORDS)


#: A part of a year named alone ("Sommer", "Anfang"): the words of the query's parts.
_PART_MONTH_WORDS = frozenset({"anfang", "beginn", "mitte", "ende", "frühjahr", "frühling", "sommer", "herbst", "winter"})


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
                f"invalid date {shown(text.strip())}: only the years {MIN_YEAR} to {MAX_YEAR} are read",
                german=f"Ungültiges Datum: „{clipped(text.strip())}“ – möglich sind die Jahre {MIN_YEAR} bis {MAX_YEAR}.",
            )
        month = _impossible_month(cleaned)
        if month is not None:
            raise DateError(
                f"invalid date {shown(text.strip())}: there is no month {month}",
                german=f"Ungültiges Datum: „{clipped(text.strip())}“ gibt es im Kalender nicht, er hat keinen Monat {month}.",
            )
        raise DateError(
            f"invalid date {shown(text.strip())}: no such day in the calendar",
            german=f"Ungültiges Datum: „{clipped(text.strip())}“ gibt es im Kalender nicht.",
        )
    if result is None:
        result = _phrase_bound(text, today or date.today(), side)
    if result is None and _without_year(cleaned):
        # "März", "Sommer": which one? ("seit März" is the last March: a phrase of the search box)
        name = text.strip()
        since = side == "start" and _phrase_bound(f"seit {name}", today or date.today(), side) is not None
        raise DateError(
            f"date without a year: {name!r}; write e.g. {name} 2025",
            german=f"Datum ohne Jahr: „{name}“; bitte mit Jahr, z. B. „{name} 2025“"
            + (f", oder „seit {name}“." if since else "."),
        )
    if result is None:
        raise DateError(
            f"date not recognised: {shown(text.strip())}; expected an ISO or German date such as 2025, 2025-04,"
            " 2025-04-10, 10.04.2025 or April 2025",
            german=f"Datum nicht erkannt: „{clipped(text.strip())}“; erwartet z. B. 2025, April 2025, 10.04.2025 oder 2025-04-10.",
        )
    return result
