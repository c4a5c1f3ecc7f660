"""Retry rules and back-off (errors-retries-streaming.md §2), sync and async, without real sleeps."""

from __future__ import annotations

import email.utils
import random
import time
from typing import Any, Callable, List, Optional

import anyio
import httpx
import pytest
import respx

from cerebras.cloud.sdk import (
    DEFAULT_MAX_RETRIES,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncCerebras,
    BadRequestError,
    Cerebras,
    InternalServerError,
    RateLimitError,
)
from cerebras.cloud.sdk._pipeline import retry_delay, server_retry_hint

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-retry-key"
RAW = {"X-Stainless-Raw-Response": "raw"}

FROZEN_NOW = 1696004797.0  # Fri, 29 Sep 2023 16:26:37 GMT


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Record the back-off sleeps of both clients instead of sleeping."""
    recorded: List[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(anyio, "sleep", fake_async_sleep)
    return recorded


@pytest.fixture
def client(sleeps: List[float], make_client: Callable[..., Any]) -> Cerebras:
    """The suite's client (closed at teardown), with the SDK's default retries."""
    return make_client("sync", api_key=API_KEY, base_url=BASE_URL, max_retries=DEFAULT_MAX_RETRIES)


def make_async(**kwargs: Any) -> AsyncCerebras:
    return AsyncCerebras(api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False, **kwargs)


def backoff_range(retry: int) -> tuple[float, float]:
    base = min(0.5 * 2 ** (retry - 1), 8.0)
    return 0.75 * base, base


# --------------------------------------------------------------------------- which statuses


RETRIED = [408, 409, 429, 500, 502, 503, 504, 529]
NOT_RETRIED = [400, 401, 402, 403, 404, 405, 413, 418, 422, 451]


@pytest.mark.parametrize("status", RETRIED)
def test_retried_statuses_use_all_attempts(client: Cerebras, sleeps: List[float], status: int) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(status, json={"error": "e"})
        with pytest.raises(APIStatusError) as info:
            client.post("/v1/x", cast_to=dict, body={})
    assert route.call_count == 3
    assert info.value.response.status_code == status
    assert len(sleeps) == 2
    for k, delay in enumerate(sleeps, start=1):
        low, high = backoff_range(k)
        assert low <= delay <= high


@pytest.mark.parametrize("status", NOT_RETRIED)
def test_other_statuses_are_not_retried(client: Cerebras, sleeps: List[float], status: int) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(status, json={"error": "e"})
        with pytest.raises(APIStatusError):
            client.post("/v1/x", cast_to=dict, body={})
    assert route.call_count == 1
    assert sleeps == []


def test_unfollowed_redirect_is_an_unretried_status_error(client: Cerebras, sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(302, headers={"location": f"{BASE_URL}/v1/y"})
        with pytest.raises(APIStatusError) as info:
            client.get("/v1/x", cast_to=dict, options={"follow_redirects": False})
    assert type(info.value) is APIStatusError
    assert info.value.status_code == 302
    assert route.call_count == 1


@pytest.mark.parametrize("status", [400, 404, 422])
def test_x_should_retry_true_retries_any_status(client: Cerebras, status: int) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(status, headers={"x-should-retry": "true"})
        with pytest.raises(APIStatusError):
            client.get("/v1/x", cast_to=dict)
    assert route.call_count == 3


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_x_should_retry_false_stops_retries(client: Cerebras, sleeps: List[float], status: int) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(status, headers={"x-should-retry": "false"})
        with pytest.raises(APIStatusError):
            client.get("/v1/x", cast_to=dict)
    assert route.call_count == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [200, 201, 204])
def test_success_is_never_retried(client: Cerebras, status: int) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(status, headers={"x-should-retry": "true"}, text="ok")
        client.get("/v1/x", cast_to=str)
    assert route.call_count == 1


def test_recovers_after_failures_and_reports_retries_taken(client: Cerebras, sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").mock(
            side_effect=[httpx.Response(500), httpx.Response(429), httpx.Response(200, json={"ok": 1})]
        )
        raw: Any = client.get("/v1/x", cast_to=dict, options={"headers": RAW})
    assert raw.retries_taken == 2
    assert raw.parse() == {"ok": 1}
    assert raw.http_request.headers["x-stainless-retry-count"] == "2"
    assert [c.request.headers["x-stainless-retry-count"] for c in route.calls] == ["0", "1", "2"]
    assert len(sleeps) == 2


def test_retried_response_is_closed_before_sleeping(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").mock(side_effect=[httpx.Response(503), httpx.Response(200, json={})])
        client.get("/v1/x", cast_to=dict)
    assert route.calls[0].response.is_closed


def test_first_try_has_zero_retries_taken(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").respond(200, json={})
        raw: Any = client.get("/v1/x", cast_to=dict, options={"headers": RAW})
    assert raw.retries_taken == 0


def test_body_status_decides_class_but_http_status_decides_retry(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(400, json={"error": {"message": "x"}, "status_code": 429})
        with pytest.raises(RateLimitError) as info:
            client.post("/v1/x", cast_to=dict, body={})
    assert route.call_count == 1
    assert info.value.status_code == 429
    assert info.value.message.startswith("Error code: 400 - ")

    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(429, json={"status_code": 400})
        with pytest.raises(BadRequestError):
            client.post("/v1/x", cast_to=dict, body={})
    assert route.call_count == 3


def test_generator_body_is_resent_whole_on_every_attempt(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").mock(side_effect=[httpx.Response(500), httpx.Response(200, json={})])
        client.post("/v1/x", cast_to=dict, body={"items": (i for i in range(3))})
    assert [c.request.content for c in route.calls] == [b'{"items":[0,1,2]}'] * 2


# --------------------------------------------------------------------------- max_retries knobs


def test_per_request_max_retries_overrides_the_client(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(500)
        with pytest.raises(InternalServerError):
            client.get("/v1/x", cast_to=dict, options={"max_retries": 0})
        assert route.call_count == 1
        with pytest.raises(InternalServerError):
            client.get("/v1/x", cast_to=dict, options={"max_retries": 4})
        assert route.call_count == 1 + 5


def test_with_options_max_retries(client: Cerebras, sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(503)
        with pytest.raises(InternalServerError):
            client.with_options(max_retries=5).get("/v1/x", cast_to=dict)
    assert route.call_count == 6
    assert len(sleeps) == 5
    for k, delay in enumerate(sleeps, start=1):
        low, high = backoff_range(k)
        assert low <= delay <= high


def test_max_retries_zero_disables_retries(sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").mock(side_effect=httpx.ConnectError("refused"))
        c = Cerebras(api_key=API_KEY, base_url=BASE_URL, max_retries=0, warm_tcp_connection=False)
        with c, pytest.raises(APIConnectionError):
            c.get("/v1/x", cast_to=dict)
    assert route.call_count == 1
    assert sleeps == []


# --------------------------------------------------------------------------- transport failures


@pytest.mark.parametrize(
    ("make_exc", "expected"),
    [
        (lambda: httpx.ConnectError("refused"), APIConnectionError),
        (lambda: httpx.RemoteProtocolError("closed"), APIConnectionError),
        (lambda: httpx.ConnectTimeout("connect"), APITimeoutError),
        (lambda: httpx.ReadTimeout("read"), APITimeoutError),
    ],
)
def test_transport_failures_are_retried_then_wrapped(
    client: Cerebras, sleeps: List[float], make_exc: Callable[[], Exception], expected: type
) -> None:
    errors = [make_exc() for _ in range(3)]
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").mock(side_effect=errors)
        with pytest.raises(APIConnectionError) as info:
            client.post("/v1/x", cast_to=dict, body={"a": 1})
    assert type(info.value) is expected
    assert info.value.__cause__ is errors[-1]
    assert route.call_count == 3
    assert [c.request.headers["x-stainless-retry-count"] for c in route.calls] == ["0", "1", "2"]
    assert len(sleeps) == 2
    for k, delay in enumerate(sleeps, start=1):
        low, high = backoff_range(k)
        assert low <= delay <= high


def test_transport_failure_then_success(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={"v": 1})])
        raw: Any = client.get("/v1/x", cast_to=dict, options={"headers": RAW})
    assert raw.retries_taken == 1
    assert raw.parse() == {"v": 1}


# --------------------------------------------------------------------------- server hints through the client


def test_retry_after_ms_is_obeyed_exactly(client: Cerebras, sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after-ms": "10"}),
                httpx.Response(429, headers={"retry-after-ms": "2500", "retry-after": "9"}),
                httpx.Response(200, json={}),
            ]
        )
        client.get("/v1/x", cast_to=dict)
    assert sleeps == [pytest.approx(0.01), pytest.approx(2.5)]


def test_retry_after_seconds_and_date(client: Cerebras, sleeps: List[float]) -> None:
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(
            side_effect=[
                httpx.Response(503, headers={"retry-after": "3"}),
                httpx.Response(503, headers={"retry-after": future}),
                httpx.Response(200, json={}),
            ]
        )
        client.get("/v1/x", cast_to=dict, options={"max_retries": 2})
    assert sleeps[0] == 3.0
    assert 27 < sleeps[1] <= 30


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "0"},
        {"retry-after": "-5"},
        {"retry-after": "61"},
        {"retry-after": "soon"},
        {"retry-after-ms": "0"},
        {"retry-after-ms": "60001", "retry-after": "1"},  # out-of-range ms wins; seconds not consulted
        {},
    ],
)
def test_out_of_range_or_missing_hints_fall_back_to_backoff(
    client: Cerebras, sleeps: List[float], headers: dict[str, str]
) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(
            side_effect=[httpx.Response(429, headers=headers), httpx.Response(200, json={})]
        )
        client.get("/v1/x", cast_to=dict)
    assert len(sleeps) == 1
    assert 0.375 <= sleeps[0] <= 0.5


def test_unparseable_ms_falls_back_to_retry_after(client: Cerebras, sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after-ms": "abc", "retry-after": "4"}),
                httpx.Response(200, json={}),
            ]
        )
        client.get("/v1/x", cast_to=dict)
    assert sleeps == [4.0]


def test_transport_errors_use_backoff_only(client: Cerebras, sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(side_effect=[httpx.ConnectError("x"), httpx.Response(200, json={})])
        client.get("/v1/x", cast_to=dict)
    assert 0.375 <= sleeps[0] <= 0.5


# --------------------------------------------------------------------------- async twin


@pytest.mark.anyio
async def test_async_retries_statuses_and_headers(sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").mock(
            side_effect=[
                httpx.Response(503),
                httpx.Response(429, headers={"retry-after-ms": "7"}),
                httpx.Response(200, json={"done": True}),
            ]
        )
        async with make_async() as c:
            raw: Any = await c.post(
                "/v1/x", cast_to=dict, body={"g": (i for i in "ab")}, options={"headers": RAW}
            )
            assert raw.retries_taken == 2
            assert await raw.parse() == {"done": True}
    assert [call.request.headers["x-stainless-retry-count"] for call in route.calls] == ["0", "1", "2"]
    assert [call.request.content for call in route.calls] == [b'{"g":["a","b"]}'] * 3
    assert 0.375 <= sleeps[0] <= 0.5
    assert sleeps[1] == pytest.approx(0.007)


@pytest.mark.anyio
async def test_async_not_retried_and_should_retry_header(sleeps: List[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        bad = mock.get("/v1/bad").respond(400, json={})
        forced = mock.get("/v1/forced").respond(404, headers={"x-should-retry": "true"})
        stopped = mock.get("/v1/stopped").respond(500, headers={"x-should-retry": "false"})
        async with make_async() as c:
            with pytest.raises(BadRequestError):
                await c.get("/v1/bad", cast_to=dict)
            with pytest.raises(APIStatusError):
                await c.get("/v1/forced", cast_to=dict)
            with pytest.raises(InternalServerError):
                await c.get("/v1/stopped", cast_to=dict)
    assert (bad.call_count, forced.call_count, stopped.call_count) == (1, 3, 1)


@pytest.mark.anyio
async def test_async_transport_failures(sleeps: List[float]) -> None:
    errors = [httpx.ConnectError("a"), httpx.ConnectError("b"), httpx.ConnectError("c")]
    timeouts = [httpx.ReadTimeout("a"), httpx.ReadTimeout("b")]
    with respx.mock(base_url=BASE_URL) as mock:
        conn = mock.get("/v1/conn").mock(side_effect=errors)
        slow = mock.get("/v1/slow").mock(side_effect=timeouts)
        async with make_async() as c:
            with pytest.raises(APIConnectionError) as info:
                await c.get("/v1/conn", cast_to=dict)
            assert type(info.value) is APIConnectionError
            assert info.value.__cause__ is errors[-1]
            with pytest.raises(APITimeoutError) as tinfo:
                await c.get("/v1/slow", cast_to=dict, options={"max_retries": 1})
            assert tinfo.value.__cause__ is timeouts[-1]
    assert conn.call_count == 3
    assert slow.call_count == 2
    assert len(sleeps) == 3


# --------------------------------------------------------------------------- the pure back-off maths


@pytest.fixture
def fixed_jitter(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    def set_value(value: float) -> None:
        monkeypatch.setattr(random, "random", lambda: value)

    return set_value


@pytest.mark.parametrize(
    ("retry", "base"),
    [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (50, 8.0), (5000, 8.0)],
)
def test_backoff_bounds(fixed_jitter: Callable[[float], None], retry: int, base: float) -> None:
    fixed_jitter(0.0)
    assert retry_delay(retry) == base
    fixed_jitter(0.999999)
    assert retry_delay(retry) == pytest.approx(base * (1 - 0.25 * 0.999999))
    fixed_jitter(0.5)
    assert retry_delay(retry) == base * 0.875


def test_backoff_stays_within_range_with_real_randomness() -> None:
    for retry in range(1, 8):
        low, high = backoff_range(retry)
        for _ in range(200):
            assert low < retry_delay(retry) <= high


def h(**values: str) -> httpx.Headers:
    return httpx.Headers({k.replace("_", "-"): v for k, v in values.items()})


JITTERED = 0.5 * 0.875

REFERENCE = [
    ("20", 20.0),
    ("0", JITTERED),
    ("-10", JITTERED),
    ("60", 60.0),
    ("61", JITTERED),
    ("Fri, 29 Sep 2023 16:26:57 GMT", 20.0),
    ("Fri, 29 Sep 2023 16:26:37 GMT", JITTERED),
    ("Fri, 29 Sep 2023 16:26:27 GMT", JITTERED),
    ("Fri, 29 Sep 2023 16:27:37 GMT", 60.0),
    ("Fri, 29 Sep 2023 16:27:38 GMT", JITTERED),
    ("99999999999999999999999999999999999", JITTERED),
    ("Zun, 29 Sep 2023 16:26:27 GMT", JITTERED),
    ("", JITTERED),
]


@pytest.mark.parametrize(("retry_after", "expected"), REFERENCE)
def test_reference_table(fixed_jitter: Callable[[float], None], retry_after: str, expected: float) -> None:
    fixed_jitter(0.5)
    delay = retry_delay(1, h(retry_after=retry_after), now=FROZEN_NOW)
    assert delay == pytest.approx(expected)


def test_reference_table_uses_the_clock_when_now_is_not_given(
    fixed_jitter: Callable[[float], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed_jitter(0.5)
    monkeypatch.setattr(time, "time", lambda: FROZEN_NOW)
    assert retry_delay(1, h(retry_after="Fri, 29 Sep 2023 16:26:57 GMT")) == pytest.approx(20.0)


def test_server_retry_hint_parsing() -> None:
    assert server_retry_hint(None) is None
    assert server_retry_hint(h()) is None
    assert server_retry_hint(h(retry_after_ms="1500")) == 1.5
    assert server_retry_hint(h(retry_after_ms="x", retry_after="2")) == 2.0
    assert server_retry_hint(h(retry_after_ms="70000", retry_after="2")) == 70.0
    assert server_retry_hint(h(retry_after="garbage")) is None
    assert server_retry_hint(h(retry_after="Fri, 29 Sep 2023 16:26:57 GMT"), now=FROZEN_NOW) == 20.0
    assert server_retry_hint(h(retry_after="Fri, 29 Sep 2023 16:26:27 GMT"), now=FROZEN_NOW) == -10.0


@pytest.mark.parametrize("ms", ["1", "500", "60000"])
def test_ms_hint_in_range_is_used(fixed_jitter: Callable[[float], None], ms: str) -> None:
    fixed_jitter(0.0)
    assert retry_delay(3, h(retry_after_ms=ms)) == float(ms) / 1000


@pytest.mark.parametrize("ms", ["0", "-1", "60001", "nan", "inf"])
def test_ms_hint_out_of_range_uses_backoff(fixed_jitter: Callable[[float], None], ms: str) -> None:
    fixed_jitter(0.0)
    assert retry_delay(3, h(retry_after_ms=ms, retry_after="5")) == 2.0


def test_retry_delay_without_headers(fixed_jitter: Callable[[float], None]) -> None:
    fixed_jitter(0.0)
    none_headers: Optional[httpx.Headers] = None
    assert retry_delay(2, none_headers) == 1.0
