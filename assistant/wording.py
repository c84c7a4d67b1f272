"""Small helpers for messages that read as English."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: "1 file", "2 files".

    Args:
        n: How many.
        word: The singular.
        many: The plural when it is not ``word + "s"`` ("analyses").

    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
