"""Tests of ingest/chunking.py: whole sentences, exact offsets, bounded overlap, progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_sentences
from ingest.model import Chunk, Span
from ingest.sentences import bound_spans, split_sentences

CORPUS_FILES = sorted((Path(__file__).resolve().parents[2] / "data" / "corpus").glob("*.txt"))


def make_doc(lengths: list[int]) -> tuple[str, list[Span]]:
    """A text of sentences with the given lengths (each ending in '.'), one space apart."""
    parts = [chr(ord("a") + i % 26) * (n - 1) + "." for i, n in enumerate(lengths)]
    spans: list[Span] = []
    position = 0
    for part in parts:
        spans.append(Span(position, position + len(part)))
        position += len(part) + 1
    return " ".join(parts), spans


def groups(chunks: list[Chunk], spans: list[Span]) -> list[tuple[int, ...]]:
    return [tuple(spans.index(s) for s in chunk.sentences) for chunk in chunks]


def assert_chunk_invariants(
    text: str, spans: list[Span], chunks: list[Chunk], target: int, overlap: int
) -> None:
    """Every guarantee of ``chunk_sentences`` for one call (sentences longer than ``target``
    count as the pieces ``bound_spans`` cuts them into)."""
    spans = bound_spans(text, spans, target)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    previous: tuple[int, ...] = ()
    for chunk, members in zip(chunks, groups(chunks, spans), strict=True):
        assert chunk.sentences, chunk
        assert members == tuple(range(members[0], members[-1] + 1)), "consecutive sentences"
        assert (chunk.start, chunk.end) == (chunk.sentences[0].start, chunk.sentences[-1].end)
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.end - chunk.start <= target
        if previous:
            assert previous[0] < members[0] <= previous[-1] + 1, "progress without gaps"
            assert members[-1] > previous[-1], "never inside the previous chunk"
            if members[0] <= previous[-1]:
                assert spans[previous[-1]].end - spans[members[0]].start <= overlap
        previous = members
    covered = sorted({i for members in groups(chunks, spans) for i in members})
    assert covered == list(range(len(spans)))


@pytest.mark.parametrize(
    ("target", "overlap", "message"),
    [
        (49, 0, "target_chars must be >= 50, got 49"),
        (0, 0, "target_chars must be >= 50, got 0"),
        (100, -1, r"overlap_chars must be >= 0 and < target_chars \(100\), got -1"),
        (100, 100, r"overlap_chars must be >= 0 and < target_chars \(100\), got 100"),
        (100, 250, r"overlap_chars must be >= 0 and < target_chars \(100\), got 250"),
    ],
)
def test_bad_sizes_are_refused(target: int, overlap: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        chunk_sentences("d", "Some text.", [Span(0, 10)], target, overlap)


def test_bad_sizes_are_refused_even_for_empty_text() -> None:
    with pytest.raises(ValueError, match="target_chars"):
        chunk_sentences("d", "", [], 10, 0)


@pytest.mark.parametrize(
    "spans",
    [
        pytest.param([Span(0, 0)], id="empty-span"),
        pytest.param([Span(0, 11)], id="past-end"),
        pytest.param([Span(5, 10), Span(0, 4)], id="unsorted"),
        pytest.param([Span(0, 6), Span(5, 10)], id="overlapping"),
    ],
)
def test_bad_sentence_spans_are_refused(spans: list[Span]) -> None:
    with pytest.raises(ValueError, match=r"sentences\[\d\]"):
        chunk_sentences("d", "Some text.", spans, 50, 0)


@pytest.mark.parametrize(
    ("text", "spans"),
    [("", []), ("", [Span(0, 1)]), ("Some text.", []), ("   ", [])],
)
def test_nothing_to_chunk(text: str, spans: list[Span]) -> None:
    assert chunk_sentences("d", text, spans, 50, 10) == []


def test_chunk_fields_are_exact() -> None:
    text = "  First one here.  Second one here.\nThird sentence is here. "
    spans = split_sentences(text)
    assert chunk_sentences("doc", text, spans, 50, 20) == [
        Chunk("doc", 0, 2, 35, "First one here.  Second one here.", (Span(2, 17), Span(19, 35))),
        Chunk(
            "doc",
            1,
            19,
            59,
            "Second one here.\nThird sentence is here.",
            (Span(19, 35), Span(36, 59)),
        ),
    ]
    assert chunk_sentences("doc", text, spans, 50, 20)[1].chunk_id == "doc#00001"


# Sentences are lengths (with one space between), so runs of n 30-char sentences span 31n-1.
GROUPING_CASES = [
    pytest.param([30, 30, 30, 30], 61, 0, [(0, 1), (2, 3)], id="no-overlap"),
    pytest.param([30, 30, 30, 30], 60, 0, [(0,), (1,), (2,), (3,)], id="space-counts"),
    pytest.param([30, 30, 30, 30], 61, 30, [(0, 1), (1, 2), (2, 3)], id="one-sentence-overlap"),
    pytest.param([30, 30, 30, 30], 61, 29, [(0, 1), (2, 3)], id="overlap-too-small"),
    pytest.param([30, 30, 30, 30], 1000, 999, [(0, 1, 2, 3)], id="all-fits"),
    # A sentence longer than the target is cut into pieces that fit (one word: mid-word).
    pytest.param([30, 200, 30], 61, 50, [(0,), (1,), (2,), (3,), (4, 5)], id="long-sentence-cut"),
    pytest.param([200], 61, 0, [(0,), (1,), (2,), (3,)], id="single-long-sentence-cut"),
    pytest.param([30, 30, 60], 61, 30, [(0, 1), (2,)], id="overlap-dropped-to-progress"),
    pytest.param([30, 30, 20, 30], 82, 51, [(0, 1, 2), (1, 2, 3)], id="two-sentence-overlap"),
    pytest.param([30, 30, 20, 40], 82, 51, [(0, 1, 2), (2, 3)], id="overlap-shrunk-to-fit-next"),
    pytest.param(
        [10] * 12,
        100,
        99,
        [tuple(range(i, i + 9)) for i in range(4)],
        id="overlap-near-target-steps-one",
    ),
]


@pytest.mark.parametrize(("lengths", "target", "overlap", "expected"), GROUPING_CASES)
def test_grouping(
    lengths: list[int], target: int, overlap: int, expected: list[tuple[int, ...]]
) -> None:
    text, spans = make_doc(lengths)
    chunks = chunk_sentences("d", text, spans, target, overlap)
    assert groups(chunks, bound_spans(text, spans, target)) == expected
    assert_chunk_invariants(text, spans, chunks, target, overlap)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize(("target", "overlap"), [(50, 0), (400, 100), (1200, 300), (1000, 999)])
def test_corpus_chunks(path: Path, target: int, overlap: int) -> None:
    text = path.read_text(encoding="utf-8")
    spans = split_sentences(text)
    chunks = chunk_sentences(path.stem, text, spans, target, overlap)
    assert chunks
    assert_chunk_invariants(text, spans, chunks, target, overlap)
    assert {c.doc_id for c in chunks} == {path.stem}


@settings(max_examples=300, deadline=None)
@given(
    lengths=st.lists(st.integers(min_value=1, max_value=300), max_size=40),
    target=st.integers(min_value=50, max_value=600),
    overlap_share=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_invariants_hold_on_random_documents(
    lengths: list[int], target: int, overlap_share: float
) -> None:
    overlap = int(target * overlap_share)
    text, spans = make_doc(lengths)
    chunks = chunk_sentences("d", text, spans, target, overlap)
    assert (chunks == []) == (lengths == [])
    assert_chunk_invariants(text, spans, chunks, target, overlap)


# ---- sentences longer than a chunk ---------------------------------------------------------


def test_a_long_sentence_is_cut_at_word_boundaries_with_exact_offsets() -> None:
    words = [f"word{i}" for i in range(400)]
    text = "Intro. " + " ".join(words) + "  \n Outro."
    spans = split_sentences(text)
    assert max(s.end - s.start for s in spans) > 2000
    chunks = chunk_sentences("d", text, spans, 120, 30)
    assert_chunk_invariants(text, spans, chunks, 120, 30)
    assert max(len(c.text) for c in chunks) <= 120
    for chunk in chunks:
        for piece in chunk.sentences:
            assert piece.start == 0 or not text[piece.start - 1].isalnum(), "cut inside a word"
            assert piece.end == len(text) or not text[piece.end].isalnum(), "cut inside a word"
    # Nothing but whitespace is lost between the pieces.
    pieces = sorted({p for c in chunks for p in c.sentences}, key=lambda p: p.start)
    kept = "".join("".join(text[p.start : p.end].split()) for p in pieces)
    assert kept == "".join(text.split())


def test_a_word_longer_than_a_chunk_is_cut_inside_it() -> None:
    text = "x" * 130 + " tail."
    chunks = chunk_sentences("d", text, split_sentences(text), 50, 0)
    assert [(c.start, c.end) for c in chunks] == [(0, 50), (50, 100), (100, 136)]
    assert all(c.text == text[c.start : c.end] for c in chunks)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab .\n\t"), max_size=2000),
    target=st.integers(min_value=50, max_value=300),
)
def test_no_chunk_is_ever_longer_than_the_target(text: str, target: int) -> None:
    chunks = chunk_sentences("d", text, split_sentences(text), target, target // 4)
    assert all(len(c.text) <= target and c.text == text[c.start : c.end] for c in chunks)
    assert {i for c in chunks for s in c.sentences for i in range(s.start, s.end)} >= {
        i for i, ch in enumerate(text) if not ch.isspace()
    }
