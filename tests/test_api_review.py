"""Fixes of a user review of the API: the entity answer counts its undated documents, and the
OpenAPI description declares 304 only where the server can answer it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.http import CACHEABLE

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture(scope="module")
def app(demo_index_path: Path) -> Flask:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False, RATE_LIMIT="off")


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_the_entity_answer_counts_its_undated_documents(client: FlaskClient) -> None:
    data = client.get("/api/entities/place/Hamburg").get_json()
    undated = client.get("/api/search", query_string={"place": "Hamburg", "year": "none", "per_page": 0}).get_json()
    assert data["undated"] == undated["total"] >= 1
    assert sum(v["count"] for v in data["timeline"]) + data["undated"] == data["count"]
    spec = client.get("/api/openapi.json").get_json()
    schema = spec["components"]["schemas"]["EntityReport"]
    assert "undated" in schema["required"] and schema["properties"]["undated"]["type"] == "integer"
    assert set(schema["required"]) == set(data)


def test_304_is_declared_exactly_where_the_answer_is_cacheable(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    endpoints = {
        re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule): rule.endpoint
        for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())
    }
    checked = 0
    for path, operations in spec["paths"].items():
        if "get" in operations:
            declared = "304" in operations["get"]["responses"]
            assert declared == (endpoints[path] in CACHEABLE), path
            checked += 1
    assert checked >= 6
    for path in ("/api/facets/{facet}/values", "/api/entities/{facet}/{name}"):
        assert "304" not in spec["paths"][path]["get"]["responses"]
        response = client.get(path.replace("{facet}", "place").replace("{name}", "Baku"))
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
        assert "ETag" not in response.headers
