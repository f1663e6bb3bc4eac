"""ingest/hygiene.py and the loaders that use it: what text may hold, and JSON nesting."""

from __future__ import annotations

import json

import pytest

from ingest import hygiene
from ingest.errors import BadInput
from ingest.loaders import load_bytes

LIMIT = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("check", "text", "reason"),
    [
        (hygiene.free_text, "fine\ttext\nwith lines\x0c", None),
        (hygiene.free_text, "caf\u00e9 \U0001f600 \u202e", None),
        (hygiene.free_text, "ab\ud800", "holds a lone surrogate U+D800 at character 2"),
        (hygiene.free_text, "\udfff", "holds a lone surrogate U+DFFF at character 0"),
        (hygiene.free_text, "\x00", "holds a NUL character (U+0000) at character 0"),
        (hygiene.name, "Reuters", None),
        (hygiene.name, "Re\nuters", "holds the control character U+000A at character 2"),
        (hygiene.name, "x\x7f", "holds the control character U+007F at character 1"),
        (hygiene.name, "x\x9b", "holds the control character U+009B at character 1"),
        (hygiene.name, "\u0627\u0644\u062c\u0632\u064a\u0631\u0629", None),
        (hygiene.identifier, "doc-1 \u00fc", None),
        (
            hygiene.identifier,
            "a\u200fb",
            "holds the bidirectional control U+200F (RIGHT-TO-LEFT MARK) at character 1",
        ),
    ],
)
def test_checks(check: object, text: str, reason: str | None) -> None:
    assert callable(check)
    assert check(text) == reason


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('"scalar"', 0),
        ("[]", 1),
        ('[{"text": "x", "author": ["a", "b"]}]', 3),
        ('{"text": "[[[[[[[[[[ {{{{ inside a string is text"}', 1),
        ('{"text": "an escaped \\" quote [[[["}', 1),
        ("[" * 10_000, 10_000),
        ("[1]" * 1000, 1),
    ],
)
def test_json_depth(text: str, depth: int) -> None:
    assert hygiene.json_depth(text) == depth


def test_a_json_record_of_only_a_nul_is_refused_like_a_text_file_with_nuls() -> None:
    data = json.dumps({"id": "nul", "text": "\u0000"}).encode()
    with pytest.raises(BadInput) as caught:
        load_bytes("nul.json", data, LIMIT)
    assert caught.value.reason == (
        "'text' is not text: it holds a NUL character (U+0000) at character 0"
    )
    with pytest.raises(BadInput) as binary:
        load_bytes("nul.txt", b"\x00", LIMIT)
    assert binary.value.reason == "binary file, not text"


def test_one_bad_record_names_the_record_and_the_field() -> None:
    records = [{"id": f"r{n}", "text": f"Record {n} text.", "source": "Wire"} for n in range(60)]
    records[50]["source"] = "Wi\ud800re"
    data = json.dumps(records).encode()  # ensure_ascii: the surrogate travels as \ud800
    with pytest.raises(BadInput) as caught:
        load_bytes("sixty.json", data, LIMIT)
    assert caught.value.reason == "record 51: 'source' holds a lone surrogate U+D800 at character 2"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("id", "r\ud800", "doc id 'r\\ud800' holds a lone surrogate U+D800 at character 1"),
        ("text", "A lone \udc00 here.", "'text' is not text: it holds a lone surrogate U+DC00 "
         "at character 7"),
        ("title", "Head\x00line", "'title' holds a NUL character (U+0000) at character 4"),
        ("author", ["Ann", "B\x1bob"], "'author' holds the control character U+001B at "
         "character 1"),
        ("id", "\u202eexe.txt", "doc id '\\u202eexe.txt' holds the bidirectional control U+202E "
         "(RIGHT-TO-LEFT OVERRIDE) at character 0"),
    ],
)  # fmt: skip
def test_jsonl_record_fields_are_checked(field: str, value: object, reason: str) -> None:
    lines = [{"id": "ok", "text": "Fine."}, {"id": "second", "text": "Also fine.", field: value}]
    data = "\n".join(json.dumps(r) for r in lines).encode()
    with pytest.raises(BadInput) as caught:
        load_bytes("two.jsonl", data, LIMIT)
    assert caught.value.reason == f"line 2: {reason}"


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_deep_nesting_is_refused_before_parsing(name: str) -> None:
    data = ("[" * 10_000 + "]" * 10_000).encode()
    with pytest.raises(BadInput) as caught:
        load_bytes(name, data, LIMIT)
    label = "line 1: " if name.endswith(".jsonl") else ""
    assert caught.value.reason == f"{label}JSON nested 10000 levels deep, over the limit of 32"


def test_a_file_named_only_dots_gets_no_dot_id() -> None:
    with pytest.raises(BadInput) as caught:
        load_bytes("...txt", b"Some text.", LIMIT)
    assert caught.value.reason == "doc id '..' must not be only dots"
