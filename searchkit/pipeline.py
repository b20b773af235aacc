"""The enrichment stage between ingest and index: entities and mentioned dates.

It is a plain function of one document, so that it runs the same in-process, in a
multiprocessing pool or on Dask workers.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import DocumentError, shown
from .model import Document

if TYPE_CHECKING:
    from .entities.aliases import Aliases


def enrich(doc: Document, *, aliases: Aliases | None = None) -> Document:
    """Add named entities and the periods the text mentions (keeps what the source already had).
    Anything but a ``Document`` is a ``DocumentError`` (None and a string were AttributeErrors:
    a review). ``aliases``: the alias file's rules to apply (None: the file
    ``$SEARCHKIT_ALIASES`` names, if any)."""
    from .dates import extract_mentioned_dates
    from .entities import extract_entities

    if not isinstance(doc, Document):
        raise DocumentError(f"enrich takes a Document, not {type(doc).__name__} (Document.from_dict reads a dict)")
    entities = doc.entities or extract_entities(doc.text, title=doc.title, aliases=aliases)
    mentioned = doc.mentioned or extract_mentioned_dates(doc.text, reference=doc.published)
    return doc.with_changes(entities=list(entities), mentioned=list(mentioned))


def enrich_on_dask(
    docs: Iterable[Document], scheduler: str | Any, *, batch_size: int = 256
) -> Iterator[Document]:
    """Enrich documents on a Dask cluster and yield them back in input order.

    Only the expensive NLP stage (entities, mentioned dates) runs on the workers; reading the
    sources and writing the index stay on this machine, because a Whoosh index is one folder
    with one writer. ``scheduler`` is an address such as ``tcp://10.0.0.5:8786`` or a
    ``distributed.Client``. The workers need searchkit installed (same version). The alias
    file (``$SEARCHKIT_ALIASES``, ``--aliases``) is read here and its rules go to the workers
    with each task: they have no access to this machine's files (``--aliases`` had no effect
    on the cluster's documents; a review).
    """
    from .entities.aliases import ALIASES_ENV, load_aliases

    client = scheduler if _is_client(scheduler) else connect_scheduler(scheduler)
    _quiet_abandoned_waits()
    # without a file here, a worker's own $SEARCHKIT_ALIASES applies, as before
    configured = os.environ.get(ALIASES_ENV)
    task = functools.partial(enrich, aliases=load_aliases(configured)) if configured else enrich
    try:
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from _gathered(client, task, batch)
                batch = []
        if batch:
            yield from _gathered(client, task, batch)
    finally:
        if client is not scheduler:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - a scheduler that is gone cannot be told goodbye
                pass


def _gathered(client: Any, task: Callable[[Document], Document], batch: list[Document]) -> list[Document]:
    """The batch enriched on the cluster; ``ClusterError`` when the cluster is lost meanwhile
    (a killed scheduler gave three tracebacks: found by a review). The batches before it are
    committed by then."""
    import asyncio

    from .errors import ClusterError

    futures = client.map(task, batch, pure=False)
    try:
        return list(client.gather(futures))
    except KeyboardInterrupt:
        # Ctrl-C: the cluster stops this batch's work; the client's pending waits would each log
        # "Task exception was never retrieved" when it closes
        _cancel_quietly(client, futures)
        raise
    except (asyncio.CancelledError, Exception) as error:
        # the connection's errors and distributed's own (FutureCancelledError, CommClosedError);
        # an error of the enrichment itself stays what it is
        lost = isinstance(error, (asyncio.CancelledError, OSError, TimeoutError))
        if not lost and type(error).__module__.split(".")[0] != "distributed":
            raise
        raise ClusterError(f"lost the Dask scheduler: {error or type(error).__name__}") from error


class _AbandonedWaits(logging.Filter):
    """Drops asyncio's "Task exception was never retrieved" for distributed's ``AllExit``: when
    Ctrl-C stops a ``client.gather``, each of its pending per-future waits ends with it as the
    client closes, and asyncio logged one traceback per future (dozens) after the one-line
    message of the CLI."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[0] if record.exc_info else None
        return not (error is not None and error.__name__ == "AllExit" and error.__module__.startswith("distributed"))


def _quiet_abandoned_waits() -> None:
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, _AbandonedWaits) for f in asyncio_log.filters):
        asyncio_log.addFilter(_AbandonedWaits())


def _cancel_quietly(client: Any, futures: list[Any]) -> None:
    try:
        client.cancel(futures)
    except Exception:  # noqa: BLE001 - a lost scheduler has nothing left to cancel
        pass


def _is_client(scheduler: Any) -> bool:
    try:
        from distributed import Client
    except ImportError:
        return False
    return isinstance(scheduler, Client)


def connect_scheduler(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``_connect``), or
    ``ClusterError`` when Dask is missing or the scheduler cannot be reached. ``searchkit
    index`` connects before it touches the index: ``--rebuild`` with an address nobody answers
    at had emptied the index (a review)."""
    from .errors import ClusterError

    try:
        import distributed  # noqa: F401
    except ImportError as error:
        raise ClusterError('--dask needs Dask: pip install "searchkit[dask]"') from error
    return _connect(address)


def _connect(address: str) -> Any:
    """A client of the scheduler at ``address``, or ``ClusterError`` saying why not (a
    malformed address, nobody listening, something else listening, a timeout). The client is
    made in a thread with a deadline: ``Client(timeout=…)`` bounds the connection, not the
    handshake, and a port where something else answers (the dashboard's 8787, one digit off)
    hung for ever or failed with a MemoryError reading its reply (found by a review)."""
    import threading

    from distributed import Client

    from .errors import ClusterError

    if not isinstance(address, str) or not address.strip():
        raise ClusterError("the Dask scheduler's address is empty (it looks like tcp://10.0.0.5:8786)")
    outcome: dict[str, Any] = {}
    lock = threading.Lock()

    def connect() -> None:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            # A Client whose start failed closes itself in its finalizer. Left to a random
            # later collection, that ran inside distributed's own loop start, which holds the
            # lock the close needs: a test run hung so. Closed here, on this thread, instead.
            client = _half_made(error.__traceback__, Client)
            outcome["error"] = _without_frames(error)
            if client is None:
                return
        else:
            with lock:
                if not outcome.get("gave_up"):
                    outcome["client"] = client
                    return
        with contextlib.suppress(Exception):  # failed, or connected after the caller gave up
            client.close()

    thread = threading.Thread(target=connect, name="searchkit-dask-connect", daemon=True)
    thread.start()
    try:
        thread.join(CONNECT_TIMEOUT + HANDSHAKE_GRACE)
    except BaseException:  # Ctrl-C while waiting: no client stays open, now or later
        with lock:
            outcome["gave_up"] = True
            client = outcome.pop("client", None)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        raise
    with lock:
        client = outcome.get("client")
        outcome["gave_up"] = client is None  # one that connects later is closed by the thread
    if client is not None:
        return client
    error = outcome.get("error")
    reason = f"{error or type(error).__name__}" if error is not None else f"no answer within {CONNECT_TIMEOUT + HANDSHAKE_GRACE} s"
    raise ClusterError(
        f"cannot use the Dask scheduler {shown(address)}: {reason} (an address looks like tcp://10.0.0.5:8786;"
        " is it the scheduler's port, not the dashboard's?)"
    ) from error


def _half_made(tb: Any, kind: type) -> Any:
    """The object of type ``kind`` whose constructor raised (``self`` of a frame of the
    traceback ``tb``), or None."""
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, kind):
            return candidate
        tb = tb.tb_next
    return None


def _without_frames(error: BaseException) -> BaseException:
    """``error`` (and the exceptions it chains) without tracebacks: their frames would keep a
    half-made ``Client`` alive for as long as the error is kept (the message is what counts)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return error


#: Seconds to wait for the Dask scheduler before giving up.
CONNECT_TIMEOUT = 20
#: Seconds more for the handshake after the connection (``_connect``).
HANDSHAKE_GRACE = 5
