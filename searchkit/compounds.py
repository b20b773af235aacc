"""German compound splitting for the search analyzer.

    >>> split_compound("militärstützpunkte")
    ['militär', 'stützpunkte']
    >>> split_compound("bundesverteidigungsministerium")
    ['bund', 'verteidigung', 'ministerium']
    >>> split_compound("regierung")
    []

``split_compound(word)`` takes one lowercased word (umlauts and ß allowed, no hyphens: the
analyzer splits at hyphens itself) and returns the parts of a compound in reading order, or ``[]``
for a word that is not split. Non-final parts come without their linking element
(Verteidigung\\ **s**\\ ministerium → verteidigung, Kind\\ **er**\\ garten → kind, Sonne\\ **n**\\ schein →
sonne; an elided ``-e`` stays elided: Hilf\\ **s**\\ programm → hilf, which the stemmer treats like
"Hilfe"); the last part is returned inflected as it appears (militär + stützpunkte), so that the
stemmer downstream normalizes it. Every part is a substring of the word, and the parts follow each
other with only a linking element (``s es n en er e ns ens``) between them.

Algorithm (a dictionary splitter in the spirit of Koehn & Knight 2003, "Empirical methods for
compound splitting", with frequencies from ``wordfreq``):

1. The lexicon (``data/compound_lexicon.txt.gz``, built by ``scripts/build_compound_lexicon.py``
   from Debian's German word lists) lists *heads* — noun forms that may end a compound, inflected
   — and *modifiers* — forms that may begin or continue one: nouns in any case form and the
   compound forms of the hunspell dictionary, with how much of the form is the part and how much
   the linking element. Only nouns (and noun stems) are parts: no particles, pronouns, verbs or
   adjectives, so Abkommen, Vorstand, Gegenwart, Einsatz are never split. Each entry carries a
   frequency class (Zipf, 0–8) of its word family.
2. A dynamic program over split points finds, among the segmentations of the word into modifier*
   + head, the one with the *fewest*
   parts, and among those the one with the highest mean Zipf (the geometric mean of the part
   frequencies, as in Koehn & Knight). Covering the whole word with dictionary parts is what
   keeps the classic errors out: Wandhalterung can only be wand + halterung (no "wandh"), and
   Führung has no cover at all, so "run" inside it never matters.
3. Each part of at least ``MIN_WORD_LENGTH`` letters is split again the same way
   (Bundesverteidigungsministerium → bund + verteidigungsministerium → bund + verteidigung +
   ministerium).
4. Words that the lexicon marks *keep whole* are not split (at the top or inside): lexicalized
   compounds whose whole word is more frequent than its rarest part (Stützpunkt, Arbeitgeber,
   Tabelle — Koehn & Knight's "the parts must explain the word" test, decided at build time),
   names (Regensburg, Wagenknecht), words the dictionary knows only in lowercase (adjectives and
   adverbs such as zweifelhaft, beispielsweise) and a short hand list of opaque news words
   (Bundestag, Hochzeit).

Words shorter than ``MIN_WORD_LENGTH`` letters and words with anything but letters are never
split. The lexicon is loaded on first use (thread-safe, once) and results are cached
(``functools.lru_cache``). Without its lexicon file the module cannot split: ``split_compound``
raises ``FileNotFoundError`` — the file ships with the package.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "LEXICON_FILE",
    "LINKING_ELEMENTS",
    "MIN_PART_LENGTH",
    "MIN_WORD_LENGTH",
    "CompoundSplitter",
    "default_splitter",
    "split_compound",
]

#: The derived lexicon inside the package (see ``scripts/build_compound_lexicon.py``).
LEXICON_FILE = "compound_lexicon.txt.gz"
#: Parts have at least this many letters, except a closed list of frequent short nouns in the
#: lexicon (bau, tag, amt, rat, see, öl, …; see the build script): "ab", "an", "run", "ren" are
#: never parts.
MIN_PART_LENGTH = 4
#: Words shorter than this are never split (Bahnhof, Landtag and Fußball have 7 letters).
MIN_WORD_LENGTH = 7
#: Linking elements (Fugenelemente) that may sit between two parts, longest first.
LINKING_ELEMENTS = ("ens", "es", "en", "er", "ns", "n", "s", "e")
#: At most this many parts in one segmentation step (the recursion may add more).
MAX_PARTS = 6
#: Longest modifier form tried (longer prefixes are not looked up).
MAX_MODIFIER_LENGTH = 30
#: Bound of the per-process result cache.
CACHE_SIZE = 200_000


class CompoundSplitter:
    """The splitter over an explicit lexicon (the build script and tests construct it directly).

    ``heads``: form → Zipf of a noun form that may end a compound.
    ``modifiers``: form → (length of its linking element, Zipf) for a form that may begin or
    continue a compound (``"verteidigungs": (1, 4.4)``: the part is "verteidigung").
    ``keep``: words never split.
    ``linked_heads``: heads allowed only after a modifier with a linking element (Wochen|ende,
    Kriegs|ende; not the participle rauch|enden).
    """

    __slots__ = (
        "_heads",
        "_keep",
        "_linked_heads",
        "_max_mod",
        "_min_part",
        "_min_word",
        "_modifiers",
        "_prefixes",
        "_short",
    )

    def __init__(
        self,
        heads: dict[str, float],
        modifiers: dict[str, tuple[int, float]],
        keep: frozenset[str] | set[str] = frozenset(),
        *,
        linked_heads: frozenset[str] | set[str] = frozenset(),
        min_word: int = MIN_WORD_LENGTH,
    ) -> None:
        self._heads = heads
        self._modifiers = modifiers
        self._keep = keep
        self._linked_heads = linked_heads
        self._min_word = min_word
        # The shortest part the lexicon has (2: "öl"); split points closer than this are not tried.
        self._min_part = max(1, min(min(map(len, heads), default=1), min(map(len, modifiers), default=1)))
        self._max_mod = min(MAX_MODIFIER_LENGTH, max(map(len, modifiers), default=0))
        # The first three letters of every modifier (and the few shorter modifiers): a start
        # position whose next letters begin no modifier needs no further look-ups.
        self._prefixes = frozenset(m[:3] for m in modifiers)
        self._short = frozenset(m for m in modifiers if len(m) < 3)

    def is_kept_whole(self, word: str) -> bool:
        return word in self._keep

    def segment(self, word: str) -> list[tuple[str, str]] | None:
        """One level of splitting: ``[(form, part), ...]`` with the fewest parts (≥ 2) and,
        among those, the highest mean Zipf; ``None`` if no segmentation exists. ``form`` is the
        text as it occurs (with linking element), ``part`` the form without it."""
        n = len(word)
        min_part = self._min_part
        if n < 2 * min_part:
            return None
        modifiers, heads, prefixes = self._modifiers, self._heads, self._prefixes
        max_mod = self._max_mod
        # states[p][k] = (score, previous position, previous k): best way to cover word[:p] with
        # k modifiers; k stays small, so a dict per position is cheap.
        states: dict[int, dict[int, tuple[float, int, int]]] = {0: {0: (0.0, -1, -1)}}
        best: tuple[int, float, int, int] | None = None  # (parts, -score, position, k)
        last_start = n - min_part
        for p in range(0, last_start + 1):
            state = states.get(p)
            if state is None:
                continue
            if p:
                tail = word[p:]
                head = heads.get(tail)
                if head is not None:
                    linked = tail in self._linked_heads
                    for k, (score, prev, _) in state.items():
                        if linked and not modifiers[word[prev:p]][0]:
                            continue
                        candidate = (k + 1, -(score + head) / (k + 1), p, k)
                        if best is None or candidate[:2] < best[:2]:
                            best = candidate
            if word[p : p + 3] not in prefixes and word[p : p + 2] not in self._short:
                continue
            for j in range(p + min_part, min(last_start, p + max_mod) + 1):
                entry = modifiers.get(word[p:j])
                if entry is None:
                    continue
                zipf = entry[1]
                target = states.setdefault(j, {})
                for k, (score, _, _) in state.items():
                    if k + 1 >= MAX_PARTS:
                        continue
                    new = score + zipf
                    old = target.get(k + 1)
                    if old is None or new > old[0]:
                        target[k + 1] = (new, p, k)
        if best is None:
            return None
        _, _, p, k = best
        parts = [(word[p:], word[p:])]
        while k > 0:
            _, prev, prev_k = states[p][k]
            form = word[prev:p]
            parts.append((form, form[: len(form) - modifiers[form][0]]))
            p, k = prev, prev_k
        parts.reverse()
        return parts

    def head_words(self) -> Iterator[str]:
        """The words the lexicon knows as a compound's last part (nouns, lowercase)."""
        return iter(self._heads)

    def split(self, word: str) -> list[str]:
        """Parts of ``word`` in order, or ``[]`` (see the module docstring). A word written with
        ae/oe/ue for its umlauts ("Buergergeld", "Oekostrom": keyboards without them) that does
        not split as written is split as read with the umlauts ("bürger", "geld"): the lexicon
        knows the words with umlauts, so "Buergergeld" had no parts and did not find
        "Bürgergeldreform" (found by a review)."""
        if len(word) < self._min_word or not word.isalpha() or word in self._keep:
            return []
        parts = self._split(word, 0)
        if len(parts) < 2 and word.isascii() and UMLAUT_DIGRAPH.search(word):
            read = with_umlauts(word)
            if read not in self._keep:
                parts = self._split(read, 0)
        return parts if len(parts) > 1 else []

    def _split(self, word: str, depth: int) -> list[str]:
        if depth and (len(word) < self._min_word or word in self._keep):
            return [word]
        segments = self.segment(word)
        if segments is None or depth > 4:
            return [word]
        out: list[str] = []
        for _, part in segments:
            out.extend(self._split(part, depth + 1))
        return out


#: ae, oe, ue that may stand for ä, ö, ü: not the end of a diphthong or of "qu" ("Steuer",
#: "Bauer", "Quelle" keep their letters). Also read so by prefix queries
#: (``parsing._umlaut_patterns``) and the facet-value search (``facets.umlaut_reading``).
UMLAUT_DIGRAPH = re.compile(r"(?<![aeiouqAEIOUQ])(?:ae|oe|ue)")
_UMLAUT_OF = {"ae": "ä", "oe": "ö", "ue": "ü"}


def with_umlauts(text: str) -> str:
    """``text`` (lowercase) with each ae/oe/ue that may stand for ä/ö/ü written so."""
    return UMLAUT_DIGRAPH.sub(lambda m: _UMLAUT_OF[m[0]], text)


def read_lexicon(path: str | Path) -> CompoundSplitter:
    """A splitter over the lexicon file at ``path`` (format: see the build script's ``write``)."""
    heads: dict[str, float] = {}
    modifiers: dict[str, tuple[int, float]] = {}
    keep: set[str] = set()
    linked: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        key, _, forms = line.partition("\t")
        kind, *numbers = key.split(" ")
        words = forms.split(" ")
        if kind == "H":
            heads.update(dict.fromkeys(words, int(numbers[0]) / 10))
        elif kind == "M":
            modifiers.update(dict.fromkeys(words, (int(numbers[1]), int(numbers[0]) / 10)))
        elif kind == "K":
            keep.update(words)
        elif kind == "L":
            linked.update(words)
    return CompoundSplitter(heads, modifiers, frozenset(keep), linked_heads=frozenset(linked))


_lock = threading.Lock()
_default: CompoundSplitter | None = None


def default_splitter() -> CompoundSplitter:
    """The package's splitter, loaded once on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                source = resources.files("searchkit") / "data" / LEXICON_FILE
                with resources.as_file(source) as path:
                    _default = read_lexicon(path)
    return _default


@lru_cache(maxsize=CACHE_SIZE)
def _cached_split(word: str) -> tuple[str, ...]:
    return tuple(default_splitter().split(word))


def split_compound(word: str) -> list[str]:
    """The parts of the lowercased German ``word`` if it is a compound, else ``[]``.

    ``split_compound("wandhalterung") == ["wand", "halterung"]``,
    ``split_compound("erfahrungsbericht") == ["erfahrung", "bericht"]``,
    ``split_compound("führung") == []``.
    """
    if len(word) < MIN_WORD_LENGTH:
        return []
    return list(_cached_split(word))
