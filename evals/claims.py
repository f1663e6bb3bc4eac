"""The labelled claim/quote pairs (``datasets/claims.yaml``), scored through the real
``POST /v1/verify`` route: does newsqa call each claim supported exactly when it is?

Each pair's quote is located in an indexed article (a demo article, or an RGB snippet read
from ../shared/benchmarks), and the claim is sent as ``"<claim> [1]"`` citing that span.
The evaluations' own judge (``evals/judge.py``) is scored on the same pairs beside it.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evals.judge import Judge, judge_embed
from evals.schema import DATASETS, DatasetError
from evals.suites import load_corpus
from ingest.embedding import Embedder, make_embedder
from ingest.model import Article, Metadata
from ingest.pipeline import Ingestor
from service.api.app import create_app
from service.settings import Settings
from service.wiring import build

CLAIMS = DATASETS / "claims.yaml"
CHANGED = ("name", "place", "number", "date", "outlet", "negation")


class RgbRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row: int = Field(ge=0)
    kind: Literal["positive", "negative", "positive_wrong"]
    index: int = Field(ge=0)


class Pair(BaseModel):
    """One claim, the quote it cites, and whether the quote supports it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    split: Literal["dev", "test"]
    kind: Literal["paraphrase", "verbatim", *CHANGED]  # type: ignore[valid-type]
    supported: bool
    claim: str = Field(min_length=1)
    doc_id: str | None = None
    quote: str | None = None
    rgb: RgbRef | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Pair:
        if (self.doc_id is None) == (self.rgb is None):
            raise ValueError("a pair cites either doc_id + quote or rgb")
        if self.doc_id is not None and not self.quote:
            raise ValueError("a doc_id pair needs its quote")
        return self


class ClaimSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    corpus: str
    pairs: list[Pair] = Field(min_length=1)


def load_claims(path: Path = CLAIMS) -> ClaimSet:
    try:
        return ClaimSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise DatasetError(str(path), None, f"not a claim set: {e}") from None


@dataclass
class Scored:
    pair: Pair
    newsqa: bool  # newsqa's verdict: supported?
    judge: bool  # the evals judge's verdict
    reason: str | None

    @property
    def right(self) -> bool:
        return self.newsqa == self.pair.supported


def _rgb_articles(pairs: list[Pair], rgb_path: Path) -> tuple[list[Article], dict[str, str]]:
    """The RGB snippets the pairs cite, as documents, and each pair's document id."""
    if not any(p.rgb for p in pairs):
        return [], {}
    rows = {}
    for line in rgb_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows[int(raw["id"])] = raw
    articles: dict[str, Article] = {}
    ids: dict[str, str] = {}
    for p in pairs:
        if p.rgb is None:
            continue
        doc_id = f"rgb-{p.rgb.row}-{p.rgb.kind}-{p.rgb.index}"
        text = rows[p.rgb.row][p.rgb.kind][p.rgb.index]
        articles[doc_id] = Article(doc_id, text, Metadata(source="RGB"))
        ids[p.id] = doc_id
    return list(articles.values()), ids


def run_claims(
    settings: Settings,
    rgb_path: Path,
    split: str | None = None,
    embedder: Embedder | None = None,
    path: Path = CLAIMS,
) -> dict[str, Any]:
    """Score every pair (of one split, or all) and return the results."""
    claims = load_claims(path)
    pairs = [p for p in claims.pairs if split in (None, p.split)]
    embedder = embedder or make_embedder(settings)
    corpus = load_corpus((path.parent / claims.corpus).resolve(), settings.max_file_bytes)
    rgb_articles, rgb_ids = _rgb_articles(pairs, rgb_path)
    with tempfile.TemporaryDirectory(prefix="newsqa-claims-") as tmp:
        local = settings.model_copy(
            update={"data_dir": Path(tmp) / "index", "chroma_host": None, "collection": "claims",
                    "llm": "extractive", "api_keys": ""}
        )  # fmt: skip
        with build(local, embedder) as parts:
            ingestor = Ingestor(parts.index)
            for article in [*corpus, *rgb_articles]:
                ingestor.put(article)
            # Searched as the service is once its writes have settled (the keyword index
            # follows the store in the background).
            parts.keyword.refresh(force=True)
            texts = {a.doc_id: a.text for a in [*corpus, *rgb_articles]}
            app = create_app(local, parts)
            judge = Judge(judge_embed(embedder))
            scored = asyncio.run(_verify_all(app, pairs, texts, rgb_ids, judge))
    return _results(scored, split)


async def _verify_all(
    app: Any, pairs: list[Pair], texts: dict[str, str], rgb_ids: dict[str, str], judge: Judge
) -> list[Scored]:
    out = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://newsqa") as client:
        for pair in pairs:
            doc_id = rgb_ids.get(pair.id) or pair.doc_id or ""
            text = texts[doc_id]
            quote = pair.quote if pair.quote is not None else text
            start = text.find(quote)
            if start < 0:
                raise DatasetError(str(CLAIMS), None, f"pair {pair.id}: quote not in {doc_id}")
            body = {
                "answer": f"{pair.claim} [1]",
                "sources": [{"doc_id": doc_id, "start": start, "end": start + len(quote)}],
            }
            reply = await client.post("/v1/verify", json=body)
            if reply.status_code != 200:
                raise RuntimeError(f"pair {pair.id}: /v1/verify answered {reply.status_code}: "
                                   f"{reply.text}")  # fmt: skip
            data = reply.json()
            reason = next((s["reason"] for s in data["sentences"] if s.get("reason")), None)
            out.append(Scored(pair, bool(data["supported"]), judge.supports(pair.claim, quote),
                              reason))  # fmt: skip
    return out


def _results(scored: list[Scored], split: str | None) -> dict[str, Any]:
    changed = [s for s in scored if s.pair.kind in CHANGED]
    true = [s for s in scored if s.pair.supported]
    by_kind: dict[str, Counter[str]] = {}
    for s in scored:
        counts = by_kind.setdefault(s.pair.kind, Counter())
        counts["pairs"] += 1
        counts["right"] += int(s.right)
    return {
        "split": split or "all",
        "pairs": len(scored),
        "accuracy": _share(s.right for s in scored),
        "changed_facts_passed": _share(s.newsqa for s in changed),
        "true_pairs_flagged": _share(not s.newsqa for s in true),
        "judge_accuracy": _share(s.judge == s.pair.supported for s in scored),
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "wrong": [
            {
                "id": s.pair.id,
                "kind": s.pair.kind,
                "supported": s.pair.supported,
                "claim": s.pair.claim,
                "reason": s.reason,
            }
            for s in scored
            if not s.right
        ],  # fmt: skip
    }


def _share(values: Any) -> float | None:
    items = [bool(v) for v in values]
    return round(sum(items) / len(items), 4) if items else None


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"# Claim/quote pairs ({results['split']}, {results['pairs']} pairs, via /v1/verify)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| verdicts right | {results['accuracy']:.1%} |",
        f"| changed facts that pass (lower is better) | {results['changed_facts_passed']:.1%} |",
        f"| true pairs flagged (lower is better) | {results['true_pairs_flagged']:.1%} |",
        f"| evals judge, verdicts right (for reference) | {results['judge_accuracy']:.1%} |",
        "",
        "| kind | pairs | right |",
        "|---|---|---|",
        *(f"| {k} | {v['pairs']} | {v['right']} |" for k, v in results["by_kind"].items()),
    ]
    if results["wrong"]:
        lines += ["", "Wrong verdicts:", ""]
        for w in results["wrong"]:
            label = "supported" if w["supported"] else "unsupported"
            verdict = w["reason"] or "newsqa: supported"
            lines.append(f"- `{w['id']}` ({w['kind']}, labelled {label}): {w['claim']} — {verdict}")
    return "\n".join(lines) + "\n"
