"""`batches.wait()`: poll a batch, with exponential backoff, until its status is final.

`BatchPoller` makes every decision (how long to sleep, when to stop, when to give up) from the
batch and the time, without I/O; `wait_for_batch` and `async_wait_for_batch` are the two small
loops that retrieve, report and sleep. They read the clock and sleep through this module's `clock`,
`sleep` and `async_sleep`, which a test may replace.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Awaitable, Callable, FrozenSet, Optional

from .._exceptions import BatchWaitTimeout

if TYPE_CHECKING:
    from ..types.batch import Batch

__all__ = [
    "BACKOFF_FACTOR",
    "TERMINAL_BATCH_STATUSES",
    "BatchPoller",
    "BatchWaitTimeout",
    "async_wait_for_batch",
    "wait_for_batch",
]

TERMINAL_BATCH_STATUSES: FrozenSet[str] = frozenset({"completed", "failed", "expired", "cancelled"})
"""The statuses a batch never leaves; `wait()` returns when it reaches one."""

BACKOFF_FACTOR = 1.5
"""Each pause is this many times the previous one, up to `max_poll_interval`."""

JITTER = 0.1
"""Each pause is shortened by up to this fraction, so that many waiters do not poll in step."""

clock: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


async def async_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


class BatchPoller:
    """When to poll next: after each poll, `after_poll(batch, now)` returns the seconds to sleep,
    None when the batch is final, or raises `BatchWaitTimeout` once `timeout` has passed."""

    def __init__(
        self,
        *,
        timeout: Optional[float],
        poll_interval: float,
        max_poll_interval: float,
        started: float,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if timeout is not None and not timeout >= 0:
            raise ValueError(f"timeout must be None or >= 0 seconds, got {timeout!r}")
        if not poll_interval > 0:
            raise ValueError(f"poll_interval must be > 0 seconds, got {poll_interval!r}")
        if not max_poll_interval >= poll_interval:
            raise ValueError(
                f"max_poll_interval ({max_poll_interval!r}) must be >= poll_interval ({poll_interval!r})"
            )
        self.timeout = timeout
        self.deadline = None if timeout is None else started + timeout
        self.interval = poll_interval
        self.max_interval = max_poll_interval
        self.started = started
        self._jitter = jitter

    def after_poll(self, batch: Batch, now: float) -> Optional[float]:
        """Seconds to sleep before the next poll, or None when `batch` is final."""
        if batch.status in TERMINAL_BATCH_STATUSES:
            return None
        if self.deadline is not None and now >= self.deadline:
            raise BatchWaitTimeout(batch, now - self.started)
        delay = self.interval * (1 - JITTER * self._jitter())
        self.interval = min(self.interval * BACKOFF_FACTOR, self.max_interval)
        if self.deadline is not None:
            delay = min(delay, self.deadline - now)  # one last poll right at the deadline
        return delay


def wait_for_batch(
    retrieve: Callable[[str], Batch],
    batch_id: str,
    *,
    timeout: Optional[float],
    poll_interval: float,
    max_poll_interval: float,
    on_progress: Optional[Callable[[Batch], None]],
) -> Batch:
    """Poll `retrieve(batch_id)` until the batch is final; `on_progress` sees every poll's batch."""
    poller = BatchPoller(
        timeout=timeout, poll_interval=poll_interval, max_poll_interval=max_poll_interval, started=clock()
    )
    while True:
        batch = retrieve(batch_id)
        if on_progress is not None:
            on_progress(batch)
        delay = poller.after_poll(batch, clock())
        if delay is None:
            return batch
        sleep(delay)


async def async_wait_for_batch(
    retrieve: Callable[[str], Awaitable[Batch]],
    batch_id: str,
    *,
    timeout: Optional[float],
    poll_interval: float,
    max_poll_interval: float,
    on_progress: Optional[Callable[[Batch], None]],
) -> Batch:
    """The async `wait_for_batch` (sleeps with `anyio.sleep`: asyncio or trio)."""
    poller = BatchPoller(
        timeout=timeout, poll_interval=poll_interval, max_poll_interval=max_poll_interval, started=clock()
    )
    while True:
        batch = await retrieve(batch_id)
        if on_progress is not None:
            on_progress(batch)
        delay = poller.after_poll(batch, clock())
        if delay is None:
            return batch
        await async_sleep(delay)
