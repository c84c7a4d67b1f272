"""Telling the store's faults apart, and the one-line errors they become.

The OS, SQLite and Chroma each report a full disk or a folder that cannot be written in
their own words; these helpers read the cause off an exception's chain, so the store can
say one line that names it, and never Chroma's own text (which may be a Rust panic's).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator

from assistant.errors import DiskFullError, FactCheckError, StoreReadOnlyError

_DISK_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")
_READ_ONLY = ("readonly database", "read-only file system", "permission denied")


def is_control(exc: BaseException) -> bool:
    """Whether ``exc`` must pass through untouched (Ctrl-C, exit, our own errors).

    Chroma's Rust core reports a crash as ``pyo3_runtime.PanicException``, which is a
    ``BaseException``: catching only ``Exception`` would let its panic text reach the
    user, so callers catch ``BaseException`` and let these through.
    """
    return isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | FactCheckError)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_disk_full(exc: BaseException) -> bool:
    """A full disk, as the OS (ENOSPC, EDQUOT), SQLite or Chroma reports it."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(t in str(e).lower() for t in _DISK_FULL):
            return True
    return False


def is_read_only(exc: BaseException) -> bool:
    """A write refused by the file system or permissions, as the OS or SQLite says it."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return True
        if any(t in str(e).lower() for t in _READ_ONLY):
            return True
    return False


def fault_kind(exc: BaseException) -> str:
    """The exception's type for a message: never its text (it may be a Rust panic's)."""
    name = type(exc).__name__
    return "Chroma crashed" if "panic" in name.lower() else name


# What a disk-full error says happened to the store, by when the disk filled up.
TAKEN_OUT = "what this ingest added was taken out again: the store answers as it did before"
NOTHING_WRITTEN = "nothing was written: the store answers as it did before"
LEFT_IN = (
    "some of what this ingest added could not be taken out again; the next `factcheck "
    "ingest` of the same folders, with room, finishes the job"
)


def disk_full_error(where: str, outcome: str = TAKEN_OUT) -> DiskFullError:
    """The one-line error for a full disk under the store at ``where`` during an ingest.

    Args:
        where: The store's location.
        outcome: What happened to the store (:data:`TAKEN_OUT`, :data:`NOTHING_WRITTEN`,
            :data:`LEFT_IN`, or a sentence of the same kind).
    """
    return DiskFullError(
        f"no space left on the disk holding the store at {where}: free some space and run "
        f"`factcheck ingest` again ({outcome})"
    )


def disk_full_reading_error(where: str) -> DiskFullError:
    """The one-line error for a store that cannot be read because its disk is full."""
    return DiskFullError(
        f"no space left on the disk holding the store at {where}, and Chroma needs a little "
        "to read a store: free some space there and ask again (the store itself is intact)"
    )


def is_compaction_failure(exc: BaseException) -> bool:
    """Chroma failing to apply its log to its segments, which it reports without a cause.

    Chroma's Rust core says only "Error in compaction: Failed to apply logs to the
    metadata segment" (or the vector segment) when SQLite or a segment file ran out of
    room: the caller decides from the free space whether that was a full disk.
    """
    return any("error in compaction" in str(e).lower() for e in _chain(exc))


def read_only_error(where: str, why: str = "it cannot be written") -> StoreReadOnlyError:
    """The one-line error for a store at ``where`` that cannot be written, and ``why``."""
    return StoreReadOnlyError(
        f"the store at {where} is read-only ({why}): ask, search and check still work; to "
        "ingest, use a store you can write (--store DIR) or ask its owner"
    )
