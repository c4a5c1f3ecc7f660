"""`cerebras files ...` and `cerebras batches ...` against the loopback mock, run in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from cerebras.cloud.sdk.testing import BatchTiming, MockCerebrasServer

Cli = Callable[..., Tuple[int, str, str]]  # the `cli` fixture (conftest.py)


def write_input(path: Path, count: int = 10, override: Optional[Dict[int, Dict[str, Any]]] = None) -> Path:
    lines = []
    for number in range(1, count + 1):
        line: Dict[str, Any] = {
            "custom_id": f"q-{number}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": "llama3.1-8b", "messages": [{"role": "user", "content": f"question {number}"}]},
        }
        line.update((override or {}).get(number, {}))
        lines.append(json.dumps(line))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_upload_list_get_content_delete(cli: Cli, server: MockCerebrasServer, tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl")
    status, out, err = cli("files", "upload", str(source))
    assert status == 0, err
    file_id = out.strip()
    assert "10 requests" in err

    status, out, _ = cli("files", "list")
    assert status == 0
    header, row = out.splitlines()
    assert header.split()[:2] == ["ID", "FILENAME"]
    assert row.split()[:2] == [file_id, "in.jsonl"]

    status, out, _ = cli("files", "get", file_id, "--json")
    assert json.loads(out)["bytes"] == source.stat().st_size

    target = tmp_path / "copy.jsonl"
    status, _, _ = cli("files", "content", file_id, "-o", str(target))
    assert status == 0
    assert target.read_bytes() == source.read_bytes()

    status, out, _ = cli("files", "delete", file_id)
    assert (status, out.strip()) == (0, f"{file_id}: deleted")
    assert cli("files", "get", file_id)[0] == 3  # 404 now


def test_upload_checks_the_file_first_and_names_the_line(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "dup.jsonl", override={7: {"custom_id": "q-3"}})
    status, _, err = cli("files", "upload", str(source))
    assert status == 2
    assert "line 7" in err and "q-3" in err and "nothing was uploaded" in err
    assert server.requests_to("files") == []


def test_create_wait_results_and_a_progress_line_per_change(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", count=12)
    status, out, err = cli("batches", "create", "--upload", str(source), "--metadata", "team=eval")
    assert status == 0, err
    batch_id = out.strip()
    assert server.get_batch(batch_id)["metadata"] == {"team": "eval"}

    status, out, err = cli("batches", "wait", batch_id, "--interval", "0.01")
    assert (status, out.strip()) == (0, f"{batch_id}: completed")
    progress: List[str] = [line for line in err.splitlines() if batch_id in line]
    assert progress and "completed: 12/12 done, 0 failed" in progress[-1]
    assert len(progress) == len(set(line.rsplit(" (", 1)[0] for line in progress))  # one per change

    target = tmp_path / "results.jsonl"
    status, _, err = cli("batches", "results", batch_id, "-o", str(target))
    assert status == 0
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["custom_id"] for line in lines] == [f"q-{n}" for n in range(1, 13)]
    assert {line["status"] for line in lines} == {"succeeded"}
    assert "12 succeeded" in err

    status, out, _ = cli("batches", "list")
    assert batch_id in out and "completed" in out
    status, out, _ = cli("batches", "get", batch_id, "--json")
    assert json.loads(out)["request_counts"] == {"total": 12, "completed": 12, "failed": 0}


def test_cancel_and_wait_reports_a_cancelled_batch(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    server.batch_timing = BatchTiming(validating=0.01, in_progress=60, finalizing=0.01, cancelling=0.01)
    file_id = server.create_file(write_input(tmp_path / "in.jsonl").read_bytes())["id"]
    status, out, _ = cli("batches", "create", file_id)
    batch_id = out.strip()
    status, out, _ = cli("batches", "cancel", batch_id)
    assert (status, out.strip()) == (0, f"{batch_id}: cancelling")
    status, out, _ = cli("batches", "wait", batch_id, "--interval", "0.01")
    assert (status, out.strip()) == (3, f"{batch_id}: cancelled")


def test_wait_gives_up_after_max_wait_with_its_own_status(
    cli: Cli, server: MockCerebrasServer, tmp_path: Path
) -> None:
    server.batch_timing = BatchTiming(validating=60)
    file_id = server.create_file(write_input(tmp_path / "in.jsonl").read_bytes())["id"]
    batch_id = cli("batches", "create", file_id)[1].strip()
    status, _, err = cli("batches", "wait", batch_id, "--interval", "0.01", "--max-wait", "0.1")
    assert status == 5
    assert f"{batch_id} is still validating after 0.1 s" in err


def test_results_too_early_is_an_api_error(cli: Cli, server: MockCerebrasServer, tmp_path: Path) -> None:
    server.batch_timing = BatchTiming(validating=60)
    file_id = server.create_file(write_input(tmp_path / "in.jsonl").read_bytes())["id"]
    batch_id = cli("batches", "create", file_id)[1].strip()
    status, out, err = cli("batches", "results", batch_id)
    assert status == 3
    assert out == ""
    assert "400" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["files", "list", "--limit", "0"], "must be between 1 and 100"),
        (["batches", "create"], "one of the arguments"),
        (["batches", "create", "f1", "--metadata", "novalue"], "expected KEY=VALUE"),
        (["batches", "wait", "b1", "--max-wait", "-1"], "positive number"),
    ],
)
def test_usage_errors_name_the_argument(
    cli: Cli, server: MockCerebrasServer, args: List[str], message: str
) -> None:
    status, _, err = cli(*args)
    assert status == 2
    assert message in err
