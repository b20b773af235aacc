"""Query parsing without an index: the direct path for plain word lists against Whoosh's parser."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.search import _SYNTAX_WORDS

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
    from searchkit.search import FIELD_BOOSTS, GermanQueryParser, _is_plain_text, _parse_words

    text = space.join(words)
    assert _is_plain_text(text)
    parser = GermanQueryParser(None, query_schema(), group=OrGroup if operator == "or" else AndGroup)
    parser.question_words = frozenset(question_words(text))
    parser.loose_compounds = operator == "or"
    parser.add_plugin(MultifieldPlugin(list(FIELD_BOOSTS), fieldboosts=FIELD_BOOSTS))
    assert repr(_parse_words(text, operator, parser.question_words)) == repr(parser.parse(text))
