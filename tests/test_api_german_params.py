"""Facet filters under their German names (the query language's field names: ``ort``, ``jahr``,
``personen``, ``org`` …; ``searchkit.request.FILTER_NAMES``) in the URL parameters of the API and
the web page, and in the ``{facet}`` path segments. Input only: answers and links keep the
facets' own (English) names. Flask's test client on the real demo index."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from searchkit.facets import FACETS
from searchkit.request import FILTER_NAMES
from server import create_app

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")

GERMAN = [alias for alias, facet in FILTER_NAMES.items() if alias != facet]


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()


def get_json(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    data = response.get_json()
    if isinstance(data, dict):
        data.pop("took_ms", None)
    return data


def facet(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in data["facets"] if f["name"] == name)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- /api/search and /api/facets ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("q=Gipfel&ort=Ankara", "q=Gipfel&place=Ankara"),
        ("q=Gipfel&orte=Ankara", "q=Gipfel&place=Ankara"),
        ("q=Gipfel&jahr=2023", "q=Gipfel&year=2023"),
        ("monat=2024-11", "month=2024-11"),
        ("personen=Olaf+Scholz&q=Gipfel", "person=Olaf+Scholz&q=Gipfel"),
        ("org=NATO", "organisation=NATO"),
        ("organisationen=NATO&jahr=2023&jahr=2024", "organisation=NATO&year=2023&year=2024"),
        ("ort=Baku&jahr=2025", "place=Baku&year=2025"),
    ],
)
def test_german_filter_names_answer_as_the_english_ones(client: FlaskClient, german: str, english: str) -> None:
    for endpoint in ("/api/search", "/api/facets"):
        asked = get_json(client, f"{endpoint}?{german}")
        expected = get_json(client, f"{endpoint}?{english}")
        # the same answer to the byte (toggle_urls included): the facets keep their own names
        assert asked == expected, endpoint
    search = get_json(client, f"/api/search?{german}")
    assert set(search["filters"]) <= set(FACETS)
    assert all(f["name"] in FACETS for f in search["facets"])


def test_german_names_filter_for_real(client: FlaskClient) -> None:
    everything = get_json(client, "/api/search?q=Gipfel")["total"]
    ankara = get_json(client, "/api/search?q=Gipfel&ort=Ankara")
    assert 0 < ankara["total"] < everything
    assert ankara["filters"] == {"place": ["Ankara"]}
    assert get_json(client, "/api/search?ort=Baku")["total"] == get_json(client, "/api/search?place=Baku")["total"] > 0


def test_both_names_of_one_facet_are_one_filter(client: FlaskClient) -> None:
    """``ort=Ankara&place=Ukraine`` is the place filter with both values (OR), as the library
    reads ``filters={"ort": [...], "place": [...]}``; a value under both names counts once."""
    mixed = get_json(client, "/api/search?q=Gipfel&ort=Ankara&place=Ukraine")
    english = get_json(client, "/api/search?q=Gipfel&place=Ankara&place=Ukraine")
    assert mixed == english
    assert mixed["filters"] == {"place": ["Ankara", "Ukraine"]}
    one = get_json(client, "/api/search?q=Gipfel&place=Ankara")["total"]
    other = get_json(client, "/api/search?q=Gipfel&place=Ukraine")["total"]
    assert max(one, other) < mixed["total"] <= one + other  # OR, not AND
    twice = get_json(client, "/api/search?q=Gipfel&ort=Ankara&place=Ankara&Ort=Ankara")
    assert twice["filters"] == {"place": ["Ankara"]} and twice["total"] == one
    # three names, one facet, and another facet beside it (AND across facets)
    assert get_json(client, "/api/facets?orte=Ankara&ort=Ukraine&place=Baku&jahr=2023") == get_json(
        client, "/api/facets?place=Ankara&place=Ukraine&place=Baku&year=2023"
    )


def test_filters_keep_the_order_of_the_facets_and_of_the_values(client: FlaskClient) -> None:
    """As the English names: the facets in their order (the page's title and active filters),
    each facet's values in the order given, whichever name carried them."""
    german = get_json(client, "/api/search?ort=Ukraine&jahr=2023&place=Ankara")
    assert list(german["filters"]) == ["year", "place"]
    assert german["filters"]["place"] == ["Ukraine", "Ankara"]
    assert german == get_json(client, "/api/search?place=Ukraine&year=2023&place=Ankara")
    assert client.get("/?ort=Baku&jahr=2024").get_data() == client.get("/?year=2024&place=Baku").get_data()
    title = re.search(r"<title>(.*?)</title>", client.get("/?ort=Baku&jahr=2024").get_data(as_text=True), re.S)
    assert title and unescape(title.group(1)) == "Jahr: 2024 · Orte: Baku – searchkit"


@pytest.mark.parametrize("name", ["Ort", "ORT", "oRt", "Jahr", "Personen", "Place", "YEAR"])
def test_filter_names_in_any_case(client: FlaskClient, name: str) -> None:
    """As ``facet_name`` reads a filter's name (and ``Ort:Berlin`` is read in a query)."""
    value = {"ort": "Ankara", "place": "Ankara", "jahr": "2023", "year": "2023", "personen": "Olaf Scholz"}[name.lower()]
    english = {"ort": "place", "place": "place", "jahr": "year", "year": "year", "personen": "person"}[name.lower()]
    asked = client.get("/api/search", query_string={"q": "Gipfel", name: value})
    assert asked.status_code == 200
    expected = get_json(client, f"/api/search?q=Gipfel&{english}={value.replace(' ', '+')}")
    data = asked.get_json()
    data.pop("took_ms")
    assert data == expected


def test_an_unknown_parameter_is_still_a_400_that_names_the_german_names(client: FlaskClient) -> None:
    for url in ("/api/search?q=Gipfel&stadt=Baku", "/api/facets?stadt=Baku", "/api/facets/person/values?stadt=Baku"):
        response = client.get(url)
        assert response.status_code == 400, url
        message = response.get_json()["error"]["message"]
        assert message.startswith("unknown parameter(s): stadt; known: "), message
        for name in ("place", "year", "person", "organisation", *GERMAN):
            assert name in message, (url, name)
    search = client.get("/api/search?Q=Gipfel").get_json()["error"]["message"]
    assert "unknown parameter(s): Q;" in search and "q, sort, to" in search
    # the parameters of the hits stay refused by /api/facets, whatever the filters are called
    refused = client.get("/api/facets?ort=Baku&sort=date_desc")
    assert refused.status_code == 400 and "do not apply" in refused.get_json()["error"]["message"]
    # the web page says it in German
    page = client.get("/?q=Gipfel&stadt=Baku")
    assert page.status_code == 400 and "Unbekannte Angabe in der Adresse: stadt" in unescape(page.get_data(as_text=True))


def test_repeated_parameters_and_bad_values_are_still_400(client: FlaskClient) -> None:
    repeated = client.get("/api/search?q=a&q=b&ort=Baku")
    assert repeated.status_code == 400 and "more than once" in repeated.get_json()["error"]["message"]
    # a German filter may be repeated (OR), as an English one may
    assert client.get("/api/search?ort=Baku&ort=Ankara").status_code == 200
    bad_year = client.get("/api/search?jahr=abc")
    assert bad_year.status_code == 400 and "takes values such as '2025'" in bad_year.get_json()["error"]["message"]
    bad_month = client.get("/api/facets?monat=M%C3%A4rz")
    assert bad_month.status_code == 400
    too_many = "&".join([f"ort=a{i}" for i in range(30)] + [f"place=b{i}" for i in range(30)])
    response = client.get(f"/api/search?{too_many}")
    assert response.status_code == 400 and "at most 50 values" in response.get_json()["error"]["message"]
    # the same 30 values under both names are 30 values, not 60 (as the library counts them)
    same = "&".join([f"ort=a{i}" for i in range(30)] + [f"place=a{i}" for i in range(30)])
    assert client.get(f"/api/search?{same}").status_code == 200


# -- selected values and toggle_urls ------------------------------------------------------------
@pytest.mark.parametrize("endpoint", ["/api/search", "/api/facets"])
def test_a_value_selected_by_its_german_name_is_selected_and_its_toggle_removes_it(
    client: FlaskClient, endpoint: str
) -> None:
    data = get_json(client, f"{endpoint}?q=Gipfel&ort=Ankara&jahr=2023")
    places = facet(data, "place")["results"]
    ankara = next(v for v in places if v["value"] == "Ankara")
    assert ankara["selected"] is True
    assert [v["value"] for v in places if v["selected"]] == ["Ankara"]
    year = next(v for v in facet(data, "year")["results"] if v["value"] == "2023")
    assert year["selected"] is True
    # its toggle_url removes it (under no name), keeping the other filter
    removed = query_of(ankara["toggle_url"])
    assert urlsplit(ankara["toggle_url"]).path == endpoint
    assert "place" not in removed and "ort" not in removed and removed["year"] == ["2023"]
    assert not any(name in removed for name in GERMAN)
    without = get_json(client, ankara["toggle_url"])
    assert without == get_json(client, f"{endpoint}?q=Gipfel&year=2023")
    assert not any(v["selected"] for v in facet(without, "place")["results"])
    # another value's toggle_url adds it to the same filter, under the facet's name
    other = next(v for v in places if not v["selected"])
    added = query_of(other["toggle_url"])
    assert added["place"] == ["Ankara", other["value"]] and "ort" not in added
    assert get_json(client, other["toggle_url"])["total"] >= data["total"]


# -- /api/facets/{facet}/values and /api/entities/{facet}/{name} --------------------------------
@pytest.mark.parametrize(
    ("german", "english"),
    [("ort", "place"), ("Ort", "place"), ("orte", "place"), ("personen", "person"), ("org", "organisation"),
     ("organisationen", "organisation"), ("jahr", "year"), ("monat", "month")],
)
def test_facet_value_search_takes_a_german_facet(client: FlaskClient, german: str, english: str) -> None:
    text = {"place": "Ba", "person": "erd", "organisation": "Bund", "year": "20", "month": "2024"}[english]
    asked = get_json(client, f"/api/facets/{german}/values?text={text}")
    expected = get_json(client, f"/api/facets/{english}/values?text={text}")
    assert asked == expected and asked["facet"] == english and asked["values"]


def test_facet_value_search_counts_within_german_filters(client: FlaskClient) -> None:
    scope = get_json(client, "/api/facets/personen/values?q=Gipfel&ort=Ankara&limit=100")
    expected = get_json(client, "/api/facets/person/values?q=Gipfel&place=Ankara&limit=100")
    assert scope == expected and scope["facet"] == "person" and scope["values"]
    everywhere = get_json(client, "/api/facets/person/values?limit=100")
    assert sum(v["count"] for v in everywhere["values"]) > sum(v["count"] for v in scope["values"])
    # the values of a facet filtered by itself show as selected
    places = get_json(client, "/api/facets/ort/values?text=Ank&ort=Ankara")
    assert [v["value"] for v in places["values"] if v["selected"]] == ["Ankara"]
    # a facet that is none: 400 naming the names accepted (the library's message)
    unknown = client.get("/api/facets/stadt/values?text=Ba")
    assert unknown.status_code == 400
    assert "stadt" in unknown.get_json()["error"]["message"] and "ort" in unknown.get_json()["error"]["message"]
    refused = client.get("/api/facets/ort/values?sort=date_desc")
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("german", "english", "name"),
    [("ort", "place", "Baku"), ("Ort", "place", "Baku"), ("personen", "person", "Olaf Scholz"),
     ("org", "organisation", "NATO")],
)
def test_entity_report_takes_a_german_facet(client: FlaskClient, german: str, english: str, name: str) -> None:
    asked = get_json(client, f"/api/entities/{german}/{name}?top=3")
    assert asked == get_json(client, f"/api/entities/{english}/{name}?top=3")
    assert asked["facet"] == english and asked["count"] > 0
    assert client.get("/api/entities/jahr/2025").status_code == 400
    assert client.get("/api/entities/stadt/Baku").status_code == 400


# -- the OpenAPI description and the API page ------------------------------------------------------
def test_the_openapi_description_names_the_german_names(client: FlaskClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    search = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert set(search) >= set(FACETS)  # one parameter per facet: the German names are in its text
    for alias in GERMAN:
        english = FILTER_NAMES[alias]
        assert f"`{alias}`" in search[english]["description"], alias
    assert "ort=Baku" in spec["paths"]["/api/search"]["get"]["description"]
    values = spec["paths"]["/api/facets/{facet}/values"]["get"]["parameters"]
    path_facet = next(p for p in values if p["name"] == "facet" and p["in"] == "path")
    assert set(path_facet["schema"]["enum"]) == set(FILTER_NAMES)
    entity = spec["paths"]["/api/entities/{facet}/{name}"]["get"]["parameters"]
    kind = next(p for p in entity if p["name"] == "facet")
    assert {"ort", "personen", "org", "person", "place", "organisation"} <= set(kind["schema"]["enum"])
    assert "jahr" not in kind["schema"]["enum"]
    page = unescape(client.get("/api").get_data(as_text=True))
    assert "<code>ort</code>" in page and "<code>jahr</code>" in page


# -- the web page ---------------------------------------------------------------------------------
def test_the_search_page_takes_german_filter_names(client: FlaskClient) -> None:
    german = client.get("/?q=Gipfel&ort=Ankara")
    english = client.get("/?q=Gipfel&place=Ankara")
    assert german.status_code == english.status_code == 200
    assert german.get_data(as_text=True) == english.get_data(as_text=True)
    everything = client.get("/?q=Gipfel").get_data(as_text=True)
    assert everything != german.get_data(as_text=True)
    mixed = client.get("/?q=Gipfel&ort=Ankara&place=Ukraine&Jahr=2023")
    assert mixed.status_code == 200
    assert mixed.get_data(as_text=True) == client.get("/?q=Gipfel&place=Ankara&place=Ukraine&year=2023").get_data(as_text=True)


def test_the_search_page_links_use_the_english_names(client: FlaskClient) -> None:
    page = unescape(client.get("/?q=Gipfel&ort=Ankara").get_data(as_text=True))
    links = [href for href in _hrefs(page) if href.startswith("/?")]
    assert links
    for href in links:
        params = query_of(href)
        assert not any(name in params for name in GERMAN), href
    # the link that switches Ankara off keeps the query and drops the filter
    off = [href for href in links if query_of(href).get("q") == ["Gipfel"] and "place" not in query_of(href)]
    assert off


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


def test_the_search_page_keeps_a_german_filter_in_its_form_after_an_error(client: FlaskClient) -> None:
    response = client.get("/?q=Gipfel&ort=Ankara&page=abc")
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert 'name="place" value="Ankara"' in page
    assert 'name="ort"' not in page


def test_more_values_and_the_entity_page_take_german_facet_names(client: FlaskClient) -> None:
    more = client.get("/?q=Gipfel&mehr=ort")
    assert more.status_code == 200
    assert more.get_data(as_text=True) == client.get("/?q=Gipfel&mehr=place").get_data(as_text=True)
    assert client.get("/?mehr=stadt").status_code == 400
    redirected = client.get("/entitaet/ort/Baku")
    assert redirected.status_code in (301, 302, 303, 307, 308)
    assert urlsplit(redirected.headers["Location"]).path == "/entitaet/place/Baku"
    assert client.get("/entitaet/ort/Baku", follow_redirects=True).status_code == 200
    assert client.get("/entitaet/stadt/Baku").status_code == 404
    # the way back from a document to a search written with a German name
    hit = get_json(client, "/api/search?q=Gipfel&ort=Ankara")["hits"][0]["id"]
    document = unescape(client.get(f"/dokument/{hit}", query_string={"suche": "q=Gipfel&ort=Ankara"}).get_data(as_text=True))
    back = [href for href in _hrefs(document) if href.startswith("/?")]
    assert any(query_of(href) == {"q": ["Gipfel"], "place": ["Ankara"]} for href in back), back
