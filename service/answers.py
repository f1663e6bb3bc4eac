"""The read side's plain data: passages given to a backend, citations, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from ingest.index import DocumentRecord
from ingest.model import Chunk, Span

if TYPE_CHECKING:
    from service.grounding.conflicts import Conflict

Mode = Literal["openai", "llamacpp", "extractive"]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its document's metadata, numbered as the backend sees it."""

    number: int
    chunk: Chunk
    doc: DocumentRecord
    score: float
    similarity: float
    # Only sentences inside this span may be quoted (the rest of the chunk is context).
    quotable: Span | None = None

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    def quote(self, span: Span) -> str:
        """The document's text at ``span`` (absolute offsets inside this passage's chunk)."""
        offset = self.chunk.start
        return self.chunk.text[span.start - offset : span.end - offset]


@dataclass(frozen=True)
class Citation:
    """One ``[marker]`` of an answer resolved to an exact sentence span of an article."""

    marker: int
    doc_id: str
    title: str | None
    source: str | None
    published: str | None
    quote: str
    start: int
    end: int
    supported: bool
    score: float = 0.0

    def public(self) -> dict[str, object]:
        """The fields every API reply carries."""
        return {
            "marker": self.marker,
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "supported": self.supported,
        }


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of the final answer: its offsets in the answer, markers and verdict."""

    text: str
    start: int
    end: int
    markers: tuple[int, ...]
    supported: bool
    reason: str | None = None  # why it is not supported, when it is not


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class DateScopeNote:
    """How the dates a question names were used: the publication range taken from them,
    whether it was applied as a filter, and why not."""

    phrase: str
    published_after: date | None
    published_before: date | None
    latest: bool
    applied: bool
    note: str | None

    def public(self) -> dict[str, object]:
        return {
            "phrase": self.phrase,
            "published_after": _iso(self.published_after),
            "published_before": _iso(self.published_before),
            "latest": self.latest,
            "applied": self.applied,
            "note": self.note,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class Answer:
    """What the engine returns for one question."""

    question: str
    answer: str
    answerable: bool
    mode: Mode
    citations: list[Citation] = field(default_factory=list)
    sentences: list[AnswerSentence] = field(default_factory=list)
    degraded: bool = False
    reason: str | None = None
    refusal_reason: str | None = None
    standalone_question: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    date_scope: DateScopeNote | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


def sentence_payload(s: AnswerSentence) -> dict[str, object]:
    return {
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "markers": list(s.markers),
        "supported": s.supported,
        "reason": s.reason,
    }


def answer_payload(answer: Answer) -> dict[str, object]:
    """The response object every caller sees (API, CLI ``--json``, evals)."""
    return {
        "answer": answer.answer,
        "answerable": answer.answerable,
        "mode": answer.mode,
        "degraded": answer.degraded,
        "reason": answer.reason,
        "refusal_reason": answer.refusal_reason,
        "standalone_question": answer.standalone_question,
        "citations": [c.public() for c in answer.citations],
        "sentences": [sentence_payload(s) for s in answer.sentences],
        "conflicts": [c.public() for c in answer.conflicts],
        "date_scope": answer.date_scope.public() if answer.date_scope else None,
        "timings_ms": answer.timings_ms,
    }
