"""Searching: query understanding, filters, facets, highlights, sorting and paging.

One call, ``run_search(index, SearchRequest)``, produces one ``SearchResult``; the CLI, the JSON
API and the web page all render that same object.
"""

from __future__ import annotations

import itertools
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from functools import lru_cache
from datetime import date
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from whoosh import query
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    MultifieldPlugin,
    OrGroup,
    QueryParser,
    QueryParserError,
    WildcardPlugin,
)

from .analysis import GERMAN_STOPWORDS, TOKEN_PATTERN, analyze, clean_word, fold_diacritics
from .engines import OneWord
from .engines.whoosh_engine import query_schema
from .errors import QueryError
from .facets import FACETS, FacetData, shown_dates
from .highlight import SNIPPET_CHARS, SNIPPET_LEAD, Highlighter, one_search  # noqa: F401 - re-exported
from .index import ENTITY_FIELDS, NO_DATE, TEXT_FIELDS, facet_key
from .ingest.clean import sanitize_text
from .model import Document, Precision, PubDate
from .querywords import answer_type, question_words
from .rerank import RERANK_DEPTH, contenders, idf, proximity_rerank, query_concepts

#: Query-time field boosts for BM25F: a word in the headline says more than one in the body.
#: Fields a query searches when it names none, with their BM25F boosts. The entity names field
#: is not among them: the names are in the text already, and the short field's length
#: normalisation made any article that merely mentions a name outrank the one about the query
#: (XQuAD-de MRR@10 0.860 with it, 0.909 without). It stays searchable as ``names:``.
FIELD_BOOSTS = {"title": 3.0, "lead": 2.0, "body": 1.0}
SORTS = ("relevance", "date_desc", "date_asc")
OPERATORS = ("auto", "and", "or")
MAX_QUERY_LENGTH = 1000
MAX_PER_PAGE = 100
MAX_RESULT_DEPTH = 10_000
MAX_FILTER_VALUES = 50
#: A wildcard or prefix that expands to more index terms than this is refused, so that ``a*`` on
#: a large archive cannot stall the server.
MAX_EXPANSION = 2000
#: Offer a spelling suggestion when a query finds fewer documents than this.
SUGGEST_BELOW = 3
#: Offer one for a question or longer text too, whatever it found, when a word of it finds
#: nothing (``_suggestion``).
SUGGEST_FOR_QUESTIONS = True


@dataclass
class SearchRequest:
    """Everything a search can be asked. Validated on creation: bad values raise ``QueryError``.

    ``filters`` maps a facet name (year, month, person, place, organisation, mentioned) to the
    values to keep (OR inside a facet, AND across facets). ``date_from``/``date_to`` bound the
    publication period (overlap semantics: an April 2025 article matches a range ending
    2025-04-10). ``parse_dates`` lets German date phrases in the query ("seit März 2025") become
    a date filter.
    """

    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: PubDate | None = None
    date_to: PubDate | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    operator: str = "auto"
    parse_dates: bool = True
    facet_size: int = 10
    #: Count facets (False: hits only — cheaper when a caller shows no facets)
    facets: bool = True
    #: Mark the query's words in titles and snippets (False: plain title and the text's
    #: beginning — cheaper when a caller shows no marks)
    highlight: bool = True
    today: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.query, str):
            raise QueryError("query must be a string")
        # no control characters or lone surrogates ("\ud800" cannot be looked up as UTF-8)
        self.query = sanitize_text(self.query)
        if len(self.query) > MAX_QUERY_LENGTH:
            raise QueryError(
                f"query is longer than {MAX_QUERY_LENGTH} characters",
                german=f"Die Suchanfrage ist länger als {MAX_QUERY_LENGTH} Zeichen.",
            )
        if self.sort not in SORTS:
            raise QueryError(
                f"sort must be one of {', '.join(SORTS)}",
                german="Unbekannte Sortierung: möglich sind Relevanz, Neueste zuerst und Älteste zuerst.",
            )
        if self.operator not in OPERATORS:
            raise QueryError(
                f"operator must be one of {', '.join(OPERATORS)}",
                german=f"Unbekannter Operator: möglich sind {', '.join(OPERATORS)}.",
            )
        if not isinstance(self.page, int) or isinstance(self.page, bool) or self.page < 1:
            raise QueryError("page must be a positive integer", german="Die Seitenzahl muss 1 oder größer sein.")
        if not isinstance(self.per_page, int) or isinstance(self.per_page, bool) or not 0 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(
                f"per_page must be between 0 and {MAX_PER_PAGE}",
                german=f"Treffer je Seite: zwischen 0 und {MAX_PER_PAGE}.",
            )
        if self.page * self.per_page > MAX_RESULT_DEPTH:
            raise QueryError(
                f"results beyond position {MAX_RESULT_DEPTH} are not available",
                german=f"Treffer nach Platz {MAX_RESULT_DEPTH} werden nicht angezeigt: bitte die Suche eingrenzen.",
            )
        if not isinstance(self.facet_size, int) or not 1 <= self.facet_size <= 1000:
            raise QueryError(
                "facet_size must be between 1 and 1000", german="Werte je Filter: zwischen 1 und 1000."
            )
        for name in ("facets", "highlight", "parse_dates"):
            if not isinstance(getattr(self, name), bool):
                raise QueryError(f"{name} must be true or false")
        self.filters = _clean_filters(self.filters)
        for name in ("date_from", "date_to"):
            setattr(self, name, _date_bound(name, getattr(self, name)))


def _clean_filters(filters: object) -> dict[str, list[str]]:
    """Facet name → distinct values. One value may stand alone ("2025", or the number 2025)."""
    if not filters:
        return {}
    if not isinstance(filters, Mapping):
        raise QueryError("filters must map facet names to lists of values, e.g. {'year': ['2025']}")
    clean: dict[str, list[str]] = {}
    for name, values in filters.items():
        if name not in FACETS:
            raise QueryError(
                f"unknown filter {name!r}; known: {', '.join(FACETS)}",
                german=f"Unbekannter Filter „{name}“.",
            )
        if isinstance(values, (str, int)) and not isinstance(values, bool):
            values = [values]
        if not isinstance(values, (list, tuple, set, frozenset)):
            raise QueryError(f"filter {name!r} takes a list of values, not {type(values).__name__}")
        if len(values) > MAX_FILTER_VALUES:
            raise QueryError(
                f"at most {MAX_FILTER_VALUES} values per filter",
                german=f"Höchstens {MAX_FILTER_VALUES} Werte je Filter.",
            )
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            raise QueryError(f"filter {name!r} takes strings")
        if values:
            clean[name] = list(dict.fromkeys(str(v) for v in values))
            _check_period_values(name, clean[name])
    return clean


#: What a value of the year and month filters looks like (the year filter also takes the
#: undated documents: "none", "ohne Datum", as ``_resolve_filters`` reads them).
_PERIOD_VALUE = {
    "year": re.compile(r"[0-9]{4}"),
    "month": re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])"),
    "mentioned": re.compile(r"[0-9]{4}"),
}
_PERIOD_LABEL = {"year": "Jahr", "month": "Monat", "mentioned": "Im Text erwähnte Jahre"}
_UNDATED_VALUES = (NO_DATE, "ohne datum")


def _check_period_values(name: str, values: list[str]) -> None:
    """A year filter (and one of the years a text mentions) takes years and a month filter
    ``2025-03``: "abc", "März" or "2025-13" selected nothing, silently (``monat:März`` in the
    query takes month names)."""
    pattern = _PERIOD_VALUE.get(name)
    if pattern is None:
        return
    for value in values:
        if not pattern.fullmatch(value) and not (name != "month" and value.casefold() in _UNDATED_VALUES):
            example = "2025-03" if name == "month" else "2025"
            undated = "" if name == "month" else " (or 'none' for undated)"
            raise QueryError(
                f"filter {name!r} takes values such as {example!r}{undated}, not {value!r}",
                german=f"Filter „{_PERIOD_LABEL[name]}“: Werte wie {example}, nicht „{value}“.",
            )


def _date_bound(name: str, value: object) -> PubDate | None:
    """A publication-date bound from what a caller naturally has at hand: a string ("2025-04",
    "März 2025"), a ``date``/``datetime`` (day precision) or a year as a number. A blank string
    is no bound, as an empty form field is (a space in "Von" was a 400 "Datum fehlt")."""
    from .dates import parse_date_bound

    if value is None or isinstance(value, PubDate):
        return value
    if isinstance(value, str):  # (a part of a year: its first month "from", its last "to")
        return parse_date_bound(value, side="end" if name == "date_to" else "start") if value.strip() else None
    if isinstance(value, date):  # datetime is a date too
        return parse_date_bound(value.strftime("%Y-%m-%d"))
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_date_bound(str(value))
    raise QueryError(f"{name} must be a date string, a date or a year, not {type(value).__name__}")


def make_request(query: str = "", request: SearchRequest | Mapping[str, Any] | None = None, **options: Any) -> SearchRequest:
    """The ``SearchRequest`` of a library call: a ready request, a mapping of its fields, or the
    query and keyword options; an unknown option is a ``QueryError`` naming the known ones."""
    if isinstance(request, SearchRequest):
        return request
    if request is not None:
        if not isinstance(request, Mapping):
            raise QueryError(f"request must be a SearchRequest or a mapping, not {type(request).__name__}")
        options = {**request, **options}
        query = options.pop("query", query)
    known = {f.name for f in fields(SearchRequest)} - {"query"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise QueryError(f"unknown search option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return SearchRequest(query=query, **options)


#: URL/API parameter names besides the facet names.
PARAMS = ("q", "from", "to", "sort", "page", "per_page", "operator", "facet_size", "facets", "highlight")
#: The parameters that decide which documents a search finds (with the facet filters): a
#: facet-value search counts within them, the rest (order, page, what to show) do not matter.
SCOPE_PARAMS = ("q", "from", "to", "operator")
#: German names of the parameters a reader of the web page can get wrong (for ``QueryError.german``).
_GERMAN_PARAMS = {"page": "Die Seitenzahl", "per_page": "Die Zahl der Treffer je Seite", "facet_size": "Die Zahl der Filterwerte"}
_GERMAN_FIELDS = "titel, ort, person, org, jahr, monat (englisch title, place, person, organisation, year, month)"
_SYNTAX_ADVICE = (
    "Die Suchanfrage ist nicht lesbar: bitte AND, OR, NOT, Klammern und Anführungszeichen prüfen."
)


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = [v for v in params.get(name, []) if v != ""]
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given more than once", german=f"Der Parameter „{name}“ steht mehrmals in der Adresse.")
    return values[0] if values else None


#: (at most 4,000 digits: int() refuses strings of over 4,300; a long one is then "too far")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,4000}")


def int_param(name: str, value: str | None, default: int) -> int:
    """A whole-number URL parameter. ASCII digits only: ``int`` would also read "１" or "١" as 1
    and "1_0" as 10, "+2" and " 2" as 2, and a page number should look the same in the address
    bar as on the page."""
    if value is None or value == "":
        return default
    if _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    raise QueryError(
        f"parameter {name!r} must be an integer, not {value!r}",
        german=f"{_GERMAN_PARAMS.get(name, name)} muss eine ganze Zahl sein, nicht „{value}“.",
    )


def _int(params: Mapping[str, list[str]], name: str, default: int) -> int:
    return int_param(name, _one(params, name), default)


def request_from_params(params: Mapping[str, list[str]], *, today: date | None = None) -> SearchRequest:
    """A ``SearchRequest`` from URL-style parameters (each name → list of values), as the HTTP
    API and the web form send them. Unknown parameters are an error, not silently ignored."""
    unknown = sorted(set(params) - set(PARAMS) - set(FACETS))
    if unknown:
        raise QueryError(
            f"unknown parameter(s): {', '.join(unknown)}; known: {', '.join(PARAMS + tuple(FACETS))}",
            german=f"Unbekannte Angabe in der Adresse: {', '.join(unknown)}.",
        )
    return SearchRequest(
        query=_one(params, "q") or "",
        filters={name: [v for v in params[name] if v] for name in FACETS if params.get(name)},
        date_from=_one(params, "from"),  # type: ignore[arg-type]
        date_to=_one(params, "to"),  # type: ignore[arg-type]
        sort=_one(params, "sort") or "relevance",
        page=_int(params, "page", 1),
        per_page=_int(params, "per_page", 10),
        operator=_one(params, "operator") or "auto",
        facet_size=_int(params, "facet_size", 10),
        facets=_bool(params, "facets", True),
        highlight=_bool(params, "highlight", True),
        today=today,
    )


def _bool(params: Mapping[str, list[str]], name: str, default: bool) -> bool:
    value = _one(params, name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise QueryError(f"{name} must be true or false", german=f"„{name}“ muss true oder false sein.")


def request_to_params(request: SearchRequest) -> dict[str, list[str]]:
    """The inverse of ``request_from_params`` (defaults left out), for building links."""
    params: dict[str, list[str]] = {}
    if request.query:
        params["q"] = [request.query]
    for name, values in request.filters.items():
        params[name] = list(values)
    if request.date_from:
        params["from"] = [request.date_from.value]
    if request.date_to:
        params["to"] = [request.date_to.value]
    if request.sort != "relevance":
        params["sort"] = [request.sort]
    if request.operator != "auto":
        params["operator"] = [request.operator]
    if request.per_page != 10:
        params["per_page"] = [str(request.per_page)]
    if request.facet_size != 10:
        params["facet_size"] = [str(request.facet_size)]
    if request.page != 1:
        params["page"] = [str(request.page)]
    if not request.facets:
        params["facets"] = ["false"]
    if not request.highlight:
        params["highlight"] = ["false"]
    return params


def toggle_params(request: SearchRequest, facet: str, value: str) -> dict[str, list[str]]:
    """Parameters of the same search with ``value`` of ``facet`` switched on or off (back to
    page 1): every facet value and every active-filter chip links to this."""
    params = request_to_params(request)
    params.pop("page", None)
    values = params.get(facet, [])
    params[facet] = [v for v in values if v != value] if value in values else values + [value]
    if not params[facet]:
        del params[facet]
    return params


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected}


@dataclass
class Facet:
    """Datasette's facet shape: name, label, results and whether more values exist."""

    name: str
    label: str
    results: list[FacetValue]
    truncated: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "results": [v.to_dict() for v in self.results],
            "truncated": self.truncated,
        }


@dataclass
class Hit:
    document: Document
    score: float | None
    title_html: str
    snippet_html: str

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "id": doc.id,
            "title": doc.title,
            "title_html": self.title_html,
            "snippet_html": self.snippet_html,
            "url": doc.url,
            "source": doc.source,
            "published": doc.published.value if doc.published else None,
            "published_precision": doc.published.precision.value if doc.published else None,
            "published_label": doc.published.label() if doc.published else None,
            "entities": [e.to_dict() for e in doc.entities],
            "score": self.score,
        }


@dataclass
class DateFilter:
    """The publication-date bounds in force, and where they came from."""

    start: PubDate | None
    end: PubDate | None
    phrase: str = ""
    label: str = ""

    def shown(self) -> str:
        """What the page calls the period: the date phrase's label, else "März 2024 – …"."""
        return self.label or f"{self.start.label() if self.start else '…'} – {self.end.label() if self.end else '…'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.value if self.start else None,
            "to": self.end.value if self.end else None,
            "phrase": self.phrase,
            "label": self.label,
        }


@dataclass
class SearchResult:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: list[Facet]
    took_ms: float
    query_text: str
    operator: str
    date_filter: DateFilter | None = None
    #: "Meinten Sie …?": the query with misspelt words replaced, when that finds more.
    suggestion: str | None = None
    #: A date phrase of the query searched as words, because no match lies in its period
    #: ("Super Bowl 2015" over articles of 2016): the page says so ("" when none was).
    date_words: str = ""

    @property
    def pages(self) -> int:
        if not self.request.per_page:  # counts and facets only: one page without hits
            return 1
        return max(1, -(-min(self.total, MAX_RESULT_DEPTH) // self.request.per_page))

    def facet(self, name: str) -> Facet | None:
        return next((f for f in self.facets if f.name == name), None)

    @property
    def fell_back(self) -> bool:
        """Whether keywords were answered with any of their words because no document has all
        of them (``operator`` auto): not for a question, which is read with any word anyway."""
        return self.request.operator == "auto" and self.operator == "or" and _is_keyword_query(self.query_text)

    def to_dict(self) -> dict[str, Any]:
        req = self.request
        return {
            "query": req.query,
            "query_text": self.query_text,
            "operator": self.operator,
            "date_filter": self.date_filter.to_dict() if self.date_filter else None,
            "filters": req.filters,
            "sort": req.sort,
            "page": req.page,
            "per_page": req.per_page,
            "pages": self.pages,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "date_words": self.date_words,
            "hits": [h.to_dict() for h in self.hits],
            "facets": [f.to_dict() for f in self.facets],
        }


class GermanQueryParser(QueryParser):
    """Whoosh's parser with German compound semantics: a word that the analyzer splits matches
    the whole word OR all of its parts (with ``loose_compounds``, the OR operator's choice: OR
    any of its parts, ``_word_query``), and prefixes/wildcards are folded but not stemmed (a stem
    of a prefix is no prefix; ``prefix_words`` adds the index words of the texts' words that
    begin with a prefix). Words in ``question_words`` (lowercased surface forms) weigh
    ``QUESTION_WORD_WEIGHT``."""

    question_words: frozenset[str] = frozenset()
    loose_compounds: bool = False
    #: The index's spelling vocabulary (every word of its texts, as written), or None.
    vocabulary: Any = None
    #: The text being parsed (``parse``), whose letters a phrase keeps (``phrase``).
    typed_text: str = ""

    def parse(self, text: str, normalize: bool = True, debug: bool = False) -> query.Query:  # type: ignore[override]
        self.typed_text = text
        return super().parse(text, normalize=normalize, debug=debug)

    def phrase(self, fieldname: str, words: list[str], **options: Any) -> query.Phrase:
        """Whoosh's ``phraseclass``: a ``_Phrase`` with its words as typed, taken from the text
        at the places Whoosh gives (``char_ranges``), which the analyzed words do not tell."""
        phrase = _Phrase(fieldname, words, **options)
        ranges = options.get("char_ranges") or []
        if all(start is not None and end is not None for start, end in ranges):
            phrase.typed = tuple(self.typed_text[start:end] for start, end in ranges)
        return phrase

    def term_query(  # noqa: PLR0913 - Whoosh's signature
        self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True
    ):  # type: ignore[no-untyped-def]
        if fieldname not in QUERY_FIELDS:
            _check_fields(query.Term(fieldname, text))
        if termclass is query.Prefix:
            return _prefix_query(fieldname, _without_thousands_dots(clean_word(text)), boost, self.vocabulary)
        if termclass is query.Wildcard:
            # NFC, as the analyzer reads the texts: a pattern typed in decomposed Unicode
            # ("Flu\u0308chtl*nge", as macOS and some keyboards send it) matched no word
            return _wildcard_query(fieldname, clean_word(text), boost, self.vocabulary)
        if _asks(text, self.question_words):
            boost *= QUESTION_WORD_WEIGHT
        field_obj = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if termclass is not query.Term or field_obj is None or not field_obj.analyzer or not tokenize:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        groups = _token_groups(field_obj.analyzer, text, removestops)
        if not field_obj.format.supports("positions"):
            # a field of values (year, month, mentioned, the entities) has no word order: a
            # value written as several ("mentioned:2024,2025", "jahr:99999") is all of them
            terms = [query.Term(fieldname, texts[0], boost=boost) for texts in groups]
            return _joined(query.And, terms) if terms else None
        return _word_query(fieldname, groups, boost, loose=self.loose_compounds)


    def fuzzy_query(  # noqa: PLR0913 - the parts of "word~2/3" and its field
        self, fieldname: str, text: str, boost: float, maxdist: int, prefixlength: int
    ) -> query.Query | None:
        """``word~N/P``: index words within N edits (two letters swapped count one) of the word's
        index form, the first P letters equal. The word is analysed like any other (folded, stemmed), so
        "Bundesregirung~" looks near "bundesregir" and finds "bundesregier"; a word the
        analyzer splits at hyphens is fuzzy in each part."""
        if fieldname not in QUERY_FIELDS:
            _check_fields(query.Term(fieldname, text))
        if maxdist > MAX_FUZZY_DISTANCE:
            raise QueryError(
                f"fuzzy search allows at most {MAX_FUZZY_DISTANCE} edits ({text}~{maxdist})",
                german=f"Unscharfe Suche erlaubt höchstens {MAX_FUZZY_DISTANCE} Abweichungen ({text}~{maxdist}).",
            )
        field_obj = self.schema[fieldname]
        terms = [group[0] for group in _token_groups(field_obj.analyzer, text)]
        fuzzy = [
            query.FuzzyTerm(fieldname, term, boost=boost, maxdist=maxdist, prefixlength=prefixlength)
            for term in terms
        ]
        if not fuzzy:
            return None
        return fuzzy[0] if len(fuzzy) == 1 else query.And(fuzzy)


class WildcardRunPlugin(WildcardPlugin):
    """Whoosh's wildcards, with a run of them one node: Whoosh tags every ``?`` and ``*`` on its
    own and joins each to the text beside it only, so "Sch??z" became "sch??" AND "z" and found
    nothing (found by a review)."""

    expr = "(?P<text>[*%s]+)" % WildcardPlugin.qmarks


class GermanFuzzyPlugin(FuzzyTermPlugin):
    """Whoosh's ``word~N/P`` syntax, with the word analysed by ``GermanQueryParser.fuzzy_query``
    (Whoosh's own node would look up the typed word itself, which no index holds: the index
    has folded stems)."""

    class FuzzyTermNode(FuzzyTermPlugin.FuzzyTermNode):
        def query(self, parser: GermanQueryParser) -> query.Query | None:  # type: ignore[override]
            return parser.fuzzy_query(self.fieldname, self.text, self.boost, self.maxdist, self.prefixlength)


def _token_groups(analyzer: Any, text: str, removestops: bool = True) -> list[list[str]]:
    """The index terms of ``text``, one list per position: the whole word first, then the parts
    the analyzer stacked on it."""
    groups: dict[int, list[str]] = {}
    for token in analyzer(text, positions=True, mode="index", removestops=removestops):
        if not token.stopped:
            groups.setdefault(token.pos, []).append(token.text)
    return list(groups.values())


#: Weight of each compound part of a query word against the whole word (1), under OR.
PART_WEIGHT = 0.5
#: The same under AND, where a text matches a compound by all of its parts (measured when they
#: could stand anywhere in the text; now they must form one word, ``OneWord``): at 0.5 the
#: article "Wir sind eine Welt im Krieg" (welt, krieg in the title) ranked first for
#: "Weltkrieg", which it never says. Share of the top 10 with the whole word over 15 compound
#: keywords on 10,000 news articles: 0.5 → 0.86 (two wrong first hits), 0.25 → 0.89 (none).
ALL_PARTS_WEIGHT = 0.25


def _one_unit(fieldname: str, terms: list[str], boost: float) -> query.Query:
    """A typed word that the analyzer cuts into several words ("O’Brien", "10.03.2025"): its
    words next to each other, as they stand in it. Required anywhere in the text (``And``),
    "2,5 Prozent" ranked "2,5 Millionen Euro … 5 Prozent" first and the texts with "2,5
    Prozent" 13th (numbers with separators are one word since: ``analysis.NUMBER``)."""
    return query.Phrase(fieldname, terms, boost=boost)


def _word_query(
    fieldname: str, groups: list[list[str]], boost: float, *, loose: bool = False
) -> query.Query | None:
    """One word in one field (``GermanQueryParser.term_query``): each position's whole word OR
    all of its parts in one word of the text (``engines.OneWord``: "Freibad" finds
    "Hallenfreibad", not "Freistaat" and "Baden-Württemberg" in other sentences), each part at
    ``ALL_PARTS_WEIGHT``; None when the analyzer left nothing (stop words).

    ``loose`` (the OR operator: any word may be missing) lets a compound match by any of its
    parts, so a text that has one part scores that part's share: "Bodhisattva-Gelübde" finds the
    paragraph that misspells "Bodhisattva-Gelübte", "Verteidigungsministerium" a text that only
    says "Ministerium". A text with every part scores as with the strict form. MRR@10 (tantivy
    engine, iteration runs): XQuAD-de 0.9299 → 0.9324, news set 0.7399 → 0.7451.

    A typed word cut into several words is one unit (``_one_unit``)."""
    if len(groups) > 1 and all(len(texts) == 1 for texts in groups):
        return _one_unit(fieldname, [texts[0] for texts in groups], boost)
    clauses = []
    for texts in groups:
        whole, parts = texts[0], [t for t in texts[1:] if t != texts[0]]
        term = query.Term(fieldname, whole, boost=boost)
        if not parts:
            clauses.append(term)
            continue
        weight = PART_WEIGHT if loose else ALL_PARTS_WEIGHT
        part_terms = [query.Term(fieldname, p, boost=boost * weight) for p in parts]
        if loose:
            clauses.append(query.Or([term, *part_terms]))
        else:
            # one part left (the rest repeated it or the whole: "Mieterinnen") is that term; a
            # OneWord of one term made the tantivy engine fail (found by a review)
            clauses.append(query.Or([term, OneWord(part_terms) if len(part_terms) > 1 else part_terms[0]]))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else query.And(clauses)


#: ``name:`` is field syntax only after the name of a field of the schema (``title:Baku``,
#: ``person:Merz``; internal fields stay syntax so that naming them is a clear error). Any other
#: colon is punctuation: headlines ("Ukraine-Krieg: Trump …", "WHO: Höchststand …") and times
#: ("4:51") were read as unknown fields and found nothing (31 % of the news-set headlines).
_FIELD_NAMES = frozenset(query_schema().names())
_FIELD_SYNTAX = rf"(?<![\w-])(?:{'|'.join(sorted(_FIELD_NAMES, key=len, reverse=True))}):"
_WORD_COLON = re.compile(r"(?<![\w-])([\w-]*):")
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT)\b")
#: (A leading + or - is no operator here — Whoosh's parser has no plus/minus plugin — so it does
#: not make a query explicit: "Privatpersonen und -organisationen" is German's Ergänzungsstrich,
#: "Rafale -Jets" a compound whose quotation marks were lost.) Quotes are no logic either: a
#: phrase is one unit of the query, and the rest keeps the operator choice and the second
#: stage — a question or a pasted lead with a quoted title (»Tatort«) required every word and
#: found nothing (news set with „…“/»…« as quotes: MRR@10 0.7272 with quotes as logic, 0.7352
#: without; quotes ignored: 0.7347).
_EXPLICIT_SYNTAX = re.compile(rf'{_OPERATORS.pattern}|[()]|{_FIELD_SYNTAX}|[\[{{][^\]}}]*\bTO\b')
_PUNCTUATION = ".,;:!?\"'()"


def _asks(word: str, asking: frozenset[str]) -> bool:
    """Whether the query word ``word`` (punctuation around it allowed) is one of the question's
    words that ask (``querywords.question_words``: lowercased)."""
    return bool(asking) and word.lower().strip(_PUNCTUATION) in asking


#: German names of the searchable fields, and the field names with a capital (German nouns
#: have one): ``Titel:Erdoğan``, ``ort:Baku``, ``Org:NATO``. Only right before a word or quote
#: ("Ort: Berlin" in a pasted headline stays text).
FIELD_ALIASES = {
    "titel": "title", "ort": "place", "orte": "place", "personen": "person", "org": "organisation",
    "organisationen": "organisation", "jahr": "year", "monat": "month", "text": "body",
    "vorspann": "lead", "namen": "names",
    **{name: name for name in ("title", "lead", "body", "names", "person", "place", "organisation", "year", "month")},
}


_QUOTED = re.compile(r'"[^"]*"?')
#: ``id:10kgnad:1``: an id is one value up to the next space, colons included (ids made from
#: sources and URLs have them); quoted, so that its colons are not read as fields.
_ID_WITH_COLON = re.compile(r'(?<![\w-])(id:)([^\s"()]*:[^\s"()]*)')


#: A word with a score, time or ratio in it ("2:1", "14:30", "2:1-Sieg", "1:2,5", "20:45h",
#: "-2:5"): up to the next space, quote or bracket, after an optional field name ("title:2:1").
#: Quoted, the analyzer reads it as the indexed text was read (``analysis.NUMBER``: "20:45h" is
#: "20:45" and "h"); unquoted, Whoosh's parser read "14:" as a field and dropped it, and a
#: narrower pattern left "1:2,5" split at its colon, found by nothing.
_NUMBER_WITH_COLON = re.compile(r'(?<![^\s(])((?:[^\W\d]\w*:)?)([^\s"()]*\d:\d[^\s"()]*)')


def _quote_numbers_with_colons(text: str) -> str:
    """``text`` with its scores and times (``_NUMBER_WITH_COLON``) quoted, outside quotes."""
    quoted = [m.span() for m in _QUOTED.finditer(text)] if '"' in text else []

    def quote(match: re.Match[str]) -> str:
        if any(start < match.start() < end for start, end in quoted):
            return match.group(0)
        return f'{match.group(1)}"{match.group(2)}"'

    return _NUMBER_WITH_COLON.sub(quote, text)


def _plain_colons(text: str) -> str:
    """``text`` with every colon that is not field syntax replaced by a space, and German or
    capitalized field names (``FIELD_ALIASES``) before a word, quote, bracket or range replaced by
    the field's name. Inside quotes nothing changes: ``"Jahr:2015"`` is a phrase, and
    ``organisation:"4:2 Toronto Maple Leafs"`` names a value with a colon."""
    if ":" not in text:
        return text
    text = _ID_WITH_COLON.sub(r'\1"\2"', text)
    text = _quote_numbers_with_colons(text)
    quoted = [m.span() for m in _QUOTED.finditer(text)] if '"' in text else []

    def field_colon(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _FIELD_NAMES or any(start < match.start() < end for start, end in quoted):
            return match.group(0)  # field syntax, or a colon inside quotes: the phrase's own
        alias = FIELD_ALIASES.get(word.lower())
        after = text[match.end() : match.end() + 1]
        if alias and (after.isalnum() or after in ('"', "(", "[", "{")):  # ranges too: jahr:[2024 TO 2025]
            return alias + ":"
        return word + " "

    return _WORD_COLON.sub(field_colon, text)


#: German words for the operators. They stay words (German writes capitals for emphasis:
#: "Österreich NICHT überfordert", "JA ODER NEIN"); ``operator_reading`` offers the reading
#: with Whoosh's operators instead.
GERMAN_OPERATORS = {"UND": "AND", "ODER": "OR", "NICHT": "NOT"}
_BINARY_OPERATORS = frozenset({"AND", "OR", "ANDNOT", "ANDMAYBE"})
#: Query tokens for ``_tidy_operators``: a quoted phrase (operators inside it are words), a
#: bracket, or anything else up to a space or bracket (``title:"…"`` is one token).
_QUERY_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+(?:"[^"]*"?)?')


def _token_kind(word: str) -> str:
    if word in _BINARY_OPERATORS:
        return "binary"
    if word == "NOT":
        return "not"
    return {"(": "open", ")": "close"}.get(word, "operand")


def _tidy_operators(text: str, operators: dict[str, str] | None = None) -> str:
    """Operators with nothing to join dropped: people type "Gas OR" on the way to "Gas OR Öl",
    or delete a word and leave "OR Gas"; Whoosh read the leftover as the word "or", required it
    and found nothing. Rules, repeated until nothing changes: a binary operator needs an operand
    (or a closing bracket) before it and an operand, an opening bracket or NOT after it; NOT
    needs an operand or opening bracket after it ("NOT NOT x" is x). A query of nothing but
    operators stays as typed (its words find nothing, rather than everything). ``operators``
    renames words to operators first (``operator_reading``)."""
    names = operators or {}
    if not any(op in text for op in ("AND", "OR", "NOT", *names)):
        return text
    tokens = [(m.start(), m.end(), names.get(m.group(0), m.group(0))) for m in _QUERY_TOKEN.finditer(text)]
    kept = [True] * len(tokens)
    kinds = [_token_kind(word) for _, _, word in tokens]

    changed = True
    while changed:
        changed = False
        live = [i for i, keep in enumerate(kept) if keep]
        for n, i in enumerate(live):
            before = kinds[live[n - 1]] if n else "start"
            after = kinds[live[n + 1]] if n + 1 < len(live) else "end"
            drop: list[int] = []
            if kinds[i] == "binary" and (before not in ("operand", "close") or after not in ("operand", "open", "not")):
                drop = [i]
            elif kinds[i] == "not" and after == "not":
                drop = [i, live[n + 1]]
            elif kinds[i] == "not" and after not in ("operand", "open"):
                drop = [i]
            if drop:
                for j in drop:
                    kept[j] = False
                changed = True
                break
    if not any(keep and kinds[i] == "operand" for i, keep in enumerate(kept)):
        return text
    out, last = [], 0
    for (start, end, word), keep in zip(tokens, kept):
        out.append(text[last:start])
        out.append(word if keep else " ")
        last = end
    out.append(text[last:])
    return "".join(out)


#: A question mark that ends a word ("Wer sang die Nationalhymne?") or stands alone after one
#: ("… zur Handels-Bazooka ?") is punctuation, not the one-letter wildcard: people type
#: questions. Inside a word ("Mei?er") or as the whole query ("??") it stays a wildcard; before
#: other punctuation ("Kanzler?!", "?.", "?,") it is punctuation too (a review: "Kanzler?!" was
#: a wildcard and found nothing).
_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=[!.,;:\s\"'\)\]]|$)|(?<=\w\s)\?+(?=[!.,;:]*(?:\s|$))")


_BRACKETS = re.compile(r"[()]")
#: Quotation marks of German, Swiss and English typography („…“, »…«, «…», “…”): phrase quotes
#: like the ASCII ones. Keyboards, autocorrect and text pasted from articles write them; read
#: as punctuation, „Welt im Krieg“ found 25 times as much as "Welt im Krieg".
_TYPOGRAPHIC_QUOTES = str.maketrans(dict.fromkeys("„“”‟»«", '"'))
#: A star standing alone ("*", "* Merz"): every word, which adds nothing to the other words and
#: alone means every document; Whoosh would read it as every term of every field (seconds).
_LONE_STAR = re.compile(r"(?<![^\s(])\*+(?![^\s)])")
#: ``"…"~0``: a phrase with no slack, which is the exact phrase.
_EXACT_SLOP = re.compile(r'(?<=")~0+(?=[\s)]|$)')

#: A tilde is syntax right after a word ("Erdogan~", "Selenskij~2", "Bundesregirung~1/4":
#: fuzzy) or a closing quote (``"Bund Länder"~3``: proximity); anywhere else ("~ 50 Euro",
#: "50~60") it is punctuation.
_TILDE_SYNTAX = re.compile(r'(?<=\w)~[0-9]?(?:/[1-9][0-9]*)?(?=[\s)]|$)|(?<=")~[1-9][0-9]*(?=[\s)]|$)')
#: Largest edit distance of a fuzzy word (as in Lucene): more matches nearly every short word.
MAX_FUZZY_DISTANCE = 2


#: A tilde or caret right after a word or a closing quote, with what follows it up to a space
#: or bracket: fuzzy (``Wort~2/3``), proximity (``"a b"~3``) or boost (``Wort^2``) syntax when
#: well formed (``_TILDE_SYNTAX``, ``_BOOST``).
_MODIFIER = re.compile(r'(?<=[^\W\d_]|")([~^])([^\s()]*)')
_BOOST = re.compile(r"[0-9]+(?:\.[0-9]+)?")
#: A boost as Whoosh's parser reads one (``BoostPlugin``): a number after a word, a number, a
#: phrase or a bracket, before a space, a closing bracket or the end ("Merz^2", "2025^2",
#: "(Merz OR Scholz)^2").
_BOOST_SYNTAX = re.compile(r"(?<=[^\s(])\^([0-9]*(?:\.[0-9]+)?)(?=[\s)]|$)")
#: Largest boost: a word weighed a hundred times decides the ranking alone already, and a
#: longer number ("Merz^99999…") is infinite as a float, which breaks every score it joins.
MAX_BOOST = 100


def _check_modifiers(text: str) -> None:
    """A ``~`` or ``^`` after a word or phrase followed by a number that is not a valid one
    ("Merz~1.5", ``"Friedrich Merz"~-1``, "Merz^-1", "Merz^abc") is a typo of the syntax:
    read as punctuation, its digits became words of the query and found next to nothing, with
    no word said. A tilde followed by letters ("Merz~abc") or after a number ("50~60") stays
    punctuation. A well-formed boost must also be in range (``_check_boosts``)."""
    for match in _MODIFIER.finditer(text):
        sign, rest = match.groups()
        if sign == "^" and not _BOOST.fullmatch(rest):
            raise _boost_error(match[0])
        if sign == "~" and rest[:1] in ("-", "+", ".", *"0123456789") and not _TILDE_SYNTAX.match(text, match.start()):
            if text[match.start() - 1] == '"':
                raise QueryError(
                    f'the distance of a phrase is a whole number, as in "Wort Gruppe"~3, not {match[0]!r}',
                    german=f"Der Abstand einer Wortgruppe ist eine ganze Zahl, etwa „Wort Gruppe“~3, nicht „{match[0]}“.",
                )
            raise QueryError(
                f"fuzzy search takes the number of typos, as in Wort~1, Wort~2 or Wort~1/3, not {match[0]!r}",
                german=f"Unscharfe Suche nimmt die Zahl der Abweichungen, etwa Wort~1, Wort~2 oder Wort~1/3, nicht „{match[0]}“.",
            )
    _check_boosts(text)


def _check_boosts(text: str) -> None:
    """Every boost Whoosh would read (``_BOOST_SYNTAX``) is above 0 and at most ``MAX_BOOST``:
    "Merz^0" weighed the word nothing (it still had to match, but counted for no rank) and
    "Merz^99999…" made scores infinite, both without a word said (found by a review). A caret
    inside quotes is the phrase's text, as Whoosh reads it."""
    quoted = [m.span() for m in _QUOTED.finditer(text)] if '"' in text else []
    for match in _BOOST_SYNTAX.finditer(text):
        inside = any(start < match.start() < end for start, end in quoted)
        if match[1] and not inside and not 0 < float(match[1]) <= MAX_BOOST:
            raise _boost_error(match[0])


def _boost_error(written: str) -> QueryError:
    return QueryError(
        f"a boost is a number above 0 and at most {MAX_BOOST}, as in Wort^2 or Wort^0.5, not {written!r}",
        german=f"Eine Gewichtung ist eine Zahl über 0 und höchstens {MAX_BOOST}, etwa Wort^2 oder Wort^0.5, nicht „{written}“.",
    )


def _plain_tildes(text: str) -> str:
    """``text`` with every tilde that is not fuzzy or proximity syntax replaced by a space."""
    if "~" not in text:
        return text
    kept = {m.start() for m in _TILDE_SYNTAX.finditer(text)}
    return "".join(" " if char == "~" and i not in kept else char for i, char in enumerate(text))


#: One search's readings of the texts it asks ``_user_words`` about (``run_search`` sets it):
#: the operator choice, the parser, the proximity extra, the second stage and the suggestion
#: each ask about the same query text, and its reading does not change within the search.
_USER_WORDS: ContextVar[dict[str, str] | None] = ContextVar("user_words", default=None)


def _user_words(text: str) -> str:
    """``text`` with the punctuation that people type and Whoosh would read as syntax removed:
    colons that name no field, question marks after words, operators with nothing to join, and
    brackets in a query without operators ("Mikl-Leitner (ÖVP) und Doskozil (SPÖ)": an aside,
    not a group of logic). German field names become Whoosh's."""
    read = _USER_WORDS.get()
    if read is None:
        return _read_user_words(text)
    words = read.get(text)
    if words is None:
        words = read[text] = _read_user_words(text)
    return words


#: A genitive written with an apostrophe ("Merkel's", "Trump’s"), outside a quoted phrase: the
#: group of the phrase keeps it as it is.
_APOSTROPHE_GENITIVE = re.compile(r"\"[^\"]*\"?|(?<=[^\W\d_])['’]s\b")


def _genitive_without_apostrophe(match: re.Match[str]) -> str:
    """"Merkel's" is read as "Merkel" ("Scholz's" as "Scholz"): the apostrophe made it the phrase
    "merkel s", which found only the texts that write it so (found by a review)."""
    return match[0] if match[0].startswith('"') else ""


def _read_user_words(text: str) -> str:
    text = text.translate(_TYPOGRAPHIC_QUOTES)
    if "'" in text or "’" in text:
        text = _APOSTROPHE_GENITIVE.sub(_genitive_without_apostrophe, text)
    text = _LONE_STAR.sub(" ", _EXACT_SLOP.sub("", text))
    _check_modifiers(text)
    text = _tidy_operators(_plain_tildes(_plain_colons(_QUESTION_MARK.sub("", text))))
    if "(" in text or ")" in text:
        if not _OPERATORS.search(text):
            text = _BRACKETS.sub(" ", text)
    return text


def operator_reading(result: SearchResult) -> str | None:
    """The result's query with its German operator words read as operators ("Gas ODER Öl" →
    "Gas OR Öl"), when it has any outside quotes that join something and the reading parses;
    else None. The words are read in the query without its date phrase, which is kept as it
    is ("Ukraine NICHT Russland seit 2024" → "Ukraine NOT Russland seit 2024"). The web page
    and the CLI offer it: capitals are also emphasis in German, so the words are not operators
    unasked."""
    text = result.query_text
    if not any(word in text for word in GERMAN_OPERATORS):
        return None
    read = _tidy_operators(text, GERMAN_OPERATORS)
    if read == text or not _OPERATORS.search(_user_words(read)):
        return None
    try:
        parse_query(None, read, "and")
    except QueryError:
        return None  # "Gas NICHT (NICHT Öl": the reading would be a syntax error
    phrase = result.date_filter.phrase if result.date_filter else ""
    return " ".join(f"{read} {phrase}".split())


def _is_explicit(text: str) -> bool:
    """Whether the user wrote query logic (operators, groups, fields, ranges): then the query
    means what it says, without the operator choice, fallback or re-ranking."""
    return bool(_EXPLICIT_SYNTAX.search(_user_words(text)))


def parse_query(index: Any, text: str, operator: str) -> query.Query | None:
    """Parse user text into a Whoosh query over the text fields, or None for an empty query."""
    text = _user_words(text)
    if not text.strip():
        return None
    # Plain OrGroup: its coordination variant (OrGroup.factory) crashes in Whoosh 2.7 on
    # multi-segment indexes (CoordMatcher asks an exhausted MultiMatcher for its children).
    asking = frozenset(question_words(text))
    try:
        if _is_plain_text(text):
            parsed = _parse_words(text, operator, asking)
        else:
            vocabulary = index.spelling() if index is not None and ("*" in text or "?" in text) else None
            parsed = _parser(operator, asking, vocabulary).parse(text)
    except (QueryParserError, ValueError, RecursionError) as error:
        raise QueryError(f"cannot parse query: {error}", german=_SYNTAX_ADVICE) from error
    except (IndexError, KeyError, TypeError, AttributeError, AssertionError) as error:
        # Whoosh's parser has crashes of its own on odd operator chains ("NOT NOT … Baku",
        # "Türkei ANDNOT ANDNOT Türkei" trips an assertion inside it)
        raise QueryError(
            "cannot parse query: check the use of AND, OR, NOT and brackets", german=_SYNTAX_ADVICE
        ) from error
    if parsed is query.NullQuery or isinstance(parsed, query.NullQuery.__class__):
        return None
    _check_fields(parsed)
    return _with_proximity(parsed, text, asking)


#: A number with thousands dots, perhaps with decimals begun ("3.000", "1.500,"): the
#: beginning of a number, as a prefix.
_DOTTED_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d*)?")


def _without_thousands_dots(prefix: str) -> str:
    """``prefix`` as the index has it: a number's thousands dots dropped ("3.000*" is "3000*",
    ``analysis.clean_token``); found nothing before."""
    return prefix.replace(".", "") if _DOTTED_NUMBER.fullmatch(prefix) else prefix


def _prefix_query(field: str, text: str, boost: float, vocabulary: Any) -> query.Query:
    """``Wort*``: the index words that begin with the folded prefix, and the index word of every
    word of the indexed texts that begins with it. Index words are stems ("Israel" → isral,
    "Straße" → strass, "Wahlen" → wahl): the prefix alone missed the very word it was typed
    from ("Israel*" found nothing, "Wahlen*" 2 of the 209 articles with "Wahlen"). Only a
    word's own index word is added, not its compound parts ("Ukrainekrieg" adds
    ukrainekrieg, not krieg). A prefix with ae/oe/ue is also read with umlauts when that
    reading begins words of the texts ("Tuerkei*" as "Türkei*"; "Oesterreich*" finds both
    spellings: one hashtag "#oesterreichwirdfussballeuropameister" had kept it from Österreich).
    A hyphenated prefix ("Corona-Pandem*") is the wildcard of the same letters
    (``_wildcard_query``): the words of the texts have no hyphens to begin with."""
    if "-" in text:
        return _wildcard_query(field, text + "*", boost, vocabulary)
    words = vocabulary.starting_with(text.lower(), MAX_EXPANSION) if vocabulary is not None else None
    as_typed = _prefix_words_query(field, text, boost, words or [])
    if words is not None and _UMLAUT_SPELLING.search(text.lower()):
        # perhaps written without umlauts ("Tuerkei*", "Koeln*")
        umlauts = _with_umlauts(text.lower())
        umlaut_words = vocabulary.starting_with(umlauts, MAX_EXPANSION)
        if umlaut_words:
            read = _prefix_words_query(field, umlauts, boost, umlaut_words)
            return query.Or([as_typed, read]) if words else read
    return as_typed


def _wildcard_query(field: str, text: str, boost: float, vocabulary: Any) -> query.Query:
    """``Fl*chtlinge``, ``Str?che``: the index words that the folded pattern matches, and the
    index word of every word of the texts that the pattern matches. As for a prefix, index words
    are stems (Flüchtlinge → fluchtling): a pattern that spells out an inflection matched no
    index word ("Fl*chtlinge" found nothing, found by a review).

    A hyphenated word is indexed as its whole word without the hyphens (stemmed as one word:
    "Corona-Pandemie" → coronapandemi) with its parts stacked on it, so the pattern is matched
    without its hyphens (``_index_pattern``), and the words it spells are the hyphenated words
    the words of the texts make, one per piece (``_hyphenated_words``): "Corona-P?ndemie" and
    "Corona-Pand*mie" find "Corona-Pandemie" and its inflections, as the word typed plainly
    does (a review: with the hyphen the pattern matched no index word and found nothing). Like
    any pattern it stands for whole words: a longer compound ("Corona-Pandemie-Bilanz"), which
    the typed word also finds by its parts, is not among them."""
    pattern = text.lower()
    wildcard = query.Wildcard(field, _index_pattern(pattern), boost=boost)
    words = _spelled_words(pattern, vocabulary) if vocabulary is not None else []
    stems = sorted({analyzed[0] for analyzed in map(_index_words, words) if analyzed})
    terms = [query.Term(field, stem, boost=boost) for stem in stems]
    return query.Or([wildcard, *terms]) if terms else wildcard


def _index_pattern(pattern: str) -> str:
    """The wildcard ``pattern`` (lowercase) as index words are written: folded, without hyphens
    (a hyphenated word is indexed joined); a hyphen beside a star stands for a letter at least,
    so that "Corona-*" is a word that goes on after "Corona", not "Corona" itself."""
    folded = fold_diacritics(pattern)
    if "-" not in folded:
        return folded
    return folded.replace("-*", "?*").replace("*-", "*?").replace("-", "")


def _spelled_words(pattern: str, vocabulary: Any) -> list[str]:
    """The words of the texts that the wildcard ``pattern`` (lowercase) spells, also read with
    umlauts when it is written without them, as a prefix may be ("Fluechtl*nge": a review);
    none when it spells more than ``MAX_EXPANSION`` (the pattern alone then stands for them)."""
    readings = [pattern, _with_umlauts(pattern)] if _UMLAUT_SPELLING.search(pattern) else [pattern]
    words: list[str] = []
    for reading in readings:
        found = _hyphenated_words(reading, vocabulary) if "-" in reading else vocabulary.matching(reading, MAX_EXPANSION)
        words.extend(found or [])
    return words


#: What makes a piece of a hyphenated pattern a pattern (``_hyphenated_words``).
_WILDCARD_MARKS = re.compile(r"[*?]")


def _hyphenated_words(pattern: str, vocabulary: Any) -> list[str] | None:
    """The hyphenated words that the pattern spells from the words of the texts: each piece
    between hyphens is the words it matches, a piece without wildcards itself ("Corona" of
    "Corona-P?ndemie"; the vocabulary has no hyphenated words, and no short ones such as "EM").
    None when the pieces make more than ``MAX_EXPANSION`` words or a pattern piece matches none
    or too many: the folded pattern alone then stands for them."""
    choices = []
    count = 1
    for piece in filter(None, pattern.split("-")):
        found = vocabulary.matching(piece, MAX_EXPANSION) if _WILDCARD_MARKS.search(piece) else [piece]
        count *= len(found or ())
        if not found or count > MAX_EXPANSION:
            return None
        choices.append(found)
    return ["-".join(words) for words in itertools.product(*choices)]


def _prefix_words_query(field: str, text: str, boost: float, words: list[str]) -> query.Query:
    """The prefix and the index word of each of ``words`` (the words of the texts that begin
    with it) that the prefix does not cover."""
    prefix = query.Prefix(field, fold_diacritics(text.lower()), boost=boost)
    stems = {analyzed[0] for analyzed in map(_index_words, words) if analyzed}
    terms = [query.Term(field, stem, boost=boost) for stem in sorted(stems) if not stem.startswith(prefix.text)]
    return query.Or([prefix, *terms]) if terms else prefix


_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü"}
#: ae/oe/ue that may stand for ä/ö/ü: not the end of a diphthong or of "qu" (Steuer, Bauer,
#: Quelle keep their letters: "Steuererhoehung*" is Steuererhöhung*)
_UMLAUT_SPELLING = re.compile(r"(?<![aeiouq])(?:ae|oe|ue)")


def _with_umlauts(text: str) -> str:
    """``text`` (lowercase) with each ae/oe/ue that may stand for ä/ö/ü written so."""
    return _UMLAUT_SPELLING.sub(lambda m: _UMLAUTS[m[0]], text)


@lru_cache(maxsize=65536)
def _index_words(word: str) -> tuple[str, ...]:
    return tuple(analyze(word, mode="index"))


#: Two quoted words written as one word of at least this many letters (index form) also find
#: the longer compounds that begin with them (``_Phrase._one_word_queries``); a shorter one
#: ("U S" → us) would be a prefix of hundreds of words.
MIN_COMPOUND_PREFIX = 6


class _Phrase(query.Phrase):
    """Whoosh's phrase, whose one-word form keeps its boost: ``Phrase.normalize`` makes a quoted
    text of one index word (a score "3:1", "Sieg in" without its stop word) a ``Term`` of boost
    1, which lost the title's and the lead's weight (``FIELD_BOOSTS``). Normalized, it is one
    of Whoosh's own classes again, which the engines know. ``typed``: its words as typed (the
    parser's ``GermanQueryParser.phrase`` sets them), which two words that may be one compound
    need (``_one_word_queries``)."""

    typed: tuple[str, ...] = ()

    def normalize(self) -> query.Query:
        plain = query.Phrase(self.fieldname, self.words, slop=self.slop, boost=self.boost, char_ranges=self.char_ranges)
        normal = plain.normalize()
        if isinstance(normal, query.Term):
            normal.boost = self.boost
        elif isinstance(normal, query.Phrase) and self._may_be_one_word(normal):
            # "Corona Pandemie" quoted also finds "Corona-Pandemie" (found by a review: the
            # phrase missed it)
            return query.Or([normal, *self._one_word_queries(normal)])
        return normal

    def _may_be_one_word(self, phrase: query.Phrase) -> bool:
        """Two words of a text field typed next to each other, a space or two or a hyphen
        apart (not "Welt im Krieg": a stop word, two letters at least with its spaces, stands
        between them, and "Weltkrieg" is another thing), whose typed letters the parser gave
        (``GermanQueryParser.phrase``)."""
        if len(phrase.words) != 2 or phrase.slop > 1 or phrase.fieldname not in TEXT_FIELDS:
            return False
        ranges = self.char_ranges or []
        if len(ranges) != 2 or None in ranges[0] or None in ranges[1] or len(self.typed) != 2:
            return False
        return ranges[1][0] - ranges[0][1] <= 3

    def _one_word_queries(self, phrase: query.Phrase) -> list[query.Query]:
        """The two typed words written as one word, in the order typed: the index word of the
        hyphenated and of the closed form ("Corona Pandemie" → coronapandemi, the index word of
        "Corona-Pandemie", "Coronapandemie", "Corona-Pandemien"), as a prefix when it is
        ``MIN_COMPOUND_PREFIX`` letters or more, so that a longer compound that begins with
        them counts too ("Corona-Pandemie-Bilanz", "Coronapandemiebekämpfung").

        A phrase is words in order, and so is this: "Pandemie Corona" finds "Pandemie Corona"
        and "Pandemiecorona", not "Corona-Pandemie" (found by a review). The index stacks a
        compound's parts on one position without their order, so the parts alone (``OneWord``,
        which this was) matched either order; only the index word of the whole compound keeps
        it. What the order costs: a compound that holds the two words after other letters
        ("Post-Corona-Pandemie") or with a linking letter between them ("Flüchtlingskrise" for
        "Flüchtling Krise") is found by its own words only."""
        first, second = self.typed
        forms = (f"{first}-{second}", f"{first}{second}")
        wholes = sorted({analyzed[0] for analyzed in map(_index_words, forms) if analyzed})
        field, boost = phrase.fieldname, phrase.boost
        return [
            query.Prefix(field, whole, boost=boost) if len(whole) >= MIN_COMPOUND_PREFIX else query.Term(field, whole, boost=boost)
            for whole in wholes
        ]


def _parser(operator: str, asking: frozenset[str], vocabulary: Any = None) -> GermanQueryParser:
    """Whoosh's parser for one query (it holds the query's question words, so it is not shared
    between threads)."""
    group = OrGroup if operator == "or" else AndGroup
    parser = GermanQueryParser(None, query_schema(), group=group)
    parser.question_words = asking
    parser.loose_compounds = operator == "or"
    parser.vocabulary = vocabulary
    parser.phraseclass = parser.phrase
    parser.add_plugin(MultifieldPlugin(list(FIELD_BOOSTS), fieldboosts=FIELD_BOOSTS))
    parser.add_plugin(GermanFuzzyPlugin())
    parser.remove_plugin_class(WildcardPlugin)
    parser.add_plugin(WildcardRunPlugin())
    return parser


#: Characters and words that mean something to Whoosh's parser (quotes, wildcards, fields,
#: groups, ranges, boosts, operators); text without any of them is a list of words.
_SYNTAX_CHARACTERS = re.compile(r"""['"*?:()\[\]{}^~]""")
_SYNTAX_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def _is_plain_text(text: str) -> bool:
    return not _SYNTAX_CHARACTERS.search(text) and _SYNTAX_WORDS.isdisjoint(text.split())


def _parse_words(text: str, operator: str, asking: frozenset[str] = frozenset()) -> query.Query:
    """What Whoosh's parser (``_parser``) makes of a plain list of words — each word looked up in
    every default field with its boost (``asking``: question words, weighed down), the words
    joined by the operator — built directly: the parser's generic machinery (and building the
    parser) is most of the time a one-word query takes, its final ``normalize`` copies the whole
    tree to flatten it, and the fields share one analyzer, so each word is analysed once, not
    once per field (``tests/test_query_parsing.py`` checks that both give the same tree)."""
    schema = query_schema()
    analyzers = [(name, boost, schema[name].analyzer) for name, boost in FIELD_BOOSTS.items()]
    words = []
    for word in text.split():
        weight = QUESTION_WORD_WEIGHT if _asks(word, asking) else None
        groups_of: dict[int, list[list[str]]] = {}
        per_field = []
        for name, boost, analyzer in analyzers:
            groups = groups_of.get(id(analyzer))
            if groups is None:
                groups = groups_of[id(analyzer)] = _token_groups(analyzer, word)
            word_boost = boost if weight is None else boost * weight
            per_field.append(_word_query(name, groups, word_boost, loose=operator == "or"))
        words.append(_fields_or([q for q in per_field if q is not None]))
    return _joined(query.Or if operator == "or" else query.And, words)


def _fields_or(per_field: list[query.Query]) -> query.Query:
    """``Or(per_field).normalize()`` without its copies: normalize deep-copies every term it
    flattens into a new tree (a fifth of a one-word query's parsing time), while the trees of
    ``_word_query`` are fresh ``And``/``Or`` nodes of boost 1 over terms, which ``_joined``
    flattens, de-duplicates and unwraps to the same tree."""
    return _joined(query.Or, [_normal(q) for q in per_field])


def _normal(q: query.Query) -> query.Query:
    """``q.normalize()`` for ``_word_query``'s trees (``And``/``Or`` of boost 1 over terms),
    sharing their terms; anything else is normalized by Whoosh."""
    if type(q) is query.Term:
        return q
    if type(q) in (query.And, query.Or) and q.boost == 1.0:
        return _joined(type(q), [_normal(sub) for sub in q.subqueries])
    return q.normalize()


def _joined(kind: type[query.CompoundQuery], parts: list[query.Query]) -> query.Query:
    """``kind(parts).normalize()`` for normalized ``parts``, without copying them: nested
    queries of the same kind are flattened, empty and repeated ones dropped."""
    flat: list[query.Query] = []
    seen: set[query.Query] = set()
    for part in parts:
        for sub in part.subqueries if isinstance(part, kind) and part.boost == 1.0 else [part]:
            if sub is query.NullQuery or sub in seen:
                continue
            seen.add(sub)
            flat.append(sub)
    if not flat:
        return query.NullQuery
    return flat[0] if len(flat) == 1 else kind(flat)


#: Neighbouring words of a plain query that stand within this many positions of each other in
#: a document score extra (``PROXIMITY_BOOST`` times the field boost); 0 turns it off. Measured
#: on XQuAD-de (1,190 questions, no enrichment): off 0.9089, slop 1 / boost 0.5 0.9098,
#: slop 4 / boost 1 0.8998 — wide windows reward chance co-occurrence in long articles.
PROXIMITY_SLOP = 1
PROXIMITY_BOOST = 0.5
#: Weight of the words of a question that ask rather than describe (``querywords``): a
#: quarter, not zero, so that a question made only of them still finds something.
QUESTION_WORD_WEIGHT = 0.25
#: Re-rank the first ``rerank.RERANK_DEPTH`` hits by how closely the query's words stand
#: together (``rerank``).
RERANK = True


def _with_proximity(parsed: query.Query, text: str, asking: frozenset[str] = frozenset()) -> query.Query:
    """Documents where the query's words stand together rank higher: the parsed query stays
    what must match, a sloppy phrase over the same words is an optional extra score. Words that
    only ask (``asking``: "Wer", "wurde", "Jahr" in "In welchem Jahr") are left out."""
    if not PROXIMITY_SLOP or _is_explicit(text):
        return parsed
    # fuzzy words ("Erdogn~") are left out too: what was typed is not in the index as such;
    # and boosted ones ("Merz^2"): the boost's number is no word of the text
    text = " ".join(w for w in text.split() if not _asks(w, asking) and "~" not in w and "^" not in w)
    # a typed word is one unit, whatever the analyzer cuts it into ("2,5 Prozent": "2 5 prozent")
    words = list(dict.fromkeys(unit for unit in (tuple(analyze(w, mode="query")) for w in text.split()) if unit))
    if not 2 <= len(words) <= 12:
        return parsed
    # every pair of neighbouring query words, not the whole query: a question's words rarely
    # all stand together, but its noun phrases do ("Super Bowl", "Nationalhymne gesungen")
    phrases = [
        query.Phrase(name, [*a, *b], slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST * boost)
        for a, b in zip(words, words[1:])
        for name, boost in FIELD_BOOSTS.items()
    ]
    return query.AndMaybe(parsed, query.Or(phrases))


#: Fields a user may name in a query (``title:Baku``, ``person:…``); the rest are internal.
QUERY_FIELDS = frozenset(TEXT_FIELDS) | frozenset(FACETS) | {"id"}


def _check_fields(q: query.Query) -> None:
    for sub in q.leaves():
        name = getattr(sub, "fieldname", None)
        if name is not None and name not in QUERY_FIELDS:
            allowed = ", ".join(sorted(QUERY_FIELDS))
            raise QueryError(
                f"field {name!r} cannot be searched; searchable fields: {allowed}",
                german=f"Im Feld „{name}“ kann nicht gesucht werden; möglich sind {_GERMAN_FIELDS}.",
            )


def _check_expansion(q: query.Query, snapshot: Any) -> None:
    for sub in q.leaves():
        if isinstance(sub, query.FuzzyTerm):
            if len(sub.text) <= 2 * sub.maxdist:
                raise QueryError(
                    f"{sub.text!r} is too short for {sub.maxdist} edit(s): almost every short word would match",
                    german=f"„{sub.text}“ ist zu kurz für {sub.maxdist} Abweichung(en): fast jedes kurze Wort würde passen.",
                )
        elif isinstance(sub, query.TermRange) and sub.fieldname in QUERY_FIELDS:
            # a range of words ("[b TO z]") is a wildcard too: every index word between its ends
            if len(snapshot.expand(sub, MAX_EXPANSION)) > MAX_EXPANSION:
                shown = f"[{sub.start or ''} TO {sub.end or ''}]"
                raise QueryError(
                    f"range {shown} matches more than {MAX_EXPANSION} words; make it narrower",
                    german=f"„{shown}“ passt auf mehr als {MAX_EXPANSION} Wörter: bitte enger fassen.",
                )
        elif isinstance(sub, (query.Prefix, query.Wildcard)):
            if len(sub.text.strip("*?")) < 2:
                raise QueryError(
                    f"wildcard {sub.text!r} is too broad: give at least two letters",
                    # "?" is a wildcard too ("???x" has no star: found by a review)
                    german=f"„{sub.text}“ ist zu allgemein: bitte mindestens zwei Buchstaben außer * und ?.",
                )
            if len(snapshot.expand(sub, MAX_EXPANSION)) > MAX_EXPANSION:
                raise QueryError(
                    f"wildcard {sub.text!r} matches more than {MAX_EXPANSION} words; make it longer",
                    german=f"„{sub.text}“ passt auf mehr als {MAX_EXPANSION} Wörter: bitte länger machen.",
                )


def _resolve_leaves(q: query.Query | None, snapshot: Any, index: Any) -> query.Query | None:
    """The parsed query with the leaves the index cannot look up as typed made into terms it has:

    * a fuzzy word becomes the index words within its edits, OR-ed and scored like those words
      themselves (BM25, as Lucene ranks a fuzzy query's terms), the same in both engines: the
      article that names "Erdoğan" ten times ranks above the one that names him once, which a
      constant score per match (Whoosh's own ``FuzzyTerm``) would not tell apart;
    * so does a prefix or wildcard of a text field with few index words (``_scored_wildcard``);
    * a person, place or organisation named in field syntax (``place:Baku``,
      ``person:"Olaf Scholz"``, ``place:Deutschlands``) becomes every index key of that facet
      value, so it selects what the facet filter of the same name selects (the index holds
      folded keys, and the facet merges spellings, cases and short names);
    * a month named in words (``monat:März``: every March in the index; ``monat:"März 2025"``,
      ``monat:03/2025``: 2025-03) becomes the month keys the index holds;
    * a year or month range open upwards ends with the last year, before the undated documents;
    * a name whose genitive the stemmer keeps apart ("Trump"/"Trumps") also finds the other
      form (``_genitive_terms``)."""
    if q is None:
        return None
    data = None

    def resolve(node: query.Query) -> query.Query:
        nonlocal data
        if isinstance(node, query.FuzzyTerm):
            return _fuzzy_terms(node, snapshot)
        field = getattr(node, "fieldname", None)
        if field in FIELD_BOOSTS and isinstance(node, (query.Prefix, query.Wildcard)):
            return _scored_wildcard(node, snapshot)
        if field in ENTITY_FIELDS and isinstance(node, (query.Term, query.Phrase)):
            data = data or index.facet_data()
            text = node.text if isinstance(node, query.Term) else " ".join(node.words)
            return _entity_terms(field, text, node.boost, data)
        if field == "month" and isinstance(node, query.Term):
            return _month_terms(node, snapshot)
        if field in ("year", "month") and isinstance(node, query.TermRange) and node.end is None:
            # open upwards ("jahr:[2025 TO]"): up to the last year, not to the undated documents,
            # whose key "none" sorts after every year
            return query.TermRange(field, node.start, "9999-99", startexcl=node.startexcl, boost=node.boost)
        if field in FIELD_BOOSTS and isinstance(node, query.Term) and _may_be_genitive_pair(node.text):
            data = data or index.facet_data()
            return _genitive_terms(node, data.name_words(), index.spelling)
        return node

    def walk(node: query.Query) -> query.Query:
        # ``q.accept(resolve)``, except inside ``OneWord``: a compound's parts are parts, not
        # names or genitives ("frei" of "Freibad" must stay one term at one position)
        return node if isinstance(node, OneWord) else resolve(node.apply(walk))

    return walk(q)


#: Letters (of folded index words) after which Snowball's German stemmer keeps a final -s, so
#: that a name and its genitive stay two index words: Trump/Trumps, China/Chinas,
#: Netanjahu/Netanjahus, Selenskyj/Selenskyjs, Milei/Mileis. (After b, d, f, g, h, k, l, m,
#: n, r, t it strips the -s: Israels → isral; the lemma table knows Moskaus, Kiews, Kubas.)
_S_KEPT_AFTER = frozenset("aiouyjpvw")


#: Names shorter than this never take part: "Wei", "Rau", "Mau", "Mai" are names in news
#: facets, and their -s forms are the stems of everyday words (Weise, raus, Maus, Mais).
MIN_GENITIVE_NAME = 4


def _may_be_genitive_pair(term: str) -> bool:
    """Whether the index word ``term`` could be a name or its genitive that the stemmer keeps
    apart: the cheap test before the name list is needed."""
    if len(term) < MIN_GENITIVE_NAME:
        return False
    return term[-1] in _S_KEPT_AFTER or (term[-1] == "s" and len(term) > MIN_GENITIVE_NAME and term[-2] in _S_KEPT_AFTER)


def _genitive_terms(node: query.Term, names: Mapping[str, int], vocabulary: Callable[[], Any]) -> query.Query:
    """``node`` or-ed with the other form of a name: the genitive of a person, place or
    organisation the facets hold ("Trump" also finds "Trumps"), or the name of a genitive
    ("Chinas" also finds "China"). Only for names, and only when no other word of the texts
    has the genitive's index word ("weis" is also Weise, "raus" an adverb): a word that is a
    name by itself is never read as another one's genitive ("Hamas" is no form of the Syrian
    city Hama, nor the reverse; ``_name_by_itself``), and ordinary words are left to the
    stemmer. ``names`` counts the documents naming each name word (``FacetData.name_words``);
    ``vocabulary`` gives the index's spelling vocabulary, asked for only when a name is in play."""
    text = node.text
    base = _index_words(text[:-1]) if text.endswith("s") else ()
    if base and base[0] != text and names.get(base[0]) and not _name_by_itself(text, base[0], names):
        other = base
        if not _only_genitive(text, text, vocabulary):
            return node
    elif names.get(text):
        other = _index_words(text + "s")
        if not other or other[0] == text or _name_by_itself(other[0], text, names):
            return node
        if not _only_genitive(other[0], text + "s", vocabulary):
            return node
    else:
        return node
    return query.Or([node, query.Term(node.fieldname, other[0], boost=node.boost)])


#: A word that names facet values in at least this share of the documents its genitive pair
#: names them in is a name by itself ("Hamas" beside "Hama"); below it, a stray tagging error
#: ("H Chinas Parteibürokratie", one article, beside China in 33; "Trumps" as a value of its own)
#: does not keep a name and its genitive apart (found by a review: "Chinas" found 11 of the 33
#: China articles).
NAME_BY_ITSELF_SHARE = 0.1


def _name_by_itself(word: str, other: str, names: Mapping[str, int]) -> bool:
    return names.get(word, 0) > 0 and names.get(word, 0) >= NAME_BY_ITSELF_SHARE * names.get(other, 0)


def _only_genitive(term: str, genitive: str, vocabulary: Callable[[], Any]) -> bool:
    """Whether the index word ``term`` comes from no word of the texts but ``genitive`` (as
    written, lowercase): the words beginning with it are few and none other produces it."""
    words = vocabulary().starting_with(term, 200)
    if words is None:
        return False
    return all(word == genitive or _index_words(word)[:1] != (term,) for word in words)


def _month_terms(node: query.Term, snapshot: Any) -> query.Query:
    """The month keys (``2025-03``) a month written in words or another date form names (a year:
    its months); the term as typed when it names none (it then matches nothing)."""
    from .dates import held_date_warnings, month_number, parse_date

    text = node.text.strip()
    if _PERIOD_VALUE["month"].fullmatch(text):
        return node
    number = month_number(text)
    if number is not None:
        keys = [key for key, _ in snapshot.terms("month") if key.endswith(f"-{number:02d}")]
    else:
        with held_date_warnings():  # "monat:2025-02-30" names no month: it finds nothing, no log line
            parsed = parse_date(text)
        if parsed is None:
            keys = []
        elif parsed.precision == Precision.YEAR:  # the months of that year
            keys = [key for key, _ in snapshot.terms("month", parsed.value + "-")]
        else:
            keys = [parsed.value[:7]]
    terms = [query.Term("month", key, boost=node.boost) for key in keys]
    if not terms:
        return node
    return terms[0] if len(terms) == 1 else query.Or(terms)


#: A prefix or wildcard of a text field with at most this many index words is ranked by them
#: (``_scored_wildcard``); a broader one keeps one constant score per field, as Whoosh, tantivy
#: and Lucene score them (scoring hundreds of words would cost a posting list each).
SCORED_WILDCARD_WORDS = 64


def _scored_wildcard(node: query.Query, snapshot: Any) -> query.Query:
    """``Trump*`` as the index words it stands for, OR-ed and scored like those words: every
    hit of a prefix had the same score (Whoosh's and tantivy's constant, a different one in
    each), so the article with Trump in its title and every paragraph ranked no higher than
    one that names him once, and the two engines showed different first pages."""
    words = snapshot.expand(node, SCORED_WILDCARD_WORDS)
    if not words or len(words) > SCORED_WILDCARD_WORDS:
        return node
    terms = [query.Term(node.fieldname, word, boost=node.boost) for word in words]
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _fuzzy_terms(node: query.FuzzyTerm, snapshot: Any) -> query.Query:
    words = snapshot.expand(node, MAX_EXPANSION)
    if len(words) > MAX_EXPANSION:
        raise QueryError(
            f"fuzzy word {node.text!r} matches more than {MAX_EXPANSION} words; allow fewer edits",
            german=f"„{node.text}“ passt unscharf auf mehr als {MAX_EXPANSION} Wörter: bitte weniger Abweichungen erlauben.",
        )
    terms = [query.Term(node.fieldname, word, boost=node.boost) for word in words]
    if not terms:
        return query.NullQuery
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _named_value_ids(facet: Any, text: str, *, declined: bool = False) -> list[int]:
    """The values of an entity ``facet`` that the name ``text`` means: the value of that name
    (any spelling, case, alias; written without umlauts, "Koeln"), else its genitive's
    ("Israels" → Israel), else every value whose name holds its words ("Scholz" → Olaf
    Scholz, ``FacetField.named_with``; "Netanjahus" → Benjamin Netanjahu), with ``declined``
    (organisations, places) in any case ("Bundesamt" → Statistisches Bundesamt, stored as
    "Statistischen Bundesamts")."""
    key = facet_key(text)
    idx = facet.lookup.get(text, facet.lookup.get(key))
    if idx is None:  # written without umlauts ("ort:Koeln")
        idx = facet.spelled_as(text)
    if idx is None and _APOSTROPHE_END.search(key):  # "Scholz’", "Erdoğan's" (a review)
        key = _APOSTROPHE_END.sub("", key)
        idx = facet.lookup.get(key)
    genitive = len(key) > MIN_GENITIVE_NAME and key[-1] in "s'"
    if idx is None and genitive:
        idx = facet.lookup.get(key[:-1])
    if idx is not None:
        return [idx]
    if key in GERMAN_STOPWORDS:  # "von" or "der" name no one (they stand in many names)
        return []
    if declined:  # organisations and places: their words in any case ("Bundesamt", "Bundesamts")
        return facet.named_with_declined(key)
    return facet.named_with(key) or (facet.named_with(key[:-1]) if genitive else [])


#: An apostrophe, or an apostrophe and s, ending a name ("Scholz’", "Merkel's").
_APOSTROPHE_END = re.compile(r"['’´`]s?$")


def _entity_terms(field: str, text: str, boost: float, data: FacetData) -> query.Query:
    """The index keys of the facet value ``text`` names: as the facet filter finds it (any
    spelling, case, alias; written without umlauts, "ort:Koeln"); else, so that typing a name
    finds what a reader means (found by a review: ``person:Scholz`` and ``ort:Israels`` found
    nothing), its genitive's value ("Israels" → Israel) or every value whose name holds its
    words (``FacetField.named_with``: "Scholz" → Olaf Scholz)."""
    facet = data.fields[field]
    key = facet_key(text)
    found = _named_value_ids(facet, text, declined=field != "person")
    keys = sorted({k for i in found for k in (facet.values[i], *facet.aliases(i))}) or [key]
    terms = [query.Term(field, k, boost=boost) for k in keys]
    terms += [query.Term(other, k, boost=boost) for other, k in data.moved_into(field, keys)]
    return terms[0] if len(terms) == 1 else query.Or(terms)


#: Queries whose matching documents are remembered per index generation (paging, facet clicks
#: and sort changes repeat the same query; a commit starts a fresh cache).
MATCH_CACHE_SIZE = 256


def _matching_mask(q: query.Query | None, snapshot: Any, data: FacetData) -> np.ndarray:
    if q is None:
        return data.live.copy()
    key = repr(q)
    cached = data.match_cache.get(key)
    if cached is not None:
        data.match_cache.move_to_end(key)
        return cached.copy()
    mask = np.zeros(data.doc_count, dtype=bool)
    try:
        ids = snapshot.match(q)
    except RecursionError as error:
        raise QueryError(
            "query is nested too deeply", german="Die Suchanfrage ist zu tief verschachtelt (Klammern)."
        ) from error
    if len(ids):
        mask[ids] = True
    mask &= data.live
    data.match_cache[key] = mask
    if len(data.match_cache) > MATCH_CACHE_SIZE:
        data.match_cache.popitem(last=False)
    return mask.copy()


def _resolve_filters(request: SearchRequest, data: FacetData) -> dict[str, list[int]]:
    """Value ids of every filter; entity values match in any spelling (Erdogan = Erdoğan). The
    request's values are rewritten to the facet's own values so that links toggle them off."""


    _move_retyped_filters(request, data)
    resolved: dict[str, list[int]] = {}
    for name, values in request.filters.items():
        facet = data.fields[name]
        ids, canonical = [], []
        for value in values:
            idx = facet.lookup.get(value)
            if idx is None and name in ENTITY_FIELDS:
                # a name as ``person:`` reads it: "Scholz" selects Olaf Scholz (found by a
                # review: the filter was exact while the field syntax and the entity page were not)
                named = _named_value_ids(facet, value, declined=name != "person")
                ids += named
                canonical += [_facet_value(name, facet.values[i], data) for i in named] or [value]
                continue
            if idx is None and name == "year" and value.casefold() in _UNDATED_VALUES:
                idx = facet.lookup.get(NO_DATE)
            if idx is not None:
                ids.append(idx)
            canonical.append(_facet_value(name, facet.values[idx], data) if idx is not None else value)
        resolved[name] = ids
        request.filters[name] = list(dict.fromkeys(canonical))
    return resolved


def _move_retyped_filters(request: SearchRequest, data: FacetData) -> None:
    """A filter value that the archive counts under another type filters that type:
    ``organisation=Donald Trump`` (an old link, or a name typed into the wrong facet) selects
    the person the facets count, instead of nothing."""
    for name in [n for n in request.filters if n in ENTITY_FIELDS]:
        kept = []
        for value in request.filters[name]:
            into = data.counted_as(name, value)
            if into == name:
                kept.append(value)
            elif value not in request.filters.setdefault(into, []):
                request.filters[into].append(value)
        if kept:
            request.filters[name] = kept
        else:
            del request.filters[name]


def _facet_value(name: str, term: str, data: FacetData) -> str:
    """The value a facet shows and links with: the display name for entities (readable URLs),
    the term itself for dates."""
    return data.label(name, term) if name in ENTITY_FIELDS else term


def _facets(
    request: SearchRequest,
    data: FacetData,
    base: np.ndarray,
    masks: dict[str, np.ndarray],
    selected_ids: dict[str, list[int]],
) -> list[Facet]:
    facets = []
    for name, (_, label) in FACETS.items():
        others = base.copy()
        for other, mask in masks.items():
            if other != name:
                others &= mask
        ffield = data.fields[name]
        counts = ffield.counts(others)
        selected = set(selected_ids.get(name, []))
        candidates = _candidates(counts, selected)
        if name == "month" and "year" in selected_ids:
            # drill-down: with years chosen, the month facet lists their months
            years = {data.fields["year"].values[i] for i in selected_ids["year"]}
            candidates = np.array(
                [i for i in candidates.tolist() if ffield.values[i][:4] in years or i in selected], dtype=np.int64
            )
        shown_ids = _shown(name, ffield.values, counts, candidates, request.facet_size, selected)
        shown = [
            FacetValue(_facet_value(name, ffield.values[idx], data), data.label(name, ffield.values[idx]),
                       int(counts[idx]), idx in selected)
            for idx in shown_ids
        ]
        facets.append(Facet(name, label, shown, truncated=len(candidates) > len(shown_ids)))
    return facets


def _candidates(counts: np.ndarray, selected: set[int]) -> np.ndarray:
    """The values a facet can show, in index order: those counted, and the selected ones even
    when no hit has them."""
    candidates = np.flatnonzero(counts)
    missing = [i for i in selected if counts[i] == 0]
    if missing:
        candidates = np.sort(np.concatenate([candidates, np.array(missing, dtype=np.int64)]))
    return candidates


def _shown(
    name: str, values: list[str], counts: np.ndarray, candidates: np.ndarray, size: int, selected: set[int]
) -> list[int]:
    """The values a facet shows, in display order: the first ``size`` candidates, then the
    selected ones that come later. Values are in lexicon (alphabetical) order, so an index order
    is an alphabetical order: dates newest first with "ohne Datum" last, entities by count and
    then name. The years a text mentions are the ``size`` most frequent ones, newest first
    (``facets.shown_dates``): the newest of them are the climate targets of a few articles."""
    if name == "mentioned":
        return shown_dates(values, counts, candidates, size, selected)
    if name in ("year", "month"):
        undated = np.array([values[i] == NO_DATE for i in candidates.tolist()], dtype=bool)
        order = candidates[np.lexsort((-candidates, undated))].tolist()
        return order[:size] + [i for i in order[size:] if i in selected]
    # Entities: a broad query counts thousands of names, and only the first ``size`` are shown:
    # only the candidates counted at least as often as the size-th are sorted.
    head = candidates
    if 0 < size < len(candidates):
        found = counts[candidates]
        head = candidates[found >= np.partition(found, len(found) - size)[len(found) - size]]
    top = head[np.lexsort((head, -counts[head]))][: max(size, 0)].tolist()
    later = sorted(selected - set(top), key=lambda i: (-int(counts[i]), i))
    return top + later


def _date_filter(
    request: SearchRequest, text: str, *, interpret: bool = True
) -> tuple[str, DateFilter | None]:
    start, end, phrase, label = request.date_from, request.date_to, "", ""
    if interpret and request.parse_dates and text.strip():
        from .dates import parse_query_dates

        interpreted = parse_query_dates(text, today=request.today)
        if interpreted.start or interpreted.end:
            text = interpreted.query
            phrase, label = interpreted.phrase, interpreted.label
            start = max(filter(None, (start, interpreted.start)), key=lambda d: d.start(), default=None)
            end = min(filter(None, (end, interpreted.end)), key=lambda d: d.end(), default=None)
    if start is None and end is None:
        return text, None
    if start and end and start.start() > end.end():
        raise QueryError(
            f"the date range {start} … {end} is empty: its start lies after its end",
            german=f"Der Zeitraum {start.label()} bis {end.label()} ist leer: sein Anfang liegt nach seinem Ende.",
        )
    return text, DateFilter(start, end, phrase, label)


@dataclass
class _Evaluation:
    """The masks of one request: what the query matched (with the date filter) and each facet
    filter, before they are combined."""

    data: FacetData
    q: query.Query | None
    text: str
    operator: str
    date_filter: DateFilter | None
    matched: np.ndarray
    selected_ids: dict[str, list[int]]
    masks: dict[str, np.ndarray]
    #: the date phrase searched as words because its period held no match ("" otherwise)
    date_words: str = ""
    #: ``matched`` is narrower than what ``q`` matches (the date words searched as words may
    #: only rank what the other words find): the page must rank within the mask
    narrowed: bool = False

    def hits_mask(self, *, except_facet: str | None = None) -> np.ndarray:
        mask = self.matched.copy()
        for name, facet_mask in self.masks.items():
            if name != except_facet:
                mask &= facet_mask
        return mask

    def scope(self) -> np.ndarray | None:
        """The documents the request's filters and date range allow, whatever the words (None:
        every document): where a spelling suggestion must find something."""
        if not self.masks and self.date_filter is None:
            return None
        mask = self.data.live.copy()
        for facet_mask in self.masks.values():
            mask &= facet_mask
        if self.date_filter is not None:
            mask &= _date_mask(self.data, self.date_filter)
        return mask


def _date_mask(data: FacetData, date_filter: DateFilter) -> np.ndarray:
    return data.date_mask(
        date_filter.start.start() if date_filter.start else None,
        date_filter.end.end() if date_filter.end else None,
    )


def _evaluate(index: Any, request: SearchRequest) -> _Evaluation:
    evaluation = _evaluate_text(index, request, interpret_dates=True)
    if evaluation.date_filter and evaluation.date_filter.phrase and not evaluation.matched.any():
        # Read as a date filter, the date words leave nothing ("Super Bowl 2015" over undated
        # or older articles): they were meant as words, so search for them as words (the page
        # says so). Not when the other words find nothing themselves; and when keywords
        # (``_is_keyword_query``) find something only through the any-word fallback, only
        # documents with one of the other words: the date words alone must not find one
        # ("Baku seit März 2026" found every article with "März" or "2026"; it now finds the
        # Baku articles, ranked with the date words, and says that none is from that period).
        # Dropping those answers altogether cost the news set MRR@10 0.744 → 0.735 (headlines
        # such as "Rekordhitze im Juni" over articles of other months); keeping only documents
        # with every other word, 0.743. Questions are read with any word anyway.
        data, rest = evaluation.data, evaluation.q
        if rest is None or _matching_mask(rest, data.snapshot, data).any():
            as_words = _evaluate_text(index, request, interpret_dates=False)
            keywords = request.operator == "auto" and _is_keyword_query(evaluation.text)
            if rest is not None and keywords and as_words.operator == "or":
                any_rest = _resolve_leaves(parse_query(index, evaluation.text, "or"), data.snapshot, index)
                as_words.matched &= _matching_mask(any_rest, data.snapshot, data)
                as_words.narrowed = True
            as_words.date_words = evaluation.date_filter.phrase
            evaluation = as_words
    return evaluation


#: Up to this many content words a query is keywords (all must match, like a news search box);
#: questions and longer queries are natural language ("Wer sang die Nationalhymne beim Super
#: Bowl?"), where requiring every word finds almost nothing (XQuAD-de MRR@10 for questions:
#: AND 0.11, AND with OR fallback 0.80, OR 0.91).
KEYWORD_QUERY_WORDS = 3
#: Keywords fall back to OR when fewer documents than this have every word. Only when none has
#: them all: falling back below 10 would find more known items (news set MRR@10 +0.0025,
#: Recall@100 0.913 → 0.922) but turn "3 articles with both words" into thousands with either.
AND_FALLBACK_BELOW = 1


_QUESTION = re.compile(
    r"\?\s*$|^\s*(?:wer|wen|wem|wessen|was|wann|wo|wie|warum|wieso|weshalb|weswegen|welche[rmns]?"
    r"|wo(?:durch|mit|für|her|hin|rin|von|zu|nach|bei|rauf|rüber))\b",
    re.IGNORECASE,
)


def _is_keyword_query(text: str) -> bool:
    if _is_explicit(text):
        return True  # the user wrote the logic; the default group is AND as in Whoosh
    if _QUESTION.search(text):
        return False  # a question is natural language
    # typed words, not index words: "1,5 Milliarden Euro" is three words ("1,5" is one)
    words = {tuple(analyze(word, mode="query")) for word in text.split()}
    return len(words - {()}) <= KEYWORD_QUERY_WORDS


def _only_stopwords(text: str) -> bool:
    """Whether ``text`` has words and all of them are stop words (plain words, no syntax)."""
    return bool(re.search(r"[^\W\d_]", text)) and _is_plain_text(text) and not analyze(text, mode="query")


def _choose_query(
    index: Any, snapshot: Any, text: str, request: SearchRequest, count: Callable[[query.Query], int]
) -> tuple[query.Query | None, str]:
    """The parsed query and the operator it was parsed with: ``auto`` takes AND for keywords
    and OR for questions, and falls back to OR when no document has every word."""
    operator = request.operator
    if operator == "auto":
        operator = "and" if _is_keyword_query(text) else "or"
    q = parse_query(index, text, operator)
    if q is None:
        if _only_stopwords(request.query):
            # "die", "der die das": words, but none the index holds (stop words are not indexed);
            # they listed every document as if nothing had been typed (found by a review)
            return query.NullQuery, operator
        return None, operator
    _check_expansion(q, snapshot)
    q = _resolve_leaves(q, snapshot, index)
    if (
        request.operator == "auto"
        and operator == "and"
        and not _is_explicit(text)
        and len(text.split()) > 1
        and count(q) < AND_FALLBACK_BELOW
    ):
        # Conjunctive first; when no document has every word, rank those with most of them.
        operator = "or"
        q = _resolve_leaves(parse_query(index, text, operator), snapshot, index)
    return _with_named_entities(q, text, index), operator


#: Extra score of a document that has a person, place or organisation whose name holds a word
#: of the query (``_with_named_entities``); 0 turns it off. MRR@10 with the full pipeline,
#: 2026-12-06 (XQuAD-de / news set): off 0.9302 / 0.7442, 1: 0.9311 / 0.7462, 3: 0.9305 /
#: 0.7467, 10: 0.9212 / –. At 1 the articles on Norbert Hofer were 5 of the 10 best for
#: "Hofer" (13 of 5,178 articles name him), at 3 seven, the rest being all there are with
#: Hofer among the text's words and "Gerichtshof" only below them.
ENTITY_BOOST = 3.0
#: A word that names more values than this in one facet is a common word ("Bank", "Union"),
#: not a way to name one of them. A surname names several people in a large archive ("Bauer":
#: 6 in 5,178 news articles) and is then left out too; MRR@10 at 5 / 20 / no limit: XQuAD
#: 0.9305 / 0.9294 / –, news set 0.7467 / 0.7464 / 0.7464 (full pipeline, 2026-12-06).
ENTITY_WORD_VALUES = 5


def _with_named_entities(q: query.Query | None, text: str, index: Any) -> query.Query | None:
    """Documents that have a person, place or organisation the query's words name rank higher:
    the stemmer makes "Hofer" the word "Hof" and "Bauer" the word "Bau", so "Hofer" found every
    "Gerichtshof" at the same score as the articles on Norbert Hofer (3 of the 10 best of 86
    hits in 5,178 news articles named him; 13 articles do). The query still matches what it
    matched; an optional clause adds the score of the facet values named with a query word
    (``FacetField.named_with``: "hofer" → Norbert Hofer)."""
    if q is None or q is query.NullQuery or not ENTITY_BOOST or _is_explicit(text):
        return q
    data = index.facet_data()
    terms: dict[tuple[str, str], query.Term] = {}
    for word in dict.fromkeys(w.lower() for w in _WORD_LETTERS.findall(_user_words(text)) if len(w) >= MIN_GENITIVE_NAME):
        key = facet_key(word)
        for name in ENTITY_FIELDS:
            facet = data.fields[name]
            named = facet.named_with(key)
            if 0 < len(named) <= ENTITY_WORD_VALUES:
                for idx in named:
                    terms[(name, facet.values[idx])] = query.Term(name, facet.values[idx], boost=ENTITY_BOOST)
    if not terms:
        return q
    return query.AndMaybe(q, query.Or(list(terms.values())))


def _evaluate_text(index: Any, request: SearchRequest, *, interpret_dates: bool) -> _Evaluation:
    data = index.facet_data()
    snapshot = data.snapshot
    text, date_filter = _date_filter(request, request.query, interpret=interpret_dates)
    q, operator = _choose_query(
        index, snapshot, text, request, lambda q: int(np.count_nonzero(_matching_mask(q, snapshot, data)))
    )
    matched = _matching_mask(q, snapshot, data)
    if date_filter:
        matched &= _date_mask(data, date_filter)
    selected_ids = _resolve_filters(request, data)
    masks = {name: data.fields[name].mask(ids, data.doc_count) for name, ids in selected_ids.items()}
    return _Evaluation(data, q, text, operator, date_filter, matched, selected_ids, masks)


def _is_plain(request: SearchRequest) -> bool:
    """A ranked query with no facets, filters or date bounds: the engine's own top-k search
    answers it, without a mask over every match."""
    return (
        not request.facets and not request.filters and request.sort == "relevance"
        and request.date_from is None and request.date_to is None
    )


def _plain_search(index: Any, request: SearchRequest, started: float) -> SearchResult | None:
    """``run_search`` for plain requests, or None when the request needs the full path (no
    query text, or date words in it that act as a filter)."""
    text, date_filter = _date_filter(request, request.query, interpret=True)
    if date_filter is not None or not text.strip():
        return None
    snapshot = index.snapshot()
    start, stop = (request.page - 1) * request.per_page, request.page * request.per_page
    concepts = _proximity_concepts(text)
    limit = _rank_limit(concepts, start, stop)
    # by identity: a query tree's hash walks the whole tree, each time
    answers: dict[int, tuple[query.Query, tuple[int, list[tuple[int, float]]]]] = {}

    def top(q: query.Query) -> tuple[int, list[tuple[int, float]]]:
        # the AND query the operator choice counts is usually the one that is answered
        if id(q) not in answers:
            answers[id(q)] = (q, snapshot.top(q, limit))  # (q kept: its id stays its own)
        return answers[id(q)][1]

    q, operator = _choose_query(index, snapshot, text, request, lambda q: top(q)[0])
    if q is None or not _ranks_by_words(q):
        return None  # (value fields alone: listed by date, as the full path does)
    total, ranked = top(q)
    ranked, documents = _second_stage(snapshot, concepts, ranked, start, stop, text)
    hits = _hits(snapshot, q, ranked[start:stop], documents, highlight=request.highlight, text=text)
    return SearchResult(
        request, hits, total, [], (time.perf_counter() - started) * 1000, text.strip(), operator, None,
        _suggestion(index, text, total, operator, request.operator),
    )


def _suggestion(
    index: Any, text: str, total: int, operator: str, asked: str = "auto", within: np.ndarray | None = None
) -> str | None:
    """A spelling suggestion for a query that found little, or whose keywords no document has
    all of (``asked`` auto, answered with any word): "Ukraine Krig" finds every article on the
    Ukraine, and "Meinten Sie: Ukraine Krieg?" is the answer the user wanted."""
    if not text.strip():
        return None
    fell_back = asked == "auto" and operator == "or" and _is_keyword_query(text)
    if operator == "or" and not fell_back:
        if total >= SUGGEST_BELOW and not SUGGEST_FOR_QUESTIONS:
            return None
        # a question matches any of its words: a typo costs that word, not the hits ("Wann
        # wurde Olaf Schlz Kanzler?" finds Olaf and Kanzler), and is still worth pointing out;
        # read with all words, "Warum Erdogann?" found no suggestion (no article says "warum")
        return suggest(index, text, within=within, operator="or")
    if total >= SUGGEST_BELOW and not fell_back:
        return None
    # After the OR fallback no document had all words: any suggestion that finds documents
    # with all of them is better.
    return suggest(index, text, better_than=total if operator == "and" else 0, within=within)


def run_search(index: Any, request: SearchRequest) -> SearchResult:
    """Execute one search request against an index."""
    token = _USER_WORDS.set({})
    try:
        with one_search():
            return _run_search(index, request)
    finally:
        _USER_WORDS.reset(token)


def _run_search(index: Any, request: SearchRequest) -> SearchResult:
    started = time.perf_counter()
    if _is_plain(request):
        plain = _plain_search(index, request, started)
        if plain is not None:
            return plain
    ev = _evaluate(index, request)
    hits_mask = ev.hits_mask()
    total = int(hits_mask.sum())
    facets = _facets(request, ev.data, ev.matched, ev.masks, ev.selected_ids) if request.facets else []
    unfiltered = not ev.masks and ev.date_filter is None and not ev.narrowed
    hits = _page(request, ev.data, ev.q, hits_mask, total, unfiltered=unfiltered, text=ev.text)
    # a date phrase searched as words ("seit gestern" over older articles) is spelt right: it
    # was no correction ("Meinten Sie: seit gelten?", found by a review)
    suggestion = None if ev.date_words else _suggestion(index, ev.text, total, ev.operator, request.operator, ev.scope())
    if suggestion and ev.date_filter and ev.date_filter.phrase:
        # the corrected query keeps the date the user typed ("Bahnstriek 2024" → "Bahnstreik
        # 2024"): the API and the CLI showed it without (found by a review)
        suggestion = f"{suggestion} {ev.date_filter.phrase}"
    took = (time.perf_counter() - started) * 1000
    return SearchResult(
        request, hits, total, facets, took, ev.text.strip(), ev.operator, ev.date_filter, suggestion, ev.date_words
    )


def facet_values(index: Any, request: SearchRequest, facet: str, text: str = "", limit: int = 20) -> list[FacetValue]:
    """Values of one facet whose label or any other name of it contains ``text`` (diacritics
    and case ignored: "erd" finds Erdoğan, "APA" Austria Presse Agentur, "Auswärtigen"
    Auswärtiges Amt), counted like the facet itself, most frequent first; after them the values
    found only with ae/oe/ue read as ä/ö/ü ("koeln" finds Köln; ``FacetData.find_values``). This
    is the facet-value search box behind "mehr anzeigen"."""
    if not isinstance(facet, str) or facet not in FACETS:
        raise QueryError(f"unknown facet {facet!r}; known: {', '.join(FACETS)}")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        raise QueryError("limit must be between 1 and 1000")
    text = text or ""
    if not isinstance(text, str):
        raise QueryError("the text to look for must be a string")
    ev = _evaluate(index, request)
    ffield = ev.data.fields[facet]
    counts = ffield.counts(ev.hits_mask(except_facet=facet))
    selected = set(ev.selected_ids.get(facet, []))
    return [
        FacetValue(_facet_value(facet, ffield.values[idx], ev.data), ev.data.label(facet, ffield.values[idx]),
                   int(counts[idx]), idx in selected)
        for idx in ev.data.find_values(facet, text, counts, limit)
    ]


#: For a question that found enough by its other words, a replacement must be used this often:
#: such texts hold words the archive never saw that are no typos, and a rare near word is then
#: a wrong guess (``_likely_meant``).
QUESTION_SUGGESTION_MIN_COUNT = 3


def _likely_meant(candidate: Any, length: int) -> bool:
    """Whether a question's word of ``length`` letters that finds nothing was probably meant as
    ``candidate`` (a ``spelling.Similar``): a word that several documents use, two edits away
    only for words of eight letters or more. On 800 news headlines (zeitgeist) and the same
    with one typo put into a word of six letters or more, 2026-12-06: without this test
    1.9 % of the clean headlines got a suggestion and 75 % of the typos were restored; with it,
    see ``docs/retrieval.md``."""
    return candidate.count >= QUESTION_SUGGESTION_MIN_COUNT and (candidate.distance == 1 or length >= 8)


def suggest(
    index: Any, text: str, *, better_than: int = 0, within: np.ndarray | None = None, operator: str = "and"
) -> str | None:
    """The query with each word that the index does not know replaced by the nearest known word
    (``_Speller``), if the new query finds more than ``better_than`` documents (of ``within``:
    the request's filters and dates, which the suggestion's link keeps; a review found "Meinten
    Sie" leading to no hits). With ``operator`` "or" (a question that found enough by its other
    words) only words that alone find nothing are replaced, by words that several documents use:
    "Schlz" is a typo, "Bundesverfassungsgerichte" is found by its stem."""
    speller = _Speller(index, operator, question_words(text))
    fixed = _WORD_LETTERS.sub(speller.fix, text)
    if not speller.changed:
        return None
    if operator == "or":
        return fixed  # it finds what the query found, and more: a word that found nothing does now
    try:
        found = speller.mask(fixed, operator)
    except QueryError:
        return None  # a word made a query the index cannot answer ("Ortt:…" → "Orte:…"): no suggestion
    if found is None or int((found & within).sum() if within is not None else found.sum()) <= better_than:
        return None
    return fixed


_WORD_LETTERS = re.compile(r"[^\W\d_]+")
#: What makes the letters next to it a pattern: a prefix or wildcard ("Schol*", "Sch?lz") or a
#: fuzzy word ("Schlz~").
_PATTERN_MARKS = frozenset("*?~")


def _is_field_name(word: str) -> bool:
    return word in _FIELD_NAMES or word.lower() in FIELD_ALIASES


def _is_syntax(match: re.Match[str]) -> bool:
    """Whether the letters of ``match`` are query syntax, not a word to correct: an operator
    ("ANDMAYBE"), a field's name ("titel:"), or the bounds of a range ("[Aachen TO Bonn]")."""
    text, start, end = match.string, match.start(), match.end()
    word = match.group(0)
    if word in _BINARY_OPERATORS or (text.startswith(":", end) and _is_field_name(word)):
        return True
    before = text[:start]
    return max(before.rfind("["), before.rfind("{")) > max(before.rfind("]"), before.rfind("}"))


def _pattern_around(match: re.Match[str]) -> str | None:
    """The pattern (``_PATTERN_MARKS``) that the letters of ``match`` are part of: the text
    around them up to a space; None when they are a word."""
    text, start, end = match.string, match.start(), match.end()
    if not ((start and text[start - 1] in _PATTERN_MARKS) or (end < len(text) and text[end] in _PATTERN_MARKS)):
        return None
    while start and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


class _Speller:
    """The replacements of one query's unknown words: candidates within one edit, two for words
    of five letters or more, among the words that begin as typed, and one edit at the first
    letter ("Ferkehr" → Verkehr); the nearest wins, then the most frequent (``choose``)."""

    def __init__(self, index: Any, operator: str, asking: frozenset[str] | set[str] = frozenset()) -> None:
        self.index, self.operator = index, operator
        #: the question's words that ask ("Wann", "wurde"): never replaced — an archive that
        #: never uses "wann" made "Wann wurde …" "Wenn wurde …" (found on the demo corpus)
        self.asking = asking
        self.data = index.facet_data()
        self.vocabulary = index.spelling()
        self.changed = False

    def mask(self, text: str, operator: str = "and") -> np.ndarray | None:
        """The documents ``text`` finds, read as the search reads it (names in field syntax,
        fuzzy words and patterns resolved: ``person:Erdogan`` is Recep Tayyip Erdoğan)."""
        snapshot = self.data.snapshot
        q = _resolve_leaves(parse_query(self.index, text, operator), snapshot, self.index)
        return None if q is None else _matching_mask(q, snapshot, self.data)

    def pattern_finds(self, match: re.Match[str]) -> bool:
        """Whether the letters of ``match`` are part of a pattern that finds documents: the user
        asked for the words it stands for, and "Schol*" is no typo of "Scholz*" ("Meinten Sie:
        Was sagte Scholz* …?" found the same). A pattern that finds nothing
        ("Bundesregirung*") is corrected like a word."""
        pattern = _pattern_around(match)
        if pattern is None:
            return False
        try:
            found = self.mask(pattern)
        except QueryError:
            return False
        return found is not None and bool(found.any())

    def unknown(self, lower: str) -> bool:
        return len(lower) >= 4 and lower not in self.asking and self.vocabulary.frequency(lower) == 0

    def near(self, lower: str) -> list[Any]:
        found = self._near_as_written(lower)
        if not found and _UMLAUT_SPELLING.search(lower):
            # written without umlauts and mistyped ("Oestereich", "Fluechtlnge": a review)
            umlauts = _with_umlauts(lower)
            if self.vocabulary.frequency(umlauts) > 0:
                return []  # only the umlauts differ: the search reads it so already
            found = self._near_as_written(umlauts)
        return found

    def _near_as_written(self, lower: str) -> list[Any]:
        vocabulary = self.vocabulary
        found = {c.word: c for c in vocabulary.similar(lower, 2 if len(lower) >= 5 else 1, prefix=1)}
        found.update((c.word, c) for c in vocabulary.first_letter_typos(lower))
        return list(found.values())

    @staticmethod
    def choose(candidates: list[Any]) -> Any:
        """The nearest candidate, then the most frequent. (Tried, 2026-12-06: among the nearest,
        the one most documents share with the query's other words — on the news headlines with
        typos it restored fewer queries, 64.4 % against 65.3 %: the other words of a headline
        match most of an archive, and inflected forms share their stem and so their documents.)"""
        return min(candidates, key=lambda c: (c.distance, -c.count, c.word))

    def fix(self, match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if not self.unknown(lower) or _is_syntax(match) or self.pattern_finds(match):
            return word
        candidates = self.near(lower)
        if self.operator == "or":
            candidates = [c for c in candidates if _likely_meant(c, len(lower))]
            if candidates and not analyze(word, mode="query"):
                return word  # a stop word: no word of the index, and no typo either
            found = self.mask(word) if candidates else None
            if found is not None and found.any():
                return word  # found by its stem or parts: no typo
        if not candidates:
            return word
        self.changed = True
        best = self.choose(candidates).word
        return best.capitalize() if word[:1].isupper() else best


def _page(
    request: SearchRequest,
    data: FacetData,
    q: query.Query | None,
    hits_mask: np.ndarray,
    total: int,
    *,
    unfiltered: bool = False,
    text: str = "",
) -> list[Hit]:
    if request.per_page == 0 or total == 0:
        return []
    start = (request.page - 1) * request.per_page
    stop = start + request.per_page
    documents: dict[int, Document] = {}
    if request.sort == "relevance" and q is not None and _ranks_by_words(q):
        # Without facet or date filters the hits are exactly the query's matches: let Whoosh rank
        # them on its own (a filter set makes it score every match instead of skipping ahead).
        unfiltered = unfiltered or total == int(data.live.sum())
        concepts = _proximity_concepts(text)
        limit = _rank_limit(concepts, start, stop)
        ranked = data.snapshot.ranked(q, None if unfiltered else hits_mask, limit)
        ranked, documents = _second_stage(data.snapshot, concepts, ranked, start, stop, text)
        ranked = ranked[start:stop]
    else:
        ids = np.flatnonzero(hits_mask)
        dated = data.pub_start[ids] > 0
        descending = request.sort != "date_asc"
        key = -data.pub_start[ids] if descending else data.pub_start[ids]
        order = np.lexsort((ids, key, ~dated))
        ranked = [(int(d), None) for d in ids[order][start:stop]]
    return _hits(data.snapshot, q, ranked, documents, highlight=request.highlight, text=text)


def _ranks_by_words(q: query.Query) -> bool:
    """Whether ``q`` scores documents by their words (a text field outside a NOT). A query of
    value fields alone (``person:Erdogan``, ``jahr:2023``) gives every match one score: it lists
    the newest first, as the filters of the same name do (a review found the oldest first)."""
    if isinstance(q, query.Not):
        return False
    if getattr(q, "fieldname", None) in TEXT_FIELDS:
        return True
    return not q.is_leaf() and any(_ranks_by_words(child) for child in q.children())


def _proximity_concepts(text: str) -> list[tuple[str, ...]]:
    """The query's concepts for the second stage (``rerank``), or none when it does not apply:
    explicit syntax (the user wrote the logic) or fewer than two concepts."""
    words = _user_words(text)
    if not RERANK or _EXPLICIT_SYNTAX.search(words) or len(TOKEN_PATTERN.findall(words)) < 2:
        return []  # (one word is one concept at most: no analysis needed to know)
    concepts = query_concepts(words, question_words(words))
    return concepts if len(concepts) >= 2 else []


def _rank_limit(concepts: list[tuple[str, ...]], start: int, stop: int) -> int:
    """How many ranked hits the first stage fetches for a page ending at ``stop``."""
    return max(stop, RERANK_DEPTH) if concepts and start < RERANK_DEPTH else stop


def _second_stage(
    snapshot: Any, concepts: list[tuple[str, ...]], ranked: list[tuple[int, float]], start: int, stop: int,
    text: str,
) -> tuple[list[tuple[int, float]], dict[int, Document]]:
    """``ranked`` with its first ``RERANK_DEPTH`` hits re-ranked by proximity (and, for a question
    ``text`` that asks when or how many, the answer's form), and their decoded documents (the page
    reuses them); unchanged when the page lies below the re-ranked head. Right for the places up
    to ``stop``: the hits that cannot reach them keep their order (``rerank.contenders``)."""
    if not concepts or start >= RERANK_DEPTH or len(ranked) < 2:
        return ranked, {}
    head = ranked[: min(RERANK_DEPTH, contenders(ranked, stop))]
    documents = {docnum: Document.from_stored(snapshot.stored(docnum)) for docnum, _ in head}
    count = snapshot.doc_count()
    weights = [idf(snapshot.doc_frequency("body", terms[0]), count) for terms in concepts]
    answer = answer_type(text)
    return proximity_rerank(concepts, weights, head, documents, answer=answer) + ranked[RERANK_DEPTH:], documents


def _hits(
    snapshot: Any,
    q: query.Query | None,
    ranked: list[tuple[int, float | None]],
    documents: Mapping[int, Document] | None = None,
    *,
    highlight: bool = True,
    text: str = "",
) -> list[Hit]:
    """Stored documents of the ranked page with highlighted title and snippet (``documents``:
    those decoded already); without ``highlight`` a highlighter of no terms gives the plain
    title and the text's beginning. ``text`` is the query's text: the words typed, whose own
    terms choose the snippet over words that match by a compound part only."""
    if highlight:
        typed = frozenset(analyze(text, mode="query")) if text else None
        highlighter = Highlighter(*_highlight_terms(q, snapshot), typed=typed)
    else:
        highlighter = Highlighter(frozenset())
    documents = documents or {}
    page = [(documents.get(docnum) or Document.from_stored(snapshot.stored(docnum)), score) for docnum, score in ranked]
    highlighter.learn_page(doc for doc, _ in page)
    return [
        Hit(
            document=doc,
            score=round(float(score), 4) if score is not None else None,
            title_html=highlighter.highlight(doc.title, whole=True),
            snippet_html=highlighter.snippet(doc),
        )
        for doc, score in page
    ]


def _highlight_terms(
    q: query.Query | None, snapshot: Any
) -> tuple[frozenset[str], frozenset[frozenset[str]], frozenset[tuple[str, ...]]]:
    """Index terms of the text fields the query looks for (prefixes and wildcards expanded),
    the groups of terms a word must have all of (``OneWord``: "Vizebundeskanzler" is
    marked for "Bundeskanzler", "Bundespräsident" no longer for its part "Bund"), and the
    phrases, whose words are marked where the phrase stands (a phrase with slop: anywhere)."""
    terms: set[str] = set()
    groups: set[frozenset[str]] = set()
    phrases: set[tuple[str, ...]] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, OneWord):
            groups.add(frozenset(t.text for t in node.qs if getattr(t, "fieldname", None) in TEXT_FIELDS))
        elif not node.is_leaf():
            for child in node.children():
                walk(child)
        elif getattr(node, "fieldname", None) not in TEXT_FIELDS:
            return
        elif isinstance(node, (query.Prefix, query.Wildcard, query.FuzzyTerm)):
            terms.update(snapshot.expand(node, MAX_EXPANSION))
        elif isinstance(node, query.Phrase) and node.slop <= 1 and len(node.words) > 1:
            phrases.add(tuple(node.words))
        elif isinstance(node, query.Phrase):
            terms.update(node.words)
        elif isinstance(node, query.Term):
            terms.add(node.text)

    if q is not None:
        walk(q)
    groups.discard(frozenset())
    return frozenset(terms), frozenset(groups), frozenset(phrases)


@dataclass
class EntityReport:
    """One person, place or organisation: how often, when, with whom (the entity page)."""

    facet: str
    name: str
    count: int
    timeline: list[FacetValue]
    cooccurring: dict[str, list[FacetValue]]
    latest: list[Hit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "name": self.name,
            "count": self.count,
            "timeline": [v.to_dict() for v in self.timeline],
            "cooccurring": {k: [v.to_dict() for v in vs] for k, vs in self.cooccurring.items()},
            "latest": [h.to_dict() for h in self.latest],
        }


def entity_report(index: Any, facet: str, name: str, *, top: int = 10) -> EntityReport:
    """Documents of an entity over time (per month, oldest first; year-only dates per year) and
    the entities that appear with it most often."""
    from .errors import DocumentNotFoundError

    if facet not in ENTITY_FIELDS:
        raise QueryError(f"{facet!r} is not an entity facet; use one of {', '.join(ENTITY_FIELDS)}")
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= MAX_PER_PAGE:
        raise QueryError(f"top must be between 1 and {MAX_PER_PAGE}")
    if isinstance(name, str):
        data = index.facet_data()
        # a name the archive counts under another type ("Donald Trump" was tagged as an
        # organisation in some articles): its report is that type's (old links keep working)
        facet = data.counted_as(facet, name)
        lookup = data.fields[facet].lookup
        if lookup.get(name, lookup.get(facet_key(name))) is None:
            # one entity's report, not that of every value a name holds ("Olaf")
            named = entity_candidates(data, facet, name)
            if len(named) == 1:  # "Scholz" → Olaf Scholz, "Guttenbergs" → Karl-Theodor zu Guttenberg
                return entity_report(index, *named[0], top=top)
            labels = ", ".join(data.label(f, v) for f, v in named[:5])
            raise DocumentNotFoundError(
                f"no documents mention {name!r}" + (f"; names with it: {labels}" if labels else ""),
                german=f"Kein Artikel erwähnt „{name}“." + (f" Gemeint: {labels}?" if labels else ""),
            )
    result = run_search(
        index, SearchRequest(filters={facet: [name]}, sort="date_desc", per_page=top, facet_size=1000)
    )
    if result.total == 0:
        raise DocumentNotFoundError(f"no documents mention {name!r}", german=f"Kein Artikel erwähnt „{name}“.")
    label = result.request.filters[facet][0]
    months = result.facet("month")
    timeline = sorted(months.results if months else [], key=lambda v: v.value)
    return EntityReport(facet, label, result.total, timeline, _cooccurring(index, result.request, top), result.hits)


def entity_candidates(data: FacetData, facet: str, name: str) -> list[tuple[str, str]]:
    """(facet, value) of the entities ``name`` may mean where ``facet`` has no value of that
    name: the value of that name of another type ("Europa" asked as a person is the place),
    else those whose name holds ``name`` as words ("Scholz" → Olaf Scholz; a genitive too),
    those of ``facet`` first, each type's most mentioned first. The entity page of a surname
    found nothing, and one of a place asked as a person said no article mentions it (reviews)."""
    key = facet_key(name)
    others = [f for f in ENTITY_FIELDS if f != facet]
    for kind in others:
        idx = data.fields[kind].lookup.get(key)
        if idx is not None and data.fields[kind].counts(data.live)[idx]:
            return [(kind, data.fields[kind].values[idx])]
    found = []
    for kind in (facet, *others):
        ffield = data.fields[kind]
        ids = _named_value_ids(ffield, name, declined=kind != "person")
        if ids:  # (a value whose documents were all deleted names nothing)
            counts = ffield.counts(data.live)
            found += [(kind, ffield.values[i]) for i in sorted(ids, key=lambda i: -int(counts[i])) if counts[i]]
    return found


def _cooccurring(index: Any, request: SearchRequest, top: int) -> dict[str, list[FacetValue]]:
    """The ``top`` entities of each type in the documents of the request's entity, with the
    number of documents they share with it. Counted on those documents alone: the facets of a
    search count each facet without its own filter (disjunctively), which for the entity's own
    type would be every person's count in the whole index."""
    ev = _evaluate(index, request)
    shared = ev.hits_mask()
    cooccurring = {}
    for name in ENTITY_FIELDS:
        ffield = ev.data.fields[name]
        counts = ffield.counts(shared)
        itself = set(ev.selected_ids.get(name, []))
        candidates = np.array([i for i in np.flatnonzero(counts).tolist() if i not in itself], dtype=np.int64)
        cooccurring[name] = [
            FacetValue(_facet_value(name, ffield.values[i], ev.data), ev.data.label(name, ffield.values[i]),
                       int(counts[i]), False)
            for i in _shown(name, ffield.values, counts, candidates, top, set())
        ]
    return cooccurring
