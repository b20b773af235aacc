"""HTTP behaviour around the API: conditional requests keyed on the index generation, gzip,
CORS, rate limits, request logs, security headers and the one error shape."""

from __future__ import annotations

import gzip
import json
import logging
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from flask.testing import FlaskClient

from searchkit import Document, Index
from server import create_app

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()


@pytest.fixture(scope="module")
def private_index(tmp_path_factory: pytest.TempPathFactory, demo_index_path: Path) -> Path:
    """A copy of the demo index for the tests in this module that commit."""
    target = tmp_path_factory.mktemp("http") / "index"
    shutil.copytree(demo_index_path, target)
    return target


# -- caching -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/api/search?q=Türkei", "/api/facets?q=Baku", "/?q=Erdogan", "/api/openapi.json", "/api"])
def test_etag_and_304(client: FlaskClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"g') and first.headers["Cache-Control"] == "no-cache"
    assert "Accept-Encoding" in first.headers["Vary"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    head = client.head(url)
    assert head.status_code == 200 and head.headers["ETag"] == etag and head.data == b""
    other = client.get(url + ("&" if "?" in url else "?") + "operator=and", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another URL, another ETag


def test_document_etag(client: FlaskClient) -> None:
    doc_id = client.get("/api/search?q=Baku").get_json()["hits"][0]["id"]
    for url in (f"/api/documents/{doc_id}", f"/dokument/{doc_id}", f"/api/similar/{doc_id}"):
        etag = client.get(url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_if_none_match_star_is_304_only_for_an_answer_that_exists(client: FlaskClient) -> None:
    """``If-None-Match: *`` matches any current representation (RFC 9110 13.1.2): a search
    that answers is 304, an invalid one keeps its 400 and its message."""
    star = {"If-None-Match": "*"}
    found = client.get("/api/search?q=Baku", headers=star)
    assert found.status_code == 304 and found.data == b"" and found.headers["ETag"].startswith('W/"g')
    invalid = client.get("/api/search?q=Baku&page=0", headers=star)
    assert invalid.status_code == 400 and "error" in invalid.get_json()
    assert client.get("/api/documents/gibt-es-nicht", headers=star).status_code == 404


def test_errors_are_not_cached(client: FlaskClient) -> None:
    response = client.get("/api/search?page=0")
    assert response.status_code == 400 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_etag_changes_when_another_process_commits(private_index: Path) -> None:
    """The running app sees a commit made through a second Index object (as another process
    would make it): new generation, new ETag, the new document found, no restart."""
    app_client = create_app(index_path=private_index, LOG_REQUESTS=False).test_client()
    url = "/api/search?q=Zwiebelkuchenrezept"
    before = app_client.get(url)
    assert before.get_json()["total"] == 0
    etag = before.headers["ETag"]
    generation = app_client.get("/healthz").get_json()["generation"]

    writer = Index(private_index)
    writer.add([Document(id="zwiebel-1", title="Zwiebelkuchenrezept aus Weimar", body="Ein Rezept für Zwiebelkuchen.")])
    writer.close()

    after = app_client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert [h["id"] for h in after.get_json()["hits"]] == ["zwiebel-1"]
    assert app_client.get("/healthz").get_json()["generation"] > generation
    assert app_client.get("/api/documents/zwiebel-1").status_code == 200


# -- gzip --------------------------------------------------------------------------------------
def test_gzip_when_accepted(client: FlaskClient) -> None:
    plain = client.get("/api/search?q=Türkei")
    zipped = client.get("/api/search?q=Türkei", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) < len(plain.data)
    data = json.loads(gzip.decompress(zipped.data))
    assert data["total"] == plain.get_json()["total"]
    html = client.get("/?q=Türkei", headers={"Accept-Encoding": "gzip"})
    assert html.headers["Content-Encoding"] == "gzip" and b"Treffer" in gzip.decompress(html.data)


def test_no_gzip_when_refused_or_tiny(client: FlaskClient) -> None:
    refused = client.get("/api/search?q=Türkei", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    tiny = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers and tiny.get_json()["status"] == "ok"


# -- CORS --------------------------------------------------------------------------------------
def test_cors_is_off_by_default(client: FlaskClient) -> None:
    response = client.get("/api/search", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_from_config_and_environment(demo_index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHKIT_CORS_ORIGINS", "https://a.example, https://b.example")
    cors = create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()
    allowed = cors.get("/api/search", headers={"Origin": "https://b.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    other = cors.get("/api/search", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = cors.get("/", headers={"Origin": "https://b.example"})
    assert "Access-Control-Allow-Origin" not in page.headers  # only the API
    preflight = cors.options(
        "/api/documents",
        headers={
            "Origin": "https://a.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    monkeypatch.delenv("SEARCHKIT_CORS_ORIGINS")
    anyone = create_app(index_path=demo_index_path, CORS_ORIGINS="*", LOG_REQUESTS=False).test_client()
    assert anyone.get("/api/search", headers={"Origin": "https://x.example"}).headers["Access-Control-Allow-Origin"] == "*"


# -- rate limits -------------------------------------------------------------------------------
def test_rate_limit_for_outside_addresses(demo_index_path: Path) -> None:
    limited = create_app(index_path=demo_index_path, RATE_LIMIT="3/minute", LOG_REQUESTS=False).test_client()
    statuses = [limited.get("/api/search", environ_base=OUTSIDE).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = limited.get("/api/search?q=Baku", environ_base=OUTSIDE)
    assert refused.status_code == 429 and refused.is_json
    assert refused.get_json()["error"]["status"] == 429 and refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) > 0
    page = limited.get("/", environ_base=OUTSIDE)
    assert page.status_code == 429 and "Zu viele Anfragen" in page.get_data(as_text=True)
    # Other addresses have their own budget; loopback is exempt; static files are exempt.
    assert limited.get("/api/search", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200
    assert all(limited.get("/api/search").status_code == 200 for _ in range(5))
    assert limited.get("/static/style.css", environ_base=OUTSIDE).status_code == 200


def test_rate_limit_loopback_exemption_can_be_turned_off(demo_index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHKIT_RATE_LIMIT", "2/minute")
    monkeypatch.setenv("SEARCHKIT_RATE_LIMIT_EXEMPT_LOOPBACK", "false")
    strict = create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()
    assert [strict.get("/api/openapi.json").status_code for _ in range(3)] == [200, 200, 429]
    for value in ("off", ""):
        monkeypatch.setenv("SEARCHKIT_RATE_LIMIT", value)
        free = create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()
        assert all(free.get("/healthz", environ_base=OUTSIDE).status_code == 200 for _ in range(5))


# -- logs --------------------------------------------------------------------------------------
def test_one_json_log_line_per_request(demo_index_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    logged = create_app(index_path=demo_index_path, LOG_REQUESTS=True).test_client()
    logger = logging.getLogger("searchkit.requests")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="searchkit.requests"):
            total = logged.get("/api/search?q=Türkei").get_json()["total"]
            logged.get("/api/search?page=0")
            logged.get("/?q=Baku")
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "searchkit.requests"]
    assert len(lines) == 3
    search, bad, page = lines
    assert search["method"] == "GET" and search["path"] == "/api/search" and search["status"] == 200
    assert search["hits"] == total and isinstance(search["ms"], float) and search["ms"] >= 0
    assert bad["status"] == 400 and bad["hits"] is None
    assert page["path"] == "/" and page["hits"] >= 1


# -- headers and errors ------------------------------------------------------------------------
def test_security_headers_everywhere(client: FlaskClient) -> None:
    for url in ("/", "/api/search", "/api", "/nowhere", "/api/nowhere"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_error_has_the_json_shape(client: FlaskClient) -> None:
    cases = {
        ("GET", "/api/nowhere"): 404,
        ("POST", "/api/search"): 405,
        ("PUT", "/api/documents/x"): 405,
        ("GET", "/api/documents/not-there"): 404,
        ("GET", "/api/search?sort=sideways"): 400,
        ("POST", "/api/documents"): 403,
        ("DELETE", "/api/documents/x"): 403,
    }
    for (method, url), status in cases.items():
        response = client.open(url, method=method)
        assert response.status_code == status, (method, url)
        assert response.is_json and response.get_json() == {
            "error": {"status": status, "message": response.get_json()["error"]["message"]}
        }
        assert response.get_json()["error"]["message"]
    assert "GET" in client.post("/api/search").headers["Allow"]


def test_html_errors_are_german_pages(client: FlaskClient) -> None:
    response = client.get("/nirgendwo")
    assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)
    response = client.get("/dokument/gibt-es-nicht")
    assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)


def test_internal_errors_are_json_500_without_details(demo_index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(index_path=demo_index_path, LOG_REQUESTS=False)
    app.logger.disabled = True

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Index, "search", boom)
    response = app.test_client().get("/api/search")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"status": 500, "message": "internal error"}}


def test_json_answers_are_utf8_and_agree_with_json(client: FlaskClient) -> None:
    """Answers are encoded by orjson (``http.FastJSONProvider``): names as written, not as
    escapes, and the same data the standard library reads."""
    response = client.get("/api/search?q=Erdogan")
    assert response.mimetype == "application/json"
    assert "Erdoğan".encode() in response.data and b"\\u011f" not in response.data
    assert json.loads(response.data) == response.get_json()


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec=None)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
))
def test_json_provider_round_trips_what_json_does(value: object) -> None:
    # integers over 64 bits and lone surrogates: orjson refuses, json's rules apply
    provider = create_app(index_path="/nonexistent-index").json
    text = provider.dumps(value)
    assert json.loads(text) == value
    assert provider.loads(text) == value
    assert provider.loads(json.dumps(value).encode("utf-8", "surrogatepass")) == value


def test_json_provider_reads_nan_as_json_does_and_writes_valid_json() -> None:
    provider = create_app(index_path="/nonexistent-index").json
    # not json's "NaN"/"Infinity", which JSON.parse in a browser rejects
    assert provider.dumps({"a": float("nan"), "b": float("inf")}) == '{"a":null,"b":null}'
    assert provider.loads('{"x": NaN}')["x"] != provider.loads('{"x": NaN}')["x"]
    assert provider.loads(b'{"x": 1}') == {"x": 1}


@pytest.mark.parametrize(
    ("name", "value"),
    [("RATE_LIMIT", "banana"), ("CACHE_MAX_AGE", "abc"), ("MAX_BATCH", "0"), ("MAX_CONTENT_LENGTH", "abc"),
     ("PROXY_FIX", "abc"), ("RATE_LIMIT_STORAGE", "bogus://x"), ("LOG_REQUESTS", "maybe"),
     ("WRITE_LOCK_TIMEOUT", "nan"), ("GZIP_MIN_SIZE", "-1")],
)
def test_a_wrong_setting_is_refused_at_start(
    demo_index_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """Found by a review: these started a server that answered every request (or every POST)
    with 500, or whose workers crashed."""
    from click.testing import CliRunner

    from searchkit import ConfigError
    from searchkit.cli import main

    monkeypatch.setenv(f"SEARCHKIT_{name}", value)
    with pytest.raises(ConfigError, match=f"SEARCHKIT_{name}"):
        create_app(index_path=demo_index_path)
    result = CliRunner().invoke(main, ["serve", "--index", str(demo_index_path), "--port", "1"])
    assert result.exit_code == 1 and f"Error: SEARCHKIT_{name}=" in result.output


def test_settings_from_the_environment_take_their_types(demo_index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHKIT_CACHE_MAX_AGE", " 60 ")
    monkeypatch.setenv("SEARCHKIT_LOG_REQUESTS", "off")
    app = create_app(index_path=demo_index_path)
    assert app.config["CACHE_MAX_AGE"] == 60 and app.config["LOG_REQUESTS"] is False
    assert "max-age=60" in app.test_client().get("/api/search?q=Baku").headers["Cache-Control"]


@pytest.mark.parametrize("given, named", [({"RATE_LIMT": "10/minute"}, "RATE_LIMIT"), ({"api_key": "x"}, "API_KEY")])
def test_an_unknown_setting_of_create_app_is_refused(demo_index_path: Path, given: dict, named: str) -> None:  # type: ignore[type-arg]
    """A misspelt keyword was taken silently and the setting kept its default (a review)."""
    from searchkit import ConfigError

    with pytest.raises(ConfigError, match=f"unknown setting {next(iter(given))} \\(did you mean {named}\\?\\)"):
        create_app(index_path=demo_index_path, **given)
    assert create_app(index_path=demo_index_path, TESTING=True, RATE_LIMIT="off").config["RATE_LIMIT"] == "off"
