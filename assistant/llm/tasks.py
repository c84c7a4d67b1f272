"""Claims, summary and check in LLM mode: the model proposes, the code verifies.

Each task asks the model for a fixed JSON shape that names, for everything it says, a
passage and a sentence copied from it. Every such quote goes through
:func:`assistant.llm.quotes.verify_proposal` (verbatim in a passage given, long enough, in the
file on disk); what fails is rejected with a reason and never shown as a citation.

- check: the verdict is derived again from the evidence that verified, so a model's
  "supported" with no verified supporting quote cannot stand, and a quote it calls
  supporting must pass the offline rules (figures, negation, named entities);
- summary: a sentence whose citations all fail is dropped and reported;
- claims: a row whose quote fails, whose quote does not contain its figure, or whose
  quote denies the figure ("denied that 99 people were killed"), is rejected; the rest
  are merged and grouped exactly as offline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from assistant.index.retrieval import Hit
from assistant.index.schema import StoredChunk
from assistant.llm.faults import with_api_errors
from assistant.llm.markers import has_words, only_markers_to, rewrite_markers
from assistant.llm.quotes import (
    MAX_PROPOSALS,
    QuotedEvidence,
    first_proposals,
    format_passages,
    quote_relevance,
    verify_proposal,
)
from assistant.llm.structured import ask_structured
from assistant.prompts import render
from assistant.reasoning.answer import Candidate
from assistant.reasoning.check import CheckResult, Verdict, verdict_of
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.claims import CATEGORIES, Claim, ClaimTable, merge_and_group
from assistant.reasoning.summary import Summary, SummarySentence
from assistant.reasoning.verify import locate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.reasoning.answer import ExtractiveAnswerer
    from assistant.reasoning.answer_types import Assessment
    from assistant.reasoning.negation import Stance
    from assistant.settings import Settings

CLAIM_BATCH = 4  # passages per extraction call: small models lose track past a few


def as_hits(chunks: Sequence[StoredChunk]) -> list[Hit]:
    """Wrap chunks as retrieval hits so they can be numbered and verified like any."""
    return [Hit(c, 0.0, None, None, None, None) for c in chunks]


# -- check -----------------------------------------------------------------------------


class StancedEvidence(QuotedEvidence):
    """A quote and whether it supports or contradicts the claim."""

    stance: Literal["supports", "contradicts"]


class ModelVerdict(BaseModel):
    """The reply the model must give to check a claim (evidence first)."""

    evidence: list[StancedEvidence] = Field(min_length=1)
    verdict: Literal["supported", "refuted", "conflicting", "not_enough_info"]
    explanation: str = Field(description="One or two sentences; each point ends with [n].")


def llm_check(
    assessment: Assessment,
    chat: BaseChatModel,
    settings: Settings,
    relevance: ExtractiveAnswerer,
    reader: SourceReader,
) -> CheckResult:
    """Check a claim with the model; only verified evidence decides the verdict.

    Each quote must verify. A stance the rules can check is checked, by the same
    judging as offline: a quote the model calls supporting is rejected when the rules
    find that it contradicts the claim (a different figure, a negation the claim lacks,
    another person, place or date in the claim's place) or names a rival entity; a
    quote with a matching figure cannot contradict it. The same sentence given both
    stances counts for neither.
    """
    from assistant.reasoning.attribution import find_attributions
    from assistant.reasoning.check import ClaimChecker
    from assistant.reasoning.claims import source_key
    from assistant.reasoning.nlp import entities_many
    from assistant.reasoning.slots import claim_slots
    from assistant.reasoning.speakers import speaks

    claim = assessment.question
    judge = ClaimChecker(relevance)
    # The claim's named source and entities, found as check_from finds them.
    named = [a for a in find_attributions(claim) if speaks(claim, a)]
    claim_source = source_key(named[0].via or named[0].who) if named else frozenset()
    slots = claim_slots(claim, entities_many([claim])[0], claim_source)
    hits = list(assessment.hits[: settings.k])
    # What the claim's named source said goes in too, even if it ranks lower.
    known = {h.chunk.id for h in hits}
    hits += [h for h in judge.source_hits(claim) if h.chunk.id not in known][:3]
    prompt = render("check", claim=claim, passages=format_passages(hits))
    reply = with_api_errors(settings, lambda: ask_structured(chat, ModelVerdict, prompt))
    assert isinstance(reply, ModelVerdict)
    citations: dict[tuple[str, int, int], Citation] = {}
    rejected: list[RejectedCitation] = []
    stances: dict[int, set[str]] = {}
    by_passage: dict[int, list[int]] = {}
    evidence, skipped = first_proposals(reply.evidence)
    rejected += skipped
    for ev in evidence:
        result = verify_proposal(
            ev.passage, ev.quote, hits, reader, len(citations) + 1,
            relevance=lambda q: quote_relevance(relevance, assessment, q),
            min_relevance=settings.llm_min_quote_relevance,
        )  # fmt: skip
        if isinstance(result, RejectedCitation):
            rejected.append(result)
            continue
        cand = _as_candidate(result, hits, assessment)
        ents = entities_many([cand.text])[0]
        ruled = judge.judge(claim, cand, assessment, claim_source, slots, ents)
        problem = _unborne(ev.stance, ruled.stance, ruled.why)
        if problem:
            rejected.append(RejectedCitation(ev.quote, problem))
            continue
        key = (result.source, result.start, result.end)
        cited = citations.setdefault(key, result)
        stances.setdefault(cited.id, set()).add(ev.stance)
        by_passage.setdefault(ev.passage, []).append(cited.id)
    decided = {i: next(iter(s)) for i, s in stances.items() if len(s) == 1}
    supports = [i for i, st in decided.items() if st == "supports"]
    contradicts = [i for i, st in decided.items() if st == "contradicts"]
    verdict = verdict_of(bool(supports), bool(contradicts))
    cits = list(citations.values())
    explanation = ""
    if verdict == reply.verdict:
        explanation = rewrite_markers(reply.explanation, by_passage, [c.id for c in cits])
        explanation = only_markers_to(explanation, {c.id for c in cits})
    if not has_words(explanation):  # another verdict, or no sentence of it was sourced
        explanation = _explain(verdict, supports, contradicts)
    checked = CheckResult(claim, verdict, explanation, cits, "llm", rejected=rejected)
    if verdict != reply.verdict:
        checked.notices.append(
            f"the model said {reply.verdict!r}, but its verified evidence says {verdict!r}"
        )
    return checked


def _unborne(stance: str, ruled: int, why: str) -> str:
    """Why the rules reject the model's ``stance`` for a quote, or "" when they allow it.

    ``ruled`` and ``why`` are the offline judgement of the quote. A "supports" falls when
    the rules find the quote against the claim for any reason they check (figures,
    negation, another entity in the claim's place), or find a rival entity named where
    the claim's should be ("names X (not Y)", "names X as well as Y"): offline, such a
    sentence cannot support either, nor one that leaves the claim unconfirmed ("would
    not confirm that ..."). A "contradicts" falls only on a matching figure: the
    rules' "says the same" is word overlap, too weak to overrule a model that read a
    contradiction.
    """
    # A figure the quote only withholds ("would not confirm that 99 ...") is no support.
    unsaid = why.startswith(("names ", "leaves "))
    if stance == "supports" and (ruled < 0 or (ruled == 0 and unsaid)):
        if "figure (" in why:
            return f"the figures in the quote do not support it: it {why}"
        return f"the quote does not support the claim: it {why}"
    if stance == "contradicts" and ruled > 0 and "figure (" in why:
        return f"the figures in the quote do not contradict it: it {why}"
    return ""


def _as_candidate(cit: Citation, hits: Sequence[Hit], assessment: Assessment) -> Candidate:
    """A verified quote as a scored candidate sentence, for the rules to judge."""
    from assistant.index.normalise import visible
    from assistant.index.terms import terms
    from assistant.reasoning.answer import ExtractiveAnswerer

    chunk = next(
        h.chunk
        for h in hits
        if h.chunk.source == cit.source and h.chunk.start <= cit.start < h.chunk.end
    )
    # The rules read the quote as a reader sees it, as they read an extractive sentence.
    text = visible(cit.quote).text
    own = set(terms(text))
    cand = Candidate(chunk=chunk, hit_rank=0, start=cit.start, end=cit.end, text=text,
                     context_terms=own, own_terms=own)  # fmt: skip
    if assessment.info.weights:
        cand.coverage = ExtractiveAnswerer.coverage(assessment.info, cand)
    return cand


def _explain(verdict: Verdict, supports: list[int], contradicts: list[int]) -> str:
    lead = {
        "supported": "The verified passages support this claim",
        "refuted": "The verified passages contradict this claim",
        "conflicting": "The verified passages disagree on this claim",
        "not_enough_info": "No verified passage decides this claim",
    }[verdict]
    parts = [lead]
    if supports:
        parts.append("supporting: " + "".join(f"[{i}]" for i in sorted(supports)))
    if contradicts:
        parts.append("contradicting: " + "".join(f"[{i}]" for i in sorted(contradicts)))
    return "; ".join(parts) + "."


# -- summary ---------------------------------------------------------------------------


class ModelSentence(BaseModel):
    """One summary sentence and the quotes that back it."""

    citations: list[QuotedEvidence] = Field(min_length=1)
    text: str


class ModelSummary(BaseModel):
    """The reply the model must give to summarise."""

    sentences: list[ModelSentence] = Field(min_length=1)


def llm_summary(
    chunks: Sequence[StoredChunk],
    topic: str | None,
    chat: BaseChatModel,
    settings: Settings,
    table: ClaimTable,
    titles: dict[str, str],
    reader: SourceReader,
) -> Summary:
    """Let the model write the summary; keep only sentences with a verified citation."""
    hits = as_hits(chunks)
    about = f" about {topic}" if topic else ""
    prompt = render("summary", about=about, passages=format_passages(hits))
    reply = with_api_errors(settings, lambda: ask_structured(chat, ModelSummary, prompt))
    assert isinstance(reply, ModelSummary)
    sentences: list[SummarySentence] = []
    dropped: list[str] = []
    ids: dict[tuple[str, str, int, int], int] = {
        (c.root, c.source, c.start, c.end): c.id for claim in table.claims for c in claim.citations
    }
    budget = MAX_PROPOSALS  # quotes checked in all: a runaway reply is cut, not read to the end
    for n, ms in enumerate(reply.sentences):
        if budget <= 0:
            dropped.append(f"({len(reply.sentences) - n} more sentences were not checked)")
            break
        cits: list[Citation] = []
        for ev in ms.citations[:budget]:
            result = verify_proposal(ev.passage, ev.quote, hits, reader, 0)
            budget -= 1
            if isinstance(result, Citation):
                key = (result.root, result.source, result.start, result.end)
                ids.setdefault(key, len(ids) + 1)
                cits.append(replace(result, id=ids[key], also_in=()))
        text = re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", ms.text).strip()
        if not cits:
            dropped.append(text)
            continue
        body = text.rstrip(".")
        same = next((x for x in sentences if x.text.startswith(body + " [")), None)
        if same is not None:  # the model repeated itself: one sentence, all its citations
            cits = [*same.citations, *cits]
            sentences.remove(same)
        unique = list({c.id: c for c in cits}.values())
        marks = "".join(f"[{c.id}]" for c in unique)
        sentences.append(SummarySentence(f"{body} {marks}.", unique))
    return Summary(topic, sentences, "llm", table, titles, dropped)


# -- claims ----------------------------------------------------------------------------


class ModelClaim(BaseModel):
    """One figure the model found."""

    figure: str
    low: float | None
    high: float | None
    hedge: str | None
    what: str
    who: str | None
    via: str | None
    passage: int
    quote: str


class ModelClaims(BaseModel):
    """The reply the model must give to list claims."""

    claims: list[ModelClaim]


def _named(value: str | None) -> str | None:
    """A source name, or None for the placeholders models write for "nobody"."""
    if value is None or value.strip().lower() in ("", "unknown", "none", "null", "n/a", "-"):
        return None
    return value.strip()


def _extract(chat: BaseChatModel, settings: Settings, prompt: str) -> ModelClaims:
    reply = with_api_errors(settings, lambda: ask_structured(chat, ModelClaims, prompt))
    assert isinstance(reply, ModelClaims)
    return reply


def _figure_stance(quote: str, start: int, end: int) -> Stance:
    """Whether ``quote`` says, denies or withholds the figure at ``[start, end)``."""
    from assistant.reasoning.negation import MAX_PARSED, may_negate, span_stance
    from assistant.reasoning.nlp import parse_many

    if len(quote) > MAX_PARSED or not may_negate(quote):
        return "said"
    return span_stance(parse_many([quote])[0], start, end)


def llm_claims(
    chunks: Sequence[StoredChunk],
    chat: BaseChatModel,
    settings: Settings,
    reader: SourceReader,
) -> tuple[ClaimTable, list[RejectedCitation]]:
    """Extract claims with the model, a few passages at a time; verify every row."""
    kinds = {name for name, _ in CATEGORIES}
    found: list[Claim] = []
    rejected: list[RejectedCitation] = []
    for b in range(0, len(chunks), CLAIM_BATCH):
        hits = as_hits(chunks[b : b + CLAIM_BATCH])
        prompt = render("claims", passages=format_passages(hits))
        reply = _extract(chat, settings, prompt)
        rows, skipped = first_proposals(reply.claims)
        rejected += skipped
        for row in rows:
            result = verify_proposal(row.passage, row.quote, hits, reader, 0)
            if isinstance(result, RejectedCitation):
                rejected.append(result)
                continue
            at = locate(row.figure, result.quote) if row.figure.strip() else None
            if at is None:
                rejected.append(
                    RejectedCitation(row.quote, f"the figure {row.figure!r} is not in the quote")
                )
                continue
            stance = _figure_stance(result.quote, at.start, at.end)
            if stance != "said":
                # "denied that 99 people were killed" is no one's claim of 99.
                verb = "denies" if stance == "denied" else "does not confirm"
                rejected.append(
                    RejectedCitation(row.quote, f"the quote {verb} the figure {row.figure!r}")
                )
                continue
            passage_text = next(h.chunk.text for h in hits if h.chunk.source == result.source
                                and h.chunk.start <= result.start < h.chunk.end)  # fmt: skip
            who, via = _named(row.who), _named(row.via)
            invented = [
                n for n in (who, via) if n and locate(n.lower(), passage_text.lower()) is None
            ]
            if invented:
                rejected.append(
                    RejectedCitation(row.quote, f"names {invented[0]!r}, who is not in the passage")
                )
                continue
            what = row.what.strip().lower()
            found.append(
                Claim(
                    figure=row.figure.strip(),
                    low=row.low,
                    high=row.high,
                    hedge=(row.hedge or None) and row.hedge.strip().lower(),
                    what=what if what in kinds else "other",
                    who=who,
                    via=via,
                    citations=[result],
                )
            )
    table = merge_and_group(found)
    table.mode = "llm"
    table.rejected = rejected
    return table, rejected
