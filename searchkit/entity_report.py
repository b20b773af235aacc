"""The entity page: one person, place or organisation — how many documents mention it, in which
months, the latest of them, and the entities that appear with it most often. Built from the same
search (``run_search``) as every other answer, with the entity as its filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import QueryError, clipped, shown
from .facets import FacetData
from .index import ENTITY_FIELDS, NO_DATE
from .request import (
    FILTER_NAMES,
    MAX_PER_PAGE,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResult,
)
from .search import (
    _evaluate,
    _facet_value,
    _shown,
    run_search,
)


@dataclass
class EntityReport:
    """One person, place or organisation: how often, when, with whom (the entity page)."""

    facet: str
    name: str
    count: int
    timeline: list[FacetValue]
    cooccurring: dict[str, list[FacetValue]]
    latest: list[Hit]
    #: Documents without a publication date, which no timeline entry can hold: with them the
    #: timeline adds up to ``count`` (the CLI and the API left them out: "24 Dokumente" over a
    #: timeline of 10, found by a review; the web page says "ohne Datum: 14").
    undated: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "name": self.name,
            "count": self.count,
            "timeline": [v.to_dict() for v in self.timeline],
            "undated": self.undated,
            "cooccurring": {k: [v.to_dict() for v in vs] for k, vs in self.cooccurring.items()},
            "latest": [h.to_dict() for h in self.latest],
        }


def entity_report(index: Any, facet: str, name: str, *, top: int = 10) -> EntityReport:
    """Documents of an entity over time (per month, oldest first; year-only dates per year, before
    that year's months; undated ones counted apart) and the entities that appear with it most
    often."""
    from .errors import DocumentNotFoundError

    if isinstance(facet, str):
        facet = FILTER_NAMES.get(facet.lower(), facet)  # "ort", "Personen", as a filter may be named
    if facet not in ENTITY_FIELDS:
        raise QueryError(f"{shown(facet)} is not an entity facet; use one of {', '.join(ENTITY_FIELDS)}")
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= MAX_PER_PAGE:
        raise QueryError(f"top must be between 1 and {MAX_PER_PAGE}")
    if not isinstance(name, str):
        # None was "filter 'person' takes strings", 5 "no person named 5" (a review)
        raise QueryError(f"the name of a {facet} must be a string, not {type(name).__name__}")
    data = index.facet_data()
    # a name the archive counts under another type ("Donald Trump" was tagged as an
    # organisation in some articles): its report is that type's (old links keep working)
    facet = data.counted_as(facet, name)
    entity = entity_named(data, facet, name)
    if entity is None:  # one entity's report, not that of every value a name holds ("Olaf")
        labels = ", ".join(data.label(f, v) for f, v in entity_candidates(data, facet, name)[:5])
        raise DocumentNotFoundError(
            not_found_english(facet, name) + (f"; did you mean: {labels}?" if labels else ""),
            german=not_found_german(facet, name) + (f" Meinten Sie: {labels}?" if labels else ""),
        )
    facet, name = entity  # the value's key: the filter below selects that value alone
    result = run_search(
        index, SearchRequest(filters={facet: [name]}, sort="date_desc", per_page=top, facet_size=1000)
    )
    if result.total == 0:
        raise DocumentNotFoundError(not_found_english(facet, name), german=not_found_german(facet, name))
    label = result.request.filters[facet][0]
    timeline, undated = _timeline(result)
    return EntityReport(
        facet, label, result.total, timeline, _cooccurring(index, result.request, top), result.hits, undated
    )


#: An entity facet in a German sentence: "Keine Person namens …", "Kein Ort namens …".
GERMAN_KIND = {"person": "Keine Person", "place": "Kein Ort", "organisation": "Keine Organisation"}


def not_found_english(facet: str, name: str) -> str:
    """"no person named 'Bahn'": the archive has no entity of that type and name. Not "no
    documents mention 'Bahn'", which was false: many articles have the word (a review)."""
    return f"no {facet} named {shown(name)}"


def not_found_german(facet: str, name: str) -> str:
    """"Keine Person namens „Bahn“ gefunden." (see ``not_found_english``)."""
    return f"{GERMAN_KIND.get(facet, 'Kein Eintrag')} namens „{clipped(name)}“ gefunden."


def _timeline(result: SearchResult) -> tuple[list[FacetValue], int]:
    """The entity's documents per month, oldest first, and how many have no date. A document
    dated to a year only has no month: it is counted under its year (value "2022", sorted
    before "2022-01"), so that the timeline and the undated add up to the documents (the
    year-only ones were left out as well)."""
    months = result.facet("month")
    years = result.facet("year")
    timeline = list(months.results) if months else []
    in_months: dict[str, int] = {}
    for value in timeline:
        in_months[value.value[:4]] = in_months.get(value.value[:4], 0) + value.count
    undated = 0
    for year in years.results if years else []:
        if year.value == NO_DATE:
            undated = year.count
        elif year.count > in_months.get(year.value, 0):
            timeline.append(FacetValue(year.value, year.label, year.count - in_months.get(year.value, 0), False))
    return sorted(timeline, key=lambda v: v.value), undated


def entity_named(data: FacetData, facet: str, name: str) -> tuple[str, str] | None:
    """(facet, value) of the one entity ``name`` means, or None when it means none or several.
    First the value of that whole name in ``facet``, as its filter reads it (``FacetField.
    value_named``: any spelling, alias, genitive: "Putins" is Wladimir Putin, "Israels" Israel;
    their pages were a 404 while the filter found 111 and 289 articles: a review). Else the
    values whose name holds its words in ``facet`` ("Scholz" → Olaf Scholz, "Bidens" → Joe
    Biden; "Olaf", two people, is no one), unless the whole name of another type is mentioned
    more often than any of them ("person/Berlin" is the place of 219 articles, not the one
    article's "Tilo Berlin"; "person/Bidens" stays Joe Biden over a "place" of one article;
    found by two reviews); else that whole name, else the one value of the other types whose
    name holds the words."""
    others = [kind for kind in ENTITY_FIELDS if kind != facet]
    own = _named_values(data, facet, [data.fields[facet].value_named(name)])
    if own:
        return own[0]
    whole = next((found[0] for kind in others
                  if (found := _named_values(data, kind, [data.fields[kind].value_named(name)]))), None)
    by_words = _named_values(data, facet, data.fields[facet].named_by_words(name, facet))
    if by_words:
        if whole is not None and _mentions(data, *whole) > _mentions(data, *by_words[0]):
            return whole
        return by_words[0] if len(by_words) == 1 else None
    if whole is not None:
        return whole
    named = [found for kind in others
             for found in _named_values(data, kind, data.fields[kind].named_by_words(name, kind))]
    return named[0] if len(named) == 1 else None


def _mentions(data: FacetData, kind: str, value: str) -> int:
    """In how many live documents the value ``value`` of facet ``kind`` is."""
    ffield = data.fields[kind]
    return int(ffield.counts(data.live)[ffield.lookup[value]])


def entity_candidates(data: FacetData, facet: str, name: str) -> list[tuple[str, str]]:
    """(facet, value) of the entities ``name`` may mean: what the filter of each type selects
    by that name (``FacetField.named``: the value of that name, a genitive's too, else those
    whose name holds its words, "Bahn" → Deutsche Bahn), those of ``facet`` first, each type's
    most mentioned first: the "Meinten Sie" of a name that names several or another type. The
    entity page of a surname found nothing, and one of a place asked as a person said no
    article mentions it (reviews)."""
    kinds = (facet, *(kind for kind in ENTITY_FIELDS if kind != facet))
    return [found for kind in kinds for found in _named_values(data, kind, data.fields[kind].named(name, kind))]


def _named_values(data: FacetData, kind: str, ids: Sequence[int | None]) -> list[tuple[str, str]]:
    """(kind, value) of the values ``ids`` of facet ``kind`` that live documents mention, most
    mentioned first (a value whose documents were all deleted names nothing)."""
    found = [i for i in ids if i is not None]
    if not found:
        return []
    ffield = data.fields[kind]
    counts = ffield.counts(data.live)
    return [(kind, ffield.values[i]) for i in sorted(found, key=lambda i: -int(counts[i])) if counts[i]]


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
