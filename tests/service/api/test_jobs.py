"""Upload jobs over real HTTP on real Chroma: a multi-record file is written in the background,
all or none; cancelled jobs put every document back; a server stopped (SIGTERM) or killed
(SIGKILL) mid-job is restarted and finishes it."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingest.embedding import LocalEmbedder
from ingest.model import Article
from ingest.pipeline import Ingestor
from service.api.app import create_app
from service.api.document_schemas import UploadResponse
from service.api.job_schemas import JobList, JobOut
from service.wiring import Components, build
from tests.conftest import ROOT, free_port
from tests.service.api.conftest import LiveServer, api_settings


def records(n: int, prefix: str = "r", words: int = 12) -> list[dict[str, Any]]:
    body = " ".join(f"word{k}" for k in range(words))
    return [
        {"id": f"{prefix}{i}", "text": f"Record {i} of the batch says {body}.", "source": "Wire"}
        for i in range(n)
    ]


def jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


def until(http: httpx.Client, job_id: str, done: Callable[[JobOut], bool]) -> JobOut:
    """Poll the job until ``done`` holds (bounded: a stuck job fails the test)."""
    deadline = time.monotonic() + 600
    while True:
        reply = http.get(f"/v1/jobs/{job_id}")
        assert reply.status_code == 200, reply.text
        job = JobOut.model_validate(reply.json())
        if done(job):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.1)


def finished(job: JobOut) -> bool:
    return job.state in ("succeeded", "cancelled", "failed")


@pytest.fixture
def parts(tmp_path: Path, embedder: LocalEmbedder) -> Iterator[Components]:
    with build(api_settings(tmp_path, max_upload_records=2000), embedder) as parts:
        yield parts


@pytest.fixture
def http(parts: Components) -> Iterator[httpx.Client]:
    with (
        LiveServer(create_app(parts.settings, parts)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        yield client


def test_a_multi_record_upload_is_a_job_that_writes_every_record(
    http: httpx.Client, parts: Components
) -> None:
    reply = http.post("/v1/documents", files={"file": ("forty.jsonl", jsonl(records(40)))})
    assert reply.status_code == 202, reply.text
    job = JobOut.model_validate(reply.json())
    assert reply.headers["location"] == f"/v1/jobs/{job.job_id}"
    assert (job.file, job.total, job.state) == ("forty.jsonl", 40, "queued")

    done = until(http, job.job_id, finished)
    assert (done.state, done.done, done.progress, done.errors) == ("succeeded", 40, 1.0, [])
    assert (done.counts.added, done.counts.updated, done.counts.unchanged) == (40, 0, 0)
    assert parts.index.stats()["documents"] == 40
    listed = JobList.model_validate(http.get("/v1/jobs").json())
    assert [j.job_id for j in listed.jobs] == [job.job_id]

    refused = http.delete(f"/v1/jobs/{job.job_id}")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        f"job {job.job_id} has already succeeded: nothing to cancel"
    )
    missing = http.get("/v1/jobs/nosuchjob")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no job with id 'nosuchjob'"


def test_one_article_is_still_written_at_once(http: httpx.Client) -> None:
    reply = http.post("/v1/documents", files={"file": ("one.jsonl", jsonl(records(1)))})
    assert reply.status_code == 201, reply.text
    assert [r.doc_id for r in UploadResponse.model_validate(reply.json()).results] == ["r0"]


def test_a_file_over_the_record_limit_is_413(
    parts: Components, embedder: LocalEmbedder, tmp_path: Path
) -> None:
    settings = parts.settings.model_copy(update={"max_upload_records": 5})
    small = dataclasses.replace(parts, settings=settings)
    with LiveServer(create_app(settings, small)) as server:
        reply = httpx.post(
            f"{server.url}/v1/documents", files={"file": ("six.json", json.dumps(records(6)))}
        )
    assert reply.status_code == 413
    assert reply.json()["error"]["message"] == (
        "six.json: file holds 6 articles, over the 5-article limit (NEWSQA_MAX_UPLOAD_RECORDS)"
    )
    assert parts.index.stats()["documents"] == 0


@pytest.mark.slow
def test_reads_and_writes_go_on_while_a_job_runs_and_cancel_undoes_it(
    http: httpx.Client, parts: Components
) -> None:
    Ingestor(parts.index).put(Article(doc_id="r5", text="The old text of record five."))
    before = parts.index.get_document("r5")

    reply = http.post("/v1/documents", files={"file": ("big.jsonl", jsonl(records(1500)))})
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["job_id"]
    until(http, job_id, lambda j: j.done > 0)

    # Reads and other writes are answered while the job is still running.
    assert http.post("/v1/search", json={"query": "record batch"}).status_code == 200
    assert http.get("/v1/documents", params={"limit": 5}).status_code == 200
    other = http.post("/v1/documents", json={"doc_id": "beside", "text": "Written beside."})
    assert other.status_code == 201, other.text
    busy = http.post("/v1/documents", json={"doc_id": "r900", "text": "Clash."})
    assert busy.status_code == 409
    assert "is being written by upload job" in busy.json()["error"]["message"]
    running = JobOut.model_validate(http.get(f"/v1/jobs/{job_id}").json())
    assert running.state == "running" and 0 < running.done < running.total

    cancelled = http.delete(f"/v1/jobs/{job_id}")
    assert cancelled.status_code == 202
    assert cancelled.json()["state"] == "cancelling"
    end = until(http, job_id, finished)
    assert end.state == "cancelled" and end.rolled_back >= end.done > 0
    # Every document the job touched is as it was: r5 has its old text, the new ids are gone.
    # (changed_ns is when it last changed, which a rollback is: the keyword index resyncs it)
    restored = parts.index.get_document("r5")
    assert restored is not None and before is not None
    assert dataclasses.replace(restored, changed_ns=0) == dataclasses.replace(before, changed_ns=0)
    ids = {r.doc_id for r in parts.index.iter_documents(include_deleting=True)}
    assert ids == {"r5", "beside"}


# ---- a real server process, stopped and killed mid-job ----------------------------------


class ServerProcess:
    """``python -m service serve`` on its own index, started and stopped for real."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        env = {**os.environ, "NEWSQA_DATA_DIR": str(self.data_dir), "NEWSQA_LLM": "extractive"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            assert self.proc.poll() is None and time.monotonic() < deadline, "no start"
            time.sleep(0.2)

    def signal(self, sig: int) -> float:
        """Send ``sig`` and wait for the process to end; the seconds it took."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_a_job_survives_sigterm_and_sigkill_and_is_finished_after_a_restart(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    server = ServerProcess(tmp_path / "index").start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            upload = jsonl(records(400))
            reply = http.post("/v1/documents", files={"file": ("big.jsonl", upload)})
            assert reply.status_code == 202, reply.text
            job_id = reply.json()["job_id"]
            until(http, job_id, lambda j: j.done > 0)
        stopped_in = server.signal(signal.SIGTERM)
        # uvicorn shuts down, then re-raises the signal: the exit status says SIGTERM.
        assert server.proc is not None and server.proc.returncode in (0, -signal.SIGTERM)

        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            resumed = until(http, job_id, lambda j: j.done > 0)
            assert resumed.state in ("running", "succeeded")
            until(http, job_id, lambda j: j.done >= resumed.done + 64 or finished(j))
        server.signal(signal.SIGKILL)

        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            end = until(http, job_id, finished)
            assert (end.state, end.done, end.errors) == ("succeeded", 400, [])
            # Counted against the index before the upload, however often it was resumed.
            assert (end.counts.added, end.counts.updated, end.counts.unchanged) == (400, 0, 0)
            total = http.get("/v1/documents", params={"limit": 1}).json()["total"]
            assert total == 400
    finally:
        server.kill()
    print(f"SIGTERM mid-job: the server stopped in {stopped_in:.1f} s")
