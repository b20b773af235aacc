"""The order a result is in, as the library, the API and the page name it: a query of value
fields alone (``person:…``, ``jahr:…``) has no words to rank by and is listed newest first,
so it is no "Relevanz" (a review found the page marking "Relevanz" and the API answering
"sort": "relevance" for hits in exactly the order of ``date_desc``)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from searchkit import Index
from server import create_app

pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()


def _a_person(index: Index) -> str:
    facet = index.search("", per_page=0).facet("person")
    assert facet is not None and facet.results
    return max(facet.results, key=lambda v: v.count).value


def ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.document.id for hit in result.hits]


def test_value_fields_alone_are_listed_newest_first_and_say_so(demo_index: Index) -> None:
    person = _a_person(demo_index)
    query = f'person:"{person}"'
    asked = demo_index.search(query, per_page=50)
    newest = demo_index.search(query, per_page=50, sort="date_desc")
    assert asked.total >= 2
    assert ids(asked) == ids(newest)
    assert not asked.ranked_by_words
    assert asked.sort == "date_desc"
    assert asked.to_dict()["sort"] == "date_desc"
    assert demo_index.search(query, sort="date_asc").sort == "date_asc"


def test_no_query_is_listed_newest_first(demo_index: Index) -> None:
    result = demo_index.search("", per_page=5)
    assert not result.ranked_by_words and result.sort == "date_desc"


@pytest.mark.parametrize("query", ["Ukraine", "Ukraine person:Selenskyj"])
def test_words_rank_by_relevance(demo_index: Index, query: str) -> None:
    result = demo_index.search(query, per_page=5)
    assert result.ranked_by_words and result.sort == "relevance"
    assert result.to_dict()["sort"] == "relevance"
    # with a filter (the full path) as without
    assert demo_index.search(query, per_page=5, facets=False).sort == "relevance"


def _sort_nav(html: str) -> tuple[str, list[str]]:
    nav = re.search(r'<nav class="sort".*?</nav>', html, re.S)
    assert nav is not None
    current = re.search(r'<span aria-current="true">([^<]+)</span>', nav.group(0))
    assert current is not None
    links = re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0))
    return current.group(1), links


def test_page_marks_the_date_order_of_a_value_field_query(client: FlaskClient, demo_index: Index) -> None:
    person = _a_person(demo_index)
    response = client.get("/", query_string={"q": f'person:"{person}"'})
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    current, links = _sort_nav(html)
    assert current == "Neueste zuerst"
    assert "Relevanz" not in links
    # the API names the same order
    answer = client.get("/api/search", query_string={"q": f'person:"{person}"'}).get_json()
    assert answer["sort"] == "date_desc"


def test_page_marks_relevance_for_words(client: FlaskClient) -> None:
    html = unescape(client.get("/", query_string={"q": "Ukraine"}).get_data(as_text=True))
    current, links = _sort_nav(html)
    assert current == "Relevanz"
    assert "Neueste zuerst" in links


# The facet-value search of the page takes the German name of its facet, as "mehr=ort" and
# "?ort=" do ("ort_suche" was an "Unbekannte Angabe", found by the same review).

def _found(html: str) -> str:
    return html.split('<div class="found"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(("german", "english"), [("personen_suche", "person_suche"), ("Ort_suche", "place_suche"),
                                                 ("org_suche", "organisation_suche")])
def test_value_search_takes_german_facet_names(client: FlaskClient, german: str, english: str) -> None:
    text = {"person_suche": "erd", "place_suche": "tür", "organisation_suche": "nato"}[english]
    as_english = client.get("/", query_string={"q": "", english: text})
    as_german = client.get("/", query_string={"q": "", german: text})
    assert as_english.status_code == as_german.status_code == 200
    found = _found(unescape(as_german.get_data(as_text=True)))
    assert found == _found(unescape(as_english.get_data(as_text=True)))
    assert "<li" in found


def test_value_search_named_twice_in_two_languages_is_refused(client: FlaskClient) -> None:
    response = client.get("/?person_suche=a&personen_suche=b")
    assert response.status_code == 400
    assert "Die Namenssuche steht mehrmals" in unescape(response.get_data(as_text=True))


def test_back_link_keeps_a_german_value_search(client: FlaskClient) -> None:
    from server.pages import back_url

    with create_app(index_path=None, LOG_REQUESTS=False).test_request_context():
        link = back_url("q=Gipfel&ort_suche=Bak")
    assert link is not None and "place_suche=Bak" in link and "ort_suche" not in link
