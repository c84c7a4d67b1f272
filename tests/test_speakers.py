"""Who said each figure, and one name per speaker (issue 22, "Attribution").

On the issue-22 pile (:mod:`tests.sides`): trailing ("..., police said.") and inverted
("..., said Mayor X, who ...") attributions name the speaker, each figure of a sentence
with two speakers goes to its own, and one person is one speaker in ``claims`` and
``ask``. On invented sentences: the rules behind those, one at a time; in ``check``, the
source of a claim is never its own opponent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.app import FactCheck
from assistant.reasoning.attribution import find_attributions, governing_speaker, own_words
from assistant.reasoning.claims import build_claim_table
from assistant.reasoning.speakers import SpeakerNames
from tests.conftest import stored_chunks
from tests.invented import ingested
from tests.sides import ARTICLES, TRUTH

# Who gives each death toll, as the pile's table says ("Ruth Okafor", "police", "union").
_DEATHS = TRUTH["deaths"]


def _who(sentence: str) -> list[str]:
    return [a.who for a in find_attributions(sentence)]


def _speaker_of(figures: tuple[str, ...]) -> str:
    """The table's speaker of a figure as written."""
    return next(who for who, written in _DEATHS.items() if set(written) & set(figures))


@pytest.fixture(scope="module")
def sides_fc(tmp_path_factory: pytest.TempPathFactory) -> FactCheck:
    """The issue-22 pile ingested once for this module."""
    return ingested(tmp_path_factory.mktemp("sides"), ARTICLES)


# -- Trailing and inverted attributions name the speaker -----------------------------------


def test_an_inverted_verb_after_the_statement_names_the_speaker_after_it() -> None:
    sentence = "Nine boats sank in the storm, said Harbourmaster Ilse Varga, who watched it."
    # The statement before the verb is no speaker: "Nine boats sank" said nothing.
    assert _who(sentence) == ["Harbourmaster Ilse Varga"]


def test_an_inverted_verb_names_a_speaker_written_in_lower_case() -> None:
    assert _who("Nine boats sank in the storm, said the harbourmaster.") == ["the harbourmaster"]
    assert _who("The quay flooded twice, say local residents.") == ["local residents"]


@pytest.mark.parametrize(
    "sentence",
    [
        # the verb follows an appositive: its speaker stands before it, and what follows
        # the verb is what was said
        "Ilse Varga, the harbourmaster, said Brenna lost two boats.",
        "Ilse Varga, the harbourmaster, said the storm sank two boats.",
    ],
)
def test_what_follows_a_verb_after_an_appositive_is_no_speaker(sentence: str) -> None:
    assert _who(sentence) == ["the harbourmaster"]


def test_a_day_after_the_verb_is_no_speaker() -> None:
    assert _who("Ilse Varga, the harbourmaster, said Tuesday.") == ["the harbourmaster"]


def test_a_title_that_is_an_agent_noun_before_a_name_makes_a_speaker() -> None:
    sentence = "The ferry will run twice a day from May, timetabler Oskar Lindqvist said."
    assert _who(sentence) == ["timetabler Oskar Lindqvist"]


def test_a_headline_with_says_and_a_figure_in_words_names_its_speaker() -> None:
    assert _who("Harbourmaster says nine boats sank") == ["Harbourmaster"]


def test_an_allegation_is_its_makers_word() -> None:
    sentence = "The dockers' union accused the port company of ignoring safety warnings."
    assert _who(sentence) == ["The dockers' union"]


def test_trailing_and_inverted_attributions_in_the_pile_name_the_speaker(sides_fc) -> None:
    table = sides_fc.claims()
    shapes = set()
    for claim in table.claims:
        for cit in claim.citations:
            trailing = re.search(r",\s+police said\.$", cit.quote)
            inverted = re.search(r",\s+said Mayor Ruth Okafor\b", cit.quote)
            if trailing or inverted:
                expected = "police" if trailing else "Ruth Okafor"
                assert claim.who and expected.lower() in claim.who.lower(), (cit.quote, claim)
                shapes.add("trailing" if trailing else "inverted")
    assert shapes == {"trailing", "inverted"}  # both shapes are in the pile, with a figure


# -- Each figure to its own speaker --------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "figure", "speaker"),
    [
        ("The crew union puts the toll at 14, while the coastguard says nine died.", "14",
         "The crew union"),
        ("The crew union puts the toll at 14, while the coastguard says nine died.", "nine",
         "the coastguard"),
        ("While the coastguard says nine sailors died, 14 were killed, said the union.", "14",
         "the union"),
        ("Fourteen died, according to the union, while the coastguard said nine died.",
         "Fourteen", "the union"),
        ("Fourteen died, according to the union, while the coastguard said nine died.", "nine",
         "the coastguard"),
    ],
)  # fmt: skip
def test_each_figure_goes_to_the_speaker_whose_verb_governs_it(
    tmp_path: Path, sentence: str, figure: str, speaker: str
) -> None:
    table = build_claim_table(stored_chunks(tmp_path, {"a.txt": f"Storm\n\n{sentence}\n"}))
    who = {c.figure: c.who for c in table.claims}
    assert who.get(figure) == speaker, who


def test_the_parse_decides_between_speakers_on_both_sides_of_a_figure() -> None:
    sentence = "While the coastguard says nine sailors died, 14 were killed, said the union."
    atts = find_attributions(sentence)
    found = governing_speaker(sentence, atts, sentence.index("14"))
    assert found is not None and found.who == "the union", (atts, found)


def test_a_sentence_with_one_speaker_is_left_to_the_caller() -> None:
    sentence = "Nine sailors died, the coastguard said."
    assert governing_speaker(sentence, find_attributions(sentence), 0) is None


def test_each_figure_of_a_two_speaker_sentence_is_its_speakers_claim(tmp_path: Path) -> None:
    text = (
        "Storm at Brenna\n\n"
        "While the coastguard says nine sailors died, 14 sailors were killed, said the union.\n"
    )
    table = build_claim_table(stored_chunks(tmp_path, {"brenna.txt": text}))
    who = {c.figure: c.who for c in table.claims}
    assert who.get("nine") == "the coastguard" and who.get("14") == "the union", who


def test_in_the_pile_each_toll_of_a_two_speaker_sentence_goes_to_its_speaker(sides_fc) -> None:
    # "The union puts the death toll at 11, while police say six people died."
    table = sides_fc.claims()
    both = [
        c
        for c in table.claims
        if any(set(ws) & {c.figure.lower()} for ws in _DEATHS.values())
        and any(" while " in cit.quote for cit in c.citations)
    ]
    assert len({c.figure.lower() for c in both}) >= 2
    for c in both:
        assert c.who and _speaker_of((c.figure.lower(),)).lower() in c.who.lower(), c


def test_ask_names_each_toll_by_its_own_speaker(sides_fc) -> None:
    answer = sides_fc.ask("What is the death toll?", "extractive")
    tolls = [a for a in answer.answers if any(a.text.lower() in ws for ws in _DEATHS.values())]
    assert tolls, answer.answer
    for a in tolls:
        assert a.who and _speaker_of((a.text.lower(),)).lower() in a.who.lower(), answer.answer


# -- One person is one speaker -------------------------------------------------------------


def test_titles_full_names_and_surnames_resolve_to_one_name() -> None:
    mentions = [
        ("Harbourmaster Ilse Varga", "Nine boats sank, said Harbourmaster Ilse Varga."),
        ("the harbourmaster", "Ilse Varga, the harbourmaster, said nine boats sank."),
        ("Varga", "Varga has said nine boats sank."),
        ("the harbourmaster", "The harbourmaster said the quay was closed."),
        ("Harbourmaster", "Harbourmaster says nine boats sank"),
        ("the Brenna Fishermen's Guild",
         "Twelve boats sank, according to the Brenna Fishermen's Guild."),
        ("The guild", "The guild puts the loss at twelve boats."),
    ]  # fmt: skip
    names = SpeakerNames(mentions)
    people = {names.canonical(who, sentence) for who, sentence in mentions[:5]}
    assert people == {"Harbourmaster Ilse Varga"}
    bodies = {names.canonical(who, sentence) for who, sentence in mentions[5:]}
    assert bodies == {"the Brenna Fishermen's Guild"}


def test_a_name_two_speakers_could_bear_is_left_as_written() -> None:
    mentions = [
        ("Mayor Ilse Varga", "x"),
        ("Coastguard chief Tomas Varga", "x"),
        ("Mayor Petr Holm", "x"),
        ("the US Harbour Authority", "x"),
        ("the Norland Harbour Authority", "x"),
    ]
    names = SpeakerNames(mentions)
    assert names.canonical("Varga", "Varga said so.") == "Varga"  # two Vargas
    assert names.canonical("the mayor", "The mayor said so.") == "the mayor"  # two mayors
    assert names.canonical("a spokesman", "A spokesman said so.") == "a spokesman"
    assert names.canonical("Harbour Authority") == "Harbour Authority"


def test_one_person_is_one_speaker_in_claims(sides_fc) -> None:
    table = sides_fc.claims()
    hers = set(_DEATHS["Ruth Okafor"])
    speakers = {c.who for c in table.claims if c.figure.lower() in hers}
    # "Mayor Ruth Okafor", "Ruth Okafor, the mayor," and "Okafor" are one row's speaker.
    assert len(speakers) == 1, speakers
    (who,) = speakers
    assert who and "Ruth Okafor" in who
    (row,) = [c for c in table.claims if c.figure.lower() in hers]
    quotes = " ".join(cit.quote for cit in row.citations)
    for form in ("said Mayor Ruth Okafor", "Ruth Okafor, the mayor,", "Okafor has said"):
        assert form in quotes, (form, quotes)


def test_one_person_is_one_speaker_in_the_summary(sides_fc) -> None:
    summary = sides_fc.summary()
    # What the summary says in its own words, without the quotes it shows.
    own = " ".join(re.sub(r"“[^”]*”", "", s.text) for s in summary.sentences)
    assert "Ruth Okafor" in own, own
    assert not re.search(r"(?<!Ruth )Okafor|\bthe mayor\b", own, re.I), own


# -- In check, the source of a claim is never its own opponent ----------------------------

_DOCKS = {
    "docks.txt": (
        "Crane row at Wenholt docks\n\n"
        "The dockers' union accused the Wenholt port company of ignoring safety warnings "
        "about the cranes. The port company denied ignoring any warnings.\n"
    ),
    "harbour.txt": (
        "Harbour news\n\n"
        "The port company said it had ignored no warnings about the cranes, and the "
        "dockers' union said the company had ignored the warnings for years.\n"
    ),
}


@pytest.fixture(scope="module")
def docks_fc(tmp_path_factory: pytest.TempPathFactory) -> FactCheck:
    return ingested(tmp_path_factory.mktemp("docks"), _DOCKS)


def _opponents(explanation: str) -> list[str]:
    """Who the explanation says contradicts the claim."""
    return re.findall(r"(?:^|\.\s)([^.\[]*?) (?:says?|denies|deny) the opposite", explanation)


def test_a_claim_of_what_a_source_said_is_judged_by_its_own_words(docks_fc) -> None:
    result = docks_fc.check(
        "The dockers' union said the port company ignored warnings about the cranes.",
        "extractive",
    )
    # The union's words support it; the company's denial in the same sentence is not the
    # union's, and the company's own sentence does not decide what the union said.
    assert result.verdict == "supported", result.explanation
    assert not any("union" in who.lower() for who in _opponents(result.explanation))


def test_an_allegation_is_supported_by_its_maker_named_as_saying_it(docks_fc) -> None:
    claim = "The dockers' union accused the port company of ignoring safety warnings."
    result = docks_fc.check(claim, "extractive")
    assert result.verdict == "supported", result.explanation
    assert re.search(r"union says the same", result.explanation, re.I), result.explanation
    assert not any("union" in who.lower() for who in _opponents(result.explanation))


@pytest.mark.parametrize(
    "claim",
    [
        "The union accused the company of ignoring warnings about faulty wiring.",
        "The company ignored repeated warnings about faulty wiring.",
    ],
)
def test_in_the_pile_the_union_is_not_set_against_its_own_allegation(sides_fc, claim) -> None:
    result = sides_fc.check(claim, "extractive")
    assert not any("union" in who.lower() for who in _opponents(result.explanation)), (
        result.explanation
    )


def test_own_words_leave_out_another_speakers_clause() -> None:
    sentence = _DOCKS["harbour.txt"].split("\n\n")[1].strip()
    atts = find_attributions(sentence)
    union = next(a for a in atts if "union" in a.who)
    words = own_words(sentence, atts, union)
    assert "ignored the warnings for years" in words and "ignored no warnings" not in words
