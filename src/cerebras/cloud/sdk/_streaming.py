"""`Stream` and `AsyncStream`: pull bytes from a response, decode SSE events, hand out parsed chunks."""

from __future__ import annotations

import sys
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncGenerator,
    AsyncIterator,
    Generator,
    Generic,
    Iterator,
    List,
    Optional,
    Set,
    TypeVar,
    overload,
)

import httpx
from typing_extensions import Self

from ._decoder import decoder_for
from ._exceptions import APIConnectionError, APIResponseValidationError, CerebrasError, transport_error
from ._request_meta import request_id_from_headers
from ._sse import ServerSentEvent, SSEDecodeError, SSEDecoder

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient
    from ._pipeline import FinalRequestOptions
    from ._stream_helpers import AsyncStreamHelper, StreamHelper
    from .types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
    from .types.completion import CompletionResponse

_T = TypeVar("_T")
_C = TypeVar("_C")

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

_DONE = "[DONE]"


class _StreamCore(Generic[_T]):
    """What both streams share: turning one event's data into an item, or into an exception."""

    response: httpx.Response
    _cast_to: Any
    _strict: bool
    _closed_early: bool

    def _setup(self, cast_to: Any, response: httpx.Response, client: Any, strict: bool) -> None:
        self.response = response
        self._cast_to = cast_to
        self._client = client
        self._strict = strict
        self._decoder = decoder_for(cast_to)
        self._closed_early = False
        self._items_read = 0

    def _item(self, data: str) -> _T:
        return self._decoder.stream_item(data, self._strict, self.response)  # type: ignore[no-any-return]

    def _decode_error(self, exc: SSEDecodeError) -> APIResponseValidationError:
        return APIResponseValidationError(
            response=self.response,
            body=exc.raw.decode("utf-8", "replace"),
            message=f"The event stream contained a line that is not valid UTF-8: {exc.raw[:200]!r}",
        )

    def _transport_error(self, exc: Exception) -> APIConnectionError:
        return transport_error(
            exc, self.response.request, message=f"Connection error while reading the stream: {exc}"
        )

    def _count_read(self) -> int:
        return self._items_read

    @property
    def request_id(self) -> Optional[str]:
        """The API's id for the request that opened this stream, or None."""
        return request_id_from_headers(self.response.headers)

    def _tag(self, completion: _C) -> _C:
        # The assembled completion carries the request id, as a non-streamed one does.
        request_id = self.request_id
        if request_id is not None:
            object.__setattr__(completion, "_request_id", request_id)
        return completion

    def _closed_error(self) -> CerebrasError:
        return CerebrasError(
            "This stream was closed before it was read to the end; no more items can be read."
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.response.status_code}] item={self._cast_to!r}>"


class Stream(_StreamCore[_T]):
    """Items of a streamed response, parsed as they arrive.

    Iterate it once; breaking out of a loop keeps your place. Use it as a context manager (or call
    `close()`) to hand the connection back if you stop early.
    """

    def __init__(
        self,
        *,
        cast_to: Any,
        response: httpx.Response,
        client: Optional[SyncAPIClient],
        options: Optional[FinalRequestOptions] = None,
        strict: bool = False,
    ) -> None:
        self._setup(cast_to, response, client, strict)
        self._options = options
        self._iterator: Generator[_T, None, None] = self.__stream__()
        self._helper: Optional[StreamHelper] = None

    def __next__(self) -> _T:
        if self._closed_early:
            raise self._closed_error()
        item = self._iterator.__next__()
        self._items_read += 1
        return item

    def __iter__(self) -> Iterator[_T]:
        # A generator, not `return self`: tracing tools replace `__iter__` on the class with a
        # wrapper that iterates what the original returns, which would recurse if it were `self`.
        # Breaking out of a loop closes this generator but not the one underneath, so the next
        # loop carries on where the last one stopped.
        if self._closed_early:
            raise self._closed_error()
        for item in self._iterator:
            self._items_read += 1
            yield item
        if self._closed_early:
            raise self._closed_error()

    def __stream__(self) -> Generator[_T, None, None]:
        # Bytes become events and events become items in this one generator: a stream hands out
        # thousands of items, and every generator layer costs each of them.
        response = self.response
        decode = self._decoder.stream_item
        strict = self._strict
        decoder = SSEDecoder()
        try:
            try:
                for chunk in response.iter_bytes():
                    try:
                        events = decoder.feed(chunk)
                    except SSEDecodeError as exc:
                        # The events completed before the bad line still reach the caller first.
                        if (yield from self._items_of(exc.events)):
                            return
                        raise self._decode_error(exc) from None
                    for event in events:
                        data = event.data
                        if data.startswith(_DONE):
                            return
                        yield decode(data, strict, response)
                yield from self._items_of(decoder.close())
            except httpx.TransportError as exc:
                raise self._transport_error(exc) from exc
        finally:
            response.close()

    def _items_of(self, events: List[ServerSentEvent]) -> Generator[_T, None, bool]:
        """The items of `events` (the rare batches: before a bad line, at the end); True at `[DONE]`."""
        for event in events:
            if event.data.startswith(_DONE):
                return True
            yield self._item(event.data)
        return False

    # Helpers beyond the official SDK; they share one accumulator per stream, through `helper`.

    @property
    def helper(self) -> StreamHelper:
        """The stream's reader that records what it reads: iterating it yields the chunks, and
        `get_final_completion()` then includes them. `text_stream` and `until_done()` read through it."""
        helper = self._helper
        if helper is None:
            from ._stream_helpers import StreamHelper

            helper = self._helper = StreamHelper(self, self._count_read)
        return helper

    @overload
    def get_final_completion(self: Stream[ChatChunkResponse]) -> ChatCompletionResponse: ...
    @overload
    def get_final_completion(self: Stream[CompletionResponse]) -> CompletionResponse: ...
    @overload
    def get_final_completion(self: Stream[Any]) -> Any: ...
    def get_final_completion(self: Stream[Any]) -> Any:
        """Read the rest of the stream and return the whole response assembled from its chunks.

        A chat stream gives a `ChatCompletionResponse`, a text stream a `CompletionResponse`, as
        if the call had not been streamed. Chunks read through `text_stream` are included; chunks
        read by iterating the stream yourself are not, so this raises if there were any.
        """
        return self._tag(self.helper.final_completion())

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text pieces (chat `delta.content`, or a text completion's `text`), as they arrive."""
        return self.helper.text_deltas()

    def until_done(self) -> Self:
        """Read the stream to its end (recording it for `get_final_completion()`)."""
        self.helper.until_done()
        return self

    def close(self) -> None:
        """Close the response and release its connection; items already read stay valid."""
        if not self.response.is_closed:
            self._closed_early = True
            self._iterator.close()
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A stream dropped before it was iterated has no suspended generator whose cleanup would
        # close the response, so its connection would stay checked out of the pool.
        response: Optional[httpx.Response] = self.__dict__.get("response")
        if response is not None and not response.is_closed:
            try:
                response.close()
            except Exception:
                pass


class AsyncStream(_StreamCore[_T]):
    """The async twin of `Stream`: `async for chunk in stream`, `await stream.close()`."""

    def __init__(
        self,
        *,
        cast_to: Any,
        response: httpx.Response,
        client: Optional[AsyncAPIClient],
        options: Optional[FinalRequestOptions] = None,
        strict: bool = False,
    ) -> None:
        self._setup(cast_to, response, client, strict)
        self._options = options
        self._iterator: AsyncGenerator[_T, None] = self.__stream__()
        self._helper: Optional[AsyncStreamHelper] = None

    async def __anext__(self) -> _T:
        if self._closed_early:
            raise self._closed_error()
        item = await self._iterator.__anext__()
        self._items_read += 1
        return item

    async def __aiter__(self) -> AsyncIterator[_T]:
        # An async generator, for the reasons given at `Stream.__iter__`.
        if self._closed_early:
            raise self._closed_error()
        async for item in self._iterator:
            self._items_read += 1
            yield item
        if self._closed_early:
            raise self._closed_error()

    async def __stream__(self) -> AsyncGenerator[_T, None]:
        # One generator from bytes to items, as in `Stream.__stream__`.
        response = self.response
        decode = self._decoder.stream_item
        strict = self._strict
        decoder = SSEDecoder()
        try:
            try:
                async for chunk in response.aiter_bytes():
                    try:
                        events = decoder.feed(chunk)
                    except SSEDecodeError as exc:
                        # The events completed before the bad line still reach the caller first.
                        for event in exc.events:
                            if event.data.startswith(_DONE):
                                return
                            yield self._item(event.data)
                        raise self._decode_error(exc) from None
                    for event in events:
                        data = event.data
                        if data.startswith(_DONE):
                            return
                        yield decode(data, strict, response)
                for event in decoder.close():
                    if event.data.startswith(_DONE):
                        return
                    yield self._item(event.data)
            except httpx.TransportError as exc:
                raise self._transport_error(exc) from exc
        finally:
            await response.aclose()

    @property
    def helper(self) -> AsyncStreamHelper:
        """The stream's reader that records what it reads (see `Stream.helper`)."""
        helper = self._helper
        if helper is None:
            from ._stream_helpers import AsyncStreamHelper

            helper = self._helper = AsyncStreamHelper(self, self._count_read)
        return helper

    @overload
    async def get_final_completion(self: AsyncStream[ChatChunkResponse]) -> ChatCompletionResponse: ...
    @overload
    async def get_final_completion(self: AsyncStream[CompletionResponse]) -> CompletionResponse: ...
    @overload
    async def get_final_completion(self: AsyncStream[Any]) -> Any: ...
    async def get_final_completion(self: AsyncStream[Any]) -> Any:
        """Read the rest of the stream and return the whole response assembled from its chunks
        (see `Stream.get_final_completion`)."""
        return self._tag(await self.helper.final_completion())

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """Only the text pieces, as they arrive (`async for text in stream.text_stream`)."""
        return self.helper.text_deltas()

    async def until_done(self) -> Self:
        """Read the stream to its end (recording it for `get_final_completion()`)."""
        await self.helper.until_done()
        return self

    async def close(self) -> None:
        """Close the response and release its connection; items already read stay valid."""
        if not self.response.is_closed:
            self._closed_early = True
            await self._iterator.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __del__(self) -> None:
        # As for `Stream`: a stream dropped before it was iterated would keep its connection. The
        # response can only be closed by the event loop, so hand that over to it (best effort).
        response: Optional[httpx.Response] = self.__dict__.get("response")
        if response is not None and not response.is_closed:
            _schedule_aclose(response)


_closing_tasks: Set[Any] = set()


async def _aclose_quietly(response: httpx.Response) -> None:
    try:
        await response.aclose()
    except Exception:
        pass


def _schedule_aclose(response: httpx.Response) -> None:
    try:
        import sniffio

        library = sniffio.current_async_library()
        if library == "asyncio":
            import asyncio

            loop = asyncio.get_running_loop()
            closing = _aclose_quietly(response)
            try:
                task = loop.create_task(closing)
            except Exception:
                closing.close()
            else:
                _closing_tasks.add(task)  # the loop only keeps weak references to tasks
                task.add_done_callback(_closing_tasks.discard)
        elif library == "trio":
            # Running under trio means trio is imported; it is an optional dependency, so it is
            # looked up rather than imported (type checkers without it installed stay quiet).
            trio: Any = sys.modules["trio"]
            trio.lowlevel.spawn_system_task(_aclose_quietly, response)
    except Exception:
        pass
