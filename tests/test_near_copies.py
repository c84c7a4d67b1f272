"""Exact evidence among near-copies: wire reports that differ only in their figures.

A fact-checker asks about one figure. The report that gives it must be cited first,
even when the embedding model prefers reports worded like the question that give other
figures, and reprints of one sentence must be cited once (with their other places).
"""

from __future__ import annotations

from pathlib import Path

from assistant.app import FactCheck
from assistant.settings import Settings

QUESTION = "Who said 123 were counted?"
# Numbers with a lightly edited reprint and a second report of the same figure.
REPRINTED = (1, 2, 12, 13, 23, 31)


def _write_wire(folder: Path) -> None:
    """Sixty reports worded like the question, one worded otherwise that gives 123, reprints."""
    folder.mkdir()
    for i in range(1, 61):
        (folder / f"wire{i:03d}.txt").write_text(f"Reporter {i} said {i} were counted.\n")
    # Worded unlike the question, this report ranks near the bottom of the embedding
    # search; only its figure (rare, so heavily weighted) marks it as the one asked for.
    (folder / "tally.txt").write_text(
        "Turnout figures: 123 ballots counted, Reporter 41 said late on Monday.\n"
    )
    (folder / "tally-reprint.txt").write_text(
        "Turnout figures: 123 ballots were counted, Reporter 41 said late on Monday.\n"
    )
    for i in REPRINTED:
        (folder / f"reprint{i:03d}.txt").write_text(f"Reporter {i} said {i} had been counted.\n")
        (folder / f"update{i:03d}.txt").write_text(
            f"Reporter {i} said on Monday that {i} were counted.\n"
        )


def test_the_exact_figure_is_cited_first_and_each_sentence_once(tmp_path: Path) -> None:
    corpus = tmp_path / "wire"
    _write_wire(corpus)
    fc = FactCheck(Settings(store=tmp_path / "store", corpus=corpus))
    fc.ingest([corpus])

    hits = fc.search(QUESTION, 8)
    assert "123" in hits[0].chunk.text
    # The case the re-ranking is for: the embedding side did not rank it near the top.
    assert hits[0].dense_rank is None or hits[0].dense_rank > 8

    answer = fc.ask(QUESTION, "extractive")
    assert not answer.abstained
    assert answer.citations
    assert "123" in answer.citations[0].quote
    quotes = [c.quote for c in answer.citations]
    places = [(c.source, c.start) for c in answer.citations]
    for c in answer.citations:
        quotes += [p.quote for p in c.also_in]
        places += [(p.source, p.start) for p in c.also_in]
        # A near-duplicate place states the same figures as its citation.
        assert all(("123" in p.quote) == ("123" in c.quote) for p in c.also_in)
    assert len(set(quotes)) == len(quotes), quotes
    assert len(set(places)) == len(places), places
