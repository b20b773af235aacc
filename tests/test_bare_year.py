"""A year typed bare after the words ("Haushalt 2026") filters by publication or by mention.

Found by a review on the real archive: "Haushalt 2026" hid "Bundestag beschließt Haushalt 2026",
published in 2025, and listed only what 2026 had published on budgets."""

from __future__ import annotations

from datetime import date

import pytest

from searchkit import Document, Index, PubDate
from searchkit.search import MENTIONED_LABEL

TODAY = date(2026, 12, 7)


def _doc(doc_id: str, title: str, body: str, published: str, mentioned: tuple[str, ...] = ()) -> Document:
    return Document(id=doc_id, title=title, body=body, published=PubDate.from_iso(published),
                    mentioned=[PubDate.from_iso(year) for year in mentioned])


@pytest.fixture
def budgets(fresh_index: Index) -> Index:
    fresh_index.add([
        _doc("passed", "Bundestag beschließt Haushalt 2026", "Der Haushalt für 2026 steht.", "2025-11", ("2026",)),
        _doc("spent", "Haushalt 2026 wird vollzogen", "Die Ministerien geben den Haushalt aus.", "2026-03"),
        _doc("old", "Haushalt 2024 beschlossen", "Der Haushalt für das nächste Jahr.", "2023-12", ("2024",)),
        _doc("other", "Wahlkampf beginnt", "Ein Wort zum Haushalt, kein Jahr.", "2025-06"),
    ], enrich=None)
    return fresh_index


def _ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.document.id for hit in result.hits}


def test_a_bare_year_finds_what_was_published_in_it_or_mentions_it(budgets: Index) -> None:
    result = budgets.search("Haushalt 2026", today=TODAY)
    assert _ids(result) == {"passed", "spent"}
    assert result.date_filter is not None and result.date_filter.mentioned_year == 2026
    assert result.date_filter.shown() == f"2026 ({MENTIONED_LABEL})"
    assert result.date_filter.to_dict()["or_mentioned"] is True
    years = {value.value: value.count for facet in result.facets if facet.name == "year" for value in facet.results}
    assert years == {"2025": 1, "2026": 1}  # the facets count the same hits


def test_a_phrase_with_a_preposition_stays_a_filter_on_publication(budgets: Index) -> None:
    """"im Jahr 2026", "seit 2026", "2025-2026" ask when an article appeared."""
    assert _ids(budgets.search("Haushalt seit 2026", today=TODAY)) == {"spent"}
    assert _ids(budgets.search("Haushalt im Jahr 2026", today=TODAY)) == {"spent"}
    result = budgets.search("Haushalt seit 2026", today=TODAY)
    assert result.date_filter is not None and result.date_filter.mentioned_year is None
    assert result.date_filter.to_dict()["or_mentioned"] is False


def test_von_bis_keep_the_bare_year_a_filter_on_publication(budgets: Index) -> None:
    """Bounds the user set in the Von/Bis fields are about publication: they are not widened."""
    result = budgets.search("Haushalt 2026", date_from="2025-01", today=TODAY)
    assert _ids(result) == {"spent"}
    assert result.date_filter is not None and result.date_filter.mentioned_year is None


def test_a_year_no_text_mentions_is_the_publication_filter(budgets: Index) -> None:
    assert _ids(budgets.search("Haushalt 2023", today=TODAY)) == {"old"}


def test_a_bare_year_over_the_api(budgets: Index) -> None:
    from server import create_app

    client = create_app(index_path=budgets.path).test_client()
    answer = client.get("/api/search", query_string={"q": "Haushalt 2026"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert {hit["id"] for hit in body["hits"]} == {"passed", "spent"}
    assert body["date_filter"]["or_mentioned"] is True
    page = client.get("/", query_string={"q": "Haushalt 2026"}).get_data(as_text=True)
    assert MENTIONED_LABEL in page


def test_a_question_keeps_its_year_a_filter_on_publication(budgets: Index) -> None:
    """A question's year is what it asks about, not what its answer's text must say."""
    result = budgets.search("Wer beschloss 2026 den Haushalt?", today=TODAY)
    assert result.date_filter is not None and result.date_filter.mentioned_year is None
    assert _ids(result) == {"spent"}


def test_the_page_charts_a_bare_years_hits_per_year(budgets: Index) -> None:
    """"Treffer pro Monat 2026" left out the 2025 article that the year's filter found."""
    from server import create_app

    client = create_app(index_path=budgets.path).test_client()
    page = client.get("/", query_string={"q": "Haushalt 2026"}).get_data(as_text=True)
    assert "Treffer pro Jahr" in page and "Treffer pro Monat" not in page
    page = client.get("/", query_string={"q": "Haushalt seit 2026"}).get_data(as_text=True)
    assert "Treffer pro Monat 2026" in page


def test_a_bare_year_ranks_the_texts_that_write_it_first(fresh_index: Index) -> None:
    """Found by a review: "Haushalt 2026" ranked "Das steckt im Haushalt 2027" (published in
    2026) first and "Bundestag beschließt Haushalt 2026" fourth: the year only filtered. It is
    also an optional word of the ranking now; the hits stay those of the filter."""
    fresh_index.add([
        _doc("next", "Das steckt im Haushalt 2027", "Haushalt, Haushalt, Haushalt: der Plan für 2027.", "2026-07", ("2027",)),
        _doc("passed", "Bundestag beschließt Haushalt 2026", "Der Etat steht.", "2025-11", ("2026",)),
        _doc("home", "Haushalte ohne Strom", "Viele Haushalte in Berlin.", "2026-01"),
    ], enrich=None)
    result = fresh_index.search("Haushalt 2026", today=TODAY)
    assert _ids(result) == {"next", "passed", "home"}
    assert result.hits[0].document.id == "passed"
