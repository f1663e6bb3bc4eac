"""POST /v1/ask: JSON, or Server-Sent Events with ``Accept: text/event-stream``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from service.answers import Turn, answer_payload
from service.api.deps import EngineDep, KeyCheckedRoute
from service.api.errors import ERRORS
from service.api.schemas import AskRequest as AskBody
from service.api.schemas import AskResponse
from service.engine import AskRequest, Final, Token

router = APIRouter(prefix="/v1", tags=["answers"], route_class=KeyCheckedRoute)


def _request(body: AskBody) -> AskRequest:
    return AskRequest(
        question=body.question,
        history=tuple(Turn(t.role, t.content) for t in body.history),
        filters=body.filters.to_domain() if body.filters else None,
        mode=body.mode,
        top_k=body.top_k,
        strict=body.strict,
    )


def wants_event_stream(accept: str) -> bool:
    """Whether an Accept header asks for Server-Sent Events: ``text/event-stream`` with a
    quality above 0 and at least that of JSON (``application/json``, ``application/*`` or
    ``*/*``). ``text/event-stream;q=0`` means "not that"."""
    quality: dict[str, float] = {}
    for part in accept.lower().split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media] = max(q, quality.get(media, 0.0))
    stream = quality.get("text/event-stream", 0.0)
    json_q = max(quality.get(m, 0.0) for m in ("application/json", "application/*", "*/*"))
    return stream > 0 and stream >= json_q


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
async def ask(body: AskBody, request: Request, engine: EngineDep) -> Response:
    metrics = request.app.state.metrics
    if wants_event_stream(request.headers.get("accept", "")):
        events = engine.astream(_request(body))
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
    answer = await engine.aask(_request(body))
    metrics.observe_answer(answer.timings_ms, answer.mode)
    return JSONResponse(answer_payload(answer))
