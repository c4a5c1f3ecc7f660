"""The mock's own clock, which batches and file expiry run on, and the durations of batch phases."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Optional

__all__ = ["BatchTiming", "MockClock"]


class MockClock:
    """Unix time as the mock server sees it: real time scaled by :attr:`time_scale`, plus every
    :meth:`advance`.

    It starts at the current whole second of ``time.time()`` (or at ``start``) so that timestamps
    look like the API's. With the default ``time_scale=1.0`` it follows the wall clock (a batch
    created against a running mock finishes on its own); ``time_scale=0`` freezes it, so that only
    :meth:`advance` moves it and a test can walk a batch through its states without sleeping::

        server = MockCerebrasServer(time_scale=0)
        ...  # create a batch
        server.clock.advance(10)  # validated, run and completed
    """

    def __init__(self, time_scale: float = 1.0, start: Optional[float] = None) -> None:
        _check_scale(time_scale)
        self._lock = threading.Lock()
        self._scale = float(time_scale)
        self._base = float(int(time.time()) if start is None else start)
        self._anchor = time.monotonic()

    def now(self) -> float:
        """The current mock time, in (float) unix seconds."""
        with self._lock:
            return self._base + (time.monotonic() - self._anchor) * self._scale

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (not backwards); returns the new time."""
        if seconds < 0:
            raise ValueError("the mock clock only moves forward: seconds must not be negative")
        with self._lock:
            self._base += seconds
            return self._base + (time.monotonic() - self._anchor) * self._scale

    @property
    def time_scale(self) -> float:
        """How many mock seconds pass per real second (``0`` freezes the clock)."""
        return self._scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        _check_scale(value)
        with self._lock:
            moment = time.monotonic()
            self._base += (moment - self._anchor) * self._scale
            self._anchor = moment
            self._scale = float(value)

    def __repr__(self) -> str:
        return f"<MockClock now={self.now():.3f} time_scale={self._scale}>"


def _check_scale(value: float) -> None:
    if value < 0:
        raise ValueError("time_scale must not be negative")


@dataclass
class BatchTiming:
    """How long (in mock seconds, see :class:`MockClock`) a batch spends in each phase.

    A batch is ``validating`` for :attr:`validating` seconds, then ``in_progress`` for
    :attr:`in_progress` seconds (its requests finish one by one, evenly spread over the phase),
    then ``finalizing`` for :attr:`finalizing` seconds before it is ``completed``. A cancelled
    batch is ``cancelling`` for :attr:`cancelling` seconds. A batch not completed
    :attr:`completion_window` seconds after its creation (24 h) expires. The durations are read
    when a batch is created; changing them later affects new batches only.
    """

    validating: float = 0.2
    in_progress: float = 0.5
    finalizing: float = 0.1
    cancelling: float = 0.1
    completion_window: float = 86400.0

    def __post_init__(self) -> None:
        for name in ("validating", "in_progress", "finalizing", "cancelling", "completion_window"):
            if getattr(self, name) < 0:
                raise ValueError(f"BatchTiming.{name} must not be negative")

    def copy(self) -> BatchTiming:
        return BatchTiming(
            self.validating, self.in_progress, self.finalizing, self.cancelling, self.completion_window
        )
