"""Citation markers in an answer: ``[1]``, ``[2, 3]``, ``[source 4]``; the answer split
into claims (its sentences) with the markers each carries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sentences import split_sentences

MARKER = re.compile(
    r"\[\s*(?:sources?\s*)?(\d{1,3}(?:\s*(?:,|;|and|&)\s*(?:sources?\s*)?\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d{1,3}")


@dataclass
class Claim:
    """One sentence of an answer, without its markers, and the markers it carried."""

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


_MARKERS_AFTER_END = re.compile(r"([.!?…]+[\"”’)]*)((?:[ \t]*\[[^\[\]\n]{1,40}\])+)")


def _markers_before_end(answer: str) -> str:
    """'talks.[1] Next' -> 'talks [1]. Next', so sentence splitting sees the end."""
    return _MARKERS_AFTER_END.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", answer)


_NEXT_CLAIM = re.compile(r"[ \t]+[\"“‘(]?[A-Z]")


def _pieces(raw: str) -> list[str]:
    """A sentence cut after each inner citation marker followed by a capitalised word: a
    marker ends a claim even when the quote before it ends without a full stop
    ('... are absolutely groundless/[1] Swedish Prime Minister ...')."""
    pieces, start = [], 0
    for marker in MARKER.finditer(raw):
        if marker.start() > start and _NEXT_CLAIM.match(raw, marker.end()):
            pieces.append(raw[start : marker.end()])
            start = marker.end()
    pieces.append(raw[start:])
    return [p for p in pieces if p.strip()]


def split_claims(answer: str) -> list[Claim]:
    """Answer sentences with their markers; a marker-only fragment joins the sentence before."""
    claims: list[Claim] = []
    answer = _markers_before_end(answer)
    previous_end = 0
    for span in split_sentences(answer):
        gap = answer[previous_end : span.start]
        previous_end = span.end
        for i, raw in enumerate(_pieces(span.of(answer))):
            _add_claim(claims, raw, gap if i == 0 else "")
    return claims


def _add_claim(claims: list[Claim], raw: str, gap: str) -> None:
    raw = raw.strip()
    text, markers = strip_markers(raw), markers_in(raw)
    leading = MARKER.match(raw)
    if claims and (not re.search(r"\w", text) or (leading and not claims[-1].markers)):
        head = markers if not re.search(r"\w", text) else markers_in(leading.group(0))  # type: ignore[union-attr]
        claims[-1].markers.extend(m for m in head if m not in claims[-1].markers)
        if not re.search(r"\w", text):
            return
    if not text:
        return
    claims.append(Claim(text, markers, paragraph_break="\n\n" in gap or "\n" in gap))
