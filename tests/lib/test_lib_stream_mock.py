"""The stream helpers on real `Stream`/`AsyncStream` objects, against the local mock server."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.lib import (
    async_final_completion,
    async_text_deltas,
    final_completion,
    text_deltas,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse

MESSAGES: List[Dict[str, Any]] = [{"role": "user", "content": "hi"}]
TIME_INFO = {"queue_time": 0.1, "prompt_time": 0.2, "completion_time": 0.3, "total_time": 0.6, "created": 1.5}
REPLY: Dict[str, Any] = {
    "content": "The weather is being looked up for you right now.",
    "reasoning": "The user wants the weather, so call the tool.",
    "tool_calls": [
        {"name": "get_weather", "arguments": {"city": "Oslo", "unit": "celsius", "days": 3}},
        {"name": "get_time", "arguments": {}},
    ],
    "time_info": TIME_INFO,
}


def _comparable(completion: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = completion.to_dict()
    for key in ("id", "created"):
        data.pop(key)
    for choice in data["choices"]:
        for call in choice["message"].get("tool_calls", []):
            call.pop("index", None)  # the stream's joining key; not in non-streamed replies
    return data


def _client(server: MockCerebrasServer) -> Cerebras:
    return Cerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


def test_final_completion_of_a_stream_equals_the_non_streamed_reply(
    mock_server: MockCerebrasServer,
) -> None:
    client = _client(mock_server)
    mock_server.add_reply(**REPLY)
    plain = client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES, n=2)
    mock_server.add_reply(**REPLY)
    stream = client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES, n=2, stream=True)

    pieces: List[str] = []
    for piece in text_deltas(stream):
        pieces.append(piece)
        if len(pieces) == 2:
            break
    assembled = final_completion(stream)

    assert isinstance(plain, ChatCompletionResponse)
    assert isinstance(assembled, ChatCompletionResponse)
    assert len(assembled.choices) == 2
    assert _comparable(assembled) == _comparable(plain)
    assert REPLY["content"].startswith("".join(pieces))
    assert stream.response.is_closed


def test_text_deltas_of_a_text_completion_stream(mock_server: MockCerebrasServer) -> None:
    client = _client(mock_server)
    mock_server.add_reply("one two three four")
    stream = client.completions.create(model="llama3.1-8b", prompt="count", stream=True)
    assert "".join(text_deltas(stream)) == "one two three four"
    completion = final_completion(stream)
    assert isinstance(completion, CompletionResponse)
    assert completion.choices[0].text == "one two three four"
    assert completion.usage is not None


@pytest.mark.anyio
async def test_async_stream_helpers(mock_server: MockCerebrasServer) -> None:
    client = AsyncCerebras(base_url=mock_server.base_url, api_key="test", warm_tcp_connection=False)
    async with client:
        mock_server.add_reply(**REPLY)
        plain = await client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES)
        mock_server.add_reply(**REPLY)
        stream = await client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES, stream=True)
        first = None
        async for piece in async_text_deltas(stream):
            first = piece
            break
        assembled = await async_final_completion(stream)
    assert first is not None and REPLY["content"].startswith(first)
    assert _comparable(assembled) == _comparable(plain)
