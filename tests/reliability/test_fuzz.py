"""Fuzzing with hypothesis: arbitrary bytes through the SSE decoder and a real `Stream`, arbitrary
JSON through the response models and through a client's `create()`.

The contract checked: only the SDK's documented exceptions (`APIError` subclasses) ever come out,
never a crash of another kind and never a hang; in non-strict mode a JSON object never raises at
all. Each test counts the examples it ran, for the figures table. Every example has a deadline,
each test a maximum number of examples, and the whole-test guard bounds the rest.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import timedelta
from typing import Any, Dict, List, Optional, Tuple

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cerebras.cloud.sdk import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AsyncCerebras,
    AsyncStream,
    Cerebras,
    Stream,
)
from cerebras.cloud.sdk._models import BaseModel, construct_type
from cerebras.cloud.sdk._sse import ServerSentEvent, SSEDecodeError, SSEDecoder
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse

from ._support import API_KEY, MODEL, deadline, sse_response, user

BASE_URL = "http://127.0.0.1:9"  # nothing listens there; respx or hand-made responses answer

FUZZ = settings(
    deadline=timedelta(seconds=5),  # per example; far above the ~1 ms they take
    database=None,  # no example database written into the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


# `RELIABILITY_FUZZ_SCALE=20 pytest tests/reliability/test_fuzz.py` fuzzes 20 times longer.
SCALE = float(os.environ.get("RELIABILITY_FUZZ_SCALE", "1"))


def fuzz(max_examples: int) -> settings:
    return settings(FUZZ, max_examples=max(1, int(max_examples * SCALE)))


# --------------------------------------------------------------------------- strategies

# SSE-ish fragments, so that random concatenations reach deep into the decoder and the stream
# logic (events, ids, retries, [DONE], error payloads, BOMs, cut UTF-8 sequences), mixed with
# raw random bytes.
SSE_PIECES = [
    b"data: ",
    b"data:",
    b"data",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"event: error\n",
    b"event: message\n",
    b"event:\n",
    b"id: 7\n",
    b"id: a\x00b\n",
    b"retry: 10\n",
    b"retry: 99999999999999999999999999\n",
    b": keep-alive\n",
    b"[DONE]",
    b"[DONE]x",
    b"{}",
    b"[]",
    b"null",
    b"1e999",
    b"NaN",
    b'"text"',
    b'{"error": {"message": "boom"}, "status_code": 503}',
    b'{"error": "plain", "status_code": "429"}',
    b'{"error": null}',
    b'{"error": 0, "id": "x"}',
    b'{"error": {"message": ""}, "status_code": true}',
    b'{"error": {"message": 5}, "status_code": 99999999999999999999}',
    b'{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"}}]}',
    b'{"id":"c","object":"chat.completion","choices":[{"message":{"role":"assistant","content":"x"}}]}',
    b'{"object":"chat.completion.chunk","choices":[{"delta":{"role":"robot","tool_calls":[{}]}}]}',
    b'{"choices": [',
    b"\xef\xbb\xbf",
    b"\xef\xbb",
    b"\xff",
    b"\xc3",
    b"\xa9",
    b"\xf0\x9f\x98",
    b"\x00",
    b"\xe2\x80\xa8",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and infinities included: Python's json module reads them
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=16,
)


def maybe(strategy: Any) -> Any:
    """The right kind of value, most of the time, else anything at all."""
    return st.one_of(strategy, strategy, json_values)


def obj(**fields: Any) -> Any:
    """A JSON object with any subset of `fields` (each with its own strategy)."""
    return st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()})


words = st.text(max_size=10)
function = obj(name=words, arguments=st.text(max_size=20))
tool_call = obj(index=st.integers(0, 3), id=words, type=st.just("function"), function=function)
message = obj(
    role=st.sampled_from(["assistant", "user", "system", "tool", "robot"]),
    content=st.one_of(st.none(), words),
    reasoning=words,
    tool_calls=st.lists(tool_call, max_size=2),
)
choice = obj(
    index=st.integers(0, 3),
    finish_reason=st.sampled_from(["stop", "length", "tool_calls", "content_filter", "eos", None]),
    message=message,
    delta=message,
    text=words,
    logprobs=json_values,
)
usage = obj(
    prompt_tokens=st.integers(0, 10**6),
    completion_tokens=st.integers(0, 10**6),
    total_tokens=st.integers(0, 10**6),
    prompt_tokens_details=obj(cached_tokens=st.integers(0, 10)),
)
time_info = obj(
    queue_time=st.floats(0, 1),
    prompt_time=st.floats(0, 1),
    total_time=st.floats(0, 1),
    created=st.floats(0, 2e9),
)
model_entry = obj(
    id=words,
    object=st.just("model"),
    created=st.integers(0, 2**40),
    owned_by=words,
    context_length=st.integers(0, 10**6),
    max_output_length=st.integers(0, 10**6),
    name=words,
    pricing=obj(prompt=words, completion=words, input=st.floats(), output=st.floats()),
)
envelope = obj(
    id=words,
    object=st.sampled_from(
        ["chat.completion", "chat.completion.chunk", "text_completion", "list", "model", "error"]
    ),
    created=st.integers(0, 2**40),
    model=words,
    system_fingerprint=words,
    choices=st.lists(choice, max_size=3),
    usage=usage,
    time_info=time_info,
    error=obj(message=words, type=words, code=words, param=words),
    status_code=st.integers(100, 599),
    data=st.lists(model_entry, max_size=3),
    owned_by=words,
)
# Chat payloads tagged with one of the two chat `object` values, whatever else they hold.
tagged_chat = st.tuples(envelope, st.sampled_from(["chat.completion", "chat.completion.chunk"])).map(
    lambda pair: {**pair[0], "object": pair[1]}
)
payloads = st.one_of(json_values, envelope, tagged_chat)

# Raw byte soup: random fragments and random bytes, concatenated.
sse_chunk = st.one_of(st.sampled_from(SSE_PIECES), st.binary(max_size=48))
raw_sse = st.lists(st.lists(sse_chunk, max_size=6).map(b"".join), max_size=12)

# Well-formed-looking events (fields, values, line ends), cut into network chunks at random points.
line_end = st.sampled_from([b"\n", b"\r\n", b"\r"])
field_value = st.one_of(
    payloads.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(SSE_PIECES),
    st.binary(max_size=12),
)
field_line = st.tuples(
    st.sampled_from([b"data", b"data", b"data", b"event", b"id", b"retry", b"", b"x-unknown"]),
    st.sampled_from([b": ", b":", b""]),
    field_value,
    line_end,
).map(b"".join)
sse_event = st.tuples(st.lists(field_line, min_size=1, max_size=3).map(b"".join), line_end).map(b"".join)


def _cut(data: bytes, cuts: List[int]) -> List[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)])]


structured_sse = st.builds(
    _cut,
    st.lists(sse_event, max_size=6).map(b"".join),
    st.lists(st.integers(min_value=0, max_value=100_000), max_size=8),
)
sse_stream = st.one_of(raw_sse, structured_sse, structured_sse)


# --------------------------------------------------------------------------- SSE bytes through a Stream


def _client(strict: bool = False) -> Cerebras:
    return Cerebras(
        api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False, _strict_response_validation=strict
    )


def _run_stream(client: Cerebras, chunks: List[bytes]) -> Tuple[List[Any], Optional[Exception]]:
    response = sse_response(chunks)
    stream: Stream[Any] = Stream(cast_to=ChatCompletion, response=response, client=client)
    items: List[Any] = []
    error: Optional[Exception] = None
    try:
        for item in stream:
            items.append(item)
            repr(item)
    except APIError as exc:  # the only kind allowed out; anything else fails the example
        error = exc
        str(exc)
    assert response.is_closed, "the stream ended without closing its response"
    assert list(stream) == []  # a finished stream ends at once when iterated again
    stream.close()
    return items, error


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_fuzz_sse_bytes_through_stream(strict: bool, figures: Any) -> None:
    client = _client(strict)
    ran: List[int] = []
    outcomes: Dict[str, int] = {}

    @fuzz(600 if not strict else 300)
    @given(sse_stream)
    def check(chunks: List[bytes]) -> None:
        ran.append(1)
        items, error = _run_stream(client, chunks)
        key = type(error).__name__ if error is not None else ("items" if items else "empty")
        outcomes[key] = outcomes.get(key, 0) + 1

    with deadline(120 * max(1.0, SCALE), "SSE fuzzing"):
        check()
    client.close()
    figures(examples=len(ran), outcomes=",".join(f"{k}:{v}" for k, v in sorted(outcomes.items())))


def test_fuzz_sse_bytes_through_async_stream(figures: Any) -> None:
    client = AsyncCerebras(api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False)
    ran: List[int] = []

    async def consume(chunks: List[bytes]) -> None:
        async def body() -> Any:
            for chunk in chunks:
                yield chunk

        response = httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=body(),
            request=httpx.Request("POST", BASE_URL + "/v1/chat/completions"),
        )
        stream: AsyncStream[Any] = AsyncStream(cast_to=ChatCompletion, response=response, client=client)
        try:
            async for item in stream:
                repr(item)
        except APIError:
            pass
        assert response.is_closed
        await stream.close()

    @fuzz(200)
    @given(sse_stream)
    def check(chunks: List[bytes]) -> None:
        ran.append(1)
        asyncio.run(consume(chunks))

    with deadline(120 * max(1.0, SCALE), "async SSE fuzzing"):
        check()
    figures(examples=len(ran))


def _decode(chunks: List[bytes]) -> Tuple[List[ServerSentEvent], bool]:
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    for chunk in chunks:
        try:
            events.extend(decoder.feed(chunk))
        except SSEDecodeError as exc:
            events.extend(exc.events)
            return events, True
    events.extend(decoder.close())
    return events, False


def test_fuzz_sse_decoder_split_anywhere(figures: Any) -> None:
    """However the bytes are cut into chunks, the decoder dispatches the same events and fails (with
    its own `SSEDecodeError`, a `ValueError`) at the same point."""
    ran: List[int] = []

    @fuzz(600)
    @given(sse_stream, st.lists(st.integers(min_value=0, max_value=10_000), max_size=8))
    def check(chunks: List[bytes], cuts: List[int]) -> None:
        ran.append(1)
        data = b"".join(chunks)
        assert _decode(_cut(data, cuts)) == _decode([data])
        assert _decode([bytes([b]) for b in data]) == _decode([data])  # one byte at a time

    with deadline(120 * max(1.0, SCALE), "SSE decoder fuzzing"):
        check()
    figures(examples=len(ran))


# --------------------------------------------------------------------------- JSON through the models

MODEL_TYPES = [ChatCompletion, Completion, ModelListResponse, ModelRetrieveResponse, ChatChunkResponse]


def _is_error_payload(value: Dict[str, Any]) -> bool:
    """Also a valid `ErrorChunkResponse`: see `test_tagged_chunk_that_is_also_an_error_payload`."""
    return "error" in value and "status_code" in value


def test_fuzz_json_through_construct_type(figures: Any) -> None:
    ran: List[int] = []
    tagged: List[int] = []

    @fuzz(500)
    @given(payloads)
    def check(value: Any) -> None:
        ran.append(1)
        for type_ in MODEL_TYPES:
            result = construct_type(type_=type_, value=value)  # never raises for JSON data
            repr(result)
            if isinstance(result, BaseModel):
                result.to_dict(warnings=False)
                result.to_dict(mode="json", warnings=False)
        if isinstance(value, dict) and not _is_error_payload(value):
            chat = construct_type(type_=ChatCompletion, value=value)
            kind = value.get("object")
            # Decision 2: the `object` member decides between the two chat shapes ...
            if kind == "chat.completion.chunk":
                tagged.append(1)
                assert isinstance(chat, ChatChunkResponse), type(chat)
                # ... and `chunk.choices[0].delta.content` works on any chunk that has a delta.
                choices = value.get("choices")
                first = choices[0] if isinstance(choices, list) and choices else None
                if isinstance(first, dict) and isinstance(first.get("delta"), dict):
                    assert chat.choices is not None
                    chat.choices[0].delta.content  # noqa: B018
            elif kind == "chat.completion":
                tagged.append(1)
                assert isinstance(chat, ChatCompletionResponse), type(chat)

    with deadline(120 * max(1.0, SCALE), "model fuzzing"):
        check()
    figures(examples=len(ran), types=len(MODEL_TYPES), tagged_chat=len(tagged))


def _respond(holder: Dict[str, bytes]) -> Any:
    def side_effect(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=holder["body"], headers={"content-type": "application/json"})

    return side_effect


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_fuzz_json_through_client_create(strict: bool, figures: Any) -> None:
    holder: Dict[str, bytes] = {"body": b"{}"}
    ran: List[int] = []
    raised: Dict[str, int] = {}
    client = _client(strict)
    client = client.with_options(max_retries=0)

    @fuzz(250)
    @given(payloads)
    def check(value: Any) -> None:
        ran.append(1)
        holder["body"] = json.dumps(value).encode()  # NaN/Infinity spelled as Python's json does
        calls = [
            lambda: client.chat.completions.create(model=MODEL, messages=user("x")),
            lambda: client.completions.create(model=MODEL, prompt="x"),
            lambda: client.models.list(),
            lambda: client.models.retrieve(MODEL),
        ]
        for call in calls:
            try:
                result = call()
                repr(result)
            except APIError as exc:
                raised[type(exc).__name__] = raised.get(type(exc).__name__, 0) + 1
                if not strict:
                    assert not isinstance(value, dict), f"a JSON object raised in lenient mode: {exc!r}"
                assert isinstance(exc, APIResponseValidationError), repr(exc)

    mock = respx.mock(base_url=BASE_URL, assert_all_called=False)
    mock.route().mock(side_effect=_respond(holder))
    with deadline(120 * max(1.0, SCALE), "client fuzzing"), mock:
        check()
    client.close()
    figures(
        examples=len(ran),
        calls=4 * len(ran),
        raised=",".join(f"{k}:{v}" for k, v in sorted(raised.items())) or "none",
    )


def test_fuzz_stream_event_payloads(figures: Any) -> None:
    """Arbitrary JSON as the data of stream events: a payload with a truthy `error` raises an
    `APIStatusError`; anything else is an item; nothing else ever comes out."""
    client = _client()
    ran: List[int] = []

    @fuzz(300)
    @given(st.lists(payloads, min_size=1, max_size=4))
    def check(values: List[Any]) -> None:
        ran.append(1)
        chunks = [b"data: " + json.dumps(v).encode() + b"\n\n" for v in values]
        items, error = _run_stream(client, [*chunks, b"data: [DONE]\n\n"])
        first_error = next((i for i, v in enumerate(values) if isinstance(v, dict) and v.get("error")), None)
        if first_error is None:
            assert error is None, repr(error)
            assert len(items) == len(values)
        else:
            assert isinstance(error, APIStatusError) and len(items) == first_error, (error, items)

    with deadline(120 * max(1.0, SCALE), "stream payload fuzzing"):
        check()
    client.close()
    figures(examples=len(ran))


# --------------------------------------------------------------------------- found by fuzzing

# A complete chat chunk, with an enum value this SDK does not know yet, that also carries an empty
# `error` object and a `status_code` (as a proxy adding those fields to every event might).
TAGGED_CHUNK_WITH_ERROR_FIELDS = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": MODEL,
    "system_fingerprint": "fp",
    "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "eos"}],
    "error": {},
    "status_code": 200,
}


# Decisions 2 and 22: the `object` tag decides, even when the payload would also validate as an
# ErrorChunkResponse (it has an `error` object and an int `status_code`).


def test_tagged_chunk_that_is_also_an_error_payload_construct() -> None:
    chat = construct_type(type_=ChatCompletion, value=TAGGED_CHUNK_WITH_ERROR_FIELDS)
    assert isinstance(chat, ChatChunkResponse), type(chat)


def test_tagged_chunk_that_is_also_an_error_payload_stream(cerebras_mock: Any) -> None:
    # The event's `error` is falsy, so it is an item, not an error.
    cerebras_mock.add_stream([TAGGED_CHUNK_WITH_ERROR_FIELDS])
    client = Cerebras(api_key=API_KEY, base_url=cerebras_mock.base_url, warm_tcp_connection=False)
    with deadline(10), client.chat.completions.create(model=MODEL, messages=user("x"), stream=True) as stream:
        (chunk,) = list(stream)
    client.close()
    assert isinstance(chunk, ChatChunkResponse), type(chunk)
    assert chunk.choices is not None
    assert chunk.choices[0].delta.content == "hi"
