"""The modules a source file imports, read from its syntax tree in a child interpreter.

In a child because CPython 3.11.7 keeps ``ast``'s recursion counter per interpreter, not per
thread (python/cpython#106905, fixed in 3.11.8): a ``traceback`` formatted by some server
thread of the test session while this process parses a file makes ``ast.parse`` fail with
"AST constructor recursion depth mismatch".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

_READ = """
import ast, json, sys
out = {}
for path in json.load(sys.stdin):
    names = set()
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    out[path] = sorted(names)
json.dump(out, sys.stdout)
"""


def imports_of(paths: Iterable[Path]) -> dict[Path, set[str]]:
    """For each file, the absolute module names it imports (``import x``, ``from x import``)."""
    wanted = [str(p) for p in paths]
    done = subprocess.run(
        [sys.executable, "-c", _READ],
        input=json.dumps(wanted),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return {Path(p): set(names) for p, names in json.loads(done.stdout).items()}
