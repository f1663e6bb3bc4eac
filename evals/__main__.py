"""``python -m evals run DATASET``, ``python -m evals claims``, ``python -m evals compare A B``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

EVALS = Path(__file__).resolve().parent
THRESHOLDS = EVALS / "thresholds.yaml"
# As the Makefile sets them: the packaged model, never the hub; no telemetry.
OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    from evals.rgb import DEFAULT_PATH

    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a question set and write its report")
    run.add_argument(
        "dataset",
        help="a YAML file, 'demo', 'rgb' (all three ways) or rgb:accuracy|rejection|conflict",
    )
    run.add_argument("--mode", choices=["extractive", "llm", "auto"], default="extractive")
    run.add_argument("--out", type=Path, help="output folder (default evals/runs/<timestamp>/)")
    run.add_argument("--baseline", action="store_true", help="also run plain LlamaIndex defaults")
    run.add_argument("--limit", type=_positive, help="only the first N cases (RGB: rows)")
    run.add_argument("--now", type=_day, default=date.today(), help="today's date, YYYY-MM-DD")
    run.add_argument(
        "--thresholds",
        nargs="?",
        type=Path,
        const=THRESHOLDS,
        help=f"fail (exit 1) below the dataset's thresholds (default file {THRESHOLDS.name})",
    )
    run.add_argument("--rgb-path", type=Path, default=DEFAULT_PATH, help="RGB en_fact JSONL")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    claims = commands.add_parser(
        "claims", help="score the labelled claim/quote pairs through POST /v1/verify"
    )
    claims.add_argument("--split", choices=["dev", "test"], help="one split (default: both)")
    claims.add_argument("--out", type=Path, help="output folder (default evals/runs/<timestamp>/)")
    claims.add_argument("--rgb-path", type=Path, default=DEFAULT_PATH, help="RGB en_fact JSONL")
    claims.add_argument(
        "--thresholds",
        nargs="?",
        type=Path,
        const=THRESHOLDS,
        help="fail (exit 1) below the `claims` thresholds of the file",
    )
    compare = commands.add_parser("compare", help="what changed between two runs")
    compare.add_argument("a", type=Path, help="a run folder or its results.json")
    compare.add_argument("b", type=Path, help="a later run folder or its results.json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "compare":
        return _compare(args.a, args.b)
    if args.command == "claims":
        return _claims(args)
    return _run(args)


def _claims(args: argparse.Namespace) -> int:
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)
    import json

    from evals.claims import markdown, run_claims
    from evals.metrics import check_thresholds
    from evals.schema import DatasetError, load_thresholds
    from service.settings import Settings

    try:
        gate = load_thresholds(args.thresholds, "claims") if args.thresholds else None
        results = run_claims(Settings(), args.rgb_path, args.split)
    except (DatasetError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = args.out or EVALS / "runs" / datetime.now().strftime("claims-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    print(f"wrote {out / 'results.json'}\nwrote {out / 'report.md'}")
    if gate is not None:
        problems = check_thresholds(results, gate.min, gate.max)
        for problem in problems:
            print(f"BELOW THRESHOLD: {problem}", file=sys.stderr)
        if problems:
            return 1
    return 0


def _compare(a: Path, b: Path) -> int:
    from evals import report

    try:
        print(report.compare(report.load(a), report.load(b)), end="")
    except (OSError, ValueError, KeyError) as e:
        print(f"error: cannot compare {a} and {b}: {e}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace) -> int:
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)
    from pydantic import ValidationError

    from evals import report
    from evals.metrics import check_thresholds
    from evals.runner import RunOptions, run
    from evals.schema import DatasetError, thresholds_of
    from evals.suites import resolve
    from ingest.errors import IngestError
    from service.errors import ServiceError
    from service.settings import Settings

    try:
        settings = Settings()
        if args.mode == "extractive":  # no LLM is loaded or called
            settings = settings.model_copy(update={"llm": "extractive"})
        label, suites = resolve(args.dataset, args.limit, settings.max_file_bytes, args.rgb_path)
        gates = thresholds_of(args.thresholds, [s.name for s in suites]) if args.thresholds else {}
        for name, gate in gates.items():
            if gate.mode != args.mode:
                raise DatasetError(
                    str(args.thresholds), None, f"thresholds of {name!r} are for --mode {gate.mode}"
                )
        options = RunOptions(
            mode=args.mode, now=args.now, baseline=args.baseline, progress=not args.no_progress
        )
        results = run(label, suites, settings, options)
    except ValidationError as e:
        print(f"error: invalid settings: {e}", file=sys.stderr)
        return 2
    except (DatasetError, IngestError, ServiceError, ImportError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = args.out or EVALS / "runs" / datetime.now().strftime("%Y%m%d-%H%M%S")
    files = report.write(results, out)
    print(report.markdown(results).split("\n## ", 2)[1].split("\n", 1)[1].strip())
    print("\n" + "\n".join(f"wrote {f}" for f in files))
    summaries = results["systems"]["newsqa"]["suites"]
    problems = [
        f"{name}: {problem}"
        for name, gate in gates.items()
        for problem in check_thresholds(summaries[name], gate.min, gate.max)
    ]
    for problem in problems:
        print(f"BELOW THRESHOLD: {problem}", file=sys.stderr)
    if problems:
        return 1
    if gates:
        print(f"thresholds of {', '.join(gates)} ({args.thresholds}) met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
