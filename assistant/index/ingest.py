"""Ingest: articles on disk -> sentence-aware chunks -> vectors -> the store.

Re-ingesting is incremental and idempotent. Chunk ids hash the source name, offset and
text, so an unchanged file costs nothing; a changed file gets its new chunks embedded
and its old ones removed; a file gone from an ingested folder loses its chunks, so a
stale passage can never be cited.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.index.chunking import chunk_text
from assistant.index.corpus import Article, ReadResult, read_articles
from assistant.index.embeddings import embedding_model_id, make_embeddings
from assistant.index.lexical import FileRecord, LexicalIndex
from assistant.index.store import Store, StoredChunk, open_store
from assistant.settings import Settings
from assistant.wording import plural

EMBED_BATCH = 256  # chunks embedded and written per step: bounds memory, saves progress
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

    def summary(self) -> str:
        """One line: files, chunks, seconds (and what changed)."""
        return (
            f"Ingested {plural(self.files, 'file')}, {plural(self.chunks, 'chunk')} in "
            f"{self.seconds:.1f} s ({self.embedded:,} embedded, {self.removed:,} removed, "
            f"{plural(self.unchanged_files, 'file')} unchanged, {len(self.skipped):,} skipped)"
        )


def _stored_chunks(article: Article) -> list[StoredChunk]:
    return [
        StoredChunk(
            id=c.id,
            source=c.source,
            root=str(article.root),
            title=article.title,
            start=c.start,
            end=c.end,
            line=c.line,
            text=c.text,
            file_sha256=article.sha256,
        )
        for c in chunk_text(article.source, article.text)
    ]


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    embeddings: Embeddings | None = None,
    on_skip: Callable[[Path, str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
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

    Returns:
        A report of what changed.

    Raises:
        InputError: A path does not exist.
        NoArticlesError: No readable article was found.
        StoreError: The store cannot be opened or was built with another model.
        StoreBusyError: Another ingest held the store for too long.

    """
    t0 = time.perf_counter()
    read = read_articles(paths, on_skip=on_skip, max_bytes=int(settings.max_file_mb * 2**20))
    model_id = embedding_model_id(settings, embeddings)
    store = open_store(settings, model_id, create=True, rebuild=rebuild)
    report = IngestReport(skipped=read.skipped)
    with store.writing(on_wait) as index:
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


def _duplicates(read: ReadResult, index: LexicalIndex) -> list[tuple[Article, str]]:
    """Articles whose bytes equal an earlier one's, each with the file it repeats.

    The earlier one is first in this run's order, or a file ingested from another
    folder that is still on disk. Ingesting both would cite the same passage twice.
    """
    listed = {str(r) for r in read.listed_roots}
    present = {a.source for a in read.articles}
    first: dict[str, str] = {
        r.sha256: f"{r.root}/{r.source}"
        for r in index.files().values()
        if r.source not in present and r.root not in listed and (Path(r.root) / r.source).is_file()
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
    embeddings: Embeddings | None,
    settings: Settings,
    on_total: Callable[[int], None] | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    # The manifest says which files are fully in the store at which hash: those cost
    # one hash of the file, not a chunking or a read of their chunks.
    done = index.files()
    to_embed: list[StoredChunk] = []
    to_delete: list[str] = []
    to_update: list[StoredChunk] = []
    finished: list[FileRecord] = []
    seen_sources: set[str] = set()
    for article in read.articles:
        seen_sources.add(article.source)
        root = str(article.root)
        record = done.get(article.source)
        if record and record.sha256 == article.sha256 and record.root == root:
            report.unchanged_files += 1
            report.chunks += record.chunks
            continue
        chunks = _stored_chunks(article)
        report.chunks += len(chunks)
        finished.append(FileRecord(article.source, root, article.sha256, len(chunks)))
        old_ids = index.chunk_ids(article.source)
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
    listed = {str(r) for r in read.listed_roots}
    gone = [
        source
        for source, root in index.source_roots().items()
        if source not in seen_sources and root in listed
    ]
    for source in gone:
        to_delete.extend(index.chunk_ids(source))

    if on_total:
        on_total(len(to_embed))
    if to_embed:
        model = embeddings or make_embeddings(settings)
        # New chunks go in before old ones go out: an interrupted run never leaves a
        # file with no chunks, and the next run finishes the job.
        for b in range(0, len(to_embed), EMBED_BATCH):
            batch = to_embed[b : b + EMBED_BATCH]
            vectors: list[list[float]] = []
            # Embedded in smaller steps than they are stored, so progress moves every
            # second or so (a whole batch takes seconds on a laptop's CPU).
            for s in range(0, len(batch), PROGRESS_STEP):
                part = batch[s : s + PROGRESS_STEP]
                vectors.extend(model.embed_documents([c.text for c in part]))
                if on_progress:
                    on_progress(len(part))
            store.add(batch, vectors)
            report.embedded += len(batch)
    store.update_metadata(to_update)
    store.delete(to_delete)
    # Only now is each changed file wholly in the store: record it in the manifest.
    index.record_files(finished, removed=gone)
    report.removed = len(to_delete)
