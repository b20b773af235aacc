"""The JSON API: search, facets, documents (read and, with a key, write), similar documents,
health and the OpenAPI description. Every view is a thin layer over one library call."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

import searchkit
from searchkit.dates import held_date_warnings
from searchkit.errors import DocumentError, QueryError, SearchkitError
from searchkit.ingest.formats import document_from_mapping
from searchkit.model import Document
from searchkit.facets import FACETS
from searchkit.request import (
    PARAMS,
    SCOPE_PARAMS,
    SearchRequest,
    SearchResult,
    facet_name,
    filter_aliases,
    filter_facet,
    int_param,
    request_from_params,
    toggle_params,
)
from searchkit.similar import similar_documents

from . import error_response, get_index
from .http import note_hits
from .openapi import (
    BAD_REQUEST,
    CACHE_HEADERS,
    ENTITY_NOT_FOUND,
    NOT_FOUND,
    NOT_MODIFIED,
    TOO_MANY,
    build_spec,
    error,
    json_response,
    operation,
    ref,
    entity_parameters,
    facet_value_parameters,
    HIT_PARAMS,
    facets_parameters,
    search_parameters,
    similar_parameters,
)

api = Blueprint("api", __name__)

#: What /api/facets takes (its OpenAPI parameters), read once.
FACETS_PARAMS = tuple(p["name"] for p in facets_parameters())
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/jsonlines")


#: What /api/search (and the web page) takes: the library's parameters and the facet filters.
SEARCH_PARAMS = (*PARAMS, *FACETS)


def search_request(params: Mapping[str, list[str]], known: tuple[str, ...] = SEARCH_PARAMS) -> SearchRequest:
    """URL parameters as a ``SearchRequest``: the parameters ``known`` (a 400 for any other; a
    facet filter also under its German names, ``ort=Baku``, which the library reads:
    ``request_from_params``)."""
    _only_params(*known, params=params)
    return request_from_params(params)


def search_from_request(params: Mapping[str, list[str]] | None = None) -> SearchResult:
    """Run the search the query string asks for (400 on bad parameters, via QueryError)."""
    if params is None:
        params = {key: request.args.getlist(key) for key in request.args}
    result = get_index().search(request=search_request(params))
    note_hits(result.total)
    return result


def facets_with_urls(result: SearchResult, endpoint: str, *, without: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Facets as in Datasette: every value carries the URL that toggles it (without the
    parameters ``without``, which the endpoint does not take)."""
    facets = []
    for facet in result.facets:
        data = facet.to_dict()
        for value, entry in zip(facet.results, data["results"]):
            params = toggle_params(result.request, facet.name, value.value)
            entry["toggle_url"] = url_for(endpoint, **{k: v for k, v in params.items() if k not in without})
        facets.append(data)
    return facets


def document_summary(doc: Document) -> dict[str, Any]:
    data = doc.to_dict()
    summary = {key: data[key] for key in ("id", "title", "lead", "url", "source", "published", "published_precision")}
    summary["published_label"] = doc.published.label() if doc.published else None
    summary["entities"] = _facet_entities(doc)
    return summary


@api.get("/api/search")
@operation(
    summary="Suchen",
    description="Treffer (mit hervorgehobenen Titeln und Auszügen), Gesamtzahl, Seiten und Facetten. "
    "Facettenzahlen sind disjunktiv: jede Facette wird mit allen Filtern außer ihren eigenen gezählt. "
    "Filter auch unter den deutschen Feldnamen der Suchsprache (`ort=Baku`, `jahr=2025`, `personen=…`, `org=…`); "
    "die Antwort nennt die Facetten englisch.",
    parameters=search_parameters(),
    responses={
        "200": json_response("Suchergebnis", "SearchResult") | {"headers": CACHE_HEADERS},
        "304": NOT_MODIFIED,
        "400": BAD_REQUEST,
        "429": TOO_MANY,
    },
)
def search():  # type: ignore[no-untyped-def]
    result = search_from_request()
    data = result.to_dict()
    data["facets"] = facets_with_urls(result, "api.search")
    return jsonify(data)


@api.get("/api/facets")
@operation(
    summary="Nur Facetten",
    description="Die Parameter von `/api/search` ohne die der Trefferliste (sort, page, per_page, highlight, "
    "facets); liefert Gesamtzahl und Facetten ohne Treffer.",
    parameters=facets_parameters(),
    responses={"200": json_response("Facetten", "FacetsResult"), "304": NOT_MODIFIED, "400": BAD_REQUEST, "429": TOO_MANY},
)
def facets():  # type: ignore[no-untyped-def]
    # a parameter of the hits is an error, not ignored: "?facets=false" answered no facets, and
    # "?page=2000" a 400 about result positions (found by a review)
    given = [name for name in HIT_PARAMS if name in request.args]
    if given:
        raise QueryError(f"parameter(s) {', '.join(given)} do not apply to /api/facets, which returns no hits")
    params = {key: request.args.getlist(key) for key in request.args}
    _only_params(*FACETS_PARAMS, params=params)
    result = search_from_request(params | {"per_page": ["0"]})
    return jsonify({"total": result.total, "facets": facets_with_urls(result, "api.facets", without=HIT_PARAMS)})


@api.get("/api/documents/<path:doc_id>")
@operation(
    summary="Ein Dokument",
    description="Das gespeicherte Dokument mit bereinigtem Text, Datum (mit Genauigkeit), Entitäten und Metadaten.",
    responses={"200": json_response("Dokument", "Document"), "304": NOT_MODIFIED, "400": BAD_REQUEST, "404": NOT_FOUND,
               "429": TOO_MANY},
)
def document(doc_id: str):  # type: ignore[no-untyped-def]
    _only_params()  # an id with "?" in it must be sent as %3F
    doc = get_index().get(doc_id)
    return jsonify(doc.to_dict() | {"entities": _facet_entities(doc)})


def _facet_entities(doc: Document) -> list[dict[str, str]]:
    """The document's entities as the facets name them (``Index.entity_names``): what a client
    filters with; ``searchkit export`` keeps the names as extracted."""
    return [entity.to_dict() for entity in get_index().entity_names(doc)]


def _only_params(*known: str, params: Mapping[str, object] | None = None) -> None:
    """Unknown query parameters (of the request, or ``params``) are an error, not silently
    ignored; the message says what the endpoint takes, also when that is nothing (an empty
    "known:" list reads like a bug). A facet filter among ``known`` is also taken under the
    German names of the library (``ort``, ``Jahr``), which the message lists too."""
    given = request.args if params is None else params
    unknown = sorted(name for name in given if name not in known and filter_facet(name) not in known)
    if unknown:
        takes = f"known: {', '.join(sorted(known))}" if known else "this endpoint takes no parameters"
        german = filter_aliases(known)
        if german:
            takes += f" (filters also by their German names: {', '.join(german)})"
        raise QueryError(
            f"unknown parameter(s): {', '.join(unknown)}; {takes}",
            german=f"Unbekannte Angabe in der Adresse: {', '.join(unknown)}.",
        )


def _single(name: str, default: str = "") -> str:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given more than once")
    return values[0] if values else default


def _int_arg(name: str, default: int) -> int:
    return int_param(name, _single(name), default)


@api.get("/api/similar/<path:doc_id>")
@operation(
    summary="Ähnliche Artikel",
    description="Artikel mit ähnlichem Inhalt (Whoosh „more like this“ über die Schlüsselwörter des Textes).",
    parameters=similar_parameters(),
    responses={
        "200": json_response("Ähnliche Artikel, die ähnlichsten zuerst", "SimilarResult"),
        "304": NOT_MODIFIED,
        "400": BAD_REQUEST,
        "404": NOT_FOUND,
        "429": TOO_MANY,
    },
)
def similar(doc_id: str):  # type: ignore[no-untyped-def]
    _only_params("limit")
    docs = similar_documents(get_index(), doc_id, limit=_int_arg("limit", 5))
    note_hits(len(docs))
    return jsonify({"id": doc_id, "similar": [document_summary(d) for d in docs]})


@api.get("/api/facets/<facet>/values")
@operation(
    summary="Facettenwerte suchen",
    description="Werte einer Facette, deren Name `text` enthält (Groß-/Kleinschreibung und Akzente egal: "
    "„erd“ findet Erdoğan), gezählt wie die Facette selbst, häufigste zuerst. Optional in den Treffern einer "
    "Suche: Suchtext, Zeitraum und Filter wie bei `/api/search` (`q`, `from`, `to`, `operator`, Facettenfilter).",
    parameters=facet_value_parameters(),
    # no 304: not cacheable (``http.CACHEABLE``), answered with Cache-Control: no-store and no ETag
    responses={"200": json_response("Passende Werte", "FacetValues"), "400": BAD_REQUEST, "429": TOO_MANY},
)
def facet_value_search(facet: str):  # type: ignore[no-untyped-def]
    scope = (*SCOPE_PARAMS, *FACETS)
    own = ("text", "limit")
    _only_params(*own, *scope)
    facet = facet_name(facet, "facet")  # "ort" → place (the answer names the facet)
    text = _single("text")
    within = search_request({key: request.args.getlist(key) for key in request.args if key not in own}, scope)
    values = get_index().facet_values(facet, text, limit=_int_arg("limit", 20), request=within)
    note_hits(len(values))
    return jsonify({"facet": facet, "text": text, "values": [v.to_dict() for v in values]})


@api.get("/api/entities/<facet>/<path:name>")
@operation(
    summary="Eine Entität",
    description="Wie oft eine Person, ein Ort oder eine Organisation vorkommt, Verlauf pro Monat (Artikel, "
    "die nur ein Jahr angeben, unter dem Jahr), die Zahl der Artikel ohne Datum (`undated`), die "
    "neuesten Artikel und die Entitäten, die am häufigsten gemeinsam genannt werden (mit der Zahl der "
    "Artikel, die beide nennen).",
    parameters=entity_parameters(),
    # no 304: not cacheable (``http.CACHEABLE``), answered with Cache-Control: no-store and no ETag
    responses={
        "200": json_response("Entität", "EntityReport"), "400": BAD_REQUEST, "404": ENTITY_NOT_FOUND,
        "429": TOO_MANY,
    },
)
def entity(facet: str, name: str):  # type: ignore[no-untyped-def]
    _only_params("top")
    top = _int_arg("top", 10)
    report = get_index().entity(facet, name, top=top)
    note_hits(report.count)
    return jsonify(report.to_dict())


# -- write API ---------------------------------------------------------------------------------
WRITE_SECURITY = [{"bearer": []}, {"apiKey": []}]
WRITE_ERRORS = {
    "401": error("Schlüssel fehlt oder ist falsch (`Authorization: Bearer …` oder `X-API-Key`)."),
    "403": error("Schreib-API ist abgeschaltet (kein `SEARCHKIT_API_KEY` gesetzt)."),
    "423": error("Ein anderer Schreibvorgang hält die Indexsperre; später erneut versuchen."),
    "429": TOO_MANY,
}


def _presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-API-Key") or None


def check_write_access() -> Response | None:
    """403 while no key is configured, 401 for a missing or wrong key (compared in constant
    time), None when the request may write."""
    configured = str(current_app.config.get("API_KEY") or "")
    if not configured:
        return error_response(403, "the write API is disabled: set SEARCHKIT_API_KEY to enable it")
    presented = _presented_key()
    if presented is None or not hmac.compare_digest(presented.encode("utf-8"), configured.encode("utf-8")):
        response = error_response(401, "missing or wrong API key (send 'Authorization: Bearer KEY' or 'X-API-Key: KEY')")
        response.headers["WWW-Authenticate"] = 'Bearer realm="searchkit"'
        return response
    return None


def _rows_from_body() -> list[Any]:
    """The JSON objects of the request body: one object, an array, or JSON Lines."""
    mimetype = request.mimetype
    if mimetype != "application/json" and mimetype not in JSONL_TYPES:
        return _unsupported(mimetype)
    try:
        text = _body_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError("the request body is not UTF-8") from None
    if not text.strip():
        raise DocumentError("the request body is empty: send a JSON object, an array of objects or JSON Lines")
    if mimetype == "application/json":
        data = _json_value(text, "the request body")
        return data if isinstance(data, list) else [data]
    # Split at "\n" only (as `searchkit index` reads JSON Lines): str.splitlines() would also
    # split inside JSON strings at U+2028, U+0085 or \x1c, which JSON allows unescaped.
    return [_json_value(line, f"line {number}") for number, line in enumerate(text.split("\n"), 1) if line.strip()]


#: Bytes read from the request body at a time.
BODY_CHUNK = 64 * 1024


def _body_bytes() -> bytes:
    """The request body, or 413 when it is longer than ``MAX_CONTENT_LENGTH``. A body with a
    Content-Length over the limit is refused by Werkzeug; a chunked one is not: under a server
    that terminates the input (gunicorn, waitress) Werkzeug's stream stops at the limit without
    an error, so an NDJSON body was cut there and its first lines written (a review). Reading
    one byte more than the limit from the server's stream tells the two apart."""
    limit = request.max_content_length
    if limit is None or not request.environ.get("wsgi.input_terminated") or (request.content_length or 0) > limit:
        # Werkzeug's stream ends at the Content-Length, and one over the limit is its 413
        return request.get_data(cache=False)
    stream = request.environ["wsgi.input"]
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(BODY_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        from werkzeug.exceptions import RequestEntityTooLarge

        raise RequestEntityTooLarge(
            f"the request body is larger than {limit} bytes (SEARCHKIT_MAX_CONTENT_LENGTH): nothing was"
            " written; send fewer documents per request"
        )
    return b"".join(chunks)


def _json_value(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise DocumentError(f"{what} is JSON nested too deeply") from None
    except ValueError as err:
        raise DocumentError(f"{what} is not valid JSON: {err}") from None


def _unsupported(mimetype: str) -> list[Any]:
    from werkzeug.exceptions import UnsupportedMediaType

    raise UnsupportedMediaType(
        f"send Content-Type application/json (an object or an array) or application/x-ndjson (JSON Lines), not {mimetype or 'nothing'}"
    )


def documents_from_rows(rows: list[Any]) -> list[Document]:
    """Validate every row into a Document (as `searchkit index` reads JSON Lines); any invalid row
    rejects the whole batch, so that nothing is written half."""
    limit = int(current_app.config["MAX_BATCH"])
    if not rows:
        raise DocumentError("no documents in the request")
    if len(rows) > limit:
        raise DocumentError(f"at most {limit} documents per request, got {len(rows)}")
    docs, problems = [], []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            problems.append(f"document {number}: must be a JSON object, not {type(row).__name__}")
            continue
        # surrogatepass: a lone surrogate escape ("\ud800") is valid JSON; the text cleaning of
        # document_from_mapping removes it, but the id must be computable before that
        canonical = json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
        fallback = "api:" + hashlib.sha1(canonical).hexdigest()[:16]
        with held_date_warnings() as date_warnings:
            try:
                doc = document_from_mapping(row, fallback, strict_dates=True)
            except SearchkitError as err:
                problems.append(f"document {number}: {err}")  # the 400 names the date: no log line
                continue
        docs.append(doc)
        for record in date_warnings:  # a date read despite a doubt: worth a line that names the document
            current_app.logger.warning("document %r: %s", doc.id, record.getMessage())
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise DocumentError("invalid documents, nothing was written: " + "; ".join(problems[:5]) + more)
    return docs


@api.post("/api/documents")
@operation(
    "post",
    summary="Dokumente hinzufügen oder ersetzen",
    description="Ein JSON-Objekt, ein Array von Objekten oder JSON Lines (`application/x-ndjson`). Jedes wird "
    "wie beim Import geprüft und bereinigt, mit Entitäten und erwähnten Zeiträumen angereichert und in einem "
    "Commit geschrieben. Ist ein Dokument ungültig, wird nichts geschrieben (400). Gleiche ID mit neuem Inhalt "
    "ersetzt, gleicher Inhalt wird übersprungen. Nur mit API-Schlüssel.",
    security=WRITE_SECURITY,
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [ref("DocumentInput"), {"type": "array", "items": ref("DocumentInput")}]}},
            "application/x-ndjson": {"schema": {"type": "string", "description": "Ein DocumentInput-Objekt je Zeile"}},
        },
    },
    responses={
        "200": json_response("Nichts neu hinzugefügt (übersprungen oder ersetzt)", "IngestReport"),
        "201": json_response("Mindestens ein Dokument hinzugefügt", "IngestReport"),
        "400": error("Ungültiger Inhalt oder zu viele Dokumente; nichts geschrieben."),
        **WRITE_ERRORS,
        "413": error("Anfrage zu groß."),
        "415": error("Falscher Content-Type."),
    },
)
def add_documents():  # type: ignore[no-untyped-def]
    denied = check_write_access()
    if denied is not None:
        return denied
    _only_params()  # "?dry_run=1" or "?replace=false" would be ignored: a write says so first
    docs = documents_from_rows(_rows_from_body())
    index = get_index()
    report = index.add(docs, enrich=searchkit.enrich)
    note_hits(len(docs))
    ids = [d.id for d in docs]
    # "ids": the request's; "stored": those a GET finds with the content sent; "duplicates"
    # (in the report): the skipped ids whose content another id holds
    data = report.to_dict() | {"ids": ids, "stored": report.stored(ids), "documents": len(index)}
    return jsonify(data), 201 if report.added else 200


@api.delete("/api/documents/<path:doc_id>")
@operation(
    "delete",
    summary="Dokument löschen",
    description="Löscht das Dokument mit dieser ID. Nur mit API-Schlüssel.",
    security=WRITE_SECURITY,
    responses={"200": json_response("Gelöscht", "Deleted"), "404": NOT_FOUND, **WRITE_ERRORS},
)
def delete_document(doc_id: str):  # type: ignore[no-untyped-def]
    denied = check_write_access()
    if denied is not None:
        return denied
    _only_params()  # an id with "?" in it must be sent as %3F, not lose its tail
    index = get_index()
    note_hits(index.delete(doc_id))  # the log's count of a write (it was null)
    return jsonify({"deleted": doc_id, "documents": len(index)})


# -- service -------------------------------------------------------------------------------------
@api.get("/healthz")
@operation(summary="Zustand", description="Dokumentzahl, Index-Generation und Engine.", responses={"200": json_response("OK", "Health")})
def healthz():  # type: ignore[no-untyped-def]
    index = get_index()
    return jsonify({"status": "ok", "documents": len(index), "generation": index.generation(),
                    "engine": index.engine_name})


@api.get("/api/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    """The OpenAPI 3.1 description of this API, generated from the code."""
    return jsonify(build_spec(current_app))  # type: ignore[arg-type]
