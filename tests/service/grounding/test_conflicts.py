"""Disagreement between sources: different fillers for the same slot, side by side."""

from __future__ import annotations

from service.grounding.conflicts import Statement, find_conflicts
from service.grounding.question import analyse

COST = analyse("How much will the bridge cost?")


def statement(doc: str, text: str, filler: str | None, published: str | None = None,
              source: str = "Gazette") -> Statement:  # fmt: skip
    return Statement(text, doc, source, published, (int(doc[-1]),), filler)


def test_different_numbers_from_different_articles_are_a_conflict() -> None:
    a = statement("d1", "The bridge will cost $180 million, the mayor said.", "$180 million",
                  source="Harbor Gazette")  # fmt: skip
    b = statement("d2", "The bridge will cost $175 million, the mayor said.", "$175 million",
                  source="Valley Wire")  # fmt: skip
    [conflict] = find_conflicts(COST, [a, b])
    assert [s.markers for s in conflict.sides] == [[1], [2]]
    assert "$180 million" in conflict.about and "$175 million" in conflict.about
    public = conflict.public()
    assert public["sides"][1]["sources"] == ["Valley Wire"]  # type: ignore[index]


def test_the_same_number_is_no_conflict() -> None:
    a = statement("d1", "The bridge will cost $180 million.", "$180 million")
    b = statement("d2", "Officials put the cost at $180 million.", "$180 million")
    assert find_conflicts(COST, [a, b]) == []


def test_articles_far_apart_in_time_report_a_change_not_a_conflict() -> None:
    a = statement("d1", "The bridge will cost $120 million.", "$120 million", "2021-03-16")
    b = statement("d2", "The bridge will cost $190 million.", "$190 million", "2024-05-30")
    assert find_conflicts(COST, [a, b]) == []


def test_one_article_never_conflicts_with_itself() -> None:
    a = statement("d1", "The bridge will cost $180 million.", "$180 million")
    b = statement("d1", "The bridge may cost $200 million.", "$200 million")
    assert find_conflicts(COST, [a, b]) == []


def test_the_same_statement_with_another_name_conflicts_for_any_question() -> None:
    question = analyse("What happened at the final?")
    a = statement("d1", "Anna Berg defeated Eva Holm in the final to win the title.", None)
    b = statement("d2", "Maria Lind defeated Eva Holm in the final to win the title.", None)
    c = statement("d3", "Eva Holm reached the final after a long season.", None)
    [conflict] = find_conflicts(question, [a, b, c])
    assert len(conflict.sides) == 2
