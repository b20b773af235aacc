"""Command-line findings of the review of 2026-12-07 (evening): stop signals, an import that
meets another writer between its batches, re-running an import, Ctrl-C before the first
commit, and the evaluation of dates on a file that is no text."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import Document, Index, IngestReport
from searchkit.cli import index_documents, is_bulk_import, main
from tests.test_cli import _assert_interrupted_cleanly, _interrupted_index


def _docs(count: int, start: int = 0) -> list[Document]:
    return [Document(id=f"d{n}", title=f"Bericht {n}", body=f"Der Haushalt Nummer {n} wurde beschlossen.")
            for n in range(start, start + count)]


@pytest.mark.slow
@pytest.mark.parametrize("engine_name", ["whoosh", "tantivy"])
def test_sigterm_ends_an_import_like_ctrl_c(tmp_path: Path, engine_name: str) -> None:
    """``kill``, ``docker stop`` and systemd send SIGTERM: the process died at once with
    status 143 and no word, and left the cancelled batch's files behind. Now it ends as
    Ctrl-C does, with 128 + SIGTERM; the pool workers die of it quietly.

    Each engine named (the test had inherited whichever engine the session's parametrized
    tests had set last). On the tantivy engine the analysis pool's workers die of a SIGTERM
    sent to the whole group too, and once in a full run under load Python 3.11's
    ProcessPoolExecutor printed an InvalidStateError traceback of its own (it marked the
    futures the parent had cancelled as broken; ``processes.quiet_broken_pool_race``)."""
    import signal

    if engine_name == "tantivy":
        pytest.importorskip("tantivy", reason='the tantivy engine needs pip install "searchkit[fast]"')
    status, stderr, folder = _interrupted_index(
        tmp_path, "--workers", "2", "--no-enrich", "--engine", engine_name, stop="SIGTERM"
    )
    _assert_interrupted_cleanly(status, stderr, folder, expected_status=128 + signal.SIGTERM)
    assert not list(folder.glob("*.tmp")) and not list(folder.glob("*_WRITELOCK.tmp"))


@pytest.mark.slow
def test_ctrl_c_before_the_first_commit_leaves_no_empty_index(tmp_path: Path) -> None:
    """An interrupted import that had committed nothing left an empty index, which `search`
    and `serve` then used without a word; the README says no empty index is left behind."""
    status, stderr, folder = _interrupted_index(tmp_path, "--batch-size", "100000", after_commit=False)
    assert status == 130, stderr
    assert not folder.exists()


def test_an_import_waits_for_another_writers_commit_between_its_batches(tmp_path: Path) -> None:
    """Each batch takes the write lock anew; a long import gave up with "locked" as soon as a
    one-document write (the write API, another `searchkit index`) held it between two
    batches, after hundreds of documents and without saying so (a review)."""
    index = Index(tmp_path / "idx", create=True)
    other = Index(tmp_path / "idx")
    released = threading.Event()

    def hold_lock() -> None:
        with other.write_lock():
            time.sleep(0.5)
        released.set()

    def documents() -> Iterator[Document]:
        yield from _docs(2)
        holder = threading.Thread(target=hold_lock)  # after the first batch was committed
        holder.start()
        time.sleep(0.1)
        yield from _docs(2, start=2)
        holder.join()

    report = index_documents(index, documents(), enrich=False, batch_size=2, progress=False)
    assert released.is_set()
    assert report.added == 4 and len(index) == 4


def test_a_lock_error_says_what_the_run_had_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import searchkit.cli as cli

    monkeypatch.setattr(cli, "BATCH_LOCK_WAIT", 0.2)
    index = Index(tmp_path / "idx", create=True)
    other = Index(tmp_path / "idx")
    taken = threading.Event()
    done = threading.Event()

    def hold_lock() -> None:
        with other.write_lock():
            taken.set()
            done.wait(10)

    def documents() -> Iterator[Document]:
        yield from _docs(2)
        threading.Thread(target=hold_lock, daemon=True).start()
        taken.wait(10)
        yield from _docs(2, start=2)

    try:
        with pytest.raises(cli.IndexLockedError, match="had written 2 documents before"):
            index_documents(index, documents(), enrich=False, batch_size=2, progress=False)
    finally:
        done.set()
    assert len(index) == 2


def test_running_a_finished_import_again_commits_nothing(tmp_path: Path) -> None:
    """Every batch of a re-run committed a new generation although all was skipped: each one
    ended a running server's caches and ETags (a review)."""
    index = Index(tmp_path / "idx", create=True)
    index.add(_docs(6))
    generation = index.snapshot().generation
    report = index_documents(index, iter(_docs(6)), enrich=False, batch_size=2, progress=False)
    assert (report.added, report.updated, report.skipped) == (0, 0, 6)
    assert index.snapshot().generation == generation


def test_running_an_interrupted_import_again_merges_it() -> None:
    """The re-run writes only what the interruption left out (or nothing, when it came during
    the merge); it left the first run's segments unmerged. What it skipped as indexed counts."""
    rerun = IngestReport(added=423, updated=17, skipped=4_748)
    assert is_bulk_import(rerun, documents=5_188, batch_size=500)
    assert is_bulk_import(IngestReport(skipped=5_188), documents=5_188, batch_size=500)
    # a few files added to a large index: not merged
    assert not is_bulk_import(IngestReport(added=600, skipped=20), documents=100_000, batch_size=500)


def test_a_rerun_after_an_interrupted_merge_leaves_one_segment(tmp_path: Path) -> None:
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(d.to_json() + "\n" for d in _docs(12)), encoding="utf-8")
    folder = tmp_path / "idx"
    index = Index(folder, create=True)
    for start in range(0, 12, 3):  # four commits, as an import stopped before its merge leaves
        index.add(_docs(3, start=start))
    assert index.segment_count() > 1
    result = CliRunner().invoke(main, ["index", str(corpus), "--index", str(folder), "--batch-size", "3",
                                       "--no-enrich", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "skipped 12" in result.output
    assert Index(folder).segment_count() == 1


def test_dates_evaluation_names_a_file_that_is_no_text(tmp_path: Path) -> None:
    gold = tmp_path / "gold.tsv"
    gold.write_bytes(b"kind\ttext\treference\texpected\n\xd0\xff\xfe junk\n")
    result = CliRunner().invoke(main, ["eval", "dates", "--gold", str(gold)])
    assert result.exit_code == 1
    assert f"{gold}: not UTF-8 text" in result.output


def test_the_lock_wait_starts_after_a_batch_that_wrote_and_ends_with_the_import(tmp_path: Path) -> None:
    index = Index(tmp_path / "idx", create=True)
    index.add(_docs(2))
    index_documents(index, iter(_docs(2)), enrich=False, batch_size=2, progress=False)  # all skipped
    assert index.lock_timeout == 0.0
    index_documents(index, iter(_docs(4)), enrich=False, batch_size=2, progress=False)
    assert index.lock_timeout == 0.0  # the caller's own again


def test_serve_leaves_sigterm_to_the_server() -> None:
    """waitress took the interrupt that SIGTERM raises in a command as Ctrl-C and returned, so
    `serve` ended with status 0 instead of 143 (a review): the server gets the default back."""
    import signal

    from searchkit.cli import _raise_terminated, _stop_signals_as_before, stop_signals_as_interrupts

    with stop_signals_as_interrupts():
        assert signal.getsignal(signal.SIGTERM) is _raise_terminated
        _stop_signals_as_before()
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
