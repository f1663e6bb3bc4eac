"""The interfaces of answer backends: ``ChatBackend`` (an LLM behind a chat API) and
``Answerer`` (anything that turns a question and its passages into an answer text with
``[n]`` markers: the LLM answerer and the extractive answerer alike, so the engine never
asks which it has)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypedDict

from service.answers import Passage
from service.grounding.answerability import Verdict
from service.grounding.question import Question


class Message(TypedDict):
    """One chat message, as OpenAI's chat API takes it."""

    role: str
    content: str


class ChatBackend(Protocol):
    """Streams the text of a chat completion. Raises ``LLMUnavailable`` on any failure."""

    name: str

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield pieces of the reply as the model produces them."""
        ...

    def complete(self, messages: Sequence[Message]) -> str:
        """The whole reply at once (used for short tasks such as condensing a follow-up)."""
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
