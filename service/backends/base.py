"""The interface every LLM answer backend implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, TypedDict


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
