"""Whether a sentence says a thing is so, denies it, or leaves it unsaid, from its parse.

A word of a sentence (a figure, a name, a verb) is *denied* when a negation or a
denial governs it in the sentence's dependency tree, on the way from the word up to
the root:

- its own verb, or a word above it, is negated: "77 people were *not* killed";
- the subject of a verb above it is "none" or "no one": "*None* of the 50 passengers
  were hurt", "*No one* among the 300 residents was killed";
- it sits in a statement that a denial verb or noun governs: "*denied* that 99 people
  were killed", "*rejected* reports that 66 ...", "the *denial* that ...";
- it sits in a statement called false: "it was *false* that 88 ...", "reports that 55
  died are *untrue*", "*falsely* claimed that 60 ...".

Two of them cancel ("did *not* deny that 45 ..."). A statement that a negated verb
governs ("would *not* confirm reports that 99 ...", "*refused* to say that ...") is
*withheld*: not said, and not denied either.

What does not govern the word is left alone: a negation in another clause ("The mayor,
who did not attend, said 30 people were hurt"), another conjunct ("would not say ...,
but local media put the toll at 99"), a denial verb in its sense of refusing or
removing, which governs no statement ("were *denied* entry", "*dismissed* 40 workers"),
and the hedges and idioms "no more than 20", "not only", "not until". The words live in
:mod:`assistant.language`; this module reads the parse of :mod:`assistant.reasoning.nlp`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.index.terms import is_number, terms
from assistant.language import (
    COPULAS,
    DECLINING_VERBS,
    DENIAL_WORDS,
    FALSITY_WORDS,
    NEGATIVE_PRONOUNS,
    NEGATORS,
    NOT_NEGATING_BEFORE,
    OPENING_NEGATORS,
    PARTITIVES,
    QUALIFYING_MARKS,
    STATEMENT_NOUNS,
    phrases,
)
from assistant.reasoning.nlp import Parsed

Stance = Literal["said", "denied", "withheld"]

# The longest sentence parsed to see what its negations govern: news sentences run to a
# few hundred characters. A longer run with no sentence end is no sentence a parser reads
# well (a table, a list, an unpunctuated dump), and parsing it would cost more than the
# rest of the work on it.
MAX_PARSED = 2_000

# Dependencies that open a clause below a word: passing one, the walk is inside a
# statement ("denied *that 99 people were killed*", "reports *that 66 ...*").
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "acl", "relcl", "csubj", "csubjpass", "pcomp", "advcl"})
# How a statement hangs from a denial word: as its clause, its object, its subject when
# passive ("reports that ... were denied"), or through "of" ("the denial of reports ...").
_DENIED_DEPS = frozenset(
    {"ccomp", "xcomp", "dobj", "nsubjpass", "csubjpass", "pcomp", "acl", "prep", "attr", "oprd"}
)
# How a word calling a statement false hangs from the word it judges.
_FALSITY_DEPS = frozenset({"acomp", "attr", "amod", "advmod", "oprd"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
# The dependencies of a noun phrase in its clause: a word with one of them is a noun.
_NOMINAL_DEPS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "dative", "appos", "oprd", "npadvmod"}
)

# A quick look before parsing: a text with none of these words negates nothing.
_CUE = re.compile(
    r"\b(?:"
    + phrases(
        NEGATORS
        | OPENING_NEGATORS
        | NEGATIVE_PRONOUNS
        | DENIAL_WORDS
        | DECLINING_VERBS
        | FALSITY_WORDS
    )
    + r"|no\s+one)\b|n[’']t\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Flip:
    """A word that governs another and turns what is said of it.

    Attributes:
        word: The governing word's index in :attr:`Parsed.words`.
        kind: ``deny`` (a negation, a denial, "false"), ``withhold`` (a negated verb
            over a statement: "would not confirm that ...") or ``qualify`` (a statement
            made a question or a condition: "whether ...", "if ..."), which turns
            nothing but is not an assertion either.
    """

    word: int
    kind: Literal["deny", "withhold", "qualify"]


def may_negate(text: str) -> bool:
    """True when ``text`` holds a word of negation or denial (worth parsing to see what)."""
    return _CUE.search(text) is not None


def _negator(parsed: Parsed, k: int) -> bool:
    """Word ``k`` negates the word above it ("not", "no", an opening "Nor"), not as a hedge."""
    words = parsed.words
    w = words[k]
    if w.text.lower() in OPENING_NEGATORS:  # "Nor were 12 people hurt"
        return w.dep == "cc" and all(not v.text[:1].isalnum() for v in words[:k])
    if w.dep not in ("neg", "det") or w.text.lower() not in NEGATORS:
        return False
    after = words[k + 1].text.lower() if k + 1 < len(words) else ""
    return after not in NOT_NEGATING_BEFORE  # "no more than 20", "not until"


def _negative(parsed: Parsed, children: dict[int, list[int]], k: int) -> bool:
    """Word ``k`` means no one or nothing: "none", "nobody", "no one", "no deaths"."""
    if parsed.words[k].text.lower() in NEGATIVE_PRONOUNS:
        return True
    return any(_negator(parsed, c) for c in children.get(k, []))


def governors(parsed: Parsed, i: int, children: dict[int, list[int]] | None = None) -> list[Flip]:
    """The words that negate, deny, withhold or qualify word ``i`` of a parsed sentence.

    Walks from ``i`` up to the root. At each word on the way, what hangs from it off
    the way counts: its negators, a negative subject, a word calling it false; and the
    word itself when it is a denial ("denied"), a refusal ("refused to") or "none". A
    word reached from another conjunct governs only through what is above it: in "would
    not say ..., but media put the toll at 99", "not" belongs to "say" alone.

    Args:
        parsed: The sentence's parse.
        i: The word's index in ``parsed.words``.
        children: The parse's children by head (computed when not given).
    """
    words = parsed.words
    kids = parsed.children if children is None else children
    out: list[Flip] = []
    statement = False  # the walk has passed a clause or a noun naming a statement
    # The walk has passed a noun's "of" phrase (or another of its prepositions): "did not
    # release the names *of the 12 people killed*" takes the 12 as given, so a negated
    # verb above does not deny it; "none of the 50", "any of the 40" are parts of the
    # group, and do.
    modifier = False
    prev = -1
    x = i
    via_conj = False
    for _ in range(len(words)):
        w = words[x]
        low = w.text.lower()
        if not via_conj:
            edge = words[prev].dep if prev >= 0 else ""
            # Flips that turn a statement below a negated verb are "withhold": "would not
            # confirm reports that 99 ..." neither says nor denies 99. A copula's negation
            # denies ("it is not true that ..."), and so does one on the word's own verb.
            weak = statement and low not in COPULAS and low not in DENIAL_WORDS
            kind: Literal["deny", "withhold"] = "withhold" if weak else "deny"
            # Below a noun's prepositional phrase, only a statement is turned.
            negates = statement or not modifier
            for c in kids.get(x, []):
                if c == prev:
                    continue
                dep = words[c].dep
                if negates and _negator(parsed, c):
                    out.append(Flip(c, kind))
                elif negates and dep in _SUBJECT_DEPS and _negative(parsed, kids, c):
                    out.append(Flip(c, kind))  # "None of the 50 passengers were hurt"
                elif statement and dep in _FALSITY_DEPS and words[c].text.lower() in FALSITY_WORDS:
                    out.append(Flip(c, "deny"))  # "it was false that ...", "falsely claimed"
                elif dep == "mark" and words[c].text.lower() in QUALIFYING_MARKS:
                    out.append(Flip(c, "qualify"))  # "whether 99 people were killed"
            if prev >= 0 and statement:
                if low in DENIAL_WORDS and edge in _DENIED_DEPS:
                    out.append(Flip(x, "deny"))  # "denied that ...", "rejected reports that ..."
                elif low in DECLINING_VERBS and edge == "xcomp":
                    out.append(Flip(x, "withhold"))  # "refused to confirm that ..."
                elif low in FALSITY_WORDS and edge in _CLAUSE_DEPS:
                    out.append(Flip(x, "deny"))  # "false that ..." when the clause hangs there
            if prev >= 0 and low in NEGATIVE_PRONOUNS:
                out.append(Flip(x, "deny"))  # "none of the 50 passengers"
        if w.head == x:
            break
        if w.dep in _CLAUSE_DEPS or low in STATEMENT_NOUNS:
            statement = True
        if prev >= 0 and words[prev].dep == "prep" and w.dep in _NOMINAL_DEPS:
            modifier = modifier or low not in PARTITIVES
        via_conj = w.dep == "conj"
        prev, x = x, w.head
    return out


def stance_of(flips: list[Flip]) -> Stance:
    """What the flips make of a word: said, denied (an odd number) or withheld."""
    turning = [f for f in flips if f.kind != "qualify"]
    if len(turning) % 2 == 0:
        return "said"
    return "withheld" if all(f.kind == "withhold" for f in turning) else "denied"


def head_in(parsed: Parsed, start: int, end: int) -> int:
    """The word that heads the characters ``[start, end)``, or -1 when no word is there.

    Of the words overlapping the span, the one whose head lies outside it ("20" in
    "more than 20").
    """
    words = parsed.words
    inside = [k for k, w in enumerate(words) if w.start < end and start < w.end]
    for k in inside:
        if words[k].head not in inside or words[k].head == k:
            return k
    return inside[0] if inside else -1


def span_stance(parsed: Parsed, start: int, end: int) -> Stance:
    """Whether the sentence says, denies or withholds the words at ``[start, end)``."""
    k = head_in(parsed, start, end)
    return "said" if k < 0 else stance_of(governors(parsed, k))


def term_stances(parsed: Parsed, among: frozenset[str] | None = None) -> dict[str, Stance]:
    """Each content term of a sentence (of those ``among``, if given), with its stance.

    A term written several times is said when any of its words is said ("the bridge
    reopened; the tunnel did not reopen" says "reopen"), denied when any is denied and
    none is said, and withheld otherwise. Only the words of the terms asked about are
    walked, so a long sentence costs its few matching words, not all of them.
    """
    kids = parsed.children
    out: dict[str, Stance] = {}
    rank = {"said": 2, "denied": 1, "withheld": 0}
    for k, w in enumerate(parsed.words):
        found = [t for t in terms(w.text) if among is None or t in among]
        if not found:
            continue
        stance = stance_of(governors(parsed, k, kids))
        for t in found:
            if t not in out or rank[stance] > rank[out[t]]:
                out[t] = stance
    return out


def compare(
    a: Parsed, b: Parsed, numbers_only: bool = False
) -> Literal["same", "opposite", "unsaid", "affirmed"]:
    """How the second sentence stands towards the first on what they share, term by term.

    ``opposite`` when a shared term is said in one and denied in the other ("The
    council did not order an evacuation" against "The council ordered an evacuation");
    ``unsaid`` when the first says it and the second only withholds it ("would not
    confirm that the bridge reopened"); ``affirmed`` when the first withholds it ("there
    is no evidence that the bridge reopened") and the second says it; ``same``
    otherwise. "The mayor, who did not attend, said the bridge reopened" and "The
    bridge reopened" are the same: the negation is of "attend", which the other does
    not speak of.

    Args:
        a: One sentence's parse.
        b: The other's.
        numbers_only: Compare only the numbers the two share ("99" said in one, denied
            in the other), not the words around them.
    """
    texts = [" ".join(w.text for w in p.words) for p in (a, b)]
    if not any(may_negate(t) for t in texts):
        return "same"
    ta, tb = ({t for w in p.words for t in terms(w.text)} for p in (a, b))
    shared = frozenset(t for t in ta & tb if is_number(t) or not numbers_only)
    sa, sb = term_stances(a, shared), term_stances(b, shared)
    pairs = [(sa[t], sb[t]) for t in sa.keys() & sb.keys()]
    if any({x, y} == {"said", "denied"} for x, y in pairs):
        return "opposite"
    if ("said", "withheld") in pairs:
        return "unsaid"
    if ("withheld", "said") in pairs:
        return "affirmed"
    return "same"


def outside_governors(parsed: Parsed, start: int, end: int) -> list[int]:
    """The words outside ``[start, end)`` that negate, deny or qualify a word inside it.

    A quote that leaves them out says something its sentence does not: "99 people were
    killed" cut from "The office denied that 99 people were killed".
    """
    words = parsed.words
    kids = parsed.children
    found: set[int] = set()
    for k, w in enumerate(words):
        if start <= w.start and w.end <= end:
            for f in governors(parsed, k, kids):
                g = words[f.word]
                if not (start <= g.start and g.end <= end):
                    found.add(f.word)
    return sorted(found)
