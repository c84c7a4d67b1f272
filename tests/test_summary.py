"""The cited summary and its Markdown report."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from assistant.cli import app
from assistant.reasoning.summary import to_markdown
from tests.conftest import source_text


def test_every_sentence_carries_verified_citations_and_covers_every_claim(seed_fc):
    summary = seed_fc.summary()
    assert summary.sentences
    for sentence in summary.sentences:
        assert sentence.citations
        for c in sentence.citations:
            assert source_text(c.source)[c.start : c.end] == c.quote
            assert f"[{c.id}]" in sentence.text
    cited = {c.id for s in summary.sentences for c in s.citations}
    for claim in summary.table.claims:
        assert {c.id for c in claim.citations} & cited, claim.figure
    assert any("disagree" in s.text for s in summary.sentences)
    assert len({c.source for s in summary.sentences for c in s.citations}) == 5


def test_markdown_report_citations_all_verify(seed_fc, tmp_path):
    store = str(seed_fc.settings.store)
    out = tmp_path / "report.md"
    result = CliRunner().invoke(app, ["summary", "--md", str(out), "--store", store])
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    for heading in ("## Summary", "## Claims", "## Sources", "### Articles"):
        assert heading in md
    sources = {
        int(m.group(1)): m
        for m in re.finditer(
            r"^(\d+)\. `([^`]+)`, line (\d+) \(characters (\d+)-(\d+)\): “(.*)”$", md, re.M
        )
    }
    assert sources
    for n, m in sources.items():
        text = source_text(m.group(2))
        assert text[int(m.group(4)) : int(m.group(5))] == m.group(6), n
    summary_part = md.split("## Claims")[0]
    assert {int(n) for n in re.findall(r"\[(\d+)\]", summary_part)} <= set(sources)


def test_topic_summary_and_unknown_topic(seed_fc):
    summary = seed_fc.summary("Novaya Gazeta")
    assert summary.topic == "Novaya Gazeta"
    assert any("Novaya Gazeta" in c.quote for s in summary.sentences for c in s.citations)
    store = str(seed_fc.settings.store)
    result = CliRunner().invoke(app, ["summary", "the weather on Mars", "--store", store])
    assert result.exit_code == 1 and result.stderr.startswith("error: the articles say nothing")


def test_summary_json_shape(seed_fc):
    data = seed_fc.summary().to_json()
    assert set(data) == {"topic", "sentences", "mode"} and data["topic"] is None
    for s in data["sentences"]:
        assert set(s) == {"text", "citations"} and s["citations"]


def test_markdown_escapes_table_cells(seed_fc):
    summary = seed_fc.summary()
    summary.table.claims[0].who = "a | b"
    assert "a \\| b" in to_markdown(summary)
