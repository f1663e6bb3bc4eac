"""Reads while others write, against real Chroma: the hot path's store round trips, and a
churn of 16 readers and 4 writers that must see no error at all."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest.embedding import LocalEmbedder
from ingest.index import Index
from ingest.model import Article
from ingest.pipeline import Ingestor
from service.retrieval.hybrid import HybridRetriever
from service.retrieval.keyword import KeywordIndex
from tests.service.retrieval.test_hybrid import QUESTIONS, retriever_for
from tests.service.retrieval.test_keyword import demo_index, service_settings


class CountingCollection:
    """A real Chroma collection that counts the calls made on it (each is a round trip)."""

    def __init__(self, inner: Any, calls: Counter[str], name: str) -> None:
        self._inner, self._calls, self._name = inner, calls, name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if not callable(value):
            return value

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._calls[f"{self._name}.{attr}"] += 1
            return value(*args, **kwargs)

        return counted


@pytest.mark.parametrize(
    ("dense_search", "round_trips"),
    [
        # Dense candidates from the stored embeddings in memory: the records alone.
        ("memory", {"docs.get": 1}),
        # Chroma's query, then the records.
        ("chroma", {"chunks.query": 1, "docs.get": 1}),
    ],
)
def test_one_question_costs_at_most_two_store_round_trips(
    tmp_path: Path, embedder: LocalEmbedder, dense_search: str, round_trips: dict[str, int]
) -> None:
    index = demo_index(tmp_path, embedder)
    retriever = retriever_for(index, keyword_refresh_seconds=60, dense_search=dense_search)
    retriever.retrieve(QUESTIONS[0])  # the keyword index's first build
    calls: Counter[str] = Counter()
    index._chunks = CountingCollection(index._chunks, calls, "chunks")
    index._docs = CountingCollection(index._docs, calls, "docs")
    index._client = CountingCollection(index._client, calls, "client")
    for question in QUESTIONS:
        calls.clear()
        passages = retriever.retrieve(question)
        assert passages
        assert dict(calls) == round_trips, question
    retriever.keyword.close()


def _churn(index: Index, readers: int, writers: int, writes_each: int) -> list[str]:
    """``writers`` threads add, replace and delete their own documents while ``readers``
    threads retrieve, query, search keywords and read documents; the errors seen."""
    retriever = HybridRetriever(index, KeywordIndex(index, 0.05), retriever_for(index).settings)
    errors: list[str] = []
    reads = Counter[str]()
    done = threading.Event()

    def write(w: int) -> None:
        ingestor = Ingestor(index)
        try:
            for i in range(writes_each):
                doc_id = f"churn-{w}-{i % 3}"
                text = (
                    f"Lavrov said on day {i} that peace talks with writer {w} could resume. "
                    f"Kellogg answered that the envoy would travel to Ankara in week {i}."
                )
                ingestor.put(Article(doc_id, text))
                if i % 4 == 3:
                    index.delete_document(doc_id)
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(f"writer {w}: {type(e).__name__}: {e}")

    def read(r: int) -> None:
        question = QUESTIONS[r % len(QUESTIONS)]
        while not done.is_set():
            try:
                for passage in retriever.retrieve(question, top_k=6):
                    assert passage.doc.doc_id == passage.chunk.doc_id
                index.query("peace talks resume", 8)
                retriever.keyword.search("Lavrov Ankara", 10)
                index.get_documents([f"churn-{r % 4}-{j}" for j in range(3)])
                reads["ok"] += 1
            except Exception as e:  # noqa: BLE001 - reported by the main thread
                errors.append(f"reader {r}: {type(e).__name__}: {e}")
                reads["failed"] += 1

    threads = [threading.Thread(target=read, args=(r,)) for r in range(readers)]
    writing = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads + writing:
        thread.start()
    for thread in writing:
        thread.join(600)
    done.set()
    for thread in threads:
        thread.join(60)
    retriever.keyword.close()
    assert reads["ok"] >= readers, f"the readers hardly ran: {dict(reads)}"
    return errors


@pytest.mark.slow
def test_reads_during_writes_never_fail_embedded(tmp_path: Path, embedder: LocalEmbedder) -> None:
    index = demo_index(tmp_path, embedder)
    assert _churn(index, readers=16, writers=4, writes_each=24) == []


@pytest.mark.slow
def test_reads_during_writes_never_fail_over_a_chroma_server(
    tmp_path: Path, chroma_server: tuple[str, int], embedder: LocalEmbedder
) -> None:
    host, port = chroma_server
    settings = service_settings(
        tmp_path, chroma_host=host, chroma_port=port, collection=f"churn-{uuid.uuid4().hex[:8]}"
    )
    index = Index(settings, embedder)
    Ingestor(index).sync_paths([settings.corpus_dir])
    started = time.monotonic()
    assert _churn(index, readers=16, writers=4, writes_each=24) == []
    print(f"churn over the server: {time.monotonic() - started:.1f} s")
