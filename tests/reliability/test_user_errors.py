"""Bad input from the user: wrong argument types and values, streams read twice or after close,
closed clients. Each must give a clear error at once -- never a hang, never a retried request, and
for what the SDK can check itself, nothing sent at all."""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Dict, List, Tuple

import anyio
import httpx
import pytest

from cerebras.cloud.sdk import (
    APIConnectionError,
    AsyncCerebras,
    BadRequestError,
    Cerebras,
    CerebrasError,
)
from cerebras.cloud.sdk._exceptions import StreamAlreadyConsumed
from cerebras.cloud.sdk.testing import MockCerebrasServer

from ._support import API_KEY, MODEL, assert_nothing_checked_out, async_client, deadline, sync_client, user

# Checked by the SDK before anything is sent: (id, call(client, base_url), exception, text in message)
LOCAL_ERRORS: List[Tuple[str, Callable[[Cerebras, str], Any], type, str]] = [
    (
        "timeout-str-per-call",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=user("x"), timeout="x"),  # type: ignore[arg-type]
        TypeError,
        "timeout",
    ),
    (
        "timeout-negative-per-call",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=user("x"), timeout=-1),
        ValueError,
        "timeout",
    ),
    (
        "timeout-nan-per-call",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=user("x"), timeout=math.nan),
        ValueError,
        "timeout",
    ),
    ("timeout-str-client", lambda c, u: Cerebras(api_key="k", base_url=u, timeout="x"), TypeError, "timeout"),  # type: ignore[arg-type]
    ("timeout-str-copy", lambda c, u: c.with_options(timeout="x"), TypeError, "timeout"),  # type: ignore[arg-type]
    (
        "max-retries-negative",
        lambda c, u: Cerebras(api_key="k", base_url=u, max_retries=-1),
        ValueError,
        "max_retries",
    ),
    ("max-retries-negative-copy", lambda c, u: c.with_options(max_retries=-1), ValueError, "max_retries"),
    (
        "max-retries-str",
        lambda c, u: Cerebras(api_key="k", base_url=u, max_retries="3"),
        TypeError,
        "max_retries",
    ),  # type: ignore[arg-type]
    (
        "max-retries-none",
        lambda c, u: Cerebras(api_key="k", base_url=u, max_retries=None),
        TypeError,
        "max_retries",
    ),  # type: ignore[arg-type]
    (
        "max-retries-inf",
        lambda c, u: Cerebras(api_key="k", base_url=u, max_retries=math.inf),
        TypeError,
        "max_retries",
    ),  # type: ignore[arg-type]
    ("api-key-int", lambda c, u: Cerebras(api_key=123, base_url=u), TypeError, "api_key"),  # type: ignore[arg-type]
    ("api-key-missing", lambda c, u: Cerebras(base_url=u), CerebrasError, "api_key"),
    ("base-url-relative", lambda c, u: Cerebras(api_key="k", base_url="not a url"), ValueError, "base_url"),
    ("base-url-ftp", lambda c, u: Cerebras(api_key="k", base_url="ftp://127.0.0.1/"), ValueError, "base_url"),
    (
        "http-client-async",
        lambda c, u: Cerebras(api_key="k", base_url=u, http_client=httpx.AsyncClient()),
        TypeError,
        "http_client",
    ),  # type: ignore[arg-type]
    (
        "default-headers-list",
        lambda c, u: Cerebras(api_key="k", base_url=u, default_headers=[("a", "b")]),
        TypeError,
        "default_headers",
    ),  # type: ignore[arg-type]
    (
        "default-header-int",
        lambda c, u: Cerebras(api_key="k", base_url=u, default_headers={"x": 1}),
        TypeError,
        "default_headers",
    ),  # type: ignore[dict-item]
    (
        "message-not-json",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": object()}]),  # type: ignore[list-item]
        TypeError,
        "JSON serializable",
    ),
    (
        "bytes-content",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": b"hi"}]),  # type: ignore[list-item]
        TypeError,
        "bytes",
    ),
    (
        "temperature-nan",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=user("x"), temperature=math.nan),
        ValueError,
        "JSON",
    ),
    (
        "extra-header-int",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=user("x"), extra_headers={"x": 5}),  # type: ignore[dict-item]
        TypeError,
        "Header",
    ),
    ("positional-args", lambda c, u: c.chat.completions.create(MODEL, user("x")), TypeError, "positional"),  # type: ignore[misc]
    ("missing-args", lambda c, u: c.chat.completions.create(), TypeError, "messages"),  # type: ignore[call-arg]
    (
        "unknown-kwarg",
        lambda c, u: c.chat.completions.create(model=MODEL, messages=user("x"), tempreature=1),
        TypeError,
        "tempreature",
    ),  # type: ignore[call-arg]
    (
        "extra-body-on-list-body",
        lambda c, u: c.post(
            "/v1/chat/completions", cast_to=dict, body=[1, 2], options={"extra_json": {"a": 1}}
        ),
        TypeError,
        "extra_body",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "text"), [c[1:] for c in LOCAL_ERRORS], ids=[c[0] for c in LOCAL_ERRORS]
)
def test_bad_argument_fails_before_sending(
    cerebras_mock: MockCerebrasServer,
    call: Callable[[Cerebras, str], Any],
    error: type,
    text: str,
    figures: Any,
) -> None:
    client = sync_client(cerebras_mock, max_retries=2)
    with deadline(5, "bad argument"):
        started = time.monotonic()
        with pytest.raises(error) as info:
            call(client, cerebras_mock.base_url)
        elapsed = time.monotonic() - started
    assert text.lower() in str(info.value).lower(), str(info.value)
    assert elapsed < 1.0  # no retries, no back-off
    assert cerebras_mock.requests == []  # nothing reached the wire
    client.close()
    figures(error=type(info.value).__name__, message=str(info.value)[:70])


# The server is the one to judge these; the mock validates like the API: a 400 naming the parameter,
# not retried.
SERVER_CHECKED: List[Tuple[str, Dict[str, Any], str]] = [
    ("messages-int", {"messages": 5}, "messages"),
    ("messages-str", {"messages": "hello"}, "messages"),
    ("model-int", {"model": 5}, "model"),
    ("max-tokens-str", {"max_completion_tokens": "ten"}, "max_completion_tokens"),
]


@pytest.mark.parametrize(
    ("override", "param"), [c[1:] for c in SERVER_CHECKED], ids=[c[0] for c in SERVER_CHECKED]
)
def test_bad_argument_refused_by_server(
    cerebras_mock: MockCerebrasServer, override: Dict[str, Any], param: str, figures: Any
) -> None:
    client = sync_client(cerebras_mock, max_retries=2)
    kwargs: Dict[str, Any] = {"model": MODEL, "messages": user("x"), **override}
    with deadline(5, "bad argument"), pytest.raises(BadRequestError) as info:
        client.chat.completions.create(**kwargs)
    assert param in str(info.value)
    assert len(cerebras_mock.requests_to("chat")) == 1  # a 400 is not retried
    client.close()
    figures(error=type(info.value).__name__, status=info.value.status_code)


@pytest.mark.anyio
async def test_bad_arguments_async(cerebras_mock: MockCerebrasServer) -> None:
    client = async_client(cerebras_mock, max_retries=2)
    with anyio.fail_after(5):
        with pytest.raises(TypeError, match="timeout"):
            await client.chat.completions.create(model=MODEL, messages=user("x"), timeout="x")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="JSON serializable"):
            await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": object()}]
            )  # type: ignore[list-item]
        with pytest.raises(ValueError, match="max_retries"):
            client.with_options(max_retries=-1)
        with pytest.raises(TypeError, match="http_client"):
            AsyncCerebras(api_key="k", base_url=cerebras_mock.base_url, http_client=httpx.Client())  # type: ignore[arg-type]
        assert cerebras_mock.requests == []
        with pytest.raises(BadRequestError, match="messages"):
            await client.chat.completions.create(model=MODEL, messages=5)  # type: ignore[arg-type]
        await client.close()


# --------------------------------------------------------------------------- streams misused


def test_stream_iterated_twice(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = sync_client(cerebras_mock)
    with deadline(5, "stream iterated twice"):
        stream = client.chat.completions.create(model=MODEL, messages=user("a b"), stream=True)
        first = list(stream)
        started = time.monotonic()
        second = list(stream)  # single pass: a finished stream ends at once
        with pytest.raises(StopIteration):
            next(stream)
        elapsed = time.monotonic() - started
    assert len(first) == 6 and second == []
    assert elapsed < 0.5
    assert_nothing_checked_out(client)
    client.close()
    figures(first_pass=len(first), second_pass=len(second))


def test_stream_resumes_after_break_then_close_refuses(
    cerebras_mock: MockCerebrasServer, figures: Any
) -> None:
    client = sync_client(cerebras_mock)
    with deadline(5, "stream after close"):
        stream = client.chat.completions.create(model=MODEL, messages=user("one two three"), stream=True)
        for _ in stream:
            break  # breaking out keeps the place ...
        assert next(stream).choices[0].delta.content == "You"  # ... and iterating again resumes
        stream.close()
        stream.close()  # closing twice is harmless
        with pytest.raises(CerebrasError, match="closed") as info:
            next(stream)
        with pytest.raises(CerebrasError, match="closed"):
            for _ in stream:
                pass
    assert stream.response.is_closed
    assert_nothing_checked_out(client)
    client.close()
    figures(message=str(info.value)[:70])


def test_stream_closed_before_reading(cerebras_mock: MockCerebrasServer) -> None:
    client = sync_client(cerebras_mock)
    with deadline(5):
        with client.chat.completions.create(model=MODEL, messages=user("x"), stream=True) as stream:
            pass
        with pytest.raises(CerebrasError, match="closed"):
            next(stream)
    assert_nothing_checked_out(client)
    client.close()


def test_raw_stream_read_twice_and_after_close(cerebras_mock: MockCerebrasServer) -> None:
    client = sync_client(cerebras_mock)
    with deadline(5):
        with client.chat.completions.with_streaming_response.create(
            model=MODEL, messages=user("x"), stream=True
        ) as response:
            lines = list(response.iter_lines())
            assert "data: [DONE]" in lines
            with pytest.raises(StreamAlreadyConsumed):
                response.read()  # the body went by already
            with pytest.raises((StreamAlreadyConsumed, httpx.StreamConsumed)):
                list(response.iter_bytes())
        with pytest.raises((CerebrasError, httpx.StreamError)):
            list(response.iter_lines())  # outside the block: the response is closed
    assert_nothing_checked_out(client)
    client.close()


@pytest.mark.anyio
async def test_async_stream_misuse(cerebras_mock: MockCerebrasServer) -> None:
    client = async_client(cerebras_mock)
    with anyio.fail_after(5):
        stream = await client.chat.completions.create(model=MODEL, messages=user("a b"), stream=True)
        first = [chunk async for chunk in stream]
        second = [chunk async for chunk in stream]
        assert len(first) == 6 and second == []

        stream = await client.chat.completions.create(model=MODEL, messages=user("a b"), stream=True)
        await stream.__anext__()
        await stream.close()
        with pytest.raises(CerebrasError, match="closed"):
            await stream.__anext__()

        async with client.chat.completions.with_streaming_response.create(
            model=MODEL, messages=user("x"), stream=True
        ) as response:
            assert "data: [DONE]" in [line async for line in response.iter_lines()]
            with pytest.raises(StreamAlreadyConsumed):
                await response.read()
        assert_nothing_checked_out(client)
        await client.close()


def test_same_client_used_after_errors(cerebras_mock: MockCerebrasServer) -> None:
    """A string of user mistakes leaves the client fully usable."""
    client = sync_client(cerebras_mock)
    with deadline(5):
        for bad in ({"timeout": "x"}, {"temperature": math.inf}, {"messages": [{"content": object()}]}):
            with pytest.raises((TypeError, ValueError)):
                client.chat.completions.create(**{"model": MODEL, "messages": user("x"), **bad})
        reply = client.chat.completions.create(model=MODEL, messages=user("still fine"))
    assert reply.choices[0].message.content == "You said: still fine"
    assert_nothing_checked_out(client)
    client.close()


def test_wrong_key_is_not_retried(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.api_key = API_KEY
    client = Cerebras(api_key="csk-wrong", base_url=cerebras_mock.base_url, warm_tcp_connection=False)
    with deadline(5), pytest.raises(CerebrasError, match="Wrong API Key"):
        client.models.list()
    assert len(cerebras_mock.requests_to("models")) == 1
    client.close()


def test_unreachable_base_url_fails_fast(figures: Any) -> None:
    """Nothing listens on the port: connection refused, retried with back-off, then a clear error."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    client = Cerebras(
        api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=1, warm_tcp_connection=True
    )
    with deadline(10):
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            client.models.list()
        elapsed = time.monotonic() - started
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert 0.375 <= elapsed < 0.5 + 0.5
    client.close()
    figures(elapsed_s=elapsed, cause=type(info.value.__cause__).__name__)
