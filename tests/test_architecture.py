"""The direction of dependency in DESIGN.md, checked on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT


def imported(path: Path) -> set[str]:
    """Top-level module names a file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


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
        for path in files(folder)
        for name in imported(path)
        if name.split(".")[0] in forbidden
    ]
    assert offenders == []


def test_the_answer_engine_never_imports_fastapi() -> None:
    # service/api is the HTTP edge and service/__main__.py starts uvicorn; the rest is the
    # engine side, which the CLI and the evals use without a web framework.
    engine_side = [
        p
        for p in files("service")
        if "api" not in p.relative_to(ROOT).parts and p.name != "__main__.py"
    ]
    assert engine_side
    offenders = [
        str(p.relative_to(ROOT))
        for p in engine_side
        if any(n.split(".")[0] in {"fastapi", "starlette", "uvicorn"} for n in imported(p))
    ]
    assert offenders == []


def test_the_evals_never_grade_with_the_engines_judge() -> None:
    # The evaluations score support with evals/judge.py; the engine's grounding code
    # (service/grounding) must not be what grades the engine.
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files("evals")
        for name in imported(path)
        if name == "service.grounding" or name.startswith("service.grounding.")
    ]
    assert offenders == []
