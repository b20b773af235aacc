"""German date phrases typed into the search box ("seit März 2024", "letzte Woche", "von Sommer
2022 bis Ende 2023"): read into a ``DateQuery`` of bounds and the words left to search."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..errors import DateError
from ..model import Precision, PubDate
from .lexicon import (
    _LC,
    _MOD,
    _MON_ANY,
    _MON_FULL,
    _MONTHS,
    _NOT_YEAR_BEFORE,
    _NUM,
    _WD,
    _WEEKDAYS,
    BARE_YEAR_RANGE,
    PREP_YEAR_RANGE,
    _alt,
    _key,
    _lower,
    _mod_direction,
    _number,
)
from .mentioned import (
    _TRIGGER,
    _next_word,
    _non_overlapping,
    _prev_word,
    _quantity_follows,
)
from .periods import (
    _RELATIVE_DAY_WORDS,
    _RELATIVE_WORDS,
    _add_months,
    _ago,
    _bounds_text,
    _day_span,
    _day_year,
    _expand_two_digit,
    _iso_week_span,
    _latest_iso_week,
    _mk_day,
    _mk_month,
    _mk_year,
    _month_year,
    _of_date,
    _predecessor,
    _Ref,
    _relative_period,
    _season_span,
    _shift_days,
    _shift_months,
    _Span,
    _successor,
    _valid_year,
    _unit,
    _weekday_date,
    _year_span,
)


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
    season: bool = False  # "Sommer": may be the part of a following date ("Sommer 2024")

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


#: The words that name a part of a year or month (``_PART_MONTHS``, ``_part_months``).
_PART = (
    r"anfang|mitte|ende|beginn|jahresanfang|jahresbeginn|jahresmitte|jahresende|frühjahr|frühling|sommer|herbst"
    r"|winter|q[1-4]|h[12]"
    r"|(?:(?:erst|zweit|dritt|viert)e[nrs]?|[1-4]\.)\s+(?:quartals?|halbjahre?s?|jahreshälfte)"
)
#: After a month, what may follow a two-digit year ("März 26", "Sept. '25"): no word, time
#: ("26:00") or decimal; "im März 26 Tote" is a count (``_two_digit_year_at``).
_YY_END = r"(?![\w:]|[.,][0-9])"
#: "vorletzte Woche", "vorletztes Jahr", "vorletzten Sommer": two periods back (``_query_direction``).
_TWO_BACK = r"vorletzte[nrms]?"
_SEASONS = r"frühjahr|frühling|sommer|herbst|winter"
#: Date words of a query with neither digit nor month nor weekday, which ``_TRIGGER`` (built
#: for running text) does not look for: "seit Sommer".
_Q_TRIGGER = re.compile(_SEASONS, _LC)

_Q_ATOMS: list[tuple[str, re.Pattern[str]]] = [
    ("day_named", re.compile(
        rf"(?<![\w.])(?P<d>[0-9]{{1,2}})\.\s*(?P<mon>{_MON_ANY})"
        rf"(?:\s+(?P<y>[0-9]{{4}})(?!\w)|(?:\s+'?|')(?P<yy>[0-9]{{2}}){_YY_END})?", _LC)),
    ("day_numeric", re.compile(
        r"(?<![\w.,])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4}(?!\w)|[0-9]{2}(?!\w))?(?![\w]|\.[0-9])", _LC)),
    ("iso", re.compile(r"(?:(?<=\.\.)|(?<![\w.\-/]))(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})(?:-(?P<d>[0-9]{1,2}))?(?![\w\-])")),
    ("month_year", re.compile(
        rf"(?<!\w)(?P<mon>{_MON_ANY})\s*(?P<y>[0-9]{{4}})(?!\w)|(?<![\w./])(?P<m>[0-9]{{1,2}})/(?P<y2>[0-9]{{4}})(?![\w/])"
        rf"|(?<!\w)(?P<mon3>{_MON_ANY})(?:\s+'?|')(?P<yy>[0-9]{{2}}){_YY_END}", _LC)),
    ("iso_week", re.compile(
        r"(?<![\w.])(?:kw|kalenderwoche)\s*(?P<w>[0-9]{1,2})(?:\s*/\s*(?P<y>[0-9]{4}|[0-9]{2})|\s+(?P<y4>[0-9]{4}))?"
        r"(?![\w/]|[.,][0-9])|(?<![\w.])(?P<w2>[0-9]{1,2})\.\s*(?:kw|kalenderwoche)(?:\s+(?P<y2>[0-9]{4}))?(?!\w)", _LC)),
    ("year_range", re.compile(
        r"(?<![\w.,/\-])(?P<y1>[0-9]{4})\s*[-–—/]\s*(?P<y2>[0-9]{4}|[0-9]{2})(?![\w]|[-.,][0-9])")),
    ("year", re.compile(r"(?<![\w.,/\-])(?P<y>[0-9]{4})(?![\w]|[.,][0-9]|-[0-9])")),
    ("month", re.compile(rf"(?<!\w)(?P<mon>{_MON_FULL})", _LC)),
    ("bare_day", re.compile(r"(?<![\w.])(?P<d>[0-9]{1,2})\.(?=\s*(?:bis|-|–|und)\s)", _LC)),
    ("relative_day", re.compile(r"(?<![\w-])(?P<w>heute|gestern|vorgestern)(?![\w-])", _LC)),
    ("relative_period", re.compile(
        rf"(?<!\w)(?P<mod>{_MOD}|{_TWO_BACK})\s+(?P<unit>woche|monats?|jahr(?:e?s)?)(?!\w)"
        rf"|(?<!\w)(?P<word>{_alt(_RELATIVE_WORDS)})(?!\w)(?!\s+[0-9]{{4}}(?![0-9]))", _LC)),
    ("ago", re.compile(
        rf"(?<!\w)vor\s+(?P<n>{_NUM})\s+(?P<unit>tagen|tag|wochen|woche|monaten|monat|jahren|jahr)(?!\w)", _LC)),
    ("rolling", re.compile(
        rf"(?<!\w)(?:(?:in|während|innerhalb)\s+(?:den|der)\s+|(?:der|die|den)\s+)?(?:letzten|vergangenen|letzte"
        rf"|vergangene|zurückliegenden)\s+(?P<n>{_NUM})\s+(?P<unit>tage|tagen|wochen|monate|monaten|jahre|jahren)(?!\w)", _LC)),
    ("count", re.compile(rf"(?<!\w)(?P<n>{_NUM})\s+(?P<unit>tagen|wochen|monaten|jahren)(?!\w)", _LC)),
    ("weekday", re.compile(rf"(?<!\w)(?:(?P<mod>{_MOD})\s+)?(?P<wd>{_WD})(?!\w)", _LC)),
    ("season", re.compile(rf"(?<!\w)(?:(?P<mod>{_MOD}|{_TWO_BACK})\s+)?(?P<season>{_SEASONS})(?!\w)", _LC)),
    ("year_part", re.compile(rf"(?<!\w)(?P<part>{_PART})\s+des\s+jahres(?!\w)(?!\s*'?[0-9])", _LC)),
]

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
        year = int(m["y"]) if m["y"] else _two_digit_year_at(m, query, ref)
        if m["yy"] and year is None:
            e = m.end("mon")  # "am 5. März 26 Tote": the day without the count
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
        name = m["mon"] or m["mon3"]
        if name:
            month = _MONTHS.get(_key(name))
            if month is None or (_key(name) in _NAME_ABBRS and not name.endswith(".")):
                return None
            year_or_none = int(m["y"]) if m["y"] else _two_digit_year_at(m, query, ref)
            if year_or_none is None:
                return None
            year = year_or_none
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
    if kind == "iso_week":
        return _week_atom(m, s, e, ref)
    if kind == "season":
        span = _season_span(m["season"], ref, _query_direction(m["mod"]))
        return _QAtom(s, e, 2, m["mod"] is not None, span=span, season=True) if span else None
    if kind == "year_part":
        span = _part_span(m["part"], ref.year)
        return _QAtom(s, e, 0, True, span=span) if span else None
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
            direction_or_none, unit_or_none = _query_direction(m["mod"]), _unit(m["unit"])
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


#: Abbreviations that are also first names ("Jan 2024" may be Jan Ullrich's): a month only with
#: their dot. The others ("Sep 2025", "Mrz 2025") are months without one too.
_NAME_ABBRS = {"jan"}


def _two_digit_year_at(m: re.Match[str], query: str, ref: _Ref) -> int | None:
    """The year of "März 26" ("yy" of ``m``): the century that puts it at most a year after
    today; None without one, or when the number counts something ("im März 26 Tote", "am 5.
    Mai 10 Uhr")."""
    if not m["yy"]:
        return None
    end = m.end("yy")
    if _quantity_follows(query, end) or _next_word(query, end) in {"uhr", "h"}:
        return None
    return _expand_two_digit(int(m["yy"]), ref.year, 1)


def _week_atom(m: re.Match[str], start: int, end: int, ref: _Ref) -> _QAtom | None:
    """"KW 10 2026", "KW 10/26", "10. KW 2026": that ISO week; "KW 10" alone the latest begun."""
    week = int(m["w"] or m["w2"])
    year_text = m["y"] or m["y4"] or m["y2"]
    if year_text:
        year = int(year_text) if len(year_text) == 4 else _expand_two_digit(int(year_text), ref.year, 1)
        span = _iso_week_span(year, week)
    else:
        span = _latest_iso_week(week, ref.day) if ref.day else None
    return _QAtom(start, end, 0, True, span=span) if span else None


def _query_direction(mod: str | None) -> int | None:
    """As ``_mod_direction``, and "vorletzte" two periods back (only queries read it: in running
    text its reference, the article's day, is often unknown)."""
    if mod and _key(mod).startswith("vorletzt"):
        return -2
    return _mod_direction(mod)


def _part_span(part: str, year: int) -> _Span | None:
    """The months of "Anfang/Mitte/Ende des Jahres", "Sommer des Jahres": of the current year,
    as "Anfang dieses Jahres" (a query asks about its own time)."""
    months = _part_months(part)
    if months is None or not _valid_year(year) or not _valid_year(year + 1):
        return None
    last_year, last_month = _add_months(year, 1, months[1] - 1)
    last_day = calendar.monthrange(last_year, last_month)[1]
    return _Span(date(year, months[0], 1), date(last_year, last_month, last_day), Precision.MONTH)


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


#: Operators that exclude what follows them: a filter on the period they negate would find
#: its opposite ("Trump NOT seit März 2026" the articles since March); a half-open period is
#: read as the bound on its other side instead (``_negated_bound``).
_NEGATING = {"NOT", "ANDNOT"}


def _touches_syntax(query: str, start: int, end: int) -> bool:
    """True when the phrase is the user's query syntax rather than a period: glued to it
    ("-2024", "(2024)", "2024*"), negated ("NOT 2024") or an alternative between others ("Baku OR
    2024 OR Ankara"). Joined by AND, or at either end of an OR ("Trump AND seit März 2026",
    "Trump seit März 2026 OR Merz"), it is the filter of the whole query: the operator is left
    with nothing to join, and the query parser drops it (the phrase was searched as words and
    found nothing: "Trump AND 2026" 4 of 5,188 articles, with the filter 384)."""
    before = query[start - 1] if start > 0 else " "
    if before in "+-(!^" or _glued_after(query, end):
        return True
    words_before = query[:start].split()
    words_after = query[end:].split()
    previous = words_before[-1] if words_before else ""
    following = words_after[0] if words_after else ""
    return previous in _NEGATING or (previous == "OR" and following == "OR")


def _negated_bound(query: str, reading: Any, masked: list[tuple[int, int]]) -> DateQuery | None:
    """A half-open period negated by NOT as the bound on its other side: "Trump NOT seit März
    2026" is Trump before March 2026 (up to February 2026), "NOT vor 2020" from 2020 on. Read as
    words the negated phrase found nothing ("Trump AND NOT seit AND März AND 2026", a review).
    A closed period ("NOT 2025", "NOT März 2025") would need two ranges and stays words; so does
    a phrase glued to syntax, quoted, or an alternative of OR (``_touches_syntax``)."""
    if (reading.lower is None) == (reading.upper is None):
        return None
    words_before = query[: reading.start].split()
    if not words_before or words_before[-1] not in _NEGATING or query[reading.start - 1 : reading.start] != " ":
        return None
    words_after = query[reading.end :].split()
    if (len(words_before) > 1 and words_before[-2] in {"OR", *_NEGATING}) or words_after[:1] == ["OR"]:
        return None  # "Trump OR NOT seit …", "NOT NOT seit …", "NOT seit … OR Merz": logic, not one bound
    if _overlaps(masked, reading.start, reading.end) or _glued_after(query, reading.end):
        return None
    lower = _successor(reading.upper) if reading.lower is None else None
    upper = _predecessor(reading.lower) if reading.upper is None else None
    if lower is None and upper is None:
        return None
    operator_start = query.rindex(words_before[-1], 0, reading.start)
    phrase = " ".join(query[operator_start : reading.end].split())
    negated = " ".join(query[reading.start : reading.end].split())
    rest = " ".join((query[:operator_start] + " " + query[reading.end :]).split())
    label = f"nicht {negated} ({_bounds_text(lower, upper)})"
    return DateQuery(query=rest, start=lower, end=upper, phrase=phrase, label=label)


def _glued_after(query: str, end: int) -> bool:
    """Whether syntax is glued to the end of a phrase: a wildcard, fuzzy or boost mark, a
    closing bracket, or a "?" that does not end the question ("2024*", "2026?5")."""
    after = query[end] if end < len(query) else " "
    return after in "*~^)" or (after == "?" and not _ends_question(query, end))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start``…``end`` overlaps one of ``spans`` (quoted or field text)."""
    return any(end > s and start < e for s, e in spans)


def _ends_question(query: str, at: int) -> bool:
    """Whether the "?" at ``at`` ends a question ("Was geschah seit März 2026?"): followed by
    nothing, a space or more punctuation, as the query parser reads it (``parsing._QUESTION_MARK``),
    not a wildcard glued to the phrase ("2026?5")."""
    rest = query[at + 1 : at + 2]
    return not rest or rest.isspace() or rest in "?!.\"'“”»«)"


def _alternative_dates(query: str, atoms: list[_QAtom], start: int, end: int) -> bool:
    """Whether an OR parts the phrase from another date that may stand alone: alternatives
    ("Wahl 2025 OR 2021", "Wahl 2025 OR Wahl 2021"), which one filter cannot hold (the second
    year was the filter, the first a required word)."""
    for atom in atoms:
        if not atom.strong or start < atom.end and atom.start < end:
            continue
        between = query[atom.end : start] if atom.end <= start else query[end : atom.start]
        if "OR" in between.split():
            return True
    return False


def _without_leading_seasons(atoms: list[_QAtom], low: str) -> list[_QAtom]:
    """Season atoms that name the part of a following date ("Sommer 2024", "Sommer letzten
    Jahres") left out: that date reads the season as its part (``_Q_PREFIX``)."""
    starts = {atom.start for atom in atoms}
    return [
        atom for atom in atoms
        if not (atom.season and _leads_to(low, atom.end, starts))
    ]


_PART_GLUE = re.compile(r"\s+(?:(?:des|der|dem|den)\s+)?(?:jahres\s+)?")


def _leads_to(low: str, end: int, starts: set[int]) -> bool:
    """Whether only spaces and an article ("Sommer des Jahres 2024") part ``end`` from a date."""
    glue = _PART_GLUE.match(low, end)
    return glue is not None and glue.end() in starts


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
#: article dated only by its year still matches (overlap). A part of a month keeps the month:
#: "Ende März 2026" is March 2026, labelled "Ende März 2026 (März 2026)" so that the page says
#: what was searched. Thirds of the month (21–31 March) would keep the articles dated by their
#: month alone (they overlap every part) and drop only the day-dated ones near a border that
#: the phrase leaves vague ("Ende März": the 19th?), in an archive where an article about the
#: end of March is often dated in April.
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
    if len(words) == 1:  # Q1–Q4, H1–H2
        n = int(words[0][1])
        return (6 * n - 5, 6 * n) if words[0][0] == "h" else (3 * n - 2, 3 * n)
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
        has_context = bool(op or (prefix and (prefix["part"] or prefix["jahr"]) and not atom.season))
        if not atom.strong and not has_context:
            continue  # "Mai", "1850", "Dienstag" alone stay query words
        if not has_context and _in_list(low, atoms, index):
            continue  # "Wahlen 2019 und 2023": two dates, not a filter on the first
        if op == "zwischen":
            continue
        first, last = filled.bounds()
        if first is None or last is None:
            continue
        part_word = prefix["part"] if prefix else None
        part = _part_of_year(part_word, first, last)  # "Ende 2023", "Q1 2023"
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
        if part_word:  # "Ende 2023 (zwischen Oktober 2023 und Dezember 2023)", "Ende März 2026 (März 2026)"
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
    label = _part_label(query, phrase_start, partner.end, (lower, upper)) if any(parts) else ""
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
    "Agenda 2030", "Euro 2024"); a month, a season or a day without a year needs a preposition
    ("im Mai": the most recent May not after today; "seit Sommer"; ``_season_span``) or a
    modifier ("letzten Sommer", "vorletztes Jahr"); also "Anfang des Jahres" (this year's),
    "Sep 2025", "März 26", "H2 2025", "KW 10 2026" (Monday to Sunday), "Ende März 2026" (the
    month, labelled with its part: ``_PART_MONTHS``). Quoted phrases, ``field:value`` terms,
    ranges in brackets ("[2022 TO 2023]"), phrases glued to ``-``/``+``, negated by NOT (except
    a half-open period: ``_negated_bound``) or one of several alternatives of OR are left alone
    (``_touches_syntax``); beside AND or at the
    end of an OR the phrase is the filter, its operator left for the query parser to drop. Only
    one phrase is interpreted; further ones stay query words. Nothing found → the query
    unchanged with empty bounds. Never raises.
    """
    empty = DateQuery(query=query if isinstance(query, str) else "", start=None, end=None, phrase="", label="")
    if not isinstance(query, str) or not query.strip() or len(query) > 5000:
        return empty
    if isinstance(today, datetime):
        today = today.date()
    if not isinstance(today, date):
        today = date.today()
    if not _TRIGGER.search(_lower(query)) and not _Q_TRIGGER.search(_lower(query)):
        return empty
    ref = _Ref(today.year, today.month, today)
    masked = _masked_spans(query)
    atoms = [
        a
        for a in _query_atoms(query, today)
        if not _overlaps(masked, a.start, a.end)
    ]
    kept = _without_leading_seasons(_non_overlapping(atoms, lambda a: (a.start, a.end, a.priority)), _lower(query))
    every = list(kept)
    for _ in range(_MAX_READINGS):
        if not kept:
            break
        try:
            reading = _readings(query, kept, ref)
        except (ValueError, OverflowError, DateError):
            reading = None
        if reading is None:
            return empty
        negated = _negated_bound(query, reading, masked)
        if negated is not None:
            return negated
        if (
            (reading.lower is None and reading.upper is None)
            or _overlaps(masked, reading.start, reading.end)
            or _touches_syntax(query, reading.start, reading.end)
            or _alternative_dates(query, every, reading.start, reading.end)
        ):
            kept = [k for k in kept if k.end > reading.end]
            continue
        end = _with_time_of_day(query, reading)
        phrase = " ".join(query[reading.start : end].split())
        before = query[: reading.start]
        if query[end : end + 1] == "?":
            # the question's mark stays after a word, where the parser reads it as punctuation:
            # ", ?" of "…, 1979?" was a one-letter wildcard ("too broad", a QueryError)
            before = before.rstrip().rstrip(",;:").rstrip()
        rest = " ".join((before + " " + query[end:]).split())
        if not re.search(r"[^\s?!.]", rest):
            rest = ""  # "2025?", "seit März 2026?": the period's articles, no lone wildcard
        label = reading.label or _bounds_text(reading.lower, reading.upper)
        relative = any(
            k.span is not None and k.until is None and reading.start <= k.start < reading.end for k in kept
        )
        if relative:
            label = f"{phrase} ({_bounds_text(reading.lower, reading.upper)})"
        return DateQuery(query=rest, start=reading.lower, end=reading.upper, phrase=phrase, label=label)
    return empty
