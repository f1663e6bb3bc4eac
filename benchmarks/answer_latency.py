"""Latency of retrieval and of extractive answers on the demo corpus (median and p95).

.venv/bin/python benchmarks/answer_latency.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.pipeline import Ingestor  # noqa: E402
from service.engine import AskRequest  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.wiring import build  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
QUESTIONS = [
    "What are Russia's stated preconditions for peace talks?",
    "What did Ned Price say about Lavrov's offer?",
    "What did Lavrov say about a truce?",
    "Who is Trump's Ukraine envoy?",
    "Who won the 2018 FIFA World Cup?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), llm="extractive")
        parts = build(settings)
        Ingestor(parts.index).sync_paths([CORPUS])
        parts.engine.ask(AskRequest(QUESTIONS[0]))  # warm up
        retrieve: list[float] = []
        answer: list[float] = []
        for _ in range(args.rounds):
            for question in QUESTIONS:
                started = time.perf_counter()
                parts.engine.retrieve(AskRequest(question))
                retrieve.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                parts.engine.ask(AskRequest(question))
                answer.append((time.perf_counter() - started) * 1000)
        parts.close()
    print("| step | median ms | p95 ms | n |")
    print("| --- | --- | --- | --- |")
    for name, values in [("retrieve (hybrid)", retrieve), ("ask, extractive", answer)]:
        print(f"| {name} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} "
              f"| {len(values)} |")  # fmt: skip


if __name__ == "__main__":
    main()
