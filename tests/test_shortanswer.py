"""Short answers: typed spans, grouped across sources, and disagreement between them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.index.schema import StoredChunk
from assistant.index.terms import terms
from assistant.reasoning.answer import Candidate
from assistant.reasoning.nlp import Entity
from assistant.reasoning.question import analyse
from assistant.reasoning.shortanswer import (
    AnswerGroup,
    Span,
    _group,
    compatible,
    figure_value,
    find_short_answers,
    violates,
)


def _g(text: str, label: str) -> AnswerGroup:
    return AnswerGroup(text, label)


# -- compatible ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Bo Chan", "Chan", True),
        ("Chan", "Bo Chan", True),
        ("President Bo Chan", "Bo Chan", True),
        ("Bo Chan", "Mia Park", False),
        ("Bo Chan", "Bo Smith", False),
        ("the Alpha Group", "Alpha Group", True),  # "the" does not count
    ],
)
def test_names_are_compatible_when_one_holds_the_others_words(a, b, same):
    assert compatible(_g(a, "PERSON"), _g(b, "PERSON")) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Mar 4, 2016", "March 4, 2016", True),
        ("Mar. 4, 2016", "4 March 2016", True),
        ("March 14, 2006", "March 4, 2016", False),
        ("March 5, 2016", "March 4, 2016", False),
        ("2016", "March 4, 2016", True),  # less precise, not contradicting
        ("March 2016", "March 4, 2016", True),
        ("2015", "March 4, 2016", False),
        ("May 2016", "March 2016", False),
    ],
)
def test_dates_are_compatible_when_no_part_contradicts(a, b, same):
    assert compatible(_g(a, "DATE"), _g(b, "DATE")) is same
    assert compatible(_g(b, "DATE"), _g(a, "DATE")) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("$7.2 billion", "7.2 billion", True),
        ("$7.2 billion", "$7.2bn", True),
        ("$7.2 billion", "$2.15 billion", False),
        ("$7.2 billion", "$7.2 million", False),
        ("1,200", "1200", True),
        ("five", "5", True),
    ],
)
def test_figures_are_compatible_when_their_values_agree(a, b, same):
    assert compatible(_g(a, "MONEY"), _g(b, "MONEY")) is same


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$7.2 billion", 7.2e9),
        ("1,200", 1200.0),
        ("2.5 million", 2.5e6),
        ("five", 5.0),
        ("a dozen", 12.0),
        ("45%", 45.0),
    ],
)
def test_figure_value(text, value):
    assert figure_value(text) == pytest.approx(value)


def test_figure_value_of_words_without_a_number_is_none():
    assert figure_value("several") is None
    assert figure_value("") is None


# -- violates ----------------------------------------------------------------------------


def _stand_in(sentence: str, passage: str | None = None) -> SimpleNamespace:
    """The parts of a candidate that violates() reads."""
    passage = sentence if passage is None else passage
    return SimpleNamespace(
        text=sentence, chunk=SimpleNamespace(text=passage), context_terms=set(terms(passage))
    )


def test_a_sentence_about_another_year_violates():
    qa = analyse("Who won the 2019 Alpha Cup?")
    assert violates(qa, _stand_in("Ann Lee won the 2018 Alpha Cup."))
    assert not violates(qa, _stand_in("Ann Lee won the 2019 Alpha Cup."))
    assert not violates(qa, _stand_in("Ann Lee won the 2018 and 2019 Alpha Cups."))


def test_a_sentence_without_a_year_takes_its_passages_years():
    qa = analyse("Who won the 2019 Alpha Cup?")
    other = "The 2018 Alpha Cup was held in Oslo. Ann Lee won the final."
    same = "The 2019 Alpha Cup was held in Oslo. Ann Lee won the final."
    assert violates(qa, _stand_in("Ann Lee won the final.", other))
    assert not violates(qa, _stand_in("Ann Lee won the final.", same))
    # No year anywhere: nothing to contradict the question.
    assert not violates(qa, _stand_in("Ann Lee won the final."))


def test_a_question_in_an_article_does_not_answer():
    qa = analyse("Who won the Alpha Cup?")
    assert violates(qa, _stand_in("Who won the Alpha Cup? "))
    assert not violates(qa, _stand_in("Ann Lee won the Alpha Cup."))


def test_a_quoted_phrase_must_stand_in_the_passage():
    qa = analyse('Which company sold the "Blue Star" phone?')
    assert violates(qa, _stand_in("Orbit sold the Red Star phone."))
    assert not violates(qa, _stand_in("Orbit sold the blue star phone."))  # case is ignored
    sentence = "Orbit sold it in May."
    assert not violates(qa, _stand_in(sentence, "The Blue Star phone is cheap. " + sentence))


def test_a_passage_naming_another_number_for_the_questions_word_violates():
    qa = analyse("Who directed season 4 of Dark Tales?")
    assert not violates(qa, _stand_in("Ann Lee directed season 4 of Dark Tales."))
    assert not violates(qa, _stand_in("Ann Lee directed the fourth season of Dark Tales."))
    assert violates(qa, _stand_in("Ann Lee directed season 3 of Dark Tales."))
    # The question's number elsewhere in the passage does not make season 3 season 4.
    assert violates(qa, _stand_in("Ann Lee directed season 3 of Dark Tales on 4 sets."))


def test_a_passage_that_does_not_write_the_named_number_may_still_answer():
    qa = analyse("When was Nova 7 announced?")
    assert not violates(qa, _stand_in("Google announced the phones on March 4, 2016."))
    assert violates(qa, _stand_in("Google announced the Nova 6 on May 5, 2015."))
    # A number before the word is not its number.
    assert not violates(qa, _stand_in("It was shown on March 4, 2016 at the Nova event."))


# -- find_short_answers ------------------------------------------------------------------


def _cand(passage_id: str, sentence: str, relevance: float = 0.8) -> Candidate:
    chunk = StoredChunk(
        id=passage_id,
        source=f"{passage_id}.txt",
        root="/nowhere",
        title="Sport",
        start=0,
        end=len(sentence),
        line=1,
        text=sentence,
        file_sha256="0" * 64,
    )
    own = set(terms(sentence))
    return Candidate(
        chunk=chunk,
        hit_rank=0,
        start=0,
        end=len(sentence),
        text=sentence,
        context_terms=own,
        own_terms=own,
        relevance=relevance,
        score=relevance,
    )


CUP = analyse("Who won the 2019 Alpha Cup?")


def test_the_subject_answers_not_the_one_beaten():
    short = find_short_answers(
        CUP, [_cand("p1", "Ann Lee beat Bo Chan to win the 2019 Alpha Cup.")], 0.5
    )
    assert short.groups
    assert short.groups[0].text == "Ann Lee"
    assert short.groups[0].label == "PERSON"
    assert not short.disagreement
    # The question's own words ("Alpha Cup") are not an answer.
    assert all("Alpha" not in g.text for g in short.groups)


def test_two_passages_naming_different_winners_disagree():
    short = find_short_answers(
        CUP,
        [
            _cand("p1", "Ann Lee won the 2019 Alpha Cup in a close final."),
            _cand("p2", "Mia Park won the 2019 Alpha Cup in a close final."),
        ],
        0.5,
    )
    assert {short.groups[0].text, short.rivals[0].text} == {"Ann Lee", "Mia Park"}
    assert short.disagreement
    assert short.rivals[0].passages.isdisjoint(short.groups[0].passages)


def test_passages_giving_the_same_name_agree_and_are_grouped():
    short = find_short_answers(
        CUP,
        [
            _cand("p1", "Ann Lee won the 2019 Alpha Cup in a close final."),
            _cand("p2", "Lee won the 2019 Alpha Cup after three sets."),
        ],
        0.5,
    )
    assert not short.disagreement
    top = short.groups[0]
    assert top.text == "Ann Lee"  # the fuller form
    assert top.passages == {"p1", "p2"}


def test_no_rival_when_the_other_name_stands_beside_the_answer():
    # Mia Park is named, but in a sentence that also names the winner: another role.
    short = find_short_answers(
        CUP,
        [
            _cand("p1", "Ann Lee won the 2019 Alpha Cup in a close final."),
            _cand("p2", "Mia Park won the 2019 Alpha Cup doubles, and Ann Lee won the singles."),
        ],
        0.5,
    )
    names = {g.text for g in short.groups}
    assert {"Ann Lee", "Mia Park"} <= names
    assert short.groups[0].text == "Ann Lee"
    assert not short.disagreement and short.rivals == []


def test_no_rival_from_a_sentence_that_matches_the_question_much_less_well():
    short = find_short_answers(
        CUP,
        [
            _cand("p1", "Ann Lee won the 2019 Alpha Cup in a close final.", relevance=0.9),
            _cand("p2", "Mia Park was seen at the 2019 Alpha Cup with friends.", relevance=0.6),
        ],
        0.5,
    )
    assert short.groups[0].text == "Ann Lee"
    assert not short.disagreement


def test_the_same_report_with_another_name_in_its_place_is_a_rival_whatever_its_rank():
    short = find_short_answers(
        CUP,
        [
            _cand("p1", "Ann Lee won the 2019 Alpha Cup in a close final.", relevance=0.9),
            _cand("p2", "Mia Park won the 2019 Alpha Cup in a close final.", relevance=0.6),
        ],
        0.5,
    )
    assert short.groups[0].text == "Ann Lee"
    assert [r.text for r in short.rivals] == ["Mia Park"]


def test_sentences_below_the_floor_or_about_another_year_are_not_read():
    short = find_short_answers(
        CUP,
        [
            _cand("p1", "Ann Lee won the 2019 Alpha Cup in a close final.", relevance=0.4),
            _cand("p2", "Mia Park won the 2018 Alpha Cup in a close final."),
        ],
        0.5,
    )
    assert short.groups == [] and not short.disagreement


def test_no_groups_when_no_entity_of_the_kind_is_there():
    short = find_short_answers(
        CUP, [_cand("p1", "The 2019 Alpha Cup was won after a long and hard final.")], 0.5
    )
    assert short.groups == [] and short.rivals == []
    assert not short.disagreement


def test_an_open_question_gets_no_short_answer():
    qa = analyse("Why did the 2019 Alpha Cup final start late?")
    cands = [_cand("p1", "Ann Lee arrived late to the 2019 Alpha Cup.")]
    short = find_short_answers(qa, cands, 0.5)
    assert short.groups == []


def test_a_when_question_is_answered_by_the_fullest_date():
    qa = analyse("When did the Orbit bridge open?")
    short = find_short_answers(
        qa,
        [
            _cand("p1", "The Orbit bridge opened to traffic on March 3, 2015."),
            _cand("p2", "The Orbit bridge opened to traffic in 2015."),
        ],
        0.5,
    )
    assert short.groups[0].label == "DATE"
    assert short.groups[0].text == "March 3, 2015"
    assert short.groups[0].passages == {"p1", "p2"}  # a bare year does not contradict
    assert not short.disagreement


def test_a_how_much_question_is_answered_by_money_and_other_figures_disagree():
    qa = analyse("What was Orbit's revenue in 2020?")
    short = find_short_answers(
        qa,
        [
            _cand("p1", "Orbit reported revenue of $7.2 billion in 2020, up from last year."),
            _cand("p2", "Orbit reported revenue of $2.15 billion in 2020, up from last year."),
        ],
        0.5,
    )
    texts = {g.text for g in short.groups}
    assert texts == {"$7.2 billion", "$2.15 billion"}
    assert short.disagreement


def test_a_sentence_about_a_sequel_violates():
    qa = analyse("When was Nova Quest released?")
    assert violates(qa, _stand_in("Nova Quest 2 is due in May 2025."))
    assert violates(qa, _stand_in("The Nova Quest 2 trailer came out on Monday."))
    assert not violates(qa, _stand_in("Nova Quest was released on May 5, 2019."))
    # A number that counts something after the name is not part of it.
    assert not violates(qa, _stand_in("Acme sold Nova Quest 2 million times by May 2019."))
    # The question's own number is its name.
    sequel = analyse("When was Nova Quest 2 released?")
    assert not violates(sequel, _stand_in("Nova Quest 2 is due."))


def test_a_power_is_not_a_figure():
    qa = analyse("How many grains of sand were counted in Dayton?")
    cands = [_cand("p1", "Officials said 10^400 grains of sand were counted in Dayton.")]
    assert find_short_answers(qa, cands, 0.5).groups == []


def _spans(*named: tuple[str, str, str]) -> list[Span]:
    """(passage, entity text, label) each: one span in its own sentence."""
    out = []
    for pid, text, label in named:
        sentence = f"{text} won the 2019 Alpha Cup."
        out.append(Span(_cand(pid, sentence), Entity(0, len(text), text, label), 0.5))
    return out


def test_a_surname_is_shown_by_the_full_name_the_group_holds():
    # Named in full once, by surname twice (and the tagger took the surname for an
    # organisation): the answer reads "Ann Lee", not "Lee".
    (group,) = _group(
        _spans(("p1", "Ann Lee", "PERSON"), ("p2", "Lee", "ORG"), ("p3", "Lee", "ORG"))
    )
    assert group.text == "Ann Lee"


def test_a_place_is_never_lengthened_by_a_heading_taken_for_a_name():
    (group,) = _group(
        _spans(
            ("p1", "Champions Dayton", "PERSON"), ("p2", "Dayton", "GPE"), ("p3", "Dayton", "GPE")
        )
    )
    assert group.text == "Dayton"
