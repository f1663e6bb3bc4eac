"""Request and response bodies of the /v1/documents endpoints. Every field is documented."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ingest.index import DocumentRecord
from service.api.fields import FreeText, Identifier, Name
from service.api.schemas import Strict

MAX_PAGE = 500


class DocumentSummary(BaseModel):
    """A document as listed: its id, metadata and size in chunks."""

    doc_id: str = Field(description="The document's id.")
    title: str | None = Field(description="The article's headline, when stated.")
    source: str | None = Field(description="The outlet, when stated.")
    published: str | None = Field(description="Publication date (YYYY-MM-DD), when stated.")
    chunks: int = Field(description="How many retrievable chunks the document is cut into.")

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentSummary:
        return cls(
            doc_id=record.doc_id,
            title=record.title,
            source=record.source,
            published=record.published,
            chunks=record.chunks,
        )


class DocumentDetail(DocumentSummary):
    """A document with its full original text: every citation's quote is text[start:end]."""

    authors: list[str] = Field(description="The article's authors, when stated.")
    url: str | None = Field(description="Where the article was published, when stated.")
    text: str = Field(description="The original text exactly as indexed (offsets point into it).")

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentDetail:
        return cls(
            **DocumentSummary.of(record).model_dump(),
            authors=list(record.authors),
            url=record.url,
            text=record.text or "",
        )


class DocumentList(BaseModel):
    """A page of documents sorted by id."""

    documents: list[DocumentSummary] = Field(description="The documents of this page.")
    total: int = Field(description="How many documents the index holds in all.")
    offset: int = Field(description="Documents skipped before this page.")
    limit: int = Field(description="Largest number of documents a page holds.")


class DeleteResponse(BaseModel):
    """The document is gone, with its chunks."""

    doc_id: str = Field(description="The deleted document's id.")
    deleted: Literal[True] = Field(description="Always true: failures are error replies.")


class DocumentIn(Strict):
    """One article as JSON. Metadata not given is read from the text where it states it."""

    doc_id: Identifier | None = Field(
        None,
        description="The id to store it under; default `doc-` and 12 hex digits of a hash of "
        "the text (reposting the same text then updates the same document).",
    )
    title: Name | None = Field(None, description="The headline.")
    text: FreeText = Field(description="The article text, kept exactly (citations are offsets).")
    source: Name | None = Field(None, description="The outlet, e.g. `Reuters`.")
    published: Name | None = Field(
        None, description="Publication date: an ISO date (2024-12-26) or datetime."
    )
    url: Name | None = Field(None, description="Where the article was published.")
    author: Name | list[Name] | None = Field(None, description="The author, or a list of them.")

    def to_record(self) -> dict[str, object]:
        """The record ``ingest.json_records.load_record`` reads (it calls the id ``id``)."""
        record = self.model_dump(exclude_none=True)
        if "doc_id" in record:
            record["id"] = record.pop("doc_id")
        return record


class IngestResultOut(BaseModel):
    """What happened to one article of the upload."""

    doc_id: str = Field(description="The document's id.")
    status: Literal["added", "updated", "unchanged"] = Field(
        description="`added`: new id; `updated`: text or metadata changed; `unchanged`: "
        "identical to what was indexed, nothing written."
    )
    chunks: int = Field(description="How many chunks the document is indexed as.")


class UploadResponse(BaseModel):
    """One entry per article read from the upload, in the order they were read."""

    results: list[IngestResultOut] = Field(description="The outcome for each article.")


def upload_request_body() -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of POST /v1/documents: a file upload or a JSON article."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A .txt .md .html .htm .json or .jsonl file; its "
                            "name gives the format and (without extension) the default id. A "
                            "JSON file may hold one article object or a list of them, a JSONL "
                            "file one per line.",
                        }
                    },
                }
            },
            "application/json": {"schema": DocumentIn.model_json_schema()},
        },
    }
