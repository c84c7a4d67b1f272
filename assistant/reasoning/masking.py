"""Where a sentence's numbers are no figures: markup, code and the names of who speaks.

An article may carry an HTML-like tag ("<img src=x onerror=alert(3)>"), a piece of code
("render(3)", "id=4") or a number in the name of its source ("the agency for 3
counties said"): a reader does not take any of them for a count. Blanking them out
(same length, so every offset stays the sentence's own) lets the figure rules read only
the rest: claims, check and the short answers agree on what is a figure. A speaker's
name is blanked only where the statement gives a figure of its own: in "associates of
two fighters confirmed they were killed" the name's number is what is said (the
callers read the sentence again with the names left in when nothing else counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.reasoning.attribution import Attribution, speaker_spans

# An HTML-like tag (a name, "/" or "!" right after "<", up to the next ">"), the
# arguments of a call written against a word ("alert(3)"), and an attribute or
# assignment ("id=4", "width=300"). Each alternative stops at the characters that end it,
# so a long run of "<" or "(" costs one pass.
_CODE = re.compile(r"<[A-Za-z!/?][^<>]*>|(?<=\w)\([^()]*\)|[\w-]+=[^\s<>]*")
_MAY_HOLD_CODE = re.compile(r"[<(=]")


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
