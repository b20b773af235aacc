"""Query parsing without an index: the direct path for plain word lists against Whoosh's parser."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.parsing import _SYNTAX_WORDS

#: Words of plain text: the alphabet has capitals, so Whoosh's operator words ("AND", "TO"), which
#: make a query explicit syntax, are left out.
_WORDS = st.text(alphabet="aäbcdeéfghiklmnoöpqrsßtuüvwxyzAÄBDEGKLMNOÖRSTUÜWZğş0123456789-.,;!", min_size=1,
                 max_size=14).filter(lambda w: w not in _SYNTAX_WORDS)


@given(st.lists(st.one_of(_WORDS, st.sampled_from(["der", "und", "Wiederaufbau-Hilfen", "Militärstützpunkte", "Erdoğan", "nicht", "2025", "-", "...", "Wer", "wurde", "welchem", "Jahr", "Baku", "baku"])), min_size=1, max_size=6),
       st.sampled_from(["and", "or"]), st.sampled_from([" ", "  ", "\t", "\u00a0", "\n"]))
@settings(max_examples=300, deadline=None)
def test_plain_words_parse_like_whoosh(words: list[str], operator: str, space: str) -> None:
    """The direct path for plain word lists builds exactly the tree Whoosh's parser builds."""
    from whoosh.qparser import AndGroup, MultifieldPlugin, OrGroup

    from searchkit.engines.whoosh_engine import query_schema
    from searchkit.querywords import question_words
    from searchkit.parsing import FIELD_BOOSTS, GermanQueryParser, _is_plain_text, _parse_words

    text = space.join(words)
    assert _is_plain_text(text)
    parser = GermanQueryParser(None, query_schema(), group=OrGroup if operator == "or" else AndGroup)
    parser.question_words = frozenset(question_words(text))
    parser.loose_compounds = operator == "or"
    parser.add_plugin(MultifieldPlugin(list(FIELD_BOOSTS), fieldboosts=FIELD_BOOSTS))
    assert repr(_parse_words(text, operator, parser.question_words)) == repr(parser.parse(text))


def test_fuzzy_words_are_analysed_and_bounded() -> None:
    import pytest
    from whoosh import query

    from searchkit import QueryError
    from searchkit.parsing import parse_query

    parsed = parse_query(None, "Bundesregirung~1/4 Baku", "and")
    fuzzy = [leaf for leaf in parsed.leaves() if isinstance(leaf, query.FuzzyTerm)]
    # one per text field, on the word's index form (folded, stemmed), with the typed limits
    assert {leaf.fieldname for leaf in fuzzy} == {"title", "lead", "body"}
    # (a noun in -ung keeps its ending: one edit from the index's "bundesregierung")
    assert {(leaf.text, leaf.maxdist, leaf.prefixlength) for leaf in fuzzy} == {("bundesregirung", 1, 4)}
    leaves = list(parse_query(None, "Erdoğans~2", "and").leaves())
    assert {leaf.text for leaf in leaves if isinstance(leaf, query.FuzzyTerm)} == {"erdogan"}
    # and what the word finds without the tilde
    assert {repr(leaf) for leaf in parse_query(None, "Erdoğans", "and").leaves()} <= {repr(leaf) for leaf in leaves}
    with pytest.raises(QueryError, match="at most 2 edits"):
        parse_query(None, "Bundesregierung~3", "and")


@given(st.text(alphabet="ab ~0123/\"()", max_size=20))
@settings(max_examples=300, deadline=None)
def test_a_tilde_is_syntax_only_after_a_word_or_a_phrase(text: str) -> None:
    """Wherever people type a tilde ("~ 50 Euro", "50~60", "~~"), parsing gives a query or a
    QueryError, never another exception; a tilde that stays is fuzzy or proximity syntax."""
    from searchkit import QueryError
    from searchkit.parsing import _TILDE_SYNTAX, _plain_tildes, parse_query

    cleaned = _plain_tildes(text)
    assert cleaned.count("~") == len(_TILDE_SYNTAX.findall(text))
    assert _plain_tildes("~ 50 Euro") == "  50 Euro" and _plain_tildes("50~60") == "50 60"
    try:
        parse_query(None, text, "and")
    except QueryError:
        pass


def test_a_boost_is_above_zero_and_at_most_the_maximum() -> None:
    """Found by a review: "Merz^0" was accepted silently. The message says the range, as the one
    for a malformed boost does; well-formed boosts in range keep their weight."""
    import pytest

    from searchkit import QueryError
    from searchkit.parsing import MAX_BOOST, parse_query

    for text in ("Merz^0", "Merz^0.0", "(Merz OR Scholz)^0", '"Friedrich Merz"^0', f"Merz^{MAX_BOOST + 1}", "Merz^1" + "0" * 400):
        with pytest.raises(QueryError, match=f"above 0 and at most {MAX_BOOST}") as error:
            parse_query(None, text, "and")
        assert f"über 0 und höchstens {MAX_BOOST}" in error.value.german, text
    assert parse_query(None, "Merz^2 Scholz", "and").subqueries[0].boost == 2.0
    assert parse_query(None, "Merz^0.5 Scholz", "and").subqueries[0].boost == 0.5
    assert parse_query(None, "Merz^.5 Scholz", "and").subqueries[0].boost == 0.5  # as Whoosh reads it (a review)
    assert parse_query(None, "^0 Merz", "and") is not None  # nothing before the caret: no boost


def test_the_light_verb_stattfinden_asks() -> None:
    """Found by a review: "Wann findet die Wahl statt?" ranked "… gefunden" and "Kooperation
    statt Konfrontation" among the first ten: "statt" and, beside it, the forms of "finden"
    are the light verb "stattfinden", which asks rather than names the topic."""
    from searchkit.querywords import question_words

    assert question_words("Wann findet die Wahl statt?") == {"wann", "findet", "statt"}
    assert question_words("Wo fand der Anschlag statt?") == {"fand", "statt"}
    assert question_words("Wer findet den Schatz?") == {"wer"}  # without "statt": the verb finden
