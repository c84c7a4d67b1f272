"""PDF files: the text layer by pypdf, page by page, reflowed into paragraphs.

pypdf (BSD) gives each page's text as the lines the page prints. Those lines are put
back into paragraphs here, because a sentence wrapped over two lines must be one
sentence to be found and cited: a line that runs to (nearly) the page's full width
goes on in the next line, a shorter one ends its paragraph (or is a heading). A word
hyphenated over a line break ("investi-" / "gation") is joined. Lines that repeat at
the top or bottom of several pages (a running header, "Page 2 of 3") are not article
text. Each page's offset in the derived text is kept, so a citation names its page.
"""

from __future__ import annotations

import io
import re
from typing import Any

from assistant.index.formats import Document, UnreadableError
from assistant.index.formats.common import (
    field_text,
    iso_date,
    paragraph_text,
    quiet_library_logs,
    short_title,
    title_in,
)

# A line at least this share of the page's longest line is a full line that wraps.
FULL_LINE = 0.8
EDGE_LINES = 4  # lines at the top and bottom of a page looked at for running headers
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_PAGE_NUMBER = re.compile(r"(?i)^\W*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$")
_DIGITS = re.compile(r"\d+")


def read_pdf(data: bytes) -> Document:
    """Read a PDF's text layer.

    Raises:
        UnreadableError: The file is not a PDF pypdf can open, is encrypted, or has no
            text layer (a scan: it needs OCR, which is not done here).
    """
    quiet_library_logs("pypdf")
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:
        raise UnreadableError(f"the PDF reader cannot load ({exc})") from exc

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableError("encrypted PDF (save an unprotected copy to ingest it)")
        pages: list[list[str]] = []
        breaks: list[set[str]] = []
        for page in reader.pages:
            pages.append(_lines(page.extract_text() or ""))
            breaks.append(_paragraph_starts(page))
        info = reader.metadata
    except UnreadableError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UnreadableError(f"damaged, or not a PDF ({type(exc).__name__})") from exc
    if not any(pages):
        raise UnreadableError("PDF with no text layer (a scan needs OCR first)")
    pages = _drop_running_lines(pages)
    text, starts = _lay_out(_reflow(pages, breaks))
    return Document(
        text=text,
        title=short_title(title_in(text, _info(info, "title"))),
        kind="pdf",
        author=field_text(_info(info, "author")),
        published=iso_date(_info(info, "creation_date")),
        pages=starts,
    )


def _info(info: object, name: str) -> object:
    """A document-information field, or None when it is missing or malformed."""
    if info is None:
        return None
    try:
        return getattr(info, name)
    except (ValueError, TypeError, KeyError, AttributeError):  # a malformed date, say
        return None


def _lines(page_text: str) -> list[str]:
    return [" ".join(line.split()) for line in page_text.splitlines()]


def _paragraph_starts(page: Any) -> set[str]:
    """The lines that open a paragraph, as pypdf's layout mode shows them.

    Layout mode keeps the page's vertical gaps as blank lines, which is where
    paragraphs begin; but it sets text side by side as printed, so a page of columns
    gives lines that mix them. Its lines are only used where they equal a line of the
    plain extraction, so columns fall back to the line-length rule.
    """
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # a page layout mode cannot read: the line-length rule alone
        return set()
    starts: set[str] = set()
    after_gap = True
    for raw in layout.splitlines():
        line = " ".join(raw.split())
        if not line:
            after_gap = True
            continue
        if after_gap:
            starts.add(line)
        after_gap = False
    return starts


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Leave out page numbers, and lines repeated at the edges of several pages.

    A running header or footer is the same line (its numbers aside) near the top or
    bottom of at least two pages; a line of only a page number is one too.
    """
    seen: dict[str, int] = {}
    for lines in pages:
        edges = {_DIGITS.sub("#", line) for line in _edges(lines) if line}
        for key in edges:
            seen[key] = seen.get(key, 0) + 1
    running = {key for key, n in seen.items() if n >= 2} if len(pages) >= 2 else set()
    out: list[list[str]] = []
    for lines in pages:
        edge = set(_edges_index(lines))
        out.append(
            [
                line
                for i, line in enumerate(lines)
                if not (
                    i in edge and (_DIGITS.sub("#", line) in running or _PAGE_NUMBER.match(line))
                )
            ]
        )
    return out


def _edges_index(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line]
    return filled[:EDGE_LINES] + filled[-EDGE_LINES:]


def _edges(lines: list[str]) -> list[str]:
    return [lines[i] for i in _edges_index(lines)]


def _reflow(pages: list[list[str]], starts: list[set[str]]) -> list[list[tuple[str, int]]]:
    """The paragraphs of all pages, each a list of (line, page index).

    On each page, a line that opens a paragraph in the page's layout (after a vertical
    gap, see :func:`_paragraph_starts`) starts a new one; a line that runs to (nearly)
    the page's longest line goes on in the next line, and a shorter one ends its
    paragraph (or is a heading). A paragraph open at the foot of a page goes on at the
    top of the next when that page's first line starts in lower case: a sentence broken
    by the page break stays one sentence.
    """
    paragraphs: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    for number, lines in enumerate(pages):
        widest = max((len(line) for line in lines), default=0)
        first = next((line for line in lines if line), "")
        go_on = bool(current) and first[:1].islower()
        if current and not go_on:
            paragraphs.append(current)
            current = []
        for line in lines:
            if not line:
                if current:
                    paragraphs.append(current)
                current = []
                continue
            if current and line in starts[number] and not (go_on and line == first):
                paragraphs.append(current)
                current = []
            current.append((line, number))
            if len(line) < FULL_LINE * widest:
                paragraphs.append(current)
                current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _join(lines: list[tuple[str, int]]) -> tuple[str, list[tuple[int, int]]]:
    """A paragraph's lines as one line, and where each page's first line starts in it.

    A word hyphenated over a line break is joined ("investi-" + "gation"); a hyphen
    before a capital or a digit belongs to the word and stays ("non-" + "European").
    """
    text = ""
    starts: list[tuple[int, int]] = []
    for line, page in lines:
        if text and _HYPHENATED.search(text) and line[:1].islower():
            text = text[:-1]
        elif text and not (_HYPHENATED.search(text) and line[:1].isalnum()):
            text += " "
        if not starts or starts[-1][0] != page:
            starts.append((page, len(text)))
        text += line
    return text, starts


def _lay_out(paragraphs: list[list[tuple[str, int]]]) -> tuple[str, tuple[int, ...]]:
    """The derived text and where each page starts in it.

    Laid out as :func:`~assistant.index.formats.common.assemble` does (blank lines
    between paragraphs). A page with no text starts where the next text starts, so an
    offset is always on the page that holds it.
    """
    parts: list[str] = []
    size = 0
    pages = 1 + max((page for lines in paragraphs for _, page in lines), default=0)
    found: dict[int, int] = {0: 0}  # page index -> offset of its first character
    for lines in paragraphs:
        text, starts = _join(lines)
        line = paragraph_text(text)
        if not line:
            continue
        at = size + (2 if parts else 0)
        # paragraph_text() only trims the ends and collapses spaces the lines have not.
        lead = len(text) - len(text.lstrip())
        for page, offset in starts:
            found.setdefault(page, at + max(0, offset - lead))
        size = at + len(line)
        parts.append(line)
    out: list[int] = []
    following = size
    for page in reversed(range(pages)):
        following = found.get(page, following)
        out.append(following)
    out.reverse()
    return "\n\n".join(parts), tuple(out)
