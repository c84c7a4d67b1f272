"""Word files (``.docx``): paragraphs and table rows in order, by python-docx.

Each paragraph of the body is a paragraph of the derived text, and each table row one
line of its cells ("cell | cell"), in the order they stand in the document. The author and
date come from the file's core properties when they are set, and so does the title
when the text holds it (else the first line is the title).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from assistant.index.formats import Document, UnreadableError
from assistant.index.formats.common import (
    assemble,
    field_text,
    iso_date,
    paragraph_text,
    short_title,
    title_in,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes) -> Document:
    """Read a Word file.

    Raises:
        UnreadableError: The file is not a Word document python-docx can open.
    """
    try:
        import docx
    except ImportError as exc:
        raise UnreadableError(f"the Word reader cannot load ({exc})") from exc

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
        props = document.core_properties
        title, author = props.title, props.author
        created = props.created
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableError(f"not a readable Word file ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx raises its own types for broken packages
        raise UnreadableError(f"not a readable Word file ({type(exc).__name__})") from exc
    text = assemble("", blocks)
    return Document(
        text=text,
        title=short_title(title_in(text, field_text(title))),
        kind="docx",
        author=field_text(author),
        published=iso_date(created),
    )


def _blocks(document: Any) -> Iterator[str]:
    """Each body paragraph's text, and each table row's cells, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            yield paragraph_text(Paragraph(child, document).text)
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    # A merged cell is listed once per grid column it spans: the same
                    # element each time. Two cells that only say the same are both kept.
                    if cell._tc is previous:
                        continue
                    previous = cell._tc
                    text = paragraph_text(cell.text)
                    if text:
                        cells.append(text)
                if cells:
                    yield " | ".join(cells)
