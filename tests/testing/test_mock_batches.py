"""The mock's Batch API (``/v1/batches``) on its controllable clock, driven with plain httpx."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

import httpx
import pytest

from cerebras.cloud.sdk.testing import BatchRules, BatchTiming, MockCerebrasServer, MockClock

BATCHES = "/v1/batches"
CHAT = "/v1/chat/completions"
MODEL = "llama3.1-8b"
DAY = 86400
BATCH_KEYS = [
    "id",
    "object",
    "endpoint",
    "errors",
    "input_file_id",
    "completion_window",
    "status",
    "output_file_id",
    "error_file_id",
    "created_at",
    "in_progress_at",
    "expires_at",
    "finalizing_at",
    "completed_at",
    "failed_at",
    "expired_at",
    "cancelling_at",
    "cancelled_at",
    "request_counts",
    "metadata",
]


@pytest.fixture
def server() -> MockCerebrasServer:
    return MockCerebrasServer(time_scale=0)  # frozen: batches move only with clock.advance()


@pytest.fixture
def client(server: MockCerebrasServer) -> Iterator[httpx.Client]:
    with httpx.Client(transport=server.transport(), base_url="http://mock") as c:
        yield c


def chat(content: str, model: str = MODEL, **extra: Any) -> Dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": content}], **extra}


def line(n: int, body: Optional[Dict[str, Any]] = None, **overrides: Any) -> Dict[str, Any]:
    item: Dict[str, Any] = {
        "custom_id": f"req-{n}",
        "method": "POST",
        "url": CHAT,
        "body": body or chat(f"q{n}"),
    }
    item.update(overrides)
    return item


def lines(count: int = 10) -> List[Dict[str, Any]]:
    return [line(n) for n in range(1, count + 1)]


def upload(client: httpx.Client, items: Sequence[Union[Dict[str, Any], str]]) -> str:
    text = "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items)
    response = client.post(
        "/v1/files", files={"file": ("in.jsonl", text.encode())}, data={"purpose": "batch"}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def create(client: httpx.Client, file_id: str, **extra: Any) -> httpx.Response:
    body = {"input_file_id": file_id, "endpoint": CHAT, "completion_window": "24h", **extra}
    return client.post(BATCHES, json=body)


def start(
    client: httpx.Client, items: Optional[Sequence[Union[Dict[str, Any], str]]] = None
) -> Dict[str, Any]:
    response = create(client, upload(client, lines() if items is None else items))
    assert response.status_code == 200, response.text
    return dict(response.json())


def get(client: httpx.Client, batch_id: str) -> Dict[str, Any]:
    response = client.get(f"{BATCHES}/{batch_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def results(client: httpx.Client, batch_id: str) -> List[Dict[str, Any]]:
    response = client.get(f"{BATCHES}/{batch_id}/results")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    return [json.loads(text) for text in response.text.splitlines()]


def error_of(response: httpx.Response) -> Dict[str, Any]:
    return dict(response.json()["error"])


# ---------------------------------------------------------------------------------------------
# create


def test_create_returns_a_validating_batch(server: MockCerebrasServer, client: httpx.Client) -> None:
    file_id = upload(client, lines())
    response = create(client, file_id, metadata={"custom_tags": ["q3"]})
    assert response.status_code == 200
    batch = response.json()
    assert list(batch) == BATCH_KEYS
    assert batch["id"].startswith("batch_") and batch["object"] == "batch"
    assert (batch["status"], batch["endpoint"], batch["completion_window"]) == ("validating", CHAT, "24h")
    assert batch["input_file_id"] == file_id and batch["metadata"] == {"custom_tags": ["q3"]}
    assert batch["created_at"] == int(server.clock.now())
    assert all(batch[key] is None for key in BATCH_KEYS[9:18] if key != "created_at")
    assert batch["errors"] is None and batch["output_file_id"] is None and batch["error_file_id"] is None
    assert batch["request_counts"] == {"total": 0, "completed": 0, "failed": 0}
    assert server.batches == [batch] and server.get_batch(batch["id"]) == batch


@pytest.mark.parametrize(
    ("change", "param", "code"),
    [
        ({"input_file_id": None}, "input_file_id", "missing_required_parameter"),
        ({"endpoint": "/v1/completions"}, "endpoint", "invalid_value"),
        ({"endpoint": None}, "endpoint", "missing_required_parameter"),
        ({"completion_window": "48h"}, "completion_window", "invalid_value"),
        ({"completion_window": 24}, "completion_window", "invalid_type"),
        ({"metadata": ["q3"]}, "metadata", "invalid_type"),
    ],
)
def test_create_validation(
    server: MockCerebrasServer, client: httpx.Client, change: Dict[str, Any], param: str, code: str
) -> None:
    body: Dict[str, Any] = {
        "input_file_id": upload(client, lines()),
        "endpoint": CHAT,
        "completion_window": "24h",
    }
    body.update(change)
    response = client.post(BATCHES, json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == 400
    assert (error_of(response)["param"], error_of(response)["code"]) == (param, code)
    assert server.batches == []


def test_create_needs_a_known_batch_file(server: MockCerebrasServer, client: httpx.Client) -> None:
    unknown = create(client, "file-nope")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "file_not_found"
    output = server.create_file("{}\n", purpose="batch_output")
    wrong_purpose = create(client, output["id"])
    assert wrong_purpose.status_code == 400 and error_of(wrong_purpose)["param"] == "input_file_id"
    not_an_object = client.post(BATCHES, json=["x"])
    assert not_an_object.status_code == 400 and error_of(not_an_object)["code"] == "invalid_json"


# ---------------------------------------------------------------------------------------------
# the happy path, phase by phase


def test_a_batch_walks_to_completed_on_the_clock(server: MockCerebrasServer, client: httpx.Client) -> None:
    batch = start(client)
    batch_id, created = batch["id"], batch["created_at"]
    server.clock.advance(0.1)
    assert get(client, batch_id)["status"] == "validating"
    server.clock.advance(0.1)
    running = get(client, batch_id)
    assert running["status"] == "in_progress" and running["in_progress_at"] == created
    assert running["expires_at"] == created + DAY
    assert running["request_counts"] == {"total": 10, "completed": 0, "failed": 0}
    early = client.get(f"{BATCHES}/{batch_id}/results")
    assert early.status_code == 400 and error_of(early)["code"] == "batch_not_ready"
    server.clock.advance(0.25)  # half of the 0.5 s in-progress phase
    assert get(client, batch_id)["request_counts"] == {"total": 10, "completed": 5, "failed": 0}
    assert [r["custom_id"] for r in server.batch_results(batch_id)] == [f"req-{n}" for n in range(1, 6)]
    server.clock.advance(0.25)
    finalizing = get(client, batch_id)
    assert finalizing["status"] == "finalizing" and finalizing["finalizing_at"] is not None
    assert finalizing["output_file_id"] is None
    server.clock.advance(0.1)
    done = get(client, batch_id)
    assert done["status"] == "completed" and done["completed_at"] is not None
    assert done["request_counts"] == {"total": 10, "completed": 10, "failed": 0}
    assert [done[k] for k in ("failed_at", "expired_at", "cancelling_at", "cancelled_at")] == [None] * 4
    got = results(client, batch_id)
    assert [r["custom_id"] for r in got] == [f"req-{n}" for n in range(1, 11)]
    first = got[0]
    assert first["status"] == "succeeded" and set(first) == {"custom_id", "status", "response"}
    assert first["response"]["object"] == "chat.completion"
    assert first["response"]["choices"][0]["message"]["content"] == "You said: q1"
    output = client.get(f"/v1/files/{done['output_file_id']}/content")
    assert output.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(t) for t in output.text.splitlines()] == got
    listed = client.get("/v1/files").json()["data"]
    assert [f["purpose"] for f in listed] == ["batch", "batch_output"]
    assert server.requests_to("chat") == []  # batch requests are not HTTP requests: not recorded


def test_one_big_step_runs_every_phase(server: MockCerebrasServer, client: httpx.Client) -> None:
    batch = start(client)
    server.clock.advance(DAY - 1)
    done = get(client, batch["id"])
    assert done["status"] == "completed"
    assert done["completed_at"] - done["created_at"] < 2  # it finished long before it was looked at


def test_lines_run_through_the_chat_route(server: MockCerebrasServer, client: httpx.Client) -> None:
    items = lines(7)
    items += [
        line(8, {"model": MODEL}),  # no messages: the chat route's validation fails it
        line(9, chat("streamed", stream=True, stream_options={"include_usage": True})),
        line(10, chat("tiered", service_tier="flex")),
    ]
    server.add_reply("scripted answer", route="chat")
    server.add_error(422, "Prompt length exceeds model limit.", code="invalid_request", route="chat")
    batch = start(client, items)
    server.clock.advance(1)
    assert get(client, batch["id"])["request_counts"] == {"total": 10, "completed": 8, "failed": 2}
    got = {r["custom_id"]: r for r in results(client, batch["id"])}
    assert got["req-1"]["response"]["choices"][0]["message"]["content"] == "scripted answer"
    assert got["req-2"] == {
        "custom_id": "req-2",
        "status": "failed",
        "error": {"code": "invalid_request", "message": "Prompt length exceeds model limit."},
    }
    assert got["req-3"]["response"]["choices"][0]["message"]["content"] == "You said: q3"
    assert (
        got["req-8"]["status"] == "failed" and got["req-8"]["error"]["code"] == "missing_required_parameter"
    )
    assert "messages" in got["req-8"]["error"]["message"]
    assert got["req-9"]["response"]["object"] == "chat.completion"  # a batch never streams
    assert got["req-10"]["response"]["service_tier_used"] == "flex"
    server.assert_all_used()


def test_a_scripted_stream_or_drop_fails_the_line(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.add_stream([{"x": 1}], route="chat")
    server.add_disconnect(route="chat")
    batch = start(client)
    server.clock.advance(1)
    got = results(client, batch["id"])
    assert [r["status"] for r in got[:3]] == ["failed", "failed", "succeeded"]
    assert got[0]["error"]["code"] == "server_error" and "stream" in got[0]["error"]["message"]
    assert "dropped" in got[1]["error"]["message"]


def test_unknown_models_fail_their_lines(server: MockCerebrasServer, client: httpx.Client) -> None:
    batch = start(client, [line(n, chat("x", model="no-such-model")) for n in range(1, 11)])
    server.clock.advance(1)
    got = results(client, batch["id"])
    assert {r["error"]["code"] for r in got} == {"model_not_found"}
    assert get(client, batch["id"])["request_counts"] == {"total": 10, "completed": 0, "failed": 10}


# ---------------------------------------------------------------------------------------------
# input file validation


def _replace(
    index: int, value: Union[Dict[str, Any], str], count: int = 10
) -> List[Union[Dict[str, Any], str]]:
    items: List[Union[Dict[str, Any], str]] = list(lines(count))
    items[index] = value
    return items


def _without(key: str) -> Dict[str, Any]:
    item = line(4)
    del item[key]
    return item


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (_replace(2, "{not json"), "Line 3: not valid JSON."),
        (_replace(2, "[1, 2]"), "Line 3: each line must be a JSON object."),
        (_replace(3, _without("custom_id")), "Line 4: missing required field 'custom_id'."),
        (_replace(3, _without("method")), "Line 4: missing required field 'method'."),
        (_replace(3, _without("url")), "Line 4: missing required field 'url'."),
        (_replace(3, _without("body")), "Line 4: missing required field 'body'."),
        (_replace(3, line(4, method="GET")), "Line 4: 'method' must be 'POST', got 'GET'."),
        (_replace(3, line(4, url="/v1/completions")), "Line 4: 'url' must be '/v1/chat/completions'"),
        (_replace(3, {**line(4), "body": "hi"}), "Line 4: 'body' must be a JSON object."),
        (_replace(3, line(4, custom_id="")), "Line 4: 'custom_id' must be a non-empty string."),
        (_replace(5, line(2)), "Line 6: custom_id 'req-2' is already used on line 2"),
        (_replace(6, line(7, chat("x", model="qwen-3-32b"))), "Line 7: model 'qwen-3-32b' differs from 'llama3.1-8b'"),
        (lines(9), "The input file holds 9 requests; a batch needs at least 10."),
    ],
    ids=[
        "not-json", "not-object", "no-custom-id", "no-method", "no-url", "no-body", "get", "wrong-url",
        "body-not-object", "empty-custom-id", "duplicate-custom-id", "two-models", "too-few",
    ],
)  # fmt: skip
def test_a_bad_input_file_fails_the_batch(
    server: MockCerebrasServer, client: httpx.Client, items: List[Union[Dict[str, Any], str]], expected: str
) -> None:
    batch = start(client, items)
    assert batch["status"] == "validating"  # validation happens when the batch leaves validating
    server.clock.advance(0.2)
    failed = get(client, batch["id"])
    assert failed["status"] == "failed" and failed["failed_at"] == failed["created_at"]
    assert isinstance(failed["errors"], str) and failed["errors"].startswith(expected)
    assert failed["in_progress_at"] is None and failed["output_file_id"] is None
    assert failed["request_counts"] == {"total": 0, "completed": 0, "failed": 0}
    too_late = client.get(f"{BATCHES}/{batch['id']}/results")
    assert too_late.status_code == 400 and error_of(too_late)["code"] == "batch_failed"
    server.clock.advance(DAY * 2)
    assert get(client, batch["id"])["status"] == "failed"  # terminal
    cancel = client.delete(f"{BATCHES}/{batch['id']}")
    assert cancel.status_code == 400 and error_of(cancel)["code"] == "batch_not_cancellable"


def test_input_rules_are_adjustable(server: MockCerebrasServer, client: httpx.Client) -> None:
    assert server.batch_rules == BatchRules(min_requests=10, max_requests=50_000, single_model=True)
    mixed = [line(n, chat("x", model=("qwen-3-32b" if n % 2 else MODEL))) for n in range(1, 11)]
    server.batch_rules.single_model = False
    server.batch_rules.max_requests = 10
    allowed = start(client, mixed)
    too_many = start(client, lines(11))
    server.batch_rules = BatchRules(min_requests=1)
    tiny = start(client, lines(1))
    server.clock.advance(1)
    assert get(client, allowed["id"])["status"] == "completed"
    assert (
        get(client, too_many["id"])["errors"]
        == "The input file holds 11 requests; a batch allows at most 10."
    )
    assert get(client, tiny["id"])["status"] == "completed"


def test_blank_lines_are_skipped_and_line_numbers_kept(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    items: List[Union[Dict[str, Any], str]] = [*lines(10), "", "   "]
    items.insert(1, "")
    items.insert(5, "{broken")
    batch = start(client, items)
    server.clock.advance(0.2)
    assert get(client, batch["id"])["errors"] == "Line 6: not valid JSON."
    fine = start(client, [*lines(5), "", *[line(n) for n in range(6, 11)]])
    server.clock.advance(1)
    assert len(results(client, fine["id"])) == 10


# ---------------------------------------------------------------------------------------------
# cancel and expiry


def test_cancel_keeps_the_requests_already_done(server: MockCerebrasServer, client: httpx.Client) -> None:
    batch = start(client)
    server.clock.advance(0.2 + 0.25)
    cancelling = client.delete(f"{BATCHES}/{batch['id']}")
    assert cancelling.status_code == 200
    body = cancelling.json()
    assert body["status"] == "cancelling" and body["cancelling_at"] is not None
    assert client.delete(f"{BATCHES}/{batch['id']}").json()["status"] == "cancelling"  # idempotent
    assert client.get(f"{BATCHES}/{batch['id']}/results").status_code == 400
    server.clock.advance(0.05)
    assert get(client, batch["id"])["status"] == "cancelling"
    server.clock.advance(0.05)
    cancelled = get(client, batch["id"])
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] is not None
    assert cancelled["request_counts"] == {"total": 10, "completed": 5, "failed": 0}
    assert cancelled["completed_at"] is None and cancelled["output_file_id"] is not None
    partial = results(client, batch["id"])
    assert [r["custom_id"] for r in partial] == [f"req-{n}" for n in range(1, 6)]
    assert all(r["status"] == "succeeded" for r in partial)
    assert server.file_content(cancelled["output_file_id"]).count(b"\n") == 5
    again = client.delete(f"{BATCHES}/{batch['id']}")
    assert again.status_code == 400 and error_of(again)["code"] == "batch_not_cancellable"


def test_cancel_before_validation_leaves_no_results(server: MockCerebrasServer, client: httpx.Client) -> None:
    batch = start(client)
    assert client.delete(f"{BATCHES}/{batch['id']}").json()["status"] == "cancelling"
    server.clock.advance(1)
    cancelled = get(client, batch["id"])
    assert cancelled["status"] == "cancelled" and cancelled["in_progress_at"] is None
    assert results(client, batch["id"]) == []


def test_the_24h_window_expires_unfinished_requests(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.batch_timing.in_progress = 2 * DAY  # one request every 17,280 s: four finish within the day
    batch = start(client)
    server.clock.advance(DAY - 1)
    assert get(client, batch["id"])["request_counts"]["completed"] == 4
    server.clock.advance(1)
    expired = get(client, batch["id"])
    assert expired["status"] == "expired"
    assert expired["expired_at"] == expired["created_at"] + DAY == expired["expires_at"]
    assert expired["request_counts"] == {"total": 10, "completed": 4, "failed": 6}
    got = results(client, batch["id"])
    assert [r["status"] for r in got] == ["succeeded"] * 4 + ["expired"] * 6
    assert got[4] == {
        "custom_id": "req-5",
        "status": "expired",
        "error": {"code": "timeout", "message": "The batch expired before this request was processed."},
    }
    assert expired["output_file_id"] is not None


def test_a_batch_still_validating_can_expire(server: MockCerebrasServer) -> None:
    server.batch_timing = BatchTiming(validating=2 * DAY)
    with httpx.Client(transport=server.transport(), base_url="http://mock") as client:
        batch = start(client)
        server.clock.advance(3 * DAY)
        expired = get(client, batch["id"])
        assert expired["status"] == "expired" and expired["in_progress_at"] is None
        assert [r["status"] for r in results(client, batch["id"])] == ["expired"] * 10


def test_expire_and_fail_a_batch_on_demand(server: MockCerebrasServer, client: httpx.Client) -> None:
    batch = start(client)
    server.clock.advance(0.2 + 0.15)  # three requests done
    expired = server.expire_batch(batch["id"])
    assert expired["status"] == "expired" and expired["expired_at"] is not None
    assert expired["request_counts"] == {"total": 10, "completed": 3, "failed": 7}
    assert [r["status"] for r in results(client, batch["id"])] == ["succeeded"] * 3 + ["expired"] * 7
    with pytest.raises(ValueError, match="expired"):
        server.expire_batch(batch["id"])
    with pytest.raises(KeyError):
        server.expire_batch("batch_nope")
    other = start(client)
    failed = server.fail_batch(other["id"], "Model is not supported for batch.")
    assert failed["status"] == "failed" and failed["errors"] == "Model is not supported for batch."
    with pytest.raises(ValueError):
        server.fail_batch(other["id"])


# ---------------------------------------------------------------------------------------------
# list, unknown ids, methods, reset, the clock itself


def test_list_batches(server: MockCerebrasServer, client: httpx.Client) -> None:
    file_id = upload(client, lines())
    ids = [create(client, file_id).json()["id"] for _ in range(3)]
    page = client.get(BATCHES, params={"limit": 2}).json()
    assert page["object"] == "list" and page["has_more"] is True
    assert [b["id"] for b in page["data"]] == ids[:2]
    rest = client.get(BATCHES, params={"after": ids[1]}).json()
    assert [b["id"] for b in rest["data"]] == ids[2:] and rest["has_more"] is False
    server.clock.advance(1)
    assert {b["status"] for b in client.get(BATCHES).json()["data"]} == {"completed"}
    assert client.get(BATCHES, params={"limit": 101}).status_code == 400
    assert client.get(BATCHES, params={"after": "batch_nope"}).status_code == 400


def test_unknown_batches_and_wrong_methods(server: MockCerebrasServer, client: httpx.Client) -> None:
    for method, path in (("GET", "batch_x"), ("DELETE", "batch_x"), ("GET", "batch_x/results")):
        response = client.request(method, f"{BATCHES}/{path}")
        assert response.status_code == 404
        assert error_of(response)["code"] == "batch_not_found" and "batch_x" in error_of(response)["message"]
    batch = start(client)
    assert client.put(BATCHES).status_code == 405
    assert client.post(f"{BATCHES}/{batch['id']}").headers["allow"] == "GET, DELETE"
    assert client.post(f"{BATCHES}/{batch['id']}/results").status_code == 405
    assert client.post(f"{BATCHES}/{batch['id']}/cancel").status_code == 404  # cancel is DELETE
    with pytest.raises(KeyError):
        server.get_batch("batch_x")
    server.reset()
    assert server.batches == [] and server.files == []
    assert client.get(f"{BATCHES}/{batch['id']}").status_code == 404


def test_the_clock_follows_real_time_scaled() -> None:
    server = MockCerebrasServer(time_scale=1e7)  # 0.1 µs of real time is a mock second
    with httpx.Client(transport=server.transport(), base_url="http://mock") as client:
        batch = start(client)
        assert get(client, batch["id"])["status"] == "completed"  # no sleep, no advance
    clock = MockClock(time_scale=0, start=1000.0)
    assert clock.now() == 1000.0 and clock.advance(5) == 1005.0 == clock.now()
    clock.time_scale = 0.0
    assert clock.time_scale == 0.0 and clock.now() == 1005.0
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.time_scale = -1
    with pytest.raises(ValueError):
        BatchTiming(validating=-1)


def test_batch_timing_is_read_at_creation(client: httpx.Client, server: MockCerebrasServer) -> None:
    fast = MockCerebrasServer(time_scale=0, batch_timing=BatchTiming(0, 0, 0, 0))
    with httpx.Client(transport=fast.transport(), base_url="http://mock") as quick:
        assert get(quick, start(quick)["id"])["status"] == "completed"
    batch = start(client)
    server.batch_timing.validating = 100  # later batches only
    server.clock.advance(0.2)
    assert get(client, batch["id"])["status"] == "in_progress"


@pytest.mark.cerebras_mock(time_scale=0)
def test_a_batch_over_a_real_socket(cerebras_mock: MockCerebrasServer) -> None:
    with httpx.Client(base_url=cerebras_mock.base_url, timeout=5) as client:
        batch = start(client)
        cerebras_mock.clock.advance(1)
        assert get(client, batch["id"])["status"] == "completed"
        assert len(results(client, batch["id"])) == 10


def test_create_batch_file_seeds_a_valid_input(server: MockCerebrasServer, client: httpx.Client) -> None:
    file = server.create_batch_file([chat(f"seeded {n}") for n in range(10)])
    assert file["purpose"] == "batch" and file["filename"] == "batch.jsonl"
    first = json.loads(server.file_content(file["id"]).splitlines()[0])
    assert first == {"custom_id": "request-1", "method": "POST", "url": CHAT, "body": chat("seeded 0")}
    batch = create(client, file["id"]).json()
    server.clock.advance(1)
    got = server.batch_results(batch["id"])
    assert got == results(client, batch["id"])
    assert got[9]["response"]["choices"][0]["message"]["content"] == "You said: seeded 9"
