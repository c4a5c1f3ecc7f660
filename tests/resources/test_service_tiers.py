"""Service tiers: the `queue_threshold` header, its rejection, `service_tier_used`; and the two
statuses Cerebras documents beyond SDK 1.91 (402, 503)."""

from __future__ import annotations

import json
from typing import Any, List

import httpx
import pytest
import respx

from cerebras.cloud.sdk import (
    APIStatusError,
    InternalServerError,
    PaymentRequiredError,
    QueueThresholdExceededError,
    RateLimitError,
    ServiceUnavailableError,
)

MakeClient = Any

CHAT = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp",
    "service_tier_used": "flex",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
}
MESSAGES: List[Any] = [{"role": "user", "content": "hi"}]
QUEUE_REJECTION = {
    "message": "expected queue time 900 ms exceeds queue_threshold 500 ms",
    "type": "queue_threshold_exceeded",
    "code": "queue_threshold_exceeded",
}
FAST = {"retry-after-ms": "1"}


def _create(client: Any, **params: Any) -> Any:
    return client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES, **params)


@pytest.mark.parametrize("endpoint", ["chat", "text"])
def test_queue_threshold_is_sent_as_its_documented_header(
    router: respx.MockRouter, make_client: MakeClient, endpoint: str
) -> None:
    client = make_client()
    if endpoint == "chat":
        route = router.post("/v1/chat/completions").respond(json=CHAT)
        reply = _create(client, service_tier="auto", queue_threshold=500)
        assert reply.service_tier_used == "flex"
    else:
        route = router.post("/v1/completions").respond(
            json={**CHAT, "object": "text_completion", "choices": [{"index": 0, "text": "ok"}]}
        )
        client.completions.create(model="llama3.1-8b", prompt="hi", queue_threshold=20000)
    request = route.calls.last.request
    assert request.headers["queue_threshold"] == ("500" if endpoint == "chat" else "20000")
    assert "queue_threshold" not in json.loads(request.content)


@pytest.mark.parametrize(("value", "error"), [(49, ValueError), (20001, ValueError), (0, ValueError)])
def test_a_threshold_outside_the_documented_range_is_refused_before_sending(
    router: respx.MockRouter, make_client: MakeClient, value: int, error: type
) -> None:
    route = router.post("/v1/chat/completions").respond(json=CHAT)
    with pytest.raises(error, match=r"queue_threshold must be between 50 and 20000 milliseconds, got "):
        _create(make_client(), service_tier="flex", queue_threshold=value)
    assert not route.called


@pytest.mark.parametrize("value", [500.5, "500", True, None])
def test_a_threshold_that_is_not_an_int_is_refused(
    router: respx.MockRouter, make_client: MakeClient, value: Any
) -> None:
    route = router.post("/v1/chat/completions").respond(json=CHAT)
    with pytest.raises(TypeError, match="queue_threshold must be an int number of milliseconds"):
        _create(make_client(), service_tier="flex", queue_threshold=value)
    assert not route.called


def test_the_limits_themselves_are_accepted(router: respx.MockRouter, make_client: MakeClient) -> None:
    route = router.post("/v1/chat/completions").respond(json=CHAT)
    for value in (50, 20000):
        _create(make_client(), service_tier="flex", queue_threshold=value)
    assert [c.request.headers["queue_threshold"] for c in route.calls] == ["50", "20000"]


def test_a_queue_rejection_raises_at_once_without_retrying(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    route = router.post("/v1/chat/completions").respond(429, json=QUEUE_REJECTION, headers=FAST)
    with pytest.raises(QueueThresholdExceededError) as info:
        _create(make_client(max_retries=2), service_tier="flex", queue_threshold=500)
    assert route.call_count == 1
    assert isinstance(info.value, RateLimitError)
    assert info.value.status_code == 429
    assert "exceeds queue_threshold" in info.value.message


@pytest.mark.anyio
async def test_the_async_client_does_not_retry_a_queue_rejection_either(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    route = router.post("/v1/chat/completions").respond(429, json={"error": QUEUE_REJECTION}, headers=FAST)
    client = make_client("async", max_retries=2)
    with pytest.raises(QueueThresholdExceededError):
        await client.chat.completions.create(
            model="llama3.1-8b", messages=MESSAGES, service_tier="auto", queue_threshold=100
        )
    assert route.call_count == 1


def test_an_ordinary_429_on_a_threshold_request_is_retried(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    route = router.post("/v1/chat/completions")
    route.side_effect = [
        httpx.Response(429, json={"message": "slow down", "code": "too_many_requests"}, headers=FAST),
        httpx.Response(200, json=CHAT),
    ]
    _create(make_client(max_retries=2), service_tier="flex", queue_threshold=500)
    assert route.call_count == 2


def test_without_a_threshold_header_the_rejection_class_still_applies_after_retries(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    # Sent through extra_headers the SDK cannot know a threshold was meant; the class still tells.
    route = router.post("/v1/chat/completions").respond(429, json=QUEUE_REJECTION, headers=FAST)
    with pytest.raises(QueueThresholdExceededError):
        _create(make_client(max_retries=1))
    assert route.call_count == 2


def test_service_tier_used_and_service_tier_both_parse(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    router.post("/v1/chat/completions").respond(
        json={**CHAT, "service_tier_used": None, "service_tier": "default"}
    )
    reply = _create(make_client())
    assert reply.service_tier_used is None
    assert reply.service_tier == "default"
    assert (reply.service_tier_used or reply.service_tier) == "default"


def test_stream_chunks_carry_service_tier_used(router: respx.MockRouter, make_client: MakeClient) -> None:
    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp",
        "service_tier_used": "priority",
        "choices": [{"index": 0, "delta": {"content": "ok"}}],
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
    router.post("/v1/chat/completions").respond(content=body, headers={"content-type": "text/event-stream"})
    chunks = list(_create(make_client(), stream=True))
    assert [c.service_tier_used for c in chunks] == ["priority"]


# --------------------------------------------------------------------------- 402 and 503


def test_402_raises_payment_required_and_is_not_retried(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    route = router.post("/v1/chat/completions").respond(402, json={"message": "add a card"}, headers=FAST)
    with pytest.raises(PaymentRequiredError) as info:
        _create(make_client(max_retries=2))
    assert route.call_count == 1
    assert isinstance(info.value, APIStatusError)
    assert info.value.status_code == 402


def test_503_raises_service_unavailable_after_the_usual_retries(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    route = router.post("/v1/chat/completions").respond(503, json={"message": "busy"}, headers=FAST)
    with pytest.raises(InternalServerError) as info:  # what code written for SDK 1.91 catches
        _create(make_client(max_retries=2))
    assert type(info.value) is ServiceUnavailableError
    assert info.value.status_code == 503
    assert route.call_count == 3
