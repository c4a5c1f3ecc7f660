"""Pytest plugin providing the ``cerebras_mock`` fixture.

Enable it in a ``conftest.py`` (or test module) with::

    pytest_plugins = ["cerebras.cloud.sdk.testing.pytest_plugin"]

Each test that asks for ``cerebras_mock`` gets its own started :class:`MockCerebrasServer`, stopped
after the test. Constructor options can be given per test with a marker::

    @pytest.mark.cerebras_mock(api_key="secret", models=["my-model"])
    def test_something(cerebras_mock): ...

The fixture's server also answers in-process, without its socket, through
``cerebras_mock.transport()`` / ``cerebras_mock.async_transport()`` (httpx transports).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Iterator, TypeVar, cast

from ._server import MockCerebrasServer

__all__ = ["cerebras_mock"]

_F = TypeVar("_F", bound=Callable[..., Any])

# pytest is this module's host, always there when pytest loads it, but not a dependency of the SDK:
# it is looked up by name so that the package type-checks in an environment without pytest.
_pytest: Any = importlib.import_module("pytest")


def _fixture(func: _F) -> _F:
    return cast(_F, _pytest.fixture(func))


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers",
        "cerebras_mock(**options): keyword arguments for the MockCerebrasServer of the cerebras_mock fixture",
    )


def _marker_options(request: Any) -> Dict[str, Any]:
    marker = request.node.get_closest_marker("cerebras_mock")
    return dict(marker.kwargs) if marker is not None else {}


@_fixture
def cerebras_mock(request: Any) -> Iterator[MockCerebrasServer]:
    """A started :class:`MockCerebrasServer` on 127.0.0.1 (free port), stopped after the test."""
    server = MockCerebrasServer(**_marker_options(request))
    server.start()
    try:
        yield server
    finally:
        server.stop()
