"""Who said it: attributions in a sentence ("X said", "according to X", "X, citing Y, ...").

Rules over one sentence, no model. They return the words of the sentence itself, so
whatever they name can be checked against the quote shown beside it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from assistant.language import (
    AGENT_SUFFIXES,
    ARTICLES,
    LISTENER_VERBS,
    MONTH_WORD,
    NUMBER_WORDS,
    PERSON_NOUNS,
    POSSESSIVES,
    QUANTIFIERS,
    SAYING_VERBS,
    SPEECH_VERBS,
    WEEKDAY,
    phrases,
)
from assistant.reasoning.negation import MAX_PARSED
from assistant.reasoning.nlp import Parsed, parse_many

_SPEECH_VERB = phrases(SPEECH_VERBS)
_AUX = r"(?:(?:has|have|had|also|later|earlier|repeatedly|previously|now|then|reportedly|"
_AUX += r"publicly|officially|separately|further|however)\s+)*"
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that"}

_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;:!?\"“”()]+)", re.IGNORECASE)
# Three rules open with an unbounded lazy run: "X, citing Y, said", "X said" and "X cited
# Y as saying". As one regex each ("(?P<who>[^,]+?), citing ..."), the engine retried
# every start position and scanned to the end of the run from each, so a sentence cost
# the square of its length (37 ms at 768 characters, minutes at 40 KB). Each rule now
# searches for its anchor (", citing", the speech verb, "cited ... as saying") and takes
# the text before it back to the last character the run cannot cross: where the lazy
# run would have started, so the matches are the same, found in one pass.
_NOT_IN_NAME = ',;:"“”'  # a "who" or "via" of the citing/cited-as rules never spans these
_CITING_AT = re.compile(r",\s+citing\s+")
_VERB_AFTER_VIA = re.compile(r",\s+(?:" + _AUX + r")(?P<verb>" + _SPEECH_VERB + r")\b")
_SPEECH_AT = re.compile(r"\b" + _AUX + r"(?P<verb>" + _SPEECH_VERB + r")\b")
# Only where a run of whitespace starts: trying each space of a long run again would be
# quadratic in the run's length, and a later start in the run cannot match where its
# start did not.
_CITED_AS_AT = re.compile(r"(?<!\s)\s++(?:cited|quoted)\s+")
_AS_SAYING = re.compile(r"(?<!\s)\s++as\s+(?:saying|stating)\b")
# After a noun-like verb ("reports"), what makes it a verb after all: "reports that ...",
# or a figure in words ("Mayor says eight died").
_VERB_OBJECT = re.compile(r"\s*(?:that\b|\d|the\b|on\b|to\b|(?:" + phrases(NUMBER_WORDS) + r")\b)")
# "The death toll cited in the recordings ...": the recordings are the source.
_CITED_IN = re.compile(
    r"\b(?:cited|given|reported)\s+in\s+(?P<who>the\s+[a-z][\w\s-]{2,40}?)(?=\s+(?:ranges?|puts?|was|is|were)\b|[,.;])"
)
# "..., said Mayor Ada Brook, who ...", '"...," said the mayor': the speaker follows the
# verb, which follows the statement's comma or closing quote. The name runs to the next
# punctuation (a dot after a single capital is an initial: "the U.S. Navy"); whether it
# is a name at all is _inverted_who's to say.
_INVERTED = re.compile(
    r"[,\"”’']\s*(?P<verb>" + phrases(SAYING_VERBS - LISTENER_VERBS) + r")\s+"
    r"(?P<who>(?:[^,.;:!?\"“”\s]|(?<=\b[A-Z])\.|\s)+)"
)
_CLAUSE_CUT = re.compile(
    r"""([,;:]|["“”]|\s[-–—]+\s|\b(?:that|while|but|when|if|as|because|although)\b)""",
    re.IGNORECASE,
)
# Starts only where a run of whitespace starts (as above); possessive, so a long run not
# followed by "(" is given up at once instead of shortened one space at a time.
_PARENS = re.compile(r"(?<!\s)\s*+\([^()]*\)")
# Plural nouns that look like speech verbs: "The reports of ..." is not "X reports".
_NOUN_LIKE = {"reports", "claims", "states", "says", "notes", "posts", "estimates", "put"}
# Lower-case words that open a noun phrase and so may open a source's description: "the
# spokesman", "their engineers", "two witnesses", "several residents".
_DETERMINERS = ARTICLES | POSSESSIVES | frozenset(NUMBER_WORDS) | QUANTIFIERS
# How many words may come before the head of a source named without a determiner:
# "unnamed senior defence officials" has three.
_MAX_MODIFIERS = 4
_CONJUNCTIONS = frozenset({"and", "or", "&"})
# Words that cannot stand before the head of a noun phrase: a lower-case run holding one
# is a clause ("water rose so officials said"), not a source.
_NOT_MODIFIERS = ARTICLES | _PRONOUNS | {
    "so", "then", "also", "now", "still", "yet", "thus", "not", "is", "are", "was", "were",
    "be", "been", "has", "have", "had", "will", "would", "can", "could", "did", "do", "does",
}  # fmt: skip
# Words that end a noun phrase's head and open what follows it: "relatives of the miners",
# "a spokeswoman for the port", "people familiar with the plan", "sources close to him".
_COMPLEMENT = frozenset(
    {"of", "for", "from", "with", "at", "in", "on", "to", "by", "near", "inside", "outside",
     "within", "across", "among", "around", "behind", "close", "familiar", "knowledgeable",
     "aware", "involved", "briefed"}
)  # fmt: skip
_BAD_LAST = ARTICLES | {
    "of", "to", "about", "all", "is", "are", "was", "were", "be", "been", "it", "and", "or",
    "not", "unable",
}  # fmt: skip
# A relative clause or time phrase that ends a name: "Lee, who ..." is "Lee". Cut from the
# first such word on the name's last line (see _cut_trailing).
_TRAILING = re.compile(
    r"(?<!\s)\s++(?:which|who|that|where|when|on|in|last|this|at)\b", re.IGNORECASE
)
_LEADING = re.compile(r"^(?:and|but|so|however|meanwhile|also|then|yet|as)\s+", re.IGNORECASE)
# How far beyond its own length a name may stand from where its attribution matched
# (auxiliaries and relays between a name and its verb: "X, citing Y, has also said").
_NAME_REACH = 160


@dataclass(frozen=True)
class Attribution:
    """Who made a statement and, when it was relayed, through whom.

    For "Bloomberg, citing two unnamed Russians, said ...", ``who`` is "two unnamed
    Russians" and ``via`` is "Bloomberg".
    """

    who: str
    via: str | None = None
    verb: str | None = None
    pos: int = 0  # where in the sentence the attribution stands

    @property
    def is_pronoun(self) -> bool:
        """True when the attribution is only a pronoun ("he said")."""
        return self.who.lower() in _PRONOUNS

    def display(self) -> str:
        """How to name the source in an answer."""
        if self.via:
            return f"{self.via}, citing {self.who}"
        return self.who


def _cut_trailing(who: str) -> str:
    r"""``who`` up to its first trailing clause word ("which", "on", ...), if any.

    Only a word on the last line counts (the rule was once ``\s+(?:which|...)\b.*$``,
    whose ``.*`` stops at a newline); searching from the last newline keeps that and
    stops a long name with many such words before a newline from being rescanned to
    the newline from each of them.
    """
    start = who.rfind("\n")
    while start > 0 and who[start - 1].isspace():  # the whitespace run holding the newline
        start -= 1
    m = _TRAILING.search(who, max(start, 0))
    return who[: m.start()] if m else who


def _bare(word: str) -> str:
    """``word`` in lower case without the punctuation or possessive ending around it."""
    word = word.lower().strip(".,;:!?'\"“”‘’()")
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _headed_by_people(words: list[str]) -> bool:
    """Whether ``words``, a noun phrase without a determiner, has a noun for people as head.

    The head is the last word ("local officials") or, when the phrase ends in a name, the
    title before the name ("former mayor Ada Brook"). At most a few words may come before
    it, and none that cannot modify a noun: "water rose so officials" is a clause.

    Args:
        words: One noun phrase (or one of coordinated ones), cut before any complement.

    Returns:
        True when its head is in :data:`~assistant.language.PERSON_NOUNS`.
    """
    at = len(words)
    while at > 1 and words[at - 1][:1].isupper():  # a name: its title is the head
        at -= 1
    head = _bare(words[at - 1])
    # Before a name of two words or more, an agent noun is a title too ("treasurer").
    titled = len(words) - at >= 2 and head.endswith(AGENT_SUFFIXES) and len(head) > 5
    if (head not in PERSON_NOUNS and not titled) or at - 1 > _MAX_MODIFIERS:
        return False
    return not any(_bare(w) in _NOT_MODIFIERS for w in words[: at - 1])


def _names_people(words: list[str]) -> bool:
    """Whether a phrase that opens in lower case can name who spoke.

    It can when it opens as a noun phrase does, with a determiner or a quantifier ("the
    report", "two witnesses", "several residents"), or when its head names people (see
    _headed_by_people), looked for before any complement ("relatives of the miners") and
    in each of coordinated heads ("doctors and nurses"). Without either, a lower-case run
    before a speech verb is rarely a speaker ("heavy rain said" is a misread sentence,
    not a source); with the head rule, bare plurals such as "police" and "unnamed
    sources" still are.

    Args:
        words: The phrase, split on whitespace; not empty.

    Returns:
        True when the phrase may name a source.
    """
    if words[0].lower() in _DETERMINERS:
        return True
    end = next((i for i, w in enumerate(words) if i and w.lower() in _COMPLEMENT), len(words))
    conjuncts: list[list[str]] = [[]]
    for word in words[:end]:
        if word.lower() in _CONJUNCTIONS:
            conjuncts.append([])
        else:
            conjuncts[-1].append(word)
    return all(c and _headed_by_people(c) for c in conjuncts)


def _clean(who: str) -> str | None:
    who = _cut_trailing(who.strip())
    who = _LEADING.sub("", who).strip(" \t'\"“”’‘")
    words = who.split()
    if not words or len(words) > 12:
        return None
    if who.lower() in _PRONOUNS:
        return who.lower()
    # A named source starts with a capital ("Mattis", "The Kremlin"); in lower case, with
    # a determiner or with a head that names people ("unnamed sources"; see _names_people),
    # so that a misread clause ("heavy rain said") is not a source. It does not end
    # mid-phrase.
    if not (words[0][:1].isupper() or _names_people(words)):
        return None
    if words[-1].lower() in _BAD_LAST or (len(words) == 1 and words[0].lower() in _DETERMINERS):
        return None
    return who


# How many words a lower-case name after its determiner may hold when its head is no noun
# for people ("said the fire service"): more is a clause ("said the strike killed five").
_MAX_DESCRIPTION = 3


def _inverted_who(run: str) -> str | None:
    """The speaker named after an inverted verb ("..., said Mayor Ada Brook, who ..."), or None.

    After the verb may stand a name instead of the speaker's: "Lee, a spokesman, said
    Russia lost five tanks" or "..., the agency said Tuesday". A speaker there is a noun
    phrase up to its complement ("a spokesman for the port"): words written with a
    capital (not a day or a month), titles and nouns for people ("Union official Dan
    Mercer", "police"), or, after a determiner, a short description ("the fire service")
    with no figure and no verb form of "be", "have" or a modal in it.

    Args:
        run: The text after the verb, up to the next punctuation.

    Returns:
        The speaker as :func:`_clean` gives it, or None when the run is no name.
    """
    who = _clean(run)
    if not who or who.lower() in _PRONOUNS:
        return None
    words = who.split()
    determined = words[0].lower() in _DETERMINERS
    body = words[1:] if determined else words
    end = next((i for i, w in enumerate(body) if i and w.lower() in _COMPLEMENT), len(body))
    head = body[:end]
    if not head or WEEKDAY.match(head[0]) or MONTH_WORD.match(head[0]):
        return None
    if all(w[:1].isupper() or _bare(w) in PERSON_NOUNS or w in _CONJUNCTIONS for w in head):
        return who
    if not determined and _names_people(head):  # "say local residents"
        return who
    described = determined and len(head) <= _MAX_DESCRIPTION
    figure = any(c.isdigit() for w in head for c in w) or any(w in NUMBER_WORDS for w in head)
    if described and not figure and not any(w.lower() in _NOT_MODIFIERS for w in head):
        return who
    return None


_SKIPPABLE = re.compile(r"^\s*(?:which|who|on|in|at|during|after|before|earlier|later)\b", re.I)


def _subject(before: str) -> str | None:
    """The speaker just before a speech verb, skipping relative clauses and time phrases.

    "Harrigian, a spokesman for U.S. Central Command, said" keeps the appositive;
    "The Team, which monitors ..., on February 12 identified" finds "The Team"; nothing
    is taken from before a closing quote ('"...", said the general' is the inverted
    pattern's).
    """
    parts = _CLAUSE_CUT.split(before)  # segments at even indices, separators at odd
    i = len(parts) - 1
    while i >= 0:
        segment = parts[i]
        separator = parts[i - 1] if i > 0 else ""
        if segment.strip():
            found = _clean(segment)
            if found:
                return found
            if not _SKIPPABLE.match(segment):
                return None
        elif separator in ('"', "“", "”"):
            return None
        i -= 2
    return None


def _positions(text: str, chars: str) -> list[int]:
    """The offsets in ``text`` of every character in ``chars``, in order."""
    return [m.start() for m in re.finditer("[" + re.escape(chars) + "]", text)]


def _run_start(stops: list[int], at: int, floor: int) -> int:
    """Where a run of characters that are not ``stops`` and ends at ``at`` begins.

    It begins after the last stop before ``at``, and not before ``floor`` (the end of the
    previous match). ``stops`` is sorted, so this is a binary search, not a scan back.
    """
    i = bisect.bisect_left(stops, at)
    return max(floor, stops[i - 1] + 1) if i else floor


def _run_end(stops: list[int], at: int, length: int) -> int:
    """The first stop at or after ``at`` (``length`` when there is none)."""
    i = bisect.bisect_left(stops, at)
    return stops[i] if i < len(stops) else length


def _citing(sentence: str, stops: list[int]) -> Iterator[tuple[int, str, str, str]]:
    """(start, who, via, verb) for each "WHO, citing VIA, said" (as written: WHO relays)."""
    pos = at = 0
    while (c := _CITING_AT.search(sentence, at)) is not None:
        start = _run_start(stops, c.start(), pos)
        via_end = _run_end(stops, c.end(), len(sentence))
        verb = _VERB_AFTER_VIA.match(sentence, via_end) if via_end > c.end() else None
        if start < c.start() and verb is not None:
            yield start, sentence[start : c.start()], sentence[c.end() : via_end], verb["verb"]
            pos = at = verb.end()
        else:
            at = c.start() + 1


def _cited_as(sentence: str, stops: list[int]) -> Iterator[tuple[int, str, str]]:
    """(start, via, who) for each "VIA cited WHO as saying"."""
    sayings = list(_AS_SAYING.finditer(sentence))
    saying_starts = [m.start() for m in sayings]
    pos = at = 0
    while (c := _CITED_AS_AT.search(sentence, at)) is not None:
        start = _run_start(stops, c.start(), pos)
        who_end = _run_end(stops, c.end(), len(sentence))
        k = bisect.bisect_left(saying_starts, c.end() + 1)  # the first "as saying" after WHO
        if start < c.start() and k < len(sayings) and saying_starts[k] < who_end:
            yield start, sentence[start : c.start()], sentence[c.end() : saying_starts[k]]
            pos = at = sayings[k].end()
        else:
            at = c.start() + 1


def _speech_verbs(sentence: str) -> Iterator[tuple[str, re.Match[str]]]:
    """(before, match) for each speech verb; ``before`` runs back to the previous verb.

    ``before`` never crosses a newline: the rule it replaces began ``(?P<before>.*?)``.
    """
    newlines = _positions(sentence, "\n")
    pos = 0
    while (m := _SPEECH_AT.search(sentence, pos)) is not None:
        yield sentence[_run_start(newlines, m.start(), pos) : m.start()], m
        pos = m.end()


def find_attributions(sentence: str) -> list[Attribution]:
    """Every attribution in ``sentence``, most specific first.

    Args:
        sentence: One sentence of an article.

    Returns:
        Attributions found by the rules, possibly empty.

    """
    sentence = _PARENS.sub("", sentence)
    found: list[Attribution] = []
    stops = _positions(sentence, _NOT_IN_NAME)
    for start, relays, cites, verb in _citing(sentence, stops):
        via = _subject(relays)
        who = _clean(cites)
        if via and who:
            found.append(Attribution(who=who, via=via, verb=verb, pos=start))
    for m in _CITED_IN.finditer(sentence):
        found.append(Attribution(who=m.group("who").strip(), verb="cited", pos=m.start()))
    for start, relays, cites in _cited_as(sentence, stops):
        via = _subject(relays)
        who = _clean(cites)
        if via and who:
            found.append(Attribution(who=who, via=via, verb="cited", pos=start))
    inverted = []
    for m in _INVERTED.finditer(sentence):
        who = _inverted_who(m.group("who"))
        if who:
            inverted.append(Attribution(who=who, verb=m.group("verb"), pos=m.start("verb")))
    # Before an inverted verb stands the statement, not its speaker: in "Eight died,
    # said the mayor" no one called "Eight died" speaks.
    inverted_at = {a.pos for a in inverted}
    for before, m in _speech_verbs(sentence):
        verb = m.group("verb")
        if m.start("verb") in inverted_at:
            continue
        if verb in _NOUN_LIKE and not _VERB_OBJECT.match(sentence, m.end()):
            continue
        if before.rstrip().lower().endswith(" to"):  # "unable to say"
            continue
        who = _subject(before)
        if who and ", citing " not in before:
            found.append(Attribution(who=who, verb=verb, pos=m.start("verb")))
    found += inverted
    for m in _ACCORDING.finditer(sentence):
        who = _clean(m.group("who"))
        if who:
            found.append(Attribution(who=who, verb="according to", pos=m.start()))
    found = [a for a in found if a.who not in ("which", "who", "that")]
    unique: dict[str, Attribution] = {}
    for a in found:
        unique.setdefault(a.display().lower(), a)
    return list(unique.values())


def speaker_spans(sentence: str, attributions: Iterable[Attribution]) -> list[tuple[int, int]]:
    """Where each attribution's speaker (and relay) stands in ``sentence``, as offsets.

    The rules read the sentence without its parentheses (see :func:`find_attributions`),
    so a name is found there near its attribution and its span mapped back: a span
    covers any parenthesis inside the name ("The Acme (3) agency"). A name not found
    near its attribution has no span.

    Args:
        sentence: The sentence the attributions were found in.
        attributions: Its attributions (pronouns have no name and no span).

    Returns:
        ``[start, end)`` spans in ``sentence``, in no particular order.
    """
    stripped_at: list[int] = []  # where each parenthesis was cut, in the stripped text
    removed: list[int] = []  # characters cut up to and including it
    total = 0
    for m in _PARENS.finditer(sentence):
        stripped_at.append(m.start() - total)
        total += m.end() - m.start()
        removed.append(total)
    stripped = _PARENS.sub("", sentence) if total else sentence

    def original(pos: int) -> int:
        i = bisect.bisect_right(stripped_at, pos)
        return pos + (removed[i - 1] if i else 0)

    spans = []
    for a in attributions:
        if a.is_pronoun:
            continue
        for name in (a.who, a.via):
            if not name:
                continue
            # A name stands within a few words of where its rule matched, before the
            # verb or after "according to": a bounded search keeps this linear.
            reach = len(name) + _NAME_REACH
            at = stripped.find(name, max(0, a.pos - reach), a.pos + reach)
            if at >= 0:
                spans.append((original(at), original(at + len(name) - 1) + 1))
    return spans


def _verb_word(parsed: Parsed, att: Attribution) -> int | None:
    """The index of the parsed word that is ``att``'s verb ("said", or "according")."""
    verb = (att.verb or "").split()[0].lower()
    best: tuple[int, int] | None = None
    for k, w in enumerate(parsed.words):
        if w.text.lower() == verb and (best is None or abs(w.start - att.pos) < best[0]):
            best = (abs(w.start - att.pos), k)
    return best[1] if best is not None else None


def governing_speaker(
    sentence: str, attributions: Sequence[Attribution], start: int
) -> Attribution | None:
    """The speaker whose speech verb governs the words at ``start``, read from the parse.

    In "The union puts the toll at 11, while police say six people died" the 11 hangs
    from "puts" and the six from "say": each figure goes to its own speaker, whatever
    stands nearer to it. An "according to X" counts for the clause it is attached to.
    The sentence is parsed only when speakers stand on both sides of the place; with all
    of them before it, the nearest before is the speaker. With one speaker, with all of
    them after the place, or when no speech verb governs it, the caller decides.

    Args:
        sentence: One sentence.
        attributions: Its attributions (:func:`find_attributions`).
        start: An offset in ``sentence`` (where a figure starts).

    Returns:
        The governing named attribution, or None when left to the caller.
    """
    named = [a for a in attributions if not a.is_pronoun]
    if len({a.display() for a in named}) < 2:
        return None
    # Only speakers on both sides of the place leave it open: with all of them before it,
    # the nearest before governs it ("X says 11, while Y says six"). A longer run is not
    # parsed (as for negation): there the caller's nearest speaker decides.
    before = [a for a in named if a.pos < start]
    if before and all(a.pos < start for a in named):
        return max(before, key=lambda a: a.pos)
    if not before or len(sentence) > MAX_PARSED:
        return None
    parsed = parse_many([sentence])[0]
    at = {k: a for a in named if (k := _verb_word(parsed, a)) is not None}
    word = next((k for k, w in enumerate(parsed.words) if w.end > start), None)
    seen: set[int] = set()
    while word is not None and word not in seen:
        seen.add(word)
        if word in at:
            return at[word]
        # "according to X" hangs from the verb of the clause it speaks for.
        for k, a in at.items():
            if a.verb == "according to" and parsed.words[k].head == word and k != word:
                return a
        head = parsed.words[word].head
        word = None if head == word else head
    return None


def own_words(sentence: str, attributions: Sequence[Attribution], att: Attribution) -> str:
    """The words of ``sentence`` that ``att``'s verb governs, without the other speakers'.

    In "The company said it ignored no warnings, and the union said it ignored them"
    the union's words are "the union said it ignored them": what the company says in
    the same sentence is not the union's. Read from the parse; the whole sentence when
    it has one speaker, is too long to parse or the verb is not found.

    Args:
        sentence: One sentence.
        attributions: Its attributions (:func:`find_attributions`).
        att: The one whose words are wanted.

    Returns:
        Those words as they stand in ``sentence``, runs of them joined by a space.
    """
    named = [a for a in attributions if not a.is_pronoun]
    if len({a.display() for a in named}) < 2 or len(sentence) > MAX_PARSED:
        return sentence
    parsed = parse_many([sentence])[0]
    mine = _verb_word(parsed, att)
    others = {k for a in named if a != att and (k := _verb_word(parsed, a)) is not None}
    if mine is None:
        return sentence
    others.discard(mine)
    kept: set[int] = set()
    todo = [mine]
    while todo:  # the verb's subtree, stopping at another speaker's verb
        k = todo.pop()
        kept.add(k)
        todo += [c for c in parsed.children.get(k, []) if c not in others and c not in kept]
    runs: list[list[int]] = []
    for k in sorted(kept):
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    words = parsed.words
    return " ".join(sentence[words[r[0]].start : words[r[-1]].end] for r in runs)
