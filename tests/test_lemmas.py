"""Lemmas: forms the stemmer cannot join ("gestorben" / "sterben", "fand" / "finden") become one
term, in the analyzer, the index and the highlighter; forms with two readings stay apart, and
words the stemmer joins stay joined."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from searchkit import Document, Index
from searchkit.analysis import analyze
from searchkit.lemmas import TABLE_FILE, lemma_stem


@pytest.mark.parametrize(
    ("form", "base"),
    [("gesungen", "singen"), ("starben", "sterben"), ("gestorben", "sterben"), ("fand", "finden"),
     ("gefunden", "finden"), ("hieß", "heißen"), ("hiess", "heißen"), ("Gesungene", "singen")],
)
def test_forms_of_one_word_are_one_term(form: str, base: str) -> None:
    assert analyze(form) == analyze(base)


def test_stems_the_table_does_not_know_are_left_alone() -> None:
    for stem in ("regier", "isral", "baku", "xqzv", ""):
        assert lemma_stem(stem) == stem


def test_words_the_stemmer_joins_stay_joined() -> None:
    # The dictionary spells the lemma "Aserbeidschan"; stems are mapped whole, so the genitive
    # (which the dictionary does not list) still meets the nominative.
    assert analyze("Aserbaidschans") == analyze("Aserbaidschan")
    assert analyze("Israels Häuser") == analyze("Israel Haus")


@pytest.mark.parametrize(("form", "verb"), [("band", "binden"), ("stand", "stehen"), ("sang", "singen")])
def test_a_form_that_is_also_a_noun_is_not_turned_into_a_verb(form: str, verb: str) -> None:
    # "Band" (the group), "Stand" (the booth), "Sang": nouns too, and a lowercase query must
    # keep them.
    assert analyze(form) != analyze(verb)
    assert analyze(form) == analyze(form.capitalize())


def test_the_shipped_table_maps_stems_to_other_stems_in_one_step() -> None:
    data = resources.files("searchkit").joinpath("data", TABLE_FILE).read_bytes()
    pairs = [line.split("\t") for line in gzip.decompress(data).decode("utf-8").splitlines()]
    assert len(pairs) > 50_000 and pairs == sorted(pairs)
    table = dict(pairs)
    for source, target in pairs[:: len(pairs) // 1000]:
        assert source != target and target not in table  # no chains: one look-up suffices
        # stems as the analyzer makes them: lowercase and folded (ä → a, ß → ss)
        assert source == source.lower() and not set("äöüß") & set(source + target)


def test_a_question_finds_the_article_in_another_tense(fresh_index: Index) -> None:
    fresh_index.add([
        Document(id="sung", title="Super Bowl", body="Lady Gaga hat die Nationalhymne gesungen."),
        Document(id="other", title="Super Bowl", body="Die Hymne des Teams ist neu."),
    ])
    result = fresh_index.search("Wer singt die Nationalhymne?")
    assert [h.document.id for h in result.hits][0] == "sung"
    assert '<mark class="match">gesungen</mark>' in result.hits[0].snippet_html


def test_a_stem_of_two_letters_is_an_abbreviation_not_a_dictionary_word() -> None:
    """Found by a review: "IS" (the Islamic State) was the English "be" of the dictionary."""
    from searchkit.analysis import analyze

    assert analyze("IS") == ["is"] and analyze("3D") == ["3d"]
    assert analyze("starben") == analyze("gestorben")  # longer stems still join their lemma
