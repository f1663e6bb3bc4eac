"""One started model process: ``llama_cpp.server`` on a free loopback port with a key of its
own, its last lines of output, why it ended, its health check, and how it is stopped.

``llamacpp_process.ModelProcess`` starts these, watches them and restarts them.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

import httpx

log = logging.getLogger("newsqa.llm")

STOP_TIMEOUT = 10.0
LOG_LINES = 40


@dataclass(frozen=True)
class Endpoint:
    """A running model process, as a client reaches it."""

    base_url: str
    api_key: str
    pid: int


def describe_exit(returncode: int) -> str:
    """What an exit status means for a model process, in words."""
    if returncode >= 0:
        return f"exited with code {returncode}"
    signum = -returncode
    name = signal.Signals(signum).name if signum in signal.valid_signals() else str(signum)
    if signum == signal.SIGKILL:
        return "was killed (SIGKILL: out of memory, or killed by hand)"
    if signum == signal.SIGILL:
        return (
            "crashed on an instruction this CPU lacks (SIGILL): check the build with "
            "python -m service.backends.llamacpp_build check"
        )
    return f"was ended by {name}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ModelChild:
    """One started model process, its endpoint and the last lines it printed."""

    def __init__(self, command: Sequence[str], on_exit: Callable[[], None]) -> None:
        port = _free_port()
        key = secrets.token_hex(24)  # hex: never starts with "-", which argparse would misread
        self.proc = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port), "--api_key", key],
            stdin=subprocess.PIPE,  # never written: its end-of-file tells the child we are gone
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.endpoint = Endpoint(f"http://127.0.0.1:{port}/v1", key, self.proc.pid)
        self.lines: deque[str] = deque(maxlen=LOG_LINES)
        self.exited = threading.Event()
        self.killed_because: str | None = None
        assert self.proc.stdout is not None
        threading.Thread(
            target=self._drain, args=(self.proc.stdout, on_exit), name="newsqa-llm-log",
            daemon=True,
        ).start()  # fmt: skip

    def _drain(self, out: IO[bytes], on_exit: Callable[[], None]) -> None:
        for raw in out:
            line = raw.decode(errors="replace").rstrip()
            self.lines.append(line)
            log.debug("model process %d: %s", self.proc.pid, line)
        self.proc.wait()
        self.exited.set()
        on_exit()

    def exit_reason(self, wait: float = 0.0) -> str | None:
        """Why the process ended, with its last error line; ``None`` while it runs."""
        try:
            code = self.proc.wait(timeout=wait) if wait > 0 else self.proc.poll()
        except subprocess.TimeoutExpired:
            return None
        if code is None:
            return None
        if self.killed_because is not None:
            return self.killed_because
        lines = [line for line in self.lines if line.strip()]
        last = next((line for line in reversed(lines) if "error" in line.lower()), None)
        last = last or (lines[-1] if lines else None)
        return describe_exit(code) + (f" ({last.strip()})" if last and code > 0 else "")

    def answers(self, timeout: float) -> bool:
        try:
            reply = httpx.get(
                f"{self.endpoint.base_url}/models",
                headers={"Authorization": f"Bearer {self.endpoint.api_key}"},
                timeout=timeout,
            )
        except httpx.HTTPError:
            return False
        return reply.status_code == 200

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdin is not None:
            self.proc.stdin.close()

    def kill(self, because: str | None = None) -> None:
        if self.proc.poll() is None:
            self.killed_because = because
            self.proc.kill()
        self.proc.wait()
