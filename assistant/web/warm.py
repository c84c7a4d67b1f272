"""Keeping a long-running server fast: sentence vectors kept between requests.

An extractive answer embeds every sentence of the passages it retrieved; that is most
of its time (about 1 s of 1.3 s on the seeds with two busy cores). A CLI process pays
it once; a server answering question after question about the same articles would pay
it again for the same sentences. So the server's one assistant embeds through
:class:`SentenceCache`, and :func:`prefill` embeds the corpus's sentences at start-up.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from assistant.app import FactCheck

# 20,000 sentences of 384 float32 values: about 30 MB.
MAX_SENTENCES = 20_000
PREFILL_BATCH = 256


class SentenceCache(Embeddings):
    """Embeddings that remember the vectors of passages (bounded, least recently used).

    Args:
        inner: The real embedding model.
        model_id: The id the store records for ``inner`` (so the store still opens).
        size: How many texts to remember.
    """

    def __init__(self, inner: Embeddings, model_id: str, size: int = MAX_SENTENCES) -> None:
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


def cached_factcheck(fc: FactCheck) -> FactCheck:
    """A FactCheck like ``fc`` whose embeddings go through a :class:`SentenceCache`."""
    from assistant.app import FactCheck
    from assistant.index.embeddings import embedding_model_id

    inner = fc.embeddings
    cache = SentenceCache(inner, embedding_model_id(fc.settings, inner))
    return FactCheck(fc.settings, embeddings=cache, chat_model=fc._chat_model)


def prefill(fc: FactCheck, limit: int = MAX_SENTENCES) -> int:
    """Embed up to ``limit`` sentences of the stored passages now; returns how many.

    Does nothing unless ``fc`` embeds through a :class:`SentenceCache`.
    """
    from assistant.index.chunking import split_sentences

    cache = fc.embeddings
    if not isinstance(cache, SentenceCache):
        return 0
    texts: list[str] = []
    for chunk in fc.store.all_chunks():
        texts.extend(chunk.text[s.start : s.end] for s in split_sentences(chunk.text))
        if len(texts) >= limit:
            break
    texts = list(dict.fromkeys(texts))[:limit]
    for b in range(0, len(texts), PREFILL_BATCH):
        cache.embed_documents(texts[b : b + PREFILL_BATCH])
    return len(texts)
