"""Keyword engines measured before choosing one, on the generated corpus (no model needed):
bm25s rebuilt whole (what every write cost before), newsqa's incremental BM25, and SQLite
FTS5 (in memory), all over the same ``service.text.search_terms`` tokens.

    .venv/bin/python -m benchmarks.keyword_engines --chunks 100000

Chunks are 800-character windows advancing 650 characters (the chunker's sizes, without
its sentence splitting, which would dominate the run). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

import bm25s
import numpy as np

from benchmarks.corpus import ARTICLES, generate, load_probes
from benchmarks.run import GENERIC
from benchmarks.stats import summary
from service.retrieval.bm25 import IncrementalBM25
from service.text import search_terms

TOP = 30  # candidates per retriever (NEWSQA_CANDIDATES)


def corpus(chunks: int) -> tuple[list[tuple[str, str]], list[str]]:
    """The generated corpus of about ``chunks`` chunks as (doc_id, window) pairs, and the
    questions to search with (the probes and the generic ones)."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), chunks)
        questions = [p.question for p in load_probes(Path(tmp))] + GENERIC
        return windows(Path(tmp) / ARTICLES), questions


def windows(folder: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text("utf-8")
        for i in range(0, max(1, len(text) - 150), 650):
            out.append((path.stem, text[i : i + 800]))
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    args = parser.parse_args()
    chunks, queries = corpus(args.chunks)
    started = time.perf_counter()
    tokens = [search_terms(text) for _, text in chunks]
    tokenise = time.perf_counter() - started
    query_terms = [search_terms(q) for q in queries]
    one_doc = [i for i, (doc, _) in enumerate(chunks) if doc == chunks[len(chunks) // 2][0]]
    rows = []

    # bm25s, rebuilt whole on every change (the keyword index before this change).
    before = rss_mb()
    model = bm25s.BM25()
    build = timed(lambda: model.index(tokens, show_progress=False))
    lat = []
    for terms in query_terms * 3:
        t = time.perf_counter()
        ids = model.get_tokens_ids(terms)
        scores = model.get_scores_from_ids(ids)
        np.argpartition(-scores, TOP)[:TOP]
        lat.append((time.perf_counter() - t) * 1000)
    rows.append(("bm25s, rebuilt whole", build, build, summary(lat), rss_mb() - before))

    # newsqa's incremental BM25.
    before = rss_mb()
    inc = IncrementalBM25()
    build = timed(lambda: inc.add_many(tokens))

    def replace_one() -> None:
        for slot in one_doc:
            inc.remove(slot)
        inc.add_many([tokens[i] for i in one_doc])

    update = timed(replace_one)
    lat = []
    for terms in query_terms * 3:
        t = time.perf_counter()
        scores = inc.scores(terms)
        np.argpartition(-scores, TOP)[:TOP]
        lat.append((time.perf_counter() - t) * 1000)
    rows.append(("incremental BM25 (newsqa)", build, update, summary(lat), rss_mb() - before))

    # SQLite FTS5 over the same tokens, ranked by its bm25().
    before = rss_mb()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE chunks USING fts5(terms, tokenize='unicode61')")

    def fill() -> None:
        db.executemany(
            "INSERT INTO chunks(rowid, terms) VALUES (?, ?)",
            ((i, " ".join(t)) for i, t in enumerate(tokens)),
        )
        db.commit()

    build = timed(fill)

    def replace_fts() -> None:
        db.executemany("DELETE FROM chunks WHERE rowid = ?", ((i,) for i in one_doc))
        db.executemany(
            "INSERT INTO chunks(rowid, terms) VALUES (?, ?)",
            ((i, " ".join(tokens[i])) for i in one_doc),
        )
        db.commit()

    update = timed(replace_fts)
    lat = []
    for terms in query_terms * 3:
        if not terms:
            continue
        match = " OR ".join(f'"{t}"' for t in terms)
        t = time.perf_counter()
        db.execute(
            "SELECT rowid, bm25(chunks) FROM chunks WHERE chunks MATCH ? ORDER BY rank LIMIT ?",
            (match, TOP),
        ).fetchall()
        lat.append((time.perf_counter() - t) * 1000)
    rows.append(("SQLite FTS5 (in memory)", build, update, summary(lat), rss_mb() - before))

    print(f"{len(chunks):,} chunks; tokenising them with search_terms: {tokenise:.1f} s\n")
    print(
        "| engine | build (s) | one article changed (s) | query p50 / p95 (ms) | peak RSS + (MB) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for name, build, update, q, mem in rows:
        print(f"| {name} | {build:.2f} | {update:.4f} | {q['p50']} / {q['p95']} | {mem:.0f} |")


if __name__ == "__main__":
    main()
