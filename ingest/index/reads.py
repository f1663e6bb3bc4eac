"""Reads of the index: documents, dense queries, live chunks, similarities and stats.

Every chunk read keeps only chunks of their document's live generation (see ``writes``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ingest.errors import DocumentNotFound, IndexUnavailable
from ingest.index.filters import Filters
from ingest.index.records import (
    DELETING,
    READY,
    ChunkHit,
    DenseResult,
    DocumentRecord,
    LiveChunk,
    chunk_from,
    record_from,
)
from ingest.index.store import PAGE, Store, store_call, store_iter
from ingest.model import Chunk, record_id

# Documents whose chunks one read asks for (a ``doc_id $in`` filter).
DOCS_PER_READ = 100


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
        if got["metadatas"][0] is None:  # deleted while Chroma answered
            raise DocumentNotFound(doc_id)
        meta = dict(got["metadatas"][0])
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
            if got["metadatas"][i] is None:  # deleted while Chroma answered
                continue
            meta = dict(got["metadatas"][i])
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
                if meta is None:  # deleted while Chroma answered
                    continue
                record = record_from(doc_id, dict(meta), None)
                if include_deleting or record.state != DELETING:
                    yield record
            offset += len(got["ids"])

    @store_call
    def stats(self) -> dict[str, int]:
        """How many ready documents and live chunks the index holds."""
        docs = [r for r in self.iter_documents() if r.state == READY]
        return {"documents": len(docs), "chunks": sum(r.chunks for r in docs)}

    @store_call
    def changed_documents(self, since_ns: int | None = None) -> list[DocumentRecord]:
        """Document records (without text, ``deleting`` ones included) whose ``changed_ns``
        is at least ``since_ns``; every record when ``since_ns`` is None."""
        if since_ns is None:
            return list(self.iter_documents(include_deleting=True))
        got = self._docs.get(where={"changed_ns": {"$gte": since_ns}}, include=["metadatas"])
        return [
            record_from(doc_id, dict(meta), None)
            for doc_id, meta in zip(got["ids"], got["metadatas"], strict=True)
            if meta is not None  # a record deleted while Chroma answered
        ]

    @store_call
    def document_ids(self) -> set[str]:
        """The id of every document record (ids only: cheap)."""
        return set(self._docs.get(include=[])["ids"])

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
        return self.dense_search(vector, top_k, filters).hits

    @store_call
    def dense_search(
        self,
        vector: Sequence[float],
        top_k: int,
        filters: Filters | None = None,
        also: Iterable[str] = (),
    ) -> DenseResult:
        """The ``top_k`` live chunks nearest to ``vector``, and the records of their documents
        and of the documents ``also`` names: two store round trips in all.

        A chunk is live when its generation is its document record's; a record missing
        (deleted since) or being deleted drops its chunks. Chroma may answer a query with
        no metadata or text for a record deleted while it ran: such rows are skipped.
        """
        # Ask for a few more than needed: stale generations are filtered out below.
        got = self._chunks.query(
            query_embeddings=[list(vector)],
            n_results=top_k + 8,
            where=filters.where() if filters else None,
            include=["metadatas", "documents", "distances"],
        )
        rows = [
            (dict(meta), body, float(dist))
            for meta, body, dist in zip(
                got["metadatas"][0], got["documents"][0], got["distances"][0], strict=True
            )
            if meta is not None and body is not None and "doc_id" in meta
        ]
        wanted = {str(meta["doc_id"]) for meta, _, _ in rows} | set(also)
        records = self.get_documents(sorted(wanted))
        hits: list[ChunkHit] = []
        for meta, body, dist in rows:
            record = records.get(str(meta["doc_id"]))
            if record is None or record.generation != meta.get("generation"):
                continue
            hits.append(ChunkHit(chunk_from(body, meta), 1.0 - dist))
        return DenseResult(hits[:top_k], records)

    @store_iter
    def iter_chunks(self) -> Iterator[Chunk]:
        """Every live chunk, in pages."""
        live = {r.doc_id: r.generation for r in self.iter_documents()}
        offset = 0
        while True:
            got = self._chunks.get(include=["metadatas", "documents"], limit=PAGE, offset=offset)
            if not got["ids"]:
                return
            for meta, body in zip(got["metadatas"], got["documents"], strict=True):
                if meta is None or body is None:  # deleted while Chroma answered
                    continue
                if live.get(str(meta.get("doc_id"))) == meta.get("generation"):
                    yield chunk_from(body, dict(meta))
            offset += len(got["ids"])

    @store_call
    def live_chunks(self, records: Sequence[DocumentRecord]) -> list[LiveChunk]:
        """The live chunks of ``records``' documents (the generation each record names),
        with their stored embeddings, read a few documents at a time."""
        out: list[LiveChunk] = []
        for i in range(0, len(records), DOCS_PER_READ):
            batch = {r.doc_id: r.generation for r in records[i : i + DOCS_PER_READ]}
            got = self._chunks.get(
                where={"doc_id": {"$in": list(batch)}},
                include=["metadatas", "documents", "embeddings"],
            )
            embeddings = got["embeddings"]
            for j, (meta, body) in enumerate(zip(got["metadatas"], got["documents"], strict=True)):
                if meta is None or body is None or embeddings is None:
                    continue
                generation = batch.get(str(meta.get("doc_id")))
                if generation is None or generation != meta.get("generation"):
                    continue
                vector = np.asarray(embeddings[j], dtype=np.float32)
                out.append(LiveChunk(chunk_from(body, dict(meta)), generation, vector))
        return out

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
            if meta is None or body is None or embedding is None:
                continue
            meta = dict(meta)
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
