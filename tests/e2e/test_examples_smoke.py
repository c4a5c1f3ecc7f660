"""Every example in examples/ runs to completion against the bundled mock server.

One run of `examples/run_all.py` (about 5 s: each example is a short Python process talking to its
own mock server on 127.0.0.1), with the Cerebras environment variables removed so nothing can reach
the real API.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MOCK_LINE = re.compile(
    r"^Using the bundled mock server at http://127\.0\.0\.1:\d+ \(set CEREBRAS_API_KEY to use the real API\)$"
)


def sections(output: str) -> Dict[str, str]:
    """run_all's output split by its `===== name.py =====` headers."""
    parts = re.split(r"^===== (\S+\.py) =====$", output, flags=re.MULTILINE)
    return {name: body.strip("\n") for name, body in zip(parts[1::2], parts[2::2])}


def test_every_example_runs_on_the_mock_server() -> None:
    scripts = sorted(
        p.name for p in EXAMPLES.glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_")
    )
    assert len(scripts) >= 13, scripts
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
    assert re.search(rf"^{len(scripts)} passed, 0 failed in [\d.]+ s$", result.stdout, re.MULTILINE), (
        result.stdout
    )
    found = sections(result.stdout)
    assert sorted(found) == scripts
    for name, body in found.items():
        first_line = body.splitlines()[0] if body else ""
        assert MOCK_LINE.match(first_line), f"{name} started with {first_line!r}"
        assert f"----- {name}: ok in " in body, body
        assert "Traceback" not in body, body
