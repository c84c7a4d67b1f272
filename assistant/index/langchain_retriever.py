"""The hybrid search as a LangChain retriever, for use in LangChain chains.

:class:`HybridRetriever` is a LangChain ``BaseRetriever`` over
:class:`~assistant.index.retrieval.HybridSearch`: the same ranking, as Documents whose
metadata carry the citation fields. It is kept apart from the search itself because
LangChain's retriever machinery takes about 0.35 s to import, and the command line
never needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict

from assistant.errors import InputError
from assistant.index.lexical import LexicalIndex
from assistant.index.retrieval import Hit, HybridSearch
from assistant.index.sources import SourceFiles

# Options LangChain's ``invoke`` hands on to the retriever after using them itself (it
# reads ``verbose`` for its callbacks but leaves it in the keyword arguments), so they
# are accepted and not treated as search options.
_INVOKE_OPTIONS = frozenset({"verbose"})


class HybridRetriever(BaseRetriever):
    """Dense (Chroma) and keyword (BM25) search over the store, fused and re-ranked.

    ``invoke`` and ``ainvoke`` take the search options of :meth:`search` as keyword
    arguments (``retriever.invoke(q, k=1)``); any other option is refused with an
    :class:`~assistant.errors.InputError` rather than silently ignored.

    Args:
        store: The opened store.
        embeddings: The model that built the store (to embed questions).
        k: How many passages to return (default for each call).
        depth: How many candidates each side contributes to the fusion.
        trusted_folders: When set, hits are checked against their files as they are
            now, and files outside these folders are never read.

    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    embeddings: Embeddings
    k: int = 5
    depth: int = 50
    trusted_folders: frozenset[Path] | None = None

    def _search(self) -> HybridSearch:
        return HybridSearch(self.store, self.embeddings, self.k, self.depth, self.trusted_folders)

    @property
    def lexical(self) -> LexicalIndex:
        """The store's persisted keyword index."""
        return self._search().lexical

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        query_vector: list[float] | None = None,
        sources: SourceFiles | None = None,
    ) -> list[Hit]:
        """Rank chunks for ``query`` (see :meth:`HybridSearch.search`)."""
        return self._search().search(query, k, query_vector=query_vector, sources=sources)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        query_vector: list[float] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        # Any parameter besides query and run_manager makes BaseRetriever.invoke pass
        # its keyword arguments through, which is how invoke(q, k=1) reaches search.
        unknown = sorted(set(kwargs) - _INVOKE_OPTIONS)
        if unknown:
            raise InputError(
                f"unknown search option(s) {', '.join(map(repr, unknown))}: "
                "HybridRetriever takes k and query_vector"
            )
        hits = self.search(query, k, query_vector=query_vector)
        return [hit.to_document() for hit in hits]

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        query_vector: list[float] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        # BaseRetriever's default runs the sync method without the keyword arguments,
        # so ainvoke(q, k=1) would fail on an unexpected k; forward them instead.
        return await run_in_executor(
            None,
            self._get_relevant_documents,
            query,
            run_manager=run_manager.get_sync(),
            k=k,
            query_vector=query_vector,
            **kwargs,
        )
