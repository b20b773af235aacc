"""Entity extraction: the shipped CRF model, normalization for the facets, aliases, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.entities import (
    AliasFileError,
    Mention,
    extract_entities,
    extract_mentions,
    load_aliases,
)
from searchkit.entities.normalize import normalize_mentions
from searchkit.entities.tagger import MODEL_PATH, get_tagger
from searchkit.ingest import read_paths
from searchkit.model import EntityType

from conftest import SEEDS, SHARED

PERSON, PLACE, ORG = EntityType.PERSON, EntityType.PLACE, EntityType.ORGANISATION


def by_type(entities) -> dict[EntityType, set[str]]:
    out: dict[EntityType, set[str]] = {PERSON: set(), PLACE: set(), ORG: set()}
    for entity in entities:
        out[entity.type].add(entity.name)
    return out


def seed(doc_id: str):
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent (the seed articles live in ../shared/seeds)")
    return {d.id: d for d in read_paths([SEEDS])}[doc_id]


def test_model_ships_in_the_package_and_is_small() -> None:
    assert MODEL_PATH.is_file(), "train it with scripts/train_ner.py"
    assert MODEL_PATH.stat().st_size < 25_000_000


def test_importing_searchkit_loads_no_model() -> None:
    code = (
        "import sys, searchkit; import searchkit.entities.tagger as t; "
        "print(t.is_loaded(), 'pycrfsuite' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_seed_about_baku_talks_lists_what_a_reader_finds() -> None:
    doc = seed("000_079276a2251994fb")
    found = by_type(extract_entities(doc.text, title=doc.title))
    assert found[PERSON] == {
        "Zachi Hanegbi", "Benjamin Netanjahu", "Ilham Alijew", "Mukhtar Mammadov",
        "Ahmad al-Scharaa", "Recep Tayyip Erdogan",
    }
    places = {"Israel", "Türkei", "Baku", "Aserbaidschan", "Syrien", "Ankara", "Palmyra", "Damaskus"}
    # the Black Sea is a place a reader may or may not list; nothing else is
    assert places <= found[PLACE] <= places | {"Schwarzes Meer", "Schwarze Meer"}
    assert "The Jerusalem Post" in found[ORG]
    assert found[ORG] <= {"The Jerusalem Post", "Kan", "Verteidigungsministerium"}


def test_seed_about_shusha_declaration_lists_what_a_reader_finds() -> None:
    doc = seed("002_0c2c8b6c778a55f0")
    found = by_type(extract_entities(doc.text, title=doc.title))
    assert found[PERSON] == {"Recep Tayyip Erdoğan"}  # "Präsident Erdoğan" is the same man
    assert found[PLACE] == {
        "Türkei", "Aserbaidschan", "Schuscha", "Bergkarabach", "Ankara", "Russland", "Iran",
        "Georgien", "Armenien", "Baku", "Eriwan",
    }
    assert found[ORG] == set()


def test_genitives_are_folded_into_the_name() -> None:
    text = (
        "Die Regierung Israels widersprach. Aserbaidschans Botschafter reiste nach Moskau. "
        "Russlands Präsident Wladimir Putin schwieg."
    )
    names = {e.name for e in extract_entities(text)}
    assert {"Israel", "Russland"} <= names
    assert not names & {"Israels", "Aserbaidschans", "Russlands"}


def test_partial_person_mentions_resolve_to_the_full_name() -> None:
    text = (
        "Ministerpräsident Benjamin Netanjahu reiste nach Washington. Dort traf Netanjahu den "
        "Außenminister. Netanjahus Büro bestätigte das Treffen."
    )
    persons = by_type(extract_entities(text))[PERSON]
    assert persons == {"Benjamin Netanjahu"}


def test_name_particles_join_the_parts_of_one_name() -> None:
    text = "Kommissionspräsidentin Ursula von der Leyen sprach in Brüssel. Von der Leyen sagte wenig."
    persons = by_type(extract_entities(text))[PERSON]
    assert persons == {"Ursula von der Leyen"}


def test_adjectives_and_demonyms_are_not_entities() -> None:
    text = "Die israelische Armee und türkischen Soldaten trafen sich. Israelische Medien berichteten."
    names = {e.name.casefold() for e in extract_entities(text)}
    assert not names & {"israelische", "türkischen", "israelische armee"}


@pytest.mark.parametrize(("sentence", "spans", "joined"), [
    # a person, particles, a surname the tagger typed wrongly or left out
    ("Ursula von der Leyen sprach", [(0, 1, "PER"), (3, 4, "ORG")], [(0, 4, "PER")]),
    ("EU-Kommissionspräsidentin Ursula von der Leyen sprach", [(1, 2, "PER")], [(1, 5, "PER")]),
    ("Rafael van der Vaart spielte", [(0, 2, "PER")], [(0, 4, "PER")]),
    ("mit Ursula von der Leyen in Brüssel", [(1, 4, "PER"), (4, 5, "LOC"), (6, 7, "LOC")],
     [(1, 5, "PER"), (6, 7, "LOC")]),
    ("Richard von Weizsäcker sprach", [(0, 1, "PER")], [(0, 3, "PER")]),
    # the tagger ended on a capitalized particle (14 benchmark articles had "Alexander Van")
    ("Bundespräsident Alexander Van der Bellen sagte", [(1, 3, "PER")], [(1, 5, "PER")]),
    ("Herman Van Rompuy sprach", [(0, 2, "PER")], [(0, 3, "PER")]),
    # a person and the party, institution or place behind "von der"
    ("Friedrich Merz von der CDU sagte", [(0, 2, "PER"), (4, 5, "ORG")], [(0, 2, "PER"), (4, 5, "ORG")]),
    ("Julia Klöckner von der CDU sagte", [(0, 2, "PER")], [(0, 2, "PER")]),
    ("Olaf Scholz von der Regierung sprach", [(0, 2, "PER")], [(0, 2, "PER")]),
    ("Christoph Hecht vom Autoclub sagte", [(0, 2, "PER")], [(0, 2, "PER")]),
    ("Andreas Baur von der Steuerungsgruppe sagte", [(0, 2, "PER")], [(0, 2, "PER")]),
    ("Rudolf Gehring von der Christen-Partei sagte", [(0, 2, "PER")], [(0, 2, "PER")]),
    ("Anna von Berlin kam", [(0, 1, "PER"), (2, 3, "LOC")], [(0, 1, "PER"), (2, 3, "LOC")]),
    ("Ursula Siebert von der Tiermedizinischen Universität", [(0, 2, "PER")], [(0, 2, "PER")]),
    # other names keep joining across particles, typed by the first
    ("Universität zu Köln", [(0, 1, "ORG"), (2, 3, "LOC")], [(0, 3, "ORG")]),
])
def test_name_particles_join_a_name_not_a_person_and_the_party(
    sentence: str, spans: list[tuple[int, int, str]], joined: list[tuple[int, int, str]]
) -> None:
    from searchkit.entities import _join_particles

    assert _join_particles(sentence.split(), spans) == joined


def test_a_person_and_the_party_are_two_entities() -> None:
    text = "Friedrich Merz von der CDU sagte das. EU-Kommissionspräsidentin Ursula von der Leyen schwieg."
    found = by_type(extract_entities(text))
    assert found[PERSON] == {"Friedrich Merz", "Ursula von der Leyen"}


def test_normalization_rules_without_the_tagger() -> None:
    mentions = [
        Mention(("Präsident", "Recep", "Tayyip", "Erdoğan"), "PER"),
        Mention(("Erdoğans",), "PER"),
        Mention(("Israels",), "LOC"),
        Mention(("Israel",), "LOC"),
        Mention(("israelische",), "LOC"),
        Mention(("Israel",), "PER"),  # one wrong vote
        Mention(("Kunst",), "MISC"),
    ]
    lexicon = get_tagger().featurizer.lexicon
    assert normalize_mentions(mentions, lexicon) == [
        ("Recep Tayyip Erdoğan", PERSON),
        ("Israel", PLACE),
    ]


def test_a_surname_without_its_arabic_article_is_the_full_name() -> None:
    """German news writes "Baschar al-Assad" once, then "Assad" or "Assads"."""
    mentions = [
        Mention(("Baschar", "al-Assad"), "PER"),
        Mention(("Assad",), "PER"),
        Mention(("Assads",), "PER"),
        Mention(("Asch-Scharaa",), "ORG"),  # a surname tagged as an organisation once
        Mention(("Ahmed", "asch-Scharaa"), "PER"),
        Mention(("Scharaa",), "PER"),
        Mention(("Al-Ahram",), "ORG"),  # a one-word name keeps its article
    ]
    lexicon = get_tagger().featurizer.lexicon
    assert normalize_mentions(mentions, lexicon) == [
        ("Baschar al-Assad", PERSON),
        ("Ahmed asch-Scharaa", PERSON),
        ("Al-Ahram", ORG),
    ]


def test_roles_the_lexicon_lacks_are_titles() -> None:
    lexicon = get_tagger().featurizer.lexicon
    mentions = [Mention(("Bundesjustizministerin", "Hubig"), "PER"),
                Mention(("Ex-Bundeswirtschaftsminister", "Robert", "Habeck"), "PER"),
                Mention(("Bundestagspräsidentin", "Klöckner"), "PER"),  # a word of the word list
                Mention(("Birgit", "Prinz"), "PER")]
    assert normalize_mentions(mentions, lexicon) == [("Hubig", PERSON), ("Robert Habeck", PERSON),
                                                     ("Klöckner", PERSON), ("Birgit Prinz", PERSON)]


def test_a_role_alone_is_no_name_and_a_long_name_keeps_its_last_s() -> None:
    """Found in the benchmark articles' facets: "Bundeswirtschaftsministerin" as an organisation
    (5 articles), "New York Time" (7: the "s" of "Times" read as a genitive), "Langzeitherrscher
    Baschar" as a person (6)."""
    lexicon = get_tagger().featurizer.lexicon
    mentions = [Mention(("Bundeswirtschaftsministerin",), "ORG"), Mention(("New", "York", "Times"), "ORG"),
                Mention(("Langzeitherrscher", "Baschar", "al-Assad"), "PER"), Mention(("Israels",), "LOC"),
                Mention(("Donald", "Trumps"), "PER"), Mention(("Donald", "Trump"), "PER")]
    assert normalize_mentions(mentions, lexicon) == [
        ("New York Times", ORG), ("Baschar al-Assad", PERSON), ("Israel", PLACE), ("Donald Trump", PERSON)
    ]


def test_a_full_name_without_a_known_first_name_is_the_person_of_its_surname() -> None:
    lexicon = get_tagger().featurizer.lexicon
    mentions = [Mention(("Wolodymyr", "Selenskyj"), "LOC"), Mention(("Selenskyj",), "PER"),
                Mention(("Borussia", "Dortmund"), "ORG"), Mention(("Dortmund",), "PER"),
                Mention(("SV", "Ried"), "ORG"), Mention(("Ried",), "PER")]
    found = normalize_mentions(mentions, lexicon)
    assert ("Wolodymyr Selenskyj", PERSON) in found and ("Borussia Dortmund", ORG) in found
    assert ("SV Ried", ORG) in found  # an acronym is no first name


@pytest.mark.parametrize("seed", ["0", "1"])  # two seeds that resolved "Kerry" differently
def test_a_surname_of_two_people_goes_to_the_first_mentioned_in_every_process(seed: str) -> None:
    code = (
        "from searchkit.entities.normalize import Mention, normalize_mentions\n"
        "from searchkit.entities.tagger import get_tagger\n"
        "ms = [Mention(('Kerry',), 'PER'), Mention(('John', 'Kerry'), 'PER'), Mention(('Christl', 'Kerry'), 'PER')]\n"
        "print(normalize_mentions(ms, get_tagger().featurizer.lexicon)[0][0])\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "John Kerry"


def test_events_are_no_organisations() -> None:
    """Found on the benchmark articles: "Fußball-WM" was an organisation in 26, "French Open" in 7."""
    lexicon = get_tagger().featurizer.lexicon
    mentions = [Mention(("Fußball-WM",), "ORG"), Mention(("French", "Open"), "ORG"),
                Mention(("Christopher", "Street", "Days"), "ORG"), Mention(("DFB-Pokal",), "ORG"),
                Mention(("Rockstar", "Games"), "ORG"), Mention(("Doris", "Day"), "PER"),
                Mention(("Olympische", "Spiele"), "ORG"), Mention(("Eurovision", "Song", "Contest"), "ORG")]
    assert normalize_mentions(mentions, lexicon) == [("Rockstar Games", ORG), ("Doris Day", PERSON)]


def test_a_place_joined_with_a_common_noun_is_no_person() -> None:
    """Found on the 10,000 benchmark articles: "Irankrieg" was a person in 75 of them, "D C" in 9,
    "Grüne" in 6; "Fischer" alone was dropped as an adjective."""
    lexicon = get_tagger().featurizer.lexicon
    mentions = [Mention((word,), "PER") for word in ("Irankrieg", "Gazakrieg", "Ukrainekriegs", "Rosenberg",
                                                     "Wadephul", "Grüne", "Cannabis", "Koch", "Fischer")]
    mentions.append(Mention(("D.", "C."), "PER"))  # "Washington D.C."
    # surnames that are also common nouns or end like an adjective (-ischer) stay names
    assert normalize_mentions(mentions, lexicon) == [
        ("Rosenberg", PERSON), ("Wadephul", PERSON), ("Koch", PERSON), ("Fischer", PERSON)
    ]
    # a place compound of another type is left to the tagger ("Gazastreifen" is a place)
    assert normalize_mentions([Mention(("Gazastreifen",), "LOC")], lexicon) == [("Gazastreifen", PLACE)]


@pytest.mark.parametrize(("words", "suffixes"), [
    (["Recep", "Tayyip", "Erdoğan"], ["Tayyip Erdoğan", "Erdoğan"]),
    (["Baschar", "al-Assad"], ["al-Assad", "Assad"]),
    (["Abd", "al-Fattah", "as-Sisi"], ["al-Fattah as-Sisi", "as-Sisi", "Sisi"]),
    (["Hans", "Müller-Lüdenscheidt"], ["Müller-Lüdenscheidt"]),
    (["Alijew"], []),
])
def test_name_suffixes(words: list[str], suffixes: list[str]) -> None:
    from searchkit.model import name_suffixes

    assert name_suffixes(words) == suffixes


def test_a_name_with_a_first_name_whose_surname_is_a_person_is_that_person() -> None:
    lexicon = get_tagger().featurizer.lexicon
    mentions = [
        Mention(("Donald", "Trump"), "ORG"),  # a tagger error
        Mention(("Trump",), "PER"),
        Mention(("Red", "Bull", "Salzburg"), "ORG"),  # "Salzburg" tagged as a person once
        Mention(("Salzburg",), "PER"),
    ]
    assert normalize_mentions(mentions, lexicon) == [
        ("Donald Trump", PERSON), ("Red Bull Salzburg", ORG), ("Salzburg", PERSON),
    ]


@pytest.mark.parametrize(("sentence", "start", "end", "label", "expected"), [
    ("US-Präsident Donald Trump sagte", 1, 3, "ORG", "PER"),
    ("Präsident Wolodymyr Selenskyj sagte", 1, 3, "LOC", "PER"),
    ("des ukrainischen Präsidenten Wolodymyr Selenskyj", 3, 5, "LOC", "PER"),
    ("Außenministerin Annalena Baerbock sagte", 1, 3, "ORG", "PER"),
    ("der Präsident Frankreichs sagte", 2, 3, "LOC", "LOC"),  # one word: no cue
    ("Konzernchef Deutsche Bank sagte", 1, 3, "ORG", "ORG"),  # a company, no first name
    ("der Sender Kan meldete", 2, 3, "LOC", "ORG"),
    # the role inside the span (16 benchmark articles had the organisation "Premier Netanjahu")
    ("Israels Premier Netanjahu sagte", 1, 3, "ORG", "PER"),
    ("der Sicherheitschefs Laridschani sagte", 1, 3, "ORG", "PER"),
    ("der Präsident Frankreichs sagte", 1, 3, "LOC", "LOC"),  # a genitive of a place
    ("die Sprecherin Deutsche Bahn sagte", 1, 4, "ORG", "ORG"),
    # initials before the surname (JD Vance was an organisation in 24 of 26 benchmark articles)
    ("US-Vizepräsident JD Vance sagte", 1, 3, "ORG", "PER"),
    # after a compound role one word is a surname though it is also a common noun, also at the
    # start of a sentence; a bare role word may be English
    ("Bundeswirtschaftsministerin Reiche rechnet", 0, 2, "ORG", "PER"),
    ("in der Premier League spielt", 2, 4, "ORG", "ORG"),
    ("Bundeskanzler Frankreichs sagte", 0, 2, "LOC", "LOC"),
    # a town of the name lists or a company's name after a compound role is the surname
    ("Bundesgesundheitsministerin Warken sagte", 0, 2, "ORG", "PER"),
    ("Bundestagspräsidentin Klöckner reiste", 0, 2, "ORG", "PER"),
    ("Ministerpräsident Sachsens sagte", 0, 2, "LOC", "LOC"),
])
def test_a_role_noun_before_a_name_makes_it_a_person(sentence: str, start: int, end: int, label: str, expected: str) -> None:
    from searchkit.entities import _cued_label

    assert _cued_label(sentence.split(), start, end, label) == expected


@pytest.mark.parametrize(("sentence", "start", "end", "label", "expected"), [
    # storms, ships and animals are named like people (persons in 27 distinct benchmark articles)
    ("wegen Sturmtief Elli fielen", 2, 3, "PER", "OTH"),
    ("der Hurrikan Melissa traf", 2, 3, "PER", "OTH"),
    ("des Buckelwals Timmy Rettung", 2, 3, "PER", "OTH"),
    ("des Kreuzfahrtschiffs MS Hondius Passagiere", 2, 4, "ORG", "OTH"),
    ("gegen Sturm Graz verloren", 2, 3, "LOC", "LOC"),  # a club
    ("das Frachtschiff Iran verlassen", 2, 3, "LOC", "LOC"),
    ("die tief Merkel", 2, 3, "PER", "PER"),  # a cue is a noun
])
def test_a_storm_ship_or_animal_is_no_facet_name(sentence: str, start: int, end: int, label: str, expected: str) -> None:
    from searchkit.entities import _cued_label

    assert _cued_label(sentence.split(), start, end, label) == expected


def test_a_thing_named_like_a_person_is_none_also_without_its_cue() -> None:
    text = "Sturmtief Elli bringt Schnee. Am Montag zieht Elli nach Osten weiter, sagte Jörg Kachelmann."
    assert [e.name for e in extract_entities(text)] == ["Jörg Kachelmann"]


def test_a_person_after_a_role_keeps_a_surname_that_is_a_common_noun() -> None:
    lexicon = get_tagger().featurizer.lexicon
    mentions = [Mention(("Bundeswirtschaftsministerin", "Reiche"), "PER"), Mention(("Reiche",), "PER")]
    assert normalize_mentions(mentions, lexicon) == [("Reiche", PERSON)]  # the second alone counts too
    assert normalize_mentions([Mention(("Reiche",), "PER")], lexicon) == []  # no role: a common noun
    full = [Mention(("Katherina", "Reiche"), "PER"), Mention(("Bundeswirtschaftsministerin", "Reiche"), "PER")]
    assert normalize_mentions(full, lexicon) == [("Katherina Reiche", PERSON)]


def test_a_compound_of_common_nouns_is_no_place_or_person() -> None:
    """Found on the benchmark articles: "Bürgergeld" was a place in 11 and a person in 3,
    "Irankrieg" a place in 3, with some 40 more such words in one article each."""
    from searchkit.entities.normalize import is_thing_compound

    lexicon = get_tagger().featurizer.lexicon
    for word in ("Bürgergeld", "Irankrieg", "Dienstschluss", "Farbwiedergabe", "Erdäpfelpüree"):
        assert is_thing_compound(word, lexicon), word
    # places, buildings and institutions named by a compound, known names and single words stay
    for word in ("Donauinsel", "Spielfeld", "Karlskirche", "Stadtpfarrkirche", "Pappelstadion",
                 "Margaretengürtel", "Palästinenserbehörde", "Argentinierstraße", "Gazastreifen",
                 "Wolfsburg", "Geld", "Pömmelte", "Ruhrgebiet"):
        assert not is_thing_compound(word, lexicon), word
    mentions = [Mention(("Bürgergeld",), "LOC"), Mention(("Bürgergeld",), "PER"), Mention(("Donauinsel",), "LOC")]
    assert normalize_mentions(mentions, lexicon) == [("Donauinsel", PLACE)]


def test_a_compound_of_common_nouns_is_an_organisation_only_if_it_names_one() -> None:
    """"Tankrabatt" was an organisation in 8 distinct benchmark articles, "Bundesspitze" in 4,
    with some 35 more such words; institutions, parliaments, papers and agencies stay."""
    lexicon = get_tagger().featurizer.lexicon
    junk = ["Tankrabatt", "Bundesspitze", "Bundeskontrolle", "Gazakrieg", "Bundesmitteln", "Zollsatz",
            # endings of an institution's head that name none (found by a review)
            "Raketenabwehr", "Weltmeisterschaft", "Landwirtschaft", "Feuerwerk", "Gipfeltag"]
    kept = ["Bundesrat", "Europaparlament", "Handelsblatt", "Bundesnetzagentur",
            "Staatsanwaltschaft", "Bundesverwaltungsgericht", "Bundesjustizministerium", "Welthandelsorganisation",
            "Pflegekasse", "Tagesspiegel", "Landtag", "Bundeswehr", "Feuerwehr", "Gewerkschaft", "Hilfswerk"]
    found = normalize_mentions([Mention((word,), "ORG") for word in junk + kept], lexicon)
    assert [name for name, _ in found] == kept


def test_a_name_does_not_end_in_an_adjective() -> None:
    """The tagger stopped before the noun of "Vereinigte Arabische Emirate" in 8 benchmark
    articles; a word run together with the next by the scraper is not taken."""
    from searchkit.entities import _complete_adjectives

    words = "Katar und die Vereinigten Arabischen Emirate müssten".split()
    assert _complete_adjectives(words, [(0, 1, "LOC"), (3, 5, "LOC")]) == [(0, 1, "LOC"), (3, 6, "LOC")]
    glued = "den Vereinigten Arabischen EmiratenErneut hat".split()
    assert _complete_adjectives(glued, [(1, 3, "LOC")]) == [(1, 3, "LOC")]
    taken = "die Vereinigten Arabischen Emirate".split()  # the next word is a name of its own
    assert _complete_adjectives(taken, [(1, 3, "LOC"), (3, 4, "LOC")]) == [(1, 3, "LOC"), (3, 4, "LOC")]
    assert _complete_adjectives("Joschka Fischer Partei".split(), [(0, 2, "PER")]) == [(0, 2, "PER")]
    entities = extract_entities("Auch Katar und die Vereinigten Arabischen Emirate müssten helfen.")
    assert "Vereinigten Arabischen" not in [e.name for e in entities]


def test_a_first_name_alone_takes_the_surname_the_tagger_left_out() -> None:
    """"Donald" + "Trumps Frist": the tagger had not seen the genitive (16 benchmark articles)."""
    from searchkit.entities import _complete_first_names

    words = "Donald Trumps Frist läuft ab".split()
    assert _complete_first_names(words, [(0, 1, "PER")]) == [(0, 2, "PER")]
    # not a common noun, a place, another span, or after a surname
    assert _complete_first_names("Donald Präsident".split(), [(0, 1, "PER")]) == [(0, 1, "PER")]
    assert _complete_first_names("Donald Washington".split(), [(0, 1, "PER")]) == [(0, 1, "PER")]
    assert _complete_first_names("Donald Trump".split(), [(0, 1, "PER"), (1, 2, "PER")]) == [(0, 1, "PER"), (1, 2, "PER")]
    assert _complete_first_names("Merz Trumps".split(), [(0, 1, "PER")]) == [(0, 1, "PER")]
    # a first name at the end of a longer span; a surname with an Arabic article after any name
    assert _complete_first_names("Recep Tayyip Erdoğans".split(), [(0, 2, "PER")]) == [(0, 3, "PER")]
    assert _complete_first_names("Hans Peter Doskozil".split(), [(0, 2, "PER")]) == [(0, 2, "PER")]  # also a surname
    assert _complete_first_names("Präsident Baschar al-Assad".split(), [(0, 2, "PER")]) == [(0, 3, "PER")]
    assert _complete_first_names("Baschar al-Assads Sturz".split(), [(0, 1, "PER")]) == [(0, 2, "PER")]
    assert _complete_first_names("Jens Spahn Klartext".split(), [(0, 2, "PER")]) == [(0, 2, "PER")]
    assert {e.name for e in extract_entities("Russland will Präsident Baschar al-Assad an der Macht lassen.")} >= {
        "Baschar al-Assad"}


@pytest.mark.parametrize(("sentence", "span", "expected"), [
    # found by a review (2026-12-07): the tagger ran over the object after the name
    ("Donald Trump hat Friedrich Merz Unkenntnis im Irankrieg vorgeworfen", (3, 6), (3, 5)),
    ("Dafür hat Thomas Gottschalk Buhrufe geerntet", (2, 5), (2, 4)),
    ("Die Inszenierung von Alvis Hermanis Madame de Sade", (3, 7), (3, 5)),
    ("Nun verlässt Will Lewis die Zeitung", (2, 6), (2, 4)),
    ("US-Präsident Donald Trump im Iran-Krieg", (1, 5), (1, 3)),
    # names go on: a noun after two first names ("Obrist"), particles, Arabic articles, names
    ("Kurator Hans Ulrich Obrist sagte", (1, 4), (1, 4)),
    ("Kommissionschefin Ursula von der Leyen", (1, 5), (1, 5)),
    ("Anführer Abu Bakr al-Baghdadi", (1, 4), (1, 4)),
    ("Staatspräsident Recep Tayyip Erdoğan", (1, 4), (1, 4)),
    ("Regisseur Claudius Florimund Graf Mercy", (1, 5), (1, 5)),
    ("Andreas Scheuer Kritik", (0, 3), (0, 2)),
    ("Minister Andreas Scheuer", (1, 3), (1, 3)),  # two words: "Scheuer" is a noun too, and the surname
])
def test_a_person_ends_before_a_common_noun_after_first_name_and_surname(
    sentence: str, span: tuple[int, int], expected: tuple[int, int]
) -> None:
    from searchkit.entities import _cut_person_tails

    words = sentence.split()
    assert _cut_person_tails(words, [(*span, "PER")]) == [(*expected, "PER")]
    assert _cut_person_tails(words, [(*span, "ORG")]) == [(*span, "ORG")]


def test_a_person_span_over_a_common_noun_is_the_person() -> None:
    found = by_type(extract_entities("Donald Trump hat Friedrich Merz Unkenntnis im Irankrieg vorgeworfen."))
    assert "Friedrich Merz" in found[PERSON] and "Friedrich Merz Unkenntnis" not in found[PERSON]


def test_a_name_joined_to_an_organisations_head_is_an_organisation() -> None:
    """Found by a review (2026-12-07): "Verdi" a person in an article that says "die
    Gewerkschaft Verdi" once, "Verdi-Chef Frank Bsirske" once and "Verdi" four times as the
    tagger's person (the cue's two votes lost 2 : 4)."""
    from searchkit.entities import _cued_names

    def sentence(text: str, start: int, end: int, label: str):
        words = text.split()
        return words, [Mention(tuple(words[start:end]), label)], [(start, end, label)]

    verdi = [sentence("Die Gewerkschaft Verdi streikt", 2, 3, "ORG"), sentence("sagte Verdi-Chef Frank Bsirske", 2, 4, "PER")]
    verdi += [sentence("Verdi will die Post zwingen", 0, 1, "PER")] * 4
    assert _cued_names(verdi)[("Verdi",)] == "ORG"
    henkel = [sentence("Henkel-Chef Kasper Rorsted geht", 1, 3, "PER"), sentence("teilte Henkel mit", 1, 2, "PER")]
    assert _cued_names(henkel)[("Henkel",)] == "ORG"
    # a person's spokesman or deputy says nothing; nor a name the tagger did not take for a person
    for text in ("sagte Clinton-Sprecher Brian Fallon", "sagte Trump-Vize JD Vance"):
        name = text.split()[1].split("-")[0]
        assert (name,) not in _cued_names([sentence(text, 2, 4, "PER"), sentence(f"{name} sagte", 0, 1, "PER")])
    kreml = [sentence("Kreml-Chef Putin sagte", 1, 2, "PER"), sentence("im Kreml hieß es", 1, 2, "LOC")]
    assert ("Kreml",) not in _cued_names(kreml)
    found = by_type(extract_entities(
        "Die Gewerkschaft Verdi stellt sich auf einen Streik ein. Das sagte Verdi-Chef Frank Bsirske. "
        "Verdi könne den Streik lange durchhalten. Rund 4000 Postler waren Verdi zufolge vor dem Tower. "
        "Verdi will die Post zwingen. Mehr als 23.000 Beschäftigte streiken, teilte Verdi mit."
    ))
    assert "Verdi" in found[ORG] and "Verdi" not in found[PERSON]


@pytest.mark.parametrize(("span", "label", "expected"), [
    ("New York Times", "LOC", "ORG"),  # a place in 7 distinct benchmark articles
    ("Washington Post", "LOC", "ORG"),
    ("Times", "LOC", "LOC"),  # one word: the shape says nothing
    ("Marine Le Pen", "LOC", "PER"),  # a place in every benchmark article that named her
    ("Rio de Janeiro", "LOC", "LOC"),
    ("Santiago De Compostela", "LOC", "LOC"),  # the first name is also a place
    ("Banco Di Napoli", "ORG", "ORG"),  # no first name
    # an institution's noun after a hyphen (a person in 7 distinct benchmark articles)
    ("Robert Koch-Institut", "PER", "ORG"),
    ("Robert Koch-Instituts", "PER", "ORG"),
    ("Max-Planck-Institut", "LOC", "ORG"),
    ("Marie-Agnes Strack-Zimmermann", "PER", "PER"),
    ("Andreas Meyer-Feist", "PER", "PER"),
    # a point of the compass joined to a known place (an organisation in 8)
    ("Südlibanon", "ORG", "LOC"),
    ("Westtexas", "PER", "LOC"),
    ("Ost-Jerusalem", "ORG", "LOC"),
    ("Westfalen", "PER", "PER"),  # no join: "Falen" is no place
    ("Mittelstand", "ORG", "ORG"),
    ("Nordberg", "PER", "PER"),  # a surname of its own (found by a review)
    ("Westman", "PER", "PER"),
    ("Südbaden", "ORG", "LOC"),
])
def test_the_form_of_a_name_sets_its_type(span: str, label: str, expected: str) -> None:
    from searchkit.entities import _shaped_label

    assert _shaped_label(span.split(), label) == expected


def test_a_place_or_organisation_named_in_several_cases_is_one_entity() -> None:
    mentions = [
        Mention(("Europäischen", "Union"), "ORG"),  # der Europäischen Union
        Mention(("Europäische", "Union"), "ORG"),
        Mention(("Europäischen", "Union"), "ORG"),
        Mention(("Auswärtigen", "Amts"), "ORG"),  # des Auswärtigen Amts
        Mention(("Auswärtigen", "Amt"), "ORG"),  # im Auswärtigen Amt
        Mention(("Vereinigten", "Staaten"), "LOC"),
        Mention(("Weißen", "Hauses"), "LOC"),  # no form without the case ending: kept as written
        Mention(("Jürgen", "Klopp"), "PER"),
        Mention(("Jürgens", "Klopp"), "PER"),  # persons are not declined adjectives
    ]
    assert normalize_mentions(mentions, {}) == [
        ("Europäische Union", ORG),
        ("Auswärtigen Amt", ORG),
        ("Vereinigten Staaten", PLACE),
        ("Weißen Hauses", PLACE),
        ("Jürgen Klopp", PERSON),
        ("Jürgens Klopp", PERSON),
    ]
    text = "Die Europäische Union prüft den Antrag. In der Europäischen Union gilt er als heikel."
    assert [(e.name, e.type) for e in extract_entities(text)] == [("Europäische Union", ORG)]


def test_a_cue_noun_before_a_name_sets_its_type() -> None:
    text = "Das meldete der Sender Kan. Sie reisten in die Stadt Schuscha und trafen die Partei Likud."
    found = {(e.name, e.type) for e in extract_entities(text)}
    assert ("Schuscha", PLACE) in found
    assert all(kind == ORG for name, kind in found if name in ("Kan", "Likud"))


def test_cut_off_copy_of_a_longer_name_takes_that_name() -> None:
    text = "Das sagte er der Jerusalem Post. Ein Sprecher sagte The Jerusalem Post am Montag mehr."
    mentions = {m.text for m in extract_mentions(text)}
    assert "Jerusalem" not in mentions


def test_the_end_of_several_longer_names_keeps_its_words_and_takes_their_type() -> None:
    from searchkit.entities import _complete

    words = "Dann kam Le Pen".split()
    marine, jean_marie = Mention(("Marine", "Le", "Pen"), "PER"), Mention(("Jean-Marie", "Le", "Pen"), "PER")
    assert _complete(words, 2, 4, [marine]) == marine
    assert _complete(words, 2, 4, [marine, jean_marie]) == Mention(("Le", "Pen"), "PER")
    assert _complete(words, 2, 4, [marine, Mention(("Jean-Marie", "Le", "Pen"), "LOC")]) is None


LE_PEN = (
    "Marine Le Pen siegte im Norden. In Paris trat Jean-Marie Le Pen auf. Le Pen sprach lange. "
    "Später sagte Le Pen nichts mehr, und Marine Le Pen reiste ab."
)


@pytest.mark.parametrize("seed", ["1", "2"])  # the completed copy of "Le Pen" depended on the seed
def test_extraction_is_the_same_in_every_process(seed: str) -> None:
    code = (
        "from searchkit.entities import extract_mentions, extract_entities\n"
        f"text = {LE_PEN!r}\n"
        "print(repr((extract_mentions(text), extract_entities(text))))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == repr((extract_mentions(LE_PEN), extract_entities(LE_PEN)))


def test_alias_file_renames_retypes_and_ignores(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(
        '[alias]\n"Bibi" = "Benjamin Netanjahu"\n"Erdogan" = "Recep Tayyip Erdoğan"\n'
        '[type]\n"Hamas" = "organisation"\n[ignore]\nnames = ["Baku"]\n',
        encoding="utf-8",
    )
    aliases = load_aliases(path)
    text = "Erdogan traf Bibi in Baku. Die Hamas protestierte in Gaza."
    found = {(e.name, e.type) for e in extract_entities(text, aliases=aliases)}
    assert ("Recep Tayyip Erdoğan", PERSON) in found
    assert all(name != "Baku" for name, _ in found)
    hamas = [t for n, t in found if n == "Hamas"]
    assert hamas in ([], [ORG])
    assert aliases.apply("bibi", PERSON) == ("Benjamin Netanjahu", PERSON)
    assert aliases.apply("HAMAS", PLACE) == ("HAMAS", ORG)


def test_alias_file_as_json_and_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps({"alias": {"Alijew": "Ilham Alijew"}}), encoding="utf-8")
    monkeypatch.setenv("SEARCHKIT_ALIASES", str(path))
    assert load_aliases().apply("Alijew", PERSON) == ("Ilham Alijew", PERSON)


@pytest.mark.parametrize(
    "content",
    ["[alias]\nx = 3\n", "[type]\nHamas = 'partei'\n", "[colour]\n", "not toml = = =", "[ignore]\nnames = 3\n",
     'alias = ["a"]\n', 'type = "x"\n', "alias = 5\n"],  # sections that are no tables (were AttributeError)
)
def test_bad_alias_files_raise_a_typed_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AliasFileError):
        load_aliases(path)


def test_missing_alias_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AliasFileError, match="missing.toml"):
        load_aliases(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "x" * 1_000_000,
        "A" * 1_000_000,
        "\x00\x01\x02\xff" * 5000,
        "Путин встретился с Эрдоганом в Москве. 习近平 في بكين Merkel.",
        "Berlin " * 50_000,
    ],
    ids=["empty", "blank", "1MB-lower", "1MB-upper", "binary", "mixed-scripts", "repetitive"],
)
def test_bad_input_gives_no_or_valid_entities(text: str) -> None:
    for entity in extract_entities(text, title=text[:100]):
        assert entity.name.strip() and entity.type in EntityType


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=300) | st.binary(max_size=300).map(
    lambda b: b.decode("latin-1")))
def test_usable_text_is_what_the_definition_says(text: str) -> None:
    """``_usable`` (regular expression, early exit) agrees with its plain definition: at least
    two letters, and control characters other than line breaks and tabs under 5 %."""
    from searchkit.entities import _usable

    letters = sum(ch.isalpha() for ch in text)
    controls = sum(ch < " " and ch not in "\n\r\t" for ch in text)
    assert _usable(text) == (letters >= 2 and controls * 20 < len(text))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_valid_entities(text: str) -> None:
    for entity in extract_entities(text):
        assert entity.name == entity.name.strip() and entity.name
        assert isinstance(entity.type, EntityType)


_WORDS = st.sampled_from(["Donald", "Trumps", "Vereinigten", "Arabischen", "Emirate", "Marine", "Le", "Pen",
                          "der", "Präsident", "EmiratenErneut", "Bürgergeld", "JD", "Vance", "und", "Ä"])


@st.composite
def _tagged(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int, str]]]:
    words = draw(st.lists(_WORDS, min_size=1, max_size=12))
    cuts = sorted(draw(st.sets(st.integers(0, len(words)), max_size=6)))
    spans = [(a, b, draw(st.sampled_from(["PER", "LOC", "ORG"]))) for a, b in zip(cuts, cuts[1:])
             if draw(st.booleans())]
    return words, spans


@settings(max_examples=300, deadline=None)
@given(_tagged())
def test_span_completion_keeps_spans_apart_and_in_the_sentence(tagged: tuple[list[str], list[tuple[int, int, str]]]) -> None:
    from searchkit.entities import _complete_adjectives, _complete_first_names

    words, spans = tagged
    for complete in (_complete_adjectives, _complete_first_names):
        out = complete(words, spans)
        assert len(out) == len(spans)
        for (start, end, label), (a, b, kind) in zip(spans, out):
            assert (a, kind) == (start, label) and end <= b <= min(end + 1, len(words))
        assert all(b1 <= a2 for (_, b1, _), (a2, _, _) in zip(out, out[1:]))  # still apart


@pytest.mark.slow
@pytest.mark.data
def test_dev_f1_does_not_regress() -> None:
    """A floor under the shipped model's score with the type corrections after decoding (0.745;
    0.740 without them; the issue's target of 0.75 is not met yet: docs/entities.md)."""
    gold = SHARED / "data" / "germeval2014" / "NER-de-dev.tsv"
    if not gold.is_file():
        pytest.skip(f"{gold} is absent (GermEval 2014 lives in ../shared/data)")
    from searchkit.evaluate.entities import evaluate_entities

    result = evaluate_entities(gold)
    assert result["micro"]["f1"] >= 0.74, result
    assert set(result["types"]) == {"PER", "LOC", "ORG"}


def test_inner_germeval_annotations_align_with_the_outer_ones(tmp_path: Path) -> None:
    from searchkit.entities.corpus import read_germeval, read_germeval_inner

    gold = tmp_path / "g.tsv"
    gold.write_text(
        "# a comment\n1\tDie\tO\tO\n2\tUniversität\tB-ORG\tO\n3\tHamburg\tI-ORG\tB-LOC\n"
        "4\tlehrt\tO\tO\n\n1\tPeter\tB-PER\tO\n2\tlacht\tO\tO\n",
        encoding="utf-8",
    )
    outer = read_germeval(gold)
    inner = read_germeval_inner(gold)
    assert [len(tokens) for tokens, _ in outer] == [len(tags) for tags in inner] == [4, 2]
    assert inner == [["O", "O", "B-LOC", "O"], ["O", "O"]]
    # a byte-order mark does not make the first comment a token (found by a review)
    gold.write_bytes(b"\xef\xbb\xbf" + gold.read_bytes())
    assert read_germeval(gold) == outer and read_germeval_inner(gold) == inner


def test_inner_names_are_swapped_inside_the_outer_name() -> None:
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "train_ner.py"
    spec = importlib.util.spec_from_file_location("train_ner_for_test", script)
    train_ner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_ner)
    sentences = [
        (["Die", "Universität", "Hamburg", "lehrt"], ["O", "B-ORG", "I-ORG", "O"]),
        (["Er", "lebt", "in", "Bad", "Ems"], ["O", "O", "O", "B-LOC", "I-LOC"]),
    ]
    inner = [["O", "O", "B-LOC", "O"], ["O"] * 5]
    copies = train_ner.replace_mentions(sentences, 0, inner=inner)
    assert copies == [(["Die", "Universität", "Bad", "Ems", "lehrt"],
                       ["O", "B-ORG", "I-ORG", "I-ORG", "O"])] or copies == [
        (["Die", "Universität", "Hamburg", "lehrt"], ["O", "B-ORG", "I-ORG", "O"])]


def test_context_feature_groups_are_recorded_with_the_model(tmp_path: Path) -> None:
    from searchkit.entities.features import CONTEXT_GROUPS, Featurizer
    from searchkit.entities.tagger import model_features

    words = "Die Partei „ Likud “ und die Deutsche Bank AG".split()
    plain = Featurizer().sentence(words)
    rich = Featurizer(context=CONTEXT_GROUPS).sentence(words)
    assert all(set(p) < set(r) for p, r in zip(plain, rich))
    assert "cue-2=ORG" in rich[3] and "inq" in rich[3] and "legal+1" in rich[8]
    with pytest.raises(ValueError):
        Featurizer(context=["nope"])
    model = tmp_path / "m.crfsuite"
    assert model_features(model) == {}
    model.with_suffix(".json").write_text(json.dumps({"context": ["cue"]}), encoding="utf-8")
    assert model_features(model) == {"context": ["cue"]}
    assert model_features(MODEL_PATH) == {"context": []}


def test_an_apostrophe_inside_a_name_keeps_it_one_word() -> None:
    from searchkit.entities.tokenize import clean_text, tokenize

    words = [t.text for t in tokenize(clean_text("Sinéad O’Connor und L'Oréal, 'zitiert' – so geht’s."))]
    assert words == ["Sinéad", "O'Connor", "und", "L'Oréal", ",", "'", "zitiert", "'", "–", "so", "geht's", "."]
    assert {e.name for e in extract_entities("Die Sängerin Sinéad O’Connor ist tot.")} == {"Sinéad O'Connor"}


@pytest.mark.parametrize(("sentence", "span", "expected"), [
    # lists tagged as one organisation in the benchmark articles
    ("die Union und AfD wollen", (1, 4), ["Union", "AfD"]),
    ("LASK und Austria Kärnten spielen", (0, 4), ["LASK", "Austria Kärnten"]),
    ("Google Chrome und Mozilla Firefox", (0, 5), ["Google Chrome", "Mozilla Firefox"]),
    ("mit Spotify und Co .", (1, 4), ["Spotify"]),
    # one name with "und"
    ("Bosnien und Herzegowina ist", (0, 3), ["Bosnien und Herzegowina"]),
    ("Trinidad und Tobago", (0, 3), ["Trinidad und Tobago"]),
    ("Zentralanstalt für Meteorologie und Geodynamik", (0, 5), ["Zentralanstalt für Meteorologie und Geodynamik"]),
    ("Österreichische Bundes- und Industriebeteiligungen GmbH", (0, 5),
     ["Österreichische Bundes- und Industriebeteiligungen GmbH"]),
])
def test_a_list_of_names_is_one_span_each(sentence: str, span: tuple[int, int], expected: list[str]) -> None:
    from searchkit.entities import _split_lists

    words = sentence.split()
    assert [" ".join(words[s:e]) for s, e, _ in _split_lists(words, [(*span, "ORG")])] == expected


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Der Angriff traf KiewDer Präsident Selenskyj sprach.", {"Kiew", "Selenskyj"}, {"KiewDer"}),
        ("Von Jakob Mayr, ARD BrüsselAlle Rechte vorbehalten.", {"Jakob Mayr"}, {"ARD BrüsselAlle", "ARD Brüssel Alle"}),
        ("Die Gespräche sollen weitergehen zusammenIran droht mit Vergeltung.", {"Iran"}, {"zusammenIran"}),
        ("Claudia MüllerDer Bericht erscheint morgen.", {"Claudia Müller"}, {"Claudia MüllerDer"}),
        # brands are written in one word too: the lexicon knows them, or a noun makes them
        ("WhatsApp und TikTok wachsen, ThyssenKrupp streicht Stellen.", {"WhatsApp", "TikTok", "ThyssenKrupp"}, {"Tik", "Tok"}),
        ("Die Lufthansa CityLine fliegt nach Berlin.", {"Berlin"}, {"Lufthansa City", "Line"}),
    ],
)
def test_words_a_scraper_glued_together_are_two_words(text: str, expected: set[str], absent: set[str]) -> None:
    """Found by a review: about 240 facet values of 199 of the 4,161 zeitgeist articles were two
    words run together where a scraper dropped a break ("KiewDer", "zusammenIran",
    "ARD BrüsselAlle"); 112 remain (names the lexicon does not know, such as "HormusIran")."""
    names = {e.name for e in extract_entities(text)}
    assert expected <= names and not (absent & names), names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Netanjahu sagte, er bleibe. Benjamin Netanjahus Regierung wackelt.", {"Benjamin Netanjahu"}),
        ("Donald Trumps Frist läuft ab.", {"Donald Trump"}),
        ("Hans Peters kommt. Peter Müller auch.", {"Hans Peters", "Peter Müller"}),  # a surname with s
    ],
)
def test_a_persons_genitive_is_one_person_with_the_name(text: str, expected: set[str]) -> None:
    """Found by a review: "Benjamin Netanjahus" stood beside "Netanjahu", "Donald Trumps" was a
    value of 18 articles (39 such person values over 5,189 articles)."""
    assert {e.name for e in extract_entities(text) if e.type is EntityType.PERSON} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Von Jakob Mayr, ARD Brüssel. Die EU plant neue Zölle.", {"ARD", "EU"}),
        ("Das ZDF Magazin Royale lief gestern.", {"ZDF Magazin Royale"}),  # a programme stays
        ("Der FC Bayern München gewinnt.", {"FC Bayern München"}),  # no broadcaster
    ],
)
def test_a_broadcasters_studio_by_its_city_is_the_broadcaster(text: str, expected: set[str]) -> None:
    """Found by a review: "ARD Brüssel", "ARD Kairo", … were one organisation per studio (120
    articles of the 4,310 zeitgeist items), and "ARD" itself was never counted."""
    assert {e.name for e in extract_entities(text) if e.type is EntityType.ORGANISATION} == expected


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Wladimir Putins Armee rückt vor.", {("Wladimir Putin", PERSON)}, {"Wladimir Putins Armee"}),
        ("Israels Armee griff Ziele im Libanon an.", {("Israel", PLACE)}, {"Israels Armee"}),
        ("Russlands Machthaber Putin droht.", {("Russland", PLACE), ("Putin", PERSON)}, {"Russlands Machthaber Putin"}),
        # no genitive of a name: an adjective, a first name before a surname that is a noun
        ("Das Deutsche Rote Kreuz hilft.", {("Deutsche Rote Kreuz", ORG)}, set()),
        ("Andreas Scheuer und Thomas Müller reden.", {("Andreas Scheuer", PERSON), ("Thomas Müller", PERSON)}, {"Andrea"}),
    ],
)
def test_a_name_in_the_genitive_is_cut_from_the_noun_it_governs(
    text: str, expected: set[tuple[str, EntityType]], absent: set[str]
) -> None:
    """Found by a review: "Israels Armee" (an organisation), "Wladimir Putins Armee" and
    "Russlands Machthaber Putin" lost the names in them (41 values in 41 of 5,189 articles)."""
    found = {(e.name, e.type) for e in extract_entities(text)}
    assert expected <= found and not absent & {name for name, _ in found}, found


def test_a_sentence_in_capitals_is_tagged_as_german_writes_it() -> None:
    """Found by a review: "BUNDESKANZLER MERZ TRIFFT MACRON IN PARIS. DIE CDU JUBELT." gave the
    organisations "MERZ", "MACRON", "DIE CDU" and "JUBELT"; a word in capitals among others
    stays as it is (an acronym or a name written so)."""
    found = {(e.name, e.type) for e in extract_entities("BUNDESKANZLER MERZ TRIFFT MACRON IN PARIS. DIE CDU JUBELT.")}
    assert {("Merz", PERSON), ("Paris", PLACE), ("CDU", ORG)} <= found
    assert not {name for name, _ in found} & {"MERZ", "DIE CDU", "JUBELT", "Jubelt"}
    assert ("WKStA", ORG) in {(e.name, e.type) for e in extract_entities("Die WKStA ermittelt in Wien gegen DER STANDARD.")}


@pytest.mark.parametrize(
    ("span", "person"),
    [
        (("Donald", "Trump"), True), (("Sahra", "Wagenknecht"), True), (("Fidel", "Castro"), True),
        (("Carl", "Zeiss"), False), (("Axel", "Springer"), False), (("San", "Francisco"), False),
        (("Abu", "Dhabi"), False), (("Sri", "Lanka"), False), (("Vienna", "Stephansdom"), False),
    ],
)
def test_a_first_and_last_name_is_a_person_whatever_the_tagger_said(span: tuple[str, str], person: bool) -> None:
    """Found by a review: "Donald Trump" was an organisation in 102 of the 4,310 zeitgeist items;
    names of firms after their founders and names of places keep the tagger's type."""
    from searchkit.entities import _lexicon
    from searchkit.entities.normalize import is_first_and_last_name

    assert is_first_and_last_name(span, _lexicon()) is person


# -- type corrections after decoding (``entities.retype``; docs/entities.md, "Fifth round") ------


def _retyped(sentence: str, start: int, end: int, label: str, rules=None) -> str:
    from searchkit.entities.retype import RULES, retype

    return retype(sentence.split(), start, end, label, get_tagger().featurizer, RULES if rules is None else rules)


@pytest.mark.parametrize(("sentence", "start", "end", "label", "expected"), [
    ("Gestern verlor Viktoria BSC in Bremen", 2, 4, "PER", "ORG"),
    ("Die Meier Logistik GmbH baut ein Lager", 1, 4, "PER", "ORG"),
    ("Die Kowalski AG meldet Gewinne", 1, 3, "LOC", "ORG"),
    ("Der TSV Grünwald stieg ab", 1, 3, "LOC", "ORG"),
    ("Leonardo Da Vinci malte", 0, 3, "PER", "PER"),  # "Da" is a legal form to cleanco, not here
])
def test_a_legal_form_or_a_clubs_abbreviation_makes_an_organisation(
    sentence: str, start: int, end: int, label: str, expected: str
) -> None:
    assert _retyped(sentence, start, end, label) == expected
    assert _retyped(sentence, start, end, label, rules=()) == label  # the tagger's type without the rules


@pytest.mark.parametrize(("sentence", "start", "end", "label", "expected"), [
    # a cue noun of ``features.CUES``, also as a compound's head or in the genitive
    ("Es streikt die Gewerkschaft Komba heute", 4, 5, "PER", "ORG"),
    ("Die Lokführergewerkschaft Vfx ruft auf", 2, 3, "PER", "ORG"),
    ("Die Initiative Lernwerk sammelt Geld", 2, 3, "LOC", "ORG"),
    ("Die Zeitung Danas berichtete", 2, 3, "LOC", "ORG"),  # no place's genitive
    ("Er wohnt im Stadtteil Lindenhof seit Jahren", 4, 5, "PER", "LOC"),
    ("Das sagte Frau Kowalczyk am Montag", 3, 4, "LOC", "PER"),
    ("Sie kauften Züge vom Typ Sprinter 9 ein", 5, 7, "ORG", "OTH"),  # a product: no facet name
    ("Das Lied Morgenrot lief im Radio", 2, 3, "PER", "OTH"),
    # the sixth round's cue nouns, from the errors of the five training folds
    ("Israel öffnete den Grenzübergang Karni wieder", 4, 5, "PER", "LOC"),
    ("Sie besuchten das Schloss Cléron im Jura", 4, 5, "PER", "LOC"),
    ("Das sagte der Politikwissenschaftler Pelinka dem Radio", 4, 5, "LOC", "PER"),
    ("Kronprinzessin Mette-Marit eröffnete die Messe", 1, 2, "LOC", "PER"),
    ("Das berichtete das Magazin Vangardist am Montag", 4, 5, "PER", "ORG"),
    ("Der Discounter Aldi senkt die Preise", 2, 3, "PER", "ORG"),
    # a name in the genitive is governed by the noun, not named by it
    ("Der Präsident Frankreichs sagte das", 2, 3, "LOC", "LOC"),
    ("Das Oberste Gericht Brasiliens entschied", 3, 4, "LOC", "LOC"),
    # a known place after an institution's noun is where the institution is
    ("Das Landgericht Köln urteilte", 2, 3, "LOC", "LOC"),
    ("Die Universität Innsbruck teilte mit", 2, 3, "PER", "LOC"),
    ("Der Verein Real Madrid gewann", 2, 4, "ORG", "ORG"),
    # a person's genitive is governed by any noun, as the tagger or the lexicon reads it (a review)
    ("Die Partei Putins gewann", 2, 3, "PER", "PER"),
    ("Das Ministerium Habecks legte einen Plan vor", 2, 3, "PER", "PER"),
    ("Die Partei Erdogans gewann", 2, 3, "PER", "PER"),
    # a first name and a surname after an organisation's noun are a person of it, also with a
    # surname the lexicon does not know (a review: "Frank Werneke" became an organisation)
    ("Dann überließ die Volkspartei Heinz Fischer das Feld", 4, 6, "PER", "PER"),
    ("Der Sprecher der Gewerkschaft Frank Werneke sagte das", 4, 6, "PER", "PER"),
])
def test_a_cue_noun_before_a_span_sets_its_type(sentence: str, start: int, end: int, label: str, expected: str) -> None:
    assert _retyped(sentence, start, end, label) == expected


@pytest.mark.parametrize(("sentence", "start", "end", "label", "expected"), [
    ("Im Europäischen Parlament gab es Streit", 1, 3, "LOC", "ORG"),
    ("Sie spielen in der Champions League mit", 4, 6, "LOC", "ORG"),
    ("Er sprach vor dem Europäischen Rat", 4, 6, "PER", "ORG"),
    ("Er wohnt in der Kastanienallee", 4, 5, "LOC", "LOC"),
])
def test_a_name_whose_head_names_an_institution_is_an_organisation(
    sentence: str, start: int, end: int, label: str, expected: str
) -> None:
    assert _retyped(sentence, start, end, label) == expected


@pytest.mark.parametrize(("sentence", "start", "end", "label", "expected"), [
    ("Laut den Behörden verlegte die Polizei Beamte in die Stadt", 5, 7, "ORG", "O"),
    ("Schnee fiel an der Südflanke des Gebirges", 4, 7, "ORG", "O"),
    # names: a body after its kind, a head that names a body, an adjective, a place's adjective
    ("Die Vereinigung Cockpit streikt", 1, 3, "ORG", "ORG"),
    ("Das Bundesamt für Migration prüft", 1, 4, "ORG", "ORG"),
    ("Die Techniker Krankenkasse zahlt", 1, 3, "ORG", "ORG"),
    ("Die Deutsche Bahn fährt", 1, 3, "ORG", "ORG"),
    ("In der Weimarer Republik galt das", 2, 4, "LOC", "LOC"),
    # one word is left to normalization (``normalize.is_thing_compound``)
    ("Die Bundeswehr übt", 1, 2, "ORG", "ORG"),
])
def test_a_span_of_common_nouns_is_no_name(sentence: str, start: int, end: int, label: str, expected: str) -> None:
    assert _retyped(sentence, start, end, label) == expected


def test_the_tagger_reports_the_corrected_types() -> None:
    """``tag_tokens``, which the facets and ``searchkit eval entities`` use, corrects the CRF's
    spans; a dropped span is all ``O`` and a retyped one keeps its boundaries."""
    from searchkit.entities import tag_tokens
    from searchkit.entities.retype import correct_tags

    featurizer = get_tagger().featurizer
    words = "Die Meier Logistik GmbH lieferte an die Polizei Beamte Westen".split()
    raw = ["O", "B-PER", "I-PER", "I-PER", "O", "O", "O", "B-ORG", "I-ORG", "B-LOC"]
    assert correct_tags(words, raw, featurizer) == ["O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O", "O", "O", "B-LOC"]
    sentence = "Die Gewerkschaft Komba ruft in Hamburg zum Streik auf .".split()
    assert tag_tokens(sentence) == correct_tags(sentence, get_tagger().tag(sentence), featurizer)


def test_a_cue_noun_types_the_name_in_the_whole_text_unless_outvoted() -> None:
    from searchkit.entities import _cued_names

    def sentence(text: str, start: int, end: int, label: str):
        words = text.split()
        return words, [Mention(tuple(words[start:end]), label)], [(start, end, label)]

    union = [sentence("Es streikt die Gewerkschaft Komba heute", 4, 5, "ORG"), sentence("Komba fordert mehr Geld", 0, 1, "PER")]
    assert _cued_names(union) == {("Komba",): "ORG"}
    street = [sentence("Die Bürgerinitiative Lindenallee protestiert", 2, 3, "ORG")]
    street += [sentence("In der Lindenallee entstehen Wohnungen", 2, 3, "LOC")] * 3
    assert _cued_names(street) == {("Lindenallee",): "LOC"}
    assert _cued_names([sentence("Komba fordert mehr Geld", 0, 1, "PER")]) == {}


def test_a_first_name_alone_beside_a_club_of_that_name_is_the_club() -> None:
    from searchkit.entities import _clubs_by_first_name

    club = Mention(("Hertha", "BSC"), "ORG")
    assert _clubs_by_first_name([club, Mention(("Hertha",), "PER")]) == [club, club]
    # not a word that is also a surname, nor a person the text names too
    werner = [Mention(("Werner", "Bremen"), "ORG"), Mention(("Werner",), "PER")]
    assert _clubs_by_first_name(werner) == werner
    skier = [Mention(("Aksel", "Lund", "Svindal"), "PER"), Mention(("Aksel", "Lund", "Svindal"), "ORG"), Mention(("Aksel",), "PER")]
    assert _clubs_by_first_name(skier) == skier
    text = "Hertha BSC gewann am Samstag in Kiel. Für Hertha war es der dritte Sieg in Folge."
    found = by_type(extract_entities(text))
    assert "Hertha BSC" in found[ORG] and not found[PERSON]


def test_the_demo_corpus_facets_give_its_names_their_type(demo_index) -> None:
    """The wrong types the demo's facets showed before the fifth round (docs/entities.md):
    clubs, a trade union and a vaccine initiative as persons or places, and spans of common
    nouns as organisations."""
    facets = {f.name: {v.label for v in f.results} for f in demo_index.facets(facet_size=1000)}
    assert not facets["person"] & {"Hertha", "Hertha BSC", "Verdi"}
    assert not facets["place"] & {"Europa League", "Europäisches Parlament", "Covax"}
    assert not facets["organisation"] & {"Armee Truppen", "Ostflanke des Bündnisses"}
    assert {"Hertha BSC", "Verdi", "Europa League", "Europäisches Parlament", "Covax"} <= facets["organisation"]


def test_a_name_in_the_genitive_before_a_common_noun_is_the_name_alone() -> None:
    """The tagger ran the owner and the thing owned together: "Putins Ölbranche", "Israels
    Gaza-Pläne", "Macrons Wiederwahlkampagne" were facet values (50 such in the real archive;
    a review). The genitive alone is the name; a name that is itself in -s stays whole."""
    cases = {
        "Putins Ölbranche leidet unter den Sanktionen gegen Russland. Putin schweigt.": {"Putin", "Russland"},
        "Israels Gaza-Pläne stoßen auf Kritik. Israel will die Stadt einnehmen.": {"Israel"},
        "Macrons Wiederwahlkampagne beginnt. Emmanuel Macron tritt an.": {"Emmanuel Macron"},
        "Dimitris Avramopoulos sprach in Brüssel.": {"Dimitris Avramopoulos", "Brüssel"},
    }
    for text, expected in cases.items():
        assert {e.name for e in extract_entities(text)} == expected, text


def test_a_genitive_head_keeps_the_person_after_the_nouns() -> None:
    """``_cut_genitive_heads`` on the tagger's span "Trumps Grenzbeauftragter Homan": Trump,
    and Homan after the role."""
    from searchkit.entities import _cut_genitive_heads

    words = ["Trumps", "Grenzbeauftragter", "Homan", "kündigte", "Razzien", "an"]
    assert _cut_genitive_heads(words, [(0, 3, "PER")], {"Trump"}) == [(0, 1, "PER"), (2, 3, "PER")]
    # a name the text never writes without -s, and the lexicon does not know, stays as tagged
    assert _cut_genitive_heads(words, [(0, 3, "PER")], set()) == [(0, 3, "PER")]
    # a place's genitive in a person's span is the place
    words = ["Russlands", "Präsident", "Wladimir", "Putin", "schwieg"]
    assert _cut_genitive_heads(words, [(0, 4, "PER")], set()) == [(0, 1, "LOC"), (2, 4, "PER")]


def test_initials_before_a_surname_after_a_role_stay_with_the_person() -> None:
    """Found by a review of the docs: README.md and docs/entities.md promise the person "JD
    Vance" for "US-Vizepräsident JD Vance", but the tagger began the span at "Vance" (the
    lexicon knows "JD" only as part of a company's name) and the facet counted "Vance". Capitals
    that are a known abbreviation ("EU", "CDU") are no initials, and without a role the tagger's
    span stands."""
    from searchkit.entities import extract_entities

    def persons(text: str) -> list[str]:
        return [e.name for e in extract_entities(text) if e.type.value == "person"]

    assert persons("US-Vizepräsident JD Vance reiste nach München.") == ["JD Vance"]
    assert persons("Autorin JK Rowling schreibt ein neues Buch.") == ["JK Rowling"]
    assert "Merz" in persons("Kanzler CDU Merz sagte am Montag etwas.")
    assert "CDU Merz" not in persons("Kanzler CDU Merz sagte am Montag etwas.")
