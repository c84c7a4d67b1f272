"""Whether an attribution makes its subject a speaker or only the doer of a deed."""

from __future__ import annotations

import re

from assistant.language import (
    DECLARING_VERBS,
    HEDGES,
    NUMBER_WORDS,
    SCALES,
    VAGUE_QUANTITIES,
    WEEKDAYS,
    phrases,
)
from assistant.reasoning.attribution import Attribution

# What opens a figure written in words: a hedge ("at least"), a vague quantity
# ("dozens"), a number word ("twelve") or a scale ("hundred").
_FIGURE_WORD = phrases({*HEDGES, *VAGUE_QUANTITIES, *NUMBER_WORDS, *SCALES})
# After "announced", "reported", "confirmed" ...: a clause, a quote or a figure makes it a
# statement ("confirmed 25 deaths", "announced that ..."), an object does not ("Acme
# announced the Nova", "Globex reported its earnings").
_STATEMENT_AFTER = re.compile(
    r"\s*(?:(?:today|yesterday|earlier|later|publicly|officially|again|also|"
    r"on\s+(?:" + "|".join(WEEKDAYS) + r")|last\s+\w+|this\s+\w+|in\s+a\s+statement)"
    r"\s*,?\s*)*"
    r"(?:that\b|[\"“'‘:,]|\d|(?:" + _FIGURE_WORD + r")\b)",
    re.IGNORECASE,
)


def speaks(sentence: str, attribution: Attribution) -> bool:
    """True when the attribution makes its subject a speaker, not just the doer of a deed.

    "The Kremlin said ..." and "X confirmed 25 deaths" report what a source said;
    "Acme announced the Nova 7" tells what Acme did: the sentence, not Acme, says
    it. Only a speaker is named as the voice of a sentence or as a claim's source.
    """
    if attribution.is_pronoun:
        return False
    verb = (attribution.verb or "").lower()
    # Only a declaring verb ("announced") can tell of a deed; "said", "according to" or a
    # relayed source ("X, citing Y") always report speech.
    if attribution.via or verb not in DECLARING_VERBS:
        return True
    text = re.sub(r"\s*\([^()]*\)", "", sentence)  # as find_attributions reads it
    m = re.compile(re.escape(verb) + r"\b", re.IGNORECASE).search(text, attribution.pos)
    return bool(m and _STATEMENT_AFTER.match(text, m.end()))
