"""The German web page: search form, results, facet sidebar, document page, API page.
No JavaScript: every interaction is a link or a form."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from searchkit.dates import parse_date_bound
from searchkit.entity_report import entity_candidates, not_found_german
from searchkit.errors import DateError, QueryError
from searchkit.errors import DocumentNotFoundError as SearchkitNotFound
from searchkit.facets import FACETS
from searchkit.index import ENTITY_FIELDS, NO_DATE
from searchkit.ingest import READERS
from searchkit.model import GERMAN_MONTHS, EntityType, without_title
from searchkit.parsing import operator_reading
from searchkit.request import (
    MAX_RESULT_DEPTH,
    PARAMS,
    SORTS,
    Facet,
    SearchRequest,
    SearchResult,
    canonical_params,
    filter_aliases,
    filter_facet,
    request_to_params,
    toggle_params,
)
from searchkit.search import facet_values, unlisted_value_label
from searchkit.similar import similar_documents

from . import error_response, get_index
from .api import search_from_request
from .http import german_period, rate_limit_of
from .openapi import LIMITS_TEXT, build_spec
from .serving import LIMIT_REQUEST_LINE

pages = Blueprint("pages", __name__)


@pages.context_processor
def _search_tips() -> dict[str, Any]:
    return {"search_tips": SEARCH_TIPS}


@pages.app_template_filter("web_url")
def web_url(url: str) -> str | None:
    """Only http(s) links are rendered as links (no ``javascript:`` from a document)."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


@pages.app_template_filter("short_query")
def short_query(text: str) -> str:
    """The query as the page repeats it (summary, window title): a query may be 1,000
    characters long, and repeated whole it pushed the hits off the screen."""
    text = " ".join(str(text).split())
    return text if len(text) <= QUERY_ECHO else text[: QUERY_ECHO - 1].rstrip() + "…"


#: Quotation marks the query parser takes as phrase quotes (``parsing._TYPOGRAPHIC_QUOTES``
#: and the straight one).
PHRASE_QUOTES = "\"„“”‟»«"


@pages.app_template_filter("quoted_query")
def quoted_query(text: str) -> str:
    """The query in German quotation marks as the summary and the window title repeat it
    (shortened, ``short_query``). A query that is one quoted phrase ("Europäische Union",
    „Europäische Union“) is shown in one pair of „…“, not wrapped in a second one (a review
    found „„Europäische Union““); one with quotation marks of its own elsewhere
    ('"Europäische Union" Brüssel') is shown as typed, without quotes around it."""
    text = " ".join(str(text).split())
    inner = text[1:-1].strip()
    if len(text) > 2 and text[0] in PHRASE_QUOTES and text[-1] in PHRASE_QUOTES and inner \
            and not any(q in inner for q in PHRASE_QUOTES):
        return f"„{short_query(inner)}“"
    if any(q in text for q in PHRASE_QUOTES):
        return short_query(text)
    return f"„{short_query(text)}“"


def _host(url: Any) -> str:
    """The host of an http(s) address without "www." ("https://www.zeit.de/index" →
    "zeit.de"); "" for anything else."""
    if not web_url(url):
        return ""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""
    if "xn--" in host:  # an internationalised name as its reader writes it
        try:
            host = host.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    return host.removeprefix("www.")


#: A bare host name as a source ("www.zeit.de").
_BARE_HOST = re.compile(r"www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


@pages.app_template_filter("source_label")
def source_label(doc: Any) -> str:
    """A document's source as the page names it (after the date of every hit, on the article
    page, in its sidebar, on the entity page): the ingest readers store what the input had,
    which was a feed's address ("https://www.tagesschau.de/api2u/homepage/") or the input
    file's name ("test.csv") on every article of a real archive (a review). An address is
    shown as its host ("tagesschau.de"); a file name of an input format (``ingest.READERS``)
    names no publisher: then, as for no source, the host of the article's own address, or
    nothing."""
    source = " ".join(str(getattr(doc, "source", "") or "").split())
    own = _host(getattr(doc, "url", ""))
    if web_url(source):
        return _host(source) or own
    if not source or "://" in source or source.lower().endswith(tuple(READERS)):
        return own
    if _BARE_HOST.fullmatch(source):
        return source[len("www."):].lower()
    return source


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page links of the pagination: the first and the last page, the pages ``around``
    the current one, and ``None`` for each gap ("1 … 258 259 260 261 262 … 1000"; a gap of
    one page is that page). A page beyond the last shows the last pages."""
    if last < 1:
        return []
    current = min(current, last)
    low, high = max(1, current - around), min(last, current + around)
    numbers: list[int | None] = []
    if low > 1:
        numbers.append(1)
        if low == 3:
            numbers.append(2)
        elif low > 3:
            numbers.append(None)
    numbers += range(low, high + 1)
    if high < last:
        if high == last - 2:
            numbers.append(last - 1)
        elif high < last - 2:
            numbers.append(None)
        numbers.append(last)
    return numbers


@pages.app_template_filter("inline_code")
def inline_code(text: str) -> Markup:
    """Escape, then turn `backticks` into <code> (for the API page's descriptions)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))

SORT_LABELS = {"relevance": "Relevanz", "date_desc": "Neueste zuerst", "date_asc": "Älteste zuerst"}
#: "Suchtipps" under the search box: examples (each a link that runs it) and what they do.
#: ``tests/test_pages.py`` runs every example on the demo corpus.
SEARCH_TIPS: list[tuple[tuple[str, ...], Markup]] = [
    (("Türkei Aserbaidschan",), Markup("Artikel mit allen Wörtern (hat keiner alle, dann mit möglichst vielen)")),
    (('"Europäische Union"', "„Europäische Union“"), Markup("genau diese Wortgruppe (mit geraden oder deutschen Anführungszeichen)")),
    (("Militär*",), Markup("Wörter, die so beginnen")),
    (("Selenskij~",), Markup("unscharf: ein Tippfehler erlaubt (<code>~2</code>: zwei)")),
    (("Gas OR Öl", "Merz NOT Koalition"), Markup("oder, ohne (auch <code>AND</code> und Klammern)")),
    (("titel:Erdoğan", "ort:Baku"), Markup(
        "nur in der Überschrift, wie sie der Treffer zeigt; nur Artikel mit diesem"
        " Ort (ebenso <code>person:</code>, <code>org:</code>; englisch <code>title:</code>, <code>place:</code>)")),
    (("Ukraine seit März 2025", "monat:März"), Markup(
        "Zeitangaben werden zum Datumsfilter; Artikel aus einem März jedes Jahres (ebenso <code>jahr:2025</code>)")),
]
assert set(SORT_LABELS) == set(SORTS)
#: The page's own parameter: which facet shows more values ("mehr anzeigen").
MORE_PARAM = "mehr"
#: Values a facet shows after "mehr anzeigen".
MORE_SIZE = 100
SIMILAR_COUNT = 5
#: Characters of the query the page repeats (``short_query``).
QUERY_ECHO = 80
#: Parameter of the document and entity pages: the search the reader came from (a query
#: string), for "‹ Zurück zu den Treffern".
BACK_PARAM = "suche"
#: Longest link the page writes: the server refuses a request line ("GET <link> HTTP/1.1")
#: longer than ``LIMIT_REQUEST_LINE`` with an English error page of its own.
MAX_LINK_LENGTH = LIMIT_REQUEST_LINE - len("GET  HTTP/1.1")
#: Longest ``suche`` taken over (a longer one cannot have come through the server).
MAX_BACK_LENGTH = LIMIT_REQUEST_LINE
#: The page's own parameters of the facet-value search: ``person_suche=Erd`` lists the persons
#: whose name contains "Erd" (entity facets only).
VALUE_SEARCH_SUFFIX = "_suche"
VALUE_SEARCH_LIMIT = 20
#: Facet values the histogram needs at most (every year, or the months of one year).
HISTOGRAM_FACET_SIZE = 1000
#: Histogram geometry in SVG user units (= CSS pixels at natural size).
BAR_SLOT, BAR_WIDTH, BAR_MAX, BAR_TOP, BAR_LABELS = 48, 32, 84, 22, 22
#: Year bars with gaps filled in up to this many years; a longer span shows only years with hits.
MAX_YEAR_SPAN = 60
MONTH_SHORT = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
ENTITY_SINGULAR = {"person": "Person", "place": "Ort", "organisation": "Organisation"}


def _treffer(count: int) -> str:
    return f"{count} Treffer"


@dataclasses.dataclass
class Bar:
    label: str
    title: str
    count: int
    url: str | None
    selected: bool
    x: int
    y: int
    height: int


@dataclasses.dataclass
class Histogram:
    """A bar chart of hits over time, rendered as inline SVG by the template (no JavaScript)."""

    caption: str
    bars: list[Bar]
    width: int
    height: int
    undated: int = 0
    undated_url: str | None = None
    #: Hits dated to the year only (month mode): they have no month bar.
    year_only: int = 0
    #: Some bar is selected as a filter: the others are drawn lighter.
    selection: bool = False

    @property
    def summary(self) -> str:
        parts = [f"{b.title}" for b in self.bars if b.count]
        if self.undated:
            parts.append(f"ohne Datum: {_treffer(self.undated)}")
        return f"{self.caption}: " + "; ".join(parts)


def _bars(items: list[tuple[str, str, int, str | None, bool]]) -> tuple[list[Bar], int, int]:
    """(short label, title, count, url, selected) → positioned bars, chart width and height."""
    top = max((count for _, _, count, _, _ in items), default=0) or 1
    bars = []
    for i, (label, title, count, url, selected) in enumerate(items):
        height = round(count / top * BAR_MAX) if count else 0
        if count and height < 2:
            height = 2
        bars.append(Bar(label, title, count, url, selected, i * BAR_SLOT + (BAR_SLOT - BAR_WIDTH) // 2,
                        BAR_TOP + BAR_MAX - height, height))
    return bars, max(1, len(items)) * BAR_SLOT, BAR_TOP + BAR_MAX + BAR_LABELS


def _full_facets(index: Any, result: SearchResult, names: tuple[str, ...]) -> dict[str, Facet]:
    """The named facets of the result with every value (one more count-only search when the
    page's short lists are cut off)."""
    facets = {name: result.facet(name) for name in names}
    if any(f is None or f.truncated for f in facets.values()):
        wide = index.search(
            request=dataclasses.replace(result.request, per_page=0, page=1, facet_size=HISTOGRAM_FACET_SIZE)
        )
        facets = {name: wide.facet(name) for name in names}
    return {name: f for name, f in facets.items() if f is not None}


def build_histogram(index: Any, result: SearchResult, url: Any) -> Histogram | None:
    """Hits per year, or per month when the hits lie in one year (one year selected, a date
    range inside one year, or only one year with hits). ``url(params)`` builds a link from search
    parameters. Each bar links to the same search narrowed to its period; a selected bar links to
    the search without it."""
    req = result.request
    if result.total == 0:
        return None
    facets = _full_facets(index, result, ("year", "month"))
    year_facet, month_facet = facets.get("year"), facets.get("month")
    if year_facet is None:
        return None
    chosen_years = req.filters.get("year", [])
    years = {v.value: v for v in year_facet.results}
    dated = [v for v in year_facet.results if v.value != NO_DATE and v.count]
    single: str | None = None
    df = result.date_filter
    if len(chosen_years) == 1 and chosen_years[0] != NO_DATE:
        single = chosen_years[0]
    elif df and df.start and df.end and df.start.start().year == df.end.end().year and df.mentioned_year is None:
        # (a bare year's hits include other years' articles that mention it: per year then)
        single = str(df.start.start().year)
    elif not chosen_years and len(dated) == 1:
        single = dated[0].value

    def period_url(facet: str, value: str, selected: bool) -> str:
        if selected:
            return url(toggle_params(req, facet, value))
        params = request_to_params(req)
        params.pop("page", None)
        params[facet] = [value]
        return url(params)

    items: list[tuple[str, str, int, str | None, bool]] = []
    selection = False
    year_only = 0
    if single is not None:
        months = {v.value: v for v in (month_facet.results if month_facet else []) if v.value[:4] == single}
        chosen = set(req.filters.get("month", []))
        selection = bool(chosen & set(months))
        for number, short in enumerate(MONTH_SHORT, start=1):
            value = f"{single}-{number:02d}"
            month = months.get(value)
            count = month.count if month else 0
            selected = value in chosen
            # starts with the bar's visible label and count (a speech user says what they see)
            title = f"{short}: {_treffer(count)} ({GERMAN_MONTHS[number - 1]} {single})"
            if selected:
                title += " (ausgewählt, Filter entfernen)"
            items.append((short, title, count, period_url("month", value, selected) if count or selected else None, selected))
        if not chosen and single in years:
            year_only = max(0, years[single].count - sum(v.count for v in months.values()))
        caption = f"Treffer pro Monat {single}"
    else:
        values = sorted(v.value for v in dated)
        if values and int(values[-1]) - int(values[0]) < MAX_YEAR_SPAN and all(v.isdigit() for v in values):
            values = [str(y) for y in range(int(values[0]), int(values[-1]) + 1)]
        chosen = set(chosen_years)
        selection = bool(chosen - {NO_DATE})
        for value in values:
            year = years.get(value)
            count = year.count if year else 0
            selected = value in chosen
            title = f"{value}: {_treffer(count)}" + (" (ausgewählt, Filter entfernen)" if selected else "")
            items.append((value, title, count, period_url("year", value, selected) if count or selected else None, selected))
        caption = "Treffer pro Jahr"
    if not any(count for _, _, count, _, _ in items):
        return None
    undated = 0
    undated_url = None
    if NO_DATE in years and (not chosen_years or NO_DATE in chosen_years):
        undated = years[NO_DATE].count
        undated_url = period_url("year", NO_DATE, NO_DATE in chosen_years)
    bars, width, height = _bars(items)
    return Histogram(caption, bars, width, height, undated, undated_url, year_only, selection)


def _value_search_facet(name: str) -> str | None:
    """The entity facet a facet-value search parameter names (``person_suche``, also with the
    German name of the filter, ``ort_suche``, as ``mehr=ort`` and ``?ort=`` take it: it was an
    "Unbekannte Angabe", found by a review), or None."""
    if not name.endswith(VALUE_SEARCH_SUFFIX):
        return None
    facet = filter_facet(name.removesuffix(VALUE_SEARCH_SUFFIX))
    return facet if facet in ENTITY_FIELDS else None


def _value_searches(params: dict[str, list[str]]) -> dict[str, str]:
    """Pop the facet-value search parameters (``person_suche`` …): facet → text."""
    named: dict[str, list[str]] = {}
    for name in [n for n in params if _value_search_facet(n)]:
        named.setdefault(str(_value_search_facet(name)), []).extend(params.pop(name))
    searches = {}
    for facet in ENTITY_FIELDS:
        values = [v.strip() for v in named.get(facet, []) if v.strip()]
        if len(values) > 1:
            raise QueryError(f"parameter {facet + VALUE_SEARCH_SUFFIX!r} given more than once",
                             german="Die Namenssuche steht mehrmals in der Adresse.")
        if values:
            if len(values[0]) > 200:
                raise QueryError(f"parameter {facet + VALUE_SEARCH_SUFFIX!r} is longer than 200 characters",
                                 german="Die Namenssuche ist länger als 200 Zeichen.")
            searches[facet] = values[0]
    return searches


def _search_or_past_depth(params: dict[str, list[str]]) -> SearchResult:
    """The search of ``params``; a page past the result depth (``MAX_RESULT_DEPTH``, "page=1001")
    is answered as a page past the last one is, "Seite 1001 gibt es nicht", with a link to the
    last page: it was the 400 "Treffer nach Platz 10000 …", also for a search of 32 pages (found
    by a review)."""
    try:
        return search_from_request(params)
    except QueryError:
        page = _past_depth(params)
        if page is None:
            raise
        first = search_from_request({**params, "page": ["1"]})
        asked = copy.copy(first.request)
        asked.page = page  # (not through the constructor, which refuses such a page)
        return dataclasses.replace(first, hits=[], request=asked)


def _past_depth(params: dict[str, list[str]]) -> int | None:
    """The page ``params`` ask for when it lies past the result depth, else None."""
    try:
        page = int((params.get("page") or ["1"])[0])
        per_page = int((params.get("per_page") or [str(SearchRequest.per_page)])[0])
    except ValueError:
        return None
    return page if per_page > 0 and page * per_page > MAX_RESULT_DEPTH else None


@pages.get("/")
def index():  # type: ignore[no-untyped-def]
    params = {key: request.args.getlist(key) for key in request.args}
    try:
        more_values = [v for v in params.pop(MORE_PARAM, []) if v]
        more = filter_facet(more_values[0]) if more_values else None  # "mehr=ort", as a filter may be named
        if len(more_values) > 1 or (more_values and more is None):
            # the parameter is known, its value is not: say which values it takes (it said
            # "Unbekannte Angabe „mehr“", found by a review)
            names = f"{', '.join(filter_aliases())} oder {', '.join(FACETS)}"
            raise QueryError(
                f"parameter {MORE_PARAM!r} takes one facet name: {', '.join(FACETS)}",
                german=(f"„mehr={more_values[0]}“: keine Filterliste; möglich sind {names}."
                        if len(more_values) == 1 else f"„mehr“ steht mehrmals in der Adresse; möglich ist eine von {names}."),
            )
        value_searches = _value_searches(params)
        result = _search_or_past_depth(params)
    except (QueryError, DateError) as error:
        # The search page again, with the form as the user filled it and the message: 400.
        return _search_error(params, error)
    req = result.request
    # The dates as typed ("März 2025", "heute"), for the form and every link: the search parsed them.
    typed_dates = {name: [value] for name in ("from", "to") if (value := _typed(params, name))}
    if more:
        # The same search with more values, for this one facet only (no hits needed).
        wide = get_index().search(request=dataclasses.replace(req, per_page=0, page=1, facet_size=MORE_SIZE))
        expanded = wide.facet(more)
        result.facets = [expanded if f.name == more and expanded else f for f in result.facets]

    def link(params: dict[str, list[str]], keep_more: bool = True) -> str:
        if more and keep_more:
            params[MORE_PARAM] = [more]
        params.update({name: value for name, value in typed_dates.items() if params.get(name)})
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

    def suggestion_url() -> str | None:
        if not result.suggestion:
            return None
        params = request_to_params(req)
        params.pop("page", None)
        params["q"] = [result.suggestion]  # with the query's date phrase, as typed
        return link(params)

    def operator_url() -> tuple[str, str] | None:
        """"Gas ODER Öl" searched as words: the link to the reading with operators."""
        reading = operator_reading(result)
        if reading is None:
            return None
        params = request_to_params(req)
        params.pop("page", None)
        params["q"] = [reading]
        return reading, link(params)

    def close_value_search(facet: str) -> str:
        return link(request_to_params(req)) + f"#facet-{facet}"

    back = request_to_params(req) | typed_dates
    if more:
        back[MORE_PARAM] = [more]
    back.update({facet + VALUE_SEARCH_SUFFIX: [text] for facet, text in value_searches.items()})
    back_query = urlencode(back, doseq=True)

    def hit_url(doc_id: str) -> str:
        return link_with_back("pages.document", back_query, doc_id=doc_id)

    # The last page a link may lead to: ``result.pages`` counts the hits up to the result
    # depth, but a page that reaches past it is refused (``SearchRequest.validate``): with 30
    # hits a page, page 334 of 10,000 hits would be a 400.
    last_page = min(result.pages, MAX_RESULT_DEPTH // req.per_page) if req.per_page else result.pages

    # per_page=0 (as in the API: the count and the filters): the link to the articles
    hits_url = None
    if req.per_page == 0:
        hits_url = link({k: v for k, v in request_to_params(req).items() if k not in ("per_page", "page")})

    found = {
        facet: (text, facet_values(get_index(), req, facet, text, VALUE_SEARCH_LIMIT))
        for facet, text in value_searches.items()
    }
    labels = {(f.name, v.value): v.label for f in result.facets for v in f.results}
    facet_labels = {f.name: f.label for f in result.facets}
    active = [
        (facet_labels.get(name, name), labels.get((name, value)) or unlisted_value_label(name, value), toggle(name, value))
        for name, values in req.filters.items()
        for value in values
    ]
    return render_template(
        "search.html",
        result=result,
        req=req,
        page_title=_page_title(result, active),
        hit_url=hit_url,
        last_page_url=page_url(last_page) if result.total and req.page > last_page else None,
        searched=bool(request.args),
        toggle=toggle,
        page_url=page_url,
        page_numbers=page_numbers(req.page, last_page),
        last_page=last_page,
        depth_cut=bool(req.per_page) and result.total > last_page * req.per_page,
        max_depth=f"{MAX_RESULT_DEPTH:,}".replace(",", "."),
        sort_url=sort_url,
        more_url=more_url,
        more=more,
        active=active,
        date_filter_removed=date_filter_removed,
        sort_labels=SORT_LABELS if result.ranked_by_words else {k: v for k, v in SORT_LABELS.items() if k != "relevance"},
        current_sort=result.sort,
        first=(req.page - 1) * req.per_page + 1,
        form=_form_values(request_to_params(req) | typed_dates),
        hits_url=hits_url,
        suggestion_url=suggestion_url(),
        operator_link=operator_url(),
        histogram=build_histogram(get_index(), result, link) if result.hits or result.total else None,
        entity_facets=ENTITY_FIELDS,
        value_search_suffix=VALUE_SEARCH_SUFFIX,
        found=found,
        close_value_search=close_value_search,
        error=None,
        field_errors={},
    )


def _typed(params: dict[str, list[str]], name: str) -> str:
    return next((v for v in params.get(name, []) if v), "")


#: A month filter's value ("2019-03").
@pages.app_template_filter("period")
def period(date_filter: Any) -> str:
    """The period of a date filter as the page names it: one period when both bounds are the
    same ("2025", not "2025 – 2025")."""
    start, end = date_filter.start, date_filter.end
    if not date_filter.label and start and end and start.value == end.value:
        return str(start.label())
    return str(date_filter.shown())


def _page_title(result: SearchResult, active: list[tuple[str, str, str]]) -> str:
    """The window title: query, filters and page, so that browser history and a screen
    reader's list of tabs tell result pages apart."""
    parts = [quoted_query(result.query_text)] if result.query_text else []
    parts += [f"{facet}: {label}" for facet, label, _ in active]
    if result.date_filter:
        parts.append(f"Zeitraum: {period(result.date_filter)}")
    if result.sort != "relevance" and (result.ranked_by_words or result.sort != "date_desc"):
        parts.append(SORT_LABELS[result.sort])
    if result.request.page > 1:
        parts.append(f"Seite {result.request.page}")
    return " · ".join(parts)


def back_url(text: str | None) -> str | None:
    """The search page for a ``suche`` parameter: only the search page's own parameters are
    taken over, and the link is built here (never an address from the request)."""
    if not text or len(text) > MAX_BACK_LENGTH:
        return None
    try:
        params = parse_qs(text, max_num_fields=2000)
    except ValueError:
        return None
    allowed = set(PARAMS) | set(FACETS) | {MORE_PARAM} | {f + VALUE_SEARCH_SUFFIX for f in ENTITY_FIELDS}
    # a filter may be named in German there too ("ort"): the link names it as the page does
    kept = canonical_params({
        (f"{_value_search_facet(name)}{VALUE_SEARCH_SUFFIX}" if _value_search_facet(name) else name): values
        for name, values in params.items() if name in allowed or filter_facet(name) or _value_search_facet(name)
    })
    return url_for("pages.index", **kept) if kept else None


def link_with_back(endpoint: str, back: str | None, **values: Any) -> str:
    """A link to a document or entity page with the search to go back to (``suche``), or
    without it when the link would be too long for the server: a long query in Cyrillic is in
    the link twice encoded (9 KB for 1,000 characters), and the page must still open (with
    "‹ Zur Suche" instead of the way back)."""
    if back:
        url = url_for(endpoint, **values, **{BACK_PARAM: back})
        if len(url.encode("utf-8")) <= MAX_LINK_LENGTH:
            return url
    return url_for(endpoint, **values)


def _back_link() -> Any:
    """``back_link(endpoint, **values)`` for the templates: links that pass the ``suche`` of
    this request on to the next page (document → entity, similar)."""
    text = request.args.get(BACK_PARAM, "")
    back = text if back_url(text) else None
    return lambda endpoint, **values: link_with_back(endpoint, back, **values)


def _form_values(params: dict[str, list[str]]) -> dict[str, Any]:
    """What the search form shows and carries: query, dates and sort as typed, the filters and
    the chosen settings (operator, hits per page, …) as hidden fields: a new query or a name
    search keeps them as the links do (a review found "Name suchen" dropping them). Filters
    named in German ("ort=Baku" in an address written by hand) under their facet's name."""
    params = canonical_params(params)
    return {
        "q": _typed(params, "q"),
        "from": _typed(params, "from"),
        "to": _typed(params, "to"),
        "sort": _typed(params, "sort"),
        "hidden": [(name, v) for name in (*FACETS, *KEPT_SETTINGS) for v in params.get(name, []) if v],
    }


#: Request parameters that are settings rather than the search itself: the forms keep them.
KEPT_SETTINGS = ("operator", "per_page", "facet_size", "facets", "highlight")


def _date_field_errors(form: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Von/Bis fields the user filled with something that is no date: field → (label, message),
    so that the page names each wrong field and marks it (both at once, not only the first)."""
    errors = {}
    for name, label in (("from", "Von"), ("to", "Bis")):
        if form[name]:
            try:
                parse_date_bound(form[name])
            except DateError as error:
                errors[name] = (label, error.german or str(error))
    return errors


def _search_error(params: dict[str, list[str]], error: Exception):  # type: ignore[no-untyped-def]
    form = _form_values(params)
    response = render_template(
        "search.html",
        result=None,
        req=None,
        form=form,
        field_errors=_date_field_errors(form) if isinstance(error, DateError) else {},
        error=error,
        searched=True,
    )
    return response, 400, {"Cache-Control": "no-store"}


def _german_list(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " und " + words[-1] if len(words) > 1 else "".join(words)


@pages.get("/entitaet/<facet>/<path:name>")
def entity(facet: str, name: str):  # type: ignore[no-untyped-def]
    # "/entitaet/ort/Baku" (the German name of a facet, as a filter may be named): the page of
    # the facet's own name (the redirect below)
    kind = filter_facet(facet)
    if kind not in ENTITY_FIELDS:
        raise SearchkitNotFound(
            f"unknown kind {facet!r}; known: {', '.join(ENTITY_FIELDS)}",
            german=f"Unbekannte Art „{facet}“: möglich sind {_german_list([FACETS[f][1] for f in ENTITY_FIELDS])}.",
        )
    index = get_index()
    try:
        report = index.entity(kind, name, top=10)
    except SearchkitNotFound as error:
        # several entities hold the name ("Bahn": Deutsche Bahn, Pro Bahn): links to their pages
        # under "Meinten Sie:" (error.html), each of another type named so ("Deutsche Bahn
        # (Organisation)" for a person "Bahn")
        data = index.facet_data()
        links = [(data.label(other, value) + (f" ({ENTITY_SINGULAR[other]})" if other != kind else ""),
                  url_for("pages.entity", facet=other, name=data.label(other, value)))
                 for other, value in entity_candidates(data, kind, name)[:10]]
        german = not_found_german(kind, name) if links else error.german
        return error_response(404, str(error), german=german, links=links)
    if report.facet != facet:  # the archive counts the name as another type: its page is there
        # the query string as it came (as keywords of url_for, "name" or "_anchor" clashed: 500)
        query_string = urlencode(list(request.args.items(multi=True)))
        target = url_for("pages.entity", facet=report.facet, name=report.name)
        return redirect(f"{target}?{query_string}" if query_string else target)
    # The same documents as a search: the histogram of their dates, with links that narrow it.
    result = index.search(
        request=SearchRequest(filters={facet: [report.name]}, per_page=0, facet_size=HISTOGRAM_FACET_SIZE)
    )

    def search_url(params: dict[str, list[str]]) -> str:
        # a bar leads to the articles: not the histogram request's page size of none (with
        # per_page=0 the results page showed "1 Treffer" and no article, found by a review)
        return url_for("pages.index", **{k: v for k, v in params.items() if v and k not in ("per_page", "facet_size")})

    def together_url(other: str, value: str) -> str | None:
        """The search for the articles naming both: filters of two facets, or (two people: a
        facet's values are OR-ed) the field syntax, which must match both names."""
        if other != facet:
            return url_for("pages.index", **{facet: report.name, other: value})
        if '"' in report.name + value:
            return None
        return url_for("pages.index", q=f'{facet}:"{report.name}" {other}:"{value}"')

    return render_template(
        "entity.html",
        back_url=back_url(request.args.get(BACK_PARAM)),
        back_link=_back_link(),
        together_url=together_url,
        report=report,
        facet=facet,
        type_label=ENTITY_SINGULAR[facet],
        facet_labels={name: label for name, (_, label) in FACETS.items()},
        histogram=build_histogram(index, result, search_url),
        search_url=url_for("pages.index", **{facet: report.name}),
        newest_url=url_for("pages.index", sort="date_desc", **{facet: report.name}),
    )


@pages.get("/dokument/<path:doc_id>")
def document(doc_id: str):  # type: ignore[no-untyped-def]
    index = get_index()
    doc = index.get(doc_id)
    groups: dict[EntityType, list[Any]] = {}
    for entity in sorted(index.entity_names(doc), key=lambda e: e.name.casefold()):
        groups.setdefault(entity.type, []).append(entity)
    # a title taken from the first sentence is not repeated below it
    lead = without_title(doc.lead, doc.title)
    body = without_title(doc.body, doc.title) if not doc.lead else doc.body
    return render_template(
        "document.html",
        back_url=back_url(request.args.get(BACK_PARAM)),
        back_link=_back_link(),
        doc=doc,
        lead=lead,
        paragraphs=[p for p in body.split("\n\n") if p.strip()],
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
                    "params": _each_once(item.get("parameters", []) + op.get("parameters", [])),
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
        rate_limit=rate_limit_german(rate_limit_of(current_app.config.get("RATE_LIMIT"))),
        loopback_exempt=bool(current_app.config.get("RATE_LIMIT_EXEMPT_LOOPBACK")),
        example_id=_example_id(),
        type_names={
            "string": "Text", "strings": "Texten", "integer": "Ganzzahl", "number": "Zahl", "boolean": "Wahrheitswert",
        },
    )


def _each_once(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Path-level and operation-level parameters, each once: an operation's own description of
    a parameter replaces the path's (as in OpenAPI)."""
    return list({(p["name"], p["in"]): p for p in params}.values())


def rate_limit_german(limit: str | None) -> str:
    """The configured rate limit in words: "120/minute" → "120 Anfragen pro Minute", several
    limits joined by "und" ("" when there is none)."""
    if not limit:
        return ""
    from limits import parse_many

    parts = []
    for item in parse_many(limit):  # checked at start (``checked_settings``)
        parts.append(f"{item.amount} {'Anfrage' if item.amount == 1 else 'Anfragen'} {german_period(item)}")
    return _german_list(parts)


def _example_id() -> str:
    try:
        return next(get_index().documents()).id
    except StopIteration:
        return "ID"
