"""Near-duplicate sentences: the same text with small edits, as wire copy is reprinted.

Two sentences are near-duplicates when their word 3-shingle sets overlap by at least
``THRESHOLD`` (Jaccard, as in Broder's resemblance) *and* they state the same figures:
"13 Russians were killed" and "13 Russians died" in two reprints are one citation with
two places, while "123 were counted" and "12 were counted" stay two, however alike the
rest of the sentence is. Answers compare a handful of chosen sentences, so the pairwise
check costs microseconds; nothing is computed at ingest.
"""

from __future__ import annotations

import re

THRESHOLD = 0.5
_WORD = re.compile(r"[\w’']+")
_DIGITS = re.compile(r"\d[\d,.]*")


def shingles(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    """The set of ``n``-word shingles of ``text`` (lower-cased; short texts give one)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < n:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def resemblance(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' 3-shingle sets (1.0 for the same words)."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def figures_of(text: str) -> frozenset[str]:
    """The digit strings in ``text``, without thousands separators."""
    return frozenset(m.group(0).rstrip(".,").replace(",", "") for m in _DIGITS.finditer(text))


def near_duplicates(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """True when ``a`` and ``b`` are one statement with small edits and the same figures."""
    if figures_of(a) != figures_of(b):
        return False
    return resemblance(a, b) >= threshold
