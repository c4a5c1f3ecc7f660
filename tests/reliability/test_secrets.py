"""Secrets: the API key never shows up in logs (at DEBUG, through retries, errors and streams), nor
in the `repr()`/`str()` of clients, responses, requests and exceptions; an `Authorization` header
that does get logged reads `<redacted>`.

One in-process test runs a battery of scenarios with every logger at DEBUG and scans everything it
captured; a second runs a battery in a child process with ``CEREBRAS_LOG=debug``, so that the
package configures logging itself, and scans the child's whole output.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
import traceback
from typing import Any, Callable, List, Tuple

import httpx
import pytest

from cerebras.cloud.sdk import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    RateLimitError,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer

from ._support import API_KEY, MODEL, async_client, deadline, sync_client, user

# A second key, sent per request in `extra_headers`; it must not leak either.
OTHER_KEY = "csk-per-request-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"


def fragments(key: str) -> List[str]:
    """The key and distinctive pieces of it, so that a truncated or sliced leak is caught too."""
    return [key, key[4:], key[-16:], key[4:20]]


class Captured:
    """Every string a user or a log handler could get to see, with where it came from."""

    def __init__(self) -> None:
        self.items: List[Tuple[str, str]] = []

    def add(self, label: str, value: object) -> None:
        self.items.append((label + " str", str(value)))
        self.items.append((label + " repr", repr(value)))

    def add_exception(self, label: str, exc: BaseException) -> None:
        self.add(label, exc)
        self.items.append(
            (label + " traceback", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        )
        self.add(label + " vars", vars(exc))
        if isinstance(exc, APIError):
            self.add(label + " .message", exc.message)
            self.add(label + " .body", exc.body)
            self.add(label + " .request", exc.request)
            self.add(label + " .request.url", exc.request.url)
            self.add(label + " .request.headers", exc.request.headers)
        response = getattr(exc, "response", None)
        if isinstance(response, httpx.Response):
            self.add(label + " .response", response)
            self.add(label + " .response.headers", response.headers)
        if exc.__cause__ is not None:
            self.add(label + " cause", exc.__cause__)

    def add_records(self, records: List[logging.LogRecord]) -> None:
        formatter = logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s")
        for record in records:
            self.items.append((f"log {record.name}", formatter.format(record)))
            self.items.append((f"log {record.name} args", repr(record.args)))
            self.items.append((f"log {record.name} dict", repr(vars(record))))

    def leaks(self, keys: List[str]) -> List[str]:
        found = []
        for label, text in self.items:
            for key in keys:
                for fragment in fragments(key):
                    if fragment in text:
                        found.append(f"{label}: ...{text[max(0, text.index(fragment) - 60) :][:160]}...")
        return found


def expect(capture: Captured, label: str, cls: type, call: Callable[[], Any]) -> None:
    with pytest.raises(cls) as info:
        call()
    capture.add_exception(label, info.value)


def consume(capture: Captured, label: str, stream: Any, cls: type) -> None:
    capture.add(label + " stream", stream)
    with pytest.raises(cls) as info:
        for chunk in stream:
            capture.add(label + " chunk", chunk)
    capture.add_exception(label, info.value)


def _bad_utf8_stream() -> List[bytes]:
    return [b'data: {"id":"c","object":"chat.completion.chunk","choices":[]}\n\n', b"data: \xff\n\n"]


@pytest.mark.cerebras_mock(api_key=API_KEY)
def test_api_key_never_leaks_in_process(
    cerebras_mock: MockCerebrasServer, caplog: pytest.LogCaptureFixture, figures: Any
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: the SDK's, httpx's and httpcore's records
    for name in ("cerebras.cloud.sdk", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    capture = Captured()
    fast_retry = {"retry-after-ms": "10"}
    client = sync_client(cerebras_mock, max_retries=2, timeout=5.0)
    capture.add("client", client)
    capture.add("client copy", client.with_options(timeout=1.0, max_retries=1))

    with deadline(60, "secrets battery"):
        # success, raw
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=user("hello"))
        capture.add("raw response", raw)
        capture.add("raw.http_request", raw.http_request)
        capture.add("raw.http_request.headers", raw.http_request.headers)
        capture.add("raw.headers", raw.headers)
        capture.add("parsed", raw.parse())
        capture.add("parsed dict", raw.parse().to_dict())

        # retries (429, 503) then success
        cerebras_mock.add_error(429, headers=fast_retry)
        cerebras_mock.add_error(503, headers=fast_retry)
        capture.add("after retries", client.chat.completions.create(model=MODEL, messages=user("retry")))

        # per-request Authorization with another key: logged redacted, refused by the server
        expect(
            capture,
            "401 per-request key",
            AuthenticationError,
            lambda: client.chat.completions.create(
                model=MODEL, messages=user("x"), extra_headers={"Authorization": f"Bearer {OTHER_KEY}"}
            ),
        )
        # a client built with the wrong key
        wrong = client.with_options(api_key=OTHER_KEY)
        capture.add("client with other key", wrong)
        expect(capture, "401 client key", AuthenticationError, lambda: wrong.models.list())

        # exhausted retries
        cerebras_mock.add_error(500, times=3, headers=fast_retry)
        expect(capture, "500", InternalServerError, lambda: client.models.list())
        cerebras_mock.add_error(429, times=3, headers=fast_retry)
        expect(capture, "429", RateLimitError, lambda: client.models.retrieve(MODEL))

        # connection errors and timeouts (retried, then raised)
        cerebras_mock.add_disconnect("before_headers", times=3)
        expect(
            capture,
            "reset",
            APIConnectionError,
            lambda: client.chat.completions.create(model=MODEL, messages=user("x")),
        )
        cerebras_mock.add_delay(30, times=None)
        quick = client.with_options(timeout=0.2, max_retries=0)
        expect(
            capture,
            "timeout",
            APITimeoutError,
            lambda: quick.chat.completions.create(model=MODEL, messages=user("x")),
        )
        cerebras_mock.clear_script()

        # streams: fine, error event, dropped, invalid UTF-8
        with client.chat.completions.create(model=MODEL, messages=user("a b c"), stream=True) as stream:
            capture.add("stream", stream)
            for chunk in stream:
                capture.add("stream chunk", chunk)
        cerebras_mock.add_stream_error(after_chunks=2, status_code=503, message="overloaded")
        consume(
            capture,
            "stream error",
            client.chat.completions.create(model=MODEL, messages=user("a b"), stream=True),
            InternalServerError,
        )
        cerebras_mock.add_disconnect("mid_stream", after_chunks=2)
        consume(
            capture,
            "stream drop",
            client.chat.completions.create(model=MODEL, messages=user("a b"), stream=True),
            APIConnectionError,
        )
        cerebras_mock.add_raw_sse(_bad_utf8_stream())
        consume(
            capture,
            "stream utf8",
            client.chat.completions.create(model=MODEL, messages=user("a"), stream=True),
            APIResponseValidationError,
        )
        with client.chat.completions.with_streaming_response.create(
            model=MODEL, messages=user("a"), stream=True
        ) as response:
            capture.add("streaming response", response)
            for line in response.iter_lines():
                capture.add("line", line)

        # bad JSON, closed client
        cerebras_mock.add_json(b'{"id": ')
        expect(capture, "bad json", APIResponseValidationError, lambda: client.models.list())
        client.close()
        expect(capture, "closed", APIConnectionError, lambda: client.models.list())

        # the async client, under asyncio
        async def run_async() -> None:
            aclient = async_client(cerebras_mock, max_retries=1)
            capture.add("async client", aclient)
            capture.add(
                "async reply", await aclient.chat.completions.create(model=MODEL, messages=user("hi"))
            )
            cerebras_mock.add_error(503, times=2, headers=fast_retry)
            try:
                await aclient.models.list()
            except APIStatusError as exc:
                capture.add_exception("async 503", exc)
            cerebras_mock.add_stream_error(after_chunks=1, status_code=429, message="slow")
            stream = await aclient.chat.completions.create(model=MODEL, messages=user("a b"), stream=True)
            capture.add("async stream", stream)
            try:
                async for chunk in stream:
                    capture.add("async chunk", chunk)
            except APIStatusError as exc:
                capture.add_exception("async stream error", exc)
            await aclient.close()

        asyncio.run(run_async())

    # The key really was in play: the server saw it on every normal request.
    assert cerebras_mock.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    capture.add_records(caplog.records)
    assert not capture.leaks([API_KEY, OTHER_KEY]), "\n".join(capture.leaks([API_KEY, OTHER_KEY]))
    messages = [r.getMessage() for r in caplog.records]
    redacted = [m for m in messages if "<redacted>" in m]
    assert redacted, "the per-request Authorization header should be logged as <redacted>"
    assert any(r.levelno == logging.DEBUG and r.name.startswith("cerebras.cloud.sdk") for r in caplog.records)
    assert any(r.name.startswith("httpx") for r in caplog.records)
    figures(
        log_records=len(caplog.records),
        strings_scanned=len(capture.items),
        chars_scanned=sum(len(t) for _, t in capture.items),
        redacted_lines=len(redacted),
        leaks=0,
    )


def test_sdk_log_redacts_credentials_echoed_by_the_server(
    cerebras_mock: MockCerebrasServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A misbehaving proxy echoes the credentials in its response headers. That the server sent the
    key is beyond the SDK (httpcore's own DEBUG lines and `exc.response.headers` do show what came
    back), but the SDK's own `HTTP Response` line redacts them."""
    caplog.set_level(logging.DEBUG, logger="cerebras.cloud.sdk")
    cerebras_mock.add_error(400, headers={"Authorization": f"Bearer {API_KEY}", "X-Api-Key": API_KEY})
    client = sync_client(cerebras_mock)
    with deadline(10), pytest.raises(APIStatusError):
        client.models.list()
    client.close()
    ours = Captured()
    ours.add_records([r for r in caplog.records if r.name.startswith("cerebras.cloud.sdk")])
    assert not ours.leaks([API_KEY]), ours.leaks([API_KEY])
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("HTTP Response:")]
    assert "'authorization': '<redacted>'" in line.lower()
    assert "'x-api-key': '<redacted>'" in line.lower()


def test_leak_scanner_finds_planted_keys() -> None:
    """The scanner above can fail: a key, or a slice of one, anywhere in a captured string is found."""
    capture = Captured()
    capture.add("clean", {"authorization": "<redacted>"})
    assert capture.leaks([API_KEY]) == []
    for planted in (API_KEY, API_KEY[:24], "..." + API_KEY[-16:]):
        dirty = Captured()
        dirty.add("planted", {"authorization": f"Bearer {planted}"})
        assert dirty.leaks([API_KEY]), planted
    record = logging.LogRecord("x", logging.DEBUG, __file__, 1, "headers %s", (API_KEY,), None)
    dirty = Captured()
    dirty.add_records([record])
    assert dirty.leaks([API_KEY])


CHILD = """
import asyncio, sys
from cerebras.cloud.sdk import Cerebras, AsyncCerebras, APIError
from cerebras.cloud.sdk.testing import MockCerebrasServer

KEY, OTHER = sys.argv[1], sys.argv[2]
M = [{"role": "user", "content": "a b c"}]
with MockCerebrasServer(api_key=KEY) as server:
    client = Cerebras(api_key=KEY, base_url=server.base_url, max_retries=2, timeout=5.0)
    print(repr(client), client)
    print(client.chat.completions.create(model="llama3.1-8b", messages=M))
    server.add_error(429, headers={"retry-after-ms": "10"})
    server.add_error(500, times=3, headers={"retry-after": "0.01"})
    for call in (
        lambda: client.models.list(),
        lambda: client.models.list(),
        lambda: client.chat.completions.create(model="llama3.1-8b", messages=M,
                                               extra_headers={"Authorization": "Bearer " + OTHER}),
        lambda: client.with_options(api_key=OTHER).models.list(),
    ):
        try:
            print(call())
        except APIError as exc:
            print(repr(exc), exc, exc.request, exc.request.headers, getattr(exc, "response", None))
    server.add_disconnect("before_headers", times=3)
    try:
        client.models.list()
    except APIError as exc:
        print(repr(exc), exc.request.headers, repr(exc.__cause__))
    server.add_stream_error(after_chunks=2, status_code=503)
    try:
        for chunk in client.chat.completions.create(model="llama3.1-8b", messages=M, stream=True):
            print(chunk)
    except APIError as exc:
        print(repr(exc), exc.body, exc.response.headers)

    async def main():
        async with AsyncCerebras(api_key=KEY, base_url=server.base_url, max_retries=1) as aclient:
            print(await aclient.chat.completions.create(model="llama3.1-8b", messages=M))
            server.add_error(503, times=2, headers={"retry-after-ms": "10"})
            try:
                await aclient.models.list()
            except APIError as exc:
                print(repr(exc), exc.request.headers)
    asyncio.run(main())
    client.close()
print("child done")
"""


def test_api_key_never_leaks_with_cerebras_log_debug(figures: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_")}
    env["CEREBRAS_LOG"] = "debug"
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), API_KEY, OTHER_KEY],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "child done" in result.stdout
    output = result.stdout + result.stderr
    debug_lines = [line for line in result.stderr.splitlines() if " - DEBUG] " in line]
    assert len(debug_lines) > 20  # the package did turn DEBUG logging on
    assert any("Retrying request to" in line for line in result.stderr.splitlines())
    leaks = [f for key in (API_KEY, OTHER_KEY) for f in fragments(key) if f in output]
    assert not leaks, leaks
    assert "<redacted>" in result.stderr
    figures(
        stderr_lines=len(result.stderr.splitlines()),
        debug_lines=len(debug_lines),
        bytes_scanned=len(output),
        leaks=0,
    )
