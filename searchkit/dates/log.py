"""The dates package's log: warnings about dates a text or a feed gets wrong, which callers
that know the document can hold back and report (``held_date_warnings``)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

logger = logging.getLogger("searchkit.dates")  # one logger for the whole package, by its name

#: The list that :func:`held_date_warnings` collects into in this thread (or task), else None.
_HELD_RECORDS: ContextVar[list[logging.LogRecord] | None] = ContextVar("searchkit_dates_held", default=None)


def _hold_record(record: logging.LogRecord) -> bool:
    """Filter of this module's logger: inside :func:`held_date_warnings` a record goes to the
    caller's list instead of the log."""
    held = _HELD_RECORDS.get()
    if held is None:
        return True
    held.append(record)
    return False


logger.addFilter(_hold_record)


@contextlib.contextmanager
def held_date_warnings() -> Iterator[list[logging.LogRecord]]:
    """Hold back this module's log records inside the block (of this thread only) and hand them
    to the caller. A bare "not a valid calendar date: '2025-02-29'" names no document; the caller
    knows which one it belongs to (``searchkit index`` reports it with the document's id), or
    that it raises an error saying the same anyway (the write API's 400, a ``from``/``to``
    bound's ``DateError``) and drops it."""
    held: list[logging.LogRecord] = []
    token = _HELD_RECORDS.set(held)
    try:
        yield held
    finally:
        _HELD_RECORDS.reset(token)
