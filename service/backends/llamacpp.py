"""A local GGUF model run in process by llama-cpp-python (the `local` extra)."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Sequence
from typing import Any

from service.backends.base import Message
from service.errors import LLMUnavailable
from service.settings import Settings

# What llama-cpp-python raises for a prompt too long, a bad template or a failed decode.
_LLAMA_ERRORS = (ValueError, RuntimeError, KeyError, IndexError, TypeError)

INSTALL_HINT = "the llamacpp backend needs llama-cpp-python: pip install 'newsqa[local]'"


def import_llama_cpp() -> Any:
    """The ``llama_cpp`` module, or an ``ImportError`` that says how to install it."""
    try:
        import llama_cpp
    except ImportError as e:
        raise ImportError(INSTALL_HINT) from e
    return llama_cpp


class LlamaCppChat:
    """``ChatBackend`` over one ``llama_cpp.Llama``, loaded at construction.

    A ``Llama`` object is not thread-safe, so one lock serialises every call; a caller that
    waits longer than ``llm_timeout`` for it gets ``LLMUnavailable``.
    """

    name = "llamacpp"

    def __init__(self, settings: Settings) -> None:
        llama_cpp = import_llama_cpp()
        path = settings.llm_model_path
        if path is None:
            raise LLMUnavailable(
                "NEWSQA_LLM=llamacpp needs NEWSQA_LLM_MODEL_PATH, the path of a GGUF model file"
            )
        if not path.is_file():
            raise LLMUnavailable(f"the GGUF model file {path} does not exist")
        self.model_path = path
        self.timeout = settings.llm_timeout
        self.max_tokens = settings.llm_max_tokens
        self.temperature = settings.llm_temperature
        self._lock = threading.Lock()
        try:
            self._llama = llama_cpp.Llama(
                model_path=str(path), n_ctx=settings.llm_context_tokens, verbose=False
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise LLMUnavailable(f"cannot load the GGUF model {path}: {e}") from e

    def complete(self, messages: Sequence[Message]) -> str:
        text = "".join(self.stream(messages))
        if not text.strip():
            raise LLMUnavailable(f"the local model {self.model_path.name} returned an empty reply")
        return text

    def stream(self, messages: Sequence[Message]) -> Generator[str, None, None]:
        deadline = time.monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            raise LLMUnavailable(
                f"the local model {self.model_path.name} stayed busy with another request for "
                f"{self.timeout:g}s (NEWSQA_LLM_TIMEOUT)"
            )
        # Held until the reply ends or the caller closes the generator.
        try:
            yield from self._generate(messages, deadline)
        finally:
            self._lock.release()

    def _generate(self, messages: Sequence[Message], deadline: float) -> Generator[str, None, None]:
        produced = False
        try:
            chunks = self._llama.create_chat_completion(
                messages=[{"role": m["role"], "content": m["content"]} for m in messages],
                stream=True,
                max_tokens=self.max_tokens,
                temperature=self.temperature,
            )
        except _LLAMA_ERRORS as e:
            raise self._failed(e) from e
        try:
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content") if chunk["choices"] else None
                if piece:
                    produced = True
                    yield piece
                if time.monotonic() > deadline:
                    raise LLMUnavailable(
                        f"the local model {self.model_path.name} timed out after "
                        f"{self.timeout:g}s (NEWSQA_LLM_TIMEOUT)"
                    )
        except _LLAMA_ERRORS as e:
            raise self._failed(e) from e
        finally:
            chunks.close()  # stops llama.cpp generating when the caller stops early
        if not produced:
            raise LLMUnavailable(f"the local model {self.model_path.name} returned an empty reply")

    def _failed(self, e: Exception) -> LLMUnavailable:
        # e.g. "Requested tokens (5000) exceed context window of 4096"
        return LLMUnavailable(f"the local model {self.model_path} failed: {e}")
