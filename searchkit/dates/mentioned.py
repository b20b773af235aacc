"""The periods an article mentions: one pass over the lower-cased text finds anchors, and each
rule runs only in short windows around the anchors of its kind (``extract_mentioned_dates``)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from ..errors import DateError
from ..model import PubDate
from .lexicon import (
    _I,
    _LC,
    _LEGAL_AFTER,
    _LEGAL_BEFORE,
    _MOD,
    _MON_ANY,
    _MON_FULL,
    _MON_FULL_EN,
    _MONTH_ABBR_WORDS,
    _MONTH_FULL_WORDS,
    _MONTHS,
    _MONTHS_ANY,
    _NOT_YEAR_BEFORE,
    _NUM,
    _UNIT_WORDS,
    _WD,
    _WEEKDAY_WORDS,
    _WEEKDAYS,
    _YMOD,
    BARE_YEAR_RANGE,
    PREP_YEAR_RANGE,
    STRONG_YEAR_RANGE,
    _alt,
    _key,
    _lower,
    _mod_direction,
    _number,
)
from .log import logger
from .periods import (
    _RELATIVE_DAY_WORDS,
    _RELATIVE_WORDS,
    _ago,
    _day_year,
    _expand_two_digit,
    _mk_day,
    _mk_month,
    _mk_year,
    _month_year,
    _of_date,
    _Ref,
    _relative_period,
    _shift_days,
    _unit,
    _weekday_date,
)

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
