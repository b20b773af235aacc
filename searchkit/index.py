"""The on-disk index: versioned metadata, writing (add/update/delete) and opening.

The engine underneath (``searchkit.engines``: Whoosh by default, tantivy on request) gives atomic
commits and a writer lock. On top of that this module adds what a news archive needs: a schema
version and the engine checked on open, idempotent re-ingest (same id and content, or the same
content under another id, is skipped), the fields every engine indexes, and typed errors.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import analysis, known_words, spelling
from .engines import Engine, Snapshot, Writer, check_engine, default_engine, engine_class
from .errors import (
    ArgumentError,
    DocumentError,
    DocumentNotFoundError,
    EngineError,
    IndexNotFoundError,
    IndexVersionError,
    QueryError,
    SearchkitError,
    document_not_found,
    shown,
)
from .model import check_document, completed_kicker_sentence, Document, Entity, EntityType, entity_key, nfc
from .spelling import Vocabulary

if TYPE_CHECKING:
    from .entity_report import EntityReport
    from .facets import FacetData
    from .request import Facet, FacetValue, SearchResult

#: Bumped whenever the schema or the meaning of a field changes; an index of another version
#: must be rebuilt (``searchkit index --rebuild``). 3: numbers with separators are one term
#: ("3.000" → 3000, "2,5", "2:5"; ``analysis.NUMBER``). 4: ı ł ø đ … folded to i l o d
#: (``model.PLAIN_LETTERS``) in words and facet keys, a hyphenated word ending in an
#: abbreviation kept whole ("Fußball-EM"), hyphen-cut words read whole ("Bundes- und
#: Landesregierung"). 5: a noun in -ung keeps its ending as its term ("Abtreibung" →
#: abtreibung, no longer Snowball's abtreib, the stem of "abtreiben"; ``analysis.KEEP_UNG``), so
#: does a noun in -heit or -keit ("Sicherheit" → sicherheit, no longer sich, the term of
#: "sicher"; ``analysis.KEEP_HEIT``), and a compound written with ae/oe/ue for its umlauts split
#: as read with them ("Buergergeld"). 6: the ``HEADLINE`` field (``title:`` finds the title as
#: shown).
SCHEMA_VERSION = 6
METADATA_FILE = "searchkit.json"
DEFAULT_INDEX_ENV = "SEARCHKIT_INDEX"
DEFAULT_INDEX_DIR = "index"
#: Facet value for documents without a publication date.
NO_DATE = "none"
#: Separates type, key and spelling in the entity-label field.
LABEL_SEP = "\x1f"
ENTITY_FIELDS = tuple(t.value for t in EntityType)
#: The title as every hit shows it, for ``title:`` in a query (the parser's ``FieldAliasPlugin``): the
#: ranking's ``title`` field leaves out a title taken from the first sentence and a kicker's
#: completing sentence (``indexed_title``), so "title:Baku" missed 44 of the demo's 50
#: articles, whose shown titles say "Baku" (a review of the docs). Not a default field: the
#: ranking counts each sentence once.
HEADLINE = "headline"
TEXT_FIELDS = ("title", "lead", "body", "names", HEADLINE)


def title_repeats_text(doc: Document) -> bool:
    """A title the reader took from the first sentence (sources without a headline) is already
    in the lead or body: indexed again with the title boost it would count that sentence four
    times and outrank what the query is about."""
    return _starts_text(doc, doc.title)


def _starts_text(doc: Document, title: str) -> bool:
    title = " ".join(title.split()).removesuffix("…").removesuffix("...").rstrip()
    if not title:
        return False
    start = " ".join(f"{doc.lead} {doc.body}".split())[: len(title) + 1]
    return start.startswith(title)


def indexed_title(doc: Document) -> str:
    """The text of the title field: the title, but none when the reader took it from the first
    sentence (``title_repeats_text``), and only the kicker when the reader completed a kicker
    with that sentence ("Nahost: Benjamin Netanjahu plant …", ``ingest.clean.title_with_kicker``:
    the sentence would count four times as well; found by a review)."""
    if title_repeats_text(doc):
        return ""
    if completed_kicker_sentence(doc.lead or doc.body, doc.title):
        return doc.title.partition(": ")[0]
    return doc.title


def _without_extraction(doc: Document) -> str:
    """A stored document as it was given, without what extraction added: what ``reextract``
    must find unchanged before it writes a document again (its date, url, source and metadata
    too, not only its text: a corrected date committed meanwhile was written back; found by a
    review)."""
    return doc.with_changes(entities=[], mentioned=[]).to_json()


def default_index_path() -> Path:
    """``$SEARCHKIT_INDEX`` if set, else ``./index``."""
    return Path(os.environ.get(DEFAULT_INDEX_ENV) or DEFAULT_INDEX_DIR)


def index_path(path: object) -> Path:
    """The folder of an index from what a caller gave (None: ``default_index_path``), or an
    ``ArgumentError`` said before anything is read or made: not a path (``Index.rebuild(5)``
    was a TypeError), empty (it opened the current folder), with a NUL character (a
    ValueError), or a path the system refuses to look at (a name too long, a file where a
    folder should be: raw OSErrors; found by a review)."""
    if path is None:
        target = default_index_path()
    else:
        if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
            raise ArgumentError(f"an index path is a string or a path, not {type(path).__name__}")
        if not os.fspath(path):
            raise ArgumentError("an index path cannot be empty (it opened the current folder)")
        target = Path(path)
    if "\x00" in str(target):
        raise ArgumentError(f"an index path cannot hold a NUL character: {shown(str(target))}")
    try:
        os.stat(target)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise ArgumentError(f"cannot use {shown(str(target))} as an index folder: {error.strerror or error}") from None
    return target


def date_number(day: Any) -> int:
    """yyyymmdd as an int: sortable, and readable when debugging."""
    return day.year * 10000 + day.month * 100 + day.day


def _clean_facet_value(value: str) -> str:
    return " ".join(value.replace(",", " ").replace(LABEL_SEP, " ").split())


#: Pauses (s) before the tries of ``Index._fresh_snapshot``: a folder swap takes microseconds;
#: a damaged index is reported after about 0.6 s.
REOPEN_DELAYS = (0.0, 0.02, 0.1, 0.5)


def _folder_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the index folder: a new folder at the same path has another one."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def facet_key(name: str) -> str:
    """The facet value an entity name is indexed under: its ``entity_key``, with the commas
    that separate values in the index replaced ("Force India 1:42,610" → "force india 1:42 610").
    Every lookup of a name among facet values goes through this."""
    return _clean_facet_value(entity_key(name))


def _entity_keys(entities: list[Entity]) -> dict[EntityType, dict[str, str]]:
    """Per entity type, each distinct name with its facet value (``entity_key``, cleaned):
    computed once per name, not once per type and use."""
    keyed: dict[EntityType, dict[str, str]] = {}
    for entity in entities:
        names = keyed.setdefault(entity.type, {})
        if entity.name not in names:
            names[entity.name] = facet_key(entity.name)
    return keyed


def document_fields(doc: Document) -> dict[str, Any]:
    """The fields of one document, as every engine indexes them: text fields as text, facet
    fields as comma-separated exact values, dates as yyyymmdd integers. Everything a hit needs
    is in the stored ``doc`` JSON. (The spelling words are no field: ``searchkit.spelling``.)"""
    fields: dict[str, Any] = {
        "id": doc.id,
        "content_hash": doc.content_hash(),
        "title": indexed_title(doc),
        HEADLINE: doc.title,
        "lead": doc.lead,
        "body": doc.body,
        "doc": doc.to_json(),
    }
    if doc.published:
        fields["year"] = str(doc.published.year)
        if doc.published.month:
            fields["month"] = doc.published.value[:7]
        fields["pub_start"] = date_number(doc.published.start())
        fields["pub_end"] = date_number(doc.published.end())
    else:
        # Explicit zeros: a missing column value would read as the column's default (max int).
        fields["year"] = NO_DATE
        fields["pub_start"] = fields["pub_end"] = 0
    if doc.mentioned:
        fields["mentioned"] = ",".join(sorted({str(d.year) for d in doc.mentioned}))
    labels = []
    keyed = _entity_keys(doc.entities)
    for etype in EntityType:
        names = keyed.get(etype)
        if not names:
            continue
        keys = sorted(set(names.values()) - {""})
        if keys:
            fields[etype.value] = ",".join(keys)
        labels += [LABEL_SEP.join((etype.value, key, _clean_facet_value(name))) for name, key in names.items()]
    if labels:
        fields["entity_label"] = ",".join(sorted(labels))
        fields["names"] = " ".join(e.name for e in doc.entities)
    return fields


@dataclass
class IngestReport:
    """What one ``Index.add`` call did; the CLI prints it, the API returns it."""

    added: int = 0
    updated: int = 0
    #: unchanged (same id, same content) or the content of another id (``duplicates``)
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    #: earlier versions of an id that the same call gives again later: the last version is
    #: the one written (and counted as added, updated or skipped)
    superseded: int = 0
    #: id skipped because its content is stored (or sent earlier in the batch) under another id →
    #: that id: a GET of the skipped id finds nothing, so a caller needs to know where it went
    duplicates: dict[str, str] = field(default_factory=dict)
    #: ids whose enrichment failed (their messages are in ``errors``)
    failed_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "superseded": self.superseded,
            "failed": self.failed,
            "errors": self.errors,
            "failed_ids": self.failed_ids,
            "duplicates": [{"id": one, "duplicate_of": other} for one, other in self.duplicates.items()],
        }

    def stored(self, ids: Iterable[str]) -> list[str]:
        """Of ``ids`` (the documents given to ``Index.add``), those the index now holds with the
        content given: added, updated or already there; not the duplicates, not the failures."""
        failed = set(self.failed_ids)
        return [one for one in dict.fromkeys(ids) if one not in self.duplicates and one not in failed]

    def merge(self, other: IngestReport) -> None:
        self.added += other.added
        self.updated += other.updated
        self.skipped += other.skipped
        self.superseded += other.superseded
        self.failed += other.failed
        self.errors += other.errors
        self.duplicates |= other.duplicates
        self.failed_ids += other.failed_ids


#: Older schema versions whose stored documents this searchkit still reads: their index differs
#: only in analysis (2: numbers were split at their separators; 3: the letters and words of
#: ``SCHEMA_VERSION`` 4; 4: nouns in -ung cut to the verb's stem; 5: no ``HEADLINE`` field), so
#: ``searchkit migrate`` re-indexes their documents, with their entities and dates, without the
#: sources.
COPYABLE_VERSIONS = frozenset({2, 3, 4, 5})


def read_metadata(path: Path, *, for_copy: bool = False) -> dict[str, Any]:
    """The metadata of the index at ``path``, with clear errors for every way it can be wrong;
    ``for_copy`` accepts the ``COPYABLE_VERSIONS`` too."""
    meta_file = path / METADATA_FILE
    if not path.exists():
        raise IndexNotFoundError(
            f"no index at {path}: build one with `searchkit index FILES --index {path}`"
            " (or `searchkit demo`; in Python `Index(path, create=True)`)"
        )
    if not meta_file.exists():
        foreign = foreign_engine(path)
        if foreign is not None:
            raise foreign_index_error(path, foreign)
        raise IndexNotFoundError(
            f"no index at {path}: build one with `searchkit index FILES --index {path}`"
            " (in Python `Index(path, create=True)`)"
        )
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexVersionError(
            f"the index metadata {meta_file} is damaged ({error}): rebuild with"
            f" `searchkit index FILES --index {path} --rebuild`"
        ) from error
    if not isinstance(meta, dict):
        raise IndexVersionError(
            f"the index metadata {meta_file} is damaged (not a JSON object): rebuild with"
            f" `searchkit index FILES --index {path} --rebuild`"
        )
    version = meta.get("schema_version")
    if version != SCHEMA_VERSION and not (for_copy and version in COPYABLE_VERSIONS):
        how = f"rebuild it with `searchkit index FILES --index {path} --rebuild`"
        if version in COPYABLE_VERSIONS:
            how = f"re-index its stored documents with `searchkit migrate --index {path}`, or {how}"
        raise IndexVersionError(
            f"the index at {path} has schema version {version}, this searchkit needs {SCHEMA_VERSION}: {how}"
        )
    return meta


def foreign_engine(path: Path) -> str | None:
    """The engine of an index in the folder ``path`` that has no searchkit metadata: "Whoosh"
    (its ``*.toc`` files), "tantivy" (its ``meta.json``, in the folder or in ``tantivy/`` as
    searchkit's tantivy engine keeps it), or None. Such a folder was said to hold no index,
    and the advice to build one there failed (a tantivy folder: found by a review); ``rebuild``
    replaces it."""
    if any(path.glob("*.toc")):
        return "Whoosh"
    if (path / "meta.json").is_file() or (path / "tantivy" / "meta.json").is_file():
        return "tantivy"
    return None


def foreign_index_error(path: Path, engine: str) -> IndexVersionError:
    """Opening (or creating an index in) a folder with a ``foreign_engine`` index: rebuild it."""
    return IndexVersionError(
        f"{path} holds a {engine} index that searchkit did not write: rebuild it with"
        f" `searchkit index FILES --index {path} --rebuild`"
    )


def write_metadata(path: Path, meta: dict[str, Any]) -> None:
    """Write metadata atomically (temp file + rename), so a crash never leaves half a file."""
    tmp = path / f"{METADATA_FILE}.{os.getpid()}-{os.urandom(4).hex()}.tmp"  # one per writer
    tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp, path / METADATA_FILE)


Enricher = Callable[[Document], Document]


def batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """``docs`` in lists of ``size`` (one commit each when indexing or copying)."""
    _check_count("batch_size", size)
    docs = iter(docs)
    while batch := list(islice(docs, size)):
        yield batch


def _documents_of(
    documents: Iterable[Document], *, stored: bool = False, known: Callable[[str], bool] = lambda _id: False
) -> list[Document]:
    """``Index.add``'s argument as a list, or ``DocumentError`` naming what is not a document
    (a dict from a JSON file, a string, None) or a document whose attributes were assigned
    wrongly after it was made (``model.check_document``): before anything is written. Not the
    latter for the index's own ``stored`` documents (``reextract``, ``migrate``), which may hold
    an id stored before a check of ids existed; nor the id checks for an id the index holds
    (``known``): a document read from the index and changed is written back under its old id
    (refusing it was found by a review of the check)."""
    if isinstance(documents, (str, bytes, Document)) or not isinstance(documents, Iterable):
        raise DocumentError(
            f"Index.add takes an iterable of Document objects, not {type(documents).__name__}"
            " (Document.from_dict reads a dict)"
        )
    batch = list(documents)
    for position, doc in enumerate(batch):
        if not isinstance(doc, Document):
            raise DocumentError(
                f"item {position} given to Index.add is a {type(doc).__name__}, not a Document"
                " (Document.from_dict reads a dict); nothing was added"
            )
        if not stored:
            try:
                _check_given(doc, known)
            except DocumentError as error:
                raise DocumentError(f"item {position} given to Index.add: {error}; nothing was added") from None
    return batch


def _check_given(doc: Document, known: Callable[[str], bool]) -> None:
    """``check_document`` of a document given to ``Index.add``: every id check for a new id,
    for one the index holds only that it is a non-empty string (asked only when a check fails,
    so the usual document costs no look-up)."""
    try:
        check_document(doc)
    except DocumentError:
        check_document(doc, new_id=False)
        if not known(doc.id):
            raise


def _has_text(doc: Document) -> bool:
    """Whether a document has a title, lead or body to find it by: one without was stored and
    found by nothing, and every other one without text was skipped as its copy (one content
    hash); the file readers and the write API refuse such a document ("no text")."""
    return any(part.strip() for part in (doc.title, doc.lead, doc.body))


def _check_count(name: str, value: int) -> None:
    """``batch_size`` and ``workers`` are whole numbers of at least one: a batch size below one
    would index nothing (or fail deep inside ``islice``), workers="2" failed inside the pool."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ArgumentError(f"{name} must be a whole number of at least 1, not {shown(value)}")


#: How many unknown ids a refused ``delete`` names.
MISSING_SHOWN = 10


def _check_ids(ids: Iterable[object], hint: str = "") -> None:
    """Document ids are strings (an int was "no document with id 7" for ``get``)."""
    wrong = [one for one in ids if not isinstance(one, str)]
    if wrong:
        raise DocumentError(f"document ids are strings, not {type(wrong[0]).__name__}{hint}")


#: Why ``Index.add`` fails a document without text (``_has_text``): the words of the readers
#: and the write API ("no text (expected a 'text', 'body', … field)").
NO_TEXT = "no text (a document needs a title, lead or body)"


def _fail(report: IngestReport, doc: Document, message: str) -> None:
    """Count ``doc`` as failed in ``report``, with ``message``."""
    report.failed += 1
    report.errors.append(f"{doc.id}: {message}")
    report.failed_ids.append(doc.id)


def _fail_copies_of_failures(batch: list[Document], seen_hashes: dict[str, str], report: IngestReport) -> None:
    """A document skipped as a copy of one earlier in the batch fails with it when that one
    failed: it was reported as a duplicate of a document that was never stored, and lost (a
    review). (A copy of a document already in the index stays a duplicate.)"""
    failed = set(report.failed_ids)
    if not failed or not report.duplicates:
        return
    for doc in batch:
        original = report.duplicates.get(doc.id)
        if original in failed and doc.id not in failed and seen_hashes.get(doc.content_hash()) == original:
            del report.duplicates[doc.id]
            report.skipped -= 1
            report.failed += 1
            report.failed_ids.append(doc.id)
            report.errors.append(f"{doc.id}: the same content as {original}, which failed")
            failed.add(doc.id)


def _check_enricher(enrich: object, *, required: bool = False) -> None:
    """``enrich`` is a function of a document (``searchkit.enrich``), or None where allowed:
    ``reextract(None)`` removed every document's entities and dates, and ``enrich=True`` was a
    TypeError in the middle of a batch (a review)."""
    if enrich is None and not required:
        return
    if not callable(enrich):
        hint = " (without one, every document would lose its entities and dates)" if required else ""
        raise ArgumentError(f"enrich must be a function of a Document such as searchkit.enrich, not {shown(enrich)}{hint}")


def _refuse_hit_options(method: str, options: dict[str, Any]) -> None:
    """``facets`` and ``facet_values`` take the options of a search that choose documents, not
    those of its hits (``HIT_OPTIONS``); an unknown option is refused with the known ones, which
    listed page, per_page and sort that these refuse (a review)."""
    from .request import HIT_OPTIONS, check_options

    given = [name for name in HIT_OPTIONS if name in options]
    if given:
        raise QueryError(f"{method}() counts documents, it lists none: it takes no {', '.join(given)}")
    check_options([name for name in options if name not in ("query", "request")], leave_out=HIT_OPTIONS)


def _safe(enrich: Enricher, doc: Document) -> Document | SearchkitError:
    """Run one enrichment; a document that cannot be enriched fails alone, not the batch: also
    when the enricher (perhaps the user's own) raises something else or returns no document,
    which aborted the batch (a review)."""
    try:
        enriched = enrich(doc)
    except SearchkitError as error:
        return error
    except Exception as error:  # noqa: BLE001 - reported per document in the IngestReport
        return DocumentError(f"enrichment failed: {type(error).__name__}: {error}")
    if not isinstance(enriched, Document):
        return DocumentError(f"enrichment returned {type(enriched).__name__}, not a Document")
    return _enriched_problem(doc, enriched) or enriched


def _enriched_problem(doc: Document, enriched: Document) -> DocumentError | None:
    """Why the enricher's document cannot be written in place of ``doc``, or None. It must keep
    the id: a new one was written with ``replaces=`` of the old one's number, which left two
    documents with the new id (found by a review). And it must be valid
    (``model.check_document``; its metadata completely when the enricher replaced it): a
    string among its entities was an AttributeError that lost the batch."""
    if enriched.id != doc.id:
        return DocumentError(f"enrichment changed the document's id to {shown(enriched.id)}; an enricher must keep the id")
    try:
        check_document(enriched, new_id=False)  # its input's id: checked, or as the index stored it
        if enriched.metadata is not doc.metadata:
            enriched._check_metadata()
    except DocumentError as error:
        return DocumentError(f"enrichment returned an invalid document: {error}")
    return None


def _map(enrich: Enricher | None, docs: list[Document], workers: int) -> Iterator[Document | SearchkitError]:
    """Enriched documents in input order, computed in a process pool when ``workers`` > 1."""
    if enrich is None:
        yield from docs
        return
    if workers <= 1 or len(docs) < 2 * workers:
        for doc in docs:
            yield _safe(enrich, doc)
        return
    import concurrent.futures
    import functools
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    from .processes import children_deaf_to_interrupts, ignore_interrupts, quiet_broken_pool_race

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    quiet_broken_pool_race()
    # The workers ignore Ctrl-C (the parent handles it: the pool is shut down, the batch is not
    # committed); each printed a traceback. They start with the first tasks, inside the block.
    with children_deaf_to_interrupts():
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context(method), initializer=ignore_interrupts
        )
        results = pool.map(functools.partial(_safe, enrich), docs, chunksize=8)
    done = 0
    finished = False
    try:
        for result in results:
            yield result
            done += 1
        finished = True
    except BrokenProcessPool:
        # A worker died (killed, out of memory). multiprocessing's Pool, used before, never
        # returned its tasks and the import hung for ever, also after a SIGTERM (a review):
        # the rest is enriched here, which gives the same documents.
        for doc in docs[done:]:
            yield _safe(enrich, doc)
        finished = True
    finally:
        if not finished:
            # Ctrl-C, or the batch given up: the workers (deaf to Ctrl-C) would finish their
            # chunks first, and the interpreter waits for them on exit: 16 s for long articles,
            # and a second Ctrl-C then hung it for good (a review). They are waited for: forked
            # while the writer held the index's lock, they hold tantivy's lock file too.
            workers = list((getattr(pool, "_processes", None) or {}).values())
            for process in workers:
                process.terminate()
            for process in workers:
                process.join(10)
        pool.shutdown(wait=finished, cancel_futures=True)


#: The snapshot a request of this thread reads (``Index._one_generation``), with its index.
_REQUEST_SNAPSHOT: ContextVar[tuple[Index, Snapshot] | None] = ContextVar("searchkit_request_snapshot", default=None)



def _is_merged(snapshot: Snapshot) -> bool:
    """Whether a committed index is one segment (or none) without deleted documents: what
    ``Index.optimize`` would write anyway."""
    return snapshot.segment_count() <= 1 and snapshot.doc_space() == snapshot.doc_count()

class Index:
    """A searchkit index on disk.

    >>> idx = Index("index", create=True)          # doctest: +SKIP
    >>> idx.add(searchkit.ingest.read_paths(["articles/"]))  # doctest: +SKIP
    >>> idx.search("Erdogan", filters={"year": ["2025"]})     # doctest: +SKIP

    ``engine`` chooses the engine of a new index ("whoosh", the default, or "tantivy"; see
    ``searchkit.engines``; without it ``SEARCHKIT_ENGINE`` chooses). An existing index is opened
    with the engine it was built with: ``engine=None`` (whatever ``SEARCHKIT_ENGINE`` says) opens
    it silently, an ``engine`` that names the other one is an ``IndexVersionError`` that names the
    index's engine and ``searchkit migrate`` (``Index.rebuild`` takes it for the new index).
    ``for_copy`` also opens an index of an older schema version whose documents can be copied
    (``COPYABLE_VERSIONS``): for ``migrate``, which re-indexes them.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = False,
        lock_timeout: float = 0.0,
        engine: str | None = None,
        for_copy: bool = False,
    ) -> None:
        for name, flag in (("create", create), ("for_copy", for_copy)):
            if not isinstance(flag, bool):  # create="no" created an index (a review)
                raise ArgumentError(f"{name} must be True or False, not {shown(flag)}")
        if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, (int, float)) or not lock_timeout >= 0:
            raise ArgumentError(f"lock_timeout is a number of seconds of at least 0, not {shown(lock_timeout)}")
        self.path = index_path(path)
        self.lock_timeout = lock_timeout
        if engine is not None:
            check_engine(engine)  # (opening an index with engine="lucene" proposed to migrate it)
        if create and not (self.path / METADATA_FILE).exists():
            self._create(check_engine(engine or default_engine()))
        #: an index of an older schema version opened to copy its documents (``migrate``)
        self.for_copy = for_copy
        self.metadata = read_metadata(self.path, for_copy=for_copy)
        self.engine_name = check_engine(self.metadata.get("engine", "whoosh"))
        if engine is not None and engine != self.engine_name:
            raise IndexVersionError(
                f"the index at {self.path} uses the {self.engine_name} engine, not {engine}: convert it"
                f" with `searchkit migrate --index {self.path} --engine {engine}` (or copy it with"
                f" `--to NEW_FOLDER`), or build it anew with `searchkit index FILES --index {self.path}"
                f" --rebuild --engine {engine}`"
            )
        self._engine: Engine = engine_class(self.engine_name).open(self.path)
        #: which folder this object opened: a rebuild or an in-place migration replaces it
        self._folder_id = _folder_identity(self.path)
        self._snapshot_lock = threading.Lock()
        #: Whoosh's readers are not safe for concurrent use: reads of one Index take turns
        #: (threads share the GIL anyway; parallel searching is per process, serve --workers N).
        self._read_lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._facet_cache: Any = None
        #: (generation, vocabulary, exact) of the last ``spelling()`` or commit of this object
        self._spelling_cache: tuple[int, Vocabulary, bool] | None = None

    # -- creation ---------------------------------------------------------------------------
    def _create(self, engine: str) -> None:
        """A new, empty index at ``self.path``, built in a folder beside it and renamed into
        place: two processes that create one index at the same moment (two cron jobs, a server
        and ``searchkit index``) both wrote into the folder, and one failed with Whoosh's raw
        NameError or FileNotFoundError, or was told the folder was no index (found by a
        review). Now one rename wins and the other process opens what it made."""
        if self._made_by_another():
            return
        if self.path.exists() and (not self.path.is_dir() or any(self.path.iterdir())):
            foreign = foreign_engine(self.path) if self.path.is_dir() else None
            if foreign is not None:  # (said to be no index folder, with no word of --rebuild)
                raise foreign_index_error(self.path, foreign)
            raise IndexVersionError(
                f"{self.path} exists and is not an empty folder or a searchkit index;"
                " choose another folder (--index)"
            )
        fresh = self.path.with_name(f".{self.path.name}.create-{os.getpid()}-{os.urandom(4).hex()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh.mkdir()
        except OSError as error:  # (a raw FileExistsError where a file stood in the path: a review)
            raise ArgumentError(f"cannot create an index at {shown(str(self.path))}: {error.strerror or error}") from None
        try:
            engine_class(engine).create(fresh)
            write_metadata(fresh, {"format": "searchkit", "schema_version": SCHEMA_VERSION, "engine": engine})
            self._move_into_place(fresh)
        finally:
            if fresh.exists():
                import shutil

                shutil.rmtree(fresh, ignore_errors=True)

    def _made_by_another(self) -> bool:
        return (self.path / METADATA_FILE).exists()

    def _move_into_place(self, fresh: Path) -> None:
        """Rename the new index ``fresh`` to ``self.path`` (which may be an empty folder), unless
        another process's index got there first."""
        try:
            os.rename(fresh, self.path)  # replaces an empty folder (POSIX)
            return
        except OSError:
            if self._made_by_another():
                return
            if not (self.path.is_dir() and not any(self.path.iterdir())):
                raise
        self.path.rmdir()  # an empty folder that the rename could not replace (Windows)
        os.rename(fresh, self.path)

    @classmethod
    def rebuild(cls, path: str | os.PathLike[str] | None = None, *, engine: str | None = None) -> Index:
        """Create an empty index at ``path``, replacing a searchkit or foreign index there, with
        the engine it had unless ``engine`` says otherwise. ``IndexLockedError`` while another
        writer works on it (found by a review: the rebuild deleted the folder under a running
        writer, whose batches were lost, and a tantivy index came back as Whoosh)."""
        target = index_path(path)
        if not target.exists() or (target.is_dir() and not any(target.iterdir())):
            return cls(target, create=True, engine=engine)
        import shutil

        looks_like_index = (target / METADATA_FILE).exists() or foreign_engine(target) is not None
        if not looks_like_index:
            raise IndexVersionError(f"refusing to replace {target}: it is not an index folder")
        try:
            old: Index | None = cls(target)
        except (IndexVersionError, EngineError):
            old = None  # damaged, foreign, or an engine not installed: nothing can write to it
        engine = engine or (old.engine_name if old is not None else None)
        # The empty index is made beside the old one and swapped in while the old one's write
        # lock is held: no writer commits into a folder being deleted, and readers see the old
        # index or the complete new one (a review found both a writer's batches lost and
        # readers meeting a half-built folder).
        fresh = target.with_name(f".{target.name}.rebuild-{os.getpid()}-{os.urandom(4).hex()}")
        cls(fresh, create=True, engine=engine).close()
        replaced = target.with_name(f".{target.name}.replaced-{os.getpid()}-{os.urandom(4).hex()}")
        try:
            with old.write_lock() if old is not None else contextlib.nullcontext():
                target.rename(replaced)
                fresh.rename(target)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        finally:
            if old is not None:
                old.close()
        shutil.rmtree(replaced, ignore_errors=True)
        return cls(target)

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the index's write lock: no writer of any process commits meanwhile (what an
        in-place ``migrate`` needs while it copies and swaps the folder). ``IndexLockedError``
        when another writer holds it for longer than ``lock_timeout``."""
        with self._engine.write_lock(timeout=self.lock_timeout):
            yield

    @property
    def instance(self) -> str:
        """Tells apart the indexes that have stood at this path: a rebuild or an in-place
        migration starts again at the same generation numbers (for HTTP ETags)."""
        return f"{self._folder_id[1]:x}" if self._folder_id else "0"

    # -- reading ----------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The newest committed generation, reused across calls and replaced when a commit
        changed the index (by this process or another one); within one request
        (``_one_generation``) the generation the request started on."""
        pinned = _REQUEST_SNAPSHOT.get()
        if pinned is not None and pinned[0] is self:
            return pinned[1]
        with self._snapshot_lock:
            if self._snapshot is None or not self._snapshot.up_to_date():
                # A new snapshot, never a refresh in place: requests of other threads may still
                # be using the old one (it is closed when the last of them lets go).
                self._snapshot = self._fresh_snapshot()
            return self._snapshot

    def _fresh_snapshot(self) -> Snapshot:
        """The newest generation; tried again a few times when the folder is missing or
        unreadable for a moment (another process swapping in a rebuilt or migrated index)."""
        for delay in REOPEN_DELAYS:
            time.sleep(delay)
            try:
                self._reopen_if_replaced()
                return self._engine.snapshot()
            except (IndexNotFoundError, IndexVersionError) as error:
                failure = error
        raise failure

    def _reopen_if_replaced(self) -> None:
        """Open the index again when its folder was replaced (``rebuild``, an in-place
        ``migrate`` to another engine): a server kept serving the deleted index, or answered 500
        until restarted (found by a review)."""
        identity = self._another_folder()
        if identity is None:
            return
        self.metadata = read_metadata(self.path, for_copy=self.for_copy)
        self.engine_name = check_engine(self.metadata.get("engine", "whoosh"))
        self._engine = engine_class(self.engine_name).open(self.path)
        self._folder_id = identity
        self._facet_cache = None
        self._spelling_cache = None

    @contextlib.contextmanager
    def _one_generation(self) -> Iterator[None]:
        """One request reads one generation: its hits, facet arrays and spelling list agree even
        when a commit lands meanwhile, and the freshness check (a directory listing on Whoosh)
        runs once, not for each of them."""
        token = _REQUEST_SNAPSHOT.set((self, self.snapshot()))
        try:
            yield
        finally:
            _REQUEST_SNAPSHOT.reset(token)

    def reading(self) -> threading.RLock:
        """The lock that reads of this Index take turns on (``with index.reading(): ...`` when
        using ``snapshot()`` directly from several threads)."""
        return self._read_lock

    def generation(self) -> int:
        """Changes with every commit; used for caches and HTTP ETags."""
        return self.snapshot().generation

    def __len__(self) -> int:
        return self.snapshot().doc_count()

    def __contains__(self, doc_id: object) -> bool:
        with self._read_lock:
            return self._docnum(self.snapshot(), doc_id) is not None

    @staticmethod
    def _docnum(snapshot: Snapshot, doc_id: object) -> int | None:
        """The document number of an id, or None. An id with a lone surrogate ("\\ud800", from a
        broken JSON escape or file name) names no document: ids are stored as UTF-8, which has
        no such character (the engines raised a UnicodeEncodeError or ValueError)."""
        text = str(doc_id)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        # composed (how ids are stored), then as typed or decomposed: an index written before
        # ids were NFC (a macOS file name is NFD)
        forms = (nfc(text),) if text.isascii() else (nfc(text), text, unicodedata.normalize("NFD", text))
        for form in dict.fromkeys(forms):
            found = snapshot.docnum("id", form)
            if found is not None:
                return found
        return None

    def get(self, doc_id: str) -> Document:
        """The stored document with this id (raises ``DocumentNotFoundError``; an id that is no
        string is a ``DocumentError``, as for ``delete``)."""
        _check_ids([doc_id])
        with self._read_lock:
            snapshot = self.snapshot()
            docnum = self._docnum(snapshot, doc_id)
            if docnum is None:
                raise document_not_found(doc_id)
            return Document.from_stored(snapshot.stored(docnum))

    def documents(self) -> Iterator[Document]:
        """Every document, in index order (for export and re-extraction)."""
        for stored in self.snapshot().iter_stored():
            yield Document.from_stored(stored)

    def facet_data(self) -> FacetData:
        """Per-document facet arrays of the current generation (see ``facets.FacetData``): the
        index's own, shared by its searches, so read-only (the arrays refuse writes, the value
        lists are tuples)."""
        from .facets import FacetData

        with self._read_lock:
            snapshot = self.snapshot()
            cache = self._facet_cache
            if cache is None or cache.snapshot is not snapshot:
                cache = self._facet_cache = FacetData.load_or_build(snapshot, self.path)
            return cache

    def spelling(self) -> Vocabulary:
        """The words of the current generation's texts with their document counts (what
        "Meinten Sie …?" suggests from; see ``searchkit.spelling``): the index's own, shared
        by its searches, so read-only (its words are a tuple, its counts refuse writes)."""
        with self._read_lock:
            snapshot = self.snapshot()
            cached = self._spelling_cache
            if cached is not None and cached[0] == snapshot.generation:
                # a stand-in list is kept until the file of this generation appears
                if cached[2] or not spelling.path_of(self.path, snapshot.generation).exists():
                    return cached[1]
            vocabulary, exact = spelling.for_reading(snapshot, self.path)
            self._spelling_cache = (snapshot.generation, vocabulary, exact)
            return vocabulary

    def _spelling_base(self, committed: Snapshot) -> Vocabulary:
        """The exact vocabulary a batch starts from (kept from this object's last commit)."""
        cached = self._spelling_cache
        if cached is not None and cached[0] == committed.generation and cached[2]:
            return cached[1]
        return spelling.of_snapshot(committed, self.path)

    def _commit(
        self, writer: Writer, committed: Snapshot, base: Vocabulary, change: spelling.Change, *, optimize: bool = False,
        learned: list[tuple[str, tuple[str, ...]]] | None = None,
    ) -> None:
        """Commit ``writer`` and save the spelling vocabulary of the new generation: ``base``
        (of ``committed``, read before the batch changed anything) with ``change``; and the
        words the batch's analysis ``learned`` (``known_words``)."""
        # whether a words file started afresh now lacks documents' words (``known_words.PARTIAL``);
        # read before the commit closes the snapshot. On Whoosh the writer's own snapshot
        # already leaves out what the batch replaces (exact); on tantivy it does not (a
        # replaced document counts: a needless rebuild at worst)
        had_documents = committed.doc_count() > 0
        try:
            generation = writer.commit(optimize=optimize)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()  # a commit that failed half-way must not keep the write lock
            raise
        vocabulary = spelling.after_commit(self.path, base, committed.generation, generation, change)
        self._spelling_cache = (generation, vocabulary, True)
        known_words.save(
            self.path, [*(learned or ()), *writer.learned_words()], had_documents=had_documents
        )

    def search(self, query: str = "", **options: Any) -> SearchResult:
        """Search the index: ``query`` in the query language (README), ``options`` those of
        ``SearchRequest``: ``filters`` (facet → values; German names too: "ort", "jahr"),
        ``date_from``/``date_to``, ``sort``
        ("relevance", "date_desc", "date_asc"), ``page``, ``per_page`` (0–100), ``operator``
        ("auto", "and", "or"), ``facet_size``, ``facets`` and ``highlight`` (False: skip them),
        ``parse_dates`` (date phrases in the query as filters), ``today`` (what "gestern"
        means). A whole ``SearchRequest`` can be given as ``request=`` instead. Bad options
        are a ``QueryError`` (or ``DateError``) that says which."""
        from .request import make_request
        from .search import run_search

        request = make_request(query, **options)
        if request.highlight or request.query:
            # the hits' words for the marks and the second stage, analysed by the writer
            known_words.load(self.path)
        with self._read_lock, self._one_generation():
            return run_search(self, request)

    def warm(self) -> None:
        """Read now what the first search would otherwise wait for: the analyzer's word lists
        (compound lexicon, lemma table), the words' terms kept beside the index
        (``known_words``), the facet arrays with the entity names' index words and word
        indexes (``FacetData.read_ahead``), and the spelling list. A serving process calls it
        when it starts (``searchkit serve``), so that its first request is answered as fast
        as the next ones."""
        analysis.load_word_lists()
        known_words.load(self.path)
        with self._read_lock, self._one_generation():
            self.facet_data().read_ahead()
            self.spelling()

    def facets(self, **options: Any) -> list[Facet]:
        """Facet counts over the whole index, or within a search: ``query`` and the options of
        ``search`` that choose documents (``filters``, dates, ``operator``, ``facet_size``), or
        a whole ``request=``."""
        from .request import make_request

        _refuse_hit_options("facets", options)
        request = make_request(options.pop("query", ""), **options)
        return self.search(request=dataclasses.replace(request, per_page=0, page=1)).facets

    def facet_values(self, facet: str, text: str = "", *, limit: int = 20, query: str = "", **options: Any) -> list[FacetValue]:
        """Values of one facet whose label contains ``text`` ("Erd" → Erdoğan), with counts,
        counted within the search that ``query`` and the options that choose documents make."""
        _refuse_hit_options("facet_values", options)
        from .request import make_request
        from .search import facet_values

        request = make_request(query, **options)
        with self._read_lock, self._one_generation():
            return facet_values(self, request, facet, text, limit)

    def entity_names(self, doc: Document) -> list[Entity]:
        """The document's people, places and organisations as the facets name them (merged
        spellings, cases and abbreviations once each, places in the nominative)."""
        return self.facet_data().entity_names(list(doc.entities))  # type: ignore[no-any-return]

    def entity(self, facet: str, name: str, *, top: int = 10) -> EntityReport:
        """The entity page: documents over time and co-occurring entities."""
        from .entity_report import entity_report

        with self._read_lock, self._one_generation():
            return entity_report(self, facet, name, top=top)

    def similar(self, doc_id: str, *, limit: int = 5) -> list[Document]:
        """Up to ``limit`` (1–50) documents most like the one with ``doc_id``, best first (the
        document page's "Ähnliche Artikel", ``/api/similar``)."""
        from .similar import similar_documents

        _check_ids([doc_id])
        return similar_documents(self, doc_id, limit)

    def reextract(
        self, enrich: Enricher, *, workers: int = 1, batch_size: int = 500,
        on_document: Callable[[Document, str], None] | None = None, optimize: bool = True,
    ) -> IngestReport:
        """Run entity and date extraction again over the stored documents (after a better model
        or a new alias file) without re-reading the sources. One commit per batch, then (with
        ``optimize``) one merge: every document was rewritten, so the old segments hold only
        deleted copies and the new ones are many small ones. Measured on 5,190 articles: 12
        segments and 87 MB before the merge, 1 and 36 MB after it; a rare word's answer 0.84 →
        0.42 ms."""
        _check_enricher(enrich, required=True)
        _check_count("workers", workers)
        _check_count("batch_size", batch_size)
        report = IngestReport()
        ids = [doc.id for doc in self.documents()]
        for start in range(0, len(ids), batch_size):
            batch = [doc for doc in map(self._stored_or_none, ids[start : start + batch_size]) if doc is not None]
            stripped = [d.with_changes(entities=[], mentioned=[]) for d in batch]
            # written only where the index still holds what was read (another writer may commit
            # while this batch is read or waits for the lock)
            expected = {d.id: _without_extraction(d) for d in batch}
            report.merge(self._add(stripped, enrich=enrich, workers=workers, force=True, on_document=on_document,
                                   expected=expected))
        if optimize and report.updated and self.segment_count() > 1:
            self.optimize()
        return report

    def info(self, *, top: int = 5) -> dict[str, Any]:
        """Document count, date range and top facet values: what ``searchkit info`` shows."""
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 1000:
            # (its facet_size: the message named an argument the caller never gave, a review)
            raise QueryError(f"top must be an integer between 1 and 1000, not {shown(top)}")
        data = self.facet_data()
        result = self.facets(facet_size=top)
        return {
            "path": str(self.path),
            "documents": len(self),
            "schema_version": SCHEMA_VERSION,
            "engine": self.engine_name,
            "generation": self.generation(),
            "date_range": data.date_range(),
            "facets": [facet.to_dict() for facet in result],
        }

    # -- writing ----------------------------------------------------------------------------
    def _writer(self, procs: int = 1) -> Writer:
        """A writer of the index at this path as it is now: after another process rebuilt it or
        migrated it in place, the old engine's writer failed (a server's write answered 500 or
        423 until a read reopened the folder) or, on a rebuilt index that had reached the same
        generation, started from the replaced index's spelling list (found by a review). Also
        when the folder is swapped while the write waits for the lock (a migration holds it
        while it copies): the writer is then given up and taken anew (a review of that fix)."""
        with self._snapshot_lock:
            self._reopen_if_replaced()
        try:
            writer = self._engine.writer(timeout=self.lock_timeout, procs=procs)
        except Exception:
            if self._another_folder() is None:
                raise
            # the old engine's writer failed on the new folder
        else:
            if self._another_folder() is None:
                return writer
            # swapped while this write waited for the lock (the migration holds it while it
            # copies): the writer holds the new folder's lock through the old engine
            writer.cancel()
        with self._snapshot_lock:
            self._reopen_if_replaced()
        return self._engine.writer(timeout=self.lock_timeout, procs=procs)

    def _another_folder(self) -> tuple[int, int] | None:
        """The identity of another folder that stands at this index's path now, or None."""
        identity = _folder_identity(self.path)
        return identity if identity is not None and identity != self._folder_id else None

    def add(
        self,
        documents: Iterable[Document],
        *,
        enrich: Enricher | None = None,
        workers: int = 1,
        force: bool = False,
        on_document: Callable[[Document, str], None] | None = None,
    ) -> IngestReport:
        """Add or update documents in one atomic commit.

        A document whose id exists with the same content, or whose content exists under another
        id, is skipped; an existing id with new content is replaced; of one id given twice the
        last version wins (the earlier ones count as ``superseded``). ``enrich`` (normally
        ``searchkit.enrich``) runs on new or changed documents only (``force`` rewrites
        unchanged ones too), in ``workers`` processes when more than one. If anything
        interrupts the call (Ctrl-C included) nothing of it is committed.

        A document without text (no title, lead or body), or whose enrichment fails, changes
        its id or returns an invalid document, fails alone (``IngestReport.failed``). Anything
        that is no valid ``Document`` (also one whose attributes were set wrongly after it was
        made) is a ``DocumentError`` before anything is written.

        The batch is held in memory (Whoosh cannot drop a document it has buffered, so duplicate
        ids are resolved first); feed large archives in batches, as the CLI does.
        """
        return self._add(documents, enrich=enrich, workers=workers, force=force, on_document=on_document)

    def _add(
        self,
        documents: Iterable[Document],
        *,
        enrich: Enricher | None = None,
        workers: int = 1,
        force: bool = False,
        on_document: Callable[[Document, str], None] | None = None,
        exact: bool = False,
        expected: Mapping[str, str] | None = None,
    ) -> IngestReport:
        """``add``, and the two ways the index's own copies write: ``exact`` (``migrate``) keeps
        every document as given, also one whose content another id holds (an update may have
        made it so: the copy dropped such a document, found by a review); ``expected`` (id →
        content hash, ``reextract``) writes a document only while the index still holds it with
        that content, read under the write lock: a commit of another writer between the
        reading of a batch and its writing was undone (found by a review)."""
        _check_enricher(enrich)
        _check_count("workers", workers)
        report = IngestReport()
        stored = exact or expected is not None  # the index's own documents, as it stored them
        batch = _documents_of(documents, stored=stored, known=self.__contains__)
        last_of_id = {doc.id: position for position, doc in enumerate(batch)}
        writer = self._writer(procs=workers)
        change = spelling.Change()
        try:
            with analysis.learning() as learned:
                committed = writer.snapshot()
                base = self._spelling_base(committed)
                seen_hashes: dict[str, str] = {}
                todo: list[tuple[Document, int | None]] = []
                for position, doc in enumerate(batch):
                    if last_of_id[doc.id] == position:
                        if not stored and not _has_text(doc):
                            _fail(report, doc, NO_TEXT)
                            if on_document:
                                on_document(doc, "failed")
                            continue
                        if expected is not None and not self._still_as_read(committed, doc.id, expected):
                            report.skipped += 1
                            outcome = "skipped"
                            if on_document:
                                on_document(doc, outcome)
                            continue
                        outcome, existing = self._triage(committed, doc, seen_hashes, report, force, exact)
                        if outcome in ("added", "updated"):
                            todo.append((doc, existing))
                    else:  # a later version of this id in the same batch replaces it
                        report.superseded += 1
                        outcome = "superseded"
                    if on_document and outcome in ("skipped", "superseded"):
                        on_document(doc, outcome)
                # closed here, not by the garbage collector: its pool is terminated while the
                # interpreter is whole (after a Ctrl-C, "Exception ignored in: <generator _map>"
                # from the pool's terminate, and once a command that never ended)
                with contextlib.closing(_map(enrich, [d for d, _ in todo], workers)) as prepared_documents:
                    self._write_prepared(writer, committed, todo, prepared_documents, report, change, on_document)
                _fail_copies_of_failures(batch, seen_hashes, report)
        except BaseException:
            writer.cancel()
            raise
        if not report.added and not report.updated:
            # nothing to write (every document skipped as indexed, or failed): no new
            # generation, which would end every server's caches and ETags for nothing; running
            # a finished import again committed once per batch (found by a review)
            writer.cancel()
            return report
        self._commit(writer, committed, base, change, learned=learned)
        return report

    @staticmethod
    def _write_prepared(
        writer: Writer,
        committed: Snapshot,
        todo: list[tuple[Document, int | None]],
        prepared_documents: Iterator[Document | SearchkitError],
        report: IngestReport,
        change: spelling.Change,
        on_document: Callable[[Document, str], None] | None,
    ) -> None:
        """Write each enriched document of ``todo`` (or count its failure)."""
        for (doc, existing), prepared in zip(todo, prepared_documents):
            if isinstance(prepared, SearchkitError):
                # counted as added or updated when it was sorted; it is neither (the report
                # said "added 3, failed 2" for one document stored)
                if existing is None:
                    report.added -= 1
                else:
                    report.updated -= 1
                _fail(report, doc, str(prepared))
                outcome = "failed"
            else:
                old = Document.from_stored(committed.stored(existing)) if existing is not None else None
                if old is not None and old.id != prepared.id:
                    # stored in another Unicode form by an older version (NFD): replaced by id
                    writer.delete(old.id)
                    writer.add_document(prepared)
                else:
                    writer.add_document(prepared, replaces=existing)
                change.add(prepared)
                if old is not None:
                    change.remove(old)
                outcome = "written"
            if on_document:
                on_document(doc, outcome)

    @staticmethod
    def _triage(
        committed: Snapshot,
        doc: Document,
        seen_hashes: dict[str, str],
        report: IngestReport,
        force: bool = False,
        exact: bool = False,
    ) -> tuple[str, int | None]:
        """Decide what happens to the last version of one id in a batch: skipped, added or
        updated (with the document number it replaces). ``seen_hashes``: the content of the
        batch's documents so far → their ids. ``exact``: no document is a duplicate of another."""
        content_hash = doc.content_hash()
        existing = Index._docnum(committed, doc.id)
        if exact:
            if existing is None:
                report.added += 1
                return "added", None
            report.updated += 1
            return "updated", existing
        if content_hash in seen_hashes:
            report.skipped += 1
            report.duplicates[doc.id] = seen_hashes[content_hash]
            return "skipped", existing
        same_content = committed.docnum("content_hash", content_hash)
        if force and existing is not None and same_content == existing:
            same_content = None
        if same_content is not None and (existing is None or same_content == existing):
            report.skipped += 1
            if same_content != existing:
                report.duplicates[doc.id] = Document.from_stored(committed.stored(same_content)).id
            return "skipped", existing
        seen_hashes[content_hash] = doc.id
        if existing is not None:
            report.updated += 1
            return "updated", existing
        report.added += 1
        return "added", None

    def _stored_or_none(self, doc_id: str) -> Document | None:
        """The stored document, or None when it is gone (deleted since its id was listed)."""
        try:
            return self.get(doc_id)
        except DocumentNotFoundError:
            return None

    @staticmethod
    def _still_as_read(committed: Snapshot, doc_id: str, expected: Mapping[str, str]) -> bool:
        """Whether the committed generation holds ``doc_id`` with the content hash read before."""
        existing = Index._docnum(committed, doc_id)
        if existing is None:
            return False  # deleted meanwhile: not brought back
        return _without_extraction(Document.from_stored(committed.stored(existing))) == expected.get(doc_id)

    def delete(self, doc_id: str, *more_ids: str) -> int:
        """Delete documents by id in one commit and return how many. All or nothing: if one id
        names no document, ``DocumentNotFoundError`` names every such id and nothing is deleted
        (a half-done batch would leave the caller guessing which ids are gone)."""
        _check_ids((doc_id, *more_ids), " (several ids: delete(a, b, ...))")
        doc_ids = list(dict.fromkeys((doc_id, *more_ids)))
        missing = [one for one in doc_ids if one not in self]
        if missing:
            listed = ", ".join(shown(one) for one in missing[:MISSING_SHOWN])
            if len(missing) > MISSING_SHOWN:
                listed += f" and {len(missing) - MISSING_SHOWN} more"
            raise DocumentNotFoundError(f"no document with id {listed}" + ("; nothing deleted" if len(doc_ids) > 1 else ""))
        writer = self._writer()
        change = spelling.Change()
        try:
            committed = writer.snapshot()
            base = self._spelling_base(committed)
            for one in doc_ids:
                docnum = self._docnum(committed, one)
                if docnum is not None:
                    document = Document.from_stored(committed.stored(docnum))
                    change.remove(document)
                    one = document.id  # as stored: NFC, or as an older index wrote it
                writer.delete(one)
        except BaseException:
            writer.cancel()
            raise
        self._commit(writer, committed, base, change)
        return len(doc_ids)

    def segment_count(self) -> int:
        """How many segments the index has (each commit may add one; queries visit them all)."""
        return self.snapshot().segment_count()

    def optimize(
        self, *, words: bool | None = None, on_document: Callable[[Document, str], None] | None = None
    ) -> bool:
        """Merge all segments into one. Queries on an index built in many batches get about 2x
        faster (Whoosh, XQuAD-de, 12 → 1 segments: 58 → 23 ms); it rewrites the whole index, so
        it is worth it after a bulk import, not after every small update. Atomic like any
        commit. An index of one segment without deleted documents is left as it is (False):
        a new generation would gain nothing and end every server's caches and ETags.

        Then the words kept beside the index (``words.tsv``, ``known_words``) are written anew
        from the stored documents (``rebuild_known_words``, ``on_document`` after each) when
        the file is missing, of another analyzer or partial (``known_words.needs_rebuild``;
        ``words=None``; a failure there is a
        warning: the file is a cache), always (``words=True``; a failure raises) or never
        (``words=False``)."""
        writer = self._writer()
        try:
            committed = writer.snapshot()
            merged = not _is_merged(committed)
            base = self._spelling_base(committed) if merged else None
        except BaseException:
            writer.cancel()
            raise
        if merged:
            self._commit(writer, committed, base, spelling.Change(), optimize=True)
        else:
            writer.cancel()
        if words:
            self.rebuild_known_words(on_document=on_document)
        elif words is None:
            try:
                if known_words.needs_rebuild(self.path):
                    self.rebuild_known_words(on_document=on_document)
            except Exception as error:  # noqa: BLE001 - a cache: the merge is committed
                import warnings

                warnings.warn(f"could not rebuild {known_words.FILE_NAME} in {self.path}: {error}", stacklevel=2)
        return merged

    def rebuild_known_words(self, *, on_document: Callable[[Document, str], None] | None = None) -> int:
        """Write the words kept beside the index (``words.tsv``: each word of the indexed texts
        with its index terms, which a searching process reads instead of analysing its hits'
        words) anew from every stored document's text fields, analysed as writing analyses
        them: what the commits that stored those documents appended. For a file that is
        missing (an index of an older version, a copy without it), of another analyzer, or
        partial (started by a commit over documents it lacks), which only the words of later
        commits would fill; ``optimize`` calls it for such a
        file. Safe beside writers and readers of other processes (``known_words.rebuild``: a
        new file renamed over the old one under its lock, with the words commits appended
        meanwhile; interrupted, the old file stays). ``on_document(doc, "read")`` is called
        after each document. Returns how many words the file holds."""

        def texts() -> Iterator[tuple[str, ...]]:
            snapshot = self._fresh_snapshot()  # this call's own: reads of this object go on
            try:
                for stored in snapshot.iter_stored():
                    doc = Document.from_stored(stored)
                    fields = document_fields(doc)
                    yield tuple(fields.get(name) or "" for name in TEXT_FIELDS)
                    if on_document is not None:
                        on_document(doc, "read")
            finally:
                snapshot.close()

        return known_words.rebuild(self.path, texts)

    def migrate(
        self, target: str | os.PathLike[str], *, engine: str, batch_size: int = 500,
        on_document: Callable[[Document, str], None] | None = None,
    ) -> Index:
        """Copy every document, with its extracted entities and dates, into a new index at
        ``target`` built by ``engine`` and this searchkit's analysis (so an index of an older
        schema version, opened ``for_copy``, is upgraded); the source stays as it is. Nothing
        is re-extracted. The
        copy, written one commit per batch, is merged into one segment at the end (a bulk
        import: see ``reextract``)."""
        _check_count("batch_size", batch_size)
        copy = Index(target, create=True, engine=engine)
        if len(copy):
            raise IndexVersionError(f"{copy.path} already holds documents; migrate into a new folder")
        for batch in batches(self.documents(), batch_size):
            copy._add(batch, on_document=on_document, exact=True)
        if copy.segment_count() > 1:
            copy.optimize()
        return copy

    def close(self) -> None:
        """Let go of this object's reader and caches (memory, open files). Readers take no
        lock, so nothing else waits for this; a later call reads the current generation again."""
        with self._snapshot_lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None
        self._facet_cache = None
        self._spelling_cache = None

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r}, engine={self.engine_name!r})"

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
