"""The one text toolkit: folding, words, stems, content words, search terms."""

from __future__ import annotations

import pytest

from service.text import content_stems, fold, lexical_recall, search_terms, stem, words


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        (
            "Russia’s stated preconditions for peace talks?",
            ["russia", "state", "precondit", "peac", "talk"],
        ),
        ("The U.S. and the U.N. met.", ["us", "un", "meet"]),  # irregular pasts: their base
        ("1,000 troops and a 2.5% rise", ["1000", "troop", "2.5", "rise"]),
        (
            "Lieutenant-General Keith Kellogg's plan",
            ["lieuten", "general", "keith", "kellogg", "plan"],
        ),
        ("Erdoğan didn't go; ERDOGAN did.", ["erdogan", "go", "erdogan"]),
        ("“Quotes”, (brackets) and — dashes!", ["quot", "bracket", "dash"]),
        ("studies of the gas crisis", ["studi", "gas", "crisi"]),
        ("Who won the 2021 Tour?", ["win", "2021", "tour"]),
        ("what is it that they were not?", []),
        ("", []),
    ],
)
def test_search_terms(text: str, terms: list[str]) -> None:
    assert search_terms(text) == terms


def test_folding_is_unicode_aware() -> None:
    assert fold("Erdoğan’s") == "erdogan's"
    assert words("Erdoğan met Zelenskyy’s envoy") == ["erdogan", "met", "zelenskyy's", "envoy"]


def test_one_stem_for_the_forms_of_a_word() -> None:
    assert stem("negotiations") == stem("negotiating") == stem("negotiate")
    assert stem("russia's") == stem("russia")


def test_content_stems_leave_out_function_words_and_verbs_of_saying() -> None:
    assert content_stems("Lavrov said that the talks had failed") == ["lavrov", "talk", "fail"]


@pytest.mark.parametrize(
    ("claim", "evidence", "recall"),
    [
        ("Talks failed", "the talks failed on Monday", 1.0),
        ("Talks failed in Ankara", "the talks failed", 2 / 3),
        ("the of and", "anything", 0.0),
    ],
)
def test_lexical_recall(claim: str, evidence: str, recall: float) -> None:
    assert lexical_recall(claim, evidence) == pytest.approx(recall)
