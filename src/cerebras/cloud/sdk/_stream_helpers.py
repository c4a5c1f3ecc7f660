"""Reading a stream while recording its chunks, so that the completion they add up to can be
assembled at any point (`Stream.get_final_completion()`, `Stream.text_stream`).

A helper wraps any iterable of chunks. A `Stream` keeps one (its `helper`), and every chunk drawn
through it, by `text_stream`, `until_done` or iterating the helper, is fed to one accumulator.
Chunks read by iterating the stream itself bypass the helper; the stream counts them, so that
assembling a completion that would silently miss them raises instead.
"""

from __future__ import annotations

from typing import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, List, Optional, Union, cast

import pydantic

from ._accumulate import CompletionAccumulator, accumulator_for
from ._exceptions import CerebrasError
from .types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from .types.completion import CompletionResponse

__all__ = ["AsyncStreamHelper", "StreamHelper", "chunk_text"]

AssembledCompletion = Union[ChatCompletionResponse, CompletionResponse]


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
    _items_read: Optional[Callable[[], int]] = None

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
        read = self._items_read() if self._items_read is not None else 0
        if read > self._recorded:
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

    def __init__(self, stream: Iterable[object], items_read: Optional[Callable[[], int]] = None) -> None:
        self._items_read = items_read
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

    def __init__(self, stream: AsyncIterable[object], items_read: Optional[Callable[[], int]] = None) -> None:
        self._items_read = items_read
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
