"""The web page in a real headless Chromium (Debian's package, driven by Playwright).

Skips with the reason when no Chromium is installed; `.ci/run` installs it, so CI always runs
these. Screenshots of the result page and the document page are written to docs/screenshots/.
The page needs no JavaScript, so most tests run with JavaScript off; the accessibility check
injects axe-core (shipped in the PyPI package ``axe-playwright-python``) into a context that
bypasses the page's Content-Security-Policy.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from searchkit import Document, Entity, EntityType, Index, PubDate
from server import create_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("engine")]

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ATTACK = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SEARCHKIT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def base_url(demo_index_path: Path) -> Iterator[str]:
    yield from serve(create_app(index_path=demo_index_path, LOG_REQUESTS=False))


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An index whose only documents carry markup in every field a user could control."""
    path = tmp_path_factory.mktemp("hostile") / "index"
    index = Index(path, create=True)
    hostile = Document(
        id="hostile-1",
        title=f"Angriff {ATTACK}",
        lead=f"Vorspann {ATTACK}",
        body=f"Absatz eins {ATTACK}\n\nAbsatz zwei über Angriff und Abwehr.",
        url="javascript:alert(3)",
        source=f"Quelle {ATTACK}",
        published=PubDate.from_iso("2025-03-10"),
        entities=[Entity(f"Böse {ATTACK}", EntityType.PERSON), Entity("Berlin", EntityType.PLACE)],
    )
    harmless = Document(id="harmless-1", title="Abwehr eines Angriffs", body="Ein Angriff wurde abgewehrt.")
    report = index.add([hostile, harmless])
    assert report.added == 2, report
    index.close()
    yield from serve(create_app(index_path=path, LOG_REQUESTS=False))


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test extra")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = base_url
    yield page
    context.close()


def hit_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".hit h2").all_inner_texts()


def total(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator(".summary").inner_text().split()[0])


def test_search_facet_filter_and_removal(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/")
    page.get_by_label("Suchbegriff").fill("Türkei")
    page.get_by_role("button", name="Suchen").click()
    assert page.get_by_label("Suchbegriff").input_value() == "Türkei"
    assert "Treffer" in page.locator(".summary").inner_text()
    total_before = total(page)
    assert total_before > 0 and page.locator(".hit mark").count() > 0
    first = page.locator(".hit").first
    assert first.locator("h2 a").inner_text() and first.locator(".meta").inner_text()

    year_link = page.locator("#facet-year li a").first
    year_label = year_link.locator(".label").inner_text()
    year_count = int(year_link.locator(".count").inner_text().split()[0])
    year_link.click()
    assert total(page) == year_count
    chip = page.locator(".chip", has_text=year_label)
    assert chip.count() == 1
    assert page.locator("#facet-year a.selected").count() == 1

    # Multi-select inside a facet: a second place adds hits (OR), the chips show both.
    places = page.locator("#facet-place li a:not(.selected)")
    if places.count() >= 1:
        place_label = places.first.locator(".label").inner_text()
        places.first.click()
        assert page.locator(".chip").count() == 2
        assert page.locator(".chip", has_text=place_label).count() == 1
        page.locator(".chip", has_text=place_label).get_by_role("link").click()
    assert page.locator(".chip").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "results.png"), full_page=True)

    chip.get_by_role("link").click()
    assert total(page) == total_before
    assert page.locator(".chip").count() == 0
    assert page.get_by_label("Suchbegriff").input_value() == "Türkei"


def test_sort_links(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/?q=Türkei")
    sort = page.get_by_role("navigation", name="Sortierung")
    assert sort.locator("[aria-current]").inner_text() == "Relevanz"
    sort.get_by_role("link", name="Neueste zuerst").click()
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert dates == sorted(dates, reverse=True)
    sort = page.get_by_role("navigation", name="Sortierung")
    sort.get_by_role("link", name="Älteste zuerst").click()
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert dates == sorted(dates)
    # A new search from the form keeps the chosen sort.
    page.get_by_label("Suchbegriff").fill("Erdogan")
    page.get_by_role("button", name="Suchen").click()
    assert "sort=date_asc" in page.url


def test_pagination_moves_through_all_hits(page) -> None:  # type: ignore[no-untyped-def]
    check_pagination(page)


def check_pagination(page) -> None:  # type: ignore[no-untyped-def]
    """Page 2 of the hits and back. A click returns once its navigation has begun, not when the
    next page is there: the hits are read after the new page has loaded (``wait_for_url`` waits
    for its load event). Read at once, they came from page 1 when the server answered late (a
    failure under load, 2026-12)."""
    page.goto(page.base + "/?sort=date_desc")
    first = hit_titles(page)
    assert len(first) == 10
    pages = page.get_by_role("navigation", name="Seiten")
    pages.get_by_role("link", name="Weiter ›").click()
    page.wait_for_url(re.compile(r"[?&]page=2(?:&|$)"))
    second = hit_titles(page)
    assert second and not set(first) & set(second)
    assert page.locator(".pagination [aria-current=page]").inner_text().endswith("2")
    page.get_by_role("navigation", name="Seiten").get_by_role("link", name="‹ Zurück").click()
    page.wait_for_url(re.compile(r"[?&]page=1(?:&|$)"))
    assert page.locator(".pagination [aria-current=page]").inner_text().endswith("1")
    assert hit_titles(page) == first


@pytest.fixture(scope="module")
def slow_base_url(demo_index_path: Path) -> Iterator[str]:
    """The demo served as under load: a page of hits asked for by its number arrives in two
    parts, the second a second late (the browser shows the first part meanwhile)."""
    app = create_app(index_path=demo_index_path, LOG_REQUESTS=False)
    wsgi = app.wsgi_app

    def late(environ, start_response):  # type: ignore[no-untyped-def]
        body = b"".join(wsgi(environ, start_response))
        if not re.search(r"(?:^|&)page=", environ.get("QUERY_STRING", "")):
            return [body]

        def parts() -> Iterator[bytes]:
            yield body[: len(body) // 2]
            time.sleep(1)
            yield body[len(body) // 2 :]

        return parts()

    app.wsgi_app = late  # type: ignore[method-assign]
    yield from serve(app)


def test_pagination_waits_for_a_slow_server(browser, slow_base_url) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = slow_base_url
    try:
        check_pagination(page)
    finally:
        context.close()


def test_facet_show_more_and_less(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/")
    section = page.locator("section.facet").filter(has=page.get_by_role("link", name="mehr anzeigen")).first
    assert section.count() == 1, "the whole demo corpus has more than ten values in some facet"
    facet_id = section.get_attribute("id")
    before = section.locator("li").count()
    section.get_by_role("link", name="mehr anzeigen").click()
    expanded = page.locator(f"#{facet_id} li").count()
    assert expanded > before
    # a long list has "weniger anzeigen" above and below it
    less = page.locator(f"#{facet_id}").get_by_role("link", name="weniger anzeigen")
    assert less.count() == (2 if expanded > 20 else 1)
    # Other facets stay short, and a filter chosen in the expanded list keeps it expanded.
    page.locator(f"#{facet_id} li a").nth(expanded - 1).click()
    assert page.locator(".chip").count() == 1
    assert less.count() >= 1
    less.first.click()
    assert page.locator(f"#{facet_id} li").count() <= before + 1


def test_document_page_with_entities_and_similar(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/?q=Erdogan")
    title = page.locator(".hit h2 a").first.inner_text()
    page.locator(".hit h2 a").first.click()
    assert page.locator("h1").inner_text() == title
    assert page.locator("article p").count() >= 2
    similar = page.get_by_role("region", name="Ähnliche Artikel")
    assert similar.locator("li a").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "document.png"), full_page=True)

    other = similar.locator("li a").first.inner_text()
    similar.locator("li a").first.click()
    assert page.locator("h1").inner_text() == other != title
    page.go_back()

    entity = page.locator(".entities li").first
    assert entity.count() == 1, "demo articles about Erdogan have entities"
    name = entity.locator("a").first.inner_text()
    entity.locator("a.entity-search").click()
    assert page.locator(".chip").count() == 1 and name in page.locator(".chip").inner_text()
    assert total(page) >= 1
    page.go_back()
    # The name itself leads to the entity page: its articles newest first, and who appears with it.
    page.locator(".entities li").first.locator("a").first.click()
    assert page.locator("h1").inner_text() == name
    dates = page.locator(".docs time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert dates == sorted(dates, reverse=True)
    other = page.get_by_role("complementary", name="Oft zusammen genannt").locator("li a:not(.together)").first
    other_name = other.inner_text()
    other.click()
    assert page.locator("h1").inner_text() == other_name


def test_date_range_fields_filter_and_bad_dates_explain(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/?q=Türkei")
    everything = total(page)
    page.get_by_label("Von", exact=True).fill("2024")
    page.get_by_label("Bis", exact=True).fill("2024-12-31")
    page.get_by_role("button", name="Suchen", exact=True).click()
    assert "from=2024" in page.url and "to=2024-12-31" in page.url
    ranged = total(page)
    assert 0 < ranged < everything
    assert "Zeitraum" in page.locator(".chip").inner_text()
    assert page.get_by_label("Von", exact=True).input_value() == "2024"
    assert page.locator(".histogram figcaption").inner_text().startswith("Treffer pro Monat 2024")
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert dates and all(d.startswith("2024") for d in dates)
    # A date that does not exist: the same page, the message, the value still there to fix.
    page.get_by_label("Bis", exact=True).fill("31.02.2025")
    response_status = []
    page.on("response", lambda r: response_status.append(r.status) if "to=31.02.2025" in r.url else None)
    page.get_by_role("button", name="Suchen", exact=True).click()
    assert response_status == [400]
    assert "gibt es im Kalender nicht" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Bis", exact=True).input_value() == "31.02.2025"
    assert page.get_by_label("Suchbegriff").input_value() == "Türkei"


def test_histogram_bar_narrows_the_search(browser, base_url) -> None:  # type: ignore[no-untyped-def]
    for width in (1200, 375):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE", java_script_enabled=False)
        page = context.new_page()
        page.goto(base_url + "/?q=Scholz")
        before = total(page)
        bars = page.locator(".histogram a.bar-link")
        assert bars.count() >= 2
        label = bars.first.get_attribute("aria-label")
        year, count = label.split(":")[0], int(label.split(": ")[1].split()[0])
        box = bars.first.bounding_box()
        assert box and box["width"] >= 15 and box["height"] >= 40, box
        bars.first.click()
        assert f"year={year}" in page.url
        assert total(page) == count < before
        assert page.locator(".histogram figcaption").inner_text().startswith(f"Treffer pro Monat {year}")
        month_bar = page.locator(".histogram a.bar-link").first
        month_count = int(month_bar.get_attribute("aria-label").split(": ")[1].split()[0])
        month_bar.click()
        assert total(page) == month_count
        assert page.locator(".histogram a.bar-link.selected").count() == 1
        page.screenshot(path=str(Path("/tmp") / f"histogram-{width}.png"), full_page=True)
        context.close()


def test_facet_value_search_finds_a_name(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/")
    facet = page.locator("#facet-person")
    facet.get_by_label("Name suchen").fill("Erd")
    facet.get_by_role("button", name="Finden").click()
    assert "person_suche=Erd" in page.url
    found = page.locator("#facet-person .found a", has_text="Erdoğan")
    count = int(found.locator(".count").inner_text().split()[0])
    found.click()
    assert total(page) == count
    assert "Erdoğan" in page.locator(".chip").inner_text()


def test_xss_attempts_in_the_query_are_shown_as_text(page) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for attack in ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', ATTACK):
        page.goto(page.base + "/")
        page.get_by_label("Suchbegriff").fill(attack)
        page.get_by_role("button", name="Suchen").click()
        assert page.get_by_label("Suchbegriff").input_value() == attack
        assert page.locator("img[src=x]").count() == 0 and page.locator("body script").count() == 0
    assert dialogs == []


def test_xss_in_document_title_source_and_entity_is_shown_as_text(browser, hostile_url) -> None:  # type: ignore[no-untyped-def]
    # JavaScript on: if anything were injected, it would run and open a dialog.
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_url + "/?q=Vorspann")
    assert page.locator(".hit h2").inner_text() == f"Angriff {ATTACK}"
    # the snippet is a window around the match: the markup it shows must be text
    assert "<script>alert(1)</script>" in page.locator(".hit .snippet").inner_text()
    assert ATTACK in page.locator(".hit .meta").inner_text()
    assert page.locator("#facet-person .label", has_text="Böse").inner_text().endswith(ATTACK)
    page.locator("#facet-person li a").first.click()
    assert ATTACK in page.locator(".chip").first.inner_text()
    page.goto(hostile_url + "/dokument/hostile-1")
    assert page.locator("h1").inner_text() == f"Angriff {ATTACK}"
    assert ATTACK in page.locator(".entities").inner_text()
    assert page.locator("a[href^='javascript:']").count() == 0
    page.locator(".entities li", has_text="Böse").locator("a.entity-search").click()
    assert total(page) == 1
    page.go_back()
    page.locator(".entities a:not(.entity-search)", has_text="Böse").click()
    assert page.locator("h1").inner_text() == f"Böse {ATTACK}"
    assert page.locator("img[src=x]").count() == 0 and page.locator("body script").count() == 0
    assert dialogs == []
    context.close()


def test_keyboard_skip_link_and_search(browser, base_url) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    page.wait_for_url("**#inhalt")  # the fragment navigation may land after the key press returns
    page.get_by_label("Suchbegriff").focus()
    page.keyboard.type("Baku")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=Baku*")
    assert total(page) >= 1
    context.close()


AXE_PAGES = {
    1200: [
        "/", "/?q=Türkei&sort=date_desc&mehr=place", "/?q=xyzzyqwertz", "/api", "/?page=abc", "/?q=Erdogn",
        "/?year=2024&month=2024-07", "/?person_suche=erd", "/?to=31.02.2025", "/entitaet/person/Olaf Scholz",
    ],
    375: ["/?q=Türkei", "/api", "/entitaet/place/Berlin"],
}


def run_axe(page) -> list[dict]:  # type: ignore[no-untyped-def]
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is a test extra")
    results = axe.Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1200, 375])
def test_axe_finds_no_serious_violations(browser, base_url, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + "/?q=Erdogan")
    doc_url = page.locator(".hit h2 a").first.get_attribute("href")
    problems = {}
    for path in AXE_PAGES[width] + [doc_url]:
        page.goto(base_url + path)
        serious = run_axe(page)
        if serious:
            problems[path] = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    context.close()
    assert problems == {}


def test_phone_width_has_no_horizontal_scroll(browser, base_url) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=True)
    page = context.new_page()
    page.goto(base_url + "/?q=Erdogan")
    doc_url = page.locator(".hit h2 a").first.get_attribute("href")
    for path in ("/?q=Baku", "/?q=Türkei&mehr=place", doc_url, "/api", "/?year=2024", "/?person_suche=erd",
                 "/entitaet/person/Olaf Scholz", "/?to=31.02.2025", "/?q=Verteidigungsausgabenerhöhungsbeschluss",
                 "/?q=" + "x" * 200):
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 380, path
    context.close()


def test_a_long_word_in_the_query_does_not_widen_the_page(browser, base_url) -> None:  # type: ignore[no-untyped-def]
    # a long German compound in the summary ("… Treffer für „…“") made the page scroll sideways
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/?q=" + "Verteidigungsausgabenerhöhungsbeschluss" * 5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200
    context.close()


def test_back_from_a_document_returns_to_the_same_hits(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/?q=Türkei")
    page.get_by_role("navigation", name="Sortierung").get_by_role("link", name="Neueste zuerst").click()
    results_url = page.url
    titles = hit_titles(page)
    page.locator(".hit h2 a").nth(1).click()
    page.get_by_role("link", name="‹ Zurück zu den Treffern").click()
    assert page.url == results_url and hit_titles(page) == titles
