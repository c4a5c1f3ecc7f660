"""``cerebras --mock`` with scripted faults: ``--fail``, ``--delay``, ``--chunk-delay``,
``--disconnect`` and ``--script``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from cerebras.cloud.sdk.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def script(tmp_path: Path, steps: Any) -> str:
    path = tmp_path / "script.json"
    path.write_text(json.dumps(steps), encoding="utf-8")
    return str(path)


@pytest.mark.slow  # over a second
def test_fail_with_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--mock", "--fail", "429x2", "--max-retries", "0", "chat", "hi")
    assert (status, out) == (3, "")
    assert err.startswith("cerebras: error: 429 RateLimitError:")
    # two 429s are retried past with two retries
    status, out, err = run(capsys, "--mock", "--fail", "429x2", "--max-retries", "2", "chat", "hi")
    assert (status, out) == (0, "You said: hi\n")
    assert err.count("failed; retrying") == 2


def test_fail_every_request(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--mock", "--fail", "503x*", "--max-retries", "1", "models", "list")
    assert status == 3
    assert err.count("failed; retrying") == 1  # the retry got a 503 as well
    assert err.splitlines()[-1].startswith("cerebras: error: 503 ")


def test_delay_makes_a_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "--mock", "--delay", "2", "--timeout", "0.2", "--max-retries", "0", "chat", "hi"
    )
    assert (status, out) == (4, "")
    assert "APITimeoutError" in err and "0.2 s limit" in err


def test_delay_alone_only_slows_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    status, out, _ = run(capsys, "--mock", "--delay", "0.3", "chat", "hi")
    assert (status, out) == (0, "You said: hi\n")
    assert time.monotonic() - started >= 0.3


def test_chunk_delay_stalls_a_stream(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    status, out, _ = run(capsys, "--mock", "--chunk-delay", "0.1", "chat", "one two three")
    assert (status, out) == (0, "You said: one two three\n")
    assert time.monotonic() - started >= 0.3


def test_disconnect(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--mock", "--disconnect", "--max-retries", "0", "chat", "hi")
    assert (status, out) == (4, "")
    assert "APIConnectionError: Connection error: POST http://127.0.0.1:" in err
    assert "failed after 1 attempt" in err
    # the connection is dropped once: a retry gets the normal answer
    status, out, _ = run(capsys, "--mock", "--disconnect", "chat", "hi")
    assert (status, out) == (0, "You said: hi\n")


def test_options_keep_their_order_before_and_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    # a 404 (not retried) first: the 500 given after the command must come second
    status, _, err = run(capsys, "--mock", "--fail", "404", "chat", "hi", "--fail", "500")
    assert status == 3
    assert "404 NotFoundError" in err
    status, _, err = run(
        capsys, "--mock", "--fail", "500", "chat", "hi", "--fail", "404", "--max-retries", "1"
    )
    assert status == 3
    assert "404 NotFoundError" in err and "attempt 1 of 2 failed" in err


def test_script_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = script(
        tmp_path,
        [
            {"error": 429, "times": 1, "headers": {"retry-after-ms": "1"}},
            {"reply": "Scripted answer.", "reasoning": "Thinking."},
        ],
    )
    status, out, err = run(capsys, "--mock", "--script", path, "chat", "hi")
    assert (status, out) == (0, "Scripted answer.\n")
    assert "attempt 1 of 3 failed" in err
    assert "Thinking." in err


def test_script_stream_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = script(tmp_path, {"steps": [{"stream_error": 3, "message": "Stream broke."}]})
    status, out, err = run(capsys, "chat", "one two three", "--mock", "--script", path)
    assert status == 3
    assert out.startswith("You")
    assert "Stream broke." in err


_BAD_SCRIPTS: List[Tuple[Any, str]] = [
    ([{"reply": "ok"}, {"eror": 500}], "script.json: step 2: a step needs one of the keys"),
    ([{"error": 429, "tims": 2}], "step 1 ('error'): unknown key 'tims'"),
    ([{"error": "429"}], "step 1 ('error'): 'error' must be an HTTP status code"),
    ([{"delay": -1}], "step 1 ('delay'): 'delay' must be a number of seconds"),
    ([{"reply": "a", "json": {}}], "step 1: a step has one kind"),
    ([{"disconnect": "sideways"}], "step 1 ('disconnect'): 'disconnect' must be true or one of"),
    ({"step": []}, "expected a list of steps"),
    ("reply", "expected a list of steps, not a string"),
]


@pytest.mark.parametrize(
    ("steps", "message"),
    _BAD_SCRIPTS,
)
def test_invalid_script_exits_2_naming_the_step(
    steps: Any, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = script(tmp_path, steps)
    status, out, err = run(capsys, "--mock", "--script", path, "chat", "hi")
    assert (status, out) == (2, "")
    assert message in err, err
    assert "Traceback" not in err


def test_unreadable_and_malformed_scripts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--mock", "--script", str(tmp_path / "missing.json"), "chat", "hi")
    assert status == 2
    assert "cannot read script file" in err and "missing.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text('[{"reply": "x"},\n {"error": 500,}]', encoding="utf-8")
    status, _, err = run(capsys, "--mock", "--script", str(bad), "chat", "hi")
    assert status == 2
    assert "invalid JSON at line 2" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail", "600"], "--fail 600: the status must be an HTTP status code"),
        (["--fail", "abc"], "--fail abc: expected STATUS[xN]"),
        (["--fail", "500x0"], "the count after 'x' must be at least 1"),
        (["--delay", "soon"], "--delay soon: expected SECONDS[xN]"),
        (["--chunk-delay", "-1"], "--chunk-delay -1: seconds must be 0 or more"),
    ],
)
def test_invalid_fault_options_exit_2(args: Any, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--mock", *args, "chat", "hi")
    assert status == 2
    assert "usage: cerebras" in err
    assert message in err, err


def test_fault_options_need_mock(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--api-key", "k", "--fail", "500", "chat", "hi")
    assert status == 2
    assert "--fail" in err and "--mock" in err


def test_help_lists_the_fault_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for option in (
        "--fail STATUS[xN]",
        "--delay SECONDS[xN]",
        "--chunk-delay SECONDS[xN]",
        "--disconnect",
        "--script FILE",
    ):
        assert option in out
