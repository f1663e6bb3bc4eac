"""Serving, retrieval, LLM and limits settings: the whole run-time configuration.

``Settings`` extends the write side's ``IndexSettings`` so one object carries everything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ingest.settings import IndexSettings

SHIPPED_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
LLMChoice = Literal["auto", "openai", "llamacpp", "extractive"]


class Settings(IndexSettings):
    """Every setting of newsqa. Read once at start-up and passed in."""

    llm: LLMChoice = Field(
        "auto",
        description="Answer backend: `auto` (openai when a key or base URL is set, else "
        "llamacpp when NEWSQA_LLM_MODEL_PATH is set and installed, else extractive), `openai`, "
        "`llamacpp` or `extractive` (no LLM).",
    )
    llm_model: str = Field(
        "gpt-4o-mini", description="Model name sent to the OpenAI-compatible endpoint."
    )
    llm_model_path: Path | None = Field(
        None, description="GGUF file for the llamacpp backend (served by a child process)."
    )
    llm_timeout: float = Field(
        60.0, gt=0, description="Seconds before an LLM call is abandoned (then extractive)."
    )
    llm_startup_timeout: float = Field(
        120.0,
        gt=0,
        description="Seconds the llamacpp model process may take to load before it counts "
        "as failed.",
    )
    llm_max_retries: int = Field(2, ge=0, le=10, description="Retries of a failed LLM call.")
    llm_max_tokens: int = Field(512, ge=16, le=8192, description="Longest answer generated.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    llm_context_tokens: int = Field(
        4096, ge=512, description="Context window of the llamacpp model."
    )
    top_k: int = Field(6, ge=1, le=50, description="Passages given to the answer backend.")
    candidates: int = Field(
        30, ge=1, le=500, description="Candidates taken from each retriever before fusion."
    )
    dense_search: Literal["memory", "chroma"] = Field(
        "memory",
        description="Where dense candidates come from: 'memory' compares the question with "
        "every chunk's stored embedding held by the keyword index (exact); 'chroma' asks "
        "Chroma's HNSW index (approximate, no copy of the vectors in each worker).",
    )
    max_chunks_per_doc: int = Field(
        2, ge=1, le=50, description="At most this many passages of one article in the top_k."
    )
    keyword_refresh_seconds: float = Field(
        0.5,
        gt=0,
        le=60,
        description="How often the keyword index checks the store for writes by others.",
    )
    min_relevance: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Cosine similarity below which the best passage is not evidence (refusal).",
    )
    min_support: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Support score (lexical and embedding) a sentence needs from its quote.",
    )
    sentence_coverage: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the question's event words an answering sentence (with the one "
        "before it) must state.",
    )
    named_coverage: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Word coverage of the question by one passage that, with every name "
        "present, counts as relevant whatever the similarity.",
    )
    corroboration: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Support score a quote of another article needs to be cited as a second "
        "source of a supported sentence (its facts must agree too).",
    )
    repair_margin: float = Field(
        0.1,
        ge=0,
        le=1,
        description="How far above NEWSQA_MIN_SUPPORT a source must score to be cited for a "
        "sentence that cites none that supports it.",
    )
    answer_workers: int = Field(
        4,
        ge=1,
        le=256,
        description="Threads answering questions at once per process; more requests queue.",
    )
    torch_threads: int = Field(
        1,
        ge=0,
        le=256,
        description="Intra-op torch threads of the local embedding model in a process that "
        "answers (API, `python -m service`, evals; `python -m ingest` keeps torch's default, "
        "one per core, as does 0). An answer embeds a few texts at a time: a second thread "
        "mostly waits at a barrier.",
    )
    prompts_dir: Path | None = Field(
        None, description="Folder of the prompt templates; unset means the shipped `prompts/`."
    )

    api_keys: str = Field(
        "",
        description="Comma-separated keys; when set, every /v1 route needs "
        "`Authorization: Bearer <key>`.",
    )
    rate_limit_per_minute: int = Field(
        0, ge=0, description="Requests per minute allowed per API key (or client); 0 is off."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1000, description="Largest JSON request body accepted (413 beyond)."
    )

    header_timeout_seconds: float = Field(
        10.0, gt=0, le=600, description="A request head not complete by then gets a 408."
    )
    body_timeout_seconds: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Longest wait for the next piece of a request body (408 beyond).",
    )
    shutdown_seconds: float = Field(
        5.0, gt=0, le=300, description="On SIGTERM, how long open requests may take to finish."
    )
    max_upload_records: int = Field(
        10_000,
        ge=1,
        description="Most articles one uploaded .json/.jsonl file may hold (413 beyond).",
    )
    jobs_dir: Path | None = Field(
        None,
        description="Folder of the upload jobs' journal; unset means `jobs/` in "
        "NEWSQA_DATA_DIR. Processes serving one index must share it.",
    )

    @property
    def jobs_path(self) -> Path:
        return self.jobs_dir or self.data_dir / "jobs"

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]

    @property
    def prompts_path(self) -> Path:
        return self.prompts_dir or SHIPPED_PROMPTS

    @model_validator(mode="after")
    def _check_retrieval(self) -> Settings:
        if self.candidates < self.top_k:
            raise ValueError(
                f"NEWSQA_CANDIDATES ({self.candidates}) must be at least NEWSQA_TOP_K "
                f"({self.top_k})"
            )
        return self
