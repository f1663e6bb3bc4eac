"""Tests of ingest/sentences.py: exact spans, guaranteed invariants, news-prose quality."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import Span
from ingest.sentences import split_sentences

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def sentences_of(text: str) -> list[str]:
    return [span.of(text) for span in split_sentences(text)]


def assert_invariants(text: str, spans: list[Span]) -> None:
    """The hard guarantees: sorted, disjoint, trimmed, in bounds, one line, nothing dropped."""
    covered = [0] * len(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text), (span, previous_end)
        piece = span.of(text)
        assert piece == piece.strip(), span
        assert not any(c in LINE_BREAKS for c in piece), span
        for i in range(span.start, span.end):
            covered[i] += 1
        previous_end = span.end
    for i, char in enumerate(text):
        if not char.isspace():
            assert covered[i] == 1, (i, char)


CASES = [
    pytest.param("", [], id="empty"),
    pytest.param(" \t\n\r\n\u00a0 \u2028 ", [], id="only-whitespace"),
    pytest.param("No final punctuation here", ["No final punctuation here"], id="no-final-stop"),
    pytest.param("  Padded sentence.  ", ["Padded sentence."], id="trimmed"),
    pytest.param("One. Two? Three! Four", ["One.", "Two?", "Three!", "Four"], id="terminals"),
    pytest.param(
        "PEACE IN UKRAINE\nReuters reported it.",
        ["PEACE IN UKRAINE", "Reuters reported it."],
        id="headline-line",
    ),
    pytest.param(
        "First line\r\nsecond line. Third.\r\n\r\nLast",
        ["First line", "second line.", "Third.", "Last"],
        id="crlf",
    ),
    pytest.param(
        "it ended with\nlowercase next", ["it ended with", "lowercase next"], id="newline"
    ),
    pytest.param("a\u2028b\x0cc\x85d", ["a", "b", "c", "d"], id="unicode-line-breaks"),
    pytest.param(
        "The U.S. and the U.K. agreed. Talks resume.",
        ["The U.S. and the U.K. agreed.", "Talks resume."],
        id="initialisms",
    ),
    pytest.param(
        "He moved to the U.S. The move was quick.",
        ["He moved to the U.S.", "The move was quick."],
        id="initialism-ends-sentence",
    ),
    pytest.param(
        "U.S. Army officers met. They left.",
        ["U.S. Army officers met.", "They left."],
        id="initialism-before-name",
    ),
    pytest.param(
        "Retired Lt.-Gen. Keith Kellogg spoke. He left.",
        ["Retired Lt.-Gen. Keith Kellogg spoke.", "He left."],
        id="hyphenated-title",
    ),
    pytest.param(
        "He returns on Jan. 20. Then he acts on Dec. 18 in full.",
        ["He returns on Jan. 20.", "Then he acts on Dec. 18 in full."],
        id="month-before-day",
    ),
    pytest.param(
        "They met Mr. Rex Tillerson in St. Petersburg. It went well.",
        ["They met Mr. Rex Tillerson in St. Petersburg.", "It went well."],
        id="titles-and-saints",
    ),
    pytest.param(
        "She lives at No. 10 Downing Street. No. That is wrong.",
        ["She lives at No. 10 Downing Street.", "No.", "That is wrong."],
        id="number-sign",
    ),
    pytest.param(
        "They met at 9 a.m. on Monday. It ended at 5 p.m. The talks failed.",
        ["They met at 9 a.m. on Monday.", "It ended at 5 p.m.", "The talks failed."],
        id="a.m.-p.m.",
    ),
    pytest.param(
        "George W. Bush met Vladimir V. Putin. Nothing came of it.",
        ["George W. Bush met Vladimir V. Putin.", "Nothing came of it."],
        id="middle-initials",
    ),
    pytest.param(
        "Apple Inc. Chief Tim Cook spoke. Apple Inc. The company rose.",
        ["Apple Inc. Chief Tim Cook spoke.", "Apple Inc.", "The company rose."],
        id="ambiguous-abbreviation",
    ),
    pytest.param(
        "Growth was 2.5 percent. Prices rose 3.1%. Markets fell.",
        ["Growth was 2.5 percent.", "Prices rose 3.1%.", "Markets fell."],
        id="decimals",
    ),
    pytest.param(
        "“We will win,” he said.” Next one.",
        ["“We will win,” he said.”", "Next one."],
        id="closing-quote-after-period",
    ),
    pytest.param(
        "He said: “It is over.” She agreed. (See page two.) Done.",
        ["He said: “It is over.”", "She agreed.", "(See page two.)", "Done."],
        id="closers-belong-to-sentence",
    ),
    pytest.param(
        'He called it "worthless." He left.',
        ['He called it "worthless."', "He left."],
        id="straight-quotes",
    ),
    pytest.param(
        "Why now? Because. Really! Yes.", ["Why now?", "Because.", "Really!", "Yes."], id="?-!"
    ),
    pytest.param(
        "“What now?” Lavrov asked. “Why?” he said. “Stop!” Then silence.",
        ["“What now?” Lavrov asked.", "“Why?” he said.", "“Stop!”", "Then silence."],
        id="question-with-attribution",
    ),
    pytest.param(
        "“If they are serious about dialogue and diplomacy… perhaps a first step would help,”"
        " he said.",
        [
            "“If they are serious about dialogue and diplomacy… perhaps a first step would help,”"
            " he said."
        ],
        id="ellipsis-in-quote",
    ),
    pytest.param(
        "He paused... then went on. We waited… The end.",
        ["He paused... then went on.", "We waited…", "The end."],
        id="ellipsis",
    ),
    pytest.param(
        "We want peace. ... And we want it now. Yes.",
        ["We want peace. ... And we want it now.", "Yes."],
        id="elision-after-stop",
    ),
    pytest.param(
        "“This is a lie,” Lavrov said. “We have not received any serious offers.”",
        ["“This is a lie,” Lavrov said.", "“We have not received any serious offers.”"],
        id="quote-comma-attribution",
    ),
    pytest.param(
        "“We see this as posturing. We do not see an offer,” Price said. He left.",
        ["“We see this as posturing. We do not see an offer,” Price said.", "He left."],
        id="multi-sentence-quote-with-comma",
    ),
    pytest.param(
        '"It is over. We are done." "Next," he said.',
        ['"It is over.', 'We are done."', '"Next," he said.'],
        id="multi-sentence-quote-with-period",
    ),
    pytest.param(
        "MOSCOW, March 29. /TASS/. Moscow is ready.",
        ["MOSCOW, March 29. /TASS/.", "Moscow is ready."],
        id="dateline",
    ),
    pytest.param("It was lowercase. and went on.", ["It was lowercase. and went on."], id="lower"),
    pytest.param("Nothing.Glued.Together. Ok.", ["Nothing.Glued.Together.", "Ok."], id="no-space"),
    pytest.param("Hi .. . ! ?", ["Hi .. . ! ?"], id="loose-punctuation"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences_cases(text: str, expected: list[str]) -> None:
    spans = split_sentences(text)
    assert [span.of(text) for span in spans] == expected
    assert_invariants(text, spans)


def test_exact_offsets() -> None:
    text = " Hi there.\r\n“Yes,” he said.  Bye"
    assert split_sentences(text) == [Span(1, 10), Span(12, 27), Span(29, 32)]


def test_very_long_sentence_is_whole() -> None:
    text = "Start " + "word, " * 5000 + "end. Next."
    assert sentences_of(text) == [text[:-6], "Next."]


CORPUS_SENTENCES = [
    ("000_e62ddbb625dbe803.txt", "“A truce is a path to nowhere,” Lavrov said."),
    (
        "000_e62ddbb625dbe803.txt",
        "Trump’s designated Ukraine envoy, retired Lieutenant-General Keith Kellogg, told Fox"
        " News on Dec. 18 that both sides were ready for peace talks and that Trump was in a"
        " perfect position to execute a deal to end the war.",
    ),
    ("000_e62ddbb625dbe803.txt", "PEACE IN UKRAINE"),
    ("000_e62ddbb625dbe803.txt", "Russia holds about 20% of Ukrainian territory."),
    (
        "000_e62ddbb625dbe803.txt",
        "(Additional reporting by Dmitry Antonov; editing by Mark Heinrich)",
    ),
    ("001_ac9b4e7fea30a9ad.txt", "MOSCOW, March 29. /TASS/."),
    ("001_ac9b4e7fea30a9ad.txt", "The 'Russia' issue"),
    (
        "001_ac9b4e7fea30a9ad.txt",
        '"They also agreed that (US Secretary of State) Mr. Rex Tillerson and I would look into'
        " the agenda in some more details, and would also discuss the preparation for the"
        " presidential meeting which should take place when both countries, both leaders feel"
        ' comfortable," Lavrov said.',
    ),
    (
        "002_9337bddef5a72965.txt",
        '"Since it was the Americans who cut it off, it is for them to make the first move."',
    ),
    ("003_10bd731a7649f7ed.txt", "“This is a lie,” Lavrov said."),
    ("003_10bd731a7649f7ed.txt", "“We have not received any serious offers to make contact.”"),
    (
        "003_10bd731a7649f7ed.txt",
        "“If the Russians want to signal that they are serious about dialogue and diplomacy…"
        " perhaps a good first step would be to stop the kind of brutal assault followed by what"
        " appeared to be nothing more than empty words,” he said.",
    ),
    ("004_bd199c581121c6a7.txt", "Talk It Out: Russia Rebuffs U.S. Claim It Won’t Negotiate"),
    (
        "004_bd199c581121c6a7.txt",
        "\"Mr. Putin has shown no indications—zero, none—that he's willing to do that.”",
    ),
    ("004_bd199c581121c6a7.txt", "Image: Reuters."),
]


@pytest.mark.parametrize(("name", "sentence"), CORPUS_SENTENCES)
def test_corpus_sentence_comes_out_whole(name: str, sentence: str) -> None:
    assert sentence in sentences_of((CORPUS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("000_e62ddbb625dbe803.txt", 21),
        ("001_ac9b4e7fea30a9ad.txt", 45),
        ("002_9337bddef5a72965.txt", 15),
        ("003_10bd731a7649f7ed.txt", 16),
        ("004_bd199c581121c6a7.txt", 19),
    ],
)
def test_corpus_invariants_and_counts(name: str, count: int) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    spans = split_sentences(text)
    assert_invariants(text, spans)
    assert len(spans) == count
    for sentence in (span.of(text) for span in spans):
        # No split right after an abbreviation, and no sentence is only a stray quote.
        assert not sentence.endswith(("Mr.", "U.S.", "Jan.", "Dec.", "St.", "No."))
        assert any(c.isalnum() for c in sentence)


NEWS_ALPHABET = st.sampled_from(
    [
        "a", "B", "z", "7", " ", " ", "  ", "\t", "\u00a0", "\n", "\r\n", "\r", "\u2028",
        ".", "?", "!", "…", "...", ",", "“", "”", '"', "'", "’", "(", ")", "[", "]",
        "U.S.", "Mr.", "Jan. 20", "a.m.", "No. 1", "The", "he said", "Inc.", "é", "—",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(NEWS_ALPHABET, max_size=60).map("".join))
def test_invariants_hold_on_random_text(text: str) -> None:
    assert_invariants(text, split_sentences(text))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_invariants_hold_on_any_text(text: str) -> None:
    assert_invariants(text, split_sentences(text))
