#!/usr/bin/env python
"""Build the lexicon of the German compound splitter (``searchkit/compounds.py``).

    /work/venv/bin/python scripts/build_compound_lexicon.py            # writes the lexicon
    /work/venv/bin/python scripts/build_compound_lexicon.py --check W  # show how W splits

Sources (nothing is downloaded; all are read from this machine):

* Debian's German word lists, both from igerman98 (Björn Jacke, GPL-2+):
  ``apt-get install wngerman hunspell-de-de`` →
  ``/usr/share/dict/ngerman`` (full-form list: every inflected form; capitalized = noun or name)
  and ``/usr/share/hunspell/de_DE.dic`` + ``.aff`` (stems with affix classes; the affixes are
  expanded here). The hunspell dictionary also holds the *compound forms* of its words — the forms
  a word takes inside a compound, with its linking element, e.g. "Verteidigungs", "Arbeits",
  "Hilfs", often found nowhere else ("dictionaries that hold only the -s form").
* ``wordfreq`` (build time only): frequency of each word in German, as a Zipf value.
* ``german-nouns`` (Wiktionary, build time only): place names, first names, surnames and other
  proper names, which are never split (Regensburg is not regen + burg).
* ``whoosh``'s German stopword list (a runtime dependency anyway): never parts.

What it derives:

* **heads** — noun forms that may end a compound, inflected (stützpunkte, hilfen), with the Zipf
  of their word family (the form plus its inflections: Punkt, Punkte, Punkten, Punkts, ...).
* **modifiers** — forms that may begin or continue a compound, with the length of the part
  inside them (the rest is the linking element) and the part's Zipf: noun forms
  (kinder → kind + er, bundes → bund + es, sonnen → sonne + n), hunspell compound forms of nouns
  (verteidigungs → verteidigung + s, hilfs → hilf + s for Hilfe, stütz for Stütze), and the
  productive s of -ung/-heit/-keit/-schaft/-ion/-tät/-ling/-tum nouns (digitalisierungs).
  Particles, pronouns, verb stems and adjectives are not modifiers (no ab + kommen, vor + stand,
  gegen + wart, groß + stadt); 3-letter parts must be frequent (Zipf ≥ 4: bau, tag, amt, rat)
  and suffix-like nouns are excluded (Schaft would split Wirtschaft, Run would be a part).
  Frequent place names that the word lists lack are modifiers too (Gaza-, Katar-, Panama-:
  ``frequent_places``), and a name whose first part is one of them is split (Gazastreifen).
* **keep whole** — words that segment but must not be split: (a) lexicalized compounds, whose
  whole word is at least as frequent as its rarest part (Koehn & Knight's test: the parts must
  explain the word better than the word itself; Stützpunkt, Arbeitgeber, Tabelle); (b) names
  (Wiktionary place names, first names, surnames, proper names); (c) words the full-form list
  knows only in lowercase — adjectives, adverbs, verbs (zweifelhaft, beispielsweise, teilnehmen);
  (d) the hand list ``LEXICALIZED`` below (opaque news words like Bundestag, Hochzeit), with
  their inflected forms. The test runs over every noun form of the word lists and every German
  word ``wordfreq`` knows.

Forms that the rest of the lexicon splits anyway and that are not kept whole are dropped (most
nouns in the word lists are compounds themselves); that keeps the file and the runtime small.

Output: ``searchkit/data/compound_lexicon.txt.gz``, UTF-8 text: ``H <10×Zipf><TAB>heads``,
``M <10×Zipf> <length of the linking element><TAB>modifiers``, ``K<TAB>words kept whole``, the
forms of a line separated by spaces (see ``write``). The build is deterministic (sorted output,
gzip without timestamp).

Licenses: the word lists are GPL-2+ (igerman98), wordfreq's data is CC BY-SA 4.0, german-nouns'
data CC BY-SA 4.0 (Wiktionary); see ``searchkit/data/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchkit.compounds import (  # noqa: E402
    LEXICON_FILE,
    LINKING_ELEMENTS,
    MIN_PART_LENGTH,
    CompoundSplitter,
)

NGERMAN = Path("/usr/share/dict/ngerman")
HUNSPELL_DIC = Path("/usr/share/hunspell/de_DE.dic")
HUNSPELL_AFF = Path("/usr/share/hunspell/de_DE.aff")
OUTPUT = ROOT / "searchkit" / "data" / LEXICON_FILE

#: Particles, prepositions, pronouns and other function words: never the first or a middle part
#: (Abkommen, Vorstand, Gegenwart, Mitglied, Einsatz, Wiederaufbau stay whole). Whoosh's
#: stopwords are added.
PARTICLES = frozenset(
    """
    ab an auf aus bei bis da dar durch ein ent er ge gegen her hin hinter in mit nach neben ob
    ohne über um un unter ur ver von vor wider wieder zer zu zurück zusammen zwischen entgegen
    empor fort los nieder weg weiter wider heim hinab hinauf hinaus hinein herab herauf heraus
    herein herum hervor voran voraus vorbei vorher vorüber außer innen außen oben unten vorne
    hinten links rechts mehr viel wenig selbst nicht dort hier sehr all alle allein andere
    rück vorab
    """.split()
)
#: Nouns that look like suffixes, prefixes or foreign fragments and would split non-compounds:
#: Wirt|schaft, Freund|schaft, Eigen|tum, Trans|aktion, Maß|nahme, "run", "ion", "isch". Never
#: parts.
NOT_PARTS = frozenset(
    """
    schaft schaften schafts heit heiten keit keiten tum tums tümer tümern nis nisse ling linge
    lingen lings chen chens lein leins ion ionen ions run runs ismus ist isten ität tät tion
    ung ungen ei eien erei ereien ler lern lers ner ners sal sals sel sels ment ments ant anten
    ent enten enz enzen ie ien ik iker ikern ur uren age agen eur euren eurs ier iers isch
    trans inter nahme nahmen
    """.split()
)
#: The only parts shorter than 4 letters: frequent nouns (and noun stems: End- of Ende, Süd-).
#: A closed list, because the word lists hold many short rare or foreign words (Ren, Tran, Sau,
#: Gen, Abs, Ben) that would cut words like Rennstall, Transaktion, Saugen, Abstand.
SHORT_PARTS = frozenset(
    """
    akt amt arm art bad bar bau box bus dom duo ehe eid eis end erz fan gas gut hai hit hof hut
    job kai klo kuh kur lob los mai mix mut not ohr oma opa ort ost pol pop rad rat ruf see set
    sex ski süd tag tal tat tee tod ton top tor typ uhr uni wal weg wut zoo zug öl neu alt öko
    """.split()
)
#: Parts of 4 letters must have at least this Zipf as a surface form (Zins, Kran, Lohn, Gift;
#: not Tran, Erle, Tand, Ösen).
FOUR_LETTER_MIN_ZIPF = 3.0
#: Share of the frequency of a noun that is also a non-noun word taken to be the noun (see
#: ``Frequencies``).
HOMOGRAPH_SHARE = 0.1
#: Particles that are also nouns and that hunspell lists only as verb forms (halt ← halten).
PARTICLE_HOMOGRAPHS = frozenset({"halt", "mal", "eben", "wohl", "bloß"})
#: Heads that only follow a linking element: Wochen|ende, Kriegs|ende, but not the participles
#: rauch|enden, reis|enden.
LINKED_HEADS = frozenset({"ende", "enden", "endes"})
#: Nouns only Wiktionary has, shorter than this, need this Zipf (see ``frequent_enough``).
WIKTIONARY_SHORT = 7
WIKTIONARY_SHORT_MIN_ZIPF = 3.5
#: A place name more frequent in English than in German by more than this (Zipf) is taken for
#: an English word, not a compound part (see ``frequent_places``).
ENGLISH_MARGIN = 1.0
#: Adjective forms that look like noun forms: as heads they would split adjectives the word
#: lists do not hold (entbehrungsreichen → entbehrung + reichen). Never heads.
ADJECTIVE_LIKE_HEADS = frozenset(
    """
    reiche reichen reicher reichem armen armer armem arme freie freien freier freiem volle
    vollen voller vollem feste festen fester festem lose losen loser losem
    """.split()
)
#: Opaque or lexicalized news words whose parts would mislead a search (a query "Tag" should not
#: find every article on the Bundestag). Kept whole together with their inflected forms.
LEXICALIZED = frozenset(
    """
    bundestag landtag reichstag kreistag hochzeit augenblick tatsache zeitpunkt standpunkt
    mittelpunkt höhepunkt bahnhof luftwaffe eisenbahn handschuh werkzeug spielzeug flugzeug
    kaufmann volkswagen geburtstag wochenende jahrhundert jahrzehnt jahrtausend bürgermeister
    rathaus handwerk augenmerk leichtathletik himmelfahrt fronleichnam eigentum wirtschaft
    gesellschaft herbergsvater schadenfreude weltall ehrenamt ehrenwort gutachten gutachter
    gutachterin fotograf fotografin fotografie hochschule rundfunk haushalt freitag fahrzeug
    schwerpunkt stützpunkt
    """.split()
)
#: Inflection endings of German nouns, for word families (Punkt, Punkte, Punkten, Punkts).
INFLECTIONS = ("", "e", "en", "n", "s", "es", "er", "ern", "nen", "se", "sen", "ns", "ens")
#: Endings that only follow certain base endings (Lehrerin → Lehrerinnen, Bus → Busse).
_ENDING_NEEDS = {"nen": ("in",), "se": ("s",), "sen": ("s",)}
#: Nouns ending like this take a productive linking s (Regierungs-, Sicherheits-, Religions-).
S_LINKING_SUFFIXES = ("ung", "heit", "keit", "schaft", "ion", "tät", "ling", "tum")
#: A compound is lexicalized (kept whole) when its family Zipf is at least that of its rarest part
#: minus this margin, in the segmentation whose rarest part is most frequent.
LEXICALIZED_MARGIN = 0.0
#: Minimum length of a word that the keep-whole test looks at.
MIN_CANDIDATE_LENGTH = 5
_ALPHA = re.compile(r"^[a-zäöüßàáâçèéêëíîïñóôúûœ]+$")


# --------------------------------------------------------------------------- hunspell


@dataclass
class Affix:
    kind: str  # "PFX" or "SFX"
    cross: bool
    rules: list[tuple[str, str, str, re.Pattern[str]]] = field(default_factory=list)


def read_affixes(path: Path) -> dict[str, Affix]:
    """PFX/SFX classes of a hunspell .aff file (single-character flags, UTF-8)."""
    affixes: dict[str, Affix] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fields = lines[i].split()
        if len(fields) >= 4 and fields[0] in ("PFX", "SFX") and fields[2] in "YN" and fields[3].isdigit():
            kind, flag, count = fields[0], fields[1], int(fields[3])
            affix = Affix(kind, fields[2] == "Y")
            for line in lines[i + 1 : i + 1 + count]:
                rule = line.split()
                strip = "" if rule[2] == "0" else rule[2]
                add, _, cont = rule[3].partition("/")
                add = "" if add == "0" else add
                cond = rule[4] if len(rule) > 4 else "."
                pattern = re.compile(f"^{cond}" if kind == "PFX" else f"{cond}$")
                affix.rules.append((strip, add, cont, pattern))
            affixes[flag] = affix
            i += count + 1
            continue
        i += 1
    return affixes


def read_dictionary(path: Path) -> list[tuple[str, str]]:
    """(stem, flags) of a hunspell .dic file; comment lines start with whitespace."""
    entries = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number == 0 or not line.strip() or line[0].isspace():
                continue
            stem, _, flags = line.rstrip("\n").partition("/")
            entries.append((stem, flags.split("\t")[0].strip()))
    return entries


def expand(stem: str, flags: str, affixes: dict[str, Affix]) -> list[tuple[str, frozenset[str]]]:
    """All forms of one dictionary entry with the flags each form carries (the entry's own flags
    plus the affix's continuation flags). The stem itself is a form unless it needs an affix
    (NEEDAFFIX ``h``)."""
    base = frozenset(flags) - {"h"}
    forms: list[tuple[str, frozenset[str]]] = [] if "h" in flags else [(stem, base)]
    suffixed: list[tuple[str, frozenset[str], bool]] = []
    for flag in flags:
        affix = affixes.get(flag)
        if affix is None or affix.kind != "SFX":
            continue
        for strip, add, cont, pattern in affix.rules:
            if pattern.search(stem) and stem.endswith(strip):
                form = stem[: len(stem) - len(strip)] + add
                suffixed.append((form, base | set(cont), affix.cross))
                forms.append((form, base | set(cont)))
    for flag in flags:
        affix = affixes.get(flag)
        if affix is None or affix.kind != "PFX":
            continue
        for strip, add, cont, pattern in affix.rules:
            if pattern.search(stem) and stem.startswith(strip):
                forms.append((add + stem[len(strip) :], base | set(cont)))
                if affix.cross:
                    for form, form_flags, cross in suffixed:
                        if cross and form.startswith(strip):
                            forms.append((add + form[len(strip) :], form_flags | set(cont)))
    return forms


# --------------------------------------------------------------------------- word lists


@dataclass
class WordLists:
    nouns: set[str]  # lowercased noun (and name) forms
    lower_only: set[str]  # words the word lists know only in lowercase
    compound_forms: set[str]  # hunspell compound begin/middle forms, lowercased
    compound_stems: set[str]  # those that are dictionary stems themselves (spar, prüf, sozial)
    names: set[str]  # lowercased forms of place names, first names, surnames, proper names
    places: set[str]  # frequent place names that begin compounds (Gaza-, Katar-): modifiers only
    homographs: set[str]  # nouns that are also adjectives, adverbs, particles or infinitives
    lemmas: dict[str, set[str]]  # Wiktionary: noun form → its lemmas (kinder → {kind})
    stats: Counter[str] = field(default_factory=Counter)


def read_word_lists(stopwords: frozenset[str]) -> WordLists:
    stats: Counter[str] = Counter()
    nouns: set[str] = set()
    lowercase: set[str] = set()
    for line in NGERMAN.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if not word or not _ALPHA.match(word.lower()):
            continue
        if word[0].isupper():
            if len(word) > 1 and word.isupper():
                continue  # abbreviation
            nouns.add(word.lower())
        else:
            lowercase.add(word)
    stats["ngerman noun forms"] = len(nouns)
    affixes = read_affixes(HUNSPELL_AFF)
    compound_forms: set[str] = set()
    abbreviations: set[str] = set()
    plain_stems: set[str] = set()
    free_lowercase_stems: set[str] = set()  # adjectives, adverbs, particles, infinitives
    stems: set[str] = set()
    for stem, flags in read_dictionary(HUNSPELL_DIC):
        if "d" in flags:  # FORBIDDENWORD
            continue
        if stem.endswith("."):
            abbreviations.add(stem[:-1].lower())
            continue
        plain_stems.add(stem.lower())
        stems.add(stem.lower())
        if stem[0].islower() and "o" not in flags and "h" not in flags:
            free_lowercase_stems.add(stem)
        for form, form_flags in expand(stem, flags, affixes):
            if "-" in form or not _ALPHA.match(form.lower()) or (len(form) > 1 and form.isupper()):
                continue
            lower = form.lower()
            if "x" in form_flags or "y" in form_flags:  # COMPOUNDBEGIN / COMPOUNDMIDDLE
                compound_forms.add(lower)
            if "z" in form_flags and stem[0].islower():  # COMPOUNDEND of a noun
                nouns.add(lower)
            elif "o" not in form_flags:  # a free word
                if form[0].isupper():
                    nouns.add(lower)
                else:
                    lowercase.add(form)
    # ngerman writes abbreviations without their period ("Aufl" for "Aufl."): not nouns.
    dropped = {a for a in abbreviations - plain_stems if a in nouns}
    nouns -= dropped
    stats["hunspell noun forms added"] = len(nouns) - stats["ngerman noun forms"] + len(dropped)
    stats["abbreviations dropped"] = len(dropped)
    wiktionary, names, places, people, lemmas = read_german_nouns(stopwords, lowercase - nouns, compound_forms)
    wiktionary = frequent_enough(wiktionary, nouns)
    stats["german-nouns noun forms added"] = len(wiktionary - nouns)
    nouns |= wiktionary
    places = frequent_places(places, people, lowercase, stopwords) - nouns
    stats["frequent place names (modifiers only)"] = len(places)
    homographs = (free_lowercase_stems | PARTICLE_HOMOGRAPHS) & nouns
    stats["homographs (noun and non-noun)"] = len(homographs)
    return WordLists(
        nouns, lowercase - nouns, compound_forms, compound_forms & stems, names, places, homographs, lemmas, stats
    )


def read_german_nouns(
    stopwords: frozenset[str], lowercase: set[str], compound_forms: set[str]
) -> tuple[set[str], set[str], set[str], set[str], dict[str, set[str]]]:
    """Common nouns (all case forms), names, place names and first names or surnames (lemmas
    only), and the lemmas of noun forms, from Wiktionary via ``german-nouns``.

    The Debian full-form list leaves out words that hunspell builds by compounding (Anklage =
    An + klage, Feuerwehren); Wiktionary has them. Taken: entries that are only "Substantiv",
    with a gender, capitalized, at least 4 letters, not a function word, and not a word the Debian
    lists know in lowercase only (nominalized verbs and numerals: Teilnehmen, Achte) unless
    hunspell has it as a compound form (Anklage, which hunspell builds as An + klage)."""
    import german_nouns.config

    nouns: set[str] = set()
    names: set[str] = set()
    places: set[str] = set()
    people: set[str] = set()
    lemmas: defaultdict[str, set[str]] = defaultdict(set)
    # (Not "Eigenname": that is also Bundesverfassungsgericht and Bundesagentur für Arbeit.)
    name_kinds = {"Toponym", "Vorname", "Nachname"}
    with open(german_nouns.config.CSV_FILE_PATH, encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        form_columns = [i for i, name in enumerate(header) if i >= 7 and name]
        for row in reader:
            lemma = row[0].strip()
            forms = {v.strip().lower() for v in [lemma] + [row[i] for i in form_columns if i < len(row)]}
            forms = {f for f in forms if f and _ALPHA.match(f)}
            pos = set(row[1].split(","))
            if pos & name_kinds:
                names |= forms
                if _ALPHA.match(lemma.lower()):
                    (places if "Toponym" in pos else people).add(lemma.lower())
                continue
            low = lemma.lower()
            if "Substantiv" in pos and any(row[2:7]):
                for form in forms:
                    lemmas[form].add(low)
            if (
                pos != {"Substantiv"}
                or not any(row[2:7])
                or not lemma[:1].isupper()
                or len(lemma) < 4
                or low in stopwords
                or low in PARTICLES
                or (low in lowercase and low not in compound_forms)
            ):
                continue
            nouns |= forms
    return nouns, names, places, people, dict(lemmas)


def frequent_places(places: set[str], people: set[str], lowercase: set[str], stopwords: frozenset[str]) -> set[str]:
    """The place names that news compounds begin with (Gazakrieg, Katarkrise, Ibizaurlaub):
    those the Debian lists lack (Kiew, Syrien, Jemen are there already) but German text uses
    often (Zipf ≥ ``WIKTIONARY_SHORT_MIN_ZIPF``: Gaza 3.6, Katar, Shanghai), of at least
    ``MIN_PART_LENGTH`` letters. A place name that is also a lowercase word ("Weil", "Singen",
    "Waren", "Kamen", "Oder", "Seine"), a function word or a person's name ("Lena", "Nelson",
    "Victoria", "Barth") is left out, and so is one that is foremost an English word (Zipf in
    English more than ``ENGLISH_MARGIN`` above German: "March", "Save", "Centre"; Gaza, Houston
    and Shanghai stay). They become modifiers only, without a linking element:
    never heads (villages named "…zell" or "…barth" would split), and as names they are kept
    whole themselves."""
    from wordfreq import zipf_frequency

    return {
        place
        for place in places
        if len(place) >= MIN_PART_LENGTH
        and place not in people
        and place not in lowercase
        and place not in stopwords
        and place not in PARTICLES
        and zipf_frequency(place, "de") >= WIKTIONARY_SHORT_MIN_ZIPF
        and zipf_frequency(place, "en") <= zipf_frequency(place, "de") + ENGLISH_MARGIN
    }


def frequent_enough(forms: set[str], known: set[str]) -> set[str]:
    """Of the nouns that only Wiktionary has, the short ones must be frequent: Wiktionary also
    lists rare words and odd forms (Grupp, Isch, "Medizi" as a plural of Medikus) that would
    become parts."""
    from wordfreq import zipf_frequency

    return {
        form
        for form in forms
        if form in known or len(form) >= WIKTIONARY_SHORT or zipf_frequency(form, "de") >= WIKTIONARY_SHORT_MIN_ZIPF
    }


# --------------------------------------------------------------------------- frequencies


def zipf(frequency: float) -> float:
    return math.log10(frequency * 1e9) if frequency > 0 else 0.0


class Frequencies:
    """Zipf values of nouns: of a form, and of a word family (all its inflected forms).

    wordfreq does not know case, so the frequency of a noun that is also a common non-noun word
    (Gut/gut, Hoch/hoch, Achten/achten, Halt/halt, Recht/recht) counts both; of such homographs
    only ``HOMOGRAPH_SHARE`` is taken to be the noun. That keeps compounds like Haushalt,
    Gutachten, Hochzeit whole (their parts look more frequent than they are)."""

    def __init__(self, nouns: set[str], homographs: set[str]) -> None:
        from wordfreq import get_frequency_dict

        self.surface: dict[str, float] = get_frequency_dict("de")
        self.nouns = nouns
        self.homographs = homographs
        self._family: dict[str, float] = {}
        self._cache: dict[str, float] = {}

    def _noun(self, form: str) -> float:
        # wordfreq's keys are casefolded: ß is "ss" there
        value = self.surface.get(form.replace("ß", "ss"), 0.0)
        return value * HOMOGRAPH_SHARE if form in self.homographs else value

    def of(self, word: str) -> float:
        """Zipf of ``word`` as a noun."""
        return zipf(self._noun(word))

    def raw(self, word: str) -> float:
        """Zipf of ``word`` in any use."""
        return zipf(self.surface.get(word.replace("ß", "ss"), 0.0))

    def _family_total(self, base: str) -> float:
        total = self._family.get(base)
        if total is None:
            nouns = self.nouns
            total = sum(
                self._noun(base + ending)
                for ending in INFLECTIONS
                if base + ending in nouns and (ending not in _ENDING_NEEDS or base.endswith(_ENDING_NEEDS[ending]))
            )
            self._family[base] = total
        return total

    def family(self, word: str) -> float:
        """Zipf of the word family of ``word``: the most frequent family it can belong to (it
        may itself be an inflected form: stützpunkte → Stützpunkt, Stützpunkte, Stützpunkten…)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        best = self._noun(word)
        for ending in INFLECTIONS:
            if ending and not word.endswith(ending):
                continue
            base = word[: len(word) - len(ending)] if ending else word
            if len(base) < 2 or (ending and base not in self.nouns):
                continue
            if ending in _ENDING_NEEDS and not base.endswith(_ENDING_NEEDS[ending]):
                continue
            best = max(best, self._family_total(base))
        result = self._cache[word] = zipf(best)
        return result


# --------------------------------------------------------------------------- the lexicon


@dataclass
class Lexicon:
    heads: dict[str, float]  # form → family Zipf
    modifiers: dict[str, tuple[int, float]]  # form → (length of its linking element, Zipf)
    keep: set[str]
    stats: Counter[str]
    report: list[str] = field(default_factory=list)
    linked_heads: set[str] = field(default_factory=set)


def derive_parts(lists: WordLists, freq: Frequencies, stopwords: frozenset[str]) -> Lexicon:
    nouns = lists.nouns
    stats: Counter[str] = Counter()
    blocked_modifier = PARTICLES | stopwords | NOT_PARTS
    blocked_head = (stopwords - {"weg", "sein"}) | NOT_PARTS | ADJECTIVE_LIKE_HEADS

    def good_part(part: str, form: str, zipf_of_word: float | None = None) -> bool:
        """May ``part`` (occurring as ``form``) be a part at all? ``zipf_of_word``: the Zipf of
        the word a 4-letter part stands for, if not the part itself (prüfen for Prüf-)."""
        if part in NOT_PARTS:
            return False
        if len(part) < MIN_PART_LENGTH:
            return part in SHORT_PARTS or (part == form and part[:-1] in SHORT_PARTS)
        if len(part) == MIN_PART_LENGTH:
            value = freq.of(part) if zipf_of_word is None else zipf_of_word
            return value >= FOUR_LETTER_MIN_ZIPF
        return True

    heads: dict[str, float] = {}
    for form in nouns:
        if form not in blocked_head and good_part(form, form):
            heads[form] = round(freq.family(form), 1)
    stats["heads"] = len(heads)

    def noun_part(form: str) -> str | None:
        """The noun that ``form`` is with a linking element (kinder → kind, bundes → bund,
        kirchen → kirche, verteidigungs → verteidigung), or None. A form that Wiktionary knows as
        a lemma is its own part (Papier is not Papi + er, Reise not Reis + e); a form it knows as
        an inflection of a lemma plus a linking element has that lemma; otherwise the linking
        element is found by trying them: of the nouns that remain, the most frequent one."""
        known = lists.lemmas.get(form, ())
        if form in known:
            return None
        for lemma in sorted(known, key=len, reverse=True):
            if form.startswith(lemma) and form[len(lemma) :] in LINKING_ELEMENTS and lemma in nouns:
                return lemma if lemma not in blocked_modifier and good_part(lemma, form) else None
        candidates = [
            form[: -len(link)]
            for link in LINKING_ELEMENTS
            if form.endswith(link)
            and len(form) > len(link)
            and form[: -len(link)] in nouns
            and form[: -len(link)] not in blocked_modifier
            and good_part(form[: -len(link)], form)
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda rest: (freq.of(rest), -len(rest)))

    modifiers: dict[str, tuple[int, float]] = {}
    # Productive linking elements: the s of -ung/-heit/... nouns (Digitalisierungs-), the n of
    # nouns in -e (Luftwaffen-, even where the word list lacks the plural).
    productive = {noun + "s" for noun in nouns if noun.endswith(S_LINKING_SUFFIXES)}
    productive.update(noun + "n" for noun in nouns if noun.endswith("e") and len(noun) > 3)
    for form in sorted(nouns | lists.compound_forms | productive):
        if form in blocked_modifier:
            continue
        part = noun_part(form)
        if part is not None:
            value, kind = freq.family(part), "noun + linking element"
        elif form in nouns:
            part, value, kind = form, freq.family(form), "noun"
        elif form in lists.compound_forms:
            # a compound form of a noun that drops its -e (Hilfs- of Hilfe, Schul- of Schule,
            # Grenz- of Grenze), weighted like its noun
            part = next(
                (
                    form[: -len(link)]
                    for link in LINKING_ELEMENTS
                    if form.endswith(link) and len(form) - len(link) >= 3 and form[: -len(link)] + "e" in nouns
                ),
                form if form + "e" in nouns else None,
            )
            if part is not None and part not in blocked_modifier and good_part(part, form, freq.of(part + "e")):
                value, kind = freq.family(part + "e"), "noun with elided -e"
            elif form in lists.compound_stems:
                # a verb stem or adjective that hunspell lists as a compound beginning (Warn-,
                # Spar-, Prüf-, Neu-, Sozial-), weighted by the frequency of its word (warnen)
                word_zipf = max(freq.raw(form + ending) for ending in ("", "e", "n", "en"))
                if form in blocked_modifier or not good_part(form, form, word_zipf):
                    continue
                part, value, kind = form, word_zipf, "verb stem or adjective"
            else:
                continue
        else:
            continue
        if kind != "verb stem or adjective" and (part in blocked_modifier or not good_part(part, form)):
            continue
        modifiers[form] = (len(form) - len(part), round(value, 1))
        stats[f"modifiers: {kind}"] += 1
    for place in sorted(lists.places - modifiers.keys()):
        if place not in blocked_modifier and good_part(place, place):
            modifiers[place] = (0, round(freq.raw(place), 1))
            stats["modifiers: place name"] += 1
    stats["modifiers"] = len(modifiers)
    return Lexicon(heads, modifiers, set(), stats, linked_heads=set(LINKED_HEADS) & set(heads))


def strongest_weakest_part(word: str, lex: Lexicon) -> float:
    """Over all segmentations of ``word`` (any number of parts), the best Zipf of the rarest
    part: a maximin dynamic program over split points."""
    n = len(word)
    best_from: list[float] = [-1.0] * (n + 1)  # best_from[p]: maximin for the suffix word[p:]
    for p in range(n - 1, 0, -1):
        head = lex.heads.get(word[p:], -1.0)
        value = head
        for j in range(p + 1, n):
            entry = lex.modifiers.get(word[p:j])
            if entry is not None and best_from[j] >= 0:
                value = max(value, min(entry[1], best_from[j]))
        best_from[p] = value
    result = -1.0
    for j in range(1, n):
        entry = lex.modifiers.get(word[:j])
        if entry is not None and best_from[j] >= 0:
            result = max(result, min(entry[1], best_from[j]))
    return result


def derive_keep(lex: Lexicon, lists: WordLists, freq: Frequencies, names: set[str]) -> None:
    """Words that segment but stay whole (see the module docstring)."""
    splitter = CompoundSplitter(lex.heads, lex.modifiers, linked_heads=lex.linked_heads)
    lexicalized = set()
    for word in LEXICALIZED:
        lexicalized.update(word + ending for ending in INFLECTIONS if ending == "" or word + ending in lists.nouns)
    candidates = lists.nouns | lists.lower_only | names | lexicalized
    candidates.update(w for w in freq.surface if len(w) >= MIN_CANDIDATE_LENGTH and _ALPHA.match(w))
    for word in sorted(candidates):
        if len(word) < MIN_CANDIDATE_LENGTH:
            continue
        segments = splitter.segment(word)
        if segments is None:
            continue
        lex.stats["segmentable words"] += 1
        if word in lexicalized:
            reason = "hand list"
        elif word in names and segments[0][1] not in lists.places:
            reason = "name"
        elif word in lists.lower_only:
            reason = "lowercase-only word"
        else:
            whole = freq.family(word)
            if whole <= 0.0 or whole < strongest_weakest_part(word, lex) + LEXICALIZED_MARGIN:
                continue
            weakest = strongest_weakest_part(word, lex)
            reason = "lexicalized (whole ≥ rarest part)"
            lex.report.append(f"{word}\t{whole:.2f}\t{weakest:.2f}\t{segments}")
        lex.keep.add(word)
        lex.stats[f"keep whole: {reason}"] += 1
    lex.stats["keep whole"] = len(lex.keep)


def prune(lex: Lexicon) -> None:
    """Drop forms that the rest of the lexicon splits anyway and that are not kept whole: most
    nouns in the word lists are themselves compounds (Verteidigungsministerium), and the
    splitter reaches the same parts without them (it would split them again after using them).
    This keeps the file and the memory of the runtime small."""
    splitter = CompoundSplitter(lex.heads, lex.modifiers, linked_heads=lex.linked_heads)
    keep = lex.keep
    drop_heads = [form for form in lex.heads if form not in keep and splitter.segment(form) is not None]
    drop_modifiers = [
        form
        for form, (link, _) in lex.modifiers.items()
        if form not in keep and form[: len(form) - link] not in keep and splitter.segment(form) is not None
    ]
    for form in drop_heads:
        del lex.heads[form]
    for form in drop_modifiers:
        del lex.modifiers[form]
    lex.stats["pruned: heads that split anyway"] = len(drop_heads)
    lex.stats["pruned: modifiers that split anyway"] = len(drop_modifiers)
    lex.stats["heads kept"] = len(lex.heads)
    lex.stats["modifiers kept"] = len(lex.modifiers)


def write(lex: Lexicon, path: Path) -> None:
    """The file: ``#`` comments, then lines ``H <zipf×10><TAB>forms…`` (heads),
    ``M <zipf×10> <linking element length><TAB>forms…`` (modifiers) and ``K<TAB>forms…`` (keep
    whole), ``L<TAB>forms…`` (heads that only follow a linking element), forms separated by spaces — grouped like this the runtime loads it in well under a
    second."""
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for form, value in lex.heads.items():
        groups[f"H {round(value * 10)}"].append(form)
    for form, (link, value) in lex.modifiers.items():
        groups[f"M {round(value * 10)} {link}"].append(form)
    groups["K"] = list(lex.keep)
    groups["L"] = list(lex.linked_heads)
    text = io.StringIO()
    text.write(
        "# searchkit compound lexicon, built by scripts/build_compound_lexicon.py from Debian's\n"
        "# wngerman + hunspell-de-de (igerman98, GPL-2+), wordfreq (CC BY-SA 4.0) and german-nouns\n"
        "# (Wiktionary, CC BY-SA 4.0). Lines: 'H zipf10<TAB>heads', 'M zipf10 link_length<TAB>modifiers',\n"
        "# 'K<TAB>words kept whole', 'L<TAB>heads only after a linking element'; forms separated by spaces.\n"
    )
    for key in sorted(groups, key=lambda k: (k[0], [int(x) for x in k.split()[1:]])):
        text.write(f"{key}\t{' '.join(sorted(groups[key]))}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.getvalue().encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.write(data)


def build() -> Lexicon:
    from whoosh.lang import stopwords_for_language

    started = time.perf_counter()
    for source in (NGERMAN, HUNSPELL_DIC, HUNSPELL_AFF):
        if not source.exists():
            sys.exit(f"missing {source}: apt-get install wngerman hunspell-de-de")
    stopwords = frozenset(stopwords_for_language("de"))
    lists = read_word_lists(stopwords)
    for key, value in sorted(lists.stats.items()):
        print(f"  {key}: {value:,}")
    print(
        f"word lists: {len(lists.nouns):,} noun forms, {len(lists.lower_only):,} lowercase-only words, "
        f"{len(lists.compound_forms):,} hunspell compound forms, {len(lists.names):,} name forms"
    )
    freq = Frequencies(lists.nouns, lists.homographs)
    print(f"wordfreq: {len(freq.surface):,} German words")
    lex = derive_parts(lists, freq, stopwords)
    derive_keep(lex, lists, freq, lists.names)
    prune(lex)
    for key, value in sorted(lex.stats.items()):
        print(f"  {key}: {value:,}")
    print(f"built in {time.perf_counter() - started:.1f} s")
    return lex


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--report", type=Path, help="also write the lexicalized keep-whole decisions here (TSV)")
    parser.add_argument("--check", nargs="+", metavar="WORD", help="show how these words split (uses the built file)")
    args = parser.parse_args(argv)
    if args.check:
        from searchkit.compounds import read_lexicon

        splitter = read_lexicon(args.output)
        for word in args.check:
            word = word.lower()
            print(f"{word}: {splitter.split(word)}  (one level: {splitter.segment(word)}, keep={splitter.is_kept_whole(word)})")
        return 0
    lex = build()
    write(lex, args.output)
    if args.report:
        args.report.write_text("word\twhole zipf\tbest rarest part\tsegments\n" + "\n".join(lex.report) + "\n", encoding="utf-8")
    forms = len(set(lex.heads) | set(lex.modifiers) | lex.keep)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB, {forms:,} forms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
