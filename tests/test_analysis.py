"""The German analyzer, filter by filter and as a whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.analysis import (
    CompoundFilter,
    GermanTokenizer,
    analyze,
    clean_word,
    fold_diacritics,
    german_analyzer,
)


def test_umlaut_spellings_are_one_term() -> None:
    assert analyze("Türkei") == analyze("Turkei") == analyze("Tuerkei")


def test_diacritic_variants_are_one_term() -> None:
    assert analyze("Erdoğan") == analyze("Erdogan") == analyze("Erdogans")


def test_genitive_finds_base_form() -> None:
    assert analyze("Israels") == analyze("Israel")
    assert analyze("Aserbaidschans") == analyze("Aserbaidschan")


def test_eszett_and_ss_match() -> None:
    assert analyze("Straße") == analyze("Strasse")


def test_stopwords_are_removed() -> None:
    assert analyze("die und der mit Baku") == analyze("Baku")


def test_hyphenated_compound_keeps_whole_and_parts() -> None:
    terms = analyze("Wiederaufbau-Hilfen")
    assert terms[0] == analyze("Wiederaufbauhilfen")[0]
    assert analyze("Hilfe")[0] in terms
    assert analyze("Wiederaufbau")[0] in terms


def test_parts_are_stacked_on_the_position_of_the_whole() -> None:
    tokens = [(t.text, t.pos) for t in german_analyzer()("Schuscha-Erklärung unterzeichnet", positions=True)]
    positions = {text: pos for text, pos in tokens}
    assert positions[analyze("Schuscha")[0]] == positions[analyze("Schuscha-Erklärung")[0]] == 0
    assert positions[analyze("unterzeichnet")[0]] == 1


def test_query_mode_emits_whole_words_only() -> None:
    assert len(analyze("Wiederaufbau-Hilfen", mode="query")) == 1


def test_soft_hyphen_and_nfd_are_normalized() -> None:
    assert analyze("Ver\u00adteidigung") == analyze("Verteidigung")
    assert analyze("Tu\u0308rkei") == analyze("Türkei")
    assert clean_word("Tu\u0308rkei") == "Türkei"


def test_offsets_point_into_the_original_text() -> None:
    text = "In Baku, Erdoğan."
    for token in GermanTokenizer()(text, chars=True):
        assert text[token.startchar : token.endchar] == token.text


def test_fold_keeps_german_letters_only_when_asked() -> None:
    assert fold_diacritics("Erdoğan Şahin café") == "Erdogan Sahin cafe"
    assert fold_diacritics("Größe", keep_german=True) == "Größe"
    assert fold_diacritics("Größe") == "Grosse"


def test_wildcards_are_not_split_or_stemmed() -> None:
    assert CompoundFilter(splitter=lambda w: ["x", "y"]).parts("militär*") == []


def test_very_long_tokens_are_cut() -> None:
    assert all(len(t) <= 64 for t in analyze("a" * 10_000))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_unicode_analyzes_without_error(text: str) -> None:
    terms = analyze(text)
    assert all(isinstance(t, str) and t for t in terms)


def test_compound_cache_is_not_pickled_and_keeps_output() -> None:
    import pickle

    from searchkit.analysis import CompoundFilter, german_analyzer

    analyzer = german_analyzer()
    text = "Militärstützpunkte und Wiederaufbau-Hilfen, wieder Militärstützpunkte"
    first = [t.text for t in analyzer(text)]
    assert [t.text for t in analyzer(text)] == first  # answered from the caches
    compound = next(f for f in analyzer.items if isinstance(f, CompoundFilter))
    assert compound._cache
    copy = pickle.loads(pickle.dumps(analyzer))
    assert next(f for f in copy.items if isinstance(f, CompoundFilter))._cache == {}
    assert [t.text for t in copy(text)] == first
