"""From tagged spans to facet values: what a reader would call the entity.

The tagger marks text spans ("Israels", "Präsident Erdoğan", "Netanjahu"); the facet needs the
entity ("Israel", "Recep Tayyip Erdoğan", "Benjamin Netanjahu"). The rules here are per document
and use only the document itself plus the shipped lexicon:

* genitive ``-s``/``-'`` is removed when the stem is a known name or is itself mentioned in the
  same document (Israels → Israel, Aserbaidschans → Aserbaidschan), never from a word that is a
  name as written (Paris, Nikolaus), and from a place or organisation of several words only
  when the document has it without (the New York Times);
* a leading common noun without name flags ("Präsident", "Kanzlerin") is not part of a name;
* adjectives, demonyms and roles alone (israelische, Türkischen, Bundeswirtschaftsministerin)
  are not entities, nor are compounds that
  only use a name (Karabach-Konflikt, SPD-Fraktion), nor "persons" that join a place and a
  common noun (Irankrieg), nor events typed as places or organisations (Fußball-WM, French
  Open);
* a person mentioned by a shorter form is the longest name in the same document that ends with
  it (Netanjahu → Benjamin Netanjahu, Erdoğans → Recep Tayyip Erdoğan), and one word of a name
  alone is that name when it is a word of no other person name of the document (Lula → Luiz
  Inácio Lula da Silva, Xi → Xi Jinping, Donald → Donald Trump; not beside two Friedrichs);
* a place or organisation named in several grammatical cases is one entity, shown in the form
  with the fewest declined words ("der Europäischen Union" → Europäische Union, when the
  document also has that form; across documents the facets merge the cases, see
  ``model.declension_groups``);
* a name tagged with different types in one document takes its most frequent type;
* finally the user's alias file (:mod:`searchkit.entities.aliases`) can rename, retype or drop.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..model import EntityType, declension_groups, declined_words, entity_key, name_suffixes

#: Tagger labels → facet types (OTH is recognised but not faceted).
FACET_OF = {"PER": EntityType.PERSON, "LOC": EntityType.PLACE, "ORG": EntityType.ORGANISATION}
#: Lexicon flags that mark proper names (see scripts/build_gazetteers.py).
NAME_FLAGS = frozenset("TVSECRYFLO")
_ADJECTIVE = re.compile(r"(?:isch|ische|ischen|ischer|isches|ischem)$", re.IGNORECASE)
_EDGE_PUNCT = "\"'„“”‚‘’«»()[]{}.,;:!?–—-/*"
#: Names never longer than this many tokens (longer spans are tagging noise).
MAX_NAME_TOKENS = 8


@dataclass(frozen=True, slots=True)
class Mention:
    """One tagged span: its tokens and the tagger's label (PER/LOC/ORG)."""

    tokens: tuple[str, ...]
    label: str

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _flags(lexicon: Mapping[str, str], word: str) -> str:
    value = lexicon.get(word)
    return value[:-3] if value else ""


def _is_name_word(lexicon: Mapping[str, str], word: str) -> bool:
    return any(f in NAME_FLAGS for f in _flags(lexicon, word))


def _is_common_noun(lexicon: Mapping[str, str], word: str) -> bool:
    """A noun the lexicon knows, and not also as a name ("Präsident", "Konflikt"; not "Koch")."""
    return "N" in _flags(lexicon, word) and not _is_name_word(lexicon, word)


#: Lexicon flags of a place, an organisation, a part of a company's name or a common noun
#: (``scripts/build_gazetteers.py``).
PLACE_OR_ORG_FLAGS = frozenset("CRYTOGoN")


def has_place_or_org_word(words: Sequence[str], lexicon: Mapping[str, str]) -> bool:
    """Some word is a known place, organisation, company part or common noun, also read without
    a genitive "-s" ("Frankreichs", "Dänemarks")."""
    return any(
        PLACE_OR_ORG_FLAGS.intersection(_flags(lexicon, form))
        for word in words for form in (word, genitive_stem(word)) if form
    )


#: Lexicon flags of a country, a region or another place the dictionaries know (not of towns
#: found only in GeoNames' list, which holds many words that are also surnames: "Warken").
TOPONYM_FLAGS = frozenset("CRT")


def is_toponym(word: str, lexicon: Mapping[str, str]) -> bool:
    """A country, region or known place, also read without a genitive "-s" ("Sachsens")."""
    return any(TOPONYM_FLAGS.intersection(_flags(lexicon, form)) for form in (word, genitive_stem(word)) if form)


def clean_tokens(tokens: Iterable[str]) -> tuple[str, ...]:
    """Drop punctuation at the edges of a span and of its tokens ("„Kan" → "Kan")."""
    out = [t.strip(_EDGE_PUNCT) if len(t) > 1 else t for t in tokens]
    out = [t for t in out if t and any(c.isalnum() for c in t)]
    return tuple(out)


def is_adjective_or_demonym(tokens: tuple[str, ...], lexicon: Mapping[str, str]) -> bool:
    """Lowercase words and -isch adjectives are descriptions, not names; a surname that ends
    like one ("Fischer") is a name."""
    if not tokens or not tokens[0][:1].isupper() and not tokens[0][:1].isdigit():
        return True
    return len(tokens) == 1 and bool(_ADJECTIVE.search(tokens[0])) and not _is_name_word(lexicon, tokens[0])


def is_name_part(tokens: tuple[str, ...], lexicon: Mapping[str, str]) -> bool:
    """A compound whose head is a common noun uses a name but is not one: "Karabach-Konflikt",
    "SPD-Fraktion", "Assad-Regime" (GermEval's ``-part`` spans)."""
    last = tokens[-1]
    if "-" not in last:
        return False
    head = last.rsplit("-", 1)[1]
    if not head:
        return False
    if head[0].islower():
        return True
    return _is_common_noun(lexicon, head)


#: Last words (or hyphenated heads) of events, which the tagger often takes for organisations:
#: "Fußball-WM", "French Open", "Christopher Street Day", "Davis Cup", "DFB-Pokal", "Olympische
#: Spiele", "Eurovision Song Contest", "Grand Prix". Not
#: "Games" (Rockstar Games is a company) nor "Festspiele" (Salzburger Festspiele runs them).
EVENT_HEADS = frozenset(
    "WM EM Weltmeisterschaft Europameisterschaft Olympiade Spiele Winterspiele Sommerspiele Day Open"
    " Cup Pokal Marathon Rallye Contest Prix".split()
)


def is_event(tokens: tuple[str, ...]) -> bool:
    """A competition, a tournament or a day (GermEval's OTH), not a place or organisation."""
    head = tokens[-1].rsplit("-", 1)[-1]
    return head in EVENT_HEADS or genitive_stem(head) in EVENT_HEADS  # "des Christopher Street Days"


#: Lexicon flags of a place: toponym, country, region, city.
PLACE_FLAGS = frozenset("TCRY")
#: Lexicon flags of a word that is part of the name of a toponym, country or region.
PLACE_PART_FLAGS = frozenset("tcr")
#: Lexicon flags of first names (gender-guesser's, Faker's; Wiktionary's).
FIRST_NAME_FLAGS = frozenset("FV")
#: Lexicon flags of a surname (Faker's surnames; Wiktionary's).
SURNAME_FLAGS = frozenset("LS")
#: Lexicon flags of a person's name: first names and surnames.
PERSON_NAME_FLAGS = FIRST_NAME_FLAGS | SURNAME_FLAGS


def is_place_compound(word: str, lexicon: Mapping[str, str]) -> bool:
    """A word that joins a place and a common noun ("Irankrieg", "Gazakrieg", "Ukrainekrieg")
    names an event or a thing, not a person, though the tagger often takes it for one (the
    10,000 benchmark articles had "Irankrieg" as a person in 75). A known name as written
    ("Rosenberg", a city and a surname) stays a name."""
    if _is_name_word(lexicon, word):
        return False
    from ..compounds import split_compound

    parts = split_compound(word.lower())
    if len(parts) < 2:
        return False
    first, head = parts[0].capitalize(), parts[-1].capitalize()
    return bool(PLACE_FLAGS.intersection(_flags(lexicon, first))) and "N" in _flags(lexicon, head)


#: What a person's role noun ends with: "US-Präsident Donald Trump", "Außenministerin …",
#: "Regierungssprecher …", "Unionsfraktionschef Spahn" (the tagger took "US-Präsident Donald
#: Trump" for an organisation).
PERSON_ROLES = re.compile(
    r"(?:präsident|kanzler|minister|chef|sprecher|vorsitzende|bürgermeister|senator|gouverneur"
    r"|botschafter|sekretär|direktor|kandidat|abgeordnete|trainer|könig|prinz|premier|herrscher"
    r"|machthaber|diktator|führer)(?:in|en|n|r|s)?$"
)


#: Heads of compounds that name places, buildings or institutions ("Rheinufer", "Donauinsel",
#: "Domgasse", "Spielfeld", "Karlskirche", "Pappelstadion", "Palästinenserbehörde"):
#: ``is_thing_compound`` keeps them (a building is a place; an institution typed as a place is
#: left to the archive-wide type vote).
PLACE_OR_INSTITUTION_HEADS = frozenset("""
    allee amt arena au aue bach bahn bahnhof bank behörde berg bezirk brunn brücke bucht bund
    burg casino damm dom dorf feld flughafen fluss furt gasse gebiet gebirge gericht
    gesellschaft graben grund gürtel hafen hain halle haus hausen heim hof horn höhe insel
    institut kanal kapelle kaserne kino kirche kirchen kloster kreis küste land markt meer
    ministerium moor museum mühle münster oper palais palast park partei pass pfad platz rain
    ring schloss see siedlung stadion stadt steig stein strand straße streifen tal theater tor
    tunnel turm ufer union verband verein viertel wald weg weiler werder zone
""".split())


#: Heads of compounds that name organisations ("Bundesrat", "Europaparlament", "Handelsblatt",
#: "Bundesnetzagentur", "Staatsanwaltschaft"): with ``PLACE_OR_INSTITUTION_HEADS`` they keep a
#: one-word organisation that is a compound of common nouns; "Tankrabatt", "Bundesspitze" or
#: "Raketenabwehr" tagged as organisations are not kept (``NO_ORGANISATION_ENDINGS``).
ORGANISATION_HEADS = PLACE_OR_INSTITUTION_HEADS | frozenset("""
    agentur akademie allianz anstalt armee blatt börse brigade bündnis dienst fernsehen flotte
    fonds forum front funk garde gewerkschaft gruppe heer hochschule kammer kartell kasse klinik
    klinikum klub club kommission konferenz konzern korps liga mannschaft marine miliz
    nachrichten organisation parlament polizei post presse radio rat regierung rundschau schaft
    schule senat sender spiegel stiftung tag team universität verlag vereinigung verwaltung wehr
    werk werke zeitung
""".split())


#: Endings that end in a head of ``ORGANISATION_HEADS`` but name no organisation: "-abwehr"
#: (not "-wehr"), "-meisterschaft", "-wirtschaft" (not "-schaft"), "-feuerwerk", "-netzwerk"
#: (not "-werk"), days (not "-tag" of Bundestag, Landtag).
NO_ORGANISATION_ENDINGS = frozenset("""
    abwehr meisterschaft wirtschaft landschaft wissenschaft freundschaft partnerschaft
    nachbarschaft bereitschaft schwangerschaft feuerwerk netzwerk kunstwerk bauwerk handwerk
    regelwerk feiertag geburtstag jahrestag wahltag gipfeltag stichtag alltag vortag
""".split())


def is_thing_compound(
    word: str,
    lexicon: Mapping[str, str],
    heads: frozenset[str] = PLACE_OR_INSTITUTION_HEADS,
    exceptions: frozenset[str] = frozenset(),
) -> bool:
    """A word the lexicon does not know as a name, made of known words and ending in a common
    noun that names no kind of place (``heads``, unless the word ends in one of
    ``exceptions``): "Bürgergeld" (a place in 28 of the 10,000 benchmark articles),
    "Irankrieg", "Dienstschluss", "Farbwiedergabe". Place names built the same way end in a
    geographic or institutional noun and stay ("Donauinsel", "Spielfeld",
    ``PLACE_OR_INSTITUTION_HEADS``)."""
    if _is_name_word(lexicon, word) or not word.isalpha():
        return False
    from ..compounds import split_compound

    parts = split_compound(word.lower())
    if len(parts) < 2:
        return False
    head = parts[-1]
    names_a_kind = _ends_in(head, heads) and not _ends_in(word.lower(), exceptions)
    return not names_a_kind and _is_common_noun(lexicon, head.capitalize())


def _ends_in(word: str, nouns: frozenset[str]) -> bool:
    """``word`` is, or ends in, one of ``nouns`` (those of four letters or more), also inflected
    ("Feldern", "Straßen", "Pfarrkirche", "Parlaments")."""
    for cut in (0, 1, 2):
        stem = word[: len(word) - cut]
        if stem in nouns or any(len(noun) >= 4 and stem.endswith(noun) for noun in nouns):
            return True
    return False


def is_no_person(tokens: tuple[str, ...], lexicon: Mapping[str, str], *, titled: bool = False) -> bool:
    """A "person" that is a common noun alone ("Grüne": the party, a person in 6 benchmark
    articles; "Cannabis", "Lachgas"; surnames such as Koch or Fischer are names in the lexicon),
    a place joined with a common noun (``is_place_compound``), a compound of common nouns
    (``is_thing_compound``: "Bürgergeld"), or initials alone ("D C" of "Washington D.C.", 9
    articles). After a role (``titled``: "Bundeswirtschaftsministerin Reiche") a common noun
    is a surname. Re-extracted, the benchmark articles lost 30 such person
    values and one real one: "Jobs" alone in 5 articles (with "Steve Jobs" in the same article
    the full name stays)."""
    if all(len(token.replace(".", "")) <= 1 for token in tokens):
        return True
    if len(tokens) != 1:
        return False
    word = tokens[0]
    if is_place_compound(word, lexicon) or is_thing_compound(word, lexicon):
        return True
    return not titled and _is_common_noun(lexicon, word)


def strip_titles(tokens: tuple[str, ...], lexicon: Mapping[str, str]) -> tuple[str, ...]:
    """Remove leading common nouns that are not also names ("Präsident Erdoğan" → "Erdoğan"),
    and leading roles the lexicon lacks as nouns or names ("Bundesjustizministerin Hubig" →
    "Hubig", "Ex-Bundeswirtschaftsminister Habeck" → "Habeck", "Bundestagspräsidentin
    Klöckner" → "Klöckner")."""
    start = 0
    while start < len(tokens) - 1:
        if _is_common_noun(lexicon, tokens[start]) or (
            not _is_name_word(lexicon, tokens[start]) and PERSON_ROLES.search(tokens[start].lower())
        ):
            start += 1
            continue
        break
    return tokens[start:]


def genitive_stem(word: str) -> str | None:
    """The word without a genitive ending, or None when it cannot be one."""
    if len(word) < 4:
        return None
    if word.endswith("'"):
        return word[:-1]
    if word.endswith("s") and word[-2] not in "sxzß" and not word[-2].isupper():
        return word[:-1]
    return None


def strip_genitive(
    tokens: tuple[str, ...], lexicon: Mapping[str, str], seen_keys: set[str], *, person: bool = False
) -> tuple[str, ...]:
    """"Israels" → "Israel" when "Israel" is a name or is mentioned in the same document. A
    place or organisation of several words only by the document: its last "s" is mostly part
    of the name ("New York Times", "Rocky Mountains", "Warner Bros"; on the benchmark articles
    the lexicon route made 30 such names wrong, "New York Time" in 7 articles). A person's
    surname takes the lexicon route too ("Angela Merkels" → Angela Merkel), and the document's
    route by the surname alone ("Benjamin Netanjahus" beside "Netanjahu"); a name the German
    word list has capitalized and not as a noun counts as a name ("Trumps" → Trump: found by
    a review, with 39 person values such as "Donald Trumps" over 5,189 articles)."""
    last = tokens[-1]
    stem = genitive_stem(last)
    if stem is None:
        return tokens
    stemmed = tokens[:-1] + (stem,)
    if entity_key(" ".join(stemmed)) in seen_keys:
        return stemmed
    if _is_name_word(lexicon, last) or "N" in _flags(lexicon, last):
        return tokens  # "Paris", "Nikolaus", "Rathaus": the word is a name/noun as written
    if person and len(tokens) > 1 and entity_key(stem) in seen_keys:
        return stemmed
    if (len(tokens) == 1 or person) and _names_something(lexicon, stem):
        return stemmed
    return tokens


def _names_something(lexicon: Mapping[str, str], word: str) -> bool:
    """A name word, or a word the German word list has capitalized and not as a noun."""
    flags = _flags(lexicon, word)
    return _is_name_word(lexicon, word) or ("K" in flags and "N" not in flags)


def _persons_by_surname(
    resolved: list[tuple[tuple[str, ...], str]], lexicon: Mapping[str, str]
) -> list[tuple[tuple[str, ...], str]]:
    """A name typed as a place or organisation is a person when it starts with a first name and
    the article names that person by the last word alone ("Donald Trump" tagged as an
    organisation and "Trump" as a person in one article; on the 10,000 benchmark articles
    "Donald Trump" was an organisation in 263). Without a known first name the name's words
    must be unknown to the lexicon as places, organisations, companies or common nouns and
    none an acronym ("Wolodymyr Selenskyj" as a place beside "Selenskyj"). Both keep "Red Bull
    Salzburg", "SV Ried" and "Borussia Dortmund" what they are when "Salzburg", "Ried" or
    "Dortmund" was tagged as a person."""
    surnames = {entity_key(t[0]) for t, label in resolved if label == "PER" and len(t) == 1}
    if not surnames:
        return resolved
    return [(t, "PER" if label != "PER" and len(t) > 1 and entity_key(t[-1]) in surnames
             and (starts_with_first_name(t, lexicon) or _unknown_words(t, lexicon)) else label)
            for t, label in resolved]


def _unknown_words(tokens: tuple[str, ...], lexicon: Mapping[str, str]) -> bool:
    """No word is a known place, organisation, company part or common noun (also read without
    a genitive "-s": "Dänemarks"), and the words before the last are plain given names: no
    acronym ("SV", "JD"), no hyphen ("ZDF-Journalist"), no -isch adjective, no compound of known
    words ("Musiksaal Bataclan", "Finanzlandesrat Mikl-Leitner")."""
    from ..compounds import split_compound

    for word in tokens[:-1]:
        if word.isupper() or "-" in word or _ADJECTIVE.search(word) or split_compound(word.lower()):
            return False
    return not has_place_or_org_word(tokens, lexicon)


def starts_with_first_name(tokens: Sequence[str], lexicon: Mapping[str, str]) -> bool:
    """The first word is a first name in the lexicon and not the start of a company's name
    ("Donald", "Serena"; not "Red" of Red Bull, "The" or "Sun" of Sun Microsystems)."""
    flags = _flags(lexicon, tokens[0])
    return ("F" in flags or "V" in flags) and "o" not in flags


def _partial_person_map(names: Iterable[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Key of every proper suffix of a multi-word name → the longest such name; of names equally
    long, the first mentioned ("Kerry" in an article on John and Christl Kerry). The order of a
    set of names followed Python's string hashing, which differs from process to process: the
    same article gave "Kerry" to either of them."""
    mapping: dict[str, tuple[str, ...]] = {}
    for tokens in sorted(dict.fromkeys(names), key=len, reverse=True):
        for suffix in name_suffixes(tokens):
            mapping.setdefault(entity_key(suffix), tokens)
    return mapping


def _person_word_map(
    names: Iterable[tuple[str, ...]],
    suffixes: Mapping[str, tuple[str, ...]],
    others: Iterable[str],
    lexicon: Mapping[str, str],
) -> dict[str, tuple[str, ...]]:
    """Key of a word before the last of a multi-word person name → that name, when no other
    person name of the article has the word ("Lula" → Luiz Inácio Lula da Silva, "Xi" → Xi
    Jinping, "Ban" → Ban Ki Moon, "Donald" → Donald Trump; not "Friedrich" beside two
    Friedrichs). A shorter form counts as the longest name it maps to (``suffixes``: "Lula da
    Silva" is Luiz Inácio Lula da Silva). Not a word that is a suffix of a name already, a
    place or organisation of the article (``others``: keys; "Aldi" beside the "person" Aldi
    Nord), an initial, a lowercase particle, or a word the lexicon knows only as a common
    noun, as an organisation, or as a country, region or known place and not as a surname
    ("Atlanta" of "Atlanta Hawks"; "Paul" and "Nelson" are surnames too). Only person mentions
    take the name (the caller's concern). Re-extracted, the 5,189 zeitgeist and 10kGNAD test
    articles: 67 one-word person values in 63 articles went to a full name, 62 right, 2 type
    errors on both sides, 3 wrong (docs/entities.md)."""
    bearers: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
    words: dict[str, str] = {}
    for tokens in dict.fromkeys(names):
        full = suffixes.get(entity_key(" ".join(tokens)), tokens)
        for word in tokens[:-1]:
            key = entity_key(word)
            bearers[key][entity_key(" ".join(full))] = full
            words.setdefault(key, word)
    skip = set(others) | set(suffixes)
    mapping: dict[str, tuple[str, ...]] = {}
    for key, fulls in bearers.items():
        word = words[key]
        if len(fulls) != 1 or key in skip or len(word) < 2 or not word[:1].isupper():
            continue
        flags = _flags(lexicon, word)
        if _is_common_noun(lexicon, word) or "O" in flags or (
            TOPONYM_FLAGS.intersection(flags) and not SURNAME_FLAGS.intersection(flags)
        ):
            continue
        mapping[key] = next(iter(fulls.values()))
    return mapping


_LEXICON_TYPE = (("TCRY", "LOC"), ("FVLS", "PER"), ("O", "ORG"))


def _vote(counts: Counter[str], name: str, lexicon: Mapping[str, str]) -> str:
    """The most frequent type; a tie goes to what the lexicon knows the name as, else LOC, PER,
    ORG in that order (places are the most frequent entities in news)."""
    ranked = counts.most_common()
    best = [label for label, n in ranked if n == ranked[0][1]]
    if len(best) == 1:
        return best[0]
    flags = _flags(lexicon, name.split()[-1])
    for letters, label in _LEXICON_TYPE:
        if label in best and any(f in flags for f in letters):
            return label
    return next(label for label in ("LOC", "PER", "ORG") if label in best)


#: Public broadcasters whose correspondents sign "ARD Brüssel", "ZDF-Studio Washington",
#: "ARD-Hauptstadtstudio Berlin": the place is where the studio is, not another organisation.
BROADCASTERS = frozenset("ARD ZDF ORF SRF Deutschlandfunk DLF BR NDR WDR SWR MDR HR RBB SR DW".split())
_STUDIO = re.compile(r"-(?:Hauptstadt)?[Ss]tudio$")
#: Lexicon flags of a word of a place name ("Tel Aviv", "Rio de Janeiro" word by word).
PLACE_WORD_FLAGS = PLACE_FLAGS | PLACE_PART_FLAGS | {"y"}


def without_studio_place(tokens: tuple[str, ...], lexicon: Mapping[str, str]) -> tuple[str, ...]:
    """A broadcaster's studio by its city ("ARD Brüssel", "ARD-Studio Rio de Janeiro") is the
    broadcaster: every city's studio was an organisation of its own (found by a review: 156
    values, 96 distinct, in 3 % of the zeitgeist articles, and "ARD" itself was never counted).
    A name that goes on otherwise ("ZDF Magazin Royale") stays."""
    head = _STUDIO.sub("", tokens[0])
    if head not in BROADCASTERS or len(tokens) < 2:
        return tokens
    rest = tokens[1:]
    if all(word.islower() or PLACE_WORD_FLAGS.intersection(_flags(lexicon, word)) for word in rest) and not rest[0].islower():
        return (head,)
    return tokens


def is_first_and_last_name(tokens: tuple[str, ...], lexicon: Mapping[str, str]) -> bool:
    """A first name and a surname, nothing else: a person, whatever the tagger said (found by a
    review: "Donald Trump" was an organisation in 102 of the 4,310 zeitgeist items, "Sahra
    Wagenknecht" in 3). Not when the first name begins company names in the lexicon (Carl Zeiss,
    Hugo Boss), the surname is also a common noun or a company (Axel Springer), either word is
    part of a place's name (San Francisco, Abu Dhabi, Sri Lanka: lowercase t, c, r flags), or a
    word the lexicon knows only capitalized is a compound of common words ("Vienna
    Stephansdom")."""
    from ..compounds import split_compound

    if len(tokens) != 2 or not starts_with_first_name(tokens, lexicon):
        return False
    first, last = _flags(lexicon, tokens[0]), _flags(lexicon, tokens[1])
    if (PLACE_PART_FLAGS | TOPONYM_FLAGS).intersection(first + last):
        return False
    if not last or {"N", "o", "O"} & set(last):
        return False
    if SURNAME_FLAGS.intersection(last):
        return True  # a surname may look like a compound: Wagenknecht, Steinmeier
    return "K" in last and "Y" not in last and not split_compound(tokens[1].lower())


def _split_genitive_heads(mentions: Iterable[Mention], lexicon: Mapping[str, str]) -> Iterator[Mention]:
    """``mentions`` with each span that is a name in the genitive and the noun it governs cut
    at the name (``genitive_head``)."""
    for mention in mentions:
        parts = genitive_head(clean_tokens(mention.tokens), mention.label, lexicon) if mention.label in FACET_OF else None
        if parts:
            yield from (Mention(tokens, label) for tokens, label in parts)
        else:
            yield mention


def genitive_head(tokens: tuple[str, ...], label: str, lexicon: Mapping[str, str]) -> list[tuple[tuple[str, ...], str]] | None:
    """A name in the genitive and the noun it governs, tagged as one name ("Israels Armee",
    "Wladimir Putins Armee", "Russlands Machthaber Putin"; found by a review: 41 values in 41
    of 5,189 articles, and the name itself was lost): the name, and a person named after a role
    noun. None when the span is no such thing: the genitive word must end in -s and be, or
    come from, a name (not an adjective: "Deutsches Rotes Kreuz"), and a common noun must
    follow it."""
    for i, word in enumerate(tokens[:-1]):
        following = tokens[i + 1]
        if not (word.endswith("s") and word[:1].isupper() and "N" in _flags(lexicon, following)):
            continue
        flags = _flags(lexicon, word)
        if "l" in _flags(lexicon, word.lower()) or "N" in flags:
            return None  # an adjective or a noun ("Deutsches", "Landes"): no name in the genitive
        if FIRST_NAME_FLAGS.intersection(flags):
            return None  # "Andreas Scheuer", "Thomas Müller": a first name, then a surname
        stem = genitive_stem(word)
        if _names_something(lexicon, word) and not (stem and _names_something(lexicon, stem)):
            head = tokens[: i + 1]  # a name ending in s as written ("Hamas Frist")
        elif stem and _names_something(lexicon, stem):
            head = tokens[:i] + (stem,)
        else:
            return None
        parts = [(head, _head_label(head, label, lexicon))]
        rest = list(tokens[i + 1 :])
        roles = False
        while rest and "N" in _flags(lexicon, rest[0]) and not _is_name_word(lexicon, rest[0]):
            roles = roles or bool(PERSON_ROLES.search(rest.pop(0).lower()))
        if rest and roles:
            parts.append((tuple(rest), "PER"))  # "Russlands Machthaber Putin"
        return parts
    return None


def _head_label(head: tuple[str, ...], label: str, lexicon: Mapping[str, str]) -> str:
    """The type of a name cut from a span of another type ("Putins Reich" was a place): a
    country, region or toponym is a place, a first name and more or a person's name a person,
    a city a place; a name the lexicon only has capitalized ("Putin") is a person where the
    span was a place (places are in the gazetteer)."""
    if len(head) > 1:
        return "PER" if starts_with_first_name(head, lexicon) else label
    flags = _flags(lexicon, head[0])
    if TOPONYM_FLAGS.intersection(flags):
        return "LOC"
    if PERSON_NAME_FLAGS.intersection(flags):
        return "PER"
    if "Y" in flags:
        return "LOC"
    return "PER" if label == "LOC" else label


def normalize_mentions(
    mentions: Iterable[Mention], lexicon: Mapping[str, str]
) -> list[tuple[str, EntityType]]:
    """Resolve the spans of one document into distinct (display name, type) pairs, in order of
    first mention."""
    raw: list[tuple[tuple[str, ...], str]] = []
    for mention in _split_genitive_heads(mentions, lexicon):
        if mention.label not in FACET_OF:
            continue
        tokens = clean_tokens(mention.tokens)
        if not tokens or len(tokens) > MAX_NAME_TOKENS or is_adjective_or_demonym(tokens, lexicon):
            continue
        if (len(tokens) == 1 and is_name_part(tokens, lexicon)) or (mention.label != "PER" and is_event(tokens)):
            continue
        if len(tokens) == 1 and not _is_name_word(lexicon, tokens[0]) and PERSON_ROLES.search(tokens[0].lower()):
            continue  # a role alone ("Bundeswirtschaftsministerin" as an organisation)
        if mention.label != "PER" and is_first_and_last_name(tokens, lexicon):
            mention = Mention(mention.tokens, "PER")
        if mention.label == "PER":
            stripped = strip_titles(tokens, lexicon)
            titled = len(stripped) < len(tokens) and bool(PERSON_ROLES.search(tokens[-len(stripped) - 1].lower()))
            tokens = stripped
            if is_no_person(tokens, lexicon, titled=titled):
                continue
        elif mention.label == "LOC" and len(tokens) == 1 and is_thing_compound(tokens[0], lexicon):
            continue
        elif mention.label == "ORG" and len(tokens) == 1 and is_thing_compound(
            tokens[0], lexicon, ORGANISATION_HEADS, NO_ORGANISATION_ENDINGS
        ):
            continue
        elif mention.label == "ORG":
            tokens = without_studio_place(tokens, lexicon)
        raw.append((tokens, mention.label))

    # Nominative forms first, so that "Israels" can find "Israel" anywhere in the document.
    seen_keys = {entity_key(" ".join(t)) for t, _ in raw if genitive_stem(t[-1]) is None}
    seen_keys |= {entity_key(" ".join(t)) for t, _ in raw}
    # ... and "Erdoğans" can find the surname of "Recep Tayyip Erdoğan"
    seen_keys |= {entity_key(suffix) for t, label in raw if label == "PER" for suffix in name_suffixes(t)}
    resolved = [(strip_genitive(t, lexicon, seen_keys - {entity_key(" ".join(t))}, person=label == "PER"), label)
                for t, label in raw]

    resolved = _persons_by_surname(resolved, lexicon)
    persons = _partial_person_map(t for t, label in resolved if label == "PER" and len(t) > 1)
    person_words = _person_word_map(
        (t for t, label in resolved if label == "PER" and len(t) > 1), persons,
        (entity_key(" ".join(t)) for t, label in resolved if label != "PER"), lexicon,
    )
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    display: dict[str, Counter[str]] = defaultdict(Counter)
    order: list[str] = []
    for tokens, label in resolved:
        key = entity_key(" ".join(tokens))
        full = persons.get(key)
        if full is None and label == "PER":
            full = person_words.get(key)
        if full is not None and label in ("PER",):
            tokens = full
            key = entity_key(" ".join(tokens))
        elif full is not None and len(tokens) == 1 and label != "PER":
            # a surname tagged as a place or organisation once ("Netanjahu" as ORG) is the person
            tokens, label = full, "PER"
            key = entity_key(" ".join(tokens))
        if key not in votes:
            order.append(key)
        votes[key][label] += 1
        display[key][" ".join(tokens)] += 1

    labels = {key: _vote(votes[key], display[key].most_common(1)[0][0], lexicon) for key in order}
    order = _merge_declensions(order, labels, votes, display)
    out = []
    for key in order:
        label = _vote(votes[key], display[key].most_common(1)[0][0], lexicon)
        name = min(display[key].items(), key=lambda item: (declined_words(item[0]), -item[1]))[0]
        out.append((name, FACET_OF[label]))
    return out


def _merge_declensions(
    order: list[str], labels: Mapping[str, str], votes: dict[str, Counter[str]], display: dict[str, Counter[str]]
) -> list[str]:
    """One entity per place or organisation that the article names in several cases ("die
    Europäische Union" … "der Europäischen Union"), under its first-mentioned key; its spellings
    and type votes are pooled there. Returns the keys that remain, in order of first mention."""
    groups = declension_groups(key for key in order if labels[key] in ("LOC", "ORG"))
    first: dict[str, str] = {}
    kept = []
    for key in order:
        group = groups.get(key)
        if group is None or group not in first:
            if group is not None:
                first[group] = key
            kept.append(key)
            continue
        into = first[group]
        votes[into].update(votes.pop(key))
        display[into].update(display.pop(key))
    return kept
