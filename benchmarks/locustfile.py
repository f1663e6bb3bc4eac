"""Closed-loop clients for the load run: each asks /v1/ask (extractive) again as soon as it
has its answer. The questions come from the file named by NEWSQA_BENCH_QUESTIONS.

    locust -f benchmarks/locustfile.py --headless -u 50 -r 50 -t 60s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, task

QUESTIONS = [
    p["question"] for p in json.loads(Path(os.environ["NEWSQA_BENCH_QUESTIONS"]).read_text())
]


class Asker(HttpUser):
    wait_time = constant(0)

    @task
    def ask(self) -> None:
        question = random.choice(QUESTIONS)
        self.client.post(
            "/v1/ask",
            json={"question": question, "mode": "extractive"},
            name="/v1/ask",
            timeout=120,
        )
