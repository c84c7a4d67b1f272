"""Numbers that name things, and numbers inside names and markup (issue 21, rows A1 and A3).

A number that labels something ("Zone 12", "Route 9", "the 7th district") is a
constraint like a name: the answer must come from a sentence about that zone, and a
sentence about Zone 30 is about another thing, neither an answer nor a contradiction. A
number inside a speaker's name, an HTML-like tag or an identifier ("alert(3)") is no
figure. Every article here is invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import FactCheck
from assistant.index.schema import StoredChunk
from assistant.index.terms import terms
from assistant.reasoning.answer import Candidate
from assistant.reasoning.claims import build_claim_table
from assistant.reasoning.figures import figures
from assistant.reasoning.question import analyse
from assistant.reasoning.shortanswer import violates
from assistant.settings import Settings
from tests.conftest import stored_chunks as _chunks

# -- A1: a number that names something -------------------------------------------------


@pytest.mark.parametrize(
    ("question", "pair"),
    [
        ("How many deer were killed in Zone 12?", ("zone", "12")),
        ("How many deer were killed in zone 12?", ("zone", "12")),
        ("How many cars were stopped on Route 9 last week?", ("rout", "9")),
        ("How many people were on Flight 370?", ("flight", "370")),
        ("How many flats in Block 4B were empty?", ("block", "4b")),
        ("How many voters in Ward 3 turned out?", ("ward", "3")),
        ("How many wells were dug in district 9 last year?", ("district", "9")),
        ("How many schools closed in the 7th district?", ("7", "district")),
    ],
)
def test_a_number_that_labels_something_is_a_named_constraint(question, pair):
    qa = analyse(question)
    assert any(pair in options for options in qa.number_pairs), qa.number_pairs


@pytest.mark.parametrize(
    "question",
    [
        "How many people said 12 were killed?",  # a count after a speech verb
        "Police said 12 killed in the raid?",
        "How many of the 12 deer were killed?",  # a count before its noun
        "The death toll reached 12",  # a verb's object
        "Rescuers found 12",
        "Rescuers found 12 killed",
    ],
)
def test_a_count_is_not_a_label(question):
    assert analyse(question).number_pairs == ()


def _stand_in(sentence: str, passage: str) -> Candidate:
    chunk = StoredChunk(
        id="p1",
        source="p1.txt",
        root="/nowhere",
        title="Cull",
        start=0,
        end=len(passage),
        line=1,
        text=passage,
        file_sha256="0" * 64,
    )
    at = passage.index(sentence)
    own = set(terms(sentence))
    return Candidate(chunk, 0, at, at + len(sentence), sentence, own, own)


_BOTH = "Rangers said 12 deer were killed in Zone 12. Rangers said 30 deer were killed in Zone 30."


def test_a_sentence_about_another_label_breaks_the_constraint_in_a_passage_of_both():
    qa = analyse("How many deer were killed in Zone 12?")
    assert not violates(qa, _stand_in("Rangers said 12 deer were killed in Zone 12.", _BOTH))
    assert violates(qa, _stand_in("Rangers said 30 deer were killed in Zone 30.", _BOTH))


def test_an_ordinal_label_breaks_the_constraint_with_another_ordinal():
    qa = analyse("How many schools closed in the 7th district?")
    passage = "Four schools closed in the 7th district. Nine schools closed in the 9th district."
    assert not violates(qa, _stand_in("Four schools closed in the 7th district.", passage))
    assert violates(qa, _stand_in("Nine schools closed in the 9th district.", passage))


@pytest.mark.parametrize(
    "sentence",
    [
        "The patrol set out on 14 June with twelve volunteers.",  # a day after "on"
        "Twelve volunteers trained for the patrol in 3 weeks.",  # a span after "in"
        "The patrol of 40 volunteers was the largest yet.",  # a count after "of"
    ],
)
def test_a_number_after_a_small_word_does_not_name_another_label(sentence):
    # "the patrol on 14 June" is not Patrol 14: only a number written right after the
    # word names one, so these sentences may still answer a question about Patrol 9.
    qa = analyse("How many volunteers joined Patrol 9?")
    assert not violates(qa, _stand_in(sentence, sentence))


def test_a_number_right_after_the_word_still_names_another_label():
    qa = analyse("How many volunteers joined Patrol 9?")
    sentence = "Twelve volunteers joined Patrol 14 last spring."
    assert violates(qa, _stand_in(sentence, sentence))


def _fc(tmp_path: Path, files: dict[str, str]) -> tuple[FactCheck, Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    fc = FactCheck(Settings(store=tmp_path / "store"))
    fc.ingest([folder])
    return fc, folder


def _verbatim(citations, folder: Path) -> None:
    for c in citations:
        text = (folder / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote


_ONE_FILE = {"cull.txt": f"Deer cull report\n\n{_BOTH}\n"}
_TWO_FILES = {
    "a.txt": "Deer cull report\n\nRangers said 12 deer were killed in Zone 12.\n",
    "b.txt": "Deer cull update\n\nRangers said 30 deer were killed in Zone 30.\n",
}


@pytest.mark.parametrize("files", [_ONE_FILE, _TWO_FILES], ids=["one-file", "two-files"])
def test_the_answer_comes_from_the_sentence_about_the_named_zone(tmp_path, files):
    fc, folder = _fc(tmp_path, files)
    answer = fc.ask("How many deer were killed in Zone 12?", "extractive")
    assert not answer.abstained, answer.answer
    assert [a.text for a in answer.answers] == ["12"], answer.answer
    assert not answer.disagreement
    assert all("Zone 12" in c.quote for c in answer.citations), answer.answer
    _verbatim(answer.citations, folder)


@pytest.mark.parametrize("files", [_ONE_FILE, _TWO_FILES], ids=["one-file", "two-files"])
def test_a_sentence_about_another_zone_neither_supports_nor_contradicts(tmp_path, files):
    fc, folder = _fc(tmp_path, files)
    right = fc.check("12 deer were killed in Zone 12", "extractive")
    assert right.verdict == "supported", right.explanation
    assert all("Zone 30" not in c.quote for c in right.citations)
    # 30 is Zone 30's figure: it does not confirm a claim about Zone 12.
    wrong = fc.check("30 deer were killed in Zone 12", "extractive")
    assert wrong.verdict == "refuted", wrong.explanation
    assert all("Zone 30" not in c.quote for c in wrong.citations)
    _verbatim(right.citations + wrong.citations, folder)


def test_a_count_after_a_verb_still_decides_a_check(tmp_path):
    fc, folder = _fc(
        tmp_path, {"toll.txt": "Quake update\n\nThe death toll reached 30 on Monday.\n"}
    )
    result = fc.check("The death toll reached 12", "extractive")
    assert result.verdict == "refuted", result.explanation
    _verbatim(result.citations, folder)


# -- A3: numbers inside names, tags and identifiers ------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The <img src=x onerror=alert(3)> agency said 77 people were killed.", ["77"]),
        ('The <span data-id="4"> agency said 18 people were killed.', ["18"]),
        ("Logs from render(3) show the agency said 18 people were killed.", ["18"]),
        ("The agency for 3 counties said 18 people were killed.", ["18"]),
    ],
)
def test_a_number_in_markup_an_identifier_or_the_speaker_is_no_figure(sentence, expected):
    assert [f.text for f in figures(sentence)] == expected


_MARKUP = "Flood report\n\nThe <img src=x onerror=alert(3)> agency said 77 people were killed.\n"


def test_markup_in_a_speakers_name_gives_no_claim_and_no_disagreement(tmp_path):
    fc, folder = _fc(tmp_path, {"flood.txt": _MARKUP})
    table = fc.claims("extractive")
    assert [c.figure for c in table.claims] == ["77"]
    summary = fc.summary(mode="extractive")
    text = " ".join(s.text for s in summary.sentences)
    assert "disagree" not in text, text
    assert " 3 " not in text and "from 3" not in text, text
    for s in summary.sentences:
        _verbatim(s.citations, folder)


def test_a_number_in_a_speakers_description_gives_no_claim(tmp_path):
    article = "Flood report\n\nThe agency for 3 counties said 18 people were killed.\n"
    folder = tmp_path / "a"
    folder.mkdir()
    table = build_claim_table(_chunks(folder, {"a.txt": article}))
    assert [c.figure for c in table.claims] == ["18"]


def test_markup_in_a_speakers_name_is_no_short_answer(tmp_path):
    fc, folder = _fc(tmp_path, {"flood.txt": _MARKUP})
    answer = fc.ask("How many people were killed in the flood?", "extractive")
    assert [a.text for a in answer.answers] == ["77"], answer.answer
    assert not answer.disagreement
    _verbatim(answer.citations, folder)


def test_a_number_in_a_speakers_name_counts_when_the_statement_gives_none(tmp_path):
    # "they were killed": the two guides are what the statement is about.
    article = (
        "Avalanche report\n\nFriends of two mountain guides confirmed that they were killed.\n"
    )
    folder = tmp_path / "a"
    folder.mkdir()
    table = build_claim_table(_chunks(folder, {"a.txt": article}))
    assert [(c.figure, c.what) for c in table.claims] == [("two", "killed")]
    assert [f.text for f in figures(article.splitlines()[2])] == ["two"]


@pytest.mark.parametrize(
    "claim",
    ["When was the Zephyr 11 launched?: March 4, 2020", "The Zephyr 11 went on sale on 4 March"],
)
def test_a_day_of_a_month_is_a_date_not_a_label(claim):
    # Were "March 4" a label, every sentence giving another day would be set aside, and a
    # check could no longer see that the sources give another date.
    pairs = analyse(claim).number_pairs
    assert all(all("march" not in pair for pair in options) for options in pairs)
    assert any(("zephyr", "11") in options for options in pairs)
