r"""Turning text into search terms, the same way for passages and questions.

Case and punctuation never block a match ("killed?" finds "killed"), nor do characters
a reader does not see or reads as plain ones ("kil\u200bled", "５"; see
:mod:`assistant.index.normalise`); numbers and number words meet in one form ("5" and
"five" are both ``5``, "two hundred" is ``200``), thousands separators go ("1,000" is
``1000``), and words are stemmed ("killed" and "kill" meet). Used by the keyword index,
the extractive answerer and the highlighter, so they all agree on what "matches" means.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from assistant.index.normalise import visible
from assistant.language import NUMBER_WORDS, SCALES

# Casualty reporting says the same thing many ways; these stems meet in one term so
# "died" finds "killed" and "injured" finds "wounded" (claims are counted by them too).
CONCEPTS = {
    "die": "kill", "dead": "kill", "death": "kill", "perish": "kill", "fatal": "kill",
    "slain": "kill", "injur": "wound", "injuri": "wound", "hurt": "wound",
}  # fmt: skip
# Irregular English verb forms the stemmer cannot join to their base ("taken" -> "take").
IRREGULAR = {
    "took": "take", "taken": "take", "made": "make", "gave": "give", "given": "give",
    "went": "go", "gone": "go", "told": "tell", "wrote": "write", "written": "write",
    "fought": "fight", "began": "begin", "begun": "begin", "won": "win", "lost": "lose",
    "led": "lead", "struck": "strike", "brought": "bring", "thought": "think", "held": "hold",
    "kept": "keep", "left": "leave", "met": "meet", "paid": "pay", "sent": "send",
    "spoke": "speak", "spoken": "speak", "stood": "stand", "saw": "see", "seen": "see",
    "knew": "know", "known": "know", "shot": "shoot", "fell": "fall", "fallen": "fall",
    "rose": "rise", "risen": "rise", "chose": "choose", "chosen": "choose", "drove": "drive",
    "driven": "drive", "flew": "fly", "flown": "fly", "sought": "seek", "caught": "catch",
    "bought": "buy", "fled": "flee", "hid": "hide", "hidden": "hide", "understood":
    "understand", "withdrew": "withdraw", "withdrawn": "withdraw", "forbade": "forbid",
    "shown": "show", "ran": "run", "came": "come", "became": "become", "felt": "feel",
    "found": "find", "heard": "hear", "meant": "mean", "put": "put", "said": "say",
}  # fmt: skip
# The scales a run of number words joins into one number ("two hundred" is ``200``). The
# others ("dozen", "billion") stay words: the keyword index has always stored them so,
# and "two billion" meets "2 billion" as the terms ``2`` and ``billion``.
_SCALES = {w: SCALES[w] for w in ("hundred", "thousand", "million")}
# Every word that is read as part of a number.
NUMBER_TOKEN_WORDS = frozenset(NUMBER_WORDS) | frozenset(_SCALES)

# Words that carry no content for matching. Question words are here too: "who" in a
# question is what we are looking for, not something a passage must contain.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "say",
        "said",
        "says",
        "tell",
        "told",
        "also",
        "s",
        "t",
        "don",
        "according",
        "us",
        "whose",
    ]
)

# Country abbreviations are matched on the original text, before case is folded: "US"
# is the country, not the pronoun "us". Matching on the original (instead of rewriting
# it) keeps every token's offsets exact.
_TOKEN = re.compile(
    r"(?P<abbr>\b(?:U\.S\.A\.|U\.S\.|USA|US|U\.K\.|UK)(?!\w))"
    r"|\d+(?:[.,]\d+)*"
    r"|[^\W\d_]+(?:['’][^\W\d_]+)?",
    re.UNICODE,
)


@dataclass(frozen=True)
class Token:
    """A term and where its source word(s) stand in the text."""

    term: str
    start: int
    end: int


@functools.cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def _number_value(run: list[str]) -> int:
    total, current = 0, 0
    for word in run:
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:  # thousand, million
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current


def tokens(text: str, *, keep_stopwords: bool = False) -> list[Token]:
    """Split ``text`` into normalised terms with their character spans.

    Args:
        text: Any text.
        keep_stopwords: Keep function words (for phrase-level matching).

    Returns:
        Terms in order; a run of number words ("two hundred and fifteen") is one token.

    """
    raw: list[tuple[str, int, int]] = []
    # Read as a reader sees it ("kil\u200bled" is "killed", "５" is "5"); each token keeps
    # the offsets of its characters in ``text`` itself.
    view = visible(text)
    for m in _TOKEN.finditer(view.text):
        if m.group("abbr"):
            word = "usa" if "S" in m.group("abbr") else "uk"
        else:
            # Fold case and apostrophes per token: the offsets stay the original's even
            # where lowercasing changes a string's length ("İ").
            word = m.group(0).lower().replace("’", "'")
        if (
            len(word) >= 5
            and m.group(0)[0].isupper()
            and word.endswith("an")
            and word[:-1].endswith("a")
        ):
            # A capitalised demonym meets its country: "Russian" -> "russia", "Syrian" ->
            # "syria", "American" -> "america" (countries ending in -a).
            word = word[:-1]
        raw.append((word, *view.span(m.start(), m.end())))
    out: list[Token] = []
    stem = _stemmer().stemWord
    i = 0
    while i < len(raw):
        word, start, end = raw[i]
        if word in NUMBER_TOKEN_WORDS:
            run = [word]
            j = i + 1
            # "and" joins only after a scale: "two hundred and fifteen" is one number,
            # "two and three" is two.
            while j < len(raw) and (
                raw[j][0] in NUMBER_TOKEN_WORDS
                or (
                    raw[j][0] == "and"
                    and raw[j - 1][0] in _SCALES
                    and j + 1 < len(raw)
                    and raw[j + 1][0] in NUMBER_TOKEN_WORDS
                )
            ):
                if raw[j][0] != "and":
                    run.append(raw[j][0])
                j += 1
            if run != ["hundred"] and run != ["thousand"] and run != ["million"]:
                out.append(Token(str(_number_value(run)), start, raw[j - 1][2]))
                i = j
                continue
        if word[0].isdigit():
            out.append(Token(word.replace(",", ""), start, end))
        elif keep_stopwords or word not in STOPWORDS:
            base = word.split("'")[0] if word.endswith(("'s", "'t")) else word
            if keep_stopwords or base not in STOPWORDS:
                stemmed = stem(IRREGULAR.get(base, base))
                out.append(Token(CONCEPTS.get(stemmed, stemmed), start, end))
        i += 1
    return out


def terms(text: str) -> list[str]:
    """The content terms of ``text`` (see :func:`tokens`)."""
    return [t.term for t in tokens(text)]


def is_number(term: str) -> bool:
    """True when a term is a number (after normalisation)."""
    return term[:1].isdigit()
