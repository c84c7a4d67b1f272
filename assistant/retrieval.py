"""Hybrid retrieval: Chroma dense search + BM25, fused by reciprocal rank fusion.

:class:`HybridRetriever` is a LangChain ``BaseRetriever``, so it composes with any
LangChain chain; :meth:`HybridRetriever.search` gives the same ranking with scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.errors import InputError
from assistant.lexical import LexicalIndex
from assistant.store import Store, StoredChunk

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks that made it."""

    chunk: StoredChunk
    score: float
    dense_similarity: float | None
    dense_rank: int | None
    bm25_score: float | None
    bm25_rank: int | None

    def to_document(self) -> Document:
        """The hit as a LangChain Document (metadata carries the citation fields)."""
        c = self.chunk
        return Document(
            page_content=c.text,
            id=c.id,
            metadata={
                "id": c.id,
                "source": c.source,
                "title": c.title,
                "start": c.start,
                "end": c.end,
                "line": c.line,
                "root": c.root,
                "score": self.score,
                "dense_similarity": self.dense_similarity,
                "bm25_score": self.bm25_score,
            },
        )


# A question (or claim, or topic) longer than this is refused rather than truncated:
# the embedding model reads only its first 256 tokens (about 1,000 characters), so a
# silently shortened question would be answered as a different one.
MAX_QUESTION_CHARS = 2000


def check_question(question: str) -> str:
    """Return the question stripped, or raise when there is nothing usable to ask.

    Raises:
        InputError: The question is empty, blank or longer than MAX_QUESTION_CHARS.
    """
    q = question.strip()
    if not q:
        raise InputError(
            'the question is empty: ask something, e.g. factcheck ask "Who said 5 were killed?"'
        )
    if len(q) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is {len(q):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}: ask about one thing at a time"
        )
    return q


class HybridRetriever(BaseRetriever):
    """Dense (Chroma) and keyword (BM25) search over the store, fused with RRF.

    Args:
        store: The opened store.
        embeddings: The model that built the store (to embed questions).
        k: How many passages to return.
        depth: How many candidates each side contributes to the fusion.

    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    embeddings: Embeddings
    k: int = 5
    depth: int = 50

    @property
    def lexical(self) -> LexicalIndex:
        """The store's persisted keyword index."""
        store: Store = self.store
        index: LexicalIndex = store.keywords
        return index

    def search(
        self, query: str, k: int | None = None, *, query_vector: list[float] | None = None
    ) -> list[Hit]:
        """Rank chunks for ``query``.

        Args:
            query: The question or search words.
            k: How many hits to return (default: the retriever's ``k``).
            query_vector: The query's embedding, if the caller already has it.

        Returns:
            Hits, best first.

        """
        query = check_question(query)
        k = self.k if k is None else k
        store: Store = self.store
        vector = query_vector or self.embeddings.embed_query(query)
        dense = store.query(vector, self.depth)
        lexical = self.lexical.search(query, self.depth)

        fused: dict[str, dict[str, Any]] = {}
        for rank, (chunk, sim) in enumerate(dense, start=1):
            entry = fused.setdefault(chunk.id, {"chunk": chunk, "score": 0.0})
            entry.update(score=entry["score"] + 1.0 / (RRF_K + rank), dense=sim, drank=rank)
        for rank, (chunk, bm25) in enumerate(lexical, start=1):
            entry = fused.setdefault(chunk.id, {"chunk": chunk, "score": 0.0})
            entry.update(score=entry["score"] + 1.0 / (RRF_K + rank), bm25=bm25, brank=rank)
        ranked = sorted(fused.values(), key=lambda e: (-e["score"], e["chunk"].id))
        return [
            Hit(
                chunk=e["chunk"],
                score=e["score"],
                dense_similarity=e.get("dense"),
                dense_rank=e.get("drank"),
                bm25_score=e.get("bm25"),
                bm25_rank=e.get("brank"),
            )
            for e in ranked[:k]
        ]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit.to_document() for hit in self.search(query)]
