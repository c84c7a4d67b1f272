"""Attribution rules: who said it, and through whom."""

from __future__ import annotations

import pytest

from assistant.reasoning.attribution import Attribution, find_attributions


def _who(sentence: str) -> list[str]:
    return [a.who for a in find_attributions(sentence)]


# --- Subject + verb --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "who", "verb"),
    [
        ("Mattis said the strikes were defensive.", "Mattis", "said"),
        ("Reuters reported on Monday that two Russians died.", "Reuters", "reported"),
        ("Mattis told reporters traveling with him in Europe.", "Mattis", "told"),
        ("The Kremlin said on Tuesday that it had no information.", "The Kremlin", "said"),
        (
            "The Russian Defense Ministry has said the servicemen were not involved.",
            "The Russian Defense Ministry",
            "said",
        ),
        (
            "U.S. officials said around 100 soldiers were killed, but did not identify them.",
            "U.S. officials",
            "said",
        ),
        (
            "Russian Foreign Minister Sergei Lavrov said on Tuesday the Americans left.",
            "Russian Foreign Minister Sergei Lavrov",
            "said",
        ),
        ("The Kremlin has repeatedly denied any link.", "The Kremlin", "denied"),
    ],
)
def test_subject_said(sentence: str, who: str, verb: str) -> None:
    found = find_attributions(sentence)
    assert len(found) == 1
    a = found[0]
    assert a.who == who
    assert a.verb == verb
    assert a.via is None
    assert not a.is_pronoun
    assert a.display() == who
    assert sentence[a.pos :].startswith(verb)


def test_trailing_said_on_tuesday() -> None:
    sentence = "Dozens of Russian citizens were hurt, Russia's Foreign Ministry said on Tuesday."
    found = find_attributions(sentence)
    assert [a.who for a in found] == ["Russia's Foreign Ministry"]
    assert found[0].verb == "said"


def test_trailing_x_said_after_a_clause() -> None:
    assert _who("The strikes were defensive, Mattis said on Tuesday.") == ["Mattis"]


def test_parenthetical_is_ignored() -> None:
    assert _who("Mattis (the defense secretary) said nothing new.") == ["Mattis"]


def test_appositive_names_the_role() -> None:
    sentence = "Harrigian, a spokesman for U.S. Central Command, said the attack was unprovoked."
    assert _who(sentence) == ["a spokesman for U.S. Central Command"]


# --- According to ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Five Russians were killed, according to the New York Times.",
        "According to the New York Times, five Russians were killed.",
        "Five Russians were killed according to the New York Times; others disagree.",
    ],
)
def test_according_to(sentence: str) -> None:
    found = find_attributions(sentence)
    assert len(found) == 1
    a = found[0]
    assert a.who == "the New York Times"
    assert a.verb == "according to"
    assert a.via is None
    assert sentence[a.pos :].lower().startswith("according to")


# --- Citing ----------------------------------------------------------------------------


def test_citing_gives_who_and_via() -> None:
    sentence = "Bloomberg, citing two unnamed Russians, said the toll was higher."
    found = find_attributions(sentence)
    assert found[0] == Attribution(
        who="two unnamed Russians", via="Bloomberg", verb="said", pos=found[0].pos
    )
    assert found[0].display() == "Bloomberg, citing two unnamed Russians"
    # "Bloomberg said" must not also appear as a direct attribution.
    assert [(a.who, a.via) for a in found] == [("two unnamed Russians", "Bloomberg")]


def test_citing_with_a_longer_outlet_name() -> None:
    sentence = (
        "The independent Russian newspaper Novaya Gazeta, citing unnamed sources, "
        "reported that 13 Russians were killed."
    )
    found = find_attributions(sentence)
    assert found[0].who == "unnamed sources"
    assert found[0].via is not None
    assert found[0].via.endswith("Novaya Gazeta")
    assert found[0].verb == "reported"


# --- Inverted --------------------------------------------------------------------------


def test_inverted_said_the_general() -> None:
    sentence = '"We are focused on a singular enemy - ISIS," said the Air Force general.'
    found = find_attributions(sentence)
    assert [a.who for a in found] == ["the Air Force general"]
    assert found[0].verb == "said"
    assert not found[0].is_pronoun


def test_inverted_with_curly_quotes_and_a_name() -> None:
    assert _who("“We are done,” said Mattis.") == ["Mattis"]
    assert _who('"We are done," added Peskov.') == ["Peskov"]


# --- Pronouns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "pronoun"),
    [
        ('"We are focused on a singular enemy," he said.', "he"),
        ("He said the toll was 100.", "he"),
        ("She told reporters nothing.", "she"),
        ("They said the figures were wrong.", "they"),
    ],
)
def test_pronoun_attribution(sentence: str, pronoun: str) -> None:
    found = find_attributions(sentence)
    assert len(found) == 1
    assert found[0].who == pronoun
    assert found[0].is_pronoun


def test_is_pronoun_is_false_for_a_name() -> None:
    assert not Attribution(who="Peskov").is_pronoun
    assert Attribution(who="He").is_pronoun
    assert Attribution(who="they").is_pronoun


def test_two_speakers_in_one_sentence() -> None:
    found = find_attributions("Mattis said one thing, and Peskov later said another.")
    assert [a.who for a in found] == ["Mattis", "Peskov"]
    assert found[0].pos < found[1].pos


# --- Negatives -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The reports of Russian deaths came amid tension.",
        "The claims of victory were exaggerated.",
        "The reports attribute the casualties to a US airstrike and put the figures at 100.",
        "The official was unable to say how many dead were Russian.",
        "It rained all day.",
        "Peskov, who said nothing, left.",
        "",
        "A Cossack organization in Kaliningrad",
    ],
)
def test_no_attribution(sentence: str) -> None:
    assert find_attributions(sentence) == []


def test_a_source_starts_with_a_capital_or_a_determiner() -> None:
    assert _who("everyone said so.") == []
    assert _who("the spokesman said it was fine.") == ["the spokesman"]
    assert _who("local residents said it was fine.") == ["local residents"]


# --- Lower-case sources: a determiner, or a head that names people -------------------


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        # the head is a noun for people, whatever modifies it
        ("unnamed sources said the ferry would not sail.", "unnamed sources"),
        ("local officials said the ferry would not sail.", "local officials"),
        ("former colleagues told reporters she had left the choir.", "former colleagues"),
        ("hospital staff said nine beds were free.", "hospital staff"),
        ("police said the orchard gate was forced.", "police"),
        ("The orchard gate was forced, police said.", "police"),
        ("doctors and nurses said nine beds were free.", "doctors and nurses"),
        # the head stands before its complement
        ("relatives of the three miners said the shaft was flooded.",
         "relatives of the three miners"),
        ("people familiar with the sale said the mill was sold.",
         "people familiar with the sale"),
        # a determiner or a quantifier opens it
        ("two witnesses said the van was blue.", "two witnesses"),
        ("some residents said the van was blue.", "some residents"),
        ("most analysts said the loan was too large.", "most analysts"),
        ("a spokeswoman for the port authority said the quay reopened.",
         "a spokeswoman for the port authority"),
        # a title before a name
        ("The quay reopened, port director Ines Vollan said.", "port director Ines Vollan"),
        ("former mayor Ines Vollan said the quay reopened.", "former mayor Ines Vollan"),
    ],
)  # fmt: skip
def test_a_lower_case_source_is_a_noun_phrase_about_people(sentence: str, who: str) -> None:
    assert _who(sentence) == [who]


def test_a_determiner_still_opens_a_source_that_is_not_a_person() -> None:
    # A report or a statement speaks for whoever wrote it; "the" makes it a noun phrase.
    assert _who("the report said the quay reopened.") == ["the report"]
    assert _who("a statement said the quay reopened.") == ["a statement"]


@pytest.mark.parametrize(
    "sentence",
    [
        "heavy rain said the quay reopened.",
        "reports said the quay reopened.",
        "rain fell and officials said the quay reopened.",  # a clause, not a source
        "The quay reopened, heavy traffic said.",
        "flood water levels said nothing.",
        "harbour Ines Vollan said the quay reopened.",  # "harbour" is no title
    ],
)
def test_a_lower_case_phrase_not_about_people_is_no_source(sentence: str) -> None:
    assert find_attributions(sentence) == []


def test_a_source_does_not_end_mid_phrase() -> None:
    assert _who("The head of said nothing.") == []


def test_attributions_are_deduplicated() -> None:
    sentence = "Mattis said it, Mattis said it again."
    assert _who(sentence) == ["Mattis"]


def test_display_with_and_without_via() -> None:
    assert Attribution(who="Peskov").display() == "Peskov"
    relayed = Attribution(who="unnamed sources", via="Reuters")
    assert relayed.display() == "Reuters, citing unnamed sources"
