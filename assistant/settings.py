"""All configuration in one place.

Settings come from (in order of precedence) explicit arguments, ``FACTCHECK_*``
environment variables, the standard ``OPENAI_*`` variables and a ``.env`` file. They are
built once, by the CLI or the caller, and passed down: nothing deeper in the core reads
the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["local", "openai"]
APP_NAME = "factcheck"
LOCAL_STORE = Path("vectorstore")
Mode = Literal["auto", "extractive", "llm"]


class Settings(BaseSettings):
    """Configuration for every command; see the README's Configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="FACTCHECK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    store: Path = Field(
        default_factory=lambda: default_store(),
        description=(
            "Folder of the persisted Chroma store (default: ./vectorstore when that folder "
            "exists, else a per-user data folder)."
        ),
    )
    corpus: Path = Field(
        default=Path("seeds"), description="Default folder ingested by `ingest` and on first `ask`."
    )
    collection: str = Field(default="articles", description="Chroma collection name.")

    embedding: EmbeddingBackend = Field(
        default="local", description="`local` (packaged MiniLM, offline) or `openai`."
    )
    openai_embedding_model: str = Field(default="text-embedding-3-small")
    # 16: padding to the longest text in a batch wastes less than at 32 (109 vs 98 chunks/s).
    embedding_batch_size: int = Field(default=16, ge=1, le=2048)

    max_file_mb: float = Field(
        default=10.0,
        gt=0,
        description="Articles larger than this (MB) are skipped with a warning, unread.",
    )

    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server (http://host:port): vectors live there, not in `store`.",
    )
    chroma_token: SecretStr | None = Field(default=None, description="Chroma auth token.")
    chroma_token_header: str = Field(
        default="Authorization",
        description='Header for the token: "Authorization" (sent as Bearer) or "X-Chroma-Token".',
    )

    mode: Mode = Field(default="auto", description="Answer mode: auto, extractive or llm.")
    k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")

    # Standard OpenAI variables (no FACTCHECK_ prefix), also accepted with the prefix.
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("FACTCHECK_OPENAI_API_KEY", "OPENAI_API_KEY"),
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("FACTCHECK_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Chat model for LLM answers.")
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=800, ge=16, description="Upper bound on a reply.")
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for a reply.")
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries on 429/5xx (honouring Retry-After)."
    )
    llm_min_relevance: float = Field(
        default=0.5,
        description="Below this retrieval relevance, abstain without calling the model.",
    )
    llm_min_quote_relevance: float = Field(
        default=0.35, description="A verbatim quote this far off the question is rejected."
    )
    llm_extra_body: dict[str, Any] | None = Field(
        default=None,
        description='Extra JSON for the request body, e.g. {"cache_prompt": false} for llama.cpp.',
    )

    debug: bool = Field(default=False, description="Show tracebacks instead of one-line errors.")

    @property
    def store_origin(self) -> str:
        """How the store folder was chosen, for ``factcheck info`` and messages."""
        if "store" in self.model_fields_set:
            return "set (--store or FACTCHECK_STORE)"
        if self.store == LOCAL_STORE:
            return "./vectorstore in the current folder"
        return "per-user data folder"

    @property
    def llm_configured(self) -> bool:
        """True when an API key or a base URL is set, so LLM mode is possible."""
        return self.openai_api_key is not None or bool(self.openai_base_url)


def default_store() -> Path:
    """Where the store lives when nothing says otherwise.

    ``./vectorstore`` when the current folder has one (a checkout of this project, or a
    project folder the user set up), else one store per user, so that ``factcheck``
    answers from the same store whichever folder it is run from.
    """
    if LOCAL_STORE.is_dir():
        return LOCAL_STORE
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "vectorstore"
