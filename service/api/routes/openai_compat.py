"""OpenAI-compatible ``POST /v1/chat/completions`` and ``GET /v1/models``.

Every error of these routes, the API-key check and request validation included, is in
OpenAI's format (``{"error": {message, type, param, code}}``) so OpenAI clients raise their
usual exceptions; the translation itself lives in ``service.api.openai_format``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse

from service.answers import Answer
from service.api import openai_format
from service.api.deps import EngineDep, KeyCheckedRoute
from service.api.errors import ErrorJSON
from service.api.fields import Name
from service.api.openai_format import OpenAIRequestError, error_body
from service.api.openai_schemas import (
    MODEL_NAME,
    ChatCompletion,
    ChatCompletionRequest,
    ModelCard,
    ModelList,
    OpenAIErrorResponse,
)
from service.errors import InvalidRequest

# newsqa's error kinds (service.api.errors) that OpenAI spells differently: (type, code).
_KINDS = {
    "unauthorized": ("invalid_request_error", "invalid_api_key"),
    "rate_limited": ("requests", "rate_limit_exceeded"),
}


class OpenAIRoute(KeyCheckedRoute):
    """A route whose errors, including its dependencies', come out in OpenAI's format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handle(request)
            except Exception as exc:
                return await openai_error(request, exc)

        return route


async def openai_error(request: Request, exc: Exception) -> Response:
    """``exc`` as an OpenAI error reply: the app's own status and message, OpenAI's shape."""
    if isinstance(exc, OpenAIRequestError):
        return ErrorJSON(exc.body(), status_code=exc.status)
    if isinstance(exc, RequestValidationError):
        message, param = describe(exc)
        return ErrorJSON(error_body(message, "invalid_request_error", param), 400)
    if isinstance(exc, InvalidRequest):
        return ErrorJSON(error_body(str(exc), "invalid_request_error", "messages"), 400)
    # Anything else gets the status and message the rest of the API gives it.
    handler = _handler_for(request, exc)
    if handler is None:
        raise exc
    reply: Response = await handler(request, exc)
    status = 400 if reply.status_code == 422 else reply.status_code
    problem = json.loads(bytes(reply.body)).get("error", {})
    newsqa_kind = str(problem.get("type", "error"))
    default = ("server_error" if status >= 500 else "invalid_request_error", newsqa_kind)
    kind, code = _KINDS.get(newsqa_kind, default)
    headers = {k: v for k, v in reply.headers.items() if k in ("www-authenticate", "retry-after")}
    body = error_body(str(problem.get("message", "error")), kind, None, code)
    return ErrorJSON(body, status_code=status, headers=headers)


def _handler_for(request: Request, exc: Exception) -> Callable[..., Any] | None:
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None


def describe(exc: RequestValidationError) -> tuple[str, str | None]:
    """A message naming each bad field ('messages[0].role: Input should be ...') and the
    first field, OpenAI's ``param``."""
    lines, params = [], []
    for problem in exc.errors()[:5]:
        if problem.get("type") == "json_invalid":
            lines.append(f"the body is not valid JSON: {problem.get('ctx', {}).get('error')}")
            continue
        param = _param(problem.get("loc", ()))
        params.append(param)
        lines.append(f"{param or 'body'}: {problem.get('msg')}")
    return "invalid request: " + "; ".join(lines), (params[0] if params else None)


def _param(loc: tuple[object, ...] | list[object]) -> str | None:
    """('body', 'messages', 0, 'role') -> 'messages[0].role'."""
    out = ""
    for part in loc:
        if part == "body" and not out:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _is_type_tag(part):
            out += f".{part}" if out else str(part)
    return out or None


def _is_type_tag(part: object) -> bool:
    """pydantic's union branch names in a location ('str', 'list[ContentPart]')."""
    return isinstance(part, str) and (part in ("str", "int", "float", "bool") or "[" in part)


router = APIRouter(prefix="/v1", tags=["openai"], route_class=OpenAIRoute)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OpenAIErrorResponse, "description": "Invalid request; `param` names the field"},
    401: {"model": OpenAIErrorResponse, "description": "Missing or invalid API key"},
    404: {"model": OpenAIErrorResponse, "description": f"Model other than `{MODEL_NAME}`"},
    429: {"model": OpenAIErrorResponse, "description": "Rate limit exceeded (see Retry-After)"},
    503: {"model": OpenAIErrorResponse, "description": "Index, store or models not available"},
}

DESCRIPTION = f"""Answers the last user message with newsqa's cited answer, for any OpenAI
client (`base_url=<server>/v1`, `model="{MODEL_NAME}"`).

- `system` and `developer` messages are **ignored**: newsqa answers only from its articles,
  with its own rules. Earlier user and assistant messages are the history a follow-up
  question is understood from (a `Sources:` list in an assistant message is dropped).
- `content` is the answer with `[n]` markers, then `Sources:` and one line per citation
  (`[1] Reuters, 2024-11-12 — “quote…” (doc <id>)`); for a question the articles do not
  answer, only the refusal message. Extra top-level fields: `citations` (exact quotes with
  offsets), `answerable`, `degraded`, `mode`, `standalone_question`.
- Extension fields (the openai client's `extra_body`): `filters`, `mode`, `strict`, `top_k`,
  as in `POST /v1/ask`. Other OpenAI fields (`temperature`, `max_tokens`, ...) are accepted
  and ignored; `n` must be 1.
- With `stream: true`: `chat.completion.chunk` events whose deltas join to exactly the
  non-streamed `content`. The answer is verified before it is sent, so content arrives
  after generation, not token by token (`POST /v1/ask` streams the unverified draft). The
  last chunk (`finish_reason: stop`) carries the extra fields, then `data: [DONE]`."""


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    summary="OpenAI-compatible chat completion with exact-quote citations",
    description=DESCRIPTION,
    # "default" also keeps FastAPI from documenting a 422 this route never sends.
    responses={
        **ERRORS,
        200: {"content": {"text/event-stream": {}}},
        "default": {"model": OpenAIErrorResponse, "description": "Any other error"},
    },
)
async def chat_completions(
    body: ChatCompletionRequest, request: Request, engine: EngineDep
) -> Response:
    query = openai_format.parse(body)
    metrics = request.app.state.metrics

    def observe(answer: Answer) -> None:
        metrics.observe_answer(answer.timings_ms, answer.mode)

    if query.stream:
        events = engine.astream(query.request)
        first = await anext(aiter(events))  # errors in the request surface as 4xx here
        return StreamingResponse(
            openai_format.stream(first, events, query, observe),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = await engine.aask(query.request)
    observe(answer)
    return JSONResponse(openai_format.completion(answer, query).model_dump(mode="json"))


MODELS = ModelList(data=[ModelCard(id=MODEL_NAME)])


@router.get("/models", response_model=ModelList, summary="The one model: newsqa", responses=ERRORS)
async def list_models() -> ModelList:
    return MODELS


@router.get("/models/{model}", response_model=ModelCard, summary="One model", responses=ERRORS)
async def get_model(model: Name) -> ModelCard:
    openai_format.check_model(model)
    return MODELS.data[0]
