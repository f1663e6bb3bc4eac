"""What a question is about, and whether passages or answer sentences cover it."""

from __future__ import annotations

import pytest

from service.grounding.answerability import asked_event, mentions, required_terms, states_event


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("What did Lavrov say about China?", ["Lavrov", "China"]),
        ("Besides, what did Lavrov say?", ["Lavrov"]),
        ("What did Zelenskiy say about Crimea in 2024?", ["Zelenskiy", "Crimea", "2024"]),
        ("What did they agree in April?", ["April"]),
        ("How many billions of dollars did it cost?", ["billions"]),
        ("How many of the people died?", ["people"]),
        ("what happened next?", []),
    ],
)
def test_required_terms(question: str, terms: list[str]) -> None:
    assert required_terms(question) == terms


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("a G-20 ministerial meeting", "G20", True),
        ("a summit of the Group of 20 in Indonesia", "G20", True),
        ("relations between Russia and the West", "Western", True),
        ("the presidential meeting", "President", True),
        ("Mr. Putin has shown no indications", "India", False),
        ("tens of thousands of dead", "billions", False),
        ("Sergey Lavrov said", "Sergey Lavrov", True),
        ("Sergey Lavrov said", "Sergei Shoigu", False),
    ],
)
def test_mentions(text: str, term: str, found: bool) -> None:
    assert mentions(text, term) is found


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("What did Erdogan propose to Putin in Kazakhstan?", "propose"),
        ("What peace plan did Keith Kellogg present to Putin?", "present"),
        ("What did Lavrov say about a truce?", None),
        ("What first step did he suggest?", None),
        ("How did the State Department respond?", None),
    ],
)
def test_asked_event(question: str, event: str | None) -> None:
    assert asked_event(question) == event


def test_an_event_stated_as_a_possibility_does_not_answer() -> None:
    question = "What did Erdogan propose to Putin in Kazakhstan?"
    possible = "Erdogan would have an opportunity to put proposals to Putin in Kazakhstan."
    happened = "Erdogan proposed a prisoner exchange to Putin in Kazakhstan."
    assert not states_event(question, [possible])
    assert states_event(question, [possible, happened])
    assert states_event("When did Lavrov meet Tillerson?", ["We met with Rex in Bonn."]) is True
    assert states_event("What did Lavrov say?", []) is True
