"""The web page after a review on 5,188 real articles: the source of an article as a publisher
(not a feed address or an input file's name), pagination with the first and the last page,
no "nicht alle Wörter gefunden" above "Keine Treffer", a quoted query in one pair of quotation
marks, and an entity page of an unknown name that says what is true."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

import searchkit.request
import server.pages
from searchkit import Document, Entity, EntityType, Index, PubDate
from searchkit.errors import DocumentNotFoundError
from server import create_app
from server.pages import page_numbers, quoted_query, source_label

pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture(scope="module")
def client(demo_index_path: Path) -> FlaskClient:
    return create_app(index_path=demo_index_path, LOG_REQUESTS=False).test_client()


def html_of(client: FlaskClient, url: str, status: int = 200, **kwargs) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return unescape(response.get_data(as_text=True))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# 1. The source as a publisher

FEED = "https://www.tagesschau.de/api2u/homepage/"
SOURCES = {  # id → (source, url, what the page shows)
    "feed": (FEED, "", "tagesschau.de"),
    "zeit": ("https://www.zeit.de/index", "https://www.zeit.de/politik/a", "zeit.de"),
    "csv": ("test.csv", "", ""),
    "jsonl": ("/daten/export.JSONL", "https://www.spiegel.de/politik/b", "spiegel.de"),
    "none": ("", "https://www.faz.net/c", "faz.net"),
    "named": ("ZEIT ONLINE", "https://www.zeit.de/d", "ZEIT ONLINE"),
}


@pytest.mark.parametrize(("source", "url", "shown"), list(SOURCES.values()))
def test_source_label(source: str, url: str, shown: str) -> None:
    assert source_label(Document(id="x", title="T", body="B", source=source, url=url)) == shown


def test_source_label_of_odd_values() -> None:
    def label(source: str, url: str = "") -> str:
        return source_label(Document(id="x", title="T", body="B", source=source, url=url))

    assert label("www.zeit.de") == "zeit.de"
    assert label("http://Nachrichten.Example:8080/feed.xml") == "nachrichten.example"
    assert label("artikel.html", "javascript:alert(1)") == ""  # no host of anything but http(s)
    assert label("file:///daten/feed.rss") == ""
    assert label("https://xn--mnchen-3ya.de/feed") == "münchen.de"
    assert label("Deutsche Presse-Agentur") == "Deutsche Presse-Agentur"


@pytest.fixture(scope="module")
def sourced(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    path = tmp_path_factory.mktemp("sources") / "index"
    index = Index(path, create=True)
    docs = [
        Document(
            id=doc_id, title=f"Haushaltsstreit im Bundestag {doc_id}", url=url, source=source,
            body="Der Bundestag streitet über den Haushalt und die Schuldenbremse der Regierung.",
            published=PubDate.from_iso(f"2025-03-{day:02d}"), entities=[Entity("Anna Beispiel", EntityType.PERSON)],
        )
        for day, (doc_id, (source, url, _)) in enumerate(SOURCES.items(), start=1)
    ]
    assert index.add(docs).added == len(docs)
    index.close()
    return create_app(index_path=path, LOG_REQUESTS=False).test_client()


def raw_sources_absent(html: str) -> None:
    for raw in (FEED, "https://www.zeit.de/index", "test.csv", "export.JSONL"):
        assert raw not in html, raw


def test_hits_name_the_publisher_not_the_feed_or_the_file(sourced: FlaskClient) -> None:
    html = html_of(sourced, "/?q=Haushalt&per_page=20")
    raw_sources_absent(html)
    metas = {
        re.search(r"Bundestag (\w+)", hit).group(1): text_of(re.search(r'<p class="meta">(.*?)</p>', hit, re.DOTALL).group(1))
        for hit in html.split('<li class="hit">')[1:]
    }
    assert set(metas) == set(SOURCES)
    for doc_id, (_, _, shown) in SOURCES.items():
        assert metas[doc_id].endswith(f"2025 · {shown}" if shown else "2025"), metas[doc_id]


def test_document_page_and_its_sidebar_name_the_publisher(sourced: FlaskClient) -> None:
    html = html_of(sourced, "/dokument/feed")
    raw_sources_absent(html)
    meta = text_of(re.search(r'<p class="meta">(.*?)</p>', html, re.DOTALL).group(1))
    assert meta == "1. März 2025 · tagesschau.de"
    similar = html.split('id="similar-heading"', 1)[1]
    shown = re.findall(r'<span class="source">([^<]*)</span>', similar)
    assert shown and set(shown) <= {s for _, _, s in SOURCES.values() if s}
    assert '<span class="source"></span>' not in html and "· </span>" not in similar


def test_entity_page_names_the_publisher(sourced: FlaskClient) -> None:
    html = html_of(sourced, "/entitaet/person/Anna Beispiel")
    raw_sources_absent(html)
    docs = html.split('<ol class="docs">', 1)[1].split("</ol>", 1)[0]
    assert sorted(re.findall(r'<span class="source">([^<]*)</span>', docs)) == sorted(
        s for _, _, s in SOURCES.values() if s)
    assert "<time" in docs and 'class="docmeta"' in docs


def test_demo_articles_show_no_input_file_name(client: FlaskClient) -> None:
    """The demo corpus is read from .txt and .csv files: none of them is a publisher."""
    html = html_of(client, "/?per_page=50")
    assert not re.search(r"\.(txt|csv)\b", text_of(html.split('<ol class="hits"', 1)[1].split("</ol>", 1)[0]))


# 2. Pagination: first and last page, "Seite N von M"

def test_page_numbers() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 4) == [1, 2, 3, 4]
    assert page_numbers(1, 32) == [1, 2, 3, None, 32]
    assert page_numbers(260, 519) == [1, None, 258, 259, 260, 261, 262, None, 519]
    assert page_numbers(4, 8) == [1, 2, 3, 4, 5, 6, 7, 8]  # a gap of one page is that page
    assert page_numbers(519, 519) == [1, None, 517, 518, 519]
    assert page_numbers(99, 5) == [1, 2, 3, 4, 5]  # beyond the last: the last pages
    assert page_numbers(1, 0) == []


def pagination(html: str) -> str:
    match = re.search(r'<nav class="pagination" aria-label="Seiten">(.*?)</nav>', html, re.DOTALL)
    assert match, "a pagination landmark named Seiten"
    return match.group(1)


def test_a_deep_page_links_to_the_first_and_the_last(client: FlaskClient) -> None:
    pages = client.get("/api/search?per_page=1").get_json()["pages"]
    assert pages >= 20
    nav = pagination(html_of(client, "/?per_page=1&page=10"))
    links = {text_of(a): parse_qs(urlsplit(href).query)["page"][0]
             for href, a in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.DOTALL)}
    assert links["Erste Seite, Seite 1"] == "1"
    assert links[f"Letzte Seite, Seite {pages}"] == str(pages)
    assert links["Seite 8"] == "8" and links["Seite 12"] == "12" and "Seite 7" not in links
    assert nav.count('<li class="gap" aria-hidden="true">…</li>') == 2
    assert re.search(r'<span aria-current="page"><span class="visually-hidden">Seite </span>10</span>', nav)
    assert f"Seite 10 von {pages}" in nav


def test_the_first_page_tells_how_many_pages_there_are(client: FlaskClient) -> None:
    pages = client.get("/api/search?per_page=1").get_json()["pages"]
    nav = pagination(html_of(client, "/?per_page=1"))
    assert f'<p class="pagecount">Seite 1 von {pages}</p>' in nav
    assert f"Letzte Seite, Seite </span>{pages}</a>" in nav and "‹ Zurück" not in nav
    assert "Erste Seite" not in nav  # page 1 is the current one
    last = pagination(html_of(client, f"/?per_page=1&page={pages}"))
    assert "Weiter ›" not in last and "Erste Seite, Seite </span>1</a>" in last


def test_the_last_page_link_stays_within_the_result_depth(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hits beyond the result depth are refused: the last page linked is the last one that
    opens (with 3 hits a page and a depth of 10, page 3, not page 4: 12 > 10 is a 400)."""
    monkeypatch.setattr(searchkit.request, "MAX_RESULT_DEPTH", 10)
    monkeypatch.setattr(server.pages, "MAX_RESULT_DEPTH", 10)
    # a page past the depth is a page past the last one (a 400 until a review of 2026-12-07)
    past = client.get("/?per_page=3&page=4")
    assert past.status_code == 200 and "Seite 4 gibt es nicht" in past.get_data(as_text=True)
    assert "Zur letzten Seite (3)" in past.get_data(as_text=True)
    html = html_of(client, "/?per_page=3&page=2")
    nav = pagination(html)
    assert "Seite 2 von 3" in nav and "Letzte Seite, Seite </span>3</a>" in nav and ">4</a>" not in nav
    assert "Treffer nach Platz 10 werden nicht angezeigt" in nav
    last = pagination(html_of(client, "/?per_page=3&page=3"))
    assert "Weiter ›" not in last
    monkeypatch.setattr(searchkit.request, "MAX_RESULT_DEPTH", 10_000)
    monkeypatch.setattr(server.pages, "MAX_RESULT_DEPTH", 10_000)
    assert "nicht angezeigt" not in html_of(client, "/?per_page=3")


# 3. No note about some of the words above "Keine Treffer"

def test_no_any_word_note_without_hits(client: FlaskClient) -> None:
    note = "nicht alle Wörter gefunden"
    for url in ("/?q=xyzzy+qwvvv", "/?q=xyzzy+qwvvv&person=Olaf+Scholz"):
        html = html_of(client, url)
        assert "Keine Treffer" in html and note not in html, url
    assert note in html_of(client, "/?q=Baku+Xylophonkonzert")


# 4. A quoted query in one pair of quotation marks

def test_quoted_query() -> None:
    assert quoted_query("Türkei") == "„Türkei“"
    assert quoted_query('"Europäische Union"') == "„Europäische Union“"
    assert quoted_query("„Europäische Union“") == "„Europäische Union“"
    assert quoted_query("»Europäische Union«") == "„Europäische Union“"
    assert quoted_query('"Europäische Union" Brüssel') == '"Europäische Union" Brüssel'
    assert quoted_query('"a" "b"') == '"a" "b"'  # two phrases, not one: as typed
    assert quoted_query('""') == '""'
    assert quoted_query('"' + "Wort " * 30 + '"').endswith("…“")


@pytest.mark.parametrize("typed", ["„Europäische Union“", '"Europäische Union"'])
def test_a_quoted_query_is_echoed_in_one_pair_of_quotes(client: FlaskClient, typed: str) -> None:
    html = html_of(client, "/", query_string={"q": typed})
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert title == "„Europäische Union“ – searchkit"
    echo = re.search(r'<span class="echo">(.*?)</span>', html).group(1)
    assert echo == "„Europäische Union“"
    assert "„„" not in html and "““" not in html and '„"' not in html


def test_every_quoted_search_tip_is_echoed_once(client: FlaskClient) -> None:
    tips = html_of(client, "/").split('<details class="searchtips">', 1)[1].split("</details>", 1)[0]
    for href in re.findall(r'href="([^"]+)"', tips):
        html = html_of(client, href)
        assert "„„" not in html and '„"' not in html, href


# 5. An unknown entity name

def test_unknown_entity_name_says_what_is_true(client: FlaskClient) -> None:
    html = html_of(client, "/entitaet/person/Bahn", 404)
    main = text_of(re.search(r"<main.*?</main>", html, re.DOTALL).group(0))
    assert "Keine Person namens „Bahn“ gefunden. Meinten Sie:" in main
    assert "Kein Artikel erwähnt" not in main and "Gemeint" not in main
    candidates = re.search(r'<ul class="candidates" aria-labelledby="candidates-label">(.*?)</ul>', html, re.DOTALL)
    assert candidates and "Deutsche Bahn (Organisation)" in text_of(candidates.group(1))
    assert '<p id="candidates-label">Meinten Sie:</p>' in html
    # the candidates are links, not also a list in the sentence above them
    assert main.count("Deutsche Bahn") == 1
    assert "Kein Ort namens „Bahn“ gefunden." in html_of(client, "/entitaet/ort/Bahn", 404)
    org = html_of(client, "/entitaet/organisation/Bahn", 404)
    assert "Keine Organisation namens „Bahn“ gefunden." in org and "(Organisation)" not in org
    none = html_of(client, "/entitaet/person/Zzzz", 404)
    assert "Keine Person namens „Zzzz“ gefunden." in none and "Meinten Sie" not in none


def test_unknown_entity_name_in_the_api_and_the_library(client: FlaskClient, demo_index) -> None:  # type: ignore[no-untyped-def]
    message = client.get("/api/entities/person/Bahn").get_json()["error"]["message"]
    assert message.startswith("no person named 'Bahn'; did you mean: Deutsche Bahn")
    assert client.get("/api/entities/place/Zzzz").get_json()["error"]["message"] == "no place named 'Zzzz'"
    with pytest.raises(DocumentNotFoundError) as error:
        demo_index.entity("organisation", "Bahn")
    assert error.value.german.startswith("Keine Organisation namens „Bahn“ gefunden. Meinten Sie: ")
