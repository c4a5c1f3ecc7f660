"""``cerebras --help`` and ``--version`` answer from the standard library: neither httpx nor pydantic loads.

Each launcher runs in a fresh interpreter: the ``main`` function called from a small wrapper (which then
reports ``sys.modules``), ``python -m cerebras.cloud.sdk`` and the installed ``cerebras`` console script
(both watched through ``PYTHONPROFILEIMPORTTIME``, which makes Python log every import to stderr).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Set

import pytest

HEAVY = ("httpx", "pydantic", "pydantic_core")

# Importing `cerebras.cloud.sdk.cli` first imports the package `cerebras.cloud.sdk`; its `__init__`
# loads every name that needs httpx on first access, which is what these tests hold it to.

_WRAPPER = """
import json, sys
report, args = sys.argv[1], json.loads(sys.argv[2])
from cerebras.cloud.sdk.cli import main
try:
    main(args)
except SystemExit:
    pass
with open(report, "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def _env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_")}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(extra or {})
    return env


def _roots(modules: Set[str]) -> Set[str]:
    return {name.split(".")[0] for name in modules}


def _imported_per_importtime(stderr: str) -> Set[str]:
    """The modules named in ``-X importtime`` lines (``import time: self | cumulative | name``)."""
    names: Set[str] = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name and name != "imported package":
                names.add(name)
    return names


def _console_script() -> Optional[str]:
    return shutil.which("cerebras", path=os.path.dirname(sys.executable))


def _run_with_importtime(command: List[str]) -> Set[str]:
    result = subprocess.run(
        command, capture_output=True, text=True, env=_env({"PYTHONPROFILEIMPORTTIME": "1"}), timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith(("usage: cerebras", "cerebras ")), result.stdout
    return _imported_per_importtime(result.stderr)


ARGUMENTS = [pytest.param(["--help"], id="help"), pytest.param(["--version"], id="version")]


@pytest.mark.parametrize("args", ARGUMENTS)
def test_main_imports_neither_httpx_nor_pydantic(args: List[str], tmp_path: Path) -> None:
    report = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(report), json.dumps(args)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(("usage: cerebras", "cerebras ")), result.stdout
    loaded = _roots(set(json.loads(report.read_text())))
    assert "cerebras" in loaded
    assert not loaded.intersection(HEAVY), sorted(loaded.intersection(HEAVY))


@pytest.mark.parametrize("args", ARGUMENTS)
def test_python_dash_m_imports_neither_httpx_nor_pydantic(args: List[str]) -> None:
    loaded = _run_with_importtime([sys.executable, "-m", "cerebras.cloud.sdk", *args])
    assert "cerebras.cloud.sdk.cli" in loaded
    assert not _roots(loaded).intersection(HEAVY), sorted(_roots(loaded).intersection(HEAVY))


@pytest.mark.parametrize("args", ARGUMENTS)
def test_console_script_imports_neither_httpx_nor_pydantic(args: List[str]) -> None:
    script = _console_script()
    if script is None:
        pytest.skip("the `cerebras` console script is not installed next to this interpreter")
    loaded = _run_with_importtime([script, *args])
    assert "cerebras.cloud.sdk.cli" in loaded
    assert not _roots(loaded).intersection(HEAVY), sorted(_roots(loaded).intersection(HEAVY))


def test_the_importtime_log_does_show_httpx_when_it_is_imported() -> None:
    """The importtime probe above is not vacuous: it sees httpx (and nested modules) when loaded."""
    result = subprocess.run(
        [sys.executable, "-c", "import httpx"],
        capture_output=True,
        text=True,
        env=_env({"PYTHONPROFILEIMPORTTIME": "1"}),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = _imported_per_importtime(result.stderr)
    assert "httpx" in loaded
    assert "httpx._client" in loaded
