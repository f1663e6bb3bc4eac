"""What the runner asks of a system under test, and newsqa's own engine as one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from evals.schema import Case
from ingest.index import Filters
from service.answers import Turn
from service.engine import RequestMode
from service.grounding.citations import strip_markers
from service.grounding.intents import keyword_expansion
from service.wiring import Components


@dataclass(frozen=True)
class Quote:
    """One citation of a reply: its marker, article and exact span (when known)."""

    marker: int
    doc_id: str
    quote: str
    start: int | None
    end: int | None


@dataclass
class Reply:
    """What a system answered, in a shape both newsqa and the baseline can fill."""

    answer: str
    answerable: bool
    citations: list[Quote]
    claims: list[tuple[str, tuple[int, ...]]]  # answer sentences without markers, markers
    retrieved: list[str]  # doc id of each retrieved passage, best first
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str | None = None
    refusal_reason: str | None = None


class System(Protocol):
    name: str

    @property
    def description(self) -> str: ...

    def reply(self, case: Case) -> Reply: ...


def filters_for(case: Case) -> Filters | None:
    return Filters(doc_ids=tuple(case.restrict_to)) if case.restrict_to else None


class NewsqaSystem:
    """The service's own ``AnswerEngine``, asked exactly as the API asks it."""

    name = "newsqa"

    def __init__(self, parts: Components, mode: RequestMode, k: int) -> None:
        self.parts = parts
        self.mode = mode
        self.k = k

    @property
    def description(self) -> str:
        chat = self.parts.engine.chat
        backend = "extractive" if self.mode == "extractive" or chat is None else chat.name
        return f"newsqa AnswerEngine, mode={self.mode} (backend: {backend})"

    def reply(self, case: Case) -> Reply:
        engine = self.parts.engine
        history = [Turn(t.role, t.content) for t in case.history]
        filters = filters_for(case)
        answer = engine.ask(case.question, history, filters, mode=self.mode)
        standalone = answer.standalone_question or case.question
        # The engine's own retriever, asked the way the engine asks it (question plus the
        # keyword expansion for BM25), with enough passages for hit@5.
        expanded = f"{standalone} {keyword_expansion(standalone)}".strip()
        passages = engine.retriever.retrieve(standalone, self.k, filters, keyword_query=expanded)
        return Reply(
            answer=answer.answer,
            answerable=answer.answerable,
            citations=[
                Quote(c.marker, c.doc_id, c.quote, c.start, c.end) for c in answer.citations
            ],
            claims=[(strip_markers(s.text), s.markers) for s in answer.sentences],
            retrieved=[p.doc_id for p in passages],
            timings_ms=dict(answer.timings_ms),
            standalone_question=answer.standalone_question,
            refusal_reason=answer.refusal_reason,
        )
