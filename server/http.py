"""HTTP plumbing shared by the API and the page: conditional requests keyed on the index
generation, gzip, CORS, rate limits, structured request logs and security headers."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import logging
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider

import searchkit
from searchkit.errors import QueryError
from searchkit.model import may_hold_big_integer

#: Endpoints whose answer depends only on the URL, the index generation and the code: they get
#: an ETag and answer 304 to a matching If-None-Match without running the search.
CACHEABLE = {
    "api.search",
    "api.facets",
    "api.document",
    "api.similar",
    "api.openapi",
    "pages.index",
    "pages.document",
    "pages.api_docs",
}
COMPRESSIBLE = ("application/json", "text/html", "text/css", "text/plain", "application/javascript")
#: No scripts at all: the page works without JavaScript.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

access_log = logging.getLogger("searchkit.requests")


#: dates and dataclasses go to Flask's ``default`` (HTTP dates, ``asdict``), as before orjson
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONProvider(DefaultJSONProvider):
    """Flask's JSON with orjson underneath: a search answer (10 hits, five facets, 14 KB) took
    about 105 µs to encode with ``json``, 10 with orjson. UTF-8 as it is ("Erdoğan", not
    escapes), keys in the order the code builds them. Anything orjson refuses that ``json``
    takes (a lone surrogate, an integer over 64 bits, a type only Flask's ``default`` knows) and
    pretty-printed output (``indent``) go to Flask's own provider."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs:
            try:
                return orjson.dumps(obj, default=self.default, option=_ORJSON_OPTIONS).decode("utf-8")
            except (TypeError, orjson.JSONEncodeError):
                pass
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if not kwargs:
            try:
                value = orjson.loads(s)
            except orjson.JSONDecodeError:
                pass  # NaN, lone surrogates: json's rules
            else:
                if not may_hold_big_integer(value):  # orjson reads those as floats
                    return value
        return super().loads(s, **kwargs)


def init_http(app: Flask) -> None:
    """Install everything on ``app``. The order of ``after_request`` functions matters: Flask
    runs them last-registered first, so ``finish`` (gzip, then the log line) is registered first."""
    app.config["_CODE_TAG"] = _code_tag(f"{bool(app.config['API_KEY'])}|{app.config['RATE_LIMIT']}")
    if int(app.config["PROXY_FIX"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if app.config["LOG_REQUESTS"] and not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False

    app.after_request(finish)
    app.before_request(start_timer)
    _init_rate_limit(app)  # before conditional_get: a 304 counts against the limit too
    app.before_request(check_query_encoding)  # before conditional_get: no 304 for a broken URL
    app.before_request(conditional_get)
    app.after_request(caching_headers)
    app.after_request(security_headers)
    _init_cors(app)


def _code_tag(settings: str) -> str:
    """Changes when searchkit or the page's templates/styles change, so that a new release never
    answers 304 with an old page."""
    here = Path(__file__).parent
    stamps = [searchkit.__version__, settings] + [
        f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(here.rglob("*")) if p.suffix in (".html", ".css", ".py")
    ]
    return hashlib.sha1("|".join(stamps).encode()).hexdigest()[:10]


# -- timing and logs ----------------------------------------------------------------------------
def start_timer() -> None:
    g.started = time.perf_counter()


def note_hits(total: int) -> None:
    """Views that search call this so that the request log line carries the hit count."""
    g.hits = total


def finish(response: Response) -> Response:
    _gzip(response)
    if current_app.config["LOG_REQUESTS"]:
        started = g.get("started")
        line = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "hits": g.get("hits"),
            "bytes": response.content_length,
            "pid": os.getpid(),
        }
        access_log.info(json.dumps(line, ensure_ascii=False))
    return response


# -- parameters that are not UTF-8 ---------------------------------------------------------------
#: A parameter name is repeated in the error message up to this length.
MAX_NAMED_PARAMETER = 40
#: Endpoints that ignore URL parameters (load balancers and tools add their own).
PARAMETERS_IGNORED = frozenset(("api.healthz", "api.openapi", "static"))


def undecodable_parameter(query_string: bytes) -> str | None:
    """The name of the first parameter of ``query_string`` whose name or value is not valid
    UTF-8 once percent-decoded ("q=%ff"), or None when all are. Werkzeug keeps such bytes as
    the text "%FF" (``request.args``), so a search for "%ff" looked for the letters "%FF" and
    answered 200; raw bytes that are no UTF-8 (a client that does not percent-encode) made
    every use of the query string fail with a 500."""
    for part in query_string.split(b"&"):
        raw_name, _, raw_value = part.partition(b"=")
        name = _form_decoded(raw_name)
        if name is None:
            return _form_bytes(raw_name).decode("utf-8", "backslashreplace")
        if _form_decoded(raw_value) is None:
            return name
    return None


def _form_bytes(raw: bytes) -> bytes:
    """A name or value of a query string as bytes ("+" is a space, as Werkzeug reads it)."""
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _form_decoded(raw: bytes) -> str | None:
    """``_form_bytes`` as UTF-8 text, or None when they are not UTF-8."""
    try:
        return _form_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None


def check_query_encoding() -> None:
    """Refuse a request whose URL parameters are not UTF-8 with a ``QueryError`` (400: the
    API's JSON error, the page's German error page), once for the whole app rather than in
    every view that reads ``request.args``. Endpoints that ignore their parameters (the
    health check, the OpenAPI description, static files) and unknown routes (a 404) are left
    as they were."""
    if request.routing_exception is not None or request.endpoint in PARAMETERS_IGNORED:
        return
    name = undecodable_parameter(request.query_string)
    if name is None:
        return
    shown = " ".join(name.split())[:MAX_NAMED_PARAMETER] or "(no name)"
    raise QueryError(
        f"parameter {shown} is not valid UTF-8: percent-encode text as UTF-8 (ä is %C3%A4)",
        german=f"Der Parameter „{shown}“ der Adresse enthält Zeichen, die kein gültiges UTF-8 sind."
        " Bitte geben Sie die Suche neu ein.",
    )


# -- conditional requests -------------------------------------------------------------------
def _etag() -> str:
    from . import get_index

    index = get_index()
    generation = index.generation()
    # The date is part of the key because German date phrases ("letzte Woche") are relative;
    # the index instance because a rebuilt index starts again at the same generations. (Not
    # ``request.full_path``: it fails on a query string that is no UTF-8, which the endpoints
    # that ignore their parameters still answer.)
    full_path = f"{request.path}?{request.query_string.decode('utf-8', 'surrogateescape')}"
    key = "|".join((current_app.config["_CODE_TAG"], date.today().isoformat(), index.instance, request.host_url,
                    full_path))
    return f"g{generation}-{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def conditional_get() -> Response | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHEABLE:
        return None
    g.etag = etag = _etag()
    # "*" matches any current representation, which only the answer shows: an invalid query
    # has none (its 400 stands), a valid one is made 304 after it ran (``caching_headers``)
    if request.if_none_match and not request.if_none_match.star_tag and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        response.set_etag(etag, weak=True)
        _cache_control(response)
        return response
    return None


def _cache_control(response: Response) -> None:
    max_age = int(current_app.config["CACHE_MAX_AGE"])
    response.headers["Cache-Control"] = f"public, max-age={max_age}, must-revalidate" if max_age else "no-cache"
    response.vary.add("Accept-Encoding")


def caching_headers(response: Response) -> Response:
    etag = g.get("etag")
    if etag and response.status_code == 200:
        response.set_etag(etag, weak=True)
        _cache_control(response)
        if request.if_none_match.star_tag:
            response.make_conditional(request)  # 304, body and entity headers dropped
    elif request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


# -- gzip -------------------------------------------------------------------------------------
def _accepts_gzip() -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and _float(q[2:]) == 0.0)
    return False


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0


def _gzip(response: Response) -> None:
    # HEAD too: its headers are GET's (Content-Encoding, the compressed Content-Length); the
    # server drops the body
    if (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
    ):
        return
    response.vary.add("Accept-Encoding")
    if not _accepts_gzip():
        return
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < int(current_app.config["GZIP_MIN_SIZE"]):
        return
    response.set_data(gzip.compress(data, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"


# -- security ---------------------------------------------------------------------------------
def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


# -- CORS and rate limits ---------------------------------------------------------------------
def cors_origins(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return [origin.strip() for origin in value or () if origin and origin.strip()]


def _init_cors(app: Flask) -> None:
    origins = cors_origins(app.config["CORS_ORIGINS"])
    if not origins:
        return
    from flask_cors import CORS

    CORS(
        app,
        resources={r"/api/*": {"origins": "*" if origins == ["*"] else origins}},
        expose_headers=["ETag", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"],
        allow_headers=["Content-Type", "Authorization", "X-API-Key", "If-None-Match"],
        methods=["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
        max_age=600,
        send_wildcard=origins == ["*"],
    )


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


#: Values of ``RATE_LIMIT`` that switch the limit off.
RATE_LIMIT_OFF = ("", "off", "none", "0", "false")


def rate_limit_of(value: Any) -> str | None:
    """The configured rate limit ("120/minute"), or None when it is switched off."""
    limit = str(value or "").strip()
    return None if limit.lower() in RATE_LIMIT_OFF else limit


def _init_rate_limit(app: Flask) -> None:
    limit = rate_limit_of(app.config["RATE_LIMIT"])
    if limit is None:
        return
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    exempt_loopback = app.config["RATE_LIMIT_EXEMPT_LOOPBACK"]  # a bool: ``checked_settings``

    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        application_limits=[limit],  # one budget per client for the whole app, not per route
        storage_uri=str(app.config["RATE_LIMIT_STORAGE"]),
        headers_enabled=True,
        key_prefix="searchkit",
    )

    @limiter.request_filter
    def exempt() -> bool:
        # CORS preflights: a browser takes a 429 to OPTIONS as a failed preflight, and the page
        # never sees the JSON 429 of its request; /healthz: a load balancer's checks would use
        # up the budget of its address and take the server out of rotation
        return (
            request.endpoint in ("static", "api.healthz")
            or request.method == "OPTIONS"
            or (bool(exempt_loopback) and is_loopback(request.remote_addr))
        )

    app.register_error_handler(429, lambda error: too_many_requests(limiter))


#: Units of a rate limit (``limits`` granularity): singular, dative plural.
RATE_UNITS = {
    "second": ("Sekunde", "Sekunden"), "minute": ("Minute", "Minuten"), "hour": ("Stunde", "Stunden"),
    "day": ("Tag", "Tagen"), "month": ("Monat", "Monaten"), "year": ("Jahr", "Jahren"),
}


def german_period(item: Any) -> str:
    """The period of one rate limit (a ``limits`` item) in German: "pro Minute", "in 5 Minuten"."""
    one, many = RATE_UNITS[item.GRANULARITY.name]
    return f"pro {one}" if item.multiples == 1 else f"in {item.multiples} {many}"


def too_many_requests(limiter: Any) -> Response:
    """The 429 says what happened and when to try again ("5 per 1 minute" alone read like a
    statement, not an error; a review), in English for the API and German for the page."""
    from . import error_response

    current = limiter.current_limit
    wait = max(1, int(current.reset_at - time.time())) if current is not None else 1
    item = current.limit if current is not None else None
    english = german_limit = ""
    if item is not None:
        unit = item.GRANULARITY.name
        english = f" (the limit is {item.amount} per {unit if item.multiples == 1 else f'{item.multiples} {unit}s'})"
        german_limit = f" (erlaubt sind {item.amount} {german_period(item)})"
    seconds = RATE_UNITS["second"][0 if wait == 1 else 1]  # ("in 1 Sekunde", "in 5 Sekunden")
    return error_response(
        429,
        f"too many requests from your address{english}: retry after {wait} second{'s' if wait != 1 else ''}",
        german=f"Zu viele Anfragen in kurzer Zeit{german_limit}. Bitte versuchen Sie es in {wait} {seconds}"
        " noch einmal.",
    )
