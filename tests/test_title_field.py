"""``title:`` finds the title as every hit shows it (``index.HEADLINE``), also where the ranking's
own title field leaves it out: a title taken from the first sentence (the seed format, 44 of
the demo's 50 articles) and a kicker completed with the text's first sentence. Found by a
review of the docs: "title:Baku" found none of the demo's articles whose shown titles say Baku."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit import Document, Index
from searchkit.errors import IndexVersionError
from searchkit.index import METADATA_FILE, SCHEMA_VERSION, document_fields, indexed_title

from conftest import set_schema_version


def ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.document.id for hit in result.hits}


@pytest.fixture
def titled(fresh_index: Index) -> Index:
    fresh_index.add([
        # no headline: the reader took the first sentence as the title
        Document(id="satz", title="In Baku hat die Weltklimakonferenz begonnen.",
                 body="In Baku hat die Weltklimakonferenz begonnen. Die Delegierten beraten zwei Wochen."),
        # a headline of its own
        Document(id="eigen", title="Gipfel in Baku", body="Alijew empfängt die Gäste der Konferenz."),
        # a kicker completed with the first sentence
        Document(id="kicker", title="Nahost: Netanjahu plant Offensive in Rafah",
                 body="Netanjahu plant Offensive in Rafah. Die Armee bereitet sich vor."),
        # Baku in the text only
        Document(id="text", title="Gasimporte steigen", body="Die EU kauft mehr Gas aus Baku."),
    ])
    return fresh_index


def test_the_ranking_title_leaves_out_what_the_text_holds_already() -> None:
    """(what made ``title:`` miss those titles: the fixture's premise)"""
    satz = Document(id="s", title="In Baku tagt man.", body="In Baku tagt man. Mehr folgt.")
    assert indexed_title(satz) == "" and document_fields(satz)["headline"] == "In Baku tagt man."


def test_title_finds_every_shown_title_with_the_word(titled: Index) -> None:
    assert ids(titled.search("title:Baku")) == {"satz", "eigen"}
    assert ids(titled.search("Titel:Baku")) == ids(titled.search("titel:baku")) == {"satz", "eigen"}
    assert ids(titled.search("title:Rafah")) == {"kicker"}
    assert ids(titled.search('title:"Weltklimakonferenz begonnen"')) == {"satz"}
    assert ids(titled.search("title:Weltklima*")) == {"satz"}
    assert ids(titled.search("-title:Baku Baku")) == {"text"}


def test_title_marks_the_word_in_the_shown_title(titled: Index) -> None:
    hit = next(h for h in titled.search("title:Baku").hits if h.document.id == "satz")
    assert '<mark class="match">Baku</mark>' in hit.title_html


def test_the_words_searched_everywhere_still_rank_with_the_ranking_title(titled: Index) -> None:
    """Plain words search title, lead and body as before: a title that repeats the first
    sentence is not counted again (``index.title_repeats_text``)."""
    result = titled.search("Baku")
    assert ids(result) == {"satz", "eigen", "text"}
    assert result.hits[0].document.id == "eigen"  # its own headline says Baku


def test_an_index_without_the_field_asks_for_migrate(fresh_index: Index, tmp_path: Path) -> None:
    fresh_index.add([Document(id="a", title="In Baku tagt man.", body="In Baku tagt man. Mehr folgt.")])
    fresh_index.close()
    set_schema_version(fresh_index.path, 5)
    with pytest.raises(IndexVersionError, match="searchkit migrate"):
        Index(fresh_index.path)
    copy = Index(fresh_index.path, for_copy=True).migrate(tmp_path / "neu", engine=fresh_index.engine_name)
    assert json.loads((copy.path / METADATA_FILE).read_text())["schema_version"] == SCHEMA_VERSION
    assert ids(copy.search("title:Baku")) == {"a"}


@pytest.mark.parametrize("typed", ["headline:Baku", "Headline:Baku", "Baku -headline:Baku", "Baku NOT headline:Baku"])
def test_the_fields_own_name_is_no_field_a_user_types(titled: Index, typed: str) -> None:
    """``title:`` reaches the field; its own name typed is an unknown field, as before it
    existed: searched as words, told in ``unknown_fields`` and corrected to "titel:" (typed,
    "-headline:Baku" silently excluded nothing and "headline:Baku" was a field; a review)."""
    result = titled.search(typed)
    assert [name.lower() for name in result.unknown_fields] == ["headline"]
    assert result.suggestion is not None and "titel:" in result.suggestion.lower()


def test_the_fields_own_name_is_not_listed_as_searchable(titled: Index) -> None:
    from searchkit.errors import QueryError

    with pytest.raises(QueryError) as raised:
        titled.search("content_hash:x")
    assert "headline" not in str(raised.value) and "title" in str(raised.value)
