"""In-process measurements over an index that exists: the floor (embed one query + one
Chroma top-k), the raw encoder's chunks/s on the index's own chunk texts, and plain
LlamaIndex's retriever (latency and hit@k on the corpus' probe questions).

    .venv/bin/python -m benchmarks.probe --questions probes.json [--sample 1000] [--rounds 3]

Reads the index from the environment's settings (NEWSQA_COLLECTION, CHROMA_HOST, ...).
Prints one JSON object.
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

import torch  # noqa: E402

from benchmarks.stats import summary  # noqa: E402
from ingest.embedding import LocalEmbedder, limit_torch_threads, make_embedder  # noqa: E402
from ingest.index import Index, make_client  # noqa: E402
from ingest.model import record_id  # noqa: E402
from service.settings import Settings  # noqa: E402

FLOOR_K = 6  # one top-k, as many passages as an answer uses (NEWSQA_TOP_K)


def chunk_texts(index: Index, sample: int, seed: int = 1) -> list[str]:
    """Up to ``sample`` live chunk texts of the index, a seeded sample."""
    texts = [c.text for c in index.iter_chunks()]
    random.Random(seed).shuffle(texts)
    return texts[:sample]


def encoder_rate(embedder: LocalEmbedder, texts: list[str], batch: int) -> float:
    """Chunks/s of the sentence-transformers model alone, same texts and batch size."""
    model = embedder.llama_model._model
    started = time.perf_counter()
    model.encode(texts, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
    return len(texts) / (time.perf_counter() - started)


def floor(index: Index, questions: list[str], rounds: int) -> dict[str, float]:
    """Embed one query + one Chroma top-k with texts and metadata: nothing else."""
    collection = index._chunks
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            vector = index.embed_query(q)
            collection.query(
                query_embeddings=[vector],
                n_results=FLOOR_K,
                include=["metadatas", "documents", "distances"],
            )
            times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def dense_recall(index: Index, probes: list[dict[str, Any]], k: int) -> dict[str, Any]:
    """hit@k of dense retrieval alone on the probe questions, three ways over the same stored
    vectors: an exact ranking (what NEWSQA_DENSE_SEARCH=memory does), Chroma's HNSW query
    (NEWSQA_DENSE_SEARCH=chroma), and how many of the exact top k chunks Chroma returns."""
    import numpy as np

    live = index.live_chunks(list(index.iter_documents()))
    vectors = np.asarray([c.vector for c in live], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact_hits = chroma_hits = overlap = 0
    for p in probes:
        query = np.asarray(index.embed_query(p["question"]), dtype=np.float32)
        best = np.argsort(-(vectors @ query))[:k]
        exact = {record_id(live[i].chunk.doc_id, live[i].generation, live[i].chunk.index)
                 for i in best}  # fmt: skip
        got = index._chunks.query(query_embeddings=[query.tolist()], n_results=k,
                                  include=["metadatas"])  # fmt: skip
        found = [str(m["doc_id"]) for m in got["metadatas"][0] if m]
        exact_hits += p["doc_id"] in {live[i].chunk.doc_id for i in best}
        chroma_hits += p["doc_id"] in found
        overlap += len(exact & set(got["ids"][0]))
    n = max(1, len(probes))
    return {"k": k, "exact_hit_at_k": exact_hits / n, "chroma_hit_at_k": chroma_hits / n,
            "chroma_recall_of_exact_top_k": overlap / (n * k)}  # fmt: skip


def llamaindex(settings: Settings, embedder: LocalEmbedder, probes: list[dict[str, Any]], k: int,
               rounds: int) -> dict[str, Any]:  # fmt: skip
    """Plain LlamaIndex (as evals/baseline.py builds it) over the same chunks: latency, hit@k."""
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    collection = make_client(settings).get_collection(settings.collection)
    store = ChromaVectorStore(chroma_collection=collection)
    retriever = VectorStoreIndex.from_vector_store(
        store, embed_model=embedder.llama_model
    ).as_retriever(similarity_top_k=k)
    times, hits = [], 0
    for r in range(rounds):
        for p in probes:
            started = time.perf_counter()
            nodes = retriever.retrieve(p["question"])
            times.append((time.perf_counter() - started) * 1000)
            if r == 0:
                hits += p["doc_id"] in {str(n.node.metadata.get("doc_id")) for n in nodes}
    return {"latency_ms": summary(times), "hit_at_k": hits / max(1, len(probes)), "k": k}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=1000, help="chunk texts for the encoder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    started = time.perf_counter()
    embedder = make_embedder(settings)
    assert isinstance(embedder, LocalEmbedder)
    load = time.perf_counter() - started
    index = Index(settings, embedder)
    probes = json.loads(args.questions.read_text("utf-8"))
    questions = [p["question"] for p in probes]
    texts = chunk_texts(index, args.sample)
    # The floor and LlamaIndex with the torch threads of the API's processes, which embed
    # the query (NEWSQA_TORCH_THREADS); the raw encoder with torch's default, as
    # ``python -m ingest`` embeds. The floor first, before the encoder's bulk run.
    bulk_threads = torch.get_num_threads()
    limit_torch_threads(settings.torch_threads)
    embedder.embed_query(questions[0])  # warm up
    floor_ms = floor(index, questions, args.rounds)
    retriever = llamaindex(settings, embedder, probes, args.k, args.rounds)
    query_threads = torch.get_num_threads()
    torch.set_num_threads(bulk_threads)
    out = {
        "model_load_s": round(load, 2),
        "chunks": index.stats()["chunks"],
        "encoder": {
            "texts": len(texts),
            "batch": settings.embed_batch_size,
            "torch_threads": bulk_threads,
            "chunks_per_s": round(encoder_rate(embedder, texts, settings.embed_batch_size), 2),
        },
        "floor_ms": floor_ms,
        "query_torch_threads": query_threads,
        "llamaindex": retriever,
        "dense": dense_recall(index, probes, args.k),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
