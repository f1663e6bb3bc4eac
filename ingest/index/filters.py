"""Restrictions on what retrieval may return, and their Chroma ``where`` clause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ingest.model import epoch_of


@dataclass(frozen=True)
class Filters:
    """Restrictions on what retrieval may return. Empty means no restriction."""

    sources: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    published_after: date | None = None
    published_before: date | None = None

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause for chunk records (undated chunks never pass a date
        condition: they carry no ``published_ts``)."""
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
