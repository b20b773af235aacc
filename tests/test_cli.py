"""The `searchkit` command, run in-process with click's runner and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit.cli import main

from conftest import set_schema_version

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")


def run(*args: str, env: dict | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_index_search_info_export_roundtrip(tmp_path: Path, seeds: Path) -> None:
    index = str(tmp_path / "idx")
    result = run("index", str(seeds), "--index", index, "--quiet")
    assert result.exit_code == 0, result.output
    assert "added 2" in result.output
    again = run("index", str(seeds), "--index", index, "--quiet")
    assert "added 0, updated 0, skipped 2" in again.output

    found = run("search", "Erdogan", "--index", index, "--json")
    data = json.loads(found.output)
    assert data["total"] == 2 and {f["name"] for f in data["facets"]} >= {"year", "month", "person", "place"}

    text = run("search", "Israels", "--index", index)
    assert "1 Treffer" in text.output and "000_079276a2251994fb" in text.output
    dated = run("search", "Erdogan", "--index", index, "--from", "2025-03", "--to", "2025-04")
    assert "Zeitraum: März 2025 – April 2025" in dated.output  # was a raw dict (found by a review)

    info = json.loads(run("info", "--index", index, "--json").output)
    assert info["documents"] == 2
    assert info["date_range"] == {"first": "2025-04", "last": "2025-07"}

    export = tmp_path / "export.jsonl"
    assert run("export", "--index", index, "-o", str(export)).exit_code == 0
    rows = [json.loads(line) for line in export.read_text().splitlines()]
    assert {r["id"] for r in rows} == {"000_079276a2251994fb", "002_0c2c8b6c778a55f0"}
    copy = str(tmp_path / "copy")
    assert run("index", str(export), "--index", copy, "--quiet", "--no-enrich").exit_code == 0
    assert json.loads(run("search", "--index", copy, "--json").output)["facets"] == data_facets(index)


def data_facets(index: str) -> list:
    return json.loads(run("search", "--index", index, "--json").output)["facets"]


def test_index_env_variable(tmp_path: Path, seeds: Path) -> None:
    env = {"SEARCHKIT_INDEX": str(tmp_path / "envidx")}
    assert run("index", str(seeds), "--quiet", env=env).exit_code == 0
    assert (tmp_path / "envidx" / "searchkit.json").exists()
    assert "2 documents" in run("info", env=env).output


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    missing = run("search", "x", "--index", str(tmp_path / "none"))
    assert missing.exit_code == 1 and missing.output.startswith("Error: no index at")
    bad_file = tmp_path / "bad.txt"
    bad_file.write_bytes(b"\x00\x00\x00")
    result = run("index", str(bad_file), "--index", str(tmp_path / "i"), "--quiet")
    assert result.exit_code == 1 and "binary" in result.output


def test_filters_and_sort_flags(tmp_path: Path, seeds: Path) -> None:
    index = str(tmp_path / "idx")
    run("index", str(seeds), "--index", index, "--quiet")
    data = json.loads(run("search", "Türkei", "--index", index, "--month", "2025-07", "--json").output)
    assert [h["id"] for h in data["hits"]] == ["002_0c2c8b6c778a55f0"]
    data = json.loads(run("search", "--index", index, "--sort", "date_asc", "--json").output)
    assert [h["published"] for h in data["hits"]] == ["2025-04", "2025-07"]
    bad = run("search", "x", "--index", index, "--from", "31.02.2025")
    assert bad.exit_code == 1 and bad.output.startswith("Error:")


def test_console_script_runs(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "searchkit.cli", "--help"], capture_output=True, text=True, check=True)
    for command in ("index", "search", "serve", "demo", "info", "export"):
        assert command in out.stdout


def closed_early(args: list[str], *, lines_read: int) -> tuple[int, str]:
    """Run ``searchkit ARGS`` in a real process whose stdout pipe the reader closes after
    ``lines_read`` lines, as ``| head -N`` does; the exit status and everything on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "searchkit.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    for _ in range(lines_read):
        assert process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    return process.wait(timeout=120), stderr


def test_a_closed_stdout_ends_the_command_quietly(demo_index_path: Path) -> None:
    # found by a review: `searchkit search … | head -1` printed "Error: [Errno 32] Broken pipe"
    index = str(demo_index_path)
    # closed before the first write: the search's first line already meets no reader
    status, stderr = closed_early(["search", "Berlin", "--index", index], lines_read=0)
    assert (status, stderr) == (141, "")
    # the export (about 120 kB of the demo corpus) outgrows the pipe while the reader is gone
    status, stderr = closed_early(["export", "--index", index], lines_read=1)
    assert (status, stderr) == (141, "")
    # a reader that reads everything sees no difference
    whole = subprocess.run([sys.executable, "-m", "searchkit.cli", "export", "--index", index], capture_output=True, check=False)
    assert whole.returncode == 0 and whole.stderr == b"" and whole.stdout.count(b"\n") >= 40


def test_dropped_dates_are_reported_with_their_document(tmp_path: Path) -> None:
    # found by a review: a file's impossible date was one bare log line naming no document
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "sturm-1", "title": "Sturm", "text": "Der Wetterdienst warnt vor Sturm an der Nordseeküste.", "date": "2025-02-29"},
        {"id": "regen-1", "title": "Regen", "text": "In Hamburg regnet es seit Tagen.", "date": "2025-03-01"},
    ]
    feed.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    command = [sys.executable, "-m", "searchkit.cli", "index", str(feed), "--quiet", "--no-enrich"]
    text = subprocess.run([*command, "--index", str(tmp_path / "a")], capture_output=True, text=True, check=False)
    assert text.returncode == 0 and text.stdout.startswith("added 2,")  # indexed, undated
    assert text.stderr.splitlines() == [
        "  date dropped: sturm-1: not a valid calendar date: '2025-02-29' (indexed without a date)"
    ]
    report = json.loads(run("index", str(feed), "--index", str(tmp_path / "b"), "--quiet", "--no-enrich", "--json").stdout)
    assert report["dropped_dates"] == [{"id": "sturm-1", "warning": "not a valid calendar date: '2025-02-29'"}]
    stored = json.loads(run("get", "sturm-1", "--index", str(tmp_path / "b")).stdout)
    assert stored["published"] is None


def test_a_bound_that_cannot_be_read_is_one_error_line(tmp_path: Path, seeds: Path) -> None:
    index = str(tmp_path / "idx")
    run("index", str(seeds), "--index", index, "--quiet")
    command = [sys.executable, "-m", "searchkit.cli", "search", "x", "--index", index, "--from", "04/03/2025"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    # not also "ambiguous date '04/03/2025' … ignored" from the log: the error says it is not read
    assert result.returncode == 1 and result.stderr.startswith("Error: date not recognised: '04/03/2025'")
    assert len(result.stderr.splitlines()) == 1


def test_demo_builds_the_shipped_corpus(tmp_path: Path) -> None:
    result = run("demo", "--index", str(tmp_path / "demo"), "--no-serve")
    assert result.exit_code == 0, result.output
    info = json.loads(run("info", "--index", str(tmp_path / "demo"), "--json").output)
    assert info["documents"] >= 40


def test_search_offers_a_spelling_suggestion(tmp_path: Path) -> None:
    index = str(tmp_path / "demo")
    assert run("demo", "--index", index, "--no-serve").exit_code == 0
    text = run("search", "Bundesregirung", "--index", index)
    assert text.exit_code == 0
    assert "0 Treffer" in text.output and "Meinten Sie: Bundesregierung?" in text.output
    assert "Meinten Sie" not in run("search", "Bundesregierung", "--index", index).output
    # a question keeps its one question mark
    assert "Meinten Sie: Was plant die Bundesregierung?\n" in run("search", "Was plant die Bundesregirung?", "--index", index).output
    # German operator words are searched as words; the reading with operators is offered
    oder = run("search", "Gas ODER Öl", "--index", index).output
    assert "Als Suchoperatoren lesen: „Gas OR Öl“" in oder
    assert "Als Suchoperatoren lesen" not in run("search", "Gas OR Öl", "--index", index).output


def test_bad_numbers_and_paths_are_one_line_errors(tmp_path: Path, seeds: Path) -> None:
    # found by an exploratory review: each of these printed a traceback or indexed nothing
    index = str(tmp_path / "idx")
    for size in ("0", "-1"):
        result = run("index", str(seeds), "--index", index, "--quiet", "--batch-size", size)
        assert result.exit_code == 2 and "--batch-size" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "idx").exists()  # nothing half-built
    assert run("index", str(seeds), "--index", index, "--quiet", "--workers", "0").exit_code == 2
    assert run("serve", "--index", index, "--port", "99999").exit_code == 2
    assert run("index", str(seeds), "--index", index, "--quiet").exit_code == 0

    export = run("export", "--index", index, "-o", str(tmp_path / "no" / "such" / "out.jsonl"))
    assert export.exit_code == 1 and export.output.startswith("Error:") and "No such file" in export.output
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    report = run("eval", "dates", "--output", str(a_file / "x.json"))
    # refused before the evaluation runs (it failed only after it), no folder made unasked
    assert report.exit_code == 2 and "does not exist" in report.output and "overall" not in report.output
    missing = run("eval", "dates", "--output", str(tmp_path / "no" / "x.json"))
    assert missing.exit_code == 2 and not (tmp_path / "no").exists()
    binary = tmp_path / "gold.tsv"
    binary.write_bytes(b"\xff\xfe\x00junk\n")
    gold = run("eval", "entities", "--gold", str(binary))
    assert gold.exit_code == 1 and "not UTF-8 text" in gold.output


def test_delete_is_all_or_nothing(tmp_path: Path, seeds: Path) -> None:
    index = str(tmp_path / "idx")
    run("index", str(seeds), "--index", index, "--quiet")
    ids = ["000_079276a2251994fb", "002_0c2c8b6c778a55f0"]
    partial = run("delete", ids[0], "nonexist", ids[1], "--index", index)
    assert partial.exit_code == 1
    assert partial.output.strip() == "Error: no document with id 'nonexist'; nothing deleted"
    assert "2 documents" in run("info", "--index", index).output
    both = run("delete", ids[0], ids[1], ids[0], "--index", index)
    assert both.exit_code == 0 and "deleted 2 — 0 documents left" in both.output


def test_a_bad_dask_address_is_a_clear_error(tmp_path: Path, seeds: Path) -> None:
    pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    result = run("index", str(seeds), "--index", str(tmp_path / "idx"), "--quiet", "--dask", "notanaddress")
    assert result.exit_code == 1
    assert "Error: cannot use the Dask scheduler 'notanaddress'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "idx").exists()  # no empty index left behind (a review)


def test_a_port_that_is_no_dask_scheduler_is_a_clear_error_in_time(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: the dashboard's port (8787, one digit off the scheduler's) accepts
    connections and never answers as a scheduler: the command hung for ever; an empty address
    indexed locally without a word."""
    import socket
    import threading
    import time

    pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    from searchkit import pipeline

    monkeypatch.setattr(pipeline, "CONNECT_TIMEOUT", 1)
    monkeypatch.setattr(pipeline, "HANDSHAKE_GRACE", 1)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(server.accept()[0]), daemon=True).start()
    started = time.monotonic()
    result = run("index", str(seeds), "--index", str(tmp_path / "idx"), "--quiet",
                 "--dask", f"tcp://127.0.0.1:{server.getsockname()[1]}")
    assert result.exit_code == 1 and "Error: cannot use the Dask scheduler" in result.output, result.output
    assert time.monotonic() - started < 30 and "Traceback" not in result.output
    assert not (tmp_path / "idx").exists()
    server.close()
    empty = run("index", str(seeds), "--index", str(tmp_path / "idx2"), "--quiet", "--dask", "")
    assert empty.exit_code != 0 and "address" in empty.output


def test_a_bad_dask_address_leaves_an_existing_index_as_it_was(tmp_path: Path, seeds: Path) -> None:
    pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    index = tmp_path / "idx"
    assert run("index", str(seeds), "--index", str(index), "--quiet", "--no-enrich").exit_code == 0
    result = run("index", str(seeds), "--index", str(index), "--quiet", "--dask", "notanaddress")
    assert result.exit_code == 1
    from searchkit import Index

    assert len(Index(index)) == 2
    # --rebuild too: the scheduler is reached before the index is touched (it emptied it, a review)
    rebuilt = run("index", str(seeds), "--index", str(index), "--quiet", "--rebuild", "--dask", "notanaddress")
    assert rebuilt.exit_code == 1 and "Error: cannot use the Dask scheduler" in rebuilt.output
    assert len(Index(index)) == 2


def test_files_of_unknown_formats_in_a_folder_are_named(tmp_path: Path) -> None:
    """A folder of .json arrays said only "nothing to index" (found by a review)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "array.json").write_text('[{"id": "a", "text": "Hallo"}]', encoding="utf-8")
    (folder / "tabs.tsv").write_text("id\ttext\n1\tHallo\n", encoding="utf-8")
    (folder / "notes.md").write_text("# Notizen", encoding="utf-8")
    nothing = run("index", str(folder), "--index", str(tmp_path / "idx"), "--quiet")
    assert nothing.exit_code == 0 and "nothing to index" in nothing.output
    assert "left out 3 file(s) of unknown formats (.json 1, .md 1, .tsv 1); searchkit reads" in nothing.output
    (folder / "a.txt").write_text(" date 2025-04\nTitel\nEin Text.\n", encoding="utf-8")
    some = run("index", str(folder), "--index", str(tmp_path / "idx"), "--no-enrich")
    assert some.exit_code == 0 and "left out 3 file(s)" in some.output
    assert "left out" not in run("index", str(folder), "--index", str(tmp_path / "idx"), "--quiet").output
    as_json = run("index", str(folder), "--index", str(tmp_path / "idx"), "--json")
    assert json.loads(as_json.stdout)["unknown_formats"] == {".json": 1, ".md": 1, ".tsv": 1}


def test_a_bulk_import_is_merged_into_one_segment(tmp_path: Path) -> None:
    """Several batches that make up most of the index are merged afterwards (a bulk import of
    5,190 articles left 11 segments and twice the query time); a few files added to a larger
    index are not (that would rewrite all of it); --no-optimize / --optimize decide."""
    from searchkit import Index

    def articles(name: str, count: int) -> Path:
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(
            json.dumps({"id": f"{name}-{i}", "title": f"Artikel {name} {i}", "text": f"Text {name} Nummer {i} über Wien."}) + "\n"
            for i in range(count)
        ), encoding="utf-8")
        return path

    bulk = str(tmp_path / "bulk")
    assert run("index", str(articles("a", 12)), "--index", bulk, "--batch-size", "4", "--no-enrich", "--quiet").exit_code == 0
    assert Index(bulk).segment_count() == 1 and len(Index(bulk)) == 12
    assert run("index", str(articles("b", 2)), "--index", bulk, "--batch-size", "4", "--no-enrich", "--quiet").exit_code == 0
    kept = Index(bulk)
    assert len(kept) == 14
    if kept.engine_name == "whoosh":  # tantivy merges segments by its own policy
        assert kept.segment_count() == 2
    assert run("index", str(articles("c", 1)), "--index", bulk, "--optimize", "--no-enrich", "--quiet").exit_code == 0
    assert Index(bulk).segment_count() == 1

    apart = str(tmp_path / "apart")
    assert run("index", str(articles("a", 12)), "--index", apart, "--batch-size", "4", "--no-enrich", "--no-optimize",
               "--quiet").exit_code == 0
    if Index(apart).engine_name == "whoosh":
        assert Index(apart).segment_count() == 3


def test_an_evaluation_without_its_packages_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Found by a review: without the [eval] extra, eval entities ended in a traceback and eval
    retrieval only after indexing and querying everything. (Packages removed by a patch: a
    fault this test environment, which has them, cannot cause otherwise.)"""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name in ("ranx", "seqeval") else real(name, *args))
    gold = tmp_path / "gold.tsv"
    gold.write_text("1\tPeter\tB-PER\tO\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "entities", "--gold", str(gold)])
    assert result.exit_code == 1 and result.output.strip() == 'Error: seqeval not installed: pip install "searchkit[eval]"'
    for name in ("docs.jsonl", "queries.tsv", "qrels.txt"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "retrieval", "--docs", str(tmp_path / "docs.jsonl"),
                                       "--queries", str(tmp_path / "queries.tsv"), "--qrels", str(tmp_path / "qrels.txt")])
    assert result.exit_code == 1 and "ranx not installed" in result.output


def test_index_reports_a_broken_link_and_a_named_pipe_and_never_waits_on_the_pipe(tmp_path: Path) -> None:
    """A real subprocess, so that a hang (opening the pipe waits for a writer forever) fails the
    test after its timeout instead of stopping the run: each bad file is one "failed:" line with
    its reason, the good file is indexed, hidden entries say nothing, the exit status is 1."""
    import os

    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "ok.txt").write_text(" date 2025-04 x\nTitel\nText über Baku.\n", encoding="utf-8")
    os.symlink("missing.txt", folder / "sub" / "broken.txt")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("gone.txt", folder / ".hidden.txt")
    index = str(tmp_path / "idx")

    def index_command(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "searchkit.cli", "index", str(path), "--index", index,
                               "--quiet", "--no-enrich"], capture_output=True, text=True, timeout=60)

    result = index_command(folder)
    assert result.returncode == 1 and "added 1," in result.stdout and "failed 2" in result.stdout
    assert sorted(line for line in result.stderr.splitlines() if line.startswith("  failed:")) == [
        f"  failed: {folder / 'pipe.txt'}: not a regular file (a named pipe)",
        f"  failed: {folder / 'sub' / 'broken.txt'}: broken symbolic link (its target missing.txt does not exist)",
    ], result.stderr
    assert "hidden" not in result.stderr
    named = index_command(folder / "pipe.txt")  # named directly: a clear error, not a hang
    assert named.returncode == 1 and "not a regular file (a named pipe)" in named.stderr


#: What ``searchkit index`` prints on Ctrl-C, and all it prints with ``--quiet``.
INTERRUPTED_LINE = "Interrupted: the index keeps its last commit."


def _interrupted_index(
    tmp_path: Path, *options: str, stop: str = "SIGINT", after_commit: bool = True
) -> tuple[int, str, Path]:
    """``searchkit index`` over 20,000 generated articles in batches of 50, stopped with Ctrl-C
    (or with the signal ``stop``) two seconds after its first batch was committed, or, without
    ``after_commit``, four seconds after it created the index: (exit status, stderr, index
    folder). (A fixed four seconds had come before the first commit on a loaded machine: an
    import stopped then rightly leaves no index, and the test failed to open one.)

    SIGINT goes to the command's whole process group, as a terminal's Ctrl-C does: pool workers
    and Whoosh's writer processes get it too. Signalling only the parent did not show their
    tracebacks (checked against the code before the fix: exit 1 and "Aborted!", no worker
    traceback), so it could not tell whether the workers ignore Ctrl-C."""
    import os
    import random
    import signal
    import time

    rng = random.Random(5)
    words = ["Olaf Scholz", "traf", "in", "Berlin", "Vertreter", "der", "Europäischen Union", "am", "Montag",
             "Haushalt", "Bundestag", "beschloss", "Hochwasser", "Passau", "Ankara", "Gipfel", "Wien", "Regierung"]
    corpus = tmp_path / "many.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for n in range(20_000):
            text = " ".join(rng.choice(words) for _ in range(60)) + f" Nummer {n}."
            out.write(json.dumps({"id": f"a{n}", "title": f"Bericht {n}", "text": text}, ensure_ascii=False) + "\n")
    folder = tmp_path / "index"
    # A process started in the background of a shell without job control (``pytest &``, nohup)
    # inherits SIGINT as ignored, and so would the command: it would then rightly run on. The
    # command starts as from a terminal instead: a handled signal is reset to the default by exec.
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(folder),
             "--batch-size", "50", "--quiet", *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # its own process group: the signal below reaches it and its workers only
        )
    finally:
        signal.signal(signal.SIGINT, inherited)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None and not _committed(folder, after_commit):
            time.sleep(0.1)
        time.sleep(2.0 if after_commit else 4.0)
        assert process.poll() is None, f"the import ended before it could be interrupted: {process.communicate()}"
        os.killpg(process.pid, getattr(signal, stop))
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # a hang fails the test instead of leaving processes behind
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode, stderr, folder


def _committed(folder: Path, after_commit: bool) -> bool:
    """Whether the import's index exists and, with ``after_commit``, holds a committed batch."""
    from searchkit import Index

    if not folder.exists() or not after_commit:
        return folder.exists()
    try:
        return len(Index(folder)) > 0
    except Exception:  # noqa: BLE001 - (being created or renamed into place)
        return False


def _assert_interrupted_cleanly(status: int, stderr: str, folder: Path, expected_status: int = 130) -> None:
    """Status 130, the one line and nothing else (no worker traceback, no Dask log), and an
    index that opens with whole batches: the first ``count`` articles, in input order."""
    from searchkit import DocumentNotFoundError, Index

    assert status == expected_status, stderr
    assert stderr.strip() == INTERRUPTED_LINE, stderr
    index = Index(folder)
    count = len(index)
    assert count % 50 == 0, count  # whole batches, as committed
    if count:
        assert index.get(f"a{count - 1}").title == f"Bericht {count - 1}"
    with pytest.raises(DocumentNotFoundError):
        index.get(f"a{count}")  # nothing of the interrupted batch


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_ends_an_import_with_one_line_and_status_130(tmp_path: Path, workers: str) -> None:
    """Found by a review: with --workers 2 every worker process printed a traceback, and the
    command exited 1 (click's "Aborted!")."""
    _assert_interrupted_cleanly(*_interrupted_index(tmp_path, "--workers", workers))


@pytest.mark.slow
def test_ctrl_c_with_a_dask_cluster_ends_with_one_line_and_status_130(tmp_path: Path) -> None:
    """The client logged dozens of "Task exception was never retrieved" and exited 1. The cluster
    runs in this process (another process group), as a real scheduler runs elsewhere."""
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is the 'dask' extra")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", dashboard_address=None
    ) as cluster:
        _assert_interrupted_cleanly(*_interrupted_index(tmp_path, "--dask", cluster.scheduler_address))


def test_facet_values_count_within_a_search(demo_index_path: Path) -> None:
    index = str(demo_index_path)
    everywhere = json.loads(run("facet-values", "person", "--index", index, "--limit", "100", "--json").output)
    within = json.loads(run("facet-values", "person", "--index", index, "--limit", "100", "--json",
                            "--query", "Baku", "--place", "Baku").output)
    searched = json.loads(run("search", "Baku", "--place", "Baku", "--index", index, "--json").output)
    people = next(f for f in searched["facets"] if f["name"] == "person")["results"]
    assert within and {v["label"]: v["count"] for v in within} == {r["label"]: r["count"] for r in people}
    assert sum(v["count"] for v in everywhere) > sum(v["count"] for v in within)
    by_surname = json.loads(run("facet-values", "person", "Merz Friedrich", "--index", index, "--json").output)
    assert [v["label"] for v in by_surname] == ["Friedrich Merz"]
    assert run("facet-values", "person", "--index", index, "--from", "2025-13").exit_code == 1


def test_filters_take_the_german_names_of_the_query_language(demo_index_path: Path) -> None:
    """``--ort`` is ``--place`` (as ``ort=`` is ``place=`` in the API and ``ort:`` in a query)."""
    index = str(demo_index_path)
    english = json.loads(run("search", "Gipfel", "--place", "Baku", "--year", "2025", "--index", index, "--json").output)
    german = json.loads(run("search", "Gipfel", "--ort", "Baku", "--jahr", "2025", "--index", index, "--json").output)
    for answer in (english, german):
        answer.pop("took_ms")
    assert german == english and english["filters"] == {"year": ["2025"], "place": ["Baku"]}
    both = json.loads(run("search", "--ort", "Baku", "--place", "Ankara", "--index", index, "--json").output)
    assert both["filters"] == {"place": ["Baku", "Ankara"]}
    within = json.loads(run("facet-values", "ort", "--index", index, "--query", "Baku", "--org", "NATO", "--json").output)
    assert within == json.loads(
        run("facet-values", "place", "--index", index, "--query", "Baku", "--organisation", "NATO", "--json").output)


def test_migrate_without_engine_re_indexes_an_index_of_the_previous_schema(tmp_path: Path, seeds: Path) -> None:
    index = tmp_path / "idx"
    assert run("index", str(seeds), "--index", str(index), "--quiet").exit_code == 0
    meta_file = index / "searchkit.json"
    meta = set_schema_version(index, 3)  # before "Kılıçdaroğlu" was folded to "kilicdaroglu"
    refused = CliRunner().invoke(main, ["search", "Baku", "--index", str(index)])
    assert refused.exit_code == 1 and f"searchkit migrate --index {index}" in refused.output
    migrated = run("migrate", "--index", str(index), "--quiet")
    assert migrated.exit_code == 0 and f"2 documents in {index} ({meta['engine']})" in migrated.output
    from searchkit.index import SCHEMA_VERSION

    assert json.loads(meta_file.read_text())["schema_version"] == SCHEMA_VERSION
    assert json.loads(run("search", "Erdogan", "--index", str(index), "--json").output)["total"] == 2


def test_entity_report_speaks_german(demo_index_path: Path) -> None:
    """Found by a review: "1 Dokumente" and the facet names ("mit place: …") in the output."""
    output = run("entity", "person", "Recep Tayyip Erdoğan", "--index", str(demo_index_path)).output
    assert output.startswith("Recep Tayyip Erdoğan: ") and " Dokumente\n" in output.splitlines()[0] + "\n"
    assert "  mit Orten: " in output and "Türkei (" in output and "mit place" not in output
    report = json.loads(run("entity", "person", "Recep Tayyip Erdoğan", "--index", str(demo_index_path), "--json").output)
    assert sum(v["count"] for v in report["timeline"]) >= report["count"] > 1
    from searchkit import Index

    with Index(demo_index_path) as index:
        people = index.search("", per_page=0, facet_size=1000).facet("person").results
    single = next(v for v in people if v.count == 1)
    text = run("entity", "person", single.value, "--index", str(demo_index_path)).output
    assert text.splitlines()[0] == f"{single.label}: 1 Dokument"


def test_undatable_dates_and_impossible_zones_are_reported_as_dropped(tmp_path: Path) -> None:
    """Found by a review: "gestern", "irgendwann" and "bald" left their documents undated
    without a word, and "+99:00" was stored as 10:00 with the zone dropped."""
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "irgendwann-1", "title": "Hafen", "text": "Der Hafen von Kiel wird erweitert.", "date": "irgendwann"},
        {"id": "bald-1", "title": "Bahn", "text": "Die Bahn streikt in Berlin.", "date": "bald"},
        {"id": "zone-1", "title": "Zone", "text": "Ein Bericht aus Bonn.", "date": "2025-03-04T10:00+99:00"},
        {"id": "gut-1", "title": "Gut", "text": "Ein Bericht aus Köln.", "date": "2025-03-04T10:00+01:00"},
    ]
    feed.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    (tmp_path / "seed.txt").write_text(" date gestern Ein Bericht über Leipzig.\nLeipzig wächst.\n", encoding="utf-8")
    index = str(tmp_path / "idx")
    result = run("index", str(tmp_path / "seed.txt"), str(feed), "--index", index, "--quiet", "--no-enrich", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 5 and report["dropped_dates"] == [
        {"id": "seed", "warning": "no date recognised in 'gestern'"},
        {"id": "irgendwann-1", "warning": "no date recognised in 'irgendwann'"},
        {"id": "bald-1", "warning": "no date recognised in 'bald'"},
        {"id": "zone-1", "warning": "not a valid time zone offset: '2025-03-04T10:00+99:00'"},
    ]
    assert json.loads(run("get", "zone-1", "--index", index).stdout)["published"] is None
    assert json.loads(run("get", "gut-1", "--index", index).stdout)["published"] == "2025-03-04T10:00"


def test_search_and_facet_values_say_when_they_list_nothing(demo_index_path: Path) -> None:
    """Found by a review: a page past the last and a facet-value search without a match printed
    no word about it; there was no --mentioned filter."""
    index = str(demo_index_path)
    beyond = run("search", "Baku", "--page", "99", "--index", index).output
    assert "Seite 99 gibt es nicht: die letzte ist Seite 1 (--page 1)." in beyond
    assert run("facet-values", "person", "Zzzz", "--index", index).output == "Kein Wert in „Personen“ enthält „Zzzz“.\n"
    mentioned = json.loads(run("search", "", "--mentioned", "2030", "--index", index, "--json").output)
    assert mentioned["filters"] == {"mentioned": ["2030"]} and mentioned["total"] >= 1
    assert run("search", "", "--mentioned", "abc", "--index", index).exit_code == 1


def test_search_lists_the_most_frequent_values_of_each_facet(demo_index_path: Path) -> None:
    """Found by a review: years are listed newest first, and the first five left out the most
    frequent older year."""
    from searchkit import Index

    output = run("search", "Erdogan", "--index", str(demo_index_path)).output
    with Index(demo_index_path) as index:
        facets = index.search("Erdogan").facets
    for facet in facets:
        line = next(li for li in output.splitlines() if li.startswith(f"  {facet.label}: "))
        counts = sorted((v.count for v in facet.results), reverse=True)
        fifth = counts[4] if len(counts) > 4 else 0
        for value in facet.results:
            if value.count > fifth:  # more frequent than the fifth: always listed
                assert f"{value.label} ({value.count})" in line, (facet.name, value.label)
        assert line.count("(") == min(5, len(facet.results))
