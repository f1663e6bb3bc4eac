"""The request middleware on a real uvicorn server: the body timeout bounds the request
body, never the response."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from service.api.metrics import Metrics
from service.api.middleware import RequestContext
from tests.service.api.conftest import LiveServer

BODY_TIMEOUT = 0.2


async def slow_stream(request: Request) -> StreamingResponse:
    await request.body()

    async def pieces() -> AsyncIterator[bytes]:
        for i in range(4):  # several body timeouts long in all
            await asyncio.sleep(BODY_TIMEOUT)
            yield f"piece {i}\n".encode()

    return StreamingResponse(pieces(), media_type="text/plain")


def test_a_response_streaming_longer_than_the_body_timeout_is_not_cut() -> None:
    # Starlette's streaming response listens for a disconnect before it sends its first
    # byte; that wait must not count as a stalled body.
    app = Starlette(
        routes=[
            Route("/stream", slow_stream, methods=["POST"]),
            Route("/healthz", lambda _: PlainTextResponse("ok")),  # LiveServer waits on it
        ]
    )
    app.add_middleware(
        RequestContext, metrics=Metrics(lambda: None), max_body_bytes=1000,
        upload_bytes=1000, body_timeout=BODY_TIMEOUT,
    )  # fmt: skip
    with LiveServer(app) as server:  # type: ignore[arg-type]
        reply = httpx.post(f"{server.url}/stream", content=b"{}", timeout=30)
    assert reply.status_code == 200
    assert reply.text.splitlines() == [f"piece {i}" for i in range(4)]
