"""Request and response bodies of the HTTP API. Every field is documented for OpenAPI."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.index import Filters
from service.api.fields import FreeText, Identifier, Name, Query
from service.limits import (
    MAX_ANSWER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_TOP_K,
    MAX_TURN_CHARS,
    MAX_VERIFY_SOURCES,
)


class Strict(BaseModel):
    """Unknown fields are refused, so a typo is an error instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    """Restrict retrieval. All given conditions must hold."""

    sources: list[Name] | None = Field(
        None, max_length=50, description="Only passages from these outlets (exact names)."
    )
    doc_ids: list[Identifier] | None = Field(
        None, max_length=500, description="Only passages from these documents."
    )
    published_after: date | None = Field(
        None, description="Only articles published on or after this date (YYYY-MM-DD)."
    )
    published_before: date | None = Field(
        None, description="Only articles published on or before this date (YYYY-MM-DD)."
    )

    def to_domain(self) -> Filters:
        return Filters(
            sources=tuple(self.sources or ()),
            doc_ids=tuple(self.doc_ids or ()),
            published_after=self.published_after,
            published_before=self.published_before,
        )


class TurnIn(Strict):
    """An earlier message of the conversation."""

    role: Literal["user", "assistant"] = Field(description="Who wrote the message.")
    content: FreeText = Field(max_length=MAX_TURN_CHARS, description="The message text.")


class AskRequest(Strict):
    """A question, with optional conversation history, filters and answer mode."""

    question: Query = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, description="The question to answer."
    )
    top_k: int | None = Field(
        None, ge=1, le=MAX_TOP_K, description="Passages given to the answer backend."
    )
    filters: FiltersIn | None = Field(None, description="Restrict the articles used.")
    mode: Literal["auto", "llm", "extractive"] = Field(
        "auto",
        description="`auto`: the configured backend; `llm`: insist on the LLM (degrades to "
        "extractive when it fails); `extractive`: no LLM.",
    )
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=50,
        description="Earlier turns; a follow-up question is condensed into a stand-alone one.",
    )
    strict: bool = Field(False, description="Remove answer sentences no source supports.")


class CitationOut(BaseModel):
    """One marker of the answer, resolved to an exact quote of an article."""

    marker: int = Field(description="The number used as [n] in the answer.")
    doc_id: str = Field(description="The document the quote comes from.")
    title: str | None = Field(description="The article's headline, when stated.")
    source: str | None = Field(description="The outlet, when stated.")
    published: str | None = Field(description="Publication date (YYYY-MM-DD), when stated.")
    quote: str = Field(description="The cited sentence(s): exactly text[start:end].")
    start: int = Field(description="Start offset of the quote in the document text.")
    end: int = Field(description="End offset (exclusive) of the quote in the document text.")
    supported: bool = Field(description="Whether the quote supports the sentence citing it.")


class SentenceOut(BaseModel):
    """One sentence of the answer and its verdict."""

    text: str = Field(description="The sentence, with its markers.")
    start: int = Field(description="Offset of the sentence in the answer.")
    end: int = Field(description="End offset of the sentence in the answer.")
    markers: list[int] = Field(description="Citation markers of the sentence.")
    supported: bool = Field(description="Whether its sources support it.")
    reason: str | None = Field(
        None,
        description="Why it is not supported: the name, number, date or polarity that does "
        "not agree with its quote, or that no quote states it.",
    )


class ConflictSideOut(BaseModel):
    """One side of a disagreement between sources."""

    statement: str = Field(description="What this side says (an answer sentence).")
    markers: list[int] = Field(description="The citation markers of this side.")
    sources: list[str] = Field(description="The outlets of this side.")
    published: list[str | None] = Field(
        description="Their publication dates (YYYY-MM-DD), null when not stated."
    )


class ConflictOut(BaseModel):
    """Sources that give different answers for the same thing, side by side."""

    about: str = Field(description="What the sides disagree about.")
    sides: list[ConflictSideOut] = Field(description="Two or more sides; none supports another.")


class DateScopeOut(BaseModel):
    """How dates named in the question were used."""

    phrase: str = Field(description="The words of the question that name the dates.")
    published_after: str | None = Field(description="Start of the range taken from them.")
    published_before: str | None = Field(description="End of the range taken from them.")
    latest: bool = Field(description="The question asks for the newest articles.")
    applied: bool = Field(
        description="Whether the range was applied as a publication-date filter (only when "
        "articles carry dates; undated articles never match it)."
    )
    note: str | None = Field(description="What was done, in words.")


class Timings(BaseModel):
    """Milliseconds spent per stage."""

    retrieve: float = Field(0.0, description="Retrieval.")
    generate: float = Field(0.0, description="Answer generation and verification.")
    total: float = Field(0.0, description="The whole request inside the engine.")


class AskResponse(BaseModel):
    """A cited answer, or a refusal."""

    answer: str = Field(description="The answer with [n] markers, or the refusal message.")
    answerable: bool = Field(description="False when the corpus does not hold the answer.")
    mode: Literal["openai", "llamacpp", "extractive"] = Field(
        description="The backend that produced the answer."
    )
    degraded: bool = Field(description="True when the LLM failed and extractive answered.")
    reason: str | None = Field(None, description="Why the answer is degraded.")
    refusal_reason: str | None = Field(None, description="Why the question was refused.")
    standalone_question: str | None = Field(
        None, description="The follow-up rewritten as a stand-alone question, when it was."
    )
    citations: list[CitationOut] = Field(description="One entry per marker in the answer.")
    sentences: list[SentenceOut] = Field(description="The answer's sentences and verdicts.")
    conflicts: list[ConflictOut] = Field(
        default_factory=list,
        description="Where the cited sources disagree (a different place, number, name or "
        "date for the same thing), side by side.",
    )
    date_scope: DateScopeOut | None = Field(
        None, description="How dates named in the question were used, when it names any."
    )
    timings_ms: Timings = Field(description="Time per stage.")


class SourceIn(Strict):
    """A span of a stored article, cited as [n] by the n-th entry."""

    doc_id: Identifier = Field(min_length=1, max_length=500, description="The document.")
    start: int = Field(ge=0, description="Start offset in the document text.")
    end: int = Field(gt=0, description="End offset (exclusive) in the document text.")


class VerifyRequest(Strict):
    """An answer an app wrote from /v1/search results, with the spans it cites."""

    answer: FreeText = Field(
        min_length=1,
        max_length=MAX_ANSWER_CHARS,
        description="The answer text; `[n]` cites `sources[n-1]`.",
    )
    sources: list[SourceIn] = Field(
        min_length=1,
        max_length=MAX_VERIFY_SOURCES,
        description="The cited spans, in marker order: `[1]` is the first.",
    )


class VerifyResponse(BaseModel):
    """Each sentence's verdict and the exact quote behind each citation."""

    supported: bool = Field(description="True when every sentence that states something is.")
    answer: str = Field(description="The answer with its markers renumbered: one per quote.")
    sentences: list[SentenceOut] = Field(description="The answer's sentences and verdicts.")
    citations: list[CitationOut] = Field(description="One entry per marker: its best quote.")


class SearchRequest(Strict):
    """Retrieval alone, for apps that bring their own LLM."""

    query: Query = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The query.")
    top_k: int | None = Field(None, ge=1, le=MAX_TOP_K, description="Results to return.")
    filters: FiltersIn | None = Field(None, description="Restrict the articles searched.")


class SearchResult(BaseModel):
    """A retrieved passage with exact offsets."""

    doc_id: str = Field(description="The document.")
    title: str | None = Field(description="Headline, when stated.")
    source: str | None = Field(description="Outlet, when stated.")
    published: str | None = Field(description="Publication date, when stated.")
    text: str = Field(description="The passage: exactly the document's text[start:end].")
    start: int = Field(description="Start offset in the document text.")
    end: int = Field(description="End offset in the document text.")
    score: float = Field(description="Fused retrieval score (higher is better).")
    similarity: float = Field(description="Cosine similarity with the query.")


class SearchResponse(BaseModel):
    """Search results, best first."""

    results: list[SearchResult]


class ErrorBody(BaseModel):
    """What went wrong."""

    type: str = Field(description="A stable machine-readable kind, e.g. `not_found`.")
    message: str = Field(description="A human-readable explanation naming the problem.")


class ErrorResponse(BaseModel):
    """Every error reply has this shape."""

    error: ErrorBody
