"""The gate: every question set in extractive mode, through the runner, against
``evals/thresholds.yaml`` (the same checks as ``make eval``): the demo and dated sets, dev
and test splits reported apart, RGB's three ways in both halves, and the claim/quote pairs
through POST /v1/verify."""

from __future__ import annotations

from datetime import date

import pytest

from evals.__main__ import THRESHOLDS
from evals.claims import run_claims
from evals.metrics import case_from_dict, check_thresholds, worst
from evals.report import verdict
from evals.rgb import DEFAULT_PATH
from evals.runner import RunOptions, run
from evals.schema import load_thresholds, thresholds_of
from evals.suites import resolve
from ingest.embedding import LocalEmbedder
from service.settings import Settings

# Any fixed day: the dated sets carry their own as_of; the run records it.
NOW = date(2026, 12, 1)


def settings() -> Settings:
    return Settings(_env_file=None, llm="extractive")  # type: ignore[call-arg]


@pytest.mark.slow
@pytest.mark.timeout(2400)  # RGB's 300 rows take 5 to 15 minutes on 2 shared cores
@pytest.mark.parametrize("dataset", ["demo", "dated", "rgb"])
def test_question_sets_meet_their_thresholds(dataset: str, embedder: LocalEmbedder) -> None:
    label, suites = resolve(dataset, None, settings().max_file_bytes, DEFAULT_PATH)
    gates = thresholds_of(THRESHOLDS, [s.name for s in suites])
    assert set(gates) == {s.name for s in suites}, "every suite of the gate has thresholds"
    results = run(label, suites, settings(), RunOptions(now=NOW, progress=False), embedder)
    newsqa = results["systems"]["newsqa"]
    problems = [
        f"{name}: {problem}"
        for name, gate in gates.items()
        for problem in check_thresholds(newsqa["suites"][name], gate.min, gate.max)
    ]
    failing = [case_from_dict(c) for c in newsqa["cases"] if not c["passed"]]
    detail = "\n".join(
        f"  {c.id}: {verdict(c)}" + (f" ({c.refusal_reason})" if c.refusal_reason else "")
        for c in worst(failing, 20)
    )
    assert not problems, "\n".join(problems) + "\nworst cases:\n" + detail


@pytest.mark.slow
def test_claim_quote_pairs_meet_their_thresholds(embedder: LocalEmbedder) -> None:
    gate = load_thresholds(THRESHOLDS, "claims")
    results = run_claims(settings(), DEFAULT_PATH, embedder=embedder)
    problems = check_thresholds(results, gate.min, gate.max)
    assert not problems, "\n".join(problems) + f"\nwrong: {results['wrong']}"
