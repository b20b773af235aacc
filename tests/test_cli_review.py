"""Fixes of a user review of the CLI: inputs checked before an index is created, German facet
names for `entity`, `migrate` of a current index, selected filter values in the text output,
undated documents in the entity timeline, the formats in `index --help`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import main

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def small_feed(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / "feed.jsonl"
    rows = [
        {"id": "a", "title": "Hafen", "text": "Der Hafen von Kiel wird erweitert.", "date": "2025-03-04"},
        {"id": "b", "title": "Bahn", "text": "Die Bahn streikt in Berlin.", "date": "2024-05-01"},
    ]
    feed.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    return feed


def listing(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


# -- 1: the inputs are checked before an index is created ----------------------------------------
@pytest.mark.parametrize("strict", [True, False])
def test_a_missing_input_leaves_no_new_index_behind(tmp_path: Path, strict: bool) -> None:
    target = tmp_path / "new"
    result = run("index", str(tmp_path / "nonexistent.jsonl"), "--index", str(target), "--quiet",
                 *(["--strict"] if strict else []))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "nonexistent.jsonl: no such file or folder" in result.stderr
    assert not target.exists()
    # and `search` still says there is no index (it ran on an empty one)
    searched = run("search", "Hafen", "--index", str(target))
    assert searched.exit_code == 1 and "no index at" in searched.stderr


def test_a_missing_input_leaves_an_existing_index_untouched_also_with_rebuild(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    assert run("index", str(small_feed(tmp_path / "in")), "--index", str(index), "--quiet", "--no-enrich").exit_code == 0
    before = listing(index)
    for extra in (["--strict"], ["--rebuild"], ["--rebuild", "--strict"]):
        result = run("index", str(tmp_path / "typo.jsonl"), "--index", str(index), "--quiet", *extra)
        assert result.exit_code == 1 and result.stderr.startswith("Error: "), extra
        assert listing(index) == before, extra
    with Index(index) as opened:
        assert len(opened) == 2


def test_a_strict_failure_in_the_first_file_of_a_folder_creates_no_index(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "0-bad.jsonl").write_text("kaputt\n", encoding="utf-8")
    small_feed(folder)
    target = tmp_path / "new"
    result = run("index", str(folder), "--index", str(target), "--quiet", "--strict", "--no-enrich")
    assert result.exit_code == 1 and "0-bad.jsonl" in result.stderr
    assert not target.exists()


def test_without_strict_the_readable_inputs_are_indexed_and_the_missing_one_reported(tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = run("index", str(small_feed(tmp_path / "in")), str(tmp_path / "missing.csv"), "--index", str(target),
                 "--quiet", "--no-enrich")
    assert result.exit_code == 1
    assert "failed: " in result.stderr and "missing.csv: no such file or folder" in result.stderr
    with Index(target) as opened:
        assert len(opened) == 2


# -- 3: German facet names for `entity` -----------------------------------------------------------
def test_entity_takes_the_german_facet_names_in_any_case(demo_index_path: Path) -> None:
    index = str(demo_index_path)
    english = run("entity", "place", "Baku", "--index", index, "--json")
    assert english.exit_code == 0
    for name in ("ort", "Ort", "ORTE"):
        german = run("entity", name, "Baku", "--index", index, "--json")
        assert german.exit_code == 0, german.output
        assert json.loads(german.stdout) == json.loads(english.stdout)
    assert run("entity", "Personen", "Recep Tayyip Erdoğan", "--index", index).exit_code == 0
    wrong = run("entity", "jahr", "2020", "--index", index)
    assert wrong.exit_code == 2 and "'jahr' is not one of person, place, organisation" in wrong.stderr
    assert "in German also ort" in wrong.stderr


def test_facet_values_names_the_facet_also_when_asked_in_german(demo_index_path: Path) -> None:
    assert run("facet-values", "ort", "Zzzz", "--index", str(demo_index_path)).stdout == (
        "Kein Wert in „Orte“ enthält „Zzzz“.\n"
    )


# -- 4: `migrate` of an index that is current -----------------------------------------------------
def test_migrate_leaves_a_current_index_as_it_is(tmp_path: Path, engine: str) -> None:
    index = tmp_path / "idx"
    assert run("index", str(small_feed(tmp_path / "in")), "--index", str(index), "--quiet", "--no-enrich").exit_code == 0
    before = listing(index)
    for extra in ([], ["--engine", engine]):
        result = run("migrate", "--index", str(index), "--quiet", *extra)
        assert result.exit_code == 0, result.output
        assert "is already current" in result.stdout and "nothing to migrate" in result.stdout
        assert listing(index) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["idx", "in"]  # no copy beside it
    copied = run("migrate", "--index", str(index), "--to", str(tmp_path / "copy"), "--quiet")
    assert copied.exit_code == 0 and f"2 documents in {tmp_path / 'copy'}" in copied.stdout


# -- 5: selected filter values in the text output -------------------------------------------------
def test_search_shows_a_selected_value_outside_the_most_frequent(demo_index_path: Path) -> None:
    with Index(demo_index_path) as index:
        places = index.search("", filters={"place": ["Baku"]}, per_page=0).facet("place").results
    top = sorted(places, key=lambda v: -v.count)[:5]
    assert "Baku" not in {v.value for v in top}  # else the test shows nothing
    baku = next(v for v in places if v.value == "Baku")
    output = run("search", "", "--place", "Baku", "--index", str(demo_index_path)).stdout
    line = next(li for li in output.splitlines() if li.startswith("  Orte: "))
    assert f"Baku ({baku.count}, ausgewählt)" in line
    assert all(f"{v.label} ({v.count})" in line for v in top)


def test_search_without_hits_shows_every_selected_value(demo_index_path: Path) -> None:
    output = run("search", "Wahlkampf", "--ort", "Baku", "--year", "2019", "--month", "2019-03",
                 "--index", str(demo_index_path)).stdout
    assert output.startswith("0 Treffer")
    assert "  Orte: Baku (0, ausgewählt)\n" in output
    assert "  Jahr: 2019 (0, ausgewählt)\n" in output
    assert "  Monat: März 2019 (0, ausgewählt)\n" in output


# -- 6: undated documents in the entity timeline ---------------------------------------------------
@pytest.mark.parametrize(("facet", "name"), [("place", "Hamburg"), ("organisation", "Deutsche Bahn"),
                                             ("person", "Recep Tayyip Erdoğan")])
def test_the_entity_timeline_and_the_undated_add_up_to_the_count(demo_index_path: Path, facet: str, name: str) -> None:
    with Index(demo_index_path) as index:
        report = index.entity(facet, name)
        undated = index.search("", filters={facet: [name], "year": ["none"]}, per_page=0).total
    assert report.undated == undated
    assert sum(v.count for v in report.timeline) + report.undated == report.count
    assert [v.value for v in report.timeline] == sorted(v.value for v in report.timeline)
    data = json.loads(run("entity", facet, name, "--index", str(demo_index_path), "--json").stdout)
    assert data["undated"] == undated and sum(v["count"] for v in data["timeline"]) + undated == data["count"]
    text = run("entity", facet, name, "--index", str(demo_index_path)).stdout
    if undated:
        assert f"        ohne Datum {'█' * undated} {undated}\n" in text
    else:
        assert "ohne Datum" not in text


def test_hamburg_has_undated_and_year_only_documents(demo_index_path: Path) -> None:
    """The demo corpus holds both kinds (else the test above would show nothing)."""
    with Index(demo_index_path) as index:
        report = index.entity("place", "Hamburg")
    assert report.undated >= 1 and any(len(v.value) == 4 for v in report.timeline)


# -- 8: the formats in `index --help` --------------------------------------------------------------
def test_index_help_names_every_format_the_ingest_reads() -> None:
    from searchkit.ingest import READERS

    text = " ".join(run("index", "--help").stdout.split())
    missing = [suffix for suffix in READERS if suffix not in text]
    assert not missing
    assert "RSS/Atom" in text


def test_inputs_that_hold_no_document_leave_the_index_as_it_is(tmp_path: Path) -> None:
    """Found by a review: files that exist but yield nothing (all lines bad, an empty folder)
    still rebuilt the index, emptying it, or created an empty one."""
    index = tmp_path / "idx"
    assert run("index", str(small_feed(tmp_path / "in")), "--index", str(index), "--quiet", "--no-enrich").exit_code == 0
    before = listing(index)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("kaputt\n", encoding="utf-8")
    empty = tmp_path / "leer"
    empty.mkdir()
    result = run("index", str(bad), "--index", str(index), "--quiet", "--rebuild")
    assert result.exit_code == 1 and "nothing to index" in result.stderr and "bad.jsonl" in result.stderr
    result = run("index", str(empty), "--index", str(index), "--quiet", "--rebuild")
    assert result.exit_code == 0 and "nothing to index" in result.stderr
    assert f"{index} left as it is" in result.stderr
    assert listing(index) == before
    with Index(index) as opened:
        assert len(opened) == 2
    fresh = tmp_path / "new"
    assert run("index", str(bad), "--index", str(fresh), "--quiet").exit_code == 1
    assert not fresh.exists()
    as_json = run("index", str(empty), "--index", str(index), "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["documents"] == 2


def test_an_empty_folder_for_a_new_index_says_that_no_index_was_created(tmp_path: Path) -> None:
    """Found by a review of the docs: ``searchkit index EMPTY_DIR --index NEW`` said "… NEW left
    as it is" of a folder that never existed; it says that no index was created there."""
    empty = tmp_path / "leer"
    empty.mkdir()
    fresh = tmp_path / "new"
    result = run("index", str(empty), "--index", str(fresh), "--quiet")
    assert result.exit_code == 0 and "nothing to index" in result.stderr
    assert f"no index created at {fresh}" in result.stderr and "left as it is" not in result.stderr
    assert not fresh.exists()
