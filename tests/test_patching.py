"""Streams survive class-level patching, the way tracing tools (OpenTelemetry instrumentors) do it.

An instrumentor replaces methods on the classes, after clients already exist: `Stream.__iter__`
with a generator that iterates what the original returns, and the resources' `create` with a
function that records the call and delegates. Iterating must then go through the wrapper once,
without recursing into it, and every way of calling `create` (plain, `with_raw_response`,
`with_streaming_response`) must reach the patched method. Each test runs with the blocking client
and with the async client on asyncio and trio; bodies are served through respx.
"""

from __future__ import annotations

import contextlib
import inspect
import json
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional

import httpx
import pytest
import respx

from cerebras.cloud.sdk import AsyncCerebras, AsyncStream, Cerebras, RateLimitError, Stream
from cerebras.cloud.sdk.resources import (
    AsyncCompletionsResource as AsyncTextCompletionsResource,
)
from cerebras.cloud.sdk.resources import (
    CompletionsResource as TextCompletionsResource,
)
from cerebras.cloud.sdk.resources.chat import AsyncCompletionsResource, CompletionsResource
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:4010"
# The `make_client` fixture of tests/conftest.py.
MakeClient = Callable[..., Any]
CHAT_PATH = "/v1/chat/completions"
TEXT_PATH = "/v1/completions"
MESSAGES = [{"role": "user", "content": "hi"}]
DONE = b"data: [DONE]\n\n"


def chat_chunk(content: Optional[str], *, finish: Optional[str] = None, role: Optional[str] = None) -> bytes:
    delta: Dict[str, Any] = {"content": content}
    if role is not None:
        delta["role"] = role
    choice: Dict[str, Any] = {"index": 0, "delta": delta}
    if finish is not None:
        choice["finish_reason"] = finish
    payload = {
        "id": "chatcmpl-p",
        "object": "chat.completion.chunk",
        "created": 1733000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_p",
        "choices": [choice],
    }
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def text_chunk(text: str, *, finish: Optional[str] = None) -> bytes:
    choice: Dict[str, Any] = {"index": 0, "text": text}
    if finish is not None:
        choice["finish_reason"] = finish
    payload = {
        "id": "cmpl-p",
        "object": "text_completion",
        "created": 1733000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_p",
        "choices": [choice],
    }
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


CHAT_BODY = (
    chat_chunk("", role="assistant")
    + chat_chunk("Hello")
    + b": a comment\n\n"
    + chat_chunk(", world")
    + chat_chunk("!")
    + chat_chunk(None, finish="stop")
    + DONE
)
CHAT_CONTENTS = ["", "Hello", ", world", "!", None]
TEXT_BODY = text_chunk("Once") + text_chunk(" upon") + text_chunk(" a time", finish="length") + DONE


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def client(flavor: str, make_client: MakeClient) -> Cerebras | AsyncCerebras:
    return make_client(flavor)


def serve(router: respx.MockRouter, body: bytes, path: str = CHAT_PATH) -> respx.Route:
    """Answer every request to `path` with a fresh event stream carrying `body`."""
    return router.post(path).mock(
        side_effect=lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=body
        )
    )


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def chat_stream(client: Cerebras | AsyncCerebras) -> Any:
    return await resolve(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))


async def drain(stream: Any) -> List[Any]:
    if isinstance(stream, AsyncStream):
        return [item async for item in stream]
    return [item for item in stream]


async def take(stream: Any, n: int) -> List[Any]:
    """The next `n` items, leaving the loop with `break` as user code does."""
    items: List[Any] = []
    if isinstance(stream, AsyncStream):
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


async def texts(iterator: Any) -> List[str]:
    if hasattr(iterator, "__aiter__"):
        return [text async for text in iterator]
    return list(iterator)


def contents(items: List[Any]) -> List[Optional[str]]:
    return [item.choices[0].delta.content for item in items]


class IterPatch:
    """Counts what went through the patched `__iter__` / `__aiter__`."""

    def __init__(self) -> None:
        self.calls = 0
        self.items = 0
        self.streams: List[Any] = []


def patch_iteration(monkeypatch: pytest.MonkeyPatch, flavor: str) -> IterPatch:
    """Wrap the stream class's iteration method as an instrumentor does: iterate the original."""
    seen = IterPatch()
    if flavor == "sync":
        original_iter = Stream.__iter__

        def wrapped_iter(self: Any) -> Iterator[Any]:
            seen.calls += 1
            seen.streams.append(self)
            for item in original_iter(self):
                seen.items += 1
                yield item

        monkeypatch.setattr(Stream, "__iter__", wrapped_iter)
    else:
        original_aiter = AsyncStream.__aiter__

        async def wrapped_aiter(self: Any) -> AsyncIterator[Any]:
            seen.calls += 1
            seen.streams.append(self)
            async for item in original_aiter(self):
                seen.items += 1
                yield item

        monkeypatch.setattr(AsyncStream, "__aiter__", wrapped_aiter)
    return seen


def patch_create(monkeypatch: pytest.MonkeyPatch, cls: type) -> List[Dict[str, Any]]:
    """Replace `cls.create` with a recording wrapper that delegates to the original."""
    calls: List[Dict[str, Any]] = []
    original: Callable[..., Any] = cls.__dict__["create"]

    if inspect.iscoroutinefunction(original):

        async def wrapped_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append({"self": self, **kwargs})
            return await original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "create", wrapped_async)
    else:

        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append({"self": self, **kwargs})
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "create", wrapped)
    return calls


def chat_resource_class(flavor: str) -> type:
    return CompletionsResource if flavor == "sync" else AsyncCompletionsResource


def text_resource_class(flavor: str) -> type:
    return TextCompletionsResource if flavor == "sync" else AsyncTextCompletionsResource


@contextlib.asynccontextmanager
async def managed_response(manager: Any) -> AsyncIterator[Any]:
    if hasattr(manager, "__aenter__"):
        async with manager as response:
            yield response
    else:
        with manager as response:
            yield response


# ------------------------------------------------------------------ the iteration methods themselves


def test_iteration_methods_are_generator_functions() -> None:
    assert inspect.isgeneratorfunction(Stream.__iter__)
    assert inspect.isasyncgenfunction(AsyncStream.__aiter__)
    # The step-by-step protocol is still there for code that calls it directly.
    assert callable(Stream.__next__)
    assert inspect.iscoroutinefunction(AsyncStream.__anext__)


async def test_iterating_does_not_return_the_stream_itself(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    serve(router, CHAT_BODY)
    stream = await chat_stream(client)

    iterator = stream.__aiter__() if isinstance(stream, AsyncStream) else iter(stream)

    assert iterator is not stream
    if isinstance(stream, AsyncStream):
        first = await iterator.__anext__()
        await iterator.aclose()
        await stream.close()
    else:
        first = next(iterator)
        iterator.close()
        stream.close()
    assert type(first) is ChatChunkResponse
    assert first.choices[0].delta.role == "assistant"


# ------------------------------------------------------------------ patched create + patched iteration


async def test_patched_chat_create_and_iteration_on_an_existing_client(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    route = serve(router, CHAT_BODY)
    resource = client.chat.completions  # the resource exists before anything is patched
    assert type(resource) is chat_resource_class(flavor)

    seen = patch_iteration(monkeypatch, flavor)
    calls = patch_create(monkeypatch, chat_resource_class(flavor))

    stream = await chat_stream(client)

    assert client.chat.completions is resource
    assert len(calls) == 1
    assert calls[0]["self"] is resource
    assert calls[0]["stream"] is True
    assert calls[0]["model"] == "m"
    assert type(stream) is (Stream if flavor == "sync" else AsyncStream)
    assert seen.calls == 0  # nothing iterated yet

    items = await drain(stream)

    assert seen.calls == 1
    assert seen.streams == [stream]
    assert seen.items == 5
    assert [type(i) for i in items] == [ChatChunkResponse] * 5
    assert contents(items) == CHAT_CONTENTS
    assert items[-1].choices[0].finish_reason == "stop"
    assert stream.response.is_closed
    assert route.call_count == 1

    # A second stream in the same process goes through both wrappers again, once each.
    second = await chat_stream(client)
    assert second is not stream
    assert contents(await drain(second)) == CHAT_CONTENTS
    assert len(calls) == 2
    assert seen.calls == 2
    assert seen.items == 10
    assert route.call_count == 2


async def test_patched_text_completions_create(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(router, TEXT_BODY, path=TEXT_PATH)
    resource = client.completions
    assert type(resource) is text_resource_class(flavor)

    seen = patch_iteration(monkeypatch, flavor)
    calls = patch_create(monkeypatch, text_resource_class(flavor))
    chat_calls = patch_create(monkeypatch, chat_resource_class(flavor))

    stream = await resolve(client.completions.create(model="m", prompt="tell me", stream=True))
    items = await drain(stream)

    assert len(calls) == 1
    assert calls[0]["self"] is resource
    assert calls[0]["prompt"] == "tell me"
    assert chat_calls == []  # the chat resource is a different class
    assert [type(i) for i in items] == [CompletionResponse] * 3
    assert "".join(i.choices[0].text for i in items) == "Once upon a time"
    assert items[-1].choices[0].finish_reason == "length"
    assert (seen.calls, seen.items) == (1, 3)


async def test_a_stream_created_before_patching_iterates_through_the_patch(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(router, CHAT_BODY)
    stream = await chat_stream(client)

    seen = patch_iteration(monkeypatch, flavor)
    items = await drain(stream)

    assert contents(items) == CHAT_CONTENTS
    assert (seen.calls, seen.items) == (1, 5)


async def test_raw_wrappers_go_through_the_patched_create(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    route = serve(router, CHAT_BODY)
    resource = client.chat.completions
    # The wrapper objects exist before patching, as they would in a long-lived application.
    raw_wrapper = resource.with_raw_response
    streaming_wrapper = resource.with_streaming_response
    top_raw = client.with_raw_response.chat.completions

    seen = patch_iteration(monkeypatch, flavor)
    calls = patch_create(monkeypatch, chat_resource_class(flavor))

    raw = await resolve(raw_wrapper.create(model="m", messages=MESSAGES, stream=True))
    assert len(calls) == 1
    assert calls[0]["self"] is resource
    assert route.calls.last.request.headers["X-Stainless-Raw-Response"] == "raw"
    stream = await resolve(raw.parse())
    assert contents(await drain(stream)) == CHAT_CONTENTS
    assert (seen.calls, seen.items) == (1, 5)

    raw = await resolve(top_raw.create(model="m", messages=MESSAGES, stream=True))
    assert len(calls) == 2
    assert contents(await drain(await resolve(raw.parse()))) == CHAT_CONTENTS
    assert (seen.calls, seen.items) == (2, 10)

    manager = streaming_wrapper.create(model="m", messages=MESSAGES, stream=True)
    assert len(calls) == 2  # the request is sent when the manager is entered
    async with managed_response(manager) as response:
        assert len(calls) == 3
        assert route.calls.last.request.headers["X-Stainless-Raw-Response"] == "stream"
        items = await drain(await resolve(response.parse()))
    assert contents(items) == CHAT_CONTENTS
    assert (seen.calls, seen.items) == (3, 15)
    assert route.call_count == 3


async def test_stream_helpers_work_while_iteration_is_patched(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(router, CHAT_BODY)
    seen = patch_iteration(monkeypatch, flavor)
    patch_create(monkeypatch, chat_resource_class(flavor))

    stream = await chat_stream(client)
    completion = await resolve(stream.get_final_completion())

    assert type(completion) is ChatCompletionResponse
    assert completion.choices[0].message.content == "Hello, world!"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert (seen.calls, seen.items) == (1, 5)

    stream = await chat_stream(client)
    assert await texts(stream.text_stream) == ["Hello", ", world", "!"]
    assert seen.calls == 2
    assert seen.items == 10
    # text_stream recorded what it read, so the completion can still be assembled from it.
    completion = await resolve(stream.get_final_completion())
    assert completion.choices[0].message.content == "Hello, world!"


async def test_errors_in_the_stream_pass_through_the_patched_iteration(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    error = b'data: {"error": {"message": "slow down", "type": "rate_limit"}, "status_code": 429}\n\n'
    serve(router, chat_chunk("a") + error + chat_chunk("never") + DONE)
    seen = patch_iteration(monkeypatch, flavor)

    stream = await chat_stream(client)
    items: List[Any] = []
    with pytest.raises(RateLimitError) as info:
        if isinstance(stream, AsyncStream):
            async for item in stream:
                items.append(item)
        else:
            for item in stream:
                items.append(item)

    assert contents(items) == ["a"]
    assert info.value.message == "slow down"
    assert info.value.status_code == 429
    assert (seen.calls, seen.items) == (1, 1)
    assert stream.response.is_closed


# ------------------------------------------------------------------ break, then iterate again


@pytest.mark.parametrize("patched", [False, True])
async def test_breaking_out_and_iterating_again_resumes(
    client: Cerebras | AsyncCerebras,
    router: respx.MockRouter,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
    patched: bool,
) -> None:
    body = b"".join(chat_chunk(str(i)) for i in range(6)) + DONE
    serve(router, body)
    seen = patch_iteration(monkeypatch, flavor) if patched else None

    stream = await chat_stream(client)

    assert contents(await take(stream, 2)) == ["0", "1"]
    assert stream.response.is_closed is False
    assert contents(await take(stream, 1)) == ["2"]
    assert contents(await drain(stream)) == ["3", "4", "5"]
    assert stream.response.is_closed
    assert await drain(stream) == []  # a stream is read once
    if seen is not None:
        assert seen.calls == 4
        assert seen.items == 6
