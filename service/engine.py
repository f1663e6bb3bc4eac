"""AnswerEngine: condense, retrieve, generate, verify, and return an ``Answer``.

One engine serves every caller (HTTP API, CLI, evals). It never imports FastAPI.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ingest.index import Filters
from service.answers import Answer, Mode, Passage, Turn
from service.backends.base import ChatBackend, Message
from service.backends.extractive import ExtractiveAnswerer
from service.condense import condense_by_rule, history_text
from service.errors import InvalidRequest, LLMUnavailable
from service.grounding.answerability import asked_event, assess, states_event
from service.grounding.citations import Verifier, verify
from service.grounding.injection import looks_like_injection
from service.grounding.intents import keyword_expansion
from service.prompts import Prompts
from service.settings import Settings

RequestMode = Literal["auto", "llm", "extractive"]
MAX_QUESTION_CHARS = 2000
_REFUSAL_CUES = re.compile(
    r"\b(do(?:es)? not (?:contain|include|provide|mention|say|state)|no information|"
    r"not enough information|cannot (?:answer|determine|find)|unable to (?:answer|find))\b",
    re.IGNORECASE,
)


class Retriever(Protocol):
    def retrieve(
        self,
        query: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        keyword_query: str | None = None,
    ) -> list[Passage]: ...


@dataclass(frozen=True)
class Token:
    """A piece of answer text, as the backend produced it."""

    text: str


@dataclass(frozen=True)
class Final:
    """The verified answer, always the last event of a stream."""

    answer: Answer


Event = Token | Final


class AnswerEngine:
    """Answers questions from the index with verified, exact-offset citations."""

    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        verifier: Verifier,
        chat: ChatBackend | None,
        prompts: Prompts,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.verifier = verifier
        self.chat = chat
        self.prompts = prompts
        self.extractive = ExtractiveAnswerer(verifier)
        self.refusal = prompts.text("refusal")
        # Check every template renders before the first question arrives.
        prompts.variables("system")
        prompts.variables("answer")
        prompts.variables("source")
        prompts.variables("condense")

    # ---- public API ------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        mode: RequestMode = "auto",
        top_k: int | None = None,
        strict: bool = False,
    ) -> Answer:
        """Answer one question (the last event of ``stream``)."""
        for event in self.stream(question, history, filters, mode, top_k, strict):
            if isinstance(event, Final):
                return event.answer
        raise AssertionError("stream ended without an answer")  # pragma: no cover

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        mode: RequestMode = "auto",
        top_k: int | None = None,
        strict: bool = False,
    ) -> Iterator[Event]:
        """Tokens as they are produced, then one ``Final`` with the verified answer."""
        question = _check_question(question)
        started = time.perf_counter()
        timings: dict[str, float] = {}
        chat = self._chat_for(mode)
        degraded_reason = None
        if mode == "llm" and chat is None:
            degraded_reason = "no LLM backend is configured (set OPENAI_API_KEY or NEWSQA_LLM)"

        standalone, condense_problem = self._condense(question, history, chat)
        degraded_reason = degraded_reason or condense_problem

        t0 = time.perf_counter()
        expanded = f"{standalone} {keyword_expansion(standalone)}".strip()
        passages = self.retriever.retrieve(
            standalone, top_k or self.settings.top_k, filters, keyword_query=expanded
        )
        timings["retrieve"] = _ms(t0)

        answer = Answer(
            question=question,
            answer=self.refusal,
            answerable=False,
            mode=chat.name if chat else "extractive",  # type: ignore[arg-type]
            standalone_question=standalone if standalone != question else None,
        )
        t1 = time.perf_counter()
        evidence = assess(standalone, passages, self.settings.min_relevance)
        answer.refusal_reason = None if evidence.answerable else evidence.reason
        if evidence.answerable:
            text: str | None = None
            if chat is not None:
                try:
                    pieces: list[str] = []
                    for piece in chat.stream(self._messages(standalone, passages)):
                        pieces.append(piece)
                        yield Token(piece)
                    text = "".join(pieces)
                except LLMUnavailable as e:
                    degraded_reason = f"the LLM failed ({e.reason}); answered extractively"
                    answer.mode = "extractive"
            if text is None:
                text = self.extractive.answer(standalone, passages)
                answer.mode = "extractive"
                for sentence in _pieces(text):
                    yield Token(sentence)
            self._finish(answer, standalone, text, passages, strict)
        timings["generate"] = _ms(t1)
        timings["total"] = _ms(started)
        answer.timings_ms = timings
        answer.degraded = degraded_reason is not None
        answer.reason = degraded_reason
        yield Final(answer)

    async def astream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        mode: RequestMode = "auto",
        top_k: int | None = None,
        strict: bool = False,
    ) -> AsyncIterator[Event]:
        """``stream`` run in a worker thread, so the event loop never blocks on it."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event | BaseException | None] = asyncio.Queue()
        stop = threading.Event()

        def work() -> None:
            try:
                for event in self.stream(question, history, filters, mode, top_k, strict):
                    if stop.is_set():
                        return
                    loop.call_soon_threadsafe(queue.put_nowait, event)
            except BaseException as e:  # handed to the caller below
                loop.call_soon_threadsafe(queue.put_nowait, e)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        worker = threading.Thread(target=work, name="newsqa-answer", daemon=True)
        worker.start()
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()

    # ---- steps -----------------------------------------------------------------------

    def _chat_for(self, mode: RequestMode) -> ChatBackend | None:
        return None if mode == "extractive" else self.chat

    def _condense(
        self, question: str, history: Sequence[Turn], chat: ChatBackend | None
    ) -> tuple[str, str | None]:
        if not history:
            return question, None
        if chat is not None:
            prompt = self.prompts.render(
                "condense", history=history_text(history), question=question
            )
            try:
                rewritten = chat.complete([{"role": "user", "content": prompt}]).strip()
                rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
                if 3 <= len(rewritten) <= MAX_QUESTION_CHARS:
                    return rewritten, None
            except LLMUnavailable as e:
                return condense_by_rule(question, history), f"the LLM failed ({e.reason})"
        return condense_by_rule(question, history), None

    def _messages(self, question: str, passages: Sequence[Passage]) -> list[Message]:
        sources = "\n\n".join(
            self.prompts.render(
                "source",
                number=p.number,
                source=p.doc.source or "unknown outlet",
                published=p.doc.published or "date not stated",
                title=p.doc.title or "untitled",
                text=_neutralise(p),
            )
            for p in passages
        )
        system = self.prompts.render("system", refusal=self.refusal)
        user = self.prompts.render(
            "answer", sources=sources, question=question, refusal=self.refusal
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _finish(
        self,
        answer: Answer,
        question: str,
        text: str,
        passages: Sequence[Passage],
        strict: bool,
    ) -> None:
        """Verify ``text``; refuse when nothing in it is supported by the sources."""
        if _is_refusal(text, self.refusal):
            answer.refusal_reason = f"the {answer.mode} backend found no answer in the sources"
            return
        verified = verify(text, passages, self.verifier, strict=strict)
        if verified.supported_claims == 0:
            answer.refusal_reason = "no sentence of the answer is supported by the sources"
            return
        if answer.mode == "extractive" and not states_event(
            question, [s.text for s in verified.sentences]
        ):
            event = asked_event(question)
            answer.refusal_reason = f"the sources do not say that this was {event}d or done"
            return
        answer.answer = verified.text
        answer.answerable = True
        answer.citations = verified.citations
        answer.sentences = verified.sentences


def _check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InvalidRequest("question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidRequest(
            f"question is {len(question)} characters, over the {MAX_QUESTION_CHARS} limit"
        )
    return question.strip()


def _is_refusal(text: str, refusal: str) -> bool:
    stripped = text.strip()
    if not stripped or refusal.lower().rstrip(".") in stripped.lower():
        return True
    return bool(_REFUSAL_CUES.search(stripped)) and "[" not in stripped


def _neutralise(passage: Passage) -> str:
    """The passage text with instruction-like sentences blanked out for the LLM."""
    chunk = passage.chunk
    text = chunk.text
    for span in reversed(chunk.sentences):
        a, b = span.start - chunk.start, span.end - chunk.start
        if looks_like_injection(text[a:b]):
            text = text[:a] + "[instruction-like text removed]" + text[b:]
    return text


def _pieces(text: str) -> list[str]:
    """Extractive text cut into word-sized pieces, so it streams like generated text."""
    return re.findall(r"\S+\s*|\s+", text)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


__all__ = ["AnswerEngine", "Event", "Final", "Mode", "RequestMode", "Token"]
