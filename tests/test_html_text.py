"""The HTML reader keeps the article text: boilerplate hints are whole words of class/id, the
element holding the article is never dropped, and text directly in containers is collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchkit import read_file
from searchkit.model import Document


def read_html(tmp_path: Path, body: str) -> Document:
    """One document from a page with ``body`` as the content of its ``<body>`` element."""
    path = tmp_path / "seite.html"
    path.write_text(f"<!doctype html><html><head><title>Seite</title></head>{body}</html>", encoding="utf-8")
    (doc,) = read_file(path)
    return doc


TWO_PARAGRAPHS = "<p>Der erste Absatz.</p><p>Der zweite Absatz.</p>"


@pytest.mark.parametrize("body", [
    # found by a review: a hint word inside a longer class dropped the element holding the text
    f'<body class="has-sticky-header"><h1>Titel</h1>{TWO_PARAGRAPHS}</body>',
    f'<body><div class="content-with-sidebar-navigation-layout"><article><h1>Titel</h1>{TWO_PARAGRAPHS}</article></div></body>',
    f'<body><article class="article-meta-wrapper"><h1>Titel</h1>{TWO_PARAGRAPHS}</article></body>',
    # teasers in a related box are not the article
    f'<body><div class="related"><article><p>Ein Teaser.</p></article></div><article><h1>Titel</h1>{TWO_PARAGRAPHS}</article></body>',
    # a marked layout wrapper holding the text inside an article or main stays (found by a review)
    f'<body><article><h1>Titel</h1><div class="paywall-content">{TWO_PARAGRAPHS}</div></article></body>',
    f'<body><main><h1>Titel</h1><div class="layout-with-subnav">{TWO_PARAGRAPHS}</div></main></body>',
    # "navigator" is not "nav", "headline" is not "header": only whole words of a class are hints
    '<body><article><h1>Titel</h1><p class="headline-intro">Der erste Absatz.</p>'
    '<div class="navigator-text">Der zweite Absatz.</div><div class="byline">Von Redaktion</div></article></body>',
])
def test_the_element_holding_the_article_is_never_dropped(tmp_path: Path, body: str) -> None:
    doc = read_html(tmp_path, body)
    assert (doc.title, doc.lead, doc.body) == ("Titel", "Der erste Absatz.", "Der zweite Absatz.")


@pytest.mark.parametrize(("body", "expected"), [
    # text directly in a container: a <div> split at <br>, and <section>s (found by a review)
    ('<body><article><h1>T</h1><div class="text">Erster Satz.<br><br>Zweiter Satz.</div></article></body>',
     ("T", "Erster Satz.", "Zweiter Satz.")),
    ("<body><main><h1>Meldung</h1><section>Erster Absatz der Meldung.</section>"
     "<section>Zweiter Absatz der Meldung.</section></main></body>",
     ("Meldung", "Erster Absatz der Meldung.", "Zweiter Absatz der Meldung.")),
])
def test_text_directly_in_a_container_is_collected(tmp_path: Path, body: str, expected: tuple[str, str, str]) -> None:
    doc = read_html(tmp_path, body)
    assert (doc.title, doc.lead, doc.body) == expected


def test_nested_blocks_are_collected_once_and_br_in_a_paragraph_is_a_space(tmp_path: Path) -> None:
    doc = read_html(
        tmp_path,
        "<body><article><h1>T</h1><div>Direkt im <b>div</b>.<p>Ein Absatz.</p>Nach dem Absatz."
        "<ul><li><p>Ein Punkt.</p></li></ul><p>Erste Zeile,<br>zweite Zeile.</p></div></article></body>",
    )
    assert doc.lead == "Direkt im div."
    assert doc.body.split("\n\n") == ["Ein Absatz.", "Nach dem Absatz.", "Ein Punkt.", "Erste Zeile, zweite Zeile."]


def test_blank_lines_in_the_html_source_do_not_split_a_paragraph(tmp_path: Path) -> None:
    doc = read_html(tmp_path, "<body><article><h1>T</h1><p>Ein Satz,\n\n  der weitergeht.</p><p>Zwei.</p></article></body>")
    assert (doc.lead, doc.body) == ("Ein Satz, der weitergeht.", "Zwei.")


BOILERPLATE = """<body class="has-sticky-header">
<nav class="main-navigation"><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politikressort</a></li></ul></nav>
<div id="cookie-banner">Wir verwenden Cookies.</div>
<div class="page-layout-with-header">
<article><h1>Titel</h1><div class="text">Der erste Absatz.<br><br>Der zweite Absatz.</div>
<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twittern</a></div>
<div class="shareBar">Per Mail versenden</div>
<div class="related-articles"><h2>Zum Thema</h2><ul><li><a href="/x">Ein anderer Artikel</a></li></ul></div>
</article>
<div class="comments">Ein Leserkommentar.</div>
</div>
<footer><p>Impressum Datenschutz</p></footer>
</body>"""


def test_boilerplate_is_still_removed(tmp_path: Path) -> None:
    doc = read_html(tmp_path, BOILERPLATE)
    assert (doc.title, doc.lead, doc.body) == ("Titel", "Der erste Absatz.", "Der zweite Absatz.")
    for junk in ("Startseite", "Politikressort", "Cookies", "Facebook", "Twittern", "Mail", "Zum Thema", "anderer", "Leser", "Impressum"):
        assert junk not in doc.text, junk


def test_boilerplate_in_a_page_without_article_or_main(tmp_path: Path) -> None:
    doc = read_html(
        tmp_path,
        '<body><nav><a href="/">Startseite</a></nav><h1>Titel</h1><div class="text">Der erste Absatz.<br>'
        'Der zweite Absatz.</div><div class="share-buttons">Teilen Twittern</div><footer>Impressum</footer></body>',
    )
    assert (doc.lead, doc.body) == ("Der erste Absatz.", "Der zweite Absatz.")
    assert "Startseite" not in doc.text and "Twittern" not in doc.text and "Impressum" not in doc.text



LONG_COMMENTS = "".join(f"<p>Leser {i}: Das ist doch alles Unsinn, schreibt ein Kommentator lang und breit.</p>" for i in range(8))
LONG_RELATED = "".join(f"<li><a href='/a{i}'>Weiterer Artikel {i}: Regierung plant weitere Reformen</a></li>" for i in range(8))
LONG_MENU = "<ul>" + "".join(f"<li><a href='/r{i}'>Rubrik {i} Politik Wirtschaft Sport Kultur</a></li>" for i in range(20)) + "</ul>"


@pytest.mark.parametrize("body", [
    # found by a review of the first fix: long boilerplate was kept as "most of the text", and
    # class names written as one word were no longer recognised
    f'<body><article><h1>Titel</h1>{TWO_PARAGRAPHS}<section id="comments">{LONG_COMMENTS}</section></article></body>',
    f'<body><article><h1>Titel</h1>{TWO_PARAGRAPHS}<ul class="related">{LONG_RELATED}</ul></article></body>',
    f'<body><div class="menu">{LONG_MENU}</div><h1>Titel</h1>{TWO_PARAGRAPHS}</body>',
    f'<body><h1>Titel</h1>{TWO_PARAGRAPHS}<div class="comments">{LONG_COMMENTS}</div></body>',  # no article
    f'<body><article><h1>Titel</h1>{TWO_PARAGRAPHS}<div id="cookiebanner">Wir verwenden Cookies.</div></article></body>',
    f'<body><article><h1>Titel</h1>{TWO_PARAGRAPHS}<div class="socialshare">Jetzt teilen</div>'
    '<div class="advertising">Jetzt Angebot sichern</div><div class="sitefooter">Impressum</div></article></body>',
])
def test_long_or_one_word_boilerplate_is_removed(tmp_path: Path, body: str) -> None:
    doc = read_html(tmp_path, body)
    assert (doc.title, doc.lead, doc.body) == ("Titel", "Der erste Absatz.", "Der zweite Absatz.")
