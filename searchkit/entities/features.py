"""Token features for the CRF tagger (shared by training and tagging).

Features are plain strings (binary features for crfsuite). Everything that depends on one word
only is computed once per distinct word and cached together with the prefixed copies that its
neighbours use, so that a token costs a few list concatenations: this keeps the tagger well above
20,000 tokens/s on one core.

Cues, in order of weight for German (where every noun is capitalized):

* the word itself, lowercase, shape, prefixes and suffixes;
* lexicon flags (``data/lexicon.tsv.gz``): common noun, toponym, country, region, city, first
  name, surname, lowercase German word, frequency class; the same for the word without a
  genitive ``-s`` and for the parts of a hyphenated compound;
* the compound head: the longest common noun that the word ends in ("Verteidigungsministerium"
  → "ministerium", "Luftwaffenstützpunkt" → "stützpunkt"), the cue for organisations;
* distributional word classes (``data/clusters.tsv.gz``) at three granularities;
* the same cues for the two words before and after, word bigrams, sentence start.

Optional sentence-context groups (``CONTEXT_GROUPS``, ``Featurizer(context=...)``; the shipped
model uses none, docs/entities.md has their scores): quotes and brackets, cue nouns before,
legal forms ahead, word-class and shape conjunctions, shape and class three words away.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
#: Word types whose features are kept in memory (cleared when full; one news article has a few
#: hundred distinct words).
CACHE_SIZE = 200_000
#: Longer tokens are never names: they get one feature only.
MAX_WORD = 48

_NAME_FLAGS = frozenset("TVSECRYFLO")
_OPEN_PUNCT = frozenset("\"'„“‚‘«»(:[-–—")
_QUOTES = frozenset("\"„“”«»‚‘’'") | {"''", "``"}
_LEGAL_AHEAD = ["", "legal+1", "legal+2", "legal+3", "legal+4"]
#: Optional sentence-context feature groups (``Featurizer(context=...)``; the model records the
#: groups it was trained with in ``model.json``): ``quote`` inside quotes or brackets, ``cue`` a
#: cue noun one or two words before ("die Partei Likud", "Herrn Müller"), ``legal`` a legal form
#: up to four words ahead ("Deutsche Bank AG"), ``conj`` word-class pairs and shape triples with
#: the neighbours, ``win3`` shape and word class three words away.
CONTEXT_GROUPS = ("quote", "cue", "legal", "conj", "win3")
#: Nouns right before a name that say what kind of name follows, matched on the word, its
#: compound head ("Nachrichtenagentur" → "agentur") and without a genitive -s or -es
#: (``Featurizer.cue``). Besides the ``cue`` feature group they set the type of a tagged name
#: after decoding (``retype.py``; docs/entities.md, "Fifth round"): "Amt" before a name is the
#: old administrative district ("Amt Brackwede", a place in GermEval); "Initiative" and
#: "Vereinigung" announce bodies ("die Initiative Covax", "die Vereinigung Cockpit"); OTH,
#: works and products, are no facet names ("das Lied Fireflies", "vom Typ ICE 3"). Not "Band"
#: (also a book: "des Bandes Aftermath", "der Gedichtband Harmonies"), "Marke" (a brand is
#: mostly its company: "die Kernmarke Lufthansa"), "Programm" ("das Atomprogramm Teherans"),
#: "-spiel" or "-stück" ("zum Beispiel", "das Kirchspiel Uelsen", "das Teilstück Elbasan").
CUES = {
    "ORG": frozenset("""
        agentur allianz bank behörde bewegung bündnis club fraktion firma gewerkschaft gruppe
        gruppierung hersteller institut klub konzern miliz ministerium organisation partei
        rundfunk sender stiftung unternehmen verband verein verlag zeitung zeitschrift
        universität hochschule gericht team mannschaft label airline initiative vereinigung
        magazin discounter marktführer
    """.split()),
    "LOC": frozenset("""
        bezirk bundesland dorf gemeinde hauptstadt insel kanton kreis landkreis metropole ort
        ortschaft provinz region stadt stadtteil fluss berg see land staat amt
        ortslage flüsschen übergang schloss abtei turm vulkan
    """.split()),
    "PER": frozenset("""
        herr herrn frau präsident präsidentin kanzler kanzlerin minister ministerin trainer
        sänger sängerin schauspieler schauspielerin autor autorin chef chefin sprecher
        sprecherin vorsitzende vorsitzender dr. prof. papst könig königin kaiser fürst graf
        bischof regisseur spieler spielerin
        prinzessin onkel missionar wissenschaftler
    """.split()),
    "OTH": frozenset("""
        typ modell album film roman buch oper song lied single serie theaterstück musical
        computerspiel software betriebssystem
    """.split()),
}


def load_lexicon(path: Path | None = None) -> dict[str, str]:
    """word → flags + frequency class + spread over other languages + difference class
    (``"KN40e"``: flags K, N, zipf 4, spread 0, diff 0); values are interned (few distinct)."""
    path = path or DATA_DIR / "lexicon.tsv.gz"
    lexicon: dict[str, str] = {}
    seen: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            word, flags, zipf, spread, diff = line.rstrip("\n").split("\t")
            value = flags + zipf + spread + chr(ord("e") + int(diff))
            lexicon[word] = seen.setdefault(value, value)
    return lexicon


def load_clusters(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """word → class numbers at each granularity."""
    path = path or DATA_DIR / "clusters.tsv.gz"
    clusters: dict[str, tuple[str, ...]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            clusters[parts[0]] = tuple(parts[1:])
    return clusters


def word_shape(word: str) -> str:
    """Character classes with runs collapsed: "Erdoğan" → "Xx", "EU-Kommission" → "X-Xx",
    "G20" → "Xd"."""
    out = []
    last = ""
    for char in word:
        if char.isupper():
            cls = "X"
        elif char.islower():
            cls = "x"
        elif char.isdigit():
            cls = "d"
        elif char.isalpha():
            cls = "a"
        else:
            cls = char if char in "-.'&/" else "p"
        if cls != last:
            out.append(cls)
            last = cls
    return "".join(out)[:8]


class Featurizer:
    """Turns a sentence (list of token strings) into crfsuite feature lists."""

    def __init__(
        self,
        lexicon: dict[str, str] | None = None,
        clusters: dict[str, tuple[str, ...]] | None = None,
        context: Sequence[str] = (),
    ) -> None:
        self.lexicon = load_lexicon() if lexicon is None else lexicon
        self.clusters = load_clusters() if clusters is None else clusters
        unknown = set(context) - set(CONTEXT_GROUPS)
        if unknown:
            raise ValueError(f"unknown context feature groups: {sorted(unknown)}")
        self.context = frozenset(context)
        self._cache: dict[str, tuple[list[str], ...]] = {}
        self._ctx_cache: dict[str, tuple[str, str, str, bool]] = {}

    # -- lexicon helpers -------------------------------------------------------------------
    def _flags(self, word: str) -> str:
        value = self.lexicon.get(word)
        return value[:-3] if value else ""

    def _freq(self, word: str) -> str:
        """German frequency class, spread over other languages, difference class."""
        value = self.lexicon.get(word.lower()) or self.lexicon.get(word)
        return value[-3:] if value else "00e"

    def _head(self, word: str) -> str:
        """Longest common noun (≥ 4 letters) that ``word`` ends in, lowercase, or ""."""
        n = len(word)
        if n < 7 or not word[0].isupper():
            return ""
        lexicon = self.lexicon
        for i in range(2, n - 3):
            tail = word[i:]
            value = lexicon.get(tail[0].upper() + tail[1:])
            if value and "N" in value[:-3]:
                return tail.lower()
        return ""

    # -- per-word features -----------------------------------------------------------------
    def _word(self, word: str) -> tuple[list[str], ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        if len(word) > MAX_WORD:
            own = ["LONG"]
            near = ["LONG"]
            far = ["LONG"]
        else:
            own, near, far = self._compute(word)
        result = (
            own,
            ["-1|" + f for f in near],
            ["+1|" + f for f in near],
            ["-2|" + f for f in far],
            ["+2|" + f for f in far],
        )
        self._cache[word] = result
        return result

    def _compute(self, word: str) -> tuple[list[str], list[str], list[str]]:
        low = word.lower()
        shape = word_shape(word)
        first_upper = word[:1].isupper()
        feats = ["b", "w=" + word, "lw=" + low, "sh=" + shape]
        n = len(low)
        if n > 1:
            feats += ["p2=" + low[:2], "s2=" + low[-2:]]
        if n > 2:
            feats += ["p3=" + low[:3], "s3=" + low[-3:]]
        if n > 3:
            feats += ["p4=" + low[:4], "s4=" + low[-4:]]
        if n > 4:
            feats.append("s5=" + low[-5:])
        feats.append("len=" + (str(n) if n < 4 else "4-6" if n < 7 else "7-10" if n < 11 else "11+"))
        if word.isupper() and n > 1:
            feats.append("allcaps")
        flags = self._flags(word)
        for f in flags:
            feats.append("lex=" + f)
        if word != low:
            lflags = self._flags(low)
            for f in lflags:
                feats.append("lexl=" + f)
            if word.isupper() and n > 1:
                for f in self._flags(word[0] + low[1:]):
                    feats.append("lext=" + f)
        else:
            lflags = flags
        if first_upper and not flags and not (word != low and lflags):
            feats.append("unknowncap")
        zipf, spread, diff = self._freq(word)
        feats += ["z=" + zipf, "xl=" + spread, "xld=" + diff]
        if first_upper:
            feats.append("xlc=" + spread)
            if n <= 30:
                edge = "^" + low + "$"
                feats.extend({"t3=" + edge[j : j + 3] for j in range(len(edge) - 2)})
        if first_upper and n > 3:
            stem = ""
            if low.endswith("s") and not flags.count("N"):
                stem = word[:-1]
                if low.endswith("es") and not self._flags(stem) and n > 4:
                    stem = word[:-2]
            if stem:
                for f in self._flags(stem):
                    if f in _NAME_FLAGS:
                        feats.append("gen=" + f)
        head = self._head(word)
        if head:
            feats.append("head=" + head)
            hc = self.clusters.get(head[0].upper() + head[1:])
            if hc:
                feats.append("headc=" + hc[1])
        if "-" in word and n > 2:
            parts = [p for p in word.split("-") if p]
            if parts:
                feats.append("hyph")
                first, last = parts[0], parts[-1]
                for f in self._flags(first):
                    feats.append("h0=" + f)
                for f in self._flags(last):
                    feats.append("hl=" + f)
                feats.append("hlw=" + last.lower())
                lh = self._head(last) if len(last) >= 7 else ""
                if lh:
                    feats.append("head=" + lh)
                cl = self.clusters.get(first)
                if cl:
                    feats.append("h0c=" + cl[1])
        cl = self.clusters.get(word) or self.clusters.get(low)
        if cl:
            feats += ["c64=" + cl[0], "c256=" + cl[1], "c1k=" + cl[2]]
        else:
            feats.append("c=none")
        if any(ch.isdigit() for ch in word):
            feats.append("digit")
        near = ["lw=" + low, "sh=" + shape, "s3=" + low[-3:], "z=" + zipf, "xl=" + spread]
        near += ["lex=" + f for f in flags]
        if cl:
            near += ["c64=" + cl[0], "c256=" + cl[1]]
        if head:
            near.append("head=" + head)
        far = ["lw=" + low, "sh=" + shape, "xl=" + spread]
        if cl:
            far.append("c64=" + cl[0])
        far += ["lex=" + f for f in flags if f in _NAME_FLAGS]
        return feats, near, far

    # -- sentences -------------------------------------------------------------------------
    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        """Feature lists for each token of one sentence."""
        info = [self._word(w) for w in words]
        n = len(words)
        lows = [w.lower() if len(w) <= MAX_WORD else "LONG" for w in words]
        caps = "".join(
            "C" if w[:1].isupper() else "l" if w[:1].isalnum() else "p" for w in words
        )
        padded = "BB" + caps + "EE"
        out: list[list[str]] = []
        for i in range(n):
            feats = list(info[i][0])
            feats.append("cp=" + padded[i : i + 5])
            feats.append("-3|lw=" + (lows[i - 3] if i >= 3 else "BOS"))
            feats.append("+3|lw=" + (lows[i + 3] if i + 3 < n else "EOS"))
            if i > 0:
                feats += info[i - 1][1]
                feats.append("bg-=" + lows[i - 1] + "|" + lows[i])
                if i > 1:
                    feats += info[i - 2][3]
                else:
                    feats.append("-2|BOS")
                prev = words[i - 1]
                if prev in _OPEN_PUNCT:
                    feats.append("afteropen")
            else:
                feats.append("BOS")
            if i + 1 < n:
                feats += info[i + 1][2]
                feats.append("bg+=" + lows[i] + "|" + lows[i + 1])
                if i + 2 < n:
                    feats += info[i + 2][4]
                else:
                    feats.append("+2|EOS")
            else:
                feats.append("EOS")
            out.append(feats)
        if self.context:
            self._add_context(words, out)
        return out

    def cue(self, word: str) -> str:
        """The kind of name (``CUES``: ORG, LOC, PER, OTH) that the noun ``word`` announces, or ""."""
        if not word[:1].isupper() or len(word) > MAX_WORD:
            return ""
        low = word.lower()
        head = self._head(word)
        for kind, cues in CUES.items():
            if low in cues or head in cues or (low.endswith("s") and (low[:-1] in cues or low[:-2] in cues)):
                return kind
        return ""

    def _context_word(self, word: str) -> tuple[str, str, str, bool]:
        """(shape, c64 class, cue type, legal form) of a word, cached."""
        cached = self._ctx_cache.get(word)
        if cached is not None:
            return cached
        if len(self._ctx_cache) >= CACHE_SIZE:
            self._ctx_cache.clear()
        low = word.lower()
        cl = self.clusters.get(word) or self.clusters.get(low)
        cue = self.cue(word)
        legal = "G" in self._flags(word)
        result = (word_shape(word) if len(word) <= MAX_WORD else "LONG",
                  cl[0] if cl else "-", cue, legal)
        self._ctx_cache[word] = result
        return result

    def _add_context(self, words: Sequence[str], out: list[list[str]]) -> None:
        """Append the sentence-context groups of ``self.context`` to each token's features."""
        info = [self._context_word(w) for w in words]
        n = len(words)
        groups = self.context
        if "legal" in groups:
            nearest = -1
            for i in range(n - 1, -1, -1):
                if nearest >= 0 and nearest - i <= 4:
                    out[i].append(_LEGAL_AHEAD[nearest - i])
                if info[i][3]:
                    nearest = i
        if "quote" in groups:
            inq = inpar = False
            for i, word in enumerate(words):
                if word in _QUOTES:
                    inq = not inq
                elif word == "(":
                    inpar = True
                elif word == ")":
                    inpar = False
                else:
                    if inq:
                        out[i].append("inq")
                    if inpar:
                        out[i].append("inpar")
        for i in range(n):
            feats = out[i]
            shape, c64 = info[i][0], info[i][1]
            if "cue" in groups and i > 0:
                if info[i - 1][2]:
                    feats.append("cue-1=" + info[i - 1][2])
                elif i > 1 and info[i - 2][2]:
                    feats.append("cue-2=" + info[i - 2][2])
            if "conj" in groups:
                before = info[i - 1] if i > 0 else ("BOS", "BOS")
                after = info[i + 1] if i + 1 < n else ("EOS", "EOS")
                feats.append("c64-0=" + before[1] + "|" + c64)
                feats.append("c64+0=" + c64 + "|" + after[1])
                feats.append("sh3=" + before[0] + "|" + shape + "|" + after[0])
            if "win3" in groups:
                if i >= 3:
                    feats += ("-3|sh=" + info[i - 3][0], "-3|c64=" + info[i - 3][1])
                if i + 3 < n:
                    feats += ("+3|sh=" + info[i + 3][0], "+3|c64=" + info[i + 3][1])
