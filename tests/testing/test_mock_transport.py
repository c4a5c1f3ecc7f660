"""The mock server in-process through httpx transports (no socket), and its h11 socket framing."""

from __future__ import annotations

import json
import socket
import time
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from cerebras.cloud.sdk import APIConnectionError, APITimeoutError, AsyncCerebras, Cerebras
from cerebras.cloud.sdk.testing import AsyncMockTransport, MockCerebrasServer, MockTransport

CHAT = "/v1/chat/completions"
MODEL = "llama3.1-8b"
HI: List[Dict[str, Any]] = [{"role": "user", "content": "hi"}]


@pytest.fixture
def server() -> MockCerebrasServer:
    return MockCerebrasServer(api_key="test")  # never started: no socket at all


@pytest.fixture
def client(server: MockCerebrasServer) -> Iterator[Cerebras]:
    with Cerebras(api_key="test", http_client=httpx.Client(transport=server.transport()), max_retries=0) as c:
        yield c


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def chat_body(**extra: Any) -> Dict[str, Any]:
    return {"model": MODEL, "messages": HI, **extra}


# ---------------------------------------------------------------------------------------------
# in-process transports


def test_sync_client_without_a_socket(server: MockCerebrasServer, client: Cerebras) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=HI)
    assert completion.choices[0].message.content == "You said: hi"
    assert not server.is_running
    with pytest.raises(RuntimeError):
        _ = server.base_url
    assert [r.path for r in server.requests] == [CHAT]
    assert [r.path for r in server.warmup_requests] == ["/v1/tcp_warming"]  # the client's warm-up
    request = server.last_request
    assert request.json() == chat_body() and request.headers["authorization"] == "Bearer test"
    assert request.headers["host"] == "api.cerebras.ai"  # the SDK's default base_url, never resolved
    assert completion._request_id == request.request_id
    chunks = list(client.chat.completions.create(model=MODEL, messages=HI, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "You said: hi"
    assert client.models.list().data[0].id == MODEL


def test_scripting_and_auth_through_the_transport(server: MockCerebrasServer) -> None:
    server.add_error(429, times=2, headers={"retry-after-ms": "1"})
    server.add_reply("scripted")
    http_client = httpx.Client(transport=server.transport())
    with Cerebras(
        api_key="test", http_client=http_client, max_retries=2, warm_tcp_connection=False
    ) as client:
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=HI)
        assert raw.parse().choices[0].message.content == "scripted"
        assert raw.rate_limits.limit_requests_day == 14400 and raw.request_id
    assert len(server.requests_to("chat")) == 3
    server.assert_all_used()
    with httpx.Client(transport=MockTransport(server), base_url="http://mock") as plain:
        denied = plain.post(CHAT, json=chat_body())
    assert denied.status_code == 401 and denied.json()["error"]["code"] == "wrong_api_key"
    assert denied.headers["content-length"] == str(len(denied.content))
    assert denied.extensions["reason_phrase"] == b"Unauthorized"


@pytest.mark.anyio
async def test_async_client_without_a_socket(server: MockCerebrasServer) -> None:
    server.add_reply("streamed", chunk_delay=0.01)
    http_client = httpx.AsyncClient(transport=server.async_transport())
    async with AsyncCerebras(api_key="test", http_client=http_client, max_retries=0) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=HI, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        assert text == "streamed"
        completion = await client.completions.create(model=MODEL, prompt="echo me")
        assert completion.choices[0].text == "echo me"
    assert [r.path for r in server.requests] == [CHAT, "/v1/completions"]
    assert isinstance(server.async_transport(), AsyncMockTransport)


def test_socket_and_transport_share_one_log_and_script(server: MockCerebrasServer) -> None:
    server.add_reply("first", times=2)
    with server:
        over_socket = httpx.post(server.url(CHAT), json=chat_body(), headers={"authorization": "Bearer test"})
        with httpx.Client(transport=server.transport(), base_url="http://x") as local:
            in_process = local.post(CHAT, json=chat_body(), headers={"authorization": "Bearer test"})
    for response in (over_socket, in_process):
        assert response.json()["choices"][0]["message"]["content"] == "first"
    assert [r.http_version for r in server.requests] == ["HTTP/1.1", "HTTP/1.1"]
    assert server.pending == []


# ---------------------------------------------------------------------------------------------
# delays and faults, mapped onto httpx


@pytest.mark.slow  # over a second
def test_delays_sleep_and_time_out(server: MockCerebrasServer) -> None:
    server.api_key = None
    with httpx.Client(transport=server.transport(), base_url="http://x", timeout=5) as local:
        server.add_delay(0.2)
        began = time.perf_counter()
        assert local.post(CHAT, json=chat_body()).status_code == 200
        assert time.perf_counter() - began >= 0.2
        server.add_delay(0, chunk_delay=0.1)
        with local.stream("POST", CHAT, json=chat_body(stream=True)) as response:
            stamps = [time.perf_counter() for _ in response.iter_raw()]
        assert len(stamps) >= 3 and stamps[-1] - stamps[0] >= 0.1 * (len(stamps) - 1) * 0.9
        server.add_delay(30)
        began = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            local.post(CHAT, json=chat_body(), timeout=0.2)
        assert time.perf_counter() - began < 2
        server.add_delay(0, chunk_delay=30)
        stalled = local.stream("POST", CHAT, json=chat_body(stream=True), timeout=0.1)
        with stalled as response, pytest.raises(httpx.ReadTimeout):
            response.read()


@pytest.mark.slow  # over a second
def test_sdk_timeout_and_retry_in_process(server: MockCerebrasServer) -> None:
    server.add_delay(30)
    http_client = httpx.Client(transport=server.transport())
    with Cerebras(api_key="test", http_client=http_client, max_retries=1, timeout=0.1) as client:
        began = time.perf_counter()
        assert client.chat.completions.create(model=MODEL, messages=HI).choices[0].message.content
        assert time.perf_counter() - began < 5  # timed out once, then the retry got the default answer
        server.add_delay(30, times=2)
        with pytest.raises(APITimeoutError):
            client.chat.completions.create(model=MODEL, messages=HI)


def test_disconnects_raise_httpx_errors(server: MockCerebrasServer) -> None:
    server.api_key = None
    with httpx.Client(transport=server.transport(), base_url="http://x") as local:
        server.add_disconnect()
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            local.post(CHAT, json=chat_body())
        server.add_disconnect("mid_body")
        with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
            local.post(CHAT, json=chat_body())
        server.add_disconnect("mid_stream", after_chunks=2)
        received: List[str] = []
        cut = pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read")
        with cut, local.stream("POST", CHAT, json=chat_body()) as response:
            assert response.status_code == 200
            for line in response.iter_lines():
                received.append(line)
        assert len([line for line in received if line.startswith("data: ")]) == 2
    assert len(server.requests) == 3


def test_sdk_sees_connection_errors_in_process(server: MockCerebrasServer, client: Cerebras) -> None:
    server.add_disconnect()
    with pytest.raises(APIConnectionError):
        client.chat.completions.create(model=MODEL, messages=HI)
    server.add_disconnect("mid_stream", after_chunks=1)
    stream = client.chat.completions.create(model=MODEL, messages=HI, stream=True)
    with pytest.raises(APIConnectionError):
        for _ in stream:
            pass


@pytest.mark.anyio
async def test_async_faults_in_process(server: MockCerebrasServer) -> None:
    server.api_key = None
    async with httpx.AsyncClient(transport=server.async_transport(), base_url="http://x") as local:
        server.add_disconnect()
        with pytest.raises(httpx.RemoteProtocolError):
            await local.post(CHAT, json=chat_body())
        server.add_disconnect("mid_stream", after_chunks=1)
        with pytest.raises(httpx.RemoteProtocolError):
            await local.post(CHAT, json=chat_body())
        server.add_delay(30)
        with pytest.raises(httpx.ReadTimeout):
            await local.post(CHAT, json=chat_body(), timeout=0.1)
        server.add_huge_stream(200_000, piece_size=1000)
        response = await local.post(CHAT, json=chat_body(stream=True))
        assert len(response.content) >= 200_000 and response.text.endswith("data: [DONE]\n\n")


# ---------------------------------------------------------------------------------------------
# the socket server's HTTP framing (h11)


def exchange(server: MockCerebrasServer, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(raw)
        data = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                return data
            data += piece


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", b"400"),  # space in a name
        (b"POST /v1/models HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab", b"400"),
        (b"GET /v1/models HTTP/1.1\r\n\r\n", b"400"),  # HTTP/1.1 without Host
        (b"GET /v1/models HTTP/2.0\r\nHost: x\r\n\r\n", b"505"),
        (b"GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 21) + b"\r\n\r\n", b"431"),
    ],
)
def test_malformed_http_is_rejected_by_h11(
    cerebras_mock: MockCerebrasServer, raw: bytes, status: bytes
) -> None:
    reply = exchange(cerebras_mock, raw)
    assert reply.startswith(b"HTTP/1.1 " + status + b" ")
    assert b"connection: close" in reply.lower() and b'"code":"bad_http_request"' in reply
    assert cerebras_mock.all_requests == []


def test_pipelining_expect_continue_and_head(cerebras_mock: MockCerebrasServer) -> None:
    body = json.dumps(chat_body()).encode()
    post = b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (CHAT.encode(), len(body), body)
    reply = exchange(
        cerebras_mock,
        post
        + b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"
        + b"GET /v1/tcp_warming HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert reply.count(b"HTTP/1.1 200 OK\r\n") == 3 and reply.endswith(b"\r\n\r\nOK")
    assert [r.path for r in cerebras_mock.all_requests] == [CHAT, "/v1/models", "/v1/tcp_warming"]

    with socket.create_connection(("127.0.0.1", cerebras_mock.port), timeout=5) as sock:
        sock.sendall(
            b"POST %s HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n"
            % (CHAT.encode(), len(body))
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 ")
        sock.sendall(body)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    assert cerebras_mock.last_request.json() == chat_body()

    head = exchange(cerebras_mock, b"HEAD /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ") and head.endswith(b"\r\n\r\n")  # headers only
