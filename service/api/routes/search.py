"""POST /v1/search: retrieval alone, passages with exact offsets, for apps with their own
LLM."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from service.api.deps import EngineDep, KeyCheckedRoute
from service.api.errors import ERRORS
from service.api.schemas import SearchRequest, SearchResponse, SearchResult

router = APIRouter(prefix="/v1", tags=["answers"], route_class=KeyCheckedRoute)


@router.post(
    "/search",
    response_model=SearchResponse,
    summary="Retrieval alone: passages with exact offsets, for apps with their own LLM",
    responses=ERRORS,
)
async def search(body: SearchRequest, engine: EngineDep) -> SearchResponse:
    filters = body.filters.to_domain() if body.filters else None
    passages = await run_in_threadpool(engine.retriever.retrieve, body.query, body.top_k, filters)
    return SearchResponse(
        results=[
            SearchResult(
                doc_id=p.doc_id,
                title=p.doc.title,
                source=p.doc.source,
                published=p.doc.published,
                text=p.chunk.text,
                start=p.chunk.start,
                end=p.chunk.end,
                score=round(p.score, 6),
                similarity=round(p.similarity, 6),
            )
            for p in passages
        ]
    )
