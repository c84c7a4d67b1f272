"""What the store keeps for a chunk and a source, and how a chunk maps to Chroma metadata.

:class:`StoredChunk` is the record every other part reads (retrieval, citations, the
model's passages); :data:`SCHEMA_VERSION` is recorded in the collection's metadata, so a
store written with another layout is refused instead of misread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as kept in the store, with everything needed to cite it.

    Besides where it stands (``root``, ``source``, offsets, line), a chunk carries its
    article's metadata, so a citation says who published it and when, and a search can
    be limited to some outlets or dates: ``outlet``, ``author``, ``published``
    (``YYYY-MM-DD``), ``url``, ``kind`` (the reader: text, html, pdf, docx) and ``page``
    (a PDF's page of ``start``; 0 for a file without pages). Empty when unknown, and in
    stores built before they were kept.
    """

    id: str
    source: str
    root: str
    title: str
    start: int
    end: int
    line: int
    text: str
    file_sha256: str
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""
    kind: str = ""
    page: int = 0

    def metadata(self) -> dict[str, Any]:
        """The Chroma metadata for this chunk."""
        return {
            "source": self.source,
            "root": self.root,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "file_sha256": self.file_sha256,
            "outlet": self.outlet,
            "author": self.author,
            "published": self.published,
            # A number too, so a date range is a Chroma ``where`` ($gte works on numbers).
            "published_day": day_number(self.published),
            "url": self.url,
            "kind": self.kind,
            "page": self.page,
        }

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> StoredChunk:
        """Rebuild a chunk from what Chroma returns."""
        return cls(
            id=chunk_id,
            source=str(meta["source"]),
            root=str(meta["root"]),
            title=str(meta.get("title", "")),
            start=int(meta["start"]),
            end=int(meta["end"]),
            line=int(meta["line"]),
            text=text,
            file_sha256=str(meta.get("file_sha256", "")),
            outlet=str(meta.get("outlet") or ""),
            author=str(meta.get("author") or ""),
            published=str(meta.get("published") or ""),
            url=str(meta.get("url") or ""),
            kind=str(meta.get("kind") or ""),
            page=int(meta.get("page") or 0),
        )


def day_number(published: str) -> int:
    """``YYYY-MM-DD`` as the number YYYYMMDD (0 when there is no date), for range filters."""
    digits = published.replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


@dataclass(frozen=True)
class SourceRecord:
    """What the store holds for one source file."""

    source: str
    root: str
    file_sha256: str
    chunk_ids: tuple[str, ...]
