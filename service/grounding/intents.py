"""Question types and the sentences that answer them: 'when' wants a date, 'how many' a
number, 'what are the conditions' a demand. Used to rank sentences and expand keyword
queries when no LLM is there to understand the question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import MONTH


@dataclass(frozen=True)
class Intent:
    """A kind of question, the cue of a sentence that answers it, and its weight."""

    name: str
    asks: re.Pattern[str]
    answers: re.Pattern[str]
    weight: float = 1.0
    expansion: str = ""


INTENTS: tuple[Intent, ...] = (
    Intent(
        "conditions",
        re.compile(r"\b(pre)?conditions?\b|\bdemands?\b|\bterms\b|\brequire|\bwants?\b|"
                   r"\bposition\b|\bstance\b|\bprerequisites?\b", re.I),
        re.compile(r"\b(should|must|wants?|insists?|needs?|demands?|conditions?|binding|"
                   r"only if|unless|first move|require[sd]?|rules? out)\b", re.I),
        expansion="should must wants insists demands conditions binding first move",
    ),
    Intent(
        "time",
        re.compile(r"^\s*when\b|\b(what|which) (day|date|year|month|time)\b|\bhow long ago\b",
                   re.I),
        re.compile(rf"\b(19|20)\d\d\b|\b{MONTH}\.?\s+\d|\b(monday|tuesday|wednesday|thursday|"
                   r"friday|saturday|sunday)\b|\bmid-\w+|\b(yesterday|last (week|month|year))\b|"
                   r"\b(january|february|march|april|june|july|august|september|october|"
                   r"november|december)\b|\b(this|next|last) (week|month|year)\b", re.I),
    ),
    Intent(
        "quantity",
        re.compile(r"^\s*how (many|much|long)\b", re.I),
        re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozens?|"
                   r"hundreds?|thousands?|millions?)\b", re.I),
    ),
    Intent(
        "reason",
        re.compile(r"^\s*why\b", re.I),
        re.compile(r"\b(because|since|due to|as a result|so that|in order to|aimed at)\b", re.I),
        expansion="because reason due",
    ),
    Intent(
        "place",
        re.compile(r"^\s*where\b", re.I),
        re.compile(r"\b(in|at) [A-Z][a-z]+"),
    ),
    Intent(  # weak: most news sentences are attributed
        "statement",
        re.compile(r"\b(say|said|says|stated?|claim(ed)?|tell|told|call(ed)?)\b", re.I),
        re.compile(r"[“\"]|\b(said|says|told|added|noted|stressed)\b", re.I),
        weight=0.3,
    ),
)  # fmt: skip


def intents_of(question: str) -> list[Intent]:
    """The intents a question shows."""
    return [i for i in INTENTS if i.asks.search(question)]


def cue_score(question: str, sentence: str) -> float:
    """How strongly the sentence answers the question's intents: each intent counts its
    distinct cues in the sentence, up to two, times its weight (0 when none)."""
    total = 0.0
    for intent in intents_of(question):
        cues = {m.group(0).lower() for m in intent.answers.finditer(sentence)}
        total += intent.weight * min(len(cues), 2)
    return total


def keyword_expansion(question: str) -> str:
    """Words to add to a keyword query for the question's intents."""
    return " ".join(i.expansion for i in intents_of(question) if i.expansion)
