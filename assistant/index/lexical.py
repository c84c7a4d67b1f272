"""The keyword side of retrieval: BM25 over the same chunks as Chroma, in SQLite FTS5.

Scoring is SQLite's (FTS5's ``bm25()``: k1=1.2, b=0.75). What is ours is the analysis:
each chunk is stored as its normalised terms (:mod:`assistant.index.terms`), so "5" finds
"five" and "killed?" finds "killed". FTS5 adds and deletes documents in place, inside
transactions, so the index lives in a file beside the vectors and grows with them: one
new article costs one article's work, and an interrupted ingest leaves a consistent
index that the next ingest brings back in line with the vectors.

The same file keeps the ingest manifest (which files are fully ingested, at which
hash), so re-ingesting an unchanged corpus reads no chunk from Chroma, and a few
markers (``dirty``, ``generation``) that tell when the index may be out of step with
the vectors and must be repaired from them.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.index.schema import StoredChunk
from assistant.index.terms import terms

# 3: the manifest is keyed by (root, source): two folders may hold files of one name.
# 4: each chunk keeps its article's outlet, author, date, URL, reader and page.
SCHEMA_VERSION = "4"
# How chunks are turned into terms, recorded apart from the tables' layout: when only
# this changes, each chunk's terms are read again from its stored text, and the
# manifest and markers are kept (no refill from the vectors, no file read again).
# 2: text is read as a reader sees it (no zero-width characters, ASCII for full-width
#    ones: assistant.index.normalise).
TERMS_VERSION = "2"
_REINDEX_BATCH = 1000  # chunks read into memory at a time when terms are read again
_LOOKUP_BATCH = 500  # ids a query names at once (SQLite allows 999 parameters)
_COLUMNS = (
    "id", "source", "root", "title", "start", "end", "line", "text", "file_sha256",
    "outlet", "author", "published", "url", "kind", "page",
)  # fmt: skip
_INTEGERS = ("start", "end", "line", "page")
_SELECT = ", ".join(f'd."{c}"' for c in _COLUMNS)
_INSERT = (
    f"INSERT INTO docs ({', '.join(chr(34) + c + chr(34) for c in _COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)
# How many postings one BM25 query may score. FTS5 scores every chunk that matches any
# term, so at 100k chunks a question with a few common words scores most of the corpus
# (94 ms measured, against 6 ms for its two rarest terms). Terms are taken rarest first
# while their document counts fit the budget; the commonest, which add least to BM25
# (lowest idf), are the ones left out, and the rarest is always kept. Corpora under
# this size are never pruned.
POSTINGS_BUDGET = 20_000
_NOT_TERMS = frozenset(("", "\x00"))  # what splitting a stored body gives beside its terms


@dataclass(frozen=True)
class FileRecord:
    """A file fully ingested: where it was, its hash, and how many chunks it gave."""

    source: str
    root: str
    sha256: str
    chunks: int


def _row_to_chunk(r: Sequence[Any]) -> StoredChunk:
    return StoredChunk(
        id=r[0], source=r[1], root=r[2], title=r[3], start=int(r[4]), end=int(r[5]),
        line=int(r[6]), text=r[7], file_sha256=r[8], outlet=r[9] or "", author=r[10] or "",
        published=r[11] or "", url=r[12] or "", kind=r[13] or "", page=int(r[14] or 0),
    )  # fmt: skip


def _row_of(c: StoredChunk) -> tuple[Any, ...]:
    return (
        c.id, c.source, c.root, c.title, c.start, c.end, c.line, c.text, c.file_sha256,
        c.outlet, c.author, c.published, c.url, c.kind, c.page,
    )  # fmt: skip


class LexicalIndex:
    """BM25 keyword search, document frequencies for weighting terms, and the manifest.

    Args:
        path: The index file; None keeps it in memory (tests, small throwaway corpora).
        chunks: Chunks to add right away.
    """

    def __init__(self, path: Path | None = None, chunks: Iterable[StoredChunk] = ()) -> None:
        self.path = path
        # check_same_thread=False: LangChain may call a retriever from a worker thread.
        # timeout: another process may be writing (an ingest); wait for it rather than fail.
        self._db = sqlite3.connect(
            str(path) if path else ":memory:", check_same_thread=False, timeout=30.0
        )
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._create()
        self._df_cache: dict[str, int] = {}
        self._count: int | None = None
        if chunks:
            self.add(list(chunks))

    def _create(self) -> None:
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        version = None
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = row[0] if row else None
        with self._db:
            if tables and version != SCHEMA_VERSION:
                # An index from another version: it is derived data, so start it afresh;
                # the store refills it from the vectors.
                for name in ("vocab", "fts", "chunks", "docs", "files", "meta"):
                    self._db.execute(f"DROP TABLE IF EXISTS {name}")
            cols = ", ".join(
                f'"{c}" INTEGER' if c in _INTEGERS else f'"{c}" TEXT' for c in _COLUMNS[1:]
            )
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, "
                f"id TEXT UNIQUE NOT NULL, {cols})"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS docs_source ON docs(source, root)")
            self._db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, "
                "tokenize=\"unicode61 tokenchars '.'\")"
            )
            self._db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row')")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS files (source TEXT, root TEXT, "
                "sha256 TEXT, chunks INTEGER, PRIMARY KEY (root, source))"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        if self.get_marker("terms_version") != TERMS_VERSION:
            self._reindex_terms()

    def _reindex_terms(self) -> None:
        """Read every chunk's terms again from its stored text, in one transaction.

        Raises:
            sqlite3.OperationalError: The file cannot be written (a read-only store: the
                caller answers from an index in memory instead).
        """
        with self._db:
            self._db.execute("DELETE FROM fts")
            last = -1
            while rows := self._db.execute(
                "SELECT rowid, text FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, _REINDEX_BATCH),
            ).fetchall():
                self._db.executemany(
                    "INSERT INTO fts (rowid, body) VALUES (?, ?)",
                    [(rowid, " ".join(terms(text)) or "\x00") for rowid, text in rows],
                )
                last = rows[-1][0]
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('terms_version', ?)", (TERMS_VERSION,)
            )

    # -- writing ---------------------------------------------------------------------

    def _delete_ids(self, ids: Sequence[str]) -> None:
        rows = [(i,) for i in ids]
        self._db.executemany(
            "DELETE FROM fts WHERE rowid = (SELECT rowid FROM docs WHERE id = ?)", rows
        )
        self._db.executemany("DELETE FROM docs WHERE id = ?", rows)

    def add(self, chunks: Sequence[StoredChunk]) -> None:
        """Add chunks (replacing any with the same id), in one transaction."""
        if not chunks:
            return
        with self._db:
            self._delete_ids([c.id for c in chunks])
            for c in chunks:
                cur = self._db.execute(_INSERT, _row_of(c))
                self._db.execute(
                    "INSERT INTO fts (rowid, body) VALUES (?, ?)",
                    (cur.lastrowid, " ".join(terms(c.text)) or "\x00"),
                )
        self._invalidate()

    def delete(self, ids: Iterable[str]) -> None:
        """Remove chunks by id, in one transaction."""
        ids = list(ids)
        if not ids:
            return
        with self._db:
            self._delete_ids(ids)
        self._invalidate()

    def _invalidate(self) -> None:
        self._df_cache.clear()
        self._count = None

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    # -- the manifest and markers -------------------------------------------------------

    def files(self) -> dict[tuple[str, str], FileRecord]:
        """Every file recorded as fully ingested, by (root, source).

        A source is its folder and its path in it: two ingested folders may each hold
        a ``report.txt``, and they are two articles.
        """
        return {
            (r[1], r[0]): FileRecord(r[0], r[1], r[2], int(r[3]))
            for r in self._db.execute("SELECT source, root, sha256, chunks FROM files")
        }

    def record_files(
        self, records: Iterable[FileRecord], removed: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Record files as fully ingested (and forget removed (root, source) pairs), at once."""
        with self._db:
            self._db.executemany(
                "DELETE FROM files WHERE root = ? AND source = ?", [tuple(k) for k in removed]
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO files (source, root, sha256, chunks) VALUES (?, ?, ?, ?)",
                [(r.source, r.root, r.sha256, r.chunks) for r in records],
            )

    def chunk_ids(self, root: str, source: str) -> set[str]:
        """The ids of one source's chunks (the file ``source`` in the folder ``root``)."""
        return {
            r[0]
            for r in self._db.execute(
                "SELECT id FROM docs WHERE source = ? AND root = ?", (source, root)
            )
        }

    def file_of(self, chunk_id: str) -> tuple[str, str] | None:
        """(root, file hash) recorded with a chunk, or None if the chunk is not here."""
        row = self._db.execute(
            "SELECT root, file_sha256 FROM docs WHERE id = ?", (chunk_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def source_keys(self) -> set[tuple[str, str]]:
        """Every source in the index, as (root, source)."""
        return {
            (str(r), str(s)) for r, s in self._db.execute("SELECT DISTINCT root, source FROM docs")
        }

    def sources(self) -> dict[tuple[str, str], tuple[str, set[str]]]:
        """Every source in the index, by (root, source): (file hash, chunk ids)."""
        out: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for chunk_id, source, root, sha in self._db.execute(
            "SELECT id, source, root, file_sha256 FROM docs"
        ):
            out.setdefault((root, source), (sha, set()))[1].add(chunk_id)
        return out

    def forget_unbacked_files(self) -> None:
        """Drop manifest rows that the chunks no longer bear out (after a repair)."""
        with self._db:
            self._db.execute(
                "DELETE FROM files WHERE NOT EXISTS (SELECT 1 FROM docs WHERE "
                "docs.source = files.source AND docs.root = files.root AND "
                "docs.file_sha256 = files.sha256) "
                "OR EXISTS (SELECT 1 FROM docs WHERE docs.source = files.source AND "
                "docs.root = files.root AND docs.file_sha256 != files.sha256)"
            )

    def get_marker(self, key: str) -> str | None:
        """A value from the index's own metadata (``dirty``, ``generation``)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_markers(self, **values: str) -> None:
        """Set metadata values, in one transaction (committed before returning)."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    # -- reading ---------------------------------------------------------------------

    def ids(self) -> set[str]:
        """Every chunk id in the index."""
        return {row[0] for row in self._db.execute("SELECT id FROM docs")}

    def __len__(self) -> int:
        if self._count is None:
            self._count = int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])
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

    def query_terms(self, query: str) -> list[str]:
        """The query's terms worth scoring: in the index, informative, within the budget.

        A term in at least half the chunks is left out when the query has a rarer one:
        FTS5's bm25() gives such a term an idf of 1e-6 (its formula goes negative there
        and is clamped), so it moves no score, yet every chunk holding it is scored. A
        query of only such terms keeps them, as their tiny weights are all it has. Then
        terms are taken rarest first while the chunks they occur in fit
        :data:`POSTINGS_BUDGET` (the rarest always). The result keeps the query's order.
        """
        present = [t for t in dict.fromkeys(terms(query)) if self.df(t) > 0]
        # df >= n/2 is exactly where log((n - df + 0.5) / (df + 0.5)) <= 0.
        informative = [t for t in present if 2 * self.df(t) < len(self)]
        wanted = informative or present
        kept: set[str] = set()
        postings = 0
        for t in sorted(wanted, key=self.df):
            if kept and postings + self.df(t) > POSTINGS_BUDGET:
                break
            kept.add(t)
            postings += self.df(t)
        return [t for t in wanted if t in kept]

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, StoredChunk]:
        """The chunks with these ids that this index holds (the others are left out)."""
        out: dict[str, StoredChunk] = {}
        for at in range(0, len(ids), _LOOKUP_BATCH):
            part = list(ids[at : at + _LOOKUP_BATCH])
            rows = self._db.execute(
                f"SELECT {_SELECT} FROM docs AS d WHERE d.id IN ({', '.join('?' * len(part))})",
                part,
            )
            out.update((r[0], _row_to_chunk(r)) for r in rows)
        return out

    def stored_terms(self, chunks: Iterable[StoredChunk]) -> dict[str, frozenset[str]]:
        """The terms of each chunk's text as this index stored them, by chunk id.

        The same as ``frozenset(terms(chunk.text))`` (the body is those terms, read again
        whenever :data:`TERMS_VERSION` changes), read back instead of computed: the
        hybrid search weighs up to a hundred candidates a question, and tokenising them
        again was the costliest step of a search. A chunk that is not here, or is here
        with other text (an index out of step), is left out: the caller tokenises it.
        """
        wanted = {c.id: c.text for c in chunks}
        ids = list(wanted)
        out: dict[str, frozenset[str]] = {}
        for at in range(0, len(ids), _LOOKUP_BATCH):
            part = ids[at : at + _LOOKUP_BATCH]
            rows = self._db.execute(
                "SELECT d.id, d.text, f.body FROM docs AS d JOIN fts AS f ON f.rowid = d.rowid "
                f"WHERE d.id IN ({', '.join('?' * len(part))})",
                part,
            )
            for chunk_id, text, body in rows:
                if text == wanted[chunk_id]:
                    # "\x00" stands for a chunk without terms (FTS5 needs a body).
                    out[chunk_id] = frozenset(body.split(" ")) - _NOT_TERMS
        return out

    def search(
        self, query: str, k: int, where: tuple[str, list[Any]] | None = None
    ) -> list[tuple[StoredChunk, float]]:
        """Top ``k`` chunks for ``query`` with their BM25 scores (higher is better).

        Args:
            query: The search words.
            k: How many chunks.
            where: An SQL condition on the chunk table (alias ``d``) and its values, to
                rank only some articles' chunks (see :mod:`assistant.index.filters`).
        """
        wanted = self.query_terms(query)
        if not wanted or k <= 0:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in wanted)
        condition, values = where or ("1", [])
        if where is None:
            inner = "WHERE fts MATCH ?"
        else:  # filtered before the LIMIT, so k of the chosen articles' chunks come back
            inner = (
                f"WHERE fts MATCH ? AND rowid IN (SELECT d.rowid FROM docs AS d WHERE {condition})"
            )
        rows = self._db.execute(
            f"SELECT {_SELECT}, r.score FROM (SELECT rowid, bm25(fts) AS score FROM fts "
            f"{inner} ORDER BY score, rowid LIMIT ?) AS r "
            "JOIN docs AS d ON d.rowid = r.rowid ORDER BY r.score, r.rowid",
            (match, *values, k),
        ).fetchall()
        # FTS5's bm25() is lower-is-better.
        return [(_row_to_chunk(r), -float(r[len(_COLUMNS)])) for r in rows]

    def publishers(self) -> set[tuple[str, str]]:
        """Every (outlet, author) pair of the chunks here, to resolve ``--outlet`` names."""
        return {
            (str(o or ""), str(a or ""))
            for o, a in self._db.execute("SELECT DISTINCT outlet, author FROM docs")
        }
