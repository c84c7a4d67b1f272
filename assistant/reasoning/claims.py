"""The claim table: every quantitative claim in the corpus, who made it, and where.

Offline and rule-based: a figure is a number, a number word or a vague quantity
("dozens", "several hundred", "an unknown number") with its hedge ("more than", "as many
as", a range). What it counts is, first, its unit: money ("£42,000", "41 million
crowns"), a share ("70%", "60 per cent"), a length of time ("five hours") or a distance
("30 km"); else the casualty word nearest to it ("killed", "wounded", "casualties",
"attackers"); else the noun it counts by the parse ("380 *people*"). Claims of a unit
group by the word the figure goes with (the fund that raised it, what was destroyed),
counts by their noun, casualties by their kind, so "died", "killed" and "lost their
lives" stay one group. Identifiers are no claims (see
:mod:`assistant.reasoning.masking`), nor is a number that counts a part or describes
another noun ("relatives of two of the workers killed": see
:mod:`assistant.reasoning.counted`). Who made it is the attribution nearest before it in the
sentence ("X said", "according to X", "X, citing Y, said"), with "he said" resolved to
the speaker named in the sentence before. Each claim carries the verified citation of
its sentence. Claims about the same quantity form a group, so conflicting figures stand
side by side, and the same claim by the same source in several articles is one row with
all its citations.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from assistant.index.chunking import LineIndex, paragraphs, split_sentences
from assistant.index.corpus import is_within
from assistant.index.normalise import visible
from assistant.index.schema import StoredChunk
from assistant.index.terms import NUMBER_TOKEN_WORDS, Token, terms, tokens
from assistant.language import (
    ARTICLES,
    CURRENCY_PREFIX,
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    DISTANCE_UNIT,
    HEDGES,
    LOWER_BOUND_HEDGES,
    MONTH_NAME,
    PERCENT_AFTER,
    SCALES,
    TEMPERATURE_UNIT,
    TIME_POINT_AFTER,
    TIME_UNIT,
    UPPER_BOUND_HEDGES,
    VAGUE_QUANTITIES,
    phrases,
)
from assistant.reasoning.attribution import Attribution, find_attributions, governing_speaker
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
from assistant.reasoning.counted import counted, counts_other, may_qualify
from assistant.reasoning.masking import is_label, mask_non_figures, time_of_day_after
from assistant.reasoning.negation import MAX_PARSED, may_negate, span_stance
from assistant.reasoning.nlp import Parsed, parse_many
from assistant.reasoning.speakers import canonical_claims
from assistant.reasoning.verify import stands_at

# What a figure counts, by the stems near it. Order matters for ties: more specific first.
# Events come first; "fighters" (a noun for who is counted, not what happened to them)
# applies only when no event word is near.
CATEGORIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("casualties", frozenset(terms("casualties casualty"))),
    ("wounded", frozenset(terms("wounded injured hurt injuries"))),
    ("killed", frozenset(terms("killed died dead deaths death toll lives losing lost fatalities"))),
    (
        "attackers",
        frozenset(terms("attackers attack attacking assault launched targeted crossed column")),
    ),
    ("fighters", frozenset(terms("fought fighting fighters contractors mercenaries troops"))),
)
_WINDOW = 12  # words either side of a figure in which to look for what it counts
# Every rule about one figure reads only a stretch of its sentence around it, never the
# whole sentence before or after it: that made a long sentence with many figures cost
# the square of its length. The stretch is first this many characters, and grows for
# the word window when it holds too few words.
_NEAR_CHARS = 256
_LOOK_BACK = 64  # characters before a figure (and its spaces) that the "before" rules read

_HEDGES = "|".join(HEDGES)
_NUMBER_WORD = r"(?:" + "|".join(sorted(NUMBER_TOKEN_WORDS, key=len, reverse=True)) + r")"
# Digits may take a scale word: "41 million", "1.5 billion".
_DIGIT_SCALE = r"(?:\s+(?:" + "|".join(s for s in SCALES if s != "dozen") + r")\b)?"
_NUMBER = (
    r"(?:(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    + _DIGIT_SCALE
    + r"|"
    + _NUMBER_WORD
    + r"(?:[\s-]+(?:and\s+)?"
    + _NUMBER_WORD
    + r")*)"
)
_VAGUE = r"(?:" + phrases(VAGUE_QUANTITIES) + r")"
# Not a figure: a number inside a word, a time or a path ("3:15", "a/2"), a footnote
# marker ("[3][4]": a number right after "[" or right before "]") or a power ("10^400").
# A currency sign before the number is part of the figure ("more than £50,000").
FIGURE = re.compile(
    r"(?<![\w.:/\[^-])(?:(?P<hedge>" + _HEDGES + r")\s+)?[\"“”']?"
    r"(?P<sign>[" + CURRENCY_SIGNS + r"])?"
    r"(?P<low>" + _NUMBER + r"|" + _VAGUE + r")[\"“”']?"
    r"(?:\s*(?:-|–|to|and(?:\s+over)?|up\s+to)\s*[\"“”']?(?P<high>" + _NUMBER + r")[\"“”']?)?"
    r"(?![\w:/\]^-])",
    re.IGNORECASE,
)
# Quantities of things that are not people: "numerous reports", "multiple sources".
# The rules read after a figure have no "^": they are matched at the figure's end with
# ``.match(text, pos)``, where "^" would never match, instead of on a copy of the rest.
_NOT_PEOPLE = re.compile(
    r"[\"“”']?\s*(?:\w+\s+)?(?:reports?|sources?|media|issues?|times|countries|outlets?|"
    r"accounts?|occasions?|ways?|candidates?|segments?|steps?|planes?|rocket)\b",
    re.IGNORECASE,
)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|on|at|by|for|into|from|follow|follows)\s+$", re.I)
_HOW_BEFORE = re.compile(r"\bhow\s+$", re.IGNORECASE)
# "no one believed", "every one of", "the only one": "one" as a pronoun counts nothing.
_PRONOUN_ONE_BEFORE = re.compile(r"\b(?:no|every|any|some|each|only)\s+$", re.IGNORECASE)
_MONTH = re.compile(MONTH_NAME + r"\.?\s*$")
_MONTH_AFTER = re.compile(r"\s*" + MONTH_NAME)
_TIME_UNITS = re.compile(
    r"\s*(?:" + TIME_UNIT + r"|times|sides|percent|%|km|miles?)\b", re.IGNORECASE
)
# The units that make a figure a quantity of its own kind, read right after it.
_DURATION_AFTER = re.compile(
    r"[\s-]*(?P<unit>" + TIME_UNIT + r")\b(?!\s+(?:" + "|".join(TIME_POINT_AFTER) + r")\b)",
    re.IGNORECASE,
)
_DISTANCE_AFTER = re.compile(r"[\s-]*(?P<unit>" + DISTANCE_UNIT + r")\b", re.IGNORECASE)
# "5,400 degrees Celsius", "40C": case matters for the bare letter ("40C", not "40 c").
_TEMPERATURE_AFTER = re.compile(r"\s?(?P<unit>" + TEMPERATURE_UNIT + r")")
_CURRENCY_AFTER = re.compile(r"\s+(?P<unit>" + phrases(CURRENCY_WORDS) + r")\b", re.IGNORECASE)
# The kinds of quantity: a count (of a noun, or of casualties), and the kinds of a unit.
KINDS = ("count", "money", "percent", "duration", "distance", "temperature")
_ONE_OF_THE = re.compile(
    r"\s*of\s+the\s+(?:first|most|last|best|main|few|many|biggest|largest|\w+est)\b",
    re.IGNORECASE,
)


# The units after a figure, by the kind they make it, in the order they are tried.
_UNIT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("percent", PERCENT_AFTER),
    ("money", _CURRENCY_AFTER),
    ("duration", _DURATION_AFTER),
    ("distance", _DISTANCE_AFTER),
    ("temperature", _TEMPERATURE_AFTER),
)


@dataclass(frozen=True)
class Unit:
    """The unit written with a figure: its kind, the unit as written, where it ends."""

    kind: str  # one of KINDS other than "count"
    unit: str  # "£", "crowns", "%", "hours", "km"
    end: int  # where the figure with its unit ends in the sentence


def unit_of(sentence: str, m: re.Match[str]) -> Unit | None:
    """The unit that makes the figure ``m`` money, a share, a duration or a distance.

    "£42,000" and "41 million crowns" are money, "70%" and "60 per cent" shares, "five
    hours" a duration ("two days later" and "34 years old" are not: a point in time and
    an age), "30 km" a distance. None for a plain number.
    """
    if m.group("sign"):
        return Unit("money", m.group("sign"), m.end())
    end = m.end()
    for kind, rule in _UNIT_RULES:
        found = rule.match(sentence, end)
        if found:
            unit = " ".join(found.group("unit").lower().split())
            return Unit(kind, "%" if kind == "percent" else unit, found.end())
    return None


@dataclass
class Claim:
    """One quantitative claim, as in the ``claims --json`` contract."""

    figure: str
    low: float | None
    high: float | None
    hedge: str | None
    what: str
    who: str | None
    via: str | None
    citations: list[Citation] = field(default_factory=list)
    # What kind of quantity (see KINDS), its unit as written ("£", "%", "hours"; None
    # for a count) and the word it counts or goes with ("people", "fund", "killed").
    kind: str = "count"
    unit: str | None = None
    counts: str | None = None

    @property
    def published(self) -> str:
        """The earliest publication date among the claim's citations ("" when none says)."""
        return min((c.published for c in self.citations if c.published), default="")

    def _earliest_first(self) -> list[Citation]:
        return sorted(self.citations, key=lambda c: (not c.published, c.published))

    @property
    def outlets(self) -> list[str]:
        """The outlets that published the claim, earliest first (as in ``--json``)."""
        return list(dict.fromkeys(c.outlet for c in self._earliest_first() if c.outlet))

    @property
    def publishers(self) -> list[str]:
        """Who published the claim, earliest first: each outlet, or a document's author."""
        return list(dict.fromkeys(c.publisher for c in self._earliest_first() if c.publisher))

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of a claim.

        ``outlet`` is the outlet of its earliest citation that names one, ``outlets``
        every one, and ``published`` the earliest date (null or empty when the sources
        do not say; a document naming only its author has its ``author`` on each
        citation).
        """
        outlets = self.outlets
        return {
            "figure": self.figure,
            "low": _num(self.low),
            "high": _num(self.high),
            "hedge": self.hedge,
            "what": self.what,
            "who": self.who,
            "via": self.via,
            "citations": [c.to_json() for c in self.citations],
            "outlet": outlets[0] if outlets else None,
            "outlets": outlets,
            "published": self.published or None,
            "kind": self.kind,
            "unit": self.unit,
            "counts": self.counts if self.counts is not None else self.what,
        }


@dataclass
class ClaimTable:
    """All claims, and the groups of claims about the same quantity."""

    claims: list[Claim]
    groups: list[tuple[str, list[int]]]
    mode: str = "extractive"
    rejected: list[RejectedCitation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # stderr, not JSON
    order: str = "found"  # "found" (as grouped) or "date" (see by_date)

    def to_json(self) -> dict[str, Any]:
        """The public ``claims --json`` shape (``rejected_citations`` and ``order`` extend it)."""
        return {
            "claims": [c.to_json() for c in self.claims],
            # Each group's "kind" is its claims' kind (see KINDS).
            "groups": [
                {"what": what, "claims": idx, "kind": self.claims[idx[0]].kind if idx else None}
                for what, idx in self.groups
            ],
            "mode": self.mode,
            "rejected_citations": [r.to_json() for r in self.rejected],
            "order": self.order,
        }

    def dated_claims(self) -> set[int]:
        """The claims whose sources give a publisher or a date (to show those columns)."""
        return {i for i, c in enumerate(self.claims) if c.published or c.publishers}

    def by_date(self) -> ClaimTable:
        """This table with each group's claims in order of publication, earliest first.

        How a figure changed over the days of a story: a claim is dated by its earliest
        citation; claims whose sources give no date come last, in their former order.
        """
        groups = [
            (
                what,
                sorted(
                    members, key=lambda i: (not self.claims[i].published, self.claims[i].published)
                ),
            )
            for what, members in self.groups
        ]
        return replace(self, groups=groups, order="date")


def _num(x: float | None) -> int | float | None:
    # JSON has no Infinity or NaN (json.dumps writes them, and strict readers refuse them).
    if x is None or not math.isfinite(x):
        return None
    return int(x) if float(x).is_integer() else x


def measure_kind(sentence: str, start: int, end: int) -> str:
    """The kind (see :data:`KINDS`) of the figure written at ``sentence[start:end]``.

    Its unit may be inside the span ("five hours", "About 60 per cent") or right after
    it ("£42,000" before, "300 euros" after); a plain number is a count.
    """
    piece = sentence[start:end]
    if CURRENCY_PREFIX.search(sentence[:start]) or any(c in CURRENCY_SIGNS for c in piece):
        return "money"
    for kind, rule in _UNIT_RULES:
        if rule.search(piece) or rule.match(sentence, end):
            return kind
    return "count"


def parse_number(text: str) -> float | None:
    """The value of a number as written ("1,000", "two hundred", "13"), or None.

    None too for a number too large for a float (400 digits, "hundred" said 200 times):
    it would be infinite, which compares wrongly and is no JSON.
    """
    toks = tokens(text)
    scale = 1
    if len(toks) == 2 and toks[1].term in SCALES:  # digits and a scale: "41 million"
        scale = SCALES[toks[1].term]
        toks = toks[:1]
    if len(toks) == 1 and toks[0].term.replace(".", "", 1).isdigit():
        value = float(toks[0].term) * scale
        return value if math.isfinite(value) else None
    return None


def figure_bounds(low_text: str, high_text: str | None, hedge: str | None) -> tuple[Any, Any, Any]:
    """(low, high, hedge) for a figure as written."""
    key = " ".join(low_text.lower().split())
    if key in VAGUE_QUANTITIES:
        low, high = VAGUE_QUANTITIES[key]
        if high_text:  # "several dozens up to 644"
            high = parse_number(high_text)
            return low, high, hedge or "range"
        return low, high, hedge or key
    low = parse_number(low_text)
    if high_text:
        return low, parse_number(high_text), "range" if not hedge or hedge == "between" else hedge
    h = (hedge or "").lower()
    if h in LOWER_BOUND_HEDGES:
        return low, None, hedge
    if h in UPPER_BOUND_HEDGES:
        return None, low, hedge
    return low, low, hedge


def _words_before(sentence: str, start: int, window: int) -> list[Token]:
    """The last ``window`` tokens of ``sentence[:start]``, reading only a stretch of it.

    Cutting the text can change its first two tokens (a word cut in half, a number run
    cut short), so a stretch is used only when it holds two tokens more than needed;
    otherwise it doubles, up to the whole text before ``start``.
    """
    span = _NEAR_CHARS
    while True:
        lo = max(0, start - span)
        toks = tokens(sentence[lo:start])
        if lo == 0 or len(toks) >= window + 2:
            return toks[-window:] if window else []
        span *= 2


def _words_after(sentence: str, end: int, window: int) -> list[Token]:
    """The first ``window`` tokens of ``sentence[end:]`` (see :func:`_words_before`)."""
    span = _NEAR_CHARS
    while True:
        hi = min(len(sentence), end + span)
        toks = tokens(sentence[end:hi])
        if hi == len(sentence) or len(toks) >= window + 2:
            return toks[:window]
        span *= 2


def figure_category(sentence: str, start: int, end: int, window: int = _WINDOW) -> str | None:
    """What the figure at [start, end) counts: the event word nearest to it.

    Distance is in content words. "fighters" (who is counted) applies only when no
    event word (killed, wounded, casualties, attackers) is within the window.
    """
    before = _words_before(sentence, start, window)
    after = _words_after(sentence, end, window)
    best: tuple[int, int, int, str] | None = None
    near_words = list(enumerate(reversed(before), start=1))
    near_words += list(enumerate(after, start=1))
    for dist, tok in near_words:
        for rank, (name, stems) in enumerate(CATEGORIES):
            tier = 1 if name == "fighters" else 0
            if tok.term in stems and (best is None or (tier, dist, rank) < best[:3]):
                best = (tier, dist, rank, name)
    if best is None:
        return None
    # "killed and injured" right after the figure: both together are casualties.
    follows = {t.term for t in after[:3]}
    if follows & dict(CATEGORIES)["killed"] and follows & dict(CATEGORIES)["wounded"]:
        return "casualties"
    return best[3]


def _back(text: str, start: int) -> int:
    r"""Where the stretch read by the rules about the text before ``start`` begins.

    It holds the spaces just before ``start`` and ``_LOOK_BACK`` characters more: the
    rules end in ``\s*$`` or ``\s+$`` after a word or two. The spaces before one figure
    are not before another, so skipping them costs a pass over the text in all.
    """
    j = start
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return max(0, j - _LOOK_BACK)


def month_before(text: str, start: int) -> bool:
    """A month name ends just before ``start`` ("Feb. 7"), so the number there is a day."""
    return _MONTH.search(text, _back(text, start), start) is not None


def month_after(text: str, end: int) -> bool:
    """A month name follows ``end`` ("7 February"), so the number there is a day."""
    return _MONTH_AFTER.match(text, end) is not None


def speaker_prefixes(attributions: Iterable[Attribution]) -> frozenset[str]:
    """Each speaker's opening words, lowercased ("two unnamed" of "two unnamed Russians").

    A figure that opens a speaker's name ("two unnamed Russians said") is who speaks, not
    a count; a set of these prefixes answers that in one look-up per figure.
    """
    out: set[str] = set()
    for a in attributions:
        who = a.who.lower()
        out.update(who[:i] for i, ch in enumerate(who) if ch == " ")
    return frozenset(out)


def _is_not_a_count(sentence: str, m: re.Match[str], speakers: frozenset[str]) -> bool:
    """Tell numbers that are not claims.

    Dates, years, times, "one of the first", "no one", "numerous reports" and the number in a
    source's own description ("two unnamed Russians said", ``speakers`` holding the
    :func:`speaker_prefixes` of the sentence's attributions) are numbers but not claims.
    """
    start, end = m.start(), m.end()
    low = m.group("low")
    if month_before(sentence, start) or month_after(sentence, end):
        return True
    if _TIME_UNITS.match(sentence, end):
        return True
    if re.fullmatch(r"(?:1[89]|20)\d\d", low) and not m.group("high"):
        return True  # a year
    back = _back(sentence, start)
    if _NOT_PEOPLE.match(sentence, end) or _HOW_BEFORE.search(sentence, back, start):
        return True
    if low.lower() == "one" and (
        _ONE_OF_THE.match(sentence, end)
        or _PREPOSITION_BEFORE.search(sentence, back, start)
        or _PRONOUN_ONE_BEFORE.search(sentence, back, start)
    ):
        return True
    figure = m.group(0).strip(" \"“”'").lower()
    return figure in speakers


class _Speakers:
    """Who speaks at each place in one sentence: the rules of ``_speaker``, set up once.

    A sentence may hold thousands of figures and attributions; looking through all of
    them for each figure was quadratic, so they are sorted by place once and each figure
    finds its speaker by binary search.
    """

    def __init__(
        self, sentence: str, attributions: Sequence[Attribution], previous: Attribution | None
    ) -> None:
        self.sentence = sentence
        self.attributions = attributions
        self.previous = previous if any(a.is_pronoun for a in attributions) else None
        self.named = sorted((a for a in attributions if not a.is_pronoun), key=lambda a: a.pos)
        self.places = [a.pos for a in self.named]
        self.according = [a for a in attributions if a.verb == "according to"]
        self._after: tuple[Attribution | None] | None = None

    def at(self, pos: int) -> Attribution | None:
        """The speaker of the figure at ``pos``: whose verb governs it, else the nearest.

        The nearest is the one named before it, else the one after it.
        """
        governing = governing_speaker(self.sentence, self.named, pos)
        if governing is not None:
            return governing
        i = bisect.bisect_right(self.places, pos)
        if i:  # the first of those at the nearest place, as max() over them returned
            return self.named[bisect.bisect_left(self.places, self.places[i - 1])]
        if self.named:
            if self._after is None:
                self._after = (self._speaker_after(),)
            return self._after[0]
        return self.previous

    def _speaker_after(self) -> Attribution | None:
        # "..., Russia's Foreign Ministry said on Tuesday": the speaker may follow, but
        # not across "although"/"but" ("X killed, although Mattis said he had no word").
        after = self.named[0]
        who_at = self.sentence.rfind(after.who, 0, after.pos + 1)
        lead_in = self.sentence[max(0, who_at - 12) : max(0, who_at)]
        if who_at >= 0 and re.search(r"\b(?:although|though|whereas|while)\s+$", lead_in):
            return None
        return after

    def who_via(self, att: Attribution | None) -> tuple[Any, Any]:
        """(who, via) for ``att``, relayed through an "according to" in the sentence."""
        if att is None:
            return None, None
        if att.via:
            return att.who, att.via
        according = [a for a in self.according[:2] if a is not att]
        if according and att.verb != "according to":
            return att.who, according[0].who
        return att.who, None


class _SentenceCiter:
    """Cites a sentence at the offset it was cut from, checked against the file on disk.

    ``SourceReader.cite`` searches the whole file for a quote (normalising it first), which
    is right for a quote of unknown origin but costs a pass over the file per claim: a long
    article with many figures made claim extraction quadratic in its length. A claim's
    sentence comes from a chunk, and a chunk is the file's text at ``chunk.start``, so the
    sentence should stand at a known offset: one comparison with the file verifies it.
    When it does not stand there (the file changed since ingest), ``SourceReader.cite``
    decides as before, so what is cited, and what is refused, is unchanged.
    """

    def __init__(self, reader: SourceReader) -> None:
        self.reader = reader
        # Per file: its text and line index, or None when it must not or cannot be read.
        self._files: dict[tuple[str, str], tuple[str, LineIndex] | None] = {}

    def _file(self, chunk: StoredChunk) -> tuple[str, LineIndex] | None:
        key = (chunk.root, chunk.source)
        if key not in self._files:
            root = Path(chunk.root)
            text = self.reader.text(root / chunk.source) if is_within(root, chunk.source) else None
            self._files[key] = (text, LineIndex(text)) if text is not None else None
        return self._files[key]

    def __call__(
        self, sentence: str, chunk: StoredChunk, offset: int
    ) -> Citation | RejectedCitation:
        """Cite ``sentence``, which starts at ``offset`` in ``chunk.text``."""
        found = self._file(chunk)
        start = chunk.start + offset
        end = start + len(sentence)
        if found is not None and stands_at(found[0], start, end, sentence):
            line = found[1].line_of(start)
            return self.reader.citation(0, chunk, start, end, line, sentence)
        return self.reader.cite(0, sentence, chunk)


class _LazyAttributions(Sequence[Sequence[Attribution]]):
    """The attributions of each sentence of a paragraph, found only when asked for.

    Most sentences hold no figure and are never asked about; finding attributions is the
    costliest rule, so it runs for a sentence with a figure and the neighbours that a
    "he said" sends us to, and at most once each.
    """

    def __init__(self, texts: Sequence[str], memo: dict[str, list[Attribution]]) -> None:
        self.texts = texts
        self.memo = memo

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):  # pragma: no cover - Sequence protocol; not used here
            return [self[j] for j in range(*i.indices(len(self)))]
        text = self.texts[i]
        if text not in self.memo:
            self.memo[text] = find_attributions(text)
        return self.memo[text]


def extract_claims(
    chunks: Iterable[StoredChunk],
    reader: SourceReader,
    attributions: dict[str, list[Attribution]] | None = None,
) -> list[Claim]:
    """Every quantitative claim in ``chunks`` (in document order), each with its citation.

    Args:
        chunks: The store's chunks (all of them, or those found for a topic).
        reader: Verifies each claim's sentence against its file.
        attributions: Attributions already found, by sentence text; the ones found here
            are added, so a caller that reads the same sentences again (the summary)
            does not find them twice.
    """
    out: list[Claim] = []
    memo: dict[str, list[Attribution]] = {} if attributions is None else attributions
    cite = _SentenceCiter(reader)
    for chunk in sorted(chunks, key=lambda c: (c.source, c.start)):
        # Read as a reader sees it ("kil\u200bled" is "killed", "５" is 5); cited as the
        # file has it, at the file's offsets.
        view = visible(chunk.text)
        paras = []
        for para in paragraphs(view.text):
            spans = split_sentences(view.text, para.start, para.end)
            texts = [view.text[s.start : s.end] for s in spans]
            # No figure, no claim: the rules skip such a sentence.
            has = [FIGURE.search(t) is not None for t in texts]
            paras.append((spans, texts, has))
        batch = _Batch([t for _, ts, hs in paras for t, h in zip(ts, hs, strict=True) if h])
        for spans, texts, has in paras:
            atts_of = _LazyAttributions(texts, memo)
            near = _ParagraphSpeakers(atts_of)
            for i, (span, sentence) in enumerate(zip(spans, texts, strict=True)):
                if not has[i]:
                    continue
                start, end = view.span(span.start, span.end)
                verify = partial(cite, chunk.text[start:end], chunk, start)
                out.extend(_claims_in(sentence, i, atts_of, verify, near, batch))
    return out


class _ParagraphSpeakers:
    """For "he said": the nearest speaker named in the same paragraph, before or after.

    Each sentence's answer is kept and reused by its neighbours, so a paragraph of many
    "he said" sentences with no name is walked once, not once per sentence.
    """

    def __init__(self, atts_of: Sequence[Sequence[Attribution]]) -> None:
        self.atts_of = atts_of
        self._before: dict[int, Attribution | None] = {0: None}
        self._after: dict[int, Attribution | None] = {len(atts_of) - 1: None}

    def _named(self, j: int) -> list[Attribution]:
        return [a for a in self.atts_of[j] if not a.is_pronoun]

    def _nearest(self, i: int, step: int) -> Attribution | None:
        memo = self._before if step < 0 else self._after
        walked = []
        k = i
        while k not in memo:
            named = self._named(k + step)
            if named:
                memo[k] = named[-1] if step < 0 else named[0]
                break
            walked.append(k)
            k += step
        for w in walked:
            memo[w] = memo[k]
        return memo[i]

    def of(self, i: int) -> Attribution | None:
        """The speaker for sentence ``i``: the nearest named before it, else after it."""
        found = self._nearest(i, -1)
        return found if found is not None else self._nearest(i, 1)


@dataclass(frozen=True)
class _Found:
    """A figure of a sentence that is a claim: where, and what it counts."""

    m: re.Match[str]
    what: str  # the group: a casualty kind, the noun counted, or a unit's label
    kind: str = "count"  # one of KINDS
    unit: str | None = None  # the unit as written, for money, shares, durations, distances
    counts: str | None = None  # the word it counts or goes with ("people", "fund")
    end: int = -1  # where the figure with its unit ends (-1: at the match's end)


class _Batch:
    """The sentences of a chunk that hold a figure, parsed together when one needs it.

    Parsing one sentence at a time costs the parser's set-up for each (most of the time
    for short sentences); a chunk's figure sentences are parsed in one batch, once, the
    first time any rule of any of them needs a parse.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = [t for t in texts if len(t) <= MAX_PARSED and _may_need_parse(t)]
        self.parsed: dict[str, Parsed] | None = None

    def of(self, sentence: str) -> Parsed:
        """The parse of ``sentence`` (parsed with the rest of the batch, or alone)."""
        if self.parsed is None:
            self.parsed = dict(zip(self.texts, parse_many(self.texts), strict=True))
        found = self.parsed.get(sentence)
        return found if found is not None else parse_many([sentence])[0]


def _may_need_parse(sentence: str) -> bool:
    """A rule may read the parse of ``sentence``, so it is parsed with its chunk's batch.

    So it is when it holds a negation, a unit, a preposition right before a figure, or
    a figure that no casualty word is near (its noun is read).
    """
    if may_negate(sentence):
        return True
    return any(
        unit_of(sentence, m) is not None
        or may_qualify(sentence, m.start())
        or figure_category(sentence, m.start(), m.end()) is None
        for m in FIGURE.finditer(sentence)
    )


class _Parse:
    """A sentence's parse, made once and only when a rule needs it (see :class:`_Said`)."""

    def __init__(self, sentence: str, batch: _Batch | None = None) -> None:
        self.sentence = sentence
        self.batch = batch
        self._parsed: Parsed | None = None

    @property
    def fits(self) -> bool:
        """Short enough to parse (longer runs keep the claim table linear)."""
        return len(self.sentence) <= MAX_PARSED

    def get(self) -> Parsed | None:
        """The parse, or None when the sentence is too long to parse."""
        if not self.fits:
            return None
        if self._parsed is None:
            batch = self.batch
            self._parsed = batch.of(self.sentence) if batch else parse_many([self.sentence])[0]
        return self._parsed


def _counts(
    sentence: str, atts: Sequence[Attribution], prefixes: frozenset[str], parse: _Parse
) -> list[_Found]:
    """The figures of ``sentence`` that count something, each with what it counts.

    Markup, code and identifiers hold no figure ("The <b id=3> agency said", "call
    0800 555 0192"). Nor does a speaker's name when the statement gives a figure of its
    own ("The agency for 3 counties said 18 were killed"); when it gives none, a number
    in the name may be what it is about ("associates of two fighters confirmed they were
    killed").
    """
    found = _counts_in(sentence, mask_non_figures(sentence, atts), prefixes, parse)
    if not found and atts:
        # The number in the speaker's name is what the statement is about: that it
        # hangs on the speaker's noun ("friends of two guides") is why it is there.
        found = _counts_in(sentence, mask_non_figures(sentence), prefixes, parse, qualify=False)
    return found


# Quantifiers that give no number: a claim of "several staff" says nothing to compare.
_NO_NUMBER = frozenset({"several", "multiple", "numerous", "an unknown number"})


def _label(word: str | None, kind: str) -> str:
    """The group name of a quantity with a unit: "fund (money)", "destroyed (percent)"."""
    return f"{word.lower()} ({kind})" if word else kind


def _counts_in(
    sentence: str, masked: str, prefixes: frozenset[str], parse: _Parse, qualify: bool = True
) -> list[_Found]:
    """:func:`_counts` over ``masked``, the sentence with what holds no figure blanked.

    ``qualify``: leave out a count that describes another noun (see
    :func:`assistant.reasoning.counted.counts_other`).
    """
    out = []
    for m in FIGURE.finditer(masked):
        low = m.group("low")
        if month_before(sentence, m.start()) or month_after(sentence, m.end()):
            continue
        if time_of_day_after(sentence, m.end()):
            continue  # "3 a.m."
        if counts_other(sentence, m.start(), m.end()):
            continue  # "two of the workers": a part, not how many workers
        unit = unit_of(sentence, m)
        # A count hanging on another noun describes it ("relatives of 11 workers"); a
        # sum or a share hanging on one measures it ("a budget of 41 million crowns").
        if qualify and unit is None and may_qualify(sentence, m.start()) and parse.fits:
            parsed = parse.get()
            if parsed is not None and counts_other(sentence, m.start(), m.end(), parsed):
                continue
        if unit is not None:
            if m.group("high") is None and re.fullmatch(r"(?:1[89]|20)\d\d", low):
                continue  # "the 1987 pounds": a year
            parsed = parse.get()
            found = counted(parsed, m.start(), m.end()) if parsed is not None else None
            word = None
            if found is not None:
                word = found.owner if unit.kind == "money" else found.event
            out.append(_Found(m, _label(word, unit.kind), unit.kind, unit.unit, word, unit.end))
            continue
        if _is_not_a_count(sentence, m, prefixes):
            continue
        # "one" is everywhere ("follow one from Reuters"): only right next to the event.
        short = low.lower() == "one" and not m.group("hedge")
        what = figure_category(sentence, m.start(), m.end(), window=4 if short else _WINDOW)
        if what is not None:
            out.append(_Found(m, what, counts=what))
            continue
        # Any other count: of the noun the parse says it counts ("380 people").
        if short or " ".join(low.lower().split()) in _NO_NUMBER:
            continue
        if not m.group("hedge") and is_label(sentence, m.start()):
            continue  # "Nova 7", "room 4"
        parsed = parse.get()
        noun = counted(parsed, m.start(), m.end()).noun if parsed is not None else None
        if noun and any(ch.isalpha() for ch in noun):
            out.append(_Found(m, noun.lower(), counts=noun))
    return out


class _Said:
    """Whether a sentence says each of its figures, or denies or withholds it.

    The sentence is parsed only when it holds a word of negation or denial, once for
    all its figures. A run of more than :data:`~assistant.reasoning.negation.MAX_PARSED`
    characters with no sentence end is not parsed: its figures are taken as said, which
    keeps the claim table linear in the text's length.
    """

    def __init__(self, sentence: str, parse: _Parse | None = None) -> None:
        self.parse = parse if parse is not None else _Parse(sentence)
        self.reads = self.parse.fits and may_negate(sentence)

    def at(self, start: int, end: int) -> bool:
        """The sentence says the figure at ``[start, end)`` (no negation governs it)."""
        parsed = self.parse.get() if self.reads else None
        if parsed is None:
            return True
        return span_stance(parsed, start, end) == "said"


def _claims_in(
    sentence: str,
    i: int,
    atts_of: Sequence[Sequence[Attribution]],
    cite: Callable[[], Citation | RejectedCitation],
    near: _ParagraphSpeakers | None = None,
    batch: _Batch | None = None,
) -> list[Claim]:
    """The claims in sentence ``i`` of a paragraph; ``cite`` verifies the sentence.

    ``batch``: the chunk's figure sentences, to parse together when one needs it.
    """
    atts = atts_of[i]
    # "he said" needs the paragraph's other sentences; look there only when it decides.
    only_pronouns = atts and all(a.is_pronoun for a in atts)
    near = near if near is not None else _ParagraphSpeakers(atts_of)
    previous = near.of(i) if only_pronouns else None
    speakers = _Speakers(sentence, atts, previous)
    prefixes = speaker_prefixes(atts)
    cited: Citation | RejectedCitation | None = None  # one check per sentence, when needed
    parse = _Parse(sentence, batch)
    said = _Said(sentence, parse)
    out: list[Claim] = []
    for found in _counts(sentence, atts, prefixes, parse):
        m = found.m
        if not said.at(m.start("low"), m.end("low")):
            continue  # "denied that 99 people were killed" is no one's claim of 99
        hedge_text = m.group("hedge")
        # The figure as written, with its unit ("£42,000", "70%", "five hours").
        end = max(found.end, m.end())
        figure = sentence[m.start() : end].strip(" \"“”'")
        between = sentence[m.start() : m.start("low")]
        if (
            hedge_text
            and hedge_text.lower() in ("about", "over", "some")
            and re.search(r"[\"“”']", between)
        ):
            # "wrote about “several hundred”": a preposition, not a hedge.
            hedge_text = None
            figure = sentence[m.start("sign") if m.group("sign") else m.start("low") : end]
            figure = figure.strip(" \"“”'")
        low, high, hedge = figure_bounds(m.group("low"), m.group("high"), hedge_text)
        who, via = speakers.who_via(speakers.at(m.start()))
        cited = cite() if cited is None else cited
        if not isinstance(cited, Citation):
            continue  # the file changed since ingest: never cite it
        out.append(
            Claim(
                figure=figure,
                low=low,
                high=high,
                hedge=hedge.lower() if hedge else None,
                what=found.what,
                who=who,
                via=via,
                citations=[cited],
                kind=found.kind,
                unit=found.unit,
                counts=found.counts,
            )
        )
    return out


# Capitalised words that name no one: an article opening a name ("The Kremlin").
_ARTICLES = frozenset(a.capitalize() for a in ARTICLES)


def source_key(who: str | None) -> frozenset[str]:
    """The words that identify a source, as a set of terms: its capitalised words.

    "the Russian newspaper Novaya Gazeta" and "the independent Russian newspaper Novaya
    Gazeta" share a key, and so do "Russia's Defense Ministry" and "The Russian Defense
    Ministry" (the stemmer makes "Russia's" and "Russian" one term). A country's word
    is part of the name: the US and the Russian Defense Ministry are two sources.
    """
    if not who:
        return frozenset()
    words = re.findall(r"[A-Z][\w’'-]*", who)
    key = [w for w in words if w not in _ARTICLES]
    return frozenset(terms(" ".join(key))) if key else frozenset(terms(who))


def merge_and_group(claims: list[Claim]) -> ClaimTable:
    """Merge repeated claims (same figure, quantity and source) and group by quantity.

    Citation ids are assigned here, in table order, one per distinct quote.
    """
    claims = canonical_claims(claims)  # one person is one source: "Okafor", "the mayor"
    _one_name_per_quantity(claims)
    merged: list[Claim] = []
    # Rows by figure, in table order: a claim merges only into a row with its figure, so
    # it is compared with those rows, not with the whole table (that made merging
    # quadratic in the number of claims).
    rows_of: dict[tuple[Any, ...], list[tuple[int, frozenset[str]]]] = {}
    for c in claims:
        # A relayed claim belongs to the outlet that relayed it: "Novaya Gazeta, citing
        # unnamed sources" and "Novaya Gazeta said" are the same claim; so are "Grigory
        # Yavlinsky" and "Yavlinsky" (one name's words within the other's).
        figure = (c.what, c.unit, c.low, c.high, c.hedge)
        skey = source_key(c.via or c.who)
        target = None
        rows = rows_of.setdefault(figure, [])
        for i, other in rows:
            same_source = (skey and other and (skey <= other or other <= skey)) or (
                not skey and not other and c.citations[0].quote == merged[i].citations[0].quote
            )
            if same_source:
                target = merged[i]
                break
        if target is None:
            rows.append((len(merged), skey))
            merged.append(c)
            continue
        if c.via and not target.via:  # keep the fuller attribution
            target.who, target.via = c.who, c.via
        for cit in c.citations:
            if all(
                (x.root, x.source, x.start, x.end) != (cit.root, cit.source, cit.start, cit.end)
                for x in target.citations
            ):
                target.citations.append(cit)

    # Casualties first, in their fixed order; then counts by their noun, then the
    # quantities of each unit, each by name.
    casualties = [name for name, _ in CATEGORIES] + ["other"]
    others = sorted(
        {(KINDS.index(c.kind), c.what) for c in merged if c.what not in casualties},
    )
    order = casualties + [what for _, what in others]
    rank = {what: i for i, what in enumerate(order)}
    merged.sort(key=lambda c: (rank[c.what], c.low if c.low is not None else -1, c.high or 0))
    ids: dict[tuple[str, str, int, int], int] = {}
    for claim in merged:
        renumbered = []
        for cit in claim.citations:
            # The folder too: two ingested folders may each hold a file of one name.
            k = (cit.root, cit.source, cit.start, cit.end)
            ids.setdefault(k, len(ids) + 1)
            renumbered.append(replace(cit, id=ids[k], also_in=()))
        claim.citations = renumbered
    members_of: dict[str, list[int]] = {}
    for i, c in enumerate(merged):
        members_of.setdefault(c.what, []).append(i)
    groups = [(name, members_of[name]) for name in order if name in members_of]
    return ClaimTable(merged, groups)


def _one_name_per_quantity(claims: list[Claim]) -> None:
    """Give the claims about one quantity one group name, the first one found.

    "380 workers" and "400 worker" count one noun; "the fund raised" and "funds raised"
    go with one word: their words' stems and the kind decide, not the spelling.
    """
    names: dict[tuple[str, frozenset[str]], str] = {}
    for c in claims:
        if c.kind == "count" and c.what in dict(CATEGORIES):
            continue
        stems = frozenset(terms(c.counts or "")) or frozenset([c.what])
        c.what = names.setdefault((c.kind, stems), c.what)


def has_figure(text: str) -> bool:
    """True when ``text`` holds a figure that counts something (a candidate claim)."""
    return any(
        figure_category(text, m.start(), m.end()) is not None
        for m in FIGURE.finditer(text)
        if not _is_not_a_count(text, m, frozenset())
    )


def build_claim_table(
    chunks: Iterable[StoredChunk],
    reader: SourceReader | None = None,
    attributions: dict[str, list[Attribution]] | None = None,
) -> ClaimTable:
    """Extract, merge and group the claims in ``chunks`` (see :func:`extract_claims`)."""
    return merge_and_group(extract_claims(chunks, reader or SourceReader(), attributions))
