"""Reads of the index: documents, dense queries, live chunks, similarities and stats.

Every chunk read keeps only chunks of their document's live generation (see ``writes``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ingest.errors import DocumentNotFound, IndexUnavailable
from ingest.index.filters import Filters
from ingest.index.records import (
    DELETING,
    READY,
    ChunkHit,
    DocumentRecord,
    chunk_from,
    record_from,
)
from ingest.index.store import PAGE, Store, store_call, store_iter
from ingest.model import Chunk, record_id


class Reads(Store):
    """Reads of the index."""

    # ---- documents -------------------------------------------------------------------

    @store_call
    def get_document(self, doc_id: str, with_text: bool = True) -> DocumentRecord:
        """One ready document; ``DocumentNotFound`` when absent or being deleted."""
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self._docs.get(ids=[doc_id], include=include)
        if not got["ids"]:
            raise DocumentNotFound(doc_id)
        meta = dict(got["metadatas"][0] or {})
        if meta.get("state") == DELETING:
            raise DocumentNotFound(doc_id)
        text = got["documents"][0] if with_text else None
        return record_from(doc_id, meta, text)

    @store_call
    def get_documents(
        self, doc_ids: Sequence[str], with_text: bool = False
    ) -> dict[str, DocumentRecord]:
        """Several documents by id, absent ones left out; a mapping doc_id -> DocumentRecord."""
        if not doc_ids:
            return {}
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self._docs.get(ids=list(dict.fromkeys(doc_ids)), include=include)
        out: dict[str, DocumentRecord] = {}
        for i, doc_id in enumerate(got["ids"]):
            meta = dict(got["metadatas"][i] or {})
            if meta.get("state") == DELETING:
                continue
            text = got["documents"][i] if with_text else None
            out[doc_id] = record_from(doc_id, meta, text)
        return out

    @store_iter
    def iter_documents(self, include_deleting: bool = False) -> Iterator[DocumentRecord]:
        """Every document record (without text), in pages."""
        offset = 0
        while True:
            got = self._docs.get(include=["metadatas"], limit=PAGE, offset=offset)
            if not got["ids"]:
                return
            for doc_id, meta in zip(got["ids"], got["metadatas"], strict=True):
                record = record_from(doc_id, dict(meta or {}), None)
                if include_deleting or record.state != DELETING:
                    yield record
            offset += len(got["ids"])

    @store_call
    def stats(self) -> dict[str, int]:
        """How many ready documents and live chunks the index holds."""
        docs = [r for r in self.iter_documents() if r.state == READY]
        return {"documents": len(docs), "chunks": sum(r.chunks for r in docs)}

    # ---- chunks ----------------------------------------------------------------------

    def embed_query(self, text: str) -> list[float]:
        """The query embedding of ``text`` (to reuse across ``query`` and ``similarities``)."""
        return self._embedder("querying").embed_query(text)

    @store_call
    def query(
        self,
        text: str,
        top_k: int,
        filters: Filters | None = None,
        *,
        vector: Sequence[float] | None = None,
    ) -> list[ChunkHit]:
        """Dense retrieval: the ``top_k`` chunks nearest to ``text`` that pass ``filters``.

        ``vector``, when given, is ``text``'s query embedding, already computed.
        """
        if vector is None:
            vector = self.embed_query(text)
        where = filters.where() if filters else None
        count = self._chunks.count()
        if count == 0:
            return []
        # Ask for a few more than needed: stale generations are filtered out below.
        got = self._chunks.query(
            query_embeddings=[list(vector)],
            n_results=min(count, top_k + 8),
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        hits: list[ChunkHit] = []
        metas, texts, dists = got["metadatas"][0], got["documents"][0], got["distances"][0]
        live = self._live_generations({str(m["doc_id"]) for m in metas})
        for meta, body, dist in zip(metas, texts, dists, strict=True):
            if live.get(str(meta["doc_id"])) != meta.get("generation"):
                continue
            hits.append(ChunkHit(chunk_from(body, dict(meta)), 1.0 - float(dist)))
        return hits[:top_k]

    @store_iter
    def iter_chunks(self) -> Iterator[Chunk]:
        """Every live chunk (for the keyword index), in pages."""
        live = {r.doc_id: r.generation for r in self.iter_documents()}
        offset = 0
        while True:
            got = self._chunks.get(include=["metadatas", "documents"], limit=PAGE, offset=offset)
            if not got["ids"]:
                return
            for meta, body in zip(got["metadatas"], got["documents"], strict=True):
                meta = dict(meta or {})
                if live.get(str(meta["doc_id"])) == meta.get("generation"):
                    yield chunk_from(body, meta)
            offset += len(got["ids"])

    @store_call
    def similarities(self, vector: Sequence[float], chunks: Sequence[Chunk]) -> dict[str, float]:
        """Cosine similarity of ``vector`` with the stored embedding of each chunk, by chunk_id.

        Only chunks of a document's live generation, identical to the stored chunk (offsets,
        text, sentences), are scored: a chunk missing from the answer is stale or gone.
        """
        if not chunks:
            return {}
        live = self._live_generations({c.doc_id for c in chunks})
        wanted = {
            record_id(c.doc_id, live[c.doc_id], c.index): c for c in chunks if c.doc_id in live
        }
        if not wanted:
            return {}
        got = self._chunks.get(ids=list(wanted), include=["embeddings", "metadatas", "documents"])
        query = np.asarray(vector, dtype=np.float64)
        query_norm = float(np.linalg.norm(query)) or 1.0
        out: dict[str, float] = {}
        for stored_id, embedding, meta, body in zip(
            got["ids"], got["embeddings"], got["metadatas"], got["documents"], strict=True
        ):
            meta = dict(meta or {})
            stored = chunk_from(body, meta)
            if stored != wanted[stored_id] or live.get(stored.doc_id) != meta.get("generation"):
                continue
            stored_vector = np.asarray(embedding, dtype=np.float64)
            norm = float(np.linalg.norm(stored_vector)) or 1.0
            out[stored.chunk_id] = float(stored_vector @ query) / (norm * query_norm)
        return out

    def _live_generations(self, doc_ids: set[str]) -> dict[str, str]:
        records = self.get_documents(sorted(doc_ids))
        return {d: r.generation for d, r in records.items()}


__all__ = ["IndexUnavailable", "Reads"]
