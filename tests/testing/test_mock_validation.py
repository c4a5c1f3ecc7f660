"""The mock server validates completion request bodies like the API: 400 naming the field.

Driven through the public SDK client against the ``cerebras_mock`` fixture. The error body is the
API's ``{"error": {"message", "type", "param", "code"}, "status_code": ...}`` (endpoints.md §5.7);
the SDK exposes the inner object as ``exc.body``.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

import httpx
import pytest

from cerebras.cloud.sdk import (
    BadRequestError,
    Cerebras,
    NotFoundError,
    UnprocessableEntityError,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse

MODEL = "llama3.1-8b"
USER = [{"role": "user", "content": "hello"}]
WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


@pytest.fixture
def client(cerebras_mock: MockCerebrasServer) -> Iterator[Cerebras]:
    with Cerebras(
        api_key="test", base_url=cerebras_mock.base_url, warm_tcp_connection=False, max_retries=2
    ) as client:
        yield client


def _chat_error(client: Cerebras, **params: Any) -> Dict[str, Any]:
    params = {"model": MODEL, "messages": USER, **params}
    with pytest.raises(BadRequestError) as caught:
        client.chat.completions.create(**params)
    assert caught.value.status_code == 400
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["type"] == "invalid_request_error"
    return body


# (params, param named in the error, code)
CHAT_CASES: List[Any] = [
    ({"messages": ["hello"]}, "messages.0", "invalid_type"),
    ({"messages": [{"content": "hi"}]}, "messages.0.role", "missing_required_parameter"),
    ({"messages": [{"role": "bot", "content": "hi"}]}, "messages.0.role", "invalid_value"),
    ({"messages": [{"role": "user"}]}, "messages.0.content", "missing_required_parameter"),
    ({"messages": [{"role": "user", "content": 5}]}, "messages.0.content", "invalid_type"),
    ({"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "messages.0.content.0.text", None),
    ({"messages": [*USER, {"role": "tool", "content": "x"}]}, "messages.1.tool_call_id", None),
    (
        {
            "messages": [
                {"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function"}]}
            ]
        },
        "messages.0.tool_calls.0.function",
        "missing_required_parameter",
    ),
    ({"temperature": "hot"}, "temperature", "invalid_type"),
    ({"temperature": 2.5}, "temperature", "invalid_value"),
    ({"top_p": True}, "top_p", "invalid_type"),
    ({"frequency_penalty": -3}, "frequency_penalty", "invalid_value"),
    ({"top_logprobs": 21}, "top_logprobs", "invalid_value"),
    ({"max_completion_tokens": 1.5}, "max_completion_tokens", "invalid_type"),
    ({"n": 0}, "n", "invalid_value"),
    ({"stream": "yes"}, "stream", "invalid_type"),
    ({"reasoning_effort": "max"}, "reasoning_effort", "invalid_value"),
    ({"reasoning_format": "verbose"}, "reasoning_format", "invalid_value"),
    ({"service_tier": "gold"}, "service_tier", "invalid_value"),
    ({"stop": ["a", "b", "c", "d", "e"]}, "stop", "invalid_value"),
    ({"stop": 5}, "stop", "invalid_type"),
    ({"logit_bias": {"50256": "high"}}, "logit_bias.50256", "invalid_type"),
    ({"response_format": {"type": "yaml"}}, "response_format.type", "invalid_value"),
    ({"response_format": {"type": "json_schema"}}, "response_format.json_schema", None),
    ({"tool_choice": "always"}, "tool_choice", "invalid_value"),
    ({"tools": [{"type": "function", "function": {}}]}, "tools.0.function.name", None),
    ({"tools": [{"type": "function", "function": {"name": "f", "parameters": "none"}}]}, None, None),
    ({"stream_options": {"include_usage": "yes"}}, "stream_options.include_usage", None),
]


@pytest.mark.parametrize(("params", "param", "code"), CHAT_CASES)
def test_chat_body_errors_name_the_field(
    client: Cerebras,
    cerebras_mock: MockCerebrasServer,
    params: Dict[str, Any],
    param: Optional[str],
    code: Any,
) -> None:
    body = _chat_error(client, **params)
    if param is None:  # the field is named, whatever its exact path
        param = str(body["param"])
        assert param.split(".")[0] in params
    assert body["param"] == param
    assert param in body["message"]
    if code is not None:
        assert body["code"] == code
    assert len(cerebras_mock.requests) == 1  # a 400 is not retried


def test_issue_examples_are_refused(client: Cerebras) -> None:
    assert _chat_error(client, messages=["hello"])["param"] == "messages.0"
    assert _chat_error(client, messages=[{"content": "hello"}])["param"] == "messages.0.role"
    assert _chat_error(client, temperature="hot")["param"] == "temperature"


def test_error_body_shape(cerebras_mock: MockCerebrasServer) -> None:
    raw = httpx.post(
        cerebras_mock.base_url.rstrip("/") + "/v1/chat/completions",
        json={"model": MODEL, "messages": USER, "temperature": "hot"},
    )
    assert raw.status_code == 400
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.json() == {
        "error": {
            "message": "Invalid type for 'temperature': expected number or null, got string.",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "invalid_type",
        },
        "status_code": 400,
    }


TEXT_CASES: List[Any] = [
    ({"prompt": 5}, "prompt", "invalid_type"),
    ({"prompt": [["a"]]}, "prompt.0.0", "invalid_type"),
    ({"temperature": "hot"}, "temperature", "invalid_type"),
    ({"max_tokens": "ten"}, "max_tokens", "invalid_type"),
    ({"logprobs": True}, "logprobs", "invalid_type"),
    ({"echo": "no"}, "echo", "invalid_type"),
    ({"n": 1000}, "n", "invalid_value"),
]


@pytest.mark.parametrize(("params", "param", "code"), TEXT_CASES)
def test_text_body_errors_name_the_field(
    client: Cerebras, params: Dict[str, Any], param: str, code: str
) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.completions.create(**{"model": MODEL, "prompt": "x", **params})
    body = caught.value.body
    assert isinstance(body, dict)
    assert (body["param"], body["code"]) == (param, code)  # pyright: ignore[reportUnknownArgumentType]


def test_valid_bodies_still_pass(client: Cerebras) -> None:
    full = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Really."}]},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "hello"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA==", "detail": None}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "reasoning": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "done"}]},
            {"role": "user", "content": "thanks"},
        ],
        temperature=0,
        top_p=1,
        frequency_penalty=-2,
        presence_penalty=2.0,
        logit_bias={"1": -100, "2": 100},
        stop="END",
        n=2,
        seed=1,
        reasoning_effort=None,
        service_tier="flex",
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
        tools=[WEATHER],
        tool_choice="none",
        stream_options=None,
        extra_body={"vendor_flag": True},  # unknown keys are accepted (the spec's schema allows them)
    )
    assert isinstance(full, ChatCompletionResponse)
    assert len(full.choices) == 2
    for prompt in ("x", ["a", "b"], [1, 2, 3], [[1], [2, 3]], []):
        text = client.completions.create(model=MODEL, prompt=prompt, logprobs=2, echo=None)
        assert isinstance(text, CompletionResponse)


def test_unknown_model_is_still_a_404_after_a_valid_body(client: Cerebras) -> None:
    with pytest.raises(NotFoundError):
        client.chat.completions.create(model="no-such-model", messages=USER)  # type: ignore[arg-type]
    with pytest.raises(BadRequestError):  # the body is judged first
        client.chat.completions.create(model="no-such-model", messages=["x"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tool_choice": {"type": "function", "function": {"name": "f"}}}, "tool_choice"),
        (
            {"tools": [WEATHER], "tool_choice": {"type": "function", "function": {"name": "other"}}},
            "tool_choice.function.name",
        ),
    ],
)
def test_tool_choice_that_cannot_be_honoured_is_a_422(
    client: Cerebras, cerebras_mock: MockCerebrasServer, params: Dict[str, Any], param: str
) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        client.chat.completions.create(model=MODEL, messages=USER, **params)
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["type"] == "unprocessable_entity_error"
    assert body["param"] == param
    assert "tool_choice" in str(body["message"])
    assert len(cerebras_mock.requests) == 1  # a 422 is not retried


def test_streamed_request_is_validated_before_streaming(client: Cerebras) -> None:
    with pytest.raises(BadRequestError, match=r"messages\.0\.role"):
        client.chat.completions.create(model=MODEL, messages=[{"content": "x"}], stream=True)


def test_scripted_replies_do_not_validate(cerebras_mock: MockCerebrasServer, client: Cerebras) -> None:
    cerebras_mock.add_reply("scripted")
    reply = client.chat.completions.create(model=MODEL, messages=["hello"])  # type: ignore[list-item]
    assert isinstance(reply, ChatCompletionResponse)
    assert reply.choices[0].message.content == "scripted"
