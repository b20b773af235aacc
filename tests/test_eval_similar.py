"""``searchkit eval similar``: precision@k of a label among each article's similar articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit.cli import main
from searchkit.errors import IngestError
from searchkit.evaluate.similar import evaluate_similar, format_similar_table

from conftest import SHARED, require

SPORT = [
    "Der Trainer des Vereins tritt nach der Niederlage im Spiel zurück, die Mannschaft steht vor dem Abstieg.",
    "Im Spiel gegen den Tabellenführer schoss der Stürmer zwei Tore, der Trainer lobte die Mannschaft.",
    "Die Mannschaft gewann das Spiel, der Trainer sprach vom Abstiegskampf und vom nächsten Tor.",
    "Nach dem Abstieg sucht der Verein einen neuen Trainer für die Mannschaft und das erste Spiel.",
]
ECONOMY = [
    "Die Aktie des Konzerns fiel an der Börse, der Umsatz sank im Quartal deutlich.",
    "Der Konzern meldet mehr Umsatz, die Aktie stieg an der Börse nach dem Quartal.",
    "An der Börse legte die Aktie zu, der Konzern hob die Prognose für Umsatz und Gewinn.",
    "Der Gewinn des Konzerns brach ein, die Aktie verlor an der Börse, der Umsatz stagnierte.",
]


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    rows = [{"id": f"s{n}", "title": f"Sport {n}", "text": text, "category": "Sport"} for n, text in enumerate(SPORT)]
    rows += [{"id": f"w{n}", "title": f"Börse {n}", "text": text, "category": "Wirtschaft"} for n, text in enumerate(ECONOMY)]
    rows.append({"id": "x", "title": "Ohne Rubrik", "text": "Der Trainer kauft eine Aktie."})
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    return path


def test_two_clear_topics_give_full_precision(labelled: Path, engine: str) -> None:
    result = evaluate_similar([labelled], k=2, engine=engine)
    assert result["documents"] == 9 and result["labelled"] == result["queries"] == 8
    assert result["precision@2"] == 1.0  # each article's two nearest share its section
    assert result["chance"] == pytest.approx(24 / 56, abs=1e-4)  # 2 × 4·3 same-label pairs of 8·7
    assert result["labels"] == {"Sport": 4, "Wirtschaft": 4}
    assert "precision@2 of the label   1.0" in format_similar_table(result)


def test_limit_and_an_unknown_label(labelled: Path) -> None:
    assert evaluate_similar([labelled], k=1, limit=3)["queries"] == 3
    with pytest.raises(IngestError, match="no document .* has the label 'rubrik'"):
        evaluate_similar([labelled], label="rubrik")


def test_the_command_writes_json_and_fails_with_one_line(labelled: Path, tmp_path: Path) -> None:
    out = tmp_path / "similar.json"
    result = CliRunner().invoke(main, ["eval", "similar", str(labelled), "-k", "2", "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["precision@2"] == json.loads(out.read_text(encoding="utf-8"))["precision@2"] == 1.0
    bad = CliRunner().invoke(main, ["eval", "similar", str(labelled), "--label", "rubrik"])
    assert bad.exit_code == 1 and bad.output.startswith("Error: no document")


@pytest.mark.slow
def test_the_sections_of_10kgnad_are_far_above_chance() -> None:
    """The figure of docs/retrieval.md (0.669 for the 1,028 articles of 10kGNAD's test split,
    chance 0.127): a method that lost the topic would fall towards chance."""
    path = require(SHARED / "data" / "10kgnad" / "test.csv")
    result = evaluate_similar([path], limit=300)
    assert result["precision@5"] > 0.55 and result["chance"] < 0.2
