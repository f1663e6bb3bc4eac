"""Hybrid retrieval: dense and BM25 candidates, fused by rank, then spread across articles."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ingest.index import ChunkHit, DenseResult, DocumentRecord, Filters, Index
from ingest.model import Chunk
from service.answers import Passage
from service.retrieval.keyword import KeywordHit, KeywordIndex
from service.settings import Settings

# Reciprocal rank fusion constant (Cormack et al. 2009); 60 is the usual choice.
RRF_K = 60
# A chunk is dropped when it shares more than this fraction of the shorter chunk's
# characters with a chunk of the same article already chosen.
MAX_OVERLAP = 0.5


@dataclass
class _Candidate:
    chunk: Chunk
    score: float = 0.0
    similarity: float | None = None
    dense_rank: int | None = None
    keyword_rank: int | None = None


def rrf(rank: int, k: int = RRF_K) -> float:
    """Reciprocal rank fusion weight of a 1-based rank."""
    return 1.0 / (k + rank)


def overlap_fraction(a: Chunk, b: Chunk) -> float:
    """Shared characters of two chunks of one document over the shorter one's length."""
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    shortest = min(a.end - a.start, b.end - b.start)
    if shared <= 0 or shortest <= 0:
        return 0.0
    return shared / shortest


class HybridRetriever:
    """Dense plus keyword retrieval with reciprocal rank fusion and per-article diversity."""

    def __init__(self, index: Index, keyword: KeywordIndex, settings: Settings) -> None:
        self.index = index
        self.keyword = keyword
        self.settings = settings

    def retrieve(
        self,
        query: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        keyword_query: str | None = None,
    ) -> list[Passage]:
        """The passages for ``query``, numbered 1..n, at most ``top_k`` (settings by default).

        ``keyword_query`` (default: ``query``) is what BM25 searches, e.g. the question with
        expansion words; similarity is always measured against ``query`` itself.
        """
        k = self.settings.top_k if top_k is None else top_k
        if k <= 0 or not query.strip():
            return []
        pool = max(self.settings.candidates, k)
        vector = self.index.embed_query(query)
        # In memory: BM25 hits with their generation and stored embedding.
        keyword_hits = self.keyword.search_hits(keyword_query or query, pool, filters)
        dense, stale = self._dense(vector, pool, filters, keyword_hits)
        if stale and self.keyword.catch_up():
            # A hit's document was rewritten or deleted by another process since this one's
            # last sync (at most ``keyword_refresh_seconds`` ago): catch up now, once, so
            # that its new text is found rather than nothing.
            keyword_hits = self.keyword.search_hits(keyword_query or query, pool, filters)
            dense, _ = self._dense(vector, pool, filters, keyword_hits)
        candidates: dict[str, _Candidate] = {}
        for rank, hit in enumerate(dense.hits, 1):
            candidates[hit.chunk.chunk_id] = _Candidate(
                hit.chunk, rrf(rank), similarity=hit.score, dense_rank=rank
            )
        self._add_keyword(candidates, keyword_hits, dense.records, vector)
        fused = sorted(candidates.values(), key=_fused_order)
        chosen = self._diversify(fused, k)
        passages: list[Passage] = []
        for c in chosen:
            record = dense.records.get(c.chunk.doc_id)
            if record is None or c.similarity is None:  # deleted since the query
                continue
            passages.append(Passage(len(passages) + 1, c.chunk, record, c.score, c.similarity))
        return passages

    def dated_documents(self) -> int:
        """How many indexed documents state a publication date. None known is checked
        against the store first: the keyword index may trail a write by its refresh
        interval, and "no article is dated" turns a question's dates off."""
        dated = self.keyword.dated_documents()
        if dated == 0 and self.keyword.refresh():
            dated = self.keyword.dated_documents()
        return dated

    def _dense(
        self,
        vector: list[float],
        pool: int,
        filters: Filters | None,
        keyword_hits: list[KeywordHit],
    ) -> tuple[DenseResult, bool]:
        """The ``pool`` live chunks nearest to ``vector``, with the records of their documents
        and of the keyword hits' documents (which say which generation is live, and what a
        passage shows); and whether any hit held in memory was stale.

        In memory (``dense_search='memory'``): an exact search over the stored embeddings
        the keyword index holds, then one store round trip for the records. With 'chroma':
        Chroma's approximate query, then the records: two round trips.
        """
        also = {h.chunk.doc_id for h in keyword_hits}
        if self.settings.dense_search == "chroma":
            dense = self.index.dense_search(vector, pool, filters, also=also)
            return dense, any(not _live(h, dense.records) for h in keyword_hits)
        # A few more than needed: hits of a generation replaced since are dropped below.
        nearest = self.keyword.nearest_hits(vector, pool + 8, filters)
        records = self.index.get_documents(sorted({h.chunk.doc_id for h in nearest} | also))
        live = [ChunkHit(h.chunk, h.score) for h in nearest if _live(h, records)]
        stale = len(live) < len(nearest) or any(not _live(h, records) for h in keyword_hits)
        return DenseResult(live[:pool], records), stale

    def _add_keyword(
        self,
        candidates: dict[str, _Candidate],
        hits: list[KeywordHit],
        records: dict[str, DocumentRecord],
        vector: list[float],
    ) -> None:
        """Fuse BM25 hits in; a keyword-only hit's similarity is its stored embedding's.

        The keyword index may trail a write by up to its refresh interval: a hit whose
        generation is not its document record's (replaced, or deleted) is dropped.
        """
        query = np.asarray(vector, dtype=np.float64)
        query_norm = float(np.linalg.norm(query)) or 1.0
        rank = 0
        for hit in hits:
            if not _live(hit, records):
                continue  # stale: not the live chunk any more
            known = candidates.get(hit.chunk.chunk_id)
            if known is None:
                stored = hit.vector.astype(np.float64)
                norm = float(np.linalg.norm(stored)) or 1.0
                similarity = float(stored @ query) / (norm * query_norm)
                known = candidates[hit.chunk.chunk_id] = _Candidate(
                    hit.chunk, similarity=similarity
                )
            rank += 1
            known.keyword_rank = rank
            known.score += rrf(rank)

    def _diversify(self, fused: list[_Candidate], k: int) -> list[_Candidate]:
        """Round-robin over articles in fused order, capped per article, without near-repeats.

        Each round takes the next best chunk of every article (articles ordered by their best
        chunk), so the result covers as many articles as possible; a chunk overlapping an
        already chosen chunk of its article by more than half is skipped. The chosen
        passages are returned in fused order.
        """
        cap = self.settings.max_chunks_per_doc
        queues: dict[str, deque[_Candidate]] = {}
        for candidate in fused:
            queues.setdefault(candidate.chunk.doc_id, deque()).append(candidate)
        taken: dict[str, list[Chunk]] = {doc_id: [] for doc_id in queues}
        chosen: list[_Candidate] = []
        progressed = True
        while progressed and len(chosen) < k:
            progressed = False
            for doc_id, queue in queues.items():
                if len(chosen) >= k:
                    break
                if len(taken[doc_id]) >= cap:
                    continue
                while queue:
                    candidate = queue.popleft()
                    if all(
                        overlap_fraction(candidate.chunk, c) <= MAX_OVERLAP for c in taken[doc_id]
                    ):
                        taken[doc_id].append(candidate.chunk)
                        chosen.append(candidate)
                        progressed = True
                        break
        order = {id(c): i for i, c in enumerate(fused)}
        return sorted(chosen, key=lambda c: order[id(c)])


def _live(hit: KeywordHit, records: dict[str, DocumentRecord]) -> bool:
    """Whether a hit held in memory is of its document's live generation."""
    record = records.get(hit.chunk.doc_id)
    return record is not None and record.generation == hit.generation


def _fused_order(c: _Candidate) -> tuple[float, int, int, str]:
    """Best fused score first; ties to the better dense rank, then a fixed order."""
    missing = 1 << 30
    return (
        -c.score,
        c.dense_rank if c.dense_rank is not None else missing,
        c.keyword_rank if c.keyword_rank is not None else missing,
        c.chunk.chunk_id,
    )
