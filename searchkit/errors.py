"""Typed exceptions: every failure a user can cause has its own class and a message that says
what to do next. The CLI prints ``str(error)`` and exits non-zero; the server maps them to 4xx."""

from __future__ import annotations


class SearchkitError(Exception):
    """Base class of every error searchkit raises on purpose.

    The message (``str(error)``) is English, like the rest of the API and the CLI. Errors a
    reader of the German web page can cause by typing (query syntax, dates, page numbers) also
    carry ``german``: the same advice in German, which the page shows instead."""

    #: HTTP status the server answers with when this error reaches it.
    http_status = 400

    def __init__(self, *args: object, german: str | None = None) -> None:
        super().__init__(*args)
        #: The message in German for the web page, or None (the page then says so in German
        #: and shows the English message marked as English).
        self.german = german


class IndexNotFoundError(SearchkitError):
    """No searchkit index exists at the path."""

    http_status = 404


class IndexVersionError(SearchkitError):
    """The index was written by another schema version (or is not a searchkit index)."""

    http_status = 409


class IndexDamagedError(IndexVersionError):
    """The index's files are truncated, garbled or missing (a full disk, a copy cut short,
    files deleted under a running server): a server answers 503, as the index cannot serve."""

    http_status = 503


class IndexLockedError(SearchkitError):
    """Another writer holds the index lock."""

    http_status = 423


class EngineError(SearchkitError):
    """An unknown engine was asked for, or the engine's library is not installed."""


class QueryError(SearchkitError):
    """The query text or a search parameter cannot be used."""


class DateError(SearchkitError):
    """A date or date range given by the user cannot be understood."""


class DocumentError(SearchkitError):
    """A document is invalid (missing id and text, wrong types)."""


class DocumentNotFoundError(SearchkitError):
    """No document with that id is in the index."""

    http_status = 404


class IngestError(SearchkitError):
    """A source file cannot be read or parsed."""


class ClusterError(SearchkitError):
    """The Dask scheduler given for the extraction stage cannot be reached or its address is
    malformed."""


class ArgumentError(SearchkitError, ValueError):
    """A library call got an argument it cannot use (a type or a value): said at the call, not
    by a ``TypeError`` deep inside, and never after part of the work was done."""


class ConfigError(SearchkitError):
    """A server setting (``SEARCHKIT_*`` or a ``create_app`` keyword) has a value that cannot
    be used: found when the server starts, not by the first request."""


#: How many characters of a value an error message repeats: a message names what it refuses,
#: it does not echo all of it (an id, a filter name or a date of 1 MB gave messages of 1 MB,
#: into logs and HTTP answers; found by a review).
SHOWN_CHARS = 100


def clipped(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with "…" when cut: for messages that quote a value
    in German quotation marks („…“) rather than as ``repr``."""
    return text if len(text) <= limit else text[:limit] + "…"


def shown(value: object) -> str:
    """``value`` as an error message shows it: the ``repr`` of a string cut to ``SHOWN_CHARS``
    (``clipped``), of anything else the start of its ``repr``."""
    return repr(clipped(value)) if isinstance(value, str) else clipped(repr(value))


def document_not_found(doc_id: str) -> DocumentNotFoundError:
    """"no document with id …", in English and German, the id cut (``shown``): an id of 1 MB gave
    a message of 1 MB (found by a review)."""
    return DocumentNotFoundError(
        f"no document with id {shown(doc_id)}", german=f"Kein Artikel mit der Kennung „{clipped(doc_id)}“."
    )
