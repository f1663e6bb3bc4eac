"""Citation markers in an answer, and the answer split into claims."""

from __future__ import annotations

import pytest

from service.grounding.markers import markers_in, split_claims, strip_markers


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("a [1] b [2][3]", [1, 2, 3]),
        ("a [1, 3] b [source 2]", [1, 3, 2]),
        ("a [1; 2 and 4]", [1, 2, 4]),
        ("a [1] again [1]", [1]),
        ("no markers [x]", []),
    ],
)
def test_markers_in(text: str, markers: list[int]) -> None:
    assert markers_in(text) == markers


def test_strip_markers_tidies_spacing() -> None:
    assert strip_markers("He said so [1]. Then [2][3] left.") == "He said so. Then left."


def test_split_claims_attaches_trailing_and_leading_markers() -> None:
    claims = split_claims("Russia wants a deal.[1] Price disagreed [2].\n\n[3]")
    assert [(c.text, c.markers) for c in claims] == [
        ("Russia wants a deal.", [1]),
        ("Price disagreed.", [2, 3]),
    ]


def test_a_marker_ends_a_claim_even_without_a_full_stop() -> None:
    claims = split_claims("The claims are groundless/[1] Prime Minister Holm is wrong.[2]")
    assert [(c.text, c.markers) for c in claims] == [
        ("The claims are groundless/", [1]),
        ("Prime Minister Holm is wrong.", [2]),
    ]
    # a bracket inside a quotation is not a marker
    inside = split_claims("“We cannot [allow] Oslo to wait,” Holm said.[1]")
    assert [c.text for c in inside] == ["“We cannot [allow] Oslo to wait,” Holm said."]
