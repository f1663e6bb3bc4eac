"""Domain errors of the read side. The HTTP edge maps them to status codes."""

from __future__ import annotations

from ingest.errors import DocumentNotFound, IndexMismatch, IndexUnavailable

__all__ = [
    "DocumentBusy",
    "DocumentNotFound",
    "IndexMismatch",
    "IndexUnavailable",
    "InvalidRequest",
    "LLMUnavailable",
    "PromptError",
    "ServiceError",
]


class ServiceError(Exception):
    """Base class of read-side failures."""


class LLMUnavailable(ServiceError):
    """The language model could not be reached, timed out, or failed; ``reason`` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PromptError(ServiceError):
    """A prompt template is missing, or rendered with missing or unknown variables."""


class InvalidRequest(ServiceError):
    """The question or its options cannot be answered as given; the message says why."""


class DocumentBusy(ServiceError):
    """A document that a running upload job is writing; a write of it now would be undone by
    that job's rollback, or undo the job's write."""

    def __init__(self, doc_id: str, job_id: str) -> None:
        super().__init__(
            f"document {doc_id!r} is being written by upload job {job_id}; retry when the job "
            f"has finished (GET /v1/jobs/{job_id})"
        )
        self.doc_id, self.job_id = doc_id, job_id
