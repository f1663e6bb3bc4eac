"""The one adapter that reads and writes the index: two Chroma collections.

* ``<collection>``: one record per chunk, with its embedding and exact offsets.
* ``<collection>-docs``: one record per document holding its original text byte-for-byte,
  its metadata and its content hash. This record is the commit point of a write.

Writes are crash-safe by ordering (see ``write_document``): a document's chunks carry the
hash of the text they were cut from (their *generation*), and readers keep only chunks
whose generation equals the document record's hash, so a half-finished write is never
visible and a re-run converges to the state of one clean run.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec, TypeVar

import numpy as np

from ingest.embedding import Embedder
from ingest.errors import DocumentNotFound, IndexMismatch, IndexUnavailable, IngestError
from ingest.model import Article, Chunk, Span, epoch_of
from ingest.settings import IndexSettings

log = logging.getLogger(__name__)

READY = "ready"
WRITING = "writing"
DELETING = "deleting"
_PAGE = 500


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document: metadata, hash, state and (when asked for) its full text."""

    doc_id: str
    content_hash: str
    state: str
    title: str | None
    source: str | None
    authors: tuple[str, ...]
    place: str | None
    dateline: str | None
    published: str | None
    url: str | None
    path: str | None
    chunks: int
    text: str | None = None


@dataclass(frozen=True)
class Filters:
    """Restrictions on what retrieval may return. Empty means no restriction."""

    sources: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    published_after: date | None = None
    published_before: date | None = None

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause for chunk records."""
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.published_after is not None:
            clauses.append({"published_ts": {"$gte": epoch_of(self.published_after)}})
        if self.published_before is not None:
            clauses.append({"published_ts": {"$lte": epoch_of(self.published_before)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class ChunkHit:
    """A chunk returned by a query, with its similarity (higher is better)."""

    chunk: Chunk
    score: float


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata holds no None values: drop them (absent means not stated)."""
    return {k: v for k, v in meta.items() if v is not None}


def _chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    spans = tuple(Span(int(a), int(b)) for a, b in json.loads(str(meta["sentences"])))
    return Chunk(
        doc_id=str(meta["doc_id"]),
        index=int(meta["index"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        sentences=spans,
    )


def _record_from(doc_id: str, meta: dict[str, Any], text: str | None) -> DocumentRecord:
    def opt(key: str) -> str | None:
        value = meta.get(key)
        return None if value is None else str(value)

    return DocumentRecord(
        doc_id=doc_id,
        content_hash=str(meta.get("hash", "")),
        state=str(meta.get("state", READY)),
        title=opt("title"),
        source=opt("source"),
        authors=tuple(json.loads(str(meta.get("authors", "[]")))),
        place=opt("place"),
        dateline=opt("dateline"),
        published=opt("published"),
        url=opt("url"),
        path=opt("path"),
        chunks=int(meta.get("chunks", 0)),
        text=text,
    )


P = ParamSpec("P")
R = TypeVar("R")


def _store_call(fn: Callable[P, R]) -> Callable[P, R]:
    """Chroma failures (server down, disk errors) become ``IndexUnavailable`` with a reason."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except IngestError:
            raise
        except Exception as e:
            raise IndexUnavailable(f"the vector store failed ({fn.__name__}): {e}") from e

    return wrapper


def _store_iter(fn: Callable[P, Iterator[R]]) -> Callable[P, Iterator[R]]:
    """``_store_call`` for generators."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Iterator[R]:
        try:
            yield from fn(*args, **kwargs)
        except IngestError:
            raise
        except Exception as e:
            raise IndexUnavailable(f"the vector store failed ({fn.__name__}): {e}") from e

    return wrapper


def make_client(settings: IndexSettings) -> Any:
    """A Chroma client: HTTP to a server when CHROMA_HOST is set, else embedded on disk."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.data_dir), settings=chroma_settings)
    except Exception as e:  # chromadb raises plain Exceptions for connection problems
        where = (
            f"Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"Chroma store at {settings.data_dir}"
        )
        raise IndexUnavailable(f"cannot open the {where}: {e}") from e


class Index:
    """Documents and chunks in Chroma. The embedder is only needed to write or query."""

    def __init__(self, settings: IndexSettings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = make_client(settings)
        identity = embedder.name if embedder else None
        try:
            self._chunks = self._client.get_or_create_collection(
                settings.collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata=_clean({"embedding": identity}) or None,
            )
            self._docs = self._client.get_or_create_collection(
                settings.documents_collection,
                embedding_function=None,
                metadata={"role": "documents"},
            )
        except Exception as e:
            raise IndexUnavailable(f"cannot open collection {settings.collection!r}: {e}") from e
        stored = (self._chunks.metadata or {}).get("embedding")
        if identity and stored and stored != identity:
            raise IndexMismatch(
                f"collection {settings.collection!r} was built with embeddings {stored!r} but "
                f"the settings ask for {identity!r}: set NEWSQA_COLLECTION to another name, or "
                "delete the index folder and ingest again"
            )
        if identity and not stored:
            self._chunks.modify(metadata={**(self._chunks.metadata or {}), "embedding": identity})

    @_store_call
    def revision(self) -> str:
        """A token that changes whenever any process writes or deletes a document."""
        docs = self._client.get_collection(self.settings.documents_collection)
        return str((docs.metadata or {}).get("revision", ""))

    def _bump_revision(self) -> None:
        meta = dict(self._docs.metadata or {})
        meta["revision"] = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        self._docs.modify(metadata=meta)

    # ---- documents -------------------------------------------------------------------

    @_store_call
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
        return _record_from(doc_id, meta, text)

    @_store_call
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
            out[doc_id] = _record_from(doc_id, meta, text)
        return out

    @_store_iter
    def iter_documents(self, include_deleting: bool = False) -> Iterator[DocumentRecord]:
        """Every document record (without text), in pages."""
        offset = 0
        while True:
            got = self._docs.get(include=["metadatas"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            for doc_id, meta in zip(got["ids"], got["metadatas"], strict=True):
                record = _record_from(doc_id, dict(meta or {}), None)
                if include_deleting or record.state != DELETING:
                    yield record
            offset += len(got["ids"])

    @_store_call
    def list_documents(self, offset: int = 0, limit: int = 50) -> list[DocumentRecord]:
        """A page of ready documents, sorted by id."""
        records = sorted(
            (r for r in self.iter_documents() if r.state == READY), key=lambda r: r.doc_id
        )
        return records[offset : offset + limit]

    # ---- writes ----------------------------------------------------------------------

    @_store_call
    def write_document(self, article: Article, chunks: Sequence[Chunk], content_hash: str) -> None:
        """Replace a document and its chunks, crash-safely.

        1. upsert the new chunks (ids carry the new hash: they never overwrite live ones);
        2. upsert the document record with the new hash and state ``writing`` (commit point:
           readers now see the new generation);
        3. delete the document's chunks of any other generation;
        4. mark the record ``ready``. A re-run redoes any record that is not ready.
        """
        if self.embedder is None:
            raise IndexUnavailable("writing needs an embedder")
        generation = content_hash[:16]
        if chunks:
            vectors = self.embedder.embed_documents([c.text for c in chunks])
            for i in range(0, len(chunks), _PAGE):
                batch = chunks[i : i + _PAGE]
                self._chunks.upsert(
                    ids=[f"{c.doc_id}@{generation}#{c.index:05d}" for c in batch],
                    embeddings=vectors[i : i + _PAGE],
                    documents=[c.text for c in batch],
                    metadatas=[self._chunk_meta(article, c, generation) for c in batch],
                )
        self._put_record(article, content_hash, WRITING, len(chunks))
        self._chunks.delete(
            where={"$and": [{"doc_id": article.doc_id}, {"generation": {"$ne": generation}}]}
        )
        self._put_record(article, content_hash, READY, len(chunks))
        self._bump_revision()

    @_store_call
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
        meta = article.meta
        self._docs.upsert(
            ids=[article.doc_id],
            embeddings=[[0.0]],
            documents=[article.text],
            metadatas=[
                _clean(
                    {
                        "hash": content_hash,
                        "state": state,
                        "title": meta.title,
                        "source": meta.source,
                        "authors": json.dumps(list(meta.authors)),
                        "place": meta.place,
                        "dateline": meta.dateline,
                        "published": article.published_iso,
                        "published_ts": article.published_epoch,
                        "url": meta.url,
                        "path": article.path,
                        "chunks": chunks,
                    }
                )
            ],
        )

    @staticmethod
    def _chunk_meta(article: Article, chunk: Chunk, generation: str) -> dict[str, Any]:
        return _clean(
            {
                "doc_id": chunk.doc_id,
                "generation": generation,
                "index": chunk.index,
                "start": chunk.start,
                "end": chunk.end,
                "sentences": json.dumps([[s.start, s.end] for s in chunk.sentences]),
                "title": article.meta.title,
                "source": article.meta.source,
                "published": article.published_iso,
                "published_ts": article.published_epoch,
            }
        )

    # ---- reads -----------------------------------------------------------------------

    def embed_query(self, text: str) -> list[float]:
        """The query embedding of ``text`` (to reuse across ``query`` and ``similarities``)."""
        if self.embedder is None:
            raise IndexUnavailable("querying needs an embedder")
        return self.embedder.embed_query(text)

    @_store_call
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
        if self.embedder is None and vector is None:
            raise IndexUnavailable("querying needs an embedder")
        where = filters.where() if filters else None
        count = self._chunks.count()
        if count == 0:
            return []
        if vector is None:
            vector = self.embed_query(text)
        # Ask for a few more than needed: stale generations are filtered out below.
        got = self._chunks.query(
            query_embeddings=[list(vector)],
            n_results=min(count, top_k + 8),
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        hits: list[ChunkHit] = []
        ids, metas, texts, dists = (
            got["ids"][0],
            got["metadatas"][0],
            got["documents"][0],
            got["distances"][0],
        )
        live = self._live_generations({str(m["doc_id"]) for m in metas})
        for chunk_id, meta, body, dist in zip(ids, metas, texts, dists, strict=True):
            if live.get(str(meta["doc_id"])) != meta.get("generation"):
                continue
            hits.append(ChunkHit(_chunk_from(chunk_id, body, dict(meta)), 1.0 - float(dist)))
        return hits[:top_k]

    @_store_iter
    def iter_chunks(self) -> Iterator[Chunk]:
        """Every live chunk (for the keyword index), in pages."""
        live = {r.doc_id: r.content_hash[:16] for r in self.iter_documents()}
        offset = 0
        while True:
            got = self._chunks.get(include=["metadatas", "documents"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            for chunk_id, meta, body in zip(
                got["ids"], got["metadatas"], got["documents"], strict=True
            ):
                meta = dict(meta or {})
                if live.get(str(meta["doc_id"])) == meta.get("generation"):
                    yield _chunk_from(chunk_id, body, meta)
            offset += len(got["ids"])

    @_store_call
    def similarities(self, vector: Sequence[float], chunks: Sequence[Chunk]) -> dict[str, float]:
        """Cosine similarity of ``vector`` with the stored embedding of each chunk, by chunk_id.

        Only chunks of a document's live generation, identical to the stored chunk (offsets,
        text, sentences), are scored: a chunk missing from the answer is stale or gone.
        """
        if not chunks:
            return {}
        live = self._live_generations({c.doc_id for c in chunks})
        wanted = {
            f"{c.doc_id}@{live[c.doc_id]}#{c.index:05d}": c for c in chunks if c.doc_id in live
        }
        if not wanted:
            return {}
        got = self._chunks.get(ids=list(wanted), include=["embeddings", "metadatas", "documents"])
        query = np.asarray(vector, dtype=np.float64)
        query_norm = float(np.linalg.norm(query)) or 1.0
        out: dict[str, float] = {}
        for chunk_id, embedding, meta, body in zip(
            got["ids"], got["embeddings"], got["metadatas"], got["documents"], strict=True
        ):
            meta = dict(meta or {})
            stored = _chunk_from(chunk_id, body, meta)
            if stored != wanted[chunk_id] or live.get(stored.doc_id) != meta.get("generation"):
                continue
            stored_vector = np.asarray(embedding, dtype=np.float64)
            norm = float(np.linalg.norm(stored_vector)) or 1.0
            out[stored.chunk_id] = float(stored_vector @ query) / (norm * query_norm)
        return out

    def _live_generations(self, doc_ids: set[str]) -> dict[str, str]:
        records = self.get_documents(sorted(doc_ids))
        return {d: r.content_hash[:16] for d, r in records.items()}

    @_store_call
    def stored_chunks(self) -> int:
        """Every chunk record on disk, stale generations included (for consistency checks)."""
        return int(self._chunks.count())

    @_store_call
    def stats(self) -> dict[str, int]:
        """How many ready documents and live chunks the index holds."""
        docs = [r for r in self.iter_documents() if r.state == READY]
        return {"documents": len(docs), "chunks": sum(r.chunks for r in docs)}

    def heartbeat(self) -> None:
        """Raise ``IndexUnavailable`` unless Chroma answers."""
        try:
            self._client.heartbeat()
        except Exception as e:
            raise IndexUnavailable(f"Chroma does not answer: {e}") from e
