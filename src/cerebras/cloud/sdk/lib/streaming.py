"""Stream helpers: the text of a stream as it arrives, and the completion it adds up to.

Each stream gets one helper (`stream_helper(stream)` / `async_stream_helper(stream)`, created on
first use and remembered on the stream object). Every chunk drawn through the helper, whether by
`text_deltas`, `until_done` or `final_completion`, is fed to one accumulator, so

```py
stream = client.chat.completions.create(..., stream=True)
for text in text_deltas(stream):  # `stream.text_stream`
    print(text, end="")
    if enough(text):
        break
completion = final_completion(stream)  # `stream.get_final_completion()`: all chunks, also those read above
```

Chunks read by iterating the stream directly (`for chunk in stream`) bypass the helper and are not
part of the final completion; to both see each chunk and keep the total, iterate the helper itself
(`for chunk in stream_helper(stream)`) or feed a `ChatCompletionAccumulator` yourself.

The stream is only read on demand: nothing here prefetches, and a helper never reads past the
chunk it hands out.
"""

from __future__ import annotations

import threading
from typing import (
    AsyncIterable,
    AsyncIterator,
    Iterable,
    Iterator,
    List,
    Optional,
    Union,
    cast,
    overload,
)

import pydantic

from .._exceptions import CerebrasError
from ..types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from ..types.completion import CompletionResponse
from ._accumulate import CompletionAccumulator, accumulator_for

__all__ = [
    "AsyncStreamHelper",
    "StreamHelper",
    "async_final_completion",
    "async_stream_helper",
    "async_text_deltas",
    "async_until_done",
    "chunk_text",
    "final_completion",
    "stream_helper",
    "text_deltas",
    "until_done",
]

AssembledCompletion = Union[ChatCompletionResponse, CompletionResponse]

# Name of the attribute that remembers a stream's helper on the stream object itself (so the
# helper lives exactly as long as the stream, with no global registry to leak from).
_HELPER_ATTR = "_lib_stream_helper"
_attach_lock = threading.Lock()


def chunk_text(chunk: object, index: int = 0) -> Optional[str]:
    """The text a chunk adds to choice `index`: `delta.content` for chat, `text` for text completions.

    `None` when the chunk carries nothing for that choice.
    """
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list):
        return None
    is_chat = isinstance(chunk, ChatChunkResponse)
    for choice in cast(List[object], choices):
        if getattr(choice, "index", None) != index:
            continue
        if is_chat:
            delta = getattr(choice, "delta", None)
            text = getattr(delta, "content", None) if isinstance(delta, pydantic.BaseModel) else None
        else:
            text = getattr(choice, "text", None)
        return text if isinstance(text, str) else None
    return None


class _Recorder:
    """The accumulator of one helper, created from the first chunk's type."""

    _accumulator: Optional[CompletionAccumulator] = None
    _recorded = 0
    _source: object = None

    @property
    def accumulator(self) -> Optional[CompletionAccumulator]:
        """The accumulator fed so far (`None` until the first chunk was read)."""
        return self._accumulator

    def _record(self, chunk: object) -> None:
        accumulator = self._accumulator
        if accumulator is None:
            accumulator = self._accumulator = accumulator_for(chunk)
        accumulator.add(chunk)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        self._recorded += 1

    def _assembled(self) -> AssembledCompletion:
        # A Stream counts every chunk it hands out; if some went past the helper, the result
        # would silently miss them.
        read = getattr(self._source, "_items_read", None)
        if isinstance(read, int) and read > self._recorded:
            raise CerebrasError(
                f"{read - self._recorded} of this stream's chunks were read by iterating the stream "
                "directly, so the completion cannot be assembled from it. Call get_final_completion() "
                "(or read text_stream) instead of iterating, or feed the chunks you iterate to a "
                "ChatCompletionAccumulator."
            )
        if self._accumulator is None:
            raise CerebrasError(
                "The stream produced no chunk through its helper, so there is no completion to "
                "assemble. Chunks read by iterating the stream directly are not recorded: call "
                "get_final_completion() (or read text_stream) instead of, or before, iterating."
            )
        return self._accumulator.result()


class StreamHelper(_Recorder):
    """Reads a (sync) stream while recording every chunk it hands out.

    Iterating the helper yields the stream's chunks; `text_deltas`, `until_done` and
    `final_completion` read from the same place, so they can be mixed freely.
    """

    def __init__(self, stream: Iterable[object]) -> None:
        self._source = stream
        self._iterator: Iterator[object] = iter(stream)

    def __iter__(self) -> Iterator[object]:
        return self

    def __next__(self) -> object:
        chunk = next(self._iterator)
        self._record(chunk)
        return chunk

    def text_deltas(self, index: int = 0) -> Iterator[str]:
        """The non-empty text pieces of choice `index`, read on demand (see `chunk_text`)."""
        return _TextDeltas(self, index)

    def until_done(self) -> None:
        """Read (and record) the rest of the stream."""
        for _ in self:
            pass

    def final_completion(self) -> AssembledCompletion:
        """Read the rest of the stream and return the completion assembled from every recorded chunk."""
        self.until_done()
        return self._assembled()


class _TextDeltas:
    # A plain iterator rather than a generator: abandoning it half-way leaves nothing to finalise.
    __slots__ = ("_helper", "_index")

    def __init__(self, helper: StreamHelper, index: int) -> None:
        self._helper = helper
        self._index = index

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while True:
            text = chunk_text(next(self._helper), self._index)
            if text:
                return text


class AsyncStreamHelper(_Recorder):
    """The async twin of `StreamHelper`, for an `AsyncStream` or any async iterable of chunks."""

    def __init__(self, stream: AsyncIterable[object]) -> None:
        self._source = stream
        self._iterator: AsyncIterator[object] = stream.__aiter__()

    def __aiter__(self) -> AsyncIterator[object]:
        return self

    async def __anext__(self) -> object:
        chunk = await self._iterator.__anext__()
        self._record(chunk)
        return chunk

    def text_deltas(self, index: int = 0) -> AsyncIterator[str]:
        """The non-empty text pieces of choice `index`, read on demand (see `chunk_text`)."""
        return _AsyncTextDeltas(self, index)

    async def until_done(self) -> None:
        """Read (and record) the rest of the stream."""
        async for _ in self:
            pass

    async def final_completion(self) -> AssembledCompletion:
        """Read the rest of the stream and return the completion assembled from every recorded chunk."""
        await self.until_done()
        return self._assembled()


class _AsyncTextDeltas:
    __slots__ = ("_helper", "_index")

    def __init__(self, helper: AsyncStreamHelper, index: int) -> None:
        self._helper = helper
        self._index = index

    def __aiter__(self) -> AsyncIterator[str]:
        return self

    async def __anext__(self) -> str:
        while True:
            text = chunk_text(await self._helper.__anext__(), self._index)
            if text:
                return text


def _attached(stream: object, factory: type) -> object:
    helper = getattr(stream, _HELPER_ATTR, None)
    if isinstance(helper, factory):
        return helper
    with _attach_lock:
        helper = getattr(stream, _HELPER_ATTR, None)
        if not isinstance(helper, factory):
            helper = factory(stream)
            try:
                setattr(stream, _HELPER_ATTR, helper)
            except (AttributeError, TypeError):
                pass  # e.g. a generator or a list: the helper works, but is not shared between calls
        return helper


def stream_helper(stream: Iterable[object]) -> StreamHelper:
    """The helper of `stream`, created on first use and kept on the stream object.

    Objects that cannot hold attributes (lists, generators) get a fresh helper on every call.
    """
    return cast(StreamHelper, _attached(stream, StreamHelper))


def async_stream_helper(stream: AsyncIterable[object]) -> AsyncStreamHelper:
    """The helper of an async `stream`, created on first use and kept on the stream object."""
    return cast(AsyncStreamHelper, _attached(stream, AsyncStreamHelper))


@overload
def final_completion(stream: Iterable[ChatChunkResponse]) -> ChatCompletionResponse: ...
@overload
def final_completion(stream: Iterable[CompletionResponse]) -> CompletionResponse: ...
@overload
def final_completion(stream: Iterable[object]) -> AssembledCompletion: ...
def final_completion(stream: Iterable[object]) -> AssembledCompletion:
    """Read the rest of `stream` and return the completion its chunks add up to.

    Chat chunks give a `ChatCompletionResponse`, text-completion chunks a `CompletionResponse`.
    Chunks already read through the stream's helper (e.g. by `text_deltas`) are included.
    Raises `CerebrasError` when no chunk was ever read through the helper.
    """
    return stream_helper(stream).final_completion()


@overload
async def async_final_completion(stream: AsyncIterable[ChatChunkResponse]) -> ChatCompletionResponse: ...
@overload
async def async_final_completion(stream: AsyncIterable[CompletionResponse]) -> CompletionResponse: ...
@overload
async def async_final_completion(stream: AsyncIterable[object]) -> AssembledCompletion: ...
async def async_final_completion(stream: AsyncIterable[object]) -> AssembledCompletion:
    """Async version of `final_completion`."""
    return await async_stream_helper(stream).final_completion()


def text_deltas(stream: Iterable[object], index: int = 0) -> Iterator[str]:
    """The non-empty text pieces of choice `index` (0 by default), as they arrive.

    For chat streams this is `delta.content` (reasoning is not included); for text completions,
    `choices[i].text`. Only one choice is followed because pieces of different choices would
    interleave; the other choices are still recorded for `final_completion`.
    """
    return stream_helper(stream).text_deltas(index)


def async_text_deltas(stream: AsyncIterable[object], index: int = 0) -> AsyncIterator[str]:
    """Async version of `text_deltas`."""
    return async_stream_helper(stream).text_deltas(index)


def until_done(stream: Iterable[object]) -> None:
    """Read (and record) the rest of `stream`, e.g. to get `usage` without looking at the text."""
    stream_helper(stream).until_done()


async def async_until_done(stream: AsyncIterable[object]) -> None:
    """Async version of `until_done`."""
    await async_stream_helper(stream).until_done()
