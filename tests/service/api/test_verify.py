"""POST /v1/verify, and the grounding fields of /v1/ask: conflicts and date_scope."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.schemas import AskResponse, VerifyResponse
from tests.conftest import CORPUS

REUTERS = "000_e62ddbb625dbe803"
TEXT = (CORPUS / f"{REUTERS}.txt").read_text(encoding="utf-8")
QUOTE = "Russia holds about 20% of Ukrainian territory."
START = TEXT.index(QUOTE)
SOURCE = {"doc_id": REUTERS, "start": START, "end": START + len(QUOTE)}


@pytest.fixture(autouse=True)
def _restore(restore_index: None) -> None:
    """Tests here that add documents leave the shared demo index as they found it."""


def verify(client: TestClient, answer: str, *sources: dict[str, Any]) -> Any:
    return client.post("/v1/verify", json={"answer": answer, "sources": list(sources)})


def test_a_supported_claim_gets_its_exact_quote(client: TestClient) -> None:
    reply = verify(client, "Russia controls about 20% of Ukraine's territory [1].", SOURCE)
    assert reply.status_code == 200
    body = VerifyResponse.model_validate(reply.json())
    assert body.supported
    [citation] = body.citations
    assert citation.quote == QUOTE and TEXT[citation.start : citation.end] == QUOTE
    assert body.sentences[0].markers == [1] and body.sentences[0].supported


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        ("Russia holds about 30% of Ukrainian territory [1].", "30%"),
        ("Belarus holds about 20% of Ukrainian territory [1].", "Belarus"),
    ],
)
def test_a_changed_fact_is_unsupported_and_the_reason_names_it(
    client: TestClient, claim: str, problem: str
) -> None:
    body = VerifyResponse.model_validate(verify(client, claim, SOURCE).json())
    assert not body.supported
    [sentence] = body.sentences
    assert not sentence.supported and sentence.reason and problem in sentence.reason


def test_a_marker_that_points_at_no_source_leaves_the_sentence_unsupported(
    client: TestClient,
) -> None:
    body = VerifyResponse.model_validate(verify(client, "Kyiv fell [4].", SOURCE).json())
    assert not body.supported and body.citations == []


@pytest.mark.parametrize(
    ("source", "status", "message"),
    [
        ({"doc_id": "nope", "start": 0, "end": 5}, 404, "sources[0]: no document with id 'nope'"),
        ({"doc_id": REUTERS, "start": 10, "end": 10**7}, 422, "sources[0]: offsets 10..10000000"),
        ({"doc_id": REUTERS, "start": 50, "end": 40}, 422, "need 0 <= start < end <= length"),
        ({"doc_id": REUTERS, "start": -1, "end": 40}, 422, "sources.0.start"),
        ({"doc_id": REUTERS, "start": 0}, 422, "sources.0.end"),
    ],
)
def test_bad_sources_are_4xx_naming_the_source(
    client: TestClient, source: dict[str, Any], status: int, message: str
) -> None:
    reply = verify(client, "Russia holds land [1].", source)
    assert reply.status_code == status
    assert message in reply.json()["error"]["message"]


def test_an_empty_answer_or_no_source_is_422(client: TestClient) -> None:
    assert client.post("/v1/verify", json={"answer": "", "sources": [SOURCE]}).status_code == 422
    assert client.post("/v1/verify", json={"answer": "x [1]", "sources": []}).status_code == 422


def test_verify_is_described_in_the_openapi_document(client: TestClient) -> None:
    assert "/v1/verify" in client.get("/openapi.json").json()["paths"]


def add(client: TestClient, doc_id: str, text: str, source: str, published: str | None) -> None:
    body = {"doc_id": doc_id, "text": text, "source": source, "published": published}
    assert client.post("/v1/documents", json=body).status_code == 201


def test_sources_that_disagree_are_reported_side_by_side(client: TestClient) -> None:
    add(client, "tram-a", "The Velm tram extension will cost $412 million, the city said on "
        "Monday.", "Velm Courier", "2025-03-03")  # fmt: skip
    add(client, "tram-b", "The Velm tram extension will cost $389 million, the city said on "
        "Monday.", "Velm Post", "2025-03-04")  # fmt: skip
    reply = client.post("/v1/ask", json={
        "question": "How much will the Velm tram extension cost?", "mode": "extractive",
        "filters": {"doc_ids": ["tram-a", "tram-b"]},
    })  # fmt: skip
    body = AskResponse.model_validate(reply.json())
    assert body.answerable
    [conflict] = body.conflicts
    sides = {tuple(side.sources): side for side in conflict.sides}
    assert set(sides) == {("Velm Courier",), ("Velm Post",)}
    assert sides[("Velm Courier",)].published == ["2025-03-03"]
    cited = {c.marker: c.doc_id for c in body.citations}
    assert {cited[m] for side in conflict.sides for m in side.markers} == {"tram-a", "tram-b"}
    # Each side is stated with its outlet, not blended, and neither supports the other.
    assert "Velm Courier" in body.answer and "Velm Post" in body.answer
    assert all(len({cited[m] for m in s.markers}) == 1 for s in body.sentences)


def test_dates_in_the_question_become_a_filter_and_the_reply_says_so(
    client: TestClient,
) -> None:
    add(client, "ferry-old", "Ferry fares in Velm rose to $3 a ticket.", "Velm Post",
        "2021-06-01")  # fmt: skip
    add(client, "ferry-new", "Ferry fares in Velm rose to $4 a ticket.", "Velm Post",
        "2024-06-01")  # fmt: skip
    add(client, "ferry-undated", "Ferry fares in Velm rose to $5 a ticket.", "Velm Post", None)
    ask = {"question": "What did a ferry ticket in Velm cost in 2021?", "mode": "extractive"}
    body = AskResponse.model_validate(client.post("/v1/ask", json=ask).json())
    assert body.date_scope is not None and body.date_scope.applied
    assert (body.date_scope.published_after, body.date_scope.published_before) == (
        "2021-01-01", "2021-12-31",
    )  # fmt: skip
    assert body.answerable and {c.doc_id for c in body.citations} == {"ferry-old"}
    latest = {"question": "What is the latest ferry fare in Velm?", "mode": "extractive"}
    body = AskResponse.model_validate(client.post("/v1/ask", json=latest).json())
    assert body.date_scope is not None and body.date_scope.latest
    assert {c.doc_id for c in body.citations} == {"ferry-new"}  # undated is never the latest
