"""`client.batches`: the exact wire (JSON create, DELETE to cancel, list query), the Batch model's
leniency (string `errors`, unknown statuses, null counts), results streamed as typed lines, and
`wait()` polling with backoff, on a fake clock.

Every test runs with the blocking client and the async one under asyncio and trio.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from typing import Any, AsyncIterator, Dict, Iterator, List, Optional

import httpx
import pytest
import respx
from typing_extensions import get_args

from cerebras.cloud.sdk import (
    TERMINAL_BATCH_STATUSES,
    APIResponse,
    APIResponseValidationError,
    AsyncAPIResponse,
    AsyncCerebras,
    BadRequestError,
    BatchWaitTimeout,
    CerebrasError,
    LineDecodeError,
)
from cerebras.cloud.sdk.resources import _batch_wait
from cerebras.cloud.sdk.resources._batch_wait import BatchPoller
from cerebras.cloud.sdk.types import Batch, BatchRequestCounts, BatchResult, BatchStatus
from cerebras.cloud.sdk.types.batch_result import BatchResultError
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse

from ._support import body_of, resolve

pytestmark = pytest.mark.anyio

BATCH: Dict[str, Any] = {
    "id": "batch_abc123",
    "object": "batch",
    "endpoint": "/v1/chat/completions",
    "errors": None,
    "input_file_id": "file-abc123",
    "completion_window": "24h",
    "status": "validating",
    "output_file_id": None,
    "error_file_id": None,
    "created_at": 1765172961,
    "in_progress_at": None,
    "expires_at": None,
    "finalizing_at": None,
    "completed_at": None,
    "failed_at": None,
    "expired_at": None,
    "cancelling_at": None,
    "cancelled_at": None,
    "request_counts": {"total": 0, "completed": 0, "failed": 0},
    "metadata": {"team": "eval"},
}


def batch(**changes: Any) -> Dict[str, Any]:
    return {**BATCH, **changes}


SUCCEEDED = {
    "custom_id": "req-001",
    "status": "succeeded",
    "response": {
        "id": "cmpl_1",
        "object": "chat.completion",
        "created": 1765172961,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_1",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    },
}
FAILED = {
    "custom_id": "req-002",
    "status": "failed",
    "error": {"code": "invalid_request", "message": "Prompt length exceeds model limit."},
}


def jsonl(*items: Dict[str, Any]) -> bytes:
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


async def items_of(stream: Any, limit: Optional[int] = None) -> List[Any]:
    out: List[Any] = []
    if hasattr(stream, "__anext__"):
        async for item in stream:
            out.append(item)
            if len(out) == limit:
                break
    else:
        for item in stream:
            out.append(item)
            if len(out) == limit:
                break
    return out


# ------------------------------------------------------------------------------------------ wire


async def test_create_posts_the_json_body(any_client: Any, router: respx.MockRouter) -> None:
    route = router.post("/v1/batches").respond(200, json=BATCH)

    result = await resolve(
        any_client.batches.create(
            input_file_id="file-abc123",
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"team": "eval", "custom_tags": ["q3"]},
        )
    )

    request = route.calls.last.request
    assert request.method == "POST" and request.url == "http://127.0.0.1:4010/v1/batches"
    assert request.headers["content-type"] == "application/json"
    assert body_of(request) == {
        "input_file_id": "file-abc123",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "metadata": {"team": "eval", "custom_tags": ["q3"]},
    }
    assert isinstance(result, Batch) and result.status == "validating"
    assert result.request_counts == BatchRequestCounts(total=0, completed=0, failed=0)
    assert result.metadata == {"team": "eval"}


async def test_create_sends_any_endpoint_and_window_as_given(
    any_client: Any, router: respx.MockRouter
) -> None:
    route = router.post("/v1/batches").respond(200, json=BATCH)
    await resolve(
        any_client.batches.create(
            input_file_id="file-1", endpoint="/v1/completions", completion_window="48h", extra_body={"x": 1}
        )
    )
    assert body_of(route.calls.last.request) == {
        "input_file_id": "file-1",
        "endpoint": "/v1/completions",
        "completion_window": "48h",
        "x": 1,
    }


async def test_retrieve_list_and_cancel_routes(any_client: Any, router: respx.MockRouter) -> None:
    got = router.get("/v1/batches/batch_abc123").respond(200, json=batch(status="in_progress"))
    cancelled = router.delete("/v1/batches/batch_abc123").respond(200, json=batch(status="cancelling"))
    listed = router.get("/v1/batches").respond(
        200, json={"object": "list", "data": [BATCH], "has_more": False}
    )

    assert (await resolve(any_client.batches.retrieve("batch_abc123"))).status == "in_progress"
    result = await resolve(any_client.batches.cancel("batch_abc123"))
    listing = any_client.batches.list(after="batch_0", limit=1)
    page = await listing if isinstance(any_client, AsyncCerebras) else listing

    assert got.calls.last.request.method == "GET"
    cancel_request = cancelled.calls.last.request
    assert cancel_request.method == "DELETE"  # not POST .../cancel
    assert cancel_request.url.path == "/v1/batches/batch_abc123"
    assert cancel_request.content == b""
    assert isinstance(result, Batch) and result.status == "cancelling"
    assert listed.calls.last.request.url.query == b"after=batch_0&limit=1"
    assert [b.id for b in page.data] == ["batch_abc123"]


@pytest.mark.parametrize("limit", [0, 101])
async def test_list_limit_is_checked_before_any_request(
    any_client: Any, router: respx.MockRouter, limit: int
) -> None:
    route = router.get("/v1/batches").respond(200, json={"data": []})
    with pytest.raises(ValueError, match="limit"):
        any_client.batches.list(limit=limit)
    assert route.call_count == 0


async def test_raw_and_streaming_wrappers(any_client: Any, router: respx.MockRouter) -> None:
    router.delete("/v1/batches/b1").respond(200, json=batch(id="b1", status="cancelling"))
    router.get("/v1/batches/b1/results").respond(200, content=jsonl(SUCCEEDED))
    batches = any_client.batches
    if isinstance(any_client, AsyncCerebras):
        raw = await batches.with_raw_response.cancel("b1")
        assert isinstance(raw, AsyncAPIResponse) and raw.http_request.method == "DELETE"
        assert (await raw.parse()).status == "cancelling"
        async with batches.with_streaming_response.results("b1") as response:
            assert isinstance(response, AsyncAPIResponse)
            assert [json.loads(line) async for line in response.iter_lines()] == [SUCCEEDED]
        raw_results = await batches.with_raw_response.retrieve_results("b1")
        results = await items_of(await raw_results.parse())
    else:
        raw = batches.with_raw_response.cancel("b1")
        assert isinstance(raw, APIResponse) and raw.http_request.method == "DELETE"
        assert raw.parse().status == "cancelling"
        with batches.with_streaming_response.results("b1") as response:
            assert isinstance(response, APIResponse)
            assert [json.loads(line) for line in response.iter_lines()] == [SUCCEEDED]
        results = list(batches.with_raw_response.retrieve_results("b1").parse())
    assert [r.custom_id for r in results] == ["req-001"]
    assert not hasattr(batches.with_raw_response, "wait")
    assert any_client.with_raw_response.batches is batches.with_raw_response
    assert any_client.with_streaming_response.batches is batches.with_streaming_response
    assert any_client.with_raw_response.files is any_client.files.with_raw_response
    assert any_client.with_streaming_response.files is any_client.files.with_streaming_response


# ------------------------------------------------------------------------------------------ the model


def test_errors_load_as_an_object_or_a_string_and_unknown_statuses_load_even_strictly() -> None:
    as_text = Batch.model_validate(batch(status="failed", errors="model not supported for batch"))
    as_object = Batch.model_validate(batch(status="failed", errors={"data": [{"code": "x", "line": 3}]}))
    odd = Batch.model_validate(batch(status="calling", request_counts=None, new_field=[1]))
    assert as_text.errors == "model not supported for batch"
    assert as_object.errors == {"data": [{"code": "x", "line": 3}]}
    assert odd.status == "calling" and odd.request_counts is None
    assert odd.model_extra == {"new_field": [1]}


@pytest.mark.parametrize(
    "module",
    [
        "batch",
        "batch_result",
        "file_object",
        "file_deleted",
        "file_create_params",
        "file_list_params",
        "batch_create_params",
        "batch_list_params",
    ],
)
def test_every_class_and_field_is_documented(module: str) -> None:
    mod = importlib.import_module(f"cerebras.cloud.sdk.types.{module}")
    tree = ast.parse(inspect.getsource(mod))
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert sorted(c.name for c in classes) == sorted(
        n for n in mod.__all__ if isinstance(getattr(mod, n), type)
    )
    for cls in classes:
        assert ast.get_docstring(cls), cls.name
        body = cls.body
        for index, node in enumerate(body):
            if isinstance(node, ast.AnnAssign):
                following = body[index + 1] if index + 1 < len(body) else None
                assert isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant), (
                    f"{module}.{cls.name}.{ast.unparse(node.target)} has no docstring"
                )


def test_terminal_statuses() -> None:
    assert set(TERMINAL_BATCH_STATUSES) == {"completed", "failed", "expired", "cancelled"}
    assert get_args(BatchStatus) == (
        "validating",
        "queued",
        "in_progress",
        "finalizing",
        "completed",
        "expired",
        "failed",
        "cancelling",
        "cancelled",
    )


# ------------------------------------------------------------------------------------------ results


class Body:
    def __init__(self, chunks: List[bytes]) -> None:
        self.chunks = chunks
        self.produced = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.produced += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.produced += 1
            yield chunk

    def response(self, is_async: bool) -> httpx.Response:
        return httpx.Response(200, content=self.__aiter__() if is_async else iter(self))


async def test_results_are_typed_and_streamed(any_client: Any, router: respx.MockRouter) -> None:
    is_async = isinstance(any_client, AsyncCerebras)
    lines = [jsonl(SUCCEEDED), jsonl(FAILED)] * 500
    body = Body(lines)
    route = router.get("/v1/batches/batch_abc123/results").mock(
        side_effect=lambda request: body.response(is_async)
    )

    stream = await resolve(any_client.batches.results("batch_abc123"))
    first, second = await items_of(stream, limit=2)
    assert body.produced < len(lines)  # results arrive before the body ends

    assert isinstance(first, BatchResult) and first.status == "succeeded"
    assert isinstance(first.response, ChatCompletionResponse)
    assert first.response.choices[0].message.content == "Hi"
    assert first.error is None
    assert second.status == "failed" and second.response is None
    assert second.error == BatchResultError(
        code="invalid_request", message="Prompt length exceeds model limit."
    )
    rest = await items_of(stream)
    assert len(rest) == 998 and stream.response.is_closed
    assert route.calls.last.request.method == "GET"


async def test_retrieve_results_is_the_same_call(any_client: Any, router: respx.MockRouter) -> None:
    route = router.get("/v1/batches/b/results").respond(200, content=jsonl(FAILED, SUCCEEDED))
    stream = await resolve(any_client.batches.retrieve_results("b"))
    if isinstance(any_client, AsyncCerebras):
        async with stream as results:
            ids = [r.custom_id async for r in results]
    else:
        with stream as results:
            ids = [r.custom_id for r in results]
    assert ids == ["req-002", "req-001"]
    assert route.call_count == 1


async def test_a_line_that_is_not_json_names_its_number_and_the_rest_stays_readable(
    any_client: Any, router: respx.MockRouter
) -> None:
    body = jsonl(SUCCEEDED) + b"\n" + b'{"custom_id": "req-3", "status": \n' + jsonl(FAILED)
    router.get("/v1/batches/b/results").respond(200, content=body)

    stream = await resolve(any_client.batches.results("b"))
    read = await items_of(stream, limit=1)
    with pytest.raises(LineDecodeError) as caught:
        await items_of(stream)
    error = caught.value
    assert isinstance(error, APIResponseValidationError)
    assert error.line_number == 3  # counted over every line, the blank one included
    assert error.line == '{"custom_id": "req-3", "status": '
    assert "Line 3 of the response body is not valid JSON" in str(error)
    read += await items_of(stream)
    assert [r.custom_id for r in read] == ["req-001", "req-002"]


async def test_strict_clients_validate_each_result(any_strict_client: Any, router: respx.MockRouter) -> None:
    router.get("/v1/batches/b/results").respond(200, content=jsonl({"custom_id": 1, "status": "odd"}))
    stream = await resolve(any_strict_client.batches.results("b"))
    with pytest.raises(APIResponseValidationError):
        await items_of(stream)


async def test_lenient_clients_keep_odd_results(any_client: Any, router: respx.MockRouter) -> None:
    router.get("/v1/batches/b/results").respond(
        200, content=jsonl({"custom_id": "a", "status": "odd", "x": 1})
    )
    stream = await resolve(any_client.batches.results("b"))
    (result,) = await items_of(stream)
    assert result.status == "odd" and result.model_extra == {"x": 1}


async def test_results_asked_too_early_raise_the_status_error(
    any_client: Any, router: respx.MockRouter
) -> None:
    router.get("/v1/batches/b/results").respond(
        400, json={"error": {"message": "Batch 'b' is in_progress", "code": "batch_not_ready"}}
    )
    with pytest.raises(BadRequestError, match="in_progress"):
        await resolve(any_client.batches.results("b"))


# ------------------------------------------------------------------------------------------ wait


class FakeTime:
    """A clock that moves only when slept on; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(_batch_wait, "clock", fake.clock)
    monkeypatch.setattr(_batch_wait, "sleep", fake.sleep)
    monkeypatch.setattr(_batch_wait, "async_sleep", fake.async_sleep)
    return fake


def polls(router: respx.MockRouter, statuses: List[str]) -> respx.Route:
    responses = [httpx.Response(200, json=batch(status=s)) for s in statuses]
    return router.get("/v1/batches/batch_abc123").mock(side_effect=responses)


async def test_wait_returns_the_batch_once_it_is_final(
    any_client: Any, router: respx.MockRouter, fake_time: FakeTime
) -> None:
    route = polls(router, ["validating", "in_progress", "completed"])
    seen: List[str] = []

    result = await resolve(
        any_client.batches.wait(
            "batch_abc123", poll_interval=2.0, on_progress=lambda b: seen.append(b.status)
        )
    )

    assert isinstance(result, Batch) and result.status == "completed"
    assert route.call_count == 3
    assert seen == ["validating", "in_progress", "completed"]  # every poll, the last one included
    assert len(fake_time.sleeps) == 2
    assert 1.8 <= fake_time.sleeps[0] <= 2.0 and 2.7 <= fake_time.sleeps[1] <= 3.0


@pytest.mark.parametrize("final", sorted(TERMINAL_BATCH_STATUSES))
async def test_every_final_status_ends_the_wait(
    any_client: Any, router: respx.MockRouter, fake_time: FakeTime, final: str
) -> None:
    polls(router, ["finalizing", final, "completed"])
    result = await resolve(any_client.batches.wait("batch_abc123"))
    assert result.status == final and len(fake_time.sleeps) == 1


async def test_wait_gives_up_after_the_timeout_with_the_last_batch(
    any_client: Any, router: respx.MockRouter, fake_time: FakeTime
) -> None:
    route = polls(
        router, ["validating", "in_progress", "in_progress", "in_progress", "in_progress", "completed"]
    )
    progress: List[Batch] = []

    with pytest.raises(BatchWaitTimeout) as caught:
        await resolve(
            any_client.batches.wait(
                "batch_abc123",
                timeout=4.0,
                poll_interval=1.0,
                max_poll_interval=30.0,
                on_progress=progress.append,
            )
        )

    error = caught.value
    assert isinstance(error, CerebrasError) and isinstance(error, TimeoutError)
    assert error.batch.status == "in_progress" and error.batch is progress[-1]
    assert "batch_abc123" in str(error) and "in_progress" in str(error)
    assert sum(fake_time.sleeps) == pytest.approx(4.0)  # the last pause is cut to the deadline
    assert route.call_count == len(progress) == 4  # polls at ~0, ~1, ~2.5 and at the deadline


async def test_wait_with_timeout_zero_polls_once(
    any_client: Any, router: respx.MockRouter, fake_time: FakeTime
) -> None:
    polls(router, ["queued"])
    with pytest.raises(BatchWaitTimeout):
        await resolve(any_client.batches.wait("batch_abc123", timeout=0))
    assert fake_time.sleeps == []


async def test_wait_backs_off_up_to_the_cap(
    any_client: Any, router: respx.MockRouter, fake_time: FakeTime
) -> None:
    polls(router, ["in_progress"] * 8 + ["completed"])
    await resolve(any_client.batches.wait("batch_abc123", poll_interval=1.0, max_poll_interval=4.0))
    expected = [1.0, 1.5, 2.25, 3.375, 4.0, 4.0, 4.0, 4.0]
    assert len(fake_time.sleeps) == len(expected)
    for slept, base in zip(fake_time.sleeps, expected):
        assert base * 0.9 <= slept <= base  # up to 10 % of jitter, never above the cap
    assert len(set(fake_time.sleeps[4:])) > 1  # the jitter varies


async def test_wait_refuses_bad_settings(
    any_client: Any, router: respx.MockRouter, fake_time: FakeTime
) -> None:
    route = polls(router, ["completed"])
    with pytest.raises(ValueError, match="poll_interval"):
        await resolve(any_client.batches.wait("batch_abc123", poll_interval=0))
    with pytest.raises(ValueError, match="max_poll_interval"):
        await resolve(any_client.batches.wait("batch_abc123", poll_interval=5, max_poll_interval=1))
    with pytest.raises(ValueError, match="timeout"):
        await resolve(any_client.batches.wait("batch_abc123", timeout=-1))
    assert route.call_count == 0


def test_the_poller_alone() -> None:
    poller = BatchPoller(
        timeout=10.0, poll_interval=2.0, max_poll_interval=3.0, started=0.0, jitter=lambda: 0.0
    )
    running = Batch.model_construct(id="b", status="in_progress")
    assert poller.after_poll(running, 0.0) == 2.0
    assert poller.after_poll(running, 2.0) == 3.0
    assert poller.after_poll(running, 5.0) == 3.0
    assert poller.after_poll(running, 9.0) == 1.0  # cut to the deadline
    assert poller.after_poll(Batch.model_construct(id="b", status="expired"), 10.0) is None
    with pytest.raises(BatchWaitTimeout):
        poller.after_poll(running, 10.0)


async def test_the_real_wait_sleeps(any_client: Any, router: respx.MockRouter) -> None:
    polls(router, ["in_progress", "completed"])
    result = await resolve(
        any_client.batches.wait("batch_abc123", poll_interval=0.005, max_poll_interval=0.005)
    )
    assert result.status == "completed"
