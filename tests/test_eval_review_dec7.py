"""Findings of a review of ``searchkit eval …`` (Dec 7) on new inputs in the documented formats:
duplicate texts in the retrieval and similar-article sets, strict GermEval reading, date-set
errors with file and line, strict query and qrels files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit.errors import DateError, IngestError, QueryError

DOCS = [
    {"id": "hochwasser", "title": "Hochwasser in Passau", "text": "Die Donau ist in Passau über die Ufer getreten."},
    {"id": "haushalt", "title": "Bundestag beschließt Haushalt", "text": "Der Bundestag hat den Haushalt beschlossen."},
    {"id": "fussball", "title": "Bayern gewinnt in Dortmund", "text": "Der FC Bayern hat gegen Borussia Dortmund gewonnen."},
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _retrieval_set(folder: Path, docs: list[dict[str, str]], queries: str, qrels: str) -> tuple[Path, Path, Path]:
    docs_path = _write(folder / "docs.jsonl", "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    return docs_path, _write(folder / "queries.tsv", queries), _write(folder / "qrels.txt", qrels)


# -- 1. retrieval: a judged copy of another document's text ------------------------------------------
def test_a_judged_duplicate_counts_as_found_where_its_copy_is_found(tmp_path: Path) -> None:
    pytest.importorskip("ranx")
    from searchkit.evaluate.retrieval import evaluate_retrieval, format_retrieval_table

    copy = dict(DOCS[0], id="hochwasser-kopie")  # same title and text: Index.add skips it
    files = _retrieval_set(
        tmp_path, [*DOCS, copy], "q1\tWo ist die Donau über die Ufer getreten?\n", "q1 0 hochwasser-kopie 1\n"
    )
    result = evaluate_retrieval(*files, progress=False, enrich=False)
    assert result["systems"]["searchkit"]["mrr@10"] == 1.0  # was 0: the judged copy was never returned
    assert result["duplicates"] == 1 and result["systems"]["searchkit"]["duplicates"] == 1
    assert any("skipped 1 document" in note for note in result["notes"])
    assert "skipped 1 document" in format_retrieval_table(result)


def test_copies_take_the_rank_of_the_hit_most_relevant_first() -> None:
    from searchkit.evaluate.retrieval import SearchkitSystem

    system = SearchkitSystem()
    system.copies = {"a": ["a2", "a3"]}
    assert system.with_copies(["x", "a", "y"], {"a3": 1}, 100) == ["x", "a3", "a", "a2", "y"]
    assert system.with_copies(["x", "a", "y"], {}, 3) == ["x", "a", "a2"]


# -- 2. similar: labelled documents with the same text ---------------------------------------------------
def test_similar_skips_labelled_documents_the_index_does_not_hold(tmp_path: Path) -> None:
    from searchkit.evaluate.similar import evaluate_similar, format_similar_table

    texts = {
        "Sport": ["Der Trainer der Mannschaft lobt das Spiel.", "Die Mannschaft gewinnt das Spiel gegen den Verein."],
        "Wirtschaft": ["Die Aktie des Konzerns fällt an der Börse.", "Der Konzern meldet mehr Umsatz an der Börse."],
    }
    rows = [
        {"id": f"{label}-{n}", "title": f"{label} {n}", "text": text, "category": label}
        for label, items in texts.items() for n, text in enumerate(items)
    ]
    rows.append(dict(rows[0], id="dup-of-sport"))
    path = _write(tmp_path / "docs.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    result = evaluate_similar([path], k=2)  # was IngestError: no document with id 'dup-of-sport'
    assert result["documents"] == 4 and result["queries"] == 4 and result["skipped"] == 1
    assert "1 labelled document(s) not indexed" in format_similar_table(result)


# -- 3. entities: the GermEval reader --------------------------------------------------------------------
GERMEVAL = (
    "#\thttp://example.org/1\t[2024-03-01]\n1\tAngela\tB-PER\tO\n2\tMerkel\tI-PER\tO\n3\tspricht\tO\tO\n\n"
    "#\thttp://example.org/2\t[2024-03-01]\n1\tBerlin\tB-LOC\tO\n2\twächst\tO\tO\t\n"
)


def test_germeval_reader_reads_the_documented_layout(tmp_path: Path) -> None:
    from searchkit.entities.corpus import read_germeval

    sentences = read_germeval(_write(tmp_path / "g.tsv", GERMEVAL))  # the test set ends one line with a tab
    assert sentences == [(["Angela", "Merkel", "spricht"], ["B-PER", "I-PER", "O"]), (["Berlin", "wächst"], ["B-LOC", "O"])]


def test_a_comment_line_starts_a_sentence(tmp_path: Path) -> None:
    from searchkit.entities.corpus import read_germeval

    gold = _write(tmp_path / "g.tsv", GERMEVAL.replace("\n\n", "\n"))
    assert [len(tokens) for tokens, _ in read_germeval(gold)] == [3, 2]  # was one sentence of 5


@pytest.mark.parametrize(
    "line",
    [
        "1 Angela B-PER O",  # spaces: was dropped without a word
        "Angela\tNE\tB-PER",  # token/POS/NER: the POS column was read as tokens (F1 0, exit 0)
        "0\tAngela\tB-PER\tO",
        "1\tAngela",
        "1\tAngela\tB-PER\tO\tX",
    ],
)
def test_a_line_of_another_layout_is_an_error_naming_file_and_line(tmp_path: Path, line: str) -> None:
    from searchkit.entities.corpus import read_germeval

    gold = _write(tmp_path / "g.tsv", GERMEVAL.replace("2\tMerkel\tI-PER\tO", line))
    with pytest.raises(IngestError, match=r"g\.tsv:3: expected index<TAB>token<TAB>tag"):
        read_germeval(gold)


def test_gold_without_a_facet_span_is_an_error(tmp_path: Path) -> None:
    from searchkit.evaluate.entities import evaluate_entities

    gold = _write(tmp_path / "g.tsv", "#\tx\n1\tDer\tO\tO\n2\tCrown\tB-OTH\tO\n3\tfährt\tO\tO\n")
    with pytest.raises(IngestError, match="no PER, LOC or ORG span in the gold file"):
        evaluate_entities(gold)


def test_cli_entities_error_is_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searchkit.cli import main

    gold = _write(tmp_path / "g.tsv", "Angela\tNE\tB-PER\nMerkel\tNE\tI-PER\n")
    outcome = CliRunner().invoke(main, ["eval", "entities", "--gold", str(gold)])
    assert outcome.exit_code == 1
    assert f"Error: {gold}:1: expected index<TAB>token" in outcome.output


# -- 4. dates -----------------------------------------------------------------------------------------
HEADER = "kind\ttext\treference\texpected\n"


def test_a_date_file_with_only_the_header_is_an_error(tmp_path: Path) -> None:
    from searchkit.evaluate.dates import evaluate_dates

    path = _write(tmp_path / "d.tsv", HEADER)
    with pytest.raises(DateError, match=rf"no expressions in {path}"):
        evaluate_dates(path)


@pytest.mark.parametrize(
    "row",
    [
        "query\tAnfang 2019\t2025-06-18\t2019-13..2019-03",
        "query\tAnfang 2019\t2025-06-18\t2019-01",
        "query\tAnfang 2019\t18.06.2025\t2019-01..2019-03",
        "publication\tgestern\t2025-06-18\t2025-06-17;2025-06-18",
        "mentioned\tam 3. Mai\t2025-06-18\t2025-13-03",
    ],
)
def test_a_bad_value_in_a_date_row_names_file_and_line(tmp_path: Path, row: str) -> None:
    from searchkit.evaluate.dates import evaluate_dates

    path = _write(tmp_path / "d.tsv", HEADER + "query\tseit 2020\t2025-06-18\t2020-01-01..\n" + row + "\n")
    with pytest.raises(DateError, match=rf"^{path}:3: "):
        evaluate_dates(path)


def test_rates_too_fast_to_time_are_not_infinity() -> None:
    from searchkit.evaluate.dates import _rate, format_date_table

    assert _rate(3, 0.0) is None and _rate(3, 1.5) == 2.0
    result = {
        "path": "x", "total": 1, "correct": 1, "accuracy": 1.0, "seconds": 0.0, "expressions_per_second": None,
        "per_kind": {"query": {"total": 1, "correct": 1, "seconds": 0.0, "accuracy": 1.0, "expressions_per_second": None}},
        "failures": [],
    }
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert "overall" in format_date_table(result)


# -- 5. queries and qrels ----------------------------------------------------------------------------
def test_a_third_query_column_is_noted(tmp_path: Path) -> None:
    pytest.importorskip("ranx")
    from searchkit.evaluate.retrieval import evaluate_retrieval, format_retrieval_table

    files = _retrieval_set(
        tmp_path, DOCS, "q1\tWo ist die Donau über die Ufer getreten?\n q2\tWer gewann?\tsport\nq3\tHaushalt\t\n",
        "q1 0 hochwasser 1\nq2 0 fussball 1\nq3 0 haushalt 1\n",
    )
    result = evaluate_retrieval(*files, progress=False, enrich=False)
    assert [note for note in result["notes"] if "tab-separated" in note] == [
        f"{files[1]}: 1 line(s) have more than two tab-separated columns (first: line 2);"
        " the further columns were searched as part of the query text"
    ]  # an empty column at the end (q3) is no column
    assert "first: line 2" in format_retrieval_table(result)


@pytest.mark.parametrize(
    ("qrels", "error", "message"),
    [
        ("q1 0 hochwasser 1\nq1 0 unbekannt 1\n", IngestError, r"qrels\.txt:2: 1 judged document id"),
        ("q1 0 hochwasser 1\n\nq9 0 haushalt 1\n", QueryError, r"qrels\.txt:3: 1 judged query id"),
    ],
)
def test_unknown_ids_in_the_qrels_name_the_line(tmp_path: Path, qrels: str, error: type[Exception], message: str) -> None:
    from searchkit.evaluate.retrieval import evaluate_retrieval

    files = _retrieval_set(tmp_path, DOCS, "q1\tWo ist die Donau?\n", qrels)
    with pytest.raises(error, match=message):
        evaluate_retrieval(*files, progress=False, enrich=False)


def test_queries_without_a_relevant_document_are_named_so() -> None:
    from searchkit.evaluate.retrieval import format_retrieval_table

    result = {"systems": {}, "documents": 3, "queries": 1, "unjudged": 1, "notes": []}
    table = format_retrieval_table(result)
    assert "1 without a relevant document not run" in table and "without judgments" not in table
