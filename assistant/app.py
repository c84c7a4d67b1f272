"""The library's front door: one object wiring settings, store, retrieval and answers.

Everything the CLI does goes through :class:`FactCheck`, so scripts can do the same::

    from assistant import FactCheck, Settings
    fc = FactCheck(Settings(store="vectorstore"))
    fc.ingest(["seeds"])
    print(fc.ask("Who said 5 were killed?").to_json())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import StoreError
from assistant.settings import Mode, Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from assistant.answer import Answer
    from assistant.ingest import IngestReport
    from assistant.retrieval import Hit, HybridRetriever
    from assistant.store import Store


class FactCheck:
    """The fact-check assistant as a library.

    Args:
        settings: Configuration (built once by the caller).
        embeddings: Override the embedding model (tests pass a fake one).
        chat_model: Override the chat model (tests pass a scripted one); it counts as a
            configured LLM.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embeddings: Embeddings | None = None,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._chat_model = chat_model

    @cached_property
    def embeddings(self) -> Embeddings:
        """The configured embedding model (loaded lazily on first use)."""
        if self._embeddings is not None:
            return self._embeddings
        from assistant.embeddings import make_embeddings

        return make_embeddings(self.settings)

    @cached_property
    def store(self) -> Store:
        """The opened store; raises StoreError if it is missing, empty or incompatible."""
        from assistant.embeddings import embedding_model_id
        from assistant.store import Store

        return Store(
            self.settings.store,
            embedding_model_id(self.settings, self._embeddings),
            self.settings.collection,
        )

    @cached_property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever over the store (a LangChain ``BaseRetriever``)."""
        from assistant.retrieval import HybridRetriever

        return HybridRetriever(store=self.store, embeddings=self.embeddings, k=self.settings.k)

    def _reset(self) -> None:
        for name in ("store", "retriever"):
            self.__dict__.pop(name, None)

    def store_exists(self) -> bool:
        """True when the store folder holds a Chroma database."""
        return (Path(self.settings.store) / "chroma.sqlite3").exists()

    def ingest(
        self,
        paths: Iterable[Path | str] | None = None,
        *,
        rebuild: bool = False,
        on_skip: Callable[[Path, str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Ingest articles (default: the configured corpus folder) into the store.

        See :func:`assistant.ingest.ingest` for the arguments and errors.
        """
        from assistant.ingest import ingest

        targets = [Path(p) for p in paths] if paths else [Path(self.settings.corpus)]
        self._reset()
        try:
            return ingest(
                targets,
                self.settings,
                rebuild=rebuild,
                embeddings=self._embeddings or self.__dict__.get("embeddings"),
                on_skip=on_skip,
                on_total=on_total,
                on_progress=on_progress,
            )
        finally:
            self._reset()

    def needs_first_ingest(self) -> bool:
        """True when there is no store yet but the default corpus folder exists."""
        return not self.store_exists() and Path(self.settings.corpus).is_dir()

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best passages for ``query``."""
        return self.retriever.search(query, k)

    def resolve_mode(self, mode: Mode | None = None) -> Mode:
        """``auto`` becomes ``llm`` when a model is configured, else ``extractive``."""
        mode = mode or self.settings.mode
        if mode == "auto":
            configured = self._chat_model is not None or self.settings.llm_configured
            return "llm" if configured else "extractive"
        return mode

    def ask(self, question: str, mode: Mode | None = None) -> Answer:
        """Answer a question with verified citations.

        Args:
            question: The question in plain English.
            mode: ``extractive``, ``llm`` or ``auto`` (default: from settings). ``auto``
                uses the LLM when one is configured and falls back to the extractive
                answer, with a notice, when the model server fails.

        Raises:
            InputError: The question is empty.
            ConfigError: ``llm`` was asked for but no model is configured.
            LLMError: ``llm`` was asked for and the model server failed.
            StoreError: The store is missing or incompatible.
        """
        from assistant.answer import ExtractiveAnswerer
        from assistant.citations import SourceReader
        from assistant.retrieval import check_question

        question = check_question(question)
        asked = mode or self.settings.mode
        resolved = self.resolve_mode(asked)
        extractive = ExtractiveAnswerer(self.retriever, self.embeddings, k=max(self.settings.k, 8))
        if resolved == "extractive":
            return extractive.answer(question)

        from assistant.llm import LLMAnswerer, LLMError, LLMFormatError, make_chat_model

        chat = self._chat_model or make_chat_model(self.settings)  # ConfigError if none
        llm = LLMAnswerer(extractive, chat, self.settings.llm_model, self.settings)
        assessment = extractive.assess(question)
        reader = SourceReader()
        try:
            return llm.answer_from(assessment, reader)
        except LLMFormatError as exc:
            fallback = extractive.answer_from(assessment, reader)
            fallback.notices.append(f"{exc}; showing the extractive answer")
            return fallback
        except LLMError as exc:
            if asked == "llm":
                raise
            fallback = extractive.answer_from(assessment, reader)
            fallback.notices.append(f"{exc}; showing the extractive answer")
            return fallback


__all__ = ["FactCheck", "StoreError"]
