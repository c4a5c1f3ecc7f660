"""The async engine of a bulk run: `concurrency` workers, one rate budget, retries, tallies.

Each worker takes the next request, waits until the budget admits it, sends it, and hands the
final result to `emit`; so no more than `concurrency` requests are ever in flight, and results
come out in completion order. The SDK's own retries are off for these calls (the caller passes
a client with `max_retries=0`): the engine retries itself, so that the budget sees every 429.

The engine reaches the rate budget only through a `BudgetHandle`: `LocalBudget` wraps a
`RateBudget` and this process's clock; the Ray integration passes one that asks a shared actor.

With OpenTelemetry instrumentation on for the client (`lib.otel`), a run is one `bulk_run`
span, the parent of its requests' spans, with the run's counts as attributes.

A 401 or 403 stops the run: no worker takes another request, those in flight finish and are
emitted, then `RunStopped` is raised. So is an input error (`BatchInputError`), once the work
already started is emitted.
"""

from __future__ import annotations

import collections.abc as abc
import math
import random
import time
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Iterator,
    Mapping,
    Optional,
    Tuple,
    Union,
    cast,
)

import anyio
import httpx
from typing_extensions import Protocol

from ..._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
)
from ..._pipeline import server_retry_hint, should_retry
from ..otel import run_span
from ._budget import RateBudget
from ._input import BulkRequest
from ._results import BulkError, BulkProgress, BulkResult, BulkSummary, RunStopped

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "BudgetHandle",
    "Engine",
    "LocalBudget",
    "Sender",
    "check_options",
]

DEFAULT_CONCURRENCY = 16
DEFAULT_MAX_RETRIES = 8

Sender = Callable[[str, Dict[str, Any]], Awaitable[httpx.Response]]
"""Sends one request body to a path (`/v1/chat/completions`) and returns the response, or
raises the SDK's exception for an error status or a failed connection."""

Requests = Union[Iterator[BulkRequest], AsyncIterator[BulkRequest]]


class BudgetHandle(Protocol):
    """How the engine uses a rate budget: ask for room, then give the reservation back."""

    async def reserve(self, tokens: int) -> Tuple[float, int]:
        """`RateBudget.reserve` at the budget's own "now": `(0.0, ticket)` when admitted, else
        `(seconds to wait, 0)`."""
        ...

    def release(
        self,
        ticket: int,
        estimated: int,
        actual: Optional[int],
        headers: Optional[Mapping[str, str]] = None,
        pause: float = 0.0,
    ) -> None:
        """A reserved request ended: `settle` it, `observe` its response headers (if any) and
        `pause` the budget for `pause` seconds (a 429's retry-after), in that order."""
        ...


class LocalBudget:
    """A `RateBudget` in this process, read with `clock`."""

    __slots__ = ("budget", "clock")

    def __init__(self, budget: RateBudget, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self.clock = clock

    async def reserve(self, tokens: int) -> Tuple[float, int]:
        wait = self.budget.reserve(self.clock(), tokens)
        return (wait, self.budget.admitted) if wait == 0 else (wait, 0)

    def release(
        self,
        ticket: int,
        estimated: int,
        actual: Optional[int],
        headers: Optional[Mapping[str, str]] = None,
        pause: float = 0.0,
    ) -> None:
        now = self.clock()
        self.budget.settle(now, estimated, actual)
        if headers is not None:
            self.budget.observe(now, headers, ticket)
        if pause > 0:
            self.budget.pause(now, pause)


def check_options(concurrency: int, max_retries: int) -> None:
    """Raise `ValueError` naming `concurrency` (a positive int) or `max_retries` (an int >= 0)."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt` when the server gave no `retry-after`: 0.5 s
    doubling up to 8 s, less up to a quarter at random so that workers do not retry in step."""
    return float(min(8.0, 0.5 * 2.0 ** (attempt - 1)) * (1 - 0.25 * random.random()))


def _error_of(exc: Exception) -> BulkError:
    if isinstance(exc, APITimeoutError):
        return BulkError("timeout", str(exc))
    if isinstance(exc, APIStatusError):
        body: object = exc.body
        empty: Dict[str, Any] = {}
        details: Mapping[str, Any] = cast(Mapping[str, Any], body) if isinstance(body, Mapping) else empty
        code: object = details.get("code") or details.get("type") or f"http_{exc.status_code}"
        message: object = details.get("message") or exc.message
        return BulkError(str(code), str(message))
    if isinstance(exc, APIConnectionError):
        return BulkError("connection_error", str(exc))
    return BulkError(type(exc).__name__, str(exc))


def _usage_tokens(payload: Mapping[str, Any]) -> Optional[int]:
    usage: object = payload.get("usage")
    total: object = (
        cast(Mapping[str, Any], usage).get("total_tokens") if isinstance(usage, abc.Mapping) else None
    )
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


class Engine:
    """One run: the budget, the tallies, and the workers that share them."""

    def __init__(
        self,
        send: Sender,
        budget: Union[RateBudget, BudgetHandle],
        *,
        concurrency: int,
        max_retries: int,
        total: Optional[int] = None,
        skipped: int = 0,
        on_progress: Optional[Callable[[BulkProgress], Any]] = None,
        clock: Callable[[], float] = time.monotonic,
        owner: object = None,
    ) -> None:
        check_options(concurrency, max_retries)
        self.send = send
        self.budget: BudgetHandle = LocalBudget(budget, clock) if isinstance(budget, RateBudget) else budget
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.total = total
        self.skipped = skipped
        self.on_progress = on_progress
        self.clock = clock
        self.owner = owner  # the client, whose instrumentation decides on the run's span
        self.started = clock()
        self.succeeded = self.failed = self.tokens = self.rate_limited = self.retries = 0
        self.in_flight = self.peak_in_flight = 0
        self._stop: Optional[BaseException] = None  # why no worker may take another request

    # the run

    async def run(self, requests: Requests, emit: Callable[[BulkResult], Any]) -> BulkSummary:
        """Work through `requests`, calling `emit` with each result (awaited if it returns an
        awaitable); return the summary, or raise what stopped the run once in-flight work ended."""
        self.started = self.clock()
        lock = anyio.Lock()
        plain = isinstance(requests, abc.Iterator)  # once: an isinstance per request adds up

        async def next_request() -> Optional[BulkRequest]:
            if self._stop is not None:
                return None
            try:
                if plain:
                    return next(cast(Iterator[BulkRequest], requests))
                async with lock:
                    return await cast(AsyncIterator[BulkRequest], requests).__anext__()
            except (StopIteration, StopAsyncIteration):
                return None
            except Exception as exc:
                self._stop = self._stop or exc
                return None

        async def worker() -> None:
            while True:
                request = await next_request()
                if request is None:
                    return
                result = await self._process(request)
                if result is None:
                    return
                if result.status == "succeeded":
                    self.succeeded += 1
                    self.tokens += result.tokens
                else:
                    self.failed += 1
                snapshot = self.progress() if self.on_progress is not None else None
                done = emit(result)
                if done is not None and hasattr(done, "__await__"):
                    await done
                if self.on_progress is not None and snapshot is not None:
                    self.on_progress(snapshot)

        run = run_span(
            "bulk_run",
            owner=self.owner,
            attributes={"cerebras.run.type": "bulk_run", "cerebras.bulk.concurrency": self.concurrency},
        )
        failure: Optional[BaseException] = None
        try:
            with run.activated():  # the workers start inside it: their requests are its children
                async with anyio.create_task_group() as group:
                    for _ in range(self.concurrency):
                        group.start_soon(worker)
            summary = self.summary()
            if self._stop is not None:
                if isinstance(self._stop, RunStopped):
                    self._stop.summary = summary
                failure = self._stop
                raise self._stop
            return summary
        except BaseException as exc:
            failure = failure or exc
            raise
        finally:
            for name, value in (
                ("succeeded", self.succeeded),
                ("failed", self.failed),
                ("tokens", self.tokens),
                ("rate_limited", self.rate_limited),
                ("retries", self.retries),
            ):
                run.set_attribute(f"cerebras.bulk.{name}", value)
            run.end(failure)

    async def _process(self, request: BulkRequest) -> Optional[BulkResult]:
        """Send `request` until it has a final result; None if the run stopped before it went."""
        budget, attempt = self.budget, 0
        while True:
            while True:
                if self._stop is not None:
                    return None
                wait, ticket = await budget.reserve(request.tokens)
                if wait == 0:
                    break
                if math.isinf(wait):
                    message = f"its estimated {request.tokens} tokens exceed a token limit of the account or the run"
                    return BulkResult(
                        request.custom_id, "failed", error=BulkError("request_too_large", message)
                    )
                await anyio.sleep(min(wait, 5.0))
            attempt += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                response = await self.send(request.url, request.body)
            except (AuthenticationError, PermissionDeniedError) as exc:
                budget.release(ticket, request.tokens, 0)
                what = "API key" if isinstance(exc, AuthenticationError) else "permissions"
                stop = RunStopped(
                    f"the API rejected the {what} ({exc.status_code}) for custom_id {request.custom_id!r}: "
                    f"{_error_of(exc).message}; the run stopped, every result received is kept, "
                    "and running it again with the same output resumes",
                    custom_id=request.custom_id,
                )
                stop.__cause__ = exc
                self._stop = self._stop or stop
                return None
            except APIStatusError as exc:
                hint = server_retry_hint(exc.response.headers)
                limited = isinstance(exc, RateLimitError)
                pause = (hint if hint is not None else backoff(attempt)) if limited else 0.0
                # A 429 used nothing; any other error may have (unknown: keep the estimate).
                budget.release(ticket, request.tokens, 0 if limited else None, exc.response.headers, pause)
                if limited:
                    self.rate_limited += 1
                if attempt > self.max_retries or not should_retry(exc.response):
                    return BulkResult(request.custom_id, "failed", error=_error_of(exc), attempts=attempt)
                self.retries += 1
                if not limited:
                    await anyio.sleep(hint if hint is not None and 0 <= hint <= 60 else backoff(attempt))
                continue
            except APIConnectionError as exc:
                budget.release(ticket, request.tokens, None)
                if attempt > self.max_retries:
                    return BulkResult(request.custom_id, "failed", error=_error_of(exc), attempts=attempt)
                self.retries += 1
                await anyio.sleep(backoff(attempt))
                continue
            finally:
                self.in_flight -= 1
            return self._success(request, response, attempt, ticket)

    def _success(
        self, request: BulkRequest, response: httpx.Response, attempt: int, ticket: int
    ) -> BulkResult:
        try:
            payload: object = response.json()
        except ValueError as exc:
            self.budget.release(ticket, request.tokens, None)
            error = BulkError("invalid_response", f"the response was not JSON: {exc}")
            return BulkResult(request.custom_id, "failed", error=error, attempts=attempt)
        data = cast(Dict[str, Any], payload) if isinstance(payload, dict) else {"value": payload}
        used = _usage_tokens(data)
        self.budget.release(ticket, request.tokens, used, response.headers)
        return BulkResult(request.custom_id, "succeeded", response=data, attempts=attempt, tokens=used or 0)

    # reporting

    def progress(self) -> BulkProgress:
        """A snapshot of the counts and rates so far."""
        elapsed = max(self.clock() - self.started, 1e-9)
        done = self.succeeded + self.failed
        eta: Optional[float] = None
        if self.total is not None and done:
            left = max(0, self.total - self.skipped - done)
            eta = left * elapsed / done
        return BulkProgress(
            done=done,
            succeeded=self.succeeded,
            failed=self.failed,
            in_flight=self.in_flight,
            skipped=self.skipped,
            total=self.total,
            tokens=self.tokens,
            rate_limited=self.rate_limited,
            elapsed=elapsed,
            requests_per_minute=done * 60 / elapsed,
            tokens_per_minute=self.tokens * 60 / elapsed,
            eta=eta,
        )

    def summary(self, output: Optional[str] = None) -> BulkSummary:
        return BulkSummary(
            succeeded=self.succeeded,
            failed=self.failed,
            skipped=self.skipped,
            tokens=self.tokens,
            rate_limited=self.rate_limited,
            retries=self.retries,
            elapsed=self.clock() - self.started,
            output=output,
        )
