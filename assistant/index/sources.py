"""The article files as they are now: read at answer time, bounded, and only where trusted.

The store remembers where each passage came from (folder, relative path, offsets) and
what it said. Before anything stored is shown or reasoned on, it is checked against the
file as it is now (:meth:`SourceFiles.current`): a passage whose file was edited, removed
or cannot be read is left out, and the caller tells the user to re-ingest.

Only files under a folder ingested on this machine are ever read. The store's metadata
is not trusted for that: a shared Chroma server, or a store folder someone handed over,
could name ``/`` as a passage's folder. The folders this user ingested into a store are
recorded with it, and trusted only in the store folder they were written for
(:mod:`assistant.index.record`); :class:`IngestedFolders` is the per-user record that
earlier versions kept in the home folder, still read.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from assistant.index.corpus import companion_url, is_within
from assistant.index.formats import Document, UnreadableError, kind_of
from assistant.index.formats.cache import DocumentCache
from assistant.index.schema import StoredChunk


class IngestedFolders:
    """The folders ingested on this machine by this user, kept in a JSON file.

    Earlier versions recorded every folder here, in the per-user data folder, whatever
    the store; it is still read (:func:`assistant.index.record.trusted_folders`) but
    ``ingest`` now records folders in the store's own record.

    Args:
        path: The record (by default in the per-user data folder, outside any store).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def roots(self) -> frozenset[Path]:
        """Every folder recorded (resolved paths); empty when there is no record yet."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return frozenset()
        folders = data.get("folders", []) if isinstance(data, dict) else []
        return frozenset(Path(f) for f in folders if isinstance(f, str) and Path(f).is_absolute())

    def add(self, folders: Iterable[Path]) -> None:
        """Record ``folders`` (written atomically, readable by the user only)."""
        new = {Path(f).resolve() for f in folders}
        known = set(self.roots())
        if new <= known:
            return
        # Folders that are gone (a temporary corpus, a moved one) are forgotten, so the
        # record does not grow without end; ingesting one again records it again.
        known = {f for f in known if f.is_dir()}
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        payload = {"folders": sorted(str(f) for f in known | new)}
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=1)
        tmp.replace(self.path)


def folders_of(paths: Iterable[Path | str]) -> list[Path]:
    """The folders an ingest of ``paths`` reads from: a folder itself, a file's parent."""
    out = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.exists():
            path = path.resolve()
            out.append(path if path.is_dir() else path.parent)
    return out


class SourceFiles:
    """Reads article files for one operation, each once, and says whether passages hold.

    A file's text is its :class:`~assistant.index.formats.Document`'s: the file itself
    for text and Markdown, the derived text for a web page, PDF or Word file (derived
    from the bytes as they are now; kept by their hash in ``cache``).

    Args:
        trusted: The folders files may be read from (None: any folder, for library use
            on a store the caller built itself).
        max_bytes: A file larger than this is not read (it was skipped at ingest too).
        cache: Derived texts by file hash (see :mod:`assistant.index.formats.cache`);
            None derives each file's text in this process.
        record_problem: Why the store's record of its folders was not trusted, told
            once in the notice when a passage is left out for want of it.
    """

    def __init__(
        self,
        trusted: Iterable[Path] | None = None,
        max_bytes: int = 10 * 2**20,
        cache: DocumentCache | None = None,
        record_problem: str | None = None,
    ) -> None:
        self.trusted = None if trusted is None else frozenset(Path(t) for t in trusted)
        self.record_problem = record_problem
        self._untrusted = False  # a passage was left out as outside the trusted folders
        self.max_bytes = max_bytes
        self.cache = cache if cache is not None else DocumentCache(None)
        self._docs: dict[tuple[str, str], Document | None] = {}
        self._sha256: dict[tuple[str, str], str] = {}
        self._why: dict[tuple[str, str], str] = {}
        self.stale: dict[str, str] = {}  # source -> why its passages were left out

    def _trusted(self, root: Path) -> bool:
        if self.trusted is None:
            return True
        try:
            resolved = root.resolve()
        except OSError:
            return False
        return any(resolved == t or resolved.is_relative_to(t) for t in self.trusted)

    def text(self, root: str, source: str) -> str | None:
        """The file's text now, or None (see :meth:`why`) when it may not or cannot be read."""
        doc = self.document(root, source)
        return None if doc is None else doc.text

    def document(self, root: str, source: str) -> Document | None:
        """The file's document now, or None (see :meth:`why`) when it cannot be read."""
        key = (root, source)
        if key not in self._docs:
            doc, why = self._read(Path(root), source, key)
            self._docs[key] = doc
            if why:
                self._why[key] = why
        return self._docs[key]

    def why(self, root: str, source: str) -> str:
        """Why :meth:`text` gave None for this file ("" when it did not)."""
        return self._why.get((root, source), "")

    def sha256(self, root: str, source: str) -> str | None:
        """The hash of the file's bytes as read now (None when it could not be read)."""
        self.document(root, source)
        return self._sha256.get((root, source))

    def _read(self, root: Path, source: str, key: tuple[str, str]) -> tuple[Document | None, str]:
        if not root.is_absolute() or not self._trusted(root):
            self._untrusted = True
            return None, _outside_why(source)
        if not is_within(root, source):
            return None, f"{source} is outside the folder it was ingested from"
        path = root / source
        try:
            # O_NONBLOCK: opening a FIFO put in the file's place must not wait for a writer.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None, f"{source} is missing or unreadable"
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, f"{source} is not a regular file"
            if info.st_size > self.max_bytes:
                return None, f"{source} is larger than FACTCHECK_MAX_FILE_MB"
            # Sized from the file, not the limit: read(n) allocates n bytes up front.
            data = f.read(min(self.max_bytes, info.st_size) + 1)
        if len(data) > self.max_bytes:
            return None, f"{source} is larger than FACTCHECK_MAX_FILE_MB"
        try:
            sha256 = self._sha256[key] = hashlib.sha256(data).hexdigest()
            return self.cache.document(path, data, sha256, url=companion_url(path)), ""
        except UnreadableError as exc:
            if kind_of(path) == "text":
                return None, f"{source} is no longer UTF-8 text"
            return None, f"{source} can no longer be read ({exc})"

    def current(self, chunk: StoredChunk) -> bool:
        """Whether the passage still stands in its file at its offsets.

        A passage that does not is recorded in :attr:`stale` with the reason.
        """
        doc = self.document(chunk.root, chunk.source)
        if doc is None:
            self.stale.setdefault(chunk.source, self.why(chunk.root, chunk.source))
            return False
        if doc.text[chunk.start : chunk.end] != chunk.text or not _same_provenance(doc, chunk):
            # The passage moved or changed, or what is shown with it did (its title,
            # outlet, author, date or address).
            self.stale.setdefault(chunk.source, f"{chunk.source} changed since it was ingested")
            return False
        return True

    def page(self, root: str, source: str, offset: int) -> int | None:
        """The page of the character at ``offset`` (PDFs), or None."""
        doc = self.document(root, source)
        return None if doc is None else doc.page_of(offset)

    def keep_current(self, chunks: Iterable[StoredChunk]) -> list[StoredChunk]:
        """The chunks that still stand in their files."""
        return [c for c in chunks if self.current(c)]

    def notice(self) -> str | None:
        """One line for the user about the passages left out, or None.

        Files left out because their folder was not ingested here are named together,
        once, with why the store's record did not cover them: a store copied from
        elsewhere would otherwise repeat the same reason for every file.
        """
        if not self.stale:
            return None
        names = sorted(self.stale)
        outside = [n for n in names if self.stale[n] == _outside_why(n)]
        changed = [n for n in names if n not in outside]
        parts = []
        if changed:
            shown = "; ".join(self.stale[n] for n in changed[:3])
            parts.append(
                f"left out passages that no longer match their files: {shown}{_more(changed)}; "
                "run `factcheck ingest` on their folders to bring the store up to date"
            )
        if outside:
            why = (
                f", and the store's record of its folders was not used: {self.record_problem}"
                if self.record_problem and self._untrusted
                else ""
            )
            parts.append(
                f"left out passages of {', '.join(outside[:3])}{_more(outside)}: "
                f"{'it is' if len(outside) == 1 else 'they are'} not under a folder ingested "
                f"on this machine{why}; run `factcheck ingest` on their folders to read them here"
            )
        return "; ".join(parts)


def _outside_why(source: str) -> str:
    return f"{source} is not under a folder ingested on this machine"


def _more(names: list[str]) -> str:
    return f" (and {len(names) - 3} more)" if len(names) > 3 else ""


def _same_provenance(doc: Document, chunk: StoredChunk) -> bool:
    """Whether the chunk's title and metadata are still the document's.

    A chunk stored before metadata was kept has none: its outlet, date and the rest are
    then not compared (it is shown without them until the file is ingested again).
    """
    if doc.title != chunk.title:
        return False
    if not chunk.kind:
        return True
    return (doc.outlet, doc.author, doc.published, doc.url) == (
        chunk.outlet,
        chunk.author,
        chunk.published,
        chunk.url,
    )
