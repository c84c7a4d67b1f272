"""All configuration in one place.

Settings come from (in order of precedence) explicit arguments, ``FACTCHECK_*``
environment variables, the standard ``OPENAI_*`` variables and a ``.env`` file. They are
built once, by the CLI or the caller, and passed down: nothing deeper in the core reads
the environment.

A ``.env`` file belongs to whatever folder the command runs in, which may be someone
else's checkout: it may not send a key set elsewhere to a host of its choosing (see
:class:`_DotEnvWithoutRedirect`). Secrets are redacted from any text shown to the user
(:func:`redact`).
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

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
        # "inf" and "nan" parse as floats, and pass gt=0 or slip through comparisons
        # (an infinite file size limit, a NaN threshold that every score fails).
        allow_inf_nan=False,
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
    ingested_folders: Path = Field(
        default_factory=lambda: default_data_dir() / "ingested-folders.json",
        description=(
            "The per-user record of ingested folders that earlier versions wrote: still "
            "read, so their stores keep answering; each store now keeps its own record."
        ),
    )

    text_cache: Path = Field(
        default_factory=lambda: default_data_dir() / "documents",
        description=(
            "Where the text derived from web pages, PDFs and Word files is kept, by the "
            "hash of each file's bytes (per user, outside any store)."
        ),
    )
    fetch_dir: Path = Field(
        default_factory=lambda: default_data_dir() / "fetched",
        description="Where `ingest URL` saves the pages it fetches (one folder per site).",
    )
    fetch_timeout: float = Field(
        default=20.0, gt=0, le=600, description="Seconds allowed to fetch one URL."
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
    llm_max_tokens: int = Field(
        default=800, ge=16, le=1_000_000, description="Upper bound on a reply."
    )
    # Bounded above: a deadline beyond what a thread wait accepts would overflow.
    llm_timeout: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="Seconds to wait for the whole reply, retries included.",
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries on 429/5xx (honouring Retry-After)."
    )
    llm_min_relevance: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Below this retrieval relevance, abstain without calling the model.",
    )
    llm_min_quote_relevance: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="A verbatim quote this far off the question is rejected.",
    )
    llm_extra_body: dict[str, Any] | None = Field(
        default=None,
        description='Extra JSON for the request body, e.g. {"cache_prompt": false} for llama.cpp.',
    )

    allow_hosts: str = Field(
        default="",
        description=(
            "More Host names `serve` answers to, comma-separated (--allow-host), besides "
            "this machine's own names and addresses."
        ),
    )

    debug: bool = Field(default=False, description="Show tracebacks instead of one-line errors.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The usual sources and order, with the ``.env`` file barred from redirecting keys."""
        guarded = _DotEnvWithoutRedirect(
            settings_cls, dotenv_settings, [init_settings, env_settings]
        )
        return init_settings, env_settings, guarded, file_secret_settings

    @property
    def store_origin(self) -> str:
        """How the store folder was chosen, for ``factcheck info`` and messages."""
        if "store" in self.model_fields_set:
            return "set (--store or FACTCHECK_STORE)"
        if self.store_in_current_folder:
            return "./vectorstore in the current folder"
        return "per-user data folder"

    @property
    def store_in_current_folder(self) -> bool:
        """True when the store is ``./vectorstore``, found in the current folder, not chosen."""
        return "store" not in self.model_fields_set and self.store == LOCAL_STORE

    @property
    def allowed_host_names(self) -> list[str]:
        """``allow_hosts`` split at commas and spaces (checked by the server)."""
        return [name for name in re.split(r"[,\s]+", self.allow_hosts) if name]

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
    return default_data_dir() / "vectorstore"


def default_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/factcheck`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


# -- a .env file may not redirect a key ------------------------------------------------

ALLOW_DOTENV_BASE_URL = "FACTCHECK_ALLOW_DOTENV_BASE_URL"
# Each host a .env could choose, with the secret that would be sent there.
_REDIRECTS = (
    (
        "OPENAI_BASE_URL",
        frozenset({"openai_base_url", "factcheck_openai_base_url"}),
        frozenset({"openai_api_key", "factcheck_openai_api_key"}),
    ),
    (
        "FACTCHECK_CHROMA_URL",
        frozenset({"factcheck_chroma_url", "chroma_url"}),
        frozenset({"factcheck_chroma_token", "chroma_token"}),
    ),
)
_log = logging.getLogger(__name__)


def _names(source: PydanticBaseSettingsSource) -> set[str]:
    return {str(name).lower() for name in source()}


class _DotEnvWithoutRedirect(PydanticBaseSettingsSource):
    """The ``.env`` source, minus an ``OPENAI_BASE_URL`` that would carry a key set elsewhere.

    A ``.env`` sits in the current folder, which may be a repository someone else wrote.
    If its base URL were used with the key from the user's own environment, running
    ``factcheck`` there would send that key (and the user's questions and articles) to a
    host the file chose. The file's base URL is therefore used only when the user opts
    in, with ``FACTCHECK_ALLOW_DOTENV_BASE_URL=1`` in the real environment (never from
    the file itself), or when the key in use comes from the same file (the file then
    only configures its own account). Otherwise it is dropped with a warning naming it.

    Args:
        settings_cls: The settings class.
        dotenv: The standard ``.env`` source.
        earlier: The sources that take precedence over it (arguments, environment).
    """

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        dotenv: PydanticBaseSettingsSource,
        earlier: list[PydanticBaseSettingsSource],
    ) -> None:
        super().__init__(settings_cls)
        self._dotenv = dotenv
        self._earlier = earlier

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Delegate to the ``.env`` source (only ``__call__`` is used to build settings)."""
        return self._dotenv.get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        """The ``.env`` values, without a host the rules above do not allow.

        The same rule holds for a Chroma server: ``FACTCHECK_CHROMA_URL`` from the file
        may not receive a ``FACTCHECK_CHROMA_TOKEN`` set elsewhere.
        """
        values = dict(self._dotenv())
        if _truthy(os.environ.get(ALLOW_DOTENV_BASE_URL)):
            return values
        before = set().union(*(_names(s) for s in self._earlier))
        for shown, url_names, key_names in _REDIRECTS:
            urls = [name for name in values if str(name).lower() in url_names]
            if not urls:
                continue
            key_here = any(str(name).lower() in key_names for name in values)
            if key_here and not before & key_names:
                continue  # the secret in use and its host come from the same file
            if before & url_names:  # overridden anyway: nothing to warn about
                values = {k: v for k, v in values.items() if k not in urls}
                continue
            for name in urls:
                _log.warning(
                    "warning: ignoring %s=%s from .env in the current folder: a .env "
                    "may not choose where requests and keys go; set %s in the "
                    "environment, or %s=1 to accept it",
                    shown,
                    values.pop(name),
                    shown,
                    ALLOW_DOTENV_BASE_URL,
                )
        return values


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


# -- keeping secrets out of what is shown --------------------------------------------

_SECRET_VARIABLES = ("OPENAI_API_KEY", "FACTCHECK_OPENAI_API_KEY", "FACTCHECK_CHROMA_TOKEN")
# The shape of OpenAI-style keys ("sk-...", "sk-proj-..."): a server may echo a key that
# is not the one configured (or partly masked), and none belongs in an error message.
_KEY_SHAPE = re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_-]{8,}")
REDACTED = "[redacted]"


def secrets_in_use(settings: Settings | None = None) -> set[str]:
    """Every secret this process may send: from ``settings``, the environment and ``.env``.

    Read without building settings, so that it works when the settings are what failed.
    Values shorter than 4 characters are left out: replacing them would mangle text.
    """
    found: list[str | None] = [os.environ.get(name) for name in _SECRET_VARIABLES]
    if settings is not None:
        found += [
            s.get_secret_value() for s in (settings.openai_api_key, settings.chroma_token) if s
        ]
    try:
        from dotenv import dotenv_values

        from_file = dotenv_values(".env", encoding="utf-8")
        found += [v for k, v in from_file.items() if k.upper() in _SECRET_VARIABLES]
    except Exception:  # an unreadable .env has no secret to hide
        pass
    return {s.strip() for s in found if s and len(s.strip()) >= 4}


def redact(text: str, settings: Settings | None = None) -> str:
    """``text`` with every configured secret, and anything shaped like a key, replaced.

    For error messages and tracebacks: a model server may echo the key it was sent
    (``401 ... incorrect API key sk-...``), and that text reaches the terminal.
    """
    for secret in sorted(secrets_in_use(settings), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _KEY_SHAPE.sub(REDACTED, text)


def redacted_traceback(exc: BaseException) -> str:
    """The full traceback of ``exc`` (causes included), with secrets redacted."""
    return redact("".join(traceback.format_exception(exc)))
