"""The core client over real sockets on 127.0.0.1: refused, silent, hung-up and misbehaving servers."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Callable, Iterator, List

import anyio
import httpx
import pytest

from cerebras.cloud.sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncCerebras,
    Cerebras,
    InternalServerError,
)

API_KEY = "csk-e2e-key"

Behaviour = Callable[[socket.socket, bytes], None]


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each request to `behaviour` (one thread each)."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.05)
        self.connections = 0
        self.requests: List[bytes] = []
        self.stop = threading.Event()
        self.open: List[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            self.open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            while not self.stop.is_set():
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                header_block, _, rest = head.partition(b"\r\n\r\n")
                length = 0
                for line in header_block.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(header_block.split(b"\r\n")[0])
                self.behaviour(conn, header_block)
                if conn.fileno() == -1:
                    return
        except OSError:
            return

    def close(self) -> None:
        self.stop.set()
        for conn in self.open:
            try:
                conn.close()
            except OSError:
                pass
        self.listener.close()
        self.thread.join(2)


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], RawServer]]:
    servers: List[RawServer] = []

    def start(behaviour: Behaviour) -> RawServer:
        server = RawServer(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Back-off sleeps are recorded, not slept; server hints are honoured by the scripts below."""
    slept: List[float] = []

    def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(anyio, "sleep", fake_async_sleep)
    return slept


def respond(status: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    reason = {200: "OK", 503: "Service Unavailable"}.get(status, "Status")

    def behaviour(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    return behaviour


def never_answer(conn: socket.socket, head: bytes) -> None:
    """Keep the connection open and say nothing until the client gives up and hangs up."""
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass
    conn.close()


def hang_up(conn: socket.socket, head: bytes) -> None:
    conn.close()


def hang_up_mid_body(conn: socket.socket, head: bytes) -> None:
    conn.sendall(
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"partial":'
    )
    conn.shutdown(socket.SHUT_RDWR)
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sync_client(base_url: str, **kwargs: Any) -> Cerebras:
    kwargs.setdefault("warm_tcp_connection", False)
    return Cerebras(api_key=API_KEY, base_url=base_url, **kwargs)


def async_client(base_url: str, **kwargs: Any) -> AsyncCerebras:
    kwargs.setdefault("warm_tcp_connection", False)
    return AsyncCerebras(api_key=API_KEY, base_url=base_url, **kwargs)


# --------------------------------------------------------------------------- sync


def test_round_trip_and_the_warm_connection_is_reused(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(respond(200, b'{"ok":true}'))
    with Cerebras(api_key=API_KEY, base_url=server.base_url) as client:
        assert client.post("/v1/x", cast_to=dict, body={"a": 1}) == {"ok": True}
    assert server.requests == [b"GET /v1/tcp_warming HTTP/1.1", b"POST /v1/x HTTP/1.1"]
    assert server.connections == 1


def test_connection_refused(no_backoff: List[float]) -> None:
    client = sync_client(f"http://127.0.0.1:{free_port()}", max_retries=2)
    with client, pytest.raises(APIConnectionError) as info:
        client.get("/v1/x", cast_to=dict)
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert len(no_backoff) == 2


def test_silent_server_times_out(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(never_answer)
    started = time.monotonic()
    client = sync_client(server.base_url, timeout=0.2, max_retries=1)
    with client, pytest.raises(APITimeoutError) as info:
        client.get("/v1/x", cast_to=dict)
    elapsed = time.monotonic() - started
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert len(server.requests) == 2
    assert 0.35 < elapsed < 2.0


def test_server_hangs_up_before_answering(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(hang_up)
    with sync_client(server.base_url, max_retries=1) as client, pytest.raises(APIConnectionError) as info:
        client.get("/v1/x", cast_to=dict)
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)
    assert len(server.requests) == 2


def test_server_hangs_up_while_sending_the_body(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(hang_up_mid_body)
    with sync_client(server.base_url, max_retries=2) as client, pytest.raises(APIConnectionError) as info:
        client.post("/v1/x", cast_to=dict, body={})
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, httpx.TransportError)
    assert len(server.requests) == 3


def test_non_json_503_becomes_internal_server_error(
    serve: Callable[[Behaviour], RawServer], no_backoff: List[float]
) -> None:
    server = serve(respond(503, b"upstream timeout", "text/plain"))
    with sync_client(server.base_url) as client, pytest.raises(InternalServerError) as info:
        client.post("/v1/chat/completions", cast_to=dict, body={"model": "m"})
    assert info.value.message == "upstream timeout"
    assert info.value.body == "upstream timeout"
    assert info.value.status_code == 503
    assert info.value.__cause__ is None
    assert len(server.requests) == 3
    assert len(no_backoff) == 2


# --------------------------------------------------------------------------- async


@pytest.mark.anyio
async def test_async_round_trip(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(respond(200, b'{"ok":true}'))
    async with async_client(server.base_url) as client:
        assert await client.get("/v1/x", cast_to=dict) == {"ok": True}
        assert await client.get("/v1/x", cast_to=dict) == {"ok": True}
    assert server.connections == 1


@pytest.mark.anyio
async def test_async_connection_refused(no_backoff: List[float]) -> None:
    async with async_client(f"http://127.0.0.1:{free_port()}", max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.get("/v1/x", cast_to=dict)
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert len(no_backoff) == 2


@pytest.mark.anyio
async def test_async_silent_server_times_out(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(never_answer)
    async with async_client(server.base_url, timeout=0.2, max_retries=0) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.get("/v1/x", cast_to=dict)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_async_server_hangs_up(serve: Callable[[Behaviour], RawServer]) -> None:
    before = serve(hang_up)
    during = serve(hang_up_mid_body)
    async with async_client(before.base_url, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.get("/v1/x", cast_to=dict)
        assert type(info.value) is APIConnectionError
        with pytest.raises(APIConnectionError) as info2:
            await client.with_options(base_url=during.base_url).get("/v1/x", cast_to=dict)
        assert type(info2.value) is APIConnectionError
    assert len(before.requests) == 2
    assert len(during.requests) == 2


@pytest.mark.anyio
async def test_async_non_json_503(serve: Callable[[Behaviour], RawServer]) -> None:
    server = serve(respond(503, b"upstream timeout", "text/plain"))
    async with async_client(server.base_url) as client:
        with pytest.raises(InternalServerError) as info:
            await client.get("/v1/models", cast_to=dict)
    assert info.value.message == info.value.body == "upstream timeout"
    assert len(server.requests) == 3
