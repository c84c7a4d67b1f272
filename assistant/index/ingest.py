"""Ingest: articles on disk -> sentence-aware chunks -> vectors -> the store.

Re-ingesting is incremental and idempotent. Chunk ids hash the source name, offset and
text, so an unchanged file costs nothing; a changed file gets its new chunks embedded
and its old ones removed; a file gone from an ingested folder loses its chunks, so a
stale passage can never be cited, and the closing line names it.

A source is its folder and its path in that folder: ``a/report.txt`` and
``b/report.txt`` ingested as two folders are two articles. Where both would give a chunk
the same id (the same passage at the same offset), the later one's id also hashes its
folder, so neither overwrites the other.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.chunking import chunk_text
from assistant.index.corpus import Article, ReadResult, printable_path, read_articles
from assistant.index.embeddings import Embedder, embedding_model_id, make_embedder
from assistant.index.formats.cache import DocumentCache

if TYPE_CHECKING:
    from assistant.index.fetch import Fetched
from assistant.index.lexical import FileRecord, LexicalIndex
from assistant.index.record import record_ingest
from assistant.index.schema import StoredChunk
from assistant.index.sources import folders_of
from assistant.index.store import Store, open_store
from assistant.settings import Settings
from assistant.wording import plural

# Chunks embedded and written per step: bounds memory, saves progress. Within a step they
# are embedded shortest first (see _embed_by_length); the larger the step, the closer in
# length the texts of each model batch, and the less of the ONNX run is padding (a step
# of 64 spent about a fifth more time embedding than sorting the whole corpus at once).
EMBED_BATCH = 1024
PROGRESS_STEP = 64  # chunks embedded between progress reports (about a second)


@dataclass
class IngestReport:
    """What an ingest did; ``summary()`` is the closing line shown to the user."""

    files: int = 0
    chunks: int = 0
    embedded: int = 0
    removed: int = 0
    unchanged_files: int = 0
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    seconds: float = 0.0
    removed_files: list[Path] = field(default_factory=list)  # gone from an ingested folder
    moved_files: int = 0  # found under a new folder, the old one gone: not re-embedded
    notices: list[str] = field(default_factory=list)  # warnings about the store itself
    fetched: list[Fetched] = field(default_factory=list)  # URLs fetched and saved first
    fetch_failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why not)

    def summary(self) -> str:
        """One line: files, chunks, seconds, what changed, and every file removed, by name.

        Nothing leaves the store without this line saying so.
        """
        line = (
            f"Ingested {plural(self.files, 'file')}, {plural(self.chunks, 'chunk')} in "
            f"{self.seconds:.1f} s ({self.embedded:,} embedded, {self.removed:,} removed, "
            f"{plural(self.unchanged_files, 'file')} unchanged, "
            f"{len(self.skipped) + len(self.fetch_failed):,} skipped)"
        )
        if self.fetched:
            line += f"; fetched {plural(len(self.fetched), 'URL')} and saved them to disk first"
        if self.moved_files:
            line += f"; {plural(self.moved_files, 'file')} found in a new folder"
        if self.removed_files:
            names = ", ".join(printable_path(p) for p in self.removed_files)
            line += f"; removed {plural(len(self.removed_files), 'file')} no longer there: {names}"
        for notice in self.notices:
            line += f"; warning: {notice}"
        return line


def _stored_chunks(article: Article) -> list[StoredChunk]:
    doc = article.document
    return [
        StoredChunk(
            id=c.id,
            source=c.source,
            root=str(article.root),
            title=doc.title,
            start=c.start,
            end=c.end,
            line=c.line,
            text=c.text,
            file_sha256=article.sha256,
            outlet=doc.outlet,
            author=doc.author,
            published=doc.published,
            url=doc.url,
            kind=doc.kind,
            page=doc.page_of(c.start) or 0,
        )
        for c in chunk_text(article.source, doc.text, start=doc.body_start)
    ]


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    embeddings: Embedder | None = None,
    on_skip: Callable[[Path, str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    on_read: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Bring the store in line with the articles under ``paths``.

    Args:
        paths: Files or folders to ingest.
        settings: Where the store is and which embedding model to use.
        rebuild: Drop the store's collection first (e.g. after changing embedding model).
        embeddings: Use this embedding model instead of the configured one (tests).
        on_skip: Called with (path, reason) for each file skipped.
        on_total: Called once with the number of chunks that need embedding.
        on_progress: Called with the number of chunks just embedded (they are stored
            every ``EMBED_BATCH`` chunks).
        on_wait: Called if another ingest is writing to the store and this one waits.
        on_read: Called after each file is read or skipped, with (files done, files
            found), before any chunk is embedded.

    Returns:
        A report of what changed.

    Raises:
        InputError: A path does not exist.
        NoArticlesError: No readable article was found.
        StoreError: The store cannot be opened or was built with another model.
        StoreBusyError: Another ingest held the store for too long.

    """
    t0 = time.perf_counter()
    paths = list(paths)
    read = read_articles(
        paths,
        on_skip=on_skip,
        max_bytes=int(settings.max_file_mb * 2**20),
        cache=DocumentCache(settings.text_cache),
        on_read=on_read,
    )
    model_id = embedding_model_id(settings, embeddings)
    store = open_store(settings, model_id, create=True, rebuild=rebuild)
    report = IngestReport(skipped=read.skipped, notices=[*store.notices])
    if read.hidden:
        report.notices.append(
            f"left out {plural(read.hidden, 'hidden file or folder', 'hidden files or folders')}"
            " (names starting with '.')"
        )
    with store.writing(on_wait) as index:
        held = {Path(root) for root, _ in index.source_keys()}
        folders = folders_of(paths)
        joined = _joins_other_folders(settings, folders, held)
        if joined:
            report.notices.append(joined)
        # Recorded before any chunk is written, so what an interrupted run stored still
        # answers; citations are read only from folders recorded (never from what the
        # store's metadata says), and the record lives with the store, not in HOME.
        record_ingest(settings, folders, held)
        for article, first in _duplicates(read, index):
            reason = f"same text as {first} (already ingested)"
            report.skipped.append((article.path, reason))
            if on_skip:
                on_skip(article.path, reason)
            read.articles.remove(article)
        report.files = len(read.articles)
        _apply(read, store, index, report, embeddings, settings, on_total, on_progress)
    report.seconds = time.perf_counter() - t0
    return report


def _joins_other_folders(settings: Settings, folders: list[Path], held: set[Path]) -> str | None:
    """A warning when a pile joins other folders in ./vectorstore, chosen by default.

    In a checkout of this project ``./vectorstore`` is found without being asked for
    and already holds the seeds, so ``factcheck ingest ~/pile`` there would mix the
    pile with them in silence. A store the user named (``--store``, ``FACTCHECK_STORE``)
    or the per-user one is meant to gather folders, and says nothing.
    """
    if settings.chroma_url or not settings.store_in_current_folder:
        return None
    added = [f for f in dict.fromkeys(folders) if f not in held]
    others = sorted(h for h in held if h not in folders)
    if not added or not others:
        return None
    names = ", ".join(printable_path(f) for f in added)
    shown = ", ".join(printable_path(f) for f in others[:3])
    if len(others) > 3:
        shown += f" and {plural(len(others) - 3, 'other folder')}"
    return (
        f"adding {names} to ./vectorstore, the store in the current folder, which already "
        f"holds {shown}; for a store of its own, ingest and ask with --store DIR (or set "
        "FACTCHECK_STORE)"
    )


def _duplicates(read: ReadResult, index: LexicalIndex) -> list[tuple[Article, str]]:
    """Articles whose bytes equal an earlier one's, each with the file it repeats.

    The earlier one is first in this run's order, or a file ingested from another
    folder that is still on disk. Ingesting both would cite the same passage twice.
    """
    listed = {str(r) for r in read.listed_roots}
    present = {(str(a.root), a.source) for a in read.articles}
    first: dict[str, str] = {
        r.sha256: f"{r.root}/{r.source}"
        for key, r in index.files().items()
        if key not in present and r.root not in listed and (Path(r.root) / r.source).is_file()
    }
    out: list[tuple[Article, str]] = []
    for article in read.articles:
        if article.sha256 in first:
            out.append((article, first[article.sha256]))
        else:
            first[article.sha256] = str(article.path)
    return out


def _apply(
    read: ReadResult,
    store: Store,
    index: LexicalIndex,
    report: IngestReport,
    embeddings: Embedder | None,
    settings: Settings,
    on_total: Callable[[int], None] | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    # The manifest says which files are fully in the store at which hash: those cost
    # one hash of the file, not a chunking or a read of their chunks.
    done = index.files()
    known = index.source_keys()
    listed = {str(r) for r in read.listed_roots}
    present = {(str(a.root), a.source) for a in read.articles}
    to_embed: list[StoredChunk] = []
    to_delete: list[str] = []
    to_update: list[StoredChunk] = []
    finished: list[FileRecord] = []
    replaced: list[tuple[str, str]] = []  # old (root, source) of files found in a new folder
    claimed: dict[str, str] = {}  # chunk id -> the folder of the file that has it, this run
    for article in read.articles:
        root = str(article.root)
        key = (root, article.source)
        record = done.get(key)
        if record and record.sha256 == article.sha256:
            report.unchanged_files += 1
            report.chunks += record.chunks
            for cid in index.chunk_ids(*key):
                claimed[cid] = root
            continue
        previous = key if key in known else _moved_from(article, known, listed, present)
        old_ids = index.chunk_ids(*previous) if previous else set()
        chunks = _own_ids(_stored_chunks(article), root, old_ids, index, claimed)
        report.chunks += len(chunks)
        finished.append(FileRecord(article.source, root, article.sha256, len(chunks)))
        if previous is not None and previous != key:
            replaced.append(previous)
            report.moved_files += 1
        new_ids = {c.id for c in chunks}
        stored = index.file_of(chunks[0].id) if chunks else None  # (root, sha256)
        if old_ids == new_ids and (stored is None or stored[1] == article.sha256):
            report.unchanged_files += 1
            if stored is not None and stored[0] != root:  # the folder moved: no re-embedding
                to_update.extend(chunks)
            continue
        to_embed.extend(c for c in chunks if c.id not in old_ids)
        to_update.extend(c for c in chunks if c.id in old_ids)
        to_delete.extend(old_ids - new_ids)

    # A file that is gone from (or no longer readable in) a folder we just listed.
    gone = sorted(k for k in known if k[0] in listed and k not in present)
    for source_key in gone:
        to_delete.extend(index.chunk_ids(*source_key))
    report.removed_files = [Path(root) / source for root, source in gone]

    if on_total:
        on_total(len(to_embed))
    store.expect(to_embed)  # the disk is checked for all of them before the first write
    if to_embed:
        model = embeddings or make_embedder(settings)
        # New chunks go in before old ones go out: an interrupted run never leaves a
        # file with no chunks, and the next run finishes the job.
        for b in range(0, len(to_embed), EMBED_BATCH):
            batch = to_embed[b : b + EMBED_BATCH]
            vectors = _embed_by_length(model, [c.text for c in batch], on_progress)
            store.add(batch, vectors)
            report.embedded += len(batch)
    store.update_metadata(to_update)
    store.delete(to_delete)
    # Only now is each changed file wholly in the store: record it in the manifest.
    index.record_files(finished, removed=[*gone, *replaced])
    report.removed = len(to_delete)


def _embed_by_length(
    model: Embedder, texts: list[str], on_progress: Callable[[int], None] | None
) -> list[list[float]]:
    """One vector per text, in the order given, computed shortest text first.

    The model pads each of its batches to the batch's longest text, so texts of like
    length are sent together; the vectors are put back in the texts' order, so each
    chunk is stored (in file order) with its own. Embedded in smaller steps than they
    are stored, so progress moves every second or so.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors: list[list[float]] = [[] for _ in texts]
    for s in range(0, len(order), PROGRESS_STEP):
        part = order[s : s + PROGRESS_STEP]
        got = model.embed_documents([texts[i] for i in part])
        for i, vector in zip(part, got, strict=True):
            vectors[i] = vector
        if on_progress:
            on_progress(len(part))
    return vectors


def _moved_from(
    article: Article,
    known: set[tuple[str, str]],
    listed: set[str],
    present: set[tuple[str, str]],
) -> tuple[str, str] | None:
    """The (root, source) this article was ingested as before its folder moved, if any.

    That is a source of the same relative name under another folder, which this run did
    not list, whose file is gone from disk: its chunks are reused (no re-embedding) and
    re-pointed at the new folder. A same-named file that is still there is another
    article, never this one.
    """
    for root, source in sorted(known):
        if (
            source == article.source
            and root != str(article.root)
            and root not in listed
            and (root, source) not in present
            and not (Path(root) / source).exists()
        ):
            return (root, source)
    return None


def _own_ids(
    chunks: list[StoredChunk],
    root: str,
    old_ids: set[str],
    index: LexicalIndex,
    claimed: dict[str, str],
) -> list[StoredChunk]:
    """The chunks with ids no file of another folder has, stable across re-ingests.

    A chunk id hashes the relative name, offset and text, so ``a/report.txt`` and
    ``b/report.txt`` opening with the same paragraph would share an id and one would
    overwrite the other. The second to claim an id gets one that also hashes its
    folder; an id this file already has is kept, so re-ingesting changes nothing.
    """
    out: list[StoredChunk] = []
    for c in chunks:
        salted = hashlib.sha256(f"{root}\x00{c.id}".encode()).hexdigest()[: len(c.id)]
        if salted in old_ids:
            chunk_id = salted
        elif c.id in old_ids:
            chunk_id = c.id
        else:
            owner = index.file_of(c.id)
            taken = (owner is not None and owner[0] != root) or claimed.get(c.id, root) != root
            chunk_id = salted if taken else c.id
        claimed[chunk_id] = root
        out.append(c if chunk_id == c.id else replace(c, id=chunk_id))
    return out
