"""Resolve ``[n]`` markers to exact sentence spans, check each claim against its quotes,
repair the markers, add corroborating sources, and renumber the markers so that each names
exactly one quote.

A quote supports a claim when (1) their names, numbers, dates and polarity agree
(``agreement``: a changed fact is never supported, whatever the similarity) and (2) the
support score, lexical recall of the claim's content words in the quote mixed with the
cosine of their embeddings (all-MiniLM-L6-v2), reaches the threshold.

About 350 lines: the scorer (``Verifier``) and the verification pass share the
``Evidence`` and ``Judged`` types and the one threshold; markers are read in ``markers``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.model import Span
from service.answers import AnswerSentence, Citation, Passage
from service.grounding.agreement import Agreement, agreement
from service.grounding.injection import looks_like_injection
from service.grounding.markers import Claim, split_claims
from service.grounding.mentions import Casing
from service.text import content_stems, lexical_recall

Embed = Callable[[Sequence[str]], list[list[float]]]

# How much better than the threshold an unmarked sentence's best source must be to be added.
REPAIR_MARGIN = 0.1
LEXICAL_WEIGHT = 0.5
SUPPORT_JUDGE = (
    "names, numbers, dates and polarity agree; then 0.5 x content-word recall + "
    "0.5 x all-MiniLM-L6-v2 cosine"
)
# Candidate quotes checked for agreement, best score first, before giving up.
AGREEMENT_CANDIDATES = 8
# Embeddings kept for reuse (texts), per process.
CACHE_LIMIT = 20000


@dataclass(frozen=True)
class Evidence:
    """A candidate quote: a sentence (or two adjacent ones) of a passage, exact offsets."""

    passage: Passage
    span: Span
    text: str

    @property
    def context(self) -> str:
        """What the quote may refer back to: the three sentences before it."""
        chunk = self.passage.chunk
        before = [s for s in chunk.sentences if s.end <= self.span.start][-3:]
        return " \n".join(self.passage.quote(s) for s in before)

    @property
    def about(self) -> str:
        """The article's outlet and title."""
        doc = self.passage.doc
        return " \n".join(p for p in (doc.source, doc.title) if p)


@dataclass(frozen=True)
class Judged:
    """A quote's verdict on a claim: its support score and whether their facts agree."""

    evidence: Evidence
    score: float
    agreement: Agreement

    def supports(self, threshold: float) -> bool:
        return self.agreement.agrees and self.score >= threshold


def evidence_of(passage: Passage) -> list[Evidence]:
    """Every sentence of a passage, and every pair of adjacent sentences, as quotes."""
    chunk = passage.chunk
    allowed = passage.quotable
    spans = [
        s
        for s in chunk.sentences
        if not looks_like_injection(passage.quote(s))
        and (allowed is None or (allowed.start <= s.start and s.end <= allowed.end))
    ]
    out = [Evidence(passage, s, passage.quote(s)) for s in spans]
    for a, b in zip(spans, spans[1:], strict=False):
        if b.start - a.end <= 2:
            pair = Span(a.start, b.end)
            out.append(Evidence(passage, pair, passage.quote(pair)))
    return out


class Verifier:
    """Checks claims against quotes with one embedding model and one threshold.

    Thread-safe: request threads share one verifier and its embedding cache.
    """

    def __init__(
        self,
        embed: Embed,
        min_support: float,
        corroboration: float = 0.5,
        repair_margin: float = REPAIR_MARGIN,
    ) -> None:
        self._embed = embed
        self.min_support = min_support
        self.corroboration = corroboration
        self.repair_margin = repair_margin
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` (rows), computed once per text while the cache holds."""
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            fresh = {
                t: np.asarray(v, dtype=np.float32)
                for t, v in zip(todo, self._embed(todo), strict=True)
            }
            known.update(fresh)
            with self._lock:
                if len(self._cache) + len(fresh) > CACHE_LIMIT:
                    self._cache.clear()
                self._cache.update(fresh)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, 1))

    def warm(self, texts: Iterable[str]) -> None:
        """Embed in one call the texts the next judgements will score. A text's vector does
        not depend on when it is computed, but each call to the model costs a fixed overhead
        (tens of ms; hundreds on a busy machine), so a request's first sight of its
        passages is paid once rather than once per claim or passage."""
        self.vectors(list(dict.fromkeys(texts)))

    def support(self, claims: Sequence[str], quotes: Sequence[str]) -> np.ndarray:
        """A claims x quotes matrix of support scores in [0, 1] (similarity only: agreement
        of facts is ``judge``'s part)."""
        if not claims or not quotes:
            return np.zeros((len(claims), len(quotes)))
        vectors = self.vectors([*claims, *quotes])  # one call to the model for both
        a, b = vectors[: len(claims)], vectors[len(claims) :]
        cosine = np.clip(a @ b.T, 0.0, 1.0)
        lexical = np.array([[lexical_recall(c, q) for q in quotes] for c in claims])
        return LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * cosine

    def judge(
        self,
        claim: str,
        evidence: Sequence[Evidence],
        casing: Casing | None = None,
        threshold: float | None = None,
    ) -> Judged | None:
        """The quote that supports the claim best: the best-scoring quote whose facts agree
        with the claim and that scores ``threshold`` (default ``min_support``; a single
        sentence preferred to a pair), else the best-scoring one, with its verdict."""
        floor = self.min_support if threshold is None else threshold
        if not evidence:
            return None
        verbatim = self.verbatim(claim, evidence, casing, floor)
        if verbatim is not None:
            return verbatim
        scores = self.support([claim], [e.text for e in evidence])[0]
        order = sorted(
            range(len(evidence)),
            key=lambda i: scores[i] - (0.05 if _is_pair(evidence[i]) else 0.0),
            reverse=True,
        )
        first: Judged | None = None
        for i in order[:AGREEMENT_CANDIDATES]:
            if first is not None and scores[i] < floor:
                continue  # cannot be chosen, and the best one's verdict is known
            e = evidence[i]
            verdict = agreement(claim, e.text, e.context, e.passage.doc.published, casing, e.about)
            judged = Judged(e, float(scores[i]), verdict)
            if verdict.agrees and judged.score >= floor:
                return judged
            first = first or judged
        return first

    def verbatim(
        self, claim: str, evidence: Sequence[Evidence], casing: Casing | None, floor: float
    ) -> Judged | None:
        """The verdict of a quote that is the claim itself, word for word (what an extractive
        answer cites), when it supports it: no embedding needed. The score is the one
        ``support`` gives (a text's cosine with itself is 1), and the quote is the one
        ``judge``'s ranking puts first, so the verdict is the same, without the model."""
        found = _verbatim_quote(claim, evidence)
        if found is None:
            return None
        score = LEXICAL_WEIGHT * lexical_recall(claim, found.text) + (1 - LEXICAL_WEIGHT)
        verdict = agreement(
            claim, found.text, found.context, found.passage.doc.published, casing, found.about
        )
        judged = Judged(found, score, verdict)
        return judged if judged.supports(floor) else None

    def best(self, claim: str, evidence: Sequence[Evidence]) -> tuple[Evidence | None, float]:
        """The quote ``judge`` picks and its score (0 when its facts disagree)."""
        judged = self.judge(claim, evidence)
        if judged is None:
            return None, 0.0
        return judged.evidence, judged.score if judged.agreement.agrees else 0.0


def _verbatim_quote(claim: str, evidence: Sequence[Evidence]) -> Evidence | None:
    """The first single-sentence quote that is the claim word for word."""
    return next((e for e in evidence if e.text == claim and not _is_pair(e)), None)


def _is_pair(evidence: Evidence) -> bool:
    return len(evidence.passage.chunk.sentences) > 0 and not any(
        s == evidence.span for s in evidence.passage.chunk.sentences
    )


@dataclass
class Verified:
    """The repaired answer text, its citations, and a verdict per sentence."""

    text: str
    citations: list[Citation]
    sentences: list[AnswerSentence]
    evidence: dict[int, Evidence]  # citation marker -> the quote it names

    @property
    def supported_claims(self) -> int:
        return sum(1 for s in self.sentences if s.supported and s.markers)


def verify(
    answer: str,
    passages: Sequence[Passage],
    verifier: Verifier,
    strict: bool = False,
    corroborate: bool = True,
) -> Verified:
    """Resolve, check and repair the markers of ``answer`` against numbered ``passages``.

    A sentence citing no supporting quote gets the quote of any passage that supports it
    clearly (``min_support + repair_margin``); with ``corroborate``, a supported sentence
    also cites up to two other articles whose quotes support it (``corroboration``).
    """
    by_number = {p.number: p for p in passages}
    evidence = {p.number: evidence_of(p) for p in passages}
    everything = [e for p in passages for e in evidence[p.number]]
    casing = Casing(p.chunk.text for p in passages)
    threshold = verifier.min_support
    # One marker per quote and verdict: a quote that supports one sentence but is cited
    # for another it does not support gets a second marker, flagged unsupported.
    keys: dict[tuple[str, int, int, bool], int] = {}
    citations: list[Citation] = []
    quotes: dict[int, Evidence] = {}
    parts: list[str] = []
    sentences: list[AnswerSentence] = []
    length = 0

    claims = split_claims(answer)
    if len(claims) > 1 and not re.search(r"[.!?…\"”’)]$", claims[-1].text):
        claims.pop()  # a sentence cut off by the token limit
    claims = _distinct(claims)
    # Every claim is judged against every quote of the passages it cites: those in one call,
    # but for a claim that is one of those quotes word for word (``Verifier.verbatim``).
    to_score: list[str] = []
    for claim in claims:
        cited = [e for n in claim.markers for e in evidence.get(n, [])]
        if cited and _verbatim_quote(claim.text, cited) is None:
            to_score += [claim.text, *(e.text for e in cited)]
    verifier.warm(to_score)
    for claim in claims:
        needs_support = bool(content_stems(claim.text))
        chosen = [
            judged
            for number in claim.markers
            if number in by_number  # a marker pointing at no source is dropped
            and (judged := verifier.judge(claim.text, evidence[number], casing)) is not None
        ]
        strong = [j for j in chosen if j.supports(threshold)]
        if needs_support and not strong:
            margin = threshold + verifier.repair_margin
            found = verifier.judge(claim.text, everything, casing, margin)
            if found is not None and found.supports(margin):
                strong = [found]
        if strong and corroborate:
            strong += _corroborating(claim.text, strong, passages, evidence, verifier, casing)
        kept = strong or chosen
        supported = bool(strong) or not needs_support
        if strict and not supported:
            continue
        reason = None if supported else _why_not(chosen)
        numbers: list[int] = []
        for judged in kept:
            good = judged.supports(threshold)
            found_e = judged.evidence
            key = (found_e.passage.doc_id, found_e.span.start, found_e.span.end, good)
            if key not in keys:
                keys[key] = len(keys) + 1
                citations.append(_citation(keys[key], found_e, good, judged.score))
                quotes[keys[key]] = found_e
            if keys[key] not in numbers:
                numbers.append(keys[key])
        body = claim.text + "".join(f"[{n}]" for n in numbers)
        separator = "" if not parts else ("\n\n" if claim.paragraph_break else " ")
        start = length + len(separator)
        parts.append(separator + body)
        length = start + len(body)
        sentences.append(AnswerSentence(body, start, length, tuple(numbers), supported, reason))
    return Verified("".join(parts), citations, sentences, quotes)


def _corroborating(
    claim: str,
    strong: Sequence[Judged],
    passages: Sequence[Passage],
    evidence: dict[int, list[Evidence]],
    verifier: Verifier,
    casing: Casing,
) -> list[Judged]:
    """Quotes of up to two other articles that support the claim as well."""
    cited = {j.evidence.passage.doc_id for j in strong}
    # A second source shares at least half the claim's words: the cheap test first, so that
    # only those quotes are embedded (all of them in one call).
    shared = {
        p.number: [e for e in evidence[p.number] if lexical_recall(claim, e.text) >= 0.5]
        for p in passages
        if p.doc_id not in cited
    }
    candidates = [e.text for quotes in shared.values() for e in quotes]
    if candidates:  # the claim too: a verbatim claim was not embedded before
        verifier.warm([claim, *candidates])
    found: dict[str, Judged] = {}
    for passage in passages:
        if passage.doc_id in cited:
            continue
        judged = verifier.judge(claim, shared[passage.number], casing, verifier.corroboration)
        if judged is None or not judged.supports(verifier.corroboration):
            continue
        if passage.doc_id not in found or judged.score > found[passage.doc_id].score:
            found[passage.doc_id] = judged
    return sorted(found.values(), key=lambda j: j.score, reverse=True)[:2]


def _distinct(claims: list[Claim]) -> list[Claim]:
    """The claims without restatements of an earlier one (small models repeat themselves)."""
    said: set[str] = set()
    out = []
    for claim in claims:
        normalised = " ".join(content_stems(claim.text))
        if normalised and normalised in said:
            continue
        said.add(normalised)
        out.append(claim)
    return out


def _why_not(chosen: Sequence[Judged]) -> str:
    for judged in chosen:
        if not judged.agreement.agrees:
            return "; ".join(judged.agreement.problems)
    if chosen:
        return "the cited passages do not state it"
    return "no source is cited for it"


def _citation(marker: int, evidence: Evidence, supported: bool, score: float) -> Citation:
    doc = evidence.passage.doc
    return Citation(
        marker=marker,
        doc_id=evidence.passage.doc_id,
        title=doc.title,
        source=doc.source,
        published=doc.published,
        quote=evidence.text,
        start=evidence.span.start,
        end=evidence.span.end,
        supported=supported,
        score=round(score, 4),
    )
