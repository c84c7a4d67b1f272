"""More answer kinds (issue 22, "more answer types"): times, money, shares, causes, and
questions about the sources themselves.

Built on the generated pile of ``tests/sides.py`` (figures read from its ``TRUTH``) and
on small invented sentences and articles of this file's own. Every cited quote is
checked against its file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import FactCheck
from assistant.language import minute_of_day
from assistant.reasoning.about_sources import about_sources
from assistant.reasoning.causes import cause_span, same_cause
from assistant.reasoning.kinds import is_fraction, refine_entities
from assistant.reasoning.nlp import parse_many
from assistant.reasoning.question import SHARE_LABELS, analyse
from tests import sides
from tests.conftest import own_settings
from tests.invented import assert_cited_verbatim, ingested

# -- question analysis ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["When did the ferry sink?", "What time did the ferry sink?", "At what time did it dock?"],
)
def test_when_and_what_time_questions_take_a_time_of_day(question: str) -> None:
    assert "TIME" in analyse(question).labels


def test_what_time_wants_a_time_not_a_day() -> None:
    assert analyse("What time did the ferry sink?").labels == {"TIME"}


@pytest.mark.parametrize(
    "question",
    [
        "Why did the bridge collapse?",
        "What caused the blackout?",
        "What started the fire at the mill?",
        "How did the fire at the mill start?",
        "What was the cause of the derailment?",
        "What was the likely cause of the crash?",
    ],
)
def test_cause_questions_are_cause_questions(question: str) -> None:
    assert analyse(question).type == "cause"


@pytest.mark.parametrize(
    "question",
    [
        "What share of the harvest was lost?",
        "What percentage of voters turned out?",
        "How much of the forest burned?",
        "What proportion of the staff went on strike?",
    ],
)
def test_share_questions_want_a_percentage_or_a_fraction(question: str) -> None:
    qa = analyse(question)
    assert qa.type == "figure" and qa.labels == SHARE_LABELS and "MONEY" not in qa.labels


@pytest.mark.parametrize(
    ("written", "share"),
    [("about a third", True), ("two-thirds", True), ("one in five", True), ("23", False)],
)
def test_a_fraction_in_words_is_a_share_and_a_count_is_not(written: str, share: bool) -> None:
    assert is_fraction(written) is share


def test_how_much_money_stays_money() -> None:
    assert analyse("How much did the council spend on roads?").labels == {"MONEY"}


# -- times, money, shares in invented sentences -------------------------------------------


@pytest.mark.parametrize(
    ("written", "minute"),
    [
        ("about 2:40 a.m.", 160),
        ("shortly after 3 a.m.", 180),
        ("at noon", 720),
        ("14:30", 870),
        ("at 9pm", 1260),
        ("around midnight", 0),
        ("10.15 p.m.", 1335),
    ],
)
def test_times_of_day_are_read_to_the_minute(written: str, minute: int) -> None:
    assert minute_of_day(written) == minute


def test_no_time_of_day_in_a_count_or_a_date() -> None:
    assert minute_of_day("12 people on 3 May") is None


def _refined(sentence: str) -> list[tuple[str, str]]:
    parsed = parse_many([sentence])[0]
    return [(e.text, e.label) for e in refine_entities(sentence, parsed.entities)]


def test_money_keeps_its_currency_sign() -> None:
    got = _refined("The school roof appeal has raised £18,500 so far, its treasurer said.")
    assert ("£18,500", "MONEY") in got


def test_two_sums_tagged_as_one_are_two_each_with_its_currency() -> None:
    got = _refined("The ferry line paid $4.1 million and €2m in fines last year.")
    texts = [t for t, label in got if label == "MONEY"]
    assert "$4.1 million" in texts and "€2m" in texts


def test_per_cent_after_a_number_makes_a_share() -> None:
    got = _refined("About 35 per cent of the vineyard was lost to hail, growers said.")
    assert ("About 35 per cent", "PERCENT") in got


# -- causes in invented sentences --------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "cause"),
    [
        ("The blackout was caused by a squirrel in the substation, the utility said.", "squirrel"),
        ("Inspectors said a loose cable set the stage curtains alight.", "loose cable"),
        ("The derailment was blamed on a cracked rail near Osterby.", "cracked rail"),
        ("The match was called off due to a waterlogged pitch.", "waterlogged pitch"),
        ("Flights from Valmore were grounded because of volcanic ash.", "volcanic ash"),
        ("The fire started when a candle tipped onto a sofa.", "candle tipped"),
        ("The blaze began after a chip pan ignited in the kitchen.", "chip pan"),
        ("A spark from a welding torch ignited the sawdust.", "welding torch"),
        ("Police are examining a faulty boiler as the likely cause.", "faulty boiler"),
    ],
)
def test_a_cause_is_found_in_each_shape_news_writes_it(sentence: str, cause: str) -> None:
    span = cause_span(sentence)
    assert span is not None, sentence
    assert cause in sentence[span[0] : span[1]]


@pytest.mark.parametrize(
    "sentence",
    [
        "The fire broke out at about 2:40 a.m. on Tuesday.",
        "The bridge reopened on Monday after repairs.",
        "Six people were taken to hospital, police said.",
    ],
)
def test_a_sentence_that_states_no_cause_gives_none(sentence: str) -> None:
    assert cause_span(sentence) is None


def test_one_cause_in_other_words_is_one_cause() -> None:
    assert same_cause("a faulty boiler in the basement", "a faulty boiler")
    assert not same_cause("a faulty boiler", "an arson attack")


# -- questions about the sources ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "inner"),
    [
        ("Do the sources disagree on the death toll?", "What is the death toll?"),
        ("Do the reports agree about the cause of the blaze?", "What is the cause of the blaze?"),
        ("Is there any disagreement about the number of injured?", None),
        ("Who disputes the death toll?", "What is the death toll?"),
        ("Do the sources differ on when the ferry sank?", "When the ferry sank?"),
    ],
)
def test_a_question_about_the_sources_becomes_the_question_about_its_topic(
    question: str, inner: str | None
) -> None:
    about = about_sources(question)
    assert about is not None
    if inner is not None:
        assert about.question == inner


def test_an_ordinary_question_is_not_about_the_sources() -> None:
    assert about_sources("How many people died in the fire?") is None
    assert about_sources("Who said the toll was six?") is None


# -- the sides pile ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> tuple[FactCheck, Path]:
    base = tmp_path_factory.mktemp("kinds")
    folder = sides.write(base / "pile")
    fc = FactCheck(own_settings(base).model_copy(update={"corpus": folder}))
    fc.ingest([folder])
    return fc, folder


def test_when_did_the_fire_start_is_answered_with_the_time(pile) -> None:
    fc, folder = pile
    result = fc.ask("When did the fire start?", mode="extractive")
    assert not result.abstained
    assert result.answers[0].text == sides.TRUTH["start"]["most"][0]
    assert result.answers[0].citations
    assert_cited_verbatim(result, folder)


def test_what_time_did_the_fire_start_is_answered_with_the_time(pile) -> None:
    fc, folder = pile
    result = fc.ask("What time did the fire start?", mode="extractive")
    assert result.answers and result.answers[0].text == sides.TRUTH["start"]["most"][0]
    assert_cited_verbatim(result, folder)


def test_money_is_shown_with_its_currency_and_every_sum_is_a_side(pile) -> None:
    fc, folder = pile
    result = fc.ask("How much has the appeal fund raised?", mode="extractive")
    shown = [a.text for a in result.answers]
    for (figure,) in sides.TRUTH["fund"].values():
        assert any(figure in s for s in shown), (figure, shown)
    assert result.disagreement
    assert_cited_verbatim(result, folder)


def test_a_share_question_is_answered_with_a_percentage(pile) -> None:
    fc, folder = pile
    result = fc.ask("What share of the plant was destroyed?", mode="extractive")
    assert not result.abstained
    assert any("%" in a.text or "per cent" in a.text for a in result.answers)
    assert_cited_verbatim(result, folder)


def test_what_caused_the_fire_names_the_cause_with_its_citation(pile) -> None:
    fc, folder = pile
    for question in ("What caused the fire?", "Why did the fire start?", "How did the fire start?"):
        result = fc.ask(question, mode="extractive")
        (cause,) = sides.TRUTH["cause"]["fire service"]
        assert result.answers and cause in result.answers[0].text, (question, result.answer)
        assert result.answers[0].citations
        assert_cited_verbatim(result, folder)


def test_do_the_sources_disagree_says_yes_and_cites_every_side(pile) -> None:
    fc, folder = pile
    for question in (
        "Is there disagreement about the number of injured?",
        "Do the sources disagree on the number of people injured?",
    ):
        result = fc.ask(question, mode="extractive")
        assert result.answer.startswith("Yes, the sources disagree: "), result.answer
        assert result.disagreement and result.question == question
        shown = [a.text for a in result.answers]
        for (figure,) in sides.TRUTH["injured"].values():
            assert figure in shown, (figure, shown)
        assert all(a.citations for a in result.answers)
        assert_cited_verbatim(result, folder)


def test_a_question_about_the_sources_keeps_the_json_shape(pile) -> None:
    fc, _folder = pile
    plain = fc.ask("How much has the appeal fund raised?", mode="extractive").to_json()
    about = fc.ask(
        "Do the sources disagree on how much the appeal fund has raised?", mode="extractive"
    ).to_json()
    assert list(about) == list(plain)
    assert about["disagreement"] is True and about["answer"].startswith("Yes, the sources")


def test_a_question_about_the_sources_on_nothing_they_cover_abstains(pile) -> None:
    fc, _folder = pile
    result = fc.ask("Do the sources agree on the price of the new stadium?", mode="extractive")
    assert result.abstained and result.answer == "The articles do not say."


# -- invented articles: two causes, two times ------------------------------------------

ARTICLES = {
    "vale-gazette.txt": (
        "Warehouse fire in Brindle Vale\n\n"
        "A fire destroyed a furniture warehouse in Brindle Vale on Friday. "
        "The warehouse fire was caused by an overheated forklift charger, the fire brigade said. "
        "The warehouse fire started at 11:20 p.m., the brigade said.\n"
    ),
    "vale-echo.txt": (
        "Arson suspected in Brindle Vale warehouse fire\n\n"
        "The owner of the furniture warehouse said the warehouse fire was caused by arsonists "
        "who broke in through a loading door. "
        "Neighbours said the warehouse fire started shortly before 1 a.m.\n"
    ),
}


@pytest.fixture(scope="module")
def vale(tmp_path_factory: pytest.TempPathFactory) -> tuple[FactCheck, Path]:
    base = tmp_path_factory.mktemp("vale")
    return ingested(base, ARTICLES), base / "articles"


def test_two_causes_from_two_sources_are_two_sides_and_a_disagreement(vale) -> None:
    fc, folder = vale
    result = fc.ask("What caused the warehouse fire?", mode="extractive")
    shown = " | ".join(a.text for a in result.answers)
    assert "forklift charger" in shown and "arsonists" in shown, result.answer
    assert result.disagreement and result.answer.startswith("The sources disagree: ")
    assert all(a.citations for a in result.answers)
    assert_cited_verbatim(result, folder)


def test_two_times_from_two_sources_are_two_sides(vale) -> None:
    fc, folder = vale
    result = fc.ask("When did the warehouse fire start?", mode="extractive")
    shown = " | ".join(a.text for a in result.answers)
    assert "11:20 p.m." in shown and "1 a.m." in shown, result.answer
    assert result.disagreement
    assert_cited_verbatim(result, folder)


def test_do_the_sources_agree_on_the_cause_says_they_do_not(vale) -> None:
    fc, folder = vale
    result = fc.ask("Do the sources agree on the cause of the warehouse fire?", mode="extractive")
    assert result.answer.startswith("No, the sources disagree: "), result.answer
    assert result.disagreement
    assert_cited_verbatim(result, folder)


HARBOUR = {
    "quay-news.txt": (
        "Ferry back in Olmsby\n\n"
        "The storm-delayed ferry Marten docked in Olmsby harbour at 6:15 a.m. on Sunday, "
        "the harbour master said.\n"
    ),
    "quay-post.txt": (
        "Passengers home at last\n\n"
        "Relieved passengers stepped ashore after the ferry Marten docked in Olmsby harbour "
        "at 6:15 a.m., the operator said.\n"
    ),
}


def test_do_the_sources_agree_says_yes_when_every_file_gives_one_answer(tmp_path: Path) -> None:
    fc = ingested(tmp_path, HARBOUR)
    result = fc.ask(
        "Do the sources agree on when the ferry Marten docked in Olmsby harbour?",
        mode="extractive",
    )
    assert result.answer.startswith("Yes, the sources that give it agree: "), result.answer
    assert not result.disagreement
    assert {c.source for c in result.citations} == set(HARBOUR)
    assert_cited_verbatim(result, tmp_path / "articles")
