"""How topical "Ähnliche Artikel" are: the share of an article's similar articles that carry
its label.

No judged pairs of similar news articles exist for German, but sectioned corpora do: 10kGNAD
files every article under one of nine sections (Sport, Wirtschaft, Kultur …; the CSV reader
keeps it as ``metadata["category"]``). An article's nearest neighbours by topic should mostly
be of its own section, so precision@k of the label is a proxy that any labelled set in a
format searchkit reads gives (a JSON-lines file with a ``"category"`` key, kept as metadata; the
10kGNAD CSV). It says nothing about order within the page, and a section is broad ("Inland"
holds crime and elections): a relative measure, for comparing methods on the same files.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import IngestError
from .retrieval import _bar

#: Similar articles asked for per article (the document page shows five).
DEFAULT_K = 5


def evaluate_similar(
    paths: list[Path], *, label: str = "category", k: int = DEFAULT_K, limit: int | None = None,
    engine: str | None = None, progress: bool = False,
) -> dict[str, Any]:
    """Index the documents of ``paths`` (no enrichment: the method reads words only) in a
    temporary folder and score ``similar_documents`` for every labelled one (the first
    ``limit``): precision@k of the label among the similar articles that have one, the share
    of those that have none, and the chance level (the share of same-label pairs).

    Only the documents the index holds count: one whose text repeats another's is skipped by
    ``Index.add`` (``"skipped"`` counts those and the failed ones); asking for its similar
    articles aborted the run ("no document with id …", found by a review)."""
    from ..index import Index
    from ..ingest import read_paths
    from ..similar import similar_documents

    docs = list(read_paths(paths))
    labels = {doc.id: str(doc.metadata.get(label)) for doc in docs if doc.metadata.get(label)}
    if not labels:
        raise IngestError(f"no document of {', '.join(map(str, paths))} has the label {label!r} in its metadata")
    with tempfile.TemporaryDirectory(prefix="searchkit-eval-similar-") as tmp:
        index = Index(Path(tmp) / "index", create=True, **({"engine": engine} if engine else {}))
        try:
            report = index.add(docs, enrich=None)
            held = len(index)
            stored = set(report.stored(doc.id for doc in docs))
            skipped = sum(1 for one in labels if one not in stored)
            labels = {one: value for one, value in labels.items() if one in stored}
            if not labels:
                raise IngestError(f"the index holds none of the documents with the label {label!r}")
            queries = sorted(labels)[:limit] if limit else sorted(labels)
            same = labelled = unlabelled = 0
            started = time.perf_counter()
            with _bar(progress, total=len(queries), desc="similar articles", unit=" docs") as bar:
                for doc_id in queries:
                    for found in similar_documents(index, doc_id, limit=k):
                        if found.id in labels:
                            labelled += 1
                            same += labels[found.id] == labels[doc_id]
                        else:
                            unlabelled += 1
                    bar.update()
            seconds = time.perf_counter() - started
        finally:
            index.close()
    counts = Counter(labels.values())
    chance = sum(n * (n - 1) for n in counts.values()) / max(1, len(labels) * (len(labels) - 1))
    return {
        "documents": held, "labelled": len(labels), "skipped": skipped, "queries": len(queries), "label": label,
        "k": k,
        "engine": engine or "default",
        f"precision@{k}": round(same / labelled, 4) if labelled else None,
        "unlabelled_share": round(unlabelled / max(1, labelled + unlabelled), 4),
        "chance": round(chance, 4),
        "ms_per_article": round(1000 * seconds / max(1, len(queries)), 2),
        "labels": dict(counts.most_common()),
    }


def format_similar_table(result: dict[str, Any]) -> str:
    k = result["k"]
    skipped = result.get("skipped")
    return "\n".join([
        f"Similar articles: {result['queries']} labelled articles of {result['documents']}, "
        f"label {result['label']!r}, {k} similar each",
        f"  precision@{k} of the label   {result[f'precision@{k}']}",
        f"  chance (same-label pairs)   {result['chance']}",
        f"  similar without a label     {result['unlabelled_share']}",
        f"  time per article            {result['ms_per_article']} ms",
        *([f"  note: {skipped} labelled document(s) not indexed (a copy of another's text, or no text)"]
          if skipped else []),
    ])
