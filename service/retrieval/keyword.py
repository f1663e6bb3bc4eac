"""BM25 keyword search over every live chunk, kept in step with Chroma incrementally.

Chroma's own sparse search is not available outside its hosted deployment (FIELD.md), so
the keyword index lives in memory beside it (``bm25.IncrementalBM25``: exact BM25 that
grows and shrinks a chunk at a time). Several processes may write to one Chroma server: a
background thread checks ``Index.revision()`` every ``refresh_seconds`` and, when it
changed, reads only the documents changed since (their ``changed_ns``, with a margin for
writers' clocks and writes in flight) and the ids of all documents (for deletions), then
swaps those documents' chunks in. Nothing is rebuilt whole after the first build.

Each chunk's stored embedding is kept too, so that the retriever scores a keyword-only hit
without another store round trip, and finds the dense candidates by an exact search over
them (``nearest_hits``) instead of Chroma's approximate HNSW query, which misses most of
the true neighbours of a question in a large corpus of similar articles (docs/benchmarks.md).
The data itself (BM25, slots, filter fields) is ``keyword_state.KeywordState``; this module
decides when to read the store and holds the lock.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.errors import IndexUnavailable
from ingest.index import DELETING, DocumentRecord, Filters, Index, LiveChunk
from ingest.model import Chunk
from service.retrieval.keyword_state import KeywordState
from service.text import search_terms

log = logging.getLogger(__name__)

# Records changed this long before the newest change seen are read again at each sync:
# a writer whose clock is behind, or whose write was in flight, is not missed.
CLOCK_MARGIN_NS = 30 * 1_000_000_000
# Documents whose chunks the first build reads and indexes at a time.
BUILD_BATCH = 500
# Compact (renumber the live slots) once dead slots are this many and outnumber live ones.
COMPACT_AFTER = 1024


@dataclass(frozen=True)
class KeywordHit:
    """A BM25 hit: the chunk, its score, its generation and its stored embedding."""

    chunk: Chunk
    score: float
    generation: str
    vector: np.ndarray


class KeywordIndex:
    """BM25 over the live chunks of an ``Index``; thread-safe, followed incrementally."""

    def __init__(self, index: Index, refresh_seconds: float = 2.0) -> None:
        self.index = index
        self.refresh_seconds = refresh_seconds
        self._state: KeywordState | None = None
        self._revision: str | None = None
        self._watermark = 0  # the newest changed_ns seen in the store
        self._lock = threading.Lock()  # the state: searches and mutations
        self._sync_lock = threading.Lock()  # one sync at a time
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._local_seen = -1  # the index's local_writes the state reflects
        self.last_sync_seconds = 0.0

    @property
    def revision(self) -> str | None:
        """The index revision the current state reflects (``None`` before the first build)."""
        return self._revision

    @property
    def chunk_count(self) -> int:
        """How many live chunks the index holds (0 before the first build)."""
        state = self._state
        return state.bm25.live if state else 0

    def dated_documents(self) -> int:
        """How many documents of the current state give a publication date."""
        state = self._current()
        with self._lock:
            n = len(state.doc_ids)
            alive = state.doc_alive[:n]
            return int(np.count_nonzero(alive & ~np.isnan(state.doc_published[:n])))

    def search(
        self, query: str, top_k: int, filters: Filters | None = None
    ) -> list[tuple[Chunk, float]]:
        """The ``top_k`` chunks with the best BM25 score for ``query`` (score > 0), best first."""
        return [(h.chunk, h.score) for h in self.search_hits(query, top_k, filters)]

    def search_hits(
        self, query: str, top_k: int, filters: Filters | None = None
    ) -> list[KeywordHit]:
        """``search``, with each hit's generation and stored embedding."""
        state = self._current()
        terms = search_terms(query)
        if not terms or top_k <= 0:
            return []
        with self._lock:
            scores = state.bm25.scores(terms)
            positive = np.flatnonzero(scores > 0)
            if filters is not None and len(positive):
                positive = positive[state.allowed(positive, filters)]
            if len(positive) > top_k:
                keep = np.argpartition(-scores[positive], top_k - 1)[:top_k]
                positive = positive[keep]
            return _hits(state, positive, scores[positive])

    def nearest_hits(
        self, vector: Sequence[float], top_k: int, filters: Filters | None = None
    ) -> list[KeywordHit]:
        """The ``top_k`` live chunks whose stored embeddings are nearest to ``vector`` (exact
        cosine over every chunk held, in memory), best first; a hit's score is its cosine."""
        state = self._current()
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        if norm:
            query = query / norm
        with self._lock:
            return _hits(state, *state.nearest(query, top_k, filters))

    def refresh(self, force: bool = False) -> bool:
        """Bring the index up to date now if the store changed (or check anyway, with
        ``force``); True if anything changed. Searches never wait for the store reads."""
        with self._sync_lock:
            return self._refresh_held(force)

    def catch_up(self) -> bool:
        """``refresh``, for a search that found the state behind the store: True if anything
        changed. It never waits: when a sync is already under way, or the store fails (the
        failure is logged), the current state is served and the background thread goes on."""
        if not self._sync_lock.acquire(blocking=False):
            return False
        try:
            return self._refresh_held(force=False)
        except IndexUnavailable as e:
            log.warning("keyword index could not catch up with the store: %s", e)
            return False
        finally:
            self._sync_lock.release()

    def rebuild(self) -> None:
        """Read everything again and replace the state (for tests and repairs)."""
        with self._sync_lock:
            self._build()

    @property
    def following(self) -> bool:
        """Whether the background thread that follows the store is running."""
        return self._poller is not None and self._poller.is_alive()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the background thread (waiting up to ``timeout`` seconds for it)."""
        self._stop.set()
        poller = self._poller
        if poller is not None and poller is not threading.current_thread():
            poller.join(timeout)

    # ---- internals -------------------------------------------------------------------

    def _current(self) -> KeywordState:
        if self._state is None:
            self.refresh()
        elif self.index.local_writes != self._local_seen:
            self.catch_up()  # written through this process' index: no need to wait a poll
        state = self._state
        assert state is not None
        if self._poller is None:
            self._start_poller()
        return state

    def _start_poller(self) -> None:
        with self._sync_lock:
            if self._poller is not None:
                return
            ref = weakref.ref(self)
            self._poller = threading.Thread(
                target=_poll,
                args=(ref, self._stop, self.refresh_seconds),
                daemon=True,
                name="newsqa-keyword-sync",
            )
            self._poller.start()

    def _refresh_held(self, force: bool) -> bool:
        """``refresh`` under the sync lock."""
        seen = self.index.local_writes  # before the reads: a write during them shows
        if self._state is None:
            self._build()
            changed = True
        else:
            changed = self._sync(force)
        self._local_seen = seen
        return changed

    def _build(self) -> None:
        started = time.monotonic()
        revision = self.index.revision()  # before the data: a write during the build shows
        records = [r for r in self.index.changed_documents(None) if r.state != DELETING]
        state = KeywordState()
        for i in range(0, len(records), BUILD_BATCH):  # a batch's chunks at a time in memory
            batch = records[i : i + BUILD_BATCH]
            state.apply(batch, self._fetch(batch), [])
        with self._lock:
            self._state = state
        self._revision = revision
        self._watermark = max((r.changed_ns for r in records), default=0)
        self.last_sync_seconds = time.monotonic() - started
        log.info(
            "keyword index built: %d chunks at revision %r in %.2f s",
            state.bm25.live,
            revision,
            self.last_sync_seconds,
        )

    def _sync(self, force: bool) -> bool:
        state = self._state
        assert state is not None
        revision = self.index.revision()
        if not force and revision == self._revision:
            return False
        started = time.monotonic()
        since = max(0, self._watermark - CLOCK_MARGIN_NS) if self._watermark else None
        changed = self.index.changed_documents(since)
        present = self.index.document_ids()
        gone = [d for d, doc in state.docs.items() if doc.slots and d not in present]
        updates = [
            r
            for r in changed
            if r.state == DELETING
            or (doc := state.docs.get(r.doc_id)) is None
            or doc.generation != r.generation
            or not doc.slots
        ]
        gone += [r.doc_id for r in updates if r.state == DELETING]
        updates = [r for r in updates if r.state != DELETING and r.doc_id in present]
        if updates or gone:
            fetched = self._fetch(updates)
            with self._lock:
                state.apply(updates, fetched, gone)
            if state.bm25.dead >= COMPACT_AFTER and state.bm25.dead > state.bm25.live:
                fresh = state.compacted()  # only this thread mutates: safe to read unlocked
                with self._lock:
                    self._state = fresh
        self._revision = revision
        self._watermark = max([self._watermark, *(r.changed_ns for r in changed)])
        self.last_sync_seconds = time.monotonic() - started
        if updates or gone:
            log.info(
                "keyword index: %d documents updated, %d removed in %.3f s",
                len(updates),
                len(gone),
                self.last_sync_seconds,
            )
        return bool(updates or gone)

    def _fetch(self, records: list[DocumentRecord]) -> dict[str, list[LiveChunk]]:
        """The live chunks of ``records``' documents, by doc_id (store reads, no lock)."""
        by_doc: dict[str, list[LiveChunk]] = {r.doc_id: [] for r in records}
        for live in self.index.live_chunks(records) if records else []:
            by_doc[live.chunk.doc_id].append(live)
        return by_doc


def _hits(state: KeywordState, slots: np.ndarray, scores: np.ndarray) -> list[KeywordHit]:
    """The hits of ``slots`` with their ``scores``: best first, ties in a fixed order
    (doc_id, chunk index). Called under the lock."""
    hits = []
    for slot, score in zip(slots.tolist(), scores.tolist(), strict=True):
        chunk = state.chunks[slot]
        assert chunk is not None
        hits.append(KeywordHit(chunk, float(score), state.generations[slot], state.vectors[slot]))
    hits.sort(key=lambda h: (-h.score, h.chunk.doc_id, h.chunk.index))
    return hits


def _poll(ref: weakref.ReferenceType[KeywordIndex], stop: threading.Event, every: float) -> None:
    """Sync the keyword index every ``every`` seconds until it is closed or collected."""
    failing = False
    while not stop.wait(every):
        keyword = ref()
        if keyword is None:
            return
        try:
            keyword.refresh()
        except Exception as e:  # keep serving the last good state; the next check retries
            if not failing:  # one traceback per outage, not one per check
                log.exception("keyword index refresh failed; serving the previous state")
            else:
                log.debug("keyword index refresh still failing: %s", e)
            failing = True
        else:
            if failing:
                log.warning("keyword index refresh works again")
            failing = False
        del keyword
