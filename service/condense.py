"""Turn a follow-up question into a stand-alone one, by the LLM or by a simple rule."""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.answers import Turn
from service.backends.base import ChatBackend
from service.errors import LLMUnavailable
from service.grounding.question import analyse
from service.prompts import Prompts

_PRONOUN = re.compile(r"\b(he|she|him|his|her|they|them|their|it|its|this|that|there)\b", re.I)
_PERSON = re.compile(r"\b(he|she|him|his|her)\b", re.I)


def names_in(text: str) -> list[str]:
    """The names a question is about (question analysis reads them)."""
    return list(analyse(text).names)


def condense_by_rule(question: str, history: Sequence[Turn]) -> str:
    """Replace a person pronoun with the last named subject of the previous question.

    A follow-up that names nobody and refers back ("What did he say about NATO?") gets the
    earlier question's names; a question that stands alone is returned unchanged.
    """
    earlier = [t.content for t in history if t.role == "user"]
    if not earlier or not _PRONOUN.search(question):
        return question
    if not _PERSON.search(question) and names_in(question):
        return question
    names = [n for text in reversed(earlier) for n in names_in(text)]
    if not names:
        return f"{question} ({earlier[-1]})"
    subject = names[0]

    def swap(match: re.Match[str]) -> str:
        word = match.group(0).lower()
        if word in {"his", "her", "their", "its"}:
            return f"{subject}'s"
        if word in {"he", "she", "him", "they", "them"}:
            return subject
        return match.group(0)

    rewritten = re.sub(r"\b(he|she|him|his|her|they|them|their)\b", swap, question, count=1,
                       flags=re.I)  # fmt: skip
    if rewritten == question:
        rewritten = f"{question} ({subject})"
    return rewritten


def history_text(history: Sequence[Turn], limit: int = 6) -> str:
    """The last turns as 'User: ...' / 'Assistant: ...' lines for the condense prompt."""
    lines = []
    for turn in history[-limit:]:
        speaker = "User" if turn.role == "user" else "Assistant"
        lines.append(f"{speaker}: {turn.content.strip()[:1500]}")
    return "\n".join(lines)


class Condenser:
    """Rewrites follow-ups with the LLM when there is one (``prompts/condense.txt``), by rule
    otherwise or when the LLM fails."""

    def __init__(self, chat: ChatBackend | None, prompts: Prompts, max_chars: int) -> None:
        self.chat = chat
        self.prompts = prompts
        self.max_chars = max_chars
        prompts.variables("condense")

    def condense(
        self, question: str, history: Sequence[Turn], use_llm: bool = True
    ) -> tuple[str, str | None]:
        """(stand-alone question, why the LLM could not be used or None)."""
        if not history:
            return question, None
        if self.chat is not None and use_llm:
            prompt = self.prompts.render(
                "condense", history=history_text(history), question=question
            )
            try:
                rewritten = self.chat.complete([{"role": "user", "content": prompt}]).strip()
                rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
                if 3 <= len(rewritten) <= self.max_chars:
                    return rewritten, None
            except LLMUnavailable as e:
                return condense_by_rule(question, history), f"the LLM failed ({e.reason})"
        return condense_by_rule(question, history), None
