"""A small end-to-end run: real engine, real model, real Chroma, the LlamaIndex baseline, the
reports, the comparison, RGB suites over hand-made rows, and the CLI's edges."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from evals import rgb
from evals.__main__ import main
from evals.baseline import top_source_answer
from evals.report import compare, load, write
from evals.runner import RunOptions, run
from evals.schema import Case, DatasetError, Suite
from evals.suites import load_corpus, yaml_suite
from ingest.embedding import LocalEmbedder
from service.settings import Settings
from tests.conftest import CORPUS

SMALL = f"""\
name: small
corpus: {CORPUS}
cases:
  - id: envoy
    question: Who is Trump's designated Ukraine envoy?
    category: single
    gold_doc_ids: [000_e62ddbb625dbe803]
    facts: [[Keith Kellogg]]
  - id: follow-truce
    history:
      - role: user
        content: What did Lavrov say about a truce?
    question: What does he want instead?
    category: follow_up
    gold_doc_ids: [000_e62ddbb625dbe803]
    facts: [[legally binding, final legal agreements]]
  - id: no-china
    question: What did Lavrov say about China?
    category: unanswerable
    answerable: false
"""


def settings() -> Settings:
    return Settings(_env_file=None, llm="extractive")  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("sets") / "small.yaml"
    path.write_text(SMALL)
    dataset, suite = yaml_suite(path, None, 10_000_000)
    options = RunOptions(now=date(2025, 1, 15), baseline=True, progress=False)
    return run(dataset.name, [suite], settings(), options, embedder)


def test_run_reports_both_systems_with_every_metric(small_run: dict[str, Any]) -> None:
    assert small_run["dataset"] == "small" and small_run["now"] == "2025-01-15"
    assert small_run["support_judge"].startswith("evals/judge.py")
    assert set(small_run["systems"]) == {"newsqa", "llamaindex"}
    newsqa = small_run["systems"]["newsqa"]
    summary = newsqa["summary"]
    assert summary["cases"] == 3
    assert summary["quote_exactness"] == 1.0
    assert summary["refusal_accuracy"] == 1.0
    assert summary["hit_at_5"] == 1.0
    for stage in ("retrieve", "generate", "total"):
        assert summary[f"{stage}_p50_ms"] is not None and summary[f"{stage}_p95_ms"] is not None
    assert set(newsqa["categories"]) == {"single", "follow_up", "unanswerable"}
    cases = {c["id"]: c for c in newsqa["cases"]}
    assert cases["follow-truce"]["standalone_question"] == "What does Lavrov want instead?"
    assert cases["envoy"]["passed"] and cases["envoy"]["facts_present"] == [True]
    assert cases["envoy"]["as_of"] == "2025-01-15"
    assert not cases["no-china"]["answerable"] and cases["no-china"]["passed"]
    baseline = small_run["systems"]["llamaindex"]
    assert "CitationQueryEngine" in baseline["description"]
    assert "TopSourceLLM" in baseline["description"]
    # Plain LlamaIndex never refuses, and cites the chunk it echoes.
    assert baseline["summary"]["refusal_accuracy"] == 0.0
    assert baseline["summary"]["quote_exactness"] == 1.0


def test_reports_are_written_with_embedded_plots(small_run: dict[str, Any], tmp_path: Path) -> None:
    files = write(small_run, tmp_path / "run")
    assert [f.name for f in files] == ["results.json", "report.md", "report.html"]
    assert load(tmp_path / "run") == json.loads(json.dumps(small_run))
    md = (tmp_path / "run" / "report.md").read_text()
    assert "| quote exactness | 100.0% | 100.0% |" in md
    assert "## newsqa: by category" in md and "## llamaindex: worst cases" in md
    page = (tmp_path / "run" / "report.html").read_text()
    assert len(re.findall(r"src='data:image/png;base64,[A-Za-z0-9+/=]{100,}'", page)) == 2


def test_compare_shows_metric_deltas_and_flipped_cases(small_run: dict[str, Any]) -> None:
    later = json.loads(json.dumps(small_run))
    newsqa = later["systems"]["newsqa"]
    newsqa["summary"]["fact_recall"] -= 0.5
    envoy = next(c for c in newsqa["cases"] if c["id"] == "envoy")
    envoy["passed"] = False
    text = compare(small_run, later)
    assert "| fact recall | 100.0% | 50.0% | -50.0 pts (worse) |" in text
    assert "- now failing (1): envoy" in text
    assert "- now passing (0): none" in text
    assert "now failing (0)" in compare(small_run, small_run)


def test_cli_compare_and_its_errors(
    small_run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(small_run, tmp_path / "a")
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "a" / "results.json")]) == 0
    assert "## newsqa" in capsys.readouterr().out
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "missing")]) == 2
    assert "cannot compare" in capsys.readouterr().err


def test_cli_run_refuses_a_bad_dataset_before_loading_models(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncases:\n  - id: x\n    category: single\n")
    assert main(["run", str(bad), "--no-progress"]) == 2
    assert f"{bad}:3: case 'x': field cases.0.question: Field required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "demo", "--now", "28/11/2026"])
    assert "expected YYYY-MM-DD" in capsys.readouterr().err


def test_gold_documents_must_be_in_the_corpus(embedder: LocalEmbedder) -> None:
    stray = Case(id="x", question="Who?", category="c", gold_doc_ids=["nope"], facts=[["a"]])
    with pytest.raises(DatasetError, match=r"case 'x' names documents not in the corpus"):
        run("t", [Suite("t", [stray], load_corpus(CORPUS, 10**7))], settings(),
            RunOptions(progress=False), embedder)  # fmt: skip


def test_top_source_llm_answers_from_the_first_source() -> None:
    from llama_index.core.query_engine.citation_query_engine import CITATION_QA_TEMPLATE

    prompt = CITATION_QA_TEMPLATE.format(
        context_str="Source 1:\nLavrov spoke. A truce is a path to nowhere.\n\n"
        "Source 2:\nPrice said no.\n",
        query_str="What did Lavrov say?",
    )
    assert top_source_answer(prompt) == "Lavrov spoke. [1] A truce is a path to nowhere. [1]"


ROWS = [
    {
        "id": 0,
        "query": "Where is the Acme lighthouse?",
        "answer": "Port Elm",
        "fakeanswer": "Cape Ash",
        "positive": ["The Acme lighthouse stands in Port Elm, on the north shore."],
        "positive_wrong": ["The Acme lighthouse stands in Cape Ash, on the north shore."],
        "negative": ["Lighthouses were often painted red and white.", ""],
    },
    {
        "id": 1,
        "query": "When did the Zephyr bridge open?",
        "answer": [["May 2 2001", "May 2, 2001"]],
        "fakeanswer": [["June 9, 1999"]],
        "positive": ["The Zephyr bridge opened on May 2, 2001, after four years of work."],
        "positive_wrong": ["The Zephyr bridge opened on June 9, 1999, after four years of work."],
        "negative": ["Bridges in the region are inspected every two years."],
    },
]


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_rgb_rows_become_three_suites_in_two_halves(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "rgb.jsonl", ROWS)
    suites = rgb.suites(path, rgb.MODES)
    assert [s.name for s in suites] == [
        f"rgb:{mode}:{half}" for mode in rgb.MODES for half in ("dev", "test")
    ]
    # Row 0 is in the dev half, row 1 in the test half.
    assert [c.id for c in suites[0].cases] == ["accuracy-0"]
    assert [c.id for c in suites[1].cases] == ["accuracy-1"]
    rows = rgb.read_rows(path)
    accuracy, rejection, conflict = (rgb.suite(rows, mode) for mode in rgb.MODES)
    assert [a.doc_id for a in accuracy.articles] == [
        "rgb-0-pos-0", "rgb-0-neg-0", "rgb-1-pos-0", "rgb-1-neg-0",
    ]  # fmt: skip
    assert accuracy.cases[1].facts == [["May 2 2001", "May 2, 2001"]]
    assert accuracy.cases[0].gold_doc_ids == ["rgb-0-pos-0"] and not accuracy.cases[0].restrict_to
    assert rejection.cases[0].restrict_to == ["rgb-0-neg-0"]
    assert not rejection.cases[0].answerable
    case = conflict.cases[0]
    assert case.id == "conflict-0" and case.facts == [["Port Elm"], ["Cape Ash"]]
    assert case.sides == [["rgb-0-pos-0"], ["rgb-0-wrong-0"]]
    outlets = {a.doc_id: a.meta.source for a in conflict.articles}
    assert outlets["rgb-0-pos-0"] == outlets["rgb-1-wrong-0"] != outlets["rgb-0-wrong-0"]
    assert [s.name for s in rgb.suites(path, ["rejection"], limit=1, split="dev")] == [
        "rgb:rejection:dev"
    ]
    assert len(rgb.suites(path, ["accuracy"], limit=1)[0].cases) == 1


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not an RGB row: Expecting value"),
        ('{"id": 2, "query": "q"}', "not an RGB row: missing field 'answer'"),
        (json.dumps({**ROWS[0], "answer": []}), "an answer must be a string or a list"),
    ],
)
def test_rgb_bad_lines_are_named(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "rgb.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n" + line + "\n")
    with pytest.raises(DatasetError) as caught:
        rgb.read_rows(path)
    assert caught.value.line == 2 and problem in caught.value.problem
    with pytest.raises(DatasetError, match="RGB file not found"):
        rgb.read_rows(tmp_path / "absent.jsonl")
    with pytest.raises(DatasetError, match="unknown RGB mode 'noise'"):
        rgb.suites(path, ["noise"])


def test_rgb_suites_run_end_to_end(tmp_path: Path, embedder: LocalEmbedder) -> None:
    suites = rgb.suites(write_rows(tmp_path / "rgb.jsonl", ROWS), rgb.MODES)
    results = run("rgb", suites, settings(), RunOptions(progress=False, baseline=True), embedder)
    newsqa = results["systems"]["newsqa"]
    assert set(newsqa["categories"]) == {"accuracy", "rejection", "conflict"}
    assert newsqa["summary"]["quote_exactness"] == 1.0
    cases = {c["id"]: c for c in newsqa["cases"]}
    assert cases["accuracy-0"]["facts_present"] == [True]
    assert cases["accuracy-0"]["facts_cited"] == [True]
    # Restricted to its own row, a conflict case only ever sees its own two snippets.
    assert set(cases["conflict-1"]["retrieved"]) <= {"rgb-1-pos-0", "rgb-1-wrong-0"}
    assert cases["conflict-1"]["sides_cited"] is not None
    baseline = {c["id"]: c for c in results["systems"]["llamaindex"]["cases"]}
    assert set(baseline["rejection-0"]["retrieved"]) <= {"rgb-0-neg-0"}
