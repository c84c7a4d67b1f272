"""The ``--json`` shapes of ``search``, ``info`` and ``ingest``, shared by the doors.

``ask``, ``check``, ``claims`` and ``summary`` have ``to_json()`` on their results; these
three are built from several objects, so they are built here, once, for the CLI, the
web API and the MCP server (tests compare each door's output with the CLI's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.app import FactCheck
    from assistant.index.info import StoreInfo
    from assistant.index.ingest import IngestReport
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


def ingest_json(report: IngestReport, fc: FactCheck) -> dict[str, Any]:
    """What ``factcheck ingest --json`` prints for ``report`` (an ingest into ``fc``'s store)."""
    return {
        "files": report.files,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "removed": report.removed,
        "unchanged_files": report.unchanged_files,
        "skipped": [
            *({"path": str(p), "reason": r} for p, r in report.skipped),
            *({"path": u, "url": u, "reason": r} for u, r in report.fetch_failed),
        ],
        "removed_files": [str(p) for p in report.removed_files],
        "moved_files": report.moved_files,
        "notices": list(report.notices),
        "seconds": round(report.seconds, 3),
        "store": str(fc.settings.store),
        "fetched": [
            {"url": f.url, "final_url": f.final_url, "path": str(f.path)} for f in report.fetched
        ],
    }
