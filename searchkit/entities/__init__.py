"""Named entities for the facets: people, places and organisations in German news text.

The pipeline per document::

    clean_text → tokenize → sentences → CRF tagger (PER/LOC/ORG/OTH, IOB2)
      → spans → normalize (genitive, titles, demonyms, partial names, type vote) → aliases

The tagger is a linear-chain CRF (python-crfsuite) trained by ``scripts/train_ner.py`` on
GermEval 2014 (+ Europeana Newspapers, CC0) with shape, affix, context, gazetteer and word-class
features; the model ships in the package (``model.crfsuite``) and is loaded on first use, never
when ``searchkit`` is imported. Anything that is not text gives no entities rather than an error.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from ..model import Entity, EntityType, entity_key, without_arabic_article
from .aliases import Aliases, AliasFileError, load_aliases
from .corpus import iter_spans
from .features import CUES
from .normalize import (
    FIRST_NAME_FLAGS,
    NAME_FLAGS,
    PERSON_NAME_FLAGS,
    PERSON_ROLES,
    PLACE_FLAGS,
    SURNAME_FLAGS,
    TOPONYM_FLAGS,
    Mention,
    _flags,
    has_place_or_org_word,
    is_toponym,
    normalize_mentions,
    starts_with_first_name,
)
from .retype import correct_tags, cued_kind, may_be_cued
from .tokenize import MAX_TEXT_CHARS, Token, clean_text, sentences, tokenize

__all__ = [
    "AliasFileError", "Aliases", "Entity", "EntityType", "Mention", "entity_key",
    "extract_entities", "extract_mentions", "load_aliases", "tag_tokens", "unglue",
]


def tag_tokens(words: Sequence[str]) -> list[str]:
    """IOB2 tags for one tokenized sentence (loads the model on first call): the CRF's, with
    the type of each span corrected by the words in and before it (``retype.correct_tags``:
    legal forms, cue nouns, institutions' heads, common nouns that make no name)."""
    from .tagger import get_tagger

    tagger = get_tagger()
    return correct_tags(words, tagger.tag(words), tagger.featurizer)


def _lexicon() -> Mapping[str, str]:
    """The tagger's lexicon (word → flags), which the span and type rules consult (loads the
    model on first call, like ``tag_tokens``)."""
    from .tagger import get_tagger

    return get_tagger().featurizer.lexicon


#: Control characters other than line breaks and tabs (the sign of binary junk).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _usable(text: str) -> bool:
    """Text worth tagging: some letters, mostly printable (binary junk is skipped). Counted by
    the regular-expression engine and stopping at the second letter: a Python loop over every
    character was a twentieth of the time to tag an article."""
    sample = text[:4096]
    if len(_CONTROL.findall(sample)) * 20 >= len(sample):
        return False
    letters = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if letters == 2:
                return True
    return False


#: Lowercase words inside names ("Ursula von der Leyen", "Rafael van der Vaart").
NAME_PARTICLES = frozenset("von van der den de zu du di da del della la le al ten ter vom zum".split())


#: The particles a surname can start with after a first name ("von der Leyen", "zu Guttenberg").
SURNAME_STARTS = frozenset("von van zu ten ter de di da del della du".split())
#: Lexicon flags of a word that is no surname: a common noun, a lowercase word, a place or an
#: organisation (``scripts/build_gazetteers.py``).
NOT_SURNAME_FLAGS = frozenset("NlTCRYOGtcryo")


#: Words that join two names in a list ("Union und AfD").
CONJUNCTIONS = frozenset({"und", "sowie", "oder"})
#: What "und" may end a name with that is no name of its own ("Spotify und Co": Spotify).
_AND_OTHERS = frozenset({"Co", "Co."})
#: Lexicon flags of a word that is part of a name of several words (``scripts/build_gazetteers.py``).
_PART_FLAGS = "crtyo"


def _split_lists(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A span of capitalized words joined by "und"/"sowie"/"oder" is a list of names, one span
    each ("Union und AfD", "LASK und Austria Kärnten", "Google Chrome und Mozilla Firefox": an
    organisation each in the benchmark articles), and "und Co" is none ("Spotify und Co"). A
    name keeps its "und" when a lowercase word is part of it ("Zentralanstalt für Meteorologie
    und Geodynamik"), when the word before it is cut short ("Bundes- und
    Industriebeteiligungen"), or when the lexicon knows both words next to it as parts of one
    name of several words ("Bosnien und Herzegowina", "Trinidad und Tobago")."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        inner = [i for i in range(start + 1, end - 1) if words[i] in CONJUNCTIONS]
        if not inner or not all(words[i][:1].isupper() or i in inner for i in range(start, end)):
            out.append((start, end, label))
            continue
        cuts = [i for i in inner if not words[i - 1].endswith("-") and not _one_name_across(words[i - 1], words[i + 1])]
        piece_start = start
        for cut in [*cuts, end]:
            if cut > piece_start and not (words[piece_start] in _AND_OTHERS and cut - piece_start == 1):
                out.append((piece_start, cut, label))
            piece_start = cut + 1
    return out


def _one_name_across(left: str, right: str) -> bool:
    lexicon = _lexicon()
    return bool(set(_flags(lexicon, left)) & set(_flags(lexicon, right)) & set(_PART_FLAGS))


def _join_particles(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Two spans with only name particles between them are one name, typed by the first
    ("Universität" + "zu" + "Köln" → one organisation); after a person only when what follows
    the particles is a surname ("Ursula" + "von der" + "Leyen" tagged as an organisation or not
    at all → "Ursula von der Leyen"; never "Friedrich Merz von der CDU" or "Olaf Scholz von der
    Regierung")."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if out:
            prev_start, prev_end, prev_label = out[-1]
            # particles between them, also those the tagger kept in the first ("Ursula von der")
            between = words[_without_particles(words, prev_start, prev_end):start]
            if (between and len(between) <= 3 and all(w in NAME_PARTICLES for w in between)
                    and (prev_label != "PER" or label == "PER" or (end - start == 1 and _is_surname(words[start])))):
                out[-1] = (prev_start, end, prev_label)
                continue
        out.append((start, end, label))
    taken = {i for start, end, _ in out for i in range(start, end)}
    return [(start, _surname_end(words, start, end, taken) if label == "PER" else end, label)
            for start, end, label in out]


def _surname_end(words: Sequence[str], start: int, end: int, taken: set[int]) -> int:
    """Where a person's name from ``start`` to ``end`` really ends: after an untagged surname
    behind particles ("Ursula von der Leyen", also when the tagger took "Rafael van" or
    "Alexander Van" alone: "Alexander Van der Bellen")."""
    cut = _without_particles(words, start, end)
    if cut - start >= 2 and words[cut - 1][:1].isupper() and words[cut - 1].lower() in SURNAME_STARTS:
        cut -= 1  # "Alexander Van" + "der Bellen": the tagger ended on a capitalized particle
    last = cut
    while last - cut < 3 and last < len(words) and (
        words[last] in NAME_PARTICLES or (last == cut and words[last].lower() in SURNAME_STARTS)
    ):
        last += 1
    if last == cut or words[cut].lower() not in SURNAME_STARTS or last >= len(words) or last in taken:
        return end
    return last + 1 if _is_surname(words[last]) else end


def _without_particles(words: Sequence[str], start: int, end: int) -> int:
    """The end of the span ``start:end`` without the name particles at its end."""
    while end - 1 > start and words[end - 1] in NAME_PARTICLES:
        end -= 1
    return end


def _is_surname(word: str) -> bool:
    """A capitalized word that the lexicon knows as nothing but a name (or not at all) and that
    is neither a compound of known words ("Autoclub", "Steuerungsgruppe"), nor hyphenated
    ("Christen-Partei"), nor an adjective ("Tiermedizinischen")."""
    if not (word[:1].isupper() and word.isalpha() and not word.isupper()) or _ADJECTIVE.search(word):
        return False
    from ..compounds import split_compound

    flags = _flags(_lexicon(), word)
    return not NOT_SURNAME_FLAGS.intersection(flags) and not split_compound(word.lower())


_ADJECTIVE = re.compile(r"isch(?:e[nmrs]?)?$")


def _complete_adjectives(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A place or organisation does not end in an -isch adjective: the tagger stopped one word
    short ("die Vereinigten Arabischen" + "Emirate", a place cut like this in 18 of the 10,000
    benchmark articles). The span takes the capitalized word that follows, when no other span
    has it."""
    taken = {i for start, end, _ in spans for i in range(start, end)}
    out = []
    for start, end, label in spans:
        last = words[end - 1]
        if (label != "PER" and end < len(words) and end not in taken and _is_capitalized(last)
                and _ADJECTIVE.search(last) and _is_capitalized(words[end])):
            end += 1
        out.append((start, end, label))
    return out


def _complete_first_names(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A first name alone is cut from its surname when the surname is a form the tagger has not
    seen: "Donald" + "Trumps Frist" (a genitive; "Donald" alone was a person in 31 of the
    10,000 benchmark articles). The person takes the capitalized word that follows a first
    name when no other span has it and it is no known place, organisation or common noun, and
    a surname with an Arabic article after any name ("Baschar" + "al-Assad": "Baschar" alone
    was a person in 11)."""
    lexicon = _lexicon()
    taken = {i for start, end, _ in spans for i in range(start, end)}
    out = []
    for start, end, label in spans:
        if label == "PER" and end < len(words) and end not in taken and (
            _has_arabic_article(words[end])
            or (_is_capitalized(words[end]) and _ends_with_first_name(words[start:end], lexicon)
                and not has_place_or_org_word(words[end:end + 1], lexicon))
        ):
            end += 1
        out.append((start, end, label))
    return out


#: Endings of German nouns made from verbs and adjectives ("Unkenntnis", "Forderung",
#: "Sicherheit"), singular and plural: such a word is a common noun even where the lexicon has it
#: only as a capitalized word of the word list (as it has many surnames: "Kretschmann").
_NOUN_SUFFIX = re.compile(r"(?:ung|heit|keit|schaft|nis|tion|ität|ismus)(?:en|se|sen|ses)?$")
#: Lowercase words that never continue a person's name: articles and prepositions that the
#: tagger ran over ("Donald Trump im Iran-Krieg", "Will Lewis die Zeitung"); not the particles
#: of names ("von der Leyen", "Karl der Große": ``NAME_PARTICLES``).
_NO_NAME_WORDS = frozenset("""
    die das dem des ein eine einer einen einem im ins am ans beim zur mit für auf aus bei nach
    über unter um gegen seit als wie und oder aber
""".split())
#: Lexicon flags of a word that is (part of) a name: a tail with one of them is kept.
_ANY_NAME_FLAGS = NAME_FLAGS | frozenset("tcryo")


def _is_common_noun_word(word: str, lexicon: Mapping[str, str]) -> bool:
    """A capitalized word that the lexicon knows as a common noun, or as a capitalized word with
    a noun's derivational ending ("Unkenntnis"), and not as any kind of name."""
    if not _is_capitalized(word):
        return False
    flags = _flags(lexicon, word)
    if _ANY_NAME_FLAGS.intersection(flags):
        return False
    return "N" in flags or ("K" in flags and bool(_NOUN_SUFFIX.search(word)))


def _cut_person_tails(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A person's span that runs past a first name and a surname over the words that follow
    ends before the first of them that is a common noun or a lowercase article or preposition:
    "Donald Trump hat Friedrich Merz Unkenntnis vorgeworfen" (the person "Friedrich Merz
    Unkenntnis"), "Thomas Gottschalk Buhrufe", "Donald Trump im Iran-Krieg". Only after a first
    name and a capitalized second word; a common noun only when that second word is no
    first name of both of the lexicon's lists ("Hans Ulrich Obrist": after two first names
    the surname may be a noun too, "Obrist"; "Merz", "Gottschalk" and "Wagner" are in at most
    one), and only a word the lexicon knows as no name of any kind (a surname that is also a
    noun ends a name of two words, "Andreas Scheuer", which this rule never cuts)."""
    lexicon = _lexicon()
    out = []
    for start, end, label in spans:
        if label == "PER" and end - start >= 3 and starts_with_first_name(words[start:end], lexicon) \
                and _is_capitalized(words[start + 1]):
            nouns_end_it = not FIRST_NAME_FLAGS <= set(_flags(lexicon, words[start + 1]))
            for i in range(start + 2, end):
                if words[i] in _NO_NAME_WORDS or (nouns_end_it and _is_common_noun_word(words[i], lexicon)):
                    end = _without_particles(words, start, i)
                    break
        out.append((start, end, label))
    return out


def _ends_with_first_name(span: Sequence[str], lexicon: Mapping[str, str]) -> bool:
    """The span is a first name, or ends in one that is no surname ("Recep Tayyip"; not "Hans
    Peter", Peter being a surname too, nor "Jens Spahn")."""
    if len(span) == 1:
        return starts_with_first_name(span, lexicon)
    flags = _flags(lexicon, span[-1])
    return starts_with_first_name(span[-1:], lexicon) and not SURNAME_FLAGS.intersection(flags)


def _has_arabic_article(word: str) -> bool:
    """A transliterated surname with its article ("al-Assad", "as-Sisi"): after a person's
    name it is always the surname."""
    bare = without_arabic_article(word)
    return bare != word and _is_capitalized(bare)


def _is_capitalized(word: str) -> bool:
    """A capital letter and then small ones only: no acronym and no two words run together by
    the scraper ("EmiratenErneut", "KiewZwischen")."""
    return len(word) > 1 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()


#: Words that start a German sentence and never end a name: after a scraper dropped the break
#: between two texts ("…aus KiewDer Angriff…", "ARD BrüsselAlle Rechte"), the capital one is
#: the next sentence's first word.
SENTENCE_STARTERS = frozenset("""
    der die das den dem des ein eine einer einen einem es er sie wir ich ihr man in im am an
    auf aus bei beim mit nach von vom vor zu zum zur für über unter um seit als wie was wer wo
    wann warum und aber auch doch noch nun so dass alle auf laut trotz während wegen bis ab
""".split())
#: The shortest pieces a glued word is split into (shorter ones are name prefixes: "iPhone",
#: "McDonald", "LaVita").
MIN_GLUED_PIECE = 3
#: Lexicon flags that make a piece of a glued word a name: the name flags, or K (capitalized in
#: the German word list) without N (a common noun): "Trump", "Putin".
_GLUED_NAME_FLAGS = NAME_FLAGS | {"K"}
#: The shortest common noun a glued name is cut from.
MIN_GLUED_NOUN = 6
_GLUED = re.compile(r"([A-ZÄÖÜ]?[a-zäöüß]+)([A-ZÄÖÜ][a-zäöüß]+)")


def _glue_cut(word: str, lexicon: Mapping[str, str]) -> int:
    """Where a scraper glued ``word`` together from two words: the length of the first ("KiewDer"
    → 4), or 0 for a word written so. Cut only where the pieces say so, as brands are written in
    one word too (WhatsApp, TikTok, HafenCity, ThyssenKrupp): the whole word is unknown to the
    lexicon and either the second piece is a word that starts German sentences ("KiewDer"), or
    the first is a lowercase German word ("entlassenIsrael": no name begins so), or both are
    names and neither a common noun ("PutinTrump", not "HafenCity"). The one rule of the entity
    extractor (``_unglued``) and of cleaning at ingest (``unglue``)."""
    match = _GLUED.fullmatch(word)
    if match is None or word in lexicon or word.lower() in lexicon or not _glued(match[1], match[2], lexicon):
        return 0
    return len(match[1])


def _glued(first: str, second: str, lexicon: Mapping[str, str]) -> bool:
    if len(second) < 2 or len(first) < MIN_GLUED_PIECE:
        return False
    if second.lower() in SENTENCE_STARTERS:
        return True
    if len(second) < MIN_GLUED_PIECE:
        return False
    first_flags = _flags(lexicon, first)
    second_flags = _flags(lexicon, second) or (_flags(lexicon, second[:-1]) if second.endswith("s") else "")
    if first.islower():
        return "l" in first_flags and bool(second_flags)
    if "N" in second_flags or not _GLUED_NAME_FLAGS.intersection(second_flags):
        return False  # "HafenCity", "KölnMesse", "DeutschlandTrend": a name and a noun make brands
    # a name after a name ("PutinTrump") or after a long common noun
    # ("SicherheitsgarantienTrump"; short ones begin brands: "CityLine")
    if "N" in first_flags:
        return len(first) >= MIN_GLUED_NOUN
    return bool(_GLUED_NAME_FLAGS.intersection(first_flags))


def _may_be_glued(word: str) -> bool:
    """Whether ``_glue_cut`` may cut ``word``, decided without the lexicon: it has the shape of a
    glued word, and pieces long enough ("iPhone", "McDonald" have not)."""
    match = _GLUED.fullmatch(word)
    return match is not None and len(match[1]) >= MIN_GLUED_PIECE and len(match[2]) >= 2


def _unglued(tokens: list[Token]) -> tuple[list[Token], frozenset[int]]:
    """``tokens`` with each word that a scraper glued together from two cut into its two
    words (``_glue_cut``): "KiewDer", "zusammenIran", "PutinTrump" (about 240 such facet values
    in 199 of the 4,161 zeitgeist articles, found by a review). Returns the tokens and the
    offsets of the second pieces: two texts met there, so a sentence starts (else "ARD
    BrüsselAlle Rechte" is still the organisation "ARD Brüssel Alle")."""
    if not any(_may_be_glued(token.text) for token in tokens):
        return tokens, frozenset()
    lexicon = _lexicon()
    out: list[Token] = []
    cuts: list[int] = []
    for token in tokens:
        length = _glue_cut(token.text, lexicon)
        if not length:
            out.append(token)
            continue
        cut = token.start + length
        out += [Token(token.text[:length], token.start, cut), Token(token.text[length:], cut, token.end)]
        cuts.append(cut)
    return out, frozenset(cuts)


#: A small letter before a capital and a small one: a text without it has no glued word.
_MAY_BE_GLUED = re.compile(r"[a-zäöüß][A-ZÄÖÜ][a-zäöüß]")


def unglue(text: str, separator: str = " ") -> str:
    """``text`` with ``separator`` put between the two words wherever a scraper glued them
    together (the cuts of ``_unglued``: "in angespannter AtmosphäreMerz warnt" → "… Atmosphäre
    Merz warnt"), every other character kept. Cleaning at ingest calls it, so that the index,
    the snippets and the entity facets read the same words. The lexicon is loaded (with the
    tagger, once per process) only for a text that has a word of a glued word's shape."""
    if not isinstance(text, str):
        return text
    candidates: list[Token] = []
    chunk_end = 0
    for found in _MAY_BE_GLUED.finditer(text):
        if found.start() < chunk_end:
            continue
        # the extractor's tokens of the run of non-space characters around it (a token that can
        # be glued, letters only, is cut the same in the run as in the whole text; tokenizing
        # only the runs keeps cleaning fast: 133 of 1,000 zeitgeist articles have such a run)
        start = found.start()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        chunk_end = _SPACE.search(text, found.end()).start()
        candidates += [
            Token(token.text, start + token.start, start + token.end)
            for token in tokenize(text[start:chunk_end])
            if _may_be_glued(token.text)
        ]
    if not candidates:
        return text
    lexicon = _lexicon()
    pieces: list[str] = []
    done = 0
    for token in candidates:
        length = _glue_cut(token.text, lexicon)
        if length:
            pieces += [text[done : token.start + length], separator]
            done = token.start + length
    return "".join(pieces) + text[done:] if pieces else text


#: The end of a run of non-space characters.
_SPACE = re.compile(r"\s|$")


#: A sentence is written in capitals when at least this share of its words of two letters or
#: more are (headlines and teasers of some sources: "BUNDESKANZLER MERZ TRIFFT MACRON").
SHOUTED_SHARE = 0.6
#: ... and it has at least this many such words (an acronym or two are no shouting).
SHOUTED_MIN_WORDS = 3


def _recased(words: list[str]) -> list[str]:
    """The words of a sentence in capitals as German writes them, before tagging: the tagger
    learnt from mixed case and made "MERZ", "DIE CDU" and "JUBELT" organisations (found by a
    review; "DIE FRAU", "DER MANN" in 10kGNAD). A word the lexicon has in capitals stays so
    (CDU, USA, EU), a name or noun takes its capital ("Merz", "Macron", "Bundeskanzler"),
    other words go lowercase ("trifft", "die"). Other sentences are returned as they are: a
    word in capitals among others is mostly an acronym or a name written so ("DER STANDARD",
    ISS, TU, "BUND"; recasing such words changed 65 of the 1,028 10kGNAD articles, nearly all
    for the worse), and shouted sentences are rare in news text (none in the shared corpora)."""
    letters = [w for w in words if len(w) > 1 and any(c.isalpha() for c in w)]
    shouted = [w for w in letters if w.isupper()]
    if len(shouted) < SHOUTED_MIN_WORDS or len(shouted) < SHOUTED_SHARE * len(letters):
        return words
    lexicon = _lexicon()
    out = []
    for i, word in enumerate(words):
        if len(word) < 2 or not word.isupper() or _capital_flags(lexicon, word):
            out.append(word)
            continue
        capital = word[0] + word[1:].lower()
        lower = word.lower()
        if i == 0 or _capital_flags(lexicon, capital) or "l" not in _flags(lexicon, lower):
            out.append(capital)  # a name, a noun, an unknown word, or the sentence's first word
        else:
            out.append(lower)
    return out


#: Lexicon flags that say a word is written so: capitalized in the word list, a noun or a name
#: other than a city ("DIE" is a city of the gazetteer, Die in France).
WRITTEN_SO_FLAGS = frozenset("KNTCROVSELF")


def _capital_flags(lexicon: Mapping[str, str], word: str) -> bool:
    return bool(WRITTEN_SO_FLAGS.intersection(_flags(lexicon, word)))


def _tagged_sentences(text: str, title: str) -> list[tuple[list[str], list[tuple[int, int, str]]]]:
    out = []
    for part in (title, text):
        if not part or not isinstance(part, str):
            continue
        part = clean_text(part[:MAX_TEXT_CHARS])
        if not _usable(part):
            continue
        tokens, breaks = _unglued(tokenize(part))
        for sentence in sentences(tokens, part, breaks):
            words = _recased([token.text for token in sentence])
            spans = _complete_first_names(
                words, _complete_adjectives(words, _split_lists(words, list(iter_spans(tag_tokens(words)))))
            )
            out.append((words, _join_initials(words, _cut_person_tails(words, _join_particles(words, spans)))))
    written = {word for words, _ in out for word in words}
    return [(words, _cut_genitive_heads(words, spans, written)) for words, spans in out]


#: The shortest name a genitive head is cut to ("Irans", not "Abs").
MIN_GENITIVE_HEAD = 3


def _cut_genitive_heads(
    words: Sequence[str], spans: list[tuple[int, int, str]], written: set[str]
) -> list[tuple[int, int, str]]:
    """A span that begins with a name in the genitive followed by a common noun is that name:
    the tagger ran the owner and the thing owned together ("Trumps Handelsembargo", "Putins
    Ölbranche", "Israels Gaza-Pläne", "Österreichs Tennisass": 50 such facet values in the
    5,188 articles of the real archive, found by a review). The name counts as a name when the
    text writes it without the -s too, or the lexicon knows it as one, and the genitive itself
    is no name ("Dimitris", "Hamas", "Martins"). After the nouns, a person's span may go on
    with a name of its own, which stays a person ("Trumps Grenzbeauftragter Homan": Trump and
    Homan); a place's genitive there is a place ("Russlands Präsident Wladimir Putin")."""
    lexicon = _lexicon()
    out = []
    for start, end, label in spans:
        if end - start < 2 or not _is_genitive_name(words[start], written, lexicon) \
                or not _is_noun_like(words[start + 1], lexicon):
            out.append((start, end, label))
            continue
        # a place's genitive in a person's span is the place ("Russlands Präsident Wladimir Putin")
        out.append((start, start + 1, "LOC" if label == "PER" and is_toponym(words[start], lexicon) else label))
        rest = start + 1
        while rest < end and _is_noun_like(words[rest], lexicon):
            rest += 1
        if label == "PER" and rest < end and all(_is_name_like(word) for word in words[rest:end]):
            out.append((rest, end, label))
    return out


def _is_genitive_name(word: str, written: set[str], lexicon: Mapping[str, str]) -> bool:
    """A capitalized word in -s whose stem is a name (written so in the text, or one of the
    lexicon's names) and that is no name itself."""
    if not word.endswith("s") or len(word) <= MIN_GENITIVE_HEAD or not _is_capitalized(word):
        return False
    flags = _flags(lexicon, word)
    if _ANY_NAME_FLAGS.intersection(flags) or "N" in flags:
        return False
    stem = word[:-1]
    return stem in written or bool(_ANY_NAME_FLAGS.intersection(_flags(lexicon, stem)))


def _is_noun_like(word: str, lexicon: Mapping[str, str]) -> bool:
    """A common noun, also a compound or hyphenated word that ends in one ("Handelsembargo",
    "Grenzbeauftragter", "Gaza-Pläne"), and no name of any kind."""
    if not word[:1].isupper() or _ANY_NAME_FLAGS.intersection(_flags(lexicon, word)):
        return False
    if _is_common_noun_word(word, lexicon):
        return True
    last = word.rsplit("-", 1)[-1]
    if last != word and last[:1].isupper() and _is_common_noun_word(last, lexicon):
        return True
    return bool(_noun_head(last, lexicon))


#: The shortest common noun that makes a compound's head (``_noun_head``).
MIN_NOUN_HEAD = 4


def _noun_head(word: str, lexicon: Mapping[str, str]) -> str:
    """The longest common noun of at least ``MIN_NOUN_HEAD`` letters that ``word`` ends in
    after a first part of at least two letters ("Ölbranche" → "Branche"), or ""."""
    if not word[:1].isupper() or not word.isalpha():
        return ""
    for i in range(2, len(word) - MIN_NOUN_HEAD + 1):
        tail = word[i].upper() + word[i + 1:]
        if "N" in _flags(lexicon, tail) and not _ANY_NAME_FLAGS.intersection(_flags(lexicon, tail)):
            return tail
    return ""


def _is_name_like(word: str) -> bool:
    """A word that may be (part of) a person's name: capitalized, hyphenated names included
    ("Ben-Gvir")."""
    return word[:1].isupper() and all(piece[:1].isupper() for piece in word.split("-"))


#: Nouns (or the ends of compounds) before a person's name that make it the name of a thing:
#: storms and weather systems are named like people ("Sturmtief Elli", "Hurrikan Melissa"), and
#: so are ships and animals ("Kreuzfahrtschiff Hondius", "Buckelwal Timmy"); such names, tagged
#: as persons or organisations, are none of the three facets (OTH). Not a bare "Sturm" ("Sturm
#: Graz" is a club), and not before a place ("Frachtschiff Iran").
NAMED_THING_CUES = re.compile(r"(?:\w*(?:tief|hurrikan|taifun|zyklon|orkan|schiff|frachter|wal)|\w+sturm)(?:e?s)?")


def _cued_label(words: Sequence[str], start: int, end: int, label: str) -> str:
    if start == 0:
        return _shaped_label(words[start:end], _titled_person(words, start, end, label))
    cue = words[start - 1].lower()
    if label in ("PER", "ORG") and words[start - 1][:1].isupper() and NAMED_THING_CUES.fullmatch(cue.rsplit("-", 1)[-1]):
        return "OTH"
    # a cue noun sets the type ("der Sender Kan", "die Stadt Schuscha"); the tagger's spans have
    # their cue's type already (``retype``), this one may have been joined or cut since
    kind = _cue_of_span(words, start, end, label)
    if kind:
        return kind
    if label != "PER" and end - start > 1 and PERSON_ROLES.search(cue) and _looks_like_person(words[start:end]):
        return "PER"
    return _shaped_label(words[start:end], _titled_person(words, start, end, label))


#: Last words of the names of newspapers, agencies and broadcasters' news, which the tagger
#: often takes for places ("Washington Post", "New York Times": a place in 8 and 14 of the
#: 10,000 benchmark articles).
MEDIA_HEADS = frozenset(
    "Times Post Zeitung Journal Tribune Herald Gazette Rundschau Kurier Nachrichten Allgemeine"
    " Presse News Express Observer Guardian Telegraph Chronicle Standard".split()
)
#: Capitalized name particles that join a first name to a surname ("Marine Le Pen").
CAPITALIZED_PARTICLES = frozenset("Le La De Di Da Del Du Van Von".split())


#: Points of the compass that make a part of a place of a known place ("Südlibanon",
#: "Westtexas", "Nordsyrien").
COMPASS_PREFIX = re.compile(r"(?:Nord|Süd|Ost|West)(?:ost|west)?-?(?=\w{3})|(?:Zentral|Mittel)-?(?=\w{4})")


def _shaped_label(span: Sequence[str], label: str) -> str:
    """The type a name's form says: a newspaper's name is an organisation, never a place; a
    name that ends in an institution's noun after a hyphen is that institution ("Robert
    Koch-Institut", a person in 7 distinct benchmark articles; "Syriza-Partei"); a point of
    the compass joined to a known place is a place ("Südlibanon", an organisation in 8); a
    first name, a capitalized particle and a surname are a person ("Marine Le Pen", a place in
    all 10 of the 10,000 benchmark articles that name her; not "Rio de Janeiro", "San
    Francisco", whose first word is also a place)."""
    if label == "LOC" and len(span) > 1 and span[-1] in MEDIA_HEADS:
        return "ORG"
    if label != "ORG" and _ends_in_institution(span[-1]):
        return "ORG"
    if label != "LOC" and len(span) == 1 and _is_part_of_place(span[0]):
        return "LOC"
    if label != "PER" and len(span) > 2 and span[1] in CAPITALIZED_PARTICLES and _is_capitalized(span[2]):
        lexicon = _lexicon()
        flags = _flags(lexicon, span[0])
        if "F" in flags and not PLACE_FLAGS.intersection(flags):  # not "Rio" of Rio de Janeiro
            return "PER"
    return label


def _cue_of_span(words: Sequence[str], start: int, end: int, label: str) -> str:
    """The place or organisation that a cue noun before the span makes of it (``features.CUES``,
    ``retype.cued_kind``), or ""."""
    from .tagger import get_tagger

    kind = cued_kind(words, start, end, get_tagger().featurizer, label)
    return kind if kind in ("ORG", "LOC") and may_be_cued(kind, words[start:end], label, _lexicon()) else ""


def _ends_in_institution(word: str) -> bool:
    """A hyphenated word whose last part is an organisation's cue noun (``features.CUES``),
    also in the genitive: "Koch-Institut", "Koch-Instituts", "Syriza-Partei"."""
    if "-" not in word:
        return False
    last = word.rsplit("-", 1)[1].lower()
    cues = CUES["ORG"]
    return last in cues or (last.endswith("s") and last[:-1] in cues) or (last.endswith("es") and last[:-2] in cues)


def _is_part_of_place(word: str) -> bool:
    """A point of the compass joined to a country, region or other known place ("Südlibanon",
    "Ost-Jerusalem", "Südbaden"; a town such as "Nordhausen" is a place in any case), unless
    the word is a name of its own (the surname Nordberg)."""
    prefix = COMPASS_PREFIX.match(word)
    if not prefix:
        return False
    lexicon = _lexicon()
    own = _flags(lexicon, word)
    if PERSON_NAME_FLAGS.intersection(own) and not TOPONYM_FLAGS.intersection(own):
        return False  # a name of its own: the surnames Nordberg, Westman
    rest = word[prefix.end():]
    return bool(TOPONYM_FLAGS.intersection(_flags(lexicon, rest[:1].upper() + rest[1:])))


def _titled_person(words: Sequence[str], start: int, end: int, label: str) -> str:
    """A place or organisation that starts with a person's role is the person with the title
    ("Premier Netanjahu", "Präsident Putin" tagged as an organisation; normalization drops
    the title), not "Präsident Frankreichs". After a compound role one word is a surname
    unless it is a country, region or other known place ("Ministerpräsident Sachsens"), though
    it may also be a common noun ("Bundeswirtschaftsministerin Reiche", an organisation in 6 of
    the 10,000 benchmark articles), a town of the name lists or a company's name
    ("Bundesgesundheitsministerin Warken", "Bundestagspräsidentin Klöckner": a role does not
    stand before a town or a company in the nominative); a bare role word may be English
    ("Premier League")."""
    role = PERSON_ROLES.search(words[start].lower())
    if label == "PER" or end - start < 2 or not role:
        return label
    rest = words[start + 1:end]
    if len(rest) == 1 and role.start() > 0:
        return label if is_toponym(rest[0], _lexicon()) else "PER"
    return "PER" if _looks_like_person(rest) else label


#: Initials before a surname ("JD Vance", "J. D. Vance", "JK Rowling").
_INITIALS = re.compile(r"(?:[A-Z]\.?){1,2}")


#: Initials that stand before a surname as a first name, in capitals, up to two letters
#: ("JD" of "JD Vance", "J." and "D." of "J. D. Vance").
_FIRST_INITIALS = re.compile(r"[A-Z]{1,2}|[A-Z]\.")
#: Flags of the lexicon (``scripts/build_gazetteers.py``) that make capitals a name of their
#: own, no initials: a capitalized word of the German word list (abbreviations: EU, CDU), a
#: toponym, country, region or city, a company's whole name, a legal form, a common noun.
_OWN_NAME_FLAGS = frozenset("KTCRYOGN")


def _join_initials(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A person's span that the tagger began at the surname, after initials that stand for the
    first name right after a person's role (``PERSON_ROLES``), takes the initials:
    "US-Vizepräsident JD Vance" was tagged "Vance" alone (the lexicon knows "JD" only as part
    of a company's name), and the facet counted the person "Vance" where the README and
    docs/entities.md promise "JD Vance". Not capitals that are a known abbreviation, place or
    organisation of their own ("EU", "US", "CDU": ``_OWN_NAME_FLAGS``), nor without the role."""
    if not spans:
        return spans
    lexicon = _lexicon()
    taken = {i for start, end, _ in spans for i in range(start, end)}
    out = []
    for start, end, label in spans:
        if label == "PER":
            first = start
            while (
                first > 1 and start - first < 2 and first - 1 not in taken
                and _FIRST_INITIALS.fullmatch(words[first - 1])
                and not _OWN_NAME_FLAGS.intersection(_flags(lexicon, words[first - 1].rstrip(".")))
            ):
                first -= 1
            if first < start and PERSON_ROLES.search(words[first - 1].lower()):
                start = first
        out.append((start, end, label))
    return out


def _looks_like_person(words: Sequence[str]) -> bool:
    """Several words that begin with a first name or with initials, or of which none is a known
    place, organisation or common noun (so that "Präsident Wolodymyr Selenskyj" and
    "US-Vizepräsident JD Vance" are persons, never "Präsident Frankreichs" or "Chef Deutsche
    Bank"; a genitive is read without its "-s")."""
    lexicon = _lexicon()
    while len(words) > 1 and _INITIALS.fullmatch(words[0]):
        words = words[1:]
    if starts_with_first_name(words, lexicon):
        return True
    return not has_place_or_org_word(words, lexicon)


def _complete(words: list[str], start: int, end: int,
              longer: Sequence[Mention]) -> Mention | None:
    """A longer name of the same document that this span is a cut-off copy of: "der Jerusalem
    Post" tagged "Jerusalem"/LOC is "The Jerusalem Post"/ORG (the words after the span are the
    rest of the name), and "Jerusalem Post" alone is it too; when the document has several
    longer names with it ("Le Pen": Marine Le Pen and Jean-Marie Le Pen) the span keeps its
    words and takes their type if they share one (normalization decides which person is meant).
    """
    span = tuple(words[start:end])
    inside: list[Mention] = []
    for mention in longer:
        tokens = mention.tokens
        if len(tokens) <= len(span):
            continue
        for offset in range(len(tokens) - len(span) + 1):
            if tokens[offset:offset + len(span)] != span:
                continue
            rest = tokens[offset + len(span):]
            if rest and tuple(words[end:end + len(rest)]) == rest:
                return mention
            if not rest and len(span) > 1:  # "Jerusalem Post" of "The Jerusalem Post"
                inside.append(mention)
    if len({mention.tokens for mention in inside}) == 1:
        return inside[0]
    labels = {mention.label for mention in inside}
    return Mention(span, labels.pop()) if len(labels) == 1 else None


def extract_mentions(text: str, title: str = "") -> list[Mention]:
    """Every tagged span of the title and text, in order, with the type its cues and form say
    (before normalization). A span that the tagger cut short of a longer name found elsewhere
    in the document gets that name, of the type given to its first mention."""
    sentences_ = [
        (words, [Mention(tuple(words[s:e]), _cued_label(words, s, e, label)) for s, e, label in spans], spans)
        for words, spans in _tagged_sentences(text, title)
    ]
    # a name that a cue showed to be a thing's ("Sturmtief Elli") is that everywhere in the text,
    # and one that a cue noun typed ("die Gewerkschaft Verdi", "die Initiative Covax", "vom Typ
    # ICE 3") is that type unless the tagger typed it otherwise more often (``CUE_WEIGHT``)
    things = {
        mention.tokens: "OTH" for _, mentions, spans in sentences_ for mention, (_, _, label) in zip(mentions, spans)
        if mention.label == "OTH" and label != "OTH"
    }
    cued = _cued_names(sentences_) | things
    if cued:
        sentences_ = [
            (words, [Mention(m.tokens, cued.get(m.tokens, m.label)) for m in mentions], spans)
            for words, mentions, spans in sentences_
        ]
    # in order of first mention (a set's order would change from run to run with the hash seed)
    found = dict.fromkeys(mention for _, mentions, _ in sentences_ for mention in mentions)
    longer = sorted((m for m in found if len(m.tokens) > 1), key=lambda m: -len(m.tokens))
    completed: list[Mention] = []
    for words, mentions, spans in sentences_:
        for mention, (start, end, _) in zip(mentions, spans):
            longest = _complete(words, start, end, longer) if longer else None
            completed.append(longest or mention)
    return _clubs_by_first_name(completed)


#: How many of the tagger's mentions of another type in a text the type a cue noun gave a name
#: counts for ("die Gewerkschaft Verdi" … "Verdi verlangt": an organisation; "die
#: Bürgerinitiative Straniakstraße" beside three mentions of the street: a place).
CUE_WEIGHT = 2
#: A name joined with a hyphen to the role of an organisation's head or member: "Verdi-Chef",
#: "Gazprom-Chef", "Signa-Gründer", "Anonymous-Mitglied", "Baumax-Zentrale" (an organisation's
#: seat). Not "-Sprecher" ("Clinton-Sprecher": a person's spokesman) nor "-Vize" ("Trump-Vize").
ORGANISATION_ROLE_COMPOUND = re.compile(
    r"([A-ZÄÖÜ][\w.]*)-(?:Chef|Chefin|Chefs|Boss|Bosse|Vorsitzende|Vorsitzender|Vorsitzenden"
    r"|Generalsekretär|Generalsekretärin|Mitglied|Mitglieder|Mitgliedern|Mitglieds|Funktionär|Funktionärin"
    r"|Funktionäre|Funktionären|Gründer|Gründerin|Gründers|Zentrale)"
)


def _cued_names(
    sentences_: Sequence[tuple[list[str], list[Mention], list[tuple[int, int, str]]]],
) -> dict[tuple[str, ...], str]:
    """The type of each name of a text that a cue noun before it (``features.CUES``,
    ``retype.cued_kind``) typed somewhere (tokens → type): each mention votes for its type, a
    cued one ``CUE_WEIGHT`` times, and a cue's type wins a tie. A one-word name that the text
    also joins with a hyphen to the role of an organisation's head or member ("Verdi-Chef
    Frank Bsirske", "Signa-Gründer", "Anonymous-Mitglied": ``ORGANISATION_ROLE_COMPOUND``) is
    cued as an organisation once for each such word, where the tagger typed it as a person."""
    from .tagger import get_tagger

    featurizer = get_tagger().featurizer
    votes: dict[tuple[str, ...], Counter[str]] = {}
    cued: dict[tuple[str, ...], set[str]] = {}
    heads: Counter[tuple[str, ...]] = Counter()
    for words, mentions, spans in sentences_:
        for mention, (start, end, _) in zip(mentions, spans):
            by_cue = start > 0 and mention.label == cued_kind(words, start, end, featurizer, mention.label)
            votes.setdefault(mention.tokens, Counter())[mention.label] += CUE_WEIGHT if by_cue else 1
            if by_cue:
                cued.setdefault(mention.tokens, set()).add(mention.label)
        for word in words:
            compound = ORGANISATION_ROLE_COMPOUND.fullmatch(word)
            if compound:
                heads[(compound[1],)] += 1
    for tokens, count in heads.items():
        if "PER" in votes.get(tokens, ()):
            votes[tokens]["ORG"] += CUE_WEIGHT * count
            cued.setdefault(tokens, set()).add("ORG")
    return {
        tokens: max(sorted(votes[tokens]), key=lambda label: (votes[tokens][label], label in labels))
        for tokens, labels in cued.items()
    }


def _clubs_by_first_name(mentions: list[Mention]) -> list[Mention]:
    """A first name alone, tagged as a person, that begins the name of an organisation of the
    text is that organisation: a club or firm named after a person ("Hertha" beside "Hertha
    BSC"); with several such organisations it keeps its word and becomes an organisation. Not
    a word that is also a surname (the lexicon's flags), nor a name the text also has as a
    person ("Aksel Lund Svindal", an organisation in a table of results)."""
    organisations = [m for m in dict.fromkeys(mentions) if m.label == "ORG" and len(m.tokens) > 1]
    if not organisations:
        return mentions
    lexicon = _lexicon()
    persons = {m.tokens for m in mentions if m.label == "PER"}
    out = []
    for mention in mentions:
        if mention.label == "PER" and len(mention.tokens) == 1 and _ends_with_first_name(mention.tokens, lexicon) \
                and not SURNAME_FLAGS.intersection(_flags(lexicon, mention.tokens[0])):
            starting = [m for m in organisations if m.tokens[0] == mention.tokens[0] and m.tokens not in persons]
            if len(starting) == 1:
                mention = starting[0]
            elif starting:
                mention = Mention(mention.tokens, "ORG")
        out.append(mention)
    return out


def extract_entities(
    text: str, title: str = "", *, aliases: Aliases | str | os.PathLike[str] | None = None
) -> list[Entity]:
    """The people, places and organisations a reader finds in one article, normalized for the
    facets (Israels → Israel, Netanjahu → Benjamin Netanjahu), in order of first mention.

    ``aliases`` is an :class:`Aliases` object or the path of an alias file; by default the file
    named by ``$SEARCHKIT_ALIASES`` is used, if any.
    """
    if not isinstance(aliases, Aliases):
        aliases = load_aliases(aliases)
    lexicon = _lexicon()
    entities: list[Entity] = []
    seen: set[tuple[str, EntityType]] = set()
    for name, kind in normalize_mentions(extract_mentions(text, title), lexicon):
        applied = aliases.apply(name, kind) if aliases else (name, kind)
        if applied is None:
            continue
        key = (entity_key(applied[0]), applied[1])
        if key in seen:
            continue
        seen.add(key)
        entities.append(Entity(*applied))
    return entities


