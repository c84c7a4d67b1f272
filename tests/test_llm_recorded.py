"""LLM mode on recorded exchanges with a real model (cassettes in tests/cassettes/).

Replayed offline with the network blocked and no key. Re-record with
``scripts/record-cassettes.sh`` (a local llama.cpp server) or ``--openai``; which
server and model made the recordings is in ``tests/cassettes/recording.json`` and
``tests/README.md``.

A small model cites wrongly or answers what the passages do not say, so these tests do
not assert what the model said. They assert what the pipeline did with it: every
proposed quote either became a citation that stands verbatim in its file, or a rejection
whose reason matches an independent check; markers point at verified citations only;
an answer with nothing verified is an abstention.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.app import FactCheck
from assistant.cli import app
from assistant.reasoning.verify import locate
from tests.conftest import source_text

CASSETTES = Path(__file__).parent / "cassettes"
META_FILE = CASSETTES / "recording.json"
if not META_FILE.exists():
    pytest.skip("no recordings yet: run scripts/record-cassettes.sh", allow_module_level=True)
META: dict[str, Any] = json.loads(META_FILE.read_text())
# Read before the autouse fixture clears the environment: only a recording run has a key.
_RECORDING_KEY = os.environ.get("OPENAI_API_KEY")

_SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project"]
_DROP_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project"}


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _DROP_RESPONSE_HEADERS:
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [*_SECRET_HEADERS, "cookie"],
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


def _settings_update() -> dict[str, Any]:
    return {
        "openai_base_url": META["base_url"],
        "llm_model": META["model"],
        "llm_extra_body": META.get("extra_body") or None,
        "openai_api_key": _RECORDING_KEY,
        "llm_max_retries": 0,
    }


@pytest.fixture
def recorded_fc(seed_fc) -> FactCheck:
    settings = seed_fc.settings.model_copy(update=_settings_update())
    return FactCheck(settings, embeddings=seed_fc.embeddings)


def _exchange(vcr) -> tuple[dict[int, str], dict[str, Any]]:
    """The passages our request sent, and the model's parsed reply, from the cassette."""
    assert len(vcr.requests) >= 1, "no recorded exchange"
    body = vcr.requests[-1].body
    request = json.loads(body.decode() if isinstance(body, bytes) else body)
    prompt = request["messages"][0]["content"]
    parts = re.split(r"^\[(\d+)\] [^\n]*\n", prompt, flags=re.M)
    passages = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    raw = vcr.responses[-1]["body"]["string"]
    reply = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    content = json.loads(reply["choices"][0]["message"]["content"])
    return passages, content


def _check_pipeline(answer, passages: dict[int, str], content: dict[str, Any]) -> None:
    assert answer.mode == "llm" and answer.model == META["model"]
    for c in answer.citations:
        assert source_text(c.source)[c.start : c.end] == c.quote
    ids = {c.id for c in answer.citations}
    assert {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)} <= ids
    if answer.abstained:
        assert not answer.citations
    # Every proposal is accounted for, and "not found" exactly when it is not there.
    proposals = content.get("citations", [])
    rejected = [r.reason for r in answer.rejected_citations]
    assert len(answer.citations) + len(rejected) <= len(proposals)
    for prop in proposals:
        n, quote = prop["passage"], prop["quote"].strip()
        # A quote counts if it stands in any passage given (models misnumber passages).
        anywhere = n in passages and any(locate(quote, t) is not None for t in passages.values())
        if not anywhere:
            assert any(
                ("not found verbatim" in r and f"passage {n}" in r) or "only 1-" in r
                for r in rejected
            ), (prop, rejected)
    for c in answer.citations:
        assert any(c.quote in text for text in passages.values())
    if not content.get("answerable", True):
        assert answer.abstained


QUESTIONS = [
    "Who said 5 were killed?",
    "How many Russians were injured, according to Novaya Gazeta?",
    "Who confirmed to the BBC that two Russian fighters were killed on 7 February?",
    # Passes the relevance gate, but the articles do not say: the model may invent.
    "What was the weather in Deir ez-Zor on February 7?",
]


@pytest.mark.vcr
@pytest.mark.parametrize("question", QUESTIONS, ids=["who-5", "injured", "bbc", "weather"])
def test_recorded_answer_is_verified(recorded_fc, vcr, question):
    answer = recorded_fc.ask(question, "llm")
    passages, content = _exchange(vcr)
    _check_pipeline(answer, passages, content)


@pytest.mark.vcr
def test_recorded_answer_renders_in_the_terminal(seed_fc, vcr, monkeypatch):
    update = _settings_update()
    monkeypatch.setenv("OPENAI_BASE_URL", update["openai_base_url"])
    monkeypatch.setenv("FACTCHECK_LLM_MODEL", update["llm_model"])
    monkeypatch.setenv("FACTCHECK_LLM_MAX_RETRIES", "0")
    if update["llm_extra_body"]:
        monkeypatch.setenv("FACTCHECK_LLM_EXTRA_BODY", json.dumps(update["llm_extra_body"]))
    if _RECORDING_KEY:
        monkeypatch.setenv("OPENAI_API_KEY", _RECORDING_KEY)
    store = str(seed_fc.settings.store)
    result = CliRunner().invoke(app, ["ask", "Who said 5 were killed?", "--store", store])
    assert result.exit_code == 0, result.output
    passages, content = _exchange(vcr)
    json_run = CliRunner().invoke(
        app, ["ask", "Who said 5 were killed?", "--store", store, "--json"]
    )
    data = json.loads(json_run.stdout)
    if data["abstained"]:
        assert "The articles do not say." in result.stdout
    for c in data["citations"]:
        assert f"[{c['id']}] {c['source']}:{c['line']}" in result.stdout
        assert source_text(c["source"])[c["start"] : c["end"]] == c["quote"]
    assert content is not None and passages


def test_cassettes_hold_no_secrets():
    pattern = re.compile(
        r"(authorization|api-key|x-api-key|openai-organization|set-cookie)\s*:|sk-[A-Za-z0-9_-]{20,}",
        re.IGNORECASE,
    )
    files = list(CASSETTES.rglob("*.yaml"))
    assert files, "no cassettes"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), path


def _all_exchanges(vcr) -> list[tuple[dict[int, str], dict[str, Any]]]:
    out = []
    for request, response in zip(vcr.requests, vcr.responses, strict=True):
        body = request.body
        prompt = json.loads(body.decode() if isinstance(body, bytes) else body)["messages"][0][
            "content"
        ]
        parts = re.split(r"^\[(\d+)\] [^\n]*\n", prompt, flags=re.M)
        passages = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
        raw = response["body"]["string"]
        reply = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        try:
            content = json.loads(reply["choices"][0]["message"]["content"])
        except json.JSONDecodeError:
            content = {}  # a broken reply: the retry or the fallback handled it
        out.append((passages, content))
    return out


def _anywhere(quote: str, passages: dict[int, str]) -> bool:
    return any(locate(quote.strip(), t) is not None for t in passages.values())


CLAIMS = [
    "Russia's Defense Ministry confirmed 200 deaths",
    "Yavlinsky cited official government sources for his casualty claims.",
    "According to a Vkontakte post, the attack lasted about four hours.",
]


@pytest.mark.vcr
@pytest.mark.parametrize("claim", CLAIMS, ids=["defense-200", "yavlinsky", "vkontakte"])
def test_recorded_check_is_verified(recorded_fc, vcr, claim):
    result = recorded_fc.check(claim, "llm")
    passages, content = _all_exchanges(vcr)[-1]
    assert result.mode == "llm" or result.notices  # a fallback says so
    for c in result.citations:
        assert source_text(c.source)[c.start : c.end] == c.quote
    assert {int(m) for m in re.findall(r"\[(\d+)\]", result.explanation)} <= {
        c.id for c in result.citations
    }
    if not result.citations:
        assert result.verdict == "not_enough_info"
    evidence = content.get("evidence", [])
    assert len(result.citations) + len(result.rejected) <= len(evidence)
    reasons = [r.reason for r in result.rejected]
    for ev in evidence:
        if not _anywhere(ev["quote"], passages):
            assert any("not found verbatim" in r for r in reasons), ev


@pytest.mark.vcr
def test_recorded_summary_keeps_only_verified_sentences(recorded_fc, vcr):
    summary = recorded_fc.summary("Novaya Gazeta", "llm")
    passages, content = _all_exchanges(vcr)[-1]
    assert summary.mode == "llm"
    for sentence in summary.sentences:
        assert sentence.citations
        for c in sentence.citations:
            assert source_text(c.source)[c.start : c.end] == c.quote
            assert f"[{c.id}]" in sentence.text
    proposed = content.get("sentences", [])
    assert len(summary.sentences) + len(summary.dropped) <= len(proposed)
    for ms in proposed:
        if not any(_anywhere(ev["quote"], passages) for ev in ms["citations"]):
            text = re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", ms["text"]).strip()
            assert text in summary.dropped


@pytest.mark.vcr
def test_recorded_claims_rows_are_verified(recorded_fc, vcr):
    table = recorded_fc.claims("llm")
    exchanges = _all_exchanges(vcr)
    assert table.mode == "llm" and len(exchanges) >= 2
    proposed = sum(len(content.get("claims", [])) for _, content in exchanges)
    assert len(table.rejected) <= proposed
    for claim in table.claims:
        for c in claim.citations:
            text = source_text(c.source)
            assert text[c.start : c.end] == c.quote
            assert locate(claim.figure, c.quote) is not None
        for name in (claim.who, claim.via):
            if name:
                assert any(name.lower() in t.lower() for p, _ in exchanges for t in p.values()), (
                    name
                )
    for r in table.rejected:
        assert any(
            key in r.reason
            for key in ("not found verbatim", "not in the quote", "not in the passage", "only 1-",
                        "too short")
        ), r.reason  # fmt: skip
