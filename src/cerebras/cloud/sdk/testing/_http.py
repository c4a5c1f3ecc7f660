"""The HTTP/1.1 wire format the mock server speaks: reading requests, framing responses.

Hand-written on asyncio streams because scripted faults must be able to stop a response at any
byte (half a body, part of a chunked stream), which a stock HTTP server does not allow.
"""

from __future__ import annotations

import asyncio
from typing import Iterable, List, Optional, Tuple

from ._payloads import reason_phrase
from ._routes import Response
from ._script import Outcome

__all__ = ["READ_LIMIT", "BadRequest", "ParsedRequest", "read_request", "write_outcome"]

READ_LIMIT = 1 << 20  # longest request head / chunk-size line accepted
# write_outcome derives these from what it really sends; a handler's own copies could contradict them.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


ParsedRequest = Tuple[str, str, str, List[Tuple[str, str]], bytes]


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: List[bytes] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BadRequest("invalid chunk size") from None
        if size < 0:
            raise BadRequest("invalid chunk size")
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # skip trailers
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise BadRequest("malformed chunk")


async def read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Optional[ParsedRequest]:
    """Read one request; ``None`` when the client closed the connection between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise BadRequest("incomplete request head") from None
        return None
    except asyncio.LimitOverrunError:
        raise BadRequest("request head too large", 431) from None

    lines = head[:-4].lstrip(b"\r\n").split(b"\r\n")
    parts = lines[0].decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise BadRequest("malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise BadRequest("unsupported HTTP version", 505)

    headers: List[Tuple[str, str]] = []
    for line in lines[1:]:
        raw_name, sep, raw_value = line.partition(b":")
        if not sep or not raw_name or raw_name.strip() != raw_name:
            raise BadRequest("malformed header line")
        headers.append((raw_name.decode("latin-1"), raw_value.strip().decode("latin-1")))

    transfer_encoding = ""
    content_length: Optional[str] = None
    expect_continue = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "transfer-encoding":
            transfer_encoding = value.lower()
        elif lowered == "content-length":
            content_length = value
        elif lowered == "expect" and value.lower() == "100-continue":
            expect_continue = True

    if expect_continue and version == "HTTP/1.1":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    if "chunked" in transfer_encoding:
        body = await read_chunked(reader)
    elif content_length is not None:
        try:
            length = int(content_length)
        except ValueError:
            raise BadRequest("invalid Content-Length") from None
        if length < 0:
            raise BadRequest("invalid Content-Length")
        body = await reader.readexactly(length) if length else b""
    else:
        body = b""
    return method, target, version, headers, body


def response_head(status: int, headers: Iterable[Tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason_phrase(status)}\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in headers)
    lines.append("\r\n")
    return "".join(lines).encode("latin-1", "replace")


async def write_outcome(writer: asyncio.StreamWriter, outcome: Outcome, keep_alive: bool) -> bool:
    """Send ``outcome``; returns whether the connection can serve another request."""
    if outcome.drop_before_headers:
        return False
    response = outcome.response or Response(500, body=b"")
    headers: List[Tuple[str, str]] = []
    for name, value in response.headers:
        lowered = name.lower()
        if lowered == "connection" and "close" in value.lower():
            keep_alive = False
        if lowered not in FRAMING_HEADERS:
            headers.append((name, value))
    if not keep_alive:
        headers.append(("connection", "close"))
    if outcome.drop_mid_body or outcome.drop_after_events is not None:
        keep_alive = False  # an unannounced drop: the headers promise more than will come

    if response.events is None:
        body = response.body or b""
        headers.append(("content-length", str(len(body))))
        head = response_head(response.status, headers)
        if outcome.drop_mid_body:
            writer.write(head + body[: len(body) // 2])
            await writer.drain()
            return False
        writer.write(head + body)
        await writer.drain()
        return keep_alive

    headers.append(("transfer-encoding", "chunked"))
    writer.write(response_head(response.status, headers))
    limit = outcome.drop_after_events
    for sent, event in enumerate(response.events):
        if limit is not None and sent >= limit:
            await writer.drain()
            return False
        if sent and outcome.chunk_delay > 0:
            await asyncio.sleep(outcome.chunk_delay)
        if writer.transport.is_closing():
            return False
        if event:
            writer.write(b"%x\r\n%s\r\n" % (len(event), event))
            await writer.drain()
    if limit is not None:
        await writer.drain()
        return False
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return keep_alive
