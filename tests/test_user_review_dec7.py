"""Fixes of the user review of 2026-12-07 on 5,188 real articles (library, API, page)."""

from __future__ import annotations

import pytest

from searchkit import Index


@pytest.mark.parametrize("typed", ["Was ist das?", "Wie?", "Wo ist er?", "(die)", '"die"', "die:", "die OR das", "der die das"])
def test_a_query_of_stop_words_finds_nothing_whatever_its_syntax(demo_index: Index, typed: str) -> None:
    """"Was ist das?" listed every article of the archive: stop words with a question mark,
    brackets, quotes or OR around them were not recognised as stop words only."""
    result = demo_index.search(typed)
    assert result.total == 0 and result.hits == []


def test_an_empty_or_date_only_query_still_lists_documents(demo_index: Index) -> None:
    everything = demo_index.search("").total
    assert everything > 0
    dated = demo_index.search("seit 2023")
    assert 0 < dated.total < everything
    assert demo_index.search("seit 2023 die").total == dated.total  # a stop word beside a date phrase
