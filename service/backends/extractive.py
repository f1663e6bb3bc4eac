"""The extractive answerer: no LLM, the answer is the passages' own best sentences.

Query-focused sentence ranking (embedding similarity plus content-word overlap with the
question), redundancy removed by maximal marginal relevance, sentences grouped by article
(newest dated article first) and kept in article order. Faithful by construction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ingest.model import Span
from service.answers import Passage
from service.grounding.citations import Verifier, evidence_of
from service.grounding.injection import looks_like_injection
from service.grounding.intents import cue_score, intents_of
from service.text import content_stems, lexical_recall

SIMILARITY_WEIGHT = 0.6
RANK_WEIGHT = 0.1
CUE_BONUS = 0.12
_NOT_A_CLAIM = re.compile(
    r"^(by |image:|photo:|\(additional reporting|\(reporting by|editing by|all news$)",
    re.IGNORECASE,
)


MISSING_CUE_FACTOR = 0.8
_FACTOID = re.compile(r"^\s*(who|when|where|how (many|much|long|old)|which)\b", re.I)
_LIST = re.compile(r"^\s*(what|which) (are|were)\b|\b(list|all the|conditions|demands|"
                   r"preconditions|reasons|steps)\b", re.I)  # fmt: skip


def answer_shape(question: str) -> tuple[int, float]:
    """How many sentences at most, and how close to the best one each must score.

    A factoid question (who, when, how many) wants one or two precise sentences; a question
    asking for a list (conditions, reasons) wants several; others something in between.
    """
    if _LIST.search(question):
        return 5, 0.6
    if _FACTOID.search(question):
        return 2, 0.85
    return 3, 0.75


# Cosine above which two sentences say the same thing (one is dropped) ...
DUPLICATE = 0.9
# Support (see citations.Verifier) above which a sentence of another article is cited as
# a second source of a chosen sentence.
CORROBORATION = 0.5
SAME_DOC_PENALTY = 0.0


def cue_factor(question: str, sentence: str) -> tuple[float, float]:
    """(bonus, factor) for a sentence of the kind the question asks for (a date for 'when')
    or not: a question with a clear type down-weights sentences of another type."""
    strong = [i for i in intents_of(question) if i.weight >= 1]
    factor = 1.0
    if strong and not any(i.answers.search(sentence) for i in strong):
        factor = MISSING_CUE_FACTOR
    return CUE_BONUS * cue_score(question, sentence), factor


@dataclass(frozen=True)
class Candidate:
    """One sentence of a passage and how well it answers the question."""

    passage: Passage
    span: Span
    text: str
    score: float
    also: tuple[int, ...] = ()


class ExtractiveAnswerer:
    """Picks the few sentences that answer a question best, each cited with its passage."""

    name = "extractive"

    def __init__(self, verifier: Verifier, max_chars: int = 1100) -> None:
        self.verifier = verifier
        self.max_chars = max_chars

    def candidates(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """Every usable sentence of the passages, scored against the question, best first."""
        seen: set[tuple[str, int, int]] = set()
        found: list[tuple[Passage, Span, str]] = []
        for passage in passages:
            for span in passage.chunk.sentences:
                key = (passage.doc_id, span.start, span.end)
                text = passage.quote(span)
                if key in seen or not _is_claim(text):
                    continue
                seen.add(key)
                found.append((passage, span, text))
        if not found:
            return []
        vectors = self.verifier.vectors([question] + [t for _, _, t in found])
        similarity = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
        ranks = max(p.number for p in passages)
        scored = []
        for i, (p, s, t) in enumerate(found):
            bonus, factor = cue_factor(question, t)
            base = (
                SIMILARITY_WEIGHT * float(similarity[i])
                + (1 - SIMILARITY_WEIGHT) * lexical_recall(question, t)
                + RANK_WEIGHT * (1 - (p.number - 1) / ranks)
            )
            scored.append(Candidate(p, s, t, factor * base + bonus))
        return sorted(scored, key=lambda c: c.score, reverse=True)

    def select(self, question: str, passages: Sequence[Passage]) -> list[Candidate]:
        """The chosen sentences, by maximal marginal relevance, in reading order.

        Near-duplicates of a chosen sentence (a syndicated copy, the same quote in another
        outlet) are never chosen again; they become extra sources of that sentence instead.
        """
        ranked = self.candidates(question, passages)
        if not ranked:
            return []
        most, ratio = answer_shape(question)
        pool = [c for c in ranked if c.score >= ratio * ranked[0].score][:30]
        vectors = self.verifier.vectors([c.text for c in pool])
        chosen: list[int] = []
        skipped: set[int] = set()
        chars = 0
        while len(chosen) < most:
            remaining = [i for i in range(len(pool)) if i not in chosen and i not in skipped]
            if not remaining:
                break

            def gain(i: int) -> float:
                redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
                same_doc = sum(pool[j].passage.doc_id == pool[i].passage.doc_id for j in chosen)
                return 0.7 * pool[i].score - 0.3 * redundancy - SAME_DOC_PENALTY * same_doc

            pick = max(remaining, key=gain)
            if chosen and max(float(vectors[pick] @ vectors[j]) for j in chosen) > DUPLICATE:
                skipped.add(pick)
                continue
            if chosen and chars + len(pool[pick].text) > self.max_chars:
                break
            chosen.append(pick)
            chars += len(pool[pick].text)
        return _reading_order([self._with_sources(pool[i], ranked) for i in chosen])

    def _with_sources(self, picked: Candidate, ranked: Sequence[Candidate]) -> Candidate:
        """The candidate with the passages of other articles that say the same thing."""
        found: dict[str, tuple[float, int]] = {}
        for passage in {c.passage.number: c.passage for c in ranked}.values():
            if passage.doc_id == picked.passage.doc_id:
                continue
            _, score = self.verifier.best(picked.text, evidence_of(passage))
            if score >= CORROBORATION and score > found.get(passage.doc_id, (0.0, 0))[0]:
                found[passage.doc_id] = (score, passage.number)
        best = sorted(found.values(), reverse=True)[:2]
        return replace(picked, also=tuple(number for _, number in best))

    def answer(self, question: str, passages: Sequence[Passage]) -> str:
        """The answer text: chosen sentences with ``[n]`` markers, a paragraph per article."""
        paragraphs: list[list[str]] = []
        last_doc = None
        for candidate in self.select(question, passages):
            if candidate.passage.doc_id != last_doc:
                paragraphs.append([])
                last_doc = candidate.passage.doc_id
            numbers = (candidate.passage.number, *candidate.also)
            paragraphs[-1].append(candidate.text + "".join(f"[{n}]" for n in numbers))
        return "\n\n".join(" ".join(p) for p in paragraphs)


def _is_claim(text: str) -> bool:
    if looks_like_injection(text) or _NOT_A_CLAIM.match(text.strip()):
        return False
    # A short quote with its speaker ("“This is a lie,” Lavrov said.") is a claim too.
    if len(content_stems(text)) < (2 if re.search(r"[“\"]", text) else 4):
        return False
    return bool(re.search(r"[.!?…”\"’)]\s*$", text))


def _reading_order(picked: Sequence[Candidate]) -> list[Candidate]:
    """Newest dated article first (undated last, by relevance), sentences in article order."""
    best_of: dict[str, float] = {}
    for c in picked:
        best_of[c.passage.doc_id] = max(best_of.get(c.passage.doc_id, 0.0), c.score)

    def doc_key(c: Candidate) -> tuple[int, str, float]:
        published = c.passage.doc.published
        return (0 if published else 1, _invert(published or ""), -best_of[c.passage.doc_id])

    return sorted(picked, key=lambda c: (doc_key(c), c.passage.doc_id, c.span.start))


def _invert(iso: str) -> str:
    """Sort key that puts later ISO dates first."""
    return "".join(chr(0x7E - ord(ch)) if ch.isdigit() else ch for ch in iso)
