"""Every whole extractive answer to the breakdown's questions on a folder, as JSON lines, to
check that a speed change left the answers alone: run it on two checkouts and compare the
files byte for byte.

    .venv/bin/python -m benchmarks.answer_dump /tmp/perf-corpus-300/articles OUT.jsonl
    .venv/bin/python -m benchmarks.answer_dump data/corpus OUT.jsonl
    cmp BEFORE.jsonl AFTER.jsonl

Ingests FOLDER into a fresh embedded index, asks ``benchmarks.ask_breakdown``'s questions
``--rounds`` times (a first answer, then repeats that find the caches warm) and writes each
``Answer`` without its timings: text, citations with their scores, sentences, answerable,
refusal reason, conflicts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.ask_breakdown import questions_for  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from service.engine import AskRequest  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.wiring import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, args.out.open("w", encoding="utf-8") as out:
        settings = Settings(_env_file=None, data_dir=Path(tmp), llm="extractive")
        with build(settings) as parts:
            Ingestor(parts.index).sync_paths([args.folder])
            for _ in range(args.rounds):
                for question in questions_for(args.folder, None):
                    answer = parts.engine.ask(AskRequest(question, mode="extractive"))
                    record = dataclasses.asdict(answer)
                    record.pop("timings_ms", None)
                    out.write(json.dumps(record, sort_keys=True, default=str) + "\n")


if __name__ == "__main__":
    main()
