"""Derived texts kept by the hash of the bytes they came from.

A web page's, PDF's or Word file's citable text is derived by an extractor. Keeping it
by the file's sha256 does two things: answering does not run the extractor again for
every file it cites (a PDF takes far longer to read than to hash), and a citation is
checked against the text that was ingested even if the extractor's library is upgraded
meanwhile. A file whose bytes changed has another hash, so its text is derived again
from the file as it is now, and passages that no longer stand in it are withdrawn.

The cache lives in the per-user data folder, not in the store: a store folder someone
handed over, or a shared server, cannot put words into an article. Entries are written
atomically; a missing, unreadable or other-version entry is derived again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from assistant.index.formats import DERIVED_KINDS, READER_VERSION, Document, read_document

_SHA256 = re.compile(r"[0-9a-f]{64}")


class DocumentCache:
    """Derived documents on disk, by the sha256 of their file's bytes.

    Args:
        folder: Where entries are kept; None keeps nothing on disk (each process derives).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._memory: dict[str, Document] = {}

    def _path(self, sha256: str) -> Path | None:
        if self.folder is None or not _SHA256.fullmatch(sha256):
            return None
        return self.folder / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str, kind: str) -> Document | None:
        """The document derived from bytes of this hash, if kept (and of this version)."""
        if sha256 in self._memory:
            return self._memory[sha256]
        path = self._path(sha256)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != READER_VERSION:
                return None
            doc = Document.from_json(data["document"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if doc.kind != kind:
            return None
        self._memory[sha256] = doc
        return doc

    def put(self, sha256: str, doc: Document) -> None:
        """Keep ``doc`` for bytes of this hash.

        A cache that cannot be written is passed over: it only saves time.
        """
        self._memory[sha256] = doc
        path = self._path(sha256)
        if path is None:
            return
        # Written even when an entry exists: put() follows a miss, so that entry was
        # unreadable or of another reader version, and would miss again every time.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp.write_text(
                json.dumps({"version": READER_VERSION, "document": doc.to_json()}),
                encoding="utf-8",
            )
            tmp.replace(path)
        except OSError:
            with contextlib.suppress(OSError):  # a folder that is a file: nothing to undo
                tmp.unlink(missing_ok=True)

    def document(self, path: Path, data: bytes, sha256: str, *, url: str = "") -> Document:
        """The document in ``data`` (the bytes of ``path``), derived once per hash.

        Raises:
            UnreadableError: See :func:`~assistant.index.formats.read_document`.
        """
        from dataclasses import replace

        from assistant.index.formats import kind_of

        kind = kind_of(path)
        if kind not in DERIVED_KINDS:
            return read_document(path, data, url=url)
        doc = self.get(sha256, kind)
        if doc is None:
            doc = read_document(path, data)
            self.put(sha256, doc)
        return replace(doc, url=url) if url else doc
