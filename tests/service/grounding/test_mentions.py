"""Names in text, whatever their case."""

from __future__ import annotations

import pytest

from service.grounding.mentions import Casing, mentions_name, names


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
