"""Search terms: numbers, case, stopwords, country abbreviations and casualty words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.index.terms import STOPWORDS, is_number, terms, tokens

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _spans(text: str, **kw: bool) -> list[tuple[str, str]]:
    return [(t.term, text[t.start : t.end]) for t in tokens(text, **kw)]


# --- Numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "words"),
    [
        ("5", "five"),
        ("0", "zero"),
        ("13", "thirteen"),
        ("25", "twenty-five"),
        ("25", "twenty five"),
        ("40", "forty"),
        ("100", "one hundred"),
        ("215", "two hundred and fifteen"),
        ("215", "Two Hundred Fifteen"),
        ("600", "six hundred"),
        ("1200", "one thousand two hundred"),
        ("2005", "two thousand and five"),
        ("3000000", "three million"),
    ],
)
def test_number_words_meet_digits(digits: str, words: str) -> None:
    assert terms(words) == [digits]
    assert terms(digits) == [digits]
    assert is_number(terms(words)[0])


def test_five_and_5_give_the_same_term() -> None:
    assert terms("five Russians") == terms("5 Russians") == ["5", "russian"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,000", "1000"), ("1,000,000", "1000000"), ("13", "13"), ("2018", "2018")],
)
def test_thousands_separators_go(text: str, expected: str) -> None:
    assert terms(text) == [expected]


def test_number_word_run_is_one_token_over_the_whole_phrase() -> None:
    text = "Some two hundred and fifteen were killed."
    toks = tokens(text)
    assert toks[0].term == "215"
    assert text[toks[0].start : toks[0].end] == "two hundred and fifteen"


def test_a_trailing_and_is_not_part_of_a_number() -> None:
    text = "five and more"
    assert _spans(text) == [("5", "five")]


def test_a_lone_scale_word_is_not_a_number() -> None:
    assert not any(is_number(t) for t in terms("hundreds of fighters"))
    assert not is_number(terms("hundred")[0])


def test_is_number() -> None:
    assert is_number("5")
    assert is_number("1000")
    assert is_number("1.5")
    assert not is_number("kill")
    assert not is_number("usa")
    assert not is_number("")


# --- Case and punctuation --------------------------------------------------------------


@pytest.mark.parametrize("variant", ["killed?", "Killed", "KILLED", "killed.", "(killed)", "kill"])
def test_case_and_punctuation_do_not_block_a_match(variant: str) -> None:
    assert terms(variant) == terms("killed") == ["kill"]


def test_apostrophes_are_folded() -> None:
    assert terms("Russia's") == terms("Russia’s") == terms("Russia") == ["russia"]


def test_empty_and_punctuation_only_text_has_no_terms() -> None:
    assert terms("") == []
    assert terms(" ,.?! -- … \n") == []


# --- Stopwords -------------------------------------------------------------------------


def test_stopwords_are_dropped() -> None:
    assert terms("the of and was by who what were said") == []
    assert terms("What was the death toll of the strike?") == ["kill", "toll", "strike"]


def test_stopwords_are_kept_when_asked() -> None:
    kept = [t.term for t in tokens("the toll was", keep_stopwords=True)]
    assert kept[1] == "toll"
    assert len(kept) == 3


def test_contractions_of_stopwords_are_dropped() -> None:
    assert terms("it's") == []
    assert terms("don't") == []


def test_stopword_list_is_lowercase() -> None:
    assert all(w == w.lower() for w in STOPWORDS)


# --- Country abbreviations -------------------------------------------------------------


@pytest.mark.parametrize("variant", ["US", "U.S.", "USA", "U.S.A."])
def test_us_variants_are_one_term_and_not_dropped(variant: str) -> None:
    assert terms(f"the {variant} military") == terms("the USA military")
    assert terms(variant) == ["usa"]


@pytest.mark.parametrize("variant", ["UK", "U.K."])
def test_uk_variants_are_one_term(variant: str) -> None:
    assert terms(variant) == ["uk"]


def test_lowercase_us_is_not_the_country() -> None:
    assert "usa" not in terms("they told us nothing")
    assert "usa" not in terms("Us and them")
    assert "usa" not in terms("the USAF and AUS")


def test_lowercase_us_is_dropped() -> None:
    assert "us" in STOPWORDS
    assert terms("they told us nothing") == ["noth"]
    assert terms("let us go") == terms("let go")
    assert terms("let US go") != terms("let go")


# --- Casualty concepts -----------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["died", "dies", "deaths", "death", "dead", "perished", "fatalities", "slain"]
)
def test_death_words_meet_killed(word: str) -> None:
    assert terms(word) == terms("killed") == ["kill"]


@pytest.mark.parametrize("word", ["injured", "injure", "hurt", "wounded", "wounds"])
def test_injury_words_meet_wounded(word: str) -> None:
    assert terms(word) == terms("wounded") == ["wound"]


@pytest.mark.parametrize("word", ["injuries", "injury"])
def test_injury_nouns_meet_wounded(word: str) -> None:
    assert terms(word) == ["wound"]


def test_killed_and_wounded_stay_apart() -> None:
    assert terms("killed") != terms("wounded")


# --- Offsets ---------------------------------------------------------------------------


def test_token_offsets_point_at_the_original_words() -> None:
    text = "Twenty-five Russians, two hundred and fifteen in all, were KILLED? 1,000 died."
    assert _spans(text) == [
        ("25", "Twenty-five"),
        ("russian", "Russians"),
        ("215", "two hundred and fifteen"),
        ("kill", "KILLED"),
        ("1000", "1,000"),
        ("kill", "died"),
    ]


def test_token_offsets_after_dotted_abbreviations() -> None:
    text = "The U.S. army's twenty-five soldiers and the U.K. navy"
    spans = _spans(text)
    assert ("armi", "army's") in spans
    assert ("25", "twenty-five") in spans
    assert ("soldier", "soldiers") in spans
    assert ("navi", "navy") in spans
    us = next(t for t in tokens(text) if t.term == "usa")
    assert text[us.start : us.end] in ("U.S.", "U.S")


def test_token_offsets_with_curly_apostrophe() -> None:
    text = "Russia’s army"
    assert _spans(text) == [("russia", "Russia’s"), ("armi", "army")]


def test_token_offsets_after_bare_us() -> None:
    text = "A US strike killed them in Syria."
    assert _spans(text) == [
        ("usa", "US"),
        ("strike", "strike"),
        ("kill", "killed"),
        ("syria", "Syria"),
    ]


def test_token_spans_in_seeds_start_and_end_on_a_word() -> None:
    for path in SEED_FILES:
        text = path.read_bytes().decode("utf-8")
        for tok in tokens(text):
            piece = text[tok.start : tok.end]
            # Dotted abbreviations ("U.S.") keep their final period; nothing else may
            # start or end on anything but a letter or digit.
            body = piece[:-1] if tok.term in ("usa", "uk") and piece.endswith(".") else piece
            assert body[:1].isalnum() and body[-1:].isalnum(), (path.name, tok, piece)


def test_token_span_of_dotted_uk_covers_the_letters() -> None:
    text = "U.K. troops"
    uk = tokens(text)[0]
    assert uk.term == "uk"
    assert text[uk.start : uk.end].rstrip(".") == "U.K"


def test_token_offsets_after_dotted_capital_i() -> None:
    text = "İstanbul reported deaths"
    assert [text[t.start : t.end] for t in tokens(text)] == ["İstanbul", "reported", "deaths"]


def test_two_and_three_are_two_numbers() -> None:
    assert terms("between two and three soldiers") == ["2", "3", "soldier"]


# --- Properties ------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "five", "twenty", "hundred", "and", "fifteen", "thousand", "the", "of", "was",
        "killed", "died", "deaths", "wounded", "russian", "russia's", "it's", "strike",
        "1,000", "13", "2.5", "us", "said", "according", "to", "syria", "élan", "straße",
    ]
)  # fmt: skip
_SEPARATORS = st.sampled_from([" ", "  ", ", ", ". ", "? ", "-", "\n", " (", ") ", "—"])


@st.composite
def _lower_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, max_size=15))
    out = ""
    for w in words:
        out += w + draw(_SEPARATORS)
    return out


@settings(max_examples=200, deadline=None)
@given(text=_lower_texts())
def test_property_tokens_are_ordered_and_their_source_gives_the_same_term(text: str) -> None:
    toks = tokens(text)
    prev = 0
    for t in toks:
        assert prev <= t.start < t.end <= len(text)
        piece = text[t.start : t.end]
        assert piece == piece.strip()
        assert terms(piece) == [t.term]
        prev = t.end
    # The content terms are the stopword-keeping terms with the stopwords left out.
    kept = [(t.term, t.start, t.end) for t in tokens(text, keep_stopwords=True)]
    assert {(t.term, t.start, t.end) for t in toks} <= set(kept)
    assert terms(text) == [t.term for t in toks]
