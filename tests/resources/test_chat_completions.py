"""`chat.completions.create`: the request on the wire and the value the reply becomes.

Every test runs three times (see `conftest.py`): the blocking client, and the async client on
asyncio and on trio. The samples are those of endpoints.md §5.1-5.3.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Dict, List

import httpx
import pydantic
import pytest
import respx

from cerebras.cloud.sdk import (
    APIResponseValidationError,
    AsyncCerebras,
    AsyncStream,
    Cerebras,
    Stream,
    __version__,
    omit,
)
from cerebras.cloud.sdk.resources.chat import AsyncCompletionsResource, CompletionsResource
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatCompletionResponse,
    ErrorChunkResponse,
)

from ._support import body_of, collect, resolve, sse

pytestmark = pytest.mark.anyio

PATH = "/v1/chat/completions"

# endpoints.md §5.1
SAMPLE_5_1: Dict[str, Any] = {
    "id": "chatcmpl-5d1c2a9e",
    "object": "chat.completion",
    "created": 1733000000,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp_3f2a1b",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "7"}}],
    "usage": {
        "prompt_tokens": 24,
        "completion_tokens": 2,
        "total_tokens": 26,
        "prompt_tokens_details": {"cached_tokens": 0},
    },
    "time_info": {
        "queue_time": 0.00012,
        "prompt_time": 0.0009,
        "completion_time": 0.0011,
        "total_time": 0.0034,
        "created": 1733000000.123,
    },
}

# endpoints.md §5.2
TOOL_REPLY: Dict[str, Any] = {
    "id": "chatcmpl-77",
    "object": "chat.completion",
    "created": 1733000100,
    "model": "gpt-oss-120b",
    "system_fingerprint": "fp_9",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
        }
    ],
}

WEATHER_TOOL: Dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
        "strict": True,
    },
}

# The body keys in declaration order (endpoints.md §1), with a value for each.
ALL_PARAMS: Dict[str, Any] = {
    "messages": [{"role": "user", "content": "hi"}],
    "model": "llama3.1-8b",
    "clear_thinking": True,
    "disable_reasoning": False,
    "frequency_penalty": 0.5,
    "logit_bias": {"50256": -100.0},
    "logprobs": True,
    "max_completion_tokens": 16,
    "max_tokens": 32,
    "min_completion_tokens": 1,
    "min_tokens": 2,
    "model_parameters": {"k": "v"},
    "n": 1,
    "parallel_tool_calls": False,
    "prediction": {"type": "content", "content": "x"},
    "presence_penalty": -0.5,
    "prompt_cache_key": "pck",
    "reasoning_effort": "none",
    "reasoning_format": "parsed",
    "response_format": {"type": "json_object"},
    "seed": 7,
    "service_tier": "flex",
    "stop": ["\n", "END"],
    "stream": False,
    "stream_options": {"include_usage": True},
    "temperature": 0.2,
    "tool_choice": {"type": "function", "function": {"name": "f"}},
    "tools": [{"type": "function", "function": {"name": "f"}}],
    "top_logprobs": 3,
    "top_p": 0.9,
    "user": "u-1",
}
DECLARATION_ORDER: List[str] = list(ALL_PARAMS)
# The official three, then `queue_threshold` (service tiers, beyond the official SDK).
HEADER_PARAMS = ["cf_ray", "x_amz_cf_id", "x_delay_time", "queue_threshold"]
CALL_OPTIONS = ["extra_headers", "extra_query", "extra_body", "timeout"]

MINIMAL: Dict[str, Any] = {"model": "llama3.1-8b", "messages": [{"role": "user", "content": "hi"}]}


async def create(client: Cerebras | AsyncCerebras, **params: Any) -> Any:
    return await resolve(client.chat.completions.create(**params))


def user_agent(client: Cerebras | AsyncCerebras) -> str:
    return f"{type(client).__name__}/Python {__version__}"


# ------------------------------------------------------------------ the request


async def test_example_5_1_exact_request_and_result(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    result = await create(
        any_client,
        model="llama3.1-8b",
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Name a prime."},
        ],
        max_completion_tokens=16,
        temperature=None,
        cf_ray="8f1e0c-SJC",
    )

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "POST"
    assert request.url == "http://127.0.0.1:4010/v1/chat/completions"
    assert request.content == (
        b'{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a prime."}],'
        b'"model":"llama3.1-8b","max_completion_tokens":16,"temperature":null}'
    )
    headers = request.headers
    assert headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == user_agent(any_client)
    assert headers["Authorization"] == "Bearer csk-example"
    assert headers["X-Stainless-Async"] == ("false" if flavor == "sync" else f"async:{flavor}")
    assert headers["CF-RAY"] == "8f1e0c-SJC"
    assert headers["x-stainless-retry-count"] == "0"
    assert headers["x-stainless-read-timeout"] == "60"
    for absent in ("X-Amz-Cf-Id", "X-delay-time", "X-Stainless-Raw-Response", "Idempotency-Key"):
        assert absent not in headers
    assert [k for k, _ in headers.raw if k.lower() == b"cf-ray"] == [b"CF-RAY"]

    assert type(result) is ChatCompletionResponse
    assert result.id == "chatcmpl-5d1c2a9e"
    assert result.object == "chat.completion"
    assert result.created == 1733000000
    assert result.system_fingerprint == "fp_3f2a1b"
    assert result.choices[0].index == 0
    assert result.choices[0].finish_reason == "stop"
    assert result.choices[0].message.role == "assistant"
    assert result.choices[0].message.content == "7"
    assert result.usage is not None
    assert (result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.total_tokens) == (
        24,
        2,
        26,
    )
    assert result.usage.prompt_tokens_details is not None
    assert result.usage.prompt_tokens_details.cached_tokens == 0
    assert result.time_info is not None
    assert result.time_info.total_time == 0.0034
    assert result.time_info.queue_time == 0.00012
    assert result.time_info.created == 1733000000.123
    assert "service_tier" not in result.model_fields_set
    assert result.service_tier is None


async def test_example_5_2_tools_request_and_tool_call_result(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=TOOL_REPLY)

    result = await create(
        any_client,
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        model="gpt-oss-120b",
        tool_choice="auto",
        tools=[WEATHER_TOOL],
    )

    assert route.calls.last.request.content == (
        b'{"messages":[{"role":"user","content":"Weather in Paris?"}],"model":"gpt-oss-120b",'
        b'"tool_choice":"auto",'
        b'"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",'
        b'"parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},'
        b'"strict":true}}]}'
    )
    assert type(result) is ChatCompletionResponse
    choice = result.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert "content" in choice.message.model_fields_set
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert (call.id, call.type, call.function.name) == ("call_1", "function", "get_weather")
    assert json.loads(call.function.arguments) == {"city": "Paris"}

    # The returned message goes back as it came (only the keys the server sent), next to a tool result.
    await create(
        any_client,
        model="gpt-oss-120b",
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            choice.message,
            {"role": "tool", "tool_call_id": "call_1", "content": "18°C, cloudy"},
        ],
    )
    follow_up = route.calls.last.request
    assert "18°C, cloudy".encode() in follow_up.content  # non-ASCII sent raw (ensure_ascii=False)
    assert body_of(follow_up)["messages"] == [
        {"role": "user", "content": "Weather in Paris?"},
        TOOL_REPLY["choices"][0]["message"],
        {"role": "tool", "tool_call_id": "call_1", "content": "18°C, cloudy"},
    ]
    sent_message = body_of(follow_up)["messages"][1]
    assert list(sent_message) == ["role", "content", "tool_calls"]


async def test_body_keys_follow_declaration_order_whatever_the_call_order(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)
    reversed_kwargs = dict(reversed(list(ALL_PARAMS.items())))

    await create(any_client, **reversed_kwargs)

    body = body_of(route.calls.last.request)
    assert list(body) == DECLARATION_ORDER
    assert body == ALL_PARAMS


async def test_explicit_none_is_sent_as_null_for_every_optional_param(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)
    optional = {name: None for name in DECLARATION_ORDER[2:]}

    await create(any_client, model="m", messages=[], **optional)

    expected = '{"messages":[],"model":"m",' + ",".join(f'"{k}":null' for k in optional) + "}"
    assert route.calls.last.request.content == expected.encode()


async def test_omitted_params_are_absent(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    await create(any_client, **MINIMAL)
    await create(any_client, **MINIMAL, temperature=omit, stream=omit, user=omit)

    assert route.call_count == 2
    for call in route.calls:
        assert call.request.content == b'{"messages":[{"role":"user","content":"hi"}],"model":"llama3.1-8b"}'


@pytest.mark.parametrize(("stream", "wire"), [(False, b'"stream":false'), (None, b'"stream":null')])
async def test_stream_false_or_none_is_sent_as_given_and_returns_a_model(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, stream: Any, wire: bytes
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    result = await create(any_client, **MINIMAL, stream=stream)

    assert route.calls.last.request.content.endswith(b"," + wire + b"}")
    assert type(result) is ChatCompletionResponse


async def test_stream_true_is_sent_and_returns_a_stream(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [{"index": 0, "delta": {"content": "hi"}}],
    }
    route = router.post(PATH).respond(200, content=sse(chunk), headers={"content-type": "text/event-stream"})

    stream = await create(any_client, **MINIMAL, stream=True, stream_options={"include_usage": True})

    request = route.calls.last.request
    assert request.content.endswith(b',"stream":true,"stream_options":{"include_usage":true}}')
    assert request.headers["Accept"] == "application/json"
    assert type(stream) is (Stream if flavor == "sync" else AsyncStream)
    items = await collect(stream)
    assert [type(i) for i in items] == [ChatChunkResponse]
    assert items[0].choices[0].delta.content == "hi"


async def test_iterables_become_arrays_and_a_bare_stop_string_stays_a_string(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    def messages() -> Any:
        yield {"role": "user", "content": "a"}
        yield {"role": "user", "content": "b"}

    await create(any_client, model="m", messages=messages(), tools=(WEATHER_TOOL,), stop="STOP")
    body = body_of(route.calls.last.request)
    assert body["messages"] == [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    assert body["tools"] == [WEATHER_TOOL]
    assert body["stop"] == "STOP"

    await create(any_client, model="m", messages=(), stop=("x", "y"))
    body = body_of(route.calls.last.request)
    assert body["messages"] == []
    assert body["stop"] == ["x", "y"]


# ------------------------------------------------------------------ header params and per-call options


@pytest.mark.parametrize(("delay", "wire"), [(1.5, "1.5"), (0, "0"), (0.0, "0.0"), (2, "2")])
async def test_header_params_become_headers_never_body_keys(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, delay: float, wire: str
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    await create(any_client, **MINIMAL, cf_ray="ray-1", x_amz_cf_id="amz-2", x_delay_time=delay)

    request = route.calls.last.request
    assert request.headers["CF-RAY"] == "ray-1"
    assert request.headers["X-Amz-Cf-Id"] == "amz-2"
    assert request.headers["X-delay-time"] == wire
    names = [k for k, _ in request.headers.raw]
    assert b"CF-RAY" in names and b"X-Amz-Cf-Id" in names and b"X-delay-time" in names
    assert set(body_of(request)) == {"messages", "model"}


@pytest.mark.parametrize("spelling", ["CF-RAY", "cf-ray"])
async def test_extra_headers_override_header_params(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, spelling: str
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    await create(
        any_client,
        **MINIMAL,
        cf_ray="from-param",
        x_delay_time=3.0,
        extra_headers={spelling: "from-extra", "X-delay-time": omit, "X-Custom": "yes"},
    )

    request = route.calls.last.request
    assert request.headers.get_list("cf-ray") == ["from-extra"]
    assert "X-delay-time" not in request.headers
    assert request.headers["X-Custom"] == "yes"


async def test_extra_query_extra_body_and_timeout(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    await create(
        any_client,
        **MINIMAL,
        temperature=0.5,
        user="u",
        extra_query={"trace": "yes", "n": 2},
        extra_body={"temperature": None, "brand_new": [1, 2], "user": omit},
        timeout=20.0,
    )

    request = route.calls.last.request
    assert request.url.params == httpx.QueryParams({"trace": "yes", "n": "2"})
    # Existing keys are replaced in place, new ones appended, `omit` removes a key.
    assert request.content == (
        b'{"messages":[{"role":"user","content":"hi"}],"model":"llama3.1-8b",'
        b'"temperature":null,"brand_new":[1,2]}'
    )
    assert request.headers["x-stainless-read-timeout"] == "20.0"
    assert request.extensions["timeout"] == {"connect": 20.0, "read": 20.0, "write": 20.0, "pool": 20.0}


@pytest.mark.parametrize(
    ("timeout", "header", "read"),
    [(httpx.Timeout(10, read=3.5), "3.5", 3.5), (None, None, None)],
)
async def test_per_call_timeout_object_or_none(
    any_client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    timeout: Any,
    header: str | None,
    read: float | None,
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    await create(any_client, **MINIMAL, timeout=timeout)

    request = route.calls.last.request
    assert request.headers.get("x-stainless-read-timeout") == header
    assert request.extensions["timeout"]["read"] == read


# ------------------------------------------------------------------ bad calls fail before any I/O


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "m"},  # no messages
        {"messages": []},  # no model
        {"model": "m", "messages": [], "temprature": 0.1},  # misspelt
        {"model": "m", "messages": [], "CF-RAY": "x"},  # the header name is not a parameter
    ],
)
async def test_missing_or_unknown_params_raise_type_error_without_a_request(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, kwargs: Dict[str, Any]
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)

    with pytest.raises(TypeError):
        await create(any_client, **kwargs)
    with pytest.raises(TypeError):
        await resolve(any_client.chat.completions.with_raw_response.create(**kwargs))

    assert route.call_count == 0
    assert len(router.calls) == 0


async def test_positional_arguments_are_refused(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)
    create_fn: Any = any_client.chat.completions.create
    with pytest.raises(TypeError):
        await resolve(create_fn([{"role": "user", "content": "hi"}], "m"))
    assert route.call_count == 0


def test_signature_lists_params_in_declaration_order() -> None:
    expected = DECLARATION_ORDER + HEADER_PARAMS + CALL_OPTIONS
    for cls in (CompletionsResource, AsyncCompletionsResource):
        params = list(inspect.signature(cls.create).parameters.values())
        assert [p.name for p in params[1:]] == expected
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
        required = [p.name for p in params[1:] if p.default is inspect.Parameter.empty]
        assert required == ["messages", "model"]


# ------------------------------------------------------------------ what the body becomes


async def test_a_200_error_body_becomes_an_error_chunk_response(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(
        200,
        json={
            "error": {"message": "upstream failed", "type": "server_error", "code": "x"},
            "status_code": 500,
        },
    )

    result = await create(any_client, **MINIMAL)

    assert type(result) is ErrorChunkResponse
    assert result.status_code == 500
    assert result.error.message == "upstream failed"
    assert result.error.type == "server_error"
    assert result.error.code == "x"


async def test_a_chunk_shaped_body_becomes_a_chat_chunk_response(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(
        200,
        json={
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "eos"}],
        },
    )

    result = await create(any_client, **MINIMAL)

    assert type(result) is ChatChunkResponse
    assert result.choices[0].delta.content == "x"
    assert result.choices[0].finish_reason == "eos"


@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8", None])
async def test_non_json_content_type_returns_the_text(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, content_type: str | None
) -> None:
    text = json.dumps(SAMPLE_5_1)
    headers = {} if content_type is None else {"content-type": content_type}
    router.post(PATH).mock(return_value=httpx.Response(200, content=text.encode(), headers=headers))

    result = await create(any_client, **MINIMAL)

    assert result == text
    assert type(result) is str


async def test_non_json_content_type_is_a_validation_error_in_strict_mode(
    any_strict_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(200, text="not json at all", headers={"content-type": "text/plain"})

    with pytest.raises(APIResponseValidationError) as info:
        await create(any_strict_client, **MINIMAL)

    assert str(info.value) == (
        "Expected Content-Type response header to be `application/json` but received `text/plain` instead."
    )
    assert info.value.body == "not json at all"
    assert info.value.status_code == 200


async def test_json_media_type_suffix_counts_as_json(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(
        200, content=json.dumps(SAMPLE_5_1).encode(), headers={"content-type": "application/vnd.x+json"}
    )
    result = await create(any_client, **MINIMAL)
    assert type(result) is ChatCompletionResponse


WEIRD: Dict[str, Any] = {
    "id": 12,
    "object": "chat.completion",
    "created": "yesterday",
    "choices": [{"index": 0, "finish_reason": "gave_up", "message": {"role": "robot", "content": "hm"}}],
    "surprise": {"nested": True},
}


async def test_weird_data_is_still_returned_in_non_strict_mode(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(200, json=WEIRD)

    result = await create(any_client, **MINIMAL)

    assert type(result) is ChatCompletionResponse
    assert result.created == "yesterday"
    assert result.choices[0].finish_reason == "gave_up"
    assert result.choices[0].message.content == "hm"
    assert result.model_extra == {"surprise": {"nested": True}}
    assert "model" not in result.model_fields_set


async def test_weird_data_is_a_validation_error_in_strict_mode(
    any_strict_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(200, json=WEIRD)

    with pytest.raises(APIResponseValidationError) as info:
        await create(any_strict_client, **MINIMAL)

    assert str(info.value) == "Data returned by API invalid for expected schema."
    assert info.value.body == WEIRD
    assert info.value.response.status_code == 200
    assert isinstance(info.value.__cause__, pydantic.ValidationError)


async def test_strict_mode_accepts_valid_data(
    any_strict_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(200, json=SAMPLE_5_1)
    result = await create(any_strict_client, **MINIMAL)
    assert type(result) is ChatCompletionResponse
    assert result.time_info is not None and result.time_info.total_time == 0.0034


# ------------------------------------------------------------------ wrappers reach the same method


async def test_every_raw_response_path_sends_the_same_request(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_1)
    paths = [
        any_client.chat.completions.with_raw_response.create,
        any_client.chat.with_raw_response.completions.create,
        any_client.with_raw_response.chat.completions.create,
    ]
    for fn in paths:
        raw = await resolve(fn(**MINIMAL, cf_ray="r"))
        parsed = await resolve(raw.parse())
        assert type(parsed) is ChatCompletionResponse
        assert parsed.choices[0].message.content == "7"
    assert route.call_count == 3
    for call in route.calls:
        assert call.request.headers["X-Stainless-Raw-Response"] == "raw"
        assert call.request.headers["CF-RAY"] == "r"
        assert call.request.content == route.calls[0].request.content
