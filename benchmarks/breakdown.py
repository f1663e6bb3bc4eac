"""Where one retrieval's time goes, stage by stage, in process, against the floor.

    .venv/bin/python -m benchmarks.breakdown [FOLDER] [--rounds 5]

Ingests FOLDER (default: the demo corpus) into a fresh embedded index, then times, per
question: embedding the query, the Chroma query (newsqa's pool of candidates), the read of
the candidates' document records, BM25 in memory, and fusion; and the floor (embed + one
top-k). Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.probe import FLOOR_K  # noqa: E402
from benchmarks.run import GENERIC  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.wiring import build  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), llm="extractive")
        parts = build(settings)
        Ingestor(parts.index).sync_paths([args.folder])
        index, keyword = parts.index, parts.keyword
        retriever = parts.engine.retriever
        retriever.retrieve(GENERIC[0])  # the keyword index's first build, warm caches
        pool = settings.candidates
        stages: dict[str, list[float]] = {}

        def timed(name: str, fn: object) -> object:
            started = time.perf_counter()
            out = fn()  # type: ignore[operator]
            stages.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            return out

        for _ in range(args.rounds):
            for q in GENERIC:
                vector = timed("embed the query", lambda q=q: index.embed_query(q))
                timed("floor: one Chroma top-k (k=6)", lambda v=vector: index._chunks.query(
                    query_embeddings=[v], n_results=FLOOR_K,
                    include=["metadatas", "documents", "distances"]))  # fmt: skip
                timed("Chroma query, newsqa's pool (k=38)", lambda v=vector: index._chunks.query(
                    query_embeddings=[v], n_results=pool + 8,
                    include=["metadatas", "documents", "distances"]))  # fmt: skip
                hits = timed("BM25 in memory", lambda q=q: keyword.search_hits(q, pool))
                docs = sorted({h.chunk.doc_id for h in hits})  # type: ignore[attr-defined]
                timed("read the candidates' records", lambda d=docs: index.get_documents(d))
                timed("whole retrieve()", lambda q=q: retriever.retrieve(q))
        print("| stage | median ms |")
        print("| --- | --- |")
        for name, values in stages.items():
            print(f"| {name} | {statistics.median(values):.1f} |")
        parts.close()


if __name__ == "__main__":
    main()
