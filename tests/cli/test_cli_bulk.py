"""`cerebras batch run|submit|results` against the loopback mock, and a real `kill -9` mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

from cerebras.cloud.sdk.testing import MockCerebrasServer

KEY = "csk-bulk-secret-0001"  # for the subprocess runs

Cli = Callable[..., Tuple[int, str, str]]  # the `cli` fixture (conftest.py)


def write_input(path: Path, count: int) -> Path:
    lines = [
        {
            "custom_id": f"q-{n}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": "llama3.1-8b", "messages": [{"role": "user", "content": f"question {n}"}]},
        }
        for n in range(count)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def ids(path: Path) -> List[str]:
    return [json.loads(line)["custom_id"] for line in path.read_text().splitlines()]


def test_batch_run_writes_a_result_per_request_and_a_summary(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    source, output = write_input(tmp_path / "in.jsonl", 12), tmp_path / "out.jsonl"
    status, out, err = cli(
        "batch", "run", str(source), "-o", str(output), "--concurrency", "3", "--rpm", "1000"
    )
    assert status == 0, err
    assert out == ""
    assert err.startswith("bulk run: 12 done (12 succeeded, 0 failed)")
    assert sorted(ids(output)) == sorted(f"q-{n}" for n in range(12))
    line = json.loads(output.read_text().splitlines()[0])
    assert line["status"] == "succeeded" and line["response"]["object"] == "chat.completion"
    # again: everything is done already, nothing is sent
    server.clear_requests()
    status, _, err = cli("batch", "run", str(source), "-o", str(output))
    assert status == 0 and "12 already done" in err
    assert server.requests_to("chat") == []


def test_batch_run_failed_requests_exit_3(cli: Cli, server: MockCerebrasServer, tmp_path: Path) -> None:
    server.add_error(422, "bad body")
    source, output = write_input(tmp_path / "in.jsonl", 3), tmp_path / "out.jsonl"
    status, _, err = cli("batch", "run", str(source), "-o", str(output), "--concurrency", "1")
    assert status == 3
    assert "2 succeeded, 1 failed" in err
    failed = [json.loads(line) for line in output.read_text().splitlines() if '"failed"' in line]
    assert failed[0]["error"]["message"] == "bad body"


def test_batch_run_stops_on_an_auth_error_keeping_every_result(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    server.add_delay(0, times=2)
    server.add_error(401, "invalid key")
    source, output = write_input(tmp_path / "in.jsonl", 20), tmp_path / "out.jsonl"
    status, _, err = cli("batch", "run", str(source), "-o", str(output), "--concurrency", "1")
    assert status == 3
    assert "rejected the API key (401)" in err and "resumes" in err
    assert ids(output) == ["q-0", "q-1"]  # everything received before is there, whole
    status, _, err = cli("batch", "run", str(source), "-o", str(output))
    assert status == 0, err
    assert sorted(ids(output)) == sorted(f"q-{n}" for n in range(20))


def test_batch_run_rejects_a_bad_line_before_sending(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", 3)
    with source.open("a") as file:
        file.write(
            '{"custom_id": "q-0", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [1]}}\n'
        )
    status, _, err = cli("batch", "run", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert status == 2
    assert "line 4 (custom_id 'q-0'): duplicate custom_id" in err and "nothing was sent" in err
    assert server.requests_to("chat") == []


@pytest.mark.parametrize("flag", ["--rpm", "--concurrency"])
def test_batch_run_rejects_bad_numbers(cli: Cli, server: MockCerebrasServer, flag: str) -> None:
    status, _, err = cli("batch", "run", "in.jsonl", "-o", "out.jsonl", flag, "0")
    assert status == 2 and "must be a positive whole number" in err


def test_batch_submit_then_results_in_the_same_format(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", 10)
    status, out, err = cli("batch", "submit", str(source), "--wait")
    assert status == 0, err
    batch_id = out.split(":")[0].strip()
    assert batch_id.startswith("batch")
    output = tmp_path / "results.jsonl"
    status, _, err = cli("batch", "results", batch_id, "-o", str(output))
    assert status == 0, err
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(line["custom_id"] for line in lines) == sorted(f"q-{n}" for n in range(10))
    assert {line["status"] for line in lines} == {"succeeded"}
    assert all(set(line) >= {"custom_id", "status", "response"} for line in lines)


def test_batch_submit_prints_the_batch_id(cli: Cli, server: MockCerebrasServer, tmp_path: Path) -> None:
    status, out, _ = cli("batch", "submit", str(write_input(tmp_path / "in.jsonl", 10)))
    assert status == 0
    assert out.strip().startswith("batch") and len(out.splitlines()) == 1


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_sends_nothing_twice(
    mock_server: MockCerebrasServer, tmp_path: Path
) -> None:
    mock_server.add_delay(0.005, times=None)
    count = 200
    source, output = write_input(tmp_path / "in.jsonl", count), tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "cerebras.cloud.sdk", "--base-url", mock_server.base_url]
    command += ["batch", "run", str(source), "-o", str(output), "--concurrency", "4"]
    env: Dict[str, Any] = {**os.environ, "CEREBRAS_API_KEY": KEY}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        not output.exists() or len(output.read_bytes().splitlines()) < count // 2
    ):
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = output.read_bytes()
    first_run = {line for line in before.split(b"\n")[:-1]}  # complete lines only
    written = {json.loads(line)["custom_id"] for line in first_run}
    assert count // 2 <= len(written) < count
    mock_server.clear_requests()

    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    final = ids(output)
    assert sorted(final) == sorted(f"q-{n}" for n in range(count))  # each exactly once
    resent = {r.json["messages"][0]["content"] for r in mock_server.requests_to("chat")}  # type: ignore[index]
    assert not resent & {f"question {cid[2:]}" for cid in written}
