"""End-to-end tests of the ``cerebras`` command line, run as a subprocess against the mock server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import IO, Dict, Iterator, List, Optional

import pytest

from cerebras.cloud.sdk.testing import MockCerebrasServer

KEY = "csk-cli-secret-4242"
POSIX = os.name == "posix"


def _env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_") and k != "NO_COLOR"}
    env.update(extra or {})
    return env


def cli(
    *args: str,
    input: Optional[str] = None,
    env: Optional[Dict[str, str]] = None,
    timeout: float = 20,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cerebras.cloud.sdk ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "cerebras.cloud.sdk", *args],
        input=input,
        capture_output=True,
        text=True,
        env=_env(env),
        timeout=timeout,
    )


def popen(*args: str) -> subprocess.Popen[bytes]:
    def reset_sigint() -> None:  # an ignored SIGINT would be inherited and kept by Python
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(
        [sys.executable, "-m", "cerebras.cloud.sdk", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=_env(),
        preexec_fn=reset_sigint,
    )


@pytest.fixture
def server() -> Iterator[MockCerebrasServer]:
    with MockCerebrasServer(api_key=KEY) as mock:
        yield mock


def at(server: MockCerebrasServer, *extra: str) -> List[str]:
    return ["--base-url", server.base_url, "--api-key", KEY, *extra]


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """No escape codes (stdout and stderr are pipes), no traceback, and never the key."""
    for text in (result.stdout, result.stderr):
        assert "\x1b" not in text
        assert KEY not in text
    assert "Traceback" not in result.stderr


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cerebras: error: ")
    return lines[0][len("cerebras: error: ") :]


# ------------------------------------------------------------------------------------------------
# chat


def test_chat_streams_the_echo(server: MockCerebrasServer) -> None:
    result = cli("chat", "hello there, mock", *at(server))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: hello there, mock\n"
    assert result.stderr == ""
    assert_clean(result)
    body = server.last_request.json
    assert body["stream"] is True
    assert body["model"] == "llama3.1-8b"
    assert body["messages"] == [{"role": "user", "content": "hello there, mock"}]
    assert server.last_request.headers.get("authorization") == f"Bearer {KEY}"


def test_chat_no_stream_and_options(server: MockCerebrasServer) -> None:
    result = cli(
        *at(server),  # global options before the command
        "chat",
        "one two three four five",
        "-m",
        "llama-3.3-70b",
        "--system",
        "Be brief.",
        "--temperature",
        "0.5",
        "--max-tokens",
        "3",
        "--no-stream",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: one\n"  # the mock cuts the reply at 3 "tokens"
    body = server.last_request.json
    assert "stream" not in body or body["stream"] is False
    assert body["model"] == "llama-3.3-70b"
    assert body["temperature"] == 0.5
    assert body["max_completion_tokens"] == 3
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "one two three four five"},
    ]


def test_chat_json_prints_the_whole_response(server: MockCerebrasServer) -> None:
    result = cli("chat", "hi", "--json", *at(server))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["object"] == "chat.completion"
    assert data["model"] == "llama3.1-8b"
    assert data["choices"][0]["message"]["content"] == "You said: hi"
    assert data["usage"]["total_tokens"] >= 1
    assert server.last_request.json.get("stream") in (None, False)
    assert_clean(result)


def test_chat_reads_the_prompt_from_stdin(server: MockCerebrasServer) -> None:
    result = cli("chat", "-", *at(server), input="hello from stdin\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: hello from stdin\n"


def test_reasoning_goes_to_stderr(server: MockCerebrasServer) -> None:
    server.add_reply("The answer.", reasoning="Let me think.", times=2)
    streamed = cli("chat", "q", *at(server))
    whole = cli("chat", "q", "--no-stream", *at(server))
    for result in (streamed, whole):
        assert result.returncode == 0, result.stderr
        assert result.stdout == "The answer.\n"
        assert result.stderr == "Let me think.\n"
        assert_clean(result)


def test_settings_from_the_environment(server: MockCerebrasServer) -> None:
    env = {"CEREBRAS_API_KEY": KEY, "CEREBRAS_BASE_URL": server.base_url, "CEREBRAS_MODEL": "qwen-3-32b"}
    result = cli("chat", "hi", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: hi\n"
    assert server.last_request.json["model"] == "qwen-3-32b"


# ------------------------------------------------------------------------------------------------
# text completions


def test_complete_streams_and_waits(server: MockCerebrasServer) -> None:
    streamed = cli("complete", "It was a dark and stormy", *at(server))
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == "It was a dark and stormy\n"
    assert server.last_request.path == "/v1/completions"
    assert server.last_request.json["stream"] is True

    whole = cli("complete", "It was a dark and stormy", "--no-stream", "--max-tokens", "2", *at(server))
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout == "It was\n"
    assert server.last_request.json["max_tokens"] == 2


def test_complete_json(server: MockCerebrasServer) -> None:
    result = cli("complete", "-", "--json", "--temperature", "0", *at(server), input="Once upon")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["object"] == "text_completion"
    assert data["choices"][0]["text"] == "Once upon"
    assert server.last_request.json["temperature"] == 0


# ------------------------------------------------------------------------------------------------
# models


def test_models_list_table(server: MockCerebrasServer) -> None:
    result = cli("models", "list", *at(server))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "OWNED", "BY", "CREATED"]
    assert [line.split()[0] for line in lines[1:]] == list(server.models)
    assert lines[1].split() == ["llama3.1-8b", "Meta", "-"]
    # aligned: every column starts at the same offset on every line
    owner_column = lines[0].index("OWNED BY")
    assert all(line[owner_column - 2 : owner_column] == "  " for line in lines)
    assert_clean(result)


def test_models_list_json(server: MockCerebrasServer) -> None:
    result = cli("models", "list", "--json", *at(server))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["id"] for m in data["data"]] == list(server.models)


def test_models_get(server: MockCerebrasServer) -> None:
    result = cli("models", "get", "gpt-oss-120b", *at(server))
    assert result.returncode == 0, result.stderr
    assert "id: gpt-oss-120b" in result.stdout.splitlines()
    assert "owned_by: OpenAI" in result.stdout.splitlines()

    as_json = cli("models", "get", "gpt-oss-120b", "--json", *at(server))
    assert json.loads(as_json.stdout)["id"] == "gpt-oss-120b"


def test_models_created_dates() -> None:
    with MockCerebrasServer() as mock:
        listing = {"object": "list", "data": [{"id": "m1", "object": "model", "created": 1721692800}]}
        mock.add_json(listing)
        mock.add_json({"id": "m1", "object": "model", "created": 1721692800, "owned_by": "Meta"})
        result = cli("models", "list", "--base-url", mock.base_url, "--api-key", KEY)
        assert result.stdout.splitlines()[1].split() == ["m1", "-", "2024-07-23"]
        one = cli("models", "get", "m1", "--base-url", mock.base_url, "--api-key", KEY)
        assert "created: 2024-07-23" in one.stdout.splitlines()


# ------------------------------------------------------------------------------------------------
# --mock, --help, --version


@pytest.mark.slow  # over a second
def test_mock_mode_needs_no_key() -> None:
    chat = cli("--mock", "chat", "hi")
    assert (chat.returncode, chat.stdout) == (0, "You said: hi\n")
    models = cli("models", "list", "--mock")
    assert models.returncode == 0
    assert "llama3.1-8b" in models.stdout


def test_help_and_version() -> None:
    result = cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: cerebras")
    for command in ("chat", "complete", "models"):
        assert command in result.stdout
    chat_help = cli("chat", "--help")
    assert chat_help.returncode == 0
    assert "--no-stream" in chat_help.stdout and "--json" in chat_help.stdout
    assert "--api-key" in chat_help.stdout  # global options are listed after the command too
    version = cli("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("cerebras ")
    assert "independent implementation" in version.stdout


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "import httpx\n"  # httpx < 0.24 (through httpcore < 1.0) imports anyio itself: not ours to count
        "before = set(sys.modules)\n"
        "from cerebras.cloud.sdk.cli import main\n"
        "try:\n    main(['chat', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in set(sys.modules) - before if m.split('.')[0] in ('pydantic', 'anyio')\n"
        "         or m in ('cerebras.cloud.sdk._client', 'cerebras.cloud.sdk._models')]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env())
    assert result.stderr.strip() == "[]"


# ------------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("status", "name", "detail"),
    [
        (404, "NotFoundError", "(type: not_found_error, code: scripted, request id: req-1)"),
        (429, "RateLimitError", "(type: too_many_requests_error, code: scripted, request id: req-1)"),
        (500, "InternalServerError", "(type: server_error, code: scripted, request id: req-1)"),
    ],
)
def test_api_status_errors_exit_3(server: MockCerebrasServer, status: int, name: str, detail: str) -> None:
    server.add_error(status, "Scripted failure.", code="scripted", headers={"x-request-id": "req-1"})
    result = cli("chat", "hi", "--max-retries", "0", *at(server))
    assert result.returncode == 3
    assert result.stdout == ""
    assert error_line(result) == f"{status} {name}: Scripted failure. {detail}"
    assert_clean(result)


def test_wrong_key_exit_3_without_leaking_it(server: MockCerebrasServer) -> None:
    wrong = "csk-wrong-key-0000-secret"
    result = cli("models", "list", "--base-url", server.base_url, "--api-key", wrong)
    assert result.returncode == 3
    line = error_line(result)
    assert line.startswith("401 AuthenticationError: Wrong API Key (type: authentication_error")
    assert wrong not in result.stdout + result.stderr
    assert_clean(result)


def test_error_event_inside_a_stream(server: MockCerebrasServer) -> None:
    server.add_stream_error(after_chunks=3, status_code=500, message="Stream broke.")
    result = cli("chat", "one two three four", *at(server))
    assert result.returncode == 3
    assert result.stdout.endswith("\n") and result.stdout.startswith("You said:")
    assert error_line(result).startswith("500 InternalServerError: Stream broke.")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_exit_4() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = cli("chat", "hi", "--base-url", url, "--api-key", KEY, "--max-retries", "0")
    assert result.returncode == 4
    assert error_line(result).startswith(
        f"APIConnectionError: Connection error: POST {url}/v1/chat/completions failed after 1 attempt ("
    )
    assert_clean(result)


def test_timeout_exit_4(server: MockCerebrasServer) -> None:
    server.add_delay(5)
    result = cli("chat", "hi", "--timeout", "0.2", "--max-retries", "0", *at(server))
    assert result.returncode == 4
    assert error_line(result) == (
        f"APITimeoutError: Request timed out: POST {server.base_url}/v1/chat/completions"
        " took longer than the 0.2 s limit, after 1 attempt"
    )
    assert_clean(result)


def test_missing_key_exit_2(server: MockCerebrasServer) -> None:
    result = cli("chat", "hi", "--base-url", server.base_url)
    assert result.returncode == 2
    line = error_line(result)
    assert "CEREBRAS_API_KEY" in line and "--mock" in line
    assert server.requests == []


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["chat"],
        ["chat", "hi", "--timeout", "soon"],
        ["chat", "hi", "--timeout", "-1"],
        ["complete", "hi", "--max-tokens", "-5"],
        ["models"],
        ["models", "get"],
        ["chat", "hi", "--bogus"],
    ],
)
def test_usage_errors_exit_2(args: List[str]) -> None:
    result = cli(*args, "--api-key", KEY)
    assert result.returncode == 2
    assert "usage: cerebras" in result.stderr
    if args[:1] == ["chat"]:
        assert result.stderr.startswith("usage: cerebras chat ")
    assert KEY not in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_base_url_exit_2() -> None:
    result = cli("chat", "hi", "--base-url", "ftp://example.invalid", "--api-key", KEY)
    assert result.returncode == 2
    assert error_line(result).startswith("invalid setting: base_url")
    assert KEY not in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------------------
# signals, pipes and terminals


def _read_some(stream: IO[bytes]) -> bytes:
    return os.read(stream.fileno(), 4096)


@pytest.mark.skipif(not POSIX, reason="needs POSIX signals")
def test_ctrl_c_during_a_stream_exits_130(server: MockCerebrasServer) -> None:
    server.add_delay(0, chunk_delay=0.2)
    words = " ".join(f"w{i}" for i in range(60))
    proc = popen("chat", words, *at(server))
    assert proc.stdout is not None and proc.stderr is not None
    first = _read_some(proc.stdout)
    assert first.startswith(b"You")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert err == b""
    assert (first + out).endswith(b"\n")
    assert len((first + out).split()) < 40  # it stopped early


@pytest.mark.skipif(not POSIX, reason="needs POSIX pipes")
def test_broken_pipe_exits_quietly(server: MockCerebrasServer) -> None:
    server.add_delay(0, chunk_delay=0.05)
    words = " ".join(f"w{i}" for i in range(60))
    proc = popen("chat", words, *at(server))
    assert proc.stdout is not None and proc.stderr is not None
    assert _read_some(proc.stdout)
    proc.stdout.close()  # like `| head -c 10`
    proc.wait(timeout=10)
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.returncode == 141
    assert err == b""


@pytest.mark.skipif(not POSIX, reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", [None, "1"])
def test_colour_only_on_a_terminal(server: MockCerebrasServer, no_color: Optional[str]) -> None:
    import pty

    server.add_error(404, "Nope.")
    master, slave = pty.openpty()
    env = _env({"TERM": "xterm", **({"NO_COLOR": no_color} if no_color else {})})
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cerebras.cloud.sdk", "chat", "hi", *at(server)],
            stdout=subprocess.PIPE,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        out, _ = proc.communicate(timeout=20)
        os.close(slave)
        slave = -1
        chunks: List[bytes] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the other side is closed and everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    err = b"".join(chunks).decode()
    assert proc.returncode == 3
    assert out == b""
    assert "404 NotFoundError: Nope." in err
    assert ("\x1b[" in err) is (no_color is None)
