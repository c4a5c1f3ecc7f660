"""Line-by-line bodies (`files.content_lines`, `batches.results`): streamed, so memory stays flat.

The request is sent with its body unread; the body is then read chunk by chunk and cut into lines
(`LineSplitter`, which knows nothing of I/O), each line decoded as it is reached: kept as text, or
parsed as JSON into a model. Through `with_raw_response` / `with_streaming_response` the call gives
the response instead, and its `parse()` gives the lines (of the body it has read).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, AsyncIterator, Generic, Iterator, List, Optional, Tuple, Type, TypeVar

import httpx
from typing_extensions import Self

from .._decoder import decoder_for
from .._exceptions import LineDecodeError, transport_error
from .._pipeline import reset_response_mode, response_mode, set_response_mode
from .._streaming import _schedule_aclose as schedule_aclose
from .._types import RequestOptions

if TYPE_CHECKING:
    from .._observe import Observation

__all__ = ["AsyncLineStream", "LineSplitter", "LineStream", "open_lines", "open_lines_async"]

_T = TypeVar("_T")


class LineSplitter:
    """Bytes in, numbered lines out: `feed()` chunks split anywhere, then `end()`.

    Lines end with `\\n` (a `\\r` before it is dropped); blank lines are skipped but counted, so a
    line's number is its number in the body. Only the unfinished last line is buffered.
    """

    def __init__(self) -> None:
        self._partial = bytearray()
        self._count = 0

    def feed(self, chunk: bytes) -> List[Tuple[int, bytes]]:
        """The lines completed by `chunk`, as `(line number, bytes without the line end)`."""
        self._partial += chunk
        if b"\n" not in chunk:
            return []
        *complete, rest = bytes(self._partial).split(b"\n")
        self._partial = bytearray(rest)
        return self._numbered(complete)

    def end(self) -> List[Tuple[int, bytes]]:
        """The last line, if the body did not end with a line end."""
        rest, self._partial = bytes(self._partial), bytearray()
        return self._numbered([rest]) if rest else []

    def _numbered(self, lines: List[bytes]) -> List[Tuple[int, bytes]]:
        out: List[Tuple[int, bytes]] = []
        for line in lines:
            self._count += 1
            if line.endswith(b"\r"):
                line = line[:-1]
            if line.strip():
                out.append((self._count, line))
        return out


def decode_line(number: int, raw: bytes, item: Type[_T], strict: bool, response: httpx.Response) -> _T:
    """One line as `item`: `str` keeps the text; any other type is parsed from the line's JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        raise LineDecodeError(response, line_number=number, line=text, reason="is not valid UTF-8") from None
    if item is str:
        return text  # type: ignore[return-value]  # pyright: ignore[reportReturnType]
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LineDecodeError(
            response, line_number=number, line=text, reason=f"is not valid JSON ({exc})"
        ) from None
    value: _T = decoder_for(item).from_data(data, strict=strict, response=response)
    return value


class LineStream(Generic[_T]):
    """The lines of a response body, each read as the iteration reaches it; iterate once.

    Use it in a `with` block (or call `close()`) when you may stop early: the connection is
    released when the body is read to the end, on a transport error, or on `close()`. A line that
    cannot be decoded raises `LineDecodeError`; iterating on goes past it.
    """

    def __init__(
        self, response: httpx.Response, item: Type[_T], *, strict: bool = False, observation: Any = None
    ) -> None:
        self.response = response
        """The HTTP response the lines come from."""
        self.observation: Optional[Observation] = observation
        """The call's watchers (see `_observe`), told when the lines end."""
        self._item = item
        self._strict = strict
        self._lines = self._read()

    def _read(self) -> Iterator[Tuple[int, bytes]]:
        splitter = LineSplitter()
        for chunk in self.response.iter_bytes():
            yield from splitter.feed(chunk)
        yield from splitter.end()

    def __next__(self) -> _T:
        try:
            number, raw = next(self._lines)
        except StopIteration:
            self.close()
            raise
        except httpx.TransportError as exc:
            self.close()
            raise transport_error(exc, self.response.request) from exc
        return decode_line(number, raw, self._item, self._strict, self.response)

    def __iter__(self) -> Iterator[_T]:
        return self

    def close(self) -> None:
        """Stop reading and release the connection."""
        if self.observation is not None:
            self.observation.end(not self.response.is_closed)
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A stream dropped half-read would otherwise keep its connection checked out of the pool.
        response: Optional[httpx.Response] = self.__dict__.get("response")
        if response is not None and not response.is_closed:
            try:
                response.close()
            except Exception:
                pass


class AsyncLineStream(Generic[_T]):
    """The async twin of `LineStream`: `async for`, `async with`, `await close()`."""

    def __init__(
        self, response: httpx.Response, item: Type[_T], *, strict: bool = False, observation: Any = None
    ) -> None:
        self.response = response
        """The HTTP response the lines come from."""
        self.observation: Optional[Observation] = observation
        """The call's watchers (see `_observe`), told when the lines end."""
        self._item = item
        self._strict = strict
        self._lines = self._read()

    async def _read(self) -> AsyncIterator[Tuple[int, bytes]]:
        splitter = LineSplitter()
        async for chunk in self.response.aiter_bytes():
            for line in splitter.feed(chunk):
                yield line
        for line in splitter.end():
            yield line

    async def __anext__(self) -> _T:
        try:
            number, raw = await self._lines.__anext__()
        except StopAsyncIteration:
            await self.close()
            raise
        except httpx.TransportError as exc:
            await self.close()
            raise transport_error(exc, self.response.request) from exc
        return decode_line(number, raw, self._item, self._strict, self.response)

    def __aiter__(self) -> Self:
        return self

    async def close(self) -> None:
        """Stop reading and release the connection."""
        if self.observation is not None:
            self.observation.end(not self.response.is_closed)
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __del__(self) -> None:
        # As for `LineStream`; only the event loop can close the response (best effort).
        response: Optional[httpx.Response] = self.__dict__.get("response")
        if response is not None and not response.is_closed:
            schedule_aclose(response)


def open_lines(client: Any, path: str, options: RequestOptions, item: Type[_T]) -> LineStream[_T]:
    """`GET path` and return its body's lines as `item`s (see `LineStream`)."""
    strict: bool = client._strict_response_validation
    if response_mode() is not None:  # under `with_raw_response` / `with_streaming_response`
        raw = client.get(path, cast_to=bytes, options=options)

        def lines_of(_: object, http: httpx.Response) -> LineStream[_T]:
            return LineStream(http, item, strict=strict)

        raw.add_post_parser(lines_of)
        return raw  # type: ignore[no-any-return]
    # A plain call is sent in `stream` mode, which hands back the response with its body unread.
    token = set_response_mode("stream")
    try:
        response = client.get(path, cast_to=bytes, options=options)
    finally:
        reset_response_mode(token)
    return LineStream(response.http_response, item, strict=strict, observation=_observation_of(response))


async def open_lines_async(
    client: Any, path: str, options: RequestOptions, item: Type[_T]
) -> AsyncLineStream[_T]:
    """The async `open_lines`."""
    strict: bool = client._strict_response_validation
    if response_mode() is not None:
        raw = await client.get(path, cast_to=bytes, options=options)

        def lines_of(_: object, http: httpx.Response) -> AsyncLineStream[_T]:
            return AsyncLineStream(http, item, strict=strict)

        raw.add_post_parser(lines_of)
        return raw  # type: ignore[no-any-return]
    token = set_response_mode("stream")
    try:
        response = await client.get(path, cast_to=bytes, options=options)
    finally:
        reset_response_mode(token)
    return AsyncLineStream(response.http_response, item, strict=strict, observation=_observation_of(response))


def _observation_of(response: Any) -> Optional[Observation]:
    # The call was sent in `stream` mode: its end is when the lines end, which only they know.
    options = response._options
    return options.observation if options is not None else None
