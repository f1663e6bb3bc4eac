"""Domain errors and bad requests become JSON errors of one stable shape, never a traceback."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import BadInput, DocumentNotFound, IndexMismatch, IndexUnavailable
from service.api.schemas import ErrorResponse
from service.errors import DocumentBusy, InvalidRequest, LLMUnavailable
from service.job_journal import JobNotFound
from service.jobs import JobConflict

log = logging.getLogger("newsqa.api")

# The error replies every /v1 route may give, for the OpenAPI description.
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ErrorResponse, "description": "Invalid request, the message names the field"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded (see Retry-After)"},
    503: {"model": ErrorResponse, "description": "Index, store or models not available"},
}


_SURROGATE = re.compile("[\ud800-\udfff]")


class NotReady(Exception):
    """The index and models are still loading, or failed to load."""


class ErrorJSON(JSONResponse):
    """A JSON error reply that always encodes: a lone surrogate that a message quotes from
    the request becomes U+FFFD instead of failing the reply (and the request) with a 500."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def error(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return ErrorJSON(
        {"error": {"type": kind, "message": message}}, status_code=status, headers=headers
    )


def _field(loc: tuple[object, ...] | list[object]) -> str:
    """('body', 'query') -> 'query': only the first part says where the field came from."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    # pydantic names the branch of a union it tried ('str', 'list[...]'): not a field.
    named = [str(p) for p in parts if not (isinstance(p, str) and ("[" in p or p == "str"))]
    return ".".join(named) or "body"


def describe_validation(exc: RequestValidationError) -> str:
    """One line per problem, each naming the field: 'question: String should have ...'."""
    lines = []
    for problem in exc.errors()[:10]:
        if problem.get("type") == "json_invalid":
            lines.append(f"body is not valid JSON: {problem.get('msg')}")
            continue
        lines.append(f"{_field(problem.get('loc', ()))}: {problem.get('msg')}")
    return "; ".join(lines)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, "invalid_request", describe_validation(exc))

    @app.exception_handler(InvalidRequest)
    async def refused(_: Request, exc: InvalidRequest) -> JSONResponse:
        return error(422, "invalid_request", str(exc))

    @app.exception_handler(BadInput)
    async def bad_input(_: Request, exc: BadInput) -> JSONResponse:
        return error(422, "bad_document", f"{exc.where}: {exc.reason}")

    @app.exception_handler(DocumentNotFound)
    async def not_found(_: Request, exc: DocumentNotFound) -> JSONResponse:
        return error(404, "not_found", str(exc))

    @app.exception_handler(JobNotFound)
    async def no_job(_: Request, exc: JobNotFound) -> JSONResponse:
        return error(404, "not_found", str(exc))

    @app.exception_handler(JobConflict)
    async def job_conflict(_: Request, exc: JobConflict) -> JSONResponse:
        return error(409, "conflict", str(exc))

    @app.exception_handler(DocumentBusy)
    async def busy(_: Request, exc: DocumentBusy) -> JSONResponse:
        return error(409, "conflict", str(exc), {"Retry-After": "5"})

    @app.exception_handler(NotReady)
    async def not_ready(_: Request, exc: NotReady) -> JSONResponse:
        return error(503, "not_ready", str(exc), {"Retry-After": "5"})

    @app.exception_handler(IndexUnavailable)
    async def store_down(_: Request, exc: IndexUnavailable) -> JSONResponse:
        return error(503, "index_unavailable", str(exc), {"Retry-After": "5"})

    @app.exception_handler(IndexMismatch)
    async def mismatch(_: Request, exc: IndexMismatch) -> JSONResponse:
        return error(503, "index_mismatch", str(exc))

    @app.exception_handler(LLMUnavailable)
    async def llm_down(_: Request, exc: LLMUnavailable) -> JSONResponse:
        return error(503, "llm_unavailable", exc.reason, {"Retry-After": "5"})

    @app.exception_handler(StarletteHTTPException)
    async def http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
                 413: "too_large", 429: "rate_limited"}  # fmt: skip
        headers = dict(exc.headers) if exc.headers else None
        return error(exc.status_code, kinds.get(exc.status_code, "http_error"),
                     str(exc.detail), headers)  # fmt: skip

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error(500, "internal_error", "an unexpected error occurred; see the server log")
