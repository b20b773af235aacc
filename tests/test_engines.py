"""The two engines side by side: same matches, same facet counts, nearly the same ranking;
choosing, remembering and migrating the engine of an index."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

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

    result = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "tantivy", "--quiet"])
    assert result.exit_code == 0, result.output
    migrated = Index(path)
    assert migrated.engine_name == "tantivy"
    assert {d.id: d for d in migrated.documents()} == before  # entities and dates copied as they are
    assert not any(p.name.startswith("index.") for p in tmp_path.iterdir())  # no leftovers

    copy = tmp_path / "copy"
    result = runner.invoke(main, ["migrate", "--index", str(path), "--engine", "whoosh", "--to", str(copy), "--quiet"])
    assert result.exit_code == 0, result.output
    assert Index(copy).engine_name == "whoosh" and len(Index(copy)) == len(before)

    info = runner.invoke(main, ["info", "--index", str(path)])
    assert "tantivy engine" in info.output
    again = runner.invoke(main, ["index", str(source), "--index", str(path), "--engine", "whoosh", "--quiet"])
    assert again.exit_code == 1 and "uses the tantivy engine" in again.output
    shutil.rmtree(copy)
