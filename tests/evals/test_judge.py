"""The evals' judge keeps its own model whatever the engine embeds with."""

from __future__ import annotations

import numpy as np

from evals.judge import judge_embed
from ingest.embedding import LocalEmbedder

TEXTS = ["The harbour authority approved a second container terminal on Thursday."]


def test_the_judge_shares_the_engine_model_when_it_is_the_shipped_one(
    embedder: LocalEmbedder,
) -> None:
    assert judge_embed(embedder) == embedder.embed_documents


def test_the_judge_grades_an_int8_engine_with_the_shipped_model(embedder: LocalEmbedder) -> None:
    int8 = LocalEmbedder(int8=True)
    judged = np.asarray(judge_embed(int8)(TEXTS))
    assert np.allclose(judged, np.asarray(embedder.embed_documents(TEXTS)), atol=1e-5)
    assert not np.allclose(judged, np.asarray(int8.embed_documents(TEXTS)), atol=1e-3)
