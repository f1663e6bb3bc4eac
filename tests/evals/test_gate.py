"""The gate: the demo set, in extractive mode, through the runner, against
``evals/thresholds.yaml`` (the same check as ``make eval``)."""

from __future__ import annotations

from datetime import date

import pytest

from evals.__main__ import THRESHOLDS
from evals.metrics import case_from_dict, check_thresholds, worst
from evals.report import verdict
from evals.rgb import DEFAULT_PATH
from evals.runner import RunOptions, run
from evals.schema import load_thresholds
from evals.suites import resolve
from ingest.embedding import LocalEmbedder
from service.settings import Settings

# Any fixed day: no demo question depends on today's date, and the run records it.
NOW = date(2026, 11, 28)


@pytest.mark.slow
def test_demo_set_meets_its_thresholds(embedder: LocalEmbedder) -> None:
    gate = load_thresholds(THRESHOLDS, "demo")
    settings = Settings(_env_file=None, llm="extractive")  # type: ignore[call-arg]
    label, suites = resolve("demo", None, settings.max_file_bytes, DEFAULT_PATH)
    results = run(label, suites, settings, RunOptions(mode=gate.mode, now=NOW, progress=False),
                  embedder)  # fmt: skip
    newsqa = results["systems"]["newsqa"]
    problems = check_thresholds(newsqa["summary"], gate.min, gate.max)
    failing = [case_from_dict(c) for c in newsqa["cases"] if not c["passed"]]
    detail = "\n".join(
        f"  {c.id}: {verdict(c)}" + (f" ({c.refusal_reason})" if c.refusal_reason else "")
        for c in worst(failing, len(failing))
    )
    assert not problems, "\n".join(problems) + "\nfailing cases:\n" + detail
