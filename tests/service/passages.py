"""Build real passages from text, for tests of the answer side."""

from __future__ import annotations

from ingest.index import DocumentRecord
from ingest.model import Chunk
from ingest.sentences import split_sentences
from service.answers import Passage


def passage(
    number: int,
    doc_id: str,
    text: str,
    source: str | None = None,
    published: str | None = None,
    similarity: float = 0.6,
) -> Passage:
    """One passage holding the whole ``text`` as its chunk, exact offsets."""
    spans = tuple(split_sentences(text))
    chunk = Chunk(doc_id, 0, spans[0].start, spans[-1].end, text[spans[0].start : spans[-1].end],
                  spans)  # fmt: skip
    doc = DocumentRecord(doc_id, "hash", "ready", f"Title {doc_id}", source, (), None, None,
                         published, None, None, 1, text)  # fmt: skip
    return Passage(number, chunk, doc, 1.0 / number, similarity)
