"""The report's plots, drawn with matplotlib (the eval extra) and returned as base64 PNG for
``report.html`` to embed."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import Any


def categories(results: Mapping[str, Any]) -> str:
    """Cases passed by category, a bar per system, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(results["systems"])
    names = list(results["systems"][systems[0]]["categories"])
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(names) + 2), 3.6))
    width = 0.8 / len(systems)
    for i, system in enumerate(systems):
        values = [
            100 * (results["systems"][system]["categories"].get(c, {}).get("pass_rate") or 0)
            for c in names
        ]
        positions = [j + i * width for j in range(len(names))]
        ax.bar(positions, values, width, label=system)
    ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(names))])
    ax.set_xticklabels(names, rotation=20, ha="right")
    ax.set_ylabel("cases passed (%)")
    ax.set_ylim(0, 100)
    ax.legend()
    ax.set_title("Cases passed by category")
    return _png(fig)


def latency(results: Mapping[str, Any]) -> str:
    """A histogram of each system's total latency per question, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    values = {
        system: [c["timings_ms"].get("total", 0.0) for c in results["systems"][system]["cases"]]
        for system in list(results["systems"])
    }
    everything = [v for vs in values.values() for v in vs] or [0.0]
    bins = [float(b) for b in np.histogram_bin_edges(everything, bins=25)]
    for system, times in values.items():
        ax.hist(times, bins=bins, alpha=0.6, label=system)
    ax.set_xlabel("total latency per question (ms)")
    ax.set_ylabel("questions")
    ax.legend()
    ax.set_title("Latency")
    return _png(fig)


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
