"""Keeping a long-running server fast: sentence vectors kept between requests.

An extractive answer embeds every sentence of the passages it retrieved; that is most
of its time (about 1 s of 1.3 s on the seeds with two busy cores). A CLI process pays
it once; a server answering question after question about the same articles would pay
it again for the same sentences. So the server's one assistant embeds through
:class:`~assistant.index.sentence_cache.SentenceCache`, and :func:`prefill` embeds the
corpus's sentences at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.index.sentence_cache import MAX_SENTENCES, SentenceCache

if TYPE_CHECKING:
    from assistant.app import FactCheck

PREFILL_BATCH = 256


def prefill(fc: FactCheck, limit: int = MAX_SENTENCES) -> int:
    """Embed up to ``limit`` sentences of the stored passages now; returns how many.

    Does nothing unless ``fc`` embeds through a :class:`SentenceCache`.
    """
    from assistant.index.chunking import split_sentences
    from assistant.index.normalise import visible

    cache = fc.embeddings
    if not isinstance(cache, SentenceCache):
        return 0
    texts: list[str] = []
    for chunk in fc.store.all_chunks():
        # The sentences as answers read them (see ExtractiveAnswerer.candidates).
        view = visible(chunk.text).text
        texts.extend(view[s.start : s.end] for s in split_sentences(view))
        if len(texts) >= limit:
            break
    texts = list(dict.fromkeys(texts))[:limit]
    for b in range(0, len(texts), PREFILL_BATCH):
        cache.embed_documents(texts[b : b + PREFILL_BATCH])
    return len(texts)
