"""Reaching Chroma: a client for a server or for a local folder, always opened the same way.

Chroma keeps one client per path per process and caches one that failed to open, so
every local client is built here and a failed one is forgotten here. A store this
process cannot write is read from a private copy, and a local store too damaged to open
is set aside (kept, renamed) so a rebuild can start afresh.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import DiskFullError, StoreError
from assistant.index.faults import fault_kind, is_control, is_disk_full, is_read_only
from assistant.index.folder import writable

if TYPE_CHECKING:
    from assistant.settings import Settings


@dataclass(frozen=True)
class ChromaServer:
    """Where a Chroma server is, and how to authenticate to it (the token is secret)."""

    url: str
    token: str | None = None
    token_header: str = "Authorization"

    def client(self) -> Any:
        """A ``chromadb.HttpClient`` for this server; telemetry off."""
        from urllib.parse import urlsplit

        import chromadb
        from chromadb.config import Settings as ChromaSettings

        parts = urlsplit(self.url if "://" in self.url else f"http://{self.url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"not a Chroma server URL: {self.url} (expected http://host:port)")
        ssl = parts.scheme == "https"
        headers = {}
        if self.token:
            value = (
                f"Bearer {self.token}"
                if self.token_header.lower() == "authorization"
                else self.token
            )
            headers[self.token_header] = value
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if ssl else 8000),
            ssl=ssl,
            headers=headers or None,
            settings=ChromaSettings(anonymized_telemetry=False),
        )


def set_aside(path: Path) -> Path:
    """Rename a damaged store folder out of the way (kept, not deleted)."""
    import time

    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        path.rename(aside)
    except OSError as exc:
        raise StoreError(
            f"cannot rebuild the damaged store at {path} ({exc.strerror}); move or delete "
            "it and run `factcheck ingest` again"
        ) from exc
    forget_client(path)
    return aside


def forget_client(path: Path) -> None:
    """Drop Chroma's in-process cache of the client for ``path``.

    Chroma keeps one "system" per path per process, and one that failed to open stays
    cached, so every later client for the path fails the same way. Its public
    ``clear_system_cache()`` drops every path (breaking other open stores), so this
    removes just ours from the private cache, and does nothing if that has changed.
    """
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        if system is not None:
            system.stop()
    except Exception:  # best effort: only a retry in the same process needs it
        pass


def persistent_client(path: Path) -> Any:
    """A Chroma client for ``path``, always with the same settings.

    Chroma keeps one client per path per process and refuses a second one with other
    settings, so every caller must build it here. Telemetry is off: nothing may try the
    network.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    )


READ_ONLY = "read-only"  # why a store is read from a private copy
DISK_FULL = "disk-full"


def _snapshot(path: Path, why: str = READ_ONLY) -> Path:
    """A private copy of a store this process cannot write, to read it from.

    Chroma (1.x) writes to its database whenever it opens one, even to only read it,
    and fails on a read-only folder, or on a full disk; a copy in a private temporary
    folder lets such a store (a read-only mount, another user's store, a store on a
    full disk) answer all the same. The copy is deleted when the process exits, and the
    original is never written.

    Raises:
        StoreError: The store cannot be read, or there is no room for the copy.
    """
    import atexit
    import shutil
    import tempfile

    from assistant.index.space import RESERVE_NAME

    try:
        tmp = Path(tempfile.mkdtemp(prefix="factcheck-readonly-"))  # 0700
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        raise _no_room_for_copy(path, why, Path(tempfile.gettempdir())) from exc
    copy = tmp / "store"
    try:
        # Lock files are not data, and another process may hold them; an ingest's
        # reserve is empty room. The copy is this user's to write: a store made
        # read-only by its modes (chmod -R a-w) would otherwise pass them on, and
        # Chroma would refuse the copy as well.
        shutil.copytree(
            path,
            copy,
            ignore=shutil.ignore_patterns("*.lock", RESERVE_NAME),
            copy_function=shutil.copyfile,
        )
        for folder, _, files in os.walk(copy):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if is_control(exc):
            raise
        if is_disk_full(exc):
            raise _no_room_for_copy(path, why, tmp.parent) from exc
        raise StoreError(
            f"cannot read the store at {path} ({fault_kind(exc)}): it is not readable by you"
        ) from exc

    def _remove() -> None:
        forget_client(copy)
        shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(_remove)
    return copy


def _no_room_for_copy(path: Path, why: str, tmp: Path) -> DiskFullError:
    if why == DISK_FULL:
        return DiskFullError(
            f"no space left on the disk holding the store at {path}, where Chroma needs a "
            f"little even to read a store, nor in {tmp} for a private copy to read it from: "
            "free some space, or set TMPDIR to a folder on another disk"
        )
    return DiskFullError(
        f"the store at {path} is read-only, and there is no space in {tmp} "
        "for the private copy it is read from: free some space or set TMPDIR"
    )


def open_local(path: Path, *, copy_when_full: bool = True) -> tuple[Any, Path, str | None]:
    """A Chroma client for the local store at ``path``: (client, folder opened, why a copy).

    A store this process cannot write, or one on a disk too full for Chroma to open it
    (it writes a row whenever it opens a database), is read from a private copy (see
    :func:`_snapshot`), so reading it never needs the write lock or writes markers. The
    third value says why (:data:`READ_ONLY`, :data:`DISK_FULL`), or is None.

    Args:
        path: The store folder.
        copy_when_full: Read a store on a full disk from a copy (not for an ingest,
            which could not write it anyway: the disk-full error is raised instead).
    """
    why = READ_ONLY
    if writable(path):
        try:
            return persistent_client(path), path, None
        except BaseException as exc:
            if is_control(exc):
                raise
            if is_disk_full(exc) and copy_when_full:
                why = DISK_FULL
            elif not is_read_only(exc):
                raise
            forget_client(path)  # a failed open stays cached otherwise
    copy = _snapshot(path, why)
    return persistent_client(copy), copy, why


def server_of(settings: Settings) -> ChromaServer | None:
    """The Chroma server the settings name, if any."""
    if not settings.chroma_url:
        return None
    token = settings.chroma_token.get_secret_value() if settings.chroma_token else None
    return ChromaServer(settings.chroma_url, token, settings.chroma_token_header)
