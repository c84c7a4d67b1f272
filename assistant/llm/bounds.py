"""Bounding what a model server can make us wait for or read.

A model server is not trusted to be quick or brief: the whole exchange (retries
included) must finish within ``FACTCHECK_LLM_TIMEOUT``, and a reply larger than the
token limit allows is refused unread. The SDK's own timeout is per read, so the
deadline is checked by hooks on the HTTP client, and the call itself runs in a thread
that is abandoned when the deadline passes.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import httpx2

    from assistant.settings import Settings

T = TypeVar("T")


# A token is at most a few bytes of text; JSON escaping (\uXXXX) and the envelope add
# some. A reply larger than this cannot be one the token limit allowed.
_BYTES_PER_TOKEN = 64
_MIN_REPLY_BYTES = 256 * 1024


def _openai_error() -> type[Exception]:
    import openai

    return openai.OpenAIError


class ReplyTooLarge(Exception):
    """Raised inside the HTTP client when a reply passes its size limit.

    Made an ``openai.OpenAIError`` at first use (see :func:`_too_large_error`), because
    the SDK re-raises those at once instead of retrying, so a huge reply is refused
    once, not downloaded three times.
    """


_TOO_LARGE: type[Exception] | None = None


def _too_large_error() -> type[Exception]:
    global _TOO_LARGE
    if _TOO_LARGE is None:
        _TOO_LARGE = type("ReplyTooLarge", (ReplyTooLarge, _openai_error()), {})
    return _TOO_LARGE


def max_reply_bytes(settings: Settings) -> int:
    """The largest reply body accepted: what ``llm_max_tokens`` tokens could take, generously."""
    return max(_MIN_REPLY_BYTES, _BYTES_PER_TOKEN * settings.llm_max_tokens)


# -- bounding what a server can make us wait for or read ----------------------------------

# The wall-clock deadline of the model call running in this context (set by
# :func:`within_deadline`, which :func:`assistant.llm.faults.with_api_errors` runs every
# call in); the HTTP hooks below read it.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "factcheck_llm_deadline", default=None
)


def bound_replies(client: httpx2.Client, max_bytes: int) -> None:
    """Make ``client`` refuse replies over ``max_bytes`` and stop reading past the deadline.

    The SDK's timeout is per read: a server that sends a byte every second never trips
    it. These hooks check the call's deadline before each request and after each chunk
    of a reply, and count the reply's bytes (the declared length first, then what
    arrives), so a reply is cut as soon as it is too slow or too large.
    """
    hooks = client.event_hooks
    hooks["request"] = [*hooks["request"], _check_deadline]
    hooks["response"] = [*hooks["response"], lambda r: _bound_response(r, max_bytes)]
    client.event_hooks = hooks


def _overdue(request: httpx2.Request) -> Exception:
    import openai

    # An OpenAIError: the SDK passes it straight up instead of retrying.
    return openai.APITimeoutError(request=request)


def _check_deadline(request: httpx2.Request) -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise _overdue(request)


def _bound_response(response: httpx2.Response, max_bytes: int) -> None:
    import httpx2

    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large_error()(f"the reply declares {declared} bytes")
    inner, request, deadline = response.stream, response.request, _DEADLINE.get()

    class Bounded(httpx2.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            seen = 0
            for chunk in inner:  # type: ignore[union-attr]
                seen += len(chunk)
                if seen > max_bytes:
                    raise _too_large_error()(f"the reply passed {max_bytes} bytes")
                if deadline is not None and time.monotonic() > deadline:
                    raise _overdue(request)
                yield chunk

        def close(self) -> None:
            inner.close()  # type: ignore[union-attr]

    response.stream = Bounded()


def within_deadline(seconds: float, call: Callable[[], T]) -> T:
    """Run ``call``, giving up after ``seconds`` of wall-clock time, whatever it is doing.

    The call runs in a daemon thread (with this context, so LangChain's callbacks and
    the deadline travel with it); if it has not finished by the deadline, the wait ends
    and :class:`Overdue` is raised. The abandoned call stops at its next HTTP read (the
    hooks of :func:`bound_replies`) or its socket timeout; being a daemon, it never
    holds the process open.
    """
    deadline = time.monotonic() + seconds
    outcome: dict[str, Any] = {}

    def run() -> None:
        _DEADLINE.set(deadline)
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting thread, re-raised there
            outcome["error"] = exc

    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(run,), name="factcheck-llm", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise Overdue
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class Overdue(Exception):
    """The whole model call outlasted ``FACTCHECK_LLM_TIMEOUT``."""
