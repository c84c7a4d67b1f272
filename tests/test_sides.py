"""Every side, whatever the wording (issue 22, scope 3).

On the generated pile of ``tests/sides.py`` (five outlets, three death tolls, two injury
counts) every paraphrase of a question about a count shows every figure the sources
give, each cited, and says that they disagree; ``check`` of a figure some sources give
and others contradict is ``conflicting`` with both sides cited. Small invented articles
hold the shapes that must not be sides: the date of a statement about an event is not
the date of the event, and "several" is no matching figure for an exact one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.app import FactCheck
from tests.conftest import own_settings
from tests.invented import assert_cited_verbatim, ingested
from tests.sides import TRUTH, write

PARAPHRASES = {
    "deaths": (
        "How many people died in the fire?",
        "What is the death toll?",
        "How many were killed in the blaze?",
    ),
    "injured": (
        "How many people were injured in the fire?",
        "How many people were hurt?",
        "How many people were wounded in the fire?",
    ),
}


@pytest.fixture(scope="module")
def sides_fc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FactCheck]:
    """The pile of tests/sides.py ingested once."""
    base = tmp_path_factory.mktemp("sides")
    folder = write(base / "pile")
    fc = FactCheck(own_settings(base).model_copy(update={"corpus": folder}))
    fc.ingest([folder])
    yield fc


def _side_of(text: str, what: str) -> str | None:
    """Whose figure (a key of TRUTH[what]) a short answer is, written in any of its forms."""
    low = text.lower()
    for who, forms in TRUTH[what].items():
        if any(low == f.lower() for f in forms):
            return who
    return None


@pytest.mark.parametrize(
    ("what", "question"), [(what, q) for what, qs in PARAPHRASES.items() for q in qs]
)
def test_every_side_of_a_count_is_shown_whatever_the_wording(sides_fc, what, question):
    answer = sides_fc.ask(question, "extractive")
    shown = {_side_of(a.text, what) for a in answer.answers}
    assert shown >= set(TRUTH[what]), answer.answer
    assert answer.disagreement, answer.answer
    assert answer.answer.startswith("The sources disagree")
    by_id = {c.id: c for c in answer.citations}
    for a in answer.answers:
        who = _side_of(a.text, what)
        if who is None:
            continue
        # Each side is cited on a sentence that writes its figure.
        assert a.citations, a
        quotes = [by_id[i].quote.lower() for i in a.citations]
        assert any(f.lower() in q for q in quotes for f in TRUTH[what][who]), (a, quotes)
    assert_cited_verbatim(answer, sides_fc.settings.corpus)


def test_a_claim_some_sources_contradict_is_conflicting_with_both_sides_cited(sides_fc):
    deaths = TRUTH["deaths"]
    police = deaths["police"][1]  # as a word, the way a claim opens
    result = sides_fc.check(f"{police.capitalize()} people died in the fire", "extractive")
    assert result.verdict == "conflicting", result.explanation
    quotes = " ".join(c.quote.lower() for c in result.citations)
    for who, forms in deaths.items():
        assert any(f.lower() in quotes for f in forms), (who, result.explanation)
    assert_cited_verbatim(result, sides_fc.settings.corpus)


# -- small invented articles ---------------------------------------------------------------

_CRANE = {
    "crane.txt": (
        "Crane collapse at Ostmark docks\n\n"
        "Seven dockers were hurt, several of them badly, when a crane collapsed at the "
        "Ostmark docks on Friday, the harbour master said.\n"
    ),
}


def test_a_vague_word_is_no_matching_figure_for_an_exact_one(tmp_path):
    fc = ingested(tmp_path, _CRANE)
    result = fc.check("Three dockers were hurt in the Ostmark crane collapse.", "extractive")
    assert result.verdict != "supported", result.explanation
    assert "matching figure (several)" not in result.explanation.lower()
    assert_cited_verbatim(result, fc.settings.corpus)


_MILL = {
    "mill-gazette.txt": (
        "Flour mill fire in Brenholt\n\n"
        "Fire broke out at the Harrow flour mill in Brenholt on 14 March, firefighters said. "
        "Nobody was hurt.\n"
    ),
    "mill-post.txt": (
        "Owners thank Brenholt firefighters\n\n"
        "In a statement on 21 March, the owners of the Harrow flour mill thanked the "
        "firefighters who fought the fire.\n"
    ),
}


def test_the_date_of_a_statement_about_an_event_is_no_rival_date_of_it(tmp_path):
    fc = ingested(tmp_path, _MILL)
    # Asked about the statement itself, its date is the answer.
    asked = fc.ask("When did the owners of the Harrow flour mill make their statement?")
    assert asked.answers and "21 March" in asked.answers[0].text, asked.answer
    answer = fc.ask("When did the fire at the Harrow flour mill break out?", "extractive")
    assert not answer.disagreement, answer.answer
    assert answer.answers and "14 March" in answer.answers[0].text, answer.answer
    assert all("21" not in a.text for a in answer.answers), answer.answer
    assert_cited_verbatim(answer, fc.settings.corpus)


_QUARRY = {
    "quarry-a.txt": (
        "Quarry blast in Lenvik\n\n"
        "Four workers died in a blast at the Lenvik quarry on Monday, police said.\n"
    ),
    "quarry-b.txt": (
        "Lenvik quarry explosion\n\n"
        "The explosion at the quarry in Lenvik killed seven workers, according to their "
        "union, which blamed old detonators.\n"
    ),
}


def test_a_rival_count_worded_otherwise_is_a_side(tmp_path):
    # One report says "died in a blast", the other "explosion ... killed": a question in
    # either wording shows both counts.
    fc = ingested(tmp_path, _QUARRY)
    for question in (
        "How many workers died in the Lenvik quarry blast?",
        "How many were killed in the explosion at the Lenvik quarry?",
    ):
        answer = fc.ask(question, "extractive")
        figures = {a.text.lower() for a in answer.answers}
        assert {"four", "seven"} <= figures, answer.answer
        assert answer.disagreement, answer.answer
        assert_cited_verbatim(answer, fc.settings.corpus)


def test_a_single_count_is_no_disagreement(tmp_path):
    fc = ingested(tmp_path, {"quarry-a.txt": _QUARRY["quarry-a.txt"]})
    answer = fc.ask("How many workers died in the Lenvik quarry blast?", "extractive")
    assert not answer.disagreement, answer.answer
    assert [a.text.lower() for a in answer.answers] == ["four"], answer.answer


_OUTLETS = ("harbour police", "coastguard", "ferry company", "port authority", "mayor",
            "seamen's union", "regional governor", "rescue service")  # fmt: skip


def test_past_the_limit_the_answer_counts_the_sides_not_shown(tmp_path):
    # Eight sources, eight tolls: six are listed, each cited, and the rest are counted.
    from assistant.reasoning.shortanswer import MAX_RIVALS

    articles = {
        f"ferry-{n}.txt": (
            f"Ferry sinks off Karsby\n\n{n} passengers died when the ferry sank off Karsby "
            f"on Sunday, the {who} said.\n"
        )
        for n, who in zip(range(3, 3 + len(_OUTLETS)), _OUTLETS, strict=True)
    }
    fc = ingested(tmp_path, articles)
    answer = fc.ask("How many passengers died when the ferry sank off Karsby?", "extractive")
    assert answer.disagreement, answer.answer
    assert len(answer.answers) == MAX_RIVALS + 1, answer.answer
    rest = len(_OUTLETS) - len(answer.answers)
    assert f"and {rest} more not shown" in answer.answer, answer.answer
    assert_cited_verbatim(answer, fc.settings.corpus)


# -- every side of any measure: sums, shares, durations, clock times ---------------------

MEASURES = {
    "fund": (
        "How much has the appeal fund raised?",
        "How much money has the appeal raised?",
        "How much has been raised for the families?",
    ),
    "destroyed": (
        "How much of the plant was destroyed?",
        "What percentage of the plant was destroyed?",
        "What proportion of the plant was destroyed?",
    ),
    "control": (
        "How long did it take to bring the fire under control?",
        "How long did the fire burn?",
        "How long did firefighters take to control the fire?",
    ),
    "start": (
        "When did the fire start?",
        "What time did the fire start?",
        "At what time did the fire start?",
    ),
}


def _measure_side(text: str, what: str) -> str | None:
    """Whose figure a short answer is, its hedge or unit written or not ("About 70%")."""
    low = text.lower()
    for who, forms in TRUTH[what].items():
        if any(f.lower() in low or low in f.lower() for f in forms):
            return who
    return None


@pytest.mark.parametrize(
    ("what", "question"), [(what, q) for what, qs in MEASURES.items() for q in qs]
)
def test_every_side_of_a_sum_share_duration_or_time_is_shown(sides_fc, what, question):
    answer = sides_fc.ask(question, "extractive")
    shown = {_measure_side(a.text, what) for a in answer.answers}
    assert shown >= set(TRUTH[what]), answer.answer
    assert answer.disagreement, answer.answer
    assert_cited_verbatim(answer, sides_fc.settings.corpus)


FERRY = {
    "coastguard.txt": "Ferry freed\n\n"
    "The crew worked for six hours to free the Marla ferry, the coastguard said.\n",
    "harbour.txt": "Ferry aground\n\n"
    "Six passengers were hurt when the Marla ferry ran aground, the harbour office said.\n",
    "rescue.txt": "Rescue\n\n"
    "Rescuers said it took eight hours to free the Marla ferry from the sandbank.\n",
}


def test_a_duration_and_a_count_of_one_number_are_not_one_answer(tmp_path):
    fc = ingested(tmp_path, FERRY)
    answer = fc.ask("How long did it take to free the Marla ferry?", "extractive")
    texts = [a.text.lower() for a in answer.answers]
    assert any("six hours" in t for t in texts) and any("eight hours" in t for t in texts)
    assert "six" not in texts, texts  # the six passengers are no duration
    assert answer.disagreement, answer.answer
    assert_cited_verbatim(answer, fc.settings.corpus)


DEPOT = {
    "warden.txt": "Depot fire\n\n"
    "The fire at the Kessel depot started at about 4:15 a.m., the warden said.\n",
    "neighbour.txt": "Night of smoke\n\n"
    "The blaze at the Kessel depot began shortly after 5 a.m., a neighbour told reporters.\n",
    "council.txt": "Council statement\n\n"
    "In a statement on Friday, the council thanked the crews at the Kessel depot.\n",
}


def test_a_clock_time_said_in_other_words_is_a_side(tmp_path):
    fc = ingested(tmp_path, DEPOT)
    answer = fc.ask("When did the fire at the Kessel depot start?", "extractive")
    texts = " ".join(a.text.lower() for a in answer.answers)
    assert "4:15" in texts and "5 a.m." in texts, answer.answer
    assert answer.disagreement, answer.answer


# -- the same measure of the same event, however far the sentence's other words ----------

QUARRY = {
    "gazette.txt": "Quarry flood\n\n"
    "About 40 per cent of the quarry floor was flooded after the dam gave way, the "
    "operator said.\n",
    "bulletin.txt": "Storm damage\n\n"
    "Heavy rain swept the valley overnight, and 55% of the Brenn quarry was flooded, "
    "a council engineer told the parish meeting on Monday evening.\n",
}


def test_a_share_of_the_same_event_in_a_far_sentence_is_a_side(tmp_path):
    # The second sentence is mostly about the storm and the meeting: too far in meaning
    # to answer alone, but its share measures what the answer's does (what was flooded).
    fc = ingested(tmp_path, QUARRY)
    answer = fc.ask("What share of the quarry floor was flooded?", "extractive")
    texts = " ".join(a.text.lower() for a in answer.answers)
    assert "40 per cent" in texts and "55%" in texts, answer.answer
    assert answer.disagreement, answer.answer
    assert_cited_verbatim(answer, fc.settings.corpus)


def test_a_question_about_one_statement_takes_no_far_side_of_the_same_measure(tmp_path):
    # "did the operator say": the operator's figure; the engineer's, in a sentence far
    # from the question, answers another question (what the engineer said).
    fc = ingested(tmp_path, QUARRY)
    answer = fc.ask(
        "What share of the quarry floor did the operator say was flooded?", "extractive"
    )
    texts = " ".join(a.text.lower() for a in answer.answers)
    assert "40 per cent" in texts and "55%" not in texts, answer.answer
    assert not answer.disagreement, answer.answer


def test_a_share_of_another_event_is_no_side(tmp_path):
    fc = ingested(
        tmp_path,
        {
            **QUARRY,
            "bulletin.txt": "Storm damage\n\n"
            "Heavy rain swept the valley overnight, and 55% of the Brenn quarry's staff "
            "were sent home, a council engineer told the parish meeting on Monday.\n",
        },
    )
    answer = fc.ask("What share of the quarry floor was flooded?", "extractive")
    texts = " ".join(a.text.lower() for a in answer.answers)
    assert "40 per cent" in texts and "55%" not in texts, answer.answer
    assert not answer.disagreement, answer.answer


# -- known gaps, kept visible: each passes the day its mechanism exists -------------------

STAFF = (
    pytest.param("How many people are employed at the plant?"),
    pytest.param(
        "How many people work at the plant?",
        marks=pytest.mark.xfail(
            strict=True,
            reason="the company's figure sits in a relative clause of a sentence about "
            "something else; its embedding similarity to the question is too low to be a side",
        ),
    ),
    pytest.param(
        "How many staff does the plant employ?",
        marks=pytest.mark.xfail(
            strict=True, reason="no sentence is relevant enough to answer: it abstains"
        ),
    ),
)


@pytest.mark.parametrize("question", STAFF)
def test_every_side_of_the_staff_number_is_shown(sides_fc, question):
    answer = sides_fc.ask(question, "extractive")
    shown = {_measure_side(a.text, "employees") for a in answer.answers}
    assert shown >= set(TRUTH["employees"]), answer.answer
    assert answer.disagreement, answer.answer
    assert_cited_verbatim(answer, sides_fc.settings.corpus)


@pytest.mark.xfail(
    strict=True,
    reason="the union's cause is said in words far from the question's (a heater set "
    "packaging alight); no mechanism yet reads it as a cause of the fire",
)
def test_every_side_of_the_cause_is_shown(sides_fc):
    answer = sides_fc.ask("What caused the fire?", "extractive")
    texts = " ".join(a.text.lower() for a in answer.answers)
    for forms in TRUTH["cause"].values():
        assert any(f in texts for f in forms), answer.answer
