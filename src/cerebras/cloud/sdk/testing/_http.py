"""The socket side of the mock server: HTTP/1.1 framing with h11 on asyncio streams.

h11 parses requests and frames responses; this module only moves bytes. Scripted faults must be
able to stop a response at any byte (half a body, part of a chunked stream), so a response is sent
event by event and the connection is simply closed where a fault says so.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Callable, List, Optional, Sequence, Tuple

import h11

from ._payloads import reason_phrase
from ._routes import Response, error_response
from ._script import Outcome

__all__ = ["READ_LIMIT", "Exchange", "serve_connection"]

READ_LIMIT = 1 << 20  # longest request head (or chunk header) accepted
_READ_SIZE = 1 << 16
# Framing is h11's job: a handler's own copies of these could contradict what is really sent.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
_NO_BODY_STATUSES = frozenset({204, 304})
_LINGER_SECONDS = 1.0
_UNSENDABLE = re.compile(r"[\r\n\x00]")

log = logging.getLogger("cerebras.cloud.sdk.testing")

RequestHead = Tuple[str, str, str, List[Tuple[str, str]]]  # method, target, HTTP version, headers
# The sans-IO request handler: (method, target, version, headers, body) -> (delay, outcome).
Exchange = Callable[[str, str, str, Sequence[Tuple[str, str]], bytes], Tuple[float, Outcome]]


class _Rejected(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _latin1(value: bytes) -> str:
    return value.decode("latin-1")


async def _read_request(
    conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Optional[Tuple[RequestHead, bytes]]:
    """The next request and its body; ``None`` when the client closed the connection between requests."""
    head: Optional[RequestHead] = None
    parts: List[bytes] = []
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise _Rejected(str(exc), exc.error_status_hint) from None
        if event is h11.NEED_DATA:
            if conn.they_are_waiting_for_100_continue:
                writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])) or b"")
            conn.receive_data(await reader.read(_READ_SIZE))  # b"" tells h11 about end of file
        elif isinstance(event, h11.Request):
            version = "HTTP/" + _latin1(event.http_version)
            if version not in ("HTTP/1.0", "HTTP/1.1"):
                raise _Rejected("unsupported HTTP version", 505)
            headers = [(_latin1(name), _latin1(value)) for name, value in event.headers.raw_items()]
            head = (_latin1(event.method), _latin1(event.target), version, headers)
        elif isinstance(event, h11.Data):
            parts.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            assert head is not None
            return head, b"".join(parts)
        else:  # ConnectionClosed, or PAUSED after a protocol switch we never agree to
            return None


def _encode_headers(headers: Sequence[Tuple[str, str]]) -> List[Tuple[bytes, bytes]]:
    return [
        (name.encode("latin-1", "replace"), _UNSENDABLE.sub(" ", value).strip().encode("latin-1", "replace"))
        for name, value in headers
    ]


def _send(conn: h11.Connection, writer: asyncio.StreamWriter, event: h11.Event) -> None:
    data = conn.send(event)
    if data:
        writer.write(data)


def _start(
    conn: h11.Connection, writer: asyncio.StreamWriter, response: Response, length: Optional[int]
) -> None:
    headers: List[Tuple[str, str]] = []
    for name, value in response.headers:
        lowered = name.lower()
        if lowered == "connection" and "close" in value.lower():
            headers.append(("connection", "close"))
        elif lowered not in FRAMING_HEADERS:
            headers.append((name, value))
    if length is not None:
        headers.append(("content-length", str(length)))
    event = h11.Response(
        status_code=response.status,
        headers=_encode_headers(headers),
        reason=reason_phrase(response.status).encode("latin-1", "replace"),
    )
    _send(conn, writer, event)


async def write_outcome(
    conn: h11.Connection, writer: asyncio.StreamWriter, outcome: Outcome, head_only: bool
) -> bool:
    """Send ``outcome``; returns whether the connection can serve another request."""
    if outcome.drop_before_headers:
        return False
    response = outcome.response or Response(500, body=b"")
    no_body = head_only or response.status in _NO_BODY_STATUSES
    if response.events is None or no_body:
        body = b"" if no_body else response.body or b""
        _start(conn, writer, response, None if response.status in _NO_BODY_STATUSES else len(body))
        if outcome.drop_mid_body:
            _send(conn, writer, h11.Data(data=body[: len(body) // 2]))
            await writer.drain()
            return False
        if body:
            _send(conn, writer, h11.Data(data=body))
        _send(conn, writer, h11.EndOfMessage())
        await writer.drain()
        return conn.our_state is h11.DONE

    _start(conn, writer, response, None)  # h11 frames it chunked (or close-delimited for HTTP/1.0)
    limit = outcome.drop_after_events
    for sent, event in enumerate(response.events):
        if limit is not None and sent >= limit:
            break
        if sent and outcome.chunk_delay > 0:
            await asyncio.sleep(outcome.chunk_delay)
        if writer.transport.is_closing():
            return False
        if event:
            _send(conn, writer, h11.Data(data=event))
            await writer.drain()
    if limit is not None:  # an unannounced drop: the headers promised more than came
        await writer.drain()
        return False
    _send(conn, writer, h11.EndOfMessage())
    await writer.drain()
    return conn.our_state is h11.DONE


async def _reject(
    conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, exc: _Rejected
) -> None:
    response = error_response(exc.status, str(exc), code="bad_http_request")
    response.headers.append(("connection", "close"))
    try:
        await write_outcome(conn, writer, Outcome(response), False)
    except h11.LocalProtocolError:  # pragma: no cover - h11 lets a server answer a broken request
        return
    await _linger(reader, writer)


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # Closing with unread input makes the kernel send a reset, which can destroy the error response
    # before the client reads it: half-close, then drain what the client is still sending (briefly).
    if not writer.can_write_eof():  # pragma: no cover - TCP sockets can
        return
    writer.write_eof()

    async def drain() -> None:
        while await reader.read(_READ_SIZE):
            pass

    try:
        await asyncio.wait_for(drain(), _LINGER_SECONDS)
    except (asyncio.TimeoutError, ConnectionError, OSError):
        pass


async def serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, exchange: Exchange
) -> None:
    """Serve requests on one connection until either side closes it or a fault drops it."""
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=READ_LIMIT)
    while True:
        try:
            received = await _read_request(conn, reader, writer)
        except _Rejected as exc:
            await _reject(conn, reader, writer, exc)
            return
        if received is None:
            return
        (method, target, version, headers), body = received
        delay, outcome = exchange(method, target, version, headers, body)
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            keep_going = await write_outcome(conn, writer, outcome, method == "HEAD")
        except h11.LocalProtocolError:  # e.g. a scripted header name h11 refuses to send
            log.exception("mock server could not frame a response")
            return
        if not keep_going or conn.their_state is not h11.DONE:
            return
        conn.start_next_cycle()
