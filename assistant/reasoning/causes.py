"""Causes: the sentence that states why something happened, and the cause it names.

"Why did the fire start?", "What caused the crash?" are answered by a sentence that
states a cause, in any of the shapes news writes it: after a connective ("was caused
by", "blamed on", "due to", "because", "started when") or before a verb of causing ("a
heater set packaging alight", "a spark ignited the dust"); the patterns live once in
:mod:`assistant.language`. Each cause found becomes a short answer (the cause as
written, with the sentence cited); causes that name the same thing in other words
("an electrical fault in a motor", "an electrical fault") are one answer, and a
different cause given by another source stands beside it as a rival, so the answer
says the sources disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.index.terms import terms
from assistant.language import CAUSE_AFTER, CAUSE_AS, CAUSE_BEFORE
from assistant.reasoning.evidence import Candidate
from assistant.reasoning.nlp import Entity
from assistant.reasoning.question import QuestionAnalysis
from assistant.reasoning.shortanswer import MAX_RIVALS, MAX_TAGGED, AnswerGroup, ShortAnswers, Span

CAUSE_LABEL = "CAUSE"
# Two causes are one when this share of the shorter one's content words stands in the
# other: "an electrical fault in a conveyor motor" and "an electrical fault" are one,
# "a gas heater" another.
SAME_CAUSE = 0.5
# Words that open a cause without naming it ("the", "an") are not its content.
_LEADING = re.compile(r"^(?:that|it|this)\s+", re.I)


def cause_span(sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` names a cause (start, end), or None when it states none.

    A connective first ("caused by X"), then "X as the likely cause", then a verb of
    causing after its subject ("X sparked the fire").
    """
    for pattern in (CAUSE_AFTER, CAUSE_AS, CAUSE_BEFORE):
        m = pattern.search(sentence)
        if m:
            start, end = m.span("cause")
            text = sentence[start:end]
            lead = _LEADING.match(text)
            if lead:
                start += lead.end()
            # Trailing spaces never belong to it.
            end = start + len(sentence[start:end].rstrip())
            if end - start >= 3:
                return start, end
    return None


def _content(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def same_cause(a: str, b: str) -> bool:
    """The two written causes name the same thing (most of the shorter one's words)."""
    wa, wb = _content(a), _content(b)
    if not wa or not wb:
        return a.strip().lower() == b.strip().lower()
    return len(wa & wb) >= SAME_CAUSE * min(len(wa), len(wb))


def find_causes(qa: QuestionAnalysis, cands: Sequence[Candidate], floor: float) -> ShortAnswers:
    """The causes stated in the candidate sentences, grouped, best first, with rivals.

    Args:
        qa: The analysed question (its own terms: a "cause" made only of them, such as
            "the fire" in "the blaze was blamed on the fire", restates the question).
        cands: Usable candidate sentences, best first, with relevance filled in.
        floor: Sentences below this relevance are not read.

    Returns:
        One group per cause; rivals are causes from other sources than the first
        cause's. Empty when no relevant sentence states a cause.
    """
    spans: list[Span] = []
    for cand in [c for c in cands if c.relevance >= floor][:MAX_TAGGED]:
        found = cause_span(cand.text)
        if found is None:
            continue
        start, end = found
        text = cand.text[start:end]
        if _content(text) <= qa.terms:
            continue
        spans.append(Span(cand, Entity(start, end, text, CAUSE_LABEL), cand.relevance))
    groups: list[AnswerGroup] = []
    for span in sorted(spans, key=lambda s: -s.score):
        group = next((g for g in groups if same_cause(g.text, span.entity.text)), None)
        if group is None:
            groups.append(AnswerGroup(span.entity.text, CAUSE_LABEL, [span], span.score))
        else:
            group.spans.append(span)
            # Show the shortest way of writing it: the cause, not its qualifiers.
            if len(span.entity.text) < len(group.text):
                group.text = span.entity.text
    if not groups:
        return ShortAnswers([], [])
    top = groups[0]
    own = {s.cand.chunk.source for s in top.spans}
    # Another cause in the same report is part of its account; in another report it
    # is another side.
    rivals = [g for g in groups[1:] if {s.cand.chunk.source for s in g.spans} - own]
    return ShortAnswers(groups, rivals[:MAX_RIVALS])
