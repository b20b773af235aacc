"""The OpenAPI 3.1 description, generated from the code (apispec).

* Paths come from the app's URL map: every view decorated with ``@operation`` is described, under
  the rule it is really registered with.
* The search parameters come from the library (``searchkit.request.PARAMS``, ``FACETS``,
  ``SORTS``, ``OPERATORS`` and the ``MAX_*`` limits); the accepted input keys of the write API
  from ``searchkit.ingest.formats.JSON_KEYS``. A parameter the library accepts but this module
  cannot describe fails the build (and so the tests).
* The response schemas live here, next to the views; ``tests/test_server_contract.py`` checks
  every real response against them, so they cannot drift silently.

The German API page (``/api``) is rendered from the same dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from flask import Flask

import searchkit
from searchkit import parsing
from searchkit import request as search_module
from searchkit.facets import FACETS
from searchkit.index import ENTITY_FIELDS
from searchkit.ingest.formats import JSON_KEYS
from searchkit.model import EntityType, Precision
from searchkit.request import filter_aliases
from searchkit.similar import MAX_SIMILAR

#: ``SearchRequest`` accepts facet_size 1 … 1000 (checked against the library in the tests).
MAX_FACET_SIZE = 1000

F = Callable[..., Any]


def operation(method: str = "get", **spec: Any) -> Callable[[F], F]:
    """Attach the OpenAPI operation object for ``method`` to a view function."""

    def decorate(view: F) -> F:
        view.__dict__.setdefault("_openapi", {})[method] = spec
        return view

    return decorate


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def error(description: str) -> dict[str, Any]:
    return json_response(description, "Error")


NOT_MODIFIED = {"description": "Nicht geändert: das ETag aus If-None-Match gilt noch (Index unverändert)."}
BAD_REQUEST = error("Ungültige Parameter oder Grenzen überschritten (Meldung nennt den Grund).")
TOO_MANY = error("Zu viele Anfragen dieser Adresse (Rate-Limit); Retry-After nennt die Wartezeit.")
NOT_FOUND = error("Kein Dokument mit dieser ID.")
ENTITY_NOT_FOUND = error("Kein Eintrag dieser Art (Person, Ort oder Organisation) unter diesem Namen.")
CACHE_HEADERS = {
    "ETag": {"description": "Schwaches ETag aus Index-Generation und URL.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "`no-cache` (bzw. `max-age` laut Konfiguration).", "schema": {"type": "string"}},
}

_DESCRIPTIONS = {
    "q": "Suchtext in Whoosh-Syntax: `AND`, `OR`, `NOT`, `\"Wortgruppe\"`, `title:Wort`, `Präfix*`, unscharf `Wort~` (1 Tippfehler) oder `Wort~2` (2). "
    "Deutsche Zeitangaben wie „seit März 2025“ werden zu einem Datumsfilter.",
    "from": "Veröffentlicht frühestens im Zeitraum (`2025`, `2025-03`, `2025-03-10`, auch deutsch: `März 2025`, "
    "`10.03.2025`, `heute`, `Herbst 2024`: ab September).",
    "to": "Veröffentlicht spätestens im Zeitraum (wie `from`; `Herbst 2024`: bis November).",
    "sort": "Sortierung: Relevanz, neueste oder älteste zuerst.",
    "page": "Seite (ab 1).",
    "per_page": "Treffer pro Seite (0 liefert nur Facetten).",
    "operator": "`auto`: erst alle Wörter, ohne Treffer dann irgendeines; `and`; `or`.",
    "facet_size": "Höchstzahl der Werte je Facette.",
    "facets": "`false`: keine Facetten zählen (nur Treffer, schneller).",
    "highlight": "`false`: Titel und Textanfang ohne markierte Suchwörter (schneller).",
}


def _german_names(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names[:-1]) + (" oder " if len(names) > 1 else "") + f"`{names[-1]}`"


def _facet_description(name: str, label: str) -> str:
    text = f"Filter „{label}“ (wiederholbar: ODER innerhalb der Facette, UND zwischen Facetten)."
    aliases = filter_aliases((name,))
    if aliases:
        text += (f" Auch deutsch: {_german_names(aliases)} (Groß-/Kleinschreibung egal; mit `{name}` zusammen "
                 f"ein Filter); die Antwort nennt die Facette `{name}`.")
    return text


#: Parameters that shape the hits of a search, which /api/facets does not return (the
#: library's ``HIT_OPTIONS``, which its ``facets()`` refuses alike).
HIT_PARAMS = search_module.HIT_OPTIONS


def facets_parameters() -> list[dict[str, Any]]:
    """The query parameters of /api/facets: those of a search without ``HIT_PARAMS``."""
    return [p for p in search_parameters() if p["name"] not in HIT_PARAMS]


def search_parameters() -> list[dict[str, Any]]:
    """The query parameters of /api/search and /api/facets, from the library's definitions."""
    s = search_module
    schemas: dict[str, dict[str, Any]] = {
        "q": {"type": "string", "maxLength": s.MAX_QUERY_LENGTH},
        "from": {"type": "string", "examples": ["2025", "2025-03", "2025-03-10", "März 2025", "10.03.2025", "heute"]},
        "to": {"type": "string", "examples": ["2025-06", "Herbst 2025"]},
        "sort": {"type": "string", "enum": list(s.SORTS), "default": "relevance"},
        "page": {"type": "integer", "minimum": 1, "default": 1},
        "per_page": {"type": "integer", "minimum": 0, "maximum": s.MAX_PER_PAGE, "default": 10},
        "operator": {"type": "string", "enum": list(s.OPERATORS), "default": "auto"},
        "facet_size": {"type": "integer", "minimum": 1, "maximum": MAX_FACET_SIZE, "default": 10},
        "facets": {"type": "boolean", "default": True},
        "highlight": {"type": "boolean", "default": True},
    }
    missing = set(s.PARAMS) - set(schemas)
    if missing:  # the library grew a parameter: describe it here
        raise RuntimeError(f"undocumented search parameter(s): {', '.join(sorted(missing))}")
    params = [
        {"name": name, "in": "query", "required": False, "description": _DESCRIPTIONS[name], "schema": schemas[name]}
        for name in s.PARAMS
    ]
    for name, (_, label) in FACETS.items():
        params.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": _facet_description(name, label),
                "style": "form",
                "explode": True,
                "schema": {"type": "array", "items": {"type": "string"}, "maxItems": s.MAX_FILTER_VALUES},
            }
        )
    return params


LIMITS_TEXT = (
    f"Grenzen (sonst 400): Suchtext höchstens {search_module.MAX_QUERY_LENGTH} Zeichen, per_page höchstens "
    f"{search_module.MAX_PER_PAGE}, Trefferposition (page × per_page) höchstens {search_module.MAX_RESULT_DEPTH}, "
    f"höchstens {search_module.MAX_FILTER_VALUES} Werte je Filter, Platzhalter (`Wort*`) mit mindestens zwei "
    f"Buchstaben und höchstens {parsing.MAX_EXPANSION} passenden Wörtern."
)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def schemas() -> dict[str, dict[str, Any]]:
    string, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    #: a facet value with its count (FacetValue adds the search's toggle link)
    facet_count = {
        "type": "object",
        "required": ["value", "label", "count", "selected"],
        "properties": {
            "value": string, "label": string, "count": {"type": "integer", "minimum": 0}, "selected": boolean,
        },
    }
    entity = {
        "type": "object",
        "required": ["name", "type"],
        "properties": {"name": string, "type": {"type": "string", "enum": [t.value for t in EntityType]}},
    }
    published = {
        "published": _nullable({"type": "string", "description": "ISO-Präfix in der bekannten Genauigkeit"}),
        "published_precision": _nullable({"type": "string", "enum": [p.value for p in Precision]}),
    }
    document_input_props = {
        key: {"description": f"→ {name}"} for name, keys in JSON_KEYS.items() for key in keys
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "message"],
                    "additionalProperties": False,
                    "properties": {"status": {"type": "integer", "minimum": 400, "maximum": 599}, "message": string},
                }
            },
        },
        "Entity": entity,
        "Document": {
            "type": "object",
            "required": ["id", "title", "lead", "body", "url", "source", "entities", "mentioned", "metadata"],
            "properties": {
                "id": string, "title": string, "lead": string, "body": string, "url": string, "source": string,
                **published,
                "entities": {"type": "array", "items": ref("Entity")},
                "mentioned": {"type": "array", "items": string},
                "metadata": {"type": "object"},
            },
        },
        "DocumentSummary": {
            "type": "object",
            "required": ["id", "title", "lead", "url", "source", "published", "entities"],
            "properties": {
                "id": string, "title": string, "lead": string, "url": string, "source": string, **published,
                "published_label": _nullable(string),
                "entities": {"type": "array", "items": ref("Entity")},
            },
        },
        "Hit": {
            "type": "object",
            "required": ["id", "title", "title_html", "snippet_html", "published", "entities", "score"],
            "properties": {
                "id": string, "title": string,
                "title_html": {"type": "string", "description": "HTML; nur `<mark>` ist Markup, alles andere maskiert"},
                "snippet_html": {"type": "string", "description": "HTML; nur `<mark>` ist Markup"},
                "url": string, "source": string, **published, "published_label": _nullable(string),
                "entities": {"type": "array", "items": ref("Entity")},
                "score": _nullable({"type": "number"}),
            },
        },
        "FacetValue": {
            "type": "object",
            "required": [*facet_count["required"], "toggle_url"],
            "properties": {
                **facet_count["properties"],
                "toggle_url": {"type": "string", "description": "Dieselbe Suche mit diesem Wert an/aus"},
            },
        },
        "Facet": {
            "type": "object",
            "required": ["name", "label", "results", "truncated"],
            "properties": {
                "name": {"type": "string", "enum": list(FACETS)}, "label": string,
                "results": {"type": "array", "items": ref("FacetValue")}, "truncated": boolean,
            },
        },
        "DateFilter": {
            "type": "object",
            "required": ["from", "to", "phrase", "label", "or_mentioned"],
            "properties": {
                "from": _nullable(string), "to": _nullable(string), "phrase": string, "label": string,
                # a bare year ("Haushalt 2026") also takes the documents whose text mentions it
                "or_mentioned": boolean,
            },
        },
        "SearchResult": {
            "type": "object",
            "required": [
                "query", "query_text", "operator", "date_filter", "filters", "sort", "page", "per_page", "pages",
                "total", "took_ms", "suggestion", "date_words", "unknown_fields", "hits", "facets",
            ],
            "properties": {
                "query": string, "query_text": string, "operator": {"type": "string", "enum": ["and", "or"]},
                "date_filter": _nullable(ref("DateFilter")),
                "filters": {"type": "object", "additionalProperties": {"type": "array", "items": string}},
                "sort": {"type": "string", "enum": list(search_module.SORTS)},
                "page": integer, "per_page": integer, "pages": integer, "total": {"type": "integer", "minimum": 0},
                "took_ms": {"type": "number"},
                "suggestion": _nullable(string),
                "date_words": string,
                "unknown_fields": {"type": "array", "items": string},
                "hits": {"type": "array", "items": ref("Hit")},
                "facets": {"type": "array", "items": ref("Facet")},
            },
        },
        "FacetsResult": {
            "type": "object",
            "required": ["total", "facets"],
            "properties": {"total": integer, "facets": {"type": "array", "items": ref("Facet")}},
        },
        "FacetCount": facet_count,
        "FacetValues": {
            "type": "object",
            "required": ["facet", "text", "values"],
            "properties": {"facet": string, "text": string, "values": {"type": "array", "items": ref("FacetCount")}},
        },
        "EntityReport": {
            "type": "object",
            "required": ["facet", "name", "count", "timeline", "undated", "cooccurring", "latest"],
            "properties": {
                "facet": string, "name": string, "count": integer,
                "timeline": {
                    "type": "array", "items": ref("FacetCount"),
                    "description": "Artikel pro Monat (`2025-03`), älteste zuerst; Artikel, die nur ein Jahr "
                    "angeben, unter dem Jahr (`2025`, vor dessen Monaten).",
                },
                "undated": {
                    "type": "integer",
                    "description": "Artikel ohne Datum, die im Verlauf fehlen: Verlauf und `undated` ergeben "
                    "zusammen `count`.",
                },
                "cooccurring": {"type": "object", "additionalProperties": {"type": "array", "items": ref("FacetCount")}},
                "latest": {"type": "array", "items": ref("Hit")},
            },
        },
        "SimilarResult": {
            "type": "object",
            "required": ["id", "similar"],
            "properties": {"id": string, "similar": {"type": "array", "items": ref("DocumentSummary")}},
        },
        "DocumentInput": {
            "type": "object",
            "description": "Ein Artikel; Schlüssel wie beim Import von JSON Lines. Weitere Schlüssel werden "
            "als Metadaten behalten. Ohne `id` ist die `url` die ID, sonst ein Hash des Inhalts.",
            "properties": document_input_props,
            "additionalProperties": True,
        },
        "IngestReport": {
            "type": "object",
            "required": ["added", "updated", "skipped", "superseded", "failed", "errors", "failed_ids", "ids", "stored",
                         "duplicates", "documents"],
            "properties": {
                "added": integer, "updated": integer, "skipped": integer, "failed": integer,
                "superseded": {"type": "integer",
                               "description": "frühere Fassungen einer ID, die dieselbe Anfrage später noch einmal "
                                              "sendet: gespeichert wird die letzte"},
                "errors": {"type": "array", "items": string},
                "failed_ids": {"type": "array", "items": string, "description": "IDs der Dokumente, die nicht gespeichert wurden"},
                "ids": {"type": "array", "items": string, "description": "IDs der gesendeten Dokumente, in Reihenfolge"},
                "stored": {"type": "array", "items": string,
                           "description": "IDs, unter denen der gesendete Inhalt jetzt abrufbar ist"},
                "duplicates": {
                    "type": "array",
                    "description": "übersprungene IDs, deren Inhalt schon unter einer anderen ID gespeichert ist",
                    "items": {"type": "object", "required": ["id", "duplicate_of"],
                              "properties": {"id": string, "duplicate_of": string}},
                },
                "documents": {"type": "integer", "description": "Dokumente im Index danach"},
            },
        },
        "Deleted": {
            "type": "object",
            "required": ["deleted", "documents"],
            "properties": {"deleted": string, "documents": integer},
        },
        "Health": {
            "type": "object",
            "required": ["status", "documents", "generation", "engine"],
            "properties": {"status": {"type": "string", "enum": ["ok"]}, "documents": integer, "generation": integer,
                           "engine": {"type": "string", "enum": ["whoosh", "tantivy"]}},
        },
    }


#: Path parameters that no operation describes itself (those are described once, for the path).
PATH_DESCRIPTIONS = {"doc_id": "Dokument-ID (darf `/` enthalten)"}


def _path(rule: str) -> tuple[str, list[str]]:
    """``/api/documents/<path:doc_id>`` → ``/api/documents/{doc_id}`` and its parameter names."""
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), names


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="searchkit API",
        version=searchkit.__version__,
        openapi_version="3.1.0",
        info={
            "description": "Suche in deutschen Nachrichten: Volltext mit deutscher Stammformbildung, "
            "Datums- und Entitätsfacetten. Alle Fehler haben die Form "
            "`{\"error\": {\"status\", \"message\"}}`. " + LIMITS_TEXT,
        },
    )
    for name, schema in schemas().items():
        spec.components.schema(name, schema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    paths: dict[str, dict[str, Any]] = {}
    params: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        operations = getattr(app.view_functions[rule.endpoint], "_openapi", None)
        if not operations:
            continue
        path, names = _path(rule.rule)
        for method, op in operations.items():
            if method.upper() in (rule.methods or ()):
                paths.setdefault(path, {})[method] = op
        params[path] = names
    for path in paths:  # registration order: search first
        described = [{p["name"] for p in op.get("parameters", []) if p["in"] == "path"} for op in paths[path].values()]
        shared = [name for name in params[path] if not all(name in names for names in described)]
        missing = set(shared) - set(PATH_DESCRIPTIONS)
        if missing:  # a new route: describe its path parameter here or in its operation
            raise RuntimeError(f"undocumented path parameter(s) of {path}: {', '.join(sorted(missing))}")
        path_params = [
            {"name": name, "in": "path", "required": True, "description": PATH_DESCRIPTIONS[name], "schema": {"type": "string"}}
            for name in shared
        ]
        spec.path(path=path, operations=paths[path], parameters=path_params or None)
    return spec.to_dict()


def facet_value_parameters() -> list[dict[str, Any]]:
    def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    return [
        {"name": "facet", "in": "path", "required": True,
         "description": "Facette; auch deutsch (" + _german_names(filter_aliases()) + "). Die Antwort nennt "
         "sie englisch.",
         "schema": {"type": "string", "enum": [*FACETS, *filter_aliases()]}},
        query("text", "Teil des Namens (leer: alle Werte).", {"type": "string"}),
        query("limit", "Höchstzahl der Werte.", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}),
        # the search whose hits are counted: its text, dates and filters, as /api/search takes them
        *(p for p in search_parameters() if p["name"] in (*search_module.SCOPE_PARAMS, *FACETS)),
    ]


def entity_parameters() -> list[dict[str, Any]]:
    return [
        {"name": "facet", "in": "path", "required": True,
         "description": "Art der Entität; auch deutsch (" + _german_names(filter_aliases(ENTITY_FIELDS)) + "). "
         "Die Antwort nennt sie englisch.",
         "schema": {"type": "string", "enum": [*ENTITY_FIELDS, *filter_aliases(ENTITY_FIELDS)]}},
        {"name": "name", "in": "path", "required": True, "description": "Name (wie in der Facette; darf `/` enthalten).",
         "schema": {"type": "string"}},
        {"name": "top", "in": "query", "required": False, "description": "Artikel und Mit-Entitäten je Liste.",
         "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
    ]


def similar_parameters() -> list[dict[str, Any]]:
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Höchstzahl ähnlicher Artikel.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIMILAR, "default": 5},
        }
    ]
