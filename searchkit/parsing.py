"""The query language: what a user types, read into a Whoosh query tree for the index's fields.

Whoosh's ``QueryParser`` taught German: words analysed as the index analyses them (stems,
compound parts stacked on one word, genitives), phrases that also match the words written as
one compound, prefixes and wildcards matched against the words of the texts, fuzzy words,
field names in German (``ort:``, ``titel:``), German operators (``UND``/``ODER``/``NICHT``), and
the typos of the syntax caught as ``QueryError``s. A query is parsed without the index where it
can be; what needs the index's words (a vocabulary for prefixes and wildcards, the index words
of a field for "Corona-*") is passed in.
``search.py`` resolves the parsed tree against one index generation and runs it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from whoosh import query
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    FuzzyTermPlugin,
    MultifieldPlugin,
    OrGroup,
    QueryParser,
    QueryParserError,
    WildcardPlugin,
)

from .analysis import analyze, clean_word, derived_nouns, derived_stem, fold_diacritics, wildcard_head
from .compounds import UMLAUT_DIGRAPH, with_umlauts
from .engines import OneWord
from .engines.whoosh_engine import query_schema
from .errors import QueryError
from .facets import FACETS
from .index import ENTITY_FIELDS, HEADLINE, TEXT_FIELDS
from .querywords import question_words

if TYPE_CHECKING:
    from .dates.queries import DateQuery
    from .search import SearchResult


#: Query-time field boosts for BM25F: a word in the headline says more than one in the body.
#: Fields a query searches when it names none, with their BM25F boosts. The entity names field
#: is not among them: the names are in the text already, and the short field's length
#: normalisation made any article that merely mentions a name outrank the one about the query
#: (XQuAD-de MRR@10 0.860 with it, 0.909 without). It stays searchable as ``names:``.
FIELD_BOOSTS = {"title": 3.0, "lead": 2.0, "body": 1.0}


#: A wildcard or prefix that expands to more index terms than this is refused, so that ``a*`` on
#: a large archive cannot stall the server.
MAX_EXPANSION = 2000


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
    #: (field, prefix) → the index words of the field that begin with the prefix, sorted
    #: (``Snapshot.words``), or None: where "Corona-*" finds its words
    #: (``_hyphenated_continuations``).
    index_words: Callable[[str, str], list[str]] | None = None

    def term_query(  # noqa: PLR0913 - Whoosh's signature
        self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True
    ):  # type: ignore[no-untyped-def]
        if fieldname not in QUERY_FIELDS:
            _check_fields(query.Term(fieldname, text))
        if fieldname in ENTITY_FIELDS and termclass in (query.Prefix, query.Wildcard):
            # a pattern over names, which the search matches against the facet's names
            # (``search._entity_pattern_terms``); the texts' word lists and hyphen readings
            # belong to the text fields ("person:Mueller*" lost Paul Mueller, "person:Karl-Th*"
            # was read piece by piece)
            return termclass(fieldname, clean_word(text), boost=boost)
        if termclass is query.Prefix:
            return _prefix_query(
                fieldname, _without_thousands_dots(clean_word(text)), boost, self.vocabulary, self.index_words
            )
        if termclass is query.Wildcard:
            # NFC, as the analyzer reads the texts: a pattern typed in decomposed Unicode
            # ("Flu\u0308chtl*nge", as macOS and some keyboards send it) matched no word
            return _wildcard_query(fieldname, clean_word(text), boost, self.vocabulary, self.index_words)
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
        for term in terms:
            if len(term) <= 2 * maxdist:
                # told with the word as typed: "„haus“ ist zu kurz" quoted a word nobody typed
                # ("Häuser~2"; found by a review)
                same = term == text.casefold()
                raise QueryError(
                    f"{text!r}{'' if same else f' (searched as {term!r})'} is too short for {maxdist} edit(s):"
                    " almost every short word would match",
                    german=f"„{text}“{'' if same else f' (gesucht als „{term}“)'} ist zu kurz für {maxdist}"
                    " Abweichung(en): fast jedes kurze Wort würde passen.",
                )
        fuzzy = [
            query.FuzzyTerm(fieldname, term, boost=boost, maxdist=maxdist, prefixlength=prefixlength)
            for term in terms
        ]
        if not fuzzy:
            return None
        near = fuzzy[0] if len(fuzzy) == 1 else query.And(fuzzy)
        # and whatever the word finds without the tilde (its compounds, lemma, derived forms):
        # "Bürgergeld~" found 28 articles where "Bürgergeld" finds 37 (a review). A document
        # scores the better of the two readings, not both: the word itself is also within the
        # edits, and the sum weighed a fuzzy word 1.7 times the query's other words
        exact = self.term_query(fieldname, text, query.Term, boost)
        return near if exact is None else query.DisjunctionMax([exact, near])


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


#: Weight of the stem a query's noun in -ung shares with its verb (``analysis.derived_stem``:
#: "Abtreibung" → abtreib, the index term of "abtreiben" and "abzutreiben") against the noun
#: itself; 0: the noun finds only the noun. A word in a headline scores up to about seven
#: times the same word in a long body (BM25F, title boost 3), so at this weight a headline
#: with the verb stays below a text with the noun, and keywords with a noun still find the
#: texts that use the verb ("Entscheidung Bundesverfassungsgericht": "… entscheidet").
DERIVED_WEIGHT = 0.1


#: Weight of the noun in -ung a query's verb or agent noun also matches (``analysis.noun_in_ung``:
#: "vorbereitet" → vorbereitung), which Snowball joined with it into one term. Two terms at full
#: weight counted a text with both the verb and the noun twice, where one term's frequency
#: saturates: MRR@10 XQuAD-de / news set at 1.0 0.9303 / 0.7454, at 0.5 0.9316 / 0.7457
#: (2026-12-07, before 0.9317 / 0.7463).
NOUN_WEIGHT = 0.5


def _whole_word(fieldname: str, whole: str, boost: float) -> query.Query:
    """The typed word's own term, with the words the analyzer keeps apart from it: a noun in
    -ung, -heit or -keit also matches its verb's or adjective's stem at ``DERIVED_WEIGHT``
    ("Sicherheit": sich, the term of "sicher"), a verb, agent noun or adjective also the nouns
    Snowball joined with it, at ``NOUN_WEIGHT`` (``analysis.KEEP_UNG``, ``KEEP_HEIT``)."""
    term = query.Term(fieldname, whole, boost=boost)
    derived = derived_stem(whole) if DERIVED_WEIGHT else None
    if derived is not None and _index_holds(derived):
        return query.Or([term, query.Term(fieldname, derived, boost=boost * DERIVED_WEIGHT)])
    nouns = [noun for noun in derived_nouns(whole) if _index_holds(noun)] if NOUN_WEIGHT else []
    if nouns:
        return query.Or([term, *(query.Term(fieldname, noun, boost=boost * NOUN_WEIGHT) for noun in nouns)])
    return term


#: Whether the index being searched holds a text term (``parse_query`` sets it; None: parsed
#: without an index, every term kept).
_HOLDS: ContextVar[Callable[[str], bool] | None] = ContextVar("index_holds", default=None)


def _index_holds(term: str) -> bool:
    """Whether the searched index has ``term`` in a text: most words' "noun in -ung" is no word
    ("Frankreich" → frankreichung), and a term in the query costs a look-up per field in the
    engine (a two-word query looked up six such terms: several per cent of its time)."""
    holds = _HOLDS.get()
    return holds is None or holds(term)


#: One search's answers of ``_index_holds`` (``search.run_search`` sets it: a search parses its
#: text several times, for the operator choice, the fallback and the suggestion).
TERMS_HELD: ContextVar[dict[tuple[int, str], bool] | None] = ContextVar("terms_held", default=None)


def _holds_in(index: Any) -> Callable[[str], bool]:
    """``_index_holds`` for ``index``: a look-up in the body field (and the title field, where
    the body lacks it) per term and search."""
    snapshot = index.snapshot()
    generation = snapshot.generation
    known = TERMS_HELD.get()
    if known is None:
        known = {}

    def holds(term: str) -> bool:
        found = known.get((generation, term))
        if found is None:
            found = known[(generation, term)] = any(snapshot.doc_frequency(field, term) > 0 for field in ("body", "title"))
        return found

    return holds


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
        term = _whole_word(fieldname, whole, boost)
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
#: The fields' names a query may hold as typed (``HEADLINE`` is reached as ``title:``: typed, its
#: name is an unknown field's, "Meinten Sie: titel:…"; a review).
_FIELD_NAMES = frozenset(query_schema().names()) - {HEADLINE}


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


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text``'s quoted phrases stand (an open quote runs to the end)."""
    return [m.span() for m in _QUOTED.finditer(text)] if '"' in text else []


def _in_quotes(quoted: list[tuple[int, int]], at: int) -> bool:
    """Whether position ``at`` lies inside one of the ``quoted`` spans (``_quoted_spans``)."""
    return any(start < at < end for start, end in quoted)


#: What may begin a field's value right after its colon, besides a letter or digit: a phrase,
#: a group, a range (``jahr:[2024 TO 2025]``) and a wildcard (``ort:*``: every document with a
#: place, as ``place:*``; read as text it found the 211 articles with the word "Ort", a review).
_VALUE_STARTS = frozenset('"([{*?')


#: Nothing after a field's colon but the end of the query or of a group ("Merz title:",
#: "(ort:)").
_NO_VALUE = re.compile(r"\s*(?:\)|$)")


def _is_dangling_field(text: str, match: re.Match[str]) -> bool:
    """Whether ``match`` (``_WORD_COLON``) is a field's name, English or German, with no value
    after it: a field being typed ("title:" on the way to "title:Baku"), which searches
    nothing. Read as a word, "title:" and "titel:" found the 99 articles with the word "Titel"
    (a review). (A name that is no field's, "datum:", stays a word: ``suggestion_basis``.)"""
    word = match.group(1)
    if word.startswith("-"):
        word = word[1:]  # excluded ("Merz -title:": it searched "Titel" and offered "Merz -teilte")
    named = word in _FIELD_NAMES or word.lower() in FIELD_ALIASES
    return named and _NO_VALUE.match(text, match.end()) is not None


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
    quoted = _quoted_spans(text)

    def quote(match: re.Match[str]) -> str:
        if _in_quotes(quoted, match.start()):
            return match.group(0)
        return f'{match.group(1)}"{match.group(2)}"'

    return _NUMBER_WITH_COLON.sub(quote, text)


def _plain_colons(text: str) -> str:
    """``text`` with every colon that is not field syntax replaced by a space, German or
    capitalized field names (``FIELD_ALIASES``) before a word, quote, bracket, range or wildcard
    replaced by the field's name, and a field's name with nothing after it dropped
    (``_is_dangling_field``). Inside quotes nothing changes: ``"Jahr:2015"`` is a phrase, and
    ``organisation:"4:2 Toronto Maple Leafs"`` names a value with a colon."""
    if ":" not in text:
        return text
    text = _ID_WITH_COLON.sub(r'\1"\2"', text)
    text = _quote_numbers_with_colons(text)
    quoted = _quoted_spans(text)

    def field_colon(match: re.Match[str]) -> str:
        word = match.group(1)
        if _in_quotes(quoted, match.start()):
            return match.group(0)  # a colon inside quotes: the phrase's own
        if _is_dangling_field(text, match):
            return " "
        if word in _FIELD_NAMES:
            return match.group(0)  # field syntax
        alias = FIELD_ALIASES.get(word.lower())
        after = text[match.end() : match.end() + 1]
        if alias and (after.isalnum() or after in _VALUE_STARTS):
            return alias + ":"
        return word + " "

    return _WORD_COLON.sub(field_colon, text)


#: A name typed as a field's (``datum:2025``, ``foo:bar``, ``-datum:2025``): letters right before
#: a colon, with a value right after it. No field has a digit or hyphen in its name, so
#: "10kgnad:1" (an id) and "Ukraine-Krieg:Trump" are not among them, nor is a name inside an
#: id or address ("id:abc:def", "…/a:b"); a space after the colon ("Ort: Berlin") is a
#: headline's, and times and scores ("14:30", "2:1") have digits before the colon. A minus
#: may stand before the name (``_EXCLUDED_TYPED_FIELD``).
_TYPED_FIELD = re.compile(r'(?:(?<![\w:/.@-])|(?<=-)(?<![^\s(]-))([^\W\d_][^\W\d]*):(?=[^\W_]|["(\[{])')


#: German's gender colon ("Lehrer:innen", "Bürger:in"): a word, not a field.
_GENDER_COLON = re.compile(r"(?i)in(?:nen)?(?![^\W\d_])")


#: Schemes of addresses people paste ("mailto:…", "doi:10.…"): text.
_SCHEMES = frozenset({"http", "https", "ftp", "mailto", "tel", "urn", "doi", "isbn", "www"})


#: A value after a field name: a phrase, a range, a group, or a word.
_FIELD_VALUE = re.compile(r'"[^"]*"?|[\[{][^\]}]*[\]}]?|\([^)]*\)?|[^\s()"]+')


def _unknown_field_matches(text: str) -> list[re.Match[str]]:
    """The names in ``text`` typed as fields that do not exist (``_TYPED_FIELD``), outside
    quotes, except a gender colon and an address's scheme."""
    if ":" not in text:
        return []
    text = text.translate(_TYPOGRAPHIC_QUOTES)  # (one character for one: the spans stay)
    quoted = _quoted_spans(text)
    return [
        match for match in _TYPED_FIELD.finditer(text)
        if match[1] not in _FIELD_NAMES
        and match[1].lower() not in FIELD_ALIASES
        and match[1].lower() not in _SCHEMES
        and not _GENDER_COLON.match(text, match.end())
        and not _in_quotes(quoted, match.start())
    ]


def _is_excluded(text: str, match: re.Match[str]) -> bool:
    """Whether the typed field of ``match`` has a minus that excludes it (``-datum:2025``)."""
    return match.start() > 0 and text[match.start() - 1] == "-"


def _unknown_field_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names fields that do not exist: the name and its colon ("datum:" of
    "datum:2025"), or with a minus, the minus, name and value ("-datum:2025")."""
    spans = []
    for match in _unknown_field_matches(text):
        if _is_excluded(text, match):
            value = _FIELD_VALUE.match(text, match.end())
            spans.append((match.start() - 1, value.end() if value else match.end()))
        else:
            spans.append(match.span())
    return spans


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each of ``spans`` (in order, apart) a space."""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " "]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _without_excluded_unknown_fields(text: str) -> str:
    """``text`` without the exclusions of fields that do not exist: ``-datum:2025`` excludes
    nothing (no document has such a field, as in Lucene). Read as words, the minus was text:
    "Merz -datum:2025" required the words "datum" and "2025" beside Merz, and the fallback to
    any word found every article with "2025"."""
    if "-" not in text:
        return text
    excluded = [span for span in _unknown_field_spans(text) if text[span[0]] == "-"]
    return _cut(text, excluded) if excluded else text


def unknown_fields(text: str) -> list[str]:
    """The names that the query ``text`` uses as fields although no field has them, each once,
    as typed (``datum:2025``: "datum"). They are searched as words and their exclusions
    dropped; ``unknown_field_notice`` says so."""
    return list(dict.fromkeys(match[1] for match in _unknown_field_matches(text)))


def unknown_field_notice(text: str) -> str | None:
    """The German note on the query's unknown fields for the page, the CLI and the API, or None
    when it has none: read silently, "datum:2025" found the articles with the words "Datum"
    and "2025", and the user did not learn which fields there are."""
    matches = _unknown_field_matches(text)
    if not matches:
        return None
    names = list(dict.fromkeys(match[1] for match in matches))
    excluded = {match[1] for match in matches if _is_excluded(text, match)}
    shown = ", ".join(f"„{name}:“" for name in names)
    subject = "Die Suchfelder" if len(names) > 1 else "Das Suchfeld"
    if not excluded:
        effect = "als Wörter gesucht"
    elif excluded == set(names):
        effect = "mit „-“ davor schließt es nichts aus" if len(names) == 1 else "mit „-“ davor schließen sie nichts aus"
    else:
        effect = "als Wörter gesucht, mit „-“ davor nichts ausgeschlossen"
    return f"{subject} {shown} gibt es nicht: {effect}. Suchfelder: {_GERMAN_FIELDS}."


#: Names people give fields that are not theirs, with the field they mean; a date's names mean
#: the year or the month, by the value (``_meant_field``).
_FIELD_SYNONYMS = {
    "überschrift": "titel", "schlagzeile": "titel", "headline": "titel", "land": "ort", "stadt": "ort",
    "inhalt": "text", "volltext": "text", "content": "text", "teaser": "vorspann",
}


_DATE_NAMES = frozenset({"datum", "date", "zeit", "zeitraum", "erschienen"})


_MONTH_VALUE = re.compile(r"[0-9]{4}-[0-9]{1,2}|[0-9]{1,2}/[0-9]{4}|[^\W\d_]+\.? [0-9]{4}")


def _meant_field(name: str, value: str) -> str | None:
    """The field that ``name`` (no field's name) was probably typed for: a synonym, for a date's
    name the year or month its value names, or a field name a typo away ("Ortt" → "Ort"),
    capitalized as typed; None when none is near."""
    lower = name.lower()
    if lower in _DATE_NAMES:
        from .dates import month_number

        meant = (
            "jahr" if re.fullmatch(r"[0-9]{4}", value)
            else "monat" if _MONTH_VALUE.fullmatch(value) or month_number(value) is not None
            else None
        )
    else:
        import difflib

        near = difflib.get_close_matches(lower, list(FIELD_ALIASES), n=1, cutoff=0.75)
        meant = _FIELD_SYNONYMS.get(lower) or (near[0] if near else None)
    if meant is None:
        return None
    return meant.capitalize() if name[:1].isupper() else meant


def with_meant_fields(text: str) -> str | None:
    """``text`` with each name typed as a field that does not exist replaced by the field it was
    probably meant for (``_meant_field``: "datum:2025" → "jahr:2025", "Ortt:Baku" → "Ort:Baku"),
    as typed otherwise; None when no such name has a near field."""
    pieces, last, changed = [], 0, False
    for match in _unknown_field_matches(text):
        value = _FIELD_VALUE.match(text, match.end())
        field = _meant_field(match[1], value[0].strip('"') if value else "")
        if field is not None:
            pieces += [text[last : match.start(1)], field]
            last, changed = match.end(1), True
    return "".join([*pieces, text[last:]]) if changed else None


#: A colon that ends the query ("datum:", "Merz datum:"): no field, as nothing follows it. (One
#: before more words, "Ort: Berlin", is a pasted headline's and stays as typed.)
_BARE_COLON = re.compile(r"(?<=[^\W_]):\s*$")


def _without_dangling_fields(text: str) -> str:
    """``text`` without the field names that have no value (``_is_dangling_field``), outside
    quotes, as the search leaves them out: "Merz title:" is "Merz"."""
    if ":" not in text:
        return text
    quoted = _quoted_spans(text)
    spans = [
        match.span() for match in _WORD_COLON.finditer(text)
        if _is_dangling_field(text, match) and not _in_quotes(quoted, match.start())
    ]
    return _cut(text, spans) if spans else text


def _without_unknown_fields(text: str) -> str:
    """``text`` without the names typed as fields that do not exist, until none is left: a cut
    can make one of the next ("datum:datum:2025" → "datum:2025"; a hypothesis test found
    "datum:datum:ORdatum:" suggesting "datum:Datum")."""
    for _ in range(MAX_FIELD_CUTS):
        spans = _unknown_field_spans(text)
        if not spans:
            break
        text = _cut(text, spans)
    return text


#: How often ``_without_unknown_fields`` cuts at most (each cut removes at least one name).
MAX_FIELD_CUTS = 20


def suggestion_basis(text: str) -> str:
    """The query as typed with what its search leaves out left out, for a spelling suggestion to
    correct: operators with nothing to join ("Trump AND": "Meinten Sie: Trug AND?"), brackets
    where no operator is left, the names typed as fields that do not exist (their values stay:
    "datum:2025" is "2025"; corrected as a word, it gave "Meinten Sie: dazu:2025?") and
    excluded ones with their values, a field's name with no value ("Merz title:" is "Merz"),
    and a colon that ends the query ("datum:" is searched as "datum"; it gave "Meinten Sie:
    darum:?", a review); ``text`` itself when nothing is left out."""
    read = _tidy_operators(_without_dangling_fields(_without_unknown_fields(text)))
    if ":" in read:
        read = _BARE_COLON.sub("", read)
    if "(" in read or ")" in read:
        if not _OPERATORS.search(read):
            read = _BRACKETS.sub(" ", read)
    return " ".join(read.split()) if read != text else text


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
    operators stays as typed, and finds nothing rather than everything (``_only_operators``). ``operators``
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


def _only_operators(text: str) -> bool:
    """Whether ``text`` has operators and brackets but nothing for them to join ("AND", "NOT",
    "OR ( )"): such a query finds nothing, as one of stop words does. Read as words, "NOT" found
    the texts with the English word "not" and "AND" none: operators alone are no search, and
    everything (an empty query) is not what was typed either."""
    kinds = [_token_kind(match[0]) for match in _QUERY_TOKEN.finditer(text)]
    return "operand" not in kinds and ("binary" in kinds or "not" in kinds)


#: A question mark that ends a word ("Wer sang die Nationalhymne?") or stands alone after one
#: ("… zur Handels-Bazooka ?") is punctuation, not the one-letter wildcard: people type
#: questions. Inside a word ("Mei?er") or as the whole query ("??") it stays a wildcard; before
#: other punctuation ("Kanzler?!", "?.", "?,") it is punctuation too (a review: "Kanzler?!" was
#: a wildcard and found nothing), and so it is after a closing quote ('Wann endete die "Corona
#: Pandemie"?': the phrase was a wildcard and found nothing, a review).
_QUESTION_MARK = re.compile(r"(?<=[\w\"“”«»])\?+(?=[!.,;:\s\"'\)\]]|$)|(?<=\w\s)\?+(?=[!.,;:]*(?:\s|$))")


_BRACKETS = re.compile(r"[()]")


#: Quotation marks of German, Swiss and English typography („…“, »…«, «…», “…”): phrase quotes
#: like the ASCII ones. Keyboards, autocorrect and text pasted from articles write them; read
#: as punctuation, „Welt im Krieg“ found 25 times as much as "Welt im Krieg".
_TYPOGRAPHIC_QUOTES = str.maketrans(dict.fromkeys("„“”‟»«", '"'))


#: A dash between two letters ("Corona–Pandemie"): the hyphen of a compound, typed as a dash by
#: autocorrect or pasted; read as two words it became the phrase "corona pandemi", which the
#: hyphenated word (its parts at one position) does not hold, and found nothing (a review).
#: Between digits ("2020–2021") it stays: a range of years.
_DASH_IN_WORD = re.compile(r"(?<=[^\W\d_])[\u2013\u2014](?=[^\W\d_])")

#: A comma, semicolon or plus between two letters without a space ("Merz,Trump", "Gas;Öl",
#: "Merz+Trump"): two words, as with the space. As one token they were one phrase of two words,
#: which found 2 articles for "Merz,Trump" against 48 for "Merz, Trump" (found by a review).
#: (A slash joins words that belong together, "CDU/CSU", "km/h": they stay one phrase.)
_GLUED_BY_PUNCTUATION = re.compile(r"(?<=[^\W\d_])[,;+](?=[^\W\d_])")

#: A minus before field syntax (``-person:Merz``, ``-ort:Berlin``): the field's value excluded,
#: as ``NOT person:Merz``. A minus before a plain word stays text (German's Ergänzungsstrich:
#: "und -organisationen"), but no text writes "-person:", and read as words "Trump -person:Merz"
#: found the articles with "person" and "Merz" too (found by a review).
_EXCLUDED_FIELD = re.compile(
    rf"(?:^|(?<=[\s(]))-(?=(?:{'|'.join(sorted(FIELD_ALIASES, key=len, reverse=True))}):[^\s:])", re.IGNORECASE
)


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


_BOOST = re.compile(r"[0-9]*(?:\.[0-9]+)?")  # as Whoosh's ``BoostPlugin`` reads one: "2", "0.5", ".5"


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
        if sign == "^" and not (rest and _BOOST.fullmatch(rest)):
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
    quoted = _quoted_spans(text)
    for match in _BOOST_SYNTAX.finditer(text):
        inside = _in_quotes(quoted, match.start())
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


#: A range as Whoosh reads it ("[a TO b]", "{a TO b}", "to" in any case), with the spaces around
#: its bounds and the field's name before it, if any.
_RANGE = re.compile(
    r"((?<![\w:])[^\W\d_][^\W\d]*:)?([\[{])\s*([^\[\]{}]*?)\s*(?<![^\s\[{])([Tt][Oo])(?![^\s\]}])\s*([^\[\]{}]*?)\s*([\]}])"
)


def _ranges_as_read(text: str) -> str:
    """``text`` with each range outside quotes written as ``_range_bounds`` reads it."""
    quoted = _quoted_spans(text)
    return _RANGE.sub(lambda m: m[0] if _in_quotes(quoted, m.start()) else _range_bounds(m), text)


def _range_bounds(match: re.Match[str]) -> str:
    """A range written as Whoosh reads its bounds: without the spaces around them, and Lucene's
    open bound "*" ("jahr:[2025 TO *]", "[* TO 2024]") as nothing ("[2025 TO]"). Whoosh compared
    a bound with its spaces: "jahr:[2024 TO ]" found nothing (the empty word ended the range
    before every year) and "jahr:[ 2024 TO 2024]" every year up to 2024 (" 2024" sorts first);
    read as a word, "*" ended it before every year too (reviews). A range open on both sides
    ("[ TO ]", "[* TO *]") over the searched fields bounds nothing and is left out: it expanded
    every word of the index (2.5 s on 10,000 articles); in a field ("jahr:[* TO *]") it is
    every value of the field."""
    field, opening, start, to, end, closing = match.groups()
    start, end = ("" if bound == "*" else bound for bound in (start, end))
    if not start and not end and not field:
        return " "
    return f"{field or ''}{opening}{start + ' ' if start else ''}{to}{' ' + end if end else ''}{closing}"


def _read_user_words(text: str) -> str:
    text = text.translate(_TYPOGRAPHIC_QUOTES)
    if ("[" in text or "{" in text) and ("]" in text or "}" in text):
        text = _ranges_as_read(text)
    if "-" in text:
        text = _without_excluded_unknown_fields(_EXCLUDED_FIELD.sub("NOT ", text))
    if "," in text or ";" in text or "+" in text:
        text = _GLUED_BY_PUNCTUATION.sub(lambda m: m[0] + " ", text)
    if "\u2013" in text or "\u2014" in text:
        text = _DASH_IN_WORD.sub("-", text)
    if "'" in text or "’" in text:
        text = _APOSTROPHE_GENITIVE.sub(_genitive_without_apostrophe, text)
    text = _LONE_STAR.sub(" ", _EXACT_SLOP.sub("", text))
    _check_modifiers(text)
    text = _tidy_operators(_plain_tildes(_plain_colons(_QUESTION_MARK.sub("", text))))
    if _only_operators(text):
        return ""
    if "(" in text or ")" in text:
        if not _OPERATORS.search(text) and ":(" not in text:
            # (a group right after a field's colon is the field's: "person:(Merz)" was read as
            # the words "person Merz", 6 hits where "person:Merz" finds 319; a review)
            text = _BRACKETS.sub(" ", text)
    return text


def _is_explicit(text: str) -> bool:
    """Whether the user wrote query logic (operators, groups, fields, ranges): then the query
    means what it says, without the operator choice, fallback or re-ranking."""
    return bool(_EXPLICIT_SYNTAX.search(_user_words(text)))


def parse_query(index: Any, text: str, operator: str, *, fallback: bool = False) -> query.Query | None:
    """Parse user text into a Whoosh query over the text fields, or None for an empty query.
    ``fallback``: the OR that keywords fall back to when no document has every word (the date
    words of keywords then only rank: ``OPTIONAL_DATE_WORDS``); an OR asked for means any word."""
    text = _user_words(text)
    if not text.strip():
        return None
    # Plain OrGroup: its coordination variant (OrGroup.factory) crashes in Whoosh 2.7 on
    # multi-segment indexes (CoordMatcher asks an exhausted MultiMatcher for its children).
    asking = frozenset(question_words(text))
    holds = _HOLDS.set(_holds_in(index) if index is not None else None)
    try:
        dated = _date_words_apart(text) if operator == "or" and fallback else None
        if dated is not None:
            rest, phrase = dated
            parsed = query.AndMaybe(_parse_words(rest, "or", asking, loose=False), _parse_words(phrase, "or", asking))
        elif _is_plain_text(text):
            parsed = _parse_words(text, operator, asking)
        else:
            vocabulary = index.spelling() if index is not None and ("*" in text or "?" in text) else None
            index_words = _index_words_of(index) if vocabulary is not None else None
            parsed = _parser(operator, asking, vocabulary, index_words).parse(text)
    except (QueryParserError, ValueError, RecursionError) as error:
        raise QueryError(f"cannot parse query: {error}", german=_SYNTAX_ADVICE) from error
    except (IndexError, KeyError, TypeError, AttributeError, AssertionError) as error:
        # Whoosh's parser has crashes of its own on odd operator chains ("NOT NOT … Baku",
        # "Türkei ANDNOT ANDNOT Türkei" trips an assertion inside it)
        raise QueryError(
            "cannot parse query: check the use of AND, OR, NOT and brackets", german=_SYNTAX_ADVICE
        ) from error
    finally:
        _HOLDS.reset(holds)
    if parsed is query.NullQuery or isinstance(parsed, query.NullQuery.__class__):
        return None
    _check_fields(parsed)
    _check_period_values(parsed)
    return _with_proximity(parsed, text, asking)


#: Keywords with a date phrase that reach the parser as words ("Hochwasser 2024" over an
#: archive without an article of 2024: its date filter found nothing, so the phrase is searched
#: as words) and that no document has all of: the OR fallback keeps the other words as they
#: were typed (any of them, each compound whole or all its parts in one word) and lets the date
#: words only add their score. Before, any word counted, a compound by any of its parts, so
#: "hoch" (of "Hochwasser") with "2024" ("Ölpreis auf höchstem Stand … 2024") ranked above the
#: flood articles. Under AND the date words stay required: "Wahl 2016" means the articles on
#: the election of 2016 when there are some.
OPTIONAL_DATE_WORDS = True


def _date_words_apart(text: str) -> tuple[str, str] | None:
    """(the other words, the date phrase) of plain keywords (``_is_keyword_query``) that have a
    date phrase (``dates.parse_query_dates``) and other content words; None otherwise."""
    if not OPTIONAL_DATE_WORDS or not _is_keyword_query(text):
        return None
    dated = _plain_date_phrase(text)
    if dated is None or not _is_plain_text(dated.phrase):
        return None
    if not analyze(dated.query, mode="query") or not analyze(dated.phrase, mode="query"):
        return None
    return dated.query, dated.phrase


#: A number with thousands dots, perhaps with decimals begun ("3.000", "1.500,"): the
#: beginning of a number, as a prefix.
_DOTTED_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d*)?")


def _without_thousands_dots(prefix: str) -> str:
    """``prefix`` as the index has it: a number's thousands dots dropped ("3.000*" is "3000*",
    ``analysis.clean_token``); found nothing before."""
    return prefix.replace(".", "") if _DOTTED_NUMBER.fullmatch(prefix) else prefix


#: (field, prefix) → the field's index words that begin with the prefix (``Snapshot.words``).
IndexWords = Callable[[str, str], list[str]]


def _prefix_query(
    field: str, text: str, boost: float, vocabulary: Any, index_words: IndexWords | None = None
) -> query.Query:
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
        return _wildcard_query(field, text + "*", boost, vocabulary, index_words)
    words = vocabulary.starting_with(text.lower(), MAX_EXPANSION) if vocabulary is not None else None
    as_typed = _prefix_words_query(field, text, boost, words or [])
    if words is not None and UMLAUT_DIGRAPH.search(text.lower()):
        # perhaps written without umlauts ("Tuerkei*", "Koeln*")
        umlauts = with_umlauts(text.lower())
        umlaut_words = vocabulary.starting_with(umlauts, MAX_EXPANSION)
        if umlaut_words:
            read = _prefix_words_query(field, umlauts, boost, umlaut_words)
            return query.Or([as_typed, read]) if words else read
    return as_typed


def _wildcard_query(
    field: str, text: str, boost: float, vocabulary: Any, index_words: IndexWords | None = None
) -> query.Query:
    """``Fl*chtlinge``, ``Str?che``: the index words that the folded pattern matches, and the
    index word of every word of the texts that the pattern matches. As for a prefix, index words
    are stems (Flüchtlinge → fluchtling): a pattern that spells out an inflection matched no
    index word ("Fl*chtlinge" found nothing, found by a review). A hyphenated pattern is read
    piece by piece (``_hyphenated_query``)."""
    pattern = text.lower()
    if len([piece for piece in pattern.split("-") if piece]) > 1:
        return _hyphenated_query(field, text, boost, vocabulary, index_words)
    wildcard = query.Wildcard(field, fold_diacritics(pattern.replace("-", "")), boost=boost)
    words = _spelled_words(pattern, vocabulary) if vocabulary is not None else []
    stems = sorted({analyzed[0] for analyzed in map(_index_words, words) if analyzed})
    terms = [query.Term(field, stem, boost=boost) for stem in stems]
    return query.Or([wildcard, *terms]) if terms else wildcard


def _hyphenated_query(
    field: str, text: str, boost: float, vocabulary: Any, index_words: IndexWords | None = None
) -> query.Query:
    """"Corona-P?ndemie", "Corona-Pand*mie", "Ampel-Koal*": the hyphenated words that the
    pattern spells from the words of the texts, piece by piece (``_hyphenated_words``), by their
    index words, which are the whole word joined and stemmed ("Corona-Pandemie" →
    coronapandemi): with its hyphen the pattern matched no index word and found nothing (a
    review). The pattern itself is not matched against the index words: joined, "Ex-*" would
    be every word that begins with "ex" ("Experten"), and "EU-*" "Europa" (a review of the
    first version). "Corona-*", "EU-*": the hyphenated words that begin so, found among the
    index words (``_hyphenated_continuations``). A pattern that spells more words than
    ``MAX_EXPANSION`` ("G*-Streifen" on a large index) is a ``QueryError``, as a wildcard of
    too many words is."""
    words: list[str] = []
    clauses: dict[str, query.Query] = {}
    for reading in _readings(text.lower()):
        continued = _hyphenated_continuations(field, reading, boost, index_words)
        if continued is not None:
            if len(continued) > MAX_EXPANSION:
                raise _too_many_words(text)
            clauses.update((repr(clause), clause) for clause in continued)
            continue
        # without an index (``operator_reading`` only checks the syntax) the pattern spells nothing
        found = _hyphenated_words(reading, vocabulary) if vocabulary is not None else []
        if found is None:
            raise _too_many_words(text)
        words += found
    stems = sorted({analyzed[0] for analyzed in map(_index_words, words) if analyzed})
    terms: list[query.Query] = [query.Term(field, stem, boost=boost) for stem in stems]
    terms += clauses.values()
    if not terms:
        # the pattern as typed: no index word has a hyphen or a wildcard, so it matches nothing
        # (a NullQuery would be dropped from the query, which then listed every document)
        return query.Term(field, fold_diacritics(text.lower()), boost=boost)
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _too_many_words(text: str) -> QueryError:
    return QueryError(
        f"wildcard {text!r} matches more than {MAX_EXPANSION} words; make its pieces longer",
        german=f"„{text}“ passt auf mehr als {MAX_EXPANSION} Wörter: bitte die Teile länger machen.",
    )


def _hyphenated_continuations(
    field: str, pattern: str, boost: float, index_words: IndexWords | None
) -> list[query.Query] | None:
    """"Corona-*", "EU-*", "Corona-Pandemie-*" (``pattern`` lowercase): every hyphenated word of
    the texts that begins with the pieces before the star, each as its index word standing in
    one word of a text with the index words of those pieces (``engines.OneWord``); none when
    its pieces are all stop words ("Die-*", as a stop word alone finds nothing; it was a
    ``QueryError`` of too many words on any index, a review); None when the pattern is not of
    this kind or ``index_words`` is None: the caller spells it from the words of the texts.

    The bare star spelled every word of the texts, which on a large index is more than
    ``MAX_EXPANSION`` ("Corona-*" was a ``QueryError``, a review). A hyphenated word is indexed
    as the whole word joined and stemmed, with each piece's index word stacked on its position
    ("EU-Kommission" → eukommission, eu, kommission; ``analysis.CompoundFilter``). So the
    words the pattern means are the field's index words that begin with the pieces joined (one
    range of its sorted terms), standing at one position with the pieces' own index words: "eu"
    stands on "EU-Kommission" and "EU-Staaten", not on "Europa" or "Euro", nor "ex" on
    "Experten" or "exakt" (a word of the texts spelled after "Ex-" made "Ex-Akte", which is
    exakt). A closed compound that the dictionary splits so counts too (Ampelkoalition for
    "Ampel-*"; the index cannot tell the two apart); one it does not split is no hyphenated
    word (Coronaviren for "Corona-*"). More than ``MAX_EXPANSION`` such index words are a
    ``QueryError`` (raised by the caller, which knows the pattern as typed)."""
    pieces = [piece for piece in pattern.split("-") if piece]
    if index_words is None or pieces[-1].strip("*") or any(wildcard_head(piece) != piece for piece in pieces[:-1]):
        return None
    head_terms = [analyzed[0] for analyzed in map(_index_words, pieces[:-1]) if analyzed]
    if not head_terms:
        return []
    joined = "".join(pieces[:-1])
    # the stemmer's spelling of the joined pieces begins the index word of a hyphenated word
    # with a last piece of 4 or more letters ("israel-*" → isral…), the plain folded one that
    # of a word with a short last piece ("Israel-EM" → israelem, ``SHORT_LAST_PIECE``)
    beginnings = {_stemmer_spelling(joined), fold_diacritics(joined)}
    found = sorted({
        term for beginning in beginnings for term in index_words(field, beginning)
        if len(term) > len(beginning) and term not in head_terms
    })
    parts = [query.Term(field, term, boost=boost * ALL_PARTS_WEIGHT) for term in dict.fromkeys(head_terms)]
    return [OneWord([query.Term(field, term, boost=boost), *parts]) for term in found]


#: ae, oe and ue that Snowball's German stemmer reads as ä, ö, ü (not after "q", nor a "u"
#: between vowels, which it marks first), so that "Israel" is stemmed as "isral".
_STEMMER_UMLAUT = re.compile(r"(?<!q)[ao]e|(?<![aeiouyäöüq])ue")


def _stemmer_spelling(word: str) -> str:
    """``word`` (lowercase, without hyphens) as the German stemmer spells it before it cuts an
    ending, folded (``GermanStemFilter.stem_form``): ß as ss, ae/oe/ue as a/o/u. The index word
    of a hyphenated word with a longer last piece begins with this spelling of its first pieces."""
    folded = fold_diacritics(word, keep_german=True)  # as the stemmer gets it ("Yaël" → yael)
    return fold_diacritics(_STEMMER_UMLAUT.sub(lambda match: match[0][0], folded))


def _spelled_words(pattern: str, vocabulary: Any) -> list[str]:
    """The words of the texts that the wildcard ``pattern`` (lowercase) spells, also read with
    umlauts when it is written without them, as a prefix may be ("Fluechtl*nge": a review);
    none when it spells more than ``MAX_EXPANSION`` (the pattern alone then stands for them)."""
    words: list[str] = []
    for reading in _readings(pattern):
        words.extend(vocabulary.matching(reading, MAX_EXPANSION) or [])
    return words


def _readings(pattern: str) -> list[str]:
    """``pattern`` (lowercase), and read with umlauts when it has an ae/oe/ue that may stand for
    one ("fluechtl*nge" → flüchtl*nge)."""
    return [pattern, with_umlauts(pattern)] if UMLAUT_DIGRAPH.search(pattern) else [pattern]


def _hyphenated_words(pattern: str, vocabulary: Any) -> list[str] | None:
    """The hyphenated words that the pattern spells from the words of the texts: each piece
    between hyphens is the words it matches, a piece without wildcards itself ("Corona" of
    "Corona-P?ndemie"; the vocabulary has no hyphenated words, and no short ones such as "EM").
    [] when a piece spells no word; None when a piece or the pieces together make more than
    ``MAX_EXPANSION`` words."""
    choices = []
    count = 1
    for piece in filter(None, pattern.split("-")):
        if wildcard_head(piece) == piece:  # no wildcard in it
            choices.append([piece])
            continue
        found = vocabulary.matching(piece, MAX_EXPANSION)
        if found is None:
            return None
        if not found:
            return []
        count *= len(found)
        if count > MAX_EXPANSION:
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


@lru_cache(maxsize=65536)
def _index_words(word: str) -> tuple[str, ...]:
    return tuple(analyze(word, mode="index"))


class _Phrase(query.Phrase):
    """Whoosh's phrase, whose one-word form keeps its boost: ``Phrase.normalize`` makes a quoted
    text of one index word (a score "3:1", "Sieg in" without its stop word) a ``Term`` of boost
    1, which lost the title's and the lead's weight (``FIELD_BOOSTS``). Normalized, it is one
    of Whoosh's own classes again, which the engines know."""

    def normalize(self) -> query.Query:
        plain = query.Phrase(self.fieldname, self.words, slop=self.slop, boost=self.boost, char_ranges=self.char_ranges)
        normal = plain.normalize()
        if isinstance(normal, query.Term):
            normal.boost = self.boost
        elif isinstance(normal, query.Phrase) and self._may_be_one_word(normal):
            # "Corona Pandemie" quoted also finds "Corona-Pandemie" (and a closed compound the
            # lexicon splits), whose parts the analyzer stacks on one position (found by a
            # review: the phrase missed them)
            parts = OneWord([query.Term(normal.fieldname, word, boost=normal.boost) for word in normal.words])
            return query.Or([normal, parts])
        return normal

    def _may_be_one_word(self, phrase: query.Phrase) -> bool:
        """Two words of a text field typed next to each other, a space or two or a hyphen
        apart (not "Welt im Krieg": a stop word, two letters at least with its spaces, stands
        between them, and "Weltkrieg" is another thing). The parts of one word stand at one
        position without an order, so the reversed pair ("Pandemie Corona") matches the
        compound too. (Tried and withdrawn, 2026-12-06: the index word of the joined pair as a
        prefix keeps the order, but lost the pair inside a longer compound — "Pandemie Bilanz"
        no longer found "Corona-Pandemie-Bilanz", "EU Staaten" "Nicht-EU-Staaten" — and
        made "A B" the word "ab".)"""
        if len(phrase.words) != 2 or phrase.slop > 1 or phrase.fieldname not in TEXT_FIELDS:
            return False
        ranges = self.char_ranges or []
        if len(ranges) != 2 or None in ranges[0] or None in ranges[1]:
            return False
        return ranges[1][0] - ranges[0][1] <= 3


def _index_words_of(index: Any) -> IndexWords | None:
    """(field, prefix) → the index words of ``index``'s current generation (the request's) that
    begin with the prefix; None for an object without snapshots."""
    if not hasattr(index, "snapshot"):
        return None
    return lambda field, prefix: index.snapshot().words(field, prefix)


def _parser(
    operator: str, asking: frozenset[str], vocabulary: Any = None, index_words: IndexWords | None = None
) -> GermanQueryParser:
    """Whoosh's parser for one query (it holds the query's question words, so it is not shared
    between threads)."""
    group = OrGroup if operator == "or" else AndGroup
    parser = GermanQueryParser(None, query_schema(), group=group)
    parser.question_words = asking
    parser.loose_compounds = operator == "or"
    parser.vocabulary = vocabulary
    parser.index_words = index_words
    parser.phraseclass = _Phrase
    parser.add_plugin(MultifieldPlugin(list(FIELD_BOOSTS), fieldboosts=FIELD_BOOSTS))
    # ``title:`` typed is the title as shown (``index.HEADLINE``); the words searched in every
    # field stay in the ranking's ``title`` (this runs before either: Whoosh's fields plugin)
    parser.add_plugin(FieldAliasPlugin({HEADLINE: ["title"]}))
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


def _parse_words(
    text: str, operator: str, asking: frozenset[str] = frozenset(), *, loose: bool | None = None
) -> query.Query:
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
            per_field.append(_word_query(name, groups, word_boost, loose=operator == "or" if loose is None else loose))
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
            allowed = ", ".join(sorted(QUERY_FIELDS - {HEADLINE}))
            raise QueryError(
                f"field {name!r} cannot be searched; searchable fields: {allowed}",
                german=f"Im Feld „{name}“ kann nicht gesucht werden; möglich sind {_GERMAN_FIELDS}.",
            )


#: The value fields of periods: the year of publication, its month ("2025-04"), and the years
#: a text mentions.
_PERIOD_FIELDS = {"year": "Jahr", "month": "Monat", "mentioned": "Jahr"}


def _check_period_values(q: query.Query) -> None:
    """A year or month typed as something no period is (``jahr:abc``, ``monat:xyz``,
    ``jahr:[abc TO 2025]``) is a ``QueryError``: it found nothing, with no word said. A number
    is a year or month, also one the index has not ("jahr:99999": nothing found), and so is a
    month's name or a part of a year ("monat:April", ``monat:"April 2025"``,
    "monat:Frühling")."""
    for sub in q.leaves():
        name = getattr(sub, "fieldname", None)
        if name not in _PERIOD_FIELDS:
            continue
        if isinstance(sub, query.TermRange):
            # the bounds of a range are compared with the index's keys: numbers ("2025-04")
            for bound in (sub.start, sub.end):  # ("*" is an open bound: jahr:[* TO 2025])
                if bound and str(bound) != "*" and not _is_number_value(str(bound)):
                    raise _period_error(name, str(bound), in_range=True)
                if bound and name == "month":
                    _check_month_number(str(bound))
            continue
        if isinstance(sub, (query.Prefix, query.Wildcard)):
            # (no month check: a pattern's digits name no month)
            values = [sub.text.strip("*?")] if sub.text.strip("*?") else []
        else:
            values = [sub.text] if isinstance(sub, query.Term) else list(getattr(sub, "words", []))
            if name == "month":
                for value in map(str, values):
                    _check_month_number(value)
        for value in map(str, values):
            if not (_names_month(value) if name == "month" else _is_number_value(value)):
                raise _period_error(name, value)


def _check_month_number(value: str) -> None:
    """A ``monat:`` value written as a date whose month no calendar has ("2025-13", "2025-00",
    "13/2025") is a ``QueryError``, as the month filter's "2025-13" and a ``from`` bound's are:
    it found nothing, with no word said (a review). A number without a month in it stays an
    answer, as "jahr:99999" is."""
    from .dates.published import _impossible_month

    month = _impossible_month(value)
    if month is not None:
        raise _period_error("month", value, month=month)


def _is_number_value(value: str) -> bool:
    return any(char.isdigit() for char in value)


def _names_month(value: str) -> bool:
    """Whether a ``monat:`` value may name months: a number or date, a month's name, or a part
    of a year ("Frühling", which names no one month and finds nothing)."""
    if _is_number_value(value):
        return True
    from .dates import month_number
    from .dates.queries import _PART_MONTHS

    return month_number(value) is not None or any(word in _PART_MONTHS for word in re.findall(r"\w+", value.lower()))


def _period_error(field: str, value: str, *, in_range: bool = False, month: int | None = None) -> QueryError:
    german = {"year": "jahr", "month": "monat"}.get(field, field)
    if month is not None:
        return QueryError(
            f"{value!r} is no month: there is no month {month}; write month:2025-04 or month:April",
            german=f"„{value}“ ist kein Monat: es gibt keinen Monat {month}; etwa monat:2025-04 oder monat:April.",
        )
    if in_range:
        example = "[2025-01 TO 2025-06]" if field == "month" else "[2020 TO 2025]"
        return QueryError(
            f"the bounds of a {field} range are numbers, as in {field}:{example}, not {value!r}",
            german=f"Ein Bereich von {_PERIOD_FIELDS[field]}en nimmt Zahlen, etwa {german}:{example}, nicht „{value}“.",
        )
    if field == "month":
        return QueryError(
            f"{value!r} is no month: write month:2025-04, month:April or month:\"April 2025\"",
            german=f"„{value}“ ist kein Monat: etwa monat:2025-04, monat:April oder monat:\"April 2025\".",
        )
    return QueryError(
        f"{value!r} is no year: write {field}:2025 or {field}:[2020 TO 2025]",
        german=f"„{value}“ ist kein Jahr: etwa {german}:2025 oder {german}:[2020 TO 2025] (ein Monat: monat:2025-04).",
    )


#: Up to this many content words a query is keywords (all must match, like a news search box);
#: questions and longer queries are natural language ("Wer sang die Nationalhymne beim Super
#: Bowl?"), where requiring every word finds almost nothing (XQuAD-de MRR@10 for questions:
#: AND 0.11, AND with OR fallback 0.80, OR 0.91).
KEYWORD_QUERY_WORDS = 3


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
    return _content_word_count(text) <= KEYWORD_QUERY_WORDS or _words_beside_date_phrase(text) < KEYWORD_QUERY_WORDS


def _content_word_count(text: str) -> int:
    """Typed words, not index words: "1,5 Milliarden Euro" is three words ("1,5" is one)."""
    words = {tuple(analyze(word, mode="query")) for word in text.split()}
    return len(words - {()})


def _words_beside_date_phrase(text: str) -> int:
    return _words_beside_date_phrase_on(text, date.today())


@lru_cache(maxsize=1024)
def _words_beside_date_phrase_on(text: str, today: date) -> int:
    """The content words of plain text beside its date phrase, which counts as one word of its
    own: keywords stay keywords when their date phrase has several words. "Hochwasser seit März
    2027", searched as words because no article is from that period, was four words and read
    as natural language, where any word and any part of a compound counts (346 hits with
    "höchstem Stand seit …", against the 6 flood articles of "Hochwasser seit 2027"; a review).
    A large number for text without a date phrase."""
    dated = _plain_date_phrase(text, today)
    return len(text) if dated is None else _content_word_count(dated.query)


def _plain_date_phrase(text: str, today: date | None = None) -> DateQuery | None:
    """Plain text's date phrase with the rest of its words (``dates.parse_query_dates``), or
    None when the text has syntax or no date phrase."""
    from .dates import parse_query_dates

    if not _is_plain_text(text):
        return None
    dated = parse_query_dates(text, today=today)
    return dated if (dated.start or dated.end) and dated.phrase else None


def _only_stopwords(text: str) -> bool:
    """Whether ``text`` has words and all of them are stop words (plain words, no syntax)."""
    return bool(re.search(r"[^\W\d_]", text)) and _is_plain_text(text) and not analyze(text, mode="query")


_GERMAN_FIELDS = "titel, ort, person, org, jahr, monat (englisch title, place, person, organisation, year, month)"


_SYNTAX_ADVICE = (
    "Die Suchanfrage ist nicht lesbar: bitte AND, OR, NOT, Klammern und Anführungszeichen prüfen."
)


#: A minus right before a word, after a space ("Merz -Koalition", "Klima* -Klimaschutz"): no
#: syntax in the search (headlines write "Rafale -Jets"), but perhaps meant as an exclusion,
#: which ``operator_reading`` offers.
_MINUS_BEFORE_WORD = re.compile(r"(?<=\s)-(?=[^\W\d_])")


#: Words after which a minus continues a compound (German's Ergänzungsstrich: "Privatpersonen
#: und -organisationen", "Bundes-, Landes- oder -kommunalrecht"): no exclusion to offer.
_SUSPENDING_WORDS = frozenset({"und", "oder", "sowie", "bzw.", "bzw", "&"})


def _offers_exclusion(text: str, match: re.Match[str], quoted: list[tuple[int, int]]) -> bool:
    """Whether the minus of ``match`` (``_MINUS_BEFORE_WORD``) may be meant as NOT: after a word
    that is no conjunction and no comma (an Ergänzungsstrich follows those), outside quotes, and
    not before field syntax ("-ort:Berlin" excludes already, "-datum:2025" excludes nothing)."""
    before = text[: match.start()].split()
    if not before or before[-1].lower() in _SUSPENDING_WORDS or before[-1].endswith((",", "-")):
        return False
    if _in_quotes(quoted, match.start()):
        return False
    word = re.match(r'[^\s()"]*', text[match.end() :])
    following = word[0] if word else ""
    # not before an operator ("Merz -OR Ampel" offered "Merz OR Ampel") or a lone letter
    return ":" not in following.rstrip(":") and following not in _BINARY_OPERATORS | {"NOT"} and len(following) > 1


def _minus_read_as_not(text: str) -> str:
    """``text`` with each minus right before a word that may be meant as an exclusion
    (``_offers_exclusion``) read as NOT: "Merz -Koalition" → "Merz NOT Koalition"."""
    if "-" not in text:
        return text
    marked = text.translate(_TYPOGRAPHIC_QUOTES)  # (one character for one: the spans stay)
    quoted = _quoted_spans(marked)
    pieces, last = [], 0
    for match in _MINUS_BEFORE_WORD.finditer(marked):
        if _offers_exclusion(marked, match, quoted):
            pieces += [text[last : match.start()], "NOT "]
            last = match.end()
    return "".join([*pieces, text[last:]])


def operator_reading(result: SearchResult) -> str | None:
    """The result's query with its German operator words read as operators ("Gas ODER Öl" →
    "Gas OR Öl") and a minus right before a word as NOT ("Merz -Koalition" → "Merz NOT
    Koalition"; not after "und", "oder" or a comma, where it continues a compound:
    "Privatpersonen und -organisationen"), when it has any outside quotes that join something
    and the reading parses; else None. The words are read in the query without its date
    phrase, which is kept as it is ("Ukraine NICHT Russland seit 2024" → "Ukraine NOT Russland
    seit 2024"). The web page and the CLI offer it: capitals are also emphasis in German, and
    a minus before a word also a lost hyphen ("Rafale -Jets"), so neither is an operator
    unasked."""
    text = result.query_text
    excluded = _minus_read_as_not(text)
    if excluded == text and not any(word in text for word in GERMAN_OPERATORS):
        return None
    read = _tidy_operators(excluded, GERMAN_OPERATORS)
    if read == text or not _OPERATORS.search(_user_words(read)):
        return None
    try:
        parse_query(None, read, "and")
    except QueryError:
        return None  # "Gas NICHT (NICHT Öl": the reading would be a syntax error
    phrase = result.date_filter.phrase if result.date_filter else ""
    return " ".join(f"{read} {phrase}".split())
