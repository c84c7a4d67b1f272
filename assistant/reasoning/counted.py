"""What a number counts, read from the parse: the noun it goes with and the event it is of.

One place for the rule that a number counting something else is not a claim about the
event's count (issue 22): in "relatives of two of the workers killed gathered", "two"
picks out some of the workers whose relatives came, so it is neither a toll nor a count
of anything the sentence claims. Two shapes say so, in any language of news writing:

- a part of a whole: the number heads "N of the X" ("two of the workers", "six of
  them"), so it counts a part, never the whole X;
- a qualifier: the number's phrase hangs, by a preposition, on another plural noun
  ("the families *of* 11 victims"; a singular one is made of them: "a convoy of 40
  trucks"): it describes that noun,
  unless that noun is a size or a statement of one ("a *total* of 11", "the *deaths*
  of 11 people", "a *toll* of 11"). This is a rule about counts: a sum or a share
  hanging on a noun measures it ("revenue of $7.2 billion"), so callers ask it of
  plain numbers only.

Claims (:mod:`assistant.reasoning.claims`) and the short answers' rivals
(:mod:`assistant.reasoning.shortanswer`) both ask :func:`counts_other`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.index.terms import NUMBER_TOKEN_WORDS, terms
from assistant.language import (
    ORDINALS,
    PARTITIVES,
    POSSESSIVES,
    SIZE_NOUNS,
    STATEMENT_NOUNS,
)
from assistant.reasoning.nlp import Parsed, Word

# "two of the workers", "six of them", "three of its staff": a part of a whole. Not
# "dozens of workers" (no determiner: that is how many workers there are).
_PART_OF = re.compile(
    r"\s+of\s+(?:the|these|those|them|us|whom|which|" + "|".join(sorted(POSSESSIVES)) + r")\b",
    re.IGNORECASE,
)
# Relative pronouns of a partitive: "of whom", "of which".
_RELATIVES = frozenset({"whom", "which"})
# A number in an "of whom"/"of which" clause is a part of what the clause hangs on ("of
# whom 1,900 are men and 2,300 are women": both).
_AFTER_OF_WHOM = re.compile(
    r"\bof\s+(?:whom|which)\s+(?:[^,;.!?]|[,.](?=\d))*$", re.IGNORECASE
)  # a comma or point inside a number ("1,900") does not end the clause
# What stands before a number that opens its own clause: a comma, a semicolon, a dash, or
# the start of the text ("Forty were on board, two of whom died").
_CLAUSE_OPENS = re.compile(r"(?:^|[,;:\u2013\u2014(]|\band)\s*$", re.IGNORECASE)
# A preposition (and a determiner) right before a number: only then can its phrase hang
# on another noun, so only then is the sentence parsed for it.
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|for|to|with|among|from|by|about|on)\s+(?:(?:the|all|some|its|their|his|her)\s+)?$",
    re.IGNORECASE,
)
# Dependency labels of a word that is a noun's (the parser has no part-of-speech tagger
# here, so a word's role in its clause tells nouns from verbs).
_NOUN_ROLES = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "npadvmod", "dative", "oprd"}
)
# Words whose size the number after "of" gives, or that state a count: the number
# still counts ("a total of 11", "the deaths of 11 people", "a toll of 11").
_SIZE_TERMS = frozenset(terms(" ".join(SIZE_NOUNS | STATEMENT_NOUNS)))
_LOOK_BACK = 48
# Plurals that do not end in "s".
PLURAL_NOUNS = frozenset({"people", "children", "men", "women", "police", "staff", "folk"})
_LAST_WORD = re.compile(r"(\w+)\W*$")
# Words that make a number a fraction ("a third", "two thirds", "half"), singular.
_FRACTIONS = frozenset(ORDINALS) | {"half", "halve", "quarter"}


@dataclass(frozen=True)
class Counted:
    """What the number at a place counts, by the parse.

    Attributes:
        noun: The noun it counts, as written ("people" in "380 people"), or None when the
            number stands alone ("raised £42,000").
        event: The verb or noun it goes with ("employs", "destroyed", "raised"), or None.
        owner: The subject of that event ("fund" in "the fund raised £42,000"), or the noun
            the number's phrase hangs on ("budget" in "a budget of 41 million crowns").
    """

    noun: str | None = None
    event: str | None = None
    owner: str | None = None


def part_of_whole(text: str, end: int, start: int | None = None) -> bool:
    """The number ending at ``end`` heads "N of the X": it counts a part of X, not X.

    So does one in an "of whom" or "of which" clause ("4,200 people, of whom 1,900 are
    men and 2,300 women": parts of the 4,200), given its ``start``. A number that "of whom"
    follows without a break counts the whole ("a population of 4,200 of whom ..."):
    only one opening its own clause ("..., two of whom died") is a part. A fraction is
    a share of X, not a count ("a third of the blossom"): it is kept.
    """
    if start is not None and _AFTER_OF_WHOM.search(text, max(0, start - _LOOK_BACK), start):
        return True
    found = _PART_OF.match(text, end)
    if found is None:
        return False
    if found.group(0).split()[-1].lower() in _RELATIVES and not _CLAUSE_OPENS.search(
        text, max(0, start - _LOOK_BACK) if start is not None else 0, start or 0
    ):
        return False  # "a population of 4,200 of whom ...": the whole, described
    last = _LAST_WORD.search(text, max(0, end - _LOOK_BACK), end)
    word = last.group(1).lower() if last else ""
    return word.removesuffix("s") not in _FRACTIONS


def may_qualify(text: str, start: int) -> bool:
    """A preposition stands right before ``start``: the number may qualify another noun.

    A cheap test before parsing: without one, :func:`qualifies` cannot hold.
    """
    return _PREPOSITION_BEFORE.search(text, max(0, start - _LOOK_BACK), start) is not None


def _head_word(parsed: Parsed, start: int, end: int) -> int | None:
    """The word of ``[start, end)`` whose head lies outside it: the phrase's own head."""
    inside = [k for k, w in enumerate(parsed.words) if w.start < end and w.end > start]
    for k in reversed(inside):
        head = parsed.words[k].head
        if head == k or not start <= parsed.words[head].start < end:
            return k
    return inside[-1] if inside else None


def _noun_phrase_head(parsed: Parsed, k: int) -> int:
    """The noun the number at word ``k`` counts, or ``k`` itself when it stands alone."""
    w = parsed.words[k]
    if w.dep in ("nummod", "quantmod", "compound", "amod") and w.head != k:
        head = parsed.words[w.head]
        # "41 million crowns": the number is a compound of "million", itself a nummod.
        if head.dep in ("nummod", "quantmod") and head.head != w.head:
            return head.head
        return w.head
    return k


def _owner_of(parsed: Parsed, k: int) -> int | None:
    """The subject of the event at word ``k``, if it has one."""
    for c in parsed.children.get(k, []):
        if parsed.words[c].dep in ("nsubj", "nsubjpass"):
            return c
    return None


def counted(parsed: Parsed, start: int, end: int) -> Counted:
    """What the number at ``[start, end)`` of the parsed text counts (see :class:`Counted`)."""
    k = _head_word(parsed, start, end)
    if k is None:
        return Counted()
    words = parsed.words
    n = _noun_phrase_head(parsed, k)
    noun: Word | None = words[n] if n != k else None
    phrase = words[n]
    event: int | None = phrase.head if phrase.head != n else None
    owner: int | None = None
    if event is not None and words[event].dep == "prep":
        # "burned for six hours", "a budget of 41 million crowns": through the preposition.
        prep = event
        event = words[prep].head if words[prep].head != prep else None
        if event is not None and words[event].dep in _NOUN_ROLES:
            owner = event
    if event is not None and owner is None:
        owner = _owner_of(parsed, event)
    return Counted(
        noun.text if noun is not None else None,
        words[event].text if event is not None else None,
        words[owner].text if owner is not None else None,
    )


def qualifies(parsed: Parsed, start: int, end: int) -> str | None:
    """The noun that the number at ``[start, end)`` describes, when it describes one.

    The number's phrase is the object of a preposition that hangs on a noun ("the
    families of 11 victims" gives "families"); not when that noun is a size, a count or
    a part ("a total of 11", "the deaths of 11", "one of the 11 killed").
    """
    k = _head_word(parsed, start, end)
    if k is None:
        return None
    words = parsed.words
    phrase = words[_noun_phrase_head(parsed, k)]
    if phrase.dep != "pobj":
        return None
    prep = words[phrase.head]
    if prep.dep != "prep" or prep.head == phrase.head:
        return None
    owner = words[prep.head]
    if owner.dep not in _NOUN_ROLES:
        return None  # "puts the toll at 11": the preposition hangs on a verb
    word = owner.text.lower()
    # A singular noun is made of the number ("a convoy of 40 trucks", "a crowd of 300"):
    # only a plural one is another set of things, described by it ("relatives of 11").
    if not (word in PLURAL_NOUNS or (word.endswith("s") and not word.endswith("ss"))):
        return None
    if word in PARTITIVES or word in NUMBER_TOKEN_WORDS or word[:1].isdigit():
        return None
    if set(terms(word)) & _SIZE_TERMS:
        return None
    return owner.text


def counts_other(text: str, start: int, end: int, parse: Parsed | None = None) -> bool:
    """The number at ``[start, end)`` of ``text`` counts a part, or describes another noun.

    Either way it is no claim about how many of what it stands beside there are (see the
    module). ``parse``: the text's parse, needed only for the second shape and only
    read when a preposition stands right before the number; None skips that shape.
    """
    if part_of_whole(text, end, start):
        return True
    if parse is None or not may_qualify(text, start):
        return False
    return qualifies(parse, start, end) is not None
