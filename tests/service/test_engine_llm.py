"""The answer engine with real LLM backends: the service's OpenAI client against a real
``llama_cpp.server`` running SmolLM2, the llamacpp backend (SmolLM2 in a model process of its
own), and the degraded fallback when the endpoint is down."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.embedding import LocalEmbedder
from ingest.model import Article, Metadata
from ingest.pipeline import Ingestor
from service.engine import Final, Token
from service.wiring import Components
from tests.conftest import free_port
from tests.service.asking import ask, stream
from tests.service.test_engine import DEMO_QUESTION, INJECTION, check_invariants, make


def test_openai_backend_streams_tokens_and_verification_flags_inventions(
    tmp_path: Path,
    embedder: LocalEmbedder,
    llama_server: str,
    closing: Callable[[Components], Components],
) -> None:
    parts = closing(
        make(tmp_path, embedder, llm="auto", openai_base_url=llama_server, llm_max_tokens=120)
    )
    events = list(stream(parts, DEMO_QUESTION))
    tokens = [e for e in events if isinstance(e, Token)]
    final = events[-1]
    assert isinstance(final, Final)
    answer = final.answer
    assert answer.mode == "openai" and not answer.degraded
    assert len(tokens) > 10, "the model's reply must arrive as a stream of pieces"
    check_invariants(parts, answer)
    # SmolLM2-135M invents; the verifier must say so rather than pass it off as cited:
    # either some sentences are flagged, or, when none is supported, the answer is refused.
    draft = "".join(t.text for t in tokens)
    assert draft.strip() and draft != answer.answer
    if answer.answerable:
        assert any(not s.supported for s in answer.sentences)
    else:
        assert answer.refusal_reason == "no sentence of the answer is supported by the sources"
        assert answer.citations == []
    strict = ask(parts, DEMO_QUESTION, strict=True)
    assert all(s.supported for s in strict.sentences)
    check_invariants(parts, strict)


def test_llm_endpoint_down_degrades_to_extractive(
    tmp_path: Path, embedder: LocalEmbedder, closing: Callable[[Components], Components]
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    parts = closing(make(tmp_path, embedder, llm="openai", openai_base_url=dead, llm_max_retries=0))
    answer = ask(parts, DEMO_QUESTION)
    assert answer.mode == "extractive" and answer.degraded and answer.answerable
    assert answer.reason is not None and dead in answer.reason
    check_invariants(parts, answer)


def test_llm_never_sees_instructions_planted_in_an_article(
    tmp_path: Path,
    embedder: LocalEmbedder,
    llama_server: str,
    closing: Callable[[Components], Components],
) -> None:
    parts = closing(make(tmp_path, embedder, llm="openai", openai_base_url=llama_server))
    Ingestor(parts.index).put(Article("grain", INJECTION, Metadata(source="Wire")))
    parts.keyword.refresh(force=True)
    answer = ask(parts, "What did Lavrov discuss in Ankara about grain?")
    assert "HACKED" not in answer.answer
    check_invariants(parts, answer)


@pytest.mark.slow
def test_llamacpp_backend_answers_with_verified_citations(
    tmp_path: Path,
    embedder: LocalEmbedder,
    smollm2_path: Path,
    closing: Callable[[Components], Components],
) -> None:
    # A long timeout: on a shared 2-core machine reading the ~1,400-token prompt alone can take
    # over a minute, and the timeout is not what this test is about.
    parts = closing(make(tmp_path, embedder, llm="llamacpp", llm_model_path=smollm2_path,
                 llm_max_tokens=64, llm_timeout=600))  # fmt: skip
    assert parts.chat is not None
    answer = ask(parts, "What did Lavrov say about a truce?")
    assert answer.mode == "llamacpp" and not answer.degraded
    check_invariants(parts, answer)
