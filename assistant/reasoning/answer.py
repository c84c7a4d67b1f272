"""Extractive answers (no generation): assess a question, then choose the evidence.

The extractive answerer retrieves passages, scores every sentence in them (the
assessment), sets aside those that break the question's constraints, and picks the
short answers or the best evidence sentences, with every source that gives the same
answer; ``answer_text`` then names who said them and cites them. It abstains when no
sentence is relevant enough. Relevance averages two signals: how much of the question's
content (terms weighted by rarity) the sentence and its neighbours contain, and the
sentence's embedding similarity to the question. Nothing here knows any particular
question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.index.chunking import split_sentences
from assistant.index.lexical import LexicalIndex
from assistant.index.normalise import visible
from assistant.index.retrieval import Hit, HybridSearch, check_question
from assistant.index.sources import SourceFiles
from assistant.index.terms import is_number, terms
from assistant.language import (
    CAUSE_QUESTION_WORDS,
    MONTH_NAME,
    SHARE_WORDS,
    TIME_OF_DAY,
    WEEKDAY,
    YEAR,
)
from assistant.reasoning.about_sources import about_sources, answer_about
from assistant.reasoning.answer_text import render_sentences, render_short
from assistant.reasoning.answer_types import (
    MAX_CITATIONS,
    Answer,
    Assessment,
    QuestionInfo,
)
from assistant.reasoning.attribution import find_attributions
from assistant.reasoning.causes import find_causes
from assistant.reasoning.citations import SourceReader
from assistant.reasoning.evidence import Candidate
from assistant.reasoning.question import SHARE_LABELS, QuestionAnalysis, analyse
from assistant.reasoning.shortanswer import Similarity, find_short_answers, violates

if TYPE_CHECKING:
    from assistant.index.embeddings import Embedder

# Words that shape a question without saying what it is about ("how many", "did").
# Words that shape a question without saying what it is about: they name the kind of
# answer wanted ("what year", "the name of"), hedge it ("roughly") or ask for an opinion
# ("how did X view"). A passage need not contain them.
_SCAFFOLD = frozenset(
    terms(
        "many much long did does do doing happen happened kind type sort name named year "
        "month day date time number amount figure roughly approximately exactly possible "
        "possibly think view describe described call called mention mentioned consider "
        "someone something anyone anything somebody"
    )
)
_CAUSE_SCAFFOLD = frozenset(terms(" ".join(CAUSE_QUESTION_WORDS)))
_SHARE_SCAFFOLD = frozenset(terms(" ".join(SHARE_WORDS)))
# What a sentence that says when something happened holds: a month, a weekday, a year,
# or a word for a day ("yesterday", "last week").
_WHEN_WORDS = re.compile(
    rf"{MONTH_NAME}|{WEEKDAY.pattern}|{YEAR.pattern}|(?i:{TIME_OF_DAY.pattern})"
    r"|\b(?i:weeks?|yesterday|today|tonight|nights?|mornings?)\b"
)


def analyse_question(
    question: str, lexical: LexicalIndex, qa: QuestionAnalysis | None = None
) -> QuestionInfo:
    """Weigh the question's content terms by how rare they are in the corpus.

    What kind of answer it wants comes from :func:`assistant.reasoning.question.analyse`
    (passed in when the caller has it already).
    """
    qa = qa or analyse(question)
    qterms = [t for t in terms(question) if t not in _SCAFFOLD]
    if qa.type == "cause":
        # "What caused the fire?": a sentence that says "set alight" or "blamed on"
        # states the cause without the question's word for asking it.
        qterms = [t for t in qterms if t not in _CAUSE_SCAFFOLD] or qterms
    if qa.labels == SHARE_LABELS:
        # "What share of the plant ...?": "70% of the plant" gives it without the word.
        qterms = [t for t in qterms if t not in _SHARE_SCAFFOLD] or qterms
    weights = {t: lexical.idf(t) for t in dict.fromkeys(qterms)}
    return QuestionInfo(
        text=question,
        weights=weights,
        wants_who=qa.type == "person",
        wants_number=qa.type == "figure",
        wants_when=qa.type == "date",
    )


class ExtractiveAnswerer:
    """Builds cited answers from retrieved sentences, with no text generation.

    Args:
        retriever: The hybrid retriever over the store.
        embeddings: The model the store was built with (also embeds sentences).
        k: How many passages to draw evidence sentences from.
        min_relevance: The relevance (mean of term coverage and embedding similarity)
            the best sentence must reach, or the answerer abstains. 0.575 was set on
            the development questions plus a held-out set written independently
            (``tests/data/heldout.jsonl``): answerable questions' best sentences scored
            0.60-0.96 on dev, off-topic questions 0.14-0.31, near misses ("What was the
            weather in Deir ez-Zor on February 7?") 0.45-0.61.

    """

    def __init__(
        self,
        retriever: HybridSearch,
        embeddings: Embedder,
        *,
        k: int = 8,
        min_relevance: float = 0.575,
        sources: SourceFiles | None = None,
    ) -> None:
        self.retriever = retriever
        self.embeddings = embeddings
        self.k = k
        self.min_relevance = min_relevance
        self.sources = sources

    # -- candidates --------------------------------------------------------------

    def candidates(self, hits: list[Hit]) -> list[Candidate]:
        """Every sentence of the retrieved passages, with its neighbours' terms."""
        out: list[Candidate] = []
        seen: set[tuple[str, str, int]] = set()
        for rank, hit in enumerate(hits):
            c = hit.chunk
            # Sentences are read as a reader sees them (no zero-width characters, ASCII
            # for full-width ones); their offsets stay the file's, and a citation quotes
            # the file's own characters (SourceReader finds the sentence there).
            view = visible(c.text)
            spans = split_sentences(view.text)
            texts = [view.text[s.start : s.end] for s in spans]
            sent_terms = [set(terms(t)) for t in texts]
            title_terms = set(terms(c.title))
            for i, s in enumerate(spans):
                start, end = view.span(s.start, s.end)
                key = (c.root, c.source, c.start + start)  # two folders, one file name
                if key in seen:
                    continue
                seen.add(key)
                ctx = set(sent_terms[i]) | title_terms
                if i > 0:
                    ctx |= sent_terms[i - 1]
                if i + 1 < len(spans):
                    ctx |= sent_terms[i + 1]
                out.append(
                    Candidate(
                        chunk=c,
                        hit_rank=rank,
                        start=c.start + start,
                        end=c.start + end,
                        text=texts[i],
                        context_terms=ctx,
                        own_terms=sent_terms[i],
                        attributions=find_attributions(texts[i]),
                    )
                )
        return out

    @staticmethod
    def coverage(info: QuestionInfo, cand: Candidate) -> float:
        """Share of the question's term weight found in the sentence (1) or beside it (0.8)."""
        got = 0.0
        for t, w in info.weights.items():
            if t in cand.own_terms:
                got += w
            elif t in cand.context_terms:
                got += 0.8 * w
        return got / info.total

    def score(
        self,
        info: QuestionInfo,
        cands: list[Candidate],
        qvec: np.ndarray,
        floor: float | None = None,
    ) -> None:
        """Fill in each candidate's coverage, similarity, relevance and ranking score.

        Args:
            info: The analysed question.
            cands: The candidate sentences (changed in place).
            qvec: The question's unit vector.
            floor: The lowest relevance the caller will use. A sentence whose term
                coverage keeps it below ``floor`` even at perfect similarity (1.0) is
                not embedded (embedding sentences is most of an answer's time); its
                similarity is left at 0, so its relevance stays below the floor, as it
                would have anyway. None embeds every sentence.
        """
        if not cands:
            return
        for cand in cands:
            cand.coverage = self.coverage(info, cand) if info.weights else 0.0
        embed = [
            c for c in cands if floor is None or not info.weights or 0.5 * c.coverage + 0.5 >= floor
        ]
        if embed:
            vecs = np.asarray(self.embeddings.embed_documents([c.text for c in embed]))
            for cand, sim in zip(embed, vecs @ qvec, strict=True):
                cand.dense = float(sim)
        for cand in cands:
            cand.relevance = 0.5 * cand.coverage + 0.5 * cand.dense if info.weights else cand.dense
            # Ranking also prefers sentences of the kind of answer asked for.
            bonus = 0.0
            extra_numbers = {t for t in cand.own_terms if is_number(t)} - set(info.weights)
            if info.wants_number:
                bonus += 0.1 if extra_numbers else -0.15
            if info.wants_who and any(not a.is_pronoun for a in cand.attributions):
                bonus += 0.05
            if info.wants_when:
                bonus += 0.05 if _WHEN_WORDS.search(cand.text) else -0.1
            cand.score = cand.relevance + bonus

    # -- answering ---------------------------------------------------------------

    def assess(self, question: str, floor: float | None = None) -> Assessment:
        """Retrieve passages for ``question`` and score every sentence in them.

        Args:
            question: The question (or claim, or topic).
            floor: The lowest relevance the caller will act on (default: this
                answerer's ``min_relevance``); see :meth:`score`.

        Raises:
            InputError: The question is empty.
        """
        question = check_question(question)
        qvec = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        hits = self.retriever.search(
            question, k=self.k, query_vector=qvec.tolist(), sources=self.sources
        )
        qa = analyse(question)
        info = analyse_question(question, self.retriever.lexical, qa)
        cands = self.candidates(hits)
        self.score(info, cands, qvec, self.min_relevance if floor is None else floor)
        cands.sort(key=lambda c: (-c.score, c.hit_rank, c.start))
        return Assessment(question, info, hits, cands, replace(qa, weights=info.weights))

    def answer(self, question: str, reader: SourceReader | None = None) -> Answer:
        """Answer ``question`` from the store, or abstain.

        Raises:
            InputError: The question is empty.
        """
        about = about_sources(question)
        if about is not None:  # "Do the sources disagree on X?": answer about X, then say
            inner = self.answer_from(self.assess(about.question), reader)
            return answer_about(question, about, inner)
        return self.answer_from(self.assess(question), reader)

    def answer_from(self, assessment: Assessment, reader: SourceReader | None = None) -> Answer:
        """The extractive answer for an assessment already made.

        Sentences that break the question's constraints (another year) are set aside.
        A question that wants a kind of answer (a person, a date, a place, a figure, a
        named thing) is answered by the entities of that kind in the best sentences;
        people, dates, places and figures abstain when there are none (a named thing
        may be a description, and falls back to sentences); "who said" is answered by
        the speakers; anything else by the best sentences.
        """
        reader = reader or SourceReader(self.sources)
        qa = assessment.qa
        usable = [c for c in assessment.candidates if not violates(qa, c)]
        if max((c.relevance for c in usable), default=0.0) < self.min_relevance:
            return assessment.abstention("extractive")
        if qa.type == "cause":
            causes = find_causes(qa, usable, self.min_relevance)
            if causes.groups:
                return render_short(assessment, causes, usable, reader)
        if qa.labels and not qa.wants_speaker:
            short = find_short_answers(
                qa, usable, self.min_relevance, self.similarity(assessment.question)
            )
            if short.groups:
                return render_short(assessment, short, usable, reader)
            # "What bill ...?" may be answered by a description, not a name: only the
            # kinds that always come as entities (people, dates, places, figures) abstain.
            if qa.type != "thing":
                return assessment.abstention("extractive")
        chosen = self.select(assessment.info, usable)
        return render_sentences(assessment, chosen, usable, reader)

    def similarity(self, question: str) -> Similarity:
        """The embedding similarity of sentences to ``question``, for sides of a count.

        Only sentences whose similarity was not computed when scored are embedded.
        """

        def similar(cands: Sequence[Candidate]) -> list[float]:
            todo = [c for c in cands if not c.dense]
            if todo:
                qvec = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
                vecs = np.asarray(self.embeddings.embed_documents([c.text for c in todo]))
                for cand, sim in zip(todo, vecs @ qvec, strict=True):
                    cand.dense = float(sim)
            return [c.dense for c in cands]

        return similar

    def select(self, info: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
        """The best sentence plus others that say the same thing in other words or places.

        A sentence joins when it matches the question about as well as the best one and,
        for number questions, gives the same figure.
        """
        best = cands[0]
        best_numbers = {t for t in best.own_terms if is_number(t)} - set(info.weights)
        chosen = [best]
        for cand in cands[1:]:
            if len(chosen) >= MAX_CITATIONS:
                break
            if cand.score < 0.85 * best.score or cand.relevance < self.min_relevance:
                continue
            if cand.text == best.text and cand.chunk.source == best.chunk.source:
                continue
            if info.wants_number and best_numbers:
                numbers = {t for t in cand.own_terms if is_number(t)} - set(info.weights)
                if not numbers & best_numbers:
                    continue
            chosen.append(cand)
        return chosen
