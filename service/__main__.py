"""``python -m service ask "question" [--json] [--mode ...]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer one question from the index")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the full response object")
    ask.add_argument("--mode", choices=["auto", "llm", "extractive"], default="auto")
    ask.add_argument("--top-k", type=int, default=None)
    ask.add_argument("--strict", action="store_true", help="drop unsupported sentences")
    serve = commands.add_parser("serve", help="serve the HTTP API and the page")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes (more than 1 needs CHROMA_HOST)"
    )
    commands.add_parser("settings", help="print every setting as a Markdown table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from service.settings import Settings

    if args.command == "settings":
        from ingest.settings import markdown_table

        print(markdown_table(Settings))
        return 0
    try:
        settings = Settings()
    except ValidationError as e:
        print(f"error: invalid settings: {e}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(settings, args.host, args.port, args.workers)
    from ingest.errors import IngestError
    from service.answers import answer_payload
    from service.engine import AskRequest
    from service.errors import ServiceError
    from service.wiring import build

    try:
        with build(settings) as parts:
            request = AskRequest(
                args.question, mode=args.mode, top_k=args.top_k, strict=args.strict
            )
            answer = parts.engine.ask(request)
    except (IngestError, ServiceError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer_payload(answer), ensure_ascii=False, indent=2))
        return 0
    print(answer.answer)
    if answer.citations:
        print()
    for c in answer.citations:
        where = ", ".join(x for x in (c.source, c.published or "date not stated") if x)
        flag = "" if c.supported else "  (does not support the sentence)"
        print(f"[{c.marker}] {c.doc_id} ({where}) {c.start}-{c.end}: {c.quote}{flag}")
    if answer.degraded:
        print(f"\n(degraded: {answer.reason})")
    return 0


def _serve(settings: object, host: str, port: int, workers: int) -> int:
    import uvicorn

    if workers > 1 and not getattr(settings, "chroma_host", None):
        print(
            "error: --workers above 1 needs a Chroma server (set CHROMA_HOST and CHROMA_PORT): "
            "processes must not share an embedded store",
            file=sys.stderr,
        )
        return 2
    print(f"newsqa: serving on http://{host}:{port}/ (API docs at /docs)", file=sys.stderr)
    from service.api.protocol import GuardedHttpTools

    uvicorn.run(
        "service.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        http=GuardedHttpTools,
        timeout_graceful_shutdown=int(getattr(settings, "shutdown_seconds", 5)) or 1,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
