"""A local GGUF model served by llama.cpp in a child process (the `local` extra).

The model runs in ``llama_cpp.server``, started and supervised by ``ModelProcess``
(``llamacpp_process.py``), and is spoken to through ``OpenAIChat`` like any OpenAI-compatible
endpoint. Before the first start the installed llama-cpp-python build is checked against this
CPU (``llamacpp_build.py``). A crash, hang or out-of-memory kill of the model process is an
``LLMUnavailable`` for the call it hits (the engine then answers extractively) and a restart.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Generator, Sequence

from service.backends import llamacpp_build
from service.backends.base import Message, ProcessStatus
from service.backends.llamacpp_child import Endpoint
from service.backends.llamacpp_process import ModelProcess
from service.backends.openai_chat import OpenAIChat
from service.errors import LLMUnavailable
from service.settings import Settings

INSTALL_HINT = (
    "the llamacpp backend needs llama-cpp-python: make install-local, or "
    "pip install 'newsqa[local]'"
)


class LlamaCppChat:
    """``ChatBackend`` over a supervised ``llama_cpp.server`` child process.

    Construction checks the build, starts the process and waits until it answers (at most
    ``NEWSQA_LLM_STARTUP_TIMEOUT``); ``close`` stops it. Requests take turns: a caller waits
    up to ``NEWSQA_LLM_TIMEOUT`` for the one before it, then up to as long for its reply.
    """

    name = "llamacpp"

    def __init__(
        self,
        settings: Settings,
        build_check: Callable[[], llamacpp_build.Verdict] = llamacpp_build.check,
    ) -> None:
        path = settings.llm_model_path
        if path is None:
            raise LLMUnavailable(
                "NEWSQA_LLM=llamacpp needs NEWSQA_LLM_MODEL_PATH, the path of a GGUF model file"
            )
        if not path.is_file():
            raise LLMUnavailable(f"the GGUF model file {path} does not exist")
        if importlib.util.find_spec("llama_cpp") is None:
            raise ImportError(INSTALL_HINT)
        try:
            verdict = build_check()
        except llamacpp_build.ProbeFailed as e:
            raise LLMUnavailable(str(e)) from e
        if not verdict.ok:
            raise LLMUnavailable(verdict.message)
        self.settings = settings
        self.model_path = path
        self.timeout = settings.llm_timeout
        self._clients: dict[Endpoint, OpenAIChat] = {}
        self._process = ModelProcess(
            path,
            ["--n_ctx", str(settings.llm_context_tokens)],
            startup_timeout=settings.llm_startup_timeout,
            python=sys.executable,
        )
        self._process.start()

    def complete(self, messages: Sequence[Message]) -> str:
        with self._process.turn(self.timeout) as endpoint:
            try:
                return self._client(endpoint).complete(messages)
            except LLMUnavailable as e:
                raise self._process.failed(endpoint, e) from e

    def stream(self, messages: Sequence[Message]) -> Generator[str, None, None]:
        # The turn is held until the reply ends or the caller closes the generator.
        with self._process.turn(self.timeout) as endpoint:
            try:
                yield from self._client(endpoint).stream(messages)
            except LLMUnavailable as e:
                raise self._process.failed(endpoint, e) from e

    def process(self) -> ProcessStatus:
        return self._process.status()

    def close(self) -> None:
        self._process.close()
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _client(self, endpoint: Endpoint) -> OpenAIChat:
        """The OpenAI client of this process (a restarted process has a new port and key)."""
        client = self._clients.get(endpoint)
        if client is None:
            for old in self._clients.values():
                old.close()
            # No retries: a local process that failed is restarted, not asked again.
            client = OpenAIChat(
                self.settings,
                base_url=endpoint.base_url,
                api_key=endpoint.api_key,
                model=self._process.alias,
                max_retries=0,
            )
            self._clients = {endpoint: client}
        return client
