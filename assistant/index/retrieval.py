"""Hybrid retrieval: Chroma dense search + BM25, fused by reciprocal rank fusion, re-ranked.

Reciprocal rank fusion (RRF) sees only ranks, so a passage that BM25 puts first by a
wide margin, because it holds the question's rare figure or name, can lose to
near-misses that both sides rank middling ("Reporter 12 said 12 were counted" for "Who
said 123 were counted?"). Each fused candidate therefore also earns a share of
:data:`COVERAGE_WEIGHT` for the question's terms it contains, weighted by their idf:
a rare figure, name or year counts for much, a common word for little.

:class:`HybridSearch` ranks with scores and is what the assistant uses;
:class:`~assistant.index.langchain_retriever.HybridRetriever` wraps it as a LangChain
``BaseRetriever`` that composes with any LangChain chain. The wrapper lives in its own
module, imported only when asked for: LangChain's retriever machinery (its tracers,
langsmith) takes about 0.35 s to import, a seventh of a command-line ``ask``.
``from assistant.index.retrieval import HybridRetriever`` still works.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InputError
from assistant.index.filters import SourceFilter
from assistant.index.lexical import LexicalIndex
from assistant.index.schema import StoredChunk
from assistant.index.sources import SourceFiles
from assistant.index.store import Store
from assistant.index.terms import terms

if TYPE_CHECKING:
    from langchain_core.documents import Document

    from assistant.index.embeddings import Embedder

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks
# What holding every question term (idf-weighted) adds to a candidate's fused score: as
# much as ranking first on both sides. Chosen by measurement against RRF alone, reading
# recall@1/5/8 on the seeds' dev and held-out questions and on RGB's noise and
# counterfactual stores (the same weight on all): top-1 rose on every set (dev 8 -> 12
# of 12, held-out 14 -> 18 of 28, RGB noise 19 -> 23 of 50); half this weight left the
# exact-figure case above at rank 2.
COVERAGE_WEIGHT = 2.0 / (RRF_K + 1)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks that made it.

    ``coverage`` is the idf-weighted share of the question's terms the chunk (or its
    title) contains, 0-1; it adds ``COVERAGE_WEIGHT * coverage`` to the RRF score.
    """

    chunk: StoredChunk
    score: float
    dense_similarity: float | None
    dense_rank: int | None
    bm25_score: float | None
    bm25_rank: int | None
    coverage: float = 0.0

    def to_document(self) -> Document:
        """The hit as a LangChain Document (metadata carries the citation fields)."""
        from langchain_core.documents import Document

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


def check_k(k: object) -> int:
    """Return ``k`` when it is a usable number of passages, or raise.

    Raises:
        InputError: ``k`` is not a whole number of at least 1 (``True`` is refused too:
            it is an ``int`` to Python, but never a count anyone meant).
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a whole number of passages, 1 or more; got {k!r}")
    return k


def term_weights(query: str, index: LexicalIndex) -> dict[str, float]:
    """The query's distinct terms, each weighted by its idf in ``index``."""
    return {t: index.idf(t) for t in dict.fromkeys(terms(query))}


@functools.lru_cache(maxsize=4096)
def _title_terms(title: str) -> frozenset[str]:
    # An article's chunks share its title, and the same articles come back question
    # after question; bounded, as titles are short.
    return frozenset(terms(title))


def coverage(
    weights: dict[str, float], chunk: StoredChunk, text_terms: frozenset[str] | None = None
) -> float:
    """The share of ``weights`` (idf-weighted query terms) present in the chunk or its title.

    Args:
        weights: The query's terms with their idf (see :func:`term_weights`).
        chunk: The candidate.
        text_terms: ``terms(chunk.text)`` when the caller has them already (the keyword
            index keeps them: :meth:`LexicalIndex.stored_terms`); else computed here.

    Returns:
        0 when the query has no terms, else a value in 0-1.
    """
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    if text_terms is None:
        text_terms = frozenset(terms(chunk.text))
    present = text_terms | _title_terms(chunk.title)
    return sum(w for t, w in weights.items() if t in present) / total


def fuse(
    dense: list[tuple[StoredChunk, float]],
    lexical: list[tuple[StoredChunk, float]],
    weights: dict[str, float],
    chunk_terms: Mapping[str, frozenset[str]] | None = None,
) -> list[Hit]:
    """Fuse dense and BM25 rankings by RRF plus idf-weighted term coverage.

    Args:
        dense: Chunks with cosine similarity, best first.
        lexical: Chunks with BM25 score, best first.
        weights: The query's terms with their idf (see :func:`term_weights`).
        chunk_terms: The terms of candidates' texts by chunk id, where known (see
            :meth:`LexicalIndex.stored_terms`); the others are tokenised here.

    Returns:
        Every candidate from either side as a Hit, best first (ties by chunk id).
    """
    fused: dict[str, dict[str, Any]] = {}
    for rank, (chunk, sim) in enumerate(dense, start=1):
        entry = fused.setdefault(chunk.id, {"chunk": chunk, "rrf": 0.0})
        entry.update(rrf=entry["rrf"] + 1.0 / (RRF_K + rank), dense=sim, drank=rank)
    for rank, (chunk, bm25) in enumerate(lexical, start=1):
        entry = fused.setdefault(chunk.id, {"chunk": chunk, "rrf": 0.0})
        entry.update(rrf=entry["rrf"] + 1.0 / (RRF_K + rank), bm25=bm25, brank=rank)
    hits = []
    for e in fused.values():
        # The re-ranking works over the fused candidates only (at most 2 x depth), so it
        # costs no extra search, and no tokenisation for a candidate whose terms are known.
        cov = coverage(weights, e["chunk"], (chunk_terms or {}).get(e["chunk"].id))
        hits.append(
            Hit(
                chunk=e["chunk"],
                score=e["rrf"] + COVERAGE_WEIGHT * cov,
                dense_similarity=e.get("dense"),
                dense_rank=e.get("drank"),
                bm25_score=e.get("bm25"),
                bm25_rank=e.get("brank"),
                coverage=cov,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.chunk.id))
    return hits


class HybridSearch:
    """Dense (Chroma) and keyword (BM25) search over the store, fused and re-ranked.

    The rankings are fused by RRF, and each candidate gains for the question's terms it
    holds, weighted by rarity (see :func:`fuse`), so an exact figure or name counts.

    Args:
        store: The opened store.
        embeddings: The model that built the store (to embed questions).
        k: How many passages to return (default for each call).
        depth: How many candidates each side contributes to the fusion.
        trusted_folders: When set, hits are checked against their files as they are
            now, and files outside these folders are never read. A callable is asked
            at each search, so a long-running process sees folders ingested since.
        source_filter: Search only the articles it admits (outlets, dates).

    """

    def __init__(
        self,
        store: Store,
        embeddings: Embedder,
        k: int = 5,
        depth: int = 50,
        trusted_folders: frozenset[Path] | Callable[[], frozenset[Path]] | None = None,
        source_filter: SourceFilter | None = None,
    ) -> None:
        self.store = store
        self.source_filter = source_filter
        self.embeddings = embeddings
        self.k = k
        self.depth = depth
        # The folders ingested on this machine: when set, every hit is checked against
        # its file as it is now (see assistant.index.sources). None: the stored text.
        self.trusted_folders = trusted_folders

    @property
    def lexical(self) -> LexicalIndex:
        """The store's persisted keyword index."""
        store: Store = self.store
        index: LexicalIndex = store.keywords
        return index

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        query_vector: list[float] | None = None,
        sources: SourceFiles | None = None,
    ) -> list[Hit]:
        """Rank chunks for ``query``.

        Args:
            query: The question or search words.
            k: How many hits to return (default: the retriever's ``k``).
            query_vector: The query's embedding, if the caller already has it.
            sources: Check each hit against its file as it is now and leave out those
                that no longer stand there (recorded in ``sources.stale``). Default:
                a fresh check when the retriever has ``trusted_folders``, else none.

        Returns:
            Hits, best first.

        Raises:
            InputError: The query is empty or too long, or ``k`` is not 1 or more.

        """
        query = check_question(query)
        # A negative k would slice off the end of the ranking instead of failing.
        k = check_k(self.k if k is None else k)
        store: Store = self.store
        where: dict[str, Any] | None = None
        sql: tuple[str, list[Any]] | None = None
        if self.source_filter is not None and self.source_filter.active:
            # Resolved at each search: a long-lived process sees outlets ingested since.
            resolved = self.source_filter.resolve(self.lexical.publishers())
            where, sql = resolved.chroma_where(), resolved.sql()
        vector = query_vector or self.embeddings.embed_query(query)
        dense = store.query(vector, self.depth, where=where)
        lexical = self.lexical.search(query, self.depth, where=sql)
        weights = term_weights(query, self.lexical)
        # Only when a question term could count: a question of stopwords has none.
        known = self.lexical.stored_terms(c for c, _ in dense + lexical) if weights else None
        ranked = fuse(dense, lexical, weights, known)
        if sources is None and self.trusted_folders is not None:
            trusted = self.trusted_folders
            sources = SourceFiles(trusted() if callable(trusted) else trusted)
        if sources is None:
            return ranked[:k]
        out: list[Hit] = []
        for hit in ranked:  # lazily: most searches read a handful of files
            if sources.current(hit.chunk):
                out.append(hit)
                if len(out) == k:
                    break
        return out


def __getattr__(name: str) -> Any:
    # The LangChain wrapper, imported on first use only (see the module docstring).
    if name == "HybridRetriever":
        from assistant.index.langchain_retriever import HybridRetriever

        return HybridRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
