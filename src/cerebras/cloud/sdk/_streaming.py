"""`Stream` and `AsyncStream`: pull bytes from a response, decode SSE events, hand out parsed chunks."""

from __future__ import annotations

import sys
from collections import deque
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Deque,
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
    from ._observe import Observation
    from ._pipeline import FinalRequestOptions
    from ._stream_helpers import AsyncStreamHelper, StreamHelper
    from .types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
    from .types.completion import CompletionResponse

_T = TypeVar("_T")
_C = TypeVar("_C")

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

_DONE = "[DONE]"
_END = object()  # queued after the last event: `[DONE]` or the end of the body


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
        # Decoding state lives on the stream, not in a generator, so that a loop that breaks off
        # (closing its generator) loses nothing and the next loop carries on from there.
        self._sse = SSEDecoder()
        self._pending: Deque[object] = deque()  # event data (str), then _END or an exception
        self._ended = False

    def _absorb(self, chunk: bytes) -> None:
        """Queue the data of the events `chunk` completes (no I/O)."""
        try:
            events = self._sse.feed(chunk)
        except SSEDecodeError as exc:
            # The events completed before the bad line still reach the caller first.
            if not self._queue(exc.events):
                self._pending.append(self._decode_error(exc))
            return
        pending = self._pending
        for event in events:
            data = event.data
            if data.startswith(_DONE):
                pending.append(_END)
                return
            pending.append(data)

    def _absorb_end(self) -> None:
        """The bytes ran out: queue what the decoder still holds, then the end."""
        if not self._queue(self._sse.close()):
            self._pending.append(_END)

    def _queue(self, events: List[ServerSentEvent]) -> bool:
        """Queue the data of `events`; True if `[DONE]` was among them (and queued as the end)."""
        for event in events:
            if event.data.startswith(_DONE):
                self._pending.append(_END)
                return True
            self._pending.append(event.data)
        return False

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
        self._observation = options.observation if options is not None else None
        self._chunks: Optional[Iterator[bytes]] = None
        self._next: Optional[Iterator[_T]] = None
        self._helper: Optional[StreamHelper] = None

    def __next__(self) -> _T:
        if self._closed_early:
            raise self._closed_error()
        iterator = self._next
        if iterator is None:
            iterator = self._next = iter(self)
        return next(iterator)

    def __iter__(self) -> Iterator[_T]:
        # A generator, not `return self`: tracing tools replace `__iter__` on the class with a
        # wrapper that iterates what the original returns, which would recurse if it were `self`.
        # It is the only layer between the response's bytes and the caller (every layer costs
        # each of thousands of items); breaking out of a loop closes it, and the next loop
        # carries on from the state kept on the stream.
        if self._closed_early:
            raise self._closed_error()
        response = self.response
        decode = self._decoder.stream_item
        strict = self._strict
        pending = self._pending
        observation = self._observation
        try:
            while not self._ended:
                while pending:
                    if self._closed_early:  # closed from inside the caller's loop
                        raise self._closed_error()
                    data = pending.popleft()
                    if data.__class__ is not str:
                        if data is _END:
                            self._ended = True
                            response.close()
                            if observation is not None:
                                observation.end(False)
                            return
                        raise data  # type: ignore[misc]  # an exception queued after the events before it
                    item = decode(data, strict, response)  # pyright: ignore[reportArgumentType]
                    self._items_read += 1
                    if observation is not None:
                        observation.chunk(item)
                    yield item
                chunks = self._chunks
                if chunks is None:
                    chunks = self._chunks = response.iter_bytes()
                try:
                    chunk = next(chunks)
                except StopIteration:
                    self._absorb_end()
                except httpx.TransportError as exc:
                    raise self._transport_error(exc) from exc
                else:
                    self._absorb(chunk)
            if self._closed_early:  # closed from inside the caller's loop, with nothing queued
                raise self._closed_error()
        except GeneratorExit:
            raise  # a loop broke off: the response stays open for the next one
        except BaseException as exc:
            self._ended = True
            response.close()
            if observation is not None:
                observation.error(exc)
            raise

    def __stream__(self) -> Iterator[_T]:
        """The items, as the official stream's generator of the same name gives them."""
        return iter(self)

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
            self._ended = True
            self._pending.clear()
            if self._observation is not None:
                self._observation.end(True)
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
            observation: Optional[Observation] = self.__dict__.get("_observation")
            if observation is not None:
                observation.end(True)
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
        self._observation = options.observation if options is not None else None
        self._chunks: Optional[AsyncIterator[bytes]] = None
        self._next: Optional[AsyncIterator[_T]] = None
        self._helper: Optional[AsyncStreamHelper] = None

    async def __anext__(self) -> _T:
        if self._closed_early:
            raise self._closed_error()
        iterator = self._next
        if iterator is None:
            iterator = self._next = self.__aiter__()
        return await iterator.__anext__()

    async def __aiter__(self) -> AsyncIterator[_T]:
        # An async generator, and the only layer between the bytes and the caller, for the
        # reasons given at `Stream.__iter__` (an async generator layer costs even more).
        if self._closed_early:
            raise self._closed_error()
        feed = self._sse.feed
        response = self.response
        decode = self._decoder.stream_item
        strict = self._strict
        pending = self._pending
        observation = self._observation
        try:
            while not self._ended:
                while pending:
                    if self._closed_early:  # closed from inside the caller's loop
                        raise self._closed_error()
                    data = pending.popleft()
                    if data.__class__ is not str:
                        if data is _END:
                            self._ended = True
                            await response.aclose()
                            if observation is not None:
                                observation.end(False)
                            return
                        raise data  # type: ignore[misc]  # an exception queued after the events before it
                    item = decode(data, strict, response)  # pyright: ignore[reportArgumentType]
                    self._items_read += 1
                    if observation is not None:
                        observation.chunk(item)
                    yield item
                chunks = self._chunks
                if chunks is None:
                    chunks = self._chunks = response.aiter_bytes()
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    self._absorb_end()
                    continue
                except httpx.TransportError as exc:
                    raise self._transport_error(exc) from exc
                # `_absorb`, inlined: a method call per chunk is measurable on this path.
                try:
                    events = feed(chunk)
                except SSEDecodeError as exc:
                    if not self._queue(exc.events):
                        pending.append(self._decode_error(exc))
                    continue
                for event in events:
                    data = event.data
                    if data.startswith(_DONE):
                        pending.append(_END)
                        break
                    pending.append(data)
            if self._closed_early:  # closed from inside the caller's loop, with nothing queued
                raise self._closed_error()
        except GeneratorExit:
            raise  # a loop broke off: the response stays open for the next one
        except BaseException as exc:
            self._ended = True
            await response.aclose()
            if observation is not None:
                observation.error(exc)
            raise

    def __stream__(self) -> AsyncIterator[_T]:
        """The items, as the official stream's generator of the same name gives them."""
        return self.__aiter__()

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
            self._ended = True
            self._pending.clear()
            if self._observation is not None:
                self._observation.end(True)
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
            observation: Optional[Observation] = self.__dict__.get("_observation")
            if observation is not None:
                observation.end(True)
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
