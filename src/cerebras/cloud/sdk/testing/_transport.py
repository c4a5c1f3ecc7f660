"""httpx transports that answer from a :class:`MockCerebrasServer` in-process, without a socket.

They run the same request handling as the socket server (recording, scripting, defaults) and map
what a socket would show onto httpx: a scripted ``delay`` or ``chunk_delay`` is a sleep (or an
``httpx.ReadTimeout`` when it outlasts the request's read timeout, as it would over the network),
and a dropped connection raises the ``httpx.RemoteProtocolError`` httpx raises for a real one —
from ``handle_request`` before the headers, or from the response stream in the middle of a body.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, AsyncIterator, Iterable, Iterator, List, Optional, Tuple, Union

import anyio
import httpx

from ._payloads import reason_phrase
from ._routes import Response
from ._script import Outcome

if TYPE_CHECKING:
    from ._server import MockCerebrasServer

__all__ = ["AsyncMockTransport", "MockTransport"]

_NO_BODY_STATUSES = frozenset({204, 304})
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding"})
_NO_RESPONSE = "Server disconnected without sending a response."
_CUT_BODY = "peer closed connection without sending complete message body: received {} bytes, expected {}"
_CUT_STREAM = "peer closed connection without sending complete message body: incomplete chunked read"


def _read_timeout(request: httpx.Request) -> Optional[float]:
    timeout = request.extensions.get("timeout")
    if isinstance(timeout, dict):
        value = timeout.get("read")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(value, (int, float)):
            return float(value)
    return None


class _Plan:
    """What the transport sends for one outcome: status, headers and the body pieces, each with the
    pause before it, and the error to raise after the last piece (for a dropped connection)."""

    def __init__(self, request: httpx.Request, outcome: Outcome) -> None:
        response = outcome.response or Response(500, body=b"")
        self.request = request
        self.status = response.status
        self.read_timeout = _read_timeout(request)
        self.chunk_delay = outcome.chunk_delay
        self.limit = outcome.drop_after_events
        self.failure: Optional[str] = None
        headers: List[Tuple[str, str]] = [
            (name, value) for name, value in response.headers if name.lower() not in _FRAMING_HEADERS
        ]
        no_body = request.method == "HEAD" or response.status in _NO_BODY_STATUSES
        self.body: Optional[bytes] = None
        self.events: Optional[Iterable[bytes]] = None
        if response.events is None or no_body:
            body = b"" if no_body else response.body or b""
            if response.status not in _NO_BODY_STATUSES:
                headers.append(("content-length", str(len(body))))
            if outcome.drop_mid_body:
                self.failure = _CUT_BODY.format(len(body) // 2, len(body))
                body = body[: len(body) // 2]
            self.body = body
        else:
            headers.append(("transfer-encoding", "chunked"))
            self.events = response.events
            if self.limit is not None:
                self.failure = _CUT_STREAM
        self.headers = headers

    def pieces(self) -> Iterator[Tuple[float, bytes]]:
        """``(pause before it, bytes)`` for each piece of the body."""
        if self.events is None:
            if self.body:
                yield 0.0, self.body
            return
        for sent, event in enumerate(self.events):
            if self.limit is not None and sent >= self.limit:
                return
            yield (self.chunk_delay if sent else 0.0), event

    def wait(self, seconds: float) -> Tuple[float, Optional[httpx.TransportError]]:
        """How long to sleep for a pause of ``seconds``, and the error to raise after it: the read
        timeout when the pause outlasts it."""
        if self.read_timeout is not None and seconds > self.read_timeout:
            return self.read_timeout, httpx.ReadTimeout("timed out", request=self.request)
        return seconds, None

    def before_headers(self, delay: float, dropped: bool) -> Tuple[float, Optional[httpx.TransportError]]:
        pause, error = self.wait(delay)
        if error is None and dropped:
            error = httpx.RemoteProtocolError(_NO_RESPONSE, request=self.request)
        return pause, error

    def after_body(self) -> None:
        if self.failure is not None:
            raise httpx.RemoteProtocolError(self.failure, request=self.request)

    def response(self, stream: Union[httpx.SyncByteStream, httpx.AsyncByteStream]) -> httpx.Response:
        return httpx.Response(
            self.status,
            headers=self.headers,
            stream=stream,
            request=self.request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": reason_phrase(self.status).encode("latin-1", "replace"),
            },
        )


class _SyncStream(httpx.SyncByteStream):
    def __init__(self, plan: _Plan) -> None:
        self._plan = plan

    def __iter__(self) -> Iterator[bytes]:
        plan = self._plan
        for delay, piece in plan.pieces():
            if delay > 0:
                pause, error = plan.wait(delay)
                time.sleep(pause)
                if error is not None:
                    raise error
            if piece:
                yield piece
        plan.after_body()


class _AsyncStream(httpx.AsyncByteStream):
    def __init__(self, plan: _Plan) -> None:
        self._plan = plan

    async def __aiter__(self) -> AsyncIterator[bytes]:
        plan = self._plan
        for delay, piece in plan.pieces():
            if delay > 0:
                pause, error = plan.wait(delay)
                await anyio.sleep(pause)
                if error is not None:
                    raise error
            if piece:
                yield piece
        plan.after_body()


def _exchange(server: MockCerebrasServer, request: httpx.Request, body: bytes) -> Tuple[float, Outcome]:
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
    target = request.url.raw_path.decode("latin-1")
    return server._exchange(request.method, target, "HTTP/1.1", headers, body)


class MockTransport(httpx.BaseTransport):
    """An ``httpx.BaseTransport`` that hands every request to ``server`` in-process.

    ``httpx.Client(transport=MockTransport(server))`` (or ``server.transport()``) talks to the mock
    with no socket, whether or not the server was started; requests are recorded and scripted
    entries consumed exactly as over the network. The URL's host is ignored, so the SDK's default
    ``base_url`` works too.
    """

    def __init__(self, server: MockCerebrasServer) -> None:
        self.server = server

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        delay, outcome = _exchange(self.server, request, request.read())
        plan = _Plan(request, outcome)
        pause, error = plan.before_headers(delay, outcome.drop_before_headers)
        if pause > 0:
            time.sleep(pause)
        if error is not None:
            raise error
        return plan.response(_SyncStream(plan))


class AsyncMockTransport(httpx.AsyncBaseTransport):
    """The ``httpx.AsyncBaseTransport`` twin of :class:`MockTransport`, for ``httpx.AsyncClient``
    (asyncio or trio: pauses use anyio)."""

    def __init__(self, server: MockCerebrasServer) -> None:
        self.server = server

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        delay, outcome = _exchange(self.server, request, await request.aread())
        plan = _Plan(request, outcome)
        pause, error = plan.before_headers(delay, outcome.drop_before_headers)
        if pause > 0:
            await anyio.sleep(pause)
        if error is not None:
            raise error
        return plan.response(_AsyncStream(plan))
