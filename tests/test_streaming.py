"""`Stream` / `AsyncStream`: from server-sent events to parsed chunks, errors and closing.

Bodies are served through respx from a byte stream that records how much of it was pulled and
whether it was closed. Each test runs with the blocking client and with the async client on
asyncio and trio. Transcripts are those of endpoints.md §5.3, §5.5 and §5.8; the rules are
errors-retries-streaming.md §3 with decisions 9, 10, 24 and 26.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import json
import re
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Sequence, Union

import anyio
import httpx
import pydantic
import pytest
import respx

from cerebras.cloud.sdk import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncCerebras,
    AsyncStream,
    BadRequestError,
    BaseModel,
    Cerebras,
    CerebrasError,
    RateLimitError,
    ServiceUnavailableError,
    Stream,
)
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:4010"
# The `make_client` fixture of tests/conftest.py.
MakeClient = Callable[..., Any]
CHAT_PATH = "/v1/chat/completions"
TEXT_PATH = "/v1/completions"
MESSAGES = [{"role": "user", "content": "hi"}]

# endpoints.md §5.3, byte for byte.
TRANSCRIPT_5_3 = (
    b'data: {"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n'
    b"\n"
    b'data: {"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"content":"Fast"}}]}\n'
    b"\n"
    b": keep-alive comment, ignored\n"
    b"\n"
    b'data: {"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"content":" answers."}}]}\n'
    b"\n"
    b'data: {"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],'
    b'"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15},'
    b'"time_info":{"queue_time":0.0001,"prompt_time":0.0005,"completion_time":0.002,"total_time":0.004,'
    b'"created":1733000200.5}}\n'
    b"\n"
    b"data: [DONE]\n"
    b"\n"
)

# endpoints.md §5.5
TRANSCRIPT_5_5 = (
    b'data: {"id":"cmpl-20","object":"text_completion","created":1733000400,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"text":" night"}]}\n'
    b"\n"
    b'data: {"id":"cmpl-20","object":"text_completion","created":1733000400,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"text":";","finish_reason":"length"}],'
    b'"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}\n'
    b"\n"
    b"data: [DONE]\n"
    b"\n"
)

# endpoints.md §5.8
CHUNK_5_8 = (
    b'data: {"id":"chatcmpl-b2","object":"chat.completion.chunk","created":1733000500,"model":"llama3.1-8b",'
    b'"system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
)
ERROR_5_8 = (
    b'{"error":{"message":"Request exceeded token quota","type":"too_many_tokens_error",'
    b'"code":"token_quota_exceeded"},"status_code":429}'
)


def chunk(content: Optional[str] = "x", **extra: Any) -> Dict[str, Any]:
    payload: Dict[str, Any] = {
        "id": "chatcmpl-t",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [{"index": 0, "delta": {"content": content}}],
    }
    payload.update(extra)
    return payload


def event(payload: object, *, name: Optional[str] = None) -> bytes:
    head = b"" if name is None else b"event: " + name.encode() + b"\n"
    return (
        head + b"data: " + json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"
    )


DONE = b"data: [DONE]\n\n"


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body served piece by piece; an exception in `pieces` is raised when reached."""

    def __init__(self, pieces: Sequence[Union[bytes, BaseException]]) -> None:
        self.pieces = list(pieces)
        self.pulled = 0
        self.closed = False

    def _next(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.pulled += 1
            if isinstance(piece, BaseException):
                raise piece
            yield piece

    def __iter__(self) -> Iterator[bytes]:
        yield from self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._next():
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def client(flavor: str, make_client: MakeClient) -> Cerebras | AsyncCerebras:
    return make_client(flavor)


def serve(router: respx.MockRouter, *pieces: Union[bytes, BaseException], path: str = CHAT_PATH) -> Body:
    """Answer the next requests to `path` with an event stream made of `pieces`."""
    body = Body(pieces)
    router.post(path).mock(
        side_effect=lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=body
        )
    )
    return body


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def chat_stream(client: Cerebras | AsyncCerebras, **kwargs: Any) -> Any:
    return await resolve(client.chat.completions.create(model="m", messages=MESSAGES, stream=True, **kwargs))


async def text_stream(client: Cerebras | AsyncCerebras) -> Any:
    return await resolve(client.completions.create(model="m", prompt="p", stream=True))


async def drain(stream: Any) -> List[Any]:
    if hasattr(stream, "__aiter__"):
        return [item async for item in stream]
    return list(stream)


async def take(stream: Any, n: int) -> List[Any]:
    """The next `n` items, leaving the loop with `break` as user code would."""
    items: List[Any] = []
    if n == 0:
        return items
    if hasattr(stream, "__aiter__"):
        async for item in stream:
            items.append(item)
            if len(items) == n:
                break
    else:
        for item in stream:
            items.append(item)
            if len(items) == n:
                break
    return items


async def next_item(stream: Any) -> Any:
    if hasattr(stream, "__anext__"):
        return await stream.__anext__()
    return next(stream)


async def drain_until_error(stream: Any) -> tuple[List[Any], BaseException]:
    """Items delivered before iteration failed, and the exception it failed with."""
    items: List[Any] = []
    try:
        if hasattr(stream, "__aiter__"):
            async for item in stream:
                items.append(item)
        else:
            for item in stream:
                items.append(item)
    except BaseException as exc:
        return items, exc
    raise AssertionError(f"the stream ended without an error after {len(items)} items")


@contextlib.asynccontextmanager
async def managed(stream: Any) -> AsyncIterator[Any]:
    if hasattr(stream, "__aenter__"):
        async with stream as s:
            yield s
    else:
        with stream as s:
            yield s


def contents(items: List[Any]) -> List[Optional[str]]:
    return [item.choices[0].delta.content for item in items]


# ------------------------------------------------------------------ the transcripts


@pytest.mark.parametrize("split", [None, 1, 7, 64])
async def test_transcript_5_3(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str, split: Optional[int]
) -> None:
    pieces = (
        [TRANSCRIPT_5_3]
        if split is None
        else [TRANSCRIPT_5_3[i : i + split] for i in range(0, len(TRANSCRIPT_5_3), split)]
    )
    body = serve(router, *pieces)

    stream = await chat_stream(client, stream_options={"include_usage": True})
    assert type(stream) is (Stream if flavor == "sync" else AsyncStream)
    assert isinstance(stream.response, httpx.Response)
    assert stream.response.status_code == 200
    assert stream.response.headers["content-type"] == "text/event-stream"
    assert stream.response.is_closed is False

    items = await drain(stream)

    assert [type(i) for i in items] == [ChatChunkResponse] * 4
    assert "".join(i.choices[0].delta.content or "" for i in items) == "Fast answers."
    assert items[0].choices[0].delta.role == "assistant"
    assert [i.usage is not None for i in items] == [False, False, False, True]
    assert [i.time_info is not None for i in items] == [False, False, False, True]
    assert items[3].usage.total_tokens == 15
    assert items[3].time_info.total_time == 0.004
    assert items[3].choices[0].finish_reason == "stop"
    assert stream.response.is_closed is True
    assert body.closed is True


async def test_transcript_5_5_text_completion(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, TRANSCRIPT_5_5, path=TEXT_PATH)

    stream = await text_stream(client)
    items = await drain(stream)

    assert [type(i) for i in items] == [CompletionResponse, CompletionResponse]
    assert "".join(c.choices[0].text or "" for c in items) == " night;"
    assert items[1].usage.completion_tokens == 2
    assert stream.response.is_closed


async def test_nothing_after_done_is_read(client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    after = RuntimeError("the body after [DONE] was read")
    body = serve(router, event(chunk("a")), DONE, after, b"data: {not json}\n\n")

    stream = await chat_stream(client)
    assert contents(await drain(stream)) == ["a"]
    assert body.pulled == 2
    assert stream.response.is_closed


async def test_done_prefix_ends_the_stream(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, event(chunk("a")), b"data: [DONE] and more\n\n", event(chunk("b")))
    assert contents(await drain(await chat_stream(client))) == ["a"]


# ------------------------------------------------------------------ errors inside the stream (§3.4)


@pytest.mark.parametrize("named", [False, True])
async def test_error_event_5_8(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, named: bool
) -> None:
    error_event = (b"event: error\n" if named else b"") + b"data: " + ERROR_5_8 + b"\n\n"
    body = serve(router, CHUNK_5_8 + error_event, event(chunk("never")))

    stream = await chat_stream(client)
    items, exc = await drain_until_error(stream)

    assert contents(items) == ["Hi"]
    assert type(exc) is RateLimitError
    assert exc.message == "Request exceeded token quota"
    assert str(exc) == "Request exceeded token quota"
    assert exc.status_code == 429
    assert exc.body == {
        "message": "Request exceeded token quota",
        "type": "too_many_tokens_error",
        "code": "token_quota_exceeded",
    }
    assert exc.response is stream.response
    assert exc.response.status_code == 200
    assert stream.response.is_closed
    assert body.closed


@pytest.mark.parametrize(
    ("pieces", "cls", "message", "status", "body"),
    [
        (
            event({"error": {"message": "boom", "type": "server_error", "code": "x"}, "status_code": 503}),
            ServiceUnavailableError,
            "boom",
            503,
            {"message": "boom", "type": "server_error", "code": "x"},
        ),
        (
            event({"error": {"message": "bad thing"}}),
            APIStatusError,
            "bad thing",
            200,
            {"message": "bad thing"},
        ),
        (
            event({"error": "just a string", "status_code": 429}),
            RateLimitError,
            "An error occurred during streaming",
            429,
            "just a string",
        ),
        (
            event({"error": {"message": "ev err"}, "status_code": 400}, name="error"),
            BadRequestError,
            "ev err",
            400,
            {"message": "ev err"},
        ),
        (
            event({"error": {"message": ""}, "status_code": "500"}),
            APIStatusError,
            "An error occurred during streaming",
            200,
            {"message": ""},
        ),
        (
            event({"error": {"code": 7}}, name="message"),
            APIStatusError,
            "An error occurred during streaming",
            200,
            {"code": 7},
        ),
    ],
)
async def test_error_payloads(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    pieces: bytes,
    cls: type,
    message: str,
    status: int,
    body: object,
) -> None:
    serve(router, event(chunk("before")), pieces)

    stream = await chat_stream(client)
    items, exc = await drain_until_error(stream)

    assert contents(items) == ["before"]
    assert type(exc) is cls
    assert isinstance(exc, APIStatusError)
    assert str(exc) == message
    assert exc.status_code == status
    assert exc.body == body
    assert stream.response.is_closed


@pytest.mark.parametrize("falsy", [None, "", {}, 0, False])
async def test_a_falsy_error_member_is_not_an_error(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, falsy: object
) -> None:
    serve(router, event(chunk("a", error=falsy)), DONE)
    items = await drain(await chat_stream(client))
    assert len(items) == 1
    assert type(items[0]) is ChatChunkResponse
    assert items[0].choices[0].delta.content == "a"


# ------------------------------------------------------------------ event framing (decisions 9, 10, 26)


@pytest.mark.parametrize("name", ["message", "completion", "update", "error"])
async def test_named_events_are_parsed_like_unnamed_ones(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, name: str
) -> None:
    serve(router, event(chunk("a"), name=name), event(chunk("b")), DONE)

    items = await drain(await chat_stream(client))

    assert [type(i) for i in items] == [ChatChunkResponse, ChatChunkResponse]
    assert contents(items) == ["a", "b"]
    assert "event" not in (items[0].model_extra or {})
    assert "data" not in (items[0].model_extra or {})


async def test_events_without_data_are_not_dispatched(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(
        router,
        b"id: 1\n\n",
        event(chunk("a")),
        b"retry: 1000\n\n",
        b"event: ping\n\n",
        b"data:\n\n",
        b"data\n\n",
        b"\n\n\n",
        b"id: 2\nretry: 5\nevent: x\n\n",
        event(chunk("b")),
        DONE,
    )
    assert contents(await drain(await chat_stream(client))) == ["a", "b"]


async def test_multi_line_data_crlf_and_comments(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    payload = json.dumps(chunk("joined"), indent=1).encode()
    multi = b"".join(b"data: " + line + b"\n" for line in payload.split(b"\n")) + b"\n"
    crlf = event(chunk("crlf")).replace(b"\n", b"\r\n")
    cr = event(chunk("cr")).replace(b"\n", b"\r")
    serve(router, b": hello\n\n", multi, crlf, b":another comment\n", cr, b"data:" + DONE[6:])

    assert contents(await drain(await chat_stream(client))) == ["joined", "crlf", "cr"]


async def test_utf8_split_across_network_chunks(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    data = event(chunk("héllo ☃ \u2028 ok")) + DONE
    cut = data.index("☃".encode()) + 1
    serve(router, data[:cut], data[cut:])
    assert contents(await drain(await chat_stream(client))) == ["héllo ☃ \u2028 ok"]


async def test_stream_ending_without_done_ends_cleanly(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    body = serve(router, event(chunk("a")), event(chunk("b")))
    stream = await chat_stream(client)
    assert contents(await drain(stream)) == ["a", "b"]
    assert stream.response.is_closed
    assert body.closed


@pytest.mark.parametrize("tail", [b'data: {"x": 1}', b'data: {"x": 1}\n', b"data: [DONE]", b"data: [DONE]\n"])
async def test_unterminated_final_event_is_dropped(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, tail: bytes
) -> None:
    serve(router, event(chunk("a")), tail)
    stream = await chat_stream(client)
    assert contents(await drain(stream)) == ["a"]
    assert stream.response.is_closed


# ------------------------------------------------------------------ bad data (decision 10)


@pytest.mark.parametrize(
    "bad", [b"data: {not json}\n\n", b'data: {"a": 1\n\n', b"data: nul\n\n", b"data: {}}\n\n"]
)
async def test_malformed_json_is_a_validation_error_after_earlier_chunks(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, bad: bytes
) -> None:
    serve(router, event(chunk("a")) + event(chunk("b")) + bad, event(chunk("never")))

    stream = await chat_stream(client)
    items, exc = await drain_until_error(stream)

    assert contents(items) == ["a", "b"]
    assert type(exc) is APIResponseValidationError
    assert isinstance(exc, APIError)
    assert not isinstance(exc, json.JSONDecodeError)
    assert "JSON" in str(exc)
    assert exc.response is stream.response
    assert exc.status_code == 200
    assert stream.response.is_closed


@pytest.mark.parametrize("same_network_chunk", [True, False])
async def test_invalid_utf8_is_a_validation_error_after_earlier_chunks(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, same_network_chunk: bool
) -> None:
    good = event(chunk("a")) + event(chunk("b"))
    bad = b'data: {"x": "\xff\xfe"}\n\n'
    pieces = [good + bad] if same_network_chunk else [good, bad]
    serve(router, *pieces, event(chunk("never")))

    stream = await chat_stream(client)
    items, exc = await drain_until_error(stream)

    assert contents(items) == ["a", "b"]
    assert type(exc) is APIResponseValidationError
    assert "UTF-8" in str(exc)
    assert stream.response.is_closed


async def test_strict_mode_chunk_validation_error(
    router: respx.MockRouter, flavor: str, make_client: MakeClient
) -> None:
    client = make_client(flavor, _strict_response_validation=True)
    bad_chunk = chunk("b")
    bad_chunk["choices"][0]["finish_reason"] = "not-a-reason"
    serve(router, event(chunk("a")), event(bad_chunk), event(chunk("never")), DONE)

    stream = await chat_stream(client)
    items, exc = await drain_until_error(stream)

    assert contents(items) == ["a"]
    assert type(exc) is APIResponseValidationError
    assert str(exc) == "Data returned by API invalid for expected schema."
    assert exc.body == bad_chunk
    assert isinstance(exc.__cause__, pydantic.ValidationError)
    assert stream.response.is_closed


async def test_lenient_mode_keeps_odd_chunks_as_chunks(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    odd = chunk("odd", created=1.5)
    odd["choices"][0]["finish_reason"] = "eos"
    odd["choices"][0]["delta"]["role"] = "narrator"
    del odd["system_fingerprint"]
    serve(router, event(odd), event(chunk("fine", created="7")), DONE)

    items = await drain(await chat_stream(client))

    assert [type(i) for i in items] == [ChatChunkResponse, ChatChunkResponse]
    assert contents(items) == ["odd", "fine"]
    assert items[0].choices[0].finish_reason == "eos"
    assert items[0].choices[0].delta.role == "narrator"


# ------------------------------------------------------------------ transport failures (decision 24)


@pytest.mark.parametrize(
    ("failure", "cls"),
    [
        (httpx.ReadError("connection reset"), APIConnectionError),
        (httpx.RemoteProtocolError("peer closed connection"), APIConnectionError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
    ],
)
async def test_transport_errors_while_iterating(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, failure: httpx.TransportError, cls: type
) -> None:
    serve(router, event(chunk("a")), failure, event(chunk("never")))

    stream = await chat_stream(client)
    items, exc = await drain_until_error(stream)

    assert contents(items) == ["a"]
    assert type(exc) is cls
    assert exc.__cause__ is failure
    assert exc.request is stream.response.request
    assert stream.response.is_closed


# ------------------------------------------------------------------ iteration and closing


async def test_break_then_iterate_again_resumes(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, *[event(chunk(str(i))) for i in range(5)], DONE)
    stream = await chat_stream(client)

    assert contents(await take(stream, 2)) == ["0", "1"]
    assert stream.response.is_closed is False  # breaking out does not close
    assert contents([await next_item(stream)]) == ["2"]
    assert contents(await drain(stream)) == ["3", "4"]
    assert stream.response.is_closed
    assert await drain(stream) == []  # single pass


async def test_iterating_after_close_is_a_clear_error(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    body = serve(router, event(chunk("a")), event(chunk("b")), DONE)
    stream = await chat_stream(client)
    first = await take(stream, 1)

    await resolve(stream.close())

    assert stream.response.is_closed
    assert body.closed
    with pytest.raises(CerebrasError) as info:
        await next_item(stream)
    assert "closed" in str(info.value)
    with pytest.raises(CerebrasError):
        await drain(stream)
    assert contents(first) == ["a"]  # items already read stay valid
    await resolve(stream.close())  # closing twice is harmless


async def test_close_before_iterating(client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    body = serve(router, event(chunk("a")), DONE)
    stream = await chat_stream(client)
    await resolve(stream.close())
    assert stream.response.is_closed
    assert body.pulled == 0
    with pytest.raises(CerebrasError):
        await next_item(stream)


async def test_close_after_exhaustion_keeps_the_stream_ended(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, event(chunk("a")), DONE)
    stream = await chat_stream(client)
    assert contents(await drain(stream)) == ["a"]
    await resolve(stream.close())
    assert await drain(stream) == []


async def test_context_manager_closes_on_exit_even_after_break(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    body = serve(router, *[event(chunk(str(i))) for i in range(3)], DONE)
    stream = await chat_stream(client)
    async with managed(stream) as same:
        assert same is stream
        assert contents(await take(stream, 1)) == ["0"]
        assert stream.response.is_closed is False
    assert stream.response.is_closed
    assert body.closed


async def test_context_manager_closes_when_the_body_raises(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, event(chunk("a")), DONE)
    stream = await chat_stream(client)
    with pytest.raises(ZeroDivisionError):
        async with managed(stream):
            await take(stream, 1)
            _ = 1 / 0
    assert stream.response.is_closed


async def test_a_dropped_stream_closes_its_response(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    body = serve(router, *[event(chunk(str(i))) for i in range(3)], DONE)
    stream = await chat_stream(client)
    response = stream.response
    assert contents(await take(stream, 1)) == ["0"]
    assert response.is_closed is False

    del stream
    for _ in range(3):
        gc.collect()
        await anyio.sleep(0.01)  # async generators are finalised by the event loop

    assert response.is_closed
    assert body.closed


async def test_a_stream_dropped_before_iterating_closes_its_response(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    body = serve(router, event(chunk("a")), DONE)
    stream = await chat_stream(client)
    response = stream.response

    del stream
    for _ in range(3):
        gc.collect()
        await anyio.sleep(0.01)

    assert response.is_closed
    assert body.closed
    assert body.pulled == 0


# ------------------------------------------------------------------ streams through the raw wrappers


async def test_stream_via_with_raw_response(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    serve(router, TRANSCRIPT_5_3)
    raw = await resolve(
        client.with_raw_response.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    )
    assert router.calls.last.request.headers["X-Stainless-Raw-Response"] == "raw"
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "text/event-stream"

    stream = await resolve(raw.parse())
    assert type(stream) is (Stream if flavor == "sync" else AsyncStream)
    assert await resolve(raw.parse()) is stream
    assert stream.response is raw.http_response
    items = await drain(stream)
    assert "".join(i.choices[0].delta.content or "" for i in items) == "Fast answers."
    assert raw.is_closed


async def test_stream_via_with_streaming_response_parse(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, TRANSCRIPT_5_5, path=TEXT_PATH)
    manager = client.with_streaming_response.completions.create(model="m", prompt="p", stream=True)
    async with managed_response(manager) as response:
        assert router.calls.last.request.headers["X-Stainless-Raw-Response"] == "stream"
        stream = await resolve(response.parse())
        texts = [c.choices[0].text for c in await drain(stream)]
    assert texts == [" night", ";"]
    assert response.is_closed


async def test_stream_via_with_streaming_response_raw_lines(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, TRANSCRIPT_5_5)
    manager = client.chat.completions.with_streaming_response.create(
        model="m", messages=MESSAGES, stream=True
    )
    async with managed_response(manager) as response:
        lines = [line async for line in _aiter(response.iter_lines())]
    expected = TRANSCRIPT_5_5.decode().split("\n")[:-1]
    assert lines == expected
    assert lines[-2:] == ["data: [DONE]", ""]
    assert lines[1] == ""
    assert response.is_closed


@contextlib.asynccontextmanager
async def managed_response(manager: Any) -> AsyncIterator[Any]:
    if hasattr(manager, "__aenter__"):
        async with manager as response:
            yield response
    else:
        with manager as response:
            yield response


async def _aiter(iterator: Any) -> AsyncIterator[Any]:
    if hasattr(iterator, "__aiter__"):
        async for item in iterator:
            yield item
    else:
        for item in iterator:
            yield item


# ------------------------------------------------------------------ custom stream types


class MyChunk(BaseModel):
    id: str
    choices: List[Dict[str, Any]]


class MyStream(Stream[MyChunk]):
    pass


class MyAsyncStream(AsyncStream[MyChunk]):
    pass


class MyStreamChild(MyStream):
    pass


class MyAsyncStreamChild(MyAsyncStream):
    pass


async def raw_stream_response(client: Cerebras | AsyncCerebras) -> Any:
    return await resolve(
        client.with_raw_response.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    )


async def test_parse_to_a_parameterised_stream(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    serve(router, event(chunk("a")), event(chunk("b")), DONE)
    raw = await raw_stream_response(client)
    target: Any = Stream[MyChunk] if flavor == "sync" else AsyncStream[MyChunk]

    stream = await resolve(raw.parse(to=target))

    assert type(stream) is (Stream if flavor == "sync" else AsyncStream)
    items = await drain(stream)
    assert [type(i) for i in items] == [MyChunk, MyChunk]
    assert [i.choices[0]["delta"]["content"] for i in items] == ["a", "b"]


@pytest.mark.parametrize("child", [False, True])
async def test_parse_to_a_stream_subclass(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str, child: bool
) -> None:
    serve(router, event(chunk("a")), DONE)
    raw = await raw_stream_response(client)
    if flavor == "sync":
        target: Any = MyStreamChild if child else MyStream
    else:
        target = MyAsyncStreamChild if child else MyAsyncStream

    stream = await resolve(raw.parse(to=target))

    assert type(stream) is target
    items = await drain(stream)
    assert [type(i) for i in items] == [MyChunk]


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        (
            Stream,
            RuntimeError,
            "Expected custom stream type to be passed with a type argument, e.g. Stream[ChunkType]",
        ),
        (AsyncStream, RuntimeError, "type argument"),
        (MyChunk, TypeError, "Expected custom parse type to be a subclass of"),
        (dict, TypeError, "subclass of"),
        (List[MyChunk], TypeError, "subclass of"),
    ],
)
async def test_parse_to_a_bad_stream_type(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, target: Any, error: type, message: str
) -> None:
    serve(router, event(chunk("a")), DONE)
    raw = await raw_stream_response(client)
    with pytest.raises(error, match=re.escape(message)):
        await resolve(raw.parse(to=target))
    await resolve(raw.close())


# ------------------------------------------------------------------ member fast path


async def test_each_item_gets_its_own_class_when_the_payload_kind_changes(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    # Chunks are validated against the member the previous chunk turned out to be; a payload of
    # another kind must still resolve through the whole union, in either order.
    completion = {
        "id": "chatcmpl-c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "whole"}}],
    }
    serve(router, event(chunk("a")), event(completion), event(chunk("b")), event(completion), DONE)

    items = await drain(await chat_stream(client))

    assert [type(i).__name__ for i in items] == [
        "ChatChunkResponse",
        "ChatCompletionResponse",
        "ChatChunkResponse",
        "ChatCompletionResponse",
    ]
    assert items[1].choices[0].message.content == "whole"
    assert items[2].choices[0].delta.content == "b"
