"""ModelProcess: the real llama_cpp.server with SmolLM2 in a child process, crashed, hung and
stopped for real (SIGKILL, SIGSTOP), and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.backends.llamacpp_process import ModelProcess
from service.backends.openai_chat import OpenAIChat
from service.errors import LLMUnavailable
from tests.service.conftest import (
    LONG,
    QUESTION,
    at_once,
    llm_settings,
    model_processes,
    running,
    wait_until,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def model(smollm2_path: Path) -> Iterator[ModelProcess]:
    # Health checks only when a test asks for one (see the idle check test).
    process = ModelProcess(
        smollm2_path, ["--n_ctx", "1024"], health_interval=3600, health_timeout=2.0
    )
    process.start()
    yield process
    process.close()


def client(process: ModelProcess, **settings: object) -> OpenAIChat:
    with process.turn(60) as endpoint:
        pass
    return OpenAIChat(
        llm_settings(**settings),
        base_url=endpoint.base_url,
        api_key=endpoint.api_key,
        model=process.alias,
        max_retries=0,
    )


def test_it_starts_ready_on_loopback_with_a_key_of_its_own(model: ModelProcess) -> None:
    status = model.status()
    assert (status.state, status.restarts, status.reason) == ("ready", 0, None)
    assert status.pid is not None and running(status.pid)
    assert model_processes(os.getpid()) >= {status.pid}
    with model.turn(60) as endpoint:
        assert endpoint.base_url.startswith("http://127.0.0.1:")
        assert endpoint.pid == status.pid
    keyless = OpenAIChat(llm_settings(), base_url=endpoint.base_url, max_retries=0)
    with pytest.raises(LLMUnavailable, match="answered HTTP 401"):
        keyless.complete(QUESTION)
    assert client(model).complete(QUESTION).strip()


def test_the_model_process_itself_never_cuts_off_a_stream(model: ModelProcess) -> None:
    # interrupt_requests is off: two streams sent to the process at once (bypassing the turns
    # newsqa takes) both run to their finish reason, one after the other.
    chat = client(model, llm_max_tokens=48)
    replies = at_once(lambda: "".join(chat.stream(LONG)), 2)
    assert len(replies) == 2 and all(r.strip() for r in replies)


def test_a_killed_process_is_restarted_with_a_new_pid(model: ModelProcess) -> None:
    first = model.status().pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: model.status().state != "ready", "the death is noticed", 30)
    status = model.status()
    assert status.state == "restarting"
    assert status.reason == "was killed (SIGKILL: out of memory, or killed by hand)"
    with pytest.raises(LLMUnavailable) as info:
        with model.turn(60):
            pass
    assert info.value.reason.startswith("the local model process is restarting (was killed")
    wait_until(lambda: model.status().state == "ready", "it is ready again")
    status = model.status()
    assert status.restarts == 1 and status.pid not in (None, first) and not running(first)
    assert client(model).complete(QUESTION).strip()


def test_a_hung_process_is_killed_and_restarted(model: ModelProcess) -> None:
    hung = model.status().pid
    assert hung is not None
    os.kill(hung, signal.SIGSTOP)  # alive, but answers nothing
    chat = client(model, llm_timeout=1.0)
    with model.turn(60) as endpoint:
        with pytest.raises(LLMUnavailable) as timed_out:
            chat.complete(QUESTION)
        failure = model.failed(endpoint, timed_out.value)
    assert failure.reason == (
        f"the local model process (pid {hung}): {endpoint.base_url} (model "
        f"'{model.alias}') timed out after 1s (NEWSQA_LLM_TIMEOUT)"
    )
    # The next request checks the process first, finds it hung and has it restarted.
    with pytest.raises(LLMUnavailable) as info:
        with model.turn(60):
            pass
    assert info.value.reason == (
        f"the local model process (pid {hung}) did not answer the health check within 2s; "
        "it is being restarted"
    )
    wait_until(lambda: model.status().state == "ready", "it is ready again")
    assert model.status().restarts == 1 and not running(hung)
    assert client(model).complete(QUESTION).strip()


def test_the_idle_health_check_restarts_a_hung_process(smollm2_path: Path) -> None:
    process = ModelProcess(smollm2_path, ["--n_ctx", "512"], health_interval=0.5,
                           health_timeout=1.0)  # fmt: skip
    process.start()
    try:
        hung = process.status().pid
        assert hung is not None
        os.kill(hung, signal.SIGSTOP)
        wait_until(lambda: process.status().restarts == 1, "the hung process is replaced")
        assert process.status().reason == "it did not answer the health check within 1s"
        wait_until(lambda: process.status().state == "ready", "it is ready again")
        assert not running(hung)
    finally:
        process.close()


def test_close_stops_the_process(smollm2_path: Path) -> None:
    process = ModelProcess(smollm2_path, ["--n_ctx", "512"])
    process.start()
    pid = process.status().pid
    assert pid is not None and running(pid)
    process.close()
    assert not running(pid)
    assert process.status().state == "stopped" and process.status().pid is None
    process.close()  # twice is fine


def test_no_model_process_outlives_a_killed_parent(smollm2_path: Path) -> None:
    # A parent that starts a model process, prints its pid, then waits; killed with SIGKILL
    # (nothing of it runs on exit), its model process must leave too.
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from service.backends.llamacpp_process import ModelProcess\n"
        "p = ModelProcess(Path(sys.argv[1]), ['--n_ctx', '512'])\n"
        "p.start()\n"
        "print(p.status().pid, flush=True)\n"
        "threading.Event().wait()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(smollm2_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert model_processes(parent.pid) == {pid}
        parent.kill()
        parent.wait()
        wait_until(lambda: not running(pid), "the orphaned model process has left", 30)
    finally:
        parent.kill()
        parent.wait()


def test_a_file_that_is_not_gguf_fails_the_first_start(tmp_path: Path) -> None:
    bogus = tmp_path / "model.gguf"
    bogus.write_bytes(b"not a gguf file at all")
    before = model_processes(os.getpid())
    process = ModelProcess(bogus)
    with pytest.raises(LLMUnavailable) as info:
        process.start()
    assert info.value.reason.startswith(f"cannot load the GGUF model {bogus}: exited with code 1")
    assert "Failed to load model from file" in info.value.reason
    assert process.status().state == "stopped"
    assert model_processes(os.getpid()) == before


def test_a_start_slower_than_the_startup_timeout_fails(smollm2_path: Path) -> None:
    process = ModelProcess(smollm2_path, startup_timeout=0.001)
    with pytest.raises(LLMUnavailable) as info:
        process.start()
    assert info.value.reason == (
        f"cannot load the GGUF model {smollm2_path}: it did not answer within 0.001s "
        "(NEWSQA_LLM_STARTUP_TIMEOUT)"
    )
