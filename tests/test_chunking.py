"""Chunking keeps exact offsets, whole sentences and stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.index.chunking import (
    Chunk,
    LineIndex,
    Span,
    chunk_id,
    chunk_text,
    paragraphs,
    split_sentences,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _sentences(text: str, **kw: int) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, **kw)]


def _lines_before(text: str, offset: int) -> int:
    """Line breaks (LF, CRLF or a lone CR, as an editor counts them) before ``offset``."""
    return len(re.findall(r"\r\n?|\n", text[:offset]))


def _check_chunks(text: str, chunks: list[Chunk]) -> None:
    prev_end = 0
    for c in chunks:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert c.line == _lines_before(text, c.start) + 1
        assert c.start >= prev_end, "chunks overlap or are out of order"
        assert c.text == c.text.strip()
        prev_end = c.end


def test_seed_files_are_present() -> None:
    assert len(SEED_FILES) >= 5


# --- Every chunk of every seed file -----------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_chunks_are_exact_ordered_and_on_the_right_line(path: Path) -> None:
    text = _read(path)
    chunks = chunk_text(path.name, text)
    assert len(chunks) >= 2
    _check_chunks(text, chunks)
    assert all(c.source == path.name for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_chunks_cover_every_sentence_and_never_split_one(path: Path) -> None:
    text = _read(path)
    sentences = [s for p in paragraphs(text) for s in split_sentences(text, p.start, p.end)]
    starts = {s.start for s in sentences}
    ends = {s.end for s in sentences}
    chunks = chunk_text(path.name, text)
    for c in chunks:
        assert c.start in starts
        assert c.end in ends
    # Every sentence lies inside exactly one chunk.
    for s in sentences:
        inside = [c for c in chunks if c.start <= s.start and s.end <= c.end]
        assert len(inside) == 1, text[s.start : s.end]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_chunks_respect_max_chars_unless_a_single_sentence(path: Path) -> None:
    text = _read(path)
    for c in chunk_text(path.name, text, max_chars=300, min_chars=50):
        if len(c.text) > 300:
            assert len(split_sentences(text, c.start, c.end)) == 1, c.text


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_chunk_ids_are_stable_and_change_with_the_text(path: Path) -> None:
    text = _read(path)
    first = chunk_text(path.name, text)
    second = chunk_text(path.name, text)
    assert [c.id for c in first] == [c.id for c in second]
    assert first == second

    # Changing a word inside the first chunk changes that chunk's id.
    c0 = first[0]
    word_at = c0.text.index(" ") + 1
    edited = text[: c0.start + word_at] + "X" + text[c0.start + word_at :]
    changed = chunk_text(path.name, edited)
    assert changed[0].id != c0.id
    assert changed[0].text != c0.text

    # Another source name gives other ids for the same text.
    renamed = chunk_text("other/" + path.name, text)
    assert not {c.id for c in renamed} & {c.id for c in first}


def test_chunk_id_depends_on_source_offset_and_text() -> None:
    base = chunk_id("a.txt", 10, "Hello.")
    assert base == chunk_id("a.txt", 10, "Hello.")
    assert len(base) == 32
    int(base, 16)  # hexadecimal
    assert chunk_id("b.txt", 10, "Hello.") != base
    assert chunk_id("a.txt", 11, "Hello.") != base
    assert chunk_id("a.txt", 10, "Hello!") != base


def test_inserting_text_before_a_chunk_changes_its_id_and_offset() -> None:
    text = "First paragraph. " * 20 + "\n\n" + "Second paragraph here. " * 20
    before = chunk_text("s.txt", text)
    after = chunk_text("s.txt", "Intro.\n\n" + text)
    assert before[-1].text == after[-1].text
    assert after[-1].start == before[-1].start + len("Intro.\n\n")
    assert after[-1].line == before[-1].line + 2
    assert after[-1].id != before[-1].id


# --- Sentences -------------------------------------------------------------------------


def test_us_abbreviation_does_not_end_a_sentence() -> None:
    text = "The U.S. Defense Department said the strikes were defensive. Russia disagreed."
    assert _sentences(text) == [
        "The U.S. Defense Department said the strikes were defensive.",
        "Russia disagreed.",
    ]


def test_initials_do_not_end_a_sentence() -> None:
    text = "Colonel Thomas F. Veale refused to comment. He left. J. R. Smith stayed."
    assert _sentences(text) == [
        "Colonel Thomas F. Veale refused to comment.",
        "He left.",
        "J. R. Smith stayed.",
    ]


@pytest.mark.parametrize("abbr", ["Mr.", "Dr.", "Gen.", "Lt.", "Sen."])
def test_title_abbreviations_do_not_end_a_sentence(abbr: str) -> None:
    text = f"It was {abbr} Assad who spoke. Then he left."
    assert _sentences(text) == [f"It was {abbr} Assad who spoke.", "Then he left."]


def test_sentence_boundaries_on_terminal_punctuation() -> None:
    text = 'Is it true? Yes! "It is." 100 died. (They said so.) The end.'
    assert _sentences(text) == [
        "Is it true?",
        "Yes!",
        '"It is."',
        "100 died.",
        "(They said so.)",
        "The end.",
    ]


def test_lowercase_after_a_period_is_not_a_new_sentence() -> None:
    text = "The figure was approx. one hundred. It grew."
    assert _sentences(text) == ["The figure was approx. one hundred.", "It grew."]
    assert _sentences("See e.g. the report. Done.") == ["See e.g. the report.", "Done."]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "He said “we will win.” Then he left."
    assert _sentences(text) == ["He said “we will win.”", "Then he left."]


def test_a_paragraph_break_always_ends_a_sentence() -> None:
    long_line = "This is a long line of prose that keeps going and going without a stop"
    text = f"{long_line}\n\ncontinues after a blank line"
    assert _sentences(text) == [long_line, "continues after a blank line"]
    # Even after an abbreviation or an initial.
    assert _sentences("It was Thomas F.\n\nVeale.") == ["It was Thomas F.", "Veale."]
    assert _sentences("Made in the U.S.\n \n\nNext one.") == ["Made in the U.S.", "Next one."]


def test_a_soft_wrapped_line_is_joined_into_one_sentence() -> None:
    text = (
        "This is a long line of prose that is hard wrapped at some column and\n"
        "continues on the next line. Then another sentence."
    )
    assert _sentences(text) == [
        "This is a long line of prose that is hard wrapped at some column and\n"
        "continues on the next line.",
        "Then another sentence.",
    ]


@pytest.mark.parametrize("end", [",", ";", "-"])
def test_a_long_line_ending_mid_sentence_punctuation_wraps(end: str) -> None:
    first = "The coalition said it repelled the attack near the river" + end
    text = first + "\nwhich lasted hours."
    assert _sentences(text) == [text]


def test_a_short_byline_line_is_not_joined() -> None:
    text = "World | By Melba Underwood\nRussian contractors were killed in the attack."
    assert _sentences(text) == [
        "World | By Melba Underwood",
        "Russian contractors were killed in the attack.",
    ]
    # Short even though it ends in a lowercase letter.
    assert _sentences("By a staff writer\nthe attack happened.") == [
        "By a staff writer",
        "the attack happened.",
    ]


def test_a_long_line_ending_with_a_full_stop_is_not_joined() -> None:
    first = "This is a long line of prose that ends with a proper full stop."
    text = first + "\nanother line starts lowercase"
    assert _sentences(text) == [first, "another line starts lowercase"]


def test_split_sentences_with_a_range_returns_offsets_into_the_whole_text() -> None:
    text = "Skip this. Keep one. Keep two. Skip that."
    start = text.index("Keep one")
    end = text.index(" Skip that")
    spans = split_sentences(text, start, end)
    assert [text[s.start : s.end] for s in spans] == ["Keep one.", "Keep two."]
    assert spans[0] == Span(start, start + len("Keep one."))


def test_split_sentences_of_blank_text_is_empty() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t \n") == []


# --- Paragraphs ------------------------------------------------------------------------


def test_paragraphs_are_trimmed_spans() -> None:
    text = "  Title\n\n  First para.\nStill first.\n \t\n\nSecond.  \n"
    spans = paragraphs(text)
    assert [text[s.start : s.end] for s in spans] == [
        "Title",
        "First para.\nStill first.",
        "Second.",
    ]


def test_a_line_of_non_breaking_spaces_separates_paragraphs() -> None:
    text = "One.\n\u00a0\u00a0\nTwo."
    assert [text[s.start : s.end] for s in paragraphs(text)] == ["One.", "Two."]


# --- Chunk assembly --------------------------------------------------------------------


def test_short_title_and_byline_join_the_next_paragraph() -> None:
    body = "Russian contractors were killed in a US-led attack in Syria. " * 5
    text = f"A Title\n\nBy Someone\n\n{body.strip()}\n\n{body.strip()}"
    chunks = chunk_text("t.txt", text, max_chars=800, min_chars=200)
    _check_chunks(text, chunks)
    assert chunks[0].text.startswith("A Title\n\nBy Someone\n\nRussian")
    assert chunks[0].line == 1
    assert len(chunks) == 2
    assert chunks[1].line == 7


def test_a_sentence_longer_than_max_chars_stands_alone() -> None:
    long_sentence = "Word " * 100 + "end."
    text = f"Short one. {long_sentence} Short two."
    chunks = chunk_text("t.txt", text, max_chars=100, min_chars=10)
    _check_chunks(text, chunks)
    assert [c.text for c in chunks] == ["Short one.", long_sentence, "Short two."]


def test_chunk_text_of_blank_text_is_empty() -> None:
    assert chunk_text("t.txt", "") == []
    assert chunk_text("t.txt", "\n \n\t") == []


def test_crlf_text_keeps_exact_offsets() -> None:
    text = "Title line\r\nBy Someone\r\n\r\nFirst paragraph here. It has two sentences.\r\n"
    text += "\r\nSecond paragraph.\r\n"
    chunks = chunk_text("crlf.txt", text, min_chars=1)
    _check_chunks(text, chunks)
    for c in chunks:
        assert not c.text.endswith("\r")
    sentences = _sentences(text)
    assert sentences == [
        "Title line",
        "By Someone",
        "First paragraph here.",
        "It has two sentences.",
        "Second paragraph.",
    ]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_crlf_seed_keeps_exact_offsets(path: Path) -> None:
    text = _read(path).replace("\n", "\r\n")
    chunks = chunk_text(path.name, text)
    _check_chunks(text, chunks)
    lf = _read(path)
    # The same sentences are found, only shifted by the extra carriage returns.
    assert [s.replace("\r\n", "\n") for s in _sentences(text)] == _sentences(lf)


def test_crlf_blank_line_separates_paragraphs() -> None:
    text = "One.\r\n\r\nTwo."
    assert [text[s.start : s.end] for s in paragraphs(text)] == ["One.", "Two."]


def test_crlf_seed_chunks_like_lf() -> None:
    lf = _read(SEED_FILES[0])
    crlf = lf.replace("\n", "\r\n")
    lf_chunks = [c.text for c in chunk_text("s", lf)]
    crlf_chunks = [c.text.replace("\r\n", "\n") for c in chunk_text("s", crlf)]
    assert crlf_chunks == lf_chunks


# --- Line numbers ----------------------------------------------------------------------


def test_line_index_matches_counting_newlines() -> None:
    text = "a\nbc\n\nd\r\ne"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        assert index.line_of(offset) == text.count("\n", 0, offset) + 1
    assert index.line_of(0) == 1
    assert index.line_of(text.index("d")) == 4
    assert LineIndex("").line_of(0) == 1


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_numbers_are_right_whatever_ends_the_lines(eol: str) -> None:
    # Issue 12, row 6: a CR-only file had every line on line 1.
    lines = ["Dayton Ledger", "", "Ann Lee said 12 workers were hurt.", "", "Acme denied it."]
    text = eol.join(lines) + eol
    index = LineIndex(text)
    assert index.line_of(text.index("Ann Lee")) == 3
    assert index.line_of(text.index("Acme denied")) == 5
    assert index.line_of(text.index("Ledger") + len("Ledger")) == 1  # the break ends line 1
    chunks = chunk_text("dayton.txt", text, min_chars=1)
    assert [(c.line, c.text) for c in chunks] == [
        (1, "Dayton Ledger"),
        (3, "Ann Lee said 12 workers were hurt."),
        (5, "Acme denied it."),
    ]


def test_a_cr_only_file_has_the_paragraphs_and_sentences_of_its_lf_twin() -> None:
    lf = _read(SEED_FILES[0])
    cr = lf.replace("\n", "\r")
    assert [s.replace("\r", "\n") for s in _sentences(cr)] == _sentences(lf)
    lf_chunks = [(c.line, c.text) for c in chunk_text("s", lf)]
    cr_chunks = [(c.line, c.text.replace("\r", "\n")) for c in chunk_text("s", cr)]
    assert cr_chunks == lf_chunks


# --- Properties ------------------------------------------------------------------------

_ALPHABET = st.one_of(
    st.sampled_from(list("Aa Zz.!?,;-\n\n\r\t\"'“”’()[]0U.S…\u00a0")),
    st.characters(codec="utf-8"),
)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=_ALPHABET, max_size=400),
    max_chars=st.integers(min_value=1, max_value=300),
    min_chars=st.integers(min_value=0, max_value=200),
)
def test_property_chunks_are_exact_ordered_and_trimmed(
    text: str, max_chars: int, min_chars: int
) -> None:
    chunks = chunk_text("p.txt", text, max_chars=max_chars, min_chars=min_chars)
    _check_chunks(text, chunks)
    for c in chunks:
        assert c.text
        assert not c.text[0].isspace() and not c.text[-1].isspace()
        assert c.id == chunk_id("p.txt", c.start, c.text)
    # Nothing but whitespace is left out of the chunks.
    covered = [False] * len(text)
    for c in chunks:
        covered[c.start : c.end] = [True] * (c.end - c.start)
    assert all(ch.isspace() for ch, cov in zip(text, covered, strict=True) if not cov)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=300))
def test_property_sentences_are_exact_ordered_and_trimmed(text: str) -> None:
    prev = 0
    for s in split_sentences(text):
        assert prev <= s.start < s.end <= len(text)
        piece = text[s.start : s.end]
        assert piece == piece.strip()
        prev = s.end
