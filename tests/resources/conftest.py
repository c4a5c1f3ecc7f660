"""Fixtures for the resource tests: clients (from the `make_client` fixture) pointed at a
respx-mocked 127.0.0.1 address."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras

from ._support import API_KEY, BASE_URL


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def any_client(flavor: str, make_client: Callable[..., Any]) -> Cerebras | AsyncCerebras:
    return make_client(flavor, api_key=API_KEY, base_url=BASE_URL)


@pytest.fixture
def any_strict_client(flavor: str, make_client: Callable[..., Any]) -> Cerebras | AsyncCerebras:
    return make_client(flavor, api_key=API_KEY, base_url=BASE_URL, _strict_response_validation=True)
