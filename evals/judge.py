"""The evaluations' own judge of claims against quotes, written apart from
``service/grounding`` so the engine is never graded by its own code (DESIGN.md).

It is deliberately simpler and different: every digit group, capitalised word and negation
of the claim must appear in the quote, then the score is half word overlap (five-letter
prefixes, its own stopword list), half embedding cosine. Its accuracy on the labelled
claim/quote pairs is reported beside the engine's (docs/evaluation.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from ingest.embedding import Embedder, LocalEmbedder

Embed = Callable[[Sequence[str]], list[list[float]]]

_MARKER = re.compile(r"\[\s*(?:sources?\s*)?\d{1,3}(?:\s*(?:,|;|and|&)\s*\d{1,3})*\s*\]", re.I)
_NUMBER = re.compile(r"\d{1,3}")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been being it "
    "its this that these those he she they we you i his her their our your said says say told "
    "has have had do does did will would could should can may might must not no than then so "
    "if into about over after before also very more most such there here who whom which what "
    "when where why how all any some each".split()
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nothing|cannot|without)\b|n['’]t\b", re.I)
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}  # fmt: skip


def strip_markers(text: str) -> str:
    """The text without ``[n]`` markers, spaces tidied."""
    cleaned = _MARKER.sub("", text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def markers_in(text: str) -> list[int]:
    """Marker numbers in order of appearance, without repeats."""
    found: list[int] = []
    for match in _MARKER.finditer(text):
        for number in _NUMBER.findall(match.group(0)):
            if int(number) not in found:
                found.append(int(number))
    return found


def claims_of(answer: str) -> list[tuple[str, tuple[int, ...]]]:
    """An answer's sentences, each without markers, with the markers it carries (markers
    written after the full stop belong to the sentence before)."""
    moved = re.sub(r"([.!?…][\"”’)]*)((?:\s*\[[^\[\]\n]{1,40}\])+)", r" \2\1", answer)
    out = []
    for piece in _SENTENCE_END.split(moved.strip()):
        text = strip_markers(piece)
        if re.search(r"\w", text):
            out.append((text, tuple(markers_in(piece))))
    return out


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _root(word: str) -> str:
    return word[:5]


def facts_agree(claim: str, quote: str) -> bool:
    """Every digit group, number word and capitalised word (after the first) of the claim is
    in the quote, and the claim is negated exactly when the piece of the quote closest to it
    (cut at commas, colons and 'but') is."""
    quote_words = set(_words(quote))
    quote_roots = {_root(w) for w in quote_words}
    digits = set(re.findall(r"\d+(?:[.,]\d+)*", quote.replace(",", "")))
    for number in re.findall(r"\d+(?:[.,]\d+)*", claim.replace(",", "")):
        if number not in digits:
            return False
    for word in _words(claim):
        if word in _NUMBER_WORDS and word not in quote_words and _NUMBER_WORDS[word] not in digits:
            return False
    tokens = _WORD.findall(claim)
    for i, token in enumerate(tokens):
        if i > 0 and token[0].isupper() and _root(token.casefold()) not in quote_roots:
            return False
    claim_words = set(_words(claim)) - _STOP
    segments = re.split(r"[,;:—–]|\bbut\b", quote)
    closest = max(segments, key=lambda seg: len(claim_words & set(_words(seg))))
    return bool(_NEGATION.search(claim)) == bool(_NEGATION.search(closest))


def judge_embed(run: Embedder) -> Embed:
    """The judge's model: all-MiniLM-L6-v2 as shipped, whatever the engine embeds with (its int8
    quantisation, an API), so that changing the engine's embedder never changes its grader. The
    run's own model when it is that one (not loaded twice)."""
    if run.name == LocalEmbedder.name:
        return run.embed_documents
    return LocalEmbedder().embed_documents


class Judge:
    """Scores how well a quote supports a claim, in [0, 1]."""

    def __init__(self, embed: Embed, threshold: float = 0.45) -> None:
        self._embed = embed
        self.threshold = threshold
        self._vectors: dict[str, np.ndarray] = {}

    description = (
        "evals/judge.py: digits, capitalised words and negation of the claim in the quote; then "
        "0.5 x word overlap (5-letter prefixes) + 0.5 x all-MiniLM-L6-v2 cosine"
    )

    def _vector(self, text: str) -> np.ndarray:
        if text not in self._vectors:
            if len(self._vectors) > 20000:
                self._vectors.clear()
            vector = np.asarray(self._embed([text])[0], dtype=np.float32)
            self._vectors[text] = vector / (float(np.linalg.norm(vector)) or 1.0)
        return self._vectors[text]

    def score(self, claim: str, quote: str) -> float:
        if not facts_agree(claim, quote):
            return 0.0
        wanted = {_root(w) for w in _words(claim) if w not in _STOP}
        have = {_root(w) for w in _words(quote)}
        overlap = len(wanted & have) / len(wanted) if wanted else 0.0
        cosine = max(0.0, float(self._vector(claim) @ self._vector(quote)))
        return 0.5 * overlap + 0.5 * cosine

    def supports(self, claim: str, quote: str) -> bool:
        return self.score(claim, quote) >= self.threshold
