"""Facet counting as array operations.

For every facet field we keep, per index generation, the postings of each value as arrays of
document numbers (a CSR layout: ``entry_doc[i]`` has value ``entry_value[i]``). A query then
becomes a boolean mask over documents, and counting a facet is one ``numpy.bincount`` over the
entries whose document is in the mask — no per-hit Python loop, whatever the number of hits; for
a mask of few documents, over those documents' entries only (a by-document copy of the arrays).

Multi-select facets are *disjunctive*: values inside one facet are OR-ed, facets are AND-ed, and
the counts of a facet are computed with every filter except its own (so the other values of that
facet stay selectable and show how many hits they would add).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import GERMAN_STOPWORDS
from .compounds import with_umlauts
from .entities.normalize import genitive_stem
from .index import ENTITY_FIELDS, LABEL_SEP, NO_DATE, facet_key
from .model import (
    GERMAN_MONTHS,
    Entity,
    EntityType,
    declension_groups,
    declined_words,
    entity_key,
    name_suffixes,
    spelling_key,
    undeclined,
)
from .nominative import nominative
from .sidecar import DAMAGED_FILE_ERRORS, pack_lines, save_arrays, unpack_lines

#: Facet name → (index field, German label). The order is the sidebar order.
FACETS: dict[str, tuple[str, str]] = {
    "year": ("year", "Jahr"),
    "month": ("month", "Monat"),
    "person": ("person", EntityType.PERSON.label),
    "place": ("place", EntityType.PLACE.label),
    "organisation": ("organisation", EntityType.ORGANISATION.label),
    "mentioned": ("mentioned", "Im Text erwähnte Jahre"),
}


#: ``FacetField.counts`` reads the values document by document when the mask holds at most
#: 1/SPARSE_COUNT_FACTOR as many documents as the field has entries.
SPARSE_COUNT_FACTOR = 8


def month_label(value: str) -> str:
    """A month facet value ("2025-03") as the page shows it ("März 2025")."""
    return f"{GERMAN_MONTHS[int(value[5:7]) - 1]} {value[:4]}"


def _word_start(text: str) -> re.Pattern[str]:
    """Finds ``text`` at the beginning of a word of names joined by newlines (``_keys_of``)."""
    return re.compile(r"(?:^|[\s\-])" + re.escape(text))


class _NamePattern:
    """What a facet-value search looks for in the names of a value (``_keys_of``: one per
    line): the text as typed ("angela mer" in "angela merkel"), or, typed as several words,
    each of them in one name in any order ("Merkel Angela", "Erdogan Recep": people are looked
    up by surname first, and found nothing)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.start = _word_start(key)
        words = key.split()
        self.words = words if len(words) > 1 else []
        self.word_starts = [_word_start(word) for word in self.words]

    def found_in(self, names: str) -> bool | None:
        """None when not found; else whether it was found at the start of words (True) or only
        inside them (False)."""
        if self.key in names:
            return bool(self.start.search(names))
        if self.words and all(word in names for word in self.words):
            for name in names.split("\n"):
                if all(word in name for word in self.words):
                    return all(start.search(name) for start in self.word_starts)
        return None


#: The facet-value search puts the value a text names first from this many letters on
#: (``FacetData._named_values``).
MIN_PINNED_NAME = 3


def _may_pin(text: str) -> bool:
    """Whether the facet-value search may put the value ``text`` names first: a name of
    ``MIN_PINNED_NAME`` letters or more, or an abbreviation typed in capitals ("UN", "EU": the
    Union and the Europäische Union of more articles came first; a review)."""
    stripped = text.strip()
    return len(facet_key(stripped)) >= MIN_PINNED_NAME or (len(stripped) >= 2 and stripped.isupper())


#: A name whose key is at most this long is never read as a genitive: "Haus" is no "Hau"'s.
#: The search takes the same bound for the query's words (``search._may_be_genitive_pair``).
MIN_GENITIVE_NAME = 4
#: An apostrophe, or an apostrophe and s, ending a name ("Scholz’", "Merkel's").
_APOSTROPHE_END = re.compile(r"['’´`]s?$")


def _is_genitive(key: str) -> bool:
    """Whether the key of a typed name may be a genitive, -s or -' ("israels", "putins")."""
    return len(key) > MIN_GENITIVE_NAME and key[-1] in "s'"


def _without_apostrophe(key: str) -> str:
    return _APOSTROPHE_END.sub("", key)


def _words_of(key: str) -> list[str]:
    return key.replace("-", " ").split()


def _declined_words_of(key: str) -> list[str]:
    return [declined_word_key(word) for word in _words_of(key)]


def declined_word_key(word: str) -> str:
    """One key for the cases of a word of a name: a genitive -s/-es and an adjective's ending
    dropped ("bundesamts", "bundesamt" → bundesamt; "statistischen", "statistisches" →
    statistisch; "baugewerbes", "baugewerbe" → baugewerb). Short words stay as they are."""
    if len(word) > 5 and word.endswith("es"):
        word = word[:-2]
    elif len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    return undeclined(word) if len(word) > 4 else word


def read_only(array: np.ndarray) -> np.ndarray:
    """``array``, which writes now refuse (``ValueError``): the arrays of a ``FacetData`` are
    the index's own, shared by every search of the generation (``Index.facet_data``), and a
    caller's ``data.live[0] = False`` had changed the counts of every later search in silence."""
    array.setflags(write=False)
    return array


@dataclass
class FacetField:
    """Values of one facet field and which documents carry them. Shared by the searches of one
    generation, so read-only: the arrays refuse writes (``read_only``), the values are a tuple."""

    values: Sequence[str]
    entry_doc: np.ndarray
    entry_value: np.ndarray
    #: value → its index in ``values``
    lookup: dict[str, int] = field(default_factory=dict)
    #: ``_by_doc_value[_doc_start[d]:_doc_start[d + 1]]`` are the values of document ``d``
    #: (built on first use, for masks of ``len(_doc_start) - 1`` documents)
    _doc_start: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _by_doc_value: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _aliases: dict[int, tuple[str, ...]] | None = field(default=None, init=False, repr=False, compare=False)
    _by_spelling: dict[str, set[int]] | None = field(default=None, init=False, repr=False, compare=False)
    _by_word: dict[str, list[int]] | None = field(default=None, init=False, repr=False, compare=False)
    _by_declined_word: dict[str, list[int]] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.values = tuple(self.values)
        read_only(self.entry_doc)
        read_only(self.entry_value)

    def aliases(self, idx: int) -> tuple[str, ...]:
        """The other keys that select value ``idx``: its other spellings and cases, its
        abbreviation, its nominative ("auswartigen amts", "apa")."""
        if self._aliases is None:
            aliases: dict[int, list[str]] = {}
            for key, i in self.lookup.items():
                if key != self.values[i]:
                    aliases.setdefault(i, []).append(key)
            self._aliases = {i: tuple(keys) for i, keys in aliases.items()}
        return self._aliases.get(idx, ())

    def spelled_as(self, name: str) -> int | None:
        """The one value whose key reads as ``name`` with ae/oe/ue for ä/ö/ü (``spelling_key``:
        "Koeln" → Köln), or None when none or several do."""
        if self._by_spelling is None:
            by_spelling: dict[str, set[int]] = {}
            for key, i in self.lookup.items():
                by_spelling.setdefault(spelling_key(key), set()).add(i)
            self._by_spelling = by_spelling
        found = self._by_spelling.get(spelling_key(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def named(self, text: str, kind: str) -> list[int]:
        """The values of this facet (of ``kind``: person, place, organisation) that the name
        ``text`` means: the value of that name (``value_named``: "Israels" → Israel), else every
        value whose name holds its words (``named_by_words``: "Scholz" → Olaf Scholz). The one
        reading of a typed name for the filter, the field syntax (``person:Putins``), the entity
        page and the facet-value search: they disagreed ("Putins" filtered Wladimir Putin's 111
        articles while his entity page was a 404; found by a review)."""
        idx = self.value_named(text)
        return [idx] if idx is not None else self.named_by_words(text, kind)

    def value_named(self, text: str) -> int | None:
        """The one value the whole name ``text`` names: in any spelling, case or alias; written
        without umlauts ("Koeln"); with an apostrophe ("Scholz’", "Erdoğan's"); or as its
        genitive ("Israels" → Israel, "Putins" → Wladimir Putin by his alias "putin")."""
        key = facet_key(text)
        idx = self.lookup.get(text, self.lookup.get(key))
        if idx is None:  # written without umlauts ("ort:Koeln")
            idx = self.spelled_as(text)
        bare = _without_apostrophe(key)
        if idx is None and bare != key:  # "Scholz’", "Erdoğan's" (a review)
            idx = self.lookup.get(bare)
        if idx is None and _is_genitive(bare):
            idx = self.lookup.get(bare[:-1])
        return idx

    def named_by_words(self, text: str, kind: str) -> list[int]:
        """The values whose name holds the words of ``text`` (``named_with``: "Scholz" → Olaf
        Scholz; "Netanjahus" → Benjamin Netanjahu), for places and organisations in any case
        ("Bundesamt" → Statistisches Bundesamt, stored as "Statistischen Bundesamts"; a
        person's name keeps its words). A stop word names no one ("von", "der": they stand in
        many names)."""
        key = _without_apostrophe(facet_key(text))
        if not key or key in GERMAN_STOPWORDS:
            return []
        if kind != EntityType.PERSON.value:  # their words in any case ("Bundesamt", "Bundesamts")
            return self.named_with_declined(key)
        return self.named_with(key) or (self.named_with(key[:-1]) if _is_genitive(key) else [])

    def named_with(self, key: str) -> list[int]:
        """The values whose name holds the words of ``key`` (a facet key) in a row, a word
        being what spaces and hyphens separate: "scholz" → Olaf Scholz, "guttenberg" →
        Karl-Theodor zu Guttenberg, "theodor" too; for ``person:Scholz``, which found nothing
        when no article names him by his surname alone (found by a review)."""
        return self._in_a_row(_words_of(key), self.by_word(), _words_of)

    def by_word(self) -> dict[str, list[int]]:
        """Word of a value's name → the values that hold it (``named_with``), built on first use."""
        if self._by_word is None:
            self._by_word = self._word_index(_words_of)
        return self._by_word

    def named_with_declined(self, key: str) -> list[int]:
        """``named_with`` with each word read in any case (``declined_word_key``): the values
        the archive holds declined, "Statistischen Bundesamts" for ``org:Statistisches
        Bundesamt`` or ``org:Bundesamt`` (found by a review: the value search listed them, the
        field syntax and the filters did not)."""
        if self._by_declined_word is None:
            self._by_declined_word = self._word_index(_declined_words_of)
        return self._in_a_row(_declined_words_of(key), self._by_declined_word, _declined_words_of)

    def _word_index(self, words_of: Callable[[str], list[str]]) -> dict[str, list[int]]:
        """Word (as ``words_of`` reads a value) → the values that hold it."""
        by_word: dict[str, list[int]] = {}
        for idx, value in enumerate(self.values):
            for word in dict.fromkeys(words_of(value)):
                by_word.setdefault(word, []).append(idx)
        return by_word

    def _in_a_row(
        self, words: list[str], by_word: dict[str, list[int]], words_of: Callable[[str], list[str]]
    ) -> list[int]:
        """The values of ``by_word`` whose words (``words_of``) hold ``words`` in a row."""
        if not words:
            return []
        n = len(words)
        return [
            idx for idx in by_word.get(words[0], [])
            if any(found[i : i + n] == words for found in [words_of(self.values[idx])] for i in range(len(found) - n + 1))
        ]

    def mask(self, value_ids: list[int], doc_count: int) -> np.ndarray:
        """Documents that carry any of the values (OR inside a facet)."""
        selected = np.isin(self.entry_value, value_ids)
        result = np.zeros(doc_count, dtype=bool)
        result[self.entry_doc[selected]] = True
        return result

    def counts(self, doc_mask: np.ndarray) -> np.ndarray:
        """How many documents of the mask carry each value.

        A mask of few documents (an eighth of the entries or fewer: a keyword query on a large
        archive) reads only those documents' values; a broad one gathers over every entry
        (``bincount`` of the entries whose document is in the mask). Both give the same
        counts; the first does not grow with the archive, only with the hits."""
        if np.count_nonzero(doc_mask) * SPARSE_COUNT_FACTOR > len(self.entry_doc):
            hit = doc_mask[self.entry_doc]
            return np.bincount(self.entry_value[hit], minlength=len(self.values))
        docs = np.flatnonzero(doc_mask)
        starts, values = self._by_document(len(doc_mask))
        first, lengths = starts[docs], starts[docs + 1] - starts[docs]
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.values), dtype=np.int64)
        # positions first..first+length of every document, as one array
        shift = np.repeat(first - (np.cumsum(lengths) - lengths), lengths)
        return np.bincount(values[np.arange(total) + shift], minlength=len(self.values))

    def _by_document(self, doc_count: int) -> tuple[np.ndarray, np.ndarray]:
        if self._doc_start is None or len(self._doc_start) != doc_count + 1:
            order = np.argsort(self.entry_doc, kind="stable")
            self._by_doc_value = read_only(self.entry_value[order])
            self._doc_start = read_only(np.searchsorted(self.entry_doc[order], np.arange(doc_count + 1)))
        assert self._by_doc_value is not None
        return self._doc_start, self._by_doc_value


@dataclass
class FacetData:
    """Everything facets, date filters and date sorting need, for one searcher generation: the
    index's own, shared by its searches (``Index.facet_data``), its arrays read-only."""

    snapshot: Any
    doc_count: int
    live: np.ndarray
    fields: dict[str, FacetField]
    pub_start: np.ndarray
    pub_end: np.ndarray
    #: (entity type, key) → display spelling most used in the corpus
    labels: dict[tuple[str, str], str]
    #: (facet, key) → the facet that counts this key's documents instead (``_majority_types``)
    moved: dict[tuple[str, str], str] = field(default_factory=dict)
    #: query → matching documents, for this generation only (see ``search._matching_mask``)
    match_cache: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict, repr=False)
    _name_words: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)
    _moved_in: dict[tuple[str, str], list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    #: (facet, value id) → its names as keys / read with umlauts, joined (see ``find_values``)
    _search_keys: dict[tuple[str, int], str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _search_readings: dict[tuple[str, int], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: facet → every value's names as keys, in one text, and where each value's begin
    #: (``values_matching``)
    _names_texts: dict[str, tuple[str, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: (type, name as extracted) → the entity as the facets name it (``entity_names``)
    _entity_names: dict[tuple[EntityType, str], Entity] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for array in (self.live, self.pub_start, self.pub_end):
            read_only(array)

    @classmethod
    def build(cls, snapshot: Any) -> FacetData:
        spellings = _read_spellings(snapshot)
        labels = {key: max(names)[1] for key, names in spellings.items()}
        postings = {name: list(snapshot.postings(name)) for name in ENTITY_FIELDS}
        moved = _majority_types(postings)
        moved |= _surnames_of_persons(_retyped(postings, moved), moved, labels)
        postings = _retyped(postings, moved)
        fields = {
            name: _read_field(
                postings[index_field] if index_field in postings else snapshot.postings(index_field),
                index_field, spellings, labels,
            )
            for name, (index_field, _) in FACETS.items()
        }
        return cls(
            snapshot=snapshot,
            doc_count=snapshot.doc_space(),
            live=snapshot.live(),
            fields=fields,
            pub_start=snapshot.column("pub_start"),
            pub_end=snapshot.column("pub_end"),
            labels=labels,
            moved=moved,
        )

    @classmethod
    def load_or_build(cls, snapshot: Any, folder: Path | None) -> FacetData:
        """The arrays of this generation from ``folder/facets-<generation>.npz`` when a process
        built them before, else built now and saved there (best effort: a read-only index folder
        only costs the rebuild). Opening a large index then takes a file read, not a pass over
        every posting."""
        if folder is None:
            return cls.build(snapshot)
        path = folder / f"{CACHE_PREFIX}{snapshot.generation}.npz"
        try:
            return _load(path, snapshot)
        except DAMAGED_FILE_ERRORS:
            pass
        data = cls.build(snapshot)
        try:
            _save(path, data, snapshot.generation)
            for old in folder.glob(f"{CACHE_PREFIX}*.npz"):
                if old != path:
                    old.unlink(missing_ok=True)  # other generations' (a reader may still hold one open)
        except OSError:
            pass
        return data

    def read_ahead(self) -> None:
        """Build now what the first searches of these arrays would build: the entity names'
        index words (``name_words``) and each entity facet's word index (``named_with``, which
        every ranked query asks for its words: 10–30 ms at 10,000 documents)."""
        self.name_words()
        for name in ENTITY_FIELDS:
            self.fields[name].by_word()

    def name_words(self) -> dict[str, int]:
        """The index words of the words of every person, place and organisation the facets
        hold ("benjamin netanjahu" → benjamin, netanjahu), each with the number of documents
        that name a value with it, as the query side needs them to tell a name's genitive from
        another name (``search._genitive_terms``: one mistagged "Chinas Parteibürokratie" must
        not make "Chinas" a name of its own beside the China of 33 articles). Only the facets'
        own values count, not their declined aliases."""
        if self._name_words is None:
            from .analysis import first_term

            counts: dict[str, int] = {}
            for name in ENTITY_FIELDS:
                facet = self.fields[name]
                documents = np.bincount(facet.entry_value, minlength=len(facet.values)).tolist()
                for value, count in zip(facet.values, documents):
                    for stem in {first_term(word) for word in value.split()} - {None}:
                        counts[stem] = counts.get(stem, 0) + count
            self._name_words = counts
        return self._name_words

    def date_mask(self, start: date | None, end: date | None) -> np.ndarray:
        """Documents whose publication period overlaps [start, end]. A month-precision article
        overlaps every range that touches its month: it matches a filter for April or for 2025."""
        mask = self.pub_start > 0
        if start is not None:
            mask &= self.pub_end >= start.year * 10000 + start.month * 100 + start.day
        if end is not None:
            mask &= self.pub_start <= end.year * 10000 + end.month * 100 + end.day
        return mask

    def date_range(self) -> dict[str, str | None]:
        """Publication dates of the oldest and newest document, each with its own precision
        (an April 2025 article is "2025-04", never 2025-04-01)."""
        dated = np.flatnonzero(self.live & (self.pub_start > 0))
        if not len(dated):
            return {"first": None, "last": None}
        first = int(dated[np.argmin(self.pub_start[dated])])
        last = int(dated[np.argmax(self.pub_end[dated])])
        return {"first": self._published(first), "last": self._published(last)}

    def _published(self, docnum: int) -> str | None:
        return json.loads(self.snapshot.stored(docnum)).get("published")

    def entity_names(self, entities: list[Entity]) -> list[Entity]:
        """A document's entities as the facets name them (one person, place or organisation
        once: "EU" and "Europäische Union" are Europäische Union, "im Auswärtigen Amt" is
        Auswärtiges Amt), in their order; a name the facets do not hold stays as it is."""
        shown: dict[tuple[EntityType, str], Entity] = {}
        memo = self._entity_names
        for entity in entities:
            found = memo.get((entity.type, entity.name))
            if found is None:
                key = facet_key(entity.name)
                etype = EntityType(self.moved.get((entity.type.value, key), entity.type.value))
                ffield = self.fields.get(etype.value)
                idx = ffield.lookup.get(key) if ffield else None
                name = self.label(etype.value, ffield.values[idx]) if idx is not None else entity.name
                found = Entity(name=name, type=etype)
                if len(memo) >= 100_000:
                    memo.clear()  # (bounded: a server names the entities of every page it serves)
                memo[(entity.type, entity.name)] = found
            shown.setdefault((found.type, found.name), found)
        return list(shown.values())

    def counted_as(self, facet: str, name: str) -> str:
        """The facet that counts ``name``: its own when it holds the name, else the one the
        archive moved the name to ("Donald Trump" as an organisation → person)."""
        lookup, key = self.fields[facet].lookup, facet_key(name)
        if lookup.get(name, lookup.get(key)) is not None:
            return facet
        return self.moved.get((facet, key), facet)

    def moved_into(self, facet: str, keys: list[str]) -> list[tuple[str, str]]:
        """(facet, key) of the index terms that count for these keys of ``facet`` although the
        documents are indexed under another type ("Donald Trump" as an organisation): a query
        ``person:"Donald Trump"`` must find what the facet counts."""
        if self._moved_in is None:
            moved_in: dict[tuple[str, str], list[str]] = {}
            for (other, key), into in self.moved.items():
                moved_in.setdefault((into, key), []).append(other)
            self._moved_in = moved_in
        return [(other, key) for key in keys for other in self._moved_in.get((facet, key), [])]

    def label(self, facet: str, value: str) -> str:
        """What the user sees for a facet value."""
        if facet == "year" and value == NO_DATE:
            return "ohne Datum"
        if facet == "month":
            return month_label(value)
        if facet in ENTITY_FIELDS:
            return self.labels.get((facet, value), value)
        return value

    def find_values(self, facet: str, text: str, counts: np.ndarray, limit: int) -> list[int]:
        """Ids of the counted values of ``facet`` with a name that contains ``text``, at most
        ``limit``, after the value a whole name names (``_named_values``: "Trumps" lists Donald
        Trump first, "Israels" Israel, which no name contains as typed; found by a review: only
        "Israels Gaza-PläneDeutschland" and the like were listed), in two groups, each most frequent first: names that contain it as typed
        (case and diacritics ignored: "Noel" finds Noël, "erd" Erdoğan), then names that contain
        it only with ae/oe/ue read as ä/ö/ü ("Koeln" finds Köln, "Mueller" Müller). Most names
        with "oe" or "ue" are written so (Noel, Joel, Manuel), so an umlaut reading must not push
        them down; and it is a reading, never a dropped "e": "Noel" is "Nöl", not "Nol", so it
        does not find Nolte, Granollers or Kunold. Within each group, names with a word that
        begins so come first ("Erd": Erdoğan, Peter Erdö before Tomas Berdych and Gerd Brand;
        "Wien" before Moldawien: found by a review). Several words are found in any order
        ("Merkel Angela", ``_NamePattern``). The facet-value search behind "mehr anzeigen"
        (``search.facet_values``)."""
        typed, umlauts = entity_key(text), umlaut_reading(text)
        if umlauts == typed:  # nothing to read as an umlaut: the literal match is the only one
            umlauts = ""
        as_typed = _NamePattern(typed)
        as_read = _NamePattern(umlauts) if umlauts else None
        named = self._named_values(facet, text, counts)[:limit]
        groups: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        for idx in np.argsort(-counts, kind="stable").tolist():
            if counts[idx] == 0 or len(named) + len(groups[0]) >= limit:
                break
            if idx in named:
                continue
            at_start = as_typed.found_in(self._keys_of(facet, idx))
            if at_start is not None:
                groups[0 if at_start else 2].append(idx)
            elif as_read is not None:
                at_start = as_read.found_in(self._readings_of(facet, idx))
                if at_start is not None:
                    groups[1 if at_start else 3].append(idx)
        return [*named, *(idx for group in groups for idx in group)][:limit]

    def _named_values(self, facet: str, text: str, counts: np.ndarray) -> list[int]:
        """The counted value of entity facet ``facet`` that ``text`` names as a whole name, as
        its filter reads it (``FacetField.value_named``: a genitive, "Israels" → Israel), else
        for a genitive those whose name holds the word without its -s ("Trumps" → Donald
        Trump), most frequent first; none for the date facets, whose values are no names. Not the values
        whose name merely holds ``text`` as a word: typed letter by letter, "a" put "Taleb A"
        and "Abdallah A" (one article each) before Alexander Dobrindt (found by a review)."""
        if facet not in ENTITY_FIELDS or not _may_pin(text):
            return []  # (letters typed one by one: "a" is the surname of "Taleb A", an alias)
        ffield = self.fields[facet]
        idx = ffield.value_named(text)
        if idx is not None:
            return [idx] if counts[idx] else []
        key = _without_apostrophe(facet_key(text))
        if not _is_genitive(key):
            return []
        # a genitive of a word of names ("Trumps": Donald Trump, where no article names him
        # "Trump" alone): the values of the word without its -s, as the filter reads it
        named = [i for i in ffield.named_by_words(key[:-1], facet) if counts[i]]
        return sorted(named, key=lambda i: (-int(counts[i]), i))

    def values_matching(self, facet: str, pattern: str, limit: int) -> list[int]:
        """Ids of the values of entity facet ``facet`` with a name (what the facet shows, its
        key, an alias: ``_names_of``) that the wildcard ``pattern`` (``*``, ``?``; a prefix is
        "put*") matches from the start of one of its words to the end of one, case and
        diacritics ignored: "put*" is Wladimir Putin (also by "Putin" alone), "erd*" Recep
        Tayyip Erdoğan, "europ*" Europäische Union and the "EU" it stands for. A word, not the
        whole name, as ``person:Putin`` finds him by a word of his name (Lucene's prefix of a
        keyword would have to start the name). At most ``limit`` + 1 values are looked for
        (more is too many for a query). One regular expression over all names of the facet
        (``_names_text``), not a Python loop over its values."""
        text, starts = self._names_text(facet)
        regex = _wildcard_regex(entity_key(pattern))
        found: list[int] = []
        position = 0
        while len(found) <= limit and (match := regex.search(text, position)) is not None:
            idx = int(np.searchsorted(starts, match.start(), side="right")) - 1
            found.append(idx)
            position = int(starts[idx + 1]) if idx + 1 < len(starts) else len(text)
        return found

    def _names_text(self, facet: str) -> tuple[str, np.ndarray]:
        """Every value's names as keys (``_names_of``), one a line, the values one after the
        other, and the position where each value's lines begin: built once per generation."""
        if facet not in self._names_texts:
            blocks = ["\n".join(self._names_of(facet, idx)) for idx in range(len(self.fields[facet].values))]
            lengths = np.fromiter((len(block) + 1 for block in blocks), dtype=np.int64, count=len(blocks))
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
            self._names_texts[facet] = ("\n".join(blocks), starts)
        return self._names_texts[facet]

    def _names_of(self, facet: str, idx: int) -> list[str]:
        """Every name of value ``idx`` (what the facet shows, its key, its aliases) as a key."""
        ffield = self.fields[facet]
        names = [self.label(facet, ffield.values[idx]), ffield.values[idx], *ffield.aliases(idx)]
        return list(dict.fromkeys(map(entity_key, names)))

    def _keys_of(self, facet: str, idx: int) -> str:
        """Every name of value ``idx`` (``_names_of``) joined by newlines (which no text holds
        after ``entity_key``): one ``in`` tests them all. Kept per generation: a search tries
        the same values again and again."""
        if (facet, idx) not in self._search_keys:
            self._search_keys[(facet, idx)] = "\n".join(self._names_of(facet, idx))
        return self._search_keys[(facet, idx)]

    def _readings_of(self, facet: str, idx: int) -> str:
        """Every name of value ``idx`` as the corpus writes it, read with umlauts, joined like
        ``_keys_of``. Written names, not keys: a key has lost its umlauts ("auswartigen amts"),
        and "Auswaertigen" read as "Auswärtigen" must find "Auswärtigen Amts" while "Noel" read
        as "Nöl" must not find "Nolte"."""
        if (facet, idx) not in self._search_readings:
            ffield = self.fields[facet]
            value, aliases = ffield.values[idx], ffield.aliases(idx)
            shown = self.label(facet, value)
            written = [shown, *(self.labels.get((facet, key)) or _umlauts_from(key, shown) for key in aliases)]
            if facet_key(shown) != value:  # shown in another case: the key's own spelling is gone
                written.append(_umlauts_from(value, shown))
            self._search_readings[(facet, idx)] = "\n".join(map(umlaut_reading, written))
        return self._search_readings[(facet, idx)]


#: A character inside a word of the names of ``FacetData._names_text``: any but a space, a
#: hyphen ("Karl-Theodor" has the words Karl and Theodor, as for ``FacetField.named_with``) and
#: the newline between names.
_IN_WORD = r"[^\s\-]"


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` (``*``: any letters, ``?``: one) as a regular expression over the lines of
    ``FacetData._names_text``, from a word's start to a word's end; a star may span words
    ("wla*putin"), never lines. Every star but the last is an atomic lazy group, as
    ``analysis.wildcard_regex`` builds it (the leftmost place of each piece is the right one: only
    the last piece must end a word), so matching takes linear time: with a plain ``[^\n]*`` for
    each star, "org:*?*?*?*?*?*?*?zz" backtracked for a minute (found by a review)."""
    pieces = ["".join(r"[^\n]" if char == "?" else re.escape(char) for char in piece)
              for piece in re.split(r"\*+", pattern)]
    if len(pieces) == 1:
        body = pieces[0]
    else:
        middle = "".join(rf"(?>[^\n]*?{piece})" for piece in pieces[1:-1])
        body = rf"{pieces[0]}{middle}[^\n]*{pieces[-1]}"
    return re.compile(f"(?<!{_IN_WORD}){body}(?!{_IN_WORD})")


def shown_dates(
    values: Sequence[str], counts: np.ndarray, candidates: np.ndarray, size: int, selected: set[int]
) -> list[int]:
    """The values a date facet shows, in its display order (newest first, "ohne Datum" last):
    the ``size`` most frequent candidates (a tie goes to the later period, then to a date over
    "ohne Datum") and the selected ones. Not the ``size`` newest: the years a text mentions run
    from the 1940s to 2050, and the newest five were climate targets of a handful of articles
    each while 2025 with 920 was cut off. "mehr anzeigen" lists the rest."""
    undated = np.array([values[i] == NO_DATE for i in candidates.tolist()], dtype=bool)
    display = candidates[np.lexsort((-candidates, undated))].tolist()
    if size >= len(display):
        return display
    frequent = candidates[np.lexsort((-candidates, undated, -counts[candidates]))][: max(size, 0)]
    kept = set(frequent.tolist()) | selected
    return [i for i in display if i in kept]


_GERMAN_UMLAUTS = frozenset("äöü")


def umlaut_reading(name: str) -> str:
    """``name`` as a key with ae/oe/ue read as the umlauts they may stand for ("Koeln" → "köln",
    "Noel" → "nöl", "Bauer" stays). Unlike ``model.entity_key`` it keeps ä, ö and ü: with them
    folded to a, o and u, "Noel" read as "Nöl" would become "nol" and find Nolte."""
    return with_umlauts(_umlaut_key(name))  # (ae/oe/ue after a vowel or q stay: "Bauer")


def _umlaut_key(name: str) -> str:
    """Case, spacing and every diacritic but those of ä, ö and ü ignored ("Noël" → "noel",
    "Müller" → "müller")."""
    text = unicodedata.normalize("NFC", name.casefold())
    if not text.isascii():  # most names are: they need no letter-by-letter pass
        text = "".join(char if char in _GERMAN_UMLAUTS else _without_diacritics(char) for char in text)
    return " ".join(text.split())


def _umlauts_from(key: str, shown: str) -> str:
    """``key`` with the umlauts of the name the facet shows for it, where their words agree
    letter for letter up to there: "europaischen auswartigen dienstes" shown as "Europäischer
    Auswärtiger Dienst" → "europäischen auswärtigen dienstes". The written form of a key whose
    label became its nominative is not kept; this is it, as far as the umlauts go."""
    words, written = key.split(), _umlaut_key(shown).split()
    if len(words) != len(written):
        return key
    return " ".join(_word_with_umlauts(word, model) for word, model in zip(words, written))


def _word_with_umlauts(word: str, model: str) -> str:
    letters = list(word)
    for i, (letter, wanted) in enumerate(zip(word, model)):
        if wanted in _GERMAN_UMLAUTS and letter == _without_diacritics(wanted):
            letters[i] = wanted
        elif letter != wanted:
            break
    return "".join(letters)


def _without_diacritics(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


#: Saved facet arrays: ``facets-<generation>.npz`` in the index folder.
CACHE_PREFIX = "facets-"
#: Bumped when the saved layout or what is merged changes (older files are then rebuilt).
CACHE_VERSION = 13


def _save(path: Path, data: FacetData, generation: int) -> None:
    arrays: dict[str, np.ndarray] = {
        "meta": np.array([CACHE_VERSION, generation, data.doc_count, int(data.live.sum())], dtype=np.int64),
        "live": data.live, "pub_start": data.pub_start, "pub_end": data.pub_end,
        "labels": pack_lines([LABEL_SEP.join((t, k, name)) for (t, k), name in data.labels.items()]),
        "moved": pack_lines([LABEL_SEP.join((facet, key, into)) for (facet, key), into in data.moved.items()]),
    }
    for name, ffield in data.fields.items():
        arrays[f"{name}.values"] = pack_lines(ffield.values)
        arrays[f"{name}.doc"] = ffield.entry_doc
        arrays[f"{name}.value"] = ffield.entry_value
        aliases = [f"{k}\t{ffield.values[i]}" for k, i in ffield.lookup.items() if ffield.values[i] != k]
        arrays[f"{name}.aliases"] = pack_lines(aliases)
    save_arrays(path, arrays)


def _load(path: Path, snapshot: Any) -> FacetData:
    with np.load(path, allow_pickle=False) as saved:
        version, generation, doc_count, live_count = saved["meta"].tolist()
        if (version, generation, doc_count, live_count) != (
            CACHE_VERSION, snapshot.generation, snapshot.doc_space(), snapshot.doc_count()
        ):
            raise ValueError("facet cache of another generation")
        fields = {}
        for name in FACETS:
            values = unpack_lines(saved[f"{name}.values"])
            lookup = {v: i for i, v in enumerate(values)}
            for line in unpack_lines(saved[f"{name}.aliases"]):
                short, full = line.split("\t")
                lookup[short] = lookup[full]
            fields[name] = FacetField(values, saved[f"{name}.doc"], saved[f"{name}.value"], lookup)
        labels = {}
        for line in unpack_lines(saved["labels"]):
            etype, key, name = line.split(LABEL_SEP)
            labels[(etype, key)] = name
        moved = {}
        for line in unpack_lines(saved["moved"]):
            facet, key, into = line.split(LABEL_SEP)
            moved[(facet, key)] = into
        return FacetData(
            snapshot, doc_count, saved["live"], fields, saved["pub_start"], saved["pub_end"], labels, moved
        )


#: A name the index holds as two types counts for the type of at least TYPE_MAJORITY times as
#: many documents, when that type holds it in TYPE_MIN_DOCUMENTS documents or more.
TYPE_MAJORITY = 2
TYPE_MIN_DOCUMENTS = 3
#: A place or organisation that is a person's surname counts for a person named in this many
#: documents or more (``_surnames_of_persons``): fewer are often a tagger's error themselves
#: ("Juventus Turin" as a person in 3 articles must not take the city).
SURNAME_MIN_DOCUMENTS = 5
#: A surname alone counts for the person of that surname named in this many times as many
#: documents as all others of that surname together (``_merge_short_names``).
SHORT_NAME_DOMINANCE = 5


def _majority_types(postings: dict[str, list[tuple[str, np.ndarray]]]) -> dict[tuple[str, str], str]:
    """(facet, key) → the facet its documents count for instead: the type the index holds the
    same name as in clearly more documents. The tagger types a name by its sentence, and a
    sentence can mislead it ("Donald Trump" as an organisation in 102 of 402 articles, "Wolodymyr
    Selenskyj" as a place in 29 of 117, "ORF" as a place in 1 of 29); across an archive the
    usual type is the evidence, as with the other merges here. Names with no clear majority
    ("Weißen Haus" 2 place, 2 organisation; "Admira" 5 person, 4 organisation) keep both types;
    a surname is weighed with its person's full name in ``_surnames_of_persons``."""
    sizes: dict[str, dict[str, int]] = {}
    for facet, entries in postings.items():
        for key, ids in entries:
            sizes.setdefault(key, {})[facet] = len(ids)
    moved: dict[tuple[str, str], str] = {}
    for key, by_facet in sizes.items():
        if len(by_facet) < 2:
            continue
        winner = max(by_facet, key=lambda facet: (by_facet[facet], facet))
        if by_facet[winner] < TYPE_MIN_DOCUMENTS:
            continue
        for facet, count in by_facet.items():
            if facet != winner and by_facet[winner] >= TYPE_MAJORITY * count:
                moved[(facet, key)] = winner
    return moved


def _retyped(
    postings: dict[str, list[tuple[str, np.ndarray]]], moved: dict[tuple[str, str], str]
) -> dict[str, list[tuple[str, np.ndarray]]]:
    """The postings with each moved key's documents under the facet it counts for."""
    if not moved:
        return postings
    incoming: dict[tuple[str, str], list[np.ndarray]] = {}
    for facet, entries in postings.items():
        for key, ids in entries:
            if (facet, key) in moved:
                incoming.setdefault((moved[(facet, key)], key), []).append(ids)
    result = {
        facet: [
            (key, np.unique(np.concatenate([ids, *incoming.pop((facet, key))])) if (facet, key) in incoming else ids)
            for key, ids in entries if (facet, key) not in moved
        ]
        for facet, entries in postings.items()
    }
    for (facet, key), arrays in incoming.items():  # a surname the winner holds only in full names
        result[facet].append((key, np.unique(np.concatenate(arrays))))
    return result


def _surnames_of_persons(
    postings: dict[str, list[tuple[str, np.ndarray]]], moved: dict[tuple[str, str], str],
    labels: dict[tuple[str, str], str],
) -> dict[tuple[str, str], str]:
    """(facet, key) → "person" for a one-word place or organisation that is the surname of a
    person the index names in at least TYPE_MAJORITY times as many documents, and in
    SURNAME_MIN_DOCUMENTS or more ("Netanjahu" as an organisation in 9 articles, Benjamin
    Netanjahu a person in 40; "Macron" 6 / 42): the person facet counts them for that person
    (``_merge_short_names`` picks the person). A company or place that shares a person's name
    keeps its type: "Porsche" beside Ferdinand Porsche in a few articles, "Washington" beside
    George Washington; so does a name written in capitals ("FRITZ!Box" is no Sabrina Fritz)."""
    person = EntityType.PERSON.value
    values = [key for key, _ in postings[person]]
    docs = [ids for _, ids in postings[person]]
    values, docs, _ = _merge_genitives(values, docs)
    size = {value: len(ids) for value, ids in zip(values, docs)}
    owners = _surname_owners(values, size)
    surnames: dict[tuple[str, str], str] = {}
    for facet, entries in postings.items():
        if facet == person:
            continue
        for key, ids in entries:
            owner = owners.get(key)
            if (
                " " not in key and owner is not None and (facet, key) not in moved
                and not labels.get((facet, key), key).isupper()
                and size[owner] >= max(SURNAME_MIN_DOCUMENTS, TYPE_MAJORITY * len(ids))
            ):
                surnames[(facet, key)] = person
    return surnames


def _read_field(
    postings: Iterable[tuple[str, np.ndarray]], fieldname: str,
    spellings: dict[tuple[str, str], list[tuple[int, str]]], labels: dict[tuple[str, str], str],
) -> FacetField:
    """The field's values and their documents, with the values that name one entity merged
    (``labels`` gets the display name of each merged value)."""
    values: list[str] = []
    docs: list[np.ndarray] = []
    for value, ids in postings:
        values.append(value)
        docs.append(ids)
    aliases: dict[str, str] = {}
    if fieldname in ENTITY_FIELDS:
        values, docs, aliases = _merge_hyphen_variants(values, docs)
    if fieldname == EntityType.PERSON.value:
        values, docs, merged = _merge_genitives(values, docs)
        aliases = _chained(aliases, merged)
        values, docs, merged = _merge_short_names(values, docs)
        aliases = _chained(aliases, merged)
    elif fieldname in ENTITY_FIELDS:
        values, docs, merged = _merge_leading_articles(fieldname, values, docs)
        aliases = _chained(aliases, merged)
        values, docs, merged = _merge_declensions(fieldname, values, docs, spellings, labels)
        aliases = _chained(aliases, merged)
        for merge in (_merge_acronyms, _merge_nominatives):
            values, docs, merged = merge(fieldname, values, docs, labels)
            aliases = _chained(aliases, merged)
        if fieldname == EntityType.ORGANISATION.value:
            values, docs, merged = _merge_legal_forms(values, docs, aliases, labels)
            aliases = _chained(aliases, merged)
    entry_doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    entry_value = (
        np.repeat(np.arange(len(values)), [len(d) for d in docs]) if docs else np.zeros(0, dtype=np.int64)
    )
    lookup = {v: i for i, v in enumerate(values)}
    lookup.update({short: lookup[full] for short, full in aliases.items()})
    return FacetField(values, entry_doc, entry_value, lookup)


def _chained(aliases: dict[str, str], merged: dict[str, str]) -> dict[str, str]:
    """The aliases of the merge steps so far followed through the next step's, plus its own."""
    return {short: merged.get(full, full) for short, full in aliases.items()} | merged


def _merge_hyphen_variants(
    values: list[str], docs: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """One value for names written with a hyphen or a space ("Heinz-Christian Strache" and
    "Heinz Christian Strache", found by a review in 10kGNAD): merged into the spelling of the
    most documents. Returns the merged values and documents, and other key → merged key."""
    by_words: dict[str, list[int]] = {}
    for i, value in enumerate(values):
        if "-" in value or " " in value:
            by_words.setdefault(" ".join(_words_of(value)), []).append(i)
    aliases = {}
    for group in by_words.values():
        if len(group) > 1:
            kept = max(group, key=lambda i: (len(docs[i]), values[i]))
            aliases.update({values[i]: values[kept] for i in group if i != kept})
    return _joined(values, docs, aliases)


def _merge_genitives(
    values: list[str], docs: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """A person's name in the genitive ("Donald Trumps Zölle") counts for the name without it,
    when the index holds that name in at least TYPE_MAJORITY times as many documents (and
    TYPE_MIN_DOCUMENTS or more). Within an article the extraction removes the "-s" only when
    the article also has the name without it; across the archive the name's usual form is the
    evidence. A name that ends in "s" as written ("Thomas", "Jonas") rarely has a more frequent
    form without it in the same index. Returns the merged values and documents, and genitive
    key → name key."""
    size = {value: len(ids) for value, ids in zip(values, docs)}
    aliases = {}
    for value in values:
        words = value.split()
        stem = genitive_stem(words[-1])
        if stem is None:
            continue
        base = " ".join([*words[:-1], stem])
        if size.get(base, 0) >= max(TYPE_MIN_DOCUMENTS, TYPE_MAJORITY * size[value]):
            aliases[value] = base
    return _joined(values, docs, aliases)


def _merge_short_names(
    values: list[str], docs: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """Across articles, a person named by a shorter form ("selenskyj") is the person of the
    index whose full name ends with it ("wolodymyr selenskyj"): the only one, or the one named
    in at least SHORT_NAME_DOMINANCE times as many documents as all others together ("Trump"
    is Donald Trump in 300 articles, Melania Trump in 1: one stray mention must not leave 122
    articles with "Trump" alone; "Hoffmann" stays apart from Alexander Hoffmann in 5 and three
    other Hoffmanns in 1 each). Within an article the extraction already did this. Surnames shared by
    people of similar weight stay apart. Returns the merged values and documents, and short key
    → full key."""
    owners = _surname_owners(values, {value: len(ids) for value, ids in zip(values, docs)})
    aliases = {value: owners[value] for value in values if value in owners}
    return _joined(values, docs, aliases)


def _surname_owners(values: list[str], size: dict[str, int]) -> dict[str, str]:
    """Every shorter form of the persons' names (``model.name_suffixes``) → the person it
    means: the only longest name that ends with it, or the one of them named in at least
    SHORT_NAME_DOMINANCE times as many documents as the others together."""
    by_suffix: dict[str, list[str]] = {}
    for value in values:
        for suffix in name_suffixes(value.split()):
            by_suffix.setdefault(suffix, []).append(value)
    owners = {}
    for suffix, fuller in by_suffix.items():
        longest = sorted(
            (f for f in fuller if not any(g != f and g.endswith(" " + f) for g in fuller)),
            key=lambda f: (-size[f], f),
        )
        if longest and size[longest[0]] >= SHORT_NAME_DOMINANCE * sum(size[f] for f in longest[1:]):
            owners[suffix] = longest[0]
    return owners


def _joined(
    values: list[str], docs: list[np.ndarray], aliases: dict[str, str]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """Each value that ``aliases`` maps to another joined into it: its documents added, the
    value gone (aliases that name no value only stay aliases). The end of every merge step."""
    if not aliases:
        return values, docs, {}
    merged: dict[str, np.ndarray] = dict(zip(values, docs))
    for short, full in aliases.items():
        if short in merged:
            merged[full] = np.union1d(merged[full], merged[short])
    kept = [v for v in values if v not in aliases]
    return kept, [merged[v] for v in kept], aliases


#: Articles that the tagger takes into a name at the start of a sentence ("Die Grünen wollen
#: …"): a place's name begins with "Den" or "Des" ("Den Haag", "Des Moines"), never with
#: "Der", "Die" or "Das".
LEADING_ARTICLES = {
    EntityType.ORGANISATION.value: frozenset("der die das den dem des".split()),
    EntityType.PLACE.value: frozenset("der die das".split()),
}


def _merge_leading_articles(
    facet: str, values: list[str], docs: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """A place or organisation with an article before it ("Die Grünen", from "Die Grünen
    wollen …" at the start of a sentence) counts for the name without it when the facet
    holds that too ("Grünen": 71 articles beside 3 on the benchmark articles). For a name
    whose article belongs to it the two values are one entity as well ("Die Zeit", "Zeit";
    "Der Standard", "STANDARD"), so the merge needs no list of such names, as stripping the
    article in every article would; the facet shows the form of more documents (on a tie the
    one without the article). Returns the merged values and documents, and other key → merged
    key."""
    articles = LEADING_ARTICLES.get(facet, frozenset())
    size = {value: len(ids) for value, ids in zip(values, docs)}
    groups: dict[str, list[str]] = {}
    for value in values:
        article, _, rest = value.partition(" ")
        if article in articles and rest in size:
            groups.setdefault(rest, [rest]).append(value)
    aliases: dict[str, str] = {}
    for rest, group in groups.items():
        kept = max(group, key=lambda key: (size[key], key == rest, key))
        aliases.update({key: kept for key in group if key != kept})
    return _joined(values, docs, aliases)


#: Legal forms that end an organisation's name, as words of its facet key (the extractor drops a
#: name's last dot and the "&": "Deutsche Bahn AG", "Henkel AG & Co. KGaA" → "henkel ag co
#: kgaa", "ADAC e.V." → "adac e.v"). The legal forms of ``entities.retype.CLUB_AND_LEGAL_FORMS``
#: and Austria's "OG", "GesmbH", Germany's "UG"; not "Holding", "Group" or "Konzern", which
#: name a company of their own ("Porsche Holding" in Salzburg is not Porsche, "Erste Group" not
#: "Das Erste"), nor "& Co." alone ("Apple, Google & Co.": Google and the like).
LEGAL_FORMS = frozenset("""
    ag se gmbh ggmbh mbh gesmbh ug kg kgaa ohg og eg e.v ev inc ltd llc plc corp n.v s.a spa s.p.a
""".split())
#: Words inside a run of legal forms ("GmbH & Co. KG").
LEGAL_FORM_LINKS = frozenset(("co", "&", "cie"))


def without_legal_form(key: str) -> tuple[str, str] | None:
    """(name, legal form) of an organisation's key that ends in a legal form ("deutsche bahn
    ag" → "deutsche bahn", "ag"; "muller gmbh co kg" → "muller", "gmbh co kg"), else None."""
    words = key.split()
    bare = [word.rstrip(".") for word in words]  # a name as given: "Henkel AG & Co. KGaA"
    if len(words) < 2 or bare[-1] not in LEGAL_FORMS:
        return None
    cut = len(words) - 1
    while cut > 1 and (bare[cut - 1] in LEGAL_FORMS or bare[cut - 1] in LEGAL_FORM_LINKS):
        cut -= 1
    if bare[cut - 1] in LEGAL_FORM_LINKS:
        return None
    return " ".join(words[:cut]), " ".join(word for word in bare[cut:] if word != "&")


def _merge_legal_forms(
    values: list[str], docs: list[np.ndarray], aliases: dict[str, str], labels: dict[tuple[str, str], str]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """An organisation with its legal form ("Deutsche Bahn AG", 1 article of the review index)
    counts for the organisation without it ("Deutsche Bahn", 36) when the facet holds that, as
    written or as what an earlier step merged ("Deutschen Bahn AG" → "Deutschen Bahn", counted
    for "Deutsche Bahn"; the key of the value's label, its nominative, is tried too). The facet
    shows the form of more documents (on a tie the one without the legal form), as for a
    leading article. A name the facet holds with two legal forms stays apart from both ("Porsche
    AG" and "Porsche SE" are two companies: which one "Porsche" means is unknown). A place or a
    person of that name is no match: only the organisation facet is searched, after the
    archive's type votes (``_majority_types``) moved "Wien" to the places. Returns the merged
    values and documents, and other key → merged key."""
    facet = EntityType.ORGANISATION.value
    present = set(values)

    def merged_value(key: str) -> str | None:
        value = key if key in present else aliases.get(key)
        return value if value in present else None

    forms: dict[str, dict[str, list[str]]] = {}  # bare value → legal form → values with it
    for value in values:
        for key in dict.fromkeys((value, facet_key(labels.get((facet, value), value)))):
            split = without_legal_form(key)
            bare = merged_value(split[0]) if split else None
            if split and bare is not None and bare != value:
                forms.setdefault(bare, {}).setdefault(split[1], []).append(value)
                break
    size = {value: len(ids) for value, ids in zip(values, docs)}
    with_form = {value for by_form in forms.values() for group in by_form.values() for value in group}
    merged: dict[str, str] = {}
    for bare, by_form in forms.items():
        if len(by_form) != 1 or bare in with_form:
            continue
        group = [bare, *dict.fromkeys(next(iter(by_form.values())))]
        kept = max(group, key=lambda key: (size[key], key == bare, key))
        merged.update({key: kept for key in group if key != kept})
    return _joined(values, docs, merged)


def _merge_declensions(
    facet: str, values: list[str], docs: list[np.ndarray],
    spellings: dict[tuple[str, str], list[tuple[int, str]]], labels: dict[tuple[str, str], str],
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """One value per place or organisation in all its grammatical cases: "Europäischen Union"
    counts for "Europäische Union" (``model.declension_groups``). The merged value is the key
    of the spelling with the fewest declined words, then the most used one, which is also what
    the facet shows. Returns the merged values and documents, and other key → merged key."""
    groups = declension_groups(values)
    if facet == EntityType.ORGANISATION.value:
        _join_adjectival_names(groups, values, docs)
    members: dict[str, list[str]] = {}
    for value in values:
        if value in groups and not _written_in_capitals(spellings.get((facet, value), [])):
            members.setdefault(groups[value], []).append(value)
    aliases: dict[str, str] = {}
    for group, keys in members.items():
        if len(keys) < 2:
            continue
        _, _, name, canonical = min(
            (declined_words(name, group), -freq, name, key)
            for key in keys for freq, name in spellings.get((facet, key), [(0, key)])
        )
        labels[(facet, canonical)] = name
        aliases.update({key: canonical for key in keys if key != canonical})
    return _joined(values, docs, aliases)


def _join_adjectival_names(groups: dict[str, str], values: list[str], docs: list[np.ndarray]) -> None:
    """A party named by an adjective used as a noun declines like one: "die Linke", "der
    Linken"; "die Grünen", "der Grüne" (a member). Such a one-word organisation in "-e" and
    "-en" is one value, under the form of more documents ("Grünen" 69 and "Grüne" 1, "Linke" 15
    and "Linken" 10 on the benchmark articles: the only such pairs among their organisations).
    Places keep their case rules ("Niederlanden" is a dative, joined by its nominative)."""
    size = {value: len(ids) for value, ids in zip(values, docs)}
    for value in values:
        base = value[:-1]
        if " " not in value and value.endswith("en") and base in size:
            groups[value] = groups[base] = max((value, base), key=lambda key: (size[key], key))


def _merge_nominatives(
    facet: str, values: list[str], docs: list[np.ndarray], labels: dict[tuple[str, str], str]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """Each place and organisation shown in the nominative ("Auswärtiges Amt" where the index
    has only "im Auswärtigen Amt"; ``nominative.py``) and found by it: the nominative's key is
    an alias of the value. Values whose nominatives are one name are one value ("Niederlanden"
    and "Niederlande": single words are otherwise joined with their genitive only). Returns the
    merged values and documents, and other key → merged key."""
    by_name: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for value in values:
        shown[value] = nominative(labels.get((facet, value), value))
        by_name.setdefault(facet_key(shown[value]), []).append(value)
    size = {value: len(d) for value, d in zip(values, docs)}
    aliases: dict[str, str] = {}
    for key, group in by_name.items():
        # the value written as the nominative itself, else the one of the most documents
        canonical = key if key in size else max(group, key=lambda v: (size[v], v))
        labels[(facet, canonical)] = shown[canonical]
        aliases.update({value: canonical for value in group if value != canonical})
        if key not in size:
            aliases[key] = canonical
    return _joined(values, docs, aliases)


#: An abbreviation as the facet shows it: "EU", "AfD", "NBA" (2–6 letters, two or more capitals).
_ABBREVIATION = re.compile(r"[A-ZÄÖÜ][A-Za-zÄÖÜäöüß]{1,5}")


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()).casefold()


def _merge_acronyms(
    facet: str, values: list[str], docs: list[np.ndarray], labels: dict[tuple[str, str], str]
) -> tuple[list[str], list[np.ndarray], dict[str, str]]:
    """An abbreviation counts for the name it abbreviates: "EU" for "Europäische Union", "AfD"
    for "Alternative für Deutschland", "FAZ" for "Frankfurter Allgemeine Zeitung". The name is
    the one value of the facet whose words' initials spell the abbreviation and that some
    article names together with it (news introduce an abbreviation as "… Union (EU)"): the
    corpus itself is the evidence, so "EU" never joins "Europäische Umweltagentur", which no
    article names beside it, and two such names ("ESC": European / Eurovision Song Contest)
    leave it apart. A name with the abbreviation as a word ("LG G4") is not its expansion.
    The facet shows the full name. Returns the merged values and documents, and abbreviation
    key → name key."""
    label = {value: labels.get((facet, value), value) for value in values}
    by_initials: dict[str, list[str]] = {}
    for value in values:
        if len(label[value].split()) >= 2:
            by_initials.setdefault(_initials(label[value]), []).append(value)
    docs_of = dict(zip(values, docs))
    aliases: dict[str, str] = {}
    for value in values:
        name = label[value]
        if not _ABBREVIATION.fullmatch(name) or sum(c.isupper() for c in name) < 2:
            continue
        named_together = [
            full for full in by_initials.get(name.casefold(), [])
            if name.casefold() not in label[full].casefold().split()
            and np.intersect1d(docs_of[value], docs_of[full], assume_unique=True).size
        ]
        if len(named_together) == 1:
            aliases[value] = named_together[0]
    return _joined(values, docs, aliases)


def _written_in_capitals(spellings: list[tuple[int, str]]) -> bool:
    """An abbreviation written in capitals and ending in "S" ("FCAS") keeps it: a genitive ending
    would be a small "s" ("des FCAs"), so "FCAS" is not a case of "FCA"."""
    if not spellings:
        return False
    name = max(spellings)[1]
    return " " not in name and len(name) >= 3 and name.isupper() and name.endswith("S")


def _read_spellings(snapshot: Any) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """For each entity key, its spellings with the number of documents using each (the facet
    shows the most used one: Erdoğan over Erdogan when the corpus writes it so more often)."""
    spellings: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for text, freq in snapshot.terms("entity_label"):
        parts = text.split(LABEL_SEP)
        if len(parts) != 3:
            continue
        etype, key, name = parts
        spellings.setdefault((etype, key), []).append((freq, name))
    return spellings
