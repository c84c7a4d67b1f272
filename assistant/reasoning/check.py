"""Checking a claim against the articles: supported, refuted, conflicting or not enough info.

Offline and rule-based, over the sentences retrieved for the claim:

- a sentence *supports* the claim when it matches the claim closely and, where the
  claim gives a figure, gives a compatible one ("more than 200" for "200") and says it
  as the claim does;
- it *contradicts* the claim when it gives a different figure for the same kind of
  count, denies the claim's figure ("denied that 99 people were killed" against "99
  people were killed"), or when what the two share is negated in one and not in the
  other ("did not provide any source" against "cited official sources"). What a
  negation governs is read from the parse (:mod:`assistant.reasoning.negation`): "the
  mayor, who did not attend, said ..." negates the attending only, and "were denied
  entry" denies no statement. A figure only withheld ("would not confirm that 99 ...")
  neither supports nor contradicts;
- when the claim names its source ("Russia's Defense Ministry confirmed ..."), only what
  that source said decides: 200 deaths reported by Bloomberg does not make the Defense
  Ministry's confirmation true. Other sources' figures are reported but do not decide.

Supported and contradicted at once is ``conflicting``; neither is ``not_enough_info``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.index.normalise import visible
from assistant.index.retrieval import Hit
from assistant.index.terms import terms
from assistant.language import VAGUE_QUANTITIES, years_in
from assistant.reasoning.answer import Candidate, ExtractiveAnswerer
from assistant.reasoning.answer_types import Assessment
from assistant.reasoning.attribution import find_attributions, own_words
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.claims import figure_category, source_key
from assistant.reasoning.figures import Figure, figures, stances
from assistant.reasoning.negation import compare
from assistant.reasoning.nlp import Entity, entities_many, parse_many
from assistant.reasoning.shortanswer import sentence_names_another
from assistant.reasoning.slots import STRONG_MATCH, Slot, claim_slots, entity_stance, matches_but
from assistant.reasoning.speakers import speaks
from assistant.wording import agree

Verdict = Literal["supported", "refuted", "conflicting", "not_enough_info"]

# The words searched for beside a claim's source, by the kind of count the claim gives.
_KIND_WORDS = {"casualty": "killed wounded casualties", "attackers": "attackers attack"}
MAX_EVIDENCE = 4
SAME_TOPIC = 0.4  # coverage above which a negated sentence contradicts (not merely mentions)


@dataclass
class CheckResult:
    """A verdict in the public ``check --json`` shape."""

    claim: str
    verdict: Verdict
    explanation: str
    citations: list[Citation] = field(default_factory=list)
    mode: str = "extractive"
    rejected: list[RejectedCitation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # stderr, not JSON

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: keep it stable, extend only.

        ``rejected_citations`` extends the issue's shape, as in ``ask``: quotes a model
        offered that did not verify (always empty offline).
        """
        return {
            "claim": self.claim,
            "verdict": self.verdict,
            "explanation": self.explanation,
            "citations": [c.to_json() for c in self.citations],
            "mode": self.mode,
            "rejected_citations": [r.to_json() for r in self.rejected],
        }


def _own_coverage(assessment: Assessment, cand: Candidate) -> float:
    weights = assessment.info.weights
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if t in cand.own_terms) / total


def verdict_of(supported: bool, contradicted: bool) -> Verdict:
    """The verdict from whether any deciding evidence supports or contradicts."""
    if supported and contradicted:
        return "conflicting"
    if supported:
        return "supported"
    if contradicted:
        return "refuted"
    return "not_enough_info"


def _is_heading(cand: Candidate) -> bool:
    """The sentence is its article's title line or a Markdown heading, and not the whole text.

    A title names a topic; it does not state facts the way the body does, so it does
    not decide a verdict. A one-line article is its own title: that line is evidence.
    """
    chunk = cand.chunk
    rel = max(cand.start - chunk.start, 0)
    # A line ends at LF, CRLF or a lone CR (a CR-only file has headings too).
    line_start = max(chunk.text.rfind("\n", 0, rel), chunk.text.rfind("\r", 0, rel)) + 1
    ends = [i for i in (chunk.text.find("\n", rel), chunk.text.find("\r", rel)) if i >= 0]
    line = chunk.text[line_start : min(ends) if ends else len(chunk.text)]
    if not chunk.text.strip() or chunk.text.strip() == line.strip():
        return False  # nothing else in the passage: the line is the article
    if re.match(r"\s{0,3}#{1,6}\s", line):
        return True
    first_line = not chunk.text[:line_start].replace("\ufeff", "").strip()
    own = cand.text.strip().lstrip("#").strip()  # read as a reader sees it: so is the title
    return first_line and bool(chunk.title) and own == visible(chunk.title).text.strip()


def _vaguer(found: Figure, claimed: Figure) -> bool:
    """``found`` is a vague word ("several", "dozens") where ``claimed`` is a figure."""
    words = " ".join(found.text.lower().split())
    vague = found.low != found.high and any(words.endswith(q) for q in VAGUE_QUANTITIES)
    return vague and claimed.low == claimed.high


def _counts(text: str, fig: Figure) -> str | None:
    """What the figure counts, by the word nearest it ("killed", "wounded"; None: unnamed)."""
    if fig.start < 0:
        return fig.family
    return figure_category(text, fig.start, fig.end)


def _other_counts(
    claim: str, cands: list[Candidate], taken: list[Candidate], floor: float
) -> list[Candidate]:
    """Relevant sentences not in ``taken`` that count what the claim counts, another way.

    One sentence per figure comes first (the most relevant), up to MAX_EVIDENCE in all.
    """
    kinds = {_counts(claim, f) for f in figures(claim)} - {None}
    if not kinds:
        return []
    chosen = {id(c) for c in taken}
    given = {f.low for c in taken for f in figures(c.text) if _counts(c.text, f) in kinds}
    first: list[Candidate] = []
    later: list[Candidate] = []
    for cand in sorted(cands, key=lambda c: -c.relevance):
        if id(cand) in chosen or cand.relevance < floor:
            continue
        counted = [f for f in figures(cand.text) if _counts(cand.text, f) in kinds]
        if not counted:
            continue
        new = {f.low for f in counted} - given
        (first if new else later).append(cand)
        given |= new
    return (first + later)[:MAX_EVIDENCE]


def _distinct_first(judged: list[_Judged]) -> list[_Judged]:
    """``judged`` in order, but the first of each reason ("gives a different figure (8)") first."""
    seen: set[str] = set()
    first: list[_Judged] = []
    later: list[_Judged] = []
    for j in judged:
        key = j.why.lower()
        (later if key in seen else first).append(j)
        seen.add(key)
    return first + later


def _same_count(a: str | None, b: str | None) -> bool:
    """Two figures counting ``a`` and ``b`` can gainsay each other: the same count, or a total.

    The killed and the wounded are two counts; casualties are both together.
    """
    return a == b or "casualties" in (a, b)


@dataclass
class _Judged:
    cand: Candidate
    stance: int  # +1 supports, -1 contradicts, 0 neither
    from_source: bool
    why: str
    speaker: str | None = None  # who says it, when not the sentence's first speaker


class ClaimChecker:
    """Judges a claim against the sentences retrieved for it.

    Args:
        answerer: The extractive answerer (retrieval and sentence scoring are shared).
        min_relevance: Below this retrieval relevance the verdict is not_enough_info.
            Lower than for questions: a claim packs several specifics into one sentence,
            so its best evidence matches a smaller share of its words.
    """

    def __init__(self, answerer: ExtractiveAnswerer, min_relevance: float = 0.4) -> None:
        self.answerer = answerer
        self.min_relevance = min_relevance

    def check(self, claim: str, reader: SourceReader | None = None) -> CheckResult:
        """Give a verdict on ``claim`` with the citations that decide it.

        Raises:
            InputError: The claim is empty.
        """
        assessment = self.answerer.assess(claim, floor=self.min_relevance)
        return self.check_from(assessment, reader or SourceReader(self.answerer.sources))

    @staticmethod
    def _from_source(source: frozenset[str], cand: Candidate, assessment: Assessment) -> bool:
        """The claim's named source speaks in the sentence, or in the one before it.

        A speaker counts, not any mention: in "Acme acquired Photoly" Acme is the
        subject, and the sentence is not Acme's word. A sentence whose own speaker is
        someone else is that speaker's; one with no speaker (or only "he said") goes with
        the sentence before it in its passage when that one names the source, unless it
        names a subject of its own ("The company denied ignoring it" is the company's).
        """
        if not source:
            return False
        speakers = [a for a in cand.attributions if speaks(cand.text, a)]
        if speakers:
            return any(source <= set(terms(a.display())) for a in speakers)
        if any(not a.is_pronoun for a in cand.attributions):
            return False  # "The company denied ...": its subject's deed, no one's report
        earlier = [
            c for c in assessment.candidates if c.chunk.id == cand.chunk.id and c.end <= cand.start
        ]
        for prev in sorted(earlier, key=lambda c: -c.start)[:1]:
            return source <= set(terms(prev.text))
        return False

    def judge(
        self,
        claim: str,
        cand: Candidate,
        assessment: Assessment,
        claim_source: frozenset[str],
        slots: list[Slot] | None = None,
        ents: list[Entity] | None = None,
    ) -> _Judged:
        """The stance of one evidence sentence towards the claim.

        Args:
            claim: The claim.
            cand: The evidence sentence.
            assessment: Retrieval and scoring for the claim.
            claim_source: The key of the source the claim names (empty: none).
            slots: The claim's entities (:func:`claim_slots`); None compares figures
                and negation only.
            ents: The sentence's entities (needed with ``slots``).
        """
        from_source = self._from_source(claim_source, cand, assessment)
        # The source of a claim is never its own opponent: in "The company denied it,
        # and the union said X", a claim of what the union said is judged by the union's
        # words only (:func:`own_words`), and the union is named as saying them.
        text, speaker = cand.text, None
        if from_source:
            own = [a for a in cand.attributions if source_key(a.display()) >= claim_source]
            if own and speaks(cand.text, own[0]):
                text, speaker = own_words(cand.text, cand.attributions, own[0]), own[0].display()
        # Negation and denial as the parse reads them: what each negation governs, so
        # that "the mayor, who did not attend, said ..." is not the opposite of what
        # the mayor said, and "were denied entry" denies nothing.
        claim_parse, cand_parse = parse_many([claim, text])
        stand = compare(claim_parse, cand_parse) if cand.coverage >= SAME_TOPIC else "same"
        # A claim that something is not established ("there is no proof that ...")
        # is contradicted by a sentence that says it, as a claim that it is not so is.
        opposite = stand in ("opposite", "affirmed")
        by_entity, entity_why = 0, ""
        if slots:
            weights = assessment.info.weights
            by_entity, entity_why = entity_stance(
                slots, weights, frozenset(weights), years_in(claim), cand, ents or []
            )
        claimed = figures(claim)
        if by_entity < 0:
            # Another person, place or date in the claim's slot: whatever the figures
            # say, the sentence tells of something else being so.
            stance, why = -1, entity_why
        elif claimed:
            # "Bloomberg, citing two unnamed Russians": a figure in who is speaking
            # counts the sources, not what the claim counts.
            speakers = " ".join(f"{a.who} {a.via or ''}" for a in cand.attributions).lower()
            found = figures(text)
            given = [
                (g, st)
                for g, st in zip(found, stances(text, found, cand_parse), strict=True)
                if not (g.text and g.text.lower() in speakers)
            ]
            # Each pair of figures that count the same thing, with what each text does
            # with its own: says it, denies it ("denied that 99 ..."), or withholds it
            # ("would not confirm that 99 ...").
            pairs = [
                (c, cs, g, gs)
                for c, cs in zip(claimed, stances(claim, claimed, claim_parse), strict=True)
                for g, gs in given
                if c.comparable(g)
            ]
            # "several" is no matching figure for "six": only a figure as exact as the
            # claim's confirms it (a vague one may still fall outside it: see below).
            # Nor does it deny or withhold one.
            pairs = [(c, cs, g, gs) for c, cs, g, gs in pairs if not _vaguer(g, c)]
            matching = [g for c, cs, g, gs in pairs if c.overlaps(g) and cs == gs]
            opposing = {"said", "denied"}
            denied = [
                (g, gs)
                for c, cs, g, gs in pairs
                if c.overlaps(g) and ({cs, gs} == opposing or (cs, gs) == ("withheld", "said"))
            ]
            withheld = [g for c, cs, g, gs in pairs if c.overlaps(g) and cs != gs]
            # A different figure contradicts only when it counts the same thing, or the
            # whole of which the claim's is a part: 31 hurt does not gainsay six dead,
            # though both are casualties; 25 casualties does gainsay 200 dead.
            differing = [
                g
                for c, cs, g, gs in pairs
                if not c.overlaps(g)
                and cs == gs == "said"
                and _same_count(_counts(claim, c), _counts(cand.text, g))
            ]
            if matching:
                stance, why = 1, f"gives a matching figure ({matching[0].text})"
            elif denied:
                g, gs = denied[0]
                verb = "denies" if gs == "denied" else "affirms"
                stance, why = -1, f"{verb} the figure ({g.text})"
            elif differing:
                stance, why = -1, f"gives a different figure ({differing[0].text})"
            elif withheld:
                stance, why = 0, f"leaves the figure ({withheld[0].text}) unconfirmed"
            elif pairs:
                stance, why = 0, "gives no comparable figure it says"
            elif opposite:
                stance, why = -1, "says the opposite"
            else:
                stance, why = 0, "gives no comparable figure"
        elif opposite:
            stance, why = -1, "says the opposite"
        elif stand == "unsaid":
            stance, why = 0, "leaves it unconfirmed"
        elif entity_why and by_entity == 0:
            stance, why = 0, entity_why
        elif _own_coverage(assessment, cand) >= STRONG_MATCH:
            # The sentence's own words, not its neighbours' or the title's: agreement
            # must be stated, not pieced together.
            stance, why = 1, "says the same"
        elif by_entity > 0:
            stance, why = 1, entity_why
        else:
            stance, why = 0, "is related"
        return _Judged(cand, stance, from_source, why, speaker)

    def source_hits(self, claim: str) -> list[Hit]:
        """Passages that name the claim's source and speak of what it counts.

        The source's name with what the claim counts ("Defense Ministry killed
        casualties"), searched deeper than usual: what the source said may not rank high
        for the claim as a whole. Empty when the claim names no source.
        """
        named = [a for a in find_attributions(claim) if speaks(claim, a)]
        if not named:
            return []
        who = named[0].via or named[0].who
        key = source_key(who)
        kinds = {f.family for f in figures(claim) if f.family}
        words = " ".join(_KIND_WORDS.get(k, k) for k in sorted(kinds))
        hits = self.answerer.retriever.search(
            f"{who} {words}".strip(), k=2 * self.answerer.k, sources=self.answerer.sources
        )
        return [h for h in hits if key <= set(terms(h.chunk.text))]

    def _source_candidates(
        self, who: str, assessment: Assessment, seen: set[tuple[str, str, int]]
    ) -> list[Candidate]:
        """Sentences retrieved for the claim's named source, scored against the claim."""
        import numpy as np

        del who  # the source is read from the claim itself
        hits = self.source_hits(assessment.question)
        cands = [
            c
            for c in self.answerer.candidates(hits)
            if (c.chunk.root, c.chunk.source, c.start) not in seen
        ]
        qvec = np.asarray(
            self.answerer.embeddings.embed_query(assessment.question), dtype=np.float32
        )
        self.answerer.score(assessment.info, cands, qvec, floor=self.min_relevance)
        return cands

    def check_from(self, assessment: Assessment, reader: SourceReader) -> CheckResult:
        """The verdict for an assessment already made."""
        claim = assessment.question
        if assessment.best_relevance < self.min_relevance:
            return CheckResult(
                claim,
                "not_enough_info",
                "No passage in the articles is close enough to this claim to judge it.",
            )
        best = assessment.candidates[0].score
        evidence = [
            c
            for c in assessment.candidates
            if c.relevance >= self.min_relevance and c.score >= 0.8 * best
        ][: MAX_EVIDENCE * 2]
        # The claim names a source only when that source speaks in it: "Acme announced
        # the Nova 7" is about Acme, not Acme's word.
        named = [a for a in find_attributions(claim) if speaks(claim, a)]
        claim_source = source_key(named[0].via or named[0].who) if named else frozenset()
        if named:
            # What the named source itself said may not rank high for the whole claim:
            # look for it directly, and judge those sentences too.
            seen = {(c.chunk.root, c.chunk.source, c.start) for c in assessment.candidates}
            extra = self._source_candidates(named[0].via or named[0].who, assessment, seen)
            assessment.candidates.extend(extra)
            claimed = figures(claim)
            evidence += [
                c
                for c in extra
                if self._from_source(claim_source, c, assessment)
                and (
                    c.coverage >= SAME_TOPIC
                    or any(f.comparable(g) for f in claimed for g in figures(c.text))
                )
            ][:MAX_EVIDENCE]
        slots = claim_slots(claim, entities_many([claim])[0], claim_source)
        # A sentence that gives another entity in the claim's slot ranks below those that
        # repeat the claim's own: it lacks the entity's words. Judge the best few that
        # match the rest of the claim too.
        weights = assessment.info.weights
        chosen = {id(c) for c in evidence}
        evidence += [
            c
            for c in assessment.candidates
            if id(c) not in chosen and any(matches_but(s, weights, c) for s in slots)
        ][:MAX_EVIDENCE]
        # So does a sentence that gives another figure for what the claim counts ("eight
        # died" against "six died"): judge the best few of those too, one per figure
        # first, so that every figure the sources give is weighed.
        evidence += _other_counts(claim, assessment.candidates, evidence, self.min_relevance)
        # Titles and headings name a topic; they do not decide (unless they are all the
        # article has).
        evidence = [c for c in evidence if not _is_heading(c)]
        # A sentence about Zone 30 is about another thing than a claim about Zone 12:
        # its figure neither confirms nor contradicts the claim's.
        evidence = [c for c in evidence if not sentence_names_another(assessment.qa, c.text)]
        tagged = entities_many([c.text for c in evidence])
        judged = [
            self.judge(claim, c, assessment, claim_source, slots, ents)
            for c, ents in zip(evidence, tagged, strict=True)
        ]
        if claim_source and any(j.from_source for j in judged):
            deciding = [j for j in judged if j.from_source and j.stance != 0]
        else:
            deciding = [j for j in judged if j.stance != 0]
            if claim_source:
                # Nothing from the named source: others' agreement does not confirm
                # what that source said.
                deciding = [j for j in deciding if j.stance < 0]
        verdict = verdict_of(
            any(j.stance > 0 for j in deciding), any(j.stance < 0 for j in deciding)
        )
        others = [j for j in judged if j not in deciding and j.stance != 0][:1]
        # Both sides of a conflict are cited: alternate supporting and contradicting
        # sentences, best first, so neither side is cut off by the limit.
        # Within a side, each different reason (another figure) before a repeat of one.
        pros = _distinct_first([j for j in deciding if j.stance > 0])
        cons = _distinct_first([j for j in deciding if j.stance < 0])
        order = [j for pair in zip(pros, cons, strict=False) for j in pair]
        order += pros[len(order) // 2 :] + cons[len(order) // 2 :]
        shown = (order[:MAX_EVIDENCE] + others)[: MAX_EVIDENCE + 1]
        return self._explain(claim, verdict, shown, deciding, reader)

    def _explain(
        self,
        claim: str,
        verdict: Verdict,
        shown: list[_Judged],
        deciding: list[_Judged],
        reader: SourceReader,
    ) -> CheckResult:
        lead = {
            "supported": "The articles support this claim.",
            "refuted": "The articles contradict this claim.",
            "conflicting": "The articles disagree on this claim.",
            "not_enough_info": "The articles say nothing that decides this claim.",
        }[verdict]
        parts = [lead]
        citations: list[Citation] = []
        for j in shown:
            cited = reader.cite(len(citations) + 1, j.cand.text, j.cand.chunk)
            if not isinstance(cited, Citation):
                continue
            citations.append(cited)
            speaker = j.speaker or next(
                (a.display() for a in j.cand.attributions if speaks(j.cand.text, a)), None
            )
            who = speaker or f"a passage of {cited.source}"
            role = "" if j in deciding else " (another source; it does not decide)"
            parts.append(f"{who[:1].upper()}{who[1:]} {agree(who, j.why)}{role} [{cited.id}].")
        return CheckResult(claim, verdict, " ".join(parts), citations)
