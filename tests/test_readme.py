"""The README's promises about setting up, testing and the examples hold.

- The two set-up commands make their own virtual environment and install nothing outside it (so
  they work on a Python that refuses a global `pip install`, PEP 668), and `.ci/run` runs the test
  command exactly as the README prints it.
- The test command's session set is the one the README describes and the time budget allows.
- Every README section the Examples section lists has its scripts in examples/, and every section
  in the range it claims is listed.
- examples/run_all.py reports an example whose optional dependency is missing as skipped.

All static except two short runs of run_all.py; a few seconds in all.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"


def sections(markdown: str) -> Dict[str, str]:
    """The README's `## ` sections by title, in order, each with its text (### subsections included)."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2])}


SECTIONS = sections(README)


def code_blocks(text: str, language: str) -> List[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def setup_commands() -> List[str]:
    """The command lines (not the comments) of the code block under "Try it in two commands"."""
    (block,) = code_blocks(SECTIONS["Try it in two commands"], "sh")
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


# ---- the set-up commands ------------------------------------------------------------------------


def test_there_are_two_setup_commands_an_examples_run_and_the_tests() -> None:
    commands = setup_commands()
    assert len(commands) == 2, commands
    assert commands[0].split("&&")[-1].split() == [".venv/bin/nox", "-s", "examples"], commands[0]
    # The test command runs nox's default sessions: no session or tag options.
    assert commands[1].split("&&")[-1].split() == [".venv/bin/nox"], commands[1]


@pytest.mark.parametrize("index", [0, 1])
def test_a_setup_command_installs_only_into_its_own_venv(index: int) -> None:
    """A global `pip install` fails on an externally managed Python (PEP 668): each command must
    make a virtual environment first and run everything after that from it."""
    command = setup_commands()[index]
    steps = [step.strip() for step in command.split("&&")]
    first = steps[0].split()
    assert first[:3] == ["python3", "-m", "venv"] and len(first) == 4, steps[0]
    venv_bin = first[3].rstrip("/") + "/bin/"
    for step in steps[1:]:
        assert step.startswith(venv_bin), f"{step!r} does not run from {venv_bin}"
    assert "pip install" in command  # nox and uv go into that venv
    for forbidden in ("--break-system-packages", "--user", "sudo ", "pip3 install", ";", "||"):
        assert forbidden not in command, (forbidden, command)


CI_EXTRA_SESSIONS = ["ray"]
"""Sessions CI runs after the README's test command: slow to install, outside its 10 minutes."""


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    test_command = setup_commands()[1]
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    # Nothing else that installs or runs: only the shell settings, the `cd` to the root, the
    # command; then only sessions outside the default set, each named in the README.
    assert ci_lines[:3] == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', test_command]
    extra = ci_lines[3:]
    assert extra == [f".venv/bin/nox -s {name}" for name in CI_EXTRA_SESSIONS]
    text = SECTIONS["Try it in two commands"]
    for name in CI_EXTRA_SESSIONS:
        assert name not in noxfile_constants()["DEFAULT_SESSIONS"]  # type: ignore[operator]
        assert f"`.venv/bin/nox -s {name}`" in text
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_the_readme_does_not_promise_a_run_without_network() -> None:
    text = SECTIONS["Try it in two commands"]
    assert not re.search(r"no (network|internet)", text, flags=re.IGNORECASE), text
    assert "download" in text


# ---- the test command's sessions ----------------------------------------------------------------


def noxfile_constants() -> Dict[str, object]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    found: Dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
            elif ast.unparse(target) == "nox.options.sessions":
                found["nox.options.sessions"] = ast.unparse(node.value)
    return found


def test_the_default_sessions_are_the_ones_the_readme_describes() -> None:
    constants = noxfile_constants()
    pythons = constants["PYTHONS"]
    assert isinstance(pythons, list) and pythons[0] == "3.9" and pythons[-1] == "3.13", pythons
    assert constants["nox.options.sessions"] == "DEFAULT_SESSIONS"
    # The oldest and newest Python, lowest dependencies, lint, types, examples; and nothing more,
    # so that the README's command stays under 10 minutes on two cores. Every Python: `nox -t full`.
    assert constants["DEFAULT_SESSIONS"] == [
        f"tests-{pythons[0]}",
        f"tests-{pythons[-1]}",
        "tests_lowest",
        "lint",
        "types",
        "types_usage",
        "examples",
    ]
    text = SECTIONS["Try it in two commands"]
    assert f"({pythons[0]} and {pythons[-1]})" in text and "nox -t full" in text


def test_the_supported_pythons_match_pyproject() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)
    assert noxfile_constants()["PYTHONS"] == declared


# ---- examples per section -----------------------------------------------------------------------


def example_files() -> List[str]:
    return sorted(
        path.name
        for path in EXAMPLES.glob("*.py")
        if path.name != "run_all.py" and not path.name.startswith("_")
    )


def examples_table() -> Dict[str, List[str]]:
    """Section title -> example scripts, from the table in the README's Examples section."""
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", SECTIONS["Examples"], flags=re.MULTILINE)
    table = {title: re.findall(r"`([\w.]+\.py)`", cell) for title, cell in rows}
    for header in ("Section", "---"):
        table.pop(header, None)
    return table


def test_every_listed_section_has_its_examples() -> None:
    table = examples_table()
    assert table
    for title, scripts in table.items():
        assert title in SECTIONS, f"the Examples table names a section the README does not have: {title}"
        assert scripts, f"no example listed for {title}"
        for script in scripts:
            assert (EXAMPLES / script).is_file(), f"{title}: examples/{script} does not exist"


def test_the_examples_claim_covers_exactly_the_sections_it_says() -> None:
    claim = re.search(
        r"from \[(.+?)\]\(#[\w-]+\) to\s+\[(.+?)\]\(#[\w-]+\) has at least one", SECTIONS["Examples"]
    )
    assert claim, "the Examples section no longer says which sections have examples"
    titles = list(SECTIONS)
    first, last = titles.index(claim.group(1)), titles.index(claim.group(2))
    assert list(examples_table()) == titles[first : last + 1]


def test_every_example_is_listed_once() -> None:
    listed = [script for scripts in examples_table().values() for script in scripts]
    assert sorted(listed) == example_files()


# ---- skipped examples ---------------------------------------------------------------------------

HIDE_AIOHTTP = textwrap.dedent(
    """
    import sys

    class HideAiohttp:
        # Imports of aiohttp and httpx_aiohttp fail as if the `aiohttp` extra were not installed.
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("aiohttp", "httpx_aiohttp"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, HideAiohttp())
    """
)


@pytest.fixture
def env_without_aiohttp(tmp_path: Path) -> Dict[str, str]:
    """An environment whose Python processes (run_all.py and the examples it starts) cannot import
    aiohttp: a sitecustomize on PYTHONPATH hides it. No Cerebras settings: the mock server is used."""
    (tmp_path / "sitecustomize.py").write_text(HIDE_AIOHTTP, encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith("CEREBRAS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    return env


def run_all(env: Dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / "run_all.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=60,
    )


def test_an_example_without_its_extra_is_reported_as_skipped(env_without_aiohttp: Dict[str, str]) -> None:
    result = run_all(env_without_aiohttp, "aiohttp_backend.py")

    assert result.returncode == 0, result.stdout
    assert "Skipped: To use the aiohttp client" in result.stdout, result.stdout
    assert "----- aiohttp_backend.py: SKIPPED in " in result.stdout, result.stdout
    assert re.search(r"^0 passed, 1 skipped, 0 failed in [\d.]+ s$", result.stdout, re.MULTILINE), (
        result.stdout
    )
    assert ": ok in" not in result.stdout


def test_no_skips_turns_a_skip_into_a_failure(env_without_aiohttp: Dict[str, str]) -> None:
    result = run_all(env_without_aiohttp, "--no-skips", "aiohttp_backend.py")

    assert result.returncode == 1, result.stdout
    assert re.search(r"^0 passed, 1 skipped, 0 failed in [\d.]+ s$", result.stdout, re.MULTILINE), (
        result.stdout
    )
