"""LLM answers: a LangChain chain to an OpenAI-compatible chat model, every quote verified.

The model only proposes. Its answer must come back in a fixed JSON shape (answer text with
[n] passage markers, and quotes that each name a passage); each quote is then located in
that passage and in the source file, and checked for relevance to the question. Quotes
that fail become rejected citations with a reason, markers that lose their citation are
removed, a sentence with no verified marker is dropped, and an answer left with no
verified citation is an abstention. Retrieval that finds nothing relevant enough abstains
before the model is called at all.

A model server is not trusted to be quick or brief: the whole exchange (retries
included) must finish within ``FACTCHECK_LLM_TIMEOUT``, a reply larger than the token
limit allows is refused unread, and only the first :data:`MAX_PROPOSALS` quotes of a
reply are checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.index.chunking import split_sentences
from assistant.index.retrieval import Hit
from assistant.llm.faults import LLMFormatError, with_api_errors
from assistant.llm.quotes import (
    QuotedEvidence,
    first_proposals,
    format_passages,
    quote_relevance,
    verify_proposal,
)
from assistant.llm.structured import ask_structured
from assistant.prompts import render
from assistant.reasoning.answer import (
    ABSTAIN_TEXT,
    Answer,
    Assessment,
    ExtractiveAnswerer,
    ShortAnswer,
    lead_sentence,
    short_answers_for,
)
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings

_MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
_ONE_MARKER = re.compile(r"\[(\d+)\]")  # the shape of a marker in a finished answer
# More digits than any passage number could have: such a "marker" is not one, and
# int() refuses very long digit strings (Python's 4,300-digit limit) anyway.
_MAX_MARKER_DIGITS = 6


# -- the schema the model must fill ---------------------------------------------------


class ModelAnswer(BaseModel):
    """The reply the model must give.

    Evidence comes first: a model that must pick its quotes before it writes the answer
    (and before it decides whether the passages answer at all) grounds the answer in
    them, and small models otherwise decide "not answerable" before reading.
    """

    citations: list[QuotedEvidence] = Field(
        min_length=1,  # an empty list let small models skip the evidence altogether
        description="The sentences from the passages that answer the question, copied exactly.",
    )
    answer: str = Field(
        description="One or two sentences answering the question; each claim ends with [n]."
    )
    answerable: bool = Field(
        description="false only when no passage says anything that answers the question."
    )


# -- answering ---------------------------------------------------------------------------


class LLMAnswerer:
    """Answers with a chat model; every proposed quote is verified before it is shown.

    Args:
        extractive: The extractive answerer (its retrieval and relevance scoring are
            shared, and its answer is the fallback).
        chat_model: Any LangChain chat model that supports structured output.
        model_name: The model's name, reported in the answer.
        settings: Thresholds and limits.
    """

    def __init__(
        self,
        extractive: ExtractiveAnswerer,
        chat_model: BaseChatModel,
        model_name: str,
        settings: Settings,
    ) -> None:
        self.extractive = extractive
        self.model_name = model_name
        self.settings = settings
        self._chat = chat_model

    def chain_input(self, question: str, hits: Sequence[Hit]) -> str:
        """The prompt text for ``question`` over ``hits`` (from ``prompts/answer.md``)."""
        return render("answer", question=question, passages=format_passages(hits))

    def _ask_model(self, question: str, hits: Sequence[Hit]) -> ModelAnswer:
        reply = ask_structured(self._chat, ModelAnswer, self.chain_input(question, hits))
        assert isinstance(reply, ModelAnswer)
        return reply

    def answer(self, question: str, reader: SourceReader | None = None) -> Answer:
        """Answer ``question`` with the model, or abstain.

        Raises:
            InputError: The question is empty.
            LLMError: The model server failed (see :func:`describe_api_error`).
            LLMFormatError: The reply did not fit the schema twice.
        """
        assessment = self.extractive.assess(question, floor=self.settings.llm_min_relevance)
        return self.answer_from(assessment, reader or SourceReader())

    def answer_from(self, assessment: Assessment, reader: SourceReader) -> Answer:
        """The LLM answer for an assessment already made."""
        if assessment.best_relevance < self.settings.llm_min_relevance:
            return assessment.abstention("llm", self.model_name)  # no model call
        hits = assessment.hits[: self.settings.k]
        reply = with_api_errors(self.settings, lambda: self._ask_model(assessment.question, hits))
        return self.verify(assessment, hits, reply, reader)

    # -- verification ------------------------------------------------------------------

    def _quote_relevance(self, assessment: Assessment, quote: str) -> float:
        return quote_relevance(self.extractive, assessment, quote)

    def verify(
        self,
        assessment: Assessment,
        hits: Sequence[Hit],
        reply: ModelAnswer,
        reader: SourceReader,
    ) -> Answer:
        """Turn the model's reply into an answer holding only verified citations."""
        citations: list[Citation] = []
        rejected: list[RejectedCitation] = []
        by_passage: dict[int, list[int]] = {}
        seen: dict[tuple[str, int, int], int] = {}
        proposals, skipped = first_proposals(reply.citations)
        rejected += skipped
        for prop in proposals:
            result = verify_proposal(
                prop.passage,
                prop.quote,
                hits,
                reader,
                len(citations) + 1,
                relevance=lambda q: self._quote_relevance(assessment, q),
                min_relevance=self.settings.llm_min_quote_relevance,
            )
            if isinstance(result, RejectedCitation):
                rejected.append(result)
                continue
            key = (result.source, result.start, result.end)
            if key in seen:  # the same span twice: one citation, both markers point at it
                by_passage.setdefault(prop.passage, []).append(seen[key])
                continue
            seen[key] = result.id
            citations.append(result)
            by_passage.setdefault(prop.passage, []).append(result.id)

        base = Answer(
            assessment.question,
            ABSTAIN_TEXT,
            True,
            "llm",
            self.model_name,
            rejected_citations=rejected,
            match_terms=frozenset(assessment.info.weights),
        )
        if not reply.answerable or not citations:
            return base
        base.answer = rewrite_markers(reply.answer, by_passage, [c.id for c in citations])
        if not has_words(base.answer):
            # Every sentence of the model's text rested on quotes that did not verify,
            # or cited nothing: show the verified quotes themselves. A "[2]" inside an
            # article's text must not read as a marker there.
            base.answer = " ".join(f"“{unmark(c.quote)}” [{c.id}]" for c in citations)
        base.answer = only_markers_to(base.answer, {c.id for c in citations})
        base.abstained = False
        base.citations = citations
        # Short answers and disagreement are read off the verified quotes by the same
        # rules as offline, never taken from the model's word.
        base.answers, base.disagreement = short_answers_for(assessment, citations)
        if base.disagreement:
            # The user is told, whatever the model wrote: the verified sides come first,
            # in place of any "the sources disagree" sentence of the model's own.
            rest = _drop_own_lead(base.answer)
            base.answer = f"{lead_sentence(base.answers, True)} {rest}".strip()
        if not base.answers:
            text = re.sub(_MARKERS, "", base.answer).strip()
            base.answers = [ShortAnswer(text, None, [c.id for c in citations])]
        return base


def _drop_own_lead(text: str) -> str:
    """``text`` without an opening sentence that says the sources disagree."""
    spans = split_sentences(text)
    if spans and re.match(r"\W*the sources disagree\b", text[spans[0].start :], re.I):
        return text[spans[0].end :].strip() if len(spans) > 1 else ""
    return text.strip()


def has_words(text: str) -> bool:
    """True when ``text`` says something besides markers and punctuation."""
    return bool(_MARKERS.sub("", text).strip(" .,;:!?"))


def unmark(text: str) -> str:
    """Article text with its own "[2]"s written with full-width brackets ("［2］").

    In an answer, ``[n]`` means citation n. A quote that itself holds "[2]" (a footnote
    in the article) is shown in the answer's prose this way, so that it cannot be read
    as, or counted as, a marker; the citation itself keeps the exact text.
    """
    return _ONE_MARKER.sub(lambda m: f"［{m.group(1)}］", text)


def only_markers_to(text: str, ids: set[int]) -> str:
    """``text`` with every ``[n]`` that names no citation in ``ids`` unmarked.

    The last guard against a dangling marker, whatever produced the text.
    """
    return _ONE_MARKER.sub(
        lambda m: m.group(0) if int(m.group(1)) in ids else unmark(m.group(0)), text
    )


def rewrite_markers(text: str, by_passage: dict[int, list[int]], all_ids: list[int]) -> str:
    """Replace passage markers [n] with the ids of their verified citations.

    A marker whose passage has no verified citation is removed, and a sentence left
    with no marker is dropped: it rested only on quotes that did not verify (an
    invented quote, or one a hostile article asked the model to make up), or cited
    nothing at all, so it must not stand in the answer as if sourced. A verified
    citation the text never points at gets its marker appended, so every citation is
    referenced.

    Raises:
        LLMFormatError: A marker's number is too long to be a passage number.
    """

    def repl(m: re.Match[str]) -> str:
        ids: list[int] = []
        for part in m.group(1).split(","):
            digits = part.strip()
            if len(digits) > _MAX_MARKER_DIGITS:
                raise LLMFormatError(
                    f"the model's text has a marker that is not a passage number "
                    f"([{digits[:12]}...], {len(digits)} digits)"
                )
            for i in by_passage.get(int(digits), []):
                if i not in ids:
                    ids.append(i)
        return "".join(f"[{i}]" for i in ids)

    kept: list[str] = []
    for sentence in _sentences(text):
        rewritten = _MARKERS.sub(repl, sentence)
        if _ONE_MARKER.search(rewritten):
            kept.append(rewritten)
    out = " ".join(kept)
    out = re.sub(r"\s+([.,;:!?])", r"\1", out)  # no space left before punctuation
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    used = {int(i) for i in re.findall(r"\[(\d+)\]", out)}
    missing = [i for i in all_ids if i not in used]
    if missing:
        out = f"{out} {''.join(f'[{i}]' for i in missing)}".strip()
    return out


def _sentences(text: str) -> list[str]:
    """The model's text as sentences, each with the markers that follow it.

    The project's own splitter keeps "U.S." and initials inside a sentence. It starts a
    new sentence at "[2]" after a period ("... killed. [2] The ..."), so a run of markers
    that opens a sentence is given back to the one before it.
    """
    out: list[str] = []
    for span in split_sentences(text):
        piece = text[span.start : span.end]
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end() :].strip()
        if piece:
            out.append(piece)
    return out
