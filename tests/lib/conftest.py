from __future__ import annotations

# The mock server fixture, for the end-to-end tests of this folder.
from cerebras.cloud.sdk.testing.pytest_plugin import cerebras_mock

__all__ = ["cerebras_mock"]
