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
(``search.GermanQueryParser``) analyzes single words in "index" mode and turns each stacked group
into "whole word OR all of its parts".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.lang import stopwords_for_language

#: Characters that may occur inside a word besides ``\w``: soft hyphen, zero-width (non-)joiners
#: and combining marks (text that is not NFC yet).
_WORD = r"[\w\u00ad\u200b-\u200d\u0300-\u036f]+"
#: A word, or several joined by hyphens (ASCII hyphen, Unicode hyphen, non-breaking hyphen).
TOKEN_PATTERN = re.compile(rf"{_WORD}(?:[-\u2010\u2011]{_WORD})*")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d"), None)
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
#: Tokens longer than this are junk (base64, URLs without separators) and are cut, so that one
#: bad document cannot bloat the index.
MAX_TOKEN_LENGTH = 64
_WILDCARD = re.compile(r"[*?]")
_GERMAN_LETTERS = frozenset("äöüß")

GERMAN_STOPWORDS = frozenset(stopwords_for_language("de"))


def clean_word(text: str) -> str:
    """Unicode-normalize one token: NFC, no invisible characters, plain hyphens."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE).translate(_HYPHENS))


def fold_diacritics(text: str, *, keep_german: bool = False) -> str:
    """Strip accents (ğ → g, é → e); with ``keep_german`` the letters ä ö ü ß stay, because the
    German stemmer needs them to find its regions and folds them itself."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if ord(char) < 128 or (keep_german and char in _GERMAN_LETTERS):
            out.append(char)
        elif char == "ß":
            out.append("ss")
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


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
        for pos, match in enumerate(TOKEN_PATTERN.finditer(value), start_pos):
            text = match.group()
            # The pattern starts and ends a match with a word character: only cleaning (a
            # soft hyphen or Unicode hyphen at an edge) or cutting can leave a hyphen there.
            if not text.isascii():
                text = clean_word(text)[:MAX_TOKEN_LENGTH].strip("-")
                if not text:
                    continue
            elif len(text) > MAX_TOKEN_LENGTH:
                text = text[:MAX_TOKEN_LENGTH].strip("-")
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
        pieces = [p for p in word.split("-") if p] if "-" in word else [word]
        parts: list[str] = []
        split = self.splitter
        for piece in pieces:
            if len(pieces) > 1:
                parts.append(piece)
            parts.extend(split(piece))
        whole = word.replace("-", "")
        seen = {whole} | GERMAN_STOPWORDS
        return [p for p in parts if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        cached, cached_parts = self._cache.get, self._cached_parts
        for token in tokens:
            word = token.text
            if "-" in word and not _WILDCARD.search(word):
                token.text = word.replace("-", "")
            # At query time only whole words: phrases stay phrases; the query parser asks for the
            # stacked parts itself (mode "index") where it wants them.
            parts = () if token.mode == "query" else (cached(word) or cached_parts(word))
            yield token
            if not parts:
                continue
            stopped, boost = token.stopped, token.boost
            for part in parts:
                token.text = part
                token.stopped = stopped
                token.boost = boost
                yield token


class GermanStemFilter(Filter):
    """Snowball German stemming with diacritic folding around it. Results are cached per word:
    news vocabulary is Zipfian, so the cache answers most tokens."""

    def __init__(self, cachesize: int = 200_000) -> None:
        import Stemmer  # PyStemmer: the Snowball C library

        self._stem = Stemmer.Stemmer("german").stemWord
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
        else:
            result = fold_diacritics(self._stem(fold_diacritics(word, keep_german=True)))
        if len(self._cache) >= self._cachesize:
            self._cache.clear()
        self._cache[word] = result
        return result

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem, cached = self.stem, self._cache.get
        for token in tokens:
            if not token.stopped:
                text = cached(token.text)
                token.text = stem(token.text) if text is None else text
                if not token.text:  # a lone combining mark folds to nothing: no term
                    continue
            yield token


def german_analyzer(*, compounds: bool = True):  # type: ignore[no-untyped-def]
    """The analyzer searchkit uses for every text field."""
    # Stopwords go before compound splitting: StopFilter renumbers positions, which would undo
    # the stacking of parts on their whole word.
    chain = GermanTokenizer() | LowercaseFilter() | StopFilter(stoplist=GERMAN_STOPWORDS, minsize=1)
    if compounds:
        chain = chain | CompoundFilter()
    return chain | GermanStemFilter()


def analyze(text: str, *, mode: str = "index") -> list[str]:
    """Token texts of ``text`` as the index sees them (handy in tests and the REPL)."""
    return [t.text for t in _shared_analyzer()(text, mode=mode)]


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> frozenset[str]:
    """Index terms of one surface word (stem, folded, compound parts), cached: highlighting and
    re-ranking then cost one regular-expression pass over a text and dictionary look-ups instead
    of analysing it again."""
    return frozenset(analyze(word, mode="index"))


@lru_cache(maxsize=1)
def _shared_analyzer():  # type: ignore[no-untyped-def]
    return german_analyzer()
