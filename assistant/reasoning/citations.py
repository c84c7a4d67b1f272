"""Citations by construction: a quote becomes a citation only after it is found in its file.

Whatever proposed the quote (our extractor, a model), the citation's ``quote`` is the
file's own text at ``[start, end)``, read from disk at answer time. A quote that cannot
be found, or a source that is gone, becomes a rejected citation with a reason and is
never shown as a citation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from assistant.index.chunking import LineIndex
from assistant.index.corpus import is_within, read_source_text
from assistant.index.store import StoredChunk
from assistant.reasoning.verify import locate, stands_at


@dataclass(frozen=True)
class Place:
    """Another verified place where a citation's text stands (a near-duplicate passage)."""

    source: str
    start: int
    end: int
    line: int
    quote: str

    def to_json(self) -> dict[str, object]:
        """The place in the public ``--json`` shape."""
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """A verified quote: ``text_of(source)[start:end] == quote``. ``id`` is the [n] marker.

    ``also_in`` lists other places that say the same with small edits (a wire story
    reprinted), each verified like the citation itself, so one sentence is cited once.
    """

    id: int
    source: str
    title: str
    start: int
    end: int
    line: int
    quote: str
    also_in: tuple[Place, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The citation in the public ``--json`` shape."""
        out = asdict(self)
        out["also_in"] = [p.to_json() for p in self.also_in]
        return out

    def with_places(self, places: list[Place]) -> Citation:
        """This citation with ``places`` added to ``also_in``."""
        return replace(self, also_in=(*self.also_in, *places))


@dataclass(frozen=True)
class RejectedCitation:
    """A proposed quote that did not verify, and why."""

    quote: str
    reason: str

    def to_json(self) -> dict[str, object]:
        """The rejection in the public ``--json`` shape."""
        return asdict(self)


class SourceReader:
    """Reads source files as ingested, once each, and verifies quotes against them."""

    def __init__(self) -> None:
        self._texts: dict[Path, str | None] = {}
        self._lines: dict[Path, LineIndex] = {}

    def text(self, path: Path) -> str | None:
        """The file's text, or None when it cannot be read as UTF-8."""
        if path not in self._texts:
            try:
                self._texts[path] = read_source_text(path)
            except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
                self._texts[path] = None
        return self._texts[path]

    def cite(self, citation_id: int, quote: str, chunk: StoredChunk) -> Citation | RejectedCitation:
        """Verify ``quote`` against the file ``chunk`` came from.

        Args:
            citation_id: The [n] number to give the citation.
            quote: The proposed quote (need not match the file's typography exactly).
            chunk: The passage it was taken from (locates the file; ties go to the
                occurrence nearest to this passage).

        Returns:
            A citation holding the file's exact text and offsets, or a rejection.

        """
        path = Path(chunk.root) / chunk.source
        if not is_within(Path(chunk.root), chunk.source):
            # A tampered store, or a file replaced by a link: never read or show it.
            return RejectedCitation(quote, "the source is outside the ingested folder")
        text = self.text(path)
        if text is None:
            return RejectedCitation(quote, f"source file {chunk.source} is missing or unreadable")
        span = locate(quote, text, near=chunk.start)
        if span is None:
            return RejectedCitation(quote, f"not found verbatim in {chunk.source}")
        exact = text[span.start : span.end]
        if not stands_at(text, span.start, span.end, exact):  # pragma: no cover - invariant
            return RejectedCitation(quote, "offsets do not match the source")
        lines = self._lines.setdefault(path, LineIndex(text))
        return Citation(
            id=citation_id,
            source=chunk.source,
            title=chunk.title,
            start=span.start,
            end=span.end,
            line=lines.line_of(span.start),
            quote=exact,
        )

    def place(self, quote: str, chunk: StoredChunk) -> Place | None:
        """Verify ``quote`` as another place of a citation; None when it does not verify."""
        cited = self.cite(0, quote, chunk)
        if not isinstance(cited, Citation):
            return None
        return Place(cited.source, cited.start, cited.end, cited.line, cited.quote)
