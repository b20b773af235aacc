"""The readers for each source format. Each takes ``(path, id_prefix)`` and yields documents.

Every reader is defensive about its input: files are size-checked
before they are read, decoded whatever their encoding, refused with a clear ``IngestError`` when
they are binary or empty, and bad rows of JSON Lines and CSV files are reported (all of them, by
number) after the good rows of the same file were read. Every text that reaches a ``Document``
passes ``clean.sanitize_text`` (no control characters, no lone surrogates).
"""

from __future__ import annotations

import csv
import errno
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import DocumentError, IngestError, SearchkitError
from ..model import Document, PubDate
from .clean import (
    clean_body,
    first_sentence,
    is_kicker,
    sanitize_text,
    sanitize_value,
    split_paragraphs,
    title_with_kicker,
)

#: Files larger than this are refused (configurable by ``SEARCHKIT_MAX_FILE_MB``).
DEFAULT_MAX_FILE_MB = 200
#: A headline longer than this is cut (at a word) — no real headline is this long.
MAX_TITLE_CHARS = 500
#: Ids longer than this are refused (a Whoosh term; URLs as ids stay far below).
MAX_ID_CHARS = 2000
#: At most this many bad rows of one file are named in its error message.
MAX_REPORTED_ROWS = 5
#: an ISO timestamp with a time of day (and maybe a zone): the write API checks all of it
_ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.,]+\s*(?:Z|[+-][\d:]+)?")
_SEED_LINE = re.compile(r"^\s*date\s+(\S+)\s*(.*)$")

#: File signatures of formats that are never text (PDF, images, archives, office, executables).
BINARY_SIGNATURES = (
    b"%PDF-", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"PK\x05\x06",
    b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0",
    b"OggS", b"ID3", b"fLaC", b"RIFF", b"\x00\x00\x01\x00", b"wOFF", b"wOF2", b"SQLite format 3",
    b"\x28\xb5\x2f\xfd",
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
#: Share of control characters (besides tab and newlines) or undecodable bytes above which a
#: decoded file is taken for binary data.
MAX_JUNK_RATIO = 0.05
#: Share of NUL bytes tolerated in a text file that is not UTF-16.
MAX_STRAY_NULS = 0.002


def max_file_bytes() -> int:
    raw = os.environ.get("SEARCHKIT_MAX_FILE_MB", str(DEFAULT_MAX_FILE_MB))
    try:
        megabytes = float(raw)
    except ValueError:
        raise IngestError(f"SEARCHKIT_MAX_FILE_MB must be a number of megabytes, not {raw!r}") from None
    if not megabytes > 0:
        raise IngestError(f"SEARCHKIT_MAX_FILE_MB must be positive, not {raw!r}")
    return int(megabytes * 1024 * 1024)


def _size_label(limit: int) -> str:
    mb = limit / 2**20
    return f"{mb:g} MB" if mb >= 1 else f"{limit} bytes"


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a file, for the error message: a broken symbolic link
    (with its target), a named pipe (opening one waits for a writer: it would hang the batch),
    a socket, a device, a folder."""
    try:
        if path.is_symlink() and not path.exists():
            return _broken_link(path)
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot read ({error.strerror or error})"
    kinds = [(stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder")]
    kind = next((name for test, name in kinds if test(mode)), "no regular file")
    return f"not a regular file ({kind})"


def _broken_link(path: Path) -> str:
    """Why the symbolic link ``path`` leads to no file: its target is missing, or the links go
    round in a circle (``a.txt -> a.txt``, where "does not exist" would send the user looking
    for a file that was never meant to be there)."""
    target = os.readlink(path)
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"broken symbolic link (its target {target} leads back to it in a loop)"
    return f"broken symbolic link (its target {target} does not exist)"


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file no larger than ``SEARCHKIT_MAX_FILE_MB``."""
    limit = max_file_bytes()
    try:
        if not path.is_file():
            raise IngestError(f"{path}: {not_a_file(path)}")
        size = path.stat().st_size
        if size > limit:
            raise IngestError(
                f"{path}: file is larger than {_size_label(limit)} ({_size_label(size)});"
                " split it or raise SEARCHKIT_MAX_FILE_MB"
            )
        with path.open("rb") as stream:
            data = stream.read(limit + 1)  # the file may have grown since stat()
    except OSError as error:
        raise IngestError(f"{path}: cannot read ({error.strerror or error})") from error
    if len(data) > limit:
        raise IngestError(f"{path}: file is larger than {_size_label(limit)}")
    return data


def _junk_ratio(text: str) -> float:
    sample = text[:8192]
    if not sample:
        return 0.0
    junk = sum(
        1 for c in sample if c == "\ufffd" or (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    )
    return junk / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: mostly-Latin text has a zero byte in every other
    position (odd positions: little endian, even: big endian)."""
    sample = data[:8192]
    pairs = len(sample) // 2
    if pairs == 0 or len(data) % 2:
        return None
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    for zeros, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * pairs and others <= 0.02 * pairs:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _non_latin_share(text: str) -> float:
    letters = [c for c in text[:4096] if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN")) / len(letters)


def _legacy_decode(data: bytes) -> str:
    """Text that is not UTF-8. German files of that kind are nearly always Windows-1252 (a
    superset of Latin-1); ``charset-normalizer`` is asked whether the file is rather in another
    script (Cyrillic, Greek, CJK ...), because its guesses among the Latin code pages are
    unreliable (it calls German Windows-1252 "cp1250", which turns "è" into "č")."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        best = None
    else:
        best = from_bytes(data[:262144]).best()
    if best is not None and best.encoding:
        try:
            guessed = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            guessed = None
        if guessed is not None and _non_latin_share(guessed) > 0.3:
            return guessed
    return data.decode("cp1252", errors="replace")


def decode_text(data: bytes, path: Path | str) -> str:
    """Decode the bytes of a text file: byte-order marks first (UTF-8, UTF-16, UTF-32), then
    UTF-16 without BOM, UTF-8, and for everything else Windows-1252 (or what charset-normalizer
    finds for non-Latin scripts). Binary and empty files raise ``IngestError``."""
    if not data.strip(b" \t\r\n\x0b\x0c"):
        raise IngestError(f"{path}: file is empty")
    if data.startswith(BINARY_SIGNATURES):
        raise IngestError(f"{path}: looks like a binary file (PDF, image, archive ...), not text")
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    else:
        sample = data[:8192]
        if b"\x00" in sample:
            text = _utf16_without_bom(data)
            if text is None and sample.count(b"\x00") > MAX_STRAY_NULS * len(sample):
                raise IngestError(f"{path}: looks like a binary file, not text")
        if text is None:
            # A few stray NUL bytes (scraper residue) do not make a file binary; they are
            # removed with the other control characters.
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _legacy_decode(data)
    if _junk_ratio(text) > MAX_JUNK_RATIO:
        raise IngestError(f"{path}: looks like a binary file, not text")
    if not text.strip():
        raise IngestError(f"{path}: file is empty")
    return text


def read_text_content(path: Path) -> str:
    """Decode a text file (see ``decode_text``), refusing files over the size limit."""
    return decode_text(read_bytes(path), path)


def parse_pubdate(value: Any) -> PubDate | None:
    """A publication date from any source value, or None (never invents precision, never
    raises: a date that cannot be read leaves the document undated).

    A value given that yields no date is always a warning of the ``searchkit.dates`` logger,
    which ``searchkit index`` reports with the document's id (``dropped_dates``): an impossible
    day ("2025-02-29"), words that name no day of their own ("gestern", "irgendwann", "bald":
    relative to what?), a number that is no year, and a timestamp whose zone offset no clock
    has ("2025-03-04T10:00+99:00": the zone is dropped on reading, so keeping the time would
    hide the mistake). An empty value is no date given, and no warning."""
    from ..dates import held_date_warnings, parse_date
    from ..dates import logger as date_logger

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (dict, list, bool)) or (isinstance(value, (int, float)) and not 1000 <= value <= 9999):
        # a structure, a flag, a timestamp or a stray number, not a year
        date_logger.warning("cannot read date %r: not a year or a date", value)
        return None
    text = str(value)[:500]
    if _impossible_zone(text):
        date_logger.warning("not a valid time zone offset: %r", text)
        return None
    with held_date_warnings() as held:
        try:
            result = parse_date(text)
        except (SearchkitError, ValueError, OverflowError) as error:
            date_logger.warning("cannot read date %r: %s", text, error)
            result = None
    warned = any(record.levelno >= logging.WARNING for record in held)
    for record in held:  # handed on to the caller's hold (or the log) as parse_date logged them
        if warned or result is not None or record.levelno >= logging.WARNING:
            date_logger.handle(record)
    if result is None and not warned:
        # parse_date says only "no date recognised" (an INFO line): for a date field that
        # is a value dropped like any impossible date (found by a review: "gestern" was not
        # reported, the document silently undated)
        date_logger.warning("no date recognised in %r", text)
    return result


#: Real zone offsets lie between -12:00 and +14:00; none is further from UTC than this.
MAX_ZONE_OFFSET_MINUTES = 14 * 60
#: A numeric zone offset after a time of day, at the end of a timestamp: ISO 8601
#: (``10:00+02:00``, ``10:00:00.5-0500``, ``10:00+02``) and RFC 2822 (``14:30:00 +0100``).
_ZONE_OFFSET = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Uhr\s*)?(?:(?:GMT|UTC)\s*)?([+-])(\d{2})(?::?(\d{2}))?\s*$",
    re.IGNORECASE,
)


def _impossible_zone(text: str) -> bool:
    """Whether ``text`` ends in a zone offset that no place has: more than 14 hours from UTC,
    or minutes past 59 (``+99:00``, ``+9900``, ``+02:75``). ``datetime.fromisoformat`` takes
    anything under 24 hours; searchkit keeps the local time as written and drops the zone, so
    nothing later would notice."""
    found = _ZONE_OFFSET.search(text)
    if not found:
        return False
    hours, minutes = int(found.group(2)), int(found.group(3) or 0)
    return minutes > 59 or hours * 60 + minutes > MAX_ZONE_OFFSET_MINUTES


def _cut_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0][:MAX_TITLE_CHARS] + " …"
    return title


def clean_id(doc_id: Any) -> str:
    """A usable document id: a string without control characters, of bounded length."""
    text = " ".join(sanitize_text(str(doc_id)).split())
    if not text:
        raise DocumentError("a document needs a non-empty id")
    if len(text) > MAX_ID_CHARS:
        raise DocumentError(f"id is longer than {MAX_ID_CHARS} characters")
    return text


def make_document(
    doc_id: str,
    *,
    title: str = "",
    lead: str = "",
    body: str = "",
    published: PubDate | None = None,
    url: str = "",
    source: str = "",
    metadata: dict[str, Any] | None = None,
) -> Document:
    """Build a document from source parts, cleaning the body and deriving a missing title (or
    completing one that is only a kicker such as "Nahost:" with the text's first sentence)."""
    lead = " ".join(sanitize_text(lead).split())
    body = clean_body(sanitize_text(body), lead)
    title = sanitize_text(title)
    if not title.strip():
        title = first_sentence(lead or body)
    elif is_kicker(title):
        title = title_with_kicker(title, lead or body)
    return Document(
        id=clean_id(doc_id),
        title=_cut_title(title),
        lead=lead,
        body=body,
        url=sanitize_text(url).strip(),
        source=sanitize_text(source).strip(),
        published=published,
        metadata=sanitize_value(metadata or {}),  # type: ignore[arg-type]
    )


def read_text(path: Path, id_prefix: str) -> Iterator[Document]:
    """Seed format (first line `` date YYYY-MM lead``, then the body) or plain text (first line
    is the headline when it is short)."""
    text = read_text_content(path)
    first, _, rest = text.lstrip("\n").partition("\n")
    seed = _SEED_LINE.match(first)
    if seed:
        published = parse_pubdate(seed.group(1))
        yield make_document(id_prefix, lead=seed.group(2), body=rest, published=published, source=path.name)
        return
    paragraphs = split_paragraphs(sanitize_text(text))
    if not paragraphs:
        raise IngestError(f"{path}: file is empty")
    title = paragraphs[0] if len(paragraphs[0]) <= 200 and len(paragraphs) > 1 else ""
    body = "\n\n".join(paragraphs[1:] if title else paragraphs)
    yield make_document(id_prefix, title=title, body=body, source=path.name)


#: JSON keys and CSV columns searchkit understands, in order of preference, matched whatever
#: their case ("Title", "pubDate"); every other key becomes metadata. German exports name their
#: columns in German ("titel", "datum"): without the aliases their title and date would land in
#: metadata unnoticed, the title taken from the first sentence and the document undated.
JSON_KEYS = {
    "id": ("id", "_id", "doc_id", "guid"),
    "title": ("title", "headline", "titel", "überschrift", "schlagzeile"),
    "lead": ("lead", "teaser", "summary", "description", "vorspann", "zusammenfassung"),
    "body": ("text", "body", "content", "article", "inhalt"),
    "published": (
        "date", "published", "published_date", "pubDate", "datePublished", "gathered_date", "datum",
        "veröffentlicht",
    ),
    "url": ("url", "link"),
    "source": ("source", "publisher", "quelle"),
}
#: The German names among ``JSON_KEYS``: a value of one that is not text ("quelle": {"name":
#: "dpa"}) stays metadata, as before they were read (such a row was refused: "source must be a
#: string", a review); the English names keep that error, which tells a schema's mistake.
GERMAN_KEYS = frozenset(
    ("titel", "überschrift", "schlagzeile", "vorspann", "zusammenfassung", "inhalt", "datum", "veröffentlicht", "quelle")
)
#: Fields whose value must be text.
TEXT_FIELDS = frozenset(("title", "lead", "body", "url", "source"))
#: Every known key, lower-case: a CSV's first line naming one of them in a whole cell is a header.
KNOWN_KEYS = frozenset(key.casefold() for keys in JSON_KEYS.values() for key in keys)
#: The keys of ``Document.to_dict`` — what ``searchkit export`` writes.
EXPORT_KEYS = frozenset(
    ("id", "title", "lead", "body", "url", "source", "published", "published_precision", "entities", "mentioned", "metadata")
)


def is_export_row(row: dict[str, Any]) -> bool:
    """A row written by ``searchkit export`` (``Document.to_dict``): it is read back exactly,
    with its id as stored (not collapsed as ``clean_id`` does: "a  b" and "a b" are two
    documents), its entities, mentioned dates and date precision, instead of being cleaned
    again."""
    return "published_precision" in row and set(row) <= EXPORT_KEYS and isinstance(row.get("entities", []), list)


def document_from_export(row: dict[str, Any]) -> Document:
    try:
        # the id as stored, not sanitized: a stored id of an older index with a tab in it is
        # refused by name (``Document``), not changed into another document's id
        doc = Document.from_dict({**sanitize_value(row), "id": row.get("id")})  # type: ignore[dict-item]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DocumentError(f"not a valid searchkit export row ({type(error).__name__}: {error})") from None
    precision = row.get("published_precision")
    if doc.published and precision and doc.published.precision.value != precision:
        raise DocumentError(f"published {doc.published.value!r} does not have precision {precision!r}")
    return doc


def _keys_by_preference(by_folded: dict[str, list[str]], aliases: tuple[str, ...]) -> list[str]:
    """The row's keys that name one field, best first: the aliases in ``JSON_KEYS`` order, and
    for one alias its spelling there before other casings ("text" before "Text", which a file
    joined from two sources may hold side by side), those in row order. ``by_folded``: the
    row's keys by their folded form (``_pick_fields``)."""
    ordered: list[str] = []
    for alias in aliases:
        same = by_folded.get(alias.casefold(), [])
        ordered.extend(key for key in sorted(same, key=lambda key: key != alias) if key not in ordered)
    return ordered


def _pick_fields(row: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The value of each field of ``JSON_KEYS`` (the first non-empty key of its aliases, see
    ``_keys_by_preference``), and every key naming a field: those are not metadata, the unused
    ones included (a second text, as "body" beside "text", would double the document's size)."""
    by_folded: dict[str, list[str]] = {}
    for key in row:  # folded once a row, not once for each of the 30 aliases
        if isinstance(key, str):
            by_folded.setdefault(key.strip().casefold(), []).append(key)
    picked: dict[str, Any] = {}
    used: set[str] = set()
    for name, aliases in JSON_KEYS.items():
        keys = [
            key for key in _keys_by_preference(by_folded, aliases)
            if name not in TEXT_FIELDS or key.strip().casefold() not in GERMAN_KEYS or isinstance(row[key], str)
        ]
        used.update(keys)
        filled = next((key for key in keys if row[key] not in (None, "")), None)
        if filled is not None:
            picked[name] = row[filled]
    return picked, used


def document_from_mapping(row: dict[str, Any], fallback_id: str, *, strict_dates: bool = False) -> Document:
    """A document from a JSON object or CSV row with flexible key names (or a row of
    ``searchkit export``, read back as it was written).

    A date that cannot be read leaves a document from a file undated (one bad cell must not cost
    an archive import its document); with ``strict_dates`` (the write API, whose client can
    correct and resend) it is a ``DocumentError`` instead."""
    if is_export_row(row):
        return document_from_export(row)
    picked, used = _pick_fields(row)
    for name in ("title", "lead", "body", "url", "source"):
        if name in picked and not isinstance(picked[name], str):
            raise DocumentError(f"{name} must be a string, not {type(picked[name]).__name__}")
    # (bool is an int to Python: true would become the id "True")
    if "id" in picked and (isinstance(picked["id"], bool) or not isinstance(picked["id"], (str, int))):
        raise DocumentError(f"id must be a string or a number, not {type(picked['id']).__name__}")
    # (read as it will be stored: a text of control characters or lone surrogates is no text)
    if not any(sanitize_text(str(picked.get(k, ""))).strip() for k in ("title", "lead", "body")):
        raise DocumentError("no text (expected a 'text', 'body', 'content', 'title' or 'lead' field)")
    metadata = {k: v for k, v in row.items() if k not in used}
    published = parse_pubdate(picked.get("published"))
    if strict_dates and "published" in picked and not _whole_timestamp_valid(picked["published"]):
        published = None  # "10:00:99", "+99:00": reading only the date would hide the mistake
    if strict_dates and published is None and "published" in picked:
        raise DocumentError(
            f"date {picked['published']!r} cannot be read: use YYYY, YYYY-MM, YYYY-MM-DD (a real day)"
            " or a German date such as '3. Mai 2025'"
        )
    given_id = picked.get("id")
    if isinstance(given_id, str) and not sanitize_text(given_id).strip():
        given_id = None  # blank like "": no id given (a review: "" got one, "  " was refused)
    return make_document(
        str(given_id or picked.get("url") or fallback_id),
        title=picked.get("title", ""),
        lead=picked.get("lead", ""),
        body=picked.get("body", ""),
        published=published,
        url=picked.get("url", ""),
        source=picked.get("source", ""),
        metadata=metadata,
    )


def _whole_timestamp_valid(value: Any) -> bool:
    """False for an ISO timestamp whose time or zone is impossible (searchkit keeps a date's
    local time to the minute and drops the zone, so nothing else would notice)."""
    if not isinstance(value, str) or not _ISO_TIMESTAMP.fullmatch(value.strip()):
        return True
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _bad_rows_error(path: Path, what: str, bad: list[str]) -> IngestError:
    more = f" (and {len(bad) - MAX_REPORTED_ROWS} more)" if len(bad) > MAX_REPORTED_ROWS else ""
    return IngestError(f"{path}: {len(bad)} bad {what}(s): " + "; ".join(bad[:MAX_REPORTED_ROWS]) + more)


def read_jsonl(path: Path, id_prefix: str) -> Iterator[Document]:
    """JSON Lines, one document a line. Bad lines (invalid or truncated JSON, no text, wrong
    types) are reported together, as one ``IngestError`` naming them, after the good lines of
    the file have been read."""
    text = read_text_content(path)
    bad: list[str] = []
    # Split at "\n" only: str.splitlines() would also split inside JSON strings at U+2028,
    # U+0085 or \x1c, which JSON allows unescaped.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise DocumentError(f"a line must hold a JSON object, not {type(row).__name__}")
            yield document_from_mapping(row, f"{id_prefix}:{number}")
        except RecursionError:
            bad.append(f"line {number}: JSON nested too deeply")
        except ValueError as error:
            bad.append(f"line {number}: invalid JSON ({error})")
        except SearchkitError as error:
            bad.append(f"line {number}: {error}")
    if bad:
        raise _bad_rows_error(path, "line", bad)


# csv refuses fields longer than 128 KB by default; an article can be longer.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 2**20))


def _csv_rows(
    lines: list[str], dialect: Any, bad: list[str], **fmt: Any
) -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` of every row. A row with broken quoting (an unterminated
    quote swallows the rest of the file) is reported in ``bad`` and reading resumes on the
    line after the one where that row started."""
    start = 0
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), dialect, strict=True, **fmt)
        row_start = start
        try:
            for row in reader:
                yield row_start + 1, row
                row_start = start + reader.line_num
            return
        except csv.Error as error:
            bad.append(f"row at line {row_start + 1}: broken quoting ({error})")
            start = row_start + 1


def _names_a_column(line: str, delimiter: str) -> bool:
    """Whether a whole cell of ``line`` is a known key: a first line that merely holds one
    inside its text ("Der Präsident sprach in Wien" holds "id", "Kontext" "text") is data, and a
    file without a header is refused rather than read with its first row as column names."""
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return any(sanitize_text(cell).strip().lstrip("\ufeff").casefold() in KNOWN_KEYS for cell in cells)


def read_csv(path: Path, id_prefix: str) -> Iterator[Document]:
    """CSV with a header (columns named like the JSON keys), or the 10kGNAD layout
    ``Category;'text'`` without header (the first sentence becomes the title). Rows with broken
    quoting, too many fields or no text are reported together after the good rows."""
    text = read_text_content(path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line + "\n" for line in lines]
    sample = text[:4096]
    bad: list[str] = []
    if re.match(r"^[^;,'\"\n]*;'", sample):
        # Ids count rows from 1, blank ones included (as they always did).
        for count, (number, row) in enumerate(_csv_rows(lines, "excel", bad, delimiter=";", quotechar="'"), 1):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2 or not row[1].strip():
                bad.append(f"row at line {number}: expected Category;'text', found {len(row)} field(s)")
                continue
            body = sanitize_text(row[1])
            title = first_sentence(body)
            rest = body[len(title):].strip() if body.startswith(title) else body
            yield make_document(
                f"{id_prefix}:{count}", title=title, body=rest, source=path.name,
                metadata={"category": sanitize_text(row[0])},
            )
    else:
        # The delimiter is the one the header uses most; quoting is standard ("" inside quotes).
        # (csv.Sniffer guesses doublequote=False from a header without quotes.)
        header_line = sample.split("\n", 1)[0]
        delimiter = max(",;\t", key=header_line.count)
        if not _names_a_column(header_line, delimiter):
            raise IngestError(f"{path}: CSV needs a header row naming its columns (e.g. id,title,text,date)")
        rows = _csv_rows(lines, "excel", bad, delimiter=delimiter)
        header: list[str] | None = None
        count = 1  # ids count the data rows from 2, the header being row 1 (as they always did)
        for number, row in rows:
            if not row:
                continue
            if header is None:
                header = [sanitize_text(h).strip().lstrip("\ufeff") for h in row]
                continue
            count += 1
            if not "".join(row).strip():
                continue
            if len(row) > len(header):
                bad.append(
                    f"row at line {number}: {len(row)} fields, the header has {len(header)}"
                    " (an unquoted delimiter inside a field?)"
                )
                continue
            mapping = {k: v for k, v in zip(header, row) if k}
            try:
                yield document_from_mapping(mapping, f"{id_prefix}:{count}")
            except SearchkitError as error:
                bad.append(f"row at line {number}: {error}")
    if bad:
        raise _bad_rows_error(path, "row", bad)


def read_html(path: Path, id_prefix: str) -> Iterator[Document]:
    from .html import parse_html

    yield parse_html(read_text_content(path), id_prefix, source=path.name, name=str(path))

