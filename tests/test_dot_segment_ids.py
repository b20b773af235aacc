"""Ids with a "." or ".." path segment are refused: browsers and HTTP clients resolve such segments
in /dokument/<id> and /api/documents/<id>, so the document could never be reached over HTTP.
An index that already holds such ids still opens and serves them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import (
    Document,
    DocumentError,
    Index,
    IngestError,
    model,
    read_file,
    read_paths,
)
from searchkit.cli import main
from server import create_app

# tests that create indexes run once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")

KEY = "dot-segment-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
DOT_IDS = ["x/y/../z", "a/./b", ".", "..", "a/..", "../a", "https://example.org/a/../b"]


@pytest.mark.parametrize("doc_id", DOT_IDS)
def test_a_document_with_a_dot_segment_is_refused(doc_id: str) -> None:
    with pytest.raises(DocumentError, match=r"'\.' or '\.\.' path segment"):
        Document(id=doc_id, title="Titel")


@pytest.mark.parametrize("doc_id", ["a..b", ".hidden", "a/.b/c", "...", "a/b.", "https://example.org/a/b.html", "v1.2"])
def test_dots_inside_a_segment_are_fine(doc_id: str) -> None:
    assert Document(id=doc_id, title="Titel").id == doc_id


def test_ingest_reports_the_line_and_reads_the_others(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    rows = [{"id": "a/./b", "text": "Ein Text."}, {"id": "ok", "text": "Noch ein Text."}]
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    errors: list[str] = []
    docs = list(read_paths([path], on_error=lambda file, error: errors.append(str(error))))
    assert [d.id for d in docs] == ["ok"]
    assert len(errors) == 1 and "line 1: document id 'a/./b'" in errors[0]
    with pytest.raises(IngestError, match="line 1: document id 'a/./b'"):
        list(read_file(path))  # the file's bad lines, as a typed error, when nobody collects them


def test_the_cli_names_the_document_and_indexes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    rows = [{"id": "x/../z", "text": "Ein Text."}, {"id": "ok", "text": "Noch ein Text."}]
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(path), "--index", str(tmp_path / "idx")], catch_exceptions=False)
    assert "added 1" in result.output and "failed 1" in result.output
    assert "line 1: document id 'x/../z' has a '.' or '..' path segment" in result.output
    assert result.exit_code != 0


def test_the_write_api_answers_400_and_writes_nothing(demo_copy: Path) -> None:
    client = create_app(index_path=demo_copy, LOG_REQUESTS=False, API_KEY=KEY, RATE_LIMIT="off").test_client()
    before = client.get("/healthz").get_json()["documents"]
    rows = [{"id": "fine", "text": "Ein Text über Dresden."}, {"id": "a/./b", "text": "Ein Text über Leipzig."}]
    response = client.post("/api/documents", json=rows, headers=AUTH)
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert message.startswith("invalid documents, nothing was written: document 2: document id 'a/./b'")
    assert client.get("/healthz").get_json()["documents"] == before


def test_an_index_that_holds_such_ids_still_opens_and_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexes written before the check keep working: stored documents are not checked again."""
    path = tmp_path / "index"
    with monkeypatch.context() as before_the_check:
        before_the_check.setattr(model, "check_id_segments", lambda doc_id: None)
        with Index(path, create=True) as index:
            index.add([Document(id="a/./b", title="Alte Kennung", body="Die Elbe bei Dresden."),
                       Document(id="x/../z", title="Noch eine", body="Die Saale bei Halle.")])
    with Index(path) as index:
        assert len(index) == 2
        assert index.get("a/./b").title == "Alte Kennung"
        assert [hit.document.id for hit in index.search("Elbe").hits] == ["a/./b"]
        assert sorted(d.id for d in index.documents()) == ["a/./b", "x/../z"]
    client = create_app(index_path=path, LOG_REQUESTS=False, API_KEY=KEY, RATE_LIMIT="off").test_client()
    hits = client.get("/api/search?q=Saale").get_json()["hits"]
    assert [hit["id"] for hit in hits] == ["x/../z"]
    assert client.get("/?q=Elbe").status_code == 200
    with Index(path) as index:
        assert index.delete("a/./b") == 1
        assert len(index) == 1


def test_files_of_one_name_given_as_relative_paths_up_get_ids_without_dots(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a review: the third file of one name took its path as given as the id prefix,
    "../src/c/feed.txt", which the id check refuses: every document of it failed."""
    for name in "abc":
        folder = tmp_path / "src" / name
        folder.mkdir(parents=True)
        (folder / "feed.txt").write_text(f"Titel {name}\n\nEin Text über {name}.", encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    errors: list[str] = []
    docs = list(read_paths([f"../src/{name}/feed.txt" for name in "abc"], on_error=lambda f, e: errors.append(str(e))))
    assert not errors
    assert len({d.id for d in docs}) == 3
    assert not any(segment in (".", "..") for d in docs for segment in d.id.split("/"))


def test_reextract_keeps_a_stored_id_with_a_dot_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a review: re-extraction copied every stored document with the checks of a new one,
    and stopped halfway at an id stored before the check of its segments existed."""
    with monkeypatch.context() as before_the_check:
        before_the_check.setattr(model, "check_id_segments", lambda doc_id: None)
        index = Index(tmp_path / "idx", create=True)
        index.add([Document(id="feed/../x", title="Alt", body="Olaf Scholz besucht Hamburg."),
                   Document(id="ok", title="Neu", body="Angela Merkel in Berlin.")])
        index.close()
    index = Index(tmp_path / "idx")
    from searchkit import enrich

    index.reextract(enrich, batch_size=1)
    assert {d.id for d in index.documents()} == {"feed/../x", "ok"}
    assert index.get("feed/../x").title == "Alt"
