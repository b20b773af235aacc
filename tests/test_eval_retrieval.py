"""``searchkit eval retrieval``: the file readers, the metrics, the baselines and (slow) XQuAD."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from searchkit.errors import IngestError, QueryError, SearchkitError
from searchkit.evaluate.retrieval import (
    METRICS,
    EvalDocument,
    TantivySystem,
    WhooshSystem,
    escape_tantivy,
    evaluate_retrieval,
    format_retrieval_table,
    read_documents,
    read_qrels,
    read_queries,
    score_run,
    tantivy_query_text,
)

ROOT = Path(__file__).resolve().parents[1]
# beside the project, or where $SEARCHKIT_SHARED says (as for every other data test)
from conftest import DATA as SHARED_DATA  # noqa: E402

DOCS = [
    {"id": "hochwasser", "title": "Hochwasser in Passau", "text": "Die Donau ist in Passau über die Ufer getreten. Die Altstadt steht unter Wasser."},
    {"id": "haushalt", "title": "Bundestag beschließt Haushalt", "text": "Der Bundestag hat den Haushalt beschlossen. Die Opposition kritisiert neue Schulden."},
    {"id": "fussball", "title": "Bayern gewinnt in Dortmund", "text": "Der FC Bayern München hat das Spiel gegen Borussia Dortmund mit 3:1 gewonnen."},
    {"id": "wien", "title": "Neue Straßenbahn in Wien", "text": "Die Wiener Linien eröffnen eine neue Straßenbahnlinie zum Hauptbahnhof."},
    {"id": "heizoel", "text": "Die Preise für Heizöl sind stark gestiegen, berichten Verbraucherschützer in Hamburg."},
]
QUERIES = {
    "q1": "Wo ist die Donau über die Ufer getreten?",
    "q2": "Was hat der Bundestag beschlossen?",
    "q3": "Gegen wen hat der FC Bayern gewonnen?",
    "q4": "Welche Straßenbahn eröffnet in Wien?",
    "q5": "Wie stark sind die Preise für Heizöl gestiegen?",
    "q6": "Eine Frage ohne Urteil (AND: \"nicht bewertet\")",
}
QRELS = {"q1": "hochwasser", "q2": "haushalt", "q3": "fussball", "q4": "wien", "q5": "heizoel"}


def write_set(folder: Path, docs=DOCS, queries=QUERIES, qrels=QRELS) -> tuple[Path, Path, Path]:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    docs_path, queries_path, qrels_path = folder / "docs.jsonl", folder / "queries.tsv", folder / "qrels.txt"
    docs_path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    queries_path.write_text("".join(f"{qid}\t{text}\n" for qid, text in queries.items()), encoding="utf-8")
    qrels_path.write_text("".join(f"{qid} 0 {doc} 1\n" for qid, doc in qrels.items()), encoding="utf-8")
    return docs_path, queries_path, qrels_path


@pytest.fixture(scope="module")
def toy_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return write_set(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def baseline_result(toy_set: tuple[Path, Path, Path]) -> dict:
    return evaluate_retrieval(*toy_set, baselines=True, progress=False)


# -- searchkit on a toy set --------------------------------------------------------------------------
def test_perfect_toy_case_scores_one(toy_set: tuple[Path, Path, Path]) -> None:
    result = evaluate_retrieval(*toy_set, progress=False)
    assert set(result["systems"]) == {"searchkit"}
    figures = result["systems"]["searchkit"]
    assert figures["mrr@10"] == 1.0
    assert figures["ndcg@10"] == 1.0
    assert figures["recall@100"] == 1.0
    assert result["documents"] == 5
    assert result["queries"] == 5
    assert result["unjudged"] == 1  # q6 has no judgment: not run
    assert figures["documents"] == 5
    assert figures["index_bytes"] > 0
    assert figures["index_seconds"] >= 0 and figures["query_seconds"] >= 0
    json.dumps(result)  # the --json output


@pytest.mark.parametrize("operator", ["or", "and", "auto"])
def test_metrics_are_fractions_for_every_operator(tmp_path: Path, operator: str) -> None:
    # A query whose relevant document lacks one of its words: found with OR, missed with AND.
    queries = dict(QUERIES, q7="Hochwasser in Passau und Heizöl")
    qrels = dict(QRELS, q7="heizoel")
    result = evaluate_retrieval(*write_set(tmp_path, queries=queries, qrels=qrels), operator=operator, enrich=False, progress=False)
    figures = result["systems"]["searchkit"]
    for metric in METRICS:
        assert 0.0 <= figures[metric] <= 1.0
    assert figures["operator"] == operator
    assert figures["mrr@10"] < 1.0


def test_unjudged_and_irrelevant_judgments(tmp_path: Path) -> None:
    docs, queries, qrels = write_set(tmp_path)
    qrels.write_text(qrels.read_text(encoding="utf-8") + "q6 0 wien 0\n", encoding="utf-8")
    result = evaluate_retrieval(docs, queries, qrels, enrich=False, progress=False)
    assert result["queries"] == 5 and result["unjudged"] == 1


def test_wrong_document_first_lowers_mrr(tmp_path: Path) -> None:
    qrels = dict(QRELS, q1="wien")  # judged against the wrong document on purpose
    result = evaluate_retrieval(*write_set(tmp_path, qrels=qrels), enrich=False, progress=False)
    assert result["systems"]["searchkit"]["mrr@10"] < 1.0


# -- scoring ---------------------------------------------------------------------------------------------
def test_score_run_uses_the_engines_order() -> None:
    qrels = {"a": {"d2": 1}, "b": {"d1": 1}, "c": {"d3": 1}}
    run = {"a": ["d1", "d2"], "b": ["d1", "d1", "d2"], "c": []}
    scores = score_run(qrels, run)
    assert scores["mrr@10"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert scores["recall@100"] == pytest.approx(2 / 3)


def test_score_run_ignores_zero_relevance() -> None:
    scores = score_run({"a": {"d1": 1, "d2": 0}}, {"a": ["d2", "d1"]})
    assert scores["mrr@10"] == pytest.approx(0.5)


# -- malformed input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "Haus"}\n{"id": "b", "text": "Boot"\n', "docs.jsonl:2: not valid JSON"),
        ('["a", "Haus"]\n', "docs.jsonl:1: expected a JSON object"),
        ('{"text": "Haus"}\n', 'docs.jsonl:1: "id" must be a non-empty string'),
        ('{"id": "a", "title": "Haus"}\n', 'docs.jsonl:1: document \'a\' has no "text" field'),
        ('{"id": "a", "text": 3}\n', 'docs.jsonl:1: "text" of \'a\' must be a string'),
        ('{"id": "a", "text": " ", "title": ""}\n', "neither title nor text"),
        ('{"id": "a", "text": "Haus"}\n\n{"id": "a", "text": "Boot"}\n', "docs.jsonl:3: document id 'a' repeats line 1"),
        ("", "docs.jsonl: no documents"),
    ],
)
def test_malformed_documents(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read_documents(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q1\tWo liegt Passau?\nq2 Wo liegt Wien?\n", "queries.tsv:2: expected query_id<TAB>query text"),
        ("q1\t \n", "queries.tsv:1: query 'q1' has no text"),
        ("\tWo liegt Passau?\n", "queries.tsv:1: empty query id"),
        ("q1\tWo?\nq1\tWie?\n", "queries.tsv:2: query id 'q1' repeats line 1"),
    ],
)
def test_malformed_queries(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "queries.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QueryError, match=message):
        read_queries(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q1 0 d1 1\nq2 0 d2\n", "qrels.txt:2: expected 4 fields"),
        ("q1 0 d1 ja\n", "qrels.txt:1: relevance must be an integer"),
        ("q1 0 d1 1\nq1 0 d1 2\n", "qrels.txt:2: q1 d1 judged again"),
        ("q1 0 d1 99999999999999999999999\n", "qrels.txt:1: relevance .* out of range"),  # was OverflowError
    ],
)
def test_malformed_qrels(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "qrels.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=message):
        read_qrels(path)


def test_readers_accept_blank_lines_bom_and_extra_tabs(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text('\ufeff{"id": 7, "title": null, "text": "Haus", "extra": 1}\n\n', encoding="utf-8")
    assert read_documents(docs) == [EvalDocument("7", "", "Haus", 1)]
    queries = tmp_path / "queries.tsv"
    queries.write_text("q1\tWo\tliegt  Passau?\n\n", encoding="utf-8")
    assert read_queries(queries) == {"q1": "Wo liegt Passau?"}
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1\t0\td1\t2\n\n", encoding="utf-8")
    assert read_qrels(qrels) == {"q1": {"d1": 2}}


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "queries.tsv"
    path.write_bytes("q1\tWo liegt Passau?\nq2\tStraße\n".encode("latin-1"))
    with pytest.raises(QueryError, match=r"queries.tsv:2: not UTF-8"):
        read_queries(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        read_documents(tmp_path / "nowhere.jsonl")


def test_qrels_must_match_the_other_files(tmp_path: Path) -> None:
    docs, queries, qrels = write_set(tmp_path)
    qrels.write_text("q1 0 hochwasser 1\nq99 0 wien 1\n", encoding="utf-8")
    with pytest.raises(QueryError, match="not in the queries file, e.g. 'q99'"):
        evaluate_retrieval(docs, queries, qrels, progress=False)
    qrels.write_text("q1 0 hochwasser 1\nq2 0 gibtsnicht 1\n", encoding="utf-8")
    with pytest.raises(IngestError, match="not in the documents file, e.g. 'gibtsnicht'"):
        evaluate_retrieval(docs, queries, qrels, progress=False)
    qrels.write_text("q1 0 hochwasser 0\n", encoding="utf-8")
    with pytest.raises(QueryError, match="no query has a relevant document"):
        evaluate_retrieval(docs, queries, qrels, progress=False)


def test_errors_are_searchkit_errors() -> None:
    assert issubclass(IngestError, SearchkitError) and issubclass(QueryError, SearchkitError)


# -- baselines ------------------------------------------------------------------------------------------
def test_baselines_run_side_by_side(baseline_result: dict) -> None:
    systems = baseline_result["systems"]
    assert list(systems) == ["whoosh-standard", "whoosh-lang-de", "tantivy-de", "searchkit"]
    for name, figures in systems.items():
        for metric in METRICS:
            assert 0.0 <= figures[metric] <= 1.0, (name, metric)
        assert figures["documents"] == 5, name
        assert figures["index_bytes"] > 0, name
        assert figures["query_errors"] == 0, name
        assert figures["mrr@10"] >= 0.8, name  # every query names its document's rare words
    assert systems["searchkit"]["mrr@10"] == 1.0
    assert baseline_result["index_time_ratio"] > 0
    cost = baseline_result["analyzer"]
    assert cost["time_ratio"] > 0 and cost["size_ratio"] > 0 and cost["limit"] == 1.5
    # the verdict is taken on unrounded seconds: compare away from the boundary only (the
    # seconds of five tiny documents are a few milliseconds, rounded to one)
    if abs(cost["time_ratio"] - 1.5) > 0.05:
        assert cost["within_limit"] == (cost["time_ratio"] <= 1.5)


def test_table_lists_every_system(baseline_result: dict) -> None:
    table = format_retrieval_table(baseline_result)
    for label in ("Whoosh StandardAnalyzer", 'Whoosh LanguageAnalyzer("de")', "tantivy", "searchkit (operator=or)"):
        assert label in table
    assert "MRR@10" in table and "nDCG@10" in table and "R@100" in table
    assert "5 documents, 5 queries" in table
    assert "indexing time searchkit / " in table
    assert "analyzer alone" in table and "x time" in table
    lines = table.splitlines()
    assert lines.index(next(l for l in lines if l.startswith("searchkit"))) > lines.index(
        next(l for l in lines if l.startswith("tantivy"))
    )


SYNTAX_QUERIES = [
    "Wo liegt Passau?",
    "?",
    "Bayern AND Dortmund OR NOT Wien",
    '"Donau (Passau)" [Ufer] {x} title:Haus text:Boot',
    "Heizöl^2 ~ + - ! * \\ / < > = ' ` : & |",
    "U-Bahn-Linie 3.5 % € 1:3",
    "IN [a TO b]",
]


def _whoosh_standard() -> WhooshSystem:
    from whoosh.analysis import StandardAnalyzer

    return WhooshSystem("whoosh-standard", StandardAnalyzer)


def _whoosh_german() -> WhooshSystem:
    from whoosh.analysis import LanguageAnalyzer

    return WhooshSystem("whoosh-lang-de", lambda: LanguageAnalyzer("de"))


@pytest.mark.parametrize("make_system", [_whoosh_standard, _whoosh_german, TantivySystem])
def test_baselines_take_user_text_literally(tmp_path: Path, make_system) -> None:  # type: ignore[no-untyped-def]
    engine = make_system()
    docs = [EvalDocument(d["id"], d.get("title", ""), d["text"], n) for n, d in enumerate(DOCS, 1)]
    try:
        engine.build(docs, tmp_path / "index")
        for text in SYNTAX_QUERIES:
            engine.search(text, 10)
        assert engine.query_errors == 0
        # "Passau?" is the word Passau, not a wildcard for "Passau" plus one letter.
        assert engine.search("Wo liegt Passau?", 10)[0] == "hochwasser"
        assert engine.search("Bayern NOT Dortmund", 10)[0] == "fussball"
    finally:
        engine.close()


def test_tantivy_escaping() -> None:
    assert escape_tantivy("a?b (c) AND d") == r"a\?b \(c\) and d"
    assert tantivy_query_text("Wer ist's? Pro-Bowl NOT x_y") == "Wer ist s Pro Bowl not x y"


# -- command line ----------------------------------------------------------------------------------------
def test_cli_json(toy_set: tuple[Path, Path, Path]) -> None:
    from click.testing import CliRunner

    from searchkit.cli import main

    docs, queries, qrels = toy_set
    result = CliRunner().invoke(
        main, ["eval", "retrieval", "--docs", str(docs), "--queries", str(queries), "--qrels", str(qrels), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["systems"]["searchkit"]["mrr@10"] == 1.0


def test_cli_malformed_file_is_one_clear_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searchkit.cli import main

    docs, queries, qrels = write_set(tmp_path)
    docs.write_text('{"id": "a", "text": "Haus"}\nkein json\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["eval", "retrieval", "--docs", str(docs), "--queries", str(queries), "--qrels", str(qrels)]
    )
    assert result.exit_code == 1
    assert "docs.jsonl:2: not valid JSON" in result.output


# -- XQuAD (shared data) -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def xquad_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is not available (shared data lives beside the project)")
    out = tmp_path_factory.mktemp("xquad-eval")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_xquad_eval.py"), "--data", str(SHARED_DATA), "--out", str(out)],
        check=True,
    )
    return out


@pytest.mark.slow
@pytest.mark.data
def test_make_xquad_eval(xquad_set: Path) -> None:
    docs = read_documents(xquad_set / "docs.jsonl")
    queries = read_queries(xquad_set / "queries.tsv")
    qrels = read_qrels(xquad_set / "qrels.txt")
    ids = [d.id for d in docs]
    assert sum(i.startswith("xq-") for i in ids) == 240
    assert "xq-03-2" in ids and "xq-47-4" in ids
    assert sum(i.startswith("gnad-") for i in ids) == 1028
    assert sum(i.startswith("zg-") for i in ids) == 4395
    assert 5500 < len(docs) < 5700
    assert len(queries) == 1190 and set(qrels) == set(queries)
    assert all(len(judged) == 1 and next(iter(judged)).startswith("xq-") for judged in qrels.values())


@pytest.mark.slow
@pytest.mark.data
def test_xquad_keeps_its_figures(xquad_set: Path) -> None:
    """All 1,190 questions, searchkit alone, as docs/retrieval.md runs it (full pipeline, auto
    operator). A floor just below the documented figures (MRR@10 0.930, Recall@100 0.989): reading
    typographic quotes as strict syntax once took MRR@10 to 0.918 without a test noticing. A
    change that lowers them on purpose re-measures, updates docs/retrieval.md and this floor."""
    result = evaluate_retrieval(xquad_set / "docs.jsonl", xquad_set / "queries.tsv", xquad_set / "qrels.txt",
                                operator="auto", progress=False)
    figures = result["systems"]["searchkit"]
    assert result["queries"] == 1190
    assert figures["documents"] > 5500
    assert figures["mrr@10"] >= 0.925, figures
    assert figures["recall@100"] >= 0.985, figures


# -- News headlines and leads (shared data) ----------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.data
def test_news_set_keeps_its_figures(tmp_path: Path) -> None:
    """The whole news set, as docs/retrieval.md runs it (no enrichment). A floor just below the
    documented figures (MRR@10 0.745, Recall@100 0.930): a review's fix once took them to 0.735 /
    0.919 without a test noticing. A change that lowers them on purpose re-measures, updates
    docs/retrieval.md and this floor."""
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is not available (shared data lives beside the project)")
    out = tmp_path / "title-eval"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_title_eval.py"), "--data", str(SHARED_DATA), "--out", str(out)],
        check=True, capture_output=True,
    )
    result = evaluate_retrieval(out / "docs.jsonl", out / "queries.tsv", out / "qrels.txt", operator="auto",
                                progress=False, enrich=False)
    figures = result["systems"]["searchkit"]
    assert result["queries"] == 1958
    assert figures["mrr@10"] >= 0.74, figures
    assert figures["recall@100"] >= 0.925, figures


@pytest.mark.parametrize("script, folder", [("make_xquad_eval.py", "xquad-eval"), ("make_title_eval.py", "title-eval")])
def test_eval_set_scripts_name_the_folder_they_write_by_default(script: str, folder: str, tmp_path: Path) -> None:
    """Found by a review of the docs: ``--help`` said "default: build/xquad-eval/", read as a
    folder of the current one, but the scripts write into the project's ``build/`` wherever
    they are run from; the help names that folder."""
    import os

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--help"], cwd=tmp_path, capture_output=True, text=True,
        check=True, env={**os.environ, "COLUMNS": "1000"},
    )
    assert f"(default: {ROOT / 'build' / folder}, build/{folder}/ of the project folder" in result.stdout


@pytest.mark.slow  # numba compiles ranx's metrics anew: about 40 s
def test_scoring_does_not_print_numba_warnings_of_ranx(tmp_path: Path) -> None:
    """Found by a review of the docs: ``searchkit eval retrieval`` printed "NumbaTypeSafetyWarning:
    unsafe cast from uint64 to int64" and a line of ranx's source to stderr when numba compiled
    ranx's metrics (a cold cache: here a new ``NUMBA_CACHE_DIR``). The warning is ignored where
    the scores are computed, not in the whole process (``-W always`` still shows others)."""
    import os

    code = (
        "import warnings\n"
        "import ranx\n"  # (numba adds filters of its own on import)
        "from searchkit.evaluate.retrieval import score_run\n"
        "before = list(warnings.filters)\n"
        "print(score_run({'q1': {'a': 1, 'b': 2}, 'q2': {'c': 1}}, {'q1': ['b', 'x', 'a'], 'q2': ['y']}))\n"
        "assert list(warnings.filters) == before\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")},
    )
    assert result.returncode == 0, result.stderr
    assert "mrr@10" in result.stdout
    assert "NumbaTypeSafetyWarning" not in result.stderr
