"""`searchkit serve` on an address it cannot listen on: one "Error:" line before the banner, for
gunicorn and waitress alike, and a port whose last connections wait in TIME_WAIT is not busy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit.cli import main
from server import serving
from server.serving import AddressUnavailableError, check_address

KINDS = ["gunicorn", "waitress"]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port a program listens on (with SO_REUSEADDR, as servers do)."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def time_wait_port() -> int:
    """A loopback port nobody listens on any more, whose server side closed a connection
    first: that side waits in TIME_WAIT, and a bind without SO_REUSEADDR fails on Linux."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the server closes first
            client.recv(1)
    return port


@pytest.mark.parametrize("kind", KINDS)
def test_a_port_in_use_is_an_address_error(busy_port: int, kind: str) -> None:
    with pytest.raises(AddressUnavailableError, match=f"port {busy_port} on 127.0.0.1 is in use"):
        check_address("127.0.0.1", busy_port, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_port_in_time_wait_is_free(kind: str) -> None:
    check_address("127.0.0.1", time_wait_port(), kind)


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_hosts_and_foreign_addresses_are_address_errors(kind: str) -> None:
    with pytest.raises(AddressUnavailableError, match="host name is unknown"):
        check_address("nosuchhost.invalid", 0, kind)
    with pytest.raises(AddressUnavailableError, match="no address of this machine"):
        check_address("192.0.2.1", 0, kind)  # TEST-NET-1: never an address of this machine


def test_serve_refuses_a_busy_port_before_waitress_starts(
    busy_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "choose_server", lambda has_fork=None: "waitress")
    with pytest.raises(AddressUnavailableError):
        serving.serve(tmp_path, "127.0.0.1", busy_port)


@pytest.mark.usefixtures("engine")
def test_the_cli_with_waitress_says_error_before_the_banner(
    busy_port: int, demo_index_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serving, "choose_server", lambda has_fork=None: "waitress")
    result = CliRunner().invoke(main, ["serve", "--index", str(demo_index_path), "--port", str(busy_port)])
    assert result.exit_code == 1
    assert result.stdout == ""  # no "serving … on http://…" banner
    assert result.stderr == (
        f"Error: port {busy_port} on 127.0.0.1 is in use (another server, perhaps another searchkit, listens"
        " there): stop it, or choose another --port\n"
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn needs fork")
@pytest.mark.usefixtures("engine")
def test_the_cli_with_gunicorn_fails_fast_with_one_error_line(busy_port: int, demo_index_path: Path) -> None:
    pytest.importorskip("gunicorn")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from searchkit.cli import main; main()", "serve", "--index", str(demo_index_path),
         "--port", str(busy_port)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert "serving" not in done.stdout and "Connection in use" not in done.stderr
    assert done.stderr.startswith(f"Error: port {busy_port} on 127.0.0.1 is in use")
    assert time.monotonic() - started < 4  # gunicorn's own retries took five seconds


def test_demo_says_a_busy_port_before_it_builds_the_index(busy_port: int, tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--index", str(target), "--port", str(busy_port)])
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: port {busy_port} on 127.0.0.1 is in use")
    assert not target.exists()
