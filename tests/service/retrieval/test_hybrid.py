"""Hybrid retrieval against real Chroma and the real model: fusion, diversity, filters, sync."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from ingest.embedding import LocalEmbedder
from ingest.index import Filters, Index
from ingest.model import Article, Chunk
from ingest.pipeline import Ingestor
from service.answers import Passage
from service.retrieval.hybrid import HybridRetriever, overlap_fraction
from service.retrieval.keyword import KeywordIndex
from service.settings import Settings
from tests.conftest import CORPUS, DEMO_IDS, ROOT
from tests.service.retrieval.test_keyword import (
    FILTER_CASES,
    demo_index,
    filter_index,
    service_settings,
)

PRECONDITIONS = "What are Russia's stated preconditions for peace talks?"
QUESTIONS = [
    PRECONDITIONS,
    "What did Lavrov say about the Trump administration?",
    "Who is Keith Kellogg?",
    "Will Russia accept European peacekeepers in Ukraine?",
    "NATO membership",
]


def retriever_for(index: Index, **overrides: object) -> HybridRetriever:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{**index.settings.model_dump(), **overrides},
    )
    return HybridRetriever(index, KeywordIndex(index, settings.keyword_refresh_seconds), settings)


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder) -> Index:
    return demo_index(tmp_path_factory.mktemp("demo"), embedder)


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder) -> Index:
    return filter_index(tmp_path_factory.mktemp("dated"), embedder)


def test_preconditions_question_reaches_both_reuters_and_the_tass_interview(demo: Index) -> None:
    passages = retriever_for(demo).retrieve(PRECONDITIONS, top_k=6)
    docs = {p.doc_id for p in passages}
    assert {"000_e62ddbb625dbe803", "002_9337bddef5a72965"} <= docs
    assert len(passages) == 6


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("cap", [1, 2, 3])
def test_passages_are_numbered_capped_distinct_and_exact(
    demo: Index, embedder: LocalEmbedder, question: str, cap: int
) -> None:
    retriever = retriever_for(demo, max_chunks_per_doc=cap)
    passages = retriever.retrieve(question, top_k=6)
    assert [p.number for p in passages] == list(range(1, len(passages) + 1))
    assert len(passages) == min(6, cap * len(DEMO_IDS))
    assert max(Counter(p.doc_id for p in passages).values()) <= cap
    # Diversity first: every article appears before any article appears twice.
    assert len({p.doc_id for p in passages}) == min(len(passages), len(DEMO_IDS))
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    for i, a in enumerate(passages):
        for b in passages[i + 1 :]:
            assert overlap_fraction(a.chunk, b.chunk) <= 0.5
        assert a.doc.doc_id == a.doc_id and a.doc.text is None
        text = demo.get_document(a.doc_id).text
        assert text is not None and text[a.chunk.start : a.chunk.end] == a.chunk.text
    query = embedder.embed_query(question)
    for p in passages:
        assert p.similarity == pytest.approx(
            cosine(query, embedder.embed_documents([p.chunk.text])[0]), abs=1e-3
        )


def test_a_rare_term_only_bm25_finds_is_still_retrieved_with_a_real_similarity(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    index = Index(service_settings(tmp_path), embedder)
    ingestor = Ingestor(index)
    topics = [
        "grain exports",
        "gas prices",
        "the peace talks",
        "sanctions",
        "prisoner swaps",
        "the election",
        "troop movements",
        "the embassy",
        "arms control",
        "the summit",
    ]
    for i, topic in enumerate(topics):
        ingestor.put(
            Article(
                f"filler{i}",
                f"Which ministry signed the decree on {topic}? Officials said "
                f"the ministry signed the decree on {topic} on Monday.",
            )
        )
    ingestor.put(
        Article(
            "target",
            "Fishermen on the northern lakes mended their nets. The new quota "
            "rules were printed as order Zyntrolix by the regional office.",
        )
    )
    question = "Which ministry signed the Zyntrolix decree?"
    retriever = retriever_for(index, top_k=3, candidates=3)
    dense = [hit.chunk.doc_id for hit in index.query(question, 3)]
    assert "target" not in dense, "premise: the dense side alone misses it"

    passages = retriever.retrieve(question)
    target = [p for p in passages if p.doc_id == "target"]
    assert len(target) == 1
    expected = cosine(
        embedder.embed_query(question), embedder.embed_documents([target[0].chunk.text])[0]
    )
    assert target[0].similarity == pytest.approx(expected, abs=1e-3)
    assert 0 < target[0].similarity < min(p.similarity for p in passages if p.doc_id != "target")


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_filters_apply_to_both_retrievers(
    dated: Index, filters: Filters, expected: set[str]
) -> None:
    retriever = retriever_for(dated, top_k=10, candidates=10)
    passages = retriever.retrieve("Lavrov talks", filters=filters)
    assert {p.doc_id for p in passages} == expected
    assert {c.doc_id for c, _ in retriever.keyword.search("Lavrov talks", 10, filters)} == expected


def test_dense_candidates_from_memory_and_from_chroma_agree_on_a_small_index(demo: Index) -> None:
    # On a few dozen chunks Chroma's HNSW query is exact, so both sources of dense
    # candidates must give the same passages with the same similarities.
    memory, chroma = retriever_for(demo), retriever_for(demo, dense_search="chroma")
    for question in QUESTIONS:
        a, b = memory.retrieve(question), chroma.retrieve(question)
        assert [(p.doc_id, p.chunk.index) for p in a] == [(p.doc_id, p.chunk.index) for p in b]
        assert [p.similarity for p in a] == pytest.approx([p.similarity for p in b], abs=1e-5)
    memory.keyword.close()
    chroma.keyword.close()


def test_heavily_overlapping_chunks_are_not_both_returned(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    # Short sentences and a large overlap: neighbouring chunks share most of their text.
    index = Index(service_settings(tmp_path, chunk_size=200, chunk_overlap=150), embedder)
    text = " ".join(
        f"Lavrov said on day {i} that Washington must make the first move." for i in range(12)
    )
    Ingestor(index).put(Article("one", text))
    retriever = retriever_for(index, top_k=8, max_chunks_per_doc=8)
    question = "What did Lavrov say about the first move?"
    candidates = [hit.chunk for hit in index.query(question, 30)]
    assert any(
        overlap_fraction(a, b) > 0.5 for i, a in enumerate(candidates) for b in candidates[i + 1 :]
    ), "premise: candidates overlap by more than half"
    passages = retriever.retrieve(question)
    assert len(passages) >= 2
    for i, a in enumerate(passages):
        for b in passages[i + 1 :]:
            assert overlap_fraction(a.chunk, b.chunk) <= 0.5


def test_a_keyword_index_behind_a_rewrite_never_returns_stale_chunks(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    index = Index(service_settings(tmp_path), embedder)
    ingestor = Ingestor(index)
    ingestor.put(Article("x", "The albatross circled the ship for three days."))
    retriever = retriever_for(index, keyword_refresh_seconds=60)
    assert [p.doc_id for p in retriever.retrieve("albatross")] == ["x"]
    # Rewritten by another writer (another process, in production): this one's memory is
    # behind until its next poll, a minute away.
    other = Ingestor(Index(service_settings(tmp_path), embedder))
    other.put(Article("x", "Nothing at all circled the ship. The crew was bored."))
    assert [c.doc_id for c, _ in retriever.keyword.search("albatross", 5)] == ["x"]  # stale
    passages = retriever.retrieve("albatross")
    text = index.get_document("x").text
    assert text is not None
    assert [p.chunk.text for p in passages] == [text]


@pytest.mark.parametrize(
    ("a", "b", "fraction"),
    [
        ((0, 100), (50, 150), 0.5),
        ((0, 100), (40, 140), 0.6),
        ((0, 100), (100, 200), 0.0),
        ((0, 100), (90, 120), 10 / 30),
        ((0, 40), (0, 100), 1.0),
    ],
)
def test_overlap_fraction(a: tuple[int, int], b: tuple[int, int], fraction: float) -> None:
    def chunk(span: tuple[int, int], doc_id: str = "d") -> Chunk:
        return Chunk(doc_id, 0, span[0], span[1], "", ())

    assert overlap_fraction(chunk(a), chunk(b)) == pytest.approx(fraction)
    assert overlap_fraction(chunk(a), chunk(b, "other")) == 0.0


def test_empty_index_and_blank_questions_give_no_passages(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    retriever = retriever_for(Index(service_settings(tmp_path), embedder))
    assert retriever.retrieve("Anything at all?") == []
    assert retriever.retrieve("   ") == []


def _found(passages: list[Passage], word: str) -> bool:
    return any(word in p.chunk.text for p in passages)


@pytest.mark.slow
def test_a_document_ingested_by_another_process_is_found_by_the_background_sync(
    tmp_path: Path, chroma_server: tuple[str, int], embedder: LocalEmbedder
) -> None:
    host, port = chroma_server
    collection = f"sync-{uuid.uuid4().hex[:8]}"
    settings = service_settings(
        tmp_path,
        chroma_host=host,
        chroma_port=port,
        collection=collection,
        keyword_refresh_seconds=1.0,
    )
    index = Index(settings, embedder)
    Ingestor(index).sync_paths([CORPUS])
    retriever = HybridRetriever(index, KeywordIndex(index, 1.0), settings)
    word = "Zorvantic"
    paraphrase = "a lantern festival over a frozen lake"
    assert not _found(retriever.retrieve(word), word)

    article = tmp_path / "lanterns.txt"
    article.write_text(
        f"The village of Pellmoor held its first {word} lantern festival on Saturday. "
        "Hundreds of paper lanterns were released over the frozen lake while a brass band "
        "played.\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "CHROMA_HOST": host,
        "CHROMA_PORT": str(port),
        "NEWSQA_COLLECTION": collection,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "ingest", str(article), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert retriever.keyword.following, "the keyword index follows the store on its own"
    # A liveness bound, not a speed claim: nothing here calls refresh(), so only the
    # background sync can bring the new document in (docs/benchmarks.md states how soon).
    deadline = time.monotonic() + 60

    while True:
        keyword = retriever.keyword.search(word, 5)
        by_word = retriever.retrieve(word)
        by_meaning = retriever.retrieve(paraphrase)
        dense = index.query(paraphrase, 3)
        ok = (
            bool(keyword)
            and keyword[0][0].doc_id == "lanterns"
            and by_word[0].doc_id == "lanterns"
            and _found(by_meaning, word)
            and dense[0].chunk.doc_id == "lanterns"
        )
        if ok or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert ok, "the other process' document was never found: the background sync is stuck"
    assert by_word[0].similarity > 0
