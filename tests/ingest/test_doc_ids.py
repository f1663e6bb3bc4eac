"""Tests for ingest/doc_ids.py: the ids accepted, and each refusal's exact message."""

from __future__ import annotations

import pytest

from ingest.doc_ids import validate_doc_id


@pytest.mark.parametrize(
    ("doc_id", "expected"),
    [("abc", "abc"), ("  padded\t", "padded"), ("a" * 200, "a" * 200), ("x#1 ü", "x#1 ü")],
)
def test_validate_doc_id(doc_id: str, expected: str) -> None:
    assert validate_doc_id(doc_id) == expected


@pytest.mark.parametrize(
    ("doc_id", "message"),
    [
        ("", "doc id must not be empty"),
        (" \n ", "doc id must not be empty"),
        ("a" * 201, "doc id is 201 characters long, over the 200 limit"),
        ("a\x00b", "doc id 'a\\x00b' holds a NUL character (U+0000) at character 1"),
        ("a\x85b", "doc id 'a\\x85b' holds the control character U+0085 at character 1"),
        ("a/b", "doc id 'a/b' must not contain '/'"),
        ("..", "doc id '..' must not be only dots"),
        (
            "evil\u202etxt.exe",
            "doc id 'evil\\u202etxt.exe' holds the bidirectional control "
            "U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4",
        ),
        (
            "a\u2066b",
            "doc id 'a\\u2066b' holds the bidirectional control U+2066 "
            "(LEFT-TO-RIGHT ISOLATE) at character 1",
        ),
        ("a\ud800b", "doc id 'a\\ud800b' holds a lone surrogate U+D800 at character 1"),
    ],
)
def test_validate_doc_id_refuses(doc_id: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_doc_id(doc_id)
    assert str(caught.value) == message
