"""Type corrections after the CRF's decoding, where the tagger's spans are made.

``tag_tokens`` applies them to every sentence, so the facets and ``searchkit eval entities``
see the same spans. Each rule reads one span of the tagger and the words in and before it, and
keeps its boundaries: it sets the span's type or drops it (docs/entities.md, "Fifth round", has
the figures of each). The first rule that applies decides:

``legal``
    a span that holds a legal form or a sports club's abbreviation (``CLUB_AND_LEGAL_FORMS``:
    "Karl Meisenbach KG", "Hertha BSC") is an organisation;
``cue``
    a noun right before the span (or before an opening quote) that announces a kind of name
    (``features.CUES``, the lists of the tagger's ``cue`` feature group, matched also on a
    compound's head and in the genitive: "die Gewerkschaft Verdi", "Lokführergewerkschaft
    GDL", "des Stadtteils Talpiot", "Königin Victoria", "das Lied Fireflies") sets its type;
    not when the noun governs the span as a genitive ("Präsident Frankreichs"); a known place
    after an organisation's noun is a place ("Landgericht Köln"); a person's noun only makes a
    person of what may be a person's name, and an organisation's noun does not retype a first
    name and a surname ("die Volkspartei Heinz Fischer");
``head``
    a place or person of several words whose head noun names an institution
    (``INSTITUTION_HEADS``: "Europäisches Parlament", "Europa League") is an organisation,
    unless it starts with a first name ("Martin Banks");
``common``
    a span of several words that are all common nouns (capitalized words the lexicon knows as
    nouns and not as names, adjectives or a place's adjective, "Kölner"; or compounds of such
    nouns that German text uses, "Ostflanke"), with lowercase words between them, is no name
    ("Armee Truppen", "Ostflanke des Bündnisses"), unless it names a body: its first word is
    an organisation's or place's cue noun ("Vereinigung Cockpit") or its head noun names an
    institution or a kind of place ("Bundesamt für Migration", "Techniker Krankenkasse").

``RULES`` holds the rules in force; an experiment can pass fewer to ``correct_tags``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from .corpus import iter_spans
from .features import CUES
from .normalize import (
    FIRST_NAME_FLAGS,
    NAME_FLAGS,
    ORGANISATION_HEADS,
    PLACE_FLAGS,
    PLACE_PART_FLAGS,
    SURNAME_FLAGS,
    TOPONYM_FLAGS,
    _flags,
    genitive_stem,
    has_place_or_org_word,
    starts_with_first_name,
)

if TYPE_CHECKING:
    from .features import Featurizer

#: The corrections in force, in the order they are tried (the first that applies decides).
RULES = ("legal", "cue", "head", "common")

#: Words that make a span an organisation wherever they stand in it: German and common foreign
#: legal forms, and the abbreviations of German sports clubs ("FC", "BSC", "VfL"). A closed list:
#: the lexicon's legal-form flag (G, from ``cleanco``) also marks words such as "Da", "As" and
#: "Et" that are parts of persons' names ("Leonardo Da Vinci").
CLUB_AND_LEGAL_FORMS = frozenset("""
    AG GmbH gGmbH mbH KG KGaA OHG SE e.V. eV eG Inc Inc. Ltd Ltd. LLC plc PLC Corp Corp.
    N.V. S.A. SpA S.p.A.
    FC SC SV BSC VfB VfL TSV TuS TSG SG SpVgg FSV SSV BV
""".split())

#: Head nouns of the names of institutions: the organisations' cue nouns and the bodies,
#: leagues and authorities that are no cue before a name ("Europäisches Parlament", "Europa
#: League", "Zentralanstalt für Meteorologie").
INSTITUTION_HEADS = CUES["ORG"] | frozenset("""
    parlament rat kommission league liga regierung senat akademie anstalt komitee
""".split())
#: What names a body or a kind of place, which a name of common nouns may end in ("Bundesamt
#: für Migration", "Techniker Krankenkasse"; ``is_common_noun_phrase``): nouns of three letters
#: or more, matched as the end of a word.
_BODIES = tuple(sorted(noun for noun in INSTITUTION_HEADS | ORGANISATION_HEADS if len(noun) >= 3))

#: Opening quotes that may stand between a cue noun and its name ("die Zeitschrift „Super Illu“").
_OPEN_QUOTES = frozenset("\"„“‚‘«»'")
#: What a span is tagged as that the rules may correct (OTH included: "Tageszeitung „Corriere
#: della Sera“" was tagged a work).
_TYPES = frozenset(("PER", "LOC", "ORG", "OTH"))


def correct_tags(words: Sequence[str], tags: Sequence[str], featurizer: Featurizer,
                 rules: Collection[str] = RULES) -> list[str]:
    """The IOB2 ``tags`` of one sentence with the type of each span corrected, or the span
    dropped, by ``rules`` (see the module's docstring)."""
    out = list(tags)
    for start, end, label in iter_spans(tags):
        if label not in _TYPES:
            continue
        new = retype(words, start, end, label, featurizer, rules)
        if new != label:
            out[start:end] = ["O"] * (end - start) if new == "O" else ["B-" + new] + ["I-" + new] * (end - start - 1)
    return out


def retype(words: Sequence[str], start: int, end: int, label: str, featurizer: Featurizer,
           rules: Collection[str] = RULES) -> str:
    """The type of the span ``words[start:end]`` tagged ``label``: PER, LOC, ORG, OTH or "O"
    (no name)."""
    span = words[start:end]
    lexicon = featurizer.lexicon
    if "legal" in rules and any(word in CLUB_AND_LEGAL_FORMS for word in span):
        return "ORG"
    if "cue" in rules and start > 0:
        kind = cued_kind(words, start, end, featurizer, label)
        if kind and kind != label and may_be_cued(kind, span, label, lexicon):
            return kind
    if ("head" in rules and label in ("PER", "LOC") and len(span) > 1 and _is_institution(_head_noun(span), featurizer)
            and not (label == "PER" and FIRST_NAME_FLAGS.intersection(_flags(lexicon, span[0])))):
        return "ORG"
    if "common" in rules and len(span) > 1 and is_common_noun_phrase(span, featurizer):
        return "O"
    return label


def cued_kind(words: Sequence[str], start: int, end: int, featurizer: Featurizer, label: str = "") -> str:
    """The kind of name (ORG, LOC, PER, OTH) that the noun before ``words[start:end]`` announces
    (an opening quote may stand between them), or "": when there is none (a name that ends like
    a cue noun is none: "Baden-Württemberg AfD"), or when the noun governs the span as a name in
    the genitive: a person's noun any name's ("Präsident Frankreichs", "der Autor Kafkas"),
    another noun a person's that the tagger read as one ("die Partei Putins") and a place's ("das
    Oberste Gericht Brasiliens", "die Arbeiterpartei Kurdistans"; not "die Zeitung Danas" read
    as a place). A known place after an organisation's or a work's noun that the
    tagger did not type so (``label``) is where it is: a place ("Landgericht Köln", "Universität
    Innsbruck": the tagger left the noun out of the name; not "der Verein Real Madrid")."""
    before = start - 1
    if words[before] in _OPEN_QUOTES and before > 0:
        before -= 1
    cue = words[before]
    kind = featurizer.cue(cue)
    lexicon = featurizer.lexicon
    if not kind or (NAME_FLAGS.intersection(_flags(lexicon, cue)) and CUES[kind].isdisjoint((cue.lower(), cue.lower()[:-1]))):
        return ""
    last = words[end - 1].rsplit("-", 1)[-1]  # "Russisch-Polens" as "Polens"
    stem = genitive_stem(last) if not last.endswith("'") else None
    # a name in the genitive is governed by the noun, not named by it: a person's (as the tagger
    # read it, or as the lexicon knows it) by any noun ("die Partei Putins", "das Ministerium
    # Habecks": found by a review), a place's by any, other names by a person's noun
    governed = NAME_FLAGS if kind == "PER" else TOPONYM_FLAGS
    if stem and (label == "PER" or governed.intersection(_flags(lexicon, stem))):
        return ""
    if kind in ("ORG", "OTH") and kind != label and _is_place(words[start:end], lexicon):
        return "LOC"
    return kind


def may_be_cued(kind: str, span: Sequence[str], label: str, lexicon: Mapping[str, str]) -> bool:
    """A person's cue makes a person of words that start with a first name or hold no known
    place, organisation or common noun ("Königin Victoria", "Frau Effenberg"); an
    organisation's or a work's cue does not retype a first name and a surname the lexicon knows:
    that is a person of the institution ("die Volkspartei Heinz Fischer"; but "die Organisation
    Peace Now", "der Sender Al Jazeera"); a place's cue retypes any name ("die Insel Diego
    Garcia", "des Dorfes Beit Anon")."""
    if kind == "PER":
        return starts_with_first_name(span, lexicon) or not has_place_or_org_word(span, lexicon)
    return kind == "LOC" or not (label == "PER" and len(span) > 1 and FIRST_NAME_FLAGS.intersection(_flags(lexicon, span[0]))
                                 and _may_be_surname(span[-1], lexicon))


def _may_be_surname(word: str, lexicon: Mapping[str, str]) -> bool:
    """A surname the lexicon knows, or a capitalized word it knows as nothing else ("Frank
    Werneke" after "der Gewerkschaft": a person of it, a review)."""
    flags = _flags(lexicon, word)
    return bool(SURNAME_FLAGS.intersection(flags)) or (word[:1].isupper() and not flags)


def _is_place(span: Sequence[str], lexicon: Mapping[str, str]) -> bool:
    """A country, region or place of the dictionaries ("Köln", "Innsbruck"; not a town of
    GeoNames' list alone: "Dongfeng", "Verdi"): every capitalized word is one or part of one,
    and one of them is one ("Wiener Neustadt"; not "El Mundo")."""
    flags = [_flags(lexicon, word) for word in span if word[:1].isupper() and not word.endswith(".")]
    return (bool(flags) and all(_PLACE_WORD.intersection(word) for word in flags)
            and any(TOPONYM_FLAGS.intersection(word) for word in flags))


#: Lexicon flags of a country, region or place of the dictionaries, or of a word of one.
_PLACE_WORD = TOPONYM_FLAGS | PLACE_PART_FLAGS


def _head_noun(span: Sequence[str]) -> str:
    """The noun a name is built on: its last capitalized word before the first lowercase one
    ("Bundesamt für Migration" → Bundesamt, "Ostflanke des Bündnisses" → Ostflanke)."""
    head = span[0]
    for word in span:
        if not word[:1].isupper():
            break
        head = word
    return head


def _is_institution(word: str, featurizer: Featurizer) -> bool:
    """``word`` (also its last part after a hyphen, its genitive, or the compound's head:
    "Europaparlament") is an institution's noun (``INSTITUTION_HEADS``)."""
    low = word.rsplit("-", 1)[-1].lower()
    forms = {low, genitive_stem(low) or low}
    head = featurizer._head(word)
    if head:
        forms |= {head, genitive_stem(head) or head}
    return not INSTITUTION_HEADS.isdisjoint(forms)


def is_common_noun_phrase(span: Sequence[str], featurizer: Featurizer) -> bool:
    """Capitalized common nouns (``_is_common_noun``) at both ends and lowercase words between,
    and the head noun names no institution: "Armee Truppen", "Ostflanke des Bündnisses"; not
    "Weimarer Republik", "Deutsche Bahn", "Theater Musentümpel", "Bundesamt für Migration"."""
    if not (span[0][:1].isupper() and span[-1][:1].isupper()):
        return False
    if not all(_is_common_noun(word, featurizer) if word[:1].isupper() else word.islower() for word in span):
        return False
    if featurizer.cue(span[0]) in ("ORG", "LOC"):
        return False  # the name of a body or place after its kind: "Vereinigung Cockpit", "Bezirk Mitte"
    return not _names_a_body(_head_noun(span))


def _names_a_body(word: str) -> bool:
    """``word`` names an institution or a kind of place (``INSTITUTION_HEADS``,
    ``normalize.ORGANISATION_HEADS``), also inflected or as the end of a compound: "Bundesamt",
    "Krankenkasse", "Zentralkomitees"."""
    low = word.lower()
    forms = {low, genitive_stem(low) or low}
    return any(form.endswith(noun) for form in forms for noun in _BODIES)


def _is_common_noun(word: str, featurizer: Featurizer) -> bool:
    """A noun the lexicon knows and not as a name, whose lowercase form is no word (an
    adjective: "Zweiten", "Grünen"; "Deutsche") and that is no place's adjective ("Weimarer",
    "Münchner"); or a word the lexicon knows only by its frequency in German text that is made
    of such nouns ("Ostflanke"; not "Musentümpel", a theatre's name)."""
    lexicon = featurizer.lexicon
    flags = _flags(lexicon, word)
    if NAME_FLAGS.intersection(flags) or "l" in _flags(lexicon, word.lower()) or _is_place_adjective(word, lexicon):
        return False
    if "N" in flags:
        return True
    return not flags and word.isalpha() and word.lower() in lexicon and _is_noun_compound(word, featurizer)


#: Linking elements between the parts of a compound ("Verteidigung-s-ministerium").
_LINKS = ("s", "es", "n", "en", "er", "e")


def _is_noun_compound(word: str, featurizer: Featurizer) -> bool:
    """``word`` is a known noun and a common noun after it, with a linking element or none
    ("Ostflanke": Ost + Flanke; not "Hopfgarten", "Bataclan")."""
    head = featurizer._head(word)
    if not head:
        return False
    first = word[: len(word) - len(head)]
    forms = [first] + [first[: -len(link)] for link in _LINKS if first.endswith(link) and len(first) > len(link) + 1]
    return any("N" in _flags(featurizer.lexicon, form) for form in forms)


def _is_place_adjective(word: str, lexicon: Mapping[str, str]) -> bool:
    """An adjective of a place in "-er" ("Kölner", "Weimarer", "Münchner", "Bremer")."""
    if len(word) < 5 or not word.endswith("er"):
        return False
    stem = word[:-2]
    return any(PLACE_FLAGS.intersection(_flags(lexicon, form)) for form in (stem, stem + "e", stem + "en", word[:-3] + "en"))
