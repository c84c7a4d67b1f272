"""Sentence-aware chunking that keeps exact character offsets.

Every span here is a pair of offsets into the original text, so ``text[start:end]`` is
always the verbatim passage: nothing is stripped, re-joined or normalised.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.language import MONTH_ABBREVIATIONS

# Words that end with a period without ending a sentence.
_ABBREVIATIONS = (
    frozenset(
        [
            "mr",
            "mrs",
            "ms",
            "dr",
            "prof",
            "gen",
            "lt",
            "col",
            "maj",
            "capt",
            "sgt",
            "cpl",
            "adm",
            "gov",
            "sen",
            "rep",
            "st",
            "jr",
            "sr",
            "rev",
            "hon",
            "pres",
            "no",
            "nos",
            "vs",
            "etc",
            "inc",
            "co",
            "corp",
            "ltd",
            "dept",
            "univ",
            "est",
            "approx",
            "fig",
            "al",
            "mon",
            "tue",
            "tues",
            "wed",
            "thu",
            "thurs",
            "fri",
            "sat",
            "sun",
            "e.g",
            "i.e",
            "u.s",
            "u.k",
            "u.n",
            "a.m",
            "p.m",
        ]
    )
    | MONTH_ABBREVIATIONS
)  # "Feb. 7" does not end a sentence

# A sentence ends at . ! ? (or …), possibly followed by closing quotes/brackets, then
# whitespace, then something that can start a sentence. It is tried only where a run of
# such punctuation starts, and the run is taken whole (possessive): a run ends a
# sentence whole or not at all, and retrying each of its characters would be quadratic
# in its length ("......" for 400 KB).
_BOUNDARY = re.compile(r"""(?<![.!?…])([.!?…]++)(["'”’)\]]*)(\s+)(?=["'“‘(\[]?[A-Z0-9])""")
# A line ends at LF, CRLF or a lone CR (old Mac files, some exports): all three end a
# line in a text editor, so all three count for paragraphs and line numbers.
_LINE_BREAK = re.compile(r"\r\n?|\n")
_PARAGRAPH = re.compile(r"(?:\r\n?|\n)[ \t\u00a0]*(?:\r\n?|\n)\s*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# The longest word an abbreviation check looks at: longer than any abbreviation, so a
# longer word is none, and a period costs a bounded look back, not one to the line's start.
_LONGEST_WORD = 24
_WORD_CHAR = re.compile(r"[\w.]")


@dataclass(frozen=True)
class Span:
    """A half-open character span ``[start, end)`` in some text."""

    start: int
    end: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial."""
    window = max(0, dot - _LONGEST_WORD)
    match = _WORD_BEFORE.search(text, window, dot)
    if not match:
        return False
    if match.start() == window > 0 and _WORD_CHAR.match(text, window - 1):
        return False  # the word goes on before the window: too long to be an abbreviation
    word = match.group(1).lower().strip(".")
    if len(word) == 1 and word.isalpha():  # an initial: "Thomas F. Veale"
        return True
    return word in _ABBREVIATIONS


def _trim(text: str, start: int, end: int) -> Span | None:
    """Shrink ``[start, end)`` to exclude surrounding whitespace; None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None


def _soft_lines(text: str, start: int, end: int) -> Iterator[Span]:
    """Split a paragraph at single newlines that are not mere line wrapping.

    A line break is a boundary unless the line before it is long and ends mid-sentence
    (a lowercase letter, a comma, a semicolon or a hyphen): that is hard-wrapped prose.
    Short lines (titles, bylines, datelines) always stand alone.
    """
    unit_start = start
    line_start = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        line = text[line_start : brk.start()].rstrip()
        wraps = len(line) >= 40 and (line[-1].islower() or line[-1] in ",;-")
        if not wraps:
            yield Span(unit_start, brk.start())
            unit_start = brk.end()
        line_start = brk.end()
    yield Span(unit_start, end)


def paragraphs(text: str) -> list[Span]:
    """Return the paragraph spans of ``text`` (blank lines separate paragraphs)."""
    spans: list[Span] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        trimmed = _trim(text, pos, match.start())
        if trimmed:
            spans.append(trimmed)
        pos = match.end()
    trimmed = _trim(text, pos, len(text))
    if trimmed:
        spans.append(trimmed)
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentence spans (offsets into ``text``).

    Paragraph breaks and non-wrapping line breaks always end a sentence; inside a line,
    a sentence ends at terminal punctuation followed by a capital, a digit or an opening
    quote, unless the period belongs to an abbreviation or an initial ("U.S.", "F.").
    """
    end = len(text) if end is None else end
    sentences: list[Span] = []
    for para in _paragraphs_in(text, start, end):
        for line in _soft_lines(text, para.start, para.end):
            pos = line.start
            for match in _BOUNDARY.finditer(text, line.start, line.end):
                if match.group(1) == "." and _is_abbreviation(text, match.start(1)):
                    continue
                cut = match.end(2)
                trimmed = _trim(text, pos, cut)
                if trimmed:
                    sentences.append(trimmed)
                pos = match.end(3)
            trimmed = _trim(text, pos, line.end)
            if trimmed:
                sentences.append(trimmed)
    return sentences


def _paragraphs_in(text: str, start: int, end: int) -> list[Span]:
    return [Span(p.start + start, p.end + start) for p in paragraphs(text[start:end])]


@dataclass(frozen=True)
class Chunk:
    """A passage of an article, with where it stands in the file.

    Attributes:
        id: Stable id from a hash of the source name, offset and text.
        source: File path relative to the ingested folder.
        start: Offset of the first character in the file's text.
        end: Offset one past the last character.
        line: 1-based line number of ``start``.
        text: ``file_text[start:end]``, verbatim.

    """

    id: str
    source: str
    start: int
    end: int
    line: int
    text: str


class LineIndex:
    """Maps character offsets to 1-based line numbers: the one numbering every door uses.

    LF, CRLF and a lone CR each end a line, as in a text editor: counting only LF put
    every line of a CR-only file on line 1. U+2028, U+0085 and form feeds do not, as
    editors and ``grep -n`` do not break lines there; the line stored with each chunk at
    ingest is counted the same way, so the CLI, the API and the article page agree.
    """

    def __init__(self, text: str) -> None:
        # Where each line after the first starts (just past its line break).
        self._starts = [m.end() for m in _LINE_BREAK.finditer(text)]

    def line_of(self, offset: int) -> int:
        """Return the 1-based line number of the character at ``offset``.

        A line break belongs to the line it ends (both characters of a CRLF).
        """
        return bisect.bisect_right(self._starts, offset) + 1


def line_of(text: str, offset: int) -> int:
    """The 1-based line of ``text[offset]`` as :class:`LineIndex` counts it (one lookup)."""
    return LineIndex(text).line_of(offset)


def chunk_id(source: str, start: int, text: str) -> str:
    """A stable id for a chunk: the same text at the same place gets the same id."""
    digest = hashlib.sha256(f"{source}\x00{start}\x00{text}".encode()).hexdigest()
    return digest[:32]


def chunk_text(
    source: str, text: str, *, max_chars: int = 800, min_chars: int = 200, start: int = 0
) -> list[Chunk]:
    """Cut an article into chunks of whole sentences.

    A chunk never splits a sentence. It starts at a paragraph boundary when the chunk so
    far has at least ``min_chars`` characters (short lines such as titles and bylines
    join the next paragraph), and is closed before it would exceed ``max_chars``.

    Args:
        source: The article's source name (part of each chunk id).
        text: The article's full text.
        max_chars: Soft upper bound on a chunk's length (a longer sentence stands alone).
        min_chars: Paragraphs shorter than this are merged with the next one.
        start: Where the article's text starts (past a front-matter header); offsets
            and lines stay those of the whole ``text``.

    Returns:
        Chunks in document order; ``text[c.start:c.end] == c.text`` for each.

    """
    lines = LineIndex(text)
    chunks: list[Chunk] = []
    cur: list[Span] = []

    def flush() -> None:
        if not cur:
            return
        start, end = cur[0].start, cur[-1].end
        body = text[start:end]
        chunks.append(
            Chunk(chunk_id(source, start, body), source, start, end, lines.line_of(start), body)
        )
        cur.clear()

    for para in paragraphs(text) if start <= 0 else _paragraphs_in(text, start, len(text)):
        if cur and cur[-1].end - cur[0].start >= min_chars:
            flush()
        for sent in split_sentences(text, para.start, para.end):
            if cur and sent.end - cur[0].start > max_chars:
                flush()
            cur.append(sent)
    flush()
    return chunks
