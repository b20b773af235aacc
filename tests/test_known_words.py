"""The words' index terms kept beside the index (``searchkit.known_words``): written by every
writer (one process, Whoosh's sub-writers, tantivy's analysis workers), exactly what the
analyzer gives, read by a fresh process before its first search, and harmless when missing,
foreign, cut off or damaged."""

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
    """This process's known words emptied for the block (and restored after it)."""
    saved = analysis._KNOWN_WORDS
    analysis._KNOWN_WORDS = {}
    try:
        yield analysis._KNOWN_WORDS
    finally:
        analysis._KNOWN_WORDS = saved


def _entries(folder: Path) -> dict[str, str]:
    text = (folder / known_words.FILE_NAME).read_text(encoding="utf-8")
    head, _, body = text.partition("\n")
    assert head + "\n" == known_words.header()
    assert text.endswith("\n")
    return known_words.parse(body)


def _fresh_terms(word: str) -> tuple[str, ...]:
    analyzer = analysis.german_analyzer()
    return analyzer._terms(word, analyzer._plan[2], "index")


def _expected_words() -> set[str]:
    """The words (cleaned, lowercase, no stopwords) of the demo corpus's texts, as a fresh
    analyzer that knows no word records them; without the whole words that a word cut off by
    a hyphen is read as ("Bundes-" of "Bundes- und Landesregierung": the tantivy writer reads
    the words off the analysis, where it stands for "Bundesregierung")."""
    cut = set()
    with knowing_nothing(), analysis.learning() as learned:
        analyzer = analysis.german_analyzer()
        for doc in read_paths([demo_corpus_path()]):
            for text in (doc.title, doc.lead, doc.body):
                analyzer.word_positions(text)
                cut |= {analysis.known_word_key(whole) for whole in analysis.suspended_words(text).values()}
    return {word for word, _ in learned} - cut


def _index_in_a_fresh_process(path: Path, engine: str, workers: int) -> None:
    """``Index.add`` of the demo corpus in a new process (one whose analyzers and workers know
    no word yet), with small pool tasks so that tantivy's workers take part."""
    script = f"""
import sys
from searchkit import Index, read_paths
from searchkit.cli import demo_corpus_path
from searchkit.engines import tantivy_engine
tantivy_engine.ANALYSIS_CHUNK, tantivy_engine.POOL_MIN_DOCS = 3, 6
index = Index({str(path)!r}, create=True, engine={engine!r})
report = index.add(read_paths([demo_corpus_path()]), workers={workers})
assert report.added == 50, report
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)


@pytest.mark.parametrize("workers", [1, 2])
def test_every_writer_keeps_each_words_terms_beside_the_index(tmp_path: Path, engine: str, workers: int) -> None:
    # workers=2: Whoosh's sub-writer processes leave part files the commit merges; tantivy's
    # analysis workers send their words back with their documents
    path = tmp_path / "index"
    _index_in_a_fresh_process(path, engine, workers)
    entries = _entries(path)
    assert _expected_words() <= set(entries)
    assert not list(path.glob(f"{known_words.PART_PREFIX}*"))
    for word, terms in entries.items():
        assert terms == " ".join(_fresh_terms(word)), word
    assert entries["impfstoffe"] == "impfstoff"
    assert set(entries["weltgesundheitsorganisation"].split()) >= {"welt", "gesund", "organisation"}


def test_a_later_commit_appends_only_new_words(tmp_path: Path) -> None:
    index = Index(tmp_path / "index", create=True)
    docs = list(read_paths([demo_corpus_path()]))
    index.add(docs[:25])
    first = (tmp_path / "index" / known_words.FILE_NAME).read_text(encoding="utf-8")
    with knowing_nothing():  # as a new process: every word analysed again, most already kept
        index.add(docs[25:])
    second = (tmp_path / "index" / known_words.FILE_NAME).read_text(encoding="utf-8")
    assert second.startswith(first)
    words = [line.partition("\t")[0] for line in second.splitlines()[1:]]
    assert len(words) == len(set(words))
    assert _expected_words() <= set(words)


_HITS = """
import json, sys
from searchkit import Index, analysis
index = Index(sys.argv[1])
pages = [[(h.document.id, h.title_html, h.snippet_html) for h in index.search(q).hits] for q in json.loads(sys.argv[2])]
print(json.dumps({"pages": pages, "known": len(analysis._KNOWN_WORDS)}))
"""


def _pages_in_a_fresh_process(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _HITS, str(path), json.dumps(QUERIES)],
        check=True, capture_output=True, text=True, timeout=120,
    )
    return json.loads(out.stdout)


def test_a_fresh_process_reads_the_words_and_marks_the_same_words(demo_copy: Path) -> None:
    with_file = _pages_in_a_fresh_process(demo_copy)
    assert with_file["known"] > 2000
    assert any("<mark" in snippet for page in with_file["pages"] for _, _, snippet in page)
    os.replace(demo_copy / known_words.FILE_NAME, demo_copy.parent / "kept.tsv")
    without = _pages_in_a_fresh_process(demo_copy)
    assert without["known"] == 0
    assert with_file["pages"] == without["pages"]


def test_a_file_of_another_analyzer_is_ignored_and_started_afresh(demo_copy: Path) -> None:
    path = demo_copy / known_words.FILE_NAME
    # a file made by another analyzer: its terms must not be used
    path.write_text("# searchkit word terms 1 0000000000000000\nimpfstoff\tfalsch\n", encoding="utf-8")
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 0
        assert "impfstoff" not in known
        hits = Index(demo_copy).search("Impfstoff").hits
    assert any("<mark" in hit.title_html + hit.snippet_html for hit in hits)
    Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    entries = _entries(demo_copy)
    assert "impfstoff" not in entries or entries["impfstoff"] == "impfstoff"
    assert entries["zwergpinguin"] == " ".join(_fresh_terms("zwergpinguin"))


def test_a_cut_off_or_damaged_file_costs_nothing_but_speed(demo_copy: Path) -> None:
    path = demo_copy / known_words.FILE_NAME
    whole = path.read_bytes()
    # a crash in the middle of an append: the last line has no newline
    path.write_bytes(whole + b"zwergpingu")
    with knowing_nothing() as known:
        known_words.load(demo_copy)
        assert "zwergpingu" not in known and "impfstoffe" in known
    Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    entries = _entries(demo_copy)  # the cut line is gone, the new word follows whole lines
    assert "zwergpingu" not in entries
    assert entries["zwergpinguin"] == " ".join(_fresh_terms("zwergpinguin"))
    # bytes that are no UTF-8: readers skip the file, the next writer starts it afresh
    path.write_bytes(known_words.header().encode() + b"impfstoffe\t\xff\xfe\n")
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 0
        assert Index(demo_copy).search("Impfstoffe").total > 0
    Index(demo_copy).add([Document(id="neu2", title="Ein Kaiserpinguin im Zoo")])
    assert "kaiserpinguin" in _entries(demo_copy)


def test_a_reader_reads_what_a_later_commit_appended(demo_copy: Path) -> None:
    with knowing_nothing() as known:
        reader = Index(demo_copy)
        reader.search("Impfstoff")
        assert "impfstoffe" in known and "zwergpinguin" not in known
        Index(demo_copy).add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
        reader.search("Zwergpinguin")
        assert known["zwergpinguin"] == " ".join(_fresh_terms("zwergpinguin"))


_TEXT = st.lists(
    st.sampled_from(list("abcäöüßAÄOÜ-–. ,0123456789ğçéIİ") + ["Stütz", "punkte", "Bundes- und ", "Landes", "Erdoğans"]),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_known_words_give_the_analysis_itself(text: str) -> None:
    """What an analyzer learns, through the file's lines and back, gives the same words,
    positions and terms as analysing the text."""
    with knowing_nothing() as known, analysis.learning() as learned:
        expected = analysis.german_analyzer().word_positions(text)
    lines = "".join(line for word, terms in learned if (line := known_words._line(word, terms)))
    with knowing_nothing() as known:
        analysis.know_words(known_words.parse(lines))
        assert len(known) == len({word for word, _ in learned})
        assert analysis.german_analyzer().word_positions(text) == expected


def test_a_process_that_knows_the_words_already_still_writes_them_all(demo_index_path: Path, tmp_path: Path) -> None:
    """The words a process knows from one index (or analysed before) go into another index's
    file too: what a file holds must not depend on the process's history."""
    known_words.load(demo_index_path)
    Index(demo_index_path).search("Impfstoff")  # the process's analyzers know these words now
    copy = Index(tmp_path / "index", create=True)
    copy.add(read_paths([demo_corpus_path()]))
    assert _expected_words() <= set(_entries(tmp_path / "index"))


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
