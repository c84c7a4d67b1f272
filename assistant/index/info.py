"""What ``factcheck info`` says about a store, read without changing or creating anything.

Unlike opening the store, describing it does not insist on the configured embedding
model, and a store that cannot be read is reported with the reason instead of raised.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import FactCheckError
from assistant.index.connection import open_local, server_of
from assistant.index.faults import fault_kind, is_control
from assistant.index.folder import keyword_path

if TYPE_CHECKING:
    from assistant.settings import Settings


@dataclass(frozen=True)
class StoreInfo:
    """What ``factcheck info`` reports about a store, read without changing it."""

    location: str
    backend: str  # "local" or "server"
    collection: str
    exists: bool
    embedding_model: str | None = None
    files: int = 0  # files with chunks in the store
    chunks: int = 0
    folders: tuple[str, ...] = ()
    last_ingest: str | None = None  # ISO 8601, UTC
    problem: str | None = None  # why the store could not be read, if it could not
    complete_files: int = 0  # of ``files``, those the last ingest finished writing
    unfinished_ingest: bool = False  # an ingest was interrupted (or is running now)


def inspect_store(settings: Settings) -> StoreInfo:
    """Describe the store the settings name, whatever model built it.

    Unlike :class:`assistant.index.store.Store`, this never creates anything and does not
    insist on the configured embedding model: it reports what is there.
    """
    server = server_of(settings)
    path = Path(settings.store)
    base = StoreInfo(
        location=server.url if server else str(path),
        backend="server" if server else "local",
        collection=settings.collection,
        exists=False,
    )
    if server is None and not (path / "chroma.sqlite3").exists():
        if path.exists() and not path.is_dir():
            return replace(base, problem="the store path is a file, not a folder")
        return base
    opened = path
    try:
        if server:
            client = server.client()
        else:
            client, opened, _ = open_local(path)
        if settings.collection not in {c.name for c in client.list_collections()}:
            return base
        collection = client.get_collection(settings.collection, embedding_function=None)
        meta = collection.metadata or {}
        chunks = int(collection.count())
    except BaseException as exc:
        if isinstance(exc, FactCheckError):
            return replace(base, problem=str(exc))
        if is_control(exc):
            raise
        return replace(base, problem=f"cannot read the store ({fault_kind(exc)})")
    complete: set[tuple[str, str]] = set()
    present: set[tuple[str, str]] | None = None
    last: str | None = None
    dirty = False
    index_file = keyword_path(opened, server, settings.collection)
    if index_file.exists():
        from assistant.index.lexical import LexicalIndex

        index = LexicalIndex(index_file)
        try:
            complete = set(index.files())
            last = index.get_marker("last_ingest")
            dirty = index.get_marker("dirty") == "1"
            if len(index) == chunks:
                present = index.source_keys()
        finally:
            index.close()
    try:
        if present is None:
            present = _sources_in(collection, chunks)
    except BaseException as exc:
        if is_control(exc):
            raise
        return replace(base, problem=f"cannot read the store ({fault_kind(exc)})")
    # Files are counted from the chunks, not from the manifest of finished files: an
    # ingest killed part-way leaves chunks of files it never recorded as done, and
    # "0 files, 256 chunks" would say the store is empty when it answers from them.
    done = len(complete & present)
    return replace(
        base,
        exists=True,
        embedding_model=meta.get("embedding_model"),
        files=len(present),
        chunks=chunks,
        folders=tuple(sorted({root for root, _ in present})),
        last_ingest=last,
        complete_files=done,
        unfinished_ingest=dirty or done < len(present),
    )


_PAGE = 5000  # chunk records read from Chroma at a time, so memory stays bounded


def _sources_in(collection: Any, count: int) -> set[tuple[str, str]]:
    """Every (root, source) with chunks in the collection, from the chunks' own metadata.

    Read only when the keyword index is missing or out of step with the collection
    (an interrupted ingest, a server another machine writes to).
    """
    out: set[tuple[str, str]] = set()
    for offset in range(0, count, _PAGE):
        got = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
        for m in got.get("metadatas") or []:
            if m and isinstance(m.get("root"), str) and isinstance(m.get("source"), str):
                out.add((m["root"], m["source"]))
    return out
