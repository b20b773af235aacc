"""Retrieval quality: MRR@10, nDCG@10 and Recall@100 of searchkit (and plain-engine baselines)
on any documents/queries/judgments set.

The three input files:

``DOCS.jsonl``     one ``{"id": ..., "title": ... (optional), "text": ...}`` object a line
``QUERIES.tsv``    ``query_id<TAB>query text`` a line
``QRELS.txt``      TREC qrels, ``query_id 0 doc_id relevance`` a line (relevance > 0 = relevant)

searchkit indexes the documents into a temporary index with its real pipeline (the JSON-lines
reader's document mapping and cleaning, ``searchkit.enrich``, ``Index.add`` in batches as the CLI
does) and runs every query exactly as a user would type it (``Index.search``, natural language,
no syntax). With ``baselines=True`` the same files are also indexed, in the same process, by
Whoosh with ``StandardAnalyzer``, Whoosh with ``LanguageAnalyzer("de")`` and tantivy with a
German-stemming analyzer; the baselines search title and text with BM25 and OR queries, with the
user text escaped so that question marks and other syntax characters are taken literally.

Metrics come from ``ranx``; a system's run is the engine's own order of its top 100 hits.

    >>> result = evaluate_retrieval(Path("docs.jsonl"), Path("queries.tsv"), Path("qrels.txt"),
    ...                             baselines=True)              # doctest: +SKIP
    >>> print(format_retrieval_table(result))                    # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import IngestError, QueryError, SearchkitError

#: The figures every system gets, as ranx names them.
METRICS = ("mrr@10", "ndcg@10", "recall@100")
#: How many hits of each query are kept (Recall@100 needs 100).
DEPTH = 100
#: Documents per commit for searchkit, as ``searchkit index`` does it.
BATCH_SIZE = 500

#: Display names of the systems, in table order.
LABELS = {
    "whoosh-standard": "Whoosh StandardAnalyzer",
    "whoosh-lang-de": 'Whoosh LanguageAnalyzer("de")',
    "tantivy-de": "tantivy (simple, lowercase, German stemmer)",
    "searchkit": "searchkit",
}
#: The baseline searchkit's indexing time is compared with (issue 4: at most 1.5x slower).
SPEED_REFERENCE = "whoosh-lang-de"
#: Issue 4's limit for the analyzer alone: indexing with searchkit's analyzer may take at most
#: this many times as long as with Whoosh's ``LanguageAnalyzer("de")``.
ANALYZER_TIME_LIMIT = 1.5
#: Rounds of the analyzer comparison (alternating; the fastest of each counts).
ANALYZER_ROUNDS = 2


# -- reading the three files ---------------------------------------------------------------------
@dataclass(frozen=True)
class EvalDocument:
    """One document of DOCS.jsonl (``line`` for error messages)."""

    id: str
    title: str
    text: str
    line: int


def _lines(path: Path, error: type[SearchkitError]) -> Iterator[tuple[int, str]]:
    """(line number, line) of a UTF-8 file, with a clear error when it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text ({exc.reason})") from exc
    for number, line in enumerate(text.splitlines(), 1):
        yield number, line


def read_documents(path: Path) -> list[EvalDocument]:
    """The documents of a DOCS.jsonl file. Raises ``IngestError`` naming file and line for a
    line that is not a JSON object, lacks an id or text, or repeats an id."""
    docs: list[EvalDocument] = []
    seen: dict[str, int] = {}
    for number, line in _lines(path, IngestError):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise IngestError(f"{where}: not valid JSON ({exc})") from exc
        if not isinstance(row, dict):
            raise IngestError(f'{where}: expected a JSON object {{"id", "title"?, "text"}}, got {type(row).__name__}')
        doc_id = row.get("id")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id.strip():
            raise IngestError(f'{where}: "id" must be a non-empty string')
        if "text" not in row:
            raise IngestError(f'{where}: document {doc_id!r} has no "text" field')
        text, title = row["text"], row.get("title")
        if text is None:
            text = ""
        if title is None:
            title = ""
        if not isinstance(text, str):
            raise IngestError(f'{where}: "text" of {doc_id!r} must be a string, not {type(text).__name__}')
        if not isinstance(title, str):
            raise IngestError(f'{where}: "title" of {doc_id!r} must be a string, not {type(title).__name__}')
        if not (text.strip() or title.strip()):
            raise IngestError(f"{where}: document {doc_id!r} has neither title nor text")
        if doc_id in seen:
            raise IngestError(f"{where}: document id {doc_id!r} repeats line {seen[doc_id]}")
        seen[doc_id] = number
        docs.append(EvalDocument(doc_id, title, text, number))
    if not docs:
        raise IngestError(f"{path}: no documents")
    return docs


def read_queries(path: Path, *, extra_columns: list[int] | None = None) -> dict[str, str]:
    """Query id → text of a QUERIES.tsv file (``query_id<TAB>text``). Raises ``QueryError``
    naming file and line for a line without a tab, an empty id or text, or a repeated id. Further
    tabs are taken as spaces of the query text (tests/test_eval_retrieval.py holds the readers to
    that); the numbers of lines with more than two non-empty columns go into ``extra_columns``,
    which ``evaluate_retrieval`` notes (a third column of labels had been searched for without a
    word: a review)."""
    queries: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, line in _lines(path, QueryError):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if "\t" not in line:
            raise QueryError(f"{where}: expected query_id<TAB>query text, found no tab")
        qid, text = line.split("\t", 1)
        if extra_columns is not None and len([c for c in text.split("\t") if c.strip()]) > 1:
            extra_columns.append(number)
        qid, text = qid.strip(), " ".join(text.split())
        if not qid:
            raise QueryError(f"{where}: empty query id")
        if not text:
            raise QueryError(f"{where}: query {qid!r} has no text")
        if qid in queries:
            raise QueryError(f"{where}: query id {qid!r} repeats line {lines[qid]}")
        queries[qid], lines[qid] = text, number
    if not queries:
        raise QueryError(f"{path}: no queries")
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Query id → {doc id → relevance} of a TREC qrels file (``query_id iteration doc_id
    relevance``, whitespace separated). Raises ``IngestError`` naming file and line for a line
    of another shape, a relevance that is not an integer or a contradicting repeat."""
    qrels: dict[str, dict[str, int]] = {}
    for number, line in _lines(path, IngestError):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        fields = line.split()
        if len(fields) != 4:
            raise IngestError(
                f"{where}: expected 4 fields 'query_id 0 doc_id relevance' (TREC qrels), found {len(fields)}"
            )
        qid, _, doc_id, value = fields
        try:
            relevance = int(value)
        except ValueError:
            raise IngestError(f"{where}: relevance must be an integer, not {value!r}") from None
        if not -(2**31) <= relevance < 2**31:  # ranx keeps judgments in C integers
            raise IngestError(f"{where}: relevance {value} is out of range")
        judged = qrels.setdefault(qid, {})
        if judged.get(doc_id, relevance) != relevance:
            raise IngestError(f"{where}: {qid} {doc_id} judged again with another relevance ({judged[doc_id]} before)")
        judged[doc_id] = relevance
    if not qrels:
        raise IngestError(f"{path}: no judgments")
    return qrels


# -- systems ---------------------------------------------------------------------------------------
def write_eval_set(
    out: Path, documents: Iterable[dict[str, str]], judged: Iterable[tuple[str, str, str]], note: str
) -> None:
    """Write an evaluation set in the three formats this module reads: ``docs.jsonl`` (one
    ``{"id", "title"?, "text"}`` a line), ``queries.tsv`` and ``qrels.txt`` from
    (query id, query text, relevant document id) triples, plus a README with ``note`` (where the
    derived data comes from). The scripts in ``scripts/make_*_eval.py`` build sets with it."""
    judged = list(judged)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "docs.jsonl").open("w", encoding="utf-8") as handle:
        for doc in documents:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with (out / "queries.tsv").open("w", encoding="utf-8") as handle:
        for qid, text, _ in judged:
            handle.write(f"{qid}\t{text}\n")
    with (out / "qrels.txt").open("w", encoding="utf-8") as handle:
        for qid, _, doc_id in judged:
            handle.write(f"{qid} 0 {doc_id} 1\n")
    (out / "README.md").write_text(note + "\n", encoding="utf-8")


def folder_bytes(folder: Path) -> int:
    """Size of every file under ``folder``."""
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def _bar(progress: bool, **options: Any):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(disable=not progress, file=sys.stderr, leave=False, **options)


class RetrievalSystem:
    """An engine under evaluation: ``build`` indexes the documents in a folder (returns how many
    it holds), ``search`` returns the ids of the best ``depth`` documents, best first."""

    name = ""

    def build(self, docs: Sequence[EvalDocument], folder: Path, *, progress: bool = False) -> int:
        raise NotImplementedError

    def search(self, text: str, depth: int) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        """Release files (before the temporary folder goes)."""


class SearchkitSystem(RetrievalSystem):
    """searchkit's real pipeline: each line mapped to a ``Document`` as ``searchkit index`` maps
    a JSON line, enriched with ``searchkit.enrich``, added in batches of 500, searched with
    ``Index.search`` as the CLI, API and web page do. Extra ``search_options`` (e.g.
    ``parse_dates=False``) go to every ``Index.search`` call."""

    name = "searchkit"

    def __init__(self, *, operator: str = "or", enrich: bool = True, **search_options: Any) -> None:
        from ..request import OPERATORS

        if operator not in OPERATORS:
            raise QueryError(f"operator must be one of {', '.join(OPERATORS)}")
        self.operator = operator
        self.enrich = enrich
        self.search_options = search_options
        self.index: Any = None
        self.failed: list[str] = []
        self.query_errors = 0
        #: Queries that raised something other than ``QueryError`` (a bug in searchkit).
        self.crashes: list[str] = []
        self.searches = 0
        #: Skipped id → the id whose identical content the index holds (``IngestReport.duplicates``).
        self.duplicates: dict[str, str] = {}
        #: Kept id → the ids skipped as its copies, the other way round.
        self.copies: dict[str, list[str]] = {}

    @staticmethod
    def document(doc: EvalDocument) -> Any:
        from ..errors import DateError, DocumentError
        from ..ingest.formats import document_from_mapping

        try:
            return document_from_mapping({"id": doc.id, "title": doc.title, "text": doc.text}, doc.id)
        except (DocumentError, DateError) as exc:
            raise IngestError(f"line {doc.line}: document {doc.id!r}: {exc}") from exc

    def build(self, docs: Sequence[EvalDocument], folder: Path, *, progress: bool = False) -> int:
        from ..index import Index
        from ..pipeline import enrich

        self.index = Index(folder, create=True)
        with _bar(progress, total=len(docs), desc="searchkit: indexing", unit=" docs") as bar:
            for start in range(0, len(docs), BATCH_SIZE):
                batch = [self.document(d) for d in docs[start : start + BATCH_SIZE]]
                report = self.index.add(
                    batch, enrich=enrich if self.enrich else None, on_document=lambda *_: bar.update()
                )
                self.failed += report.errors
                self.duplicates |= report.duplicates
        self.index.close()
        self.copies = {}
        for skipped, kept in self.duplicates.items():
            self.copies.setdefault(kept, []).append(skipped)
        return len(self.index)

    def with_copies(self, ids: Sequence[str], judged: dict[str, int], depth: int) -> list[str]:
        """``ids`` (hits, best first) with each hit's skipped copies at its rank: the hit and its
        copies take consecutive ranks, the most relevant of them (``judged``: doc id →
        relevance) first, so a copy counts as found where the identical text was found. Index.add
        keeps one of documents with the same text: without this a judged copy was a miss that
        searchkit could never return, while the baselines index both (MRR 1.0 → 0.909 on a
        review's set). The first ``depth``, as the baselines' runs."""
        ranked: list[str] = []
        for one in ids:
            group = [one, *self.copies.get(one, ())]
            ranked += sorted(group, key=lambda doc_id: -judged.get(doc_id, 0))  # stable: kept id first on ties
        return ranked[:depth]

    def search(self, text: str, depth: int) -> list[str]:
        self.searches += 1
        try:
            result = self.index.search(text, per_page=depth, operator=self.operator, **self.search_options)
        except QueryError:
            # What a user would see: an error message and no results.
            self.query_errors += 1
            return []
        except Exception as exc:  # noqa: BLE001 - a crash is a bug: counted, named in the notes
            self.query_errors += 1
            self.crashes.append(f"{text!r}: {type(exc).__name__}: {exc}")
            if self.searches == len(self.crashes) >= 20:
                raise  # not a bug of some queries: searching does not work at all
            return []
        return [hit.document.id for hit in result.hits]

    def close(self) -> None:
        if self.index is not None:
            self.index.close()


class WhooshSystem(RetrievalSystem):
    """Plain Whoosh: ``title`` and ``text`` with one analyzer, BM25F, OR over the words. The
    parser has no syntax plugins, so the user's text is taken literally (Whoosh has no escape
    character: without this, ``Panthers?`` would be a wildcard)."""

    def __init__(self, name: str, analyzer: Callable[[], Any]) -> None:
        self.name = name
        self.analyzer = analyzer
        self.index: Any = None
        self.searcher: Any = None
        self.parser: Any = None
        self.query_errors = 0

    def build(self, docs: Sequence[EvalDocument], folder: Path, *, progress: bool = False) -> int:
        from whoosh import index as whoosh_index
        from whoosh.fields import ID, TEXT, Schema
        from whoosh.qparser import MultifieldParser, OrGroup

        analyzer = self.analyzer()
        schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer), text=TEXT(analyzer=analyzer))
        folder.mkdir(parents=True, exist_ok=True)
        self.index = whoosh_index.create_in(str(folder), schema)
        writer = self.index.writer()
        try:
            for doc in _bar(progress, iterable=docs, desc=f"{self.name}: indexing", unit=" docs"):
                writer.add_document(id=doc.id, title=doc.title, text=doc.text)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.searcher = self.index.searcher()
        self.parser = MultifieldParser(["title", "text"], schema, group=OrGroup, plugins=[])
        return self.searcher.doc_count()  # type: ignore[no-any-return]

    def search(self, text: str, depth: int) -> list[str]:
        from whoosh.qparser import QueryParserError

        try:
            parsed = self.parser.parse(text)
            return [hit["id"] for hit in self.searcher.search(parsed, limit=depth)]
        except (QueryParserError, ValueError, RecursionError):
            self.query_errors += 1
            return []

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None


#: Characters of tantivy's query language; a backslash makes each one literal.
_TANTIVY_SPECIAL = re.compile(r"""([+\-&|!(){}\[\]^"'`~*?:\\/<>=])""")
#: Its operator words, which only count in capitals.
_TANTIVY_KEYWORDS = re.compile(r"\b(AND|OR|NOT|IN)\b")
#: A word as tantivy's simple tokenizer sees it: a run of letters and digits.
_SIMPLE_WORD = re.compile(r"[^\W_]+")


def escape_tantivy(text: str) -> str:
    """User text as a tantivy query in which every character is literal."""
    text = _TANTIVY_SPECIAL.sub(r"\\\1", text)
    return _TANTIVY_KEYWORDS.sub(lambda m: m.group(0).lower(), text)


def tantivy_query_text(text: str) -> str:
    """The words of the user text (as tantivy's simple tokenizer splits them), escaped: each
    word is one OR clause. Like the Whoosh baselines, whose analyzers split "Pro-Bowl" or "U-Bahn"
    into parts that are ORed; escaping the text as a whole would make such words phrase queries
    (MRR@10 0.896 instead of 0.906 on XQuAD)."""
    return escape_tantivy(" ".join(_SIMPLE_WORD.findall(text)))


class TantivySystem(RetrievalSystem):
    """tantivy: simple tokenizer, lowercase, Snowball German stemmer on ``title`` and ``text``;
    BM25, OR over the words (tantivy's default), user text escaped (``tantivy_query_text``)."""

    name = "tantivy-de"
    TOKENIZER = "german_stem"

    def __init__(self) -> None:
        self.index: Any = None
        self.query_errors = 0

    def build(self, docs: Sequence[EvalDocument], folder: Path, *, progress: bool = False) -> int:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name=self.TOKENIZER)
        builder.add_text_field("text", tokenizer_name=self.TOKENIZER)
        folder.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(builder.build(), path=str(folder))
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("german"))
            .build()
        )
        self.index.register_tokenizer(self.TOKENIZER, analyzer)
        writer = self.index.writer()
        try:
            for doc in _bar(progress, iterable=docs, desc=f"{self.name}: indexing", unit=" docs"):
                writer.add_document(tantivy.Document(id=doc.id, title=doc.title, text=doc.text))
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        self.index.reload()
        return self.index.searcher().num_docs  # type: ignore[no-any-return]

    def search(self, text: str, depth: int) -> list[str]:
        searcher = self.index.searcher()
        try:
            parsed = self.index.parse_query(tantivy_query_text(text), ["title", "text"])
        except ValueError:
            self.query_errors += 1
            return []
        return [searcher.doc(address)["id"][0] for _, address in searcher.search(parsed, depth).hits]

    def close(self) -> None:
        self.index = None


def baseline_systems() -> list[RetrievalSystem]:
    """The three plain engines of issue 4."""
    from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer

    return [
        WhooshSystem("whoosh-standard", StandardAnalyzer),
        WhooshSystem("whoosh-lang-de", lambda: LanguageAnalyzer("de")),
        TantivySystem(),
    ]


def analyzer_cost(
    docs: Sequence[EvalDocument], folder: Path, *, rounds: int = ANALYZER_ROUNDS, progress: bool = False
) -> dict[str, Any]:
    """Indexing time and index size of searchkit's analyzer against Whoosh's
    ``LanguageAnalyzer("de")``: the same documents into the same plain Whoosh schema (``id``,
    ``title`` and ``text`` as ``TEXT`` fields with positions) with the same writer (defaults,
    one commit), once per analyzer and round, alternating; the fastest round of each counts.
    Time is this process's CPU time (the writer runs in-process): on a shared machine the wall
    clock also counts the other jobs' turns, which made the same build's ratio swing from 1.05×
    to 2.46× between runs an hour apart.
    No enrichment, no facet, spelling or stored fields: this is the analyzer's own cost, which
    issue 4 limits to ``ANALYZER_TIME_LIMIT`` times Whoosh's. Every round starts with empty
    caches (a new analyzer; the compound splitter's cache cleared); the compound lexicon is
    loaded once before the clock starts (``lexicon_seconds``, once per process)."""
    from whoosh.analysis import LanguageAnalyzer

    from .. import compounds
    from ..analysis import german_analyzer

    started = time.perf_counter()
    compounds.default_splitter()
    lexicon_seconds = time.perf_counter() - started
    contenders = {"searchkit": german_analyzer, "whoosh-lang-de": lambda: LanguageAnalyzer("de")}
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    sizes: dict[str, int] = {}
    for round_ in range(rounds):
        for name, factory in contenders.items():
            compounds._cached_split.cache_clear()
            system = WhooshSystem(f"analyzer-{name}", factory)
            target = Path(folder) / f"{name}-{round_}"
            started = time.process_time()
            try:
                system.build(docs, target, progress=progress)
            finally:
                system.close()
            seconds[name].append(time.process_time() - started)
            sizes[name] = folder_bytes(target)
    best = {name: min(values) for name, values in seconds.items()}
    return {
        "searchkit_seconds": round(best["searchkit"], 3),
        "whoosh_lang_de_seconds": round(best["whoosh-lang-de"], 3),
        "time_ratio": round(best["searchkit"] / best["whoosh-lang-de"], 2),
        "searchkit_bytes": sizes["searchkit"],
        "whoosh_lang_de_bytes": sizes["whoosh-lang-de"],
        "size_ratio": round(sizes["searchkit"] / sizes["whoosh-lang-de"], 2),
        "limit": ANALYZER_TIME_LIMIT,
        "within_limit": best["searchkit"] <= ANALYZER_TIME_LIMIT * best["whoosh-lang-de"],
        "rounds": rounds,
        "lexicon_seconds": round(lexicon_seconds, 3),
        "clock": "process CPU time",
    }


# -- scoring -------------------------------------------------------------------------------------
def score_run(qrels: dict[str, dict[str, int]], run: dict[str, list[str]]) -> dict[str, float]:
    """``METRICS`` of ranked id lists (query id → ids, best first) against judgments, with ranx.
    Only the order counts: the engine's own scores are replaced by rank-based ones, so ties
    cannot be re-ordered by the evaluation."""
    from ranx import Qrels, Run, evaluate

    qrels_dict = {qid: {d: r for d, r in judged.items() if r > 0} for qid, judged in qrels.items()}
    qrels_dict = {qid: judged for qid, judged in qrels_dict.items() if judged}
    run_dict: dict[str, dict[str, float]] = {}
    for qid in qrels_dict:
        ranked = list(dict.fromkeys(run.get(qid, [])))
        run_dict[qid] = {doc_id: float(len(ranked) - rank) for rank, doc_id in enumerate(ranked)}
    if not any(run_dict.values()):
        return {name: 0.0 for name in METRICS}  # no query found anything (ranx rejects that)
    # make_comparable: a query without any hit scores 0 instead of being an error.
    with _quiet_numba():
        scores = evaluate(Qrels(qrels_dict), Run(run_dict), list(METRICS), make_comparable=True)
    return {name: float(scores[name]) for name in METRICS}


@contextmanager
def _quiet_numba() -> Iterator[None]:
    """ranx's metrics, compiled by numba on first use (when its cache is cold: a new install, a
    new ``NUMBA_CACHE_DIR``), warned "NumbaTypeSafetyWarning: unsafe cast from uint64 to int64"
    with a line of ranx's source on stderr of ``searchkit eval retrieval`` (a review). The cast
    is ranx's own (ranks and judgments are small numbers): that warning, and only there, is
    ignored; the process's warning filters are as they were afterwards."""
    try:
        from numba.core.errors import NumbaTypeSafetyWarning
    except ImportError:  # ranx without numba (it needs it today)
        yield
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=NumbaTypeSafetyWarning)
        yield


def run_system(
    system: RetrievalSystem,
    docs: Sequence[EvalDocument],
    queries: dict[str, str],
    folder: Path,
    *,
    depth: int = DEPTH,
    progress: bool = False,
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Index with one system and run every query: (run, timings and sizes)."""
    started = time.perf_counter()
    indexed = system.build(docs, folder, progress=progress)
    index_seconds = time.perf_counter() - started
    run: dict[str, list[str]] = {}
    started = time.perf_counter()
    for qid, text in _bar(progress, iterable=queries.items(), total=len(queries), desc=f"{system.name}: querying", unit=" q"):
        run[qid] = system.search(text, depth)
    query_seconds = time.perf_counter() - started
    stats = {
        "index_seconds": round(index_seconds, 3),
        "query_seconds": round(query_seconds, 3),
        "index_bytes": folder_bytes(folder),
        "documents": indexed,
        "query_errors": getattr(system, "query_errors", 0),
    }
    if getattr(system, "crashes", None):
        stats["query_crashes"] = len(system.crashes)
    return run, stats


def evaluate_retrieval(
    docs: Path,
    queries: Path,
    qrels: Path,
    *,
    baselines: bool = False,
    operator: str = "or",
    progress: bool = True,
    enrich: bool = True,
    analyzer: bool | None = None,
) -> dict[str, Any]:
    """Index ``docs`` with searchkit (and, with ``baselines``, the three plain engines) in
    temporary folders, run every judged query and score the runs.

    Returns ``{"systems": {name: {"mrr@10", "ndcg@10", "recall@100", "index_seconds",
    "query_seconds", "index_bytes", "documents", "query_errors"}}, "documents": n,
    "queries": n, "duplicates": n, ...}``. searchkit's index keeps one of documents with the
    same title and text (``"duplicates"`` counts the others); a skipped copy counts as found
    where the one kept is found (``SearchkitSystem.with_copies``), as the baselines hold both. Queries without a relevant document are not run (``"unjudged"``
    counts them); a judgment naming an unknown query or document is an error, because it means
    the files do not belong together. ``operator`` is searchkit's (``"or"``, ``"and"`` or
    ``"auto"``); ``enrich=False`` skips entity and date extraction. With ``analyzer`` (default:
    with ``baselines``) the result also has ``"analyzer"``: searchkit's analyzer against Whoosh's
    ``LanguageAnalyzer("de")`` alone (``analyzer_cost``), the figure of issue 4's speed limit.
    """
    documents = read_documents(Path(docs))
    extra: list[int] = []
    query_texts = read_queries(Path(queries), extra_columns=extra)
    judgments = read_qrels(Path(qrels))
    _check_qrels(Path(qrels), judgments, query_texts, {d.id for d in documents})
    judged = {qid: text for qid, text in query_texts.items() if any(r > 0 for r in judgments.get(qid, {}).values())}
    if not judged:
        raise QueryError(f"{qrels}: no query has a relevant document (relevance > 0)")

    systems: list[RetrievalSystem] = baseline_systems() if baselines else []
    systems.append(SearchkitSystem(operator=operator, enrich=enrich))
    results: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="searchkit-eval-") as tmp:
        if analyzer is None:
            analyzer = baselines  # a comparison with a baseline: it comes with --baselines
        cost = analyzer_cost(documents, Path(tmp) / "analyzer", progress=progress) if analyzer else None
        for system in systems:
            try:
                run, stats = run_system(system, documents, judged, Path(tmp) / system.name, progress=progress)
            finally:
                system.close()
            if isinstance(system, SearchkitSystem) and system.copies:
                run = {qid: system.with_copies(ids, judgments.get(qid, {}), DEPTH) for qid, ids in run.items()}
            results[system.name] = score_run(judgments, run) | stats
            if progress:
                print(f"{LABELS.get(system.name, system.name)}: MRR@10 {results[system.name]['mrr@10']:.3f}", file=sys.stderr)
    searchkit = next(s for s in systems if isinstance(s, SearchkitSystem))
    if extra:
        notes.append(
            f"{queries}: {len(extra)} line(s) have more than two tab-separated columns (first: line {extra[0]});"
            " the further columns were searched as part of the query text"
        )
    results["searchkit"]["operator"] = operator
    if searchkit.crashes:
        notes.append(
            f"BUG: {len(searchkit.crashes)} searchkit queries crashed (scored as no hits), e.g. {searchkit.crashes[0]}"
        )
    if searchkit.failed:
        notes.append(f"searchkit could not enrich {len(searchkit.failed)} document(s), e.g. {searchkit.failed[0]}")
    results["searchkit"]["duplicates"] = len(searchkit.duplicates)
    if searchkit.duplicates:
        notes.append(
            f"searchkit skipped {len(searchkit.duplicates)} document(s) whose title and text repeat another"
            " document's; each is scored as found where that document is found"
        )
    for name, figures in results.items():
        if figures["query_errors"]:
            notes.append(f"{LABELS.get(name, name)}: {figures['query_errors']} queries failed (scored as no hits)")
    result: dict[str, Any] = {
        "systems": results,
        "documents": len(documents),
        "queries": len(judged),
        "unjudged": len(query_texts) - len(judged),
        "duplicates": len(searchkit.duplicates),
        "operator": operator,
        "depth": DEPTH,
        "notes": notes,
    }
    if cost is not None:
        result["analyzer"] = cost
    if SPEED_REFERENCE in results and results[SPEED_REFERENCE]["index_seconds"] > 0:
        result["index_time_ratio"] = round(
            results["searchkit"]["index_seconds"] / results[SPEED_REFERENCE]["index_seconds"], 2
        )
    return result


def _check_qrels(path: Path, qrels: dict[str, dict[str, int]], queries: dict[str, str], doc_ids: set[str]) -> None:
    unknown_queries = sorted(set(qrels) - set(queries))
    if unknown_queries:
        raise QueryError(
            f"{_first_line(path, 0, unknown_queries)}: {len(unknown_queries)} judged query id(s) are not in the"
            f" queries file, e.g. {', '.join(map(repr, unknown_queries[:3]))}"
        )
    unknown_docs = sorted({d for judged in qrels.values() for d in judged} - doc_ids)
    if unknown_docs:
        raise IngestError(
            f"{_first_line(path, 2, unknown_docs)}: {len(unknown_docs)} judged document id(s) are not in the"
            f" documents file, e.g. {', '.join(map(repr, unknown_docs[:3]))}"
        )


def _first_line(path: Path, field: int, ids: Sequence[str]) -> str:
    """``path:line`` of the first qrels line whose ``field`` is one of ``ids`` (the error named
    the file only; found by a review). Read again: this is the error path only."""
    wanted = set(ids)
    for number, line in _lines(path, IngestError):
        fields = line.split()
        if len(fields) == 4 and fields[field] in wanted:
            return f"{path}:{number}"
    return str(path)


# -- output ----------------------------------------------------------------------------------------
def format_retrieval_table(result: dict[str, Any]) -> str:
    """The systems side by side (baselines first, then searchkit) as a fixed-width table."""
    systems = result["systems"]
    names = [n for n in LABELS if n in systems] + [n for n in systems if n not in LABELS]
    header = ("system", "MRR@10", "nDCG@10", "R@100", "index s", "index MB", "ms/query")
    rows = []
    for name in names:
        figures = systems[name]
        label = LABELS.get(name, name)
        if name == "searchkit" and figures.get("operator"):
            label += f" (operator={figures['operator']})"
        per_query = 1000 * figures["query_seconds"] / max(result["queries"], 1)
        rows.append((
            label,
            f"{figures['mrr@10']:.3f}",
            f"{figures['ndcg@10']:.3f}",
            f"{figures['recall@100']:.3f}",
            f"{figures['index_seconds']:.1f}",
            f"{figures['index_bytes'] / 2**20:.1f}",
            f"{per_query:.1f}",
        ))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    out = [
        f"{result['documents']} documents, {result['queries']} queries"
        + (f" ({result['unjudged']} without a relevant document not run)" if result.get("unjudged") else ""),
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(row) for row in rows),
    ]
    if "index_time_ratio" in result:
        out += ["", f"indexing time searchkit / {LABELS[SPEED_REFERENCE]}: {result['index_time_ratio']:.2f}x"]
    cost = result.get("analyzer")
    if cost:
        verdict = "within" if cost["within_limit"] else "OVER"
        out += [
            "",
            f"analyzer alone (same Whoosh schema and writer, no enrichment, best of {cost['rounds']}):"
            f" searchkit {cost['searchkit_seconds']:.1f} s / {LABELS[SPEED_REFERENCE]}"
            f" {cost['whoosh_lang_de_seconds']:.1f} s CPU = {cost['time_ratio']:.2f}x time"
            f" ({verdict} the {cost['limit']}x limit), index size {cost['size_ratio']:.2f}x"
            f" ({cost['searchkit_bytes'] / 2**20:.1f} MB / {cost['whoosh_lang_de_bytes'] / 2**20:.1f} MB)",
        ]
    for note in result.get("notes", []):
        out.append(f"note: {note}")
    return "\n".join(out)


__all__ = [
    "ANALYZER_TIME_LIMIT", "DEPTH", "METRICS", "EvalDocument", "RetrievalSystem", "SearchkitSystem", "TantivySystem",
    "WhooshSystem", "analyzer_cost", "baseline_systems", "escape_tantivy", "tantivy_query_text", "evaluate_retrieval", "folder_bytes",
    "format_retrieval_table", "read_documents", "read_qrels", "read_queries", "run_system",
    "score_run", "write_eval_set",
]
