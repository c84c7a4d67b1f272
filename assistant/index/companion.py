"""The record a fetched page keeps beside it: which URL its bytes came from.

:mod:`assistant.index.fetch` writes it; :mod:`assistant.index.corpus` reads it, so a
page fetched and saved is cited with its address, and a folder scan knows the record
for part of its page rather than a file of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["COMPANION_SUFFIX", "companion_of", "read_companion"]

# The companion's name ends so: a folder scan knows it for part of its page, not a file
# of its own (see assistant.index.corpus).
COMPANION_SUFFIX = ".source.json"


def companion_of(path: Path) -> Path:
    """The hidden file beside a saved page that records where it came from."""
    return path.with_name(f".{path.name}{COMPANION_SUFFIX}")


def read_companion(path: Path) -> dict[str, str] | None:
    """What the companion of the saved page ``path`` records (``url``, ``final_url``, ...).

    Returns:
        The companion's text fields, or None when there is no companion, it cannot be
        read, or it is not a JSON object with a ``url``.

    """
    try:
        data = json.loads(companion_of(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # ValueError covers bad UTF-8 and bad JSON
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    return {key: value for key, value in data.items() if isinstance(value, str)}
