"""Load and safety on a real server: 20 concurrent clients against `searchkit serve --workers 2`
(gunicorn) for LOAD_SECONDS while another process adds documents; no error, p95 reported, and
every document added during the run is searchable afterwards. Plus path traversal."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchkit import Index

from test_server_serving import get, start_serve, stop_serve  # noqa: E402  (same folder, plain helpers)

#: Seconds of load (the issue asks for 60; SEARCHKIT_LOAD_SECONDS shortens local runs).
LOAD_SECONDS = float(os.environ.get("SEARCHKIT_LOAD_SECONDS", "60"))
CLIENTS = 20
QUERIES = ["Erdogan", "Türkei", "Bahn Streik", "Berlin", "Scholz", "Wahl 2025", "Militär*", "Ukraine Kiew",
           "Klima", "Wer regiert in Ankara?", "Haushalt Bundestag", "Baerbock"]

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn needs fork"),
    pytest.mark.usefixtures("engine"),  # once per engine (see conftest.py)
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_index_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("load")
    path = folder / "index"
    shutil.copytree(demo_index_path, path)
    base, process, _ = start_serve(path, folder, workers=2, threads=4, SEARCHKIT_LOG_REQUESTS="false")
    yield base, path
    stop_serve(process)


WRITER = """
import sys, time
from searchkit import Document, Index
index = Index(sys.argv[1], lock_timeout=30)
end = time.monotonic() + float(sys.argv[2])
k = 0
while time.monotonic() < end:
    index.add([Document(id=f"load-{k}-{i}", title=f"Lastmeldung {k}", body=f"Lastwort qqload{k}x{i} im Test.")
               for i in range(5)])
    print(k, flush=True)
    k += 1
    time.sleep(0.5)
"""


@pytest.mark.slow
def test_twenty_clients_while_a_writer_adds_documents(server: tuple[str, Path], tmp_path: Path) -> None:
    base, path = server
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(LOAD_SECONDS)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    end = time.monotonic() + LOAD_SECONDS

    def client(n: int) -> None:
        i = n
        while time.monotonic() < end:
            q = QUERIES[i % len(QUERIES)]
            i += 1
            url = f"{base}/api/search?" + urllib.parse.urlencode({"q": q, "page": 1 + i % 2})
            started = time.perf_counter()
            try:
                status, _, body = get(url)
            except OSError as exc:
                status, body = 0, str(exc).encode()
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(f"{status} {url}: {body[:200]!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    batches = [int(line) for line in out.split()]
    assert errors == [], errors[:3]
    assert batches, "the writer committed nothing"

    p95 = statistics.quantiles(latencies, n=20)[-1]
    report = {"clients": CLIENTS, "seconds": LOAD_SECONDS, "requests": len(latencies),
              "requests_per_second": round(len(latencies) / LOAD_SECONDS, 1),
              "p50_ms": round(statistics.median(latencies) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
              "errors": len(errors), "batches_written": len(batches)}
    print("\nload test:", json.dumps(report))
    (Path(os.environ.get("SEARCHKIT_LOAD_REPORT", tmp_path / "load.json"))).write_text(json.dumps(report))

    # every document added during the run is searchable, through the server and the library
    for k in batches:
        status, _, body = get(f"{base}/api/search?q=qqload{k}x0")
        assert status == 200 and json.loads(body)["total"] == 1, k
    assert len(Index(path)) == 50 + 5 * len(batches)


@pytest.mark.parametrize(
    "url",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e%5c%2e%2e%5cpyproject.toml",
        "/static//etc/passwd",
        "/dokument/..%2f..%2fetc%2fpasswd",
        "/api/documents/..%2f..%2fsearchkit.json",
    ],
)
def test_no_file_outside_the_static_folder_is_served(server: tuple[str, Path], url: str) -> None:
    base, _ = server
    status, _, body = get(base + url)
    assert status in (400, 404)
    assert b"[project]" not in body and b"root:" not in body and b"schema_version" not in body
