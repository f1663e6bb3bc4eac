"""Small, deterministic English text helpers: content words, light stems, injection cues."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say told tell according would could also one two mr ms s t don't it's
    """.split()
)

_SUFFIXES = ("ational", "ization", "iveness", "fulness", "ousness", "ations", "ation", "ments",
             "ment", "ness", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")  # fmt: skip


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stem: 'negotiations' and 'negotiating' both give 'negoti'."""
    word = word.replace("’", "'").split("'")[0]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("at"):
        word = word[:-2]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, no one-letter tokens)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def lexical_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content stems that the evidence contains (0 when none)."""
    wanted = set(content_stems(claim))
    if not wanted:
        return 0.0
    return len(wanted & set(content_stems(evidence))) / len(wanted)


_INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b[^.]{0,40}\b(instructions?|prompts?|rules|directions)\b"
    r"|\b(system prompt|you are (?:now )?(?:an? )?(?:ai|assistant|chatgpt|language model))\b"
    r"|\b(?:respond|reply|answer) only with\b",
    re.IGNORECASE,
)


def looks_like_injection(sentence: str) -> bool:
    """True for text that addresses an AI model with instructions: never used as evidence."""
    return bool(_INJECTION.search(sentence))
