"""What the index stores, as plain data: document records, chunk hits, and the conversions
between them and Chroma's metadata dictionaries."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ingest.model import Article, Chunk, Span, generation_of

READY = "ready"
WRITING = "writing"
DELETING = "deleting"


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
    # time.time_ns() of the writer when the record last changed (0: written before it was
    # kept); readers that follow the index incrementally ask for records changed since.
    changed_ns: int = 0

    @property
    def generation(self) -> str:
        """The generation tag its live chunks carry."""
        return generation_of(self.content_hash)


@dataclass(frozen=True)
class ChunkHit:
    """A chunk returned by a query, with its similarity (higher is better)."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class LiveChunk:
    """A live chunk with the generation it belongs to and its stored embedding."""

    chunk: Chunk
    generation: str
    vector: np.ndarray  # float32, as Chroma returns it (a list of floats costs 8x the memory)


@dataclass(frozen=True)
class DenseResult:
    """One dense query: the live hits, and the records of their documents (plus any other
    documents asked for), read together so that both reflect the same moment."""

    hits: list[ChunkHit]
    records: dict[str, DocumentRecord]


def clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata holds no None values: drop them (absent means not stated)."""
    return {k: v for k, v in meta.items() if v is not None}


def chunk_from(text: str, meta: dict[str, Any]) -> Chunk:
    """A chunk from its stored text and metadata."""
    spans = tuple(Span(int(a), int(b)) for a, b in json.loads(str(meta["sentences"])))
    return Chunk(
        doc_id=str(meta["doc_id"]),
        index=int(meta["index"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        sentences=spans,
    )


def chunk_meta(article: Article, chunk: Chunk, generation: str) -> dict[str, Any]:
    """The metadata stored with a chunk: offsets, sentence spans, and what filters need."""
    return clean(
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


def record_meta(article: Article, content_hash: str, state: str, chunks: int) -> dict[str, Any]:
    """The metadata stored with a document record."""
    meta = article.meta
    return clean(
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
            "changed_ns": time.time_ns(),
        }
    )


def record_from(doc_id: str, meta: dict[str, Any], text: str | None) -> DocumentRecord:
    """A document record from its stored metadata (and text, when fetched)."""

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
        changed_ns=int(meta.get("changed_ns", 0)),
    )
