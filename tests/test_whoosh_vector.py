"""The Whoosh engine evaluates query trees on arrays (``engines/whoosh_vector``): the same
matches, the same order and the same scores as Whoosh's own matchers, on an index of several
segments with deleted documents."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query, scoring

from searchkit import Index, enrich, read_paths
from searchkit.cli import demo_corpus_path
from searchkit.engines import OneWord, whoosh_vector
from searchkit.engines.whoosh_engine import _union_trees
from searchkit.parsing import parse_query

QUERIES = [
    "Erdogan", "Türkei Aserbaidschan", "Wer ist der Präsident der Türkei?", "Stützpunkt",
    "Verteidigungsministerium", '"Bundesregierung plant"', '"Angriff auf"', "Bund*", "Mei?er",
    "Merz NOT Koalition", "Israel OR Iran", "(Gas OR Öl) AND Russland", "title:Wahl",
    "person:Olaf Scholz", "year:2025", "Straße", "Klimaschutz Urteil Karlsruhe",
    "Wie viele Menschen starben beim Erdbeben?", "Gipfel -NATO", "zzzunbekanntzzz",
    '"Getreide Export"~4', "Bergkarabach Schuscha Wiederaufbau",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """The demo corpus in three commits (three segments), then two documents deleted and one
    replaced: postings on disk still hold the deleted documents."""
    docs = [enrich(d) for d in read_paths([demo_corpus_path()])]
    index = Index(tmp_path_factory.mktemp("vector") / "index", create=True, engine="whoosh")
    third = len(docs) // 3
    for start in (0, third, 2 * third):
        index.add(docs[start : start + third] if start < 2 * third else docs[start:])
    index.delete(docs[1].id)
    index.delete(docs[third + 2].id)
    index.add([docs[5]])  # the same id again: an update
    return index


def _whoosh_answer(snapshot, q: query.Query, limit: int = 50):  # type: ignore[no-untyped-def]
    matches = sorted(_union_trees(q).docs(snapshot.searcher))
    hits = [(hit.docnum, hit.score) for hit in snapshot.searcher.search(_union_trees(q), limit=limit)]
    return matches, hits


def _assert_same(snapshot, q: query.Query, limit: int = 50) -> None:  # type: ignore[no-untyped-def]
    matches, hits = _whoosh_answer(snapshot, q, limit)
    ids, _ = snapshot._vector.evaluate(q)
    assert sorted(ids.tolist()) == matches
    total, ranked = whoosh_vector.ranked(*snapshot._vector.evaluate(q), None, limit)
    assert total == len(matches)
    assert [d for d, _ in ranked] == [d for d, _ in hits]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in hits], rel=1e-12)


def test_the_fixture_has_segments_and_deletions(index: Index) -> None:
    snapshot = index.snapshot()
    assert len(snapshot.searcher.leaf_searchers()) >= 2
    assert snapshot.doc_count() < snapshot.doc_space()


@pytest.mark.parametrize("operator", ["and", "or"])
@pytest.mark.parametrize("text", QUERIES)
def test_user_queries_match_and_rank_as_whoosh(index: Index, text: str, operator: str) -> None:
    q = parse_query(index, text, operator)
    if q is None:
        pytest.skip("nothing to search for")
    snapshot = index.snapshot()
    assert whoosh_vector.supports(snapshot.searcher, q)
    expanded = _words_of_prefixes(q, snapshot.searcher.reader())
    if expanded is not q:
        # a prefix is scored as its words OR-ed, each with the prefix's boost: what Whoosh's
        # own matcher computes, except that Whoosh drops the boost in a segment that has one
        # such word only (a field boost lost in one segment; not reproduced)
        ids, scores = snapshot._vector.evaluate(q)
        assert sorted(ids.tolist()) == _whoosh_answer(snapshot, q)[0]
        by_words = dict(zip(*(a.tolist() for a in snapshot._vector.evaluate(expanded))))
        assert dict(zip(ids.tolist(), scores.tolist())) == pytest.approx(by_words, rel=1e-12)
        q = expanded
    _assert_same(snapshot, q)


def _words_of_prefixes(q: query.Query, reader) -> query.Query:  # type: ignore[no-untyped-def]
    """``q`` with each prefix as the index words it stands for, OR-ed, with its boost."""
    if isinstance(q, query.Prefix):
        words = [w for w in q._btexts(reader) if w]
        return query.Or([query.Term(q.fieldname, w.decode(), boost=q.boost) for w in words])
    return q.apply(lambda child: _words_of_prefixes(child, reader)) if not q.is_leaf() else q


def test_the_engine_answers_with_the_arrays(index: Index) -> None:
    """``match``, ``top`` and ``ranked`` (with a mask) of the snapshot give Whoosh's answer."""
    snapshot = index.snapshot()
    q = parse_query(index, "Türkei Aserbaidschan Baku", "or")
    matches, hits = _whoosh_answer(snapshot, q)
    assert sorted(snapshot.match(q).tolist()) == matches
    total, top = snapshot.top(q, 5)
    assert total == len(matches) and [d for d, _ in top] == [d for d, _ in hits[:5]]
    allow = np.zeros(snapshot.doc_space(), dtype=bool)
    allow[matches[::2]] = True
    allowed = [(d, s) for d, s in hits if allow[d]]
    assert [d for d, _ in snapshot.ranked(q, allow, 50)] == [d for d, _ in allowed]


@pytest.mark.parametrize("slop", [1, 2, 5])
def test_phrases_with_slop(index: Index, slop: int) -> None:
    snapshot = index.snapshot()
    for words in (["turkei", "aserbaidschan"], ["bundesregier", "plant"], ["baku", "ankara"],
                  ["erdogan", "alij"], ["wiederaufbau", "hilf"], ["der", "die", "das"]):
        for field in ("title", "body"):
            _assert_same(snapshot, query.Phrase(field, words, slop=slop, boost=1.5))
            _assert_same(snapshot, query.AndMaybe(query.Term(field, words[0]),
                                                  query.Phrase(field, words, slop=slop)))


def test_compound_parts_in_one_word(index: Index) -> None:
    """``OneWord`` (a query compound's parts within one word of the text) as Whoosh's own
    ``SpanNear2(slop=0, ordered=False, mindist=0)`` finds and scores it."""
    snapshot = index.snapshot()
    for parts in (["militar", "stutzpunkt"], ["wiederaufbau", "hilf"], ["bund", "regier"],
                  ["turkei", "aserbaidschan"], ["verteid", "ministerium"]):
        for field in ("title", "body"):
            q = OneWord([query.Term(field, p, boost=0.25) for p in parts])
            _assert_same(snapshot, q)
            _assert_same(snapshot, query.Or([query.Term(field, "".join(parts)), q]))
    matches, _ = _whoosh_answer(snapshot, OneWord([query.Term("body", "militar"), query.Term("body", "stutzpunkt")]))
    assert matches  # the demo corpus has "Militärstützpunkte"


def test_what_it_cannot_reproduce_is_left_to_whoosh(index: Index) -> None:
    snapshot = index.snapshot()
    coordinated = query.Or([query.Term("body", "baku"), query.Term("body", "ankara")], scale=0.5)
    assert not whoosh_vector.supports(snapshot.searcher, coordinated)
    with index._engine._index.searcher(weighting=scoring.TF_IDF()) as other:
        assert not whoosh_vector.supports(other, query.Term("body", "baku"))
    # within a supported tree, any other node is Whoosh's own matcher, stepping only through
    # the candidates of the rest of the tree
    mixed = query.And([query.Term("body", "turkei"), query.Prefix("body", "aser"),
                       query.Not(query.Term("body", "moskau")), query.NumericRange("pub_start", 20200101, None)])
    _assert_same(snapshot, mixed)


WORDS = ["turkei", "aserbaidschan", "baku", "ankara", "erdogan", "israel", "regier", "krieg",
         "bund", "hilf", "wiederaufbau", "gipfel", "praesident", "stutzpunkt", "zzz"]
FIELDS = ["title", "lead", "body", "names"]
boosts = st.sampled_from([1.0, 1.0, 0.5, 2.0, 3.0])
terms = st.builds(query.Term, st.sampled_from(FIELDS), st.sampled_from(WORDS), boost=boosts)
phrases = st.builds(lambda f, ws, slop, b: query.Phrase(f, ws, slop=slop, boost=b), st.sampled_from(FIELDS),
                    st.lists(st.sampled_from(WORDS[:12]), min_size=1, max_size=3), st.integers(1, 4), boosts)
trees = st.recursive(
    terms | phrases,
    lambda children: (
        st.builds(lambda qs, b: query.Or(qs, boost=b), st.lists(children, min_size=1, max_size=4), boosts)
        | st.builds(lambda qs, b: query.And(qs, boost=b), st.lists(children, min_size=1, max_size=3), boosts)
        | st.builds(query.AndMaybe, children, children)
        | st.builds(lambda qs, b: query.DisjunctionMax(qs, boost=b), st.lists(children, min_size=1, max_size=3), boosts)
        | st.builds(query.AndNot, children, children)
        | st.builds(query.Require, children, children)
    ),
    max_leaves=8,
)


def _reference(snapshot, q: query.Query) -> dict[int, float]:  # type: ignore[no-untyped-def]
    """Document by document: Whoosh's own matcher for each term and phrase (positioned on the
    document), the boolean logic and score sums written out plainly."""

    def node(sub, q: query.Query, doc: int) -> tuple[bool, float]:  # type: ignore[no-untyped-def]
        if isinstance(q, (query.Term, query.Phrase)):
            m = q.matcher(sub, sub.context())
            if m.is_active() and m.id() < doc:
                m.skip_to(doc)
            return (True, m.score()) if m.is_active() and m.id() == doc else (False, 0.0)
        if isinstance(q, query.AndMaybe | query.AndNot | query.Require):
            (a, sa), (b, sb) = node(sub, q.a, doc), node(sub, q.b, doc)
            if isinstance(q, query.AndMaybe):
                return a, sa + (sb if b else 0.0)
            return (a and not b, sa) if isinstance(q, query.AndNot) else (a and b, sa)
        found = [node(sub, child, doc) for child in q.subqueries]
        if isinstance(q, query.DisjunctionMax):  # the best child's score (tiebreak 0)
            return any(f for f, _ in found), max((score for f, score in found if f), default=0.0) * q.boost
        hit = any(f for f, _ in found) if isinstance(q, query.Or) else all(f for f, _ in found)
        return hit, sum(score for f, score in found if f) * q.boost

    scores = {}
    for sub, offset in snapshot.searcher.leaf_searchers():
        reader = sub.reader()
        for doc in range(reader.doc_count_all()):
            if not reader.is_deleted(doc):
                hit, score = node(sub, q, doc)
                if hit:
                    scores[offset + doc] = score
    return scores


def test_an_or_of_and_not_is_answered_correctly(index: Index) -> None:
    """Whoosh's own matchers get ``a OR (b ANDNOT c)`` wrong on this index: they count a
    document that has b and c for the ANDNOT part as well. The arrays do not."""
    snapshot = index.snapshot()
    q = query.Or([query.Term("lead", "turkei"), query.AndNot(query.Term("lead", "turkei"), query.Term("lead", "regier"))])
    expected = _reference(snapshot, q)
    total, ranked = whoosh_vector.ranked(*snapshot._vector.evaluate(q), None, 50)
    assert total == len(expected)
    assert dict(ranked) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=trees)
def test_random_query_trees(index: Index, q: query.Query) -> None:
    snapshot = index.snapshot()
    expected = _reference(snapshot, q)
    total, ranked = whoosh_vector.ranked(*snapshot._vector.evaluate(q), None, 100)
    assert total == len(expected)
    assert dict(ranked) == pytest.approx(expected, rel=1e-12)
    # best first, equal scores by document number
    assert ranked == sorted(ranked, key=lambda hit: (-hit[1], hit[0]))


def test_an_optional_clause_over_a_cached_query_scores_as_one_evaluation(index: Index) -> None:
    """A search counts its query, then ranks it with an optional clause added (the
    people, places and organisations its words name): the required part comes from the cache, and the
    answer is the one of evaluating the whole tree, over segments with deleted documents."""
    raised = 0
    for text in QUERIES:
        snapshot = index.snapshot()
        required = parse_query(index, text, "or")
        if required is None:
            continue
        optional = query.Or([query.Term("place", "baku", boost=3.0), query.Term("person", "ilham alijew", boost=3.0)])
        q = query.AndMaybe(required, optional)
        whole = snapshot._vector.evaluate(q)
        raised += int((whole[1] != snapshot._vector.evaluate(required)[1]).any())
        snapshot.match(required)  # cached, as the count leaves it
        ids, scores = snapshot._scored(q)
        assert ids.tolist() == whole[0].tolist(), text
        assert scores.tolist() == pytest.approx(whole[1].tolist(), rel=1e-12), text
    assert raised >= 3  # the clause matched and added to scores


def _postings_of_every_term(index: Index):  # type: ignore[no-untyped-def]
    """(reader, field, term) of every term of the text and entity fields, segment by segment."""
    snapshot = index.snapshot()
    for sub, _ in snapshot.searcher.leaf_searchers():
        reader = sub.reader()
        for field in ("title", "body", "person", "place", "year"):
            for term in reader.lexicon(field):
                yield reader, field, term


def test_postings_read_from_the_file_are_whooshs(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """``_stored_blocks`` reads the postings file itself: the document numbers, weights and
    positions of the live documents are those of Whoosh's own matcher (the fallback when it
    does not apply), for every term of positional and keyword fields. (Deleted documents may
    stay in either: the evaluation drops them. Whoosh's matcher has skipped a first block of
    deleted documents only; the file holds them.)"""
    direct = []
    for reader, field, term in _postings_of_every_term(index):
        assert whoosh_vector._stored_blocks(reader, field, term) is not None
        direct.append(whoosh_vector._Postings(reader, field, term))
    monkeypatch.setattr(whoosh_vector, "_stored_blocks", lambda *args: None)
    for postings, (reader, field, term) in zip(direct, _postings_of_every_term(index)):
        expected = whoosh_vector._Postings(reader, field, term)
        live = ~np.isin(postings.ids, list(reader.deleted_docs_set))
        assert set(expected.ids.tolist()) <= set(postings.ids.tolist())
        live_expected = ~np.isin(expected.ids, list(reader.deleted_docs_set))
        assert postings.ids[live].tolist() == expected.ids[live_expected].tolist()
        assert postings.weights[live].tolist() == expected.weights[live_expected].tolist()
        if field in ("title", "body"):
            assert postings.positions(postings.ids[live]) == expected.positions(expected.ids[live_expected])


def test_postings_of_a_term_the_segment_lacks(index: Index) -> None:
    reader = next(sub for sub, _ in index.snapshot().searcher.leaf_searchers()).reader()
    with pytest.raises(whoosh_vector.TermNotFound):
        whoosh_vector._stored_blocks(reader, "body", b"zzzunbekanntzzz")
    assert whoosh_vector._stored_blocks(reader, "nofield", b"a") is None  # Whoosh's own answer:
    with pytest.raises(whoosh_vector.TermNotFound):
        whoosh_vector._Postings(reader, "nofield", b"a")


def test_postings_of_another_layout_are_read_by_whoosh(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Where the postings are not a layout ``_stored_blocks`` reads (another reader; a term's
    postings inlined in the term table; an unexpected header), Whoosh's matcher reads them."""
    from whoosh import fields, index as whoosh_index
    from whoosh.codec import whoosh3

    schema = fields.Schema(body=fields.TEXT(), tag=fields.KEYWORD())
    ix = whoosh_index.create_in(str(tmp_path), schema)
    writer = ix.writer()
    for n in range(300):  # Whoosh's own writer: protocol 2, every block compressed
        writer.add_document(body=f"wort{n % 7} gemeinsam gemeinsam", tag=f"t{n % 3}")
    writer.commit()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        found = whoosh_vector._Postings(reader, "body", b"gemeinsam")
        assert found.ids.tolist() == list(range(300)) and set(found.weights.tolist()) == {2.0}
        assert len(found._blocks or ()) > 1  # (Whoosh's blocks hold 128 postings)
        assert found.positions(np.array([0, 299])) == {0: [1, 2], 299: [1, 2]}
        assert whoosh_vector._Postings(reader, "tag", b"t1").ids.tolist() == list(range(1, 300, 3))

        monkeypatch.setattr(whoosh3.W3TermInfo, "is_inlined", lambda self: True)
        assert whoosh_vector._stored_blocks(reader, "body", b"gemeinsam") is None
        monkeypatch.undo()
        monkeypatch.setattr(whoosh3, "WHOOSH3_HEADER_MAGIC", b"XXXX")
        assert whoosh_vector._stored_blocks(reader, "body", b"gemeinsam") is None
        monkeypatch.undo()

        class Other(type(reader)):  # type: ignore[misc]
            pass

        reader.__class__ = Other
        assert whoosh_vector._stored_blocks(reader, "body", b"gemeinsam") is None
        fallback = whoosh_vector._Postings(reader, "body", b"gemeinsam")
        assert fallback.ids.tolist() == found.ids.tolist() and fallback.weights.tolist() == found.weights.tolist()
        assert fallback.positions(np.array([0, 299])) == {0: [1, 2], 299: [1, 2]}
