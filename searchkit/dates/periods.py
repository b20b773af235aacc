"""Calendar arithmetic on ``PubDate`` and the resolution of relative pieces ("im Dezember",
"vor drei Tagen", "letzte Woche", "am Dienstag") against a reference day, month or year."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from ..model import GERMAN_MONTHS, Precision, PubDate
from .lexicon import MAX_YEAR, MIN_YEAR, _key


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


#: Seasons by their first month, three months each (meteorological, as ``_PART_MONTHS`` of a
#: query): a season without a year ("seit Sommer", "letzten Winter") is resolved against today.
_SEASON_FIRST_MONTHS = {"frühjahr": 3, "frühling": 3, "sommer": 6, "herbst": 9, "winter": 12}


def _season_span(season: str, ref: _Ref, direction: int | None) -> _Span | None:
    """The season meant by "im/seit Sommer" (``direction`` None: the latest one begun by the
    reference month, as "im Mai" is the latest May), "letzten Sommer" (-1: the latest one over;
    -2 "vorletzten": the one before), "diesen Sommer" (0: the one under way, else the one that
    begins in the reference year) and "kommenden Sommer" (+1: the next one to begin). A winter
    is named by the year it begins in, so "diesen Winter" in January is the one begun in December."""
    first_month = _SEASON_FIRST_MONTHS.get(_key(season))
    if first_month is None or ref.month is None:
        return None
    here = ref.year * 12 + ref.month - 1
    begun = ref.year if first_month <= ref.month else ref.year - 1
    over = here > begun * 12 + first_month + 1  # its third month lies before the reference month
    latest_over = begun if over else begun - 1
    year = {None: begun, 0: ref.year if over else begun, 1: begun + 1, -1: latest_over, -2: latest_over - 1}.get(direction)
    if year is None or not _valid_year(year) or not _valid_year(year + 1):
        return None
    last_year, last_month = _add_months(year, first_month, 2)
    last_day = calendar.monthrange(last_year, last_month)[1]
    return _Span(date(year, first_month, 1), date(last_year, last_month, last_day), Precision.MONTH)


def _iso_week_span(year: int, week: int) -> _Span | None:
    """Monday to Sunday of the ISO calendar week ("KW 10 2026"): the week of the first
    Thursday of the year is week 1, so week 1 may begin in December."""
    if not _valid_year(year) or not 1 <= week <= 53:
        return None
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:  # week 53 of a year with 52
        return None
    sunday = _shift_days(monday, 6)
    return _Span(monday, sunday, None) if sunday else None


def _latest_iso_week(week: int, today: date) -> _Span | None:
    """"KW 10" without a year: the latest such week begun by ``today`` (as "im Mai")."""
    for year in (today.isocalendar()[0], today.isocalendar()[0] - 1, today.isocalendar()[0] - 2):
        span = _iso_week_span(year, week) if _valid_year(year) else None
        if span is not None and span.first <= today:
            return span
    return None

