"""The packaged model and its int8 quantisation (NEWSQA_EMBEDDING=local-int8), both real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from ingest.embedding import LocalEmbedder, make_embedder
from ingest.errors import IndexMismatch
from ingest.index import Index
from ingest.pipeline import Ingestor
from tests.conftest import make_settings

SENTENCES = [
    "The harbour authority approved a second container terminal on Thursday.",
    "Heavy rain closed three mountain passes and stranded hundreds of drivers.",
    "The central bank left its main interest rate unchanged at 4.5 percent.",
    "A striker scored twice in the final minutes to win the cup for the visitors.",
    "Researchers reported that the new vaccine cut hospital admissions by half.",
]
QUESTIONS = [
    ("What did the central bank decide about interest rates?", 2),
    ("Why were drivers stranded?", 1),
    ("Who won the cup?", 3),
    ("What did the harbour authority approve?", 0),
]


@pytest.fixture(scope="module")
def int8() -> LocalEmbedder:
    return make_embedder(make_settings(Path("/nonexistent"), embedding="local-int8"))  # type: ignore[return-value]


def test_int8_quantises_every_linear_layer(int8: LocalEmbedder) -> None:
    model = int8.llama_model._model
    quantised = [m for m in model.modules() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)]
    plain = [m for m in model.modules() if type(m) is torch.nn.Linear]
    assert len(quantised) >= 36  # six layers of q, k, v, out, up, down
    assert plain == []
    assert int8.name == "local-int8:all-MiniLM-L6-v2" != LocalEmbedder.name


def test_int8_vectors_stay_close_to_the_model(int8: LocalEmbedder, embedder: LocalEmbedder) -> None:
    ours = np.asarray(int8.embed_documents(SENTENCES))
    theirs = np.asarray(embedder.embed_documents(SENTENCES))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() > 0.93
    assert not np.allclose(ours, theirs, atol=1e-3)  # it is another model, not the same one


@pytest.mark.parametrize(("question", "best"), QUESTIONS)
def test_int8_ranks_sentences_as_the_model_does(
    int8: LocalEmbedder, embedder: LocalEmbedder, question: str, best: int
) -> None:
    for model in (embedder, int8):
        scores = np.asarray(model.embed_documents(SENTENCES)) @ np.asarray(
            model.embed_query(question)
        )
        assert int(np.argmax(scores)) == best, model.name


def test_an_index_refuses_the_other_embedder_and_keeps_its_data(
    tmp_path: Path, int8: LocalEmbedder, embedder: LocalEmbedder
) -> None:
    settings = make_settings(tmp_path)
    article = tmp_path / "harbour.txt"
    article.write_text(" ".join(SENTENCES), "utf-8")
    Ingestor(Index(settings, embedder)).sync_paths([article])
    with pytest.raises(IndexMismatch) as refused:
        Index(settings, int8)
    assert "local:all-MiniLM-L6-v2" in str(refused.value)
    assert "local-int8:all-MiniLM-L6-v2" in str(refused.value)
    assert Index(settings, embedder).stats()["documents"] == 1
