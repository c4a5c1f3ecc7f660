"""`cerebras files ...` and `cerebras batches ...` against the loopback mock, run in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from cerebras.cloud.sdk.cli import main
from cerebras.cloud.sdk.testing import BatchTiming, MockCerebrasServer

KEY = "csk-platform-secret-0001"


@pytest.fixture
def server(mock_server: MockCerebrasServer) -> Iterator[MockCerebrasServer]:
    # Batches finish in a few hundredths of a second of real time.
    mock_server.batch_timing = BatchTiming(
        validating=0.01, in_progress=0.03, finalizing=0.01, cancelling=0.01
    )
    yield mock_server


def run(capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, *args: str) -> Tuple[int, str, str]:
    try:
        status = main(["--base-url", server.base_url, "--api-key", KEY, *args])
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    assert KEY not in out + err
    return status, out, err


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


def test_upload_list_get_content_delete(
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl")
    status, out, err = run(capsys, server, "files", "upload", str(source))
    assert status == 0, err
    file_id = out.strip()
    assert "10 requests" in err

    status, out, _ = run(capsys, server, "files", "list")
    assert status == 0
    header, row = out.splitlines()
    assert header.split()[:2] == ["ID", "FILENAME"]
    assert row.split()[:2] == [file_id, "in.jsonl"]

    status, out, _ = run(capsys, server, "files", "get", file_id, "--json")
    assert json.loads(out)["bytes"] == source.stat().st_size

    target = tmp_path / "copy.jsonl"
    status, _, _ = run(capsys, server, "files", "content", file_id, "-o", str(target))
    assert status == 0
    assert target.read_bytes() == source.read_bytes()

    status, out, _ = run(capsys, server, "files", "delete", file_id)
    assert (status, out.strip()) == (0, f"{file_id}: deleted")
    assert run(capsys, server, "files", "get", file_id)[0] == 3  # 404 now


def test_upload_checks_the_file_first_and_names_the_line(
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "dup.jsonl", override={7: {"custom_id": "q-3"}})
    status, _, err = run(capsys, server, "files", "upload", str(source))
    assert status == 2
    assert "line 7" in err and "q-3" in err and "nothing was uploaded" in err
    assert server.requests_to("files") == []


def test_create_wait_results_and_a_progress_line_per_change(
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", count=12)
    status, out, err = run(
        capsys, server, "batches", "create", "--upload", str(source), "--metadata", "team=eval"
    )
    assert status == 0, err
    batch_id = out.strip()
    assert server.get_batch(batch_id)["metadata"] == {"team": "eval"}

    status, out, err = run(capsys, server, "batches", "wait", batch_id, "--interval", "0.01")
    assert (status, out.strip()) == (0, f"{batch_id}: completed")
    progress: List[str] = [line for line in err.splitlines() if batch_id in line]
    assert progress and "completed: 12/12 done, 0 failed" in progress[-1]
    assert len(progress) == len(set(line.rsplit(" (", 1)[0] for line in progress))  # one per change

    target = tmp_path / "results.jsonl"
    status, _, err = run(capsys, server, "batches", "results", batch_id, "-o", str(target))
    assert status == 0
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["custom_id"] for line in lines] == [f"q-{n}" for n in range(1, 13)]
    assert {line["status"] for line in lines} == {"succeeded"}
    assert "12 succeeded" in err

    status, out, _ = run(capsys, server, "batches", "list")
    assert batch_id in out and "completed" in out
    status, out, _ = run(capsys, server, "batches", "get", batch_id, "--json")
    assert json.loads(out)["request_counts"] == {"total": 12, "completed": 12, "failed": 0}


def test_cancel_and_wait_reports_a_cancelled_batch(
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, tmp_path: Path
) -> None:
    server.batch_timing = BatchTiming(validating=0.01, in_progress=60, finalizing=0.01, cancelling=0.01)
    file_id = server.create_file(write_input(tmp_path / "in.jsonl").read_bytes())["id"]
    status, out, _ = run(capsys, server, "batches", "create", file_id)
    batch_id = out.strip()
    status, out, _ = run(capsys, server, "batches", "cancel", batch_id)
    assert (status, out.strip()) == (0, f"{batch_id}: cancelling")
    status, out, _ = run(capsys, server, "batches", "wait", batch_id, "--interval", "0.01")
    assert (status, out.strip()) == (3, f"{batch_id}: cancelled")


def test_wait_gives_up_after_max_wait_with_its_own_status(
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, tmp_path: Path
) -> None:
    server.batch_timing = BatchTiming(validating=60)
    file_id = server.create_file(write_input(tmp_path / "in.jsonl").read_bytes())["id"]
    batch_id = run(capsys, server, "batches", "create", file_id)[1].strip()
    status, _, err = run(
        capsys, server, "batches", "wait", batch_id, "--interval", "0.01", "--max-wait", "0.1"
    )
    assert status == 5
    assert f"{batch_id} is still validating after 0.1 s" in err


def test_results_too_early_is_an_api_error(
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, tmp_path: Path
) -> None:
    server.batch_timing = BatchTiming(validating=60)
    file_id = server.create_file(write_input(tmp_path / "in.jsonl").read_bytes())["id"]
    batch_id = run(capsys, server, "batches", "create", file_id)[1].strip()
    status, out, err = run(capsys, server, "batches", "results", batch_id)
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
    capsys: pytest.CaptureFixture[str], server: MockCerebrasServer, args: List[str], message: str
) -> None:
    status, _, err = run(capsys, server, *args)
    assert status == 2
    assert message in err
