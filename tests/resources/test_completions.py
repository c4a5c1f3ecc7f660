"""`completions.create` (text completions): the request on the wire and the value the reply becomes.

Every test runs with the blocking client and with the async client on asyncio and trio. The
samples are those of endpoints.md §5.4 and §5.5.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Dict, List

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
from cerebras.cloud.sdk.resources import AsyncCompletionsResource, CompletionsResource
from cerebras.cloud.sdk.types.completion import CompletionResponse, ErrorChunkResponse

from ._support import body_of, collect, resolve, sse

pytestmark = pytest.mark.anyio

PATH = "/v1/completions"

# endpoints.md §5.4
SAMPLE_5_4: Dict[str, Any] = {
    "id": "cmpl-19",
    "object": "text_completion",
    "created": 1733000300,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp_3f2a1b",
    "choices": [{"index": 0, "text": " night; the rain", "finish_reason": "length"}],
    "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12},
}

LOGPROBS: Dict[str, Any] = {
    "tokens": [" night"],
    "token_logprobs": [-0.2],
    "top_logprobs": [{" night": -0.2, " day": -2.1}],
    "text_offset": [24],
}

ALL_PARAMS: Dict[str, Any] = {
    "model": "llama3.1-8b",
    "prompt": "Once",
    "best_of": 3,
    "echo": True,
    "frequency_penalty": 0.1,
    "grammar_root": "root",
    "logit_bias": {"42": 1.5},
    "logprobs": 2,
    "max_tokens": 5,
    "min_tokens": -1,
    "n": 2,
    "presence_penalty": 0.2,
    "prompt_cache_key": "k",
    "reasoning_format": "hidden",
    "return_raw_tokens": False,
    "seed": 11,
    "stop": "\n",
    "stream": False,
    "stream_options": {"include_usage": False},
    "suffix": "end",
    "temperature": 0.0,
    "top_p": 1.0,
    "user": "me",
}
DECLARATION_ORDER: List[str] = list(ALL_PARAMS)
# The official three, then `queue_threshold` (service tiers, beyond the official SDK).
HEADER_PARAMS = ["cf_ray", "x_amz_cf_id", "x_delay_time", "queue_threshold"]
CALL_OPTIONS = ["extra_headers", "extra_query", "extra_body", "timeout"]

MINIMAL: Dict[str, Any] = {"model": "llama3.1-8b", "prompt": "It was a dark and stormy"}


async def create(client: Cerebras | AsyncCerebras, **params: Any) -> Any:
    return await resolve(client.completions.create(**params))


async def test_example_5_4_exact_request_and_result(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)

    result = await create(any_client, model="llama3.1-8b", prompt="It was a dark and stormy", max_tokens=5)

    request = route.calls.last.request
    assert request.method == "POST"
    assert request.url == "http://127.0.0.1:4010/v1/completions"
    assert request.content == b'{"model":"llama3.1-8b","prompt":"It was a dark and stormy","max_tokens":5}'
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == f"{type(any_client).__name__}/Python {__version__}"
    assert request.headers["X-Stainless-Async"] == ("false" if flavor == "sync" else f"async:{flavor}")
    assert request.headers["x-stainless-retry-count"] == "0"

    assert type(result) is CompletionResponse
    assert result.choices[0].text == " night; the rain"
    assert result.choices[0].finish_reason == "length"
    assert result.object == "text_completion"
    assert result.usage is not None and result.usage.total_tokens == 12
    assert "time_info" not in result.model_fields_set


async def test_token_prompts_become_nested_arrays(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)

    await create(any_client, model="llama3.1-8b", prompt=[[1, 2], (3, 4)])
    assert route.calls.last.request.content == b'{"model":"llama3.1-8b","prompt":[[1,2],[3,4]]}'

    await create(any_client, model="m", prompt=(t for t in (5, 6, 7)))
    assert body_of(route.calls.last.request)["prompt"] == [5, 6, 7]

    await create(any_client, model="m", prompt=("a", "b"))
    assert body_of(route.calls.last.request)["prompt"] == ["a", "b"]


async def test_logprobs_sample_parses(any_client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    reply = json.loads(json.dumps(SAMPLE_5_4))
    reply["choices"][0]["logprobs"] = LOGPROBS
    route = router.post(PATH).respond(200, json=reply)

    result = await create(any_client, **MINIMAL, logprobs=2)

    assert route.calls.last.request.content.endswith(b',"logprobs":2}')
    logprobs = result.choices[0].logprobs
    assert logprobs is not None
    assert logprobs.tokens == [" night"]
    assert logprobs.token_logprobs == [-0.2]
    assert logprobs.top_logprobs == [{" night": -0.2, " day": -2.1}]
    assert logprobs.text_offset == [24]


async def test_body_keys_follow_declaration_order(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)

    await create(any_client, **dict(reversed(list(ALL_PARAMS.items()))))

    body = body_of(route.calls.last.request)
    assert list(body) == DECLARATION_ORDER
    assert body == ALL_PARAMS


async def test_explicit_none_is_null_and_omitted_is_absent(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)
    optional = {name: None for name in DECLARATION_ORDER[2:]}

    await create(any_client, model="m", prompt="p", **optional)
    expected = '{"model":"m","prompt":"p",' + ",".join(f'"{k}":null' for k in optional) + "}"
    assert route.calls.last.request.content == expected.encode()

    await create(any_client, model="m", prompt="p", echo=omit, suffix=omit)
    assert route.calls.last.request.content == b'{"model":"m","prompt":"p"}'


@pytest.mark.parametrize(("stream", "wire"), [(False, b'"stream":false'), (None, b'"stream":null')])
async def test_stream_false_or_none_sent_as_given(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, stream: Any, wire: bytes
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)
    result = await create(any_client, **MINIMAL, stream=stream)
    assert route.calls.last.request.content.endswith(b"," + wire + b"}")
    assert type(result) is CompletionResponse


async def test_stream_true_returns_a_stream_of_completion_responses(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    first = {
        "id": "cmpl-20",
        "object": "text_completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "text": "a"}],
    }
    route = router.post(PATH).respond(
        200, content=sse(first, first), headers={"content-type": "text/event-stream"}
    )

    stream = await create(any_client, **MINIMAL, stream=True)

    assert route.calls.last.request.content.endswith(b',"stream":true}')
    assert type(stream) is (Stream if flavor == "sync" else AsyncStream)
    items = await collect(stream)
    assert [type(i) for i in items] == [CompletionResponse, CompletionResponse]
    assert "".join(i.choices[0].text for i in items) == "aa"


@pytest.mark.parametrize(("delay", "wire"), [(1.5, "1.5"), (0, "0"), (0.25, "0.25")])
async def test_header_params(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, delay: float, wire: str
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)

    await create(any_client, **MINIMAL, cf_ray="r", x_amz_cf_id="a", x_delay_time=delay)

    request = route.calls.last.request
    assert (request.headers["CF-RAY"], request.headers["X-Amz-Cf-Id"], request.headers["X-delay-time"]) == (
        "r",
        "a",
        wire,
    )
    assert set(body_of(request)) == {"model", "prompt"}

    await create(any_client, **MINIMAL, x_amz_cf_id="a", extra_headers={"X-Amz-Cf-Id": "b"})
    assert route.calls.last.request.headers.get_list("x-amz-cf-id") == ["b"]


async def test_extra_query_body_and_timeout(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)

    await create(
        any_client,
        **MINIMAL,
        echo=True,
        extra_query={"debug": True},
        extra_body={"prompt": "replaced", "echo": omit, "added": {"a": 1}},
        timeout=2.5,
    )

    request = route.calls.last.request
    assert request.url.query == b"debug=true"
    assert request.content == b'{"model":"llama3.1-8b","prompt":"replaced","added":{"a":1}}'
    assert request.headers["x-stainless-read-timeout"] == "2.5"
    assert request.extensions["timeout"]["read"] == 2.5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "m"},
        {"prompt": "p"},
        {"model": "m", "prompt": "p", "messages": []},
        {"model": "m", "prompt": "p", "max_completion_tokens": 3},
    ],
)
async def test_missing_or_unknown_params_raise_type_error_without_a_request(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter, kwargs: Dict[str, Any]
) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4)
    with pytest.raises(TypeError):
        await create(any_client, **kwargs)
    with pytest.raises(TypeError):
        await resolve(any_client.with_raw_response.completions.create(**kwargs))
    assert route.call_count == 0
    assert len(router.calls) == 0


def test_signature_lists_params_in_declaration_order() -> None:
    for cls in (CompletionsResource, AsyncCompletionsResource):
        params = list(inspect.signature(cls.create).parameters.values())[1:]
        assert [p.name for p in params] == DECLARATION_ORDER + HEADER_PARAMS + CALL_OPTIONS
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
        assert [p.name for p in params if p.default is inspect.Parameter.empty] == ["model", "prompt"]


async def test_error_body_with_200_is_an_error_chunk_response(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post(PATH).respond(200, json={"error": {"message": "nope", "type": "t"}, "status_code": 500})
    result = await create(any_client, **MINIMAL)
    assert type(result) is ErrorChunkResponse
    assert (result.error.message, result.status_code) == ("nope", 500)


async def test_non_json_content_type(
    any_client: Cerebras | AsyncCerebras,
    any_strict_client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
) -> None:
    router.post(PATH).respond(200, text=json.dumps(SAMPLE_5_4), headers={"content-type": "text/plain"})

    assert await create(any_client, **MINIMAL) == json.dumps(SAMPLE_5_4)
    with pytest.raises(APIResponseValidationError, match="received `text/plain` instead"):
        await create(any_strict_client, **MINIMAL)


async def test_validation_strict_and_lenient(
    any_client: Cerebras | AsyncCerebras,
    any_strict_client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
) -> None:
    weird = {
        "id": "x",
        "object": "text_completion",
        "created": "soon",
        "choices": [{"index": "0", "text": 5}],
    }
    router.post(PATH).respond(200, json=weird)

    lenient = await create(any_client, **MINIMAL)
    assert type(lenient) is CompletionResponse
    assert lenient.created == "soon"
    assert lenient.choices[0].text == 5

    with pytest.raises(APIResponseValidationError) as info:
        await create(any_strict_client, **MINIMAL)
    assert info.value.body == weird
    assert isinstance(info.value.__cause__, pydantic.ValidationError)


async def test_raw_response_paths(any_client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    route = router.post(PATH).respond(200, json=SAMPLE_5_4, headers={"x-request-id": "req-1"})
    for fn in (
        any_client.completions.with_raw_response.create,
        any_client.with_raw_response.completions.create,
    ):
        raw = await resolve(fn(**MINIMAL))
        assert raw.headers["x-request-id"] == "req-1"
        parsed = await resolve(raw.parse())
        assert type(parsed) is CompletionResponse
    assert [c.request.headers["X-Stainless-Raw-Response"] for c in route.calls] == ["raw", "raw"]


async def test_the_text_resource_is_not_the_chat_resource(
    any_client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    text_route = router.post(PATH).respond(200, json=SAMPLE_5_4)
    chat_route = router.post("/v1/chat/completions").respond(200, json=SAMPLE_5_4)
    await create(any_client, **MINIMAL)
    assert (text_route.call_count, chat_route.call_count) == (1, 0)
    assert isinstance(any_client.completions, (CompletionsResource, AsyncCompletionsResource))
