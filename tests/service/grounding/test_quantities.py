"""Numbers in text: value and kind, in digits or in words."""

from __future__ import annotations

import pytest

from service.grounding.quantities import quantities


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("about 20% of the land", [("percent", 20.0)]),
        ("roughly a fifth of the land", [("percent", 20.0)]),
        ("$6.04 billion in revenue", [("money", 6.04e9)]),
        ("some twenty-plus working groups", [("count", 20.0)]),
        ("1,500 troops and 3 tanks", [("count", 1500.0), ("count", 3.0)]),
        ("for the fifth time", [("ordinal", 5.0)]),
        # round amounts in words
        ("tens of thousands of dead and millions of refugees", [("count", 1e4), ("count", 1e6)]),
        ("hundreds of protesters", [("count", 100.0)]),
        ("in 2014 at the G-20 summit", []),  # a year is a time; G-20 is a name
        ("one of the officials", []),  # 'one' is a pronoun far more often than a count
    ],
)
def test_quantities(text: str, values: list[tuple[str, float]]) -> None:
    assert [(q.kind, q.value) for q in quantities(text)] == values


def test_quantities_compare_by_value_and_kind() -> None:
    [fifth] = quantities("a fifth")
    [twenty] = quantities("20%")
    [eighth] = quantities("its eighth month")
    [eight] = quantities("its eight month")
    assert fifth.same(twenty) and eighth.same(eight)
    [count] = quantities("20 seats")
    assert not count.same(twenty)
