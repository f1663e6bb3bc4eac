"""OpenAIChat against a real OpenAI-compatible server (llama_cpp.server with SmolLM2)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import openai
import pytest

from service.backends.base import Message
from service.backends.openai_chat import OpenAIChat
from service.errors import LLMUnavailable
from tests.conftest import free_port
from tests.service.conftest import QUESTION, llm_settings

pytestmark = pytest.mark.slow


def joined_stream(chat: OpenAIChat, messages: list[Message]) -> str:
    return "".join(chat.stream(messages))


CALLS: dict[str, Callable[[OpenAIChat, list[Message]], str]] = {
    "complete": OpenAIChat.complete,
    "stream": joined_stream,
}


def test_complete_returns_the_reply(llama_server: str) -> None:
    chat = OpenAIChat(llm_settings(openai_base_url=llama_server, llm_model="smollm2"))
    reply = chat.complete(QUESTION)
    assert isinstance(reply, str)
    assert reply.strip()


def test_stream_yields_pieces_as_they_come(llama_server: str) -> None:
    chat = OpenAIChat(llm_settings(openai_base_url=llama_server, llm_model="smollm2"))
    pieces = list(chat.stream(QUESTION))
    assert len(pieces) >= 3
    assert all(isinstance(p, str) and p for p in pieces)
    assert "".join(pieces).strip()


def test_a_local_server_needs_no_key(llama_server: str) -> None:
    # No OPENAI_API_KEY: a placeholder is sent, which llama_cpp.server ignores.
    chat = OpenAIChat(llm_settings(openai_base_url=llama_server))
    assert chat.endpoint == llama_server
    assert chat.complete(QUESTION).strip()


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_closed_port_is_refused_after_the_retries_set_naming_the_url(
    call: Callable[[OpenAIChat, list[Message]], str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openai")
    url = f"http://127.0.0.1:{free_port()}/v1"
    chat = OpenAIChat(llm_settings(openai_base_url=url, llm_max_retries=1))
    with pytest.raises(LLMUnavailable) as info:
        call(chat, QUESTION)
    assert info.value.reason.startswith(f"cannot connect to {url} (model 'gpt-4o-mini'): ")
    assert "refused" in info.value.reason.lower()
    # Refused at once, not waited out: a connection error, never the timeout...
    cause = info.value.__cause__
    assert isinstance(cause, openai.APIConnectionError)
    assert not isinstance(cause, openai.APITimeoutError)
    # ...after exactly the one retry NEWSQA_LLM_MAX_RETRIES allows.
    retries = [
        r
        for r in caplog.records
        if r.name.startswith("openai") and r.getMessage().startswith("Retrying request")
    ]
    assert len(retries) == 1


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_tiny_timeout_against_the_real_server(
    llama_server: str, call: Callable[[OpenAIChat, list[Message]], str]
) -> None:
    settings = llm_settings(
        openai_base_url=llama_server, llm_model="smollm2", llm_timeout=0.001, llm_max_retries=0
    )
    with pytest.raises(LLMUnavailable) as info:
        call(OpenAIChat(settings), QUESTION)
    assert info.value.reason == (
        f"{llama_server} (model 'smollm2') timed out after 0.001s (NEWSQA_LLM_TIMEOUT)"
    )


def test_prompt_longer_than_the_context_is_an_http_error(llama_server: str) -> None:
    chat = OpenAIChat(llm_settings(openai_base_url=llama_server, llm_model="smollm2"))
    too_long: list[Message] = [{"role": "user", "content": "news " * 3000}]
    with pytest.raises(LLMUnavailable) as info:
        chat.complete(too_long)
    reason = info.value.reason
    assert reason.startswith(f"{llama_server} (model 'smollm2') answered HTTP 400: ")
    assert "context" in reason


def test_a_stream_that_ends_with_nothing_is_an_empty_reply(llama_server: str) -> None:
    # llama_cpp.server answers a streamed prompt longer than its context with 200 and an event
    # stream that ends at once: no error event, no [DONE].
    chat = OpenAIChat(llm_settings(openai_base_url=llama_server, llm_model="smollm2"))
    too_long: list[Message] = [{"role": "user", "content": "news " * 3000}]
    with pytest.raises(LLMUnavailable) as info:
        list(chat.stream(too_long))
    assert info.value.reason == f"model 'smollm2' at {llama_server} returned an empty reply"


def test_stream_cut_off_by_the_server_raises_where_it_stops(llama_server: str) -> None:
    # llama_cpp.server ends a stream early (with [DONE], no finish_reason) when another
    # request arrives. The pieces before the cut arrive; then the stream raises.
    settings = llm_settings(openai_base_url=llama_server, llm_model="smollm2", llm_max_tokens=1024)
    long_answer: list[Message] = [
        {"role": "user", "content": "Write a very long story about a lighthouse keeper."}
    ]
    stream = OpenAIChat(settings).stream(long_answer)
    received = [next(stream)]
    other_replies: list[str] = []
    other_chat = OpenAIChat(llm_settings(openai_base_url=llama_server))
    other = threading.Thread(target=lambda: other_replies.append(other_chat.complete(QUESTION)))
    other.start()
    with pytest.raises(LLMUnavailable) as info:
        received.extend(stream)
    other.join(timeout=60)
    assert info.value.reason == (
        f"model 'smollm2' at {llama_server} ended its reply without a finish reason: it was cut off"
    )
    assert "".join(received).strip()
    assert len(other_replies) == 1 and other_replies[0].strip()


def test_no_key_and_no_base_url_is_refused_at_start() -> None:
    with pytest.raises(LLMUnavailable) as info:
        OpenAIChat(llm_settings())
    assert info.value.reason == (
        "NEWSQA_LLM=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local "
        "OpenAI-compatible server"
    )


def test_the_sdk_default_endpoint_is_named_without_reading_the_environment() -> None:
    chat = OpenAIChat(llm_settings(openai_api_key="sk-test"))
    assert chat.endpoint == "https://api.openai.com/v1"
