"""Static return types of the async client's public methods, pinned with `assert_type`.

Never run: `test_typing.py` has pyright check this file (strict). See `check_sync.py`.
"""

# pyright: strict, reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from typing import AsyncIterator, List, Optional, Union

import httpx
import pydantic
from typing_extensions import assert_type

from cerebras.cloud.sdk import (
    AsyncAPIResponse,
    AsyncCerebras,
    AsyncStream,
    DefaultAioHttpClient,
    DefaultAsyncHttpxClient,
)
from cerebras.cloud.sdk._request_meta import RateLimitInfo
from cerebras.cloud.sdk._response import AsyncResponseContextManager
from cerebras.cloud.sdk.lib import ParsedChatCompletion, async_final_completion, async_text_deltas
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message
from cerebras.cloud.sdk.types.completion import CompletionResponse

MESSAGES: List[Message] = [{"role": "user", "content": "hi"}]


class City(pydantic.BaseModel):
    name: str
    population: int


class MyAsyncClient(AsyncCerebras):
    """A subclass: `with_options()`/`copy()` return `Self`, so the subclass."""


async def check_client(client: AsyncCerebras, mine: MyAsyncClient) -> None:
    assert_type(AsyncCerebras(api_key="k", warm_tcp_connection=False), AsyncCerebras)
    assert_type(AsyncCerebras(http_client=DefaultAsyncHttpxClient()), AsyncCerebras)
    assert_type(AsyncCerebras(http_client=DefaultAioHttpClient()), AsyncCerebras)
    assert_type(client.with_options(max_retries=5), AsyncCerebras)
    assert_type(client.copy(timeout=3.0), AsyncCerebras)
    assert_type(mine.with_options(max_retries=1), MyAsyncClient)
    assert_type(client.is_closed(), bool)
    assert_type(await client.close(), None)
    async with AsyncCerebras() as entered:
        assert_type(entered, AsyncCerebras)
    async with mine as entered_mine:
        assert_type(entered_mine, MyAsyncClient)


async def check_create(client: AsyncCerebras, flag: bool) -> None:
    chat = client.chat.completions
    assert_type(await chat.create(model="m", messages=MESSAGES), ChatCompletion)
    assert_type(await chat.create(model="m", messages=[], stream=False), ChatCompletion)
    assert_type(await chat.create(model="m", messages=[], stream=None), ChatCompletion)
    assert_type(await chat.create(model="m", messages=[], stream=True), AsyncStream[ChatChunkResponse])
    assert_type(
        await chat.create(model="m", messages=[], stream=flag),
        Union[ChatCompletion, AsyncStream[ChatChunkResponse]],
    )

    text = client.completions
    assert_type(await text.create(model="m", prompt="p"), Completion)
    assert_type(await text.create(model="m", prompt="p", stream=False), Completion)
    assert_type(await text.create(model="m", prompt="p", stream=True), AsyncStream[CompletionResponse])
    assert_type(
        await text.create(model="m", prompt="p", stream=flag),
        Union[Completion, AsyncStream[CompletionResponse]],
    )

    assert_type(await client.models.list(), ModelListResponse)
    assert_type(await client.models.retrieve("m"), ModelRetrieveResponse)


async def check_streams(client: AsyncCerebras) -> None:
    chat_stream = await client.chat.completions.create(model="m", messages=[], stream=True)
    async for chunk in chat_stream:
        assert_type(chunk, ChatChunkResponse)
    assert_type(await chat_stream.__anext__(), ChatChunkResponse)
    assert_type(chat_stream.text_stream, AsyncIterator[str])
    assert_type(await chat_stream.until_done(), AsyncStream[ChatChunkResponse])
    assert_type(await chat_stream.get_final_completion(), ChatCompletionResponse)
    assert_type(chat_stream.response, httpx.Response)
    assert_type(chat_stream.request_id, Optional[str])
    assert_type(await chat_stream.close(), None)
    async with chat_stream as entered:
        assert_type(entered, AsyncStream[ChatChunkResponse])

    text_stream = await client.completions.create(model="m", prompt="p", stream=True)
    async for piece in text_stream:
        assert_type(piece, CompletionResponse)
    assert_type(text_stream.text_stream, AsyncIterator[str])
    assert_type(await text_stream.get_final_completion(), CompletionResponse)

    assert_type(await async_final_completion(chat_stream), ChatCompletionResponse)
    assert_type(await async_final_completion(text_stream), CompletionResponse)
    assert_type(async_text_deltas(chat_stream), AsyncIterator[str])


async def check_parse(client: AsyncCerebras) -> None:
    parsed = await client.chat.completions.parse(model="m", messages=MESSAGES, response_format=City)
    assert_type(parsed, ParsedChatCompletion[City])
    assert_type(parsed.choices[0].message.parsed, Optional[City])


async def check_raw_response(client: AsyncCerebras) -> None:
    assert_type(
        await client.with_raw_response.chat.completions.create(model="m", messages=[]),
        AsyncAPIResponse[ChatCompletion],
    )
    assert_type(
        await client.chat.completions.with_raw_response.create(model="m", messages=[], stream=True),
        AsyncAPIResponse[AsyncStream[ChatChunkResponse]],
    )
    assert_type(
        await client.chat.with_raw_response.completions.create(model="m", messages=[], stream=False),
        AsyncAPIResponse[ChatCompletion],
    )
    assert_type(
        await client.with_raw_response.completions.create(model="m", prompt="p"), AsyncAPIResponse[Completion]
    )
    assert_type(
        await client.completions.with_raw_response.create(model="m", prompt="p", stream=True),
        AsyncAPIResponse[AsyncStream[CompletionResponse]],
    )
    assert_type(await client.with_raw_response.models.list(), AsyncAPIResponse[ModelListResponse])
    assert_type(await client.models.with_raw_response.retrieve("m"), AsyncAPIResponse[ModelRetrieveResponse])

    raw = await client.with_raw_response.chat.completions.create(model="m", messages=[])
    assert_type(await raw.parse(), ChatCompletion)
    assert_type(await raw.parse(to=City), City)
    assert_type(raw.headers, httpx.Headers)
    assert_type(raw.status_code, int)
    assert_type(raw.request_id, Optional[str])
    assert_type(raw.rate_limits, RateLimitInfo)
    assert_type(await raw.read(), bytes)
    assert_type(await raw.text(), str)
    assert_type(await raw.json(), object)
    assert_type(raw.iter_lines(), AsyncIterator[str])

    raw_stream = await client.with_raw_response.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(await raw_stream.parse(), AsyncStream[ChatChunkResponse])


async def check_streaming_response(client: AsyncCerebras) -> None:
    assert_type(
        client.with_streaming_response.chat.completions.create(model="m", messages=[]),
        AsyncResponseContextManager[AsyncAPIResponse[ChatCompletion]],
    )
    assert_type(
        client.with_streaming_response.chat.completions.create(model="m", messages=[], stream=True),
        AsyncResponseContextManager[AsyncAPIResponse[AsyncStream[ChatChunkResponse]]],
    )
    assert_type(
        client.completions.with_streaming_response.create(model="m", prompt="p", stream=True),
        AsyncResponseContextManager[AsyncAPIResponse[AsyncStream[CompletionResponse]]],
    )
    assert_type(
        client.with_streaming_response.models.list(),
        AsyncResponseContextManager[AsyncAPIResponse[ModelListResponse]],
    )
    assert_type(
        client.with_streaming_response.models.retrieve("m"),
        AsyncResponseContextManager[AsyncAPIResponse[ModelRetrieveResponse]],
    )
    async with client.with_streaming_response.completions.create(model="m", prompt="p") as response:
        assert_type(response, AsyncAPIResponse[Completion])
        assert_type(await response.parse(), Completion)
