"""The German analyzer: a Whoosh ``Tokenizer | Filter | ...`` chain.

Each language behaviour is one small filter that can be tested alone:

``GermanTokenizer``  words, hyphenated compounds kept as one token, Unicode cleaned (NFC, soft
                     hyphens, typographic dashes)
``LowercaseFilter``  Whoosh's own
``StopFilter``       German stopwords (Whoosh's list)
``CompoundFilter``   emits the whole compound and, stacked at the same position, its parts
                     ("wiederaufbau-hilfen" → wiederaufbauhilfen, wiederaufbau, hilfen;
                     "militärstützpunkte" → militärstützpunkte, militär, stützpunkte)
``GermanStemFilter`` Snowball German (PyStemmer, C speed) plus diacritic folding, so that
                     Türkei = Turkei = Tuerkei, Erdoğan = Erdogan and Israels = Israel.

Parts are stacked at the position of the whole word so that phrase queries over whole words keep
working. In "query" mode the filter emits whole words only; the query parser
(``parsing.GermanQueryParser``) analyzes single words in "index" mode and turns each stacked group
into "whole word OR all of its parts" (under the OR operator: OR any of its parts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from whoosh.analysis import CompositeAnalyzer, Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.lang import stopwords_for_language

from .lemmas import lemma_stem, load_table
from .model import PLAIN_LETTERS

#: One character of a word: ``\w``, soft hyphen, zero-width (non-)joiners and combining marks
#: (text that is not NFC yet).
WORD_CHAR = r"[\w\u00ad\u200b-\u200d\u0300-\u036f]"
#: Hyphens that join words into one token (ASCII hyphen, Unicode hyphen, non-breaking hyphen).
JOINERS = "-\u2010\u2011"
#: A number written with separators, kept as one word: German thousands ("3.000", "1.500.000",
#: "1.234,5": the dots are dropped by ``clean_token``, so that "3000" finds "3.000"), decimals
#: ("2,5") and scores or times ("2:5", "14:30"). Split at the separators, "2,5 Prozent" matched
#: "2:5" and "2 bis 5", and "3000" did not find "3.000" (found by a review). Dates and other
#: dotted numbers ("12.03.2024", "14.30 Uhr") are no such number and stay words of their own.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![.,:]?\d)|\d+(?:[,:]\d+)+"
#: A word (or number), or several joined by hyphens.
TOKEN_PATTERN = re.compile(
    rf"(?:{NUMBER}|{WORD_CHAR}+)(?:[{JOINERS}](?:{NUMBER}|{WORD_CHAR}+))*"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d"), None)
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
#: Tokens longer than this are junk (base64, URLs without separators) and are cut, so that one
#: bad document cannot bloat the index.
MAX_TOKEN_LENGTH = 64
_WILDCARD = re.compile(r"[*?]")
#: The last piece of a hyphenated word up to this length is an abbreviation, not a word with an
#: inflection: "Fußball-EM", "Frauen-WM", "Bahn-AG" are not stemmed as a whole.
SHORT_LAST_PIECE = 3
_GERMAN_LETTERS = frozenset("äöüß")

GERMAN_STOPWORDS = frozenset(stopwords_for_language("de"))


def wildcard_head(pattern: str) -> str:
    """The letters of a wildcard pattern before its first ``*`` or ``?``: every word it matches
    begins with them, so only those words need to be tried."""
    return _WILDCARD.split(pattern, maxsplit=1)[0]


@lru_cache(maxsize=1024)
def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """A regular expression that matches a whole word (``match``) as the wildcard ``pattern``
    does: ``*`` any run of characters, ``?`` one. Every star but the last is an atomic lazy
    group, as ``fnmatch.translate`` builds it (the leftmost place of each piece is the right
    one for a wildcard), so matching takes linear time: "*e*e*e*e*e*e*e*e*x" as plain ".*"
    backtracked exponentially, minutes of CPU for one query (found by a review)."""
    pieces = [
        "".join("." if char == "?" else re.escape(char) for char in piece)
        for piece in re.split(r"\*+", pattern)
    ]
    if len(pieces) == 1:
        return re.compile(pieces[0] + r"\Z", re.DOTALL)
    middle = "".join(f"(?>.*?{piece})" for piece in pieces[1:-1])
    return re.compile(f"{pieces[0]}{middle}.*{pieces[-1]}\\Z", re.DOTALL)


def clean_word(text: str) -> str:
    """Unicode-normalize one token: NFC, no invisible characters, plain hyphens."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE).translate(_HYPHENS))


def fold_diacritics(text: str, *, keep_german: bool = False) -> str:
    """Strip accents (ğ → g, é → e, ı → i, ł → l); with ``keep_german`` the letters ä ö ü ß
    stay, because the German stemmer needs them to find its regions and folds them itself."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if ord(char) < 128 or (keep_german and char in _GERMAN_LETTERS):
            out.append(char)
        elif char == "ß":
            out.append("ss")
        elif char in PLAIN_LETTERS:
            out.append(PLAIN_LETTERS[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def clean_token(text: str) -> str:
    """The token text of one match of ``TOKEN_PATTERN``: cleaned, cut to ``MAX_TOKEN_LENGTH``;
    "" when nothing is left (the tokenizer then skips the match)."""
    # The pattern starts and ends a match with a word character: only cleaning (a soft hyphen or
    # Unicode hyphen at an edge) or cutting can leave a hyphen there.
    if "." in text:  # only a number's thousands separators (``NUMBER``)
        text = text.replace(".", "")
    if not text.isascii():
        return clean_word(text)[:MAX_TOKEN_LENGTH].strip("-")
    if len(text) > MAX_TOKEN_LENGTH:
        return text[:MAX_TOKEN_LENGTH].strip("-")
    return text


#: A hyphen and a space before "und"/"oder" and the next word: the hyphen ends a word cut off
#: (German's Ergänzungsstrich), "Bundes- und Landesregierung" meaning Bundesregierung and
#: Landesregierung. Found first, then the word before it (a scan from the hyphen is cheap).
_SUSPENSION = re.compile(
    rf"[{JOINERS}]\s+(?:und|oder|bzw\.|sowie)\s+({WORD_CHAR}+)([{JOINERS}]{WORD_CHAR}+)?", re.IGNORECASE
)


def _suspension_start(value: str) -> int:
    """The offset of the first hyphen before whitespace in ``value`` (where a match of
    ``_SUSPENSION`` can begin: its first two characters, which have no case), or -1. Most texts
    of a page have no hyphen, and most of the others none before a space: they need no scan by
    ``_SUSPENSION`` (with its IGNORECASE the slowest of the expressions a page runs), and a few
    substring searches find that sooner than any expression (``\\s`` and ``str.isspace`` are
    the same test). 4.4 → 2.4 µs a text of the benchmark's pages."""
    first = -1
    for joiner in JOINERS:
        at = value.find(joiner)
        for _ in range(_HYPHENS_LOOKED_AT):
            if at == -1 or first != -1 and at > first:
                break
            if value[at + 1 : at + 2].isspace():
                first = at
                break
            at = value.find(joiner, at + 1)
        else:  # hyphen after hyphen (a table, junk): the expression scans the rest
            found = _JOINER_SPACE.search(value, at)
            if found is not None and (first == -1 or found.start() < first):
                first = found.start()
    return first


#: Hyphens ``_suspension_start`` looks at one by one, of each kind, before it scans.
_HYPHENS_LOOKED_AT = 16
_JOINER_SPACE = re.compile(rf"[{JOINERS}]\s")


_WORD_BEFORE = re.compile(rf"(?<![{JOINERS}\w])({WORD_CHAR}+)\Z")


def suspended_words(value: str) -> dict[int, str]:
    """Start offset → the whole word of each word cut off by a hyphen ("Bundes- und
    Landesregierung" → {0: "Bundes-regierung"}, "Kinder- oder Jugendhilfe" → Kinder-hilfe,
    "Fußball- und Handball-EM" → Fußball-EM): the first word takes the last part of the next
    one (after its hyphen, else where the compound lexicon splits it), joined by a hyphen so
    that the word itself stays a part ("Corona- und Grippewelle" still holds "Corona"). A review
    found "Bundesregierung" not finding "Bundes- und Landesregierung". Where the next word has
    no such part ("Ein- und Ausfuhr"), the word stays as written."""
    return {start: whole for start, whole, _ in suspensions(value)}


def suspensions(value: str) -> list[tuple[int, str, str]]:
    """(start offset, whole word, the partner after "und"/"oder" as written) of each word cut off
    by a hyphen (``suspended_words``): "Bundes- und Landesregierung" → [(0, "Bundes-regierung",
    "Landesregierung")]."""
    found: list[tuple[int, str, str]] = []
    first = _suspension_start(value)
    if first == -1:
        return found  # most words, whose analysis asks this too, and most texts
    for match in _SUSPENSION.finditer(value, first):  # (no match begins before it)
        start = match.start()
        before = _WORD_BEFORE.search(value, max(0, start - MAX_TOKEN_LENGTH), start)
        head = match.group(2)[1:] if match.group(2) else _compound_head(match.group(1))
        if before and head:
            found.append((before.start(1), f"{before.group(1)}-{head}", match.group(1) + (match.group(2) or "")))
    return found


def _compound_head(word: str) -> str | None:
    """The last part of the compound ``word`` as it is written there ("Landesregierungen" →
    "regierungen"), or None when the lexicon does not split it."""
    parts = _splitter()(word.lower())
    if len(parts) < 2:
        return None
    at = word.lower().rfind(parts[-1])
    return word[at:] if at > 0 else None


@lru_cache(maxsize=1)
def _splitter():  # type: ignore[no-untyped-def]
    return default_splitter()


class GermanTokenizer(Tokenizer):
    """Finds words in the original text (offsets stay true for highlighting) and cleans each."""

    def __call__(  # noqa: PLR0913 - Whoosh's tokenizer protocol
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = clean_word(value)
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        whole = suspended_words(value)
        for pos, match in enumerate(TOKEN_PATTERN.finditer(value), start_pos):
            text = clean_token(whole.get(match.start()) or match.group())
            if not text:
                continue
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def _no_split(word: str) -> list[str]:
    return []


def _new_parts(parts: list[str], whole: str) -> list[str]:
    """``parts`` in order, without repeats, without the whole word and without stopwords."""
    # The stopword set is tested, not copied into ``seen``: this runs for every new word.
    seen = {whole}
    return [p for p in parts if p not in GERMAN_STOPWORDS and not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def default_splitter():  # type: ignore[no-untyped-def]
    """The dictionary compound splitter, or a no-op where its lexicon is not installed."""
    try:
        from .compounds import split_compound
    except ImportError:  # pragma: no cover - the lexicon ships with the package
        return _no_split
    return split_compound


class CompoundFilter(Filter):
    """Emits a compound whole and then its parts, stacked at the same position.

    Hyphenated words are split at the hyphens; every word (and every hyphen part) is also offered
    to the dictionary splitter. Wildcard tokens pass untouched.
    """

    #: Bound of the per-filter cache of ``parts`` (news vocabulary is Zipfian: the cache answers
    #: most tokens, so each distinct word is split once).
    CACHE_SIZE = 200_000

    def __init__(self, splitter=None) -> None:  # type: ignore[no-untyped-def]
        self._splitter = splitter
        self._cache: dict[str, tuple[str, ...]] = {}

    @property
    def splitter(self):  # type: ignore[no-untyped-def]
        if self._splitter is None:
            self._splitter = default_splitter()
        return self._splitter

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompoundFilter)

    def __getstate__(self) -> dict:
        # The schema is pickled into the index: never pickle the splitter function (or the
        # cache) with it.
        return {"_splitter": None}

    def __setstate__(self, state: dict) -> None:
        self._splitter = state.get("_splitter")
        self._cache = {}

    def _cached_parts(self, word: str) -> tuple[str, ...]:
        cache = self._cache
        parts = cache.get(word)
        if parts is None:
            parts = tuple(self.parts(word))
            if len(cache) >= self.CACHE_SIZE:
                cache.clear()
            cache[word] = parts
        return parts

    def parts(self, word: str) -> list[str]:
        """Parts of ``word`` (without the whole), in reading order, without repeats."""
        if _WILDCARD.search(word):
            return []
        split = self.splitter
        if "-" not in word:
            # most words: one piece, usually not a compound (nothing to filter)
            parts = split(word)
            return _new_parts(parts, word) if parts else []
        pieces = [p for p in word.split("-") if p]
        parts = []
        for piece in pieces:
            if len(pieces) > 1:
                parts.append(piece)
            parts.extend(split(piece))
        return _new_parts(parts, word.replace("-", ""))

    def whole_and_parts(self, word: str, mode: str) -> tuple[str, tuple[str, ...]]:
        """What one token becomes: the whole word and the parts stacked on it. The whole keeps
        its hyphens for the stemmer, which removes them (``GermanStemFilter.stem``)."""
        whole = word
        # At query time only whole words: phrases stay phrases; the query parser asks for the
        # stacked parts itself (mode "index") where it wants them.
        if mode == "query":
            return whole, ()
        return whole, self._cache.get(word) or self._cached_parts(word)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        whole_and_parts = self.whole_and_parts
        for token in tokens:
            token.text, parts = whole_and_parts(token.text, token.mode)
            yield token
            if not parts:
                continue
            stopped, boost = token.stopped, token.boost
            for part in parts:
                token.text = part
                token.stopped = stopped
                token.boost = boost
                yield token


#: Nouns in -ung keep the ending as their stem ("Abtreibung", "Abtreibungen" → abtreibung).
#: Snowball cuts -ung as a derivational suffix from long words, which joins the noun with the
#: verb it was once made from, whose other senses are other words: "Abtreibung" (abtreib) found
#: "Schiffe drohten abzutreiben" first (abtreiben: to drift off), "Verfassung" (constitution)
#: "verfassen" (to write), "Ausstellung" (exhibition) "ausstellen" (to issue), "Vereinigung"
#: "Verein" (club). The query joins them again, weighted: a query's noun also matches the stem
#: Snowball gives it (``derived_stem``, at ``parsing.DERIVED_WEIGHT``), and a query's verb or
#: agent noun the noun in -ung that Snowball joined with it (``noun_in_ung``, at
#: ``parsing.NOUN_WEIGHT``: "Unternehmensberater" finds "Unternehmensberatungen", "vorbereitet"
#: "Vorbereitung").
KEEP_UNG = True
_UNG_NOUN = re.compile(r"(.{3,}?ung)(?:en)?")

#: Nouns in -heit and -keit keep the ending as their stem too ("Sicherheit", "Sicherheiten" →
#: sicherheit), for the same reason: Snowball cuts -heit (with an -er or -en before it) and
#: -keit (with an -ig or -lich before it) where the word is long enough, which joins the noun
#: with its adjective and, through that, with whatever else shares the adjective's stem:
#: "Sicherheit" was "sich", the stem of "sicher" ("Ich verdiene das ganz sicher nicht"),
#: "Persönlichkeit" was "person" (the noun "Person"), "Zuständigkeit" "zustand" ("Zustand"),
#: "Minderheit" "mind", "Öffentlichkeit" "offent". The query joins them again as for -ung
#: (``derived_stem``, ``derived_nouns``). Snowball German cuts no other noun suffix (-schaft,
#: -nis, -ion, -tum stay); -ik ("Politik", "politisch" → polit) joins noun and adjective of one
#: sense and is left alone.
KEEP_HEIT = True
_HEIT_NOUN = re.compile(r"(.{3,}?[hk]eit)(?:en)?")
#: Whether a query's adjective also matches the noun in -heit or -keit made from it
#: (``derived_nouns``: "sicher" → sicherheit); False: only the noun matches the adjective.
HEIT_NOUNS = True
#: What Snowball cuts with -heit and -keit: the nouns a stem may have been cut from ("sich" from
#: "sicherheit", "geleg" from "gelegenheit", "person" from "personlichkeit").
_HEIT_ENDINGS = ("heit", "erheit", "enheit", "keit", "igkeit", "lichkeit")


@lru_cache(maxsize=1)
def _heit_nouns() -> frozenset[str]:
    """The nouns in -heit and -keit of the compound lexicon (its heads), folded: by spelling
    alone nearly every stem has three (zeit → zeitheit, zeiterheit, zeitenheit)."""
    try:
        from .compounds import default_splitter
    except ImportError:  # pragma: no cover - the lexicon ships with the package
        return frozenset()
    return frozenset(fold_diacritics(word) for word in default_splitter().head_words() if word.endswith(("heit", "keit")))


def _kept_noun(word: str, stem: str) -> str | None:
    """The term a noun keeps (``KEEP_UNG``, ``KEEP_HEIT``) when Snowball cut its suffix from
    ``word`` (lowercase, umlauts kept) to give ``stem``; None otherwise."""
    if KEEP_UNG and word.endswith(("ung", "ungen")) and not stem.endswith("ung"):
        folded = fold_diacritics(stem)
        if lemma_stem(folded) != folded and not folded.endswith("ier"):
            # a verb's participle the lemma table knows ("eingedrungen", "abgesprungen": Snowball
            # cuts them to "eingedr", the table's "eindring"), not a noun: its verb's term (a
            # noun in -ierung is one: "Finalisierung"; no participle ends so). Found by a review.
            return None
        noun = _UNG_NOUN.fullmatch(word)
        return noun[1] if noun is not None else None
    if KEEP_HEIT and word.endswith(("heit", "keit", "heiten", "keiten")) and not stem.endswith(("heit", "keit")):
        noun = _HEIT_NOUN.fullmatch(word)
        return noun[1] if noun is not None else None
    return None


class GermanStemFilter(Filter):
    """Snowball German stemming with diacritic folding around it, and the stems of one lemma
    joined (``lemmas.lemma_stem``: "gesungen" and "singen" get one term). Results are cached per word:
    news vocabulary is Zipfian, so the cache answers most tokens."""

    def __init__(self, cachesize: int = 200_000) -> None:
        import Stemmer  # PyStemmer: the Snowball C library

        # maxCacheSize 0: this filter's own cache answers repeated words, so PyStemmer's
        # internal LRU (10,000 words by default) would only add bookkeeping to every new word
        # (about half of stemWord's time); the stems are the same.
        self._stem = Stemmer.Stemmer("german", 0).stemWord
        self._cache: dict[str, str] = {}
        self._cachesize = cachesize

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GermanStemFilter)

    def __getstate__(self) -> dict:
        return {"_cachesize": self._cachesize}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state.get("_cachesize", 200_000))  # type: ignore[misc]

    def stem(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if _WILDCARD.search(word):
            result = fold_diacritics(word)
        elif "-" in word:
            result = self._stem_hyphenated(word)
        else:
            stem = self.stem_form(word)
            result = lemma_stem(stem)
        if len(self._cache) >= self._cachesize:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _stem_hyphenated(self, word: str) -> str:
        """A hyphenated word is stemmed as one word ("Klima-Forschung" as "Klimaforschung"),
        unless its last piece is an abbreviation (``SHORT_LAST_PIECE``): Snowball took the "em"
        of "Fußball-EM" for a dative ending, and "fussball" found every football article."""
        joined = word.replace("-", "")
        if len(word.rpartition("-")[2]) <= SHORT_LAST_PIECE:
            return fold_diacritics(joined)
        return lemma_stem(self.stem_form(joined))

    def stem_form(self, word: str) -> str:
        """The Snowball stem of ``word`` itself, folded (no lemma look-up); a noun in -ung,
        -heit or -keit keeps its ending (``KEEP_UNG``, ``KEEP_HEIT``)."""
        german = fold_diacritics(word, keep_german=True)
        stem = self._stem(german)
        return fold_diacritics(_kept_noun(german, stem) or stem)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem, cached = self.stem, self._cache.get
        for token in tokens:
            if not token.stopped:
                text = cached(token.text)
                token.text = stem(token.text) if text is None else text
                if not token.text:  # a lone combining mark folds to nothing: no term
                    continue
            yield token


#: Filters after the stop filter whose output for one token depends on that token alone (not on
#: its neighbours or positions), so that the chain can be answered per word from a memo
#: (``GermanAnalyzer``).
_WORD_LOCAL_FILTERS = (LowercaseFilter, CompoundFilter, GermanStemFilter)
#: A memo entry for a word that takes no position (a stopword, or nothing left after cleaning).
_NO_POSITION = None


class GermanAnalyzer(CompositeAnalyzer):
    """``GermanTokenizer | filters``, as Whoosh composes it, with a per-word memo of the whole
    filter chain.

    Every filter of searchkit's chain works on one token at a time; only ``StopFilter``'s
    renumbering looks across tokens, and it only counts the words that are not stopwords. So
    the output of a text is, word by word, the memoized terms of each word (whole first, then
    its compound parts, all at the word's position and offsets), with positions counted over the
    words that are not stopwords: the same tokens the composed chain yields, without running
    each word through five generators. A word is analyzed by the real filters the first time it
    is seen (``_learn``, with the filters' own per-token functions), and the tests compare the
    memo with the composed filters on real articles and arbitrary text.

    The fast path serves the calls indexing and querying make (``positions``/``chars``/
    ``boosts``, ``mode``, ``start_pos``/``start_char``); anything else (``removestops=False``,
    ``tokenize=False``, ``keeporiginal``, ``no_morph``) and any chain of other filters runs the
    composed generators (``chain``), which is also what the tests compare the fast path with.
    The memo is not pickled with the schema; an unpickled analyzer starts empty.
    """

    #: Bound of each memo (news vocabulary is Zipfian; cleared when full, like the filter caches)
    MEMO_SIZE = 200_000
    _FAST_KWARGS = frozenset({"positions", "chars", "boosts", "mode", "start_pos", "start_char"})
    #: Tokenizer options the fast path serves at their defaults only (the query parser passes
    #: ``removestops=True`` explicitly).
    _DEFAULTS = {"removestops": True, "tokenize": True, "keeporiginal": False}

    def __init__(self, *composables: object) -> None:
        super().__init__(*composables)
        self._reset()

    def _reset(self) -> None:
        #: memo per mode: "query" (whole words only) and everything else (whole words + parts)
        self._memo: dict[bool, dict[str, tuple[str, ...] | None]] = {False: {}, True: {}}
        self._plan = self._fast_plan()
        self._is_searchkits = self._is_searchkits_chain()
        #: look words up among the words kept beside an index (``known_words``): only for
        #: analysers that read texts (highlighting, re-ranking), never for one that writes
        self.reads_known_words = False

    def forget(self) -> None:
        """Empty the memo."""
        self._memo = {False: {}, True: {}}

    def __getstate__(self) -> dict:
        return {"items": self.items}

    def __setstate__(self, state: dict) -> None:
        self.items = state["items"]
        self._reset()

    def _fast_plan(self) -> tuple[list, Any, list] | None:
        """(filters before the stop filter, the stop filter, filters after it) when the chain is
        one the memo may answer, else None."""
        items = self.items
        if not items or type(items[0]) is not GermanTokenizer:
            return None
        before: list = []
        stop = None
        after: list = []
        for item in items[1:]:
            if stop is None and type(item) is StopFilter and item.renumber:
                stop = item
            elif stop is None and type(item) is LowercaseFilter:
                before.append(item)
            elif stop is not None and type(item) in _WORD_LOCAL_FILTERS:
                after.append(item)
            else:
                return None
        return (before, stop, after) if stop is not None else None

    def chain(self, value: str, **kwargs: Any) -> Iterator[Token]:
        """The composed generators, token by token (Whoosh's ``CompositeAnalyzer``)."""
        return CompositeAnalyzer.__call__(self, value, **kwargs)

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Token]:  # type: ignore[override]
        if self._plan is not None:
            fast = {k: v for k, v in kwargs.items() if k not in self._DEFAULTS or bool(v) != self._DEFAULTS[k]}
            if self._FAST_KWARGS.issuperset(fast):
                return self._tokens(value, **fast)
        return self.chain(value, **kwargs)

    def _tokens(self, value: str, positions: bool = False, chars: bool = False, mode: str = "",
                start_pos: int = 0, start_char: int = 0, **kwargs: Any) -> Iterator[Token]:
        # One Token object, mutated and yielded again and again, as Whoosh's tokenizers do.
        token = Token(positions, chars, removestops=True, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        for terms, pos, startchar, endchar in self.word_positions(value, mode, start_pos):
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + startchar
                token.endchar = start_char + endchar
            for term in terms:
                token.text = term
                yield token

    def term_positions(self, value: str, mode: str = "index", start_pos: int = 0) -> list[tuple[str, int, int, int]]:
        """(term, position, startchar, endchar) of every token, as ``analyzer(value,
        positions=True, chars=True, mode=mode, start_pos=start_pos)`` yields them, without Token
        objects."""
        if self._plan is None:
            return [(t.text, t.pos, t.startchar, t.endchar)
                    for t in self.chain(value, positions=True, chars=True, mode=mode, start_pos=start_pos)]
        return [
            (term, pos, start, end)
            for terms, pos, start, end in self.word_positions(value, mode, start_pos)
            for term in terms
        ]

    def word_positions(
        self, value: str, mode: str = "index", start_pos: int = 0
    ) -> list[tuple[tuple[str, ...], int, int, int]]:
        """(terms, position, startchar, endchar) of every word that has terms: ``term_positions``
        grouped by word, the terms of a word being one shared tuple of the memo (the tantivy
        engine's worker processes send these: pickled, a repeated word costs a reference). The
        token stream (``_tokens``) is built from it too. Positions count the words that are not
        stopwords, from ``start_pos`` (``StopFilter``'s renumbering)."""
        if self._plan is None:
            grouped: dict[tuple[int, int, int], list[str]] = {}
            for term, pos, start, end in self.term_positions(value, mode, start_pos):
                grouped.setdefault((pos, start, end), []).append(term)
            return [(tuple(terms), pos, start, end) for (pos, start, end), terms in grouped.items()]
        # this runs for every word of every indexed document: local names, no generator
        memo = self._memo[mode == "query"]
        get = memo.get
        out: list[tuple[tuple[str, ...], int, int, int]] = []
        append = out.append
        pos = None
        whole = suspended_words(value)
        for index, match in enumerate(TOKEN_PATTERN.finditer(value), start_pos):
            word = whole.get(match.start()) or match.group() if whole else match.group()
            terms = get(word, False)
            if terms is False:
                terms = self._remember(memo, word, mode)
            if terms is _NO_POSITION:
                continue
            # the first word keeps its index, the next ones follow on
            pos = index if pos is None else pos + 1
            if terms:
                start, end = match.span()
                append((terms, pos, start, end))
        return out

    def terms_of_word(self, word: str) -> tuple[str, ...]:
        """The index terms of the surface word ``word``, as ``word_positions(word)`` gives them
        (every token's terms, in order). A word of word characters only (``str.isalnum``: one
        token of ``TOKEN_PATTERN``, no hyphen to suspend) is looked up in the memo directly:
        that is most words of a text, and the highlighter asks for each new one."""
        if self._plan is not None and word.isalnum():
            memo = self._memo[False]
            terms = memo.get(word, False)
            if terms is False:
                terms = self._remember(memo, word, "index")
            return terms or ()
        return tuple(term for terms, _, _, _ in self.word_positions(word) for term in terms)

    def _remember(self, memo: dict[str, tuple[str, ...] | None], word: str, mode: str) -> tuple[str, ...] | None:
        terms = self._learn(word, mode)
        if len(memo) >= self.MEMO_SIZE:
            memo.clear()
        memo[word] = terms
        return terms

    def _learn(self, word: str, mode: str) -> tuple[str, ...] | None:
        """One word through the chain, with the per-token functions the filters themselves use
        (``clean_token``, ``CompoundFilter.whole_and_parts``, ``GermanStemFilter.stem``): None
        when it takes no position, else its terms. With searchkit's own chain, a reading
        analyzer (``reads_known_words``) looks the lowercase word up among the words kept
        beside an index first (``known_words``), and any other records what it analysed for
        the index (``learning``): what is written to the index is always analysed, never read
        from that file."""
        before, stop, after = self._plan  # type: ignore[misc]
        text = clean_token(word)
        if not text:  # nothing left after cleaning: the tokenizer skips it
            return _NO_POSITION
        for _ in before:  # LowercaseFilter
            text = text.lower()
        # StopFilter's test
        if len(text) < stop.min or (stop.max is not None and len(text) > stop.max) or text in stop.stops:
            return _NO_POSITION
        if mode == "query" or not self._is_searchkits:
            return self._terms(text, after, mode)
        if self.reads_known_words:
            known = _KNOWN_WORDS.get(text)
            if known is not None:
                return tuple(known.split(" ")) if known else ()
            return self._terms(text, after, mode)
        terms = self._terms(text, after, mode)
        journal = _JOURNAL.get()
        if journal is not None:
            journal.append((text, terms))
        return terms

    @staticmethod
    def _terms(text: str, after: list, mode: str) -> tuple[str, ...]:
        """The terms of one cleaned, lowercase word that is no stopword."""
        texts = [text]
        for item in after:
            kind = type(item)
            if kind is CompoundFilter:
                stacked = []
                for text in texts:
                    whole, parts = item.whole_and_parts(text, mode)
                    stacked.append(whole)
                    stacked.extend(parts)
                texts = stacked
            elif kind is GermanStemFilter:
                texts = [stem for stem in map(item.stem, texts) if stem]  # an empty stem is no term
            else:  # LowercaseFilter
                texts = [text.lower() for text in texts]
        return tuple(texts)

    def _is_searchkits_chain(self) -> bool:
        """Whether this is ``german_analyzer()``'s chain, whose terms the words kept beside an
        index were made with (``known_words``): lowercase, German stopwords, the default
        compound splitter, the German stemmer."""
        if self._plan is None:
            return False
        before, stop, after = self._plan
        return (
            [type(item) for item in before] == [LowercaseFilter]
            and stop.stops == GERMAN_STOPWORDS and stop.min == 1 and stop.max is None
            and [type(item) for item in after] == [CompoundFilter, GermanStemFilter]
            and after[0]._splitter in (None, default_splitter())
        )


#: Words whose index terms are known without analysing them: the cleaned lowercase word → its
#: terms joined by spaces ("" for none), read from the files indexes keep beside them
#: (``known_words``). One for the process: a word's terms depend on the analyzer alone, not on
#: the index.
_KNOWN_WORDS: dict[str, str] = {}
#: The words (cleaned, lowercase, no stopwords) analysed for the index while a ``learning()``
#: block runs, with their terms: one per thread (two threads writing two indexes each keep their
#: own; a module global was left installed for good when their blocks ended out of order).
_JOURNAL: ContextVar[list[tuple[str, tuple[str, ...]]] | None] = ContextVar("searchkit_learning", default=None)


@contextmanager
def learning() -> Iterator[list[tuple[str, tuple[str, ...]]]]:
    """Collect (word, terms) of every word searchkit's analyzers in this process look up in
    index mode within the block (each once per analyzer, whose memo answers it again): a writer
    keeps them beside the index, so that a searching process does not analyse them again
    (``known_words``). Blocks nest: an outer one gets the inner one's words too."""
    outer = _JOURNAL.get()
    learned: list[tuple[str, tuple[str, ...]]] = []
    token = _JOURNAL.set(learned)
    try:
        yield learned
    finally:
        _JOURNAL.reset(token)
        if outer is not None:
            outer.extend(learned)


def know_words(entries: dict[str, str]) -> None:
    """Add ``entries`` (word → terms as ``_KNOWN_WORDS`` holds them) to what this process knows
    (``known_words.load`` keeps them within its limit)."""
    _KNOWN_WORDS.update(entries)


def forget_hit_words() -> None:
    """Empty what this process derived from the words' known terms (the hit-reading analyzer's
    memo and ``word_terms``): after a file beside an index was written anew with other terms
    (``known_words``)."""
    _shared_analyzer().forget()
    word_terms.cache_clear()


def load_word_lists() -> None:
    """Read the compound lexicon and the lemma table now, before work that should not wait for
    them (a serving process's first request; analysis workers, which then share them), instead
    of on the first word that needs each."""
    from .compounds import default_splitter as lexicon

    lexicon()
    load_table()


def german_analyzer(*, compounds: bool = True) -> GermanAnalyzer:
    """The analyzer searchkit uses for every text field."""
    # Stopwords go before compound splitting: StopFilter renumbers positions, which would undo
    # the stacking of parts on their whole word.
    chain = GermanTokenizer() | LowercaseFilter() | StopFilter(stoplist=GERMAN_STOPWORDS, minsize=1)
    if compounds:
        chain = chain | CompoundFilter()
    return GermanAnalyzer(chain | GermanStemFilter())


@lru_cache(maxsize=50_000)
def derived_stem(term: str) -> str | None:
    """The stem Snowball (and the lemma table) give a noun in -ung, -heit or -keit whose term
    keeps the ending (``KEEP_UNG``: abtreibung → abtreib; ``KEEP_HEIT``: sicherheit → sich,
    the term of "sicher"), when it differs; None for any other term."""
    if not ((KEEP_UNG and term.endswith("ung")) or (KEEP_HEIT and term.endswith(("heit", "keit")))):
        return None
    derived = lemma_stem(fold_diacritics(_snowball_stem(term)))
    return derived if derived and derived != term else None


@lru_cache(maxsize=50_000)
def noun_in_ung(term: str) -> str | None:
    """The term of the noun in -ung that Snowball (and the lemma table) cut to ``term``
    (unternehmensberat → unternehmensberatung), when there is one by its spelling; None
    otherwise (zeit: Snowball keeps "Zeitung" whole, so "Zeit" never meant it)."""
    if not KEEP_UNG or term.endswith("ung") or len(term) < 3:
        return None
    noun = term + "ung"
    return noun if derived_stem(noun) == term else None


@lru_cache(maxsize=50_000)
def derived_nouns(term: str) -> tuple[str, ...]:
    """The terms of the nouns in -ung, -heit and -keit that Snowball (and the lemma table) cut
    to ``term``: in -ung by its spelling (``noun_in_ung``), in -heit and -keit those of the
    compound lexicon (sich → sicherheit, moglich → moglichkeit, gesund → gesundheit); none for
    frei ("Freiheit" was never cut to it) or zeit."""
    if KEEP_HEIT and term.endswith(("heit", "keit")):
        return ()  # a noun in -heit or -keit has no noun in -ung ("sicherheitung")
    nouns = [noun_in_ung(term)]
    if KEEP_HEIT and HEIT_NOUNS and len(term) >= 3 and not term.endswith("ung"):
        known = _heit_nouns()
        nouns += [noun for noun in (term + end for end in _HEIT_ENDINGS) if noun in known and derived_stem(noun) == term]
    return tuple(noun for noun in nouns if noun is not None)


@lru_cache(maxsize=1)
def _snowball():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("german", 0).stemWord


def _snowball_stem(word: str) -> str:
    return _snowball()(word)


def index_words(text: str) -> list[tuple[tuple[str, ...], int, int, int]]:
    """(terms, position, startchar, endchar) of every word of one text field in "index" mode
    (``GermanAnalyzer.word_positions``): what the tantivy engine indexes, as plain tuples
    (cheap to send from a worker process). Always analysed (``_writing_analyzer``)."""
    return _writing_analyzer().word_positions(text, mode="index")


def text_words(text: str) -> list[tuple[tuple[str, ...], int, int, int]]:
    """``index_words`` of a text being read (a hit's, to mark a phrase in it), with the words
    kept beside the index (``known_words``) known without analysing them."""
    return _shared_analyzer().word_positions(text, mode="index")


def analyze(text: str, *, mode: str = "index") -> list[str]:
    """Token texts of ``text`` as the index sees them (the query's words; handy in tests and
    the REPL). Always analysed: what a query means never depends on a file beside the index."""
    return [t.text for t in _plain_analyzer()(text, mode=mode)]


def first_term(text: str, *, of_hit: bool = False) -> str | None:
    """The first index term of ``text`` (its first word's own, before the compound parts), as
    ``analyze(text)[0]`` without the token stream; None when it has none. ``of_hit``: a word of
    a hit's text, which the words kept beside the index may answer (``_shared_analyzer``)."""
    analyzer = _shared_analyzer() if of_hit else _plain_analyzer()
    for terms, _, _, _ in analyzer.word_positions(text):
        return terms[0]
    return None


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> frozenset[str]:
    """Index terms of one surface word (stem, folded, compound parts), cached: highlighting and
    re-ranking look words up instead of analysing their texts again."""
    return frozenset(_shared_analyzer().terms_of_word(word))


@lru_cache(maxsize=1)
def _plain_analyzer():  # type: ignore[no-untyped-def]
    """The analyzer of ``analyze``: the query's words and anything else that is not a hit's
    text."""
    return german_analyzer()


@lru_cache(maxsize=1)
def _shared_analyzer():  # type: ignore[no-untyped-def]
    """The analyzer that reads the hits' texts (marks, the second stage's proximity, the
    entity names' words): it knows the words kept beside the indexes this process reads
    (``known_words``), so a wrong line there can change what is marked or how close two words
    stand, never what an index holds or what a query means."""
    analyzer = german_analyzer()
    analyzer.reads_known_words = True
    return analyzer


#: What the writing analyzer's memo was filled for (``writing_for``).
_writing_for: str | None = None


def writing_for(batch: str) -> None:
    """Analyse for the index batch ``batch`` (an index and the batches that follow each other
    on it without one cancelled): the writing analyzer forgets the words it analysed for
    another, so that ``learning`` records them again for this one (its memo would answer them
    without a record, and the other index's file or a cancelled batch is not this index's)."""
    global _writing_for
    if batch != _writing_for:
        _writing_analyzer().forget()
        _writing_for = batch


@lru_cache(maxsize=1)
def _writing_analyzer():  # type: ignore[no-untyped-def]
    """The analyzer of the tantivy writer (``index_words``): it analyses every word itself, so
    that a wrong line of a file beside an index never reaches an index."""
    return german_analyzer()
