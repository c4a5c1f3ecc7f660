"""Pytest plugin providing the ``cerebras_mock`` fixture.

Enable it in a ``conftest.py`` (or test module) with::

    pytest_plugins = ["cerebras.cloud.sdk.testing.pytest_plugin"]

Each test that asks for ``cerebras_mock`` gets its own started :class:`MockCerebrasServer`, stopped
after the test. Constructor options can be given per test with a marker::

    @pytest.mark.cerebras_mock(api_key="secret", models=["my-model"])
    def test_something(cerebras_mock): ...
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from ._server import MockCerebrasServer

__all__ = ["cerebras_mock"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cerebras_mock(**options): keyword arguments for the MockCerebrasServer of the cerebras_mock fixture",
    )


def _marker_options(request: Any) -> Dict[str, Any]:
    node: pytest.Item = request.node
    marker = node.get_closest_marker("cerebras_mock")
    return dict(marker.kwargs) if marker is not None else {}


@pytest.fixture
def cerebras_mock(request: pytest.FixtureRequest) -> Iterator[MockCerebrasServer]:
    """A started :class:`MockCerebrasServer` on 127.0.0.1 (free port), stopped after the test."""
    server = MockCerebrasServer(**_marker_options(request))
    server.start()
    try:
        yield server
    finally:
        server.stop()
