"""Reading source files into ``Document`` objects.

One reader per format, chosen by file suffix (``READERS``); a folder is read recursively. Every
reader returns raw-but-cleaned documents (scraping residue removed, publication date parsed with
its precision); entities and mentioned dates are added later by ``searchkit.pipeline``.

Failures are per file: ``read_paths`` reports an unreadable file through ``on_error`` and goes on
with the rest of the batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import ArgumentError, IngestError, SearchkitError
from ..model import Document
from .feeds import read_feed
from .formats import not_a_file, read_csv, read_html, read_jsonl, read_text

Reader = Callable[[Path, str], Iterator[Document]]

#: suffix → reader(path, id_prefix). Register more with ``register_reader``.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".html": read_html,
    ".htm": read_html,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
}


def register_reader(suffix: str, reader: Reader) -> None:
    """Teach searchkit a new file format (``suffix`` like ``".xml"``)."""
    READERS[suffix.lower()] = reader


def _iter_one(path: Path) -> Iterator[tuple[Path, str]]:
    if path.is_dir():
        try:
            files = sorted(path.rglob("*"))
        except OSError as error:
            raise IngestError(f"{path}: cannot list the folder ({error.strerror or error})") from error
        for file in files:
            rel = file.relative_to(path)
            # not only regular files: a broken link or a named pipe with a readable suffix is
            # reported by ``read_bytes`` (it was skipped without a word), never opened
            if not file.is_dir() and not any(part.startswith(".") for part in rel.parts):
                yield file, rel.with_suffix("").as_posix()
    elif path.exists():
        yield path, path.stem
    elif path.is_symlink():
        raise IngestError(f"{path}: {not_a_file(path)}")
    else:
        raise IngestError(f"{path}: no such file or folder")


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str]]:
    """Files to read with the id prefix of each: a folder is walked recursively (hidden entries
    skipped, sorted for stable ids), and ids are paths relative to the folder given, without
    the suffix (``_Naming.prefix``). A file named twice, or inside a folder named too, comes
    once, as ``read_paths`` reads it."""
    naming = _Naming()
    for raw in paths:
        for file, prefix in _iter_one(Path(raw)):
            if naming.first_time(file):
                yield file, naming.prefix(file, prefix)


def _id_prefixes(file: Path, prefix: str) -> Iterator[str]:
    """The id prefixes ``file`` may take, in order of preference: as named, with its suffix, its
    path, its absolute path (only asked for when the others are taken: a symbolic link that
    leads back to itself is reported when read, not here)."""
    yield prefix
    yield prefix + file.suffix
    yield _path_without_dots(file)
    yield Path(os.path.abspath(file)).as_posix()


def _path_without_dots(file: Path) -> str:
    """``file``'s path as an id: as given, without "." and ".." segments ("../b/feed.rss" →
    "b/feed.rss"), which an id may not hold (``model.check_id_segments``: no web address could
    reach the document); a third file of one name given as "../c/feed.rss" failed every
    document (found by a review)."""
    return "/".join(part for part in Path(os.path.normpath(file)).as_posix().split("/") if part not in (".", ".."))


class _Naming:
    """The id prefixes of the files one call reads, and which files it has read."""

    def __init__(self) -> None:
        #: prefixes given out so far
        self.taken: set[str] = set()
        #: folder → stem → readable files of that stem (each folder listed once: listing it per
        #: file made reading a folder of 4,000 files take 9 s instead of 0.1 s)
        self.listings: dict[Path, dict[str, int]] = {}
        #: the files read so far, resolved
        self.read: set[Path] = set()

    def prefix(self, file: Path, prefix: str) -> str:
        """The id prefix of ``file``'s documents. Files with one name stem gave their documents
        the same ids, and the last replaced the others (found by a review): a file keeps its
        suffix when its folder holds another readable file of the same stem ("artikel.html" and
        "artikel.txt", whichever of them is read, alone or together); files of one name in other
        folders, named in one call, are told apart by their suffix, then their path
        ("a/feed.jsonl", "b/feed.jsonl")."""
        if self._has_sibling_of_same_stem(file):
            prefix += file.suffix
        for candidate in _id_prefixes(file, prefix):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise IngestError(f"{file}: named twice")

    def first_time(self, file: Path) -> bool:
        """Whether ``file`` was not read before in this call (a file named twice, or inside a
        folder named too, is read once)."""
        try:
            key = file.resolve()
        except (OSError, RuntimeError):
            # a symbolic link that leads back to itself: Python before 3.13 raises RuntimeError,
            # which ended the whole import with a traceback; it is reported when read
            key = file.absolute()
        if key in self.read:
            return False
        self.read.add(key)
        return True

    def _has_sibling_of_same_stem(self, file: Path) -> bool:
        stems = self.listings.get(file.parent)
        if stems is None:
            stems = self.listings[file.parent] = {}
            try:
                for entry in os.scandir(file.parent):
                    name, suffix = os.path.splitext(entry.name)
                    if suffix.lower() in READERS and entry.is_file():
                        stems[name] = stems.get(name, 0) + 1
            except OSError:
                pass
        return stems.get(file.stem, 0) > 1


def _check_path(path: object) -> None:
    """A path to read is a string or a path: None or a number was a TypeError from ``Path``
    (found by a review)."""
    if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
        raise ArgumentError(f"a path to read is a string or a path, not {type(path).__name__}")


def read_file(path: str | os.PathLike[str], id_prefix: str | None = None) -> Iterator[Document]:
    """Documents of one file (raises ``IngestError`` for an unknown format or unreadable file)."""
    _check_path(path)
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestError(f"{path}: unknown format {path.suffix!r} (known: {', '.join(sorted(READERS))})")
    return reader(path, id_prefix if id_prefix is not None else path.stem)


def read_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    on_error: Callable[[Path, SearchkitError], None] | None = None,
    skip_unknown: bool = True,
    on_skip: Callable[[Path], None] | None = None,
) -> Iterator[Document]:
    """Documents of every file under ``paths``. Files of unknown formats inside folders are
    skipped, each passed to ``on_skip`` (the CLI names them: a folder of ``.json`` files was
    "nothing to index" without a word why, a review); a file that fails (or a path that does
    not exist) is passed to ``on_error`` (or raises when none is given), and reading goes on
    with the next file. One path alone is read as that path (iterating a string would read each
    of its characters as a path)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    elif not isinstance(paths, Iterable):
        raise IngestError(f"paths is a path or a list of paths, not {type(paths).__name__}")
    paths = list(paths)  # each checked before the first file is read
    for raw in paths:
        _check_path(raw)
    naming = _Naming()
    for raw in paths:
        try:
            files = [(file, prefix) for file, prefix in _iter_one(Path(raw)) if naming.first_time(file)]
        except SearchkitError as error:
            if on_error is None:
                raise
            on_error(Path(raw), error)
            continue
        given_file = len(files) == 1 and files[0][0] == Path(raw)
        for file, id_prefix in files:
            if file.suffix.lower() not in READERS and skip_unknown and not given_file:
                if on_skip is not None:
                    on_skip(file)
                continue  # other files in a folder (notes, images); a file named explicitly fails
            try:
                id_prefix = naming.prefix(file, id_prefix)
                yield from read_file(file, id_prefix)
            except SearchkitError as error:
                if on_error is None:
                    raise
                on_error(file, error)
            except (OSError, MemoryError, RecursionError, UnicodeError) as error:
                # A reader's bug or an exhausted machine must not end the batch either.
                wrapped = IngestError(f"{file}: cannot read ({type(error).__name__}: {error})")
                if on_error is None:
                    raise wrapped from error
                on_error(file, wrapped)
