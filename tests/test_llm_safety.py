"""Issue 12 on the LLM path: what a hostile model server, article or ``.env`` cannot do.

Rows 5, 6 (markers), 9, 14 (model replies) and 15 (marker parsing, setting values).
Every server here is an authored fixture, named so: a scripted ``httpx2.MockTransport``
(trickling, stalling, huge and broken replies no real server gives on demand) or, once,
a local ``http.server`` on 127.0.0.1 to show the bound holds on a real socket. No
cassette is involved. The key is a fake one, checked never to be shown.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

import assistant.llm.model as model_module
from assistant.app import FactCheck
from assistant.cli import app
from assistant.llm.faults import LLMError, LLMFormatError
from assistant.llm.markers import rewrite_markers
from assistant.settings import REDACTED, Settings, redact
from tests.conftest import HashEmbeddings, source_text
from tests.llm_support import FOREIGN_MINISTRY, Scripted, completion, passage_with

FAKE_KEY = "sk-test-REDACTME"  # not a credential: a value checked never to be shown
WHO = "Who said 5 were killed?"
VK_FOUR_HOURS = (
    "The attack was reportedly called for by the Syrian Democratic Forces (SDF) militia "
    "and lasted for about four hours."
)


def _markers_resolve(answer) -> None:
    """Every ``[n]`` in the answer names a citation, and every citation stands in its file."""
    ids = {c.id for c in answer.citations}
    assert {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)} <= ids, answer.answer


def _foreign_ministry_reply(answer: str):
    def handler(request, _n):
        p = passage_with(request, "Foreign Ministry said last week")
        return completion(
            {
                "citations": [{"passage": p, "quote": FOREIGN_MINISTRY}],
                "answer": answer.replace("{p}", str(p)),
                "answerable": True,
            }
        )

    return handler


# -- row 5: nothing stands without a verified marker -------------------------------------


def test_llm_answer_sentence_without_a_marker_is_dropped(llm_fc):
    fc, _ = llm_fc(
        _foreign_ministry_reply(
            "The Foreign Ministry said five Russians were killed [{p}]. "
            "Wagner lost 300 men that night."
        )
    )
    answer = fc.ask(WHO, "llm")
    assert answer.mode == "llm" and not answer.abstained
    assert answer.answer == "The Foreign Ministry said five Russians were killed [1]."
    assert "300" not in answer.answer
    _markers_resolve(answer)


def test_llm_answer_with_no_marker_at_all_shows_the_verified_quotes(llm_fc):
    fc, _ = llm_fc(_foreign_ministry_reply("Wagner lost 300 men that night."))
    answer = fc.ask(WHO, "llm")
    assert answer.answer == f"“{FOREIGN_MINISTRY}” [1]"
    _markers_resolve(answer)


def _check_reply(claim_quote_needle: str, quote: str, explanation: str = "It says so [{p}]."):
    def handler(request, _n):
        p = passage_with(request, claim_quote_needle)
        return completion(
            {
                "evidence": [{"passage": p, "quote": quote, "stance": "supports"}],
                "verdict": "supported",
                "explanation": explanation.replace("{p}", str(p)),
            }
        )

    return handler


def test_llm_check_support_that_negates_the_claim_is_rejected(llm_fc):
    # The quote says the Kremlin *denied* a connection; the model calls it support.
    fc, _ = llm_fc(_check_reply("Kremlin has repeatedly denied", FOREIGN_MINISTRY))
    result = fc.check("The Kremlin acknowledged a connection to the fighters.", "llm")
    assert result.mode == "llm" and result.verdict != "supported"
    reasons = [r.reason for r in result.rejected]
    assert any("does not support the claim" in r and "opposite" in r for r in reasons), reasons
    assert result.notices and "'supported'" in result.notices[0]


def test_llm_check_support_naming_another_entity_is_rejected(llm_fc):
    # The quote names the SDF where the claim names the YPG; the extractive check refutes it.
    fc, _ = llm_fc(_check_reply("lasted for about four hours", VK_FOUR_HOURS))
    claim = (
        "The attack was called for by the Kurdish People's Protection Units militia and "
        "lasted for about four hours."
    )
    result = fc.check(claim, "llm")
    assert result.mode == "llm" and result.verdict != "supported"
    reasons = [r.reason for r in result.rejected]
    assert any("does not support the claim: it names" in r for r in reasons), reasons


def test_llm_check_explanation_without_markers_is_replaced(llm_fc):
    fc, _ = llm_fc(
        _check_reply("lasted for about four hours", VK_FOUR_HOURS, "Trust me, it is true.")
    )
    result = fc.check("According to a Vkontakte post, the attack lasted about four hours.", "llm")
    assert result.verdict == "supported"
    assert "Trust me" not in result.explanation and "[1]" in result.explanation


# -- row 6: a "[2]" in an article is not a marker --------------------------------------

FOOTNOTED = (
    "The harbour authority said the Orion ferry carried 412 passengers [2] when it left "
    "Port Celia on Monday."
)


@pytest.fixture
def footnoted_fc(tmp_path: Path):
    """An article whose sentence holds a footnote marker "[2]", and a scripted model."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ferry.txt").write_text(
        f"Ferry Orion leaves Port Celia\n\n{FOOTNOTED}\n\nThe weather was calm.\n",
        encoding="utf-8",
    )

    def make(handler) -> tuple[FactCheck, Scripted]:
        server = Scripted(handler)
        cfg = Settings(
            store=tmp_path / "store",
            corpus=folder,
            openai_base_url="http://llm.test/v1",
            llm_model="authored-fixture",
            llm_min_relevance=0.0,
            llm_min_quote_relevance=0.0,
        )
        chat = model_module.make_chat_model(cfg, http_client=server.client())
        fc = FactCheck(cfg, embeddings=HashEmbeddings(), chat_model=chat)
        fc.ingest([folder])
        return fc, server

    return make


def test_footnote_in_a_quote_never_becomes_a_dangling_marker(footnoted_fc):
    def handler(request, _n):
        p = passage_with(request, "412 passengers [2]")
        # Prose resting on a passage never given: the answer falls back to the quote.
        return completion(
            {
                "citations": [{"passage": p, "quote": FOOTNOTED}],
                "answer": "It carried 412 passengers [7].",
                "answerable": True,
            }
        )

    fc, _ = footnoted_fc(handler)
    answer = fc.ask("How many passengers did the Orion ferry carry?", "llm")
    assert [c.quote for c in answer.citations] == [FOOTNOTED]  # the exact text, "[2]" kept
    assert answer.answer.endswith("[1]") and "412 passengers ［2］ when" in answer.answer
    _markers_resolve(answer)
    assert json.loads(json.dumps(answer.to_json()))["citations"][0]["quote"] == FOOTNOTED


# -- row 9: a .env cannot redirect the key; debug output never shows it --------------


def _write_env(folder: Path, *lines: str) -> None:
    (folder / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def no_opt_in(monkeypatch):
    monkeypatch.delenv("FACTCHECK_ALLOW_DOTENV_BASE_URL", raising=False)


def test_dotenv_base_url_does_not_take_a_key_from_the_environment(
    _isolated, monkeypatch, no_opt_in, caplog
):
    _write_env(_isolated, "OPENAI_BASE_URL=http://attacker.test/v1")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    settings = Settings()
    assert settings.openai_base_url is None  # the key goes where it always went
    assert settings.openai_api_key is not None
    assert "attacker.test" in caplog.text and "FACTCHECK_ALLOW_DOTENV_BASE_URL" in caplog.text
    assert FAKE_KEY not in caplog.text


def test_dotenv_chroma_url_does_not_take_a_token_from_the_environment(
    _isolated, monkeypatch, no_opt_in, caplog
):
    """The same rule for a Chroma server: the token stays with the user's own server."""
    monkeypatch.delenv("FACTCHECK_CHROMA_URL", raising=False)
    _write_env(_isolated, "FACTCHECK_CHROMA_URL=http://attacker.test:8000")
    monkeypatch.setenv("FACTCHECK_CHROMA_TOKEN", "chroma-secret-token")
    settings = Settings()
    assert settings.chroma_url is None and settings.chroma_token is not None
    assert "FACTCHECK_CHROMA_URL" in caplog.text and "chroma-secret-token" not in caplog.text
    _write_env(
        _isolated, "FACTCHECK_CHROMA_URL=http://own.test:8000", "FACTCHECK_CHROMA_TOKEN=t0ken"
    )
    monkeypatch.delenv("FACTCHECK_CHROMA_TOKEN")
    assert Settings().chroma_url == "http://own.test:8000"  # its own token: its own server


def test_dotenv_base_url_alone_is_not_used_without_opt_in(_isolated, no_opt_in):
    # Without a key it would still receive the questions and the articles' passages.
    _write_env(_isolated, "OPENAI_BASE_URL=http://attacker.test/v1")
    assert Settings().openai_base_url is None


def test_dotenv_base_url_with_its_own_key_is_used(_isolated, no_opt_in):
    _write_env(_isolated, "OPENAI_BASE_URL=http://own.test/v1", f"OPENAI_API_KEY={FAKE_KEY}")
    settings = Settings()
    assert settings.openai_base_url == "http://own.test/v1"


def test_dotenv_base_url_with_a_key_in_both_places_is_not_used(_isolated, monkeypatch, no_opt_in):
    _write_env(_isolated, "OPENAI_BASE_URL=http://attacker.test/v1", "OPENAI_API_KEY=sk-file-0000")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)  # the environment's key wins: not the file's
    assert Settings().openai_base_url is None


def test_dotenv_base_url_is_used_when_the_user_opts_in(_isolated, monkeypatch):
    _write_env(_isolated, "OPENAI_BASE_URL=http://127.0.0.1:11434/v1")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("FACTCHECK_ALLOW_DOTENV_BASE_URL", "1")
    assert Settings().openai_base_url == "http://127.0.0.1:11434/v1"


def test_the_opt_in_cannot_come_from_the_dotenv_itself(_isolated, monkeypatch, no_opt_in):
    _write_env(
        _isolated, "OPENAI_BASE_URL=http://attacker.test/v1", "FACTCHECK_ALLOW_DOTENV_BASE_URL=1"
    )
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    assert Settings().openai_base_url is None


def test_environment_base_url_is_used_as_before(_isolated, monkeypatch, no_opt_in):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    assert Settings().openai_base_url == "http://127.0.0.1:8080/v1"


def test_redact_removes_keys_from_the_environment_the_dotenv_and_key_shapes(_isolated, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    _write_env(_isolated, "FACTCHECK_CHROMA_TOKEN=chroma-token-from-file")
    text = f"401: bad key {FAKE_KEY}; token chroma-token-from-file; also sk-proj-abcdefgh1234"
    cleaned = redact(text)
    assert FAKE_KEY not in cleaned and "chroma-token-from-file" not in cleaned
    assert "sk-proj-abcdefgh1234" not in cleaned and cleaned.count(REDACTED) == 3


def _patch_chat(monkeypatch, handler) -> Scripted:
    server = Scripted(handler)
    real = model_module.make_chat_model
    monkeypatch.setattr(
        model_module, "make_chat_model", lambda s, http_client=None: real(s, server.client())
    )
    return server


def test_debug_traceback_never_shows_a_key_the_server_echoes(seed_fc, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("FACTCHECK_DEBUG", "1")
    echo = {"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}
    _patch_chat(monkeypatch, lambda *_: httpx2.Response(401, json=echo))
    store = str(seed_fc.settings.store)
    result = CliRunner().invoke(app, ["ask", WHO, "--mode", "llm", "--store", store])
    # Whatever reaches the user: what was printed, and any exception left to Python's
    # own handler (which would print its traceback, causes and all).
    shown = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        shown += "".join(traceback.format_exception(result.exception))
    assert FAKE_KEY not in shown
    assert "Traceback" in result.stderr and "AuthenticationError" in result.stderr
    assert REDACTED in result.stderr and result.exit_code == 1


# -- row 14: the timeout bounds the whole reply; a huge reply is refused fast ----------


def _trickle(body: bytes, every: float) -> Iterator[bytes]:
    for i in range(len(body)):
        time.sleep(every)
        yield body[i : i + 1]


def test_a_trickling_reply_is_cut_at_the_timeout(llm_fc):
    # Authored: a valid reply sent a byte every 20 ms (about 10 s in all); no single read
    # waits long, so a per-read timeout never fires.
    def handler(request, _n):
        p = passage_with(request, "Foreign Ministry said last week")
        body = completion(
            {"citations": [{"passage": p, "quote": FOREIGN_MINISTRY}],
             "answer": f"The Foreign Ministry [{p}].", "answerable": True}
        ).content  # fmt: skip
        return httpx2.Response(
            200, headers={"content-type": "application/json"}, content=_trickle(body, 0.02)
        )

    fc, _ = llm_fc(handler, llm_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(LLMError, match=r"did not answer within 1 s"):
        fc.ask(WHO, "llm")
    assert time.monotonic() - started < 5


@pytest.fixture
def release():
    """An event that lets a stalled authored handler go when the test ends."""
    event = threading.Event()
    yield event
    event.set()


def test_a_server_that_never_answers_is_left_at_the_timeout(llm_fc, release):
    # Authored: the reply's headers never come (a stall no read timeout may see end).
    def handler(request, _n):
        release.wait(60)
        return completion({})

    fc, _ = llm_fc(handler, llm_timeout=1.0)
    started = time.monotonic()
    answer = fc.ask(WHO, "auto")  # auto: the extractive answer, with a notice
    assert answer.mode == "extractive" and "did not answer within 1 s" in answer.notices[0]
    assert time.monotonic() - started < 5


class _TricklingServer(BaseHTTPRequestHandler):
    """Authored: a local server that sends a chat-completion reply a byte at a time."""

    def do_POST(self) -> None:  # the name http.server calls
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"choices": [], "padding": "x" * 200}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the client hung up: that is the point

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_a_trickling_local_server_is_cut_at_the_timeout(seed_fc):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TricklingServer)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cfg = seed_fc.settings.model_copy(
            update={
                "openai_base_url": f"http://127.0.0.1:{server.server_port}/v1",
                "llm_model": "authored-fixture",
                "llm_timeout": 1.0,
                "llm_max_retries": 2,
            }
        )
        fc = FactCheck(cfg, embeddings=seed_fc.embeddings)  # the real HTTP client
        started = time.monotonic()
        with pytest.raises(LLMError, match=r"did not answer within 1 s"):
            fc.ask(WHO, "llm")
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()


def _many_citations(request, count: int) -> dict:
    p = passage_with(request, "Foreign Ministry said last week")
    return {
        "citations": [{"passage": p, "quote": FOREIGN_MINISTRY}] * count,
        "answer": f"The Foreign Ministry [{p}].",
        "answerable": True,
    }


def test_a_megabyte_reply_is_refused_unread(llm_fc):
    sizes: list[int] = []

    def handler(request, _n):
        reply = completion(_many_citations(request, 10_000))
        sizes.append(len(reply.content))
        return reply

    fc, server = llm_fc(handler)
    started = time.monotonic()
    answer = fc.ask(WHO, "llm")
    assert time.monotonic() - started < 10
    assert sizes[0] > 1_000_000  # authored: 10,000 citations, over a megabyte
    assert answer.mode == "extractive" and "larger than" in answer.notices[0]
    assert len(server.requests) == 1  # refused once, not retried


def test_ten_thousand_quotes_within_the_size_limit_are_cut(llm_fc):
    # A token limit high enough for the reply to be read: only the first quotes are checked.
    fc, _ = llm_fc(
        lambda request, _n: completion(_many_citations(request, 10_000)),
        llm_max_tokens=200_000,
    )
    # Only the first 50 are checked (said in the rejection): the bound is on work, not on a
    # wall-clock time, which a loaded machine stretches (speed lives in the benchmarks).
    answer = fc.ask(WHO, "llm")
    assert answer.mode == "llm" and [c.quote for c in answer.citations] == [FOREIGN_MINISTRY]
    assert any("9950 more quotes were not checked" in r.reason for r in answer.rejected_citations)


# -- row 15: a reply that breaks marker parsing falls back; bad settings are one line ---


@pytest.mark.parametrize("mode", ["auto", "llm"])
def test_a_marker_too_long_to_parse_falls_back_to_extractive(llm_fc, mode):
    # Authored: a "marker" of 5,000 digits (Python's int() refuses over 4,300).
    fc, _ = llm_fc(_foreign_ministry_reply("Five were killed [{p}]. Yes [" + "9" * 5000 + "]."))
    answer = fc.ask(WHO, mode)
    assert answer.mode == "extractive" and answer.citations
    assert "not a passage number" in answer.notices[0] and "extractive" in answer.notices[0]


def test_rewrite_markers_raises_a_format_error_on_an_unreadable_marker():
    with pytest.raises(LLMFormatError):
        rewrite_markers("A [" + "1" * 5000 + "].", {1: [1]}, [1])


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FACTCHECK_MAX_FILE_MB", "inf"),
        ("FACTCHECK_MAX_FILE_MB", "-inf"),
        ("FACTCHECK_MAX_FILE_MB", "nan"),
        ("FACTCHECK_MAX_FILE_MB", "1e400"),
        ("FACTCHECK_MAX_FILE_MB", "-1"),
        ("FACTCHECK_LLM_TIMEOUT", "inf"),
        ("FACTCHECK_LLM_TIMEOUT", "1e300"),
        ("FACTCHECK_LLM_TEMPERATURE", "nan"),
        ("FACTCHECK_LLM_MIN_RELEVANCE", "nan"),
        ("FACTCHECK_LLM_MIN_RELEVANCE", "-1"),
        ("FACTCHECK_LLM_MIN_QUOTE_RELEVANCE", "inf"),
        ("FACTCHECK_K", "0"),
    ],
)
def test_bad_setting_values_are_one_line(_isolated, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(app, ["info", "--store", str(_isolated / "store")])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and lines[0].startswith("error: invalid setting"), lines
    assert "Traceback" not in result.output


def test_seed_constants_match_the_seeds():
    seeds = Path(__file__).parents[1] / "seeds"
    assert any(VK_FOUR_HOURS in source_text(f.name) for f in seeds.iterdir())


# -- issue 21, R2: a trickled reply past the timeout ends on time and quietly ----------


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_a_reply_trickled_for_30_s_ends_at_the_timeout_without_a_library_warning(
    seed_fc, capfd, caplog
):
    # Authored: a valid reply, a byte at a time, that would take about 30 s in all. The
    # call must end at FACTCHECK_LLM_TIMEOUT (3 s) with our one line, and the abandoned
    # read must end quietly too: no warning, log record or text on stderr, even after
    # the server has seen the client go.
    import logging
    import warnings

    hung_up = threading.Event()

    class Trickling(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            self.rfile.read(int(self.headers.get("content-length", 0)))
            reply = {"citations": [{"passage": 1, "quote": FOREIGN_MINISTRY}],
                     "answer": "The Foreign Ministry [1].", "answerable": True}  # fmt: skip
            body = completion(reply).content
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(30 / len(body))
            except OSError:
                hung_up.set()  # the client closed the connection: the abandoned read ended

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickling)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    timeout = 3.0
    cfg = seed_fc.settings.model_copy(
        update={
            "openai_base_url": f"http://127.0.0.1:{server.server_port}/v1",
            "llm_model": "authored-fixture",
            "llm_timeout": timeout,
        }
    )
    try:
        with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
            warnings.simplefilter("always")
            # The real HTTP client. The question is asked offline first, so what is timed
            # is the model's part (the first call's loading is not the server's doing).
            chat = model_module.make_chat_model(cfg)
            fc = FactCheck(cfg, embeddings=seed_fc.embeddings, chat_model=chat)
            fc = fc.with_sentence_cache()
            fc.ask(WHO, "extractive")
            started = time.monotonic()
            with pytest.raises(LLMError, match=r"did not answer within 3 s"):
                fc.ask(WHO, "llm")
            assert time.monotonic() - started < 2 * timeout
            assert hung_up.wait(10)  # the abandoned read stopped at the next byte
            time.sleep(0.5)  # whatever it would say on its way out, said by now
        assert [str(w.message) for w in caught] == []
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
        assert capfd.readouterr().err == ""
    finally:
        server.shutdown()
        server.server_close()
