"""What the runner asks of a system under test, and newsqa's own engine as one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from evals.judge import strip_markers
from evals.schema import Case
from ingest.index import Filters
from service.answers import Turn
from service.engine import AskRequest, RequestMode
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
    conflicts: list[dict[str, object]] = field(default_factory=list)
    date_applied: bool | None = None


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

    def __init__(self, parts: Components, mode: RequestMode, k: int, today: date) -> None:
        self.parts = parts
        self.mode = mode
        self.k = k
        self.today = today

    @property
    def description(self) -> str:
        chat = self.parts.chat
        backend = "extractive" if self.mode == "extractive" or chat is None else chat.name
        return f"newsqa AnswerEngine, mode={self.mode} (backend: {backend})"

    def reply(self, case: Case) -> Reply:
        engine = self.parts.engine
        request = AskRequest(
            case.question,
            tuple(Turn(t.role, t.content) for t in case.history),
            filters_for(case),
            mode=self.mode,
            today=case.as_of or self.today,
        )
        answer = engine.ask(request)
        # The engine's own retrieval step, with enough passages for hit@5.
        passages = engine.retrieve(request, self.k).passages
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
            conflicts=[c.public() for c in answer.conflicts],
            date_applied=answer.date_scope.applied if answer.date_scope else None,
        )
