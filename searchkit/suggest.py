""""Meinten Sie …?": the query with each word the index does not know replaced by the nearest
word it knows, when that finds more. The words are read as the search reads them (the same
parser, names in field syntax, patterns), and candidates come from the index's spelling
vocabulary (``spelling.py``): every word of its texts as written, with counts."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .analysis import analyze, suspended_words, suspensions
from .compounds import UMLAUT_DIGRAPH, with_umlauts
from .errors import QueryError
from .index import ENTITY_FIELDS, facet_key
from .querywords import question_words
from .parsing import (
    _BINARY_OPERATORS,
    _FIELD_NAMES,
    FIELD_ALIASES,
    _is_keyword_query,
    parse_query,
    suggestion_basis,
    with_meant_fields,
)
from .search import _WORD_LETTERS, _matching_mask, _resolve_leaves


#: Offer a spelling suggestion when a query finds fewer documents than this.
SUGGEST_BELOW = 3


#: Offer one for a question or longer text too, whatever it found, when a word of it finds
#: nothing (``suggestion_for``).
SUGGEST_FOR_QUESTIONS = True


def suggestion_for(
    index: Any, text: str, total: int, operator: str, asked: str = "auto", within: np.ndarray | None = None
) -> str | None:
    """A spelling suggestion for a query that found little, or whose keywords no document has
    all of (``asked`` auto, answered with any word): "Ukraine Krig" finds every article on the
    Ukraine, and "Meinten Sie: Ukraine Krieg?" is the answer the user wanted. A name typed as a
    field that does not exist is replaced by the field it was probably meant for, when that
    finds something ("datum:2025" → "jahr:2025"); otherwise the words are corrected as the
    search read them, never keeping what it left out (``parsing.suggestion_basis``: "Trump
    AND" offered "Trug AND", "datum:2025" "dazu:2025")."""
    meant = with_meant_fields(text)
    if meant is not None:
        spelled = suggest(index, meant, within=within)
        if spelled is not None or _Speller(index, "and").finds_more(meant, "and", within, 0):
            return spelled or meant
    text = suggestion_basis(text)
    if not text.strip():
        return None
    fell_back = asked == "auto" and operator == "or" and _is_keyword_query(text)
    if operator == "or" and not fell_back:
        if total >= SUGGEST_BELOW and not SUGGEST_FOR_QUESTIONS:
            return None
        # a question matches any of its words: a typo costs that word, not the hits ("Wann
        # wurde Olaf Schlz Kanzler?" finds Olaf and Kanzler), and is still worth pointing out;
        # read with all words, "Warum Erdogann?" found no suggestion (no article says "warum")
        return suggest(index, text, within=within, operator="or")
    if total >= SUGGEST_BELOW and not fell_back:
        return None
    # After the OR fallback no document had all words: any suggestion that finds documents
    # with all of them is better.
    return suggest(index, text, better_than=total if operator == "and" else 0, within=within)


#: For a question that found enough by its other words, a replacement must be used this often:
#: such texts hold words the archive never saw that are no typos, and a rare near word is then
#: a wrong guess (``_likely_meant``).
QUESTION_SUGGESTION_MIN_COUNT = 3


def _likely_meant(candidate: Any, length: int) -> bool:
    """Whether a question's word of ``length`` letters that finds nothing was probably meant as
    ``candidate`` (a ``spelling.Similar``): a word that several documents use, two edits away
    only for words of eight letters or more. On 800 news headlines (zeitgeist) and the same
    with one typo put into a word of six letters or more, 2026-12-06: without this test
    1.9 % of the clean headlines got a suggestion and 75 % of the typos were restored; with it,
    see ``docs/retrieval.md``."""
    return candidate.count >= QUESTION_SUGGESTION_MIN_COUNT and (candidate.distance == 1 or length >= 8)


def suggest(
    index: Any, text: str, *, better_than: int = 0, within: np.ndarray | None = None, operator: str = "and"
) -> str | None:
    """The query with each word that the index does not know replaced by the nearest known word
    (``_Speller``), if the new query finds more than ``better_than`` documents (of ``within``:
    the request's filters and dates, which the suggestion's link keeps; a review found "Meinten
    Sie" leading to no hits). With ``operator`` "or" (a question that found enough by its other
    words) only words that alone find nothing are replaced, by words that several documents use:
    "Schlz" is a typo, "Bundesverfassungsgerichte" is found by its stem."""
    speller = _Speller(index, operator, question_words(text))
    fixed = _WORD_LETTERS.sub(speller.fix, text)
    if not speller.changed:
        return None
    if operator == "or":
        return fixed  # it finds what the query found, and more: a word that found nothing does now
    if speller.finds_more(fixed, operator, within, better_than):
        return fixed
    if len(speller.replaced) != 1:
        return None
    # One word replaced, and its nearest word finds nothing with the others: the next nearest
    # may ("Olaf Schlz": "Olaf Schulz" finds no article, "Olaf Scholz" many; found by a review)
    start, end, word, candidates = speller.replaced[0]
    for candidate in candidates[1:MAX_ALTERNATIVES]:
        other = text[:start] + _as_typed(candidate.word, word) + text[end:]
        if speller.finds_more(other, operator, within, better_than):
            return other
    return None


#: Candidates tried for the one word a suggestion replaces, the nearest first.
MAX_ALTERNATIVES = 5
#: A word of keywords that at most this many documents use may be a misspelling of a word
#: ``POPULAR_FACTOR`` times as frequent one edit away (``_Speller.rare``), from this length on.
RARE_WORD_DOCUMENTS = 1
POPULAR_FACTOR = 20
RARE_WORD_MIN_LETTERS = 6
#: Letters that one name has where its transliteration into German has the other: English and
#: international spellings of Hebrew, Arabic and Slavic names against the German ones
#: (Netanyahu/Netanjahu, Sergey/Sergej, Vladimir/Wladimir, Zelensky/Selensky).
TRANSLITERATED = frozenset({("y", "j"), ("v", "w"), ("z", "s"), ("c", "k")})


def _transliterated(word: str, other: str) -> bool:
    """Whether ``word`` and ``other`` differ in one letter only, a ``TRANSLITERATED`` pair
    (either way round)."""
    if len(word) != len(other):
        return False
    differ = [(a, b) for a, b in zip(word, other) if a != b]
    return len(differ) == 1 and (differ[0] in TRANSLITERATED or differ[0][::-1] in TRANSLITERATED)


#: An unknown word this long with no known word near it as typed is compared with every known
#: word, the first letter included (``_Speller._near_as_written``).
ANY_FIRST_LETTER_MIN = 7


def _as_typed(candidate: str, word: str) -> str:
    """``candidate`` capitalized as ``word`` was."""
    return candidate.capitalize() if word[:1].isupper() else candidate


#: What makes the letters next to it a pattern: a prefix or wildcard ("Schol*", "Sch?lz") or a
#: fuzzy word ("Schlz~").
_PATTERN_MARKS = frozenset("*?~")


#: What joins a German gender form's feminine ending to the word ("Lehrer:innen", "Lehrer*innen",
#: "Lehrer_innen", "Lehrer/innen", "Lehrer·innen"; "Bürger:in").
_GENDER_MARKS = frozenset(":*_/·")
_FEMININE_ENDING = re.compile(r"(?i)in(?:nen)?(?![^\W\d_])")
#: A capital I that begins the feminine ending inside a word ("LehrerInnen", "BürgerIn").
_BINNEN_I = re.compile(r"In(?:nen)?\Z")


def _is_feminine_ending(match: re.Match[str]) -> bool:
    """Whether the letters of ``match`` are the feminine ending of a gender form ("innen" of
    "Lehrer:innen"): part of the word before the mark, no word to correct ("Lehrer:innen" was
    offered "Lehnen:ihnen" on the demo, a review)."""
    text, start = match.string, match.start()
    return (
        start >= 2 and text[start - 1] in _GENDER_MARKS and text[start - 2].isalpha()
        and _FEMININE_ENDING.fullmatch(match.group(0)) is not None
    )


def _gender_form(match: re.Match[str]) -> tuple[str, str] | None:
    """(stem, ending as typed) when the letters of ``match`` are the stem of a gender form:
    before a gender mark and the feminine ending ("Lehrer" of "Lehrer:innen" → ("Lehrer",
    "innen")), or a word with a capital I ending ("LehrerInnen" → ("Lehrer", "Innen"))."""
    text, word, end = match.string, match.group(0), match.end()
    if end < len(text) and text[end] in _GENDER_MARKS:
        ending = _FEMININE_ENDING.match(text, end + 1)
        return (word, ending.group(0)) if ending else None
    binnen = _BINNEN_I.search(word)
    if binnen is not None and word[: binnen.start()][-1:].islower():
        return word[: binnen.start()], binnen.group(0)
    return None


def _same_as_partner(text: str) -> int:
    """How many words of ``text`` cut off by a hyphen ("Bundes-") read, completed
    (``analysis.suspended_words``: Bundes-regierung), as the word after "und"/"oder" does
    ("Bundes- und Bundesregierung": 1)."""
    return sum(analyze(whole, mode="query") == analyze(partner, mode="query") for _, whole, partner in suspensions(text))


def _is_field_name(word: str) -> bool:
    return word in _FIELD_NAMES or word.lower() in FIELD_ALIASES


def _is_syntax(match: re.Match[str]) -> bool:
    """Whether the letters of ``match`` are query syntax, not a word to correct: an operator
    ("ANDMAYBE"), a field's name ("titel:"), or the bounds of a range ("[Aachen TO Bonn]")."""
    text, start, end = match.string, match.start(), match.end()
    word = match.group(0)
    if word in _BINARY_OPERATORS or (text.startswith(":", end) and _is_field_name(word)):
        return True
    before = text[:start]
    return max(before.rfind("["), before.rfind("{")) > max(before.rfind("]"), before.rfind("}"))


def _pattern_around(match: re.Match[str]) -> str | None:
    """The pattern (``_PATTERN_MARKS``) that the letters of ``match`` are part of: the text
    around them up to a space; None when they are a word."""
    text, start, end = match.string, match.start(), match.end()
    if not ((start and text[start - 1] in _PATTERN_MARKS) or (end < len(text) and text[end] in _PATTERN_MARKS)):
        return None
    while start and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


class _Speller:
    """The replacements of one query's unknown words: candidates within one edit, two for words
    of five letters or more, among the words that begin as typed, and one edit at the first
    letter ("Ferkehr" → Verkehr); the nearest wins, then the most frequent (``order``)."""

    def __init__(self, index: Any, operator: str, asking: frozenset[str] | set[str] = frozenset()) -> None:
        self.index, self.operator = index, operator
        #: the question's words that ask ("Wann", "wurde"): never replaced — an archive that
        #: never uses "wann" made "Wann wurde …" "Wenn wurde …" (found on the demo corpus)
        self.asking = asking
        self.data = index.facet_data()
        self.vocabulary = index.spelling()
        self.changed = False
        #: (start, end, word, candidates nearest first) of each word replaced
        self.replaced: list[tuple[int, int, str, list[Any]]] = []
        self._near: dict[str, list[Any]] = {}

    def mask(self, text: str, operator: str = "and") -> np.ndarray | None:
        """The documents ``text`` finds, read as the search reads it (names in field syntax,
        fuzzy words and patterns resolved: ``person:Erdogan`` is Recep Tayyip Erdoğan)."""
        snapshot = self.data.snapshot
        q = _resolve_leaves(parse_query(self.index, text, operator), snapshot, self.index)
        return None if q is None else _matching_mask(q, snapshot, self.data)

    def finds_more(self, text: str, operator: str, within: np.ndarray | None, better_than: int) -> bool:
        """Whether ``text`` finds more than ``better_than`` documents (of ``within``)."""
        try:
            found = self.mask(text, operator)
        except QueryError:
            return False  # a word made a query the index cannot answer ("Ortt:…" → "Orte:…")
        return found is not None and int((found & within).sum() if within is not None else found.sum()) > better_than

    def pattern_finds(self, match: re.Match[str]) -> bool:
        """Whether the letters of ``match`` are part of a pattern that finds documents: the user
        asked for the words it stands for, and "Schol*" is no typo of "Scholz*" ("Meinten Sie:
        Was sagte Scholz* …?" found the same). A pattern that finds nothing
        ("Bundesregirung*") is corrected like a word."""
        pattern = _pattern_around(match)
        if pattern is None:
            return False
        try:
            found = self.mask(pattern)
        except QueryError:
            return False
        return found is not None and bool(found.any())

    def unknown(self, lower: str) -> bool:
        return len(lower) >= 4 and lower not in self.asking and self.vocabulary.frequency(lower) == 0

    def rare(self, lower: str) -> bool:
        """Whether ``lower`` is a rare spelling of a name (``RARE_WORD_DOCUMENTS``, a word of a
        person's, place's or organisation's name) that may stand for a much more frequent one
        in the German transliteration (``popular_near``): the English spelling that one article
        quotes ("Netanyahu": 1 article, "Netanjahu": 73) found that one article and no
        "Meinten Sie" (a review). Only for keywords (a question keeps its rare words)."""
        return (
            self.operator == "and" and len(lower) >= RARE_WORD_MIN_LETTERS and lower not in self.asking
            and 0 < self.vocabulary.frequency(lower) <= RARE_WORD_DOCUMENTS and self._is_name(lower)
        )

    def popular_near(self, lower: str) -> list[Any]:
        """The names that differ from the rare name ``lower`` in one letter of a
        transliteration pair (``TRANSLITERATED``: "Netanyahu" → Netanjahu, "Sergey" → Sergej)
        and that ``POPULAR_FACTOR`` times as many documents use, most of them as a name
        (Elasticsearch's "popular" suggest mode, for names). Any edit instead of the pairs, on
        the real archive (5,188 articles): 43 of 4,324 rare name words got a suggestion, about
        a third of them right ("Frankeich" → Frankreich), the rest other names ("Homburg" →
        Hamburg, "Angelo" → Angela); without the name test, 5 of 400 rare words, all wrong
        ("Schwanz" → Schwarz)."""
        least = POPULAR_FACTOR * self.vocabulary.frequency(lower)
        return [
            c for c in self.vocabulary.similar(lower, 1, prefix=1)
            if c.count >= least and _transliterated(lower, c.word) and 2 * self._name_documents(c.word) >= c.count
        ]

    def _is_name(self, words: str) -> bool:
        """Whether a person, place or organisation has ``words`` (lowercase) in its name."""
        key = facet_key(words)
        return any(self.data.fields[name].named_with(key) for name in ENTITY_FIELDS)

    def _name_documents(self, lower: str) -> int:
        """In how many documents a person, place or organisation has ``lower`` as a word of
        its name (0: no name has it)."""
        key = facet_key(lower)
        mask = np.zeros(self.data.doc_count, dtype=bool)
        for name in ENTITY_FIELDS:
            facet = self.data.fields[name]
            values = facet.named_with(key)
            if values:
                mask |= facet.mask(values, self.data.doc_count)
        return int(mask.sum())

    def near(self, lower: str) -> list[Any]:
        found = self._near_as_written(lower)
        if not found and UMLAUT_DIGRAPH.search(lower):
            # written without umlauts and mistyped ("Oestereich", "Fluechtlnge": a review)
            umlauts = with_umlauts(lower)
            if self.vocabulary.frequency(umlauts) > 0:
                return []  # only the umlauts differ: the search reads it so already
            found = self._near_as_written(umlauts)
        return found

    def _near_as_written(self, lower: str) -> list[Any]:
        """The candidates of ``lower``, looked up once per query: a word typed 60 times
        ("Zelensky " * 60) read the whole word list 60 times (found by a review)."""
        found = self._near.get(lower)
        if found is None:
            found = self._near[lower] = self._look_up_near(lower)
        return found

    def _look_up_near(self, lower: str) -> list[Any]:
        vocabulary = self.vocabulary
        found = {c.word: c for c in vocabulary.similar(lower, 2 if len(lower) >= 5 else 1, prefix=1)}
        found.update((c.word, c) for c in vocabulary.first_letter_typos(lower))
        if not found and len(lower) >= ANY_FIRST_LETTER_MIN and self.operator == "and":
            # Nothing near that begins as typed, nor one edit at the first letter: a name in
            # another transliteration differs at the first letter and elsewhere ("Zelensky" →
            # Selenskyj, two edits; a review found no suggestion). The whole word list is read
            # once, only for such long words of keywords that found nothing near (6 ms for
            # 60,000 words). Not for questions: their words the archive never uses are mostly
            # no typos, and on the news set this made 3 more false alarms.
            found = {c.word: c for c in vocabulary.similar(lower, 2, prefix=0)}
        return list(found.values())

    @staticmethod
    def order(candidate: Any) -> tuple[int, int, str]:
        """The nearest candidate first, then the most frequent. (Tried, 2026-12-06: among the
        nearest, the one most documents share with the query's other words — on the news
        headlines with typos it restored fewer queries, 64.4 % against 65.3 %: the other words
        of a headline match most of an archive, and inflected forms share their stem and so
        their documents. The next candidates are tried only when the first finds nothing with
        the other words.)"""
        return (candidate.distance, -candidate.count, candidate.word)

    def finds(self, words: str) -> bool:
        """Whether the search finds documents with ``words`` alone (by its stem or parts)."""
        try:
            found = self.mask(words)
        except QueryError:
            return False
        return found is not None and bool(found.any())

    def fix(self, match: re.Match[str]) -> str:
        word = match.group(0)
        if _is_feminine_ending(match):
            return word
        form = _gender_form(match)
        if form is not None:
            return self._fix_gender_form(match, *form)
        lower = word.lower()
        rare = not self.unknown(lower) and self.rare(lower)
        if (not rare and not self.unknown(lower)) or _is_syntax(match) or self.pattern_finds(match):
            return word
        if not rare and self._known_suspended(match):
            return word
        candidates = self.popular_near(lower) if rare else self.near(lower)
        if self.operator == "or":
            candidates = [c for c in candidates if _likely_meant(c, len(lower))]
            if candidates and not analyze(word, mode="query"):
                return word  # a stop word: no word of the index, and no typo either
            found = self.mask(word) if candidates else None
            if found is not None and found.any():
                return word  # found by its stem or parts: no typo
        candidates = [c for c in candidates if not self._repeats_a_word(match, c.word)]
        if not candidates:
            return word
        self.changed = True
        ordered = self._names_first(sorted(candidates, key=self.order), match)
        self.replaced.append((match.start(), match.end(), word, ordered))
        return _as_typed(ordered[0].word, word)

    def _known_suspended(self, match: re.Match[str]) -> bool:
        """Whether the letters of ``match`` are a word cut off by a hyphen before "und"/"oder"
        ("Bundes-" of "Bundes- und Landesregierung") whose whole word (Bundesregierung) the
        index knows, or the search finds: the piece is no word of its own to correct."""
        whole = suspended_words(match.string).get(match.start())
        if whole is None:
            return False
        joined = whole.replace("-", "").lower()
        return self.vocabulary.frequency(joined) > 0 or self.finds(whole)

    def _repeats_a_word(self, match: re.Match[str], candidate: str) -> bool:
        """Whether ``candidate`` in place of the letters of ``match`` makes a word cut off by a
        hyphen and its partner the same word, as the search reads them: "Bundes- und
        Landesregierung" (the demo never says Landesregierung, and the whole word list offered
        Bundesregierung, two edits away) became "Bundes- und Bundesregierung", Bundesregierung
        twice (a review). A correction into the word beside it is none."""
        text = match.string
        replaced = text[: match.start()] + candidate + text[match.end() :]
        return _same_as_partner(replaced) > _same_as_partner(text)

    def _fix_gender_form(self, match: re.Match[str], stem: str, ending: str) -> str:
        """The stem of a gender form ("Lehrer" of "Lehrer:innen", "LehrerInnen") corrected as the
        whole feminine word, its ending kept as typed. The form is no typo when the index knows
        the stem or the whole word as written, or the search finds the whole word (by its
        stem: "Lehrerinnen" finds lehr); otherwise the candidates are the known words of the
        same ending near the whole word ("Lerher:innen" → Lehrer:innen), and the known words one edit
        from the stem."""
        word = match.group(0)
        whole = (stem + ending).lower()
        if len(stem) < 3 or whole in self.asking or stem.lower() in self.asking:
            return word
        known = self.vocabulary.frequency(stem.lower()) or self.vocabulary.frequency(whole)
        if known or _is_syntax(match) or self.pattern_finds(match) or self.finds(stem + ending.lower()):
            return word
        suffix = ending.lower()
        found = {
            c.word[: -len(suffix)]: c._replace(word=c.word[: -len(suffix)]) for c in self.near(whole)
            if c.word.endswith(suffix) and len(c.word) > len(suffix) + 2
        }
        # and the stem as a word of its own, one edit away ("Lehrjer/innen" → Lehrer/innen where
        # the archive says Lehrer, not Lehrerinnen; two only for long stems)
        near_stem = self.near(stem.lower()) if len(stem) >= 4 else []
        for c in near_stem:
            if c.distance == 1 or len(stem) >= 8:
                other = found.get(c.word)
                found[c.word] = c if other is None else other._replace(count=max(other.count, c.count))
        candidates = list(found.values())
        if self.operator == "or":
            candidates = [c for c in candidates if _likely_meant(c, len(whole))]
        if not candidates:
            return word
        self.changed = True
        ordered = sorted(candidates, key=self.order)
        start = match.start()
        self.replaced.append((start, start + len(stem), stem, ordered))
        return _as_typed(ordered[0].word, stem) + word[len(stem) :]

    def _names_first(self, ordered: list[Any], match: re.Match[str]) -> list[Any]:
        """``ordered`` with the nearest candidates that make a name with the word before or
        after (a person's, place's or organisation's name in the facets) first: "Wann wurde
        Olaf Schlz Kanzler?" offered "Olaf Schulz" (the more frequent of two words one edit
        away) although the archive names Olaf Scholz, and no Olaf Schulz (a review)."""
        nearest = [c for c in ordered if c.distance == ordered[0].distance]
        if len(nearest) < 2:
            return ordered
        text = match.string
        before = _WORD_LETTERS.findall(text[: match.start()])[-1:]
        after = _WORD_LETTERS.findall(text[match.end() :])[:1]
        if not before and not after:
            return ordered
        naming = [
            c for c in nearest
            if any(self._is_name(" ".join(words)) for words in (before + [c.word], [c.word] + after) if len(words) == 2)
        ]
        if not naming or len(naming) == len(nearest):
            return ordered
        return naming + [c for c in ordered if c not in naming]
