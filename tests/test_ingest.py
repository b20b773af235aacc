"""Readers for every format, cleaning of scraping residue, recursive folders."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from searchkit import IngestError, read_file, read_paths
from searchkit.ingest import iter_files
from searchkit.ingest.clean import clean_body, first_sentence
from searchkit.model import Precision


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


SEED = """ date 2025-04 Israel und die Türkei führen Gespräche in Baku.

Teilen

Baku – Israel und die Türkei führen Gespräche in Baku.

Erster Absatz über die Gespräche.

Erster Absatz über die Gespräche.

Zweiter Absatz mit Details.

Dritter Absatz mit weiteren Details.

Zum Thema

– Luftwaffenstützpunkt –

Syrien: Israel bombardiert Stützpunkte
"""


def test_seed_format(tmp_path: Path) -> None:
    doc = next(read_file(write(tmp_path / "001_baku.txt", SEED)))
    assert doc.id == "001_baku"
    assert doc.published is not None
    assert doc.published.value == "2025-04"
    assert doc.published.precision == Precision.MONTH
    assert doc.lead == "Israel und die Türkei führen Gespräche in Baku."
    assert doc.title == doc.lead
    paragraphs = doc.body.split("\n\n")
    assert paragraphs == [
        "Erster Absatz über die Gespräche.",
        "Zweiter Absatz mit Details.",
        "Dritter Absatz mit weiteren Details.",
    ]


def test_real_seed_articles_are_cleaned(seeds: Path) -> None:
    docs = {d.id: d for d in read_paths([seeds])}
    assert len(docs) == 2
    first = docs["000_079276a2251994fb"]
    assert "Teilen" not in first.body.split("\n\n")
    assert "Zum Thema" not in first.body
    assert not first.body.startswith("Baku –")
    assert first.published and first.published.value == "2025-04"
    assert docs["002_0c2c8b6c778a55f0"].published.value == "2025-07"  # type: ignore[union-attr]


def test_plain_text_headline(tmp_path: Path) -> None:
    doc = next(read_file(write(tmp_path / "a.txt", "Bahnstreik legt Verkehr lahm\n\nDie Gewerkschaft ruft zum Streik auf.")))
    assert doc.title == "Bahnstreik legt Verkehr lahm"
    assert doc.body == "Die Gewerkschaft ruft zum Streik auf."
    assert doc.published is None


def test_jsonl_with_aliases_and_metadata(tmp_path: Path) -> None:
    rows = [
        {"id": "a1", "title": "Titel", "text": "Text eins.", "date": "2024-11-05", "url": "https://example.org/a1", "ressort": "Politik"},
        {"title": "Nur Titel", "content": "Inhalt.", "gathered_date": "2025-08-05", "source": "zeit.de", "published_date": None},
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    first, second = list(read_file(path))
    assert first.id == "a1" and first.metadata == {"ressort": "Politik"}
    assert first.published.value == "2024-11-05"  # type: ignore[union-attr]
    assert second.id == "feed:2" and second.body == "Inhalt."
    assert second.published.value == "2025-08-05"  # type: ignore[union-attr]
    assert second.source == "zeit.de"


def test_jsonl_bad_line_reported_after_good_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", '{"id": "ok", "text": "gut"}\n{"id": "broken", "text": \n{"id": "ok2", "text": "auch gut"}\n')
    docs = []
    with pytest.raises(IngestError, match="line 2"):
        for doc in read_file(path):
            docs.append(doc)
    assert [d.id for d in docs] == ["ok", "ok2"]


def test_csv_10kgnad_layout(tmp_path: Path) -> None:
    path = write(tmp_path / "k.csv", "Inland;'Bahnstreik legt Verkehr lahm. Die Gewerkschaft ruft auf, sagt ''Nein''.'\nWirtschaft;'Preise steigen. Mehr Text.'\n")
    docs = list(read_file(path))
    assert [d.metadata["category"] for d in docs] == ["Inland", "Wirtschaft"]
    assert docs[0].title == "Bahnstreik legt Verkehr lahm."
    assert "''" not in docs[0].body and "'Nein'" in docs[0].body


def test_csv_with_header(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "id,title,text,date\nx1,Titel,Ein Text.,2023-05\n")
    (doc,) = read_file(path)
    assert doc.id == "x1" and doc.published.value == "2023-05"  # type: ignore[union-attr]


HTML = """<!doctype html><html><head><title>Wahl – Zeitung</title>
<meta property="article:published_time" content="2025-02-23T18:00:00+01:00">
</head><body><nav><a href="/">Start</a><a href="/politik">Politik</a></nav>
<div class="cookie-banner">Wir verwenden Cookies</div>
<article><h1>Wahlabend in Berlin</h1><p>Der erste Absatz.</p><p>Der zweite Absatz.</p>
<div class="share">Teilen Twittern</div></article>
<footer>Impressum Datenschutz</footer></body></html>"""


def test_html_article_without_boilerplate(tmp_path: Path) -> None:
    (doc,) = read_file(write(tmp_path / "web" / "wahl.html", HTML))
    assert doc.title == "Wahlabend in Berlin"
    assert doc.lead == "Der erste Absatz."
    assert doc.body == "Der zweite Absatz."
    assert doc.published is not None and doc.published.value.startswith("2025-02-23")
    for junk in ("Cookies", "Impressum", "Politik", "Twittern"):
        assert junk not in doc.text


def test_folder_is_read_recursively_with_relative_ids(tmp_path: Path) -> None:
    write(tmp_path / "a" / "b" / "one.txt", SEED)
    write(tmp_path / "two.html", HTML)
    write(tmp_path / "notes.md", "ignored")
    ids = sorted(d.id for d in read_paths([tmp_path]))
    assert ids == ["a/b/one", "two"]
    # one path alone, as a string or a Path, is that path (not a list of one-letter paths)
    assert sorted(d.id for d in read_paths(str(tmp_path))) == ids
    assert sorted(d.id for d in read_paths(tmp_path)) == ids


def test_files_with_one_name_stem_keep_their_documents_apart(tmp_path: Path) -> None:
    """Found by a review: "artikel.txt" beside "artikel.html", or two "feed.jsonl" in other
    folders named directly, gave their documents one id, and the last replaced the others."""
    write(tmp_path / "c" / "artikel.txt", "Artikel als Text\n\nDer Text über den Hafen.")
    write(tmp_path / "c" / "artikel.html", HTML)
    write(tmp_path / "a" / "feed.jsonl", json.dumps({"title": "Eins", "text": "Erster Text über die Bahn."}))
    write(tmp_path / "b" / "feed.jsonl", json.dumps({"title": "Zwei", "text": "Zweiter Text über die Bahn."}))
    ids = [d.id for d in read_paths([tmp_path / "c", tmp_path / "a" / "feed.jsonl", tmp_path / "b" / "feed.jsonl"])]
    assert ids == ["artikel.html", "artikel.txt", "feed:1", "feed.jsonl:1"]
    # the id does not depend on what else a call reads; a file named twice is read once
    assert [d.id for d in read_paths([tmp_path / "c" / "artikel.txt"])] == ["artikel.txt"]
    assert [d.id for d in read_paths([tmp_path / "c", tmp_path / "c" / "artikel.txt"])] == ["artikel.html", "artikel.txt"]
    # iter_files, which lists what read_paths reads, lists such a file once too
    files = [(f.name, prefix) for f, prefix in iter_files([tmp_path / "c", tmp_path / "c" / "artikel.txt"])]
    assert files == [("artikel.html", "artikel.html"), ("artikel.txt", "artikel.txt")]


def test_encodings(tmp_path: Path) -> None:
    text = "Grüße aus München\n\nÄrger über Straßenbau."
    for encoding in ("utf-8-sig", "utf-16", "cp1252", "latin-1"):
        (doc,) = read_file(write(tmp_path / f"{encoding}.txt", text, encoding=encoding))
        assert doc.title == "Grüße aus München", encoding


def test_binary_and_empty_files_fail_clearly(tmp_path: Path) -> None:
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02PNG" * 100)
    with pytest.raises(IngestError, match="binary"):
        list(read_file(binary))
    with pytest.raises(IngestError, match="empty"):
        list(read_file(write(tmp_path / "empty.txt", "")))


def test_errors_do_not_stop_the_batch(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", SEED)
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00")
    failures: list[str] = []
    docs = list(read_paths([tmp_path], on_error=lambda path, error: failures.append(path.name)))
    assert [d.id for d in docs] == ["good"]
    assert failures == ["bad.txt"]


def test_unknown_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        list(read_paths([tmp_path / "missing"]))


def test_clean_keeps_related_heading_early_in_text() -> None:
    body = "Zum Thema\n\nDer eigentliche Text.\n\nNoch mehr Text.\n\nUnd noch mehr."
    assert clean_body(body) == "Der eigentliche Text.\n\nNoch mehr Text.\n\nUnd noch mehr."


def test_first_sentence_is_cut_at_a_word() -> None:
    assert first_sentence("Ein Satz. Noch einer.") == "Ein Satz."
    assert len(first_sentence("Wort " * 100)) <= 162


def test_a_broken_link_or_named_pipe_in_a_folder_is_reported_never_opened(tmp_path: Path) -> None:
    import os

    (tmp_path / "ok.txt").write_text(" date 2025-04 x\nTitel\nText über Baku.\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    os.symlink("missing.txt", tmp_path / "sub" / "broken.txt")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would wait for a writer forever
    os.symlink("missing.png", tmp_path / "picture.png")  # an unknown format: skipped as before
    failures: dict[str, str] = {}
    docs = list(read_paths([tmp_path], on_error=lambda path, error: failures.update({path.name: str(error)})))
    assert len(docs) == 1
    assert set(failures) == {"broken.txt", "pipe.txt"}
    assert "broken symbolic link" in failures["broken.txt"] and "missing.txt" in failures["broken.txt"]
    assert "named pipe" in failures["pipe.txt"]
    # named directly: the same clear errors
    for name, message in (("pipe.txt", "named pipe"), ("sub/broken.txt", "broken symbolic link")):
        with pytest.raises(IngestError, match=message):
            list(read_paths(tmp_path / name))


def test_a_symbolic_link_loop_in_a_folder_is_reported_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link that leads back to itself is a broken link too: inside a folder it ended the whole
    import with "RuntimeError: Symlink loop" (``Path.resolve``, Python < 3.13), and its message
    said its target "does not exist". Hidden entries stay skipped without a word, and a file of
    an unknown format is skipped as before, even when it is a loop, a pipe or a socket."""
    import os
    import socket

    write(tmp_path / "ok.txt", " date 2025-04 x\nTitel\nText über Baku.\n")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink("notes", tmp_path / "notes")  # no suffix: not ours to read
    os.symlink(".hidden.txt", tmp_path / ".hidden.txt")  # hidden: skipped silently
    os.mkfifo(tmp_path / ".pipe.txt")
    os.mkfifo(tmp_path / "pipe.bin")
    monkeypatch.chdir(tmp_path)  # a socket's path is limited to about 100 bytes: bind a short one
    server = socket.socket(socket.AF_UNIX)
    server.bind("socket.txt")
    try:
        failures: dict[str, str] = {}
        docs = list(read_paths([tmp_path], on_error=lambda path, error: failures.update({path.name: str(error)})))
    finally:
        server.close()
    assert [d.id for d in docs] == ["ok"]
    assert set(failures) == {"loop.txt", "socket.txt"}
    assert "broken symbolic link (its target loop.txt leads back to it in a loop)" in failures["loop.txt"]
    assert "not a regular file (a socket)" in failures["socket.txt"]
    assert len(list(iter_files([tmp_path]))) == 5  # listed without a crash too (hidden ones not)
    with pytest.raises(IngestError, match="leads back to it in a loop"):
        list(read_paths(tmp_path / "loop.txt"))


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("gestern", "no date recognised in 'gestern'"),  # relative to what? no day of its own
        ("irgendwann", "no date recognised in 'irgendwann'"),
        ("bald", "no date recognised in 'bald'"),
        ("2025-03-04T10:00+99:00", "not a valid time zone offset: '2025-03-04T10:00+99:00'"),
        ("2025-03-04T10:00+14:30", "not a valid time zone offset"),  # no zone is further than ±14:00
        ("2025-03-04T10:00+02:75", "not a valid time zone offset"),
        ("Tue, 04 Mar 2025 10:00:00 +9900", "not a valid time zone offset"),
        (1741082400, "cannot read date 1741082400"),  # a Unix timestamp, not a year
    ],
)
def test_an_undatable_date_or_impossible_zone_is_dropped_with_a_warning(value: object, warning: str) -> None:
    """Found by a review: "gestern" left the document undated without the warning that
    ``searchkit index`` reports, and "+99:00" was kept as 10:00 with the zone dropped."""
    from searchkit.dates import held_date_warnings
    from searchkit.ingest.formats import parse_pubdate

    with held_date_warnings() as held:
        assert parse_pubdate(value) is None
    warnings = [r.getMessage() for r in held if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith(warning), warnings


def test_real_zones_and_blank_dates_stay_as_they_were() -> None:
    from searchkit.dates import held_date_warnings
    from searchkit.ingest.formats import parse_pubdate

    with held_date_warnings() as held:
        for value in ("2025-03-04T10:00+14:00", "2025-03-04T10:00-12:00", "2025-03-04T10:00+0530", "2025-03-04T10:00Z",
                      "Tue, 04 Mar 2025 10:00:00 +0100", "4. März 2025, 10:00 Uhr"):
            published = parse_pubdate(value)
            assert published is not None and published.value == "2025-03-04T10:00", value
        assert parse_pubdate("") is None and parse_pubdate("  ") is None and parse_pubdate(None) is None
    assert [r for r in held if r.levelno >= logging.WARNING] == []  # nothing given, nothing dropped


def test_readers_warn_about_an_undatable_date_field(tmp_path: Path) -> None:
    from searchkit.dates import held_date_warnings

    write(tmp_path / "seed.txt", " date gestern Ein Bericht über den Hafen.\nDer Hafen wurde erweitert.\n")
    write(tmp_path / "feed.jsonl", json.dumps({"id": "j", "text": "Text über Bonn.", "date": "2025-03-04T10:00+99:00"}))
    write(tmp_path / "page.html", '<html><head><meta property="article:published_time" content="bald"></head>'
          "<body><article><h1>Titel</h1><p>Ein Absatz über die Stadt Leipzig und ihre Geschichte.</p></article></body></html>")
    with held_date_warnings() as held:
        docs = list(read_paths([tmp_path]))
    assert [d.published for d in docs] == [None, None, None]
    assert sorted(r.getMessage() for r in held if r.levelno >= logging.WARNING) == [
        "no date recognised in 'bald'", "no date recognised in 'gestern'",
        "not a valid time zone offset: '2025-03-04T10:00+99:00'",
    ]
