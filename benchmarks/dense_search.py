"""The exact dense search alone (``KeywordState.nearest``): one question against every live
chunk's stored embedding, in memory, at a given size; random unit vectors of the model's
dimension, one in seven slots dead (replaced chunks not yet compacted).

    .venv/bin/python -m benchmarks.dense_search --chunks 100000 [--queries 50] [--top-k 38]

Prints p50 / p95 / p99 in ms.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.stats import summary
from service.retrieval.keyword_state import KeywordState

DIM = 384  # all-MiniLM-L6-v2


def state_of(chunks: int, seed: int = 1) -> KeywordState:
    """A keyword state of ``chunks`` slots (no terms), random unit vectors, 1 in 7 dead."""
    rng = np.random.default_rng(seed)
    state = KeywordState(DIM)
    state.bm25.add_many([[] for _ in range(chunks)])
    state._grow_slots(chunks, DIM)
    vectors = rng.standard_normal((chunks, DIM)).astype(np.float32)
    state.vectors[:chunks] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for slot in range(0, chunks, 7):
        state.bm25.remove(slot)
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--top-k", type=int, default=38, help="the retriever's pool + 8")
    args = parser.parse_args()
    state = state_of(args.chunks)
    rng = np.random.default_rng(2)
    times = []
    for _ in range(args.queries):
        query = rng.standard_normal(DIM).astype(np.float32)
        query /= np.linalg.norm(query)
        started = time.perf_counter()
        state.nearest(query, args.top_k, None)
        times.append((time.perf_counter() - started) * 1000)
    print(f"{args.chunks:,} chunks: {summary(times)} ms")


if __name__ == "__main__":
    main()
