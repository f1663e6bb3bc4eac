"""Bodies of the /v1/jobs endpoints: an upload job, as POST /v1/documents (202) and
GET /v1/jobs/{job_id} give it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from service.job_journal import Job

JobStateOut = Literal[
    "queued", "running", "cancelling", "rolling_back", "succeeded", "cancelled", "failed"
]


def _time(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


class JobCounts(BaseModel):
    """What the records written so far did."""

    added: int = Field(description="Records that added a new document.")
    updated: int = Field(description="Records that replaced a document.")
    unchanged: int = Field(description="Records identical to what was indexed.")


class JobOut(BaseModel):
    """An upload being written in the background, all or none."""

    job_id: str = Field(description="The job's id, for GET and DELETE /v1/jobs/{job_id}.")
    file: str = Field(description="The uploaded file's name.")
    state: JobStateOut = Field(
        description="`queued`, `running` (records are being written), `cancelling` (a cancel "
        "was asked for), `rolling_back` (undoing what it wrote), then one of the final states: "
        "`succeeded` (every record written), `cancelled` or `failed` (every document the job "
        "touched is back as it was before the upload; `errors` says why it failed)."
    )
    total: int = Field(description="Articles in the file.")
    done: int = Field(description="Articles written so far.")
    progress: float = Field(description="done / total, from 0 to 1.")
    counts: JobCounts = Field(description="What the written articles did.")
    rolled_back: int = Field(description="Documents put back as they were (after a rollback).")
    errors: list[str] = Field(description="What went wrong, if anything.")
    created: datetime = Field(description="When the upload was accepted (UTC).")
    started: datetime | None = Field(description="When writing began.")
    finished: datetime | None = Field(description="When the job reached its final state.")

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(
            job_id=job.job_id,
            file=job.file,
            state=job.state,
            total=job.total,
            done=job.done,
            progress=round(job.done / job.total, 4) if job.total else 1.0,
            counts=JobCounts(added=job.added, updated=job.updated, unchanged=job.unchanged),
            rolled_back=job.rolled_back,
            errors=job.errors,
            created=_time(job.created) or datetime.now(UTC),
            started=_time(job.started),
            finished=_time(job.finished),
        )


class JobList(BaseModel):
    """The jobs of this index, oldest first (the last 100 finished ones are kept)."""

    jobs: list[JobOut] = Field(description="The jobs.")
