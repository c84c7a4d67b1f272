"""Checking a claim against the articles: supported, refuted, conflicting or not enough info.

Offline and rule-based, over the sentences retrieved for the claim:

- a sentence *supports* the claim when it matches the claim closely and, where the
  claim gives a figure, gives a compatible one ("more than 200" for "200");
- it *contradicts* the claim when it gives a different figure for the same kind of
  count, or when one of the two is negated and the other is not ("did not provide any
  source" against "cited official sources");
- when the claim names its source ("Russia's Defense Ministry confirmed ..."), only what
  that source said decides: 200 deaths reported by Bloomberg does not make the Defense
  Ministry's confirmation true. Other sources' figures are reported but do not decide.

Supported and contradicted at once is ``conflicting``; neither is ``not_enough_info``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.index.retrieval import Hit
from assistant.index.terms import is_number, terms
from assistant.language import YEAR, years_in
from assistant.reasoning.answer import Assessment, Candidate, ExtractiveAnswerer
from assistant.reasoning.attribution import SPEECH_VERBS, Attribution, find_attributions
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.claims import (
    FIGURE,
    figure_bounds,
    figure_category,
    month_after,
    month_before,
    source_key,
)
from assistant.reasoning.nlp import Entity, entities_many
from assistant.reasoning.shortanswer import AnswerGroup, compatible, date_key, figure_value
from assistant.wording import agree

Verdict = Literal["supported", "refuted", "conflicting", "not_enough_info"]

# "No 1" and "No. 1" are ranks, not negations.
_NEGATION = re.compile(
    r"\b(?:not|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|"
    r"refused|refuses|didn't|doesn't|don't|isn't|wasn't|weren't|aren't|cannot|can't|"
    r"unable)\b|\bno\b(?!\.?\s*\d)|n't\b",
    re.IGNORECASE,
)
# Kinds of count that can be compared: deaths, casualties and injuries are one family.
_FAMILY = {"killed": "casualty", "wounded": "casualty", "casualties": "casualty"}
_KIND_WORDS = {"casualty": "killed wounded casualties", "attackers": "attackers attack"}
MAX_EVIDENCE = 4
STRONG_MATCH = 0.75  # coverage of the claim's terms for a sentence to support it outright
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


@dataclass(frozen=True)
class Figure:
    """A number in a text as an interval, with the kind of count it is (if any)."""

    low: float | None
    high: float | None
    family: str | None
    text: str = ""

    def overlaps(self, other: Figure) -> bool:
        """True when the two intervals share a value (an open end is unbounded)."""
        if (self.low, self.high) == (None, None) or (other.low, other.high) == (None, None):
            return False
        lo1 = self.low if self.low is not None else float("-inf")
        hi1 = self.high if self.high is not None else float("inf")
        lo2 = other.low if other.low is not None else float("-inf")
        hi2 = other.high if other.high is not None else float("inf")
        return lo1 <= hi2 and lo2 <= hi1

    def comparable(self, other: Figure) -> bool:
        """Both count the same kind of thing (or nothing named), and both are bounded.

        "an unknown number" or "numerous" can neither confirm nor contradict a figure.
        """
        bounded = (self.low, self.high) != (None, None) and (other.low, other.high) != (
            None,
            None,
        )
        return bounded and self.family == other.family


# A number right after a name is part of the name ("Nova 7", "Orbit 12", "Night Harbor 3",
# "Zephyr Chronicles™ 2"), not a count. Weekdays are names that a count can follow.
_NAME_BEFORE = re.compile(r"(?:^|\s)(?P<word>\w*[A-Z][\w'’-]*)[™®]?\s*$")
_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
# A number after one of these nouns is a rank or a label ("No. 1", "season 4", "part 2").
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:no|nos|number|season|episode|part|chapter|volume|vol|round|level|phase|"
    r"grade|article|section|page|version|generation|gen|series|edition|game|stage|week|"
    r"act|book|track|flight|route|model|type|class|category|step|rank|ranked|seed|"
    r"seeded)\.?|#)\s*$",
    re.IGNORECASE,
)


# How far back a word before a number is looked for: a longer run without spaces is no
# name, and reading a bounded stretch keeps a line of many numbers linear.
_LABEL_LOOK_BACK = 64


def _is_label(text: str, start: int) -> bool:
    r"""The number at ``start`` names or ranks something rather than counting.

    Only the word before it is read (from the space before that word, or the text's
    start, where ``(?:^|\s)`` can match), not everything before it.
    """
    j = start
    while j > 0 and text[j - 1].isspace():
        j -= 1
    lo = max(0, j - _LABEL_LOOK_BACK)
    while j > lo and not text[j - 1].isspace():  # back to the word's start
        j -= 1
    lo = max(lo, j - 1)  # the space before the word (``^`` never matches at ``pos > 0``)
    if _LABEL_BEFORE.search(text, lo, start):
        return True
    m = _NAME_BEFORE.search(text, lo, start)
    if m is None:
        return False
    # A capitalised word with content ("Pixel"), not "Only" or "All" opening a sentence.
    word = m.group("word")
    return word.lower() not in _WEEKDAYS and bool(terms(word))


def figures(text: str) -> list[Figure]:
    """The counts in ``text`` as intervals with their kind of count.

    Not counts, so left out: dates and years ("the 2021 Tour de France"), ordinals
    ("first", "92nd"), ranks and labels ("No. 1", "season 4") and model numbers
    ("Nova 7").
    """
    out = []
    for m in FIGURE.finditer(text):
        if month_before(text, m.start()) or month_after(text, m.end()):
            continue
        if YEAR.fullmatch(m.group("low")) and (
            not m.group("high") or YEAR.fullmatch(m.group("high"))
        ):
            continue
        if not m.group("hedge") and _is_label(text, m.start()):
            continue
        low, high, _hedge = figure_bounds(m.group("low"), m.group("high"), m.group("hedge"))
        what = figure_category(text, m.start(), m.end())
        text_of = m.group(0).strip(" \"“”'")
        out.append(Figure(low, high, _FAMILY.get(what or "", what), text_of))
    return out


# Verbs that report speech whatever follows them.
_SPEECH_ONLY = frozenset(
    {"said", "says", "say", "told", "tells", "added", "explained", "stated", "wrote",
     "writes", "insisted", "insists", "argued", "warned", "urged", "noted", "clarified",
     "believes", "assured", "according to", "cited"}
)  # fmt: skip
# After "announced", "reported", "confirmed" ...: a clause, a quote or a figure makes it a
# statement ("confirmed 25 deaths", "announced that ..."), an object does not ("Acme
# announced the Nova", "Globex reported its earnings").
_STATEMENT_AFTER = re.compile(
    r"\s*(?:(?:today|yesterday|earlier|later|publicly|officially|again|also|"
    r"on\s+\w+day|last\s+\w+|this\s+\w+|in\s+a\s+statement)\s*,?\s*)*"
    r"(?:that\b|[\"“'‘:,]|\d|(?:some|about|around|more|over|at\s+least|nearly|almost|"
    r"up\s+to|dozens|hundreds|several|one|two|three|four|five|six|seven|eight|nine|ten)\b)",
    re.IGNORECASE,
)


def speaks(sentence: str, attribution: Attribution) -> bool:
    """True when the attribution makes its subject a speaker, not just the doer of a deed.

    "The Kremlin said ..." and "X confirmed 25 deaths" report what a source said;
    "Acme announced the Nova 7" tells what Acme did: the sentence, not Acme, says
    it. Only a speaker is named as the voice of a sentence or as a claim's source.
    """
    if attribution.is_pronoun:
        return False
    verb = (attribution.verb or "").lower()
    if attribution.via or verb in _SPEECH_ONLY or verb not in SPEECH_VERBS.split("|"):
        return True
    text = re.sub(r"\s*\([^()]*\)", "", sentence)  # as find_attributions reads it
    m = re.compile(re.escape(verb) + r"\b", re.IGNORECASE).search(text, attribution.pos)
    return bool(m and _STATEMENT_AFTER.match(text, m.end()))


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


def negated(text: str) -> bool:
    """True when the text contains a negation."""
    return bool(_NEGATION.search(text))


# Entity kinds whose values can stand in for one another in a claim's slot. The small
# NER model often tags a rare person's name as an organisation or a place, so people,
# organisations and countries are one kind of name ("agent"); a film is not a person, nor
# an awards ceremony a film. Dates and sums of money are compared by value.
_ROLES: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"agent"}),
    "ORG": frozenset({"agent"}),
    # A people or a party ("Russians", "Democrats") stands in only for another one.
    "NORP": frozenset({"people"}),
    "NAME": frozenset({"agent", "place", "work", "people"}),  # capitalised words missed
    "GPE": frozenset({"agent", "place"}),
    "LOC": frozenset({"place"}),
    "FAC": frozenset({"place"}),
    "PRODUCT": frozenset({"work"}),
    "WORK_OF_ART": frozenset({"work"}),
    "LAW": frozenset({"work"}),
    "EVENT": frozenset({"event"}),
}
# A name with an ordinal or a year is an edition of something recurring, whatever the
# tagger calls it.
_EDITION = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|(?:1[89]|20)\d\d|first|second|third|fourth|fifth)\b", re.I
)
# A run of capitalised words the tagger missed ("...: Globex"): a name all the same.
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def _kind(label: str) -> str | None:
    if label in _ROLES:
        return "name"
    return {"DATE": "date", "MONEY": "money"}.get(label)


@dataclass(frozen=True)
class Slot:
    """An entity the claim names: a value that another sentence can give differently."""

    text: str
    label: str
    kind: str
    terms: frozenset[str]

    def group(self) -> AnswerGroup:
        """As an answer group, for :func:`assistant.reasoning.shortanswer.compatible`."""
        return AnswerGroup(self.text, self.label)


def _valued(ent: Entity) -> bool:
    """A date or a sum can be compared ("March 4, 2016"), not "last year" or "a fortune"."""
    kind = _kind(ent.label)
    if kind == "date":
        return date_key(ent.text) is not None
    if kind == "money":
        return figure_value(ent.text) is not None
    return kind == "name" and bool(terms(ent.text))


def claim_slots(claim: str, ents: list[Entity], source: frozenset[str]) -> list[Slot]:
    """The entities of a claim that a sentence can contradict by naming another.

    The claim's named source is not a slot: who said it is judged by the source rules.
    Capitalised words the tagger missed count as names (not a sentence's first word
    when it is only a function word: "Who", "The").
    """
    found = [e for e in ents if _kind(e.label) and _valued(e)]
    covered = [(e.start, e.end) for e in ents]
    for m in _CAPITALISED.finditer(claim):
        if any(s < m.end() and m.start() < e for s, e in covered):
            continue
        words = m.group(0).split()
        while words and not terms(words[0]):
            words = words[1:]
        if words:
            text = " ".join(words)
            found.append(Entity(m.end() - len(text), m.end(), text, "NAME"))
    out = []
    for e in found:
        key = frozenset(terms(e.text))
        kind = _kind(e.label)
        if kind is None or (source and key <= source):
            continue
        label = e.label
        if kind == "name" and _EDITION.search(e.text):
            label = "EVENT"  # "the 41st Alpha Awards", "the 2016 Beta Cup": an edition
        out.append(Slot(e.text, label, kind, key))
    return out


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
    own = cand.text.strip().lstrip("#").strip()
    return first_line and bool(chunk.title) and own == chunk.title.strip()


def matches_but(slot: Slot, weights: dict[str, float], cand: Candidate) -> bool:
    """The sentence would match the claim outright if it named the claim's entity.

    The same bar as for support (``STRONG_MATCH`` of the claim's term weight in the
    sentence's own words), with the entity's words counted as present.
    """
    total = sum(weights.values())
    if not total or all(t in slot.terms for t in weights):
        return False
    # The claim's other numbers identify what it is about ("Chronicles 2", "season 4"):
    # a sentence without them may be about another edition. Years are judged apart.
    if any(
        is_number(t) and not YEAR.fullmatch(t) and t not in slot.terms
        and t not in cand.own_terms
        for t in weights
    ):  # fmt: skip
        return False
    got = sum(w for t, w in weights.items() if t in slot.terms or t in cand.own_terms)
    return got >= STRONG_MATCH * total


_JOINED = re.compile(r"\s*(?:,\s*)?(?:and|or|vs\.?|versus|&|,)\s*", re.I)


def _coordinated(text: str, a: Entity, b: Entity) -> bool:
    """The two entities are joined as alternatives or a pair: "A and B", "A, B", "A vs B"."""
    first, second = sorted((a, b), key=lambda e: e.start)
    return first.end <= second.start and bool(_JOINED.fullmatch(text[first.end : second.start]))


def _same_stem(a: str, b: str) -> bool:
    """One stem extends the other by a letter or two.

    The stemmer turns "Russians" into "russian" but "Russian" into "russia": a name and
    its demonym differ by such a suffix.
    """
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(short) >= 4 and len(long) - len(short) <= 2


def _overlap(got: Iterable[str], wanted: Iterable[str]) -> bool:
    """Some term of ``got`` is a term of ``wanted``, allowing for :func:`_same_stem`."""
    wanted = set(wanted)
    return any(t in wanted or any(_same_stem(t, w) for w in wanted) for t in got)


def _covers(own: set[str] | frozenset[str], wanted: Iterable[str]) -> bool:
    """Every term of ``wanted`` is among ``own``, allowing for :func:`_same_stem`."""
    return all(t in own or any(_same_stem(t, o) for o in own) for t in wanted)


def entity_stance(
    slots: list[Slot],
    weights: dict[str, float],
    claim_terms: frozenset[str],
    claim_years: set[str],
    cand: Candidate,
    ents: list[Entity],
) -> tuple[int, str]:
    """Whether a sentence gives the claim's entities or others in their place.

    For each entity the claim names: a sentence that names it (or a compatible form:
    "Lee" for "Ann Lee", "Mar 4, 2016" for "March 4 2016") and matches the rest
    of the claim (:func:`matches_but`) supports the claim. One that names another of
    the same kind instead contradicts it when it matches the rest of the claim ("Globex
    acquired Photoly" against "Acme acquired Photoly"); when it matches less,
    it still cannot support the claim (the stance is 0 and ``why`` says so).

    A sentence that names years, none of them the claim's, is about another time: it
    can contradict the claim's date but not its names.

    Returns:
        (+1, why), (-1, why), or (0, why) with ``why`` empty when nothing is decided.
    """
    stance, why = 0, ""
    other_time = (
        bool(claim_years) and bool(years_in(cand.text)) and not (years_in(cand.text) & claim_years)
    )
    instead = ""
    for slot in slots:
        close = matches_but(slot, weights, cand)
        same = [e for e in ents if _kind(e.label) == slot.kind and _valued(e)]
        if slot.kind == "name":
            same = [e for e in same if _ROLES.get(e.label, frozenset()) & _ROLES[slot.label]]
        mine = [e for e in same if compatible(slot.group(), AnswerGroup(e.text, e.label))]
        if mine or (slot.kind == "name" and _covers(cand.own_terms, slot.terms)):
            # Another value of the same kind joined to it ("votes between Lee and Chan",
            # "Lee or Chan") leaves open which one the claim's words are about.
            beside = [
                e
                for e in same
                if slot.kind == "name"
                and e not in mine
                and not _overlap(terms(e.text), claim_terms)
                and any(_coordinated(cand.text, m, e) for m in mine)
            ]
            if beside:
                if not instead:
                    instead = f"names {beside[0].text} as well as {slot.text}"
                continue
            if close and stance == 0:
                stance, why = 1, f"names {slot.text}"
            continue
        if slot.kind == "name" and (other_time or slot.terms & cand.own_terms):
            # Another time, or the claim's entity in other words ("Best Animated
            # Feature"): no rival here.
            continue
        rivals = [
            e
            for e in same
            # An entity that shares the claim's words is one of the claim's own things
            # ("the Acme Group" for "the CEO of Acme"), not another value for the slot.
            if not (slot.kind == "name" and _overlap(terms(e.text), claim_terms))
        ]
        if rivals and close:
            return -1, f"names {rivals[0].text}, not {slot.text}"
        if rivals and not instead:
            instead = f"names {rivals[0].text} (not {slot.text})"
    if instead:
        return 0, instead  # another value in a slot: this sentence cannot support
    return stance, why


@dataclass
class _Judged:
    cand: Candidate
    stance: int  # +1 supports, -1 contradicts, 0 neither
    from_source: bool
    why: str


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
        the sentence before it in its passage when that one names the source.
        """
        if not source:
            return False
        speakers = [a for a in cand.attributions if speaks(cand.text, a)]
        if speakers:
            return any(source <= set(terms(a.display())) for a in speakers)
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
        opposite = cand.coverage >= SAME_TOPIC and negated(cand.text) != negated(claim)
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
            given = [g for g in figures(cand.text) if not (g.text and g.text.lower() in speakers)]
            comparable = [g for g in given if any(c.comparable(g) for c in claimed)]
            matching = [g for g in comparable if any(c.overlaps(g) for c in claimed)]
            if matching:
                stance, why = 1, f"gives a matching figure ({matching[0].text})"
            elif comparable:
                stance, why = -1, f"gives a different figure ({comparable[0].text})"
            elif opposite:
                stance, why = -1, "says the opposite"
            else:
                stance, why = 0, "gives no comparable figure"
        elif opposite:
            stance, why = -1, "says the opposite"
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
        return _Judged(cand, stance, from_source, why)

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
        # Titles and headings name a topic; they do not decide (unless they are all the
        # article has).
        evidence = [c for c in evidence if not _is_heading(c)]
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
        pros = [j for j in deciding if j.stance > 0]
        cons = [j for j in deciding if j.stance < 0]
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
            speaker = next(
                (a.display() for a in j.cand.attributions if speaks(j.cand.text, a)), None
            )
            who = speaker or f"a passage of {cited.source}"
            role = "" if j in deciding else " (another source; it does not decide)"
            parts.append(f"{who[:1].upper()}{who[1:]} {agree(who, j.why)}{role} [{cited.id}].")
        return CheckResult(claim, verdict, " ".join(parts), citations)
