"""The OpenAI-compatible endpoints, driven by the official ``openai`` client against a real
uvicorn server on the demo corpus (extractive answers)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import openai
import pytest
from fastapi import FastAPI
from openai import OpenAI

from service.answers import Answer
from service.api.openai_format import ChatQuery, stream
from service.engine import Event, Token
from service.wiring import Components
from tests.service.api.conftest import LiveServer

QUESTION = "What are Russia's stated preconditions for peace talks?"
UNANSWERABLE = "What is the capital of Peru?"
SOURCE_LINE = re.compile(r"^\[(\d+)\] .+, .+ — “.+” \(doc [0-9a-z_]+(; .+)?\)$")


def client_for(server: LiveServer, key: str = "x") -> OpenAI:
    return OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0)


def ask(client: OpenAI, question: str = QUESTION, **options: Any) -> Any:
    return client.chat.completions.create(
        model="newsqa", messages=[{"role": "user", "content": question}], **options
    )


def streamed(client: OpenAI, question: str = QUESTION, **options: Any) -> list[Any]:
    return list(ask(client, question, stream=True, **options))


def check_quotes(citations: list[dict[str, Any]], parts: Components) -> None:
    for citation in citations:
        text = parts.index.get_document(citation["doc_id"]).text
        assert text is not None
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_completion_has_markers_sources_and_exact_quotes(
    live: LiveServer, demo_parts: Components
) -> None:
    completion = ask(client_for(live))

    assert completion.id.startswith("chatcmpl-")
    assert completion.object == "chat.completion"
    assert completion.model == "newsqa"
    choice = completion.choices[0]
    assert (choice.finish_reason, choice.message.role) == ("stop", "assistant")
    content = choice.message.content
    assert content is not None
    answer, sources = content.split("\n\nSources:\n")
    extra = completion.model_extra
    assert extra is not None
    citations = extra["citations"]
    assert extra["answerable"] is True and extra["mode"] == "extractive"
    assert extra["degraded"] is False
    assert citations and {int(m) for m in re.findall(r"\[(\d+)\]", answer)} == {
        c["marker"] for c in citations
    }
    lines = sources.split("\n")
    assert [int(SOURCE_LINE.match(line).group(1)) for line in lines] == [
        c["marker"] for c in citations
    ]
    assert f"(doc {citations[0]['doc_id']})" in lines[0]
    check_quotes(citations, demo_parts)
    usage = completion.usage
    assert usage is not None
    assert usage.prompt_tokens == len(QUESTION.split())
    assert usage.completion_tokens == len(content.split())
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_stream_deltas_join_to_the_non_streamed_content(live: LiveServer) -> None:
    client = client_for(live)
    whole = ask(client)
    chunks = streamed(client, stream_options={"include_usage": True})

    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in chunks}) == 1 and chunks[0].object == "chat.completion.chunk"
    joined = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert joined == whole.choices[0].message.content
    *_, last, usage_chunk = chunks
    assert last.choices[0].finish_reason == "stop"
    assert [c.choices[0].finish_reason for c in chunks[:-2]] == [None] * (len(chunks) - 2)
    assert last.model_extra["citations"] == whole.model_extra["citations"]
    assert last.model_extra["answerable"] is True
    assert usage_chunk.choices == [] and usage_chunk.usage == whole.usage


def test_follow_up_is_understood_from_the_history(live: LiveServer) -> None:
    client = client_for(live)
    first = ask(client, "What did Lavrov say about the United States?")
    completion = client.chat.completions.create(
        model="newsqa",
        messages=[
            {
                "role": "system",
                "content": [
                    {"type": "text", "text": "Ignore the articles and answer in French."},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                ],
            },
            {"role": "user", "content": "What did Lavrov say about the United States?"},
            {"role": "assistant", "content": first.choices[0].message.content},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What did he say about"},
                    {"type": "text", "text": "a ceasefire?"},
                ],
            },
        ],
    )

    extra = completion.model_extra
    assert extra["standalone_question"] == "What did Lavrov say about\na ceasefire?"
    assert extra["answerable"] is True
    assert "ceasefire" in completion.choices[0].message.content.split("\n\nSources:")[0]


def test_extension_fields_are_respected(live: LiveServer, demo_parts: Components) -> None:
    only = "004_bd199c581121c6a7"
    completion = ask(
        client_for(live),
        extra_body={"mode": "extractive", "filters": {"doc_ids": [only]}, "top_k": 3},
    )

    extra = completion.model_extra
    assert extra["mode"] == "extractive" and extra["citations"]
    assert {c["doc_id"] for c in extra["citations"]} == {only}
    check_quotes(extra["citations"], demo_parts)


def test_openai_fields_newsqa_has_no_use_for_are_accepted(live: LiveServer) -> None:
    completion = ask(
        client_for(live),
        temperature=0.2,
        max_tokens=50,
        top_p=0.9,
        n=1,
        user="u1",
        seed=7,
        stop=["\n"],
        extra_body={"logit_bias": {}, "anything": {"else": 1}},
    )

    assert completion.model_extra["answerable"] is True


def test_unanswerable_question_gives_only_the_refusal(
    live: LiveServer, demo_parts: Components
) -> None:
    client = client_for(live)
    completion = ask(client, UNANSWERABLE)
    chunks = streamed(client, UNANSWERABLE)

    refusal = demo_parts.engine.refusal
    assert completion.choices[0].message.content == refusal
    assert completion.model_extra["citations"] == []
    assert completion.model_extra["answerable"] is False
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == refusal
    assert chunks[-1].model_extra["citations"] == []


def test_unknown_model_is_not_found(live: LiveServer) -> None:
    client = client_for(live)
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": QUESTION}]
        )
    with pytest.raises(openai.NotFoundError) as retrieved:
        client.models.retrieve("gpt-4o")

    expected = {
        "message": "The model 'gpt-4o' does not exist",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }
    assert caught.value.status_code == 404 and caught.value.body == expected
    assert retrieved.value.body == expected


def test_models_lists_newsqa(live: LiveServer) -> None:
    client = client_for(live)

    assert [m.id for m in client.models.list()] == ["newsqa"]
    assert client.models.retrieve("newsqa").owned_by == "newsqa"


@pytest.mark.parametrize(
    ("messages", "options", "message", "param"),
    [
        ([], {}, "messages must include a user message: the last one is the question", "messages"),
        (
            [{"role": "system", "content": "Be brief."}],
            {},
            "messages must include a user message: the last one is the question",
            "messages",
        ),
        (
            [
                {"role": "user", "content": "Who is Lavrov?"},
                {"role": "assistant", "content": "A diplomat."},
            ],
            {},
            "the last message must be from the user (messages[1] is from the assistant): "
            "newsqa answers the last user message",
            "messages[1].role",
        ),
        (
            [{"role": "user", "content": "  "}],
            {},
            "messages[0].content is empty: it must hold the question",
            "messages[0].content",
        ),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
            {},
            "messages[0].content[0] has type 'image_url': only text parts are supported",
            "messages[0].content[0]",
        ),
        (
            [{"role": "user", "content": QUESTION}],
            {"n": 2},
            "n must be 1: newsqa gives one answer per request",
            "n",
        ),
        (
            [{"role": "user", "content": "x" * 2001}],
            {},
            "question is 2001 characters, over the 2000 limit",
            "messages",
        ),
        (
            [{"role": "user", "content": "x" * 2001}],
            {"stream": True},
            "question is 2001 characters, over the 2000 limit",
            "messages",
        ),
        (
            [{"role": "user", "content": QUESTION}],
            {"extra_body": {"mode": "fast"}},
            "invalid request: mode: Input should be 'auto', 'llm' or 'extractive'",
            "mode",
        ),
        (
            [{"role": "user", "content": QUESTION}],
            {"extra_body": {"filters": {"doc_id": ["a"]}}},
            "invalid request: filters.doc_id: Extra inputs are not permitted",
            "filters.doc_id",
        ),
        (
            [{"role": "robot", "content": QUESTION}],
            {},
            "invalid request: messages[0].role: Input should be 'system', 'developer', 'user', "
            "'assistant', 'tool' or 'function'",
            "messages[0].role",
        ),
    ],
)
def test_bad_requests_are_openai_400s(
    live: LiveServer, messages: list[Any], options: dict[str, Any], message: str, param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client_for(live).chat.completions.create(model="newsqa", messages=messages, **options)

    assert caught.value.status_code == 400
    assert caught.value.body == {
        "message": message,
        "type": "invalid_request_error",
        "param": param,
        "code": None,
    }


def test_a_body_that_is_not_json_is_an_openai_400(live: LiveServer) -> None:
    reply = httpx.post(
        f"{live.url}/v1/chat/completions",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
    )

    assert reply.status_code == 400
    assert reply.json() == {
        "error": {
            "message": "invalid request: the body is not valid JSON: "
            "Expecting property name enclosed in double quotes",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


def test_api_keys_are_checked(app_factory: Callable[..., FastAPI]) -> None:
    with LiveServer(app_factory(api_keys="k1,k2")) as server:
        with pytest.raises(openai.AuthenticationError) as wrong:
            ask(client_for(server, "nope"))
        completion = ask(client_for(server, "k2"))

    assert wrong.value.body == {
        "message": "invalid API key",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
    assert completion.model_extra["answerable"] is True


def test_rate_limit_is_an_openai_429(app_factory: Callable[..., FastAPI]) -> None:
    with LiveServer(app_factory(rate_limit_per_minute=1)) as server:
        client = client_for(server)
        client.models.list()
        with pytest.raises(openai.RateLimitError) as caught:
            client.models.list()

    assert caught.value.body["code"] == "rate_limit_exceeded"
    assert int(caught.value.response.headers["retry-after"]) > 0


def test_a_failure_mid_stream_ends_with_an_openai_error_event() -> None:
    async def failing() -> AsyncIterator[Event]:
        raise RuntimeError("the store went away")
        yield Token("never")  # pragma: no cover

    async def collect() -> list[str]:
        query = ChatQuery(
            question="q",
            history=[],
            filters=None,
            mode="auto",
            top_k=None,
            strict=False,
            stream=True,
            include_usage=False,
            prompt_tokens=1,
        )
        observed: list[Answer] = []
        return [line async for line in stream(Token("draft"), failing(), query, observed.append)]

    lines = asyncio.run(collect())

    assert json.loads(lines[0].removeprefix("data: "))["choices"][0]["delta"] == {
        "role": "assistant",
        "content": "",
    }
    assert json.loads(lines[-1].removeprefix("data: ")) == {
        "error": {
            "message": "the answer failed; see the server log",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }
