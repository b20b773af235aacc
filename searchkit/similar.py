"""Similar documents ("Ähnliche Artikel"): Whoosh's more-like-this over the German-analysed text.

The ``body`` field is indexed but not stored, so the text Whoosh needs for key-term extraction
comes from the stored ``doc`` JSON.
"""

from __future__ import annotations

from typing import Any

from .errors import DocumentNotFoundError, QueryError
from .model import Document

#: Key terms taken from the document; more terms match more loosely related articles.
KEY_TERMS = 12
MAX_SIMILAR = 50


def similar_documents(index: Any, doc_id: str, limit: int = 5) -> list[Document]:
    """Up to ``limit`` documents most like the one with ``doc_id`` (itself excluded), best first.

    Raises ``DocumentNotFoundError`` for an unknown id and ``QueryError`` for a bad limit.
    """
    if not isinstance(limit, int) or not 1 <= limit <= MAX_SIMILAR:
        raise QueryError(f"limit must be between 1 and {MAX_SIMILAR}")
    with index.reading():
        searcher = index.searcher()
        docnum = searcher.document_number(id=str(doc_id))
        if docnum is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        doc = Document.from_json(searcher.stored_fields(docnum)["doc"])
        text = "\n\n".join(part for part in (doc.title, doc.lead, doc.body) if part)
        if not text.strip():
            return []
        results = searcher.more_like(docnum, "body", text=text, top=limit, numterms=KEY_TERMS)
        return [Document.from_json(hit["doc"]) for hit in results if hit.docnum != docnum]
