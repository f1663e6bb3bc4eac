"""Sentences of an article that address an AI model with instructions: blanked out before
an LLM sees them, and never used as evidence."""

from __future__ import annotations

import re

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b[^.]{0,40}\b(instructions?|prompts?|rules|directions)\b"
    r"|\b(system prompt|you are (?:now )?(?:an? )?(?:ai|assistant|chatgpt|language model))\b"
    r"|\b(?:respond|reply|answer) only with\b",
    re.IGNORECASE,
)


def looks_like_injection(sentence: str) -> bool:
    """True for text that addresses an AI model with instructions: never used as evidence."""
    return bool(_INJECTION.search(sentence))
