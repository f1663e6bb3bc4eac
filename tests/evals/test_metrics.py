"""The metric functions on hand-made cases."""

from __future__ import annotations

import pytest

from evals.metrics import (
    CaseResult,
    CitationResult,
    alce_citations,
    by_category,
    case_from_dict,
    check_thresholds,
    fact_present,
    facts_found,
    first_gold_rank,
    gold_recall,
    hit_at,
    looks_like_refusal,
    percentile,
    reciprocal_rank,
    summarise,
    worst,
)


@pytest.mark.parametrize(
    ("phrasings", "text", "expected"),
    [
        (["Keith Kellogg"], "Trump's envoy, retired Lt.-Gen. KEITH KELLOGG, said", True),
        (["Trump's envoy"], "Trump’s envoy said", True),  # curly apostrophe in the answer
        (["path to nowhere"], "“A truce is a path\nto nowhere,” Lavrov said.", True),
        (["G20", "Group of 20"], "a summit of the Group of 20 in Indonesia", True),
        (["Kellogg"], "Trump's envoy said", False),
        (["20%"], "about 20 percent", False),
    ],
)
def test_fact_present(phrasings: list[str], text: str, expected: bool) -> None:
    assert fact_present(phrasings, text) is expected


def test_facts_found_gives_one_verdict_per_fact() -> None:
    assert facts_found([["Iran"], ["Syria"], ["Cuba", "Yemen"]], "Syria and Yemen") == [
        False,
        True,
        True,
    ]


def test_ranks_of_gold_documents() -> None:
    retrieved = ["c", "a", "c", "b", "d"]
    assert first_gold_rank(retrieved, ["b", "a"]) == 2
    assert first_gold_rank(retrieved, ["z"]) is None
    assert hit_at(retrieved, ["b"], 3) is False and hit_at(retrieved, ["b"], 4) is True
    assert reciprocal_rank(retrieved, ["a"]) == 0.5
    assert reciprocal_rank(retrieved, ["z"]) == 0.0
    assert gold_recall(retrieved, ["a", "b", "z", "y"]) == 0.5
    assert gold_recall(retrieved, []) == 0.0


def overlap(claim: str, evidence: str) -> float:
    """A toy judge: the share of the claim's words found in the evidence."""
    words = claim.lower().split()
    found = set(evidence.lower().split())
    return sum(w in found for w in words) / len(words)


def test_alce_citation_recall_and_precision() -> None:
    claims = [
        ("red sky evening", ["red sky evening"]),  # supported, precise
        ("red sky evening", ["red sky", "evening"]),  # only together: both precise
        ("red sky evening", ["red sky evening", "blue water"]),  # second is irrelevant
        ("red sky evening", ["blue water"]),  # unsupported
        ("red sky evening", []),  # cites nothing: unsupported
    ]
    supported, precise = alce_citations(claims, overlap, threshold=0.9)
    assert supported == [True, True, True, False, False]
    assert precise == [True, True, True, True, False, False]


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("Empty Response", True),
        ("None of the sources are helpful.", True),
        ("The documents do not contain this information.", True),
        ("Lavrov said a truce is a path to nowhere [1].", False),
    ],
)
def test_looks_like_refusal(text: str, expected: bool) -> None:
    assert looks_like_refusal(text) is expected


def case(
    id: str,
    expected: bool,
    answered: bool,
    present: list[bool] | None = None,
    exact: list[bool] | None = None,
    total_ms: float = 100.0,
    category: str = "single",
) -> CaseResult:
    present = present or []
    return CaseResult(
        id=id,
        category=category,
        question=f"question {id}?",
        expected_answerable=expected,
        answerable=answered,
        answer="an answer" if answered else "refused",
        gold_doc_ids=["g"] if expected else [],
        retrieved=["x", "g"] if expected else ["x"],
        facts=[["f"]] * len(present),
        facts_present=present if answered else [False] * len(present),
        facts_cited=present if answered else [False] * len(present),
        sentences_supported=[True, False] if answered else [],
        citations_precise=[True] if answered else [],
        citations=[CitationResult(1, "g", "q", 0, 1, e) for e in (exact or [])],
        timings_ms={"retrieve": 10.0, "generate": total_ms - 10, "total": total_ms},
    )


CASES = [
    case("a", True, True, [True, True], [True, True], 100),
    case("b", True, True, [True, False], [True], 200),
    case("c", True, False, [True], total_ms=300),  # a false refusal: its facts count as 0
    case("d", False, False, total_ms=400, category="unanswerable"),
    case("e", False, True, [], [False], 500, category="unanswerable"),  # answered, wrongly
]


def test_summary_of_hand_made_cases() -> None:
    summary = summarise(CASES)
    assert summary["cases"] == 5
    assert summary["answerable_cases"] == 3 and summary["unanswerable_cases"] == 2
    assert summary["fact_recall"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert summary["refusal_accuracy"] == 0.5
    assert summary["false_refusal_rate"] == pytest.approx(1 / 3)
    assert summary["hit_at_1"] == 0.0 and summary["hit_at_3"] == 1.0
    assert summary["mrr"] == 0.5
    assert summary["quote_exactness"] == 0.75  # 3 of the 4 citations
    assert summary["citation_recall"] == 0.5 and summary["citation_precision"] == 1.0
    assert summary["pass_rate"] == pytest.approx(2 / 5)  # a and d
    assert summary["total_p50_ms"] == 300.0 and summary["total_p95_ms"] == 480.0
    assert summary["sides_cited"] is None


def test_by_category_and_worst() -> None:
    groups = by_category(CASES)
    assert list(groups) == ["single", "unanswerable"]
    assert groups["unanswerable"]["refusal_accuracy"] == 0.5
    assert groups["single"]["refusal_accuracy"] is None
    assert [c.id for c in worst(CASES, 3)] == ["c", "e", "b"]


def test_a_case_survives_the_round_trip_through_json() -> None:
    data = CASES[1].to_dict()
    assert data["passed"] is False and data["fact_recall"] == 0.5
    again = case_from_dict(data)
    assert again == CASES[1]


def test_thresholds_report_what_is_out_of_bounds() -> None:
    summary = {"fact_recall": 0.75, "quote_exactness": 1.0, "false_refusal_rate": 0.2}
    problems = check_thresholds(
        summary,
        {"fact_recall": 0.8, "quote_exactness": 1.0, "hit_at_5": 0.9},
        {"false_refusal_rate": 0.1},
    )
    assert problems == [
        "fact_recall = 0.750 is below the floor 0.8",
        "hit_at_5 = n/a is below the floor 0.9",
        "false_refusal_rate = 0.200 is above the ceiling 0.1",
    ]
    assert check_thresholds(summary, {"quote_exactness": 1.0}, {}) == []
