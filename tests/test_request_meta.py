from __future__ import annotations

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
    assert RateLimitInfo.from_headers({"x-ratelimit-remaining-requests-day": "12.0"}).remaining_requests_day == 12


def test_missing_headers_give_an_empty_info() -> None:
    info = RateLimitInfo.from_headers({"content-type": "application/json"})
    assert info.is_empty
    assert info == RateLimitInfo()


@given(st.dictionaries(st.sampled_from(sorted(REAL)), st.text(max_size=30)))
def test_never_raises_on_arbitrary_values(headers: dict[str, str]) -> None:
    info = RateLimitInfo.from_headers(headers)
    for name in ("limit_requests_day", "remaining_requests_day", "limit_tokens_minute", "remaining_tokens_minute"):
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
