"""Turn a follow-up question into a stand-alone one, by the LLM or by a simple rule."""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.answers import Turn
from service.text import STOPWORDS

_PRONOUN = re.compile(r"\b(he|she|him|his|her|they|them|their|it|its|this|that|there)\b", re.I)
_NAME = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")
_PERSON = re.compile(r"\b(he|she|him|his|her)\b", re.I)
_QUESTION_WORDS = {"what", "who", "when", "where", "why", "how", "which", "did", "does", "is"}


def names_in(text: str) -> list[str]:
    """Capitalised names in a question. Its first word counts only when a name goes on after
    it ('Ned Price said ...'), not when it merely opens the sentence ('Besides, ...')."""
    found = []
    for match in _NAME.finditer(text):
        words = [_trim(w) for w in match.group(0).split() if w.lower() not in _QUESTION_WORDS]
        if match.start() == len(text) - len(text.lstrip()) and len(words) == 1:
            continue
        words = [w for w in words if w.lower() not in STOPWORDS]
        if words:
            found.append(" ".join(words))
    return found


def _trim(word: str) -> str:
    """Drop a sentence-final period, keep an abbreviation's ('U.S.')."""
    return word[:-1] if word.endswith(".") and word.count(".") == 1 else word


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
