"""Tokens and sentences for the entity tagger, close to the GermEval 2014 tokenization.

GermEval keeps hyphenated compounds ("Assad-Regime", "al-Scharaa") and abbreviations with their
period ("Dr.", "z.B.", ordinal "10.") as one token and splits quotes and other punctuation off.
The tagger was trained on that layout, so running text is cut the same way here.

Everything is linear in the input: one regular expression without nested quantifiers that could
backtrack, a cap on the text length (``MAX_TEXT_CHARS``) and on a sentence's length in tokens
(``MAX_SENTENCE_TOKENS``; longer runs are cut into pieces).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model import LONE_SURROGATE

#: Text beyond this many characters is not tagged (about 40 pages; news articles are far shorter).
MAX_TEXT_CHARS = 300_000
#: A "sentence" longer than this (lists, tables, junk without punctuation) is cut into pieces.
MAX_SENTENCE_TOKENS = 120
#: Tokens longer than this are never entities (base64, URLs, hashes).
MAX_TOKEN_CHARS = 48

#: Abbreviations that keep their period (lowercase, without the final period). A single letter
#: followed by a period (an initial, "S.") is handled by the pattern itself.
ABBREVIATIONS = frozenset(
    """
    abb abs abt adm allg anm art aufl bd bde bearb bes best betr bsp bspw bzgl bzw ca chr
    co dipl dr ebd eig engl etc ev evtl exkl fa ff fr frz gebr gen geb gegr ggf gr hl hg hrsg
    hr hrn inkl ing jh jhd jr kap kath kfm kgl kl lt ltd mag max mio mr mrs ms mrd mind mo nr
    nrn od orig pfr pkt pl prof prot präs rd rer röm sen sog sr st std str tel tsd ua usw
    verf vgl vs wg zb zt zzt di mi do sa so jan feb febr mär apr aug sept sep okt nov dez
    """.split()
)

_CLEAN = str.maketrans(
    {
        "\u00ad": None,  # soft hyphen
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2010": "-",
        "\u2011": "-",
        "\u2019": "'",  # typographic apostrophe inside words (O’Brien)
    }
)

_TOKEN = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)[^\s<>"„“”»«]+)
  | (?P<num>\d+(?:[.,:/]\d+)*(?:[-–]\w+)?)
  | (?P<word>(?:\w+\.){2,}(?=\s|$)           # z.B. u.a. d.h. U.S.
        | \w+(?:[-&']\w+)*(?:-(?=\s+(?:und|oder|bis|sowie)\b))?  # Luft- und ..., O'Connor
    )
  | (?P<punct>\S)
    """,
    re.VERBOSE,
)
_SENTENCE_END = frozenset(".!?")
_OPENERS = frozenset("\"'„“‚‘«»([")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def clean_text(text: str) -> str:
    """NFC, no soft hyphens, zero-width characters or lone surrogates, plain hyphens (same
    length rules as ``str.translate``: offsets refer to the cleaned text)."""
    text = text.translate(_CLEAN)
    # lone surrogates (the Python API lets them in) made crfsuite's tagger raise SystemError
    if not text.isascii():
        text = unicodedata.normalize("NFC", LONE_SURROGATE.sub("", text))
    return text


def tokenize(text: str) -> list[Token]:
    """Cut cleaned text into tokens; an abbreviation or ordinal keeps its period."""
    tokens: list[Token] = []
    append = tokens.append
    n = len(text)
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        kind = match.lastgroup
        if kind in ("word", "num") and end < n and text[end] == ".":
            piece = match.group()
            if kind == "word":
                low = piece.lower()
                if low in ABBREVIATIONS or (len(piece) == 1 and piece.isupper()):
                    end += 1
            elif len(piece) <= 2 and piece.isdigit() and _ordinal_context(text, end + 1):
                end += 1
        elif kind == "url":
            cut = end
            while cut > start + 1 and text[cut - 1] in ".,;:!?)":
                cut -= 1
            append(Token(text[start:cut], start, cut))
            for pos in range(cut, end):
                append(Token(text[pos], pos, pos + 1))
            continue
        append(Token(text[start:end], start, end))
    # a period swallowed above must not also start the next match: finditer continued at the old
    # end, so drop the single "." tokens that now overlap their predecessor
    if tokens:
        out = [tokens[0]]
        for tok in tokens[1:]:
            if tok.start < out[-1].end:
                continue
            out.append(tok)
        tokens = out
    return tokens


def _ordinal_context(text: str, pos: int) -> bool:
    """After "10." comes a space and a lowercase word, a month name or a digit: an ordinal."""
    rest = text[pos : pos + 12]
    if not rest or not rest[0].isspace():
        return False
    rest = rest.lstrip()
    if not rest:
        return False
    if rest[0].islower() or rest[0].isdigit():
        return True
    return rest.startswith(_MONTH_PREFIXES)


_MONTH_PREFIXES = (
    "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
)


def sentences(tokens: list[Token], text: str, breaks: frozenset[int] = frozenset()) -> list[list[Token]]:
    """Group tokens into sentences: at . ! ? followed by a capital, an opener or a line break,
    at every line break that ends a paragraph or headline, before a token that starts at one
    of ``breaks`` (offsets), and every ``MAX_SENTENCE_TOKENS``."""
    out: list[list[Token]] = []
    current: list[Token] = []
    count = len(tokens)
    for i, tok in enumerate(tokens):
        current.append(tok)
        end_here = False
        nxt = tokens[i + 1] if i + 1 < count else None
        if nxt is None:
            end_here = True
        elif "\n" in text[tok.end : nxt.start] or nxt.start in breaks:
            end_here = True
        elif tok.text in _SENTENCE_END or (tok.text in ")\"“”»«'" and len(current) > 1
                                            and current[-2].text in _SENTENCE_END):
            first = nxt.text[0]
            end_here = first.isupper() or first.isdigit() or first in _OPENERS
        if end_here or len(current) >= MAX_SENTENCE_TOKENS:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
