"""Shared knowledge of English (assistant/language.py), tested through the stages that read it."""

from __future__ import annotations

import re

import pytest

from assistant.language import (
    MONTH_WORD,
    NUMBER_WORDS,
    ORDINAL_SUFFIX,
    ORDINAL_SUFFIXES,
    PERSON_NOUNS,
    QUANTIFIERS,
    SCALES,
    TIME_UNIT,
    WEEKDAY,
    YEAR,
    month_number,
    phrases,
    years_in,
)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("On May 4 the bridge opened.", 5),
        ("Filed Feb. 7 in Dayton.", 2),
        ("SEPT 3 was the deadline.", 9),
        ("the 12 December meeting", 12),
        ("It may rain in Dayton.", None),  # the modal, not the month
        ("The market decided to wait.", None),  # "mar..." and "dec..." inside words
        ("Augusta is a city.", None),
    ],
)
def test_a_month_is_a_whole_capitalised_word(text: str, month: int | None) -> None:
    found = MONTH_WORD.search(text)
    assert (month_number(found.group(1)) if found else None) == month


def test_years_are_whole_numbers_from_1800_to_2099() -> None:
    assert years_in("Built in 1886, rebuilt in 2019 for 4,208 residents.") == {"1886", "2019"}
    assert years_in("Flight 17995 landed; 1799 or 2100 are out of range.") == set()
    assert YEAR.fullmatch("2031") and not YEAR.fullmatch("20310")


def test_a_count_may_follow_a_weekday_but_not_a_name() -> None:
    from assistant.reasoning.figures import figures

    assert [f.low for f in figures("By Thursday 31 lanterns were lit.")] == [31]
    assert figures("The Lantern 31 ferry left at dawn.") == []
    assert WEEKDAY.search("The fair reopens on Saturday.")
    assert not WEEKDAY.search("A sunday-school picnic.")  # lower case: not the weekday


def test_an_article_opens_a_source_but_does_not_name_it() -> None:
    from assistant.reasoning.attribution import find_attributions
    from assistant.reasoning.claims import source_key

    assert source_key("The Lakeside Water Board") == source_key("Lakeside Water Board")
    said = find_attributions("the harbour pilots said the channel was clear.")
    assert [a.who for a in said] == ["the harbour pilots"]


def test_number_words_and_scales_read_as_numbers() -> None:
    from assistant.index.terms import terms

    assert terms("forty-seven kites") == terms("47 kites")
    assert terms("two hundred and six gulls") == terms("206 gulls")
    assert NUMBER_WORDS["seventeen"] == 17 and SCALES["dozen"] == 12


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("more than 40 ponies", 40, None),
        ("up to 40 ponies", None, 40),
        ("roughly 40 ponies", 40, 40),
        ("between 40 and 45 ponies", 40, 45),
        ("several  dozen ponies", 24, 99),  # any spacing inside a vague quantity
        ("thousands of ponies", 2000, None),
    ],
)
def test_hedges_and_vague_quantities_bound_a_figure(text: str, low: float, high: float) -> None:
    from assistant.reasoning.figures import figures

    (figure,) = figures(f"The breeders counted {text} at the fair.")
    assert (figure.low, figure.high) == (low, high)


def test_phrases_tries_the_longer_phrase_first() -> None:
    found = re.search(rf"\b(?:{phrases(['several', 'several dozen'])})\b", "several dozen")
    assert found and found.group(0) == "several dozen"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nineteen", 19),
        ("ninety gliders", 90),
        ("3 dozen", 36),
        ("$4.5 billion", 4.5e9),
        ("dozens", 24),  # the least that "dozens" can mean
        ("several kites", None),
    ],
)
def test_a_short_answer_reads_number_words_and_scales(text: str, value: float | None) -> None:
    from assistant.reasoning.shortanswer import figure_value

    assert figure_value(text) == value


@pytest.mark.parametrize("ordinal", ["second", "Ninth", "twelfth"])
def test_a_name_with_an_ordinal_is_an_edition(ordinal: str) -> None:
    from assistant.reasoning.nlp import Entity
    from assistant.reasoning.slots import claim_slots

    name = f"the {ordinal} Lakeview Kite Festival"
    claim = f"Ada Brook won {name}."
    start = claim.index(name)
    tagged = Entity(start, start + len(name), name, "ORG")
    (slot,) = [s for s in claim_slots(claim, [tagged], frozenset()) if s.text == name]
    assert slot.label == "EVENT"


def test_a_number_before_a_unit_of_time_counts_no_one() -> None:
    from assistant.reasoning.claims import has_figure

    assert has_figure("The storm killed 40 sheep on the moor.")
    assert not has_figure("Storms have killed sheep on the moor for two centuries.")
    assert not has_figure("The storm killed sheep for nine days.")
    assert re.fullmatch(TIME_UNIT, "century") and not re.fullmatch(TIME_UNIT, "centurion")


def test_a_speech_verb_names_its_speaker() -> None:
    from assistant.reasoning.attribution import find_attributions

    (said,) = find_attributions("The lighthouse keeper announced that the lamp was fixed.")
    assert (said.who, said.verb) == ("The lighthouse keeper", "announced")
    assert find_attributions("The lighthouse keeper painted the door.") == []


def test_a_declaring_verb_makes_a_speaker_only_before_a_statement() -> None:
    from assistant.reasoning.attribution import find_attributions
    from assistant.reasoning.speakers import speaks

    def speakers(sentence: str) -> list[str]:
        return [a.who for a in find_attributions(sentence) if speaks(sentence, a)]

    assert speakers("Pellworth Mills announced a new loom.") == []
    assert speakers("Pellworth Mills announced that 12 looms were idle.") == ["Pellworth Mills"]
    assert speakers("Pellworth Mills said it would hire.") == ["Pellworth Mills"]


@pytest.mark.parametrize("verb", ["said", "says", "argues", "warned", "warns", "concludes"])
def test_a_speech_verb_is_known_in_the_past_and_the_present(verb: str) -> None:
    from assistant.reasoning.attribution import find_attributions

    (said,) = find_attributions(f"The ferry captain {verb} that the tide was late.")
    assert (said.who, said.verb) == ("The ferry captain", verb)


@pytest.mark.parametrize("owner", ["their", "its", "our"])
def test_a_possessive_opens_a_source(owner: str) -> None:
    from assistant.reasoning.attribution import find_attributions

    (said,) = find_attributions(f"After the storm, {owner} engineers said the bridge held.")
    assert said.who == f"{owner} engineers"


@pytest.mark.parametrize("quantifier", ["several", "many", "few", "both", "most", "dozens of"])
def test_a_quantifier_opens_a_source(quantifier: str) -> None:
    from assistant.reasoning.attribution import find_attributions

    (said,) = find_attributions(f"At the pier, {quantifier} fishermen said the nets were torn.")
    assert said.who == f"{quantifier} fishermen"
    assert quantifier.split()[0] in QUANTIFIERS


@pytest.mark.parametrize(
    "noun",
    ["residents", "neighbours", "neighbors", "engineers", "investigators", "survivors",
     "villagers", "organisers", "organizers", "troops"],
)  # fmt: skip
def test_a_noun_for_people_makes_a_bare_plural_a_source(noun: str) -> None:
    from assistant.reasoning.attribution import find_attributions

    (said,) = find_attributions(f"The kiln cracked overnight, {noun} said.")
    assert said.who == noun and noun in PERSON_NOUNS


@pytest.mark.parametrize(
    ("singular", "plural"),
    [("witness", "witnesses"), ("spokesman", "spokesmen"), ("spokeswoman", "spokeswomen"),
     ("relative", "relatives"), ("official", "officials"), ("doctor", "doctors")],
)  # fmt: skip
def test_person_nouns_hold_singular_and_plural(singular: str, plural: str) -> None:
    assert {singular, plural} <= PERSON_NOUNS


def test_things_and_weather_are_not_people() -> None:
    assert not {"report", "statement", "rain", "fire", "roads"} & PERSON_NOUNS


@pytest.mark.parametrize("count", ["two", "eight", "twenty"])
def test_a_number_word_opens_a_source(count: str) -> None:
    from assistant.reasoning.attribution import find_attributions

    (said,) = find_attributions(f"At the pier, {count} fishermen said the nets were torn.")
    assert said.who == f"{count} fishermen"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The harbour board reported roughly forty sinkings.", True),
        ("The harbour board reported a few dozen sinkings.", True),
        ("The harbour board reported on Tuesday that the quay was safe.", True),
        ("The harbour board reported its accounts.", False),
    ],
)
def test_a_figure_in_words_makes_a_report_a_statement(sentence: str, speaker: bool) -> None:
    from assistant.reasoning.attribution import find_attributions
    from assistant.reasoning.speakers import speaks

    (said,) = find_attributions(sentence)
    assert speaks(sentence, said) is speaker


@pytest.mark.parametrize("label", ["round 3", "No. 3", "page 3", "#3"])
def test_a_number_after_a_label_word_names_rather_than_counts(label: str) -> None:
    from assistant.reasoning.figures import figures

    assert [f.low for f in figures(f"After {label} the crowd numbered 40.")] == [40]


def test_a_question_keeps_a_label_beside_its_number() -> None:
    from assistant.reasoning.question import analyse

    assert analyse("Who led the parade in week 3?").number_pairs == (frozenset({("week", "3")}),)
    assert analyse("How many floats led the parade in 2031?").number_pairs == ()


def test_an_ordinal_suffix_marks_a_day_or_an_edition() -> None:
    from assistant.reasoning.shortanswer import date_key

    assert date_key("on the 4th of March 2031") == (2031, 3, 4)
    assert date_key("March 22nd") == (None, 3, 22)
    assert re.fullmatch(rf"\d+{ORDINAL_SUFFIX}", "92nd") and "rd" in ORDINAL_SUFFIXES
