"""Second-stage ranking: the best hits again, by how closely the query's words stand together.

BM25 scores each query word on its own: a long article that mentions "Nationalhymne" in one
paragraph and "Super Bowl" in another scores like the paragraph that says "sang die
Nationalhymne beim Super Bowl". A question or a headline is mostly one statement of the text it
is about, so the text that holds most of the query's words *within one short span* is the
better answer (term proximity: Tao & Zhai 2007, "An exploration of proximity measures in
information retrieval"; Büttcher, Clarke & Lushman 2006).

For each of the first ``RERANK_DEPTH`` hits, ``proximity_rerank`` finds, per text field (its
first ``READ_LIMIT`` characters), the window of ``WINDOW`` characters (about twelve words) that covers the largest share of the
query's information: the sum of the IDF of the distinct query words in it over the sum of the
IDF of all of them (a compound counts once, whether the text has it whole or as its parts). The
hit's score is multiplied by ``1 + PROXIMITY_WEIGHT × share + COVERAGE_WEIGHT × coverage``,
where coverage is the same share over those texts of the document (coordination).

A question that asks for a time or a number (``querywords.answer_type``: "Wann …?", "Wie viele
…?") has one more concept: the answer itself, which the text shows as a year, a month or a
number ("predictive annotation", Prager et al. 2000). It weighs as much as an average concept of
the query and counts in the window, not in the coverage: the paragraph that says *when* beats the
one that only repeats the question's words.

Where the query's words stand is read from the stored text of the hits, the way the
highlighter finds them (``highlight.Highlighter``: the analysis of each distinct word, cached,
then string search), not from an engine's postings: both engines re-rank identically, and the
page's documents are decoded once for the re-ranking and the snippets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .analysis import TOKEN_PATTERN, analyze, derived_nouns, word_terms
from .highlight import Highlighter
from .model import GERMAN_MONTHS
from .querywords import QUANTITY, TIME

#: Hits re-ranked (the rest keep their BM25 order below them). MRR@10 XQuAD-de / news set: top
#: 30 0.9238 / 0.7289, top 50 0.9239 / 0.7294 (noise), at 40 % less of this stage's cost.
RERANK_DEPTH = 30
#: Width of the window in characters: about twelve words of German news text (XQuAD-de MRR@10
#: 0.9207 with it, 0.9203 with a window of twelve word positions; docs/retrieval.md).
WINDOW = 80
#: How much a window covering every query word multiplies the score by (1 + this).
PROXIMITY_WEIGHT = 1.0
#: How much a document whose fields hold every query word somewhere multiplies the score by
#: (1 + this × the IDF-weighted share of the query's words it holds): coordination, which BM25
#: lacks (MRR@10 XQuAD-de / news set: 0 → 0.9207 / 0.7215, 0.5 → 0.9236 / 0.7280, 1.0 →
#: 0.9239 / 0.7294; the last two differ by less than the noise of either set).
COVERAGE_WEIGHT = 1.0
#: The stored fields whose text is searched for the window (the searched text fields).
FIELDS = ("title", "lead", "body")
#: Characters of each field read for the window and the coverage (cut at a space): news puts
#: what an article is about in its headline, lead and first paragraphs, and reading the whole
#: texts of 30 hits was a third of a two-word query (every word not seen before is analysed).
#: MRR@10 / nDCG@10 (2026-12-07), whole texts → 3,000 → 1,500 characters: news set 0.7463 /
#: 0.7725 → same → 0.7425 / 0.7695; XQuAD-de 0.9321 / 0.9431 → 0.9321 / 0.9433. The first stage
#: (BM25) reads the whole text either way.
READ_LIMIT = 3000
_MONTHS = "|".join(month.lower() for month in GERMAN_MONTHS)
_NUMBER_WORDS = (
    "zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend"
    "|millionen?|milliarden?|dutzend|doppelt|hälfte|drittel|viertel"
)
#: How the answer to a question of each type shows in a text (``querywords.answer_type``).
#: MRR@10 XQuAD-de (tantivy engine, iteration run): 0.9278 without, 0.9290 with.
ANSWER_PATTERNS = {
    TIME: re.compile(rf"\b\d{{3,4}}\b|\b(?:{_MONTHS})\b|jahrhundert", re.IGNORECASE),
    QUANTITY: re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE),
}


def query_concepts(text: str, skip: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """One tuple of index terms per distinct word of ``text`` that is neither a stopword nor in
    ``skip`` (lowercased surface words): the word's own term first, then its compound parts."""
    skip = set(skip)
    concepts: dict[str, tuple[str, ...]] = {}
    for match in TOKEN_PATTERN.finditer(text):
        word = match.group(0)
        if word.lower() in skip:
            continue
        texts = analyze(word, mode="index")
        if texts and texts[0] not in concepts:
            # a verb's or adjective's concept holds the nouns Snowball joined with it
            # ("vorbereitet": "Vorbereitung", "sicher": "Sicherheit"); a noun's not its verb
            # or adjective ("Abtreibung" is not "abzutreiben", "Sicherheit" not "sicher")
            concepts[texts[0]] = tuple(dict.fromkeys([*texts, *derived_nouns(texts[0])]))
    return list(concepts.values())


def best_window(positions: list[tuple[int, int]], weights: Sequence[float], window: int) -> float:
    """The largest sum of ``weights`` of distinct concepts whose positions (``(position,
    concept)``, sorted) lie within ``window`` consecutive positions."""
    best = 0.0
    counts: dict[int, int] = {}
    total = 0.0
    left = 0
    for pos, concept in positions:
        if counts.get(concept, 0) == 0:
            total += weights[concept]
        counts[concept] = counts.get(concept, 0) + 1
        while pos - positions[left][0] >= window:
            old = positions[left][1]
            counts[old] -= 1
            if counts[old] == 0:
                total -= weights[old]
            left += 1
        best = max(best, total)
    return best


class ConceptOffsets:
    """Where a query's concepts occur in a text, by character offset: the words that match are
    found as the highlighter finds them (no loop over every word), and a window of ``WINDOW``
    characters stands for about twelve words."""

    def __init__(self, concepts: list[tuple[str, ...]], answer: re.Pattern[str] | None = None) -> None:
        self.concept_of = {term: index for index, terms in enumerate(concepts) for term in terms}
        self.highlighter = Highlighter(frozenset(self.concept_of))
        self.concepts_of: dict[str, tuple[int, ...]] = {}
        #: where the answer may stand (``ANSWER_PATTERNS``); its concept number is ``len(concepts)``
        self.answer = answer
        self.answer_concept = len(concepts)

    def _concepts(self, word: str) -> tuple[int, ...]:
        found = self.concepts_of.get(word)
        if found is None:
            found = tuple(sorted({self.concept_of[t] for t in word_terms(word) if t in self.concept_of}))
            self.concepts_of[word] = found
        return found

    def learn(self, texts: Iterable[str]) -> None:
        """Read ``texts`` in one go (one look-up of their chunks in the shared vocabulary, not
        one per text as ``__call__`` would do for a text it has not seen)."""
        self.highlighter.learn(texts)

    def __call__(self, text: str) -> list[tuple[int, int]]:
        """(offset, concept) pairs of ``text``, sorted (the answer's included)."""
        found = [(a, c) for a, b in self.highlighter.spans(text) for c in self._concepts(text[a:b])]
        if self.answer is not None and text:
            found += [(m.start(), self.answer_concept) for m in self.answer.finditer(text)]
            found.sort()
        return found


def idf(doc_frequency: int, doc_count: int) -> float:
    """Whoosh's (and Lucene's classic) inverse document frequency, never below zero."""
    return max(math.log(doc_count / (doc_frequency + 1)) + 1.0, 0.0)


def largest_factor(weight: float | None = None) -> float:
    """The most ``proximity_rerank`` can multiply a score by: every concept in one window and
    in the document."""
    return 1 + max(PROXIMITY_WEIGHT if weight is None else weight, 0) + max(COVERAGE_WEIGHT, 0)


def contenders(hits: Sequence[tuple[int, float]], places: int, weight: float | None = None) -> int:
    """How many of ``hits`` (best first) can end up among the first ``places`` after
    ``proximity_rerank``: a hit whose score, multiplied by the largest factor, stays below the
    ``places``-th score is passed by all the hits above that one, whose scores only grow. A
    two-word query's tenth hit often scores three times its twentieth: re-ranking only the
    contenders gives the same first page with half the texts read (the texts are what the
    second stage costs)."""
    if places <= 0 or len(hits) <= places:
        return min(len(hits), max(places, 0))
    threshold = hits[places - 1][1]
    if threshold <= 0:
        return len(hits)  # a score that is not positive may shrink: keep every hit
    factor = largest_factor(weight)
    count = places
    while count < len(hits) and hits[count][1] * factor >= threshold:
        count += 1
    return count


def _head(text: str) -> str:
    """The first ``READ_LIMIT`` characters of ``text``, cut at a space (no half word)."""
    if len(text) <= READ_LIMIT:
        return text
    cut = text.rfind(" ", 0, READ_LIMIT + 1)
    return text[: cut if cut > 0 else READ_LIMIT]


def proximity_rerank(
    concepts: list[tuple[str, ...]],
    weights: Sequence[float],
    hits: list[tuple[int, float]],
    documents: Mapping[int, Any],
    *,
    window: int | None = None,
    weight: float | None = None,
    answer: str | None = None,
) -> list[tuple[int, float]]:
    """``hits`` (docnum, score), best first, re-ordered by ``score × (1 + weight × share +
    COVERAGE_WEIGHT × coverage)`` (defaults ``WINDOW`` and ``PROXIMITY_WEIGHT``); ``weights`` are
    the concepts' IDFs, ``documents`` the hits' stored documents and ``answer`` the question's
    answer type (``querywords.answer_type``); a document is anything with the ``FIELDS`` as
    attributes (``Document``, the second stage's ``StoredTexts``). Unchanged with fewer than two
    concepts."""
    window = WINDOW if window is None else window
    weight = PROXIMITY_WEIGHT if weight is None else weight
    total = sum(weights)
    if len(concepts) < 2 or not hits or (weight <= 0 and COVERAGE_WEIGHT <= 0) or total <= 0:
        return hits
    pattern = ANSWER_PATTERNS.get(answer) if answer else None
    positions_in = ConceptOffsets(concepts, pattern)
    # the answer: one more concept, of the query's average weight, in the window only
    window_weights = list(weights) + ([total / len(weights)] if pattern is not None else [])
    window_total = sum(window_weights)
    texts = {docnum: [_head(getattr(documents[docnum], name)) for name in FIELDS] for docnum, _ in hits}
    positions_in.learn(text for fields in texts.values() for text in fields)
    rescored = []
    for rank, (docnum, score) in enumerate(hits):
        share = 0.0
        present: set[int] = set()
        for text in texts[docnum]:
            positions = positions_in(text)
            if positions:
                share = max(share, best_window(positions, window_weights, window) / window_total)
                present.update(c for _, c in positions)
        present.discard(positions_in.answer_concept)
        coverage = sum(weights[c] for c in present) / total
        new = score * (1 + weight * share + COVERAGE_WEIGHT * coverage)
        rescored.append((-new, rank, docnum, new))
    rescored.sort()
    return [(docnum, new) for _, _, docnum, new in rescored]
