"""Documents as a feature: list, read, delete, and add uploaded files or JSON records.

Uploads go through the same loaders and pipeline as ``python -m ingest``: one file is parsed
and validated completely (all of its articles) before anything is written, so bad input never
changes the index. A file of one article is written at once; a file of several is handed to
a background job (``service.jobs``), all or none. Everything here blocks (parsing, embedding,
Chroma): callers on an event loop run it in a thread.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest.errors import BadInput
from ingest.index import READY, DocumentRecord
from ingest.json_records import load_record
from ingest.loaders import SUPPORTED_SUFFIXES, load_bytes
from ingest.model import Article
from ingest.pipeline import Ingestor, Outcome
from service.errors import DocumentBusy
from service.jobs import Job, JobManager
from service.wiring import Components

# Ingestor.put reads, then writes: two writers of one id at once could leave a document
# record pointing at chunks the other deleted. Writes in this process take turns (upload
# jobs take it one batch at a time).
WRITE_LOCK = threading.Lock()

BODY = "body"  # how messages name a JSON request body


class UnsupportedFileType(BadInput):
    """An upload whose name has no extension, or one the loaders do not read."""


class UploadTooLarge(BadInput):
    """An upload (or a JSON body's text) over ``max_file_bytes``, or a file of more records
    than ``max_upload_records``."""


@dataclass(frozen=True)
class DocumentPage:
    """One page of the ready documents, sorted by id, and how many there are in all."""

    documents: list[DocumentRecord]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class IngestResult:
    """What adding one article did."""

    doc_id: str
    status: Outcome
    chunks: int


def upload_name(filename: str | None) -> str:
    """The base name of a client-supplied file name (a path in it is dropped)."""
    return PurePosixPath((filename or "").replace("\\", "/")).name


def default_doc_id(text: str) -> str:
    """The id of a JSON record that states none: a short hash of its text."""
    return "doc-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _over(what: str, n: int, limit: int) -> str:
    return f"{what} is {n:,} bytes, over the {limit:,}-byte limit (NEWSQA_MAX_FILE_BYTES)"


class DocumentService:
    """The documents of one index, with the settings' size limit and keyword refresh."""

    def __init__(self, components: Components, jobs: JobManager | None = None) -> None:
        self.index = components.index
        self.keyword = components.keyword
        self.max_bytes = components.settings.max_file_bytes
        self.max_records = components.settings.max_upload_records
        self.jobs = jobs

    # ---- reads -----------------------------------------------------------------------

    def page(self, offset: int, limit: int) -> DocumentPage:
        """Ready documents ``offset .. offset+limit`` by id, and the total, from one scan."""
        records = sorted(
            (r for r in self.index.iter_documents() if r.state == READY), key=lambda r: r.doc_id
        )
        return DocumentPage(records[offset : offset + limit], len(records), offset, limit)

    def get(self, doc_id: str) -> DocumentRecord:
        """One document with its full original text; ``DocumentNotFound`` when unknown."""
        return self.index.get_document(doc_id, with_text=True)

    # ---- writes ----------------------------------------------------------------------

    def delete(self, doc_id: str) -> None:
        """Remove a document and its chunks; ``DocumentNotFound`` when unknown."""
        self._check_free([doc_id])
        with WRITE_LOCK:
            self.index.delete_document(doc_id)
        self.keyword.refresh(force=True)

    def add_file(self, filename: str | None, data: bytes) -> list[IngestResult] | Job:
        """The articles of an uploaded file, added or replaced: at once for one article, as a
        background job (returned queued) for a .json/.jsonl file of several."""
        name = upload_name(filename)
        if not name:
            raise BadInput("file", "the upload has no file name; the name gives its type and id")
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            reason = (
                f"unsupported file type {suffix!r}" if suffix else "no file extension"
            ) + f" (supported: {supported})"
            raise UnsupportedFileType(name, reason)
        if len(data) > self.max_bytes:
            raise UploadTooLarge(name, _over("file", len(data), self.max_bytes))
        articles = load_bytes(name, data, self.max_bytes)
        if len(articles) > self.max_records:
            raise UploadTooLarge(
                name,
                f"file holds {len(articles):,} articles, over the {self.max_records:,}-article "
                "limit (NEWSQA_MAX_UPLOAD_RECORDS)",
            )
        if len(articles) > 1 and self.jobs is not None:
            self._check_free([a.doc_id for a in articles])
            return self.jobs.submit(name, articles)
        return self._put(articles)

    def add_record(self, record: Mapping[str, object]) -> list[IngestResult]:
        """One article from a JSON object; with no ``id``, the id is a hash of its text."""
        text = record.get("text")
        size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else 0
        if size > self.max_bytes:
            raise UploadTooLarge(BODY, _over("'text'", size, self.max_bytes))
        default = default_doc_id(text) if isinstance(text, str) else None
        return self._put([load_record(record, BODY, default)])

    def _check_free(self, doc_ids: Sequence[str]) -> None:
        """``DocumentBusy`` if a running upload job of this process is writing one of them."""
        if self.jobs is None:
            return
        for doc_id in doc_ids:
            if job_id := self.jobs.owner_of(doc_id):
                raise DocumentBusy(doc_id, job_id)

    def _put(self, articles: Sequence[Article]) -> list[IngestResult]:
        self._check_free([a.doc_id for a in articles])
        ingestor = Ingestor(self.index)
        results = []
        with WRITE_LOCK:
            for article in articles:
                outcome, chunks = ingestor.put(article)
                if outcome == "unchanged":  # put() counts chunks written: report the stored ones
                    stored = self.index.get_documents([article.doc_id]).get(article.doc_id)
                    chunks = stored.chunks if stored else 0
                results.append(IngestResult(article.doc_id, outcome, chunks))
        if any(r.status != "unchanged" for r in results):
            self.keyword.refresh(force=True)
        return results
