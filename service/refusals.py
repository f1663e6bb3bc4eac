"""What a refusal looks like: the one definition the engine (reading an LLM's reply) and the
evaluations (reading a system without an ``answerable`` flag) share."""

from __future__ import annotations

import re

_CUES = re.compile(
    r"\b(do(?:es)? not (?:contain|include|provide|mention|say|state)|no information|"
    r"none of the sources|not enough information|cannot (?:answer|determine|find)|"
    r"unable to (?:answer|find))\b"
    r"|^\s*empty response\s*$",
    re.IGNORECASE,
)


def says_no_answer(text: str) -> bool:
    """Whether ``text`` says the sources hold no answer (or is empty)."""
    return not text.strip() or bool(_CUES.search(text))


def is_refusal(text: str, refusal: str) -> bool:
    """Whether an answer text is a refusal: empty, the refusal message, or a reply that says
    the sources hold no answer and cites nothing."""
    stripped = text.strip()
    if not stripped or refusal.lower().rstrip(".") in stripped.lower():
        return True
    return says_no_answer(stripped) and "[" not in stripped
