"""One writer per embedded index, with real processes: two ``python -m ingest`` runs, and an
ingest beside a running ``python -m service serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.lock import LOCK_NAME
from tests.conftest import CORPUS, DEMO_IDS, ROOT, free_port

ENV = {**os.environ, "NEWSQA_LLM": "extractive"}


def ingest(index: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", *args],
        cwd=ROOT,
        env={**ENV, "NEWSQA_DATA_DIR": str(index)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_holder(index: Path, pid: int, timeout: float = 120) -> None:
    """Until process ``pid`` holds the lock (it writes itself into the lock file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if json.loads((index / LOCK_NAME).read_text() or "{}").get("pid") == pid:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"pid {pid} never took the lock")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [(CORPUS / f"{d}.txt").read_text() for d in DEMO_IDS]
    for i in range(30):
        (folder / f"doc{i:03d}.txt").write_text(f"Copy number {i}.\n{texts[i % 5]}")
    return folder


@pytest.mark.slow
def test_a_second_ingest_fails_at_once_or_waits(tmp_path: Path, many: Path) -> None:
    index = tmp_path / "index"
    first = ingest(index, str(many), "--json")
    wait_for_holder(index, first.pid)

    refused = ingest(index, str(many), "--json")
    _, err = refused.communicate(timeout=60)
    assert refused.returncode == 2, err
    assert err.strip() == (
        f"error: the index in {index} is being written by python -m ingest (pid {first.pid}): "
        "wait for it to finish (or pass --wait SECONDS); one process at a time may write an "
        "embedded index"
    )

    waiting = ingest(index, str(many), "--json", "--wait", "600")
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert json.loads(out)["added"] == 30
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    summary = json.loads(out)
    assert (summary["added"], summary["unchanged"], summary["documents"]) == (0, 30, 30)


@pytest.mark.slow
def test_an_ingest_beside_a_running_server_is_refused(tmp_path: Path) -> None:
    index, port = tmp_path / "index", free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**ENV, "NEWSQA_DATA_DIR": str(index)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_holder(index, server.pid)
        refused = ingest(index, str(CORPUS), "--json")
        _, err = refused.communicate(timeout=60)
        assert refused.returncode == 2, err
        assert f"being written by server (pid {server.pid})" in err
        assert "upload through its API (POST /v1/documents) or stop it first" in err
        deadline = time.monotonic() + 120
        while httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/v1/documents", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Once the server is gone, the same ingest goes through.
    done = ingest(index, str(CORPUS), "--json")
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    assert json.loads(out)["added"] == len(DEMO_IDS)
