"""What a search is asked and what it answers: ``SearchRequest`` (validated on creation, read
from and written to URL parameters) and ``SearchResult`` with its hits and facets. The CLI, the
JSON API and the web page speak these objects; ``search.run_search`` turns one into the other."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from .errors import DateError, QueryError, clipped, shown
from .facets import FACETS
from .index import NO_DATE
from .ingest.clean import sanitize_text
from .model import Document, Entity, PubDate
from .parsing import FIELD_ALIASES, _is_keyword_query


SORTS = ("relevance", "date_desc", "date_asc")


OPERATORS = ("auto", "and", "or")


MAX_QUERY_LENGTH = 1000


MAX_PER_PAGE = 100


MAX_RESULT_DEPTH = 10_000


MAX_FILTER_VALUES = 50


#: The names a filter may be given by (lowercase) → its facet: the facet names, and the German
#: names the query language takes for those fields (``ort:``, ``jahr:``, ``org:``;
#: ``parsing.FIELD_ALIASES``), so that ``filters={"ort": ["Berlin"]}`` is the place filter, as
#: ``ort:Berlin`` is. A request keeps the facet's own name (``SearchRequest.filters``).
FILTER_NAMES: dict[str, str] = {
    **{name: name for name in FACETS},
    **{alias: name for alias, name in FIELD_ALIASES.items() if name in FACETS},
}


def filter_facet(name: str) -> str | None:
    """The facet a URL parameter (or filter) named ``name`` filters by: its own name or a German
    one of the query language (``FILTER_NAMES``, in any case: ``ort``, ``Jahr``); None for a
    name that is no filter."""
    return FILTER_NAMES.get(name.lower())


def filter_aliases(facets: Iterable[str] = tuple(FACETS)) -> list[str]:
    """The German names (``FILTER_NAMES``) of the filters of ``facets``, in that table's order:
    what error messages, the CLI's options and the API's description list beside the facets'
    own names."""
    wanted = set(facets)
    return [alias for alias, facet in FILTER_NAMES.items() if alias != facet and facet in wanted]


def facet_name(name: object, what: str = "filter") -> str:
    """The facet that the filter (or facet) name ``name`` means (``filter_facet``: "Ort" is
    place, as ``Ort:Berlin`` is in a query); a ``QueryError`` that lists the names accepted
    when it names none."""
    facet = filter_facet(name) if isinstance(name, str) else None
    if facet is None:
        german = ", ".join(filter_aliases())
        raise QueryError(
            f"unknown {what} {shown(name)}; known: {', '.join(FACETS)} (in German also {german})",
            german=f"Unbekannter {'Filter' if what == 'filter' else 'Facette'} „{clipped(str(name))}“; möglich sind {', '.join(FILTER_NAMES)}.",
        )
    return facet


@dataclass
class SearchRequest:
    """Everything a search can be asked. Validated on creation (and again by ``make_request``
    when it is searched, in case a field was changed since): bad values raise ``QueryError``.

    ``query``: the query language of the README. ``filters`` maps a facet name (year, month,
    person, place, organisation, mentioned; or its German name of the query language: jahr,
    monat, personen, ort, org, …, ``FILTER_NAMES``, kept under the facet's name) to the values
    to keep (OR inside a facet, AND across facets). ``date_from``/``date_to`` bound the publication period (a ``PubDate``, a
    date or a string such as "2025-03" or "März 2025"; overlap semantics: an April 2025 article
    matches a range ending 2025-04-10). ``sort``: "relevance", "date_desc" or "date_asc".
    ``page`` (from 1) and ``per_page`` (0–100; 0: facets only). ``operator``: "auto" (keywords
    need every word, questions any, with a fallback), "and" or "or". ``parse_dates`` lets German
    date phrases in the query ("seit März 2025") become a date filter, relative to ``today`` (a
    date; None: the real today). ``facet_size``: values per facet (1–1000).
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
        if not _is_int(self.page) or self.page < 1:
            raise QueryError(f"page must be a positive integer{_not(self.page)}",
                             german="Die Seitenzahl muss 1 oder größer sein.")
        if not _is_int(self.per_page) or not 0 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(
                f"per_page must be an integer between 0 and {MAX_PER_PAGE}{_not(self.per_page)}",
                german=f"Treffer je Seite: zwischen 0 und {MAX_PER_PAGE}.",
            )
        if self.page * self.per_page > MAX_RESULT_DEPTH:
            raise QueryError(
                f"results beyond position {MAX_RESULT_DEPTH} are not available",
                german=f"Treffer nach Platz {MAX_RESULT_DEPTH} werden nicht angezeigt: bitte die Suche eingrenzen.",
            )
        if not _is_int(self.facet_size) or not 1 <= self.facet_size <= 1000:
            raise QueryError(
                f"facet_size must be an integer between 1 and 1000{_not(self.facet_size)}",
                german="Werte je Filter: zwischen 1 und 1000.",
            )
        for name in ("facets", "highlight", "parse_dates"):
            if not isinstance(getattr(self, name), bool):
                raise QueryError(f"{name} must be true or false")
        if isinstance(self.today, datetime):
            self.today = self.today.date()
        if self.today is not None and not isinstance(self.today, date):
            # a string was taken for the real today without a word (a review)
            raise QueryError(f"today must be a datetime.date or None, not {shown(self.today)}")
        self.filters = _clean_filters(self.filters)
        for name in ("date_from", "date_to"):
            setattr(self, name, _date_bound(name, getattr(self, name), self.today))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _not(value: object) -> str:
    """", not '10'" for a value of another type: ``per_page="10"`` was told "must be between 0
    and 100", which 10 is (found by a review)."""
    return "" if _is_int(value) else f", not {shown(value)} ({type(value).__name__})"


def _clean_filters(filters: object) -> dict[str, list[str]]:
    """Facet name → distinct values. One value may stand alone ("2025", or the number 2025). A
    filter may be named in German (``FILTER_NAMES``: "ort", "jahr"); it is kept under the
    facet's name, the values of two names of one facet ("ort" and "place") as one list."""
    if not filters:
        return {}
    if not isinstance(filters, Mapping):
        raise QueryError("filters must map facet names to lists of values, e.g. {'year': ['2025']}")
    clean: dict[str, list[str]] = {}
    for given, values in filters.items():
        name = facet_name(given)
        if isinstance(values, (str, int)) and not isinstance(values, bool):
            values = [values]
        if not isinstance(values, (list, tuple, set, frozenset)):
            raise QueryError(f"filter {given!r} takes a list of values, not {type(values).__name__}")
        if len(values) > MAX_FILTER_VALUES:
            raise _too_many_values()
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            raise QueryError(f"filter {shown(given)} takes strings")
        if any(isinstance(v, str) and not v.strip() for v in values):
            raise _empty_value(name)
        if values:
            clean[name] = list(dict.fromkeys([*clean.get(name, []), *(str(v) for v in values)]))
            if len(clean[name]) > MAX_FILTER_VALUES:  # "ort" and "place" together
                raise _too_many_values()
            _check_period_values(name, clean[name])
    return clean


def _empty_value(name: str) -> QueryError:
    """An empty filter value: it selected nothing, so the search found nothing without a word
    (a review). (An empty URL parameter, ``?place=``, is no filter: ``request_from_params``
    leaves it out, as a form sends every field.)"""
    return QueryError(
        f"filter {name!r} takes no empty value; leave the filter out to keep every {name}",
        german=f"Filter „{FACETS[name][1]}“: ein leerer Wert wählt nichts aus.",
    )


def _too_many_values() -> QueryError:
    return QueryError(
        f"at most {MAX_FILTER_VALUES} values per filter", german=f"Höchstens {MAX_FILTER_VALUES} Werte je Filter."
    )


#: What a value of the year and month filters looks like (the year filter also takes the
#: undated documents: "none", "ohne Datum", as ``_resolve_filters`` reads them).
_PERIOD_VALUE = {
    "year": re.compile(r"[0-9]{4}"),
    "month": re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])"),
    "mentioned": re.compile(r"[0-9]{4}"),
}


_PERIOD_LABEL = {"year": "Jahr", "month": "Monat", "mentioned": "Im Text erwähnte Jahre"}


_UNDATED_VALUES = (NO_DATE, "ohne datum")


#: What "none" ("ohne Datum") selects in the filters that take it: for the year, the documents
#: without a publication date (``search._resolve_filters``); for the years a text mentions, the
#: texts that mention none. (The 400 said "or 'none' for undated" of both, and a text that
#: mentions no year carries no value to select, so ``mentioned=none`` found nothing, a review;
#: the search selects them once ``search._resolve_filters`` does.)
_UNDATED_MEANING = {
    "year": ("'none' for undated", "none für Artikel ohne Datum"),
    "mentioned": ("'none' for texts that mention no year", "none für Texte, die kein Jahr erwähnen"),
}


def _check_period_values(name: str, values: list[str]) -> None:
    """A year filter (and one of the years a text mentions) takes years and a month filter
    ``2025-03``: "abc", "März" or "2025-13" selected nothing, silently (``monat:März`` in the
    query takes month names). The year is one a date can have (``dates.MIN_YEAR`` to
    ``MAX_YEAR``), as in ``from``/``to``: "0000-01" selected nothing while ``from=0000`` was a
    400. A month filter takes no "none" (``_UNDATED_MEANING``)."""
    pattern = _PERIOD_VALUE.get(name)
    if pattern is None:
        return
    for value in values:
        undated = name in _UNDATED_MEANING and value.casefold() in _UNDATED_VALUES
        if not undated and not (pattern.fullmatch(value) and _is_date_year(value[:4])):
            raise _period_value_error(name, value)


def _is_date_year(year: str) -> bool:
    from .dates import MAX_YEAR, MIN_YEAR

    return MIN_YEAR <= int(year) <= MAX_YEAR


def _period_value_error(name: str, value: str) -> QueryError:
    """The 400 of a bad period filter value: the values it takes, by example, and the years."""
    from .dates import MAX_YEAR, MIN_YEAR

    example = "2025-03" if name == "month" else "2025"
    english, german = _UNDATED_MEANING.get(name, ("", ""))
    return QueryError(
        f"filter {name!r} takes values such as {example!r} (years {MIN_YEAR} to {MAX_YEAR})"
        f"{f', or {english}' if english else ''}, not {shown(value)}",
        german=f"Filter „{_PERIOD_LABEL[name]}“: Werte wie {example} (Jahre {MIN_YEAR} bis {MAX_YEAR})"
        f"{f' oder {german}' if german else ''}, nicht „{clipped(value)}“.",
    )


#: Far longer than any date a bound is written as ("Anfang September 2025", "10.04.2025"): a
#: longer one is refused before it is parsed, and its message does not repeat all of it.
MAX_DATE_CHARS = 200


def _date_bound(name: str, value: object, today: date | None = None) -> PubDate | None:
    """A publication-date bound from what a caller naturally has at hand: a string ("2025-04",
    "März 2025"), a ``date``/``datetime`` (day precision) or a year as a number. A blank string
    is no bound, as an empty form field is (a space in "Von" was a 400 "Datum fehlt"). A
    relative one ("gestern") counts from the request's ``today`` (it counted from the real
    today: a review)."""
    from .dates import parse_date_bound

    if value is None or isinstance(value, PubDate):
        return value
    if isinstance(value, str):  # (a part of a year: its first month "from", its last "to")
        if not value.strip():
            return None
        if len(value.strip()) > MAX_DATE_CHARS:
            raise DateError(
                f"date not recognised: {shown(value.strip())} (longer than {MAX_DATE_CHARS} characters)",
                german=f"Datum nicht erkannt: „{clipped(value.strip())}“ (länger als {MAX_DATE_CHARS} Zeichen).",
            )
        return parse_date_bound(value, today=today, side="end" if name == "date_to" else "start")
    if isinstance(value, date):  # datetime is a date too
        return parse_date_bound(value.strftime("%Y-%m-%d"), today=today)
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_date_bound(str(value), today=today)
    raise QueryError(f"{name} must be a date string, a date or a year, not {type(value).__name__}")


def make_request(query: str = "", request: SearchRequest | Mapping[str, Any] | None = None, **options: Any) -> SearchRequest:
    """The ``SearchRequest`` of a library call: a ready request, a mapping of its fields, or the
    query and keyword options; an unknown option is a ``QueryError`` naming the known ones. A
    ready request is checked again (a field changed after it was made went unchecked: a
    ``per_page`` of 5,000, a filter "stadt"), and comes alone: other options beside it were
    silently ignored (a review)."""
    if isinstance(query, SearchRequest) and request is None:
        query, request = "", query  # ``index.search(SearchRequest(...))``
    if isinstance(request, SearchRequest):
        if query or options:
            raise QueryError("give either a SearchRequest or the query and its options, not both")
        return SearchRequest(**{f.name: getattr(request, f.name) for f in fields(SearchRequest)})
    if request is not None:
        if not isinstance(request, Mapping):
            raise QueryError(f"request must be a SearchRequest or a mapping, not {type(request).__name__}")
        options = {**request, **options}
        query = options.pop("query", query)
    check_options(options)
    return SearchRequest(query=query, **options)


def check_options(options: Iterable[str], *, leave_out: Collection[str] = ()) -> None:
    """A ``QueryError`` for the names among ``options`` that are no option of a search, listing
    the known ones but those in ``leave_out`` (options the caller refuses itself: ``facets()``
    takes no ``page``)."""
    known = {f.name for f in fields(SearchRequest)} - {"query"}
    unknown = sorted(set(options) - known, key=str)
    if unknown:
        listed = ", ".join(shown(name) if not isinstance(name, str) else clipped(name) for name in unknown)
        raise QueryError(f"unknown search option(s): {listed}; known: {', '.join(sorted(known - set(leave_out)))}")


#: URL/API parameter names besides the facet names.
PARAMS = ("q", "from", "to", "sort", "page", "per_page", "operator", "facet_size", "facets", "highlight")


#: The parameters that decide which documents a search finds (with the facet filters): a
#: facet-value search counts within them, the rest (order, page, what to show) do not matter.
SCOPE_PARAMS = ("q", "from", "to", "operator")
#: Options (and URL parameters) that shape the hits of a search: counting facets uses none of
#: them (``Index.facets``, ``Index.facet_values``, /api/facets refuse them).
HIT_OPTIONS = ("sort", "page", "per_page", "highlight", "facets")


#: German names of the parameters a reader of the web page can get wrong (for ``QueryError.german``).
_GERMAN_PARAMS = {"page": "Die Seitenzahl", "per_page": "Die Zahl der Treffer je Seite", "facet_size": "Die Zahl der Filterwerte"}


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
        f"parameter {name!r} must be an integer, not {shown(value)}",
        german=f"{_GERMAN_PARAMS.get(name, name)} muss eine ganze Zahl sein, nicht „{clipped(value)}“.",
    )


def _int(params: Mapping[str, list[str]], name: str, default: int) -> int:
    return int_param(name, _one(params, name), default)


def canonical_params(params: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """``params`` with every filter under its facet's own name (``ort`` → ``place``; the values of
    two names of one facet together), the others as they came: for a form or a link that repeats
    what was asked, as the answers name the facets."""
    canonical: dict[str, list[str]] = {}
    for name, values in params.items():
        canonical.setdefault(filter_facet(name) or name, []).extend(values)
    return canonical


def request_from_params(params: Mapping[str, list[str]], *, today: date | None = None) -> SearchRequest:
    """A ``SearchRequest`` from URL-style parameters (each name → list of values), as the HTTP
    API and the web form send them. Unknown parameters are an error, not silently ignored. A
    facet filter may be named in German as in the query language (``ort=Baku``, ``Jahr=2025``:
    ``filter_facet``); the request keeps the facet's own name, and two names of one facet are
    one filter (``ort=Baku&place=Ankara``: either)."""
    unknown = sorted(clipped(name) for name in params if name not in PARAMS and filter_facet(name) is None)
    if unknown:
        raise QueryError(
            f"unknown parameter(s): {', '.join(unknown)}; known: {', '.join(PARAMS + tuple(FACETS))}"
            f" (filters also by their German names: {', '.join(filter_aliases())})",
            german=f"Unbekannte Angabe in der Adresse: {', '.join(unknown)}.",
        )
    order = list(FACETS)
    # in the facets' order (the window title and the list of active filters follow it)
    named = sorted((name for name in params if name not in PARAMS), key=lambda name: order.index(filter_facet(name)))
    return SearchRequest(
        query=_one(params, "q") or "",
        filters={name: [v for v in params[name] if v] for name in named if params[name]},
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
    """One hit of a page: the document, its score (None when sorted by date) and its title and
    snippet as HTML with the matched words in ``<mark>``."""

    document: Document
    score: float | None
    title_html: str
    snippet_html: str
    #: how the index's facets name a document's entities (``Index.entity_names``), if known
    namer: Callable[[list[Entity]], list[Entity]] | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        # the generated one printed the whole document, body and all (a review)
        return f"Hit(id={self.document.id!r}, score={self.score!r}, title={self.document.title!r})"

    @property
    def entities(self) -> list[Entity]:
        """The document's persons, places and organisations as the facets name them, each
        once ("EU" and "Europäische Union" are Europäische Union; a name the archive counts as
        a person is a person): what a filter takes. The API answered the names as extracted,
        which no facet listed (found by a review). ``document.entities`` keeps those."""
        entities = list(self.document.entities)
        return self.namer(entities) if self.namer is not None else entities

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
            "entities": [e.to_dict() for e in self.entities],
            "score": self.score,
        }


@dataclass
class DateFilter:
    """The publication-date bounds in force, and where they came from."""

    start: PubDate | None
    end: PubDate | None
    phrase: str = ""
    label: str = ""
    #: A year typed bare after the words ("Haushalt 2026") also takes the documents whose text
    #: mentions it: the budget for 2026 is reported in 2025 (``search._date_filter``).
    mentioned_year: int | None = None

    def shown(self) -> str:
        """What the page calls the period: the date phrase's label, else "März 2024 – …"."""
        return self.label or f"{self.start.label() if self.start else '…'} – {self.end.label() if self.end else '…'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.value if self.start else None,
            "to": self.end.value if self.end else None,
            "phrase": self.phrase,
            "label": self.label,
            "or_mentioned": self.mentioned_year is not None,
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
    #: Whether relevance orders the hits: the query has words of a text field to score. A
    #: query of value fields alone (``person:Merz``, ``jahr:2023``) or none gives every match
    #: one score and is listed newest first under "relevance" (``sort``).
    ranked_by_words: bool = True

    @property
    def sort(self) -> str:
        """The order the hits are in: the one asked for, except that "relevance" without words
        to rank by is the newest first (the page marked "Relevanz" there, and the API said
        "relevance", for hits in exactly the order of ``date_desc``; found by a review)."""
        if self.request.sort == "relevance" and not self.ranked_by_words:
            return "date_desc"
        return self.request.sort

    @property
    def pages(self) -> int:
        if not self.request.per_page:  # counts and facets only: one page without hits
            return 1
        # the pages a request may ask for: one whose end lies beyond the result depth is
        # refused (with 30 a page, page 334 of 10,000 hits; found by a review)
        per_page = self.request.per_page
        return max(1, min(-(-self.total // per_page), MAX_RESULT_DEPTH // per_page))

    def facet(self, name: str) -> Facet | None:
        """The facet ``name``, also by its German name as a filter takes it ("ort": place;
        ``filter_facet``), or None when the result has none of that name."""
        wanted = (filter_facet(name) or name) if isinstance(name, str) else name
        return next((f for f in self.facets if f.name == wanted), None)

    @property
    def unknown_fields(self) -> list[str]:
        """The names the query typed as fields although no field has them ("datum:2025":
        "datum"), searched as words: the page, the CLI and the API say so."""
        from .parsing import unknown_fields

        return unknown_fields(self.request.query)

    @property
    def unknown_fields_notice(self) -> str:
        """The German note on ``unknown_fields`` for the page and the CLI ("" when none)."""
        from .parsing import unknown_field_notice

        return unknown_field_notice(self.request.query) or ""

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
            "filters": {name: list(values) for name, values in req.filters.items()},
            "sort": self.sort,
            "page": req.page,
            "per_page": req.per_page,
            "pages": self.pages,
            "total": self.total,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "date_words": self.date_words,
            "unknown_fields": self.unknown_fields,
            "hits": [h.to_dict() for h in self.hits],
            "facets": [f.to_dict() for f in self.facets],
        }
