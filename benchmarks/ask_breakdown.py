"""Where one extractive answer's time goes, stage by stage, in process: p50, p95 and the
share of the tail per stage, with the texts each stage embeds.

    .venv/bin/python -m benchmarks.ask_breakdown [FOLDER] [--rounds 5] [--questions probes.json]

Ingests FOLDER (default: the demo corpus; or ``OUT/articles`` of ``benchmarks.corpus``,
whose ``OUT/probes.json`` is then asked too) into a fresh embedded index, then asks a fixed
list of questions (answerable and not) ``--rounds`` times, extractively, through
``AnswerEngine.ask`` itself. The stages are timed by wrapping the functions the engine
calls (retrieve, assess and its second look, the extractive answerer's text, verify,
judge_quotes, find_conflicts) for this process only: no engine logic is repeated here and
nothing is timed when this script does not run. A stage's time excludes the stages nested
in it (the second look runs inside assess and judge_quotes). Embedded texts are counted by
a wrapper around the real embedder and charged to the stage that asked for them.

The tail is the asks at or above the whole answer's p90; a stage's share of the tail is its
part of their excess over the median ask.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import service.engine as engine_module  # noqa: E402
import service.grounding.answerability as answerability  # noqa: E402
from benchmarks.answer_latency import QUESTIONS  # noqa: E402
from benchmarks.run import GENERIC  # noqa: E402
from benchmarks.stats import percentile  # noqa: E402
from ingest.embedding import Embedder, make_embedder  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from service.engine import AskRequest  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.wiring import build  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
STAGES = [
    "retrieve", "assess", "second look (assess)", "extractive select", "verify",
    "judge_quotes", "second look (judge_quotes)", "conflicts", "rest",
]  # fmt: skip


class Clock:
    """Exclusive milliseconds and embedded texts per stage of the ask being timed."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.ms: dict[str, float] = {}
        self.texts: dict[str, int] = {}
        self.calls: dict[str, int] = {}

    def reset(self) -> None:
        self.ms, self.texts, self.calls = {}, {}, {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.stack:  # a nested stage: ``second look`` names the stage it runs in
            name = f"{name} ({self.stack[-1]})" if name == "second look" else name
        self.stack.append(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = (time.perf_counter() - started) * 1000
            self.stack.pop()
            self.ms[name] = self.ms.get(name, 0.0) + spent
            if self.stack:  # exclusive times: the outer stage does not count this one
                outer = self.stack[-1]
                self.ms[outer] = self.ms.get(outer, 0.0) - spent

    def embedded(self, count: int) -> None:
        name = self.stack[-1] if self.stack else "rest"
        self.texts[name] = self.texts.get(name, 0) + count
        self.calls[name] = self.calls.get(name, 0) + 1

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return fn(*args, **kwargs)

        return timed


class CountingEmbedder:
    """The real embedder, reporting how many texts each call embeds."""

    def __init__(self, inner: Embedder, clock: Clock) -> None:
        self.inner, self.clock, self.name = inner, clock, inner.name

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.clock.embedded(len(texts))
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.clock.embedded(1)
        return self.inner.embed_query(text)


def questions_for(folder: Path, probes: Path | None) -> list[str]:
    """The demo questions for the demo corpus; a generated corpus' probes and generic ones."""
    probes = probes or folder.parent / "probes.json"
    if probes.exists():
        return [p["question"] for p in json.loads(probes.read_text("utf-8"))] + GENERIC
    return QUESTIONS + GENERIC[:3]  # the demo corpus' questions, answerable and not


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--questions", type=Path, help="a probes.json (default: beside FOLDER)")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--chroma", metavar="HOST:PORT",
                        help="use this Chroma server's --collection (FOLDER is synced into it: "
                        "nothing is embedded when it holds FOLDER already) instead of a fresh "
                        "embedded index")  # fmt: skip
    parser.add_argument("--collection", default="newsqa")
    args = parser.parse_args()
    questions = questions_for(args.folder, args.questions)
    questions = questions[: args.limit] if args.limit else questions
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), llm="extractive")
        if args.chroma:
            host, port = args.chroma.rsplit(":", 1)
            settings = settings.model_copy(
                update={"chroma_host": host, "chroma_port": int(port),
                        "collection": args.collection}
            )  # fmt: skip
        parts = build(settings, CountingEmbedder(make_embedder(settings), clock))
        Ingestor(parts.index).sync_paths([args.folder])
        engine = parts.engine
        engine.retriever.retrieve("warm up")  # the keyword index's first build
        # The engine's own steps, wrapped in place for this process (setattr: the engine's
        # instance and the modules it calls by name).
        for owner, attr, name in [
            (engine, "retrieve", "retrieve"),
            (engine.extractive, "text", "extractive select"),
            (engine_module, "assess", "assess"),
            (engine_module, "verify", "verify"),
            (engine_module, "judge_quotes", "judge_quotes"),
            (engine_module, "find_conflicts", "conflicts"),
            (answerability, "_second_look", "second look"),
        ]:
            setattr(owner, attr, clock.wrap(name, getattr(owner, attr)))
        asks: list[dict[str, Any]] = []
        for round_ in range(args.rounds):
            for question in questions:
                clock.reset()
                started = time.perf_counter()
                answer = engine.ask(AskRequest(question, mode="extractive"))
                total = (time.perf_counter() - started) * 1000
                ms = dict(clock.ms)
                ms["rest"] = total - sum(ms.values())
                asks.append({"round": round_, "total": total, "ms": ms,
                             "texts": dict(clock.texts), "calls": dict(clock.calls),
                             "answerable": answer.answerable})  # fmt: skip
        parts.close()
    report(asks, len(questions), args.rounds)


def report(asks: list[dict[str, Any]], questions: int, rounds: int) -> None:
    totals = [a["total"] for a in asks]
    p50 = percentile(totals, 0.5)
    tail = [a for a in asks if a["total"] >= percentile(totals, 0.9)]
    excess = sum(a["total"] for a in tail) - len(tail) * p50
    answerable = sum(a["answerable"] for a in asks[:questions])
    cold = sum(a["round"] == 0 for a in tail)
    print(f"{questions} questions ({answerable} answered) x {rounds} rounds; tail: the "
          f"{len(tail)} asks >= p90, of which {cold} in round 1\n")  # fmt: skip
    print("| stage | p50 ms | p95 ms | p95/p50 | share of the tail | texts embedded a "
          "round-1 ask / a later ask (calls) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    first = [a for a in asks if a["round"] == 0]
    later = [a for a in asks if a["round"] > 0] or first
    for name in STAGES:
        values = [a["ms"].get(name, 0.0) for a in asks]
        s50, s95 = percentile(values, 0.5), percentile(values, 0.95)
        share = (sum(a["ms"].get(name, 0.0) for a in tail) - len(tail) * s50) / excess
        texts = "/".join(f"{_mean(g, 'texts', name):.1f}" for g in (first, later))
        calls = "/".join(f"{_mean(g, 'calls', name):.1f}" for g in (first, later))
        print(f"| {name} | {s50:.1f} | {s95:.1f} | {_ratio(s95, s50)} | {share:.0%} "
              f"| {texts} ({calls}) |")  # fmt: skip
    p95 = percentile(totals, 0.95)
    texts = "/".join(f"{sum(_mean(g, 'texts', n) for n in STAGES):.1f}" for g in (first, later))
    print(f"| **whole answer** | {p50:.1f} | {p95:.1f} | {_ratio(p95, p50)} | 100% | {texts} |")


def _mean(asks: list[dict[str, Any]], key: str, name: str) -> float:
    return sum(a[key].get(name, 0) for a in asks) / max(1, len(asks))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0.05 else "-"


if __name__ == "__main__":
    main()
