"""The HTTP protocol uvicorn serves with: httptools, plus what it lacks.

* a header timeout: a connection that has not sent a whole request head within
  ``header_timeout`` seconds (a half-sent request, a slow-loris client) gets a 408 and is
  closed; uvicorn itself waits for ever;
* unparseable requests (a wrong ``Content-Length``, garbage) get the API's JSON error shape
  instead of uvicorn's plain-text 400.

The body timeout is the ``RequestContext`` middleware's (``NEWSQA_BODY_TIMEOUT_SECONDS``).
"""

from __future__ import annotations

import asyncio
import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def _reply(status: int, reason: str, kind: str, message: str) -> bytes:
    body = json.dumps({"error": {"type": kind, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedHttpTools(HttpToolsProtocol):
    """httptools with a header timeout and JSON 400s."""

    header_timeout = 10.0  # set from NEWSQA_HEADER_TIMEOUT_SECONDS by app_from_environment

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered; the keep-alive timeout follows it
        message = f"the request head did not arrive within {self.header_timeout:g} seconds"
        self.transport.write(_reply(408, "Request Timeout", "timeout", message))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        message = f"malformed HTTP request ({msg.rstrip('.')}): check Content-Length and framing"
        self.transport.write(_reply(400, "Bad Request", "bad_request", message))
        self.transport.close()
