"""Found by a review of the readers (Dec 7): the HTML title taken from the site header's ``<h1>``
with the article's headline and teaser lost; CSV and JSON keys matched only in lower case and
not in German; a CSV without header taken for one with; ``true`` as an id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit import IngestError, read_file
from searchkit.ingest.html import parse_html, without_site_name
from searchkit.model import Document

RENTE = """<html><body>
<header class="site-header"><a href="/"><h1>Beispielzeitung</h1></a></header>
<main><article>
<header><h1>Kabinett beschließt Rentenpaket</h1>
<p>Die Bundesregierung hat das umstrittene Rentenpaket auf den Weg gebracht. Arbeitsministerin Bärbel Bas zeigte sich zufrieden.</p>
<time datetime="2025-08-06">6. August 2025</time></header>
<p>Das Rentenniveau soll bis 2031 bei 48 Prozent gehalten werden.</p>
<h2>Zum Thema</h2><ul><li><a href="/x">Junge Union kritisiert Rentenpläne</a></li><li><a href="/y">Was die Reform für Sie bedeutet</a></li></ul>
<p>Die Kosten trägt zum größten Teil der Bund.</p><p>Der Bundestag soll im Herbst abstimmen.</p><p>Die Opposition kündigte Widerstand an.</p>
</article></main></body></html>"""
TEASER = (
    "Die Bundesregierung hat das umstrittene Rentenpaket auf den Weg gebracht."
    " Arbeitsministerin Bärbel Bas zeigte sich zufrieden."
)
TEXT = "<p>Der erste Absatz.</p><p>Der zweite Absatz.</p>"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_one(path: Path) -> Document:
    (doc,) = read_file(path)
    return doc


def test_the_articles_own_header_gives_title_and_lead_not_the_site_header(tmp_path: Path) -> None:
    doc = read_one(write(tmp_path / "rente.html", RENTE))
    assert doc.title == "Kabinett beschließt Rentenpaket"
    assert doc.lead == TEASER
    assert doc.body.split("\n\n") == [
        "Das Rentenniveau soll bis 2031 bei 48 Prozent gehalten werden.",
        "Die Kosten trägt zum größten Teil der Bund.",
        "Der Bundestag soll im Herbst abstimmen.",
        "Die Opposition kündigte Widerstand an.",
    ]
    assert doc.published is not None and doc.published.value == "2025-08-06"
    for junk in ("Beispielzeitung", "Zum Thema", "Junge Union", "6. August"):
        assert junk not in doc.text, junk


@pytest.mark.parametrize("head", [
    "<title>Rente: Kabinett beschließt | Beispielzeitung</title>",
    '<meta property="og:title" content="Rente: Kabinett beschließt - Beispielzeitung">'
    '<meta property="og:site_name" content="Beispielzeitung">',
    '<meta property="og:title" content="Rente: Kabinett beschließt">'
    "<title>Beispielzeitung</title>",
])
def test_without_a_headline_in_the_article_the_page_title_without_the_site_name(tmp_path: Path, head: str) -> None:
    page = (f'<html><head>{head}</head><body><div class="site-header"><h1>Beispielzeitung</h1></div>'
            f"<article>{TEXT}</article></body></html>")
    doc = read_one(write(tmp_path / "seite.html", page))
    assert (doc.title, doc.lead, doc.body) == ("Rente: Kabinett beschließt", "Der erste Absatz.", "Der zweite Absatz.")


@pytest.mark.parametrize(("title", "names", "expected"), [
    ("Kabinett beschließt Rentenpaket | tagesschau.de", [], "Kabinett beschließt Rentenpaket"),
    ("Rentenpaket: Kabinett beschließt | ZEIT ONLINE", [], "Rentenpaket: Kabinett beschließt"),
    ("Rentenpaket: Kabinett beschließt - DER SPIEGEL", [], "Rentenpaket: Kabinett beschließt"),
    ("Kabinett beschließt - Inland - derStandard.at › Inland", [], "Kabinett beschließt"),
    ("Rente: Kabinett beschließt - Politik - SZ.de", [], "Rente: Kabinett beschließt"),
    ("Rente – Beispielzeitung", ["Beispielzeitung"], "Rente"),
    ("Rente - tagesschau", ["tagesschau.de"], "Rente"),
    # a dash or bar inside a headline stays
    ("Merz – der Kanzler", [], "Merz – der Kanzler"),
    ("Merz – Kanzler", [], "Merz – Kanzler"),
    ("Ukraine-Krieg | Selenskyj trifft Trump", [], "Ukraine-Krieg | Selenskyj trifft Trump"),
    ("Bund - Länder - Gipfel", [], "Bund - Länder - Gipfel"),
    # German capitalises its nouns: a few capitalised words after a bar are a headline's part
    # (a review), and one word in capitals an abbreviation
    ("Interview | Olaf Scholz", [], "Interview | Olaf Scholz"),
    ("Gaza | Israel", [], "Gaza | Israel"),
    ("Trump · Putin", [], "Trump · Putin"),
    ("Nahost | 12.10.2025", [], "Nahost | 12.10.2025"),
    ("Gaza | EU", [], "Gaza | EU"),
    ("Rente | Beispielzeitung", ["Beispielzeitung"], "Rente"),
    ("Wahlabend in Berlin", [], "Wahlabend in Berlin"),
])
def test_site_name_cut_from_a_page_title(title: str, names: list[str], expected: str) -> None:
    assert without_site_name(title, names) == expected


def test_a_kicker_in_the_headline_and_a_marked_article_header(tmp_path: Path) -> None:
    page = (
        '<html><body><header><h1><a href="/">ZEIT ONLINE</a></h1></header><main><article>'
        '<div class="article-header"><h1><span class="article-heading__kicker">Rentenpaket</span>'
        '<span class="article-heading__title">Kabinett beschließt Reform</span></h1>'
        "<p>Am <time>Mittwoch</time> fiel die Entscheidung.</p><time datetime='2025-08-06'>6. August 2025</time>"
        '<address>Von Anna Muster</address></div>'
        f"{TEXT}</article></main></body></html>"
    )
    doc = read_one(write(tmp_path / "zeit.html", page))
    assert doc.title == "Rentenpaket: Kabinett beschließt Reform"
    assert doc.lead == "Am Mittwoch fiel die Entscheidung."
    assert doc.body.split("\n\n") == ["Der erste Absatz.", "Der zweite Absatz."]


def test_an_h1_after_the_headline_heads_a_section(tmp_path: Path) -> None:
    page = f"<html><body><article><h1>Titel</h1>{TEXT}<h1>Die Reaktionen</h1><p>Kritik kam sofort.</p></article></body></html>"
    doc = read_one(write(tmp_path / "a.html", page))
    assert doc.title == "Titel"
    assert doc.body.split("\n\n") == ["Der zweite Absatz.", "Die Reaktionen", "Kritik kam sofort."]


def test_a_teaser_of_another_article_is_not_the_lead(tmp_path: Path) -> None:
    page = ('<html><body><aside><p class="teaser">Ein anderer Artikel.</p></aside>'
            f"<article><h1>Titel</h1>{TEXT}</article></body></html>")
    doc = read_one(write(tmp_path / "a.html", page))
    assert (doc.lead, doc.body) == ("Der erste Absatz.", "Der zweite Absatz.")


def test_a_related_heading_followed_by_prose_keeps_the_prose() -> None:
    page = ("<html><body><article><h1>T</h1><p>Eins.</p><h2>Mehr zum Thema</h2>"
            "<p>Die Debatte geht weiter, sagt <a href='/x'>die Ministerin</a>.</p><p>Zwei.</p><p>Drei.</p></article></body></html>")
    doc = parse_html(page, "a")
    assert "Die Debatte geht weiter, sagt die Ministerin." in doc.body.split("\n\n")


@pytest.mark.parametrize("content", [
    "ID,Title,Text,Date,URL\nx1,Rente beschlossen,Das Kabinett hat entschieden.,2025-08-06,https://example.org/x1\n",
    "\ufeff\"Id\";\"Titel\";\"Inhalt\";\"Datum\";\"Link\"\nx1;Rente beschlossen;Das Kabinett hat entschieden.;2025-08-06;https://example.org/x1\n",
])
def test_csv_columns_in_any_case_and_in_german(tmp_path: Path, content: str) -> None:
    doc = read_one(write(tmp_path / "a.csv", content))
    assert (doc.id, doc.title, doc.body, doc.url) == ("x1", "Rente beschlossen", "Das Kabinett hat entschieden.", "https://example.org/x1")
    assert doc.published is not None and doc.published.value == "2025-08-06"
    assert doc.metadata == {}


def test_german_csv_header_fills_title_date_lead_and_source(tmp_path: Path) -> None:
    content = "id;titel;vorspann;text;datum;quelle;ressort\nx1;Rente beschlossen;Ein Vorspann.;Der Text.;6. August 2025;Beispielzeitung;Inland\n"
    doc = read_one(write(tmp_path / "a.csv", content))
    assert (doc.title, doc.lead, doc.body, doc.source) == ("Rente beschlossen", "Ein Vorspann.", "Der Text.", "Beispielzeitung")
    assert doc.published is not None and doc.published.value == "2025-08-06"
    assert doc.metadata == {"ressort": "Inland"}


def test_jsonl_keys_in_any_case(tmp_path: Path) -> None:
    row = {"Id": "x1", "Title": "Rente beschlossen", "Text": "Das Kabinett hat entschieden.", "Date": "2025-08-06", "PubDate": "x"}
    doc = read_one(write(tmp_path / "a.jsonl", json.dumps(row) + "\n"))
    assert (doc.id, doc.title, doc.body) == ("x1", "Rente beschlossen", "Das Kabinett hat entschieden.")
    assert doc.published is not None and doc.published.value == "2025-08-06"
    assert doc.metadata == {}  # "PubDate" names the date too: not metadata, as "published" beside "date"


@pytest.mark.parametrize(("row", "body"), [
    ({"Text": "Groß.", "text": "Klein."}, "Klein."),  # the spelling as listed wins, wherever it stands
    ({"text": "Klein.", "Text": "Groß."}, "Klein."),
    ({"text": "", "Text": "Groß."}, "Groß."),  # an empty one is no text given
])
def test_one_key_in_two_spellings(tmp_path: Path, row: dict[str, str], body: str) -> None:
    doc = read_one(write(tmp_path / "a.jsonl", json.dumps({"id": "x", **row}) + "\n"))
    assert doc.body == body and doc.metadata == {}


def test_export_rows_still_read_back_exactly(tmp_path: Path) -> None:
    original = read_one(write(tmp_path / "a.jsonl", json.dumps(
        {"id": "a  b", "Title": "T", "text": "Der Text.", "datum": "2025-08", "Ressort": "Inland"}) + "\n"))
    exported = original.to_dict()
    back = read_one(write(tmp_path / "b.jsonl", json.dumps(exported, ensure_ascii=False) + "\n"))
    assert back.to_dict() == exported and back.metadata == {"Ressort": "Inland"}


@pytest.mark.parametrize("content", [
    "Der Präsident sprach in Wien,über die Lage\nZweite Zeile,mehr Text\n",
    "Kontext der Reform;Die Regierung plant viel\n",
    "Die Quellenlage,ist dünn\n",
])
def test_csv_without_header_is_refused_even_when_its_first_line_holds_a_key(tmp_path: Path, content: str) -> None:
    with pytest.raises(IngestError, match="CSV needs a header row naming its columns"):
        list(read_file(write(tmp_path / "a.csv", content)))


@pytest.mark.parametrize("flag", ["true", "false"])
def test_a_boolean_id_is_refused_by_row(tmp_path: Path, flag: str) -> None:
    path = write(tmp_path / "a.jsonl", f'{{"id": {flag}, "text": "Eins."}}\n{{"id": 7, "text": "Zwei."}}\n')
    docs: list[Document] = []
    with pytest.raises(IngestError, match=r"line 1: id must be a string or a number, not bool"):
        docs.extend(read_file(path))
    assert [d.id for d in docs] == ["7"]


# -- a page's time stamp ------------------------------------------------------------------------

STAMPED = """<html><head><title>Rente | tagesschau.de</title></head><body><main><article>
<h1>Kabinett beschließt Rentenpaket</h1>
<div class="metatextline">Stand: 06.08.2025 12:00 Uhr</div>
<p>Die Bundesregierung hat das umstrittene Rentenpaket auf den Weg gebracht.</p>
<p>Das Rentenniveau soll bis 2031 bei 48 Prozent gehalten werden.</p>
</article></main></body></html>"""


def test_a_pages_time_stamp_is_no_lead(tmp_path: Path) -> None:
    """tagesschau.de prints "Stand: …" above the text: it became the lead of a page without a
    marked teaser (found by a review)."""
    path = tmp_path / "stand.html"
    path.write_text(STAMPED, encoding="utf-8")
    doc = next(read_file(path))
    assert doc.lead == "Die Bundesregierung hat das umstrittene Rentenpaket auf den Weg gebracht."
    assert "Stand" not in doc.body and doc.body.startswith("Das Rentenniveau")


@pytest.mark.parametrize(("paragraph", "dropped"), [
    ("Stand: 06.08.2025 12:00 Uhr", True),
    ("Aktualisiert am 6. August 2025, 12:00 Uhr", True),
    ("Veröffentlicht am 2025-08-06", True),
    ("Stand 6.8.25 um 12.00 Uhr", True),
    ("Stand: heute sind 40 Menschen gestorben.", False),  # a sentence that begins so
    ("Der Stand: 06.08.2025 12:00 Uhr", False),
])
def test_only_a_whole_time_stamp_paragraph_goes(paragraph: str, dropped: bool) -> None:
    from searchkit.ingest.clean import clean_body

    body = clean_body(f"{paragraph}\n\nDer Bundestag stimmt im Herbst ab.")
    assert (paragraph not in body) is dropped


def test_a_german_key_with_a_value_that_is_no_text_stays_metadata(tmp_path: Path) -> None:
    """{"quelle": {"name": "dpa"}} was refused ("source must be a string"); before the German
    names were read it was metadata, and stays so (a review)."""
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": "q", "title": "Vier", "text": "Text vier.", "quelle": {"name": "dpa"}}\n', encoding="utf-8")
    doc = next(read_file(path))
    assert doc.source == ""
    assert doc.metadata == {"quelle": {"name": "dpa"}}
