"""Every example in examples/ runs to completion against the bundled mock server.

One run of `examples/run_all.py` (about 15 s: each example is a short Python process talking to its
own mock server on 127.0.0.1), with the Cerebras environment variables removed so nothing can reach
the real API. An example whose optional dependency is not installed here (the `aiohttp` extra in the
lowest-dependencies session) must be reported as skipped; every other one must pass.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Dict, Set

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MOCK_LINE = re.compile(
    r"^Using the bundled mock server at http://127\.0\.0\.1:\d+ \(set CEREBRAS_API_KEY to use the real API\)$"
)


def sections(output: str) -> Dict[str, str]:
    """run_all's output split by its `===== name.py =====` headers."""
    parts = re.split(r"^===== (\S+\.py) =====$", output, flags=re.MULTILINE)
    return {name: body.strip("\n") for name, body in zip(parts[1::2], parts[2::2])}


def missing_dependencies() -> Set[str]:
    """The examples that cannot run in this environment, because an optional dependency is missing."""
    missing: Set[str] = set()
    if find_spec("aiohttp") is None or find_spec("httpx_aiohttp") is None:
        missing.add("aiohttp_backend.py")
    if find_spec("pytest") is None:  # pragma: no cover (this test runs under pytest)
        missing.add("testing_your_code.py")
    return missing


def test_every_example_runs_on_the_mock_server() -> None:
    scripts = sorted(
        p.name for p in EXAMPLES.glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_")
    )
    assert len(scripts) >= 21, scripts
    skipped = missing_dependencies()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CEREBRAS_")}

    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "run_all.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout
    summary = rf"^{len(scripts) - len(skipped)} passed, {len(skipped)} skipped, 0 failed in [\d.]+ s$"
    assert re.search(summary, result.stdout, re.MULTILINE), result.stdout
    found = sections(result.stdout)
    assert sorted(found) == scripts
    for name, body in found.items():
        assert "Using the Cerebras API" not in body, body
        if "setup()" in (EXAMPLES / name).read_text(encoding="utf-8"):  # the examples that use _env
            first_line = body.splitlines()[0] if body else ""
            assert MOCK_LINE.match(first_line), f"{name} started with {first_line!r}"
        status = "SKIPPED" if name in skipped else "ok"
        assert f"----- {name}: {status} in " in body, body
        assert "Traceback" not in body, body
