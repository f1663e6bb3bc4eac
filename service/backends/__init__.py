"""LLM answer backends behind one interface, chosen by ``NEWSQA_LLM``."""

from __future__ import annotations

import importlib.util

from service.backends.base import ChatBackend, Message
from service.settings import Settings

__all__ = ["ChatBackend", "Message", "llama_cpp_installed", "select_chat_backend"]


def llama_cpp_installed() -> bool:
    """Whether the `local` extra (llama-cpp-python) is importable, without importing it."""
    return importlib.util.find_spec("llama_cpp") is not None


def select_chat_backend(settings: Settings) -> ChatBackend | None:
    """The backend ``settings.llm`` asks for; ``None`` means extractive answers (no LLM).

    Raises ``LLMUnavailable`` when the chosen backend is misconfigured (no key, no model file)
    and ``ImportError`` when ``llamacpp`` is asked for without llama-cpp-python installed.
    """
    match settings.llm:
        case "openai":
            from service.backends.openai_chat import OpenAIChat

            return OpenAIChat(settings)
        case "llamacpp":
            from service.backends.llamacpp import LlamaCppChat

            return LlamaCppChat(settings)
        case "extractive":
            return None
        case "auto":
            key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
            if key or settings.openai_base_url:
                from service.backends.openai_chat import OpenAIChat

                return OpenAIChat(settings)
            if settings.llm_model_path is not None and llama_cpp_installed():
                from service.backends.llamacpp import LlamaCppChat

                return LlamaCppChat(settings)
            return None
        case _:
            raise ValueError(
                f"unknown NEWSQA_LLM {settings.llm!r}: use auto, openai, llamacpp or extractive"
            )
