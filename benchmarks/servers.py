"""The real servers a bench run talks to: ``chroma run`` and ``python -m service serve``,
on free loopback ports, stopped on exit, with their peak memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

from benchmarks.stats import children, cpu_seconds, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(**extra: str) -> dict[str, str]:
    """The environment of a child process: this checkout's code, offline, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSQA_", "CHROMA_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        TOKENIZERS_PARALLELISM="false",
    )
    env.update(extra)
    return env


class Server:
    """A child process serving HTTP on loopback, waited for until ``ready_path`` says 200."""

    def __init__(self, command: list[str], port: int, ready_path: str, env: dict[str, str],
                 log: Path) -> None:  # fmt: skip
        self.command, self.port, self.ready_path, self.env, self.log_path = (
            command, port, ready_path, env, log,
        )  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(self.url + self.ready_path, timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.command} did not start: see {self.log_path}")
            time.sleep(0.25)

    def peak_rss_mb(self) -> dict[str, float]:
        """Peak memory of the process and of each worker it started, in MB."""
        return self._each(peak_rss_mb)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by the process and by each worker it started."""
        return self._each(cpu_seconds)

    def _each(self, measure: Callable[[int], float]) -> dict[str, float]:
        if self.proc is None:
            return {}
        out = {"main": measure(self.proc.pid)}
        for i, pid in enumerate(children(self.proc.pid), 1):
            out[f"worker {i}"] = measure(pid)
        return out

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()

    def __exit__(self, *_: object) -> None:
        self.stop()


def chroma_server(path: Path) -> Server:
    port = free_port()
    chroma = str(Path(sys.executable).parent / "chroma")
    command = [chroma, "run", "--path", str(path / "db"), "--host", "127.0.0.1"]
    return Server(command + ["--port", str(port)], port, "/api/v2/heartbeat", environment(),
                  path / "chroma.log")  # fmt: skip


def api_server(env: dict[str, str], workers: int, log: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "service", "serve", "--port", str(port)]
    return Server(command + ["--workers", str(workers)], port, "/readyz", env, log)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run a command to its end: its stdout, wall seconds, and its peak memory in MB."""
    out, seconds, rss, _ = run_accounted(command, env)
    return out, seconds, rss


def run_accounted(command: list[str], env: dict[str, str]) -> tuple[str, float, float, float]:
    """``run_measured``, and the CPU seconds (user + system) the command used."""
    started = time.perf_counter()
    # stderr to a file: a chatty child must never block on a full pipe we are not reading.
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=errors)  # fmt: skip
        assert proc.stdout is not None
        out = proc.stdout.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    cpu = round(usage.ru_utime + usage.ru_stime, 1)
    return out, seconds, round(usage.ru_maxrss / 1024, 1), cpu
