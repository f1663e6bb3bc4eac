"""POST /v1/ask (JSON and Server-Sent Events) and POST /v1/search, through a real server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api.schemas import AskResponse, SearchResponse
from service.wiring import Components
from tests.service.api.conftest import LiveServer

QUESTION = "What are Russia's stated preconditions for peace talks?"


def events(lines: Iterator[str]) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    """Parse Server-Sent Events into (event, data) pairs."""
    out, event, data = [], "message", []
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and data:
            out.append((event, json.loads("\n".join(data))))
            event, data = "message", []
    return out


def test_ask_returns_a_cited_answer_with_exact_quotes(
    live: LiveServer, demo_parts: Components
) -> None:
    reply = httpx.post(f"{live.url}/v1/ask", json={"question": QUESTION}, timeout=60)
    assert reply.status_code == 200
    body = AskResponse.model_validate(reply.json())
    assert body.answerable and body.mode == "extractive" and not body.degraded
    assert body.citations and body.timings_ms.total > 0
    for c in body.citations:
        text = demo_parts.index.get_document(c.doc_id).text or ""
        assert text[c.start : c.end] == c.quote
        assert f"[{c.marker}]" in body.answer
    assert reply.headers["x-request-id"]


def test_ask_streams_tokens_then_done(live: LiveServer) -> None:
    with httpx.stream(
        "POST",
        f"{live.url}/v1/ask",
        json={"question": QUESTION},
        headers={"Accept": "text/event-stream"},
        timeout=60,
    ) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        parsed = events(reply.iter_lines())
    kinds = [kind for kind, _ in parsed]
    assert kinds.count("done") == 1 and kinds[-1] == "done"
    assert kinds.count("token") > 5 and all(k == "token" for k in kinds[:-1])
    final = AskResponse.model_validate(parsed[-1][1])
    assert final.answerable and final.citations


def test_unanswerable_question_is_refused(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "Who won the 2018 FIFA World Cup?"}).json()
    assert body["answerable"] is False and body["citations"] == []
    assert body["answer"] == "The articles in the corpus do not contain an answer to this question."


def test_search_returns_exact_passages(client: TestClient, demo_parts: Components) -> None:
    reply = client.post("/v1/search", json={"query": "truce path to nowhere", "top_k": 3})
    assert reply.status_code == 200
    results = SearchResponse.model_validate(reply.json()).results
    assert 1 <= len(results) <= 3
    for r in results:
        assert (demo_parts.index.get_document(r.doc_id).text or "")[r.start : r.end] == r.text
    assert results[0].doc_id == "000_e62ddbb625dbe803"


def test_filters_are_applied(client: TestClient) -> None:
    reply = client.post(
        "/v1/search",
        json={"query": "Lavrov", "filters": {"doc_ids": ["003_10bd731a7649f7ed"]}},
    )
    assert {r["doc_id"] for r in reply.json()["results"]} == {"003_10bd731a7649f7ed"}
    none = client.post(
        "/v1/search", json={"query": "Lavrov", "filters": {"published_after": "2030-01-01"}}
    )
    assert none.json()["results"] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 422, "question: Field required"),
        ({"question": ""}, 422, "question: String should have at least 1 character"),
        ({"question": "   "}, 422, "question: must not be empty or only whitespace"),
        ({"question": "x" * 100_000}, 422, "question: String should have at most 2000"),
        ({"question": 42}, 422, "question: Input should be a valid string"),
        ({"question": "q", "top_k": 0}, 422, "top_k: Input should be greater than or equal to 1"),
        ({"question": "q", "top_k": 51}, 422, "top_k: Input should be less than or equal to 50"),
        ({"question": "q", "mode": "magic"}, 422, "mode: Input should be"),
        ({"question": "q", "filters": {"published_after": "soon"}}, 422,
         "filters.published_after: Input should be a valid date"),
        ({"question": "q", "colour": "red"}, 422, "colour: Extra inputs are not permitted"),
        ({"question": "q", "history": [{"role": "robot", "content": "x"}]}, 422,
         "history.0.role: Input should be 'user' or 'assistant'"),
    ],
)  # fmt: skip
def test_bad_requests_name_the_field(
    client: TestClient, body: object, status: int, message: str
) -> None:
    reply = client.post("/v1/ask", json=body)
    assert reply.status_code == status
    error = reply.json()["error"]
    assert error["type"] == "invalid_request" and message in error["message"]


def test_invalid_json_and_wrong_content_are_4xx(client: TestClient) -> None:
    broken = client.post(
        "/v1/ask", content=b'{"question": ', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert "body is not valid JSON" in broken.json()["error"]["message"]
    binary = client.post(
        "/v1/ask", content=b"\xff\xfe\x00", headers={"content-type": "application/json"}
    )
    assert binary.status_code == 400
    assert binary.json()["error"]["message"] == "There was an error parsing the body"


def test_oversized_body_is_413(client: TestClient) -> None:
    reply = client.post("/v1/ask", json={"question": "q", "pad": "x" * 2_000_000})
    assert reply.status_code == 413
    assert reply.json()["error"] == {
        "type": "too_large",
        "message": "request body is over the 1000000 byte limit",
    }


@pytest.mark.slow
def test_fifty_concurrent_clients_all_get_answers(live: LiveServer) -> None:
    import asyncio

    questions = [
        QUESTION,
        "What did Ned Price say about Lavrov's offer?",
        "What did Lavrov say about a truce?",
        "Who won the 2018 FIFA World Cup?",
        "What did Kirby say?",
    ]

    async def one(http: httpx.AsyncClient, i: int) -> tuple[int, dict]:  # type: ignore[type-arg]
        reply = await http.post(
            "/v1/ask", json={"question": questions[i % 5], "mode": "extractive"}
        )
        return reply.status_code, reply.json()

    finished: list[str] = []

    async def counted(http: httpx.AsyncClient, i: int) -> tuple[int, dict]:  # type: ignore[type-arg]
        result = await one(http, i)
        finished.append("answer")
        return result

    async def health_during_load(http: httpx.AsyncClient) -> None:
        # Asked once the first answer is back and 49 are still to come (not after a fixed
        # delay: how long 50 answers take depends on the engine's speed).
        while not finished:
            await asyncio.sleep(0.005)
        assert (await http.get("/healthz")).status_code == 200
        finished.append("health")

    async def all_of_them() -> list[tuple[int, dict]]:  # type: ignore[type-arg]
        async with httpx.AsyncClient(base_url=live.url, timeout=600) as http:
            health = asyncio.create_task(health_during_load(http))
            answers = await asyncio.gather(*(counted(http, i) for i in range(50)))
            await health
            return answers

    results = asyncio.run(all_of_them())
    assert [status for status, _ in results] == [200] * 50
    refused = {q for i, (_, body) in enumerate(results) if not body["answerable"]
               for q in [questions[i % 5]]}  # fmt: skip
    assert refused == {"Who won the 2018 FIFA World Cup?"}
    # The blocking work runs off the event loop: health answers while the questions run.
    assert "health" in finished[:-10]
