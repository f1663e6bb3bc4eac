"""Build the answer engine and its parts from settings: the one place that picks adapters."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.embedding import Embedder, make_embedder
from ingest.index import Index
from service.backends import select_chat_backend
from service.engine import AnswerEngine
from service.grounding.citations import Verifier
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


def build(settings: Settings, embedder: Embedder | None = None) -> Components:
    """Open the index, load the models and wire the engine (slow: seconds)."""
    embedder = embedder or make_embedder(settings)
    index = Index(settings, embedder)
    keyword = KeywordIndex(index, refresh_seconds=settings.keyword_refresh_seconds)
    keyword.refresh()  # built before the service says ready, not by its first question
    retriever = HybridRetriever(index, keyword, settings)
    engine = AnswerEngine(
        settings,
        retriever,
        Verifier(embedder.embed_documents, settings.min_support),
        select_chat_backend(settings),
        Prompts(settings.prompts_path),
    )
    return Components(settings, embedder, index, keyword, engine)
