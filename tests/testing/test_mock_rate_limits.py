"""The mock's rate limits (RPM/RPH/RPD/TPM/TPH/TPD token buckets per API key, on the mock clock),
driven with plain httpx through the in-process transport; the clock is frozen (``time_scale=0``)
and moved with ``clock.advance()`` unless a test is about the real-seconds conversion."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List, Optional

import httpx
import pytest

from cerebras.cloud.sdk import Cerebras, RateLimitError
from cerebras.cloud.sdk.testing import MockCerebrasServer, RateLimits
from cerebras.cloud.sdk.testing.__main__ import _parse_args, rate_limits_from

CHAT = "/v1/chat/completions"
TEXT = "/v1/completions"
MODEL = "llama3.1-8b"
THREE: List[Dict[str, Any]] = [
    {"role": "user", "content": "one two three"}
]  # 3 input tokens; the echo is 5 tokens
WINDOWS = {"minute": 60.0, "hour": 3600.0, "day": 86400.0}


def make_server(limits: Optional[RateLimits] = None, **options: Any) -> MockCerebrasServer:
    return MockCerebrasServer(time_scale=0, rate_limits=limits, **options)


def http(server: MockCerebrasServer, key: Optional[str] = "k1") -> httpx.Client:
    headers = {"authorization": f"Bearer {key}"} if key is not None else {}
    return httpx.Client(transport=server.transport(), base_url="http://mock", headers=headers)


@pytest.fixture
def server() -> MockCerebrasServer:
    return make_server()


@pytest.fixture
def client(server: MockCerebrasServer) -> Iterator[httpx.Client]:
    with http(server) as c:
        yield c


def chat(client: httpx.Client, messages: Any = THREE, **extra: Any) -> httpx.Response:
    return client.post(CHAT, json={"model": MODEL, "messages": messages, **extra})


def error_of(response: httpx.Response) -> Dict[str, Any]:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["status_code"] == 429
    return dict(body["error"])


def used(response: httpx.Response) -> int:
    return int(response.json()["usage"]["total_tokens"])


# ---------------------------------------------------------------------------------------------
# every bucket limits, and refills continuously


@pytest.mark.parametrize("window", ["minute", "hour", "day"])
def test_request_buckets_limit_and_refill(
    server: MockCerebrasServer, client: httpx.Client, window: str
) -> None:
    figures: Dict[str, Any] = {f"rp{window[0]}": 2}
    server.rate_limits = RateLimits(**figures)
    assert [chat(client).status_code for _ in range(2)] == [200, 200]
    rejected = chat(client)
    assert error_of(rejected)["code"] == f"requests_per_{window}"
    assert server.rate_limit_state("k1") == {f"requests_per_{window}": 0.0}
    server.clock.advance(WINDOWS[window] / 4)  # half a request back: still no room
    assert chat(client).status_code == 429
    server.clock.advance(WINDOWS[window] / 4)
    assert chat(client).status_code == 200
    assert chat(client).status_code == 429
    server.clock.advance(WINDOWS[window] * 10)  # refills up to the capacity, no further
    assert server.rate_limit_state("k1") == {f"requests_per_{window}": 2.0}


@pytest.mark.parametrize("window", ["minute", "hour", "day"])
def test_token_buckets_limit_and_refill(
    server: MockCerebrasServer, client: httpx.Client, window: str
) -> None:
    figures: Dict[str, Any] = {f"tp{window[0]}": 20}
    server.rate_limits = RateLimits(**figures)
    first = chat(client, max_completion_tokens=5)  # admitted on 3 + 5 = 8 tokens, uses 8
    assert first.status_code == 200 and used(first) == 8
    assert chat(client, max_completion_tokens=5).status_code == 200
    rejected = chat(client, max_completion_tokens=5)  # needs 8, 4 left
    error = error_of(rejected)
    assert (error["code"], error["type"]) == (f"tokens_per_{window}", "too_many_tokens_error")
    assert "8 tokens" in error["message"] and "4 are left" in error["message"]
    assert chat(client, max_completion_tokens=1).status_code == 200  # 3 + 1 fits in the 4 left
    server.clock.advance(WINDOWS[window] * 7 / 20)  # 7 tokens back: 7 left
    assert chat(client, max_completion_tokens=5).status_code == 429
    server.clock.advance(WINDOWS[window] / 20)
    assert chat(client, max_completion_tokens=5).status_code == 200
    assert server.rate_limit_state("k1") == {f"tokens_per_{window}": 0.0}


def test_whichever_limit_is_hit_first(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=10, rph=3, tpd=1000)
    assert [chat(client, max_tokens=5).status_code for _ in range(3)] == [200, 200, 200]
    assert error_of(chat(client, max_tokens=5))["code"] == "requests_per_hour"
    assert server.rate_limit_state("k1") == {
        "requests_per_minute": 7.0,
        "requests_per_hour": 0.0,
        "tokens_per_day": 1000.0 - 3 * 8,
    }


def test_the_longest_wait_names_the_bucket(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=1, rpd=1)  # both empty after one request; the day waits longer
    chat(client)
    assert error_of(chat(client))["code"] == "requests_per_day"


# ---------------------------------------------------------------------------------------------
# the estimate, and the correction to the usage reported


def test_estimate_uses_max_completion_tokens(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(tpm=100)
    assert chat(client, max_completion_tokens=98).status_code == 429  # 3 + 98 > 100: never admitted
    assert chat(client, max_completion_tokens=97).status_code == 200  # 3 + 97 == 100
    server.reset()
    assert chat(client, max_tokens=98).status_code == 429  # max_tokens when it is the only one
    assert chat(client, max_completion_tokens=97, max_tokens=500).status_code == 200  # the first wins
    server.reset()
    assert chat(client, max_completion_tokens=None, max_tokens=97).status_code == 200


def test_estimate_without_a_maximum_reserves_the_default(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.rate_limits = RateLimits(tpm=1000)  # 3 + 1024 can never fit
    error = error_of(chat(client))
    assert error["code"] == "tokens_per_minute" and error["message"].startswith("Request too large")
    server.rate_limits = RateLimits(tpm=1027)
    assert chat(client).status_code == 200
    server.rate_limits = RateLimits(tpm=38, default_completion_tokens=27)
    assert chat(client).status_code == 200  # reserves 3 + 27 = 30, uses 8: 30 left
    assert chat(client).status_code == 200
    assert chat(client).status_code == 429  # 22 left


def test_estimate_counts_every_choice(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(tpm=22)
    assert chat(client, max_completion_tokens=10, n=2).status_code == 429  # 3 + 2 * 10 = 23
    assert chat(client, max_completion_tokens=9, n=2).status_code == 200  # 3 + 2 * 9 = 21


def test_usage_correction(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(tpm=1000)
    ok = chat(client, max_completion_tokens=100)  # reserves 103, uses 3 + 5
    assert used(ok) == 8
    assert server.rate_limit_state("k1") == {"tokens_per_minute": 992.0}
    assert ok.headers["x-ratelimit-remaining-tokens-minute"] == "992"  # figures after the correction
    cut = chat(client, max_completion_tokens=2)  # the echo is cut to 2 tokens: 3 + 2
    assert used(cut) == 5 and server.rate_limit_state("k1") == {"tokens_per_minute": 987.0}
    with client.stream(
        "POST", CHAT, json={"model": MODEL, "messages": THREE, "stream": True, "max_tokens": 50}
    ) as streamed:
        assert streamed.status_code == 200
        assert streamed.headers["x-ratelimit-remaining-tokens-minute"] == "979"
        streamed.read()
    assert server.rate_limit_state("k1") == {"tokens_per_minute": 979.0}


def test_scripted_answers_are_charged_what_they_report(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.rate_limits = RateLimits(rpm=10, tpm=1000)
    server.add_reply("Hi", usage={"prompt_tokens": 3, "completion_tokens": 47, "total_tokens": 50})
    assert chat(client, max_completion_tokens=10).status_code == 200  # reserved 13, reports 50: a debt
    assert server.rate_limit_state("k1") == {"requests_per_minute": 9.0, "tokens_per_minute": 950.0}
    server.add_json({"usage": {"total_tokens": 30}})
    chat(client, max_completion_tokens=10)
    assert server.rate_limit_state("k1")["tokens_per_minute"] == 920.0
    server.add_error(503)  # scripted faults still run on admitted requests: the request counts, no tokens
    assert chat(client, max_completion_tokens=10).status_code == 503
    assert server.rate_limit_state("k1") == {"requests_per_minute": 7.0, "tokens_per_minute": 920.0}
    assert chat(client, model="no-such-model", max_completion_tokens=10).status_code == 404  # likewise
    assert server.rate_limit_state("k1") == {"requests_per_minute": 6.0, "tokens_per_minute": 920.0}


def test_a_debt_shows_as_negative_state_and_zero_remaining(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.rate_limits = RateLimits(tpm=20)
    server.add_reply("Hi", usage={"prompt_tokens": 3, "completion_tokens": 27, "total_tokens": 30})
    response = chat(client, max_completion_tokens=5)
    assert server.rate_limit_state("k1") == {"tokens_per_minute": -10.0}
    assert response.headers["x-ratelimit-remaining-tokens-minute"] == "0"
    assert chat(client, max_completion_tokens=1).status_code == 429
    server.clock.advance(42)  # 14 tokens back: 4 left
    assert chat(client, max_completion_tokens=1).status_code == 200


# ---------------------------------------------------------------------------------------------
# rejections


def test_rejection_body_and_retry_after(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=2)
    chat(client)
    chat(client)
    server.clock.advance(10)  # a third of a request back: 20 mock seconds to go
    rejected = chat(client)
    assert rejected.json() == {
        "error": {
            "message": "Rate limit exceeded: 2 requests per minute.",
            "type": "too_many_requests_error",
            "param": None,
            "code": "requests_per_minute",
        },
        "status_code": 429,
    }
    assert rejected.headers["retry-after"] == "20.000"  # frozen clock: mock seconds
    assert rejected.headers["x-ratelimit-remaining-requests-minute"] == "0"
    assert re.fullmatch(r"[0-9a-f]{32}", rejected.headers["x-request-id"])
    server.rate_limits = RateLimits(rpm=2, retry_after=False)
    assert "retry-after" not in chat(client).headers


def test_retry_after_rounds_up_to_milliseconds(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=7)
    for _ in range(7):
        chat(client)
    assert chat(client).headers["retry-after"] == "8.572"  # 60 / 7 = 8.5714...


def test_a_request_that_can_never_fit_gets_no_retry_after(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.rate_limits = RateLimits(tpm=10)
    rejected = chat(client, max_completion_tokens=8)
    assert error_of(rejected)["message"] == (
        "Request too large: its estimated 11 tokens exceed the limit of 10 tokens per minute."
    )
    assert "retry-after" not in rejected.headers


def test_a_rejected_request_consumes_nothing(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=5, rpd=5, tpm=20, tpd=100)
    before = server.rate_limit_state("k1")
    handle = server.add_reply("scripted")
    assert chat(client, max_completion_tokens=18).status_code == 429  # 21 tokens > 20
    assert server.rate_limit_state("k1") == before
    assert handle.used == 0  # turned away before any scripted entry
    assert server.last_request.path == CHAT  # still recorded
    answered = chat(client, max_completion_tokens=5)
    assert answered.json()["choices"][0]["message"]["content"] == "scripted" and handle.used == 1


def test_scripted_errors_still_work_under_limits(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=5)
    server.add_error(429, times=1, headers={"retry-after-ms": "5"})
    scripted = chat(client)
    assert scripted.status_code == 429 and error_of(scripted)["code"] is None
    assert scripted.headers["x-ratelimit-remaining-requests-minute"] == "4"


def test_requests_that_fail_auth_or_decoding_are_not_charged() -> None:
    server = make_server(RateLimits(rpm=1), api_key="good")
    with http(server, "bad") as bad:
        assert chat(bad).status_code == 401
    with http(server, "good") as good:
        refused = good.post(CHAT, content=b"junk", headers={"content-encoding": "gzip"})
        assert refused.status_code == 400
        assert server.rate_limit_state() == {"requests_per_minute": 1.0}  # the server's key by default
        assert chat(good).status_code == 200
        assert chat(good).status_code == 429


# ---------------------------------------------------------------------------------------------
# headers


def test_headers_report_limit_remaining_and_reset(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=10, rpd=100, tpm=1000, tph=5000, tpd=50000)
    headers = chat(client, max_completion_tokens=5).headers  # 1 request, 8 tokens
    expected = {
        "x-ratelimit-limit-requests-day": "100",
        "x-ratelimit-remaining-requests-day": "99",
        "x-ratelimit-reset-requests-day": "864.0",  # one request comes back in 86400 / 100 s
        "x-ratelimit-limit-tokens-minute": "1000",
        "x-ratelimit-remaining-tokens-minute": "992",
        "x-ratelimit-reset-tokens-minute": "0.48",  # 8 tokens at 1000 per 60 s
        "x-ratelimit-limit-requests-minute": "10",
        "x-ratelimit-remaining-requests-minute": "9",
        "x-ratelimit-reset-requests-minute": "6.0",
        "x-ratelimit-limit-tokens-hour": "5000",
        "x-ratelimit-remaining-tokens-hour": "4992",
        "x-ratelimit-reset-tokens-hour": "5.76",
        "x-ratelimit-limit-tokens-day": "50000",
        "x-ratelimit-remaining-tokens-day": "49992",
        "x-ratelimit-reset-tokens-day": "13.824",
    }
    assert {name: headers.get(name) for name in expected} == expected
    assert not any(name.endswith("requests-hour") for name in headers)  # rph is not configured
    server.clock.advance(3)  # half of the minute's request and 50 tokens come back
    later = chat(client, max_completion_tokens=5).headers
    assert later["x-ratelimit-remaining-requests-minute"] == "8"  # 10 - 2 + 0.5
    assert later["x-ratelimit-reset-requests-minute"] == "9.0"
    assert later["x-ratelimit-remaining-tokens-minute"] == "992"  # 1000 - 16 + 8 (capped at full)


def test_reset_headers_are_real_seconds_under_a_time_scale() -> None:
    server = MockCerebrasServer(time_scale=60, rate_limits=RateLimits(rpd=100, tpm=1000, retry_after=True))
    with http(server) as client:
        headers = chat(client, max_completion_tokens=5).headers
        assert float(headers["x-ratelimit-reset-requests-day"]) == pytest.approx(864 / 60, abs=0.05)
        assert float(headers["x-ratelimit-reset-tokens-minute"]) == pytest.approx(0.48 / 60, abs=0.002)
        server.rate_limits = RateLimits(rpm=1)
        chat(client)
        rejected = chat(client)
        assert rejected.status_code == 429
        assert re.fullmatch(r"\d+\.\d{3}", rejected.headers["retry-after"])
        assert float(rejected.headers["retry-after"]) == pytest.approx(1.0, abs=0.05)  # a mock minute


def test_documented_figures_of_unconfigured_buckets_stay_informational(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.rate_limits = RateLimits(rpm=3)
    headers = chat(client).headers
    assert headers["x-ratelimit-remaining-requests-minute"] == "2"
    assert headers["x-ratelimit-limit-requests-day"] == "14400"  # never enforced
    assert headers["x-ratelimit-limit-tokens-minute"] == "60000"


def test_non_completion_routes_are_not_limited(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=1, tpm=100)
    for _ in range(3):
        listed = client.get("/v1/models")
        assert listed.status_code == 200
        assert listed.headers["x-ratelimit-remaining-requests-minute"] == "1"  # shown, not charged
    assert chat(client, max_tokens=5).status_code == 200
    assert chat(client, max_tokens=5).status_code == 429
    after = client.get("/v1/models")
    assert after.status_code == 200 and after.headers["x-ratelimit-remaining-requests-minute"] == "0"
    assert after.headers["x-ratelimit-remaining-tokens-minute"] == "92"
    assert client.get(CHAT).status_code == 405  # not a POST: not admitted
    assert client.get("/v1/tcp_warming").status_code == 200


def test_batch_requests_are_not_limited(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=1)
    bodies = [{"model": MODEL, "messages": THREE} for _ in range(10)]
    file_id = server.create_batch_file(bodies)["id"]
    created = client.post(
        "/v1/batches", json={"input_file_id": file_id, "endpoint": CHAT, "completion_window": "24h"}
    )
    assert created.status_code == 200
    server.clock.advance(10)
    batch = server.get_batch(created.json()["id"])
    assert batch["status"] == "completed" and batch["request_counts"]["completed"] == 10
    assert server.rate_limit_state("k1") == {"requests_per_minute": 1.0}


# ---------------------------------------------------------------------------------------------
# per-key buckets and limits


def test_buckets_are_per_api_key(server: MockCerebrasServer) -> None:
    server.rate_limits = RateLimits(rpm=1)
    with http(server, "a") as a, http(server, "b") as b, http(server, None) as anonymous:
        assert chat(a).status_code == 200 and chat(a).status_code == 429
        assert chat(b).status_code == 200 and chat(b).status_code == 429
        assert chat(anonymous).status_code == 200 and chat(anonymous).status_code == 429
    assert server.rate_limit_state("a") == server.rate_limit_state("b") == {"requests_per_minute": 0.0}
    assert server.rate_limit_state() == {"requests_per_minute": 0.0}  # no server key: keyless requests
    assert server.rate_limit_state("unseen") == {"requests_per_minute": 1.0}


def test_limits_per_key(server: MockCerebrasServer) -> None:
    server.set_rate_limits(RateLimits(rpm=3))  # the default for every key
    server.set_rate_limits(RateLimits(rpm=1), api_key="small")
    server.set_rate_limits(RateLimits(), api_key="vip")  # unlimited
    assert server.rate_limits == RateLimits(rpm=3)
    with http(server, "small") as small, http(server, "other") as other, http(server, "vip") as vip:
        assert [chat(small).status_code for _ in range(2)] == [200, 429]
        assert [chat(other).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert all(chat(vip).status_code == 200 for _ in range(10))
        assert server.rate_limit_state("vip") == {}
        server.set_rate_limits(None, api_key="small")  # back to the default, a new (full) bucket
        assert [chat(small).status_code for _ in range(4)] == [200, 200, 200, 429]
        server.rate_limits = None
        assert all(chat(other).status_code == 200 for _ in range(5))
        assert "x-ratelimit-limit-requests-minute" not in chat(other).headers


def test_unchanged_figures_keep_their_state(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=2, tpm=100)
    chat(client, max_tokens=5)
    server.rate_limits = RateLimits(rpm=2, tpm=200)
    assert server.rate_limit_state("k1") == {"requests_per_minute": 1.0, "tokens_per_minute": 200.0}


def test_reset_refills_and_keeps_the_limits(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=1)
    server.set_rate_limits(RateLimits(rpm=2), api_key="k2")
    chat(client)
    assert chat(client).status_code == 429
    server.reset()
    assert server.rate_limits == RateLimits(rpm=1)
    assert server.rate_limit_state("k1") == {"requests_per_minute": 1.0}
    assert server.rate_limit_state("k2") == {"requests_per_minute": 2.0}
    assert chat(client).status_code == 200


# ---------------------------------------------------------------------------------------------
# text completions


def test_text_completions_are_limited_too(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.rate_limits = RateLimits(rpm=5, tpm=30)
    one = client.post(TEXT, json={"model": MODEL, "prompt": "a b c", "max_tokens": 2})  # 3 + 2
    assert one.status_code == 200 and one.json()["usage"]["total_tokens"] == 5
    assert server.rate_limit_state("k1") == {"requests_per_minute": 4.0, "tokens_per_minute": 25.0}
    # two prompts, two choices each: 6 + 4 * 5 = 26 > 25
    body = {"model": MODEL, "prompt": ["a b c", "d e f"], "max_tokens": 5, "n": 2}
    rejected = client.post(TEXT, json=body)
    assert error_of(rejected)["code"] == "tokens_per_minute"
    assert client.post(TEXT, json=dict(body, max_tokens=4)).status_code == 200  # 6 + 16 = 22


# ---------------------------------------------------------------------------------------------
# settings, the pytest marker, the SDK and the shell


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError):
        RateLimits(rpm=0)
    with pytest.raises(ValueError):
        RateLimits(tpd=-1)
    with pytest.raises(ValueError):
        RateLimits(tpm=True)
    with pytest.raises(ValueError):
        RateLimits(default_completion_tokens=-1)
    with pytest.raises(TypeError):
        MockCerebrasServer(rate_limits={"rpm": 1})  # type: ignore[arg-type]
    server = make_server()
    with pytest.raises(TypeError):
        server.set_rate_limits({"rpm": 1}, api_key="k")  # type: ignore[arg-type]
    assert RateLimits(tpm=5, rpd=2).configured == {"requests_per_day": 2, "tokens_per_minute": 5}


@pytest.mark.cerebras_mock(rate_limits=RateLimits(rpm=1), time_scale=0)
def test_marker_and_sdk_client(cerebras_mock: MockCerebrasServer) -> None:
    with Cerebras(
        api_key="sdk", base_url=cerebras_mock.base_url, warm_tcp_connection=False, max_retries=0
    ) as sdk:
        raw = sdk.chat.completions.with_raw_response.create(
            model=MODEL, messages=[{"role": "user", "content": "one two three"}]
        )
        assert raw.rate_limits.remaining_requests_day == 14399  # informational: rpd is not configured
        with pytest.raises(RateLimitError) as caught:
            sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "one two three"}])
    assert caught.value.body == {
        "message": "Rate limit exceeded: 1 request per minute.",
        "type": "too_many_requests_error",
        "param": None,
        "code": "requests_per_minute",
    }
    assert caught.value.response.headers["retry-after"] == "60.000"


def test_sdk_retry_waits_the_real_seconds() -> None:
    # A mock minute lasts 1/3600 s... make it 0.2 s: rpm=1 at time_scale=300.
    server = MockCerebrasServer(time_scale=300, rate_limits=RateLimits(rpm=1))
    transport_client = httpx.Client(transport=server.transport())
    with Cerebras(
        api_key="sdk", http_client=transport_client, warm_tcp_connection=False, max_retries=1
    ) as sdk:
        sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "one two three"}])
        started = time.monotonic()
        sdk.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "one two three"}]
        )  # a 429, then a wait
        waited = time.monotonic() - started
    assert [r.path for r in server.requests] == [CHAT] * 3
    assert 0.1 < waited < 2.0


def test_command_line_options() -> None:
    args, _ = _parse_args(
        ["--rpm", "5", "--tpd", "1000", "--no-retry-after", "--default-completion-tokens", "7"]
    )
    assert rate_limits_from(args) == RateLimits(
        rpm=5, tpd=1000, retry_after=False, default_completion_tokens=7
    )
    assert rate_limits_from(_parse_args([])[0]) is None
    with pytest.raises(SystemExit):
        _parse_args(["--rpm", "0"])


def test_command_line_server_enforces_limits() -> None:
    command = [sys.executable, "-m", "cerebras.cloud.sdk.testing", "--rpm", "1", "--time-scale", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        statuses: List[int] = []
        with httpx.Client(base_url=base_url, timeout=10) as client:
            for _ in range(2):
                statuses.append(
                    client.post(CHAT, content=json.dumps({"model": MODEL, "messages": THREE})).status_code
                )
        assert statuses == [200, 429]
    finally:
        proc.terminate()
        proc.wait(10)
