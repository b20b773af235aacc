"""Titles that are only a kicker ("Dachzeile") such as "Nahost:" are completed with the first
sentence of the text, for every input format; every other title stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, require

from searchkit import read_file
from searchkit.ingest.clean import (
    KICKER_SENTENCE_CHARS,
    first_sentence,
    is_kicker,
    title_with_kicker,
)

NEWS = "Benjamin Netanjahu plant, eine Offensive auf Gaza-Stadt anzuordnen. Die Armee bereitet sich vor."
LONG = (
    "Die Bundesregierung hat laut Medienberichten bereits Gespräche mit den Taliban aufgenommen, um bald"
    " wieder nach Afghanistan abschieben zu können. Weiteres folgt."
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "title",
    ["Nahost:", "Stuttgart 21:", "Geflüchtete:", "  Krieg in der   Ukraine :  ", "»Drohungen gegen Ziele in Deutschland«:",
     "Prof. Drosten:", "Wolodymyr Selenskyj bei Friedrich Merz:"],
)
def test_a_short_title_ending_in_a_colon_is_a_kicker(title: str) -> None:
    assert is_kicker(title)


@pytest.mark.parametrize(
    "title",
    [
        "Nahost: Waffenruhe hält",  # a headline behind its kicker
        "Nahost",
        ":",
        "",
        "Nahost: Waffenruhe:",  # a colon inside: already more than a kicker
        "Die Waffenruhe hält. Was jetzt:",  # a sentence of its own before the last words
        "Warum die Regierung in Berlin jetzt über einen neuen Haushalt streiten muss:",  # too many words
        "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstaltsreform:",  # too long
    ],
)
def test_other_titles_are_no_kicker(title: str) -> None:
    assert not is_kicker(title)


def test_the_kicker_gets_the_first_sentence() -> None:
    assert title_with_kicker("Nahost:", NEWS) == (
        "Nahost: Benjamin Netanjahu plant, eine Offensive auf Gaza-Stadt anzuordnen."
    )


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    title = title_with_kicker("Abschiebungen:", LONG)
    assert title == (
        "Abschiebungen: Die Bundesregierung hat laut Medienberichten bereits Gespräche mit den Taliban"
        " aufgenommen, um bald wieder …"
    )
    sentence = title.removeprefix("Abschiebungen: ").removesuffix(" …")
    assert len(sentence) <= KICKER_SENTENCE_CHARS and LONG.startswith(sentence + " ")


def test_without_text_the_kicker_stays_without_its_colon() -> None:
    assert title_with_kicker("Nahost:", "") == "Nahost"
    assert title_with_kicker("Nahost:", "  \n ") == "Nahost"


def test_a_text_that_begins_with_the_kicker_does_not_repeat_it() -> None:
    assert title_with_kicker("Nahost:", "Nahost: Die Waffenruhe hält. Mehr dazu.") == "Nahost: Die Waffenruhe hält."


def test_a_closing_quotation_mark_alone_ends_no_sentence() -> None:
    """German nouns are capitalised: the splitter cut 'Angriffe "terroristischer"' before
    "Gruppen" and a kicker title ended in the middle of the sentence."""
    text = 'Das Militär in Mali meldet Angriffe "terroristischer" Gruppen. Die Lage ist unklar.'
    assert first_sentence(text) == 'Das Militär in Mali meldet Angriffe "terroristischer" Gruppen.'
    assert first_sentence('Er rief: "Gehen Sie jetzt!" Dann ging er.') == 'Er rief: "Gehen Sie jetzt!"'
    assert first_sentence("Sie sagte: „Nein.“ Dann ging sie.") == "Sie sagte: „Nein.“"


def test_every_format_completes_a_kicker_title(tmp_path: Path) -> None:
    expected = "Nahost: Benjamin Netanjahu plant, eine Offensive auf Gaza-Stadt anzuordnen."
    rows = [{"id": "k", "title": "Nahost:", "content": NEWS}, {"id": "h", "title": "Nahost: Waffenruhe hält", "content": NEWS}]
    jsonl = write(tmp_path / "a.jsonl", "\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
    assert [d.title for d in read_file(jsonl)] == [expected, "Nahost: Waffenruhe hält"]

    csv = write(tmp_path / "b.csv", f'id,title,text\nk,Nahost:,"{NEWS}"\nh,Nahost: Waffenruhe hält,"{NEWS}"\n')
    assert [d.title for d in read_file(csv)] == [expected, "Nahost: Waffenruhe hält"]

    text = write(tmp_path / "c.txt", f"Nahost:\n\n{NEWS}\n")
    (doc,) = read_file(text)
    assert doc.title == expected and doc.body == NEWS  # the text itself is kept whole

    html = write(
        tmp_path / "d.html",
        f'<html><head><meta property="og:title" content="Nahost:"></head><body><article><p>{NEWS}</p>'
        "<p>Zweiter Absatz.</p></article></body></html>",
    )
    assert [d.title for d in read_file(html)] == [expected]

    feed = write(
        tmp_path / "e.rss",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        f"<item><title>Nahost:</title><description>{NEWS}</description></item>"
        "<item><title>Nahost:</title></item>"
        "</channel></rss>",
    )
    assert [d.title for d in read_file(feed)] == [expected, "Nahost"]


def test_a_title_without_a_colon_at_the_end_is_unchanged(tmp_path: Path) -> None:
    titles = ["Nahost: Waffenruhe hält", "Waffenruhe in Nahost", "Was jetzt? Eine Frage:", "Stuttgart 21"]
    rows = [{"id": str(n), "title": title, "text": NEWS} for n, title in enumerate(titles)]
    path = write(tmp_path / "a.jsonl", "\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
    assert [d.title for d in read_file(path)] == titles


@pytest.mark.data
def test_no_title_of_the_zeitgeist_archive_is_only_a_kicker() -> None:
    """1,447 of 4,395 records were titled like "Nahost:"; all of them, and no other, change."""
    path = require(DATA / "zeitgeist" / "archive.jsonl")
    raw = [" ".join(json.loads(line)["title"].split()) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    titles = [doc.title for doc in read_file(path)]
    assert len(titles) == len(raw)
    changed = [(old, new) for old, new in zip(raw, titles) if old != new]
    assert all(is_kicker(old) and new.startswith(old + " ") for old, new in changed)
    assert len(changed) == sum(1 for old in raw if is_kicker(old)) > 1000
    assert not any(title.endswith(":") for title in titles)


def test_a_kicker_repeated_in_other_case_keeps_no_stray_colon() -> None:
    """Found by a review: "ß" folds to two letters, and the kicker's length then cut the text
    one letter short ("Fußball: : Der Verein …")."""
    from searchkit.ingest.clean import title_with_kicker

    assert title_with_kicker("Fußball:", "FUSSBALL: Der Verein gewinnt.") == "Fußball: FUSSBALL: Der Verein gewinnt."
    assert title_with_kicker("Fußball:", "FUSSBALL: Der Verein gewinnt.").count(": :") == 0
    assert title_with_kicker("Nahost:", "NAHOST: Waffenruhe hält.") == "Nahost: Waffenruhe hält."


def test_the_title_field_holds_the_kicker_not_the_sentence_again() -> None:
    """Found by a review: the completed title put the text's first sentence into the title field
    too, where the title boost counted it four times (as a title taken from the first sentence
    is left out of that field for the same reason)."""
    from searchkit import Document
    from searchkit.index import document_fields
    from searchkit.ingest.formats import make_document

    doc = make_document("zg-1", title="Nahost:", body="Benjamin Netanjahu plant die Einnahme des Gazastreifens. Mehr dazu.")
    assert doc.title == "Nahost: Benjamin Netanjahu plant die Einnahme des Gazastreifens."
    assert document_fields(doc)["title"] == "Nahost"
    headline = Document(id="h", title="Nahost: Waffenruhe hält", body="Die Waffenruhe im Gazastreifen hält.")
    assert document_fields(headline)["title"] == "Nahost: Waffenruhe hält"


def test_a_hit_and_a_document_page_do_not_repeat_the_sentence_under_the_title() -> None:
    """Found by a review: the sentence that completes a kicker stood again under the title, on
    the hit and on the document page (950 items of the real archive); a title cut at its limit
    also began the snippet."""
    from searchkit.model import without_title

    from searchkit.ingest.clean import title_with_kicker

    text = "Benjamin Netanjahu plant die Einnahme des Gazastreifens. Das Kabinett tagt am Abend."
    assert without_title(text, title_with_kicker("Nahost:", text)) == "Das Kabinett tagt am Abend."
    # cut: the document page keeps the whole text (its heading is cut), the snippet skips the sentence
    long = ("Benjamin Netanjahu plant nach übereinstimmenden Berichten israelischer Medien die Einnahme des "
            "gesamten Gazastreifens anzuordnen und will das Kabinett noch heute befragen. Das Kabinett tagt.")
    cut = title_with_kicker("Nahost:", long)
    assert cut.endswith("…")
    assert without_title(long, cut) == long
    assert without_title(long, cut, cut_sentence=True) == "Das Kabinett tagt."
    assert without_title(text, "Benjamin Netanjahu plant die …", cut_sentence=True) == "Das Kabinett tagt am Abend."
    # a headline with a colon that the text does not repeat, and a word cut inside, stay
    assert without_title(text, "Netanjahu: Waffenruhe") == text
    assert without_title("Bahnstreik legt Berlin lahm.", "Bahn") == "Bahnstreik legt Berlin lahm."


def test_a_headline_with_a_colon_keeps_its_lead_whole() -> None:
    """Found by a second review: every "X: Y" title whose text began with Y lost those words from
    its lead and title field ("Analyse: Der Iran" over "Der Iran hat …" showed "hat …")."""
    from searchkit import Document
    from searchkit.index import indexed_title
    from searchkit.model import without_title

    lead = "Der Iran hat in der Nacht Raketen abgefeuert. Israel reagiert."
    assert without_title(lead, "Analyse: Der Iran") == lead
    assert without_title("Bayern München hat gewonnen.", "Bundesliga: Bayern") == "Bayern München hat gewonnen."
    assert indexed_title(Document(id="x", title="Analyse: Der Iran", lead=lead)) == "Analyse: Der Iran"


def test_a_match_beyond_a_cut_title_is_shown() -> None:
    """Found by a second review: a cut title removed the whole (long) first sentence from the
    snippet, and a match after the cut was shown nowhere."""
    from searchkit import Document
    from searchkit.highlight import Highlighter
    from searchkit.ingest.formats import make_document
    from tests.test_highlight import terms_of

    text = ("Die Landesregierung will nach langen Beratungen mit Verbänden, Kommunen und Netzbetreibern den "
            "Ausbau erneuerbarer Energien in den kommenden Jahren deutlich beschleunigen und dabei vor allem "
            "die Windkraft an Land stärken, sagte die Ministerin")
    doc = make_document("w", body=text)
    assert doc.title.endswith("…") and "Windkraft" not in doc.title
    assert "<mark" in Highlighter(terms_of("Windkraft")).snippet(doc)
    assert isinstance(doc, Document)
