"""Run every example in this directory, one after another, each in its own Python process.

Prints each example's output under a header, then a summary. An example that cannot run here (an
optional dependency such as the `aiohttp` extra is missing) exits with status 77 and is reported as
skipped, not as ok. The exit status is 1 if any example failed, and also if any was skipped when
`--no-skips` is given (the `examples` nox session does that: it installs every extra). Name some
examples (`run_all.py chat.py errors.py`) to run only those. Without CEREBRAS_API_KEY the examples
use the bundled mock server.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

from _env import SKIPPED

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


def run(script: Path) -> str:
    """Run one example, print its output, and return "ok", "skipped" or "failed"."""
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
        return "failed"
    print(result.stdout, end="" if result.stdout.endswith("\n") else "\n")
    elapsed = time.perf_counter() - started
    if result.returncode == 0:
        outcome, status = "ok", "ok"
    elif result.returncode == SKIPPED:
        outcome, status = "skipped", "SKIPPED"
    else:
        outcome, status = "failed", f"FAILED (exit status {result.returncode})"
    print(f"----- {script.name}: {status} in {elapsed:.1f} s", flush=True)
    return outcome


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME", help="run only these examples (file names)")
    parser.add_argument("--no-skips", action="store_true", help="count a skipped example as a failure")
    args = parser.parse_args(argv)

    scripts = example_scripts()
    if args.names:
        known = {script.name: script for script in scripts}
        unknown = [name for name in args.names if name not in known]
        if unknown:
            parser.error(f"no such example: {', '.join(unknown)} (choose from {', '.join(known)})")
        scripts = [known[name] for name in args.names]
    started = time.perf_counter()
    outcomes = {script.name: run(script) for script in scripts}
    elapsed = time.perf_counter() - started

    failed = [name for name, outcome in outcomes.items() if outcome == "failed"]
    skipped = [name for name, outcome in outcomes.items() if outcome == "skipped"]
    passed = len(outcomes) - len(failed) - len(skipped)
    print(f"\n{passed} passed, {len(skipped)} skipped, {len(failed)} failed in {elapsed:.1f} s")
    if skipped:
        print("Skipped:", ", ".join(skipped))
    if failed:
        print("Failed:", ", ".join(failed))
    return 1 if failed or (skipped and args.no_skips) else 0


if __name__ == "__main__":
    sys.exit(main())
