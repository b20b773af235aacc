"""Bad input at ingest: every case ends in a clear message, and the rest of the batch is indexed.

Encodings, binary files with text suffixes, empty and oversized files, broken JSON Lines, CSV and
HTML, XML entity bombs and external entities, documents without dates or titles, duplicate ids,
control characters and very long tokens — each read alone and as part of a mixed batch through
the library and the ``searchkit index`` command (``click.testing.CliRunner``).
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import Document, Index, IngestError, read_file, read_paths
from searchkit.cli import main
from searchkit.ingest.clean import sanitize_text

GOOD_TXT = "Bahnstreik legt Verkehr lahm\n\nDie Gewerkschaft ruft zum Streik auf. Pendler warten in Köln."
GERMAN = "Grüße aus München\n\nÄrger über Straßenbau: „Wir zahlen 5 €“, sagt François Hollande à Paris."


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def read_all(path: Path) -> tuple[list[Document], list[str]]:
    """Documents of ``path`` read through ``read_paths`` and the error messages of its files."""
    errors: list[str] = []
    docs = list(read_paths([path], on_error=lambda file, error: errors.append(str(error))))
    return docs, errors


# -- encodings --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32"],
)
def test_encodings_of_text_files(tmp_path: Path, encoding: str) -> None:
    (doc,) = read_file(write(tmp_path / "a.txt", GERMAN, encoding))
    assert doc.title == "Grüße aus München"
    assert doc.body == GERMAN.split("\n\n")[1]


def test_latin1_without_the_windows_characters(tmp_path: Path) -> None:
    text = "Grüße aus München\n\nÄrger über Straßenbau in Düsseldorf, à la française."
    (doc,) = read_file(write(tmp_path / "a.txt", text, "latin-1"))
    assert doc.body == "Ärger über Straßenbau in Düsseldorf, à la française."


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_encodings_of_jsonl_csv_html(tmp_path: Path, encoding: str) -> None:
    row = {"id": "j1", "title": "Grüße aus München", "text": "Ärger über Straßenbau, „5 €“."}
    (doc,) = read_file(write(tmp_path / "a.jsonl", json.dumps(row, ensure_ascii=False), encoding))
    assert (doc.title, doc.body) == (row["title"], row["text"])
    (doc,) = read_file(write(tmp_path / "a.csv", "id;title;text\nc1;Grüße aus München;Ärger über Straßenbau.\n", encoding))
    assert (doc.id, doc.title, doc.body) == ("c1", "Grüße aus München", "Ärger über Straßenbau.")
    page = "<html><head><meta charset='iso-8859-1'></head><body><article><h1>Grüße aus München</h1><p>Ärger über Straßenbau.</p><p>Zweiter Absatz.</p></article></body></html>"
    (doc,) = read_file(write(tmp_path / "a.html", page, encoding))
    assert (doc.title, doc.lead) == ("Grüße aus München", "Ärger über Straßenbau.")


def test_cyrillic_windows_1251_is_recognised(tmp_path: Path) -> None:
    text = "Переговоры в Москве\n\nПрезидент заявил, что переговоры продолжатся на следующей неделе в столице."
    (doc,) = read_file(write(tmp_path / "ru.txt", text, "cp1251"))
    assert doc.title == "Переговоры в Москве"


def test_stray_nul_bytes_do_not_make_a_file_binary(tmp_path: Path) -> None:
    data = (GOOD_TXT + " Mehr Text. " * 300).encode() + b"\x00" + b" Ende."
    (doc,) = read_file(write(tmp_path / "a.txt", data))
    assert "\x00" not in doc.body and doc.body.endswith("Ende.")


# -- binary, empty and oversized files --------------------------------------------------------
BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)),
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),
    "gzip": b"\x1f\x8b\x08\x00" + bytes(range(256)),
    "elf": b"\x7fELF\x02\x01\x01" + bytes(range(256)),
    "random": random.Random(9).randbytes(4096),
    "random_no_nul": bytes(b or 1 for b in random.Random(10).randbytes(4096)),
}


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".html", ".xml", ".rss"])
@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_binary_files_with_text_suffixes_are_refused(tmp_path: Path, suffix: str, kind: str) -> None:
    path = write(tmp_path / f"file{suffix}", BINARIES[kind])
    with pytest.raises(IngestError, match="binary|invalid XML|not XML"):
        list(read_file(path))


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".html", ".xml", ".atom"])
@pytest.mark.parametrize("content", [b"", b"   \n\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n", b"\xff\xfe"])
def test_empty_files_are_refused(tmp_path: Path, suffix: str, content: bytes) -> None:
    with pytest.raises(IngestError, match="empty"):
        list(read_file(write(tmp_path / f"empty{suffix}", content)))


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "big.txt", GOOD_TXT + " Mehr." * 400)  # ~2.5 KB
    monkeypatch.setenv("SEARCHKIT_MAX_FILE_MB", "0.001")  # 1 KB
    with pytest.raises(IngestError, match=r"larger than 1048 bytes.*SEARCHKIT_MAX_FILE_MB"):
        list(read_file(path))
    for suffix in (".jsonl", ".csv", ".html", ".xml"):
        with pytest.raises(IngestError, match="larger than"):
            list(read_file(write(tmp_path / f"big{suffix}", "x" * 2000)))
    monkeypatch.setenv("SEARCHKIT_MAX_FILE_MB", "viel")
    with pytest.raises(IngestError, match="SEARCHKIT_MAX_FILE_MB must be a number"):
        list(read_file(path))
    monkeypatch.setenv("SEARCHKIT_MAX_FILE_MB", "1")
    assert len(list(read_file(path))) == 1


def test_fifo_and_missing_paths_fail_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    write(tmp_path / "good.txt", GOOD_TXT)
    errors: list[str] = []
    docs = list(
        read_paths([fifo, tmp_path / "missing.txt", tmp_path / "good.txt"], on_error=lambda f, e: errors.append(str(e)))
    )
    assert [d.id for d in docs] == ["good"]
    assert "not a regular file" in errors[0] and "no such file" in errors[1]


def test_a_file_of_unknown_format_named_explicitly_fails(tmp_path: Path) -> None:
    errors: list[str] = []
    list(read_paths([write(tmp_path / "notes.md", "# Notiz")], on_error=lambda f, e: errors.append(str(e))))
    assert errors and "unknown format '.md'" in errors[0]


# -- JSON Lines ---------------------------------------------------------------------------------
def test_jsonl_bad_rows_are_reported_after_the_good_ones(tmp_path: Path) -> None:
    good = [json.dumps({"id": f"ok{i}", "title": f"Titel {i}", "text": "Ein Text."}) for i in range(3)]
    lines = [
        good[0],
        '{"id": "truncated", "title": "Abgeschnit',  # truncated row
        "[1, 2, 3]",  # not an object
        '"nur ein String"',
        "{'id': 'single quotes'}",  # not JSON
        good[1],
        '{"id": "notext", "date": "2025-01-01"}',  # no text
        '{"id": "wrongtype", "title": 42}',  # wrong type
        "[" * 100_000 + "]" * 100_000,  # nested too deeply
        '{"id": "big", "title": "x", "n": ' + "9" * 5000 + "}",  # int too large to convert
        good[2],
        '{"id": "cut-at-end", "text": "Der Rest fehl',  # truncated last line without newline
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines))
    docs, errors = read_all(path)
    assert [d.id for d in docs] == ["ok0", "ok1", "ok2"]
    (message,) = errors
    assert message.startswith(f"{path}: 9 bad line(s): line 2: invalid JSON")
    assert "line 3: a line must hold a JSON object, not list" in message
    assert "(and 4 more)" in message


@pytest.mark.usefixtures("engine")
def test_jsonl_odd_but_valid_values(tmp_path: Path) -> None:
    rows = [
        '{"id": "a", "title": "Zeilen\\u2028trenner", "text": "Text mit \\u2029 und \\u0085 darin."}',
        '{"id": "b", "title": "Surrogat \\ud800 allein", "text": "Nul \\u0000 und \\u001b[31m Farbe", "score": NaN}',
        '{"id": 7, "title": "Zahl als Id", "text": "x", "date": 20250101, "meta": {"k\\u0001": [Infinity, "\\udfff"]}}',
        '{"id": "d", "title": "Datum unlesbar", "text": "x", "date": "am Sankt-Nimmerleins-Tag"}',
        '{"id": "e", "title": "Datum als Liste", "text": "x", "date": ["2025"]}',
    ]
    docs, errors = read_all(write(tmp_path / "odd.jsonl", "\n".join(rows)))
    assert errors == []
    by_id = {d.id: d for d in docs}
    assert set(by_id) == {"a", "b", "7", "d", "e"}
    assert by_id["a"].title == "Zeilen trenner"
    assert by_id["b"].title == "Surrogat allein" and by_id["b"].body == "Nul und [31m Farbe"
    assert by_id["b"].metadata == {"score": None}
    assert by_id["7"].metadata == {"meta": {"k": [None, ""]}}
    assert by_id["d"].published is None and by_id["e"].published is None
    for doc in docs:  # everything can be written as UTF-8 JSON (the API) and indexed
        doc.to_json().encode("utf-8")
    index = Index(tmp_path / "index", create=True)
    assert index.add(docs).added == 5
    assert index.search("Surrogat").total == 1


# -- CSV ----------------------------------------------------------------------------------------
def test_csv_broken_quoting_keeps_the_other_rows(tmp_path: Path) -> None:
    text = (
        "id,title,text\n"
        "1,Erster,Ein Text.\n"
        '2,"Zweiter,"kaputtes Quoting\n'  # quote in the middle of a field
        '3,Dritter,"Text ohne Ende\n'  # unterminated quote: would swallow the rest of the file
        "4,Vierter,Noch ein Text.\n"
        "5,Fünfter,Text, mit, Kommas ohne Quoting\n"  # too many fields
        '6,"Sechster","Mehrzeiliger\nText, korrekt gequotet."\n'
        "7,,\n"  # no text
    )
    docs, errors = read_all(write(tmp_path / "k.csv", text))
    assert [d.id for d in docs] == ["1", "4", "6"]
    assert docs[2].body == "Mehrzeiliger Text, korrekt gequotet."
    (message,) = errors
    assert "4 bad row(s)" in message
    for fragment in ("line 3: broken quoting", "line 4: broken quoting", "line 6: 5 fields, the header has 3", "line 9: no text"):
        assert fragment in message


def test_csv_10kgnad_broken_quoting(tmp_path: Path) -> None:
    text = "Inland;'Erster Satz. Mehr Text.'\nSport;'Kaputt ohne Ende\nWirtschaft;'Preise steigen. Mehr.'\n"
    docs, errors = read_all(write(tmp_path / "k.csv", text))
    assert [d.metadata["category"] for d in docs] == ["Inland", "Wirtschaft"]
    assert "broken quoting" in errors[0]


def test_csv_without_header_and_huge_field(tmp_path: Path) -> None:
    _, errors = read_all(write(tmp_path / "x.csv", "a,b,c\n1,2,3\n"))
    assert "needs a header row" in errors[0]
    long_text = "Wort " * 60_000  # 300 KB in one field: beyond csv's default field limit
    (doc,) = read_file(write(tmp_path / "long.csv", f'id,title,text\nl1,Lang,"{long_text}"\n'))
    assert len(doc.body) > 290_000


# -- HTML ---------------------------------------------------------------------------------------
def test_html_with_broken_nesting(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Kaputt</title><body><article><h1>Kaputtes HTML</h1>"
        "<p>Erster Absatz<div><p>Zweiter <b>fett <i>kursiv</b> Absatz</article></p></div>"
        "<p>Dritter Absatz<table><tr><td>Zelle</p></td></span></html></html><p>Nach dem Ende"
    )
    (doc,) = read_file(write(tmp_path / "broken.html", page))
    assert doc.title == "Kaputtes HTML"
    assert "Erster Absatz" in doc.text and "kursiv" in doc.text


def test_html_deeply_nested_is_bounded(tmp_path: Path) -> None:
    page = "<html><body><article><h1>Tief</h1>" + "<div>" * 50_000 + "<p>Ganz unten.</p>" + "</div>" * 50_000
    started = time.perf_counter()
    try:
        docs = list(read_file(write(tmp_path / "deep.html", page)))
        assert docs[0].title == "Tief"
    except IngestError as error:
        assert "cannot parse HTML" in str(error)
    assert time.perf_counter() - started < 10


def test_html_scripts_and_markup_never_reach_the_text(tmp_path: Path) -> None:
    page = (
        "<html><body><article><h1>Titel &lt;script&gt;</h1><p>Text <script>alert(1)</script>"
        "<style>p{}</style>mit &amp; Zeichen &lt;b&gt;.</p><p>Zweiter Absatz.</p></article></body></html>"
    )
    (doc,) = read_file(write(tmp_path / "s.html", page))
    assert "alert" not in doc.text and "p{}" not in doc.text
    assert doc.title == "Titel <script>" and doc.lead == "Text mit & Zeichen <b>."


# -- XML: entity bombs and external entities --------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
QUADRATIC = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "' + "x" * 50_000 + '">]>\n'
RSS_BODY = '<rss version="2.0"><channel><title>T</title><item><title>{entity}</title><description>Text</description></item></channel></rss>'
ATOM_BODY = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>{entity}</title><summary>Text</summary></entry></feed>'
HTML_BODY = "<html><body><article><h1>{entity}</h1><p>Text</p></article></body></html>"


class Listener:
    """A TCP listener on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():  # type: ignore[no-untyped-def]
    server = Listener()
    yield server
    server.close()


def _attacks(port: int, secret: Path) -> dict[str, tuple[str, str]]:
    """name → (prolog, entity reference) of each attack."""
    return {
        "billion_laughs": (BILLION_LAUGHS, "&lol9;"),
        "quadratic_blowup": (QUADRATIC, "&a;" * 2000),
        "xxe_file": (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>\n', "&xxe;"),
        "xxe_network": (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>\n', "&xxe;"),
        "parameter_entity": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>\n',
            "x",
        ),
        "lowercase_declaration": ('<!doctype r [<!entity xxe system "file:///etc/passwd">]>\n', "&xxe;"),
    }


@pytest.mark.parametrize("suffix", [".xml", ".rss", ".atom", ".html"])
@pytest.mark.parametrize(
    "attack", ["billion_laughs", "quadratic_blowup", "xxe_file", "xxe_network", "parameter_entity", "lowercase_declaration"]
)
def test_entity_attacks_are_refused(tmp_path: Path, listener: Listener, suffix: str, attack: str) -> None:
    secret = write(tmp_path / "private" / "secret.txt", "GEHEIMNIS-12345")
    tmp_path = tmp_path / "batch"
    prolog, entity = _attacks(listener.port, secret)[attack]
    body = {".atom": ATOM_BODY, ".html": HTML_BODY}.get(suffix, RSS_BODY).format(entity=entity)
    path = write(tmp_path / f"attack{suffix}", prolog + body)
    write(tmp_path / "good.txt", GOOD_TXT)
    started = time.perf_counter()
    docs, errors = read_all(tmp_path)
    assert time.perf_counter() - started < 5
    assert [d.id for d in docs] == ["good"]  # the rest of the batch is read
    assert len(errors) == 1 and str(path) in errors[0] and "declares XML entities" in errors[0]
    assert listener.connections == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_entity_bomb_in_another_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    text = BILLION_LAUGHS.replace('version="1.0"', f'version="1.0" encoding="{encoding.replace("-sig", "")}"')
    path = write(tmp_path / "bomb.xml", text + RSS_BODY.format(entity="&lol9;"), encoding)
    with pytest.raises(IngestError, match="declares XML entities"):
        list(read_file(path))


def test_entity_bomb_memory_stays_bounded_in_a_fresh_process(tmp_path: Path) -> None:
    """Read the bomb in a new interpreter and compare its peak memory with a plain feed's."""
    bomb = write(tmp_path / "bomb.xml", BILLION_LAUGHS + RSS_BODY.format(entity="&lol9;"))
    plain = write(tmp_path / "plain.xml", RSS_BODY.format(entity="Titel"))
    script = (
        "import resource, sys\n"
        "from searchkit import read_file, IngestError\n"
        "try:\n    n = len(list(read_file(sys.argv[1])))\nexcept IngestError as e:\n    n = str(e)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, repr(n))\n"
    )
    peaks = {}
    for path in (bomb, plain):
        out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60)
        peak, _, outcome = out.stdout.strip().partition(" ")
        peaks[path.name] = (int(peak), outcome)
    assert "declares XML entities" in peaks["bomb.xml"][1] and peaks["plain.xml"][1] == "1"
    assert peaks["bomb.xml"][0] < peaks["plain.xml"][0] + 20_000  # KB: no more than 20 MB above a plain read


def test_external_dtd_is_not_fetched(tmp_path: Path, listener: Listener) -> None:
    text = f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:{listener.port}/rss.dtd">\n' + RSS_BODY.format(entity="Titel")
    (doc,) = read_file(write(tmp_path / "dtd.rss", text))
    assert doc.title == "Titel"
    assert listener.connections == 0


# -- feeds ------------------------------------------------------------------------------------
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Tagesblatt</title><link>https://example.org/</link>
<item>
  <title>Bahnstreik legt Verkehr lahm</title>
  <link>https://example.org/bahnstreik</link>
  <guid isPermaLink="false">tb-1</guid>
  <description>&lt;p&gt;Die GDL ruft zum &lt;b&gt;Streik&lt;/b&gt; auf.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Die GDL ruft zum <b>Streik</b> auf.</p><p>Pendler müssen sich auf Ausfälle einstellen.</p><script>alert(1)</script><p>Weitere Details folgen.</p>]]></content:encoded>
  <pubDate>Tue, 10 Jun 2025 14:30:00 +0200</pubDate>
  <dc:creator>Anna Schmidt</dc:creator>
  <category>Wirtschaft</category>
  <media:content url="https://example.org/bild.jpg"><media:title>Bildtitel</media:title></media:content>
</item>
<item><title>Ohne Datum und Link</title><description>Nur eine Beschreibung.</description></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atomblatt</title>
<entry><title type="html">Wahl &amp;amp; Ergebnis</title>
<link rel="enclosure" href="https://example.org/x.mp3"/><link rel="alternate" href="https://example.org/wahl"/>
<id>urn:uuid:1</id><updated>2025-02-24T08:00:00Z</updated><published>2025-02-23T18:00:00+01:00</published>
<summary>Die Union gewinnt.</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Die Union gewinnt.</p><p>Die Wahlbeteiligung war hoch.</p></div></content>
<author><name>Max Muster</name></author><category term="Politik"/></entry>
<entry><title>Nur aktualisiert</title><id>urn:uuid:2</id><updated>2025-03</updated><content type="text">Text &lt;kein Tag&gt;</content></entry>
</feed>
"""
RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.org/"><title>RDF-Blatt</title></channel>
<item rdf:about="https://example.org/r1"><title>RDF-Meldung</title><link>https://example.org/r1</link>
<description>Eine Meldung im RSS-1.0-Format.</description><dc:date>2024-11-05</dc:date></item>
</rdf:RDF>
"""


def test_rss_feed(tmp_path: Path) -> None:
    first, second = read_file(write(tmp_path / "feed.rss", RSS))
    assert first.id == first.url == "https://example.org/bahnstreik"
    assert first.title == "Bahnstreik legt Verkehr lahm"
    assert first.lead == "Die GDL ruft zum Streik auf."
    assert first.body == "Pendler müssen sich auf Ausfälle einstellen.\n\nWeitere Details folgen."
    assert first.published is not None and first.published.value == "2025-06-10T14:30"
    assert first.source == "Tagesblatt"
    assert first.metadata == {"feed": "feed.rss", "guid": "tb-1", "authors": ["Anna Schmidt"], "categories": ["Wirtschaft"]}
    assert second.id == "feed:2" and second.published is None and second.lead == "Nur eine Beschreibung."


@pytest.mark.parametrize(("date", "expected"), [
    ("Tue, 10 Jun 2025 14:30:00 +0200", "2025-06-10T14:30"),
    ("Mon, 99 Foo 2025 99:99:99 +0000", None),  # was kept as the year 2025 (found by a review)
    ("Mon, 32 Jun 2025 10:00:00 GMT", None),
    # read by the general reader as before (a review found them undated by the first fix)
    ("Mon, 03 Mar 2025", "2025-03-03"),
    ("Thu, 01 Mai 2025 10:00:00 +0200", "2025-05-01T10:00"),
    ("Mon, 03 Mär 2025 10:00:00 +0100", "2025-03-03T10:00"),
    ("Tue, 2025-03-04T10:00:00+01:00", "2025-03-04"),
    ("Mon, 02 Juni 2025 10:00:00 +0200", "2025-06-02T10:00"),
    ("Mon, 03 Maerz 2025 10:00:00 +0100", "2025-03-03T10:00"),
])
def test_an_rss_date_is_read_whole_or_not_at_all(tmp_path: Path, date: str, expected: str | None) -> None:
    feed = RSS_ONE_ITEM.replace("DATE", date)
    (doc,) = read_file(write(tmp_path / "one.rss", feed))
    assert (doc.published.value if doc.published else None) == expected


RSS_ONE_ITEM = """<?xml version="1.0"?><rss version="2.0"><channel><title>Blatt</title>
<item><title>Meldung</title><description>Ein Text.</description><pubDate>DATE</pubDate></item>
</channel></rss>"""


def test_atom_and_rdf_feeds(tmp_path: Path) -> None:
    first, second = read_file(write(tmp_path / "feed.atom", ATOM))
    assert first.id == "https://example.org/wahl" and first.title == "Wahl & Ergebnis"
    assert first.lead == "Die Union gewinnt." and first.body == "Die Wahlbeteiligung war hoch."
    assert first.published is not None and first.published.value == "2025-02-23T18:00"
    assert first.metadata["authors"] == ["Max Muster"] and first.metadata["categories"] == ["Politik"]
    assert second.id == "urn:uuid:2" and second.body == "Text <kein Tag>"
    assert second.published is not None and second.published.value == "2025-03"
    (doc,) = read_file(write(tmp_path / "rdf.xml", RDF))
    assert (doc.id, doc.source, doc.published.value) == ("https://example.org/r1", "RDF-Blatt", "2024-11-05")  # type: ignore[union-attr]


def test_broken_feed_keeps_the_items_before_the_error(tmp_path: Path) -> None:
    broken = RSS.replace("<item><title>Ohne Datum", "<item><title>Kaputt & ungültig</title><item><title>Ohne Datum")
    docs, errors = read_all(write(tmp_path / "broken.rss", broken[: len(broken) - 40]))
    assert docs and docs[0].title == "Bahnstreik legt Verkehr lahm"
    assert "invalid XML" in errors[0]


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not an RSS or Atom feed .*<catalog>"):
        list(read_file(write(tmp_path / "c.xml", "<catalog><book>x</book></catalog>")))
    with pytest.raises(IngestError, match="no items"):
        list(read_file(write(tmp_path / "e.rss", "<rss><channel><title>Leer</title></channel></rss>")))
    with pytest.raises(IngestError, match="invalid XML"):
        list(read_file(write(tmp_path / "t.xml", "nur Text, kein XML")))


# -- documents without dates or titles, duplicate ids -----------------------------------------
@pytest.mark.usefixtures("engine")
def test_documents_without_dates_or_titles_are_indexed(tmp_path: Path) -> None:
    write(tmp_path / "nohead.txt", "Nur ein einziger Absatz ohne Überschrift. Er hat zwei Sätze.")
    write(tmp_path / "rows.jsonl", json.dumps({"id": "r1", "text": "Ein Text ohne Titel und ohne Datum. Zweiter Satz."}))
    docs, errors = read_all(tmp_path)
    assert errors == []
    titles = {d.id: d.title for d in docs}
    assert titles == {"nohead": "Nur ein einziger Absatz ohne Überschrift.", "r1": "Ein Text ohne Titel und ohne Datum."}
    index = Index(tmp_path / "index", create=True)
    assert index.add(docs).added == 2
    result = index.search("", filters={"year": ["ohne Datum"]})
    assert result.total == 2


@pytest.mark.usefixtures("engine")
def test_duplicate_ids_in_one_batch(tmp_path: Path) -> None:
    rows = [
        {"id": "dup", "title": "Erste Fassung", "text": "Alter Text."},
        {"id": "other", "title": "Anderes", "text": "Etwas anderes."},
        {"id": "dup", "title": "Zweite Fassung", "text": "Neuer Text."},
    ]
    write(tmp_path / "src" / "a.jsonl", "\n".join(json.dumps(r) for r in rows))
    write(tmp_path / "src" / "same.txt", GOOD_TXT)
    write(tmp_path / "src" / "same.html", "<html><body><article><h1>Gleiche Id</h1><p>Aus HTML.</p></article></body></html>")
    docs, errors = read_all(tmp_path / "src")
    assert errors == []
    index = Index(tmp_path / "index", create=True)
    report = index.add(docs)
    # dup, other, and the two files named "same": two articles, not versions of one (each keeps
    # its suffix; until 2026-12-06 the last replaced the first)
    assert sorted(d.id for d in index.documents()) == ["dup", "other", "same.html", "same.txt"]
    assert index.get("dup").title == "Zweite Fassung"  # the last version wins
    # the earlier version is superseded (not "skipped", which says the content was there)
    assert (report.added, report.updated, report.skipped, report.superseded) == (4, 0, 0, 1)


# -- control characters, very long tokens -----------------------------------------------------
@pytest.mark.usefixtures("engine")
def test_control_characters_are_removed_everywhere(tmp_path: Path) -> None:
    junk = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f\x80\x9f\ufffe\uffff"
    filler = " Ein ganz normaler Satz über den Straßenbau." * 100  # junk stays below 5 % of the file
    text = f"Titel{junk}mit Steuerzeichen\n\nText{junk} über Baku\x0cund\x0bAnkara.{filler}"
    (doc,) = read_file(write(tmp_path / "c.txt", text))
    for field in (doc.title, doc.lead, doc.body):
        assert sanitize_text(field) == field
        assert not any(ord(c) < 32 and c not in "\n\t" for c in field)
    # form feed and vertical tab count as line breaks, the rest is dropped
    assert doc.title == "Titel" and doc.body.startswith("mit Steuerzeichen")
    index = Index(tmp_path / "index", create=True)
    index.add([doc])
    assert index.search("Ankara").total == 1


def test_very_long_ids_and_titles(tmp_path: Path) -> None:
    rows = [
        {"id": "x" * 3000, "title": "Zu lange Id", "text": "Text."},
        {"id": "longtitle", "title": "Titel " * 1000, "text": "Text."},
    ]
    docs, errors = read_all(write(tmp_path / "t.jsonl", "\n".join(json.dumps(r) for r in rows)))
    assert [d.id for d in docs] == ["longtitle"]
    assert "id is longer than 2000 characters" in errors[0]
    assert len(docs[0].title) <= 502


@pytest.mark.usefixtures("engine")
def test_very_long_tokens_do_not_bloat_the_index(tmp_path: Path) -> None:
    blob = "A" * 1_000_000
    (doc,) = read_file(write(tmp_path / "t.jsonl", json.dumps({"id": "long", "title": "Langes Token", "text": f"Vorher {blob} nachher Baku."})))
    index = Index(tmp_path / "index", create=True)
    started = time.perf_counter()
    index.add([doc])
    assert time.perf_counter() - started < 30
    assert index.search("nachher Baku").total == 1
    size = sum(f.stat().st_size for f in index.path.iterdir())
    assert size < 200_000  # the stored text compresses; no term is longer than 64 characters


@pytest.mark.usefixtures("engine")
def test_random_tokens_index_in_bounded_time(tmp_path: Path) -> None:
    junk = "".join(random.Random(1).choices("abcdefghijklmnopqrstuvwxyz0123456789+/", k=200_000))
    index = Index(tmp_path / "index", create=True)
    started = time.perf_counter()
    index.add([Document(id="b64", title="Zufall", body=f"Vorher {junk} nachher Ankara.")])
    assert time.perf_counter() - started < 30
    assert index.search("nachher Ankara").total == 1
    assert sum(f.stat().st_size for f in index.path.iterdir()) < 40 * len(junk)


# -- a mixed batch through the command line ---------------------------------------------------
def _bad_batch(folder: Path) -> dict[str, str]:
    """Write good and bad files; returns bad file name → expected fragment of its message."""
    write(folder / "01_good.txt", GOOD_TXT)
    write(folder / "02_latin1.txt", GERMAN, "cp1252")
    write(folder / "03_utf16.txt", "Meldung in UTF-16\n\nText in UTF-16 mit Umlauten: äöü.", "utf-16")
    write(folder / "04_rows.jsonl", '{"id": "j1", "title": "Gute Zeile", "text": "Text."}\n{"id": "j2", "title": "Abgesch')
    write(folder / "05_binary.txt", BINARIES["png"])
    write(folder / "06_empty.html", "")
    write(folder / "07_bomb.xml", BILLION_LAUGHS + RSS_BODY.format(entity="&lol9;"))
    write(folder / "08_feed.rss", RSS)
    write(folder / "09_broken.csv", 'id,title,text\nc1,Gut,Text.\nc2,"Kaputt,ohne Ende\n')
    write(folder / "10_big.txt", "Groß\n\n" + "Text " * 5000)
    write(folder / "11_xxe.html", '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p>&x;</p></body></html>')
    return {
        "04_rows.jsonl": "1 bad line(s): line 2: invalid JSON",
        "05_binary.txt": "binary",
        "06_empty.html": "empty",
        "07_bomb.xml": "declares XML entities",
        "09_broken.csv": "broken quoting",
        "10_big.txt": "larger than",
        "11_xxe.html": "declares XML entities",
    }


GOOD_IDS = {"01_good", "02_latin1", "03_utf16", "j1", "https://example.org/bahnstreik", "08_feed:2", "c1"}


def test_cli_reports_every_failed_file_and_indexes_the_rest(tmp_path: Path) -> None:
    expected = _bad_batch(tmp_path / "src")
    index = tmp_path / "index"
    env = {"SEARCHKIT_MAX_FILE_MB": "0.02"}
    result = CliRunner().invoke(
        main, ["index", str(tmp_path / "src"), "--index", str(index), "--quiet", "--no-enrich", "--batch-size", "2"], env=env
    )
    assert result.exit_code == 1, result.output
    assert f"added {len(GOOD_IDS)}, updated 0, skipped 0, failed {len(expected)}" in result.stdout
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("  failed: ")]
    assert len(failed_lines) == len(expected)
    for name, fragment in expected.items():
        assert any(name in line and fragment in line for line in failed_lines), (name, result.stderr)
    assert {d.id for d in Index(index).documents()} == GOOD_IDS

    as_json = CliRunner().invoke(
        main, ["index", str(tmp_path / "src"), "--index", str(index), "--quiet", "--no-enrich", "--json"], env=env
    )
    report = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and report["failed"] == len(expected) and report["skipped"] == len(GOOD_IDS)
    assert report["documents"] == len(GOOD_IDS)


def test_cli_strict_stops_at_the_first_failed_file(tmp_path: Path) -> None:
    _bad_batch(tmp_path / "src")
    result = CliRunner().invoke(
        main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "index"), "--quiet", "--no-enrich", "--strict"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "04_rows.jsonl" in result.stderr and "invalid JSON" in result.stderr
    assert "05_binary" not in result.output
    # the batch that held the failed file was not committed, and the index this run created
    # holds nothing: it is taken away, as after any failure before a first document (5e37754)
    assert not (tmp_path / "index").exists()


def test_cli_missing_path_among_good_ones(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", GOOD_TXT)
    result = CliRunner().invoke(
        main, ["index", str(tmp_path / "good.txt"), str(tmp_path / "nope.txt"), "--index", str(tmp_path / "i"), "--quiet", "--no-enrich"]
    )
    assert result.exit_code == 1 and "no such file or folder" in result.stderr
    assert "added 1" in result.stdout


def test_cli_with_enrichment(tmp_path: Path) -> None:
    try:
        from searchkit.entities import extract_entities  # noqa: F401
    except ImportError as error:
        pytest.skip(f"entity extraction not available yet ({error})")

    _bad_batch(tmp_path / "src")
    result = CliRunner().invoke(
        main, ["index", str(tmp_path / "src"), "--index", str(tmp_path / "index"), "--quiet"], env={"SEARCHKIT_MAX_FILE_MB": "0.02"}
    )
    assert result.exit_code == 1
    assert {d.id for d in Index(tmp_path / "index").documents()} == GOOD_IDS
