"""A cited summary of the corpus (or of a topic), and a Markdown report of it.

Offline it is assembled, not written: an opening sentence naming the articles, then for
each quantity (killed, wounded, ..., the number of employees, a sum of money, a share, a
length of time: see :mod:`assistant.reasoning.claims`) a sentence saying how
far the sources disagree and the claims themselves with who made them, then the key
attributed statements quoted verbatim. Every sentence is built from verified
citations, so each carries at least one; nothing is said that a citation does not show.

A summary stays a summary however many articles there are: at most
:data:`MAX_SENTENCES` sentences. When the claims do not fit one sentence each, claims
giving the same figure share a sentence ("The Foreign Ministry [3] and Interfax [7]
reported five killed."), and if that is still too long a group's figures are listed
several to a sentence; every distinct figure of every group is kept, since the
disagreement is what a fact-checker needs to see. What is left out (other sources
repeating a figure, further statements, further article titles) is counted in the
sentence it belongs to, with a pointer to ``factcheck claims``, which lists everything.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.index.chunking import split_sentences
from assistant.index.normalise import visible
from assistant.index.schema import StoredChunk
from assistant.index.terms import terms
from assistant.language import ARTICLES, POSSESSIVES, SCALES
from assistant.reasoning.attribution import Attribution, find_attributions
from assistant.reasoning.citations import Citation, SourceReader
from assistant.reasoning.claims import Claim, ClaimTable, build_claim_table, source_key

WHAT_PHRASE = {
    "killed": "killed",
    "wounded": "wounded",
    "casualties": "casualties",
    "attackers": "attackers",
    "fighters": "fighters",
}
_PARTICIPLES = {"killed", "wounded"}
# How a quantity of a unit is named in a sentence: "the sum (fund)", "the share (destroyed)".
_UNIT_NOUN = {"money": "sum", "percent": "share", "duration": "length of time",
              "distance": "distance"}  # fmt: skip
# Quantities that take "of" before what they count: a plural scale ("dozens of
# attackers") and "an unknown number of".
_VAGUE_PLURALS = (*(f"{scale}s" for scale in SCALES), "number")

# The bound on the summary's length, in sentences (the opening, the figures and the
# statements together). Thirty is about a page: enough for every distinct figure of a
# story's few kinds of count, packed when needed, plus its key voices.
MAX_SENTENCES = 30
# Key attributed statements quoted, at most (one per speaker).
MAX_STATEMENTS = 8
# Article titles named in the opening; the rest are counted (the report lists them all).
MAX_TITLES = 5
# When claims giving the same figure share a sentence, the sources named for it; the
# most repeated first (the others are counted, and ``factcheck claims`` lists them).
MAX_SOURCES_PER_FIGURE = 3
# Passages cited for one claim in its own sentence; repeats beyond are counted.
MAX_CITATIONS_PER_CLAIM = 3
# When a group's figures are listed several to a sentence, at most this many each.
FIGURES_PER_SENTENCE = 6
SEE_CLAIMS = "see `factcheck claims`"


@dataclass
class SummarySentence:
    """One sentence of the summary and the citations that back it."""

    text: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        """The sentence in the public JSON shape."""
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


@dataclass
class Summary:
    """A summary in the public ``summary --json`` shape, plus what the report needs."""

    topic: str | None
    sentences: list[SummarySentence]
    mode: str = "extractive"
    table: ClaimTable | None = None
    titles: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # sentences whose citations all failed
    notices: list[str] = field(default_factory=list)  # stderr, not JSON

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: keep it stable, extend only."""
        return {
            "topic": self.topic,
            "sentences": [s.to_json() for s in self.sentences],
            "mode": self.mode,
        }

    def citations(self) -> list[Citation]:
        """Every citation the sentences refer to, once each, by id.

        The claim table's other citations are not here: on a large corpus they run to
        thousands, and no sentence points at them (the Markdown report lists them with
        the table).
        """
        seen: dict[int, Citation] = {}
        for s in self.sentences:
            for c in s.citations:
                seen.setdefault(c.id, c)
        return [seen[i] for i in sorted(seen)]


class _Numberer:
    """Gives each distinct quoted span one citation id across the whole summary."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, int, int], int] = {}

    def __call__(self, c: Citation) -> Citation:
        key = (c.root, c.source, c.start, c.end)  # the folder too: same-named files
        self.ids.setdefault(key, len(self.ids) + 1)
        return replace(c, id=self.ids[key], also_in=())


def markers(cits: list[Citation]) -> str:
    """The ``[n]`` markers of ``cits``, in order: "[1][3]"."""
    return "".join(f"[{c.id}]" for c in cits)


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def provenance(cit: Citation) -> str:
    """Who published a cited article and when, to follow "in" ("" when the file says neither).

    "The Valley Courier, 2026-03-15" for an outlet; a file naming only its author (a
    statement, a memo) is "a document by Ann Lee, 2026-03-15", since its author is not
    a publication.
    """
    who = cit.outlet or (f"a document by {cit.author}" if cit.author else "")
    return ", ".join(p for p in (who, cit.published) if p)


def _who(claim: Claim) -> str:
    """Who made the claim, and in which outlet on which date where the article says."""
    where = provenance(claim.citations[0]) if claim.citations else ""
    if claim.via and claim.who:
        who = f"{claim.via}, citing {claim.who},"
    elif claim.who:
        who = claim.who
    else:
        places = sorted({provenance(c) or c.source for c in claim.citations})
        return _upper(f"A passage in {', '.join(places)}, naming no source,")
    if where and claim.citations[0].publisher != (claim.via or claim.who):
        who = f"{who.rstrip(',')} (in {where}){',' if who.endswith(',') else ''}"
    return _upper(who)


def _figure_text(claim: Claim) -> str:
    """The figure as written, lowercased when it opened its sentence ("Dozens")."""
    fig = claim.figure
    return fig[:1].lower() + fig[1:] if fig[:1].isupper() and fig.split()[0].isalpha() else fig


def _amount(claim: Claim, what: str) -> str:
    """The figure with what it counts: "dozens killed", "hundreds of attackers", "£5 (fund)"."""
    fig = _figure_text(claim)
    if claim.kind in _UNIT_NOUN:  # the unit is in the figure: "£42,000", "70%"
        return f"{fig} ({claim.counts})" if claim.counts else fig
    phrase = WHAT_PHRASE.get(what, what)
    last = fig.split()[-1].strip("“”\"'").lower() if fig.split() else ""
    joiner = " of " if last in _VAGUE_PLURALS and phrase not in _PARTICIPLES else " "
    return f"{fig}{joiner}{phrase}"


def _how_many(phrase: str) -> str:
    return f"how many were {phrase}" if phrase in _PARTICIPLES else f"the number of {phrase}"


def _representative(claim: Claim) -> float:
    return float(claim.low if claim.low is not None else claim.high or 0)


def _short_who(claim: Claim) -> str:
    """Who gave a figure, briefly, with the outlet and date where the article says."""
    who = claim.via or claim.who
    where = provenance(claim.citations[0]) if claim.citations else ""
    if who and where and claim.citations[0].publisher != who:
        return f"{who}, in {where}"
    if who:
        return who
    return f"{where}, naming no source" if where else "no source named"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- The figures: one group per kind of count -------------------------------------------


def _most_repeated(claims: list[Claim]) -> list[Claim]:
    """``claims`` with the most cited first (table order among equals)."""
    return sorted(claims, key=lambda c: -len(c.citations))


# How a group is written: one sentence per claim; one per distinct figure (the claims
# giving it share the sentence); or its figures listed several to a sentence.
_FULL, _BY_FIGURE, _PACKED = range(3)


@dataclass
class _Group:
    """The claims about one kind of count, and how many sentences each form takes."""

    what: str
    claims: list[Claim]  # those with a citation, in table order
    figures: list[list[Claim]] = field(init=False)  # the claims by distinct figure
    ends: tuple[Claim, Claim] | None = field(init=False)  # lowest and highest, if they differ

    def __post_init__(self) -> None:
        by: dict[tuple[Any, ...], list[Claim]] = {}
        for c in self.claims:
            by.setdefault((c.low, c.high, c.hedge), []).append(c)
        # Lowest first; figures with no value ("an unknown number") last.
        self.figures = sorted(
            by.values(),
            key=lambda cs: (cs[0].low is None and cs[0].high is None, _representative(cs[0]),
                            cs[0].high if cs[0].high is not None else math.inf),
        )  # fmt: skip
        # The range runs from the lowest figure to the highest, each cited by its most
        # repeated claim: the one a shorter form names first, so it is never among the
        # claims counted as not shown.
        numeric = [cs for cs in self.figures if cs[0].low is not None or cs[0].high is not None]
        lo = min(numeric, key=lambda cs: _representative(cs[0]), default=None)
        # The last of the highest: "a bit more than 500" is above "some 500".
        hi = max(reversed(numeric), key=lambda cs: _representative(cs[0]), default=None)
        self.ends = (
            (_most_repeated(lo)[0], _most_repeated(hi)[0])
            if lo and hi and _representative(lo[0]) != _representative(hi[0])
            else None
        )

    @property
    def phrase(self) -> str:
        return WHAT_PHRASE.get(self.what, self.what)

    @property
    def subject(self) -> str:
        """The quantity as words: "how many were killed", "the number of people", "the sum"."""
        first = self.claims[0]
        if first.kind in _UNIT_NOUN:
            noun = _UNIT_NOUN[first.kind]
            return f"the {noun} ({first.counts})" if first.counts else f"the {noun}"
        return _how_many(self.phrase)

    @property
    def weight(self) -> tuple[bool, bool, int]:
        """Which groups a short summary keeps first: casualties, disagreements, the largest."""
        return (self.what in WHAT_PHRASE, self.ends is not None, len(self.claims))

    def size(self, form: int, lines: int = 1) -> int:
        """Sentences this group takes in ``form`` (``lines`` figure sentences if packed)."""
        head = 1 if self.ends else 0
        if form == _FULL:
            return head + len(self.claims)
        if form == _BY_FIGURE:
            return head + len(self.figures)
        return head + lines


def plan_forms(groups: list[_Group], budget: int) -> list[tuple[int, int]]:
    """How to write each group so that together they take at most ``budget`` sentences.

    Returns (form, figure sentences when packed) per group. Every group starts with
    one sentence per claim; while the total is over budget, the group taking the most
    sentences gives one up: first by sharing a sentence per figure, then by listing its
    figures :data:`FIGURES_PER_SENTENCE` to a sentence, then more to a sentence. At the
    least a group takes two sentences (its range, and its figures), so the bound holds
    whenever ``budget`` is at least twice the number of kinds of count (there are five).
    """
    plan = [(_FULL, 0)] * len(groups)

    def size(i: int) -> int:
        return groups[i].size(*plan[i])

    def shorter(i: int) -> tuple[int, int] | None:
        g, (form, lines) = groups[i], plan[i]
        now = size(i)
        packed = math.ceil(len(g.figures) / FIGURES_PER_SENTENCE)
        if form == _FULL and g.size(_BY_FIGURE) < now:
            return (_BY_FIGURE, 0)
        if form != _PACKED and g.size(_PACKED, packed) < now:
            return (_PACKED, packed)
        if form == _PACKED and lines > 1:
            return (_PACKED, lines - 1)
        return None

    total = sum(size(i) for i in range(len(groups)))
    while total > budget:
        movable = [i for i in range(len(groups)) if shorter(i) is not None]
        if not movable:
            break
        i = max(movable, key=lambda j: (size(j), -j))
        before = size(i)
        plan[i] = shorter(i) or plan[i]
        total -= before - size(i)
    return plan


def _disagreement(group: _Group) -> SummarySentence | None:
    if group.ends is None:
        return None
    lo, hi = group.ends
    cits = [lo.citations[0], hi.citations[0]]
    return SummarySentence(
        f"The sources disagree on {group.subject}: from "
        f"{_figure_text(lo)} ({_in_list(_short_who(lo))}) {markers(cits[:1])} to "
        f"{_figure_text(hi)} ({_in_list(_short_who(hi))}) {markers(cits[1:])}.",
        cits,
    )


# A name that opens with one of these is lowercased inside a sentence.
_DETERMINERS = tuple(f"{w.capitalize()} " for w in sorted(ARTICLES | POSSESSIVES))


def _in_list(name: str) -> str:
    """A source's name inside a sentence: "The Associated Press" is "the Associated Press"."""
    return name[:1].lower() + name[1:] if name.startswith(_DETERMINERS) else name


def _named(claims: list[Claim]) -> tuple[list[tuple[str, list[Citation]]], int, int]:
    """Who gave one figure, the most repeated claims first.

    Returns:
        ([(who, citations)], named claims not shown, unattributed claims not shown).
        Each shown claim is cited once; those naming no source share one entry.
    """
    ranked = _most_repeated(claims)
    shown, rest = ranked[:MAX_SOURCES_PER_FIGURE], ranked[MAX_SOURCES_PER_FIGURE:]
    entries: dict[str, list[Citation]] = {}
    for c in shown:
        entries.setdefault(_in_list(_short_who(c)), []).append(c.citations[0])
    unnamed = sum(1 for c in rest if not (c.via or c.who))
    return list(entries.items()), len(rest) - unnamed, unnamed


def _listing(entries: list[tuple[str, list[Citation]]], named: int, unnamed: int) -> str:
    """Who gave a figure, as words: "X [1], Y [2] and 3 more sources"."""
    parts = [f"{who} {markers(cits)}" for who, cits in entries]
    if named:
        parts.append(_plural(named, "more source"))
    if unnamed:
        parts.append(_plural(unnamed, "more passage") + " naming no source")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _group_sentences(
    group: _Group, form: int, lines: int
) -> tuple[list[SummarySentence], int, int]:
    """The group's sentences: (sentences, claims not shown, repeated passages not cited).

    Args:
        group: The claims about one kind of count.
        form: How to write them (see :func:`plan_forms`).
        lines: How many sentences list the figures, when packed.
    """
    out: list[SummarySentence] = []
    head = _disagreement(group)
    if head:
        out.append(head)
    hidden = repeats = 0
    if form == _FULL:
        for claim in group.claims:
            cits = claim.citations[:MAX_CITATIONS_PER_CLAIM]
            repeats += len(claim.citations) - len(cits)
            out.append(
                SummarySentence(
                    f"{_who(claim)} reported {_amount(claim, group.what)} {markers(cits)}.", cits
                )
            )
        return out, hidden, repeats
    items: list[tuple[str, list[Citation]]] = []  # (words, citations) per distinct figure
    for claims in group.figures:
        entries, named, unnamed = _named(claims)
        cits = [c for _, entry in entries for c in entry]
        hidden += named + unnamed
        shown = {c.id for c in cits}
        repeats += sum(len(c.citations) - 1 for c in claims if c.citations[0].id in shown)
        listing = _listing(entries, named, unnamed)
        if form == _BY_FIGURE:
            words = f"{_upper(listing)} reported {_amount(claims[0], group.what)}"
        else:
            words = f"{_figure_text(claims[0])} ({listing})"
        items.append((words, cits))
    if form == _BY_FIGURE:
        return out + [SummarySentence(f"{words}.", cits) for words, cits in items], hidden, repeats
    per = math.ceil(len(items) / max(1, lines))
    for n, at in enumerate(range(0, len(items), per)):
        part = items[at : at + per]
        lead = "Figures given" if n == 0 else "More figures given"
        out.append(
            SummarySentence(
                f"{lead} for {group.subject}: {'; '.join(w for w, _ in part)}.",
                [c for _, cits in part for c in cits],
            )
        )
    return out, hidden, repeats


def _left_out_note(hidden: int, repeats: int) -> str:
    parts = []
    if hidden:
        parts.append(f"{_plural(hidden, 'more claim')} of these figures")
    if repeats:
        parts.append(f"{_plural(repeats, 'more passage')} repeating claims shown here")
    return f"; not shown: {' and '.join(parts)} ({SEE_CLAIMS})" if parts else ""


def _with_note(sentence: SummarySentence, note: str) -> SummarySentence:
    """``sentence`` with ``note`` added before its final full stop."""
    if not note:
        return sentence
    return SummarySentence(sentence.text.removesuffix(".") + note + ".", sentence.citations)


# -- Key attributed statements ----------------------------------------------------------


@dataclass(frozen=True)
class _Statement:
    """An attributed sentence: where it stands in its chunk and who said it."""

    chunk: StoredChunk
    text: str
    offset: int  # in chunk.text; -1 when unknown
    speaker: Attribution

    def where(self) -> tuple[str, str, int] | None:
        """(folder, source, start in the file) as ingested; None when the offset is unknown."""
        if self.offset < 0:
            return None
        return (self.chunk.root, self.chunk.source, self.chunk.start + self.offset)


def _speaker_key(att: Attribution) -> frozenset[str]:
    return source_key(att.via or att.who) or frozenset([att.who.lower()])


def _attributions(text: str, memo: dict[str, list[Attribution]]) -> list[Attribution]:
    if text not in memo:
        memo[text] = find_attributions(text)
    return memo[text]


def _statement(
    chunk: StoredChunk, text: str, offset: int, memo: dict[str, list[Attribution]]
) -> _Statement | None:
    named = next((a for a in _attributions(text, memo) if not a.is_pronoun), None)
    return _Statement(chunk, text, offset, named) if named else None


def attributed_statements(
    chunks: Iterable[StoredChunk], memo: dict[str, list[Attribution]] | None = None
) -> list[_Statement]:
    """Every sentence of ``chunks`` that names who said it ("he said" does not), in order."""
    memo = {} if memo is None else memo
    out = []
    for chunk in sorted(chunks, key=lambda c: (c.source, c.start)):
        # Read as a reader sees it; the offset is the file's (see claims.extract_claims).
        view = visible(chunk.text)
        for span in split_sentences(view.text):
            text = view.text[span.start : span.end]
            found = _statement(chunk, text, view.span(span.start, span.end)[0], memo)
            if found:
                out.append(found)
    return out


def centrality(texts: list[str]) -> list[float]:
    """How close each text is to what all of them say: cosine with their TF-IDF centroid.

    The centroid method of extractive summarisation (as in MEAD): a sentence whose
    words are frequent across the statements, and not in every one of them, is central.
    Linear in the total length, with no model to run.
    """
    bags = [Counter(terms(t)) for t in texts]
    df = Counter(term for bag in bags for term in bag)
    n = len(texts)
    vectors = []
    for bag in bags:
        v = {t: k * math.log(1 + n / df[t]) for t, k in bag.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    centroid: dict[str, float] = defaultdict(float)
    for v in vectors:
        for t, x in v.items():
            centroid[t] += x / n
    return [sum(x * centroid.get(t, 0.0) for t, x in v.items()) for v in vectors]


def rank_statements(candidates: list[_Statement], everyone: list[_Statement]) -> list[_Statement]:
    """Order statements for quoting: the most widely quoted speakers first.

    A speaker's reach is the number of articles that quote them (in ``everyone``, the
    sentences with figures included): a voice many outlets carry is a key voice of the
    story, whatever the story is. Among equals, and among one speaker's sentences, the
    more central statement (:func:`centrality`) comes first, then corpus order.
    """
    reach: dict[frozenset[str], set[str]] = defaultdict(set)
    for s in everyone:
        reach[_speaker_key(s.speaker)].add(s.chunk.source)
    central = centrality([s.text for s in candidates])
    order = sorted(
        range(len(candidates)),
        key=lambda i: (-len(reach[_speaker_key(candidates[i].speaker)]), -central[i], i),
    )
    return [candidates[i] for i in order]


def _quote_statements(
    ranked: list[_Statement], claimed: set[tuple[str, str, int]], reader: SourceReader
) -> list[tuple[_Statement, Citation]]:
    """The first :data:`MAX_STATEMENTS` of ``ranked`` that verify, one per speaker.

    A sentence already cited for a figure is not quoted again. "Mattis" and "James
    Mattis" are one speaker (one name's words within the other's).
    """
    out: list[tuple[_Statement, Citation]] = []
    speakers: list[frozenset[str]] = []
    for s in ranked:
        if len(out) >= MAX_STATEMENTS:
            break
        key = _speaker_key(s.speaker)
        if any(key <= k or k <= key for k in speakers) or s.where() in claimed:
            continue
        cited = reader.cite(0, s.text, s.chunk)
        if not isinstance(cited, Citation) or (cited.root, cited.source, cited.start) in claimed:
            continue
        speakers.append(key)
        out.append((s, cited))
    return out


# -- The summary ------------------------------------------------------------------------


def _opening(
    firsts: dict[str, StoredChunk],
    table: ClaimTable,
    topic: str | None,
    reader: SourceReader,
    number: _Numberer,
) -> SummarySentence | None:
    """Which articles: all of them by title when few, else those with the most figures.

    A title already listed (a reprint) is not listed again; its article is counted.
    """
    weight = Counter(c.source for claim in table.claims for c in claim.citations)
    listed: list[Citation] = []
    seen: set[str] = set()
    for source in sorted(firsts, key=lambda s: (-weight[s], s)):
        if len(listed) >= MAX_TITLES:
            break
        chunk = firsts[source]
        title = " ".join(chunk.title.lower().split())
        if not title or title in seen:
            continue
        cited = reader.cite(0, chunk.title, chunk)
        if isinstance(cited, Citation):
            seen.add(title)
            listed.append(cited)
    if not listed:
        return None
    listed = [number(c) for c in sorted(listed, key=lambda c: c.source)]
    about = f" about {topic}" if topic else ""
    titles = "; ".join(f"“{c.quote}” {markers([c])}" for c in listed)
    more = len(firsts) - len(listed)
    rest = f"; and {_plural(more, 'more article')}" if more else ""
    return SummarySentence(f"{len(firsts)} articles report{about}: {titles}{rest}.", listed)


def summarize(
    chunks: list[StoredChunk],
    topic: str | None = None,
    reader: SourceReader | None = None,
    statements: list[tuple[StoredChunk, str]] | None = None,
) -> Summary:
    """Assemble a cited summary of ``chunks``, at most :data:`MAX_SENTENCES` sentences.

    Args:
        chunks: The passages to summarise (the whole store, or those found for a topic).
        topic: The topic, if any (only used in the wording and the JSON).
        reader: Verifies every quote against its file.
        statements: Candidate statements to quote (chunk, sentence text), best first
            (for a topic: the most relevant); default: every attributed sentence in
            ``chunks``, ranked by :func:`rank_statements`.
    """
    reader = reader or SourceReader()
    number = _Numberer()
    memo: dict[str, list[Attribution]] = {}  # attributions by sentence, found once
    table = build_claim_table(chunks, reader, memo)
    for claim in table.claims:
        claim.citations = [number(c) for c in claim.citations]
    claimed = {(c.root, c.source, c.start) for cl in table.claims for c in cl.citations}

    # Key statements are chosen first: the figures get the sentences they leave.
    if statements is None:
        everyone = attributed_statements(chunks, memo)
        candidates = [s for s in everyone if s.where() not in claimed]
        ranked = rank_statements(candidates, everyone)
    else:
        given = [_statement(ch, text, ch.text.find(text), memo) for ch, text in statements]
        ranked = [s for s in given if s is not None and s.where() not in claimed]
    quoted = _quote_statements(ranked, claimed, reader)

    firsts: dict[str, StoredChunk] = {}
    for c in sorted(chunks, key=lambda c: (c.source, c.start)):
        firsts.setdefault(c.source, c)
    sentences: list[SummarySentence] = []
    opening = _opening(firsts, table, topic, reader, number)
    if opening:
        sentences.append(opening)

    # Each kind of count: how far the sources disagree, then every distinct figure.
    dropped: list[str] = []
    groups: list[_Group] = []
    for what, members in table.groups:
        claims = [table.claims[i] for i in members]
        for claim in claims:
            if not claim.citations:
                dropped.append(f"{_who(claim)} {claim.figure} {WHAT_PHRASE.get(what, what)}")
        groups.append(_Group(what, [c for c in claims if c.citations]))
    groups = [g for g in groups if g.claims]
    budget = MAX_SENTENCES - len(sentences) - len(quoted)
    # Every quantity takes at least two sentences (its range and its figures): when
    # there are more than the budget holds, casualties, then quantities the sources
    # disagree on, then the most claimed are kept, in table order, and the rest counted.
    kept = set(
        sorted(range(len(groups)), key=lambda i: groups[i].weight, reverse=True)[
            : max(1, budget // 2)
        ]
    )
    left_out = len(groups) - len(kept)
    groups = [g for i, g in enumerate(groups) if i in kept]
    for n, (group, (form, lines)) in enumerate(
        zip(groups, plan_forms(groups, budget), strict=True)
    ):
        written, hidden, repeats = _group_sentences(group, form, lines)
        note = _left_out_note(hidden, repeats)
        if left_out and n == len(groups) - 1:
            noun = "quantity" if left_out == 1 else "quantities"
            note += f"; {left_out} more {noun} not shown ({SEE_CLAIMS})"
        written[-1] = _with_note(written[-1], note)
        sentences += written

    # Key attributed statements without figures, quoted verbatim.
    for i, (s, cited) in enumerate(quoted):
        cited = number(cited)
        who = _upper(s.speaker.display())
        note = ""
        if i == len(quoted) - 1 and len(ranked) > len(quoted):
            more = len(ranked) - len(quoted)
            note = f"; {_plural(more, 'more attributed statement')} not shown"
        sentences.append(SummarySentence(f"{who}: “{cited.quote}” [{cited.id}]{note}.", [cited]))

    titles = {source: chunk.title for source, chunk in firsts.items()}
    return Summary(topic, sentences, "extractive", table, titles, dropped)


def __getattr__(name: str) -> Any:
    # The Markdown report moved to assistant.markdown; the old import path still works.
    if name == "to_markdown":
        from assistant.markdown import to_markdown

        return to_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
