"""The summary as a Markdown report (``summary --md``): summary, claim table, sources.

Text that comes from articles or a model is escaped where Markdown would act on it
(:mod:`assistant.escape`), so a report shows it as written.
"""

from __future__ import annotations

import io

from assistant.reasoning.citations import Citation
from assistant.reasoning.summary import Summary, markers, provenance


def _cell(text: object) -> str:
    # Article text in a table cell: escaped, so a "|" cannot add a column nor "<b>" HTML.
    from assistant.escape import markdown_text

    return "" if text is None else markdown_text(str(text))


def _all_citations(summary: Summary) -> list[Citation]:
    """The sentences' citations and the claim table's, once each, by id."""
    seen = {c.id: c for c in summary.citations()}
    for claim in summary.table.claims if summary.table else []:
        for c in claim.citations:
            seen.setdefault(c.id, c)
    return [seen[i] for i in sorted(seen)]


def to_markdown(summary: Summary, version: str = "") -> str:
    """A report a journalist can paste: summary, claim table, sources with quotes.

    Text that comes from articles or a model (the topic, sentences, quotes, titles,
    speakers, file names) is escaped, so it shows as written and cannot add HTML,
    links, images, headings or table cells to the report (see ``assistant.escape``).

    Args:
        summary: The summary to write.
        version: The factcheck version, named in the report's byline.

    Returns:
        The report as Markdown.
    """
    from assistant.escape import markdown_code, markdown_text

    out = io.StringIO()
    topic = markdown_text(summary.topic) if summary.topic else ""
    title = f"Fact-check summary: {topic}" if topic else "Fact-check summary"
    out.write(f"# {title}\n\n")
    out.write(
        f"_Made by factcheck {version} ({summary.mode} mode) from {len(summary.titles)} "
        "articles. Every quote below was checked against its file; [n] refers to the "
        "sources at the end._\n\n"
    )
    out.write("## Summary\n\n")
    for s in summary.sentences:
        out.write(f"- {markdown_text(s.text, line_start=True)}\n")
    if summary.dropped:
        out.write("\nLeft out because no citation verified: ")
        out.write("; ".join(markdown_text(d) for d in summary.dropped) + ".\n")
    if summary.table and summary.table.claims:
        out.write("\n## Claims\n\n")
        out.write("| # | figure | low | high | hedge | what | who | via | sources |\n")
        out.write("|---|---|---|---|---|---|---|---|---|\n")
        for i, c in enumerate(summary.table.claims, start=1):
            js = c.to_json()
            out.write(
                f"| {i} | {_cell(c.figure)} | {_cell(js['low'])} | {_cell(js['high'])} | "
                f"{_cell(c.hedge)} | {_cell(c.what)} | {_cell(c.who)} | {_cell(c.via)} | "
                f"{markers(c.citations)} |\n"
            )
        out.write("\nConflicting figures stand together by kind of count: ")
        out.write(
            "; ".join(
                f"{markdown_text(what)}: rows {', '.join(str(i + 1) for i in idx)}"
                for what, idx in summary.table.groups
            )
            + ".\n"
        )
    out.write("\n## Sources\n\n")
    for cit in _all_citations(summary):
        where = provenance(cit)
        page = f", page {cit.page}" if cit.page else ""
        out.write(
            f"{cit.id}. {markdown_text(where) + ': ' if where else ''}"
            f"{markdown_code(cit.source)}, line {cit.line}{page} "
            f"(characters {cit.start}-{cit.end}): “{markdown_text(cit.quote)}”\n"
        )
    out.write("\n### Articles\n\n")
    for source, title in sorted(summary.titles.items()):
        out.write(f"- {markdown_code(source)}: {markdown_text(title)}\n")
    return out.getvalue()
