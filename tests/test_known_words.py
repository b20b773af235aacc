"""The words' index terms kept beside the index (``searchkit.known_words``): written by every
writer (one process, Whoosh's sub-writers, tantivy's analysis workers), exactly what the
analyzer gives, read by a fresh process before its first search; never a source of the index;
harmless when missing, foreign, cut off, damaged, overwritten or written by two processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit import Document, Index, analysis, known_words, read_paths
from searchkit.cli import demo_corpus_path

pytestmark = pytest.mark.usefixtures("engine")

QUERIES = ["Impfstoff", "Corona Impfstoffe arme Länder", "Hochwasser", '"Europäische Union"', "Bundesregierung Klima"]


@pytest.fixture(autouse=True)
def every_search_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers look at the file before every search here (normally at most once a second)."""
    monkeypatch.setattr(known_words, "RECHECK_SECONDS", 0.0)


@contextmanager
def knowing_nothing() -> Iterator[dict[str, str]]:
    """This process's known words emptied for the block, and every file to be read again from
    the top (restored after the block)."""
    saved = analysis._KNOWN_WORDS, dict(known_words._read)
    analysis._KNOWN_WORDS = {}
    known_words._read.clear()
    try:
        yield analysis._KNOWN_WORDS
    finally:
        analysis._KNOWN_WORDS = saved[0]
        known_words._read.clear()
        known_words._read.update(saved[1])


def _entries(folder: Path) -> dict[str, str]:
    data = (folder / known_words.FILE_NAME).read_bytes()
    head, _, body = data.partition(b"\n")
    assert head.startswith(known_words._prefix()) and data.endswith(b"\n") and b"\0" not in data
    text = body.decode("utf-8", errors="replace")
    words = [line.partition("\t")[0] for line in text.splitlines()]
    assert len(words) == len(set(words)), "a word written twice"
    return known_words.parse(text)


def _fresh_terms(word: str) -> str:
    analyzer = analysis.german_analyzer()
    return " ".join(analyzer._terms(word, analyzer._plan[2], "index"))


def _assert_all_right(entries: dict[str, str]) -> None:
    wrong = {word: terms for word, terms in entries.items() if terms != _fresh_terms(word)}
    assert not wrong


def _expected_words() -> set[str]:
    """The words (cleaned, lowercase, no stopwords) of the demo corpus's texts, as a fresh
    analyzer records them."""
    with analysis.learning() as learned:
        analyzer = analysis.german_analyzer()
        for doc in read_paths([demo_corpus_path()]):
            for text in (doc.title, doc.lead, doc.body):
                analyzer.word_positions(text)
    return {word for word, _ in learned}


def _run(script: str, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


_INDEX = """
import sys
from searchkit import Index, read_paths
from searchkit.cli import demo_corpus_path
from searchkit.engines import tantivy_engine
tantivy_engine.ANALYSIS_CHUNK, tantivy_engine.POOL_MIN_DOCS = 3, 6
if len(sys.argv) > 4:  # a process that has read another index's words first
    Index(sys.argv[4]).search("Impfstoff Hochwasser")
index = Index(sys.argv[1], create=True, engine=sys.argv[2])
report = index.add(read_paths([demo_corpus_path()]), workers=int(sys.argv[3]))
assert report.added == 50, report
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_every_writer_keeps_each_words_terms_beside_the_index(tmp_path: Path, engine: str, workers: int) -> None:
    # a fresh process: workers=2 runs Whoosh's sub-writer processes (part files the commit
    # merges) or tantivy's analysis workers (words sent back with their work)
    path = tmp_path / "index"
    _run(_INDEX, str(path), engine, str(workers))
    entries = _entries(path)
    assert _expected_words() <= set(entries)
    assert not list(path.glob(f"{known_words.PART_PREFIX}*"))
    _assert_all_right(entries)
    assert entries["impfstoffe"] == "impfstoff"
    assert set(entries["weltgesundheitsorganisation"].split()) >= {"welt", "gesundheit", "organisation"}


def test_words_a_process_read_from_another_index_are_written_all_the_same(
    demo_index_path: Path, tmp_path: Path, engine: str
) -> None:
    """What a file holds does not depend on the words the writing process knows from reading."""
    _run(_INDEX, str(tmp_path / "index"), engine, "1", str(demo_index_path))
    assert _expected_words() <= set(_entries(tmp_path / "index"))


def test_a_later_commit_appends_only_new_words(tmp_path: Path) -> None:
    index = Index(tmp_path / "index", create=True)
    docs = list(read_paths([demo_corpus_path()]))
    index.add(docs[:25])
    first = (tmp_path / "index" / known_words.FILE_NAME).read_bytes()
    index.add(docs[25:])
    second = (tmp_path / "index" / known_words.FILE_NAME).read_bytes()
    assert second.startswith(first) and len(second) > len(first)
    assert _expected_words() <= set(_entries(tmp_path / "index"))  # no word twice, none missing


_HITS = """
import json, sys
from searchkit import Index, analysis
index = Index(sys.argv[1])
pages = [[(h.document.id, h.title_html, h.snippet_html) for h in index.search(q).hits] for q in json.loads(sys.argv[2])]
print(json.dumps({"pages": pages, "known": len(analysis._KNOWN_WORDS)}))
"""


def _pages_in_a_fresh_process(path: Path) -> dict:
    return json.loads(_run(_HITS, str(path), json.dumps(QUERIES), timeout=120))


def test_a_fresh_process_reads_the_words_and_marks_the_same_words(demo_copy: Path) -> None:
    with_file = _pages_in_a_fresh_process(demo_copy)
    assert with_file["known"] > 2000
    assert any("<mark" in snippet for page in with_file["pages"] for _, _, snippet in page)
    os.replace(demo_copy / known_words.FILE_NAME, demo_copy.parent / "kept.tsv")
    without = _pages_in_a_fresh_process(demo_copy)
    assert without["known"] == 0
    assert with_file["pages"] == without["pages"]


def test_a_wrong_line_never_reaches_the_index(demo_copy: Path) -> None:
    """The file is read for marking hits only: a writer analyses every word itself (a review
    found a wrong line indexed: "Zwergpinguin" then found nothing, "falsch" found it)."""
    path = demo_copy / known_words.FILE_NAME
    with path.open("ab") as f:
        f.write("zwergpinguin\tfalsch\n".encode())
    index = Index(demo_copy)
    index.search("Impfstoff")  # this process now knows the wrong line
    index.add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    path.unlink()
    found = json.loads(_run(_HITS, str(demo_copy), json.dumps(["Zwergpinguin", "falsch"])))["pages"]
    assert [hit[0] for hit in found[0]] == ["neu"] and found[1] == []


def test_a_file_of_another_analyzer_is_ignored_and_started_afresh(demo_copy: Path) -> None:
    path = demo_copy / known_words.FILE_NAME
    path.write_text("# searchkit word terms 2 0000000000000000 0a0b0c\nimpfstoff\tfalsch\n", encoding="utf-8")
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 0
        assert "impfstoff" not in known
        hits = Index(demo_copy).search("Impfstoff").hits
    assert any("<mark" in hit.title_html + hit.snippet_html for hit in hits)
    Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    entries = _entries(demo_copy)
    assert "impfstoff" not in entries
    assert entries["zwergpinguin"] == _fresh_terms("zwergpinguin")


def test_a_cut_off_or_damaged_file_costs_nothing_but_speed(demo_copy: Path) -> None:
    path = demo_copy / known_words.FILE_NAME
    # a crash in the middle of an append: the last line has no newline
    with path.open("ab") as f:
        f.write(b"zwergpingu")
    with knowing_nothing() as known:
        known_words.load(demo_copy)
        assert "zwergpingu" not in known and "impfstoffe" in known
    Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    entries = _entries(demo_copy)  # the cut line is gone, the new word follows whole lines
    assert "zwergpingu" not in entries
    assert entries["zwergpinguin"] == _fresh_terms("zwergpinguin")
    # bytes that are no UTF-8: readers skip that line, writers append after it
    path.write_bytes(known_words._new_header() + b"impfstoffe\t\xff\xfe\n")
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 0 and not known
        result = Index(demo_copy).search("Impfstoffe")
        assert result.total > 0 and any("<mark" in hit.title_html + hit.snippet_html for hit in result.hits)
    Index(demo_copy).add([Document(id="neu2", title="Ein Kaiserpinguin im Zoo")])
    entries = _entries(demo_copy)
    assert "kaiserpinguin" in entries and "impfstoffe" not in entries
    _assert_all_right(entries)


def test_a_reader_reads_what_a_later_commit_appended(demo_copy: Path) -> None:
    with knowing_nothing() as known:
        reader = Index(demo_copy)
        reader.search("Impfstoff")
        assert "impfstoffe" in known and "zwergpinguin" not in known
        Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
        reader.search("Zwergpinguin")
        assert known["zwergpinguin"] == _fresh_terms("zwergpinguin")


def test_a_file_copied_over_the_one_read_is_read_from_the_top(demo_copy: Path, tmp_path: Path) -> None:
    """A reader resumes where it stopped only in the file it read: one copied over it in place
    (cp, rsync --inplace) was read from the old offset, in the middle of a line ("n" → begonn,
    a review)."""
    other = tmp_path / "other"
    Index(other, create=True).add([Document(id="a", title="Ein Zwergpinguin im Zoo " + "Eisbären " * 40)])
    with knowing_nothing() as known:
        Index(other).search("Zoo")
        assert "zwergpinguin" in known
        source = (demo_copy / known_words.FILE_NAME).read_bytes()
        with (other / known_words.FILE_NAME).open("r+b") as f:  # in place: same inode
            f.write(source)
        Index(other).search("Zoo")
        _assert_all_right(known)
        assert "impfstoffe" in known


def test_a_reader_looks_at_the_file_at_most_once_a_second(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(known_words, "RECHECK_SECONDS", 3600.0)
    with knowing_nothing() as known:
        reader = Index(demo_copy)
        reader.search("Impfstoff")
        Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
        reader.search("Zwergpinguin")
        assert "impfstoffe" in known and "zwergpinguin" not in known  # not looked at again yet
        monkeypatch.setattr(known_words, "RECHECK_SECONDS", 0.0)
        reader.search("Zwergpinguin")
        assert "zwergpinguin" in known


def test_a_reader_keeps_at_most_its_limit(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(known_words, "LIMIT", 100)
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 100 and len(known) == 100
        assert Index(demo_copy).search("Impfstoff").total > 0


def test_nothing_that_fails_in_the_file_fails_a_search_or_loses_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is a cache: a sub-writer whose part file failed (a full disk) lost its whole
    segment, reported as added (a review); a fingerprint that fails must not fail searches."""

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(known_words, "save_part", broken)  # the forked sub-writers too
    index = Index(tmp_path / "index", create=True)
    report = index.add(read_paths([demo_corpus_path()]), workers=2)
    assert report.added == 50 and len(index) == 50
    monkeypatch.setattr(known_words, "_prefix", broken)
    monkeypatch.setattr(known_words, "_on_disk", {})
    with knowing_nothing():
        assert index.search("Impfstoff").total > 0
        index.add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
        assert len(index) == 51


_COMMITS = """
import sys
from searchkit import Document, Index
index = Index(sys.argv[1])
index.lock_timeout = 60
name = sys.argv[2]
for batch in range(8):
    words = " ".join(f"{name}wort{batch}x{k}" for k in range(150))
    index.add([Document(id=f"{name}-{batch}", title=f"Artikel {name} {batch}", body=words)])
"""


def test_two_processes_that_commit_by_turns_keep_the_file_whole(tmp_path: Path) -> None:
    """The index's write lock is released before the file is written: two writers wrote it
    at once, losing words and leaving NUL runs and wrong lines (a review)."""
    path = tmp_path / "index"
    Index(path, create=True).add([Document(id="0", title="Anfang")])
    writers = [
        subprocess.Popen([sys.executable, "-c", _COMMITS, str(path), name], stderr=subprocess.PIPE, text=True)
        for name in ("alpha", "beta")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    entries = _entries(path)
    expected = {f"{name}wort{batch}x{k}" for name in ("alpha", "beta") for batch in range(8) for k in range(150)}
    assert expected <= set(entries)
    _assert_all_right(entries)


_TEXT = st.lists(
    st.sampled_from(
        [*"abcäöüßAÄOÜ-–‐‑. ,0123456789ğçéIİ\u00ad\u200b\u0308", "Stütz", "punkte", "Bundes- und ", "oder ",
         "bzw. ", "Landes", "Erdoğans", "x" * 70]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_known_words_give_the_analysis_itself(text: str) -> None:
    """What a writing analyzer learns, through the file's lines and back, gives a reading
    analyzer the same words, positions and terms as analysing the text."""
    with knowing_nothing(), analysis.learning() as learned:
        expected = analysis.german_analyzer().word_positions(text)
    lines = "".join(line for word, terms in learned if (line := known_words._line(word, terms)))
    with knowing_nothing() as known:
        analysis.know_words(known_words.parse(lines))
        assert len(known) == len({word for word, _ in learned})
        reader = analysis.german_analyzer()
        reader.reads_known_words = True
        assert reader.word_positions(text) == expected


def test_a_bad_line_costs_that_line_only(demo_copy: Path) -> None:
    """One byte that is no UTF-8, an empty term or a stray separator: the line is skipped, the
    rest of the file is read (one bad byte had made a reader skip the whole file)."""
    path = demo_copy / known_words.FILE_NAME
    with path.open("ab") as f:
        f.write(b"kaputt\t\xff\xfe\nfrankreich\tdeutsch  x\r\nzwergpinguin\tzwergpinguin zwerg pinguin\n")
    with knowing_nothing() as known:
        known_words.load(demo_copy)
        assert "impfstoffe" in known and known["zwergpinguin"] == "zwergpinguin zwerg pinguin"
        assert "kaputt" not in known and known.get("frankreich") != "deutsch  x\r"


def test_two_threads_learning_for_two_indexes_keep_their_words_apart(tmp_path: Path) -> None:
    """The record of what a writer analyses is one per thread: a process-wide one was left
    installed for good when two threads' batches ended out of order, growing without end and
    mixing one index's words into the other's file (a review)."""
    import threading

    first = Index(tmp_path / "first", create=True)
    second = Index(tmp_path / "second", create=True)
    started, release = threading.Event(), threading.Event()

    def slow_enrich(doc: Document) -> Document:
        started.set()
        release.wait(30)
        return doc

    thread = threading.Thread(target=lambda: first.add([Document(id="a", title="Ein Zwergpinguin")], enrich=slow_enrich))
    thread.start()
    assert started.wait(30)
    second.add([Document(id="b", title="Ein Kaiserpinguin")])
    release.set()
    thread.join(30)
    assert analysis._JOURNAL.get() is None
    assert "kaiserpinguin" not in _entries(tmp_path / "first")
    assert "zwergpinguin" not in _entries(tmp_path / "second")


def test_a_file_started_afresh_gets_the_words_again_from_the_same_process(tmp_path: Path) -> None:
    """tantivy's writing analyzer remembers words across batches; when the file has gone (or
    was started afresh), the next batch records them again (a review: 2,283 words of 2,888)."""
    index = Index(tmp_path / "index", create=True)
    docs = list(read_paths([demo_corpus_path()]))
    index.add(docs)
    (tmp_path / "index" / known_words.FILE_NAME).unlink()
    index.add([Document(id=f"copy-{doc.id}", title=doc.title, lead=doc.lead, body=doc.body + " .") for doc in docs])
    assert _expected_words() <= set(_entries(tmp_path / "index"))
