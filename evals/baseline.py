"""The comparison point: plain LlamaIndex defaults over the same Chroma chunks and embeddings.

A ``VectorStoreIndex`` on ``ChromaVectorStore`` (the chunks collection newsqa wrote), the
same all-MiniLM-L6-v2 model, ``CitationQueryEngine`` for answers and its retriever alone
for retrieval metrics. It answers the question as asked (no follow-up condensing, no
keyword search, no refusal step, no citation repair): what a newcomer gets from the library.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from llama_index.core import VectorStoreIndex
from llama_index.core.llms import (
    CompletionResponse,
    CompletionResponseGen,
    CustomLLM,
    LLMMetadata,
)
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.query_engine import CitationQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import Field

from evals.judge import claims_of, markers_in
from evals.metrics import looks_like_refusal
from evals.schema import Case
from evals.systems import Quote, Reply
from ingest.index import make_client
from ingest.sentences import split_sentences
from service.wiring import Components

_SOURCE_LABEL = re.compile(r"^Source (\d+):\n")
_FIRST_SOURCE = re.compile(r"Source 1:\n(.*?)\n*(?:\nSource 2:\n|\n------)", re.S)
_EXISTING = re.compile(r"existing answer: (.*?)Below are several numbered sources", re.S)


class TopSourceLLM(CustomLLM):
    """A tiny extractive stand-in for an LLM: the first source's text, each sentence cited
    ``[1]`` (so LlamaIndex's citation answer format is kept without any model)."""

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="top-source-echo")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=top_source_answer(prompt))

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        text = top_source_answer(prompt)

        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text=text, delta=text)

        return gen()


def top_source_answer(prompt: str) -> str:
    """The answer ``TopSourceLLM`` gives to a CitationQueryEngine prompt."""
    existing = _EXISTING.search(prompt)
    if existing:  # a refine step: keep the first answer, it already cites source 1
        return existing.group(1).strip()
    tail = prompt.split("Now it's your turn", 1)[-1]
    found = _FIRST_SOURCE.search(tail)
    if not found:
        return "None of the sources are helpful."
    text = found.group(1).strip()
    return " ".join(f"{span.of(text)} [1]" for span in split_sentences(text))


class ChatLLM(CustomLLM):
    """LlamaIndex's LLM interface over newsqa's configured chat backend (same model)."""

    backend: Any = Field(exclude=True)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name=str(getattr(self.backend, "name", "chat")))

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        text = self.backend.complete([{"role": "user", "content": prompt}])
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            text = ""
            for piece in self.backend.stream([{"role": "user", "content": prompt}]):
                text += piece
                yield CompletionResponse(text=text, delta=piece)

        return gen()


class LlamaIndexBaseline:
    """``CitationQueryEngine`` over the chunks newsqa indexed, as a ``System``."""

    name = "llamaindex"

    def __init__(self, parts: Components, k: int, use_chat: bool) -> None:
        model = getattr(parts.embedder, "llama_model", None)
        if model is None:
            raise ValueError(
                "the LlamaIndex baseline needs the local embedding model (NEWSQA_EMBEDDING=local)"
            )
        collection = make_client(parts.settings).get_collection(parts.settings.collection)
        store = ChromaVectorStore(chroma_collection=collection)
        self.index = VectorStoreIndex.from_vector_store(store, embed_model=model)
        self.k = k
        chat = parts.chat if use_chat else None
        self.llm: CustomLLM = ChatLLM(backend=chat) if chat is not None else TopSourceLLM()
        self.llm_name = (
            f"newsqa's chat backend ({chat.name})"
            if chat is not None
            else "TopSourceLLM (no model: the top source's sentences, each cited [1])"
        )

    @property
    def description(self) -> str:
        return (
            f"LlamaIndex VectorStoreIndex on ChromaVectorStore (same chunks, same embeddings), "
            f"similarity_top_k={self.k}, CitationQueryEngine defaults; LLM: {self.llm_name}"
        )

    def reply(self, case: Case) -> Reply:
        filters = None
        if case.restrict_to:
            filters = MetadataFilters(
                filters=[
                    MetadataFilter(
                        key="doc_id", value=list(case.restrict_to), operator=FilterOperator.IN
                    )
                ]
            )
        retriever = self.index.as_retriever(similarity_top_k=self.k, filters=filters)
        engine = CitationQueryEngine.from_args(self.index, llm=self.llm, retriever=retriever)
        bundle = QueryBundle(case.question)
        started = time.perf_counter()
        nodes = engine.retrieve(bundle)
        retrieved_at = time.perf_counter()
        response = engine.synthesize(bundle, nodes)
        done = time.perf_counter()
        answer = str(getattr(response, "response", None) or "").strip()
        quotes = _quotes(response.source_nodes, markers_in(answer))
        claims = claims_of(answer)
        return Reply(
            answer=answer,
            answerable=not looks_like_refusal(answer),
            citations=quotes,
            claims=claims,
            retrieved=[str(n.node.metadata.get("doc_id", "")) for n in nodes],
            timings_ms={
                "retrieve": _ms(retrieved_at - started),
                "generate": _ms(done - retrieved_at),
                "total": _ms(done - started),
            },
        )


def _quotes(sources: Sequence[NodeWithScore], used: Sequence[int]) -> list[Quote]:
    """The cited source chunks, with the offsets their chunk record carries."""
    quotes = []
    for marker in used:
        if not 1 <= marker <= len(sources):
            continue
        node = sources[marker - 1].node
        text = _SOURCE_LABEL.sub("", node.get_content(), count=1).rstrip("\n")
        meta = node.metadata
        start, end = meta.get("start"), meta.get("end")
        quotes.append(
            Quote(
                marker=marker,
                doc_id=str(meta.get("doc_id", "")),
                quote=text,
                start=int(start) if start is not None else None,
                end=int(end) if end is not None else None,
            )
        )
    return quotes


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
