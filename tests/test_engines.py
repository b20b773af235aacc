"""The two engines side by side: same matches, same facet counts, nearly the same ranking;
choosing, remembering and migrating the engine of an index."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from searchkit import EngineError, Index, IndexVersionError, enrich, read_paths
from searchkit.cli import demo_corpus_path, main
from searchkit.index import METADATA_FILE

pytest.importorskip("tantivy", reason='the tantivy engine needs pip install "searchkit[fast]"')

#: Every kind of query the product takes: keywords, questions, compounds, folding, phrases,
#: prefixes and wildcards, boolean syntax, fields, entity names.
QUERIES = [
    "Erdogan", "Erdoğan", "Türkei Aserbaidschan", "Wer ist der Präsident der Türkei?", "Stützpunkt",
    "Hilfe", "Verteidigungsministerium", '"Bundesregierung plant"', '"Angriff auf"', "Bund*",
    "Mei?er", "Merz NOT Koalition", "Israel OR Iran", "(Gas OR Öl) AND Russland", "title:Wahl",
    "person:Olaf Scholz", "year:2025", "Strasse", "Straße", "Klimaschutz Urteil Karlsruhe",
    "Wie viele Menschen starben beim Erdbeben?", "Selenskyj Berlin", "Netanyahu", "Gipfel -NATO",
    "Getreide Export Ukraine Istanbul Vereinbarung", "zzzunbekanntzzz", "Bergkarabach Schuscha",
    # a field with any term (tantivy matched every document until an exploratory review)
    "person:*", "title:*", "organisation:* AND Türkei", "unbekanntesfeld:*", "month:*",
    # fuzzy words
    "Erdogn~", "Selenskij~2", "Bundesregirung~ Baku", "Klimaschuz~1/5 Urteil", "Wiederaufbau-Hilfn~",
    # hyphenated patterns and quoted pairs that may be one compound (in the order typed)
    "Ampel-Koa?ition", "Nordrhein-West*len", '"Ampel Koalition"',
]
#: The same query with filters, date bounds and sorts.
OPTIONS = [
    {},
    {"filters": {"year": ["2024"]}},
    {"filters": {"person": ["Olaf Scholz"], "year": ["2023", "2024"]}},
    {"date_from": "2022-01", "date_to": "2023-12"},
    {"sort": "date_desc"},
    {"per_page": 5, "page": 2},
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Index]:
    """The demo corpus in both engines, from the same enriched documents."""
    docs = [enrich(d) for d in read_paths([demo_corpus_path()])]
    indexes = {}
    for engine in ("whoosh", "tantivy"):
        index = Index(tmp_path_factory.mktemp(engine) / "index", create=True, engine=engine)
        index.add(docs)
        indexes[engine] = index
    return indexes


def _facets(result) -> dict[str, list[tuple[str, int, bool]]]:  # type: ignore[no-untyped-def]
    return {f.name: [(v.value, v.count, v.selected) for v in f.results] for f in result.facets}


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
def test_same_matches_and_facet_counts(both: dict[str, Index], options: dict) -> None:
    overlaps = []
    for text in QUERIES:
        w = both["whoosh"].search(text, facet_size=1000, **options)
        t = both["tantivy"].search(text, facet_size=1000, **options)
        assert (w.total, w.operator) == (t.total, t.operator), text
        assert _facets(w) == _facets(t), text
        w_ids, t_ids = [h.document.id for h in w.hits], [h.document.id for h in t.hits]
        if options.get("sort", "relevance") != "relevance":
            assert w_ids == t_ids, text  # date order is the engines' shared numpy code
        if w_ids and "page" not in options:  # the top 10; a later page shifts with ties
            overlaps.append(len(set(w_ids) & set(t_ids)) / len(w_ids))
            w_snippets = {h.document.id: h.snippet_html for h in w.hits}
            for hit in t.hits:  # same document, same highlighted snippet
                assert w_snippets.get(hit.document.id, hit.snippet_html) == hit.snippet_html, text
    assert not overlaps or sum(overlaps) / len(overlaps) >= 0.9


def test_plain_requests_take_the_top_k_path_with_the_same_answer(both: dict[str, Index]) -> None:
    """A search without facets is answered by the engine's top-k search; it must agree with
    the full path (facets counted) on total and hits."""
    for engine, index in both.items():
        for text in QUERIES:
            full = index.search(text)
            plain = index.search(text, facets=False)
            assert plain.facets == [] and plain.total == full.total, (engine, text)
            assert [h.document.id for h in plain.hits] == [h.document.id for h in full.hits], (engine, text)
            assert plain.suggestion == full.suggestion, (engine, text)


def test_similar_documents_and_suggestions_work_on_both(both: dict[str, Index]) -> None:
    from searchkit.similar import similar_documents

    for index in both.values():
        similar = similar_documents(index, "022_erdogan-wiederwahl", limit=3)
        assert 1 <= len(similar) <= 3 and all(d.id != "022_erdogan-wiederwahl" for d in similar)
    # one method on both engines: the same articles, as many as asked for (Whoosh's own chose
    # words only the article has and returned fewer, and other ones: a review); their order may
    # differ where two score alike, as each engine's BM25 normalizes field lengths its own way
    # (docs/engines.md)
    lists = [[d.id for d in similar_documents(index, doc_id, limit=5)]
             for doc_id in ("022_erdogan-wiederwahl", "001_who-impfstoffe") for index in both.values()]
    assert set(lists[0]) == set(lists[1]) and set(lists[2]) == set(lists[3])
    assert all(len(found) == 5 for found in lists)
    for index in both.values():
        assert index.search("Aserbaidschn").suggestion == "Aserbaidschan"
        assert index.facet_values("person", "erd")[0].label.startswith("Recep Tayyip Erdo")
        assert index.entity("place", "Baku").count >= 1


def test_update_delete_and_optimize_on_tantivy(tmp_path: Path) -> None:
    from searchkit import Document

    index = Index(tmp_path / "index", create=True, engine="tantivy")
    for batch in range(3):
        index.add([Document(id=f"{batch}-{i}", title=f"Meldung {batch} {i}", body="Baku") for i in range(4)])
    index.add([Document(id="0-0", title="Neu", body="Schuscha")])  # update: replaces the old version
    index.delete("1-1")
    assert len(index) == 11
    assert index.get("0-0").title == "Neu" and index.search("Schuscha").total == 1
    assert index.search("Baku", per_page=0).total == 10
    index.optimize()
    assert index.segment_count() == 1
    assert len(index) == 11 and index.search("Baku", per_page=0).total == 10


def test_whoosh_or_queries_run_as_union_trees_with_the_same_answer(tmp_path: Path) -> None:
    """On segments of up to 5,000 documents (such as this one) Whoosh would pre-load every
    match of an OR into arrays (slow); the engine makes each OR a tree of union matchers, with
    the same hits and scores."""
    from whoosh import query

    from searchkit import Document
    from searchkit.engines.whoosh_engine import _union_trees
    from searchkit.parsing import parse_query

    index = Index(tmp_path / "index", create=True, engine="whoosh")
    texts = ["Baku und Ankara", "Gipfel in Baku", "Ankara empfängt", "Wiederaufbau-Hilfen für Baku"]
    index.add([Document(id=str(i), title="Meldung", body=t) for i, t in enumerate(texts)])
    q = parse_query(index, "Wer hilft Baku und Ankara beim Wiederaufbau?", "or")
    snapshot = index.snapshot()
    automatic = [(hit.docnum, hit.score) for hit in snapshot.searcher.search(q, limit=20)]
    # the engine's answer (array evaluation) and Whoosh's own with union trees (what the
    # engine falls back to for trees the arrays cannot evaluate)
    ranked = snapshot.ranked(q, None, 20)
    trees = [(hit.docnum, hit.score) for hit in snapshot.searcher.search(_union_trees(q), limit=20)]
    for answer in (ranked, trees):
        assert [d for d, _ in answer] == [d for d, _ in automatic]
        assert [s for _, s in answer] == pytest.approx([s for _, s in automatic])

    def nodes(node: query.Query):  # type: ignore[no-untyped-def]
        yield node
        for child in node.children():
            yield from nodes(child)

    ors = [node for node in nodes(q) if isinstance(node, query.Or)]
    assert ors and {node.matcher_type for node in ors} == {query.Or.DEFAULT_MATCHER}
    assert sorted(snapshot.match(q).tolist()) == sorted(docnum for docnum, _ in automatic)


def test_an_index_remembers_its_engine(tmp_path: Path) -> None:
    path = tmp_path / "index"
    Index(path, create=True, engine="tantivy").close()
    assert json.loads((path / METADATA_FILE).read_text())["engine"] == "tantivy"
    assert Index(path).engine_name == "tantivy"  # no engine argument needed to open it
    with pytest.raises(IndexVersionError, match="searchkit migrate"):
        Index(path, engine="whoosh")


def test_unknown_or_missing_engine_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EngineError, match="unknown engine 'lucene'"):
        Index(tmp_path / "a", create=True, engine="lucene")
    # an existing index opened with a name no engine has: that error too, not "migrate it to lucene"
    Index(tmp_path / "a", create=True).close()
    for name in ("lucene", "Tantivy", ""):
        with pytest.raises(EngineError, match="unknown engine"):
            Index(tmp_path / "a", engine=name)
    # tantivy not installed: a fault we cannot cause otherwise on this machine
    monkeypatch.setitem(sys.modules, "tantivy", None)
    monkeypatch.delitem(sys.modules, "searchkit.engines.tantivy_engine", raising=False)
    with pytest.raises(EngineError, match=r"pip install \"searchkit\[fast\]\""):
        Index(tmp_path / "b", create=True, engine="tantivy")


def test_cli_builds_with_an_engine_and_migrates_in_place(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "index"
    seeds = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    source = seeds if seeds.exists() else demo_corpus_path()
    result = runner.invoke(main, ["index", str(source), "--index", str(path), "--engine", "whoosh", "--quiet"])
    assert result.exit_code == 0, result.output
    before = {d.id: d for d in Index(path).documents()}
    backup = tmp_path / "index.old"  # a user's folder of that name was removed unasked
    backup.mkdir()
    (backup / "keep.txt").write_text("backup", encoding="utf-8")
    (tmp_path / "index.tantivy-migrating").mkdir()  # not an index: not removed either
    (tmp_path / "index.tantivy-migrating" / "x").write_text("not an index", encoding="utf-8")
    refused = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--quiet"])
    assert refused.exit_code == 1 and "refusing to replace" in refused.output
    shutil.rmtree(tmp_path / "index.tantivy-migrating")

    result = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--quiet"])
    assert result.exit_code == 0, result.output
    migrated = Index(path)
    assert migrated.engine_name == "tantivy"
    assert {d.id: d for d in migrated.documents()} == before  # entities and dates copied as they are
    assert (backup / "keep.txt").read_text(encoding="utf-8") == "backup"
    assert not any(p.name.startswith("index.") and p != backup for p in tmp_path.iterdir())  # no leftovers
    # and no file of the old engine in the new index: the write lock held during the swap was
    # a Whoosh segment writer, whose cancel wrote an empty column file there (a review)
    assert not list(path.glob("MAIN_*")) and not list(path.glob("_MAIN_*"))

    copy = tmp_path / "copy"
    result = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "whoosh", "--to", str(copy), "--quiet"])
    assert result.exit_code == 0, result.output
    assert Index(copy).engine_name == "whoosh" and len(Index(copy)) == len(before)

    info = runner.invoke(main, ["info", "--index", str(path)])
    assert "tantivy engine" in info.output
    again = runner.invoke(main, ["index", str(source), "--index", str(path), "--engine", "whoosh", "--quiet"])
    assert again.exit_code == 1 and "uses the tantivy engine" in again.output
    shutil.rmtree(copy)


# -- the tantivy writer with analysis workers (procs > 1) -------------------------------------------
@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Few documents per pool task, so that the demo corpus runs through several of them."""
    from searchkit.engines import tantivy_engine

    monkeypatch.setattr(tantivy_engine, "ANALYSIS_CHUNK", 3)
    monkeypatch.setattr(tantivy_engine, "POOL_MIN_DOCS", 6)
    monkeypatch.setattr(tantivy_engine, "MAX_CHUNKS_IN_FLIGHT", 2)


def _content(index: Index) -> tuple:
    """Everything a reader can see: the stored documents in document-number order, every
    field's terms with their document frequencies, and phrase matches (positions)."""
    snapshot = index.snapshot()
    fields = ("title", "lead", "body", "names", "person", "place", "year", "entity_label")
    phrases = ['"Bundesregierung plant"', '"Angriff auf"', '"Recep Tayyip Erdoğan"', '"Wiederaufbau Hilfen"']
    return (
        list(snapshot.iter_stored()),
        {f: list(snapshot.terms(f)) for f in fields},
        {q: [h.document.id for h in index.search(q, per_page=50).hits] for q in phrases},
    )


def _operations(writer, docs) -> None:  # type: ignore[no-untyped-def]
    """Additions, deletions between them and a replaced document, in one batch."""
    from searchkit.index import document_fields

    for i, d in enumerate(docs):
        if i % 2:
            writer.add(document_fields(d))
        else:
            writer.add_document(d)  # the fields are built where the text is analyzed
        if i == 20:
            writer.delete(docs[3].id)  # deletes what was added before it
        if i == 30:
            writer.add(document_fields(docs[5]), replaces=0)  # a new version of an added one
    writer.delete(docs[-1].id)


@pytest.mark.usefixtures("small_chunks")
def test_analysis_workers_build_the_same_index_as_one_process(tmp_path: Path) -> None:
    docs = [enrich(d) for d in read_paths([demo_corpus_path()])]
    contents = {}
    for workers in (1, 2):
        index = Index(tmp_path / f"w{workers}", create=True, engine="tantivy")
        writer = index._writer(procs=workers)
        _operations(writer, docs)
        writer.commit()
        contents[workers] = _content(index)
        assert index.segment_count() == 1
        index.close()
    assert contents[1] == contents[2]
    assert len(contents[2][0]) == len(docs) - 2


@pytest.mark.usefixtures("small_chunks")
def test_analysis_pool_results_equal_in_process_analysis() -> None:
    from searchkit.engines.tantivy_engine import analysis_pool, prepare_documents

    docs = [enrich(d) for d in read_paths([demo_corpus_path()])]
    items = [d if i % 2 else (d.title, d.lead, d.body, "") for i, d in enumerate(docs)]
    pool = analysis_pool(2)
    chunks = [items[i : i + 5] for i in range(0, len(items), 5)]
    from_pool = [r for chunk, _ in pool.map(prepare_documents, chunks) for r in chunk]
    assert from_pool == prepare_documents(items)[0]
    assert [fields is None for fields, _ in from_pool] == [not i % 2 for i in range(len(docs))]


@pytest.mark.usefixtures("small_chunks")
def test_analysis_workers_release_the_lock_and_survive_a_dead_worker(tmp_path: Path) -> None:
    import os
    import signal
    import time

    from searchkit.engines.tantivy_engine import analysis_pool

    docs = [enrich(d) for d in read_paths([demo_corpus_path()])]
    index = Index(tmp_path / "index", create=True, engine="tantivy")
    index.add(docs[:25], workers=2)
    # the pool lives on, but none of its workers holds the index lock: another writer gets it
    Index(tmp_path / "index").add(docs[25:30])
    # a worker killed in the middle of a batch: its documents are analyzed in this process
    writer = index._writer(procs=2)
    pool = analysis_pool(2)
    os.kill(next(iter(pool._processes)), signal.SIGKILL)

    for d in docs[30:]:
        writer.add_document(d)
    writer.commit()
    # the executor's own thread marks the pool broken when it sees the dead process: at once
    # when a chunk was sent to it, else a moment later (a whole-suite run saw it not yet set)
    deadline = time.monotonic() + 10
    while not pool._broken and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool._broken
    reference = Index(tmp_path / "reference", create=True, engine="tantivy")
    reference.add(docs[:25])
    reference.add(docs[25:30])
    reference.add(docs[30:])
    assert _content(index)[:2] == _content(reference)[:2]
    # and the next writer gets a new pool
    index.add(docs[:1], workers=2)
    assert analysis_pool(2) is not pool and not analysis_pool(2)._broken


@pytest.mark.usefixtures("small_chunks")
def test_an_interrupted_batch_with_analysis_workers_commits_nothing(tmp_path: Path) -> None:
    docs = [enrich(d) for d in read_paths([demo_corpus_path()])]
    index = Index(tmp_path / "index", create=True, engine="tantivy")
    index.add(docs[:5])

    def interrupted():  # type: ignore[no-untyped-def]
        yield from docs[5:40]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.add(interrupted(), workers=2)
    assert len(Index(tmp_path / "index")) == 5
    index.add(docs[5:], workers=2)  # the lock was released, the pool still works
    assert len(index) == len(docs)


@pytest.mark.parametrize("text", ["erdogn", "selenskij", "bundesregir", "klimaschuz", "baku", "militarstutzpunkt"])
def test_fuzzy_words_expand_as_whooshs_own_automaton_does(both: dict[str, Index], text: str) -> None:
    from whoosh import query

    whoosh_snapshot = both["whoosh"].snapshot()
    for maxdist, prefixlength in ((1, 0), (2, 0), (2, 3)):
        leaf = query.FuzzyTerm("body", text, maxdist=maxdist, prefixlength=prefixlength)
        automaton = sorted(t.decode() if isinstance(t, bytes) else t for t in leaf._btexts(whoosh_snapshot.reader))
        assert whoosh_snapshot.expand(leaf, 1000) == automaton
        assert both["tantivy"].snapshot().expand(leaf, 1000) == automaton


def test_hyphenated_patterns_find_the_same_on_both_engines(both: dict[str, Index]) -> None:
    """Found by a review, on both engines: a wildcard inside a hyphenated word found nothing,
    and one typed in decomposed Unicode neither; a star beside the hyphen matched words without
    it ("Ex-*" found "Experten"), and a piece of too many words found nothing silently."""
    import unicodedata

    for engine, index in both.items():
        def found(text: str, index: Index = index) -> list[str]:
            return sorted(h.document.id for h in index.search(text, per_page=100).hits)

        coalition = found("Ampel-Koalition")
        assert len(coalition) >= 3, engine
        for pattern in ("Ampel-Koa?ition", "Ampel-K*lition", "Ampel-Koal*", unicodedata.normalize("NFD", "Ampel-K*lition")):
            assert found(pattern) == coalition, (engine, pattern)
        assert found("Nordrhein-West*len") == found("Nordrhein-Westfalen") != [], engine
        decomposed = unicodedata.normalize("NFD", "Präsid*nten")
        assert found(decomposed) == found("Präsid*nten") != [], engine
        assert found('"Ampel Koalition"') == coalition, engine


def test_sloppy_phrases_find_the_same_documents_on_both_engines(tmp_path: Path) -> None:
    """``"a b"~N`` means Whoosh's rule on both engines: the words in order, each 1 to N
    positions after the one before. tantivy's own slop also lets words swap places (a review
    found ``"Ukraine Krieg"~3`` matching 168 articles on tantivy, 19 on Whoosh), so the
    tantivy engine spells a sloppy phrase out as exact phrases at each allowed spacing."""
    import random

    from searchkit import Document

    words = ["Baku", "Tiflis", "Eriwan", "Ankara", "Moskau"]
    rng = random.Random(7)
    docs = [Document(id=f"d{i}", title="Meldung", body=" ".join(rng.choices(words, k=rng.randint(3, 14))))
            for i in range(100)]
    indexes = {}
    for engine in ("whoosh", "tantivy"):
        indexes[engine] = Index(tmp_path / engine, create=True, engine=engine)
        indexes[engine].add(docs)
    phrases = [(a, b) for a in words[:3] for b in words[1:4]] + [(a, b, c) for a, b, c in
                                                                 [words[:3], words[2:5], (words[0], words[0], words[1])]]
    for phrase in phrases:
        for slop in (1, 2, 3, 5):
            text = f'"{" ".join(phrase)}"~{slop}' if slop > 1 else f'"{" ".join(phrase)}"'
            found = {engine: sorted(h.document.id for h in index.search(text, per_page=100).hits)
                     for engine, index in indexes.items()}
            assert found["whoosh"] == found["tantivy"], text
            assert indexes["tantivy"].search(text, per_page=0).total == len(found["whoosh"]), text
    for engine, index in indexes.items():  # a slop past tantivy's u32 is no crash
        assert index.search('"Baku Tiflis"~4294967297', per_page=0).total > 0, engine


def test_an_in_place_migration_holds_the_write_lock_and_readers_follow(tmp_path: Path) -> None:
    """Found by a review: a document added during an in-place ``migrate`` was acknowledged and
    lost with the old folder, and a running server answered 500 until restarted."""
    from searchkit import Document

    path = tmp_path / "index"
    Index(path, create=True, engine="whoosh").add([Document(id="a", title="Hafen", body="Der alte Hafen.")])
    reader = Index(path)
    assert reader.search("Hafen").total == 1
    runner = CliRunner()
    with Index(path).write_lock():  # a writer in the middle of a batch
        refused = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--quiet"])
        assert refused.exit_code == 1 and "locked" in refused.output
    result = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--quiet"])
    assert result.exit_code == 0, result.output
    assert reader.search("Hafen").total == 1 and reader.engine_name == "tantivy"  # moved along


def test_a_read_only_tantivy_index_is_no_damaged_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a review: tantivy takes a lock file even to read, and a read-only copy was
    called damaged, with the advice to rebuild it (which deletes it). A read-only mount cannot
    be made in a test, so tantivy's own error is simulated."""
    tantivy = pytest.importorskip("tantivy")
    path = tmp_path / "index"
    Index(path, create=True, engine="tantivy").close()

    def read_only(*_args: object, **_kwargs: object) -> None:
        raise ValueError("Failed to acquire Lockfile: LockBusy. Some(Read-only file system (os error 30))")

    monkeypatch.setattr(tantivy.Index, "open", read_only)
    with pytest.raises(EngineError, match="write access") as raised:
        Index(path)
    assert "rebuild" not in str(raised.value)


def test_the_engine_variable_chooses_only_new_indexes_and_a_contrary_engine_option_names_migrate(tmp_path: Path) -> None:
    """Found by a review: with ``SEARCHKIT_ENGINE=tantivy`` every ``searchkit index`` into an
    existing Whoosh index failed, and ``--rebuild`` turned it into a tantivy index unasked."""
    from searchkit.engines import ENGINE_ENV

    runner = CliRunner()
    path = tmp_path / "index"
    first, second = sorted(demo_corpus_path().glob("*.txt"))[:2]

    def index(*args: str, engine: str = "whoosh") -> Any:
        return runner.invoke(main, ["index", *args, "--index", str(path), "--quiet", "--no-enrich"], env={ENGINE_ENV: engine})

    assert index(str(first)).exit_code == 0 and Index(path).engine_name == "whoosh"
    added = index(str(second), engine="tantivy")  # the variable: silently the index's own engine
    assert added.exit_code == 0, added.output
    assert Index(path).engine_name == "whoosh" and len(Index(path)) == 2
    assert index(str(first), "--rebuild", engine="tantivy").exit_code == 0
    assert Index(path).engine_name == "whoosh" and len(Index(path)) == 1  # rebuilt with its own engine
    searched = runner.invoke(main, ["search", "--index", str(path), "--json"], env={ENGINE_ENV: "tantivy"})
    assert searched.exit_code == 0 and json.loads(searched.output)["total"] == 1

    refused = index(str(second), "--engine", "tantivy")  # said on the command line: an error
    assert refused.exit_code == 1 and refused.output.startswith(
        f"Error: the index at {path} uses the whoosh engine, not tantivy: convert it with"
        f" `searchkit migrate --index {path} --engine tantivy`"
    )
    assert "--rebuild --engine tantivy" in refused.output and len(Index(path)) == 1  # nothing written
    assert index(str(second), "--rebuild", "--engine", "tantivy", engine="whoosh").exit_code == 0
    assert Index(path).engine_name == "tantivy" and len(Index(path)) == 1  # built anew as asked

    fresh = tmp_path / "fresh"
    new = runner.invoke(main, ["index", str(first), "--index", str(fresh), "--quiet", "--no-enrich"], env={ENGINE_ENV: "tantivy"})
    assert new.exit_code == 0 and Index(fresh).engine_name == "tantivy"  # a new index: the variable decides
    wrong = runner.invoke(main, ["index", str(first), "--index", str(path), "--quiet"], env={ENGINE_ENV: "lucene"})
    assert wrong.exit_code == 2 and "'lucene' is not one of" in wrong.output  # still checked (README)


def test_migrate_refuses_a_target_inside_the_index_before_writing_anything(tmp_path: Path) -> None:
    """Found by a review: ``migrate --to`` into a folder inside the index wrote the copy there
    (the next in-place migration or rebuild deleted it), and the messages for an unusable
    ``--to`` named ``--index`` or told to migrate the target."""
    runner = CliRunner()
    path = tmp_path / "index"
    Index(path, create=True, engine="whoosh").add(read_paths(sorted(demo_corpus_path().glob("*.txt"))[:2]))
    before = sorted(p.name for p in path.iterdir())
    link = tmp_path / "link"
    link.symlink_to(path)
    for target, says in [
        (path, "is the index folder itself"),
        (path / "copy", f"is inside the index folder {path}"),
        (path / "a" / "b", f"is inside the index folder {path}"),
        (link / "copy", f"is inside the index folder {path}"),
    ]:
        refused = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--to", str(target), "--quiet"])
        assert refused.exit_code == 1 and refused.output == (
            f"Error: --to {target} {says}: choose a folder outside it, or leave out --to to migrate the index in place\n"
        )
    assert sorted(p.name for p in path.iterdir()) == before and Index(path).engine_name == "whoosh"

    other = tmp_path / "other"
    Index(other, create=True, engine="tantivy").close()
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "keep.txt").write_text("x", encoding="utf-8")
    for target in (other, tmp_path / "files", tmp_path):
        refused = runner.invoke(main, ["migrate", "--index", str(path), "--to", str(target), "--quiet"])
        assert refused.exit_code == 1 and refused.output == (
            f"Error: --to {target} exists and is not an empty folder: choose a new folder for the copy\n"
        )
    (tmp_path / "empty").mkdir()
    copied = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--to", str(tmp_path / "empty"), "--quiet"])
    assert copied.exit_code == 0 and Index(tmp_path / "empty").engine_name == "tantivy"


@pytest.mark.parametrize(("text", "limit"), [
    ("Bund*", 1024), ("Ver*", 1024), ("body:Ver*", 1024), ("*ung", 1024), ("title:[a TO f]", 1024),
    ("title:Be*", 2), ("body:Vo*", 2), ("body:[a TO c]", 2),  # (not a query above: the snapshot keeps results)
])
def test_broad_prefixes_and_word_ranges_score_alike_on_both_engines(
    both: dict[str, Index], monkeypatch: pytest.MonkeyPatch, text: str, limit: int
) -> None:
    """Found by a review: a prefix of more words than searchkit expands itself stayed a prefix
    node, which tantivy ran at one constant score and Whoosh (whose constant score falls back
    to BM25F) scored word by word: the first pages of "Ver*" had no hit in common. Both engines
    now score such a node as its words OR-ed, or, beyond ``SCORED_MULTITERM_WORDS`` words in
    the field, give every hit its boost."""
    import searchkit.engines
    import searchkit.search

    monkeypatch.setattr(searchkit.search, "SCORED_WILDCARD_WORDS", 0)  # the node reaches the engine
    monkeypatch.setattr(searchkit.engines, "SCORED_MULTITERM_WORDS", limit)
    w = both["whoosh"].search(text, per_page=50, operator="or")
    t = both["tantivy"].search(text, per_page=50, operator="or")
    assert w.total == t.total > 2, text
    w_scores, t_scores = {h.score for h in w.hits}, {h.score for h in t.hits}
    if limit == 2:  # one field, more than two words: every hit at the boost, 1
        assert w_scores == t_scores == {1.0}, (w_scores, t_scores)
    else:
        assert len(w_scores) > 1 and len(t_scores) > 1
        top = min(10, w.total)
        w_top, t_top = [h.document.id for h in w.hits[:top]], [h.document.id for h in t.hits[:top]]
        assert len(set(w_top) & set(t_top)) / top >= 0.7, (w_top, t_top)
