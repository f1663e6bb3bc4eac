"""The rule that turns a follow-up into a stand-alone question when there is no LLM."""

from __future__ import annotations

import pytest

from service.answers import Turn
from service.condense import condense_by_rule, history_text, names_in

HISTORY = [
    Turn("user", "What did Lavrov say about a truce?"),
    Turn("assistant", "He said a truce is a path to nowhere [1]."),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did he say about NATO?", "What did Lavrov say about NATO?"),
        ("What was his view of Trump?", "What was Lavrov's view of Trump?"),
        ("What did Ned Price say?", "What did Ned Price say?"),
        ("Who won the election?", "Who won the election?"),
    ],
)
def test_follow_up_gets_the_earlier_name(question: str, expected: str) -> None:
    assert condense_by_rule(question, HISTORY) == expected


def test_no_history_or_no_names_keeps_or_appends_context() -> None:
    assert condense_by_rule("What did he say?", []) == "What did he say?"
    nameless = [Turn("user", "what happened next?")]
    assert condense_by_rule("Why did they do it?", nameless) == (
        "Why did they do it? (what happened next?)"
    )


def test_names_skip_question_words() -> None:
    assert names_in("What did Sergey Lavrov tell the U.S. about NATO?") == [
        "Sergey Lavrov",
        "U.S.",
        "NATO",
    ]


def test_history_text_labels_turns() -> None:
    assert history_text(HISTORY).splitlines()[0] == "User: What did Lavrov say about a truce?"
