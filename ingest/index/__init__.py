"""The one adapter that reads and writes the index: two Chroma collections.

* ``store``: the Chroma client and collections, failures as ``IndexUnavailable``;
* ``writes``: the crash-safe generation protocol (write documents in batches, delete one);
* ``reads``: documents, dense queries, live chunks, changes since a time, stats;
* ``filters``: ``Filters`` and their ``where`` clause; ``records``: the stored shapes.
"""

from __future__ import annotations

from ingest.index.filters import Filters
from ingest.index.reads import Reads
from ingest.index.records import (
    DELETING,
    READY,
    WRITING,
    ChunkHit,
    DenseResult,
    DocumentRecord,
    LiveChunk,
)
from ingest.index.store import make_client
from ingest.index.writes import Write, Writes


class Index(Reads, Writes):
    """Documents and chunks in Chroma. The embedder is only needed to write or query."""


__all__ = [
    "DELETING",
    "READY",
    "WRITING",
    "ChunkHit",
    "DenseResult",
    "DocumentRecord",
    "Filters",
    "Index",
    "LiveChunk",
    "Write",
    "make_client",
]
