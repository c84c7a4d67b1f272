"""Shared knowledge of English that several stages read: the words, not what each does with them.

Written once here, so that the sentence splitter, the question analysis, the claim
reader, the speaker rules and the short answers agree on what a month, a number or a
speech verb is: months, weekdays and years; units of time; articles and possessives;
number words, scales, ordinals, quantifiers, vague quantities and the hedges on a figure;
the words that make a number a label; the nouns for people who can speak; the verbs
that report speech; and the words of negation and denial ("not", "denied", "false").
Patterns match whole words only: "Mar" is March and "market" is not; "May" (the month,
capitalised) is a month and the modal "may" is not.
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
# Words after a length of time that make it a point in time instead ("two days *later*",
# "a week *ago*") or an age ("34 years *old*"): not a duration.
TIME_POINT_AFTER = frozenset({"ago", "later", "earlier", "old", "older", "younger"})
# After a number, what makes it a time of day ("3 a.m.", "10 pm", "0600 GMT"): no quantity.
TIME_SUFFIX = r"(?:a\.m\.|p\.m\.|am|pm|gmt|utc|bst|cet|o['’]clock|hrs)"
# Units of length: a number before one is a distance ("30 km", "five miles").
DISTANCE_UNIT = (
    r"(?:km|kilometres?|kilometers?|miles?|metres?|meters?|feet|foot|yards?|"
    r"centimetres?|centimeters?|cm|mm)"
)
# Units of temperature: a number before one is a temperature ("5,400 degrees Celsius",
# "-3 °F"), never a count. Bare "degrees" is left out: "3 degrees from Oxford".
TEMPERATURE_UNIT = r"(?:°\s?[CF]?|degrees?\s+(?:Celsius|Fahrenheit|centigrade|C|F)\b)"
# Money: the signs written before an amount ("£42,000", "US$5") and the words written
# after one ("41 million crowns", "300 euros"), singular and plural.
CURRENCY_SIGNS = "£$€¥₹₽"
CURRENCY_WORDS = frozenset(
    {"pound", "pounds", "dollar", "dollars", "euro", "euros", "yen", "yuan", "crown",
     "crowns", "krona", "kronor", "krone", "kroner", "franc", "francs", "rupee", "rupees",
     "rouble", "roubles", "ruble", "rubles", "peso", "pesos", "dinar", "dinars", "lira",
     "pence", "shillings", "rand", "zloty", "hryvnia", "sterling"}
)  # fmt: skip
# After a number, what makes it a share: "70%", "60 per cent", "12 percent" (group "unit").
PERCENT_AFTER = re.compile(r"\s?(?P<unit>%|per\s?cent\b|percent\b)", re.IGNORECASE)
# Nouns whose size is the number they are "of": "a *total* of 11 people", "a *group* of 30
# workers". A number after one counts what follows it, not the noun before.
SIZE_NOUNS = frozenset(
    {"total", "sum", "group", "groups", "crowd", "team", "squad", "batch", "handful",
     "minimum", "maximum", "average", "least", "most", "majority", "minority", "rest",
     "number", "toll", "tally", "count", "figure", "estimate", "death", "deaths", "loss",
     "losses"}
)  # fmt: skip

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
     "division", "battalion", "regiment", "squadron", "reference", "ref", "tel",
     "telephone", "phone", "code", "postcode", "zip", "ext", "id", "footnote", "pp"}
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

# Words that name a part of a group given after "of": "*none* of the 50 passengers",
# "*any* of the 40 soldiers", "*half* of the 300 residents".
PARTITIVES = QUANTIFIERS | frozenset(
    {"any", "one", "either", "neither", "none", "half", "part", "rest", "majority",
     "minority", "remainder", "each"}
)  # fmt: skip

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
# Endings of English agent nouns, the roles people hold: "treasurer", "curator",
# "economist", "librarian", "accountant", "superintendent". Read as a title only right
# before a name ("treasurer Ada Brook said"), where a role is what such a word is.
AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent")

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
# Those that report an allegation: "the union *accused* the company of ignoring warnings"
# is the union's word that the company ignored them.
ALLEGING_VERBS = frozenset({"accused", "accuses", "alleged", "alleges"})
SPEECH_VERBS = SAYING_VERBS | DECLARING_VERBS | ALLEGING_VERBS
# Saying verbs whose object is the listener, not the speaker: "..., told the mayor" names
# who was told, so these never open an inverted attribution ("..., said the mayor").
LISTENER_VERBS = frozenset({"told", "tells", "assured", "assures", "urged", "urges"})

# The forms of "be" that join a subject to what is said of it ("is", "was", "'s").
COPULAS = frozenset({"is", "was", "are", "were", "be", "been", "being", "'s", "’s"})

# Negation and denial: what makes a sentence say that something is *not* so. The parse
# decides what each one governs (assistant/reasoning/negation.py); these are the words.
# The words the parser marks as negating the word above them ("were *not* killed",
# "*never* arrived", "*no* deaths").
NEGATORS = frozenset({"not", "n't", "n’t", "never", "no"})
# A conjunction that negates the clause it opens when it opens the sentence: "*Nor* were
# 12 people hurt" (inside a sentence it joins a negated conjunct, "neither ... nor ...").
OPENING_NEGATORS = frozenset({"nor"})
# A negator before one of these is part of a hedge or an idiom, not a negation: "no
# more than 20" is at most 20, "not only 5", "not until 5 people died".
NOT_NEGATING_BEFORE = frozenset(
    {"more", "fewer", "less", "only", "just", "merely", "until", "till", "least"}
)
# Words that are themselves "no one" or "nothing": "*none* of the 50 passengers were hurt".
NEGATIVE_PRONOUNS = frozenset({"none", "nobody", "nothing", "neither", "noone"})
# Verbs (every form) and nouns that say a statement is false: "denied that ...", "rejected
# reports that ...", "the ministry's denial that ...". Each also has a sense that states a
# fact ("was denied entry", "dismissed 40 workers", "rejected the appeal"): a denial counts
# only when what it governs is a statement (a clause, or a noun such as "reports").
DENIAL_WORDS = frozenset(
    {"deny", "denies", "denied", "denying", "denial", "denials",
     "reject", "rejects", "rejected", "rejecting", "rejection",
     "dismiss", "dismisses", "dismissed", "dismissing",
     "refute", "refutes", "refuted", "refuting", "refutation",
     "dispute", "disputes", "disputed", "disputing",
     "rebut", "rebuts", "rebutted", "rebutting", "rebuttal",
     "disprove", "disproves", "disproved", "disproven", "disproving",
     "contradict", "contradicts", "contradicted", "contradicting",
     "debunk", "debunks", "debunked", "debunking",
     "retract", "retracts", "retracted", "retracting", "retraction"}
)  # fmt: skip
# Verbs that leave undone what they govern through "to": "refused to confirm that ...",
# "failed to say how ...".
DECLINING_VERBS = frozenset(
    {"refuse", "refuses", "refused", "refusing", "fail", "fails", "failed", "failing",
     "decline", "declines", "declined", "declining"}
)  # fmt: skip
# Words that call a statement false: "it was *false* that ...", "reports that ... are
# *untrue*", "a *hoax*", "*falsely* claimed that ...".
FALSITY_WORDS = frozenset(
    {"false", "untrue", "wrong", "incorrect", "inaccurate", "baseless", "unfounded",
     "groundless", "fabricated", "fake", "bogus", "mistaken", "erroneous", "lie", "lies",
     "myth", "hoax", "fabrication", "falsehood", "nonsense", "falsely", "wrongly",
     "incorrectly", "erroneously", "mistakenly", "untruthfully"}
)  # fmt: skip
# Nouns that name a statement, so that what they hold can be denied: "rejected *reports*
# that 66 ...", "disputed the *figure* of 45 deaths".
STATEMENT_NOUNS = frozenset(
    {"report", "reports", "claim", "claims", "allegation", "allegations", "suggestion",
     "suggestions", "rumour", "rumours", "rumor", "rumors", "account", "accounts", "figure",
     "figures", "toll", "tolls", "estimate", "estimates", "statement", "statements",
     "assertion", "assertions", "accusation", "accusations", "story",
     "stories", "speculation", "notion", "idea", "number", "numbers", "tally", "count",
     "version", "narrative"}
)  # fmt: skip
# Words that make a clause a question or a condition rather than a statement: "whether
# 99 people were killed", "if 99 people were killed".
QUALIFYING_MARKS = frozenset({"whether", "if"})


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


# -- times of day, currencies, percentages, causes (issue 22, answer kinds) -------------

# A time of day as news writes it: "2:40 a.m.", "3 a.m.", "14:30", "3pm", "noon",
# "midnight". Group "h"/"m" hold the clock, "half" a.m./p.m. (any spelling).
TIME_OF_DAY = re.compile(
    r"\b(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<half>[ap])\.?\s?m\b\.?"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?!\d)"
    r"|(?P<named>noon|midday|midnight))",
    re.I,
)


def minute_of_day(text: str) -> int | None:
    """The minute of the day a written time names ("2:40 a.m." is 160), or None.

    Only the first time in ``text`` is read; "noon" is 720 and "midnight" 0.
    """
    m = TIME_OF_DAY.search(text)
    if not m:
        return None
    if m.group("named"):
        return 0 if m.group("named").lower() == "midnight" else 720
    if m.group("h24") is not None:
        return int(m.group("h24")) * 60 + int(m.group("m24"))
    hour = int(m.group("h")) % 12 + (12 if m.group("half").lower() == "p" else 0)
    return hour * 60 + int(m.group("m") or 0)


# A currency written right before a figure: "£42,000", "US$ 3m" (the signs and words are
# CURRENCY_SIGNS and CURRENCY_WORDS above).
CURRENCY_PREFIX = re.compile(rf"(?:[A-Z]{{1,3}})?[{CURRENCY_SIGNS}]\s?$")

# How a sentence states a cause. Each pattern's group "cause" is the cause as written;
# the cause stands after a connective ("caused by", "blamed on", "due to", "because",
# "started when") or before a verb of causing ("a heater set packaging alight", "a spark
# ignited the dust", "an electrical fault sparked the fire").
_CAUSE_END = (
    r"(?=\s*(?:[,;:.!?\"”)]"
    r"|\s(?:and\s+(?:that|then|was|were)|according to|[a-z]+ (?:said|says|told))\b)|$)"
)
CAUSE_AFTER = re.compile(
    r"\b(?:(?:was|were|is|are|been|being|be)\s+(?:probably\s+|likely\s+|partly\s+)?"
    r"(?:caused|started|sparked|triggered|set off|ignited|started off)\s+by"
    r"|blamed\s+(?:it\s+)?on|(?:was|were|is|are)\s+(?:due|attributed|put down)\s+to"
    r"|due\s+to|owing\s+to|because\s+of|because|as\s+a\s+(?:direct\s+)?result\s+of"
    r"|(?:started|began|broke\s+out|happened|ignited|erupted|spread)\s+(?:when|after)"
    r"|(?:the|its|a)\s+(?:likely|probable|possible|main|chief|direct)?\s?"
    r"cause\s+(?:was|is|had been)"
    r")\s+(?P<cause>[^,;.!?\"”]{3,160}?)" + _CAUSE_END,
    re.I,
)
# "X set Y alight", "X sparked the fire": the cause is the words before the verb, back to
# the clause's start (after "said", "that", a comma or the sentence's start).
CAUSE_BEFORE = re.compile(
    r"(?:^|[,;:]\s*|\b(?:said|says|that|told\s+\w+|believe[sd]?|thinks?|suspects?)\s+)"
    r"(?P<cause>(?:(?!\b(?:said|says|that)\b)[^,;.!?\"”]){3,120}?)"
    r"(?<!\bwas)(?<!\bwere)(?<!\bis)(?<!\bare)(?<!\bbeen)(?<!\bbe)\s+"
    r"(?:(?:had|has|may\s+have|probably|likely|apparently)\s+)?"
    r"(?:caused|sparked|triggered|ignited|set\s+(?:\w+\s+){1,3}(?:alight|on\s+fire|ablaze)"
    r"|set\s+off|started\s+the|led\s+to\s+the|was\s+(?:the|a)\s+(?:likely\s+|probable\s+|possible\s+|main\s+)?cause)\b",
    re.I,
)
# "an electrical fault ... as the likely cause": the cause is the object before "as".
CAUSE_AS = re.compile(
    r"\b(?:examining|investigating|named|identified|cited|gave|blamed|suspect\w*)\s+"
    r"(?P<cause>[^,;.!?\"”]{3,120}?)\s+as\s+(?:the|a)\s+(?:\w+\s+)?cause\b",
    re.I,
)
# Question words that ask for a cause, kept out of the words a cause sentence must hold.
CAUSE_QUESTION_WORDS = frozenset(
    {"why", "cause", "caused", "causes", "start", "started", "began", "begin", "reason"}
)
# Question words that ask for a share ("What share of ...?"), kept out of the words a
# sentence must hold: "70% of the plant" gives it without them.
SHARE_WORDS = frozenset({"share", "percentage", "proportion", "fraction", "percent", "cent"})
# A share written in words: "half", "a third", "two-thirds", "three quarters", "one in five",
# "nine out of ten".
FRACTION = re.compile(
    r"\b(?:halve?s?|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b"
    r"|\b(?:\w+|\d+)\s+(?:in|out\s+of)\s+(?:\w+|\d+)\b",
    re.I,
)
