"""Words a scraper glued together ("in angespannter AtmosphäreMerz warnt") are split when an
article is cleaned at ingest, by the entity extractor's own rule (``entities.unglue``), so that
search, snippets and entity facets read the same words (found by a review: ``q=Merz`` missed 4
of the 319 articles of the facet Friedrich Merz in the real archive)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit import Index, enrich
from searchkit.entities import _unglued, extract_entities, tokenize, unglue
from searchkit.entities.tokenize import clean_text
from searchkit.ingest import read_file
from searchkit.ingest.clean import GLUE_BREAK, clean_body, split_glued_words
from searchkit.ingest.formats import make_document

LIVEBLOG = (
    "Die Verhandlungsrunde endet in positiver AtmosphäreMerz warnt vor neuer Welle der Gewalt. "
    "Die Soldaten sollen den Tanker enternTrump droht mit Zöllen."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("endet in positiver AtmosphäreMerz warnt", "endet in positiver Atmosphäre\nMerz warnt"),
        ("sollen den Tanker enternTrump droht", "sollen den Tanker entern\nTrump droht"),
        ("Der Angriff traf KiewDer Präsident sprach.", "Der Angriff traf Kiew\nDer Präsident sprach."),
        ("Die Gespräche gehen weiter zusammenIran droht.", "Die Gespräche gehen weiter zusammen\nIran droht."),
        ("Treffen zwischen Trump und PutinTrump in Alaska", "Treffen zwischen Trump und Putin\nTrump in Alaska"),
        ("(AtmosphäreMerz)", "(Atmosphäre\nMerz)"),
    ],
)
def test_a_glued_word_gets_back_the_line_break_the_scraper_dropped(text: str, expected: str) -> None:
    assert split_glued_words(text) == expected
    assert clean_body(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "WhatsApp, TikTok und ThyssenKrupp",
        "Das neue iPhone gibt es bei eBay und bei McDonald's einen Burger.",
        "BioNTech forscht, die Lufthansa CityLine fliegt, die HafenCity wächst.",
        "PayPal, UniCredit, PlayStation, DiCaprio, LeBron und McAllister",
        "https://www.tagesschau.de/inland/innenPolitik-100.html",
        "Ein Satz ohne jeden Klebefehler.",
        "",
    ],
)
def test_brands_names_and_addresses_stay_whole(text: str) -> None:
    assert split_glued_words(text) == text


def test_the_rule_is_the_entity_extractors() -> None:
    """``unglue`` cuts exactly where the extractor's ``_unglued`` starts a sentence: one rule."""
    text = clean_text(LIVEBLOG + " WhatsApp und iPhone. Von Jakob Mayr, ARD BrüsselAlle Rechte vorbehalten.")
    _, breaks = _unglued(tokenize(text))
    assert sorted(breaks) == [m.start() - i for i, m in enumerate(re.finditer("\n", unglue(text, "\n")))]
    assert len(breaks) == 3


@pytest.mark.parametrize(
    "text",
    [
        LIVEBLOG,
        "Von Jakob Mayr, ARD BrüsselAlle Rechte vorbehalten.",
        "Das Gespräch zwischen Trump und PutinTrump in Alaska gelandet.",
        "Der Angriff traf KiewDer Präsident Selenskyj sprach.",
    ],
)
def test_the_entities_of_the_cleaned_text_are_those_of_the_scraped_one(text: str) -> None:
    """The line break keeps the sentence start that the extractor made at the glue (with a
    space, "Putin Trump" and "ARD Brüssel Alle" were names)."""
    assert {(e.type, e.name) for e in extract_entities(split_glued_words(text))} == {
        (e.type, e.name) for e in extract_entities(text)
    }


def test_a_text_without_a_glued_shape_does_not_load_the_lexicon() -> None:
    code = (
        "import searchkit\n"
        "from searchkit.entities import tagger\n"
        "from searchkit.ingest.clean import clean_body\n"
        "assert not tagger.is_loaded()\n"
        "assert clean_body('Das iPhone und McDonald\\'s, eBay. Keine Klebefehler.') != ''\n"
        "print(tagger.is_loaded())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_read_document_has_its_glued_words_split(tmp_path: Path) -> None:
    path = tmp_path / "blog.jsonl"
    path.write_text(json.dumps({"id": "blog", "title": "Liveblog", "text": LIVEBLOG}, ensure_ascii=False), encoding="utf-8")
    (doc,) = read_file(path)
    assert "Atmosphäre\nMerz" in doc.body and "entern\nTrump" in doc.body
    assert make_document("x", body=LIVEBLOG).body == doc.body


def test_search_and_snippet_find_a_word_that_was_glued(tmp_path: Path, engine: str) -> None:
    index = Index(tmp_path / "index", create=True)
    index.add([make_document("blog", title="Liveblog Nahost", body=LIVEBLOG)], enrich=enrich)
    for word in ("Merz", "Atmosphäre", "Trump"):
        result = index.search(word)
        assert [hit.document.id for hit in result.hits] == ["blog"], word
        assert f'<mark class="match">{word}</mark>' in result.hits[0].snippet_html, word
    names = {e.name for e in index.get("blog").entities}
    assert "Trump" in names and not any("Atmosphäre" in name for name in names)


#: Letters of both cases, umlauts, digits, punctuation and whitespace: glued shapes come up.
_ALPHABET = st.sampled_from(list("aeinrstuäöüßAEIKMPTZÄÖÜ0.,:;?!-'@/ \n") + ["Der", "Iran", "Merz", "Trump", "zusammen", "Kiew"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_cleaning_never_loses_a_letter_only_adds_line_breaks(text: str) -> None:
    split = split_glued_words(text)
    assert split.replace(GLUE_BREAK, "") == text.replace(GLUE_BREAK, "")
    assert split.split() == [piece for word in text.split() for piece in split_glued_words(word).split()]
    assert split_glued_words(split) == split  # once is enough
