"""`Stream` and `AsyncStream`: pull bytes from a response, decode SSE events, hand out parsed chunks."""

from __future__ import annotations

import json
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterator,
    Mapping,
    Optional,
    Set,
    TypeVar,
    overload,
)

import httpx
import pydantic
from typing_extensions import Self

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    CerebrasError,
    make_status_error,
)
from ._parsing import build_value, json_validator
from ._request_meta import request_id_from_headers
from ._sse import ServerSentEvent, SSEDecodeError, SSEDecoder

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient
    from ._pipeline import FinalRequestOptions
    from .types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
    from .types.completion import CompletionResponse

_T = TypeVar("_T")
_C = TypeVar("_C")

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

_DONE = "[DONE]"

# item type (a union) -> JSON validator of the member its chunks last turned out to be
_member_validators: Dict[Any, Callable[[str], Any]] = {}


class _StreamCore(Generic[_T]):
    """What both streams share: turning one event's data into an item, or into an exception."""

    response: httpx.Response
    _cast_to: Any
    _strict: bool
    _closed_early: bool

    def _setup(self, cast_to: Any, response: httpx.Response, client: Any) -> None:
        self.response = response
        self._cast_to = cast_to
        self._client = client
        self._strict = bool(getattr(client, "_strict_response_validation", False))
        self._validate_json = json_validator(cast_to)
        self._closed_early = False
        self._items_read = 0

    def _item(self, data: str) -> _T:
        # Fast path: parse and validate in one pass, trying first the union member the previous
        # chunk of this item type turned out to be (the members of the API's unions exclude one
        # another, so this picks what validating the whole union would). An error payload never
        # takes it, since the mapping must be inspected for a truthy "error" first.
        if '"error"' not in data:
            cast_to = self._cast_to
            member = _member_validators.get(cast_to)
            if member is not None:
                try:
                    return member(data)  # type: ignore[no-any-return]
                except ValueError:
                    pass
            validate = self._validate_json
            if validate is not None:
                try:
                    item = validate(data)
                except ValueError:
                    pass
                else:
                    if isinstance(item, pydantic.BaseModel) and type(item) is not cast_to:
                        _member_validators[cast_to] = type(item).model_validate_json
                    return item  # type: ignore[no-any-return]
        try:
            decoded = json.loads(data)
        except ValueError as exc:
            raise APIResponseValidationError(
                response=self.response,
                body=data,
                message=f"A stream event did not contain valid JSON ({exc}): {data[:200]!r}",
            ) from exc
        if isinstance(decoded, Mapping) and decoded.get("error"):  # pyright: ignore[reportUnknownMemberType]
            raise self._event_error(decoded)  # pyright: ignore[reportUnknownArgumentType]
        return build_value(self._cast_to, decoded, strict=self._strict, response=self.response)  # type: ignore[no-any-return]

    def _event_error(self, payload: Mapping[str, Any]) -> Exception:
        error = payload.get("error")
        message = "An error occurred during streaming"
        if isinstance(error, Mapping):
            inner = error.get("message")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            if isinstance(inner, str) and inner:
                message = inner
        return make_status_error(message, body=payload, response=self.response)

    def _decode_error(self, exc: SSEDecodeError) -> APIResponseValidationError:
        return APIResponseValidationError(
            response=self.response,
            body=exc.raw.decode("utf-8", "replace"),
            message=f"The event stream contained a line that is not valid UTF-8: {exc.raw[:200]!r}",
        )

    def _transport_error(self, exc: Exception) -> APIConnectionError:
        request = self.response.request
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(
            message=f"Connection error while reading the stream: {exc}", request=request
        )

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
        client: SyncAPIClient,
        options: Optional[FinalRequestOptions] = None,
    ) -> None:
        self._setup(cast_to, response, client)
        self._options = options
        self._iterator: Generator[_T, None, None] = self.__stream__()

    def __next__(self) -> _T:
        if self._closed_early:
            raise self._closed_error()
        item = self._iterator.__next__()
        self._items_read += 1
        return item

    def __iter__(self) -> Iterator[_T]:
        return self

    def _events(self) -> Iterator[ServerSentEvent]:
        decoder = SSEDecoder()
        try:
            for chunk in self.response.iter_bytes():
                try:
                    events = decoder.feed(chunk)
                except SSEDecodeError as exc:
                    # The events completed before the bad line still reach the caller first.
                    yield from exc.events
                    raise self._decode_error(exc) from None
                yield from events
            yield from decoder.close()
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc

    def __stream__(self) -> Generator[_T, None, None]:
        item = self._item
        try:
            for event in self._events():
                data = event.data
                if data.startswith(_DONE):
                    return
                yield item(data)
        finally:
            self.response.close()

    # Helpers beyond the official SDK; they live in `lib` and share one accumulator per stream.

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
        from .lib.streaming import final_completion

        return self._tag(final_completion(self))

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text pieces (chat `delta.content`, or a text completion's `text`), as they arrive."""
        from .lib.streaming import text_deltas

        return text_deltas(self)

    def until_done(self) -> Self:
        """Read the stream to its end (recording it for `get_final_completion()`)."""
        from .lib.streaming import until_done

        until_done(self)
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
        client: AsyncAPIClient,
        options: Optional[FinalRequestOptions] = None,
    ) -> None:
        self._setup(cast_to, response, client)
        self._options = options
        self._iterator = self.__stream__()

    async def __anext__(self) -> _T:
        if self._closed_early:
            raise self._closed_error()
        item = await self._iterator.__anext__()
        self._items_read += 1
        return item

    def __aiter__(self) -> AsyncIterator[_T]:
        return self

    async def _events(self) -> AsyncIterator[ServerSentEvent]:
        decoder = SSEDecoder()
        try:
            async for chunk in self.response.aiter_bytes():
                try:
                    events = decoder.feed(chunk)
                except SSEDecodeError as exc:
                    # The events completed before the bad line still reach the caller first.
                    for event in exc.events:
                        yield event
                    raise self._decode_error(exc) from None
                for event in events:
                    yield event
            for event in decoder.close():
                yield event
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc

    async def __stream__(self) -> AsyncIterator[_T]:
        item = self._item
        events = self._events()
        try:
            async for event in events:
                data = event.data
                if data.startswith(_DONE):
                    return
                yield item(data)
        finally:
            await events.aclose()  # type: ignore[attr-defined]
            await self.response.aclose()

    @overload
    async def get_final_completion(self: AsyncStream[ChatChunkResponse]) -> ChatCompletionResponse: ...
    @overload
    async def get_final_completion(self: AsyncStream[CompletionResponse]) -> CompletionResponse: ...
    @overload
    async def get_final_completion(self: AsyncStream[Any]) -> Any: ...
    async def get_final_completion(self: AsyncStream[Any]) -> Any:
        """Read the rest of the stream and return the whole response assembled from its chunks
        (see `Stream.get_final_completion`)."""
        from .lib.streaming import async_final_completion

        return self._tag(await async_final_completion(self))

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """Only the text pieces, as they arrive (`async for text in stream.text_stream`)."""
        from .lib.streaming import async_text_deltas

        return async_text_deltas(self)

    async def until_done(self) -> Self:
        """Read the stream to its end (recording it for `get_final_completion()`)."""
        from .lib.streaming import async_until_done

        await async_until_done(self)
        return self

    async def close(self) -> None:
        """Close the response and release its connection; items already read stay valid."""
        if not self.response.is_closed:
            self._closed_early = True
            await self._iterator.aclose()  # type: ignore[attr-defined]
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
            import trio

            trio.lowlevel.spawn_system_task(_aclose_quietly, response)
    except Exception:
        pass
