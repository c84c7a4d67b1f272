"""Claims, summary and check in LLM mode, through authored fixtures (scripted replies)."""

from __future__ import annotations

import httpx2

from tests.conftest import source_text
from tests.llm_support import FOREIGN_MINISTRY, completion, passage_with, passages_in

DEFENSE_25 = "estimating there were 25 casualties resulting from the US-coalition airstrikes"
VK_FOUR_HOURS = (
    "The attack was reportedly called for by the Syrian Democratic Forces (SDF) militia "
    "and lasted for about four hours."
)
NOVAYA_13 = (
    "The Russian newspaper Novaya Gazeta said 13 Russians were killed in the attack and "
    "another 15 wounded."
)


def _stands(citations) -> None:
    for c in citations:
        assert source_text(c.source)[c.start : c.end] == c.quote


# -- check -------------------------------------------------------------------------------


def test_authored_check_keeps_only_stances_the_quotes_bear_out(llm_fc):
    def handler(request, _n):
        p = passage_with(request, DEFENSE_25)
        sentence = next(x for x in passages_in(request)[p].split("\n") if DEFENSE_25 in x)
        return completion(
            {
                "evidence": [
                    # Says 25 where the claim says 200: it cannot support it.
                    {"passage": p, "quote": sentence, "stance": "supports"},
                    {
                        "passage": p,
                        "quote": "The Defense Ministry confirmed 200 deaths.",
                        "stance": "supports",
                    },
                ],
                "verdict": "supported",
                "explanation": f"The ministry confirmed it [{p}].",
            }
        )

    fc, _ = llm_fc(handler)
    result = fc.check("Russia's Defense Ministry confirmed 200 deaths", "llm")
    assert result.mode == "llm" and result.verdict == "not_enough_info"
    assert not result.citations
    reasons = [r.reason for r in result.rejected]
    assert any("figures in the quote do not support" in r for r in reasons)
    assert any("not found verbatim" in r for r in reasons)
    assert result.notices and "'supported'" in result.notices[0]


def test_authored_check_with_a_consistent_reply_keeps_its_explanation(llm_fc):
    def handler(request, _n):
        p = passage_with(request, "lasted for about four hours")
        quote = VK_FOUR_HOURS
        return completion(
            {
                "evidence": [{"passage": p, "quote": quote, "stance": "supports"},
                             {"passage": p, "quote": quote, "stance": "supports"}],
                "verdict": "supported",
                "explanation": f"The post says the attack lasted about four hours [{p}].",
            }
        )  # fmt: skip

    fc, _ = llm_fc(handler)
    result = fc.check("According to a Vkontakte post, the attack lasted about four hours.", "llm")
    assert result.verdict == "supported" and len(result.citations) == 1  # one span, once
    assert result.explanation == "The post says the attack lasted about four hours [1]."
    assert not result.notices
    _stands(result.citations)


def test_authored_check_broken_twice_falls_back_to_the_rules(llm_fc):
    fc, server = llm_fc(lambda *_: completion("{nope"))
    result = fc.check("According to a Vkontakte post, the attack lasted about four hours.", "llm")
    assert result.mode == "extractive" and result.verdict == "supported"
    assert len(server.requests) == 2 and "extractive" in result.notices[0]


# -- summary -----------------------------------------------------------------------------


def test_authored_summary_drops_sentences_whose_citations_all_fail(llm_fc):
    def handler(request, _n):
        p = passage_with(request, "Novaya Gazeta")
        real = next(s for s in passages_in(request)[p].split(". ") if "Novaya Gazeta" in s)
        return completion(
            {
                "sentences": [
                    {"citations": [{"passage": p, "quote": real}],
                     "text": "Novaya Gazeta counted 13 dead [2]."},
                    {"citations": [{"passage": p, "quote": "Novaya Gazeta said 400 died."}],
                     "text": "Novaya Gazeta later said 400 died."},
                ]
            }
        )  # fmt: skip

    fc, _ = llm_fc(handler)
    summary = fc.summary("Novaya Gazeta", "llm")
    assert summary.mode == "llm" and len(summary.sentences) == 1
    (kept,) = summary.sentences
    assert kept.text == f"Novaya Gazeta counted 13 dead [{kept.citations[0].id}]."
    _stands(kept.citations)
    assert summary.dropped == ["Novaya Gazeta later said 400 died."]


# -- claims ------------------------------------------------------------------------------


def test_authored_claims_rows_must_show_their_figure_and_their_source(llm_fc):
    def handler(request, _n):
        passages = passages_in(request)
        rows = []
        for n, text in passages.items():
            if "Novaya Gazeta said 13" in text:
                quote = NOVAYA_13
                rows += [
                    {"figure": "13", "low": 13, "high": 13, "hedge": None, "what": "killed",
                     "who": "Novaya Gazeta", "via": None, "passage": n, "quote": quote},
                    {"figure": "40", "low": 40, "high": 40, "hedge": None, "what": "killed",
                     "who": "Novaya Gazeta", "via": None, "passage": n, "quote": quote},
                    {"figure": "15", "low": 15, "high": 15, "hedge": None, "what": "wounded",
                     "who": "Reuters", "via": None, "passage": n, "quote": quote},
                ]  # fmt: skip
        return completion({"claims": rows})

    fc, server = llm_fc(handler)
    table = fc.claims("llm")
    assert table.mode == "llm" and len(server.requests) >= 1
    assert [(c.figure, c.what, c.who) for c in table.claims] == [("13", "killed", "Novaya Gazeta")]
    _stands(table.claims[0].citations)
    reasons = [r.reason for r in table.rejected]
    assert any("'40' is not in the quote" in r for r in reasons)
    assert any("'Reuters', who is not in the passage" in r for r in reasons)
    assert table.to_json()["rejected_citations"]


def test_authored_claims_server_failure_in_auto_mode_uses_the_rules(llm_fc, no_sleep):
    fc, _ = llm_fc(lambda *_: httpx2.Response(500, json={"error": {}}))
    table = fc.claims("auto")
    assert table.mode == "extractive" and table.claims
    assert "500" in table.notices[0]


def test_foreign_ministry_constant_matches_the_seed():
    assert FOREIGN_MINISTRY in source_text("003_eedac8ea6769e308.txt")
