"""The incremental BM25 index on its own: chunks added in batches, some without a word."""

from __future__ import annotations

from service.retrieval.bm25 import IncrementalBM25


def test_chunks_without_a_searchable_word_are_kept_and_never_match() -> None:
    bm25 = IncrementalBM25()
    assert bm25.add_many([[], []]) == [0, 1]  # a batch of only such chunks
    slots = bm25.add_many([["puffin", "cliff"], [], ["gannet"]])
    assert slots == [2, 3, 4] and bm25.live == 5
    scores = bm25.scores(["puffin"])
    assert scores[2] > 0 and scores[[0, 1, 3, 4]].tolist() == [0.0, 0.0, 0.0, 0.0]
    bm25.remove(3)
    bm25.remove(0)
    assert bm25.live == 3 and bm25.scores(["gannet"])[4] > 0
