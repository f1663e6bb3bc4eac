"""Run question sets through the same ``AnswerEngine`` the service uses, on a fresh temporary
index per suite, and score every reply (and the LlamaIndex baseline's, when asked)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.judge import Judge, judge_embed
from evals.metrics import (
    CaseResult,
    CitationResult,
    alce_citations,
    by_category,
    facts_found,
    summarise,
)
from evals.schema import Case, DatasetError, Suite
from evals.systems import NewsqaSystem, Reply, System
from ingest.embedding import Embedder, make_embedder
from ingest.index import Index
from ingest.pipeline import Ingestor
from service.engine import RequestMode
from service.settings import Settings
from service.wiring import build

RESULTS_VERSION = 1
# Retrieval metrics look at this many passages at least (hit@5 needs five).
MIN_RETRIEVAL_K = 5


class QueryCache:
    """The run's embedder, remembering query vectors within one case, so measuring retrieval
    after the engine answered does not embed the same question again (and so does not add
    to the run's time). ``forget`` before each case keeps the engine's own timings honest."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.llama_model = getattr(inner, "llama_model", None)
        self._queries: dict[str, list[float]] = {}

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]

    def forget(self) -> None:
        self._queries.clear()


@dataclass
class RunOptions:
    mode: RequestMode = "extractive"
    now: date = field(default_factory=date.today)
    baseline: bool = False
    progress: bool = True


class Scorer:
    """Scores replies against cases, reading quotes back from the index's stored text."""

    def __init__(self, index: Index, judge: Judge) -> None:
        self.index = index
        self.judge = judge
        self._texts: dict[str, str] = {}

    def text_of(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            found = self.index.get_documents([doc_id], with_text=True).get(doc_id)
            self._texts[doc_id] = (found.text or "") if found else ""
        return self._texts[doc_id]

    def exact(self, doc_id: str, quote: str, start: int | None, end: int | None) -> bool:
        return start is not None and end is not None and self.text_of(doc_id)[start:end] == quote

    def score(self, case: Case, reply: Reply, as_of: date) -> CaseResult:
        answered = reply.answerable
        by_marker = {q.marker: q for q in reply.citations}
        claims = [
            (text, [by_marker[m].quote for m in markers if m in by_marker])
            for text, markers in (reply.claims if answered else [])
        ]
        supported, precise = alce_citations(claims, self.judge.score, self.judge.threshold)
        cited = " \n".join(q.quote for q in reply.citations)
        none = [False] * len(case.facts)
        cited_docs = {q.doc_id for q in reply.citations}
        sides = reported = allowed = None
        if case.sides:
            sides = answered and all(cited_docs & set(side) for side in case.sides)
            reported = answered and _conflict_cites(reply, case.sides)
        if case.cite_only and answered:
            allowed = cited_docs <= set(case.cite_only)
        return CaseResult(
            id=case.id,
            category=case.category,
            question=case.question,
            expected_answerable=case.answerable,
            answerable=answered,
            answer=reply.answer,
            gold_doc_ids=list(case.gold_doc_ids),
            retrieved=list(reply.retrieved),
            facts=[list(f) for f in case.facts],
            facts_present=facts_found(case.facts, reply.answer) if answered else none,
            facts_cited=facts_found(case.facts, cited) if answered else none,
            sentences_supported=supported,
            citations_precise=precise,
            citations=[
                CitationResult(
                    q.marker,
                    q.doc_id,
                    q.quote,
                    q.start,
                    q.end,
                    self.exact(q.doc_id, q.quote, q.start, q.end),
                )  # fmt: skip
                for q in reply.citations
            ],
            sides_cited=sides,
            conflict_reported=reported,
            cited_allowed=allowed,
            timings_ms=dict(reply.timings_ms),
            standalone_question=reply.standalone_question,
            refusal_reason=reply.refusal_reason,
            as_of=(case.as_of or as_of).isoformat(),
        )


def run(
    label: str,
    suites: Sequence[Suite],
    settings: Settings,
    options: RunOptions,
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Run every suite and return the results (the ``results.json`` object)."""
    started, clock = datetime.now(UTC), time.perf_counter()
    cache = QueryCache(embedder or make_embedder(settings))
    k = max(settings.top_k, MIN_RETRIEVAL_K)
    results: dict[str, list[CaseResult]] = {}
    per_suite: dict[str, dict[str, list[CaseResult]]] = {}
    descriptions: dict[str, str] = {}
    total = sum(len(s.cases) for s in suites)
    judge = Judge(judge_embed(cache))
    bar = tqdm(total=total, desc=f"eval {label}", unit="case", disable=not options.progress)
    for suite in suites:
        _check_gold(suite)
        with (
            tempfile.TemporaryDirectory(prefix="newsqa-eval-") as tmp,
            build(
                settings.model_copy(
                    update={
                        "data_dir": Path(tmp) / "index",
                        "chroma_host": None,
                        "collection": "evals",
                    }
                ),
                cache,
            ) as parts,
        ):
            ingestor = Ingestor(parts.index)
            for article in suite.articles:
                ingestor.put(article)
            # Searched as the service is once its writes have settled (the keyword index
            # follows the store in the background).
            parts.keyword.refresh(force=True)
            systems: list[System] = [NewsqaSystem(parts, options.mode, k, options.now)]
            if options.baseline:
                from evals.baseline import LlamaIndexBaseline

                systems.append(LlamaIndexBaseline(parts, k, use_chat=options.mode != "extractive"))
            scorer = Scorer(parts.index, judge)
            _warm_up(systems)
            for case in suite.cases:
                bar.set_postfix_str(f"{suite.name}:{case.id}"[:40])
                for system in systems:
                    cache.forget()
                    result = scorer.score(case, system.reply(case), options.now)
                    results.setdefault(system.name, []).append(result)
                    per_suite.setdefault(system.name, {}).setdefault(suite.name, []).append(result)
                    descriptions[system.name] = system.description
                bar.update(1)
    bar.close()
    return {
        "version": RESULTS_VERSION,
        "dataset": label,
        "suites": [
            {"name": s.name, "cases": len(s.cases), "articles": len(s.articles)} for s in suites
        ],
        "mode": options.mode,
        "now": options.now.isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 1),
        "retrieval_k": k,
        "support_judge": Judge.description,
        "support_threshold": judge.threshold,
        "settings": _settings_snapshot(settings, cache),
        "systems": {
            name: {
                "description": descriptions[name],
                "summary": summarise(cases),
                "suites": {
                    suite: summarise(suite_cases) for suite, suite_cases in per_suite[name].items()
                },
                "categories": by_category(cases),
                "cases": [c.to_dict() for c in cases],
            }
            for name, cases in results.items()
        },
    }


def _conflict_cites(reply: Reply, sides: list[list[str]]) -> bool:
    """Whether the reply reports a disagreement whose sides cite every group of ``sides``."""
    doc_of = {q.marker: q.doc_id for q in reply.citations}
    for conflict in reply.conflicts:
        raw_sides = conflict.get("sides")
        listed = raw_sides if isinstance(raw_sides, list) else []
        cited = [{doc_of.get(m) for m in side.get("markers", [])} for side in listed]
        if all(any(group & set(docs) for group in cited) for docs in sides):
            return True
    return False


def _check_gold(suite: Suite) -> None:
    known = {a.doc_id for a in suite.articles}
    for case in suite.cases:
        missing = [d for d in [*case.gold_doc_ids, *case.restrict_to] if d not in known]
        if missing:
            raise DatasetError(
                suite.name, None, f"case {case.id!r} names documents not in the corpus: {missing}"
            )


def _warm_up(systems: Sequence[System]) -> None:
    """One unrecorded question per system, so first-call model loading is not a latency."""
    probe = Case(id="warm-up", question="What happened?", category="warm-up", answerable=False)
    for system in systems:
        system.reply(probe)


def _settings_snapshot(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    names = (
        "llm", "llm_model", "top_k", "candidates", "max_chunks_per_doc", "min_relevance",
        "min_support", "chunk_size", "chunk_overlap",
    )  # fmt: skip
    snapshot = {name: getattr(settings, name) for name in names}
    snapshot["embedding"] = getattr(embedder, "name", settings.embedding)
    return snapshot
