"""Issue 12, row 13: chunking, attribution and claims stay linear on hostile inputs.

No clock here (timing belongs to ``python -m benchmarks.growth``): these tests give the
inputs that used to cost the square of their size and check what comes out. Before the
fix each took minutes (the sentence splitter looked back to the start of the line at
every period; attribution rules retried a lazy run from every character; each figure's
rules read its whole sentence); now each takes well under a second. The work the
abbreviation check does per period is counted directly.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.index import chunking
from assistant.index.chunking import chunk_text, split_sentences
from assistant.reasoning.attribution import find_attributions
from assistant.reasoning.figures import figures
from benchmarks.growth import figures_article, single_line_article, unpunctuated_article


def test_a_400_kb_single_line_article_is_cut_into_its_sentences() -> None:
    text = single_line_article(400_000)
    assert "\n" not in text
    sentences = split_sentences(text)
    ends = len(re.findall(r"\. (?=[A-Z0-9])", text)) - text.count("Dr. ")  # not "Dr. Okafor"
    assert len(sentences) == ends + 1
    assert all(text[s.end - 1] == "." for s in sentences)
    chunks = chunk_text("one-line.txt", text)
    assert all(c.line == 1 and text[c.start : c.end] == c.text for c in chunks)
    assert max(c.end - c.start for c in chunks) <= 800


class _CountingPattern:
    """Stands in for a compiled pattern and adds up how much text each search reads."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.read = 0

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        end = len(text) if endpos is None else endpos
        self.read += end - pos
        return self.pattern.search(text, pos, end)


@pytest.mark.parametrize("size", [20_000, 80_000])
def test_the_abbreviation_check_reads_a_bounded_stretch_per_period(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every period before a capital is tested for an abbreviation ("cd." is none, so each
    # ends a sentence); the check used to search from the line's start to every period.
    text = "Ab cd. " * (size // 7)
    counting = _CountingPattern(chunking._WORD_BEFORE)
    monkeypatch.setattr(chunking, "_WORD_BEFORE", counting)
    assert len(split_sentences(text)) == text.count(".")
    assert counting.read <= 40 * text.count(".")


def test_a_40_kb_unpunctuated_sentence_still_names_its_speaker() -> None:
    article = unpunctuated_article(40_000)
    sentence = article.split("\n\n")[0]
    assert len(sentence) > 40_000
    assert not re.search(r"[.,;:!?\"]", sentence)
    found = find_attributions(sentence)
    assert [(a.who, a.verb, a.pos) for a in found] == [("Ann Lee", "said", 8)]


@pytest.mark.parametrize(
    ("unit", "who"),
    [
        ("Acme, citing Ann Lee, said ", "Ann Lee"),
        ("The Dayton Ledger cited Bob Chan as saying ", "Bob Chan"),
        ("according to Mayor Ruiz, ", "Mayor Ruiz"),
    ],
)
def test_long_sentences_of_repeated_attributions_find_each_speaker(unit: str, who: str) -> None:
    sentence = unit * 1500  # about 40-60 KB, one sentence
    found = find_attributions(sentence)
    assert found and found[0].who == who  # repeats of one speaker are merged


def test_a_sentence_of_thousands_of_figures_gives_each_figure() -> None:
    # One 300 KB sentence: no period ends it, so every figure's rules share it.
    sentence = figures_article(300_000).replace(".", ";").replace("\n\n", " ")
    found = figures(sentence)
    expected = re.findall(r"\b(?:at least |between )?\d+(?: and \d+)?\b", sentence)
    assert len(found) == len(expected) > 3000
    assert {f.family for f in found} >= {"casualty", None}
