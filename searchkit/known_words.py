"""Each word's index terms, kept beside the index (``words.tsv``), so that a searching process
does not analyse the words of its hits again.

Highlighting and the second stage (``highlight``, ``rerank``) need the terms of every word of
the titles, leads and bodies they read. The analyzer memoizes them, but a fresh process knows
no word: on the benchmark's 10,000 documents, analysing the words of the hits for the first
time (compound splitting, stemming, lemmas: about 30 µs a word) was half the time of a
two-word query answered by a process that had not seen those documents before. The writer
has analysed every one of those words already; it appends them to this file at each commit,
and a reader adds the file to what its reading analyzer knows (``analysis.know_words``)
before its first search (69,000 words in about 40 ms).

The file is a cache for reading hits, never a source of the index or of a query: the
analyzers that write an index or read a query always analyse (``GermanAnalyzer.reads_known_words``
is on only for the one that reads hits' texts), so a wrong line can at worst change what is
marked or how close the second stage finds two words, and a missing, damaged or foreign file
costs speed only. Its first line names the analyzer it was made with (``fingerprint``: the terms of a
probe of words, the word lists, the Unicode and stemmer versions) and a random id of the file;
a file of another analyzer is ignored by readers and started afresh by the next writer.

Writers append under an exclusive lock of the file (``fcntl.flock``; two processes may commit
to one index one after the other, and the index's own write lock is released before this file
is written), only words the file lacks, and first cut off an unfinished last line (a crash in
the middle of an append). A reader stops at a line without its newline (one being written)
and resumes where it stopped only while the file's first line is the one it read (a file
copied over the old one in place starts again from the top).

A file that is missing (an index written before it existed, a copy without it) or of another
analyzer fills again only with the words of later commits; ``rebuild`` (``Index.optimize``,
``searchkit optimize``; ``--words`` also rebuilds a file that is whole) writes it anew from the
stored documents' texts, analysed as a writer analyses them: into a new file beside it that
takes the words other writers appended meanwhile and is then renamed over it, under the
file's lock (a writer that waited for the lock on the replaced file appends to the new one).

Where the words come from: what the Whoosh writer's analyzers and tantivy's analysis in this
process analyse (``analysis.learning``, a word once per analyzer: a process that wrote the same
word to another index before does not write it again, which costs speed, not results); the
words Whoosh's sub-writer processes analysed, left in part files (``PART_PREFIX``) that the
commit merges; and those tantivy's analysis workers send back with their work.

Format: ``word<TAB>term term …`` per line: the word cleaned and lowercase, as the analyzer's
chain reads it after its lowercase and stop filters (so "Frankreich", "FRANKREICH" and the
facet value "frankreich" share a line; stopwords have none), its terms joined by spaces (no
term holds one), the field empty for a word without terms.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import analysis

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: one writer at a time assumed
    fcntl = None  # type: ignore[assignment]

#: The file in the index folder.
FILE_NAME = "words.tsv"
#: Files of a writer's worker processes, merged into ``FILE_NAME`` at the next commit.
PART_PREFIX = "words-part-"
#: Beginning of the first line; the fingerprint and the file's id follow it.
HEADER = "# searchkit word terms 2 "
#: Words a reading process keeps at most (about 155 bytes each: 10.7 MB for the 69,000 words
#: of the benchmark's 10,000 documents); beyond, words are analysed as usual.
LIMIT = 250_000
#: Words the file holds at most (about 30 bytes each on disk); beyond, nothing is appended.
FILE_LIMIT = 2_000_000

#: Words whose terms stand for the analyzer in the fingerprint: compounds, linking elements,
#: lemmas, folding, genitives, hyphens, numbers, stopwords, case.
_PROBE = (
    "Militärstützpunkte Wiederaufbau-Hilfen Bundesregierung Hochwasser Arbeitsmarkt Schulbus "
    "Bundes- und Landesregierung gesungen starb fand Häuser Museen Regierungen Erdoğan Erdogans "
    "Müller Straße Café Israels Aserbaidschans Ukraine-Krieg Fußball-EM US-Präsident 3.000 2,5 "
    "und der die FRANKREICH İstanbul Ärztinnen Flüchtlinge Kinderbetreuungsplätze Energiewende "
    "Klimaschutzgesetz Zwergpinguin Verteidigungsministerin Weltgesundheitsorganisation Buergergeld "
    "Sicherheiten"
)
_ANALYSIS_DATA = ("compound_lexicon.txt.gz", "lemma_table.tsv.gz")

Entries = Iterable[tuple[str, "tuple[str, ...]"]]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of what decides a word's terms, by what the analyzer does: the terms of a probe
    of words (``_PROBE``), the word lists (compound lexicon, lemma table), the Unicode version
    of this Python and the versions of Whoosh and PyStemmer. Computed once per process."""
    digest = hashlib.sha256(unicodedata.unidata_version.encode())
    probe = analysis.german_analyzer().word_positions(_PROBE)  # analysed, never looked up
    digest.update(repr([terms for terms, _, _, _ in probe]).encode())
    package = resources.files("searchkit")
    for name in _ANALYSIS_DATA:
        with contextlib.suppress(OSError):
            digest.update(package.joinpath("data", name).read_bytes())
    for dist in ("whoosh-reloaded", "PyStemmer"):
        try:
            digest.update(importlib.metadata.version(dist).encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"-")
    return digest.hexdigest()[:16]


def _prefix() -> bytes:
    """The first line's beginning that says a file is of this analyzer."""
    return f"{HEADER}{fingerprint()} ".encode()


#: Ends the first line of a file that a commit started over an index that already held
#: documents (the file was missing or of another analyzer): it holds only the words of later
#: commits, and ``optimize`` writes it anew (``needs_rebuild``).
PARTIAL = b" partial"


def _new_header(*, partial: bool = False) -> bytes:
    return _prefix() + os.urandom(6).hex().encode() + (PARTIAL if partial else b"") + b"\n"


def file_id(folder: Path) -> bytes:
    """The first line of the folder's file (its analyzer and random id), or b"" without one: a
    writer whose analyzer remembers words for another file (the file started afresh since)
    records them again (``analysis.writing_for``)."""
    try:
        with (folder / FILE_NAME).open("rb") as f:
            return _first_line(f.fileno())
    except OSError:
        return b""


def _line(word: str, terms: tuple[str, ...]) -> str | None:
    """The file's line for one word, or None for one the format cannot hold."""
    if not word or _holds_separator(word):
        return None
    if any(not term or _holds_separator(term) for term in terms):
        return None
    return f"{word}\t{' '.join(terms)}\n"


def _holds_separator(text: str) -> bool:
    return " " in text or "\t" in text or "\n" in text or "\r" in text


def parse(text: str, limit: int | None = None) -> dict[str, str]:
    """The entries of ``text``'s well-formed lines (word → terms as ``analysis.know_words``
    takes them), at most ``limit``: a line with a byte that was no UTF-8 (decoded as U+FFFD),
    an empty term or a stray separator is skipped, the rest of the file is read."""
    entries: dict[str, str] = {}
    for word, terms in _lines_of(text):
        entries[word] = terms
        if limit is not None and len(entries) >= limit:
            break
    return entries


def _lines_of(text: str) -> Iterator[tuple[str, str]]:
    """(word, terms) of each well-formed line of ``text`` (``parse``), in order."""
    for line in text.split("\n"):
        word, tab, terms = line.partition("\t")
        if tab and word and _well_formed(word, terms):
            yield word, terms


def _well_formed(word: str, terms: str) -> bool:
    if "\ufffd" in word or "\ufffd" in terms or "\t" in terms or "\r" in terms or " " in word:
        return False
    return not terms or "" not in terms.split(" ")


# --- writing ------------------------------------------------------------------------------


def save_part(folder: Path, learned: Entries) -> None:
    """Leave a worker process's words in a part file of ``folder`` (written whole: a temporary
    file, then a rename), for the writer's commit to merge."""
    lines = [line for word, terms in learned if (line := _line(word, terms))]
    if not lines:
        return
    part = folder / f"{PART_PREFIX}{os.getpid()}-{os.urandom(4).hex()}.tsv"
    tmp = part.with_suffix(".tmp")
    try:
        tmp.write_bytes(_new_header() + "".join(lines).encode("utf-8"))
        os.replace(tmp, part)
    finally:
        tmp.unlink(missing_ok=True)


#: Per file this process writes: (first line, bytes of whole lines, the words they hold), so
#: that a commit reads only what other processes appended since (the whole file took 220 ms
#: at 488,000 words for every commit).
_on_disk: dict[str, tuple[bytes, int, set[str]]] = {}


def save(folder: Path, learned: Entries, *, had_documents: bool = False) -> int:
    """Append the words of ``learned`` and of the folder's part files that the file does not
    hold yet, and remove the part files; returns how many words were appended.
    ``had_documents``: the index held documents before this commit, so that a file started
    afresh now (missing, or of another analyzer) lacks their words and is marked ``PARTIAL``.
    Never raises: the batch is committed when this runs, and the file is a cache."""
    try:
        return _save(folder, learned, had_documents)
    except Exception:  # noqa: BLE001 - see the docstring
        return 0


def _save(folder: Path, learned: Entries, had_documents: bool = False) -> int:
    parts = sorted(folder.glob(f"{PART_PREFIX}*.tsv"))
    lines: dict[str, str] = {}
    for word, terms in learned:
        if word not in lines and (line := _line(word, terms)):
            lines[word] = line
    for part in parts:
        for word, terms in _read_part(part).items():
            lines.setdefault(word, f"{word}\t{terms}\n")
    if not lines:  # a delete or a merge: nothing to read
        return 0
    path = folder / FILE_NAME
    with _locked(path) as fd:
        header, size, known = _whole_lines(fd, str(path), partial=had_documents)
        new = [line for word, line in lines.items() if word not in known]
        if new and len(known) + len(new) <= FILE_LIMIT:
            data = "".join(new).encode("utf-8")
            os.ftruncate(fd, size)  # an unfinished line of a crashed writer goes
            _write_all(fd, data, size)
            known.update(lines)
            size += len(data)
        _on_disk[str(path)] = (header, size, known)
    for part in parts:
        part.unlink(missing_ok=True)
    return len(new)


#: Tries to lock the file that stands at the path (``_locked``).
LOCK_TRIES = 20


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    """The file at ``path`` (created when missing) open and exclusively locked. A file renamed
    over it while this process waited for the lock (``rebuild``) is not the one at the path any
    more: what was appended to it would be lost, so the new one is opened and locked instead."""
    for attempt in range(LOCK_TRIES):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            with _exclusive(fd):
                if attempt < LOCK_TRIES - 1 and not _stands_at(fd, path):
                    continue
                yield fd
                return
        finally:
            os.close(fd)


def _stands_at(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is the one at ``path`` (not replaced or removed since)."""
    try:
        there = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


@contextlib.contextmanager
def _exclusive(fd: int) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _whole_lines(fd: int, key: str, *, partial: bool = False) -> tuple[bytes, int, set[str]]:
    """(first line, bytes of whole lines, words) of the open file, which this process holds
    locked; a missing or foreign file is started afresh with a new first line (``partial``:
    marked ``PARTIAL``)."""
    size = os.fstat(fd).st_size
    first = _first_line(fd)
    cached = _on_disk.get(key)
    if cached is not None and cached[0] == first and cached[1] <= size:
        header, done, words = cached
    elif first.startswith(_prefix()):
        header, done, words = first, len(first), set()
    else:
        header = _new_header(partial=partial)
        os.ftruncate(fd, 0)
        _write_all(fd, header, 0)
        return header, len(header), set()
    data = os.pread(fd, size - done, done)
    end = data.rfind(b"\n") + 1
    # a damaged line (bytes that are no UTF-8) stays: readers skip it (``parse``)
    text = data[:end].decode("utf-8", errors="replace")
    words.update(line.partition("\t")[0] for line in text.split("\n") if line)
    return header, done + end, words


def _first_line(fd: int) -> bytes:
    head = os.pread(fd, 200, 0)
    end = head.find(b"\n")
    return head[: end + 1] if end != -1 else b""


def _write_all(fd: int, data: bytes, offset: int) -> None:
    while data:
        written = os.pwrite(fd, data, offset)
        data, offset = data[written:], offset + written


def _read_part(part: Path) -> dict[str, str]:
    try:
        data = part.read_bytes()
        if not data.startswith(_prefix()):
            return {}
        return parse(data.split(b"\n", 1)[1].decode("utf-8", errors="replace"))
    except (OSError, IndexError):
        return {}


# --- rebuilding ---------------------------------------------------------------------------


def needs_rebuild(folder: Path) -> bool:
    """Whether the folder's file is missing, has no whole first line, is of another analyzer or
    was started afresh over documents it lacks (``PARTIAL``): a file that only the words of
    later commits would fill (``rebuild``)."""
    first = file_id(folder)
    return not (first.endswith(b"\n") and first.startswith(_prefix())) or first.endswith(PARTIAL + b"\n")


def rebuild(folder: Path, documents: Callable[[], Iterable[Iterable[str]]]) -> int:
    """Write the folder's file anew from the stored documents: ``documents()`` gives the
    analysed text fields of each (``index.document_fields``), which are analysed as a writer
    analyses them (a fresh ``analysis.german_analyzer`` in "index" mode, its words recorded by
    ``analysis.learning``, none looked up in a file), so that the file holds what the commits
    that stored them appended. ``documents`` is called after the old file's state is noted:
    what other writers append to it from then on goes into the new file too.

    The words are written in the order of how many documents hold their terms, most first
    (ties in the order they were met), ``FILE_LIMIT`` at most: a reader keeps the first
    ``LIMIT``, so beyond that it keeps the words its hits are likeliest to have.

    Written whole beside the old file (``words.tsv.<pid>-<random>.tmp``) and renamed over it
    while its lock is held (``_locked``): readers and writers find the old file or the whole
    new one, also when this is interrupted (the temporary file goes, the old file stays); a
    writer that waited for the lock appends to the new one; the new first line (another random
    id) makes readers read it from the top. Returns how many words it holds. Raises what the
    disk raises (the caller decides: ``Index.optimize`` warns, an explicit rebuild fails)."""
    path = folder / FILE_NAME
    if not os.access(folder, os.W_OK):  # before the analysis of every document, not after
        raise PermissionError(f"cannot write {FILE_NAME} in {folder}")
    _remove_abandoned(folder)
    mark = _mark(path)
    analyzer = analysis.german_analyzer()
    # per terms (one tuple per word the analyzer met), how many documents hold them
    documents_with: Counter[tuple[str, ...]] = Counter()
    with analysis.learning() as learned:
        for texts in documents():
            held: set[tuple[str, ...]] = set()
            for text in texts:
                if text:
                    held.update(terms for terms, _, _, _ in analyzer.word_positions(text, mode="index"))
            documents_with.update(held)
    lines = _most_held_first(learned, documents_with)
    del learned, documents_with
    header = _new_header()
    tmp = path.with_name(f"{FILE_NAME}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            data = header + "".join(lines.values()).encode("utf-8")
            _write_all(fd, data, 0)
            size = len(data)
            os.fsync(fd)  # the whole file before the rename
            with _locked(path) as old:
                try:
                    # what commits appended to the old file meanwhile
                    late = {word: f"{word}\t{terms}\n" for word, terms in _appended_since(old, mark).items()
                            if word not in lines}
                    late = dict(list(late.items())[: FILE_LIMIT - len(lines)])
                    if late:
                        data = "".join(late.values()).encode("utf-8")
                        _write_all(fd, data, size)
                        size += len(data)
                        os.fsync(fd)
                        lines.update(late)
                    with contextlib.suppress(OSError):  # the old file's permissions (a group's writers)
                        os.fchmod(fd, os.fstat(old).st_mode & 0o7777)
                    os.replace(tmp, path)
                except BaseException:
                    _remove_if_empty(old, path)
                    raise
                _on_disk[str(path)] = (header, size, set(lines))
        finally:
            os.close(fd)
    finally:
        tmp.unlink(missing_ok=True)
    return len(lines)


def _most_held_first(learned: Entries, documents_with: Counter[tuple[str, ...]]) -> dict[str, str]:
    """The lines of the words ``learned``, in the order of how many documents hold their terms
    (``documents_with``), most first, ties in the order they were met; ``FILE_LIMIT`` at most."""
    terms_of: dict[str, tuple[str, ...]] = {}
    for word, terms in learned:  # a word twice when the analyzer's memo was cleared (full)
        terms_of.setdefault(word, terms)
    lines: dict[str, str] = {}
    for word in sorted(terms_of, key=lambda word: -documents_with[terms_of[word]]):
        line = _line(word, terms_of[word])
        if line is not None:
            lines[word] = line
            if len(lines) >= FILE_LIMIT:
                break
    return lines


def _remove_if_empty(fd: int, path: Path) -> None:
    """Remove the open, locked file at ``path`` when it is empty: the one that locking it
    created where there was none (a rebuild that fails or is interrupted leaves what it found)."""
    with contextlib.suppress(OSError):
        if os.fstat(fd).st_size == 0 and _stands_at(fd, path):
            path.unlink()


def _mark(path: Path) -> tuple[bytes, int]:
    """(first line, bytes of whole lines) of the file at ``path`` now, read under its lock, or
    (b"", 0) without one: where the lines other writers append from now on begin."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return b"", 0
    try:
        with _exclusive(fd):
            return _first_line(fd), _whole_end(fd)
    finally:
        os.close(fd)


def _whole_end(fd: int) -> int:
    """The end of the open file's last whole line (a crashed writer may have left a part of
    one after it, which the next writer cuts off before it appends)."""
    end = os.fstat(fd).st_size
    while end > 0:
        start = max(0, end - 65536)
        newline = os.pread(fd, end - start, start).rfind(b"\n")
        if newline != -1:
            return start + newline + 1
        end = start
    return 0


def _appended_since(fd: int, mark: tuple[bytes, int]) -> dict[str, str]:
    """The entries of the lines other writers appended to the open, locked file since
    ``mark`` (``_mark``): all of its lines when it is another file than the one marked (one a
    writer started afresh meanwhile), none when it is no file of this analyzer."""
    first = _first_line(fd)
    if not first.startswith(_prefix()):
        return {}
    start = mark[1] if first == mark[0] else len(first)
    size = os.fstat(fd).st_size
    if size <= start:
        return {}
    data = os.pread(fd, size - start, start)
    return parse(data[: data.rfind(b"\n") + 1].decode("utf-8", errors="replace"))


#: A rebuild's temporary file lives seconds (written after the analysis, then renamed): one
#: older than this whose process is gone was left by a rebuild that was killed.
ABANDONED_SECONDS = 3600


def _remove_abandoned(folder: Path) -> None:
    """The temporary files of rebuilds whose process is gone (killed before its rename) and that
    are older than ``ABANDONED_SECONDS``: a process of another PID namespace (a container
    sharing the folder) may look gone while it writes its own."""
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would end the process there
        return
    for tmp in folder.glob(f"{FILE_NAME}.*.tmp"):
        pid = tmp.name[len(FILE_NAME) + 1 :].partition("-")[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and not _alive(int(pid)) and time.time() - tmp.stat().st_mtime > ABANDONED_SECONDS:
                tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


# --- reading ------------------------------------------------------------------------------

#: Per file read: (its first line, bytes read so far, its inode: a file renamed over it).
_read: dict[str, tuple[bytes, int, int]] = {}
#: Per file: when it was last looked at (``time.monotonic``).
_looked_at: dict[str, float] = {}
#: Seconds between two looks at one file: what a commit appends reaches readers that late at
#: most (a ``stat`` per search cost 2 % of a one-word query).
RECHECK_SECONDS = 1.0
_lock = threading.Lock()


def load(folder: Path) -> int:
    """Teach this process's reading analyzer the words of the folder's file that it has not
    read yet (cheap when there are none: one ``stat``, at most once a second). Returns how
    many words it kept. Never raises: the file is a cache."""
    try:
        return _load(folder / FILE_NAME)
    except Exception:  # noqa: BLE001 - see the docstring
        return 0


def _load(path: Path) -> int:
    key = str(path)
    now = time.monotonic()
    if now - _looked_at.get(key, -RECHECK_SECONDS) < RECHECK_SECONDS:
        return 0
    _looked_at[key] = now
    try:
        there = path.stat()
    except OSError:
        return 0
    with _lock:
        first, done, inode = _read.get(key, (b"", 0, -1))
        if there.st_size == done and there.st_ino == inode:
            return 0
        with path.open("rb") as f:
            return _read_new_lines(f, key, first, done)


def _read_new_lines(f: Any, key: str, first: bytes, done: int) -> int:
    """``_load`` of the open file: the lines after ``done`` when it is the file read before
    (its first line ``first``), else all of them."""
    st = os.fstat(f.fileno())
    size, inode = st.st_size, st.st_ino
    head = f.read(len(first) or 200)
    # resume only in the file read before, after a whole line (one copied over it in place
    # starts again from the top)
    from_top = not (done and head == first and _newline_before(f, done))
    if not from_top:
        f.seek(done)
    else:
        f.seek(0)
        first = f.readline(200)
        if not first.startswith(_prefix()) or not first.endswith(b"\n"):
            _read[key] = (first, size, inode)  # another analyzer's: not read again until it changes
            return 0
        done = len(first)
    data = f.read(size - done)
    end = data.rfind(b"\n") + 1
    if end == 0:
        return 0
    _read[key] = (first, done + end, inode)
    known = analysis._KNOWN_WORDS
    room = LIMIT - len(known)
    if from_top and known:
        return _correct_and_add(data[:end].decode("utf-8", errors="replace"), known, room)
    if room <= 0:
        return 0
    entries = parse(data[:end].decode("utf-8", errors="replace"), limit=room)
    analysis.know_words(entries)
    return len(entries)


def _correct_and_add(text: str, known: dict[str, str], room: int) -> int:
    """Read a file from the top (written anew by ``rebuild``, or another index's) in a process
    that already knows words: its lines correct the words known (a rebuild repairs a file), and
    only new words take ``room``. A correction also empties what the process derived from the
    old terms (the hit-reading analyzer's memo, ``word_terms``, the highlighter's vocabulary):
    a review found a server marking a word by its old terms after the rebuild."""
    corrected: dict[str, str] = {}
    new: dict[str, str] = {}
    for word, terms in _lines_of(text):
        if word in known:
            if known[word] != terms:
                corrected[word] = terms
        elif len(new) < room:
            new[word] = terms
    analysis.know_words({**corrected, **new})
    if corrected:
        from .highlight import VOCABULARY

        analysis.forget_hit_words()
        VOCABULARY.clear()
    return len(corrected) + len(new)


def _newline_before(f: Any, offset: int) -> bool:
    f.seek(offset - 1)
    return f.read(1) == b"\n"
