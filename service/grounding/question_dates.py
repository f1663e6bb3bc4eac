"""Dates in questions: the publication dates a question asks about ('in 2017', 'since
October 2022', 'last year'), or that it wants the newest articles ('latest'). Resolved
against the day the question is asked; the retriever turns them into filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ingest.dates import TimeMention, time_mentions
from service.text import fold

LATEST = re.compile(r"\b(latest|most recent|newest|current|currently|now|today|recently)\b")


@dataclass(frozen=True)
class DateScope:
    """The publication dates a question asks about ('in 2017', 'since October 2022',
    'last year'), or that it wants the newest articles ('latest')."""

    phrase: str
    after: date | None = None
    before: date | None = None
    latest: bool = False


_FROM = re.compile(r"\b(since|from|starting|as of)\s+(?:the\s+)?$", re.I)
_AFTER = re.compile(r"\bafter\s+(?:the\s+)?$", re.I)
_BEFORE = re.compile(r"\b(before|prior to)\s+(?:the\s+)?$", re.I)
_UNTIL = re.compile(r"\b(until|till|up to|by)\s+(?:the\s+)?$", re.I)


def date_scope(question: str, today: date) -> DateScope | None:
    """The publication dates the question asks about, if it names any it can resolve.

    'in 2017' and 'in October 2022' give that year or month; 'since/after X' a start,
    'before/until X' an end; 'last year', 'this year', 'last month' are resolved against
    ``today``; 'latest', 'most recent', 'current' ask for the newest articles.
    """
    scope: DateScope | None = None
    for mention in time_mentions(question):
        window = _window(mention, today)
        if window is None:
            continue
        start, end = window
        lead = question[: mention.start]
        prep = next((m for r in (_FROM, _AFTER, _BEFORE, _UNTIL) if (m := r.search(lead))), None)
        phrase = f"{prep.group(0).strip()} {mention.text}" if prep else f"in {mention.text}"
        if mention.relative:
            phrase = mention.text
        if _FROM.search(lead):
            part = DateScope(phrase, after=start)
        elif _AFTER.search(lead):
            part = DateScope(phrase, after=end + timedelta(days=1))
        elif _BEFORE.search(lead):
            part = DateScope(phrase, before=start - timedelta(days=1))
        elif _UNTIL.search(lead):
            part = DateScope(phrase, before=end)
        else:
            part = DateScope(phrase, after=start, before=end)
        scope = _merge(scope, part)
    if LATEST.search(fold(question)):
        phrase = LATEST.search(fold(question)).group(0)  # type: ignore[union-attr]
        scope = replace(scope, latest=True) if scope else DateScope(phrase, latest=True)
    return scope


def _window(mention: TimeMention, today: date) -> tuple[date, date] | None:
    if mention.relative:
        unit = mention.relative.split()[-1]
        shift = -1 if mention.relative.startswith(("last", "past", "a ")) else 0
        if unit == "year":
            year = today.year + shift
            return date(year, 1, 1), date(year, 12, 31)
        if unit == "month":
            month_start = date(today.year, today.month, 1)
            if shift:
                month_start = (month_start - timedelta(days=1)).replace(day=1)
            return month_start, _month_end(month_start)
        if unit == "week":
            start = today - timedelta(days=today.weekday() + (7 if shift else 0))
            return start, start + timedelta(days=6)
        return None
    if mention.year is None:
        return None
    if mention.month and mention.day:
        day = date(mention.year, mention.month, mention.day)
        return day, day
    if mention.month:
        start = date(mention.year, mention.month, 1)
        return start, _month_end(start)
    return date(mention.year, 1, 1), date(mention.year, 12, 31)


def _month_end(start: date) -> date:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _merge(a: DateScope | None, b: DateScope) -> DateScope:
    if a is None:
        return b
    after = max((d for d in (a.after, b.after) if d), default=None)
    before = min((d for d in (a.before, b.before) if d), default=None)
    return DateScope(f"{a.phrase}, {b.phrase}", after=after, before=before, latest=a.latest)
