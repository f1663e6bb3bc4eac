"""Memory and speed of one process' whole keyword index (``KeywordIndex``'s state: BM25,
the chunks, their filter fields and their 384-float embeddings) at a given size, built
from the generated corpus with random unit vectors in place of the model's (no model run).

    .venv/bin/python -m benchmarks.keyword_memory --chunks 100000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks.keyword_engines import corpus
from benchmarks.stats import summary
from ingest.index import DocumentRecord, Filters, LiveChunk
from ingest.model import Chunk, Span
from service.retrieval.keyword_state import KeywordState
from service.text import search_terms


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    args = parser.parse_args()
    before = rss_mb()  # the chunk texts count: the state holds them
    pieces, queries = corpus(args.chunks)
    rng = np.random.default_rng(1)
    by_doc: dict[str, list[str]] = {}
    for doc_id, text in pieces:
        by_doc.setdefault(doc_id, []).append(text)
    del pieces
    state = KeywordState()
    started = time.perf_counter()
    for n, (doc_id, texts) in enumerate(by_doc.items()):
        chunks = []
        for i, text in enumerate(texts):  # made per document, as a sync reads them
            vector = rng.standard_normal(384).astype(np.float32)
            vector /= np.linalg.norm(vector)
            spans = tuple(Span(j, j + 100) for j in range(0, len(text), 100))
            chunks.append(LiveChunk(Chunk(doc_id, i, 0, len(text), text, spans), "g", vector))
        record = DocumentRecord(doc_id, "g" * 64, "ready", None, ("Reuters", "AP")[n % 2], (),
                                None, None, "2020-01-01" if n % 3 else None, None, None,
                                len(chunks))  # fmt: skip
        state.put(record, chunks)
    build = time.perf_counter() - started
    held = rss_mb() - before
    lat, filtered = [], []
    for q in queries * 3:
        terms = search_terms(q)
        t = time.perf_counter()
        scores = state.bm25.scores(terms)
        np.argpartition(-scores, 30)[:30]
        lat.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        positive = np.flatnonzero(scores > 0)
        positive[state.allowed(positive, Filters(sources=("AP",)))]
        filtered.append((time.perf_counter() - t) * 1000)
    print(f"{state.bm25.live:,} chunks in {len(state.doc_ids):,} documents: built (put one by "
          f"one) in {build:.1f} s; process RSS grew {held:.0f} MB (chunk objects, BM25, "
          f"vectors {state.vectors.nbytes / 1e6:.0f} MB); BM25 query {summary(lat)} ms; "
          f"source filter on the hits {summary(filtered)} ms")  # fmt: skip


if __name__ == "__main__":
    main()
