"""The edges of the HTTP API over a real socket: field names in errors, blank queries, the API
key before the body, Accept negotiation, malformed framing, half-sent requests closed, and
/docs served without a network. The server runs with newsqa's own protocol and timeouts."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from service.api.protocol import GuardedHttpTools
from tests.service.api.conftest import LiveServer


class GuardedServer(LiveServer):
    """uvicorn with ``GuardedHttpTools`` in a thread, as ``python -m service serve`` runs."""

    def __init__(self, app: FastAPI, header_timeout: float) -> None:
        GuardedHttpTools.header_timeout = header_timeout
        super().__init__(app, http=GuardedHttpTools)

    def __exit__(self, *_: object) -> None:
        super().__exit__()
        GuardedHttpTools.header_timeout = 10.0


@pytest.fixture
def server(app_factory: Callable[..., FastAPI]) -> Iterator[GuardedServer]:
    app = app_factory(api_keys="s3cret", body_timeout_seconds=1.0)
    with GuardedServer(app, header_timeout=1.0) as live:
        yield live


KEY = {"Authorization": "Bearer s3cret"}


def post(server: GuardedServer, path: str, body: Any, **headers: str) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", json=body, headers={**KEY, **headers}, timeout=60)


def raw(server: GuardedServer, data: bytes, wait_for_close: float = 60) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait_for_close) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def error_of(reply: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def test_search_errors_name_the_query(server: GuardedServer) -> None:
    reply = post(server, "/v1/search", {"query": 5})
    assert reply.status_code == 422
    assert reply.json()["error"]["message"] == "query: Input should be a valid string"


@pytest.mark.parametrize(("path", "field"), [("/v1/search", "query"), ("/v1/ask", "question")])
def test_a_blank_query_is_refused_alike_by_search_and_ask(
    server: GuardedServer, path: str, field: str
) -> None:
    reply = post(server, path, {field: " \t\n "})
    assert reply.status_code == 422
    assert reply.json()["error"] == {
        "type": "invalid_request",
        "message": f"{field}: must not be empty or only whitespace",
    }


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/search", "/v1/documents", "/v1/chat/completions"])
def test_the_api_key_is_checked_before_the_body(server: GuardedServer, path: str) -> None:
    reply = httpx.post(
        f"{server.url}{path}",
        content=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": "Bearer wrong"},
        timeout=30,
    )
    assert reply.status_code == 401
    assert reply.json()["error"]["message"].lower().startswith("invalid api key")


@pytest.mark.parametrize(
    ("accept", "streams"),
    [
        ("text/event-stream", True),
        ("text/event-stream;q=0", False),
        ("text/event-stream; q=0.0, application/json", False),
        ("application/json, text/event-stream;q=0.5", False),
        ("text/event-stream, */*;q=0.1", True),
        ("", False),
    ],
)
def test_accept_decides_whether_ask_streams(
    server: GuardedServer, accept: str, streams: bool
) -> None:
    reply = post(server, "/v1/ask", {"question": "What did Lavrov say?"}, Accept=accept)
    assert reply.status_code == 200
    kind = reply.headers["content-type"]
    assert kind.startswith("text/event-stream" if streams else "application/json"), kind


@pytest.mark.parametrize(
    "head",
    [b"Content-Length: abc\r\n", b"Content-Length: -5\r\n", b"Content-Length: 2\r\n\r\n{}garbage"],
)
def test_a_wrong_content_length_gets_the_json_error_shape(
    server: GuardedServer, head: bytes
) -> None:
    request = b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + head
    if not head.endswith(b"garbage"):
        request += b"\r\n{}"
    status, body = error_of(raw(server, request))
    assert status == 400
    assert body["error"]["type"] == "bad_request"
    assert body["error"]["message"].startswith("malformed HTTP request")


def test_a_half_sent_request_head_is_closed_with_408(server: GuardedServer) -> None:
    status, body = error_of(raw(server, b"POST /v1/ask HTTP/1.1\r\nHost: x\r\n"))
    assert (status, body["error"]["type"]) == (408, "timeout")
    assert body["error"]["message"] == "the request head did not arrive within 1 seconds"


def test_a_half_sent_body_is_closed_with_408(server: GuardedServer) -> None:
    head = (
        b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    status, body = error_of(raw(server, head + b'{"question": '))
    assert (status, body["error"]["type"]) == (408, "timeout")
    assert body["error"]["message"] == "the request body stalled for 1 seconds"


def test_docs_are_served_without_a_network(server: GuardedServer) -> None:
    page = httpx.get(f"{server.url}/docs", timeout=10)
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/static-offline-docs/swagger-ui-bundle.js" in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        got = httpx.get(f"{server.url}/static-offline-docs/{asset}", timeout=10)
        assert got.status_code == 200 and len(got.content) > 10_000
