"""Shared fixtures: async tests run under asyncio and trio, and no test reads the user's environment."""

from __future__ import annotations

from typing import Iterator

import pytest

_ENV_VARS = ("CEREBRAS_API_KEY", "CEREBRAS_BASE_URL", "CEREBRAS_CUSTOM_HEADERS", "CEREBRAS_LOG")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-test-0123456789"
