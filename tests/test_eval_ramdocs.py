"""The RAMDocs-style evaluation, on a tiny invented file (never text from the benchmark)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.app import FactCheck
from assistant.eval_ramdocs import (
    answer_matches,
    dates_in,
    evaluate_ramdocs,
    format_ramdocs,
    load_ramdocs,
    normalise,
    sample_items,
    score,
    write_corpus,
    wrong_shown_in,
)
from assistant.reasoning.answer_types import Answer, ShortAnswer
from assistant.settings import Settings
from tests.conftest import HashEmbeddings


def _doc(text: str, kind: str, answer: str) -> dict[str, str]:
    return {"text": text, "type": kind, "answer": answer}


# Invented questions and documents, written for these tests (no "id": the loader adds it).
ITEMS: list[dict[str, Any]] = [
    {
        # An ambiguous name: two people called Tovan Reske, each with a valid answer.
        "question": "Where was Tovan Reske born?",
        "documents": [
            _doc(
                "Tovan Reske, the painter of harbour scenes, was born in Kelmar and studied "
                "under the glaziers of the old quarter.",
                "correct",
                "Kelmar",
            ),
            _doc(
                "The track cyclist Tovan Reske was born in Ostrivel and won three national "
                "titles before turning twenty.",
                "correct",
                "Ostrivel",
            ),
            _doc(
                "Tovan Reske, the painter of harbour scenes, was born in Vannock and studied "
                "under the glaziers of the old quarter.",
                "misinfo",
                "Vannock",
            ),
            _doc(
                "Kelmar holds a small market every Thursday in the square by the clock tower.",
                "noise",
                "unknown",
            ),
        ],
        "disambig_entity": ["Tovan Reske (painter)", "Tovan Reske (cyclist)"],
        "gold_answers": ["Kelmar", "Ostrivel"],
        "wrong_answers": ["Vannock"],
    },
    {
        "question": "When did the Pellard Observatory open?",
        "documents": [
            _doc(
                "The Pellard Observatory opened on 9 October 2031 on the ridge above Sallow.",
                "correct",
                "October 9, 2031",
            ),
            _doc(
                "The Pellard Observatory opened on 2 March 2029 on the ridge above Sallow.",
                "misinfo",
                "March 2, 2029",
            ),
        ],
        "disambig_entity": ["Pellard Observatory"],
        "gold_answers": ["October 9, 2031"],
        "wrong_answers": ["March 2, 2029"],
    },
    {
        "question": "How many climbers reached the summit of Mount Arrow in 2030?",
        "documents": [
            _doc(
                "In 2030, 617 climbers reached the summit of Mount Arrow, a record.",
                "correct",
                "617 climbers",
            ),
            _doc(
                "Mount Arrow's lower huts were repainted green over the summer.",
                "noise",
                "unknown",
            ),
        ],
        "disambig_entity": ["Mount Arrow"],
        "gold_answers": ["617 climbers"],
        "wrong_answers": [],
    },
]


def _write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


@pytest.fixture
def ramdocs_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "tiny-ramdocs.jsonl", ITEMS)


@pytest.fixture
def make(fake_embeddings: HashEmbeddings):
    return lambda store: FactCheck(
        Settings(store=store, ingested_folders=store.parent / "x.json"),
        embeddings=fake_embeddings,
    )


def _answer(*texts: str, disagreement: bool = False, abstained: bool = False) -> Answer:
    return Answer(
        question="q",
        answer=" ".join(texts),
        abstained=abstained,
        mode="extractive",
        answers=[ShortAnswer(t, None, []) for t in texts],
        disagreement=disagreement,
    )


# --- matching ---------------------------------------------------------------------------


def test_normalise_drops_case_punctuation_and_articles():
    assert normalise("The  Old-Mill, an Inn!") == "old mill inn"
    assert normalise("A B.C. Rowe") == "bc rowe"
    assert normalise("7,204") == "7204"
    assert normalise("3.5 metres") == "3.5 metres"  # a decimal point is no separator


@pytest.mark.parametrize(
    ("shown", "gold"),
    [
        ("the Kelmar harbour", "Kelmar Harbour"),
        ("Kelmar harbour.", "The Kelmar, Harbour"),
        ("an Old-Mill Inn", "old mill inn"),
        ("October 9, 2031", "9 October 2031"),
        ("9 October 2031", "2031-10-09"),
        ("2031-10-09", "Oct. 9th, 2031"),
        ("It opened on the 9th of October, 2031, at noon.", "October 9, 2031"),
        ("9 October 2031", "October 2031"),
        ("617", "617 climbers"),
        ("about 617 of them", "617 climbers"),
        ("617 climbers", "617"),
        ("7204", "7,204"),
        ("7,204 visitors", "7204"),
    ],
)
def test_answer_matches(shown: str, gold: str):
    assert answer_matches(shown, gold)


@pytest.mark.parametrize(
    ("shown", "gold"),
    [
        ("617", "61"),  # whole tokens only
        ("6170 climbers", "617 climbers"),
        ("61", "617 climbers"),
        ("Kelmarsh", "Kelmar"),
        ("October 10, 2031", "October 9, 2031"),
        ("9 October 2030", "2031-10-09"),
        ("5", "5 million"),  # a magnitude is not a unit
        ("9", "9 October"),  # nor is a month
        ("35", "3.5"),
        ("", "Kelmar"),
    ],
)
def test_answer_does_not_match(shown: str, gold: str):
    assert not answer_matches(shown, gold)


def test_dates_in_finds_each_written_date_once():
    text = "From 9 October 2031 to Nov. 2nd, 2031, then 2032-01-05; not 31 Foo 2031."
    assert [iso for _, _, iso in dates_in(text)] == ["2031-10-09", "2031-11-02", "2032-01-05"]


def test_a_wrong_answer_inside_a_valid_one_is_not_shown_wrong():
    gold = ["Dark red", "Teal"]
    assert not wrong_shown_in(["Dark red"], ["Red"], gold)
    assert wrong_shown_in(["Red"], ["Red"], gold)
    assert not wrong_shown_in(["Teal"], ["Teal"], gold)  # both valid and claimed as wrong
    assert not wrong_shown_in(["Teal"], [], gold)


# --- loading, corpus, sampling ----------------------------------------------------------


def test_load_ramdocs_gives_line_indices_as_ids(tmp_path: Path):
    items = [dict(ITEMS[0]), {**ITEMS[1], "id": 41}, dict(ITEMS[2])]
    path = tmp_path / "f.jsonl"
    path.write_text(
        json.dumps(items[0]) + "\n\n" + json.dumps(items[1]) + "\n" + json.dumps(items[2]) + "\n",
        encoding="utf-8",
    )
    assert [i["id"] for i in load_ramdocs(path)] == [0, 41, 3]


def test_write_corpus_one_neutral_file_per_document(tmp_path: Path, ramdocs_file: Path):
    items = load_ramdocs(ramdocs_file)
    corpus = write_corpus(tmp_path / "articles", items)
    files = sorted(p.name for p in corpus.folder.iterdir())
    assert files == sorted(corpus.kind_of)
    assert all(re.fullmatch(r"d\d{5}\.txt", name) for name in files)
    expected = sorted(
        (item["id"], doc["type"], doc["text"] + "\n") for item in items for doc in item["documents"]
    )
    written = sorted(
        (*corpus.kind_of[name], (corpus.folder / name).read_text(encoding="utf-8"))
        for name in files
    )
    assert written == expected
    for name in files:  # nothing in a file tells which type of document it is
        text = (corpus.folder / name).read_text(encoding="utf-8").lower()
        assert not any(k in text for k in ("correct", "misinfo", "noise"))


def test_sample_spreads_evenly_over_the_file():
    items = [{"id": i} for i in range(250)]
    assert [i["id"] for i in sample_items(items, 10)] == list(range(0, 250, 25))
    assert [i["id"] for i in sample_items(items, 3)] == [0, 83, 166]
    assert sample_items(items, 3) == sample_items(items, 3)  # deterministic
    assert sample_items(items, None) == items
    assert sample_items(items, 999) == items
    with pytest.raises(ValueError):
        sample_items(items, 0)


# --- scoring ----------------------------------------------------------------------------


def _item(n: int) -> dict[str, Any]:
    return {**ITEMS[n], "id": n}


def test_score_needs_every_gold_answer_for_gold_all():
    r = score(_item(0), _answer("Kelmar"))
    assert r.gold_any and not r.gold_all and not r.exact and not r.honest
    r = score(_item(0), _answer("Kelmar", "Ostrivel"))
    assert r.gold_all and r.exact and r.honest and not r.wrong_shown and not r.flagged


def test_score_wrong_answer_flagged_is_honest_but_not_exact():
    r = score(_item(0), _answer("Kelmar", "Ostrivel", "Vannock", disagreement=True))
    assert r.gold_all and r.wrong_shown and r.flagged
    assert not r.exact and r.honest
    r = score(_item(0), _answer("Kelmar", "Ostrivel", "Vannock", disagreement=False))
    assert r.wrong_shown and not r.flagged and not r.exact and not r.honest


def test_score_reads_dates_and_counts_in_other_forms():
    r = score(_item(1), _answer("9 October 2031"))
    assert r.gold_all and r.exact
    r = score(_item(1), _answer("2 March 2029"))
    assert not r.gold_any and r.wrong_shown and not r.honest
    r = score(_item(2), _answer("617"))
    assert r.gold_all and r.exact and r.honest


def test_score_an_abstention_gets_nothing():
    r = score(_item(2), _answer(abstained=True))
    assert r.abstained and r.answers == []
    assert not r.gold_any and not r.gold_all and not r.exact and not r.honest


# --- end to end -------------------------------------------------------------------------


def test_evaluate_ramdocs_end_to_end(ramdocs_file: Path, tmp_path: Path, make):
    report = evaluate_ramdocs(ramdocs_file, make=make, workdir=tmp_path / "work")
    assert report.questions == 3
    assert [r.id for r in report.results] == [0, 1, 2]
    # One store for all: every document of every question was written and ingested.
    articles = list((tmp_path / "work" / "all" / "articles").glob("d*.txt"))
    assert len(articles) == sum(len(i["documents"]) for i in ITEMS)
    data = report.to_json()
    for key in ("gold_all", "gold_any", "wrong_shown", "flagged", "exact", "honest", "abstained"):
        assert data[key] is not None and 0.0 <= data[key] <= 1.0, key
        assert data[key] == sum(bool(r[key]) for r in data["results"]) / 3, key
    for r in report.results:
        assert r.exact == (r.gold_all and not r.wrong_shown)
        assert r.honest == (r.gold_all and (not r.wrong_shown or r.disagreement))
        assert r.flagged == (r.wrong_shown and r.disagreement)
        assert r.seconds >= 0
    # Every question's answer is in the store: it answers, from verified quotes.
    assert not all(r.abstained for r in report.results)
    # The plain case: one document gives the count, nothing contradicts it.
    assert report.results[2].gold_all and report.results[2].exact
    assert report.verbatim_rate == 1.0
    assert report.mean_ask_seconds is not None

    text = format_ramdocs(report)
    assert "ramdocs honest:" in text and "ramdocs exact:" in text
    assert "Where was Tovan Reske born?" not in text
    verbose = format_ramdocs(report, verbose=True)
    lines = verbose.splitlines()
    assert len(lines) == len(text.splitlines()) + 3
    for r, line in zip(report.results, lines, strict=False):
        assert line.startswith("ok " if r.honest else "BAD")
    assert "Where was Tovan Reske born?" in verbose


def test_evaluate_ramdocs_sample_holds_only_the_sampled_documents(tmp_path: Path, make):
    # Six questions (the three, twice over with new ids): a sample of 2 takes lines 0 and 3.
    path = _write(tmp_path / "six.jsonl", ITEMS + ITEMS)
    report = evaluate_ramdocs(path, sample=2, make=make, workdir=tmp_path / "work")
    assert [r.id for r in report.results] == [0, 3]
    assert report.questions == 2
    articles = sorted((tmp_path / "work" / "sample-2" / "articles").glob("d*.txt"))
    assert len(articles) == 2 * len(ITEMS[0]["documents"])  # lines 0 and 3: the first item
    assert not (tmp_path / "work" / "all").exists()
