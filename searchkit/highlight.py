"""Highlighting: the query's words marked in titles and snippets.

A word of a text matches when its own analysis (stem, folded spelling, compound parts) shares a
term with the query, so "Militärstützpunkte" is marked for the query "Stützpunkt" and
"Erdogans" for "Erdoğan", exactly as the index matched them. ``Highlighter`` does this for one
page of hits: every distinct word is analysed once (``analysis.word_terms``, cached across
queries) and compared once per page, and the matching words of the whole page are then found in
each text by one regular expression, without a Python loop over every word of every text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .analysis import MAX_TOKEN_LENGTH, TOKEN_PATTERN, word_terms
from .model import Document

#: Characters a snippet shows at most.
SNIPPET_CHARS = 240
#: Characters of context a snippet shows before its first match.
SNIPPET_LEAD = 70

#: What ``TOKEN_PATTERN`` counts as part of a word, and the hyphens that join words into one.
_WORD_CHAR = r"[\w\u00ad\u200b-\u200d\u0300-\u036f]"
_JOIN = r"[-\u2010\u2011]"
#: Text that, ending right before a word, makes it part of a longer token.
_JOINED_BEFORE = re.compile(rf"{_WORD_CHAR}{_JOIN}?\Z")


class Highlighter:
    """The words of some texts that match a query's index ``terms``, and where they stand."""

    def __init__(self, terms: frozenset[str]) -> None:
        self.terms = terms
        self.seen: set[str] = set()
        self.matching: set[str] = set()
        self._texts: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def learn(self, texts: Iterable[str]) -> None:
        """Compare the words of ``texts`` not seen yet with the query (do this for a whole page
        first, so that ``spans`` compiles its expression once)."""
        if not self.terms:
            return
        new: set[str] = set()
        for text in texts:
            if text and text not in self._texts:
                self._texts.add(text)
                new.update(TOKEN_PATTERN.findall(text))
        new -= self.seen
        if not new:
            return
        self.seen |= new
        terms = self.terms
        found = {w for w in new if len(w) <= MAX_TOKEN_LENGTH and not terms.isdisjoint(word_terms(w))}
        if found - self.matching:
            self.matching |= found
            self._pattern = None

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            words = "|".join(re.escape(w) for w in sorted(self.matching, key=len, reverse=True))
            # a token ends here: no word character or hyphenated word follows (where it starts is
            # checked per match, cheaper than a look-behind tried at every position)
            self._pattern = re.compile(rf"(?:{words})(?!{_WORD_CHAR})(?!{_JOIN}{_WORD_CHAR})")
        return self._pattern

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matching word of ``text``, in order."""
        if not text or not self.terms:
            return []
        if text not in self._texts:
            self.learn([text])
        if not self.matching:
            return []
        return [
            m.span()
            for m in self._compiled().finditer(text)
            if not m.start() or not _JOINED_BEFORE.search(text, max(0, m.start() - 2), m.start())
        ]

    def highlight(self, text: str, *, whole: bool = False) -> str:
        """HTML with the matched words in ``<mark>``; everything else escaped. ``whole`` marks the
        entire text (titles); otherwise the window of ``SNIPPET_CHARS`` with the most matches,
        or "" when nothing matches."""
        if not text:
            return ""
        spans = self.spans(text)
        if whole:
            return _marked(text, spans, 0, len(text))
        if not spans:
            return ""
        return _window(text, spans)

    def snippet(self, doc: Document) -> str:
        """The best window of the lead, else of the body, else their plain beginning."""
        for text in (doc.lead, doc.body):
            marked = self.highlight(text)
            if marked:
                return marked
        plain = doc.lead or doc.body
        if len(plain) > SNIPPET_CHARS:
            plain = plain[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        return html.escape(plain, quote=False)


def _window(text: str, spans: list[tuple[int, int]]) -> str:
    best, best_count = 0, -1
    right = 0
    for left, (a, _) in enumerate(spans):  # densest window starting at a match
        while right < len(spans) and spans[right][1] <= a + SNIPPET_CHARS:
            right += 1
        if right - left > best_count:
            best, best_count = left, right - left
    first = spans[best][0]
    start = max(0, first - SNIPPET_LEAD)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", max(spans[best][1], start), end)
        end = space if space != -1 else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return prefix + _marked(text, spans, start, end) + suffix


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(html.escape(text[pos:a], quote=False))
        out.append(f'<mark class="match">{html.escape(text[a:b], quote=False)}</mark>')
        pos = b
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out)
