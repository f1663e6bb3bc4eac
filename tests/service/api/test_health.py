"""Health, readiness, metrics, request ids, keys and rate limits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest.embedding import LocalEmbedder
from service.api.app import create_app
from service.api.health_schemas import Health, Readiness
from service.settings import Settings
from service.wiring import Components, build
from tests.service.api.conftest import LiveServer, api_settings


def test_health_and_readiness(client: TestClient) -> None:
    assert Health.model_validate(client.get("/healthz").json()) == Health(status="ok")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert Readiness.model_validate(ready.json()) == Readiness(status="ready", reason="ready")
    assert "llm" not in ready.json(), "no model process, no llm key"


def test_not_ready_while_loading_then_ready(tmp_path: Path, embedder: LocalEmbedder) -> None:
    release = threading.Event()

    def slow_build(settings: Settings) -> Components:
        release.wait(30)
        return build(settings, embedder)  # the runtime's own parts: it closes them

    app = create_app(api_settings(tmp_path), builder=slow_build)
    with TestClient(app) as client:
        waiting = client.get("/readyz")
        assert waiting.status_code == 503 and "still loading" in waiting.json()["reason"]
        asked = client.post("/v1/ask", json={"question": "What did Kirby say?"})
        assert asked.status_code == 503 and asked.headers["retry-after"] == "5"
        assert asked.json()["error"]["type"] == "not_ready"
        assert client.get("/healthz").status_code == 200
        release.set()
        app.state.runtime.wait(30)
        assert client.get("/readyz").status_code == 200


def test_failed_load_is_reported(demo_parts: Components) -> None:
    def broken(_: Settings) -> Components:
        raise RuntimeError("chroma exploded")

    app = create_app(demo_parts.settings, builder=broken)
    with TestClient(app) as client:
        app.state.runtime.wait(30)
        reply = client.get("/readyz")
        assert reply.status_code == 503 and "chroma exploded" in reply.json()["reason"]


def test_metrics_count_requests_and_index_size(client: TestClient) -> None:
    client.post("/v1/ask", json={"question": "What did Kirby say?"})
    client.post("/v1/ask", json={})
    text = client.get("/metrics").text
    assert 'newsqa_requests_total{method="POST",route="/v1/ask",status="200"} 1.0' in text
    assert 'newsqa_requests_total{method="POST",route="/v1/ask",status="422"} 1.0' in text
    assert "newsqa_retrieve_seconds_count 1.0" in text
    assert 'newsqa_generate_seconds_count{mode="extractive"} 1.0' in text
    assert "newsqa_documents_indexed 5.0" in text


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32


def test_api_keys_guard_v1_routes_only(app_factory: Callable[..., FastAPI]) -> None:
    with LiveServer(app_factory(api_keys="k1, k2")) as live:
        body = {"query": "truce"}
        missing = httpx.post(f"{live.url}/v1/search", json=body)
        assert missing.status_code == 401
        assert missing.json()["error"] == {
            "type": "unauthorized",
            "message": "missing API key: send 'Authorization: Bearer <key>'",
        }
        wrong = httpx.post(
            f"{live.url}/v1/search", json=body, headers={"Authorization": "Bearer x"}
        )
        assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "invalid API key"
        for key in ("k1", "k2"):
            ok = httpx.post(
                f"{live.url}/v1/search", json=body, headers={"Authorization": f"Bearer {key}"}
            )
            assert ok.status_code == 200
        assert httpx.get(f"{live.url}/healthz").status_code == 200
        assert httpx.get(f"{live.url}/readyz").status_code == 200


def test_rate_limit_answers_429_with_retry_after(app_factory: Callable[..., FastAPI]) -> None:
    with TestClient(app_factory(rate_limit_per_minute=3)) as client:
        codes = [client.post("/v1/search", json={"query": "truce"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        limited = client.post("/v1/search", json={"query": "truce"})
        assert int(limited.headers["retry-after"]) >= 1
        assert "rate limit of 3 requests per minute" in limited.json()["error"]["message"]


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    reply = client.get("/v1/nothing")
    assert reply.status_code == 404 and reply.json()["error"]["type"] == "not_found"
