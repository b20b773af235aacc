"""The spelling vocabulary behind "Meinten Sie …?": every word of the indexed texts (4–40
letters, lowercase, as written: not stemmed, not folded) with the number of documents that use
it.

It is kept beside the index, one file per generation (``spelling-<generation>.npz``), not as an
indexed field. As a field it cost one posting per distinct word of every document: a third of
all postings and half the time of the Whoosh index step, for a list that only needs counts.
The writer updates the list by what a commit adds and removes (``Change``) and saves it under
the new generation; a reader loads the file of its generation. The file can always be rebuilt
from the stored documents, which happens when it is missing (an index written before the file
existed, a crash between the commit and the save) or damaged.

A reader whose generation has no file yet (another process has just committed and not saved
its list) uses the newest file there is: suggestions are hints, and ``suggest.suggest`` only
offers one that finds more documents than the query did, so a list one commit old does no harm.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Sequence

import numpy as np

from .model import Document
from .sidecar import DAMAGED_FILE_ERRORS, pack_lines, save_arrays, unpack_lines

#: A word worth suggesting: 4 to 40 letters, not part of a longer run of letters.
WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{4,40}(?![^\W\d_])")

#: Letters a word may wrongly begin with or miss at its start (``first_letter_typos``).
FIRST_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
FIRST_LETTER_MIN = 6

#: ``spelling-<generation>.npz`` in the index folder.
FILE_PREFIX = "spelling-"
#: Bumped when the saved arrays change meaning; files of another version are rebuilt.
FILE_VERSION = 1


def document_words(doc: Document) -> set[str]:
    """The distinct spelling words of one document (title, lead and body)."""
    return {w.lower() for w in WORD.findall(" ".join((doc.title, doc.lead, doc.body)))}


class Similar(NamedTuple):
    word: str
    distance: int
    count: int


class Change(Counter[str]):
    """What one commit does to the vocabulary: +1 per word of each added document, -1 per word
    of each removed (deleted or replaced) one."""

    def add(self, doc: Document) -> None:
        self.update(document_words(doc))

    def remove(self, doc: Document) -> None:
        self.subtract(document_words(doc))


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Sorted words and the number of documents using each: found by binary search, so the
    list costs two arrays of memory, not a dictionary. An index shares its vocabulary between
    its searches (``Index.spelling``), so it cannot be changed: the words are a tuple and the
    counts refuse writes (a caller's ``counts[0] = 5`` had changed every later suggestion)."""

    words: Sequence[str]
    counts: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.words))
        self.counts.setflags(write=False)

    @classmethod
    def empty(cls) -> Vocabulary:
        return cls([], np.zeros(0, dtype=np.int32))

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> Vocabulary:
        words = sorted(w for w, n in counts.items() if n > 0)
        return cls(words, np.fromiter((counts[w] for w in words), dtype=np.int32, count=len(words)))

    @classmethod
    def build(cls, docs: Iterable[Document]) -> Vocabulary:
        change = Change()
        for doc in docs:
            change.add(doc)
        return cls.from_counts(change)

    def __len__(self) -> int:
        return len(self.words)

    def frequency(self, word: str) -> int:
        """In how many documents ``word`` (lowercase) occurs; 0 when it is unknown."""
        at = bisect_left(self.words, word)
        return int(self.counts[at]) if at < len(self.words) and self.words[at] == word else 0

    def starting_with(self, prefix: str, limit: int) -> Sequence[str] | None:
        """The known words that begin with ``prefix`` (lowercase), or None when more than
        ``limit`` do."""
        lo = bisect_left(self.words, prefix)
        hi = bisect_left(self.words, prefix + "\U0010ffff", lo)
        return None if hi - lo > limit else self.words[lo:hi]

    def matching(self, pattern: str, limit: int) -> list[str] | None:
        """The known words that the wildcard ``pattern`` (lowercase; ``*`` any letters, ``?``
        one) matches as a whole, or None when more than ``limit`` do. Only the words that begin
        with the letters before the first wildcard are tried (all of them for "*zug")."""
        from .analysis import wildcard_head, wildcard_regex

        head = wildcard_head(pattern)
        lo = bisect_left(self.words, head)
        hi = bisect_left(self.words, head + "\U0010ffff", lo)

        found: list[str] = []
        for word in filter(wildcard_regex(pattern).match, self.words[lo:hi]):
            found.append(word)
            if len(found) > limit:
                return None
        return found

    def similar(self, word: str, maxdist: int, prefix: int = 1) -> list[Similar]:
        """Known words other than ``word`` within ``maxdist`` edits that start with the same
        ``prefix`` letters, as (word, distance, document count). Two neighbouring letters
        swapped are one edit (optimal string alignment, Damerau's typing errors): by Levenshtein
        they were two, so "erwaretn" was nearer to "erwartet" than to "erwarten"."""
        from rapidfuzz.distance import OSA
        from rapidfuzz.process import extract

        head = word[:prefix]
        lo = bisect_left(self.words, head)
        hi = bisect_left(self.words, head + "\U0010ffff", lo)
        matches = extract(word, self.words[lo:hi], scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        return [Similar(w, int(d), int(self.counts[lo + i])) for w, d, i in matches if w != word]

    def first_letter_typos(self, word: str) -> list[Similar]:
        """Known words one edit away from ``word`` at its first letter ("Ferkehr" → verkehr,
        "Rbeiter" → arbeiter, "Aplanung" → planung): ``similar`` only looks among words
        that begin as typed, which keeps it fast but left these without a suggestion, or with a
        worse one two edits away ("Ferkehr" → ferner). Each variant is one binary search. Only
        for words of ``FIRST_LETTER_MIN`` letters or more: a shorter one is one letter away from
        too many words ("Class" → lass)."""
        if len(word) < FIRST_LETTER_MIN:
            return []
        head, rest = word[0], word[1:]
        variants = {letter + rest for letter in FIRST_LETTERS if letter != head}  # replaced
        variants |= {letter + word for letter in FIRST_LETTERS}  # one put in front
        variants.add(rest)  # dropped
        if word[1] != head:
            variants.add(word[1] + head + word[2:])  # swapped with the second
        variants.discard(word)
        found = ((variant, self.frequency(variant)) for variant in variants)
        return [Similar(variant, 1, count) for variant, count in found if count]

    def updated(self, change: Change) -> Vocabulary:
        """This vocabulary after one commit's ``change`` (words whose count drops to 0 leave)."""
        if not change:
            return self
        counts = dict(zip(self.words, self.counts.tolist()))
        for word, delta in change.items():
            counts[word] = counts.get(word, 0) + delta
        # sorted() over old words (in order) followed by the few new ones is close to linear
        return Vocabulary.from_counts(counts)


# -- files -------------------------------------------------------------------------------------
def path_of(folder: Path, generation: int) -> Path:
    return folder / f"{FILE_PREFIX}{generation}.npz"


def _generation_of(path: Path) -> int | None:
    try:
        return int(path.name[len(FILE_PREFIX) : -len(".npz")])
    except ValueError:
        return None


def save(folder: Path, generation: int, vocabulary: Vocabulary) -> None:
    """Write the list of ``generation`` whole (``sidecar.save_arrays``: a temporary file of this
    call, then a rename)."""
    save_arrays(path_of(folder, generation), _arrays(generation, vocabulary))


def _arrays(generation: int, vocabulary: Vocabulary) -> dict[str, np.ndarray]:
    """What a spelling file holds (``load`` reads it back)."""
    return {
        "meta": np.array([FILE_VERSION, generation], dtype=np.int64),
        "words": pack_lines(vocabulary.words),
        "counts": vocabulary.counts.astype(np.int32, copy=False),
    }


def load(path: Path) -> Vocabulary:
    """The vocabulary saved at ``path``; ``ValueError`` or ``OSError`` when it cannot be used."""
    with np.load(path, allow_pickle=False) as saved:
        version, generation = saved["meta"].tolist()
        words = unpack_lines(saved["words"])
        counts = saved["counts"]
    if version != FILE_VERSION or generation != _generation_of(path) or len(words) != len(counts):
        raise ValueError(f"{path.name} is not a spelling file of this version")
    return Vocabulary(words, counts)


def saved_generations(folder: Path) -> list[int]:
    """Generations that have a spelling file, newest first."""
    found = (_generation_of(p) for p in folder.glob(f"{FILE_PREFIX}*.npz"))
    return sorted((g for g in found if g is not None), reverse=True)


def of_snapshot(snapshot: Any, folder: Path) -> Vocabulary:
    """The exact vocabulary of ``snapshot``'s generation: its file, or rebuilt from the stored
    documents (and saved) when the file is missing or damaged. Writers start from this."""
    if snapshot.doc_count() == 0:
        return Vocabulary.empty()
    try:
        return load(path_of(folder, snapshot.generation))
    except DAMAGED_FILE_ERRORS:
        return _rebuild(snapshot, folder)


def for_reading(snapshot: Any, folder: Path) -> tuple[Vocabulary, bool]:
    """The vocabulary a reader of ``snapshot`` suggests from, and whether it is exact: the file
    of its generation; while that file does not exist yet, the newest file there is (see the
    module docstring); else, or when the file of its generation is damaged, rebuilt."""
    if snapshot.doc_count() == 0:
        return Vocabulary.empty(), True
    own = path_of(folder, snapshot.generation)
    if not own.exists():
        for generation in saved_generations(folder):
            try:
                return load(path_of(folder, generation)), False
            except DAMAGED_FILE_ERRORS:
                continue
    return of_snapshot(snapshot, folder), True


def _rebuild(snapshot: Any, folder: Path) -> Vocabulary:
    """Count the words of every stored document of ``snapshot`` and save the list."""
    vocabulary = Vocabulary.build(Document.from_stored(s) for s in snapshot.iter_stored())
    _save_quietly(folder, snapshot.generation, vocabulary)
    return vocabulary


def after_commit(folder: Path, base: Vocabulary, base_generation: int, generation: int, change: Change) -> Vocabulary:
    """Save the vocabulary of a new generation (``base`` of the generation the commit started
    from, changed by ``change``) and drop files older than the base (a reader may still be on
    the base generation). A failure to save does not undo the commit: readers rebuild."""
    vocabulary = base.updated(change)
    if _save_quietly(folder, generation, vocabulary):
        for old in saved_generations(folder):
            if old < base_generation:
                path_of(folder, old).unlink(missing_ok=True)
    return vocabulary


def _save_quietly(folder: Path, generation: int, vocabulary: Vocabulary) -> bool:
    try:
        save(folder, generation, vocabulary)
        return True
    except OSError as error:
        warnings.warn(f"could not save the spelling list of generation {generation}: {error}", stacklevel=2)
        return False
