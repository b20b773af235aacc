"""The German web page: search form, results, facet sidebar, document page, API page.
No JavaScript: every interaction is a link or a form."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from searchkit.errors import QueryError
from searchkit.facets import FACETS
from searchkit.model import EntityType
from searchkit.search import SORTS, request_to_params, toggle_params
from searchkit.similar import similar_documents

from . import get_index
from .api import search_from_request
from .openapi import LIMITS_TEXT, build_spec

pages = Blueprint("pages", __name__)


@pages.app_template_filter("web_url")
def web_url(url: str) -> str | None:
    """Only http(s) links are rendered as links (no ``javascript:`` from a document)."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


@pages.app_template_filter("inline_code")
def inline_code(text: str) -> Markup:
    """Escape, then turn `backticks` into <code> (for the API page's descriptions)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))

SORT_LABELS = {"relevance": "Relevanz", "date_desc": "Neueste zuerst", "date_asc": "Älteste zuerst"}
assert set(SORT_LABELS) == set(SORTS)
#: The page's own parameter: which facet shows more values ("mehr anzeigen").
MORE_PARAM = "mehr"
#: Values a facet shows after "mehr anzeigen".
MORE_SIZE = 100
SIMILAR_COUNT = 5


@pages.get("/")
def index():  # type: ignore[no-untyped-def]
    params = {key: request.args.getlist(key) for key in request.args}
    more_values = [v for v in params.pop(MORE_PARAM, []) if v]
    if len(more_values) > 1 or (more_values and more_values[0] not in FACETS):
        raise QueryError(f"parameter {MORE_PARAM!r} takes one facet name: {', '.join(FACETS)}")
    more = more_values[0] if more_values else None
    result = search_from_request(params)
    req = result.request
    if more:
        # The same search with more values, for this one facet only (no hits needed).
        wide = get_index().search(request=dataclasses.replace(req, per_page=0, page=1, facet_size=MORE_SIZE))
        expanded = wide.facet(more)
        result.facets = [expanded if f.name == more and expanded else f for f in result.facets]

    def link(params: dict[str, list[str]], keep_more: bool = True) -> str:
        if more and keep_more:
            params[MORE_PARAM] = [more]
        return url_for("pages.index", **{k: v for k, v in params.items() if v})

    def toggle(facet: str, value: str) -> str:
        return link(toggle_params(req, facet, value))

    def page_url(page: int) -> str:
        params = request_to_params(req)
        params["page"] = [str(page)]
        return link(params)

    def sort_url(sort: str) -> str:
        params = request_to_params(req)
        params.pop("page", None)
        params["sort"] = [sort] if sort != "relevance" else []
        return link(params)

    def more_url(facet: str | None) -> str:
        params = request_to_params(req)
        if facet:
            params[MORE_PARAM] = [facet]
        return link(params, keep_more=False) + (f"#facet-{facet or more}")

    def date_filter_removed() -> str:
        params = request_to_params(req)
        params.pop("from", None)
        params.pop("to", None)
        params.pop("page", None)
        if result.date_filter and result.date_filter.phrase:
            params["q"] = [result.query_text] if result.query_text else []
        return link(params)

    labels = {(f.name, v.value): v.label for f in result.facets for v in f.results}
    facet_labels = {f.name: f.label for f in result.facets}
    active = [
        (facet_labels.get(name, name), labels.get((name, value), value), toggle(name, value))
        for name, values in req.filters.items()
        for value in values
    ]
    return render_template(
        "search.html",
        result=result,
        req=req,
        searched=bool(request.args),
        toggle=toggle,
        page_url=page_url,
        sort_url=sort_url,
        more_url=more_url,
        more=more,
        active=active,
        date_filter_removed=date_filter_removed,
        sort_labels=SORT_LABELS,
        first=(req.page - 1) * req.per_page + 1,
    )


@pages.get("/dokument/<path:doc_id>")
def document(doc_id: str):  # type: ignore[no-untyped-def]
    index = get_index()
    doc = index.get(doc_id)
    groups: dict[EntityType, list[Any]] = {}
    for entity in sorted(doc.entities, key=lambda e: e.name.casefold()):
        groups.setdefault(entity.type, []).append(entity)
    return render_template(
        "document.html",
        doc=doc,
        paragraphs=[p for p in doc.body.split("\n\n") if p.strip()],
        entity_groups=[(etype, groups[etype]) for etype in EntityType if etype in groups],
        similar=similar_documents(index, doc_id, limit=SIMILAR_COUNT),
    )


@pages.get("/api")
@pages.get("/api/docs")
def api_docs():  # type: ignore[no-untyped-def]
    spec = build_spec(current_app)  # type: ignore[arg-type]
    operations = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "delete"):
                continue
            responses = []
            for status, response in op.get("responses", {}).items():
                schema = next(iter(response.get("content", {}).values()), {}).get("schema", {})
                name = schema.get("$ref", "").rpartition("/")[2]
                responses.append((status, response.get("description", ""), name))
            operations.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "anchor": re.sub(r"[^a-z0-9]+", "-", f"{method}{path}".lower()).strip("-"),
                    "op": op,
                    "params": item.get("parameters", []) + op.get("parameters", []),
                    "responses": responses,
                    "content_types": list(op.get("requestBody", {}).get("content", {})),
                }
            )
    operations.sort(key=lambda o: o["method"] != "GET")  # reading first, then the write API
    return render_template(
        "api.html",
        spec=spec,
        operations=operations,
        limits_text=LIMITS_TEXT,
        write_enabled=bool(current_app.config.get("API_KEY")),
        rate_limit=str(current_app.config.get("RATE_LIMIT") or ""),
        example_id=_example_id(),
        type_names={
            "string": "Text", "strings": "Texten", "integer": "Ganzzahl", "number": "Zahl", "boolean": "Wahrheitswert",
        },
    )


def _example_id() -> str:
    try:
        return next(get_index().documents()).id
    except StopIteration:
        return "ID"
