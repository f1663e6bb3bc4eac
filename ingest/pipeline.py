"""Hash, diff, upsert, prune: bring the index in line with a set of files or articles.

Idempotent (an unchanged document is skipped by its content hash) and crash-safe (every
write goes through ``Index.write_document``, whose ordering makes a re-run converge).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ingest.chunking import chunk_sentences
from ingest.errors import BadInput
from ingest.index import DELETING, READY, Index, Write
from ingest.loaders import find_files, load_file
from ingest.model import Article, Chunk
from ingest.sentences import split_sentences

# Bump when sentence splitting or chunking changes, so every document is re-chunked.
CHUNKER_VERSION = "2"  # 2: sentences longer than a chunk are cut at word boundaries

Outcome = Literal["added", "updated", "unchanged"]


@dataclass
class IngestReport:
    """What one run did. ``summary()`` is the ``--json`` object."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[BadInput] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    seconds: float = 0.0
    chunks_written: int = 0

    def record(self, doc_id: str, outcome: Outcome) -> None:
        getattr(self, outcome).append(doc_id)

    def summary(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "failed": [{"path": f.where, "error": f.reason} for f in self.failed],
            "documents": self.documents,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }

    def line(self) -> str:
        """One human line."""
        rate = self.chunks_written / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.failed)} failed; index holds {self.documents} documents, "
            f"{self.chunks} chunks ({self.seconds:.1f} s, {rate:.0f} chunks/s written)"
        )


class Ingestor:
    """Writes articles into an ``Index`` with the settings' chunking."""

    def __init__(self, index: Index) -> None:
        self.index = index
        settings = index.settings
        self._size = settings.chunk_size
        self._overlap = settings.chunk_overlap
        embedder = index.embedder.name if index.embedder else "none"
        self._salt = f"chunker={CHUNKER_VERSION};size={self._size};overlap={self._overlap};"
        self._salt += f"embedding={embedder}"

    def chunk(self, article: Article) -> list[Chunk]:
        spans = split_sentences(article.text)
        return chunk_sentences(article.doc_id, article.text, spans, self._size, self._overlap)

    def put(self, article: Article) -> tuple[Outcome, int]:
        """Add or replace one article unless it is unchanged; returns outcome and chunks."""
        return self.put_many([article])[0]

    def put_many(self, articles: Sequence[Article]) -> list[tuple[Outcome, int]]:
        """Add or replace several articles (distinct ids) unless unchanged: one read of their
        records, then the changed ones chunked, embedded and written as one batch. Returns
        each article's outcome and chunks written, in order."""
        hashes = [a.content_hash(self._salt) for a in articles]
        existing = self.index.get_documents([a.doc_id for a in articles])
        results: list[tuple[Outcome, int]] = []
        writes: list[Write] = []
        for article, content_hash in zip(articles, hashes, strict=True):
            known = existing.get(article.doc_id)
            if known and known.state == READY and known.content_hash == content_hash:
                results.append(("unchanged", 0))
                continue
            chunks = self.chunk(article)
            writes.append(Write(article, chunks, content_hash))
            results.append(("updated" if known else "added", len(chunks)))
        self.index.write_documents(writes)
        return results

    def finish_deletions(self) -> list[str]:
        """Complete deletions that an earlier run or process was interrupted in."""
        pending = [
            r.doc_id
            for r in self.index.iter_documents(include_deleting=True)
            if r.state == DELETING
        ]
        for doc_id in pending:
            self.index.delete_document(doc_id)
        return pending

    def sync_paths(
        self,
        paths: Sequence[Path],
        prune: bool = False,
        progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None,
    ) -> IngestReport:
        """Ingest files and folders; with ``prune``, drop documents whose files are gone."""
        started = time.monotonic()
        report = IngestReport()
        self.finish_deletions()
        files, report.failed = find_files(paths)
        seen: dict[str, str] = {}
        pending: list[Article] = []
        # Embed across documents: a batch holds about ingest_batch_chunks chunks' text.
        budget = self.index.settings.ingest_batch_chunks * (self._size - self._overlap)
        size = 0

        def flush() -> None:
            nonlocal size
            for article, (outcome, written) in zip(pending, self.put_many(pending), strict=True):
                report.record(article.doc_id, outcome)
                report.chunks_written += written
            pending.clear()
            size = 0

        for path in progress(files) if progress else files:
            try:
                articles = load_file(path, self.index.settings.max_file_bytes)
            except BadInput as e:
                report.failed.append(e)
                continue
            for article in articles:
                first = seen.get(article.doc_id)
                if first is not None:
                    report.failed.append(
                        BadInput(
                            str(path),
                            f"duplicate document id {article.doc_id!r} (already read from "
                            f"{first}); rename one of the files or set an 'id'",
                        )
                    )
                    continue
                seen[article.doc_id] = str(path)
                pending.append(replace(article, path=str(path.resolve())))
                size += len(article.text)
                if size >= budget:
                    flush()
        flush()
        if prune:
            report.removed = self.prune(paths, set(seen))
        stats = self.index.stats()
        report.documents, report.chunks = stats["documents"], stats["chunks"]
        report.seconds = time.monotonic() - started
        return report

    def prune(self, roots: Sequence[Path], seen: set[str]) -> list[str]:
        """Delete documents read from files under ``roots`` that this run did not see."""
        resolved = [r.resolve() for r in roots]
        removed = []
        for record in list(self.index.iter_documents(include_deleting=True)):
            if record.doc_id in seen or record.path is None:
                continue
            path = Path(record.path).resolve()
            under = any(path == r or r in path.parents for r in resolved)
            if under or not path.exists():
                self.index.delete_document(record.doc_id)
                removed.append(record.doc_id)
        return sorted(removed)
