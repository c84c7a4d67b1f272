"""Who speaks: whether an attribution makes its subject a speaker, and one name per speaker.

:func:`speaks` tells a speaker ("X said ...") from the doer of a deed ("X announced the
Nova"); :class:`SpeakerNames` resolves the ways a corpus names one person or body
("Mayor Ada Brook", "Brook", "the mayor") to one name, which ``claims``, ``ask`` and
``summary`` use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.language import (
    ARTICLES,
    DECLARING_VERBS,
    HEDGES,
    NUMBER_WORDS,
    PERSON_NOUNS,
    POSSESSIVES,
    SCALES,
    VAGUE_QUANTITIES,
    WEEKDAYS,
    phrases,
)
from assistant.reasoning.attribution import Attribution

if TYPE_CHECKING:
    from assistant.reasoning.claims import Claim

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


# -- One person, one speaker ---------------------------------------------------------------
#
# A person is named in many ways across a pile: "Mayor Ada Brook", "Ada Brook, the mayor,",
# "Brook", "the mayor". A body too: "the Harbour Workers Union", "the union". Across the
# corpus each is resolved to one name as written, so that rows merge and sides are named
# alike. A bare surname resolves to the one full name that ends with it; a definite
# description ("the mayor", or a title alone: "Mayor says ...") to the one named speaker
# the corpus describes so (by a title before the name, an appositive beside it, or the
# last word of a body's name). Where two fit, nothing is resolved: a wrong merge would
# put one person's words in another's mouth.

_NAME_WORD = r"[A-Z][\w’'-]*"
# An appositive after a name ("Ada Brook*, the mayor,*"), read where the name ends, and a
# name before a description ("*Ada Brook*, the mayor"), read where the description starts.
# Fixed patterns, matched at a place found by str.find: a pattern per speaker would be
# compiled again for each (the regex cache holds 512), which made a large corpus slow.
_APPOSITIVE_AFTER = re.compile(r",\s+(?:the|a|an)\s+([^,.;:!?]+?)\s*[,.;]")
_NAME_BEFORE = re.compile(r"(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r")+),\s+$")
_NAME_REACH = 120  # characters before a description searched for a name
# Words after which a name's head has ended: "a spokeswoman *for* the port".
_AFTER_HEAD = frozenset({"of", "for", "from", "with", "at", "in", "on", "to", "and", "or"})
_DEFINITE = frozenset({"the"}) | POSSESSIVES


@dataclass(frozen=True)
class _Mention:
    """How one mention names its speaker: a name, the words that describe it, or both."""

    name: str  # the words of a name without its title ("Ada Brook"), "" when described
    describers: frozenset[str]  # lower-case heads that describe it: {"mayor"}, {"union"}
    definite: bool  # a description that points to one ("the mayor"), not "a spokesman"
    prefixed: bool  # written as title and name ("Mayor Ada Brook")


def _head_words(who: str) -> list[str]:
    """The words of ``who`` up to where its head ends, without an opening determiner."""
    words = who.replace("’s", "'s").split()
    if words and words[0].lower() in ARTICLES | POSSESSIVES:
        words = words[1:]
    end = next((i for i, w in enumerate(words) if i and w in _AFTER_HEAD), len(words))
    return [w.strip(",;:") for w in words[:end]]


def _mention(who: str, sentence: str) -> _Mention:
    """Read one speaker's name as written in ``sentence``.

    "Mayor Ada Brook": the name "Ada Brook" described by "mayor". "the mayor": no
    name, definite. "Ada Brook" with "Ada Brook, the mayor," in the sentence: described
    by "mayor"; "the mayor" with "Ada Brook, the mayor," in it: named "Ada Brook".
    """
    words = _head_words(who)
    opener = who.split()[0].lower() if who.split() else ""
    k = len(words)
    # The name is the run of capitalised words at the end that are no title.
    while k > 0 and words[k - 1][:1].isupper() and words[k - 1].lower() not in PERSON_NOUNS:
        k -= 1
    name = " ".join(words[k:])
    titles = [w.lower() for w in words[:k]]
    describers = {titles[-1]} if titles else set()
    if name:
        describers.add(name.split()[-1].lower())  # "the union" of "the Harbour Workers Union"
        # "Ada Brook, the mayor," / "Ada Brook, a union official,": the appositive describes.
        at = sentence.find(who + ",")
        m = _APPOSITIVE_AFTER.match(sentence, at + len(who)) if at >= 0 else None
        if m and _head_words(m.group(1)):
            describers.add(_head_words(m.group(1))[-1].lower())
        return _Mention(name, frozenset(describers), False, bool(titles))
    # A description: named by an appositive before it ("Ada Brook, the mayor, said")?
    at = sentence.find(", " + who)
    m = _NAME_BEFORE.search(sentence, max(0, at - _NAME_REACH), at + 2) if at >= 0 else None
    if m:
        return _Mention(m.group(1), frozenset(describers), False, False)
    definite = opener in _DEFINITE or (len(words) == 1 and words[0][:1].isupper())
    return _Mention("", frozenset(describers), definite, False)


class SpeakerNames:
    """One name per speaker across a corpus (see the comment above :class:`_Mention`).

    Args:
        mentions: Every speaker's name as written, with the sentence it stands in.
    """

    def __init__(self, mentions: Iterable[tuple[str, str]]) -> None:
        self._written: dict[str, Counter[tuple[bool, str]]] = {}  # person -> written forms
        self._describers: dict[str, set[str]] = {}
        for who, sentence in mentions:
            m = _mention(who, sentence)
            if not m.name:
                continue
            key = m.name.lower()
            written = who if m.prefixed or _head_words(who) == m.name.split() else m.name
            self._written.setdefault(key, Counter())[(m.prefixed, written)] += 1
            self._describers.setdefault(key, set()).update(m.describers)

        # "Harbourmaster Ilse Varga" is "Ilse Varga" under a title no word list holds: a
        # name whose last two words or more are another speaker's whole name is that one,
        # when no other name ends so ("the US" and "the Russian Defense Ministry" stay two).
        def inner_of(key: str) -> str | None:
            words = key.split()
            tails = (" ".join(words[i:]) for i in range(1, len(words) - 1))
            return next((t for t in tails if t in self._written), None)

        inners = Counter(inner_of(k) for k in self._written)
        for key in sorted(self._written, key=lambda k: -len(k.split())):
            inner = inner_of(key)
            words = key.split()
            if inner is not None and inners[inner] == 1 and inner in self._written:
                for (_, written), n in self._written.pop(key).items():
                    self._written[inner][(True, written)] += n
                self._describers[inner] |= self._describers.pop(key) | {words[0]}
        # Full names by their last word and by each word that describes them, so that a
        # surname or a title is looked up, not compared with every name of the corpus.
        self._by_last: dict[str, list[str]] = {}
        self._by_describer: dict[str, list[str]] = {}
        for k in self._written:
            if " " in k:
                self._by_last.setdefault(k.split()[-1], []).append(k)
                for d in self._describers[k]:
                    self._by_describer.setdefault(d, []).append(k)
        self._memo: dict[tuple[str, str], str] = {}

    def _person(self, who: str, sentence: str) -> str | None:
        """The key of the person ``who`` names in ``sentence``, when the corpus tells."""
        m = _mention(who, sentence)
        if m.name:
            key = m.name.lower()
            if " " in key:
                return key if key in self._written else None
            fits = self._by_last.get(key, [])  # a surname alone
            if not fits:  # a title alone, as a headline writes it: "Harbourmaster says"
                fits = self._by_describer.get(key, [])
            return fits[0] if len(fits) == 1 else (key if key in self._written else None)
        if not m.definite or not m.describers:
            return None
        some = next(iter(m.describers))
        fits = [k for k in self._by_describer.get(some, []) if m.describers <= self._describers[k]]
        return fits[0] if len(fits) == 1 else None

    def canonical(self, who: str | None, sentence: str = "") -> str | None:
        """The one name of the speaker ``who`` (as written in ``sentence``), or ``who``.

        The name is one the corpus writes: the form with a title before the name
        ("Mayor Ada Brook") when there is one, the most often written first.
        """
        if not who:
            return who
        if (who, sentence) not in self._memo:
            key = self._person(who, sentence)
            forms = self._written[key] if key is not None else Counter({(False, who): 1})
            self._memo[who, sentence] = max(forms, key=lambda f: (f[0], forms[f], len(f[1])))[1]
        return self._memo[who, sentence]


def canonical_claims(claims: list[Claim]) -> list[Claim]:
    """``claims`` with each speaker (and relay) named by its one name across them.

    Args:
        claims: Claims as extracted, each with the citation of its sentence.

    Returns:
        The same claims, ``who`` and ``via`` replaced by :meth:`SpeakerNames.canonical`.
    """
    names = SpeakerNames(
        (n, c.citations[0].quote) for c in claims for n in (c.who, c.via) if n and c.citations
    )
    out = []
    for c in claims:
        quote = c.citations[0].quote if c.citations else ""
        out.append(replace(c, who=names.canonical(c.who, quote), via=names.canonical(c.via, quote)))
    return out
