"""The entities a claim names (its slots), and whether a sentence gives them or rivals.

A sentence that names the claim's person, place, date or sum and matches the rest of
the claim supports it; one that names another in its place contradicts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.index.terms import is_number, terms
from assistant.language import ORDINAL_SUFFIX, ORDINALS, YEAR, phrases, years_in
from assistant.reasoning.answer import Candidate
from assistant.reasoning.nlp import Entity
from assistant.reasoning.shortanswer import AnswerGroup, compatible, date_key, figure_value

STRONG_MATCH = 0.75  # coverage of the claim's terms for a sentence to support it outright


# Entity kinds whose values can stand in for one another in a claim's slot. The small
# NER model often tags a rare person's name as an organisation or a place, so people,
# organisations and countries are one kind of name ("agent"); a film is not a person, nor
# an awards ceremony a film. Dates and sums of money are compared by value.
_ROLES: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"agent"}),
    "ORG": frozenset({"agent"}),
    # A people or a party ("Russians", "Democrats") stands in only for another one.
    "NORP": frozenset({"people"}),
    "NAME": frozenset({"agent", "place", "work", "people"}),  # capitalised words missed
    "GPE": frozenset({"agent", "place"}),
    "LOC": frozenset({"place"}),
    "FAC": frozenset({"place"}),
    "PRODUCT": frozenset({"work"}),
    "WORK_OF_ART": frozenset({"work"}),
    "LAW": frozenset({"work"}),
    "EVENT": frozenset({"event"}),
}
# A name with an ordinal or a year is an edition of something recurring, whatever the
# tagger calls it.
_EDITION = re.compile(
    r"\b(?:\d+" + ORDINAL_SUFFIX + r"|(?:1[89]|20)\d\d|" + phrases(ORDINALS) + r")\b", re.I
)
# A run of capitalised words the tagger missed ("...: Globex"): a name all the same.
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def _kind(label: str) -> str | None:
    if label in _ROLES:
        return "name"
    return {"DATE": "date", "MONEY": "money"}.get(label)


@dataclass(frozen=True)
class Slot:
    """An entity the claim names: a value that another sentence can give differently."""

    text: str
    label: str
    kind: str
    terms: frozenset[str]

    def group(self) -> AnswerGroup:
        """As an answer group, for :func:`assistant.reasoning.shortanswer.compatible`."""
        return AnswerGroup(self.text, self.label)


def _valued(ent: Entity) -> bool:
    """A date or a sum can be compared ("March 4, 2016"), not "last year" or "a fortune"."""
    kind = _kind(ent.label)
    if kind == "date":
        return date_key(ent.text) is not None
    if kind == "money":
        return figure_value(ent.text) is not None
    return kind == "name" and bool(terms(ent.text))


def claim_slots(claim: str, ents: list[Entity], source: frozenset[str]) -> list[Slot]:
    """The entities of a claim that a sentence can contradict by naming another.

    The claim's named source is not a slot: who said it is judged by the source rules.
    Capitalised words the tagger missed count as names (not a sentence's first word
    when it is only a function word: "Who", "The").
    """
    found = [e for e in ents if _kind(e.label) and _valued(e)]
    covered = [(e.start, e.end) for e in ents]
    for m in _CAPITALISED.finditer(claim):
        if any(s < m.end() and m.start() < e for s, e in covered):
            continue
        words = m.group(0).split()
        while words and not terms(words[0]):
            words = words[1:]
        if words:
            text = " ".join(words)
            found.append(Entity(m.end() - len(text), m.end(), text, "NAME"))
    out = []
    for e in found:
        key = frozenset(terms(e.text))
        kind = _kind(e.label)
        if kind is None or (source and key <= source):
            continue
        label = e.label
        if kind == "name" and _EDITION.search(e.text):
            label = "EVENT"  # "the 41st Alpha Awards", "the 2016 Beta Cup": an edition
        out.append(Slot(e.text, label, kind, key))
    return out


def matches_but(slot: Slot, weights: dict[str, float], cand: Candidate) -> bool:
    """The sentence would match the claim outright if it named the claim's entity.

    The same bar as for support (``STRONG_MATCH`` of the claim's term weight in the
    sentence's own words), with the entity's words counted as present.
    """
    total = sum(weights.values())
    if not total or all(t in slot.terms for t in weights):
        return False
    # The claim's other numbers identify what it is about ("Chronicles 2", "season 4"):
    # a sentence without them may be about another edition. Years are judged apart.
    if any(
        is_number(t) and not YEAR.fullmatch(t) and t not in slot.terms
        and t not in cand.own_terms
        for t in weights
    ):  # fmt: skip
        return False
    got = sum(w for t, w in weights.items() if t in slot.terms or t in cand.own_terms)
    return got >= STRONG_MATCH * total


_JOINED = re.compile(r"\s*(?:,\s*)?(?:and|or|vs\.?|versus|&|,)\s*", re.I)


def _coordinated(text: str, a: Entity, b: Entity) -> bool:
    """The two entities are joined as alternatives or a pair: "A and B", "A, B", "A vs B"."""
    first, second = sorted((a, b), key=lambda e: e.start)
    return first.end <= second.start and bool(_JOINED.fullmatch(text[first.end : second.start]))


def _same_stem(a: str, b: str) -> bool:
    """One stem extends the other by a letter or two.

    The stemmer turns "Russians" into "russian" but "Russian" into "russia": a name and
    its demonym differ by such a suffix.
    """
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(short) >= 4 and len(long) - len(short) <= 2


def _overlap(got: Iterable[str], wanted: Iterable[str]) -> bool:
    """Some term of ``got`` is a term of ``wanted``, allowing for :func:`_same_stem`."""
    wanted = set(wanted)
    return any(t in wanted or any(_same_stem(t, w) for w in wanted) for t in got)


def _covers(own: set[str] | frozenset[str], wanted: Iterable[str]) -> bool:
    """Every term of ``wanted`` is among ``own``, allowing for :func:`_same_stem`."""
    return all(t in own or any(_same_stem(t, o) for o in own) for t in wanted)


def entity_stance(
    slots: list[Slot],
    weights: dict[str, float],
    claim_terms: frozenset[str],
    claim_years: set[str],
    cand: Candidate,
    ents: list[Entity],
) -> tuple[int, str]:
    """Whether a sentence gives the claim's entities or others in their place.

    For each entity the claim names: a sentence that names it (or a compatible form:
    "Lee" for "Ann Lee", "Mar 4, 2016" for "March 4 2016") and matches the rest
    of the claim (:func:`matches_but`) supports the claim. One that names another of
    the same kind instead contradicts it when it matches the rest of the claim ("Globex
    acquired Photoly" against "Acme acquired Photoly"); when it matches less,
    it still cannot support the claim (the stance is 0 and ``why`` says so).

    A sentence that names years, none of them the claim's, is about another time: it
    can contradict the claim's date but not its names.

    Returns:
        (+1, why), (-1, why), or (0, why) with ``why`` empty when nothing is decided.
    """
    stance, why = 0, ""
    other_time = (
        bool(claim_years) and bool(years_in(cand.text)) and not (years_in(cand.text) & claim_years)
    )
    instead = ""
    for slot in slots:
        close = matches_but(slot, weights, cand)
        same = [e for e in ents if _kind(e.label) == slot.kind and _valued(e)]
        if slot.kind == "name":
            same = [e for e in same if _ROLES.get(e.label, frozenset()) & _ROLES[slot.label]]
        mine = [e for e in same if compatible(slot.group(), AnswerGroup(e.text, e.label))]
        if mine or (slot.kind == "name" and _covers(cand.own_terms, slot.terms)):
            # Another value of the same kind joined to it ("votes between Lee and Chan",
            # "Lee or Chan") leaves open which one the claim's words are about.
            beside = [
                e
                for e in same
                if slot.kind == "name"
                and e not in mine
                and not _overlap(terms(e.text), claim_terms)
                and any(_coordinated(cand.text, m, e) for m in mine)
            ]
            if beside:
                if not instead:
                    instead = f"names {beside[0].text} as well as {slot.text}"
                continue
            if close and stance == 0:
                stance, why = 1, f"names {slot.text}"
            continue
        if slot.kind == "name" and (other_time or slot.terms & cand.own_terms):
            # Another time, or the claim's entity in other words ("Best Animated
            # Feature"): no rival here.
            continue
        rivals = [
            e
            for e in same
            # An entity that shares the claim's words is one of the claim's own things
            # ("the Acme Group" for "the CEO of Acme"), not another value for the slot.
            if not (slot.kind == "name" and _overlap(terms(e.text), claim_terms))
        ]
        if rivals and close:
            return -1, f"names {rivals[0].text}, not {slot.text}"
        if rivals and not instead:
            instead = f"names {rivals[0].text} (not {slot.text})"
    if instead:
        return 0, instead  # another value in a slot: this sentence cannot support
    return stance, why
