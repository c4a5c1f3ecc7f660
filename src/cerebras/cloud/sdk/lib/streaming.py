"""Stream helpers: the text of a stream as it arrives, and the completion it adds up to.

Each stream gets one helper (`stream_helper(stream)` / `async_stream_helper(stream)`, created on
first use and shared: for the SDK's streams it is `stream.helper`, for other iterables it is
remembered in a weak mapping). Every chunk drawn through the helper, whether by
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

import weakref
from typing import (
    Any,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    TypeVar,
    Union,
    cast,
    overload,
)

from .._stream_helpers import AssembledCompletion, AsyncStreamHelper, StreamHelper, chunk_text
from .._streaming import AsyncStream, Stream
from ..types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from ..types.completion import CompletionResponse

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

_HelperT = TypeVar("_HelperT", StreamHelper, AsyncStreamHelper)
# Helpers of iterables that are not the SDK's streams, alive as long as their iterable.
_helpers: weakref.WeakKeyDictionary[Any, Union[StreamHelper, AsyncStreamHelper]] = weakref.WeakKeyDictionary()


def _remembered(stream: object, factory: Callable[[Any], _HelperT]) -> _HelperT:
    try:
        helper = _helpers.get(stream)
    except TypeError:  # not weak-referenceable (a list): a fresh helper, not shared between calls
        return factory(stream)
    if helper is None:
        helper = _helpers.setdefault(stream, factory(stream))
    return cast(_HelperT, helper)


def stream_helper(stream: Iterable[object]) -> StreamHelper:
    """The helper of `stream`, created on first use and shared by later calls.

    For a `Stream` this is `stream.helper`, the one its own methods use. Objects that cannot be
    weakly referenced (lists, tuples) get a fresh helper on every call.
    """
    if isinstance(stream, Stream):
        return stream.helper  # pyright: ignore[reportUnknownMemberType]
    return _remembered(stream, StreamHelper)


def async_stream_helper(stream: AsyncIterable[object]) -> AsyncStreamHelper:
    """The helper of an async `stream`, created on first use and shared by later calls."""
    if isinstance(stream, AsyncStream):
        return stream.helper  # pyright: ignore[reportUnknownMemberType]
    return _remembered(stream, AsyncStreamHelper)


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
