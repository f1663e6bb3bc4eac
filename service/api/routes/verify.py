"""POST /v1/verify: the groundedness check for apps that run their own LLM."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from service.answers import sentence_payload
from service.api.deps import ComponentsDep, KeyCheckedRoute
from service.api.errors import ERRORS
from service.api.schemas import CitationOut, SentenceOut, VerifyRequest, VerifyResponse
from service.verification import SourceRef, check_answer

router = APIRouter(prefix="/v1", tags=["answers"], route_class=KeyCheckedRoute)


@router.post(
    "/verify",
    response_model=VerifyResponse,
    summary="Check an answer's sentences against the article spans it cites",
    description="For apps that answer with their own LLM over `/v1/search` results: `[n]` "
    "in `answer` cites the article text of `sources[n-1]` between `start` and `end`. Each "
    "sentence is checked like newsqa's own answers: names, numbers, dates and polarity must "
    "agree with the best exact sentence in the cited span, and it must score enough support.",
    responses={**ERRORS, 404: {"description": "A source names an unknown document"}},
)
async def verify(body: VerifyRequest, parts: ComponentsDep) -> VerifyResponse:
    sources = [SourceRef(s.doc_id, s.start, s.end) for s in body.sources]
    verified = await run_in_threadpool(
        check_answer, body.answer, sources, parts.index, parts.engine.verifier
    )
    sentences = [SentenceOut(**sentence_payload(s)) for s in verified.sentences]
    return VerifyResponse(
        supported=all(s.supported for s in verified.sentences),
        answer=verified.text,
        sentences=sentences,
        citations=[CitationOut(**c.public()) for c in verified.citations],
    )
