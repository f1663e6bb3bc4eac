"""One writer per embedded index: an exclusive file lock in the data dir.

``python -m ingest`` and ``python -m service serve`` (embedded store) each hold it for as long
as they run, so a second one waits for it or fails with a message naming the holder. The
operating system releases the lock when its holder dies, even by ``kill -9``. With a Chroma
server (``CHROMA_HOST``) no lock is taken: see the README.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from pathlib import Path
from typing import IO

from ingest.errors import IngestError

LOCK_NAME = "newsqa-writer.lock"


class IndexLocked(IngestError):
    """Another process writes this index."""


class WriterLock:
    """The exclusive writer lock of the index in ``data_dir``."""

    def __init__(self, data_dir: Path, role: str) -> None:
        self.path = data_dir / LOCK_NAME
        self.role = role
        self._file: IO[str] | None = None

    def acquire(self, wait_seconds: float = 0.0) -> WriterLock:
        """Take the lock, waiting up to ``wait_seconds``; ``IndexLocked`` if another holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self.holder()
                    handle.close()
                    raise IndexLocked(self._message(holder)) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        info = {"pid": os.getpid(), "role": self.role, "since": time.time(),
                "command": " ".join(sys.argv)[:200]}  # fmt: skip
        handle.write(json.dumps(info))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the lock
            self._file = None

    def holder(self) -> dict[str, object]:
        """What the current holder wrote about itself (empty if unknown)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _message(self, holder: dict[str, object]) -> str:
        who = f"{holder.get('role', 'another process')} (pid {holder.get('pid', '?')})"
        advice = (
            "upload through its API (POST /v1/documents) or stop it first"
            if holder.get("role") == "server"
            else "wait for it to finish (or pass --wait SECONDS)"
        )
        return (
            f"the index in {self.path.parent} is being written by {who}: {advice}; one "
            "process at a time may write an embedded index"
        )

    def __enter__(self) -> WriterLock:
        return self if self._file is not None else self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()
