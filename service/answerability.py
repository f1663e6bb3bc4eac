"""Decide, before generating, whether the retrieved passages can answer a question at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.answers import Passage
from service.condense import names_in
from service.text import content_stems, lexical_recall


@dataclass(frozen=True)
class Evidence:
    """The verdict and the numbers behind it."""

    answerable: bool
    reason: str
    similarity: float
    coverage: float


def assess(question: str, passages: Sequence[Passage], min_relevance: float) -> Evidence:
    """Refuse when nothing was retrieved, when a name the question asks about appears in no
    passage, or when no passage is close to the question in meaning or in words."""
    if not passages:
        return Evidence(False, "nothing was retrieved", 0.0, 0.0)
    similarity = max(p.similarity for p in passages)
    coverage = max(lexical_recall(question, p.chunk.text) for p in passages)
    found = {s for p in passages for s in content_stems(p.chunk.text)}
    missing = [n for n in names_in(question) if not set(content_stems(n)) <= found]
    if missing:
        return Evidence(False, f"no passage mentions {', '.join(missing)}", similarity, coverage)
    if similarity >= min_relevance or coverage >= 0.99:
        return Evidence(True, "relevant passages found", similarity, coverage)
    return Evidence(
        False,
        f"the closest passage is too far from the question (similarity {similarity:.2f})",
        similarity,
        coverage,
    )
