"""The API contract: the generated OpenAPI description matches the routes and the library, real
responses validate against its schemas, every limit is a 400 with a clear message, and no
request — however strange — produces a 500 (property-based, with Hypothesis)."""

from __future__ import annotations

import re

import json
import random
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from searchkit import SearchRequest, parsing
from searchkit import request as search_request
from searchkit.errors import QueryError
from searchkit.facets import FACETS
from searchkit.index import TEXT_FIELDS
from server import create_app
from server.openapi import MAX_FACET_SIZE

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")

KEY = "contract-key"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def app(demo_index_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(index_path=demo_index_path, LOG_REQUESTS=False, RATE_LIMIT="off")
    app.logger.disabled = True  # a 500 is asserted on, not printed
    return app


@pytest.fixture(scope="module")
def client(app) -> FlaskClient:  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="module")
def spec(client: FlaskClient) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validator(spec: dict, schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]})


def assert_valid(spec: dict, schema_name: str, data: object) -> None:
    errors = sorted(validator(spec, schema_name).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def response_schema(spec: dict, path: str, method: str, status: int) -> str:
    content = spec["paths"][path][method]["responses"][str(status)]["content"]
    return content["application/json"]["schema"]["$ref"].rpartition("/")[2]


# -- the description itself ----------------------------------------------------------------------
def test_spec_is_openapi_3_and_covers_every_api_route(app, spec: dict) -> None:  # type: ignore[no-untyped-def]
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] and spec["info"]["version"]
    described = {(path, method.upper()) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if (rule.rule.startswith("/api/") or rule.rule == "/healthz") and rule.endpoint.startswith("api."):
            if rule.endpoint == "api.openapi":
                continue
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == described
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["summary"] and op["responses"], (path, method)
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), (path, status)


def test_search_parameters_come_from_the_library(spec: dict) -> None:
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert set(params) == set(search_request.PARAMS) | set(FACETS)
    assert params["q"]["schema"]["maxLength"] == search_request.MAX_QUERY_LENGTH
    assert params["per_page"]["schema"]["maximum"] == search_request.MAX_PER_PAGE
    assert params["sort"]["schema"]["enum"] == list(search_request.SORTS)
    assert params["operator"]["schema"]["enum"] == list(search_request.OPERATORS)
    assert params["year"]["schema"]["maxItems"] == search_request.MAX_FILTER_VALUES
    SearchRequest(facet_size=MAX_FACET_SIZE)
    with pytest.raises(QueryError):
        SearchRequest(facet_size=MAX_FACET_SIZE + 1)


def test_write_operations_declare_their_security(spec: dict) -> None:
    assert spec["paths"]["/api/documents"]["post"]["security"]
    assert spec["paths"]["/api/documents/{doc_id}"]["delete"]["security"]
    assert "security" not in spec["paths"]["/api/search"]["get"]
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}


def test_path_parameters_are_described_once_each_with_its_own_description(client: FlaskClient, spec: dict) -> None:
    """Path parameters were listed twice (path and operation) and all called "Dokument-ID"."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            own = {(p["name"], p["in"]) for p in op.get("parameters", [])}
            params = op.get("parameters", []) + [p for p in item.get("parameters", []) if (p["name"], p["in"]) not in own]
            in_path = [p for p in params if p["in"] == "path"]
            assert sorted(p["name"] for p in in_path) == sorted(re.findall(r"\{(\w+)\}", path)), (path, method)
            for p in in_path:
                assert p["description"].startswith("Dokument-ID") == (p["name"] == "doc_id"), (path, p)
        # each once in the description too (an operation's own parameter is not repeated for the path)
        shared = {p["name"] for p in item.get("parameters", [])}
        assert not any(shared & {p["name"] for p in op.get("parameters", [])} for m, op in item.items() if m != "parameters")
    page = unescape(client.get("/api").get_data(as_text=True))
    section = page.split('id="get-api-entities-facet-name"', 1)[1].split("</section>", 1)[0]
    assert section.count("<code>facet</code>") == 1 and section.count("<code>name</code>") == 1
    assert "Dokument-ID" not in section and "Art der Entität" in section


def test_the_entity_404_is_described_as_what_it_is(client: FlaskClient, spec: dict) -> None:
    response = client.get("/api/entities/person/Niemand Nirgendwo")
    assert response.status_code == 404 and "no person named" in response.get_json()["error"]["message"]
    described = spec["paths"]["/api/entities/{facet}/{name}"]["get"]["responses"]["404"]["description"]
    assert "Dokument" not in described and "Namen" in described
    assert spec["paths"]["/api/documents/{doc_id}"]["get"]["responses"]["404"]["description"] == "Kein Dokument mit dieser ID."


def test_the_api_page_writes_defaults_as_sent_and_the_rate_limit_in_german(demo_index_path: Path) -> None:
    limited = create_app(index_path=demo_index_path, LOG_REQUESTS=False, RATE_LIMIT="5/2 minutes;1000/day")
    page = unescape(limited.test_client().get("/api").get_data(as_text=True))
    assert "Standard <code>true</code>" in page and "<code>True</code>" not in page
    assert "höchstens 5 Anfragen in 2 Minuten und 1000 Anfragen pro Tag;" in page
    assert "minute" not in page.split('id="rate-limit"', 1)[1]
    default = create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client().get("/api")
    assert "höchstens 120 Anfragen pro Minute;" in default.get_data(as_text=True)
    assert "(Loopback) sind ausgenommen" in default.get_data(as_text=True)
    strict = create_app(index_path=demo_index_path, LOG_REQUESTS=False, RATE_LIMIT_EXEMPT_LOOPBACK=False)
    assert "Loopback" not in strict.test_client().get("/api").get_data(as_text=True)


# -- real responses against the schemas -----------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=Türkei",
        "/api/search?q=Erdogan&year=2025&sort=date_desc&per_page=3",
        "/api/search?q=seit März 2025",
        "/api/search?per_page=0&facet_size=50",
        "/api/search?q=xyzzyqwertz",
        "/api/search?q=Baku Ankara Moskau&operator=or&page=2&per_page=2",
        "/api/search?from=2025-03&to=2025-06",
    ],
)
def test_search_responses_match_the_schema(client: FlaskClient, spec: dict, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert_valid(spec, response_schema(spec, "/api/search", "get", 200), response.get_json())


def test_other_responses_match_the_schema(client: FlaskClient, spec: dict) -> None:
    doc_id = client.get("/api/search?q=Baku").get_json()["hits"][0]["id"]
    cases = [
        ("/api/facets", "get", f"/api/facets?q=Baku&place={quote('Baku')}", 200),
        ("/api/documents/{doc_id}", "get", f"/api/documents/{doc_id}", 200),
        ("/api/documents/{doc_id}", "get", "/api/documents/nope", 404),
        ("/api/similar/{doc_id}", "get", f"/api/similar/{doc_id}?limit=3", 200),
        ("/api/similar/{doc_id}", "get", f"/api/similar/{doc_id}?limit=99", 400),
        ("/healthz", "get", "/healthz", 200),
        ("/api/search", "get", "/api/search?per_page=1000", 400),
        ("/api/documents", "post", "/api/documents", 403),
        ("/api/documents/{doc_id}", "delete", f"/api/documents/{doc_id}", 403),
    ]
    for path, method, url, status in cases:
        response = client.open(url, method=method.upper())
        assert response.status_code == status, url
        assert_valid(spec, response_schema(spec, path, method, status), response.get_json())


def test_write_responses_match_the_schema(demo_copy: Path, spec: dict) -> None:
    writer = create_app(index_path=demo_copy, API_KEY=KEY, LOG_REQUESTS=False).test_client()
    headers = {"X-API-Key": KEY}
    added = writer.post("/api/documents", json={"id": "c1", "text": "Vertragstest."}, headers=headers)
    assert added.status_code == 201
    assert_valid(spec, response_schema(spec, "/api/documents", "post", 201), added.get_json())
    deleted = writer.delete("/api/documents/c1", headers=headers)
    assert_valid(spec, response_schema(spec, "/api/documents/{doc_id}", "delete", 200), deleted.get_json())
    wrong = writer.delete("/api/documents/c1", headers={"X-API-Key": "nope"})
    assert wrong.status_code == 401
    assert_valid(spec, response_schema(spec, "/api/documents/{doc_id}", "delete", 401), wrong.get_json())


# -- limits ---------------------------------------------------------------------------------------
LIMITS = {
    "query length": ({"q": "Wort " * 201}, "longer than"),
    "page size": ({"per_page": "101"}, "per_page"),
    "negative page size": ({"per_page": "-1"}, "per_page"),
    "page depth": ({"page": "1001", "per_page": "10"}, "beyond position"),
    "page zero": ({"page": "0"}, "page"),
    "huge page": ({"page": "9" * 40}, "beyond position"),
    "too many filter values": ({"place": [f"Ort{i}" for i in range(search_request.MAX_FILTER_VALUES + 1)]}, "at most"),
    "broad wildcard": ({"q": "a*"}, "too broad"),
    "broad single-letter prefix": ({"q": "Türkei OR z*"}, "too broad"),
    "broad question marks": ({"q": "??"}, "too broad"),
    "facet size": ({"facet_size": str(MAX_FACET_SIZE + 1)}, "facet_size"),
    "unknown parameter": ({"qq": "x"}, "unknown parameter"),
    "repeated parameter": ({"q": ["a", "b"]}, "more than once"),
    "bad sort": ({"sort": "beliebt"}, "sort"),
    "bad operator": ({"operator": "xor"}, "operator"),
    "bad integer": ({"page": "zwei"}, "integer"),
    "bad date": ({"from": "2025-13"}, "2025-13"),
    "empty date range": ({"from": "2026", "to": "2025"}, "empty"),
}


@pytest.mark.parametrize("name", list(LIMITS))
def test_limits_are_400_with_a_clear_message(client: FlaskClient, name: str) -> None:
    params, fragment = LIMITS[name]
    from server.openapi import HIT_PARAMS

    for path in ("/api/search", "/api/facets"):
        response = client.get(path + "?" + urlencode(params, doseq=True))
        assert response.status_code == 400, (name, response.get_json())
        message = response.get_json()["error"]["message"]
        hits_only = path == "/api/facets" and set(params) & set(HIT_PARAMS)  # /api/facets takes none of them
        assert ("do not apply to /api/facets" if hits_only else fragment) in message, (name, message)
    page = client.get("/?" + urlencode(params, doseq=True))
    if fragment == "beyond position":  # the page: a page past the last one, with a link to it
        assert page.status_code == 200 and "gibt es nicht" in page.get_data(as_text=True)
        return
    assert page.status_code == 400 and "Ungültige Anfrage" in page.get_data(as_text=True)


def test_wildcard_expansion_limit(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A prefix matching more index words than MAX_EXPANSION is refused (lowered here, since the
    demo corpus is small)."""
    assert client.get("/api/search?q=st*").status_code == 200
    monkeypatch.setattr(parsing, "MAX_EXPANSION", 3)
    response = client.get("/api/search?q=st*")
    assert response.status_code == 400 and "matches more than 3 words" in response.get_json()["error"]["message"]


def test_stored_field_prefix_is_a_400(client: FlaskClient) -> None:
    assert client.get("/api/search?q=doc:x").status_code == 400


# -- property-based: no 500, ever ------------------------------------------------------------------
WORDS = ["Türkei", "Erdogan", "Erdoğan", "Baku", "israel", "Militär", "Zum Thema", "März 2025", "seit 2024", "ß", "é"]
SYNTAX = [
    "AND", "OR", "NOT", "ANDNOT", "(", ")", '"', "'", "*", "?", "~", "~2", "^", "^3", "+", "-", ":", "[", "]", "{",
    "}", "TO", "<", ">", "\\", "/", "%", "&", "#", "\x00", "\u200b", "<script>", "*:*",
] + [f"{field}:" for field in (*TEXT_FIELDS, *FACETS, "id", "pub_start", "unknown")]
tokens = st.one_of(st.sampled_from(WORDS + SYNTAX), st.text(max_size=8), st.from_regex(r"[a-zäöü]{1,6}[*?]", fullmatch=True))
queries = st.lists(tokens, max_size=10).map(" ".join) | st.text(max_size=60)
values = st.one_of(
    queries,
    st.integers(-3, 20_000).map(str),
    st.sampled_from(["", "2025", "2025-03", "2025-03-10", "2025-13", "0000", "9999-12-31", "ohne Datum", "none"]),
    st.sampled_from(list(search_request.SORTS) + list(search_request.OPERATORS) + ["1e3", "0x10", " 5", "١٢"]),
)
names = st.sampled_from(list(search_request.PARAMS) + list(FACETS) + ["mehr", "bogus", "Q", ""])
param_lists = st.lists(st.tuples(names, values), max_size=6)


def check_response(response, *, html: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:500]
    if html:
        assert response.mimetype == "text/html"
        return
    data = response.get_json()
    if response.status_code == 400:
        assert set(data) == {"error"} and data["error"]["status"] == 400 and data["error"]["message"]
    else:
        assert data["total"] >= 0


@FUZZ
@given(params=param_lists)
def test_fuzz_search_api_never_500(client: FlaskClient, params: list[tuple[str, str]]) -> None:
    query = urlencode(params)
    check_response(client.get("/api/search?" + query))
    check_response(client.get("/api/facets?" + query))


@FUZZ
@given(params=param_lists)
def test_fuzz_search_page_never_500(client: FlaskClient, params: list[tuple[str, str]]) -> None:
    check_response(client.get("/?" + urlencode(params)), html=True)


@FUZZ
@given(query=queries, page=st.integers(-2, 1200), per_page=st.integers(-1, 120), sort=st.sampled_from(search_request.SORTS))
def test_fuzz_query_syntax_never_500(client: FlaskClient, query: str, page: int, per_page: int, sort: str) -> None:
    params = {"q": query, "page": page, "per_page": per_page, "sort": sort}
    check_response(client.get("/api/search?" + urlencode(params)))


@settings(max_examples=80, deadline=None)
@given(doc_id=st.text(min_size=1, max_size=40), limit=st.one_of(st.none(), st.integers(-5, 60).map(str), st.text(max_size=4)))
def test_fuzz_document_routes_never_500(client: FlaskClient, doc_id: str, limit: str | None) -> None:
    path = quote(doc_id, safe="")
    for url in (f"/api/documents/{path}", f"/dokument/{path}"):
        assert client.get(url).status_code in (200, 404)
    suffix = "" if limit is None else "?" + urlencode({"limit": limit})
    assert client.get(f"/api/similar/{path}{suffix}").status_code in (200, 400, 404)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "title": st.text(max_size=40) | json_values,
        "text": st.text(max_size=80) | json_values,
        "date": st.sampled_from(["2025", "2025-03-10", "gestern", "31.02.2025", ""]) | json_values,
        "url": st.text(max_size=20),
        "extra": json_values,
    },
)


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory, demo_index_path: Path) -> FlaskClient:
    target = tmp_path_factory.mktemp("fuzzwrite") / "index"
    shutil.copytree(demo_index_path, target)
    app = create_app(index_path=target, API_KEY=KEY, LOG_REQUESTS=False, RATE_LIMIT="off")
    app.logger.disabled = True
    return app.test_client()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(documents, st.lists(documents, max_size=3), json_values))
def test_fuzz_write_api_never_500(writer: FlaskClient, body: object) -> None:
    # Hypothesis seeds the global `random` identically for every example, and Whoosh names new
    # segments with it: without a fresh seed, a second commit would reuse a segment name.
    random.seed()
    response = writer.post("/api/documents", data=json.dumps(body), headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    assert response.status_code in (200, 201, 400), response.get_data(as_text=True)[:500]


@pytest.mark.parametrize(
    "query",
    [
        "(" * 499 + "Baku" + ")" * 499,  # as deep as the length limit allows
        "NOT " * 240 + "Baku",
        " OR ".join(["Baku"] * 240),
        " ".join(f"w{i}" for i in range(330)),  # as many terms as fit in 1,000 characters
        '"' + " ".join(["Baku"] * 190) + '"~5',
        "Baku^" + "9" * 900,
    ],
    ids=["nesting", "nots", "ors", "terms", "sloppy-phrase", "boost"],
)
def test_pathological_queries_never_500(client: FlaskClient, query: str) -> None:
    response = client.get("/api/search?" + urlencode({"q": query}))
    assert response.status_code in (200, 400), response.get_json()
    body = "x" * 10_000  # beyond the length limit: refused before parsing
    assert client.get("/api/search?" + urlencode({"q": body})).status_code == 400
