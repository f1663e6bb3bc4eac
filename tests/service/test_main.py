"""``python -m service``: ask from the command line, and serve with several workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, ROOT, free_port


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_ask_prints_json_with_exact_citations(tmp_path: Path) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "index"), "NEWSQA_LLM": "extractive"}
    assert run(["ingest", str(CORPUS)], env).returncode == 0
    result = run(["service", "ask", "What did Lavrov say about a truce?", "--json"], env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["answerable"] and body["mode"] == "extractive"
    quote = body["citations"][0]
    text = (CORPUS / f"{quote['doc_id']}.txt").read_text(encoding="utf-8")
    assert text[quote["start"] : quote["end"]] == quote["quote"]
    human = run(["service", "ask", "Who won the 2018 FIFA World Cup?"], env)
    assert human.stdout.strip() == (
        "The articles in the corpus do not contain an answer to this question."
    )


def test_several_workers_need_a_chroma_server(tmp_path: Path) -> None:
    result = run(["service", "serve", "--workers", "2"], {"NEWSQA_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "--workers above 1 needs a Chroma server" in result.stderr


@pytest.mark.slow
def test_two_workers_share_one_chroma_server(chroma_server: tuple[str, int]) -> None:
    host, port = chroma_server
    env = {"CHROMA_HOST": host, "CHROMA_PORT": str(port), "NEWSQA_COLLECTION": "workers",
           "NEWSQA_LLM": "extractive"}  # fmt: skip
    assert run(["ingest", str(CORPUS)], env).returncode == 0
    api_port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--workers", "2", "--port", str(api_port)],
        cwd=ROOT, env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{api_port}"
    try:
        deadline = time.monotonic() + 180
        ready = 0
        while time.monotonic() < deadline and ready < 6:
            try:
                ready = ready + 1 if httpx.get(f"{url}/readyz").status_code == 200 else 0
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert ready >= 6, "the workers did not become ready"
        replies = [
            httpx.post(f"{url}/v1/ask", json={"question": "What did Kirby say?"}, timeout=120)
            for _ in range(6)
        ]
        assert [r.status_code for r in replies] == [200] * 6
        assert all(r.json()["answerable"] for r in replies)
    finally:
        server.terminate()
        server.wait(timeout=30)
