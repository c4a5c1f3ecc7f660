"""Project tasks.

`nox` runs the default set, the README's test command, in under 10 minutes on two cores: the tests
on the oldest and the newest supported Python, the tests with the lowest dependencies, lint, types
and the examples. `nox -t full` adds the tests on every Python in between (about 7 minutes more).
`nox -s bench` runs the benchmarks. A Python that is not installed is downloaded by uv.
"""

from __future__ import annotations

import glob
import os

import nox

PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
OLDEST, NEWEST = PYTHONS[0], PYTHONS[-1]

# Interpreters installed by pyenv are not on PATH unless selected; make every installed one visible.
_pyenv_bins = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin")))
os.environ["PATH"] = os.pathsep.join([*_pyenv_bins, os.environ.get("PATH", "")])


# The lowest versions pyproject.toml declares; `tests_lowest` proves the floor is real.
LOWEST = [
    "httpx[http2]==0.23.0",
    "pydantic==2.8.0",
    "anyio==3.5.0",
    "typing-extensions==4.14.0",
    "distro==1.7.0",
    "sniffio==1.3.0",
]
# Test tools pinned to versions that work with those: anyio 3.5's trio backend needs
# `trio.MultiError`, which trio removed after 0.22. (The `aiohttp` extra is left out: httpx_aiohttp
# needs a newer httpx, and its tests skip without it.)
LOWEST_TEST_TOOLS = ["trio==0.22.2"]

# Two pytest-xdist workers: much of the suite waits (retries, timeouts, slow servers), so two
# processes finish well before one even on two cores. `nox -s tests -- -n 0` runs in one process.
# `-m ""` runs every test: the plain `pytest` leaves out those marked `slow` (pyproject.toml).
PYTEST = ["pytest", "-n", "2", "-m", ""]

# The default set (`nox`): each session takes 2-3 minutes (the tests) or under 25 s (the rest),
# 8 minutes in all from a fresh clone on two cores (packages in uv's cache).
# Keep it in step with the README, which says what it covers; tests/test_readme.py checks both.
DEFAULT_SESSIONS = [
    "tests-3.9",
    "tests-3.13",
    "tests_lowest",
    "lint",
    "types",
    "types_usage",
    "examples",
]
nox.options.sessions = DEFAULT_SESSIONS
nox.options.reuse_existing_virtualenvs = True
# uv creates the virtualenvs and installs much faster than pip; plain virtualenv/pip without it.
nox.options.default_venv_backend = "uv|virtualenv"


@nox.session(python=PYTHONS, tags=["full"])
def tests(session: nox.Session) -> None:
    """The test suite with the newest dependencies, on each Python 3.9-3.13.

    `nox -s tests` runs all five, `nox -s tests-3.12` one; the default set the oldest and the newest."""
    session.install("-e", ".[test,aiohttp]")
    session.run(*PYTEST, *session.posargs)


@nox.session(python=OLDEST, tags=["full"])
def tests_lowest(session: nox.Session) -> None:
    """The test suite with the lowest dependency versions we declare (on the lowest Python)."""
    # One install, so that the resolver picks test tools that agree with the pins.
    session.install("-e", ".[test]", *LOWEST, *LOWEST_TEST_TOOLS)
    session.run(
        "python",
        "-c",
        "import anyio, httpx, pydantic; from importlib.metadata import version;"
        " print('httpx', httpx.__version__, 'pydantic', pydantic.VERSION, 'anyio', version('anyio'))",
    )
    session.run(*PYTEST, *session.posargs)


@nox.session(python="3.11", tags=["full"])
def lint(session: nox.Session) -> None:
    """ruff lint and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "src", "tests", "examples", "benchmarks", "codegen", "noxfile.py")
    session.run(
        "ruff", "format", "--check", "src", "tests", "examples", "benchmarks", "codegen", "noxfile.py"
    )


@nox.session(python="3.11", tags=["full"])
def types(session: nox.Session) -> None:
    """pyright and mypy (both strict) on the package, installed without extras.

    Installed as a user installs it, so an import of an optional dependency cannot hide behind a dev
    install."""
    session.install("-e", ".", "pyright>=1.1.380", "mypy>=1.16")
    session.run("pyright", "src")
    session.run("mypy", "src")


@nox.session(python="3.11", tags=["full"])
def types_usage(session: nox.Session) -> None:
    """pyright on the examples and the typing checks; mypy on the return-type checks."""
    session.install("-e", ".[dev]")
    session.run("pyright", "-p", "pyrightconfig.examples.json")
    session.run("mypy", "--strict", "tests/typing/check_sync.py", "tests/typing/check_async.py")


@nox.session(python="3.11", tags=["full"])
def examples(session: nox.Session) -> None:
    """Every example, end to end, against the bundled mock server (no key needed).

    Once installed nothing leaves the machine. Every extra is installed, so no example may be skipped."""
    # pytest: examples/testing_your_code.py; opentelemetry-sdk: the exporter examples/tracing.py prints with.
    session.install("-e", ".[aiohttp,otel]", "pytest>=8", "opentelemetry-sdk>=1.27")
    session.run("python", "examples/run_all.py", "--no-skips", env={"CEREBRAS_API_KEY": ""})


@nox.session(python="3.11")
def ray(session: nox.Session) -> None:
    """The Ray Data integration (`lib.bulk.ray`) on a local 4-CPU Ray cluster, against the mock.
    Not in the default set (installing Ray takes a while); `.ci/run` runs it after them."""
    session.install("-e", ".[test,ray]")
    session.run(
        "pytest",
        "-m",
        "",
        "tests/lib/bulk/test_bulk_ray.py",
        *session.posargs,
        env={"CEREBRAS_TEST_RAY": "1"},
    )


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks: import time, per-request and per-chunk CPU, memory, each next to plain httpx."""
    session.install("-e", ".[aiohttp]")
    session.run("python", "benchmarks/run.py", *session.posargs)
