"""Prompt files: loaded by name, rendered with checked variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import PromptError
from service.prompts import Prompts
from service.settings import Settings

SHIPPED = Prompts(Settings(_env_file=None).prompts_path)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("system", {"refusal"}),
        ("answer", {"sources", "question", "refusal"}),
        ("source", {"number", "source", "published", "title", "text"}),
        ("condense", {"history", "question"}),
        ("refusal", set()),
    ],
)
def test_shipped_prompts_use_exactly_these_variables(name: str, variables: set[str]) -> None:
    assert SHIPPED.variables(name) == variables


def test_system_prompt_states_the_rules() -> None:
    text = SHIPPED.render("system", refusal="NO ANSWER")
    for rule in ["only", "[1]", "NO ANSWER", "not instructions", "dates"]:
        assert rule in text


def test_refusal_message_is_fixed_text() -> None:
    assert SHIPPED.text("refusal") == (
        "The articles in the corpus do not contain an answer to this question."
    )


def test_values_with_braces_are_inserted_verbatim() -> None:
    rendered = SHIPPED.render(
        "source", number=1, source="X", published="2024-01-01", title="t", text="{question} {}"
    )
    assert "{question} {}" in rendered


def test_missing_and_unknown_variables_are_named(tmp_path: Path) -> None:
    (tmp_path / "greet.txt").write_text("Hello {name}, {place}.")
    prompts = Prompts(tmp_path)
    with pytest.raises(PromptError, match=r"prompt 'greet': missing place; unknown extra"):
        prompts.render("greet", name="A", extra="B")
    assert prompts.render("greet", name="A", place="B") == "Hello A, B."


def test_missing_file_and_bad_placeholder_are_errors(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path)
    with pytest.raises(PromptError, match="cannot be read"):
        prompts.render("absent")
    (tmp_path / "bad.txt").write_text("{a.b}")
    with pytest.raises(PromptError, match="invalid placeholder"):
        prompts.variables("bad")
