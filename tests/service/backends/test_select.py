"""select_chat_backend: which backend each NEWSQA_LLM and environment gives."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from service.backends import llama_cpp_installed, select_chat_backend
from service.backends.llamacpp import INSTALL_HINT, LlamaCppChat
from service.backends.openai_chat import OpenAIChat
from service.errors import LLMUnavailable
from tests.service.conftest import llm_settings, smollm2_gguf

KEY = {"openai_api_key": "sk-test"}
BASE = {"openai_base_url": "http://127.0.0.1:9/v1"}
MODEL = "model_path"  # replaced by the SmolLM2 file in the test


@pytest.mark.parametrize(
    ("llm", "given", "expected"),
    [
        ("extractive", {}, None),
        ("extractive", {**KEY, MODEL: True}, None),
        ("openai", KEY, OpenAIChat),
        ("openai", BASE, OpenAIChat),
        ("openai", {**BASE, MODEL: True}, OpenAIChat),
        ("llamacpp", {MODEL: True}, LlamaCppChat),
        ("llamacpp", {**KEY, MODEL: True}, LlamaCppChat),
        ("auto", {}, None),
        ("auto", KEY, OpenAIChat),
        ("auto", BASE, OpenAIChat),
        ("auto", {**KEY, **BASE}, OpenAIChat),
        ("auto", {**BASE, MODEL: True}, OpenAIChat),
        ("auto", {MODEL: True}, LlamaCppChat),
    ],
)
def test_selection_table(llm: str, given: dict[str, Any], expected: type | None) -> None:
    values = {k: v for k, v in given.items() if k != MODEL}
    if given.get(MODEL):
        values["llm_model_path"] = smollm2_gguf()
    backend = select_chat_backend(llm_settings(llm=llm, **values))
    if expected is None:
        assert backend is None
    else:
        assert backend is not None
        backend.close()  # the llamacpp backend has started a model process
        assert type(backend) is expected
        assert backend.name == {OpenAIChat: "openai", LlamaCppChat: "llamacpp"}[expected]


def test_the_selected_backend_points_at_the_configured_endpoint() -> None:
    backend = select_chat_backend(llm_settings(llm="auto", **BASE))
    assert isinstance(backend, OpenAIChat)
    assert backend.endpoint == BASE["openai_base_url"]


def test_environment_variables_choose_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("NEWSQA_LLM_MODEL", "smollm2")
    backend = select_chat_backend(llm_settings())
    assert isinstance(backend, OpenAIChat)
    assert (backend.endpoint, backend.model) == ("http://127.0.0.1:9/v1", "smollm2")


def test_auto_without_llama_cpp_python_falls_back_to_extractive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    assert not llama_cpp_installed()
    assert select_chat_backend(llm_settings(llm="auto", llm_model_path=smollm2_gguf())) is None


def test_llamacpp_without_llama_cpp_python_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(ImportError, match=r"pip install 'newsqa\[local\]'") as info:
        select_chat_backend(llm_settings(llm="llamacpp", llm_model_path=smollm2_gguf()))
    assert str(info.value) == INSTALL_HINT


@pytest.mark.parametrize(
    ("llm", "given", "reason"),
    [
        (
            "openai",
            {},
            "NEWSQA_LLM=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local "
            "OpenAI-compatible server",
        ),
        (
            "llamacpp",
            {},
            "NEWSQA_LLM=llamacpp needs NEWSQA_LLM_MODEL_PATH, the path of a GGUF model file",
        ),
        (
            "llamacpp",
            {"llm_model_path": Path("/nonexistent/model.gguf")},
            "the GGUF model file /nonexistent/model.gguf does not exist",
        ),
        (
            "auto",
            {"llm_model_path": Path("/nonexistent/model.gguf")},
            "the GGUF model file /nonexistent/model.gguf does not exist",
        ),
    ],
)
def test_misconfigured_choices_say_what_is_missing(
    llm: str, given: dict[str, Any], reason: str
) -> None:
    with pytest.raises(LLMUnavailable) as info:
        select_chat_backend(llm_settings(llm=llm, **given))
    assert info.value.reason == reason


def test_an_unknown_choice_is_a_value_error() -> None:
    settings = llm_settings().model_copy(update={"llm": "gpt"})
    with pytest.raises(ValueError, match="unknown NEWSQA_LLM 'gpt'"):
        select_chat_backend(settings)
