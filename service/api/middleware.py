"""Request ids, one structured log line per request, metrics, and a body size limit."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.metrics import Metrics

log = logging.getLogger("newsqa.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class TooLarge(Exception):
    pass


class RequestContext:
    """Pure ASGI middleware (streams pass through untouched)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, max_body_bytes: int,
                 upload_bytes: int, body_timeout: float = 30.0) -> None:  # fmt: skip
        self.app = app
        self.body_timeout = body_timeout
        self.metrics = metrics
        self.max_body = max_body_bytes
        self.max_upload = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        is_upload = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.max_upload if is_upload else self.max_body
        started = time.perf_counter()
        status = 500
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, request_id, limit, is_upload)
            self._record(scope, 413, started, request_id)
            return
        received = 0

        started_response = timed_out = body_read = False

        async def limited_receive() -> Message:
            nonlocal received, timed_out, body_read
            if started_response or body_read:
                # Only a disconnect can come now: a streaming response listens for it, for
                # as long as it streams, often before its first byte is sent.
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                # The app sees the client gone; whatever it answers is replaced by a 408.
                timed_out = True
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge
                body_read = not message.get("more_body", False)
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if timed_out and not started_response:
                return
            if message["type"] == "http.response.start":
                started_response = True
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]  # fmt: skip
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except TooLarge:
            status = 413
            await _too_large(send, request_id, limit, is_upload)
        except Exception:
            if not timed_out:
                raise
        finally:
            if timed_out and not started_response:
                status = 408
                stalled = f"the request body stalled for {self.body_timeout:g} seconds"
                await _reply(send, request_id, 408, "timeout", stalled)
            self._record(scope, status, started, request_id)

    def _record(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        seconds = time.perf_counter() - started
        self.metrics.requests.labels(scope["method"], path, str(status)).inc()
        self.metrics.request_seconds.labels(path).observe(seconds)
        log.info(json.dumps({
            "request_id": request_id, "method": scope["method"], "path": scope["path"],
            "route": path, "status": status, "ms": round(seconds * 1000, 1),
        }))  # fmt: skip


async def _too_large(send: Send, request_id: str, limit: int, upload: bool) -> None:
    what = "upload" if upload else "request body"
    await _reply(send, request_id, 413, "too_large", f"{what} is over the {limit} byte limit")


async def _reply(send: Send, request_id: str, status: int, kind: str, message: str) -> None:
    body = json.dumps({"error": {"type": kind, "message": message}}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"x-request-id", request_id.encode()),
        (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
