"""Ingest speed: the demo corpus once, then a larger synthetic corpus (copies of the demo
articles under new ids), into a fresh embedded index. Prints a Markdown table.

    .venv/bin/python benchmarks/ingest_speed.py [--copies 40]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.embedding import LocalEmbedder  # noqa: E402
from ingest.index import Index  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from ingest.settings import IndexSettings  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def run(folder: Path, index_dir: Path, embedder: LocalEmbedder) -> tuple[int, int, float, float]:
    settings = IndexSettings(_env_file=None, data_dir=index_dir)
    ingestor = Ingestor(Index(settings, embedder))
    started = time.perf_counter()
    report = ingestor.sync_paths([folder])
    first = time.perf_counter() - started
    started = time.perf_counter()
    ingestor.sync_paths([folder])
    again = time.perf_counter() - started
    return report.documents, report.chunks, first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = LocalEmbedder()
    load = time.perf_counter() - started
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        rows.append(("demo corpus", *run(CORPUS, base / "demo", embedder)))
        many = base / "many"
        many.mkdir()
        texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
        for i in range(args.copies * len(texts)):
            (many / f"copy{i:05d}.txt").write_text(f"Copy {i}.\n{texts[i % len(texts)]}")
        rows.append((f"{args.copies}x demo corpus", *run(many, base / "many-index", embedder)))
    print(f"model load: {load:.1f} s (once per process)\n")
    print("| corpus | documents | chunks | first ingest (s) | chunks/s | re-run, unchanged (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, docs, chunks, first, again in rows:
        print(f"| {name} | {docs} | {chunks} | {first:.2f} | {chunks / first:.0f} | {again:.2f} |")


if __name__ == "__main__":
    main()
