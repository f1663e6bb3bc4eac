"""Who a sentence says is speaking."""

from __future__ import annotations

import pytest

from service.grounding.attribution import quoted, role_holders, role_speaks, speakers, subject_is
from service.grounding.mentions import Casing


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Anna Berg also said the plan was late.", ["Anna Berg"]),
        ("The plan was late, said Anna Berg.", ["Anna Berg"]),
        ("Tom Holm, a spokesman, suggested a delay.", ["Tom Holm"]),
        ("Holm's deputy said the plan was late.", []),  # the deputy speaks, not Holm
        ("The plan was late. Nobody disputed it.", []),
        # the name right before the verb speaks, however many names come before it
        ("Talks would have to be between Oslo and Bergen, Holm added.", ["Holm"]),
    ],
)
def test_speakers(text: str, found: list[str]) -> None:
    assert speakers(text)[: len(found)] == found
    assert set(found) <= set(speakers(text))


def test_a_name_opening_the_sentence_speaks_when_the_article_writes_it_as_a_name() -> None:
    text = "Holm, who takes office next week, has not set out a plan but said it was urgent."
    assert "Holm" not in speakers(text)  # 'Holm,' could be 'However,'
    assert "Holm" in speakers(text, Casing(["Mayor-elect Anna Holm spoke on Monday."]))


def test_the_holders_of_a_role_are_named_by_apposition() -> None:
    article = ("Harbour spokesperson Tom Reed said the dock would close. Anna Berg, a spokesman "
               "for the union, disagreed. The mayor, Lena Ives, said nothing.")  # fmt: skip
    assert role_holders(article, "spokesman") == ["Tom Reed", "Anna Berg"]
    assert role_holders(article, "mayor") == ["Lena Ives"]
    assert role_holders(article, "minister") == []


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
