"""The packaged model as shipped against its int8 quantisation (``NEWSQA_EMBEDDING=local-int8``),
in one process, runs alternated: bulk chunks/s on a corpus' chunk texts (torch's default
threads, as ``python -m ingest`` embeds), one question's latency (the API's threads,
``NEWSQA_TORCH_THREADS``), each int8 vector's cosine to the model's, and dense-only hit@k of
the corpus' probe questions, each model ranking every chunk by its own vectors (exactly).

    .venv/bin/python -m benchmarks.corpus /tmp/corpus-1000 --chunks 1000
    .venv/bin/python -m benchmarks.encoders /tmp/corpus-1000 [--sample 256] [--rounds 3]

Prints one JSON object. Answer and retrieval quality through the whole engine come from the
evals (``python -m evals run demo|rgb --mode extractive`` with each embedder).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from benchmarks.corpus import load_probes  # noqa: E402
from benchmarks.probe import encoder_rate  # noqa: E402
from benchmarks.stats import summary  # noqa: E402
from ingest.chunking import chunk_sentences  # noqa: E402
from ingest.embedding import LocalEmbedder  # noqa: E402
from ingest.loaders import load_file  # noqa: E402
from ingest.sentences import split_sentences  # noqa: E402
from service.settings import Settings  # noqa: E402


def corpus_chunks(folder: Path, settings: Settings) -> list[tuple[str, str]]:
    """(doc_id, text) of every chunk of the corpus' articles, chunked as ingest does."""
    chunks = []
    for path in sorted(folder.glob("*.txt")):
        for article in load_file(path, settings.max_file_bytes):
            spans = split_sentences(article.text)
            for chunk in chunk_sentences(
                article.doc_id, article.text, spans, settings.chunk_size, settings.chunk_overlap
            ):
                chunks.append((article.doc_id, chunk.text))
    return chunks


def query_ms(model: LocalEmbedder, questions: list[str]) -> list[float]:
    times = []
    for question in questions:
        started = time.perf_counter()
        model.embed_query(question)
        times.append((time.perf_counter() - started) * 1000)
    return times


def hit_at(vectors: np.ndarray, doc_ids: list[str], queries: np.ndarray,
           gold: list[str], k: int) -> float:  # fmt: skip
    """Share of questions whose exact top-``k`` chunks include one of the gold document."""
    scores = queries @ vectors.T
    hits = 0
    for row, doc in zip(scores, gold, strict=True):
        top = np.argpartition(-row, k)[:k]
        hits += any(doc_ids[i] == doc for i in top)
    return hits / len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder written by benchmarks.corpus")
    parser.add_argument("--sample", type=int, default=256, help="chunk texts timed per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    folder = args.corpus / "articles" if (args.corpus / "articles").is_dir() else args.corpus
    chunks = corpus_chunks(folder, settings)
    probes = load_probes(args.corpus)
    questions = [p.question for p in probes]
    texts = [text for _, text in chunks]
    sample = random.Random(1).sample(texts, min(args.sample, len(texts)))
    models = {"local": LocalEmbedder(), "local-int8": LocalEmbedder(int8=True)}
    bulk_threads = torch.get_num_threads()
    rates: dict[str, list[float]] = {name: [] for name in models}
    latency: dict[str, list[float]] = {name: [] for name in models}
    for model in models.values():  # warm up
        model.embed_documents(sample[:8])
    for _ in range(args.rounds):
        for name, model in models.items():
            torch.set_num_threads(bulk_threads)
            rates[name].append(encoder_rate(model, sample, settings.embed_batch_size))
            torch.set_num_threads(settings.torch_threads or bulk_threads)
            latency[name] += query_ms(model, questions)
    torch.set_num_threads(bulk_threads)
    vectors, asked = {}, {}
    for name, model in models.items():
        vectors[name] = np.asarray(model.embed_documents(texts), dtype=np.float32)
        asked[name] = np.asarray(model.embed_documents(questions), dtype=np.float32)
    doc_ids = [doc for doc, _ in chunks]
    gold = [p.doc_id for p in probes]
    cosine = (vectors["local"] * vectors["local-int8"]).sum(axis=1)
    out: dict[str, Any] = {
        "chunks": len(texts),
        "questions": len(questions),
        "sample": len(sample),
        "bulk_torch_threads": bulk_threads,
        "query_torch_threads": settings.torch_threads or bulk_threads,
        "cosine_to_model": {
            "mean": round(float(cosine.mean()), 4),
            "min": round(float(cosine.min()), 4),
        },
    }
    for name in models:
        out[name] = {
            "chunks_per_s": [round(r, 2) for r in rates[name]],
            "query_ms": summary(latency[name]),
            f"dense_hit_at_{args.k}": round(
                hit_at(vectors[name], doc_ids, asked[name], gold, args.k), 3
            ),
        }
    out["speedup_bulk"] = round(
        float(np.median(rates["local-int8"]) / np.median(rates["local"])), 2
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
