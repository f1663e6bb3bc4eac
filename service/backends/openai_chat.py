"""Chat completions from any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp)."""

from __future__ import annotations

import time
from collections.abc import Generator, Sequence
from typing import Any, cast

import httpx
import openai
from openai.types.chat import ChatCompletionMessageParam

from service.backends.base import Message, ProcessStatus
from service.errors import LLMUnavailable
from service.settings import Settings

# The SDK's own default; named here so the SDK never falls back to reading the environment.
DEFAULT_BASE_URL = "https://api.openai.com/v1"

# Local servers (llama.cpp, Ollama, vLLM) ignore the key, but the SDK insists on one.
PLACEHOLDER_KEY = "not-needed"


class OpenAIChat:
    """``ChatBackend`` through the official ``openai`` SDK. Every failure is ``LLMUnavailable``."""

    name = "openai"

    def __init__(
        self,
        settings: Settings,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        max_retries: int | None = None,
    ) -> None:
        """The endpoint ``settings`` name; the keywords point it elsewhere (the llamacpp backend
        speaks to its own model process through this class)."""
        key = api_key or (
            settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        )
        base_url = base_url or settings.openai_base_url
        if not key and not base_url:
            raise LLMUnavailable(
                "NEWSQA_LLM=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local "
                "OpenAI-compatible server"
            )
        self.model = model or settings.llm_model
        self.timeout = settings.llm_timeout
        self.max_tokens = settings.llm_max_tokens
        self.temperature = settings.llm_temperature
        self._client = openai.OpenAI(
            api_key=key or PLACEHOLDER_KEY,
            base_url=base_url or DEFAULT_BASE_URL,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries if max_retries is None else max_retries,
        )
        self.endpoint = str(self._client.base_url).rstrip("/")

    def process(self) -> ProcessStatus | None:
        return None  # a remote endpoint: nothing of ours to supervise

    def close(self) -> None:
        self._client.close()

    def _request(self, messages: Sequence[Message], stream: bool) -> Any:
        try:
            return self._client.chat.completions.create(
                model=self.model,
                messages=cast(list[ChatCompletionMessageParam], [dict(m) for m in messages]),
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                stream=stream,
            )
        except (openai.OpenAIError, httpx.HTTPError) as e:
            raise self._unavailable(e) from e

    def complete(self, messages: Sequence[Message]) -> str:
        reply = self._request(messages, stream=False)
        choices = getattr(reply, "choices", None)
        text = choices[0].message.content if choices else None
        if not text or not text.strip():
            raise LLMUnavailable(f"model {self.model!r} at {self.endpoint} returned an empty reply")
        return str(text)

    def stream(self, messages: Sequence[Message]) -> Generator[str, None, None]:
        # The SDK's timeout bounds each read; this deadline bounds the whole reply.
        deadline = time.monotonic() + self.timeout
        chunks = self._request(messages, stream=True)
        produced = False
        finished = False
        try:
            for chunk in chunks:
                if time.monotonic() > deadline:
                    raise LLMUnavailable(
                        f"model {self.model!r} at {self.endpoint} timed out after "
                        f"{self.timeout:g}s (NEWSQA_LLM_TIMEOUT) in the middle of its reply"
                    )
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                finished = finished or choice.finish_reason is not None
                if choice.delta.content:
                    produced = True
                    yield choice.delta.content
        except (openai.OpenAIError, httpx.HTTPError) as e:
            raise self._unavailable(e) from e
        finally:
            chunks.close()
        if not produced:
            raise LLMUnavailable(f"model {self.model!r} at {self.endpoint} returned an empty reply")
        if not finished:
            # llama_cpp.server ends a stream with [DONE] but no finish_reason when another
            # request arrives (its interrupt_requests): the reply was cut off, not finished.
            raise LLMUnavailable(
                f"model {self.model!r} at {self.endpoint} ended its reply without a finish "
                "reason: it was cut off"
            )

    def _unavailable(self, e: Exception) -> LLMUnavailable:
        """One clear sentence naming the endpoint, whatever went wrong."""
        where = f"{self.endpoint} (model {self.model!r})"
        match e:
            case openai.APITimeoutError() | httpx.TimeoutException():
                return LLMUnavailable(
                    f"{where} timed out after {self.timeout:g}s (NEWSQA_LLM_TIMEOUT)"
                )
            case openai.APIConnectionError() | httpx.TransportError():
                return LLMUnavailable(f"cannot connect to {where}: {_cause(e)}")
            case openai.APIStatusError():
                return LLMUnavailable(
                    f"{where} answered HTTP {e.status_code}: {_status_message(e)}"
                )
            case _:
                return LLMUnavailable(f"{where} failed: {type(e).__name__}: {e}")


def _cause(e: BaseException) -> str:
    """The innermost message of an exception chain ("Connection refused", ...)."""
    while e.__cause__ is not None:
        e = e.__cause__
    return str(e) or type(e).__name__


def _status_message(e: openai.APIStatusError) -> str:
    body = e.body
    if isinstance(body, dict):
        message = body.get("message") or body.get("detail")
        if isinstance(body.get("error"), dict):
            message = body["error"].get("message") or message
        if message:
            return str(message)[:300]
    return str(e.message)[:300]
