"""Faults, sync and async, against the bundled mock server over real loopback sockets.

Dropped connections (before the headers, inside a body, inside a stream), a server that never
answers, storms of 5xx answers with the real back-off sleeps (no monkeypatching: the gaps between
attempts are measured on the server's clock and checked against the spec's bounds), every kind of
`retry-after` value, malformed JSON, invalid UTF-8 and error events inside streams.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from typing import Any, Dict, List, Optional, Tuple

import anyio
import httpx
import pytest

from cerebras.cloud.sdk import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ServiceUnavailableError,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer

from ._support import (
    MODEL,
    assert_nothing_checked_out,
    async_client,
    backoff_bounds,
    deadline,
    server_gaps,
    sync_client,
    user,
)

# How much later than its nominal value an attempt may reach the server: response transfer,
# request building and scheduling on a loaded 2-core machine. Lower bounds get no slack at all.
SLACK = 0.5
RETRY_LOG = re.compile(r"Retrying request to \S+ in ([0-9.]+) seconds")


def drain(stream: Any) -> Tuple[List[Any], Optional[Exception]]:
    """Iterate a sync stream to its end; return the items and the exception that ended it, if any."""
    items: List[Any] = []
    try:
        for item in stream:
            items.append(item)
    except Exception as exc:
        return items, exc
    return items, None


async def adrain(stream: Any) -> Tuple[List[Any], Optional[Exception]]:
    items: List[Any] = []
    try:
        async for item in stream:
            items.append(item)
    except Exception as exc:
        return items, exc
    return items, None


def contents(chunks: List[Any]) -> List[Optional[str]]:
    return [chunk.choices[0].delta.content for chunk in chunks]


def logged_delays(caplog: pytest.LogCaptureFixture) -> List[float]:
    """The delays the SDK announced in its INFO line before each retry sleep."""
    return [float(m.group(1)) for r in caplog.records if (m := RETRY_LOG.search(r.getMessage()))]


def check_gaps(
    server: MockCerebrasServer, expected: List[Tuple[float, float]], route: str = "chat"
) -> List[float]:
    """Each gap between attempts lies in its (low, high) range (plus SLACK on the high side)."""
    gaps = server_gaps(server, route)
    assert len(gaps) == len(expected), (gaps, expected)
    for number, (gap, (low, high)) in enumerate(zip(gaps, expected), start=1):
        assert gap >= low - 0.005, f"retry {number} came after {gap:.3f} s, before the minimum {low:.3f} s"
        assert gap <= high + SLACK, f"retry {number} came after {gap:.3f} s, later than {high:.3f} s"
    return gaps


# --------------------------------------------------------------------------- dropped connections

DROPS = ["before_headers", "mid_body"]


@pytest.mark.parametrize("stage", DROPS)
def test_dropped_connection_sync(cerebras_mock: MockCerebrasServer, stage: str, figures: Any) -> None:
    client = sync_client(cerebras_mock)
    cerebras_mock.add_disconnect(stage)
    with deadline(10, f"drop {stage}"):
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            client.chat.completions.create(model=MODEL, messages=user("hi"))
        elapsed = time.monotonic() - started
    assert type(info.value) is APIConnectionError  # a reset is not a timeout
    assert isinstance(info.value.__cause__, httpx.TransportError)
    assert info.value.request.url.path == "/v1/chat/completions"
    assert len(cerebras_mock.requests_to("chat")) == 1  # max_retries=0: one attempt only
    assert_nothing_checked_out(client)

    # The same drop with retries left is retried, and the retry succeeds on the same client.
    cerebras_mock.add_disconnect(stage)
    raw = client.with_options(max_retries=2).chat.completions.with_raw_response.create(
        model=MODEL, messages=user("again")
    )
    assert raw.parse().choices[0].message.content == "You said: again"
    assert raw.retries_taken == 1
    assert len(cerebras_mock.requests_to("chat")) == 3
    assert_nothing_checked_out(client)
    client.close()
    figures(error=type(info.value).__name__, cause=type(info.value.__cause__).__name__, fail_s=elapsed)


@pytest.mark.anyio
@pytest.mark.parametrize("stage", DROPS)
async def test_dropped_connection_async(cerebras_mock: MockCerebrasServer, stage: str, figures: Any) -> None:
    client = async_client(cerebras_mock)
    cerebras_mock.add_disconnect(stage)
    with anyio.fail_after(10):
        with pytest.raises(APIConnectionError) as info:
            await client.chat.completions.create(model=MODEL, messages=user("hi"))
        assert type(info.value) is APIConnectionError
        assert isinstance(info.value.__cause__, httpx.TransportError)
        assert len(cerebras_mock.requests_to("chat")) == 1
        assert_nothing_checked_out(client)

        cerebras_mock.add_disconnect(stage)
        raw = await client.with_options(max_retries=2).chat.completions.with_raw_response.create(
            model=MODEL, messages=user("again")
        )
        assert (await raw.parse()).choices[0].message.content == "You said: again"
        assert raw.retries_taken == 1
        assert_nothing_checked_out(client)
        await client.close()
    figures(error=type(info.value).__name__, requests=len(cerebras_mock.requests_to("chat")))


def test_dropped_mid_stream_sync(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = sync_client(cerebras_mock, max_retries=2)
    cerebras_mock.add_disconnect("mid_stream", after_chunks=3)
    with deadline(10, "mid-stream drop"):
        stream = client.chat.completions.create(model=MODEL, messages=user("one two three"), stream=True)
        items, error = drain(stream)
    # Decision 24: a transport failure inside a stream is an APIConnectionError, chained to httpx's.
    assert type(error) is APIConnectionError, repr(error)
    assert isinstance(error.__cause__, httpx.TransportError)
    assert contents(items) == ["", "You", " said:"]  # what arrived before the drop was delivered
    assert len(cerebras_mock.requests_to("chat")) == 1  # failures inside a stream are never retried
    assert stream.response.is_closed
    assert_nothing_checked_out(client)
    client.close()
    figures(chunks_before_error=len(items), error=type(error).__name__)


@pytest.mark.anyio
async def test_dropped_mid_stream_async(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = async_client(cerebras_mock, max_retries=2)
    cerebras_mock.add_disconnect("mid_stream", after_chunks=3)
    with anyio.fail_after(10):
        stream = await client.chat.completions.create(
            model=MODEL, messages=user("one two three"), stream=True
        )
        items, error = await adrain(stream)
        assert type(error) is APIConnectionError, repr(error)
        assert isinstance(error.__cause__, httpx.TransportError)
        assert contents(items) == ["", "You", " said:"]
        assert len(cerebras_mock.requests_to("chat")) == 1
        assert_nothing_checked_out(client)
        await client.close()
    figures(chunks_before_error=len(items), error=type(error).__name__)


# --------------------------------------------------------------------------- a server that never answers

TIMEOUT = 0.25


def test_server_never_answers_sync(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    cerebras_mock.add_delay(60, times=None)  # longer than the whole test may take
    client = sync_client(cerebras_mock, timeout=TIMEOUT, max_retries=1)
    with deadline(10, "never-answering server"):
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            client.chat.completions.create(model=MODEL, messages=user("anyone?"))
        elapsed = time.monotonic() - started
    assert isinstance(info.value.__cause__, httpx.TimeoutException)
    assert len(cerebras_mock.requests_to("chat")) == 2  # one retry, then give up
    low, high = backoff_bounds(1)
    assert 2 * TIMEOUT + low <= elapsed <= 2 * TIMEOUT + high + SLACK, elapsed
    assert_nothing_checked_out(client)
    client.close()
    figures(timeout_s=TIMEOUT, attempts=2, elapsed_s=elapsed, bound_s=2 * TIMEOUT + high + SLACK)


@pytest.mark.anyio
async def test_server_never_answers_async(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    cerebras_mock.add_delay(60, times=None)
    client = async_client(cerebras_mock, timeout=TIMEOUT, max_retries=1)
    with anyio.fail_after(10):
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            await client.chat.completions.create(model=MODEL, messages=user("anyone?"))
        elapsed = time.monotonic() - started
        assert isinstance(info.value.__cause__, httpx.TimeoutException)
        assert len(cerebras_mock.requests_to("chat")) == 2
        low, high = backoff_bounds(1)
        assert 2 * TIMEOUT + low <= elapsed <= 2 * TIMEOUT + high + SLACK, elapsed
        assert_nothing_checked_out(client)
        await client.close()
    figures(attempts=2, elapsed_s=elapsed)


def test_stream_stalls_sync(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    cerebras_mock.add_delay(0, chunk_delay=60)  # first chunk at once, then silence
    client = sync_client(cerebras_mock, timeout=httpx.Timeout(5.0, read=TIMEOUT), max_retries=2)
    with deadline(10, "stalled stream"):
        stream = client.chat.completions.create(model=MODEL, messages=user("slow"), stream=True)
        started = time.monotonic()
        items, error = drain(stream)
        elapsed = time.monotonic() - started
    assert type(error) is APITimeoutError, repr(error)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert len(items) == 1
    assert TIMEOUT <= elapsed <= TIMEOUT + SLACK
    assert len(cerebras_mock.requests_to("chat")) == 1
    assert_nothing_checked_out(client)
    client.close()
    figures(chunks_before_error=len(items), stalled_for_s=elapsed)


@pytest.mark.anyio
async def test_stream_stalls_async(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    cerebras_mock.add_delay(0, chunk_delay=60)
    client = async_client(cerebras_mock, timeout=httpx.Timeout(5.0, read=TIMEOUT), max_retries=2)
    with anyio.fail_after(10):
        stream = await client.chat.completions.create(model=MODEL, messages=user("slow"), stream=True)
        started = time.monotonic()
        items, error = await adrain(stream)
        elapsed = time.monotonic() - started
        assert type(error) is APITimeoutError, repr(error)
        assert len(items) == 1
        assert TIMEOUT <= elapsed <= TIMEOUT + SLACK
        assert_nothing_checked_out(client)
        await client.close()
    figures(chunks_before_error=len(items), stalled_for_s=elapsed)


# --------------------------------------------------------------------------- storms of 5xx, real back-off


def test_5xx_storm_then_success_sync(
    cerebras_mock: MockCerebrasServer, caplog: pytest.LogCaptureFixture, figures: Any
) -> None:
    caplog.set_level(logging.INFO, logger="cerebras.cloud.sdk")
    for status in (500, 503, 502):
        cerebras_mock.add_error(status)
    client = sync_client(cerebras_mock, max_retries=3)
    expected = [backoff_bounds(k) for k in (1, 2, 3)]  # 0.375-0.5, 0.75-1.0, 1.5-2.0
    with deadline(15, "5xx storm"):
        started = time.monotonic()
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=user("storm"))
        elapsed = time.monotonic() - started
    assert raw.parse().choices[0].message.content == "You said: storm"
    assert raw.retries_taken == 3
    assert len(cerebras_mock.requests_to("chat")) == 4  # exactly max_retries retries
    assert [r.headers["x-stainless-retry-count"] for r in cerebras_mock.requests_to("chat")] == [
        "0",
        "1",
        "2",
        "3",
    ]
    delays = logged_delays(caplog)
    assert len(delays) == 3
    for delay, (low, high) in zip(delays, expected):
        assert low <= delay <= high  # the jitter only shortens the wait, by up to 25 %
    gaps = check_gaps(cerebras_mock, expected)
    assert sum(lo for lo, _ in expected) <= elapsed <= sum(hi for _, hi in expected) + SLACK * len(expected)
    client.close()
    figures(attempts=4, gaps_s="/".join(f"{g:.3f}" for g in gaps), total_s=elapsed, bounds_s="2.625-3.5")


def test_5xx_storm_exhausts_retries_sync(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    cerebras_mock.add_error(503, times=5)
    client = sync_client(cerebras_mock, max_retries=2)
    expected = [backoff_bounds(1), backoff_bounds(2)]
    with deadline(10, "5xx storm"):
        started = time.monotonic()
        with pytest.raises(InternalServerError) as info:
            client.chat.completions.create(model=MODEL, messages=user("storm"))
        elapsed = time.monotonic() - started
    assert info.value.status_code == 503
    assert len(cerebras_mock.requests_to("chat")) == 3  # 1 + max_retries, then the error surfaces
    gaps = check_gaps(cerebras_mock, expected)
    assert 1.125 <= elapsed <= 1.5 + SLACK
    assert_nothing_checked_out(client)
    client.close()
    figures(attempts=3, gaps_s="/".join(f"{g:.3f}" for g in gaps), total_s=elapsed, bounds_s="1.125-1.5")


@pytest.mark.anyio
async def test_5xx_storm_async(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = async_client(cerebras_mock, max_retries=2)
    expected = [backoff_bounds(1), backoff_bounds(2)]
    with anyio.fail_after(15):
        # Two failures and a success ...
        cerebras_mock.add_error(500)
        cerebras_mock.add_error(503)
        started = time.monotonic()
        reply = await client.chat.completions.create(model=MODEL, messages=user("storm"))
        success_s = time.monotonic() - started
        assert reply.choices[0].message.content == "You said: storm"
        gaps = check_gaps(cerebras_mock, expected)
        assert 1.125 <= success_s <= 1.5 + SLACK
        # ... then more failures than retries.
        cerebras_mock.clear_requests()
        cerebras_mock.add_error(502, times=5)
        started = time.monotonic()
        with pytest.raises(InternalServerError):
            await client.chat.completions.create(model=MODEL, messages=user("storm"))
        failure_s = time.monotonic() - started
        assert len(cerebras_mock.requests_to("chat")) == 3
        check_gaps(cerebras_mock, expected)
        assert 1.125 <= failure_s <= 1.5 + SLACK
        assert_nothing_checked_out(client)
        await client.close()
    figures(gaps_s="/".join(f"{g:.3f}" for g in gaps), success_s=success_s, exhausted_s=failure_s)


def test_retried_stream_errors_release_their_connections(
    cerebras_mock: MockCerebrasServer, figures: Any
) -> None:
    """A streamed call whose first attempts fail: each failed response is closed before the retry
    (its connection goes back to the pool) and the final stream is complete."""
    for status in (503, 429, 500):
        cerebras_mock.add_error(status, headers={"retry-after-ms": "20"})
    client = sync_client(cerebras_mock, max_retries=3)
    with deadline(10, "retried stream"):
        stream = client.chat.completions.create(model=MODEL, messages=user("one two"), stream=True)
        with stream:
            items, error = drain(stream)
    assert error is None
    assert contents(items)[-2:] == [" two", None]
    assert len(cerebras_mock.requests_to("chat")) == 4
    state = assert_nothing_checked_out(client)
    assert state["connections"] <= 2
    client.close()
    figures(attempts=4, pool_after=state)


@pytest.mark.anyio
async def test_retried_stream_errors_release_their_connections_async(
    cerebras_mock: MockCerebrasServer,
) -> None:
    for status in (503, 429, 500):
        cerebras_mock.add_error(status, headers={"retry-after-ms": "20"})
    client = async_client(cerebras_mock, max_retries=3)
    with anyio.fail_after(10):
        stream = await client.chat.completions.create(model=MODEL, messages=user("one two"), stream=True)
        async with stream:
            items, error = await adrain(stream)
        assert error is None and len(items) == 6
        assert len(cerebras_mock.requests_to("chat")) == 4
        assert_nothing_checked_out(client)
        await client.close()


# --------------------------------------------------------------------------- retry-after values


def _http_date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


# (id, headers, expected delay: a number = obeyed exactly, "backoff" = the hint is ignored,
#  "date" = an HTTP date about 3 s ahead, obeyed)
RETRY_AFTER_CASES: List[Tuple[str, Dict[str, str], Any]] = [
    ("after-huge-1e9", {"retry-after": "1e9"}, "backoff"),
    ("after-35-digits", {"retry-after": "9" * 35}, "backoff"),
    ("after-negative", {"retry-after": "-10"}, "backoff"),
    ("after-zero", {"retry-after": "0"}, "backoff"),
    ("after-61", {"retry-after": "61"}, "backoff"),
    ("after-nan", {"retry-after": "nan"}, "backoff"),
    ("after-inf", {"retry-after": "inf"}, "backoff"),
    ("after-garbage", {"retry-after": "soon, maybe"}, "backoff"),
    ("after-bad-date", {"retry-after": "Zun, 29 Sep 2023 16:26:57 GMT"}, "backoff"),
    ("after-past-date", {"retry-after": "PAST"}, "backoff"),
    ("after-future-date", {"retry-after": "FUTURE"}, "date"),
    ("after-0.2s", {"retry-after": "0.2"}, 0.2),
    ("after-ms-120", {"retry-after-ms": "120"}, 0.12),
    ("after-ms-huge-masks-after", {"retry-after-ms": "1e12", "retry-after": "0.2"}, "backoff"),
    ("after-ms-negative", {"retry-after-ms": "-5"}, "backoff"),
    ("after-ms-garbage-falls-back", {"retry-after-ms": "x", "retry-after": "0.15"}, 0.15),
]


def _resolve_headers(headers: Dict[str, str]) -> Dict[str, str]:
    special = {"PAST": _http_date(-30), "FUTURE": _http_date(3.0)}
    return {k: special.get(v, v) for k, v in headers.items()}


def _check_delay(expected: Any, delay: float, gap: float) -> None:
    if expected == "backoff":
        low, high = backoff_bounds(1)
        assert low <= delay <= high, f"hint not ignored: slept {delay}"
    elif expected == "date":
        # The date has whole-second precision and lies 2-3 s ahead when it is written: obeyed, not
        # the 0.5 s back-off (1.5 s of margin for the time between writing it and reading it).
        low, high = 1.5, 3.0
        assert low <= delay <= high, delay
    else:
        low = high = expected
        assert delay == pytest.approx(expected, abs=1e-6), f"hint not obeyed exactly: {delay}"
    assert gap >= delay - 0.005, f"slept less than announced: {gap} < {delay}"
    assert gap <= high + SLACK, gap


@pytest.mark.parametrize(
    ("headers", "expected"), [c[1:] for c in RETRY_AFTER_CASES], ids=[c[0] for c in RETRY_AFTER_CASES]
)
def test_retry_after_sync(
    cerebras_mock: MockCerebrasServer,
    caplog: pytest.LogCaptureFixture,
    headers: Dict[str, str],
    expected: Any,
    figures: Any,
) -> None:
    caplog.set_level(logging.INFO, logger="cerebras.cloud.sdk")
    cerebras_mock.add_error(429, headers=_resolve_headers(headers))
    client = sync_client(cerebras_mock, max_retries=1)
    with deadline(10, "retry-after"):
        reply = client.chat.completions.create(model=MODEL, messages=user("later"))
    assert reply.choices[0].message.content == "You said: later"
    (delay,) = logged_delays(caplog)
    (gap,) = server_gaps(cerebras_mock)
    _check_delay(expected, delay, gap)
    client.close()
    figures(slept_s=delay, gap_s=gap, rule=expected if isinstance(expected, str) else "exact")


ASYNC_RETRY_AFTER = ["after-huge-1e9", "after-garbage", "after-ms-120", "after-future-date"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "expected"),
    [c[1:] for c in RETRY_AFTER_CASES if c[0] in ASYNC_RETRY_AFTER],
    ids=[c[0] for c in RETRY_AFTER_CASES if c[0] in ASYNC_RETRY_AFTER],
)
async def test_retry_after_async(
    cerebras_mock: MockCerebrasServer,
    caplog: pytest.LogCaptureFixture,
    headers: Dict[str, str],
    expected: Any,
    figures: Any,
) -> None:
    caplog.set_level(logging.INFO, logger="cerebras.cloud.sdk")
    cerebras_mock.add_error(503, headers=_resolve_headers(headers))
    client = async_client(cerebras_mock, max_retries=1)
    with anyio.fail_after(10):
        reply = await client.chat.completions.create(model=MODEL, messages=user("later"))
        await client.close()
    assert reply.choices[0].message.content == "You said: later"
    (delay,) = logged_delays(caplog)
    (gap,) = server_gaps(cerebras_mock)
    _check_delay(expected, delay, gap)
    figures(slept_s=delay, gap_s=gap)


# --------------------------------------------------------------------------- malformed JSON bodies

BAD_JSON_200 = [
    ("truncated", b'{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,'),
    ("not-json", b"<html>upstream hiccup</html>"),
    ("single-quotes", b"{'id': 'x'}"),
    ("empty", b""),
    ("invalid-utf8", b'{"id": "\xff\xfe"}'),
    ("trailing-garbage", b'{"id": "x"} {"id": "y"}'),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_JSON_200], ids=[i for i, _ in BAD_JSON_200])
def test_bad_json_success_body_sync(cerebras_mock: MockCerebrasServer, body: bytes, figures: Any) -> None:
    client = sync_client(cerebras_mock, max_retries=2)
    cerebras_mock.add_json(body)  # 200, Content-Type application/json
    with deadline(10, "bad JSON"), pytest.raises(APIResponseValidationError) as info:
        client.chat.completions.create(model=MODEL, messages=user("hi"))
    assert info.value.status_code == 200
    assert info.value.body == body.decode("utf-8", "replace")
    assert "not valid JSON" in info.value.message
    assert len(cerebras_mock.requests_to("chat")) == 1  # a 200 is never retried
    assert_nothing_checked_out(client)
    client.close()
    figures(error=type(info.value).__name__)


@pytest.mark.anyio
async def test_bad_json_success_body_async(cerebras_mock: MockCerebrasServer) -> None:
    client = async_client(cerebras_mock)
    with anyio.fail_after(10):
        for _, body in BAD_JSON_200:
            cerebras_mock.add_json(body)
            with pytest.raises(APIResponseValidationError) as info:
                await client.chat.completions.create(model=MODEL, messages=user("hi"))
            assert info.value.body == body.decode("utf-8", "replace")
        assert_nothing_checked_out(client)
        await client.close()


BAD_JSON_ERRORS = [
    (400, b'{"error": {"message": "trunc', BadRequestError),
    (404, b"<html><body>Not Found</body></html>", NotFoundError),
    (429, b"  slow down  ", RateLimitError),
    (500, b'{"error": ', InternalServerError),
    (503, b"\xff\xfe not utf-8", ServiceUnavailableError),
    (418, b"{]", APIStatusError),
]


@pytest.mark.parametrize(
    ("status", "body", "cls"), BAD_JSON_ERRORS, ids=[str(s) for s, _, _ in BAD_JSON_ERRORS]
)
def test_bad_json_error_body_sync(
    cerebras_mock: MockCerebrasServer, status: int, body: bytes, cls: type, figures: Any
) -> None:
    client = sync_client(cerebras_mock)
    cerebras_mock.add_error(status, body=body)
    with deadline(10, "bad JSON error"), pytest.raises(APIStatusError) as info:
        client.chat.completions.create(model=MODEL, messages=user("hi"))
    text = body.decode("utf-8", "replace").strip()
    assert type(info.value) is cls
    assert info.value.status_code == status
    assert info.value.body == text  # the text of the body, since it is not JSON
    assert info.value.message == text
    assert_nothing_checked_out(client)
    client.close()
    figures(error=cls.__name__)


@pytest.mark.anyio
async def test_bad_json_error_body_async(cerebras_mock: MockCerebrasServer) -> None:
    client = async_client(cerebras_mock)
    with anyio.fail_after(10):
        for status, body, cls in BAD_JSON_ERRORS:
            cerebras_mock.add_error(status, body=body)
            with pytest.raises(APIStatusError) as info:
                await client.chat.completions.create(model=MODEL, messages=user("hi"))
            assert type(info.value) is cls
            assert info.value.body == body.decode("utf-8", "replace").strip()
        await client.close()


# --------------------------------------------------------------------------- bad bytes inside streams


def _chunk(content: str) -> bytes:
    return (
        b'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"%s"}}]}\n\n' % content.encode()
    )


INVALID_UTF8_STREAMS = {
    # the bad line arrives in its own network chunk
    "own-chunk": [
        _chunk("a"),
        _chunk("b"),
        b'data: {"x": "\xff\xfe"}\n\n',
        _chunk("never"),
        b"data: [DONE]\n\n",
    ],
    # the bad line shares a network chunk with the events before it
    "shared-chunk": [_chunk("a") + _chunk("b") + b"data: \xc3\x28\n\n" + _chunk("never")],
    # a lone continuation byte in an event name line
    "event-line": [_chunk("a"), _chunk("b"), b"event: \x80\ndata: {}\n\n"],
}


@pytest.mark.parametrize("pieces", list(INVALID_UTF8_STREAMS.values()), ids=list(INVALID_UTF8_STREAMS))
def test_invalid_utf8_in_stream_sync(
    cerebras_mock: MockCerebrasServer, pieces: List[bytes], figures: Any
) -> None:
    client = sync_client(cerebras_mock, max_retries=2)
    cerebras_mock.add_raw_sse(pieces)
    with deadline(10, "invalid UTF-8 stream"):
        stream = client.chat.completions.create(model=MODEL, messages=user("hi"), stream=True)
        items, error = drain(stream)
    assert isinstance(error, APIResponseValidationError), repr(error)
    assert "UTF-8" in error.message
    assert contents(items) == ["a", "b"]  # the good events before the bad line were delivered
    assert stream.response.is_closed
    assert len(cerebras_mock.requests_to("chat")) == 1
    assert_nothing_checked_out(client)
    client.close()
    figures(chunks_before_error=len(items))


def test_multibyte_split_across_chunks_is_fine(cerebras_mock: MockCerebrasServer) -> None:
    """The control case: a valid character cut between two network chunks is reassembled."""
    whole = _chunk("caf\u00e9 \U0001f600")
    cut = whole.index(b"\xf0") + 2
    cerebras_mock.add_raw_sse([whole[: cut - 4], whole[cut - 4 : cut], whole[cut:], b"data: [DONE]\n\n"])
    client = sync_client(cerebras_mock)
    with deadline(10):
        items, error = drain(client.chat.completions.create(model=MODEL, messages=user("hi"), stream=True))
    assert error is None
    assert contents(items) == ["caf\u00e9 \U0001f600"]
    client.close()


@pytest.mark.anyio
async def test_invalid_utf8_in_stream_async(cerebras_mock: MockCerebrasServer) -> None:
    client = async_client(cerebras_mock)
    with anyio.fail_after(10):
        for pieces in INVALID_UTF8_STREAMS.values():
            cerebras_mock.add_raw_sse(pieces)
            stream = await client.chat.completions.create(model=MODEL, messages=user("hi"), stream=True)
            items, error = await adrain(stream)
            assert isinstance(error, APIResponseValidationError), repr(error)
            assert contents(items) == ["a", "b"]
        assert_nothing_checked_out(client)
        await client.close()


# (id, add_stream_error kwargs, expected class, expected status_code, expected message)
STREAM_ERRORS: List[Tuple[str, Dict[str, Any], type, int, str]] = [
    ("503-in-body", {"status_code": 503, "message": "boom"}, ServiceUnavailableError, 503, "boom"),
    (
        "event-error-429",
        {"status_code": 429, "message": "slow", "event": "error"},
        RateLimitError,
        429,
        "slow",
    ),
    ("no-status", {"body": {"error": {"message": "bad thing"}}}, APIStatusError, 200, "bad thing"),
    (
        "string-error",
        {"body": {"error": "just a string", "status_code": 400}},
        BadRequestError,
        400,
        "An error occurred during streaming",
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "cls", "status", "message"), [c[1:] for c in STREAM_ERRORS], ids=[c[0] for c in STREAM_ERRORS]
)
def test_error_event_mid_stream_sync(
    cerebras_mock: MockCerebrasServer,
    kwargs: Dict[str, Any],
    cls: type,
    status: int,
    message: str,
    figures: Any,
) -> None:
    client = sync_client(cerebras_mock, max_retries=2)
    cerebras_mock.add_stream_error(after_chunks=3, done=True, **kwargs)
    with deadline(10, "error event"):
        stream = client.chat.completions.create(model=MODEL, messages=user("one two three"), stream=True)
        items, error = drain(stream)
    assert type(error) is cls, repr(error)
    assert isinstance(error, APIStatusError)
    assert error.status_code == status
    assert error.message == message
    assert contents(items) == ["", "You", " said:"]
    assert len(cerebras_mock.requests_to("chat")) == 1  # never retried
    assert stream.response.is_closed
    assert_nothing_checked_out(client)
    client.close()
    figures(chunks_before_error=len(items), error=cls.__name__, status=status)


@pytest.mark.anyio
async def test_error_event_mid_stream_async(cerebras_mock: MockCerebrasServer) -> None:
    client = async_client(cerebras_mock, max_retries=2)
    with anyio.fail_after(10):
        for _, kwargs, cls, status, message in STREAM_ERRORS:
            cerebras_mock.add_stream_error(after_chunks=3, **kwargs)
            stream = await client.chat.completions.create(
                model=MODEL, messages=user("one two three"), stream=True
            )
            items, error = await adrain(stream)
            assert type(error) is cls, repr(error)
            assert (error.status_code, error.message) == (status, message)
            assert contents(items) == ["", "You", " said:"]
        assert len(cerebras_mock.requests_to("chat")) == len(STREAM_ERRORS)
        assert_nothing_checked_out(client)
        await client.close()


def test_malformed_json_event_mid_stream(cerebras_mock: MockCerebrasServer) -> None:
    """Decision 10: no raw JSONDecodeError escapes a stream; the earlier chunks were delivered."""
    cerebras_mock.add_raw_sse([_chunk("a"), b'data: {"choices": [\n\n', _chunk("never")])
    client = sync_client(cerebras_mock)
    with deadline(10):
        items, error = drain(client.chat.completions.create(model=MODEL, messages=user("hi"), stream=True))
    assert isinstance(error, APIResponseValidationError), repr(error)
    assert contents(items) == ["a"]
    assert_nothing_checked_out(client)
    client.close()
