"""The rate budget: which request may go now, and how long the others wait. Sans-IO.

`RateBudget` reads no clock, takes no lock and does no I/O: every call is given the time
(`now`, seconds on whatever monotonic clock the caller uses, the same one for every call)
and returns plain numbers. So a runner can drive it with `time.monotonic()` and sleeps, a
test with a list of times, and a Ray actor can hold one (it pickles) for all its workers.

Two kinds of limit apply at once, and a request goes only when every one has room:

* the explicit `Limits`: token buckets that start full and refill evenly over their window;
* what the API reports (`observe`): for each `x-ratelimit-*` window, `remaining` is what is
  left now, and after `reset` seconds the window is full again. That reading is safe for a
  server that refills continuously and for one that resets a fixed window: the budget never
  counts on more than `remaining` before the reset. Requests still in flight may or may not be
  counted in `remaining`, so they are subtracted again (a little conservative, never over).
  Once a window's figures show a bucket that refills continuously (`_Window.learn`), its level
  also grows at that rate between responses, as the server's does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

from ..._request_meta import parse_header_count, parse_header_seconds
from ._limits import WINDOWS, Limits, header_figures

__all__ = ["IN_FLIGHT_POLL", "RATE_SAMPLE_MIN", "RateBudget"]

RATE_SAMPLE_MIN = 20
"""The least a window must have used before its figures are read as a refill rate."""

IN_FLIGHT_POLL = 0.01
"""Seconds `reserve` asks to wait when only the in-flight cap (or requests still in flight
holding the reported budget) stands in the way: no clock says when one will finish."""

_SECONDS = dict(WINDOWS)


@dataclass
class _Bucket:
    """An explicit limit: `capacity` per window, refilled continuously, full at first."""

    capacity: int
    per_second: float
    level: float
    updated: Optional[float] = None

    def refill(self, now: float) -> None:
        if self.updated is not None and now > self.updated:
            self.level = min(float(self.capacity), self.level + (now - self.updated) * self.per_second)
        if self.updated is None or now > self.updated:
            self.updated = now

    def wait(self, cost: int) -> float:
        if cost > self.capacity:
            return math.inf
        return 0.0 if self.level >= cost else (cost - self.level) / self.per_second


@dataclass
class _Window:
    """What the API said about one window: `level` left until `reset_at`, then `limit` again;
    and, once its figures have shown a bucket that refills continuously, that refill `rate`."""

    limit: Optional[int]
    level: float
    reset_at: float = math.inf
    rate: float = 0.0  # per second; 0 until `learn` has seen a continuous refill
    updated: float = -math.inf
    run_start: Optional[Tuple[float, float]] = None  # (time, rate) of the first agreeing figures

    def refill(self, now: float, in_flight: float) -> None:
        if self.rate > 0 and now > self.updated and self.limit is not None:
            grown = self.level + (now - self.updated) * self.rate
            self.level = max(self.level, min(grown, self.limit - in_flight))
        self.updated = max(self.updated, now)
        if now >= self.reset_at and self.limit is not None:
            self.level = max(self.level, self.limit - in_flight)
            self.reset_at = math.inf

    def wait(self, now: float, cost: int) -> float:
        if self.level >= cost:
            return 0.0
        if self.limit is not None and cost > self.limit:
            return math.inf
        if self.rate > 0:
            return min(self.reset_at - now, (cost - self.level) / self.rate)
        return self.reset_at - now if self.reset_at < math.inf else IN_FLIGHT_POLL

    def learn(self, now: float, remaining: int, reset: float) -> None:
        """Tell a bucket that refills continuously from a window that resets all at once.

        A continuous bucket reports `reset` as the time until it is full, so the rate
        `(limit - remaining) / reset` is the same in every response. A fixed window reports the
        time to its end: the same quotient grows as the window runs out (the used part can only
        grow while the time left shrinks), by a third or more over a quarter of the time left.
        So figures that agree within 10% over at least that long (and half a second) are a
        continuous bucket, and the level grows at that rate between responses; anything else
        keeps the safe reading (nothing back before `reset`).
        """
        used = (self.limit or 0) - remaining
        if used < RATE_SAMPLE_MIN or reset <= 0:
            return  # too little used to read a rate (remaining is rounded down to a whole unit)
        rate = used / reset
        if self.run_start is None or abs(rate / self.run_start[1] - 1) > 0.1:
            self.run_start, self.rate = (now, rate), 0.0
        elif now - self.run_start[0] >= max(0.5, 0.25 * reset):
            self.rate = rate


class RateBudget:
    """Paces requests and estimated tokens under explicit `Limits` and the API's rate-limit
    headers, and caps the requests in flight. Sans-IO: see the module docstring.

    The protocol, for each request: `reserve(now, tokens)` until it returns `0.0` (each positive
    answer is how long to wait before asking again; `math.inf` means the request can never fit,
    its estimate being above a token limit), send it, then `settle(now, estimated, actual)` with
    the usage it reports and `observe(now, headers)` with its response headers, in that order.
    On a 429, `settle(now, estimated, 0)` (nothing was used), `observe` its headers and
    `pause(now, retry_after)` before reserving again.

    `admitted` counts the requests admitted so far; read right after a `reserve` that returned
    `0.0`, it is that request's ticket. Give it back to `observe`: responses come back out of
    order (more so when many workers share one budget), and an older response's `remaining` no
    longer counts what newer ones have spent, so an observation older than one already taken
    leaves the level alone.
    """

    def __init__(self, limits: Optional[Limits] = None, *, max_in_flight: Optional[int] = None) -> None:
        if limits is not None and not isinstance(limits, Limits):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"limits must be a Limits or None, got {type(limits).__name__}")
        if max_in_flight is not None and (
            not isinstance(max_in_flight, int)  # pyright: ignore[reportUnnecessaryIsInstance]
            or isinstance(max_in_flight, bool)
            or max_in_flight < 1
        ):
            raise ValueError(f"max_in_flight must be a positive integer or None, got {max_in_flight!r}")
        self.limits = limits if limits is not None else Limits()
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.in_flight_tokens = 0
        self.admitted = 0
        self._observed: Dict[Tuple[str, str], int] = {}  # the newest ticket each window took
        self.paused_until = -math.inf
        self._explicit: Dict[Tuple[str, str], _Bucket] = {
            key: _Bucket(capacity, capacity / _SECONDS[key[1]], float(capacity))
            for key, capacity in self.limits.by_window().items()
        }
        self._reported: Dict[Tuple[str, str], _Window] = {}

    def reserve(self, now: float, tokens: int) -> float:
        """Admit a request estimated at `tokens` (count it and its tokens, return `0.0`), or say
        how many seconds to wait before asking again."""
        if tokens < 0:
            raise ValueError(f"tokens must not be negative, got {tokens}")
        if now < self.paused_until:
            return self.paused_until - now
        if self.max_in_flight is not None and self.in_flight >= self.max_in_flight:
            return IN_FLIGHT_POLL
        wait = 0.0
        for (unit, _), bucket in self._explicit.items():
            bucket.refill(now)
            wait = max(wait, bucket.wait(1 if unit == "requests" else tokens))
        for (unit, _), window in self._reported.items():
            window.refill(now, self.in_flight if unit == "requests" else self.in_flight_tokens)
            wait = max(wait, window.wait(now, 1 if unit == "requests" else tokens))
        if wait > 0:
            return wait
        for (unit, _), bucket in self._explicit.items():
            bucket.level -= 1 if unit == "requests" else tokens
        for (unit, _), window in self._reported.items():
            window.level -= 1 if unit == "requests" else tokens
        self.in_flight += 1
        self.in_flight_tokens += tokens
        self.admitted += 1
        return 0.0

    def settle(self, now: float, estimated: int, actual: Optional[int]) -> None:
        """A reserved request finished: it is no longer in flight, and its tokens are corrected
        from `estimated` to `actual` (the response's `usage`; `None` when unknown keeps the
        estimate, `0` for a request the server turned away)."""
        self.in_flight = max(0, self.in_flight - 1)
        self.in_flight_tokens = max(0, self.in_flight_tokens - estimated)
        if actual is None or actual == estimated:
            return
        refund = estimated - actual
        for (unit, _), bucket in self._explicit.items():
            if unit == "tokens":
                bucket.refill(now)
                bucket.level = min(float(bucket.capacity), bucket.level + refund)
        for (unit, _), window in self._reported.items():
            if unit == "tokens":
                window.level = window.level + refund
                if window.limit is not None:
                    window.level = min(float(window.limit), window.level)

    def observe(self, now: float, headers: Mapping[str, str], ticket: Optional[int] = None) -> None:
        """Take the `x-ratelimit-*` figures of a response: what remains of each window (less the
        requests still in flight, which the server may not have counted yet), its limit, and
        when it is full again. Call it after `settle` for the same response; `ticket` is its
        request's (see the class docstring), and a response older than one already observed
        only updates the limit."""
        # The figures as text, parsed here rather than through `reported_limits`: this runs for
        # every response, and skipping its intermediate objects saves a few microseconds each.
        for key, texts in header_figures(headers).items():
            limit = parse_header_count(texts.get("limit"))
            if ticket is not None:
                if ticket < self._observed.get(key, -1):
                    if limit is not None and key in self._reported:
                        self._reported[key].limit = limit
                    continue
                self._observed[key] = ticket
            remaining = parse_header_count(texts.get("remaining"))
            window = self._reported.get(key)
            if window is None:
                if remaining is None and limit is None:
                    continue
                start = remaining if remaining is not None else limit
                window = self._reported[key] = _Window(limit, float(start or 0))
            if limit is not None:
                window.limit = limit
            if remaining is not None:
                in_flight = self.in_flight if key[0] == "requests" else self.in_flight_tokens
                window.level = float(remaining - in_flight)
                window.updated = now
            reset = parse_header_seconds(texts.get("reset"))
            if remaining is not None and reset is not None and window.limit is not None:
                window.learn(now, remaining, reset)
            if reset is not None:
                window.reset_at = now + reset
            elif remaining is not None:
                window.reset_at = math.inf

    def pause(self, now: float, seconds: float) -> None:
        """Admit nothing before `now + seconds` (a 429's `retry-after`)."""
        if seconds > 0:
            self.paused_until = max(self.paused_until, now + seconds)

    def remaining(self, now: float) -> Dict[str, float]:
        """What the budget would still admit now, per limit: `{"requests_per_minute": 3.0, ...}`
        (the smaller of the explicit limit and the reported one). For display and tests."""
        out: Dict[str, float] = {}
        for (unit, window), bucket in self._explicit.items():
            bucket.refill(now)
            out[f"{unit}_per_{window}"] = bucket.level
        for (unit, window), reported in self._reported.items():
            reported.refill(now, self.in_flight if unit == "requests" else self.in_flight_tokens)
            name = f"{unit}_per_{window}"
            out[name] = min(out.get(name, math.inf), reported.level)
        return out

    def __repr__(self) -> str:
        return (
            f"<RateBudget limits={self.limits} in_flight={self.in_flight} "
            f"reported={sorted(f'{u}_per_{w}' for u, w in self._reported)}>"
        )
