"""Build the answer engine and its parts from settings: the one place that picks adapters."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.embedding import Embedder, limit_torch_threads, make_embedder
from ingest.index import Index
from service.backends import select_chat_backend
from service.backends.base import Answerer, ChatBackend
from service.backends.extractive import ExtractiveAnswerer
from service.backends.llm import LLMAnswerer
from service.condense import Condenser
from service.engine import AnswerEngine
from service.grounding.answerability import Thresholds
from service.grounding.citations import Verifier
from service.limits import MAX_QUESTION_CHARS
from service.prompts import Prompts
from service.retrieval.hybrid import HybridRetriever
from service.retrieval.keyword import KeywordIndex
from service.settings import Settings


@dataclass
class Components:
    """Everything a running service holds, built once."""

    settings: Settings
    embedder: Embedder
    index: Index
    keyword: KeywordIndex
    engine: AnswerEngine
    chat: ChatBackend | None

    def close(self) -> None:
        """Stop the threads and processes these parts started: the keyword index's poller,
        the answer pool, the local model process or the LLM client. Idempotent."""
        self.keyword.close()
        self.engine.close()
        if self.chat is not None:
            self.chat.close()

    def __enter__(self) -> Components:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build(settings: Settings, embedder: Embedder | None = None) -> Components:
    """Open the index, load the models and wire the engine (slow: seconds)."""
    # Requests embed a handful of texts at a time, several requests at once: with torch's
    # default of one thread per core, most of a small call is spent at OpenMP barriers
    # waiting for a second thread to get a core (docs/benchmarks.md, "The answer's tail").
    if settings.embedding in ("local", "local-int8"):
        limit_torch_threads(settings.torch_threads)
    embedder = embedder or make_embedder(settings)
    index = Index(settings, embedder)
    keyword = KeywordIndex(index, refresh_seconds=settings.keyword_refresh_seconds)
    keyword.refresh()  # built before the service says ready, not by its first question
    retriever = HybridRetriever(index, keyword, settings)
    verifier = Verifier(
        embedder.embed_documents,
        settings.min_support,
        corroboration=settings.corroboration,
        repair_margin=settings.repair_margin,
    )
    prompts = Prompts(settings.prompts_path)
    chat = select_chat_backend(settings)
    extractive = ExtractiveAnswerer(verifier)
    answerer: Answerer = LLMAnswerer(chat, prompts) if chat is not None else extractive
    engine = AnswerEngine(
        settings.top_k,
        Thresholds(settings.min_relevance, settings.sentence_coverage, settings.named_coverage),
        retriever,
        verifier,
        answerer,
        extractive,
        Condenser(chat, prompts, MAX_QUESTION_CHARS),
        prompts.text("refusal"),
        workers=settings.answer_workers,
    )
    return Components(settings, embedder, index, keyword, engine, chat)
