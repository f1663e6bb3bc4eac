"""Quote resolution to exact spans, support checks and repair, with the real
embedding model as one of the two judges."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ingest.embedding import LocalEmbedder
from service.answers import Passage
from service.grounding.citations import Verifier, evidence_of, verify
from service.grounding.markers import markers_in
from tests.service.passages import passage

REUTERS = (
    "Lavrov said Russia saw no point in a weak ceasefire to freeze the war. "
    "“A truce is a path to nowhere,” Lavrov said. "
    "Moscow wants a legally binding deal for a lasting peace."
)
PRICE = (
    "State Department spokesperson Ned Price called the offer posturing. "
    "Talks to end the war would ultimately have to be between Ukraine and Russia, Price added."
)


@pytest.fixture(scope="module")
def verifier(embedder: LocalEmbedder) -> Verifier:
    return Verifier(embedder.embed_documents, min_support=0.45)


@pytest.fixture
def passages() -> list:  # type: ignore[type-arg]
    return [
        passage(1, "reuters", REUTERS, "Reuters", "2024-12-26"),
        passage(2, "price", PRICE, None, "2022-10-11"),
    ]


def test_each_marker_resolves_to_the_exact_best_sentence(verifier: Verifier, passages) -> None:  # type: ignore[no-untyped-def]
    result = verify(
        "Moscow wants a legally binding deal for lasting peace [1]. "
        "Price said talks must be between Ukraine and Russia [2].",
        passages,
        verifier,
    )
    assert result.text == (
        "Moscow wants a legally binding deal for lasting peace.[1] "
        "Price said talks must be between Ukraine and Russia.[2]"
    )
    first, second = result.citations
    assert (first.doc_id, first.quote) == (
        "reuters",
        "Moscow wants a legally binding deal for a lasting peace.",
    )
    assert REUTERS[first.start : first.end] == first.quote
    assert first.source == "Reuters" and first.published == "2024-12-26"
    assert second.doc_id == "price" and PRICE[second.start : second.end] == second.quote
    assert second.quote.startswith("Talks to end the war")
    assert all(c.supported for c in result.citations)
    assert [s.supported for s in result.sentences] == [True, True]


def test_marker_pointing_past_the_sources_is_dropped_and_repaired(
    verifier: Verifier,
    passages,  # type: ignore[no-untyped-def]
) -> None:
    result = verify("A truce is a path to nowhere, Lavrov said [7].", passages, verifier)
    assert result.text == "A truce is a path to nowhere, Lavrov said.[1]"
    assert result.citations[0].quote == "“A truce is a path to nowhere,” Lavrov said."


def test_unmarked_sentence_gets_its_clear_source(verifier: Verifier, passages) -> None:  # type: ignore[no-untyped-def]
    result = verify("Ned Price called the offer posturing.", passages, verifier)
    assert result.text == "Ned Price called the offer posturing.[1]"
    assert result.citations[0].doc_id == "price"


def test_invented_claim_is_flagged_then_removed_when_strict(verifier: Verifier, passages) -> None:  # type: ignore[no-untyped-def]
    answer = "Moscow wants a legally binding deal [1]. Putin will visit Paris in May [1]."
    loose = verify(answer, passages, verifier)
    assert [s.supported for s in loose.sentences] == [True, False]
    assert loose.sentences[1].text.startswith("Putin will visit Paris in May.")
    invented = [c for c in loose.citations if not c.supported]
    assert len(invented) == 1 and invented[0].marker in loose.sentences[1].markers

    strict = verify(answer, passages, verifier, strict=True)
    assert strict.text == "Moscow wants a legally binding deal.[1]"
    assert len(strict.citations) == 1


def test_markers_are_renumbered_one_per_quote_and_every_marker_has_a_citation(
    verifier: Verifier,
    passages,  # type: ignore[no-untyped-def]
) -> None:
    result = verify(
        "Price called it posturing [2]. A truce is a path to nowhere [1]. "
        "Talks must be between Ukraine and Russia [2].",
        passages,
        verifier,
    )
    assert markers_in(result.text) == [1, 2, 3]
    assert [c.marker for c in result.citations] == [1, 2, 3]
    assert len({(c.doc_id, c.start) for c in result.citations}) == 3


def test_repeated_and_cut_off_sentences_are_dropped(verifier: Verifier, passages) -> None:  # type: ignore[no-untyped-def]
    result = verify(
        "A truce is a path to nowhere [1]. A truce is a path to nowhere [1]. The article on",
        passages,
        verifier,
    )
    assert result.text == "A truce is a path to nowhere.[1]"


def test_a_claim_that_changes_a_fact_of_its_quote_is_unsupported_whatever_the_similarity(
    verifier: Verifier,
    passages,  # type: ignore[no-untyped-def]
) -> None:
    result = verify("Ned Brown called the offer posturing [2].", passages, verifier)
    [sentence] = result.sentences
    assert not sentence.supported
    assert sentence.reason is not None and "Ned Brown" in sentence.reason
    assert result.citations[0].supported is False


def test_a_source_that_disagrees_is_not_added_as_corroboration(
    verifier: Verifier,
) -> None:
    a = passage(1, "a", "The bridge will cost $180 million, the mayor said.", "Gazette")
    b = passage(2, "b", "The bridge will cost $175 million, the mayor said.", "Wire")
    c = passage(3, "c", "The bridge will cost $180 million, the mayor said on Monday.", "Post")
    result = verify("The bridge will cost $180 million, the mayor said [1].", [a, b, c], verifier)
    assert {q.doc_id for q in result.citations} == {"a", "c"}


class Counting:
    """The real model, recording the texts of each call to it."""

    def __init__(self, embedder: LocalEmbedder) -> None:
        self.embedder = embedder
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return self.embedder.embed_documents(texts)


def test_an_answer_s_claims_and_their_cited_quotes_are_embedded_in_one_call(
    embedder: LocalEmbedder, passages: list[Passage]
) -> None:
    # Each call to the model costs a fixed overhead (hundreds of ms on a busy machine): one
    # call per claim and one per set of quotes made a first answer several times slower.
    model = Counting(embedder)
    result = verify(
        "Moscow wants a legally binding deal for lasting peace [1]. "
        "Price said talks must be between Ukraine and Russia [2].",
        passages,
        Verifier(model.embed, min_support=0.45),
        corroborate=False,
    )
    assert [s.supported for s in result.sentences] == [True, True]
    assert len(model.calls) == 1
    texts = model.calls[0]
    assert len(texts) == len(set(texts)), "no text is embedded twice"


def test_the_quotes_of_every_other_article_are_embedded_in_one_call(
    embedder: LocalEmbedder,
) -> None:
    claim = "Moscow wants a legally binding deal for a lasting peace."
    sources = [
        passage(1, "reuters", REUTERS, "Reuters"),
        passage(2, "ap", f"{claim} Kyiv rejected it.", "AP"),
        passage(3, "afp", f"Officials said Moscow wants a legally binding deal. {PRICE}", "AFP"),
    ]
    model = Counting(embedder)
    result = verify(f"{claim} [1]", sources, Verifier(model.embed, min_support=0.45))
    assert {c.doc_id for c in result.citations} == {"reuters", "ap", "afp"}
    # The claim is its cited quote word for word, so the quotes it cites need no embedding;
    # the other articles' quotes that share its words are embedded in one call (not one per
    # article), with the claim.
    assert len(model.calls) == 1
    assert claim in model.calls[0]
    assert "“A truce is a path to nowhere,” Lavrov said." not in model.calls[0]
    assert any(text.startswith("Officials said Moscow") for text in model.calls[0])


def test_a_claim_that_is_its_quote_word_for_word_is_judged_without_the_model(
    embedder: LocalEmbedder, passages: list[Passage]
) -> None:
    # An extractive answer cites its own sentences: the verdict, score and quote are those
    # the model's ranking gives, and a first answer does not pay for embedding them.
    claim = "Moscow wants a legally binding deal for a lasting peace."
    model = Counting(embedder)
    verifier = Verifier(model.embed, min_support=0.45)
    quotes = evidence_of(passages[0])
    judged = verifier.judge(claim, quotes)
    assert model.calls == []
    assert judged is not None and judged.evidence.text == claim
    assert judged.agreement.agrees
    scored = Verifier(embedder.embed_documents, min_support=0.45)
    scores = scored.support([claim], [e.text for e in quotes])[0]
    assert judged.score == pytest.approx(max(scores), abs=1e-6)
    assert quotes[int(scores.argmax())] == judged.evidence
    # A claim that only resembles its quote is scored by the model as before.
    assert verifier.judge("Moscow wants a binding deal for peace.", quotes) is not None
    assert len(model.calls) == 1
