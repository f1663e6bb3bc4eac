"""Which RGB negative-only rows may state the answer after all (a bound on rejection)."""

from __future__ import annotations

from evals.rgb import Row
from evals.rgb_leaks import may_state_answer


def row(answer: list[list[str]], negative: list[str]) -> Row:
    return Row(0, "Where was the final?", answer, [["Oslo"]], [], negative, [])


def test_a_negative_holding_every_word_of_a_phrasing_may_state_the_answer() -> None:
    assert may_state_answer(row([["Tampa, Florida"]], ["It was played in Tampa Bay, Florida."]))
    assert may_state_answer(row([["Dec 1, 2017", "December 1 2017"]], ["Out December 1, 2017"]))


def test_a_negative_missing_a_word_does_not() -> None:
    assert not may_state_answer(row([["Tampa, Florida"]], ["It was played in Tampa Bay."]))
    assert not may_state_answer(row([["Emma Raducanu"]], ["Raducanu won the final."]))
