"""Structured outputs: response formats from models, and parse_chat_completion."""

from __future__ import annotations

import enum
import json
from typing import Any, Dict, Iterator, List, Optional

import httpx
import pydantic
import pytest
from pydantic import BaseModel

from cerebras.cloud.sdk import APIResponseValidationError, Cerebras, RateLimitError, omit
from cerebras.cloud.sdk._models import construct_type
from cerebras.cloud.sdk.lib import (
    ContentValidationError,
    LengthFinishReasonError,
    ParsedChatCompletion,
    ParsedChatCompletionMessage,
    ParsedFunctionToolCall,
    parse_chat_completion,
    prepare_tools,
    pydantic_function_tool,
    to_response_format_param,
    to_strict_json_schema,
    type_to_response_format,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletion, ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Tool

Json = Dict[str, Any]
RESPONSE = httpx.Response(200, request=httpx.Request("POST", "http://127.0.0.1:4010/v1/chat/completions"))


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


class Review(BaseModel):
    """What a reviewer thinks."""

    stars: int
    mood: Mood
    summary: Optional[str] = None


class GetWeather(BaseModel):
    city: str


class Ping(BaseModel):
    verbose: bool = False


def completion(*messages: Json, finish_reason: str = "stop", **top: Any) -> Any:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp",
        "choices": [
            {"index": i, "message": {"role": "assistant", **m}, "finish_reason": finish_reason}
            for i, m in enumerate(messages)
        ],
        **top,
    }
    return construct_type(type_=ChatCompletion, value=body)


def call(name: str, arguments: str, call_id: str = "call_1") -> Json:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def test_type_to_response_format() -> None:
    assert type_to_response_format(Review) == {
        "type": "json_schema",
        "json_schema": {"name": "Review", "schema": to_strict_json_schema(Review), "strict": True},
    }
    assert type_to_response_format(Review, name="review_v2")["json_schema"]["name"] == "review_v2"


def test_to_response_format_param() -> None:
    assert to_response_format_param(Review) == type_to_response_format(Review)
    given = {"type": "json_object"}
    assert to_response_format_param(given) is given  # type: ignore[arg-type]
    assert to_response_format_param(omit) is omit
    assert to_response_format_param(None) is None
    with pytest.raises(TypeError, match="pydantic model class"):
        to_response_format_param(dict)  # type: ignore[arg-type]


def test_content_is_parsed_into_the_model() -> None:
    raw = completion(
        {"content": '{"stars": 4, "mood": "happy", "summary": null}'},
        {"content": '{"stars": 1, "mood": "sad", "summary": "meh"}'},
        usage={"total_tokens": 9},
    )
    parsed = parse_chat_completion(completion=raw, response_format=Review, response=RESPONSE)
    assert isinstance(parsed, ParsedChatCompletion)
    assert isinstance(parsed, ChatCompletionResponse)
    first = parsed.choices[0].message
    assert isinstance(first, ParsedChatCompletionMessage)
    assert first.parsed == Review(stars=4, mood=Mood.HAPPY)
    assert parsed.choices[1].message.parsed == Review(stars=1, mood=Mood.SAD, summary="meh")
    # The dump is what the API sent: `parsed` is left out.
    assert parsed.to_dict() == raw.to_dict()
    assert parsed.usage is not None and parsed.usage.total_tokens == 9


def test_json_dict_formats_decode_the_content_and_text_leaves_it() -> None:
    raw = completion({"content": '{"a": [1, 2]}'})
    for fmt in ({"type": "json_object"}, {"type": "json_schema", "json_schema": {"name": "x"}}):
        parsed = parse_chat_completion(completion=raw, response_format=fmt, response=RESPONSE)  # type: ignore[arg-type]
        assert parsed.choices[0].message.parsed == {"a": [1, 2]}
    for nothing in ({"type": "text"}, omit, None):
        parsed = parse_chat_completion(completion=raw, response_format=nothing, response=RESPONSE)  # type: ignore[arg-type]
        assert parsed.choices[0].message.parsed is None


def test_tool_only_turns_are_not_parsed() -> None:
    for content in (None, ""):
        raw = completion(
            {"content": content, "tool_calls": [call("other", "{}")]}, finish_reason="tool_calls"
        )
        parsed = parse_chat_completion(completion=raw, response_format=Review, response=RESPONSE)
        assert parsed.choices[0].message.parsed is None


def test_content_that_does_not_fit_raises_with_the_raw_content() -> None:
    text = '{"stars": "many", "mood": "happy", "summary": null}'
    raw = completion({"content": '{"stars": 1, "mood": "sad", "summary": null}'}, {"content": text})
    with pytest.raises(ContentValidationError) as caught:
        parse_chat_completion(completion=raw, response_format=Review, response=RESPONSE)
    error = caught.value
    assert isinstance(error, APIResponseValidationError)
    assert error.content == text
    assert error.body == text
    assert error.completion is raw
    assert error.choice_index == 1
    assert error.tool_call is None
    assert error.response is RESPONSE and error.status_code == 200
    assert isinstance(error.__cause__, pydantic.ValidationError)
    assert "Choice 1" in str(error) and "Review" in str(error)


def test_invalid_json_with_a_dict_format_raises() -> None:
    raw = completion({"content": "{not json"})
    with pytest.raises(ContentValidationError) as caught:
        parse_chat_completion(completion=raw, response_format={"type": "json_object"}, response=RESPONSE)
    assert caught.value.content == "{not json"
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)


def test_empty_content_without_tool_calls_is_an_error() -> None:
    with pytest.raises(ContentValidationError):
        parse_chat_completion(
            completion=completion({"content": ""}), response_format=Review, response=RESPONSE
        )


def test_length_finish_reason_raises_when_something_was_to_be_parsed() -> None:
    raw = completion({"content": '{"stars": 4, "mo'}, finish_reason="length", usage={"completion_tokens": 7})
    with pytest.raises(LengthFinishReasonError, match="after 7 tokens") as caught:
        parse_chat_completion(completion=raw, response_format=Review, response=RESPONSE)
    assert caught.value.completion is raw
    tools = [pydantic_function_tool(GetWeather)]
    with pytest.raises(LengthFinishReasonError):
        parse_chat_completion(completion=raw, response_format=omit, tools=tools, response=RESPONSE)
    # Plain text asked for: nothing to parse, no error.
    parsed = parse_chat_completion(completion=raw, response_format=omit, response=RESPONSE)
    assert parsed.choices[0].finish_reason == "length"


def test_tool_call_arguments_are_parsed_for_pydantic_tools_only() -> None:
    plain_tool: Tool = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    tools = [pydantic_function_tool(GetWeather), pydantic_function_tool(Ping), plain_tool]
    raw = completion(
        {
            "content": None,
            "tool_calls": [
                call("GetWeather", '{"city": "Oslo"}', "a"),
                call("lookup", '{"q": 1}', "b"),
                call("Ping", "", "c"),
                call("unknown", "{}", "d"),
            ],
        },
        finish_reason="tool_calls",
    )
    parsed = parse_chat_completion(completion=raw, response_format=omit, tools=tools, response=RESPONSE)
    calls = parsed.choices[0].message.tool_calls
    assert calls is not None
    assert all(isinstance(c, ParsedFunctionToolCall) for c in calls)
    assert [c.function.parsed_arguments for c in calls] == [GetWeather(city="Oslo"), None, Ping(), None]
    assert parsed.to_dict() == raw.to_dict()


def test_tool_call_arguments_that_do_not_fit_raise() -> None:
    raw = completion(
        {"tool_calls": [call("GetWeather", '{"town": "Oslo"}', "x")]}, finish_reason="tool_calls"
    )
    with pytest.raises(ContentValidationError) as caught:
        parse_chat_completion(
            completion=raw,
            response_format=omit,
            tools=[pydantic_function_tool(GetWeather)],
            response=RESPONSE,
        )
    error = caught.value
    assert error.content == '{"town": "Oslo"}'
    assert error.tool_call is not None and error.tool_call.id == "x"
    assert isinstance(error.__cause__, pydantic.ValidationError)
    assert "GetWeather" in str(error)


def test_error_payload_raises_the_matching_status_error() -> None:
    raw = construct_type(type_=ChatCompletion, value={"error": {"message": "slow down"}, "status_code": 429})
    with pytest.raises(RateLimitError, match="slow down"):
        parse_chat_completion(completion=raw, response_format=Review, response=RESPONSE)


def test_only_chat_completions_are_accepted() -> None:
    with pytest.raises(TypeError, match="ChatCompletionResponse"):
        parse_chat_completion(completion={"choices": []}, response_format=Review, response=RESPONSE)


def test_prepare_tools() -> None:
    weather = pydantic_function_tool(GetWeather)

    def generate() -> Iterator[Any]:
        yield weather
        yield {"type": "function", "function": {"name": "plain"}}

    listed = prepare_tools(generate())
    assert isinstance(listed, list) and listed[0] is weather and len(listed) == 2
    assert prepare_tools(omit) is omit
    assert prepare_tools(None) is None

    loose = pydantic_function_tool(Ping)
    loose["function"]["strict"] = False
    with pytest.raises(ValueError, match=r"'Ping'.*no longer strict"):
        prepare_tools([loose])
    with pytest.raises(ValueError, match="Two different models"):
        prepare_tools([weather, pydantic_function_tool(Ping, name="GetWeather")])
    with pytest.raises(TypeError, match="must be a dict"):
        prepare_tools(["GetWeather"])  # type: ignore[list-item]


# ---------------------------------------------------------------------------------------------
# end to end: the steps `client.chat.completions.parse()` takes, against the mock server


class Movie(BaseModel):
    title: str
    year: int
    genres: List[str]
    sequel: Optional[str] = None


def test_parse_steps_against_the_mock_server(mock_server: MockCerebrasServer) -> None:
    client = Cerebras(base_url=mock_server.base_url, api_key="test", warm_tcp_connection=False)
    tools = prepare_tools([pydantic_function_tool(GetWeather)])
    raw = client.chat.completions.with_raw_response.create(
        model="llama3.1-8b",
        messages=[{"role": "user", "content": "recommend a movie"}],
        response_format=to_response_format_param(Movie),  # type: ignore[arg-type]
        tools=tools,
    )
    parsed = parse_chat_completion(
        completion=raw.parse(), response_format=Movie, tools=tools, response=raw.http_response
    )
    movie = parsed.choices[0].message.parsed
    assert isinstance(movie, Movie)
    sent = json.loads(mock_server.last_request.body)
    assert sent["response_format"] == type_to_response_format(Movie)
    assert sent["tools"] == [dict(pydantic_function_tool(GetWeather))]

    # A forced call of the pydantic tool comes back with parsed arguments.
    raw = client.chat.completions.with_raw_response.create(
        model="llama3.1-8b",
        messages=[{"role": "user", "content": "weather?"}],
        tools=tools,
        tool_choice="required",
    )
    parsed_call = parse_chat_completion(
        completion=raw.parse(), response_format=omit, tools=tools, response=raw.http_response
    )
    calls = parsed_call.choices[0].message.tool_calls
    assert calls is not None
    assert isinstance(calls[0].function.parsed_arguments, GetWeather)


def test_parsed_completion_types_are_generic() -> None:
    parsed: ParsedChatCompletion[Review] = parse_chat_completion(
        completion=completion({"content": '{"stars": 5, "mood": "happy", "summary": "great"}'}),
        response_format=Review,
        response=RESPONSE,
    )
    assert type(parsed).__name__ == "ParsedChatCompletion[Review]"
    review: Optional[Review] = parsed.choices[0].message.parsed
    assert review is not None and review.summary == "great"
