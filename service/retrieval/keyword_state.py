"""The keyword index's data: BM25, the chunk and stored embedding (a unit vector) in each slot,
and each document's filterable fields (source, publication date), with the writes a sync
applies (``put``, ``drop``, ``apply``, ``compacted``) and the reads a search runs: the filter
test (``allowed``) and the exact nearest chunks by embedding (``nearest``).

Not thread-safe on its own: ``service.retrieval.keyword.KeywordIndex`` holds the lock and
decides when the store is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ingest.index import DocumentRecord, Filters, LiveChunk
from ingest.model import Chunk, epoch_of
from service.retrieval.bm25 import IncrementalBM25
from service.text import search_terms


@dataclass
class _Doc:
    number: int  # position in the per-document arrays
    generation: str
    slots: list[int] = field(default_factory=list)


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


class KeywordState:
    """The keyword index's data: BM25, the chunk in each slot, documents and their
    filterable fields. Mutated only under ``KeywordIndex``'s lock."""

    def __init__(self, dim: int = 0) -> None:
        self.bm25 = IncrementalBM25()
        self.chunks: list[Chunk | None] = []
        self.generations: list[str] = []
        self.vectors = np.zeros((16, dim), dtype=np.float32)
        self.slot_doc = np.zeros(16, dtype=np.int32)
        self.docs: dict[str, _Doc] = {}
        self.doc_ids: list[str] = []  # by document number
        self.doc_source = np.full(16, -1, dtype=np.int32)  # code of the source, -1: none
        self.doc_published = np.full(16, np.nan, dtype=np.float64)
        self.doc_alive = np.zeros(16, dtype=bool)
        self.sources: dict[str, int] = {}

    # ---- writes ----------------------------------------------------------------------

    def put(self, record: DocumentRecord, chunks: list[LiveChunk]) -> None:
        """Replace a document's chunks (and its filterable fields) with ``chunks``."""
        self.drop(record.doc_id)
        doc = self.docs.get(record.doc_id)
        if doc is None:
            doc = self.docs[record.doc_id] = _Doc(len(self.doc_ids), record.generation)
            self.doc_ids.append(record.doc_id)
            self._grow_docs(len(self.doc_ids))
        doc.generation = record.generation
        n = doc.number
        self.doc_alive[n] = True
        source = record.source
        self.doc_source[n] = (
            -1 if source is None else self.sources.setdefault(source, len(self.sources))
        )
        self.doc_published[n] = _published_epoch(record.published)
        ordered = sorted(chunks, key=lambda c: c.chunk.index)
        slots = self.bm25.add_many([search_terms(c.chunk.text) for c in ordered])
        self._grow_slots(self.bm25.slots, len(ordered[0].vector) if ordered else 0)
        for slot, live in zip(slots, ordered, strict=True):
            self.chunks.append(live.chunk)
            self.generations.append(live.generation)
            vector = np.asarray(live.vector, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            self.vectors[slot] = vector / norm if norm else vector  # a dot product is a cosine
            self.slot_doc[slot] = n
        doc.slots = slots

    def drop(self, doc_id: str) -> None:
        """Take a document's chunks out (its number stays, for a later put)."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return
        for slot in doc.slots:
            self.bm25.remove(slot)
            self.chunks[slot] = None
        doc.slots = []
        self.doc_alive[doc.number] = False

    def apply(
        self,
        records: list[DocumentRecord],
        fetched: dict[str, list[LiveChunk]],
        gone: list[str],
    ) -> None:
        """Put ``records``' fetched chunks in and take ``gone`` out."""
        for doc_id in gone:
            self.drop(doc_id)
        for record in records:
            chunks = fetched[record.doc_id]
            self.put(record, chunks)
            if len(chunks) != record.chunks:
                # Replaced or deleted while we read: the writer's revision bump brings the
                # next sync here again. Until then the document has no generation of ours.
                self.docs[record.doc_id].generation = ""

    def compacted(self) -> KeywordState:
        """A copy without dead slots (what ``put`` and ``drop`` leave behind)."""
        bm25, renumbered = self.bm25.compacted()
        fresh = KeywordState(self.vectors.shape[1])
        fresh.bm25 = bm25
        keep = sorted(renumbered, key=renumbered.__getitem__)
        fresh.chunks = [self.chunks[s] for s in keep]
        fresh.generations = [self.generations[s] for s in keep]
        fresh.vectors = self.vectors[keep].copy()
        fresh.slot_doc = self.slot_doc[keep].copy()
        fresh.docs = {
            d: _Doc(doc.number, doc.generation, [renumbered[s] for s in doc.slots])
            for d, doc in self.docs.items()
        }
        fresh.doc_ids = list(self.doc_ids)
        fresh.doc_source = self.doc_source.copy()
        fresh.doc_published = self.doc_published.copy()
        fresh.doc_alive = self.doc_alive.copy()
        fresh.sources = dict(self.sources)
        return fresh

    def _grow_slots(self, size: int, dim: int) -> None:
        if self.vectors.shape[1] == 0 and dim:
            self.vectors = np.zeros((len(self.vectors), dim), dtype=np.float32)
        if size > len(self.slot_doc):
            new = max(size, 2 * len(self.slot_doc))
            self.vectors = np.concatenate(
                [
                    self.vectors,
                    np.zeros((new - len(self.vectors), self.vectors.shape[1]), np.float32),
                ]
            )
            self.slot_doc = np.resize(self.slot_doc, new)

    def _grow_docs(self, size: int) -> None:
        if size > len(self.doc_alive):
            new = max(size, 2 * len(self.doc_alive))
            extra = new - len(self.doc_alive)
            self.doc_source = np.concatenate([self.doc_source, np.full(extra, -1, np.int32)])
            self.doc_published = np.concatenate(
                [self.doc_published, np.full(extra, np.nan, np.float64)]
            )
            self.doc_alive = np.concatenate([self.doc_alive, np.zeros(extra, bool)])

    # ---- reads -----------------------------------------------------------------------

    def nearest(
        self, vector: np.ndarray, top_k: int, filters: Filters | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``top_k`` live slots of the highest cosine with ``vector`` (a unit vector) that
        pass ``filters``, and their cosines: an exact search, every live chunk compared.

        One matrix product over the slots in place (gathering the live rows first would copy
        every vector: 5x slower at 100k chunks); dead and filtered-out slots are masked."""
        n = self.bm25.slots
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if n == 0 or top_k <= 0 or self.vectors.shape[1] != len(vector):
            return empty
        ok = self.bm25.alive
        if filters is not None:
            live = np.flatnonzero(ok)
            ok = np.zeros(n, dtype=bool)
            ok[live[self.allowed(live, filters)]] = True
        k = min(top_k, int(np.count_nonzero(ok)))
        if k == 0:
            return empty
        cosines = np.where(ok, self.vectors[:n] @ vector, -np.inf)
        slots = np.argpartition(-cosines, k - 1)[:k]
        return slots, cosines[slots]

    def allowed(self, slots: np.ndarray, filters: Filters) -> np.ndarray:
        """Per slot, whether it passes ``filters`` exactly as ``Filters.where()`` in Chroma."""
        docs = self.slot_doc[slots]
        ok = np.ones(len(slots), dtype=bool)
        if filters.sources:
            codes = [self.sources[s] for s in filters.sources if s in self.sources]
            ok &= np.isin(self.doc_source[docs], np.array(codes, dtype=np.int32))
        if filters.doc_ids:
            numbers = [self.docs[d].number for d in filters.doc_ids if d in self.docs]
            ok &= np.isin(docs, np.array(numbers, dtype=np.int32))
        # NaN compares False: an undated document never passes a date filter.
        published = self.doc_published[docs]
        with np.errstate(invalid="ignore"):
            if filters.published_after is not None:
                ok &= published >= _epoch(filters.published_after)
            if filters.published_before is not None:
                ok &= published <= _epoch(filters.published_before)
        return ok
