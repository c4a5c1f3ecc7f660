"""The bulk runner against the bundled mock: order, concurrency, pacing, retries, errors, progress."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.lib.bulk import (
    BatchInputError,
    BulkProgress,
    Limits,
    aiter_results,
    arun_file,
    iter_results,
    run_file,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer, RateLimits


def chat(i: int, **body: Any) -> Dict[str, Any]:
    return {
        "custom_id": f"q-{i}",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "llama3.1-8b", "messages": [{"role": "user", "content": f"question {i}"}], **body},
    }


def text(i: int) -> Dict[str, Any]:
    return {
        "custom_id": f"t-{i}",
        "method": "POST",
        "url": "/v1/completions",
        "body": {"model": "llama3.1-8b", "prompt": f"prompt {i}", "max_tokens": 20},
    }


def sync_client(server: MockCerebrasServer) -> Cerebras:
    return Cerebras(
        api_key="test", base_url="http://mock", http_client=httpx.Client(transport=server.transport())
    )


def async_client(server: MockCerebrasServer, transport: Any = None) -> AsyncCerebras:
    return AsyncCerebras(
        api_key="test",
        base_url="http://mock",
        http_client=httpx.AsyncClient(transport=transport or server.async_transport()),
    )


def write_jsonl(path: Path, lines: List[Dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def read_jsonl(path: Path) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


class Counting(httpx.AsyncBaseTransport):
    """Wraps a transport and records the most requests it ever had in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.now -= 1


@pytest.fixture
def server() -> Iterator[MockCerebrasServer]:
    server = MockCerebrasServer()
    yield server


pytestmark = pytest.mark.anyio


async def test_results_come_in_completion_order_and_never_exceed_concurrency(
    server: MockCerebrasServer,
) -> None:
    server.add_delay(0.2)  # the first request answers last
    server.add_delay(0.01, times=None)
    counting = Counting(server.async_transport())
    client = async_client(server, counting)
    ids = [
        result.custom_id
        async for result in aiter_results(client, [chat(i) for i in range(20)], concurrency=4)
    ]
    assert sorted(ids) == sorted(f"q-{i}" for i in range(20))
    assert ids[-1] == "q-0"
    assert counting.peak == 4


async def test_chat_and_text_completions_in_one_run(server: MockCerebrasServer) -> None:
    results = [r async for r in aiter_results(async_client(server), [chat(0), text(1)])]
    by_id = {r.custom_id: r for r in results}
    assert by_id["q-0"].response is not None and by_id["q-0"].response["object"] == "chat.completion"
    assert by_id["t-1"].response is not None and by_id["t-1"].response["object"] == "text_completion"
    assert {r.path for r in server.requests} == {"/v1/chat/completions", "/v1/completions"}
    line = by_id["t-1"].to_line()
    assert set(line) == {"custom_id", "status", "response"} and line["status"] == "succeeded"


def test_pacing_follows_the_mock_rate_limits_without_429s() -> None:
    # 30 requests a mock minute, a mock minute lasting 0.1 s: 45 requests need 1.5 windows
    server = MockCerebrasServer(time_scale=600, rate_limits=RateLimits(rpm=30, tpm=100_000))
    started = server.clock.now()
    results = list(iter_results(sync_client(server), [chat(i, max_completion_tokens=50) for i in range(45)]))
    mock_seconds = server.clock.now() - started
    assert all(r.status == "succeeded" and r.attempts == 1 for r in results)
    assert len(server.requests_to("chat")) == 45  # not one 429
    assert mock_seconds >= 29  # 15 beyond the first 30 need at least 30 mock seconds of refill


def test_token_pacing_holds_back_requests_whose_estimates_do_not_fit() -> None:
    # Each request is admitted on ~1010 tokens (1000 of output), refunded to its usage when it
    # answers: 16 slow requests at once would need 16k of the 10k tokens; the budget sends ~9.
    server = MockCerebrasServer(time_scale=600, rate_limits=RateLimits(rpm=1000, tpm=10_000))
    server.add_delay(0.02, times=None)
    requests = [chat(i, max_completion_tokens=1000) for i in range(25)]
    results = list(iter_results(sync_client(server), requests, concurrency=16))
    assert all(r.status == "succeeded" and r.attempts == 1 for r in results)
    assert len(server.requests_to("chat")) == 25  # not one 429
    assert all(0 < r.tokens < 100 for r in results)  # the usage that corrected the budget


async def test_429_waits_retry_after_and_retries(server: MockCerebrasServer) -> None:
    server.add_error(429, times=2, headers={"retry-after": "0.05"})
    started = time.monotonic()
    results = [r async for r in aiter_results(async_client(server), [chat(0)])]
    assert time.monotonic() - started >= 0.1
    assert results[0].status == "succeeded" and results[0].attempts == 3
    assert len(server.requests_to("chat")) == 3


async def test_failures_become_error_lines_and_the_run_goes_on(server: MockCerebrasServer) -> None:
    server.add_error(400, "bad temperature", code="wrong_api_format")
    server.add_error(500, times=2, headers={"retry-after": "0"})
    results = [
        r
        async for r in aiter_results(
            async_client(server), [chat(0), chat(1), chat(2)], concurrency=1, max_retries=1
        )
    ]
    by_id = {r.custom_id: r for r in results}
    assert by_id["q-0"].to_line() == {
        "custom_id": "q-0",
        "status": "failed",
        "error": {"code": "wrong_api_format", "message": "bad temperature"},
    }
    assert by_id["q-1"].status == "failed" and by_id["q-1"].attempts == 2
    assert by_id["q-1"].error is not None and by_id["q-1"].error.code.startswith(("http_500", "server"))
    assert by_id["q-2"].status == "succeeded"


def test_a_request_above_the_token_limit_fails_without_being_sent(server: MockCerebrasServer) -> None:
    (result,) = iter_results(
        sync_client(server), [chat(0, max_completion_tokens=500)], limits=Limits(tpm=100)
    )
    assert result.status == "failed" and result.error is not None
    assert result.error.code == "request_too_large"
    assert server.requests == []


def test_progress_callback_sees_every_result(server: MockCerebrasServer) -> None:
    seen: List[BulkProgress] = []
    list(iter_results(sync_client(server), [chat(i) for i in range(5)], on_progress=seen.append))
    assert [p.done for p in seen] == [1, 2, 3, 4, 5]
    assert seen[-1].total == 5 and seen[-1].eta == 0
    assert seen[-1].succeeded == 5 and seen[-1].tokens > 0 and seen[-1].requests_per_minute > 0


def test_breaking_out_of_iter_results_stops_the_run(server: MockCerebrasServer) -> None:
    server.add_delay(0.01, times=None)
    for result in iter_results(sync_client(server), [chat(i) for i in range(100)], concurrency=2):
        assert result.status == "succeeded"
        break
    assert len(server.requests_to("chat")) < 10


async def test_closing_aiter_results_early_stops_the_run(server: MockCerebrasServer) -> None:
    server.add_delay(0.01, times=None)
    results = aiter_results(async_client(server), [chat(i) for i in range(100)], concurrency=2)
    first = await results.__anext__()
    await results.aclose()
    assert first.status == "succeeded"
    assert len(server.requests_to("chat")) < 10


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([chat(0), chat(0)], "line 2 (custom_id 'q-0'): duplicate custom_id"),
        ([chat(0), {"custom_id": "x", "method": "POST", "url": "/v1/embeddings", "body": {}}], "line 2"),
    ],
)
def test_bad_requests_raise_naming_the_line(
    server: MockCerebrasServer, lines: List[Dict[str, Any]], message: str
) -> None:
    with pytest.raises(BatchInputError) as info:
        list(iter_results(sync_client(server), lines, concurrency=1))
    assert str(info.value).startswith(message)


def test_run_file_checks_the_whole_input_before_sending(server: MockCerebrasServer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(chat(0)) + "\n{not json\n")
    with pytest.raises(BatchInputError, match=r"^line 2: not valid JSON"):
        run_file(sync_client(server), source, tmp_path / "out.jsonl", progress=False)
    assert server.requests == []


def test_run_file_prints_one_summary_line_when_not_on_a_terminal(
    server: MockCerebrasServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [chat(i) for i in range(3)] + [text(3)])
    summary = run_file(sync_client(server), source, tmp_path / "out.jsonl")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bulk run: 4 done (4 succeeded, 0 failed)")
    assert summary.succeeded == 4 and summary.output == str(tmp_path / "out.jsonl")
    assert sorted(line["custom_id"] for line in read_jsonl(tmp_path / "out.jsonl")) == [
        "q-0",
        "q-1",
        "q-2",
        "t-3",
    ]


def test_progress_bar_with_tqdm(server: MockCerebrasServer, tmp_path: Path) -> None:
    pytest.importorskip("tqdm")
    from cerebras.cloud.sdk.lib.bulk._progress import ProgressDisplay

    source = write_jsonl(tmp_path / "in.jsonl", [chat(i) for i in range(3)])
    stream = io.StringIO()
    display = ProgressDisplay(True, total=3, skipped=0, stream=stream)
    assert display.enabled
    summary = run_file(sync_client(server), source, tmp_path / "out.jsonl", progress=False)
    display.close(summary)
    assert "bulk run: 3 done" in stream.getvalue()


async def test_arun_file_resumes_and_repairs_a_torn_line(server: MockCerebrasServer, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [chat(i) for i in range(6)])
    output = tmp_path / "out.jsonl"
    done = [
        {"custom_id": "q-0", "status": "succeeded", "response": {}},
        {"custom_id": "q-3", "status": "failed", "error": {"code": "x", "message": "y"}},
    ]
    output.write_text("".join(json.dumps(line) + "\n" for line in done) + '{"custom_id":"q-1","sta')
    summary = await arun_file(async_client(server), source, output, progress=False)
    assert summary.skipped == 2 and summary.succeeded == 4
    lines = read_jsonl(output)
    assert sorted(line["custom_id"] for line in lines) == [f"q-{i}" for i in range(6)]
    assert lines[:2] == done
    sent = {r.json["messages"][0]["content"] for r in server.requests_to("chat")}  # type: ignore[index]
    assert sent == {f"question {i}" for i in (1, 2, 4, 5)}
