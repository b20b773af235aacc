"""The benchmark corpora: real German news articles from ``/work/shared/data`` (never copied
into the repository), read with searchkit's own readers.

* ``10kgnad/test.csv``: 1,028 DER STANDARD articles (~368 words, no dates).
* ``zeitgeist/archive.jsonl``: tagesschau.de / zeit.de teasers (~63 words, day-precision dates).

Both are de-duplicated the way ``Index.add`` would (last version of an id, first of a content),
which leaves about 5,100 distinct articles. Larger corpora are built by **re-ingesting the same
real articles under new ids**: replica ``k`` (k ≥ 1) of an article gets the id ``<id>~r<k>``, its
publication date moved back ``k`` years (so that the archive spans more years, as a real one
does) and a short run of punctuation appended to the body. The punctuation produces no index
token in any engine; it only changes the content hash so that searchkit's duplicate detection
does not skip the replica. Every engine sees exactly the same documents and tokens.

The two sources are interleaved in proportion (about 4 zeitgeist items to 1 10kGNAD article), so
that every prefix of the stream (1k, 10k, ...) has the same mix.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(os.environ.get("SEARCHKIT_BENCH_DATA", "/work/shared/data"))
SOURCES = {
    "zeitgeist": DATA_DIR / "zeitgeist" / "archive.jsonl",
    "10kgnad": DATA_DIR / "10kgnad" / "test.csv",
}
#: Characters that no engine's tokenizer turns into a token; replica markers are written in them.
_MARK_DIGITS = ".,;:!?"


def missing_sources() -> list[str]:
    """Paths of the source files that are not there (empty list: all present)."""
    return [str(p) for p in SOURCES.values() if not p.is_file()]


def _marker(k: int) -> str:
    digits = []
    while True:
        k, r = divmod(k, len(_MARK_DIGITS))
        digits.append(_MARK_DIGITS[r])
        if k == 0:
            break
    return " " + "".join(digits) + " ."


def _shift_years(published, years: int):  # type: ignore[no-untyped-def]
    if published is None or years == 0:
        return published
    from searchkit.model import PubDate

    value = published.value
    year = int(value[:4]) - years
    rest = value[4:]
    if rest.startswith("-02-29"):
        rest = "-02-28" + rest[6:]
    return PubDate(f"{year:04d}{rest}", published.precision)


def _source_docs(name: str) -> Iterator:  # type: ignore[type-arg]
    from searchkit import read_file

    yield from read_file(SOURCES[name], id_prefix=name)


def base_keys() -> dict[str, set[tuple[str, str]]]:
    """Per source, the (id, content hash) of the documents that survive de-duplication (by id:
    the last version wins; by content: the first document wins). Computed once, not timed."""
    keep: dict[str, set[str]] = {}
    seen_hashes: set[str] = set()
    for name in SOURCES:
        last: dict[str, object] = {}
        for doc in _source_docs(name):
            last[doc.id] = doc
        ids = set()
        for doc_id, doc in last.items():
            h = doc.content_hash()  # type: ignore[attr-defined]
            if h not in seen_hashes:
                seen_hashes.add(h)
                ids.add((doc_id, h))
        keep[name] = ids
    return keep


def _kept_docs(name: str, keep: set[tuple[str, str]]) -> Iterator:  # type: ignore[type-arg]
    seen: set[str] = set()
    for doc in _source_docs(name):
        if doc.id not in seen and (doc.id, doc.content_hash()) in keep:
            seen.add(doc.id)  # the same item gathered twice with the same text: once
            yield doc


def replica(doc, k: int):  # type: ignore[no-untyped-def]
    """Replica ``k`` of a real article (k = 0 is the article itself)."""
    if k == 0:
        return doc
    return dataclasses.replace(
        doc,
        id=f"{doc.id}~r{k}",
        body=doc.body + _marker(k),
        published=_shift_years(doc.published, k),
    )


def stream(n: int, keys: dict[str, set[tuple[str, str]]]) -> Iterator:  # type: ignore[type-arg]
    """The first ``n`` documents of the benchmark stream: the real articles parsed and cleaned by
    searchkit's readers (this work is part of the timed pipeline), interleaved in proportion,
    then replica 1, replica 2, ... until ``n`` documents have been produced."""
    total = sum(len(v) for v in keys.values())
    if total == 0:
        return
    produced = 0
    k = 0
    while produced < n:
        iters = {name: _kept_docs(name, keys[name]) for name in SOURCES}
        emitted = dict.fromkeys(SOURCES, 0)
        sizes = {name: len(keys[name]) for name in SOURCES}
        while produced < n and iters:
            # Bresenham-style proportional merge: the source that is furthest behind its share.
            name = min(iters, key=lambda s: (emitted[s] + 1) / max(sizes[s], 1))
            try:
                doc = next(iters[name])
            except StopIteration:
                del iters[name]
                continue
            emitted[name] += 1
            produced += 1
            yield replica(doc, k)
        k += 1


def text_bytes(doc) -> int:  # type: ignore[no-untyped-def]
    """UTF-8 size of the text an engine indexes (title, lead, body): the MB of MB/s."""
    return len(doc.title.encode("utf-8")) + len(doc.lead.encode("utf-8")) + len(doc.body.encode("utf-8"))
