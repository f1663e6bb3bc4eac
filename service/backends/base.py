"""The interfaces of answer backends: ``ChatBackend`` (an LLM behind a chat API) and
``Answerer`` (anything that turns a question and its passages into an answer text with
``[n]`` markers: the LLM answerer and the extractive answerer alike, so the engine never
asks which it has)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypedDict

from service.answers import Passage
from service.grounding.answerability import Verdict
from service.grounding.question import Question

ProcessState = Literal["starting", "ready", "restarting", "failed", "stopped"]


class Message(TypedDict):
    """One chat message, as OpenAI's chat API takes it."""

    role: str
    content: str


@dataclass(frozen=True)
class ProcessStatus:
    """A model process a backend runs and supervises, as /readyz and /metrics show it."""

    state: ProcessState
    pid: int | None
    restarts: int
    reason: str | None = None  # why it is not ready, or why it last stopped


class ChatBackend(Protocol):
    """Streams the text of a chat completion. Raises ``LLMUnavailable`` on any failure."""

    name: str

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield pieces of the reply as the model produces them."""
        ...

    def complete(self, messages: Sequence[Message]) -> str:
        """The whole reply at once (used for short tasks such as condensing a follow-up)."""
        ...

    def process(self) -> ProcessStatus | None:
        """The model process this backend runs, or ``None`` (a remote endpoint)."""
        ...

    def close(self) -> None:
        """Release what the backend holds: connections, its model process."""
        ...


@dataclass(frozen=True)
class Draft:
    """What an answerer is given: the question read, its passages, and the verdict on
    whether (and by which sentences) they answer it."""

    question: Question
    passages: Sequence[Passage]
    verdict: Verdict


class Answerer(Protocol):
    """Produces the answer text, with ``[n]`` markers naming passages, in pieces.

    Raises ``LLMUnavailable`` when it cannot (the engine then answers extractively)."""

    name: str

    def answer(self, draft: Draft) -> Iterator[str]: ...
