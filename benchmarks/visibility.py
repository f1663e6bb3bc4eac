"""How soon a document is found once its write returns: written through the API and through
the CLI, then polled for by the dense and the keyword search of another process (this one,
as a second worker would: both in memory, following the store) and through ``/v1/search``.
One part of the bench suite (``benchmarks.run``).
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from benchmarks.servers import Server, api_server, environment, run_measured

PARAPHRASE = "volunteers rowing books across a bay to a floating library"


def _poll_found(check: Any, started: float, deadline: float = 10) -> float | None:
    """Seconds from ``started`` (a perf_counter) until ``check()`` holds; None past deadline."""
    while time.perf_counter() - started < deadline:
        if check():
            return round(time.perf_counter() - started, 3)
        time.sleep(0.01)
    return None


def visibility(
    work: Path, chroma: Server, size: int, tries: int, deadline: float = 10
) -> dict[str, Any]:
    """Seconds from a write returning (API upload, CLI ingest) to the document being found by
    dense and by keyword search in another process (this one, a ``KeywordIndex`` following
    the store), and through the API's /v1/search."""
    from ingest.embedding import make_embedder
    from ingest.index import Index
    from service.retrieval.keyword import KeywordIndex
    from service.settings import Settings

    env = environment(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma.port),
                      NEWSQA_COLLECTION=f"bench-{size}", NEWSQA_LLM="extractive")  # fmt: skip
    settings = Settings(_env_file=None, chroma_host="127.0.0.1", chroma_port=chroma.port,
                        collection=f"bench-{size}")  # fmt: skip
    index = Index(settings, make_embedder(settings))
    keyword = KeywordIndex(index, settings.keyword_refresh_seconds)
    keyword.search("warm", 1)
    paraphrase = index.embed_query(PARAPHRASE)
    rows: list[dict[str, Any]] = []
    with (
        api_server(env, 1, work / "api-visible.log") as api,
        httpx.Client(base_url=api.url, timeout=60) as client,
    ):
        for i in range(tries):
            for via in ("api", "cli"):
                word = f"Quorvex{via}{i}{uuid.uuid4().hex[:6]}"
                doc_id = f"visible-{via}-{i}"
                text = (
                    f"The harbour town of {word} opened a floating library on Sunday. Volunteers "
                    "rowed boxes of books across the bay while children waited on the pier.\n"
                )
                if via == "api":
                    body = {"doc_id": doc_id, "text": text, "source": "Bench"}
                    client.post("/v1/documents", json=body).raise_for_status()
                else:
                    path = work / f"{doc_id}.txt"
                    path.write_text(text, encoding="utf-8")
                    run_measured([sys.executable, "-m", "ingest", str(path), "--json"], env)
                written = time.perf_counter()

                def dense_found(d: str = doc_id) -> bool:
                    # What a worker's dense search does (NEWSQA_DENSE_SEARCH=memory): the
                    # exact search over the embeddings its keyword index follows.
                    return any(h.chunk.doc_id == d for h in keyword.nearest_hits(paraphrase, 5))

                def keyword_found(w: str = word, d: str = doc_id) -> bool:
                    return any(c.doc_id == d for c, _ in keyword.search(w, 3))

                def through_api(w: str = word, d: str = doc_id) -> bool:
                    got = client.post("/v1/search", json={"query": w, "top_k": 3}).json()
                    return any(r["doc_id"] == d for r in got["results"])

                dense = _poll_found(dense_found, written, deadline)
                other = _poll_found(keyword_found, written, deadline)
                api_found = _poll_found(through_api, written, deadline)
                rows.append({"via": via, "dense_s": dense, "keyword_other_process_s": other,
                             "api_search_s": api_found,
                             "keyword_sync_s": round(keyword.last_sync_seconds, 3)})  # fmt: skip
    keyword.close()
    return {"size": size, "rows": rows, "refresh_seconds": settings.keyword_refresh_seconds}
