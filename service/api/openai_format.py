"""Translate between OpenAI's chat completion protocol and the answer engine.

Request: ``system`` and ``developer`` messages are ignored (the engine keeps its own rules),
the last ``user`` message is the question and earlier user and assistant messages are the
history. The reply's content is the verified answer with ``[n]`` markers followed by a
``Sources:`` list, one line per citation; the structured citations ride along as extra
fields.

Streaming sends the *verified* answer, not the backend's draft. The draft an LLM (or the
extractive answerer) produces is not the answer: verification renumbers its markers
(a draft's ``[5][2]`` names passages, the answer's ``[1][2]`` names quotes), drops
sentences in strict mode, and can turn the whole draft into a refusal. OpenAI's protocol
cannot take back a delta, so streaming the draft would leave clients holding text that
differs from the non-streamed reply. Instead the role chunk goes out as soon as the engine's
first event arrives, the draft tokens are held back (each one at most lets a
keep-alive comment through, so proxies do not time out a long generation), and once the
answer is verified it goes out in word-sized deltas, then the Sources list as one last
delta. The concatenated deltas equal the non-streamed ``content`` exactly. Clients that
want the draft as it is written can use ``POST /v1/ask`` with ``text/event-stream``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from ingest.index import Filters
from service.answers import Answer, Citation, Turn
from service.api.openai_schemas import (
    MODEL_NAME,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
)
from service.engine import AskRequest, Event, Final, RequestMode

log = logging.getLogger("newsqa.api")

SOURCES_HEADER = "\n\nSources:\n"
QUOTE_CHARS = 160
MAX_HISTORY = 50
KEEPALIVE_SECONDS = 10.0
_IGNORED_ROLES = ("system", "developer")


class OpenAIRequestError(Exception):
    """A request the endpoint refuses, reported in OpenAI's error format."""

    def __init__(
        self,
        message: str,
        param: str | None = None,
        code: str | None = None,
        status: int = 400,
        kind: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message, self.param, self.code = message, param, code
        self.status, self.kind = status, kind

    def body(self) -> dict[str, object]:
        return error_body(self.message, self.kind, self.param, self.code)


def error_body(
    message: str, kind: str, param: str | None = None, code: str | None = None
) -> dict[str, object]:
    """``{"error": {message, type, param, code}}``, as OpenAI sends it."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


@dataclass(frozen=True)
class ChatQuery:
    """What the engine is asked, and how the reply is wanted."""

    question: str
    history: list[Turn]
    filters: Filters | None
    mode: RequestMode
    top_k: int | None
    strict: bool
    stream: bool
    include_usage: bool
    prompt_tokens: int

    @property
    def request(self) -> AskRequest:
        return AskRequest(
            self.question, tuple(self.history), self.filters, self.mode, self.top_k, self.strict
        )


def check_model(name: str) -> None:
    """Refuse any model but newsqa, as OpenAI refuses a model it does not have."""
    if name != MODEL_NAME:
        raise OpenAIRequestError(
            f"The model '{name}' does not exist", "model", "model_not_found", 404
        )


def parse(request: ChatCompletionRequest) -> ChatQuery:
    """The engine's question and history from an OpenAI request, or ``OpenAIRequestError``."""
    check_model(request.model)
    if request.n is not None and request.n > 1:
        raise OpenAIRequestError("n must be 1: newsqa gives one answer per request", "n")
    talk = [(i, m) for i, m in enumerate(request.messages) if m.role not in _IGNORED_ROLES]
    if not any(m.role == "user" for _, m in talk):
        raise OpenAIRequestError(
            "messages must include a user message: the last one is the question", "messages"
        )
    last_index, last = talk[-1]
    if last.role != "user":
        raise OpenAIRequestError(
            f"the last message must be from the user (messages[{last_index}] is from the "
            f"{last.role}): newsqa answers the last user message",
            f"messages[{last_index}].role",
        )
    question = _text(last, last_index, strict=True).strip()
    if not question:
        raise OpenAIRequestError(
            f"messages[{last_index}].content is empty: it must hold the question",
            f"messages[{last_index}].content",
        )
    history = []
    for i, message in talk[:-1]:
        if message.role not in ("user", "assistant"):
            continue  # tool and function results are not part of the conversation
        text = _text(message, i)
        if message.role == "assistant":
            text = text.split(SOURCES_HEADER, 1)[0]  # our own Sources list, sent back
        if text.strip():
            history.append(Turn(message.role, text.strip()))
    options = request.stream_options
    return ChatQuery(
        question=question,
        history=history[-MAX_HISTORY:],
        filters=request.filters.to_domain() if request.filters else None,
        mode=request.mode,
        top_k=request.top_k,
        strict=request.strict,
        stream=bool(request.stream),
        include_usage=bool(options and options.include_usage),
        prompt_tokens=sum(words(_text(m, i)) for i, m in enumerate(request.messages)),
    )


def _text(message: ChatMessage, index: int, strict: bool = False) -> str:
    """A message's text: the string, or its text parts joined by newlines. Other parts are
    skipped, or refused when ``strict`` (the question must be all text)."""
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    texts = []
    for j, part in enumerate(message.content):
        if part.type != "text" or part.text is None:
            if not strict:
                continue
            what = "has no text" if part.type == "text" else f"has type '{part.type}'"
            raise OpenAIRequestError(
                f"messages[{index}].content[{j}] {what}: only text parts are supported",
                f"messages[{index}].content[{j}]",
            )
        texts.append(part.text)
    return "\n".join(texts)


# ---- replies ---------------------------------------------------------------------------


# What a Markdown client would render from article text: an HTML tag, comment or
# declaration ("<script", "</p", "<!--", "<?xml"), an image ("![x](url)") or a link target
# ("](url)"). Neutralised with a backslash or an entity, so the text still reads the same;
# the exact quotes stay in ``citations``.
_MARKUP = re.compile(r"<(?=[A-Za-z/!?])|!\[|\]\(")
_NEUTRAL = {"<": "&lt;", "![": "!\\[", "](": "]\\("}


def neutralise(text: str) -> str:
    """``text`` with markup from articles made inert for Markdown and HTML renderers."""
    return _MARKUP.sub(lambda m: _NEUTRAL[m.group()], text)


def content_of(answer: Answer) -> str:
    """The answer with its markers, then one Sources line per citation."""
    return neutralise(answer.answer) + sources_text(answer.citations)


def sources_text(citations: Sequence[Citation]) -> str:
    """'\\n\\nSources:\\n[1] Reuters, 2024-11-12 — “quote…” (doc ...)' or '' without any."""
    if not citations:
        return ""
    return neutralise(SOURCES_HEADER + "\n".join(_source_line(c) for c in citations))


def _source_line(c: Citation) -> str:
    quote = " ".join(c.quote.split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[:QUOTE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    where = f"doc {c.doc_id}" + ("" if c.supported else "; does not support its sentence")
    return (f"[{c.marker}] {c.source or 'unknown outlet'}, "
            f"{c.published or 'date not stated'} — “{quote}” ({where})")  # fmt: skip


def words(text: str) -> int:
    """A rough token count: whitespace-separated words."""
    return len(text.split())


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def _extras(answer: Answer) -> dict[str, object]:
    """newsqa's fields beside OpenAI's (see ``NewsqaFields``)."""
    return {
        "citations": [c.public() for c in answer.citations],
        "answerable": answer.answerable,
        "degraded": answer.degraded,
        "mode": answer.mode,
        "standalone_question": answer.standalone_question,
        "refusal_reason": answer.refusal_reason,
        "conflicts": [c.public() for c in answer.conflicts],
        "date_scope": answer.date_scope.public() if answer.date_scope else None,
    }


def _usage(query: ChatQuery, content: str) -> dict[str, int]:
    done = words(content)
    return {"prompt_tokens": query.prompt_tokens, "completion_tokens": done,
            "total_tokens": query.prompt_tokens + done}  # fmt: skip


def completion(answer: Answer, query: ChatQuery) -> ChatCompletion:
    """The non-streamed reply."""
    content = content_of(answer)
    return ChatCompletion.model_validate({
        "id": completion_id(), "object": "chat.completion", "created": int(time.time()),
        "model": MODEL_NAME, "usage": _usage(query, content),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop", "logprobs": None}],
        **_extras(answer),
    })  # fmt: skip


def pieces(text: str) -> list[str]:
    """``text`` cut into words with their trailing spaces; they join back to ``text``."""
    return re.findall(r"\S+\s*|\s+", text)


async def stream(
    first: Event,
    events: AsyncIterator[Event],
    query: ChatQuery,
    observe: Callable[[Answer], None],
) -> AsyncIterator[str]:
    """The streamed reply as SSE lines (see the module docstring for what is streamed)."""
    reply_id, created = completion_id(), int(time.time())

    def chunk(choices: list[dict[str, object]], **extra: object) -> str:
        """One chunk, checked against the schema; fields not given are left out."""
        data = ChatCompletionChunk.model_validate({
            "id": reply_id, "object": "chat.completion.chunk", "created": created,
            "model": MODEL_NAME, "choices": choices, **extra,
        })  # fmt: skip
        return _sse(data.model_dump(mode="json", exclude_unset=True))

    def delta(**fields: str) -> str:
        return chunk([{"index": 0, "delta": fields, "finish_reason": None}])

    yield delta(role="assistant", content="")
    event, written = first, time.monotonic()
    try:
        while not isinstance(event, Final):
            if time.monotonic() - written > KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                written = time.monotonic()
            event = await anext(events)
    except Exception:
        log.exception("the answer failed while streaming")
        yield _sse(error_body("the answer failed; see the server log", "server_error"))
        return
    answer = event.answer
    observe(answer)
    for piece in pieces(neutralise(answer.answer)):
        yield delta(content=piece)
    if sources := sources_text(answer.citations):
        yield delta(content=sources)
    yield chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}], **_extras(answer))
    if query.include_usage:
        yield chunk([], usage=_usage(query, content_of(answer)))
    yield "data: [DONE]\n\n"


def _sse(data: object) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
