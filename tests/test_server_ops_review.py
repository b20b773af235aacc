"""Findings of an operator's review of the server: chunked uploads over the size limit, settings
that were only found wrong by the first request (alias file, NER model, rate limit storage, API
key, CORS origins), rate limits on CORS preflights and health checks, HEAD and gzip, the 429
message."""

from __future__ import annotations

import http.client
import importlib.util
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from searchkit import ConfigError, Document, Index
from server import create_app

from test_server_serving import start_serve, stop_serve  # noqa: E402  (same folder, plain helpers)

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")

KEY = "s3cret-key-for-tests"
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def ndjson(count: int) -> bytes:
    """``count`` JSON Lines documents, about 65 bytes each."""
    return b"".join(
        json.dumps({"id": f"chunk-{n}", "title": f"Artikel {n}", "text": "Ein kurzer Text."}).encode() + b"\n"
        for n in range(count)
    )


@pytest.fixture()
def small_index(tmp_path: Path) -> Path:
    path = tmp_path / "index"
    with Index(path, create=True) as index:
        index.add(
            [
                Document(id="a-1", title="Hafenfest in Hamburg", body="Das Hafenfest in Hamburg beginnt am Freitag. " * 20),
                Document(id="a-2", title="Messe in Leipzig", body="Die Buchmesse in Leipzig öffnet ihre Tore. " * 20),
            ]
        )
    return path


def make_client(path: Path, **config: object) -> FlaskClient:
    return create_app(index_path=path, LOG_REQUESTS=False, **config).test_client()


def count(path: Path) -> int:
    with Index(path) as index:
        return len(index)


# -- 1. a chunked body over the limit ------------------------------------------------------------
def test_a_streamed_body_over_the_limit_is_413_and_nothing_is_written(small_index: Path) -> None:
    """What gunicorn and waitress hand over for ``Transfer-Encoding: chunked``: no Content-Length,
    ``wsgi.input_terminated`` set. Werkzeug's stream stopped at the limit without an error, and
    the lines before it were written (201, "added": 15 of 20)."""
    client = make_client(small_index, API_KEY=KEY, MAX_CONTENT_LENGTH=1000)
    body = ndjson(20)
    assert len(body) > 1000
    before = count(small_index)

    def streamed(data: bytes):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/documents",
            input_stream=io.BytesIO(data),
            headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/x-ndjson",
                     "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )

    response = streamed(body)
    assert response.status_code == 413 and response.is_json
    assert "1000 bytes" in response.get_json()["error"]["message"]
    assert count(small_index) == before
    response = streamed(ndjson(5))  # a streamed body within the limit is read whole
    assert response.status_code == 201 and response.get_json()["added"] == 5


def chunked_post(base: str, body: bytes, content_type: str) -> tuple[int, dict]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        parts = [body[i:i + 100] for i in range(0, len(body), 100)]
        connection.request("POST", "/api/documents", body=iter(parts), encode_chunked=True, headers={
            "Authorization": f"Bearer {KEY}", "Content-Type": content_type, "Transfer-Encoding": "chunked",
        })
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn needs fork")
def test_a_chunked_upload_over_the_limit_is_413_under_gunicorn(small_index: Path, tmp_path: Path) -> None:
    base, process, log = start_serve(small_index, tmp_path, workers=1, threads=1,
                                     SEARCHKIT_API_KEY=KEY, SEARCHKIT_MAX_CONTENT_LENGTH="1000")
    try:
        before = count(small_index)
        status, data = chunked_post(base, ndjson(20), "application/x-ndjson")
        assert status == 413 and data["error"]["status"] == 413, data
        array = json.dumps([{"id": f"x-{n}", "title": "Titel", "text": "Text " * 10} for n in range(20)]).encode()
        status, data = chunked_post(base, array, "application/json")
        assert status == 413, data  # not 400 "not valid JSON: Unterminated string"
        assert count(small_index) == before
        status, data = chunked_post(base, ndjson(5), "application/x-ndjson")
        assert status == 201 and data["added"] == 5
    finally:
        stop_serve(process)


# -- 2. alias file and NER model are checked at startup ------------------------------------------
def test_a_missing_or_malformed_alias_file_is_refused_at_startup(
    small_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEARCHKIT_ALIASES", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="SEARCHKIT_ALIASES"):
        make_client(small_index)
    broken = tmp_path / "aliases.toml"
    broken.write_text('[alias\n"Bibi" = ', encoding="utf-8")
    monkeypatch.setenv("SEARCHKIT_ALIASES", str(broken))
    with pytest.raises(ConfigError, match="SEARCHKIT_ALIASES"):
        make_client(small_index)
    broken.write_text('[people]\n"Bibi" = "Benjamin Netanjahu"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown section"):
        make_client(small_index)
    broken.write_text('[alias]\n"Bibi" = "Benjamin Netanjahu"\n', encoding="utf-8")
    assert make_client(small_index).get("/healthz").status_code == 200


def test_a_missing_or_broken_ner_model_is_refused_at_startup(
    small_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pycrfsuite")
    monkeypatch.setenv("SEARCHKIT_NER_MODEL", str(tmp_path / "missing.crfsuite"))
    with pytest.raises(ConfigError, match="SEARCHKIT_NER_MODEL.*no such file"):
        make_client(small_index)
    garbage = tmp_path / "model.crfsuite"
    garbage.write_bytes(b"not a model")
    monkeypatch.setenv("SEARCHKIT_NER_MODEL", str(garbage))
    with pytest.raises(ConfigError, match="SEARCHKIT_NER_MODEL"):
        make_client(small_index)
    from searchkit.entities.tagger import MODEL_PATH

    monkeypatch.setenv("SEARCHKIT_NER_MODEL", str(MODEL_PATH))
    assert make_client(small_index).get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "name, value, said",
    [
        ("SEARCHKIT_RATE_LIMIT_STORAGE", "redis://localhost:6379", "redis"),
        ("SEARCHKIT_ALIASES", "/nonexistent/aliases.toml", "SEARCHKIT_ALIASES"),
        ("SEARCHKIT_API_KEY", "abc ", "SEARCHKIT_API_KEY"),
    ],
)
def test_serve_says_one_error_line_for_a_setting_it_cannot_use(small_index: Path, name: str, value: str, said: str) -> None:
    if name.endswith("STORAGE") and importlib.util.find_spec("redis") is not None:
        pytest.skip("the redis client is installed here")
    env = dict(os.environ, **{name: value, "SEARCHKIT_RATE_LIMIT": "60/minute"})
    result = subprocess.run(
        [sys.executable, "-c", "from searchkit.cli import main; main()", "serve", "--index", str(small_index),
         "--port", "1"],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and said in lines[0], result.stderr


# -- 3. a rate limit storage whose client is not installed ---------------------------------------
def test_a_rate_limit_storage_without_its_client_package_is_refused(small_index: Path) -> None:
    if importlib.util.find_spec("redis") is not None:
        pytest.skip("the redis client is installed here")
    with pytest.raises(ConfigError, match="SEARCHKIT_RATE_LIMIT_STORAGE.*'redis'"):
        make_client(small_index, RATE_LIMIT="60/minute", RATE_LIMIT_STORAGE="redis://localhost:6379")
    # without a rate limit the storage is never built
    make_client(small_index, RATE_LIMIT="off", RATE_LIMIT_STORAGE="redis://localhost:6379")


# -- 4. preflights and health checks are not rate limited ----------------------------------------
def test_preflights_and_health_checks_do_not_count_against_the_rate_limit(small_index: Path) -> None:
    client = make_client(small_index, RATE_LIMIT="2/minute", CORS_ORIGINS="https://a.example")
    preflight = {
        "Origin": "https://a.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type",
    }
    for _ in range(5):
        answer = client.options("/api/documents", headers=preflight, environ_base=OUTSIDE)
        assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "https://a.example"
        assert client.get("/healthz", environ_base=OUTSIDE).status_code == 200
    statuses = [client.get("/api/search", environ_base=OUTSIDE).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the budget is still there for real requests


# -- 5. API keys no request can present -----------------------------------------------------------
@pytest.mark.parametrize("key", ["abc ", " abc", "schlüssel", "abc\tdef", "ключ"])
def test_an_api_key_that_cannot_be_sent_is_refused_at_startup(small_index: Path, key: str) -> None:
    with pytest.raises(ConfigError, match="printable ASCII"):
        make_client(small_index, API_KEY=key)


def test_a_printable_ascii_api_key_is_accepted(small_index: Path) -> None:
    client = make_client(small_index, API_KEY="a b!~")
    response = client.post("/api/documents", json={"id": "k-1", "title": "Titel", "text": "Text."},
                           headers={"X-API-Key": "a b!~"})
    assert response.status_code == 201


# -- 6. HEAD with gzip ------------------------------------------------------------------------------
def test_head_reports_the_headers_of_the_gzipped_get(small_index: Path) -> None:
    client = make_client(small_index)
    gzip_ok = {"Accept-Encoding": "gzip"}
    get = client.get("/api/documents/a-1", headers=gzip_ok)
    assert get.headers["Content-Encoding"] == "gzip"
    head = client.head("/api/documents/a-1", headers=gzip_ok)
    assert head.status_code == 200 and head.data == b""
    assert head.headers.get("Content-Encoding") == "gzip"
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    plain = client.head("/api/documents/a-1")
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Content-Length"] == client.get("/api/documents/a-1").headers["Content-Length"]


# -- 7. CORS origins and the 429 message ----------------------------------------------------------
@pytest.mark.parametrize(
    "origins", ["notanorigin", "https://a.example/", "https://a.example/app", "ftp://a.example", "a.example:443",
                "https://a.example, nope"]
)
def test_a_cors_origin_that_is_no_origin_is_refused(small_index: Path, origins: str) -> None:
    with pytest.raises(ConfigError, match="SEARCHKIT_CORS_ORIGINS"):
        make_client(small_index, CORS_ORIGINS=origins)


def test_cors_origins_of_the_right_form_are_accepted(small_index: Path) -> None:
    for origins in ("*", "https://a.example", "http://localhost:8080, https://b.example", "http://[::1]:8000"):
        make_client(small_index, CORS_ORIGINS=origins)


def test_the_429_says_what_happened_and_when_to_retry(small_index: Path) -> None:
    client = make_client(small_index, RATE_LIMIT="2/minute")
    for _ in range(2):
        assert client.get("/api/search", environ_base=OUTSIDE).status_code == 200
    refused = client.get("/api/search", environ_base=OUTSIDE)
    assert refused.status_code == 429
    message = refused.get_json()["error"]["message"]
    wait = int(refused.headers["Retry-After"])
    assert message.startswith("too many requests") and "2 per minute" in message
    assert f"retry after {wait} second" in message
    page = client.get("/", environ_base=OUTSIDE).get_data(as_text=True)
    assert "erlaubt sind 2 pro Minute" in page and "Bitte versuchen Sie es in" in page


@pytest.fixture(autouse=True)
def _no_entity_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The tests set the entity files themselves."""
    monkeypatch.delenv("SEARCHKIT_ALIASES", raising=False)
    monkeypatch.delenv("SEARCHKIT_NER_MODEL", raising=False)
    monkeypatch.delenv("SEARCHKIT_API_KEY", raising=False)
    monkeypatch.delenv("SEARCHKIT_CORS_ORIGINS", raising=False)
    yield
