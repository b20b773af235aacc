"""Lemmas of German words the stemmer cannot join.

    >>> lemma_stem("gesung"), lemma_stem("starb"), lemma_stem("fand")
    ('sing', 'sterb', 'find')
    >>> lemma_stem("regier")  # the stemmer joins all forms of "Regierung" already
    'regier'
    >>> lemma_stem("muse")  # "Museen" (Museum) and "Muse" share the stem: left alone
    'muse'

Snowball stemming cuts endings; it cannot see that "singen" and "gesungen", "sterben" and
"starben", or "finden" and "fand" are one word. The analyzer passes each stem through
``lemma_stem``, which returns the stem of the word's lemma, so a question ("Wie viele starben …?")
finds the article that says "… sind gestorben".

The table (``data/lemma_table.tsv.gz``, built by ``scripts/build_lemma_table.py`` from simplemma's
German dictionary) maps whole stems, so words the stemmer joins stay joined, and only stems
whose dictionary forms all agree on one lemma ("band" is not mapped to "binden", since "Band" is
a noun). It is loaded on first use (thread-safe, once; about 0.1 s).
"""

from __future__ import annotations

import gzip
import threading
from importlib import resources

__all__ = ["TABLE_FILE", "lemma_stem", "load_table"]

#: The derived table inside the package (``scripts/build_lemma_table.py``).
TABLE_FILE = "lemma_table.tsv.gz"

_table: dict[str, str] | None = None
_lock = threading.Lock()


def load_table() -> dict[str, str]:
    """The table, read on the first call (thread-safe, once)."""
    global _table
    with _lock:
        if _table is None:
            data = resources.files("searchkit").joinpath("data", TABLE_FILE).read_bytes()
            lines = gzip.decompress(data).decode("utf-8").splitlines()
            _table = dict(line.split("\t", 1) for line in lines if line)
    return _table


#: Stems this short are left as they are: in news they are abbreviations far more often than
#: the words the dictionary knows ("IS", the Islamic State, became the English "be"; "3D").
MIN_LEMMA_STEM = 3


def lemma_stem(stem: str) -> str:
    """The stem of the lemma of the words stemmed to ``stem`` when the table joins them to
    another stem, else ``stem`` itself."""
    if len(stem) < MIN_LEMMA_STEM:
        return stem
    table = _table if _table is not None else load_table()
    return table.get(stem, stem)
