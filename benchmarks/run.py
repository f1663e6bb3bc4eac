"""The bench suite: generated corpora of about 1k and 10k chunks (100k with ``--large``) in a
real ``chroma run`` server, measured in one run so that the figures compare as ratios.

    .venv/bin/python -m benchmarks.run [--large] [--out benchmarks/results/latest.json]

For each size: ingest (``python -m ingest --json``) and an unchanged re-run; in process, the
floor, the raw encoder and plain LlamaIndex (``benchmarks.probe``); over real HTTP,
``/v1/search`` and ``/v1/ask`` (extractive) percentiles and hit@5. At 10k chunks: how soon
a document written through the API and through the CLI is found by dense and by keyword
search (``benchmarks.visibility``), and the load run (locust, 50 clients, 60 s) with 1 and
2 workers. Writes the results as JSON, then ``docs/benchmarks.md`` and its plot
(``benchmarks.report``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks import report
from benchmarks.corpus import ARTICLES, generate
from benchmarks.servers import (
    ROOT,
    Server,
    api_server,
    chroma_server,
    environment,
    run_accounted,
    run_measured,
)
from benchmarks.stats import summary
from benchmarks.visibility import visibility

GENERIC = [
    "What did the Finance Minister say about inflation?",
    "Why did the peace talks stall?",
    "What happened to fuel prices in Moscow?",
    "Who criticised the vaccination campaign?",
    "When will the trade agreement be discussed again?",
    "How much did the government set aside for the flood defences?",
    "What did the opposition leader tell reporters about the sanctions?",
    "Did the wildfire season break records?",
]
CACHE = Path.home() / ".cache" / "newsqa-bench"


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def questions_of(corpus: Path) -> list[dict[str, str]]:
    return list(json.loads((corpus / "probes.json").read_text("utf-8")))


def http_latency(api: Server, questions: list[str], rounds: int) -> dict[str, Any]:
    """Sequential requests: /v1/search and /v1/ask (extractive), each question ``rounds``."""
    out: dict[str, Any] = {}
    with httpx.Client(base_url=api.url, timeout=120) as client:
        for q in questions[:5]:  # warm up both paths
            client.post("/v1/search", json={"query": q}).raise_for_status()
            client.post("/v1/ask", json={"question": q, "mode": "extractive"}).raise_for_status()
        for name, path, body in [
            ("search", "/v1/search", lambda q: {"query": q}),
            ("ask", "/v1/ask", lambda q: {"question": q, "mode": "extractive"}),
        ]:
            times: list[list[float]] = []
            for _ in range(rounds):
                times.append([])
                for q in questions:
                    started = time.perf_counter()
                    client.post(path, json=body(q)).raise_for_status()
                    times[-1].append((time.perf_counter() - started) * 1000)
            out[name] = summary([t for round_ in times for t in round_])
            # A question's first answer embeds its passages' sentences; a repeat finds them
            # cached (the verifier's cache): the two are reported apart too.
            out[f"{name}_first"] = summary(times[0])
            out[f"{name}_repeat"] = summary([t for round_ in times[1:] for t in round_])
    return out


def hit_at(api: Server, probes: list[dict[str, str]], k: int) -> float:
    hits = 0
    with httpx.Client(base_url=api.url, timeout=120) as client:
        for p in probes:
            reply = client.post("/v1/search", json={"query": p["question"], "top_k": k}).json()
            hits += p["doc_id"] in {r["doc_id"] for r in reply["results"]}
    return hits / max(1, len(probes))


def ingest(corpus: Path, env: dict[str, str], size: int, synthetic: bool) -> dict[str, Any]:
    """A full ingest, then an unchanged re-run, as the CLI does them (cached at 100k; with
    ``synthetic``, random vectors instead of the model's)."""
    if synthetic:
        cache = CACHE / f"synthetic-{size}.npz"  # never written
        command = [sys.executable, "-m", "benchmarks.cached_ingest", str(corpus), "--cache",
                   str(cache), "--synthetic"]  # fmt: skip
    elif size >= 100_000:
        cache = CACHE / f"embeddings-{size}.npz"
        command = [sys.executable, "-m", "benchmarks.cached_ingest", str(corpus), "--cache",
                   str(cache)]  # fmt: skip
    else:
        command = [sys.executable, "-m", "ingest", str(corpus), "--json"]
    out, wall, rss = run_measured(command, env)
    first = json.loads(out.strip().splitlines()[-1])
    out, again_wall, again_rss = run_measured(command, env)
    again = json.loads(out.strip().splitlines()[-1])
    return {
        "documents": first["documents"],
        "chunks": first["chunks"],
        "seconds": first["seconds"],
        "wall_seconds": round(wall, 2),
        "chunks_per_s": round(first["chunks"] / first["seconds"], 2),
        "cached_embeddings": first.get("cached", 0),
        "synthetic_embeddings": synthetic,
        "unchanged_seconds": again["seconds"],
        "unchanged_wall_seconds": round(again_wall, 2),
        "peak_rss_mb": rss,
        "unchanged_peak_rss_mb": again_rss,
    }


def measure_size(work: Path, chroma: Server, size: int, rounds: int, synthetic: bool
                 ) -> dict[str, Any]:  # fmt: skip
    corpus = work / f"corpus-{size}"
    generate(corpus, size)
    env = environment(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma.port),
                      NEWSQA_COLLECTION=f"bench-{size}", NEWSQA_LLM="extractive")  # fmt: skip
    print(f"[{size}] ingest", flush=True)
    result: dict[str, Any] = {"ingest": ingest(corpus / ARTICLES, env, size, synthetic)}
    chunks = result["ingest"]["chunks"]
    print(f"[{size}] probe ({chunks} chunks)", flush=True)
    sample = min(1000, chunks)
    out, _, rss = run_measured(
        [sys.executable, "-m", "benchmarks.probe", "--questions", str(corpus / "probes.json"),
         "--sample", str(sample), "--rounds", str(rounds)], env,
    )  # fmt: skip
    result["probe"] = json.loads(out.strip().splitlines()[-1]) | {"peak_rss_mb": rss}
    probes = questions_of(corpus)
    print(f"[{size}] HTTP latency", flush=True)
    with api_server(env, 1, work / f"api-{size}.log") as api:
        result["http"] = http_latency(api, [p["question"] for p in probes] + GENERIC, rounds)
        result["http"]["hit_at_5"] = hit_at(api, probes, 5)
        result["api_peak_rss_mb"] = api.peak_rss_mb()
    result["env"] = {"collection": env["NEWSQA_COLLECTION"]}
    return result


def load(work: Path, chroma: Server, size: int, clients: int, seconds: int) -> list[dict[str, Any]]:
    """locust headless: ``clients`` closed-loop askers for ``seconds``, 1 and 2 workers."""
    env = environment(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma.port),
                      NEWSQA_COLLECTION=f"bench-{size}", NEWSQA_LLM="extractive")  # fmt: skip
    questions = work / f"corpus-{size}" / "probes.json"
    out = []
    for workers in (1, 2):
        print(f"[load] {workers} worker(s), {clients} clients, {seconds} s", flush=True)
        with api_server(env, workers, work / f"api-load-{workers}.log") as api:
            httpx.post(f"{api.url}/v1/ask", json={"question": "warm up", "mode": "extractive"},
                       timeout=120)  # fmt: skip
            prefix = work / f"locust-{workers}"
            before = api.cpu_seconds() | {"chroma": chroma.cpu_seconds()["main"]}
            _, _, _, locust_cpu = run_accounted(
                [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
                 "--headless", "-u", str(clients), "-r", str(clients), "-t", f"{seconds}s",
                 "--host", api.url, "--csv", str(prefix), "--only-summary",
                 "--stop-timeout", "60"],
                env | {"NEWSQA_BENCH_QUESTIONS": str(questions)},
            )  # fmt: skip
            after = api.cpu_seconds() | {"chroma": chroma.cpu_seconds()["main"]}
            cpu = {k: round(after[k] - before.get(k, 0.0), 1) for k in after} | {
                "locust": locust_cpu
            }
            with open(f"{prefix}_stats.csv", newline="") as f:
                row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
            out.append({
                "workers": workers,
                "clients": clients,
                "seconds": seconds,
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "peak_rss_mb": api.peak_rss_mb(),
                "cpu_seconds": cpu,
            })  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="add the 100k-chunk corpus")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--visible-tries", type=int, default=3)
    parser.add_argument("--visible-deadline", type=float, default=10,
                        help="seconds until a write not found counts as not visible")  # fmt: skip
    parser.add_argument("--synthetic-from", type=int, default=0,
                        help="sizes from this one get random vectors instead of the model's "
                        "(for a machine too busy to embed them; dense hits are then "
                        "meaningless, timings and memory are not)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="the report to write ('-' for none)")  # fmt: skip
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([100_000] if args.large else [])
    started = time.perf_counter()
    command = " ".join(["python -m benchmarks.run", *sys.argv[1:]])
    results: dict[str, Any] = {"machine": machine(), "command": command, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as tmp:
        work = Path(tmp)
        with chroma_server(work) as chroma:
            for size in sizes:
                synthetic = bool(args.synthetic_from) and size >= args.synthetic_from
                results["sizes"][str(size)] = measure_size(
                    work, chroma, size, args.rounds, synthetic
                )
            middle = 10_000 if 10_000 in sizes else sizes[-1]
            print(f"[{middle}] visibility", flush=True)
            results["visible"] = visibility(
                work, chroma, middle, args.visible_tries, args.visible_deadline
            )
            if args.load_seconds > 0:
                results["load"] = load(work, chroma, middle, args.clients, args.load_seconds)
            results["chroma_peak_rss_mb"] = chroma.peak_rss_mb()
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"results: {args.out} ({results['total_seconds']:.0f} s)")
    if str(args.docs) != "-":
        report.write(results, args.docs)
        print(f"report: {args.docs}")


if __name__ == "__main__":
    main()
