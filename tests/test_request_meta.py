from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cerebras.cloud.sdk._request_meta import RateLimitInfo, request_id_from_headers

REAL = {
    "x-ratelimit-limit-requests-day": "14400",
    "x-ratelimit-limit-tokens-minute": "60000",
    "x-ratelimit-remaining-requests-day": "14398",
    "x-ratelimit-remaining-tokens-minute": "59812",
    "x-ratelimit-reset-requests-day": "33011.382867",
    "x-ratelimit-reset-tokens-minute": "11.382867",
}


def test_real_header_set_is_parsed() -> None:
    info = RateLimitInfo.from_headers(httpx.Headers(REAL))
    assert info == RateLimitInfo(
        limit_requests_day=14400,
        remaining_requests_day=14398,
        reset_requests_day=33011.382867,
        limit_tokens_minute=60000,
        remaining_tokens_minute=59812,
        reset_tokens_minute=11.382867,
    )
    assert not info.is_empty


def test_header_names_are_case_insensitive_even_in_plain_dicts() -> None:
    info = RateLimitInfo.from_headers({k.upper(): v for k, v in REAL.items()})
    assert info.limit_tokens_minute == 60000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1m30s", 90.0), ("2h", 7200.0), ("450ms", 0.45), ("1h1m1s", 3661.0), ("0", 0.0), (" 7.5 ", 7.5)],
)
def test_reset_accepts_durations(raw: str, expected: float) -> None:
    info = RateLimitInfo.from_headers({"x-ratelimit-reset-tokens-minute": raw})
    assert info.reset_tokens_minute == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["", "soon", "-5", "nan", "inf", "1.5x", "m", "10q", "1e999"])
def test_malformed_reset_becomes_none(raw: str) -> None:
    assert RateLimitInfo.from_headers({"x-ratelimit-reset-requests-day": raw}).reset_requests_day is None


@pytest.mark.parametrize("raw", ["", "lots", "-1", "1.5", "nan", "1e400"])
def test_malformed_counts_become_none(raw: str) -> None:
    assert RateLimitInfo.from_headers({"x-ratelimit-limit-requests-day": raw}).limit_requests_day is None


def test_integral_float_count_is_accepted() -> None:
    assert (
        RateLimitInfo.from_headers({"x-ratelimit-remaining-requests-day": "12.0"}).remaining_requests_day
        == 12
    )


def test_missing_headers_give_an_empty_info() -> None:
    info = RateLimitInfo.from_headers({"content-type": "application/json"})
    assert info.is_empty
    assert info == RateLimitInfo()


@given(st.dictionaries(st.sampled_from(sorted(REAL)), st.text(max_size=30)))
def test_never_raises_on_arbitrary_values(headers: dict[str, str]) -> None:
    info = RateLimitInfo.from_headers(headers)
    for name in (
        "limit_requests_day",
        "remaining_requests_day",
        "limit_tokens_minute",
        "remaining_tokens_minute",
    ):
        value = getattr(info, name)
        assert value is None or (isinstance(value, int) and value >= 0)
    for name in ("reset_requests_day", "reset_tokens_minute"):
        value = getattr(info, name)
        assert value is None or value >= 0


def test_request_id_prefers_x_request_id_then_cf_ray() -> None:
    assert request_id_from_headers(httpx.Headers({"x-request-id": "req_1", "cf-ray": "ray"})) == "req_1"
    assert request_id_from_headers(httpx.Headers({"CF-RAY": "8f1e0c-SJC"})) == "8f1e0c-SJC"
    assert request_id_from_headers(httpx.Headers({})) is None
    assert request_id_from_headers(httpx.Headers({"x-request-id": ""})) is None


# ------------------------------------------------------------------ wired into the client

import respx  # noqa: E402

from cerebras.cloud.sdk import AsyncCerebras, Cerebras, NotFoundError, RateLimitError  # noqa: E402

BASE = "http://127.0.0.1:4010"
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "system_fingerprint": "fp",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "7"}}],
}
HI = [{"role": "user", "content": "hi"}]


def sync_client() -> Cerebras:
    return Cerebras(api_key="k", base_url=BASE, warm_tcp_connection=False, max_retries=0)


@respx.mock(base_url=BASE)
def test_request_id_on_raw_response_and_parsed_object(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/v1/chat/completions").respond(
        200, json=COMPLETION, headers={"x-request-id": "req_abc", **REAL}
    )
    client = sync_client()

    raw = client.chat.completions.with_raw_response.create(model="m", messages=HI)
    assert raw.request_id == "req_abc"
    assert raw.rate_limits.remaining_tokens_minute == 59812
    assert raw.parse()._request_id == "req_abc"

    plain = client.chat.completions.create(model="m", messages=HI)
    assert plain._request_id == "req_abc"
    # The id is not a field: it never shows in the serialised object.
    assert "_request_id" not in plain.to_dict() and "req_abc" not in plain.to_json()


@respx.mock(base_url=BASE)
def test_cf_ray_is_the_fallback_and_none_when_absent(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/v1/models")
    route.respond(200, json={"object": "list", "data": []}, headers={"cf-ray": "8f1e0c-SJC"})
    client = sync_client()
    assert client.models.list()._request_id == "8f1e0c-SJC"

    route.respond(200, json={"object": "list", "data": []})
    listing = client.models.list()
    assert listing._request_id is None
    assert client.models.with_raw_response.list().rate_limits.is_empty


@respx.mock(base_url=BASE)
def test_status_errors_carry_request_id_and_rate_limits(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/v1/chat/completions")
    route.respond(429, json={"message": "slow down"}, headers={"x-request-id": "req_429", **REAL})
    with pytest.raises(RateLimitError) as caught:
        sync_client().chat.completions.create(model="m", messages=HI)
    assert caught.value.request_id == "req_429"
    assert caught.value.rate_limits.remaining_requests_day == 14398
    assert caught.value.rate_limits.reset_tokens_minute == pytest.approx(11.382867)

    route.respond(404, json={"message": "nope"})
    with pytest.raises(NotFoundError) as missing:
        sync_client().chat.completions.create(model="m", messages=HI)
    assert missing.value.request_id is None


@pytest.mark.anyio
async def test_async_client_and_streams_expose_the_request_id() -> None:
    sse = (
        b"data: "
        + json.dumps({**COMPLETION, "object": "chat.completion.chunk"}).encode()
        + b"\n\ndata: [DONE]\n\n"
    )
    async with respx.mock(base_url=BASE) as mock:
        route = mock.post("/v1/chat/completions")
        route.respond(200, json=COMPLETION, headers={"x-request-id": "req_async"})
        client = AsyncCerebras(api_key="k", base_url=BASE, warm_tcp_connection=False)
        completion = await client.chat.completions.create(model="m", messages=HI)
        assert completion._request_id == "req_async"

        route.respond(
            200, content=sse, headers={"x-request-id": "req_stream", "content-type": "text/event-stream"}
        )
        stream = await client.chat.completions.create(model="m", messages=HI, stream=True)
        assert stream.request_id == "req_stream"
        assert len([chunk async for chunk in stream]) == 1
        await client.close()


def test_rate_limit_error_from_the_mock_server_shows_its_figures() -> None:
    from cerebras.cloud.sdk.testing import MockCerebrasServer

    with MockCerebrasServer() as server:
        server.add_error(429, headers={"x-request-id": "req_mock", **REAL})
        client = Cerebras(api_key="k", base_url=server.base_url, warm_tcp_connection=False, max_retries=0)
        with pytest.raises(RateLimitError) as caught:
            client.chat.completions.create(model="llama3.1-8b", messages=HI)
        client.close()
    assert caught.value.request_id == "req_mock"
    assert caught.value.rate_limits.limit_requests_day == 14400
