"""A cited summary of the corpus (or of a topic), and a Markdown report of it.

Offline it is assembled, not written: an opening sentence naming the articles, then for
each kind of count (killed, wounded, casualties, attackers, ...) a sentence saying how
far the sources disagree and one sentence per distinct claim with who made it, then the
key attributed statements quoted verbatim. Every sentence is built from verified
citations, so each carries at least one; nothing is said that a citation does not show.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from assistant.index.chunking import split_sentences
from assistant.index.store import StoredChunk
from assistant.reasoning.attribution import find_attributions
from assistant.reasoning.citations import Citation, SourceReader
from assistant.reasoning.claims import Claim, ClaimTable, build_claim_table

WHAT_PHRASE = {
    "killed": "killed",
    "wounded": "wounded",
    "casualties": "casualties",
    "attackers": "attackers",
    "fighters": "fighters",
}
_PARTICIPLES = {"killed", "wounded"}
_VAGUE_PLURALS = ("dozens", "hundreds", "thousands", "number")
MAX_STATEMENTS = 8


@dataclass
class SummarySentence:
    """One sentence of the summary and the citations that back it."""

    text: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        """The sentence in the public JSON shape."""
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


@dataclass
class Summary:
    """A summary in the public ``summary --json`` shape, plus what the report needs."""

    topic: str | None
    sentences: list[SummarySentence]
    mode: str = "extractive"
    table: ClaimTable | None = None
    titles: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # sentences whose citations all failed
    notices: list[str] = field(default_factory=list)  # stderr, not JSON

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: keep it stable, extend only."""
        return {
            "topic": self.topic,
            "sentences": [s.to_json() for s in self.sentences],
            "mode": self.mode,
        }

    def citations(self) -> list[Citation]:
        """Every citation in the summary and the claim table, once each, by id."""
        seen: dict[int, Citation] = {}
        for s in self.sentences:
            for c in s.citations:
                seen.setdefault(c.id, c)
        for claim in self.table.claims if self.table else []:
            for c in claim.citations:
                seen.setdefault(c.id, c)
        return [seen[i] for i in sorted(seen)]


class _Numberer:
    """Gives each distinct quoted span one citation id across the whole summary."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, int, int], int] = {}

    def __call__(self, c: Citation) -> Citation:
        key = (c.source, c.start, c.end)
        self.ids.setdefault(key, len(self.ids) + 1)
        return Citation(self.ids[key], c.source, c.title, c.start, c.end, c.line, c.quote)


def _markers(cits: list[Citation]) -> str:
    return "".join(f"[{c.id}]" for c in cits)


def _who(claim: Claim) -> str:
    if claim.via and claim.who:
        who = f"{claim.via}, citing {claim.who},"
    elif claim.who:
        who = claim.who
    else:
        where = ", ".join(sorted({c.source for c in claim.citations}))
        who = f"A passage in {where}, naming no source,"
    return who[:1].upper() + who[1:]


def _figure_text(claim: Claim) -> str:
    """The figure as written, lowercased when it opened its sentence ("Dozens")."""
    fig = claim.figure
    return fig[:1].lower() + fig[1:] if fig[:1].isupper() and fig.split()[0].isalpha() else fig


def _amount(claim: Claim, what: str) -> str:
    """The figure with what it counts: "dozens killed", "hundreds of attackers"."""
    phrase = WHAT_PHRASE.get(what, what)
    fig = _figure_text(claim)
    last = fig.split()[-1].strip("“”\"'").lower() if fig.split() else ""
    joiner = " of " if last in _VAGUE_PLURALS and phrase not in _PARTICIPLES else " "
    return f"{fig}{joiner}{phrase}"


def _how_many(phrase: str) -> str:
    return f"how many were {phrase}" if phrase in _PARTICIPLES else f"the number of {phrase}"


def _representative(claim: Claim) -> float:
    return float(claim.low if claim.low is not None else claim.high or 0)


def _short_who(claim: Claim) -> str:
    return claim.via or claim.who or "no source named"


def summarize(
    chunks: list[StoredChunk],
    topic: str | None = None,
    reader: SourceReader | None = None,
    statements: list[tuple[StoredChunk, str]] | None = None,
) -> Summary:
    """Assemble a cited summary of ``chunks``.

    Args:
        chunks: The passages to summarise (the whole store, or those found for a topic).
        topic: The topic, if any (only used in the wording and the JSON).
        reader: Verifies every quote against its file.
        statements: Key attributed sentences to quote (chunk, sentence text), best first;
            default: every attributed sentence without a figure, in corpus order.
    """
    reader = reader or SourceReader()
    number = _Numberer()
    table = build_claim_table(chunks, reader)
    for claim in table.claims:
        claim.citations = [number(c) for c in claim.citations]
    sentences: list[SummarySentence] = []
    dropped: list[str] = []

    # Opening: which articles, cited by their titles.
    firsts: dict[str, StoredChunk] = {}
    for c in sorted(chunks, key=lambda c: (c.source, c.start)):
        firsts.setdefault(c.source, c)
    title_cits = []
    for _source, chunk in sorted(firsts.items()):
        cited = reader.cite(0, chunk.title, chunk) if chunk.title else None
        if isinstance(cited, Citation):
            title_cits.append(number(cited))
    if title_cits:
        about = f" about {topic}" if topic else ""
        listing = "; ".join(f"“{c.quote}” {_markers([c])}" for c in title_cits)
        sentences.append(
            SummarySentence(f"{len(title_cits)} articles report{about}: {listing}.", title_cits)
        )

    # Each kind of count: how far the sources disagree, then every distinct claim.
    for what, members in table.groups:
        claims = [table.claims[i] for i in members]
        numeric = [c for c in claims if c.low is not None or c.high is not None]
        phrase = WHAT_PHRASE.get(what, what)
        ranked = sorted(numeric, key=_representative)
        if len(ranked) >= 2 and _representative(ranked[0]) != _representative(ranked[-1]):
            lo, hi = ranked[0], ranked[-1]
            cits = [lo.citations[0], hi.citations[0]]
            sentences.append(
                SummarySentence(
                    f"The sources disagree on {_how_many(phrase)}: from "
                    f"{_figure_text(lo)} ({_short_who(lo)}) {_markers(cits[:1])} to "
                    f"{_figure_text(hi)} ({_short_who(hi)}) {_markers(cits[1:])}.",
                    cits,
                )
            )
        for claim in claims:
            if not claim.citations:
                dropped.append(f"{_who(claim)} {claim.figure} {phrase}")
                continue
            sentences.append(
                SummarySentence(
                    f"{_who(claim)} reported {_amount(claim, what)} {_markers(claim.citations)}.",
                    list(claim.citations),
                )
            )

    # Key attributed statements without figures, quoted verbatim.
    claimed = {(c.source, c.start) for cl in table.claims for c in cl.citations}
    if statements is None:
        statements = _attributed_sentences(chunks)
    used = 0
    for chunk, text in statements:
        if used >= MAX_STATEMENTS:
            break
        atts = [a for a in find_attributions(text) if not a.is_pronoun]
        cited = reader.cite(0, text, chunk)
        if not atts or not isinstance(cited, Citation):
            continue
        if (cited.source, cited.start) in claimed:
            continue
        cited = number(cited)
        who = atts[0].display()
        sentences.append(
            SummarySentence(f"{who[:1].upper()}{who[1:]}: “{cited.quote}” [{cited.id}].", [cited])
        )
        used += 1

    titles = {source: chunk.title for source, chunk in firsts.items()}
    return Summary(topic, sentences, "extractive", table, titles, dropped)


def _attributed_sentences(chunks: list[StoredChunk]) -> list[tuple[StoredChunk, str]]:
    out = []
    for chunk in sorted(chunks, key=lambda c: (c.source, c.start)):
        for span in split_sentences(chunk.text):
            text = chunk.text[span.start : span.end]
            if any(not a.is_pronoun for a in find_attributions(text)):
                out.append((chunk, text))
    return out


# -- Markdown ---------------------------------------------------------------------------


def _cell(text: object) -> str:
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(summary: Summary, version: str = "") -> str:
    """A report a journalist can paste: summary, claim table, sources with quotes."""
    out = io.StringIO()
    title = f"Fact-check summary: {summary.topic}" if summary.topic else "Fact-check summary"
    out.write(f"# {title}\n\n")
    out.write(
        f"_Made by factcheck {version} ({summary.mode} mode) from {len(summary.titles)} "
        "articles. Every quote below was checked against its file; [n] refers to the "
        "sources at the end._\n\n"
    )
    out.write("## Summary\n\n")
    for s in summary.sentences:
        out.write(f"- {s.text}\n")
    if summary.dropped:
        out.write("\nLeft out because no citation verified: ")
        out.write("; ".join(summary.dropped) + ".\n")
    if summary.table and summary.table.claims:
        out.write("\n## Claims\n\n")
        out.write("| # | figure | low | high | hedge | what | who | via | sources |\n")
        out.write("|---|---|---|---|---|---|---|---|---|\n")
        for i, c in enumerate(summary.table.claims, start=1):
            js = c.to_json()
            out.write(
                f"| {i} | {_cell(c.figure)} | {_cell(js['low'])} | {_cell(js['high'])} | "
                f"{_cell(c.hedge)} | {_cell(c.what)} | {_cell(c.who)} | {_cell(c.via)} | "
                f"{_markers(c.citations)} |\n"
            )
        out.write("\nConflicting figures stand together by kind of count: ")
        out.write(
            "; ".join(
                f"{what}: rows {', '.join(str(i + 1) for i in idx)}"
                for what, idx in summary.table.groups
            )
            + ".\n"
        )
    out.write("\n## Sources\n\n")
    for cit in summary.citations():
        out.write(
            f"{cit.id}. `{cit.source}`, line {cit.line} (characters {cit.start}-{cit.end}): "
            f"“{cit.quote}”\n"
        )
    out.write("\n### Articles\n\n")
    for source, title in sorted(summary.titles.items()):
        out.write(f"- `{source}`: {title}\n")
    return out.getvalue()
