"""Ingest into a real embedded Chroma with the real packaged model: idempotency, updates,
pruning, exact offsets, and convergence after interruptions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest.embedding import LocalEmbedder
from ingest.index import READY, Index, Write
from ingest.model import Chunk
from ingest.pipeline import Ingestor
from tests.conftest import DEMO_IDS, make_settings


class CountingEmbedder:
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self, inner: LocalEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts = 0

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class Interrupted(BaseException):
    """Like Ctrl-C: not an Exception, so nothing on the way converts it."""


class InterruptAfter(CountingEmbedder):
    """The real model, interrupted (like Ctrl-C) on the n-th document it embeds."""

    def __init__(self, inner: LocalEmbedder, calls: int) -> None:
        super().__init__(inner)
        self.calls_left = calls

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls_left -= 1
        if self.calls_left < 0:
            raise Interrupted
        return super().embed_documents(texts)


def snapshot(index: Index) -> tuple[dict[str, str], list[tuple[str, int, int, str]], int]:
    """Document hashes, live chunks, and every stored chunk record (stale ones included)."""
    docs = {r.doc_id: r.content_hash for r in index.iter_documents(include_deleting=True)}
    chunks = sorted((c.doc_id, c.start, c.end, c.text) for c in index.iter_chunks())
    return docs, chunks, index.stored_chunks()


def test_ingest_demo_corpus_then_rerun_changes_nothing(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder
) -> None:
    counting = CountingEmbedder(embedder)
    ingestor = Ingestor(Index(make_settings(tmp_path), counting))

    first = ingestor.sync_paths([corpus_copy])
    assert sorted(first.added) == DEMO_IDS
    assert first.failed == [] and first.updated == [] and first.unchanged == []
    assert first.documents == 5 and first.chunks >= 10
    embedded = counting.texts
    assert embedded == first.chunks
    before = snapshot(ingestor.index)

    second = ingestor.sync_paths([corpus_copy])
    assert second.summary() | {"seconds": 0} == {
        "added": 0,
        "updated": 0,
        "unchanged": 5,
        "removed": 0,
        "failed": [],
        "documents": 5,
        "chunks": first.chunks,
        "seconds": 0,
    }
    assert counting.texts == embedded, "an unchanged corpus must embed nothing"
    assert snapshot(ingestor.index) == before


def test_changed_file_alone_is_replaced_without_duplicates(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder
) -> None:
    ingestor = Ingestor(Index(make_settings(tmp_path), embedder))
    ingestor.sync_paths([corpus_copy])
    target = corpus_copy / f"{DEMO_IDS[2]}.txt"
    target.write_text(target.read_text() + "\nLavrov added one more sentence on Friday.\n")

    report = ingestor.sync_paths([corpus_copy])
    assert report.updated == [DEMO_IDS[2]]
    assert report.added == [] and len(report.unchanged) == 4
    doc = ingestor.index.get_document(DEMO_IDS[2])
    assert doc.text == target.read_text()
    live = [c for c in ingestor.index.iter_chunks() if c.doc_id == DEMO_IDS[2]]
    assert len(live) == doc.chunks
    assert "one more sentence" in live[-1].text
    # No stale chunk records survive the replacement.
    assert ingestor.index.stored_chunks() == report.chunks


def test_prune_removes_documents_whose_files_are_gone(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder
) -> None:
    ingestor = Ingestor(Index(make_settings(tmp_path), embedder))
    ingestor.sync_paths([corpus_copy])
    (corpus_copy / f"{DEMO_IDS[0]}.txt").unlink()

    kept = ingestor.sync_paths([corpus_copy])
    assert kept.removed == [] and kept.documents == 5, "without --prune nothing is removed"

    pruned = ingestor.sync_paths([corpus_copy], prune=True)
    assert pruned.removed == [DEMO_IDS[0]]
    assert pruned.documents == 4
    assert {c.doc_id for c in ingestor.index.iter_chunks()} == set(DEMO_IDS[1:])
    assert ingestor.index.stored_chunks() == pruned.chunks


def test_every_chunk_and_sentence_is_exact_text_of_its_document(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    settings = make_settings(tmp_path, chunk_size=400, chunk_overlap=100)
    index = Index(settings, embedder)
    report = Ingestor(index).sync_paths([settings.corpus_dir])
    texts = {d: index.get_document(d).text or "" for d in DEMO_IDS}
    chunks: list[Chunk] = list(index.iter_chunks())
    assert len(chunks) == report.chunks
    for chunk in chunks:
        text = texts[chunk.doc_id]
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.sentences[0].start == chunk.start
        assert chunk.sentences[-1].end == chunk.end
        for span in chunk.sentences:
            assert chunk.start <= span.start < span.end <= chunk.end
    # The original text is kept byte-for-byte.
    for doc_id, text in texts.items():
        assert text == (settings.corpus_dir / f"{doc_id}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("batch", "calls"), [(1, 1), (1, 3), (6, 1), (6, 2)])
def test_interrupted_run_converges_to_a_clean_run(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder, batch: int, calls: int
) -> None:
    """Interrupted after ``calls`` batches were embedded (one document a batch, or about 6
    chunks of several documents), a re-run adds exactly the rest."""
    clean = Index(make_settings(tmp_path / "clean"), embedder)
    Ingestor(clean).sync_paths([corpus_copy])

    settings = make_settings(tmp_path / "crashed", ingest_batch_chunks=batch)
    crashing = InterruptAfter(embedder, calls)
    with pytest.raises(Interrupted):
        Ingestor(Index(settings, crashing)).sync_paths([corpus_copy])
    resumed = Index(settings, embedder)
    written = {r.doc_id for r in resumed.iter_documents()}
    assert 1 <= len(written) < 5
    report = Ingestor(resumed).sync_paths([corpus_copy])
    assert sorted(report.added) == sorted(set(DEMO_IDS) - written)
    assert snapshot(resumed) == snapshot(clean)


def test_documents_are_embedded_together_in_batches(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder
) -> None:
    counting = CountingEmbedder(embedder)
    calls: list[int] = []
    inner = counting.embed_documents

    def embed(texts: Sequence[str]) -> list[list[float]]:
        calls.append(len(texts))
        return inner(texts)

    counting.embed_documents = embed  # type: ignore[method-assign]
    report = Ingestor(Index(make_settings(tmp_path), counting)).sync_paths([corpus_copy])
    assert len(calls) == 1 and calls[0] == report.chunks, "five articles, one batch"


class CrashingIndex(Index):
    """The real index, failing at a chosen step of ``write_documents``."""

    crash_on: str = ""

    def _put_records(self, writes: Sequence[Write], state: str) -> None:
        if state == self.crash_on:
            raise Interrupted
        super()._put_records(writes, state)


@pytest.mark.parametrize("crash_on", ["writing", READY])
def test_crash_inside_a_document_update_converges(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder, crash_on: str
) -> None:
    settings = make_settings(tmp_path)
    Ingestor(Index(settings, embedder)).sync_paths([corpus_copy])
    target = corpus_copy / f"{DEMO_IDS[1]}.txt"
    target.write_text("A short replacement. It has two sentences.\n")

    crashing = CrashingIndex(settings, embedder)
    crashing.crash_on = crash_on
    with pytest.raises(Interrupted):
        Ingestor(crashing).sync_paths([corpus_copy])
    if crash_on == "writing":
        # Before the commit point readers still see the old document, whole.
        old = crashing.get_document(DEMO_IDS[1])
        live = [c for c in crashing.iter_chunks() if c.doc_id == DEMO_IDS[1]]
        assert len(live) == old.chunks and old.text != target.read_text()

    resumed = Index(settings, embedder)
    report = Ingestor(resumed).sync_paths([corpus_copy])
    assert report.updated == [DEMO_IDS[1]]
    clean = Index(make_settings(tmp_path / "clean"), embedder)
    Ingestor(clean).sync_paths([corpus_copy])
    assert snapshot(resumed) == snapshot(clean)


def test_interrupted_delete_is_finished_by_the_next_run(
    tmp_path: Path, corpus_copy: Path, embedder: LocalEmbedder
) -> None:
    settings = make_settings(tmp_path)
    index = Index(settings, embedder)
    Ingestor(index).sync_paths([corpus_copy])
    doc = index.get_document(DEMO_IDS[3])
    # Leave the document as a delete interrupted after its first step would.
    index._docs.update(
        ids=[doc.doc_id], metadatas=[{"hash": doc.content_hash, "state": "deleting"}]
    )
    assert DEMO_IDS[3] not in {c.doc_id for c in index.iter_chunks()}
    (corpus_copy / f"{DEMO_IDS[3]}.txt").unlink()

    report = Ingestor(index).sync_paths([corpus_copy])
    assert report.documents == 4
    assert index.stored_chunks() == report.chunks
