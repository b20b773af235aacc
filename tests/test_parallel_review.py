"""The parallel paths under faults: found by a review that built the same input with one
process, ``--workers 2`` and ``--dask`` and killed workers in the middle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchkit import Index

from test_server_serving import children as _children

pytestmark = [
    pytest.mark.usefixtures("engine"),
    pytest.mark.skipif(not Path("/proc/self/stat").exists() or sys.platform == "win32",
                       reason="finds the pool's workers in /proc"),
]


@pytest.mark.slow
def test_an_import_whose_enrichment_worker_is_killed_completes(tmp_path: Path) -> None:
    """SIGKILL of one enrichment worker (the kernel's out-of-memory killer does the same) made
    ``searchkit index --workers 2`` hang for ever, silently; a SIGTERM then did not end it
    either: multiprocessing's Pool never returns a dead worker's tasks. Now the batch's rest is
    enriched in the importing process and the import completes with every document."""
    words = ["Olaf Scholz", "traf", "in", "Berlin", "Vertreter", "der", "Europäischen Union", "am",
             "Montag", "Haushalt", "Bundestag", "beschloss", "Hochwasser", "Passau", "Gipfel", "Wien"]
    corpus = tmp_path / "many.jsonl"
    count = 800
    with corpus.open("w", encoding="utf-8") as out:
        for n in range(count):
            text = " ".join(words[(n + k) % len(words)] for k in range(40)) + f" Nummer {n}."
            out.write(json.dumps({"id": f"a{n}", "title": f"Bericht {n}", "text": text}, ensure_ascii=False) + "\n")
    folder = tmp_path / "index"
    process = subprocess.Popen(
        [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(folder),
         "--batch-size", "100", "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline and process.poll() is None and not workers:
            time.sleep(0.2)
            workers = _children(process.pid)
        assert workers, f"no pool worker appeared: {process.communicate()}"
        time.sleep(1.0)
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=240)
    finally:
        if process.poll() is None:  # a hang fails the test instead of leaving processes behind
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, stderr
    index = Index(folder)
    assert len(index) == count
    assert index.get(f"a{count - 1}").title == f"Bericht {count - 1}"


@pytest.mark.slow
def test_ctrl_c_ends_an_import_with_workers_at_once_also_with_long_articles(tmp_path: Path) -> None:
    """The enrichment workers ignore Ctrl-C; when the pool was only shut down, the interpreter
    waited on exit for the chunks they were running (8 long articles each: 16 s), and a second
    Ctrl-C then hung the command for good (a review). The workers are terminated now."""
    import random

    rng = random.Random(8)
    syllables = ["ba", "ker", "lin", "mo", "sta", "ter", "gen", "hau", "wer", "rup", "dor", "fel", "kin", "pra"]

    def word() -> str:  # words the tagger has not seen: each costs it its features
        made = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        return made.capitalize() if rng.random() < 0.3 else made

    corpus = tmp_path / "long.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for n in range(120):
            text = " ".join(word() + ("." if rng.random() < 0.07 else "") for _ in range(9000))
            out.write(json.dumps({"id": f"l{n}", "title": f"Langer Bericht {n}", "text": text}, ensure_ascii=False) + "\n")
    folder = tmp_path / "index"
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "searchkit.cli", "index", str(corpus), "--index", str(folder),
             "--workers", "2", "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, inherited)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and len(_children(process.pid)) < 2:
            time.sleep(0.2)
        time.sleep(3.0)  # the workers are in their first chunks
        assert process.poll() is None, process.communicate()
        os.killpg(process.pid, signal.SIGINT)
        signalled = time.monotonic()
        _, stderr = process.communicate(timeout=60)
        took = time.monotonic() - signalled
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert took < 5.0, f"exit took {took:.1f} s after Ctrl-C"
