"""LlamaCppChat with the real SmolLM2-135M-Instruct GGUF in a real child process."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.backends.base import Message
from service.backends.llamacpp import INSTALL_HINT, LlamaCppChat
from service.backends.llamacpp_build import Build, judge
from service.errors import LLMUnavailable
from tests.conftest import ROOT
from tests.imports import imports_of
from tests.service.backends.test_llamacpp_build import AMX_CRASH, EPYC, XEON_NATIVE
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


@pytest.fixture(scope="module")
def local_chat(smollm2_path: Path) -> Iterator[LlamaCppChat]:
    chat = LlamaCppChat(llm_settings(llm_model_path=smollm2_path, llm_context_tokens=2048))
    yield chat
    chat.close()


def test_complete_returns_the_reply(local_chat: LlamaCppChat) -> None:
    reply = local_chat.complete(QUESTION)
    assert isinstance(reply, str)
    assert reply.strip()


def test_stream_yields_pieces_as_they_come(local_chat: LlamaCppChat) -> None:
    pieces = list(local_chat.stream(QUESTION))
    assert len(pieces) >= 3
    assert all(isinstance(p, str) and p for p in pieces)
    assert "".join(pieces).strip()


def test_greedy_replies_repeat(local_chat: LlamaCppChat) -> None:
    assert local_chat.complete(QUESTION) == "".join(local_chat.stream(QUESTION))


def test_the_model_runs_in_a_child_process(local_chat: LlamaCppChat) -> None:
    status = local_chat.process()
    assert status.state == "ready" and status.pid is not None
    assert status.pid in model_processes(os.getpid())


def test_concurrent_streams_take_turns_and_all_complete(local_chat: LlamaCppChat) -> None:
    # None is cut off ("ended its reply without a finish reason"): no error is raised.
    replies = at_once(lambda: "".join(local_chat.stream(LONG)), 3)
    assert len(set(replies)) == 1  # greedy decoding, no state leaking between calls


def test_a_caller_waiting_longer_than_the_timeout_gets_llm_unavailable(
    local_chat: LlamaCppChat, monkeypatch: pytest.MonkeyPatch, smollm2_path: Path
) -> None:
    holding = local_chat.stream(QUESTION)
    next(holding)  # the turn is held until this stream ends or is closed
    # Only the waiting caller's timeout is short: the first piece's time varies with CPU load.
    monkeypatch.setattr(local_chat, "timeout", 0.3)
    with pytest.raises(LLMUnavailable) as info:
        local_chat.complete(QUESTION)
    assert info.value.reason == (
        f"the local model {smollm2_path.name} stayed busy with another request for 0.3s "
        "(NEWSQA_LLM_TIMEOUT)"
    )
    monkeypatch.undo()
    holding.close()  # ends the turn: the next caller gets the model at once
    assert local_chat.complete(QUESTION).strip()


def test_prompt_longer_than_the_context(local_chat: LlamaCppChat) -> None:
    too_long: list[Message] = [{"role": "user", "content": "news " * 3000}]
    pid = local_chat.process().pid
    with pytest.raises(LLMUnavailable) as info:
        local_chat.complete(too_long)
    assert info.value.reason.startswith(f"the local model process (pid {pid}): http://127.0.0.1:")
    assert "answered HTTP 400" in info.value.reason and "context" in info.value.reason
    assert local_chat.complete(QUESTION).strip()  # the model still works afterwards
    assert local_chat.process().pid == pid and local_chat.process().restarts == 0


@pytest.mark.parametrize("call", ["complete", "stream"])
def test_a_reply_past_the_timeout_is_llm_unavailable(smollm2_path: Path, call: str) -> None:
    chat = LlamaCppChat(
        llm_settings(llm_model_path=smollm2_path, llm_context_tokens=512, llm_timeout=0.001)
    )
    try:
        with pytest.raises(LLMUnavailable) as info:
            "".join(getattr(chat, call)(QUESTION))
        assert info.value.reason.startswith(
            f"the local model process (pid {chat.process().pid}): http://127.0.0.1:"
        )
        assert info.value.reason.endswith("timed out after 0.001s (NEWSQA_LLM_TIMEOUT)")
    finally:
        chat.close()


def test_a_process_killed_mid_stream_fails_that_call_and_is_restarted(
    smollm2_path: Path,
) -> None:
    chat = LlamaCppChat(
        llm_settings(llm_model_path=smollm2_path, llm_context_tokens=512, llm_max_tokens=400)
    )
    try:
        pid = chat.process().pid
        assert pid is not None
        stream = chat.stream(LONG)
        assert next(stream)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(LLMUnavailable) as info:
            list(stream)
        assert info.value.reason == (
            f"the local model process (pid {pid}) was killed (SIGKILL: out of memory, or "
            "killed by hand) in the middle of the reply; it is being restarted"
        )
        wait_until(lambda: chat.process().state == "ready", "the model process is back")
        assert chat.process().restarts == 1 and chat.process().pid != pid
        assert chat.complete(QUESTION).strip()
    finally:
        chat.close()
    assert not running(pid)


def test_close_leaves_no_model_process(smollm2_path: Path) -> None:
    chat = LlamaCppChat(llm_settings(llm_model_path=smollm2_path, llm_context_tokens=512))
    pid = chat.process().pid
    assert pid is not None and running(pid)
    chat.close()
    assert not running(pid) and pid not in model_processes(os.getpid())
    assert chat.process().state == "stopped"


def test_a_build_with_amx_is_refused_before_any_process_starts(smollm2_path: Path) -> None:
    before = model_processes(os.getpid())
    amx_build = judge(Build("0.3.36", XEON_NATIVE), EPYC)
    with pytest.raises(LLMUnavailable) as info:
        LlamaCppChat(llm_settings(llm_model_path=smollm2_path), build_check=lambda: amx_build)
    assert info.value.reason == amx_build.message
    assert f"AMX_INT8 ({AMX_CRASH})" in info.value.reason
    assert "Rebuild it for this CPU: `make install-local`" in info.value.reason
    assert model_processes(os.getpid()) == before


def test_missing_model_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "model.gguf"
    with pytest.raises(LLMUnavailable) as info:
        LlamaCppChat(llm_settings(llm_model_path=missing))
    assert info.value.reason == f"the GGUF model file {missing} does not exist"


def test_a_file_that_is_not_gguf_is_llm_unavailable(tmp_path: Path) -> None:
    bogus = tmp_path / "model.gguf"
    bogus.write_bytes(b"not a gguf file at all")
    with pytest.raises(LLMUnavailable) as info:
        LlamaCppChat(llm_settings(llm_model_path=bogus))
    assert info.value.reason.startswith(f"cannot load the GGUF model {bogus}: ")


def test_no_model_path_says_which_setting() -> None:
    with pytest.raises(LLMUnavailable) as info:
        LlamaCppChat(llm_settings())
    assert info.value.reason == (
        "NEWSQA_LLM=llamacpp needs NEWSQA_LLM_MODEL_PATH, the path of a GGUF model file"
    )


def test_without_llama_cpp_python_the_error_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, smollm2_path: Path
) -> None:
    # A None entry in sys.modules makes llama_cpp look not installed.
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(ImportError) as info:
        LlamaCppChat(llm_settings(llm_model_path=smollm2_path))
    assert str(info.value) == INSTALL_HINT
    assert INSTALL_HINT == (
        "the llamacpp backend needs llama-cpp-python: make install-local, or "
        "pip install 'newsqa[local]'"
    )


def test_only_the_child_processes_import_llama_cpp() -> None:
    # Native llama.cpp code never runs in the API process: only the model process and the
    # build probe import it.
    importers = {
        path.relative_to(ROOT).as_posix()
        for path, names in imports_of(sorted((ROOT / "service").rglob("*.py"))).items()
        if any(n.split(".")[0] == "llama_cpp" for n in names)
    }
    assert importers == {
        "service/backends/llamacpp_build.py",
        "service/backends/llamacpp_server.py",
    }
