"""Bench results (JSON) -> the measured tables of docs/benchmarks.md and its plot.

    .venv/bin/python -m benchmarks.report benchmarks/results/latest.json [docs/benchmarks.md]

Only the part between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` is rewritten;
the prose around it (analysis, profiles) is kept.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def _ok(passed: bool) -> str:
    return "met" if passed else "**missed**"


def _cores(row: dict[str, Any]) -> str:
    """Cores each process kept busy during a load run: API (main and workers), the Chroma
    server, locust itself."""
    cpu = row.get("cpu_seconds")
    if not cpu:
        return "n/a"
    api = sum(v for k, v in cpu.items() if k == "main" or k.startswith("worker"))
    parts = [("API", api), ("chroma", cpu.get("chroma", 0.0)), ("locust", cpu.get("locust", 0.0))]
    return ", ".join(f"{name} {seconds / row['seconds']:.2f}" for name, seconds in parts)


def tables(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    lines = [
        f"Run: `{results['command']}`, {results['total_seconds']:.0f} s in all. Machine: "
        f"{results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"{results['machine']['memory_gib']} GiB; load average "
        f"{results['machine']['load_average_at_start']} at the start, "
        f"{results['machine']['load_average_at_end']} at the end (the machine is shared).",
        "",
        "### Latency against corpus size (ms, sequential requests over real HTTP)",
        "",
        "| chunks | floor p50 | `/v1/search` p50 / p95 / p99 | search / floor | "
        "`/v1/ask` extractive p50 / p95 / p99 | ask / floor | LlamaIndex retriever p50 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in sizes.values():
        floor, s, a = r["probe"]["floor_ms"], r["http"]["search"], r["http"]["ask"]
        li = r["probe"]["llamaindex"]["latency_ms"]
        lines.append(
            f"| {r['ingest']['chunks']:,} | {floor['p50']} | {s['p50']} / {s['p95']} / {s['p99']} "
            f"| {_ratio(s['p50'], floor['p50'])} | {a['p50']} / {a['p95']} / {a['p99']} "
            f"| {_ratio(a['p50'], floor['p50'])} | {li['p50']} |"
        )
    if all("ask_first" in r["http"] for r in sizes.values()):
        lines += [
            "",
            "`/v1/ask` apart: a question's first answer embeds the sentences of its passages, "
            "a repeat finds them in the verifier's cache (ms, p50 / p95):",
            "",
            "| chunks | first answers | repeats | first p50 / floor p50 |",
            "| --- | --- | --- | --- |",
        ]
        for r in sizes.values():
            first, repeat = r["http"]["ask_first"], r["http"]["ask_repeat"]
            lines.append(
                f"| {r['ingest']['chunks']:,} | {first['p50']} / {first['p95']} | "
                f"{repeat['p50']} / {repeat['p95']} | "
                f"{_ratio(first['p50'], r['probe']['floor_ms']['p50'])} |"
            )
    lines += [
        "",
        "### Retrieval quality on the probe questions (hit@5)",
        "",
        "| chunks | newsqa `/v1/search` | plain LlamaIndex retriever, same chunks | dense alone: "
        "exact ranking (newsqa) / Chroma's HNSW query | Chroma's share of the exact top 5 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in sizes.values():
        li = r["probe"]["llamaindex"]
        if r["ingest"].get("synthetic_embeddings"):
            lines.append(f"| {r['ingest']['chunks']:,} | n/a (random vectors) | n/a | n/a | n/a |")
            continue
        dense = r["probe"].get("dense")
        alone = (
            f"{dense['exact_hit_at_k']:.0%} / {dense['chroma_hit_at_k']:.0%} | "
            f"{dense['chroma_recall_of_exact_top_k']:.0%}"
            if dense
            else "n/a | n/a"
        )
        lines.append(
            f"| {r['ingest']['chunks']:,} | {r['http']['hit_at_5']:.0%} | {li['hit_at_k']:.0%} "
            f"| {alone} |"
        )
    lines += [
        "",
        "### Ingest",
        "",
        "| chunks | documents | full ingest (s) | chunks/s | raw encoder chunks/s (same texts, "
        "batch) | ingest / encoder | unchanged re-run (s) | re-run / full |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in sizes.values():
        i, e = r["ingest"], r["probe"]["encoder"]
        cached = (
            f" ({i['cached_embeddings']:,} embeddings cached)" if i["cached_embeddings"] else ""
        )
        lines.append(
            f"| {i['chunks']:,} | {i['documents']:,} | {i['seconds']}{cached} "
            f"| {i['chunks_per_s']} "
            f"| {e['chunks_per_s']} ({e['texts']} texts, batch {e['batch']}) "
            f"| {_ratio(i['chunks_per_s'], e['chunks_per_s'])} | {i['unchanged_seconds']} "
            f"| {i['unchanged_seconds'] / i['seconds']:.1%} |"
        )
    lines += [
        "",
        "### Peak memory per process (MB, VmHWM / ru_maxrss)",
        "",
        "| chunks | `python -m ingest` | API server (1 worker) | probe (model + LlamaIndex) |",
        "| --- | --- | --- | --- |",
    ]
    for r in sizes.values():
        api = ", ".join(f"{v}" for v in r["api_peak_rss_mb"].values())
        lines.append(
            f"| {r['ingest']['chunks']:,} | {r['ingest']['peak_rss_mb']} | {api} "
            f"| {r['probe']['peak_rss_mb']} |"
        )
    chroma = results.get("chroma_peak_rss_mb", {}).get("main")
    lines += [
        "",
        f"The `chroma run` server holding every collection of the run peaked at {chroma} MB.",
    ]
    visible = results.get("visible")
    if visible:
        lines += [
            "",
            f"### From a write returning to the document being found ({visible['size']:,}-chunk "
            f"collection, keyword refresh every {visible['refresh_seconds']} s)",
            "",
            "| write through | dense search, another process | keyword search, another process | "
            "`/v1/search` of the API | that process' last keyword sync |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in visible["rows"]:
            lines.append(
                f"| {row['via']} | {row['dense_s']} s | {row['keyword_other_process_s']} s "
                f"| {row['api_search_s']} s | {row['keyword_sync_s']} s |"
            )
    if results.get("load"):
        lines += [
            "",
            "### Load: closed-loop `/v1/ask` (extractive) clients, locust headless on loopback",
            "",
            "| workers | clients | seconds | requests | failures | requests/s | p50 / p95 / p99 "
            "(ms) | peak RSS (MB) | cores used (CPU s / wall s) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in results["load"]:
            rss = ", ".join(f"{k} {v}" for k, v in row["peak_rss_mb"].items())
            lines.append(
                f"| {row['workers']} | {row['clients']} | {row['seconds']} | {row['requests']} "
                f"| {row['failures']} | {row['rps']} | {row['p50_ms']:.0f} / {row['p95_ms']:.0f} "
                f"/ {row['p99_ms']:.0f} | {rss} | {_cores(row)} |"
            )
    lines += ["", "### Targets", "", "| target | measured | |", "| --- | --- | --- |"]
    lines += targets(results)
    lines += ["", "![latency against corpus size](benchmarks-latency.png)"]
    return "\n".join(lines)


def targets(results: dict[str, Any]) -> list[str]:
    sizes = results["sizes"]
    rows = []
    for key, r in sizes.items():
        i, e = r["ingest"], r["probe"]["encoder"]
        if not i["cached_embeddings"] and not i.get("synthetic_embeddings"):
            got = i["chunks_per_s"] / e["chunks_per_s"]
            rows.append((f"ingest >= 0.8x raw encoder ({key})", f"{got:.2f}x", got >= 0.8))
        share = i["unchanged_seconds"] / i["seconds"]
        rows.append((f"unchanged re-run <= 5% of full ({key})", f"{share:.1%}", share <= 0.05))
        s, a = r["http"]["search"], r["http"]["ask"]
        for name, q in [("search", s), ("ask", a)]:
            rows.append((f"`/v1/{name}` p95 <= 2x p50 ({key})", _ratio(q["p95"], q["p50"]),
                         q["p95"] <= 2 * q["p50"]))  # fmt: skip
    if "10000" in sizes:
        r = sizes["10000"]
        floor = r["probe"]["floor_ms"]["p50"]
        s, a = r["http"]["search"]["p50"], r["http"]["ask"]["p50"]
        rows.append(("`/v1/search` p50 <= 1.5x floor (10k)", _ratio(s, floor), s <= 1.5 * floor))
        rows.append(("`/v1/ask` p50 <= 2x floor (10k)", _ratio(a, floor), a <= 2 * floor))
    if "100000" in sizes and "1000" in sizes:
        big, small = (
            sizes["100000"]["http"]["search"]["p50"],
            sizes["1000"]["http"]["search"]["p50"],
        )
        rows.append(("`/v1/search` p50 at 100k <= 3x at 1k", _ratio(big, small), big <= 3 * small))
        rss = max(sizes["100000"]["api_peak_rss_mb"].values())
        rows.append(("memory per process <= 4 GB at 100k", f"{rss:.0f} MB", rss <= 4096))
    visible = results.get("visible")
    if visible:
        keys = ("dense_s", "keyword_other_process_s", "api_search_s")
        found = [[row[k] for k in keys] for row in visible["rows"]]
        worst = max(float("inf") if None in f else max(f) for f in found)
        rows.append(
            ("written -> found by dense and keyword <= 1 s", f"{worst} s worst", worst <= 1)
        )
    load = results.get("load")
    if load:
        errors = sum(row["failures"] for row in load)
        rows.append(("0 errors at 50 clients", str(errors), errors == 0))
        one, two = load[0]["rps"], load[1]["rps"]
        rows.append(("2 workers >= 1.6x 1 worker", _ratio(two, one), two >= 1.6 * one))
    return [f"| {name} | {got} | {_ok(ok)} |" for name, got, ok in rows]


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results["sizes"].values()
    chunks = [r["ingest"]["chunks"] for r in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    series = [
        ("floor (embed + one Chroma top-k)", lambda r: r["probe"]["floor_ms"]),
        ("/v1/search", lambda r: r["http"]["search"]),
        ("/v1/ask extractive", lambda r: r["http"]["ask"]),
        ("LlamaIndex retriever", lambda r: r["probe"]["llamaindex"]["latency_ms"]),
    ]
    for label, get in series:
        p50 = [get(r)["p50"] for r in sizes]
        p95 = [get(r)["p95"] for r in sizes]
        (line,) = ax.plot(chunks, p50, marker="o", label=f"{label} p50")
        ax.plot(chunks, p95, linestyle=":", color=line.get_color(), marker=".")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index (log scale)")
    ax.set_ylabel("milliseconds (solid p50, dotted p95)")
    ax.set_title("Latency against corpus size (one run, same machine)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write(results: dict[str, Any], doc: Path) -> None:
    """Rewrite the measured part of ``doc`` and the plot beside it."""
    plot(results, doc.parent / "benchmarks-latency.png")
    body = f"{START}\n{tables(results)}\n{END}"
    text = doc.read_text("utf-8") if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    doc.write_text(head + body + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("doc", type=Path, nargs="?", default=Path("docs/benchmarks.md"))
    args = parser.parse_args()
    write(json.loads(args.results.read_text("utf-8")), args.doc)


if __name__ == "__main__":
    main()
