"""Fixtures for the resource tests: clients (from the `make_client` fixture) pointed at a
respx-mocked 127.0.0.1 address."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
import respx

from cerebras.cloud.sdk import AsyncCerebras, Cerebras

from ._support import API_KEY, BASE_URL


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture(params=["sync", "asyncio", "trio"])
def flavor(request: pytest.FixtureRequest) -> str:
    """`sync` runs the blocking client (inside an asyncio loop); the others the async client."""
    return str(request.param)


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def any_client(flavor: str, make_client: Callable[..., Any]) -> Cerebras | AsyncCerebras:
    return make_client(flavor, api_key=API_KEY, base_url=BASE_URL)


@pytest.fixture
def any_strict_client(flavor: str, make_client: Callable[..., Any]) -> Cerebras | AsyncCerebras:
    return make_client(flavor, api_key=API_KEY, base_url=BASE_URL, _strict_response_validation=True)
