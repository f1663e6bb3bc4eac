"""The direction of dependency in DESIGN.md, checked on the import statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.imports import imports_of


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported(folder: str) -> dict[Path, set[str]]:
    """Each file of ``folder`` with the module names it imports."""
    return imports_of(files(folder))


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("ingest", ("service", "evals", "fastapi")),
        ("service", ("chromadb", "evals")),
        ("service/api", ("chromadb",)),
    ],
)
def test_no_forbidden_imports(folder: str, forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, names in imported(folder).items()
        for name in sorted(names)
        if name.split(".")[0] in forbidden
    ]
    assert offenders == []


def test_the_answer_engine_never_imports_fastapi() -> None:
    # service/api is the HTTP edge and service/__main__.py starts uvicorn; the rest is the
    # engine side, which the CLI and the evals use without a web framework.
    engine_side = {
        p: names
        for p, names in imported("service").items()
        if "api" not in p.relative_to(ROOT).parts and p.name != "__main__.py"
    }
    assert engine_side
    offenders = [
        str(p.relative_to(ROOT))
        for p, names in engine_side.items()
        if any(n.split(".")[0] in {"fastapi", "starlette", "uvicorn"} for n in names)
    ]
    assert offenders == []


def test_the_evals_never_grade_with_the_engines_judge() -> None:
    # The evaluations score support with evals/judge.py; the engine's grounding code
    # (service/grounding) must not be what grades the engine.
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, names in imported("evals").items()
        for name in sorted(names)
        if name == "service.grounding" or name.startswith("service.grounding.")
    ]
    assert offenders == []
