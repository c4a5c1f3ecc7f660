"""`Stream.get_final_completion()`, `text_stream` and `until_done()` through the real clients,
against the bundled mock server."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Type

import pytest

from cerebras.cloud.sdk import (
    APIStatusError,
    AsyncCerebras,
    BadRequestError,
    Cerebras,
    CerebrasError,
    InternalServerError,
    RateLimitError,
    ServiceUnavailableError,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse

MODEL = "llama3.1-8b"
MESSAGES: List[Dict[str, Any]] = [{"role": "user", "content": "Tell me about fjords."}]
TEXT = "Fjords are long, narrow inlets with steep sides, carved by glaciers."
USAGE = {"prompt_tokens": 7, "completion_tokens": 14, "total_tokens": 21}
TIME_INFO = {
    "queue_time": 0.01,
    "prompt_time": 0.02,
    "completion_time": 0.03,
    "total_time": 0.06,
    "created": 1.0,
}
ARGUMENTS = {"city": "Trondheim, Norway", "unit": "celsius", "days": 5, "details": ["wind", "rain"]}

ERRORS = [(400, BadRequestError), (429, RateLimitError), (503, ServiceUnavailableError)]


def _client(server: MockCerebrasServer) -> Cerebras:
    return Cerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


def _async_client(server: MockCerebrasServer) -> AsyncCerebras:
    return AsyncCerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


@pytest.fixture
def client(mock_server: MockCerebrasServer) -> Iterator[Cerebras]:
    with _client(mock_server) as client:
        yield client


def _reply(server: MockCerebrasServer, **overrides: Any) -> None:
    options: Dict[str, Any] = {"content": TEXT, "usage": USAGE, "time_info": TIME_INFO}
    options.update(overrides)
    server.add_reply(**options)


def _check_matches(final: ChatCompletionResponse, plain: ChatCompletionResponse) -> None:
    assert isinstance(final, ChatCompletionResponse)
    assert final.object == "chat.completion"
    assert final.model == plain.model
    assert len(final.choices) == len(plain.choices)
    for streamed, whole in zip(final.choices, plain.choices):
        assert streamed.index == whole.index
        assert streamed.message.role == "assistant"
        assert streamed.message.content == whole.message.content
        assert streamed.finish_reason == whole.finish_reason == "stop"
    assert final.usage is not None and plain.usage is not None
    assert final.usage.to_dict() == plain.usage.to_dict()
    assert final.usage.total_tokens == 21
    assert final.time_info is not None and plain.time_info is not None
    assert final.time_info.to_dict() == plain.time_info.to_dict()
    assert final.time_info.total_time == 0.06


# --- get_final_completion() -------------------------------------------------------------------------------


def test_final_completion_equals_the_non_streamed_reply(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    _reply(mock_server)
    plain = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    _reply(mock_server, headers={"x-request-id": "req_stream"})
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    assert stream.request_id == "req_stream"

    final = stream.get_final_completion()

    assert isinstance(plain, ChatCompletionResponse)
    _check_matches(final, plain)
    assert final.choices[0].message.content == TEXT
    assert stream.response.is_closed
    assert json.loads(mock_server.last_request.body)["stream"] is True


def test_final_completion_with_several_choices_and_reasoning(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    _reply(mock_server, reasoning="Think about glaciers first.")
    with client.chat.completions.create(model=MODEL, messages=MESSAGES, n=2, stream=True) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_completion()
    assert text == TEXT  # only choice 0, and no reasoning
    assert [c.index for c in final.choices] == [0, 1]
    for choice in final.choices:
        assert choice.message.content == TEXT
        assert choice.message.reasoning == "Think about glaciers first."


def test_final_completion_of_a_text_completion_stream(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    _reply(mock_server)
    plain = client.completions.create(model=MODEL, prompt="Fjords:")
    _reply(mock_server)
    stream = client.completions.create(model=MODEL, prompt="Fjords:", stream=True)

    final = stream.get_final_completion()

    assert isinstance(final, CompletionResponse)
    assert final.object == "text_completion"
    assert final.choices[0].text == TEXT == plain.choices[0].text
    assert final.choices[0].finish_reason == "stop"
    assert final.usage is not None and final.usage.to_dict() == USAGE
    assert final.time_info is not None and final.time_info.total_time == 0.06
    assert stream.response.is_closed


def test_final_completion_joins_a_streamed_tool_call(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    calls = [
        {"name": "get_weather", "arguments": ARGUMENTS},
        {"name": "get_time", "arguments": {"zone": "Europe/Oslo"}},
    ]
    mock_server.add_reply(tool_calls=calls, stream=True)
    # The premise: the mock splits the arguments over several chunks.
    fragments = [
        call.function.arguments
        for chunk in client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        for choice in chunk.choices or []
        for call in (choice.delta.tool_calls if choice.delta else None) or []
        if call.index == 0 and call.function and call.function.arguments
    ]
    assert len(fragments) > 2

    mock_server.add_reply(tool_calls=calls, stream=True)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    final = stream.get_final_completion()

    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert not choice.message.content
    tool_calls = choice.message.tool_calls
    assert tool_calls is not None and len(tool_calls) == 2
    assert [c.id for c in tool_calls] == ["call_1", "call_2"]
    assert [c.type for c in tool_calls] == ["function", "function"]
    assert tool_calls[0].function.name == "get_weather"
    assert tool_calls[0].function.arguments == "".join(fragments)
    assert json.loads(tool_calls[0].function.arguments or "") == ARGUMENTS
    assert tool_calls[1].function.name == "get_time"
    assert json.loads(tool_calls[1].function.arguments or "") == {"zone": "Europe/Oslo"}


def test_final_completion_can_be_asked_for_twice(client: Cerebras) -> None:
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    first = stream.get_final_completion()
    assert stream.get_final_completion() == first
    assert list(stream.text_stream) == []


# --- text_stream -------------------------------------------------------------------------------------------


def test_text_stream_joined_is_the_content(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    _reply(mock_server)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    pieces = list(stream.text_stream)
    assert len(pieces) > 1
    assert all(pieces)
    assert "".join(pieces) == TEXT
    assert stream.response.is_closed


def test_text_stream_of_a_text_completion(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    _reply(mock_server)
    stream = client.completions.create(model=MODEL, prompt="Fjords:", stream=True)
    assert "".join(stream.text_stream) == TEXT


def test_text_stream_part_way_then_final_completion(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    _reply(mock_server)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    seen: List[str] = []
    for piece in stream.text_stream:
        seen.append(piece)
        if len(seen) == 2:
            break
    assert not stream.response.is_closed

    final = stream.get_final_completion()

    assert TEXT.startswith("".join(seen)) and "".join(seen) != TEXT
    assert final.choices[0].message.content == TEXT  # the pieces read above are included
    assert final.usage is not None and final.usage.total_tokens == 21


def test_text_stream_rest_continues_where_it_stopped(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    _reply(mock_server)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    first = next(stream.text_stream)
    rest = "".join(stream.text_stream)
    assert first + rest == TEXT


# --- plain iteration, until_done, errors --------------------------------------------------------------


def test_plain_iteration_then_final_completion_raises(client: Cerebras) -> None:
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    next(iter(stream))
    with pytest.raises(CerebrasError, match="iterating"):
        stream.get_final_completion()
    stream.close()


def test_until_done_consumes_and_closes(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    _reply(mock_server)
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    assert not stream.response.is_closed

    assert stream.until_done() is stream

    assert stream.response.is_closed
    assert list(stream) == []  # nothing left
    final = stream.get_final_completion()
    assert final.choices[0].message.content == TEXT
    assert final.usage is not None and final.usage.total_tokens == 21


@pytest.mark.parametrize(("status", "error_class"), ERRORS)
def test_error_event_mid_stream_propagates(
    client: Cerebras, mock_server: MockCerebrasServer, status: int, error_class: Type[APIStatusError]
) -> None:
    mock_server.add_stream_error(2, status_code=status, message="the stream broke")
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    with pytest.raises(error_class, match="the stream broke") as caught:
        stream.get_final_completion()
    assert caught.value.status_code == status
    assert stream.response.is_closed


def test_error_event_mid_stream_from_text_stream(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_stream_error(3, status_code=500, message="overloaded", event="error")
    stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    seen: List[str] = []
    with pytest.raises(InternalServerError, match="overloaded"):
        for piece in stream.text_stream:
            seen.append(piece)
    assert seen  # the text before the error got through


# --- async --------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_final_completion_equals_the_non_streamed_reply(
    mock_server: MockCerebrasServer,
) -> None:
    async with _async_client(mock_server) as client:
        _reply(mock_server)
        plain = await client.chat.completions.create(model=MODEL, messages=MESSAGES)
        _reply(mock_server)
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        final = await stream.get_final_completion()
    assert isinstance(plain, ChatCompletionResponse)
    _check_matches(final, plain)
    assert stream.response.is_closed


@pytest.mark.anyio
async def test_async_text_completion_stream(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        _reply(mock_server)
        stream = await client.completions.create(model=MODEL, prompt="Fjords:", stream=True)
        pieces = [piece async for piece in stream.text_stream]
        final = await stream.get_final_completion()
    assert "".join(pieces) == TEXT
    assert isinstance(final, CompletionResponse)
    assert final.choices[0].text == TEXT
    assert final.usage is not None and final.usage.to_dict() == USAGE


@pytest.mark.anyio
async def test_async_streamed_tool_call(mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(tool_calls=[{"name": "get_weather", "arguments": ARGUMENTS}], stream=True)
    async with _async_client(mock_server) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        final = await stream.get_final_completion()
    tool_calls = final.choices[0].message.tool_calls
    assert final.choices[0].finish_reason == "tool_calls"
    assert tool_calls is not None and len(tool_calls) == 1
    assert tool_calls[0].id == "call_1"
    assert tool_calls[0].function.name == "get_weather"
    assert json.loads(tool_calls[0].function.arguments or "") == ARGUMENTS


@pytest.mark.anyio
async def test_async_text_stream_part_way_then_final_completion(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        _reply(mock_server)
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        seen: List[str] = []
        async for piece in stream.text_stream:
            seen.append(piece)
            if len(seen) == 2:
                break
        final = await stream.get_final_completion()
    assert len(seen) == 2 and TEXT.startswith("".join(seen))
    assert final.choices[0].message.content == TEXT


@pytest.mark.anyio
async def test_async_plain_iteration_then_final_completion_raises(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        async for _ in stream:
            break
        with pytest.raises(CerebrasError, match="iterating"):
            await stream.get_final_completion()
        await stream.close()


@pytest.mark.anyio
async def test_async_until_done_consumes_and_closes(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        _reply(mock_server)
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        assert (await stream.until_done()) is stream
        assert stream.response.is_closed
        final = await stream.get_final_completion()
    assert final.choices[0].message.content == TEXT
    assert final.usage is not None and final.usage.total_tokens == 21


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "error_class"), ERRORS)
async def test_async_error_event_mid_stream_propagates(
    mock_server: MockCerebrasServer, status: int, error_class: Type[APIStatusError]
) -> None:
    async with _async_client(mock_server) as client:
        mock_server.add_stream_error(2, status_code=status, message="the stream broke")
        stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        with pytest.raises(error_class, match="the stream broke") as caught:
            await stream.get_final_completion()
    assert caught.value.status_code == status


def test_final_completion_carries_the_request_id(mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply("tagged", stream=True, headers={"x-request-id": "req_final"})
    client = Cerebras(base_url=mock_server.base_url, api_key="k", warm_tcp_connection=False)
    stream = client.chat.completions.create(
        model="llama3.1-8b", messages=[{"role": "user", "content": "x"}], stream=True
    )
    completion = stream.get_final_completion()
    assert completion._request_id == "req_final"
    client.close()
