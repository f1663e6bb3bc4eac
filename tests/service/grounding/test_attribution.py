"""Who a sentence says is speaking."""

from __future__ import annotations

import pytest

from service.grounding.attribution import quoted, role_speaks, speakers, subject_is


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Anna Berg also said the plan was late.", ["Anna Berg"]),
        ("The plan was late, said Anna Berg.", ["Anna Berg"]),
        ("Tom Holm, a spokesman, suggested a delay.", ["Tom Holm"]),
        ("Holm's deputy said the plan was late.", []),  # the deputy speaks, not Holm
        ("The plan was late. Nobody disputed it.", []),
    ],
)
def test_speakers(text: str, found: list[str]) -> None:
    assert speakers(text) == found


def test_a_role_can_be_the_speaker() -> None:
    assert role_speaks("City officials said the bridge would reopen.", "officials")
    assert role_speaks("According to officials, the bridge will reopen.", "officials")
    assert role_speaks("Officials expect the bridge to reopen in May.", "officials")
    assert role_speaks("“It will reopen,” said officials in the city.", "officials")
    assert not role_speaks("Anna Berg said officials were wrong.", "officials")


def test_subject_and_quotations() -> None:
    assert subject_is("Anna Berg opened the bridge on Monday.", "Berg")
    assert not subject_is("On Monday the mayor met the engineers who had, for months, worked "
                          "with Anna Berg.", "Berg")  # fmt: skip
    assert quoted("“We will rebuild it within a year,” she said.")
    assert not quoted("She said “no”.")
