"""Asking a chat model for a reply in a JSON schema, with one retry when it does not fit.

The reply is parsed and validated against a pydantic model by the SDK; a reply that is
broken JSON, misses a field or was cut off at the token limit is asked for once more,
then is an :class:`~assistant.llm.faults.LLMFormatError` whose text never quotes the
reply itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.llm.faults import LLMFormatError
from assistant.settings import redact

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def ask_structured(chat_model: BaseChatModel, schema: type[BaseModel], prompt: str) -> BaseModel:
    """Ask for a reply in ``schema``; one retry when the reply does not fit.

    The openai SDK parses structured replies itself and raises on broken JSON, a missing
    field or a reply cut off at the token limit: those are format failures, and so are a
    refusal and a reply with no answer in it at all.

    Raises:
        LLMFormatError: Two replies in a row did not fit the schema.
    """
    import openai
    from langchain_core.exceptions import OutputParserException
    from langchain_core.messages import HumanMessage
    from langchain_openai.chat_models.base import OpenAIRefusalError
    from pydantic import ValidationError

    format_errors = (
        ValidationError,
        OutputParserException,
        ValueError,  # json.JSONDecodeError
        openai.LengthFinishReasonError,
        openai.ContentFilterFinishReasonError,
        OpenAIRefusalError,
        # A reply that is valid JSON with no answer in it (`{"choices": []}`, `{}`,
        # `null`) fails inside the SDK's and LangChain's reading of it as one of these.
        # Only library code runs in `invoke` here, so they are the reply's fault.
        IndexError,
        KeyError,
        TypeError,
        AttributeError,
    )
    structured = chat_model.with_structured_output(schema, method="json_schema")
    first = HumanMessage(prompt)
    messages: list[Any] = [first]
    problem = ""
    for _attempt in range(2):
        try:
            parsed = structured.invoke(messages)
        except format_errors as exc:
            problem = _first_line(exc)
        else:
            if isinstance(parsed, schema):
                return parsed
            problem = "no answer object in the reply"
        messages = [
            first,
            HumanMessage(
                f"Your previous reply could not be read ({problem}). Reply with only the "
                "JSON object described, complete and valid."
            ),
        ]
    raise LLMFormatError(f"the model's reply did not fit the answer format twice ({problem})")


def _first_line(exc: Exception) -> str:
    # The parser's message may quote the reply, and a server may put anything there.
    text = redact(str(exc)).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
