"""Answer kinds beyond counts: times of day, money with its currency, percentages.

The tagger's spans are close to what a reader wants but not quite: it leaves the
currency out of "£42,000" (tagging "42,000"), reads "About 60 per cent" as the
number "About 60", runs "$7.2 million and €3m" into one sum, and takes "14:30" for a
count. :func:`refine_entities` mends those spans from the sentence's own characters,
so a short answer shows the figure as written ("£42,000", "about 60 per cent") and is
of the kind it is. :func:`same_time` and :func:`currencies_differ` tell two answers
of these kinds apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from assistant.language import (
    CURRENCY_PREFIX,
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    FRACTION,
    PERCENT_AFTER,
    TIME_OF_DAY,
    minute_of_day,
)
from assistant.reasoning.nlp import Entity

_FIGURES = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"})
# A scale glued to a sum the tagger cut short: "€3" of "€3m", "£2" of "£2bn".
_GLUED_SCALE = re.compile(r"(?:m|bn|k|million|billion)\b", re.I)
# Where one tagged sum holds two ("$7.2 million and €3m"): a joining word between them.
_JOIN = re.compile(r"\s*(?:,|\band\b|\bor\b)\s*")
_CURRENCY_CHAR = re.compile(rf"[{CURRENCY_SIGNS}]")


def _split_sums(ent: Entity) -> list[Entity]:
    """One tagged sum that holds two written sums, each with its currency, as two."""
    if ent.label != "MONEY" or len(_CURRENCY_CHAR.findall(ent.text)) < 2:
        return [ent]
    out: list[Entity] = []
    pos = 0
    for m in _JOIN.finditer(ent.text):
        part = ent.text[pos : m.start()]
        if part.strip():
            out.append(replace(ent, start=ent.start + pos, end=ent.start + m.start(), text=part))
        pos = m.end()
    if ent.text[pos:].strip():
        out.append(replace(ent, start=ent.start + pos, text=ent.text[pos:]))
    return out if len(out) > 1 else [ent]


def refine(ent: Entity, sentence: str) -> Entity:
    """The entity's span and label mended from the sentence it stands in.

    A currency sign right before a figure joins it ("£42,000", a MONEY); a scale glued
    after a sum joins it ("€3m"); "per cent", "percent" or "%" right after a number
    makes it a share ("about 60 per cent", a PERCENT); a clock time tagged as a
    number ("14:30") is a TIME.
    """
    if ent.label not in _FIGURES:
        return ent
    start, end, label = ent.start, ent.end, ent.label
    before = CURRENCY_PREFIX.search(sentence[max(0, start - 4) : start])
    if before and not _CURRENCY_CHAR.search(ent.text):
        start -= len(before.group(0))
        label = "MONEY"
    if label == "MONEY" and _CURRENCY_CHAR.search(sentence[start:end]):
        glued = _GLUED_SCALE.match(sentence, end)
        if glued and sentence[end - 1 : end].isdigit():
            end = glued.end()
    if label in ("CARDINAL", "QUANTITY"):
        after = PERCENT_AFTER.match(sentence, end)
        if after and sentence[end - 1 : end].isdigit():
            end, label = after.end(), "PERCENT"
        elif TIME_OF_DAY.fullmatch(ent.text.strip()):
            label = "TIME"
    if (start, end, label) == (ent.start, ent.end, ent.label):
        return ent
    return replace(ent, start=start, end=end, text=sentence[start:end], label=label)


def refine_entities(sentence: str, ents: Iterable[Entity]) -> list[Entity]:
    """Every entity of ``sentence`` refined (see :func:`refine`), joint sums split."""
    return [refine(part, sentence) for ent in ents for part in _split_sums(ent)]


def is_fraction(text: str) -> bool:
    """The text is a share in words: "a third", "half", "two-thirds", "one in five"."""
    return bool(FRACTION.search(text))


def is_clock_time(text: str) -> bool:
    """The text names a time of day ("about 2:40 a.m.", "noon"), not only "the morning"."""
    return minute_of_day(text) is not None


def same_time(a: str, b: str) -> bool | None:
    """Whether two written times name the same minute; None when one names no clock time."""
    ma, mb = minute_of_day(a), minute_of_day(b)
    if ma is None or mb is None:
        return None
    return ma == mb


def currency_of(text: str) -> str | None:
    """The currency a written sum names (its sign, or its currency word), or None."""
    sign = _CURRENCY_CHAR.search(text)
    if sign:
        return sign.group(0)
    words = set(re.findall(r"[a-z]+", text.lower())) & CURRENCY_WORDS
    return min(words).removesuffix("s") if words else None


def currencies_differ(a: str, b: str) -> bool:
    """Both sums name a currency, and not the same one: "€3m" is not "$3m"."""
    ca, cb = currency_of(a), currency_of(b)
    return ca is not None and cb is not None and ca != cb
