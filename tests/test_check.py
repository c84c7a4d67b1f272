"""Claim checking: verdicts, source-aware evidence, citations."""

from __future__ import annotations

import pytest

from tests.conftest import DEV, load_jsonl, source_text


def _stands(result) -> None:
    for c in result.citations:
        assert source_text(c.source)[c.start : c.end] == c.quote
        assert f"[{c.id}]" in result.explanation


@pytest.mark.parametrize(
    "q", [q for q in load_jsonl(DEV) if q["kind"] == "claim"], ids=lambda q: q["id"]
)
def test_dev_claims_get_the_right_verdict(seed_fc, q):
    result = seed_fc.check(q["question"])
    assert result.verdict == q["verdict"], result.explanation
    assert result.citations
    _stands(result)


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
