"""Streams over a real socket on 127.0.0.1: slow servers, servers that die or stall, abandoned streams.

A small threaded HTTP/1.1 server (below) answers every request with a chunked event stream whose
behaviour is chosen by the first path segment of the client's base URL, e.g.
`http://127.0.0.1:<port>/die/v1/chat/completions`. Each test runs with the blocking client and with
the async client on asyncio and trio.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import json
import select
import socket
import threading
import time
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional, Tuple

import anyio
import httpx
import pytest

from cerebras.cloud.sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncCerebras,
    Cerebras,
    NotFoundError,
)
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse

pytestmark = pytest.mark.anyio

MESSAGES = [{"role": "user", "content": "hi"}]


def chunk_event(content: str, **extra: Any) -> bytes:
    payload: Dict[str, Any] = {
        "id": "chatcmpl-e2e",
        "object": "chat.completion.chunk",
        "created": 1733000200,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp",
        "choices": [{"index": 0, "delta": {"content": content}}],
        **extra,
    }
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


WORDS = ["Fast", " answers", " over", " TCP."]
DONE = b"data: [DONE]\n\n"


class LoopbackServer:
    """An HTTP/1.1 server on 127.0.0.1 that plays one scripted event stream per request."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.accepted = 0
        self.playing: Dict[str, int] = {}  # scenario -> responses being played right now
        self.paths: List[str] = []
        self._threads: List[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def base_url(self, scenario: str) -> str:
        return f"http://127.0.0.1:{self.port}/{scenario}"

    def wait_until_done_playing(self, scenario: str, timeout: float = 3.0) -> bool:
        """Wait until no `scenario` response is being sent (the client hung up, for `endless`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self.playing.get(scenario):
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        self.stopping.set()
        self._acceptor.join(2)
        for thread in self._threads:
            thread.join(2)
        self._listener.close()

    # ---- the server side

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:  # timeout (to look at `stopping`) or listener closed
                continue
            with self._lock:
                self.accepted += 1
            thread = threading.Thread(target=self._serve_connection, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve_connection(self, conn: socket.socket) -> None:
        try:
            reader = conn.makefile("rb")
            while not self.stopping.is_set():
                request_line = reader.readline()
                if not request_line:
                    return
                length = 0
                while True:
                    line = reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                reader.read(length)
                path = request_line.split(b" ")[1].decode()
                scenario = path.split("/")[1]
                with self._lock:
                    self.paths.append(path)
                    self.playing[scenario] = self.playing.get(scenario, 0) + 1
                try:
                    keep_alive = self._respond(conn, scenario)
                finally:
                    with self._lock:
                        self.playing[scenario] -= 1
                if not keep_alive:
                    return
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _respond(self, conn: socket.socket, scenario: str) -> bool:
        """Play `scenario`; return whether the connection may serve another request."""
        if scenario == "missing":
            body = json.dumps(
                {"error": {"message": "no such model", "type": "not_found_error"}, "status_code": 404}
            ).encode()
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            return True

        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        )

        def send(data: bytes) -> None:
            conn.sendall(b"%x\r\n%s\r\n" % (len(data), data))

        if scenario in ("nodone", "slow"):
            for word in WORDS:
                send(chunk_event(word))
                if scenario == "slow":
                    time.sleep(0.06)
            send(b": keep-alive\n\n")
            if scenario == "slow":
                send(DONE)
            conn.sendall(b"0\r\n\r\n")
            return True
        if scenario == "die":
            send(chunk_event("one") + chunk_event("two"))
            time.sleep(0.02)
            return False  # closed without the terminating chunk
        if scenario == "stall":
            send(chunk_event("only"))
            deadline = time.monotonic() + 10
            while not self.stopping.is_set() and time.monotonic() < deadline:
                readable, _, _ = select.select([conn], [], [], 0.05)
                if readable and not conn.recv(1024):
                    break  # the client hung up
            return False
        if scenario == "endless":
            n = 0
            deadline = time.monotonic() + 10
            while not self.stopping.is_set() and time.monotonic() < deadline:
                send(chunk_event(str(n)))
                n += 1
                time.sleep(0.005)
            return False
        raise AssertionError(f"unknown scenario {scenario!r}")


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture(params=["sync", "asyncio", "trio"])
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@contextlib.asynccontextmanager
async def make_client(flavor: str, base_url: str, **kwargs: Any) -> AsyncIterator[Any]:
    options: Dict[str, Any] = {
        "api_key": "csk-example",
        "base_url": base_url,
        "warm_tcp_connection": False,
        "max_retries": 0,
        **kwargs,
    }
    if flavor == "sync":
        with Cerebras(**options) as client:
            yield client
    else:
        async with AsyncCerebras(**options) as client:
            yield client


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def open_stream(client: Any) -> Any:
    return await resolve(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))


async def take(stream: Any, n: int) -> List[Any]:
    items: List[Any] = []
    if hasattr(stream, "__aiter__"):
        async for item in stream:
            items.append(item)
            if len(items) == n:
                break
    else:
        for item in stream:
            items.append(item)
            if len(items) == n:
                break
    return items


async def timed_items(stream: Any) -> List[Tuple[float, Any]]:
    out: List[Tuple[float, Any]] = []
    if hasattr(stream, "__aiter__"):
        async for item in stream:
            out.append((time.monotonic(), item))
    else:
        for item in stream:
            out.append((time.monotonic(), item))
    return out


async def drain_until_error(stream: Any) -> Tuple[List[Any], BaseException]:
    items: List[Any] = []
    try:
        if hasattr(stream, "__aiter__"):
            async for item in stream:
                items.append(item)
        else:
            for item in stream:
                items.append(item)
    except Exception as exc:
        return items, exc
    raise AssertionError("the stream ended without an error")


def pool_state(client: Any) -> Tuple[int, int]:
    """(connections in the pool, connections checked out: neither idle nor closed)."""
    pool = client._client._transport._pool
    connections = list(pool.connections)
    busy = [c for c in connections if not (c.is_idle() or c.is_closed())]
    return len(connections), len(busy)


def contents(items: List[Any]) -> List[Optional[str]]:
    return [i.choices[0].delta.content for i in items]


# ------------------------------------------------------------------ healthy and slow servers


async def test_slow_server_streams_incrementally_and_reuses_the_connection(
    server: LoopbackServer, flavor: str
) -> None:
    async with make_client(flavor, server.base_url("slow")) as client:
        started = time.monotonic()
        stream = await open_stream(client)
        timed = await timed_items(stream)

        assert [type(item) for _, item in timed] == [ChatChunkResponse] * 4
        assert "".join(contents([item for _, item in timed])) == "Fast answers over TCP."
        # The first chunk is handed over well before the server has sent the last one.
        assert timed[-1][0] - timed[0][0] >= 0.12
        assert timed[0][0] - started < timed[-1][0] - started - 0.1
        assert stream.response.is_closed
        # `[DONE]` ends the stream without reading what follows, so the connection is not reused.
        assert pool_state(client)[1] == 0


async def test_stream_without_done_ends_cleanly_and_reuses_the_connection(
    server: LoopbackServer, flavor: str
) -> None:
    async with make_client(flavor, server.base_url("nodone")) as client:
        stream = await open_stream(client)
        assert "".join(contents([item for _, item in await timed_items(stream)])) == "Fast answers over TCP."
        assert stream.response.is_closed
        assert pool_state(client) == (1, 0)

        accepted_before = server.accepted
        again = await open_stream(client)
        assert len(await timed_items(again)) == 4
        assert server.accepted == accepted_before  # the keep-alive connection was reused
        assert pool_state(client) == (1, 0)


# ------------------------------------------------------------------ failures while iterating (decision 24)


async def test_server_dying_mid_stream_is_a_connection_error(server: LoopbackServer, flavor: str) -> None:
    async with make_client(flavor, server.base_url("die")) as client:
        stream = await open_stream(client)
        items, exc = await drain_until_error(stream)

        assert contents(items) == ["one", "two"]
        assert type(exc) is APIConnectionError
        assert isinstance(exc.__cause__, httpx.TransportError)
        assert exc.request.url.path == "/die/v1/chat/completions"
        assert stream.response.is_closed
        assert pool_state(client)[1] == 0


async def test_stalled_stream_with_a_short_read_timeout(server: LoopbackServer, flavor: str) -> None:
    async with make_client(flavor, server.base_url("stall"), timeout=0.3) as client:
        stream = await open_stream(client)
        started = time.monotonic()
        items, exc = await drain_until_error(stream)

        assert contents(items) == ["only"]
        assert type(exc) is APITimeoutError
        assert isinstance(exc.__cause__, httpx.ReadTimeout)
        assert str(exc) == "Request timed out."
        assert 0.2 <= time.monotonic() - started < 5
        assert stream.response.is_closed
        assert pool_state(client)[1] == 0


# ------------------------------------------------------------------ abandoned streams give their connection back


@pytest.mark.parametrize("how", ["close", "context", "gc", "gc-before-iterating"])
async def test_abandoned_stream_releases_its_connection(
    server: LoopbackServer, flavor: str, how: str
) -> None:
    async with make_client(flavor, server.base_url("endless")) as client:
        stream = await open_stream(client)
        response = stream.response
        if how == "context":
            if flavor == "sync":
                with stream:
                    first = await take(stream, 2)
                    assert pool_state(client) == (1, 1)
            else:
                async with stream:
                    first = await take(stream, 2)
                    assert pool_state(client) == (1, 1)
        elif how == "gc-before-iterating":
            assert pool_state(client) == (1, 1)
            del stream
            for _ in range(5):
                gc.collect()
                await anyio.sleep(0.02)  # the async stream hands the closing to the event loop
            first: List[Any] = []
        else:
            first = await take(stream, 2)
            assert pool_state(client) == (1, 1)  # the check below can fail
            if how == "close":
                await resolve(stream.close())
            else:
                del stream
                for _ in range(5):
                    gc.collect()
                    await anyio.sleep(0.02)  # async generators are finalised by the event loop

        assert contents(first) == ([] if how == "gc-before-iterating" else ["0", "1"])
        assert response.is_closed
        assert pool_state(client)[1] == 0
        assert server.wait_until_done_playing("endless"), "the server still sees the connection open"


async def test_streaming_response_left_early_releases_its_connection(
    server: LoopbackServer, flavor: str
) -> None:
    async with make_client(flavor, server.base_url("endless")) as client:
        manager = client.with_streaming_response.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        )
        if flavor == "sync":
            with manager as response:
                assert pool_state(client) == (1, 1)
                first_line = next(iter(response.iter_lines()))
        else:
            async with manager as response:
                assert pool_state(client) == (1, 1)
                lines = response.iter_lines()
                first_line = await lines.__anext__()
                await lines.aclose()
        assert first_line.startswith("data: {")
        assert response.is_closed
        assert pool_state(client)[1] == 0
        assert server.wait_until_done_playing("endless")


async def test_error_from_streaming_response_enter_leaks_no_connection(
    server: LoopbackServer, flavor: str
) -> None:
    async with make_client(flavor, server.base_url("missing")) as client:
        manager = client.with_streaming_response.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        )
        with pytest.raises(NotFoundError) as info:
            if flavor == "sync":
                with manager:
                    raise AssertionError("entered despite the 404")
            else:
                async with manager:
                    raise AssertionError("entered despite the 404")
        assert info.value.body == {"message": "no such model", "type": "not_found_error"}
        assert info.value.response.is_closed
        assert pool_state(client) == (1, 0)

        with pytest.raises(NotFoundError):
            await open_stream(client)
        assert pool_state(client) == (1, 0)
