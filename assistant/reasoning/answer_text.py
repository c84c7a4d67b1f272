"""Rendering: the answer text, built only on citations verified in their files.

Short answers and the sentences they rest on become the text the user reads: "Dayton
[1]." or "The sources disagree: Dayton (Acme) [1]; Reno [2]." followed by the quotes.
"""

from __future__ import annotations

from assistant.reasoning.answer_types import Assessment, ShortAnswer
from assistant.reasoning.citations import Citation
from assistant.reasoning.evidence import Candidate
from assistant.reasoning.shortanswer import find_short_answers


def lead_sentence(answers: list[ShortAnswer], disagreement: bool) -> str:
    """The sentence an answer opens with: the short answer, or every side when they differ.

    "Dayton [1]." or "The sources disagree: Dayton (Acme) [1]; Reno [2]." Built from
    short answers over verified citations, in both modes.
    """

    def named(a: ShortAnswer) -> str:
        marks = "".join(f"[{i}]" for i in a.citations)
        return f"{a.text} ({a.who}) {marks}" if a.who else f"{a.text} {marks}"

    if disagreement:
        return "The sources disagree: " + "; ".join(named(a) for a in answers) + "."
    return named(answers[0]) + "."


def short_answers_for(
    assessment: Assessment, citations: list[Citation]
) -> tuple[list[ShortAnswer], bool]:
    """Short answers (and whether they disagree) over verified citations only.

    Each citation is matched to the candidate sentence it overlaps; the typed spans of
    those sentences are grouped as for an extractive answer. Empty when the question
    wants no typed answer or none stands in the quotes.
    """
    qa = assessment.qa
    if not qa.labels or qa.wants_speaker:
        return [], False
    owner: dict[int, int] = {}
    cands: list[Candidate] = []
    for cit in citations:
        for cand in assessment.candidates:
            same_file = cand.chunk.source == cit.source
            if same_file and cand.start < cit.end and cit.start < cand.end:
                owner[id(cand)] = cit.id
                cands.append(cand)
                break
    short = find_short_answers(qa, cands, 0.0)
    if not short.groups:
        return [], False
    out = []
    for group in [short.groups[0], *short.rivals]:
        ids = sorted({owner[id(s.cand)] for s in group.spans if id(s.cand) in owner})
        out.append(ShortAnswer(group.text, None, ids))
    return out, short.disagreement
