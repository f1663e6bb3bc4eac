"""The app factory: ``create_app(settings)`` builds a FastAPI app; nothing global."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi_offline import FastAPIOffline
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from service.api import errors
from service.api.deps import RateLimiter
from service.api.metrics import Metrics
from service.api.middleware import RequestContext
from service.api.routes import ask, documents, health, jobs, openai_compat, search, verify
from service.api.runtime import Runtime
from service.settings import Settings
from service.wiring import Components, build

DESCRIPTION = """Question answering over news articles. Every claim in an answer cites the
exact sentence of the article it came from (`quote == text[start:end]`), with the article's
outlet and date; when the corpus does not hold the answer, the reply says so
(`answerable: false`)."""


def create_app(
    settings: Settings | None = None,
    components: Components | None = None,
    builder: Callable[[Settings], Components] = build,
) -> FastAPI:
    """A ready-to-serve app. ``components`` skips loading (tests build their own)."""
    settings = settings or Settings()
    runtime = Runtime(settings, components, builder)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        yield
        runtime.stop()

    # Swagger UI and ReDoc from files shipped in the fastapi-offline package: /docs works
    # without a network (FastAPI's own /docs loads them from a CDN).
    app = FastAPIOffline(
        title="newsqa",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.limiter = (
        RateLimiter(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
    )

    def index_stats() -> dict[str, int] | None:
        try:
            return runtime.components.index.stats()
        except Exception:
            return None

    app.state.metrics = Metrics(index_stats, runtime.model_process)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(search.router)
    app.include_router(verify.router)
    app.include_router(documents.router)
    app.include_router(jobs.router)
    app.include_router(openai_compat.router)
    mount_page(app)
    app.add_middleware(
        RequestContext,
        metrics=app.state.metrics,
        max_body_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_file_bytes + 64_000,
        body_timeout=settings.body_timeout_seconds,
    )
    return app


STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# The page loads nothing from elsewhere, and article text can never run as script.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class PageFiles(StaticFiles):
    """The page's static files, revalidated on every load so an upgrade shows at once."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(PAGE_HEADERS)
        return response


def mount_page(app: FastAPI) -> None:
    """The chat page at ``/`` and its files at ``/static``, outside the API-key check (the
    page sends the key itself)."""
    app.mount("/static", PageFiles(directory=STATIC_DIR), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)


def app_from_environment() -> FastAPI:
    """Entry point for ``uvicorn --factory`` (several workers each build their own)."""
    from service.api.protocol import GuardedHttpTools

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings()
    GuardedHttpTools.header_timeout = settings.header_timeout_seconds
    return create_app(settings)
