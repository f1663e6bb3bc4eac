"""The ``python -m ingest`` command, run for real in a subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.embedding import LocalEmbedder
from ingest.index import Index
from ingest.pipeline import Ingestor
from tests.conftest import CORPUS, DEMO_IDS, ROOT, make_settings
from tests.ingest.test_pipeline import snapshot


def run_ingest(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "NEWSQA_DATA_DIR": str(data_dir),
        "NEWSQA_CORPUS_DIR": str(CORPUS),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_json_summary_names_each_bad_file_and_ingests_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for doc_id in DEMO_IDS[:2]:
        (folder / f"{doc_id}.txt").write_bytes((CORPUS / f"{doc_id}.txt").read_bytes())
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\x00")
    (folder / "records.jsonl").write_text('{"text": "Fine."}\n{not json}\n')
    (folder / "legacy.txt").write_bytes(b"Caf\xe9 owners said \x93no\x94 to the plan.\n")

    result = run_ingest(tmp_path / "index", str(folder), "--json")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    failed = {Path(f["path"]).name: f["error"] for f in summary["failed"]}
    assert set(failed) == {"empty.txt", "binary.txt", "records.jsonl"}
    assert failed["empty.txt"] == "empty file"
    assert "binary" in failed["binary.txt"]
    assert "line 2" in failed["records.jsonl"]
    assert summary["added"] == 3 and summary["documents"] == 3
    # Each failure is also one readable line on stderr.
    for name in failed:
        assert sum(name in line for line in result.stderr.splitlines()) == 1


def test_bad_text_and_deep_json_are_one_line_each_and_the_rest_is_ingested(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("The council met on Monday.\n")
    # json.dumps escapes the lone surrogate as \ud800, as a file written elsewhere would.
    (folder / "b-surrogate.json").write_text(json.dumps({"text": "Fine.", "source": "\ud800"}))
    (folder / "c-deep.json").write_text("[" * 10_000 + "]" * 10_000)
    (folder / "d-nul.jsonl").write_text(json.dumps({"id": "n", "text": "\u0000"}) + "\n")
    (folder / "z-good.txt").write_text("The mayor spoke on Tuesday.\n")

    result = run_ingest(tmp_path / "index", str(folder), "--json")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert {Path(f["path"]).name: f["error"] for f in summary["failed"]} == {
        "b-surrogate.json": "'source' holds a lone surrogate U+D800 at character 0",
        "c-deep.json": "JSON nested 10000 levels deep, over the limit of 32",
        "d-nul.jsonl": "line 1: 'text' is not text: it holds a NUL character (U+0000) at "
        "character 0",
    }
    assert (summary["added"], summary["documents"]) == (2, 2)
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("failed:")]) == 3


def test_default_run_indexes_the_demo_corpus_then_reports_nothing_to_do(tmp_path: Path) -> None:
    first = run_ingest(tmp_path / "index")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("5 added, 0 updated, 0 unchanged, 0 removed, 0 failed")
    second = run_ingest(tmp_path / "index")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("0 added, 0 updated, 5 unchanged, 0 removed, 0 failed")


def test_invalid_settings_are_refused_with_the_setting_named(tmp_path: Path) -> None:
    result = run_ingest(tmp_path / "index", env={"NEWSQA_CHUNK_OVERLAP": "5000"})
    assert result.returncode == 2
    assert "NEWSQA_CHUNK_OVERLAP (5000) must be smaller than NEWSQA_CHUNK_SIZE" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_fails_with_a_message(tmp_path: Path) -> None:
    result = run_ingest(tmp_path / "index", str(tmp_path / "nope"), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["failed"] == [
        {"path": str(tmp_path / "nope"), "error": "no such file or directory"}
    ]


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun_matches_a_clean_run(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [(CORPUS / f"{d}.txt").read_text() for d in DEMO_IDS]
    for i in range(60):
        (folder / f"doc{i:03d}.txt").write_text(f"Copy number {i}.\n{texts[i % 5]}")

    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path / "index")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Kill it for real once it has written a few documents (its progress bar says so).
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        seen += proc.stderr.read(1)
        if any(int(n) >= 10 for n in re.findall(r"(\d+)/60", seen)):
            break
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    rerun = run_ingest(tmp_path / "index", str(folder), "--json")
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["documents"] == 60
    assert 0 < summary["unchanged"] < 60

    clean = Index(make_settings(tmp_path / "clean"), embedder)
    Ingestor(clean).sync_paths([folder])
    resumed = Index(make_settings(tmp_path), embedder)
    assert snapshot(resumed) == snapshot(clean)
