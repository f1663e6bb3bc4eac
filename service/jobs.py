"""Upload jobs: a multi-record file, validated whole, written in the background, all or none.

A job's records were all validated before the job was made (``DocumentService``), so writing
can only fail for outside reasons (the store down). It is written in batches, each through
``Ingestor.put`` under the process's write lock, so other writes wait at most one batch and
reads never wait. Before each batch, the rollback list gets what its documents were before
(``job_journal``). Then:

* finished: ``succeeded``;
* cancelled (``DELETE /v1/jobs/{id}``), or failed past its retries: every document the job
  touched is put back as it was (written back, or deleted if it was new): ``cancelled`` or
  ``failed``, and the index is as before the upload;
* stopped (SIGTERM) or killed: the job stays ``running`` in the journal, and the next process
  to serve the index finishes it (already-written records are unchanged, so nothing is
  written twice). A rollback cut short is taken up the same way.

While a job runs, its documents become searchable batch by batch; "all or none" is about how
every job ends. One job runs at a time per jobs folder (a file lock), whichever process runs
it; any process sharing the folder reports and cancels it.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.errors import DocumentNotFound, IngestError
from ingest.index import Index
from ingest.model import Article
from ingest.pipeline import Ingestor, Outcome
from service.job_journal import FINAL, Job, JobJournal, JobNotFound

log = logging.getLogger("newsqa.jobs")

BATCH_RECORDS = 64  # records per batch: the most a cancel, a stop or another write waits for
BATCH_CHARS = 200_000
RETRIES = 3
IDLE_SECONDS = 5.0  # how often an idle runner looks for jobs left by a process that died


class JobConflict(Exception):
    """A job cannot do what was asked in its current state."""


class JobManager:
    """Runs the jobs of one jobs folder in a background thread of this process."""

    def __init__(
        self,
        index: Index,
        root: Path,
        write_lock: threading.Lock,
        on_written: Callable[[], object] = lambda: None,
    ) -> None:
        self.index = index
        self.journal = JobJournal(root)
        self._write_lock = write_lock
        self._on_written = on_written  # e.g. refresh the keyword index
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running: tuple[str, frozenset[str]] | None = None  # (job id, its doc ids)

    # ---- what routes call --------------------------------------------------------------

    def submit(self, file: str, articles: Sequence[Article]) -> Job:
        """A queued job for ``articles`` (already validated); it starts in the background."""
        job = self.journal.create(file, list(articles))
        self._wake.set()
        return job

    def get(self, job_id: str) -> Job:
        return self._view(self.journal.load(job_id))

    def all(self) -> list[Job]:
        return [self._view(j) for j in self.journal.jobs()]

    def _view(self, job: Job) -> Job:
        """A job as reported: a cancel asked for and not yet seen by the runner shows."""
        if job.state in ("queued", "running") and self.journal.cancel_requested(job.job_id):
            job.state = "cancelling"
        return job

    def cancel(self, job_id: str) -> Job:
        """Ask for a job to stop and undo what it wrote; ``JobConflict`` once it has ended."""
        job = self.journal.load(job_id)
        if job.state in FINAL:
            raise JobConflict(f"job {job_id} has already {job.state}: nothing to cancel")
        self.journal.request_cancel(job_id)
        self._wake.set()
        return self._view(job)

    def owner_of(self, doc_id: str) -> str | None:
        """The id of the job this process is writing ``doc_id`` in, if any."""
        running = self._running
        return running[0] if running and doc_id in running[1] else None

    # ---- the runner --------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="newsqa-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current batch; an unfinished job is taken up by the next process."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_pending(self) -> bool:
        """Run every job that is not finished, if no other runner holds the folder; True if
        this process ran them. (The background thread calls this; tests may too.)"""
        with open(self.journal.root / ".runner.lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            for job in self.journal.jobs():
                if self._stop.is_set():
                    break
                if job.state not in FINAL:
                    self._run(job)
            self.journal.prune()
            return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_pending()
            except Exception:
                log.exception("the job runner failed; retrying")
            self._wake.wait(IDLE_SECONDS)

    def _run(self, job: Job) -> None:
        articles = self.journal.articles(job.job_id)
        self._running = (job.job_id, frozenset(a.doc_id for a in articles))
        try:
            if job.state in ("queued", "running"):
                self._write(job, articles)
            if job.state in ("cancelling", "rolling_back"):
                self._roll_back(job)
        finally:
            self._running = None

    def _write(self, job: Job, articles: list[Article]) -> None:
        job.state, job.started = "running", job.started or time.time()
        self.journal.save(job)
        ingestor = Ingestor(self.index)
        # doc_id -> whether it existed before the job: a record written before a crash and
        # found "unchanged" or "updated" on the re-run still counts as added.
        saved = {d: a is not None for d, a in self.journal.priors(job.job_id).items()}
        while job.done < len(articles):
            if self._stop.is_set():
                return  # still "running": the next process finishes it
            if self.journal.cancel_requested(job.job_id):
                job.state = "cancelling"
                break
            batch = _next_batch(articles, job.done)
            try:
                self._write_batch(job, batch, ingestor, saved)
            except IngestError as e:
                job.errors.append(f"writing records {job.done + 1}-{job.done + len(batch)}: {e}")
                job.state = "rolling_back"
                break
            self.journal.save(job)
        else:
            job.state, job.finished = "succeeded", time.time()
        self.journal.save(job)
        self._on_written()

    def _write_batch(
        self, job: Job, batch: list[Article], ingestor: Ingestor, saved: dict[str, bool]
    ) -> None:
        """Save the batch's prior state, then write it (retried: writes are idempotent)."""
        for attempt in range(RETRIES):
            try:
                new = [a.doc_id for a in batch if a.doc_id not in saved]
                if new:
                    before = self.index.get_documents(new, with_text=True)
                    self.journal.add_priors(job.job_id, {d: before.get(d) for d in new})
                    saved.update({d: d in before for d in new})
                with self._write_lock:
                    outcomes = [ingestor.put(a)[0] for a in batch]
                break
            except IngestError:
                if attempt + 1 == RETRIES:
                    raise
                time.sleep(1.0 * (attempt + 1))
        for article, outcome in zip(batch, outcomes, strict=True):
            _count(job, outcome if saved[article.doc_id] else "added")
        job.done += len(batch)

    def _roll_back(self, job: Job) -> None:
        """Put every document the job touched back as it was; resumable, idempotent."""
        cancelled = job.state == "cancelling" or self.journal.cancel_requested(job.job_id)
        job.state = "rolling_back"
        self.journal.save(job)
        ingestor = Ingestor(self.index)
        restored = 0
        for doc_id, article in self.journal.priors(job.job_id).items():
            if self._stop.is_set():
                return  # still "rolling_back": the next process goes on
            try:
                with self._write_lock:
                    # Deleted first even when it is written back: Chroma's upsert keeps
                    # metadata keys the new record lacks (a source the job set would stay).
                    try:
                        self.index.delete_document(doc_id)
                    except DocumentNotFound:
                        pass
                    if article is not None:
                        ingestor.put(article)
            except IngestError as e:
                job.errors.append(f"rolling back {doc_id}: {e}; retried by the next run")
                self.journal.save(job)
                return
            restored += 1
        job.rolled_back = restored
        job.state = "cancelled" if cancelled else "failed"
        job.finished = time.time()
        self.journal.save(job)
        self._on_written()


def _next_batch(articles: list[Article], start: int) -> list[Article]:
    batch: list[Article] = []
    size = 0
    for article in articles[start : start + BATCH_RECORDS]:
        if batch and size + len(article.text) > BATCH_CHARS:
            break
        batch.append(article)
        size += len(article.text)
    return batch


def _count(job: Job, outcome: Outcome) -> None:
    if outcome == "added":
        job.added += 1
    elif outcome == "updated":
        job.updated += 1
    else:
        job.unchanged += 1


__all__ = ["Job", "JobConflict", "JobManager", "JobNotFound"]
