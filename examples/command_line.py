"""Command line: the `cerebras` command that comes with the package (also `python -m cerebras.cloud.sdk`).

This script runs a few commands the way you would in a shell and shows their output and exit
status. They read CEREBRAS_API_KEY and CEREBRAS_BASE_URL from the environment, so without a key
they talk to the mock server the example started (`cerebras --mock ...` starts one of its own).
"""

import subprocess
import sys
from typing import List

from _env import MODEL, setup

# The same program as the `cerebras` script, run with this Python so the example works in any venv.
CEREBRAS = [sys.executable, "-m", "cerebras.cloud.sdk"]


def cerebras(*args: str, stdin: str = "") -> None:
    """Run `cerebras ARGS...`, print the command, its output and its exit status."""
    command: List[str] = [*CEREBRAS, *args]
    print("$ cerebras", " ".join(f'"{arg}"' if " " in arg else arg for arg in args))
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)
    for line in (result.stdout + result.stderr).splitlines():
        print("  ", line)
    print(f"   [exit status {result.returncode}]")


def main() -> None:
    setup()

    cerebras("--version")
    cerebras("chat", "Why is fast inference useful?", "-m", MODEL, "--max-tokens", "30", "--no-stream")
    cerebras("chat", "-", "--system", "Be brief.", "--no-stream", stdin="Summarise: fast is good.")
    cerebras("complete", "It was a dark and stormy", "--max-tokens", "10")
    cerebras("models", "list")
    # An error: one line on stderr and exit status 3 (the API answered with an error status).
    cerebras("models", "get", "no-such-model")


if __name__ == "__main__":
    main()
