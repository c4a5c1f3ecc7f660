"""Shared setup for the examples: the real Cerebras API when you have a key, a local mock otherwise.

Every example calls ``setup()`` first. With ``CEREBRAS_API_KEY`` set (and not empty) nothing
changes: ``Cerebras()`` reads the key (and ``CEREBRAS_BASE_URL``, if set) from the environment as
usual. Without a key, ``setup()`` starts the mock server bundled with the SDK
(``cerebras.cloud.sdk.testing``) and points those two variables at it, so the examples' plain
``Cerebras()`` talks to the mock; it returns the server so that an example can script faults on it.

``CEREBRAS_MODEL`` picks the model (default ``llama3.1-8b``).

An example that cannot run here (an optional dependency is missing) calls ``skip(reason)``: it says
why and exits with status ``SKIPPED`` (77), which ``run_all.py`` reports as skipped, not as ok.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn, Optional

from cerebras.cloud.sdk.testing import DEFAULT_MODELS, MockCerebrasServer

MODEL = os.environ.get("CEREBRAS_MODEL") or "llama3.1-8b"
MOCK_API_KEY = "mock-key"
SKIPPED = 77  # exit status of a skipped example (the convention of automake's test harness)


def setup() -> Optional[MockCerebrasServer]:
    """Say which API the example talks to; start the mock server (and return it) when there is no key."""
    if os.environ.get("CEREBRAS_API_KEY"):
        base_url = os.environ.get("CEREBRAS_BASE_URL") or "https://api.cerebras.ai"
        print(f"Using the Cerebras API at {base_url}")
        return None

    models = DEFAULT_MODELS if MODEL in DEFAULT_MODELS else (*DEFAULT_MODELS, MODEL)
    mock = MockCerebrasServer(api_key=MOCK_API_KEY, models=models).start()
    atexit.register(mock.stop)
    os.environ["CEREBRAS_API_KEY"] = MOCK_API_KEY
    os.environ["CEREBRAS_BASE_URL"] = mock.base_url
    print(f"Using the bundled mock server at {mock.base_url} (set CEREBRAS_API_KEY to use the real API)")
    return mock


def skip(reason: str) -> NoReturn:
    """End the example without running it: print why, and exit with the status run_all.py reads as
    skipped."""
    print(f"Skipped: {reason}", flush=True)
    sys.exit(SKIPPED)
