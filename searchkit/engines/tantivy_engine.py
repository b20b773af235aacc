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

import json
import math
import os
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import tantivy
from whoosh import query

from ..analysis import analyze
from ..errors import IndexLockedError, IndexVersionError, QueryError
from ..index import TEXT_FIELDS
from . import Engine, Snapshot, Writer
from .whoosh_engine import query_schema

SUBDIR = "tantivy"
#: Exact-value fields: one term per value, fast columns for tantivy's own aggregations.
EXACT_FIELDS = ("id", "content_hash", "year", "month", "mentioned", "person", "place", "organisation",
                "entity_label")
#: Of those, the ones that hold several comma-separated values per document.
MULTI_VALUE_FIELDS = frozenset({"mentioned", "person", "place", "organisation", "entity_label"})
INT_FIELDS = ("pub_start", "pub_end")
WRITER_HEAP = 128_000_000
#: Scored result lists kept per snapshot (paging, facet clicks and re-sorting repeat a query).
SCORED_CACHE_SIZE = 32


def build_schema() -> Any:
    builder = tantivy.SchemaBuilder()
    for name in EXACT_FIELDS:
        builder.add_text_field(
            name, stored=name == "id", tokenizer_name="raw", index_option="basic",
            fast=name not in ("id", "content_hash"),
        )
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
    builder.add_text_field("spell", tokenizer_name="raw", index_option="basic")
    for name in INT_FIELDS:
        builder.add_integer_field(name, indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _pretokenized(text: str) -> Any:
    """The analyzer's tokens with Whoosh's positions: compound parts share the position of the
    whole word, stopwords leave no gap."""
    analyzer = query_schema()["body"].analyzer
    tokens = [
        tantivy.Token(t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, mode="index")
        if not t.stopped
    ]
    return tantivy.PreTokenizedString(text, tokens)


def tantivy_document(fields: dict[str, Any]) -> Any:
    """One ``index.document_fields`` dict as a tantivy document."""
    doc = tantivy.Document()
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            if value:
                doc.add_pre_tokenized_text(name, _pretokenized(value))
        elif name in MULTI_VALUE_FIELDS:
            for part in value.split(","):
                if part:
                    doc.add_text(name, part)
        elif name in EXACT_FIELDS:
            doc.add_text(name, value)
        elif name == "spell":
            words = value.split()
            doc.add_pre_tokenized_text(
                name, tantivy.PreTokenizedString(value, [tantivy.Token(w, i, 0, 0) for i, w in enumerate(words)])
            )
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


def _wildcard_pattern(text: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text) + r"\Z")


class TantivySnapshot(Snapshot):
    def __init__(self, engine: TantivyEngine) -> None:
        self._stamp = _meta_stamp(engine.folder)
        self.folder = engine.folder
        self.schema = engine.schema
        engine.index.reload()
        self.searcher = engine.index.searcher()
        self.generation = self._read_opstamp()
        count = self.searcher.num_docs
        hits = self.searcher.search(tantivy.Query.all_query(), limit=max(count, 1), count=False).hits
        segments = np.fromiter((a.segment_ord for _, a in hits), dtype=np.int64, count=len(hits))
        local = np.fromiter((a.doc for _, a in hits), dtype=np.int64, count=len(hits))
        sizes = np.zeros(max(self.searcher.num_segments, 1), dtype=np.int64)
        if len(hits):
            np.maximum.at(sizes, segments, local + 1)
        #: document number of (segment, local id) = base[segment] + local id
        self._base = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        self._space = int(sizes.sum())
        self._live_docnums = np.sort(self._base[segments] + local)
        self._scored_cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def _read_opstamp(self) -> int:
        try:
            return int(json.loads((self.folder / "meta.json").read_text(encoding="utf-8")).get("opstamp", 0))
        except (OSError, ValueError):
            return 0

    # -- document numbers -------------------------------------------------------------------
    def _docnums(self, hits: list[tuple[Any, Any]]) -> np.ndarray:
        if not hits:
            return np.zeros(0, dtype=np.int64)
        segments = np.fromiter((a.segment_ord for _, a in hits), dtype=np.int64, count=len(hits))
        local = np.fromiter((a.doc for _, a in hits), dtype=np.int64, count=len(hits))
        return self._base[segments] + local

    def _address(self, docnum: int) -> Any:
        segment = int(np.searchsorted(self._base, docnum, side="right")) - 1
        return tantivy.DocAddress(segment, int(docnum - self._base[segment]))

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
            head = re.split(r"[*?]", leaf.text, maxsplit=1)[0]
            pattern = _wildcard_pattern(leaf.text)
            found = []
            for term, _ in self.terms(field, head):
                if pattern.match(term):
                    found.append(term)
                    if len(found) > limit:
                        break
            return found
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
        key = repr(q)
        cached = self._scored_cache.get(key)
        if cached is not None:
            self._scored_cache.move_to_end(key)
            return cached
        translated = Translator(self).query(q)
        hits = self.searcher.search(translated, limit=max(self.doc_count(), 1), count=False).hits
        result = (self._docnums(hits), np.fromiter((s for s, _ in hits), dtype=np.float64, count=len(hits)))
        self._scored_cache[key] = result
        if len(self._scored_cache) > SCORED_CACHE_SIZE:
            self._scored_cache.popitem(last=False)
        return result

    def match(self, q: query.Query) -> np.ndarray:
        return self._scored(q)[0]

    def ranked(self, q: query.Query, allow: np.ndarray | None, limit: int) -> list[tuple[int, float]]:
        docnums, scores = self._scored(q)
        if allow is not None:
            keep = allow[docnums]
            docnums, scores = docnums[keep], scores[keep]
        return list(zip(docnums[:limit].tolist(), scores[:limit].tolist()))

    def top(self, q: query.Query, limit: int) -> tuple[int, list[tuple[int, float]]]:
        cached = self._scored_cache.get(repr(q))
        if cached is not None:
            return len(cached[0]), self.ranked(q, None, limit)
        result = self.searcher.search(Translator(self).query(q), limit=max(limit, 1), count=True)
        hits = result.hits[:limit]
        return int(result.count), list(zip(self._docnums(hits).tolist(), (float(s) for s, _ in hits)))

    def similar_terms(self, field: str, word: str, maxdist: int, prefix: int) -> list[str]:
        from whoosh.support.levenshtein import distance

        return [
            term for term, _ in self.terms(field, word[:prefix])
            if abs(len(term) - len(word)) <= maxdist and term != word and distance(term, word) <= maxdist
        ]

    def more_like(self, docnum: int, text: str, top: int, numterms: int) -> list[int]:
        """Key terms by tf·idf over the body field, OR-ed with their weights."""
        total = self.doc_count()
        weights = {}
        for term, tf in Counter(analyze(text, mode="index")).items():
            df = self.doc_frequency("body", term)
            if df > 1:  # a word only this document has finds nothing else
                weights[term] = tf * math.log(1 + (total - df + 0.5) / (df + 0.5))
        key_terms = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:numterms]
        if not key_terms:
            return []
        top_weight = key_terms[0][1]
        q = query.Or([query.Term("body", t, boost=w / top_weight) for t, w in key_terms])
        return [d for d, _ in self.ranked(q, None, top + 1) if d != docnum][:top]

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
        if boost != 1.0 and not isinstance(q, (query.Prefix, query.Wildcard, query.TermRange)):
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
        if isinstance(q, query.Phrase):
            if len(q.words) == 1:
                return self._term(q.fieldname, q.words[0])
            # Whoosh's slop counts positions (1 = adjacent), tantivy's counts gaps (0 = adjacent)
            return Q.phrase_query(self.schema, q.fieldname, list(q.words), max(int(q.slop) - 1, 0))
        if isinstance(q, (query.Prefix, query.Wildcard, query.TermRange)):
            # constant score, like Whoosh's multi-term queries
            terms = self.snapshot.expand(q, 1_000_000)
            if not terms:
                return Q.empty_query()
            return Q.const_score_query(Q.term_set_query(self.schema, q.fieldname, terms), float(q.boost))
        if isinstance(q, query.NumericRange):
            return Q.range_query(self.schema, q.fieldname, tantivy.FieldType.Integer, q.start, q.end,
                                 not q.startexcl if q.start is not None else True,
                                 not q.endexcl if q.end is not None else True)
        if isinstance(q, query.FuzzyTerm):
            return Q.fuzzy_term_query(self.schema, q.fieldname, q.text, distance=int(q.maxdist),
                                      prefix=bool(q.prefixlength))
        if isinstance(q, query.Every):
            return Q.all_query()
        if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
            return Q.empty_query()
        raise QueryError(f"the tantivy engine cannot run {type(q).__name__} queries")

    def _term(self, field: str, text: str) -> Any:
        if field in INT_FIELDS:
            return self.Q.term_query(self.schema, field, int(text))
        option = "freq" if field in TEXT_FIELDS else "basic"
        return self.Q.term_query(self.schema, field, text, option)


class TantivyWriter(Writer):
    def __init__(self, engine: TantivyEngine, writer: Any) -> None:
        self._engine = engine
        self._writer = writer
        self._open = True

    def snapshot(self) -> Snapshot:
        return TantivySnapshot(self._engine)

    def add(self, fields: dict[str, Any], *, replaces: int | None = None) -> None:
        if replaces is not None:
            # deletes apply to documents added before them: the new version stays
            self._writer.delete_documents_by_term("id", fields["id"])
        self._writer.add_document(tantivy_document(fields))

    def delete(self, doc_id: str) -> None:
        self._writer.delete_documents_by_term("id", doc_id)

    def commit(self, *, optimize: bool = False) -> None:
        self._writer.commit()
        if optimize:
            self._rewrite()
        self._release()

    def _rewrite(self) -> None:
        """tantivy merges segments by its own policy and offers no "merge everything" call to
        Python: optimizing rewrites the stored documents in one commit (one indexing thread, so
        one segment unless the writer's memory budget fills)."""
        from ..index import document_fields
        from ..model import Document

        snapshot = TantivySnapshot(self._engine)
        if snapshot.segment_count() <= 1:
            return
        self._writer.delete_all_documents()
        for stored in snapshot.iter_stored():
            self._writer.add_document(tantivy_document(document_fields(Document.from_json(stored))))
        self._writer.commit()

    def cancel(self) -> None:
        if self._open:
            self._writer.rollback()
            self._release()

    def _release(self) -> None:
        """Let pending merges finish and drop the writer (and its lock)."""
        if self._open:
            self._open = False
            self._writer.wait_merging_threads()


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
        return cls(path, tantivy.Index(build_schema(), path=str(folder), reuse=False))

    @classmethod
    def open(cls, path: Path) -> TantivyEngine:
        folder = path / SUBDIR
        try:
            if not (folder / "meta.json").exists():
                raise FileNotFoundError(folder / "meta.json")
            return cls(path, tantivy.Index.open(str(folder)))
        except (OSError, ValueError) as error:
            raise IndexVersionError(
                f"the index at {path} is damaged ({error}): rebuild it with"
                f" `searchkit index FILES --index {path} --rebuild`"
            ) from error

    def snapshot(self) -> Snapshot:
        return TantivySnapshot(self)

    def writer(self, *, timeout: float = 0.0, procs: int = 1) -> Writer:
        deadline = time.monotonic() + timeout
        while True:
            try:
                writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=max(procs, 1))
                # files a killed writer left behind (an uncommitted delete file would collide
                # with this writer's own, which takes the same operation stamp)
                writer.garbage_collect_files()
                return TantivyWriter(self, writer)
            except ValueError as error:
                if "lock" not in str(error).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"the index at {self.path} is locked by another writer; try again when it is done"
                    ) from error
                time.sleep(0.05)
