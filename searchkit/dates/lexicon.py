"""The words and patterns of German (and some English) dates: month and weekday names,
number words, modifiers ("vergangenen", "kommenden"), units, and the year ranges that make a
number a year."""

from __future__ import annotations

import re
from typing import Any

#: Any explicit date outside these years is absurd for news (typos such as "0000" or "2O25").
MIN_YEAR, MAX_YEAR = 1000, 2999
#: A bare four-digit number in a query is a year filter only in this range ("Baku 2024").
BARE_YEAR_RANGE = (1900, 2100)
#: After a preposition ("seit 1871", "im 1900 …") a number is a year in this range.
PREP_YEAR_RANGE = (1800, 2100)
#: After "Jahr"/"im Jahre" a number is a year in this range ("im Jahr 1453").
STRONG_YEAR_RANGE = (1000, 2100)



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
