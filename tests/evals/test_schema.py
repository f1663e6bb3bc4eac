"""Question sets: the demo set's integrity, and loader errors that name the line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.metrics import fact_present
from evals.schema import (
    DATASETS,
    DatasetError,
    load_dataset,
    load_thresholds,
    parse_dataset,
    thresholds_of,
)
from tests.conftest import CORPUS

THRESHOLDS = DATASETS.parent / "thresholds.yaml"
TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}


@pytest.fixture(scope="module")
def demo() -> object:
    return load_dataset(DATASETS / "demo-dev.yaml")


@pytest.mark.parametrize(
    "name", ["demo-dev", "demo-fresh-dev", "demo-test", "dated-dev", "dated-test"]
)
def test_every_fact_of_every_set_occurs_in_a_gold_article(name: str) -> None:
    path = DATASETS / f"{name}.yaml"
    dataset = load_dataset(path)
    corpus = dataset.corpus_path(path)
    assert corpus is not None
    texts = {p.stem: p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")}
    for case in dataset.cases:
        for doc_id in [*case.gold_doc_ids, *case.cite_only, *(d for s in case.sides for d in s)]:
            assert doc_id in texts, (name, case.id, doc_id)
        for fact in case.facts:
            assert any(fact_present(fact, texts[d]) for d in case.gold_doc_ids), (case.id, fact)


def test_the_test_split_holds_what_the_issue_asks_for() -> None:
    cases = load_dataset(DATASETS / "demo-test.yaml").cases
    kinds = Counter(c.category for c in cases)
    assert kinds["near_miss"] >= 15 and not any(
        c.answerable for c in cases if c.category == "near_miss"
    )
    assert kinds["paraphrase"] + kinds["lowercase"] >= 10


def test_demo_set_has_the_kinds_of_question_the_issue_asks_for(demo: object) -> None:
    cases = demo.cases  # type: ignore[attr-defined]
    kinds = Counter(c.category for c in cases)
    assert len(cases) >= 40
    assert kinds["unanswerable"] >= 8
    assert {"single", "multi", "who_when", "follow_up", "unanswerable"} <= set(kinds)
    assert all(c.history for c in cases if c.category == "follow_up")
    assert all(len(c.gold_doc_ids) >= 2 for c in cases if c.category == "multi")
    assert sum(1 for c in cases if not c.answerable) == kinds["unanswerable"]


def test_demo_corpus_is_the_one_the_set_names(demo: object) -> None:
    assert demo.corpus_path(DATASETS / "demo-dev.yaml") == CORPUS.resolve()  # type: ignore[attr-defined]


def test_every_fact_occurs_in_a_gold_article(demo: object) -> None:
    """Extractive answers quote sentences verbatim: a fact no gold article states can never
    be found, so it would measure the data set, not the engine."""
    for case in demo.cases:  # type: ignore[attr-defined]
        for doc_id in case.gold_doc_ids:
            assert doc_id in TEXTS, (case.id, doc_id)
        for fact in case.facts:
            for phrasing in fact:
                assert any(fact_present([phrasing], TEXTS[d]) for d in case.gold_doc_ids), (
                    case.id,
                    phrasing,
                )


GOOD = """\
name: tiny
cases:
  - id: one
    question: Who is Trump's Ukraine envoy?
    category: single
    gold_doc_ids: [a]
    facts: [[Keith Kellogg, Kellogg]]
"""


def test_a_valid_file_loads() -> None:
    dataset = parse_dataset(GOOD + "    as_of: 2024-12-26\n")
    case = dataset.cases[0]
    assert case.facts == [["Keith Kellogg", "Kellogg"]] and case.answerable
    assert str(case.as_of) == "2024-12-26" and dataset.corpus is None


TWO = "  - id: two\n    question: What?\n    category: x\n"
BROKEN = [
    (GOOD + "  - id: two\n    category: single\n    answerable: false\n", 8,
     "case 'two': field cases.1.question: Field required"),
    (GOOD.replace("facts: [[Keith Kellogg, Kellogg]]", "facts: [Kellogg]"), 7,
     "case 'one': field cases.0.facts.0: Input should be a valid list"),
    (GOOD.replace("question:", "quesiton:"), 4,
     "case 'one': field cases.0.quesiton: Extra inputs are not permitted"),
    (GOOD + TWO + "    answerable: false\n    facts: [[a]]\n", 8,
     "an unanswerable case has no facts"),
    (GOOD + TWO + "    gold_doc_ids: [a]\n", 8, "an answerable case needs at least one fact"),
    (GOOD + "  - id: one\n    question: Again?\n    category: x\n    answerable: false\n", 8,
     "case 'one': duplicate case id"),
    (GOOD + "    history:\n      - role: robot\n        content: hi\n", 9,
     "field cases.0.history.0.role: Input should be 'user' or 'assistant'"),
    (GOOD + "    as_of: next tuesday\n", 8, "field cases.0.as_of: Input should be a valid date"),
    (GOOD + "    facts: [[unclosed]\n", 9, "(while parsing a flow sequence at line 8)"),
    ("name: empty\ncases: []\n", 2, "field cases: List should have at least 1 item"),
    ("- just a list\n", 1, "expected a mapping with 'name' and 'cases'"),
    (GOOD.replace("    category: single\n", ""), 3, "field cases.0.category: Field required"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "problem"), BROKEN)
def test_a_malformed_file_is_refused_with_its_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(DatasetError) as caught:
        parse_dataset(text, "sets/tiny.yaml")
    assert caught.value.line == line, str(caught.value)
    assert problem in caught.value.problem, str(caught.value)
    assert str(caught.value).startswith(f"sets/tiny.yaml:{line}: ")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"nope\.yaml: cannot read"):
        load_dataset(tmp_path / "nope.yaml")


def test_shipped_thresholds_hold_the_issue_floors() -> None:
    suites = ["demo-dev", "demo-fresh-dev", "demo-test", "dated-dev", "dated-test"]
    suites += [f"rgb:{way}:{half}" for way in ("accuracy", "rejection", "conflict")
               for half in ("dev", "test")]  # fmt: skip
    gates = thresholds_of(THRESHOLDS, suites)
    assert set(gates) == set(suites), "every suite of the gate has its bounds"
    for gate in gates.values():
        assert gate.mode == "extractive"
        assert gate.min["quote_exactness"] == 1.0  # an inexact quote is never tolerated
    assert gates["demo-dev"].min["refusal_accuracy"] == 1.0
    assert gates["demo-dev"].min["fact_recall"] >= 0.85
    claims = load_thresholds(THRESHOLDS, "claims")
    assert claims.min["accuracy"] >= 0.95 and claims.max["changed_facts_passed"] == 0.0


def test_thresholds_errors_name_the_dataset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("demo:\n  mode: extractive\n  min:\n    fact_recall: high\n")
    with pytest.raises(DatasetError) as caught:
        load_thresholds(path, "demo")
    assert caught.value.line == 4 and "demo.min.fact_recall" in caught.value.problem
    with pytest.raises(DatasetError, match="no thresholds for dataset 'other'"):
        load_thresholds(path, "other")
