"""Highlighting: the words the index matched are the words marked, found by one expression per
page instead of a loop over every word (checked against that loop)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.analysis import MAX_TOKEN_LENGTH, TOKEN_PATTERN, analyze, suspended_words, word_terms
from searchkit.highlight import SNIPPET_CHARS, Highlighter
from searchkit.model import Document


def loop_spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    """The obvious way: every token, analysed, compared with the query."""
    return [
        m.span()
        for m in TOKEN_PATTERN.finditer(text)
        if len(m.group()) <= MAX_TOKEN_LENGTH and word_terms(m.group()) & terms
    ]


def terms_of(query: str) -> frozenset[str]:
    return frozenset(analyze(query, mode="query"))


def test_marks_inflections_compounds_and_spelling_variants() -> None:
    highlighter = Highlighter(terms_of("Stützpunkt Erdoğan Hilfe"))
    text = "Erdogans Militärstützpunkte und Wiederaufbau-Hilfen; Stützpunktleiter"
    marked = [text[a:b] for a, b in highlighter.spans(text)]
    assert marked == ["Erdogans", "Militärstützpunkte", "Wiederaufbau-Hilfen", "Stützpunktleiter"]


def test_a_word_inside_a_hyphenated_word_is_not_marked_alone() -> None:
    highlighter = Highlighter(terms_of("Baku"))
    text = "Baku-Gipfel in Baku, Bakus Hafen, Ost-Baku"
    assert highlighter.spans(text) == loop_spans(text, highlighter.terms)
    assert [text[a:b] for a, b in highlighter.spans(text)] == [text[a:b] for a, b in loop_spans(text, highlighter.terms)]


def test_one_page_shares_what_it_learned() -> None:
    highlighter = Highlighter(terms_of("Berlin"))
    highlighter.learn(["Gipfel in Berlin", "Berlins Hafen"])
    assert highlighter.matching == {"Berlin", "Berlins"}
    # a text seen later still gets its own new words compared
    text = "BERLIN und Berliner Luft"
    assert highlighter.spans(text) == loop_spans(text, highlighter.terms) != []


def test_snippet_is_the_densest_window_and_falls_back_to_the_beginning() -> None:
    body = "Vorspann ohne Treffer. " * 20 + "In Baku trafen sich Alijew und Erdoğan in Baku." + " Nachsatz." * 20
    doc = Document(id="1", title="Gipfel", body=body)
    snippet = Highlighter(terms_of("Baku")).snippet(doc)
    assert snippet.startswith("… ") and snippet.count('<mark class="match">Baku</mark>') == 2
    plain = Highlighter(terms_of("Paris")).snippet(doc)
    assert "<mark" not in plain and len(plain) <= SNIPPET_CHARS + 2


def test_a_title_taken_from_the_first_sentence_is_not_the_snippet_again() -> None:
    title = "Erdoğan bleibt Präsident der Türkei."
    doc = Document(id="1", title=title, lead=f"{title} In der Stichwahl siegte er knapp.", body="Ankara feierte.")
    assert Highlighter(frozenset()).snippet(doc) == "In der Stichwahl siegte er knapp."
    # a match only in the title sentence: the snippet comes from the rest
    assert Highlighter(terms_of("Türkei")).snippet(doc) == "In der Stichwahl siegte er knapp."
    assert "<mark" in Highlighter(terms_of("Stichwahl")).snippet(doc)
    # a text that is nothing but its title: no snippet (the hit shows it once, as its title;
    # a review found the sentence twice under 950 titles of the real archive)
    only_title = Document(id="2", title=title, body=title)
    assert Highlighter(frozenset()).snippet(only_title) == ""


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


_WORDS = st.sampled_from(
    ["Baku", "Bakus", "Baku-Gipfel", "Stützpunkt", "Militärstützpunkte", "Erdoğan", "Erdogan", "Hilfen",
     "Wiederaufbau-Hilfen", "und", "die", "in", "Straße", "STRASSE", "Bahn", "Bahnstreik", "x", "10.000",
     "10.000er", "20:45", "20:45h", "2,5", "er"]
)
_SEPARATORS = st.sampled_from(
    [" ", ", ", "-", "--", " - ", "\u2010", "\u00ad", "\u0301", "_", "\n", "/", "'", "", ". ", "«", "…", "-«"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_WORDS, _SEPARATORS), max_size=25),
    st.text(max_size=40),
    st.sampled_from(["Baku", "Stützpunkt Hilfe", "Erdogan Straße", "Bahn", "x", "10000 20:45", "2,5"]),
)
def test_spans_equal_the_loop_over_every_word(pieces: list[tuple[str, str]], noise: str, query: str) -> None:
    text = "".join(word + sep for word, sep in pieces) + noise
    terms = terms_of(query)
    assert Highlighter(terms).spans(text) == loop_spans(text, terms)


def test_a_small_vocabulary_starts_afresh_and_stays_correct() -> None:
    from searchkit.highlight import Vocabulary

    vocabulary = Vocabulary(limit=3)
    terms = terms_of("Berlin")
    for text in ["Berlin Bonn Köln", "Hamburg Berlins Bremen", "Berliner Kiel Berlin"]:
        assert Highlighter(terms, vocabulary=vocabulary).spans(text) == loop_spans(text, terms)
    assert len(vocabulary.known) <= 3


def test_plain_punctuation_is_neither_a_word_character_nor_a_joiner() -> None:
    import re

    from searchkit.analysis import JOINERS, WORD_CHAR
    from searchkit.highlight import _PLAIN_CHARS

    assert not [c for c in _PLAIN_CHARS if re.match(rf"{WORD_CHAR}|[{JOINERS}]", c)]


_CHUNKS = st.lists(st.one_of(_WORDS, _SEPARATORS, st.sampled_from(["«", "»", "…", "(", ")", ".", "60.000", "US-"])))


@settings(max_examples=300, deadline=None)
@given(_CHUNKS, st.text(max_size=40))
def test_distinct_words_are_the_tokens_of_the_text(pieces: list[str], noise: str) -> None:
    # what the highlighter relies on: no whitespace is a word character or a joiner, so the
    # tokens of a text are those of its distinct whitespace-separated chunks
    from searchkit.highlight import chunk_words

    for text in ("".join(pieces) + noise, noise):
        distinct_words = {word for chunk in set(text.split()) for word in chunk_words(chunk)}
        assert distinct_words == set(TOKEN_PATTERN.findall(text))


def test_a_page_takes_snippets_from_leads_and_reads_bodies_only_without_one() -> None:
    docs = [
        Document(id="1", title="Gipfel", lead="In Baku trafen sich zwei.", body="Baku, Baku, Baku."),
        Document(id="2", title="Baku-Gipfel", lead="Ohne Treffer.", body="Später in Baku."),
    ]
    page = Highlighter(terms_of("Baku"))
    page.learn_page(docs)
    one_by_one = Highlighter(terms_of("Baku"))
    assert [page.snippet(d) for d in docs] == [one_by_one.snippet(d) for d in docs]
    assert docs[0].body not in page._chunks and docs[1].body in page._chunks


def test_marks_are_escaped_like_the_rest_of_the_text() -> None:
    highlighter = Highlighter(terms_of("Baku"))
    assert highlighter.highlight("<b>Baku</b> & Co", whole=True) == (
        '&lt;b&gt;<mark class="match">Baku</mark>&lt;/b&gt; &amp; Co'
    )
    assert highlighter.highlight("Baku und Co", whole=True) == '<mark class="match">Baku</mark> und Co'


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.tuples(_WORDS, _SEPARATORS), max_size=12), min_size=1, max_size=4),
    st.sampled_from(["Baku", "Stützpunkt Hilfe", "Erdogan Straße", "Bahn", "x", "10000 20:45", "2,5"]),
)
def test_texts_learned_together_have_the_spans_of_each_alone(texts: list[list[tuple[str, str]]], query: str) -> None:
    """A page learns its texts together: each keeps the spans it has alone."""
    page = ["".join(word + sep for word, sep in pieces) for pieces in texts]
    terms = terms_of(query)
    highlighter = Highlighter(terms)
    highlighter.learn(page)
    assert [highlighter.spans(text) for text in page] == [loop_spans(text, terms) for text in page]


def test_highlighters_of_one_search_read_a_text_once() -> None:
    from searchkit.highlight import _SEARCH_TEXTS, _suspended_words_of, one_search

    text = "Baku-Gipfel: Erdoğan trifft Alijew in Baku, Bundes- und Landesregierung"
    with one_search():
        first, second = Highlighter(terms_of("Baku")), Highlighter(terms_of("Erdoğan"))
        first.learn([text])
        second.learn([text])
        assert first._chunks[text] is second._chunks[text]
        assert second.spans(text) == loop_spans(text, second.terms)
        assert _suspended_words_of(text) is _suspended_words_of(text)
    assert _SEARCH_TEXTS.get() is None
    assert _suspended_words_of(text) == suspended_words(text)  # outside a search: asked afresh


def test_a_compound_is_marked_where_its_parts_stand_in_one_word() -> None:
    """Found by a review: "Bundeskanzler" marked "Bundespräsident" (its part "Bund") in titles;
    the parts of a typed compound (a group) are marked only together, in one word."""
    highlighter = Highlighter(frozenset({"bundeskanzl"}), frozenset({frozenset({"bund", "kanzl"})}))
    text = "Bundespräsident und Vizebundeskanzler trafen die Bundeskanzlerin und den Kanzler."
    assert [text[a:b] for a, b in highlighter.spans(text)] == ["Vizebundeskanzler", "Bundeskanzlerin"]


def test_the_snippet_prefers_the_query_word_to_words_with_one_of_its_parts() -> None:
    """Found by a review: "Hochwasser" showed "Wassermassen" and "Trinkwasser" marked (under OR
    a part counts alone) instead of the paragraph that says "Hochwasser"."""
    highlighter = Highlighter(frozenset({"hochwass", "hoch", "wass"}), typed=frozenset({"hochwass"}))
    body = ("Die Wassermassen und das Trinkwasser: Wasser überall. " + "Füllwort " * 40
            + "Dann kam das Hochwasser in die Stadt.")
    snippet = highlighter.snippet(Document(id="a", title="T", body=body))
    assert '<mark class="match">Hochwasser</mark>' in snippet and "Trinkwasser" not in snippet
    lead_parts = Document(id="b", title="T", lead="Das Wasser steigt.", body="Das Hochwasser kam nachts.")
    assert '<mark class="match">Hochwasser</mark>' in highlighter.snippet(lead_parts)


def test_numbers_are_marked_as_the_tokenizer_reads_them() -> None:
    highlighter = Highlighter(terms_of("10000 2:1"))
    text = "Es waren 10.000.000 oder 10.000. Oder 10.000er, Spiel 2:1, dann 2:1:0 und 12:1."
    assert [text[a:b] for a, b in highlighter.spans(text)] == ["10.000", "10.000", "2:1"]
    assert highlighter.spans(text) == loop_spans(text, highlighter.terms)


def test_the_words_of_a_phrase_are_marked_where_the_phrase_stands() -> None:
    """Found by a review: the quoted "Europäische Union" marked every "Europa" (one stem with
    "Europäische"), away from the phrase that matched."""
    phrase = tuple(analyze("Europäische Union", mode="query"))
    highlighter = Highlighter(frozenset(), phrases=frozenset({phrase}))
    text = "Die Europäische Union tagt. Europa wartet, die Union der Europäischen Völker auch. Der Europäischen Union-Gipfel."
    marked = [text[a:b] for a, b in highlighter.spans(text)]
    assert marked == ["Europäische", "Union", "Europäischen", "Union-Gipfel"]
    # a word the query also has alone is marked everywhere
    both = Highlighter(terms_of("Europa"), phrases=frozenset({phrase}))
    assert [text[a:b] for a, b in both.spans(text)] == ["Europäische", "Union", "Europa", "Europäischen", "Europäischen", "Union-Gipfel"]
    # the phrase is not in the text: nothing is marked (stop words hold no position, so
    # "Europa und die Union" would be the phrase for the index too)
    assert highlighter.spans("Europa wartet auf die Union.") == []


def test_a_word_cut_off_by_a_hyphen_is_marked_when_its_whole_word_matches() -> None:
    """"Bundes- und Landesregierung" is found for "Bundesregierung" (the index reads the cut
    word whole): its "Bundes" is marked too, not the other word."""
    highlighter = Highlighter(terms_of("Bundesregierung"))
    text = "Die Bundes- und Landesregierung einigten sich. Die Bundesregierung auch."
    assert [text[a:b] for a, b in highlighter.spans(text)] == ["Bundes", "Bundesregierung"]
    assert Highlighter(terms_of("Landesregierung")).spans("Bundes- und Landesregierung") == [(12, 27)]
