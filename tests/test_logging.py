"""Logging (client.md §11): the CEREBRAS_LOG switch, the lines and loggers, and no leaked API key."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import textwrap
import time
from typing import Any, List, Tuple

import anyio
import httpx
import pytest
import respx

from cerebras.cloud.sdk import (
    APIConnectionError,
    APIStatusError,
    AsyncCerebras,
    BadRequestError,
    Cerebras,
    InternalServerError,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer

BASE_URL = "http://127.0.0.1:4010"

SECRET = "csk-SECRET-do-not-log-4f8a1c"
FORMAT = "[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"


def run_python(code: str, log_value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_")}
    if log_value is not None:
        env["CEREBRAS_LOG"] = log_value
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=60
    )


PROBE = """
import logging
import cerebras.cloud.sdk
root = logging.getLogger()
fmt = root.handlers[0].formatter._fmt if root.handlers else None
datefmt = root.handlers[0].formatter.datefmt if root.handlers else None
print(logging.getLogger("cerebras.cloud.sdk").level)
print(logging.getLogger("httpx").level)
print(len(root.handlers))
print(fmt)
print(datefmt)
"""


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("info", logging.INFO)])
def test_cerebras_log_configures_logging(value: str, level: int) -> None:
    result = run_python(PROBE, value)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [str(level), str(level), "1", FORMAT, "%Y-%m-%d %H:%M:%S"]


@pytest.mark.parametrize("value", [None, "", "DEBUG", "Info", "warning", "trace"])
def test_other_values_configure_nothing(value: str | None) -> None:
    result = run_python(PROBE, value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["0", "0", "0", "None", "None"]


def test_debug_lines_reach_stderr_in_the_documented_format() -> None:
    code = f"""
    import respx
    from cerebras.cloud.sdk import Cerebras
    with respx.mock(base_url="{BASE_URL}") as mock:
        mock.get("/v1/x").respond(200, json={{}})
        with Cerebras(api_key="{SECRET}", base_url="{BASE_URL}", warm_tcp_connection=False) as c:
            c.get("/v1/x", cast_to=dict)
    """
    result = run_python(code, "debug")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    sending = [line for line in lines if "Sending HTTP Request: GET http://127.0.0.1:4010/v1/x" in line]
    assert len(sending) == 1
    assert sending[0].startswith("[")
    assert " - cerebras.cloud.sdk._base_client:" in sending[0]
    assert " - DEBUG] Sending HTTP Request" in sending[0]
    assert SECRET not in result.stderr

    info_only = run_python(code, "info")
    assert info_only.returncode == 0, info_only.stderr
    assert "Sending HTTP Request" not in info_only.stderr


# --------------------------------------------------------------------------- lines and loggers (caplog)


def messages(caplog: pytest.LogCaptureFixture, logger: str) -> List[Tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == logger]


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda s: None)

    async def fake(seconds: float) -> None:
        pass

    monkeypatch.setattr(anyio, "sleep", fake)


def test_retry_and_error_lines(caplog: pytest.LogCaptureFixture, no_sleep: None) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/x").mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after-ms": "250"}),
                httpx.Response(503, headers={"x-should-retry": "true", "retry-after": "2"}),
                httpx.Response(400, json={"error": "bad"}),
            ]
        )
        client = Cerebras(api_key=SECRET, base_url=BASE_URL, warm_tcp_connection=False, max_retries=3)
        with client, pytest.raises(BadRequestError):
            client.post("/v1/x", cast_to=dict, body={"q": 1})
    base = messages(caplog, "cerebras.cloud.sdk._base_client")
    texts = [text for _, text in base]
    assert any(t.startswith("Request options: ") and "'method': 'post'" in t for t in texts)
    assert texts.count("Sending HTTP Request: POST http://127.0.0.1:4010/v1/x") == 3
    assert any(
        t.startswith('HTTP Response: POST http://127.0.0.1:4010/v1/x "429 Too Many Requests"') for t in texts
    )
    assert "Retrying due to status code 429" in texts
    assert "Retrying as header `x-should-retry` is set to `true`" in texts
    assert "Not retrying" in texts
    assert "3 retries left" in texts
    assert "2 retries left" in texts
    assert "Re-raising status error" in texts
    assert "Encountered httpx.HTTPStatusError" in texts
    infos = [t for level, t in base if level == logging.INFO]
    assert infos == [
        "Retrying request to /v1/x in 0.250000 seconds",
        "Retrying request to /v1/x in 2.000000 seconds",
    ]
    assert all(level == logging.DEBUG for level, t in base if not t.startswith("Retrying request"))


def test_should_retry_false_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cerebras.cloud.sdk")
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").respond(500, headers={"x-should-retry": "false"})
        client = Cerebras(api_key=SECRET, base_url=BASE_URL, warm_tcp_connection=False)
        with client, pytest.raises(InternalServerError):
            client.get("/v1/x", cast_to=dict)
    texts = [t for _, t in messages(caplog, "cerebras.cloud.sdk._base_client")]
    assert "Not retrying as header `x-should-retry` is set to `false`" in texts


def test_transport_error_lines(caplog: pytest.LogCaptureFixture, no_sleep: None) -> None:
    caplog.set_level(logging.DEBUG, logger="cerebras.cloud.sdk")
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/t").mock(side_effect=[httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow")])
        mock.get("/v1/c").mock(side_effect=httpx.ConnectError("refused"))
        with Cerebras(api_key=SECRET, base_url=BASE_URL, warm_tcp_connection=False, max_retries=1) as client:
            with pytest.raises(APIConnectionError):
                client.get("/v1/t", cast_to=dict)
            timeout_texts = [t for _, t in messages(caplog, "cerebras.cloud.sdk._base_client")]
            caplog.clear()
            with pytest.raises(APIConnectionError):
                client.get("/v1/c", cast_to=dict, options={"max_retries": 0})
    assert "Encountered httpx.TimeoutException" in timeout_texts
    assert "1 retry left" in timeout_texts
    assert "Raising timeout error" in timeout_texts
    conn = [r for r in caplog.records if r.name == "cerebras.cloud.sdk._base_client"]
    encountered = [r for r in conn if r.getMessage() == "Encountered Exception"]
    assert encountered and encountered[0].exc_info is not None
    assert "Raising connection error" in [r.getMessage() for r in conn]


def test_nothing_is_logged_below_the_configured_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").respond(200, json={})
        with Cerebras(api_key=SECRET, base_url=BASE_URL, warm_tcp_connection=False) as client:
            client.get("/v1/x", cast_to=dict)
    assert [r for r in caplog.records if r.name.startswith("cerebras")] == []


@pytest.mark.anyio
async def test_async_lines(caplog: pytest.LogCaptureFixture, no_sleep: None) -> None:
    caplog.set_level(logging.DEBUG, logger="cerebras.cloud.sdk")
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(side_effect=[httpx.Response(500), httpx.Response(200, json={})])
        async with AsyncCerebras(api_key=SECRET, base_url=BASE_URL, warm_tcp_connection=False) as client:
            await client.get("/v1/x", cast_to=dict)
    texts = [t for _, t in messages(caplog, "cerebras.cloud.sdk._base_client")]
    assert "Retrying due to status code 500" in texts
    assert any(t.startswith("Retrying request to /v1/x in ") for t in texts)


# --------------------------------------------------------------------------- the key never leaks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def everything_said(caplog: pytest.LogCaptureFixture, *objects: Any) -> str:
    formatter = logging.Formatter(FORMAT)
    parts = [formatter.format(record) for record in caplog.records]
    parts += [repr(record.args) for record in caplog.records]
    for obj in objects:
        parts += [str(obj), repr(obj)]
        if isinstance(obj, BaseException):
            parts += [repr(getattr(obj, "body", None)), repr(getattr(obj, "request", None))]
            parts.append(repr(obj.__cause__))
    return "\n".join(parts)


def test_api_key_never_appears_in_logs_reprs_or_errors(
    caplog: pytest.LogCaptureFixture, mock_server: MockCerebrasServer
) -> None:
    base_url = mock_server.base_url
    retry_soon = {"retry-after-ms": "1"}
    mock_server.add_json(b'{"error":"warm"}', status=500, route="*")  # the warm-up probe
    mock_server.add_json(b"{}", status=429, route="*", headers=retry_soon)
    mock_server.add_json(b"{}", status=503, route="*", headers=retry_soon)
    mock_server.add_json(b'{"error":{"message":"bad key"}}', status=401, route="*")
    caplog.set_level(logging.DEBUG)
    client = Cerebras(api_key=SECRET, base_url=base_url, max_retries=2)  # warm-up fails (500)
    with pytest.raises(APIStatusError) as status_info:
        client.post(
            "/v1/x",
            cast_to=dict,
            body={"q": 1},
            options={"headers": {"Authorization": f"Bearer {SECRET}", "X-Api-Key": SECRET}},
        )
    with pytest.raises(APIConnectionError) as conn_info:
        client.with_options(base_url=f"http://127.0.0.1:{free_port()}", max_retries=1).get(
            "/v1/y", cast_to=dict
        )
    client.close()

    assert any("TCP Warming had exception" in r.getMessage() for r in caplog.records)
    assert any(r.name.startswith("httpx") for r in caplog.records)
    assert len(caplog.records) > 20
    said = everything_said(caplog, client, status_info.value, conn_info.value, client.with_options())
    assert SECRET not in said
    assert "<redacted>" in said


@pytest.mark.anyio
async def test_async_api_key_never_appears(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/tcp_warming").mock(side_effect=httpx.ConnectError("nope"))
        mock.get("/v1/x").mock(
            side_effect=[
                httpx.Response(503, headers={"retry-after-ms": "1"}),
                httpx.Response(403, json={"e": 1}),
            ]
        )
        client = AsyncCerebras(api_key=SECRET, base_url=BASE_URL, max_retries=1)
        with pytest.raises(APIStatusError) as info:
            await client.get("/v1/x", cast_to=dict, options={"headers": {"authorization": SECRET}})
        await anyio.sleep(0.01)
        await client.close()
    said = everything_said(caplog, client, info.value)
    assert len(caplog.records) > 5
    assert SECRET not in said
