"""The write protocol: replace or delete documents and their chunks, crash-safely.

A document's chunks carry the generation (``generation_of(content_hash)``) of the text they
were cut from; readers keep only chunks whose generation equals the document record's, so a
half-finished write is never visible and a re-run converges to the state of one clean run.

Several documents are written as one batch (their chunks embedded together, which is what
makes ingest fast), but the protocol is the same for each document of the batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.errors import DocumentNotFound, IndexUnavailable
from ingest.index.records import DELETING, READY, WRITING, chunk_meta, record_meta
from ingest.index.store import PAGE, Store, store_call
from ingest.model import Article, Chunk, generation_of, record_id

log = logging.getLogger(__name__)
# Times a chunk record missing from the vector index after its upsert is written again.
UPSERT_RETRIES = 3


@dataclass(frozen=True)
class Write:
    """One document to write: the article, its chunks and its content hash."""

    article: Article
    chunks: Sequence[Chunk]
    content_hash: str


class Writes(Store):
    """Writes of the index: ``write_documents``, ``write_document``, ``delete_document``."""

    @store_call
    def write_document(self, article: Article, chunks: Sequence[Chunk], content_hash: str) -> None:
        """Replace one document and its chunks, crash-safely (see ``write_documents``)."""
        self.write_documents([Write(article, chunks, content_hash)])

    @store_call
    def write_documents(self, writes: Sequence[Write]) -> None:
        """Replace several documents and their chunks, crash-safely.

        1. embed every chunk of the batch at once, and upsert them (ids carry the new
           generation: they never overwrite live ones);
        2. upsert each document record with its new hash and state ``writing`` (the commit
           point of that document: readers now see the new generation);
        3. delete each document's chunks of any other generation;
        4. mark each record ``ready``. A re-run redoes any record that is not ready.
        """
        if not writes:
            return
        embedder = self._embedder("writing")
        rows = [(w, c) for w in writes for c in w.chunks]
        vectors = embedder.embed_documents([c.text for _, c in rows]) if rows else []
        for i in range(0, len(rows), PAGE):
            batch = rows[i : i + PAGE]
            self._upsert_chunks(
                [record_id(c.doc_id, generation_of(w.content_hash), c.index) for w, c in batch],
                list(vectors[i : i + PAGE]),
                [c.text for _, c in batch],
                [chunk_meta(w.article, c, generation_of(w.content_hash)) for w, c in batch],
            )
        self._put_records(writes, WRITING)
        for w in writes:
            self._chunks.delete(
                where={
                    "$and": [
                        {"doc_id": w.article.doc_id},
                        {"generation": {"$ne": generation_of(w.content_hash)}},
                    ]
                }
            )
        self._put_records(writes, READY)
        self._bump_revision()

    @store_call
    def delete_document(self, doc_id: str) -> None:
        """Remove a document and its chunks; safe to repeat after an interruption."""
        got = self._docs.get(ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            raise DocumentNotFound(doc_id)
        meta = dict(got["metadatas"][0] or {})
        marked = {**meta, "state": DELETING, "changed_ns": time.time_ns()}
        self._docs.update(ids=[doc_id], metadatas=[marked])
        self._chunks.delete(where={"doc_id": doc_id})
        self._docs.delete(ids=[doc_id])
        self._bump_revision()

    def _upsert_chunks(
        self,
        ids: list[str],
        vectors: list[Any],
        texts: list[str],
        metas: list[dict[str, Any]],
    ) -> None:
        """Upsert chunk records, then check that a dense query finds every one of them.

        Chroma 1.5.9's server now and then keeps an upserted record in its metadata but not
        in its vector index: ``get`` returns it, no query ever does (seen about once in ten
        one-document writes, tests/ingest/test_index.py). Upserting the same record
        again repairs it, so the missing ones are written again, a few times at most.
        """
        wanted = dict(zip(ids, range(len(ids)), strict=True))
        for attempt in range(1 + UPSERT_RETRIES):
            if attempt:
                log.warning("%d chunk records missing from the vector index: writing them again",
                            len(wanted))  # fmt: skip
            chosen = list(wanted.values())
            self._chunks.upsert(
                ids=[ids[j] for j in chosen],
                embeddings=[vectors[j] for j in chosen],
                documents=[texts[j] for j in chosen],
                metadatas=[metas[j] for j in chosen],
            )
            found = self._chunks.query(
                query_embeddings=[vectors[chosen[0]]],
                ids=[ids[j] for j in chosen],
                n_results=len(chosen),
                include=[],
            )["ids"][0]
            for stored_id in found:
                wanted.pop(stored_id, None)
            if not wanted:
                return
        raise IndexUnavailable(
            f"the vector store did not index {len(wanted)} chunk records after "
            f"{1 + UPSERT_RETRIES} writes"
        )

    def _put_records(self, writes: Sequence[Write], state: str) -> None:
        """Upsert the document records of ``writes`` in ``state``, a page at a time."""
        for i in range(0, len(writes), PAGE):
            batch = writes[i : i + PAGE]
            self._docs.upsert(
                ids=[w.article.doc_id for w in batch],
                embeddings=[[0.0]] * len(batch),
                documents=[w.article.text for w in batch],
                metadatas=[
                    record_meta(w.article, w.content_hash, state, len(w.chunks)) for w in batch
                ],
            )
