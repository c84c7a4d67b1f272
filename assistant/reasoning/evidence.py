"""Evidence sentences: what every reasoning step scores, groups and cites."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.index.schema import StoredChunk
from assistant.reasoning.attribution import Attribution


@dataclass
class Candidate:
    """An evidence sentence from a retrieved passage, with its features."""

    chunk: StoredChunk
    hit_rank: int
    start: int  # offsets in the file
    end: int
    text: str
    context_terms: set[str]
    own_terms: set[str]
    coverage: float = 0.0
    dense: float = 0.0
    relevance: float = 0.0
    score: float = 0.0
    attributions: list[Attribution] = field(default_factory=list)
