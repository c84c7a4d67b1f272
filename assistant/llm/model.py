"""Building the chat model from settings: a LangChain ``ChatOpenAI`` on a bounded client.

Any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp) is spoken to through
plain chat completions; the SDK retries what is worth retrying, and the HTTP client
carries the deadline and reply-size hooks of :mod:`assistant.llm.bounds`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.errors import ConfigError
from assistant.llm.bounds import bound_replies, max_reply_bytes

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings


def make_chat_model(settings: Settings, http_client: Any = None) -> BaseChatModel:
    """Build the chat model from settings.

    Args:
        settings: Model, base URL, key, temperature, limits.
        http_client: An ``httpx2.Client`` to send requests through (tests use a mock
            transport); default: the SDK's own.

    Raises:
        ConfigError: No API key and no base URL is configured.
    """
    if not settings.llm_configured:
        raise ConfigError(
            "LLM mode needs a model: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (and "
            "FACTCHECK_LLM_MODEL) for an OpenAI-compatible server such as Ollama, vLLM or "
            "llama.cpp; or use --mode extractive"
        )
    import openai
    from langchain_openai import ChatOpenAI

    # A local server needs no key, but the client insists on one: send a placeholder.
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"
    client = http_client if http_client is not None else openai.DefaultHttpxClient()
    bound_replies(client, max_reply_bytes(settings))
    return ChatOpenAI(
        model=settings.llm_model,
        api_key=key,  # type: ignore[arg-type]
        base_url=settings.openai_base_url,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
        timeout=settings.llm_timeout,
        # The openai SDK retries 408/409/429/5xx with exponential backoff and honours
        # Retry-After; we only choose how many times.
        max_retries=settings.llm_max_retries,
        extra_body=settings.llm_extra_body,
        use_responses_api=False,  # plain chat completions: what compatible servers speak
        http_client=client,
    )
