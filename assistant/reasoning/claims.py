"""The claim table: every quantitative claim in the corpus, who made it, and where.

Offline and rule-based: a figure is a number, a number word or a vague quantity
("dozens", "several hundred", "an unknown number") with its hedge ("more than", "as many
as", a range); what it counts is the casualty word nearest to it ("killed", "wounded",
"casualties", "attackers"); who made it is the attribution nearest before it in the
sentence ("X said", "according to X", "X, citing Y, said"), with "he said" resolved to
the speaker named in the sentence before. Each claim carries the verified citation of
its sentence. Claims about the same quantity form a group, so conflicting figures stand
side by side, and the same claim by the same source in several articles is one row with
all its citations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from assistant.index.chunking import LineIndex, paragraphs, split_sentences
from assistant.index.corpus import is_within
from assistant.index.store import StoredChunk
from assistant.index.terms import NUMBER_WORDS, terms, tokens
from assistant.reasoning.attribution import Attribution, find_attributions
from assistant.reasoning.citations import Citation, RejectedCitation, SourceReader
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

_HEDGES = (
    r"a bit more than|more than|over|at least|about|around|roughly|approximately|some|"
    r"nearly|almost|as many as|up to|fewer than|less than|anywhere from|between"
)
_NUMBER_WORD = r"(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + _NUMBER_WORD
    + r"(?:[\s-]+(?:and\s+)?"
    + _NUMBER_WORD
    + r")*)"
)
_VAGUE = (
    r"(?:several\s+dozens?|several\s+hundreds?|a\s+few\s+dozen|a\s+dozen|dozens|hundreds|"
    r"thousands|numerous|multiple|several|an\s+unknown\s+number)"
)
_FIGURE = re.compile(
    r"(?<![\w.:/-])(?:(?P<hedge>" + _HEDGES + r")\s+)?[\"“”']?"
    r"(?P<low>" + _NUMBER + r"|" + _VAGUE + r")[\"“”']?"
    r"(?:\s*(?:-|–|to|and(?:\s+over)?|up\s+to)\s*[\"“”']?(?P<high>" + _NUMBER + r")[\"“”']?)?"
    r"(?![\w:/-])",
    re.IGNORECASE,
)
# Quantities of things that are not people: "numerous reports", "multiple sources".
_NOT_PEOPLE = re.compile(
    r"^[\"“”']?\s*(?:\w+\s+)?(?:reports?|sources?|media|issues?|times|countries|outlets?|"
    r"accounts?|occasions?|ways?|candidates?|segments?|steps?|planes?|rocket)\b",
    re.IGNORECASE,
)
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|on|at|by|for|into|from|follow|follows)\s+$", re.I)
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.IGNORECASE
)
_MONTH_AFTER = re.compile(
    r"^\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_TIME_UNITS = re.compile(
    r"^\s*(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|times|decades?|sides|"
    r"percent|%|km|miles?)\b",
    re.IGNORECASE,
)
_ONE_OF_THE = re.compile(
    r"^\s*of\s+the\s+(?:first|most|last|best|main|few|many|biggest|largest|\w+est)\b",
    re.IGNORECASE,
)
_VAGUE_VALUES: dict[str, tuple[float | None, float | None]] = {
    "a dozen": (12, 12),
    "a few dozen": (24, 99),
    "dozens": (24, 99),
    "several dozen": (24, 99),
    "several dozens": (24, 99),
    "several hundred": (200, 999),
    "several hundreds": (200, 999),
    "hundreds": (200, 999),
    "thousands": (2000, None),
    "numerous": (None, None),
    "multiple": (2, None),
    "several": (3, None),
    "an unknown number": (None, None),
}


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

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of a claim."""
        return {
            "figure": self.figure,
            "low": _num(self.low),
            "high": _num(self.high),
            "hedge": self.hedge,
            "what": self.what,
            "who": self.who,
            "via": self.via,
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass
class ClaimTable:
    """All claims, and the groups of claims about the same quantity."""

    claims: list[Claim]
    groups: list[tuple[str, list[int]]]
    mode: str = "extractive"
    rejected: list[RejectedCitation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # stderr, not JSON

    def to_json(self) -> dict[str, Any]:
        """The public ``claims --json`` shape (``rejected_citations`` extends it)."""
        return {
            "claims": [c.to_json() for c in self.claims],
            "groups": [{"what": what, "claims": idx} for what, idx in self.groups],
            "mode": self.mode,
            "rejected_citations": [r.to_json() for r in self.rejected],
        }


def _num(x: float | None) -> int | float | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def parse_number(text: str) -> float | None:
    """The value of a number as written ("1,000", "two hundred", "13"), or None."""
    toks = tokens(text)
    if len(toks) == 1 and toks[0].term.replace(".", "", 1).isdigit():
        return float(toks[0].term)
    return None


def _values(low_text: str, high_text: str | None, hedge: str | None) -> tuple[Any, Any, Any]:
    """(low, high, hedge) for a figure as written."""
    key = " ".join(low_text.lower().split())
    if key in _VAGUE_VALUES:
        low, high = _VAGUE_VALUES[key]
        if high_text:  # "several dozens up to 644"
            high = parse_number(high_text)
            return low, high, hedge or "range"
        return low, high, hedge or key
    low = parse_number(low_text)
    if high_text:
        return low, parse_number(high_text), "range" if not hedge or hedge == "between" else hedge
    h = (hedge or "").lower()
    if h in ("more than", "over", "at least", "a bit more than"):
        return low, None, hedge
    if h in ("as many as", "up to", "fewer than", "less than"):
        return None, low, hedge
    return low, low, hedge


def _category(sentence: str, start: int, end: int, window: int = _WINDOW) -> str | None:
    """What the figure at [start, end) counts: the event word nearest to it.

    Distance is in content words. "fighters" (who is counted) applies only when no
    event word (killed, wounded, casualties, attackers) is within the window.
    """
    before = tokens(sentence[:start])[-window:]
    after = tokens(sentence[end:])[:window]
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


def _is_not_a_count(sentence: str, m: re.Match[str], atts: Sequence[Attribution]) -> bool:
    """Tell numbers that are not claims.

    Dates, years, times, "one of the first", "numerous reports" and the number in a
    source's own description ("two unnamed Russians said") are numbers but not claims.
    """
    before, after = sentence[: m.start()], sentence[m.end() :]
    low = m.group("low")
    if _MONTH.search(before) or _MONTH_AFTER.match(after) or _TIME_UNITS.match(after):
        return True
    if re.fullmatch(r"(?:1[89]|20)\d\d", low) and not m.group("high"):
        return True  # a year
    if _NOT_PEOPLE.match(after) or re.search(r"\bhow\s+$", before, re.IGNORECASE):
        return True
    if low.lower() == "one" and (_ONE_OF_THE.match(after) or _PREPOSITION_BEFORE.search(before)):
        return True
    figure = m.group(0).strip(" \"“”'").lower()
    return any(a.who.lower().startswith(figure + " ") for a in atts)


def _speaker(
    sentence: str, attributions: Sequence[Attribution], pos: int, previous: Attribution | None
) -> Attribution | None:
    named = [a for a in attributions if not a.is_pronoun]
    pronouns = [a for a in attributions if a.is_pronoun]
    before = [a for a in named if a.pos <= pos]
    if before:
        return max(before, key=lambda a: a.pos)
    if named:
        # "..., Russia's Foreign Ministry said on Tuesday": the speaker may follow, but
        # not across "although"/"but" ("X killed, although Mattis said he had no word").
        after = min(named, key=lambda a: a.pos)
        who_at = sentence.rfind(after.who, 0, after.pos + 1)
        lead_in = sentence[max(0, who_at - 12) : max(0, who_at)]
        if who_at >= 0 and re.search(r"\b(?:although|though|whereas|while)\s+$", lead_in):
            return None
        return after
    if pronouns and previous is not None:
        return previous
    return None


def _who_via(att: Attribution | None, attributions: Sequence[Attribution]) -> tuple[Any, Any]:
    if att is None:
        return None, None
    if att.via:
        return att.who, att.via
    according = [a for a in attributions if a.verb == "according to" and a is not att]
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
            return Citation(0, chunk.source, chunk.title, start, end, line, sentence)
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
        for para in paragraphs(chunk.text):
            spans = split_sentences(chunk.text, para.start, para.end)
            texts = [chunk.text[s.start : s.end] for s in spans]
            atts_of = _LazyAttributions(texts, memo)
            for i, (span, sentence) in enumerate(zip(spans, texts, strict=True)):
                if _FIGURE.search(sentence) is None:  # no figure, no claim: skip the rules
                    continue
                verify = partial(cite, sentence, chunk, span.start)
                out.extend(_claims_in(sentence, i, atts_of, verify))
    return out


def _paragraph_speaker(i: int, atts_of: Sequence[Sequence[Attribution]]) -> Attribution | None:
    """For "he said": the nearest speaker named in the same paragraph, before or after."""
    for j in [*range(i - 1, -1, -1), *range(i + 1, len(atts_of))]:
        named = [a for a in atts_of[j] if not a.is_pronoun]
        if named:
            return named[-1] if j < i else named[0]
    return None


def _claims_in(
    sentence: str,
    i: int,
    atts_of: Sequence[Sequence[Attribution]],
    cite: Callable[[], Citation | RejectedCitation],
) -> list[Claim]:
    """The claims in sentence ``i`` of a paragraph; ``cite`` verifies the sentence."""
    atts = atts_of[i]
    # "he said" needs the paragraph's other sentences; look there only when it decides.
    only_pronouns = atts and all(a.is_pronoun for a in atts)
    previous = _paragraph_speaker(i, atts_of) if only_pronouns else None
    cited: Citation | RejectedCitation | None = None  # one check per sentence, when needed
    out: list[Claim] = []
    for m in _FIGURE.finditer(sentence):
        if _is_not_a_count(sentence, m, atts):
            continue
        # "one" is everywhere ("follow one from Reuters"): only right next to the event.
        short = m.group("low").lower() == "one" and not m.group("hedge")
        what = _category(sentence, m.start(), m.end(), window=4 if short else _WINDOW)
        if what is None:
            continue
        hedge_text = m.group("hedge")
        figure = m.group(0).strip(" \"“”'")
        between = sentence[m.start() : m.start("low")]
        if (
            hedge_text
            and hedge_text.lower() in ("about", "over", "some")
            and re.search(r"[\"“”']", between)
        ):
            # "wrote about “several hundred”": a preposition, not a hedge.
            hedge_text = None
            figure = sentence[m.start("low") : m.end()].strip(" \"“”'")
        low, high, hedge = _values(m.group("low"), m.group("high"), hedge_text)
        speaker = _speaker(sentence, atts, m.start(), previous)
        who, via = _who_via(speaker, atts)
        cited = cite() if cited is None else cited
        if not isinstance(cited, Citation):
            continue  # the file changed since ingest: never cite it
        out.append(
            Claim(
                figure=figure,
                low=low,
                high=high,
                hedge=hedge.lower() if hedge else None,
                what=what,
                who=who,
                via=via,
                citations=[cited],
            )
        )
    return out


def source_key(who: str | None) -> frozenset[str]:
    """The words that identify a source, as a set of terms.

    "the Russian newspaper Novaya Gazeta" and "the independent Russian newspaper Novaya
    Gazeta" share a key, and so do "Russia's Defense Ministry" and "The Russian Defense
    Ministry".
    """
    if not who:
        return frozenset()
    words = re.findall(r"[A-Z][\w’'-]*", who)
    generic = {"The", "A", "An", "Russian", "Russia's", "Russia’s", "US", "U.S.", "USA"}
    key = [w for w in words if w not in generic]
    return frozenset(terms(" ".join(key))) if key else frozenset(terms(who))


def merge_and_group(claims: list[Claim]) -> ClaimTable:
    """Merge repeated claims (same figure, quantity and source) and group by quantity.

    Citation ids are assigned here, in table order, one per distinct quote.
    """
    merged: list[Claim] = []
    # Rows by figure, in table order: a claim merges only into a row with its figure, so
    # it is compared with those rows, not with the whole table (that made merging
    # quadratic in the number of claims).
    rows_of: dict[tuple[Any, ...], list[tuple[int, frozenset[str]]]] = {}
    for c in claims:
        # A relayed claim belongs to the outlet that relayed it: "Novaya Gazeta, citing
        # unnamed sources" and "Novaya Gazeta said" are the same claim; so are "Grigory
        # Yavlinsky" and "Yavlinsky" (one name's words within the other's).
        figure = (c.what, c.low, c.high, c.hedge)
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
                (x.source, x.start, x.end) != (cit.source, cit.start, cit.end)
                for x in target.citations
            ):
                target.citations.append(cit)

    order = [name for name, _ in CATEGORIES] + ["other"]
    merged.sort(
        key=lambda c: (order.index(c.what), c.low if c.low is not None else -1, c.high or 0)
    )
    ids: dict[tuple[str, int, int], int] = {}
    for claim in merged:
        renumbered = []
        for cit in claim.citations:
            k = (cit.source, cit.start, cit.end)
            ids.setdefault(k, len(ids) + 1)
            renumbered.append(Citation(ids[k], cit.source, cit.title, cit.start, cit.end,
                                       cit.line, cit.quote))  # fmt: skip
        claim.citations = renumbered
    groups = []
    for name in order:
        members = [i for i, c in enumerate(merged) if c.what == name]
        if members:
            groups.append((name, members))
    return ClaimTable(merged, groups)


def has_figure(text: str) -> bool:
    """True when ``text`` holds a figure that counts something (a candidate claim)."""
    return any(
        _category(text, m.start(), m.end()) is not None
        for m in _FIGURE.finditer(text)
        if not _is_not_a_count(text, m, ())
    )


def build_claim_table(
    chunks: Iterable[StoredChunk],
    reader: SourceReader | None = None,
    attributions: dict[str, list[Attribution]] | None = None,
) -> ClaimTable:
    """Extract, merge and group the claims in ``chunks`` (see :func:`extract_claims`)."""
    return merge_and_group(extract_claims(chunks, reader or SourceReader(), attributions))
