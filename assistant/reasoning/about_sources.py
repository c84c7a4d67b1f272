"""Questions about the sources themselves ("Do the sources disagree on the death toll?").

Such a question asks whether the sources part ways on a topic, not for the topic's
answer; no sentence answers it in its own words. It is turned into the question about
the topic ("What is the death toll?"), which is answered as any other (with every side
and its citations), and the answer then says plainly what was asked: "Yes, the sources
disagree: ...", "The sources agree: ...", or that the articles do not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.reasoning.answer_types import ABSTAIN_TEXT, Answer

_SOURCES = r"(?:the\s+)?(?:sources|reports|articles|outlets|accounts|stories|papers|media|files)"
_ON = r"(?:on|about|over|as\s+to|regarding|concerning|in)"
_WH = re.compile(r"^(?:when|where|who|whom|why|how|what|which)\b", re.I)
_PATTERNS = (
    # "Do the sources agree on X?", "Do reports differ about X?"
    re.compile(
        rf"^\s*(?:do|did|does)\s+{_SOURCES}\s+(?:all\s+)?(?P<verb>agree|disagree|differ|conflict|"
        rf"diverge|vary|contradict\s+each\s+other)\s+{_ON}\s+(?P<topic>.+?)[\s?.]*$",
        re.I,
    ),
    # "Is there disagreement about X?", "Are there conflicting accounts of X?"
    re.compile(
        r"^\s*(?:is|are|was|were)\s+there\s+(?:any\s+)?(?P<verb>disagreement|dispute|conflict|"
        r"contradictions?|discrepanc(?:y|ies)|differences?|agreement|consensus|"
        r"conflicting\s+(?:accounts|reports|figures|claims))\s+(?:between\s+"
        rf"{_SOURCES}\s+)?(?:{_ON}|of)\s+(?P<topic>.+?)[\s?.]*$",
        re.I,
    ),
    # "Who disputes X?", "Which source contradicts X?"
    re.compile(
        r"^\s*(?:who|which\s+(?:source|outlet|report)s?)\s+(?P<verb>disputes?|contests?|"
        r"contradicts?|challenges?|questions?|disagrees?\s+(?:with|on|about|over))\s+"
        r"(?P<topic>.+?)[\s?.]*$",
        re.I,
    ),
)


@dataclass(frozen=True)
class AboutSources:
    """A question about whether the sources agree, and the question about its topic.

    Attributes:
        topic: What the sources may disagree on, as the question writes it.
        question: The question about the topic, answered in its place.
        who: The question asks who disputes it ("Who disputes X?").
        agree: The question asks whether they agree ("Do the sources agree on X?"):
            "No" answers it when they disagree.
    """

    topic: str
    question: str
    who: bool
    agree: bool = False


def about_sources(question: str) -> AboutSources | None:
    """The question about the topic, when ``question`` asks whether the sources agree on it."""
    for n, pattern in enumerate(_PATTERNS):
        m = pattern.match(question)
        if not m:
            continue
        topic = m.group("topic").strip()
        # "... on when the fire started" asks it; "... on the death toll" asks what it is.
        inner = topic[:1].upper() + topic[1:] + "?" if _WH.match(topic) else f"What is {topic}?"
        agree = m.group("verb").lower() in ("agree", "agreement", "consensus")
        return AboutSources(topic, inner, who=n == len(_PATTERNS) - 1, agree=agree)
    return None


def answer_about(question: str, about: AboutSources, inner: Answer) -> Answer:
    """The answer to the question about the sources, from the answer about its topic.

    Args:
        question: The question as asked ("Do the sources disagree on the death toll?").
        about: What it asks about (see :func:`about_sources`).
        inner: The answer to the topic's question, with its sides and citations.

    Returns:
        The inner answer with its citations, short answers and ``disagreement``
        unchanged, led by a plain reply: "Yes, the sources disagree: ..." (or "No, ..." to
        "Do they agree?") when they give incompatible answers, "..., the sources that
        give it agree: ..." when two or more files give the one answer, otherwise what
        the one source says; an abstention when the articles do not say.
    """
    if inner.abstained:
        return replace(inner, question=question, answer=ABSTAIN_TEXT)
    text = inner.answer
    if inner.disagreement:
        body = text.removeprefix("The sources disagree: ")
        yes = "No, " if about.agree else "Yes, "
        lead = "The sources disagree: " if about.who else yes + "the sources disagree: "
        return replace(inner, question=question, answer=lead + body)
    files = {(c.root, c.source) for c in inner.citations}
    if _typed(inner) and len(files) > 1:
        yes = "Yes, " if about.agree else "No, "
        # Only the sources that give an answer are compared: one that says it in words
        # the search did not match is not counted, so the claim is no wider than that.
        lead = (
            "No source here disputes it: "
            if about.who
            else yes + "the sources that give it agree: "
        )
    elif _typed(inner):
        lead = "Only one source gives it: "
    else:  # sentences, not one answer: nothing to compare side by side
        lead = "The articles show no disagreement; they say: "
    return replace(inner, question=question, answer=lead + text)


def _typed(inner: Answer) -> bool:
    """The answer gives short answers (a figure, a time, a cause), not only quotes."""
    quotes = {c.quote for c in inner.citations}
    return bool(inner.answers) and all(
        a.text not in quotes and a.text != a.who for a in inner.answers
    )
