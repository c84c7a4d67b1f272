"""LLM answers: a LangChain chain to an OpenAI-compatible chat model, every quote verified.

The model only proposes. Its answer must come back in a fixed JSON shape (answer text with
[n] passage markers, and quotes that each name a passage); each quote is then located in
that passage and in the source file, and checked for relevance to the question. Quotes
that fail become rejected citations with a reason, markers that lose their citation are
removed, a sentence with no verified marker is dropped, and so is one that says what its
own quotes deny ("99 were killed [1]" on "The office denied that 99 were killed"), and
an answer left with no verified citation is an abstention. Retrieval that finds nothing
relevant enough abstains before the model is called at all.

The steps live beside the answerer: :mod:`assistant.llm.model` builds the chat model,
:mod:`assistant.llm.bounds` holds a server to ``FACTCHECK_LLM_TIMEOUT`` and to a reply the
token limit allows, :mod:`assistant.llm.faults` turns its failures into one-line errors,
:mod:`assistant.llm.structured` asks for the JSON reply, :mod:`assistant.llm.quotes` checks
each quote (only the first :data:`assistant.llm.quotes.MAX_PROPOSALS` of a reply), and
:mod:`assistant.llm.markers` rewrites the answer's markers to the verified citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.index.chunking import split_sentences
from assistant.index.retrieval import Hit
from assistant.llm.faults import with_api_errors
from assistant.llm.markers import (
    MARKERS,
    cited_ids,
    has_words,
    only_markers_to,
    reference_all,
    rewrite_markers,
    sentences,
    unmark,
)
from assistant.llm.quotes import (
    QuotedEvidence,
    first_proposals,
    format_passages,
    quote_relevance,
    verify_proposal,
)
from assistant.llm.structured import ask_structured
from assistant.prompts import render
from assistant.reasoning.answer import ExtractiveAnswerer
from assistant.reasoning.answer_text import lead_sentence, short_answers_for
from assistant.reasoning.answer_types import ABSTAIN_TEXT, Answer, Assessment, ShortAnswer
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.negation import MAX_PARSED, compare, may_negate
from assistant.reasoning.nlp import parse_many

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings


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
            LLMError: The model server failed (see
                :func:`assistant.llm.faults.describe_api_error`).
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
        base.answer, against = _drop_against_quotes(base.answer, citations)
        base.notices += [
            f"left out a sentence of the model's answer that its quotes deny: {s!r}"
            for s in against
        ]
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
            text = re.sub(MARKERS, "", base.answer).strip()
            base.answers = [ShortAnswer(text, None, [c.id for c in citations])]
        return base


def _drop_against_quotes(text: str, citations: list[Citation]) -> tuple[str, list[str]]:
    """``text`` without the sentences that say a figure their own quotes deny or withhold.

    "99 people were killed [1]" resting on "The office denied that 99 people were
    killed" turns the denial round: the sentence is dropped (and returned, for a
    notice), like one resting on nothing verified. A sentence that says its figures as
    one of its quotes does stays (see :func:`assistant.reasoning.negation.compare`).
    Only figures are compared: the words around them a model may well rephrase with a
    negation of its own ("the mayor, who did not attend, said ...").
    """
    quote_of = {c.id: c.quote for c in citations}
    kept: list[str] = []
    dropped: list[str] = []
    for sentence in sentences(text):
        quotes = [quote_of[i] for i in cited_ids(sentence) if i in quote_of]
        plain = MARKERS.sub("", sentence).strip()
        if quotes and _against(plain, quotes):
            dropped.append(plain)
        else:
            kept.append(sentence)
    if not dropped:
        return text, []
    return reference_all(" ".join(kept), [c.id for c in citations]) if kept else "", dropped


def _against(sentence: str, quotes: list[str]) -> bool:
    """Every quote denies or withholds a figure ``sentence`` says (or says one it denies)."""
    texts = [sentence, *quotes]
    if not any(may_negate(t) for t in texts) or any(len(t) > MAX_PARSED for t in texts):
        return False
    mine, *theirs = parse_many(texts)
    return all(compare(mine, p, numbers_only=True) != "same" for p in theirs)


def _drop_own_lead(text: str) -> str:
    """``text`` without an opening sentence that says the sources disagree."""
    spans = split_sentences(text)
    if spans and re.match(r"\W*the sources disagree\b", text[spans[0].start :], re.I):
        return text[spans[0].end :].strip() if len(spans) > 1 else ""
    return text.strip()
