"""Model-server failures as one-line errors, and running a model call under them.

Every model call (the answer, a check, claims, a summary) goes through
:func:`with_api_errors`: it runs within ``FACTCHECK_LLM_TIMEOUT``, and a server's failure
becomes an :class:`LLMError` that names the cause and the setting to change, never the
server's own text (which may echo the API key).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from assistant.errors import FactCheckError
from assistant.llm.bounds import Overdue, ReplyTooLarge, max_reply_bytes, within_deadline

if TYPE_CHECKING:
    from assistant.settings import Settings

T = TypeVar("T")


class LLMError(FactCheckError):
    """The model server failed (auth, unknown model, unreachable, timeout, overloaded)."""


class LLMFormatError(FactCheckError):
    """The model's reply did not follow the answer schema, even after one retry."""


def describe_api_error(exc: Exception, settings: Settings) -> str | None:
    """A one-line message for a model-server failure, or None if ``exc`` is not one.

    Never includes the API key or the server's own error text (which may echo the key).
    """
    import openai

    where = settings.openai_base_url or "api.openai.com"
    if isinstance(exc, Overdue | openai.APITimeoutError):
        return (
            f"the model at {where} did not answer within {settings.llm_timeout:g} s "
            "(FACTCHECK_LLM_TIMEOUT)"
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return (
            f"the model server at {where} refused the request ({exc.status_code}): check "
            "OPENAI_API_KEY"
        )
    if isinstance(exc, openai.NotFoundError):
        return (
            f"model {settings.llm_model!r} was not found at {where} (404): set "
            "FACTCHECK_LLM_MODEL to a model the server has"
        )
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot reach the model server at {where}: is it running? (OPENAI_BASE_URL)"
    if isinstance(exc, openai.RateLimitError):
        return (
            f"the model server at {where} is rate-limiting requests (429) after "
            f"{settings.llm_max_retries} retries; try again later"
        )
    if isinstance(exc, openai.InternalServerError):
        return (
            f"the model server at {where} failed ({exc.status_code}) after "
            f"{settings.llm_max_retries} retries"
        )
    if isinstance(exc, openai.APIStatusError):
        return f"the model server at {where} answered {exc.status_code}"
    return None


def with_api_errors(settings: Settings, call: Callable[[], T]) -> T:
    """Run a model call within ``llm_timeout``, turning failures into one-line errors.

    The timeout bounds the whole call, retries and the reply's last byte included.

    Raises:
        LLMError: The server failed, or the call outlasted the timeout.
        LLMFormatError: The reply was too large to be an answer (refused, not read).
    """
    try:
        return within_deadline(settings.llm_timeout, call)
    except FactCheckError:
        raise
    except Exception as exc:
        if isinstance(exc, ReplyTooLarge):
            raise LLMFormatError(
                f"the model's reply was larger than {max_reply_bytes(settings)} bytes "
                f"(FACTCHECK_LLM_MAX_TOKENS={settings.llm_max_tokens}); refused"
            ) from exc
        message = describe_api_error(exc, settings)
        if message is None:
            raise
        raise LLMError(message) from exc
