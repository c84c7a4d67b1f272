"""Does a sentence give an entity *as the answer*, or only mention it near the topic?

A passage about the right event can name the wrong person: "Lee reached the Alpha Cup
final" does not answer "Who won the Alpha Cup?", nor does "Ann Chan, the former CEO of
Acme" answer "Who is the CEO of Acme?". The question's *cue* is the word that says what
the answer does or is: its main verb ("won", "directed", "released") or, after "is",
its role noun ("the CEO", "the premiere date"). An entity answers only when its
sentence holds a word of the cue's family (the same stem, or one derived from it:
"win"/"winner", "direct"/"director") close to it in the sentence's dependency tree.

Questions with no such word ("Harvest Festival 2016 location", "What is the name of
...") have no cue and nothing is filtered. When no retrieved sentence uses a word of
the cue's family at all, the passages may be saying it in other words ("took the
title" for "won"), which this cannot judge; the caller then filters nothing either.
This is one job, done on the parse the
short-answer step already makes: no new model, no threshold read off a benchmark. The
tree distance (3 edges) is how far a subject stands from its verb through a
complement ("Lee became the first qualifier to win"); and a cue word that describes
another name on the way ("met Chan, the CEO") does not speak of this one.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from assistant.index.terms import terms
from assistant.language import COPULAS as _COPULAS
from assistant.reasoning.nlp import Entity, Parsed, Word

# Edges in the dependency tree between an answer and the cue word: subject to verb is
# 1; "Lee became the first qualifier to win" is 3.
MAX_DISTANCE = 3
# Cue words tried per entity, either side of it (see supports).
NEAREST = 8
_AUXILIARIES = _COPULAS | frozenset({"does", "did", "do", "will", "would", "has", "have", "had"})
_WH = frozenset({"who", "whom", "whose", "what", "which", "when", "where", "how"})
# Nouns that say what kind of answer is wanted, not what it does: "the release *date*",
# "the *name* of". Their lower-case modifiers ("release", "premiere") are the cue.
_GENERIC = frozenset(
    {"date", "day", "year", "time", "name", "location", "place", "number", "amount", "title"}
)
# Verbs whose object carries the meaning: "play the role", "hold the record", "take the
# title". Their lower-case object is a cue too ("reprise her role as ...").
_LIGHT_VERBS = frozenset({"play", "take", "hold", "make", "have", "get", "give"})
# A role held no longer: "the former CEO" is not "the CEO".
_NOT_NOW = frozenset({"former", "ex", "outgoing", "previous", "late", "then", "past"})
# What a shorter stem may grow by and stay one word family: win/winner, direct/director,
# found/founder, premier/premiere, announc/announcement.
_SUFFIXES = frozenset(
    {"e", "r", "d", "s", "er", "or", "ed", "ner", "ing", "ion", "ation", "ment", "ement"}
)
# Of those, the ones that make a noun for who does it (see same_family's ``agents``).
_AGENT_SUFFIXES = frozenset({"er", "or", "ner", "r"})


@dataclass(frozen=True)
class Cue:
    """What the answer must be said to do or be.

    Attributes:
        stems: The cue word's stems ("win" for "won").
        passive: The question is passive ("Who was awarded ...?"): the answer may be
            the verb's object.
        present: The question asks about now ("Who is ..."): a former holder is not it.
        of_names: The capitalised words after a role's "of" ("the CEO of *Acme*"): a
            sentence's same role *of* other names ("the CEO of Orbit") is another role.
        verb: The cue is the question's main verb ("won"), not a role after "is".
        object_head: Stems of the cue verb's object's head word ("cup" in "won the
            Alpha Cup").
        object_names: Stems of that object's capitalised modifiers ("alpha"): the same
            verb on the same kind of thing with other names ("won the Beta Cup") is
            another event.
    """

    stems: frozenset[str]
    passive: bool = False
    present: bool = False
    of_names: frozenset[str] = frozenset()
    verb: bool = False
    object_head: frozenset[str] = frozenset()
    object_names: frozenset[str] = frozenset()


def _stems(word: str) -> frozenset[str]:
    return frozenset(t for t in terms(word) if len(t) >= 3 and not t.isdigit())


def same_family(a: str, b: str, agents: bool = True) -> bool:
    """Two stems are one word family.

    They are equal, one is a derivation of the other, or they share their first five
    letters ("acquir", "acquisit"). With ``agents`` false, a noun for the one who
    does it ("fighter", "director") is not of the family: it can say who did a
    thing, never when.
    """
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    rest = long_[len(short) :]
    if not agents and rest in _AGENT_SUFFIXES:
        return False
    if long_.startswith(short) and rest in _SUFFIXES and (len(rest) > 1 or len(short) >= 5):
        return True  # one letter more only on a longer stem: "premier(e)", not "win(d)"
    return len(short) >= 5 and short[:5] == long_[:5]


def question_cue(question: Parsed) -> Cue | None:
    """The cue of a parsed question, or None when it has none (nothing is filtered)."""
    words = question.words
    if not words:
        return None
    roots = [i for i, w in enumerate(words) if w.head == i]
    if not roots:
        return None
    root = roots[0]
    cue_words: list[int] = []
    low = words[root].text.lower()
    if low in _COPULAS:
        # "Who is the director of X?", "What is the premiere date of X?"
        cue_words = [
            i
            for i, w in enumerate(words)
            if w.head == root and w.dep in ("attr", "nsubj") and w.text.lower() not in _WH
        ]
    elif low not in _AUXILIARIES:
        cue_words = [root]  # "Who won ...?", "When was X released?", "X location"
        if _stems(low) & _LIGHT_VERBS:
            cue_words += [
                k
                for k, w in enumerate(words)
                if w.head == root and w.dep == "dobj" and w.text.islower() and k != root
            ]
    # "runner-up" is three words to the parser, and the role may hang on any of them.
    cue_words = sorted({k for i in cue_words for k in _hyphenated(words, i)})
    stems: set[str] = set()
    of_names: set[str] = set()
    children = question.children
    for i in cue_words:
        if low in _COPULAS:
            of_names |= _of_names(question, children, i)
        if words[i].text.lower() in _GENERIC:
            # "the release date": the lower-case modifier says what happened on it
            stems |= {
                s
                for k, w in enumerate(words)
                if w.head == i and k != i and w.dep in ("compound", "amod") and w.text.islower()
                for s in _stems(w.text)
            }
        else:
            stems |= _stems(words[i].text)
    if not stems:
        return None
    passive = any(w.dep in ("nsubjpass", "auxpass") for w in words)
    present = any(w.text.lower() in ("is", "are", "does", "do") for w in words[:3])
    head: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    if low not in _COPULAS:
        objects = [k for k in children.get(root, []) if words[k].dep in _OBJECT_DEPS]
        named = [(k, _object_names(question, children, k)) for k in objects]
        k, names = next(((k, n) for k, n in named if n), (-1, frozenset()))
        head = _stems(words[k].text) if k >= 0 else frozenset()
    return Cue(
        frozenset(stems),
        passive,
        present,
        frozenset(of_names),
        low not in _COPULAS,
        head,
        names,
    )


# The object of a verb, as the parser labels it: "won *the Cup*", "named *the Teacher of
# the Year*" (an object predicate), "became *the champion*".
_OBJECT_DEPS = frozenset({"dobj", "oprd", "attr"})


def _object_names(parsed: Parsed, children: dict[int, list[int]], k: int) -> frozenset[str]:
    """Stems of the capitalised words that narrow word ``k`` ("Alpha" in "Alpha Cup")."""
    words = parsed.words
    return frozenset(
        s
        for c in children.get(k, [])
        if words[c].dep in ("compound", "nmod", "amod") and words[c].text[:1].isupper()
        for s in _stems(words[c].text)
    )


def _another_object(parsed: Parsed, children: dict[int, list[int]], i: int, cue: Cue) -> bool:
    """Cue word ``i`` is said of the same kind of thing under other names.

    "Lee won the Beta Cup" for "Who won the Alpha Cup?": the object's head is the
    question's ("Cup") and each side has a name the other lacks. A name only added or
    only left out ("the 2019 Alpha Cup", "the Cup") is the same thing.
    """
    if not cue.object_names:
        return False
    words = parsed.words
    for k in children.get(i, []):
        if words[k].dep not in _OBJECT_DEPS or not _stems(words[k].text) & cue.object_head:
            continue
        names = _object_names(parsed, children, k)
        if names - cue.object_names and cue.object_names - names:
            return True
    return False


def _hyphenated(words: tuple[Word, ...], i: int) -> range:
    """The words of the hyphenated word that word ``i`` is part of ("runner", "-", "up")."""
    lo = hi = i

    def joined(a: int, b: int) -> bool:  # touching, with a hyphen between or on one side
        return words[a].end == words[b].start and "-" in (words[a].text, words[b].text)

    while lo > 0 and joined(lo - 1, lo):
        lo -= 1
    while hi + 1 < len(words) and joined(hi, hi + 1):
        hi += 1
    return range(lo, hi + 1)


def _of_names(parsed: Parsed, children: dict[int, list[int]], i: int) -> set[str]:
    """Stems of the capitalised words in word ``i``'s "of" phrase.

    "CEO of the Acme Group" gives {"acme", "group"}; "CEO of the company" nothing.
    """
    words = parsed.words
    out: set[str] = set()
    for p in children.get(i, []):
        if words[p].dep != "prep" or words[p].text.lower() != "of":
            continue
        for o in children.get(p, []):
            if words[o].dep != "pobj":
                continue
            for k in [o, *children.get(o, [])]:
                if words[k].dep in ("pobj", "compound") and words[k].text[:1].isupper():
                    out |= _stems(words[k].text)
    return out


def cue_positions(parsed: Parsed, cue: Cue | None, agents: bool = True) -> list[int]:
    """The words of a sentence in the cue's family (a role "former" holders aside).

    Computed once per sentence, then shared by every entity in it. ``agents``: see
    :func:`same_family` (false for questions about when or how much).
    """
    if cue is None:
        return []
    children = parsed.children
    out = []
    for i, word in enumerate(parsed.words):
        if not any(same_family(s, c, agents) for s in _stems(word.text) for c in cue.stems):
            continue
        if cue.present and any(
            parsed.words[k].text.lower() in _NOT_NOW for k in children.get(i, [])
        ):
            continue
        if cue.of_names:
            names = _of_names(parsed, children, i)
            if names and not names & cue.of_names:
                continue  # "the president of Orbit" is not "the president of Acme"
        if _another_object(parsed, children, i, cue):
            continue  # "won the Beta Cup" is not "won the Alpha Cup"
        out.append(i)
    return out


def supports(
    parsed: Parsed,
    entity: Entity,
    cue: Cue | None,
    wants_subject: bool,
    positions: list[int] | None = None,
) -> bool:
    """The sentence gives ``entity`` in the relation the question asks about.

    Args:
        parsed: The sentence's parse (``entity`` is one of its entities).
        entity: The candidate answer.
        cue: The question's cue (None: every entity is supported).
        wants_subject: The question asks who or what *did* it ("Who won?"): the cue
            verb's direct object ("won *an award*") is not the answer.
        positions: :func:`cue_positions` for this sentence, when already found.
    """
    if cue is None or entity.root < 0:
        return True
    words = parsed.words
    head = words[entity.root]
    found = cue_positions(parsed, cue) if positions is None else positions
    # Only the cue words nearest the entity in the text are tried: three links in a
    # tree span a clause, and a sentence that repeats the cue thousands of times
    # must not make every entity try every one of them.
    at = bisect.bisect_left(found, entity.root)
    for i in found[max(0, at - NEAREST) : at + NEAREST]:
        if entity.start <= words[i].start < entity.end:
            continue  # "the Director's Cut" names a thing; it is not a director
        if (
            wants_subject
            and not cue.passive
            and head.head == i
            and head.dep == "dobj"
            and i in parsed.subject_heads
        ):
            continue  # "Lee won the Orbit Medal": the medal did not win ("a film starring Lee" did)
        if head.dep == "pobj" and words[head.head].dep == "agent" and words[head.head].head != i:
            continue  # "directed by Lee and starring Chan": Lee directed; Lee did not star
        if _linked(parsed, entity.root, i, who=wants_subject):
            return True
    return False


# Dependencies by which a word narrows the noun above it ("the *Acme* CEO", "a
# *Medal*-winning director").
_MODIFIER_DEPS = frozenset({"compound", "amod", "npadvmod", "nmod"})


def _modifies(parsed: Parsed, ent: int, cue: int) -> bool:
    """The entity only describes the cue word ("the *Acme* CEO").

    Every step up from it to the cue is a modifier, and it is not written onto the cue
    with a hyphen ("Lee-directed": Lee directed).
    """
    words = parsed.words
    i = ent
    while i != cue:
        if words[i].dep not in _MODIFIER_DEPS or words[i].head == i:
            return False
        i = words[i].head
    first, last = sorted((ent, cue))
    between = words[first : last + 1]
    joined = all(a.end == b.start for a, b in itertools.pairwise(between))
    return not joined


def _given_for(parsed: Parsed, ent: int, meet: int, below: int) -> bool:
    """The entity is what a verb gives or wins *for* the cue.

    "Lee won the Orbit Medal for best director": the medal is the verb's direct object,
    and the cue stands in the verb's "for" phrase.
    """
    words = parsed.words
    return (
        below >= 0
        and words[ent].head == meet
        and words[ent].dep == "dobj"
        and words[below].dep == "prep"
        and words[below].text.lower() == "for"
    )


def _linked(parsed: Parsed, ent: int, cue: int, who: bool = True) -> bool:
    """The cue word says something of the entity, within :data:`MAX_DISTANCE` edges.

    "Lee won", "Lee, the winner", "Lee became the first to win", "Lee took the title
    as the overall winner" link; "Lee met Chan, the CEO" does not: on the way from
    "CEO" to what joins it to Lee stands another name (the head of another of the
    sentence's entities), and the CEO describes that one.
    Only ``MAX_DISTANCE`` steps up from each word are walked, so this costs the same
    in a sentence of any length. ``who``: the question asks who or what; a name that
    only narrows the cue ("the Acme CEO") is then not the one. A date that narrows it
    is when ("the May 4 premiere").
    """
    words = parsed.words
    depth: dict[int, int] = {}
    i = ent
    for n in range(MAX_DISTANCE + 1):
        depth.setdefault(i, n)
        i = words[i].head
    j = cue
    below = -1
    for m in range(MAX_DISTANCE + 1):
        if j in depth:
            if j == ent and below >= 0 and words[below].dep == "prep":
                return False  # "the Orbit Medal for best director": a prize is not a director
            if _given_for(parsed, ent, j, below):
                return False  # "Lee won the Orbit Medal for best director": Lee did; the medal not
            if who and j == cue and _modifies(parsed, ent, cue):
                return False  # "the Orbit Medal-winning director", "the Acme CEO": not the one
            return depth[j] + m <= MAX_DISTANCE
        if j in parsed.entity_roots and j != cue and j != ent:
            return False
        if words[j].head == j:  # the root: nothing above it
            return False
        below, j = j, words[j].head
    return False
