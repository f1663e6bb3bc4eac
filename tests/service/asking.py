"""Ask the engine in tests: one ``AskRequest`` from a question and keyword options."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from service.answers import Answer
from service.engine import AskRequest, Event
from service.wiring import Components


def ask(parts: Components, question: str, **options: Any) -> Answer:
    return parts.engine.ask(AskRequest(question, **options))


def stream(parts: Components, question: str, **options: Any) -> list[Event]:
    return list(parts.engine.stream(AskRequest(question, **options)))


def astream(parts: Components, question: str, **options: Any) -> AsyncIterator[Event]:
    return parts.engine.astream(AskRequest(question, **options))
