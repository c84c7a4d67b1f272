"""Citations by construction: a quote becomes a citation only after it is found in its file.

Whatever proposed the quote (our extractor, a model), the citation's ``quote`` is the
file's own text at ``[start, end)``, read from disk at answer time. A quote that cannot
be found, or a source that is gone, becomes a rejected citation with a reason and is
never shown as a citation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from assistant.index.chunking import LineIndex, Span
from assistant.index.schema import StoredChunk
from assistant.index.sources import SourceFiles
from assistant.reasoning.verify import Folded, fold, locate_folded, stands_at


@dataclass(frozen=True)
class Place:
    """Another verified place where a citation's text stands (a near-duplicate passage)."""

    source: str
    start: int
    end: int
    line: int
    quote: str
    root: str = ""  # the ingested folder ``source`` is relative to (not in JSON: see Citation)

    def to_json(self) -> dict[str, object]:
        """The place in the public ``--json`` shape."""
        out = asdict(self)
        del out["root"]
        return out


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
    # The ingested folder ``source`` is relative to: two folders may each hold a file of
    # one name, and citations are told apart by it. Kept out of JSON and reports, which
    # name files relative to their folder, so a shared report does not show where the
    # user keeps them.
    root: str = ""
    # Who published the article and when, where its file says ("" when it does not),
    # and the page of a PDF (None for a file without pages).
    outlet: str = ""
    author: str = ""
    published: str = ""
    url: str = ""
    page: int | None = None

    def to_json(self) -> dict[str, object]:
        """The citation in the public ``--json`` shape.

        ``outlet``, ``author``, ``published`` (``YYYY-MM-DD``), ``url`` and ``page`` are
        null when the source does not say.
        """
        out = asdict(self)
        del out["root"]
        out["also_in"] = [p.to_json() for p in self.also_in]
        for key in ("outlet", "author", "published", "url"):
            out[key] = out[key] or None
        return out

    @property
    def publisher(self) -> str:
        """Who published the article: its outlet, else its author ("" when unknown)."""
        return self.outlet or self.author

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
    """Reads source files as they are now, once each, and verifies quotes against them.

    Args:
        sources: The files of this operation (which folders may be read, size bound);
            by default any folder, for callers that built the store themselves.
    """

    def __init__(self, sources: SourceFiles | None = None) -> None:
        self.sources = sources if sources is not None else SourceFiles()
        self._lines: dict[tuple[str, str], LineIndex] = {}
        self._folded: dict[tuple[str, str], Folded] = {}

    def text(self, path: Path) -> str | None:
        """The file's text, or None when it may not or cannot be read as UTF-8."""
        return self.sources.text(str(path.parent), path.name)

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
        key = (chunk.root, chunk.source)
        text = self.sources.text(*key)
        if text is None:
            why = self.sources.why(*key)
            if "outside" in why or "not under" in why:
                # A tampered store, or a file replaced by a link: never read or show it.
                return RejectedCitation(quote, why)
            return RejectedCitation(quote, f"source file {chunk.source} is missing or unreadable")
        span = self._exact(quote, text, chunk)
        if span is None:
            # Folding the file (quote marks, dashes, spaces) costs a pass over it: once.
            if key not in self._folded:
                self._folded[key] = fold(text)
            span = locate_folded(quote, text, self._folded[key], near=chunk.start)
        if span is None:
            return RejectedCitation(quote, f"not found verbatim in {chunk.source}")
        exact = text[span.start : span.end]
        if not stands_at(text, span.start, span.end, exact):  # pragma: no cover - invariant
            return RejectedCitation(quote, "offsets do not match the source")
        if key not in self._lines:
            self._lines[key] = LineIndex(text)
        return self.citation(
            citation_id, chunk, span.start, span.end, self._lines[key].line_of(span.start), exact
        )

    def citation(
        self, citation_id: int, chunk: StoredChunk, start: int, end: int, line: int, quote: str
    ) -> Citation:
        """A citation of ``quote``, already verified at ``[start, end)`` of ``chunk``'s file.

        It carries the article's title, outlet, author, date and address, and its page.
        """
        return Citation(
            id=citation_id,
            source=chunk.source,
            title=chunk.title,
            start=start,
            end=end,
            line=line,
            quote=quote,
            root=chunk.root,
            outlet=chunk.outlet,
            author=chunk.author,
            published=chunk.published,
            url=chunk.url,
            page=self.sources.page(chunk.root, chunk.source, start),
        )

    @staticmethod
    def _exact(quote: str, text: str, chunk: StoredChunk) -> Span | None:
        """The quote exactly as written, inside the passage it was taken from."""
        stripped = quote.strip()
        if not stripped:
            return None
        at = text.find(stripped, chunk.start, chunk.end)
        return None if at < 0 else Span(at, at + len(stripped))

    def place(self, quote: str, chunk: StoredChunk) -> Place | None:
        """Verify ``quote`` as another place of a citation; None when it does not verify."""
        cited = self.cite(0, quote, chunk)
        if not isinstance(cited, Citation):
            return None
        return Place(cited.source, cited.start, cited.end, cited.line, cited.quote, cited.root)
