"""Production serving: `searchkit serve --workers 2` under gunicorn, several processes reading one
index, a commit by another process seen without a restart, one JSON log line per request."""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchkit import Document, Index
from server.serving import bind_address, choose_server, gunicorn_options

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn needs fork (waitress is used instead)"),
    pytest.mark.usefixtures("engine"),  # once per engine (see conftest.py)
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Connection": "close", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def start_serve(
    path: Path, folder: Path, *, workers: int, threads: int, wait_for_workers: bool = False, **env: str
) -> tuple[str, subprocess.Popen, Path]:
    """`searchkit serve` on a free loopback port, waited for until it answers (and, where /proc
    tells, until all workers have booted)."""
    port = free_port()
    log = folder / "server.log"
    environment = dict(os.environ, SEARCHKIT_RATE_LIMIT="off", **env)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", "from searchkit.cli import main; main()", "serve", "--index", str(path),
             "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            booted = not wait_for_workers or not Path("/proc").exists() or len(children(process.pid)) == workers
            if get(base + "/healthz")[0] == 200 and booted:
                return base, process, log
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("server did not start: " + log.read_text(errors="replace")[-2000:])
        time.sleep(0.2)


def stop_serve(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, subprocess.Popen, Path]]:
    folder = tmp_path_factory.mktemp("served")
    path = folder / "index"
    with Index(path, create=True) as index:
        index.add(
            [
                Document(id="a-1", title="Hafenfest in Hamburg", body="Das Hafenfest in Hamburg beginnt am Freitag."),
                Document(id="a-2", title="Messe in Leipzig", body="Die Buchmesse in Leipzig öffnet ihre Tore."),
            ]
        )
    base, process, log = start_serve(path, folder, workers=2, threads=2, wait_for_workers=True)
    yield base, path, process, log
    stop_serve(process)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_runs_under_gunicorn_with_two_workers(served) -> None:  # type: ignore[no-untyped-def]
    base, _, process, log = served
    status, headers, _ = get(base + "/api/search?q=Hamburg")
    assert status == 200 and headers["Server"].startswith("gunicorn")
    if Path("/proc").exists():
        assert len(children(process.pid)) == 2
    assert "gunicorn, 2 worker(s)" in log.read_text(errors="replace")


def test_commit_by_another_process_is_seen_without_restart(served) -> None:  # type: ignore[no-untyped-def]
    base, path, _, _ = served
    status, headers, body = get(base + "/api/search?q=Regatta")
    assert status == 200 and json.loads(body)["total"] == 0
    etag = headers["ETag"]

    with Index(path) as second:  # a second Index object, as `searchkit index` in another process
        second.add([Document(id="b-1", title="Regatta auf der Kieler Förde", body="Die Regatta startet bei Wind.")])

    # Whichever worker answers, it has the new document at once: no restart, no cache to clear.
    for _ in range(8):
        status, _, body = get(base + "/api/documents/b-1")
        assert status == 200 and json.loads(body)["title"].startswith("Regatta")
        status, headers, body = get(base + "/api/search?q=Regatta", {"If-None-Match": etag})
        assert status == 200 and [h["id"] for h in json.loads(body)["hits"]] == ["b-1"]
    etags = {get(base + "/api/search?q=Regatta")[1]["ETag"] for _ in range(6)}
    assert len(etags) == 1 and etag not in etags  # same generation → same ETag in every worker

    with Index(path) as second:
        second.delete("b-1")
    assert all(get(base + "/api/documents/b-1")[0] == 404 for _ in range(4))


def test_a_hit_of_a_long_cyrillic_query_opens_under_gunicorn(served) -> None:  # type: ignore[no-untyped-def]
    """The hit link carries the query a second time (``suche``): over gunicorn's request line
    limit the click gave its English "Request Line is too large" page instead of the article."""
    base, _, _, _ = served
    query = urllib.parse.urlencode({"q": ("Hamburg " + "война " * 170)[:1000]})
    status, _, body = get(f"{base}/?{query}")
    assert status == 200
    links = [html.unescape(link) for link in re.findall(r'<h2><a href="([^"]+)"', body.decode())]
    assert links and links[0].startswith("/dokument/a-1")
    status, _, body = get(base + links[0])
    assert status == 200 and "<h1>Hafenfest in Hamburg</h1>" in body.decode()


def log_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(errors="replace").splitlines() if line.startswith("{")]


def test_both_workers_answer(served) -> None:  # type: ignore[no-untyped-def]
    base, _, process, log = served
    for _ in range(60):
        assert get(base + "/api/documents/a-1")[0] == 200
        time.sleep(0.01)
        pids = {line["pid"] for line in log_lines(log) if line["path"] == "/api/documents/a-1"}
        if len(pids) == 2:
            break
    assert pids == set(children(process.pid)) if Path("/proc").exists() else len(pids) == 2


def test_one_json_log_line_per_request(served) -> None:  # type: ignore[no-untyped-def]
    base, _, _, log = served
    get(base + "/api/search?q=Leipzig&per_page=1")
    get(base + "/api/search?page=0")
    time.sleep(0.3)
    lines = log_lines(log)
    search = [line for line in lines if line["path"] == "/api/search"]
    assert any(line["status"] == 200 and line["hits"] == 1 for line in search)
    assert any(line["status"] == 400 for line in search)
    for line in lines:
        assert set(line) >= {"method", "path", "status", "ms", "hits"}
        assert line["ms"] >= 0


def test_server_choice_and_options() -> None:
    assert choose_server(has_fork=False) == "waitress"
    assert choose_server(has_fork=True) == "gunicorn"
    assert bind_address("::1", 80) == "[::1]:80" and bind_address("0.0.0.0", 80) == "0.0.0.0:80"
    options = gunicorn_options("127.0.0.1", 8000, 3, 4)
    assert options["workers"] == 3 and options["threads"] == 4 and options["worker_class"] == "gthread"
    assert options["limit_request_line"] > 6 * 1000  # a maximal percent-encoded query fits


def test_serve_refuses_a_missing_index(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from searchkit.cli import main; main()", "serve", "--index", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stderr.startswith("Error: no index at")


def test_a_serving_process_keeps_its_startup_objects_out_of_full_collections(tmp_path: Path) -> None:
    # in a subprocess: freezing would keep this test process's own garbage forever
    Index(tmp_path / "idx", create=True).add([Document(id="1", title="Bahnstreik", body="Die Bahn streikt.")])
    code = (
        "import gc, sys\n"
        "from server.serving import app_for_serving\n"
        "app = app_for_serving(sys.argv[1])\n"
        "assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()\n"
        "response = app.test_client().get('/api/search?q=Bahnstreik')\n"
        "assert response.status_code == 200 and response.get_json()['total'] == 1\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "idx")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_serving_process_reads_what_the_first_search_needs_before_it_serves(demo_copy: Path) -> None:
    # in a subprocess: a fresh process, whose first search would otherwise load all of this
    code = (
        "import sys\n"
        "from searchkit import analysis, compounds, lemmas\n"
        "from server import get_index\n"
        "from server.serving import app_for_serving\n"
        "app = app_for_serving(sys.argv[1])\n"
        "assert compounds._default is not None and lemmas._table is not None\n"
        "assert len(analysis._KNOWN_WORDS) > 2000, len(analysis._KNOWN_WORDS)\n"
        "with app.app_context():\n"
        "    index = get_index()\n"
        "    assert index._facet_cache is not None and index._facet_cache._name_words is not None\n"
        "    assert index._spelling_cache is not None\n"
        "response = app.test_client().get('/api/search?q=Impfstoff')\n"
        "assert response.status_code == 200 and response.get_json()['total'] > 0\n"
        # no index yet: the app starts all the same, and its requests say so
        "empty = app_for_serving(sys.argv[2])\n"
        "assert empty.test_client().get('/api/search?q=Impfstoff').status_code == 404\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(demo_copy), str(demo_copy.parent / "none")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_a_damaged_file_beside_the_index_does_not_keep_the_server_from_starting(demo_copy: Path) -> None:
    # a cut-off spelling list raised BadZipFile out of the warm-up, and no worker came up (a review)
    for path in demo_copy.glob("spelling-*.npz"):
        path.write_bytes(path.read_bytes()[:100])
    code = (
        "import sys\n"
        "from server.serving import app_for_serving\n"
        "app = app_for_serving(sys.argv[1])\n"
        "client = app.test_client()\n"
        "assert client.get('/api/search?q=Impfstoff').status_code == 200\n"
        "assert client.get('/api/search?q=Impfstofe').status_code == 200\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(demo_copy)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
