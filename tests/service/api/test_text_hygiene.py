"""Lone surrogates, NULs and control characters in any field of any route: a 4xx naming the
field, before any store call, and an error reply that always encodes. Through a real server.

Bodies are sent as JSON text with the surrogate as a ``\\ud800`` escape, as a client would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.wiring import Components
from tests.service.api.conftest import LiveServer

SURROGATE = "\ud800"
HOLDS = "holds a lone surrogate U+D800 at character 0"
JSON_REFUSAL = "body is not valid JSON: Invalid JSON: unexpected end of hex escape"
PYDANTIC_REFUSAL = "Input should be a valid string, unable to parse raw data as a unicode string"


@pytest.fixture(scope="module")
def http(demo_parts: Components) -> Iterator[httpx.Client]:
    from service.api.app import create_app

    with (
        LiveServer(create_app(demo_parts.settings, demo_parts)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        yield client


def post(http: httpx.Client, path: str, body: Any) -> httpx.Response:
    return http.post(
        path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


CASES = [
    # (case, path, body, status, message)
    ("ask filters.sources", "/v1/ask", {"question": "q", "filters": {"sources": [SURROGATE]}},
     422, f"filters.sources.0: {HOLDS}"),
    ("ask filters.doc_ids", "/v1/ask", {"question": "q", "filters": {"doc_ids": [SURROGATE]}},
     422, f"filters.doc_ids.0: {HOLDS}"),
    ("ask question", "/v1/ask", {"question": SURROGATE}, 422, f"question: {HOLDS}"),
    ("ask question NUL", "/v1/ask", {"question": "why\u0000"}, 422,
     "question: holds a NUL character (U+0000) at character 3"),
    ("ask history", "/v1/ask", {"question": "q", "history": [{"role": "user",
     "content": SURROGATE}]}, 422, f"history.0.content: {HOLDS}"),
    ("search query", "/v1/search", {"query": SURROGATE}, 422, f"query: {HOLDS}"),
    ("search filters.sources", "/v1/search", {"query": "q", "filters": {"sources":
     [SURROGATE]}}, 422, f"filters.sources.0: {HOLDS}"),
    ("search filters.doc_ids", "/v1/search", {"query": "q", "filters": {"doc_ids":
     [SURROGATE]}}, 422, f"filters.doc_ids.0: {HOLDS}"),
    ("search source control", "/v1/search", {"query": "q", "filters": {"sources":
     ["Reu\nters"]}}, 422,
     "filters.sources.0: holds the control character U+000A at character 3"),
    ("document text", "/v1/documents", {"text": SURROGATE}, 422, f"text: {HOLDS}"),
    ("document id", "/v1/documents", {"text": "Fine.", "doc_id": SURROGATE}, 422,
     f"doc_id: {HOLDS}"),
    ("document source", "/v1/documents", {"text": "Fine.", "source": SURROGATE}, 422,
     f"source: {HOLDS}"),
    ("document author", "/v1/documents", {"text": "Fine.", "author": ["A", SURROGATE]}, 422,
     f"author.1: {HOLDS}"),
    ("document id bidi", "/v1/documents", {"text": "Fine.", "doc_id": "a\u202eb"}, 422,
     "doc_id: holds the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1"),
    ("document NUL text", "/v1/documents", {"text": "\u0000"}, 422,
     "text: holds a NUL character (U+0000) at character 0"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_text_is_a_4xx_naming_the_field(
    http: httpx.Client,
    demo_parts: Components,
    path: str,
    body: Any,
    status: int,
    message: str,
) -> None:
    before = demo_parts.index.stats()
    reply = post(http, path, body)
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert error["type"] == "invalid_request"
    if message.endswith(HOLDS):
        # pydantic itself refuses some strings that are a lone surrogate; either way the
        # reply names the field.
        # A JSON body parsed by pydantic refuses the escape as invalid JSON.
        field = message.removesuffix(HOLDS)
        assert error["message"] in (message, f"{field}{PYDANTIC_REFUSAL}") or error[
            "message"
        ].startswith(JSON_REFUSAL), error
    else:
        assert error["message"] == message
    assert demo_parts.index.stats() == before


CHAT = [
    # (case, body, param)
    ("content", {"messages": [{"role": "user", "content": SURROGATE}]}, "messages[0].content"),
    ("text part", {"messages": [{"role": "user", "content": [{"type": "text",
     "text": SURROGATE}]}]}, "messages[0].content"),
    ("model", {"model": SURROGATE}, "model"),
    ("filters", {"filters": {"sources": [SURROGATE]}}, "filters.sources[0]"),
    ("history", {"messages": [{"role": "user", "content": "Hi" + SURROGATE},
     {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "q"}]},
     "messages[0].content"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "param"), [pytest.param(*case[1:], id=case[0]) for case in CHAT])
def test_bad_text_in_chat_is_an_openai_400(
    http: httpx.Client, body: dict[str, Any], param: str
) -> None:
    request = {"model": "newsqa", "messages": [{"role": "user", "content": "q"}], **body}
    reply = post(http, "/v1/chat/completions", request)
    assert reply.status_code == 400, reply.text
    error = reply.json()["error"]
    assert error["param"] == param
    assert "holds a lone surrogate U+D800" in error["message"] or (
        PYDANTIC_REFUSAL in error["message"]
    )


@pytest.mark.parametrize("doc_id", ["a%00b", "a%E2%80%AEb"])
def test_bad_ids_in_paths_are_refused(http: httpx.Client, doc_id: str) -> None:
    for method in ("GET", "DELETE"):
        reply = http.request(method, f"/v1/documents/{doc_id}")
        assert reply.status_code == 422, reply.text
        assert reply.json()["error"]["message"].startswith("doc_id: holds ")


def test_an_uploaded_file_with_a_bad_record_writes_nothing(
    http: httpx.Client, demo_parts: Components
) -> None:
    records = [{"id": f"r{n}", "text": f"Record {n} text.", "source": "Wire"} for n in range(60)]
    records[50]["source"] = "Wi" + SURROGATE + "re"
    before = demo_parts.index.stats()
    reply = http.post("/v1/documents", files={"file": ("sixty.json", json.dumps(records).encode())})
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"] == {
        "type": "bad_document",
        "message": "sixty.json: record 51: 'source' holds a lone surrogate U+D800 at character 2",
    }
    assert demo_parts.index.stats() == before
    assert http.get("/v1/documents/r0").status_code == 404


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/search", "/v1/chat/completions"])
def test_deeply_nested_request_bodies_are_4xx(http: httpx.Client, path: str) -> None:
    reply = http.post(
        path, content=b"[" * 10_000 + b"]" * 10_000, headers={"Content-Type": "application/json"}
    )
    assert 400 <= reply.status_code < 500, reply.text


def test_a_deeply_nested_upload_is_refused(http: httpx.Client) -> None:
    data = b"[" * 10_000 + b"]" * 10_000
    reply = http.post("/v1/documents", files={"file": ("deep.json", data)})
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["message"] == (
        "deep.json: JSON nested 10000 levels deep, over the limit of 32"
    )
