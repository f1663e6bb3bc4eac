"""Articles from JSON: a ``.json`` object or list, ``.jsonl`` lines, an API record, and the
``<stem>.meta.json`` sidecar that gives a text file its id and metadata.

A file is all or nothing: one bad record fails it, with a message naming the record
("line 3: ...", "record 2: ...") and the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ingest import hygiene
from ingest.doc_ids import validate_doc_id
from ingest.errors import BadInput
from ingest.metadata import extract_metadata, parse_published
from ingest.model import Article, Metadata

SIDECAR_KEYS = frozenset({"id", "title", "source", "author", "published", "url"})


def load_record(record: Mapping[str, object], where: str, default_id: str | None) -> Article:
    """One article from a JSON object (``text`` plus optional metadata keys)."""
    if not isinstance(record, Mapping):
        raise BadInput(where, f"expected a JSON object, got {_json_type(record)}")
    try:
        return _record_article(record, default_id)
    except ValueError as e:
        raise BadInput(where, str(e)) from None


def json_articles(where: str, stem: str, text: str, *, lines: bool) -> list[Article]:
    """All records of a .json (object or list) or .jsonl file; any bad record fails all."""
    records: list[tuple[str, object]] = []  # (label for messages, parsed value)
    if lines:
        for lineno, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                records.append((f"line {lineno}: ", _parse_json(where, f"line {lineno}: ", line)))
    else:
        data = _parse_json(where, "", text)
        if isinstance(data, list):
            if not data:
                raise BadInput(where, "no records (empty list)")
            records = [(f"record {n}: ", item) for n, item in enumerate(data, start=1)]
        elif isinstance(data, dict):
            return [_labelled_record(where, "", data, stem)]
        else:
            raise BadInput(
                where, f"expected a JSON object or a list of objects, got {_json_type(data)}"
            )
    articles: list[Article] = []
    first_use: dict[str, str] = {}
    for n, (label, record) in enumerate(records, start=1):
        article = _labelled_record(where, label, record, f"{stem}-{n}")
        if article.doc_id in first_use:
            raise BadInput(
                where,
                f"{label}duplicate id {article.doc_id!r} (also {first_use[article.doc_id]})",
            )
        first_use[article.doc_id] = label.rstrip(": ")
        articles.append(article)
    return articles


def sidecar_fields(where: str, text: str) -> tuple[str | None, Metadata]:
    """(id or None, metadata) from the text of a ``<stem>.meta.json`` sidecar."""
    data = _parse_json(where, "", text)
    if not isinstance(data, dict):
        raise BadInput(where, f"expected a JSON object, got {_json_type(data)}")
    unknown = sorted(set(data) - SIDECAR_KEYS)
    if unknown:
        allowed = ", ".join(sorted(SIDECAR_KEYS))
        raise BadInput(where, f"unknown key {unknown[0]!r} (allowed: {allowed})")
    try:
        raw_id = _id_value(data.get("id"))
        return (validate_doc_id(raw_id) if raw_id is not None else None), _supplied_meta(data)
    except ValueError as e:
        raise BadInput(where, str(e)) from None


def _parse_json(where: str, label: str, text: str) -> object:
    if reason := hygiene.too_deep(text):
        raise BadInput(where, f"{label}{reason}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        position = f"column {e.colno}" if label else f"line {e.lineno}, column {e.colno}"
        raise BadInput(where, f"{label}invalid JSON: {e.msg} ({position})") from None


def _labelled_record(where: str, label: str, record: object, default_id: str) -> Article:
    if not isinstance(record, dict):
        raise BadInput(where, f"{label}expected a JSON object, got {_json_type(record)}")
    try:
        return _record_article(record, default_id)
    except ValueError as e:
        raise BadInput(where, f"{label}{e}") from None


def _record_article(record: Mapping[str, object], default_id: str | None) -> Article:
    """The article a JSON object describes; ``ValueError`` names the bad key."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' is required and must be a non-empty string")
    if reason := hygiene.free_text(text):
        raise ValueError(f"'text' is not text: it {reason}")
    supplied_id = _id_value(record.get("id"))
    doc_id = supplied_id if supplied_id is not None else default_id
    if doc_id is None:
        raise ValueError("'id' is required")
    supplied = _supplied_meta(record)
    return Article(
        doc_id=validate_doc_id(doc_id), text=text, meta=extract_metadata(text).merged(supplied)
    )


def _id_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"'id' must be a string, got {_json_type(value)}")
    return value


def _supplied_meta(record: Mapping[str, object]) -> Metadata:
    return Metadata(
        title=_optional_str(record, "title"),
        source=_optional_str(record, "source"),
        authors=_authors(record.get("author")),
        published=parse_published(record.get("published")),
        url=_optional_str(record, "url"),
    )


def _optional_str(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string, got {_json_type(value)}")
    if reason := hygiene.name(value):
        raise ValueError(f"{key!r} {reason}")
    return value.strip() or None


def _authors(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("'author' must be a string or a list of strings")
    for n in names:
        if reason := hygiene.name(n):
            raise ValueError(f"'author' {reason}")
    return tuple(n.strip() for n in names if n.strip())


def _json_type(value: object) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "boolean"
        case int() | float():
            return "number"
        case str():
            return "string"
        case list():
            return "array"
        case dict():
            return "object"
        case _:
            return type(value).__name__
