"""The nominative of a declined name of a place or organisation, for the facet to show.

    >>> nominative("Auswärtigen Amt"), nominative("Statistischen Bundesamts")
    ('Auswärtiges Amt', 'Statistisches Bundesamt')
    >>> nominative("Vereinigten Arabischen Emiraten"), nominative("Nahen Osten")
    ('Vereinigte Arabische Emirate', 'Naher Osten')
    >>> nominative("Deutsche Fußball Liga"), nominative("Raiffeisen Bank")  # nothing to change
    ('Deutsche Fußball Liga', 'Raiffeisen Bank')
    >>> nominative("Balkans"), nominative("Niederlanden"), nominative("Aalen")
    ('Balkan', 'Niederlande', 'Aalen')

Articles name places and organisations in every case: "im Auswärtigen Amt", "des Statistischen
Bundesamts". ``model.declension_groups`` joins the forms an index holds; when it holds none in
the nominative, the facet showed the dative or genitive. A name here is adjectives + a head noun
(+ a lowercase tail: "für Migration", "des Bündnisses"). The head noun's gender and number come
from the table (``data/name_grammar.tsv.gz``, built by ``scripts/build_name_grammar.py`` from
Wiktionary's German nouns and Debian's word list), a compound's from its last part
("Lehrerverband" as "Verband"); the adjectives take the ending that stands without an article,
as names are listed: -er (masculine), -e (feminine, plural), -es (neuter): "Deutscher
Bundestag", "Europäische Union", "Auswärtiges Amt", "Vereinigte Staaten". A place after the
head stays ("Freien Universität Berlin" → "Freie Universität Berlin"). A name whose head noun
is unknown or ambiguous ("Bären": a case of "Bär" and its plural), that has another noun after
the head, or no adjective, is returned unchanged.
Loaded on first use (thread-safe, once).
"""

from __future__ import annotations

import gzip
import threading
from importlib import resources

__all__ = ["TABLE_FILE", "describe", "nominative"]

TABLE_FILE = "name_grammar.tsv.gz"
#: Ending of an adjective before a noun of this gender (or plural), without an article.
STRONG_ENDING = {"m": "er", "f": "e", "n": "es", "p": "e"}
ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
#: Shortest last part of a compound that is read as its head ("Amt", "Rat").
MIN_PART = 3
#: Linking elements between the parts of a compound (Fugenelemente).
LINKS = ("s", "es", "n", "en", "er", "e")

_nouns: dict[str, tuple[str, str]] | None = None
_places: dict[str, str] = {}
_adjectives: frozenset[str] = frozenset()
_lock = threading.Lock()


def _load() -> dict[str, tuple[str, str]]:
    global _nouns, _places, _adjectives
    with _lock:
        if _nouns is None:
            data = resources.files("searchkit").joinpath("data", TABLE_FILE).read_bytes()
            nouns: dict[str, tuple[str, str]] = {}
            places = {}
            stems = set()
            for line in gzip.decompress(data).decode("utf-8").splitlines():
                kind, *fields = line.split("\t")
                if kind == "N" and len(fields) == 3:
                    nouns[fields[0]] = (fields[1], fields[2])
                elif kind == "T" and len(fields) == 2:
                    places[fields[0]] = fields[1]
                elif kind == "A" and fields:
                    stems.add(fields[0])
            _adjectives = frozenset(stems)
            _places = places
            _nouns = nouns
    return _nouns


def _adjective_stem(word: str) -> str | None:
    """The stem of an adjective form ("Auswärtigen" → "Auswärtig"), else None."""
    lower = word.lower()
    for ending in ADJECTIVE_ENDINGS:
        if lower.endswith(ending) and lower[: -len(ending)] in _adjectives:
            return word[: -len(ending)]
    return None


def _capitalized(word: str) -> str:
    return word[:1].upper() + word[1:]


def _first_part(prefix: str, nouns: dict[str, tuple[str, str]]) -> bool:
    """Whether ``prefix`` can begin a compound: a noun, or one with a linking element
    ("Sonntags-", "Führungs-", "Öl-"), so that "Regale" is not read as "Reg" + "Ale"."""
    word = _capitalized(prefix)
    return word in nouns or any(word.endswith(link) and word[: -len(link)] in nouns for link in LINKS)


def _head(word: str, nouns: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(nominative, gender or 'p') of a noun form, a compound read by its last part; None when
    unknown or when the table knows the word with more than one reading."""
    reading = nouns.get(word)
    if reading is None and "-" in word:  # "Fußball-Bund": the part after the last hyphen, as written
        first, _, last = word.rpartition("-")
        part = nouns.get(last)
        reading = (f"{first}-{part[0]}", part[1]) if part and first else None
    if reading is None:
        for start in range(2, len(word) - MIN_PART + 1):
            part = nouns.get(_capitalized(word[start:]))
            if part is not None and _first_part(word[:start], nouns):
                reading = (word[:start] + part[0][:1].lower() + part[0][1:], part[1])
                break
    return None if reading is None or reading[1] == "?" else reading


def nominative(name: str) -> str:
    """``name`` with its adjectives and head noun in the nominative, or ``name`` unchanged."""
    words = name.split()
    nouns = _nouns if _nouns is not None else _load()
    if len(words) == 1:
        return _single(name)
    # the adjectives (stem) and the words before the head that do not decline (the city
    # adjective "Frankfurter" before "Allgemeinen": None)
    modifiers: list[tuple[str, str | None]] = []
    for i, word in enumerate(words):
        if not word[:1].isupper() or word.isupper():  # "AUSWÄRTIGEN": capitals, not an ending to change
            break
        stem = _adjective_stem(word)
        if stem is None and word.endswith("er") and i + 1 < len(words) and _adjective_stem(words[i + 1]):
            modifiers.append((word, None))
            continue
        if stem is None:
            break
        modifiers.append((word, stem))
    head_at = len(modifiers)
    if head_at >= len(words) or not any(stem for _, stem in modifiers):
        return name
    tail = words[head_at + 1 :]
    if tail and tail[0][:1].isupper() and any(_head(word, nouns) for word in tail):
        return name  # "Deutsche Fußball Liga": the noun after the adjectives is not the head
    head = _head(words[head_at], nouns)
    if head is None:
        return name
    base, gender = head
    ending = STRONG_ENDING[gender]
    return " ".join([word if stem is None else stem + ending for word, stem in modifiers] + [base] + tail)


def _single(word: str) -> str:
    """A one-word place name in a case of its own ("Balkans" → "Balkan", "Niederlanden" →
    "Niederlande", "Bodensees" → "Bodensee"). Only names of places: read as common nouns,
    towns and countries would lose letters ("Aalen" is no plural of "Aal", "Wales" no case of
    "Wal", "Reuters" none of "Reuter")."""
    return _places.get(word, word)


def describe(word: str) -> str:
    """What the table says of one word (for ``scripts/build_name_grammar.py --check``)."""
    nouns = _nouns if _nouns is not None else _load()
    head = _head(word, nouns)
    stem = _adjective_stem(word)
    return f"noun: {head}; adjective stem: {stem}"
