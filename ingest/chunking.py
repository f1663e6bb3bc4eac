"""Group consecutive whole sentences into overlapping chunks with exact offsets."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.model import Chunk, Span
from ingest.sentences import bound_spans

MIN_TARGET_CHARS = 50


def chunk_sentences(
    doc_id: str,
    text: str,
    sentences: Sequence[Span],
    target_chars: int,
    overlap_chars: int,
) -> list[Chunk]:
    """Greedy runs of whole sentences of at most ``target_chars``, overlapping by whole sentences.

    A chunk spans from its first sentence's start to its last sentence's end, and is never
    longer than ``target_chars``: a sentence longer than that is first cut at word boundaries
    into pieces that fit (``bound_spans``), and the pieces count as sentences. The next chunk
    repeats the trailing sentences of the previous one whose shared text is at most
    ``overlap_chars``, dropping repeated sentences as needed so that it always reaches a new
    sentence.
    """
    _check_limits(target_chars, overlap_chars)
    if not text or not sentences:
        return []
    _check_spans(text, sentences)
    sentences = bound_spans(text, list(sentences), target_chars)
    chunks: list[Chunk] = []
    first = 0
    while True:
        last = first
        while last + 1 < len(sentences) and (
            sentences[last + 1].end - sentences[first].start <= target_chars
        ):
            last += 1
        start, end = sentences[first].start, sentences[last].end
        chunks.append(
            Chunk(
                doc_id=doc_id,
                index=len(chunks),
                start=start,
                end=end,
                text=text[start:end],
                sentences=tuple(sentences[first : last + 1]),
            )
        )
        if last + 1 == len(sentences):
            return chunks
        first = _next_first(sentences, first, last, target_chars, overlap_chars)


def _next_first(
    sentences: Sequence[Span], first: int, last: int, target_chars: int, overlap_chars: int
) -> int:
    """Index of the next chunk's first sentence: the earliest repeat that still lets it grow."""
    new = sentences[last + 1]
    for k in range(first + 1, last + 1):
        shared = sentences[last].end - sentences[k].start
        if shared <= overlap_chars and new.end - sentences[k].start <= target_chars:
            return k
    return last + 1


def _check_limits(target_chars: int, overlap_chars: int) -> None:
    """Refuse sizes that make no sense, naming the argument and its limit."""
    if target_chars < MIN_TARGET_CHARS:
        raise ValueError(f"target_chars must be >= {MIN_TARGET_CHARS}, got {target_chars}")
    if not 0 <= overlap_chars < target_chars:
        raise ValueError(
            f"overlap_chars must be >= 0 and < target_chars ({target_chars}), got {overlap_chars}"
        )


def _check_spans(text: str, sentences: Sequence[Span]) -> None:
    """Refuse sentence spans that are empty, out of order, overlapping or outside ``text``."""
    previous_end = 0
    for i, span in enumerate(sentences):
        if not previous_end <= span.start < span.end <= len(text):
            raise ValueError(
                f"sentences[{i}] = {span} must be non-empty, sorted, non-overlapping "
                f"and within the text (length {len(text)})"
            )
        previous_end = span.end
