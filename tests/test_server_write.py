"""The write API: POST /api/documents and DELETE /api/documents/<id>, off unless a key is set."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from searchkit import Index
from searchkit.dates import parse_date
from server import create_app

# every test here runs once per engine (see conftest.py)
pytestmark = pytest.mark.usefixtures("engine")

KEY = "s3cret-key-for-tests"
AUTH = {"Authorization": f"Bearer {KEY}"}
ARTICLE = {
    "id": "api-1",
    "title": "Neue Brücke über die Elbe in Dresden eröffnet",
    "text": "Nach vier Jahren Bauzeit ist die neue Brücke über die Elbe in Dresden eröffnet worden.\n\n"
    "Die Stadt rechnet mit weniger Stau in der Innenstadt.",
    "date": "2025-06-02",
    "source": "Testquelle",
    "ressort": "Lokales",
}


def state(path: Path) -> tuple[int, int, list[str]]:
    """Generation, count and ids: everything a write could change."""
    with Index(path) as index:
        return index.generation(), len(index), sorted(d.id for d in index.documents())


def make_client(path: Path, **config: object) -> FlaskClient:
    return create_app(index_path=path, LOG_REQUESTS=False, **config).test_client()


def test_without_a_configured_key_every_write_is_403(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEARCHKIT_API_KEY", raising=False)
    client = make_client(demo_copy)
    victim = client.get("/api/search").get_json()["hits"][0]["id"]
    before = state(demo_copy)
    for headers in ({}, AUTH, {"X-API-Key": KEY}, {"Authorization": "Bearer "}):
        assert client.post("/api/documents", json=ARTICLE, headers=headers).status_code == 403
        assert client.delete(f"/api/documents/{victim}", headers=headers).status_code == 403
    response = client.post("/api/documents", json=ARTICLE)
    assert response.get_json()["error"]["message"].startswith("the write API is disabled")
    assert state(demo_copy) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {KEY}x"},
        {"Authorization": f"Basic {KEY}"},
        {"X-API-Key": KEY[:-1]},
        {"X-API-Key": ""},
        {"Authorization": "Bearer ÄÖÜ-not-ascii"},
    ],
)
def test_wrong_or_missing_key_is_401_and_changes_nothing(demo_copy: Path, headers: dict[str, str]) -> None:
    client = make_client(demo_copy, API_KEY=KEY)
    victim = client.get("/api/search").get_json()["hits"][0]["id"]
    before = state(demo_copy)
    posted = client.post("/api/documents", json=[ARTICLE], headers=headers)
    deleted = client.delete(f"/api/documents/{victim}", headers=headers)
    for response in (posted, deleted):
        assert response.status_code == 401 and response.get_json()["error"]["status"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert state(demo_copy) == before


def test_add_search_replace_and_delete_with_the_key(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHKIT_API_KEY", KEY)  # from the environment, as in production
    client = make_client(demo_copy)
    count = client.get("/healthz").get_json()["documents"]

    added = client.post("/api/documents", json=ARTICLE, headers=AUTH)
    assert added.status_code == 201
    report = added.get_json()
    assert report["added"] == 1 and report["ids"] == ["api-1"] and report["documents"] == count + 1

    hits = client.get("/api/search?q=Elbbrücke OR Brücke Dresden").get_json()["hits"]
    assert "api-1" in [h["id"] for h in hits]
    doc = client.get("/api/documents/api-1").get_json()
    assert doc["published"] == "2025-06-02" and doc["metadata"]["ressort"] == "Lokales"
    assert doc["entities"], "enriched with entities (Dresden, Elbe)"

    again = client.post("/api/documents", json=ARTICLE, headers={"X-API-Key": KEY})
    assert again.status_code == 200 and again.get_json()["skipped"] == 1

    changed = dict(ARTICLE, text=ARTICLE["text"] + " Der Verkehr fließt.")
    replaced = client.post("/api/documents", json=changed, headers=AUTH)
    assert replaced.status_code == 200 and replaced.get_json()["updated"] == 1
    assert client.get("/healthz").get_json()["documents"] == count + 1

    removed = client.delete("/api/documents/api-1", headers=AUTH)
    assert removed.status_code == 200 and removed.get_json() == {"deleted": "api-1", "documents": count}
    assert client.get("/api/documents/api-1").status_code == 404
    assert client.delete("/api/documents/api-1", headers=AUTH).status_code == 404


def test_batches_as_array_and_json_lines(demo_copy: Path) -> None:
    client = make_client(demo_copy, API_KEY=KEY)
    count = client.get("/healthz").get_json()["documents"]
    batch = [
        {"title": "Erster Testartikel über Hochwasser", "text": "Das Hochwasser an der Oder steigt weiter."},
        {"url": "https://example.org/b", "headline": "Zweiter Testartikel", "content": "Hochwasser auch an der Neiße."},
    ]
    response = client.post("/api/documents", json=batch, headers=AUTH)
    assert response.status_code == 201 and response.get_json()["added"] == 2
    ids = response.get_json()["ids"]
    assert ids[0].startswith("api:") and ids[1] == "https://example.org/b"
    for url in ("/api/documents/https://example.org/b", "/dokument/https://example.org/b", "/api/similar/https://example.org/b"):
        assert client.get(url).status_code == 200, url  # a URL id, "//" and all
    # (U+2028 inside a string is valid JSON, and no end of a line of JSON Lines)
    lines = "\n".join(json.dumps({"id": f"line-{i}", "text": f"Pegelstand Nummer {i}\u2028an der Elbe."},
                                 ensure_ascii=False) for i in range(3))
    response = client.post("/api/documents", data=lines + "\n\n", headers=AUTH | {"Content-Type": "application/x-ndjson"})
    assert response.status_code == 201 and response.get_json()["ids"] == ["line-0", "line-1", "line-2"]
    assert client.get("/healthz").get_json()["documents"] == count + 5
    assert client.get("/api/search?q=Hochwasser").get_json()["total"] >= 2


def test_an_id_sent_twice_stores_the_last_version_and_says_so(demo_copy: Path) -> None:
    client = make_client(demo_copy, API_KEY=KEY)
    rows = [{"id": "d9", "text": "Erste Fassung des Textes."}, {"id": "d9", "text": "Zweite Fassung des Textes."}]
    report = client.post("/api/documents", json=rows, headers=AUTH).get_json()
    assert (report["added"], report["skipped"], report["superseded"], report["stored"]) == (1, 0, 1, ["d9"])
    assert "Zweite" in client.get("/api/documents/d9").get_json()["body"]


def test_a_duplicate_under_a_new_id_says_which_id_holds_it(demo_copy: Path) -> None:
    # found by a review: the answer listed "neu-2" in "ids" although it was skipped as a
    # duplicate, and GET /api/documents/neu-2 was a 404
    client = make_client(demo_copy, API_KEY=KEY)
    news = {"id": "neu-1", "title": "Kurzmeldung", "text": "Der Wetterdienst warnt vor Sturm an der Nordseeküste."}
    first = client.post("/api/documents", json=news, headers=AUTH)
    assert first.status_code == 201
    assert first.get_json() | {"documents": 0} == {
        "added": 1, "updated": 0, "skipped": 0, "superseded": 0, "failed": 0, "errors": [], "failed_ids": [],
        "ids": ["neu-1"], "stored": ["neu-1"], "duplicates": [], "documents": 0,
    }
    second = client.post("/api/documents", json=dict(news, id="neu-2"), headers=AUTH)
    assert second.status_code == 200
    report = second.get_json()
    assert report["skipped"] == 1 and report["ids"] == ["neu-2"]  # "ids": the ids of the request
    assert report["stored"] == [] and report["duplicates"] == [{"id": "neu-2", "duplicate_of": "neu-1"}]
    assert client.get("/api/documents/neu-2").status_code == 404
    assert client.get("/api/documents/neu-1").status_code == 200
    # the same document again is skipped too, but it is stored: a GET finds it
    again = client.post("/api/documents", json=news, headers=AUTH).get_json()
    assert again["skipped"] == 1 and again["stored"] == ["neu-1"] and again["duplicates"] == []
    # duplicates inside one batch: the first of them is stored, the others point to it
    batch = [
        {"id": "b-1", "text": "Die Fähre nach Helgoland fällt heute aus."},
        {"id": "b-2", "text": "Die Fähre nach Helgoland fällt heute aus."},
        {"id": "b-3", "text": "Der Hafen von Cuxhaven bleibt geöffnet."},
    ]
    mixed = client.post("/api/documents", json=batch, headers=AUTH).get_json()
    assert (mixed["added"], mixed["skipped"]) == (2, 1) and mixed["ids"] == ["b-1", "b-2", "b-3"]
    assert mixed["stored"] == ["b-1", "b-3"] and mixed["duplicates"] == [{"id": "b-2", "duplicate_of": "b-1"}]
    for doc_id in mixed["stored"]:
        assert client.get(f"/api/documents/{doc_id}").status_code == 200


def test_a_blank_id_is_no_id(demo_copy: Path) -> None:
    """Found by a review: "id": "" got a generated id, "id": "  " was a 400."""
    client = make_client(demo_copy, API_KEY=KEY)
    body = '[{"id": "", "text": "Der Pegel der Elbe sinkt."}, {"id": "  ", "text": "Der Pegel der Saale sinkt."}]'
    response = client.post("/api/documents", data=body, headers=AUTH | {"Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()
    assert all(doc_id.startswith("api:") for doc_id in response.get_json()["ids"])


def test_lone_surrogate_escapes_are_cleaned_not_a_500(demo_copy: Path) -> None:
    # "\ud800" alone is valid JSON but no text: it used to crash hashing the fallback id
    client = make_client(demo_copy, API_KEY=KEY)
    body = '[{"title": "Pegel \\ud800 steigt", "text": "Der Pegel der Elbe steigt \\udfff weiter."},' \
        ' {"id": "sur-2", "text": "Auch \\ud83d die Saale steigt."}]'
    response = client.post("/api/documents", data=body, headers=AUTH | {"Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()
    first, second = response.get_json()["ids"]
    assert first.startswith("api:") and second == "sur-2"
    stored = client.get(f"/api/documents/{first}").get_json()
    assert "\ud800" not in stored["title"] and "Pegel" in stored["title"]
    assert client.get("/api/search?q=Saale").get_json()["total"] >= 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{not json", "application/json", 400, "not valid JSON"),
        ("", "application/json", 400, "empty"),
        ("[]", "application/json", 400, "no documents"),
        ('"just a string"', "application/json", 400, "must be a JSON object"),
        ('[{"id": "ok", "text": "Gut."}, {"id": "bad"}]', "application/json", 400, "document 2: no text"),
        ('[{"id": "x", "text": 5}]', "application/json", 400, "must be a string"),
        ('{"id": "b", "text": "\\ud800\\u0000"}', "application/json", 400, "no text"),  # stored empty before
        ('{"id": "ok", "text": "Gut."}\n{broken', "application/x-ndjson", 400, "line 2"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "nested too deeply"),  # was a 500
        ('{"id": "ok", "text": "Gut."}\n' + "[" * 100_000, "application/x-ndjson", 400, "line 2 is JSON nested too deeply"),
        ('{"id": "ok", "text": "Gut."}', "text/plain", 415, "Content-Type"),
        (b"\xff\xfe\x00", "application/json", 400, "UTF-8"),
        ('{"id": "d", "text": "Gut.", "date": "2025-13-01"}', "application/json", 400, "date '2025-13-01' cannot be read"),
        ('{"id": "d", "text": "Gut.", "date": "2025-02-29"}', "application/json", 400, "cannot be read"),
        ('{"id": "d", "text": "Gut.", "published": 12345}', "application/json", 400, "date 12345 cannot be read"),
        ('{"id": "d", "text": "Gut.", "date": [2025]}', "application/json", 400, "cannot be read"),
        ('{"id": "d", "text": "Gut.", "date": "2025-03-01T10:00+99:00"}', "application/json", 400, "cannot be read"),
        ('{"id": "d", "text": "Gut.", "date": "2025-03-01T10:00:99"}', "application/json", 400, "cannot be read"),
    ],
)
def test_invalid_bodies_write_nothing(
    demo_copy: Path, body: str | bytes, content_type: str, status: int, message: str
) -> None:
    client = make_client(demo_copy, API_KEY=KEY)
    before = state(demo_copy)
    response = client.post("/api/documents", data=body, headers=AUTH | {"Content-Type": content_type})
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]
    assert state(demo_copy) == before


@pytest.mark.parametrize("date", ["2025-02-29", "04/03/2025", "2025-02-29T10:00"])
def test_an_impossible_date_is_a_400_and_no_log_line(demo_copy: Path, date: str, caplog: pytest.LogCaptureFixture) -> None:
    # found by a review: the 400 was right, but "not a valid calendar date: '2025-02-29'" also
    # went to stderr, naming no document, for a request whose answer already says it
    client = make_client(demo_copy, API_KEY=KEY)
    with caplog.at_level(logging.DEBUG, logger="searchkit.dates"):
        response = client.post("/api/documents", json=dict(ARTICLE, date=date), headers=AUTH)
    assert response.status_code == 400 and f"date {date!r} cannot be read" in response.get_json()["error"]["message"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    # the library still warns a caller that does not take the warning over
    with caplog.at_level(logging.WARNING, logger="searchkit.dates"):
        assert parse_date("2025-02-29") is None
    assert "not a valid calendar date: '2025-02-29'" in caplog.text


def test_timestamps_with_a_zone_are_stored_to_the_minute(demo_copy: Path) -> None:
    client = make_client(demo_copy, API_KEY=KEY)
    dates = {"z1": "2025-03-01T10:00:59+01:00", "z2": "2025-03-01T10:00Z", "z3": "2025-03-01 10:00:00.5"}
    docs = [{"id": doc_id, "text": f"Zeitstempel {doc_id}.", "date": value} for doc_id, value in dates.items()]
    assert client.post("/api/documents", json=docs, headers=AUTH).status_code == 201
    for doc_id in dates:
        data = client.get(f"/api/documents/{doc_id}").get_json()
        assert data.get("published") == "2025-03-01T10:00", data


def test_size_and_batch_limits(demo_copy: Path) -> None:
    client = make_client(demo_copy, API_KEY=KEY, MAX_BATCH=3, MAX_CONTENT_LENGTH=2000)
    before = state(demo_copy)
    many = [{"id": f"n{i}", "text": "Kurz."} for i in range(4)]
    response = client.post("/api/documents", json=many, headers=AUTH)
    assert response.status_code == 400 and "at most 3 documents" in response.get_json()["error"]["message"]
    big = client.post("/api/documents", json={"id": "big", "text": "Wort " * 1000}, headers=AUTH)
    assert big.status_code == 413 and big.get_json()["error"]["status"] == 413
    assert state(demo_copy) == before


def test_key_from_environment_is_taken_verbatim(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A numeric key must not become an int on the way through Flask's env parsing."""
    monkeypatch.setenv("SEARCHKIT_API_KEY", "0123456789")
    client = make_client(demo_copy)
    response = client.post("/api/documents", json=ARTICLE, headers={"X-API-Key": "0123456789"})
    assert response.status_code == 201


def test_a_write_logs_its_count(demo_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The request log's "hits" of a write is its number of documents (a DELETE logged null)."""
    client = create_app(index_path=demo_copy, LOG_REQUESTS=True, API_KEY=KEY).test_client()
    logger = logging.getLogger("searchkit.requests")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="searchkit.requests"):
            client.post("/api/documents", json={"id": "log-1", "text": "Ein Text für das Protokoll."}, headers=AUTH)
            client.delete("/api/documents/log-1", headers=AUTH)
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "searchkit.requests"]
    assert [(line["method"], line["status"], line["hits"]) for line in lines] == [("POST", 201, 1), ("DELETE", 200, 1)]


def test_a_write_with_unknown_parameters_is_a_400_and_writes_nothing(demo_copy: Path) -> None:
    """Found by a review: "?dry_run=1" was ignored and the documents written; "DELETE
    /api/documents/a?b" deleted "a"."""
    client = make_client(demo_copy, API_KEY=KEY)
    before = state(demo_copy)
    response = client.post("/api/documents?dry_run=1", json=ARTICLE, headers=AUTH)
    assert response.status_code == 400
    assert "unknown parameter(s): dry_run" in response.get_json()["error"]["message"]
    doc_id = before[2][0]
    response = client.delete(f"/api/documents/{doc_id}?x=1", headers=AUTH)
    assert response.status_code == 400
    assert state(demo_copy) == before
    assert client.delete(f"/api/documents/{doc_id}", headers=AUTH).status_code == 200


def test_an_id_that_begins_with_a_slash_is_reachable(demo_copy: Path) -> None:
    """Found by a review: an id that is a URL's path ("/2024/03/artikel") answered 404 at every
    endpoint (Werkzeug's path converter takes no first "/")."""
    client = make_client(demo_copy, API_KEY=KEY)
    article = ARTICLE | {"id": "/2025/06/bruecke"}
    assert client.post("/api/documents", json=article, headers=AUTH).status_code == 201
    for url in ("/api/documents//2025/06/bruecke", "/api/documents/%2F2025%2F06%2Fbruecke", "/dokument//2025/06/bruecke",
                "/api/similar//2025/06/bruecke"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/documents//2025/06/bruecke").get_json()["id"] == "/2025/06/bruecke"
    hit = client.get("/api/search?q=Elbe Dresden Brücke").get_json()["hits"][0]
    assert hit["id"] == "/2025/06/bruecke"
    page = client.get("/?q=Elbe+Dresden+Br%C3%BCcke").get_data(as_text=True)
    assert 'href="/dokument//2025/06/bruecke?' in page
    assert client.delete("/api/documents//2025/06/bruecke", headers=AUTH).status_code == 200
    assert client.get("/api/documents/").status_code == 404
