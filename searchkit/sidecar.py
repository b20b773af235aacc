"""Arrays kept beside the index, one file per generation (facet columns, the spelling list):
numpy ``.npz`` files without pickles, written atomically so that a reader in another process
sees a whole file or none."""

from __future__ import annotations

import os
import threading
import zipfile
from pathlib import Path

import numpy as np


#: What reading a damaged ``.npz`` raises: a missing or unreadable file (OSError), a wrong
#: array or version (ValueError, KeyError), a file cut off (a zip without its directory:
#: BadZipFile; EOFError): the caller rebuilds it (a cut-off file raised BadZipFile into every
#: search that suggested a spelling, and kept a server from starting, a review).
DAMAGED_FILE_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


def pack_lines(items: list[str]) -> np.ndarray:
    """Strings as one array of UTF-8 bytes (newline-separated): stored without pickling, and
    loaded back by one decode and one split."""
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def unpack_lines(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` through a temporary file of this call and a rename. The
    temporary name holds the thread and a random part besides the process: two threads of one
    process adding through one shared ``Index`` (one saving after its commit, the other
    rebuilding the same generation's file) wrote and renamed one file, and one of them warned
    that it could not save (found by a review)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}-{os.urandom(4).hex()}.tmp")
    file = tmp.open("xb")  # "x": never into another call's file (nor remove it below)
    try:
        with file:
            np.savez(file, **arrays)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
