"""`Decoder`: one per response type, shared by plain calls, raw responses, streams and lib.

The union rule is written once (the `object` tag first, then the error-payload rule, then
pydantic), so an error body answered with status 200 must decode to the same `ErrorChunkResponse`
whichever path reads it. Calls run with the blocking client and with the async client on asyncio
and trio; bodies are served through respx.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import threading
import time
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, Tuple, Union

import httpx
import pydantic
import pytest
import respx

import cerebras.cloud.sdk._streaming as streaming_module
from cerebras.cloud.sdk import (
    APIResponseValidationError,
    APIStatusError,
    AsyncCerebras,
    AsyncStream,
    BaseModel,
    Cerebras,
    RateLimitError,
    ServiceUnavailableError,
)
from cerebras.cloud.sdk._decoder import Decoder, construct_type, decoder_for
from cerebras.cloud.sdk.types import ModelListResponse, ModelRetrieveResponse, completion
from cerebras.cloud.sdk.types.chat import chat_completion
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatCompletion,
    ChatCompletionResponse,
)
from cerebras.cloud.sdk.types.completion import Completion, CompletionResponse
from cerebras.cloud.sdk.types.model_list_response import ModelMetadataList

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:4010"
# The `make_client` fixture of tests/conftest.py.
MakeClient = Callable[..., Any]
CHAT_PATH = "/v1/chat/completions"
TEXT_PATH = "/v1/completions"
MESSAGES = [{"role": "user", "content": "hi"}]
DONE = b"data: [DONE]\n\n"

ChatError = chat_completion.ErrorChunkResponse
TextError = completion.ErrorChunkResponse

ERROR_BODY: Dict[str, Any] = {"error": {"message": "boom", "type": "t"}}


def chat_chunk_payload(content: Optional[str] = "x", **extra: Any) -> Dict[str, Any]:
    payload: Dict[str, Any] = {
        "id": "chatcmpl-d",
        "object": "chat.completion.chunk",
        "created": 1733000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_d",
        "choices": [{"index": 0, "delta": {"content": content}}],
    }
    payload.update(extra)
    return payload


def chat_completion_payload(content: str = "whole", finish_reason: str = "stop") -> Dict[str, Any]:
    return {
        "id": "chatcmpl-c",
        "object": "chat.completion",
        "created": 1733000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_d",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }


def text_completion_payload(text: str = "t", finish_reason: str = "length") -> Dict[str, Any]:
    return {
        "id": "cmpl-d",
        "object": "text_completion",
        "created": 1733000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_d",
        "choices": [{"index": 0, "text": text, "finish_reason": finish_reason}],
    }


def event(payload: object) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def client(flavor: str, make_client: MakeClient) -> Cerebras | AsyncCerebras:
    return make_client(flavor)


def serve_json(router: respx.MockRouter, path: str, body: object) -> respx.Route:
    return router.post(path).mock(return_value=httpx.Response(200, json=body))


def serve_events(router: respx.MockRouter, body: bytes, path: str = CHAT_PATH) -> respx.Route:
    return router.post(path).mock(
        side_effect=lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=body
        )
    )


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def drain(stream: Any) -> List[Any]:
    if isinstance(stream, AsyncStream):
        return [item async for item in stream]
    return [item for item in stream]


async def drain_until_error(stream: Any) -> Tuple[List[Any], BaseException]:
    items: List[Any] = []
    try:
        if isinstance(stream, AsyncStream):
            async for item in stream:
                items.append(item)
        else:
            for item in stream:
                items.append(item)
    except Exception as exc:
        return items, exc
    raise AssertionError(f"the stream ended without an error after {len(items)} items")


@contextlib.asynccontextmanager
async def managed_response(manager: Any) -> AsyncIterator[Any]:
    if hasattr(manager, "__aenter__"):
        async with manager as response:
            yield response
    else:
        with manager as response:
            yield response


async def chat_create(client: Cerebras | AsyncCerebras, **kwargs: Any) -> Any:
    return await resolve(client.chat.completions.create(model="m", messages=MESSAGES, **kwargs))


async def text_create(client: Cerebras | AsyncCerebras, **kwargs: Any) -> Any:
    return await resolve(client.completions.create(model="m", prompt="p", **kwargs))


async def via_path(client: Cerebras | AsyncCerebras, path_name: str) -> Any:
    """The value one non-streamed way of calling the API returns for the served body."""
    if path_name == "chat.create":
        return await chat_create(client)
    if path_name == "text.create":
        return await text_create(client)
    if path_name == "chat.raw.parse":
        raw = await resolve(client.chat.completions.with_raw_response.create(model="m", messages=MESSAGES))
        return await resolve(raw.parse())
    if path_name == "text.raw.parse":
        raw = await resolve(client.with_raw_response.completions.create(model="m", prompt="p"))
        return await resolve(raw.parse())
    if path_name == "chat.streaming_response.parse":
        manager = client.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES)
        async with managed_response(manager) as response:
            return await resolve(response.parse())
    if path_name == "text.raw.parse_to_chat":
        # A response read as another type: the target's error member, not the endpoint's.
        raw = await resolve(client.completions.with_raw_response.create(model="m", prompt="p"))
        return await resolve(raw.parse(to=ChatCompletion))
    if path_name == "chat.raw.parse_to_text":
        raw = await resolve(client.chat.completions.with_raw_response.create(model="m", messages=MESSAGES))
        return await resolve(raw.parse(to=Completion))
    if path_name == "chat.post":
        return await resolve(
            client.post(CHAT_PATH, cast_to=ChatCompletion, body={"model": "m", "messages": MESSAGES})
        )
    if path_name == "text.post":
        return await resolve(client.post(TEXT_PATH, cast_to=Completion, body={"model": "m", "prompt": "p"}))
    raise AssertionError(path_name)


# path name -> (endpoint it calls, error class it must produce)
NON_STREAM_PATHS: Dict[str, Tuple[str, type]] = {
    "chat.create": (CHAT_PATH, ChatError),
    "text.create": (TEXT_PATH, TextError),
    "chat.raw.parse": (CHAT_PATH, ChatError),
    "text.raw.parse": (TEXT_PATH, TextError),
    "chat.streaming_response.parse": (CHAT_PATH, ChatError),
    "text.raw.parse_to_chat": (TEXT_PATH, ChatError),
    "chat.raw.parse_to_text": (CHAT_PATH, TextError),
    "chat.post": (CHAT_PATH, ChatError),
    "text.post": (TEXT_PATH, TextError),
}


# ------------------------------------------------------------------ one decoder per type


@pytest.mark.parametrize(
    "type_",
    [
        ChatCompletion,
        Completion,
        ChatCompletionResponse,
        ChatChunkResponse,
        CompletionResponse,
        ChatError,
        TextError,
        ModelListResponse,
        ModelRetrieveResponse,
        ModelMetadataList,
        List[ChatChunkResponse],
    ],
)
def test_one_decoder_per_type(type_: Any) -> None:
    decoder = decoder_for(type_)
    assert isinstance(decoder, Decoder)
    assert decoder_for(type_) is decoder
    assert decoder.type is type_


def test_distinct_types_get_distinct_decoders_with_their_own_error_member() -> None:
    chat = decoder_for(ChatCompletion)
    text = decoder_for(Completion)
    assert chat is not text
    assert chat.error_member is ChatError
    assert text.error_member is TextError
    assert ChatError is not TextError
    assert set(chat.members) == {ChatCompletionResponse, ChatChunkResponse, ChatError}
    assert set(text.members) == {CompletionResponse, TextError}
    assert decoder_for(ModelListResponse).error_member is None


def test_concurrent_first_use_builds_one_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fresh classes, so that no earlier test has built this union's decoder already.
    class Left(BaseModel):
        object: str = "left"
        a: int

    class Right(BaseModel):
        object: str = "right"
        b: int

    fresh: Any = Union[Left, Right]
    built: List[object] = []
    original_init = Decoder.__init__

    def slow_init(self: Decoder, type_: object) -> None:
        if type_ == fresh:
            built.append(type_)
            time.sleep(0.02)  # widen the window in which other threads look the type up
        original_init(self, type_)

    monkeypatch.setattr(Decoder, "__init__", slow_init)

    threads_n = 8
    barrier = threading.Barrier(threads_n)
    results: List[Decoder] = []
    errors: List[BaseException] = []
    lock = threading.Lock()

    def first_use() -> None:
        try:
            barrier.wait(timeout=5)
            decoder = decoder_for(fresh)
            value = decoder.construct({"object": "right", "b": 2})
            with lock:
                results.append(decoder)
                assert type(value) is Right
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert len(results) == threads_n
    assert len({id(d) for d in results}) == 1
    assert len(built) == 1
    assert decoder_for(fresh) is results[0]


def test_the_validator_is_built_once_under_concurrent_use() -> None:
    class Fresh(BaseModel):
        n: int

    fresh: Any = List[Fresh]
    decoder = decoder_for(fresh)
    barrier = threading.Barrier(6)
    adapters: List[object] = []

    def use() -> None:
        barrier.wait(timeout=5)
        adapters.append(decoder.adapter)

    threads = [threading.Thread(target=use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(adapters) == 6
    assert len({id(a) for a in adapters}) == 1
    assert [type(v) for v in decoder.validate_python([{"n": 1}, {"n": "2"}])] == [Fresh, Fresh]


# ------------------------------------------------------------------ an error body with status 200


@pytest.mark.parametrize("with_status", [False, True])
@pytest.mark.parametrize("path_name", list(NON_STREAM_PATHS))
async def test_error_body_decodes_to_the_error_member_on_every_path(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, path_name: str, with_status: bool
) -> None:
    endpoint, expected = NON_STREAM_PATHS[path_name]
    body = dict(ERROR_BODY, status_code=429) if with_status else dict(ERROR_BODY)
    route = serve_json(router, endpoint, body)

    result = await via_path(client, path_name)

    assert route.call_count == 1
    assert type(result) is expected
    assert type(result.error) is (
        chat_completion.ErrorChunkResponseError
        if expected is ChatError
        else completion.ErrorChunkResponseError
    )
    assert result.error.message == "boom"
    assert result.error.type == "t"
    assert result.error.code is None
    assert result.status_code == (429 if with_status else None)
    assert result.to_dict() == body


@pytest.mark.parametrize("with_status", [False, True])
@pytest.mark.parametrize(("type_", "expected"), [(ChatCompletion, ChatError), (Completion, TextError)])
def test_error_payload_through_construct_type(type_: Any, expected: type, with_status: bool) -> None:
    value = dict(ERROR_BODY, status_code=503) if with_status else dict(ERROR_BODY)

    result: Any = construct_type(type_=type_, value=value)

    assert type(result) is expected
    assert result.error.message == "boom"
    assert result.error.type == "t"
    assert result.status_code == (503 if with_status else None)


@pytest.mark.parametrize("falsy", [{}, None, "", 0, False])
async def test_a_chunk_with_a_falsy_error_member_stays_a_chunk(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, falsy: object
) -> None:
    body = chat_chunk_payload("still here", error=falsy)
    serve_json(router, CHAT_PATH, body)

    for result in (await chat_create(client), construct_type(type_=ChatCompletion, value=body)):
        assert type(result) is ChatChunkResponse
        assert result.choices[0].delta.content == "still here"
        assert result.model_extra == {"error": falsy}


async def test_an_object_tag_wins_over_the_error_rule(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    # A tag that names exactly one member decides, even when a truthy `error` rides along.
    body = chat_completion_payload("tagged")
    body["error"] = {"message": "ignored"}
    serve_json(router, CHAT_PATH, body)

    for result in (await chat_create(client), construct_type(type_=ChatCompletion, value=body)):
        assert type(result) is ChatCompletionResponse
        assert result.choices[0].message.content == "tagged"


@pytest.mark.parametrize(
    ("path", "payload", "expected"),
    [
        (CHAT_PATH, chat_completion_payload("odd", finish_reason="galaxy_brain"), ChatCompletionResponse),
        (
            CHAT_PATH,
            chat_chunk_payload(
                choices=[{"index": 0, "delta": {"content": "odd"}, "finish_reason": "galaxy_brain"}]
            ),
            ChatChunkResponse,
        ),
        (TEXT_PATH, text_completion_payload("odd", finish_reason="galaxy_brain"), CompletionResponse),
    ],
)
async def test_a_tagged_payload_that_does_not_validate_stays_its_member(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    path: str,
    payload: Dict[str, Any],
    expected: type,
) -> None:
    # An unknown finish_reason fails validation; the tag still decides the member, built leniently.
    serve_json(router, path, payload)

    result = await (chat_create(client) if path == CHAT_PATH else text_create(client))

    assert type(result) is expected
    assert result.choices[0].finish_reason == "galaxy_brain"
    assert result.id == payload["id"]
    union = ChatCompletion if path == CHAT_PATH else Completion
    assert type(construct_type(type_=union, value=payload)) is expected


# ------------------------------------------------------------------ error events in a stream


@pytest.mark.parametrize(
    ("status", "cls"), [(429, RateLimitError), (503, ServiceUnavailableError), (None, APIStatusError)]
)
async def test_an_error_event_raises_the_status_error_after_earlier_chunks(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, status: Optional[int], cls: type
) -> None:
    error: Dict[str, Any] = {"error": {"message": "quota gone", "type": "too_many_tokens_error"}}
    if status is not None:
        error["status_code"] = status
    body = event(chat_chunk_payload("a")) + event(chat_chunk_payload("b")) + event(error)
    serve_events(router, body + event(chat_chunk_payload("never")) + DONE)

    stream = await chat_create(client, stream=True)
    items, exc = await drain_until_error(stream)

    assert [i.choices[0].delta.content for i in items] == ["a", "b"]
    assert [type(i) for i in items] == [ChatChunkResponse, ChatChunkResponse]
    assert type(exc) is cls
    assert isinstance(exc, APIStatusError)
    assert exc.message == "quota gone"
    assert exc.status_code == (status if status is not None else 200)
    assert exc.response is stream.response
    assert stream.response.is_closed


async def test_an_error_event_in_a_text_completion_stream(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    error = {"error": {"message": "slow down"}, "status_code": 429}
    serve_events(router, event(text_completion_payload("one")) + event(error) + DONE, path=TEXT_PATH)

    stream = await text_create(client, stream=True)
    items, exc = await drain_until_error(stream)

    assert [type(i) for i in items] == [CompletionResponse]
    assert items[0].choices[0].text == "one"
    assert type(exc) is RateLimitError
    assert str(exc) == "slow down"


# ------------------------------------------------------------------ strict mode


@pytest.mark.parametrize("path_name", ["chat.create", "chat.raw.parse", "chat.post", "text.create"])
async def test_strict_mode_rejects_a_body_that_does_not_validate(
    router: respx.MockRouter,
    flavor: str,
    path_name: str,
    make_client: MakeClient,
) -> None:
    client = make_client(flavor, _strict_response_validation=True)
    endpoint = NON_STREAM_PATHS[path_name][0]
    bad = chat_completion_payload() if endpoint == CHAT_PATH else text_completion_payload()
    bad["created"] = "yesterday"
    serve_json(router, endpoint, bad)

    with pytest.raises(APIResponseValidationError) as info:
        await via_path(client, path_name)

    assert info.value.body == bad
    assert info.value.status_code == 200
    assert isinstance(info.value.__cause__, pydantic.ValidationError)

    # The same body without strict mode is kept as received.
    lenient = await via_path(make_client(flavor), path_name)
    assert lenient.created == "yesterday"
    assert lenient.id == bad["id"]


async def test_strict_mode_rejects_a_stream_chunk_that_does_not_validate(
    router: respx.MockRouter,
    flavor: str,
    make_client: MakeClient,
) -> None:
    bad = chat_chunk_payload("bad", created="yesterday")
    body = event(chat_chunk_payload("good")) + event(bad) + event(chat_chunk_payload("never")) + DONE
    serve_events(router, body)

    stream = await chat_create(make_client(flavor, _strict_response_validation=True), stream=True)
    items, exc = await drain_until_error(stream)

    assert [i.choices[0].delta.content for i in items] == ["good"]
    assert type(exc) is APIResponseValidationError
    assert exc.body == bad
    assert isinstance(exc.__cause__, pydantic.ValidationError)

    lenient = await drain(await chat_create(make_client(flavor), stream=True))
    assert [type(i) for i in lenient] == [ChatChunkResponse] * 3
    assert lenient[1].created == "yesterday"


@pytest.mark.parametrize("path_name", ["chat.create", "text.raw.parse"])
async def test_strict_mode_and_error_bodies(
    router: respx.MockRouter, flavor: str, path_name: str, make_client: MakeClient
) -> None:
    client = make_client(flavor, _strict_response_validation=True)
    endpoint, expected = NON_STREAM_PATHS[path_name]

    # `status_code` is required by the error member, so a strict client refuses a body without it...
    serve_json(router, endpoint, ERROR_BODY)
    with pytest.raises(APIResponseValidationError) as info:
        await via_path(client, path_name)
    assert info.value.body == ERROR_BODY

    # ...and decodes a complete one to the error member of the right module.
    serve_json(router, endpoint, dict(ERROR_BODY, status_code=400))
    result = await via_path(client, path_name)
    assert type(result) is expected
    assert result.status_code == 400
    assert result.error.message == "boom"


# ------------------------------------------------------------------ the stream's member cache


async def test_the_last_member_cache_lives_on_the_decoder(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    assert not hasattr(streaming_module, "_member_validators")
    module_dicts = [
        name
        for name, value in vars(streaming_module).items()
        if not name.startswith("__") and isinstance(value, dict)
    ]
    assert module_dicts == []

    decoder = decoder_for(ChatCompletion)
    serve_events(router, event(chat_chunk_payload("a")) + event(chat_chunk_payload("b")) + DONE)

    first = await chat_create(client, stream=True)
    assert first._decoder is decoder  # streams use the shared decoder of their item type
    assert [type(i) for i in await drain(first)] == [ChatChunkResponse, ChatChunkResponse]
    assert decoder._last_member is not None
    # The remembered validator is the chunk member's: it builds a chunk from a chunk's JSON.
    assert type(decoder._last_member(json.dumps(chat_chunk_payload("c")))) is ChatChunkResponse

    second = await chat_create(client, stream=True)
    items = await drain(second)
    assert [type(i) for i in items] == [ChatChunkResponse, ChatChunkResponse]
    assert [i.choices[0].delta.content for i in items] == ["a", "b"]
    assert not hasattr(streaming_module, "_member_validators")


async def test_a_cached_member_does_not_capture_other_kinds_of_items(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve_events(router, event(chat_chunk_payload("warm")) + DONE)
    assert [type(i) for i in await drain(await chat_create(client, stream=True))] == [ChatChunkResponse]

    # With chunks cached as the last member, a whole completion still decodes as itself.
    serve_events(router, event(chat_completion_payload("whole")) + event(chat_chunk_payload("after")) + DONE)
    items = await drain(await chat_create(client, stream=True))
    assert [type(i) for i in items] == [ChatCompletionResponse, ChatChunkResponse]
    assert items[0].choices[0].message.content == "whole"


class _Narrow(BaseModel):
    x: int


class _Wide(BaseModel):
    x: int
    y: int


def _response() -> httpx.Response:
    return httpx.Response(200, request=httpx.Request("POST", "http://127.0.0.1/v1/chat/completions"))


def test_an_untagged_union_is_not_steered_by_earlier_stream_items() -> None:
    # Members without their own `object` literal can both validate one payload; the union decides,
    # never the member an earlier item (of this or another stream) happened to be.
    decoder = decoder_for(Union[_Narrow, _Wide])
    alone = decoder.from_json('{"x":1,"y":2}', strict=False, response=_response())
    assert type(decoder.stream_item('{"x":1}', False, _response())) is _Narrow
    assert type(decoder.stream_item('{"x":1,"y":2}', False, _response())) is type(alone) is _Wide


def test_an_error_event_with_an_escaped_key_still_raises() -> None:
    with pytest.raises(RateLimitError, match="boom"):
        decoder_for(ChatCompletion).stream_item(
            '{"\\u0065rror":{"message":"boom"},"status_code":429}', False, _response()
        )
