"""The Whoosh engine reads a field's postings segment by segment and keeps each segment's
(``whoosh_engine._segment_postings``), so that the facet arrays of a new generation read only the
segments a commit wrote: each worker's first search after a commit had waited 1–3.6 s on 5,188
articles for a pass over every posting (an operator's review). The answers must be Whoosh's own,
also after updates and deletions, which change an old segment's deleted documents only."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from searchkit import Document, Entity, EntityType, Index
from searchkit.engines import whoosh_engine
from searchkit.facets import FACETS, FacetData

PEOPLE = ["Friedrich Merz", "Olaf Scholz", "Recep Tayyip Erdoğan", "Annalena Baerbock"]
PLACES = ["Berlin", "Ankara", "Baku", "Wien"]


def _doc(n: int, title: str = "") -> Document:
    return Document(
        id=f"d{n}", title=title or f"Bericht {n}", body=f"Text {n} über {PLACES[n % 4]}.", published=f"202{n % 3}-0{1 + n % 9}",
        entities=[Entity(PEOPLE[n % 4], EntityType.PERSON), Entity(PLACES[(n + 1) % 4], EntityType.PLACE)],
    )


def _whooshs_own(reader, field: str) -> list[tuple[str, np.ndarray]]:  # type: ignore[no-untyped-def]
    """What ``postings`` answered before it read segments: Whoosh's merged reader, term by term."""
    if field not in reader.indexed_field_names():
        return []
    out = []
    for term in reader.lexicon(field):
        ids = np.fromiter(reader.postings(field, term).all_ids(), dtype=np.int64)
        if len(ids):
            out.append((whoosh_engine._text(term), ids))
    return out


def test_postings_and_terms_read_per_segment_are_whooshs_own(tmp_path: Path) -> None:
    index = Index(tmp_path / "ix", create=True, engine="whoosh")
    index.add([_doc(n) for n in range(12)])
    index.facet_data()  # reads (and keeps) the first segment's postings
    first = {key: lists for key, lists in whoosh_engine._SEGMENT_POSTINGS.items()
             if key[0] == index.snapshot().reader.segment().segment_id()}
    assert {"person", "place"} <= {field for _, field in first}
    index.add([_doc(n) for n in range(12, 20)])  # a second segment
    index.facet_data()  # the new generation's arrays: the first segment is not read again
    assert all(whoosh_engine._SEGMENT_POSTINGS[key] is lists for key, lists in first.items())
    segments = {sub.segment().segment_id() for sub, _ in index.snapshot().reader.leaf_readers()}
    assert len(segments) == 2 and {segment for segment, _ in whoosh_engine._SEGMENT_POSTINGS} >= segments
    index.add([_doc(3, title="Bericht 3, aktualisiert")])  # an update: a deletion in the first
    index.delete("d5")
    snapshot = index.snapshot()
    reader = snapshot.reader
    assert len(list(reader.leaf_readers())) > 1 and any(sub.deleted_docs_set for sub, _ in reader.leaf_readers())
    for field in sorted({name for name, _ in FACETS.values()} | {"entity_label"}):
        answered = list(snapshot.postings(field))
        own = _whooshs_own(reader, field)
        assert [term for term, _ in answered] == [term for term, _ in own], field
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(answered, own)), field
    assert list(snapshot.terms("entity_label")) == [
        (whoosh_engine._text(term), reader.doc_frequency("entity_label", term))
        for term in reader.expand_prefix("entity_label", "")
    ]
    # the facet arrays as a process that never kept a segment's postings builds them
    kept = FacetData.build(snapshot)
    whoosh_engine._SEGMENT_POSTINGS.clear()
    fresh = FacetData.build(snapshot)
    for name in FACETS:
        assert kept.fields[name].values == fresh.fields[name].values, name
        assert np.array_equal(kept.fields[name].entry_doc, fresh.fields[name].entry_doc), name
    assert index.search("", filters={"person": ["Olaf Scholz"]}).total == 5 - 1  # d1, d9, d13, d17 (d5 deleted)
