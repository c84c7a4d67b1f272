"""The persisted store: one Chroma collection of chunks, and the keyword index kept in step.

One collection holds every chunk with its vector and the metadata a citation needs
(source, root folder, title, offsets, line, the file's hash: :mod:`assistant.index.schema`).
The collection's own metadata records which embedding model built it, so a query with
another model is refused instead of returning meaningless neighbours.

:class:`Store` reads, writes and keeps the keyword index honest; the rest of the work lives
beside it: :mod:`assistant.index.connection` opens Chroma (the only module that imports
chromadb), :mod:`assistant.index.folder` keeps the folder private and its write lock,
:mod:`assistant.index.faults` turns failures into one-line errors, and
:mod:`assistant.index.info` describes a store for ``factcheck info``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import (
    DiskFullError,
    EmbeddingMismatchError,
    FactCheckError,
    StoreBusyError,
    StoreError,
    StoreMissingError,
)
from assistant.index.connection import (
    ChromaServer,
    forget_client,
    open_local,
    persistent_client,
    server_of,
    set_aside,
)
from assistant.index.faults import (
    LEFT_IN,
    NOTHING_WRITTEN,
    TAKEN_OUT,
    disk_full_error,
    disk_full_reading_error,
    fault_kind,
    is_compaction_failure,
    is_control,
    is_disk_full,
    is_read_only,
    read_only_error,
)
from assistant.index.folder import (
    check_store_folder,
    keyword_path,
    writable,
    write_lock,
)
from assistant.index.schema import SCHEMA_VERSION, SourceRecord, StoredChunk
from assistant.index.space import (
    IN_PASSING,
    MiB,
    Reserve,
    free_bytes,
    mb,
    undo_cost,
    write_cost,
)

if TYPE_CHECKING:
    from assistant.settings import Settings

_ADD_BATCH = 2000  # below Chroma's max batch size, and bounds memory per call


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
        self,
        path: Path,
        model_id: str,
        collection: str = "articles",
        *,
        create: bool = False,
        server: ChromaServer | None = None,
    ) -> None:
        self.path = Path(path)
        self._create = create
        self.model_id = model_id
        self.collection_name = collection
        self.server = server
        self._keywords: Any = None
        # The folder actually opened: ``path``, or a private copy of a read-only store.
        self._dir = self.path
        self.read_only = False
        self.notices: list[str] = []  # warnings for the user (a folder left readable)
        self._added: list[str] | None = None  # ids added by the running write, if any
        self._added_files: set[tuple[str, str]] = set()  # their (root, source)
        self._expected: list[StoredChunk] | None = None  # what the running write will add
        self._reserve: Reserve | None = None  # room held to undo the running write
        self._room_for_batch = IN_PASSING  # what the batch being written needs
        self._rewrite_after_undo = False  # room was held to VACUUM after an undo
        self._checked = False  # the running write checked the disk for all it adds
        if server is None:
            check_store_folder(self.path)
        new = server is None and not (self.path / "chroma.sqlite3").exists()
        if new and not create:
            raise StoreMissingError(f"no store at {self.path}: run `factcheck ingest` first")
        if new:
            # Two processes creating one store at once would both run Chroma's table
            # migrations, and one would fail: the first creates it, the other waits.
            # (The folder holds the text of everything ingested: write_lock makes it 0700.)
            with write_lock(self.path, self.lock_path, self.where, wait=True, notices=self.notices):
                self._client = self._open_client()
                self._collection = self._open_collection(create)
        else:
            self._client = self._open_client()
            self._collection = self._open_collection(create)
        self._generation = int((self._collection.metadata or {}).get("generation", 0))

    # -- the keyword index beside the vectors ----------------------------------------

    @property
    def keyword_path(self) -> Path:
        """The keyword index file: in the store folder (a local cache in server mode)."""
        return keyword_path(self._dir, self.server, self.collection_name)

    def _open_keywords(self) -> Any:
        if self._keywords is None:
            import sqlite3

            from assistant.index.lexical import LexicalIndex

            self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                self._keywords = LexicalIndex(self.keyword_path)
            except sqlite3.OperationalError as exc:
                if not (is_read_only(exc) or is_disk_full(exc)):
                    raise
                # A keyword file this process cannot write (or no room to open it):
                # answer from an index in memory, filled from the collection.
                self._keywords = LexicalIndex(None)
                self._fill_memory_index()
            except sqlite3.DatabaseError:
                # The index is derived from the vectors: a damaged file is replaced by
                # an empty one, which is then refilled from the collection.
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.keyword_path}{suffix}").unlink(missing_ok=True)
                self._keywords = LexicalIndex(self.keyword_path)
        return self._keywords

    @property
    def keywords(self) -> Any:
        """The BM25 index (:class:`assistant.index.lexical.LexicalIndex`), in step with the vectors.

        Opened on first use. When its size differs from the collection's (an ingest was
        interrupted, another machine ingested into the server, or the store predates the
        index), it is repaired from the collection before it is used.
        """
        if self._keywords is None:
            import sqlite3

            index = self._open_keywords()
            if self._out_of_step(index):
                # Repair only when no ingest is running: a running one owns the index
                # and will leave it in step when it finishes.
                try:
                    with self.lock(wait=False):
                        if self._out_of_step(index):
                            self.sync_keywords()
                except StoreBusyError:
                    pass
                except (StoreError, sqlite3.OperationalError) as exc:
                    # Reading must not depend on writing: a full disk or a folder
                    # that cannot be written leaves the index as it is (citations
                    # are checked against the files anyway); the next ingest repairs it.
                    if isinstance(exc, sqlite3.OperationalError) and not (
                        is_disk_full(exc) or is_read_only(exc)
                    ):
                        raise
        return self._keywords

    def _fill_memory_index(self) -> None:
        got = self._read(lambda: self._collection.get(include=["documents", "metadatas"]))
        self._keywords.add(
            [
                StoredChunk.from_record(i, d, m)
                for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]
        )

    def _out_of_step(self, index: Any) -> bool:
        return bool(
            index.get_marker("dirty") == "1"
            or index.get_marker("generation") != str(self.generation)
            or len(index) != self.count()
        )

    @property
    def generation(self) -> int:
        """How many ingests have completed on this collection (from its metadata)."""
        return self._generation

    @property
    def lock_path(self) -> Path:
        """The lock file that lets one ingest at a time write to this store."""
        return Path(f"{self.keyword_path}.lock")

    @contextmanager
    def lock(self, *, wait: bool = True) -> Iterator[None]:
        """Hold the store's write lock (one writer at a time, across processes).

        Args:
            wait: Wait up to :data:`assistant.index.folder.LOCK_WAIT_SECONDS` for another
                writer; otherwise fail at once.

        Raises:
            StoreBusyError: Another process holds the lock (after waiting, if asked).
        """
        with write_lock(self._dir, self.lock_path, self.where, wait=wait, notices=self.notices):
            yield

    @contextmanager
    def writing(self, on_wait: Callable[[], None] | None = None) -> Iterator[Any]:
        """Write to the store: lock it, and keep the keyword index's markers honest.

        Yields the keyword index, repaired first if an earlier run left it out of step.
        While the block runs the index is marked dirty, so a run killed part-way is
        repaired by the next one; on success the collection's generation is bumped and
        recorded in the index, which tells other machines sharing a Chroma server that
        their local index needs refreshing.

        On a local store the disk is checked before the first chunk is written (see
        :meth:`expect` and :mod:`assistant.index.space`): room for the run and for
        undoing it, the latter held in a reserve file until the run ends.

        Args:
            on_wait: Called once if another writer holds the lock and this one waits.

        Raises:
            StoreBusyError: Another ingest kept the store locked too long.
            StoreReadOnlyError: The store cannot be written (it is read from a copy).
            DiskFullError: The disk is too full for the run, or filled up part-way;
                what this run added is taken out again, so the store answers as it
                did before.
            StoreError: The Chroma server went away part-way.
        """
        if self.read_only:
            raise read_only_error(self.where)
        with write_lock(
            self._dir, self.lock_path, self.where, wait=True, on_wait=on_wait, notices=self.notices
        ):
            self._added = []
            self._added_files = set()
            self._reserve = Reserve(self._dir) if self.server is None else None
            self._checked = False
            try:
                if self._reserve is not None:
                    self._reserve.release()  # one a killed run left behind
                index = self._open_keywords()
                if self._out_of_step(index):
                    self.sync_keywords()
                index.set_markers(dirty="1")
                yield index
                self._set_generation(self._generation + 1)
                from datetime import UTC, datetime

                index.set_markers(
                    dirty="0",
                    generation=str(self._generation),
                    last_ingest=datetime.now(UTC).isoformat(timespec="seconds"),
                )
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                    raise
                failure = self._write_failure(exc)
                if failure is exc:
                    raise
                raise failure from exc
            finally:
                self._added = None
                self._expected = None
                if self._reserve is not None:
                    self._reserve.release()
                    self._reserve = None

    def _write_failure(self, exc: BaseException) -> BaseException:
        """The error to raise for a write that failed part-way (or ``exc`` itself)."""
        if self._filled_the_disk(exc):
            undone = self._undo(self._added_ids)
            if isinstance(exc, DiskFullError) and not self._added_ids and undone:
                return exc  # refused before writing: it already says so
            return disk_full_error(self.where, TAKEN_OUT if undone else LEFT_IN)
        if isinstance(exc, FactCheckError) or is_control(exc):
            return exc
        if self.server is not None:
            return StoreError(
                f"lost the Chroma server at {self.server.url} during the ingest "
                f"({fault_kind(exc)}): what was stored before still answers; run `factcheck "
                "ingest` again when the server is back (it redoes only what is missing)"
            )
        if is_read_only(exc):
            return read_only_error(self.where, f"a write was refused: {fault_kind(exc)}")
        return exc

    def _filled_the_disk(self, exc: BaseException) -> bool:
        """Whether a write failed because the disk holding the store is (nearly) full."""
        if isinstance(exc, DiskFullError):
            return True
        if isinstance(exc, FactCheckError):
            return False
        return is_disk_full(exc) or self._too_full_for(exc)

    def _too_full_for(self, exc: BaseException) -> bool:
        """Whether a failure of Chroma's is best put down to a (nearly) full disk.

        SQLite and the OS say when the disk is full; Chroma's compaction does not (it
        reports only that it could not apply its log), so a failure of Chroma's counts
        as a full disk when the disk has less room than a batch being written needs.
        """
        if self.server is not None:
            return False
        if not (is_compaction_failure(exc) or type(exc).__module__.startswith("chromadb")):
            return False
        try:
            return free_bytes(self._dir) < self._room_for_batch
        except OSError:
            return False

    @property
    def _added_ids(self) -> list[str]:
        return list(self._added or [])

    def expect(self, chunks: Sequence[StoredChunk]) -> None:
        """Announce the chunks this run will add, so the disk is checked for all of them.

        On a store that holds vectors already, the disk is checked now, before any
        embedding; on a new one, at the first :meth:`add`, when the vectors' length is
        known. Without this announcement each batch is checked on its own.

        Raises:
            DiskFullError: The disk has no room for the run and its undo (nothing written).
        """
        self._expected = list(chunks)
        if self._reserve is None or not chunks or self._checked:
            return
        stored = self._read(lambda: self._collection.get(limit=1, include=["embeddings"]))
        vectors = stored.get("embeddings")
        if vectors is not None and len(vectors):
            self._check_disk(self._expected, len(vectors[0]))

    def _check_disk(self, planned: Sequence[StoredChunk], dim: int) -> None:
        """Before the run's first write: room for all it adds, and for taking that out.

        The room to take it out is claimed in the reserve file at once.

        Raises:
            DiskFullError: Not enough room (nothing is written).
        """
        self._checked = True
        if self._reserve is None:  # a Chroma server: its disk is not ours to measure
            return
        free = free_bytes(self._dir)
        write = write_cost(planned, dim)
        compaction = self._compaction_room(write)
        self._rewrite_after_undo = compaction > 0
        undo = undo_cost(planned, dim) + compaction
        need = write + IN_PASSING + undo
        if free < need or not self._reserve.hold(undo):
            raise disk_full_error(
                self.where,
                f"this ingest needs about {mb(need)} and {mb(free)} are free; " + NOTHING_WRITTEN,
            )

    def _make_room(self, part: Sequence[StoredChunk], vectors: Sequence[Sequence[float]]) -> None:
        """Check the disk before a batch is written; stop before it is full.

        Before the run's first batch, unless :meth:`expect` did: see :meth:`_check_disk`.
        Before every batch: room for the batch, with what passes through journals on top.

        Raises:
            DiskFullError: Not enough room (nothing of this batch is written).
        """
        if self._reserve is None:
            return
        dim = len(vectors[0]) if len(vectors) else 0
        if not self._checked:
            self._check_disk(self._expected if self._expected is not None else part, dim)
        self._room_for_batch = write_cost(part, dim) + IN_PASSING
        if free_bytes(self._dir) < self._room_for_batch:
            raise disk_full_error(self.where)

    def _compaction_room(self, write: int) -> int:
        """Room to hold aside for VACUUM after an undo, when it is worth holding.

        VACUUM needs twice what the databases keep (see :func:`compact`). For a store
        that is small beside the run (the first ingest of a big folder), the pages an
        undone run leaves free would outweigh the store itself, and that room costs less
        than the run: it is held. For a big store it would cost more than the run writes,
        and the few free pages an undone run leaves are reused by the next ingest.
        """
        kept = sum(
            (self._dir / name).stat().st_size
            for name in ("chroma.sqlite3", "keyword.sqlite3")
            if (self._dir / name).exists()
        )
        room = 2 * kept + MiB
        return room if room <= write else 0

    def _undo(self, ids: list[str]) -> bool:
        """Take out the chunks a failed run added, and give back the room it took.

        The reserve file is released first, so that Chroma has room to log the deletes
        and rewrite its segments. Files this run recorded as ingested are forgotten, so
        the next run looks at them again.

        Returns:
            Whether everything was taken out (else the next ingest finishes the job).
        """
        if self._reserve is not None:
            self._reserve.release()
        try:
            for b in range(0, len(ids), _ADD_BATCH):
                self._collection.delete(ids=ids[b : b + _ADD_BATCH])
                if self._keywords is not None:
                    self._keywords.delete(ids[b : b + _ADD_BATCH])
        except Exception:  # the next ingest repairs what is left
            return False
        if self._keywords is not None:
            try:
                if self._added_files:
                    self._keywords.record_files([], removed=sorted(self._added_files))
                if not self._out_of_step(self._keywords):
                    self._keywords.set_markers(dirty="0")
            except Exception:  # the markers stay dirty: the next open repairs the index
                pass
        if self.server is None and ids:
            self._give_back_room()
        return True

    def _give_back_room(self) -> None:
        """Return to the disk what the undone run left in the two databases.

        Deleting leaves the full-text indexes full of tombstones and the files full of
        free pages: :func:`assistant.index.space.compact` merges and VACUUMs them when
        the disk has room for it, which the reserve holds for a store that is small
        beside the run (see :meth:`_compaction_room`). Measured on the seeds' store
        (0.87 MB) after a run that had written 11.3 MB (1,280 chunks) when another
        program filled the disk: Chroma's database went back from 5.9 MB to 0.43 MB,
        the keyword index's to 0.12 MB, and the store to 1.1 MB, in under a second.
        What stays is Chroma's HNSW files, which keep a slot for each deleted vector
        (0.5 MB here; 1.5 KB a chunk with the packaged model): only a rebuild gives
        those back. Chroma also keeps up to its last 1,000 writes in its log until it
        files them into the HNSW index, so a small run's adds and deletes stay there
        until then. Restoring a copy of the store made before the run would give back
        everything, but would cost a copy of the whole store on every ingest, which a
        big store cannot afford; for a big store the free pages stay in the file, where
        the next ingest reuses them.
        """
        import sqlite3

        from assistant.index.space import compact

        # (database, its FTS5 tables): the keyword index's, then Chroma's (its name for
        # its full-text table; an older or newer Chroma without it is merely VACUUMed).
        databases: list[tuple[Any, tuple[str, ...]]] = []
        if self._keywords is not None and self._keywords.path is not None:
            databases.append((self._keywords._db, ("fts",)))
        try:
            chroma = sqlite3.connect(self._dir / "chroma.sqlite3", timeout=5.0)
        except sqlite3.Error:
            chroma = None
        if chroma is not None:
            databases.append((chroma, ("embedding_fulltext_search",)))
        try:
            for db, full_text in databases:
                # Best effort: another process may be reading, or the room ran out.
                with contextlib.suppress(sqlite3.Error, OSError):
                    compact(db, self._dir, full_text, rewrite=self._rewrite_after_undo)
        finally:
            if chroma is not None:
                chroma.close()

    def _set_generation(self, generation: int) -> None:
        meta = {
            k: v for k, v in (self._collection.metadata or {}).items() if not k.startswith("hnsw:")
        }
        meta["generation"] = generation
        self._collection.modify(metadata=meta)
        self._generation = generation

    def sync_keywords(self) -> tuple[int, int]:
        """Make the keyword index hold exactly the collection's chunks (compared by id).

        Returns:
            (chunks added to the index, chunks removed from it).
        """
        index = self._open_keywords()
        index.set_markers(dirty="1")
        in_vectors = set(self._read(lambda: self._collection.get(include=[]))["ids"])
        in_index = index.ids()
        missing = sorted(in_vectors - in_index)
        extra = in_index - in_vectors
        for b in range(0, len(missing), _ADD_BATCH):
            got = self._read(
                lambda b=b: self._collection.get(  # type: ignore[misc]
                    ids=missing[b : b + _ADD_BATCH], include=["documents", "metadatas"]
                )
            )
            index.add(
                [
                    StoredChunk.from_record(i, d, m)
                    for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
                ]
            )
        index.delete(extra)
        index.forget_unbacked_files()
        index.set_markers(dirty="0", generation=str(self.generation))
        return (len(missing), len(extra))

    @property
    def where(self) -> str:
        """The store's location, for messages (a path, or the server's URL)."""
        return self.server.url if self.server else str(self.path)

    def _open_client(self) -> Any:
        if self.server is not None:
            try:
                client = self.server.client()
                client.heartbeat()
                return client
            except StoreError:
                raise
            except Exception as exc:
                detail = (str(exc).strip().splitlines() or [""])[0][:160]
                raise StoreError(
                    f"cannot reach the Chroma server at {self.server.url} "
                    f"({type(exc).__name__}: {detail}): is it running? (FACTCHECK_CHROMA_URL)"
                ) from exc
        try:
            # An ingest on a full disk stops here; a reader reads a private copy.
            client, self._dir, why = open_local(self.path, copy_when_full=not self._create)
            self.read_only = why is not None
            return client
        except BaseException as exc:  # chromadb raises many types for a damaged folder
            if is_control(exc):
                raise
            if is_disk_full(exc):
                raise disk_full_error(self.where, NOTHING_WRITTEN) from exc
            forget_client(self.path)
            if not writable(self.path):
                # Its private copy would not open either: the store itself is damaged,
                # and only someone who can write it can rebuild it.
                raise StoreError(
                    f"cannot open the read-only store at {self.path} ({fault_kind(exc)}): it "
                    "may be damaged; its owner can rebuild it with `factcheck ingest --rebuild`"
                ) from exc
            raise StoreError(
                f"cannot open the store at {self.path} ({fault_kind(exc)}): it may be "
                "corrupt or from another version; rebuild it with `factcheck ingest --rebuild`"
            ) from exc

    def _read(self, call: Callable[[], Any]) -> Any:
        """Run a read of the collection; a failure is one line, never Chroma's own text.

        A store that opened but cannot be read (a damaged table, a crash in Chroma's
        Rust core) needs rebuilding; a server that stopped answering needs restarting.
        """
        try:
            return call()
        except BaseException as exc:
            if is_control(exc):
                raise
            if self.server is None and (is_disk_full(exc) or self._too_full_for(exc)):
                raise disk_full_reading_error(str(self.path)) from exc
            if self.server is not None:
                raise StoreError(
                    f"the Chroma server at {self.server.url} failed to answer "
                    f"({fault_kind(exc)}): is it running? (FACTCHECK_CHROMA_URL)"
                ) from exc
            raise StoreError(
                f"cannot read the store at {self.path} ({fault_kind(exc)}): it is damaged; rebuild "
                "it with `factcheck ingest --rebuild`"
            ) from exc

    def _open_collection(self, create: bool) -> Any:
        try:
            existing = {c.name for c in self._client.list_collections()}
        except BaseException as exc:
            if is_control(exc):
                raise
            raise StoreError(
                f"cannot read the store at {self.path} ({type(exc).__name__}); rebuild it "
                "with `factcheck ingest --rebuild`"
            ) from exc
        if self.collection_name not in existing:
            if not create:
                raise StoreMissingError(
                    f"the store at {self.where} is empty: run `factcheck ingest`"
                )
            # get_or_create: another ingest may create it between our look and now; if
            # so, its metadata (not ours) is checked below.
            collection = self._client.get_or_create_collection(
                self.collection_name,
                embedding_function=None,
                metadata={
                    "embedding_model": self.model_id,
                    "schema_version": SCHEMA_VERSION,
                    "hnsw:space": "cosine",
                },
            )
        else:
            collection = self._client.get_collection(self.collection_name, embedding_function=None)
        meta = collection.metadata or {}
        built_with = meta.get("embedding_model")
        if built_with != self.model_id:
            raise EmbeddingMismatchError(
                f"the store at {self.where} was built with embedding model {built_with!r}, "
                f"but {self.model_id!r} is configured: re-ingest with "
                "`factcheck ingest --rebuild` or switch FACTCHECK_EMBEDDING back"
            )
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise StoreError(
                f"the store at {self.where} is from another version of factcheck; rebuild it "
                "with `factcheck ingest --rebuild`"
            )
        return collection

    @classmethod
    def rebuild(
        cls,
        path: Path,
        model_id: str,
        collection: str = "articles",
        server: ChromaServer | None = None,
    ) -> Store:
        """Drop the collection (whatever model built it) and start an empty one."""
        path = Path(path)
        where = server.url if server else str(path)
        index_file = keyword_path(path, server, collection)
        if server is None:
            check_store_folder(path)
        if server is not None or (path / "chroma.sqlite3").exists():
            # Not while another ingest writes: it would write into a dropped collection.
            with write_lock(path, Path(f"{index_file}.lock"), where, wait=True):
                try:
                    client = server.client() if server else persistent_client(path)
                    if collection in {c.name for c in client.list_collections()}:
                        client.delete_collection(collection)
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{index_file}{suffix}").unlink(missing_ok=True)
                except BaseException as exc:
                    if is_control(exc):
                        raise
                    if server is not None:
                        raise StoreError(
                            f"cannot rebuild the store at {where} ({type(exc).__name__}); "
                            "check the server, then run `factcheck ingest --rebuild` again"
                        ) from exc
                    # A local store Chroma cannot open: keep it aside, start afresh.
                    set_aside(path)
        return cls(path, model_id, collection, create=True, server=server)

    # -- reading ---------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks in the store."""
        return int(self._read(self._collection.count))

    def sources(self) -> dict[tuple[str, str], SourceRecord]:
        """Every source in the store by (root, source), with its file hash and chunk ids.

        The folder is part of the key: two ingested folders may each hold a file of the
        same relative name, and they are two articles.
        """
        return {
            (root, src): SourceRecord(src, root, sha, tuple(sorted(ids)))
            for (root, src), (sha, ids) in self.keywords.sources().items()
        }

    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk, in a stable order (by source, then offset)."""
        got = self._read(lambda: self._collection.get(include=["documents", "metadatas"]))
        chunks = self._read(
            lambda: [
                StoredChunk.from_record(i, d, m)
                for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]
        )
        chunks.sort(key=lambda c: (c.source, c.start))
        return chunks

    def chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        """The chunks with these ids (in no set order; unknown ids are left out)."""
        out: list[StoredChunk] = []
        for at in range(0, len(ids), 1000):  # bounded requests, whatever the corpus size
            out += self._read(functools.partial(self._get_chunks, list(ids[at : at + 1000])))
        return out

    def _get_chunks(self, ids: list[str]) -> list[StoredChunk]:
        got = self._collection.get(ids=ids, include=["documents", "metadatas"])
        return [
            StoredChunk.from_record(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[StoredChunk, float]]:
        """The ``k`` nearest chunks to ``vector``, with cosine similarity (1 - distance).

        ``where`` (a Chroma metadata filter) limits the search to some articles.
        """
        if self.server is not None:
            # A server may run another Chroma version than this client, so it is not
            # asked for more neighbours than it holds. The local Chroma (pinned 1.5+)
            # answers an empty store or a short one as asked, without this extra round
            # trip, which cost a sixth of a dense query.
            k = min(k, self.count())
            if k == 0:
                return []
        got = self._read(
            lambda: self._collection.query(
                query_embeddings=[list(vector)],
                n_results=k,
                where=where,
                include=["distances"],
            )
        )
        ids: list[str] = got["ids"][0]
        # The chunks themselves are read from the keyword index, which holds the same
        # records (a chunk's id is the hash of its source, offset and text): Chroma took
        # four times as long to return 50 neighbours with their text and metadata as
        # without. Any the index lacks (out of step) are read from Chroma.
        chunks = self.keywords.chunks_by_id(ids)
        missing = [i for i in ids if i not in chunks]
        if missing:
            chunks.update((c.id, c) for c in self.chunks(missing))
        return [
            (chunks[i], 1.0 - float(dist))
            for i, dist in zip(ids, got["distances"][0], strict=True)
            if i in chunks  # deleted between the two reads
        ]

    # -- writing ---------------------------------------------------------------------

    def add(self, chunks: Sequence[StoredChunk], vectors: Sequence[Sequence[float]]) -> None:
        """Add (or overwrite) chunks with their vectors, and to the keyword index."""
        for b in range(0, len(chunks), _ADD_BATCH):
            part = chunks[b : b + _ADD_BATCH]
            if self._added is not None:  # noted first: a failing upsert may half-apply
                self._make_room(part, vectors[b : b + _ADD_BATCH])
                self._added.extend(c.id for c in part)
                self._added_files.update((c.root, c.source) for c in part)
            self._collection.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
                embeddings=[list(v) for v in vectors[b : b + _ADD_BATCH]],
            )
            self.keywords.add(part)

    def delete(self, ids: Iterable[str]) -> None:
        """Remove chunks by id."""
        ids = list(ids)
        for b in range(0, len(ids), _ADD_BATCH):
            self._collection.delete(ids=ids[b : b + _ADD_BATCH])
            self.keywords.delete(ids[b : b + _ADD_BATCH])

    def update_metadata(self, chunks: Sequence[StoredChunk]) -> None:
        """Rewrite the metadata of chunks already stored, keeping their vectors."""
        for b in range(0, len(chunks), _ADD_BATCH):
            part = chunks[b : b + _ADD_BATCH]
            self._collection.update(
                ids=[c.id for c in part], metadatas=[c.metadata() for c in part]
            )
            self.keywords.add(part)


def open_store(
    settings: Settings, model_id: str, *, create: bool = False, rebuild: bool = False
) -> Store:
    """Open the store the settings name: a local folder, or a Chroma server."""
    server = server_of(settings)
    if rebuild:
        return Store.rebuild(settings.store, model_id, settings.collection, server)
    return Store(settings.store, model_id, settings.collection, create=create, server=server)
