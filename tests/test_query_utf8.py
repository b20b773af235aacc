"""URL parameters that are not UTF-8 ("?q=%ff") are a 400 for the whole app: a JSON error on the
API, the German error page on the web page. Werkzeug kept such bytes as the text "%FF", so the
search looked for "%FF" and answered 200; raw bytes that are not UTF-8 were a 500."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from server import create_app
from server.http import undecodable_parameter

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    app = create_app(index_path=demo_index_path, LOG_REQUESTS=False, RATE_LIMIT="off")
    app.logger.disabled = True  # a 500 is asserted on, not printed
    return app.test_client()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (b"q=%ff", "q"),
        (b"q=Berlin&sort=%C3", "sort"),  # a character cut after its first byte
        (b"q=%ED%A0%80", "q"),  # an encoded surrogate is no UTF-8 either
        (b"q=\xff", "q"),  # a raw byte, not percent-encoded
        (b"a%ff=1", "a\\xff"),  # the name itself
        (b"q=%C3%A4&ort=K%C3%B6ln+Mitte", None),
        (b"q=\xc3\xa4", None),  # raw UTF-8 is fine
        (b"q=100%&x=%", None),  # a lone "%" is no encoded byte
        (b"", None),
    ],
)
def test_the_parameter_that_is_no_utf8_is_named(query: bytes, name: str | None) -> None:
    assert undecodable_parameter(query) == name


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/search?q=%ff", "q"),
        ("/api/search?q=Berlin&sort=%C3", "sort"),
        ("/api/facets?q=Berlin&year=%ff", "year"),
        ("/api/documents/irgendwas?x=%fe", "x"),
        ("/api/search?q=Berlin&x%ff=1", "x\\xff"),
    ],
)
def test_the_api_answers_400_with_the_json_error(client: FlaskClient, url: str, name: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {"status": 400, "message": f"parameter {name} is not valid UTF-8: percent-encode text as UTF-8 (ä is %C3%A4)"}
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_raw_bytes_that_are_no_utf8_are_a_400_not_a_500(client: FlaskClient) -> None:
    for path in ("/api/search", "/"):
        response = client.get(path, environ_overrides={"QUERY_STRING": "q=\xff"})  # WSGI: latin-1
        assert response.status_code == 400, path


def test_the_page_shows_the_german_error_page(client: FlaskClient) -> None:
    response = client.get("/?q=%ff&ort=Berlin")
    assert response.status_code == 400 and response.mimetype == "text/html"
    html = unescape(response.get_data(as_text=True))
    assert "Ungültige Anfrage" in html
    assert "Der Parameter „q“ der Adresse enthält Zeichen, die kein gültiges UTF-8 sind." in html
    assert "%FF" not in html


def test_valid_utf8_is_searched_as_before(client: FlaskClient) -> None:
    response = client.get("/api/search?q=K%C3%B6ln+Berlin")
    assert response.status_code == 200 and response.get_json()["query"] == "Köln Berlin"
    assert client.get("/api/search", environ_overrides={"QUERY_STRING": "q=K\xc3\xb6ln"}).get_json()["query"] == "Köln"
    assert client.get("/?q=%C3%BCber").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/api/openapi.json", "/static/style.css"])
def test_endpoints_that_ignore_their_parameters_still_answer(client: FlaskClient, path: str) -> None:
    """The health check and the OpenAPI description ignore parameters (load balancers and tools
    add their own); the OpenAPI description was a 500 for raw bytes that are no UTF-8."""
    assert client.get(f"{path}?v=%ff").status_code == 200
    assert client.get(path, environ_overrides={"QUERY_STRING": "v=\xff"}).status_code == 200


def test_an_unknown_route_stays_a_404(client: FlaskClient) -> None:
    assert client.get("/gibt-es-nicht?q=%ff").status_code == 404
    assert client.get("/api/gibt-es-nicht?q=%ff").status_code == 404
