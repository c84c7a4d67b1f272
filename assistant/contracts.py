"""The ``--json`` shapes of ``search`` and ``info``, shared by the CLI and the web API.

``ask``, ``check``, ``claims`` and ``summary`` have ``to_json()`` on their results; these
two are built from several objects, so they are built here, once, for both doors (a
test compares the API's output with the CLI's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.app import FactCheck
    from assistant.index.info import StoreInfo
    from assistant.index.retrieval import Hit


def search_json(query: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """What ``factcheck search QUERY --json`` prints."""
    return {
        "query": query,
        "results": [
            {
                "rank": i,
                "id": h.chunk.id,
                "source": h.chunk.source,
                "title": h.chunk.title,
                "start": h.chunk.start,
                "end": h.chunk.end,
                "line": h.chunk.line,
                "text": h.chunk.text,
                "score": h.score,
                "dense_similarity": h.dense_similarity,
                "bm25_score": h.bm25_score,
                # Who published the passage's article and when (null where unknown).
                "outlet": h.chunk.outlet or None,
                "author": h.chunk.author or None,
                "published": h.chunk.published or None,
                "url": h.chunk.url or None,
                "page": h.chunk.page or None,
            }
            for i, h in enumerate(hits, start=1)
        ],
    }


def info_json(fc: FactCheck, about: StoreInfo | None = None) -> dict[str, Any]:
    """What ``factcheck info --json`` prints (``about``: ``fc.info()``, if already read)."""
    from assistant import __version__
    from assistant.index.embeddings import embedding_model_id

    about = about or fc.info()
    return {
        "version": __version__,
        "store": about.location,
        "store_origin": fc.settings.store_origin,
        "backend": about.backend,
        "collection": about.collection,
        "exists": about.exists,
        "embedding_model": about.embedding_model,
        "configured_embedding_model": embedding_model_id(fc.settings),
        "files": about.files,
        "chunks": about.chunks,
        "folders": list(about.folders),
        "last_ingest": about.last_ingest,
        "problem": about.problem,
        "complete_files": about.complete_files,
        "unfinished_ingest": about.unfinished_ingest,
    }
