"""Opt-in: the LLM path against a live server, to check your own model or endpoint.

    FACTCHECK_LIVE_BASE_URL=http://127.0.0.1:8080/v1 FACTCHECK_LIVE_MODEL=my-model \\
        pytest -m live -p no:randomly

(For OpenAI: FACTCHECK_LIVE_BASE_URL=https://api.openai.com/v1 and OPENAI_API_KEY.)
Skipped unless FACTCHECK_LIVE_BASE_URL is set. It asserts what must hold whatever the
model says: every citation stands verbatim at its offsets, markers point at verified
citations, and unanswerable questions never get a citation that does not verify.
"""

from __future__ import annotations

import os
import re

import pytest

from assistant.app import FactCheck
from tests.conftest import dev_params, source_text

LIVE_URL = os.environ.get("FACTCHECK_LIVE_BASE_URL")
LIVE_MODEL = os.environ.get("FACTCHECK_LIVE_MODEL", "gpt-4o-mini")
LIVE_KEY = os.environ.get("OPENAI_API_KEY")  # read before the autouse fixture clears it

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not LIVE_URL, reason="set FACTCHECK_LIVE_BASE_URL to run live checks"),
]


@pytest.mark.block_network(allowed_hosts=[".*"])  # the user opted in to the network
@pytest.mark.parametrize("q", dev_params() if LIVE_URL else [])
def test_live_answers_hold_their_citations(seed_fc, q):
    settings = seed_fc.settings.model_copy(
        update={"openai_base_url": LIVE_URL, "llm_model": LIVE_MODEL, "openai_api_key": LIVE_KEY}
    )
    answer = FactCheck(settings, embeddings=seed_fc.embeddings).ask(q["question"], "llm")
    for c in answer.citations:
        assert source_text(c.source)[c.start : c.end] == c.quote
    assert {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)} <= {
        c.id for c in answer.citations
    }
    if answer.abstained:
        assert not answer.citations
