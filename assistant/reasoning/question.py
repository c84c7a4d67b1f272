"""Question analysis: the kind of answer a question wants, and what constrains it.

"Who won the Alpha Cup in 2019?" wants a person (or a team, or a country) and is
constrained to 2019: a sentence about 2018 is not an answer, however well it matches
otherwise. "Harvest Festival 2016 location" wants a place; "What was Acme's revenue in
Q2 2018?" a sum of money for Q2 2018. Rules over the question's words, no model:
a question is short, and its form ("who", "when", "how many") is regular.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.index.normalise import visible
from assistant.index.terms import IRREGULAR, is_number, terms
from assistant.language import (
    LABEL_WORDS,
    ORDINAL_SUFFIX,
    SPEECH_VERBS,
    month_number,
    phrases,
    years_in,
)

AnswerType = Literal["person", "date", "place", "figure", "thing", "cause", "open"]

# spaCy labels that can answer each kind of question. The small model mislabels names
# (some full names as places, others as organisations), so "who" takes
# any name; which of several names answers is decided by where it stands.
LABELS: dict[str, frozenset[str]] = {
    "person": frozenset({"PERSON", "ORG", "GPE", "NORP"}),
    # A time of day answers "when" too ("about 2:40 a.m."); shortanswer ranks a day first.
    "date": frozenset({"DATE", "TIME"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "figure": frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"}),
    "thing": frozenset(
        {"PERSON", "ORG", "GPE", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "FAC", "LAW", "LOC"}
    ),
}

_PERSON_NOUNS = (
    r"person|people|man|woman|actor|actress|player|team|company|firm|group|organi[sz]ation|"
    r"official|newspaper|outlet|agency|ministry|media|source|politician|spokes(?:man|woman|person)|"
    r"president|director|ceo|chief|leader|candidate|country|nation|club|singer|author|writer|"
    r"winner|colonel|general|minister|reporter|journalist|commentator|commander|band|artist"
)
_PLACE_NOUNS = (
    r"city|country|place|venue|stadium|town|state|region|province|location|site|river|"
    r"mountain|lake|sea|border|where"
)
_DATE_NOUNS = r"date|day|year|month|time"
_FIGURE_NOUNS = (
    r"number|toll|figure|count|amount|revenue|price|cost|population|total|size|score|"
    r"percentage|proportion|fraction|share|sales|profit|income|budget|salary|age|rate|death toll"
)

# Up to three words between "which"/"what" and its noun ("which Moscow-based monitoring
# group"), none of them a verb ("what is the year-end No 1" asks for no date).
_MODS = r"(?:(?!is\b|was\b|are\b|were\b|do\b|does\b|did\b|will\b)[\w'-]+ ){0,3}"
# "What is the world No 1?" asks for a person as surely as "who".
_TITLES = (
    r"no\.? ?1|number one|champion|winner|ceo|chief executive|president|chairman|"
    r"founder|leader|mayor|governor|prime minister|head coach|captain"
)
_WHO = re.compile(
    rf"^\s*(?:who|whom|whose)\b|\bwhich {_MODS}(?:{_PERSON_NOUNS})\b"
    rf"|^\s*what (?:is|was|are|were) (?:the )?{_MODS}(?:{_TITLES})\b",
    re.I,
)
_WHEN = re.compile(
    rf"^\s*when\b|\b(?:what|which|on what|in what) {_MODS}(?:{_DATE_NOUNS})\b"
    rf"|^\s*what (?:is|was|are|were) the {_MODS}(?:{_DATE_NOUNS})\b"
    r"|\b(?:release|premiere|launch|air|birth|founding) date\b|\bwhat year\b",
    re.I,
)
_WHERE = re.compile(
    rf"^\s*where\b|\b(?:what|which|in what|near what|near which) {_MODS}(?:{_PLACE_NOUNS})\b"
    r"|\blocation\b"
    r"|\bwhere\b",
    re.I,
)
_HOW_MANY = re.compile(
    rf"\bhow (?:many|much|long|old|far|big|large)\b|\b(?:what|which) (?:was |is |were |are )?"
    rf"(?:the )?{_MODS}(?:{_FIGURE_NOUNS})\b",
    re.I,
)
_WHICH_THING = re.compile(
    r"^\s*(?:which|what)\b\s+(?!is\b|was\b|are\b|were\b|did\b|does\b)\w+", re.I
)
_NAME_OF = re.compile(r"\bthe name of\b|\bwhat (?:is|was) (?:the )?(?:name|title)\b", re.I)
_SPEECH = re.compile(
    rf"\b(?:{phrases(SPEECH_VERBS)}|according to|refrain\w*|doubt\w*|comment\w*)\b", re.I
)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|has been|have been|will be)\s+\w+(?:ed|en)\b", re.I)
_LONG_OLD = re.compile(r"\bhow (?:long|old)\b", re.I)
# Roles only a person fills: "Who is the CEO of ...", "Who directed ...".
_PERSON_ROLE = re.compile(
    r"\b(?:ceo|chief executive|president|director|directed|actor|actress|starr\w*|play\w*|"
    r"singer|author|wrote|writer|teacher|founder|founded|chairman|coach|captain|minister|"
    r"spokes\w+|named|awarded|elected|appointed)\b",
    re.I,
)
# "Which company ...?", "Which monitoring group ...?": an organisation (or a name the
# small model took for a person), never a place or a people.
_WHICH_ORG = re.compile(
    rf"\b(?:which|what) {_MODS}(?:company|firm|organi[sz]ation|agency|group|newspaper|"
    r"outlet|ministry|broadcaster|contractor)\b",
    re.I,
)
_MONEY_WORDS = re.compile(
    r"\b(?:revenue|price|cost|costs|salary|profit|income|budget|sales|worth|paid|pay|"
    r"earn\w*|spend\w*|spent|valu\w+|fund\w*|fine|deal)\b|\bhow much\b",
    re.I,
)
# A number with the word before it and the word after it. A label may end in a letter
# ("Block 4B", "Gate 12a"); an ordinal keeps its suffix apart ("92nd").
_NUMBER_IN_CONTEXT = re.compile(
    r"(?:(?P<word>[A-Za-z][A-Za-z'-]*)\s?)?(?<![\d.,])(?P<num>\d+)"
    rf"(?:(?P<suffix>{ORDINAL_SUFFIX})|(?P<letter>[A-Za-z]))?\b"
    r"(?:\s+(?P<next>[A-Za-z]+))?"
)
# "Why ...?", "What caused ...?", "How did the fire start?", "What was the cause of ...?":
# the answer is the sentence that states a cause (see assistant.reasoning.causes).
_CAUSE = re.compile(
    r"^\s*why\b|^\s*what (?:caused|causes|cause[sd]?|started|sparked|triggered|set off|led to)\b"
    r"|^\s*what (?:is|was|were|are) (?:the )?(?:\w+ )?(?:causes?|reasons?)\b"
    r"|^\s*how (?:did|does|do) .{1,80}? (?:start|begin|break out|happen|catch fire)\b"
    r"|\b(?:cause|reason)s? (?:of|for|behind)\b",
    re.I,
)
# "What time ...?": a time of day, not a day.
_WHAT_TIME = re.compile(r"\b(?:what|which) time\b|\bwhat hour\b|\bhow early\b|\bhow late\b", re.I)
# A share is a percentage or a fraction ("a third", tagged as a number; shortanswer keeps
# only fractions of those).
SHARE_LABELS = frozenset({"PERCENT", "CARDINAL"})
# "What share / percentage / proportion of ...?", "How much of ...?": a share.
_SHARE = re.compile(
    r"\b(?:percentage|per ?cent|proportion|fraction)\b|\b(?:share|how much) of\b", re.I
)
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks for.

    Attributes:
        type: The kind of answer: person (or organisation), date, place, figure, a named
            thing, or ``open`` (an explanation or description: no entity answers it).
        labels: The entity labels that can answer it (empty when ``open``).
        wants_speaker: "Who said ...": the answer is whoever made the statement.
        about_statement: The question asks what was said ("How many did police say
            died?", "according to the mayor"): it is about one statement, not the event.
        passive: "Who was awarded ...": the answer need not be a clause's subject.
        weights: The question's content terms weighted by rarity (set by the caller,
            who has the corpus statistics; empty by default).
        years: Years the question names; a passage about other years does not answer.
        numbers: Other numbers it names ("Q1", "season 4", "92nd"), as terms.
        number_pairs: For each such number, the term pair it forms with the word it
            names (("season", "4"), ("block", "4b")), or for an ordinal the number alone
            (("92",)) and with the noun it numbers (("7", "district")): a passage must
            hold one of them, in either order.
        quoted: Phrases it quotes, which a passage must contain.
        terms: The question's own terms: an entity made only of them is not an answer.
    """

    text: str
    type: AnswerType
    labels: frozenset[str]
    wants_speaker: bool = False
    about_statement: bool = False
    passive: bool = False
    weights: dict[str, float] = field(default_factory=dict)
    years: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    number_pairs: tuple[frozenset[tuple[str, ...]], ...] = ()
    quoted: tuple[str, ...] = ()
    terms: frozenset[str] = field(default_factory=frozenset)

    @property
    def label_numbers(self) -> frozenset[str]:
        """The numbers the question uses as names ("12" of "Zone 12"), not as counts.

        A sentence that gives 12 as a count still answers "How many deer were killed
        in Zone 12?": the question names the zone, not the figure.
        """
        return frozenset(
            t
            for options in self.number_pairs
            for pair in options
            if len(pair) == 2
            for t in pair
            if t[:1].isdigit()
        )


def answer_type(question: str) -> AnswerType:
    """The kind of answer ``question`` wants (see :class:`QuestionAnalysis`)."""
    if _WHO.search(question):
        return "person"
    if _CAUSE.search(question):
        return "cause"
    if _HOW_MANY.search(question):
        return "figure"
    if _WHEN.search(question):
        return "date"
    if _WHERE.search(question):
        return "place"
    if _NAME_OF.search(question) or _WHICH_THING.search(question):
        return "thing"
    return "open"


def analyse(question: str) -> QuestionAnalysis:
    """Analyse ``question``: its answer type and constraints.

    The question is read as a reader sees it, as passages are ("Zone １２" is "Zone 12").
    """
    question = visible(question).text
    kind = answer_type(question)
    years = frozenset(years_in(question))
    qterms = frozenset(terms(question))
    numbers = frozenset(t for t in qterms if is_number(t) and t not in years)
    # A number that names something ("Chronicles 2", "season 4", "Q1", "92nd") must
    # stand in the passage beside the same word; a count ("5 were killed") need not.
    pairs = []
    for m in _NUMBER_IN_CONTEXT.finditer(question):
        word, num, suffix, after = (
            m.group("word"),
            m.group("num"),
            m.group("suffix"),
            m.group("next"),
        )
        if num in years:
            continue
        if word and month_number(word) is not None:
            continue  # "September 21" is a day of a month, not a thing named September
        # A verb before a number takes it as its object, a count ("the toll reached
        # 12", "rescuers found 12"): never a name, however the sentence ends.
        verb = bool(word) and (
            word.lower().endswith("ed") or word.lower() in IRREGULAR or word.lower() in SPEECH_VERBS
        )
        naming = bool(word) and (
            any(c.isupper() for c in word)  # "Nova 7", "Q2", "iOrbit 12"
            or word.lower() in LABEL_WORDS  # "zone 12 last year"
            or (not verb and not after)  # "xenoblade chronicles 2?"
            or (not verb and after.endswith("ed"))  # "chronicles 2 released"
        )
        options: set[tuple[str, ...]] = set()
        if naming and word and terms(word):
            options.add((terms(word)[-1], num + (m.group("letter") or "").lower()))
        if suffix:  # "92nd": the number itself, written "92nd" or "ninety-second"
            options.add((num,))
            if after and terms(after):  # "the 7th district": the district it numbers
                options.add((num, terms(after)[0]))
        if options:
            pairs.append(frozenset(options))
    labels = LABELS.get(kind, frozenset())
    if kind == "figure" and _LONG_OLD.search(question):  # "four hours", "35 years old"
        labels |= {"DATE", "TIME"}
    elif kind == "figure" and _SHARE.search(question):  # "what share": 60 per cent, a third
        labels = SHARE_LABELS
    elif kind == "figure" and _MONEY_WORDS.search(question):  # revenue is money, not a count
        labels = frozenset({"MONEY"})
    if kind == "date" and _WHAT_TIME.search(question):  # "What time ...?": 2:40 a.m.
        labels = frozenset({"TIME"})
    if kind == "person" and _PERSON_ROLE.search(question) and not _SPEECH.search(question):
        # "Who is the CEO of Google?" is not answered by "Alphabet".
        labels = frozenset({"PERSON"})
    elif kind == "person" and _WHICH_ORG.search(question):
        labels = frozenset({"ORG", "PERSON"})
    return QuestionAnalysis(
        text=question,
        type=kind,
        labels=labels,
        wants_speaker=kind == "person" and bool(_SPEECH.search(question)),
        about_statement=bool(_SPEECH.search(question)),
        passive=bool(_PASSIVE.search(question)),
        years=years,
        numbers=numbers,
        number_pairs=tuple(pairs),
        quoted=tuple(m.group(1).strip() for m in _QUOTED.finditer(question)),
        terms=qterms,
    )


__all__ = ["SHARE_LABELS", "QuestionAnalysis", "analyse", "answer_type", "years_in"]
