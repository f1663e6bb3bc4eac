"""Domain errors of the write side. Callers at the edge turn them into messages or HTTP codes."""

from __future__ import annotations


class IngestError(Exception):
    """Base class of everything ingest refuses or fails at."""


class BadInput(IngestError):
    """A file or record cannot be ingested; ``reason`` says why in one line."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class IndexMismatch(IngestError):
    """The index on disk was built with settings that do not match the current ones."""


class IndexUnavailable(IngestError):
    """The vector store cannot be reached or opened."""


class DocumentNotFound(IngestError):
    """No document with that id is indexed."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"no document with id {doc_id!r}")
        self.doc_id = doc_id
