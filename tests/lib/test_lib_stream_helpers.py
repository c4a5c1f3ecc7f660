"""text_deltas / until_done / final_completion over fake streams (sync and async)."""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, Iterator, List

import pytest

from cerebras.cloud.sdk import CerebrasError
from cerebras.cloud.sdk._models import construct_type
from cerebras.cloud.sdk.lib import (
    AsyncStreamHelper,
    StreamHelper,
    async_final_completion,
    async_stream_helper,
    async_text_deltas,
    async_until_done,
    chunk_text,
    final_completion,
    stream_helper,
    text_deltas,
    until_done,
)
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatCompletion,
    ChatCompletionResponse,
)
from cerebras.cloud.sdk.types.completion import Completion, CompletionResponse

Json = Dict[str, Any]


def chat_chunk(*choices: Json, **top: Any) -> ChatChunkResponse:
    payload = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
        "choices": list(choices),
        **top,
    }
    value = construct_type(type_=ChatCompletion, value=payload)
    assert isinstance(value, ChatChunkResponse)
    return value


def text_chunk(index: int, text: str, **choice: Any) -> CompletionResponse:
    payload = {
        "id": "t1",
        "object": "text_completion",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [{"index": index, "text": text, **choice}],
    }
    value = construct_type(type_=Completion, value=payload)
    assert isinstance(value, CompletionResponse)
    return value


def content(index: int, text: str) -> Json:
    return {"index": index, "delta": {"content": text}}


# role chunk, then "Hel", "lo" for choice 0 and "X" for choice 1, an empty piece, the end
CHUNKS: List[ChatChunkResponse] = [
    chat_chunk({"index": 0, "delta": {"role": "assistant", "content": ""}}),
    chat_chunk(content(0, "Hel")),
    chat_chunk(content(1, "X")),
    chat_chunk({"index": 0, "delta": {"reasoning": "hmm"}}),
    chat_chunk(content(0, "")),
    chat_chunk(content(0, "lo")),
    chat_chunk({"index": 0, "delta": {}, "finish_reason": "stop"}, usage={"total_tokens": 3}),
]


class FakeStream:
    """Iterates like `Stream` (the iterator is the object itself) and counts what was read."""

    def __init__(self, items: List[Any]) -> None:
        self._items = list(items)
        self.read = 0

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self.read >= len(self._items):
            raise StopIteration
        self.read += 1
        return self._items[self.read - 1]


class FakeAsyncStream:
    """Iterates like `AsyncStream` and counts what was read."""

    def __init__(self, items: List[Any]) -> None:
        self._items = list(items)
        self.read = 0

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        if self.read >= len(self._items):
            raise StopAsyncIteration
        self.read += 1
        return self._items[self.read - 1]


def test_chunk_text_reads_one_choice() -> None:
    two = chat_chunk(content(1, "b"), content(0, "a"))
    assert chunk_text(two) == "a"
    assert chunk_text(two, 1) == "b"
    assert chunk_text(two, 2) is None
    assert chunk_text(chat_chunk({"index": 0, "delta": {"reasoning": "r"}})) is None
    assert chunk_text(chat_chunk(choices=None)) is None
    assert chunk_text(text_chunk(0, "t")) == "t"


def test_text_deltas_yield_non_empty_content_of_choice_zero() -> None:
    assert list(text_deltas(FakeStream(CHUNKS))) == ["Hel", "lo"]
    assert list(text_deltas(FakeStream(CHUNKS), index=1)) == ["X"]


def test_text_deltas_of_text_completions() -> None:
    stream = FakeStream(
        [text_chunk(0, "Once"), text_chunk(1, "other"), text_chunk(0, ""), text_chunk(0, " upon")]
    )
    assert list(text_deltas(stream)) == ["Once", " upon"]


def test_text_deltas_read_no_further_than_needed() -> None:
    stream = FakeStream(CHUNKS)
    deltas = text_deltas(stream)
    assert next(deltas) == "Hel"
    assert stream.read == 2
    assert next(deltas) == "lo"
    assert stream.read == 6


def test_final_completion_includes_chunks_read_through_text_deltas() -> None:
    stream = FakeStream(CHUNKS)
    for piece in text_deltas(stream):
        assert piece == "Hel"
        break
    completion = final_completion(stream)
    assert isinstance(completion, ChatCompletionResponse)
    assert stream.read == len(CHUNKS)
    assert [(c.index, c.message.content) for c in completion.choices] == [(0, "Hello"), (1, "X")]
    assert completion.choices[0].message.reasoning == "hmm"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.total_tokens == 3
    # Asking again gives the same answer without reading anything.
    assert final_completion(stream).to_dict() == completion.to_dict()


def test_final_completion_of_text_completion_chunks() -> None:
    stream = FakeStream([text_chunk(0, "a"), text_chunk(0, "b", finish_reason="stop")])
    completion = final_completion(stream)
    assert isinstance(completion, CompletionResponse)
    assert completion.choices[0].text == "ab"
    assert completion.choices[0].finish_reason == "stop"


def test_until_done_reads_everything_and_records_it() -> None:
    stream = FakeStream(CHUNKS)
    until_done(stream)
    assert stream.read == len(CHUNKS)
    helper = stream_helper(stream)
    assert helper.accumulator is not None and helper.accumulator.chunk_count == len(CHUNKS)
    assert final_completion(stream).choices[0].message.content == "Hello"


def test_one_helper_per_stream() -> None:
    stream = FakeStream(CHUNKS)
    helper = stream_helper(stream)
    assert isinstance(helper, StreamHelper)
    assert stream_helper(stream) is helper
    assert stream_helper(FakeStream(CHUNKS)) is not helper


def test_iterating_the_helper_yields_chunks_and_records_them() -> None:
    stream = FakeStream(CHUNKS)
    seen = list(stream_helper(stream))
    assert seen == CHUNKS
    assert final_completion(stream).choices[0].message.content == "Hello"


def test_chunks_read_directly_from_the_stream_are_not_recorded() -> None:
    stream = FakeStream(CHUNKS)
    assert [next(stream), next(stream)] == CHUNKS[:2]  # the role chunk and "Hel", read by hand
    completion = final_completion(stream)
    assert completion.choices[0].message.content == "lo"


def test_final_completion_of_a_stream_read_to_the_end_by_hand_raises() -> None:
    stream = FakeStream(CHUNKS)
    for _ in stream:
        pass
    with pytest.raises(CerebrasError, match="no chunk"):
        final_completion(stream)


def test_plain_iterables_work_without_sharing() -> None:
    assert final_completion(CHUNKS).choices[0].message.content == "Hello"
    assert list(text_deltas(iter(CHUNKS))) == ["Hel", "lo"]


def test_unknown_items_are_refused() -> None:
    with pytest.raises(TypeError, match="str"):
        final_completion(FakeStream(["not a chunk"]))


# ---------------------------------------------------------------------------------------------
# async


async def _collect(iterator: AsyncIterator[str]) -> List[str]:
    return [item async for item in iterator]


@pytest.mark.anyio
async def test_async_text_deltas() -> None:
    assert await _collect(async_text_deltas(FakeAsyncStream(CHUNKS))) == ["Hel", "lo"]
    assert await _collect(async_text_deltas(FakeAsyncStream(CHUNKS), index=1)) == ["X"]


@pytest.mark.anyio
async def test_async_final_completion_includes_chunks_read_through_text_deltas() -> None:
    stream = FakeAsyncStream(CHUNKS)
    async for piece in async_text_deltas(stream):
        assert piece == "Hel"
        break
    assert stream.read == 2
    completion = await async_final_completion(stream)
    assert stream.read == len(CHUNKS)
    assert [(c.index, c.message.content) for c in completion.choices] == [(0, "Hello"), (1, "X")]


@pytest.mark.anyio
async def test_async_until_done_and_shared_helper() -> None:
    stream = FakeAsyncStream(CHUNKS)
    helper = async_stream_helper(stream)
    assert isinstance(helper, AsyncStreamHelper)
    assert async_stream_helper(stream) is helper
    await async_until_done(stream)
    assert stream.read == len(CHUNKS)
    completion = await helper.final_completion()
    assert completion.choices[0].message.content == "Hello"


@pytest.mark.anyio
async def test_async_helper_over_an_async_generator() -> None:
    async def generate() -> AsyncIterator[CompletionResponse]:
        yield text_chunk(0, "a")
        yield text_chunk(0, "b")

    completion = await async_final_completion(generate())
    assert isinstance(completion, CompletionResponse)
    assert completion.choices[0].text == "ab"


@pytest.mark.anyio
async def test_async_final_completion_without_chunks_raises() -> None:
    with pytest.raises(CerebrasError, match="no chunk"):
        await async_final_completion(FakeAsyncStream([]))
