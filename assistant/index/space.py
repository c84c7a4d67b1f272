"""Room on the disk holding a local store: what an ingest needs, and a reserve to undo it.

An ingest that fills the disk must take its chunks back out, and taking them out needs
room too: Chroma logs each delete and rewrites its segments before anything shrinks.
So an ingest checks, before its first write, that the disk holds what it will write
plus what undoing it would take, keeps the latter aside in a reserve file, and checks
again before each batch. It stops before the disk is full, and if something else fills
the disk meanwhile, releasing the reserve leaves room to undo the run.

The figures are measured (Chroma 1.5, the packaged 384-dimension model, chunks of about
600 characters, on tmpfs where ``df`` counts every byte, with a second process polling
the disk): a stored chunk costs 8.3 KB (Chroma's database 5.4 KB: its log, metadata and
trigram full-text index; the HNSW files 1.5 KB; the keyword index 1.5 KB), and Chroma's
journals and log take up to 7 MB more in passing (1.7 MB adding 1,200 chunks to a new
store, 6.9 MB adding 3,600 to it, 6.6 MB adding 4,800 more to that), whatever the size
of the store. Deleting chunks again needed 2.4-3.4 KB a chunk of free room (4,096
chunks: 9.8-13.9 MB), as Chroma first puts the vectors still in its log into the HNSW
files. The estimates below sit 15-30% above those measures (and above 6.6 KB a chunk
for shorter chunks with longer paths and 64-dimension vectors): ten times the text,
four times the metadata, two copies of the vector and 2 KB a chunk, and 8 MB in
passing, to write; twice the text and one and a half vectors a chunk, and 2 MB, to
undo.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.index.schema import StoredChunk

MiB = 2**20
IN_PASSING = 8 * MiB  # journals and write-ahead logs while a batch is written
RESERVE_NAME = "ingest.reserve"  # in the store folder while an ingest runs


def free_bytes(folder: Path) -> int:
    """Bytes this process may still write on the disk holding ``folder``."""
    return shutil.disk_usage(folder).free


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def write_cost(chunks: Sequence[StoredChunk], dim: int) -> int:
    """Bytes that storing these chunks with ``dim``-long vectors takes, at most.

    Chroma keeps each metadata field as a row of its own (with an index), so the
    metadata (the folder's path, the title) counts four times over.
    """
    total = 0
    for c in chunks:
        meta = sum(_bytes(k) + _bytes(str(v)) for k, v in c.metadata().items())
        total += 10 * _bytes(c.text) + 4 * meta + 8 * dim + 2048
    return total


def undo_cost(chunks: Sequence[StoredChunk], dim: int) -> int:
    """Free room that deleting those chunks again needs, before the files shrink."""
    return sum(2 * _bytes(c.text) + 6 * dim for c in chunks) + 2 * MiB


def mb(n: int) -> str:
    """Bytes as megabytes for a message (never "0 MB" for a few bytes)."""
    return f"{max(n / MiB, 0.1):,.1f} MB" if n < 10 * MiB else f"{n / MiB:,.0f} MB"


class Reserve:
    """A file holding room on the disk aside, so that undoing an ingest cannot run short.

    ``posix_fallocate`` claims the blocks without writing them (instant on ext4, XFS,
    btrfs and tmpfs); where the file system cannot, there is no reserve, and the
    checks before each batch are all that keeps the disk from filling.
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / RESERVE_NAME
        self.size = 0

    def hold(self, size: int) -> bool:
        """Claim ``size`` bytes; False when the disk has no room for them (nothing is kept).

        Raises:
            OSError: The file cannot be created for another reason than a full disk.
        """
        self.release()
        if not hasattr(os, "posix_fallocate") or size <= 0:
            return True
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError as exc:
            os.close(fd)
            self.path.unlink(missing_ok=True)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                return False
            if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                return True  # no reserve on this file system
            raise
        os.close(fd)
        self.size = size
        return True

    def release(self) -> None:
        """Give the room back (also removes a reserve left by a run that was killed)."""
        self.path.unlink(missing_ok=True)
        self.size = 0


def compact(
    db: sqlite3.Connection, folder: Path, full_text: Sequence[str] = (), *, rewrite: bool = True
) -> bool:
    """Give back to the disk the pages a database holds free, if the disk has room.

    Deleted rows leave an FTS5 index full of tombstones and the file full of free pages:
    ``optimize`` merges the full-text index, and VACUUM rewrites the file without them.
    Both write a copy of what is kept (VACUUM's in the temporary folder) and a journal or
    write-ahead log of it, so they run only when the disk holding ``folder`` has room
    for twice what is kept (in case the temporary folder is on it too).

    Args:
        db: The database (its write-ahead log, if any, is checkpointed and emptied first).
        folder: The folder on the disk the database is on.
        full_text: FTS5 tables in it to merge.
        rewrite: Merge and VACUUM (else only the write-ahead log is emptied).

    Returns:
        Whether it ran.
    """
    journal = str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if journal == "wal":  # give back what the log of the undone run took first
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = int(db.execute("PRAGMA page_count").fetchone()[0])
    unused = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    size = int(db.execute("PRAGMA page_size").fetchone()[0])
    if not rewrite or free_bytes(folder) < 2 * (pages - unused) * size + MiB:
        return False
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name in full_text:
        if name in tables:
            with db:
                db.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'optimize\')')
    db.execute("VACUUM")
    if journal == "wal":
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return True
