"""The Chroma server goes away under a running API: clients get a 503 naming the reason,
never a 500, and readiness says so."""

from __future__ import annotations

from pathlib import Path

import httpx

from ingest.embedding import LocalEmbedder
from ingest.pipeline import Ingestor
from service.api.app import create_app
from service.wiring import build
from tests.conftest import CORPUS, ChromaServer
from tests.service.api.conftest import LiveServer, api_settings


def test_store_down_is_a_503_with_the_reason(tmp_path: Path, embedder: LocalEmbedder) -> None:
    (tmp_path / "chroma").mkdir()
    server = ChromaServer(tmp_path / "chroma").__enter__()
    try:
        settings = api_settings(
            tmp_path, chroma_host=server.host, chroma_port=server.port, collection="down-test"
        )
        parts = build(settings, embedder)
        Ingestor(parts.index).sync_paths([CORPUS])
        with parts, LiveServer(create_app(settings, parts)) as live:
            ok = httpx.post(f"{live.url}/v1/ask", json={"question": "What did Kirby say?"})
            assert ok.status_code == 200
            server.stop()
            for path, body in [
                ("/v1/ask", {"question": "What did Kirby say?"}),
                ("/v1/search", {"query": "truce"}),
            ]:
                down = httpx.post(f"{live.url}{path}", json=body, timeout=60)
                assert down.status_code == 503, down.text
                error = down.json()["error"]
                assert error["type"] == "index_unavailable"
                assert "the vector store failed" in error["message"]
            listing = httpx.get(f"{live.url}/v1/documents", timeout=60)
            assert listing.status_code == 503
            ready = httpx.get(f"{live.url}/readyz", timeout=60)
            assert ready.status_code == 503 and "does not answer" in ready.json()["reason"]
    finally:
        server.stop()
