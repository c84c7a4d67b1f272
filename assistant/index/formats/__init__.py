"""Reading the formats a journalist's pile comes in: each file becomes one :class:`Document`.

A document's ``text`` is what citations are checked against. For ``.txt`` and ``.md``
it is the file itself (decoded as UTF-8, no newline translation), so offsets and lines
are the file's own. For a saved web page, a PDF or a Word file it is derived from the
file's bytes by a maintained extractor (trafilatura, pypdf, python-docx), the same way
every time: the article's paragraphs, one per blank-line-separated block, with the
boilerplate (navigation, cookie banners, scripts, related-article lists) left out. A
derived text is kept with the hash of the bytes it came from (:mod:`.cache`), so a
citation is checked against the file as it is now: changed bytes give a new text, and a
passage that no longer stands in it is withdrawn.

Each reader is a small module with one job (:mod:`.text`, :mod:`.html`, :mod:`.pdf`,
:mod:`.docx`); :func:`read_document` picks one by the file's suffix. Extractors are
imported only when a file of their kind is read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Suffix -> kind of reader. Everything else in an ingested folder is named in a warning.
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
DERIVED_KINDS = frozenset({"html", "pdf", "docx"})  # kinds whose text is not the file itself
# Bumped whenever a reader's output changes for the same bytes: cached texts of another
# version are derived again (and citations of a changed text are re-checked).
READER_VERSION = "1"
_ANY_TEXT = re.compile(r"\S")


def readable_types() -> str:
    """The suffixes read, for messages: ".txt, .md, .html, .htm, .pdf, .docx"."""
    return ", ".join(SUFFIXES)


def kind_of(path: Path | str) -> str | None:
    """The reader for ``path`` by its suffix ("text", "html", "pdf", "docx"), or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


class UnreadableError(ValueError):
    """The file cannot be read as an article; ``str(error)`` says why, in a few words."""


@dataclass(frozen=True)
class Document:
    """One article: the text citations are checked against, and who published it when.

    Attributes:
        text: The citable text. ``text[start:end]`` is what every citation quotes.
        title: The headline (from the file's metadata, else its first line).
        kind: The reader that made it: "text", "html", "pdf" or "docx".
        body_start: Where the article's text starts in ``text`` (past a front-matter
            header, which is metadata, not evidence).
        outlet: The site or publication ("" when the file does not say).
        author: The byline ("" when unknown).
        published: The publication date as ``YYYY-MM-DD`` ("" when unknown).
        url: Where the article was published or fetched from ("" when unknown).
        pages: For a PDF, the offset in ``text`` where each page starts.

    """

    text: str
    title: str
    kind: str
    body_start: int = 0
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""
    pages: tuple[int, ...] = field(default=())

    def page_of(self, offset: int) -> int | None:
        """The 1-based page the character at ``offset`` is on; None for a text without pages."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset))

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (for the cache of derived texts)."""
        out = asdict(self)
        out["pages"] = list(self.pages)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document from :meth:`to_json`'s output.

        Raises:
            ValueError: ``data`` is not a document.
        """
        try:
            return cls(
                text=str(data["text"]),
                title=str(data["title"]),
                kind=str(data["kind"]),
                body_start=int(data.get("body_start", 0)),
                outlet=str(data.get("outlet", "")),
                author=str(data.get("author", "")),
                published=str(data.get("published", "")),
                url=str(data.get("url", "")),
                pages=tuple(int(p) for p in data.get("pages", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a cached document: {exc}") from exc


def read_document(path: Path, data: bytes, *, url: str = "") -> Document:
    """Turn a file's bytes into a :class:`Document` with the reader for its suffix.

    Args:
        path: The file's path (its suffix picks the reader; its name is never read).
        data: The file's bytes.
        url: Where the file was fetched from, when it was (overrides the page's own).

    Returns:
        The document; the same bytes always give the same document.

    Raises:
        UnreadableError: The file is not of a kind read here, or holds no article text
            (binary, not UTF-8, encrypted, no text layer, only boilerplate, ...).

    """
    kind = kind_of(path)
    if kind == "text":
        from assistant.index.formats.text import read_text

        doc = read_text(data)
    elif kind == "html":
        from assistant.index.formats.html import read_html

        doc = read_html(data)
    elif kind == "pdf":
        from assistant.index.formats.pdf import read_pdf

        doc = read_pdf(data)
    elif kind == "docx":
        from assistant.index.formats.docx import read_docx

        doc = read_docx(data)
    else:
        raise UnreadableError(f"not a file type read here (reads {readable_types()})")
    if not _ANY_TEXT.search(doc.text, doc.body_start):  # searched, not copied
        raise UnreadableError("no article text in it")
    if url:
        from dataclasses import replace

        doc = replace(doc, url=url)
    return doc
