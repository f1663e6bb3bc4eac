"""POST /v1/ask (JSON, or Server-Sent Events with ``Accept: text/event-stream``) and
POST /v1/search."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse

from service.answers import Turn, answer_payload
from service.api.deps import EngineDep
from service.api.schemas import (
    AskRequest,
    AskResponse,
    ErrorResponse,
    SearchRequest,
    SearchResponse,
    SearchResult,
)
from service.engine import Final, Token

router = APIRouter(prefix="/v1", tags=["answers"])

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ErrorResponse, "description": "Invalid request, the message names the field"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded (see Retry-After)"},
    503: {"model": ErrorResponse, "description": "Index, store or models not available"},
}


def _turns(body: AskRequest) -> list[Turn]:
    return [Turn(t.role, t.content) for t in body.history]


def sse(event: str, data: object) -> str:
    """One Server-Sent Event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post(
    "/ask",
    response_model=AskResponse,
    summary="Answer a question with exact-quote citations",
    description="With `Accept: text/event-stream` the answer streams as Server-Sent Events: "
    '`token` events (`{"text"}`) as it is produced, then one `done` event holding the '
    "full response object.",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
)
async def ask(body: AskRequest, request: Request, engine: EngineDep) -> Response:
    filters = body.filters.to_domain() if body.filters else None
    metrics = request.app.state.metrics
    if "text/event-stream" in request.headers.get("accept", ""):
        events = engine.astream(
            body.question, _turns(body), filters, body.mode, body.top_k, body.strict
        )
        first = await anext(aiter(events))  # errors in the request surface as 4xx here

        async def stream() -> AsyncIterator[str]:
            event = first
            while True:
                if isinstance(event, Token):
                    yield sse("token", {"text": event.text})
                elif isinstance(event, Final):
                    metrics.observe_answer(event.answer.timings_ms, event.answer.mode)
                    yield sse("done", answer_payload(event.answer))
                    return
                try:
                    event = await anext(events)
                except StopAsyncIteration:
                    return

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = await run_in_threadpool(
        engine.ask, body.question, _turns(body), filters, body.mode, body.top_k, body.strict
    )
    metrics.observe_answer(answer.timings_ms, answer.mode)
    return JSONResponse(answer_payload(answer))


@router.post(
    "/search",
    response_model=SearchResponse,
    summary="Retrieval alone: passages with exact offsets, for apps with their own LLM",
    responses=ERRORS,
)
async def search(body: SearchRequest, engine: EngineDep) -> SearchResponse:
    filters = body.filters.to_domain() if body.filters else None
    passages = await run_in_threadpool(engine.retriever.retrieve, body.query, body.top_k, filters)
    return SearchResponse(
        results=[
            SearchResult(
                doc_id=p.doc_id,
                title=p.doc.title,
                source=p.doc.source,
                published=p.doc.published,
                text=p.chunk.text,
                start=p.chunk.start,
                end=p.chunk.end,
                score=round(p.score, 6),
                similarity=round(p.similarity, 6),
            )
            for p in passages
        ]
    )
