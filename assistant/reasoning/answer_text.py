"""Rendering: the answer text, built only on citations verified in their files.

Short answers and the sentences they rest on become the text the user reads: "Dayton
[1]." or "The sources disagree: Dayton (Acme) [1]; Reno [2]." followed by the quotes.
"""

from __future__ import annotations

from assistant.index.terms import tokens
from assistant.reasoning.answer_types import (
    ABSTAIN_TEXT,
    MAX_CITATIONS,
    Answer,
    Assessment,
    QuestionInfo,
    ShortAnswer,
)
from assistant.reasoning.attribution import Attribution, governing_speaker
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.dedup import near_duplicates
from assistant.reasoning.evidence import Candidate
from assistant.reasoning.shortanswer import AnswerGroup, ShortAnswers, find_short_answers
from assistant.reasoning.speakers import SpeakerNames


def render_sentences(
    assessment: Assessment,
    chosen: list[Candidate],
    context: list[Candidate],
    reader: SourceReader,
) -> Answer:
    """Verify each chosen sentence against its file and compose the answer text.

    Each short answer is the speaker of a cited sentence (for "who said" questions) or,
    when no one is named, the quote.

    Args:
        assessment: The question's assessment (its text and term weights are read).
        chosen: The sentences to cite, best first.
        context: Every usable candidate sentence, used to resolve "he said" to the
            speaker named earlier in the same passage.
        reader: Finds each sentence in its file on disk.

    Returns:
        The extractive answer, citing only the sentences that verified; an abstention
        when none did.
    """
    question, info = assessment.question, assessment.info
    cited, rejected = _cite_all(chosen, reader, 1)
    if not cited:
        return Answer(
            question,
            ABSTAIN_TEXT,
            True,
            "extractive",
            rejected_citations=rejected,
            match_terms=frozenset(info.weights),
        )
    parts: list[str] = []
    answers: list[ShortAnswer] = []
    for cand, cit in cited:
        who = _who(info, cand, context)
        lead = f"{who[:1].upper()}{who[1:]}: " if who else ""
        parts.append(f"{lead}“{cit.quote}” [{cit.id}]")
        same = next((a for a in answers if who and a.who == who), None)
        if same is not None:
            same.citations.append(cit.id)
        else:
            answers.append(ShortAnswer(who or cit.quote, who, [cit.id]))
    return Answer(
        question=question,
        answer=" ".join(parts),
        abstained=False,
        mode="extractive",
        citations=[c for _, c in cited],
        rejected_citations=rejected,
        match_terms=frozenset(info.weights),
        answers=answers,
    )


def render_short(
    assessment: Assessment,
    short: ShortAnswers,
    context: list[Candidate],
    reader: SourceReader,
) -> Answer:
    """The answer led by its short answers; disagreeing sources are named first.

    Args:
        assessment: The question's assessment (its text and term weights are read).
        short: The short answers found in the usable sentences (at least one group).
        context: Every usable candidate sentence, used to resolve "he said" to the
            speaker named earlier in the same passage.
        reader: Finds each sentence in its file on disk.

    Returns:
        The extractive answer: the lead sentence ("Dayton [1]." or "The sources
        disagree: ..."), then the quotes behind each side; an abstention when no
        sentence behind any side verified.
    """
    info = assessment.info
    names = _speaker_names(context)
    shown = [short.groups[0], *short.rivals]
    citations: list[Citation] = []
    rejected: list[RejectedCitation] = []
    answers: list[ShortAnswer] = []
    quotes: list[str] = []
    for n, group in enumerate(shown):
        # The answer's best sentences (a rival's best one): those that write the
        # answer as shown first, then the strongest. Twice as many are verified as
        # shown, as near-duplicates fold into the first and some may not verify.
        spans = sorted(group.spans, key=lambda s: (s.entity.text != group.text, -s.score))
        sentences = list({id(s.cand): s.cand for s in spans}.values())
        limit = max(MAX_CITATIONS - len(short.rivals), 1) if n == 0 else 1
        cited, bad = _cite_all(sentences[: limit * 2], reader, len(citations) + 1)
        cited = cited[:limit]  # ids stay consecutive: _cite_all numbers what it keeps
        rejected += bad
        if not cited:
            continue
        # Each side is named by the speaker of its own figure: in "X puts it at 11, while
        # Y says six", 11 is X's and six is Y's.
        who = _who(info, cited[0][0], context, _place(group, cited[0][0]), names)
        ids = [c.id for _, c in cited]
        answers.append(ShortAnswer(group.text, who, ids))
        for cand, cit in cited:
            speaker = _who(info, cand, context, _place(group, cand), names)
            lead = f"{speaker[:1].upper()}{speaker[1:]}: " if speaker else ""
            quotes.append(f"{lead}“{cit.quote}” [{cit.id}]")
        citations += [c for _, c in cited]
    if not answers:
        return Answer(
            assessment.question,
            ABSTAIN_TEXT,
            True,
            "extractive",
            rejected_citations=rejected,
            match_terms=frozenset(info.weights),
        )

    disagreement = len(answers) > 1
    lead = lead_sentence(answers, disagreement, short.more if disagreement else 0)
    return Answer(
        question=assessment.question,
        answer=" ".join([lead, *quotes]),
        abstained=False,
        mode="extractive",
        citations=citations,
        rejected_citations=rejected,
        match_terms=frozenset(info.weights),
        answers=answers,
        disagreement=disagreement,
    )


def _speaker_names(context: list[Candidate]) -> SpeakerNames:
    """One name per speaker over the sentences an answer reads ("Okafor" is "Mayor ...")."""
    return SpeakerNames(
        (name, c.text)
        for c in context
        for a in c.attributions
        if not a.is_pronoun
        for name in (a.who, a.via)
        if name
    )


def _place(group: AnswerGroup, cand: Candidate) -> int | None:
    """Where in ``cand`` the group's answer stands (its own wording first), if it does."""
    spans = [s for s in group.spans if s.cand is cand]
    spans.sort(key=lambda s: s.entity.text != group.text)
    return spans[0].entity.start if spans else None


def _display(a: Attribution, cand: Candidate, names: SpeakerNames | None) -> str:
    """``a`` as :meth:`Attribution.display` names it, each name by its one corpus name."""
    if names is None:
        return a.display()
    who = names.canonical(a.who, cand.text) or a.who
    return f"{names.canonical(a.via, cand.text)}, citing {who}" if a.via else who


def _who(
    info: QuestionInfo,
    cand: Candidate,
    cands_in_chunk: list[Candidate],
    at: int | None = None,
    names: SpeakerNames | None = None,
) -> str | None:
    """Name who made the statement: whose verb governs ``at``, else who said the matched words.

    ``at`` is where the answer stands in the sentence: in "X puts it at 11, while Y says
    six", 11 is X's whatever the question's words; ``names`` gives each speaker its one
    name over the answer's sentences.
    """
    named = [a for a in cand.attributions if not a.is_pronoun]
    governing = governing_speaker(cand.text, named, at) if at is not None else None
    if governing is not None:
        return _display(governing, cand, names)
    if named:
        # In "X said A, and Y reported B", the question's words tell A from B.
        where = [t.start for t in tokens(cand.text) if t.term in info.weights]
        centre = sum(where) / len(where) if where else 0.0
        according = [a for a in named if a.verb == "according to"]
        others = sorted(
            (a for a in named if a.verb != "according to"), key=lambda a: abs(a.pos - centre)
        )
        if others and according:
            return (
                f"{_display(others[0], cand, names)}, according to "
                f"{_display(according[0], cand, names)}"
            )
        return _display((others or according)[0], cand, names)
    if cand.attributions:  # "he said": the speaker named just before, if any
        earlier = [
            c for c in cands_in_chunk if c.chunk.id == cand.chunk.id and c.start < cand.start
        ]
        for prev in sorted(earlier, key=lambda c: -c.start):
            prev_named = [a for a in prev.attributions if not a.is_pronoun]
            if prev_named:
                return _display(prev_named[0], prev, names)
    return None


def _cite_all(
    chosen: list[Candidate], reader: SourceReader, first_id: int
) -> tuple[list[tuple[Candidate, Citation]], list[RejectedCitation]]:
    """Verify the chosen sentences; a near-duplicate becomes a place of the one before."""
    cited: list[tuple[Candidate, Citation]] = []
    rejected: list[RejectedCitation] = []
    for cand in chosen:
        twin = next(
            (i for i, (c, _) in enumerate(cited) if near_duplicates(c.text, cand.text)), None
        )
        if twin is not None:
            place = reader.place(cand.text, cand.chunk)
            kept = cited[twin][1]
            here = (place.root, place.source, place.start) if place is not None else None
            if place is not None and here != (kept.root, kept.source, kept.start):
                cited[twin] = (cited[twin][0], kept.with_places([place]))
            continue
        result = reader.cite(first_id + len(cited), cand.text, cand.chunk)
        if isinstance(result, RejectedCitation):
            rejected.append(result)
            continue
        cited.append((cand, result))
    return cited, rejected


def lead_sentence(answers: list[ShortAnswer], disagreement: bool, more: int = 0) -> str:
    """The sentence an answer opens with: the short answer, or every side when they differ.

    "Dayton [1]." or "The sources disagree: Dayton (Acme) [1]; Reno [2]." Built from
    short answers over verified citations, in both modes.

    Args:
        answers: The short answers, the first answer first (at least one).
        disagreement: Whether the sources give incompatible answers.
        more: How many further answers the sources give that are not listed.

    Returns:
        The opening sentence, ending with a full stop.
    """

    def named(a: ShortAnswer) -> str:
        marks = "".join(f"[{i}]" for i in a.citations)
        return f"{a.text} ({a.who}) {marks}" if a.who else f"{a.text} {marks}"

    if disagreement:
        rest = f"; and {more} more not shown" if more else ""
        return "The sources disagree: " + "; ".join(named(a) for a in answers) + rest + "."
    return named(answers[0]) + "."


def short_answers_for(
    assessment: Assessment, citations: list[Citation]
) -> tuple[list[ShortAnswer], bool]:
    """Short answers (and whether they disagree) over verified citations only.

    Each citation is matched to the candidate sentence it overlaps; the typed spans of
    those sentences are grouped as for an extractive answer.

    Args:
        assessment: The question's assessment, whose candidates the citations are
            matched to.
        citations: The citations already verified (by the LLM path).

    Returns:
        The short answers, each with the ids of the citations behind it (``who`` is
        left unnamed), and whether they disagree; empty and False when the question
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
