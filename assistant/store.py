"""The persisted Chroma store: the only module that touches chromadb.

One collection holds every chunk with its vector and the metadata a citation needs
(source, root folder, title, offsets, line, the file's hash). The collection's own
metadata records which embedding model built it, so a query with another model is
refused instead of returning meaningless neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import EmbeddingMismatchError, StoreError

SCHEMA_VERSION = 1
_ADD_BATCH = 2000  # below Chroma's max batch size, and bounds memory per call


def _persistent_client(path: Path) -> Any:
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


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as kept in the store, with everything needed to cite it."""

    id: str
    source: str
    root: str
    title: str
    start: int
    end: int
    line: int
    text: str
    file_sha256: str

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
        )


@dataclass(frozen=True)
class SourceRecord:
    """What the store holds for one source file."""

    source: str
    root: str
    file_sha256: str
    chunk_ids: tuple[str, ...]


class Store:
    """A Chroma collection of article chunks, opened for one embedding model.

    Args:
        path: Folder of the persisted store.
        model_id: The embedding model in use; checked against the store's record.
        collection: Collection name.
        create: Create the store when it does not exist (ingest); otherwise a missing
            or empty store is an error that says to ingest first.

    """

    def __init__(
        self, path: Path, model_id: str, collection: str = "articles", *, create: bool = False
    ) -> None:
        self.path = Path(path)
        self.model_id = model_id
        self.collection_name = collection
        if not create and not (self.path / "chroma.sqlite3").exists():
            raise StoreError(f"no store at {self.path}: run `factcheck ingest` first")
        if create:
            # The store holds the text of everything ingested: keep it private.
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._client = self._open_client()
        self._collection = self._open_collection(create)

    def _open_client(self) -> Any:
        try:
            return _persistent_client(self.path)
        except Exception as exc:  # chromadb raises many types for a damaged folder
            raise StoreError(
                f"cannot open the store at {self.path} ({type(exc).__name__}): it may be "
                "corrupt or from another version; rebuild it with `factcheck ingest --rebuild`"
            ) from exc

    def _open_collection(self, create: bool) -> Any:
        try:
            existing = {c.name for c in self._client.list_collections()}
        except Exception as exc:
            raise StoreError(
                f"cannot read the store at {self.path} ({type(exc).__name__}); rebuild it "
                "with `factcheck ingest --rebuild`"
            ) from exc
        if self.collection_name not in existing:
            if not create:
                raise StoreError(f"the store at {self.path} is empty: run `factcheck ingest`")
            return self._client.create_collection(
                self.collection_name,
                embedding_function=None,
                metadata={
                    "embedding_model": self.model_id,
                    "schema_version": SCHEMA_VERSION,
                    "hnsw:space": "cosine",
                },
            )
        collection = self._client.get_collection(self.collection_name, embedding_function=None)
        meta = collection.metadata or {}
        built_with = meta.get("embedding_model")
        if built_with != self.model_id:
            raise EmbeddingMismatchError(
                f"the store at {self.path} was built with embedding model {built_with!r}, "
                f"but {self.model_id!r} is configured: re-ingest with "
                "`factcheck ingest --rebuild` or switch FACTCHECK_EMBEDDING back"
            )
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise StoreError(
                f"the store at {self.path} is from another version of factcheck; rebuild it "
                "with `factcheck ingest --rebuild`"
            )
        return collection

    @classmethod
    def rebuild(cls, path: Path, model_id: str, collection: str = "articles") -> Store:
        """Drop the collection (whatever model built it) and start an empty one."""
        path = Path(path)
        if (path / "chroma.sqlite3").exists():
            try:
                client = _persistent_client(path)
                if collection in {c.name for c in client.list_collections()}:
                    client.delete_collection(collection)
            except Exception as exc:
                raise StoreError(
                    f"cannot rebuild the store at {path} ({type(exc).__name__}); delete the "
                    "folder and run `factcheck ingest` again"
                ) from exc
        return cls(path, model_id, collection, create=True)

    # -- reading ---------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks in the store."""
        return int(self._collection.count())

    def sources(self) -> dict[str, SourceRecord]:
        """Every source in the store, with its root, file hash and chunk ids."""
        got = self._collection.get(include=["metadatas"])
        acc: dict[str, tuple[str, str, list[str]]] = {}
        for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            src = str(meta["source"])
            entry = acc.setdefault(src, (str(meta["root"]), str(meta["file_sha256"]), []))
            entry[2].append(chunk_id)
        return {
            src: SourceRecord(src, root, sha, tuple(ids)) for src, (root, sha, ids) in acc.items()
        }

    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk, in a stable order (by source, then offset)."""
        got = self._collection.get(include=["documents", "metadatas"])
        chunks = [
            StoredChunk.from_record(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        chunks.sort(key=lambda c: (c.source, c.start))
        return chunks

    def query(self, vector: Sequence[float], k: int) -> list[tuple[StoredChunk, float]]:
        """The ``k`` nearest chunks to ``vector``, with cosine similarity (1 - distance)."""
        n = self.count()
        if n == 0:
            return []
        got = self._collection.query(
            query_embeddings=[list(vector)],
            n_results=min(k, n),
            include=["documents", "metadatas", "distances"],
        )
        return [
            (StoredChunk.from_record(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
        ]

    # -- writing ---------------------------------------------------------------------

    def add(self, chunks: Sequence[StoredChunk], vectors: Sequence[Sequence[float]]) -> None:
        """Add (or overwrite) chunks with their vectors."""
        for b in range(0, len(chunks), _ADD_BATCH):
            part = chunks[b : b + _ADD_BATCH]
            self._collection.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
                embeddings=[list(v) for v in vectors[b : b + _ADD_BATCH]],
            )

    def delete(self, ids: Iterable[str]) -> None:
        """Remove chunks by id."""
        ids = list(ids)
        for b in range(0, len(ids), _ADD_BATCH):
            self._collection.delete(ids=ids[b : b + _ADD_BATCH])

    def update_metadata(self, chunks: Sequence[StoredChunk]) -> None:
        """Rewrite the metadata of chunks already stored, keeping their vectors."""
        for b in range(0, len(chunks), _ADD_BATCH):
            part = chunks[b : b + _ADD_BATCH]
            self._collection.update(
                ids=[c.id for c in part], metadatas=[c.metadata() for c in part]
            )
