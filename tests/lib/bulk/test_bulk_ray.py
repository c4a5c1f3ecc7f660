"""The Ray Data integration on a local Ray cluster (4 CPUs) started here, against the mock.

Skipped where Ray is not installed (the default test sessions); the `ray` nox session installs
the extra and sets CEREBRAS_TEST_RAY=1, which turns a missing Ray into a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from cerebras.cloud.sdk.lib.bulk import Limits
from cerebras.cloud.sdk.lib.bulk.ray import (
    RESULT_COLUMNS,
    CerebrasRequests,
    read_requests,
    run_requests,
    shared_budget,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer, RateLimits

if os.environ.get("CEREBRAS_TEST_RAY") != "1":
    ray = pytest.importorskip("ray", reason="needs the [ray] extra (nox -s ray)")
else:
    import ray

pytestmark = pytest.mark.slow

MODEL = "llama3.1-8b"


@pytest.fixture(scope="module", autouse=True)
def cluster() -> Iterator[None]:
    ray.init(num_cpus=4, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield
    finally:
        ray.shutdown()


def line(i: int, **body: Any) -> Dict[str, Any]:
    return {
        "custom_id": f"r-{i}",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODEL, "messages": [{"role": "user", "content": f"question {i}"}], **body},
    }


def write_jsonl(path: Path, lines: List[Any]) -> str:
    path.write_text("".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in lines))
    return str(path)


def test_four_workers_share_one_budget_and_failures_come_back_as_rows(tmp_path: Path) -> None:
    rpm, count, scale = 60, 150, 20.0
    server = MockCerebrasServer(time_scale=scale, rate_limits=RateLimits(rpm=rpm)).start()
    server.add_error(400, "temperature out of range", code="wrong_api_format", times=1)
    try:
        lines: List[Any] = [line(i, max_completion_tokens=10) for i in range(count)]
        lines.append('{"custom_id": "broken", "url": "/v1/chat/completions"')  # not JSON
        lines.append({"custom_id": "no-body", "method": "POST", "url": "/v1/chat/completions", "body": None})
        source = write_jsonl(tmp_path / "in.jsonl", lines)
        results = run_requests(
            read_requests(source),
            workers=4,
            concurrency=8,
            client_options={"api_key": "test", "base_url": server.base_url},
            budget_name="test-shared",
        )
        rows = list(results.iter_rows())
        stats = ray.get(shared_budget(name="test-shared").stats.remote())
        sent = server.requests_to("chat")
    finally:
        server.stop()

    assert len(rows) == count + 2 and all(set(row) == set(RESULT_COLUMNS) for row in rows)
    by_status: Dict[str, List[Dict[str, Any]]] = {"succeeded": [], "failed": []}
    for row in rows:
        by_status[row["status"]].append(row)
    assert len(by_status["succeeded"]) == count - 1
    failed = {row["custom_id"]: json.loads(row["error"]) for row in by_status["failed"]}
    assert [error["code"] for error in failed.values()].count("wrong_api_format") == 1
    assert failed["no-body"]["code"] == "invalid_request" and "body" in failed["no-body"]["message"]
    assert any("not valid JSON" in error["message"] for error in failed.values())
    for row in by_status["succeeded"]:
        number = row["custom_id"].split("-")[1]
        assert (
            json.loads(row["response"])["choices"][0]["message"]["content"] == f"You said: question {number}"
        )

    # One budget for all four workers: every request was admitted by it, and the mock, which
    # enforces the limit, turned none away (each request was sent once). (How close to the limit the rate gets is for the benchmark: bench_bulk.py ray.)
    assert stats["admitted"] == len(sent) == count and stats["rate_limited"] == 0


def test_a_rejected_key_fails_the_rows_but_not_the_dataset(tmp_path: Path) -> None:
    server = MockCerebrasServer().start()
    server.api_key = "the-right-key"
    try:
        source = write_jsonl(tmp_path / "in.jsonl", [line(i) for i in range(40)])
        results = run_requests(
            read_requests(source),
            workers=2,
            concurrency=2,
            client_options={"api_key": "a-wrong-key", "base_url": server.base_url},
            budget_name="test-rejected",
        )
        rows = list(results.iter_rows())
        sent = len(server.requests_to("chat"))
    finally:
        server.stop()
    assert len(rows) == 40 and all(row["status"] == "failed" for row in rows)
    errors = [json.loads(row["error"]) for row in rows]
    assert all(error["code"] == "run_stopped" and "401" in error["message"] for error in errors)
    assert "a-wrong-key" not in json.dumps(errors)
    assert sent <= 2 * 2 * 2  # each worker stops after the requests it had in flight (a batch or two)


def test_the_udf_takes_each_batch_format_and_keeps_the_row_order() -> None:
    server = MockCerebrasServer().start()
    try:
        udf = CerebrasRequests(
            budget=shared_budget(Limits(rpm=1_000), name="test-formats"),
            concurrency=4,
            client_options={"api_key": "test", "base_url": server.base_url},
        )
        assert "test" not in repr(udf)
        requests = [line(i) for i in range(6)]
        columns = {
            "custom_id": [r["custom_id"] for r in requests],
            "url": [r["url"] for r in requests],
            "body": [json.dumps(r["body"]) for r in requests],
        }
        pandas = pytest.importorskip("pandas")
        pyarrow = pytest.importorskip("pyarrow")
        for batch in (columns, pandas.DataFrame(columns), pyarrow.table(columns)):
            out = udf(batch)
            assert out["custom_id"] == columns["custom_id"] and set(out["status"]) == {"succeeded"}
        with pytest.raises(TypeError, match="a batch must be"):
            udf([1, 2])
    finally:
        server.stop()


def test_a_running_budget_with_other_limits_is_an_error() -> None:
    first = shared_budget(Limits(rpm=10), name="test-limits")  # lives while a handle does
    again = shared_budget(Limits(rpm=10), name="test-limits")
    assert ray.get(again.reserve.remote(1)) == (0.0, 1)
    assert ray.get(first.stats.remote())["admitted"] == 1  # the same actor
    with pytest.raises(ValueError, match="test-limits"):
        shared_budget(Limits(rpm=20), name="test-limits")
