"""Who said it: attributions in a sentence ("X said", "according to X", "X, citing Y, ...").

Rules over one sentence, no model. They return the words of the sentence itself, so
whatever they name can be checked against the quote shown beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPEECH_VERBS = (
    "said|says|say|told|tells|reported|reports|confirmed|confirms|announced|announces|added|"
    "explained|claimed|claims|stated|states|wrote|writes|acknowledged|acknowledges|admitted|"
    "admits|denied|denies|estimated|suggested|suggests|noted|insisted|posted|concluded|"
    "clarified|urged|warned|argued|insists|believes|assured|identified|put"
)
_AUX = r"(?:(?:has|have|had|also|later|earlier|repeatedly|previously|now|then|reportedly|"
_AUX += r"publicly|officially|separately|further|however)\s+)*"
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that"}

_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;:!?\"“”()]+)", re.IGNORECASE)
_CITING = re.compile(
    r"(?P<who>[^,;:\"“”]+?),\s+citing\s+(?P<via>[^,;:\"“”]+?),\s+(?:" + _AUX + r")"
    r"(?P<verb>" + SPEECH_VERBS + r")\b"
)
_SUBJECT_VERB = re.compile(r"(?P<before>.*?)\b" + _AUX + r"(?P<verb>" + SPEECH_VERBS + r")\b")
# "The death toll cited in the recordings ...": the recordings are the source.
_CITED_IN = re.compile(
    r"\b(?:cited|given|reported)\s+in\s+(?P<who>the\s+[a-z][\w\s-]{2,40}?)(?=\s+(?:ranges?|puts?|was|is|were)\b|[,.;])"
)
# "The New York Times cited a Syrian military officer as saying ...": relayed.
_CITED_AS = re.compile(
    r"(?P<via>[^,;:\"“”]+?)\s+(?:cited|quoted)\s+(?P<who>[^,;:\"“”]+?)\s+as\s+(?:saying|stating)\b"
)
_INVERTED = re.compile(
    r"[,\"”’']\s*(?P<verb>said|says|added|explained|told|wrote|asked)\s+"
    r"(?P<who>(?:the\s+|a\s+)?[A-Z][^,.;:!?\"“”]*)"
)
_CLAUSE_CUT = re.compile(
    r"""([,;:]|["“”]|\s[-–—]+\s|\b(?:that|while|but|when|if|as|because|although)\b)""",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*\([^()]*\)")
# Plural nouns that look like speech verbs: "The reports of ..." is not "X reports".
_NOUN_LIKE = {"reports", "claims", "states", "says", "notes", "posts", "estimates", "put"}
_DETERMINERS = {
    "the", "a", "an", "two", "three", "four", "five", "several", "many", "some", "his",
    "her", "their", "its", "associates", "officials", "relatives", "sources", "people",
    "former", "local", "unnamed", "russian", "us", "u.s.",
}  # fmt: skip
_BAD_LAST = {
    "the", "a", "an", "of", "to", "about", "all", "is", "are", "was", "were", "be", "been",
    "it", "and", "or", "not", "unable",
}  # fmt: skip
_TRAILING = re.compile(r"\s+(?:which|who|that|where|when|on|in|last|this|at)\b.*$", re.IGNORECASE)
_LEADING = re.compile(r"^(?:and|but|so|however|meanwhile|also|then|yet|as)\s+", re.IGNORECASE)


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


def _clean(who: str) -> str | None:
    who = _TRAILING.sub("", who.strip())
    who = _LEADING.sub("", who).strip(" \t'\"“”’‘")
    words = who.split()
    if not words or len(words) > 12:
        return None
    if who.lower() in _PRONOUNS:
        return who.lower()
    # A named source starts with a capital ("Mattis", "The Kremlin") or a determiner
    # ("the people familiar with ...", "associates of ..."), and does not end mid-phrase.
    if not (words[0][:1].isupper() or words[0].lower() in _DETERMINERS):
        return None
    if words[-1].lower() in _BAD_LAST or (len(words) == 1 and words[0].lower() in _DETERMINERS):
        return None
    return who


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


def find_attributions(sentence: str) -> list[Attribution]:
    """Every attribution in ``sentence``, most specific first.

    Args:
        sentence: One sentence of an article.

    Returns:
        Attributions found by the rules, possibly empty.

    """
    sentence = _PARENS.sub("", sentence)
    found: list[Attribution] = []
    for m in _CITING.finditer(sentence):
        via = _subject(m.group("who"))
        who = _clean(m.group("via"))
        if via and who:
            found.append(Attribution(who=who, via=via, verb=m.group("verb"), pos=m.start()))
    for m in _CITED_IN.finditer(sentence):
        found.append(Attribution(who=m.group("who").strip(), verb="cited", pos=m.start()))
    for m in _CITED_AS.finditer(sentence):
        via = _subject(m.group("via"))
        who = _clean(m.group("who"))
        if via and who:
            found.append(Attribution(who=who, via=via, verb="cited", pos=m.start()))
    for m in _SUBJECT_VERB.finditer(sentence):
        verb, after = m.group("verb"), sentence[m.end() :].lstrip()
        if verb in _NOUN_LIKE and not re.match(r"(?:that\b|\d|the\b|on\b|to\b)", after):
            continue
        if m.group("before").rstrip().lower().endswith(" to"):  # "unable to say"
            continue
        who = _subject(m.group("before"))
        if who and ", citing " not in m.group("before"):
            found.append(Attribution(who=who, verb=verb, pos=m.start("verb")))
    for m in _INVERTED.finditer(sentence):
        who = _clean(m.group("who"))
        if who:
            found.append(Attribution(who=who, verb=m.group("verb"), pos=m.start()))
    for m in _ACCORDING.finditer(sentence):
        who = _clean(m.group("who"))
        if who:
            found.append(Attribution(who=who, verb="according to", pos=m.start()))
    found = [a for a in found if a.who not in ("which", "who", "that")]
    unique: dict[str, Attribution] = {}
    for a in found:
        unique.setdefault(a.display().lower(), a)
    return list(unique.values())
