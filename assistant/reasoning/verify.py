"""Quote verification: find a quote in its source and return the exact original span.

A quote may come from a model or a user who typed straight quotes for curly ones, a
hyphen for a dash, a plain space for a non-breaking one, or collapsed a run of
whitespace, or from the view of the text that matching reads (no zero-width characters,
ASCII for full-width ones). Those differences are forgiven; nothing else is. The span
returned always satisfies ``text[span.start:span.end]`` being the source's own
characters, and callers show that slice, never the quote as given. :func:`inside_word`
tells a cut that splits a word ("illed in the strike"), which a model's quote must not
make.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from assistant.index.chunking import Span
from assistant.index.normalise import read_char

_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
}  # fmt: skip
_DASHES = set("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class _Normalised:
    text: str
    origin: list[int]  # origin[i] = index in the original text of normalised char i


def _normalise(text: str) -> _Normalised:
    """Fold quote marks, dashes, spaces and ellipses, remembering where each char came from.

    Whitespace runs (including U+00A0 and other Unicode spaces) become one space; runs
    of dashes become one hyphen, so "--" and an em dash match; "…" becomes "...".
    Combining marks are composed (NFC) character by character so "é" matches "é".
    Invisible format characters (a zero-width space, a soft hyphen) are skipped, and
    full-width characters and other scripts' digits read as ASCII, as matching reads
    them (:func:`assistant.index.normalise.read_char`).
    """
    out: list[str] = []
    origin: list[int] = []
    prev = ""
    for i, raw in enumerate(text):
        # As matching reads it (assistant.index.normalise): an invisible character is
        # skipped, a full-width one or another script's digit read as ASCII, so a
        # sentence read in that view is found in its file.
        ch = raw if raw < "\x80" else read_char(raw)
        if not ch:
            continue
        if ch.isspace() or unicodedata.category(ch) == "Zs":
            if prev == " ":
                continue
            c = " "
        elif ch in _DASHES:
            if prev == "-":
                continue
            c = "-"
        elif ch == _ELLIPSIS:
            out.extend("...")
            origin.extend((i, i, i))
            prev = "."
            continue
        elif unicodedata.category(ch) in ("Mn", "Me") and out:
            # A combining mark: compose it with the character before it when possible.
            composed = unicodedata.normalize("NFC", out[-1] + ch)
            if len(composed) == 1:
                out[-1] = composed
                continue
            c = ch
        else:
            # Per character, so the same folding applies to the quote and the source:
            # U+2126 OHM SIGN and U+03A9 OMEGA meet.
            single = unicodedata.normalize("NFC", ch)
            c = _QUOTES.get(ch, single if len(single) == 1 else ch)
        out.append(c)
        origin.append(i)
        prev = c
    return _Normalised("".join(out), origin)


def _norm_quote(quote: str) -> str:
    return _normalise(quote).text.strip()


def locate(quote: str, text: str, *, near: int | None = None) -> Span | None:
    """Find ``quote`` in ``text`` and return the span of the original characters.

    Args:
        quote: The quote as given (by a model, a user or our own extractor).
        text: The full source text.
        near: When the quote occurs more than once, prefer the occurrence closest to this
            offset (e.g. the start of the passage it was cited from).

    Returns:
        The exact span in ``text``, or None when the quote is not there.

    """
    return locate_folded(quote, text, fold(text), near=near)


# The folded form of a source text, to search many quotes in one file with one fold.
Folded = _Normalised


def fold(text: str) -> Folded:
    """Fold ``text`` once for :func:`locate_folded` (see :func:`_normalise`)."""
    return _normalise(text)


def locate_folded(quote: str, text: str, hay: Folded, *, near: int | None = None) -> Span | None:
    """:func:`locate` with the source already folded by :func:`fold`."""
    needle = _norm_quote(quote)
    if not needle:
        return None
    hits: list[int] = []
    pos = hay.text.find(needle)
    while pos != -1:
        hits.append(pos)
        if near is None:
            break
        pos = hay.text.find(needle, pos + 1)
    if not hits:
        return None
    best = hits[0] if near is None else min(hits, key=lambda h: abs(hay.origin[h] - near))
    start = hay.origin[best]
    end = hay.origin[best + len(needle) - 1] + 1
    # A trailing combining mark belongs with the last character we matched, and a
    # match ending in a dash takes the whole run of dashes it was folded from ("--").
    while end < len(text) and unicodedata.category(text[end]) in ("Mn", "Me"):
        end += 1
    while end < len(text) and text[end] in _DASHES and text[end - 1] in _DASHES:
        end += 1
    return Span(start, end)


# Marks that join the word characters either side of them into one word: apostrophes
# ("don't", "O'Brien") and hyphens ("non-fatal"); and, between digits, the separators of
# a number ("1,200", "3.5").
_JOINERS = frozenset("'\u2019\u02bc-\u2010\u2011")
_NUMBER_JOINERS = frozenset(",.")


def _wordlike(ch: str) -> bool:
    """A letter or digit of any script, or a combining mark on one."""
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def inside_word(text: str, pos: int) -> bool:
    """A cut of ``text`` at ``pos`` (between ``text[pos - 1]`` and ``text[pos]``) splits a word.

    It does when there is a letter or digit (of any script) on both sides, or when the
    cut falls beside a mark that joins the word characters around it: "don|'t" and
    "don'|t", "non|-fatal", "1|,200" and "3.|5". A cut at either end of the text, or
    beside a space or punctuation that joins nothing, does not. In a script written
    without spaces (Chinese, Japanese, Thai) every cut between two of its characters
    splits a word: where the words end cannot be told from the characters alone, and a
    cut there can leave out a negation ("没有" before a verb).
    """
    if pos <= 0 or pos >= len(text):
        return False
    before, after = text[pos - 1], text[pos]
    if _wordlike(before) and _wordlike(after):
        return True
    for joiner, left, right in ((after, pos - 1, pos + 1), (before, pos - 2, pos)):
        if left < 0 or right >= len(text):
            continue
        a, b = text[left], text[right]
        if joiner in _JOINERS and _wordlike(a) and _wordlike(b):
            return True
        if joiner in _NUMBER_JOINERS and a.isdigit() and b.isdigit():
            return True
    return False


def stands_at(text: str, start: int, end: int, quote: str) -> bool:
    """True when ``quote`` stands verbatim in ``text`` at ``[start, end)``."""
    return 0 <= start <= end <= len(text) and text[start:end] == quote
