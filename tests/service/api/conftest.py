"""API fixtures: the app built from the factory on the demo corpus, a TestClient, and a real
uvicorn server on a free loopback port."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ingest.embedding import LocalEmbedder
from ingest.errors import DocumentNotFound
from ingest.pipeline import Ingestor
from service.api.app import create_app
from service.settings import Settings
from service.wiring import Components, build
from tests.conftest import CORPUS, free_port


def api_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir / "index", "llm": "extractive"}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="module")
def demo_parts(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder
) -> Iterator[Components]:
    """The demo corpus indexed once per test module, extractive answers."""
    with build(api_settings(tmp_path_factory.mktemp("api")), embedder) as parts:
        Ingestor(parts.index).sync_paths([CORPUS])
        yield parts


@pytest.fixture
def app_factory(demo_parts: Components) -> Callable[..., FastAPI]:
    """An app on the shared demo index with chosen setting overrides (keys, limits ...)."""

    def make(**overrides: Any) -> FastAPI:
        settings = demo_parts.settings.model_copy(update=overrides)
        parts = dataclasses.replace(demo_parts, settings=settings)
        return create_app(settings, parts)

    return make


@pytest.fixture
def client(app_factory: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(app_factory()) as test_client:
        yield test_client


class LiveServer:
    """A uvicorn server in a thread of this process, on a free loopback port."""

    def __init__(self, app: FastAPI, **options: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", **options
        )  # options: uvicorn's, e.g. http= a protocol class
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(app_factory: Callable[..., FastAPI]) -> Iterator[LiveServer]:
    """A real HTTP server running the app on the demo index."""
    with LiveServer(app_factory()) as server:
        yield server


@pytest.fixture
def restore_index(demo_parts: Components) -> Iterator[None]:
    """Delete whatever a test added to the shared demo index."""
    before = {r.doc_id for r in demo_parts.index.iter_documents(include_deleting=True)}
    yield
    extra = {r.doc_id for r in demo_parts.index.iter_documents(include_deleting=True)} - before
    for doc_id in extra:
        try:
            demo_parts.index.delete_document(doc_id)
        except DocumentNotFound:
            pass
    if extra:
        demo_parts.keyword.refresh(force=True)
