"""The ``searchkit`` command: a thin layer over the library API.

Every command takes ``--index DIR`` (default ``$SEARCHKIT_INDEX``, else ``index/``), prints one
clear line on errors and exits non-zero. ``--json`` prints the same JSON as the HTTP API.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from .engines import ENGINE_ENV, ENGINES
from .errors import IndexLockedError, SearchkitError
from .facets import FACETS
from .index import Index, IngestReport, batches, default_index_path
from .model import Document
from .parsing import operator_reading
from .request import Facet, filter_aliases, filter_facet

INDEX_OPTION = click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder (default: $SEARCHKIT_INDEX, else ./index).",
)


#: The engine of a new index; an existing index keeps the engine it was built with. The value of
#: ``$SEARCHKIT_ENGINE`` is checked like the option's (a wrong one is a usage error) but only
#: chooses the engine of new indexes (see ``explicit_engine``).
ENGINE_OPTION = click.option(
    "--engine", type=click.Choice(ENGINES), default=None, envvar=ENGINE_ENV,
    help="Engine of a new index: whoosh (default, pure Python) or tantivy (pip install \"searchkit[fast]\")."
    f" ${ENGINE_ENV} chooses it for new indexes only: an existing index keeps its own engine.",
)


def explicit_engine(engine: str | None) -> str | None:
    """``engine`` when the command line says ``--engine``, None when it came from
    ``$SEARCHKIT_ENGINE``: the variable is the default engine of new indexes (the library reads it
    there itself, ``engines.default_engine``), so an existing index of the other engine opens
    with its own, silently, and ``--rebuild`` keeps it. An explicit ``--engine`` that contradicts
    an existing index is the library's error, which names ``searchkit migrate``; with
    ``--rebuild`` it is the engine of the new index (found by a review: the variable alone made
    every ``searchkit index`` into an existing index of the other engine fail)."""
    context = click.get_current_context(silent=True)
    if context is not None and context.get_parameter_source("engine") is ParameterSource.ENVIRONMENT:
        return None
    return engine


def _fail(error: Exception) -> None:
    click.echo(f"Error: {error}", err=True)
    sys.exit(1)


#: Exit status when the reader of stdout went away (``searchkit search … | head -1``): 128 + SIGPIPE,
#: what a shell reports for ``cat``, ``grep`` or ``seq`` in the same pipe. Not 0, because the output
#: was cut short; not 1, because that is the status of a real error (README) and scripts that
#: accept a closed pipe (``PIPESTATUS`` is 141, ``set -o pipefail``) already test for 141.
STDOUT_CLOSED_STATUS = 141


def _stdout_closed() -> NoReturn:
    """End quietly after a broken pipe, as Python's note on SIGPIPE recommends: stdout is pointed
    at devnull, so that the flush at interpreter exit of what is still buffered cannot fail a
    second time (that would print "Exception ignored … BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor behind stdout (an embedding, a test runner)
        pass
    sys.exit(STDOUT_CLOSED_STATUS)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


#: Exit status after Ctrl-C: 128 + SIGINT, as shells report a command ended by it.
INTERRUPTED_STATUS = 130


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``kill``, ``docker stop``, systemd, a closed terminal), raised where
    the command is, as Ctrl-C is: the batch being written is cancelled and the command ends with
    one line. Without it the process died at once with status 143 and no word, and left the
    cancelled batch's files in the folder until the next commit (a review)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: Any) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def stop_signals_as_interrupts() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Terminated`` within this block, where they would end the
    process: not where the process ignores them (``nohup``) or something else handles them. The
    children searchkit forks set them back (``processes.ignore_interrupts``)."""
    import signal
    import threading

    from .processes import TERMINATING_SIGNALS

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for stop in TERMINATING_SIGNALS:
        if signal.getsignal(stop) == signal.SIG_DFL:
            previous[stop] = signal.signal(stop, _raise_terminated)
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


class _Group(click.Group):
    """Turns searchkit errors, and the file errors of paths the user gave (a folder that does not
    exist, a file that is not UTF-8 text), into one line on stderr and exit code 1; a closed
    stdout ends the command quietly (see ``STDOUT_CLOSED_STATUS``), Ctrl-C with one line and
    ``INTERRUPTED_STATUS``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                with stop_signals_as_interrupts():
                    return super().invoke(ctx)
            finally:
                # what is still buffered (export writes without echo's flush) reaches a closed
                # pipe here, where it is handled, not at interpreter exit
                sys.stdout.flush()
        except BrokenPipeError:  # an OSError, but the reader leaving early is no error of ours
            _stdout_closed()
        except KeyboardInterrupt as interrupt:
            # one line and the shell's status for Ctrl-C (click's own "Aborted!" exits 1);
            # every write is one atomic commit, so the index is as its last commit left it
            click.echo("Interrupted: the index keeps its last commit.", err=True)
            sys.exit(128 + interrupt.signum if isinstance(interrupt, Terminated) else INTERRUPTED_STATUS)
        except (SearchkitError, OSError, UnicodeError) as error:
            _fail(error)


@click.group(cls=_Group)
@click.version_option(package_name="searchkit")
def main() -> None:
    """searchkit: German news search with date and entity facets."""


def index_documents(  # noqa: PLR0913 - one knob each
    index: Index,
    docs: Iterator[Document],
    *,
    enrich: bool = True,
    batch_size: int = 500,
    progress: bool = True,
    workers: int = 1,
    dask: Any = None,
) -> IngestReport:
    """Index in batches, one atomic commit per batch: an interrupt loses at most the current
    batch and never leaves a half-written index. With ``dask`` the NLP stage runs on that
    Dask cluster (an address or a ``distributed.Client``) and only the writing happens here."""
    from tqdm import tqdm

    from .pipeline import enrich as enrich_fn
    from .pipeline import enrich_on_dask

    report = IngestReport()
    with contextlib.ExitStack() as stack:
        if enrich and dask is not None:
            # (an empty address is refused by enrich_on_dask, not read as "no cluster"); closed
            # here, also on Ctrl-C, so that its client is closed now and not by the garbage
            # collector at some later moment
            docs = stack.enter_context(contextlib.closing(enrich_on_dask(docs, dask)))
            enrich = False
        bar = stack.enter_context(tqdm(desc="Indexing", unit=" docs", disable=not progress, file=sys.stderr))
        stack.callback(setattr, index, "lock_timeout", index.lock_timeout)  # the caller's, afterwards
        for batch in batches(docs, batch_size):
            try:
                part = index.add(
                    batch, enrich=enrich_fn if enrich else None, workers=workers, on_document=lambda *_: bar.update()
                )
            except IndexLockedError as error:
                raise _stopped_after(error, report) from error
            report.merge(part)
            bar.set_postfix(added=report.added, updated=report.updated, skipped=report.skipped)
            # Each batch takes the write lock anew: once this run has written, it waits for
            # another writer's commit (the write API's, a one-file `searchkit index`) instead
            # of giving up halfway through the import (a review). A second import started
            # meanwhile still fails at once, at its first batch.
            if report.added or report.updated:
                index.lock_timeout = max(index.lock_timeout, BATCH_LOCK_WAIT)
    return report


#: Seconds a running import waits for the write lock between its batches (another writer's
#: commit usually takes well under a second).
BATCH_LOCK_WAIT = 60.0


def _stopped_after(error: IndexLockedError, report: IngestReport) -> IndexLockedError:
    """The lock error of a batch, saying what the run had written before it: the message alone
    read as if nothing had been."""
    written = report.added + report.updated
    if not written:
        return error
    return IndexLockedError(
        f"{error} (this run had written {written} documents before; running the same command again"
        " writes the rest and skips what is indexed)"
    )


def is_bulk_import(report: IngestReport, documents: int, batch_size: int) -> bool:
    """Whether an import wrote enough to merge the index afterwards: more than one batch (one
    commit each, a segment each) and at least half of the documents the index now holds. A
    bulk import of 5,190 articles in batches of 500 left 11 segments, and queries took twice the
    time of the merged index; adding a few files to a large index must not rewrite all of it.

    The documents skipped as indexed count too: running an interrupted import again writes only
    what the interruption left out (or nothing, when it came during the merge), and left the 14
    segments of the first run unmerged (a review); an index that is merged already is not
    rewritten (``Index.optimize``)."""
    handled = report.added + report.updated + report.skipped
    return handled > batch_size and 2 * handled >= documents


class _DroppedDates:
    """The publication dates the readers could not read, each with the document it was dropped
    from. The library logs only "not a valid calendar date: '2025-02-29'", and reading goes on
    with the document undated; among thousands of documents that line names none, so the
    warnings are held per document (``held_date_warnings``) and reported with its id."""

    def __init__(self) -> None:
        self.dropped: list[dict[str, str]] = []
        self._pending: list[logging.LogRecord] = []

    def documents(self, docs: Iterator[Document]) -> Iterator[Document]:
        """``docs`` as they are; the warnings logged while one is read are noted for it when it
        ends up undated."""
        from .dates import held_date_warnings

        while True:
            with held_date_warnings() as pending:
                self._pending = pending
                doc = next(docs, None)
            if doc is None:
                return
            if doc.published is None:  # else a later candidate (an HTML page has several) was read
                self.dropped += [
                    {"id": doc.id, "warning": record.getMessage()} for record in pending if record.levelno >= logging.WARNING
                ]
            yield doc

    def forget_pending(self) -> None:
        """A file failed: what was logged since the last document belongs to its failed rows
        (reported with the file), not to the next file's first document."""
        self._pending.clear()

    def echo(self, limit: int = 20) -> None:
        """One stderr line a document, the first ``limit`` of them (``--json`` has them all)."""
        for entry in self.dropped[:limit]:
            click.echo(f"  date dropped: {entry['id']}: {entry['warning']} (indexed without a date)", err=True)
        if len(self.dropped) > limit:
            click.echo(f"  … and {len(self.dropped) - limit} more documents whose date was dropped (--json lists all)", err=True)


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@INDEX_OPTION
@click.option("--rebuild", is_flag=True, help="Delete the index first and build it anew.")
@click.option("--no-enrich", is_flag=True, help="Skip entity and mentioned-date extraction.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(min=1), help="Documents per commit.")
@click.option("--strict", is_flag=True, help="Stop at the first file that fails.")
@click.option("--workers", default=1, show_default=True, envvar="SEARCHKIT_WORKERS", type=click.IntRange(1, 64), help="Processes for extraction and writing.")
@click.option("--dask", "dask_scheduler", default=None, metavar="ADDRESS", help="Run extraction on this Dask scheduler (tcp://host:8786).")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, envvar="SEARCHKIT_ALIASES", help="Entity alias file (TOML/JSON): renames, types, ignored names.")
@click.option("--optimize/--no-optimize", default=None, help="Merge the index into one segment afterwards. Default: when this run wrote several batches and at least half of the index's documents (a bulk import).")
@ENGINE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar, and no line on files of unknown formats left out.")
def index_command(  # noqa: PLR0913 - one flag each
    paths: tuple[Path, ...],
    index_path: Path | None,
    rebuild: bool,
    no_enrich: bool,
    batch_size: int,
    strict: bool,
    workers: int,
    dask_scheduler: str | None,
    aliases: Path | None,
    optimize: bool | None,
    engine: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Index files and folders (folders recursively).

    Formats, by suffix: text and seed files (.txt, .text), JSON Lines (.jsonl, .ndjson), CSV
    (.csv), HTML pages (.html, .htm) and RSS/Atom feeds (.xml, .rss, .atom). Inside a folder,
    files of other suffixes are left out, and counted by suffix in one line at the end.

    An existing index keeps the engine it was built with ($SEARCHKIT_ENGINE only chooses the
    engine of a new one); an --engine that names the other engine is an error: convert the
    index with `searchkit migrate --engine X`, or build it anew with --rebuild --engine X.

    Example: searchkit index ../shared/seeds --index index/
    """
    from .ingest import read_paths

    _use_aliases(aliases)
    _check_inputs(paths, strict=strict)

    path = index_path or default_index_path()
    engine = explicit_engine(engine)
    file_errors: list[str] = []
    dates = _DroppedDates()

    def on_error(file: Path, error: SearchkitError) -> None:
        if strict:
            raise error
        dates.forget_pending()
        file_errors.append(str(error))

    skipped: list[Path] = []
    # The first document is read before the index is created (or rebuilt): with --strict a
    # first file that fails ends the command before anything is written.
    docs = dates.documents(read_paths(paths, on_error=on_error, on_skip=skipped.append))
    first = next(docs, None)
    if first is None:
        _nothing_to_index(path, file_errors, as_json=as_json, skipped=skipped)
        return
    with contextlib.ExitStack() as stack:
        scheduler: Any = dask_scheduler
        if dask_scheduler is not None and not no_enrich:
            # connected before the index is touched: --rebuild with an address nobody answers
            # at emptied the index (a review)
            from .pipeline import connect_scheduler

            scheduler = connect_scheduler(dask_scheduler)
            stack.callback(_close_quietly, scheduler)
        created = not path.exists()
        index = Index.rebuild(path, engine=engine) if rebuild else Index(path, create=True, engine=engine)
        try:
            report = index_documents(
                index,
                itertools.chain([] if first is None else [first], docs),
                enrich=not no_enrich,
                batch_size=batch_size,
                progress=not quiet,
                workers=workers,
                dask=scheduler,
            )
        except BaseException:  # (Ctrl-C too: it had left an empty index behind, a review)
            if created:
                _remove_if_empty(index, path)
            raise
    report.failed += len(file_errors)
    report.errors = file_errors + report.errors
    if optimize or (optimize is None and is_bulk_import(report, len(index), batch_size)):
        _optimize(index, quiet=quiet)
    # the facet arrays of the new generation, saved for every reader that opens the index next
    index.facet_data()
    if as_json:
        _echo_json(report.to_dict() | {"dropped_dates": dates.dropped, "documents": len(index),
                                       "unknown_formats": _by_suffix(skipped)})
    else:
        click.echo(
            f"added {report.added}, updated {report.updated}, skipped {report.skipped},"
            + (f" superseded {report.superseded}," if report.superseded else "")
            + f" failed {report.failed} — {len(index)} documents in {path}"
        )
        for line in report.errors:
            click.echo(f"  failed: {line}", err=True)
        dates.echo()
        _echo_unknown_formats(skipped, quiet=quiet)
    if report.failed:
        sys.exit(1)


def _close_quietly(client: Any) -> None:
    """Close a Dask client; a scheduler that is gone cannot be told goodbye."""
    with contextlib.suppress(Exception):
        client.close()


def _remove_if_empty(index: Index, path: Path) -> None:
    """Take away an index this command created and could not write one document into (a
    ``--dask`` address nobody answers at left an empty index behind, a review): a mistyped
    argument leaves nothing, as a mistyped path does. An index that holds documents stays: also
    after Ctrl-C, it keeps what it committed."""
    import shutil

    try:
        empty = len(index) == 0
    finally:
        index.close()
    if empty:
        shutil.rmtree(path, ignore_errors=True)


def _by_suffix(files: list[Path]) -> dict[str, int]:
    """How many files of each unknown suffix were left out ("" for none), most first."""
    counts = collections.Counter(file.suffix.lower() for file in files)
    return dict(counts.most_common())


def _echo_unknown_formats(files: list[Path], *, quiet: bool) -> None:
    """One line on the files of a folder that no reader takes: a folder of ``.json`` arrays
    said only "nothing to index" (found by a review)."""
    if not files or quiet:
        return
    from .ingest import READERS

    kinds = ", ".join(f"{suffix or '(no suffix)'} {count}" for suffix, count in _by_suffix(files).items())
    click.echo(
        f"left out {len(files)} file(s) of unknown formats ({kinds}); searchkit reads {', '.join(sorted(READERS))}",
        err=True,
    )


def _nothing_to_index(path: Path, file_errors: list[str], *, as_json: bool, skipped: list[Path] | None = None) -> None:
    """The end of ``searchkit index`` when the inputs hold no document (files that all failed, an
    empty folder): the index is neither created nor rebuilt — ``--rebuild`` with files that
    exist but yield nothing emptied it (found by a review) — and the command says so; it fails
    when files failed."""
    from .errors import IndexNotFoundError

    try:
        documents, exists = len(Index(path)), True
    except IndexNotFoundError:
        documents, exists = 0, False
    report = IngestReport(failed=len(file_errors), errors=list(file_errors))
    if as_json:
        _echo_json(report.to_dict() | {"dropped_dates": [], "documents": documents,
                                       "unknown_formats": _by_suffix(skipped or [])})
    else:
        # "left as it is" only of an index there is (a review: said of a folder never created)
        outcome = f"{path} left as it is" if exists else f"no index created at {path}"
        click.echo(f"nothing to index: the paths hold no documents — {outcome}", err=True)
        for line in file_errors:
            click.echo(f"  failed: {line}", err=True)
        _echo_unknown_formats(skipped or [], quiet=False)
    if file_errors:
        sys.exit(1)


def _input_problem(path: Path) -> str | None:
    """Why ``path``, given to ``searchkit index``, cannot be read, or None. Checked before the
    index is created: a mistyped path left a new, empty index behind (``search`` and ``serve``
    then ran on it without a word), and ``--rebuild`` emptied an existing one."""
    from .ingest.formats import not_a_file

    if not path.exists():
        return f"{path}: {not_a_file(path)}" if path.is_symlink() else f"{path}: no such file or folder"
    needed = os.R_OK | os.X_OK if path.is_dir() else os.R_OK
    if not os.access(path, needed):
        return f"{path}: permission denied"
    return None


def _check_inputs(paths: tuple[Path, ...], *, strict: bool) -> None:
    """An ``IngestError`` before any index is touched when a path cannot be read and ``strict``
    says to stop at it, or when no path can be read at all (there is nothing to index). Other
    unreadable paths are reported as failed files, as before, while the rest is indexed."""
    from .errors import IngestError

    problems = [problem for problem in map(_input_problem, paths) if problem]
    if problems and (strict or len(problems) == len(paths)):
        raise IngestError("; ".join(problems[:1] if strict else problems) + " (nothing was indexed)")


def _filter_option(facet: str, help_text: str) -> Callable[..., Any]:
    """``--place`` and, for the same filter, its German names of the query language
    (``--ort``, ``--orte``: ``request.filter_aliases``), as the API takes ``ort=``."""
    german = [f"--{alias}" for alias in filter_aliases((facet,))]
    return click.option(f"--{facet}", *german, facet, multiple=True, help=help_text)


#: The options that say which documents a search finds: ``search`` and ``facet-values`` (which
#: counts within them) share them, as ``/api/search`` and its facet-value search share parameters.
_SCOPE_OPTIONS = (
    _filter_option("year", "Filter by year (repeatable: OR)."),
    _filter_option("month", "Filter by month YYYY-MM (repeatable)."),
    _filter_option("person", "Filter by person (repeatable)."),
    _filter_option("place", "Filter by place (repeatable)."),
    _filter_option("organisation", "Filter by organisation (repeatable)."),
    _filter_option("mentioned", "Filter by a year the text mentions (repeatable)."),
    click.option("--from", "date_from", default=None, help="Published on or after (2025, 2025-03, 2025-03-10)."),
    click.option("--to", "date_to", default=None, help="Published on or before."),
    click.option("--operator", type=click.Choice(["auto", "and", "or"]), default="auto", show_default=True,
                 help="auto: keywords need every word (any, when no document has all), questions any word."),
)


def scope_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_SCOPE_OPTIONS):
        command = option(command)
    return command


def _scope(
    year: tuple[str, ...], month: tuple[str, ...], person: tuple[str, ...], place: tuple[str, ...],
    organisation: tuple[str, ...], mentioned: tuple[str, ...], date_from: str | None, date_to: str | None,
    operator: str,
) -> dict[str, Any]:
    """The library's search options for the ``_SCOPE_OPTIONS`` given."""
    named = {"year": year, "month": month, "person": person, "place": place, "organisation": organisation,
             "mentioned": mentioned}
    filters = {name: list(values) for name, values in named.items() if values}
    return {"filters": filters, "date_from": date_from, "date_to": date_to, "operator": operator}


@main.command("search")
@click.argument("query", default="")
@INDEX_OPTION
@scope_options
@click.option("--sort", type=click.Choice(["relevance", "date_desc", "date_asc"]), default="relevance", show_default=True, help="Best match first, or by publication date, newest or oldest first.")
@click.option("--page", default=1, show_default=True, help="Page of hits to print (1 is the first).")
@click.option("--per-page", default=10, show_default=True, help="Hits per page (0: counts and facets only).")
@click.option("--json", "as_json", is_flag=True, help="Print /api/search's JSON (without the toggle_url links, which belong to the server).")
def search_command(  # noqa: PLR0913 - one flag each
    query: str,
    index_path: Path | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
    **scope: Any,
) -> None:
    """Search the index. Whoosh syntax works: AND/OR/NOT, "phrases", title:wort, präfix*.

    Example: searchkit search "Türkei Aserbaidschan" --year 2025 --json
    """
    index = Index(index_path or default_index_path())
    result = index.search(query, sort=sort, page=page, per_page=per_page, **_scope(**scope))
    if as_json:
        _echo_json(result.to_dict())
        return
    if result.date_filter:
        click.echo(f"Zeitraum: {result.date_filter.shown()}")
    click.echo(f"{result.total} Treffer ({result.took_ms:.1f} ms), Seite {page} von {result.pages}")
    if result.date_words:
        click.echo(f"„{result.date_words}“ als Suchwörter gelesen: kein Treffer liegt in diesem Zeitraum.")
    if result.unknown_fields_notice:
        click.echo(result.unknown_fields_notice)
    if result.suggestion:
        mark = "" if result.suggestion.endswith("?") else "?"  # a question has its own
        click.echo(f"Meinten Sie: {result.suggestion}{mark}")
    reading = operator_reading(result)
    if reading:
        click.echo(f"Als Suchoperatoren lesen: „{reading}“ (sonst sind ODER, UND, NICHT Wörter, und ein „-“ schließt nichts aus)")
    if result.total and not result.hits and page > result.pages:
        click.echo(f"Seite {page} gibt es nicht: die letzte ist Seite {result.pages} (--page {result.pages}).")
    for number, hit in enumerate(result.hits, (page - 1) * per_page + 1):
        doc = hit.document
        date = doc.published.label() if doc.published else "ohne Datum"
        click.echo(f"{number:3d}. {doc.title}  [{date}]  ({doc.id})")
    for facet in result.facets:
        values = _facet_line(facet)
        if values:
            click.echo(f"  {facet.label}: {values}")


def _facet_line(facet: Facet, size: int = 5) -> str:
    """The ``size`` most frequent values of a facet, in the facet's order (years and months are
    listed newest first: the first five dropped a frequent older year, found by a review), and
    every selected value, marked: a filter value outside the most frequent (``--place Baku``
    with no hit) was not shown, and nothing told why nothing matched (a review). The facet
    lists a selected value no document has too, with its count (``search._facets``), as the web
    page shows it."""
    top = set(map(id, sorted(facet.results, key=lambda v: -v.count)[:size]))
    shown = [
        f"{v.label} ({v.count}, ausgewählt)" if v.selected else f"{v.label} ({v.count})"
        for v in facet.results if v.selected or id(v) in top
    ]
    return ", ".join(shown)


@main.command("info")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def info_command(index_path: Path | None, as_json: bool) -> None:
    """Document count, date range and top facet values."""
    info = Index(index_path or default_index_path()).info()
    if as_json:
        _echo_json(info)
        return
    dates = info["date_range"]
    click.echo(f"{info['documents']} documents in {info['path']} ({info['engine']} engine, schema {info['schema_version']})")
    click.echo(f"published: {dates['first'] or '–'} … {dates['last'] or '–'}")
    for facet in info["facets"]:
        values = ", ".join(f"{v['label']} ({v['count']})" for v in facet["results"])
        click.echo(f"{facet['label']}: {values or '–'}")


def _use_aliases(path: Path | None) -> None:
    """Check the alias file now (a clear error before any work) and hand it to every worker
    process through the environment."""
    if path is None:
        return
    from .entities.aliases import ALIASES_ENV, load_aliases

    load_aliases(path)
    os.environ[ALIASES_ENV] = str(path.resolve())


@main.command("optimize")
@INDEX_OPTION
@click.option("--words/--no-words", default=None,
              help="Write words.tsv (each word's index terms, which searches read instead of analysing"
              " their hits' words) anew from the stored documents. Default: when it is missing, from"
              " another searchkit version, or partial (started by a commit over older documents).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def optimize_command(index_path: Path | None, words: bool | None, quiet: bool) -> None:
    """Merge all segments into one (after a bulk import: queries get faster), and write the
    words file anew when it is missing or outdated (or with --words)."""
    index = Index(index_path or default_index_path())
    before = index.segment_count()
    if index.optimize(words=False):
        index.facet_data()
        click.echo(f"{before} segment(s) merged into {index.segment_count()} — {len(index)} documents")
    else:
        click.echo(f"{before} segment(s), no deleted documents: nothing to merge — {len(index)} documents")
    _write_words(index, words=words, quiet=quiet, say=click.echo)


def _optimize(index: Index, *, quiet: bool) -> None:
    """``Index.optimize`` as ``searchkit index`` runs it after a bulk import: the words file,
    when it is missing, foreign or partial, with a progress bar (``_write_words``). A line says
    what the seconds of merging after the progress bar are (there was none: a review)."""
    segments = index.segment_count()
    if not quiet and segments > 1:
        click.echo(f"Merging {segments} segments into one …", err=True)
    index.optimize(words=False)
    _write_words(index, words=None, quiet=quiet, say=lambda text: None if quiet else click.echo(text, err=True))


def _write_words(index: Index, *, words: bool | None, quiet: bool, say: Callable[[str], None]) -> None:
    """Write ``words.tsv`` anew from the stored documents when it is missing, foreign or partial
    (or always: ``words``; never: ``words=False``), with a progress bar: re-analysing every
    stored document takes a while on a large archive."""
    from tqdm import tqdm

    from . import known_words

    if words is False:
        return
    try:
        if words or known_words.needs_rebuild(index.path):
            with tqdm(total=len(index), desc="Words", unit=" docs", disable=quiet, file=sys.stderr) as bar:
                count = index.rebuild_known_words(on_document=lambda *_: bar.update())
            say(f"{known_words.FILE_NAME} written anew from the stored documents: {count} words")
    except Exception as error:
        if words:  # asked for: an error (exit 1)
            raise
        # a cache (searches are only slower without it), and the merge is done
        click.echo(f"Warning: {known_words.FILE_NAME} could not be written anew: {error}", err=True)


@main.command("reextract")
@INDEX_OPTION
@click.option("--workers", default=1, show_default=True, envvar="SEARCHKIT_WORKERS", type=click.IntRange(1, 64), help="Processes for extraction.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, envvar="SEARCHKIT_ALIASES", help="Entity alias file (TOML/JSON): renames, types, ignored names.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--optimize/--no-optimize", default=True, show_default=True,
              help="Merge the index into one segment afterwards (every document was rewritten).")
def reextract_command(index_path: Path | None, workers: int, aliases: Path | None, quiet: bool, optimize: bool) -> None:
    """Extract entities and mentioned dates again for every stored document (after a model or
    alias-file change) without re-reading the sources."""
    from tqdm import tqdm

    from .pipeline import enrich

    _use_aliases(aliases)

    index = Index(index_path or default_index_path())
    with tqdm(total=len(index), desc="Re-extracting", unit=" docs", disable=quiet, file=sys.stderr) as bar:
        report = index.reextract(enrich, workers=workers, on_document=lambda *_: bar.update(), optimize=optimize)
    index.facet_data()
    click.echo(f"updated {report.updated}, failed {report.failed}")
    if report.failed:
        sys.exit(1)


#: The entity types after "mit", in the dative ("mit Orten", not the facet's "Orte").
_WITH_LABELS = {"person": "Personen", "place": "Orten", "organisation": "Organisationen"}


def _facet_label(name: str) -> str:
    """The German label of a facet ("Orte" for place, also when named "ort"), or its name when
    it has none."""
    facet = filter_facet(name)
    return FACETS[facet][1] if facet in FACETS else name


class FacetName(click.ParamType):
    """A facet argument by its own name or by a German one of the query language, in any case
    (``ort``, ``Personen``: ``request.filter_facet``), as the filter options, ``facet-values``,
    the library and the API take them; passed on as the facet's own name. ``click.Choice``
    made ``searchkit entity ort Baku`` a usage error (a review)."""

    name = "facet"

    def __init__(self, facets: tuple[str, ...]) -> None:
        self.facets = facets

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "{" + "|".join(self.facets) + "}"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        facet = filter_facet(value) if isinstance(value, str) else None
        if facet is None or facet not in self.facets:
            german = ", ".join(filter_aliases(self.facets))
            self.fail(f"{value!r} is not one of {', '.join(self.facets)} (in German also {german})", param, ctx)
        return facet

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        names = [*self.facets, *filter_aliases(self.facets)]
        return [CompletionItem(name) for name in names if name.startswith(incomplete.lower())]


@main.command("entity")
@click.argument("facet", type=FacetName(("person", "place", "organisation")))
@click.argument("name")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def entity_command(facet: str, name: str, index_path: Path | None, as_json: bool) -> None:
    """An entity's documents over time and the entities seen with it.

    The kind may also be named in German, in any case: Personen, Ort, Org.

    Example: searchkit entity person "Recep Tayyip Erdoğan"
    """
    report = Index(index_path or default_index_path()).entity(facet, name)
    if as_json:
        _echo_json(report.to_dict())
        return
    click.echo(f"{report.name}: {report.count} {'Dokument' if report.count == 1 else 'Dokumente'}")
    for value in report.timeline:
        click.echo(f"  {value.label:>16} {'█' * value.count} {value.count}")
    if report.undated:  # they belong to no month: without this line the bars missed them
        click.echo(f"  {'ohne Datum':>16} {'█' * report.undated} {report.undated}")
    for other, values in report.cooccurring.items():
        if values:
            click.echo(f"  mit {_WITH_LABELS.get(other, other)}: " + ", ".join(f"{v.label} ({v.count})" for v in values))


@main.command("facet-values")
@click.argument("facet")
@click.argument("text", default="")
@INDEX_OPTION
@click.option("--limit", default=20, show_default=True, help="At most this many values.")
@click.option("--query", "-q", default="", help="Count within the hits of this search (with the filters below).")
@scope_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def facet_values_command(  # noqa: PLR0913 - one flag each
    facet: str, text: str, index_path: Path | None, limit: int, query: str, as_json: bool, **scope: Any
) -> None:
    """Search the values of one facet: searchkit facet-values person Erd

    Within a search: searchkit facet-values person --query Gipfel --place Baku
    """
    index = Index(index_path or default_index_path())
    values = index.facet_values(facet, text, limit=limit, query=query, **_scope(**scope))
    if as_json:
        _echo_json([v.to_dict() for v in values])
        return
    if not values:  # (an unknown facet is the library's error above)
        label = _facet_label(facet)
        click.echo(f"Kein Wert in „{label}“ enthält „{text}“." if text else f"Keine Werte in „{label}“.")
    for value in values:
        click.echo(f"{value.count:6d}  {value.label}")


@main.command("get")
@click.argument("doc_id")
@INDEX_OPTION
def get_command(doc_id: str, index_path: Path | None) -> None:
    """Print one document as JSON (its entities as the facets name them, as the API shows them;
    `searchkit export` keeps the names as extracted)."""
    index = Index(index_path or default_index_path())
    doc = index.get(doc_id)
    _echo_json(doc.to_dict() | {"entities": [entity.to_dict() for entity in index.entity_names(doc)]})


@main.command("delete")
@click.argument("doc_ids", nargs=-1, required=True)
@INDEX_OPTION
def delete_command(doc_ids: tuple[str, ...], index_path: Path | None) -> None:
    """Delete documents by id: all of them in one commit, or none if one id is unknown."""
    index = Index(index_path or default_index_path())
    deleted = index.delete(*doc_ids)
    click.echo(f"deleted {deleted} — {len(index)} documents left")


@main.command("export")
@INDEX_OPTION
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout).")
def export_command(index_path: Path | None, output: Path | None) -> None:
    """Write every document (with dates and entities) as JSON Lines; `searchkit index` reads it back.

    A file given with --output is written whole or not at all."""
    import shutil

    if output is not None and output.is_dir():  # ("-o ''" is the current folder)
        raise SearchkitError(f"cannot write {str(output) if str(output) != '.' else repr('')}: it is a folder; give a file name")
    index = Index(index_path or default_index_path())
    lines = (doc.to_json() + "\n" for doc in index.documents())
    if output is None or (output.exists() and not output.is_file()):
        # stdout, a pipe or a device (-o /dev/null): streamed; nothing can be renamed over them
        with contextlib.nullcontext(sys.stdout) if output is None else output.open("w", encoding="utf-8") as stream:
            stream.writelines(lines)
        return
    # A file is written beside itself and renamed over it at the end: an export that failed
    # half-way (a document it cannot write, a full disk) had left a partial file that looked
    # like a whole backup, in place of the old one (found by a review). Through a symbolic
    # link, the file it points to is replaced; an old file's permissions are kept.
    target = Path(os.path.realpath(output))
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        file = tmp.open("x", encoding="utf-8")  # "x": never another's file (nor removed below)
    except OSError as error:
        # a missing or read-only folder: named as the user wrote it, without "[Errno 2]"
        raise SearchkitError(f"cannot write {output}: {error.strerror or error}") from None
    try:
        with file:
            file.writelines(lines)
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _serve(index_path: Path, host: str, port: int, workers: int = 1, threads: int = 8) -> None:
    from server import checked_settings
    from server.serving import check_address, choose_server, serve

    checked_settings()  # a wrong SEARCHKIT_* setting: one Error: line now, not 500s later
    _stop_signals_as_before()

    kind = choose_server()
    check_address(host, port, kind)  # a port in use: one Error: line, before the banner
    how = f"gunicorn, {workers} worker(s) × {threads} threads" if kind == "gunicorn" else f"waitress, {threads} threads"
    click.echo(f"searchkit: serving {index_path} on http://{host}:{port}/ ({how}; Ctrl-C to stop)")
    serve(index_path, host, port, workers=workers, threads=threads)


def _stop_signals_as_before() -> None:
    """SIGTERM and SIGHUP back to their default while a server runs: gunicorn installs its own
    handlers, and waitress took the interrupt they raise (``stop_signals_as_interrupts``) as
    Ctrl-C, shut down and returned, so `serve` ended with status 0 where a killed server ends
    with 143 (a review). (The command's own handlers are restored when it ends anyway.)"""
    import signal
    import threading

    from .processes import TERMINATING_SIGNALS

    if threading.current_thread() is threading.main_thread():
        for stop in TERMINATING_SIGNALS:
            if signal.getsignal(stop) is _raise_terminated:
                signal.signal(stop, signal.SIG_DFL)


@main.command("serve")
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, envvar="SEARCHKIT_HOST", show_envvar=True,
              help="Address to listen on (0.0.0.0: every interface of the machine).")
@click.option("--port", default=5000, show_default=True, envvar="SEARCHKIT_PORT", show_envvar=True,
              type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    envvar="SEARCHKIT_WORKERS",
    show_envvar=True,
    type=click.IntRange(1, 64),
    help="Worker processes (gunicorn); where the platform cannot fork, waitress serves in one process.",
)
@click.option(
    "--threads", default=8, show_default=True, envvar="SEARCHKIT_THREADS", show_envvar=True, type=click.IntRange(1, 256),
    help="Threads per worker.",
)
def serve_command(index_path: Path | None, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web page and the JSON API.

    Example: searchkit serve --host 0.0.0.0 --port 8000 --workers 4
    """
    path = index_path or default_index_path()
    Index(path)  # fail early with a clear message if there is no index
    _serve(path, host, port, workers, threads)


def demo_corpus_path() -> Path:
    """The demo articles shipped inside the package."""
    from importlib.resources import files

    return Path(str(files("searchkit") / "demo" / "corpus"))


def _check_migration_target(source: Path, target: Path) -> None:
    """Refuse a ``migrate --to`` folder before anything is written: the index folder itself or
    a folder inside it (found by a review: the copy was written into the index folder, and the
    next in-place migration or ``--rebuild`` deleted it with the old index), or a folder that
    holds anything (an index of its own, someone's files: the library's messages named
    ``--index`` or told to migrate the target)."""
    source, copy = source.resolve(), target.resolve()
    if copy == source or source in copy.parents:
        raise SearchkitError(
            f"--to {target} is {'the index folder itself' if copy == source else f'inside the index folder {source}'}:"
            " choose a folder outside it, or leave out --to to migrate the index in place"
        )
    if copy.exists() and (not copy.is_dir() or any(copy.iterdir())):
        raise SearchkitError(f"--to {target} exists and is not an empty folder: choose a new folder for the copy")


@main.command("migrate")
@INDEX_OPTION
@click.option("--engine", type=click.Choice(ENGINES), default=None, help="Engine of the copy (default: the index's own).")
@click.option("--to", "target", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the copy (default: replace the index in place once the copy is complete).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def migrate_command(index_path: Path | None, engine: str | None, target: Path | None, quiet: bool) -> None:
    """Copy an index to another engine, or re-index one of an older schema version (documents,
    entities and dates as they are; the sources are not needed).

    In place by default; --to writes the copy into a new (or empty) folder outside the index.
    An index of the current schema version and the same engine is left as it is.

    Example: searchkit migrate --index index/ --engine tantivy
    """
    import shutil

    from tqdm import tqdm

    from .index import METADATA_FILE, SCHEMA_VERSION

    # absolute: the copy of an in-place migration goes beside the folder ("--index ." has no
    # name to put beside it: it was a traceback)
    given = index_path or default_index_path()
    source_path = given.absolute()
    source = Index(source_path, for_copy=True)
    engine = engine or source.engine_name
    in_place = target is None
    if in_place and engine == source.engine_name and source.metadata.get("schema_version") == SCHEMA_VERSION:
        # Nothing to change: the copy would rewrite every document under the write lock for an
        # index equal to the one it replaces (found by a review).
        source.close()
        click.echo(
            f"{given} is already current (schema {SCHEMA_VERSION}, {engine} engine): nothing to migrate;"
            " --engine converts it to another engine, --to copies it"
        )
        return
    if target is not None:
        _check_migration_target(source_path, target)
    copy_path = source_path.with_name(source_path.name + f".{engine}-migrating") if in_place else target
    if in_place and copy_path.exists():
        if any(copy_path.iterdir()) and not (copy_path / METADATA_FILE).exists():
            raise SearchkitError(f"refusing to replace {copy_path}: it is not a left-over migration; move it away")
        shutil.rmtree(copy_path)  # left over from an interrupted migration
    # In place, no writer may commit while the copy is made and swapped in: a document added
    # meanwhile was acknowledged and then lost with the old folder (found by a review).
    with source.write_lock() if in_place else contextlib.nullcontext():
        with tqdm(total=len(source), desc="Copying", unit=" docs", disable=quiet, file=sys.stderr) as bar:
            copy = source.migrate(copy_path, engine=engine, on_document=lambda *_: bar.update())
        count = len(copy)
        copy.facet_data()
        copy.close()
        if in_place:
            # the complete copy replaces the source; until the last rename the source is intact
            # a name of its own: "index.old" may be someone's backup (it was removed unasked)
            old = source_path.with_name(f"{source_path.name}.migrated-{os.getpid()}-{os.urandom(4).hex()}")
            source_path.rename(old)
            copy_path.rename(source_path)
    source.close()
    if in_place:
        shutil.rmtree(old)
        copy_path = given
    click.echo(f"{count} documents in {copy_path} ({engine})")


@main.command("demo")
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, envvar="SEARCHKIT_HOST", show_envvar=True,
              help="Address to listen on (0.0.0.0: every interface of the machine).")
@click.option("--port", default=5000, show_default=True, envvar="SEARCHKIT_PORT", show_envvar=True,
              type=click.IntRange(0, 65535))
@click.option("--no-serve", is_flag=True, help="Only build the demo index.")
@ENGINE_OPTION
def demo_command(index_path: Path | None, host: str, port: int, no_serve: bool, engine: str | None) -> None:
    """Build an index of the shipped demo articles and serve it."""
    from .ingest import read_paths

    if not no_serve:
        from server.serving import check_address

        check_address(host, port)  # a port in use: said before the index is built, not after
    path = index_path or default_index_path()
    index = Index.rebuild(path, engine=engine)
    report = index_documents(index, read_paths([demo_corpus_path()]))
    index.facet_data()
    click.echo(f"demo index: {report.added} articles in {path}")
    if not no_serve:
        _serve(path, host, port)


@main.group("eval")
def eval_group() -> None:
    """Quality evaluations: retrieval, spelling, similar articles, entities, dates (pip install "searchkit[eval]")."""


def _require_extra(extra: str, *modules: str) -> None:
    """Stop before any work when an optional package of ``extra`` is missing: the retrieval
    evaluation imported ranx only to score, after indexing and querying everything."""
    import importlib.util

    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise SearchkitError(f'{", ".join(missing)} not installed: pip install "searchkit[{extra}]"')


def _report(result: dict[str, Any], table: str, as_json: bool, output: Path | None) -> None:
    if output:
        output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if as_json:
        _echo_json(result)
    else:
        click.echo(table)


def _output_folder_exists(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Checked before the evaluation runs, not after it (found by a review: a file in the way
    failed only at the end, and missing folders were created unasked)."""
    if value is not None and not value.parent.is_dir():
        raise click.BadParameter(f"the folder {value.parent} does not exist", ctx=ctx, param=param)
    return value


OUTPUT_OPTION = click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
    callback=_output_folder_exists, help="Also write the results as JSON to this file (its folder must exist).",
)


@eval_group.command("retrieval")
@click.option("--docs", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="DOCS.jsonl: {id, title?, text} a line.")
@click.option("--queries", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="QUERIES.tsv: query_id<TAB>text.")
@click.option("--qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="TREC qrels: query_id 0 doc_id relevance.")
@click.option("--baselines", is_flag=True, help="Also run Whoosh standard, Whoosh LanguageAnalyzer('de') and tantivy.")
@click.option("--operator", type=click.Choice(["auto", "and", "or"]), default="auto", show_default=True,
              help="auto: keywords need every word (any, when no document has all), questions any word.")
@click.option("--no-enrich", is_flag=True, help="Index without entity and date extraction (measures the analyzer and index alone).")
@click.option(
    "--no-analyzer-cost", is_flag=True,
    help="With --baselines: skip the analyzer-alone comparison with Whoosh LanguageAnalyzer('de').",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@OUTPUT_OPTION
def eval_retrieval(  # noqa: PLR0913 - one flag each
    docs: Path, queries: Path, qrels: Path, baselines: bool, operator: str, no_enrich: bool, no_analyzer_cost: bool,
    as_json: bool, output: Path | None,
) -> None:
    """MRR@10, nDCG@10 and Recall@100 of searchkit (and baselines) on any query set."""
    _require_extra("eval", "ranx", *(["tantivy"] if baselines else []))
    from .evaluate.retrieval import evaluate_retrieval, format_retrieval_table

    result = evaluate_retrieval(
        docs, queries, qrels, baselines=baselines, operator=operator, enrich=not no_enrich, progress=not as_json,
        analyzer=False if no_analyzer_cost else None,
    )
    _report(result, format_retrieval_table(result), as_json, output)


@eval_group.command("spelling")
@click.option("--docs", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="DOCS.jsonl: {id, title?, text} a line.")
@click.option("--queries", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="QUERIES.tsv: query_id<TAB>text.")
@click.option("--seed", default=1, show_default=True, help="Seed of the typos put into the queries.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Use only the first N queries.")
@click.option("--no-enrich", is_flag=True, help="Index without entity and date extraction.")
@click.option("--examples", type=click.IntRange(0), default=0, show_default=True,
              help="Also list this many false alarms and wrong guesses per kind of query (they quote the queries).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@OUTPUT_OPTION
def eval_spelling(  # noqa: PLR0913 - one flag each
    docs: Path, queries: Path, seed: int, limit: int | None, no_enrich: bool, examples: int, as_json: bool,
    output: Path | None,
) -> None:
    """"Meinten Sie …?": false alarms on the queries as written, typos put into them restored."""
    from .evaluate.spelling import evaluate_spelling, format_spelling_table

    result = evaluate_spelling(
        docs, queries, seed=seed, limit=limit, enrich=not no_enrich, progress=not as_json, examples=examples
    )
    _report(result, format_spelling_table(result), as_json, output)


@eval_group.command("similar")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--label", default="category", show_default=True, help="Metadata field that labels a document (10kGNAD's section).")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="Similar articles per article.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Score only the first N labelled articles.")
@click.option("--engine", type=click.Choice(["whoosh", "tantivy"]), default=None, help="Index engine (default: whoosh).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@OUTPUT_OPTION
def eval_similar(  # noqa: PLR0913 - one flag each
    paths: tuple[Path, ...], label: str, k: int, limit: int | None, engine: str | None, as_json: bool,
    output: Path | None,
) -> None:
    """Precision@k of a label (a section) among each labelled article's similar articles."""
    from .evaluate.similar import evaluate_similar, format_similar_table

    result = evaluate_similar(list(paths), label=label, k=k, limit=limit, engine=engine, progress=not as_json)
    _report(result, format_similar_table(result), as_json, output)


@eval_group.command("entities")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="GermEval 2014 TSV file.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@OUTPUT_OPTION
def eval_entities(gold: Path, as_json: bool, output: Path | None) -> None:
    """Strict span P/R/F1 per type and micro over PER/LOC/ORG."""
    _require_extra("eval", "seqeval")
    from .evaluate.entities import evaluate_entities, format_entity_table

    result = evaluate_entities(gold)
    _report(result, format_entity_table(result), as_json, output)


@eval_group.command("dates")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="TSV of labelled expressions (default: the shipped set).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@OUTPUT_OPTION
def eval_dates(gold: Path | None, as_json: bool, output: Path | None) -> None:
    """Accuracy of date parsing (value and precision) on labelled German expressions."""
    from .dates import held_date_warnings
    from .evaluate.dates import evaluate_dates, format_date_table

    # The labelled set holds invalid dates on purpose; their warnings are not news here. Held
    # for this call only: a level set on the logger would silence every later caller as well.
    with held_date_warnings():
        result = evaluate_dates(gold)
    _report(result, format_date_table(result), as_json, output)


if __name__ == "__main__":  # pragma: no cover
    main()
