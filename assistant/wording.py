"""Small helpers for messages that read as English."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: "1 file", "2 files".

    Args:
        n: How many.
        word: The singular.
        many: The plural when it is not ``word + "s"`` ("analyses").

    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


# Lower-case heads that are plural without an -s, and -s words that are singular.
_PLURAL_HEADS = {"people", "police", "media", "staff", "children", "men", "women"}
_SINGULAR_S = ("ss", "us", "is", "news")
_BASE_FORMS = {
    "says": "say", "gives": "give", "names": "name", "is": "are", "has": "have",
    "denies": "deny", "affirms": "affirm", "leaves": "leave",
}  # fmt: skip


def is_plural(subject: str) -> bool:
    """Whether a speaker's name takes a plural verb: "officials", "local residents".

    Only a lower-case head noun counts: "Reuters" or "the United States" are names and
    take "says".
    """
    # "Novaya Gazeta, citing unnamed sources": the speaker is what comes before the comma.
    words = subject.split(",")[0].split()
    if not words:
        return False
    head = words[-1].strip(".,;:\"'”’)").rstrip()
    if not head or not head.islower():
        return False
    return head in _PLURAL_HEADS or (head.endswith("s") and not head.endswith(_SINGULAR_S))


def agree(subject: str, predicate: str) -> str:
    """``predicate`` with its first verb agreeing with ``subject``.

    "officials" + "says the same" gives "say the same"; a singular subject keeps it.
    """
    verb, _, rest = predicate.partition(" ")
    if is_plural(subject) and verb in _BASE_FORMS:
        verb = _BASE_FORMS[verb]
    return f"{verb} {rest}".rstrip()
