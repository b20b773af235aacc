"""The default engine: Whoosh, pure Python, nothing to compile.

Whoosh gives atomic commits (a new table of contents is written last, so a crash leaves the
previous generation intact), a writer lock, a multi-process writer and BM25F. Its files live
directly in the index folder, beside searchkit's metadata.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import itertools
import errno
import os
import pickle
import struct
import threading
import time
import traceback
import zlib
from array import array
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import multiproc, query
from whoosh.codec import whoosh3
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from .. import known_words
from ..analysis import german_analyzer, learning
from ..errors import IndexDamagedError, IndexLockedError, IndexVersionError
from ..processes import children_deaf_to_interrupts, ignore_interrupts
from . import Engine, ScoredCache, Snapshot, Writer, whoosh_vector

#: Attempts to open the newest generation while other processes commit.
OPEN_RETRIES = 10


def build_schema() -> Schema:
    """Text fields share the German analyzer; facet fields hold exact terms (one per value), and
    dates are integer columns (yyyymmdd of the period's first and last day) so that facets and
    date ranges are array operations instead of per-hit Python loops."""
    analyzer = german_analyzer()
    facet = {"lowercase": False, "commas": True, "scorable": False}
    return Schema(
        id=ID(unique=True, stored=True),
        content_hash=ID(),
        title=TEXT(analyzer=analyzer, phrase=True),
        lead=TEXT(analyzer=analyzer, phrase=True),
        body=TEXT(analyzer=analyzer, phrase=True),
        names=TEXT(analyzer=analyzer, phrase=True),
        headline=TEXT(analyzer=analyzer, phrase=True),
        year=ID(),
        month=ID(),
        mentioned=KEYWORD(**facet),
        person=KEYWORD(**facet),
        place=KEYWORD(**facet),
        organisation=KEYWORD(**facet),
        entity_label=KEYWORD(**facet),
        pub_start=NUMERIC(numtype=int, bits=32, sortable=True),
        pub_end=NUMERIC(numtype=int, bits=32, sortable=True),
        # The document's JSON (``pack_document``). Indexes written before 2026-12 keep it as
        # a stored field.
        doc=COLUMN(VarBytesColumn()),
    )


#: Documents up to this many bytes of JSON are kept uncompressed. Whoosh's stored fields zlib
#: every value, and inflating a typical news article (1–2 KB: 8 µs) cost more than the rest of
#: reading it as a hit (10 hits a page, 30 for the second stage). Longer documents are
#: compressed: 10,000 benchmark articles, 94 % of them below this, 78 % of the bytes.
RAW_DOCUMENT_BYTES = 4096


def pack_document(text: str) -> bytes:
    """A document's JSON as the ``doc`` column keeps it: UTF-8, zlib-compressed when long (a
    zlib stream begins with 0x78, a JSON object with ``{``: the reader tells them apart)."""
    data = text.encode("utf-8", "surrogatepass")
    return data if len(data) <= RAW_DOCUMENT_BYTES else zlib.compress(data, 3)


def unpack_document(data: bytes) -> str:
    if data[:1] != b"{":
        data = zlib.decompress(data)
    return data.decode("utf-8", "surrogatepass")


def doc_in_column(schema: Schema) -> bool:
    """Whether an index keeps the document JSON in a column (since 2026-12) rather than as
    Whoosh's stored field."""
    return isinstance(schema["doc"], COLUMN)


@lru_cache(maxsize=1)
def query_schema() -> Schema:
    """The schema queries are parsed against, whatever the engine: the fields and analyzers are
    the query language. Built once; never re-read from disk (a concurrent writer may just have
    replaced the table of contents)."""
    return build_schema()


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


#: A folder's modification time this close to the listing that read it is not trusted to
#: change with the next commit (file systems whose clocks tick in seconds).
COARSE_CLOCK_NS = 2_000_000_000


#: (segment id, field) → the field's terms in that segment with their document numbers, deleted
#: documents included (deletions change, a written segment never does), least recently used
#: first: the facet arrays of a new generation read only the segments a commit wrote.
_SEGMENT_POSTINGS: collections.OrderedDict[tuple[str, str], list[tuple[bytes, np.ndarray]]] = collections.OrderedDict()
_SEGMENT_POSTINGS_LOCK = threading.Lock()
#: Entries kept (a field of a segment each: the facet fields of some 30 segments).
SEGMENT_POSTINGS_ENTRIES = 256


def _segment_postings(sub: Any, field: str) -> list[tuple[bytes, np.ndarray]]:
    """``field``'s terms in one segment with their document numbers (the segment's own), read
    once per process and segment."""
    key = (sub.segment().segment_id(), field)
    with _SEGMENT_POSTINGS_LOCK:
        found = _SEGMENT_POSTINGS.get(key)
        if found is not None:
            _SEGMENT_POSTINGS.move_to_end(key)
            return found
    lists: list[tuple[bytes, np.ndarray]] = []
    if field in sub.schema and sub.doc_count_all():
        format_ = sub.schema[field].format
        for term in sub.lexicon(field):
            matcher = sub._terms.matcher(field, term, format_)  # (``postings`` drops the deleted)
            ids = np.fromiter(matcher.all_ids(), dtype=np.int64)
            ids.flags.writeable = False  # shared by every later generation: never changed in place
            lists.append((term, ids))
    with _SEGMENT_POSTINGS_LOCK:
        _SEGMENT_POSTINGS[key] = lists
        while len(_SEGMENT_POSTINGS) > SEGMENT_POSTINGS_ENTRIES:
            _SEGMENT_POSTINGS.popitem(last=False)
    return lists


class WhooshSnapshot(Snapshot):
    def __init__(self, searcher: Any, folder: Path | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        generation = self.reader.generation()
        # the reader of an index without any segment knows no generation
        self.generation = -1 if generation is None else generation
        self._scored_cache = ScoredCache()
        self._folder = folder
        #: the folder's inode: a rebuilt index in a new folder starts at the same generation
        #: numbers, which Whoosh's own check compares (a server kept serving the deleted index)
        self._folder_ino = _inode(folder)
        #: the folder's modification time when a listing last found no newer generation
        self._listed_mtime: int | None = None

    def doc_space(self) -> int:
        return self.reader.doc_count_all()  # type: ignore[no-any-return]

    def live(self) -> np.ndarray:
        live = np.zeros(self.doc_space(), dtype=bool)
        live[np.fromiter(self.reader.all_doc_ids(), dtype=np.int64)] = True
        return live

    def doc_count(self) -> int:
        return self.searcher.doc_count()  # type: ignore[no-any-return]

    @functools.cached_property
    def _doc_column(self) -> Any:
        """The reader of the document column, or None where documents are stored fields."""
        return self.reader.column_reader("doc") if doc_in_column(self.reader.schema) else None

    def stored(self, docnum: int) -> str:
        column = self._doc_column
        if column is None:
            return self.searcher.stored_fields(docnum)["doc"]  # type: ignore[no-any-return]
        return unpack_document(column[docnum])

    def iter_stored(self) -> Iterator[str]:
        for docnum in self.reader.all_doc_ids():
            yield self.stored(docnum)

    def docnum(self, field: str, value: str) -> int | None:
        return self.searcher.document_number(**{field: value})  # type: ignore[no-any-return]

    def postings(self, field: str) -> Iterator[tuple[str, np.ndarray]]:
        """Every term of ``field`` with its live documents, in term order, read segment by
        segment through ``_segment_postings``: after a commit only the new segments are read.
        Reading every term of the index (the facet arrays of a new generation) had made each
        worker's first search after a commit wait 1–3.6 s on 5,188 articles (a review)."""
        merged = self._merged_segments(field)
        for term in sorted(merged):
            arrays = [ids for ids in merged[term] if len(ids)]
            if arrays:
                yield _text(term), arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    def _merged_segments(self, field: str, *, live_only: bool = True) -> dict[bytes, list[np.ndarray]]:
        """term → its document numbers in each segment (offset to the index's numbering), the
        deleted ones left out unless ``live_only`` is False."""
        merged: dict[bytes, list[np.ndarray]] = {}
        if field not in self.reader.indexed_field_names():
            return merged
        for sub, offset in self.reader.leaf_readers():
            deleted = sub.deleted_docs_set if live_only else frozenset()
            dead = np.fromiter(deleted, dtype=np.int64, count=len(deleted)) if deleted else None
            for term, ids in _segment_postings(sub, field):
                if dead is not None:
                    ids = ids[~np.isin(ids, dead)]
                merged.setdefault(term, []).append(ids + offset if offset else ids)
        return merged

    def column(self, field: str) -> np.ndarray:
        count = self.doc_space()
        if not self.reader.has_column(field):
            return np.zeros(count, dtype=np.int64)
        column = self.reader.column_reader(field)
        return np.fromiter((column[i] or 0 for i in range(count)), dtype=np.int64, count=count)

    def terms(self, field: str, prefix: str = "") -> Iterator[tuple[str, int]]:
        if field not in self.reader.indexed_field_names():
            return
        if not prefix:  # every term (the facets' spellings): per segment, as ``postings``
            merged = self._merged_segments(field, live_only=False)
            for term in sorted(merged):
                # Whoosh's document frequency: every posting, deleted documents included
                yield _text(term), sum(len(ids) for ids in merged[term])
            return
        for term in self.reader.expand_prefix(field, prefix):
            yield _text(term), self.reader.doc_frequency(field, term)

    def doc_frequency(self, field: str, text: str) -> int:
        if field not in self.reader.indexed_field_names():
            return 0
        return self.reader.doc_frequency(field, text)  # type: ignore[no-any-return]

    def words(self, field: str, prefix: str = "") -> list[str]:
        if field not in self.reader.indexed_field_names():
            return []
        return [_text(term) for term in self.reader.expand_prefix(field, prefix)]

    def expand(self, leaf: query.Query, limit: int) -> list[str]:
        if isinstance(leaf, query.FuzzyTerm):
            # the same words as Whoosh's terms_within, whose automaton took 83 ms for two edits
            # over body at 10,000 documents (the shared scan: 4 ms once the word list is read)
            return self.words_within(leaf.fieldname, leaf.text, int(leaf.maxdist), int(leaf.prefixlength))[: limit + 1]
        return [_text(t) for t in itertools.islice(leaf._btexts(self.reader), limit + 1)]

    @functools.cached_property
    def _vector(self) -> whoosh_vector.VectorSearcher:
        return whoosh_vector.VectorSearcher(self.searcher)

    def _scored(self, q: query.Query) -> whoosh_vector.Scored | None:
        """Every match of ``q`` with its score from the array evaluation, kept for the
        snapshot's recent queries as on the tantivy engine (one request counts, masks and ranks
        the same query); None where Whoosh's own search must answer."""
        key = self._key(q)
        if key is None:
            return None
        found = self._scored_cache.get(key)
        if found is None:
            found = self._scored_cache.put(key, self._evaluate(q))
        return found

    def _key(self, q: query.Query) -> str | None:
        """The cache key of ``q``, or None where the arrays cannot score it."""
        return self._scored_cache.key(q, self._supports)

    def _supports(self, q: query.Query) -> bool:
        return whoosh_vector.supports(self.searcher, q)

    def _evaluate(self, q: query.Query) -> whoosh_vector.Scored:
        """``VectorSearcher.evaluate``, except that an ``AndMaybe`` takes its required part
        from the cache: a search counts its query (does any document have every word?), then
        ranks and masks it with an optional clause added (``search._with_named_entities``),
        which evaluated the whole query a second time (a third of a two-word search)."""
        if type(q) is query.AndMaybe:
            # only when cached: evaluated together, both parts read each term's postings once
            # (the proximity clause repeats the words of the query it ranks)
            required_key = self._key(q.a)
            required = self._scored_cache.get(required_key) if required_key is not None else None
            if required is not None:
                if not len(required[0]):
                    return required
                return whoosh_vector.with_extra(required, self._vector.evaluate(q.b, required[0]))
        return self._vector.evaluate(q)

    def match(self, q: query.Query) -> np.ndarray:
        scored = self._scored(q)
        if scored is not None:
            return scored[0]
        return np.fromiter(_union_trees(q).docs(self.searcher), dtype=np.int64)

    def ranked(self, q: query.Query, allow: np.ndarray | None, limit: int) -> list[tuple[int, float]]:
        scored = self._scored(q)
        if scored is not None:
            return whoosh_vector.ranked(*scored, allow, limit)[1]
        # A filter set makes Whoosh score every match instead of skipping ahead: only with one.
        allowed = None if allow is None else set(np.flatnonzero(allow).tolist())
        hits = self.searcher.search(_union_trees(q), filter=allowed, limit=limit)
        return [(hit.docnum, hit.score) for hit in hits]

    def top(self, q: query.Query, limit: int) -> tuple[int, list[tuple[int, float]]]:
        scored = self._scored(q)
        if scored is not None:
            # one evaluation gives the count and the ranking
            return whoosh_vector.ranked(*scored, None, limit)
        # Whoosh counts a result set by running the query once more: one pass for the count
        return len(self.match(q)), (self.ranked(q, None, limit) if limit > 0 else [])

    def up_to_date(self) -> bool:
        """Whoosh lists the folder to find a newer table of contents (20 µs, once per search).
        Every commit creates its table of contents in the folder, which changes the folder's
        modification time: while that time is the one of a listing that found nothing newer,
        and was already ``COARSE_CLOCK_NS`` old then, no listing is needed."""
        if self._folder is None:
            return self.searcher.up_to_date()  # type: ignore[no-any-return]
        try:
            st = os.stat(self._folder)
        except OSError:
            mtime = None
        else:
            if st.st_ino != self._folder_ino:
                return False
            mtime = st.st_mtime_ns
        if mtime is not None and mtime == self._listed_mtime:
            return True
        fresh: bool = self.searcher.up_to_date()
        if fresh and mtime is not None and time.time_ns() - mtime > COARSE_CLOCK_NS:
            self._listed_mtime = mtime
        return fresh

    def segment_count(self) -> int:
        return len(self.reader.leaf_readers()) if hasattr(self.reader, "leaf_readers") else 1

    def close(self) -> None:
        self._scored_cache.clear()
        self.searcher.close()


def _inode(folder: Path | None) -> int | None:
    try:
        return os.stat(folder).st_ino if folder is not None else None
    except OSError:
        return None


def _union_trees(q: query.Query) -> query.Query:
    """``q`` with each of its ``Or`` nodes of fewer than ``Or.TOO_MANY_CLAUSES`` clauses set to
    Whoosh's binary tree of union matchers (in place: the setting changes how Whoosh matches,
    not what, and stays right for any later search with the same query).

    Whoosh's automatic choice pre-loads every match of an ``Or`` into score arrays whenever a
    *segment* holds 5,000 documents or fewer (``PreloadedOr``: an array of 2,048 floats built
    with a Python loop per sub-matcher and block, then every posting read). An index that grows
    by commits is mostly such segments, so every search paid for that: 12 segments of about 500
    documents answered two-word queries in 61–72 ms of CPU, with union trees in 35–41 ms (one
    segment of 5,663 documents: 17 ms). The union tree scores the same sums and can skip ahead.
    Very large ``Or`` nodes keep the automatic choice (there pre-loading is the cheaper way)."""
    if isinstance(q, query.Or) and q.matcher_type == query.Or.AUTO_MATCHER:
        if len(q.subqueries) < query.Or.TOO_MANY_CLAUSES:
            q.matcher_type = query.Or.DEFAULT_MATCHER
    for child in q.children():
        _union_trees(child)
    return q


def _cache_column_checks(writer: Any) -> None:
    """When a Whoosh writer flushes its segment it asks, for every posting, the length of the
    posting's field in its document; for a field that keeps no lengths (searchkit's facet,
    spelling and id fields, which are not scored) Whoosh checks on disk whether the column file
    exists, once per posting (a ``stat`` per posting: about a tenth of the commit). The segment's
    column files are complete when that reader opens, so the answer is cached per field, on
    this writer's reader only. The files written are the same."""
    original = writer.per_document_reader

    def per_document_reader() -> Any:
        reader = original()
        reader.has_column = functools.lru_cache(maxsize=None)(reader.has_column)
        return reader

    writer.per_document_reader = per_document_reader


#: Posting blocks of fewer postings than this are written without zlib. Whoosh compresses every
#: block (its own rule to skip blocks under 20 bytes is overwritten on the next line of
#: ``W3PostingsWriter._write_block``), and most blocks hold the one or two postings of a rare
#: word: setting up zlib for each costs more than it saves, when writing and when reading.
#: 10,000 benchmark documents, one process, one machine: every block compressed 37.0 s and
#: 52.6 MB; none 32.4 s and 78 MB (array matching 16 % faster); blocks of 16 or more postings
#: compressed 32.5 s and 56.1 MB (matching within noise of either; 64: 33.7 s, 61.5 MB).
COMPRESS_MIN_POSTINGS = 16


#: Pickle protocol of the posting blocks searchkit writes. Whoosh writes protocol 2, in which
#: each posting's positions (a ``bytes`` value) load through a call of ``codecs.encode`` and
#: numbers as one object each: unpickling was most of the cost of reading a block. Protocol 5
#: loads bytes and arrays natively; the document numbers and weights go in as ``array``s.
#: Whoosh's own reader takes either (``pickle.loads``; it indexes and iterates the arrays like
#: its tuples). 10,000 benchmark documents: index 55.0 → 45.4 MB; the blocks of a two-word
#: query (11 on average, 13.1 → 5.9 KB) unpickled in 0.36 → 0.08 ms.
BLOCK_PROTOCOL = 5


class _PostingsWriter(whoosh3.W3PostingsWriter):
    """Whoosh's postings writer with blocks that load faster: protocol 5 and arrays
    (``BLOCK_PROTOCOL``), small blocks without zlib (``COMPRESS_MIN_POSTINGS``). The layout of
    the file is Whoosh's (its magic, the signed block length, the pickled block header, the
    block data), and each block records whether it is compressed, so any Whoosh reads it."""

    def _write_block(self, last: bool = False) -> None:
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), BLOCK_PROTOCOL)
        level = self._compression if len(ids) >= COMPRESS_MIN_POSTINGS else 0
        if level:
            data = zlib.compress(data, level)
        # the header stays as Whoosh writes it: readers unpickle it from the stream
        header = pickle.dumps((len(ids), ids[-1], self._maxweight, level, length_to_byte(self._minlength),
                               length_to_byte(self._maxlength)), 2)
        size = len(header) + len(data)
        postfile.write_int(-size if last else size)  # negative: the term's last block
        postfile.write(header)
        postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _mini_ids(self) -> Any:
        # term vectors (ids are words) and small blocks as Whoosh writes them: a tuple of a
        # few numbers loads as fast, and the array costs more to make than it saves
        if self._byteids or len(self._ids) < COMPRESS_MIN_POSTINGS:
            return super()._mini_ids()
        return _smallest_array(np.diff(np.asarray(self._ids, dtype=np.int64), prepend=0))

    def _mini_weights(self) -> Any:
        mini = super()._mini_weights()  # None (all 1.0), one float (all equal) or a tuple
        if isinstance(mini, tuple) and len(mini) >= COMPRESS_MIN_POSTINGS:
            return array("f", self._weights)
        return mini


def _smallest_array(values: np.ndarray) -> array:
    """Non-negative integers as an ``array`` of the smallest unsigned type that holds them."""
    top = int(values.max()) if len(values) else 0
    typecode = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
    return array(typecode, values.astype(np.dtype(typecode)).tobytes())


class _PostingsCodec:
    """The codec as one writer's field writer sees it: Whoosh's own, except for the postings
    writer. (A subclass of the codec would be pickled into every segment of the table of
    contents: its module path would become part of the index format.)"""

    def __init__(self, codec: Any) -> None:
        self._codec = codec

    def __getattr__(self, name: str) -> Any:
        return getattr(self._codec, name)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> _PostingsWriter:
        codec = self._codec
        return _PostingsWriter(dbfile, blocklimit=codec._blocklimit, byteids=byteids,
                               compression=codec._compression, inlinelimit=codec._inlinelimit)


def _tune(writer: Any) -> None:
    """searchkit's two changes to a Whoosh segment writer: column checks cached and small posting
    blocks left uncompressed. Both write files Whoosh's own codec reads."""
    _cache_column_checks(writer)
    fieldwriter = getattr(writer, "fieldwriter", None)
    if isinstance(fieldwriter, whoosh3.W3FieldWriter) and isinstance(fieldwriter._codec, whoosh3.W3Codec):
        fieldwriter._codec = _PostingsCodec(fieldwriter._codec)


class _SegmentWriter(SegmentWriter):
    """Whoosh's segment writer, ``_tune``d."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _tune(self)


class _SubWriterTask(multiproc.SubWriterTask):
    """One process of the multi-process writer. Whoosh's task builds a plain ``SegmentWriter``
    (a module global of ``whoosh.multiproc``); the task's own process uses ``_SegmentWriter``, so
    that the sub-writers, which write all the postings, are tuned too (without the cached column
    checks two processes spent 55 s of CPU on 10,000 documents where one spends 40 s)."""

    def run(self) -> None:
        # Ctrl-C reaches every process of the terminal's group: the parent handles it (it
        # cancels the batch and ends this process, ``_MpWriter.cancel``); here it printed a
        # traceback per process
        ignore_interrupts()
        multiproc.SegmentWriter = _SegmentWriter  # this (child) process's module only
        with learning() as learned:
            # the words this process analysed go beside the index before its segment goes
            # back to the parent, whose commit then merges them (``known_words``)
            self.resultqueue = _SavingWordsFirst(self.resultqueue, Path(self.storage.folder), learned)
            super().run()


class _SavingWordsFirst:
    """A sub-writer's result queue that first leaves the words it learned in a part file: a
    cache, so nothing that goes wrong there may keep the segment from the parent (its
    documents were lost, reported as added, when a full disk failed the part file)."""

    def __init__(self, queue: Any, folder: Path, learned: list[tuple[str, tuple[str, ...]]]) -> None:
        self._queue = queue
        self._folder = folder
        self._learned = learned

    def put(self, item: Any, *args: Any, **kwargs: Any) -> None:
        try:
            known_words.save_part(self._folder, self._learned)
        except Exception:  # noqa: BLE001 - see the class
            pass
        self._learned = []
        self._queue.put(item, *args, **kwargs)


class _MpWriter(multiproc.MpWriter):
    """Whoosh's multi-process writer, ``_tune``d, with ``_SubWriterTask`` processes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _tune(self)

    def cancel(self) -> None:
        """End the sub-writer processes, then cancel. Whoosh's own ``cancel`` only sets a flag
        on the parent's copy of each task, which its process never sees: a process that ignores
        Ctrl-C (``_SubWriterTask.run``) went on writing a segment nobody would read."""
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join(timeout=5)
        super().cancel()

    def _new_task(self) -> multiproc.SubWriterTask:
        task = _SubWriterTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        with children_deaf_to_interrupts():  # (until ``run`` ignores it: ``processes``)
            task.start()
        return task


class WhooshWriter(Writer):
    def __init__(self, writer: Any) -> None:
        self._writer = writer
        # the index's own schema says where its documents go (see ``doc_in_column``)
        self._doc_as_bytes = doc_in_column(writer.schema)

    def snapshot(self) -> Snapshot:
        snapshot = WhooshSnapshot(self._writer.searcher())
        if snapshot.generation != -1:
            # a writer's reader reports the generation the writer will commit, not the one it
            # reads (which every other reader of these segments reports)
            snapshot.generation = self._writer.generation - 1
        return snapshot

    def add(self, fields: dict[str, Any], *, replaces: int | None = None) -> None:
        if replaces is not None:
            self._writer.delete_document(replaces)
        if self._doc_as_bytes:
            fields = {**fields, "doc": pack_document(fields["doc"])}
        self._writer.add_document(**fields)

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)

    def commit(self, *, optimize: bool = False) -> int:
        self._writer.commit(optimize=optimize)
        return int(self._writer.generation)

    def cancel(self) -> None:
        self._writer.cancel()


#: What Whoosh raises reading a truncated or overwritten table of contents or segment file (a
#: disk that filled up, a copy cut short): struct, pickle and end-of-file errors, and a
#: TypeError from ``ord()`` of an empty read. Shown as a damaged index, not as a traceback (an
#: EOFError even read as "Aborted!" in the command line) — a TypeError or ValueError only when
#: Whoosh's own code raised it (``_damage``), never a bug of searchkit's.
DAMAGED_FILE_ERRORS: tuple[type[BaseException], ...] = (
    struct.error, pickle.UnpicklingError, EOFError, ValueError, TypeError,
)


_WHOOSH_FILES = os.path.dirname(whoosh_index.__file__) + os.sep
_OWN_FILES = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _damage(path: Path, error: BaseException) -> IndexVersionError:
    """The damaged-index error for ``error``, which is re-raised as it is when it is a TypeError
    or ValueError that searchkit's own code raised: one whose innermost frame of searchkit or
    Whoosh is searchkit's (a frame of the standard library under Whoosh's, as ``re`` reading a
    garbled table of contents, is damage)."""
    if isinstance(error, (TypeError, ValueError)):
        ours = [frame.filename for frame in traceback.extract_tb(error.__traceback__)
                if frame.filename.startswith((_WHOOSH_FILES, _OWN_FILES))]
        if not ours or not ours[-1].startswith(_WHOOSH_FILES):
            raise error
    return _damaged(path, error)


def _damaged(path: Path, error: BaseException) -> IndexVersionError:
    return IndexDamagedError(
        f"the index at {path} is damaged ({type(error).__name__}: {error}): rebuild it with"
        f" `searchkit index FILES --index {path} --rebuild`"
    )


class WhooshEngine(Engine):
    name = "whoosh"

    def __init__(self, path: Path, index: Any) -> None:
        self.path = path
        self._index = index

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        return cls(path, whoosh_index.create_in(str(path), build_schema()))

    @classmethod
    def open(cls, path: Path) -> WhooshEngine:
        try:
            return cls(path, whoosh_index.open_dir(str(path)))
        except (OSError, whoosh_index.EmptyIndexError) as error:
            raise _damaged(path, error) from error
        except DAMAGED_FILE_ERRORS as error:
            raise _damage(path, error) from error

    def snapshot(self) -> Snapshot:
        """Open the newest generation; a writer in another process may delete the files of the
        generation we just read about (its commit finished in between): then read again."""
        for attempt in range(OPEN_RETRIES):
            try:
                return WhooshSnapshot(self._index.searcher(), self.path)
            except FileNotFoundError as error:
                if attempt == OPEN_RETRIES - 1:
                    # files deleted under a running server: every request was a 500 (a review)
                    raise _damaged(self.path, error) from error
                time.sleep(0.01 * (attempt + 1))
            except whoosh_index.EmptyIndexError as error:  # the folder replaced meanwhile
                raise _damaged(self.path, error) from error
            except DAMAGED_FILE_ERRORS as error:
                raise _damage(self.path, error) from error
        raise AssertionError("unreachable")

    def writer(self, *, timeout: float = 0.0, procs: int = 1) -> Writer:
        with self._locking():
            if procs > 1:
                return WhooshWriter(_MpWriter(self._index, procs=procs, multisegment=True, timeout=timeout))
            return WhooshWriter(_SegmentWriter(self._index, timeout=timeout))
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def write_lock(self, *, timeout: float = 0.0) -> Iterator[None]:
        """Whoosh's lock file alone, without a segment writer: one cancelled after an in-place
        migration had swapped the folder wrote an empty column file of its segment into the new
        index (a review)."""
        lock = self._index.lock("WRITELOCK")
        with self._locking():
            deadline = time.monotonic() + timeout
            while not lock.acquire(blocking=False):
                if time.monotonic() >= deadline:
                    raise LockError("locked")
                time.sleep(0.05)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                lock.release()
                os.close(lock.fd)

    @contextlib.contextmanager
    def _locking(self) -> Iterator[None]:
        """What taking the write lock raises, as ``IndexLockedError``s that say why."""
        try:
            yield
        except LockError as error:
            raise IndexLockedError(
                f"the index at {self.path} is locked by another writer; try again when it is done"
            ) from error
        except FileNotFoundError as error:  # the folder is being swapped (a rebuild, a migration)
            raise IndexLockedError(f"the index at {self.path} is being replaced; try again") from error
        except (PermissionError, OSError) as error:
            if not isinstance(error, PermissionError) and error.errno != errno.EROFS:
                raise
            # a read-only folder: searching works, writing cannot (Whoosh's lock file raised
            # a bare OSError; a review)
            raise IndexLockedError(
                f"the index at {self.path} cannot be written ({error.strerror or error}): it is read-only"
                " for this process; write to a writable copy"
            ) from error

