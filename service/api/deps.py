"""Dependencies routes declare with ``Annotated`` aliases; tests override them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute
from starlette.responses import Response

from ingest.index import Index
from service.api.runtime import Runtime
from service.engine import AnswerEngine
from service.settings import Settings
from service.wiring import Components


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_settings(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Settings:
    return runtime.settings


def get_components(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Components:
    return runtime.components


def get_engine(parts: Annotated[Components, Depends(get_components)]) -> AnswerEngine:
    return parts.engine


def get_index(parts: Annotated[Components, Depends(get_components)]) -> Index:
    return parts.index


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ComponentsDep = Annotated[Components, Depends(get_components)]
EngineDep = Annotated[AnswerEngine, Depends(get_engine)]
IndexDep = Annotated[Index, Depends(get_index)]


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.prune_at = 10_000  # buckets kept before the refilled ones are dropped

    def check(self, client: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        rate = self.per_minute / 60.0
        with self._lock:
            if len(self._buckets) >= self.prune_at:
                self._prune(now, rate)
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / rate

    def clients(self) -> int:
        """How many clients have a bucket (full buckets are forgotten)."""
        with self._lock:
            return len(self._buckets)

    def _prune(self, now: float, rate: float) -> None:
        """Forget the clients whose bucket has refilled: they are as if never seen."""
        full = float(self.per_minute)
        self._buckets = {
            client: (tokens, last)
            for client, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * rate < full
        }


def require_key(request: Request, settings: SettingsDep) -> str:
    """Check ``Authorization: Bearer <key>`` when keys are configured, then the rate limit."""
    keys = settings.api_key_list
    client = request.client.host if request.client else "unknown"
    if keys:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise HTTPException(
                401,
                "missing API key: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if key.strip() not in keys:
            raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "Bearer"})
        client = f"key:{key.strip()}"
    limiter: RateLimiter | None = request.app.state.limiter
    if limiter is not None:
        wait = limiter.check(client)
        if wait > 0:
            raise HTTPException(
                429,
                f"rate limit of {limiter.per_minute} requests per minute exceeded",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
    return client


class KeyCheckedRoute(APIRoute):
    """A /v1 route that checks the API key and the rate limit before anything else, the body
    included: a malformed body with a bad key is a 401, not a 422 that tells the caller
    about the route."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            runtime: Runtime = request.app.state.runtime
            require_key(request, runtime.settings)
            return await handle(request)

        return route
