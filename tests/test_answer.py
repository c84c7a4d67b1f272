"""Extractive answers on the development questions, and the JSON contract."""

from __future__ import annotations

import pytest

from assistant.app import FactCheck
from assistant.reasoning.answer import ABSTAIN_TEXT, ExtractiveAnswerer
from assistant.settings import Settings
from tests.conftest import dev_params, source_text


def _assert_citations_stand(answer, root=None):
    for c in answer.citations:
        text = source_text(c.source) if root is None else (root / c.source).read_text("utf-8")
        assert text[c.start : c.end] == c.quote
        assert text.count("\n", 0, c.start) + 1 == c.line
        assert f"[{c.id}]" in answer.answer


def _dev(kinds):
    return dev_params(lambda q: q["kind"] in kinds)


@pytest.mark.parametrize("q", _dev(("who_said", "number", "fact")))
def test_dev_questions_are_answered_with_verified_citations(seed_fc, q):
    answer = seed_fc.ask(q["question"])
    assert not answer.abstained
    assert any(a.lower() in answer.answer.lower() for a in q["answer_any"]), answer.answer
    assert answer.citations
    _assert_citations_stand(answer)


@pytest.mark.parametrize("q", _dev(("unanswerable",)))
def test_dev_unanswerable_questions_abstain(seed_fc, q):
    answer = seed_fc.ask(q["question"])
    assert answer.abstained and answer.answer == ABSTAIN_TEXT and answer.citations == []


def test_off_topic_question_abstains(seed_fc):
    answer = seed_fc.ask("What is the capital of France?")
    assert answer.abstained and not answer.citations


def test_who_said_5_were_killed_names_the_foreign_ministry(seed_fc):
    answer = seed_fc.ask("Who said 5 were killed?")
    assert "Foreign Ministry" in answer.answer
    cited = [c for c in answer.citations if c.source == "003_eedac8ea6769e308.txt"]
    assert any("Foreign Ministry" in c.quote for c in cited)
    _assert_citations_stand(answer)


def test_every_source_giving_the_same_figure_is_cited(seed_fc):
    # Novaya Gazeta's 13 killed is reported by two different articles.
    answer = seed_fc.ask("Which newspaper said 13 Russians were killed?")
    sources = {c.source for c in answer.citations if "13" in c.quote}
    assert len(sources) >= 2
    assert "Novaya Gazeta" in answer.answer


def test_json_shape_is_the_public_contract(seed_fc):
    data = seed_fc.ask("Who said 5 were killed?").to_json()
    assert set(data) == {
        "question", "answer", "abstained", "mode", "model", "citations", "rejected_citations",
        "answers", "disagreement",
    }  # fmt: skip
    assert data["mode"] == "extractive" and data["model"] is None
    assert data["citations"] and data["answers"]
    for c in data["citations"]:
        assert set(c) == {
            "id", "source", "title", "start", "end", "line", "quote", "also_in",
            # Extended for issue 19: who published it, when, where, and a PDF's page.
            "outlet", "author", "published", "url", "page",
        }  # fmt: skip
        # Plain text files with no header say none of it: null, not "".
        assert c["outlet"] is None and c["published"] is None and c["page"] is None
        assert isinstance(c["start"], int) and isinstance(c["end"], int)
        assert isinstance(c["also_in"], list)
    ids = {c["id"] for c in data["citations"]}
    for a in data["answers"]:
        assert set(a) == {"text", "who", "citations"} and set(a["citations"]) <= ids
    assert isinstance(data["disagreement"], bool)
    assert [c["id"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1))


def test_passages_edited_after_ingest_are_left_out_and_the_user_is_told(
    tmp_path, corpus, fake_embeddings
):
    """Issue 12, row 4: what the file no longer holds is never reasoned on or shown."""
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    fc.ingest([corpus])
    question = "What bill is the Russian government reviewing?"
    before = fc.ask(question, "extractive")
    assert before.citations and not before.notices
    # Edit the cited sentences out of their files after ingest (no re-ingest).
    removed = [c.quote for c in before.citations]
    for c in before.citations:
        path = corpus / c.source
        path.write_text(path.read_text("utf-8").replace(c.quote, "[removed]"), "utf-8")

    after = fc.ask(question, "extractive")

    assert not any(c.quote in removed for c in after.citations)
    assert all(q not in after.answer for q in removed)
    _assert_citations_stand(after, root=corpus)
    assert any("factcheck ingest" in n and "changed" in n for n in after.notices)
    if not after.citations:
        assert after.abstained


def test_a_quote_that_no_longer_verifies_is_rejected_not_shown(tmp_path, corpus, fake_embeddings):
    """Below the retriever's check, the reader still refuses a quote the file lacks."""
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    fc.ingest([corpus])
    answerer = ExtractiveAnswerer(fc.retriever, fake_embeddings, min_relevance=0.0)
    assessment = answerer.assess("What bill is the Russian government reviewing?")
    before = answerer.answer_from(assessment)
    assert before.citations
    for c in before.citations:
        path = corpus / c.source
        path.write_text(path.read_text("utf-8").replace(c.quote, "[removed]"), "utf-8")

    after = answerer.answer_from(assessment)  # the same passages, read again from disk

    assert after.rejected_citations
    assert all("not found" in r.reason for r in after.rejected_citations)
    _assert_citations_stand(after, root=corpus)


def _recording_sentences(answerer: ExtractiveAnswerer) -> list[str]:
    """Make ``answerer`` note every text it embeds as a passage; returns the list."""
    texts: list[str] = []
    real = answerer.embeddings

    class Recording:
        def embed_documents(self, batch):
            texts.extend(batch)
            return real.embed_documents(batch)

        def embed_query(self, text):
            return real.embed_query(text)

    answerer.embeddings = Recording()
    return texts


@pytest.mark.parametrize("q", dev_params())
def test_sentences_below_the_floor_are_not_embedded_and_nothing_above_it_changes(seed_fc, q):
    answerer = seed_fc._extractive()
    texts = _recording_sentences(answerer)
    full = answerer.assess(q["question"], floor=0.0)  # 0.5 * coverage + 0.5 >= 0: all
    embedded_all = len(texts)
    texts.clear()
    lean = answerer.assess(q["question"])
    assert len(texts) <= embedded_all
    floor = answerer.min_relevance
    above = [
        (c.chunk.id, c.start, round(c.relevance, 6))
        for c in full.candidates
        if c.relevance >= floor
    ]
    assert [
        (c.chunk.id, c.start, round(c.relevance, 6))
        for c in lean.candidates
        if c.relevance >= floor
    ] == above
    assert answerer.answer_from(lean).to_json() == answerer.answer_from(full).to_json()


def test_an_answer_embeds_fewer_sentences_than_it_reads(seed_fc):
    answerer = seed_fc._extractive()
    texts = _recording_sentences(answerer)
    assessment = answerer.assess("What did the Kremlin say about the weather in Moscow?")
    assert 0 < len(texts) < len(assessment.candidates)
