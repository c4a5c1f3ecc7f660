"""Run every example in this directory, one after another, each in its own Python process.

Prints each example's output under a header, then a summary; exits with status 1 if any example
failed. Without CEREBRAS_API_KEY the examples use the bundled mock server (`nox -s examples`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import List

HERE = Path(__file__).resolve().parent
TIME_LIMIT = 120  # seconds per example


def example_scripts() -> List[Path]:
    """Every example: the .py files here, except this runner and private helpers."""
    return sorted(
        path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name and not path.name.startswith("_")
    )


def as_text(data: str | bytes | None) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else data or ""


def run(script: Path) -> bool:
    """Run one example, print its output, and say whether it succeeded."""
    print(f"\n===== {script.name} =====", flush=True)
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, str(script)],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIME_LIMIT,
        )
    except subprocess.TimeoutExpired as exc:
        output = as_text(exc.stdout)  # the output so far
        print(output, end="" if output.endswith("\n") else "\n")
        print(f"----- {script.name}: TIMED OUT after {TIME_LIMIT} s", flush=True)
        return False
    print(result.stdout, end="" if result.stdout.endswith("\n") else "\n")
    elapsed = time.perf_counter() - started
    status = "ok" if result.returncode == 0 else f"FAILED (exit status {result.returncode})"
    print(f"----- {script.name}: {status} in {elapsed:.1f} s", flush=True)
    return result.returncode == 0


def main() -> int:
    scripts = example_scripts()
    started = time.perf_counter()
    failed = [script.name for script in scripts if not run(script)]
    elapsed = time.perf_counter() - started

    print(f"\n{len(scripts) - len(failed)} passed, {len(failed)} failed in {elapsed:.1f} s")
    if failed:
        print("Failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
