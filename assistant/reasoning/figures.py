"""The counts a text gives: each number as an interval, with the kind of thing it counts.

Dates, years, ordinals, ranks, labels and model numbers are not counts and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.language import YEAR
from assistant.reasoning import negation
from assistant.reasoning.attribution import Attribution, find_attributions
from assistant.reasoning.claims import (
    FIGURE,
    figure_bounds,
    figure_category,
    month_after,
    month_before,
    unit_of,
)
from assistant.reasoning.masking import is_label, mask_non_figures
from assistant.reasoning.negation import Stance
from assistant.reasoning.nlp import Parsed, parse_many

# Kinds of count that can be compared: deaths, casualties and injuries are one family.
_FAMILY = {"killed": "casualty", "wounded": "casualty", "casualties": "casualty"}


@dataclass(frozen=True)
class Figure:
    """A number in a text as an interval, with the kind of count it is (if any)."""

    low: float | None
    high: float | None
    family: str | None
    text: str = ""
    # Where the number itself stands in the text it was read from (-1: not known).
    start: int = field(default=-1, compare=False)
    end: int = field(default=-1, compare=False)

    def overlaps(self, other: Figure) -> bool:
        """True when the two intervals share a value (an open end is unbounded)."""
        if (self.low, self.high) == (None, None) or (other.low, other.high) == (None, None):
            return False
        lo1 = self.low if self.low is not None else float("-inf")
        hi1 = self.high if self.high is not None else float("inf")
        lo2 = other.low if other.low is not None else float("-inf")
        hi2 = other.high if other.high is not None else float("inf")
        return lo1 <= hi2 and lo2 <= hi1

    def comparable(self, other: Figure) -> bool:
        """Both count the same kind of thing (or nothing named), and both are bounded.

        "an unknown number" or "numerous" can neither confirm nor contradict a figure.
        """
        bounded = (self.low, self.high) != (None, None) and (other.low, other.high) != (
            None,
            None,
        )
        return bounded and self.family == other.family


def figures(text: str, attributions: Sequence[Attribution] | None = None) -> list[Figure]:
    """The counts in ``text`` as intervals with their kind of count.

    Not counts, so left out: dates and years ("the 2019 Alpine Rally"), ordinals
    ("first", "92nd"), ranks and labels ("No. 1", "season 4"), model numbers
    ("Nova 7"), numbers in markup or code ("alert(3)"), and a number in the name of
    who speaks when the statement gives its own ("the agency for 3 counties said 18
    died"; see :mod:`assistant.reasoning.masking`).

    Args:
        text: A sentence or a claim.
        attributions: Its attributions, when the caller has them (found otherwise).
    """
    if attributions is None:
        attributions = find_attributions(text)
    found = _figures_in(text, mask_non_figures(text, attributions))
    if not found and attributions:
        found = _figures_in(text, mask_non_figures(text))
    return found


def _figures_in(text: str, masked: str) -> list[Figure]:
    """:func:`figures` over ``masked``, the text with what holds no figure blanked."""
    out = []
    for m in FIGURE.finditer(masked):
        if month_before(text, m.start()) or month_after(text, m.end()):
            continue
        if YEAR.fullmatch(m.group("low")) and (
            not m.group("high") or YEAR.fullmatch(m.group("high"))
        ):
            continue
        if not m.group("hedge") and is_label(text, m.start()):
            continue
        low, high, _hedge = figure_bounds(m.group("low"), m.group("high"), m.group("hedge"))
        # A unit makes the kind ("£5", "70%", "five hours"): "about 60 per cent" of a
        # building is no count of the wounded named after it.
        unit = unit_of(text, m)
        what = unit.kind if unit else figure_category(text, m.start(), m.end())
        text_of = m.group(0).strip(" \"“”'")
        family = _FAMILY.get(what or "", what)
        out.append(Figure(low, high, family, text_of, m.start("low"), m.end("low")))
    return out


def stances(text: str, found: list[Figure], parsed: Parsed | None = None) -> list[Stance]:
    """What ``text`` does with each of its figures ``found``: says, denies or withholds it.

    See :mod:`assistant.reasoning.negation`. A text with no word of negation or denial
    says every figure, and is not parsed.

    Args:
        text: The text the figures were read from (by :func:`figures`).
        found: Its figures.
        parsed: Its parse, when the caller has it.
    """
    if not found or not negation.may_negate(text):
        return ["said"] * len(found)
    parsed = parsed if parsed is not None else parse_many([text])[0]
    return [negation.span_stance(parsed, f.start, f.end) for f in found]
