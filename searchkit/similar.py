"""Similar documents ("Ähnliche Artikel"): more-like-this over the German-analysed text.

The text fields are indexed but not stored, so the text the engine takes key terms from comes
from the stored ``doc`` JSON.
"""

from __future__ import annotations

from typing import Any

from .errors import QueryError, document_not_found
from .model import Document

#: Key terms taken from the document (``Snapshot.more_like``). Measured by how many of the five
#: similar articles of a 10kGNAD article share its section (Sport, Wirtschaft, …; 1,028
#: articles alone / the 2,652 labelled ones among 5,188 real articles): 12 terms boosted by
#: weight 0.591 / 0.615, unboosted 25 terms 0.652 / 0.661, 40 terms 0.669 / 0.673, 60 terms
#: 0.677 / 0.683 at about 50 % more time than 40. Lucene and Elasticsearch take 25 by default,
#: for documents of any length; a news article holds more topic words than that.
KEY_TERMS = 40
MAX_SIMILAR = 50


def similar_documents(index: Any, doc_id: str, limit: int = 5) -> list[Document]:
    """Up to ``limit`` documents most like the one with ``doc_id`` (itself excluded), best first.

    Raises ``DocumentNotFoundError`` for an unknown id and ``QueryError`` for a bad limit.
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_SIMILAR:
        raise QueryError(f"limit must be between 1 and {MAX_SIMILAR}")
    with index.reading():
        snapshot = index.snapshot()
        docnum = index._docnum(snapshot, doc_id)
        if docnum is None:
            raise document_not_found(doc_id)
        doc = Document.from_stored(snapshot.stored(docnum))
        text = "\n\n".join(part for part in (doc.title, doc.lead, doc.body) if part)
        if not text.strip():
            return []
        similar = snapshot.more_like(docnum, text, top=limit, numterms=KEY_TERMS)
        return [Document.from_stored(snapshot.stored(n)) for n in similar if n != docnum]
