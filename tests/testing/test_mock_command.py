"""``python -m cerebras.cloud.sdk.testing`` with scripted faults, and the script file loader."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.testing.__main__ import main
from cerebras.cloud.sdk.testing._script_file import (
    ScriptFileError,
    Step,
    apply_steps,
    load_script,
    parse_steps,
    steps_from_options,
)

CHAT = {"model": "llama3.1-8b", "messages": [{"role": "user", "content": "hi"}]}


def post(base_url: str, body: Any = CHAT, timeout: float = 10) -> Tuple[int, bytes]:
    request = urllib.request.Request(
        base_url + "/v1/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start ``python -m cerebras.cloud.sdk.testing ARGS``; yields a starter returning the base URL."""
    procs: List[subprocess.Popen[str]] = []

    def start(*args: str) -> str:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cerebras.cloud.sdk.testing", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.stderr else line
        return line

    yield start
    for proc in procs:
        proc.send_signal(signal.SIGTERM if os.name == "posix" else signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_fail_and_script_are_served_in_order(serve: Any, tmp_path: Path) -> None:
    path = tmp_path / "steps.json"
    path.write_text(json.dumps([{"reply": "From the script."}, {"error": 404, "message": "Gone."}]))
    base_url = serve("--fail", "503x2", "--script", str(path), "--delay", "0.3")
    assert post(base_url)[0] == 503
    assert post(base_url)[0] == 503
    status, body = post(base_url)
    assert status == 200
    assert json.loads(body)["choices"][0]["message"]["content"] == "From the script."
    status, body = post(base_url)
    assert status == 404
    assert json.loads(body)["error"]["message"] == "Gone."
    started = time.monotonic()
    status, body = post(base_url)
    assert status == 200 and time.monotonic() - started >= 0.3
    assert json.loads(body)["choices"][0]["message"]["content"] == "You said: hi"  # then normal answers


def test_disconnect_and_unlimited_chunk_delay(serve: Any) -> None:
    base_url = serve("--disconnect", "--chunk-delay", "0.05x*")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        post(base_url)
    for _ in range(2):
        started = time.monotonic()
        status, body = post(base_url, {**CHAT, "stream": True})
        assert status == 200 and b"data: [DONE]" in body
        assert time.monotonic() - started >= 0.1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail", "99"], "--fail 99: the status must be an HTTP status code"),
        (["--delay", "x2"], "--delay x2: expected SECONDS[xN]"),
        (["--script", "/nonexistent/steps.json"], "cannot read script file"),
    ],
)
def test_invalid_options_exit_2(args: List[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m cerebras.cloud.sdk.testing" in err
    assert message in err


def test_invalid_script_exits_2_naming_the_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"reply": "ok"}, {"error": 429, "times": 0}]))
    with pytest.raises(SystemExit) as info:
        main(["--script", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"{path}: step 2 ('error'): 'times' must be a positive whole number" in err


def test_help_describes_the_fault_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--fail STATUS[xN]",
        "--delay SECONDS[xN]",
        "--chunk-delay SECONDS[xN]",
        "--disconnect",
        "--script FILE",
    ):
        assert option in out


# ------------------------------------------------------------------------------------------------
# the loader


def test_every_kind_maps_onto_the_public_methods() -> None:
    steps = parse_steps(
        [
            {"reply": None, "reasoning": "r", "times": None},
            {"json": {"a": 1}, "status": 201, "route": "models"},
            {"raw": "plain", "content_type": None},
            {"stream": [{"x": 1}, "text"], "done": False},
            {"raw_sse": ["data: {}\n", "\n"], "chunk_delay": 0.1},
            {"error": 429, "message": "Slow down.", "headers": {"retry-after-ms": 10}, "delay": 0.5},
            {"delay": 1.5, "chunk_delay": 0.2},
            {"disconnect": True},
            {"disconnect": "mid-stream", "after_chunks": 2},
            {"stream_error": 3, "status_code": 503, "event": "error"},
        ],
        "s.json",
    )
    assert [(s.method, s.args) for s in steps] == [
        ("add_reply", ()),
        ("add_json", ({"a": 1},)),
        ("add_raw", ("plain",)),
        ("add_stream", ([{"x": 1}, "text"],)),
        ("add_raw_sse", (["data: {}\n", "\n"],)),
        ("add_error", (429,)),
        ("add_delay", (1.5,)),
        ("add_disconnect", ("before_headers",)),
        ("add_disconnect", ("mid_stream",)),
        ("add_stream_error", (3,)),
    ]
    assert steps[0].kwargs == {"content": None, "reasoning": "r", "times": None}
    assert steps[5].kwargs == {"message": "Slow down.", "headers": {"retry-after-ms": "10"}, "delay": 0.5}
    server = MockCerebrasServer()
    apply_steps(server, steps)
    assert [entry.kind for entry in server.pending] == [
        "reply",
        "json",
        "raw",
        "stream",
        "raw_sse",
        "error",
        "delay",
        "disconnect",
        "disconnect",
        "stream_error",
    ]


def test_options_become_steps_in_order() -> None:
    steps = steps_from_options(
        [("--fail", "429x2"), ("--delay", "1.5"), ("--chunk-delay", "0.2x*"), ("--disconnect", None)]
    )
    assert steps == [
        Step("add_error", (429,), {"times": 2}, "--fail 429x2"),
        Step("add_delay", (1.5,), {"times": 1}, "--delay 1.5"),
        Step("add_delay", (0.0,), {"chunk_delay": 0.2, "times": None}, "--chunk-delay 0.2x*"),
        Step("add_disconnect", ("before_headers",), {}, "--disconnect"),
    ]


def test_a_bad_route_is_reported_with_its_step(tmp_path: Path) -> None:
    path = tmp_path / "route.json"
    path.write_text(json.dumps([{"reply": "x", "route": "nowhere"}]))
    steps = load_script(str(path))
    with pytest.raises(ScriptFileError, match=r"step 1 \('reply'\): unknown route 'nowhere'"):
        apply_steps(MockCerebrasServer(), steps)


_BAD_DATA: List[Tuple[Any, str]] = [
    ([1], "step 1: a step must be a JSON object, not a number"),
    ([{}], "step 1: a step needs one of the keys"),
    ([{"reply": 5}], "'reply' must be a string"),
    ([{"stream": "x"}], "'stream' must be a JSON list"),
    ([{"json": {}, "status": True}], "'status' must be an HTTP status code"),
    ([{"reply": "x", "tool_calls": ["f"]}], "'tool_calls' must be a list of JSON objects"),
    ([{"error": 500, "headers": {"a": None}}], "header 'a' must be a string or a number"),
    ([{"stream_error": -1}], "'stream_error' must be a whole number"),
    ([{"delay": 1, "times": 1.5}], "'times' must be a positive whole number"),
    ({"steps": [], "extra": 1}, "an object with only a 'steps' key"),
]


@pytest.mark.parametrize(
    ("data", "message"),
    _BAD_DATA,
)
def test_loader_errors(data: Any, message: str) -> None:
    with pytest.raises(ScriptFileError) as info:
        parse_steps(data, "f.json")
    assert str(info.value).startswith("f.json")
    assert message in str(info.value)
