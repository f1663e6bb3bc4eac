"""AnswerEngine: AskRequest -> condense -> read the question -> retrieve -> decide
answerability -> generate -> verify -> Answer.

One engine serves every caller (HTTP API, CLI, evals). It never imports FastAPI.

Just over 300 lines: the steps in their order, each a short method, with the sync and the
async entry points beside them; dates as filters are in ``date_filters``, limits in
``limits``, the trust logic in ``grounding``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from ingest.index import Filters
from service.answers import Answer, DateScopeNote, Mode, Passage, Turn
from service.backends.base import Answerer, Draft
from service.condense import Condenser
from service.date_filters import date_filters, newest_only
from service.errors import LLMUnavailable
from service.grounding.answerability import Thresholds, assess, casing_of, judge_quotes
from service.grounding.citations import Verified, Verifier, verify
from service.grounding.conflicts import Statement, find_conflicts
from service.grounding.fillers import filler_of
from service.grounding.markers import strip_markers
from service.grounding.question import Question, analyse, keyword_expansion, with_casing
from service.limits import check_question
from service.refusals import is_refusal

RequestMode = Literal["auto", "llm", "extractive"]


class Retriever(Protocol):
    def retrieve(
        self,
        query: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        keyword_query: str | None = None,
    ) -> list[Passage]: ...

    def dated_documents(self) -> int: ...


@dataclass(frozen=True)
class AskRequest:
    """One question and how to answer it: the one request object every caller builds."""

    question: str
    history: Sequence[Turn] = ()
    filters: Filters | None = None
    mode: RequestMode = "auto"
    top_k: int | None = None
    strict: bool = False
    today: date | None = None  # what 'last year' is relative to (default: the real today)


@dataclass(frozen=True)
class Token:
    """A piece of answer text, as the backend produced it."""

    text: str


@dataclass(frozen=True)
class Final:
    """The verified answer, always the last event of a stream."""

    answer: Answer


Event = Token | Final


@dataclass
class Retrieval:
    """What the engine retrieved for a request, and how it read the question."""

    standalone: str
    question: Question
    passages: list[Passage]
    filters: Filters | None
    scope: DateScopeNote | None
    condense_problem: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


class AnswerEngine:
    """Answers questions from the index with verified, exact-offset citations."""

    def __init__(
        self,
        settings_top_k: int,
        thresholds: Thresholds,
        retriever: Retriever,
        verifier: Verifier,
        answerer: Answerer,
        extractive: Answerer,
        condenser: Condenser,
        refusal: str,
        workers: int = 4,
    ) -> None:
        self.top_k = settings_top_k
        self.thresholds = thresholds
        self.retriever = retriever
        self.verifier = verifier
        self.answerer = answerer
        self.extractive = extractive
        self.condenser = condenser
        self.refusal = refusal
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsqa-answer")

    @property
    def has_llm(self) -> bool:
        return self.answerer is not self.extractive

    # ---- public API ------------------------------------------------------------------

    def ask(self, request: AskRequest) -> Answer:
        """Answer one question (the last event of ``stream``)."""
        for event in self.stream(request):
            if isinstance(event, Final):
                return event.answer
        raise AssertionError("stream ended without an answer")  # pragma: no cover

    def retrieve(self, request: AskRequest, top_k: int | None = None) -> Retrieval:
        """Condense, read the question, turn its dates into filters, and retrieve: what
        ``stream`` does before answering (the evals measure retrieval through this)."""
        question = check_question(request.question)
        use_llm = request.mode != "extractive"
        standalone, problem = self.condenser.condense(question, request.history, use_llm)
        t0 = time.perf_counter()
        read = analyse(standalone, request.today)
        filters, scope = date_filters(read.scope, request.filters, self.retriever.dated_documents)
        passages = self.retriever.retrieve(
            standalone,
            top_k or request.top_k or self.top_k,
            filters,
            keyword_query=f"{standalone} {keyword_expansion(read)}".strip(),
        )
        read = with_casing(read, casing_of(passages), request.today)
        return Retrieval(standalone, read, passages, filters, scope, problem,
                         {"retrieve": _ms(t0)})  # fmt: skip

    def stream(self, request: AskRequest) -> Iterator[Event]:
        """Tokens as they are produced, then one ``Final`` with the verified answer."""
        started = time.perf_counter()
        answerer, degraded_reason = self._answerer_for(request.mode)
        found = self.retrieve(request)
        degraded_reason = degraded_reason or found.condense_problem
        timings = dict(found.timings)
        answer = Answer(
            question=request.question.strip(),
            answer=self.refusal,
            answerable=False,
            mode=answerer.name,  # type: ignore[arg-type]
            standalone_question=found.standalone if found.standalone != request.question.strip()
            else None,
            date_scope=found.scope,
        )  # fmt: skip
        t1 = time.perf_counter()
        dated = found.scope is not None and found.scope.applied
        similarity = self._similarity(found.question.text)
        verdict = assess(found.question, found.passages, self.thresholds, dated, similarity)
        if found.scope is not None and found.scope.latest:
            verdict = newest_only(verdict)
        answer.refusal_reason = None if verdict.answerable else verdict.reason
        if verdict.answerable:
            draft = Draft(found.question, found.passages, verdict)
            text: str | None = None
            try:
                pieces: list[str] = []
                for piece in answerer.answer(draft):
                    pieces.append(piece)
                    yield Token(piece)
                text = "".join(pieces)
            except LLMUnavailable as e:
                degraded_reason = f"the LLM failed ({e.reason}); answered extractively"
            if text is None:
                answerer = self.extractive
                pieces = []
                for piece in self.extractive.answer(draft):
                    pieces.append(piece)
                    yield Token(piece)
                text = "".join(pieces)
            answer.mode = answerer.name  # type: ignore[assignment]
            self._finish(answer, draft, text, request.strict, dated)
        timings["generate"] = _ms(t1)
        timings["total"] = _ms(started)
        answer.timings_ms = timings
        answer.degraded = degraded_reason is not None
        answer.reason = degraded_reason
        yield Final(answer)

    async def aask(self, request: AskRequest) -> Answer:
        """``ask`` on the engine's bounded worker pool (for callers on an event loop)."""
        return await asyncio.wrap_future(self._pool.submit(self.ask, request))

    async def astream(self, request: AskRequest) -> AsyncIterator[Event]:
        """``stream`` run on the engine's bounded worker pool, so the event loop never blocks
        on it and a burst of requests queues instead of starting a thread each."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event | BaseException | None] = asyncio.Queue()
        stop = threading.Event()

        def work() -> None:
            try:
                for event in self.stream(request):
                    if stop.is_set():
                        return
                    loop.call_soon_threadsafe(queue.put_nowait, event)
            except BaseException as e:  # handed to the caller below
                loop.call_soon_threadsafe(queue.put_nowait, e)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        self._pool.submit(work)
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()

    def close(self) -> None:
        """Stop the worker pool (queued requests are dropped)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ---- steps -----------------------------------------------------------------------

    def _similarity(self, question: str) -> Callable[[Sequence[str]], list[float]]:
        """Cosine of ``question`` with texts, by the verifier's embeddings (cached)."""

        def similarity(texts: Sequence[str]) -> list[float]:
            vectors = self.verifier.vectors([question, *texts])
            return [float(v @ vectors[0]) for v in vectors[1:]]

        return similarity

    def _answerer_for(self, mode: RequestMode) -> tuple[Answerer, str | None]:
        if mode == "extractive":
            return self.extractive, None
        if mode == "llm" and not self.has_llm:
            reason = "no LLM backend is configured (set OPENAI_API_KEY or NEWSQA_LLM)"
            return self.extractive, reason
        return self.answerer, None

    def _finish(self, answer: Answer, draft: Draft, text: str, strict: bool, dated: bool) -> None:
        """Verify ``text``; refuse when nothing in it is supported or none of its supported
        quotes answers the question."""
        if is_refusal(text, self.refusal):
            answer.refusal_reason = f"the {answer.mode} backend found no answer in the sources"
            return
        verified = verify(text, draft.passages, self.verifier, strict=strict)
        if verified.supported_claims == 0:
            answer.refusal_reason = "no sentence of the answer is supported by the sources"
            return
        cited = [
            (e.passage, e.span)
            for marker, e in verified.evidence.items()
            if any(c.marker == marker and c.supported for c in verified.citations)
        ]
        check = judge_quotes(
            draft.question,
            cited,
            dated,
            self.thresholds,
            self._similarity(draft.question.text),
            draft.passages,
        )
        if not check.answerable:
            answer.refusal_reason = f"the cited sources do not answer it: {check.reason}"
            return
        answer.answer = verified.text
        answer.answerable = True
        answer.citations = verified.citations
        answer.sentences = verified.sentences
        answer.conflicts = find_conflicts(draft.question, _statements(draft, verified))


def _statements(draft: Draft, verified: Verified) -> list[Statement]:
    """Each supported sentence of the answer, with its cited quote's filler, per citation."""
    out = []
    supported = {c.marker for c in verified.citations if c.supported}
    for sentence in verified.sentences:
        if not sentence.supported:
            continue
        for marker in sentence.markers:
            evidence = verified.evidence.get(marker)
            if evidence is None or marker not in supported:
                continue
            doc = evidence.passage.doc
            filler = filler_of(draft.question, evidence.text)
            out.append(Statement(strip_markers(sentence.text), evidence.passage.doc_id,
                                 doc.source, doc.published, (marker,), filler))  # fmt: skip
    return out


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


__all__ = [
    "AnswerEngine", "AskRequest", "Event", "Final", "Mode", "RequestMode", "Retrieval", "Token",
]  # fmt: skip
