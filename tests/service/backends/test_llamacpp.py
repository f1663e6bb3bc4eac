"""LlamaCppChat with the real SmolLM2-135M-Instruct GGUF, in process."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from service.backends.base import Message
from service.backends.llamacpp import INSTALL_HINT, LlamaCppChat
from service.errors import LLMUnavailable
from tests.service.conftest import QUESTION, llm_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_chat(smollm2_path: Path) -> LlamaCppChat:
    return LlamaCppChat(llm_settings(llm_model_path=smollm2_path, llm_context_tokens=2048))


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


def test_threads_share_one_model_in_turn(local_chat: LlamaCppChat) -> None:
    replies: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            replies.append(local_chat.complete(QUESTION))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(replies) == 3
    assert len(set(replies)) == 1  # greedy decoding, no state leaking between calls


def test_a_caller_waiting_longer_than_the_timeout_gets_llm_unavailable(
    local_chat: LlamaCppChat, monkeypatch: pytest.MonkeyPatch, smollm2_path: Path
) -> None:
    holding = local_chat.stream(QUESTION)
    next(holding)  # the lock is held until this stream ends or is closed
    # Only the waiting caller's timeout is short: the first piece's time varies with CPU load.
    monkeypatch.setattr(local_chat, "timeout", 0.3)
    with pytest.raises(LLMUnavailable) as info:
        local_chat.complete(QUESTION)
    assert info.value.reason == (
        f"the local model {smollm2_path.name} stayed busy with another request for 0.3s "
        "(NEWSQA_LLM_TIMEOUT)"
    )
    monkeypatch.undo()
    holding.close()  # releases the lock: the next caller gets the model at once
    assert local_chat.complete(QUESTION).strip()


@pytest.mark.parametrize("call", ["complete", "stream"])
def test_a_reply_past_the_timeout_is_llm_unavailable(smollm2_path: Path, call: str) -> None:
    chat = LlamaCppChat(
        llm_settings(llm_model_path=smollm2_path, llm_context_tokens=512, llm_timeout=0.001)
    )
    with pytest.raises(LLMUnavailable) as info:
        "".join(getattr(chat, call)(QUESTION))
    assert info.value.reason == (
        f"the local model {smollm2_path.name} timed out after 0.001s (NEWSQA_LLM_TIMEOUT)"
    )


def test_prompt_longer_than_the_context(local_chat: LlamaCppChat, smollm2_path: Path) -> None:
    too_long: list[Message] = [{"role": "user", "content": "news " * 3000}]
    with pytest.raises(LLMUnavailable) as info:
        local_chat.complete(too_long)
    assert info.value.reason.startswith(f"the local model {smollm2_path} failed: ")
    assert "context window" in info.value.reason
    assert local_chat.complete(QUESTION).strip()  # the model still works afterwards


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
    # A None entry in sys.modules makes `import llama_cpp` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(ImportError) as info:
        LlamaCppChat(llm_settings(llm_model_path=smollm2_path))
    assert str(info.value) == INSTALL_HINT
    assert (
        INSTALL_HINT == "the llamacpp backend needs llama-cpp-python: pip install 'newsqa[local]'"
    )
    assert isinstance(info.value.__cause__, ImportError)
