"""The ``[n]`` markers in a model's text: rewritten to verified citations, or taken out.

The model marks its claims with passage numbers; once its quotes are checked, each
marker becomes the ids of the citations that verified from that passage, a sentence
left with no marker is dropped (it rested on nothing verified), and a ``[2]`` that is
article text, not a citation, is written so it cannot be read as one.
"""

from __future__ import annotations

import re

from assistant.index.chunking import split_sentences
from assistant.llm.faults import LLMFormatError

# A marker as the model writes it: one or more passage numbers, "[2]" or "[1, 3]".
MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
_ONE_MARKER = re.compile(r"\[(\d+)\]")  # the shape of a marker in a finished answer
# More digits than any passage number could have: such a "marker" is not one, and
# int() refuses very long digit strings (Python's 4,300-digit limit) anyway.
_MAX_MARKER_DIGITS = 6


def has_words(text: str) -> bool:
    """True when ``text`` says something besides markers and punctuation."""
    return bool(MARKERS.sub("", text).strip(" .,;:!?"))


def unmark(text: str) -> str:
    """Article text with its own "[2]"s written with full-width brackets ("［2］").

    In an answer, ``[n]`` means citation n. A quote that itself holds "[2]" (a footnote
    in the article) is shown in the answer's prose this way, so that it cannot be read
    as, or counted as, a marker; the citation itself keeps the exact text.
    """
    return _ONE_MARKER.sub(lambda m: f"［{m.group(1)}］", text)


def only_markers_to(text: str, ids: set[int]) -> str:
    """``text`` with every ``[n]`` that names no citation in ``ids`` unmarked.

    The last guard against a dangling marker, whatever produced the text.
    """
    return _ONE_MARKER.sub(
        lambda m: m.group(0) if int(m.group(1)) in ids else unmark(m.group(0)), text
    )


def rewrite_markers(text: str, by_passage: dict[int, list[int]], all_ids: list[int]) -> str:
    """Replace passage markers [n] with the ids of their verified citations.

    A marker whose passage has no verified citation is removed, and a sentence left
    with no marker is dropped: it rested only on quotes that did not verify (an
    invented quote, or one a hostile article asked the model to make up), or cited
    nothing at all, so it must not stand in the answer as if sourced. A verified
    citation the text never points at gets its marker appended, so every citation is
    referenced.

    Raises:
        LLMFormatError: A marker's number is too long to be a passage number.
    """

    def repl(m: re.Match[str]) -> str:
        ids: list[int] = []
        for part in m.group(1).split(","):
            digits = part.strip()
            if len(digits) > _MAX_MARKER_DIGITS:
                raise LLMFormatError(
                    f"the model's text has a marker that is not a passage number "
                    f"([{digits[:12]}...], {len(digits)} digits)"
                )
            for i in by_passage.get(int(digits), []):
                if i not in ids:
                    ids.append(i)
        return "".join(f"[{i}]" for i in ids)

    kept: list[str] = []
    for sentence in sentences(text):
        rewritten = MARKERS.sub(repl, sentence)
        if _ONE_MARKER.search(rewritten):
            kept.append(rewritten)
    out = " ".join(kept)
    out = re.sub(r"\s+([.,;:!?])", r"\1", out)  # no space left before punctuation
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return reference_all(out, all_ids)


def sentences(text: str) -> list[str]:
    """The model's text as sentences, each with the markers that follow it.

    The project's own splitter keeps "U.S." and initials inside a sentence. It starts a
    new sentence at "[2]" after a period ("... killed. [2] The ..."), so a run of markers
    that opens a sentence is given back to the one before it.
    """
    out: list[str] = []
    for span in split_sentences(text):
        piece = text[span.start : span.end]
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end() :].strip()
        if piece:
            out.append(piece)
    return out


def cited_ids(sentence: str) -> list[int]:
    """The citation ids a finished sentence points at ("[1][3]" gives 1 and 3)."""
    return [int(i) for i in _ONE_MARKER.findall(sentence)]


def reference_all(text: str, all_ids: list[int]) -> str:
    """``text`` with a marker appended for each citation in ``all_ids`` it never points at."""
    used = {int(i) for i in _ONE_MARKER.findall(text)}
    missing = [i for i in all_ids if i not in used]
    if missing:
        text = f"{text} {''.join(f'[{i}]' for i in missing)}".strip()
    return text
