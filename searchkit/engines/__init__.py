"""Index engines: where documents are stored, matched and scored.

Everything above this package (``Index``, search, facets, the CLI, the server, the evaluation)
talks to an engine through three small objects:

* ``Engine`` — one index folder: opens snapshots and writers;
* ``Snapshot`` — one committed generation, read-only: stored documents, document numbers,
  facet postings, date columns, term dictionaries, and query execution;
* ``Writer`` — one atomic batch of additions and deletions.

Queries reach an engine as Whoosh query trees: Whoosh's parser with searchkit's German analyzer
is the one query language, so decompounding, folding, stemming and field boosts are decided
once, above the seam; each engine executes the tree its own way. Document numbers
("docnums") are dense integers per snapshot, which lets facets, date filters and date sorting
be the same numpy code over every engine.

``whoosh`` (pure Python) is the default; ``tantivy`` (Rust, ``pip install "searchkit[fast]"``)
answers the same queries many times faster. The engine of an index is stored in its metadata;
``SEARCHKIT_ENGINE`` chooses the engine of new indexes.
"""

from __future__ import annotations

import contextlib
import math
import os
from abc import ABC, abstractmethod
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query
from whoosh.query import spans

from ..errors import EngineError

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
ENGINE_ENV = "SEARCHKIT_ENGINE"


class OneWord(spans.SpanNear2):
    """The parts of a compound standing in one word of a text: the analyzer stacks a
    compound's parts on the position of the whole word, so "Freibad" (frei + bad) finds
    "Hallenfreibad" and "Frei-Bad" but not an article that has "Freistaat" in one paragraph and
    "Baden-Württemberg" in another (found by a review: 8 such hits for "Freibad", none with a
    Freibad). Whoosh's ``SpanNear2`` with ``slop`` 0, unordered, ``mindist`` 0 finds exactly
    that; every engine runs it as "all terms at one position", scored as the sum of its terms'
    scores (their boosts included)."""

    boost = 1.0  # Whoosh's span queries have none; query code reads it from every node

    def __init__(self, qs: list[query.Query], slop: int = 0, ordered: bool = False, mindist: int = 0) -> None:
        super().__init__(qs, slop=slop, ordered=ordered, mindist=mindist)

    @staticmethod
    def runs_as_one_word(q: query.Query) -> bool:
        """Whether ``q`` is a ``OneWord`` the engines run themselves: terms of one field at one
        position (a tree changed by ``apply`` keeps the type; anything else is Whoosh's)."""
        return (
            isinstance(q, OneWord) and q.slop == 0 and q.mindist == 0 and not q.ordered and len(q.qs) > 1
            and all(type(sub) is query.Term for sub in q.qs) and len({sub.fieldname for sub in q.qs}) == 1
        )


#: A prefix, wildcard or word range ("Ver*", "title:[zoll TO zollz]") that stands for at most this
#: many index words of its field is scored as those words OR-ed (BM25, each word's own weight,
#: times the query's boost), in both engines; a broader one matches with one constant score, its
#: boost. (Whoosh's "constant score" for such queries falls back to the searcher's BM25F, while
#: tantivy's was constant: the first pages of "Ver*" had no hit in common. Found by a review.)
SCORED_MULTITERM_WORDS = 1024

#: Scored result lists kept per snapshot: one request counts a query (AND or OR?), masks its
#: matches (facets) and ranks them; paging, facet clicks and re-sorting repeat it.
SCORED_CACHE_SIZE = 32


class ScoredCache:
    """Every match of a snapshot's recent queries with its score (document numbers, scores),
    by the query's ``repr`` (``key``); the least recently used goes first."""

    def __init__(self, size: int | None = None) -> None:
        #: ``SCORED_CACHE_SIZE`` when this snapshot was opened (a module setting, so that the
        #: benchmark can keep it to one request's own queries)
        self.size = SCORED_CACHE_SIZE if size is None else size
        self._items: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        #: id → (query, its key or None) of the last query objects asked about (``key``)
        self._keys: dict[int, tuple[Any, str | None]] = {}

    def key(self, q: Any, usable: Callable[[Any], bool] | None = None) -> str | None:
        """The key of query ``q`` (its ``repr``), or None where ``usable`` says the engine cannot
        keep its answer. Kept for the last few query objects: one search asks about the same
        tree three to five times (count, mask, ranking, its required part), and the ``repr`` of
        a two-word query's tree of 15 to 30 terms, with Whoosh's check of its parts, cost 3 %
        of the search each time."""
        recent = self._keys
        found = recent.get(id(q))
        if found is not None and found[0] is q:
            return found[1]
        key = repr(q) if usable is None or usable(q) else None
        if len(recent) >= 8:
            recent.clear()
        recent[id(q)] = (q, key)  # the query itself is held: its id is not reused meanwhile
        return key

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: str, scored: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        self._items[key] = scored
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return scored

    def clear(self) -> None:
        self._items.clear()
        self._keys.clear()


def default_engine() -> str:
    """``$SEARCHKIT_ENGINE`` if set, else ``whoosh``."""
    return os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE


def check_engine(name: str) -> str:
    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return name


class Snapshot(ABC):
    """One committed generation of an index. Safe to share between threads of one process
    (callers serialize reads with ``Index.reading()`` where the engine needs it)."""

    #: changes with every commit (caches and HTTP ETags key on it)
    generation: int

    @abstractmethod
    def doc_space(self) -> int:
        """Upper bound of the document numbers of this snapshot (deleted ones included)."""

    @abstractmethod
    def live(self) -> np.ndarray:
        """Boolean mask over ``doc_space()``: the documents that are not deleted."""

    @abstractmethod
    def doc_count(self) -> int:
        """How many live documents."""

    @abstractmethod
    def stored(self, docnum: int) -> str:
        """The stored document JSON of one document number."""

    @abstractmethod
    def iter_stored(self) -> Iterator[str]:
        """Every live document's JSON, in document-number order."""

    @abstractmethod
    def docnum(self, field: str, value: str) -> int | None:
        """The document number of the (first) live document whose exact-value field
        (``id``, ``content_hash``) is ``value``."""

    @abstractmethod
    def postings(self, field: str) -> Iterator[tuple[str, np.ndarray]]:
        """(value, document numbers) for every value of an exact-value field, values sorted."""

    @abstractmethod
    def column(self, field: str) -> np.ndarray:
        """One integer per document number (``pub_start``, ``pub_end``; 0 when missing)."""

    @abstractmethod
    def terms(self, field: str, prefix: str = "") -> Iterator[tuple[str, int]]:
        """(term, document frequency) of a field's terms that start with ``prefix``, sorted."""

    @abstractmethod
    def doc_frequency(self, field: str, text: str) -> int:
        """In how many documents the term occurs."""

    @abstractmethod
    def expand(self, leaf: query.Query, limit: int) -> list[str]:
        """The index terms a prefix, wildcard or fuzzy leaf stands for (at most ``limit`` + 1,
        so that callers can tell "too many")."""

    #: every word of a field, read once per snapshot for fuzzy words (``words_within``)
    _word_lists: dict[str, list[str]] | None = None

    def words(self, field: str, prefix: str = "") -> list[str]:
        """A field's terms that start with ``prefix``, sorted (engines may read them faster
        than ``terms``, which counts documents too)."""
        return [term for term, _ in self.terms(field, prefix)]

    def words_within(self, field: str, text: str, maxdist: int, prefixlength: int = 0) -> list[str]:
        """The terms of ``field`` within ``maxdist`` edits of ``text`` (insertions, deletions,
        substitutions, and two neighbouring letters swapped as one edit: optimal string
        alignment, as Lucene's fuzzy query counts; Whoosh's ``terms_within`` counted a swap as
        two, so "Schlzo~1" missed "Scholz", found by a review) that share its first
        ``prefixlength`` letters, sorted. One implementation for every engine, so that a fuzzy
        word stands for the same words whichever engine runs; rapidfuzz scans the 48,000 words
        of ``body`` at 10,000 documents in a few milliseconds."""
        from rapidfuzz.distance import OSA
        from rapidfuzz.process import extract

        prefix = text[:prefixlength]
        if prefix:
            candidates = self.words(field, prefix)
        else:
            if self._word_lists is None:
                self._word_lists = {}
            if field not in self._word_lists:
                self._word_lists[field] = self.words(field)
            candidates = self._word_lists[field]
        found = extract(text, candidates, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        return sorted(word for word, _, _ in found)

    @abstractmethod
    def match(self, q: query.Query) -> np.ndarray:
        """Document numbers of every document that matches (any order)."""

    @abstractmethod
    def ranked(self, q: query.Query, allow: np.ndarray | None, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` (docnum, score) pairs, best first; ``allow`` (a boolean mask)
        restricts the candidates."""

    @abstractmethod
    def top(self, q: query.Query, limit: int) -> tuple[int, list[tuple[int, float]]]:
        """How many documents match, and the best ``limit`` (docnum, score) pairs: a plain
        ranked search that needs no mask over every match."""

    def more_like(self, docnum: int, text: str, top: int, numterms: int) -> list[int]:
        """Documents most like ``docnum`` by the key terms of ``text`` (the ``numterms`` of
        highest tf·idf over the body field), OR-ed and ranked as any query is, best first. One
        method for every engine: Whoosh's own ``more_like`` chose words only this document has,
        which find nothing else, and gave fewer articles than asked for and other ones than the
        tantivy engine (a review). The terms are not boosted by their weight, as in Lucene's
        and Elasticsearch's MoreLikeThis by default: boosted, the one or two rarest words (a
        coach's name, his club's city) decided alone, and a Bundesliga article's neighbours were
        Hannover's weather and airport (a review; ``similar.KEY_TERMS`` gives the figures)."""
        from ..analysis import analyze

        total = self.doc_count()
        weights = {}
        for term, tf in Counter(analyze(text, mode="index")).items():
            df = self.doc_frequency("body", term)
            if df > 1:  # a word only this document has finds nothing else
                weights[term] = tf * math.log(1 + (total - df + 0.5) / (df + 0.5))
        key_terms = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:numterms]
        if not key_terms:
            return []
        q = query.Or([query.Term("body", t) for t, _ in key_terms])
        return [d for d, _ in self.ranked(q, None, top + 1) if d != docnum][:top]

    @abstractmethod
    def up_to_date(self) -> bool:
        """False once a newer generation has been committed."""

    @abstractmethod
    def segment_count(self) -> int:
        """How many segments the snapshot reads (each commit may add one)."""

    @abstractmethod
    def close(self) -> None:
        """Release files and memory."""


class Writer(ABC):
    """One atomic batch: nothing is visible to readers before ``commit``; ``cancel`` (or a
    crash) leaves the previous generation as it was."""

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """The committed state the batch starts from (duplicate detection reads it)."""

    @abstractmethod
    def add(self, fields: dict[str, Any], *, replaces: int | None = None) -> None:
        """Add a document (``index.document_fields`` output); ``replaces`` is the document
        number of the version it supersedes (same id)."""

    def add_document(self, doc: Any, *, replaces: int | None = None) -> None:
        """Add a ``Document``: ``add`` of its ``index.document_fields``. An engine may compute
        the fields elsewhere (the tantivy writer's analysis workers do), in the same order."""
        from ..index import document_fields

        self.add(document_fields(doc), replaces=replaces)

    @abstractmethod
    def delete(self, doc_id: str) -> None:
        """Delete the document with this id."""

    @abstractmethod
    def commit(self, *, optimize: bool = False) -> int:
        """Make the batch visible atomically and return the generation it created (what a
        ``Snapshot`` of it reports); ``optimize`` merges segments as far as the engine can."""

    @abstractmethod
    def cancel(self) -> None:
        """Drop the batch and release the write lock."""

    def learned_words(self) -> list[tuple[str, tuple[str, ...]]]:
        """(word, terms) that worker processes of this writer analysed first and sent back with
        their work (``known_words``; what this process analyses, ``analysis.learning``
        records)."""
        return []


class Engine(ABC):
    """One index folder of one engine."""

    name: str

    @classmethod
    @abstractmethod
    def create(cls, path: Path) -> Engine:
        """Create an empty index in ``path`` (which exists and holds only searchkit's
        metadata)."""

    @classmethod
    @abstractmethod
    def open(cls, path: Path) -> Engine:
        """Open the index in ``path``; raises ``IndexVersionError`` when it is damaged."""

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """The newest committed generation."""

    @abstractmethod
    def writer(self, *, timeout: float = 0.0, procs: int = 1) -> Writer:
        """The write lock and a new batch; ``IndexLockedError`` when another writer holds the
        lock for longer than ``timeout`` seconds."""

    @contextlib.contextmanager
    def write_lock(self, *, timeout: float = 0.0) -> Iterator[None]:
        """Hold the write lock without writing (no writer of any process commits meanwhile):
        here an empty batch held open and cancelled; an engine whose lock can be taken alone
        takes only that."""
        writer = self.writer(timeout=timeout)
        try:
            yield
        finally:
            try:
                writer.cancel()
            except (OSError, ValueError):
                pass  # the folder was moved away meanwhile (an in-place migration swaps it)


def engine_class(name: str) -> type[Engine]:
    """The class of an engine by name, importing its library only now."""
    check_engine(name)
    if name == "tantivy":
        try:
            from .tantivy_engine import TantivyEngine
        except ImportError as error:
            raise EngineError(
                'the tantivy engine needs the tantivy package: pip install "searchkit[fast]"'
            ) from error
        return TantivyEngine
    from .whoosh_engine import WhooshEngine

    return WhooshEngine
