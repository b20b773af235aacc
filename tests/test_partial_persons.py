"""A one-word person that is another word of the only multi-word person of the same article
that has it is that person ("Lula", "Xi", "Ban", "Donald"), per article only."""

from __future__ import annotations

import pytest

from searchkit.entities import Mention, extract_entities
from searchkit.entities.normalize import normalize_mentions
from searchkit.entities.tagger import get_tagger
from searchkit.model import EntityType

PERSON, ORG = EntityType.PERSON, EntityType.ORGANISATION


@pytest.fixture(scope="module")
def lexicon():
    return get_tagger().featurizer.lexicon


def persons(mentions: list[Mention], lexicon) -> list[str]:
    return [name for name, kind in normalize_mentions(mentions, lexicon) if kind == PERSON]


@pytest.mark.parametrize(
    ("full", "word"),
    [
        (("Luiz", "Inácio", "Lula", "da", "Silva"), "Lula"),  # a word in the middle
        (("Xi", "Jinping"), "Xi"),  # family name first
        (("Ban", "Ki", "Moon"), "Ban"),  # "Ban" is also a noun with a name flag
        (("Donald", "Trump"), "Donald"),  # a first name of the only bearer
        (("Aksel", "Lund", "Svindal"), "Aksel"),
    ],
)
def test_another_word_of_the_only_full_name_is_that_person(full, word, lexicon) -> None:
    mentions = [Mention(full, "PER"), Mention((word,), "PER"), Mention(("Berlin",), "LOC")]
    assert persons(mentions, lexicon) == [" ".join(full)]


def test_a_shorter_form_counts_as_its_full_name(lexicon) -> None:
    mentions = [Mention(("Luiz", "Inácio", "Lula", "da", "Silva"), "PER"),
                Mention(("Lula", "da", "Silva"), "PER"), Mention(("Lula",), "PER")]
    assert persons(mentions, lexicon) == ["Luiz Inácio Lula da Silva"]


def test_a_first_name_of_two_people_stays_apart(lexicon) -> None:
    mentions = [Mention(("Friedrich", "Merz"), "PER"), Mention(("Friedrich", "Schiller"), "PER"),
                Mention(("Friedrich",), "PER")]
    assert persons(mentions, lexicon) == ["Friedrich Merz", "Friedrich Schiller", "Friedrich"]
    # also the father and son of one family: "Lula" beside Luiz Inácio and Fábio Luiz Lula da Silva
    mentions = [Mention(("Luiz", "Inácio", "Lula", "da", "Silva"), "PER"),
                Mention(("Fábio", "Luiz", "Lula", "da", "Silva"), "PER"), Mention(("Lula",), "PER")]
    assert "Lula" in persons(mentions, lexicon)


def test_a_word_that_is_a_place_or_organisation_of_the_article_stays(lexicon) -> None:
    # "Aldi" typed as a person once, as an organisation elsewhere, beside the "person" Aldi Nord
    mentions = [Mention(("Aldi", "Nord"), "PER"), Mention(("Aldi",), "PER"), Mention(("Aldi",), "ORG"),
                Mention(("Aldi",), "ORG")]
    found = normalize_mentions(mentions, lexicon)
    assert ("Aldi Nord", PERSON) in found and ("Aldi", ORG) in found


def test_a_known_place_that_is_no_surname_stays(lexicon) -> None:
    # "Atlanta Hawks" typed as a person: Atlanta is a place the lexicon knows, not a surname
    mentions = [Mention(("Atlanta", "Hawks"), "PER"), Mention(("Atlanta",), "PER")]
    assert persons(mentions, lexicon) == ["Atlanta Hawks", "Atlanta"]


def test_a_suffix_still_goes_to_the_longest_name(lexicon) -> None:
    mentions = [Mention(("Benjamin", "Netanjahu"), "PER"), Mention(("Netanjahu",), "PER"),
                Mention(("Benjamin",), "PER")]
    assert persons(mentions, lexicon) == ["Benjamin Netanjahu"]


def test_only_person_mentions_take_the_full_name(lexicon) -> None:
    # a word tagged as an organisation is not moved into the person (a surname is: "Netanjahu")
    mentions = [Mention(("Ban", "Ki", "Moon"), "PER"), Mention(("Ban",), "ORG"), Mention(("Ban",), "ORG"),
                Mention(("Ban",), "PER")]
    assert normalize_mentions(mentions, lexicon) == [("Ban Ki Moon", PERSON), ("Ban", ORG)]


def test_in_an_article() -> None:
    text = ("Chinas Präsident Xi Jinping ist in Washington eingetroffen. Ein US-Vertreter sagte, "
            "Xi wolle am Freitag ein System zum Emissionshandel ankündigen.")
    names = [e.name for e in extract_entities(text, title="Xi will Emissionshandel ankündigen")
             if e.type == PERSON]
    assert names == ["Xi Jinping"]
