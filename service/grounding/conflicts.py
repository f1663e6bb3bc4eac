"""Where the sources disagree: statements of different articles that give different fillers
for the same slot (a different place, number, name or date for what the question asks), or
that say the same thing with a different name, number, date or polarity.

Statements of articles published far apart are not a disagreement but a change over time:
they stay apart, each with its date, and are not reported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from service.grounding.agreement import agreement, opposite
from service.grounding.mentions import (
    Casing,
    Name,
    mentions_name,
    names,
    time_mentions,
)
from service.grounding.quantities import quantities
from service.grounding.question import Question
from service.text import content_stems, lexical_recall

# Answer types whose filler is one slot (a number, a place, a name, a date) that two
# sources can fill differently.
_SLOTS = frozenset({"person", "organisation", "entity", "place", "time", "number"})
# Articles published more than this many days apart report a change, not a disagreement.
SAME_EVENT_DAYS = 14
# Two statements this close in words are the same statement (one may change a detail).
SAME_STATEMENT = 0.6
# ... and this close, the same wording: a name in the place of another is a change.
SAME_WORDING = 0.8


@dataclass(frozen=True)
class Statement:
    """One cited statement: its text, what it answers (its filler) and where it is from."""

    text: str
    doc_id: str
    source: str | None
    published: str | None
    markers: tuple[int, ...]
    filler: str | None = None


@dataclass(frozen=True)
class Side:
    """The statements that agree with one another against another side."""

    statements: tuple[Statement, ...]

    @property
    def origins(self) -> list[tuple[str, str | None]]:
        """(outlet, publication date) of each distinct article of the side, in order."""
        return list(
            dict.fromkeys((s.source or "unknown outlet", s.published) for s in self.statements)
        )

    @property
    def markers(self) -> list[int]:
        return list(dict.fromkeys(m for s in self.statements for m in s.markers))


@dataclass(frozen=True)
class Conflict:
    """What the sides disagree about, and the sides."""

    about: str
    sides: tuple[Side, ...]

    def public(self) -> dict[str, object]:
        return {
            "about": self.about,
            "sides": [
                {
                    "statement": side.statements[0].text,
                    "markers": side.markers,
                    "sources": [source for source, _ in side.origins],
                    "published": [day for _, day in side.origins],
                }
                for side in self.sides
            ],
        }


def find_conflicts(question: Question, statements: Sequence[Statement]) -> list[Conflict]:
    """The disagreements among ``statements`` (at most one per question: the sides of the
    asked-for slot), sides in the order their first statement appears."""
    typed = question.answer_type in _SLOTS
    usable = [s if typed else replace(s, filler=None) for s in statements if s.text.strip()]
    groups: list[list[Statement]] = []
    for statement in usable:
        for group in groups:
            if not _disagree(group[0], statement):
                group.append(statement)
                break
        else:
            groups.append([statement])
    sides = [
        g for g in groups if any(_disagree(g[0], other[0]) for other in groups if other is not g)
    ]
    if len(sides) < 2:
        return []
    about = _about(question, sides)
    return [Conflict(about, tuple(Side(tuple(g)) for g in sides))]


def _disagree(a: Statement, b: Statement) -> bool:
    if a.doc_id == b.doc_id or _far_apart(a.published, b.published):
        return False
    if a.filler and b.filler and not _same_filler(a.filler, b.filler):
        return True
    # The same filler (or none): the two may still state one thing with one detail changed
    # ('at Raymond James Stadium in Tampa' / '... in Glendale').
    close = min(lexical_recall(a.text, b.text), lexical_recall(b.text, a.text))
    if close < SAME_STATEMENT:
        return False
    # The same statement with one detail changed (more words on one side are not a change).
    qa, qb = quantities(a.text), quantities(b.text)
    if qa and qb and not any(x.same(y) for x in qa for y in qb):
        return True
    ta, tb = time_mentions(a.text), time_mentions(b.text)
    if ta and tb and not any(x.fits(y) or y.fits(x) for x in ta for y in tb):
        return True
    casing = Casing([a.text, b.text])
    names_a, names_b = names(a.text, casing), names(b.text, casing)
    only_a = [n for n in names_a if not mentions_name(n, b.text)]
    only_b = [n for n in names_b if not mentions_name(n, a.text)]
    if only_a and only_b and _wording(a.text, names_a, b.text, names_b) >= SAME_WORDING:
        return True
    return bool(opposite(a.text, b.text))


def _wording(a: str, names_a: Sequence[Name], b: str, names_b: Sequence[Name]) -> float:
    """How alike two sentences are once their names are left out."""
    drop = {w for n in [*names_a, *names_b] for w in content_stems(n.text)}
    left_a = set(content_stems(a)) - drop
    left_b = set(content_stems(b)) - drop
    if not left_a or not left_b:
        return 0.0
    return min(len(left_a & left_b) / len(left_a), len(left_a & left_b) / len(left_b))


def _same_filler(a: str, b: str) -> bool:
    qa, qb = quantities(a), quantities(b)
    if qa and qb:
        return any(x.same(y) for x in qa for y in qb)
    ta, tb = time_mentions(a), time_mentions(b)
    if ta and tb:
        return any(x.fits(y) or y.fits(x) for x in ta for y in tb)
    return mentions_name(a, b) or mentions_name(b, a) or a.casefold() == b.casefold()


def _far_apart(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) > SAME_EVENT_DAYS
    except ValueError:
        return False


_KIND = {
    "person": "who", "organisation": "which organisation", "entity": "which one",
    "place": "where", "time": "when", "number": "how many or how much", "reason": "why",
}  # fmt: skip


def _about(question: Question, sides: Sequence[Sequence[Statement]]) -> str:
    fillers = [g[0].filler for g in sides if g[0].filler]
    if question.answer_type in _KIND and len(fillers) == len(sides):
        return f"{question.text.rstrip(' ?')}: {' vs '.join(fillers)}"
    first, second = sides[0][0], sides[1][0]
    problems = agreement(second.text, first.text).problems
    detail = problems[0] if problems else "the details differ"
    return f"the sources differ: {detail}"
