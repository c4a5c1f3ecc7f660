"""`APIResponse` / `AsyncAPIResponse` and the `with_raw_response` / `with_streaming_response` wrappers.

Each test runs with the blocking client and with the async client on asyncio and trio; the
requests go to a respx mock of 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
from typing import Any, AsyncIterator, Callable, Dict, List

import httpx
import pydantic
import pytest
import respx

import cerebras.cloud.sdk.resources as resources_pkg
import cerebras.cloud.sdk.resources.chat as chat_pkg
from cerebras.cloud.sdk import (
    APIResponse,
    AsyncAPIResponse,
    AsyncCerebras,
    BaseModel,
    Cerebras,
    CerebrasError,
    NotFoundError,
)
from cerebras.cloud.sdk._response import (
    AsyncResponseContextManager,
    ResponseContextManager,
    StreamAlreadyConsumed,
)
from cerebras.cloud.sdk.types import ModelListResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse
from cerebras.cloud.sdk.types.model_list_response import ModelMetadataList

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:4010"
# The `make_client` fixture of tests/conftest.py.
MakeClient = Callable[..., Any]
LISTING: Dict[str, Any] = {
    "object": "list",
    "data": [{"id": "llama3.1-8b", "object": "model", "created": 0, "owned_by": "Meta"}],
}
COMPLETION: Dict[str, Any] = {
    "id": "cmpl-1",
    "object": "text_completion",
    "created": 1,
    "model": "m",
    "system_fingerprint": "fp",
    "choices": [{"index": 0, "text": "hi", "finish_reason": "stop"}],
}
CHAT: Dict[str, Any] = {
    "id": "c",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "system_fingerprint": "fp",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
}
NOT_FOUND: Dict[str, Any] = {
    "error": {"message": "Model x does not exist.", "type": "not_found_error", "code": "model_not_found"},
    "status_code": 404,
}


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def client(flavor: str, make_client: MakeClient) -> Cerebras | AsyncCerebras:
    return make_client(flavor)


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def drain(iterator: Any) -> List[Any]:
    if hasattr(iterator, "__aiter__"):
        return [x async for x in iterator]
    return list(iterator)


@contextlib.asynccontextmanager
async def entered(manager: Any) -> AsyncIterator[Any]:
    """Enter a `ResponseContextManager` or an `AsyncResponseContextManager`."""
    if hasattr(manager, "__aenter__"):
        async with manager as response:
            yield response
    else:
        with manager as response:
            yield response


class Card(BaseModel):
    id: str
    owned_by: str


# ------------------------------------------------------------------ members of a raw response


async def test_raw_response_members(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    router.get("/v1/models").respond(200, json=LISTING, headers={"x-request-id": "req-42"})

    raw = await resolve(client.with_raw_response.models.list(format="default"))

    assert type(raw) is (APIResponse if flavor == "sync" else AsyncAPIResponse)
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-42"
    assert isinstance(raw.headers, httpx.Headers)
    assert raw.http_request is raw.http_response.request
    assert raw.http_request.headers["X-Stainless-Raw-Response"] == "raw"
    assert raw.http_request.headers["x-stainless-retry-count"] == "0"
    assert raw.url == httpx.URL("http://127.0.0.1:4010/v1/models?format=default")
    assert raw.method == "GET"
    assert raw.http_version == "HTTP/1.1"
    assert isinstance(raw.elapsed, datetime.timedelta)
    assert raw.retries_taken == 0
    assert raw.is_closed is True  # with_raw_response reads the body
    name = "APIResponse" if flavor == "sync" else "AsyncAPIResponse"
    assert repr(raw) == f"<{name} [200 OK] type={ModelListResponse}>"


async def test_retries_taken_and_final_retry_count_header(
    router: respx.MockRouter, flavor: str, make_client: MakeClient
) -> None:
    client = make_client(flavor, max_retries=3)
    route = router.post("/v1/completions").mock(
        side_effect=[
            httpx.Response(500, json={"error": "x"}, headers={"retry-after-ms": "1"}),
            httpx.Response(429, json={"error": "y"}, headers={"retry-after-ms": "1"}),
            httpx.Response(200, json=COMPLETION),
        ]
    )

    raw = await resolve(client.completions.with_raw_response.create(model="m", prompt="p"))

    assert route.call_count == 3
    assert raw.retries_taken == 2
    assert raw.http_request.headers["x-stainless-retry-count"] == "2"
    assert [c.request.headers["x-stainless-retry-count"] for c in route.calls] == ["0", "1", "2"]
    assert type(await resolve(raw.parse())) is CompletionResponse


async def test_parse_is_cached_per_target(client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    router.get("/v1/models").respond(200, json=LISTING)
    raw = await resolve(client.with_raw_response.models.list())

    first = await resolve(raw.parse())
    assert type(first) is ModelMetadataList
    assert await resolve(raw.parse()) is first
    as_dict = await resolve(raw.parse(to=dict))
    assert as_dict == LISTING
    assert await resolve(raw.parse(to=dict)) is as_dict
    assert await resolve(raw.parse()) is first


async def test_parse_to_other_types(client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    router.get("/v1/models/llama3.1-8b").respond(200, json=LISTING["data"][0])
    raw = await resolve(client.with_raw_response.models.retrieve("llama3.1-8b"))

    assert await resolve(raw.parse(to=dict)) == LISTING["data"][0]
    text = await resolve(raw.parse(to=str))
    assert isinstance(text, str) and '"owned_by":"Meta"' in text.replace(" ", "")
    assert await resolve(raw.parse(to=bytes)) == raw.http_response.content
    assert await resolve(raw.parse(to=httpx.Response)) is raw.http_response
    card = await resolve(raw.parse(to=Card))
    assert type(card) is Card
    assert (card.id, card.owned_by) == ("llama3.1-8b", "Meta")
    assert card.model_extra == {"object": "model", "created": 0}


@pytest.mark.parametrize(
    ("body", "to", "expected"),
    [(b"42", int, 42), (b"1.5", float, 1.5), (b"TRUE", bool, True), (b"no", bool, False)],
)
async def test_parse_scalars_from_text(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, body: bytes, to: type, expected: object
) -> None:
    router.get("/v1/models").respond(200, content=body, headers={"content-type": "text/plain"})
    raw = await resolve(client.with_raw_response.models.list())
    value = await resolve(raw.parse(to=to))
    assert value == expected
    assert type(value) is to


async def test_parse_to_a_model_tries_json_whatever_the_content_type(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.get("/v1/models/x").respond(
        200, text='{"id": "x", "owned_by": "me"}', headers={"content-type": "text/plain"}
    )
    raw = await resolve(client.with_raw_response.models.retrieve("x"))
    assert await resolve(raw.parse()) == '{"id": "x", "owned_by": "me"}'
    card = await resolve(raw.parse(to=Card))
    assert type(card) is Card and card.owned_by == "me"


async def test_parse_refuses_foreign_models_and_response_subclasses(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    class Foreign(pydantic.BaseModel):
        id: str

    class MyResponse(httpx.Response):
        pass

    router.get("/v1/models").respond(200, json=LISTING)
    raw = await resolve(client.with_raw_response.models.list())
    with pytest.raises(TypeError):
        await resolve(raw.parse(to=Foreign))
    with pytest.raises(ValueError):
        await resolve(raw.parse(to=MyResponse))


async def test_read_text_json_close(client: Cerebras | AsyncCerebras, router: respx.MockRouter) -> None:
    router.post("/v1/completions").respond(200, json=COMPLETION)
    raw = await resolve(client.completions.with_raw_response.create(model="m", prompt="p"))

    data = await resolve(raw.read())
    assert isinstance(data, bytes) and data == raw.http_response.content
    assert await resolve(raw.text()) == data.decode()
    assert await resolve(raw.json()) == COMPLETION
    await resolve(raw.close())
    assert raw.is_closed


# ------------------------------------------------------------------ with_streaming_response


async def test_streaming_response_sends_on_enter_reads_lazily_and_closes_on_exit(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter, flavor: str
) -> None:
    route = router.post("/v1/completions").respond(200, json=COMPLETION, headers={"x-request-id": "r1"})

    manager = client.with_streaming_response.completions.create(model="m", prompt="p")
    assert type(manager) is (ResponseContextManager if flavor == "sync" else AsyncResponseContextManager)
    assert route.call_count == 0  # nothing is sent until the context is entered

    async with entered(manager) as response:
        assert route.call_count == 1
        assert route.calls.last.request.headers["X-Stainless-Raw-Response"] == "stream"
        assert response.headers["x-request-id"] == "r1"
        assert response.is_closed is False  # body not read yet
        parsed = await resolve(response.parse())
        assert type(parsed) is CompletionResponse
        assert parsed.choices[0].text == "hi"
    assert response.is_closed is True
    assert route.call_count == 1


async def test_streaming_response_closes_unread_body_on_exit(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.get("/v1/models").respond(200, json=LISTING)
    async with entered(client.with_streaming_response.models.list()) as response:
        assert response.is_closed is False
    assert response.is_closed is True
    assert response.http_response.is_closed is True


async def test_streaming_response_iterators(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    body = b"line one\nline two\r\nline three"
    router.get("/v1/models").respond(200, content=body, headers={"content-type": "text/plain"})

    async with entered(client.with_streaming_response.models.list()) as response:
        assert b"".join(await drain(response.iter_bytes())) == body
    async with entered(client.with_streaming_response.models.list()) as response:
        assert "".join(await drain(response.iter_text())) == body.decode()
    async with entered(client.with_streaming_response.models.list()) as response:
        assert await drain(response.iter_lines()) == ["line one", "line two", "line three"]
    async with entered(client.with_streaming_response.models.list()) as response:
        assert await resolve(response.text()) == body.decode()
        assert await resolve(response.read()) == body


async def test_reading_after_iterating_raises_stream_already_consumed(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.get("/v1/models").respond(200, json=LISTING)
    async with entered(client.with_streaming_response.models.list()) as response:
        await drain(response.iter_bytes())
        with pytest.raises(StreamAlreadyConsumed) as info:
            await resolve(response.read())
    assert isinstance(info.value, CerebrasError)
    assert "read" in str(info.value)


async def test_streaming_response_error_raised_from_enter_without_leaking(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.get("/v1/models/x").respond(404, json=NOT_FOUND)
    manager = client.with_streaming_response.models.retrieve("x")
    entered_body = False

    with pytest.raises(NotFoundError) as info:
        async with entered(manager):
            entered_body = True

    assert entered_body is False
    assert route.call_count == 1
    assert info.value.status_code == 404
    assert info.value.body == NOT_FOUND["error"]
    assert info.value.response.is_closed is True


# ------------------------------------------------------------------ where the wrappers live


def test_wrapper_objects_are_cached_and_keep_the_signature(make_client: MakeClient) -> None:
    for client in (make_client("sync"), make_client("asyncio")):
        assert client.with_raw_response is client.with_raw_response
        assert client.with_streaming_response is client.with_streaming_response
        assert client.with_raw_response.chat is client.with_raw_response.chat
        assert client.chat.with_raw_response is client.chat.with_raw_response
        assert client.chat.with_raw_response.completions is client.chat.with_raw_response.completions
        assert client.models.with_streaming_response is client.models.with_streaming_response
        for wrapped, original in [
            (client.completions.with_raw_response.create, client.completions.create),
            (client.with_streaming_response.chat.completions.create, client.chat.completions.create),
            (client.with_raw_response.models.retrieve, client.models.retrieve),
        ]:
            assert wrapped.__name__ == original.__name__
            assert wrapped.__doc__ == original.__doc__
            assert inspect.signature(wrapped) == inspect.signature(original)


async def test_client_and_resource_level_wrappers_send_the_same_request(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post("/v1/chat/completions").respond(200, json=CHAT)
    messages = [{"role": "user", "content": "hi"}]
    raw_calls = [
        client.with_raw_response.chat.completions.create,
        client.chat.with_raw_response.completions.create,
        client.chat.completions.with_raw_response.create,
    ]
    for fn in raw_calls:
        raw = await resolve(fn(model="m", messages=messages))
        assert (await resolve(raw.parse())).choices[0].message.content == "ok"
    streamed_calls = [
        client.with_streaming_response.chat.completions.create,
        client.chat.with_streaming_response.completions.create,
        client.chat.completions.with_streaming_response.create,
    ]
    for fn in streamed_calls:
        async with entered(fn(model="m", messages=messages)) as response:
            assert (await resolve(response.parse())).choices[0].message.content == "ok"

    modes = [c.request.headers["X-Stainless-Raw-Response"] for c in route.calls]
    assert modes == ["raw"] * 3 + ["stream"] * 3
    assert len({c.request.content for c in route.calls}) == 1


async def test_raw_header_merges_with_caller_extra_headers(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    route = router.post("/v1/completions").respond(200, json=COMPLETION)
    await resolve(
        client.with_raw_response.completions.create(model="m", prompt="p", extra_headers={"X-Mine": "1"})
    )
    headers = route.calls.last.request.headers
    assert (headers["X-Mine"], headers["X-Stainless-Raw-Response"]) == ("1", "raw")


async def test_stream_true_without_a_stream_class_is_a_type_error(
    client: Cerebras | AsyncCerebras, router: respx.MockRouter
) -> None:
    router.post("/v1/custom").respond(
        200, content=b"data: {}\n\n", headers={"content-type": "text/event-stream"}
    )
    with pytest.raises(TypeError):
        await resolve(client.post("/v1/custom", cast_to=object, stream=True))  # type: ignore[arg-type]


# ------------------------------------------------------------------ patching the resource class


@pytest.mark.parametrize("target", ["text", "chat"])
async def test_patching_create_on_the_class_reaches_existing_clients(
    router: respx.MockRouter,
    flavor: str,
    target: str,
    monkeypatch: pytest.MonkeyPatch,
    make_client: MakeClient,
) -> None:
    client = make_client(flavor)
    if target == "text":
        path, kwargs, reply = "/v1/completions", {"model": "m", "prompt": "p"}, COMPLETION
        cls: Any = (
            resources_pkg.CompletionsResource if flavor == "sync" else resources_pkg.AsyncCompletionsResource
        )
        resource, raw_paths, streamed = (
            lambda: client.completions,
            [lambda: client.completions.with_raw_response, lambda: client.with_raw_response.completions],
            lambda: client.with_streaming_response.completions,
        )
    else:
        path, kwargs, reply = "/v1/chat/completions", {"model": "m", "messages": []}, CHAT
        cls = chat_pkg.CompletionsResource if flavor == "sync" else chat_pkg.AsyncCompletionsResource
        resource, raw_paths, streamed = (
            lambda: client.chat.completions,
            [
                lambda: client.chat.completions.with_raw_response,
                lambda: client.with_raw_response.chat.completions,
                lambda: client.chat.with_raw_response.completions,
            ],
            lambda: client.with_streaming_response.chat.completions,
        )
    route = router.post(path).respond(200, json=reply)
    # Build (and cache) every resource and wrapper before patching.
    resource()
    for raw_path in raw_paths:
        raw_path()
    streamed()

    seen: List[Dict[str, Any]] = []
    original = cls.create
    if flavor == "sync":

        def patched(self: Any, **kw: Any) -> Any:
            seen.append(kw)
            return original(self, **kw)

    else:

        async def patched(self: Any, **kw: Any) -> Any:  # type: ignore[misc]
            seen.append(kw)
            return await original(self, **kw)

    monkeypatch.setattr(cls, "create", patched)

    await resolve(resource().create(**kwargs))
    for raw_path in raw_paths:
        raw = await resolve(raw_path().create(**kwargs))
        assert raw.status_code == 200
    async with entered(streamed().create(**kwargs)) as response:
        assert response.status_code == 200

    assert len(seen) == 2 + len(raw_paths)
    assert route.call_count == len(seen)
    # The mode is not an argument of `create` (its signature is the official one); it reaches the
    # wire as the header the official client sends.
    assert all("extra_headers" not in s for s in seen)
    assert [call.request.headers.get("x-stainless-raw-response") for call in route.calls] == [None] + [
        "raw"
    ] * len(raw_paths) + ["stream"]
