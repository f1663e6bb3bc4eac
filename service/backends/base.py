"""The interface every LLM answer backend implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypedDict

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
