"""The BM25 keyword index against real Chroma: tokenising, filters, refresh by revision."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest.embedding import LocalEmbedder
from ingest.index import DocumentRecord, Filters, Index, LiveChunk
from ingest.model import Article, Metadata
from ingest.pipeline import Ingestor
from service.retrieval.keyword import KeywordIndex
from service.settings import Settings
from tests.conftest import CORPUS, DEMO_IDS, ChromaServer

# The same small dated articles the index's own filter test uses.
FILTER_ARTICLES: list[tuple[str, str | None, date | None]] = [
    ("a", "Reuters", date(2017, 3, 29)),
    ("b", "TASS", date(2022, 10, 11)),
    ("c", "Reuters", date(2024, 12, 26)),
    ("d", None, None),
]
FILTER_CASES: list[tuple[Filters, set[str]]] = [
    (Filters(), {"a", "b", "c", "d"}),
    (Filters(sources=("Reuters",)), {"a", "c"}),
    (Filters(sources=("TASS", "Nobody")), {"b"}),
    (Filters(doc_ids=("b", "d")), {"b", "d"}),
    (Filters(published_after=date(2022, 1, 1)), {"b", "c"}),
    (Filters(published_after=date(2022, 10, 11)), {"b", "c"}),
    (Filters(published_before=date(2022, 10, 11)), {"a", "b"}),
    (Filters(published_after=date(2018, 1, 1), published_before=date(2023, 1, 1)), {"b"}),
    (Filters(sources=("Reuters",), published_after=date(2020, 1, 1)), {"c"}),
    (Filters(doc_ids=("d",), published_after=date(2000, 1, 1)), set()),
]


def service_settings(tmp: Path, **overrides: Any) -> Settings:
    """Run-time settings for a test: no .env file, the index under ``tmp``."""
    values: dict[str, Any] = {"data_dir": tmp / "index", "corpus_dir": CORPUS}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def demo_index(tmp: Path, embedder: LocalEmbedder) -> Index:
    """An embedded index holding the demo corpus."""
    index = Index(service_settings(tmp), embedder)
    Ingestor(index).sync_paths([CORPUS])
    return index


def filter_index(tmp: Path, embedder: LocalEmbedder) -> Index:
    """An embedded index holding ``FILTER_ARTICLES``."""
    index = Index(service_settings(tmp), embedder)
    ingestor = Ingestor(index)
    for doc_id, source, day in FILTER_ARTICLES:
        text = f"Lavrov spoke about talks with Washington in article {doc_id}."
        ingestor.put(Article(doc_id, text, Metadata(source=source, published=day)))
    return index


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder) -> KeywordIndex:
    return KeywordIndex(demo_index(tmp_path_factory.mktemp("demo"), embedder))


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbedder) -> KeywordIndex:
    return KeywordIndex(filter_index(tmp_path_factory.mktemp("dated"), embedder))


def test_exact_terms_are_found_best_first(demo: KeywordIndex) -> None:
    hits = demo.search("Kellogg", top_k=10)
    assert hits and all("Kellogg" in chunk.text for chunk, _ in hits)
    assert hits[0][0].doc_id == DEMO_IDS[0]
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert len(demo.search("Lavrov", top_k=3)) == 3


@pytest.mark.parametrize("query", ["", "   ", "what is it that they were?", "xyzzyplugh"])
def test_queries_without_known_terms_find_nothing(demo: KeywordIndex, query: str) -> None:
    assert demo.search(query, top_k=5) == []


def test_returned_chunks_are_exact_slices_of_their_documents(demo: KeywordIndex) -> None:
    for chunk, _ in demo.search("Lavrov Trump Ukraine talks", top_k=50):
        text = demo.index.get_document(chunk.doc_id).text
        assert text is not None and text[chunk.start : chunk.end] == chunk.text


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_filters_match_chroma_exactly(
    dated: KeywordIndex, filters: Filters, expected: set[str]
) -> None:
    keyword = {chunk.doc_id for chunk, _ in dated.search("Lavrov talks", 10, filters)}
    dense = {hit.chunk.doc_id for hit in dated.index.query("Lavrov talks", 10, filters)}
    assert keyword == dense == expected


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_nearest_chunks_pass_the_same_filters_as_chroma(
    dated: KeywordIndex, filters: Filters, expected: set[str]
) -> None:
    vector = dated.index.embed_query("Lavrov talks")
    assert {h.chunk.doc_id for h in dated.nearest_hits(vector, 10, filters)} == expected


def test_nearest_chunks_are_the_exact_cosine_ranking_of_every_stored_embedding(
    demo: KeywordIndex, embedder: LocalEmbedder
) -> None:
    # Compared with a brute-force ranking of what the store holds, not with Chroma's HNSW
    # query, which is approximate (docs/benchmarks.md measures how much it misses).
    stored = demo.index.live_chunks(list(demo.index.iter_documents()))
    question = "What did Lavrov say about a ceasefire?"
    vector = np.asarray(embedder.embed_query(question))

    def cosine(v: np.ndarray) -> float:
        return float(v @ vector / (np.linalg.norm(v) * np.linalg.norm(vector)))

    expected = sorted(stored, key=lambda c: -cosine(np.asarray(c.vector)))[:8]
    hits = demo.nearest_hits(list(vector), 8)
    assert [h.chunk.chunk_id for h in hits] == [c.chunk.chunk_id for c in expected]
    for hit, live in zip(hits, expected, strict=True):
        assert hit.score == pytest.approx(cosine(np.asarray(live.vector)), abs=1e-5)
        assert hit.generation == live.generation
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert demo.nearest_hits(list(vector), 0) == []


def test_nearest_chunks_follow_writes_and_deletes(tmp_path: Path, embedder: LocalEmbedder) -> None:
    index = Index(service_settings(tmp_path), embedder)
    keyword = KeywordIndex(index, refresh_seconds=0.1)
    vector = index.embed_query("a walrus on the beach")
    assert keyword.nearest_hits(vector, 5) == []
    ingestor = Ingestor(index)
    ingestor.put(Article("w", "A walrus was seen on the beach."))
    ingestor.put(Article("s", "The seals stayed in the water."))
    time.sleep(0.3)
    assert [h.chunk.doc_id for h in keyword.nearest_hits(vector, 5)] == ["w", "s"]
    ingestor.put(Article("w", "Interest rates rose by a quarter point."))
    index.delete_document("s")
    time.sleep(0.3)
    hits = keyword.nearest_hits(vector, 5)
    assert [h.chunk.text for h in hits] == ["Interest rates rose by a quarter point."]
    keyword.close()


def test_empty_index_finds_nothing_then_sees_writes_deletes_and_updates(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    index = Index(service_settings(tmp_path), embedder)
    keyword = KeywordIndex(index, refresh_seconds=0.1)
    assert keyword.search("walrus", 5) == [] and keyword.chunk_count == 0

    ingestor = Ingestor(index)
    ingestor.put(Article("w", "A walrus was seen on the beach."))
    ingestor.put(Article("s", "The seals stayed in the water."))
    time.sleep(0.15)
    assert [c.doc_id for c, _ in keyword.search("walrus", 5)] == ["w"]

    ingestor.put(Article("w", "A narwhal was seen in the bay."))
    index.delete_document("s")
    time.sleep(0.15)
    assert keyword.search("walrus", 5) == [] and keyword.search("seals", 5) == []
    assert [c.text for c, _ in keyword.search("narwhal", 5)] == ["A narwhal was seen in the bay."]
    assert keyword.revision == index.revision()


def test_a_write_stays_unseen_until_the_refresh_interval_passes(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    index = Index(service_settings(tmp_path), embedder)
    Ingestor(index).put(Article("one", "Otters float on their backs."))
    keyword = KeywordIndex(index, refresh_seconds=60)
    assert len(keyword.search("otters", 5)) == 1
    # Another writer (another process, in production) on the same store.
    other = Index(service_settings(tmp_path), embedder)
    Ingestor(other).put(Article("two", "Otters hold hands while asleep."))
    assert len(keyword.search("otters", 5)) == 1  # checked less than 60 s ago
    assert keyword.refresh() is True and keyword.refresh() is False
    assert len(keyword.search("otters", 5)) == 2
    # A write through this process' own index is seen at once, without a poll.
    Ingestor(index).put(Article("three", "Otters use stones as tools."))
    assert len(keyword.search("otters", 5)) == 3


class GatedIndex(Index):
    """The real index whose chunk reads wait for a gate, to hold a sync in progress."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.asked: list[list[str]] = []

    def live_chunks(self, records: Sequence[DocumentRecord]) -> list[LiveChunk]:
        self.asked.append(sorted(r.doc_id for r in records))
        self.entered.set()
        assert self.gate.wait(60)
        return super().live_chunks(records)


def test_searches_answer_at_once_while_the_background_sync_reads_the_store(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    index = GatedIndex(service_settings(tmp_path), embedder)
    Ingestor(index).put(Article("old", "Puffins nest on the cliffs."))
    keyword = KeywordIndex(index, refresh_seconds=0.05)
    assert len(keyword.search("puffins", 5)) == 1

    index.gate.clear()
    index.entered.clear()
    Ingestor(index).put(Article("new", "Gannets dive for fish."))
    try:
        assert index.entered.wait(30), "the background sync did not start"
        found: dict[str, list[str]] = {}

        def search() -> None:
            for word in ("puffins", "gannets"):
                found[word] = [c.doc_id for c, _ in keyword.search(word, 5)]

        searcher = threading.Thread(target=search)
        searcher.start()
        searcher.join(30)  # a liveness bound: the sync stays held until the gate opens
        assert not searcher.is_alive(), "the search waited for the sync's store reads"
        assert keyword.revision != index.revision(), "the sync finished behind a closed gate"
        assert found == {"puffins": ["old"], "gannets": []}  # the current state answered
    finally:
        index.gate.set()
    deadline = time.monotonic() + 30
    while not keyword.search("gannets", 5) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [c.doc_id for c, _ in keyword.search("gannets", 5)] == ["new"]
    assert index.asked[-1] == ["new"], "only the changed document is read again"
    assert keyword.revision == index.revision()
    keyword.close()


def test_followed_incrementally_it_scores_as_a_fresh_build(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    """After adds, updates and deletes (by another client of the store), the incremental
    index gives the very hits and scores of one built from scratch, and was never rebuilt."""
    settings = service_settings(tmp_path)
    writer = Index(settings, embedder)
    Ingestor(writer).sync_paths([CORPUS])
    reader = GatedIndex(settings, embedder)
    keyword = KeywordIndex(reader, refresh_seconds=60)
    keyword.refresh()
    builds = len(reader.asked)
    ingestor = Ingestor(writer)
    ingestor.put(Article("extra", "Lavrov met the envoy in Ankara to discuss talks."))
    ingestor.put(
        Article(DEMO_IDS[1], "A replacement about Lavrov and sanctions. It has two sentences.")
    )
    writer.delete_document(DEMO_IDS[2])
    assert keyword.refresh() is True
    assert reader.asked[builds:] == [sorted(["extra", DEMO_IDS[1]])]
    fresh = KeywordIndex(Index(settings, embedder), refresh_seconds=60)
    for query in ["Lavrov talks", "sanctions", "Trump Ukraine envoy", "Kellogg", "Ankara"]:
        got = [(c.chunk_id, round(score, 4)) for c, score in keyword.search(query, 20)]
        want = [(c.chunk_id, round(score, 4)) for c, score in fresh.search(query, 20)]
        assert got == want, query
    assert keyword.chunk_count == fresh.chunk_count
    assert keyword.dated_documents() == fresh.dated_documents()
    keyword.close()
    fresh.close()


def test_concurrent_searches_during_writes_never_fail(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    index = Index(service_settings(tmp_path), embedder)
    keyword = KeywordIndex(index, refresh_seconds=0.01)
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        try:
            while not stop.is_set():
                hits = keyword.search("heron river", 10)
                scores = [score for _, score in hits]
                assert scores == sorted(scores, reverse=True)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=search) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        for i in range(6):
            Ingestor(index).put(Article(f"h{i}", f"Heron number {i} waded in the river."))
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    keyword.refresh()
    assert {c.doc_id for c, _ in keyword.search("heron", 10)} == {f"h{i}" for i in range(6)}


def test_a_store_outage_is_logged_once_and_its_end_too(
    tmp_path: Path, embedder: LocalEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    """The background sync keeps the last state through an outage of a real Chroma server,
    logs one traceback for it (not one per check), and says when the store is back."""
    (tmp_path / "chroma").mkdir()
    server = ChromaServer(tmp_path / "chroma").__enter__()
    try:
        settings = service_settings(
            tmp_path, chroma_host=server.host, chroma_port=server.port, collection="outage"
        )
        keyword = KeywordIndex(Index(settings, embedder), refresh_seconds=0.05)
        Ingestor(keyword.index).put(Article("puffins", "Puffins nest on the cliffs."))
        assert len(keyword.search("puffins", 5)) == 1  # built; the poller runs from here
        caplog.set_level(logging.DEBUG, logger="service.retrieval.keyword")
        server.stop()
        deadline = time.monotonic() + 60
        while len(ours(caplog)) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(keyword.search("puffins", 5)) == 1, "the last good state is still served"
        server.__enter__()  # the same port and data
        deadline = time.monotonic() + 60
        while not any("works again" in r.getMessage() for r in ours(caplog)):
            assert time.monotonic() < deadline, "the sync did not come back"
            time.sleep(0.05)
        keyword.close()
    finally:
        server.stop()
    records = ours(caplog)
    by_level = [r.levelname for r in records]
    assert by_level.count("ERROR") == 1 and records[0].levelname == "ERROR"
    assert records[0].exc_info is not None
    assert by_level.count("DEBUG") >= 4, "each later failed check is logged quietly"
    assert by_level[-1] == "WARNING" and "works again" in records[-1].getMessage()


def ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "service.retrieval.keyword"]
