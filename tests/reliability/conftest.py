"""Fixtures of the reliability suite, and the figures table printed at the end of the run.

Each scenario records what it measured with the `figures` fixture (stored as pytest
``user_properties``, so it travels with the test report). When any scenario of this folder ran,
the terminal summary ends with one table: scenario, outcome, duration and figures. Run the suite
alone, with its table, with::

    python -m pytest tests/reliability -q -s -p no:randomly
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from ._support import deadline

# Every scenario runs under this guard on top of its own, tighter, bounds: nothing here can hang
# a test run, whatever the SDK does. (Deeper fuzzing, `RELIABILITY_FUZZ_SCALE=n`, gets n times more.)
TEST_TIME_LIMIT = 150.0 * max(1.0, float(os.environ.get("RELIABILITY_FUZZ_SCALE", "1")))


@pytest.fixture(autouse=True)
def _time_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    with deadline(TEST_TIME_LIMIT, f"{request.node.name} (whole-test guard)"):
        yield


Record = Callable[..., None]


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Record:
    """`figures(name=value, ...)` records measured figures for the summary table."""

    def record(**values: Any) -> None:
        request.node.user_properties.extend(values.items())

    return record


# --------------------------------------------------------------------------- the figures table


class _Table:
    def __init__(self) -> None:
        self.rows: Dict[str, Dict[str, Any]] = {}
        self.first_start: float = 0.0
        self.last_stop: float = 0.0

    def add(self, report: pytest.TestReport) -> None:
        if "/reliability/" not in report.nodeid.replace("\\", "/"):
            return
        row = self.rows.setdefault(
            report.nodeid, {"outcome": "passed", "duration": 0.0, "figures": [], "when": report.when}
        )
        row["duration"] += report.duration
        start = getattr(report, "start", None)
        stop = getattr(report, "stop", None)
        if start is not None and stop is not None:
            self.first_start = start if not self.first_start else min(self.first_start, start)
            self.last_stop = max(self.last_stop, stop)
        if report.when == "call":
            row["figures"] = list(report.user_properties)
            if hasattr(report, "wasxfail"):
                row["outcome"] = "xfailed" if report.skipped else "XPASS"
            else:
                row["outcome"] = report.outcome
        elif report.failed:
            row["outcome"] = f"error ({report.when})"
        elif report.skipped and report.when == "setup":
            row["outcome"] = "skipped"


_table = _Table()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _table.add(report)


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _short(nodeid: str) -> str:
    path, _, name = nodeid.partition("::")
    module = path.rsplit("/", 1)[-1].removesuffix(".py")
    return f"{module.replace('test_', '', 1)}::{name}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    rows: List[Tuple[str, Dict[str, Any]]] = list(_table.rows.items())
    if not rows:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("=", "reliability figures")
    width = min(max(len(_short(nodeid)) for nodeid, _ in rows), 78)
    write(f"{'scenario':<{width}}  {'result':<8} {'time s':>7}  figures")
    counts: Dict[str, int] = {}
    for nodeid, row in rows:
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        figures = ", ".join(f"{k}={_format_value(v)}" for k, v in row["figures"])
        name = _short(nodeid)
        if len(name) > width:
            name = name[: width - 3] + "..."
        write(f"{name:<{width}}  {row['outcome']:<8} {row['duration']:>7.2f}  {figures}")
    total = sum(row["duration"] for _, row in rows)
    wall = _table.last_stop - _table.first_start if _table.first_start else total
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    write(f"{len(rows)} scenarios ({summary}); time in scenarios {total:.1f} s, wall {wall:.1f} s")
    write(f"(reported {time.strftime('%Y-%m-%d %H:%M:%S')})")
