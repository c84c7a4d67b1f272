"""Extractive answers: invented questions of each kind, the seeds, the JSON contract."""

from __future__ import annotations

import pytest

from assistant.app import FactCheck
from assistant.reasoning.answer import ExtractiveAnswerer
from assistant.reasoning.answer_types import ABSTAIN_TEXT
from assistant.settings import Settings
from tests.conftest import source_text
from tests.invented import assert_cited_verbatim, ingested


def _assert_citations_stand(answer, root=None):
    for c in answer.citations:
        text = source_text(c.source) if root is None else (root / c.source).read_text("utf-8")
        assert text[c.start : c.end] == c.quote
        assert text.count("\n", 0, c.start) + 1 == c.line
        assert f"[{c.id}]" in answer.answer


# -- invented articles (tests/invented.py): one question of each kind ---------------------


def _xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


def _first_cited(answer, source: str, *words: str):
    """The first citation of ``answer`` from ``source`` whose quote holds every word."""
    for c in answer.citations:
        if c.source == source and all(w in c.quote for w in words):
            return c
    raise AssertionError(f"no citation of {source} holding {words}: {answer.answer}")


@pytest.mark.parametrize(
    ("question", "speaker", "source", "said"),
    [
        # "X said ...", with the speaker's title before the name
        ("Who said 40 people were hurt?", "Oona Brask", "marrowdale-flood.txt", "40"),
        ("Who said 52 people were hurt?", "Rafael Quint", "marrowdale-wire.txt", "52"),
        # "..., said X"
        ("Who said the flood wall held?", "Pieter Vohl", "marrowdale-flood.txt", "flood wall"),
        # "according to X"
        (
            "Who said about 600 residents slept in the school gym?",
            "town council", "marrowdale-flood.txt", "600",
        ),
        # a quotation, then "said X"
        (
            "Who said the town was picked for its rail links?",
            "Morrow", "quillfeather.txt", "rail links",
        ),
        # "..., X reported"
        (
            "Who reported that the frost destroyed a third of the blossom?",
            "growers' cooperative", "orchard.txt", "a third",
        ),
        ("Who said the lamp room holds ship logs?", "Hanne Lisko", "lighthouse.txt", "ship logs"),
        # "..., union leader X said": a lower-case title before a name
        (
            "Who said the train drivers walked out?", "Bram Tellis", "rail-strike.txt",
            "walked out",
        ),
        # "..., chief executive X told reporters"
        (
            "Who told reporters the factory would open next spring?", "Dalia Morrow",
            "quillfeather.txt", "next spring",
        ),
    ],
)  # fmt: skip
def test_who_said_names_the_speaker_and_cites_the_sentence(
    invented_fc, question, speaker, source, said
):
    answer = invented_fc.ask(question, "extractive")
    assert not answer.abstained, answer.answer
    # The short answer is the speaker, not the sentence that holds what was said.
    assert answer.answers and speaker in answer.answers[0].text, answer.answer
    assert said not in answer.answers[0].text, answer.answer
    cited = _first_cited(answer, source, said, speaker)
    assert cited.id in answer.answers[0].citations
    assert_cited_verbatim(answer, invented_fc.settings.corpus)


@pytest.mark.parametrize(
    ("question", "figure", "source", "sentence"),
    [
        (
            "How many workers will the Sarnia Falls plant employ?", "350",
            "quillfeather.txt", "The plant will employ 350 workers",
        ),
        (
            "How many votes did Greta Holm get?", "18,204",
            "vantorp-election.txt", "with 18,204 votes",
        ),
        (
            "How long did the Kesmark train drivers strike?", "48 hours",
            "rail-strike.txt", "walked out for 48 hours",
        ),
        (
            "What share of the apple blossom did the frost destroy?", "a third",
            "orchard.txt", "destroyed about a third",
        ),
        pytest.param(
            "How much is an adult ticket at the Port Ellery lighthouse museum?", "8 euros",
            "lighthouse.txt", "Tickets cost 8 euros",
            marks=_xfail("a price asked with 'how much is' abstains though the article gives it"),
            id="ticket-price",
        ),
    ],
)  # fmt: skip
def test_a_number_question_gets_the_figure_cited(invented_fc, question, figure, source, sentence):
    answer = invented_fc.ask(question, "extractive")
    assert not answer.abstained, answer.answer
    assert figure in answer.answers[0].text, answer.answer
    assert not answer.disagreement  # one source, one figure
    cited = _first_cited(answer, source, sentence)
    assert cited.id in answer.answers[0].citations
    assert_cited_verbatim(answer, invented_fc.settings.corpus)


def test_two_sources_with_different_figures_are_both_shown_and_the_disagreement_flagged(
    invented_fc,
):
    answer = invented_fc.ask("How many people were hurt in the Marrowdale flood?", "extractive")
    assert answer.disagreement and answer.answer.startswith("The sources disagree")
    by_figure = {a.text: a for a in answer.answers}
    assert {"40", "52"} <= set(by_figure), answer.answer
    forty = _first_cited(answer, "marrowdale-flood.txt", "40 people were hurt")
    fifty_two = _first_cited(answer, "marrowdale-wire.txt", "52 people were hurt")
    assert forty.id in by_figure["40"].citations and fifty_two.id in by_figure["52"].citations
    assert "Oona Brask" in (by_figure["40"].who or "")
    assert "Rafael Quint" in (by_figure["52"].who or "")
    assert_cited_verbatim(answer, invented_fc.settings.corpus)


def test_a_rival_figure_in_other_words_is_still_a_disagreement(tmp_path):
    # The same flood, the same count, two reports: only the second repeats the town's name.
    fc = ingested(
        tmp_path,
        {
            "local.txt": "Flood\n\nFire chief Oona Brask said 40 people were hurt in the flood.\n",
            "wire.txt": (
                "Hospital opens an extra ward\n\n52 people were hurt in the Marrowdale flood, "
                "said Rafael Quint, director of St Ansel's hospital.\n"
            ),
        },
    )
    answer = fc.ask("How many people were hurt in the Marrowdale flood?", "extractive")
    assert {"40", "52"} <= {a.text for a in answer.answers}, answer.answer
    assert answer.disagreement


@pytest.mark.parametrize(
    ("question", "expected", "source", "sentence"),
    [
        (
            "Where will Quillfeather Robotics open its second factory?", "Sarnia Falls",
            "quillfeather.txt", "second factory in Sarnia Falls",
        ),
        (
            "When was Quillfeather Robotics founded?", "2009",
            "quillfeather.txt", "founded in 2009",
        ),
        (
            "Who is the chief executive of Quillfeather Robotics?", "Dalia Morrow",
            "quillfeather.txt", "chief executive Dalia Morrow",
        ),
        (
            "Who won the Vantorp mayoral election?", "Greta Holm",
            "vantorp-election.txt", "Greta Holm of the Green Alliance won",
        ),
        (
            "When was the Vantorp mayoral election held?", "12 March",
            "vantorp-election.txt", "on 12 March",
        ),
        pytest.param(
            "Which river burst its banks in Marrowdale?", "Tessel",
            "marrowdale-flood.txt", "Tessel River over its banks",
            marks=_xfail("'which river' abstains though the sentence names the Tessel River"),
            id="which-river",
        ),
        pytest.param(
            "Who is the coach of the Brenwick Rowing Club?", "Sami Okafor",
            "regatta.txt", "Coach Sami Okafor",
            marks=_xfail("a role given as a title before the name ('Coach X') is not found"),
            id="coach-title",
        ),
    ],
)  # fmt: skip
def test_a_fact_question_gets_the_name_place_or_date_cited(
    invented_fc, question, expected, source, sentence
):
    answer = invented_fc.ask(question, "extractive")
    assert not answer.abstained, answer.answer
    assert expected in answer.answers[0].text, answer.answer
    cited = _first_cited(answer, source, sentence)
    assert cited.id in answer.answers[0].citations
    assert_cited_verbatim(answer, invented_fc.settings.corpus)


@pytest.mark.parametrize(
    "question",
    [
        "How much did the Marrowdale flood cost insurers?",  # the topic, not the figure
        "Who is the finance director of Quillfeather Robotics?",  # the company, not the role
        "How many seats does the Vantorp city council have?",
        "When did the Tessel River last flood before this year?",
        pytest.param(
            "Who designed the new flood wall in Marrowdale?",
            marks=_xfail("the speaker of a sentence about the wall is given as its designer"),
            id="wall-designer",
        ),
    ],
)
def test_a_question_the_articles_do_not_answer_abstains(invented_fc, question):
    answer = invented_fc.ask(question, "extractive")
    assert answer.abstained and answer.answer == ABSTAIN_TEXT, answer.answer
    assert answer.citations == [] and answer.answers == []


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


@pytest.mark.parametrize(
    "question",
    [
        "Who said 40 people were hurt?",
        "How many people were hurt in the Marrowdale flood?",
        "When was Quillfeather Robotics founded?",
        "Who won the Vantorp mayoral election?",
        "How much did the Marrowdale flood cost insurers?",
        "What did the farmers do to protect their trees from the cold?",
    ],
)
def test_sentences_below_the_floor_are_not_embedded_and_nothing_above_it_changes(
    invented_fc, question
):
    answerer = invented_fc._extractive()
    texts = _recording_sentences(answerer)
    full = answerer.assess(question, floor=0.0)  # 0.5 * coverage + 0.5 >= 0: all
    embedded_all = len(texts)
    texts.clear()
    lean = answerer.assess(question)
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
    answer = answerer.answer_from(full)
    assert answer.abstained or above  # an answer comes from sentences above the floor
    assert answerer.answer_from(lean).to_json() == answer.to_json()


def test_an_answer_embeds_fewer_sentences_than_it_reads(seed_fc):
    answerer = seed_fc._extractive()
    texts = _recording_sentences(answerer)
    assessment = answerer.assess("What did the Kremlin say about the weather in Moscow?")
    assert 0 < len(texts) < len(assessment.candidates)


# A count answers what it counts: the ablation report (docs/ablation.md) found no dev
# question that needs this, so an invented one shows it.
_TWO_COUNTS = {
    "quarry.txt": "Quarry blast\n\nThe county coroner said 4 workers died and 17 were injured "
    "when a storage shed exploded at the Brenner quarry on Tuesday.\n",
}


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("How many workers were injured in the quarry blast?", "17"),
        ("How many workers died in the quarry blast?", "4"),
    ],
)
def test_a_count_question_gets_the_figure_that_counts_what_it_asks(tmp_path, question, figure):
    fc = ingested(tmp_path, _TWO_COUNTS)
    answer = fc.ask(question, "extractive")
    assert [a.text for a in answer.answers] == [figure]
    assert_cited_verbatim(answer, tmp_path / "articles")
