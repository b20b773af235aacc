"""Highlighting: the query's words marked in titles and snippets.

A word of a text matches when its own analysis (stem, folded spelling, compound parts) shares a
term with the query, so "Militärstützpunkte" is marked for the query "Stützpunkt" and
"Erdogans" for "Erdoğan", exactly as the index matched them. ``Highlighter`` does this for one
page of hits: a text is cut at whitespace into chunks, every distinct chunk is split into words
and analysed once (``Vocabulary``, ``analysis.word_terms``; both cached across queries) and
compared once per page, and the few matching words are then found in each text by string
search, without a Python loop over every word of every text.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .analysis import (
    JOINERS,
    MAX_TOKEN_LENGTH,
    TOKEN_PATTERN,
    WORD_CHAR,
    first_term,
    suspended_words,
    text_words,
    word_terms,
)
from .model import Document, without_title

#: Characters a snippet shows at most.
SNIPPET_CHARS = 240
#: Characters of context a snippet shows before its first match.
SNIPPET_LEAD = 70
#: What a word that matches only by a compound part ("Wassermassen" for "Hochwasser") counts
#: for when the snippet's window is chosen, against 1 for a word that is the query's word
#: (found by a review: "Hochwasser" showed "Wassermassen" and "Trinkwasser" marked instead of
#: the paragraph that says "Hochwasser").
PART_MATCH_WEIGHT = 0.25

#: A word character, or a hyphen that joins a word character (``TOKEN_PATTERN``'s own classes),
#: standing right before or after a match: the match is then part of a longer token.
_RUNS_INTO = re.compile(rf"{WORD_CHAR}[{JOINERS}]?\Z")
_RUNS_ON = re.compile(rf"[{JOINERS}]?{WORD_CHAR}")


#: Punctuation that is neither a word character nor a joiner (``tests/test_highlight.py``
#: checks): a word between these or spaces is a whole token. Most words and most matches of a
#: text are, and are then told without the regular expressions, which cost more than the rest
#: of the highlighting together.
_PLAIN = ".,;:!?\"'()[]{}<>/\\|*+=&%$§#@~^`„“”‚‘’«»‹›…–—·•"
_PLAIN_CHARS = frozenset(_PLAIN + " \t\n\r\f\v\u00a0")


#: A chunk (text between spaces) longer than this is not tokenized again to tell a token from
#: part of one (``_is_token``): junk without spaces could make that quadratic.
_MAX_RETOKENIZED = 400


#: The separators a number holds ("10.000", "2,5", "2:1": ``analysis.NUMBER``).
_NUMBER_SEPARATORS = frozenset(".,:")


def _is_token(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole token, not part of a longer (or hyphenated) one.
    Numbers are tokens by their own rules (``analysis.NUMBER``): "10.000er" is "10.000" and
    "er", while "10.000.000" is one token, not "10.000" before a dot; next to a digit the
    tokenizer reads the chunk as the index did."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in _PLAIN_CHARS and after in _PLAIN_CHARS:
        if (after in _NUMBER_SEPARATORS and text[end - 1].isdigit()) or (
            before in _NUMBER_SEPARATORS and text[start].isdigit()
        ):
            return (start, end) in _chunk_tokens(text, start, end)
        return True
    if before.isdigit() or after.isdigit() or text[start].isdigit() or text[end - 1].isdigit():
        return (start, end) in _chunk_tokens(text, start, end)
    return not _RUNS_INTO.search(text, max(0, start - 2), start) and not _RUNS_ON.match(text, end)


def _chunk_tokens(text: str, start: int, end: int) -> set[tuple[int, int]]:
    """The spans of the tokens (``TOKEN_PATTERN``) of the chunk of ``text`` (up to spaces) that
    holds ``text[start:end]``; none for a chunk longer than ``_MAX_RETOKENIZED``. Tokens never
    hold a space, so a chunk's tokens are those the tokenizer found in the whole text."""
    first, last = start, end
    while first and not text[first - 1].isspace():
        first -= 1
        if end - first > _MAX_RETOKENIZED:
            return set()
    while last < len(text) and not text[last].isspace():
        last += 1
        if last - first > _MAX_RETOKENIZED:
            return set()
    return {match.span() for match in TOKEN_PATTERN.finditer(text, first, last)}


def chunk_words(chunk: str) -> tuple[str, ...]:
    """The tokens (``TOKEN_PATTERN``) of a piece of text without whitespace. A chunk that is all
    word characters (``str.isalnum`` is ``\\w`` without "_"), perhaps with plain punctuation
    around it, is one token; only the others ("US-Präsident", "60.000") need the expression."""
    if chunk.isalnum():
        return (chunk,)
    core = chunk.strip(_PLAIN)
    if core.isalnum():
        return (core,)
    return tuple(TOKEN_PATTERN.findall(core)) if core else ()


class _TextsOfOneSearch:
    """What the highlighters of one search learned about each text they read, by text."""

    __slots__ = ("chunks", "suspended")

    def __init__(self) -> None:
        #: the distinct whitespace-separated chunks of each text
        self.chunks: dict[str, set[str]] = {}
        #: the words cut off by a hyphen in each text (``analysis.suspended_words``)
        self.suspended: dict[str, dict[int, str]] = {}


#: The texts read so far by the highlighters of one search (``one_search``).
_SEARCH_TEXTS: ContextVar[_TextsOfOneSearch | None] = ContextVar("search_texts", default=None)


@contextmanager
def one_search() -> Iterator[None]:
    """Within this block (one search), highlighters share what they read of each text: its
    distinct chunks and the words cut off by a hyphen in it. Most texts are read twice: the
    second stage (``rerank``) reads the texts of the page's documents before the page's
    highlighter does, with other terms but the same text (titles, leads and bodies up to
    ``rerank.READ_LIMIT`` characters; a longer body is read whole for its snippet). Nothing
    outlives the block."""
    token = _SEARCH_TEXTS.set(_TextsOfOneSearch())
    try:
        yield
    finally:
        _SEARCH_TEXTS.reset(token)


def _chunks_of(text: str) -> set[str]:
    """The distinct whitespace-separated chunks of ``text``, read once per search (the set is
    shared: never changed)."""
    read = _SEARCH_TEXTS.get()
    if read is None:
        return set(text.split())
    chunks = read.chunks.get(text)
    if chunks is None:
        chunks = read.chunks[text] = set(text.split())
    return chunks


def _suspended_words_of(text: str) -> dict[int, str]:
    """``analysis.suspended_words`` of ``text``, read once per search (the dict is shared:
    never changed): every highlighter of a search asks it of every text it marks."""
    read = _SEARCH_TEXTS.get()
    if read is None:
        return suspended_words(text)
    found = read.suspended.get(text)
    if found is None:
        found = read.suspended[text] = suspended_words(text)
    return found


class Vocabulary:
    """The chunks of text (whitespace-separated: "Berlin", "Berlin,", "US-Präsident:") analysed
    so far and, for each index term, the chunks with a word that produces it: which chunks of a
    page match a query is then a set intersection, and only chunks never seen before are split
    into words and analysed (in Python; a text's chunks are ``str.split``, much cheaper than its
    words). Shared by every query of the process; bounded (it starts afresh after ``limit``
    chunks) and locked, since server threads share it. A word is a chunk too."""

    def __init__(self, limit: int = 500_000) -> None:
        self.limit = limit
        self.known: set[str] = set()
        self.chunks_of: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Start afresh (the words' terms changed: ``known_words``)."""
        with self._lock:
            self.known, self.chunks_of = set(), {}

    def add_matching(self, chunks: set[str], terms: frozenset[str]) -> set[str]:
        """Analyse the chunks of ``chunks`` not seen yet, then return those with a word that
        produces one of ``terms``: in one turn of the lock (another thread cannot start the
        vocabulary afresh in between)."""
        with self._lock:
            self._add(chunks)
            return self._matching(terms, chunks)

    def _add(self, chunks: set[str]) -> None:
        new = chunks - self.known
        if not new:
            return
        if len(self.known) + len(new) > self.limit:
            self.known, self.chunks_of = set(), {}
            new = set(chunks)
        chunks_of = self.chunks_of
        held_by = chunks_of.get
        for chunk in new:
            # most chunks are one plain word: ``chunk_words`` without the call
            for word in (chunk,) if chunk.isalnum() else chunk_words(chunk):
                if len(word) <= MAX_TOKEN_LENGTH:
                    for term in word_terms(word):
                        held = held_by(term)
                        if held is None:
                            chunks_of[term] = {chunk}
                        else:
                            held.add(chunk)
        self.known |= new

    def _matching(self, terms: frozenset[str], among: set[str]) -> set[str]:
        found: set[str] = set()
        for term in terms:
            chunks = self.chunks_of.get(term)
            if chunks:
                found |= chunks & among  # iterates the smaller of the two
        return found


VOCABULARY = Vocabulary()


class Highlighter:
    """The words of some texts that match a query's index ``terms``, and where they stand."""

    def __init__(
        self,
        terms: frozenset[str],
        groups: frozenset[frozenset[str]] = frozenset(),
        phrases: frozenset[tuple[str, ...]] = frozenset(),
        *,
        typed: frozenset[str] | None = None,
        vocabulary: Vocabulary = VOCABULARY,
    ) -> None:
        #: a word matches when it has one of these terms ...
        self.terms = terms
        #: ... or all terms of one of these groups (the parts of a compound, in one word) ...
        self.groups = groups
        #: ... or stands in one of these phrases (a term per word, in order) where the text has it
        self.phrases = phrases
        self._phrase_terms = frozenset(term for phrase in phrases for term in phrase)
        #: every term that takes part, for the vocabulary's first sieve
        self._any_terms = terms.union(*groups, self._phrase_terms)
        #: the terms of the words as typed (``terms`` when not given): a word with one of them
        #: counts fully in the choice of the snippet, one with only a part's less
        self.typed = terms if typed is None else typed
        self.vocabulary = vocabulary
        #: the words of the texts learned that produce one of ``terms``
        self.matching: set[str] = set()
        #: the chunks of the texts learned that hold one of them
        self._matching_chunks: set[str] = set()
        #: each text learned, with its distinct chunks
        self._chunks: dict[str, set[str]] = {}
        #: the spans of each text asked for (they stay right: a learned text's words are known)
        self._spans: dict[str, list[tuple[int, int]]] = {}
        #: matching word → what it counts for in a snippet's window (``PART_MATCH_WEIGHT``)
        self._weights: dict[str, float] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Find the words of ``texts`` (those not learned yet) that match the query."""
        if not self._any_terms:
            return
        new: set[str] = set()
        for text in texts:
            if text and text not in self._chunks:
                chunks = self._chunks[text] = _chunks_of(text)
                new |= chunks
        if new:
            found = self.vocabulary.add_matching(new, self._any_terms) - self._matching_chunks
            if found:
                self._matching_chunks |= found
                self.matching.update(self._matching_words(found))

    def _matching_words(self, chunks: Iterable[str]) -> Iterator[str]:
        """The words of ``chunks`` that produce one of the query's terms."""
        for chunk in chunks:
            for word in chunk_words(chunk):
                if len(word) <= MAX_TOKEN_LENGTH and self._matches(word_terms(word)):
                    yield word

    def _matches(self, terms: frozenset[str]) -> bool:
        return self._matches_alone(terms) or not self._phrase_terms.isdisjoint(terms)

    def _matches_alone(self, terms: frozenset[str]) -> bool:
        """Whether a word with ``terms`` matches wherever it stands (not only in a phrase)."""
        return not self.terms.isdisjoint(terms) or any(group <= terms for group in self.groups)

    def learn_page(self, docs: Iterable[Document]) -> None:
        """Learn what the titles and snippets of ``docs`` need: titles and leads, then, in one
        go, the bodies of the documents whose lead has no match (a snippet comes from the lead
        when it can; one vocabulary look-up for all those bodies instead of one per body)."""
        docs = list(docs)
        self.learn(text for doc in docs for text in (doc.title, doc.lead))
        self.learn(doc.body for doc in docs if not self.spans(doc.lead))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matching word of ``text``, in order (not to be changed: the
        list is kept for the next call)."""
        if not text or not self._any_terms:
            return []
        found = self._spans.get(text)
        if found is None:
            found = self._spans[text] = self._find(text)
        return found

    def _find(self, text: str) -> list[tuple[int, int]]:
        if text not in self._chunks:
            self.learn([text])
        words = {word for chunk in self._chunks[text] & self._matching_chunks for word in chunk_words(chunk)}
        found = []
        for word in words & self.matching:
            size = len(word)
            start = text.find(word)
            while start != -1:
                if _is_token(text, start, start + size):
                    found.append((start, start + size))
                start = text.find(word, start + 1)
        found += self._cut_words(text, found)
        found.sort()
        if self.phrases and found:
            found = self._where_phrases_are(text, found)
        return found

    def _cut_words(self, text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The words cut off by a hyphen that match as the whole word the index reads them as
        ("Bundes-" of "Bundes- und Landesregierung" for "Bundesregierung": found, not marked)."""
        marked = {start for start, _ in found}
        return [
            (start, start + whole.index("-"))
            for start, whole in _suspended_words_of(text).items()
            if start not in marked and self._matches(word_terms(whole))
        ]

    def _where_phrases_are(self, text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``found`` without the words that match only as a word of a phrase and stand outside
        every occurrence of it: for the quoted "Europäische Union" a review found every
        "Europa" marked (its stem is that of "Europäische"), though the phrase matched elsewhere."""
        loose = {span for span in found if not self._matches_alone(word_terms(text[span[0] : span[1]]))}
        if not loose:
            return found
        covered = phrase_spans(text, self.phrases)
        return [span for span in found if span not in loose or any(s < span[1] and span[0] < e for s, e in covered)]

    def highlight(self, text: str, *, whole: bool = False) -> str:
        """HTML with the matched words in ``<mark>``; everything else escaped. ``whole`` marks the
        entire text (titles); otherwise the window of ``SNIPPET_CHARS`` with the most matches,
        or "" when nothing matches."""
        if not text:
            return ""
        spans = self.spans(text)
        if whole:
            return _marked(text, spans, 0, len(text))
        if not spans:
            return ""
        return _window(text, spans, [self._weight(text[a:b]) for a, b in spans])

    def _weight(self, word: str) -> float:
        """1 for a word whose own term is one of the typed words' terms, or that has a whole
        group of the query's terms (the compound in one word)."""
        weight = self._weights.get(word)
        if weight is None:
            whole = first_term(word, of_hit=True) in self.typed or any(group <= word_terms(word) for group in self.groups)
            weight = self._weights[word] = 1.0 if whole else PART_MATCH_WEIGHT
        return weight

    def snippet(self, doc: Document) -> str:
        """The best window of the lead, else of the body, else their plain beginning (each
        without the title where it begins with it: the hit shows the title above). A lead that
        matches only by compound parts gives way to a body with the query's own word."""
        lead = without_title(doc.lead, doc.title, cut_sentence=True)
        body = without_title(doc.body, doc.title, cut_sentence=True)
        partial = ""
        for text in (lead, body):
            spans = self.spans(text)
            if spans and any(self._weight(text[a:b]) == 1.0 for a, b in spans):
                return self.highlight(text)
            partial = partial or (text if spans else "")
        if partial:
            return self.highlight(partial)
        if doc.title.endswith("…"):
            # a cut title shows only the start of the sentence the snippet left out: a match in
            # the rest of it is shown there (a long first sentence had left no snippet at all)
            for text in (doc.lead, doc.body):
                if self.spans(text):
                    return self.highlight(text)
        # (a text that is nothing but its title has no snippet: the hit shows it as its title;
        # it was shown again below it, 950 items of the real archive, found by a review)
        plain = lead or body
        if len(plain) > SNIPPET_CHARS:
            plain = plain[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        return html.escape(plain, quote=False)


def phrase_spans(text: str, phrases: Iterable[tuple[str, ...]]) -> list[tuple[int, int]]:
    """(start, end) of every word of ``text`` that is part of an occurrence of one of
    ``phrases`` (index terms, one per word): consecutive positions, as the index matches a
    phrase (stop words hold no position, compound parts stand on their word's)."""
    at = {pos: (frozenset(terms), start, end) for terms, pos, start, end in text_words(text)}
    covered = []
    for phrase in phrases:
        for pos, (terms, _, _) in at.items():
            if phrase[0] not in terms:
                continue
            words = [at.get(pos + k) for k in range(len(phrase))]
            if all(word is not None and term in word[0] for word, term in zip(words, phrase)):
                covered.extend((word[1], word[2]) for word in words if word is not None)
    return covered


def _window(text: str, spans: list[tuple[int, int]], weights: list[float]) -> str:
    """The window of ``SNIPPET_CHARS`` with the most weight of matches (``weights``, one per
    span), starting a little before its first match."""
    best, best_weight = 0, -1.0
    right = 0
    total = 0.0
    for left, (a, _) in enumerate(spans):  # heaviest window starting at a match
        while right < len(spans) and spans[right][1] <= a + SNIPPET_CHARS:
            total += weights[right]
            right += 1
        if total > best_weight + 1e-9:
            best, best_weight = left, total
        total -= weights[left]
    first = spans[best][0]
    start = max(0, first - SNIPPET_LEAD)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", max(spans[best][1], start), end)
        end = space if space != -1 else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return prefix + _marked(text, spans, start, end) + suffix


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    escape = _escape if _HTML_SPECIAL.search(text, start, end) else _unchanged
    out, pos = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(escape(text[pos:a]))
        out.append(f'<mark class="match">{escape(text[a:b])}</mark>')
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


#: What ``html.escape(…, quote=False)`` replaces: most texts have none, and their pieces are
#: then joined as they are instead of escaped one by one.
_HTML_SPECIAL = re.compile("[&<>]")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _unchanged(text: str) -> str:
    return text
