"""The layout of what a review of the page on real articles changed, in headless Chromium (see
test_browser.py, whose fixtures this uses): a long source moves to the next line whole instead
of breaking after the date mid-word, and the pagination with its first and last page fits a
phone's width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_browser import browser, serve  # noqa: F401  (the fixture)

from searchkit import Document, Entity, EntityType, Index, PubDate
from server import create_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("engine")]

LONG_HOST = "https://www.sehr-lange-nachrichten-adresse-einer-regionalzeitung.example/feed/"
LONG_NAME = "Nachrichtenagentur für Wirtschaft, Politik und Kultur in Rheinland-Pfalz"


@pytest.fixture(scope="module")
def long_sources_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("long-sources") / "index"
    index = Index(path, create=True)
    docs = [
        Document(
            id=f"d{i}", title=f"Haushaltsstreit im Bundestag {i}", source=source,
            body="Der Bundestag streitet über den Haushalt und die Schuldenbremse der Regierung.",
            published=PubDate.from_iso(f"2025-03-{i + 1:02d}"), entities=[Entity("Anna Beispiel", EntityType.PERSON)],
        )
        for i, source in enumerate([LONG_HOST, LONG_NAME] * 8)
    ]
    assert index.add(docs).added == len(docs)
    index.close()
    yield from serve(create_app(index_path=path, LOG_REQUESTS=False))


@pytest.mark.parametrize("width", [1200, 375])
def test_a_long_source_is_not_split_after_the_date(browser, long_sources_url, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    for path in ("/?q=Haushalt&per_page=3", "/dokument/d0", "/entitaet/person/Anna Beispiel"):
        page.goto(long_sources_url + path)
        sources = page.locator(".source")
        assert sources.count() >= 2, path
        texts = sources.all_inner_texts()
        assert "sehr-lange-nachrichten-adresse-einer-regionalzeitung.example" in texts, (path, texts)
        # one box each: on the date's line when it fits, else whole on the next line(s)
        rects = sources.evaluate_all("els => els.map(e => e.getClientRects().length)")
        assert rects == [1] * len(rects), (path, width, rects)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
    # the pagination with its first and last page fits a phone's width
    page.goto(long_sources_url + "/?q=Haushalt&per_page=1&page=8")
    nav = page.get_by_role("navigation", name="Seiten")
    assert nav.get_by_role("link", name="Erste Seite, Seite 1").count() == 1
    assert nav.get_by_role("link", name="Letzte Seite, Seite 16").count() == 1
    assert "Seite 8 von 16" in nav.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
