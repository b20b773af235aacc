"""Each word's index terms, kept beside the index (``words.tsv``), so that a searching process
does not analyse the words of its hits again.

Highlighting and the second stage (``highlight``, ``rerank``) need the terms of every word of
the titles, leads and bodies they read. The analyzer memoizes them, but a fresh process knows
no word: on the benchmark's 10,000 documents, analysing the words of the hits for the first
time (compound splitting, stemming, lemmas: about 30 µs a word) was half the time of a
two-word query answered by a process that had not seen those documents before. The writer
has analysed every one of those words already; it records what it learned
and appends it to this file at each commit, and a reader adds the file to what its analyzers
know (``analysis.know_words``) before its first search (69,000 words in about 40 ms).

The file is a cache, never the index: a missing, damaged or foreign file costs speed, not
results. Its first line names the analyzer it was made with (``fingerprint``: the analysis
code and its word lists); a file of another analyzer is ignored by readers and started afresh
by the next writer. Lines are appended whole and only by the writer that holds the index's
write lock; a reader stops at a line without its newline (one being written), and a writer
first cuts such a line off (a crash in the middle of an append).

Where the words come from: on the Whoosh engine, from the analyzers themselves
(``analysis.learning`` records every word a writer's analyzer looks up, and each writer's
schema brings a fresh analyzer); Whoosh's sub-writer processes leave theirs in part files
(``PART_PREFIX``), which the commit merges. The tantivy writer reads each word's terms off the
analysis it indexes (``tantivy_engine.LearnedWords``), wherever a worker made it.

Format: ``word<TAB>term term …`` per line: the word cleaned and lowercase, as the analyzer's
chain reads it after its lowercase and stop filters (so "Frankreich", "FRANKREICH" and the
facet value "frankreich" share a line; stopwords have none), its terms joined by spaces (no
term holds one), the field empty for a word without terms.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import analysis

#: The file in the index folder.
FILE_NAME = "words.tsv"
#: Files of a writer's worker processes, merged into ``FILE_NAME`` at the next commit.
PART_PREFIX = "words-part-"
#: Header of the file; the fingerprint follows it.
HEADER = "# searchkit word terms 1 "
#: Words a process keeps at most (about 155 bytes each: 10.7 MB for the 69,000 words of the
#: benchmark's 10,000 documents); beyond, words are analysed as usual.
LIMIT = 250_000

#: Sources whose change may change what a word's terms are (and ``model.PLAIN_LETTERS``).
_ANALYSIS_SOURCES = ("analysis.py", "compounds.py", "lemmas.py")
_ANALYSIS_DATA = ("compound_lexicon.txt.gz", "lemma_table.tsv.gz")

Entries = Iterable[tuple[str, "tuple[str, ...]"]]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of what decides a word's terms: searchkit's analysis code and word lists, and
    the versions of Whoosh (tokenizer, stopwords) and PyStemmer. Computed once per process
    (about 5 ms)."""
    from .model import PLAIN_LETTERS

    digest = hashlib.sha256(repr(sorted(PLAIN_LETTERS.items())).encode())
    package = resources.files("searchkit")
    for name in _ANALYSIS_SOURCES:
        digest.update(package.joinpath(name).read_bytes())
    for name in _ANALYSIS_DATA:
        digest.update(package.joinpath("data", name).read_bytes())
    for dist in ("whoosh-reloaded", "PyStemmer"):
        try:
            digest.update(importlib.metadata.version(dist).encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"-")
    return digest.hexdigest()[:16]


def header() -> str:
    return HEADER + fingerprint() + "\n"


def _line(word: str, terms: tuple[str, ...]) -> str | None:
    """The file's line for one word, or None for one the format cannot hold."""
    if not word or _holds_separator(word):
        return None
    if any(not term or _holds_separator(term) for term in terms):
        return None
    return f"{word}\t{' '.join(terms)}\n"


def _holds_separator(text: str) -> bool:
    return " " in text or "\t" in text or "\n" in text or "\r" in text


def parse(text: str) -> dict[str, str]:
    """The entries of ``text``'s lines (word → terms as ``analysis.know_words`` takes them)."""
    entries: dict[str, str] = {}
    for line in text.split("\n"):
        word, tab, terms = line.partition("\t")
        if tab and word and "\t" not in terms:
            entries[word] = terms
    return entries


# --- writing ------------------------------------------------------------------------------


def save_part(folder: Path, learned: Entries) -> None:
    """Leave a worker process's words in a part file of ``folder`` (written whole: a temporary
    file, then a rename), for the writer's next commit to merge."""
    lines = [line for word, terms in learned if (line := _line(word, terms))]
    if not lines:
        return
    part = folder / f"{PART_PREFIX}{os.getpid()}-{os.urandom(4).hex()}.tsv"
    tmp = part.with_suffix(".tmp")
    try:
        tmp.write_text(header() + "".join(lines), encoding="utf-8")
        os.replace(tmp, part)
    finally:
        tmp.unlink(missing_ok=True)


def save(folder: Path, learned: Entries) -> int:
    """Append the words of ``learned`` and of the folder's part files that the file does not
    hold yet (the caller holds the index's write lock), and remove the part files. Returns how
    many words were appended. A failure leaves the index as it was: this is a cache."""
    path = folder / FILE_NAME
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
    try:
        known, size = _words_on_disk(path)
        new = [line for word, line in lines.items() if word not in known]
        if new:
            _append(path, size, "".join(new))
    except OSError:
        return 0
    for part in parts:
        part.unlink(missing_ok=True)
    return len(new)


def _words_on_disk(path: Path) -> tuple[set[str], int | None]:
    """The words the file holds and the bytes its whole lines take (None: no usable file)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set(), None
    head = header().encode()
    if not data.startswith(head):
        return set(), None
    end = data.rfind(b"\n") + 1
    try:
        lines = data[len(head) : end].decode("utf-8").split("\n")
    except UnicodeDecodeError:  # damaged: started afresh
        return set(), None
    return {line.partition("\t")[0] for line in lines}, end


def _append(path: Path, size: int | None, text: str) -> None:
    """Append ``text`` after the file's ``size`` bytes of whole lines (a new file with its
    header when ``size`` is None), cutting off anything after them first."""
    if size is None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(header() + text, encoding="utf-8")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return
    with path.open("r+b") as f:
        f.truncate(size)
        f.seek(size)
        f.write(text.encode("utf-8"))


def _read_part(part: Path) -> dict[str, str]:
    try:
        text = part.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    head = header()
    if not text.startswith(head):
        return {}
    return parse(text[len(head) :])


# --- reading ------------------------------------------------------------------------------

#: Per file read: (inode, bytes read so far).
_read: dict[str, tuple[int, int]] = {}
#: Per folder: when its file was last looked at (``time.monotonic``).
_looked_at: dict[Path, float] = {}
#: Seconds between two looks at one file: what a commit appends reaches readers that late at
#: most (a ``stat`` per search cost 2 % of a one-word query).
RECHECK_SECONDS = 1.0
_lock = threading.Lock()


def load(folder: Path) -> int:
    """Teach this process's analyzers the words of the folder's file that it has not read yet
    (cheap when there are none: one ``stat``, at most once a second). Returns how many words
    were read."""
    now = time.monotonic()
    if now - _looked_at.get(folder, -RECHECK_SECONDS) < RECHECK_SECONDS:
        return 0
    _looked_at[folder] = now
    path = folder / FILE_NAME
    try:
        stat = path.stat()
    except OSError:
        return 0
    key = str(path)
    with _lock:
        inode, done = _read.get(key, (None, 0))
        if inode != stat.st_ino or stat.st_size < done:
            done = 0  # a new file (started afresh, or the index rebuilt)
        if stat.st_size == done:
            return 0
        try:
            with path.open("rb") as f:
                f.seek(done)
                data = f.read(stat.st_size - done)
        except OSError:
            return 0
        start = 0
        if done == 0:
            head = header().encode()
            if not data.startswith(head):
                _read[key] = (stat.st_ino, stat.st_size)  # another analyzer's: not read again
                return 0
            start = len(head)
        end = data.rfind(b"\n") + 1
        if end <= start:
            return 0
        _read[key] = (stat.st_ino, done + end)
        try:
            entries = parse(data[start:end].decode("utf-8"))
        except UnicodeDecodeError:  # damaged: these words are analysed as usual
            return 0
        analysis.know_words(entries, limit=LIMIT)
        return len(entries)
