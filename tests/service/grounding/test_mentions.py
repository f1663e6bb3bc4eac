"""Names, quantities and times in text."""

from __future__ import annotations

import pytest

from service.grounding.mentions import Casing, mentions_name, names, quantities


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The Bank of England raised rates.", ["Bank of England"]),
        ("However, Anna Berg left.", ["Anna Berg"]),
        ("Talks began in May.", ["Talks"]),  # unknown opening word: a name unless shown not
        ("NATO and the U.S. agreed.", ["NATO", "U.S."]),
        ("Mr. Holm met Zelenskyy’s envoy.", ["Holm", "Zelenskyy’s"]),
    ],
)
def test_names(text: str, found: list[str]) -> None:
    assert [n.text for n in names(text)] == found


def test_a_sentence_opening_word_is_a_name_when_the_text_writes_it_capitalised_elsewhere() -> None:
    casing = Casing(["Shares in Norway rose. The fund said Norway would sell."])
    assert [n.text for n in names("Norway sold shares.", casing)] == ["Norway"]
    casing = Casing(["They said construction would resume."])
    assert names("Construction resumed.", casing) == []


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("G20", "a summit of the Group of 20", True),
        ("G-20", "the G20 meeting", True),
        ("US", "the United States said", True),
        ("Zelenskiy", "President Zelenskyy said", True),
        ("Erdogan", "Erdoğan met him", True),
        ("Ukraine", "Ukrainian troops", True),
        ("Sweden", "the Swedish prime minister", True),
        ("West", "closer Western ties", True),
        ("Norway", "the Swedish prime minister", False),
        ("India", "Mr. Putin has shown no indications", False),
        ("Sergey Lavrov", "Sergei Shoigu said", False),
    ],
)
def test_mentions_name(name: str, text: str, found: bool) -> None:
    assert mentions_name(name, text) is found


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("about 20% of the land", [("percent", 20.0)]),
        ("roughly a fifth of the land", [("percent", 20.0)]),
        ("$6.04 billion in revenue", [("money", 6.04e9)]),
        ("some twenty-plus working groups", [("count", 20.0)]),
        ("1,500 troops and 3 tanks", [("count", 1500.0), ("count", 3.0)]),
        ("for the fifth time", [("ordinal", 5.0)]),
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
