"""``searchkit eval spelling``: typos made the same way every time, and the counts they give."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from searchkit.errors import QueryError
from searchkit.evaluate.spelling import evaluate_spelling, format_spelling_table, make_typo, with_typo

# Words that several documents use (a question's word is replaced only by one that three use).
TOPICS = ["Bundestag", "Haushalt", "Hochwasser", "Straßenbahn", "Verkehr", "Regierung"]
DOCS = [
    {"id": f"d{n}", "text": f"Der Bericht {n} über {topic} und {TOPICS[(n + 1) % len(TOPICS)]} in Berlin."}
    for n, topic in enumerate(TOPICS * 3)
]
QUERIES = {
    "q1": "Was beschließt der Bundestag zum Haushalt in Berlin?",
    "q2": "Hochwasser Straßenbahn",
    "q3": "Wie geht es mit Verkehr und Regierung weiter?",
    "q4": "Wo",  # no word of six letters: searched as written only
}


@pytest.fixture(scope="module")
def toy_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("spelling")
    docs, queries = folder / "docs.jsonl", folder / "queries.tsv"
    docs.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8")
    queries.write_text("".join(f"{qid}\t{text}\n" for qid, text in QUERIES.items()), encoding="utf-8")
    return docs, queries


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=6, max_size=20), st.integers(0, 10**6))
def test_a_typo_is_one_edit_that_keeps_the_first_letter(word: str, seed: int) -> None:
    typo = make_typo(word, random.Random(seed))
    assert typo != word and OSA.distance(typo, word) == 1
    assert typo[0] == word[0]


def test_typos_are_the_same_for_the_same_seed() -> None:
    query = "Der Bundestag beschließt den Haushalt"
    first = [with_typo(query, random.Random(7)) for _ in range(3)]
    assert len(set(first)) == 1 and first[0] != query
    assert with_typo("Wo ist es", random.Random(7)) is None  # no word of six letters


def test_evaluation_counts_false_alarms_and_restored_typos(toy_set: tuple[Path, Path]) -> None:
    docs, queries = toy_set
    result = evaluate_spelling(docs, queries, seed=3, enrich=False, progress=False, examples=2)
    everything = result["all"]
    assert everything["queries"] == 4 and everything["with_typo"] == 3
    assert everything["false_alarms"] == 0  # the queries as written use the archive's words
    assert everything["restored"] + everything["other_suggestion"] + everything["no_suggestion"] == 3
    assert everything["restored"] >= 2  # one edit in a word that several documents use
    assert result["keywords"]["queries"] == 2 and result["natural_language"]["queries"] == 2
    assert 0 <= everything["restored_rate"] <= 1 and result["documents"] == len(DOCS)
    table = format_spelling_table(result)
    assert "| all | 4 |" in table


def test_no_queries_is_a_clear_error(toy_set: tuple[Path, Path], tmp_path: Path) -> None:
    empty = tmp_path / "queries.tsv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(QueryError, match="no queries"):
        evaluate_spelling(toy_set[0], empty, progress=False)


def test_cli_json_has_no_query_text_unless_asked(toy_set: tuple[Path, Path], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searchkit.cli import main

    docs, queries = toy_set
    output = tmp_path / "spelling.json"
    result = CliRunner().invoke(
        main, ["eval", "spelling", "--docs", str(docs), "--queries", str(queries), "--no-enrich", "--json",
               "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(output.read_text(encoding="utf-8"))
    assert data["all"]["with_typo"] == 3
    # a results file of a licensed query set must not quote its queries
    assert all(not data[kind]["examples"] for kind in ("keywords", "natural_language"))


def test_each_kind_of_example_has_its_own_share() -> None:
    from searchkit.evaluate.spelling import Tally, _keep_example

    tally = Tally()
    for n in range(5):  # wrong guesses come first and often
        _keep_example(tally, 2, {"query": f"q{n}", "typed": "x", "suggestion": "y", "kind": "other"})
    _keep_example(tally, 2, {"query": "q", "suggestion": "z", "kind": "false alarm"})
    kinds = [example["kind"] for example in tally.examples]
    assert kinds.count("other") == 2 and kinds.count("false alarm") == 1
