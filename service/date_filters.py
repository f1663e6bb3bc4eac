"""A question's dates as a search filter, and its 'latest' as the newest articles only.

The engine reads the dates in ``grounding/question_dates.py``; this turns them into the
``Filters`` the retriever applies and the ``DateScopeNote`` the answer reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from ingest.index import Filters
from service.answers import DateScopeNote
from service.grounding.answerability import Verdict
from service.grounding.question_dates import DateScope

# Articles published within this many days of the newest answer a 'latest' question.
LATEST_WINDOW_DAYS = 3


def date_filters(
    scope: DateScope | None, filters: Filters | None, dated_documents: Callable[[], int]
) -> tuple[Filters | None, DateScopeNote | None]:
    """The request's filters narrowed to the question's dates, when articles carry dates
    (``dated_documents`` counts them; it is asked only when the question has dates).

    Undated articles never match a date filter; when no article carries a date, the
    dates are not applied and must be stated in the text instead (the note says so).
    """
    if scope is None:
        return filters, None
    if scope.after is None and scope.before is None:
        note = "answered from the newest dated articles" if scope.latest else None
        return filters, DateScopeNote(scope.phrase, None, None, scope.latest, False, note)
    if dated_documents() == 0:
        note = (
            "no article in the index states a publication date, so the dates were not "
            "applied as a filter; passages must state them in their text"
        )
        return filters, DateScopeNote(
            scope.phrase, scope.after, scope.before, scope.latest, False, note
        )
    base = filters or Filters()
    after = max((d for d in (base.published_after, scope.after) if d), default=None)
    before = min((d for d in (base.published_before, scope.before) if d), default=None)
    narrowed = replace(base, published_after=after, published_before=before)
    note = "only articles published in this range were used; undated articles were left out"
    return narrowed, DateScopeNote(scope.phrase, after, before, scope.latest, True, note)


def newest_only(verdict: Verdict) -> Verdict:
    """Only the answering sentences of the newest dated articles, for 'latest' questions
    (undated articles cannot be the latest); unchanged when none is dated."""
    dated = [f for f in verdict.answering() if f.passage.doc.published]
    if not dated:
        return verdict
    newest = max(date.fromisoformat(f.passage.doc.published or "") for f in dated)
    keep = [
        f
        for f in dated
        if (newest - date.fromisoformat(f.passage.doc.published or "")).days <= LATEST_WINDOW_DAYS
    ]
    others = [f for f in verdict.findings if not f.answers]
    return replace(verdict, findings=tuple(keep + others))
