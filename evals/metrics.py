"""What one answer scored, and the run's numbers: pure functions over plain data."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from service.refusals import says_no_answer

STAGES = ("retrieve", "generate", "total")
HIT_KS = (1, 3, 5)
# Metrics where lower is better; every other metric is better higher.
LOWER_IS_BETTER = frozenset({"false_refusal_rate"}) | {
    f"{s}_p{q}_ms" for s in STAGES for q in (50, 95)
}

Judge = Callable[[str, str], float]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """Lower-cased, curly quotes made straight, runs of whitespace made one space."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


def fact_present(phrasings: Sequence[str], text: str) -> bool:
    """Whether any phrasing of a fact occurs in ``text`` (case-insensitive)."""
    haystack = normalise(text)
    return any(normalise(p) in haystack for p in phrasings if p.strip())


def facts_found(facts: Sequence[Sequence[str]], text: str) -> list[bool]:
    """One verdict per fact."""
    return [fact_present(f, text) for f in facts]


def looks_like_refusal(text: str) -> bool:
    """An answer that says the sources hold nothing (for systems without an explicit flag)."""
    return says_no_answer(text)


def first_gold_rank(retrieved: Sequence[str], gold: Iterable[str]) -> int | None:
    """1-based rank of the first retrieved passage from a gold document."""
    wanted = set(gold)
    return next((i for i, d in enumerate(retrieved, 1) if d in wanted), None)


def hit_at(retrieved: Sequence[str], gold: Iterable[str], k: int) -> bool:
    rank = first_gold_rank(retrieved, gold)
    return rank is not None and rank <= k


def reciprocal_rank(retrieved: Sequence[str], gold: Iterable[str]) -> float:
    rank = first_gold_rank(retrieved, gold)
    return 0.0 if rank is None else 1.0 / rank


def gold_recall(retrieved: Sequence[str], gold: Sequence[str]) -> float:
    """Share of the gold documents that any retrieved passage comes from."""
    if not gold:
        return 0.0
    return len(set(gold) & set(retrieved)) / len(set(gold))


def alce_citations(
    claims: Sequence[tuple[str, Sequence[str]]], judge: Judge, threshold: float
) -> tuple[list[bool], list[bool]]:
    """ALCE citation recall and precision (Gao et al. 2023) with a score judge.

    ``claims`` are answer sentences with the quotes they cite. A sentence is supported when
    the judge scores the concatenation of its quotes at least ``threshold`` (a sentence that
    cites nothing is not). A citation is precise when it supports its sentence on its own, or
    when the sentence is supported and would not be without it. Returns one verdict per
    sentence and one per citation.
    """
    supported: list[bool] = []
    precise: list[bool] = []
    for claim, quotes in claims:
        whole = bool(quotes) and judge(claim, " ".join(quotes)) >= threshold
        supported.append(whole)
        for i, quote in enumerate(quotes):
            alone = judge(claim, quote) >= threshold
            if not alone and whole and len(quotes) > 1:
                rest = " ".join(q for j, q in enumerate(quotes) if j != i)
                alone = judge(claim, rest) < threshold
            precise.append(alone)
    return supported, precise


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in 0..100); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


@dataclass
class CitationResult:
    """One citation of an answer, as the evaluation saw it."""

    marker: int
    doc_id: str
    quote: str
    start: int | None
    end: int | None
    exact: bool


@dataclass
class CaseResult:
    """Everything measured for one case by one system."""

    id: str
    category: str
    question: str
    expected_answerable: bool
    answerable: bool
    answer: str
    gold_doc_ids: list[str] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)
    facts: list[list[str]] = field(default_factory=list)
    facts_present: list[bool] = field(default_factory=list)
    facts_cited: list[bool] = field(default_factory=list)
    sentences_supported: list[bool] = field(default_factory=list)
    citations_precise: list[bool] = field(default_factory=list)
    citations: list[CitationResult] = field(default_factory=list)
    sides_cited: bool | None = None
    conflict_reported: bool | None = None  # cases with sides: a conflict citing every side
    cited_allowed: bool | None = None  # cases with cite_only: nothing else was cited
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str | None = None
    refusal_reason: str | None = None
    as_of: str | None = None

    @property
    def refused(self) -> bool:
        return not self.answerable

    @property
    def fact_recall(self) -> float | None:
        if not self.expected_answerable or not self.facts:
            return None
        return sum(self.facts_present) / len(self.facts) if self.answerable else 0.0

    @property
    def quotes_exact(self) -> bool:
        return all(c.exact for c in self.citations)

    @property
    def passed(self) -> bool:
        """Refused when it should; otherwise answered with every fact and exact quotes."""
        if not self.expected_answerable:
            return self.refused
        return self.answerable and all(self.facts_present) and self.quotes_exact

    @property
    def score(self) -> float:
        """A single number to sort the worst cases by (0 worst, 1 best)."""
        if not self.expected_answerable:
            return 1.0 if self.refused else 0.0
        recall = self.fact_recall or 0.0
        support = mean(self.sentences_supported) if self.sentences_supported else 0.0
        return 0.8 * recall + 0.2 * (support or 0.0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(passed=self.passed, fact_recall=self.fact_recall, score=round(self.score, 4))
        return data


def case_from_dict(data: Mapping[str, Any]) -> CaseResult:
    """The inverse of ``CaseResult.to_dict`` (for reports and comparisons of saved runs)."""
    fields = set(CaseResult.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in fields}
    values["citations"] = [CitationResult(**c) for c in data.get("citations", [])]
    return CaseResult(**values)


def summarise(cases: Sequence[CaseResult]) -> dict[str, float | int | None]:
    """The run's numbers: retrieval, answers, citations, latency. ``None`` = not applicable."""
    answerable = [c for c in cases if c.expected_answerable]
    unanswerable = [c for c in cases if not c.expected_answerable]
    with_gold = [c for c in answerable if c.gold_doc_ids]
    answered = [c for c in cases if c.answerable]
    citations = [x for c in cases for x in c.citations]
    conflict = [c for c in cases if c.sides_cited is not None]
    summary: dict[str, float | int | None] = {
        "cases": len(cases),
        "answerable_cases": len(answerable),
        "unanswerable_cases": len(unanswerable),
        "pass_rate": mean(float(c.passed) for c in cases),
    }
    for k in HIT_KS:
        summary[f"hit_at_{k}"] = mean(
            float(hit_at(c.retrieved, c.gold_doc_ids, k)) for c in with_gold
        )
    summary["mrr"] = mean(reciprocal_rank(c.retrieved, c.gold_doc_ids) for c in with_gold)
    summary["gold_recall"] = mean(gold_recall(c.retrieved, c.gold_doc_ids) for c in with_gold)
    summary["fact_recall"] = mean(c.fact_recall for c in answerable if c.fact_recall is not None)
    summary["cited_fact_recall"] = mean(
        sum(c.facts_cited) / len(c.facts) for c in answerable if c.facts
    )
    summary["refusal_accuracy"] = mean(float(c.refused) for c in unanswerable)
    summary["false_refusal_rate"] = mean(float(c.refused) for c in answerable)
    summary["citation_recall"] = mean(
        mean(c.sentences_supported) or 0.0 for c in answered if c.sentences_supported
    )
    summary["citation_precision"] = mean(
        mean(c.citations_precise) or 0.0 for c in answered if c.citations_precise
    )
    summary["quote_exactness"] = mean(float(x.exact) for x in citations)
    summary["sides_cited"] = mean(float(bool(c.sides_cited)) for c in conflict)
    summary["conflicts_reported"] = mean(
        float(bool(c.conflict_reported)) for c in cases if c.conflict_reported is not None
    )
    summary["date_filter_kept"] = mean(
        float(bool(c.cited_allowed)) for c in cases if c.cited_allowed is not None
    )
    for stage in STAGES:
        values = [c.timings_ms[stage] for c in cases if stage in c.timings_ms]
        summary[f"{stage}_p50_ms"] = _round(percentile(values, 50))
        summary[f"{stage}_p95_ms"] = _round(percentile(values, 95))
    return summary


def by_category(cases: Sequence[CaseResult]) -> dict[str, dict[str, float | int | None]]:
    """``summarise`` per category, categories in first-seen order."""
    groups: dict[str, list[CaseResult]] = {}
    for c in cases:
        groups.setdefault(c.category, []).append(c)
    return {name: summarise(group) for name, group in groups.items()}


def worst(cases: Sequence[CaseResult], n: int = 10) -> list[CaseResult]:
    """The ``n`` weakest cases: failures first, then by score."""
    ranked = sorted(cases, key=lambda c: (c.passed, c.score, c.id))
    return [c for c in ranked[:n] if not c.passed or c.score < 1.0]


def check_thresholds(
    summary: Mapping[str, float | int | None],
    floors: Mapping[str, float],
    ceilings: Mapping[str, float],
) -> list[str]:
    """One line per metric below its floor or above its ceiling (or missing)."""
    problems = []
    for name, floor in floors.items():
        value = summary.get(name)
        if value is None or value < floor:
            problems.append(f"{name} = {_show(value)} is below the floor {floor}")
    for name, ceiling in ceilings.items():
        value = summary.get(name)
        if value is None or value > ceiling:
            problems.append(f"{name} = {_show(value)} is above the ceiling {ceiling}")
    return problems


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _show(value: float | int | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
