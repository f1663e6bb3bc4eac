"""/v1/documents: list, get with text, delete, and upload (files and JSON articles).

The demo index is shared by the module: ``_restore_index`` deletes every document a test
added, so no test depends on another or on their order.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest.loaders import SUPPORTED_SUFFIXES
from service.api.document_schemas import (
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    UploadResponse,
)
from service.api.job_schemas import JobOut
from service.api.schemas import AskResponse, ErrorResponse, SearchResponse
from service.wiring import Components
from tests.conftest import DEMO_IDS
from tests.service.api.conftest import LiveServer

SUPPORTED = ", ".join(sorted(SUPPORTED_SUFFIXES))
BRIDGE_TEXT = (
    "The Zorvath Bridge in Eldham reopened on Monday after a two-year restoration that cost "
    "41 million euros, the city council said.\n"
    "Mayor Ilse Brannock said the bridge would carry 30,000 vehicles a day.\n"
)
BRIDGE_QUESTION = "How much did the Zorvath Bridge restoration cost?"
ARTICLE = "Lighthouse keepers in Orkhal voted on Tuesday to end a strike over pay, the union said."


@pytest.fixture(autouse=True)
def _restore(restore_index: None) -> None:
    """Every test here leaves the shared demo index as it found it."""


def upload(name: str, data: bytes) -> dict[str, Any]:
    """Keyword arguments of ``client.post`` for a multipart upload of one file."""
    return {"files": {"file": (name, data, "application/octet-stream")}}


class Reply(Protocol):
    """An httpx response (the TestClient's may come from another httpx package)."""

    @property
    def status_code(self) -> int: ...

    def json(self) -> Any: ...


def error_of(response: Reply) -> tuple[int, str, str]:
    """(status, error type, message) of an error reply, parsed with the real model."""
    body = ErrorResponse.model_validate(response.json()).error
    return response.status_code, body.type, body.message


def ask(client: TestClient | httpx.Client, question: str) -> AskResponse:
    response = client.post("/v1/ask", json={"question": question, "mode": "extractive"})
    assert response.status_code == 200, response.text
    return AskResponse.model_validate(response.json())


# ---- list, get, delete ---------------------------------------------------------------


def test_list_is_sorted_by_id_and_pages(client: TestClient) -> None:
    response = client.get("/v1/documents")
    assert response.status_code == 200
    everything = DocumentList.model_validate(response.json())
    assert [d.doc_id for d in everything.documents] == DEMO_IDS
    assert (everything.total, everything.offset, everything.limit) == (len(DEMO_IDS), 0, 50)
    assert all(d.chunks > 0 for d in everything.documents)

    pages = [
        DocumentList.model_validate(
            client.get("/v1/documents", params={"offset": offset, "limit": 2}).json()
        )
        for offset in range(0, len(DEMO_IDS) + 2, 2)
    ]
    assert [d.doc_id for p in pages for d in p.documents] == DEMO_IDS
    assert [len(p.documents) for p in pages] == [2, 2, 1, 0]
    assert all(p.total == len(DEMO_IDS) and p.limit == 2 for p in pages)
    assert pages[1].documents == everything.documents[2:4]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 0}, "limit: Input should be greater than or equal to 1"),
        ({"limit": 501}, "limit: Input should be less than or equal to 500"),
        ({"offset": -1}, "offset: Input should be greater than or equal to 0"),
        (
            {"limit": "ten"},
            "limit: Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_list_refuses_bad_paging(client: TestClient, params: dict[str, Any], message: str) -> None:
    response = client.get("/v1/documents", params=params)
    assert error_of(response) == (422, "invalid_request", message)


def test_get_returns_the_text_that_search_offsets_point_into(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "Lavrov relations with Washington"})
    results = SearchResponse.model_validate(response.json()).results
    assert results
    for result in results:
        got = client.get(f"/v1/documents/{result.doc_id}")
        assert got.status_code == 200
        doc = DocumentDetail.model_validate(got.json())
        assert doc.doc_id == result.doc_id
        assert doc.text[result.start : result.end] == result.text
        assert (doc.title, doc.source, doc.published) == (
            result.title,
            result.source,
            result.published,
        )


def test_get_returns_the_stored_text_and_metadata(
    client: TestClient, demo_parts: Components
) -> None:
    doc_id = DEMO_IDS[0]
    stored = demo_parts.index.get_document(doc_id)
    doc = DocumentDetail.model_validate(client.get(f"/v1/documents/{doc_id}").json())
    assert doc.text == stored.text
    assert doc.authors == list(stored.authors) and doc.authors
    assert (doc.title, doc.source, doc.published, doc.url, doc.chunks) == (
        stored.title,
        stored.source,
        stored.published,
        stored.url,
        stored.chunks,
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_id_is_404_naming_it(client: TestClient, method: str) -> None:
    response = client.request(method, "/v1/documents/no-such-article")
    assert error_of(response) == (404, "not_found", "no document with id 'no-such-article'")


def test_documents_need_the_api_key_when_keys_are_set(
    app_factory: Callable[..., FastAPI],
) -> None:
    with TestClient(app_factory(api_keys="s3cret")) as keyed:
        assert keyed.get("/v1/documents").status_code == 401
        assert keyed.post("/v1/documents", json={"text": ARTICLE}).status_code == 401
        headers = {"Authorization": "Bearer s3cret"}
        assert keyed.get("/v1/documents", headers=headers).status_code == 200


# ---- upload: the whole flow on a real server -----------------------------------------


def test_upload_ask_delete_through_a_real_server(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, timeout=60) as http:
        assert not any(c.doc_id == "zorvath" for c in ask(http, BRIDGE_QUESTION).citations)

        response = http.post("/v1/documents", **upload("zorvath.txt", BRIDGE_TEXT.encode()))
        assert response.status_code == 201, response.text
        [result] = UploadResponse.model_validate(response.json()).results
        assert (result.doc_id, result.status) == ("zorvath", "added")
        assert result.chunks >= 1

        answer = ask(http, BRIDGE_QUESTION)
        assert answer.answerable
        cited = [c for c in answer.citations if c.doc_id == "zorvath"]
        assert cited, answer
        doc = DocumentDetail.model_validate(http.get("/v1/documents/zorvath").json())
        assert doc.text == BRIDGE_TEXT
        assert all(doc.text[c.start : c.end] == c.quote for c in cited)
        assert any("41 million euros" in c.quote for c in cited)

        listed = DocumentList.model_validate(http.get("/v1/documents").json())
        assert "zorvath" in [d.doc_id for d in listed.documents]
        assert listed.total == len(DEMO_IDS) + 1

        deleted = http.delete("/v1/documents/zorvath")
        assert deleted.status_code == 200
        assert DeleteResponse.model_validate(deleted.json()) == DeleteResponse(
            doc_id="zorvath", deleted=True
        )
        assert error_of(http.get("/v1/documents/zorvath")) == (
            404,
            "not_found",
            "no document with id 'zorvath'",
        )
        assert error_of(http.delete("/v1/documents/zorvath"))[0] == 404
        assert not any(c.doc_id == "zorvath" for c in ask(http, BRIDGE_QUESTION).citations)


def test_uploaded_text_is_searchable_by_keyword_at_once(client: TestClient) -> None:
    response = client.post("/v1/documents", **upload("orkhal.txt", ARTICLE.encode()))
    assert response.status_code == 201
    found = client.post("/v1/search", json={"query": "Orkhal lighthouse keepers strike"})
    results = SearchResponse.model_validate(found.json()).results
    assert results[0].doc_id == "orkhal"
    assert results[0].text == ARTICLE


@pytest.mark.parametrize("text", ["— … —", "And the, of it."])
def test_a_text_without_a_searchable_word_is_stored_and_search_goes_on(
    client: TestClient, text: str
) -> None:
    # No word the keyword index keeps (stopwords, punctuation): stored like any other text,
    # never a 500, and the index keeps answering.
    response = client.post("/v1/documents", json={"doc_id": "wordless", "text": text})
    assert response.status_code == 201, response.text
    assert client.get("/v1/documents/wordless").json()["text"] == text
    found = client.post("/v1/search", json={"query": "Lavrov Washington"})
    assert found.status_code == 200 and found.json()["results"]


# ---- upload: formats ---------------------------------------------------------------------


def test_markdown_upload_takes_its_title_from_the_heading(client: TestClient) -> None:
    text = f"# Orkhal strike ends\n\n{ARTICLE}\n"
    response = client.post("/v1/documents", **upload("strike.md", text.encode()))
    assert response.status_code == 201
    doc = DocumentDetail.model_validate(client.get("/v1/documents/strike").json())
    assert (doc.title, doc.text) == ("Orkhal strike ends", text)


def test_html_upload_keeps_the_article_text_and_drops_the_path_of_its_name(
    client: TestClient,
) -> None:
    html = (
        "<html><head><title>Orkhal strike ends | Orkhal Times</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav><article>"
        "<h1>Orkhal strike ends</h1><p>Lighthouse keepers in Orkhal voted on Tuesday to end a "
        "strike over pay that had lasted six weeks, the union said in a statement.</p><p>The "
        "keepers will receive a raise of four percent from March, according to the agreement "
        "signed with the harbour authority late on Monday night.</p></article></body></html>"
    )
    response = client.post("/v1/documents", **upload("news/2025/strike.html", html.encode()))
    assert response.status_code == 201
    [result] = UploadResponse.model_validate(response.json()).results
    assert result.doc_id == "strike"
    doc = DocumentDetail.model_validate(client.get("/v1/documents/strike").json())
    assert doc.title == "Orkhal strike ends"
    assert "Lighthouse keepers in Orkhal voted on Tuesday" in doc.text
    assert "Sport" not in doc.text and "<p>" not in doc.text


def test_cp1252_upload_is_decoded(client: TestClient) -> None:
    data = "Caf\u00e9 owners in Lyon said on Tuesday that prices rose.".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    response = client.post("/v1/documents", **upload("cafe.txt", data))
    assert response.status_code == 201
    doc = DocumentDetail.model_validate(client.get("/v1/documents/cafe").json())
    assert doc.text == "Caf\u00e9 owners in Lyon said on Tuesday that prices rose."


def test_json_and_jsonl_files_may_hold_several_articles(client: TestClient) -> None:
    records = [
        {"id": "multi-1", "title": "One", "text": ARTICLE, "published": "2024-12-26"},
        {"id": "multi-2", "text": BRIDGE_TEXT, "source": "Eldham Post", "author": ["A. B"]},
    ]
    response = client.post("/v1/documents", **upload("batch.json", json.dumps(records).encode()))
    assert response.status_code == 202  # several articles: an upload job
    job = finished_job(client, response.json()["job_id"])
    assert (job.state, job.total, job.counts.added) == ("succeeded", 2, 2)
    second = DocumentDetail.model_validate(client.get("/v1/documents/multi-2").json())
    assert (second.source, second.authors, second.text) == ("Eldham Post", ["A. B"], BRIDGE_TEXT)
    first = DocumentDetail.model_validate(client.get("/v1/documents/multi-1").json())
    assert (first.title, first.published) == ("One", "2024-12-26")

    lines = "\n".join(json.dumps(r) for r in records).encode()
    again = client.post("/v1/documents", **upload("batch.jsonl", lines))
    assert again.status_code == 202
    job = finished_job(client, again.json()["job_id"])
    assert (job.state, job.counts.added, job.counts.unchanged) == ("succeeded", 0, 2)


def finished_job(client: TestClient, job_id: str) -> JobOut:
    """Poll an upload job until it ends (bounded)."""
    for _ in range(3000):
        job = JobOut.model_validate(client.get(f"/v1/jobs/{job_id}").json())
        if job.state in ("succeeded", "cancelled", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end")


# ---- upload: JSON body -------------------------------------------------------------------


def test_json_body_is_added_then_unchanged_then_updated(client: TestClient) -> None:
    body = {"doc_id": "orkhal-strike", "title": "Strike ends", "text": ARTICLE,
            "source": "Orkhal Times", "published": "2025-01-07T09:30:00Z",
            "url": "https://example.org/strike", "author": "Kim Vale"}  # fmt: skip
    first = client.post("/v1/documents", json=body)
    assert first.status_code == 201
    [added] = UploadResponse.model_validate(first.json()).results
    assert (added.doc_id, added.status) == ("orkhal-strike", "added")

    repeat = client.post("/v1/documents", json=body)
    assert repeat.status_code == 200
    [same] = UploadResponse.model_validate(repeat.json()).results
    assert (same.status, same.chunks) == ("unchanged", added.chunks)

    changed = client.post("/v1/documents", json={**body, "text": ARTICLE + " Talks resume."})
    assert changed.status_code == 200
    [updated] = UploadResponse.model_validate(changed.json()).results
    assert (updated.doc_id, updated.status) == ("orkhal-strike", "updated")

    doc = DocumentDetail.model_validate(client.get("/v1/documents/orkhal-strike").json())
    assert doc.text == ARTICLE + " Talks resume."
    assert (doc.title, doc.source, doc.published, doc.url, doc.authors) == (
        "Strike ends",
        "Orkhal Times",
        "2025-01-07",
        "https://example.org/strike",
        ["Kim Vale"],
    )


def test_json_body_without_id_gets_a_content_hash_id(client: TestClient) -> None:
    response = client.post("/v1/documents", json={"text": ARTICLE})
    assert response.status_code == 201
    [result] = UploadResponse.model_validate(response.json()).results
    assert result.doc_id == "doc-" + hashlib.sha256(ARTICLE.encode()).hexdigest()[:12]
    again = client.post("/v1/documents", json={"text": ARTICLE, "title": "Now with a title"})
    [retitled] = UploadResponse.model_validate(again.json()).results
    assert (retitled.doc_id, retitled.status) == (result.doc_id, "updated")


# ---- upload: bad input -------------------------------------------------------------------

JSON = {"Content-Type": "application/json"}
FILE_REQUIRED = (
    "file: Field required: a file with a name (e.g. article.txt) in the multipart field 'file'"
)
BAD_INPUT = [
    # (case, post arguments, status, error type, message)
    ("empty file", upload("empty.txt", b""), 422, "bad_document", "empty.txt: empty file"),
    ("blank file", upload("blank.txt", b" \n\t\n"), 422, "bad_document",
     "blank.txt: empty file"),
    ("binary file", upload("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), 422,
     "bad_document", "photo.txt: binary file, not text"),
    ("non-UTF-8 with NULs", upload("garbage.txt", b"\xff\xfe\x00\x00garbage\x00"), 422,
     "bad_document", "garbage.txt: binary file, not text"),
    ("neither UTF-8 nor cp1252", upload("latin.txt", b"caf\x81 au \x8d lait"), 422,
     "bad_document", "latin.txt: not UTF-8 or cp1252 text"),
    ("unsupported extension", upload("report.pdf", b"%PDF-1.4 text"), 415,
     "unsupported_media_type",
     f"report.pdf: unsupported file type '.pdf' (supported: {SUPPORTED})"),
    ("no extension", upload("README", b"some text"), 415, "unsupported_media_type",
     f"README: no file extension (supported: {SUPPORTED})"),
    ("malformed JSON file", upload("bad.json", b'{"text": "x",}'), 422, "bad_document",
     "bad.json: invalid JSON: Expecting property name enclosed in double quotes "
     "(line 1, column 14)"),
    ("malformed JSONL line", upload("bad.jsonl", b'{"id": "a", "text": "ok"}\n{"text": \n'), 422,
     "bad_document", "bad.jsonl: line 2: invalid JSON: Expecting value (column 10)"),
    ("JSON file without text", upload("notext.json", b'{"title": "x"}'), 422, "bad_document",
     "notext.json: 'text' is required and must be a non-empty string"),
    ("JSON file with a bad date", upload("date.json", b'{"text": "x", "published": "26/12/2024"}'),
     422, "bad_document", "date.json: invalid published date '26/12/2024': expected an ISO date "
     "like 2024-12-26 or an ISO datetime like 2024-12-26T10:00:00Z"),
    ("JSON file with a bad id", upload("slash.json", b'{"id": "a/b", "text": "x"}'), 422,
     "bad_document", "slash.json: doc id 'a/b' must not contain '/'"),
    ("file name too long for an id", upload("x" * 201 + ".txt", b"text"), 422, "bad_document",
     f"{'x' * 201}.txt: doc id is 201 characters long, over the 200 limit"),
    ("HTML without article text", upload("menu.html", b"<html><body><nav><a href='/'>Home</a>"
     b"</nav></body></html>"), 422, "bad_document", "menu.html: no article text found"),
    ("multipart without a file field", {"files": {"upload": ("a.txt", b"text")}}, 422,
     "invalid_request", FILE_REQUIRED),
    ("multipart 'file' that is not a file", {"files": {"x": ("a.txt", b"t")},
     "data": {"file": "text"}}, 422, "invalid_request",
     FILE_REQUIRED),
    ("file without a name", upload("", b"text"), 422, "invalid_request", FILE_REQUIRED),
    ("multipart without a boundary", {"content": b"--x\r\n", "headers": {"Content-Type":
     "multipart/form-data"}}, 400, "http_error", "Missing boundary in multipart."),
    ("two files", {"files": [("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]}, 400,
     "http_error", "Too many files. Maximum number of files is 1."),
    ("JSON body without text", {"json": {"title": "x"}}, 422, "invalid_request",
     "text: Field required"),
    ("JSON body with blank text", {"json": {"text": "  "}}, 422, "bad_document",
     "body: 'text' is required and must be a non-empty string"),
    ("JSON body with a bad date", {"json": {"text": "x", "published": "yesterday"}}, 422,
     "bad_document", "body: invalid published date 'yesterday': expected an ISO date like "
     "2024-12-26 or an ISO datetime like 2024-12-26T10:00:00Z"),
    ("JSON body with a bad id", {"json": {"text": "x", "doc_id": "a/b"}}, 422, "bad_document",
     "body: doc id 'a/b' must not contain '/'"),
    ("JSON body with a blank id", {"json": {"text": "x", "doc_id": " "}}, 422, "bad_document",
     "body: doc id must not be empty"),
    ("JSON body with an unknown key", {"json": {"text": "x", "tittle": "y"}}, 422,
     "invalid_request", "tittle: Extra inputs are not permitted"),
    ("JSON body that is a list", {"json": [{"text": "x"}]}, 422, "invalid_request",
     "body: Input should be an object"),
    ("plain text body", {"content": b"just text", "headers": {"Content-Type": "text/plain"}}, 415,
     "unsupported_media_type", "send a multipart/form-data upload with the file in the field "
     "'file', or a JSON article with Content-Type: application/json; got Content-Type "
     "'text/plain'"),
    ("no body", {}, 415, "unsupported_media_type", "send a multipart/form-data upload with the "
     "file in the field 'file', or a JSON article with Content-Type: application/json; got no "
     "Content-Type"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "status", "kind", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_INPUT],
)
def test_bad_upload_is_refused_with_a_message(
    client: TestClient,
    demo_parts: Components,
    arguments: dict[str, Any],
    status: int,
    kind: str,
    message: str,
) -> None:
    before = demo_parts.index.stats()
    response = client.post("/v1/documents", **arguments)
    assert error_of(response) == (status, kind, message)
    assert demo_parts.index.stats() == before


@pytest.mark.parametrize(
    "body",
    [b'{"text": ', b"not json at all", b'{"text": "caf\xff"}'],
    ids=["truncated", "not JSON", "not UTF-8"],
)
def test_malformed_json_body_is_422(client: TestClient, body: bytes) -> None:
    status, kind, message = error_of(client.post("/v1/documents", content=body, headers=JSON))
    assert (status, kind) == (422, "invalid_request")
    assert message.startswith("body is not valid JSON: "), message


def test_a_failed_upload_changes_nothing(client: TestClient, demo_parts: Components) -> None:
    doc_id = DEMO_IDS[0]
    kept = demo_parts.index.get_document(doc_id)
    stats = demo_parts.index.stats()

    # The same id, binary content: refused, the indexed document is untouched.
    response = client.post("/v1/documents", **upload(f"{doc_id}.txt", b"\x00\x01\x02binary"))
    assert response.status_code == 422
    # A JSONL file whose second record is bad: the good first record is not written either.
    lines = json.dumps({"id": "first-ok", "text": ARTICLE}) + "\n" + json.dumps({"id": "x"})
    response = client.post("/v1/documents", **upload("half.jsonl", lines.encode()))
    assert error_of(response) == (
        422,
        "bad_document",
        "half.jsonl: line 2: 'text' is required and must be a non-empty string",
    )
    # A JSON body for an existing id with a bad date.
    response = client.post("/v1/documents", json={"doc_id": doc_id, "text": "x", "published": "?"})
    assert response.status_code == 422

    assert client.get("/v1/documents/first-ok").status_code == 404
    assert demo_parts.index.get_document(doc_id) == kept
    assert demo_parts.index.stats() == stats


# ---- upload: size limits -----------------------------------------------------------------


@pytest.fixture
def small_limit(app_factory: Callable[..., FastAPI]) -> Iterator[TestClient]:
    """An app on the demo index that takes files of at most 1,000 bytes."""
    with TestClient(app_factory(max_file_bytes=1000)) as small:
        yield small


def test_a_file_at_the_limit_is_taken(small_limit: TestClient) -> None:
    data = (ARTICLE + " " + "x" * 1000)[:1000].encode()
    assert len(data) == 1000
    response = small_limit.post("/v1/documents", **upload("at-limit.txt", data))
    assert response.status_code == 201, response.text


def test_a_file_just_over_the_limit_is_413(small_limit: TestClient) -> None:
    response = small_limit.post("/v1/documents", **upload("big.txt", b"a" * 1001))
    assert error_of(response) == (
        413,
        "too_large",
        "big.txt: file is 1,001 bytes, over the 1,000-byte limit (NEWSQA_MAX_FILE_BYTES)",
    )


def test_a_file_far_over_the_limit_is_stopped_by_the_middleware(small_limit: TestClient) -> None:
    response = small_limit.post("/v1/documents", **upload("huge.txt", b"a" * 200_000))
    assert error_of(response) == (413, "too_large", "upload is over the 65000 byte limit")


def test_json_body_text_over_the_file_limit_is_413(small_limit: TestClient) -> None:
    response = small_limit.post("/v1/documents", json={"text": "a" * 1001})
    assert error_of(response) == (
        413,
        "too_large",
        "body: 'text' is 1,001 bytes, over the 1,000-byte limit (NEWSQA_MAX_FILE_BYTES)",
    )


# ---- OpenAPI -----------------------------------------------------------------------------


def test_openapi_documents_both_upload_bodies_and_codes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/documents"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert {"200", "201", "413", "415", "422"} <= set(post["responses"])
    assert set(spec["paths"]["/v1/documents/{doc_id}"]) == {"get", "delete"}


# ---- bounded chunks ----------------------------------------------------------------------


@pytest.mark.slow
def test_an_article_without_sentence_punctuation_is_cut_into_bounded_chunks(
    live: LiveServer, demo_parts: Components
) -> None:
    words = [f"flood{i % 97} level{i % 89} river{i}" for i in range(4000)]
    text = " ".join(words)  # ~90 KB, not one full stop or line break
    assert "." not in text and "\n" not in text and len(text) > 80_000
    with httpx.Client(base_url=live.url, timeout=120) as http:
        response = http.post("/v1/documents", **upload("unpunctuated.txt", text.encode()))
        assert response.status_code == 201, response.text
        [result] = UploadResponse.model_validate(response.json()).results
        limit = demo_parts.settings.chunk_size
        assert result.chunks >= len(text) // limit
        found = http.post(
            "/v1/search",
            json={"query": "flood5 level7 river1200", "filters": {"doc_ids": ["unpunctuated"]}},
        )
        results = SearchResponse.model_validate(found.json()).results
    assert results
    assert all(len(r.text) <= limit and text[r.start : r.end] == r.text for r in results)
