"""Domain errors of the read side. The HTTP edge maps them to status codes."""

from __future__ import annotations

from ingest.errors import DocumentNotFound, IndexMismatch, IndexUnavailable

__all__ = [
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
