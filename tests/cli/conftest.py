"""What the CLI tests of the Files, Batches and bulk commands share: a loopback mock whose batches
finish in hundredths of a second, and `cli(*args)`, which runs `cerebras` against it."""

from __future__ import annotations

from typing import Callable, Iterator, Tuple

import pytest

from cerebras.cloud.sdk.cli import main
from cerebras.cloud.sdk.testing import BatchTiming, MockCerebrasServer

KEY = "csk-cli-secret-0001"

Cli = Callable[..., Tuple[int, str, str]]


@pytest.fixture
def server(mock_server: MockCerebrasServer) -> Iterator[MockCerebrasServer]:
    mock_server.batch_timing = BatchTiming(
        validating=0.01, in_progress=0.03, finalizing=0.01, cancelling=0.01
    )
    yield mock_server


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], server: MockCerebrasServer) -> Cli:
    """`cli(*args) -> (exit status, stdout, stderr)`; fails if the key shows up in either."""

    def run(*args: str) -> Tuple[int, str, str]:
        try:
            status = main(["--base-url", server.base_url, "--api-key", KEY, *args])
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        assert KEY not in out + err
        return status, out, err

    return run
