"""Article text and metadata from an HTML page (lxml).

Navigation, headers, footers, cookie banners and share bars are dropped (never the element that
holds the article); the article text is the text of the ``<article>`` (else ``<main>``, else
``<body>``), one paragraph per block, per container (``<div>``, ``<section>``) and per ``<br>``
run. The publication date comes from ``article:published_time``, JSON-LD ``datePublished`` or the
first ``<time datetime>``.
The parser never fetches anything: no network, no external entities.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..errors import IngestError
from ..model import Document, PubDate
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
        element.drop_tree()
    marked = [element for element in tree.iter(tag=etree.Element) if _is_marked(element)]
    root = _content_root(tree, marked)
    around_root = {root, *root.iterancestors()}
    root_prose = _prose_length(root)
    for element in marked:
        if element in around_root or (
            root_prose and not _never_article(element) and _prose_length(element) > MOST_OF_THE_TEXT * root_prose
        ):
            continue
        element.drop_tree()
    return root


def _prose_length(element: Any) -> int:
    """Characters of the element's text outside links and list items: where an article
    without markup stands (paragraphs, or text and ``<br>`` in a ``<div>``), not a menu."""
    listed = sum(_text_length(part) for part in element.iter("a", "li") if not any(
        ancestor.tag in ("a", "li") for ancestor in part.iterancestors() if ancestor is not element))
    return max(_text_length(element) - listed, 0)


def _paragraphs(root: Any) -> list[str]:
    """The text of the content root as paragraphs, in page order.

    Every block or container starts and ends a paragraph, so text that sits directly in a
    ``<div>`` or ``<section>`` is collected just like ``<p>`` text, and nested blocks
    (``<li><p>``) are not collected twice. ``<br>`` splits a container's text into paragraphs
    but is only a space inside a paragraph block (``<p>Zeile<br>Zeile</p>``). ``<h1>`` is the
    title, not article text.
    """
    for heading in list(root.iter("h1")):
        heading.drop_tree()
    for line_break in root.iter("br"):
        in_block = next(line_break.iterancestors(*BLOCKS), None) is not None
        line_break.tail = (" " if in_block else PARAGRAPH_MARK) + (line_break.tail or "")
    for element in root.iter(*PAGE_BLOCKS):
        element.text = PARAGRAPH_MARK + (element.text or "")
        element.tail = PARAGRAPH_MARK + (element.tail or "")
    paragraphs = (" ".join(part.split()) for part in root.text_content().split(PARAGRAPH_MARK))
    return [paragraph for paragraph in paragraphs if paragraph]


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
    title = _meta(tree, "og:title") or " ".join(tree.xpath("string(//h1)").split()) or " ".join(
        tree.xpath("string(//title)").split()
    )
    url = url or _meta(tree, "og:url") or next(iter(tree.xpath("//link[@rel='canonical']/@href")), "")
    marked_lead = tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' lead ') or contains(@class, 'teaser')]")
    lead = " ".join(marked_lead[0].text_content().split()) if marked_lead else _meta(tree, "description", "og:description")
    root = _drop_boilerplate(tree)
    paragraphs = [paragraph for paragraph in _paragraphs(root) if paragraph != title]
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
