"""Which folders a store was built from, and when that record is trusted.

A citation is checked against the file its passage names: a folder and a path in it,
from the store's metadata. That metadata is not trusted to choose what is read: a store
someone handed over, or a shared Chroma server, could name ``/`` or ``~/.ssh``. Files
are read only under the folders that ``ingest`` recorded, in a record this user wrote
for this very store. It lives with the store, so the same store answers the same under
any ``HOME`` (it used to live in the home folder, and a store opened under another one
left its passages out):

- **a local store:** ``ingested-folders.json`` in the store folder, beside Chroma's files;
- **a Chroma server:** in the local store folder, beside the keyword index, one record
  per server URL and collection. The server is shared, so what this machine reads is
  never taken from it.

The record is trusted only when all of these hold:

- it is a regular file (not a link), and it and the store folder belong to the user
  running ``factcheck`` and cannot be written by group or others (the folder is kept
  0700 anyway): no one else could have written it;
- it names the store folder it was written for, by its inode, and that is the folder it
  is read from. Copying a store folder (``cp -r``, an unpacked archive, a store someone
  handed over) makes a folder with another inode, so the copy's record is not trusted:
  its passages are left out, with a notice saying why, until the user runs
  ``factcheck ingest`` on their folders (which embeds nothing again, only records). A
  store moved to another file system, or restored from a backup, asks the same once.
  The inode, not the path: a store renamed, or seen through a bind mount or a link,
  is the same store and answers the same. (Not the device number either: it can change
  when a file system is mounted again, as btrfs subvolumes and overlays are at boot.)

So the guarantee of the per-user record holds without it: a passage outside the folders
this user ingested into this store is never read. The per-user record of earlier
versions (``FACTCHECK_INGESTED_FOLDERS``) is still read, so stores built then keep
answering; the next ingest moves the folders it covers into the store's own record.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import StoreError
from assistant.index.connection import server_of
from assistant.index.faults import is_disk_full, is_read_only
from assistant.index.folder import record_path

if TYPE_CHECKING:
    from assistant.settings import Settings


@dataclass(frozen=True)
class Trust:
    """The folders citations may be read from, and why the store's record was not used.

    Attributes:
        folders: Resolved folders; a file is read only under one of them.
        problem: Why the store's own record was set aside (None: it was used, or there
            is none yet).
    """

    folders: frozenset[Path]
    problem: str | None = None


class StoreRecord:
    """The record of the folders ingested into one store, kept in the store's folder.

    Args:
        folder: The local store folder (for a Chroma server, the local folder beside it).
        path: The record file (see :func:`assistant.index.folder.record_path`).
    """

    def __init__(self, folder: Path, path: Path) -> None:
        self.folder = Path(folder)
        self.path = Path(path)

    @classmethod
    def of(cls, settings: Settings) -> StoreRecord:
        """The record of the store the settings name."""
        folder = Path(settings.store).expanduser()
        return cls(folder, record_path(folder, server_of(settings), settings.collection))

    def read(self) -> Trust:
        """The recorded folders if the record is trusted, else none and the reason."""
        try:
            folder = self.folder.resolve()
            info = folder.stat()
        except OSError:
            return Trust(frozenset())  # no store folder yet: nothing recorded
        try:
            # O_NOFOLLOW: a link put in the record's place is refused, not followed.
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return Trust(frozenset())  # a store from before stores kept their record
        except OSError as exc:
            return Trust(frozenset(), f"it cannot be opened ({exc.strerror or exc})")
        with os.fdopen(fd, "rb") as f:
            own = os.fstat(f.fileno())
            if not stat.S_ISREG(own.st_mode):
                return Trust(frozenset(), "it is not a regular file")
            problem = _not_private(own, "it") or _not_private(info, "the store folder")
            if problem:
                return Trust(frozenset(), problem)
            raw = f.read(2**20 + 1)
        try:
            data = json.loads(raw.decode("utf-8")) if len(raw) <= 2**20 else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("folders"), list):
            return Trust(frozenset(), "it is damaged")
        if data.get("inode") != info.st_ino:
            return Trust(
                frozenset(),
                "it was written for another store folder (a copy, or a store moved or restored)",
            )
        folders = frozenset(
            Path(f) for f in data["folders"] if isinstance(f, str) and Path(f).is_absolute()
        )
        return Trust(folders)

    def write(self, folders: Iterable[Path]) -> None:
        """Replace the record with ``folders``, for this store folder (atomic, 0600).

        The caller holds the store's write lock.

        Raises:
            OSError: The record cannot be written (a full disk, a read-only folder).
        """
        payload = {
            "inode": self.folder.resolve().stat().st_ino,
            "folders": sorted({str(Path(f)) for f in folders}),
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            tmp.replace(self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _not_private(info: os.stat_result, what: str) -> str | None:
    """Why a file or folder someone else could have written is not trusted, or None."""
    uid = getattr(os, "geteuid", None)
    if uid is not None and info.st_uid != uid():
        return f"{what} belongs to another user"
    if os.name == "posix" and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"other users can change {what}"
    return None


def trusted_folders(settings: Settings) -> Trust:
    """The folders citations may be read from, for the store the settings name.

    The store's own record when it is trusted, with the per-user record of earlier
    versions (``settings.ingested_folders``), which only this user could write.
    """
    from assistant.index.sources import IngestedFolders

    own = StoreRecord.of(settings).read()
    older = IngestedFolders(settings.ingested_folders).roots()
    return Trust(own.folders | older, own.problem)


def record_ingest(
    settings: Settings, folders: Iterable[Path], held: Iterable[Path]
) -> frozenset[Path]:
    """Add the folders being ingested to the store's record (before any chunk is written).

    Recorded first, so that what an interrupted ingest wrote still answers. Folders of
    the per-user record of earlier versions that this store holds passages from move in
    with them. A recorded folder is kept while it exists or the store holds passages
    from it (a drive unplugged for a while stays trusted); others are forgotten. A
    record that is not trusted is replaced, not merged: its folders are not this user's.

    Args:
        settings: Which store.
        folders: The folders being ingested (resolved).
        held: The folders the store holds passages from now (resolved).

    Returns:
        The folders recorded.

    Raises:
        OSError: The disk is full or the folder read-only (the store's write reports it).
        StoreError: The record cannot be written for another reason.
    """
    from assistant.index.sources import IngestedFolders

    record = StoreRecord.of(settings)
    before = record.read()
    held = set(held)

    def holds(folder: Path) -> bool:
        return any(r == folder or r.is_relative_to(folder) for r in held)

    older = {f for f in IngestedFolders(settings.ingested_folders).roots() if holds(f)}
    kept = {f for f in before.folders | older if holds(f) or f.is_dir()}
    recorded = frozenset(kept | set(folders))
    if recorded != before.folders or before.problem or not record.path.exists():
        try:
            record.write(recorded)
        except OSError as exc:
            if is_disk_full(exc) or is_read_only(exc):
                raise  # the store's write turns these into its own one-line errors
            raise StoreError(
                f"cannot write the record of ingested folders {record.path} ({exc.strerror or exc})"
            ) from exc
    return recorded
