"""Ranking slips seen on real news data (2026-12-07 review), each as a small index.

* "Hochwasser 2024" over an archive without an article of 2024: the date filter found nothing,
  so "2024" was searched as a word; no flood article had it, the keywords fell back to any word,
  and "Hochwasser" matched by its part "hoch" alone ("Ölpreis auf höchstem Stand … 2024" first).
* "Abtreibung": Snowball cut the noun to "abtreib", the stem of "abtreiben" (to drift off too):
  a headline "Schiffe drohten abzutreiben" ranked above every article on abortion.
* "Sicherheit": Snowball cut the noun to "sich", the term of "sicher": the headline "Ich verdiene
  das ganz sicher nicht" was among the first five.
"""

from __future__ import annotations

import pytest

from searchkit import Document, Index, PubDate
from searchkit.analysis import analyze, derived_nouns, derived_stem, noun_in_ung
from searchkit.parsing import DERIVED_WEIGHT, NOUN_WEIGHT, _date_words_apart, parse_query

# every test here that takes an index runs once per engine (see conftest.py)

FILLER = " ".join(["Die Lage wurde in mehreren Sitzungen besprochen, Vertreter aller Seiten kamen zu Wort."] * 6)


def ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.document.id for hit in result.hits]


def doc(doc_id: str, title: str, body: str, date: str | None = "2026-07-14") -> Document:
    return Document(id=doc_id, title=title, body=body, published=PubDate.from_iso(date) if date else None)


# -- date words searched as words ------------------------------------------------------------


def test_date_phrase_of_keywords_is_apart_from_the_other_words() -> None:
    assert _date_words_apart("Hochwasser 2024") == ("Hochwasser", "2024")
    assert _date_words_apart("Baku im März 2023") == ("Baku", "im März 2023")
    assert _date_words_apart("Hochwasser") is None  # no date phrase
    assert _date_words_apart("2024") is None  # nothing else to search
    assert _date_words_apart('"Hochwasser 2024"') is None  # quoted: a phrase, as typed
    # questions and long queries are natural language: every word counts anyway
    assert _date_words_apart("Wann war das Hochwasser 2024 in Bayern am höchsten?") is None


def test_the_or_fallback_keeps_the_other_words_and_ranks_by_the_date_words() -> None:
    from whoosh import query

    parsed = parse_query(None, "Hochwasser 2024", "or", fallback=True)
    # the proximity boost wraps the query; inside it the words, then the date words, optional
    inner = parsed.a if isinstance(parsed, query.AndMaybe) else parsed
    assert isinstance(inner, query.AndMaybe)
    required = {leaf.text for leaf in inner.a.leaves()}
    assert "hochwass" in required
    assert "hoch" in required  # all parts in one word still match ("Hochwassers" as parts) …
    assert not any(isinstance(leaf, query.Term) and leaf.text == "hoch" for leaf in _top_level_terms(inner.a))
    assert {leaf.text for leaf in inner.b.leaves()} == {"2024"}
    # AND keeps the date words required ("Wahl 2016": the articles on that election)
    strict = parse_query(None, "Wahl 2016", "and")
    assert isinstance(strict, query.AndMaybe) and isinstance(strict.a, query.And)  # (b: proximity)
    assert [{leaf.text for leaf in word.leaves()} for word in strict.a.subqueries] == [{"wahl"}, {"2016"}]


def _top_level_terms(q):  # type: ignore[no-untyped-def]
    """Terms of ``q`` that are not inside a ``OneWord`` (a part alone would be one)."""
    from searchkit.engines import OneWord

    if isinstance(q, OneWord):
        return []
    if hasattr(q, "subqueries"):
        return [t for sub in q.subqueries for t in _top_level_terms(sub)]
    return [q]


@pytest.mark.usefixtures("engine")
def test_year_without_articles_of_that_year_ranks_the_topic_first(fresh_index: Index) -> None:
    floods = [
        doc("flut1", "Hochwasserkatastrophe im Ahrtal", f"Das Hochwasser zerstörte ganze Orte. {FILLER}"),
        doc("flut2", "Regenpause bringt Entspannung", f"{FILLER} Das Hochwasser an der Donau sinkt langsam."),
    ]
    others = [
        doc("oel", "Ölpreis auf höchstem Stand seit zwei Jahren", "Zuletzt lag er im April 2024 so hoch."),
        doc("krim", "Kriminalität bleibt hoch", "Die Zahl der Fälle stieg 2024 deutlich."),
        doc("wasser", "Wo Deutschland das Wasser ausgeht", f"Seit 2024 sinkt der Grundwasserspiegel. {FILLER}"),
    ]
    fresh_index.add(floods + others)
    result = fresh_index.search("Hochwasser 2024")
    assert result.date_words == "2024"  # no article of 2024: searched as words, and said so
    assert sorted(ids(result)[:2]) == ["flut1", "flut2"]
    assert set(ids(result)) == {"flut1", "flut2"}  # the date words alone find nothing


@pytest.mark.usefixtures("engine")
def test_date_words_still_select_when_the_topic_has_them(fresh_index: Index) -> None:
    fresh_index.add([
        doc("w16", "Wahl in Österreich", f"Die Wahl 2016 musste wiederholt werden. {FILLER}", None),
        doc("w25", "Wahl in Polen", f"Die Wahl brachte eine knappe Mehrheit. {FILLER}", None),
    ])
    # undated articles: the date filter finds nothing; the words "Wahl" and "2016" both match one
    assert ids(fresh_index.search("Wahl 2016")) == ["w16"]


# -- nouns in -ung ----------------------------------------------------------------------------


def test_a_noun_in_ung_keeps_its_ending() -> None:
    assert analyze("Abtreibung") == ["abtreibung"]
    assert analyze("Abtreibungen") == ["abtreibung"]
    assert analyze("abzutreiben") == ["abtreib"]
    assert analyze("abtreiben") == ["abtreib"]
    assert analyze("Abtreibungsgesetz") == ["abtreibungsgesetz", "abtreibung", "gesetz"]
    # Snowball keeps -ung on short words already; "jung" is no noun in -ung
    assert analyze("Zeitungen") == ["zeitung"]
    assert analyze("Jungen") == ["jung"]
    assert derived_stem("abtreibung") == "abtreib"
    assert derived_stem("zeitung") is None
    assert derived_stem("hochwass") is None
    # the other way: the noun Snowball joined with a verb's or agent noun's stem
    assert noun_in_ung("unternehmensberat") == "unternehmensberatung"
    assert noun_in_ung("abtreib") == "abtreibung"
    assert noun_in_ung("zeit") is None  # "Zeitung" was never "Zeit"
    assert noun_in_ung("abtreibung") is None


def _term_weights(text: str) -> dict[tuple[str, str], float]:
    """(field, term) → boost of every term of ``text`` parsed as keywords."""
    from whoosh import query

    parsed = parse_query(None, text, "and")
    return {(leaf.fieldname, leaf.text): leaf.boost for leaf in parsed.leaves() if isinstance(leaf, query.Term)}


def test_the_query_noun_weighs_its_verb_stem_far_below_itself() -> None:
    weights = _term_weights
    noun = weights("Abtreibung")
    assert noun[("body", "abtreibung")] == 1.0
    assert noun[("body", "abtreib")] == pytest.approx(DERIVED_WEIGHT)
    # the verb typed: its stem, and the noun Snowball joined with it
    verb = weights("abtreiben")
    assert verb[("body", "abtreib")] == 1.0
    assert verb[("body", "abtreibung")] == pytest.approx(NOUN_WEIGHT)
    assert weights("Zeit") == {("title", "zeit"): 3.0, ("lead", "zeit"): 2.0, ("body", "zeit"): 1.0}


@pytest.mark.usefixtures("engine")
@pytest.mark.parametrize(("noun", "other", "headline", "sentences"), [
    # the verb's headline; the verb finds both senses, and the nouns
    ("Abtreibung", "abtreiben", "Schiffe drohten abzutreiben",
     ("Strittig bleibt das Recht auf Abtreibung.", "Er sprach auch über Abtreibungen.")),
    # the adjective's headline; the adjective finds the adjective, and the noun made from it
    ("Sicherheit", "sicher", "Ich verdiene das ganz sicher nicht",
     ("Es geht um mehr Sicherheit an Bahnhöfen.", "Die Minister berieten über Sicherheiten für Kiew.")),
])
def test_a_noun_ranks_above_a_headline_with_its_verb_or_adjective(
    fresh_index: Index, noun: str, other: str, headline: str, sentences: tuple[str, str]
) -> None:
    fresh_index.add([
        doc("headline", headline, "Die Polizei drückte sie ans Ufer zurück.", None),
        doc("n1", "Republikaner vor der Wahl", f"{FILLER} {sentences[0]} {FILLER}", None),
        doc("n2", "Papst warnt vor Einsamkeit", f"{FILLER} {sentences[1]} {FILLER}", None),
    ])
    found = ids(fresh_index.search(noun))
    assert sorted(found[:2]) == ["n1", "n2"]
    assert found[-1] == "headline"  # still found, far below
    assert set(ids(fresh_index.search(other))) == {"headline", "n1", "n2"}


@pytest.mark.usefixtures("engine")
def test_an_agent_noun_or_verb_still_finds_the_noun_in_ung(fresh_index: Index) -> None:
    fresh_index.add([
        doc("b", "Karriere", "So ist das Motto in vielen Unternehmensberatungen.", None),
        doc("v", "Angriff", "Die Vorbereitung dauerte Monate.", None),
    ])
    assert ids(fresh_index.search("Unternehmensberater")) == ["b"]
    assert ids(fresh_index.search("vorbereitet")) == ["v"]


# -- nouns in -heit and -keit -----------------------------------------------------------------


def test_a_noun_in_heit_or_keit_keeps_its_ending() -> None:
    assert analyze("Sicherheit") == ["sicherheit"]
    assert analyze("Sicherheiten") == ["sicherheit"]
    assert analyze("sicher") == ["sich"]
    assert analyze("Möglichkeiten") == ["moglichkeit"]
    assert analyze("Persönlichkeit") == ["personlichkeit"]  # was "person", the noun "Person"
    assert analyze("Zuständigkeit") == ["zustandigkeit"]  # was "zustand"
    assert analyze("Sicherheitsrat") == ["sicherheitsrat", "sicherheit", "rat"]
    # Snowball keeps these whole already; -schaft, -nis and -ion it never cuts
    assert analyze("Freiheit") == ["freiheit"]
    assert analyze("Wirtschaft") == ["wirtschaft"]
    assert analyze("Ergebnis") == ["ergebnis"]
    assert analyze("Holzscheit") == ["holzscheit", "holz", "scheit"]  # no suffix -heit
    assert derived_stem("sicherheit") == "sich"
    assert derived_stem("moglichkeit") == "moglich"
    assert derived_stem("freiheit") is None
    # the other way: the compound lexicon's nouns that Snowball cut to the stem (the query keeps
    # those the index holds)
    assert "sicherheit" in derived_nouns("sich")
    assert "moglichkeit" in derived_nouns("moglich")
    assert "gesundheit" in derived_nouns("gesund")
    assert derived_nouns("frei") == ()  # "Freiheit" was never cut to "frei"
    # only the lexicon's nouns: by spelling alone "Zeit" had zeitheit, zeiterheit, zeitenheit,
    # each a look-up in the index
    assert derived_nouns("zeit") == derived_nouns("wahl") == derived_nouns("kind") == ()
    assert derived_nouns("abtreib")[0] == "abtreibung"


def test_the_query_noun_in_heit_weighs_its_adjective_far_below_itself() -> None:
    weights = _term_weights
    noun = weights("Sicherheit")
    assert noun[("body", "sicherheit")] == 1.0
    assert noun[("body", "sich")] == pytest.approx(DERIVED_WEIGHT)
    adjective = weights("sicher")
    assert adjective[("body", "sich")] == 1.0
    assert adjective[("body", "sicherheit")] == pytest.approx(NOUN_WEIGHT)


def test_the_second_stage_counts_the_noun_for_its_adjective_not_the_other_way() -> None:
    from searchkit.rerank import query_concepts

    assert query_concepts("sicher") == [("sich", "sicherheit")]
    assert query_concepts("Sicherheit") == [("sicherheit",)]
