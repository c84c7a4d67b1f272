"""Where a sentence's numbers are no figures: markup, code, identifiers and speakers' names.

An article may carry an HTML-like tag ("<img src=x onerror=alert(3)>"), a piece of code
("render(3)", "id=4") or a number in the name of its source ("the agency for 3
counties said"): a reader does not take any of them for a count. Blanking them out
(same length, so every offset stays the sentence's own) lets the figure rules read only
the rest: claims, check and the short answers agree on what is a figure. A speaker's
name is blanked only where the statement gives a figure of its own: in "associates of
two fighters confirmed they were killed" the name's number is what is said (the
callers read the sentence again with the names left in when nothing else counts).

Identifiers are numbers that name rather than count, and are blanked the same way, here
and nowhere else: a phone number in groups of digits ("0800 555 0192"), a number written
with a leading zero ("0192"), and a code or a score joined by hyphens ("26-4471",
"4-1"). A time of day ("3 a.m.") is no quantity either (:func:`time_of_day_after`).
Dates and years are told by the month and year rules of the figure readers, labels and
model numbers ("No. 4", "Nova 7") by :func:`is_label`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.index.terms import terms
from assistant.language import LABEL_WORDS, TIME_SUFFIX, WEEKDAYS, phrases
from assistant.reasoning.attribution import Attribution, speaker_spans

# An HTML-like tag (a name, "/" or "!" right after "<", up to the next ">"), the
# arguments of a call written against a word ("alert(3)"), and an attribute or
# assignment ("id=4", "width=300"). Each alternative stops at the characters that end it,
# so a long run of "<" or "(" costs one pass.
_CODE = re.compile(r"<[A-Za-z!/?][^<>]*>|(?<=\w)\([^()]*\)|[\w-]+=[^\s<>]*")
_MAY_HOLD_CODE = re.compile(r"[<(=]")
# Three or more groups of digits with single spaces, dots or hyphens between them (a
# phone number: "0800 555 0192", "+44 20 7946 0958"), or a number with a leading zero.
_DIGIT_GROUPS = re.compile(r"(?<![\w.,])\+?\d{1,5}(?:[ .-]\d{2,5}){2,}(?!\w|,\d)|(?<![\w.,])0\d+")
# Two numbers joined by a hyphen or dash, no spaces: a range ("10-15"), a score ("4-1")
# or a code ("26-4471"); see _is_code.
_JOINED = re.compile(r"(?<![\w.,-])(\d+)[-–](\d+)(?![\w-])")
_TIME_OF_DAY_AFTER = re.compile(r"(?:[:.]\d\d)?\s?" + TIME_SUFFIX + r"(?!\w)", re.IGNORECASE)


def _is_code(low: str, high: str) -> bool:
    """Two numbers joined by a hyphen are a score or a code, not a range.

    A score when the second is not above the first ("4-1", "2-2"); a code when the
    second is a long number beside a short one ("26-4471").
    """
    if int(high) <= int(low):
        return True
    return len(high) >= 4 and len(high) - len(low) >= 2


def identifier_spans(sentence: str) -> list[tuple[int, int]]:
    """Where ``sentence`` writes numbers that name rather than count (see the module)."""
    if not any(ch.isdigit() for ch in sentence):
        return []
    spans = [m.span() for m in _DIGIT_GROUPS.finditer(sentence)]
    spans += [m.span() for m in _JOINED.finditer(sentence) if _is_code(m[1], m[2])]
    return spans


def time_of_day_after(text: str, end: int) -> bool:
    """A time-of-day word follows the number ending at ``end`` ("3 a.m.", "10 pm").

    A time of day is no quantity, so no claim; it is not blanked with the identifiers,
    since ``check`` compares times ("open until 8 pm" against "until 10 pm").
    """
    return _TIME_OF_DAY_AFTER.match(text, end) is not None


def mask_non_figures(sentence: str, attributions: Iterable[Attribution] = ()) -> str:
    """``sentence`` with markup, code and speakers' names blanked out, offsets unchanged.

    Args:
        sentence: One sentence.
        attributions: Its attributions (see
            :func:`assistant.reasoning.attribution.find_attributions`); their names are
            blanked too. None given: only markup and code are.

    Returns:
        A text of the same length in which a figure stands only where one counts.
    """
    spans: list[tuple[int, int]] = []
    if _MAY_HOLD_CODE.search(sentence):
        spans += [m.span() for m in _CODE.finditer(sentence)]
    spans += identifier_spans(sentence)
    spans += speaker_spans(sentence, attributions)
    if not spans:
        return sentence
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        start = max(start, pos)
        out += [sentence[pos:start], " " * (end - start)]
        pos = end
    out.append(sentence[pos:])
    return "".join(out)


def masked(sentence: str, start: int, end: int, attributions: Iterable[Attribution] = ()) -> bool:
    """The characters ``[start, end)`` of ``sentence`` are markup, code or a speaker's name."""
    return not mask_non_figures(sentence, attributions)[start:end].strip()


# A number right after a name is part of the name ("Nova 7", "Orbit 12", "Night Harbor 3",
# "Zephyr Chronicles™ 2"), not a count. Weekdays are names that a count can follow.
_NAME_BEFORE = re.compile(r"(?:^|\s)(?P<word>\w*[A-Z][\w'’-]*)[™®]?\s*$")
# A number after one of these words is a rank or a label ("No. 1", "season 4", "#2").
_LABEL_BEFORE = re.compile(r"(?:\b(?:" + phrases(LABEL_WORDS) + r")\.?|#)\s*$", re.IGNORECASE)


# How far back a word before a number is looked for: a longer run without spaces is no
# name, and reading a bounded stretch keeps a line of many numbers linear.
_LABEL_LOOK_BACK = 64


def is_label(text: str, start: int) -> bool:
    r"""The number at ``start`` names or ranks something rather than counting.

    Only the word before it is read (from the space before that word, or the text's
    start, where ``(?:^|\s)`` can match), not everything before it.
    """
    j = start
    while j > 0 and text[j - 1].isspace():
        j -= 1
    lo = max(0, j - _LABEL_LOOK_BACK)
    while j > lo and not text[j - 1].isspace():  # back to the word's start
        j -= 1
    lo = max(lo, j - 1)  # the space before the word (``^`` never matches at ``pos > 0``)
    if _LABEL_BEFORE.search(text, lo, start):
        return True
    m = _NAME_BEFORE.search(text, lo, start)
    if m is None:
        return False
    # A capitalised word with content ("Pixel"), not "Only" or "All" opening a sentence.
    word = m.group("word")
    return word.lower() not in WEEKDAYS and bool(terms(word))
