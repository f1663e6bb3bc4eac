"""The extractive answerer: no LLM, the answer is the passages' own sentences that answer
the question (``Verdict.answering``: sentences about its focus holding the asked-for filler).

Query-focused ranking (embedding similarity plus content-word overlap with the question),
redundancy removed by maximal marginal relevance, one paragraph per article (newest dated
article first), sentences in article order. A near-duplicate of a chosen sentence from
another article is dropped, unless it disagrees with it (another number, place, name,
date): then it is kept as the other side, and each side is labelled with its outlet and
date. Faithful by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.index import DocumentRecord
from ingest.model import Span
from service.answers import Passage
from service.backends.base import Draft
from service.grounding.answerability import Finding
from service.grounding.citations import Verifier
from service.grounding.conflicts import Statement, find_conflicts
from service.grounding.question import asks_conditions
from service.text import content_stems, lexical_recall

SIMILARITY_WEIGHT = 0.6
RANK_WEIGHT = 0.1
CUE_BONUS = 0.12
# A sentence without the language of demands weighs this much for a question about them.
MISSING_CUE_FACTOR = 0.8
_NOT_A_CLAIM = re.compile(
    r"^(by |image:|photo:|\(additional reporting|\(reporting by|editing by|all news$)",
    re.IGNORECASE,
)
_FACTOID = ("person", "organisation", "place", "time", "number")
_LIST = re.compile(r"^\s*(what|which) (are|were)\b|\b(list|all the|conditions|demands|"
                   r"preconditions|reasons|steps)\b", re.I)  # fmt: skip
# What a sentence answering a question about conditions or demands says.
_CONDITIONS_STATED = re.compile(
    r"\b(should|must|wants?|insists?|needs?|demands?|conditions?|only if|unless|require[sd]?|"
    r"rules? out)\b",
    re.I,
)
# Cosine above which two sentences say the same thing (one is dropped, or is a side).
DUPLICATE = 0.9


def answer_shape(draft: Draft) -> tuple[int, float]:
    """How many sentences at most, and how close to the best one each must score.

    A factoid question (who, when, how many) wants one or two precise sentences; a question
    asking for a list (conditions, reasons) wants several; others something in between.
    """
    if _LIST.search(draft.question.text):
        return 5, 0.6
    if draft.question.answer_type in _FACTOID:
        return 2, 0.85
    return 3, 0.75


@dataclass(frozen=True)
class Candidate:
    """One answering sentence of a passage and how well it answers the question."""

    passage: Passage
    span: Span
    text: str
    score: float
    filler: str | None = None


class ExtractiveAnswerer:
    """Picks the few answering sentences that answer best, each cited with its passage."""

    name = "extractive"

    def __init__(self, verifier: Verifier, max_chars: int = 1100) -> None:
        self.verifier = verifier
        self.max_chars = max_chars

    def answer(self, draft: Draft) -> Iterator[str]:
        """The answer text in word-sized pieces, so it streams like generated text."""
        yield from re.findall(r"\S+\s*|\s+", self.text(draft))

    def text(self, draft: Draft) -> str:
        """Chosen sentences with ``[n]`` markers, a paragraph per article; sides of a
        disagreement, and articles of different dates, labelled with outlet and date."""
        chosen = self.select(draft)
        statements = [
            Statement(c.text, c.passage.doc_id, c.passage.doc.source, c.passage.doc.published,
                      (c.passage.number,), c.filler)
            for c in chosen
        ]  # fmt: skip
        disputed = {
            s.doc_id
            for conflict in find_conflicts(draft.question, statements)
            for side in conflict.sides
            for s in side.statements
        }
        dates = {c.passage.doc.published for c in chosen if c.passage.doc.published}
        paragraphs: list[list[str]] = []
        last_doc = None
        for candidate in chosen:
            doc = candidate.passage.doc
            sentence = f"{candidate.text}[{candidate.passage.number}]"
            if doc.doc_id != last_doc:
                paragraphs.append([])
                last_doc = doc.doc_id
                if doc.doc_id in disputed or len(dates) > 1:
                    sentence = f"{_label(doc)}: {sentence}"
            paragraphs[-1].append(sentence)
        return "\n\n".join(" ".join(p) for p in paragraphs)

    def candidates(self, draft: Draft) -> list[Candidate]:
        """Every answering sentence that reads as a claim, scored, best first."""
        seen: set[tuple[str, int, int]] = set()
        found: list[Finding] = []
        for finding in draft.verdict.answering():
            key = (finding.passage.doc_id, finding.span.start, finding.span.end)
            if key in seen or not _is_claim(finding.text):
                continue
            seen.add(key)
            found.append(finding)
        if not found:
            return []
        question = draft.question.text
        vectors = self.verifier.vectors([question] + [f.text for f in found])
        similarity = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
        ranks = max(p.number for p in draft.passages)
        conditions = asks_conditions(draft.question)
        scored = []
        for i, f in enumerate(found):
            base = (
                SIMILARITY_WEIGHT * float(similarity[i])
                + (1 - SIMILARITY_WEIGHT) * lexical_recall(question, f.text)
                + RANK_WEIGHT * (1 - (f.passage.number - 1) / ranks)
            )
            if conditions:
                cues = {m.group(0).lower() for m in _CONDITIONS_STATED.finditer(f.text)}
                base = base * (1.0 if cues else MISSING_CUE_FACTOR) + CUE_BONUS * min(len(cues), 2)
            scored.append(Candidate(f.passage, f.span, f.text, base, f.filler))
        return sorted(scored, key=lambda c: c.score, reverse=True)

    def select(self, draft: Draft) -> list[Candidate]:
        """The chosen sentences, by maximal marginal relevance, in reading order.

        A near-duplicate of a chosen sentence (a syndicated copy, the same quote in another
        outlet) is not chosen again, unless it disagrees with it: then it is the other side.
        """
        ranked = self.candidates(draft)
        if not ranked:
            return []
        most, ratio = answer_shape(draft)
        pool = [c for c in ranked if c.score >= ratio * ranked[0].score][:30]
        vectors = self.verifier.vectors([c.text for c in pool])
        chosen: list[int] = []
        sides: list[int] = []
        skipped: set[int] = set()
        chars = 0
        while len(chosen) < most:
            remaining = [
                i for i in range(len(pool)) if i not in chosen + sides and i not in skipped
            ]
            if not remaining:
                break

            def gain(i: int) -> float:
                redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
                return 0.7 * pool[i].score - 0.3 * redundancy

            pick = max(remaining, key=gain)
            twins = [j for j in chosen if float(vectors[pick] @ vectors[j]) > DUPLICATE]
            if twins:
                if self._disagrees(draft, pool[pick], [pool[j] for j in twins]):
                    sides.append(pick)
                else:
                    skipped.add(pick)
                continue
            if chosen and chars + len(pool[pick].text) > self.max_chars:
                break
            chosen.append(pick)
            chars += len(pool[pick].text)
        sides += self._other_sides(draft, pool, vectors, chosen, sides)
        return _reading_order([pool[i] for i in chosen + sides])

    def _other_sides(
        self,
        draft: Draft,
        pool: Sequence[Candidate],
        vectors: np.ndarray,
        chosen: Sequence[int],
        sides: Sequence[int],
    ) -> list[int]:
        """For each chosen sentence not yet opposed, the best near-duplicate of another
        article that disagrees with it: the other side is stated even when the answer was
        already long enough."""
        opposed = {j for i in sides for j in chosen if float(vectors[i] @ vectors[j]) > DUPLICATE}
        found: list[int] = []
        for j in chosen:
            if j in opposed:
                continue
            for i in range(len(pool)):
                if i in chosen or i in sides or i in found:
                    continue
                if float(vectors[i] @ vectors[j]) > DUPLICATE and self._disagrees(
                    draft, pool[i], [pool[j]]
                ):
                    found.append(i)
                    break
        return found

    def _disagrees(self, draft: Draft, candidate: Candidate, twins: Sequence[Candidate]) -> bool:
        statements = [
            Statement(c.text, c.passage.doc_id, c.passage.doc.source, c.passage.doc.published,
                      (c.passage.number,), c.filler)
            for c in (*twins, candidate)
        ]  # fmt: skip
        return bool(find_conflicts(draft.question, statements))


def _label(doc: DocumentRecord) -> str:
    """'Outlet, 2024-05-30', or the title (or id) when the outlet is not stated."""
    return ", ".join(p for p in (doc.source or doc.title or doc.doc_id, doc.published) if p)


def _is_claim(text: str) -> bool:
    if _NOT_A_CLAIM.match(text.strip()):
        return False
    # A short quote with its speaker ("“This is a lie,” Lavrov said.") is a claim too.
    words = len(content_stems(text))
    if words < (2 if re.search(r"[“\"]", text) else 4):
        return False
    # A full sentence; a long one with a typo for its full stop counts too (not a heading).
    return bool(re.search(r"[.!?…”\"’)]\s*$", text)) or words >= 8


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
