"""Structured outputs: ask for a pydantic model, get an instance back.

`client.chat.completions.parse(...)` is built from the functions here:

1. `prepare_tools(tools)` checks the tools once (and turns an iterable into a list);
2. `to_response_format_param(response_format)` turns a model class into a strict `json_schema`
   response format (`type_to_response_format`); dicts and `omit` pass through unchanged;
3. the request is made with `create(..., stream=False)`;
4. `parse_chat_completion(...)` validates each choice's content against the model (`message.parsed`)
   and the arguments of calls to `pydantic_function_tool` tools (`function.parsed_arguments`).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Type, TypeVar, Union, cast, overload

import httpx
import pydantic

from .._exceptions import APIResponseValidationError, CerebrasError, status_error_from_payload
from .._models import construct_type
from .._types import NotGiven, Omit
from ..types.chat.chat_completion import (
    ChatCompletionResponse,
    ChatCompletionResponseChoiceMessageToolCall,
    ErrorChunkResponse,
)
from ..types.chat.completion_create_params import (
    ResponseFormat,
    ResponseFormatResponseFormatJsonSchema,
    Tool,
)
from ._parsed_types import ParsedChatCompletion
from ._schema import is_model_class, strict_schema_name, to_strict_json_schema
from .tools import PydanticFunctionTool

__all__ = [
    "ContentValidationError",
    "LengthFinishReasonError",
    "parse_chat_completion",
    "prepare_tools",
    "to_response_format_param",
    "type_to_response_format",
]

ResponseFormatT = TypeVar("ResponseFormatT", bound=pydantic.BaseModel)

_Absent = Union[Omit, NotGiven, None]


class LengthFinishReasonError(CerebrasError):
    """The reply stopped at the token limit (`finish_reason == "length"`), so it cannot be parsed.

    The unparsed reply is in `.completion`; retry with a larger `max_completion_tokens`.
    """

    completion: ChatCompletionResponse

    def __init__(self, *, completion: ChatCompletionResponse) -> None:
        count = getattr(completion.usage, "completion_tokens", None)
        tokens = f" after {count} tokens" if isinstance(count, int) and count else ""
        super().__init__(
            f"The reply was cut off at the token limit{tokens} (finish_reason='length') and cannot be "
            "parsed; raise max_completion_tokens. The raw reply is in the `completion` attribute."
        )
        self.completion = completion


class ContentValidationError(APIResponseValidationError):
    """The reply (or a tool call's arguments) does not fit the requested model.

    `.content` is the raw text that failed (also in `.body`), `.completion` the whole reply,
    `.choice_index` the choice it came from and `.tool_call` the tool call when arguments failed.
    The pydantic or JSON error is the `__cause__`.
    """

    completion: ChatCompletionResponse
    content: str
    choice_index: int
    tool_call: Optional[ChatCompletionResponseChoiceMessageToolCall]

    def __init__(
        self,
        *,
        response: httpx.Response,
        completion: ChatCompletionResponse,
        content: str,
        choice_index: int,
        message: str,
        tool_call: Optional[ChatCompletionResponseChoiceMessageToolCall] = None,
    ) -> None:
        super().__init__(response, content, message=message)
        self.completion = completion
        self.content = content
        self.choice_index = choice_index
        self.tool_call = tool_call


def type_to_response_format(
    model: Type[pydantic.BaseModel], *, name: Optional[str] = None
) -> ResponseFormatResponseFormatJsonSchema:
    """The strict `json_schema` response format asking for an instance of `model`.

    `{"type": "json_schema", "json_schema": {"name": <name or class name>, "schema":
    to_strict_json_schema(model), "strict": True}}`.
    """
    return {
        "type": "json_schema",
        "json_schema": {
            "name": strict_schema_name(model, name),
            "schema": to_strict_json_schema(model),
            "strict": True,
        },
    }


@overload
def to_response_format_param(
    response_format: Type[pydantic.BaseModel],
) -> ResponseFormatResponseFormatJsonSchema: ...
@overload
def to_response_format_param(
    response_format: Union[Type[pydantic.BaseModel], ResponseFormat, Omit, None],
) -> Union[ResponseFormat, Omit, None]: ...
@overload
def to_response_format_param(
    response_format: Union[Type[pydantic.BaseModel], ResponseFormat, _Absent],
) -> Union[ResponseFormat, _Absent]: ...
def to_response_format_param(
    response_format: Union[Type[pydantic.BaseModel], ResponseFormat, _Absent],
) -> Union[ResponseFormat, _Absent]:
    """What to send as `response_format`: a model class becomes `type_to_response_format(model)`,
    anything else (a dict, `omit`, `None`) is sent unchanged."""
    if is_model_class(response_format):
        return type_to_response_format(cast(Type[pydantic.BaseModel], response_format))
    if isinstance(response_format, type):
        raise TypeError(
            f"response_format must be a pydantic model class or a response format dict, got {response_format!r}"
        )
    return response_format  # pyright: ignore[reportReturnType]


@overload
def prepare_tools(tools: Iterable[Tool]) -> List[Tool]: ...
@overload
def prepare_tools(tools: Union[Iterable[Tool], Omit, None]) -> Union[List[Tool], Omit, None]: ...
@overload
def prepare_tools(tools: Union[Iterable[Tool], _Absent]) -> Union[List[Tool], _Absent]: ...
def prepare_tools(tools: Union[Iterable[Tool], _Absent]) -> Union[List[Tool], _Absent]:
    """Check the tools of a `parse()` call and return them as a list (absent values unchanged).

    Tools made by `pydantic_function_tool` must still be strict (their calls are validated
    against the model) and have distinct names; plain dict tools pass through unchecked.
    """
    if tools is None or isinstance(tools, (Omit, NotGiven)):
        return tools
    listed = list(tools)
    seen: Dict[str, Type[pydantic.BaseModel]] = {}
    for tool in listed:
        if not isinstance(tool, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"Each tool must be a dict, got {type(tool).__name__}")
        if isinstance(tool, PydanticFunctionTool):
            if tool["function"].get("strict") is not True:
                raise ValueError(
                    f"Tool {tool.name!r} comes from pydantic_function_tool() but is no longer strict; "
                    "parse() validates its calls against the model and needs strict tools."
                )
            if tool.name in seen and seen[tool.name] is not tool.model:
                raise ValueError(f"Two different models are given as tool {tool.name!r}")
            seen[tool.name] = tool.model
    return listed


def _tool_models(tools: Union[Iterable[Tool], _Absent]) -> Dict[str, Type[pydantic.BaseModel]]:
    if tools is None or isinstance(tools, (Omit, NotGiven)):
        return {}
    return {tool.name: tool.model for tool in tools if isinstance(tool, PydanticFunctionTool)}


def _content_kind(response_format: object) -> Optional[str]:
    """`"model"`, `"json"` (a dict asking for JSON) or `None` (nothing to parse)."""
    if is_model_class(response_format):
        return "model"
    if isinstance(response_format, Mapping):
        kind = cast(Mapping[str, object], response_format).get("type")
        if kind in ("json_schema", "json_object"):
            return "json"
    return None


@overload
def parse_chat_completion(
    *,
    completion: object,
    response_format: Type[ResponseFormatT],
    response: httpx.Response,
    tools: Union[Iterable[Tool], _Absent] = None,
) -> ParsedChatCompletion[ResponseFormatT]: ...
@overload
def parse_chat_completion(
    *,
    completion: object,
    response_format: Union[ResponseFormat, _Absent],
    response: httpx.Response,
    tools: Union[Iterable[Tool], _Absent] = None,
) -> ParsedChatCompletion[object]: ...
def parse_chat_completion(
    *,
    completion: object,
    response_format: Union[Type[pydantic.BaseModel], ResponseFormat, _Absent],
    response: httpx.Response,
    tools: Union[Iterable[Tool], _Absent] = None,
) -> ParsedChatCompletion[Any]:
    """Turn a non-streamed reply into a `ParsedChatCompletion`.

    * `response_format` a model class: each choice's content is validated as that model into
      `message.parsed`; a response-format dict of type `json_schema`/`json_object`: the content is
      decoded as JSON; otherwise `parsed` stays `None`. Content that is `None`, or empty in a turn
      that calls tools, is not parsed.
    * calls to tools made by `pydantic_function_tool` get `function.parsed_arguments` (empty
      arguments count as `{}`); calls to other tools are left as they are.
    * `response` is the HTTP response the completion came from; errors refer to it.

    Raises `LengthFinishReasonError` when a choice was cut off at the token limit and something was
    to be parsed, `ContentValidationError` when content or arguments do not fit, and the
    `APIStatusError` subclass matching its `status_code` when the body is an error payload.
    """
    if isinstance(completion, ErrorChunkResponse):
        raise status_error_from_payload(
            completion.to_dict(), response, default_message="The API returned an error payload"
        )
    if not isinstance(completion, ChatCompletionResponse):
        raise TypeError(f"Expected a ChatCompletionResponse, got {type(completion).__name__}")

    kind = _content_kind(response_format)
    tool_models = _tool_models(tools)
    data = completion.model_dump(exclude_unset=True, by_alias=True, warnings=False)
    raw_choices = data.get("choices")
    for position, raw_choice in enumerate(
        cast(List[object], raw_choices) if isinstance(raw_choices, list) else []
    ):
        if not isinstance(raw_choice, dict):
            continue
        choice = cast(Dict[str, Any], raw_choice)
        if (kind or tool_models) and choice.get("finish_reason") == "length":
            raise LengthFinishReasonError(completion=completion)
        message = choice.get("message")
        if not isinstance(message, dict):
            continue
        index = choice.get("index")
        _parse_message(
            cast(Dict[str, Any], message),
            kind=kind,
            model=cast(Type[pydantic.BaseModel], response_format) if kind == "model" else None,
            tool_models=tool_models,
            fail=_Failure(response, completion, index if isinstance(index, int) else position),
        )

    generic: Any = ParsedChatCompletion
    target: object = generic[response_format] if kind == "model" else generic
    return cast(ParsedChatCompletion[Any], construct_type(type_=target, value=data))


class _Failure:
    """Builds the `ContentValidationError` of one choice."""

    def __init__(self, response: httpx.Response, completion: ChatCompletionResponse, index: int) -> None:
        self.response = response
        self.completion = completion
        self.index = index

    def __call__(
        self, content: str, what: str, tool_call: Optional[ChatCompletionResponseChoiceMessageToolCall] = None
    ) -> ContentValidationError:
        return ContentValidationError(
            response=self.response,
            completion=self.completion,
            content=content,
            choice_index=self.index,
            message=f"Choice {self.index}: {what}: {content[:200]!r}",
            tool_call=tool_call,
        )


def _parse_message(
    message: Dict[str, Any],
    *,
    kind: Optional[str],
    model: Optional[Type[pydantic.BaseModel]],
    tool_models: Mapping[str, Type[pydantic.BaseModel]],
    fail: _Failure,
) -> None:
    """Add `parsed` / `parsed_arguments` to the dumped `message` (in place)."""
    raw_calls = message.get("tool_calls")
    calls: List[object] = cast(List[object], raw_calls) if isinstance(raw_calls, list) else []
    content = message.get("content")
    if kind is not None and isinstance(content, str) and (content or not calls):
        if model is not None:
            try:
                message["parsed"] = model.model_validate_json(content)
            except pydantic.ValidationError as exc:
                raise fail(content, f"the reply does not fit {model.__name__}") from exc
        else:
            try:
                message["parsed"] = json.loads(content)
            except ValueError as exc:
                raise fail(content, "the reply is not valid JSON") from exc

    for call in calls:
        function: object = cast(Dict[str, Any], call).get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            continue
        function = cast(Dict[str, Any], function)
        tool_model = tool_models.get(function.get("name"))  # type: ignore[arg-type]
        if tool_model is None:
            continue
        arguments = function.get("arguments")
        text = arguments if isinstance(arguments, str) and arguments.strip() else "{}"
        try:
            function["parsed_arguments"] = tool_model.model_validate_json(text)
        except pydantic.ValidationError as exc:
            tool_call = ChatCompletionResponseChoiceMessageToolCall.model_construct(
                **cast(Dict[str, Any], call)
            )
            raise fail(
                text,
                f"the arguments of the call to {function.get('name')!r} do not fit {tool_model.__name__}",
                tool_call,
            ) from exc
