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

from assistant.errors import ConfigError, StoreError
from assistant.settings import Mode, Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.answer import Answer
    from assistant.ingest import IngestReport
    from assistant.retrieval import Hit, HybridRetriever
    from assistant.store import Store


class FactCheck:
    """The fact-check assistant as a library.

    Args:
        settings: Configuration (built once by the caller).
        embeddings: Override the embedding model (tests pass a fake one).
    """

    def __init__(self, settings: Settings, *, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self._embeddings = embeddings

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

    def ask(self, question: str, mode: Mode | None = None) -> Answer:
        """Answer a question with verified citations.

        Args:
            question: The question in plain English.
            mode: ``extractive``, ``llm`` or ``auto`` (default: from settings).

        Raises:
            InputError: The question is empty.
            ConfigError: LLM mode was asked for but is not available.
            StoreError: The store is missing or incompatible.
        """
        from assistant.answer import ExtractiveAnswerer
        from assistant.retrieval import check_question

        question = check_question(question)
        mode = mode or self.settings.mode
        if mode == "llm":
            raise ConfigError(
                "LLM answers are not available in this version; use --mode extractive"
            )
        answerer = ExtractiveAnswerer(self.retriever, self.embeddings, k=max(self.settings.k, 8))
        return answerer.answer(question)


__all__ = ["FactCheck", "StoreError"]
