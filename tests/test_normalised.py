"""Text is read as a reader sees it, and cited as the file has it (issue 21, rows U1 and U2).

A full-width figure ("５") is a 5, and a zero-width character inside a word
("kil\\u200bled") hides nothing: matching (keyword terms, embeddings, entities, figures,
speakers) reads a normalised view of the text, while every citation keeps the file's
exact characters and offsets. Every article here is invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import FactCheck
from assistant.index.normalise import visible
from assistant.index.terms import terms, tokens
from assistant.reasoning.verify import locate
from assistant.settings import Settings
from tests.conftest import HashEmbeddings

# Invisible format characters a reader does not see: zero-width space, non-joiner and
# joiner, word joiner, soft hyphen, and a byte-order mark inside the text.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]


@pytest.mark.parametrize("mark", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_an_invisible_character_inside_a_word_is_not_there_for_matching(mark):
    text = f"Crews said 5 people were kil{mark}led."
    view = visible(text)
    assert view.text == "Crews said 5 people were killed."
    assert terms(text) == terms("Crews said 5 people were killed.")
    killed = next(t for t in tokens(text) if t.term == "kill")
    assert text[killed.start : killed.end] == f"kil{mark}led"  # offsets stay the file's


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("\uff15 killed", "5 killed"),  # full-width digit
        ("\uff11\uff12 killed", "12 killed"),
        ("\uff4b\uff49\uff4c\uff4c\uff45\uff44", "killed"),  # full-width letters
        ("five\u3000killed", "five killed"),  # ideographic space
        ("\u0665 killed", "5 killed"),  # another script's digit
    ],
)
def test_width_forms_and_other_digits_are_read_as_ascii(written, read):
    view = visible(written)
    assert view.text == read
    assert terms(written) == terms(read)
    for i in range(len(view.text)):  # each character read maps back into the file
        start, end = view.span(i, i + 1)
        assert 0 <= start < end <= len(written)


def test_plain_text_is_its_own_view():
    text = "Police said 12 people died."
    assert visible(text).text is text
    assert visible(text).span(6, 10) == (6, 10)


@pytest.mark.parametrize("mark", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_a_quote_over_a_hidden_character_is_located_with_the_files_characters(mark):
    text = f"Intro. Crews said 5 people were kil{mark}led in the fire. Outro."
    span = locate("Crews said 5 people were killed in the fire.", text)
    assert span is not None
    assert text[span.start : span.end] == f"Crews said 5 people were kil{mark}led in the fire."


def test_a_full_width_quote_is_located_with_the_files_characters():
    text = "Intro. Crews said \uff15 people were killed. Outro."
    span = locate("Crews said 5 people were killed.", text)
    assert span is not None
    assert text[span.start : span.end] == "Crews said \uff15 people were killed."


def _ingest(tmp_path: Path, text: str, embeddings=None) -> tuple[FactCheck, Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "depot.txt").write_text(text, encoding="utf-8")
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=embeddings)
    fc.ingest([folder])
    return fc, folder


def _exact(citations, folder: Path) -> list[str]:
    quotes = []
    for c in citations:
        text = (folder / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote
        quotes.append(c.quote)
    return quotes


_DEPOT = (
    "Fire at the depot\n\n"
    "The blaze began at the fuel depot on Monday night. "
    "Firefighters said {five} people were {killed} in the depot fire. "
    "The road to the depot stayed closed on Tuesday.\n"
)
_QUESTION = "How many people were killed in the depot fire?"
_CLAIM = "5 people were killed in the depot fire"


@pytest.mark.parametrize("mark", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_ask_finds_a_sentence_with_a_hidden_character_and_cites_it_exactly(tmp_path, mark):
    killed = f"kil{mark}led"
    fc, folder = _ingest(
        tmp_path, _DEPOT.format(five="5", killed=killed), embeddings=HashEmbeddings()
    )
    answer = fc.ask(_QUESTION, "extractive")
    assert [a.text for a in answer.answers] == ["5"], answer.answer
    assert any(killed in q for q in _exact(answer.citations, folder))


def test_a_zero_width_space_hides_nothing_from_ask_check_and_claims(tmp_path):
    killed = "kil\u200bled"
    fc, folder = _ingest(tmp_path, _DEPOT.format(five="5", killed=killed))
    answer = fc.ask(_QUESTION, "extractive")
    assert [a.text for a in answer.answers] == ["5"], answer.answer
    assert any(killed in q for q in _exact(answer.citations, folder))
    result = fc.check(_CLAIM, "extractive")
    assert result.verdict == "supported", result.explanation
    assert any(killed in q for q in _exact(result.citations, folder))
    table = fc.claims("extractive")
    assert [(c.low, c.what) for c in table.claims] == [(5, "killed")]
    assert any(killed in q for q in _exact(table.claims[0].citations, folder))


def test_a_full_width_figure_is_answered_checked_and_claimed_as_5(tmp_path):
    fc, folder = _ingest(tmp_path, _DEPOT.format(five="\uff15", killed="killed"))
    answer = fc.ask(_QUESTION, "extractive")
    assert not answer.abstained, answer.answer
    assert [a.text for a in answer.answers] == ["5"], answer.answer
    assert any("\uff15" in q for q in _exact(answer.citations, folder))
    result = fc.check(_CLAIM, "extractive")
    assert result.verdict == "supported", result.explanation
    assert any("\uff15" in q for q in _exact(result.citations, folder))
    table = fc.claims("extractive")
    assert [(c.low, c.what) for c in table.claims] == [(5, "killed")]
    assert _exact(table.claims[0].citations, folder)


def test_a_question_is_read_as_a_reader_sees_it():
    from assistant.reasoning.question import analyse

    typed = analyse("How many deer were killed in Zone \uff11\uff12?")
    assert typed.number_pairs == analyse("How many deer were killed in Zone 12?").number_pairs


def test_a_title_with_a_hidden_character_still_does_not_decide(tmp_path):
    # The title alone would contradict the claim; the body supports it.
    article = (
        "Crews said 9 people were kil\u200bled in the depot fire\n\n"
        "Firefighters said 5 people were killed in the depot fire on Monday night.\n"
    )
    fc, folder = _ingest(tmp_path, article, embeddings=HashEmbeddings())
    result = fc.check(_CLAIM, "extractive")
    assert result.verdict == "supported", result.explanation
    assert all(not q.startswith("Crews") for q in _exact(result.citations, folder))


def test_a_keyword_index_from_before_reads_its_terms_again_and_keeps_its_manifest(tmp_path):
    from assistant.index.lexical import FileRecord, LexicalIndex
    from assistant.index.schema import StoredChunk

    text = "Crews said 5 people were kil\u200bled."
    chunk = StoredChunk("c0", "a.txt", "/corpus", "Depot", 0, len(text), 1, text, "sha")
    path = tmp_path / "keywords.sqlite"
    index = LexicalIndex(path, [chunk])
    index.record_files([FileRecord("a.txt", "/corpus", "sha", 1)])
    # As an index written before the text was normalised for matching stored it.
    with index._db:
        index._db.execute("UPDATE fts SET body = 'crew 5 peopl kil led' WHERE rowid = 1")
        index._db.execute("DELETE FROM meta WHERE key = 'terms_version'")
    index.close()

    again = LexicalIndex(path)
    assert [c.id for c, _ in again.search("killed", 3)] == ["c0"]
    assert set(again.files()) == {("/corpus", "a.txt")}  # nothing to ingest again
