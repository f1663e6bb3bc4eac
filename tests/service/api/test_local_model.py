"""The API with the llamacpp backend: SmolLM2 in a real model process behind a real server.

The model process is killed with SIGKILL in the middle of a streamed answer; concurrent
streams share it; /readyz and /metrics show it; the service stops it when it exits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingest.embedding import LocalEmbedder
from ingest.pipeline import Ingestor
from service.api.app import create_app
from service.api.schemas import AskResponse
from service.wiring import Components, build
from tests.conftest import CORPUS, free_port
from tests.service.api.conftest import LiveServer, api_settings
from tests.service.conftest import at_once, model_processes, running, wait_until

pytestmark = pytest.mark.slow

QUESTION = "What are Russia's stated preconditions for peace talks?"


@pytest.fixture(scope="module")
def local_parts(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder, smollm2_path: Path
) -> Iterator[Components]:
    """The demo corpus, answered by SmolLM2 in its model process (long enough answers to be
    killed in the middle of)."""
    settings = api_settings(
        tmp_path_factory.mktemp("local-model"),
        llm="llamacpp",
        llm_model_path=smollm2_path,
        llm_context_tokens=2048,
        llm_max_tokens=200,
        llm_timeout=600,  # a loaded 2-core machine is slow; the timeout is tested elsewhere
    )
    with build(settings, embedder) as parts:
        Ingestor(parts.index).sync_paths([CORPUS])
        yield parts


@pytest.fixture(scope="module")
def local_live(local_parts: Components) -> Iterator[LiveServer]:
    with LiveServer(create_app(local_parts.settings, local_parts)) as server:
        yield server


def model_state(live: LiveServer) -> dict[str, Any]:
    reply = httpx.get(f"{live.url}/readyz", timeout=10)
    assert reply.status_code == 200, reply.text
    llm: dict[str, Any] = reply.json()["llm"]
    return llm


def stream_ask(
    live: LiveServer, on_first_token: Any = None, question: str = QUESTION
) -> tuple[list[str], AskResponse]:
    """Ask over SSE; call ``on_first_token`` when the first token arrives."""
    tokens: list[str] = []
    done = None
    event = ""
    body = {"question": question, "mode": "llm"}
    with httpx.stream(
        "POST", f"{live.url}/v1/ask", json=body, headers={"Accept": "text/event-stream"},
        timeout=300,
    ) as reply:  # fmt: skip
        assert reply.status_code == 200
        for line in reply.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "token":
                tokens.append(json.loads(line[5:])["text"])
                if len(tokens) == 1 and on_first_token is not None:
                    on_first_token()
            elif line.startswith("data:") and event == "done":
                done = AskResponse.model_validate_json(line[5:])
    assert done is not None, "the stream ended without a done event"
    return tokens, done


def test_readyz_and_metrics_show_the_model_process(local_live: LiveServer) -> None:
    llm = model_state(local_live)
    assert llm["state"] == "ready" and llm["reason"] is None
    assert llm["pid"] in model_processes(os.getpid())
    metrics = httpx.get(f"{local_live.url}/metrics", timeout=10).text
    assert 'newsqa_llm_process_state{newsqa_llm_process_state="ready"} 1.0' in metrics
    assert 'newsqa_llm_process_state{newsqa_llm_process_state="restarting"} 0.0' in metrics
    assert f"newsqa_llm_process_restarts_total {float(llm['restarts'])}" in metrics
    assert f"newsqa_llm_process_pid {float(llm['pid'])}" in metrics


def test_a_model_process_killed_mid_stream_gives_a_degraded_answer_then_comes_back(
    local_live: LiveServer, local_parts: Components
) -> None:
    before = model_state(local_live)
    killed = before["pid"]
    tokens, final = stream_ask(local_live, lambda: os.kill(killed, signal.SIGKILL))
    # The client got the whole answer, made extractively, and says why.
    assert tokens
    assert final.degraded and final.mode == "extractive" and final.answerable
    assert final.reason == (
        f"the LLM failed (the local model process (pid {killed}) was killed (SIGKILL: out of "
        "memory, or killed by hand) in the middle of the reply; it is being restarted); "
        "answered extractively"
    )
    for c in final.citations:
        assert (local_parts.index.get_document(c.doc_id).text or "")[c.start : c.end] == c.quote
    assert not running(killed)
    # The API process lives on; the model process comes back and answers the next question.
    wait_until(lambda: model_state(local_live)["state"] == "ready", "the model process is back")
    after = model_state(local_live)
    assert after["restarts"] == before["restarts"] + 1 and after["pid"] != killed
    reply = httpx.post(
        f"{local_live.url}/v1/ask", json={"question": QUESTION, "mode": "llm"}, timeout=300
    )
    answer = AskResponse.model_validate(reply.json())
    assert answer.mode == "llamacpp" and not answer.degraded


def test_two_concurrent_streams_both_complete(local_live: LiveServer) -> None:
    finals = [final for _, final in at_once(lambda: stream_ask(local_live), 2)]
    for final in finals:
        # Neither was cut off by the other: both are the model's answers, not fallbacks.
        assert final.mode == "llamacpp" and not final.degraded, final.reason


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_service_leaves_no_model_process_behind(
    tmp_path: Path, smollm2_path: Path, stop: signal.Signals
) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NEWSQA_", "OPENAI_"))},
        "NEWSQA_LLM": "llamacpp",
        "NEWSQA_LLM_MODEL_PATH": str(smollm2_path),
        "NEWSQA_LLM_CONTEXT_TOKENS": "512",
        "NEWSQA_DATA_DIR": str(tmp_path / "index"),
        "HF_HUB_OFFLINE": "1",
    }
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def model_ready() -> bool:
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            reply = httpx.get(f"{url}/readyz", timeout=5)
        except httpx.HTTPError:
            return False
        return reply.status_code == 200 and reply.json()["llm"]["state"] == "ready"

    try:
        wait_until(model_ready, "the service and its model process are ready", 300)
        pid = httpx.get(f"{url}/readyz", timeout=5).json()["llm"]["pid"]
        assert model_processes(server.pid) == {pid}
        server.send_signal(stop)
        server.wait(timeout=60)
        if stop == signal.SIGTERM:  # a clean shutdown stops the model process before exiting
            assert not running(pid)
        else:  # nothing of the API process ran: the model process sees its stdin close
            wait_until(lambda: not running(pid), "the orphaned model process has left", 30)
    finally:
        server.kill()
        server.wait()
        log.close()
