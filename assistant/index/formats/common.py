"""What the readers share: decoding text, titles, dates, and laying out derived text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

MAX_TITLE = 200  # characters of a title kept
MAX_FIELD = 300  # characters kept of an outlet, author or URL (metadata, not evidence)

# Whatever str.splitlines() breaks on: CR-only and CRLF files have titles too.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"\s+")
# C0/C1 controls and zero-width or bidi formatting characters: never part of a field.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# An ISO 8601 date, alone or starting a date-time ("2026-03-14T09:30:00+01:00").
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")
_WRITTEN_DATES = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d.%m.%Y")


def quiet_library_logs(*names: str) -> None:
    """Keep extractor libraries' warnings about a malformed file off the user's terminal.

    pypdf and trafilatura log what they recover from ("EOF marker not found"); with no
    logging set up, Python prints warnings to stderr. The file's fate is reported by
    ingest, in one line. A level the user set themselves is left alone.
    """
    import logging

    for name in names:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            # Errors too: readability logs a traceback at ERROR for a page it gives up on.
            logger.setLevel(logging.CRITICAL)


def decode_article(data: bytes) -> str:
    """Decode article bytes as UTF-8.

    Raises:
        UnicodeDecodeError: The bytes are not UTF-8 text.
        ValueError: The bytes look binary (contain NUL bytes).

    """
    if b"\x00" in data:
        raise ValueError("looks like a binary file")
    return data.decode("utf-8")


def title_of(text: str, start: int = 0) -> str:
    """Return the first line of ``text`` with a letter or digit, without Markdown marks.

    A rule ("---", "===", "***") is no title. Lines are read from ``start`` (past a
    header), and only as far as the title: the text is never copied whole.

    A first line longer than :data:`MAX_TITLE` (an article that is one long line) is
    cut at a word with "…": every chunk stores its title, so a whole-article title made
    ingest quadratic in the article's length.
    """
    pos = start
    while pos <= len(text):
        brk = _LINE_BREAK.search(text, pos)
        end = brk.start() if brk else len(text)
        line = text[pos : min(end, pos + 4 * MAX_TITLE)]
        stripped = line.replace("\ufeff", "").strip().lstrip("#").strip()
        if any(ch.isalnum() for ch in stripped):
            if len(stripped) <= MAX_TITLE and end - pos <= 4 * MAX_TITLE:
                return stripped
            return short_title(stripped)
        if brk is None:
            break
        pos = brk.end()
    return ""


def short_title(title: str) -> str:
    """``title`` cut at a word to at most :data:`MAX_TITLE` characters (with "…")."""
    if len(title) <= MAX_TITLE:
        return title
    cut = title[:MAX_TITLE].rsplit(" ", 1)[0] or title[:MAX_TITLE]
    return cut.rstrip() + "…"


def field_text(value: object) -> str:
    """A metadata value as one clean line: controls removed, spaces collapsed, bounded."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", _CONTROLS.sub("", str(value))).strip()
    return text[:MAX_FIELD]


def web_url(value: object) -> str:
    """``value`` when it is an http(s) address, else "".

    A page's metadata is data: no other scheme is kept, so a ``javascript:`` link can
    never be shown.
    """
    text = field_text(value)
    return text if text.lower().startswith(("http://", "https://")) and " " not in text else ""


def iso_date(value: object) -> str:
    """A date as ``YYYY-MM-DD``, or "" when ``value`` is not a date this can read.

    Reads ``date``/``datetime`` objects, ISO 8601 dates and date-times, and dates
    written out in English ("March 14, 2026", "14 Mar 2026").
    """
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    text = field_text(value)
    if not text:
        return ""
    match = _ISO_DATE.match(text + " ")
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return ""
    for fmt in _WRITTEN_DATES:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def paragraph_text(text: str) -> str:
    """One paragraph on one line: every run of whitespace (a ``<br>``, a wrap) one space."""
    return _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip()


def title_in(text: str, title: object) -> str:
    """The document's title: ``title`` (from its metadata) when it stands in ``text``.

    A PDF's or Word file's title property is often a template's or a file name's
    ("Microsoft Word - draft3.docx"); the one a reader sees is in the text. So the
    property counts only when the text holds it; otherwise the first line is the title.
    """
    wanted = paragraph_text(str(title or ""))
    if wanted:
        # Whole words only: a title "Report" is not held by "reported".
        pattern = rf"(?<!\w){re.escape(wanted.casefold())}(?!\w)"
        if re.search(pattern, paragraph_text(text).casefold()):
            return wanted
    return title_of(text)


def assemble(title: str, paragraphs: Iterable[str]) -> str:
    """Lay out a derived article: the title, then each paragraph, blank lines between.

    Blank lines are what the chunker reads as paragraph breaks. A headline is the title
    once: the body's first paragraph equal to the title is left out, wherever it is.
    """
    body = [p for p in (paragraph_text(p) for p in paragraphs) if p]
    head = paragraph_text(title)
    if head:
        same = [i for i, p in enumerate(body) if p.casefold() == head.casefold()]
        if same:
            del body[same[0]]
    return "\n\n".join([head, *body] if head else body)
