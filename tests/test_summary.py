"""The cited summary and its Markdown report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.index.schema import StoredChunk
from assistant.reasoning.attribution import Attribution
from assistant.reasoning.summary import (
    MAX_SENTENCES,
    MAX_STATEMENTS,
    Summary,
    SummarySentence,
    _Statement,
    rank_statements,
    to_markdown,
)
from assistant.settings import Settings
from benchmarks.run import generate_news_corpus
from tests.conftest import own_settings, source_text


def _verbatim(summary: Summary, root: Path) -> None:
    """Every sentence is cited, and every quote stands in its file at its offsets."""
    for sentence in summary.sentences:
        assert sentence.citations, sentence.text
        for c in sentence.citations:
            assert source_text(c.source, root)[c.start : c.end] == c.quote
            assert f"[{c.id}]" in sentence.text


def _figure_keys(summary: Summary) -> dict[tuple, set[int]]:
    """Each distinct figure of each kind of count, with the citation ids of its claims."""
    keys: dict[tuple, set[int]] = {}
    for c in summary.table.claims:
        keys.setdefault((c.what, c.low, c.high, c.hedge), set()).update(x.id for x in c.citations)
    return keys


def _assert_every_figure_shown(summary: Summary) -> None:
    """Each distinct figure is in a sentence that cites a claim giving it."""
    for key, ids in _figure_keys(summary).items():
        figures = {c.figure.lower() for c in summary.table.claims
                   if (c.what, c.low, c.high, c.hedge) == key}  # fmt: skip
        assert any(
            ids & {c.id for c in s.citations} and any(f in s.text.lower() for f in figures)
            for s in summary.sentences
        ), key


def _statements(summary: Summary) -> list[SummarySentence]:
    """The quoted statements ("Who: “...” [n]."), after the opening."""
    return [s for s in summary.sentences[1:] if re.match(r"[^“]+: “", s.text)]


def _not_cited(summary: Summary) -> int:
    cited = {c.id for s in summary.sentences for c in s.citations}
    return sum(1 for c in summary.table.claims if not {x.id for x in c.citations} & cited)


def test_every_sentence_carries_verified_citations_and_every_figure(seed_fc):
    summary = seed_fc.summary()
    assert 0 < len(summary.sentences) <= MAX_SENTENCES
    _verbatim(summary, seed_fc.settings.corpus)
    _assert_every_figure_shown(summary)
    assert any("disagree" in s.text for s in summary.sentences)
    assert len({c.source for s in summary.sentences for c in s.citations}) == 5
    # The seeds' claims do not fit a sentence each: those not named are counted.
    said = sum(
        int(n) for s in summary.sentences for n in re.findall(r"(\d+) more claims?\b", s.text)
    )
    assert said == _not_cited(summary)
    assert summary.citations() == sorted(
        {c.id: c for s in summary.sentences for c in s.citations}.values(), key=lambda c: c.id
    )


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Summary, Path]:
    """A summary of 80 generated reports (invented sources giving conflicting figures)."""
    from tests.conftest import HashEmbeddings

    folder = tmp_path_factory.mktemp("news") / "corpus"
    generate_news_corpus(folder, 80)
    store = tmp_path_factory.mktemp("news-store") / "store"
    # The summary needs no embedding model: a stand-in keeps the ingest fast.
    fc = FactCheck(Settings(store=store, corpus=folder), embeddings=HashEmbeddings())
    fc.ingest([folder])
    return fc.summary(), folder


def test_a_large_corpus_stays_within_the_bound(large):
    summary, root = large
    assert len(summary.table.claims) > 3 * MAX_SENTENCES  # far more claims than sentences
    assert len(summary.sentences) <= MAX_SENTENCES
    _verbatim(summary, root)


def test_a_large_corpus_keeps_every_distinct_figure(large):
    summary, _ = large
    assert len(_figure_keys(summary)) > MAX_SENTENCES
    _assert_every_figure_shown(summary)
    # Each kind of count still says how far its sources disagree.
    kinds = {c.what for c in summary.table.claims}
    ranges = [s.text for s in summary.sentences if s.text.startswith("The sources disagree")]
    assert len(ranges) == len(kinds)


def test_a_large_corpus_says_what_it_left_out(large):
    summary, _ = large
    text = "\n".join(s.text for s in summary.sentences)
    notes = re.findall(r"not shown: (\d+) more claims? of these figures", text)
    assert notes and sum(int(n) for n in notes) == _not_cited(summary) > 0
    assert "see `factcheck claims`" in text
    opening, listed = summary.sentences[0].text, len(summary.sentences[0].citations)
    assert opening.startswith("80 articles report")
    assert f"and {80 - listed} more articles" in opening
    statements = _statements(summary)
    assert 0 < len(statements) <= MAX_STATEMENTS
    assert re.search(r"\d+ more attributed statements not shown\.$", statements[-1].text)


def test_a_large_corpus_quotes_one_statement_per_speaker(large):
    summary, _ = large
    speakers = [s.text.split(": “")[0] for s in _statements(summary)]
    assert speakers and len(speakers) == len(set(speakers))


def _stmt(source: str, text: str, who: str) -> _Statement:
    chunk = StoredChunk(f"{source}:0", source, "/nowhere", "T", 0, len(text), 1, text, "sha")
    return _Statement(chunk, text, 0, Attribution(who=who, verb="said"))


def test_statements_of_the_most_widely_quoted_speakers_come_first():
    quiet = _stmt("a.txt", "Ann Bell said the bridge reopened on Monday.", "Ann Bell")
    loud = [_stmt(f"{n}.txt", f"Cal Dore said talks went well in {n}.", "Cal Dore")
            for n in ("b", "c", "d")]  # fmt: skip
    # Cal Dore is quoted in three articles, Ann Bell in one: Cal Dore comes first.
    ranked = rank_statements([quiet, loud[0]], [quiet, *loud])
    assert [s.speaker.who for s in ranked] == ["Cal Dore", "Ann Bell"]


def test_summary_json_shape(seed_fc):
    data = seed_fc.summary().to_json()
    assert set(data) == {"topic", "sentences", "mode"} and data["topic"] is None
    for s in data["sentences"]:
        assert set(s) == {"text", "citations"} and s["citations"]


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


def test_markdown_escapes_table_cells(seed_fc):
    summary = seed_fc.summary()
    summary.table.claims[0].who = "a | b"
    assert "a \\| b" in to_markdown(summary)


def test_summary_says_in_which_outlet_and_when_a_figure_was_reported(tmp_path, fake_embeddings):
    from assistant.app import FactCheck

    folder = tmp_path / "pile"
    folder.mkdir()
    (folder / "courier.txt").write_text(
        "---\noutlet: The Valley Courier\npublished: 2026-03-15\n---\nFlood in Dayton\n\n"
        "Rangers said 12 people were killed in the flood.\n",
        "utf-8",
    )
    (folder / "memo.txt").write_text(
        "---\nauthor: Ann Lee\npublished: 2026-03-16\n---\nMemo on the flood\n\n"
        "The county said 15 people were killed in the flood.\n",
        "utf-8",
    )
    settings = own_settings(tmp_path)
    fc = FactCheck(settings, embeddings=fake_embeddings)
    fc.ingest([folder])
    text = " ".join(s.text for s in fc.summary(mode="extractive").sentences)
    assert "in The Valley Courier, 2026-03-15" in text
    # A file naming only its author is a document by that person, not a publication.
    assert "in a document by Ann Lee, 2026-03-16" in text
    assert "in Ann Lee" not in text
