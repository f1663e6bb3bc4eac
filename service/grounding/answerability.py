"""The one verdict on whether the passages answer a question, with its reasons.

A question is answered only by a passage sentence that

1. is about the question's focus: the passage mentions every name the question names, the
   dates it names are stated (in the text, or as the article's publication date), and the
   sentence (with the one before it) states most of what the question says happened
   (its event words, its main verb when clear, the topic after 'about');
2. holds a filler of the asked-for type that the question does not already hold, tied to
   the focus: for 'how many X', a number next to X; for 'who', a name near the event; for
   'where', a name after a place preposition; for 'when', a time expression; for 'why', a
   cause; for 'what did X say', a statement attributed to X.

The same check judges an LLM's answer through the quotes it cites (``judge_quotes``).

A little over 300 lines, on purpose: the verdict, the judge of one sentence and the refusal
reasons are one decision; split, the one place that decides ``answerable`` would not be one.
What a sentence holds is read in ``fillers``, names in ``mentions``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ingest.dates import TimeMention, time_mentions
from ingest.model import Span
from service.answers import Passage
from service.grounding.fillers import filler_of, same_instance, topic_covered, verb_stated
from service.grounding.injection import looks_like_injection
from service.grounding.mentions import Casing, mentions_name
from service.grounding.question import Question
from service.text import content_stems, lexical_recall

# Share of the question's event words the sentence (with the one before it) must state.
SENTENCE_COVERAGE = 0.5
# Coverage of the question's words by one passage that, with every name present, is
# evidence enough even when embeddings disagree (short questions: "What did Kirby say?").
NAMED_COVERAGE = 0.75
# Cosine of question and sentence (with the one before it) that counts as covering the
# question's event when its words are paraphrased.
SEMANTIC_COVERAGE = 0.6
_TYPE_PHRASE = {
    "person": "a person or organisation", "organisation": "an organisation",
    "entity": "a name", "place": "a place", "time": "a date or time", "number": "a number",
    "reason": "a reason", "yesno": "a statement that settles it",
    "statement": "a statement", "description": "an answer",
}  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """The numbers of the verdict (settings ``NEWSQA_MIN_RELEVANCE``,
    ``NEWSQA_SENTENCE_COVERAGE``, ``NEWSQA_NAMED_COVERAGE``)."""

    min_relevance: float = 0.35
    sentence_coverage: float = SENTENCE_COVERAGE
    named_coverage: float = NAMED_COVERAGE
    semantic_coverage: float = SEMANTIC_COVERAGE


@dataclass(frozen=True)
class Finding:
    """One passage sentence judged against the question."""

    passage: Passage
    span: Span
    text: str
    answers: bool
    covers: bool
    filler: str | None
    coverage: float
    almost: bool = False  # covers all but the words of the event: worth a semantic look


@dataclass(frozen=True)
class Verdict:
    """Whether the question is answered, why (or why not), and the sentences that answer."""

    answerable: bool
    reason: str
    findings: tuple[Finding, ...] = ()
    similarity: float = 0.0
    coverage: float = 0.0

    def answering(self) -> list[Finding]:
        return [f for f in self.findings if f.answers]


def casing_of(passages: Sequence[Passage]) -> Casing:
    """How the passages capitalise their words (to read names typed in lower case)."""
    return Casing(p.chunk.text for p in passages)


Similarity = Callable[[Sequence[str]], Sequence[float]]


def assess(
    question: Question,
    passages: Sequence[Passage],
    thresholds: Thresholds,
    dated: bool = False,
    similarity: Similarity | None = None,
) -> Verdict:
    """The verdict over retrieved passages. ``dated``: the question's dates were applied as
    a publication-date filter, so they need not be stated in the text."""
    if not passages:
        return Verdict(False, "nothing was retrieved")
    similarity_best = max(p.similarity for p in passages)
    coverage = max(lexical_recall(question.text, p.chunk.text) for p in passages)
    everything = "\n".join(_context_text(p) for p in passages)
    missing = [n for n in question.names if not mentions_name(n, everything)]
    if missing:
        reason = f"no passage mentions {', '.join(missing)}"
        return Verdict(False, reason, (), similarity_best, coverage)
    named = question.names and coverage >= thresholds.named_coverage
    if not (similarity_best >= thresholds.min_relevance or named):
        return Verdict(
            False,
            f"the closest passage is too far from the question (similarity {similarity_best:.2f})",
            (),
            similarity_best,
            coverage,
        )
    contexts = _contexts(passages)
    findings = [
        f
        for p in passages
        for f in judge_passage(question, p, dated, thresholds, None, contexts[p.doc_id])
    ]
    findings = _second_look(question, findings, dated, thresholds, similarity, contexts)
    return _verdict(question, findings, similarity_best, coverage)


def _second_look(
    question: Question,
    findings: list[Finding],
    dated: bool,
    thresholds: Thresholds,
    similarity: Similarity | None,
    contexts: dict[str, str],
) -> list[Finding]:
    """Sentences that miss only the question's words get judged again by meaning: one
    batch of embeddings for just those sentences."""
    almost = [f for f in findings if f.almost]
    if similarity is None or not almost:
        return findings
    scores = similarity([f.text for f in almost])
    closeness = {
        (f.passage.doc_id, f.span.start): float(x) for f, x in zip(almost, scores, strict=True)
    }
    return [
        judge(question, f.passage, f.span, dated, thresholds, closeness, contexts[f.passage.doc_id])
        if f.almost
        else f
        for f in findings
    ]


def judge_quotes(
    question: Question,
    quotes: Iterable[tuple[Passage, Span]],
    dated: bool = False,
    thresholds: Thresholds | None = None,
    similarity: Similarity | None = None,
    passages: Sequence[Passage] = (),
) -> Verdict:
    """The verdict over the quotes an answer cites (the same rules, on those sentences;
    ``passages``, all those retrieved, say what else is known of each article)."""
    quotes = list(quotes)
    limits = thresholds or Thresholds()
    contexts = _contexts([*passages, *(p for p, _ in quotes)])
    findings = [judge(question, p, s, dated, limits, None, contexts[p.doc_id]) for p, s in quotes]
    findings = _second_look(question, findings, dated, limits, similarity, contexts)
    return _verdict(question, findings, 0.0, 0.0)


def _verdict(
    question: Question, findings: list[Finding], similarity: float, coverage: float
) -> Verdict:
    ordered = tuple(sorted(findings, key=lambda f: (not f.answers, -f.coverage)))
    if any(f.answers for f in ordered):
        return Verdict(True, "a passage answers the question", ordered, similarity, coverage)
    return Verdict(False, _missing(question, ordered), ordered, similarity, coverage)


def _missing(question: Question, findings: Sequence[Finding]) -> str:
    focus = question.focus
    if not any(f.covers for f in findings):
        return f"no passage sentence is about what the question asks ({focus})"
    if question.answer_type == "statement":
        by = f" by {question.speaker}" if question.speaker else ""
        about = f" about {' '.join(question.topic)}" if question.topic else ""
        return f"no passage gives a statement{by}{about}"
    if question.answer_type == "number" and question.counted_word:
        return f"no passage gives a number of {question.counted_word} ({focus})"
    return f"no passage gives {_TYPE_PHRASE[question.answer_type]} for this ({focus})"


def judge_passage(
    question: Question,
    passage: Passage,
    dated: bool = False,
    thresholds: Thresholds | None = None,
    closeness: dict[tuple[str, int], float] | None = None,
    context: str | None = None,
) -> list[Finding]:
    """Every usable sentence of a passage, judged."""
    return [
        judge(question, passage, span, dated, thresholds, closeness, context)
        for span in passage.chunk.sentences
        if not looks_like_injection(passage.quote(span))
    ]


def judge(
    question: Question,
    passage: Passage,
    span: Span,
    dated: bool = False,
    thresholds: Thresholds | None = None,
    closeness: dict[tuple[str, int], float] | None = None,
    context: str | None = None,
) -> Finding:
    """One sentence of a passage judged against the question. ``context``: what is known of
    its article (every retrieved passage of it, its title and outlet; default: this one)."""
    limits = thresholds or Thresholds()
    text = passage.quote(span)
    context = context or _context_text(passage)
    previous = _previous(passage, span)
    near = f"{previous} {text}"
    if question.answer_type == "statement":
        near = f"{near} {_next(passage, span)}"
    # An open question ('what are the conditions') has no slot to fill: any sentence of a
    # passage about it may answer, and ranking picks; a slot question needs the sentence.
    coverage = _coverage(
        question, passage.chunk.text if question.answer_type == "description" else near
    )
    enough = (
        coverage > 0 or not question.event
        if question.answer_type in ("statement", "description")
        else coverage >= limits.sentence_coverage
    )
    close = (closeness or {}).get((passage.doc_id, span.start), 0.0) >= limits.semantic_coverage
    rest = (
        all(mentions_name(n, context) or _surname_in(n, near, context) for n in question.names)
        and (dated or all(_time_stated(t, context, passage) for t in question.times))
        and verb_stated(question, near)
        and topic_covered(question, near)
        and same_instance(question, near)
    )
    covers = rest and (enough or close)
    almost = rest and not enough and closeness is None
    filler = filler_of(question, text, previous, context) if covers else None
    if covers and filler is None and question.answer_type == "time" and previous:
        # 'Lavrov said Monday ...' then 'He told Tass ...': the pair answers 'which day'.
        filler = filler_of(question, previous, "", context)
        if filler is not None:
            before = [s for s in passage.chunk.sentences if s.end <= span.start][-1]
            span = Span(before.start, span.end)
            text = passage.quote(span)
    answers = covers and filler is not None
    return Finding(passage, span, text, answers, covers, filler, coverage, almost)


def _contexts(passages: Sequence[Passage]) -> dict[str, str]:
    """Per article, the text of all its retrieved passages with its title and outlet."""
    grouped: dict[str, list[Passage]] = {}
    for p in passages:
        grouped.setdefault(p.doc_id, []).append(p)
    return {
        doc_id: " \n".join(
            [t for t in (group[0].doc.title, group[0].doc.source) if t]
            + [p.chunk.text for p in sorted(group, key=lambda p: p.chunk.start)]
        )
        for doc_id, group in grouped.items()
    }


def _context_text(passage: Passage) -> str:
    doc = passage.doc
    return " \n".join(t for t in (doc.title, doc.source, passage.chunk.text) if t)


def _previous(passage: Passage, span: Span) -> str:
    before = [s for s in passage.chunk.sentences if s.end <= span.start]
    return passage.quote(before[-1]) if before else ""


def _next(passage: Passage, span: Span) -> str:
    after = [s for s in passage.chunk.sentences if s.start >= span.end]
    return passage.quote(after[0]) if after else ""


def _coverage(question: Question, text: str) -> float:
    if not question.event:
        return 1.0
    present = set(content_stems(text))
    return sum(s in present for s in question.event) / len(question.event)


def _surname_in(name: str, near: str, context: str) -> bool:
    parts = name.split()
    return len(parts) > 1 and mentions_name(parts[-1], near) and mentions_name(parts[-1], context)


def _time_stated(wanted: TimeMention, context: str, passage: Passage) -> bool:
    if any(wanted.fits(t) for t in time_mentions(context)):
        return True
    published = passage.doc.published
    if published:
        try:
            return wanted.fits_day(date.fromisoformat(published))
        except ValueError:
            return False
    return False


# ---- fillers ----------------------------------------------------------------------------


__all__ = [
    "Finding",
    "NAMED_COVERAGE",
    "SENTENCE_COVERAGE",
    "Thresholds",
    "Verdict",
    "assess",
    "casing_of",
    "judge",
    "judge_passage",
    "judge_quotes",
]
