"""searchkit: German news search with date and entity facets.

>>> from searchkit import Index, read_paths, enrich
>>> idx = Index("index", create=True)
>>> idx.add(read_paths(["articles/"]), enrich=enrich)
>>> result = idx.search("Erdogan", filters={"year": ["2025"]})
>>> [hit.document.title for hit in result.hits]

Only the public API lives here; importing searchkit loads no model.
"""

from .errors import (
    ArgumentError,
    ClusterError,
    ConfigError,
    DateError,
    DocumentError,
    DocumentNotFoundError,
    EngineError,
    IndexDamagedError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    IngestError,
    QueryError,
    SearchkitError,
)
from .entities.aliases import AliasFileError
from .index import Index, IngestReport
from .ingest import read_file, read_paths
from .model import Document, Entity, EntityType, Precision, PubDate
from .pipeline import enrich
from .request import Facet, FacetValue, Hit, SearchRequest, SearchResult

__version__ = "0.1.0"

__all__ = [
    "AliasFileError", "ArgumentError", "ClusterError", "ConfigError", "DateError", "Document", "DocumentError", "DocumentNotFoundError", "EngineError", "Entity", "EntityType",
    "Facet", "FacetValue", "Hit", "Index", "IndexDamagedError", "IndexLockedError", "IndexNotFoundError",
    "IndexVersionError", "IngestError", "IngestReport", "Precision", "PubDate", "QueryError",
    "SearchRequest", "SearchResult", "SearchkitError", "enrich", "read_file", "read_paths",
]
