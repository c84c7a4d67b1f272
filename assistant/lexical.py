"""The keyword side of retrieval: BM25 over the same chunks as Chroma, in SQLite FTS5.

Scoring is SQLite's (FTS5's ``bm25()``: k1=1.2, b=0.75). What is ours is the analysis:
each chunk is stored as its normalised terms (:mod:`assistant.terms`), so "5" finds
"five" and "killed?" finds "killed". FTS5 adds and deletes documents in place, inside
transactions, so the index lives in a file beside the vectors and grows with them: one
new article costs one article's work, and an interrupted ingest leaves a consistent
index that the next ingest brings back in line with the vectors.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from assistant.store import StoredChunk
from assistant.terms import terms

SCHEMA_VERSION = "1"
_COLUMNS = ("id", "source", "root", "title", "start", "end", "line", "text", "file_sha256")


class LexicalIndex:
    """BM25 keyword search and document frequencies for weighting terms.

    Args:
        path: The index file; None keeps it in memory (tests, small throwaway corpora).
        chunks: Chunks to add right away.
    """

    def __init__(self, path: Path | None = None, chunks: Iterable[StoredChunk] = ()) -> None:
        self.path = path
        # check_same_thread=False: LangChain may call a retriever from a worker thread.
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL") if path else None
        cols = ", ".join(f'"{c}" UNINDEXED' for c in _COLUMNS)
        with self._db:
            self._db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5({cols}, body, "
                "tokenize=\"unicode61 tokenchars '.'\")"
            )
            self._db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(chunks, 'row')"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        self._df_cache: dict[str, int] = {}
        self._count: int | None = None
        if chunks:
            self.add(list(chunks))

    # -- writing ---------------------------------------------------------------------

    def add(self, chunks: Sequence[StoredChunk]) -> None:
        """Add chunks (replacing any with the same id), in one transaction."""
        if not chunks:
            return
        with self._db:
            self._db.executemany("DELETE FROM chunks WHERE id = ?", [(c.id,) for c in chunks])
            self._db.executemany(
                f"INSERT INTO chunks ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in _COLUMNS)}, "
                "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.id, c.source, c.root, c.title, c.start, c.end, c.line, c.text,
                     c.file_sha256, " ".join(terms(c.text)) or "\x00")
                    for c in chunks
                ],
            )  # fmt: skip
        self._invalidate()

    def delete(self, ids: Iterable[str]) -> None:
        """Remove chunks by id, in one transaction."""
        ids = list(ids)
        if not ids:
            return
        with self._db:
            self._db.executemany("DELETE FROM chunks WHERE id = ?", [(i,) for i in ids])
        self._invalidate()

    def _invalidate(self) -> None:
        self._df_cache.clear()
        self._count = None

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    # -- reading ---------------------------------------------------------------------

    def ids(self) -> set[str]:
        """Every chunk id in the index."""
        return {row[0] for row in self._db.execute("SELECT id FROM chunks")}

    def __len__(self) -> int:
        if self._count is None:
            self._count = int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])
        return self._count

    def df(self, term: str) -> int:
        """How many chunks contain ``term``."""
        if term not in self._df_cache:
            row = self._db.execute("SELECT doc FROM vocab WHERE term = ?", (term,)).fetchone()
            self._df_cache[term] = int(row[0]) if row else 0
        return self._df_cache[term]

    def idf(self, term: str) -> float:
        """BM25's idf for ``term``, used to weigh question terms by rarity.

        A term in no chunk weighs as much as the rarest term that is present: one
        unknown word must not outweigh the rest of a question.
        """
        n = len(self)
        df = max(self.df(term), 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> list[tuple[StoredChunk, float]]:
        """Top ``k`` chunks for ``query`` with their BM25 scores (higher is better)."""
        wanted = [t for t in dict.fromkeys(terms(query)) if self.df(t) > 0]
        if not wanted or k <= 0:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in wanted)
        cols = ", ".join(f'"{c}"' for c in _COLUMNS)
        rows = self._db.execute(
            f"SELECT {cols}, bm25(chunks) FROM chunks WHERE chunks MATCH ? "
            "ORDER BY bm25(chunks), id LIMIT ?",
            (match, k),
        ).fetchall()
        return [
            (
                StoredChunk(
                    id=r[0], source=r[1], root=r[2], title=r[3], start=int(r[4]),
                    end=int(r[5]), line=int(r[6]), text=r[7], file_sha256=r[8],
                ),
                -float(r[9]),  # FTS5's bm25() is lower-is-better
            )
            for r in rows
        ]  # fmt: skip
