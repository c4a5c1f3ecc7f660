"""Static return types of the blocking client's public methods, pinned with `assert_type`.

Never run: `test_typing.py` has pyright check this file (strict), so a changed return type, a
lost overload or a method that became `Any` fails the test suite. Each `assert_type` is exact:
`X` where `Optional[X]` is declared fails too.
"""

# pyright: strict, reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from typing import Iterator, List, Optional, Union

import httpx
import pydantic
from typing_extensions import Literal, assert_type

from cerebras.cloud.sdk import (
    APIResponse,
    APIStatusError,
    BadRequestError,
    Cerebras,
    DefaultHttpxClient,
    RateLimitError,
    Stream,
)
from cerebras.cloud.sdk._request_meta import RateLimitInfo
from cerebras.cloud.sdk._response import ResponseContextManager
from cerebras.cloud.sdk.lib import ParsedChatCompletion, final_completion, text_deltas
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message
from cerebras.cloud.sdk.types.completion import CompletionResponse

MESSAGES: List[Message] = [{"role": "user", "content": "hi"}]


class City(pydantic.BaseModel):
    name: str
    population: int


class MyClient(Cerebras):
    """A subclass: `with_options()`/`copy()` return `Self`, so the subclass."""


def check_client(client: Cerebras, mine: MyClient) -> None:
    assert_type(Cerebras(api_key="k", warm_tcp_connection=False), Cerebras)
    assert_type(Cerebras(http_client=DefaultHttpxClient(), timeout=httpx.Timeout(5.0)), Cerebras)
    assert_type(client.with_options(max_retries=5), Cerebras)
    assert_type(client.with_options(timeout=10.0).with_options(base_url="http://x"), Cerebras)
    assert_type(client.copy(api_key="other"), Cerebras)
    assert_type(mine.with_options(max_retries=1), MyClient)
    assert_type(mine.copy(), MyClient)
    assert_type(client.is_closed(), bool)
    assert_type(client.close(), None)
    assert_type(client.base_url, httpx.URL)
    assert_type(client.max_retries, int)
    assert_type(client.api_key, str)
    with Cerebras() as entered:
        assert_type(entered, Cerebras)
    with mine as entered_mine:
        assert_type(entered_mine, MyClient)


def check_create(client: Cerebras, flag: bool) -> None:
    chat = client.chat.completions
    assert_type(chat.create(model="m", messages=MESSAGES), ChatCompletion)
    assert_type(chat.create(model="m", messages=[]), ChatCompletion)
    assert_type(chat.create(model="m", messages=[], stream=False), ChatCompletion)
    assert_type(chat.create(model="m", messages=[], stream=None), ChatCompletion)
    assert_type(chat.create(model="m", messages=[], stream=True), Stream[ChatChunkResponse])
    assert_type(
        chat.create(model="m", messages=[], stream=flag),
        Union[ChatCompletion, Stream[ChatChunkResponse]],
    )
    assert_type(
        chat.create(
            model="m",
            messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
            temperature=0.2,
            max_completion_tokens=10,
            response_format={"type": "json_object"},
            tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
            stream=True,
            stream_options={"include_usage": True},
            extra_headers={"X-Trace": "1"},
            extra_body={"custom": 1},
            timeout=httpx.Timeout(3.0),
        ),
        Stream[ChatChunkResponse],
    )

    text = client.completions
    assert_type(text.create(model="m", prompt="p"), Completion)
    assert_type(text.create(model="m", prompt=[1, 2], stream=False), Completion)
    assert_type(text.create(model="m", prompt=["a", "b"], stream=None), Completion)
    assert_type(text.create(model="m", prompt="p", stream=True), Stream[CompletionResponse])
    assert_type(
        text.create(model="m", prompt="p", stream=flag), Union[Completion, Stream[CompletionResponse]]
    )

    assert_type(client.models.list(), ModelListResponse)
    assert_type(client.models.list(format="openrouter"), ModelListResponse)
    assert_type(client.models.retrieve("llama3.1-8b"), ModelRetrieveResponse)
    assert_type(client.models.retrieve("m", format="huggingface"), ModelRetrieveResponse)


def check_streams(client: Cerebras) -> None:
    chat_stream = client.chat.completions.create(model="m", messages=[], stream=True)
    for chunk in chat_stream:
        assert_type(chunk, ChatChunkResponse)
        assert_type(chunk.id, str)
    assert_type(next(chat_stream), ChatChunkResponse)
    assert_type(iter(chat_stream), Iterator[ChatChunkResponse])
    assert_type(chat_stream.text_stream, Iterator[str])
    assert_type(chat_stream.until_done(), Stream[ChatChunkResponse])
    assert_type(chat_stream.get_final_completion(), ChatCompletionResponse)
    assert_type(chat_stream.response, httpx.Response)
    assert_type(chat_stream.request_id, Optional[str])
    assert_type(chat_stream.close(), None)
    with chat_stream as entered:
        assert_type(entered, Stream[ChatChunkResponse])

    with client.completions.create(model="m", prompt="p", stream=True) as text_stream:
        for piece in text_stream:
            assert_type(piece, CompletionResponse)
        assert_type(text_stream.text_stream, Iterator[str])
        assert_type(text_stream.get_final_completion(), CompletionResponse)

    # The same helpers as functions.
    assert_type(final_completion(chat_stream), ChatCompletionResponse)
    assert_type(final_completion(text_stream), CompletionResponse)
    assert_type(text_deltas(chat_stream), Iterator[str])


def check_parse(client: Cerebras) -> None:
    parsed = client.chat.completions.parse(model="m", messages=MESSAGES, response_format=City)
    assert_type(parsed, ParsedChatCompletion[City])
    assert_type(parsed.choices[0].message.parsed, Optional[City])
    assert_type(parsed.choices[0].message.content, Optional[str])
    assert_type(parsed.id, str)
    takes_a_completion(parsed)  # a parsed completion is still a ChatCompletionResponse
    # A dict format (or none): the content is decoded JSON, typed as object.
    as_json = client.chat.completions.parse(
        model="m", messages=MESSAGES, response_format={"type": "json_object"}
    )
    assert_type(as_json, ParsedChatCompletion[object])
    assert_type(client.chat.completions.parse(model="m", messages=MESSAGES), ParsedChatCompletion[object])


def takes_a_completion(completion: ChatCompletionResponse) -> None: ...


def check_raw_response(client: Cerebras) -> None:
    # with_raw_response, at every level, for every method
    assert_type(
        client.with_raw_response.chat.completions.create(model="m", messages=[]), APIResponse[ChatCompletion]
    )
    assert_type(
        client.chat.with_raw_response.completions.create(model="m", messages=[], stream=True),
        APIResponse[Stream[ChatChunkResponse]],
    )
    assert_type(
        client.chat.completions.with_raw_response.create(model="m", messages=[]), APIResponse[ChatCompletion]
    )
    assert_type(client.with_raw_response.completions.create(model="m", prompt="p"), APIResponse[Completion])
    assert_type(
        client.completions.with_raw_response.create(model="m", prompt="p", stream=True),
        APIResponse[Stream[CompletionResponse]],
    )
    assert_type(client.with_raw_response.models.list(), APIResponse[ModelListResponse])
    assert_type(client.models.with_raw_response.list(format="default"), APIResponse[ModelListResponse])
    assert_type(client.models.with_raw_response.retrieve("m"), APIResponse[ModelRetrieveResponse])

    raw = client.with_raw_response.chat.completions.create(model="m", messages=[])
    assert_type(raw.parse(), ChatCompletion)
    assert_type(raw.parse(to=City), City)
    assert_type(raw.headers, httpx.Headers)
    assert_type(raw.http_response, httpx.Response)
    assert_type(raw.status_code, int)
    assert_type(raw.url, httpx.URL)
    assert_type(raw.method, str)
    assert_type(raw.is_closed, bool)
    assert_type(raw.request_id, Optional[str])
    assert_type(raw.rate_limits, RateLimitInfo)
    assert_type(raw.read(), bytes)
    assert_type(raw.text(), str)
    assert_type(raw.json(), object)
    assert_type(raw.iter_lines(), Iterator[str])
    assert_type(raw.iter_bytes(), Iterator[bytes])

    raw_stream = client.with_raw_response.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(raw_stream.parse(), Stream[ChatChunkResponse])
    assert_type(raw_stream.parse().get_final_completion(), ChatCompletionResponse)
    raw_text = client.completions.with_raw_response.create(model="m", prompt="p")
    assert_type(raw_text.parse(), Completion)
    assert_type(client.models.with_raw_response.retrieve("m").parse(), ModelRetrieveResponse)


def check_streaming_response(client: Cerebras) -> None:
    assert_type(
        client.with_streaming_response.chat.completions.create(model="m", messages=[]),
        ResponseContextManager[APIResponse[ChatCompletion]],
    )
    assert_type(
        client.chat.completions.with_streaming_response.create(model="m", messages=[], stream=True),
        ResponseContextManager[APIResponse[Stream[ChatChunkResponse]]],
    )
    assert_type(
        client.with_streaming_response.completions.create(model="m", prompt="p"),
        ResponseContextManager[APIResponse[Completion]],
    )
    assert_type(
        client.completions.with_streaming_response.create(model="m", prompt="p", stream=True),
        ResponseContextManager[APIResponse[Stream[CompletionResponse]]],
    )
    assert_type(
        client.with_streaming_response.models.list(),
        ResponseContextManager[APIResponse[ModelListResponse]],
    )
    assert_type(
        client.with_streaming_response.models.retrieve("m"),
        ResponseContextManager[APIResponse[ModelRetrieveResponse]],
    )
    with client.with_streaming_response.models.list() as response:
        assert_type(response, APIResponse[ModelListResponse])
        assert_type(response.parse(), ModelListResponse)
    with client.chat.completions.with_streaming_response.create(
        model="m", messages=[], stream=True
    ) as streamed:
        assert_type(streamed.parse(), Stream[ChatChunkResponse])
        assert_type(streamed.iter_lines(), Iterator[str])


def check_errors(exc: APIStatusError, bad: BadRequestError, limited: RateLimitError) -> None:
    assert_type(exc.status_code, int)
    assert_type(exc.response, httpx.Response)
    assert_type(exc.request, httpx.Request)
    assert_type(exc.message, str)
    assert_type(exc.body, Optional[object])
    assert_type(bad.status_code, Literal[400])
    assert_type(limited.status_code, Literal[429])
