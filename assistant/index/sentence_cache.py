"""Sentence vectors kept between questions, for processes that answer many.

An extractive answer embeds every sentence of the passages it retrieved; that is most
of its time. One question per process pays it once; a server, or ``factcheck ask -``
reading questions from stdin, would pay it again for the same sentences. Such callers
embed through :class:`SentenceCache` (see :meth:`assistant.app.FactCheck.with_sentence_cache`).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import Embedder

# 20,000 sentences of 384 float32 values: about 30 MB.
MAX_SENTENCES = 20_000


class SentenceCache(Embeddings):
    """Embeddings that remember the vectors of passages (bounded, least recently used).

    Args:
        inner: The real embedding model.
        model_id: The id the store records for ``inner`` (so the store still opens).
        size: How many texts to remember.
    """

    def __init__(self, inner: Embedder, model_id: str, size: int = MAX_SENTENCES) -> None:
        self.inner = inner
        self.model_id = model_id
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self._vectors)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for ``texts``: remembered ones at once, the rest in one call."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            vecs = np.asarray(self.inner.embed_documents(missing), dtype=np.float32)
            for text, vec in zip(missing, vecs, strict=True):
                self._vectors[text] = vec
        out = []
        for t in texts:
            self._vectors.move_to_end(t)
            out.append(self._vectors[t].tolist())
        while len(self._vectors) > self.size:
            self._vectors.popitem(last=False)
        return out

    def embed_query(self, text: str) -> list[float]:
        """A question's vector (not remembered: questions rarely repeat word for word)."""
        return self.inner.embed_query(text)
