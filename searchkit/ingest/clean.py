"""Removing scraping residue from article text.

Real news pages arrive with share-button words ("Teilen"), "Zum Thema" blocks of related links,
paragraphs repeated word for word, and the lead repeated (often behind a dateline such as
"Baku – ") as the first paragraph. Each rule is a small function over the paragraph list.
"""

from __future__ import annotations

import math
import re
import unicodedata

#: Paragraphs that are only a button or widget label.
RESIDUE_LINES = frozenset(
    s.casefold()
    for s in (
        "Teilen", "Teilen auf Facebook", "Teilen auf X", "Artikel teilen", "Twittern", "Tweet",
        "Drucken", "E-Mail", "Mail", "Kopieren", "Link kopieren", "Merken", "Anzeige", "Werbung",
        "Kommentare", "Zur Startseite", "Nach oben", "Weiterlesen", "Mehr", "Schließen",
    )
)
#: Headings that start a block of related links; the block runs to the end of the article.
RELATED_HEADINGS = re.compile(
    r"^(zum thema|mehr zum thema|lesen sie auch|lesen sie mehr|das könnte sie auch interessieren"
    r"|weitere artikel|verwandte artikel|mehr dazu)\s*:?\s*$",
    re.IGNORECASE,
)
#: "Baku – ", "Berlin (dpa) – ", "WIEN. " at the start of a paragraph.
DATELINE = re.compile(r"^[A-ZÄÖÜ][\w./ -]{0,40}?(\s*\([^)]{1,20}\))?\s*[–—-]\s+")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each with its inner whitespace collapsed. A related-
    links heading on its own line ("Zum Thema") starts a paragraph of its own even when the
    links follow it without a blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().split("\n")
        if len(lines) > 1 and RELATED_HEADINGS.match(lines[0].strip()):
            paragraphs.append(lines[0])
            block = "\n".join(lines[1:])
        if block.strip():
            paragraphs.append(block)
    return [" ".join(p.split()) for p in paragraphs]


def _norm(paragraph: str) -> str:
    return " ".join(unicodedata.normalize("NFC", paragraph).casefold().split())


#: One-line teasers for other articles inside the text: "Mehr zum Thema: …", "Lesen Sie auch: …".
TEASER_LINE = re.compile(r"^(mehr zum thema|lesen sie auch|lesen sie mehr|mehr dazu|siehe auch)\s*:\s*\S", re.IGNORECASE)


def drop_residue(paragraphs: list[str]) -> list[str]:
    return [
        p
        for p in paragraphs
        if _norm(p).rstrip(":") not in RESIDUE_LINES and not (len(p) < 200 and TEASER_LINE.match(p))
    ]


def drop_related_block(paragraphs: list[str]) -> list[str]:
    """Cut a "Zum Thema" block and what follows it, when it sits in the second half: that is a
    list of teasers for other articles, not this article's text."""
    for i, paragraph in enumerate(paragraphs):
        if RELATED_HEADINGS.match(paragraph.strip()) and i >= len(paragraphs) / 2:
            return paragraphs[:i]
    return [p for p in paragraphs if not RELATED_HEADINGS.match(p.strip())]


def drop_repeats(paragraphs: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = _norm(paragraph)
        if key not in seen:
            seen.add(key)
            kept.append(paragraph)
    return kept


def drop_repeated_lead(lead: str, paragraphs: list[str]) -> list[str]:
    """Remove a first paragraph that only repeats the lead (with or without a dateline)."""
    if not lead or not paragraphs:
        return paragraphs
    first = _norm(DATELINE.sub("", paragraphs[0], count=1))
    if first == _norm(lead) or _norm(paragraphs[0]) == _norm(lead):
        return paragraphs[1:]
    return paragraphs


def clean_body(body: str, lead: str = "") -> str:
    """The article body without scraping residue, paragraphs joined by blank lines."""
    paragraphs = split_paragraphs(body)
    paragraphs = drop_residue(paragraphs)
    paragraphs = drop_related_block(paragraphs)
    paragraphs = drop_repeats(paragraphs)
    paragraphs = drop_repeated_lead(lead, paragraphs)
    return "\n\n".join(paragraphs)


#: A sentence ends after ".", "!", "?" or "…", with a closing quotation mark or not ('… sagte
#: er. "Nein."', '… "Gehen Sie jetzt!" Dann'), before a capital or an opening quotation mark. A
#: closing quotation mark alone ends none: German nouns are capitalised ('meldet Angriffe
#: "terroristischer" Gruppen' was cut after "terroristischer").
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][“”\"«»]))\s+(?=[A-ZÄÖÜ„\"»«])")
#: A full stop after these does not end a sentence: ordinals and dates ("die 29. Konferenz",
#: "am 10. November") and common abbreviations.
_NO_END = re.compile(
    r"(\d|\b(Dr|Prof|St|Nr|bzw|ca|vgl|z|B|u|a|d|h|Mio|Mrd|Jan|Feb|Apr|Aug|Sept?|Okt|Nov|Dez|Abs|Art|Hr|Fr))[.]$"
)


def first_sentence(text: str, max_chars: int = 160) -> str:
    """The first sentence, cut at a word boundary: the title of sources that have none."""
    text = " ".join(text.split())
    ends = (m.start() for m in _SENTENCE_END.finditer(text) if not _NO_END.search(text[: m.start()]))
    sentence = text[: next(ends, len(text))]
    if len(sentence) > max_chars:
        sentence = sentence[:max_chars].rsplit(" ", 1)[0] + " …"
    return sentence


#: A kicker ("Dachzeile") is at most this long and this many words: "Nahost:", "Stuttgart 21:",
#: "Wolodymyr Selenskyj bei Friedrich Merz:" (the longest of 1,447 in the zeitgeist archive).
MAX_KICKER_CHARS = 60
MAX_KICKER_WORDS = 8
#: A title made of a kicker and the text's first sentence cuts that sentence here.
KICKER_SENTENCE_CHARS = 120


def is_kicker(title: str) -> bool:
    """Whether ``title`` is only a kicker ending in a colon ("Nahost:", "Geflüchtete:"): some
    sources put the headline into the first sentence of the text and give just the kicker as
    the title, so that every hit of a topic was titled "Bundeskanzler:". A title that goes on
    after its colon ("Nahost: Waffenruhe hält") is a headline and no kicker."""
    title = " ".join(title.split())
    if not title.endswith(":"):
        return False
    kicker = title[:-1].rstrip()
    return (
        bool(kicker)
        and len(kicker) <= MAX_KICKER_CHARS
        and len(kicker.split()) <= MAX_KICKER_WORDS
        and ":" not in kicker  # "Nahost: Waffenruhe:" is a headline with a kicker already
        and first_sentence(kicker, MAX_KICKER_CHARS) == kicker  # no sentence end inside
    )


def title_with_kicker(kicker: str, text: str) -> str:
    """The title of a document whose title is only ``kicker`` (``is_kicker``): "Kicker: first
    sentence of the text", the sentence cut at a word (``KICKER_SENTENCE_CHARS``), so that a
    hit says what happened. Without text the kicker is kept, without its colon. A text that
    begins with the kicker itself does not repeat it."""
    name = " ".join(kicker.split())[:-1].rstrip()
    sentence = first_sentence(text, KICKER_SENTENCE_CHARS) if text.strip() else ""
    # (a match ignoring case, not ``casefold`` and the kicker's length: "ß" folds to two
    # letters, and "Fußball:" before "FUSSBALL: Der Verein …" kept a colon of the text)
    repeated = re.match(re.escape(name) + r"\s*:", sentence, re.IGNORECASE)
    if repeated:
        sentence = sentence[repeated.end() :].lstrip()
    return f"{name}: {sentence}" if sentence else name


#: C0/C1 control characters except tab and newlines, lone UTF-16 surrogates (JSON allows
#: ``"\ud800"``; such a string cannot be written as UTF-8) and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_VERTICAL = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")


def sanitize_text(text: str) -> str:
    """Text safe to index, store and serve: control characters and lone surrogates removed,
    vertical tab, form feed and Unicode line/paragraph separators turned into newlines."""
    if text.isascii() and text.isprintable():
        return text
    return _CONTROL.sub("", _VERTICAL.sub("\n", text))


def sanitize_value(value: object) -> object:
    """``sanitize_text`` applied to every string inside a JSON-like value (keys included)."""
    if isinstance(value, str):
        return sanitize_text(value)
    if isinstance(value, dict):
        return {sanitize_text(str(k)): sanitize_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize_value(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and infinities are not JSON
    return value
