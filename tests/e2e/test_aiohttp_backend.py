"""The aiohttp backend (`AsyncCerebras(http_client=DefaultAioHttpClient())`) against the bundled mock
server over a real socket: replies, streams, errors, retries, timeouts and closing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from typing import Any, AsyncIterator, List, Type

import pytest

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import AsyncCerebras, DefaultAioHttpClient
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message
from cerebras.cloud.sdk.types.completion import CompletionResponse

try:
    import aiohttp
    from httpx_aiohttp import AiohttpTransport
except ImportError:  # the subprocess test below still runs
    HAVE_AIOHTTP = False
else:
    HAVE_AIOHTTP = True

MODEL = "llama3.1-8b"
HELLO: List[Message] = [{"role": "user", "content": "hello over aiohttp"}]

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # aiohttp runs on asyncio only


@pytest.fixture
async def client(mock_server: MockCerebrasServer) -> AsyncIterator[AsyncCerebras]:
    async with make_client(mock_server) as c:
        yield c


def aiohttp_client() -> DefaultAioHttpClient:
    if not HAVE_AIOHTTP:
        pytest.skip("needs the `aiohttp` extra")
    return DefaultAioHttpClient()


def make_client(server: MockCerebrasServer, **options: Any) -> AsyncCerebras:
    options.setdefault("api_key", "test-key")
    options.setdefault("warm_tcp_connection", False)
    return AsyncCerebras(base_url=server.base_url, http_client=aiohttp_client(), **options)


def transport_of(client: AsyncCerebras) -> AiohttpTransport:
    transport = client._client._transport  # pyright: ignore[reportPrivateUsage]
    assert isinstance(transport, AiohttpTransport)
    return transport


async def test_default_aiohttp_client_is_an_httpx_client_over_aiohttp() -> None:
    async with aiohttp_client() as http_client:
        assert isinstance(http_client, DefaultAioHttpClient)
        assert isinstance(http_client._transport, AiohttpTransport)  # pyright: ignore[reportPrivateUsage]


async def test_chat_completion(client: AsyncCerebras, mock_server: MockCerebrasServer) -> None:
    completion = await client.chat.completions.create(model=MODEL, messages=HELLO, max_completion_tokens=50)

    assert isinstance(completion, ChatCompletionResponse)
    assert completion.choices[0].message.content == "You said: hello over aiohttp"
    assert completion.usage is not None and completion.usage.total_tokens

    # The request went through aiohttp's session, with the SDK's headers and JSON body.
    assert isinstance(transport_of(client).client, aiohttp.ClientSession)
    request = mock_server.last_request
    assert request.method == "POST" and request.path == "/v1/chat/completions"
    assert request.headers.get("authorization") == "Bearer test-key"
    assert request.json == {"messages": HELLO, "model": MODEL, "max_completion_tokens": 50}


async def test_text_completion_and_models(client: AsyncCerebras) -> None:
    completion = await client.completions.create(model=MODEL, prompt="It was a dark and stormy night")
    assert isinstance(completion, CompletionResponse)
    assert completion.choices[0].text == "It was a dark and stormy night"

    models = await client.models.list()
    assert MODEL in [model.id for model in models.data]
    assert (await client.models.retrieve(MODEL)).id == MODEL


async def test_stream(client: AsyncCerebras) -> None:
    stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    pieces: List[str] = []
    chunks: List[ChatChunkResponse] = []
    async with stream:
        async for chunk in stream:
            chunks.append(chunk)
            for choice in chunk.choices or []:
                if choice.delta and choice.delta.content:
                    pieces.append(choice.delta.content)
    assert "".join(pieces) == "You said: hello over aiohttp"
    assert len(pieces) > 1
    last = chunks[-1]
    assert last.usage is not None and last.choices and last.choices[0].finish_reason == "stop"


async def test_stream_closed_early_leaves_the_client_usable(client: AsyncCerebras) -> None:
    stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    async with stream:
        async for _ in stream:
            break
    completion = await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert isinstance(completion, ChatCompletionResponse)


async def test_error_event_inside_a_stream(client: AsyncCerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_stream_error(after_chunks=2, status_code=500, message="model crashed")
    stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    received = 0
    with pytest.raises(cerebras.InternalServerError, match="model crashed"):
        async for _ in stream:
            received += 1
    assert received == 2


async def test_connection_dropped_mid_stream(mock_server: MockCerebrasServer) -> None:
    mock_server.add_disconnect("mid_stream", after_chunks=2)
    async with make_client(mock_server, max_retries=0) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
        with pytest.raises(cerebras.APIConnectionError):
            async for _ in stream:
                pass


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


# httpx_aiohttp maps every aiohttp.ClientConnectionError that has no more specific entry *before*
# it in its table (ServerDisconnectedError, ClientConnectorError...) to httpx.ConnectTimeout; the
# SDK looks at the wrapped aiohttp error so that a refused or dropped connection is not a timeout.


async def test_refused_connection_is_a_connection_error_not_a_timeout() -> None:
    async with AsyncCerebras(
        base_url=closed_port_url(),
        api_key="k",
        http_client=aiohttp_client(),
        max_retries=0,
        warm_tcp_connection=False,
    ) as client:
        with pytest.raises(cerebras.APIConnectionError) as caught:
            await client.models.list()
    assert not isinstance(caught.value, cerebras.APITimeoutError)


async def test_disconnect_before_headers_is_a_connection_error_not_a_timeout(
    mock_server: MockCerebrasServer,
) -> None:
    mock_server.add_disconnect("before_headers")
    async with make_client(mock_server, max_retries=0) as client:
        with pytest.raises(cerebras.APIConnectionError) as caught:
            await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert not isinstance(caught.value, cerebras.APITimeoutError)


async def test_disconnect_before_headers_is_retried(mock_server: MockCerebrasServer) -> None:
    mock_server.add_disconnect("before_headers")
    async with make_client(mock_server, max_retries=1) as client:
        completion = await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert isinstance(completion, ChatCompletionResponse)
    assert len(mock_server.requests_to("chat")) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, cerebras.BadRequestError),
        (401, cerebras.AuthenticationError),
        (403, cerebras.PermissionDeniedError),
        (404, cerebras.NotFoundError),
        (422, cerebras.UnprocessableEntityError),
        (429, cerebras.RateLimitError),
        (500, cerebras.InternalServerError),
        (503, cerebras.ServiceUnavailableError),
    ],
)
async def test_error_status_raises_the_matching_exception(
    mock_server: MockCerebrasServer, status: int, error: Type[cerebras.APIStatusError]
) -> None:
    mock_server.add_error(status, message=f"scripted {status}")
    async with make_client(mock_server, max_retries=0) as client:
        with pytest.raises(error) as caught:
            await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert type(caught.value) is error
    assert caught.value.status_code == status
    assert caught.value.response.status_code == status
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["message"] == f"scripted {status}"


async def test_unknown_model_is_not_found(client: AsyncCerebras) -> None:
    with pytest.raises(cerebras.NotFoundError) as caught:
        await client.chat.completions.create(model="no-such-model", messages=HELLO)
    assert caught.value.status_code == 404


# Its own server: the shared one takes any key.
@pytest.mark.cerebras_mock(api_key="the-right-key")
async def test_wrong_api_key(cerebras_mock: MockCerebrasServer) -> None:
    async with make_client(cerebras_mock, api_key="a-wrong-key") as client:
        with pytest.raises(cerebras.AuthenticationError):
            await client.models.list()
    assert len(cerebras_mock.requests_to("models")) == 1  # a 401 is not retried


async def test_retry_after_429(client: AsyncCerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_error(429, headers={"retry-after-ms": "20"})

    response = await client.chat.completions.with_raw_response.create(model=MODEL, messages=HELLO)

    assert response.status_code == 200
    assert response.retries_taken == 1
    completion = await response.parse()
    assert isinstance(completion, ChatCompletionResponse)
    assert completion.choices[0].message.content == "You said: hello over aiohttp"
    assert len(mock_server.requests_to("chat")) == 2
    mock_server.assert_all_used()


async def test_retries_give_up_after_max_retries(mock_server: MockCerebrasServer) -> None:
    mock_server.add_error(503, times=3, headers={"retry-after-ms": "10"})
    async with make_client(mock_server, max_retries=2) as client:
        with pytest.raises(cerebras.InternalServerError):
            await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert len(mock_server.requests_to("chat")) == 3


async def test_timeout_before_the_answer(mock_server: MockCerebrasServer) -> None:
    mock_server.add_delay(3.0)
    async with make_client(mock_server, max_retries=0, timeout=0.3) as client:
        started = time.monotonic()
        with pytest.raises(cerebras.APITimeoutError):
            await client.chat.completions.create(model=MODEL, messages=HELLO)
        assert time.monotonic() - started < 2.0


async def test_timeout_is_retried_then_succeeds(mock_server: MockCerebrasServer) -> None:
    mock_server.add_delay(3.0)  # only the first attempt is slow
    async with make_client(mock_server, max_retries=1) as client:
        response = await client.chat.completions.with_raw_response.create(
            model=MODEL, messages=HELLO, timeout=0.3
        )
    assert response.retries_taken == 1
    assert len(mock_server.requests_to("chat")) == 2


async def test_stalled_stream_times_out(mock_server: MockCerebrasServer) -> None:
    mock_server.add_delay(0, chunk_delay=2.0)
    async with make_client(mock_server, max_retries=0, timeout=0.3) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=HELLO, stream=True)
        started = time.monotonic()
        with pytest.raises(cerebras.APITimeoutError):
            async for _ in stream:
                pass
        assert time.monotonic() - started < 1.5


async def test_close(mock_server: MockCerebrasServer) -> None:
    http_client = aiohttp_client()
    client = AsyncCerebras(
        base_url=mock_server.base_url, api_key="k", http_client=http_client, warm_tcp_connection=False
    )
    await client.chat.completions.create(model=MODEL, messages=HELLO)
    session = transport_of(client).client
    assert isinstance(session, aiohttp.ClientSession) and not session.closed
    assert not client.is_closed()

    await client.close()

    assert client.is_closed()
    assert http_client.is_closed
    assert session.closed
    with pytest.raises(cerebras.APIConnectionError, match="closed"):
        await client.chat.completions.create(model=MODEL, messages=HELLO)
    assert len(mock_server.requests_to("chat")) == 1
    await client.close()  # closing twice is harmless


async def test_async_with_closes_and_copies_share_the_session(mock_server: MockCerebrasServer) -> None:
    async with make_client(mock_server) as client:
        copy = client.with_options(max_retries=5)
        await client.models.list()
        await copy.models.list()
        assert copy._client is client._client  # pyright: ignore[reportPrivateUsage]
        session = transport_of(client).client
    assert isinstance(session, aiohttp.ClientSession) and session.closed
    assert copy.is_closed()


async def test_warm_up_goes_through_aiohttp(mock_server: MockCerebrasServer) -> None:
    async with make_client(mock_server, warm_tcp_connection=True) as client:
        completion = await client.chat.completions.create(model=MODEL, messages=HELLO)
        assert isinstance(completion, ChatCompletionResponse)
        mock_server.wait_for_requests(2, timeout=2.0, include_warmup=True)
    assert len(mock_server.requests_to("tcp_warming")) == 1
    assert len(mock_server.warmup_requests) == 1 and len(mock_server.requests) == 1


def test_without_aiohttp_the_sdk_imports_and_the_client_explains() -> None:
    code = textwrap.dedent(
        """
        import sys

        class BlockAiohttp:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] in ("aiohttp", "httpx_aiohttp"):
                    raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
                return None

        sys.meta_path.insert(0, BlockAiohttp())

        import cerebras.cloud.sdk
        from cerebras.cloud.sdk import AsyncCerebras, DefaultAioHttpClient

        AsyncCerebras(api_key="k", base_url="http://127.0.0.1:9", warm_tcp_connection=False)
        try:
            DefaultAioHttpClient()
        except RuntimeError as exc:
            print("RuntimeError:", exc)
        else:
            raise SystemExit("DefaultAioHttpClient() did not raise")
        loaded = sorted(m for m in sys.modules if m.partition(".")[0] in ("aiohttp", "httpx_aiohttp"))
        assert not loaded, loaded
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RuntimeError:" in result.stdout
    assert "`aiohttp` extra" in result.stdout or "[aiohttp]" in result.stdout
