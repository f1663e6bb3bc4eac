"""Property-based fuzzing of every operation in /openapi.json: no input a client can send
makes the server answer 5xx (extractive mode, its own temporary index)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from ingest.embedding import LocalEmbedder
from ingest.pipeline import Ingestor
from service.api.app import create_app
from service.wiring import build
from tests.conftest import CORPUS
from tests.service.api.conftest import api_settings


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder) -> Iterator[Any]:
    with build(api_settings(Path(tmp_path_factory.mktemp("fuzz"))), embedder) as parts:
        Ingestor(parts.index).sync_paths([CORPUS])
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(parts.settings, parts))


@pytest.mark.slow
def test_no_request_gets_a_server_error(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_5xx(case: Any) -> None:
            response = case.call()
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.path} -> {response.status_code}: {response.text[:500]}"
            )

        no_5xx()
    # The run really exercised the API: many requests, both accepted and refused ones.
    assert len(statuses) > 100
    assert any(s < 300 for s in statuses) and any(400 <= s < 500 for s in statuses)
