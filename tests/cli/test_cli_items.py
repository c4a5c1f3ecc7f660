"""The ``cerebras`` command: ``--version`` text, connection and timeout messages, empty messages,
command usage on unknown options and the ``created`` column, run in-process through ``main``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from typing import List, Tuple

import pytest

from cerebras.cloud.sdk._version import __version__
from cerebras.cloud.sdk.cli import main
from cerebras.cloud.sdk.cli._parser import version_text
from cerebras.cloud.sdk.testing import MockCerebrasServer

KEY = "csk-items-secret-0001"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Tuple[int, str, str]:
    """``main(args)``; returns the exit status (usage errors included), stdout and stderr."""
    try:
        status = main(list(args))
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def at(server: MockCerebrasServer) -> List[str]:
    return ["--base-url", server.base_url, "--api-key", KEY]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------------------------------
# --version


def test_version_names_the_implementation_and_the_official_surface(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0
    public = __version__.split("+")[0]
    assert out == (
        f"cerebras {__version__} (independent implementation of the official cerebras_cloud_sdk {public} surface)\n"
    )


def test_version_of_python_dash_m_is_the_same() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cerebras.cloud.sdk", "--version"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    assert result.stdout == version_text() + "\n"
    assert "independent implementation of the official cerebras_cloud_sdk" in result.stdout


def test_version_text_derives_the_surface_from_the_public_part() -> None:
    assert version_text("1.95.2+rewrite.7") == (
        "cerebras 1.95.2+rewrite.7 (independent implementation of the official cerebras_cloud_sdk 1.95.2 surface)"
    )
    assert "not the official" in version_text("2.0.0")


# ------------------------------------------------------------------------------------------------
# connection errors and timeouts


def test_connection_refused_names_the_url_and_the_attempts(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    status, out, err = run(capsys, "--base-url", url, "--api-key", KEY, "--max-retries", "1", "chat", "hi")
    assert status == 4
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith("cerebras: attempt 1 of 2 failed; retrying in ")  # the retry is not silent
    assert lines[1].startswith(
        f"cerebras: error: APIConnectionError: Connection error: POST {url}/v1/chat/completions "
        "failed after 2 attempts ("
    )
    assert KEY not in err


def test_connection_error_hides_credentials_in_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    port = _closed_port()
    url = f"http://user:pa55word@127.0.0.1:{port}"
    status, _, err = run(capsys, "--base-url", url, "--api-key", KEY, "--max-retries", "0", "models", "list")
    assert status == 4
    assert "pa55word" not in err
    assert f"GET http://127.0.0.1:{port}/v1/models failed after 1 attempt" in err


def test_timeout_says_the_limit_and_the_attempts(
    cerebras_mock: MockCerebrasServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cerebras_mock.add_delay(3, times=2)
    status, out, err = run(capsys, *at(cerebras_mock), "--timeout", "0.2", "--max-retries", "1", "chat", "hi")
    assert status == 4
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith("cerebras: attempt 1 of 2 failed; retrying in ")
    assert lines[1] == (
        f"cerebras: error: APITimeoutError: Request timed out: POST {cerebras_mock.base_url}/v1/chat/completions"
        " took longer than the 0.2 s limit, after 2 attempts"
    )


def test_a_retry_that_succeeds_leaves_a_note(
    cerebras_mock: MockCerebrasServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cerebras_mock.add_error(503, headers={"retry-after-ms": "1"})
    status, out, err = run(capsys, *at(cerebras_mock), "chat", "hi")
    assert (status, out) == (0, "You said: hi\n")
    assert err == "cerebras: attempt 1 of 3 failed; retrying in 0.001 s\n"


# ------------------------------------------------------------------------------------------------
# small fixes


@pytest.mark.parametrize("prompt", ["", "   ", "\n"])
def test_chat_refuses_an_empty_message(
    prompt: str, cerebras_mock: MockCerebrasServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "chat", prompt, *at(cerebras_mock))
    assert status == 2
    assert out == ""
    assert err.startswith("usage: cerebras chat ")
    assert "cerebras chat: error: the message is empty" in err
    assert cerebras_mock.requests == []


def test_chat_refuses_an_empty_message_from_stdin(
    cerebras_mock: MockCerebrasServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    status, out, err = run(capsys, "chat", "-", *at(cerebras_mock))
    assert status == 2
    assert out == ""
    assert err.startswith("cerebras: error: the message is empty")
    assert cerebras_mock.requests == []


def test_unknown_option_after_a_command_shows_that_command_usage(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "chat", "hi", "--bogus", "--api-key", KEY)
    assert status == 2
    assert err.startswith("usage: cerebras chat ")
    assert err.rstrip().endswith("cerebras chat: error: unrecognized arguments: --bogus")
    status, _, err = run(capsys, "models", "get", "m1", "--bogus", "--api-key", KEY)
    assert status == 2
    assert err.startswith("usage: cerebras models get ")


@pytest.mark.parametrize(
    ("created", "shown"),
    [(1721692800, "2024-07-23"), (0, "-"), (None, "-")],
)
def test_models_list_and_get_show_created_the_same_way(
    created: object, shown: str, cerebras_mock: MockCerebrasServer, capsys: pytest.CaptureFixture[str]
) -> None:
    model = {"id": "m1", "object": "model", "created": created, "owned_by": "Meta"}
    cerebras_mock.add_json({"object": "list", "data": [model]})
    cerebras_mock.add_json(model)
    status, listing, _ = run(capsys, "models", "list", *at(cerebras_mock))
    assert status == 0
    assert listing.splitlines()[1].split() == ["m1", "Meta", shown]
    status, one, _ = run(capsys, "models", "get", "m1", *at(cerebras_mock))
    assert status == 0
    assert f"created: {shown}" in one.splitlines()
    # --json still prints the API's value untouched
    cerebras_mock.add_json(model)
    _, raw, _ = run(capsys, "models", "get", "m1", "--json", *at(cerebras_mock))
    assert json.loads(raw)["created"] == created
