"""Whether a text is negated ("did not", "never", "denied"), as a claim check compares."""

from __future__ import annotations

import re

# "No 1" and "No. 1" are ranks, not negations.
_NEGATION = re.compile(
    r"\b(?:not|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|"
    r"refused|refuses|didn't|doesn't|don't|isn't|wasn't|weren't|aren't|cannot|can't|"
    r"unable)\b|\bno\b(?!\.?\s*\d)|n't\b",
    re.IGNORECASE,
)


def negated(text: str) -> bool:
    """True when the text contains a negation."""
    return bool(_NEGATION.search(text))
