"""Plain-text and Markdown articles, with an optional front-matter header.

The file's text is the article's text, unchanged: offsets and line numbers are the
file's own. A file may open with a short header saying who published it and when::

    ---
    title: Fire at the mill
    outlet: The Valley Courier
    author: Jane Roe
    published: 2026-03-16
    url: https://valleycourier.example/fire
    ---

The header is metadata: passages start after it, so it is never cited as evidence.
"""

from __future__ import annotations

import re

from assistant.index.formats import Document
from assistant.index.formats.common import decode_article, field_text, iso_date, title_of, web_url

# Keys read from the header, with the other names people give them.
_KEYS = {
    "title": "title",
    "headline": "title",
    "outlet": "outlet",
    "publisher": "outlet",
    "publication": "outlet",
    "site": "outlet",
    "site_name": "outlet",
    "source": "outlet",
    "author": "author",
    "authors": "author",
    "byline": "author",
    "by": "author",
    "published": "published",
    "date": "published",
    "url": "url",
    "link": "url",
}
MAX_HEADER_LINES = 40  # a longer "header" is the article, not metadata
_FENCE = re.compile(r"---[ \t]*(?:\r\n|\r|\n)")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_FIELD = re.compile(r"\s*([A-Za-z_ -]{1,30}?)\s*:\s*(.*?)\s*$")


def read_text(data: bytes) -> Document:
    """Read a ``.txt``/``.md`` article (UTF-8) and its front-matter header, if any.

    Raises:
        UnreadableError: The bytes are binary or not UTF-8.
    """
    from assistant.index.formats import UnreadableError

    try:
        text = decode_article(data)
    except UnicodeDecodeError as exc:
        raise UnreadableError("not UTF-8 text") from exc
    except ValueError as exc:
        raise UnreadableError(str(exc)) from exc
    fields, body_start = front_matter(text)
    title = field_text(fields.get("title")) or title_of(text, body_start)
    return Document(
        text=text,
        title=title,
        kind="text",
        body_start=body_start,
        outlet=field_text(fields.get("outlet")),
        author=field_text(fields.get("author")),
        published=iso_date(fields.get("published")),
        url=web_url(fields.get("url")),
    )


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """The header's fields and where the article starts; ({}, 0) when there is no header.

    A header opens the file with a ``---`` line and closes with the next ``---`` line,
    within :data:`MAX_HEADER_LINES`; each line between is ``key: value``, and at least
    one key is one read here. Anything else (no closing line, a line that is not a
    field, no known field) means the file has no header, and its first lines are
    article text like the rest.
    """
    start = 1 if text.startswith("\ufeff") else 0
    opening = _FENCE.match(text, start)
    if not opening:
        return {}, 0
    fields: dict[str, str] = {}
    pos = opening.end()
    for _ in range(MAX_HEADER_LINES):
        line = _LINE.match(text, pos)
        if line is None or (not line.group(2) and pos >= len(text)):
            return {}, 0
        content = line.group(1)
        pos = line.end()
        if content.strip() == "---":
            # A header names at least one field read here: "---", "Update: the road
            # reopened", "---" at the top of a file is an article, not a header.
            return (fields, pos) if fields else ({}, 0)
        if not content.strip():
            continue
        field = _FIELD.match(content)
        if field is None:
            return {}, 0
        key = _KEYS.get(field.group(1).strip().lower().replace(" ", "_"))
        value = field.group(2).strip().strip("\"'")
        if key and value and key not in fields:
            fields[key] = value
    return {}, 0
