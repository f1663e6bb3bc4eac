"""BM25 keyword search over every live chunk, kept in step with Chroma by its revision.

Chroma's own sparse search is not available outside its hosted deployment (FIELD.md), so
the keyword index lives in memory beside it. Several processes may write to one Chroma
server: before a search, at most every ``refresh_seconds``, the index compares
``Index.revision()`` with the revision it was built at and rebuilds when it changed.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

import bm25s
import numpy as np

from ingest.index import Filters, Index
from ingest.model import Chunk, epoch_of
from service.text import search_terms

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Snapshot:
    """One immutable build of the index; searches read whichever snapshot is current."""

    revision: str
    chunks: tuple[Chunk, ...]
    model: bm25s.BM25 | None
    chunk_doc: np.ndarray  # per chunk: position of its document in ``doc_ids``
    doc_ids: tuple[str, ...]
    doc_sources: tuple[str | None, ...]
    doc_published: np.ndarray  # per document: epoch seconds, NaN when undated

    def allowed(self, filters: Filters) -> np.ndarray:
        """Per chunk, whether it passes ``filters`` exactly as ``Filters.where()`` in Chroma."""
        ok = np.ones(len(self.doc_ids), dtype=bool)
        if filters.sources:
            wanted = set(filters.sources)
            ok &= np.array([s is not None and s in wanted for s in self.doc_sources], dtype=bool)
        if filters.doc_ids:
            wanted = set(filters.doc_ids)
            ok &= np.array([d in wanted for d in self.doc_ids], dtype=bool)
        # NaN compares False: an undated document never passes a date filter.
        with np.errstate(invalid="ignore"):
            if filters.published_after is not None:
                ok &= self.doc_published >= _epoch(filters.published_after)
            if filters.published_before is not None:
                ok &= self.doc_published <= _epoch(filters.published_before)
        return np.asarray(ok[self.chunk_doc], dtype=bool)


def _epoch(day: date) -> float:
    value = epoch_of(day)
    assert value is not None
    return float(value)


def _published_epoch(published: str | None) -> float:
    """Epoch seconds of an ISO date as stored on the document record; NaN when undated."""
    if not published:
        return float("nan")
    try:
        return _epoch(date.fromisoformat(published))
    except ValueError:
        return float("nan")


class KeywordIndex:
    """BM25 over the live chunks of an ``Index``; thread-safe, refreshed by revision."""

    def __init__(self, index: Index, refresh_seconds: float = 2.0) -> None:
        self.index = index
        self.refresh_seconds = refresh_seconds
        self._snapshot: _Snapshot | None = None
        self._checked = 0.0  # time.monotonic() of the last revision check
        self._build_lock = threading.Lock()

    @property
    def revision(self) -> str | None:
        """The index revision the current build reflects (``None`` before the first build)."""
        snapshot = self._snapshot
        return snapshot.revision if snapshot else None

    @property
    def chunk_count(self) -> int:
        """How many chunks the current build holds (0 before the first build)."""
        snapshot = self._snapshot
        return len(snapshot.chunks) if snapshot else 0

    def dated_documents(self) -> int:
        """How many documents of the current build state a publication date."""
        snapshot = self._current()
        return int(np.count_nonzero(~np.isnan(snapshot.doc_published)))

    def search(
        self, query: str, top_k: int, filters: Filters | None = None
    ) -> list[tuple[Chunk, float]]:
        """The ``top_k`` chunks with the best BM25 score for ``query`` (score > 0), best first."""
        snapshot = self._current()
        terms = search_terms(query)
        if snapshot.model is None or not terms or top_k <= 0:
            return []
        ids = snapshot.model.get_tokens_ids(terms)
        if not ids:
            return []
        scores = np.asarray(snapshot.model.get_scores_from_ids(ids), dtype=np.float64)
        if filters is not None:
            scores = np.where(snapshot.allowed(filters), scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if len(positive) > top_k:
            keep = np.argpartition(-scores[positive], top_k - 1)[:top_k]
            positive = positive[keep]
        # Best score first; ties in a fixed order (doc_id, chunk index).
        order = sorted(positive.tolist(), key=lambda i: (-scores[i], i))
        return [(snapshot.chunks[i], float(scores[i])) for i in order]

    def refresh(self, force: bool = False) -> bool:
        """Rebuild now if the store changed (or always, with ``force``); True if rebuilt.

        Blocks while another thread rebuilds. Searches never wait for this: they keep
        using the previous build until the new one is swapped in.
        """
        with self._build_lock:
            return self._refresh_locked(force)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None:
            with self._build_lock:
                if self._snapshot is None:
                    self._refresh_locked(force=True)
            assert self._snapshot is not None
            return self._snapshot
        if time.monotonic() - self._checked >= self.refresh_seconds:
            # One thread checks (and rebuilds); the others go on with the current build.
            if self._build_lock.acquire(blocking=False):
                try:
                    if time.monotonic() - self._checked >= self.refresh_seconds:
                        self._refresh_locked(force=False)
                except Exception:
                    # Keep serving the last good build; the next check retries.
                    log.exception("keyword index refresh failed; serving the previous build")
                finally:
                    self._build_lock.release()
        return self._snapshot or snapshot

    def _refresh_locked(self, force: bool) -> bool:
        self._checked = time.monotonic()
        revision = self.index.revision()
        current = self._snapshot
        if not force and current is not None and current.revision == revision:
            return False
        started = time.monotonic()
        # Read the revision before the data: a write during the build changes the
        # revision again, so the next check rebuilds.
        self._snapshot = self._build(revision)
        self._checked = time.monotonic()
        log.info(
            "keyword index built: %d chunks at revision %r in %.2f s",
            len(self._snapshot.chunks),
            revision,
            time.monotonic() - started,
        )
        return True

    def _build(self, revision: str) -> _Snapshot:
        records = {r.doc_id: r for r in self.index.iter_documents()}
        chunks = sorted(
            (c for c in self.index.iter_chunks() if c.doc_id in records),
            key=lambda c: (c.doc_id, c.index),
        )
        doc_ids = tuple(sorted({c.doc_id for c in chunks}))
        position = {d: i for i, d in enumerate(doc_ids)}
        published = [_published_epoch(records[d].published) for d in doc_ids]
        corpus = [search_terms(c.text) for c in chunks]
        model: bm25s.BM25 | None = None
        if any(corpus):  # bm25s cannot index a corpus without a single term
            model = bm25s.BM25()
            model.index(corpus, show_progress=False)
        return _Snapshot(
            revision=revision,
            chunks=tuple(chunks),
            model=model,
            chunk_doc=np.array([position[c.doc_id] for c in chunks], dtype=np.intp),
            doc_ids=doc_ids,
            doc_sources=tuple(records[d].source for d in doc_ids),
            doc_published=np.array(published, dtype=np.float64),
        )
