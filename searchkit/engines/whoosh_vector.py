"""Whoosh query trees evaluated with array operations, scored exactly as Whoosh's BM25F.

Whoosh finds the matches of ``a AND b`` by stepping matchers posting by posting, and every step
is several Python calls: a two-word query over a 10,000-document index took 7 ms, of which the
count of its matches (a second pass over every posting) was a third. Here a term's postings are
read a block at a time (Whoosh's own block decoder), and the query tree is evaluated on sorted
arrays of document numbers: ``Or`` is a union that adds the scores, ``And`` an intersection,
``AndMaybe`` adds the optional side where it matches, ``AndNot`` a difference; a phrase is
checked on the decoded positions of only the documents that have all its words. One evaluation
gives both the count and the ranking.

The scores are Whoosh's: BM25F with the searcher's own B and K1, the idf and average field
length of the whole index, the field lengths Whoosh stores (one byte per document), the boosts
of terms and compound queries. Sums may be added in another order than Whoosh's matcher tree,
so a score can differ in its last bit; ties are broken by document number, as in Whoosh.

A prefix, wildcard or word range is the union of the words it stands for, each scored as that
word (what Whoosh's own matcher computes; beyond ``SCORED_MULTITERM_WORDS`` words one constant
score, as on the tantivy engine). Anything else (``Not``, numeric ranges …) is left to Whoosh's own
matcher, which steps only through the candidates the rest of the tree allows. (Whoosh's matchers also count a
document with b and c for ``a OR (b ANDNOT c)``; the arrays do not.) Any setting this module cannot
reproduce (another weighting model, a coordination ``scale``) makes ``supports`` false, and the
caller uses Whoosh's own search.
"""

from __future__ import annotations

import io
import itertools
import pickle
import struct
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh import matching, query, scoring
from whoosh.codec import whoosh3
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length

from searchkit import engines

from . import OneWord

#: Field length of each stored length byte (Whoosh's quantization table).
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
#: ``_Postings._starts`` of a term with one block.
_FIRST_BLOCK = np.zeros(1, dtype=np.int64)

Scored = tuple[np.ndarray, np.ndarray]  # sorted unique document numbers, their scores


def supports(searcher: Any, q: query.Query) -> bool:
    """Whether this module scores ``q`` the way ``searcher.search`` would."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F:
        return False
    return _no_scale(q)


def _no_scale(q: query.Query) -> bool:
    if isinstance(q, query.Or) and getattr(q, "scale", None):
        return False
    return all(_no_scale(child) for child in q.children())


class VectorSearcher:
    """Array evaluation over one Whoosh searcher (all its segments). Field lengths are read
    once per segment and field and kept: a searcher sees one generation, which never changes."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting
        self._lengths: dict[tuple[int, str], np.ndarray] = {}
        self._stats: dict[tuple[str, bytes], tuple[float, float]] = {}
        self._deleted: dict[int, np.ndarray] = {}
        self._word_counts: dict[tuple[str, int], int] = {}

    def evaluate(self, q: query.Query, within: np.ndarray | None = None) -> Scored:
        """Every live match of ``q`` in the whole index and its score, by document number;
        ``within`` (sorted document numbers, or None) says which can still matter, as for
        ``_Leaf.scored``: only those are looked at where that saves work (positions)."""
        parts_ids, parts_scores = [], []
        for leaf, (sub, offset) in enumerate(self.searcher.leaf_searchers()):
            local = None
            if within is not None:
                first, last = np.searchsorted(within, [offset, offset + sub.doc_count_all()])
                if first == last:
                    continue
                local = within[first:last] - offset
            ids, scores = _Leaf(self, leaf, sub).scored(q, local)
            deleted = self.deleted(leaf, sub)
            if len(deleted) and len(ids):
                keep = ~np.isin(ids, deleted)
                ids, scores = ids[keep], scores[keep]
            parts_ids.append(ids + offset)
            parts_scores.append(scores)
        if not parts_ids:
            return _EMPTY_IDS, _EMPTY_SCORES
        return np.concatenate(parts_ids), np.concatenate(parts_scores)

    def deleted(self, leaf: int, sub: Any) -> np.ndarray:
        """The deleted documents of one segment (its postings still hold them), read once."""
        found = self._deleted.get(leaf)
        if found is None:
            reader = sub.reader()
            deleted = reader.deleted_docs_set if hasattr(reader, "deleted_docs_set") else ()
            found = self._deleted[leaf] = np.fromiter(deleted, dtype=np.int64)
        return found

    def word_count(self, q: query.MultiTerm) -> int:
        """How many index words of the whole index ``q`` stands for (up to one more than
        ``SCORED_MULTITERM_WORDS``), read once per query."""
        limit = engines.SCORED_MULTITERM_WORDS
        key = (repr(q), limit)
        count = self._word_counts.get(key)
        if count is None:
            words = (word for word in q._btexts(self.searcher.reader()) if word)
            count = sum(1 for _ in itertools.islice(words, limit + 1))
            if len(self._word_counts) >= 256:
                self._word_counts.clear()  # (a searcher serves many queries)
            self._word_counts[key] = count
        return count

    # statistics of the whole index, as Whoosh's BM25FScorer takes them from the parent searcher
    def term_stats(self, field: str, text: bytes) -> tuple[float, float]:
        key = (field, text)
        stats = self._stats.get(key)
        if stats is None:
            stats = (self.searcher.idf(field, text), self.searcher.avg_field_length(field) or 1)
            self._stats[key] = stats
        return stats

    def lengths(self, leaf: int, sub: Any, field: str) -> np.ndarray:
        key = (leaf, field)
        lengths = self._lengths.get(key)
        if lengths is None:
            lengths = self._lengths[key] = _field_lengths(sub.reader(), field)
        return lengths


def ranked(ids: np.ndarray, scores: np.ndarray, allow: np.ndarray | None, limit: int) -> tuple[int, list[tuple[int, float]]]:
    """The number of matches (within ``allow``) and the best ``limit`` of them, best first,
    ties by document number."""
    if allow is not None and len(ids):
        keep = allow[ids]
        ids, scores = ids[keep], scores[keep]
    return len(ids), top_k(ids, scores, limit)


def top_k(ids: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` (docnum, score) pairs: score descending, then docnum ascending."""
    if limit <= 0 or not len(ids):
        return []
    if len(ids) > limit:
        # every document scoring at least the limit-th best score, then an exact order
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = scores >= threshold
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:limit]
    return list(zip(ids[order].tolist(), scores[order].tolist()))


class _Leaf:
    """Evaluation on one segment: document numbers are the segment's own."""

    def __init__(self, owner: VectorSearcher, leaf: int, sub: Any) -> None:
        self.owner = owner
        self.leaf = leaf
        self.sub = sub
        self.reader = sub.reader()
        self.schema = sub.schema
        # a term read once per evaluation, however often the tree names it (the same word in
        # a field's OR and in the proximity phrase of that field)
        self._postings: dict[tuple[str, bytes], _Postings | None] = {}
        # ... and scored once: a phrase's or a compound's words are scored again for the
        # documents that have them all (unboosted; the arrays are never changed in place)
        self._scores: dict[tuple[str, bytes], Scored] = {}

    def postings(self, field: str, text: bytes) -> _Postings:
        """The postings of a term the segment has (a phrase's word in a document that has it)."""
        found = self.postings_if_any(field, text)
        if found is None:
            raise TermNotFound(f"No term {field}:{text!r}")
        return found

    def postings_if_any(self, field: str, text: bytes) -> _Postings | None:
        """The term's postings, or None where the segment lacks it: one look-up in the term
        table, not a test for the term and then a second look-up to read it (a two-word query
        names 15 to 30 terms, most of them compound parts in the title that no title has)."""
        key = (field, text)
        try:
            return self._postings[key]
        except KeyError:
            pass
        try:
            found: _Postings | None = _Postings(self.reader, field, text)
        except TermNotFound:
            found = None
        self._postings[key] = found
        return found

    def scored(self, q: query.Query, within: np.ndarray | None) -> Scored:
        """Matches of ``q`` and their scores. ``within`` (sorted, or None for no limit) tells
        which documents can still matter: only Whoosh's own matchers use it, to step less."""
        handler = _HANDLERS.get(type(q))
        if handler is None:
            return self._whoosh(q, within)
        return handler(self, q, within)

    # -- leaves ------------------------------------------------------------------------------
    def term(self, q: query.Term, within: np.ndarray | None) -> Scored:
        field = q.fieldname
        if field not in self.schema:
            return _EMPTY_IDS, _EMPTY_SCORES
        fieldobj = self.schema[field]
        try:
            text = fieldobj.to_bytes(q.text)
        except ValueError:
            return _EMPTY_IDS, _EMPTY_SCORES
        return self._word(field, fieldobj, text, q.boost)

    def _word(self, field: str, fieldobj: Any, text: bytes, boost: float) -> Scored:
        """The postings of one index word with their scores (Whoosh's BM25F), times ``boost``."""
        key = (field, text)
        scored = self._scores.get(key)
        if scored is None:
            scored = self._scores[key] = self._unboosted(field, fieldobj, text)
        ids, scores = scored
        if boost != 1.0:
            scores = scores * boost
        return ids, scores

    def _unboosted(self, field: str, fieldobj: Any, text: bytes) -> Scored:
        postings = self.postings_if_any(field, text)
        if postings is None:
            return _EMPTY_IDS, _EMPTY_SCORES
        ids, weights = postings.ids, postings.weights
        if not fieldobj.scorable:
            return ids, weights  # Whoosh's WeightScorer: the posting's weight
        idf, avgfl = self.owner.term_stats(field, text)
        weighting = self.owner.weighting
        B = weighting._field_B.get(field, weighting.B)
        K1 = weighting.K1
        fl = self.owner.lengths(self.leaf, self.sub, field)[ids]
        # the expression of whoosh.scoring.bm25, term by term in the same order
        return ids, idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * fl / avgfl)))

    def multi_term(self, q: query.MultiTerm, within: np.ndarray | None) -> Scored:
        """A prefix, wildcard or word range: the union of the index words it stands for, each
        scored as that word, times the query's boost (what Whoosh's own matcher computes: its
        constant score falls back to BM25F); with more than ``SCORED_MULTITERM_WORDS`` words in
        the whole index, every match scores the boost, as on the tantivy engine."""
        field = q.fieldname
        if field not in self.schema:
            return _EMPTY_IDS, _EMPTY_SCORES
        fieldobj = self.schema[field]
        words = [word for word in q._btexts(self.reader) if word]
        if not words:
            return _EMPTY_IDS, _EMPTY_SCORES
        if self.owner.word_count(q) > engines.SCORED_MULTITERM_WORDS:
            found = [self.postings_if_any(field, word) for word in words]
            ids = np.unique(np.concatenate([p.ids for p in found if p is not None] or [_EMPTY_IDS]))
            return ids, np.full(len(ids), float(q.boost))
        parts = [self._word(field, fieldobj, word, q.boost) for word in words]
        return _summed([p for p in parts if len(p[0])])

    def phrase(self, q: query.Phrase, within: np.ndarray | None) -> Scored:
        """Whoosh's ``Phrase``: the words in order, each within ``slop`` positions after the
        one before (``SpanNear2`` with ``mindist`` 1); scored as the sum of its words' scores,
        as Whoosh's span matcher scores the intersection it wraps. Positions are decoded only
        for the documents that have every word (and can still matter)."""
        field = q.fieldname
        fieldobj = self.schema[field] if field in self.schema else None
        if not q.words or fieldobj is None or not fieldobj.format or not fieldobj.format.supports("positions"):
            return self._whoosh(q, within)  # Whoosh's own answer, or its own error
        words = [query.Term(field, word) for word in q.words]
        ids, scores = self._all_of(words, within)
        if not len(ids):
            return _EMPTY_IDS, _EMPTY_SCORES
        positions = [self.postings(field, fieldobj.to_bytes(w.text)).positions(ids) for w in words]
        keep = np.array([_in_order(doc, positions, q.slop) for doc in ids.tolist()], dtype=bool)
        return ids[keep], _boosted(scores[keep], q)

    def one_word(self, q: OneWord, within: np.ndarray | None) -> Scored:
        """``OneWord``: every term at one position of the document (the parts of one compound
        word), scored as the sum of the terms' scores, as Whoosh's span matcher scores the
        intersection it wraps."""
        if not OneWord.runs_as_one_word(q):
            return self._whoosh(q, within)
        ids, scores = self._all_of(q.qs, within)
        if not len(ids):
            return ids, scores
        field = q.qs[0].fieldname
        fieldobj = self.schema[field]
        if not fieldobj.format or not fieldobj.format.supports("positions"):
            return self._whoosh(q, within)
        positions = [self.postings(field, fieldobj.to_bytes(t.text)).positions(ids) for t in q.qs]
        keep = np.array([_at_one_position(doc, positions) for doc in ids.tolist()], dtype=bool)
        return ids[keep], scores[keep]

    def _all_of(self, terms: list[query.Term], within: np.ndarray | None) -> Scored:
        """The documents with every one of ``terms`` (limited to ``within``), with the sum of
        their scores."""
        scored = [self.term(term, None) for term in terms]
        ids, scores = scored[0]
        for other_ids, other_scores in scored[1:]:
            ids, mine, theirs = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
            scores = scores[mine] + other_scores[theirs]
        if within is not None and len(ids):
            keep = np.isin(ids, within, assume_unique=True)
            ids, scores = ids[keep], scores[keep]
        return ids, scores

    # -- compounds ---------------------------------------------------------------------------
    def union(self, q: query.Or, within: np.ndarray | None) -> Scored:
        parts = [self.scored(sub, within) for sub in q.subqueries]
        ids, scores = _summed([p for p in parts if len(p[0])])
        return ids, _boosted(scores, q)

    def best_of(self, q: query.DisjunctionMax, within: np.ndarray | None) -> Scored:
        """Every match of any child, scored by its best child plus ``tiebreak`` times the
        others, as tantivy's and Lucene's disjunction max (a fuzzy word and the word itself).
        Whoosh's own matcher takes the larger score of two children that stand on different
        documents (``DisjunctionMaxMatcher.score``), so it is not the reference here."""
        parts = [p for p in (self.scored(sub, within) for sub in q.subqueries) if len(p[0])]
        if not parts:
            return _EMPTY_IDS, _EMPTY_SCORES
        ids = np.unique(np.concatenate([part_ids for part_ids, _ in parts]))
        best = np.zeros(len(ids), dtype=np.float64)
        for part_ids, part_scores in parts:  # (each child's ids are unique)
            at = np.searchsorted(ids, part_ids)
            best[at] = np.maximum(best[at], part_scores)
        if q.tiebreak:
            best += q.tiebreak * (_summed(parts)[1] - best)
        return ids, _boosted(best, q)

    def intersection(self, q: query.And, within: np.ndarray | None) -> Scored:
        if not q.subqueries:
            return _EMPTY_IDS, _EMPTY_SCORES
        # cheap children first: their result narrows what Whoosh's own matchers must step through
        subs = sorted(q.subqueries, key=lambda s: not _vectorized(s))
        ids, scores = self.scored(subs[0], within)
        for sub in subs[1:]:
            if not len(ids):
                break
            other_ids, other_scores = self.scored(sub, ids)
            ids, mine, theirs = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
            scores = scores[mine] + other_scores[theirs]
        return ids, _boosted(scores, q)

    def and_maybe(self, q: query.AndMaybe, within: np.ndarray | None) -> Scored:
        ids, scores = self.scored(q.a, within)
        if len(ids):
            return with_extra((ids, scores), self.scored(q.b, ids))
        return ids, scores

    def and_not(self, q: query.AndNot, within: np.ndarray | None) -> Scored:
        ids, scores = self.scored(q.a, within)
        if len(ids):
            excluded, _ = self.scored(q.b, ids)
            keep = ~np.isin(ids, excluded, assume_unique=True)
            ids, scores = ids[keep], scores[keep]
        return ids, scores

    def require(self, q: query.Require, within: np.ndarray | None) -> Scored:
        ids, scores = self.scored(q.a, within)
        if len(ids):
            required, _ = self.scored(q.b, ids)
            keep = np.isin(ids, required, assume_unique=True)
            ids, scores = ids[keep], scores[keep]
        return ids, scores

    def null(self, q: query.Query, within: np.ndarray | None) -> Scored:
        return _EMPTY_IDS, _EMPTY_SCORES

    # -- everything else: Whoosh's own matcher ------------------------------------------------------
    def _whoosh(self, q: query.Query, within: np.ndarray | None) -> Scored:
        from .whoosh_engine import _union_trees

        m = _union_trees(q).matcher(self.sub, self.sub.context())
        ids: list[int] = []
        scores: list[float] = []
        if within is None:
            while m.is_active():
                ids.append(m.id())
                scores.append(m.score())
                m.next()
        else:
            for doc in within.tolist():
                if not m.is_active():
                    break
                if m.id() < doc:
                    m.skip_to(doc)
                    if not m.is_active():
                        break
                if m.id() == doc:
                    ids.append(doc)
                    scores.append(m.score())
        return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


def _summed(parts: list[Scored]) -> Scored:
    """The documents of any of ``parts`` (none empty), each with the sum of its scores."""
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    if len(parts) == 1:
        return parts[0]
    all_ids = np.concatenate([p[0] for p in parts])
    ids, inverse = np.unique(all_ids, return_inverse=True)
    return ids, np.bincount(inverse, weights=np.concatenate([p[1] for p in parts]), minlength=len(ids))


def with_extra(required: Scored, extra: Scored) -> Scored:
    """``AndMaybe``'s answer: the required matches, each with the optional part's score added
    where it matches too."""
    ids, scores = required
    _, mine, theirs = np.intersect1d(ids, extra[0], assume_unique=True, return_indices=True)
    if len(mine):
        scores = scores.copy()
        scores[mine] += extra[1][theirs]
    return ids, scores


def _boosted(scores: np.ndarray, q: query.Query) -> np.ndarray:
    return scores * q.boost if q.boost != 1.0 else scores


_HANDLERS: dict[type, Callable[[_Leaf, Any, np.ndarray | None], Scored]] = {
    query.Term: _Leaf.term,
    query.Phrase: _Leaf.phrase,
    query.Or: _Leaf.union,
    query.DisjunctionMax: _Leaf.best_of,
    query.And: _Leaf.intersection,
    query.AndMaybe: _Leaf.and_maybe,
    query.AndNot: _Leaf.and_not,
    query.Require: _Leaf.require,
    OneWord: _Leaf.one_word,
    query.Prefix: _Leaf.multi_term,
    query.Wildcard: _Leaf.multi_term,
    query.TermRange: _Leaf.multi_term,
    type(query.NullQuery): _Leaf.null,
}


def _vectorized(q: query.Query) -> bool:
    handler = _HANDLERS.get(type(q))
    return handler is not None and all(_vectorized(child) for child in q.children())


class _Postings:
    """A term's postings in one segment: document numbers and weights, read a block at a time
    from Whoosh's on-disk blocks (deleted documents included: the caller drops them once for
    the whole tree). The unpickled blocks are kept for position lookups by phrases, which
    would otherwise read and unpickle the same blocks again."""

    def __init__(self, reader: Any, field: str, text: bytes) -> None:
        self.reader, self.field, self.text = reader, field, text
        self._blocks: list[tuple[Any, ...]] | None = None
        self._starts: np.ndarray | None = None
        stored = _stored_blocks(reader, field, text)
        if stored is not None:
            self._take_blocks(reader.schema[field].format, stored)
            return
        m = reader.postings(field, text)
        if isinstance(m, matching.FilterMatcher):
            m = m.child
        if isinstance(m, whoosh3.W3LeafMatcher) and not m._byteids and m.format.fixed_value_size() is None:
            blocks = []
            while m.is_active():
                if m._data is None:
                    m._read_data()
                blocks.append((m._blocklength, m._data))
                m._next_block()
            self._take_blocks(m.format, blocks)
            return
        ids, weights = [], []
        while m.is_active():  # inlined short lists (ListMatcher) and any other matcher
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        self.ids = np.array(ids, dtype=np.int64)
        self.weights = np.array(weights, dtype=np.float64)

    def _take_blocks(self, format_: Any, blocks: list[tuple[int, tuple[Any, ...]]]) -> None:
        """The document numbers and weights of Whoosh's block data, ``(postings, (ids, weights,
        values))`` per block; the data is kept for the positions (of a format that has them)."""
        self._decode = format_.decode_positions if format_.supports("positions") else None
        self._blocks = [data for _, data in blocks]
        if len(blocks) == 1:  # most terms (73 % of a two-word query's): nothing to join
            count, (deltas, weights, _) = blocks[0]
            self._starts = _FIRST_BLOCK
            self.ids, self.weights = _block_ids(deltas), _block_weights(weights, count)
            return
        id_blocks = [_block_ids(data[0]) for _, data in blocks]
        weight_blocks = [_block_weights(data[1], count) for count, data in blocks]
        self._starts = np.cumsum([0] + [len(b) for b in id_blocks[:-1]])
        self.ids = np.concatenate(id_blocks) if id_blocks else _EMPTY_IDS
        self.weights = np.concatenate(weight_blocks) if weight_blocks else _EMPTY_SCORES

    def positions(self, docs: np.ndarray) -> dict[int, list[int]]:
        """The term's positions in each of ``docs`` (sorted; every one has the term)."""
        if self._blocks is None or self._starts is None or self._decode is None:
            return _positions_by_matcher(self.reader, self.field, self.text, docs)
        index = np.searchsorted(self.ids, docs)
        block = np.searchsorted(self._starts, index, side="right") - 1
        out: dict[int, list[int]] = {}
        for doc, k, b in zip(docs.tolist(), index.tolist(), block.tolist()):
            values = self._blocks[b][2]
            out[doc] = self._decode(values[k - int(self._starts[b])])
        return out


#: The length that precedes each block of a term's postings in Whoosh's postings file
#: (``W3PostingsWriter``; negative for the term's last block).
_BLOCK_LENGTH = struct.Struct("!i")


def _stored_blocks(reader: Any, field: str, text: bytes) -> list[tuple[int, tuple[Any, ...]]] | None:
    """A term's postings blocks read straight from the segment's postings file, as
    ``W3LeafMatcher`` reads them: ``(postings, (ids, weights, values))`` per block. Whoosh's
    way builds a matcher (the reader's checks, a wrapper for deleted documents, a seek, read and
    tell per header, the block statistics decoded) around the same two ``pickle`` loads: the
    terms of a two-word query (6 read, 3 looked up in vain) took 0.37 ms a query as arrays
    through Whoosh's matcher, 0.30 ms this way (of which 0.13 ms zlib and pickle). Raises ``TermNotFound`` for a term the segment lacks; None where the segment is
    not one this reads (another codec or terms reader, postings inlined in the term table, an
    unexpected header): the caller asks Whoosh then. Any format: the document numbers and
    weights of a block are stored alike (``W3PostingsWriter._mini_ids``, ``_mini_weights``),
    only the values differ, and only positions are read from them."""
    terms = getattr(reader, "_terms", None)
    if type(reader) is not SegmentReader or type(terms) is not whoosh3.W3TermsReader or reader.is_closed:
        return None
    if field not in reader.schema or not reader.schema[field].format:
        return None
    try:
        info = whoosh3.W3TermInfo.from_bytes(terms._tindex[terms._keycoder(field, text)])
    except KeyError:
        raise TermNotFound(f"No term {field}:{text!r}") from None
    if info.is_inlined():
        return None
    postfile = terms._postfile
    position = info.extent()[0]
    if postfile.get(position, 4) != whoosh3.WHOOSH3_HEADER_MAGIC:
        return None
    position += 4
    blocks = []
    while True:
        length = _BLOCK_LENGTH.unpack(postfile.get(position, _BLOCK_LENGTH.size))[0]
        size = abs(length)
        block = io.BytesIO(postfile.get(position + _BLOCK_LENGTH.size, size))
        # the header (postings, last id, top weight, compression, shortest and longest field)
        # is a pickle of unknown size: the data follows where it ends
        count, _, _, compression, _, _ = pickle.load(block)
        data = block.read()
        blocks.append((count, pickle.loads(zlib.decompress(data) if compression else data)))
        if length < 0:  # the term's last block
            return blocks
        position += _BLOCK_LENGTH.size + size


def _block_ids(deltas: Any) -> np.ndarray:
    """The document numbers of a block: Whoosh stores them delta-encoded (``W3LeafMatcher._read_ids``
    decodes them with a Python generator, one step per posting)."""
    return np.asarray(deltas, dtype=np.int64).cumsum()  # (the method: no dispatch of np.cumsum)


def _block_weights(weights: Any, count: int) -> np.ndarray:
    """The weights of a block of ``count`` postings as ``W3LeafMatcher._read_weights`` gives them:
    float32 values, one per posting (a block of equal weights stores one number, or none for 1)."""
    if weights is None:
        return np.ones(count, dtype=np.float64)
    if isinstance(weights, float):
        return np.full(count, weights, dtype=np.float32).astype(np.float64)
    return np.asarray(weights, dtype=np.float64)


def _positions_by_matcher(reader: Any, field: str, text: bytes, docs: np.ndarray) -> dict[int, list[int]]:
    m = reader.postings(field, text)
    out: dict[int, list[int]] = {}
    for doc in docs.tolist():
        if not m.is_active():
            break
        m.skip_to(doc)
        if m.is_active() and m.id() == doc:
            out[doc] = m.value_as("positions")
    return out


def _in_order(doc: int, positions: list[dict[int, list[int]]], slop: int) -> bool:
    """Whether the words occur in order, each 1 to ``slop`` positions after the previous one
    (what Whoosh's ``SpanNear2(ordered=True, mindist=1)`` finds: a span only grows forward, so
    the end of the partial match is all that matters)."""
    ends = set(positions[0].get(doc, ()))
    for word in positions[1:]:
        if not ends:
            return False
        ends = {p for p in word.get(doc, ()) if any(1 <= p - e <= slop for e in ends)}
    return bool(ends)


def _at_one_position(doc: int, positions: list[dict[int, list[int]]]) -> bool:
    """Whether every term has one position in common in ``doc``."""
    common = set(positions[0].get(doc, ()))
    for term in positions[1:]:
        common.intersection_update(term.get(doc, ()))
        if not common:
            return False
    return bool(common)


def _field_lengths(reader: Any, field: str) -> np.ndarray:
    """The stored length of ``field`` in every document of one segment, as Whoosh's
    ``doc_field_length`` decodes it (one byte per document, read in one piece)."""
    count = reader.doc_count_all()
    lengths = np.zeros(count, dtype=np.uint8)
    perdoc = getattr(reader, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(whoosh3._lenfield(field), whoosh3.LENGTHS_COLUMN)
    if column is not None and hasattr(column, "_dbfile") and getattr(column, "_fixedlen", 0) == 1:
        stored = min(column._count, count)
        if stored:
            lengths[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        return _LENGTH_OF_BYTE[lengths]
    # another codec: ask Whoosh document by document
    return np.array([reader.doc_field_length(d, field, 0) or 0 for d in range(count)], dtype=np.float64)
