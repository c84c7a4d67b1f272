"""Authored fixtures for the LLM path: a scripted OpenAI-compatible endpoint.

The real ``ChatOpenAI`` client talks to an ``httpx2.MockTransport`` whose replies a test
writes: the scenarios no real server gives on demand (broken JSON, 429 then 200, 500s,
timeouts). Named "authored" wherever they are used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

import assistant.llm.model as model_module
from assistant.app import FactCheck

SECRET = "fake-api-key-for-tests-0123456789abcdef"  # not a credential: checked never shown
FOREIGN_MINISTRY = (
    "While the Kremlin has repeatedly denied having any connection to the fighters, the "
    'Foreign Ministry said last week that five Russian citizens had "presumably" been killed.'
)

Handler = Callable[[httpx2.Request, int], httpx2.Response]


def completion(content: Any, finish: str = "stop") -> httpx2.Response:
    """An authored chat-completion reply (content: an object to JSON-encode, or raw text)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return httpx2.Response(
        200,
        json={
            "id": "authored",
            "object": "chat.completion",
            "created": 0,
            "model": "authored-fixture",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish,
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        },
    )


def passages_in(request: httpx2.Request) -> dict[int, str]:
    """The numbered passages in the prompt our code sent."""
    prompt = json.loads(request.content)["messages"][0]["content"]
    parts = re.split(r"^\[(\d+)\] [^\n]*\n", prompt, flags=re.M)
    return {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def passage_with(request: httpx2.Request, needle: str) -> int:
    return next(n for n, text in passages_in(request).items() if needle in text)


class Scripted:
    """A scripted OpenAI-compatible endpoint: handler(request, call_number) -> response."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.handler(request, len(self.requests))

    def client(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self))


@pytest.fixture
def llm_fc(seed_fc):
    """Build a FactCheck whose chat model talks to a scripted endpoint."""

    def make(handler: Handler, **settings: Any) -> tuple[FactCheck, Scripted]:
        server = Scripted(handler)
        cfg = seed_fc.settings.model_copy(
            update={
                "openai_base_url": "http://llm.test/v1",
                "openai_api_key": None,
                "llm_model": "authored-fixture",
                "llm_max_retries": 2,
                **settings,
            }
        )
        chat = model_module.make_chat_model(cfg, http_client=server.client())
        return FactCheck(cfg, embeddings=seed_fc.embeddings, chat_model=chat), server

    return make


@pytest.fixture
def no_sleep(monkeypatch):
    """Record the SDK's retry back-off instead of waiting it out."""
    slept: list[float] = []
    monkeypatch.setattr("openai._base_client.time.sleep", slept.append)
    return slept
