"""Text from articles made safe for where it is shown: a terminal, Markdown, a CSV cell.

Article text, file names, titles and model output are data. Shown raw they could act:
an ESC sequence can clear the screen or plant a hyperlink (OSC 8) in a terminal, a bidi
override (U+202E) can make a line read backwards, ``<script>`` or ``[x](http://...)``
becomes live in a rendered report, and ``=HYPERLINK(...)`` becomes a formula in a
spreadsheet. These pure functions neutralise that and keep the text readable; JSON
output never goes through them, so it keeps the exact text.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional formatting characters: they reorder what follows them on the line
# ("Trojan Source"), so a quote could display as something it does not say.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that end a line for someone (Python's splitlines, some terminals, editors).
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _visible(ch: str) -> str:
    """A control character as printable text, in Python's escape notation."""
    if ch in "\n\r":
        return repr(ch)[1:-1]  # \n and \r: the forms people know
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _unsafe(ch: str) -> bool:
    # Cc: C0 controls, DEL and C1 controls (ESC, CSI, OSC, BEL, ...). Cs: lone surrogates,
    # left in a str by non-UTF-8 bytes in a file name or argv; they cannot be encoded.
    return ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs")


def terminal_text(text: str, *, one_line: bool = False) -> str:
    r"""Return ``text`` with nothing a terminal would act on.

    Control characters (C0 such as ESC and BEL, DEL, C1 such as U+009B), bidi overrides
    and lone surrogates are written out as visible escapes (``\x1b``, ``\u202e``), so
    an article cannot move the cursor, clear the screen, set a hyperlink or reorder a
    line, and the reader still sees that the character was there. Tabs stay.

    Args:
        text: Text from an article, a file name, a title or a model.
        one_line: Also write line breaks as ``\n`` (for file names and titles, so a
            name cannot split a citation line). Otherwise a newline stays a newline.

    Returns:
        The text, safe to print.
    """
    if text.isprintable():  # the common case: nothing to do (tabs and newlines are not)
        return text
    out: list[str] = []
    for ch in text:
        if ch == "\t" or (ch == "\n" and not one_line):
            out.append(ch)
        elif _unsafe(ch) or (one_line and ch in _LINE_BREAKS):
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


# CommonMark inline syntax an article could use to add emphasis, code, links, images,
# raw HTML, autolinks or strikethrough (GFM). Escaped wherever it stands.
_MD_ALWAYS = frozenset("\\`*_<[]~|")
# A "[12]" citation marker our own code writes: left readable unless a "(" follows
# (an inline link) or a ":" (a link reference definition, at the start of an item).
_MARKER = re.compile(r"\[\d+\](?![(:])")
# An entity reference (&lt; &#60;) would turn into the character it names.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# GFM turns bare URLs, www. names and e-mail addresses into links: break the pattern
# with an escape that renders as nothing.
_AUTOLINK = re.compile(r"(?<=\w):(?=//)|(?<=\bwww)\.|(?<=[\w.+-])@(?=[\w-])", re.IGNORECASE)
# What starts a block (quote, list, thematic break, setext underline) at the start of a
# line or of a list item: "> x", "- x", "+ x", "= x", "1. x", "1) x".
_BLOCK_START = re.compile(r"^(?:([>+=-])|(\d+)([.)]))")
_MD_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def markdown_text(text: str, *, line_start: bool = False) -> str:
    """Return ``text`` as Markdown that shows it literally, on one line.

    Meant for article text placed inline in a report (a list item, a quote, a table
    cell, a heading's end): it cannot start a heading, list or quote, nor add HTML,
    links, images, autolinks, emphasis, code or table cells. Citation markers such as
    ``[3]`` stay as written; other characters are backslash-escaped only where they
    would mean something, so the file stays readable. Line breaks become spaces and
    control characters visible escapes (see ``terminal_text``).

    Args:
        text: Text from an article, a title, a speaker or a model.
        line_start: The text starts a line or a list item, where "- ", "> ", "1. " or
            "=" would start a block: escape them too.

    Returns:
        Markdown source that renders as ``text``.
    """
    flat = terminal_text(_MD_LINE_BREAK.sub(" ", text), one_line=True).strip()
    out: list[str] = []
    i = 0
    while i < len(flat):
        marker = _MARKER.match(flat, i)
        if marker:
            out.append(marker.group())
            i = marker.end()
            continue
        ch = flat[i]
        out.append(f"\\{ch}" if ch in _MD_ALWAYS else ch)
        i += 1
    escaped = "".join(out)
    escaped = _ENTITY.sub(r"\\&", escaped)
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(), escaped)
    # "#" after a space can close an ATX heading ("# Title #"), and anywhere at the start
    # of the text it opens one: escape it there, leave "#1" and "C#" alone.
    escaped = re.sub(r"(?:(?<=\s)|^)#", r"\\#", escaped)
    return _BLOCK_START.sub(_escape_block_start, escaped) if line_start else escaped


def _escape_block_start(m: re.Match[str]) -> str:
    if m.group(1):
        return "\\" + m.group(1)
    return f"{m.group(2)}\\{m.group(3)}"  # "1." -> "1\.": the digits stay, the marker goes


def markdown_code(text: str) -> str:
    """Return ``text`` as a Markdown code span, for file names.

    The fence is one backtick longer than the longest run inside, so a backtick in a
    name cannot end the span early; nothing inside a code span is markup.

    Args:
        text: A file name or other literal text.

    Returns:
        The code span, on one line.
    """
    # A line break in a name is shown as \n, as in the terminal, not folded into a space.
    flat = terminal_text(text, one_line=True)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space on each side when both are there, and needs them when
    # the content starts or ends with a backtick.
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


# What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection"): the four
# formula characters, their fullwidth forms (read as formulas in some locales), and a
# leading tab, carriage return or line feed, which some programs skip before looking.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> object:
    """Return a CSV cell that a spreadsheet will not run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break gets a leading
    single quote, as OWASP advises; a spreadsheet then shows it as text. Numbers and
    ``None`` are returned unchanged: cells our own code computes (counts, offsets,
    ``low``/``high``) are numbers, and a negative number is a number, not a formula.
    Only cells holding text from articles or a model should go through this.

    Args:
        value: The cell's value.

    Returns:
        The value, with text neutralised.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
