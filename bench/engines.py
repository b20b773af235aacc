"""The engines under test, behind one small interface: build an index from documents, open it,
run a neutral query description (``Query``).

* ``searchkit``   the library itself (``Index.add`` / ``Index.search``: hits with highlighted
                  snippets plus every facet, as the API returns them), Whoosh engine
* ``searchkit_tantivy``  the same library on its tantivy engine (``--engine tantivy``)
* ``whoosh_std``  plain Whoosh, default settings: ``StandardAnalyzer``
* ``whoosh_de``   plain Whoosh, ``LanguageAnalyzer("de")`` (Whoosh's pure-Python Snowball)
* ``tantivy``     tantivy-py: simple tokenizer + lowercase + German stemmer, facet counts with
                  ``Searcher.aggregate`` (terms aggregations over fast fields)
* ``tantivy_snippets``  the same, with the text stored and a highlighted snippet per hit from
                  tantivy's own ``SnippetGenerator`` (the page searchkit's API returns: context for
                  the issue-10 ratios, which are measured against ``tantivy``)

The baselines index the same fields searchkit searches and filters on: title, lead + body as one
text field, year, month, the three entity facets (searchkit's facet keys) and the publication
period as integers; they store id and title, and a query returns the top 10 with their titles.
Faceted queries are disjunctive everywhere (each facet counted with every filter but its own),
which is what searchkit computes, so a baseline needs one count per facet.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Facets a faceted query counts (and may filter on), in every engine.
COUNT_FACETS = ("year", "month", "person", "place", "organisation")
ENTITY_FACETS = ("person", "place", "organisation")
TOP = 10


@dataclass
class Query:
    """A query every engine can run. ``words`` are surface words (lowercase)."""

    kind: str  # word | multi | phrase | prefix | daterange | faceted
    words: list[str]
    date_from: int | None = None  # yyyymmdd
    date_to: int | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    facets: bool = True
    hit_fraction: float | None = None  # measured with searchkit when the query set is built

    def text(self) -> str:
        if self.kind == "phrase":
            return '"' + " ".join(self.words) + '"'
        if self.kind == "prefix":
            return self.words[0] + "*"
        return " ".join(self.words)

    def label(self) -> str:
        parts = [self.text()]
        if self.date_from or self.date_to:
            parts.append(f"[{self.date_from}..{self.date_to}]")
        if self.filters:
            parts.append(" ".join(f"{k}={'|'.join(v)}" for k, v in self.filters.items()))
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "words": self.words, "date_from": self.date_from, "date_to": self.date_to,
            "filters": self.filters, "facets": self.facets, "hit_fraction": self.hit_fraction,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Query:
        return cls(**data)


def dir_size(path: str | os.PathLike[str]) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _ymd(n: int) -> str:
    s = f"{n:08d}"
    return f"{s[:4]}-{s[4:6]}-{s[6:]}"


def doc_fields(doc: Any) -> dict[str, Any]:
    """Neutral fields of one searchkit Document, as the baselines index them."""
    from searchkit.index import NO_DATE, date_number
    from searchkit.model import entity_key

    out: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "body": "\n\n".join(p for p in (doc.lead, doc.body) if p),
    }
    if doc.published:
        out["year"] = [str(doc.published.year)]
        out["month"] = [doc.published.value[:7]] if doc.published.month else []
        out["pub_start"] = date_number(doc.published.start())
        out["pub_end"] = date_number(doc.published.end())
    else:
        out["year"], out["month"], out["pub_start"], out["pub_end"] = [NO_DATE], [], 0, 0
    for facet in ENTITY_FACETS:
        keys = {" ".join(entity_key(e.name).replace(",", " ").split()) for e in doc.entities if e.type.value == facet}
        out[facet] = sorted(keys - {""})
    return out


class Engine:
    name = "engine"

    def build(self, docs: Sequence[Any], path: Path, workers: int = 1, **options: Any) -> dict[str, Any]:
        raise NotImplementedError

    def open(self, path: Path) -> None:
        raise NotImplementedError

    def warm(self) -> None:
        """Read ahead what a serving process reads before its first request (nothing for most)."""

    def run(self, q: Query) -> int:
        """Run the query; returns the number of matching documents."""
        raise NotImplementedError

    def close(self) -> None:
        pass


# -- searchkit --------------------------------------------------------------------------------
@contextlib.contextmanager
def facets_only(names: Sequence[str] | None) -> Iterator[None]:
    """Run searchkit's searches computing only the facets ``names`` (None: all, the default).
    No facets at all is ``SearchRequest(facets=False)``; a subset has no public switch (the API
    counts every facet), so this swaps the module's facet table around ``_facets``."""
    import searchkit.search as sks

    if names is None:
        yield
        return
    original = sks._facets

    def limited(request, data, base, masks, selected_ids):  # type: ignore[no-untyped-def]
        if not names:
            return []
        saved = sks.FACETS
        sks.FACETS = {k: v for k, v in saved.items() if k in names}
        try:
            return original(request, data, base, masks, selected_ids)
        finally:
            sks.FACETS = saved

    sks._facets = limited
    try:
        yield
    finally:
        sks._facets = original


class Searchkit(Engine):
    name = "searchkit"

    def __init__(self, facets: Sequence[str] | None = None, name: str | None = None, engine: str = "whoosh",
                 highlight: bool = True) -> None:
        #: None: every facet (what the API returns); () none; or a subset.
        self.facet_names = facets
        #: False: titles and snippets without marks (``highlight=false``), the baselines' answer
        self.highlight = highlight
        if name:
            self.name = name
        #: searchkit's own engine underneath (``searchkit.engines``)
        self.engine = engine
        self.index = None

    def build(self, docs, path, workers=1, enrich=None, batch_size=0, progress=None, deadline=None, **_):  # type: ignore[no-untyped-def]
        import time

        import searchkit

        index = searchkit.Index.rebuild(path, engine=self.engine)
        size = batch_size or len(docs) or 1
        report = searchkit.IngestReport()
        done = 0
        tick = (lambda _doc, _outcome: progress(1)) if progress else None
        for start in range(0, len(docs), size):
            if deadline is not None and time.monotonic() > deadline:
                break
            batch = docs[start : start + size]
            report.merge(index.add(batch, enrich=enrich, workers=workers, on_document=tick))
            done += len(batch)
        index.facet_data()  # saved facet arrays for readers, as `searchkit index` writes them (timed)
        index.close()
        return {"indexed": done, "report": {k: v for k, v in report.to_dict().items() if k != "errors"},
                "errors": report.errors[:5]}

    def open(self, path):  # type: ignore[no-untyped-def]
        import searchkit
        import searchkit.search

        # The benchmark repeats each query after a warm-up pass; searchkit's per-generation
        # match cache would answer those from memory, which the baselines cannot: measure
        # every query from scratch.
        searchkit.search.MATCH_CACHE_SIZE = 0
        # Likewise the snapshot's recent scored result lists: the faceted queries repeat their
        # words under other filters (and the "without facets" pass repeats them all), which a
        # cache of 32 would answer from memory. Two lists keep what one request shares with
        # itself (the AND count, the OR fallback, its mask and its ranking).
        import searchkit.engines

        searchkit.engines.SCORED_CACHE_SIZE = 2
        self.index = searchkit.Index(path)
        self.index.facet_data()

    def warm(self) -> None:
        """What `searchkit serve` reads in each worker before its first request (the entity
        names' words, the words kept beside the index, the spelling list): before the timed
        queries, not in the cold open."""
        if self.index is not None:
            self.index.warm()

    def request_options(self, q: Query) -> dict[str, Any]:
        # parse_dates off: a query word such as "märz" must stay a word, as in the baselines.
        opts: dict[str, Any] = {"per_page": TOP, "parse_dates": False, "highlight": self.highlight}
        if q.date_from:
            opts["date_from"] = _ymd(q.date_from)
        if q.date_to:
            opts["date_to"] = _ymd(q.date_to)
        if q.filters:
            opts["filters"] = {k: list(v) for k, v in q.filters.items()}
        return opts

    def run(self, q):  # type: ignore[no-untyped-def]
        names = self.facet_names
        if q.kind == "faceted":
            # The faceted benchmark counts the same five facets in every engine; "without facets"
            # is the same query and filters with no facet counted.
            names = (names if names is not None else COUNT_FACETS) if q.facets else ()
        options = self.request_options(q)
        if names is not None and not names:
            options["facets"] = False
            names = None
        with facets_only(names):
            result = self.index.search(q.text(), **options)  # type: ignore[union-attr]
        return result.total

    def close(self):  # type: ignore[no-untyped-def]
        if self.index is not None:
            self.index.close()


# -- plain Whoosh --------------------------------------------------------------------------------
class PlainWhoosh(Engine):
    def __init__(self, analyzer: str = "standard") -> None:
        self.analyzer_name = analyzer
        self.name = "whoosh_std" if analyzer == "standard" else "whoosh_de"
        self.ix = None
        self.searcher = None

    def schema(self):  # type: ignore[no-untyped-def]
        from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer
        from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

        analyzer = StandardAnalyzer() if self.analyzer_name == "standard" else LanguageAnalyzer("de")
        kw = {"lowercase": False, "commas": True, "scorable": False}
        return Schema(
            id=ID(unique=True, stored=True),
            title=TEXT(analyzer=analyzer, stored=True),
            body=TEXT(analyzer=analyzer),
            year=ID(),
            month=ID(),
            person=KEYWORD(**kw),
            place=KEYWORD(**kw),
            organisation=KEYWORD(**kw),
            pub_start=NUMERIC(numtype=int, bits=32),
            pub_end=NUMERIC(numtype=int, bits=32),
        )

    def build(self, docs, path, workers=1, progress=None, deadline=None, **_):  # type: ignore[no-untyped-def]
        import time

        from whoosh import index as wix

        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        ix = wix.create_in(str(path), self.schema())
        writer = ix.writer(procs=workers, multisegment=True) if workers > 1 else ix.writer()
        done = 0
        for doc in docs:
            if deadline is not None and done % 256 == 0 and time.monotonic() > deadline:
                break
            f = doc_fields(doc)
            writer.add_document(
                id=f["id"], title=f["title"], body=f["body"],
                year=f["year"][0], **({"month": f["month"][0]} if f["month"] else {}),
                person=",".join(f["person"]), place=",".join(f["place"]),
                organisation=",".join(f["organisation"]),
                pub_start=f["pub_start"], pub_end=f["pub_end"],
            )
            done += 1
            if progress and done % 256 == 0:
                progress(256)
        writer.commit()
        ix.close()
        if progress:
            progress(done % 256)
        return {"indexed": done}

    def open(self, path):  # type: ignore[no-untyped-def]
        from whoosh import index as wix
        from whoosh.qparser import MultifieldParser

        self.ix = wix.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def _text_query(self, q: Query):  # type: ignore[no-untyped-def]
        return self.parser.parse(q.text())

    def _filters(self, q: Query, skip: str | None = None):  # type: ignore[no-untyped-def]
        from whoosh import query as wq

        parts = []
        if q.date_from:
            parts.append(wq.NumericRange("pub_end", q.date_from, None))
        if q.date_to:
            parts.append(wq.NumericRange("pub_start", 1, q.date_to))
        for name, values in q.filters.items():
            if name != skip:
                parts.append(wq.Or([wq.Term(name, v) for v in values]))
        return parts

    def run(self, q):  # type: ignore[no-untyped-def]
        from whoosh import query as wq
        from whoosh import sorting

        s = self.searcher
        base = self._text_query(q)
        results = s.search(wq.And([base, *self._filters(q)]) if self._filters(q) else base, limit=TOP)
        titles = [hit["title"] for hit in results]
        total = len(results)
        if q.kind == "faceted" and q.facets:
            for name in COUNT_FACETS:
                others = self._filters(q, skip=name)
                query = wq.And([base, *others]) if others else base
                facet = sorting.FieldFacet(name, allow_overlap=name in ENTITY_FACETS)
                r = s.search(query, groupedby={name: facet}, limit=1, scored=False)
                groups = r.groups(name)
                sorted((len(v) if isinstance(v, list) else v) for v in groups.values())[-TOP:]
        del titles
        return total

    def close(self):  # type: ignore[no-untyped-def]
        if self.searcher is not None:
            self.searcher.close()


# -- tantivy ---------------------------------------------------------------------------------------
def tantivy_analyzer():  # type: ignore[no-untyped-def]
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("german"))
        .build()
    )


class Tantivy(Engine):
    name = "tantivy"

    def __init__(self, snippets: bool = False) -> None:
        self.index = None
        #: store the text and build a highlighted snippet for every hit
        self.snippets = snippets
        if snippets:
            self.name = "tantivy_snippets"

    def schema(self):  # type: ignore[no-untyped-def]
        import tantivy

        b = tantivy.SchemaBuilder()
        b.add_text_field("id", stored=True, tokenizer_name="raw")
        b.add_text_field("title", stored=True, tokenizer_name="de_stem")
        b.add_text_field("body", stored=self.snippets, tokenizer_name="de_stem")
        for name in COUNT_FACETS:
            b.add_text_field(name, stored=False, fast=True, tokenizer_name="raw")
        b.add_integer_field("pub_start", indexed=True, fast=True)
        b.add_integer_field("pub_end", indexed=True, fast=True)
        return b.build()

    def build(self, docs, path, workers=0, progress=None, deadline=None, **_):  # type: ignore[no-untyped-def]
        import time

        import tantivy

        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        index = tantivy.Index(self.schema(), path=str(path))
        index.register_tokenizer("de_stem", tantivy_analyzer())
        # workers: tantivy's indexing threads (the benchmark uses 1: a single-core baseline)
        writer = index.writer(heap_size=128_000_000, num_threads=workers)
        done = 0
        for doc in docs:
            if deadline is not None and done % 256 == 0 and time.monotonic() > deadline:
                break
            f = doc_fields(doc)
            td = tantivy.Document()
            td.add_text("id", f["id"])
            td.add_text("title", f["title"])
            td.add_text("body", f["body"])
            for name in COUNT_FACETS:
                for value in f[name]:
                    td.add_text(name, value)
            td.add_integer("pub_start", f["pub_start"])
            td.add_integer("pub_end", f["pub_end"])
            writer.add_document(td)
            done += 1
            if progress and done % 256 == 0:
                progress(256)
        writer.commit()
        writer.wait_merging_threads()
        if progress:
            progress(done % 256)
        return {"indexed": done}

    def open(self, path):  # type: ignore[no-untyped-def]
        import tantivy

        self.index = tantivy.Index.open(str(path))
        self.index.register_tokenizer("de_stem", tantivy_analyzer())
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema_ = self.index.schema

    def _text_query(self, q: Query):  # type: ignore[no-untyped-def]
        import tantivy

        if q.kind == "prefix":
            # tantivy has no prefix syntax in its parser; a regex over the (stemmed) terms.
            import re

            pattern = re.escape(q.words[0]) + ".*"
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.regex_query(self.schema_, f, pattern)) for f in ("title", "body")]
            )
        return self.index.parse_query(q.text(), ["title", "body"], conjunction_by_default=True)

    def _filters(self, q: Query, skip: str | None = None) -> list[Any]:
        import tantivy

        parts = []
        if q.date_from:
            parts.append(tantivy.Query.range_query(self.schema_, "pub_end", tantivy.FieldType.Integer, lower_bound=q.date_from))
        if q.date_to:
            parts.append(tantivy.Query.range_query(self.schema_, "pub_start", tantivy.FieldType.Integer, lower_bound=1, upper_bound=q.date_to))
        for name, values in q.filters.items():
            if name != skip:
                parts.append(tantivy.Query.term_set_query(self.schema_, name, list(values)))
        return parts

    def _and(self, base: Any, filters: list[Any]) -> Any:
        import tantivy

        if not filters:
            return base
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, base)] + [(tantivy.Occur.Must, f) for f in filters])

    def run(self, q):  # type: ignore[no-untyped-def]
        import tantivy

        base = self._text_query(q)
        result = self.searcher.search(self._and(base, self._filters(q)), TOP, count=True)
        docs = [self.searcher.doc(addr) for _, addr in result.hits]
        titles = [doc["title"] for doc in docs]
        if self.snippets and docs:
            snippet = tantivy.SnippetGenerator.create(self.searcher, base, self.schema_, "body")
            snippet.set_max_num_chars(240)
            titles += [snippet.snippet_from_doc(doc).to_html() for doc in docs]
        del titles
        if q.kind == "faceted" and q.facets:
            for name in COUNT_FACETS:
                self.searcher.aggregate(
                    self._and(base, self._filters(q, skip=name)),
                    {name: {"terms": {"field": name, "size": TOP}}},
                )
        return int(result.count)


ENGINES: dict[str, Callable[[], Engine]] = {
    "searchkit": Searchkit,
    "searchkit_tantivy": lambda: Searchkit(name="searchkit_tantivy", engine="tantivy"),
    "whoosh_std": lambda: PlainWhoosh("standard"),
    "whoosh_de": lambda: PlainWhoosh("de"),
    "tantivy": Tantivy,
    "tantivy_snippets": lambda: Tantivy(snippets=True),
}
