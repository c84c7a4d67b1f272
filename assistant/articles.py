"""The ingested files, named by opaque ids, read only through the project's source checks.

A door never names a file by a path it was given. The store's file list gives each
(folder, relative path) an id (a hash, so it says nothing about the disk); a request
names an id, and only an id in the list is read, through
:class:`~assistant.index.sources.SourceFiles` (trusted folders only, size-bounded, never
a FIFO) and only when the file still has the bytes that were ingested.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from assistant.app import FactCheck
    from assistant.index.sources import SourceFiles
    from assistant.reasoning.citations import Citation, Place

ID_LENGTH = 16


def article_id(root: str, source: str) -> str:
    """The opaque id of one ingested file."""
    return hashlib.sha256(f"{root}\x00{source}".encode()).hexdigest()[:ID_LENGTH]


@dataclass(frozen=True)
class Article:
    """One ingested file as the store lists it."""

    id: str
    root: str
    source: str
    sha256: str
    title: str
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""

    @property
    def publisher(self) -> str:
        """Who published it: the outlet, else the author ("" when the file does not say)."""
        return self.outlet or self.author


class NotServed(Exception):
    """The file may not or cannot be shown; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Articles:
    """The store's files for one request, and links from citations to them.

    Args:
        fc: The shared assistant (its store and trusted folders are used).
        sources: The request's reader (files are read once each).
    """

    def __init__(self, fc: FactCheck, sources: SourceFiles) -> None:
        self.fc = fc
        self.sources = sources
        records = fc.store.sources()
        # Titles are read only for the pages that show them, from one chunk per file:
        # every page builds this (for its citation links), and reading every chunk
        # would make each page cost as much as the whole corpus.
        self._first = {key: rec.chunk_ids[0] for key, rec in records.items() if rec.chunk_ids}
        self.by_id = {
            article_id(root, src): Article(article_id(root, src), root, src, rec.file_sha256, "")
            for (root, src), rec in records.items()
        }

    def _titled(self, articles: list[Article]) -> list[Article]:
        ids = [
            self._first[(a.root, a.source)] for a in articles if (a.root, a.source) in self._first
        ]
        firsts = {(c.root, c.source): c for c in self.fc.store.chunks(ids)}
        out = []
        for a in articles:
            c = firsts.get((a.root, a.source))
            if c is None:
                out.append(a)
                continue
            out.append(
                replace(
                    a,
                    title=c.title,
                    outlet=c.outlet,
                    author=c.author,
                    published=c.published,
                    url=c.url,
                )
            )
        return out

    def listing(self) -> list[Article]:
        """Every ingested file, by name, with its title."""
        return self._titled(sorted(self.by_id.values(), key=lambda a: (a.source, a.root)))

    def read(self, aid: str) -> tuple[Article, str]:
        """The article ``aid`` and its text now.

        Raises:
            NotServed: 404 when ``aid`` is not an ingested file; 410 when the file can no
                longer be read (gone, untrusted, too large, not text); 409 when it
                changed since it was ingested (offsets would no longer hold).
        """
        article = self.by_id.get(aid)
        if article is None:
            raise NotServed(404, "No ingested article has this id.")
        text = self.sources.text(article.root, article.source)
        if text is None:
            raise NotServed(410, self.sources.why(article.root, article.source))
        # The file's bytes, not its text: a web page's or PDF's text is derived from them.
        if self.sources.sha256(article.root, article.source) != article.sha256:
            raise NotServed(
                409,
                f"{article.source} changed since it was ingested; run `factcheck ingest` "
                "on its folder to bring the store up to date",
            )
        return self._titled([article])[0], text

    def link(self, place: Citation | Place) -> str | None:
        """The URL that opens ``place``'s article with its quote highlighted, or None."""
        matches = [a for a in self.by_id.values() if a.source == place.source]
        if len(matches) > 1:
            # Two ingested folders may hold a file of the same name: the one whose text
            # holds the quote at these offsets is the one cited.
            held = [
                a
                for a in matches
                if (self.sources.text(a.root, a.source) or "")[place.start : place.end]
                == place.quote
            ]
            matches = held or matches
        if not matches:
            return None
        query = urlencode({"start": place.start, "end": place.end})
        return f"/articles/{matches[0].id}?{query}#quote"
