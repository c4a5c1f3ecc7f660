"""Chat completions whose content and tool-call arguments were parsed into Python objects.

Each class extends the matching response model, so a parsed completion is also a
`ChatCompletionResponse`. The added attributes (`message.parsed`,
`tool_call.function.parsed_arguments`) are excluded from `to_dict()`/`to_json()`/`model_dump()`:
the dump is what the API sent, and a parsed message can be appended to `messages` as is for the
next turn without sending fields the API does not know.
"""

from __future__ import annotations

from typing import Generic, List, Optional, TypeVar

import pydantic

from ..types.chat.chat_completion import (
    ChatCompletionResponse,
    ChatCompletionResponseChoice,
    ChatCompletionResponseChoiceMessage,
    ChatCompletionResponseChoiceMessageToolCall,
    ChatCompletionResponseChoiceMessageToolCallFunction,
)

__all__ = [
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ParsedFunction",
    "ParsedFunctionToolCall",
]

ContentT = TypeVar("ContentT")


class ParsedFunction(ChatCompletionResponseChoiceMessageToolCallFunction):
    """A called function, with its arguments validated when the tool came from `pydantic_function_tool`."""

    parsed_arguments: Optional[object] = pydantic.Field(default=None, exclude=True)
    """The arguments as an instance of the tool's model; `None` for tools given as plain dicts."""


class ParsedFunctionToolCall(ChatCompletionResponseChoiceMessageToolCall):
    """A tool call whose function carries `parsed_arguments`."""

    function: ParsedFunction  # pyright: ignore[reportIncompatibleVariableOverride]
    """The function and its arguments, raw and parsed."""


class ParsedChatCompletionMessage(ChatCompletionResponseChoiceMessage, Generic[ContentT]):
    """The generated message, with its content parsed into the requested type."""

    tool_calls: Optional[List[ParsedFunctionToolCall]] = None  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleVariableOverride]
    """Tools the model asks to call, with parsed arguments where possible."""

    parsed: Optional[ContentT] = pydantic.Field(default=None, exclude=True)
    """The content as an instance of the requested model (decoded JSON for a dict response format);
    `None` when there was nothing to parse, e.g. a turn that only calls tools."""


class ParsedChoice(ChatCompletionResponseChoice, Generic[ContentT]):
    """One alternative answer, with its message parsed."""

    message: ParsedChatCompletionMessage[ContentT]  # pyright: ignore[reportIncompatibleVariableOverride]
    """The generated message."""


class ParsedChatCompletion(ChatCompletionResponse, Generic[ContentT]):
    """A chat completion whose choices carry parsed content (`choices[i].message.parsed`)."""

    choices: List[ParsedChoice[ContentT]]  # type: ignore[assignment]  # pyright: ignore[reportIncompatibleVariableOverride]
    """The generated alternatives."""
