"""The enrichment stage between ingest and index: entities and mentioned dates.

It is a plain function of one document, so that it runs the same in-process, in a
multiprocessing pool or on Dask workers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from .model import Document


def enrich(doc: Document) -> Document:
    """Add named entities and the periods the text mentions (keeps what the source already had)."""
    from .dates import extract_mentioned_dates
    from .entities import extract_entities

    entities = doc.entities or extract_entities(doc.text, title=doc.title)
    mentioned = doc.mentioned or extract_mentioned_dates(doc.text, reference=doc.published)
    return dataclasses.replace(doc, entities=list(entities), mentioned=list(mentioned))


def enrich_on_dask(
    docs: Iterable[Document], scheduler: str | Any, *, batch_size: int = 256
) -> Iterator[Document]:
    """Enrich documents on a Dask cluster and yield them back in input order.

    Only the expensive NLP stage (entities, mentioned dates) runs on the workers; reading the
    sources and writing the index stay on this machine, because a Whoosh index is one folder
    with one writer. ``scheduler`` is an address such as ``tcp://10.0.0.5:8786`` or a
    ``distributed.Client``. The workers need searchkit installed (same version).
    """
    from .errors import ClusterError

    try:
        from distributed import Client
    except ImportError as error:
        raise ClusterError('--dask needs Dask: pip install "searchkit[dask]"') from error

    client = scheduler if isinstance(scheduler, Client) else _connect(scheduler)
    try:
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from client.gather(client.map(enrich, batch, pure=False))
                batch = []
        if batch:
            yield from client.gather(client.map(enrich, batch, pure=False))
    finally:
        if client is not scheduler:
            client.close()


def _connect(address: str) -> Any:
    """A client of the scheduler at ``address``, or ``ClusterError`` saying why not (a
    malformed address, nobody listening, a timeout)."""
    from distributed import Client

    from .errors import ClusterError

    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (ValueError, TypeError, OSError, TimeoutError) as error:
        raise ClusterError(
            f"cannot use the Dask scheduler {address!r}: {error or type(error).__name__}"
            " (an address looks like tcp://10.0.0.5:8786)"
        ) from error


#: Seconds to wait for the Dask scheduler before giving up.
CONNECT_TIMEOUT = 20
