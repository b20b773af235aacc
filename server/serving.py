"""Production serving: gunicorn with several worker processes where the platform can fork,
waitress (threads in one process) where it cannot.

Each gunicorn worker builds its own app and opens the index on its first request; all workers
read the same index folder, and each one's searcher notices a commit by any process (the CLI,
the write API in another worker) on the next request, without a restart.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from searchkit.errors import ConfigError

#: gunicorn's default (4094) is shorter than a maximal query (1000 characters, percent-encoded).
LIMIT_REQUEST_LINE = 8190


def choose_server(has_fork: bool | None = None) -> str:
    """``gunicorn`` where it is installed and the platform forks, else ``waitress``."""
    if has_fork is None:
        has_fork = hasattr(os, "fork")
    if not has_fork:
        return "waitress"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "waitress"
    return "gunicorn"


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


class AddressUnavailableError(ConfigError):
    """The server cannot listen on the host and port asked for: another program listens there,
    the host is no address of this machine, or the port needs privileges."""


def listen_addresses(host: str, port: int, kind: str) -> list[tuple[int, Any]]:
    """(family, address) of each socket the server ``kind`` binds for ``host``: gunicorn one,
    IPv6 for an IPv6 literal and else IPv4 (a name resolved by ``bind``); waitress every address
    the name resolves to (``getaddrinfo`` with ``AI_PASSIVE``), as each of them binds."""
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    literal_v6 = ":" in host
    if kind == "gunicorn":
        return [(socket.AF_INET6 if literal_v6 else socket.AF_INET, (host, port))]
    try:
        found = socket.getaddrinfo(host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, socket.IPPROTO_TCP,
                                   socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise AddressUnavailableError(f"cannot listen on {host}: the host name is unknown ({error.strerror})") from error
    return list(dict.fromkeys((family, address[:2]) for family, _, _, _, address in found))


def check_address(host: str, port: int, kind: str | None = None) -> None:
    """Bind each socket the server would bind, and let go of it, before the server starts: a
    port in use was told by gunicorn as five seconds of "Connection in use" lines after the
    start banner, and ended with status 1 and no "Error:" line (a review).

    With ``SO_REUSEADDR`` where the servers set it (both do, on POSIX): a port whose last
    connections wait in TIME_WAIT (a server just stopped) binds for them and must not be called
    busy, while one that a program listens on fails either way. Not on Windows, where that option
    lets a socket take over a port in use. A race (another program binds between this check and
    the server) is still reported by the server itself."""
    kind = kind or choose_server()
    for family, address in listen_addresses(host, port, kind):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            if os.name != "nt":
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and kind == "waitress" and hasattr(socket, "IPV6_V6ONLY"):
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # as waitress binds
            try:
                probe.bind(address)
            except OSError as error:
                raise AddressUnavailableError(_bind_failure(host, port, error)) from error


def _bind_failure(host: str, port: int, error: OSError) -> str:
    """The message of a failed bind, with what to do about it."""
    if isinstance(error, socket.gaierror):
        return f"cannot listen on {host}: the host name is unknown ({error.strerror})"
    if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)):
        return (f"port {port} on {host} is in use (another server, perhaps another searchkit, listens there):"
                " stop it, or choose another --port")
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: it is no address of this machine (--host 0.0.0.0 listens on all)"
    if error.errno == errno.EACCES:
        return f"no permission to listen on port {port} (ports below 1024 need privileges): choose another --port"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "limit_request_line": LIMIT_REQUEST_LINE,
        # searchkit writes one JSON line per request itself (logger ``searchkit.requests``).
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "searchkit",
        "preload_app": False,
    }


def serve(index_path: str | os.PathLike[str], host: str, port: int, *, workers: int = 1, threads: int = 8) -> str:
    """Serve the app until interrupted; returns (after shutdown) which server ran. An
    ``AddressUnavailableError`` before anything starts when the address cannot be bound
    (``check_address``)."""
    def factory() -> Any:
        return app_for_serving(index_path)

    kind = choose_server()
    check_address(host, port, kind)
    if kind == "gunicorn":
        _run_gunicorn(factory, gunicorn_options(host, port, max(1, workers), max(1, threads)))
    else:
        if workers > 1:
            why = (
                'gunicorn is not installed (pip install "searchkit[serve]")' if hasattr(os, "fork")
                else "this platform cannot fork"
            )
            print(
                f"searchkit: {why}; serving with waitress in one process"
                f" ({threads} threads) instead of {workers} workers",
                file=sys.stderr,
            )
        from waitress import serve as waitress_serve

        waitress_serve(factory(), host=host, port=port, threads=max(1, threads))
    return kind


def app_for_serving(index_path: str | os.PathLike[str]) -> Any:
    """The app of one serving process, with what it loaded at start kept out of the garbage
    collector's full passes (``gc.freeze``). Those objects (modules, the compound lexicon, the
    app) live as long as the process; walking them again on every full pass cost 15–30 ms, and
    full passes come every few broad queries on the tantivy engine, whose every match reaches
    Python as an object (p95 of faceted queries 94 ms against a p50 of 2.7 ms)."""
    import gc

    from . import create_app

    app = create_app(index_path=Path(index_path))
    _warm(app)
    gc.collect()
    gc.freeze()
    return app


def _warm(app: Any) -> None:
    """Open the index and read what its first search would wait for (``Index.warm``: about
    0.3 s on 10,000 documents), before the process takes requests. Only a head start: whatever
    fails here (no index yet, a damaged file) the requests meet and answer as without it; it
    must never keep the server from starting (a cut-off file did, a review)."""
    from . import get_index

    with app.app_context():
        try:
            get_index().warm()
        except Exception as error:  # noqa: BLE001 - see the docstring
            app.logger.warning("searchkit: could not read the index ahead of requests: %s", error)


def _run_gunicorn(factory: Callable[[], Any], options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    class SearchkitApplication(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return factory()

    SearchkitApplication().run()
