"""Question sets as data: the YAML format, its pydantic models, and a loader that names the
line of any problem (from PyYAML's node marks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.model import Article

DATASETS = Path(__file__).resolve().parent / "datasets"


class DatasetError(ValueError):
    """A question set that cannot be used; the message names the file and line."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class HistoryTurn(BaseModel):
    """One earlier message of a conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


Fact = list[str]


class Case(BaseModel):
    """One question, what a good answer holds, and where the answer is."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
    question: str = Field(min_length=1)
    history: list[HistoryTurn] = Field(default_factory=list)
    answerable: bool = True
    gold_doc_ids: list[str] = Field(default_factory=list)
    facts: list[Fact] = Field(
        default_factory=list,
        description="Each fact is a list of acceptable phrasings; present when any occurs.",
    )
    category: str = Field(min_length=1)
    as_of: date | None = None
    sides: list[list[str]] = Field(
        default_factory=list,
        description="Groups of doc ids that disagree; a good answer cites one of each group.",
    )
    restrict_to: list[str] = Field(
        default_factory=list,
        description="Doc ids the search is restricted to (the API's doc_ids filter).",
    )
    cite_only: list[str] = Field(
        default_factory=list,
        description="When set, a good answer cites no document outside these (a date "
        "filter taken from the question, honoured).",
    )

    @field_validator("facts")
    @classmethod
    def _phrasings(cls, facts: list[Fact]) -> list[Fact]:
        for fact in facts:
            if not fact or any(not isinstance(p, str) or not p.strip() for p in fact):
                raise ValueError("every fact needs at least one non-empty phrasing")
        return facts

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        if self.answerable and not self.gold_doc_ids:
            raise ValueError("an answerable case needs gold_doc_ids")
        if self.answerable and not self.facts:
            raise ValueError("an answerable case needs at least one fact")
        if not self.answerable and (self.facts or self.gold_doc_ids):
            raise ValueError("an unanswerable case has no facts and no gold_doc_ids")
        return self


class Dataset(BaseModel):
    """A named question set; ``corpus`` is a folder relative to the YAML file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    corpus: str | None = None
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Dataset:
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"duplicate case id {case.id!r}")
            seen.add(case.id)
        return self

    def corpus_path(self, source: Path) -> Path | None:
        """The corpus folder, resolved against the folder of the file it was read from."""
        return (source.parent / self.corpus).resolve() if self.corpus else None

    def limited(self, limit: int | None) -> Dataset:
        """The first ``limit`` cases (all of them for ``None``)."""
        return self if limit is None else self.model_copy(update={"cases": self.cases[:limit]})


def load_dataset(path: Path) -> Dataset:
    """Read and validate a question set; ``DatasetError`` names the line of any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DatasetError(str(path), None, f"cannot read: {e.strerror or e}") from None
    return parse_dataset(text, str(path))


def parse_dataset(text: str, where: str = "<string>") -> Dataset:
    """Validate YAML text as a ``Dataset``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = f"not valid YAML: {e.problem or e}"
        if e.context and e.context_mark is not None and e.context_mark is not mark:
            problem += f" ({e.context} at line {e.context_mark.line + 1})"
        raise DatasetError(where, line, problem) from None
    if not isinstance(data, dict) or root is None:
        raise DatasetError(where, 1, "expected a mapping with 'name' and 'cases'")
    _check_unique_ids(data, root, where)
    try:
        return Dataset.model_validate(data)
    except ValidationError as e:
        # A misspelt key also makes the real one "missing": name the misspelling first.
        errors = sorted(e.errors(), key=lambda err: err["type"] != "extra_forbidden")
        error = errors[0]
        loc = tuple(error["loc"])
        node = _node_at(root, loc)
        line = node.start_mark.line + 1
        field = ".".join(str(p) for p in loc) or "(top level)"
        problem = f"{_case_name(data, loc)}field {field}: {error['msg']}"
        more = len(e.errors()) - 1
        if more:
            problem += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise DatasetError(where, line, problem) from None


def _check_unique_ids(data: dict[str, Any], root: yaml.Node, where: str) -> None:
    cases = data.get("cases")
    if not isinstance(cases, list):
        return
    seen: set[str] = set()
    for i, case in enumerate(cases):
        case_id = case.get("id") if isinstance(case, dict) else None
        if not isinstance(case_id, str):
            continue
        if case_id in seen:
            line = _node_at(root, ("cases", i, "id")).start_mark.line + 1
            raise DatasetError(where, line, f"case {case_id!r}: duplicate case id")
        seen.add(case_id)


def _node_at(root: yaml.Node, loc: Sequence[Any]) -> yaml.Node:
    """The deepest YAML node along a pydantic error location (for its line)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = [v for k, v in node.value if getattr(k, "value", None) == part]
            if not match:
                return node
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _case_name(data: dict[str, Any], loc: Sequence[Any]) -> str:
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        cases = data.get("cases") or []
        case = cases[loc[1]] if loc[1] < len(cases) else None
        name = case.get("id") if isinstance(case, dict) else None
        return f"case {name!r}: " if name else f"case #{loc[1] + 1}: "
    return ""


class Thresholds(BaseModel):
    """The gate of one question set: floors and ceilings of the newsqa summary metrics."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "llm", "extractive"] = "extractive"
    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)


def thresholds_of(path: Path, suites: Sequence[str]) -> dict[str, Thresholds]:
    """The thresholds of each of ``suites`` that the file has (``DatasetError`` if none)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise DatasetError(str(path), None, f"cannot read: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        raise DatasetError(str(path), None, f"not valid YAML: {e}") from None
    found = {name: load_thresholds(path, name) for name in suites if name in data}
    if not found:
        raise DatasetError(str(path), None, f"no thresholds for {', '.join(suites)}")
    return found


def load_thresholds(path: Path, dataset: str) -> Thresholds:
    """The thresholds of ``dataset`` in a thresholds file (``DatasetError`` if none)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except OSError as e:
        raise DatasetError(str(path), None, f"cannot read: {e.strerror or e}") from None
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise DatasetError(str(path), line, f"not valid YAML: {e.problem or e}") from None
    if not isinstance(data, dict) or dataset not in data:
        raise DatasetError(str(path), None, f"no thresholds for dataset {dataset!r}")
    try:
        return Thresholds.model_validate(data[dataset])
    except ValidationError as e:
        error = e.errors()[0]
        loc = [dataset, *error["loc"]]
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        line = _node_at(root, loc).start_mark.line + 1 if root is not None else None
        field = ".".join(str(p) for p in loc)
        raise DatasetError(str(path), line, f"{field}: {error['msg']}") from None


@dataclass
class Suite:
    """Cases and the articles they are asked over; each suite gets its own fresh index."""

    name: str
    cases: list[Case]
    articles: list[Article]
