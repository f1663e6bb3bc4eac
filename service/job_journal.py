"""The upload jobs' journal: one folder per job under the jobs dir, plain files.

``<jobs_dir>/<job_id>/``:

* ``job.json``: the job's state and counts (``Job``), replaced atomically after each batch;
* ``records.jsonl``: the validated articles, written once before the job is visible;
* ``prior.jsonl``: the rollback list, one line per document the job is about to write, saying
  what that document was before (absent, or its full text and metadata). Appended and
  fsynced *before* each batch is written, so whatever the job wrote can be undone;
* ``cancel``: present once a cancellation was asked for (by any process).

A job folder appears by an atomic rename, so a reader never sees half a job. Several
processes serving one index share the folder: any of them can report or cancel a job.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ingest.index import DocumentRecord
from ingest.model import Article, Metadata

JobState = Literal[
    "queued", "running", "cancelling", "rolling_back", "succeeded", "cancelled", "failed"
]
FINAL: frozenset[str] = frozenset({"succeeded", "cancelled", "failed"})
KEEP_FINISHED = 100  # finished jobs kept for GET /v1/jobs; older ones are removed


class JobNotFound(Exception):
    """No job with that id."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job with id {job_id!r}")
        self.job_id = job_id


@dataclass
class Job:
    """One upload being written (or written, or undone)."""

    job_id: str
    file: str
    total: int
    state: JobState = "queued"
    done: int = 0  # records written so far
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rolled_back: int = 0  # documents restored to what they were before the job
    errors: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None


def article_to_json(article: Article) -> dict[str, Any]:
    meta = article.meta
    return {"doc_id": article.doc_id, "text": article.text, "title": meta.title,
            "source": meta.source, "authors": list(meta.authors), "place": meta.place,
            "dateline": meta.dateline, "published": article.published_iso, "url": meta.url,
            "path": article.path}  # fmt: skip


def article_from_json(data: dict[str, Any]) -> Article:
    published = data.get("published")
    meta = Metadata(
        title=data.get("title"),
        source=data.get("source"),
        authors=tuple(data.get("authors") or ()),
        place=data.get("place"),
        dateline=data.get("dateline"),
        published=date.fromisoformat(published) if published else None,
        url=data.get("url"),
    )
    return Article(doc_id=data["doc_id"], text=data["text"], meta=meta, path=data.get("path"))


def article_of(record: DocumentRecord) -> Article:
    """The article a stored document was written from (to write it back on a rollback)."""
    return article_from_json({**asdict(record), "text": record.text or ""})


class JobJournal:
    """The jobs folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def create(self, file: str, articles: list[Article]) -> Job:
        """A new queued job holding ``articles``, visible all at once."""
        job = Job(job_id=uuid.uuid4().hex[:16], file=file, total=len(articles))
        staging = self.root / f".new-{job.job_id}"
        staging.mkdir()
        with open(staging / "records.jsonl", "w", encoding="utf-8") as out:
            for article in articles:
                out.write(json.dumps(article_to_json(article), ensure_ascii=False) + "\n")
            _sync(out)
        _write_json(staging / "job.json", asdict(job))
        os.rename(staging, self.root / job.job_id)
        return job

    def load(self, job_id: str) -> Job:
        path = self._dir(job_id) / "job.json"
        try:
            return Job(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise JobNotFound(job_id) from None

    def save(self, job: Job) -> None:
        _write_json(self._dir(job.job_id) / "job.json", asdict(job))

    def jobs(self) -> list[Job]:
        """Every job, oldest first."""
        found = []
        for entry in self.root.iterdir():
            if entry.is_dir() and not entry.name.startswith("."):
                try:
                    found.append(self.load(entry.name))
                except (JobNotFound, ValueError, TypeError):
                    continue  # a folder being removed, or not a job
        return sorted(found, key=lambda j: (j.created, j.job_id))

    def articles(self, job_id: str) -> list[Article]:
        with open(self._dir(job_id) / "records.jsonl", encoding="utf-8") as lines:
            return [article_from_json(json.loads(line)) for line in lines if line.strip()]

    def add_priors(self, job_id: str, before: dict[str, DocumentRecord | None]) -> None:
        """Append what these documents were before the job writes them (None: absent)."""
        with open(self._dir(job_id) / "prior.jsonl", "a", encoding="utf-8") as out:
            for doc_id, record in before.items():
                entry: dict[str, Any] = {"doc_id": doc_id, "article": None}
                if record is not None:
                    entry["article"] = article_to_json(article_of(record))
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            _sync(out)

    def priors(self, job_id: str) -> dict[str, Article | None]:
        """The rollback list: doc_id -> the article to restore, or None to delete it. A line
        cut short by a crash is ignored (its batch was not written yet)."""
        out: dict[str, Article | None] = {}
        path = self._dir(job_id) / "prior.jsonl"
        if not path.exists():
            return out
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry["doc_id"] not in out:  # the first entry is the state before the job
                data = entry["article"]
                out[entry["doc_id"]] = article_from_json(data) if data else None
        return out

    def request_cancel(self, job_id: str) -> None:
        (self._dir(job_id) / "cancel").touch()

    def cancel_requested(self, job_id: str) -> bool:
        return (self._dir(job_id) / "cancel").exists()

    def prune(self) -> None:
        """Remove the oldest finished jobs beyond ``KEEP_FINISHED``."""
        finished = [j for j in self.jobs() if j.state in FINAL]
        for job in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            shutil.rmtree(self._dir(job.job_id), ignore_errors=True)

    def _dir(self, job_id: str) -> Path:
        if not job_id.isalnum():
            raise JobNotFound(job_id)
        return self.root / job_id


def _sync(handle: Any) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically: readers see the old or the new file, never half."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)
        _sync(out)
    os.replace(temporary, path)
