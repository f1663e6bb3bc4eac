"""Write a run's ``results.json``, ``report.md`` and ``report.html`` (with the plots of
``plots.py``), and compare two runs."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals import plots
from evals.metrics import LOWER_IS_BETTER, STAGES, CaseResult, case_from_dict, worst

METRICS: tuple[tuple[str, str], ...] = (
    ("hit_at_1", "retrieval hit@1"),
    ("hit_at_3", "retrieval hit@3"),
    ("hit_at_5", "retrieval hit@5"),
    ("mrr", "retrieval MRR"),
    ("gold_recall", "gold document recall@k"),
    ("fact_recall", "fact recall"),
    ("cited_fact_recall", "facts inside cited quotes"),
    ("refusal_accuracy", "refusal accuracy (unanswerable)"),
    ("false_refusal_rate", "false refusals (answerable)"),
    ("citation_recall", "citation recall (ALCE)"),
    ("citation_precision", "citation precision (ALCE)"),
    ("quote_exactness", "quote exactness"),
    ("sides_cited", "cites both sides (conflict)"),
    ("pass_rate", "cases passed"),
    *((f"{s}_p{q}_ms", f"{s} p{q}") for s in STAGES for q in (50, 95)),
)
CATEGORY_COLUMNS = (
    ("cases", "cases"),
    ("pass_rate", "passed"),
    ("fact_recall", "fact recall"),
    ("refusal_accuracy", "refusal acc."),
    ("hit_at_5", "hit@5"),
    ("citation_recall", "cit. recall"),
    ("total_p50_ms", "total p50"),
)
WORST = 10


def fmt(name: str, value: Any) -> str:
    """A metric value for people: rates as percentages, latencies in ms."""
    if value is None:
        return "n/a"
    if name.endswith("_ms"):
        return f"{value:.0f} ms"
    if name in ("cases", "answerable_cases", "unanswerable_cases"):
        return str(value)
    if name == "mrr":
        return f"{value:.3f}"
    return f"{100 * value:.1f}%"


def load(path: Path) -> dict[str, Any]:
    """A saved run: a ``results.json`` file or the folder holding one."""
    file = path / "results.json" if path.is_dir() else path
    data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return data


def write(results: Mapping[str, Any], out: Path) -> list[Path]:
    """The three files of a run, in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "results.json", out / "report.md", out / "report.html"]
    files[0].write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files[1].write_text(markdown(results), encoding="utf-8")
    files[2].write_text(html_report(results), encoding="utf-8")
    return files


def _systems(results: Mapping[str, Any]) -> list[str]:
    return list(results["systems"])


def _header(results: Mapping[str, Any]) -> list[tuple[str, str]]:
    suites = ", ".join(f"{s['name']} ({s['cases']} cases, {s['articles']} articles)"
                       for s in results["suites"])  # fmt: skip
    rows = [
        ("dataset", f"{results['dataset']}: {suites}"),
        ("mode", str(results["mode"])),
        ("now", str(results["now"])),
        ("started", f"{results['started_at']} ({results['seconds']} s)"),
        ("retrieval k", str(results["retrieval_k"])),
        (
            "support judge",
            f"{results['support_judge']}, supported at >= {results['support_threshold']}",
        ),
        ("settings", ", ".join(f"{k}={v}" for k, v in results["settings"].items())),
    ]
    rows += [(name, data["description"]) for name, data in results["systems"].items()]
    return rows


def _headline(results: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    systems = _systems(results)
    rows = []
    for name, label in METRICS:
        values = [results["systems"][s]["summary"].get(name) for s in systems]
        if all(v is None for v in values):
            continue
        rows.append([label, *(fmt(name, v) for v in values)])
    return ["metric", *systems], rows


def _categories(results: Mapping[str, Any], system: str) -> tuple[list[str], list[list[str]]]:
    rows = []
    for category, summary in results["systems"][system]["categories"].items():
        rows.append([category, *(fmt(k, summary.get(k)) for k, _ in CATEGORY_COLUMNS)])
    return ["category", *(label for _, label in CATEGORY_COLUMNS)], rows


def _cases(results: Mapping[str, Any], system: str) -> list[CaseResult]:
    return [case_from_dict(c) for c in results["systems"][system]["cases"]]


def verdict(case: CaseResult) -> str:
    expected = "answer" if case.expected_answerable else "refusal"
    got = "answered" if case.answerable else "refused"
    missing = [f[0] for f, ok in zip(case.facts, case.facts_present, strict=False) if not ok]
    text = f"expected {expected}, {got}"
    if case.expected_answerable and case.answerable and missing:
        text += "; missing " + ", ".join(repr(m) for m in missing)
    unsupported = case.sentences_supported.count(False)
    if unsupported:
        text += (
            f"; {unsupported} of {len(case.sentences_supported)} sentences not supported by "
            "what they cite"
        )
    if not case.quotes_exact:
        text += "; a quote does not match its offsets"
    return text


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(results: Mapping[str, Any]) -> str:
    """The report as Markdown."""
    parts = [f"# Evaluation: {results['dataset']} ({results['mode']})", ""]
    parts += [f"- **{k}**: {v}" for k, v in _header(results)]
    parts += ["", "## Results", "", _table(*_headline(results))]
    for system in _systems(results):
        parts += ["", f"## {system}: by category", "", _table(*_categories(results, system))]
        parts += ["", f"## {system}: worst cases", ""]
        weakest = worst(_cases(results, system), WORST)
        if not weakest:
            parts.append("None: every case passed with every sentence supported.")
        for case in weakest:
            answer = case.answer.strip().replace("\n", " ")
            parts += [
                f"- **{case.id}** ({case.category}): {case.question}",
                f"  - {verdict(case)}"
                + (f"; refusal reason: {case.refusal_reason}" if case.refusal_reason else ""),
                f"  - retrieved: {', '.join(case.retrieved[:5]) or 'nothing'}",
                f"  - answer: {answer[:600]}{'...' if len(answer) > 600 else ''}",
            ]
    return "\n".join(parts) + "\n"


def _img(alt: str, png: str) -> str:
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{png}'>"


def _html_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    thead = f"<thead><tr>{cells}</tr></thead>" if head else ""
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table>{thead}<tbody>{body}</tbody></table>"


_STYLE = """body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f3f3f3}.case{margin:.6em 0 1.2em}
.answer{white-space:pre-wrap;background:#fafafa;border-left:3px solid #bbb;padding:.4em .7em}
img{max-width:100%}"""


def html_report(results: Mapping[str, Any]) -> str:
    """The report as one self-contained HTML page (plots embedded as base64 PNG)."""
    esc = html.escape
    title = f"Evaluation: {results['dataset']} ({results['mode']})"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{esc(title)}</h1>",
        _html_table([], [[k, v] for k, v in _header(results)]),
        "<h2>Results</h2>",
        _html_table(*_headline(results)),
        _img("cases passed by category", plots.categories(results)),
        _img("latency histogram", plots.latency(results)),
    ]
    for system in _systems(results):
        parts += [
            f"<h2>{esc(system)}: by category</h2>",
            _html_table(*_categories(results, system)),
        ]
        parts.append(f"<h2>{esc(system)}: worst cases</h2>")
        weakest = worst(_cases(results, system), WORST)
        if not weakest:
            parts.append("<p>None: every case passed with every sentence supported.</p>")
        for case in weakest:
            reason = f" Refusal reason: {case.refusal_reason}." if case.refusal_reason else ""
            parts.append(
                f"<div class='case'><b>{esc(case.id)}</b> ({esc(case.category)}): "
                f"{esc(case.question)}<br><i>{esc(verdict(case))}.{esc(reason)}</i><br>"
                f"retrieved: {esc(', '.join(case.retrieved[:5]) or 'nothing')}"
                f"<div class='answer'>{esc(case.answer.strip())}</div></div>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """What changed from run ``a`` to run ``b``: metric deltas and cases that flipped."""
    parts = [
        f"# {a['dataset']} ({a['mode']}, {a['started_at']}) -> "
        f"{b['dataset']} ({b['mode']}, {b['started_at']})"
    ]
    for system in [s for s in a["systems"] if s in b["systems"]]:
        before, after = a["systems"][system], b["systems"][system]
        rows = []
        for name, label in METRICS:
            x, y = before["summary"].get(name), after["summary"].get(name)
            if x is None and y is None:
                continue
            rows.append([label, fmt(name, x), fmt(name, y), _delta(name, x, y)])
        parts += ["", f"## {system}", "", _table(["metric", "A", "B", "change"], rows)]
        old = {c["id"]: c for c in before["cases"]}
        new = {c["id"]: c for c in after["cases"]}
        fixed = [i for i in new if i in old and new[i]["passed"] and not old[i]["passed"]]
        broken = [i for i in new if i in old and old[i]["passed"] and not new[i]["passed"]]
        parts.append("")
        parts.append(f"- now failing ({len(broken)}): {', '.join(broken) or 'none'}")
        parts.append(f"- now passing ({len(fixed)}): {', '.join(fixed) or 'none'}")
        only_a, only_b = sorted(set(old) - set(new)), sorted(set(new) - set(old))
        if only_a or only_b:
            parts.append(f"- only in A: {', '.join(only_a) or 'none'}; only in B: "
                         f"{', '.join(only_b) or 'none'}")  # fmt: skip
        for case_id in broken:
            answer = new[case_id]["answer"].strip().replace("\n", " ")
            parts.append(f"  - {case_id}: {answer[:300]}")
    return "\n".join(parts) + "\n"


def _delta(name: str, x: float | None, y: float | None) -> str:
    if x is None or y is None:
        return ""
    change = y - x
    if abs(change) < 1e-9:
        return "="
    better = change < 0 if name in LOWER_IS_BETTER else change > 0
    shown = f"{change:+.0f} ms" if name.endswith("_ms") else (
        f"{change:+.3f}" if name == "mrr" else f"{100 * change:+.1f} pts"
    )  # fmt: skip
    return f"{shown} ({'better' if better else 'worse'})"
