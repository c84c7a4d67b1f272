"""LLM mode through authored fixtures: scripted HTTP replies no real server would give.

Each test drives the real ``ChatOpenAI`` client over an ``httpx2.MockTransport``: broken
JSON, a reply cut off at the token limit, 429 then 200, 500s, 401, 404, a timeout, an
unreachable server, fabricated and beside-the-point quotes. Recorded exchanges with a
real model live in ``test_llm_recorded.py``.
"""

from __future__ import annotations

import json
import logging
import re

import httpx2
import pytest
from typer.testing import CliRunner

import assistant.llm.model as model_module
from assistant.app import FactCheck
from assistant.cli import app
from assistant.llm.faults import LLMError
from assistant.llm.markers import rewrite_markers
from tests.conftest import source_text
from tests.llm_support import (
    FOREIGN_MINISTRY,
    SECRET,
    Handler,
    Scripted,
    completion,
    passage_with,
    passages_in,
)


def _stands(answer) -> None:
    for c in answer.citations:
        assert source_text(c.source)[c.start : c.end] == c.quote
    ids = {c.id for c in answer.citations}
    assert {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)} <= ids


# -- what the pipeline does with a reply -------------------------------------------------


def test_authored_reply_keeps_only_verified_quotes(llm_fc):
    def handler(request, _n):
        p = passage_with(request, "Foreign Ministry said last week")
        retyped = FOREIGN_MINISTRY.replace('"presumably"', "“presumably”")  # curly quotes
        return completion(
            {
                "answerable": True,
                "answer": f"The Foreign Ministry said five were killed [{p}]. Others said 9 [9].",
                "citations": [
                    {"passage": p, "quote": retyped},
                    {"passage": p, "quote": "The Foreign Ministry said ten citizens died."},
                    {"passage": 9, "quote": "A quote from a passage that was never given."},
                    {"passage": p, "quote": "five"},
                ],
            }
        )

    fc, server = llm_fc(handler)
    answer = fc.ask("Who said 5 were killed?", "llm")

    assert answer.mode == "llm" and answer.model == "authored-fixture" and not answer.abstained
    assert [c.quote for c in answer.citations] == [FOREIGN_MINISTRY]  # the file's own text
    reasons = [r.reason for r in answer.rejected_citations]
    assert any(r.startswith("not found verbatim in passage") for r in reasons)
    assert any("only 1-" in r for r in reasons)
    assert any("too short" in r for r in reasons)
    assert "[9]" not in answer.answer and "[1]" in answer.answer
    _stands(answer)
    assert len(server.requests) == 1


def test_authored_quote_under_the_wrong_passage_number_is_credited_to_its_passage(llm_fc):
    def handler(request, _n):
        p = passage_with(request, "Foreign Ministry said last week")
        wrong = 1 if p != 1 else 2
        return completion(
            {
                "citations": [{"passage": wrong, "quote": FOREIGN_MINISTRY}],
                "answer": f"The Foreign Ministry said so [{wrong}].",
                "answerable": True,
            }
        )

    fc, _ = llm_fc(handler)
    answer = fc.ask("Who said 5 were killed?", "llm")
    assert [c.quote for c in answer.citations] == [FOREIGN_MINISTRY]
    assert answer.citations[0].source == "003_eedac8ea6769e308.txt"
    assert answer.answer == "The Foreign Ministry said so [1]."


def test_authored_verbatim_but_irrelevant_quote_is_rejected(llm_fc):
    # The small recorded model answered "Paris" with a real but unrelated sentence.
    def handler(request, _n):
        first_sentence = passages_in(request)[1].split(". ")[0]
        return completion(
            {
                "answerable": True,
                "answer": "The capital of France is Paris [1].",
                "citations": [{"passage": 1, "quote": first_sentence}],
            }
        )

    fc, _ = llm_fc(handler, llm_min_relevance=0.0)  # let the question through the gate
    answer = fc.ask("What is the capital of France?", "llm")
    assert answer.abstained and not answer.citations
    assert "beside the question" in answer.rejected_citations[0].reason


def test_nothing_relevant_abstains_before_any_model_call(llm_fc):
    fc, server = llm_fc(lambda *_: pytest.fail("the model must not be called"))
    answer = fc.ask("What is the capital of France?", "llm")
    assert answer.abstained and answer.mode == "llm" and server.requests == []


def test_model_saying_the_passages_do_not_answer_is_an_abstention(llm_fc):
    fc, _ = llm_fc(
        lambda *_: completion({"answerable": False, "answer": "Not stated.", "citations": []})
    )
    answer = fc.ask("What was the weather in Deir ez-Zor on February 7?", "llm")
    assert answer.abstained and answer.citations == []


# -- replies that break the format -------------------------------------------------------


def test_broken_json_gets_one_retry(llm_fc):
    def handler(request, n):
        if n == 1:
            return completion("{this is not json")
        p = passage_with(request, "Foreign Ministry said last week")
        return completion(
            {
                "answerable": True,
                "answer": f"The Foreign Ministry [{p}].",
                "citations": [{"passage": p, "quote": FOREIGN_MINISTRY}],
            }
        )

    fc, server = llm_fc(handler)
    answer = fc.ask("Who said 5 were killed?", "llm")
    assert answer.mode == "llm" and answer.citations and not answer.notices
    assert len(server.requests) == 2
    assert "could not be read" in server.requests[1].content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        completion("{this is not json"),
        completion({"answer": "no other fields"}),
        completion('{"answerable": true, "answer": "cut off mid', finish="length"),
    ],
    ids=["broken-json", "schema-ignored", "truncated"],
)
def test_a_second_bad_reply_falls_back_to_extractive_with_a_notice(llm_fc, bad):
    fc, server = llm_fc(lambda *_: bad)
    answer = fc.ask("Who said 5 were killed?", "llm")
    assert answer.mode == "extractive" and answer.citations
    assert len(answer.notices) == 1 and "extractive" in answer.notices[0]
    assert len(server.requests) == 2


# -- server faults ---------------------------------------------------------------------------


def test_429_then_200_waits_as_retry_after_says(llm_fc, no_sleep):
    def handler(request, n):
        if n == 1:
            return httpx2.Response(429, headers={"retry-after": "2"}, json={"error": {}})
        p = passage_with(request, "Foreign Ministry said last week")
        return completion(
            {
                "answerable": True,
                "answer": f"The Foreign Ministry [{p}].",
                "citations": [{"passage": p, "quote": FOREIGN_MINISTRY}],
            }
        )

    fc, server = llm_fc(handler)
    answer = fc.ask("Who said 5 were killed?", "llm")
    assert answer.mode == "llm" and answer.citations
    assert len(server.requests) == 2 and no_sleep == [2.0]


def test_500s_exhaust_the_retries_then_fail_in_llm_mode(llm_fc, no_sleep):
    fc, server = llm_fc(lambda *_: httpx2.Response(500, json={"error": {"message": "boom"}}))
    with pytest.raises(LLMError, match=r"failed \(500\) after 2 retries"):
        fc.ask("Who said 5 were killed?", "llm")
    assert len(server.requests) == 3 and len(no_sleep) == 2


def test_500s_in_auto_mode_fall_back_to_extractive(llm_fc, no_sleep):
    fc, _ = llm_fc(lambda *_: httpx2.Response(503, json={"error": {}}))
    answer = fc.ask("Who said 5 were killed?", "auto")
    assert answer.mode == "extractive" and answer.citations
    assert "503" in answer.notices[0] and "extractive" in answer.notices[0]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (lambda *_: httpx2.Response(401, json={"error": {"message": f"bad key {SECRET}"}}), "401"),
        (lambda *_: httpx2.Response(403, json={"error": {}}), "403"),
        (lambda *_: httpx2.Response(404, json={"error": {}}), "'authored-fixture' was not found"),
    ],
    ids=["401", "403", "unknown-model"],
)
def test_auth_and_model_errors_are_one_clear_message(llm_fc, fault, expected):
    fc, server = llm_fc(fault)
    with pytest.raises(LLMError, match=re.escape(expected)) as err:
        fc.ask("Who said 5 were killed?", "llm")
    assert SECRET not in str(err.value)
    assert len(server.requests) == 1  # not retried


def _raise(exc: Exception) -> Handler:
    def handler(request, _n):
        raise exc

    return handler


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (_raise(httpx2.ReadTimeout("timed out")), "did not answer within 60 s"),
        (_raise(httpx2.ConnectError("connection refused")), "cannot reach the model server"),
    ],
    ids=["timeout", "unreachable"],
)
def test_timeouts_and_unreachable_servers_are_one_clear_message(llm_fc, no_sleep, fault, expected):
    fc, server = llm_fc(fault)
    with pytest.raises(LLMError, match=expected):
        fc.ask("Who said 5 were killed?", "llm")
    assert len(server.requests) == 3  # the SDK retried twice first


# -- the command line -----------------------------------------------------------------------


def _patch_chat(monkeypatch, handler: Handler) -> Scripted:
    server = Scripted(handler)
    real = model_module.make_chat_model
    monkeypatch.setattr(
        model_module, "make_chat_model", lambda s, http_client=None: real(s, server.client())
    )
    return server


def test_cli_llm_failure_is_one_line_and_never_shows_the_key(
    seed_fc, monkeypatch, caplog, no_sleep
):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    _patch_chat(monkeypatch, lambda *_: httpx2.Response(401, json={"error": {"message": SECRET}}))
    caplog.set_level(logging.DEBUG)
    store = str(seed_fc.settings.store)
    result = CliRunner().invoke(
        app, ["ask", "Who said 5 were killed?", "--mode", "llm", "--store", store]
    )
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "401" in lines[0] and "OPENAI_API_KEY" in lines[0]
    assert SECRET not in result.output and SECRET not in caplog.text


def test_cli_auto_mode_prints_a_notice_and_the_extractive_answer(seed_fc, monkeypatch, no_sleep):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://llm.test/v1")
    _patch_chat(monkeypatch, _raise(httpx2.ConnectError("refused")))
    store = str(seed_fc.settings.store)
    result = CliRunner().invoke(app, ["ask", "Who said 5 were killed?", "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mode"] == "extractive"
    notices = [line for line in result.stderr.splitlines() if line.startswith("notice:")]
    assert len(notices) == 1 and "cannot reach" in notices[0]


def test_cli_llm_mode_without_a_model_says_how_to_configure(seed_fc):
    store = str(seed_fc.settings.store)
    result = CliRunner().invoke(app, ["ask", "Who?", "--mode", "llm", "--store", store])
    assert result.exit_code == 1
    assert "OPENAI_API_KEY" in result.stderr and "OPENAI_BASE_URL" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_cli_model_option_reaches_the_request(seed_fc, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://llm.test/v1")
    server = _patch_chat(
        monkeypatch,
        lambda *_: completion({"citations": [], "answer": "", "answerable": False}),
    )
    store = str(seed_fc.settings.store)
    CliRunner().invoke(app, ["ask", "Who said 5 were killed?", "--model", "m-2", "--store", store])
    assert json.loads(server.requests[0].content)["model"] == "m-2"


def test_auto_mode_uses_the_llm_only_when_configured(seed_fc, monkeypatch):
    assert seed_fc.resolve_mode("auto") == "extractive"
    configured = FactCheck(seed_fc.settings.model_copy(update={"openai_base_url": "http://x/v1"}))
    assert configured.resolve_mode("auto") == "llm"
    assert configured.resolve_mode("extractive") == "extractive"


# -- marker rewriting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "by_passage", "ids", "expected"),
    [
        ("A [2]. B [3].", {2: [1], 3: [2]}, [1, 2], "A [1]. B [2]."),
        ("A [2]. B [7].", {2: [1]}, [1], "A [1]."),  # B rested on an unverified quote
        ("A [2, 7]. B [7]! C.", {2: [1]}, [1], "A [1]."),  # C cites nothing (issue 12, row 5)
        ("A [2, 3].", {2: [1], 3: [2, 3]}, [1, 2, 3], "A [1][2][3]."),
        ("No markers.", {1: [1]}, [1], "[1]"),  # nothing sourced: the caller shows the quotes
        # The splitter keeps "U.S." in its sentence, and a marker after the period stays
        # with the sentence it follows.
        ("U.S. officials said so [2]. Made up.", {2: [1]}, [1], "U.S. officials said so [1]."),
        ("A. [2] B [3].", {2: [1], 3: [2]}, [1, 2], "A. [1] B [2]."),
    ],
)
def test_markers_point_at_verified_citations_only(text, by_passage, ids, expected):
    assert rewrite_markers(text, by_passage, ids) == expected


NOVAYA = (
    "The Russian newspaper Novaya Gazeta said 13 Russians were killed in the attack and "
    "another 15 wounded."
)
BLOOMBERG = "Bloomberg, citing two unnamed Russians, said more than 200 contract soldiers died"


def _two_figures(answer: str) -> Handler:
    """A reply quoting Novaya Gazeta's 13 and Bloomberg's 200, with ``answer`` as its prose
    (``{p}`` and ``{q}`` stand for the two passages' numbers)."""

    def handler(request, _n):
        p = passage_with(request, "Novaya Gazeta said 13")
        q = passage_with(request, "Bloomberg, citing two unnamed Russians")
        return completion(
            {
                "citations": [
                    {"passage": p, "quote": NOVAYA},
                    {"passage": q, "quote": BLOOMBERG},
                ],
                "answer": answer.format(p=p, q=q),
                "answerable": True,
            }
        )

    return handler


def test_authored_quotes_with_different_figures_disagree_whatever_the_model_says(llm_fc):
    # The model's prose names one figure; its verified quotes give two: the JSON says so.
    fc, _server = llm_fc(_two_figures("13 were killed [{p}]."))
    answer = fc.ask("How many Russians were killed?", "llm")
    assert answer.mode == "llm" and len(answer.citations) == 2
    assert answer.disagreement is True
    texts = [a.text for a in answer.answers]
    assert "13" in texts and "more than 200" in texts
    cited = {c.id for c in answer.citations}
    assert all(set(a.citations) <= cited and a.citations for a in answer.answers)
    # The reader is told first, with each side cited, though the model did not say it;
    # the model's own text follows.
    assert answer.answer.startswith("The sources disagree: ")
    lead, rest = answer.answer.split(". ", 1)
    assert "13" in lead and "more than 200" in lead
    assert all(f"[{i}]" in lead for i in cited)
    assert rest.startswith("13 were killed [1]")


def test_a_models_own_disagreement_sentence_gives_way_to_the_verified_one(llm_fc):
    reply = "The sources disagree: 13 [{p}] or 200 [{q}]. Both are estimates [{p}]."
    fc, _server = llm_fc(_two_figures(reply))
    answer = fc.ask("How many Russians were killed?", "llm")
    assert answer.disagreement is True
    assert answer.answer.count("The sources disagree") == 1
    assert "more than 200" in answer.answer  # the verified side, not the model's "200"
    assert answer.answer.split(". ", 1)[1].startswith("Both are estimates [1]")
    _stands(answer)


def _refusal() -> httpx2.Response:
    reply = completion("")
    body = json.loads(reply.content)
    body["choices"][0]["message"] = {"role": "assistant", "content": None, "refusal": "No."}
    return httpx2.Response(200, json=body)


@pytest.mark.parametrize(
    "empty",
    [
        lambda: httpx2.Response(200, json={"choices": []}),
        lambda: httpx2.Response(200, json={}),
        lambda: httpx2.Response(200, content=b"null", headers={"content-type": "application/json"}),
        _refusal,
    ],
    ids=["no-choices", "empty-object", "null", "refusal"],
)
@pytest.mark.parametrize("mode", ["llm", "auto"])
def test_authored_reply_with_no_answer_in_it_falls_back_to_extractive(llm_fc, empty, mode):
    fc, server = llm_fc(lambda *_: empty())
    answer = fc.ask("Who said 5 were killed?", mode)
    assert answer.mode == "extractive" and answer.citations
    assert len(answer.notices) == 1 and "extractive" in answer.notices[0]
    assert len(server.requests) == 2  # one retry, as for any reply that does not fit


@pytest.mark.parametrize("task", ["check", "claims", "summary"])
def test_authored_empty_reply_to_a_task_in_auto_mode_falls_back_to_extractive(llm_fc, task):
    fc, server = llm_fc(lambda *_: httpx2.Response(200, json={"choices": []}))
    if task == "check":
        result = fc.check("Five Russians were killed", "auto")
    elif task == "claims":
        result = fc.claims("auto")
    else:
        result = fc.summary(mode="auto")
    assert result.mode == "extractive"
    assert any("extractive" in n for n in result.notices)
    assert len(server.requests) == 2
