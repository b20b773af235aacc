"""The fast engine: tantivy (Rust), ``pip install "searchkit[fast]"``.

Same analysis, same matches: text fields are indexed from searchkit's own German analyzer
output (``tantivy.PreTokenizedString``: stems, folded spellings and compound parts at the
positions Whoosh would give them), and queries are the Whoosh query trees searchkit's parser
builds, translated leaf by leaf into tantivy queries. Facets, date filters and sorting run on
the same numpy arrays as with Whoosh, so facet counts are identical by construction.

tantivy's files live in ``INDEX/tantivy/``; its commits are atomic (``meta.json`` is replaced
last) and its writer lock is a file lock the operating system releases when a process dies.
"""

from __future__ import annotations

import bisect
import itertools
import json
import operator
import os
import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import tantivy
from whoosh import query

from .. import engines, known_words
from ..analysis import index_words, learning, load_word_lists, wildcard_head, wildcard_regex, writing_for
from ..errors import EngineError, IndexDamagedError, IndexLockedError, QueryError
from ..index import TEXT_FIELDS, document_fields
from ..processes import children_deaf_to_interrupts, ignore_interrupts, quiet_broken_pool_race
from . import Engine, OneWord, ScoredCache, Snapshot, Writer

SUBDIR = "tantivy"
#: Exact-value fields: one term per value, fast columns for tantivy's own aggregations.
EXACT_FIELDS = ("id", "content_hash", "year", "month", "mentioned", "person", "place", "organisation",
                "entity_label")
#: Of those, the ones that hold several comma-separated values per document.
MULTI_VALUE_FIELDS = frozenset({"mentioned", "person", "place", "organisation", "entity_label"})
INT_FIELDS = ("pub_start", "pub_end")
WRITER_HEAP = 128_000_000
#: most exact phrases one sloppy phrase becomes (``"a b c"~9`` is 81, four words ~8 are 512)
MAX_SPACINGS = 512
#: tantivy's slop is a u32 ("a b"~4294967297 overflowed: a 500)
MAX_TANTIVY_SLOP = 2**32 - 1


def build_schema() -> Any:
    builder = tantivy.SchemaBuilder()
    for name in EXACT_FIELDS:
        builder.add_text_field(
            name, stored=name == "id", tokenizer_name="raw", index_option="basic",
            fast=name not in ("id", "content_hash"),
        )
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    for name in INT_FIELDS:
        builder.add_integer_field(name, indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _pretokenized(text: str, words: list[tuple[tuple[str, ...], int, int, int]] | None = None) -> Any:
    """The analyzer's tokens with Whoosh's positions: compound parts share the position of the
    whole word, stopwords leave no gap. ``words`` are ``index_words(text)`` when a worker
    process has computed them already."""
    if words is None:
        words = index_words(text)
    Token = tantivy.Token
    return tantivy.PreTokenizedString(
        text, [Token(term, pos, start, end) for terms, pos, start, end in words for term in terms]
    )


def text_fields(fields: dict[str, Any]) -> tuple[str, ...]:
    """The values of the analyzed text fields of one document, in ``TEXT_FIELDS`` order."""
    return tuple(fields.get(name) or "" for name in TEXT_FIELDS)


def tantivy_document(fields: dict[str, Any], terms: list[list[tuple[str, int, int, int]]] | None = None) -> Any:
    """One ``index.document_fields`` dict as a tantivy document; ``terms`` are the analyzed
    text fields (``prepare_documents``, in ``TEXT_FIELDS`` order) when a worker process has
    analyzed them."""
    doc = tantivy.Document()
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            if value:
                doc.add_pre_tokenized_text(
                    name, _pretokenized(value, None if terms is None else terms[TEXT_FIELDS.index(name)])
                )
        elif name in MULTI_VALUE_FIELDS:
            for part in value.split(","):
                if part:
                    doc.add_text(name, part)
        elif name in EXACT_FIELDS:
            doc.add_text(name, value)
        elif name in INT_FIELDS:
            doc.add_integer(name, int(value))
        elif name == "doc":
            doc.add_bytes(name, value.encode("utf-8"))
    return doc


def _meta_stamp(folder: Path) -> tuple[int, int, int]:
    """Identity of the current ``meta.json`` (replaced by rename on every commit)."""
    try:
        st = os.stat(folder / "meta.json")
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


_LOCAL_DOC = operator.attrgetter("doc")
_SEGMENT = operator.attrgetter("segment_ord")


def _opstamp(folder: Path) -> int:
    """The stamp of the last commit (a snapshot's generation; merges keep it)."""
    try:
        return int(json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("opstamp", 0))
    except (OSError, ValueError):
        return 0


class TantivySnapshot(Snapshot):
    def __init__(self, engine: TantivyEngine) -> None:
        self._stamp = _meta_stamp(engine.folder)
        self.folder = engine.folder
        self.schema = engine.schema
        engine.index.reload()
        self.searcher = engine.index.searcher()
        self.generation = _opstamp(self.folder)
        count = self.searcher.num_docs
        hits = self.searcher.search(tantivy.Query.all_query(), limit=max(count, 1), count=False).hits
        segments = np.fromiter((a.segment_ord for _, a in hits), dtype=np.int64, count=len(hits))
        local = np.fromiter((a.doc for _, a in hits), dtype=np.int64, count=len(hits))
        sizes = np.zeros(max(self.searcher.num_segments, 1), dtype=np.int64)
        if len(hits):
            np.maximum.at(sizes, segments, local + 1)
        #: document number of (segment, local id) = base[segment] + local id
        self._base = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        #: the same as Python ints: a page's few documents are looked up without numpy's
        #: per-call overhead (a tenth of what reading a stored document takes)
        self._base_list: list[int] = self._base.tolist()
        self._space = int(sizes.sum())
        self._live_docnums = np.sort(self._base[segments] + local)
        self._scored_cache = ScoredCache()

    # -- document numbers -------------------------------------------------------------------
    def _docnums(self, hits: list[tuple[Any, Any]]) -> np.ndarray:
        return self._docnums_of([address for _, address in hits])

    def _docnums_and_scores(self, hits: list[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and scores of tantivy's hits, unpacked by one ``zip``."""
        if not hits:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        scores, addresses = zip(*hits)
        return self._docnums_of(addresses), np.array(scores, dtype=np.float64)

    def _docnums_of(self, addresses: Sequence[Any]) -> np.ndarray:
        """Document numbers of tantivy addresses. A broad query hands over one Python object per
        match (16,000 at 100k documents): C-level attribute getters, and the segment pass only
        with several segments."""
        docnums = np.fromiter(map(_LOCAL_DOC, addresses), dtype=np.int64, count=len(addresses))
        if len(self._base_list) > 1:
            docnums += self._base[np.fromiter(map(_SEGMENT, addresses), dtype=np.int64, count=len(addresses))]
        return docnums

    def _address(self, docnum: int) -> Any:
        segment = bisect.bisect_right(self._base_list, docnum) - 1
        return tantivy.DocAddress(segment, int(docnum - self._base_list[segment]))

    def doc_space(self) -> int:
        return self._space

    def live(self) -> np.ndarray:
        live = np.zeros(self._space, dtype=bool)
        live[self._live_docnums] = True
        return live

    def doc_count(self) -> int:
        return len(self._live_docnums)

    def stored(self, docnum: int) -> str:
        return bytes(self.searcher.doc(self._address(docnum)).get_first("doc")).decode("utf-8")

    def iter_stored(self) -> Iterator[str]:
        for docnum in self._live_docnums.tolist():
            yield self.stored(docnum)

    def docnum(self, field: str, value: str) -> int | None:
        hits = self.searcher.search(tantivy.Query.term_query(self.schema, field, value, "basic"), limit=1,
                                    count=False).hits
        return int(self._docnums(hits)[0]) if hits else None

    def postings(self, field: str) -> Iterator[tuple[str, np.ndarray]]:
        for term, freq in sorted(self.searcher.terms_with_prefix(field, "")):
            q = tantivy.Query.term_query(self.schema, field, term, "basic")
            ids = np.sort(self._docnums(self.searcher.search(q, limit=freq, count=False).hits))
            if len(ids):
                yield term, ids

    def column(self, field: str) -> np.ndarray:
        values = np.zeros(self._space, dtype=np.int64)
        if len(self._live_docnums):
            docnums = self._live_docnums
            segments = np.searchsorted(self._base, docnums, side="right") - 1
            addresses = [tantivy.DocAddress(s, d) for s, d in zip(segments.tolist(), (docnums - self._base[segments]).tolist())]
            read = self.searcher.fast_field_values(field, addresses)
            values[self._live_docnums] = np.array([v or 0 for v in read], dtype=np.int64)
        return values

    def terms(self, field: str, prefix: str = "") -> Iterator[tuple[str, int]]:
        yield from sorted(self.searcher.terms_with_prefix(field, prefix))

    def doc_frequency(self, field: str, text: str) -> int:
        return int(self.searcher.doc_freq(field, text))

    def expand(self, leaf: query.Query, limit: int) -> list[str]:
        field = leaf.fieldname
        if isinstance(leaf, query.Prefix):
            return [t for t, _ in self.terms(field, leaf.text)][: limit + 1]
        if isinstance(leaf, query.Wildcard):
            head = wildcard_head(leaf.text)
            pattern = wildcard_regex(leaf.text)
            found = []
            for term, _ in self.terms(field, head):
                if pattern.match(term):
                    found.append(term)
                    if len(found) > limit:
                        break
            return found
        if isinstance(leaf, query.FuzzyTerm):
            return self.words_within(field, leaf.text, int(leaf.maxdist), int(leaf.prefixlength))[: limit + 1]
        if isinstance(leaf, query.TermRange):
            return [
                t for t, _ in self.terms(field)
                if (leaf.start is None or t > leaf.start or (t == leaf.start and not leaf.startexcl))
                and (leaf.end is None or t < leaf.end or (t == leaf.end and not leaf.endexcl))
            ][: limit + 1]
        raise QueryError(f"cannot expand a {type(leaf).__name__} query")

    # -- queries ----------------------------------------------------------------------------
    def _scored(self, q: query.Query) -> tuple[np.ndarray, np.ndarray]:
        """Every match with its score, best first: one tantivy search serves the facet mask,
        the total and every page of the same query."""
        key = self._scored_cache.key(q)
        assert key is not None  # (every query's answer can be kept here)
        cached = self._scored_cache.get(key)
        if cached is not None:
            return cached
        translated = Translator(self).query(q)
        hits = self.searcher.search(translated, limit=max(self.doc_count(), 1), count=False).hits
        return self._scored_cache.put(key, self._docnums_and_scores(hits))

    def match(self, q: query.Query) -> np.ndarray:
        return self._scored(q)[0]

    def ranked(self, q: query.Query, allow: np.ndarray | None, limit: int) -> list[tuple[int, float]]:
        docnums, scores = self._scored(q)
        if allow is not None:
            keep = allow[docnums]
            docnums, scores = docnums[keep], scores[keep]
        return list(zip(docnums[:limit].tolist(), scores[:limit].tolist()))

    def top(self, q: query.Query, limit: int) -> tuple[int, list[tuple[int, float]]]:
        # (a query's repr costs as much as translating it: none while nothing is cached)
        key = self._scored_cache.key(q) if self._scored_cache else None
        cached = self._scored_cache.get(key) if key is not None else None
        if cached is not None:
            return len(cached[0]), self.ranked(q, None, limit)
        result = self.searcher.search(Translator(self).query(q), limit=max(limit, 1), count=True)
        base = self._base_list
        return int(result.count), [(base[a.segment_ord] + a.doc, float(s)) for s, a in result.hits[:limit]]

    def up_to_date(self) -> bool:
        return _meta_stamp(self.folder) == self._stamp

    def segment_count(self) -> int:
        return int(self.searcher.num_segments)

    def close(self) -> None:
        self._scored_cache.clear()


class Translator:
    """A Whoosh query tree as a tantivy query with the same matches; scores are BM25 per field
    with the same boosts."""

    def __init__(self, snapshot: TantivySnapshot) -> None:
        self.snapshot = snapshot
        self.schema = snapshot.schema
        self.Q = tantivy.Query

    def query(self, q: query.Query) -> Any:
        translated = self._bare(q)
        boost = getattr(q, "boost", 1.0)
        if boost != 1.0 and not isinstance(q, (query.Prefix, query.Wildcard, query.TermRange, query.FuzzyTerm)):
            translated = self.Q.boost_query(translated, float(boost))
        return translated

    def _bool(self, clauses: list[tuple[Any, query.Query]]) -> Any:
        return self.Q.boolean_query([(occur, self.query(sub)) for occur, sub in clauses])

    def _bare(self, q: query.Query) -> Any:  # noqa: PLR0911, PLR0912 - one case per query type
        Q, Occur = self.Q, tantivy.Occur
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text)
        if isinstance(q, query.And):
            clauses = [(Occur.MustNot, sub.query) if isinstance(sub, query.Not) else (Occur.Must, sub)
                       for sub in q.subqueries]
            if all(occur == Occur.MustNot for occur, _ in clauses):
                clauses.append((Occur.Must, query.Every()))
            return self._bool(clauses)
        if isinstance(q, query.Or):
            return self._bool([(Occur.Should, sub) for sub in q.subqueries])
        if isinstance(q, query.DisjunctionMax):
            return Q.disjunction_max_query([self.query(sub) for sub in q.subqueries], q.tiebreak)
        if isinstance(q, query.AndMaybe):
            return self._bool([(Occur.Must, q.a), (Occur.Should, q.b)])
        if isinstance(q, query.AndNot):
            return self._bool([(Occur.Must, q.a), (Occur.MustNot, q.b)])
        if isinstance(q, query.Require):
            return Q.boolean_query([(Occur.Must, self.query(q.a)),
                                    (Occur.Must, Q.const_score_query(self.query(q.b), 0.0))])
        if isinstance(q, query.Not):
            return self._bool([(Occur.Must, query.Every()), (Occur.MustNot, q.query)])
        if OneWord.runs_as_one_word(q):
            # every term at offset 0: one position, the parts of one compound word
            terms = [(0, sub.text) for sub in q.qs]
            return Q.boost_query(Q.phrase_query(self.schema, q.qs[0].fieldname, terms), float(q.qs[0].boost))
        if isinstance(q, query.Phrase):
            if len(q.words) == 1:
                return self._term(q.fieldname, q.words[0])
            return self._phrase(q)
        if isinstance(q, (query.Prefix, query.Wildcard, query.TermRange, query.FuzzyTerm)):
            return self._multi_term(q)
        if isinstance(q, query.NumericRange):
            return Q.range_query(self.schema, q.fieldname, tantivy.FieldType.Integer, q.start, q.end,
                                 not q.startexcl if q.start is not None else True,
                                 not q.endexcl if q.end is not None else True)
        if isinstance(q, query.Every):
            return self._every(q.fieldname, float(q.boost))
        if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
            return Q.empty_query()
        raise QueryError(f"the tantivy engine cannot run {type(q).__name__} queries")

    def _multi_term(self, q: query.Query) -> Any:
        """A prefix, wildcard or word range as the index words it stands for, OR-ed, each scored
        as that word, times the query's boost; beyond ``SCORED_MULTITERM_WORDS`` words one
        constant score, the boost (as the Whoosh engine scores them: ``whoosh_vector``)."""
        Q, boost = self.Q, float(q.boost)
        limit = engines.SCORED_MULTITERM_WORDS
        terms = self.snapshot.expand(q, limit)
        if not terms:
            return Q.empty_query()
        if len(terms) > limit:
            every = self.snapshot.expand(q, 1_000_000_000)
            return Q.const_score_query(Q.term_set_query(self.schema, q.fieldname, every), boost)
        scored = Q.boolean_query([(tantivy.Occur.Should, self._term(q.fieldname, term)) for term in terms])
        return Q.boost_query(scored, boost) if boost != 1.0 else scored

    def _every(self, field: str | None, boost: float) -> Any:
        """Whoosh's ``Every``: all documents, or with a field ("person:*") the documents that
        have a term in it, at a constant score."""
        Q = self.Q
        if not field or field == "*":
            return Q.all_query()
        if field in INT_FIELDS:
            return Q.const_score_query(Q.exists_query(field), boost)
        if field not in TEXT_FIELDS and field not in EXACT_FIELDS:
            return Q.empty_query()
        terms = self.snapshot.expand(query.Prefix(field, ""), 1_000_000_000)
        if not terms:
            return Q.empty_query()
        return Q.const_score_query(Q.term_set_query(self.schema, field, terms), boost)

    def _phrase(self, q: query.Phrase) -> Any:
        """Whoosh's phrase: the words in order, each 1 to ``slop`` positions after the one
        before. tantivy's own slop means something else (a word may also stand before the one
        it follows, and for three or more words a greedy budget decides), so a sloppy phrase
        is the union of the exact phrases at every allowed spacing, which is the same set of
        documents Whoosh finds. Past ``MAX_SPACINGS`` spacings tantivy's slop stands in (then the
        engines differ: a known limit, in docs/engines.md)."""
        words, slop = list(q.words), max(int(q.slop), 1)
        spacings = slop ** (len(words) - 1)
        if slop == 1 or spacings > MAX_SPACINGS:
            return self.Q.phrase_query(self.schema, q.fieldname, words, min(slop - 1, MAX_TANTIVY_SLOP))
        phrases = []
        for gaps in itertools.product(range(1, slop + 1), repeat=len(words) - 1):
            offsets = itertools.accumulate(gaps, initial=0)
            phrases.append((tantivy.Occur.Should,
                            self.Q.phrase_query(self.schema, q.fieldname, list(zip(offsets, words)))))
        return self.Q.boolean_query(phrases)

    def _term(self, field: str, text: str) -> Any:
        """A term; outside the text fields (facet keys, ids, dates) at the constant score 1
        that Whoosh gives a field that is not scorable: ``person:Erdogan`` ranked by BM25 here
        and not at all in Whoosh, so the two engines showed different pages."""
        if field in INT_FIELDS:
            return self.Q.const_score_query(self.Q.term_query(self.schema, field, int(text)), 1.0)
        if field in TEXT_FIELDS:
            return self.Q.term_query(self.schema, field, text, "freq")
        return self.Q.const_score_query(self.Q.term_query(self.schema, field, text, "basic"), 1.0)


# -- writing ---------------------------------------------------------------------------------
#: Documents per task of the analysis pool (large enough to amortize pickling, small enough that
#: the first results come back soon and the parent builds documents while workers analyze).
ANALYSIS_CHUNK = 16
#: A writer uses the pool only once it has this many documents: a few documents are analyzed
#: sooner in-process than handed to other processes.
POOL_MIN_DOCS = 48
#: Chunks in flight before ``add`` waits for the oldest one (bounds the memory of results).
MAX_CHUNKS_IN_FLIGHT = 32

_pool_lock = threading.Lock()
_pool: tuple[int, Any] | None = None  # (workers, ProcessPoolExecutor)


def analysis_pool(workers: int) -> Any:
    """The process pool that analyzes text fields for tantivy writers opened with ``procs`` > 1:
    one per process, started by the first such writer and kept, so that its workers' per-word
    memos stay warm from batch to batch.

    The workers are forked (as the enrichment pool and Whoosh's writer processes are), and
    forked *before* the writer takes tantivy's lock file (``TantivyEngine.writer``): a child
    shares its parent's open files, and a lock held through a child's copy would outlive the
    parent's writer. They start with the parent's compound lexicon and memos (copy on write)."""
    global _pool
    import concurrent.futures
    import multiprocessing

    with _pool_lock:
        if _pool is not None and _pool[0] == workers and not getattr(_pool[1], "_broken", False):
            return _pool[1]
        if _pool is not None:
            _pool[1].shutdown(wait=False, cancel_futures=True)
            _pool = None
        # the word lists, loaded once and shared with the children (not through the analyzer,
        # whose memo the children inherit: a word they know is not sent back for ``known_words``)
        load_word_lists()
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        # The workers ignore Ctrl-C: the parent handles it (it cancels the batch); a batch
        # cancelled as a group SIGTERM kills them prints no traceback of Python's own.
        quiet_broken_pool_race()
        with children_deaf_to_interrupts():
            executor = concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context(method), initializer=ignore_interrupts
            )
            # every worker starts now, not at the first batch (which holds the lock by then)
            started = [executor.submit(int) for _ in range(workers)]
        for future in started:
            future.result()
        _pool = (workers, executor)
        return executor


def shutdown_analysis_pool() -> None:
    """Stop the analysis pool (it also stops when the interpreter exits)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool[1].shutdown(wait=True, cancel_futures=True)
            _pool = None


Terms = list[list[tuple[tuple[str, ...], int, int, int]]]


Learned = list[tuple[str, tuple[str, ...]]]


def prepare_documents(
    items: list[Any], batch: str = ""
) -> tuple[list[tuple[dict[str, Any] | None, Terms]], Learned]:
    """One task of an analysis worker: per item, the fields (``index.document_fields``) when
    the item is a ``Document`` (None when it is a tuple of text fields already), and the
    analyzed text fields (``index_words``, in ``TEXT_FIELDS`` order); and the words the task
    analysed first for the index ``batch`` (``analysis.writing_for``), with their terms
    (``known_words``)."""
    out: list[tuple[dict[str, Any] | None, Terms]] = []
    writing_for(batch)
    with learning() as learned:
        for item in items:
            fields = None if isinstance(item, tuple) else document_fields(item)
            texts = item if fields is None else text_fields(fields)
            out.append((fields, [index_words(text) if text else [] for text in texts]))
    return out, learned


class _Chunk:
    """Additions whose fields and analysis a pool worker is computing, in the order they were
    added: (fields or Document, replaces)."""

    __slots__ = ("adds", "batch", "future")

    def __init__(self, adds: list[tuple[Any, int | None]], future: Any, batch: str) -> None:
        self.adds = adds
        self.future = future
        self.batch = batch

    def done(self) -> bool:
        return self.future is None or self.future.done()

    def result(self) -> tuple[list[tuple[dict[str, Any], Terms]], Learned]:
        """(fields, terms) of each addition, and the words the worker analysed first."""
        prepared = None
        if self.future is not None:
            try:
                prepared = self.future.result()
            except BrokenProcessPool:
                pass  # the same work, here: the index does not depend on where it ran
        if prepared is None:
            prepared = prepare_documents(self.tasks(), self.batch)
        documents, learned = prepared
        return [(item if fields is None else fields, terms) for (item, _), (fields, terms) in zip(self.adds, documents)], learned

    def tasks(self) -> list[Any]:
        """What a worker needs: the text fields of a fields dict, or the whole Document."""
        return [text_fields(item) if isinstance(item, dict) else item for item, _ in self.adds]

    def cancel(self) -> None:
        if self.future is not None:
            self.future.cancel()


#: Batches this process cancelled (``TantivyWriter._batch``).
_cancelled = 0


class TantivyWriter(Writer):
    """One tantivy commit. With a ``pool`` (``procs`` > 1) the fields and the analyzed text of
    added documents are prepared by the pool's workers (``prepare_documents``) while this
    process builds and adds the documents whose preparation is back, strictly in the order they
    were added (deletes included), so the index is the same as a single process builds. Nothing
    reaches tantivy but through this process, and nothing is visible before ``commit``: a crash
    or ``cancel`` leaves the last commit."""

    def __init__(self, engine: TantivyEngine, writer: Any, pool: Any = None) -> None:
        self._engine = engine
        self._writer = writer
        self._open = True
        #: the analysis pool (None: analyze in this process)
        self._pool = pool
        #: operations not yet given to tantivy, oldest first: _Chunk or ("delete", id)
        self._queue: deque[Any] = deque()
        #: additions (fields or Document, replaces) not yet sent to the pool
        self._waiting: list[tuple[Any, int | None]] = []
        self._adds = 0
        #: the words the pool's workers analysed first for this writer (``known_words``; those
        #: analysed in this process, ``analysis.learning`` records)
        self._learned: Learned = []
        #: the index, its run of batches without a cancelled one, and the words file they
        #: append to (``analysis.writing_for``)
        # (no file: a key of its own, since what the analyzer remembers is in no file)
        file_id = known_words.file_id(engine.path).hex() or os.urandom(8).hex()
        self._batch = f"{engine.path}#{_cancelled}#{file_id}"
        writing_for(self._batch)

    def snapshot(self) -> Snapshot:
        return TantivySnapshot(self._engine)

    def add(self, fields: dict[str, Any], *, replaces: int | None = None) -> None:
        if self._pool is None:
            self._add(fields, replaces, None)
        else:
            self._wait(fields, replaces)

    def add_document(self, doc: Any, *, replaces: int | None = None) -> None:
        if self._pool is None:
            self._add(document_fields(doc), replaces, None)
        else:
            self._wait(doc, replaces)  # the worker builds the fields too

    def _wait(self, item: Any, replaces: int | None) -> None:
        self._waiting.append((item, replaces))
        self._adds += 1
        if len(self._waiting) >= ANALYSIS_CHUNK and self._adds >= POOL_MIN_DOCS:
            self._send()
            self._apply(keep=MAX_CHUNKS_IN_FLIGHT)

    def _add(self, fields: dict[str, Any], replaces: int | None, terms: Terms | None) -> None:
        if replaces is not None:
            # deletes apply to documents added before them: the new version stays
            self._writer.delete_documents_by_term("id", fields["id"])
        self._writer.add_document(tantivy_document(fields, terms))

    def _send(self) -> None:
        """Hand the waiting additions to the pool, ``ANALYSIS_CHUNK`` documents per task."""
        waiting, self._waiting = self._waiting, []
        for start in range(0, len(waiting), ANALYSIS_CHUNK):
            chunk = _Chunk(waiting[start : start + ANALYSIS_CHUNK], None, self._batch)
            try:
                chunk.future = self._pool.submit(prepare_documents, chunk.tasks(), self._batch)
            except BrokenProcessPool:
                pass  # a worker died (killed, out of memory): prepared here instead
            self._queue.append(chunk)

    def _apply(self, *, keep: int) -> None:
        """Give tantivy the queued operations in order: those whose analysis is back, and then,
        waiting for each, the oldest until at most ``keep`` are left."""
        queue = self._queue
        while queue:
            item = queue[0]
            if isinstance(item, _Chunk):
                if len(queue) <= keep and not item.done():
                    return
                documents, learned = item.result()
                self._learned += learned
                for (_, replaces), (fields, terms) in zip(item.adds, documents):
                    self._add(fields, replaces, terms)
            else:
                self._writer.delete_documents_by_term("id", item[1])
            queue.popleft()

    def _hand_over(self) -> None:
        """The waiting additions go to the pool when it is at work for this writer; otherwise
        (a small batch) they are analyzed and added here, now."""
        if self._queue:
            self._send()
        else:
            for item, replaces in self._waiting:
                self._add(item if isinstance(item, dict) else document_fields(item), replaces, None)
            self._waiting = []

    def learned_words(self) -> Learned:
        return self._learned

    def delete(self, doc_id: str) -> None:
        # after the additions before it, before those after it
        self._hand_over()
        self._queue.append(("delete", doc_id))
        self._apply(keep=MAX_CHUNKS_IN_FLIGHT)

    def commit(self, *, optimize: bool = False) -> int:
        self._hand_over()
        self._apply(keep=0)
        self._writer.commit()
        if optimize:
            self._rewrite()
        generation = _opstamp(self._engine.folder)  # read while the write lock is still ours
        self._release()
        return generation

    def _rewrite(self) -> None:
        """tantivy merges segments by its own policy and offers no "merge everything" call to
        Python: optimizing rewrites the stored documents in one commit (one indexing thread, so
        one segment unless the writer's memory budget fills). One segment is rewritten too when
        it holds deleted documents: tantivy drops them only where it merges."""
        from ..index import document_fields
        from ..model import Document

        snapshot = TantivySnapshot(self._engine)
        if snapshot.segment_count() <= 1 and snapshot.doc_space() == snapshot.doc_count():
            return
        self._writer.delete_all_documents()
        for stored in snapshot.iter_stored():
            self._writer.add_document(tantivy_document(document_fields(Document.from_stored(stored))))
        self._writer.commit()

    def cancel(self) -> None:
        global _cancelled
        _cancelled += 1  # the words analysed for this batch are analysed again for the next
        for item in self._queue:
            if isinstance(item, _Chunk):
                item.cancel()
        self._queue.clear()
        self._waiting = []
        if self._open:
            self._writer.rollback()
            self._release()

    def _release(self) -> None:
        """Let pending merges finish and drop the writer (and its lock)."""
        if self._open:
            self._open = False
            self._writer.wait_merging_threads()


#: What the operating system says when a folder cannot be written.
_NO_WRITE_ACCESS = re.compile(r"read-only file system|permission denied|os error 30|os error 13", re.IGNORECASE)


def _damaged(path: Path, error: BaseException) -> IndexDamagedError:
    return IndexDamagedError(
        f"the index at {path} is damaged ({error}): rebuild it with `searchkit index FILES --index {path} --rebuild`"
    )


class TantivyEngine(Engine):
    name = "tantivy"

    def __init__(self, path: Path, index: Any) -> None:
        self.path = path
        self.folder = path / SUBDIR
        self.index = index
        self.schema = index.schema

    @classmethod
    def create(cls, path: Path) -> TantivyEngine:
        folder = path / SUBDIR
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return cls(path, tantivy.Index(build_schema(), path=str(folder), reuse=False))
        except ValueError as error:  # a full disk: a traceback before (found by a review)
            raise EngineError(f"cannot create a tantivy index at {path}: {error}") from error

    @classmethod
    def open(cls, path: Path) -> TantivyEngine:
        folder = path / SUBDIR
        try:
            if not (folder / "meta.json").exists():
                raise FileNotFoundError(folder / "meta.json")
            return cls(path, tantivy.Index.open(str(folder)))
        except (OSError, ValueError) as error:
            if _NO_WRITE_ACCESS.search(str(error)):
                # tantivy takes a lock file even to read: a read-only copy is no damaged index,
                # and "rebuild it" would have deleted it (found by a review)
                raise EngineError(
                    f"the tantivy engine cannot open the index at {path} without write access to"
                    f" {folder} (it keeps a lock file there even for reading; {error}): open a"
                    " writable copy, or migrate it to the Whoosh engine, which reads read-only folders"
                ) from error
            raise _damaged(path, error) from error

    def snapshot(self) -> Snapshot:
        try:
            return TantivySnapshot(self)
        except (OSError, ValueError) as error:
            # files deleted under a running server: every request was a 500 (a review)
            raise _damaged(self.path, error) from error

    def writer(self, *, timeout: float = 0.0, procs: int = 1) -> Writer:
        # the pool first: its workers must not be forked while this process holds the lock
        pool = analysis_pool(procs) if procs > 1 else None
        deadline = time.monotonic() + timeout
        while True:
            try:
                # One indexing thread whatever ``procs``: documents keep the order they were
                # added in (the same index as a single process builds); the other processes
                # analyze text (TantivyWriter), which is where the time goes.
                writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
                # files a killed writer left behind (an uncommitted delete file would collide
                # with this writer's own, which takes the same operation stamp)
                writer.garbage_collect_files()
                return TantivyWriter(self, writer, pool)
            except ValueError as error:
                if "lock" not in str(error).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"the index at {self.path} is locked by another writer; try again when it is done"
                    ) from error
                time.sleep(0.05)
