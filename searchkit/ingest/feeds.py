"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds (``.xml``, ``.rss``, ``.atom``): one document per item.

An item's title is the title, its description/summary the lead, its ``content:encoded``/content
the body (HTML reduced to paragraphs), its link the url and id (else its guid/Atom id, else
``file:number``), and its pubDate/published/dc:date (else updated) the publication date.

XML is parsed safely: a document that declares entities (``<!ENTITY``: "billion laughs" entity
bombs, external entities that read local files or URLs) is refused before any parser sees it,
and lxml runs with ``resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False``
(bounded depth and text sizes) as a second line of defence. A feed with an XML error yields the
items that could be recovered and then raises an ``IngestError`` naming the error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import IngestError, SearchkitError
from ..model import GERMAN_MONTHS, Document
from .formats import BINARY_SIGNATURES, make_document, parse_pubdate, read_bytes
from .html import html_to_text, refuse_entity_declarations

ATOM_NS = "http://www.w3.org/2005/Atom"
#: Extensions whose elements share local names with the core ones (media:title,
#: media:content, itunes:summary ...) and must not be taken for them.
IGNORED_NAMESPACES = frozenset(
    ("http://search.yahoo.com/mrss/", "http://www.itunes.com/dtds/podcast-1.0.dtd", "http://www.google.com/schemas/play-podcasts/1.0")
)


def _parser(recover: bool = False) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    name = etree.QName(tag)
    return "" if name.namespace in IGNORED_NAMESPACES else name.localname


def _children(element: Any, *names: str) -> list[Any]:
    return [child for child in element if _local(child) in names]


def _first(element: Any, *names: str) -> Any | None:
    """The first child with one of ``names`` (in the order of ``names``)."""
    for name in names:
        for child in element:
            if _local(child) == name:
                return child
    return None


def _plain(element: Any | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _rich(element: Any | None, name: str) -> str:
    """Text of an element that may hold HTML: escaped HTML (RSS description, Atom type="html"),
    inline XHTML (Atom type="xhtml") or plain text."""
    if element is None:
        return ""
    if len(element):  # inline XHTML or other markup
        markup = (element.text or "") + "".join(
            etree.tostring(child, encoding="unicode", with_tail=True) for child in element
        )
        return html_to_text(markup, name)
    text = element.text or ""
    if element.get("type", "").lower() == "text":
        return text.strip()
    return html_to_text(text, name) if ("<" in text or "&" in text) else text.strip()


def _link(item: Any) -> str:
    for link in _children(item, "link"):
        href = link.get("href")
        if href is None:  # RSS: the URL is the text
            if (link.text or "").strip():
                return link.text.strip()
            continue
        if link.get("rel", "alternate") == "alternate":
            return href.strip()
    return ""


#: An RSS date (RFC 822: "Mon, 03 Mar 2025 10:00:00 +0000"): weekday, day, month word, year
#: and what follows (the time and zone).
_RFC822 = re.compile(r"\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*\d{1,2}\s+([^\W\d]+)\.?\s+\d{4}\b(.*)", re.IGNORECASE)
#: RFC 822's own month words (and the English names in full), read strictly
_ENGLISH_MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep oct nov dec january february march april june july august"
    " september october november december".split()
)
#: The first three letters of any month's name, English or German ("Mae" of "Maerz"): a month
#: word beginning otherwise is no month
_MONTH_STARTS = frozenset(m[:3] for m in _ENGLISH_MONTHS) | {m.lower()[:3] for m in GERMAN_MONTHS} | {"mae"}


def _item_date(text: str) -> Any:
    """The item's publication date. A date in RSS's form whose month is no month ("Mon, 99 Foo
    2025 99:99:99 +0000": the general reader found the year and kept it), or whose English date
    and time do not exist ("Mon, 32 Jun 2025 10:00:00 GMT"), leaves the item undated, with the
    warning that names it; anything else is read by the general reader (a date without a time,
    German month names as in "Thu, 01 Mai 2025")."""
    rfc = _RFC822.match(text) if text else None
    if rfc:
        month = rfc.group(1).lower()
        if month[:3] not in _MONTH_STARTS or (month in _ENGLISH_MONTHS and rfc.group(2).strip() and not _rfc822_exists(text)):
            from ..dates import logger

            logger.warning("not a valid date: %r", text)
            return None
    return parse_pubdate(text)


def _rfc822_exists(text: str) -> bool:
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return True


def _item_document(item: Any, number: int, id_prefix: str, feed_title: str, file_name: str) -> Document:
    name = f"{file_name} item {number}"
    title = _rich(_first(item, "title"), name)
    lead = _rich(_first(item, "description", "summary", "abstract"), name)
    body = _rich(_first(item, "encoded", "content"), name)
    if body and lead and body.startswith(lead):
        body = body[len(lead):].lstrip()
    link = _link(item)
    guid = _plain(_first(item, "guid", "id"))
    date_text = _plain(_first(item, "pubDate", "published", "date", "issued", "created", "updated", "modified"))
    metadata: dict[str, Any] = {"feed": file_name}
    if guid and guid != link:
        metadata["guid"] = guid
    authors = [_plain(_first(a, "name")) or _plain(a) for a in _children(item, "author", "creator")]
    if any(authors):
        metadata["authors"] = [a for a in authors if a]
    categories = [c.get("term") or _plain(c) for c in _children(item, "category", "subject")]
    if any(categories):
        metadata["categories"] = [c for c in categories if c]
    if not (title or lead or body):
        raise IngestError(f"{name}: the item has no title, description or content")
    return make_document(
        link or guid or f"{id_prefix}:{number}",
        title=title,
        lead=lead,
        body=body,
        published=_item_date(date_text),
        url=link,
        source=feed_title or file_name,
        metadata=metadata,
    )


def _items(root: Any) -> tuple[str, list[Any]]:
    """The feed's title and its item elements (RSS 2.0, RSS 1.0/RDF or Atom)."""
    kind = _local(root)
    if kind == "rss":
        channel = _first(root, "channel")
        if channel is None:
            return "", []
        return _plain(_first(channel, "title")), _children(channel, "item")
    if kind == "RDF":
        channel = _first(root, "channel")
        return _plain(_first(channel, "title")) if channel is not None else "", _children(root, "item")
    if kind == "feed":
        return _plain(_first(root, "title")), _children(root, "entry")
    if kind == "entry":  # a single Atom entry document
        return "", [root]
    raise IngestError(
        f"not an RSS or Atom feed (the root element is <{kind or root.tag}>, expected <rss>, <feed> or <rdf:RDF>)"
    )


def _refuse_dangerous(data: bytes, path: Path) -> None:
    head = data[:4096]
    if data.startswith(BINARY_SIGNATURES):
        raise IngestError(f"{path}: looks like a binary file (PDF, image, archive ...), not XML")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            try:
                refuse_entity_declarations(data.decode(encoding), str(path))
                return
            except UnicodeDecodeError:
                continue
        raise IngestError(f"{path}: looks like a binary file, not XML")
    refuse_entity_declarations(data, str(path))


def read_feed(path: Path, id_prefix: str) -> Iterator[Document]:
    """Documents of an RSS or Atom feed file, one per item."""
    data = read_bytes(path)
    content = data
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        content = content.removeprefix(bom)
    if not content.strip(b" \t\r\n\x00"):  # NUL: the other half of UTF-16 whitespace
        raise IngestError(f"{path}: file is empty")
    _refuse_dangerous(data, path)
    error: etree.XMLSyntaxError | None = None
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as strict_error:
        error = strict_error
        try:
            root = etree.fromstring(data, _parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise IngestError(f"{path}: invalid XML ({strict_error})") from None
    except ValueError as value_error:  # e.g. an unknown encoding in the XML declaration
        raise IngestError(f"{path}: cannot read XML ({value_error})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        # Only reachable in an encoding the byte scan cannot read (UTF-7 ...): still refused.
        refuse_entity_declarations("<!ENTITY", str(path))
    try:
        feed_title, items = _items(root)
    except IngestError as not_a_feed:
        raise IngestError(f"{path}: {not_a_feed}") from None
    bad: list[str] = []
    for number, item in enumerate(items, 1):
        try:
            yield _item_document(item, number, id_prefix, feed_title, path.name)
        except SearchkitError as item_error:
            bad.append(f"item {number}: {item_error}")
    if error is not None:
        raise IngestError(
            f"{path}: invalid XML ({error}); {len(items) - len(bad)} item(s) before or around the error were read"
        )
    if bad:
        raise IngestError(f"{path}: {len(bad)} bad item(s): " + "; ".join(bad[:5]))
    if not items:
        raise IngestError(f"{path}: the feed has no items")
