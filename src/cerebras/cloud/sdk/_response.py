"""Raw access to responses: `APIResponse`/`AsyncAPIResponse` and the `with_raw_response` /
`with_streaming_response` wrappers that produce them."""

from __future__ import annotations

import datetime
import functools
import inspect
import json
import logging
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generic,
    Iterator,
    List,
    Optional,
    Type,
    TypeVar,
    cast,
    overload,
)

import httpx
import pydantic
from typing_extensions import ParamSpec

from ._exceptions import MissingStreamClassError, StreamAlreadyConsumed
from ._parsing import parse_body, stream_item_type
from ._pipeline import ResponseMode, reset_response_mode, set_response_mode
from ._request_meta import RateLimitInfo, request_id_from_headers
from ._streaming import AsyncStream, Stream

if TYPE_CHECKING:
    from ._pipeline import FinalRequestOptions

__all__ = ["APIResponse", "AsyncAPIResponse", "AsyncResponseContextManager", "ResponseContextManager"]

log = logging.getLogger("cerebras.cloud.sdk._response")

P = ParamSpec("P")
R = TypeVar("R")
_T = TypeVar("_T")

_DEFAULT = object()


class _BaseAPIResponse(Generic[R]):
    http_response: httpx.Response
    retries_taken: int
    """How many retries happened before this response arrived (0 on the first try)."""

    def __init__(
        self,
        *,
        raw: httpx.Response,
        cast_to: Any,
        client: Any,
        stream: bool,
        stream_cls: Any,
        options: Optional[FinalRequestOptions],
        retries_taken: int = 0,
        strict: bool = False,
    ) -> None:
        self.http_response = raw
        self.retries_taken = retries_taken
        self._cast_to = cast_to
        self._client = client
        self._is_stream = stream
        self._stream_cls = stream_cls
        self._options = options
        self._strict = strict
        self._parsed: Dict[object, Any] = {}
        self._post_parsers: List[Callable[[Any, httpx.Response], Any]] = []

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        """The request actually sent (with its final `x-stainless-retry-count`)."""
        return self.http_response.request

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to the end of the response (httpx's measure)."""
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        """Whether the body has been read or the response closed."""
        return self.http_response.is_closed

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}] "
            f"type={self._cast_to}>"
        )

    def _stream_parser(self, to: Any) -> Any:
        target = self._stream_cls if to is None else to
        if target is None:
            raise MissingStreamClassError()
        origin = getattr(target, "__origin__", None) or target
        if not (inspect.isclass(origin) and issubclass(origin, (Stream, AsyncStream))):
            raise TypeError(f"Expected custom parse type to be a subclass of {Stream} or {AsyncStream}")
        item = stream_item_type(target)
        stream: Any = origin(  # pyright: ignore[reportUnknownVariableType]
            cast_to=item,
            response=self.http_response,
            client=self._client,
            options=self._options,
            strict=self._strict,
        )
        return stream

    @property
    def request_id(self) -> Optional[str]:
        """The API's id for this request (`x-request-id`, else `cf-ray`), or None."""
        return request_id_from_headers(self.http_response.headers)

    @property
    def rate_limits(self) -> RateLimitInfo:
        """Rate-limit figures from the `x-ratelimit-*` headers (None where absent or unreadable)."""
        return RateLimitInfo.from_headers(self.http_response.headers)

    def add_post_parser(self, post_parser: Callable[[Any, httpx.Response], Any]) -> None:
        """Run `post_parser(value, http_response)` on what `parse()` returns (without `to=`).

        This is how a method such as `chat.completions.parse` adds its step to the plain result
        while keeping the request path, the raw response and its wrappers those of `create`.
        """
        self._parsed.pop(_DEFAULT, None)
        self._post_parsers.append(post_parser)

    def _finish(self, value: Any, to: Any) -> Any:
        # Tagged before and after each step: a step may fail and carry the value it was given.
        value = self._tag(value)
        if to is None:
            for post_parser in self._post_parsers:
                value = self._tag(post_parser(value, self.http_response))
        return value

    def _observed_result(self, value: Any, to: Any) -> None:
        # A response handed back unread (`with_streaming_response`) ends its call's observation
        # when parsed; after a raw response whose body was read, the call is already over.
        options = self._options
        if to is None and options is not None and options.observation is not None:
            options.observation.result(value)

    def _observed_close(self) -> None:
        options = self._options
        if options is not None and options.observation is not None:
            options.observation.end(not self.http_response.is_closed)

    def _tag(self, value: _T) -> _T:
        # Parsed objects carry the request id, as `_request_id`, for logs and support tickets.
        if isinstance(value, pydantic.BaseModel):
            request_id = self.request_id
            if request_id is not None:
                object.__setattr__(value, "_request_id", request_id)
        return value


class APIResponse(_BaseAPIResponse[R]):
    """A response whose headers and status you can inspect before (or instead of) parsing it."""

    @overload
    def parse(self, *, to: Type[_T]) -> _T: ...

    @overload
    def parse(self) -> R: ...

    def parse(self, *, to: Any = None) -> Any:
        """What the plain call would have returned; `to=` parses into another type instead.

        For a `stream=True` call this builds the `Stream` (pass `to=Stream[MyChunk]` to change the
        item type). Results are cached per target type.
        """
        key = to if to is not None else _DEFAULT
        if key in self._parsed:
            return self._parsed[key]
        if self._is_stream:
            value = self._stream_parser(to)
        else:
            self.read()
            value = self._finish(
                parse_body(self._cast_to if to is None else to, self.http_response, strict=self._strict), to
            )
            self._observed_result(value, to)
        self._parsed[key] = value
        return value

    def read(self) -> bytes:
        """The whole body as bytes (raises `StreamAlreadyConsumed` if it was iterated already)."""
        try:
            return self.http_response.read()
        except httpx.StreamConsumed:
            raise StreamAlreadyConsumed() from None

    def text(self) -> str:
        """The whole body, decoded."""
        self.read()
        return self.http_response.text

    def json(self) -> object:
        """The whole body, decoded as JSON."""
        self.read()
        return json.loads(self.http_response.content)

    def close(self) -> None:
        """Close the response and release its connection."""
        self._observed_close()
        self.http_response.close()

    def iter_bytes(self, chunk_size: Optional[int] = None) -> Iterator[bytes]:
        """The body in chunks, with any content encoding undone."""
        yield from self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: Optional[int] = None) -> Iterator[str]:
        """The body as decoded text chunks."""
        yield from self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """The body line by line (for a stream: the raw `data: ...` lines)."""
        for line in self.http_response.iter_lines():
            yield _without_newline(line)


class AsyncAPIResponse(_BaseAPIResponse[R]):
    """The async twin of `APIResponse`: `parse`, `read`, `text`, `json` and `close` are awaitable."""

    @overload
    async def parse(self, *, to: Type[_T]) -> _T: ...

    @overload
    async def parse(self) -> R: ...

    async def parse(self, *, to: Any = None) -> Any:
        """What the plain call would have returned; `to=` parses into another type instead."""
        key = to if to is not None else _DEFAULT
        if key in self._parsed:
            return self._parsed[key]
        if self._is_stream:
            value = self._stream_parser(to)
        else:
            await self.read()
            value = self._finish(
                parse_body(self._cast_to if to is None else to, self.http_response, strict=self._strict), to
            )
            self._observed_result(value, to)
        self._parsed[key] = value
        return value

    async def read(self) -> bytes:
        """The whole body as bytes (raises `StreamAlreadyConsumed` if it was iterated already)."""
        try:
            return await self.http_response.aread()
        except httpx.StreamConsumed:
            raise StreamAlreadyConsumed() from None

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        await self.read()
        return json.loads(self.http_response.content)

    async def close(self) -> None:
        self._observed_close()
        await self.http_response.aclose()

    async def iter_bytes(self, chunk_size: Optional[int] = None) -> AsyncIterator[bytes]:
        async for chunk in self.http_response.aiter_bytes(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: Optional[int] = None) -> AsyncIterator[str]:
        async for chunk in self.http_response.aiter_text(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        async for line in self.http_response.aiter_lines():
            yield _without_newline(line)


def _without_newline(line: str) -> str:
    # httpx before 0.24 ends each line but the last with "\n"; later versions drop line ends.
    return line[:-1] if line.endswith("\n") else line


_ResponseT = TypeVar("_ResponseT", bound=APIResponse[Any])
_AsyncResponseT = TypeVar("_AsyncResponseT", bound=AsyncAPIResponse[Any])


class ResponseContextManager(Generic[_ResponseT]):
    """Sends the request on `__enter__` and closes the response on `__exit__`."""

    def __init__(self, request_func: Callable[[], _ResponseT]) -> None:
        self._request_func = request_func
        self._response: Optional[_ResponseT] = None

    def __enter__(self) -> _ResponseT:
        self._response = self._request_func()
        return self._response

    def __exit__(self, *exc: object) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[_AsyncResponseT]):
    """Sends the request on `__aenter__` and closes the response on `__aexit__`."""

    def __init__(self, request_func: Callable[[], Awaitable[_AsyncResponseT]]) -> None:
        self._request_func = request_func
        self._response: Optional[_AsyncResponseT] = None

    async def __aenter__(self) -> _AsyncResponseT:
        self._response = await self._request_func()
        return self._response

    async def __aexit__(self, *exc: object) -> None:
        if self._response is not None:
            await self._response.close()


def _call_in_mode(mode: ResponseMode, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Any:
    token = set_response_mode(mode)
    try:
        return func(*args, **kwargs)
    finally:
        reset_response_mode(token)


async def _await_in_mode(
    mode: ResponseMode, func: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
) -> Any:
    token = set_response_mode(mode)
    try:
        return await func(*args, **kwargs)
    finally:
        reset_response_mode(token)


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Make `func` return the `APIResponse` (body read) instead of the parsed value."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        return cast(APIResponse[R], _call_in_mode("raw", func, *args, **kwargs))

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Async twin of `to_raw_response_wrapper`."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        return cast(AsyncAPIResponse[R], await _await_in_mode("raw", func, *args, **kwargs))

    return wrapped


def to_streamed_response_wrapper(
    func: Callable[P, R],
) -> Callable[P, ResponseContextManager[APIResponse[R]]]:
    """Make `func` return a context manager around an unread `APIResponse`."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[APIResponse[R]]:
        return ResponseContextManager(
            lambda: cast(APIResponse[R], _call_in_mode("stream", func, *args, **kwargs))
        )

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[R]]]:
    """Async twin of `to_streamed_response_wrapper`."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncResponseContextManager[AsyncAPIResponse[R]]:
        async def send() -> AsyncAPIResponse[R]:
            return cast(AsyncAPIResponse[R], await _await_in_mode("stream", func, *args, **kwargs))

        return AsyncResponseContextManager(send)

    return wrapped
