"""Groundedness of an answer an app wrote itself (``POST /v1/verify``): each ``[n]`` cites the
article text of ``sources[n-1]`` between two offsets; every sentence is checked against the
exact sentences there, with the same rules the engine applies to its own answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.errors import DocumentNotFound
from ingest.index import Index
from ingest.model import Chunk, Span
from ingest.sentences import split_sentences
from service.answers import Passage
from service.errors import InvalidRequest
from service.grounding.citations import Verified, Verifier, verify

# Sentences before a cited span kept as context (what 'he' or 'the minister' refers to).
CONTEXT_SENTENCES = 3


@dataclass(frozen=True)
class SourceRef:
    """A span of a stored article that an answer cites as ``[n]``."""

    doc_id: str
    start: int
    end: int


class UnknownSource(DocumentNotFound):
    """A cited source names a document that is not indexed."""

    def __init__(self, position: int, doc_id: str) -> None:
        super().__init__(doc_id)
        self.args = (f"sources[{position}]: no document with id {doc_id!r}",)


def check_answer(
    answer: str, sources: Sequence[SourceRef], index: Index, verifier: Verifier
) -> Verified:
    """Verify ``answer`` against the sources it cites; ``InvalidRequest`` names a bad span,
    ``UnknownSource`` an unknown document."""
    if not answer.strip():
        raise InvalidRequest("answer: is empty")
    records = index.get_documents([s.doc_id for s in sources], with_text=True)
    passages = []
    for position, source in enumerate(sources):
        record = records.get(source.doc_id)
        if record is None or record.text is None:
            raise UnknownSource(position, source.doc_id)
        text = record.text
        if not 0 <= source.start < source.end <= len(text):
            raise InvalidRequest(
                f"sources[{position}]: offsets {source.start}..{source.end} are not a span of "
                f"document {source.doc_id!r} (its text has {len(text)} characters; need "
                "0 <= start < end <= length)"
            )
        sentences = split_sentences(text)
        inside = [
            i for i, s in enumerate(sentences) if s.start < source.end and s.end > source.start
        ]
        if not inside:
            raise InvalidRequest(f"sources[{position}]: the span holds no sentence, only space")
        # The cited sentences, and before them the three a pronoun in them may refer to.
        spans = tuple(sentences[max(0, inside[0] - CONTEXT_SENTENCES) : inside[-1] + 1])
        first, last = spans[0].start, spans[-1].end
        chunk = Chunk(source.doc_id, position, first, last, text[first:last], spans)
        quotable = Span(sentences[inside[0]].start, sentences[inside[-1]].end)
        passages.append(Passage(position + 1, chunk, record, 0.0, 0.0, quotable))
    return verify(answer, passages, verifier, corroborate=False)
