from __future__ import annotations

import pytest

# The `cerebras_mock` fixture and marker come from the package's pytest plugin (entry point
# `pytest11`), exactly as they reach users' test suites.


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
