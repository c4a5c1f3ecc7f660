"""The mock server's request log and response metadata, seen from the SDK's side: warm-up probes
kept apart, ``x-request-id`` and rate-limit headers, and recorded JSON bodies that read both as a
value and as httpx's ``json()``."""

from __future__ import annotations

import copy
import json
import re
import time
from typing import Any, Dict, List

import httpx
import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras, RateLimitError
from cerebras.cloud.sdk.testing import (
    JSONArray,
    JSONObject,
    MockCerebrasServer,
    RecordedHeaders,
    RecordedRequest,
)

CHAT = "/v1/chat/completions"
WARMING = "/v1/tcp_warming"
MODEL = "llama3.1-8b"
HI: List[Dict[str, Any]] = [{"role": "user", "content": "hi"}]
RATE_LIMIT_HEADERS = (
    "x-ratelimit-limit-requests-day",
    "x-ratelimit-limit-tokens-minute",
    "x-ratelimit-remaining-requests-day",
    "x-ratelimit-remaining-tokens-minute",
    "x-ratelimit-reset-requests-day",
    "x-ratelimit-reset-tokens-minute",
)


def paths(requests: List[RecordedRequest]) -> List[str]:
    return [r.path for r in requests]


# ---------------------------------------------------------------------------------------------
# warm-up probes are kept apart


def test_sync_client_warm_up_is_not_in_requests(cerebras_mock: MockCerebrasServer) -> None:
    with Cerebras(api_key="k", base_url=cerebras_mock.base_url) as client:  # warms up on construction
        client.chat.completions.create(model=MODEL, messages=HI)
    assert paths(cerebras_mock.requests) == [CHAT]
    assert cerebras_mock.last_request.path == CHAT
    assert paths(cerebras_mock.warmup_requests) == [WARMING]
    assert paths(cerebras_mock.all_requests) == [WARMING, CHAT]
    assert paths(cerebras_mock.requests_to("tcp_warming")) == [WARMING]  # asked for by name
    assert paths(cerebras_mock.requests_to(WARMING)) == [WARMING]
    assert paths(cerebras_mock.requests_to("*")) == [CHAT]
    assert paths(cerebras_mock.requests_to("*", include_warmup=True)) == [WARMING, CHAT]
    assert cerebras_mock.requests_to("tcp_warming", include_warmup=False) == []
    assert paths(cerebras_mock.wait_for_requests(1)) == [CHAT]
    assert paths(cerebras_mock.wait_for_requests(2, include_warmup=True)) == [WARMING, CHAT]
    cerebras_mock.clear_requests()
    assert cerebras_mock.all_requests == [] and cerebras_mock.warmup_requests == []


def test_late_warm_up_does_not_become_last_request(cerebras_mock: MockCerebrasServer) -> None:
    # The order AsyncCerebras usually produces: its background warm-up lands after the user's call.
    with httpx.Client(base_url=cerebras_mock.base_url) as client:
        client.post(CHAT, json={"model": MODEL, "messages": HI})
        client.get(WARMING)
    assert cerebras_mock.last_request.path == CHAT
    assert paths(cerebras_mock.requests) == [CHAT]
    assert paths(cerebras_mock.all_requests) == [CHAT, WARMING]


def test_only_warm_ups_means_no_last_request(cerebras_mock: MockCerebrasServer) -> None:
    httpx.get(cerebras_mock.url(WARMING))
    assert cerebras_mock.requests == []
    with pytest.raises(LookupError):
        _ = cerebras_mock.last_request
    with pytest.raises(TimeoutError):
        cerebras_mock.wait_for_requests(1, timeout=0.05)
    cerebras_mock.reset()
    assert cerebras_mock.warmup_requests == []


@pytest.mark.anyio
async def test_async_client_warm_up_is_not_last_request(cerebras_mock: MockCerebrasServer) -> None:
    async with AsyncCerebras(api_key="k", base_url=cerebras_mock.base_url) as client:
        await client.chat.completions.create(model=MODEL, messages=HI)
        cerebras_mock.wait_for_requests(2, include_warmup=True)  # the background warm-up arrived too
    assert cerebras_mock.last_request.path == CHAT
    assert paths(cerebras_mock.requests) == [CHAT]
    assert paths(cerebras_mock.warmup_requests) == [WARMING]


# ---------------------------------------------------------------------------------------------
# x-request-id and rate-limit headers


def test_every_response_has_a_request_id_and_rate_limits(cerebras_mock: MockCerebrasServer) -> None:
    with httpx.Client(base_url=cerebras_mock.base_url) as client:
        responses = [
            client.post(CHAT, json={"model": MODEL, "messages": HI}),
            client.get("/v1/models"),
            client.get("/v1/nope"),  # errors too
            client.get(WARMING),
        ]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 4
    assert [r.request_id for r in cerebras_mock.all_requests] == ids
    for response in responses:
        assert all(name in response.headers for name in RATE_LIMIT_HEADERS)
    first, second = responses[0].headers, responses[1].headers
    assert first["x-ratelimit-limit-requests-day"] == "14400"
    assert first["x-ratelimit-limit-tokens-minute"] == "60000"
    assert (
        int(second["x-ratelimit-remaining-requests-day"])
        == int(first["x-ratelimit-remaining-requests-day"]) - 1
    )
    assert int(first["x-ratelimit-remaining-tokens-minute"]) < 60000
    assert 0 < float(first["x-ratelimit-reset-requests-day"]) <= 86400
    assert 0 < float(first["x-ratelimit-reset-tokens-minute"]) <= 60


def test_sdk_reads_request_id_and_rate_limits(cerebras_mock: MockCerebrasServer) -> None:
    with Cerebras(api_key="k", base_url=cerebras_mock.base_url, warm_tcp_connection=False) as client:
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=HI)
        completion = raw.parse()
        assert raw.request_id is not None and raw.request_id == cerebras_mock.last_request.request_id
        assert completion._request_id == raw.request_id
        limits = raw.rate_limits
        assert not limits.is_empty
        assert limits.limit_requests_day == 14400 and limits.limit_tokens_minute == 60000
        assert limits.remaining_requests_day == 14399
        assert limits.reset_requests_day is not None and limits.reset_tokens_minute is not None
        streamed = client.chat.completions.with_raw_response.create(model=MODEL, messages=HI, stream=True)
        assert streamed.request_id == cerebras_mock.last_request.request_id
        assert streamed.rate_limits.remaining_requests_day == 14398
        streamed.parse().close()


def test_scripted_headers_win(cerebras_mock: MockCerebrasServer) -> None:
    mine = {"x-request-id": "req-mine", "X-RateLimit-Remaining-Requests-Day": "0", "retry-after-ms": "1"}
    cerebras_mock.add_error(429, headers=mine)
    client = Cerebras(api_key="k", base_url=cerebras_mock.base_url, warm_tcp_connection=False, max_retries=0)
    with client, pytest.raises(RateLimitError) as caught:
        client.chat.completions.create(model=MODEL, messages=HI)
    error = caught.value
    assert error.request_id == "req-mine" and cerebras_mock.last_request.request_id == "req-mine"
    assert error.rate_limits.remaining_requests_day == 0
    assert error.rate_limits.limit_requests_day == 14400  # the figures it did not set are still sent
    assert error.response.headers.get_list("x-ratelimit-remaining-requests-day") == ["0"]
    assert error.response.headers.get_list("x-request-id") == ["req-mine"]


def test_dropped_connection_has_no_request_id(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.add_disconnect()
    with pytest.raises(httpx.TransportError):
        httpx.post(cerebras_mock.url(CHAT), json={"model": MODEL, "messages": HI})
    assert cerebras_mock.last_request.request_id is None


# ---------------------------------------------------------------------------------------------
# recorded JSON bodies: attribute and call


def test_recorded_json_reads_as_value_and_as_call(cerebras_mock: MockCerebrasServer) -> None:
    body = {"model": MODEL, "messages": HI, "max_completion_tokens": 5}
    with Cerebras(api_key="k", base_url=cerebras_mock.base_url, warm_tcp_connection=False) as client:
        client.chat.completions.create(model=MODEL, messages=HI, max_completion_tokens=5)
    request = cerebras_mock.last_request
    assert request.json() == body  # httpx's spelling
    assert request.json == body  # the attribute, as before
    assert request.json["model"] == MODEL and request.json()["messages"] == HI
    assert isinstance(request.json, dict) and isinstance(request.json, JSONObject)
    assert type(request.json()) is dict
    assert json.loads(json.dumps(request.json)) == body and copy.deepcopy(request.json) == body
    fresh = request.json()
    fresh["messages"][0]["content"] = "changed"
    assert request.json["messages"] == HI  # each call is a fresh copy


def test_recorded_json_other_shapes(cerebras_mock: MockCerebrasServer) -> None:
    with httpx.Client(base_url=cerebras_mock.base_url) as client:
        client.post(CHAT, content=b"[1, 2]")
        array = cerebras_mock.last_request.json
        assert isinstance(array, JSONArray) and array == [1, 2] and array() == [1, 2]
        client.post(CHAT, content=b'"text"')
        assert cerebras_mock.last_request.json == "text" and cerebras_mock.last_request.json() == "text"
        client.post(CHAT, content=b"3.5")
        assert cerebras_mock.last_request.json() == 3.5
        client.post(CHAT, content=b"true")
        assert cerebras_mock.last_request.json is True
        client.post(CHAT, content=b"not json")
        assert cerebras_mock.last_request.json is None
        client.get("/v1/models")
        assert cerebras_mock.last_request.json is None


def test_recorded_request_built_by_hand_gets_callable_json() -> None:
    request = RecordedRequest(
        method="POST",
        target="/x",
        path="/x",
        query={},
        query_items=[],
        headers=RecordedHeaders([("content-type", "application/json")]),
        body=b'{"a": 1}',
        received_at=time.time(),
        json={"a": 1},
    )
    assert request.json() == {"a": 1} == request.json and request.request_id is None
    assert RecordedRequest.parse_json(b'{"a": [1]}')() == {"a": [1]}
