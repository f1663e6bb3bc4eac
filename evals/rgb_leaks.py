"""How many of RGB's negative-only rows may state the answer after all: rows whose
``negative`` snippets hold every word of a gold phrasing ('Tampa Bay, Florida' for 'Tampa,
Florida'). A reader right on those rows answers them, so they bound ``rgb:rejection``.

    .venv/bin/python -m evals.rgb_leaks [--rgb-path FILE]

A word-level check (every word of three letters or more, and every number, of a phrasing
occurs in the row's negatives), so it over-counts a little: it says "may", not "does".
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from evals.rgb import DEFAULT_PATH, SPLITS, Row, read_rows


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.casefold()) if len(w) > 2 or w.isdigit()]


def may_state_answer(row: Row) -> bool:
    """Whether the row's negatives hold every word of one phrasing of its gold answer."""
    present = set(_words(" ".join(row.negative)))
    return any(
        any(words and set(words) <= present for words in map(_words, fact)) for fact in row.answer
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rgb-path", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    rows = read_rows(args.rgb_path)
    print("| half | rows | negatives may state the answer | refusal accuracy ceiling |")
    print("| --- | --- | --- | --- |")
    for name, parity in SPLITS.items():
        half = [r for r in rows if r.id % 2 == parity]
        leaks = [r.id for r in half if may_state_answer(r)]
        ceiling = 1 - len(leaks) / len(half) if half else 0.0
        print(f"| {name} | {len(half)} | {len(leaks)} (rows {', '.join(map(str, leaks))}) "
              f"| {ceiling:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
