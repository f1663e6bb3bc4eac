"""Plain typed data shared by the write side and the read side.

Every offset is a character offset into ``Article.text``, the document's
original text kept byte-for-byte, so ``text[start:end]`` is always exact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` into a document's text."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Metadata:
    """What is known about an article besides its text. ``None`` means not stated."""

    title: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    place: str | None = None
    dateline: str | None = None
    published: date | None = None
    url: str | None = None

    def merged(self, override: Metadata) -> Metadata:
        """Fields set in ``override`` win; unset ones keep this object's values."""
        return Metadata(
            title=override.title if override.title is not None else self.title,
            source=override.source if override.source is not None else self.source,
            authors=override.authors or self.authors,
            place=override.place if override.place is not None else self.place,
            dateline=override.dateline if override.dateline is not None else self.dateline,
            published=override.published if override.published is not None else self.published,
            url=override.url if override.url is not None else self.url,
        )


def epoch_of(day: date | None) -> int | None:
    """Midnight UTC of ``day`` as integer seconds (Chroma range filters need numbers)."""
    if day is None:
        return None
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Article:
    """One document: its id, its original text and its metadata."""

    doc_id: str
    text: str
    meta: Metadata = field(default_factory=Metadata)
    path: str | None = None

    @property
    def published_iso(self) -> str | None:
        return self.meta.published.isoformat() if self.meta.published else None

    @property
    def published_epoch(self) -> int | None:
        return epoch_of(self.meta.published)

    def content_hash(self, salt: str = "") -> str:
        """Hash of text and metadata; ``salt`` carries settings that change the index."""
        meta = {
            "title": self.meta.title,
            "source": self.meta.source,
            "authors": list(self.meta.authors),
            "place": self.meta.place,
            "dateline": self.meta.dateline,
            "published": self.published_iso,
            "url": self.meta.url,
        }
        payload = json.dumps({"text": self.text, "meta": meta, "salt": salt}, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def generation_of(content_hash: str) -> str:
    """The generation tag of a document's chunks: the first 16 hex digits of its hash."""
    return content_hash[:16]


def record_id(doc_id: str, generation: str, index: int) -> str:
    """The id of a chunk's record in the store: its ``chunk_id`` with the generation, so a
    new generation never overwrites a live one."""
    return f"{doc_id}@{generation}#{index:05d}"


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document, with exact offsets."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]

    @property
    def chunk_id(self) -> str:
        """Stable across generations: ``<doc_id>#<index>``."""
        return f"{self.doc_id}#{self.index:05d}"
