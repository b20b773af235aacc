"""Answers that must agree with each other: found by a review that checked invariants between
queries (a filter never widens, OR is a union, a word with more syntax finds no less)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from searchkit import Document, Index, PubDate

pytestmark = pytest.mark.usefixtures("engine")

TODAY = date(2025, 12, 1)


def _index(tmp_path: Path) -> Index:
    def doc(doc_id: str, title: str, body: str) -> Document:
        return Document(id=doc_id, title=title, body=body, published=PubDate.from_iso("2025-04"))

    index = Index(tmp_path / "index", create=True)
    index.add([
        doc("f1", "Hochwasser an der Oder", "Das Hochwasser erreicht Frankfurt an der Oder."),
        doc("f2", "Hochwasser in Passau", "Nach dem Hochwasser räumen die Helfer in Passau auf."),
        doc("o1", "Ölpreis auf höchstem Stand seit März", "Der Ölpreis stieg auf den höchsten Stand seit Jahren."),
        doc("o2", "Wasser wird knapp", "Seit März ist das Wasser in der Region knapp."),
        doc("b1", "Streit um das Bürgergeld", "Die Koalition streitet über das Bürgergeld."),
        doc("b2", "Bürgergeldempfänger klagen", "Viele Bürgergeldempfänger klagen über die Kürzungen."),
        doc("b3", "Neue Regeln", "Die Bürgergeldbezieher sollen mehr arbeiten."),
    ])
    return index


@pytest.mark.parametrize("phrase", ["seit 2027", "seit März 2027", "ab Anfang März 2027"])
def test_keywords_with_a_date_phrase_of_no_article_find_what_the_keywords_find(tmp_path: Path, phrase: str) -> None:
    """A date phrase whose period holds no article is searched as words, and keywords keep
    their other words strict. With a phrase of several words the query counted as four words
    or more, was read as natural language with any word and any part of a compound, and said
    nothing of a fallback: "Hochwasser seit März 2027" found 346 articles ("höchstem Stand
    seit …"), "Hochwasser seit 2027" the 6 flood articles."""
    index = _index(tmp_path)
    plain = {hit.document.id for hit in index.search("Hochwasser", today=TODAY, per_page=100).hits}
    assert plain == {"f1", "f2"}
    dated = index.search(f"Hochwasser {phrase}", today=TODAY, per_page=100)
    assert dated.date_words == phrase
    assert {hit.document.id for hit in dated.hits} == plain
    assert dated.fell_back


def test_a_fuzzy_word_finds_at_least_what_the_word_finds(tmp_path: Path) -> None:
    """``Wort~`` allows typos; it found fewer articles than the word itself, whose compounds,
    lemmas and derived forms it left out ("Bürgergeld~" 28 against 37 for "Bürgergeld": the
    Bürgergeldempfänger and -bezieher were missing)."""
    index = _index(tmp_path)
    exact = {hit.document.id for hit in index.search("Bürgergeld", per_page=100).hits}
    assert {"b1", "b2", "b3"} <= exact
    for fuzzy in ("Bürgergeld~", "Bürgergeld~2", "Bürgergelt~"):
        found = {hit.document.id for hit in index.search(fuzzy, per_page=100).hits}
        assert found >= ({"b1"} if fuzzy == "Bürgergelt~" else exact), fuzzy


def test_a_fuzzy_word_scores_a_document_once(tmp_path: Path) -> None:
    """The word itself is within the edits too: summing both readings weighed a fuzzy word 1.7
    times the query's other words and changed the order of "Bürgergeld~ Reform" (a review).
    A document scores the better of the two."""
    index = _index(tmp_path)
    exact = {hit.document.id: hit.score for hit in index.search("Bürgergeld", per_page=100).hits}
    fuzzy = {hit.document.id: hit.score for hit in index.search("Bürgergeld~", per_page=100).hits}
    for doc_id, score in exact.items():
        assert fuzzy[doc_id] == pytest.approx(score), doc_id


def test_whether_a_date_phrase_is_one_depends_on_the_day() -> None:
    """"am 29. Februar" is a date only in a leap year's reach: the count of words beside a
    date phrase is kept per day, not once for the process (a review)."""
    from searchkit.parsing import _words_beside_date_phrase_on

    text = "Schaltjahr Feier am 29. Februar"
    assert _words_beside_date_phrase_on(text, date(2024, 3, 1)) == 2
    assert _words_beside_date_phrase_on(text, date(2026, 12, 7)) > 3
