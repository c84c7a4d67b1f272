"""Shared knowledge of English that several stages read: the words, not what each does with them.

Written once here, so that the sentence splitter, the question analysis, the claim
reader, the speaker rules and the short answers agree on what a month, a number or a
speech verb is: months, weekdays and years; units of time; articles and possessives;
number words, scales, ordinals, quantifiers, vague quantities and the hedges on a figure;
the words that make a number a label; the nouns for people who can speak; and the verbs
that report speech. Patterns match whole words only: "Mar" is March and "market" is not;
"May" (the month, capitalised) is a month and the modal "may" is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Each month's number by its lower-case name and usual abbreviations.
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# The shortened names, which a period may follow ("Feb. 7") without ending a sentence.
MONTH_ABBREVIATIONS = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A unit of time, singular or plural: a number before one is a length of time ("three
# days"), not a count.
TIME_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|century|centuries)"

# The articles, in lower case.
ARTICLES = frozenset({"a", "an", "the"})
# The possessive determiners, in lower case: "their spokesman", "its ministry".
POSSESSIVES = frozenset({"my", "your", "his", "her", "its", "our", "their"})

# Whole numbers written as one word, by value: the units to nineteen and the tens.
NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
# Words that multiply the number before them: "two hundred", "three dozen", "5 million".
SCALES: dict[str, int] = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Ordinals written as words, by their number: "third" is 3.
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
# The endings that make a numeral an ordinal ("1st", "22nd", "3rd", "4th"), and a pattern
# for one of them.
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
ORDINAL_SUFFIX = "(?:" + "|".join(sorted(ORDINAL_SUFFIXES)) + ")"
# Words after which a number names or ranks something rather than counting it: "No. 1",
# "season 4", "part 2", "Q 3" (a quarter); and the nouns for places, units and vehicles
# that are numbered rather than counted: "zone 12", "ward 3", "gate 7", "platform 2".
LABEL_WORDS = frozenset(
    {"no", "nos", "number", "season", "episode", "part", "chapter", "volume", "vol", "round",
     "level", "phase", "grade", "article", "section", "page", "version", "generation", "gen",
     "series", "edition", "game", "stage", "week", "act", "book", "track", "flight", "route",
     "model", "type", "class", "category", "step", "rank", "ranked", "seed", "seeded", "q",
     "zone", "ward", "district", "block", "sector", "precinct", "quadrant", "plot", "lot",
     "gate", "terminal", "platform", "pier", "berth", "runway", "hangar", "exit", "highway",
     "interstate", "building", "floor", "room", "suite", "apartment", "unit", "cell", "camp",
     "division", "battalion", "regiment", "squadron"}
)  # fmt: skip
# Quantities given without a number, as the least and the most they can mean (None:
# unbounded, or not known): "dozens" is two dozen or more, but fewer than a hundred.
VAGUE_QUANTITIES: dict[str, tuple[float | None, float | None]] = {
    "a dozen": (12, 12),
    "a few dozen": (24, 99),
    "dozens": (24, 99),
    "several dozen": (24, 99),
    "several dozens": (24, 99),
    "several hundred": (200, 999),
    "several hundreds": (200, 999),
    "hundreds": (200, 999),
    "thousands": (2000, None),
    "numerous": (None, None),
    "multiple": (2, None),
    "several": (3, None),
    "an unknown number": (None, None),
}

# Quantifiers that open a noun phrase as a determiner does: "several residents", "most
# analysts", "both sides", "dozens of workers". The one-word vague quantities are among them.
QUANTIFIERS = frozenset(
    {"all", "both", "each", "every", "few", "many", "most", "some"}
    | {q for q in VAGUE_QUANTITIES if " " not in q}
)

# Nouns for people, or for a group of people, who can be said to speak: general roles,
# occupations, relations and bodies of people, singular and plural, both spellings where
# British and American English differ. "officials said", "local residents told", "police
# chief Ada Brook said": a phrase with one of these as its head names a person.
PERSON_NOUNS = frozenset(
    {"people", "person", "official", "officials", "source", "sources", "spokesperson",
     "spokespeople", "spokesman", "spokesmen", "spokeswoman", "spokeswomen", "witness",
     "witnesses", "resident", "residents", "relative", "relatives", "family", "families",
     "friend", "friends", "associate", "associates", "colleague", "colleagues",
     "neighbour", "neighbours", "neighbor", "neighbors", "expert", "experts", "analyst",
     "analysts", "investigator", "investigators", "police", "authorities", "agency",
     "agencies", "doctor", "doctors", "nurse", "nurses", "medic", "medics", "paramedics",
     "rescuer", "rescuers", "firefighters", "survivor", "survivors", "villager",
     "villagers", "farmer", "farmers", "activist", "activists", "diplomat", "diplomats",
     "lawmaker", "lawmakers", "prosecutor", "prosecutors", "lawyer", "lawyers", "attorney",
     "attorneys", "staff", "worker", "workers", "employee", "employees", "organiser",
     "organisers", "organizer", "organizers", "researcher", "researchers", "scientist",
     "scientists", "student", "students", "teacher", "teachers", "parent", "parents", "fans",
     "voters", "protesters", "member", "members", "leader", "leaders", "executive",
     "executives", "manager", "managers", "engineer", "engineers", "troops", "soldier",
     "soldiers", "officer", "officers", "aide", "aides", "adviser", "advisers", "advisor",
     "advisors", "crew", "crews", "minister", "ministers", "mayor", "president",
     "chairman", "chairwoman", "director", "directors", "secretary",
     "governor", "judge", "commander", "chief"}
)  # fmt: skip

# Hedges on a figure, by the bound they leave: "more than 20" is at least 20, "up to 20"
# at most 20, "about 20" is 20 all the same; "between" and "anywhere from" open a range.
LOWER_BOUND_HEDGES = ("a bit more than", "more than", "over", "at least")
ROUGH_HEDGES = ("about", "around", "roughly", "approximately", "some", "nearly", "almost")
UPPER_BOUND_HEDGES = ("as many as", "up to", "fewer than", "less than")
RANGE_HEDGES = ("anywhere from", "between")
HEDGES = LOWER_BOUND_HEDGES + ROUGH_HEDGES + UPPER_BOUND_HEDGES + RANGE_HEDGES

# Verbs that report what someone said, in the two forms that name a speaker in news
# writing: the past ("said") and the present third person ("says"). Of the plain forms
# only "say" ("officials say"): most others are nouns as well ("report", "claim"). Not
# "believed": it is mostly passive ("is believed to be").
# Those that report speech whatever follows them ("said", "told"):
SAYING_VERBS = frozenset(
    {"said", "says", "say", "told", "tells", "added", "adds", "explained", "explains",
     "stated", "states", "wrote", "writes", "insisted", "insists", "argued", "argues",
     "warned", "warns", "urged", "urges", "noted", "notes", "clarified", "clarifies",
     "assured", "assures", "believes"}
)  # fmt: skip
# Those that report a statement when a clause, a quote or a figure follows ("confirmed 25
# deaths", "announced that ..."), and a deed when an object does ("announced the Nova"):
DECLARING_VERBS = frozenset(
    {"reported", "reports", "confirmed", "confirms", "announced", "announces", "claimed",
     "claims", "acknowledged", "acknowledges", "admitted", "admits", "denied", "denies",
     "estimated", "estimates", "suggested", "suggests", "posted", "posts", "concluded",
     "concludes", "identified", "identifies", "put", "puts"}
)  # fmt: skip
SPEECH_VERBS = SAYING_VERBS | DECLARING_VERBS


def _capitalised(words: Iterable[str]) -> str:
    """An alternation of ``words`` as written in running text: "May" or "MAY", not "may"."""
    forms = sorted({f for w in words for f in (w.capitalize(), w.upper())}, key=len, reverse=True)
    return "|".join(forms)


# A month name as a whole word, capitalised as English writes it ("Feb." keeps its dot
# outside the match); group 1 is the name.
MONTH_NAME = rf"\b({_capitalised(MONTHS)})\b"
MONTH_WORD = re.compile(MONTH_NAME + r"\.?")
# A year from 1800 to 2099, as a whole word: "1914", "2023", not "10000".
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
WEEKDAY = re.compile(rf"\b(?:{_capitalised(WEEKDAYS)})\b")


def phrases(words: Iterable[str]) -> str:
    r"""A regex alternation of ``words``, longest first, each space in one as ``\s+``.

    Longest first, so that "several dozen" is tried before "several".

    Args:
        words: Words or phrases, matched as written (regex characters are escaped).

    Returns:
        The alternation, without a group around it: ``"several\s+dozen|several"``.
    """
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def month_number(name: str) -> int | None:
    """The month ``name`` stands for (1-12), in any case, or None."""
    return MONTHS.get(name.lower().rstrip("."))


def years_in(text: str) -> set[str]:
    """The years (1800-2099) written in ``text``."""
    return set(YEAR.findall(text))
