"""What a document id may be: one rule for file stems, JSON records, sidecars and the API."""

from __future__ import annotations

from ingest import hygiene

MAX_ID_CHARS = 200


def validate_doc_id(doc_id: str) -> str:
    """The id stripped of surrounding whitespace; ``ValueError`` if it cannot be an id."""
    if not isinstance(doc_id, str):
        raise ValueError(f"doc id must be a string, got {type(doc_id).__name__}")
    cleaned = doc_id.strip()
    if not cleaned:
        raise ValueError("doc id must not be empty")
    if len(cleaned) > MAX_ID_CHARS:
        raise ValueError(f"doc id is {len(cleaned)} characters long, over the {MAX_ID_CHARS} limit")
    if reason := hygiene.identifier(cleaned):
        raise ValueError(f"doc id {cleaned!r} {reason}")
    if "/" in cleaned:
        raise ValueError(f"doc id {cleaned!r} must not contain '/'")
    if not cleaned.strip("."):
        raise ValueError(f"doc id {cleaned!r} must not be only dots")
    return cleaned
