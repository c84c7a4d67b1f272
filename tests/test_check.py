"""Claim checking: verdicts, source-aware evidence, citations."""

from __future__ import annotations

import pytest

from tests.conftest import source_text
from tests.invented import assert_cited_verbatim


def _stands(result) -> None:
    for c in result.citations:
        assert source_text(c.source)[c.start : c.end] == c.quote
        assert f"[{c.id}]" in result.explanation


# -- invented articles (tests/invented.py) ---------------------------------------------


def _xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


@pytest.mark.parametrize(
    ("claim", "source", "sentence"),
    [
        # other words for the same figure
        (
            "Quillfeather Robotics will hire 350 workers at its new plant.",
            "quillfeather.txt", "The plant will employ 350 workers",
        ),
        # the claim names its source, who said it with a title before the name
        (
            "Oona Brask said 40 people were hurt in the flood.",
            "marrowdale-flood.txt", "Regional fire chief Oona Brask said 40",
        ),
        # a name, with the source given by "according to"
        (
            "Greta Holm won the Vantorp mayoral election.",
            "vantorp-election.txt", "Greta Holm of the Green Alliance won",
        ),
        ("The Kesmark train drivers struck for 48 hours.", "rail-strike.txt", "for 48 hours"),
        # the claim names its source, who said it after the clause, with a title
        pytest.param(
            "Lotte Maris said the Dunmere council approved a budget of 41 million crowns.",
            "dunmere-budget.txt", "41 million crowns",
            id="trailing-speaker",
        ),
    ],
)  # fmt: skip
def test_a_claim_the_articles_state_is_supported_by_the_sentence_cited(
    invented_fc, claim, source, sentence
):
    result = invented_fc.check(claim, "extractive")
    assert result.verdict == "supported", result.explanation
    assert any(c.source == source and sentence in c.quote for c in result.citations)
    assert_cited_verbatim(result, invented_fc.settings.corpus)


@pytest.mark.parametrize(
    ("claim", "source", "sentence"),
    [
        # another figure for the same count
        (
            "The Quillfeather plant in Sarnia Falls will employ 900 workers.",
            "quillfeather.txt", "employ 350 workers",
        ),
        (
            "Fire chief Oona Brask said 75 people were hurt.",
            "marrowdale-flood.txt", "Oona Brask said 40",
        ),
        (
            "The Ostwick library will stay open until 8 pm on weekdays.",
            "ostwick-library.txt", "until 10 pm",
        ),
        # a negation in the article against a plain claim
        (
            "The council ordered an evacuation of the upper town of Marrowdale.",
            "marrowdale-flood.txt", "did not order an evacuation",
        ),
        (
            "Eberly's campaign asked for a recount.",
            "vantorp-election.txt", "would not ask for a recount",
        ),
        # a negated claim against a plain article
        (
            "Bram Tellis said the train drivers would not strike.",
            "rail-strike.txt", "walked out for 48 hours",
        ),
        # another name in the claim's slot
        (
            "Tomas Eberly won the Vantorp mayoral election.",
            "vantorp-election.txt", "Greta Holm of the Green Alliance won",
        ),
        pytest.param(
            "Quillfeather Robotics was founded in 2012.",
            "quillfeather.txt", "founded in 2009",
            marks=_xfail("another founding year is not read as a contradiction"),
            id="other-year",
        ),
    ],
)  # fmt: skip
def test_a_claim_the_articles_contradict_is_refuted_with_the_sentence_cited(
    invented_fc, claim, source, sentence
):
    result = invented_fc.check(claim, "extractive")
    assert result.verdict == "refuted", result.explanation
    assert any(c.source == source and sentence in c.quote for c in result.citations)
    assert_cited_verbatim(result, invented_fc.settings.corpus)


@pytest.mark.parametrize(
    "claim",
    [
        "The price of coffee rose sharply in Brazil last year.",  # nothing like it
        "The Brenwick Rowing Club bought a new boat.",  # the club, not the boat
        "The Marrowdale flood was caused by a burst dam.",  # the flood, not its cause
    ],
)
def test_a_claim_the_articles_do_not_address_is_not_enough_info(invented_fc, claim):
    result = invented_fc.check(claim, "extractive")
    assert result.verdict == "not_enough_info", result.explanation
    assert_cited_verbatim(result, invented_fc.settings.corpus)


def test_a_hedged_figure_one_source_meets_and_another_does_not_is_conflicting(invented_fc):
    # The flood's two reports: 52 hurt is more than 45, 40 is not.
    result = invented_fc.check(
        "More than 45 people were hurt in the Marrowdale flood.", "extractive"
    )
    assert result.verdict == "conflicting", result.explanation
    quotes = {c.source: c.quote for c in result.citations}
    assert "52 people were hurt" in quotes["marrowdale-wire.txt"]
    assert "40 people were hurt" in quotes["marrowdale-flood.txt"]
    assert_cited_verbatim(result, invented_fc.settings.corpus)


@pytest.mark.parametrize(
    "claim",
    [
        pytest.param("52 people were hurt in the flood.", id="exact-figure"),
        pytest.param(
            "52 people were hurt in the Marrowdale flood.",
            marks=_xfail("refuted: the explanation sets Rafael Quint against Marrowdale"),
            id="exact-figure-and-place",
        ),
    ],
)
def test_an_exact_figure_one_source_gives_and_another_contradicts_is_conflicting(
    invented_fc, claim
):
    result = invented_fc.check(claim, "extractive")
    assert result.verdict == "conflicting", result.explanation
    assert {c.source for c in result.citations} >= {"marrowdale-flood.txt", "marrowdale-wire.txt"}
    assert_cited_verbatim(result, invented_fc.settings.corpus)


# -- the seed articles ---------------------------------------------------------------------


def test_a_source_is_judged_by_its_own_words_not_by_others_figures(seed_fc):
    # 200 appears in the articles, but not from the Defense Ministry.
    result = seed_fc.check("Russia's Defense Ministry confirmed 200 deaths")
    assert result.verdict in ("refuted", "conflicting")
    assert any("Defense Ministry" in c.quote for c in result.citations)
    _stands(result)


def test_a_figure_two_sources_contradict_is_conflicting(seed_fc):
    result = seed_fc.check("More than 200 Russians were killed.")
    assert result.verdict == "conflicting"
    assert len(result.citations) >= 2
    _stands(result)


def test_a_wrong_figure_from_a_named_source_is_refuted(seed_fc):
    supported = seed_fc.check("Novaya Gazeta reported that 13 Russians were killed.")
    refuted = seed_fc.check("Novaya Gazeta reported that 50 Russians were killed.")
    assert supported.verdict == "supported" and refuted.verdict == "refuted"
    assert all("Novaya Gazeta" in c.quote for c in refuted.citations[:1])


def test_an_unrelated_claim_is_not_enough_info(seed_fc):
    result = seed_fc.check("Paris is the capital of France.")
    assert result.verdict == "not_enough_info" and result.citations == []


def test_json_shape(seed_fc):
    data = seed_fc.check("The attack lasted about four hours.").to_json()
    # The contract, plus rejected_citations (an extension, as in ask).
    assert set(data) == {"claim", "verdict", "explanation", "citations", "mode",
                         "rejected_citations"}  # fmt: skip
    assert data["verdict"] in ("supported", "refuted", "conflicting", "not_enough_info")


# -- general rules, on small synthetic corpora ------------------------------------------


def _fc(tmp_path, fake_embeddings, articles: dict[str, str]):
    from assistant.app import FactCheck
    from assistant.settings import Settings

    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    fc.ingest([folder])
    return fc


_TRUE = "Microsoft acquired the game studio Mojang in May 2013 for one billion dollars.\n"
_FAKE = "Oracle acquired the game studio Mojang in May 2013 for one billion dollars.\n"
_CLAIM = "Microsoft acquired the game studio Mojang in May 2013."


def test_another_entity_in_the_claims_slot_contradicts(tmp_path, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings, {"a.txt": _FAKE})
    result = fc.check(_CLAIM)
    assert result.verdict == "refuted", result.explanation
    assert "Oracle" in result.explanation


def test_the_same_entity_supports_and_both_make_a_cited_conflict(tmp_path, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings, {"a.txt": _TRUE, "b.txt": _FAKE})
    result = fc.check(_CLAIM)
    assert result.verdict == "conflicting", result.explanation
    quotes = [c.quote for c in result.citations]
    assert any(q.startswith("Microsoft") for q in quotes)
    assert any(q.startswith("Oracle") for q in quotes)


def test_another_date_contradicts_a_claimed_date(tmp_path, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings, {"a.txt": _TRUE})
    result = fc.check("Microsoft acquired the game studio Mojang in June 2015.")
    assert result.verdict == "refuted", result.explanation


def test_a_subject_is_not_a_speaker():
    from assistant.reasoning.attribution import find_attributions
    from assistant.reasoning.speakers import speaks

    def speakers(s: str) -> list[str]:
        return [a.who for a in find_attributions(s) if speaks(s, a)]

    assert speakers("Google announced the Nova 7 on June 8.") == []
    assert speakers("Google reported its earnings on Tuesday.") == []
    assert speakers("The ministry confirmed 25 deaths.") == ["The ministry"]
    assert speakers("Microsoft announced today that it would buy Sunbeam Labs.") == ["Microsoft"]
    assert speakers("The Kremlin said it knew nothing.") == ["The Kremlin"]


def test_a_subject_in_the_claim_is_not_its_source(tmp_path, fake_embeddings):
    # Were Google taken as the claim's source, a sentence without Google's word could
    # not confirm it; and the evidence is not "Google says the same".
    text = "Google announced the Nova 7 at its Mountain View event in June 2018.\n"
    fc = _fc(tmp_path, fake_embeddings, {"a.txt": text})
    result = fc.check("Google announced the Nova 7 at its Mountain View event in June 2018.")
    assert result.verdict == "supported", result.explanation
    assert "Google says" not in result.explanation


@pytest.mark.parametrize(
    "text",
    [
        "When was the Orbit 12 announced?",
        "Zephyr Chronicles™ 2 was released.",
        "She won the 2021 Alpha Cup.",
        "He finished first, the 92nd to do so.",
        "The world No. 1 in chess.",
        "The premiere of season 4 of Dark Tales.",
    ],
)
def test_model_numbers_years_ordinals_and_ranks_are_not_counts(text):
    from assistant.reasoning.figures import figures

    assert figures(text) == []


def test_counts_are_still_counts():
    from assistant.reasoning.figures import figures

    assert [f.text for f in figures("The Kremlin said Tuesday 200 were killed.")] == ["200"]
    assert [f.text for f in figures("Only 13 Russians were killed.")] == ["13"]
    assert figures("More than 200 Russians were killed.")[0].low == 200


def test_a_title_does_not_decide_when_the_article_has_a_body(tmp_path, fake_embeddings):
    # The title alone would contradict the claim; the body supports it.
    article = "Oracle acquired the game studio Mojang in May 2013\n\n" + _TRUE
    fc = _fc(tmp_path, fake_embeddings, {"a.txt": article})
    result = fc.check(_CLAIM)
    assert result.verdict == "supported", result.explanation
    assert all(not c.quote.startswith("Oracle") for c in result.citations)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR-only"])
def test_a_title_does_not_decide_whatever_ends_its_line(tmp_path, fake_embeddings, newline):
    article = ("Oracle acquired the game studio Mojang in May 2013\n\n" + _TRUE).replace(
        "\n", newline
    )
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_bytes(article.encode("utf-8"))
    from assistant.app import FactCheck
    from assistant.settings import Settings

    fc = FactCheck(Settings(store=tmp_path / "store"), embeddings=fake_embeddings)
    fc.ingest([tmp_path / "articles"])
    result = fc.check(_CLAIM)
    assert result.verdict == "supported", result.explanation
    assert all(not c.quote.startswith("Oracle") for c in result.citations)


def test_a_markdown_heading_does_not_decide(tmp_path, fake_embeddings):
    article = "# Deals\n\n## Oracle acquired the game studio Mojang in May 2013\n\n" + _TRUE
    fc = _fc(tmp_path, fake_embeddings, {"a.md": article})
    assert fc.check(_CLAIM).verdict == "supported"


def test_a_one_line_article_is_evidence_though_it_is_its_own_title(tmp_path, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings, {"a.txt": _FAKE})
    assert fc.check(_CLAIM).verdict == "refuted"


_BLAST = (
    "Blast in Dayton\n\n"
    "Police officials said five Norwegian citizens were killed in the blast in Dayton.\n"
)
_SOURCED = (
    "Blast in Dayton\n\n"
    "Bloomberg, citing two unnamed Norwegians, reported that 40 people were killed in the "
    "blast.\n"
)


def test_a_people_named_in_the_plural_is_the_same_people(tmp_path, fake_embeddings):
    """ "5 Norwegians" and "five Norwegian citizens" agree; a people is no rival to a person."""
    fc = _fc(tmp_path, fake_embeddings, {"blast.txt": _BLAST})
    result = fc.check("5 Norwegians were killed in the blast in Dayton", "extractive")
    assert result.verdict == "supported", result.explanation
    for c in result.citations:
        text = (tmp_path / "articles" / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote


def test_a_figure_in_who_is_speaking_is_not_a_count(tmp_path, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings, {"blast.txt": _SOURCED})
    result = fc.check("40 people were killed in the blast", "extractive")
    assert result.verdict == "supported", result.explanation
    assert "different figure" not in result.explanation


def test_the_explanation_agrees_with_a_plural_speaker(tmp_path, fake_embeddings):
    fc = _fc(tmp_path, fake_embeddings, {"blast.txt": _BLAST})
    result = fc.check("Five Norwegian citizens were killed in the blast", "extractive")
    assert "Police officials give a matching figure" in result.explanation, result.explanation


def test_a_sentence_naming_both_rivals_does_not_decide_between_them(tmp_path, fake_embeddings):
    """ "votes between Lee and Chan" says who ran, not who won: it supports neither."""
    text = (
        "Results\n\nThe results of the 2031 Dayton mayoral election, with the votes "
        "between Ann Lee and Bo Chan in each ward, and who is winning.\n"
    )
    fc = _fc(tmp_path, fake_embeddings, {"results.txt": text})
    verdicts = [
        fc.check(f"Who won the 2031 Dayton mayoral election? {who}", "extractive").verdict
        for who in ("Ann Lee", "Bo Chan")
    ]
    assert verdicts != ["supported", "supported"]
    assert "supported" not in verdicts


def test_the_subject_beside_a_rival_still_supports(tmp_path, fake_embeddings):
    text = "Final\n\nAnn Lee beat Bo Chan in the final of the 2031 Alpha Cup in Dayton.\n"
    fc = _fc(tmp_path, fake_embeddings, {"final.txt": text})
    result = fc.check("Ann Lee beat Bo Chan in the final of the 2031 Alpha Cup", "extractive")
    assert result.verdict == "supported", result.explanation
