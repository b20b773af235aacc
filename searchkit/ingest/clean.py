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


#: A page's time stamp standing as a paragraph of its own ("Stand: 06.08.2025 12:00 Uhr", as
#: tagesschau.de prints it above the text; "Aktualisiert am 6. August 2025, 12:00 Uhr"): page
#: furniture, which became the lead of an HTML page without a marked teaser (found by a review).
#: Only the whole paragraph: "Stand: heute sind 40 Menschen …" or a time stamp inside a sentence
#: stays.
PAGE_TIME_STAMP = re.compile(
    r"^(stand|aktualisiert|zuletzt aktualisiert|veröffentlicht|erstellt)(\s+am)?\s*:?\s*"
    r"(\d{1,2}\.\s*(\d{1,2}\.|[^\W\d]+)\s*\d{2,4}|\d{4}-\d{2}-\d{2})"
    r"(\s*,?\s*(um\s*)?\d{1,2}[:.]\d{2}(\s*uhr)?)?\s*$",
    re.IGNORECASE,
)


def drop_residue(paragraphs: list[str]) -> list[str]:
    return [
        p
        for p in paragraphs
        if _norm(p).rstrip(":") not in RESIDUE_LINES
        and not (len(p) < 200 and (TEASER_LINE.match(p) or PAGE_TIME_STAMP.match(p.strip())))
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


#: Where a byline ("Von Corinna Emundts, tagesschau.de", "Eine Analyse von Max Bauer und Ann
#: Weiß, ARD-Rechtsredaktion") may begin: the start of the text or of a sentence after the teaser.
_BYLINE_START = re.compile(
    r"(?:^|(?<=[.!?“”\"])[ \t]*)(?:(?:Eine?|Der) (?:Analyse|Kommentar|Einschätzung|Reportage|Kolumne|Überblick|Bericht) von|Von) (?=[A-ZÄÖÜ])"
)
#: A byline may begin in the first characters of a text only (after a teaser of up to three
#: sentences) and is at most this long.
BYLINE_WITHIN_CHARS = 500
MAX_BYLINE_CHARS = 200
#: The words of a byline: names, name particles, outlets ("ARD-Hauptstadtstudio", "ARD Rio de
#: Janeiro", "tagesschau.de", "hr", "NDR/WDR"), "und", "zzt. Köln", "zurzeit in München".
_BYLINE_WORD = (
    r"(?:[A-ZÄÖÜ][\w'’.\-/]*|von|van|de|der|den|del|della|di|da|do|dos|du|al|el|la|le|ten|ter|zu|und|in"
    r"|zzt\.|zzT\.|zurzeit|derzeit|[a-z][\w\-]*\.(?:de|at|ch|com|eu)|tagesschau24|hr|br|rbb|ndr|wdr|swr|mdr)"
)
_BYLINE = re.compile(rf"{_BYLINE_WORD}(?:[\s,]+{_BYLINE_WORD})*")
#: The end of the byline's sentence: a full stop (not of "zzt." or an initial), "?", "!", ":".
_BYLINE_STOP = re.compile(r"(?<!zzt)(?<!zzT)(?<!\b[A-ZÄÖÜ])\.(?=\s)|[?!:;]")
#: Scraping dropped the line break after the byline, gluing its last word to the text's first:
#: "tagesschau.deEs ist", "ARD KairoDie", "SWRAm Sonntag", 'WDR"Einmal', "Hauptstadtstudio900",
#: "MDR THÜRINGENDie".
_OUTLETS = ("ARD", "ZDF", "SWR", "BR", "HR", "WDR", "NDR", "MDR", "RBB", "SR", "DW", "ORF", "SRF")
_GLUE = re.compile(
    r"(?<=[a-zäöüß])(?<!\bzz)(?<!tagesschau)(?=[A-ZÄÖÜ\"„“»\d])"  # "tagesschau.deEs" (not "zzT.")
    r"|(?<=[A-ZÄÖÜ]{2})(?!Fheute|Finfo)(?=[A-ZÄÖÜ][a-zäöüß])"  # "THÜRINGENDie", "SWRAm" (not "ZDFheute")
    r"|(?:" + "|".join(rf"(?<=\b{o})" for o in _OUTLETS) + r")"  # "HRCO2", "BR1989"
    r"(?=[A-ZÄÖÜ\"„“»]|\d)(?!\d{1,2}(?!\d))"  # (not a station's number: "BR24", "SWR3")
    # after a station's number or name: "SWR3Die", "BR24Der", "tagesschau24Die" (a review found
    # "3Die" left of "SWR3Die" and "FheuteDie" of "ZDFheuteDie")
    r"|(?:" + "|".join(rf"(?<=\b{o}\d)|(?<=\b{o}\d\d)" for o in _OUTLETS) + r"|(?<=tagesschau24))"
    r"(?=[A-ZÄÖÜ\"„“»])"
)
#: Name prefixes whose capital is no glue ("McAllister", "DeSantis").
_NAME_PREFIX = re.compile(r"(?:^|[\s,])(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von)$")


#: Lowercase words inside a person's name ("Ursula von der Leyen", "Rafael van der Vaart").
_NAME_PARTICLES = frozenset("von van de der den del della di da du la le ten ter al el".split())


def _name_shaped(words: str) -> bool:
    """Whether a byline without a comma is a name: two to four words, the first two
    capitalized, the others capitalized or particles of names. "Von Jahr zu Jahr.", "Von Tür zu
    Tür." and "Von Flensburg in den Süden." are sentences, which were removed as bylines (found
    by a review)."""
    parts = words.split()
    return (
        2 <= len(parts) <= 4
        and all(part[:1].isupper() for part in parts[:2])
        and all(part[:1].isupper() or part in _NAME_PARTICLES for part in parts[2:])
    )


def drop_byline(text: str) -> str:
    """``text`` without the byline after its teaser ("… Wie geht es weiter? Von Eckart Aretz,
    tagesschau.deWo treffen sich …"): the author would be counted as a person of the article and
    the glued words ("tagesschau.deWo") stand in snippets. A byline is "Von" (or "Eine Analyse
    von") and only names, outlets and "und" up to the end of its sentence ("Von Lisa Weiß.", "Von
    Max Bauer, ARD-Rechtsredaktion.") or up to the glued first word of the text (the first glue,
    after two words or more: "Von YouTube und TikTok" is none). The teaser and the text become
    paragraphs of their own."""
    for start in _BYLINE_START.finditer(text[:BYLINE_WITHIN_CHARS]):
        names_at = start.end()
        window = text[names_at : names_at + MAX_BYLINE_CHARS]
        stop = _BYLINE_STOP.search(window)
        window = window[: stop.start() if stop else len(window)]
        end = None
        for glue in _GLUE.finditer(window):
            names = window[: glue.start()]
            if _NAME_PREFIX.search(names):
                continue  # "McAllister"
            # the first glue only, and two words at least: "Von YouTube und TikTok" is no byline
            if _BYLINE.fullmatch(names) and len(names.split()) >= 2:
                end = names_at + glue.start()
            break
        names = window.rstrip()
        if (
            end is None and stop and stop.group() == "." and _BYLINE.fullmatch(names)
            and ("," in names or _name_shaped(names))  # "Von Lisa Weiß."
        ):
            end = names_at + stop.end()
        if end is not None:
            before, after = text[: start.start()].rstrip(), text[end:].lstrip()
            return f"{before}\n\n{after}" if before else after
    return text


#: A question, exclamation or colon glued to the next sentence where scraping dropped a line
#: break: "Was hat Trump angekündigt?Am Mittwoch …", "im Überblick:Ölpreis so hoch …" (not the
#: gender colon of "Lehrer:Innen").
_GLUED_SENTENCE = re.compile(r"(?<=[a-zäöüß\"“”)])([?!]|:(?!In(?:nen)?\b))(?=[A-ZÄÖÜ][a-zäöüß])")


def split_glued_sentences(text: str) -> str:
    """``text`` with a space after a "?", "!" or ":" glued to the capitalised word after it, so
    that the sentences read and end (none inside a web address: "index.php?Id=1")."""

    def space(match: re.Match[str]) -> str:
        # (the words around, looked for within a few characters: a text may have no space at all)
        before = text[max(0, match.start() - 100) : match.start()].rsplit(maxsplit=1)
        after = text[match.end() : match.end() + 100].split(maxsplit=1)
        if "/" in (before[-1] if before else "") or "=" in (after[0] if after else ""):
            return match.group(1)
        return match.group(1) + " "

    if "/" not in text and "=" not in text:
        return _GLUED_SENTENCE.sub(r"\1 ", text)
    return _GLUED_SENTENCE.sub(space, text)


#: What goes between two words that a scraper glued together ("in angespannter AtmosphäreMerz
#: warnt"): the line break it dropped. Glued words stand where two texts met (the headlines of a
#: liveblog's list, a caption and the text), and the entity extractor starts a sentence at a
#: line break as it did at the glue: with a space, 32 of the 138 such articles of the shared
#: corpora got names run together across the two ("Putin Trump", "Rafah Israel"); with the
#: break, the same entities as before. Snippets and the document page show it as a space.
GLUE_BREAK = "\n"


def split_glued_words(text: str) -> str:
    """``text`` with a line break between two words that a scraper glued together, by the
    entity extractor's rule (``entities.unglue``: "AtmosphäreMerz", "enternTrump", not WhatsApp,
    TikTok, iPhone, HafenCity), so that a search for either word finds it. Every character of
    ``text`` is kept. Loads the tagger's lexicon on first use, for a text with a word of that
    shape only (about 1 s, once per process)."""
    from ..entities import unglue

    return unglue(text, GLUE_BREAK)


def clean_body(body: str, lead: str = "") -> str:
    """The article body without scraping residue, paragraphs joined by blank lines, glued words
    split (last: the rules before see the text as scraped, and a repeated lead as the lead)."""
    paragraphs = split_paragraphs(split_glued_sentences(drop_byline(body)))
    paragraphs = drop_residue(paragraphs)
    paragraphs = drop_related_block(paragraphs)
    paragraphs = drop_repeats(paragraphs)
    paragraphs = drop_repeated_lead(lead, paragraphs)
    return split_glued_words("\n\n".join(paragraphs))


#: A sentence ends after ".", "!", "?" or "…", with a closing quotation mark or not ('… sagte
#: er. "Nein."', '… "Gehen Sie jetzt!" Dann'), before a capital or an opening quotation mark. A
#: closing quotation mark alone ends none: German nouns are capitalised ('meldet Angriffe
#: "terroristischer" Gruppen' was cut after "terroristischer").
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][“”\"«»]))\s+(?=[A-ZÄÖÜ„\"»«])")
#: A full stop after these does not end a sentence: common abbreviations.
_NO_END = re.compile(
    r"\b(Dr|Prof|St|Nr|bzw|ca|vgl|z|B|u|a|d|h|Mio|Mrd|Jan|Feb|Apr|Aug|Sept?|Okt|Nov|Dez|Abs|Art|Hr|Fr)[.]$"
)
#: The number (or word ending in digits) before a sentence's full stop, and the word before it.
_NUMBER_STOP = re.compile(r"(?:(\S+)\s+)?(\S*\d)[.]$")
#: Words that begin a sentence and never follow an ordinal ("die 2. Bundesliga", "am 3. Oktober"):
#: after "Platz 2." or "ging in die Saison 2010/11." they start the next sentence.
_SENTENCE_STARTERS = frozenset(
    (
        "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Einem", "Einer", "Eines",
        "Er", "Sie", "Es", "Wir", "Ich", "Ihr", "Man", "Dies", "Diese", "Dieser", "Dieses", "Damit",
        "Dabei", "Dadurch", "Dafür", "Dagegen", "Daher", "Danach", "Dann", "Darauf", "Daraus",
        "Darüber", "Davor", "Deshalb", "Deswegen", "Doch", "Aber", "Und", "Oder", "Auch", "Als", "Am",
        "Im", "In", "Mit", "Nach", "Bei", "Seit", "Vor", "Für", "Auf", "Aus", "Zum", "Zur", "Vom",
        "Von", "Beim", "Bis", "Durch", "Gegen", "Ohne", "Um", "Unter", "Über", "Zudem", "Zuvor",
        "Zuletzt", "So", "Nun", "Jetzt", "Noch", "Schon", "Bereits", "Trotzdem", "Allerdings",
        "Außerdem", "Was", "Wie", "Wer", "Wo", "Wann", "Warum", "Weil", "Wenn", "Ob", "Dass", "Denn",
        "Seitdem", "Inzwischen", "Mittlerweile", "Hier", "Dort", "Da", "Heute", "Gestern", "Nicht",
        "Kein", "Keine", "Alle", "Viele", "Einige", "Insgesamt", "Laut", "Ihre", "Seine", "Sein",
        "Unser", "Unsere"
    )
)
_MONTH = re.compile(r"(Januar|Jänner|Februar|Feber|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b")
_FULL_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")
#: An article or a preposition with one before a number makes it an ordinal ("der 107. Auflage",
#: "zum 100.000. Mal").
_DETERMINER = re.compile(
    r"(der|die|das|dem|den|des|zum|zur|am|im|vom|beim|ins|ans|seine?[mnrs]?|ihre?[mnrs]?|unsere?[mnrs]?"
    r"|jede[mnrs]?|diese[mnrs]?)",
    re.IGNORECASE,
)


def _is_sentence_end(before: str, after: str) -> bool:
    """Whether the full stop at the end of ``before`` ends a sentence, ``after`` following it.
    An abbreviation's does not. After a number it depends on what the number is: an ordinal or a
    date ("die 29. Konferenz", "am 10. November", "2. Bundesliga", "im 19. Jahrhundert", "der
    107. Auflage") goes on, a year, an amount, a score or a decimal ("im Juli 2011. Traun – Das
    …", "auf 120.000. Die", "mit 24:10. Superstar", "2,5. Damit") ends the sentence, and so does
    a small number before a word that cannot follow an ordinal ("auf Platz 2. Damit")."""
    if _NO_END.search(before):
        return False
    number = _NUMBER_STOP.search(before)
    if not number:
        return True
    previous, token = number.group(1) or "", number.group(2)
    following = after.split(maxsplit=1)[0] if after.strip() else ""
    if (following and following[0] in "„\"»«") or following.rstrip(",.:;!?") in _SENTENCE_STARTERS:
        return True
    if re.search(r"\d[:,]\d+$", token):  # score, time, decimal
        return True
    if _MONTH.match(following) or not re.fullmatch(r"[(\[]?[\d.]*\d", token):
        return False  # a date, or a word with digits ("Weltranglisten-110.", "tagesschau24.")
    digits = token.lstrip("([")
    if len(digits) < 4:
        return False  # an ordinal ("am 10.", "2. Bundesliga", "– 127. Marco …" of a result list)
    # a year, an amount ("2.000"), a whole date ("18.11.2015"): an ordinal only after an article
    # ("zum 100.000. Mal", "die 1000. Folge")
    return not (_DETERMINER.fullmatch(previous) and not _FULL_DATE.fullmatch(digits))


#: Words that leave a cut title hanging ("… Anklage gegen einen …", "… für die …"): articles,
#: prepositions, conjunctions and possessives.
_DANGLING = frozenset(
    (
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
        "kein", "keine", "keinen", "keinem", "keiner", "sein", "seine", "seinen", "seinem", "seiner",
        "ihr", "ihre", "ihren", "ihrem", "ihrer", "unser", "unsere", "dieser", "diese", "diesen",
        "diesem", "dieses", "jeder", "jede", "jeden", "jedem", "und", "oder", "sowie", "aber",
        "sondern", "doch", "denn", "dass", "ob", "weil", "wenn", "als", "wie", "für", "mit", "von",
        "vom", "zu", "zum", "zur", "im", "in", "am", "an", "ans", "auf", "aus", "bei", "beim", "nach",
        "über", "unter", "vor", "gegen", "um", "durch", "ohne", "seit", "bis", "trotz", "wegen",
        "während", "zwischen", "neben", "hinter", "laut", "–", "—", "-"
    )
)


def _dangles(word: str) -> bool:
    """Whether a cut title must not end in ``word``: a function word, an ordinal ("zum 1. …")
    or the first half of "Healthcare- und Pharma…"."""
    return word.casefold() in _DANGLING or word.endswith("-") or bool(re.fullmatch(r"\d+\.", word))


#: ``first_sentence`` of a long text reads only its first ``max_chars`` + this many characters
#: (spaces collapsed): a sentence end further on cannot change the answer, which is then cut at
#: ``max_chars`` either way, and the look-around of a sentence end before ``max_chars`` (80
#: characters before it, 40 after) lies within them. Every hit's snippet asks it of its text.
SENTENCE_READ_MARGIN = 200


def _normalized_head(text: str, chars: int) -> str:
    """``text`` with its runs of whitespace collapsed to one space, or, for a text more than
    twice ``chars`` long, a beginning of at least ``chars`` characters of that."""
    if len(text) > 2 * chars:
        head = " ".join(text[: 2 * chars].split())
        if len(head) >= chars:
            return head
    return " ".join(text.split())


def first_sentence(text: str, max_chars: int = 160) -> str:
    """The first sentence, cut at a word boundary: the title of sources that have none. A cut
    sentence ends in " …" after a word that does not leave it hanging: an article, preposition
    or conjunction before the cut goes too ("… Anklage gegen einen …" becomes "… Anklage …") as
    long as half of ``max_chars`` is left."""
    text = _normalized_head(text, max_chars + SENTENCE_READ_MARGIN)
    ends = (
        m.start()
        for m in _SENTENCE_END.finditer(text)
        # (the words around the full stop are enough, and keep a long text from being copied)
        if _is_sentence_end(text[max(0, m.start() - 80) : m.start()], text[m.end() : m.end() + 40])
    )
    sentence = text[: next(ends, len(text))]
    if len(sentence) > max_chars:
        words = sentence[: max_chars + 1].split(" ")[:-1] or [sentence[:max_chars]]
        while len(words) > 1 and _dangles(words[-1]) and len(" ".join(words[:-1])) >= max_chars // 2:
            words.pop()
        sentence = " ".join(words).rstrip(",;:") + " …"
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
