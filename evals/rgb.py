"""RGB (Chen et al., AAAI 2024), English counterfactual split, as three in-memory suites.

The data is CC BY-NC-SA 4.0 and is never copied into this repository: it is read from
``../shared/benchmarks/rgb_en_fact.jsonl`` beside the repository, or a path given with
``--rgb-path``. Each snippet becomes a small document ``rgb-<row>-<kind>-<i>``.

* ``accuracy``: every ``positive`` and ``negative`` snippet of every row in one index; each
  ``query`` is asked unfiltered; the gold ``answer`` must be in the answer and in a quote.
* ``rejection``: only ``negative`` snippets; each query is restricted to its own row's
  snippets (the API's doc_ids filter) and must be refused.
* ``conflict``: ``positive`` and ``positive_wrong`` snippets under two neutral outlet names;
  each query restricted to its row; a good answer states both versions and cites both sides.

Each way comes in two fixed halves: ``dev`` (even row ids, which rules may be tuned on) and
``test`` (odd row ids, kept apart from tuning).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evals.schema import Case, DatasetError, Suite
from ingest.model import Article, Metadata

MODES = ("accuracy", "rejection", "conflict")
REPO = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO.parent / "shared" / "benchmarks" / "rgb_en_fact.jsonl"
OUTLETS = ("Outlet A", "Outlet B")


@dataclass(frozen=True)
class Row:
    """One RGB line."""

    id: int
    query: str
    answer: list[list[str]]
    fake: list[list[str]]
    positive: list[str]
    negative: list[str]
    positive_wrong: list[str]


def facts_of(answer: Any) -> list[list[str]]:
    """RGB's label as facts: a string is one fact; a list holds facts, each a string or a
    list of acceptable spellings (RGB's ``checkanswer`` reads it the same way)."""
    if isinstance(answer, str):
        return [[answer]]
    if isinstance(answer, list) and answer:
        facts = [[a] if isinstance(a, str) else [str(x) for x in a] for a in answer]
        if all(f and all(p.strip() for p in f) for f in facts):
            return facts
    raise ValueError(f"an answer must be a string or a list of them, got {answer!r}")


def read_rows(path: Path, limit: int | None = None) -> list[Row]:
    """The first ``limit`` rows (all for ``None``); ``DatasetError`` names the bad line."""
    if not path.is_file():
        raise DatasetError(
            str(path), None, "RGB file not found: pass its path with --rgb-path (see docs)"
        )
    rows: list[Row] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if limit is not None and len(rows) >= limit:
                break
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                rows.append(
                    Row(
                        id=int(raw["id"]),
                        query=str(raw["query"]),
                        answer=facts_of(raw["answer"]),
                        fake=facts_of(raw["fakeanswer"]),
                        positive=_snippets(raw["positive"]),
                        negative=_snippets(raw["negative"]),
                        positive_wrong=_snippets(raw["positive_wrong"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as e:
                problem = f"missing field {e}" if isinstance(e, KeyError) else str(e)
                raise DatasetError(str(path), number, f"not an RGB row: {problem}") from None
    return rows


def _snippets(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("snippets must be a list of strings")
    return [str(s) for s in value]


def _doc_id(row: Row, kind: str, i: int) -> str:
    return f"rgb-{row.id}-{kind}-{i}"


def _docs(row: Row, kind: str, snippets: Sequence[str], source: str) -> list[Article]:
    return [
        Article(_doc_id(row, kind, i), text, Metadata(source=source, title=f"RGB {row.id}"))
        for i, text in enumerate(snippets)
        if text.strip()
    ]


def suite(rows: Sequence[Row], mode: str) -> Suite:
    """One way of using RGB as a suite of cases over its own articles."""
    articles: list[Article] = []
    cases: list[Case] = []
    for row in rows:
        if mode == "accuracy":
            positive = _docs(row, "pos", row.positive, "RGB")
            articles += positive + _docs(row, "neg", row.negative, "RGB")
            case = Case(
                id=f"{mode}-{row.id}",
                question=row.query,
                category="accuracy",
                gold_doc_ids=[a.doc_id for a in positive],
                facts=row.answer,
            )
        elif mode == "rejection":
            negative = _docs(row, "neg", row.negative, "RGB")
            articles += negative
            case = Case(
                id=f"{mode}-{row.id}",
                question=row.query,
                category="rejection",
                answerable=False,
                restrict_to=[a.doc_id for a in negative],
            )
        elif mode == "conflict":
            # Alternate which outlet carries the gold version, so a name never marks the truth.
            true_name, fake_name = OUTLETS if row.id % 2 == 0 else OUTLETS[::-1]
            positive = _docs(row, "pos", row.positive, true_name)
            wrong = _docs(row, "wrong", row.positive_wrong, fake_name)
            articles += positive + wrong
            case = Case(
                id=f"{mode}-{row.id}",
                question=row.query,
                category="conflict",
                gold_doc_ids=[a.doc_id for a in positive + wrong],
                facts=row.answer + row.fake,
                sides=[[a.doc_id for a in positive], [a.doc_id for a in wrong]],
                restrict_to=[a.doc_id for a in positive + wrong],
            )
        else:
            raise ValueError(f"unknown RGB mode {mode!r}: use one of {', '.join(MODES)}")
        cases.append(case)
    return Suite(f"rgb:{mode}", cases, articles)


# The fixed halves: rules may be tuned on the dev rows only (even ids); the test rows (odd
# ids) are kept apart from tuning and only ever reported.
SPLITS = {"dev": 0, "test": 1}


def suites(
    path: Path, modes: Sequence[str], limit: int | None = None, split: str | None = None
) -> list[Suite]:
    """A suite per mode and split over the first ``limit`` rows of the RGB file at ``path``
    (both splits when ``split`` is None)."""
    for mode in modes:
        if mode not in MODES:
            raise DatasetError(
                f"rgb:{mode}", None, f"unknown RGB mode {mode!r}: use one of {', '.join(MODES)}"
            )
    if split is not None and split not in SPLITS:
        raise DatasetError(f"rgb:{split}", None, f"unknown RGB split {split!r}: use dev or test")
    rows = read_rows(path, limit)
    out = []
    for mode in modes:
        for name, parity in SPLITS.items():
            if split in (None, name):
                half = [r for r in rows if r.id % 2 == parity]
                out.append(replace(suite(half, mode), name=f"rgb:{mode}:{name}"))
    return out
