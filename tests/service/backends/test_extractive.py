"""The extractive answerer: the passages' own answering sentences, sides of a disagreement
stated with their outlets (the real packaged embedding model ranks and compares)."""

from __future__ import annotations

import pytest

from ingest.embedding import LocalEmbedder
from service.backends.base import Draft
from service.backends.extractive import ExtractiveAnswerer
from service.grounding.answerability import Thresholds, assess, casing_of
from service.grounding.citations import Verifier
from service.grounding.question import analyse, with_casing
from tests.service.passages import passage


@pytest.fixture(scope="module")
def answerer(embedder: LocalEmbedder) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(Verifier(embedder.embed_documents, min_support=0.4))


def draft(question: str, *texts: tuple[str, str]) -> Draft:
    passages = [
        passage(i, f"doc{i}", text, source=source) for i, (source, text) in enumerate(texts, 1)
    ]
    read = with_casing(analyse(question), casing_of(passages))
    return Draft(read, passages, assess(read, passages, Thresholds(min_relevance=0.0)))


def test_the_other_side_is_stated_even_when_the_answer_is_long_enough(
    answerer: ExtractiveAnswerer,
) -> None:
    # Two answering sentences fill a 'where' answer; the twin of the first, from another
    # outlet, names another city: it is stated as the other side, with its outlet.
    question = "Where will the 2027 regatta take place?"
    first = "The 2027 regatta will take place at Harbour Park in Bergen, organisers said."
    second = "The city council voted in March to move the 2027 regatta from Oslo to Bergen."
    other = "The 2027 regatta will take place at Harbour Park in Tromsø, organisers said."
    text = answerer.text(
        draft(question, ("Valley Wire", first), ("Valley Wire", second), ("Harbor Gazette", other))
    )
    assert "Tromsø" in text and "Bergen" in text
    assert "Harbor Gazette:" in text and "Valley Wire:" in text


def test_a_twin_that_agrees_is_not_repeated(answerer: ExtractiveAnswerer) -> None:
    question = "Where will the 2027 regatta take place?"
    first = "The 2027 regatta will take place at Harbour Park in Bergen, organisers said."
    twin = "The 2027 regatta will take place at Harbour Park in Bergen, the organisers said."
    text = answerer.text(draft(question, ("Valley Wire", first), ("Harbor Gazette", twin)))
    assert text.count("Harbour Park") == 1
