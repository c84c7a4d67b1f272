"""Messages read as English: plurals and verb agreement."""

from __future__ import annotations

import pytest

from assistant.wording import agree, plural


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 files"), (1, "1 file"), (2, "2 files"), (1200, "1,200 files")]
)
def test_plural(n, expected):
    assert plural(n, "file") == expected


def test_plural_with_an_irregular_form():
    assert plural(2, "analysis", "analyses") == "2 analyses"
    assert plural(1, "analysis", "analyses") == "1 analysis"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officials", "say the same"),
        ("local residents", "say the same"),
        ("the police", "say the same"),
        ("Reuters", "says the same"),  # a name, not a plural
        ("the United States", "says the same"),
        ("the Defense Ministry", "says the same"),
        ("a passage of report.txt", "says the same"),
        ("the campus", "says the same"),
    ],
)
def test_the_verb_agrees_with_the_speaker(who, expected):
    assert agree(who, "says the same") == expected


def test_only_a_leading_verb_changes():
    assert agree("officials", "gives a different figure (5)") == "give a different figure (5)"
    assert agree("officials", "reported it") == "reported it"
