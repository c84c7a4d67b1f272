"""Limiting passages to some outlets or dates: ``--outlet NAME``, ``--since``, ``--until``.

A filter applies on both sides of the hybrid search, before ranking (a Chroma
``where`` and an SQL condition on the keyword index), so the best passages *among the
chosen articles* come back, however many others rank above them. It also applies to
the commands that read every passage (``claims``, ``summary``) through :meth:`admits`.

An outlet is named loosely ("courier" for "The Valley Courier"): the name is matched,
case-insensitively, within each article's outlet, or its author when the file names no
outlet (a press release's issuer). The matching names are resolved once against the
store's own list, and an unknown name is an error that lists the outlets there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.errors import InputError
from assistant.index.formats.common import iso_date
from assistant.index.schema import StoredChunk, day_number


def publisher(outlet: str, author: str) -> str:
    """Who published an article: its outlet, else (a press release, a memo) its author."""
    return outlet or author


@dataclass(frozen=True)
class SourceFilter:
    """Which articles a search or a table may use.

    Attributes:
        since: Earliest publication date kept (``YYYY-MM-DD``, inclusive); "" for none.
        until: Latest publication date kept (inclusive); "" for none.
        outlets: Names matched within an article's outlet (or author, when it names no
            outlet); an article matching any is kept. Empty: every outlet.

    An article with no known date is left out by ``since`` and ``until``.
    """

    since: str = ""
    until: str = ""
    outlets: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls, since: str | None = None, until: str | None = None, outlets: Iterable[str] = ()
    ) -> SourceFilter:
        """Build a filter from what a user typed.

        Raises:
            InputError: A date is not a date, ``since`` is after ``until``, or an outlet
                name is blank.
        """
        dates = []
        for flag, value in (("--since", since), ("--until", until)):
            if value is None or not value.strip():
                dates.append("")
                continue
            day = iso_date(value.strip())
            if not day:
                raise InputError(
                    f"{flag} takes a date such as 2026-03-14 or 'March 14, 2026'; got {value!r}"
                )
            dates.append(day)
        if dates[0] and dates[1] and dates[0] > dates[1]:
            raise InputError(f"--since {dates[0]} is after --until {dates[1]}")
        names = tuple(n.strip() for n in outlets)
        if any(not n for n in names):
            raise InputError("--outlet needs a name, e.g. --outlet 'Valley Courier'")
        return cls(dates[0], dates[1], names)

    @property
    def active(self) -> bool:
        """Whether the filter leaves anything out."""
        return bool(self.since or self.until or self.outlets)

    def _matches_outlet(self, name: str) -> bool:
        folded = name.casefold()
        return any(o.casefold() in folded for o in self.outlets)

    def admits(self, chunk: StoredChunk) -> bool:
        """Whether the chunk's article passes the filter."""
        if self.since and not (chunk.published and chunk.published >= self.since):
            return False
        if self.until and not (chunk.published and chunk.published <= self.until):
            return False
        return not self.outlets or self._matches_outlet(publisher(chunk.outlet, chunk.author))

    def resolve(self, known: Iterable[tuple[str, str]]) -> ResolvedFilter:
        """Match the outlet names against the store's (outlet, author) pairs.

        Raises:
            InputError: No article's outlet (or author) matches any name given.
        """
        pairs = set(known)
        if not self.outlets:
            return ResolvedFilter(self, (), ())
        outlets = tuple(sorted({o for o, _ in pairs if o and self._matches_outlet(o)}))
        authors = tuple(sorted({a for o, a in pairs if not o and a and self._matches_outlet(a)}))
        if not outlets and not authors:
            names = sorted({publisher(o, a) for o, a in pairs if publisher(o, a)})
            shown = ", ".join(names[:12]) + (
                f" (and {len(names) - 12} more)" if len(names) > 12 else ""
            )
            there = (
                f"; outlets in the store: {shown}"
                if names
                else "; no article in the store names its outlet"
            )
            raise InputError(
                f"no article's outlet matches {', '.join(map(repr, self.outlets))}{there}"
            )
        return ResolvedFilter(self, outlets, authors)


@dataclass(frozen=True)
class ResolvedFilter:
    """A :class:`SourceFilter` with its outlet names resolved to the store's exact values."""

    filter: SourceFilter
    outlets: tuple[str, ...]  # exact outlet values kept
    authors: tuple[str, ...]  # exact author values kept, for articles with no outlet

    def chroma_where(self) -> dict[str, Any] | None:
        """The filter as a Chroma ``where`` clause (None when it keeps everything)."""
        f = self.filter
        clauses: list[dict[str, Any]] = []
        if f.since:
            clauses.append({"published_day": {"$gte": day_number(f.since)}})
        if f.until:
            clauses.append({"published_day": {"$lte": day_number(f.until)}})
            clauses.append({"published_day": {"$gt": 0}})
        if f.outlets:
            who: list[dict[str, Any]] = []
            if self.outlets:
                who.append({"outlet": {"$in": list(self.outlets)}})
            if self.authors:
                who.append(
                    {"$and": [{"outlet": {"$eq": ""}}, {"author": {"$in": list(self.authors)}}]}
                )
            clauses.append(who[0] if len(who) == 1 else {"$or": who})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql(self, table: str = "d") -> tuple[str, list[Any]]:
        """The filter as an SQL condition on the keyword index's chunk table, with its values."""
        f = self.filter
        parts: list[str] = []
        values: list[Any] = []
        if f.since:
            parts.append(f"{table}.published != '' AND {table}.published >= ?")
            values.append(f.since)
        if f.until:
            parts.append(f"{table}.published != '' AND {table}.published <= ?")
            values.append(f.until)
        if f.outlets:
            who = []
            if self.outlets:
                who.append(f"{table}.outlet IN ({', '.join('?' * len(self.outlets))})")
                values.extend(self.outlets)
            if self.authors:
                who.append(
                    f"({table}.outlet = '' AND {table}.author IN "
                    f"({', '.join('?' * len(self.authors))}))"
                )
                values.extend(self.authors)
            parts.append("(" + " OR ".join(who) + ")")
        return (" AND ".join(f"({p})" for p in parts) or "1"), values
