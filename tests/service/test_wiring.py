"""The wired parts: built from settings, and closed with everything they started."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ingest.embedding import LocalEmbedder
from ingest.model import Article
from ingest.pipeline import Ingestor
from service.api.runtime import Runtime
from service.engine import AskRequest
from service.settings import Settings
from service.wiring import Components, build


def settings(tmp: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp / "index", llm="extractive")  # type: ignore[call-arg]


def test_closing_the_parts_stops_their_threads(tmp_path: Path, embedder: LocalEmbedder) -> None:
    with build(settings(tmp_path), embedder) as parts:
        Ingestor(parts.index).put(Article("puffins", "Puffins nest on the cliffs of Skomer."))
        parts.keyword.refresh(force=True)
        assert parts.engine.retrieve(AskRequest("Where do puffins nest?"))
        assert parts.keyword.following, "the keyword index follows the store in the background"
    assert not parts.keyword.following
    with pytest.raises(RuntimeError, match="after shutdown"):  # the answer pool stopped too
        asyncio.run(parts.engine.aask(AskRequest("Where do puffins nest?")))


def test_a_runtime_closes_what_it_built_and_nothing_else(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    built: list[Components] = []

    def builder(s: Settings) -> Components:
        built.append(build(s, embedder))
        return built[-1]

    own = Runtime(settings(tmp_path / "own"), builder=builder)
    own.start()
    own.wait(120)
    own.components.keyword.search("puffins", 3)  # starts its poller
    assert own.components.keyword.following
    own.stop()
    assert not built[0].keyword.following

    with build(settings(tmp_path / "lent"), embedder) as lent:
        lent.keyword.search("puffins", 3)
        borrowed = Runtime(lent.settings, lent)
        borrowed.start()
        borrowed.stop()
        assert lent.keyword.following, "parts passed in are closed by their owner"


def test_the_answering_process_embeds_with_one_torch_thread(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    # An answer embeds a few texts at a time; with a thread per core, a busy 2-core machine
    # spent most of each call at OpenMP barriers (docs/benchmarks.md, "The answer's tail").
    import torch

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        with build(settings(tmp_path), embedder):
            assert torch.get_num_threads() == 1
        unlimited = Settings(_env_file=None, data_dir=tmp_path / "other", torch_threads=0)
        with build(unlimited, embedder):
            assert torch.get_num_threads() == 1, "0 leaves torch's setting as it is"
    finally:
        torch.set_num_threads(before)
