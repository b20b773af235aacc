"""The second stage's shortcut: only the hits that can still reach the page are re-ranked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.model import Document
from searchkit.rerank import contenders, largest_factor, proximity_rerank, query_concepts

WORDS = ["Hafen", "Hamburg", "Streik", "Gewerkschaft", "Verdi", "Lohn", "und", "der", "heute"]


@st.composite
def hits_and_documents(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(min_value=0, max_value=30))
    scores = sorted(draw(st.lists(st.floats(min_value=0.01, max_value=50), min_size=n, max_size=n)), reverse=True)
    documents = {
        docnum: Document(
            id=str(docnum),
            title=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
            body=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=40))),
        )
        for docnum in range(n)
    }
    return list(enumerate(scores)), documents


@settings(max_examples=150, deadline=None)
@given(hits_and_documents(), st.integers(min_value=1, max_value=20), st.booleans())
def test_the_page_is_the_same_when_only_contenders_are_reranked(case, places, asks_when) -> None:  # type: ignore[no-untyped-def]
    hits, documents = case
    concepts = query_concepts("Hafen Streik Hamburg Lohn")
    weights = [1.0, 2.0, 0.5, 1.5]
    answer = "time" if asks_when else None
    full = proximity_rerank(concepts, weights, hits, documents, answer=answer)
    cut = contenders(hits, places)
    shortcut = proximity_rerank(concepts, weights, hits[:cut], documents, answer=answer) + hits[cut:]
    assert shortcut[:places] == full[:places]


def test_hits_far_below_the_page_are_no_contenders() -> None:
    factor = largest_factor()
    hits = [(i, 100.0) for i in range(10)] + [(10, 100.0 / factor), (11, 100.0 / factor - 0.01), (12, 1.0)]
    assert contenders(hits, 10) == 11  # the one that could tie is kept
    assert contenders(hits, 20) == len(hits)
    assert contenders(hits[:5], 10) == 5
    assert contenders([(0, 0.0), (1, 0.0), (2, 0.0)], 1) == 3  # no positive score to compare with


def test_the_second_stage_reads_the_head_of_long_texts() -> None:
    """Proximity and coverage come from the first ``READ_LIMIT`` characters of each field (cut
    at a space): two words that stand together only further down earn nothing there."""
    from searchkit import rerank

    filler = " ".join(["heute"] * (rerank.READ_LIMIT // 6 + 10))
    together_late = Document(id="late", title="Bericht", body=f"{filler} Hafen Streik")
    together_early = Document(id="early", title="Bericht", body=f"Hafen Streik {filler}")
    concepts = query_concepts("Hafen Streik")
    hits = [(0, 1.0), (1, 1.0)]
    ranked = proximity_rerank(concepts, [1.0, 1.0], hits, {0: together_late, 1: together_early})
    assert ranked[0] == (1, 1.0 * rerank.largest_factor())
    assert ranked[1] == (0, 1.0)
    head = rerank._head(together_late.body)
    assert len(head) <= rerank.READ_LIMIT and together_late.body.startswith(head) and not head.endswith(" ")
    assert together_late.body[len(head)] == " "  # no half word
