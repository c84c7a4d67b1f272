"""Near-duplicate sentences: reprints with small edits are one; other figures are not."""

from __future__ import annotations

import pytest

from assistant.reasoning.dedup import THRESHOLD, figures_of, near_duplicates, resemblance, shingles

BASE = "The regional council said on Monday that 13 workers were hurt when the old bridge fell."


def test_shingles_are_lower_cased_word_triples():
    assert shingles("The Old Bridge fell") == frozenset(
        {("the", "old", "bridge"), ("old", "bridge", "fell")}
    )
    assert shingles("Two words") == frozenset({("two", "words")})
    assert shingles("") == frozenset()


def test_resemblance_is_jaccard_of_shingles():
    assert resemblance(BASE, BASE) == 1.0
    assert resemblance(BASE, BASE.upper()) == 1.0
    assert resemblance("", "") == 1.0
    assert resemblance("a b c d", "e f g h") == 0.0
    # "a b c d" -> {abc, bcd}; "a b c e" -> {abc, bce}: 1 shared of 3.
    assert resemblance("a b c d", "a b c e") == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "edited",
    [
        "The regional council said on Monday that 13 workers were hurt when the old bridge fell.",
        "The regional council said Monday that 13 workers were hurt when the old bridge fell.",
        "The regional council said on Monday that 13 workers were hurt when the old bridge fell "
        "down.",
        "The regional council said on Monday that 13 workers were injured when the old bridge "
        "fell.",
    ],
)
def test_lightly_edited_copies_are_near_duplicates(edited):
    assert resemblance(BASE, edited) >= THRESHOLD
    assert near_duplicates(BASE, edited)
    assert near_duplicates(edited, BASE)


def test_a_different_figure_is_not_a_near_duplicate():
    other = BASE.replace("13", "131")
    assert resemblance(BASE, other) >= THRESHOLD  # alike in words...
    assert not near_duplicates(BASE, other)  # ...but another statement
    assert not near_duplicates("13 were counted.", "123 were counted.")


def test_figures_ignore_thousands_separators_and_trailing_punctuation():
    assert figures_of("About 1,200 people, 3.5 tonnes and 7.") == frozenset({"1200", "3.5", "7"})
    a = "Election officials in the northern district counted 1,200 postal votes late on Monday."
    assert near_duplicates(a, a.replace("1,200", "1200"))


def test_unrelated_sentences_are_not_near_duplicates():
    assert not near_duplicates(BASE, "Heavy rain closed three schools in the northern district.")
    assert not near_duplicates(
        "The mayor praised the new library.", "The governor criticised the old stadium."
    )


def test_threshold_can_be_raised():
    edited = "The regional council said Monday that 13 workers were hurt when the old bridge fell."
    assert near_duplicates(BASE, edited)
    assert not near_duplicates(BASE, edited, threshold=0.99)
