"""``python -m ingest [PATH ...] [--prune] [--json]``: bring the index in line with files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from ingest.errors import IngestError
from ingest.settings import IndexSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Index news articles (.txt .md .html .json .jsonl) into Chroma. "
        "Re-running is cheap: unchanged documents are skipped by content hash.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or folders (recursive); default: NEWSQA_CORPUS_DIR",
    )
    parser.add_argument(
        "--prune", action="store_true", help="remove documents whose files are gone"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary, no progress")
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another writer of the embedded index to finish (default: "
        "fail at once)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        settings = IndexSettings()
    except ValidationError as e:
        print(f"error: invalid settings: {e}", file=sys.stderr)
        return 2
    paths: list[Path] = args.paths or [settings.corpus_dir]

    def progress(files: Iterable[Path]) -> Iterable[Path]:
        if args.json:
            return files
        from tqdm import tqdm

        return tqdm(list(files), desc="ingest", unit="file", file=sys.stderr, leave=False)

    from ingest.lock import WriterLock

    lock = (
        None if settings.uses_chroma_server else WriterLock(settings.data_dir, "python -m ingest")
    )
    try:
        if lock is not None:
            lock.acquire(args.wait)
        from ingest.embedding import make_embedder
        from ingest.index import Index
        from ingest.pipeline import Ingestor

        index = Index(settings, make_embedder(settings))
        report = Ingestor(index).sync_paths(paths, prune=args.prune, progress=progress)
    except IngestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: run the same command again to finish", file=sys.stderr)
        return 130
    finally:
        if lock is not None:
            lock.release()
    for failure in report.failed:
        print(f"failed: {failure.where}: {failure.reason}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print(report.line())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
