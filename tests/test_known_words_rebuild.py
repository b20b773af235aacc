"""``words.tsv`` written anew from the stored documents (``known_words.rebuild``:
``Index.optimize``, ``Index.rebuild_known_words``, ``searchkit optimize [--words]``): the
same entries as the commits that stored the documents appended, when the file is missing or of
another analyzer or when asked; safe beside writers and readers (a new file renamed over the
old one under its lock, with what commits appended meanwhile) and when interrupted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import Document, Index, analysis, known_words
from searchkit.cli import main
from searchkit.index import TEXT_FIELDS, document_fields

pytestmark = pytest.mark.usefixtures("engine")

FOREIGN_HEADER = b"# searchkit word terms 2 0000000000000000 0a0b0c\n"


# same folder, plain helpers; the fixture applies here too (autouse, imported into this module)
from test_known_words import _entries, every_search_looks, knowing_nothing  # noqa: E402, F401


def _fresh_terms(word: str) -> tuple[str, ...]:
    analyzer = analysis.german_analyzer()
    return analyzer._terms(word, analyzer._plan[2], "index")  # type: ignore[index]


def _leftovers(folder: Path) -> list[Path]:
    """Temporary files of rebuilds."""
    return list(folder.glob(f"{known_words.FILE_NAME}.*.tmp"))


def _run(script: str, *args: str, timeout: int = 300) -> str:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# -- the entries --------------------------------------------------------------------------


def test_optimize_writes_a_missing_file_with_what_indexing_wrote(demo_copy: Path) -> None:
    """The demo corpus as the session indexed it (entities extracted: the ``names`` field)."""
    written = _entries(demo_copy)
    assert len(written) > 2000
    (demo_copy / known_words.FILE_NAME).unlink()
    assert known_words.needs_rebuild(demo_copy)
    Index(demo_copy).optimize()
    assert _entries(demo_copy) == written
    assert not known_words.needs_rebuild(demo_copy)
    assert not _leftovers(demo_copy)


_INDEX = """
import sys
from searchkit import Index, read_paths
from searchkit.cli import demo_corpus_path
from searchkit.engines import tantivy_engine
tantivy_engine.ANALYSIS_CHUNK, tantivy_engine.POOL_MIN_DOCS = 3, 6
docs = list(read_paths([demo_corpus_path()]))
index = Index(sys.argv[1], create=True, engine=sys.argv[2])
for start in range(0, len(docs), 20):  # several commits, each appending its new words
    index.add(docs[start : start + 20], workers=int(sys.argv[3]))
"""


def test_a_rebuilt_file_holds_what_writers_with_worker_processes_wrote(tmp_path: Path, engine: str) -> None:
    """Written by Whoosh's sub-writer processes (part files) or tantivy's analysis workers in
    three commits, rebuilt by one process: the same entries."""
    path = tmp_path / "index"
    _run(_INDEX, str(path), engine, "2")
    written = _entries(path)
    index = Index(path)
    assert index.rebuild_known_words() == len(written)
    assert _entries(path) == written


def test_a_file_of_another_analyzer_or_cut_in_its_first_line_is_replaced(demo_copy: Path) -> None:
    written = _entries(demo_copy)
    path = demo_copy / known_words.FILE_NAME
    for foreign in (FOREIGN_HEADER + b"impfstoffe\tfalsch\n", b"# searchkit word te"):
        path.write_bytes(foreign)
        assert known_words.needs_rebuild(demo_copy)
        Index(demo_copy).optimize()
        assert _entries(demo_copy) == written


def test_a_whole_file_is_written_anew_only_when_asked(demo_copy: Path) -> None:
    written = _entries(demo_copy)
    path = demo_copy / known_words.FILE_NAME
    with path.open("ab") as f:  # a stale line (a deleted document's word, say): still whole
        f.write(b"zwergpinguin\tfalsch\n")
    before = path.read_bytes()
    index = Index(demo_copy)
    index.optimize()
    index.optimize(words=False)
    assert path.read_bytes() == before
    index.optimize(words=True)
    after = path.read_bytes()
    assert after.split(b"\n", 1)[0] != before.split(b"\n", 1)[0]  # a new id: readers start again
    assert _entries(demo_copy) == written
    assert index.rebuild_known_words() == len(written)
    (demo_copy / known_words.FILE_NAME).unlink()
    index.optimize(words=False)
    assert not path.exists()


def test_the_words_most_documents_have_come_first(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond ``FILE_LIMIT`` nothing is written, and a reader keeps the first ``LIMIT`` words:
    those of the most documents."""
    index = Index(demo_copy)
    analyzer = analysis.german_analyzer()
    held: Counter[tuple[str, ...]] = Counter()
    for doc in index.documents():
        fields = document_fields(doc)
        held.update({terms for name in TEXT_FIELDS for terms, _, _, _ in analyzer.word_positions(fields.get(name) or "")})
    everything = _entries(demo_copy)
    monkeypatch.setattr(known_words, "FILE_LIMIT", 300)
    assert index.rebuild_known_words() == 300
    entries = _entries(demo_copy)
    assert len(entries) == 300 and set(entries) <= set(everything)
    counts = [held[tuple(terms.split(" ")) if terms else ()] for terms in entries.values()]
    assert counts == sorted(counts, reverse=True)
    left_out = [held[tuple(terms.split(" ")) if terms else ()] for word, terms in everything.items() if word not in entries]
    assert max(left_out) <= counts[-1]
    assert entries["jahr"] == "jahr"  # in most of the articles
    monkeypatch.setattr(known_words, "LIMIT", 100)
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 100
        assert list(known) == list(entries)[:100]


def test_an_empty_index_gets_a_file_its_commits_append_to(tmp_path: Path) -> None:
    index = Index(tmp_path / "index", create=True)
    index.optimize()
    assert (tmp_path / "index" / known_words.FILE_NAME).read_bytes().count(b"\n") == 1
    assert _entries(tmp_path / "index") == {}
    index.add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    assert _entries(tmp_path / "index")["zwergpinguin"] == " ".join(_fresh_terms("zwergpinguin"))


def test_a_commit_after_a_rebuild_appends_its_new_words(demo_copy: Path) -> None:
    """Also a word the writing process analysed for the old file: tantivy's writing analyzer
    remembers the words it analysed for the file it appends to, and records them again for a
    new one (here one without the word: its document was deleted)."""
    index = Index(demo_copy)
    index.add([Document(id="neu", title="Ein Kaiserpinguin im Zoo")])
    index.delete("neu")
    (demo_copy / known_words.FILE_NAME).unlink()
    index.optimize()
    assert "kaiserpinguin" not in _entries(demo_copy)
    index.add([Document(id="neu2", title="Ein Kaiserpinguin im Zoo")])
    entries = _entries(demo_copy)  # no word twice
    assert entries["kaiserpinguin"] == " ".join(_fresh_terms("kaiserpinguin"))


def test_a_file_a_commit_starts_over_stored_documents_is_rebuilt_by_optimize(demo_copy: Path) -> None:
    """Found by a review: a commit to an index whose file was missing started a new one that
    held only its own words, and optimize took it for whole. It is marked ``partial`` now."""
    written = _entries(demo_copy)
    (demo_copy / known_words.FILE_NAME).unlink()
    index = Index(demo_copy)
    index.add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    path = demo_copy / known_words.FILE_NAME
    assert path.read_bytes().split(b"\n", 1)[0].endswith(known_words.PARTIAL)
    assert "zwergpinguin" in _entries(demo_copy) and len(_entries(demo_copy)) < 100
    assert known_words.needs_rebuild(demo_copy)
    index.optimize()
    assert not known_words.needs_rebuild(demo_copy)
    assert _entries(demo_copy).items() >= written.items() and "zwergpinguin" in _entries(demo_copy)


def test_the_first_commit_of_a_new_index_starts_a_whole_file(tmp_path: Path) -> None:
    index = Index(tmp_path / "neu", create=True)
    index.add([Document(id="a", title="Ein Zwergpinguin im Zoo")])
    assert not known_words.needs_rebuild(index.path)
    index.add([Document(id="b", title="Zwei Kaiserpinguine")])
    assert not known_words.needs_rebuild(index.path)


def test_a_rebuild_where_it_cannot_write_fails_before_reading_the_documents(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only folder (mocked: the tests run as a user who may write anywhere)."""
    read: list[str] = []
    monkeypatch.setattr(known_words.os, "access", lambda *_: False)
    with pytest.raises(PermissionError):
        Index(demo_copy).rebuild_known_words(on_document=lambda doc, _: read.append(doc.id))
    assert not read and not _leftovers(demo_copy)


# -- readers ------------------------------------------------------------------------------


def test_a_reader_at_its_limit_takes_the_corrections_of_a_rebuilt_file(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: a reader that knew as many words as it keeps took nothing of a file
    written anew, so a rebuild did not repair the wrong lines it had read."""
    written = _entries(demo_copy)
    path = demo_copy / known_words.FILE_NAME
    header, _, body = path.read_bytes().partition(b"\n")
    wrong = b"".join(line.split(b"\t")[0] + b"\tfalsch\n" for line in body.splitlines())
    path.write_bytes(header + b"\n" + wrong)  # every line wrong, under this analyzer's header
    monkeypatch.setattr(known_words, "LIMIT", 500)
    with knowing_nothing() as known:
        reader = Index(demo_copy)
        reader.warm()
        assert len(known) == 500 and set(known.values()) == {"falsch"}
        Index(demo_copy).rebuild_known_words()
        reader.warm()
        assert len(known) == 500 and all(written[word] == terms for word, terms in known.items())



def test_a_reader_reads_the_new_file(demo_copy: Path) -> None:
    (demo_copy / known_words.FILE_NAME).unlink()
    with knowing_nothing() as known:
        reader = Index(demo_copy)
        reader.search("Impfstoff")
        assert not known
        Index(demo_copy).optimize()
        reader.search("Impfstoff")
        assert known["impfstoffe"] == "impfstoff" and len(known) > 2000
    with knowing_nothing() as known:  # read before: a new first line, read from the top
        reader.warm()
        first = dict(known)
        known.clear()
        Index(demo_copy).rebuild_known_words()
        reader.warm()
        assert known == first


_KNOWN = """
import sys
from searchkit import Index, analysis
index = Index(sys.argv[1])
index.warm()
print(len(analysis._KNOWN_WORDS))
"""


def test_a_fresh_process_reads_the_rebuilt_file(demo_copy: Path) -> None:
    (demo_copy / known_words.FILE_NAME).write_bytes(FOREIGN_HEADER + b"impfstoffe\tfalsch\n")
    assert int(_run(_KNOWN, str(demo_copy))) == 0
    Index(demo_copy).optimize()
    assert int(_run(_KNOWN, str(demo_copy))) > 2000


def test_a_reader_of_a_foreign_file_of_the_same_size_reads_the_new_one(demo_copy: Path) -> None:
    """A reader skips a file whose size has not changed since it read it; a file renamed over
    it is another file, whatever its size."""
    index = Index(demo_copy)
    size = (demo_copy / known_words.FILE_NAME).stat().st_size
    index.rebuild_known_words()
    assert (demo_copy / known_words.FILE_NAME).stat().st_size == size  # the same words, in the same order
    (demo_copy / known_words.FILE_NAME).write_bytes(
        FOREIGN_HEADER + b"x" * (size - len(FOREIGN_HEADER) - 1) + b"\n"
    )
    with knowing_nothing() as known:
        assert known_words.load(demo_copy) == 0
        index.rebuild_known_words()
        assert (demo_copy / known_words.FILE_NAME).stat().st_size == size
        assert known_words.load(demo_copy) > 2000 and "impfstoffe" in known


# -- writers meanwhile --------------------------------------------------------------------


def test_words_a_commit_appends_while_the_documents_are_read_are_kept(demo_copy: Path) -> None:
    """What a commit appends to the old file after the rebuild began (its documents are not in
    the documents being read) goes into the new file."""
    appended = {}

    def commit_meanwhile(doc: Document, outcome: str) -> None:
        if not appended:
            word = "zwergpinguin"
            appended[word] = _fresh_terms(word)
            assert known_words.save(demo_copy, list(appended.items())) == 1

    Index(demo_copy).rebuild_known_words(on_document=commit_meanwhile)
    assert _entries(demo_copy)["zwergpinguin"] == " ".join(appended["zwergpinguin"])


def test_a_writer_waiting_for_the_lock_of_the_replaced_file_appends_to_the_new_one(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers lock the file they opened; one renamed over it while a writer waited is not
    the one at the path any more: what it appended there was lost."""
    saved: list[int] = []
    writer = threading.Thread(
        target=lambda: saved.append(known_words.save(demo_copy, [("kaiserpinguin", _fresh_terms("kaiserpinguin"))]))
    )
    appended_since = known_words._appended_since

    def writer_waits(fd: int, mark: tuple[bytes, int]) -> dict[str, str]:
        writer.start()
        time.sleep(0.3)
        assert writer.is_alive()  # waiting for the lock this rebuild holds
        return appended_since(fd, mark)

    monkeypatch.setattr(known_words, "_appended_since", writer_waits)
    Index(demo_copy).rebuild_known_words()
    writer.join(30)
    assert saved == [1]
    assert "kaiserpinguin" in _entries(demo_copy)


# -- interrupted, failing -----------------------------------------------------------------


@pytest.mark.parametrize("where", ["reading the documents", "before the rename"])
@pytest.mark.parametrize("file", ["whole", "foreign", "missing"])
def test_an_interrupted_rebuild_leaves_the_file_it_found(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch, where: str, file: str
) -> None:
    path = demo_copy / known_words.FILE_NAME
    if file == "foreign":
        path.write_bytes(FOREIGN_HEADER + b"impfstoffe\tfalsch\n")
    elif file == "missing":
        path.unlink()
    before = path.read_bytes() if path.exists() else None
    read = []

    def ctrl_c(*_: object) -> None:
        raise KeyboardInterrupt

    def on_document(doc: Document, outcome: str) -> None:
        assert outcome == "read"
        read.append(doc)
        if where == "reading the documents" and len(read) == 10:
            ctrl_c()

    if where == "before the rename":
        monkeypatch.setattr(known_words, "_appended_since", ctrl_c)
    index = Index(demo_copy)
    with pytest.raises(KeyboardInterrupt):
        index.rebuild_known_words(on_document=on_document)
    assert (path.read_bytes() if path.exists() else None) == before
    assert not _leftovers(demo_copy)
    monkeypatch.undo()
    # nothing stays locked: the next commit appends, the next rebuild replaces
    index.add([Document(id="neu", title="Ein Zwergpinguin im Zoo")])
    assert "zwergpinguin" in _entries(demo_copy)
    index.optimize(words=True)
    assert "zwergpinguin" in _entries(demo_copy) and len(_entries(demo_copy)) > 2000


def test_a_temporary_file_of_a_killed_rebuild_goes_with_the_next_one(demo_copy: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = demo_copy / f"{known_words.FILE_NAME}.{int(dead.stdout)}-0badc0de.tmp"
    abandoned.write_bytes(b"# searchkit word terms 2 half")
    hours_ago = time.time() - 2 * known_words.ABANDONED_SECONDS
    os.utime(abandoned, (hours_ago, hours_ago))
    running = demo_copy / f"{known_words.FILE_NAME}.{os.getpid()}-00000000.tmp"  # (another thread's)
    running.write_bytes(b"")
    # a process that looks gone may be one of another PID namespace (a container sharing the
    # folder) writing its file now: a recent file stays
    recent = demo_copy / f"{known_words.FILE_NAME}.{int(dead.stdout)}-0c0ffee0.tmp"
    recent.write_bytes(b"")
    Index(demo_copy).rebuild_known_words()
    assert not abandoned.exists() and running.exists() and recent.exists()


def test_a_failed_rebuild_is_a_warning_in_optimize_and_an_error_when_asked(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(known_words, "_most_held_first", full_disk)
    path = demo_copy / known_words.FILE_NAME
    path.unlink()
    index = Index(demo_copy)
    with pytest.warns(UserWarning, match="No space left"):
        index.optimize()
    assert not path.exists() and not _leftovers(demo_copy)
    with pytest.raises(OSError, match="No space left"):
        index.optimize(words=True)
    result = _cli("optimize", "--index", str(demo_copy), "--quiet")
    assert result.exit_code == 0 and "Warning" in result.stderr and "No space left" in result.stderr
    result = _cli("optimize", "--index", str(demo_copy), "--quiet", "--words")
    assert result.exit_code == 1 and "No space left" in result.stderr
    assert len(Index(demo_copy)) == 50


# -- the command --------------------------------------------------------------------------


def test_searchkit_optimize_writes_the_file_when_missing_or_asked(demo_copy: Path) -> None:
    written = _entries(demo_copy)
    path = demo_copy / known_words.FILE_NAME
    path.unlink()
    result = _cli("optimize", "--index", str(demo_copy))
    assert result.exit_code == 0, result.output
    assert f"words.tsv written anew from the stored documents: {len(written)} words" in result.stdout
    assert "Words: 100%" in result.stderr and "50/50" in result.stderr  # the progress bar
    assert _entries(demo_copy) == written
    again = _cli("optimize", "--index", str(demo_copy), "--quiet")
    assert again.exit_code == 0 and "words.tsv" not in again.output
    before = path.read_bytes()
    forced = _cli("optimize", "--index", str(demo_copy), "--quiet", "--words")
    assert forced.exit_code == 0 and "written anew" in forced.stdout and forced.stderr == ""
    assert path.read_bytes() != before and _entries(demo_copy) == written
    path.unlink()
    kept = _cli("optimize", "--index", str(demo_copy), "--no-words")
    assert kept.exit_code == 0 and not path.exists()


def test_searchkit_optimize_in_a_fresh_process(demo_copy: Path) -> None:
    written = _entries(demo_copy)
    (demo_copy / known_words.FILE_NAME).unlink()
    result = subprocess.run(
        [sys.executable, "-m", "searchkit.cli", "optimize", "--index", str(demo_copy), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "words.tsv written anew" in result.stdout
    assert _entries(demo_copy) == written


def test_searchkit_index_after_a_bulk_import_writes_a_partial_file_anew(demo_copy: Path, tmp_path: Path) -> None:
    """The file was missing (an index of an older version): the import's commit starts a
    partial one, and the optimize after the import writes it whole, with a progress bar on
    stderr; stdout stays the command's JSON."""
    written = _entries(demo_copy)
    (demo_copy / known_words.FILE_NAME).unlink()
    feed = tmp_path / "neu.jsonl"
    feed.write_text(json.dumps({"id": "neu", "title": "Ein Zwergpinguin im Zoo", "text": "Er watschelt."}) + "\n",
                    encoding="utf-8")
    result = _cli("index", str(feed), "--index", str(demo_copy), "--no-enrich", "--optimize", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 51
    assert "Words: 100%" in result.stderr
    assert not known_words.needs_rebuild(demo_copy)
    assert _entries(demo_copy).items() >= written.items() and "zwergpinguin" in _entries(demo_copy)


def test_a_reader_marks_by_the_rebuilt_terms_at_once(tmp_path: Path) -> None:
    """Found by a review: the reader's known words were corrected, but the words it had already
    looked up stayed in its memo, ``word_terms`` and the highlighter's vocabulary, so a server
    kept marking by the old terms until those caches filled."""
    path = tmp_path / "index"
    Index(path, create=True).add([Document(id="a", title="Ein Zwergpinguin im Zoo", body="Der Zwergpinguin schwimmt.")])
    words = path / known_words.FILE_NAME
    header, _, body = words.read_bytes().partition(b"\n")
    words.write_bytes(header + b"\n" + b"".join(line.split(b"\t")[0] + b"\tfalsch\n" for line in body.splitlines()))
    with knowing_nothing():
        analysis.forget_hit_words()
        reader = Index(path)
        assert "<mark" not in reader.search("Zwergpinguin").hits[0].title_html  # wrong terms: no mark
        Index(path).rebuild_known_words()
        assert "<mark" in reader.search("Zwergpinguin").hits[0].title_html
    analysis.forget_hit_words()  # nothing of this index's words stays for the next tests
