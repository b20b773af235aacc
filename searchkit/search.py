"""Searching: one ``SearchRequest`` (``request.py``) in, one ``SearchResult`` out.

``run_search`` parses the query (``parsing.py``), resolves it against the index generation it
reads (names in field syntax, genitives, months, fuzzy words and patterns as index words),
chooses AND or the OR fallback, applies filters and dates as masks, counts the facets,
ranks (BM25F, then ``rerank.py``'s proximity stage), highlights the page and asks
``suggest.py`` for a "Meinten Sie". The CLI, the JSON API and the web page all render the
result; ``facet_values`` (the facet-value search) counts within the same scope.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from whoosh import query

from . import parsing
from .analysis import TOKEN_PATTERN, analyze
from .compounds import UMLAUT_DIGRAPH, with_umlauts
from .engines import OneWord
from .errors import QueryError
from .facets import FACETS, MIN_GENITIVE_NAME, FacetData, FacetField, month_label, shown_dates
from .highlight import SNIPPET_CHARS, SNIPPET_LEAD, Highlighter, one_search  # noqa: F401 - re-exported
from .index import ENTITY_FIELDS, HEADLINE, NO_DATE, TEXT_FIELDS, facet_key
from .model import Document, Entity, Precision, PubDate, load_stored
from .parsing import (
    _EXPLICIT_SYNTAX,
    FIELD_BOOSTS,
    _index_words,
    _is_explicit,
    _is_keyword_query,
    _only_stopwords,
    parse_query,
    QUERY_FIELDS,
    RERANK,
    _USER_WORDS,
    _user_words,
)
from .querywords import answer_type, question_words
from .request import (
    _PERIOD_VALUE,
    _UNDATED_VALUES,
    DateFilter,
    Facet,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResult,
    facet_name,
)
from .rerank import RERANK_DEPTH, contenders, idf, proximity_rerank, query_concepts


def _check_expansion(q: query.Query, snapshot: Any) -> None:
    # (a fuzzy word too short for its edits is refused where it is parsed, named as typed:
    # ``GermanQueryParser.fuzzy_query``, the only maker of ``FuzzyTerm``s)
    for sub in q.leaves():
        if isinstance(sub, query.TermRange) and sub.fieldname in QUERY_FIELDS:
            # a range of words ("[b TO z]") is a wildcard too: every index word between its ends
            if len(snapshot.expand(sub, parsing.MAX_EXPANSION)) > parsing.MAX_EXPANSION:
                shown = f"[{sub.start or ''} TO {sub.end or ''}]"
                raise QueryError(
                    f"range {shown} matches more than {parsing.MAX_EXPANSION} words; make it narrower",
                    german=f"„{shown}“ passt auf mehr als {parsing.MAX_EXPANSION} Wörter: bitte enger fassen.",
                )
        elif isinstance(sub, (query.Prefix, query.Wildcard)):
            if len(sub.text.strip("*?")) < 2:
                raise QueryError(
                    f"wildcard {sub.text!r} is too broad: give at least two letters",
                    # "?" is a wildcard too ("???x" has no star: found by a review)
                    german=f"„{sub.text}“ ist zu allgemein: bitte mindestens zwei Buchstaben außer * und ?.",
                )
            if len(snapshot.expand(sub, parsing.MAX_EXPANSION)) > parsing.MAX_EXPANSION:
                raise QueryError(
                    f"wildcard {sub.text!r} matches more than {parsing.MAX_EXPANSION} words; make it longer",
                    german=f"„{sub.text}“ passt auf mehr als {parsing.MAX_EXPANSION} Wörter: bitte länger machen.",
                )


#: The text fields whose prefixes are scored as their words and whose names also find their
#: genitive: the searched fields and the title as shown (``title:``).
_TITLE_LIKE_FIELDS = frozenset(FIELD_BOOSTS) | {HEADLINE}


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
        if field in _TITLE_LIKE_FIELDS and isinstance(node, (query.Prefix, query.Wildcard)):
            return _scored_wildcard(node, snapshot)
        if field in ENTITY_FIELDS and isinstance(node, (query.Term, query.Phrase)):
            data = data or index.facet_data()
            text = node.text if isinstance(node, query.Term) else " ".join(node.words)
            return _entity_terms(field, text, node.boost, data)
        if field in ENTITY_FIELDS and isinstance(node, (query.Prefix, query.Wildcard)):
            data = data or index.facet_data()
            return _entity_pattern_terms(field, node, data)
        if field == "month" and isinstance(node, query.Term):
            return _month_terms(node, snapshot)
        if field in ("year", "month") and isinstance(node, query.TermRange) and node.end is None:
            # open upwards ("jahr:[2025 TO]"): up to the last year, not to the undated documents,
            # whose key "none" sorts after every year
            return query.TermRange(field, node.start, "9999-99", startexcl=node.startexcl, boost=node.boost)
        if field in _TITLE_LIKE_FIELDS and isinstance(node, query.Term) and _may_be_genitive_pair(node.text):
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


#: (``facets.MIN_GENITIVE_NAME``: names shorter than it never take part: "Wei", "Rau", "Mau",
#: "Mai" are names in news facets, and their -s forms are the stems of everyday words: Weise,
#: raus, Maus, Mais.)


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


#: A month written with a dot after its year ("2025.12").
_YEAR_DOT_MONTH = re.compile(r"([0-9]{4})\.(0?[1-9]|1[0-2])")


def _month_terms(node: query.Term, snapshot: Any) -> query.Query:
    """The month keys (``2025-03``) a month written in words or another date form names (a year:
    its months); the term as typed when it names none (it then matches nothing)."""
    from .dates import held_date_warnings, month_number, parse_date

    text = node.text.strip()
    if _PERIOD_VALUE["month"].fullmatch(text):
        return node
    dotted = _YEAR_DOT_MONTH.fullmatch(text)
    if dotted:  # "2025.12", as "2025-12" (a month no calendar has, "2025.13", is a 400 before)
        return query.Term("month", f"{dotted[1]}-{int(dotted[2]):02d}", boost=node.boost)
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
    words = snapshot.expand(node, parsing.MAX_EXPANSION)
    if len(words) > parsing.MAX_EXPANSION:
        raise QueryError(
            f"fuzzy word {node.text!r} matches more than {parsing.MAX_EXPANSION} words; allow fewer edits",
            german=f"„{node.text}“ passt unscharf auf mehr als {parsing.MAX_EXPANSION} Wörter: bitte weniger Abweichungen erlauben.",
        )
    terms = [query.Term(node.fieldname, word, boost=node.boost) for word in words]
    if not terms:
        return query.NullQuery
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _entity_terms(field: str, text: str, boost: float, data: FacetData) -> query.Query:
    """The index keys of the facet value ``text`` names: as the facet filter finds it (any
    spelling, case, alias; written without umlauts, "ort:Koeln"); else, so that typing a name
    finds what a reader means (found by a review: ``person:Scholz`` and ``ort:Israels`` found
    nothing), its genitive's value ("Israels" → Israel) or every value whose name holds its
    words (``FacetField.named_with``: "Scholz" → Olaf Scholz)."""
    facet = data.fields[field]
    keys = _value_keys(facet, facet.named(text, field)) or [facet_key(text)]
    return _key_terms(field, keys, boost, data)


def _entity_pattern_terms(field: str, node: query.Query, data: FacetData) -> query.Query:
    """The index keys of every value of the entity facet ``field`` with a name that the prefix
    or wildcard ``node`` matches from the start of a word (``FacetData.values_matching``): what
    the facet counts under those names. The engine alone matched the keys written in each
    article, so ``person:Put*`` found the 30 articles keyed "putin" and missed 81 more of the
    111 on Wladimir Putin (found by a review; ``person:Erd*`` found 2 of 24). No value: a
    term no index holds, which matches nothing (a NullQuery would be dropped from an AND)."""
    pattern = node.text + "*" if isinstance(node, query.Prefix) else node.text
    found = data.values_matching(field, pattern, parsing.MAX_EXPANSION)
    if UMLAUT_DIGRAPH.search(pattern.lower()):
        # perhaps written without umlauts, as the text fields' prefixes are read ("Mueller*" →
        # Müller, "Tuerkei*" → Türkei)
        read = data.values_matching(field, with_umlauts(pattern.lower()), parsing.MAX_EXPANSION)
        found = list(dict.fromkeys([*found, *read]))
    if len(found) > parsing.MAX_EXPANSION:
        raise QueryError(
            f"wildcard {pattern!r} matches more than {parsing.MAX_EXPANSION} names; make it longer",
            german=f"„{pattern}“ passt auf mehr als {parsing.MAX_EXPANSION} Namen: bitte länger machen.",
        )
    keys = _value_keys(data.fields[field], found)
    return _key_terms(field, keys, node.boost, data) if keys else query.Term(field, pattern, boost=node.boost)


def _value_keys(facet: FacetField, found: list[int]) -> list[str]:
    """The index keys of facet values ``found``: each value's own and its aliases'."""
    return sorted({k for i in found for k in (facet.values[i], *facet.aliases(i))})


def _key_terms(field: str, keys: list[str], boost: float, data: FacetData) -> query.Query:
    """The terms of ``keys`` of the entity field ``field``, and those of the other types the
    archive counts as them (``FacetData.moved_into``: "Donald Trump" tagged an organisation)."""
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
                named = facet.named(value, name)
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
        # a selected value the index does not hold ("Atlantis"): listed as selected with no
        # hit, as a known one is, so that the facet shows (and can undo) every filter in force
        listed = {value.value for value in shown}
        shown += [FacetValue(value, unlisted_value_label(name, value), _unlisted_count(name, value, others, data), True)
                  for value in request.filters.get(name, []) if value not in listed]
        facets.append(Facet(name, label, shown, truncated=len(candidates) > len(shown_ids)))
    return facets


_MONTH_VALUE = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")


def _selects_no_mention(request: SearchRequest) -> bool:
    """Whether the request's filter of the years a text mentions selects "none": the texts
    that mention no year. They carry no value of that facet, so ``mentioned=none``, which the
    400 of that filter advertised, found nothing (a review; 3,538 of 5,188 real articles
    mention no year)."""
    return any(value.casefold() in _UNDATED_VALUES for value in request.filters.get("mentioned", []))


def _mentions_no_year(data: FacetData) -> np.ndarray:
    """The documents with no value in the facet of the years a text mentions."""
    facet = data.fields["mentioned"]
    return np.bincount(facet.entry_doc, minlength=data.doc_count)[: data.doc_count] == 0


def unlisted_value_label(facet: str, value: str) -> str:
    """The label of a selected value the index does not hold (no article has it): as the facet
    would call it ("März 2019", "ohne Datum"), not the value in the address."""
    if facet == "month" and _MONTH_VALUE.fullmatch(value):
        return month_label(value)
    if facet == "mentioned" and value.casefold() in _UNDATED_VALUES:
        return NO_MENTION_LABEL
    if facet == "year" and value.casefold() in _UNDATED_VALUES:
        return "ohne Datum"
    return value


#: The label of ``mentioned=none``: the texts that mention no year.
NO_MENTION_LABEL = "kein Jahr erwähnt"


def _unlisted_count(name: str, value: str, others: np.ndarray, data: FacetData) -> int:
    """The count of a selected value the facet does not hold: none, except for "none" of the
    years a text mentions (the texts of ``others`` that mention no year)."""
    if name == "mentioned" and value.casefold() in _UNDATED_VALUES:
        return int(np.count_nonzero(others & _mentions_no_year(data)))
    return 0


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
    _check_nonempty(start, end)
    if interpret and request.parse_dates and text.strip():
        from .dates import parse_query_dates

        interpreted = parse_query_dates(text, today=request.today)
        if interpreted.start or interpreted.end:
            text = interpreted.query
            phrase = interpreted.phrase
            start = max(filter(None, (start, interpreted.start)), key=lambda d: d.start(), default=None)
            end = min(filter(None, (end, interpreted.end)), key=lambda d: d.end(), default=None)
            if start and end and start.start() > end.end():
                raise QueryError(
                    f"the period {phrase!r} of the query lies outside the date range of from/to",
                    german=f"„{phrase}“ liegt außerhalb des Zeitraums von {_bounds_label(request)}.",
                )
            # the phrase names the period only when the Von/Bis fields did not narrow it: "seit
            # Mai 2026" with Von July 2026 is July on (the label said "seit Mai 2026": a review)
            if _first_day(start) == _first_day(interpreted.start) and _last_day(end) == _last_day(interpreted.end):
                label = interpreted.label
    if start is None and end is None:
        return text, None
    own_bounds = request.date_from is not None or request.date_to is not None
    mentioned = None if own_bounds or not _is_keyword_query(text) else _bare_year(phrase)
    if mentioned is not None:
        label = f"{label or phrase.strip()} ({MENTIONED_LABEL})"
    return text, DateFilter(start, end, phrase, label, mentioned)


#: What the page adds to a bare year's period: its hits include other years' articles.
MENTIONED_LABEL = "erschienen oder im Text erwähnt"

_BARE_YEAR = re.compile(r"\s*(\d{4})\s*")


def _bare_year(phrase: str) -> int | None:
    """The year of a date phrase that is a year alone ("Haushalt 2026", "Baku 2024"), else None.

    Such a year often names what the words are about, not when they were reported: the budget
    for 2026 is passed in 2025, the elections of 2025 are campaigned for in 2024. A phrase
    with a preposition or a month ("seit 2023", "im März 2025", "2020-2022") asks for the
    time of publication and stays a filter on it alone, and so does a question's year ("Was
    präsentierte Stiglitz 2009?"): the facts it asks about are in texts that need not name
    the year, and a year in running text is not always read as mentioned (XQuAD-de MRR@10
    0.9316 → 0.9295 with questions included)."""
    match = _BARE_YEAR.fullmatch(phrase)
    return int(match.group(1)) if match else None


def _check_nonempty(start: PubDate | None, end: PubDate | None) -> None:
    if start and end and start.start() > end.end():
        raise QueryError(
            f"the date range {start} … {end} is empty: its start lies after its end",
            german=f"Der Zeitraum {start.label()} bis {end.label()} ist leer: sein Anfang liegt nach seinem Ende.",
        )


def _first_day(bound: PubDate | None) -> Any:
    return bound.start() if bound else None


def _last_day(bound: PubDate | None) -> Any:
    return bound.end() if bound else None


def _bounds_label(request: SearchRequest) -> str:
    """The request's own Von/Bis bounds in words ("Januar 2026 bis März 2026", "Januar 2026 an")."""
    start, end = request.date_from, request.date_to
    if start and end:
        return f"{start.label()} bis {end.label()}"
    return f"{start.label()} an" if start else f"… bis {end.label()}" if end else ""


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
    """The documents published in the filter's period, and for a bare year also those whose
    text mentions that year (``DateFilter.mentioned_year``)."""
    mask = data.date_mask(
        date_filter.start.start() if date_filter.start else None,
        date_filter.end.end() if date_filter.end else None,
    )
    if date_filter.mentioned_year is not None:
        mentioned = data.fields["mentioned"]
        value = mentioned.lookup.get(str(date_filter.mentioned_year))
        if value is not None:
            mask |= mentioned.mask([value], data.doc_count)
    return mask


def _evaluate(index: Any, request: SearchRequest) -> _Evaluation:
    evaluation = _evaluate_text(index, request, interpret_dates=True)
    if (
        evaluation.date_filter and evaluation.date_filter.phrase and not evaluation.matched.any()
        and not _negated_phrase(evaluation.date_filter.phrase)
    ):
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


def _negated_phrase(phrase: str) -> bool:
    """Whether a date phrase was negated ("NOT seit 2010": ``dates.queries._negated_bound``):
    read as words it would be the NOT of "seit" with "2010" required, no answer to the
    question; an empty period is then the answer (nothing before 2010)."""
    return phrase.split(maxsplit=1)[0] in ("NOT", "ANDNOT")


def _no_word_typed(typed: str) -> bool:
    """Whether the query typed has characters but no letter or digit, and is not the star that
    stands for every word ("*", as in Lucene): such a query finds nothing, as in Elasticsearch,
    where a query the analyzer leaves no term of matches no document."""
    return bool(typed.strip()) and not _WORD_CHARACTER.search(typed) and bool(typed.replace("*", "").strip())


#: Keywords fall back to OR when fewer documents than this have every word. Only when none has
#: them all: falling back below 10 would find more known items (news set MRR@10 +0.0025,
#: Recall@100 0.913 → 0.922) but turn "3 articles with both words" into thousands with either.
AND_FALLBACK_BELOW = 1


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
        if (
            _only_stopwords(request.query)
            or (_WORD_CHARACTER.search(text) and text.split() == request.query.split())
            or _no_word_typed(request.query)
        ):
            # "die", "der die das", "Was ist das?", "(die)", "die OR das": words, but none the
            # index holds (stop words are not indexed); they listed every document as if
            # nothing had been typed (found by reviews). Words left beside a date phrase
            # ("seit 2023 die") still list the period's documents. Nor does a query without a
            # letter or digit ("🙂", "€", "!!!", "()"): it listed all 5,188 articles (a review).
            return query.NullQuery, operator
        return None, operator
    _check_expansion(q, snapshot)
    strict = q
    q = _resolve_leaves(q, snapshot, index)
    if (
        request.operator == "auto"
        and operator == "and"
        and not _is_explicit(text)
        and count(q) < AND_FALLBACK_BELOW
    ):
        # Conjunctive first. When no document has the one word typed, its parts may stand
        # apart: "Bahnstreik", which no article of the archive writes, finds the articles on a
        # Streik of the Bahn (it found nothing, and "Meinten Sie: Bahnstrecke?"). Otherwise,
        # and for several words, rank the documents with most of them. (Parts apart before
        # that for several words too: news set MRR@10 0.7463 → 0.7449, Recall@100 0.932 →
        # 0.929: a headline's article has most of its words, not every part of them.)
        one_word = len(_user_words(text).split()) == 1
        apart = _parts_apart(strict) if one_word else strict
        if apart is not strict:
            resolved = _resolve_leaves(apart, snapshot, index)
            if count(resolved) >= AND_FALLBACK_BELOW:
                return _with_named_entities(resolved, text, index), operator
        if not one_word or apart is not strict:  # (one plain word: any of it is all of it)
            operator = "or"
            q = _resolve_leaves(parse_query(index, text, operator, fallback=True), snapshot, index)
            if count(q) < AND_FALLBACK_BELOW and parsing._date_words_apart(text) is not None:
                # keywords with a date phrase keep their other words strict in the fallback
                # (``parsing._date_words_apart``): a compound no text writes whole finds its
                # parts apart there too ("Bahnstreik 2024" found nothing where "Bahnstreik"
                # found 6 articles; found by a review)
                apart = _parts_apart(q)
                if apart is not q:
                    resolved = _resolve_leaves(apart, snapshot, index)
                    if count(resolved) >= AND_FALLBACK_BELOW:
                        q = resolved
    return _with_named_entities(q, text, index), operator


#: How far apart (in words, either order) the two parts of a compound may stand when the
#: compound itself is in no text: about a sentence ("Streik bei der Bahn" for "Bahnstreik").
#: Anywhere in the text, "Bürgergeld" found every article that says "Bürger" in one paragraph
#: and "Geld" in another (the demo's articles on Turkey; found by a review).
PARTS_NEAR_SLOP = 10


def _parts_apart(q: query.Query) -> query.Query:
    """``q`` with each compound's parts near each other in the field instead of in one word
    (``OneWord`` → the two parts within ``PARTS_NEAR_SLOP`` words, in either order; three
    or more parts anywhere in the field); ``q`` itself when it has no compound."""
    changed = False

    def apart(node: query.Query) -> query.Query:
        nonlocal changed
        if isinstance(node, OneWord):
            changed = True
            return _near(list(node.qs))
        return node.apply(apart)

    result = apart(q)
    return result if changed else q


def _near(parts: list[query.Query]) -> query.Query:
    first, second = parts[0], parts[-1] if len(parts) == 2 else None
    if (
        second is None or not all(type(part) is query.Term for part in parts)
        or first.fieldname != second.fieldname or first.boost != second.boost
    ):
        return query.And(parts)
    field, boost = first.fieldname, first.boost
    return query.Or([
        query.Phrase(field, [first.text, second.text], slop=PARTS_NEAR_SLOP, boost=boost),
        query.Phrase(field, [second.text, first.text], slop=PARTS_NEAR_SLOP, boost=boost),
    ])


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


def _ranked_with_year(q: query.Query | None, date_filter: DateFilter, index: Any) -> query.Query | None:
    """``q`` with a bare year that also takes the texts mentioning it (``DateFilter.
    mentioned_year``: "Haushalt 2026") as an optional word: the year is what the words are
    about, and an article that writes it ranks above one that was only published in it ("Das
    steckt im Haushalt 2027" ranked first, "Bundestag beschließt Haushalt 2026" fourth; a
    review). It matches what ``q`` matches (the filter chose the documents)."""
    if q is None or q is query.NullQuery or date_filter.mentioned_year is None or not _ranks_by_words(q):
        return q  # (value fields alone are listed newest first: "person:Merz 2026")
    year = parse_query(index, str(date_filter.mentioned_year), "or")
    return q if year is None else query.AndMaybe(q, year)


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
        q = _ranked_with_year(q, date_filter, index)
    selected_ids = _resolve_filters(request, data)
    masks = {name: data.fields[name].mask(ids, data.doc_count) for name, ids in selected_ids.items()}
    if _selects_no_mention(request):
        masks["mentioned"] |= _mentions_no_year(data)
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
    from .suggest import suggestion_for  # (it reads queries with this module's parser)

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
    hits = _hits(snapshot, q, ranked[start:stop], documents, highlight=request.highlight, text=text,
                 namer=_entity_namer(index))
    return SearchResult(
        request, hits, total, [], (time.perf_counter() - started) * 1000, _words_searched(text), operator, None,
        suggestion_for(index, text, total, operator, request.operator),
    )


_SPACES = re.compile(r"\s+")
_SPACE_INSIDE_BRACKETS = re.compile(r"(?<=\()\s+|\s+(?=\))")


def _words_searched(text: str, *, dated: bool = False) -> str:
    """The query's words as searched (``SearchResult.query_text``, "Treffer für „…“"): without
    the date phrase (``dated``: one was taken out of ``text``), nor an operator with nothing to
    join, which the search drops ("Trump AND seit März 2026" searched "Trump" and said "Trump
    AND"; "(Trump AND)" said "(Trump  )"; reviews). Operators alone beside a date phrase are
    nothing searched ("AND seit März 2025" lists the period); typed alone they stay, as they
    find nothing."""
    words = _SPACE_INSIDE_BRACKETS.sub("", _SPACES.sub(" ", parsing._tidy_operators(text))).strip()
    return "" if dated and parsing._only_operators(words) else words


def _entity_namer(index: Any) -> Callable[[list[Entity]], list[Entity]]:
    """``FacetData.entity_names`` of the index's facet arrays, read on the first hit that asks
    (a search without facets has not read them) and kept for the page's other hits."""
    data: list[FacetData] = []

    def names(entities: list[Entity]) -> list[Entity]:
        if not data:
            data.append(index.facet_data())
        return data[0].entity_names(entities)

    return names


def run_search(index: Any, request: SearchRequest) -> SearchResult:
    """Execute one search request against an index."""
    token, held = _USER_WORDS.set({}), parsing.TERMS_HELD.set({})
    try:
        with one_search():
            return _run_search(index, request)
    finally:
        parsing.TERMS_HELD.reset(held)
        _USER_WORDS.reset(token)


def _run_search(index: Any, request: SearchRequest) -> SearchResult:
    from .suggest import suggestion_for  # (it reads queries with this module's parser)

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
    suggestion = None if ev.date_words else suggestion_for(index, ev.text, total, ev.operator, request.operator, ev.scope())
    if suggestion and ev.date_filter and ev.date_filter.phrase:
        # the corrected query keeps the date the user typed ("Bahnstriek 2024" → "Bahnstreik
        # 2024"): the API and the CLI showed it without (found by a review)
        suggestion = f"{suggestion} {ev.date_filter.phrase}"
    took = (time.perf_counter() - started) * 1000
    words = _words_searched(ev.text, dated=ev.date_filter is not None and bool(ev.date_filter.phrase))
    return SearchResult(
        request, hits, total, facets, took, words, ev.operator, ev.date_filter, suggestion, ev.date_words,
        ranked_by_words=ev.q is not None and _ranks_by_words(ev.q),
    )


def facet_values(index: Any, request: SearchRequest, facet: str, text: str = "", limit: int = 20) -> list[FacetValue]:
    """Values of one facet whose label or any other name of it contains ``text`` (diacritics
    and case ignored: "erd" finds Erdoğan, "APA" Austria Presse Agentur, "Auswärtigen"
    Auswärtiges Amt), counted like the facet itself, most frequent first; after them the values
    found only with ae/oe/ue read as ä/ö/ü ("koeln" finds Köln; ``FacetData.find_values``). This
    is the facet-value search box behind "mehr anzeigen". ``facet`` may be named in German, as
    a filter may ("ort")."""
    facet = facet_name(facet, "facet")
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


_WORD_LETTERS = re.compile(r"[^\W\d_]+")
#: A letter or digit: a query with one has words in it.
_WORD_CHARACTER = re.compile(r"[^\W_]")


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
    documents: dict[int, StoredTexts] = {}
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
    return _hits(data.snapshot, q, ranked, documents, highlight=request.highlight, text=text, namer=data.entity_names)


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
) -> tuple[list[tuple[int, float]], dict[int, StoredTexts]]:
    """``ranked`` with its first ``RERANK_DEPTH`` hits re-ranked by proximity (and, for a question
    ``text`` that asks when or how many, the answer's form), and their decoded documents (the page
    reuses them); unchanged when the page lies below the re-ranked head. Right for the places up
    to ``stop``: the hits that cannot reach them keep their order (``rerank.contenders``)."""
    if not concepts or start >= RERANK_DEPTH or len(ranked) < 2:
        return ranked, {}
    head = ranked[: min(RERANK_DEPTH, contenders(ranked, stop))]
    texts = {docnum: StoredTexts(snapshot.stored(docnum)) for docnum, _ in head}
    count = snapshot.doc_count()
    weights = [idf(snapshot.doc_frequency("body", terms[0]), count) for terms in concepts]
    answer = answer_type(text)
    return proximity_rerank(concepts, weights, head, texts, answer=answer) + ranked[len(head) :], texts


class StoredTexts:
    """The texts of a stored document that the second stage reads, and the JSON they came from:
    a whole ``Document`` (its entities, dates, metadata: two thirds of the decoding) is made
    only for the hits the page shows, 10 of the 30 re-ranked."""

    __slots__ = ("body", "data", "lead", "title")

    def __init__(self, stored: str) -> None:
        self.data = load_stored(stored)
        self.title: str = self.data.get("title") or ""
        self.lead: str = self.data.get("lead") or ""
        self.body: str = self.data.get("body") or ""

    def document(self) -> Document:
        return Document.from_loaded(self.data)


def _page_document(snapshot: Any, read: StoredTexts | None, docnum: int) -> Document:
    return read.document() if read is not None else Document.from_stored(snapshot.stored(docnum))


def _hits(
    snapshot: Any,
    q: query.Query | None,
    ranked: list[tuple[int, float | None]],
    documents: Mapping[int, StoredTexts] | None = None,
    *,
    highlight: bool = True,
    text: str = "",
    namer: Callable[[list[Entity]], list[Entity]] | None = None,
) -> list[Hit]:
    """Stored documents of the ranked page with highlighted title and snippet (``documents``:
    those decoded already); without ``highlight`` a highlighter of no terms gives the plain
    title and the text's beginning. ``text`` is the query's text: the words typed, whose own
    terms choose the snippet over words that match by a compound part only. ``namer`` names
    the hits' entities as the facets do (``Hit.entities``; asked only when read)."""
    if highlight:
        typed = frozenset(analyze(text, mode="query")) if text else None
        highlighter = Highlighter(*_highlight_terms(q, snapshot), typed=typed)
    else:
        highlighter = Highlighter(frozenset())
    read = documents or {}
    page = [(_page_document(snapshot, read.get(docnum), docnum), score) for docnum, score in ranked]
    highlighter.learn_page(doc for doc, _ in page)
    return [
        Hit(
            document=doc,
            score=round(float(score), 4) if score is not None else None,
            title_html=highlighter.highlight(doc.title, whole=True),
            snippet_html=highlighter.snippet(doc),
            namer=namer,
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
            terms.update(snapshot.expand(node, parsing.MAX_EXPANSION))
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


