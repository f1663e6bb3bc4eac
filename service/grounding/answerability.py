"""Decide, before generating, whether the retrieved passages can answer a question at all.

A question names what it is about: people, places and organisations (capitalised names),
times (years, months) and, for "how many" questions, the thing counted. When the passages
never mention one of these, the corpus cannot hold the answer, however close the passages
are in meaning ("What did Lavrov say about China?" over articles about Lavrov and Ukraine).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.dates import MONTHS
from service.answers import Passage
from service.condense import names_in
from service.text import STOPWORDS, lexical_recall, stem, words

_TIME = re.compile(rf"\b((?:19|20)\d\d|{'|'.join(m.capitalize() for m in MONTHS if len(m) > 3)})\b")
_COUNTED = re.compile(r"\bhow (?:many|much)\s+(?:of\s+)?(?:the\s+)?([a-z]+)", re.I)
# Coverage of the question's words by one passage that, with every name present, is
# evidence enough even when embeddings disagree (short questions: "What did Kirby say?").
NAMED_COVERAGE = 0.75


@dataclass(frozen=True)
class Evidence:
    """The verdict and the numbers behind it."""

    answerable: bool
    reason: str
    similarity: float
    coverage: float


def required_terms(question: str) -> list[str]:
    """What the question is about and the passages must mention: names, times, the thing
    counted by 'how many'."""
    terms = names_in(question)
    terms += [t for t in _TIME.findall(question) if t not in " ".join(terms)]
    counted = _COUNTED.search(question)
    if counted and counted.group(1).lower() not in STOPWORDS:
        terms.append(counted.group(1))
    return terms


def mentions(text: str, term: str) -> bool:
    """Whether ``text`` mentions ``term``: every word of it, spelled alike ('G20' = 'G-20' =
    'Group of 20'), or, for long words, the same stem start ('Western' ~ 'West',
    'Presidential' ~ 'President')."""
    folded = text.lower().replace("-", "").replace("’", "'")
    group = re.fullmatch(r"G-?(\d{1,2})", term.strip())
    if group and re.search(rf"\bgroup of {group.group(1)}\b", folded):
        return True  # 'G20' is written 'Group of 20' as often as not
    for word in words(term.replace("-", "")):
        if re.search(rf"\b{re.escape(word)}", folded):
            continue
        root = stem(word)
        prefix = root if len(word) <= 6 else word[: max(4, len(word) - 3)]
        if not re.search(rf"\b{re.escape(prefix)}", folded):
            return False
    return True


def assess(question: str, passages: Sequence[Passage], min_relevance: float) -> Evidence:
    """Refuse when nothing was retrieved, when something the question is about appears in no
    passage, or when no passage is close to the question in meaning or in words."""
    if not passages:
        return Evidence(False, "nothing was retrieved", 0.0, 0.0)
    similarity = max(p.similarity for p in passages)
    coverage = max(lexical_recall(question, p.chunk.text) for p in passages)
    text = "\n".join(p.chunk.text for p in passages)
    terms = required_terms(question)
    missing = [t for t in terms if not mentions(text, t)]
    if missing:
        return Evidence(False, f"no passage mentions {', '.join(missing)}", similarity, coverage)
    if similarity >= min_relevance or (terms and coverage >= NAMED_COVERAGE):
        return Evidence(True, "relevant passages found", similarity, coverage)
    return Evidence(
        False,
        f"the closest passage is too far from the question (similarity {similarity:.2f})",
        similarity,
        coverage,
    )


# Verbs of events a question may ask about ("What did Erdogan propose?"), with their forms.
# Speech verbs (say, tell, suggest, ...) are not here: any attributed sentence answers those.
_EVENT_VERBS: dict[str, tuple[str, ...]] = {
    "propose": ("propos",), "present": ("present",), "agree": ("agree",),
    "accept": ("accept",), "decide": ("decid", "decision"), "sign": ("sign",),
    "announce": ("announc",), "offer": ("offer",), "reject": ("reject",),
    "approve": ("approv",), "order": ("order",), "promise": ("promis",),
    "pledge": ("pledg",), "send": ("send", "sent"), "meet": ("meet", "met"),
    "discuss": ("discuss",), "launch": ("launch",), "deliver": ("deliver",),
}  # fmt: skip
_MODAL = re.compile(r"\b(would|could|might|may|will|shall|opportunity to|plans? to|hopes? to)\b",
                    re.I)  # fmt: skip
_ASKED_EVENT = re.compile(r"\b(?:what|which)\b[^?]*?\bdid\b([^?,]*)", re.I)


def asked_event(question: str) -> str | None:
    """The event verb of a 'what/which ... did X <verb>' question, if it asks about one."""
    match = _ASKED_EVENT.search(question)
    if not match:
        return None
    for word in words(match.group(1)):
        if word in _EVENT_VERBS:
            return word
    return None


def states_event(question: str, sentences: Sequence[str]) -> bool:
    """Whether some sentence states the event the question asks about as having happened,
    not as a possibility ('would have an opportunity to put proposals')."""
    verb = asked_event(question)
    if verb is None:
        return True
    forms = _EVENT_VERBS[verb]
    for sentence in sentences:
        for match in re.finditer(rf"\b({'|'.join(forms)})\w*", sentence, re.I):
            if not _MODAL.search(sentence[: match.start()]):
                return True
    return False
