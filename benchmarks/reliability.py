"""Figures for docs/reliability.md: a real ``python -m service serve`` on the demo corpus.

1. threads, RSS and open fds of the server before and after ``--clients`` concurrent
   extractive asks for ``--seconds`` seconds (requests, errors, p50, p99);
2. 50 half-sent request heads: how many the server closed (with a 408) and when;
3. SIGTERM: how long the server takes to stop.

    .venv/bin/python benchmarks/reliability.py [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "What are Russia's stated preconditions for peace talks?",
    "What did Ned Price say about Lavrov's offer?",
    "What did Lavrov say about a truce?",
    "Who won the 2018 FIFA World Cup?",
    "What did Kirby say?",
]


def usage(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "threads": int(fields["Threads"]),
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
    }


async def load(url: str, clients: int, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def client(i: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        n = i
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                reply = await http.post(
                    "/v1/ask", json={"question": QUESTIONS[n % 5], "mode": "extractive"}
                )
                if reply.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - started)
            n += 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return latencies, errors


def half_sent(port: int, n: int = 50, bound: float = 60.0) -> tuple[int, float]:
    """Open ``n`` connections that send half a request head; (closed by the server, seconds
    until the last was closed)."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: x\r\n")
        s.settimeout(bound)
        socks.append(s)
    started, closed, last = time.monotonic(), 0, 0.0
    for s in socks:
        try:
            while s.recv(4096):
                pass
            closed += 1
            last = time.monotonic() - started
        except TimeoutError:
            pass
        s.close()
    return closed, last


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NEWSQA_DATA_DIR": f"{tmp}/index", "NEWSQA_LLM": "extractive",
               "HF_HUB_OFFLINE": "1"}  # fmt: skip
        subprocess.run([sys.executable, "-m", "ingest", "data/corpus"], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        port = 8700 + os.getpid() % 200
        server = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            httpx.post(f"{url}/v1/ask", json={"question": QUESTIONS[0]}, timeout=60)  # warm
            before = usage(server.pid)
            latencies, errors = asyncio.run(load(url, args.clients, args.seconds))
            after = usage(server.pid)
            time.sleep(5)
            settled = usage(server.pid)
            latencies.sort()
            p99 = latencies[int(0.99 * (len(latencies) - 1))]
            print(f"load: {args.clients} clients x {args.seconds:.0f} s: {len(latencies)} "
                  f"asks, {errors} errors, p50 {statistics.median(latencies):.2f} s, "
                  f"p99 {p99:.2f} s")  # fmt: skip
            for name, value in (("before", before), ("after", after), ("5 s later", settled)):
                print(f"{name}: threads {value['threads']}, RSS {value['rss_mb']:.0f} MB, "
                      f"fds {value['fds']}")  # fmt: skip
            closed, last = half_sent(port)
            print(f"half-sent heads: {closed} of 50 closed by the server, the last after "
                  f"{last:.1f} s")  # fmt: skip
            print(f"after half-sent: fds {usage(server.pid)['fds']}")
        finally:
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=120)
            print(f"SIGTERM: stopped in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
