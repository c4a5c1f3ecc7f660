"""The mock server's tool rule, through the public SDK client against the ``cerebras_mock`` fixture.

Rule: with ``tools`` and ``tool_choice`` absent or ``"auto"``, the mock calls every tool whose name
the last message (a user message) mentions; ``"required"`` calls the mentioned tools or else the
first one; a named function is always called; ``"none"`` never calls. Arguments are generated
from the tool's ``parameters`` schema and valid against it; ``name=value`` pairs in the user
message supply values. After a ``tool`` result the mock answers with text.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional

import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.testing import MockCerebrasServer, example_from_schema
from cerebras.cloud.sdk.testing._schema import validate
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse

MODEL = "llama3.1-8b"

WEATHER_PARAMS: Dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["city", "unit"],
    "additionalProperties": False,
}
SEARCH_PARAMS: Dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "minLength": 3},
        "filters": {
            "type": "object",
            "properties": {
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": True},
                "since": {"type": "string", "format": "date"},
                "exact": {"type": "boolean"},
            },
            "required": ["tags"],
        },
        "limit": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}]},
        "sort": {"$ref": "#/$defs/Sort"},
    },
    "required": ["query", "filters", "limit", "sort"],
    "$defs": {"Sort": {"enum": ["relevance", "date"]}},
}
TOOLS: List[Dict[str, Any]] = [
    {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER_PARAMS}},
    {"type": "function", "function": {"name": "search", "parameters": SEARCH_PARAMS}},
    {"type": "function", "function": {"name": "ping"}},  # no parameters at all
]
PARAMS = {"get_weather": WEATHER_PARAMS, "search": SEARCH_PARAMS, "ping": {"type": "object"}}


@pytest.fixture
def client(cerebras_mock: MockCerebrasServer) -> Iterator[Cerebras]:
    with Cerebras(api_key="test", base_url=cerebras_mock.base_url, warm_tcp_connection=False) as client:
        yield client


def user(text: str) -> List[Dict[str, Any]]:
    return [{"role": "user", "content": text}]


def ask(client: Cerebras, messages: List[Dict[str, Any]], **params: Any) -> ChatCompletionResponse:
    params.setdefault("tools", TOOLS)
    reply = client.chat.completions.create(model=MODEL, messages=messages, **params)  # type: ignore[arg-type]
    assert isinstance(reply, ChatCompletionResponse)
    return reply


def calls_of(reply: ChatCompletionResponse) -> List[Dict[str, Any]]:
    """``[{"id", "name", "arguments"}]`` of the first choice, arguments decoded and schema-checked."""
    message = reply.choices[0].message
    out: List[Dict[str, Any]] = []
    for call in message.tool_calls or []:
        name = call.function.name or ""
        arguments = json.loads(call.function.arguments or "")
        assert validate(arguments, PARAMS[name]) is None, (name, arguments)
        out.append({"id": call.id, "name": name, "arguments": arguments})
    if out:
        assert reply.choices[0].finish_reason == "tool_calls"
        assert message.content is None
    return out


def test_auto_calls_the_tool_the_user_names(client: Cerebras) -> None:
    for choice in ({}, {"tool_choice": "auto"}):
        reply = ask(client, user("Please use get_weather for Paris"), **choice)
        [call] = calls_of(reply)
        assert call["name"] == "get_weather"
        assert call["id"] == "call_1"
        assert call["arguments"] == {"city": "example", "unit": "celsius", "days": 1}


def test_auto_answers_with_text_when_no_tool_is_named(client: Cerebras) -> None:
    for text in ("What's the weather like?", "get_weathers is not a tool name", "research it"):
        reply = ask(client, user(text))
        assert calls_of(reply) == []
        assert reply.choices[0].finish_reason == "stop"
        assert reply.choices[0].message.content == f"You said: {text}"


def test_names_match_as_whole_words_in_any_case(client: Cerebras) -> None:
    assert [c["name"] for c in calls_of(ask(client, user("GET_WEATHER, now!")))] == ["get_weather"]
    assert [c["name"] for c in calls_of(ask(client, user("(ping)")))] == ["ping"]


def test_several_named_tools_are_called_in_order_of_mention(client: Cerebras) -> None:
    reply = ask(client, user("First search, then get_weather, then ping."))
    calls = calls_of(reply)
    assert [(c["id"], c["name"]) for c in calls] == [
        ("call_1", "search"),
        ("call_2", "get_weather"),
        ("call_3", "ping"),
    ]
    assert calls[2]["arguments"] == {}
    only_first = ask(client, user("search then get_weather"), parallel_tool_calls=False)
    assert [c["name"] for c in calls_of(only_first)] == ["search"]


def test_arguments_are_valid_for_nested_schemas(client: Cerebras) -> None:
    [call] = calls_of(ask(client, user("search")))
    assert call["arguments"] == {
        "query": "example",
        "filters": {"tags": ["example", "example2"], "since": "2024-01-01", "exact": True},
        "limit": 1,
        "sort": "relevance",
    }


def test_name_value_pairs_fill_the_arguments(client: Cerebras) -> None:
    text = "get_weather city=\"New York\" unit=fahrenheit days=3, and search query='cheap flights' filters.tags=a,b sort=date."
    calls = calls_of(ask(client, user(text)))
    assert calls[0]["arguments"] == {"city": "New York", "unit": "fahrenheit", "days": 3}
    assert calls[1]["arguments"]["query"] == "cheap flights"
    assert calls[1]["arguments"]["filters"]["tags"] == ["a", "b"]
    assert calls[1]["arguments"]["sort"] == "date"


def test_values_that_break_the_schema_are_not_used(client: Cerebras) -> None:
    [call] = calls_of(ask(client, user("get_weather unit=kelvin days=99 city=Oslo")))
    assert call["arguments"] == {"city": "Oslo", "unit": "celsius", "days": 1}


def test_none_never_calls(client: Cerebras) -> None:
    reply = ask(client, user("get_weather please"), tool_choice="none")
    assert calls_of(reply) == []
    assert reply.choices[0].message.content == "You said: get_weather please"


def test_required_calls_the_named_tool_or_the_first(client: Cerebras) -> None:
    assert [c["name"] for c in calls_of(ask(client, user("hi"), tool_choice="required"))] == ["get_weather"]
    named = ask(client, user("use search"), tool_choice="required")
    assert [c["name"] for c in calls_of(named)] == ["search"]


def test_a_named_function_is_always_called(client: Cerebras) -> None:
    choice = {"type": "function", "function": {"name": "search"}}
    reply = ask(client, user("get_weather query=abc"), tool_choice=choice)
    [call] = calls_of(reply)
    assert call["name"] == "search"
    assert call["arguments"]["query"] == "abc"


def _tool_loop(client: Cerebras, first: str, **params: Any) -> List[ChatCompletionResponse]:
    messages: List[Dict[str, Any]] = user(first)
    replies: List[ChatCompletionResponse] = []
    for _ in range(5):
        reply = ask(client, messages, **params)
        replies.append(reply)
        message = reply.choices[0].message
        if not message.tool_calls:
            return replies
        messages.append(message.model_dump(exclude_none=True))
        for call in message.tool_calls:
            messages.append({"role": "tool", "tool_call_id": call.id, "content": '{"ok": true}'})
    raise AssertionError("the tool loop did not end")


def test_after_a_tool_result_the_answer_is_text(client: Cerebras) -> None:
    replies = _tool_loop(client, "get_weather city=Oslo")
    assert len(replies) == 2
    assert calls_of(replies[0])[0]["arguments"]["city"] == "Oslo"
    final = replies[1].choices[0]
    assert final.finish_reason == "stop"
    assert final.message.content == "You said: get_weather city=Oslo"


def test_a_new_user_turn_can_call_again(client: Cerebras) -> None:
    messages = user("get_weather")
    first = ask(client, messages).choices[0].message
    messages += [
        first.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        {"role": "user", "content": "now ping"},
    ]
    assert [c["name"] for c in calls_of(ask(client, messages))] == ["ping"]


def _streamed_calls(chunks: List[Any]) -> List[Dict[str, Any]]:
    """Reassemble the tool calls of choice 0 from stream deltas, as a user would."""
    calls: Dict[int, Dict[str, Any]] = {}
    finish: Optional[str] = None
    for chunk in chunks:
        for choice in chunk.choices:
            finish = choice.finish_reason or finish
            for fragment in choice.delta.tool_calls or []:
                call = calls.setdefault(fragment.index or 0, {"id": None, "name": "", "arguments": ""})
                call["id"] = fragment.id or call["id"]
                if fragment.function is not None:
                    call["name"] += fragment.function.name or ""
                    call["arguments"] += fragment.function.arguments or ""
    assert finish == "tool_calls"
    return [calls[k] for k in sorted(calls)]


def test_streamed_tool_calls_arrive_as_fragments(client: Cerebras) -> None:
    text = "search query=streaming then get_weather city=Lyon"
    with client.chat.completions.create(model=MODEL, messages=user(text), tools=TOOLS, stream=True) as stream:  # type: ignore[arg-type]
        chunks = list(stream)
    fragments = sum(len(c.choices[0].delta.tool_calls or []) for c in chunks if c.choices)
    calls = _streamed_calls(chunks)
    assert fragments > len(calls)  # the arguments were split over several deltas
    assert [(c["id"], c["name"]) for c in calls] == [("call_1", "search"), ("call_2", "get_weather")]
    for call in calls:
        arguments = json.loads(call["arguments"])
        assert validate(arguments, PARAMS[call["name"]]) is None
    assert json.loads(calls[0]["arguments"])["query"] == "streaming"
    assert json.loads(calls[1]["arguments"])["city"] == "Lyon"


@pytest.mark.anyio
async def test_async_streamed_tool_call(cerebras_mock: MockCerebrasServer) -> None:
    async with AsyncCerebras(
        api_key="test", base_url=cerebras_mock.base_url, warm_tcp_connection=False
    ) as client:
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=user("ping"),  # type: ignore[arg-type]
            tools=TOOLS,  # type: ignore[arg-type]
            stream=True,
        )
        chunks = [chunk async for chunk in stream]
    assert _streamed_calls(chunks) == [{"id": "call_1", "name": "ping", "arguments": "{}"}]


SCHEMAS: List[Dict[str, Any]] = [
    WEATHER_PARAMS,
    SEARCH_PARAMS,
    {"type": "object", "properties": {"x": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}},
    {"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "integer", "maximum": 2}, "minItems": 3, "uniqueItems": True}}},
    {"type": "object", "properties": {"v": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
    {"type": "object", "properties": {"s": {"type": "string", "minLength": 12, "maxLength": 12}}},
    {"type": "object", "properties": {"p": {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}}, {"required": ["b"]}]}}},
    {"type": "object", "properties": {"t": {"type": ["null", "boolean"]}, "c": {"const": 3}, "e": {"enum": [None, "x"]}}},
]  # fmt: skip


@pytest.mark.parametrize("schema", SCHEMAS)
def test_generated_arguments_validate(schema: Dict[str, Any]) -> None:
    assert validate(example_from_schema(schema), schema) is None


def test_validator_rejects_what_it_should() -> None:
    bad = [
        ({"city": "x"}, WEATHER_PARAMS, "unit"),
        ({"city": "x", "unit": "celsius", "extra": 1}, WEATHER_PARAMS, "extra"),
        ({"city": "x", "unit": "celsius", "days": 8}, WEATHER_PARAMS, "days"),
        ({"city": "x", "unit": "celsius", "days": True}, WEATHER_PARAMS, "days"),
        ({"ids": [1, 1, 2]}, SCHEMAS[3], "ids"),
        ({"v": 1.5}, SCHEMAS[4], "v"),
    ]
    for value, schema, path in bad:
        error = validate(value, schema)
        assert error is not None and error.path == path, (value, error)
