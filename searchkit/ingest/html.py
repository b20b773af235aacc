"""Article text and metadata from an HTML page (lxml).

Navigation, headers, footers, cookie banners and share bars are dropped; the article text is the
``<article>`` (else ``<main>``, else ``<body>``) paragraphs. The publication date comes from
``article:published_time``, JSON-LD ``datePublished`` or the first ``<time datetime>``.
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
BOILERPLATE_HINT = re.compile(
    r"cookie|consent|share|social|teilen|nav|menu|footer|header|newsletter|related|comment|banner|breadcrumb|paywall|advert|promo"
    r"|kicker|dachzeile|byline|author|dateline|meta",
    re.IGNORECASE,
)
BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
#: Elements that separate paragraphs in an HTML fragment (feed descriptions and contents).
FRAGMENT_BLOCKS = BLOCKS + ("div", "h1", "h5", "h6", "pre", "td", "dd", "dt", "figcaption", "section", "article", "ul", "ol", "table", "tr", "br", "hr")


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


def _drop_boilerplate(root: Any) -> None:
    for element in root.xpath("|".join(f"//{tag}" for tag in BOILERPLATE_TAGS)):
        element.drop_tree()
    for element in root.xpath("//*[@class or @id or @role]"):
        hint = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))
        if BOILERPLATE_HINT.search(hint) and element.getparent() is not None:
            element.drop_tree()


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
    _drop_boilerplate(tree)
    container = next(iter(tree.xpath("//article") or tree.xpath("//main") or tree.xpath("//body")), tree)
    paragraphs = []
    for block in container.iter(*BLOCKS):
        words = " ".join(block.text_content().split())
        if words and words != title:
            paragraphs.append(words)
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
