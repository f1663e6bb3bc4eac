"""Prometheus metrics of one app: requests, stage latencies, index size."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, StateSetMetricFamily
from prometheus_client.registry import Collector

from service.backends.base import ProcessState, ProcessStatus

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class _IndexSize(Collector):
    def __init__(
        self,
        stats: Callable[[], dict[str, int] | None],
        model_process: Callable[[], ProcessStatus | None] = lambda: None,
    ) -> None:
        self._stats = stats

    def collect(self) -> Iterator[GaugeMetricFamily]:
        stats = self._stats()
        if stats is None:
            return
        yield GaugeMetricFamily(
            "newsqa_documents_indexed", "Documents in the index.", value=stats["documents"]
        )
        yield GaugeMetricFamily(
            "newsqa_chunks_indexed", "Chunks in the index.", value=stats["chunks"]
        )


PROCESS_STATES: tuple[ProcessState, ...] = ("starting", "ready", "restarting", "failed", "stopped")


class _ModelProcess(Collector):
    """The llamacpp backend's model process: state, restarts, pid (nothing for other backends)."""

    def __init__(self, status: Callable[[], ProcessStatus | None]) -> None:
        self._status = status

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | StateSetMetricFamily]:
        status = self._status()
        if status is None:
            return
        yield StateSetMetricFamily(
            "newsqa_llm_process_state",
            "State of the local model process.",
            value={state: state == status.state for state in PROCESS_STATES},
        )
        yield CounterMetricFamily(
            "newsqa_llm_process_restarts", "Restarts of the local model process.",
            value=status.restarts,
        )  # fmt: skip
        if status.pid is not None:
            yield GaugeMetricFamily(
                "newsqa_llm_process_pid", "Process id of the local model process.",
                value=status.pid,
            )  # fmt: skip


class Metrics:
    """A registry of its own per app, so several apps (tests, workers) never collide."""

    def __init__(
        self,
        stats: Callable[[], dict[str, int] | None],
        model_process: Callable[[], ProcessStatus | None] = lambda: None,
    ) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "newsqa_requests", "HTTP requests by route and status.",
            ["method", "route", "status"], registry=self.registry,
        )  # fmt: skip
        self.request_seconds = Histogram(
            "newsqa_request_seconds", "HTTP request latency.", ["route"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.retrieve_seconds = Histogram(
            "newsqa_retrieve_seconds", "Retrieval latency.", buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )  # fmt: skip
        self.generate_seconds = Histogram(
            "newsqa_generate_seconds", "Answer generation and verification latency.",
            ["mode"], buckets=LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.registry.register(_IndexSize(stats))
        self.registry.register(_ModelProcess(model_process))

    def observe_answer(self, timings_ms: dict[str, float], mode: str) -> None:
        self.retrieve_seconds.observe(timings_ms.get("retrieve", 0.0) / 1000)
        self.generate_seconds.labels(mode).observe(timings_ms.get("generate", 0.0) / 1000)

    def render(self) -> bytes:
        return generate_latest(self.registry)
