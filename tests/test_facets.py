"""Facet counting on arrays: the by-document path for masks of few documents counts exactly
what the gather over every entry counts; what a facet shows is the head of its full order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.facets import SPARSE_COUNT_FACTOR, FacetField


def _field(entries: list[tuple[int, int]], n_values: int) -> FacetField:
    docs = np.array([d for d, _ in entries], dtype=np.int64)
    values = np.array([v for _, v in entries], dtype=np.int64)
    # postings order, as an index stores them: value by value
    order = np.lexsort((docs, values))
    names = [f"v{i}" for i in range(n_values)]
    return FacetField(names, docs[order], values[order], {n: i for i, n in enumerate(names)})


def _dense(field: FacetField, mask: np.ndarray) -> np.ndarray:
    return np.bincount(field.entry_value[mask[field.entry_doc]], minlength=len(field.values))


@settings(max_examples=200, deadline=None)
@given(
    doc_count=st.integers(1, 300),
    n_values=st.integers(1, 40),
    data=st.data(),
)
def test_counts_equal_the_plain_gather(doc_count: int, n_values: int, data: st.DataObject) -> None:
    entries = data.draw(st.sets(st.tuples(st.integers(0, doc_count - 1), st.integers(0, n_values - 1)),
                                max_size=4 * doc_count))
    field = _field(sorted(entries), n_values)
    # masks from empty to full, so both paths run
    for density in (0.0, 0.01, 0.05, 0.3, 1.0):
        mask = np.array(data.draw(st.lists(st.floats(0, 1), min_size=doc_count, max_size=doc_count))) < density
        counts = field.counts(mask)
        assert counts.tolist() == _dense(field, mask).tolist()


def test_few_documents_take_the_by_document_path() -> None:
    rng = np.random.default_rng(4)
    entries = {(int(d), int(v)) for d, v in zip(rng.integers(0, 5000, 40_000), rng.integers(0, 300, 40_000))}
    field = _field(sorted(entries), 300)
    mask = np.zeros(5000, dtype=bool)
    mask[rng.choice(5000, 20, replace=False)] = True
    assert 20 * SPARSE_COUNT_FACTOR <= len(field.entry_doc)
    assert field.counts(mask).tolist() == _dense(field, mask).tolist()
    assert field._doc_start is not None  # the by-document arrays were built and used
    mask[:] = True  # a broad mask: the gather over every entry
    assert field.counts(mask).tolist() == _dense(field, mask).tolist()


@given(st.lists(st.integers(0, 6), min_size=1, max_size=60), st.integers(0, 12),
       st.sets(st.integers(0, 59), max_size=4), st.sampled_from(["person", "place", "year"]))
@settings(max_examples=300, deadline=None)
def test_shown_values_are_the_head_of_the_full_order(raw: list[int], size: int, chosen: set[int], name: str) -> None:
    """A facet shows the first ``size`` values of the full display order, then the selected ones
    that come later (entities only sort the candidates that can be in the head)."""
    from searchkit.search import _candidates, _shown

    counts = np.array(raw, dtype=np.int64)
    values = [f"{2000 + i}" for i in range(len(raw))]
    selected = {i for i in chosen if i < len(raw)}
    candidates = _candidates(counts, selected)
    assert candidates.tolist() == sorted(set(np.flatnonzero(counts).tolist()) | selected)
    if name == "year":
        full = sorted(candidates.tolist(), reverse=True)
    else:
        full = sorted(candidates.tolist(), key=lambda i: (-int(counts[i]), i))
    assert _shown(name, values, counts, candidates, size, selected) == full[:size] + [i for i in full[size:] if i in selected]
