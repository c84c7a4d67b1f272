r"""The text as a reader sees it, for matching, with a map back to the file's own offsets.

A file may hold characters that a reader does not see or reads as plain ones: a
zero-width space, joiner or non-joiner, a word joiner, a soft hyphen or a byte-order
mark inside a word ("kil\u200bled" shows as "killed"), a full-width digit or letter
("５", "ｋ"), another script's digit ("٥"). Everything that matches text (keyword terms,
embeddings, entities, figures, speakers) reads :func:`visible`'s view: invisible format
characters (Unicode category Cf) dropped, width forms folded by NFKC, decimal digits
written as ASCII. Nothing else is changed (no case, accents or ligatures), and each
character of the view knows where it came from, so a span found in the view is cited
as the file's exact characters at the file's offsets. The quote verifier folds text the
same way (:mod:`assistant.reasoning.verify`), so a sentence read in the view is found in
its file.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def read_char(ch: str) -> str:
    """How a reader reads one character: "" when it is invisible, else one character.

    Args:
        ch: One character.

    Returns:
        "" for a format character (Cf: zero-width space, joiners, word joiner, soft
        hyphen, byte-order mark, bidi controls), the ASCII digit for any decimal digit,
        the NFKC form of a full-width or half-width character, else ``ch`` itself.
    """
    if ch.isascii():
        return ch
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if unicodedata.decomposition(ch).startswith(("<wide>", "<narrow>")):
        folded = unicodedata.normalize("NFKC", ch)
        return folded if len(folded) == 1 else ch
    return ch


@dataclass(frozen=True)
class View:
    """A text as read for matching, and where each of its characters stands in the original.

    Attributes:
        text: The view (the original itself when nothing in it reads differently).
        origin: For each character of ``text``, its offset in the original; None when
            ``text`` is the original.
        length: The original's length.
    """

    text: str
    origin: tuple[int, ...] | None
    length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's ``[start, end)`` for the view's ``[start, end)``.

        A span of the view covers, in the original, everything from its first character
        to its last: a zero-width character inside it is inside the original span.
        """
        if self.origin is None:
            return start, end
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else self.length
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def visible(text: str) -> View:
    """The view of ``text`` that matching reads (see the module's docstring)."""
    if text.isascii():
        return View(text, None, len(text))
    return _view(text)


@functools.lru_cache(maxsize=1024)
def _view(text: str) -> View:
    changes = [
        (m.start(), read)
        for m in _NON_ASCII.finditer(text)
        if (read := read_char(m.group())) != m.group()
    ]
    if not changes:
        return View(text, None, len(text))
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for at, read in changes:
        out.append(text[pos:at])
        origin.extend(range(pos, at))
        if read:
            out.append(read)
            origin.append(at)
        pos = at + 1
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return View("".join(out), tuple(origin), len(text))
