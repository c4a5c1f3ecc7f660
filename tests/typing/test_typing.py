"""Runs pyright on the static checks in this folder, so a typing regression fails the test suite.

* `check_sync.py` / `check_async.py` pin, with `assert_type`, what every public method returns
  (the `stream` overloads of decision 1, raw and streamed responses, `with_options()`, the stream
  helpers, `parse()`).
* `check_errors.py` lists calls that must stay type errors, each with the exact rule it breaks;
  an ignore that is no longer needed is an error there.

The `types` nox session also runs mypy on the two `check_*` files of return types.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent

# A deliberately wrong expectation: proves pyright runs, sees our types and reports assert_type.
WRONG = """\
from typing_extensions import assert_type
from cerebras.cloud.sdk import Cerebras, Stream
from cerebras.cloud.sdk.types.chat import ChatCompletion
def f(client: Cerebras) -> None:
    assert_type(client.chat.completions.create(model='m', messages=[], stream=True), ChatCompletion)
    assert_type(client.chat.completions.create(model='m', messages=[]), Stream[ChatCompletion])
"""


def _pyright_executable() -> Optional[str]:
    # The pyright installed next to this interpreter first (a venv that is not activated).
    local = Path(sys.executable).parent / ("pyright.exe" if sys.platform == "win32" else "pyright")
    return str(local) if local.is_file() else shutil.which("pyright")


def _pyright(*targets: Path) -> Dict[str, Any]:
    exe = _pyright_executable()
    if exe is None:
        pytest.skip("pyright is not installed")
    proc = subprocess.run(
        [exe, "--outputjson", "--pythonpath", sys.executable, *map(str, targets)],
        cwd=PROJECT_ROOT,  # pyproject.toml's [tool.pyright]: strict, Python 3.9
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report: Dict[str, Any] = json.loads(proc.stdout)
    except ValueError:
        pytest.skip(f"pyright could not run: {proc.stdout[-500:]} {proc.stderr[-500:]}")
    return report


def _errors_by_file(report: Dict[str, Any]) -> Dict[str, List[str]]:
    errors: Dict[str, List[str]] = {}
    for d in report["generalDiagnostics"]:
        if d["severity"] == "error":
            where = f"{d['range']['start']['line'] + 1}: [{d.get('rule')}] {d['message']}"
            errors.setdefault(Path(d["file"]).name, []).append(where)
    return errors


def test_pyright_accepts_the_typing_checks(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong_expectation.py"
    wrong.write_text(WRONG)
    checks = sorted(HERE.glob("*.py"))
    assert {p.name for p in checks} >= {"check_sync.py", "check_async.py", "check_errors.py"}

    report = _pyright(wrong, *checks)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["filesAnalyzed"] == len(checks) + 1

    errors = _errors_by_file(report)
    wrong_errors = errors.pop(wrong.name, [])
    assert len(wrong_errors) == 2, wrong_errors
    assert all("reportAssertTypeFailure" in e for e in wrong_errors), wrong_errors
    assert errors == {}


# A use of the tool runner that must fail: proves pyright sees the runner's types when it accepts
# the example.
WRONG_RUNNER_USE = """\
from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib import function_tool
@function_tool
def double(x: int) -> int:
    return 2 * x
def f(client: Cerebras) -> None:
    result = client.chat.completions.run_tools(model="m", messages=[], tools=[double])
    result.turns.upper()
"""


def test_pyright_strict_accepts_the_tool_runner_example(tmp_path: Path) -> None:
    """The issue's typing check: the example defines two typed tools and runs the loop, strictly typed."""
    exe = _pyright_executable()
    if exe is None:
        pytest.skip("pyright is not installed")
    wrong = tmp_path / "wrong_runner_use.py"
    wrong.write_text(WRONG_RUNNER_USE)
    example = PROJECT_ROOT / "examples" / "tool_runner.py"
    config = ["-p", "pyrightconfig.examples.json"]
    proc = subprocess.run(
        [exe, "--outputjson", "--pythonpath", sys.executable, *config, str(example), str(wrong)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report: Dict[str, Any] = json.loads(proc.stdout)
    assert report["summary"]["filesAnalyzed"] == 2
    errors = _errors_by_file(report)
    wrong_errors = errors.pop(wrong.name, [])
    assert any(e.startswith("8: [reportAttributeAccessIssue]") for e in wrong_errors), wrong_errors
    assert errors == {}
