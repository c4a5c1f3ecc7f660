"""Tiny loopback server for the benchmarks (stdlib asyncio only).

It answers ``POST /v1/chat/completions`` with a fixed chat completion, or, when the
request body has ``"stream": true``, with a pre-rendered stream of ``STREAM_CHUNKS``
``chat.completion.chunk`` events ending in ``data: [DONE]``. Every response is
rendered to bytes once at start-up, so the server costs almost nothing per request
and the client's CPU time is what the benchmark sees.

Run it on its own with ``python benchmarks/server.py [--port N]``; it prints
``PORT <n>`` on the first line of stdout once it is listening on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import sys
from typing import Optional

STREAM_CHUNKS = 2000
_CREATED = 1733000000
_MODEL = "llama3.1-8b"
_WORDS = (
    " Fast",
    " inference",
    " lets",
    " the",
    " model",
    " answer",
    " in",
    " real",
    " time,",
    " so",
    " users",
    " rarely",
    " wait",
    " for",
    " a",
    " reply.",
)

# Static response headers that a real API gateway would send; they cost the client a
# little header parsing, like in production.
_COMMON_HEADERS = (
    b"date: Sat, 30 Nov 2024 12:00:00 GMT\r\n"
    b"server: bench\r\n"
    b"x-request-id: 8f1e0c2a-0b7d-4a8e-9c61-5d1c2a9e0001\r\n"
    b"x-ratelimit-limit-requests-day: 14400\r\n"
    b"x-ratelimit-remaining-requests-day: 14399\r\n"
    b"x-ratelimit-limit-tokens-minute: 60000\r\n"
    b"x-ratelimit-remaining-tokens-minute: 59974\r\n"
)


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def completion_body() -> bytes:
    """A realistic non-streaming chat completion (shape of endpoints.md §5.1)."""
    content = "".join(_WORDS[i % len(_WORDS)] for i in range(60)).lstrip()
    return _dumps(
        {
            "id": "chatcmpl-5d1c2a9e-2b7f-4c1e-9a0d-3f2a1b000001",
            "object": "chat.completion",
            "created": _CREATED,
            "model": _MODEL,
            "system_fingerprint": "fp_3f2a1b",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": 24,
                "completion_tokens": 60,
                "total_tokens": 84,
                "prompt_tokens_details": {"cached_tokens": 0},
            },
            "time_info": {
                "queue_time": 0.00012,
                "prompt_time": 0.0009,
                "completion_time": 0.0311,
                "total_time": 0.0334,
                "created": 1733000000.123,
            },
        }
    )


def stream_events(n: int = STREAM_CHUNKS) -> list:
    """SSE events (each ending in a blank line) like endpoints.md §5.3, ``[DONE]`` last."""
    head = {
        "id": "chatcmpl-a1b2c3d4-0000-4000-8000-000000000001",
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": _MODEL,
        "system_fingerprint": "fp_3f2a1b",
    }
    events = []
    for i in range(n):
        if i == 0:
            choice: dict = {"index": 0, "delta": {"role": "assistant", "content": ""}}
            extra: dict = {}
        elif i == n - 1:
            choice = {"index": 0, "delta": {}, "finish_reason": "stop"}
            extra = {
                "usage": {"prompt_tokens": 24, "completion_tokens": n - 2, "total_tokens": n + 22},
                "time_info": {
                    "queue_time": 0.0001,
                    "prompt_time": 0.0005,
                    "completion_time": 0.9,
                    "total_time": 0.91,
                    "created": 1733000000.5,
                },
            }
        else:
            choice = {"index": 0, "delta": {"content": _WORDS[i % len(_WORDS)]}}
            extra = {}
        events.append(b"data: " + _dumps({**head, "choices": [choice], **extra}) + b"\n\n")
        if i == n // 2:
            # Servers send keep-alive comments; the client must skip them.
            events.append(b": keep-alive\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def _render_json(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\n" + _COMMON_HEADERS
        + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )  # fmt: skip


def _render_stream(events: list, per_chunk: int = 1) -> bytes:
    # By default one HTTP chunk per SSE event, as a real server flushing each token would send it.
    # `per_chunk` > 1 packs that many events into each HTTP chunk, as a buffering proxy may do; the
    # client then pays the HTTP/transport cost once per group, so per-chunk ratios rise.
    parts = [b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" + _COMMON_HEADERS]
    parts.append(b"transfer-encoding: chunked\r\n\r\n")
    for i in range(0, len(events), per_chunk):
        ev = b"".join(events[i : i + per_chunk])
        parts.append(b"%x\r\n%s\r\n" % (len(ev), ev))
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


RESP_COMPLETION = _render_json(b"200 OK", completion_body())
RESP_STREAM = _render_stream(stream_events())
RESP_WARM = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n" + _COMMON_HEADERS + b"\r\nok"
)
RESP_404 = _render_json(
    b"404 Not Found",
    _dumps({"message": "not found", "type": "not_found_error", "param": "", "code": "not_found"}),
)
RESP_501 = _render_json(b"501 Not Implemented", b'{"message":"chunked request bodies unsupported"}')

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[^\r]*chunked", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)
_STREAM_TRUE = re.compile(rb'"stream"\s*:\s*true')


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection; handles pipelined requests in order."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: Optional[asyncio.Transport] = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end])
            if _CHUNKED.search(head):
                self._reply(RESP_501, close=True)
                return
            m = _CONTENT_LENGTH.search(head)
            total = end + 4 + (int(m.group(1)) if m else 0)
            if len(self.buf) < total:
                return
            body = bytes(self.buf[end + 4 : total])
            del self.buf[:total]
            self._reply(self._route(head, body), close=_CLOSE.search(head) is not None)

    @staticmethod
    def _route(head: bytes, body: bytes) -> bytes:
        line = head.split(b"\r\n", 1)[0]
        method, _, rest = line.partition(b" ")
        path = rest.partition(b" ")[0].partition(b"?")[0]
        if method == b"POST" and path.endswith(b"/v1/chat/completions"):
            return RESP_STREAM if _STREAM_TRUE.search(body) else RESP_COMPLETION
        if method == b"GET" and path.endswith(b"/v1/tcp_warming"):
            return RESP_WARM
        return RESP_404

    def _reply(self, data: bytes, close: bool) -> None:
        assert self.transport is not None
        self.transport.write(data)
        if close:
            self.transport.close()
            self.transport = None

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self.transport = None


async def serve(port: int) -> None:
    """Listen on 127.0.0.1 until SIGTERM/SIGINT."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Connection, "127.0.0.1", port, backlog=512, reuse_address=True)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    async with server:
        await stop


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--events-per-chunk", type=int, default=1, help="SSE events per HTTP chunk")
    args = parser.parse_args(argv)
    if args.events_per_chunk != 1:
        global RESP_STREAM
        RESP_STREAM = _render_stream(stream_events(), max(1, args.events_per_chunk))
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    sys.exit(main())
