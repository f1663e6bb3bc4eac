"""The local model's process: started, watched, restarted with backoff, stopped with us.

``ModelProcess`` runs ``llama_cpp.server`` (through ``llamacpp_server.py``) on a free loopback
port with a key of its own, and is the only way to it: one request at a time (``turn``), so a
new request never cuts off a running stream. A crash (SIGILL, SIGSEGV), an out-of-memory kill
or a hang (no answer to the health check) ends in a restart after a backoff; meanwhile calls
fail at once with ``LLMUnavailable`` and the engine answers extractively. Native llama.cpp code
never runs in the process that holds this object. One started process (its port, key, output
and exit) is ``llamacpp_child.ModelChild``; this module decides when to start, check and
restart one.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from service.backends.base import ProcessState, ProcessStatus
from service.backends.llamacpp_child import STOP_TIMEOUT, Endpoint, ModelChild
from service.errors import LLMUnavailable

log = logging.getLogger("newsqa.llm")

# Restart delays: doubled after each failed start, back to the first once a process has stayed
# up for BACKOFF_RESET seconds.
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
BACKOFF_RESET = 60.0
# The health check: /v1/models, which waits for the model's own lock, so an answer means the
# model is idle and responsive. Asked every HEALTH_INTERVAL seconds while no request is running,
# and before the next request after one failed.
HEALTH_INTERVAL = 10.0
HEALTH_TIMEOUT = 10.0


class ModelProcess:
    """Supervises ``llama_cpp.server`` serving one GGUF model; see the module docstring.

    All processes are started by one thread that lives as long as this object.
    """

    def __init__(
        self,
        model: Path,
        options: Sequence[str] = (),
        startup_timeout: float = 120.0,
        python: str = sys.executable,
        health_interval: float = HEALTH_INTERVAL,
        health_timeout: float = HEALTH_TIMEOUT,
    ) -> None:
        self.model = model
        self.name = model.name
        self.alias = model.stem
        self.startup_timeout = startup_timeout
        self.health_interval = health_interval
        self.health_timeout = health_timeout
        # fmt: off
        self.command = [
            python, "-m", "service.backends.llamacpp_server",
            "--model", str(model), "--model_alias", self.alias,
            # The lock below already serialises requests; this keeps llama_cpp.server from
            # ending a running stream when another request (a health check) arrives.
            "--interrupt_requests", "False",
            *options,
        ]
        # fmt: on
        self._lock = threading.Lock()  # one request (or health check) at a time
        self._state_lock = threading.Lock()
        self._state: ProcessState = "starting"
        self._reason: str | None = None
        self._restarts = 0
        self._child: ModelChild | None = None
        self._suspect = False
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._first_start = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start the process and wait until it answers; ``LLMUnavailable`` when it cannot."""
        self._thread = threading.Thread(target=self._supervise, name="newsqa-llm", daemon=True)
        self._thread.start()
        atexit.register(self.close)
        self._first_start.wait()
        if self._state != "ready":
            reason = self._reason or "it did not start"
            self.close()
            raise LLMUnavailable(f"cannot load the GGUF model {self.model}: {reason}")

    def close(self) -> None:
        """Stop the process (and the supervision). Safe to call more than once."""
        atexit.unregister(self.close)
        self._closing.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(STOP_TIMEOUT + 5)
        self._set("stopped", self._reason)

    def status(self) -> ProcessStatus:
        with self._state_lock:
            child = self._child
            pid = child.endpoint.pid if child is not None and self._state != "stopped" else None
            return ProcessStatus(self._state, pid, self._restarts, self._reason)

    # ---- requests -------------------------------------------------------------------

    @contextmanager
    def turn(self, timeout: float) -> Iterator[Endpoint]:
        """The running process, for one request; the next caller waits until this one ends.

        Raises ``LLMUnavailable`` after ``timeout`` seconds of waiting, or at once when the
        process is not ready (restarting, failed).
        """
        if not self._lock.acquire(timeout=timeout):
            raise LLMUnavailable(
                f"the local model {self.name} stayed busy with another request for "
                f"{timeout:g}s (NEWSQA_LLM_TIMEOUT)"
            )
        try:
            yield self._usable()
        finally:
            self._lock.release()

    def failed(self, endpoint: Endpoint, e: LLMUnavailable) -> LLMUnavailable:
        """The error to report for a request that failed: the process's end when it died."""
        self._suspect = True
        child = self._child
        if child is not None and child.endpoint == endpoint:
            ended = child.exit_reason(wait=1.0)
            if ended is not None:
                self._down(child, ended)
                return LLMUnavailable(
                    f"the local model process (pid {endpoint.pid}) {ended} in the middle of "
                    "the reply; it is being restarted"
                )
        return LLMUnavailable(f"the local model process (pid {endpoint.pid}): {e.reason}")

    def _usable(self) -> Endpoint:
        """The endpoint if the process is ready (checked first after a failed request)."""
        with self._state_lock:
            state, reason, child = self._state, self._reason, self._child
        if state != "ready" or child is None:
            because = f" ({reason})" if reason else ""
            raise LLMUnavailable(f"the local model process is {state}{because}")
        if self._suspect:
            self._suspect = False
            if not child.answers(self.health_timeout):
                self._hung(child)
                raise LLMUnavailable(
                    f"the local model process (pid {child.endpoint.pid}) did not answer the "
                    f"health check within {self.health_timeout:g}s; it is being restarted"
                )
        return child.endpoint

    def _hung(self, child: ModelChild) -> None:
        reason = f"it did not answer the health check within {self.health_timeout:g}s"
        self._down(child, reason)
        child.kill(reason)

    def _down(self, child: ModelChild, reason: str) -> None:
        """Say at once that ``child`` is gone (the supervisor restarts it)."""
        with self._state_lock:
            current = self._child is child and self._state == "ready"
        if current:
            self._set("restarting", reason)
        self._wake.set()

    # ---- supervision (one thread) ---------------------------------------------------

    def _set(self, state: ProcessState, reason: str | None) -> None:
        with self._state_lock:
            if self._state == "stopped":
                return
            if state != self._state:
                log.info("local model process: %s%s", state, f" ({reason})" if reason else "")
            self._state, self._reason = state, reason

    def _supervise(self) -> None:
        delay = BACKOFF_FIRST
        ever_ready = False
        while not self._closing.is_set():
            child = ModelChild(self.command, on_exit=self._wake.set)
            with self._state_lock:
                self._child = child
            problem = self._await_ready(child)
            up_since = time.monotonic()
            if problem is None:
                ever_ready = True
                self._set("ready", None)
                self._first_start.set()
                problem = self._watch(child)
            if self._closing.is_set():
                break
            child.kill()
            if not ever_ready:  # a first start that fails is a configuration problem
                self._set("failed", problem)
                self._first_start.set()
                return
            if time.monotonic() - up_since > BACKOFF_RESET:
                delay = BACKOFF_FIRST
            with self._state_lock:
                self._restarts += 1
            self._set("restarting", problem)
            log.warning("local model process %s; restarting in %.1fs", problem, delay)
            if self._closing.wait(delay):
                break
            delay = min(delay * 2, BACKOFF_MAX)
        if self._child is not None:
            self._child.stop()
        self._first_start.set()

    def _await_ready(self, child: ModelChild) -> str | None:
        """``None`` once the process answers, else why it never did."""
        deadline = time.monotonic() + self.startup_timeout
        while not self._closing.is_set():
            ended = child.exit_reason()
            if ended is not None:
                return ended
            if child.answers(timeout=2.0):
                return None
            if time.monotonic() > deadline:
                return (
                    f"it did not answer within {self.startup_timeout:g}s "
                    "(NEWSQA_LLM_STARTUP_TIMEOUT)"
                )
            child.exited.wait(0.1)
        return "stopped"

    def _watch(self, child: ModelChild) -> str:
        """Wait until the process dies or stops answering; say which."""
        while not self._closing.is_set():
            self._wake.wait(self.health_interval)
            self._wake.clear()
            ended = child.exit_reason(wait=0.5 if child.exited.is_set() else 0.0)
            if ended is not None:
                return ended
            if self._lock.acquire(blocking=False):  # idle: nothing to wait behind
                try:
                    if not child.answers(self.health_timeout) and child.exit_reason() is None:
                        self._hung(child)
                finally:
                    self._lock.release()
        return "stopped"
