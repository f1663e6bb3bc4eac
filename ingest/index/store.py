"""The Chroma adapter: the client, the two collections, and failures turned into
``IndexUnavailable`` with a reason."""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from ingest.embedding import Embedder
from ingest.errors import IndexMismatch, IndexUnavailable, IngestError
from ingest.settings import IndexSettings

P = ParamSpec("P")
R = TypeVar("R")
# Records per Chroma page when reading or writing in bulk.
PAGE = 500


def store_call(fn: Callable[P, R]) -> Callable[P, R]:
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


def store_iter(fn: Callable[P, Iterator[R]]) -> Callable[P, Iterator[R]]:
    """``store_call`` for generators."""

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


class Store:
    """The two collections: ``<collection>`` (one record per chunk, with its embedding) and
    ``<collection>-docs`` (one record per document: original text, metadata, hash)."""

    def __init__(self, settings: IndexSettings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        # Writes and deletes committed through this object: readers in the same process
        # that keep a copy (the keyword index) catch up without asking the store.
        self.local_writes = 0
        self._client = make_client(settings)
        identity = embedder.name if embedder else None
        try:
            self._chunks = self._client.get_or_create_collection(
                settings.collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding": identity} if identity else None,
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

    def _embedder(self, purpose: str) -> Embedder:
        if self.embedder is None:
            raise IndexUnavailable(f"{purpose} needs an embedder")
        return self.embedder

    @store_call
    def revision(self) -> str:
        """A token that changes whenever any process writes or deletes a document."""
        docs = self._client.get_collection(self.settings.documents_collection)
        return str((docs.metadata or {}).get("revision", ""))

    def _bump_revision(self) -> None:
        meta = dict(self._docs.metadata or {})
        meta["revision"] = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        self._docs.modify(metadata=meta)
        self.local_writes += 1

    @store_call
    def stored_chunks(self) -> int:
        """Every chunk record on disk, stale generations included (for consistency checks)."""
        return int(self._chunks.count())

    def heartbeat(self) -> None:
        """Raise ``IndexUnavailable`` unless Chroma answers."""
        try:
            self._client.heartbeat()
        except Exception as e:
            raise IndexUnavailable(f"Chroma does not answer: {e}") from e
