"""The words of a German question that ask rather than describe.

A question names what it wants with words its answer does not contain: the interrogative ("Wer",
"Wann", "Wofür"), the auxiliary of the passive or past ("wurde", "gab"), the verb of naming
("Wie hieß …", "Wie lautet …") and the answer type ("Wie *viele* …", "In welchem *Jahr* …",
"Welche *Art* von …", "Wie lautete der *Name* …"). Whoosh's German stoplist keeps most of them
(it has "was", "wie", "welche", but not "wer", "wann", "wurde"), and in a news archive they are
rare, so BM25 gives them a high weight and ranks texts that happen to contain "Jahr" or "wurde"
above the paragraph with the answer.

``question_words(text)`` returns the lowercased surface words of ``text`` that play this role;
the query parser gives each a small weight (``parsing.QUESTION_WORD_WEIGHT``) instead of dropping
it, so that a question made only of such words still finds something. Only the closed classes
of German grammar are listed (interrogatives, auxiliaries, contracted prepositions, verbs of
naming, the light verb "stattfinden") and the answer-type noun directly after "wie" or a form of "welch-": no word of any
evaluation set's topics.

    >>> sorted(question_words("In welchem Jahr wurde die Universität gegründet?"))
    ['jahr', 'wurde']
    >>> sorted(question_words("Wie viele Einwohner hat Warschau?"))
    ['viele']
    >>> question_words("Bundestag beschließt Wehrdienst")
    set()
"""

from __future__ import annotations

import re

#: Interrogatives (the stoplist has was, wie, wo, welche…), auxiliaries and copulas of
#: questions, verbs of naming, and contracted prepositions the stoplist lacks.
FUNCTION_WORDS = frozenset(
    """
    wer wen wem wessen wann warum wieso weshalb weswegen wozu wodurch womit wofür wovon woher
    wohin worin woran worauf woraus worum worüber worunter wobei wonach wogegen wieviel wieviele
    wurde wurden wurdest worden gibt gab gaben gegeben
    heißt hieß hießen heißen hiess hiessen heisst nennt nannte nannten nennen genannt bezeichnet
    lautet lautete lauteten
    beim ans ums aufs
    statt anstatt stattfinden stattfindet stattfand stattfanden stattgefunden
    """.split()
)
#: Forms of "finden" that, with the particle "statt" in the same question, are the light verb
#: "stattfinden" ("Wann findet die Wahl statt?"): asking, not the topic "finden" (a review found
#: "Wann findet die Wahl statt?" ranking "… gefunden" and "Kooperation statt Konfrontation").
_FINDEN = frozenset("findet fand fanden finden findest fände".split())
#: Words that say what kind of answer is wanted when they follow "wie" or "welch-"
#: ("wie viele", "wie lange", "in welchem Jahr", "welche Art von", "welcher Name").
ANSWER_TYPES = frozenset(
    """
    viel viele vielen vieler lange oft alt groß hoch weit schwer breit tief spät früh
    jahr jahre jahren jahrhundert jahrzehnt monat monaten tag datum zeit zeitpunkt
    art arten sorte typ form name namen nachname vorname begriff bezeichnung wort
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_ASKING = re.compile(r"^(?:wie|welche[rmns]?)$")
#: "Wie lautet der Name …", "Welches Jahr …": one article may stand between.
_ARTICLES = frozenset("der die das den dem des ein eine einen einem".split())


def question_words(text: str) -> set[str]:
    """Lowercased words of ``text`` that ask rather than describe (see the module docstring)."""
    words = [w.lower() for w in _WORD.findall(text)]
    found = {w for w in words if w in FUNCTION_WORDS}
    if "statt" in found:
        found |= _FINDEN.intersection(words)
    for i, word in enumerate(words):
        if _ASKING.match(word) or word in FUNCTION_WORDS:
            follower = _asked_for(words, i)
            if follower in ANSWER_TYPES:
                found.add(follower)
    return found


def _asked_for(words: list[str], i: int) -> str | None:
    """The word after the asking word ``words[i]`` that may name the answer's kind: the next
    one, or the one after an article ("Wie lautet der *Name*")."""
    for follower in words[i + 1 : i + 3]:
        if follower not in _ARTICLES:
            return follower
    return None


#: What a question asks for when its answer has a form any text shows: a point in time ("Wann
#: …?", "In welchem Jahr …?") or a number ("Wie viele …?", "Wie hoch …?").
TIME = "time"
QUANTITY = "quantity"
_TIME_NOUNS = frozenset("jahr jahre jahren jahrhundert jahrzehnt monat monaten datum zeitpunkt tag".split())
_QUANTITY_WORDS = frozenset("viel viele vielen vieler oft alt groß hoch weit schwer breit tief lange lang".split())


def answer_type(text: str) -> str | None:
    """``TIME``, ``QUANTITY`` or None: what kind of answer the question ``text`` asks for.

    >>> answer_type("Wann wurde die Universität gegründet?"), answer_type("Wie viele Einwohner hat Warschau?")
    ('time', 'quantity')
    >>> answer_type("Wer sang die Nationalhymne?") is None
    True
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if "wann" in words:
        return TIME
    if "wieviel" in words or "wieviele" in words:
        return QUANTITY
    for i, word in enumerate(words):
        if not _ASKING.match(word):
            continue
        follower = _asked_for(words, i)
        if follower in _TIME_NOUNS:
            return TIME
        if word == "wie" and follower in _QUANTITY_WORDS:
            return QUANTITY
    return None
