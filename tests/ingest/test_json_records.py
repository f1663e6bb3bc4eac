"""Tests for ingest/json_records.py: an API record (JSON files: tests/ingest/test_loaders.py)."""

from __future__ import annotations

import pytest

from ingest.errors import BadInput
from ingest.json_records import load_record
from ingest.model import Article


def test_load_record() -> None:
    article = load_record({"text": "Body.", "id": "api-1"}, "request body", None)
    assert article == Article(doc_id="api-1", text="Body.")
    assert load_record({"text": "Body."}, "request body", "fallback").doc_id == "fallback"


@pytest.mark.parametrize(
    ("record", "default_id", "reason"),
    [
        ({"text": "Body."}, None, "'id' is required"),
        ({"id": "x"}, "d", "'text' is required and must be a non-empty string"),
        ({"text": "  \n"}, "d", "'text' is required and must be a non-empty string"),
        ({"text": "Body.", "id": ""}, None, "doc id must not be empty"),
        ({"text": "Body.", "id": True}, None, "'id' must be a string, got boolean"),
        ({"text": "Body.", "title": 3}, "d", "'title' must be a string, got number"),
        ({"text": "Body.", "author": [1]}, "d", "'author' must be a string or a list of strings"),
    ],
)
def test_load_record_refuses(
    record: dict[str, object], default_id: str | None, reason: str
) -> None:
    with pytest.raises(BadInput) as caught:
        load_record(record, "request body", default_id)
    assert (caught.value.where, caught.value.reason) == ("request body", reason)
