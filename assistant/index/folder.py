"""The local store folder: where its files lie, that it stays private, and its write lock.

A store is a folder (or, with a Chroma server, a local folder beside it for the keyword
index): it must be a folder, it holds the text of everything ingested so it is kept
user-only (0700), and one process at a time may write it, which a lock file beside the
keyword index enforces across processes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import StoreBusyError, StoreError
from assistant.index.faults import (
    NOTHING_WRITTEN,
    disk_full_error,
    is_disk_full,
    is_read_only,
    read_only_error,
)

if TYPE_CHECKING:
    from assistant.index.connection import ChromaServer


LOCK_WAIT_SECONDS = 600.0  # how long a second ingest waits for the first to finish


def keyword_path(path: Path, server: ChromaServer | None, collection: str) -> Path:
    """Where the keyword index of a store lives (always a local file)."""
    return _local_file(path, server, collection, "keyword", ".sqlite3")


def record_path(path: Path, server: ChromaServer | None, collection: str) -> Path:
    """Where the record of the folders a store was built from lives (always a local file).

    In the store folder; for a Chroma server, in the local folder beside the keyword
    index, one per server and collection (see :mod:`assistant.index.record`).
    """
    return _local_file(path, server, collection, "ingested-folders", ".json")


def _local_file(
    path: Path, server: ChromaServer | None, collection: str, stem: str, suffix: str
) -> Path:
    if server is None:
        return Path(path) / f"{stem}{suffix}"
    import hashlib

    tag = hashlib.sha256(f"{server.url}|{collection}".encode()).hexdigest()
    return Path(path) / f"{stem}-{tag[:16]}{suffix}"


def check_store_folder(path: Path) -> None:
    """Refuse a store path that exists but is not a folder (one line, not a traceback).

    Raises:
        StoreError: ``path`` is a file (or another non-folder).
    """
    if path.exists() and not path.is_dir():
        raise StoreError(
            f"the store path {path} is a file, not a folder: choose another with --store "
            "or FACTCHECK_STORE"
        )


def writable(path: Path) -> bool:
    """Whether this process may write the store folder and its database.

    ``os.access`` reports a read-only mount (EROFS) even to root, and another user's
    folder to anyone else.
    """
    return all(os.access(p, os.W_OK) for p in (path, path / "chroma.sqlite3") if os.path.lexists(p))


def tighten(folder: Path) -> str | None:
    """Make an existing store folder user-only (0700); say why when that is not possible.

    The folder holds the text of everything ingested, so a folder made by hand (or by
    an older version) with the usual 0755 would let other users read the articles.

    Returns:
        None when the folder is private now, else a warning for the user.
    """
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077:
            os.chmod(folder, 0o700)
    except OSError as exc:
        return (
            f"the store folder {folder} can be read by other users and could not be made "
            f"private ({exc.strerror or exc}): run `chmod 700 {folder}`"
        )
    return None


@contextmanager
def write_lock(
    folder: Path,
    lock_file: Path,
    where: str,
    *,
    wait: bool,
    on_wait: Callable[[], None] | None = None,
    notices: list[str] | None = None,
) -> Iterator[None]:
    """Create the store folder if need be (0700), then hold its write lock.

    Args:
        folder: The store folder to create and write.
        lock_file: The lock file (beside the keyword index).
        where: The store's location, for messages.
        wait: Wait up to :data:`LOCK_WAIT_SECONDS` for another writer; otherwise fail
            at once.
        on_wait: Called once if another writer holds the lock and this one waits.
        notices: Where a warning about a folder that could not be made private goes.

    Raises:
        StoreBusyError: Another process holds the lock (after waiting, if asked).
        StoreReadOnlyError: The folder or its lock file cannot be written.
        DiskFullError: No room to create the folder or the lock file.
        StoreError: The folder cannot be created for another reason.
    """
    from filelock import FileLock, Timeout

    check_store_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full_error(where, NOTHING_WRITTEN) from exc
        if is_read_only(exc):
            raise read_only_error(where, f"cannot create it: {exc.strerror}") from exc
        raise StoreError(f"cannot create the store at {where} ({exc.strerror or exc})") from exc
    if not os.access(folder, os.W_OK):
        raise read_only_error(where)
    warning = tighten(folder)
    if warning and notices is not None and warning not in notices:
        notices.append(warning)
    lock = FileLock(str(lock_file))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if not wait:
                raise
            if on_wait:
                on_wait()
            lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout as exc:
        raise StoreBusyError(
            f"another factcheck ingest is writing to the store at {where}"
            + (f" (waited {LOCK_WAIT_SECONDS:.0f} s)" if wait else "")
            + "; try again when it has finished"
        ) from exc
    # filelock's Timeout is a TimeoutError, itself an OSError: it is handled above.
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full_error(where, NOTHING_WRITTEN) from exc
        raise read_only_error(where, f"cannot create its lock file: {exc.strerror}") from exc
    try:
        yield
    finally:
        lock.release()
