"""Pieces of HTML shared by the pages and the reports, escaped as they are built.

Everything that comes from an article, a file name or a model goes through
:func:`markupsafe.escape` here or through Jinja2's autoescaping in the templates; only
this module and the templates mark strings as safe, and only after escaping their parts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from assistant.reasoning.claims import Claim, ClaimTable

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_MARKER = re.compile(r"\[(\d+)\]")


@cache
def environment() -> Environment:
    """The Jinja2 environment: templates shipped in the package, autoescape always on."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Every template is HTML, whatever its name: escape by default everywhere.
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cited"] = cited
    env.globals["original_link"] = original_link
    return env


# A text fragment names a quote by its words; a long quote by its first and last few,
# since browsers match the text between them (and long URLs get cut by mail clients).
FRAGMENT_WORDS = 6


def _fragment_part(text: str) -> str:
    # Percent-encoded, with "-", "," and "&" encoded too: they are the directive's syntax.
    from urllib.parse import quote

    return quote(text, safe="").replace("-", "%2D")


def original_link(url: str, quote: str) -> str | None:
    """``url`` with a text fragment (``#:~:text=``) that makes a browser highlight ``quote``.

    Only for http(s) addresses (a page's metadata is data: a ``javascript:`` URL is no
    link). A quote of more than twice :data:`FRAGMENT_WORDS` words is named by its first
    and last words (``text=start,end``). Any fragment the URL had is replaced.

    Returns:
        The link, or None when ``url`` is not an http(s) address.
    """
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return None
    base = url.split("#", 1)[0]
    words = quote.split()
    if not words:
        return base
    if len(words) <= 2 * FRAGMENT_WORDS:
        directive = _fragment_part(" ".join(words))
    else:
        first = " ".join(words[:FRAGMENT_WORDS])
        last = " ".join(words[-FRAGMENT_WORDS:])
        directive = f"{_fragment_part(first)},{_fragment_part(last)}"
    return f"{base}#:~:text={directive}"


@cache
def stylesheet() -> str:
    """The package's stylesheet, inlined into reports (it is ours, not an article's)."""
    return (STATIC / "style.css").read_text(encoding="utf-8")


def cited(text: str, href: Callable[[int], str | None]) -> Markup:
    """``text`` escaped, with each ``[n]`` marker a link to ``href(n)`` when there is one."""
    out: list[str] = []
    last = 0
    for m in _MARKER.finditer(text):
        out.append(escape(text[last : m.start()]))
        target = href(int(m.group(1)))
        if target is None:
            out.append(escape(m.group(0)))
        else:
            out.append(
                Markup('<a class="cite" href="{}" data-cite="{}">[{}]</a>').format(
                    target, m.group(1), m.group(1)
                )
            )
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def highlighted(text: str, start: int | None, end: int | None) -> Markup:
    """The article's text with ``text[start:end]`` in ``<mark id="quote">`` (exact offsets)."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return escape(text)
    return Markup('{}<mark id="quote" data-start="{}" data-end="{}">{}</mark>{}').format(
        text[:start], start, end, text[start:end], text[end:]
    )


# -- the claims chart ------------------------------------------------------------------

_W = 760  # whole chart width (SVG user units)
_LABEL = 300  # left column: who and the figure as written
_PAD = 16
_ROW = 24
_TOP = 28


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class _Scale:
    """Maps values to x: logarithmic when figures span more than a factor of 20."""

    def __init__(self, values: Sequence[float]) -> None:
        positive = [v for v in values if v > 0]
        self.lo = min(positive) if positive else 1.0
        self.hi = max(values) if values else 1.0
        self.log = bool(positive) and len(positive) == len(values) and self.hi / self.lo >= 20
        if self.log:
            self.lo = 10 ** math.floor(math.log10(self.lo))
            self.hi = 10 ** math.ceil(math.log10(self.hi))
        else:
            self.lo = 0.0
            self.hi = max(self.hi, 1.0) * 1.05
        self.x0 = _LABEL + _PAD
        self.x1 = _W - _PAD

    def __call__(self, v: float) -> float:
        if self.log:
            span = math.log10(self.hi) - math.log10(self.lo)
            f = (math.log10(max(v, self.lo)) - math.log10(self.lo)) / span
        else:
            f = (v - self.lo) / (self.hi - self.lo)
        return round(self.x0 + f * (self.x1 - self.x0), 1)

    def ticks(self) -> list[float]:
        if self.log:
            n = round(math.log10(self.hi / self.lo))
            return [self.lo * 10**i for i in range(n + 1)]
        step = 10 ** math.floor(math.log10(self.hi)) if self.hi >= 1 else 0.1
        while self.hi / step > 6:
            step *= 2
        return [i * step for i in range(int(self.hi // step) + 1)]


def _mark(claim: Claim, scale: _Scale, y: float) -> Markup:
    """One claim's shape: a dot, a bar for a range, an arrow for an open bound."""
    lo, hi = claim.low, claim.high
    dashed = ' stroke-dasharray="4 3"' if claim.hedge and claim.hedge != "range" else ""
    if lo is not None and hi is not None and lo == hi:
        return Markup('<circle cx="{}" cy="{}" r="5"/>').format(scale(lo), y)
    if lo is not None and hi is not None:
        a, b = scale(lo), scale(hi)
        return Markup(
            '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}"{d}/>'
            '<line x1="{a}" y1="{t}" x2="{a}" y2="{u}"/><line x1="{b}" y1="{t}" x2="{b}" y2="{u}"/>'
        ).format(a=a, b=b, y=y, t=y - 5, u=y + 5, d=dashed)
    if lo is not None:  # "more than": open to the right
        a, b = scale(lo), scale.x1
        return Markup(
            '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}"{d}/><circle cx="{a}" cy="{y}" r="4"/>'
            '<path d="M{b} {y} l-7 -5 v10 z"/>'
        ).format(a=a, b=b, y=y, d=dashed)
    if hi is not None:  # "up to": open to the left
        a, b = scale.x0, scale(hi)
        return Markup(
            '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}"{d}/><circle cx="{b}" cy="{y}" r="4"/>'
            '<path d="M{a} {y} l7 -5 v10 z"/>'
        ).format(a=a, b=b, y=y, d=dashed)
    # No number at all ("dozens" without a value): a hollow diamond at the axis start.
    x = scale.x0
    return Markup('<path class="vague" d="M{} {} l5 5 l-5 5 l-5 -5 z"/>').format(x, y - 5)


def _label(claim: Claim) -> str:
    who = claim.who or "no source named"
    via = f" via {claim.via}" if claim.via else ""
    where = ", ".join(p for p in (", ".join(claim.publishers[:1]), claim.published) if p)
    if where:
        via += f" ({where})"
    shown = claim.hedge and claim.hedge.lower() not in claim.figure.lower()  # not "Dozens (dozens)"
    hedge = f" ({claim.hedge})" if shown else ""
    return f"{who}{via}: {claim.figure}{hedge}"


def claims_chart(
    table: ClaimTable, href: Callable[[Claim], str | None]
) -> list[tuple[str, Markup]]:
    """One inline SVG per group of claims: each claim one ``<a class="mark">``.

    A group's claims share an axis (they count the same thing), logarithmic when their
    figures span more than a factor of 20, so "3" and "600" both stay visible.
    A point is a figure, a bar a range (low-high), an arrow an open bound ("more
    than", "up to"); a dashed line marks a hedged figure. Each mark links to its passage.

    Returns:
        (what the group counts, the SVG) pairs, in the table's group order.
    """
    charts: list[tuple[str, Markup]] = []
    for what, idx in table.groups:
        claims = [(i, table.claims[i]) for i in idx]
        values = [v for _, c in claims for v in (c.low, c.high) if v is not None]
        scale = _Scale(values)
        height = _TOP + _ROW * len(claims) + 8
        parts: list[Markup] = []
        for tick in scale.ticks():
            x = scale(tick)
            parts.append(
                Markup(
                    '<line class="grid" x1="{x}" y1="{t}" x2="{x}" y2="{b}"/>'
                    '<text class="tick" x="{x}" y="{ty}" text-anchor="middle">{v}</text>'
                ).format(x=x, t=_TOP - 8, b=height - 4, ty=_TOP - 12, v=_fmt(tick))
            )
        for row, (i, claim) in enumerate(claims):
            y = _TOP + _ROW * row + _ROW / 2
            label = _label(claim)
            target = href(claim)
            shape = _mark(claim, scale, y)
            title = f"{label} — {claim.what}"
            body = Markup("<title>{}</title>{}").format(title, shape)
            mark = (
                Markup('<a class="mark" data-claim="{}" href="{}">{}</a>').format(i, target, body)
                if target
                else Markup('<g class="mark" data-claim="{}">{}</g>').format(i, body)
            )
            short = label if len(label) <= 46 else label[:45] + "…"
            parts.append(
                Markup('<text class="label" x="{}" y="{}">{}</text>{}').format(
                    _PAD, y + 4, short, mark
                )
            )
        scale_name = "log scale" if scale.log else "linear scale"
        svg = Markup(
            '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'aria-label="{aria}">{body}</svg>'
        ).format(
            w=_W,
            h=height,
            aria=f"{what}: each source's figure or range ({scale_name})",
            body=Markup("").join(parts),
        )
        charts.append((what, svg))
    return charts
