"""The data model shared by every layer: documents, dates with precision, typed entities.

Everything here is a plain dataclass that turns into JSON-ready dicts and back, so that the CLI,
the HTTP API and exports all show the same shapes.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from enum import Enum
from functools import lru_cache
from types import ModuleType
from typing import Any

import orjson

from .errors import ArgumentError, DateError, DocumentError, shown

#: A lone surrogate ("\\ud800"): no text, cannot be stored as UTF-8 nor tagged.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Control characters (C0 and C1, tab and newline included) and the line and paragraph
#: separators, which no document id may hold (file ingest makes none of them).
ID_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: An entity name longer than this is refused: no name is this long, and tantivy drops a facet
#: term over 65,530 bytes, so the name had vanished from its facets (found by a review).
MAX_ENTITY_CHARS = 1000


@lru_cache(maxsize=1)
def max_id_chars() -> int:
    """The longest id a document may have: ``ingest.formats.MAX_ID_CHARS``, the one limit for
    ids read from files and made in Python. Imported when first needed, as ingest imports this
    module. Tantivy drops a term over 65,530 bytes: a longer id was stored but could never be
    found, updated or deleted (two documents with one id; found by a review)."""
    from .ingest.formats import MAX_ID_CHARS

    return MAX_ID_CHARS


class Precision(str, Enum):
    """How much of a date is known. A news item dated ``2025-04`` has MONTH precision and must
    never be shown as 1 April."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    TIME = "time"


_ISO_PATTERNS = {
    Precision.YEAR: re.compile(r"^(\d{4})$"),
    Precision.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    Precision.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    Precision.TIME: re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$"),
}


@dataclass(frozen=True, order=True)
class PubDate:
    """A calendar period: a year, a month or a day.

    ``value`` is the ISO prefix that matches the precision (``"2025"``, ``"2025-04"``,
    ``"2025-04-10"``, ``"2025-04-10T14:30"`` in local time of the source), which is also how it
    serializes.
    """

    value: str
    precision: Precision

    def __post_init__(self) -> None:
        match = _ISO_PATTERNS[Precision(self.precision)].match(self.value)
        if not match:
            raise DateError(f"{shown(self.value)} is not an ISO date of {self.precision} precision")
        parts = [int(p) for p in match.groups()] + [1, 1, 0, 0]
        year, month, day, hour, minute = parts[:5]
        if not 1 <= year <= 9999 or not 1 <= month <= 12 or hour > 23 or minute > 59:
            raise DateError(f"{shown(self.value)} is not a valid date")
        if day > calendar.monthrange(year, month)[1] or day < 1:
            raise DateError(f"{shown(self.value)} is not a valid date")
        object.__setattr__(self, "precision", Precision(self.precision))

    @classmethod
    def from_iso(cls, text: str) -> PubDate:
        """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (seconds and zone
        are cut off)."""
        if not isinstance(text, str):
            raise DateError(f"an ISO date is a string such as \"2025-04\", not {shown(text)}")
        return _pubdate_from_iso(cls, text)

    @classmethod
    def _parse_iso(cls, text: str) -> PubDate:
        text = text.strip()
        for candidate in (text[:16].replace(" ", "T"), text[:10]):
            for precision, pattern in _ISO_PATTERNS.items():
                if pattern.match(candidate):
                    return cls(candidate, precision)
        raise DateError(f"{shown(text)} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")

    @classmethod
    def of_day(cls, day: date) -> PubDate:
        return cls(day.isoformat(), Precision.DAY)

    @classmethod
    def of_month(cls, year: int, month: int) -> PubDate:
        return cls(f"{year:04d}-{month:02d}", Precision.MONTH)

    @classmethod
    def of_year(cls, year: int) -> PubDate:
        return cls(f"{year:04d}", Precision.YEAR)

    @property
    def year(self) -> int:
        return int(self.value[:4])

    @property
    def month(self) -> int | None:
        return int(self.value[5:7]) if self.precision != Precision.YEAR else None

    @property
    def day(self) -> int | None:
        return int(self.value[8:10]) if self.precision in (Precision.DAY, Precision.TIME) else None

    def start(self) -> date:
        """First day of the period (for range overlap and sorting, never for display)."""
        return date(self.year, self.month or 1, self.day or 1)

    def end(self) -> date:
        """Last day of the period."""
        if self.precision in (Precision.DAY, Precision.TIME):
            return self.start()
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def label(self) -> str:
        """German display form that shows exactly the known precision."""
        if self.precision == Precision.YEAR:
            return self.value
        if self.precision == Precision.MONTH:
            return f"{GERMAN_MONTHS[self.month - 1]} {self.year}"  # type: ignore[operator]
        day = f"{self.day}. {GERMAN_MONTHS[self.month - 1]} {self.year}"  # type: ignore[operator]
        return day if self.precision == Precision.DAY else f"{day}, {self.value[11:16]} Uhr"

    def __str__(self) -> str:
        return self.value


GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)


class EntityType(str, Enum):
    """The entity types that get a facet. Values are the facet field names."""

    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"

    @property
    def label(self) -> str:
        return {"person": "Personen", "place": "Orte", "organisation": "Organisationen"}[self.value]


def without_title(text: str, title: str, *, cut_sentence: bool = False) -> str:
    """``text`` without a copy of ``title`` at its start: the title of a seed or plain-text
    file is its first sentence, which a page must not show twice (under the title, or as the
    snippet of a hit), nor the sentence that completes a kicker ("Nahost: Benjamin Netanjahu
    plant …", ``ingest.clean.title_with_kicker``: the same sentence stood under 950 titles of
    the real archive; found by a review). Empty when the text is nothing but the title. The
    title must end where a word ends: a title "Bahn" does not cut "Bahnstreik legt …" to
    "streik legt …".

    A title cut at its length limit ("… die Nord-Stream-Pipelines …") is the beginning of the
    text's first sentence: with ``cut_sentence`` (a hit's snippet) that whole sentence goes, so
    the snippet does not begin with what the title shows; without it (the document page, whose
    heading shows the cut title) the text stays whole."""
    repeated = _title_copy(text, title, cut_sentence)
    return text[len(repeated):].lstrip() if repeated else text


@lru_cache(maxsize=1)
def _clean() -> ModuleType:
    """``ingest.clean`` (which imports this module), imported on first use: a relative import
    inside the functions below ran for both texts of every hit a page shows, a twentieth of a
    plain one-word query on the tantivy engine."""
    from .ingest import clean

    return clean


def _title_copy(text: str, title: str, cut_sentence: bool) -> str:
    """The start of ``text`` that repeats ``title`` (or the sentence that completed its kicker),
    or ""."""
    first_sentence = _clean().first_sentence
    for repeated in _title_forms(text, title):
        cut = repeated.endswith("…")
        head = repeated.removesuffix("…").rstrip() if cut else repeated
        if not head or not text.startswith(head):
            continue
        rest = text[len(head):]
        if rest and head[-1].isalnum() and rest[0].isalnum():
            continue
        if not cut:
            return head
        if cut_sentence:
            whole = first_sentence(text, max_chars=len(text) + 1)
            if whole.startswith(head) and text.startswith(whole):
                return whole
    return ""


def _title_forms(text: str, title: str) -> Iterator[str]:
    """The title, then (read only when the title is not repeated) the sentence that completed its
    kicker."""
    yield title
    yield completed_kicker_sentence(text, title)


_LEADING_SPACE = re.compile(r"\s*")


def completed_kicker_sentence(text: str, title: str) -> str:
    """The part of ``title`` after its kicker when ingest completed a kicker with ``text``'s first
    sentence (``ingest.clean.title_with_kicker``: "Nahost: Benjamin Netanjahu plant …"), else "".
    Exactly that sentence, as that function cut it: a headline "Analyse: Der Iran" over a text
    that begins "Der Iran hat …" is no kicker and its text loses nothing (found by a review)."""
    kicker, colon, sentence = title.partition(": ")
    if not (colon and kicker and sentence):
        return ""
    if not text.startswith(sentence.split(" ", 1)[0], _LEADING_SPACE.match(text).end()):  # type: ignore[union-attr]
        return ""  # (most such titles: the text does not begin with their first word)
    clean = _clean()
    return sentence if sentence == clean.first_sentence(text, clean.KICKER_SENTENCE_CHARS) else ""


def nfc(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): "Müller" typed or from a macOS file name (NFD,
    u + combining diaeresis) is one id, not two that look the same (found by a review)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


#: Letters that Unicode does not decompose into a base letter and a mark, written with the
#: base letter in German texts: "Kilicdaroglu" for Kılıçdaroğlu, "Lodz" for Łódź, "Lokke" for
#: Løkke (found by a review: the plain spelling found nothing, unlike "Erdogan" for Erdoğan).
#: The analyzer (``analysis.fold_diacritics``) and the facet keys (``entity_key``) fold them.
PLAIN_LETTERS = {
    "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
}
_PLAIN_LETTERS = str.maketrans(PLAIN_LETTERS)


def entity_key(name: str) -> str:
    """Identity of an entity name for facets: case, diacritics and spacing ignored, so that
    "Erdoğan", "Erdogan" and "ERDOGAN" are one facet value (shown in its most used spelling),
    and "Kılıçdaroğlu" and "Kilicdaroglu" (``PLAIN_LETTERS``) too."""
    folded = unicodedata.normalize("NFKD", name.replace("ß", "ss").casefold().translate(_PLAIN_LETTERS))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


_UMLAUT_SPELLING = re.compile(r"(?<=[aou])e")


def spelling_key(name: str) -> str:
    """``entity_key`` with ae/oe/ue read as a/o/u: "Koeln" and "Köln", "Mueller" and "Müller"
    give one key (German written without umlauts). Only for finding a value someone typed; the
    facets themselves keep ``entity_key``."""
    return _UMLAUT_SPELLING.sub("", entity_key(name))


#: The Arabic article on a transliterated surname ("al-Assad", "as-Sisi", "asch-Scharaa"): on a
#: second mention German news drops it ("Assad floh nach Russland").
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|as|asch|ash|ad|ar|at|az|an|ath|adh|ed|es|er|et|ez)-(?=\w)", re.IGNORECASE)


def without_arabic_article(word: str) -> str:
    """The surname without its Arabic article ("al-Assad" → "Assad"); other words unchanged."""
    return _ARABIC_ARTICLE.sub("", word)


def name_suffixes(words: Sequence[str]) -> list[str]:
    """The shorter forms a person's full name is also referred to by: each proper suffix of its
    words ("Tayyip Erdoğan", "Erdoğan"), and its last word without an Arabic article
    ("Baschar al-Assad" → "Assad")."""
    suffixes = [" ".join(words[cut:]) for cut in range(1, len(words))]
    if words:
        bare = without_arabic_article(words[-1])
        if bare and bare != words[-1]:
            suffixes.append(bare)
    return suffixes


#: Endings of a declined adjective or participle inside a name ("Europäische/-n Union",
#: "Auswärtige/-n/-s Amt", "Vereinigte/-n Staaten"), longest first.
_DECLENSION_ENDINGS = ("en", "em", "er", "es", "e")
#: What a case adds to the last noun of a name: genitive "-s"/"-es" (des Auswärtigen Amts,
#: des Weißen Hauses), dative plural "-n" (den Vereinigten Arabischen Emiraten).
_NOUN_CASE_ENDINGS = ("es", "s", "n")
_GENITIVE_ENDINGS = ("es", "s")


def undeclined(word: str) -> str:
    """``word`` without an adjective's ending (``_DECLENSION_ENDINGS``; a stem of 3 letters at
    least stays): "europäischen" → europäisch."""
    for ending in _DECLENSION_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def declension_groups(keys: Iterable[str]) -> dict[str, str]:
    """Entity keys that are one name in different grammatical cases → a shared group id.

    Names of organisations and places decline with the sentence: "die Europäische Union", "der
    Europäischen Union"; "das Auswärtige Amt", "im Auswärtigen Amt", "des Auswärtigen Amts";
    "Deutschland", "Deutschlands". Two keys are one name when their words before the last
    differ only in an adjective ending and their last words are equal or one is the other plus
    a case ending that the keys also have without it ("amts" joins "amt" only where "amt"
    occurs, so "haus" never loses its "s" and "paris" never becomes "pari"). A single word only
    joins its genitive ("-s", "-es"): a plural such as "Grünen" is a name as written (the
    organisation facet joins "Grüne"/"Grünen" itself: ``facets._join_adjectival_names``). Persons
    are left to the rules per document (``entities.normalize``), which know more about them."""
    by_head: dict[str, set[str]] = {}
    split: dict[str, tuple[str, str]] = {}
    for key in keys:
        words = key.split()
        if not words:
            continue
        head = " ".join(undeclined(w) for w in words[:-1])
        split[key] = (head, words[-1])
        by_head.setdefault(head, set()).add(words[-1])
    groups = {}
    for key, (head, last) in split.items():
        lasts = by_head[head]
        endings = _NOUN_CASE_ENDINGS if head else _GENITIVE_ENDINGS
        base = next((last[: -len(e)] for e in endings
                     if last.endswith(e) and len(last) - len(e) >= 3 and last[: -len(e)] in lasts), last)
        groups[key] = f"{head} {base}" if head else base
    return groups


def declined_words(name: str, key_group: str | None = None) -> int:
    """How many words of a name are in an oblique case (adjectives ending in -en/-em before the
    last word; the last word longer than the group's base form): 0 for the form a reader
    expects as a facet value ("Europäische Union", not "Europäischen Union")."""
    words = name.split()
    count = sum(1 for w in words[:-1] if len(w) > 4 and w[:1].isupper() and w.endswith(("en", "em")))
    if key_group is not None and words and len(entity_key(words[-1])) > len(key_group.rsplit(" ", 1)[-1]):
        count += 1
    return count


@dataclass(frozen=True)
class Entity:
    """A named entity as it appears in the facet: normalized display name plus type."""

    name: str
    type: EntityType

    def __post_init__(self) -> None:
        # "person" for EntityType.PERSON, as ``from_dict`` reads it; anything else is said here,
        # not by an AttributeError when the document is written (a review)
        check_entity_name(self.name)
        if not isinstance(self.type, EntityType):
            try:
                object.__setattr__(self, "type", EntityType(self.type))
            except ValueError:
                kinds = ", ".join(t.value for t in EntityType)
                raise DocumentError(f"entity {shown(self.name)}: type must be one of {kinds}, not {shown(self.type)}") from None

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type.value}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Entity:
        """An entity from its ``to_dict`` form, checked (``_entity`` is for stored ones)."""
        return cls(name=data["name"], type=data["type"])  # type: ignore[arg-type]


def check_entity_name(name: object) -> None:
    """Refuse an entity name that cannot be written or found: not a string, empty, longer than
    ``MAX_ENTITY_CHARS`` (tantivy dropped it from its facets), or with a lone surrogate (Whoosh
    stored it and ``searchkit export`` failed on it; tantivy's ``add`` raised a raw
    UnicodeEncodeError: found by a review)."""
    if not isinstance(name, str) or not name.strip():
        raise DocumentError(f"an entity's name must be a non-empty string, not {shown(name)}")
    if len(name) > MAX_ENTITY_CHARS:
        raise DocumentError(f"entity name {shown(name)} is longer than {MAX_ENTITY_CHARS} characters")
    if not name.isascii() and LONE_SURROGATE.search(name):
        raise DocumentError(f"entity name {shown(name)} holds a lone surrogate (not valid Unicode text)")


def _published_of(doc_id: str, value: object) -> PubDate | None:
    """``Document.published`` as a PubDate: a ``datetime.date`` is that day, an ISO string
    (``"2025-04"``) keeps its precision; anything else is a DocumentError, raised where the
    document is made rather than deep inside ``Index.add``."""
    if value is None or isinstance(value, PubDate):
        return value
    if isinstance(value, date):  # datetime too: its day
        return PubDate.of_day(value if type(value) is date else value.date())  # type: ignore[attr-defined]
    if isinstance(value, str):
        return _iso_date(doc_id, "published", value)
    raise DocumentError(f"document {shown(doc_id)}: published must be a PubDate, a date or an ISO string")


def _iso_date(doc_id: str, field_name: str, text: str) -> PubDate:
    """An ISO date string of a document's field, or a DocumentError that names both."""
    try:
        return PubDate.from_iso(text)
    except DateError as error:
        raise DocumentError(f"document {shown(doc_id)}: {field_name}: {error}") from error


#: Path segments that browsers and HTTP clients resolve in a URL's path (RFC 3986 "remove dot
#: segments", also when written %2e): ``/dokument/a/../b`` is requested as ``/dokument/b``.
DOT_SEGMENTS = frozenset((".", ".."))


def check_id_length(doc_id: str) -> None:
    """Refuse an id longer than ``max_id_chars()``, the limit file ingest applies (``clean_id``):
    on tantivy a very long id was stored but its term dropped, so adding it again gave a second
    document and ``delete`` did not find it (a review). Stored ids are not checked again
    (``from_stored``), so an index holding a longer one still opens and serves."""
    limit = max_id_chars()
    if len(doc_id) > limit:
        raise DocumentError(f"document id {shown(doc_id)} is longer than {limit} characters ({len(doc_id)})")


def check_id_segments(doc_id: str) -> None:
    """Refuse an id with a "." or ".." path segment ("x/y/../z", "a/./b", ".", ".."): the page
    and the API address a document by its id in the path (``/dokument/<id>``), and clients
    normalise such segments away before sending, so the document could never be shown, read
    or deleted over HTTP (found by a review). Ids already in an index are not checked again
    (``from_stored``): such an index still opens and serves."""
    if any(segment in DOT_SEGMENTS for segment in doc_id.split("/")):
        raise DocumentError(
            f"document id {shown(doc_id)} has a '.' or '..' path segment, which web addresses resolve away"
            " (the document could not be reached over HTTP); use an id without such segments"
        )


def _check_metadata(doc_id: str, metadata: dict[str, Any], *, surrogates: bool = True) -> None:
    """Refuse metadata that JSON cannot hold, or (``surrogates``) that holds a lone surrogate in
    a key or value at any depth (the JSON text has every nested string): Whoosh stored such a
    document and ``searchkit export`` then failed on it, tantivy's ``add`` raised a raw
    UnicodeEncodeError (found by a review). Title, body and url drop lone surrogates instead:
    metadata is the source's own data, which searchkit does not change."""
    try:
        text = json.dumps(metadata, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise DocumentError(f"document {shown(doc_id)}: metadata must be JSON values ({error})") from None
    if surrogates and not text.isascii() and LONE_SURROGATE.search(text):
        raise DocumentError(f"document {shown(doc_id)}: metadata holds a lone surrogate (not valid Unicode text)")


#: The fields of a document that hold plain text (``checked_text``).
STRING_FIELDS = ("title", "lead", "body", "url", "source")


def checked_id(doc_id: object) -> str:
    """A new document's id as it is stored (composed, NFC), or a ``DocumentError``: not a
    non-empty string, a lone surrogate, a control character, too long (``check_id_length``), a
    "." or ".." segment (``check_id_segments``). For ``Document.__post_init__``, an id changed
    by ``Document.with_changes`` and every document ``Index.add`` is given (``check_document``:
    one whose id was assigned directly)."""
    _check_id_is_text(doc_id)
    if LONE_SURROGATE.search(doc_id):
        raise DocumentError(f"document id {shown(doc_id)} holds a lone surrogate (not valid Unicode text)")
    if ID_CONTROL.search(doc_id):
        # file ingest removes them (``clean_id``), so an export read back changed the id:
        # refused here, an id is stored, exported and read back as it was given
        raise DocumentError(f"document id {shown(doc_id)} holds a control character (a tab, a line break …)")
    doc_id = nfc(doc_id)  # one id however it was composed
    check_id_length(doc_id)
    check_id_segments(doc_id)
    return doc_id


def _check_id_is_text(doc_id: object) -> None:
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise DocumentError(f"a document needs a non-empty string id, not {shown(doc_id)}")


def checked_text(doc_id: str, name: str, value: object) -> str:
    """The text field ``name`` as stored: a string, without lone surrogates, which cannot be
    stored (UTF-8) nor tagged; file ingest already drops them, the Python API and a JSON
    "\\ud800" escape let them in (found by a review)."""
    if not isinstance(value, str):
        raise DocumentError(f"document {shown(doc_id)}: {name} must be a string, not {type(value).__name__}")
    if not value.isascii() and LONE_SURROGATE.search(value):
        return LONE_SURROGATE.sub("", value)
    return value


def check_document(doc: Document, *, new_id: bool = True) -> None:
    """The cheap checks ``Index.add`` makes of each document it is given, and of each document an
    enricher returns: a document whose attributes were assigned after it was made (``doc.id =
    None``, ``doc.entities = ["Merz"]``) skipped the checks of ``__post_init__``, and was stored
    under the id "None", or broke the batch with an AttributeError (found by a review). The id
    gets every check (``checked_id``; not with ``new_id=False``: an enriched document keeps the
    id of its input, which may be one an index stored before a check existed), the other fields
    only their types: the scans of ``__post_init__`` (lone surrogates in the text, entity names)
    are not run again for every document of every batch."""
    if new_id:
        checked_id(doc.id)
    else:
        _check_id_is_text(doc.id)
    for name in STRING_FIELDS:
        if not isinstance(getattr(doc, name), str):
            raise DocumentError(f"document {shown(doc.id)}: {name} must be a string, not {type(getattr(doc, name)).__name__}")
    if doc.published is not None and not isinstance(doc.published, PubDate):
        raise DocumentError(f"document {shown(doc.id)}: published must be a PubDate or None, not {type(doc.published).__name__}")
    _check_items(doc.id, "entities", doc.entities, Entity)
    _check_items(doc.id, "mentioned", doc.mentioned, PubDate)
    if not isinstance(doc.metadata, dict):
        raise DocumentError(f"document {shown(doc.id)}: metadata must be a dict, not {type(doc.metadata).__name__}")


def _check_items(doc_id: str, name: str, items: object, kind: type) -> None:
    """``items`` is a list (or tuple) of ``kind`` objects only."""
    if not isinstance(items, (list, tuple)):
        raise DocumentError(f"document {shown(doc_id)}: {name} must be a list of {kind.__name__} objects, not {type(items).__name__}")
    for item in items:
        if not isinstance(item, kind):
            raise DocumentError(f"document {shown(doc_id)}: {name} must be {kind.__name__} objects, not {shown(item)}")


@dataclass
class Document:
    """One news item as searchkit indexes it.

    ``lead`` is the teaser/first sentence shown above the body; ``published`` keeps its precision;
    ``mentioned`` are periods the text talks about; ``metadata`` keeps every extra source field.
    """

    id: str
    title: str = ""
    lead: str = ""
    body: str = ""
    url: str = ""
    source: str = ""
    published: PubDate | None = None
    entities: list[Entity] = field(default_factory=list)
    mentioned: list[PubDate] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.id = checked_id(self.id)
        for name in STRING_FIELDS:
            setattr(self, name, checked_text(self.id, name, getattr(self, name)))
        self.published = _published_of(self.id, self.published)
        self._check_extracted()

    def _check_extracted(self) -> None:
        """Entities, mentioned periods and metadata as ``Index.add`` writes them: a plain string
        among the entities or the dates, or metadata JSON cannot hold, was an AttributeError or
        TypeError inside ``add`` that lost the whole batch (a review)."""
        self._check_entities()
        self._check_mentioned()
        self._check_metadata()

    def _check_entities(self) -> None:
        """``entities`` a list of Entity objects with names that can be written and found (None
        was a raw TypeError: a review)."""
        _check_items(self.id, "entities", self.entities, Entity)
        for entity in self.entities:
            try:
                check_entity_name(entity.name)  # ``from_dict`` builds them unchecked (``_entity``)
            except DocumentError as error:
                raise DocumentError(f"document {shown(self.id)}: {error}") from None
        self.entities = list(self.entities)

    def _check_mentioned(self) -> None:
        """``mentioned`` a list of PubDate objects (ISO strings are read as such)."""
        if not isinstance(self.mentioned, (list, tuple)):
            raise DocumentError(
                f"document {shown(self.id)}: mentioned must be a list of PubDate objects or ISO strings,"
                f" not {type(self.mentioned).__name__}"
            )
        mentioned = []
        for period in self.mentioned:
            if isinstance(period, str):
                period = _iso_date(self.id, "mentioned", period)
            if not isinstance(period, PubDate):
                raise DocumentError(f"document {shown(self.id)}: mentioned must hold PubDate objects or ISO strings, not {shown(period)}")
            mentioned.append(period)
        self.mentioned = mentioned

    def _check_metadata(self, *, surrogates: bool = True) -> None:
        if not isinstance(self.metadata, dict):
            raise DocumentError(f"document {shown(self.id)}: metadata must be a dict, not {type(self.metadata).__name__}")
        if self.metadata:
            _check_metadata(self.id, self.metadata, surrogates=surrogates)

    @property
    def text(self) -> str:
        """Lead and body as one text, for analysis steps that want all of it."""
        return "\n\n".join(part for part in (self.lead, self.body) if part)

    def content_hash(self) -> str:
        """Hash of what a reader sees; the same article re-ingested under another id is found by it."""
        digest = hashlib.sha1()
        for part in (self.title, self.lead, self.body):
            digest.update(" ".join(part.split()).encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "lead": self.lead,
            "body": self.body,
            "url": self.url,
            "source": self.source,
            "published": self.published.value if self.published else None,
            "published_precision": self.published.precision.value if self.published else None,
            "entities": [e.to_dict() for e in self.entities],
            "mentioned": [d.value for d in self.mentioned],
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """A document from its ``to_dict`` form; a malformed one is a ``DocumentError``."""
        if not isinstance(data, dict):
            raise DocumentError(f"a document is a JSON object, not {type(data).__name__}")
        try:
            fields = _document_fields(data)
        except DateError as error:
            raise DocumentError(f"document {shown(data.get('id'))}: {error}") from error
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise DocumentError(f"document {shown(data.get('id'))} is malformed: {shown(error)}") from error
        return cls(**fields)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def with_changes(self, **changes: Any) -> Document:
        """A copy with ``changes`` (its entities, its mentioned periods), checked as
        ``__post_init__`` checks those fields and only those: the rest this document passed when
        it was made or stored. ``dataclasses.replace`` checked the whole document again and
        refused an id that an index stored before the check of its segments existed, halfway
        through a ``reextract`` (found by a review); so an id is checked only when it changes.
        Unchecked, a copy with the id None was stored under "None", one with the id "x/../y"
        or the title 5 was written or broke the batch (found by a review). Metadata is checked
        for what JSON can hold: a copy may stand for a document as an index stored it before
        its lone surrogates were refused (``Index.add`` refuses those where it writes them)."""
        unknown = sorted(set(changes) - _DOCUMENT_FIELDS, key=str)
        if unknown:
            raise ArgumentError(f"a Document has no field {shown(unknown[0])}; its fields: {', '.join(_DOCUMENT_FIELDS_IN_ORDER)}")
        doc = copy.copy(self)
        doc.__dict__.update(changes)
        if "id" in changes and changes["id"] != self.id:
            doc.id = checked_id(changes["id"])
        for name in STRING_FIELDS:
            if name in changes:
                setattr(doc, name, checked_text(doc.id, name, changes[name]))
        if "published" in changes:
            doc.published = _published_of(doc.id, doc.published)
        if "entities" in changes:
            doc._check_entities()
        if "mentioned" in changes:
            doc._check_mentioned()
        if "metadata" in changes:
            doc._check_metadata(surrogates=False)
        return doc

    @classmethod
    def from_stored(cls, text: str) -> Document:
        """A document as an index stored it (``to_json`` of a document that passed the checks of
        ``__post_init__`` when it was added): decoded without those checks, which every hit of
        every page and every document the second stage reads would otherwise pay again."""
        return cls.from_loaded(load_stored(text))

    @classmethod
    def from_loaded(cls, data: dict[str, Any]) -> Document:
        """``from_stored`` of a stored document's JSON already read (``load_stored``)."""
        doc = cls.__new__(cls)
        doc.__dict__.update(_document_fields(data))
        return doc

    @classmethod
    def from_json(cls, text: str) -> Document:
        try:
            data = json.loads(text)
        except ValueError as error:  # (JSONDecodeError, and a lone surrogate's UnicodeError)
            raise DocumentError(f"a document's JSON cannot be read: {error}") from error
        return cls.from_dict(data)


#: The field names of ``Document`` (what ``with_changes`` takes).
_DOCUMENT_FIELDS_IN_ORDER = tuple(f.name for f in dataclass_fields(Document))
_DOCUMENT_FIELDS = frozenset(_DOCUMENT_FIELDS_IN_ORDER)


def load_stored(text: str | bytes) -> dict[str, Any]:
    """A stored document's JSON: orjson reads it in a third of the time of ``json`` (a page of 10
    hits decodes 10 documents); what orjson refuses but ``json`` wrote (NaN in metadata, a lone
    surrogate) falls back to ``json``, and so does metadata with an integer beyond 64 bits, which
    orjson would read as a float (numbers only occur in the metadata)."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)  # type: ignore[no-any-return]
    if data.get("metadata") and may_hold_big_integer(data["metadata"]):
        return json.loads(text)  # type: ignore[no-any-return]
    return data  # type: ignore[no-any-return]


#: orjson reads an integer beyond 64 bits as a float; ``json`` keeps it.
_INT64_BOUND = 2.0**63


def may_hold_big_integer(value: Any) -> bool:
    """Whether orjson's reading of some JSON may hold an integer it turned into a float (a
    whole float of at least 2**63): then ``json`` reads the text again, exactly."""
    if isinstance(value, float):
        return abs(value) >= _INT64_BOUND and value.is_integer()
    if isinstance(value, dict):
        return any(may_hold_big_integer(v) for v in value.values())
    if isinstance(value, list):
        return any(may_hold_big_integer(v) for v in value)
    return False


def _document_fields(data: dict[str, Any]) -> dict[str, Any]:
    """``Document``'s fields from its ``to_dict`` form (missing values empty)."""
    published = data.get("published")
    return {
        "id": str(data.get("id", "")),
        "title": data.get("title") or "",
        "lead": data.get("lead") or "",
        "body": data.get("body") or "",
        "url": data.get("url") or "",
        "source": data.get("source") or "",
        "published": PubDate.from_iso(published) if published else None,
        "entities": [_entity(e["name"], e["type"]) for e in data.get("entities") or ()],
        "mentioned": [PubDate.from_iso(d) for d in data.get("mentioned") or ()],
        "metadata": dict(data.get("metadata") or {}),
    }


# Stored documents are decoded for every hit of every page: the same dates and names recur
# across articles, and both classes are immutable, so decoded values are shared.
@lru_cache(maxsize=8192)
def _pubdate_from_iso(cls: type[PubDate], text: str) -> PubDate:
    return cls._parse_iso(text)


@lru_cache(maxsize=65536)
def _entity(name: str, type_value: str) -> Entity:
    """An entity as stored, without the checks of ``Entity.__post_init__``: a name an index
    holds from before a check existed (longer than ``MAX_ENTITY_CHARS``) must not keep the
    index from being read. ``Document.from_dict`` checks the names (``_check_extracted``)."""
    entity = object.__new__(Entity)
    object.__setattr__(entity, "name", name)
    object.__setattr__(entity, "type", EntityType(type_value))
    return entity
