"""What a running API process holds: the settings, and the engine once it has loaded."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ingest.lock import IndexLocked, WriterLock
from service.api.errors import NotReady
from service.backends.base import ProcessStatus
from service.documents import WRITE_LOCK
from service.jobs import JobManager
from service.settings import Settings
from service.wiring import Components, build

log = logging.getLogger("newsqa.api")


class Runtime:
    """Loads the index and models in the background so the process answers health checks
    at once; routes that need the engine get ``NotReady`` (503) until it is there."""

    def __init__(
        self,
        settings: Settings,
        components: Components | None = None,
        builder: Callable[[Settings], Components] = build,
    ) -> None:
        self.settings = settings
        self._components = components
        self._owns_components = components is None  # what it built, it closes
        self._builder = builder
        self._error: str | None = None
        self._waiting: str | None = None
        self._lock: WriterLock | None = None
        self._jobs: JobManager | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._components is not None:
            self._start_jobs(self._components)
            return
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._load, name="newsqa-load", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            if not self.settings.uses_chroma_server:
                # The server writes the embedded index (uploads, deletes): no other writer
                # may open it while it runs. It waits for one that is running, /readyz says so.
                self._waiting = "waiting for the index lock: "
                self._lock = WriterLock(self.settings.data_dir, "server")
                while True:
                    try:
                        self._lock.acquire(wait_seconds=1.0)
                        break
                    except IndexLocked as e:
                        self._waiting = f"waiting for the index lock: {e}"
                self._waiting = None
            self._components = self._builder(self.settings)
            self._start_jobs(self._components)
            log.info("index and models loaded")
        except Exception as e:  # reported by /readyz and every route that needs it
            self._error = f"{type(e).__name__}: {e}"
            log.error("loading failed: %s", self._error)

    def _start_jobs(self, parts: Components) -> None:
        """The upload jobs' runner; it takes up jobs a stopped or killed process left."""
        if self._jobs is None:
            keyword = parts.keyword
            self._jobs = JobManager(
                parts.index,
                self.settings.jobs_path,
                WRITE_LOCK,
                on_written=lambda: keyword.refresh(force=True),
            )
            self._jobs.start()

    @property
    def jobs(self) -> JobManager:
        self.components  # noqa: B018 - NotReady until loaded
        assert self._jobs is not None
        return self._jobs

    def stop(self, timeout: float = 3.0) -> None:
        """On shutdown: let the current batch of a job end (the next process finishes the
        job), then give up the index lock."""
        if self._jobs is not None:
            self._jobs.stop(timeout)
        if self._lock is not None:
            self._lock.release()
        self.close()

    def close(self) -> None:
        """Stop what this runtime built: the keyword poller, the answer pool, the local
        model process, the LLM client. Parts passed in are their owner's to close."""
        if self._owns_components and self._components is not None:
            self._components.close()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def components(self) -> Components:
        if self._components is not None:
            return self._components
        if self._error:
            raise NotReady(f"the service failed to load: {self._error}")
        if self._waiting:
            raise NotReady(self._waiting)
        raise NotReady("the index and models are still loading; retry in a few seconds")

    def readiness(self) -> tuple[bool, str]:
        """(ready, reason) for /readyz: loaded, and the store answers."""
        try:
            parts = self.components
        except NotReady as e:
            return False, str(e)
        try:
            parts.index.heartbeat()
        except Exception as e:
            return False, f"the vector store does not answer: {e}"
        return True, "ready"

    def model_process(self) -> ProcessStatus | None:
        """The state of the model process the LLM backend runs (llamacpp), if any."""
        parts = self._components
        chat = parts.chat if parts is not None else None
        return chat.process() if chat is not None else None
