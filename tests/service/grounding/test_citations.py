"""Quote resolution to exact spans, support checks and repair, with the real
embedding model as one of the two judges."""

from __future__ import annotations

import pytest

from ingest.embedding import LocalEmbedder
from service.grounding.citations import Verifier, verify
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
