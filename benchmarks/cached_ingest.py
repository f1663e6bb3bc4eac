"""Ingest through the real pipeline with the embeddings of texts seen before read from a
cache (the 100k-chunk run: search, keyword refresh and memory are measured on the real
index; only the model's work is saved between runs).

    .venv/bin/python -m benchmarks.cached_ingest DIR --cache FILE.npz

Prints the ``--json`` summary of ``python -m ingest`` plus ``cached`` and ``embedded``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from ingest.embedding import Embedder, make_embedder  # noqa: E402
from ingest.index import Index  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from ingest.settings import IndexSettings  # noqa: E402

SAVE_EVERY = 5000  # new embeddings between two saves of the cache


class CachedEmbedder:
    """The real embedder, with the vectors of texts seen before read from a cache."""

    def __init__(self, inner: Embedder, cache: dict[str, np.ndarray], path: Path) -> None:
        self.inner, self.cache, self.name, self.path = inner, cache, inner.name, path
        self.cached = self.embedded = self._saved = 0

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self.cache]
        if missing:
            vectors = self.inner.embed_documents([texts[i] for i in missing])
            for i, vector in zip(missing, vectors, strict=True):
                self.cache[keys[i]] = np.asarray(vector, dtype=np.float32)
        self.embedded += len(missing)
        self.cached += len(texts) - len(missing)
        if (
            self.embedded - self._saved >= SAVE_EVERY and "synthetic" not in self.path.name
        ):  # an interrupted run keeps its work
            self.save()
        return [self.cache[k].tolist() for k in keys]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.cache), dtype="U40")
        partial = self.path.with_suffix(".partial.npz")
        np.savez(partial, keys=keys, vectors=np.stack([self.cache[k] for k in keys.tolist()]))
        partial.replace(self.path)
        self._saved = self.embedded

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class SyntheticEmbedder:
    """Seeded pseudo-random unit vectors, one per text, under the real model's name: an index
    whose search, keyword refresh and memory behave as a real one's of that size, when the
    machine has no time to run the model over it (dense hits are then meaningless)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name = inner, inner.name

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
            out.append((vector / np.linalg.norm(vector)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--synthetic", action="store_true", help="random vectors, no model")
    args = parser.parse_args()
    cache: dict[str, np.ndarray] = {}
    if args.cache.exists():
        with np.load(args.cache) as stored:
            cache = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    settings = IndexSettings()
    inner = make_embedder(settings)
    if args.synthetic:
        inner = SyntheticEmbedder(inner)
    embedder = CachedEmbedder(inner, cache, args.cache)
    report = Ingestor(Index(settings, embedder)).sync_paths([args.folder])
    if embedder.embedded > embedder._saved and not args.synthetic:
        embedder.save()
    print(json.dumps(report.summary() | {"cached": embedder.cached, "embedded": embedder.embedded}))


if __name__ == "__main__":
    main()
