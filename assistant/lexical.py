"""The keyword side of retrieval: a BM25 index (bm25s) over the same chunks as Chroma.

Scoring is bm25s's; what is ours is the analysis (:mod:`assistant.terms`), so "5" finds
"five" and "killed?" finds "killed".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from assistant.store import StoredChunk
from assistant.terms import terms


class LexicalIndex:
    """BM25 over chunk texts, plus document frequencies for weighting terms.

    Args:
        chunks: The chunks to index, in a fixed order; results refer to positions in it.

    """

    def __init__(self, chunks: Sequence[StoredChunk]) -> None:
        import bm25s

        self.chunks = list(chunks)
        tokenised = [terms(c.text) for c in self.chunks]
        self._df: Counter[str] = Counter()
        for toks in tokenised:
            self._df.update(set(toks))
        self._bm25: Any = bm25s.BM25()
        # bm25s needs at least one token per document; an empty chunk gets a dummy.
        self._bm25.index([t or ["\x00"] for t in tokenised], show_progress=False)
        self._vocab = set(self._df)

    def __len__(self) -> int:
        return len(self.chunks)

    def df(self, term: str) -> int:
        """How many chunks contain ``term``."""
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """BM25's idf for ``term``, used to weigh question terms by rarity.

        A term in no chunk weighs as much as the rarest term that is present: one
        unknown word must not outweigh the rest of a question.
        """
        n = len(self.chunks)
        df = max(self.df(term), 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top ``k`` chunk positions for ``query`` with their BM25 scores (> 0 only)."""
        q = [t for t in terms(query) if t in self._vocab]
        if not q or not self.chunks:
            return []
        scores = self._bm25.get_scores(q)
        k = min(k, len(self.chunks))
        top = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        return [(i, float(scores[i])) for i in top if scores[i] > 0]
