"""Self-contained HTML reports: ``summary --html FILE`` and ``claims --html FILE``.

One file a journalist can mail or archive: inline styles, an inline SVG chart, links
only to places inside the file. Nothing refers to another host or file, so it opens
offline and cannot leak that it was opened. Article text, file names, titles and model
output are escaped (Jinja2 autoescape), so an article holding ``<script>`` shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from assistant.web.render import claims_chart, environment, stylesheet

if TYPE_CHECKING:
    from assistant.reasoning.citations import Citation
    from assistant.reasoning.claims import Claim, ClaimTable
    from assistant.reasoning.summary import Summary


def _anchor(n: int) -> str:
    return f"#src-{n}"


def _claim_anchor(claim: Claim) -> str | None:
    return _anchor(claim.citations[0].id) if claim.citations else None


def _table_citations(table: ClaimTable | None) -> dict[int, Citation]:
    seen: dict[int, Citation] = {}
    for claim in table.claims if table else []:
        for c in claim.citations:
            seen.setdefault(c.id, c)
    return seen


def _render(**context: Any) -> str:
    table = context.get("table")
    charts = claims_chart(table, _claim_anchor) if table else []
    # The stylesheet is the package's own file, not article text: it goes in as is
    # (escaping would turn its ">" selectors into "&gt;").
    css = Markup(stylesheet().replace("</", "<\\/"))
    return (
        environment()
        .get_template("report.html")
        .render(css=css, charts=charts, anchor=_anchor, **context)
    )


def summary_html(summary: Summary, version: str) -> str:
    """The summary, its claim table and chart, and every cited passage, as one HTML file.

    Args:
        summary: What :meth:`assistant.app.FactCheck.summary` returned.
        version: The factcheck version, named in the report's byline.

    Returns:
        The whole HTML document.
    """
    seen = {c.id: c for c in summary.citations()}
    for cid, c in _table_citations(summary.table).items():
        seen.setdefault(cid, c)
    heading = f"Fact-check summary: {summary.topic}" if summary.topic else "Fact-check summary"
    return _render(
        heading=heading,
        version=version,
        mode=summary.mode,
        n_articles=len(summary.titles),
        summary=summary,
        table=summary.table,
        citations=[seen[i] for i in sorted(seen)],
        titles=sorted(summary.titles.items()),
    )


def claims_html(table: ClaimTable, version: str) -> str:
    """The claim table grouped by what it counts, its chart and cited passages, as one file.

    Args:
        table: What :meth:`assistant.app.FactCheck.claims` returned.
        version: The factcheck version, named in the report's byline.

    Returns:
        The whole HTML document.
    """
    seen = _table_citations(table)
    return _render(
        heading="Fact-check claims",
        version=version,
        mode=table.mode,
        n_articles=0,
        summary=None,
        table=table,
        citations=[seen[i] for i in sorted(seen)],
        titles=[],
    )
