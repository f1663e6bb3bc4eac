"""The write protocol: replace or delete a document and its chunks, crash-safely.

A document's chunks carry the generation (``generation_of(content_hash)``) of the text they
were cut from; readers keep only chunks whose generation equals the document record's, so a
half-finished write is never visible and a re-run converges to the state of one clean run.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.errors import DocumentNotFound
from ingest.index.records import DELETING, READY, WRITING, chunk_meta, record_meta
from ingest.index.store import PAGE, Store, store_call
from ingest.model import Article, Chunk, generation_of, record_id


class Writes(Store):
    """Writes of the index: ``write_document`` and ``delete_document``."""

    @store_call
    def write_document(self, article: Article, chunks: Sequence[Chunk], content_hash: str) -> None:
        """Replace a document and its chunks, crash-safely.

        1. upsert the new chunks (ids carry the new generation: they never overwrite live
           ones);
        2. upsert the document record with the new hash and state ``writing`` (commit point:
           readers now see the new generation);
        3. delete the document's chunks of any other generation;
        4. mark the record ``ready``. A re-run redoes any record that is not ready.
        """
        embedder = self._embedder("writing")
        generation = generation_of(content_hash)
        if chunks:
            vectors = embedder.embed_documents([c.text for c in chunks])
            for i in range(0, len(chunks), PAGE):
                batch = chunks[i : i + PAGE]
                self._chunks.upsert(
                    ids=[record_id(c.doc_id, generation, c.index) for c in batch],
                    embeddings=vectors[i : i + PAGE],
                    documents=[c.text for c in batch],
                    metadatas=[chunk_meta(article, c, generation) for c in batch],
                )
        self._put_record(article, content_hash, WRITING, len(chunks))
        self._chunks.delete(
            where={"$and": [{"doc_id": article.doc_id}, {"generation": {"$ne": generation}}]}
        )
        self._put_record(article, content_hash, READY, len(chunks))
        self._bump_revision()

    @store_call
    def delete_document(self, doc_id: str) -> None:
        """Remove a document and its chunks; safe to repeat after an interruption."""
        got = self._docs.get(ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            raise DocumentNotFound(doc_id)
        meta = dict(got["metadatas"][0] or {})
        self._docs.update(ids=[doc_id], metadatas=[{**meta, "state": DELETING}])
        self._chunks.delete(where={"doc_id": doc_id})
        self._docs.delete(ids=[doc_id])
        self._bump_revision()

    def _put_record(self, article: Article, content_hash: str, state: str, chunks: int) -> None:
        self._docs.upsert(
            ids=[article.doc_id],
            embeddings=[[0.0]],
            documents=[article.text],
            metadatas=[record_meta(article, content_hash, state, chunks)],
        )
