"""Article text and metadata from an HTML page (lxml).

Navigation, the site's header, footers, cookie banners and share bars are dropped (never the
element that holds the article, nor the article's own header with its headline and teaser); the
article text is the text of the ``<article>`` (else ``<main>``, else ``<body>``), one paragraph
per block, per container (``<div>``, ``<section>``) and per ``<br>`` run. The title is the
article's ``<h1>`` (a site's header has one too, its name), else ``og:title``, else another
``<h1>``, else ``<title>``, without a site name appended ("… | tagesschau.de"). The publication
date comes from ``article:published_time``, JSON-LD ``datePublished`` or the first
``<time datetime>``.
The parser never fetches anything: no network, no external entities.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..errors import IngestError
from ..model import Document, PubDate
from .clean import RELATED_HEADINGS, drop_residue
from .formats import make_document, parse_pubdate

BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form", "iframe", "svg", "button", "figure")
#: Words of a class, id or role that mark what is never the article, however much text it holds:
#: comments, related links, share bars, cookie and newsletter boxes, bylines, footers.
NEVER_ARTICLE_WORDS = frozenset({
    "cookie", "consent", "share", "sharing", "sharebar", "social", "socialmedia", "teilen",
    "newsletter", "related", "comment", "commentlist", "commentsection", "commentbox", "banner",
    "breadcrumb", "advert", "advertisement", "ad", "promo", "kicker", "dachzeile", "byline", "author",
    "dateline", "footer",
})
#: Words that mark navigation, headers, menus and paywalls, which also name layout wrappers
#: around the article ("layout-with-subnav", "paywall-content": see ``_drop_boilerplate``).
LAYOUT_WORDS = frozenset({
    "nav", "navi", "navbar", "navigation", "subnav", "topnav", "mainnav", "sitenav", "menu", "menubar",
    "header", "paywall", "meta", "contentinfo",
})
#: Every boilerplate mark. Matched as whole tokens (see ``_hint_tokens``), not as any
#: substring: "headline" is no "header", "navigator" no "nav". A token also matches with a
#: plural "s" ("comments"). (A marked element that holds the article, "<body
#: class="has-sticky-header">", stays.)
BOILERPLATE_WORDS = NEVER_ARTICLE_WORDS | LAYOUT_WORDS
#: Words that also mark a class or id written as one word with them at its start ("cookiebanner",
#: "advertising", "newsletterbox") or at its end ("sitefooter", "mainmenu", "socialshare"):
#: words no article's own class begins or ends with ("articleheader" may hold the lead,
#: "paywalled" the text, "socialpolitik" a section: no "header", "paywall" or "social" here).
BOILERPLATE_STARTS = ("cookie", "consent", "advert", "newsletter", "breadcrumb", "navigation")
BOILERPLATE_ENDS = ("banner", "footer", "menu", "share", "navigation", "nav")
#: Marks that name a header, which inside the article is its own (headline, teaser, date).
ARTICLE_PART_WORDS = frozenset({"header"})
#: Containers of the article: a ``<header>`` inside one is the article's, not the site's.
CONTENT_TAGS = ("article", "main")
#: Words of a class marking the kicker in a headline (``<h1><span class="kicker">Rente</span>
#: <span>Kabinett beschließt …</span></h1>``), which is written "Kicker: Headline".
KICKER_WORDS = frozenset({"kicker", "dachzeile", "topline", "overline", "roofline"})
#: Headings that start a related-links block, and the share of a following element's text in
#: links above which it is that block's list of links.
RELATED_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "p", "div", "strong")
MOSTLY_LINKS = 0.8
#: What stands between a headline and a site name appended in ``<title>`` or ``og:title``.
TITLE_SEPARATOR = re.compile(r"\s+([|·»]|[-–—])\s+")
#: A host name as a site name: "tagesschau.de", "derStandard.at › Inland".
HOST_NAME = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,12}\b", re.IGNORECASE)
#: A site name appended after "|" is at most this many words, each capitalised ("ZEIT ONLINE").
MAX_SITE_NAME_WORDS = 4
BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
#: Elements that separate paragraphs in an HTML fragment (feed descriptions and contents).
FRAGMENT_BLOCKS = BLOCKS + ("div", "h1", "h5", "h6", "pre", "td", "dd", "dt", "figcaption", "section", "article", "ul", "ol", "table", "tr", "br", "hr")
#: Elements that start and end a paragraph of a page's text: the paragraph blocks and every
#: container that may hold text directly (``<div>Text<br><br>Text</div>``, ``<section>Text``).
PAGE_BLOCKS = tuple(t for t in FRAGMENT_BLOCKS if t != "br") + ("th", "main", "body", "address", "dl", "details", "summary")
#: Marks a paragraph boundary inside the text while it is collected (a private-use character:
#: blank lines in the HTML source are only whitespace and must not split a paragraph).
PARAGRAPH_MARK = "\ue000"
#: A marked element holding more than this share of the content's prose is a wrapper around the
#: content ("paywall-content"), not boilerplate; an article or main holding more than this share
#: of the page's text is the content even when marked ("article-meta-wrapper").
MOST_OF_THE_TEXT = 0.5


def _parser() -> lxml_html.HTMLParser:
    # The text is decoded already and handed over as UTF-8: a <meta charset> in the page must not
    # make lxml decode it a second time.
    return lxml_html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )


def _meta(tree: Any, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and found[0].strip():
                return str(found[0]).strip()
    return ""


def _json_ld_date(tree: Any) -> str:
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get("datePublished"):
                    return str(item["datePublished"])
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return ""


def _published(tree: Any) -> PubDate | None:
    for candidate in (
        _meta(tree, "article:published_time", "datePublished", "date", "pubdate", "DC.date.issued", "dc.date"),
        _json_ld_date(tree),
        next(iter(tree.xpath("//time/@datetime")), ""),
    ):
        if candidate:
            date = parse_pubdate(candidate)
            if date:
                return date
    return None


def _hint_tokens(element: Any) -> set[str]:
    """The lower-case words of an element's class, id and role, split at whitespace, ``-``,
    ``_`` and other punctuation and at camelCase humps ("shareBar" is "share" and "bar")."""
    hint = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))
    hint = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", hint)
    return {token for token in re.split(r"[^0-9a-zA-Z]+", hint.lower()) if token}


def _is_marked(element: Any) -> bool:
    """Whether class, id or role name the element as boilerplate (``BOILERPLATE_WORDS``, and the
    words written together with ``BOILERPLATE_STARTS``/``BOILERPLATE_ENDS``)."""
    return any(_is_boilerplate_word(token) for token in _hint_tokens(element))


def _is_boilerplate_word(token: str, words: frozenset[str] = BOILERPLATE_WORDS) -> bool:
    """A token that is one of ``words`` (also plural), or starts or ends with one of them that
    is an affix (``BOILERPLATE_STARTS``/``ENDS``)."""
    word = token[:-1] if token.endswith("s") and token[:-1] in words else token
    return word in words or any(
        token.startswith(affix) for affix in BOILERPLATE_STARTS if affix in words
    ) or any(token.endswith(affix) for affix in BOILERPLATE_ENDS if affix in words)


def _marks(element: Any) -> set[str]:
    """The tokens of an element's class, id and role that mark it as boilerplate."""
    return {token for token in _hint_tokens(element) if _is_boilerplate_word(token)}


def _never_article(element: Any) -> bool:
    """Marked as comments, related links, a share bar or the like (``NEVER_ARTICLE_WORDS``)."""
    return any(_is_boilerplate_word(token, NEVER_ARTICLE_WORDS) for token in _hint_tokens(element))


def _text_length(element: Any) -> int:
    """Characters of the element's text, whitespace collapsed: how much of the page it holds."""
    return len(" ".join(element.text_content().split()))


def _content_root(tree: Any, marked: list[Any]) -> Any:
    """The element holding the article text: the first ``<article>``, else ``<main>``, that is
    neither marked as boilerplate nor inside marked boilerplate (teasers in a "related" box are
    not the article); else the first article or main that holds most of the page's text
    (``<article class="article-meta-wrapper">`` is still the article); else ``<body>``."""
    body = next(iter(tree.xpath("//body")), tree)
    boilerplate = set(marked)
    candidates = tree.xpath("//article") + tree.xpath("//main")
    for candidate in candidates:
        if boilerplate.isdisjoint([candidate, *candidate.iterancestors()]):
            return candidate
    page_length = _text_length(body)
    for candidate in candidates:
        if _text_length(candidate) > MOST_OF_THE_TEXT * page_length:
            return candidate
    return body


def _drop_boilerplate(tree: Any) -> Any:
    """Remove navigation, banners, share bars and similar from the page; return the content root.

    Boilerplate lies beside the article: a marked element is kept when it is the content root or
    encloses it (``<body class="has-sticky-header">``, a "…-navigation-layout" wrapper of the
    article), and when it holds most of the content's prose, the text outside links and list
    items ("paywall-content", "layout-with-subnav" inside ``<main>``), unless its marks say it
    is never the article (``NEVER_ARTICLE_WORDS``): comments, related links and share bars go
    however long they are, and so do menus, which are links.
    """
    for element in tree.xpath("|".join(f"//{tag}" for tag in BOILERPLATE_TAGS)):
        if element.tag == "header" and _inside_content(element):
            _drop_header_data(element)
            continue
        element.drop_tree()
    marked = [element for element in tree.iter(tag=etree.Element) if _is_marked(element)]
    root = _content_root(tree, marked)
    around_root = {root, *root.iterancestors()}
    root_prose = _prose_length(root)
    for element in marked:
        if _is_article_header(element, root):
            _drop_header_data(element)
            continue
        if element in around_root or (
            root_prose and not _never_article(element) and _prose_length(element) > MOST_OF_THE_TEXT * root_prose
        ):
            continue
        element.drop_tree()
    _drop_related_links(root)
    return root


def _drop_all(elements: Any) -> None:
    for element in list(elements):
        element.drop_tree()


def _drop_header_data(header: Any) -> None:
    """Remove the date and author standing on their own in the article's header: they are no
    text, and would become its lead ("6. August 2025"). A date inside the teaser stays."""
    _drop_all(
        element for element in header.iter("time", "address")
        if next(element.iterancestors(*BLOCKS), None) is None
    )


def _inside_content(element: Any) -> bool:
    """Inside an ``<article>`` or ``<main>``: where HTML puts no site header (``<header>``
    there holds the article's headline, teaser and date)."""
    return next(element.iterancestors(*CONTENT_TAGS), None) is not None


def _is_article_header(element: Any, root: Any) -> bool:
    """Marked only as a header ("article-header") and inside the article: its own header."""
    return root.tag in CONTENT_TAGS and _marks(element) <= ARTICLE_PART_WORDS and any(
        ancestor is root for ancestor in element.iterancestors()
    )


def _drop_related_links(root: Any) -> None:
    """Remove a "Zum Thema" heading with the lists of links that follow it: teasers for other
    articles. (The text cleaning cuts such a block only in the second half of the text, where it
    runs to the end; in the page it is marked by its links wherever it stands.)"""
    for heading in list(root.iter(*RELATED_HEADING_TAGS)):
        if heading.getparent() is None or not RELATED_HEADINGS.match(" ".join(heading.text_content().split())):
            continue
        links = list(itertools.takewhile(_is_link_list, heading.itersiblings()))
        if links:
            _drop_all([heading, *links])


def _is_link_list(element: Any) -> bool:
    """Whether nearly all of the element's text is link text (a list of teasers)."""
    length = _text_length(element)
    return length > 0 and sum(_text_length(link) for link in element.iter("a")) >= MOSTLY_LINKS * length


def _prose_length(element: Any) -> int:
    """Characters of the element's text outside links and list items: where an article
    without markup stands (paragraphs, or text and ``<br>`` in a ``<div>``), not a menu."""
    listed = sum(_text_length(part) for part in element.iter("a", "li") if not any(
        ancestor.tag in ("a", "li") for ancestor in part.iterancestors() if ancestor is not element))
    return max(_text_length(element) - listed, 0)


def _paragraphs(root: Any, headline: Any = None) -> list[str]:
    """The text of the content root as paragraphs, in page order.

    Every block or container starts and ends a paragraph, so text that sits directly in a
    ``<div>`` or ``<section>`` is collected just like ``<p>`` text, and nested blocks
    (``<li><p>``) are not collected twice. ``<br>`` splits a container's text into paragraphs
    but is only a space inside a paragraph block (``<p>Zeile<br>Zeile</p>``). The ``headline``
    and every ``<h1>`` before it are the title, not article text; an ``<h1>`` after it heads a
    section of the text, as ``<h2>`` does (without a headline in the text, every ``<h1>`` is
    taken for a title).
    """
    _drop_all(_title_headings(root, headline))
    for line_break in root.iter("br"):
        in_block = next(line_break.iterancestors(*BLOCKS), None) is not None
        line_break.tail = (" " if in_block else PARAGRAPH_MARK) + (line_break.tail or "")
    for element in root.iter(*PAGE_BLOCKS):
        element.text = PARAGRAPH_MARK + (element.text or "")
        element.tail = PARAGRAPH_MARK + (element.tail or "")
    paragraphs = (" ".join(part.split()) for part in root.text_content().split(PARAGRAPH_MARK))
    return [paragraph for paragraph in paragraphs if paragraph]


def _title_headings(root: Any, headline: Any) -> list[Any]:
    headings = list(root.iter("h1"))
    if headline is None or not any(heading is headline for heading in headings):
        return headings
    return headings[: next(i for i, heading in enumerate(headings) if heading is headline) + 1]


def _attached(element: Any, tree: Any) -> bool:
    """Still in the page after boilerplate removal (``drop_tree`` detaches what it drops)."""
    return element is tree or any(ancestor is tree for ancestor in element.iterancestors())


def _heading_text(heading: Any) -> str:
    """A headline's text, its kicker written "Kicker: Headline" (the page sets them apart by
    layout only: "RentenpaketKabinett beschließt …" or "Rentenpaket Kabinett beschließt …")."""
    text = " ".join(heading.text_content().split())
    kicker = next((part for part in heading.iterdescendants() if _hint_tokens(part) & KICKER_WORDS), None)
    kicker_text = " ".join(kicker.text_content().split()) if kicker is not None else ""
    if not kicker_text or not text.startswith(kicker_text) or kicker_text.endswith(":"):
        return text
    rest = text[len(kicker_text):].lstrip(" :–—-|")
    return f"{kicker_text}: {rest}" if rest else kicker_text


def _site_names(tree: Any, url: str) -> list[str]:
    """The names a site gives itself: ``og:site_name``, ``application-name`` and its host."""
    host = urlsplit(url).netloc.lower().removeprefix("www.") if "://" in url else ""
    return [name for name in (_meta(tree, "og:site_name", "application-name"), host) if name]


def _folded(name: str) -> str:
    return re.sub(r"\W+", "", name.casefold())


def _repeats_site_name(tail: str, names: list[str]) -> bool:
    """Whether ``tail`` is the site's name or host, written alike ("DER STANDARD" and
    "derStandard.at", "tagesschau.de" and "tagesschau")."""
    tail = _folded(tail)
    return bool(tail) and any(
        name and (tail == name or (min(len(tail), len(name)) >= 4 and (tail.startswith(name) or name.startswith(tail))))
        for name in map(_folded, names)
    )


def _looks_like_site_name(tail: str) -> bool:
    """A tail no headline ends in, without the page naming its site: a host name, or a few
    words in capitals ("ZEIT ONLINE", "DER SPIEGEL"; one alone is an abbreviation: "Gaza | EU",
    "Merz – CDU").
    Not any capitalised words: German capitalises its nouns, and "Gaza | Israel", "Interview |
    Olaf Scholz" are headlines (a review); a site named so is cut when the page names it
    (``og:site_name``, its host, its header's heading: ``_repeats_site_name``)."""
    words = tail.split()
    if HOST_NAME.match(tail):
        return True
    return 2 <= len(words) <= MAX_SITE_NAME_WORDS and tail.isupper() and any(c.isalpha() for c in tail)


def without_site_name(title: str, names: list[str]) -> str:
    """``title`` without a site name appended ("Rente: Kabinett beschließt … | tagesschau.de"),
    and without the section named before that one ("… - Politik - SZ.de")."""
    parts = TITLE_SEPARATOR.split(title)  # headline, separator, part, separator, part ...
    if len(parts) < 3:
        return title
    separator, tail = parts[-2], parts[-1]
    if not (_repeats_site_name(tail, names) or _looks_like_site_name(tail)):
        return title
    parts = parts[:-2]
    section = parts[-1].split()
    if len(parts) >= 3 and parts[-2] == separator and len(section) == 1 and section[0][0].isupper():
        parts = parts[:-2]
    return "".join(parts).strip()


def _headline(tree: Any, root: Any, headings: dict[Any, str], url: str) -> tuple[Any, str]:
    """The headline element (or None) and the title: the first ``<h1>`` of the article, else
    ``og:title``, else the first ``<h1>`` left on the page, else ``<title>``; the site's name
    cut off the last two. (The site header's ``<h1>`` names the site, and is gone with it.)"""
    left = [heading for heading in headings if headings[heading] and _attached(heading, tree)]
    in_article = [h for h in left if root.tag in CONTENT_TAGS and any(a is root for a in h.iterancestors())]
    if in_article:
        return in_article[0], headings[in_article[0]]
    # a heading that went with the boilerplate (the site header's <h1>) is the site's name
    dropped = [text for heading, text in headings.items() if text and not _attached(heading, tree)]
    names = _site_names(tree, url) + dropped
    og_title = without_site_name(_meta(tree, "og:title"), names)
    if og_title or not left:
        return None, og_title or without_site_name(" ".join(tree.xpath("string(//title)").split()), names)
    return left[0], headings[left[0]]


def _marked_lead(tree: Any) -> list[tuple[Any, str]]:
    """Elements marked as the lead or teaser, with their text (read before boilerplate goes)."""
    marked = tree.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' lead ') or contains(@class, 'teaser')]"
    )
    return [(element, " ".join(element.text_content().split())) for element in marked]


def _lead(tree: Any, root: Any, marked: list[tuple[Any, str]]) -> str:
    """The first marked lead left on the page that does not hold the article (a teaser in a
    dropped "related" box is another article's), else the page's description."""
    around_root = {root, *root.iterancestors()}
    for element, text in marked:
        if text and element not in around_root and _attached(element, tree):
            return text
    return _meta(tree, "description", "og:description")


#: An entity declaration in a document type definition: the stuff of "billion laughs" entity
#: bombs and external-entity (XXE) file or network reads. No news page or feed needs one.
ENTITY_DECLARATION = re.compile(r"<!ENTITY\b", re.IGNORECASE)


def refuse_entity_declarations(text: str | bytes, name: str) -> None:
    """Raise ``IngestError`` for a document that declares XML entities (before any parser runs)."""
    found = ENTITY_DECLARATION.search(text if isinstance(text, str) else text.decode("latin-1"))
    if found:
        raise IngestError(
            f"{name}: refused: the document declares XML entities (<!ENTITY ...>), which can"
            " expand to gigabytes or read local files; remove the DOCTYPE declarations"
        )


def _parse_tree(text: str, name: str) -> Any:
    refuse_entity_declarations(text, name)
    try:
        return lxml_html.document_fromstring(text.encode("utf-8", errors="replace"), parser=_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise IngestError(f"{name}: cannot parse HTML ({error})") from error


def html_to_text(fragment: str, name: str = "HTML") -> str:
    """The text of an HTML fragment (a feed item's description or content): paragraphs of its
    block elements joined by blank lines, every tag and script removed."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    tree = _parse_tree(f"<html><body>{fragment}</body></html>", name)
    for element in tree.xpath("|".join(f"//{tag}" for tag in ("script", "style", "noscript", "iframe", "svg", "form"))):
        element.drop_tree()
    body = next(iter(tree.xpath("//body")), tree)
    # Every block element starts and ends a paragraph; lxml walks the tree (no Python recursion,
    # however deeply the fragment nests).
    for element in body.iter(*FRAGMENT_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body.text_content())]
    paragraphs = [p for p in paragraphs if p]
    return "\n\n".join(paragraphs)


def parse_html(text: str, doc_id: str, *, source: str = "", url: str = "", name: str | None = None) -> Document:
    """One document from one HTML page (``name``, default the id, names it in error messages)."""
    name = name or doc_id
    if not text.strip():
        raise IngestError(f"{name}: empty HTML page")
    tree = _parse_tree(text, name)
    published = _published(tree)
    url = url or _meta(tree, "og:url") or next(iter(tree.xpath("//link[@rel='canonical']/@href")), "")
    headings = {heading: _heading_text(heading) for heading in tree.iter("h1")}  # kickers go with boilerplate
    marked_lead = _marked_lead(tree)
    root = _drop_boilerplate(tree)
    headline, title = _headline(tree, root, headings, url)
    lead = _lead(tree, root, marked_lead)
    # residue goes before the lead is chosen: a page's "Stand: 06.08.2025 12:00 Uhr" above the
    # text was the lead of a page without a marked teaser (found by a review)
    paragraphs = drop_residue([paragraph for paragraph in _paragraphs(root, headline) if paragraph != title])
    if not paragraphs and not title:
        raise IngestError(f"{name}: no article text found in the HTML page")
    lead_in_body = lead and paragraphs and " ".join(lead.split()) == paragraphs[0]
    if not lead and paragraphs:
        lead, paragraphs = paragraphs[0], paragraphs[1:]
    elif lead_in_body:
        paragraphs = paragraphs[1:]
    return make_document(
        doc_id, title=title, lead=lead, body="\n\n".join(paragraphs), published=published, url=url, source=source
    )
