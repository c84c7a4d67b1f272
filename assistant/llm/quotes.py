"""The passages a model is shown, and checking each quote it proposes from them.

Passages are numbered ``[n]`` for the prompt; a quote the model offers names a passage
and must stand verbatim (up to typography) in one of those given, begin and end with
whole words, be long enough to mean something, be relevant to the question and stand in
the file on disk, or it is a rejected citation with a reason. A quote cut from inside a
sentence whose other words deny or qualify it ("denied that ...", "whether ...") is
cited as the whole sentence. Only the first :data:`MAX_PROPOSALS` quotes of a reply are
checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, Field

from assistant.index.chunking import Span, split_sentences
from assistant.index.retrieval import Hit
from assistant.index.schema import StoredChunk
from assistant.index.terms import terms
from assistant.reasoning.answer import Candidate, ExtractiveAnswerer
from assistant.reasoning.answer_types import Assessment
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.negation import MAX_PARSED, may_negate, outside_governors
from assistant.reasoning.nlp import parse_many
from assistant.reasoning.verify import inside_word, locate

T = TypeVar("T")

MIN_QUOTE_CHARS = 12  # a shorter "quote" ("the", "five") verifies trivially and proves nothing
# A reply offers a handful of quotes; checking each costs an embedding. Past this many
# the rest are not checked (a hostile or runaway server could send 10,000).
MAX_PROPOSALS = 50


class QuotedEvidence(BaseModel):
    """One quote the model offers as evidence."""

    passage: int = Field(description="The number n of the passage quoted, as in [n].")
    quote: str = Field(
        description="A sentence copied exactly, character for character, from that passage."
    )


def format_passages(hits: Sequence[Hit]) -> str:
    """Number the passages for the prompt: ``[n] (source, line L)`` then the text.

    The header holds no title: models copied it as a "quote", and a title is not in the
    passage unless the passage starts the article.
    """
    blocks = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        blocks.append(f"[{n}] ({c.source}, line {c.line})\n{c.text}")
    return "\n\n".join(blocks)


def _find_in_passages(
    quote: str, hits: Sequence[Hit], named: int
) -> tuple[StoredChunk, Span] | None:
    """Find ``quote`` in the passage the model named, else in another passage given.

    Small models copy a sentence exactly but give the wrong passage number. The quote is
    still verbatim in a passage retrieved for this question, so it is kept, credited to
    the passage it is really in. A quote in no retrieved passage is never accepted.
    """
    order = [named - 1, *(i for i in range(len(hits)) if i != named - 1)]
    for i in order:
        span = locate(quote, hits[i].chunk.text)
        if span is not None:
            return hits[i].chunk, span
    return None


def first_proposals(proposals: Sequence[T]) -> tuple[Sequence[T], list[RejectedCitation]]:
    """The first :data:`MAX_PROPOSALS` proposals, and one rejection standing for the rest."""
    if len(proposals) <= MAX_PROPOSALS:
        return proposals, []
    extra = len(proposals) - MAX_PROPOSALS
    note = RejectedCitation(
        "", f"{extra} more quotes were not checked: a reply may offer at most {MAX_PROPOSALS}"
    )
    return proposals[:MAX_PROPOSALS], [note]


def quote_relevance(answerer: ExtractiveAnswerer, assessment: Assessment, quote: str) -> float:
    """How relevant a quote is to the question: the same measure as for sentences.

    The mean of the question's term coverage (weighted by rarity) and the embedding
    similarity; a verbatim quote far below the answer's own level is beside the point.
    """
    info = assessment.info
    own = set(terms(quote))
    cand = Candidate(
        chunk=assessment.hits[0].chunk, hit_rank=0, start=0, end=0, text=quote,
        context_terms=own, own_terms=own,
    )  # fmt: skip
    coverage = ExtractiveAnswerer.coverage(info, cand) if info.weights else 0.0
    emb = answerer.embeddings
    q = np.asarray(emb.embed_query(assessment.question), dtype=np.float32)
    v = np.asarray(emb.embed_documents([quote])[0], dtype=np.float32)
    return 0.5 * coverage + 0.5 * float(q @ v)


def whole_statement(text: str, span: Span) -> Span:
    """``span`` of ``text``, widened to its whole sentence when words outside it turn it.

    A quote cut from inside a sentence may leave out what governs it: "99 people were
    killed in the strike" from "The office denied that 99 people were killed in the
    strike", or from "... whether 99 people were killed". Shown alone it says what its
    sentence does not. When a negation, denial or "whether"/"if" outside the quote
    governs a word in it (:func:`assistant.reasoning.negation.outside_governors`), the
    sentence is cited whole instead, so the reader sees it and the rules judge it.
    A quote that is already the whole sentence, or whose sentence negates nothing, is
    kept as it is.
    """
    sentences = [s for s in split_sentences(text) if s.start < span.end and span.start < s.end]
    if not sentences:
        return span
    lo, hi = min(sentences[0].start, span.start), max(sentences[-1].end, span.end)
    if (lo, hi) == (span.start, span.end) or hi - lo > MAX_PARSED:
        return span
    sentence = text[lo:hi]
    if not may_negate(sentence):
        return span
    parsed = parse_many([sentence])[0]
    if outside_governors(parsed, span.start - lo, span.end - lo):
        return Span(lo, hi)
    return span


def verify_proposal(
    passage: int,
    quote: str,
    hits: Sequence[Hit],
    reader: SourceReader,
    citation_id: int,
    *,
    relevance: Callable[[str], float] | None = None,
    min_relevance: float = 0.0,
) -> Citation | RejectedCitation:
    """Turn one quote a model proposed into a verified citation, or say why not.

    The quote must stand verbatim (up to typography) in a passage given to the model
    (the one it names, or another: models misnumber), start and end on word boundaries
    (:func:`assistant.reasoning.verify.inside_word`), be long enough to mean something,
    be relevant enough (when ``relevance`` is given), and stand in the file on disk. A
    quote that leaves out a negation or denial governing it is cited as its whole
    sentence (:func:`whole_statement`).
    """
    quote = quote.strip()
    if not 1 <= passage <= len(hits):
        return RejectedCitation(
            quote, f"cites passage {passage}, but only 1-{len(hits)} were given"
        )
    named = hits[passage - 1].chunk
    found = _find_in_passages(quote, hits, passage)
    if found is None:
        return RejectedCitation(
            quote,
            f"not found verbatim in passage {passage} ({named.source}) or any other passage given",
        )
    chunk, span = found
    for pos, end in ((span.start, "starts"), (span.end, "ends")):
        if inside_word(chunk.text, pos):
            return RejectedCitation(
                quote, f"{end} inside a word: a quote must begin and end with whole words"
            )
    span = whole_statement(chunk.text, span)
    exact = chunk.text[span.start : span.end]
    if len(exact) < MIN_QUOTE_CHARS:
        return RejectedCitation(quote, "too short to show anything")
    if relevance is not None:
        score = relevance(exact)
        if score < min_relevance:
            return RejectedCitation(
                quote, f"verbatim but beside the question (relevance {score:.2f})"
            )
    cited = reader.cite(citation_id, exact, chunk)
    if isinstance(cited, RejectedCitation):
        return RejectedCitation(quote, cited.reason)
    return cited
