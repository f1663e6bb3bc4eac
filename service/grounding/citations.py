"""Resolve ``[n]`` markers to exact sentence spans, check each claim against its quotes,
repair the markers, and renumber them so that each marker names exactly one quote.

Support of a claim by a quote mixes two judges: lexical recall of the claim's content
words in the quote, and cosine similarity of their embeddings (all-MiniLM-L6-v2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.model import Span
from ingest.sentences import split_sentences
from service.answers import AnswerSentence, Citation, Passage
from service.grounding.injection import looks_like_injection
from service.text import content_stems, lexical_recall

Embed = Callable[[Sequence[str]], list[list[float]]]

MARKER = re.compile(
    r"\[\s*(?:sources?\s*)?(\d{1,3}(?:\s*(?:,|;|and|&)\s*(?:sources?\s*)?\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d{1,3}")
# How much better than the threshold an unmarked sentence's best source must be to be added.
REPAIR_MARGIN = 0.1
LEXICAL_WEIGHT = 0.5
SUPPORT_JUDGE = "0.5 x content-word recall + 0.5 x all-MiniLM-L6-v2 cosine"


@dataclass(frozen=True)
class Evidence:
    """A candidate quote: a sentence (or two adjacent ones) of a passage, exact offsets."""

    passage: Passage
    span: Span
    text: str


@dataclass
class _Claim:
    text: str
    markers: list[int]
    paragraph_break: bool


def strip_markers(text: str) -> str:
    """The text without ``[n]`` markers, spaces tidied."""
    cleaned = MARKER.sub("", text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def markers_in(text: str) -> list[int]:
    """Marker numbers in order of appearance, without repeats."""
    found: list[int] = []
    for match in MARKER.finditer(text):
        for number in _NUMBER.findall(match.group(1)):
            if int(number) not in found:
                found.append(int(number))
    return found


def evidence_of(passage: Passage) -> list[Evidence]:
    """Every sentence of a passage, and every pair of adjacent sentences, as quotes."""
    chunk = passage.chunk
    spans = [s for s in chunk.sentences if not looks_like_injection(passage.quote(s))]
    out = [Evidence(passage, s, passage.quote(s)) for s in spans]
    for a, b in zip(spans, spans[1:], strict=False):
        if b.start - a.end <= 2:
            pair = Span(a.start, b.end)
            out.append(Evidence(passage, pair, passage.quote(pair)))
    return out


_MARKERS_AFTER_END = re.compile(r"([.!?…]+[\"”’)]*)((?:[ \t]*\[[^\[\]\n]{1,40}\])+)")


def _markers_before_end(answer: str) -> str:
    """'talks.[1] Next' -> 'talks [1]. Next', so sentence splitting sees the end."""
    return _MARKERS_AFTER_END.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", answer)


def split_claims(answer: str) -> list[_Claim]:
    """Answer sentences with their markers; a marker-only fragment joins the sentence before."""
    claims: list[_Claim] = []
    answer = _markers_before_end(answer)
    previous_end = 0
    for span in split_sentences(answer):
        raw = span.of(answer)
        gap = answer[previous_end : span.start]
        previous_end = span.end
        text, markers = strip_markers(raw), markers_in(raw)
        leading = MARKER.match(raw)
        if claims and (not re.search(r"\w", text) or (leading and not claims[-1].markers)):
            head = markers if not re.search(r"\w", text) else markers_in(leading.group(0))  # type: ignore[union-attr]
            claims[-1].markers.extend(m for m in head if m not in claims[-1].markers)
            if not re.search(r"\w", text):
                continue
        if not text:
            continue
        claims.append(_Claim(text, markers, paragraph_break="\n\n" in gap or "\n" in gap))
    return claims


class Verifier:
    """Checks claims against quotes with one embedding model and one threshold."""

    def __init__(self, embed: Embed, min_support: float) -> None:
        self._embed = embed
        self.min_support = min_support
        self._cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for text, vector in zip(todo, self._embed(todo), strict=True):
                self._cache[text] = np.asarray(vector, dtype=np.float32)
        if len(self._cache) > 20000:
            self._cache.clear()
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))

    def support(self, claims: Sequence[str], quotes: Sequence[str]) -> np.ndarray:
        """A claims x quotes matrix of support scores in [0, 1]."""
        if not claims or not quotes:
            return np.zeros((len(claims), len(quotes)))
        a, b = self.vectors(list(claims)), self.vectors(list(quotes))
        cosine = np.clip(a @ b.T, 0.0, 1.0)
        lexical = np.array([[lexical_recall(c, q) for q in quotes] for c in claims])
        return LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * cosine

    def best(self, claim: str, evidence: Sequence[Evidence]) -> tuple[Evidence | None, float]:
        """The quote that supports the claim best, preferring a single sentence to a pair."""
        if not evidence:
            return None, 0.0
        scores = self.support([claim], [e.text for e in evidence])[0]
        order = sorted(
            range(len(evidence)),
            key=lambda i: scores[i] - (0.05 if _is_pair(evidence[i]) else 0.0),
            reverse=True,
        )
        return evidence[order[0]], float(scores[order[0]])


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

    @property
    def supported_claims(self) -> int:
        return sum(1 for s in self.sentences if s.supported and s.markers)


def verify(
    answer: str, passages: Sequence[Passage], verifier: Verifier, strict: bool = False
) -> Verified:
    """Resolve, check and repair the markers of ``answer`` against numbered ``passages``."""
    by_number = {p.number: p for p in passages}
    evidence = {p.number: evidence_of(p) for p in passages}
    everything = [e for p in passages for e in evidence[p.number]]
    # One marker per quote and verdict: a quote that supports one sentence but is cited
    # for another it does not support gets a second marker, flagged unsupported.
    keys: dict[tuple[str, int, int, bool], int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    sentences: list[AnswerSentence] = []
    length = 0

    claims = split_claims(answer)
    if len(claims) > 1 and not re.search(r"[.!?…\"”’)]$", claims[-1].text):
        claims.pop()  # a sentence cut off by the token limit
    said: set[str] = set()
    for claim in claims:
        normalised = " ".join(content_stems(claim.text))
        if normalised and normalised in said:
            continue  # small models repeat themselves
        said.add(normalised)
        needs_support = bool(content_stems(claim.text))
        chosen: list[tuple[Evidence, float]] = []
        for number in claim.markers:
            if number not in by_number:
                continue  # a marker pointing at no source is dropped
            found, score = verifier.best(claim.text, evidence[number])
            if found is not None:
                chosen.append((found, score))
        strong = [(e, s) for e, s in chosen if s >= verifier.min_support]
        if needs_support and not strong:
            found, score = verifier.best(claim.text, everything)
            if found is not None and score >= verifier.min_support + REPAIR_MARGIN:
                strong = [(found, score)]
        kept = strong or chosen
        supported = bool(strong) or not needs_support
        if strict and not supported:
            continue
        numbers: list[int] = []
        for found, score in kept:
            good = score >= verifier.min_support
            key = (found.passage.doc_id, found.span.start, found.span.end, good)
            if key not in keys:
                keys[key] = len(keys) + 1
                citations.append(_citation(keys[key], found, score, verifier.min_support))
            if keys[key] not in numbers:
                numbers.append(keys[key])
        body = claim.text + "".join(f"[{n}]" for n in numbers)
        separator = "" if not parts else ("\n\n" if claim.paragraph_break else " ")
        start = length + len(separator)
        parts.append(separator + body)
        length = start + len(body)
        sentences.append(AnswerSentence(body, start, length, tuple(numbers), supported))
    return Verified("".join(parts), citations, sentences)


def _citation(marker: int, evidence: Evidence, score: float, threshold: float) -> Citation:
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
        supported=score >= threshold,
        score=round(score, 4),
    )
