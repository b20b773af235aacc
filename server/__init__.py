"""The Flask app: a thin HTTP layer over ``searchkit.Index``.

``create_app(index_path=...)`` builds the app (Flask's app-factory pattern); the JSON API lives in
the ``api`` blueprint, the German web page in ``pages``, the HTTP plumbing (caching, gzip, CORS,
rate limits, request logs, security headers) in ``http``. Configuration comes from keyword
arguments, then ``SEARCHKIT_*`` environment variables, then the defaults in ``DEFAULTS``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter

from searchkit import Index, SearchkitError
from searchkit.index import default_index_path

#: Every setting, with its default. Each can be given to ``create_app`` as a keyword or set as
#: ``SEARCHKIT_<NAME>`` in the environment (e.g. ``SEARCHKIT_RATE_LIMIT=60/minute``).
DEFAULTS: dict[str, Any] = {
    # Write API (POST/DELETE /api/documents): off unless a key is configured.
    "API_KEY": "",
    # Rate limit per client address (flask-limiter syntax, "off" or "" to disable).
    "RATE_LIMIT": "120/minute",
    "RATE_LIMIT_EXEMPT_LOOPBACK": True,
    "RATE_LIMIT_STORAGE": "memory://",
    # CORS for /api/*: comma-separated origins or "*"; off when empty.
    "CORS_ORIGINS": "",
    # Cache-Control max-age (seconds) of search results and documents; ETags revalidate anyway.
    "CACHE_MAX_AGE": 0,
    # Number of reverse proxies in front of the app whose X-Forwarded-For to trust.
    "PROXY_FIX": 0,
    # Request body limit (bytes) and documents per write request.
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "MAX_BATCH": 1000,
    # Seconds a write waits for another writer's lock before answering 423.
    "WRITE_LOCK_TIMEOUT": 10.0,
    # One JSON line per request on the ``searchkit.requests`` logger.
    "LOG_REQUESTS": True,
    # Responses smaller than this (bytes) are not gzipped.
    "GZIP_MIN_SIZE": 500,
}

#: Settings read from the environment as plain strings (``from_prefixed_env`` would turn a key
#: like ``12345`` into a number).
_RAW_ENV = ("API_KEY", "RATE_LIMIT", "CORS_ORIGINS", "RATE_LIMIT_STORAGE")


class AnyPathConverter(PathConverter):
    """Werkzeug's ``path``, which also takes a first "/": an id "/2024/03/artikel" was
    unreachable at ``/api/documents//2024/03/artikel`` (found by a review)."""

    regex = ".+?"
    part_isolating = False  # (Werkzeug sets it for a regex without "/", which then takes none)


def create_app(index_path: str | os.PathLike[str] | None = None, **config: Any) -> Flask:
    """Create the app for the index at ``index_path`` (default ``$SEARCHKIT_INDEX`` or ``index/``)."""
    app = Flask(__name__)
    # Document ids may be URLs ("https://…"): keep "//" in paths instead of redirecting, and
    # an id may begin with "/" (a URL's path, "/2024/03/artikel").
    app.url_map.merge_slashes = False
    app.url_map.converters["path"] = AnyPathConverter
    app.config.update(DEFAULTS)
    app.config.update(
        SEARCHKIT_INDEX=str(index_path or default_index_path()),
        JSON_SORT_KEYS=False,
    )
    _check_known(config, app.config)
    app.config.from_prefixed_env("SEARCHKIT")
    for name in _RAW_ENV:
        if f"SEARCHKIT_{name}" in os.environ:
            app.config[name] = os.environ[f"SEARCHKIT_{name}"]
    app.config.update(config)
    app.config.update(checked_settings(app.config))
    from .http import FastJSONProvider

    app.json = FastJSONProvider(app)
    app.extensions["searchkit_index"] = None

    from .api import api
    from .http import init_http
    from .pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    _register_errors(app)
    init_http(app)
    # The analyzer's word lists (the compound lexicon takes about a second to read, the lemma
    # table 0.1 s): each serving process reads them when its app starts, not while the first
    # search request waits.
    from searchkit.analysis import load_word_lists

    load_word_lists()
    return app


def _check_known(given: dict[str, Any], known: Any) -> None:
    """``ConfigError`` for a keyword of ``create_app`` that is neither a searchkit setting
    (``DEFAULTS``) nor Flask's: a misspelt ``RATE_LIMT="10/minute"`` was taken silently and the
    limit stayed 120/minute (a review)."""
    import difflib

    from searchkit.errors import ConfigError

    unknown = sorted(name for name in given if name not in known)
    if unknown:
        near = difflib.get_close_matches(unknown[0].upper(), [str(name) for name in known], n=1)
        hint = f" (did you mean {near[0]}?)" if near else f"; searchkit's settings: {', '.join(DEFAULTS)}"
        raise ConfigError(f"unknown setting {unknown[0]}{hint}")


#: Settings that are whole numbers, with their smallest value.
_WHOLE_NUMBERS = {"CACHE_MAX_AGE": 0, "PROXY_FIX": 0, "MAX_CONTENT_LENGTH": 1, "MAX_BATCH": 1, "GZIP_MIN_SIZE": 0}
_YES = ("1", "true", "yes", "on")
_NO = ("0", "false", "no", "off", "")


def checked_settings(config: Any = None) -> dict[str, Any]:
    """The settings in ``config`` (default: ``DEFAULTS`` with the ``SEARCHKIT_*`` environment),
    each of its proper type, or ``ConfigError`` naming the setting: a wrong value would
    otherwise fail every request (500) or crash the workers. ``searchkit serve`` calls this
    before it starts serving."""
    from limits import parse_many
    from limits.storage import SCHEMES

    from searchkit.errors import ConfigError

    from .http import rate_limit_of

    if config is None:
        config = dict(DEFAULTS)
        for name in DEFAULTS:
            if f"SEARCHKIT_{name}" in os.environ:
                config[name] = os.environ[f"SEARCHKIT_{name}"]

    def fail(name: str, value: Any, wanted: str) -> ConfigError:
        return ConfigError(f"SEARCHKIT_{name}={value!r} is not {wanted}")

    out: dict[str, Any] = {}
    for name, least in _WHOLE_NUMBERS.items():
        value = config[name]
        try:
            number = int(str(value).strip()) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or number < least:
            raise fail(name, value, f"a whole number of at least {least}")
        out[name] = number
    try:
        out["WRITE_LOCK_TIMEOUT"] = float(config["WRITE_LOCK_TIMEOUT"])
    except (TypeError, ValueError):
        out["WRITE_LOCK_TIMEOUT"] = -1.0
    if not 0 <= out["WRITE_LOCK_TIMEOUT"] < float("inf"):
        raise fail("WRITE_LOCK_TIMEOUT", config["WRITE_LOCK_TIMEOUT"], "a number of seconds")
    for name in ("RATE_LIMIT_EXEMPT_LOOPBACK", "LOG_REQUESTS"):
        value = config[name]
        text = str(value).strip().lower()
        if not isinstance(value, bool) and text not in _YES + _NO:
            raise fail(name, value, "true or false")
        out[name] = value if isinstance(value, bool) else text in _YES
    limit = rate_limit_of(config["RATE_LIMIT"])
    if limit is not None:
        try:
            parse_many(limit)
        except ValueError as error:
            raise fail("RATE_LIMIT", limit, 'a rate such as "120/minute" (or "off")') from error
    storage = str(config["RATE_LIMIT_STORAGE"])
    if storage.split("://", 1)[0] not in SCHEMES or "://" not in storage:
        raise fail("RATE_LIMIT_STORAGE", storage, "a storage address such as memory:// or redis://host:6379")
    if limit is not None:
        _check_storage(storage)
    _check_api_key(config.get("API_KEY"))
    _check_cors_origins(config.get("CORS_ORIGINS"))
    _check_entity_files()
    return out


def _check_storage(storage: str) -> None:
    """Build the rate limit storage as the limiter will: redis:// without the redis package let
    every gunicorn worker fail to boot with a 48-line traceback (a review). Building it does not
    connect yet, so a server that is down is still found by the first request."""
    from limits.storage import storage_from_string

    from searchkit.errors import ConfigError

    try:
        storage_from_string(storage)
    # limits' ConfigurationError names the missing package; a malformed address raises whatever
    # the storage's client raises
    except Exception as error:
        raise ConfigError(f"SEARCHKIT_RATE_LIMIT_STORAGE={storage!r} cannot be used: {error}") from error


def _check_api_key(value: Any) -> None:
    """A key that no request can present is refused: the presented token is stripped of spaces
    (``api._presented_key``) and headers arrive as latin-1, so a key with spaces around it or
    with a character such as "ü" was accepted and then answered every write with 401."""
    from searchkit.errors import ConfigError

    key = str(value or "")
    if key and (key != key.strip() or not key.isascii() or not key.isprintable()):
        raise ConfigError(
            "SEARCHKIT_API_KEY cannot be sent in an HTTP header as it is: use printable ASCII"
            " characters without spaces before or after it"
        )


def _check_cors_origins(value: Any) -> None:
    """Each CORS origin is "*" or scheme://host[:port] (http or https, no path): a browser sends
    its Origin in that form, so anything else ("notanorigin", "https://a.example/") never matches
    and CORS silently stayed off for it."""
    from urllib.parse import urlsplit

    from searchkit.errors import ConfigError

    from .http import cors_origins

    for origin in cors_origins(value):
        if origin == "*":
            continue
        try:
            parts = urlsplit(origin)
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            parts, port_ok = None, False
        if (
            parts is None
            or not port_ok
            or parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username is not None
            or origin.endswith(("?", "#"))
        ):
            raise ConfigError(
                f"SEARCHKIT_CORS_ORIGINS: {origin!r} is not an origin: give \"*\" or scheme://host[:port]"
                " (http or https, no path), separated by commas"
            )


def _check_entity_files() -> None:
    """The alias file (``SEARCHKIT_ALIASES``) and the NER model (``SEARCHKIT_NER_MODEL``), which
    the library reads from the environment when a write extracts entities: a missing or broken
    file was only found by the first write, as a 200 with a failure per document (a review)."""
    from searchkit.errors import ConfigError

    aliases = os.environ.get("SEARCHKIT_ALIASES")
    if aliases:
        from searchkit.entities.aliases import AliasFileError, load_aliases

        try:
            load_aliases(aliases)
        except AliasFileError as error:
            raise ConfigError(f"SEARCHKIT_ALIASES={aliases!r} cannot be used: {error}") from error
    model = os.environ.get("SEARCHKIT_NER_MODEL")
    if model:
        problem = _model_problem(model)
        if problem:
            raise ConfigError(f"SEARCHKIT_NER_MODEL={model!r} cannot be used: {problem}")


def _model_problem(path: str) -> str | None:
    """Why the CRF model at ``path`` cannot be used, or None. Opening it maps the file (about
    10 ms for the shipped model); the lexicons the tagger also reads are left to its first use."""
    if not Path(path).is_file():
        return "there is no such file"
    try:
        import pycrfsuite
    except ImportError:
        return None  # the tagger says so itself, as without the setting
    try:
        pycrfsuite.Tagger().open(path)
    except (OSError, ValueError) as error:
        return f"it is not a readable crfsuite model ({error})"
    return None


def get_index() -> Index:
    """The app's index, opened once per process and shared by all requests (the searcher inside
    refreshes itself when another process commits)."""
    from flask import current_app

    index = current_app.extensions.get("searchkit_index")
    if index is None:
        index = Index(Path(current_app.config["SEARCHKIT_INDEX"]))
        index.lock_timeout = float(current_app.config["WRITE_LOCK_TIMEOUT"])
        current_app.extensions["searchkit_index"] = index
    return index


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


#: What the German error page says for an HTTP status when the error has no German message.
GERMAN_STATUS_TEXT = {
    400: "Die Anfrage ist ungültig.",
    404: "Diese Seite gibt es nicht.",
    405: "Diese Adresse kann so nicht aufgerufen werden.",
    413: "Die Anfrage ist zu groß.",
    423: "Der Index wird gerade geschrieben. Bitte versuchen Sie es gleich noch einmal.",
    429: "Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einen Moment.",
    500: "Ein interner Fehler ist aufgetreten.",
}


def error_response(  # type: ignore[no-untyped-def]
    status: int, message: str, headers: Any = None, german: str | None = None, links: list[tuple[str, str]] | None = None
):
    """One error shape for the whole API: ``{"error": {"status": ..., "message": ...}}``. The
    web page is German: it shows ``german`` (the error's own German message) or a German text
    for the status, with the API's English message marked as English below it, and ``links``
    (label, URL) to what the reader may have meant."""
    if wants_json():
        response = jsonify({"error": {"status": status, "message": message}})
    else:
        german_text = german or GERMAN_STATUS_TEXT.get(status, f"Fehler {status}.")
        detail = None if german else message
        response = make_response(
            render_template("error.html", status=status, german=german_text, detail=detail, links=links or [])
        )
    response.status_code = status
    for name, value in headers or ():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(SearchkitError)
    def searchkit_error(error: SearchkitError):  # type: ignore[no-untyped-def]
        return error_response(error.http_status, str(error), german=error.german)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        # Keep the headers the error carries (Allow on 405, Retry-After on 429, ...).
        # the page says it in German; Werkzeug's English sentence is for the API
        status = error.code or 500
        return error_response(status, error.description or error.name, error.get_headers(),
                              german=GERMAN_STATUS_TEXT.get(status))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unexpected error")
        return error_response(500, "internal error")
