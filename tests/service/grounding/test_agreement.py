"""Claim/quote agreement: names, numbers, dates and polarity, on tables of fresh cases."""

from __future__ import annotations

import pytest

from service.grounding.agreement import agreement

QUOTE = (
    "Finance Minister Anna Berg told Reuters on March 3 that the port would cost $2.1 billion "
    "and open in 2027, but the council has not approved the loan."
)


@pytest.mark.parametrize(
    ("claim", "agrees"),
    [
        ("Berg told Reuters the port would cost $2.1 billion.", True),
        ("Anna Berg said on March 3 the port would open in 2027.", True),
        ("The council has not approved the loan.", True),
        ("Berg told Bloomberg the port would cost $2.1 billion.", False),  # outlet
        ("Berg told Reuters the port would cost $3.1 billion.", False),  # number
        ("Berg said the port would open in 2028.", False),  # date
        ("Berg said on March 13 that the port would open in 2027.", False),  # day
        ("Minister Erik Holm said the port would cost $2.1 billion.", False),  # name
        ("The council has approved the loan.", False),  # negation
        ("The council has rejected the loan.", True),  # no approval
    ],
)
def test_claims_against_one_quote(claim: str, agrees: bool) -> None:
    assert agreement(claim, QUOTE).agrees is agrees


@pytest.mark.parametrize(
    ("claim", "quote", "agrees"),
    [
        ("The club will not turn down the offer.", "The club would not refuse the offer.", True),
        ("The club refused the offer.", "The club would not turn down the offer.", False),
        ("Holm beat Berg in the final.", "Holm defeated Berg in the final.", True),
        ("Holm lost to Berg in the final.", "Holm defeated Berg in the final.", False),
        ("Sales rose by 5%.", "Sales fell by 5%.", False),
        (
            "The plan is feasible, the engineers said.",
            "The engineers called the plan unfeasible.",
            False,
        ),
        ("The firm has not received an offer.", "The firm has yet to receive an offer.", True),
        ("The firm received an offer.", "The firm has yet to receive an offer.", False),
        ("He said the ministers showed no interest.", "The ministers showed no interest.", True),
    ],
)
def test_polarity(claim: str, quote: str, agrees: bool) -> None:
    assert agreement(claim, quote).agrees is agrees


def test_a_name_the_quote_refers_to_by_a_pronoun_is_found_in_its_context() -> None:
    quote = "“We will not sign,” she said."
    assert agreement("Berg said they will not sign.", quote, context="Anna Berg spoke.").agrees
    assert not agreement("Holm said they will not sign.", quote, context="Anna Berg spoke.").agrees


def test_a_date_the_quote_leaves_implicit_may_be_the_articles_date() -> None:
    quote = "The minister resigned."
    assert agreement("The minister resigned in 2021.", quote, published="2021-05-04").agrees
    assert not agreement("The minister resigned in 2020.", quote, published="2021-05-04").agrees


def test_problems_say_what_does_not_agree() -> None:
    verdict = agreement("Berg told Bloomberg the port would cost $3.1 billion.", QUOTE)
    assert any("Bloomberg" in p for p in verdict.problems)
    assert any("$3.1 billion" in p for p in verdict.problems)
