"""Shared fixtures: async tests run under asyncio and trio, and no test reads the user's environment.

Also the suite's one client factory (`make_client`) and its one loopback server (`mock_server`, a
`MockCerebrasServer` shared by the whole session and reset before each test that asks for it), and
the `slow` marker: the plain `pytest` run deselects slow tests (see `addopts` in pyproject.toml);
`nox` and CI run everything with `-m ""`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator, List, Union

import pytest
import respx

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.testing import MockCerebrasServer

_ENV_VARS = ("CEREBRAS_API_KEY", "CEREBRAS_BASE_URL", "CEREBRAS_CUSTOM_HEADERS", "CEREBRAS_LOG")

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-test-0123456789"

# Folders and modules (relative to tests/) whose every test is slow: reliability scenarios (load,
# large data, faults, fuzzing), end-to-end tests over real sockets, the examples smoke test and
# the typing checks (pyright/mypy in a subprocess). Single slow tests elsewhere carry
# `@pytest.mark.slow` themselves.
SLOW_PATHS = ("reliability/", "e2e/", "typing/")

_TESTS = Path(__file__).parent


def _named_on_the_command_line(config: pytest.Config) -> List[Path]:
    """The test paths given as arguments (`pytest tests/reliability`), resolved."""
    named = []
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path.exists() and path != _TESTS.resolve():
            named.append(path)
    return named


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    # A slow folder or module named on the command line (`pytest tests/reliability`) runs whole:
    # naming it is asking for it. Only the folder-wide mark is lifted; `@pytest.mark.slow` stays.
    named = _named_on_the_command_line(config)
    for item in items:
        path = Path(str(item.fspath)).resolve()
        try:
            relative = path.relative_to(_TESTS.resolve()).as_posix()
        except ValueError:
            continue
        if not relative.startswith(SLOW_PATHS):
            continue
        if any(path == n or n in path.parents for n in named):
            continue
        item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --------------------------------------------------------------------------- one loopback server


@pytest.fixture(params=["sync", "asyncio", "trio"])
def flavor(request: pytest.FixtureRequest) -> str:
    """For tests that run once per client kind: the blocking client (inside an asyncio loop), then
    the async one under asyncio and under trio. A module that asks for it pairs it with its own
    `anyio_backend` (`asyncio` for `sync`)."""
    return str(request.param)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    """respx, answering for the suite's `BASE_URL` (unmatched routes are fine)."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture(scope="session")
def _session_mock_server() -> Iterator[MockCerebrasServer]:
    server = MockCerebrasServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mock_server(_session_mock_server: MockCerebrasServer) -> Iterator[MockCerebrasServer]:
    """The session's loopback `MockCerebrasServer` (127.0.0.1, free port), reset for this test:
    no scripted entries, no recorded requests. Its in-process transports work as well."""
    _session_mock_server.reset()
    yield _session_mock_server
    _session_mock_server.reset()


# --------------------------------------------------------------------------- one client factory

AnyClient = Union[Cerebras, AsyncCerebras]
MakeClient = Callable[..., Any]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """`make_client(flavor="sync", **options)` builds a `Cerebras` ("sync") or `AsyncCerebras`
    ("async", "asyncio", "trio") with the suite's defaults (test key, `BASE_URL`, no warm-up, no
    retries); `options` override them. Sync clients are closed at teardown."""
    made: List[Cerebras] = []

    def make(flavor: str = "sync", **options: Any) -> Any:
        options = {
            "api_key": API_KEY,
            "base_url": BASE_URL,
            "warm_tcp_connection": False,
            "max_retries": 0,
            **options,
        }
        if flavor == "sync":
            client = Cerebras(**options)
            made.append(client)
            return client
        if flavor not in ("async", "asyncio", "trio"):
            raise ValueError(f"unknown client flavour {flavor!r}")
        return AsyncCerebras(**options)

    yield make
    for client in made:
        client.close()
