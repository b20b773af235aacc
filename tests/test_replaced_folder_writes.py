"""Writes of an open ``Index`` whose folder another process replaced (an in-place ``migrate``,
``index --rebuild``): found by a review that replayed a newsroom's life against a running
server and compared it with an index built fresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import Document, Index
from searchkit.cli import main

pytestmark = pytest.mark.usefixtures("engine")


def _doc(doc_id: str, title: str, body: str) -> Document:
    return Document(id=doc_id, title=title, body=body)


@pytest.mark.parametrize("target", ["whoosh", "tantivy"])
def test_a_write_after_an_in_place_migration_goes_to_the_migrated_index(tmp_path: Path, engine: str, target: str) -> None:
    """The server's first request after ``searchkit migrate`` was a write: it used the old
    engine's writer (Whoosh → tantivy: 500 "Index 'MAIN' does not exist"; tantivy → Whoosh: 423
    "locked by another writer" after 12 s) until a read reopened the folder."""
    pytest.importorskip("tantivy", reason='the tantivy engine needs pip install "searchkit[fast]"')
    if target == engine:
        pytest.skip("a migration to the index's own engine leaves it as it is")
    path = tmp_path / "index"
    Index(path, create=True).add([_doc("a", "Hafen", "Der alte Hafen von Hamburg.")])
    server = Index(path)
    assert server.search("Hafen").total == 1
    migrated = CliRunner().invoke(main, ["migrate", "--index", str(path), "--engine", target, "--quiet"])
    assert migrated.exit_code == 0, migrated.output
    report = server.add([_doc("b", "Werft", "Die neue Werft an der Elbe.")])
    assert report.added == 1 and not report.failed
    assert server.engine_name == target
    fresh = Index(path)
    assert fresh.engine_name == target and sorted(d.id for d in fresh.documents()) == ["a", "b"]
    assert fresh.search("Werft").total == 1


def test_a_write_after_a_rebuild_starts_from_the_rebuilt_index_spelling_list(tmp_path: Path) -> None:
    """A rebuilt index counts its generations from the start again. When it reached the
    generation the server had last written, the server's next commit started from the replaced
    index's spelling list and saved it: "Theatr" got no "Meinten Sie: Theater" (also after
    ``optimize``), while an index built fresh from the same documents offered it."""
    path = tmp_path / "index"
    runner = CliRunner()
    Index(path, create=True).add([_doc("x1", "Quarkstrudelfabrikant", "Der Quarkstrudelfabrikant aus Dresden."),
                                  _doc("x2", "Hamburg", "Hamburg und Bremen an der Küste.")])
    server = Index(path)
    server.add([_doc("p1", "Landtag", "Der Landtag in Dresden tagte lange."),
                _doc("p2", "Elbe", "Die Elbe führt Hochwasser.")])  # (a generation a rebuild reaches on tantivy too)
    written = server.generation()
    lines = ['{"id": "y1", "title": "Verein", "text": "Der Verein gewann das Spiel im Stadion."}',
             '{"id": "y2", "title": "Theater", "text": "Das Theater zeigte ein neues Stück."}']
    lines += [f'{{"id": "y{n}", "title": "Bericht {n}", "text": "Der Bericht Nummer {n} erschien."}}' for n in range(3, 12)]
    rebuilt_docs = tmp_path / "y.jsonl"
    options = ["--index", str(path), "--rebuild", "--no-enrich", "--quiet", "--no-optimize", "--batch-size", "1"]
    for count in range(2, len(lines) + 1):  # as many batches as bring the rebuilt index to that generation
        rebuilt_docs.write_text("\n".join(lines[:count]) + "\n", encoding="utf-8")
        rebuilt = runner.invoke(main, ["index", str(rebuilt_docs), *options])
        assert rebuilt.exit_code == 0, rebuilt.output
        if Index(path).generation() >= written:
            break
    assert Index(path).generation() == written
    server.add([_doc("z1", "Landtag", "Der Landtag in Kiel beriet den Haushalt.")])
    words = set(Index(path).spelling().words)
    assert {"theater", "spiel"} <= words
    assert "quarkstrudelfabrikant" not in words
    assert Index(path).search("Theatr").suggestion is not None


@pytest.mark.parametrize("target", ["whoosh", "tantivy"])
def test_a_write_waiting_for_the_lock_during_an_in_place_migration_goes_to_the_migrated_index(
    tmp_path: Path, engine: str, target: str
) -> None:
    """A write that arrived while ``migrate`` held the lock and swapped the folder got the lock
    through the old engine (Whoosh → tantivy: "Index 'MAIN' does not exist" after 1 s;
    tantivy → Whoosh: "locked by another writer" when its wait ran out). Found by a review
    of the first fix, which checked the folder only before waiting. The steps are those of
    ``searchkit migrate`` (``cli.migrate_command``), with the write in a server's thread."""
    import shutil
    import threading
    import time

    pytest.importorskip("tantivy", reason='the tantivy engine needs pip install "searchkit[fast]"')
    if target == engine:
        pytest.skip("a migration to the index's own engine leaves it as it is")
    path = tmp_path / "index"
    Index(path, create=True).add([_doc("a", "Hafen", "Der alte Hafen von Hamburg.")])
    server = Index(path, lock_timeout=4)
    assert server.search("Hafen").total == 1
    source = Index(path, for_copy=True)
    outcome: dict[str, object] = {}

    def write() -> None:
        try:
            outcome["report"] = server.add([_doc("b", "Werft", "Die neue Werft an der Elbe.")])
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome["error"] = error

    copy_path, old = tmp_path / f"index.{target}-migrating", tmp_path / "index.migrated"
    with source.write_lock():
        writing = threading.Thread(target=write)
        writing.start()
        time.sleep(0.5)  # the write waits for the lock the migration holds
        source.migrate(copy_path, engine=target).close()
        path.rename(old)
        copy_path.rename(path)
    source.close()
    shutil.rmtree(old)
    writing.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["report"].added == 1
    fresh = Index(path)
    assert fresh.engine_name == target and sorted(d.id for d in fresh.documents()) == ["a", "b"]
