"""The bench scripts: the corpus generator is seeded and news-like, and the whole suite runs
end to end on a tiny corpus (real chroma run, real API servers, real locust)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import ARTICLES, generate, load_probes
from benchmarks.servers import environment
from ingest.loaders import load_file
from tests.conftest import ROOT


def test_the_generated_corpus_is_seeded_and_each_probe_has_one_answer(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 300, seed=3)
    again = generate(tmp_path / "b", 300, seed=3)
    files = sorted(p.name for p in (tmp_path / "a" / ARTICLES).iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b" / ARTICLES).iterdir())
    for name in files:
        a = (tmp_path / "a" / ARTICLES / name).read_bytes()
        assert a == (tmp_path / "b" / ARTICLES / name).read_bytes()
    assert first == again == load_probes(tmp_path / "a") and len(first) >= 5
    articles = [
        a for p in sorted((tmp_path / "a" / ARTICLES).glob("*.txt")) for a in load_file(p, 10**7)
    ]
    assert 40 <= len(articles) <= 80, "about five chunks an article"
    assert {a.meta.source for a in articles} - {None}, "outlets are found or supplied"
    assert any(a.meta.published for a in articles) and any(not a.meta.published for a in articles)
    for probe in first:
        place = probe.question.rsplit(" in ", 1)[1].removesuffix(" cost?")
        holders = [a.doc_id for a in articles if re.search(rf"\b{place}\b", a.text)]
        assert holders == [probe.doc_id]
        assert probe.answer in next(a.text for a in articles if a.doc_id == probe.doc_id)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_the_bench_suite_runs_end_to_end_on_a_tiny_corpus(tmp_path: Path) -> None:
    out, doc = tmp_path / "results.json", tmp_path / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--sizes", "60", "--rounds", "1",
         "--clients", "2", "--load-seconds", "3", "--visible-tries", "1",
         "--visible-deadline", "120",  # a loaded CI machine; the figure is not the point
         "--out", str(out), "--docs", str(doc)],
        cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    size = results["sizes"]["60"]
    assert size["ingest"]["chunks"] > 0 and size["ingest"]["unchanged_seconds"] >= 0
    assert size["probe"]["encoder"]["chunks_per_s"] > 0 and size["probe"]["floor_ms"]["n"] > 0
    assert size["http"]["search"]["n"] > 0 and size["http"]["hit_at_5"] > 0.5
    assert [row["workers"] for row in results["load"]] == [1, 2]
    assert all(row["requests"] > 0 and row["failures"] == 0 for row in results["load"])
    visible = results["visible"]["rows"]
    assert all(row["dense_s"] is not None for row in visible), visible
    text = doc.read_text()
    assert "### Targets" in text and "| 1 | 2 | 3 |" in text
    assert (tmp_path / "benchmarks-latency.png").stat().st_size > 1000


def test_the_encoder_comparison_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    generate(tmp_path, 60, seed=3)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.encoders", str(tmp_path), "--sample", "8",
         "--rounds", "1"],
        cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["chunks"] >= 40 and result["questions"] == len(load_probes(tmp_path))
    assert 0.9 < result["cosine_to_model"]["min"] <= result["cosine_to_model"]["mean"] < 1
    for name in ("local", "local-int8"):
        assert result[name]["chunks_per_s"][0] > 0 and result[name]["query_ms"]["n"] > 0
        assert result[name]["dense_hit_at_5"] > 0.5


def test_repeated_answers_equal_first_answers_whatever_the_caches(tmp_path: Path) -> None:
    """The answer dump on the demo corpus: a question's repeat (verifier and grounding caches
    warm) gives the very answer its first ask gave, scores included."""
    out = tmp_path / "answers.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.answer_dump", str(ROOT / "data" / "corpus"),
         str(out), "--rounds", "2"],
        cwd=ROOT, env=environment(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = out.read_text("utf-8").splitlines()
    first, repeat = lines[: len(lines) // 2], lines[len(lines) // 2 :]
    assert len(first) >= 8 and first == repeat
    answers = [json.loads(line) for line in first]
    assert any(a["answerable"] and a["citations"] for a in answers)
    assert any(not a["answerable"] for a in answers)
